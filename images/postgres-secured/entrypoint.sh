#!/bin/bash
# hardline: postgres-secured entrypoint (/usr/local/bin/postgres-entrypoint).
#
# With the default command (`postgres …`): checks the run contract, initialises $PGDATA on the
# first start, then replaces itself with the server. Any other command is run as it is (for
# example `psql`, `pg_isready`, `postgres --version`).
#
# It runs as the image's user (999:999), never as root, and changes nothing outside $PGDATA but
# the mode of its own socket directory:
#   - the superuser password is read only from the file named by POSTGRES_PASSWORD_FILE
#     (a mounted secret), and only by initdb; POSTGRES_PASSWORD and POSTGRES_HOST_AUTH_METHOD
#     are refused rather than ignored, so that nobody believes they did something;
#   - the socket directory is made 0700 (a tmpfs or volume mounted there may come as 1777);
#   - initdb: SCRAM-SHA-256 for every connection type, data checksums, UTF-8 with the builtin
#     C.UTF-8 locale provider (no dependency on the C library's collation rules);
#   - the files initdb writes into $PGDATA (postgresql.conf, pg_hba.conf, pg_ident.conf) are
#     removed: only /etc/postgresql's can apply, and a configuration that stops pointing at them
#     makes the server refuse to start instead of falling back to a generated file;
#   - /etc/postgresql/initdb.d/*.sql run once, in order, on a server that listens on no TCP port,
#     through a private socket where only this uid may connect (peer), and stop at the first error.
set -Eeuo pipefail
umask 0077

CONFIG=/etc/postgresql/postgresql.conf
SOCKET_DIR=/var/run/postgresql
INITDB_D=/etc/postgresql/initdb.d

say() { printf 'postgres-entrypoint: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ "${1:-}" != postgres ]; then
    exec "$@"
fi

[ "$(id -u)" -ne 0 ] || die "refusing to run as root; run as the image's user (999:999)"
for name in POSTGRES_PASSWORD POSTGRES_HOST_AUTH_METHOD; do
    if [ -n "${!name+set}" ]; then
        die "$name is not supported: the superuser password is read only from the file named by POSTGRES_PASSWORD_FILE, and no trust method exists"
    fi
done
: "${PGDATA:?PGDATA is not set}"

# The socket directory is for this uid only (u=rwx, nothing for anyone else, no setgid bit).
if [ "$(stat -c %a "$SOCKET_DIR")" != 700 ]; then
    chmod u=rwx,go=,g-s "$SOCKET_DIR" || die "$SOCKET_DIR must be owned by uid $(id -u) (it is mode $(stat -c %a "$SOCKET_DIR"))"
fi

# TLS is not optional (ssl = on): name the missing file now rather than let the server fail later.
# The paths come from the configuration itself (postgres -C reads a setting without starting).
errors=$(mktemp)
for param in ssl_cert_file ssl_key_file; do
    file=$(postgres -C "$param" -c config_file="$CONFIG" 2>"$errors") || { cat "$errors" >&2; die "the configuration in $CONFIG cannot be read"; }
    [ -r "$file" ] || die "$param $file is missing or unreadable: mount the certificate and key at $(dirname "$file") (key owned by uid $(id -u), mode 0600)"
done
rm -f "$errors"

initialise() {
    local pwfile=${POSTGRES_PASSWORD_FILE:-}
    [ -n "$pwfile" ] || die "POSTGRES_PASSWORD_FILE is not set: mount the superuser password as a file and name it there"
    [ -r "$pwfile" ] || die "POSTGRES_PASSWORD_FILE ($pwfile) is missing or unreadable by uid $(id -u)"
    head -n 1 "$pwfile" | grep -q '[^[:space:]]' || die "POSTGRES_PASSWORD_FILE ($pwfile): the first line is empty"
    if [ -n "$(ls -A "$PGDATA")" ]; then
        die "$PGDATA is not empty but holds no cluster (no PG_VERSION): refusing to initialise over it"
    fi

    say "initialising $PGDATA"
    initdb --pgdata="$PGDATA" --username=postgres --pwfile="$pwfile" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums \
        --encoding=UTF8 --locale-provider=builtin --builtin-locale=C.UTF-8 --locale=C.UTF-8 \
        >/dev/null
    rm -f "$PGDATA/postgresql.conf" "$PGDATA/pg_hba.conf" "$PGDATA/pg_ident.conf"

    local scripts=("$INITDB_D"/*.sql)
    [ -e "${scripts[0]}" ] || return 0
    local boot
    boot=$(mktemp -d)
    printf 'local all postgres peer\n' >"$boot/pg_hba.conf"
    pg_ctl --pgdata="$PGDATA" --wait --timeout=60 --silent \
        -o "-c config_file=$CONFIG -c hba_file=$boot/pg_hba.conf -c listen_addresses='' -c unix_socket_directories=$boot" \
        start
    local script
    for script in "${scripts[@]}"; do
        say "running $script"
        psql -X -q -v ON_ERROR_STOP=1 --host="$boot" --username=postgres --dbname=postgres -f "$script" \
            || { pg_ctl --pgdata="$PGDATA" -m fast --wait --silent stop; die "$script failed"; }
    done
    pg_ctl --pgdata="$PGDATA" -m fast --wait --silent stop
    rm -rf "$boot"
    say "initialised"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initialise
fi

exec "$@"
