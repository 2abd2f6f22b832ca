# shellcheck shell=bash
# hardline: helpers shared by tests/images/*.sh (sourced by run.sh).

PASSED=0
FAILED=0

# HARDLINE_STOP_AT=TEXT (mutations.py): stop the run right after the first check whose name
# contains TEXT, whatever its result; the exit status still says whether anything failed.
ok()    { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; stop_at "$1"; }
notok() {
    FAILED=$((FAILED + 1))
    printf 'not ok - %s\n' "$1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 15 | sed 's/^/#   /'; fi
    stop_at "$1"
}
stop_at() {
    if [ -n "${HARDLINE_STOP_AT:-}" ] && [[ $1 == *"$HARDLINE_STOP_AT"* ]]; then
        echo "# stopping after '$1' (HARDLINE_STOP_AT)"
        echo "$PASSED passed, $FAILED failed"
        [ "$FAILED" -eq 0 ]
        exit
    fi
}

# check DESCRIPTION COMMAND... : passes when the command exits 0.
check() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$desc"; else notok "$desc" "$out"; fi
}

# check_fails DESCRIPTION PATTERN COMMAND... : passes when the command fails AND its output
# matches the extended regex PATTERN (so that it failed for the reason under test).
check_fails() {
    local desc=$1 pattern=$2 out
    shift 2
    if out=$("$@" 2>&1); then
        notok "$desc" "unexpectedly succeeded: $out"
    elif grep -Eq -- "$pattern" <<<"$out"; then
        ok "$desc"
    else
        notok "$desc" "failed, but not with /$pattern/: $out"
    fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected [$2], got [$3]"; fi
}

# expect_match DESCRIPTION REGEX TEXT
expect_match() {
    if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else notok "$1" "no match for /$2/ in: $3"; fi
}

# expect_no_match DESCRIPTION REGEX TEXT
expect_no_match() {
    if grep -Eq -- "$2" <<<"$3"; then notok "$1" "unexpected match for /$2/ in: $3"; else ok "$1"; fi
}

# relay OUTPUT_FILE : counts the ok / not ok lines another script printed, and shows them.
relay() {
    local line
    while IFS= read -r line; do
        case $line in
            "ok - "*) ok "${line#ok - }" ;;
            "not ok - "*) notok "${line#not ok - }" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done <"$1"
}

# wait_for SECONDS COMMAND... : retries the command every 0.3 s.
wait_for() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.3
    done
}

# --- podman, as TOOLS.md "Containers" says it works on these machines: runc (crun fails on this
# cgroups v1 hybrid), two ulimits (podman's defaults cannot be set here), images in docker format
# (the OCI format drops HEALTHCHECK), host network for apt inside builds.
PODMAN=(podman --runtime /usr/sbin/runc)
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
pm() { "${PODMAN[@]}" "$@"; }

# pm_run_d ARGS… : `podman run -d`, quietly. Without systemd, podman complains on every start that
# it cannot schedule the healthcheck timer; that is dropped, anything else it says is shown.
# (A file, not a pipe: conmon keeps the stderr it inherits open for the container's lifetime.)
pm_run_d() {
    local err rc
    err=$(mktemp)
    pm run -d --label "hardline.test.pid=$$" "$@" >/dev/null 2>"$err"
    rc=$?
    grep -v 'unable to get systemd connection' "$err" >&2
    rm -f "$err"
    return $rc
}

# build_image CONTEXT_DIR TAG LOG [--build-arg …] : one image, with podman's layer cache.
build_image() {
    local context=$1 tag=$2 log=$3
    shift 3
    pm build --format docker --network host --runtime /usr/sbin/runc "${ULIMITS[@]}" \
        --build-arg BASE_IMAGE="$BASE_IMAGE" "$@" -t "$tag" "$context" >"$log" 2>&1
}

# healthy CONTAINER : runs the image's HEALTHCHECK once (podman runs it through systemd timers,
# which these machines do not have, so the tests poll it themselves).
healthy() { pm healthcheck run "$1" >/dev/null 2>&1; }

# wait_healthy SECONDS CONTAINER : polls the HEALTHCHECK; fails early if the container exits.
wait_healthy() {
    local deadline=$(( $(date +%s) + $1 )) name=$2
    until healthy "$name"; do
        if [ "$(pm inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ] \
            || [ "$(date +%s)" -ge "$deadline" ]; then
            pm logs "$name" 2>&1 | grep -v 'systemd' | tail -n 20
            return 1
        fi
        sleep 0.5
    done
}

# reap_stale : removes the containers and networks that an interrupted earlier run left behind
# (labelled with the pid of a run that no longer exists).
reap_stale() {
    local name pid
    while read -r name pid; do
        [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && remove_container "$name"
    done < <(pm ps -a --filter label=hardline.test.pid --format '{{.Names}} {{index .Labels "hardline.test.pid"}}' 2>/dev/null)
    while read -r name; do
        pid=${name#hl-}
        [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null && pm network rm -f "$name" >/dev/null 2>&1
    done < <(pm network ls --format '{{.Name}}' 2>/dev/null)
    return 0
}

# published CONTAINER PORT : the loopback port that podman published for the container's PORT.
published() { pm port "$1" "$2" | head -n 1 | sed 's/.*://'; }

# logs CONTAINER : the container's stdout and stderr, without podman's own systemd complaints.
logs() { pm logs "$1" 2>&1 | grep -v 'unable to get systemd connection'; }

# remove_container NAME… : one at a time (podman 4.3 removes none when one name is unknown).
remove_container() {
    local name
    for name in "$@"; do
        pm rm -f -t 0 "$name" >/dev/null 2>&1 || true
    done
}

# --- throwaway TLS material (deleted with the work directory; no key is ever committed)

# make_ca DIR NAME : a throwaway EC P-256 CA in DIR/NAME.{key,crt}
make_ca() {
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$1/$2.key" -out "$1/$2.crt" -days 2 -subj "/CN=hardline test $2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        >/dev/null 2>&1
}

# make_server_cert DIR CA NAME SAN : DIR/NAME.{key,crt} signed by CA, for the subjectAltName SAN
# (e.g. "DNS:localhost,IP:127.0.0.1").
make_server_cert() {
    local dir=$1 ca=$2 name=$3 san=$4 cn=${4%%,*}
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=${cn#*:}" >/dev/null 2>&1
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" \
        >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
        -out "$dir/$name.crt" -days 2 -extfile "$dir/$name.ext" >/dev/null 2>&1
}
