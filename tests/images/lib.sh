# shellcheck shell=bash
# hardline: helpers shared by tests/images/*.sh (sourced by run.sh).

PASSED=0
FAILED=0

ok()    { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
notok() {
    FAILED=$((FAILED + 1))
    printf 'not ok - %s\n' "$1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 15 | sed 's/^/#   /'; fi
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

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for SECONDS COMMAND... : retries the command every 0.2 s.
wait_for() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# make_ca DIR NAME : a throwaway EC P-256 CA in DIR/NAME.{key,crt}
make_ca() {
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$1/$2.key" -out "$1/$2.crt" -days 2 -subj "/CN=hardline test $2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        >/dev/null 2>&1
}

# make_server_cert DIR CA NAME : DIR/NAME.{key,crt} for localhost and 127.0.0.1, signed by CA.
make_server_cert() {
    local dir=$1 ca=$2 name=$3
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=localhost" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
        >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
        -out "$dir/$name.crt" -days 2 -extfile "$dir/$name.ext" >/dev/null 2>&1
}
