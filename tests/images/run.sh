#!/usr/bin/env bash
# hardline: proves the hardened image configurations with real servers on loopback.
#
#   bash tests/images/run.sh            (as root, from anywhere; Debian 12)
#
# Installs what it needs from Debian (once), makes throwaway TLS certificates, starts
# PostgreSQL 15, MariaDB 10.11 and Apache 2.4 + PHP 8.2 with the images' own config files on
# free loopback ports, runs the checks, and stops everything on exit. Prints one `ok - ` /
# `not ok - ` line per check, then `N passed, M failed`; exits 1 on any failure.
set -uo pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTS_DIR/../.." && pwd)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/images/run.sh must run as root (it starts servers as postgres, mysql and www-data)" >&2
    exit 2
fi

# --- packages (idempotent: nothing is fetched when all are installed)
PACKAGES=(postgresql-15 postgresql-client-15 postgresql-15-pgaudit mariadb-server mariadb-client
          apache2 libapache2-mod-php8.2 php8.2-cli php8.2-mysql openssl curl ca-certificates
          python3 procps)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "# installing: ${missing[*]}"
    # Keep the packages' own services from starting: the tests start their own instances.
    policy_rc=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
        policy_rc=/usr/sbin/policy-rc.d
    fi
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rc=$?
    [ -n "$policy_rc" ] && rm -f "$policy_rc"
    if [ "$rc" -ne 0 ]; then
        echo "not ok - apt-get install ${missing[*]}"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

# shellcheck source=tests/images/lib.sh
. "$TESTS_DIR/lib.sh"
# shellcheck source=tests/images/pg.sh
. "$TESTS_DIR/pg.sh"
# shellcheck source=tests/images/php.sh
. "$TESTS_DIR/php.sh"

WORK=$(mktemp -d /tmp/hardline-images.XXXXXX)
chmod 0755 "$WORK"
CERTS="$WORK/certs"
mkdir -m 0700 "$CERTS"

cleanup() {
    apache_stop
    mariadb_stop
    [ -n "${PGT:-}" ] && pg_stop
    if [ -n "${KEEP_WORK:-}" ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_ca "$CERTS" ca
make_ca "$CERTS" wrong-ca
make_server_cert "$CERTS" ca server
chmod 0644 "$CERTS/ca.crt" "$CERTS/wrong-ca.crt" "$CERTS/server.crt"

# Static checks of the Dockerfiles (what only the built image would otherwise show).
if ! python3 "$TESTS_DIR/check_dockerfiles.py" "$REPO/images" >"$WORK/static.out" 2>&1; then
    grep -q '^not ok - ' "$WORK/static.out" || notok "static: check_dockerfiles.py ran" "$(cat "$WORK/static.out")"
fi
while IFS= read -r line; do
    case $line in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) notok "${line#not ok - }" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$WORK/static.out"

pg_tests
php_tests

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
