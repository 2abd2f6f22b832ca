#!/usr/bin/env bash
# hardline: proves on a BUILT image what depends on the build itself (the base, the packages it
# brought, the Dockerfile's steps), then starts it once and probes the running container.
#
#   verify-image.sh NAME IMAGE_REF
#
#   NAME        the image's directory under images/ (postgres-secured, php-mysql-secured): selects
#               the allowed writable paths and the smoke test
#   IMAGE_REF   the built image, e.g. hardline-ci/postgres-secured:$GITHUB_SHA
#
# Environment (all optional):
#   CONTAINER_ENGINE         the command that runs containers, word-split: `docker` (default, as on
#                            GitHub's runners) or e.g. `podman --runtime /usr/sbin/runc`
#   CONTAINER_RUN_ARGS       extra arguments for every `run`, word-split, e.g.
#                            `--ulimit nofile=1024:1024 --ulimit nproc=1024:1024` (podman here)
#   VERIFY_ALLOW_LOCAL_BASE  1: accept a base that is a local `localhost/…` image (tests/images
#                            builds on a debootstrapped stand-in); unset in CI, where the base must
#                            be debian:trixie-slim pinned by digest
#
# Needs openssl and curl; sudo when not root (to give the throwaway TLS key to the image's uid).
# Prints one `ok - NAME: …` or `not ok - NAME: …` line per check, then `# NAME: N check(s) failed`.
# Exit status: 0 all passed, 1 a check failed, 2 usage error.
# Runs in the scan and pr-gate workflows right after the build, and in tests/images/run.sh, where
# every check is also shown to fail when its control is reverted (tests/images/mutations.py).
set -euo pipefail

if [ $# -ne 2 ]; then
    sed -n '4,10p' "$0" >&2
    exit 2
fi
name=$1
ref=$2
read -r -a ENGINE <<<"${CONTAINER_ENGINE:-docker}"
read -r -a RUN_ARGS <<<"${CONTAINER_RUN_ARGS:-}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
container="hl-verify-$name-$$"
failed=0

pass() { printf 'ok - %s: %s\n' "$name" "$1"; }
fail() {
    printf 'not ok - %s: %s\n' "$name" "$1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 15 | sed 's/^/#   /'; fi
    failed=$((failed + 1))
}
# expect DESCRIPTION COMMAND... : passes when the command succeeds; its output is shown otherwise.
expect() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc" "$out"; fi
}
engine() { "${ENGINE[@]}" "$@"; }
inspect() { engine image inspect --format "$1" "$ref"; }
# Runs a command in a fresh container of the image, without network, as UID (default root).
in_image() { # USER COMMAND...
    local user=$1
    shift
    engine run --rm "${RUN_ARGS[@]}" --network none --user "$user" --entrypoint "$1" "$ref" "${@:2}"
}
is_podman() { engine --version 2>/dev/null | grep -qi podman; }
# start CONTAINER_ARGS… : `run -d`; what the engine says goes to the output only if it fails
# (podman without systemd always complains that it cannot schedule the healthcheck timer).
# The image's own HEALTHCHECK runs every 2 s here instead of every 30 s, so that Docker reports
# "healthy" within seconds of the server being ready.
start() {
    engine run -d --name "$container" --health-interval 2s "${RUN_ARGS[@]}" "$@" >/dev/null 2>"$work/run.err" \
        || { cat "$work/run.err"; return 1; }
}

work=$(mktemp -d)
cleanup() {
    engine rm -f -t 0 "$container" >/dev/null 2>&1 || engine rm -f "$container" >/dev/null 2>&1 || true
    $SUDO rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------- the image's config
user=$(inspect '{{.Config.User}}')
uid=${user%%:*}
gid=${user#*:}
expect "runs as a fixed numeric non-root uid:gid ($user)" \
    bash -c '[[ $0 =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]]' "$user"
health=$(inspect '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}')
expect "has a HEALTHCHECK ($health)" bash -c '[ -n "$0" ] && [[ $0 != NONE* ]]' "$health"

labels_ok() {
    local label value missing=""
    for label in title source revision licenses base.name; do
        value=$(inspect "{{index .Config.Labels \"org.opencontainers.image.$label\"}}")
        if [ -z "$value" ] || [ "$value" = unknown ] || [ "$value" = "<no value>" ]; then missing+=" $label"; fi
    done
    [ -z "$missing" ] || { echo "missing or unknown:$missing"; return 1; }
}
expect "OCI labels title, source, revision, licenses and base.name are set" labels_ok
base=$(inspect '{{index .Config.Labels "org.opencontainers.image.base.name"}}')
base_pinned() {
    [[ $base =~ ^(docker\.io/library/)?debian:trixie-slim@sha256:[0-9a-f]{64}$ ]] && return 0
    [ "${VERIFY_ALLOW_LOCAL_BASE:-}" = 1 ] && [[ $base == localhost/* ]] && return 0
    echo "base.name is '$base'"
    return 1
}
expect "base is debian:trixie-slim pinned by digest (label base.name)" base_pinned

env_secrets() {
    local leaked
    leaked=$(inspect '{{range .Config.Env}}{{println .}}{{end}}' \
        | grep -E '^[A-Za-z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|API_?KEY)[A-Za-z0-9_]*=' \
        | grep -vE '^[A-Za-z0-9_]+_FILE=/run/secrets/' || true)
    [ -z "$leaked" ] || { echo "$leaked" | sed 's/=.*/=…/'; return 1; }
}
expect "no secret in the image's environment (only *_FILE paths under /run/secrets)" env_secrets

# ---------------------------------------------------------------------------- the image's files
no_setuid() {
    local found
    found=$(in_image 0:0 find / -xdev -perm /6000 -type f)
    [ -z "$found" ] || { echo "$found"; return 1; }
}
expect "no setuid/setgid files" no_setuid

no_build_tools() {
    local found
    found=$(in_image 0:0 bash -c 'for t in gcc cc c++ g++ clang make ld as cpp phpize; do command -v "$t" || true; done')
    [ -z "$found" ] || { echo "$found"; return 1; }
}
expect "no compiler or build tool (gcc, cc, make, ld, as, phpize, …)" no_build_tools

no_private_keys() {
    local found
    found=$(in_image 0:0 bash -c 'grep -rlIsE -- "-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----" \
        /etc /root /home /srv /opt /usr/local /usr/share /var 2>/dev/null || true')
    [ -z "$found" ] || { echo "$found"; return 1; }
}
expect "no private key anywhere in the image" no_private_keys

# What the image's user may write: its own state and the temp directories (/var/lock is Debian's
# link to /run/lock, 1777 like /tmp). Configuration, the entrypoint and the application are
# read-only for it.
case $name in
postgres-secured)
    writable_ok='^/(var/lib/postgresql(/.*)?|run/postgresql|tmp|var/tmp|run/lock|var/lock)$'
    root_owned=(/etc/postgresql /usr/local/bin)
    ;;
php-mysql-secured)
    writable_ok='^/(run/apache2|run/lock/apache2|var/lib/php/sessions|tmp|var/tmp|run/lock|var/lock)$'
    root_owned=(/etc/apache2 /etc/php /var/www /usr/local/bin)
    ;;
*)
    writable_ok='^/(tmp|var/tmp|run/lock|var/lock)$'
    root_owned=(/usr/local/bin)
    ;;
esac
writable_paths() {
    local found
    found=$(in_image "$user" find / -xdev -writable -print 2>/dev/null | grep -vE "$writable_ok" || true)
    [ -z "$found" ] || { echo "$found"; return 1; }
}
expect "uid $uid can write only to its own state and temp directories" writable_paths
root_owned() {
    local found
    found=$(in_image 0:0 find "${root_owned[@]}" ! -user root -print)
    [ -z "$found" ] || { echo "$found"; return 1; }
}
expect "${root_owned[*]} are owned by root" root_owned

# ---------------------------------------------------------------------------- smoke run
wait_healthy() {
    local status
    for _ in $(seq 1 60); do
        if is_podman; then
            # podman runs healthchecks through systemd timers, absent in CI containers: run it here.
            engine healthcheck run "$container" >/dev/null 2>&1 && return 0
        else
            status=$(engine inspect --format '{{.State.Health.Status}}' "$container" 2>/dev/null || echo gone)
            [ "$status" = healthy ] && return 0
        fi
        [ "$(engine inspect --format '{{.State.Running}}' "$container" 2>/dev/null)" = true ] || break
        sleep 1
    done
    engine logs "$container" 2>&1 | tail -n 20
    return 1
}
published() { # CONTAINER_PORT -> host port
    engine port "$container" "$1" | head -n 1 | sed 's/.*://'
}

case $name in
postgres-secured)
    mkdir -p "$work/tls"
    openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
        -keyout "$work/tls/server.key" -out "$work/tls/server.crt" 2>/dev/null
    openssl rand -hex 16 >"$work/password"
    chmod 0600 "$work/tls/server.key"
    chmod 0444 "$work/password"
    $SUDO chown -R "$uid:$gid" "$work/tls"
    start -p 127.0.0.1::5432 \
        -v "$work/tls:/etc/postgresql/tls:ro" -v "$work/password:/run/secrets/postgres_password:ro" "$ref" || true
    expect "starts and becomes healthy with a mounted certificate and password file" wait_healthy
    sql() { engine exec -e PGPASSWORD="$(cat "$work/password")" -e PGCONNECT_TIMEOUT=5 "$container" psql -X -Atq "$@"; }
    refused() { # PATTERN CONNINFO : the connection fails with an error matching PATTERN
        local out
        if out=$(sql "$2" -c 'SELECT 1' 2>&1); then echo "connected: $out"; return 1; fi
        grep -Eq -- "$1" <<<"$out" || { echo "$out"; return 1; }
    }
    expect "socket directory is 0700 while the server runs" \
        bash -c '[ "$0" = 700 ]' "$(engine exec "$container" stat -c %a /var/run/postgresql 2>&1)"
    expect "plain (non-TLS) TCP is rejected" refused 'rejects connection.*no encryption' \
        "host=127.0.0.1 sslmode=disable user=postgres dbname=postgres"
    expect "the superuser is rejected over TCP even with TLS" refused 'rejects connection.*user "postgres"' \
        "host=127.0.0.1 sslmode=require user=postgres dbname=postgres"
    expect "pgaudit is preloaded" bash -c '[ "$0" = pgaudit ]' \
        "$(sql -h /var/run/postgresql -U postgres -d postgres -c 'SHOW shared_preload_libraries' 2>&1)"
    ;;
php-mysql-secured)
    start -p 127.0.0.1::8080 "$ref" || true
    expect "starts and becomes healthy (no database needed for /healthz.php)" wait_healthy
    url="http://127.0.0.1:$(published 8080)"
    headers=$(curl -sS -m 10 -D - -o /dev/null "$url/healthz.php" | tr -d '\r')
    expect "Server header is exactly 'Apache' (no version, no OS)" grep -qx 'Server: Apache' <<<"$headers"
    expect "no X-Powered-By header" bash -c '! grep -qi "^X-Powered-By:" <<<"$0"' "$headers"
    expect "TRACE is refused (405)" bash -c '[ "$0" = 405 ]' \
        "$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X TRACE "$url/")"
    modules=$(engine exec "$container" php -m 2>&1)
    expect "pdo_mysql and mysqli are available, curl is not" \
        bash -c 'grep -qx pdo_mysql <<<"$0" && grep -qx mysqli <<<"$0" && ! grep -qx curl <<<"$0"' "$modules"
    ;;
*)
    echo "# $name: no smoke test defined"
    ;;
esac

echo "# $name: $failed check(s) failed"
[ "$failed" -eq 0 ]
