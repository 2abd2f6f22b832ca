#!/usr/bin/env bash
# hardline: checks a BUILT image for the controls that its source alone cannot prove, then starts
# it once. Runs in the scan and pr-gate workflows, right after `docker build`.
#
#   verify-image.sh NAME IMAGE_REF        (NAME = directory under images/)
#
# tests/images/run.sh proves the configuration files with Debian's server versions; this script
# proves the image: user, healthcheck, labels, no setuid files, no compiler left, and that the
# newer server versions in the image accept the same configuration and enforce it.
set -euo pipefail

name=$1
ref=$2
failed=0
pass() { printf 'ok - %s: %s\n' "$name" "$1"; }
fail() { printf 'not ok - %s: %s\n' "$name" "$1"; failed=$((failed + 1)); }
expect() { if eval "$2"; then pass "$1"; else fail "$1"; fi; }
in_image() { docker run --rm --network none --user 0:0 --entrypoint "$1" "$ref" "${@:2}"; }

user=$(docker image inspect -f '{{.Config.User}}' "$ref")
expect "runs as a numeric non-root uid:gid ($user)" '[[ "$user" =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]]'
health=$(docker image inspect -f '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$ref")
expect "has a HEALTHCHECK ($health)" '[ -n "$health" ] && [[ "$health" != NONE* ]]'
for label in source revision licenses base.name base.digest; do
    value=$(docker image inspect -f "{{index .Config.Labels \"org.opencontainers.image.$label\"}}" "$ref")
    expect "label org.opencontainers.image.$label is set" '[ -n "$value" ] && [ "$value" != unknown ]'
done
setuid=$(in_image find / -xdev -perm /6000 -type f 2>/dev/null || true)
expect "no setuid/setgid files" '[ -z "$setuid" ]'

smoke=$(mktemp -d)
cleanup() { docker rm -f "hl-smoke-$name" >/dev/null 2>&1 || true; sudo rm -rf "$smoke"; }
trap cleanup EXIT

wait_healthy() {
    local i status
    for i in $(seq 1 90); do
        status=$(docker inspect -f '{{.State.Health.Status}}' "hl-smoke-$name" 2>/dev/null || echo gone)
        [ "$status" = healthy ] && return 0
        [ "$status" = gone ] && break
        sleep 2
    done
    docker logs "hl-smoke-$name" 2>&1 | tail -n 40
    return 1
}

case $name in
postgres-secured)
    mkdir -p "$smoke/tls"
    openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
        -keyout "$smoke/tls/server.key" -out "$smoke/tls/server.crt" 2>/dev/null
    openssl rand -hex 16 >"$smoke/pw"
    chmod 0600 "$smoke/tls/server.key"
    chmod 0444 "$smoke/pw"
    sudo chown -R 999:999 "$smoke/tls"
    pw=$(cat "$smoke/pw")
    docker run -d --name "hl-smoke-$name" -v "$smoke/tls:/etc/postgresql/tls:ro" \
        -v "$smoke/pw:/run/secrets/postgres_password:ro" "$ref" >/dev/null
    expect "starts and becomes healthy with a mounted certificate and password file" wait_healthy
    psql_in() { docker exec -e PGPASSWORD="$pw" -e PGCONNECT_TIMEOUT=5 "hl-smoke-$name" psql -X -Atq "$@"; }
    expect "ssl is on" '[ "$(psql_in -h /var/run/postgresql -U postgres -c "SHOW ssl")" = on ]'
    expect "pgaudit is preloaded" '[ "$(psql_in -h /var/run/postgresql -U postgres -c "SHOW shared_preload_libraries")" = pgaudit ]'
    expect "password_encryption is scram-sha-256" \
        '[ "$(psql_in -h /var/run/postgresql -U postgres -c "SHOW password_encryption")" = scram-sha-256 ]'
    expect "non-TLS TCP is rejected" '! psql_in "host=127.0.0.1 sslmode=disable user=postgres" -c "SELECT 1" 2>/dev/null'
    expect "superuser over TLS TCP is rejected" '! psql_in "host=127.0.0.1 sslmode=require user=postgres" -c "SELECT 1" 2>/dev/null'
    expect "socket directory is 0700" '[ "$(docker exec "hl-smoke-$name" stat -c %a /var/run/postgresql)" = 700 ]'
    ;;
php-mysql-secured)
    expect "no compiler or make left in the image" '[ -z "$(in_image sh -c "command -v gcc cc make autoconf || true")" ]'
    mods=$(in_image php -m)
    expect "pdo_mysql and mysqli are loaded" 'grep -qx pdo_mysql <<<"$mods" && grep -qx mysqli <<<"$mods"'
    expect "exec is disabled" '[ "$(in_image php -r "echo function_exists(\"exec\") ? \"yes\" : \"no\";")" = no ]'
    docker run -d --name "hl-smoke-$name" -p 127.0.0.1:18080:8080 "$ref" >/dev/null
    expect "starts as www-data and becomes healthy" wait_healthy
    headers=$(curl -sS -D - -o /dev/null http://127.0.0.1:18080/healthz.php | tr -d '\r')
    expect "Server header is exactly Apache" 'grep -qx "Server: Apache" <<<"$headers"'
    expect "no X-Powered-By" '! grep -qi "^X-Powered-By:" <<<"$headers"'
    expect "CSP with frame-ancestors none" 'grep -qi "^Content-Security-Policy: .*frame-ancestors .none." <<<"$headers"'
    expect "TRACE is 405" '[ "$(curl -sS -o /dev/null -w "%{http_code}" -X TRACE http://127.0.0.1:18080/)" = 405 ]'
    expect "PUT is 405" '[ "$(curl -sS -o /dev/null -w "%{http_code}" -X PUT --data x http://127.0.0.1:18080/)" = 405 ]'
    expect "/.env is 403" '[ "$(curl -sS -o /dev/null -w "%{http_code}" http://127.0.0.1:18080/.env)" = 403 ]'
    ;;
*)
    echo "# $name: no smoke test defined"
    ;;
esac

echo "# $name: $failed check(s) failed"
[ "$failed" -eq 0 ]
