# shellcheck shell=bash
# hardline: proves images/postgres-secured/ against a real PostgreSQL 15 server (sourced by run.sh).
#
# The image's own files are used. The only change made to them is a path mapping, so that the
# server runs from a temp dir on loopback: /etc/postgresql -> $PGT/etc, /var/run/postgresql ->
# $PGT/run, port 5432 -> a free port, listen_addresses '*' -> '127.0.0.1'. No setting under test
# is added, removed or changed (pg_map_conf checks that the mapped files keep the same settings).

PG_IMAGE_DIR="$REPO/images/postgres-secured"
PG_MAJOR_TEST=15
PGBIN="/usr/lib/postgresql/$PG_MAJOR_TEST/bin"

pg_map_file() { # SRC DEST
    sed -e "s#/etc/postgresql/#$PGT/etc/#g" \
        -e "s#/var/run/postgresql#$PGT/run#g" \
        -e "s#^port = 5432\$#port = $PGPORT#" \
        -e "s#^listen_addresses = '\\*'#listen_addresses = '127.0.0.1'#" \
        "$1" >"$2"
}

pg_setup() {
    PGT="$WORK/pg"
    PGPORT=$(free_port)
    PG_SUPER_PW="super-$(openssl rand -hex 12)"
    PG_APP_PW="app-$(openssl rand -hex 12)"
    mkdir -p "$PGT/etc/conf.d" "$PGT/etc/tls" "$PGT/run" "$PGT/data"
    for f in postgresql.conf pg_hba.conf pg_ident.conf conf.d/pgaudit.conf; do
        pg_map_file "$PG_IMAGE_DIR/$f" "$PGT/etc/$f"
    done
    cp "$CERTS/server.crt" "$PGT/etc/tls/server.crt"
    cp "$CERTS/server.key" "$PGT/etc/tls/server.key"
    printf '%s\n' "$PG_SUPER_PW" >"$PGT/pwfile"
    chown -R postgres:postgres "$PGT"
    chmod 0600 "$PGT/etc/tls/server.key" "$PGT/pwfile"
    chmod 0700 "$PGT/data"
    # The image makes /var/run/postgresql 0700 too; here the directory stays traversable so that
    # the socket check below proves unix_socket_permissions on its own.
    chmod 0755 "$PGT" "$PGT/run"
    PG_CONF="$PGT/etc/postgresql.conf"
    PG_LOG="$PGT/server.log"
}

# Runs as the postgres OS user over the Unix socket (as the image's entrypoint and healthcheck do).
pg_sock() { # PASSWORD ARGS...
    local pw=$1
    shift
    runuser -u postgres -- env PGPASSWORD="$pw" PGCONNECT_TIMEOUT=5 \
        "$PGBIN/psql" -X -h "$PGT/run" -p "$PGPORT" -v ON_ERROR_STOP=1 "$@"
}
pg_admin() { pg_sock "$PG_SUPER_PW" -U postgres -d postgres -Atq "$@"; }

# A TCP client connection; CONNINFO is appended to host/port.
pg_tcp() { # PASSWORD CONNINFO SQL
    env PGPASSWORD="$1" PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -Atq -v ON_ERROR_STOP=1 \
        "host=localhost hostaddr=127.0.0.1 port=$PGPORT application_name=hardline-test $2" -c "$3"
}
pg_tls() { pg_tcp "$1" "sslmode=verify-full sslrootcert=$CERTS/ca.crt $2" "$3"; }

pg_start() { # CONFIG_FILE
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGT/data" -l "$PG_LOG" -w -t 30 \
        -o "-c config_file=$1" start
}
pg_stop() {
    if [ -f "$PGT/data/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGT/data" -m fast -w -t 30 stop >/dev/null 2>&1
    fi
}

pg_tests() {
    echo "# postgres-secured: PostgreSQL $PG_MAJOR_TEST with images/postgres-secured/*.conf"
    pg_setup

    # The mapped files must carry exactly the image's settings (only paths/port/address differ).
    local a b
    a=$(grep -Ev '^\s*(#|$)' "$PG_IMAGE_DIR/postgresql.conf" | sed -E 's/\s*=.*//' | sort)
    b=$(grep -Ev '^\s*(#|$)' "$PG_CONF" | sed -E 's/\s*=.*//' | sort)
    expect_eq "pg: test config has exactly the image's settings (path mapping only)" "$a" "$b"

    # initdb with the arguments declared in the Dockerfile (POSTGRES_INITDB_ARGS).
    local initdb_args
    initdb_args=$(sed -nE 's/.*POSTGRES_INITDB_ARGS="([^"]*)".*/\1/p' "$PG_IMAGE_DIR/Dockerfile")
    expect_match "pg: Dockerfile sets POSTGRES_INITDB_ARGS without trust" \
        '^--auth-local=scram-sha-256 --auth-host=scram-sha-256 --data-checksums$' "$initdb_args"
    # shellcheck disable=SC2086 # the Dockerfile's argument list is split on purpose
    check "pg: initdb with the image's POSTGRES_INITDB_ARGS" \
        runuser -u postgres -- "$PGBIN/initdb" -D "$PGT/data" -U postgres --pwfile="$PGT/pwfile" \
        $initdb_args
    expect_no_match "pg: initdb wrote no trust line into the data directory's pg_hba.conf" \
        '^[^#]*\btrust\b' "$(cat "$PGT/data/pg_hba.conf")"
    expect_no_match "pg: image pg_hba.conf has no trust/peer/ident/password/md5 method" \
        '^[^#]*\s(trust|peer|ident|password|md5)\s*$' "$(cat "$PG_IMAGE_DIR/pg_hba.conf")"

    if ! check "pg: server starts with the image's postgresql.conf and hba_file" pg_start "$PG_CONF"; then
        sed 's/^/#   log: /' "$PG_LOG" | tail -n 20
        return
    fi

    # Fixtures: an app role (SCRAM), a legacy role whose stored password is an MD5 hash,
    # a role with no grants. Passwords are set here with literals only because this is a test.
    # (read by this root shell and piped, so the checkout's permissions do not matter)
    pg_sock "$PG_SUPER_PW" -U postgres -d postgres -q -f - <"$PG_IMAGE_DIR/initdb/10-hardening.sql" >/dev/null 2>&1
    pg_admin -c "CREATE ROLE app LOGIN PASSWORD '$PG_APP_PW'" \
             -c "CREATE DATABASE appdb OWNER app" \
             -c "CREATE ROLE legacy LOGIN PASSWORD 'md5$(printf '%s' 'legacy-pwlegacy' | md5sum | cut -d' ' -f1)'" \
             -c "GRANT CONNECT ON DATABASE appdb TO legacy" \
             -c "CREATE ROLE nogrant LOGIN PASSWORD 'nogrant-pw'" >/dev/null 2>&1

    # --- settings read back from the running server
    local name want got
    while read -r name want; do
        got=$(pg_admin -c "SHOW $name" 2>&1)
        expect_eq "pg: SHOW $name = $want" "$want" "$got"
    done <<EOF
password_encryption scram-sha-256
ssl on
ssl_min_protocol_version TLSv1.2
log_connections on
log_disconnections on
log_statement ddl
unix_socket_permissions 0700
data_directory_mode 0700
data_checksums on
hba_file $PGT/etc/pg_hba.conf
ssl_cert_file $PGT/etc/tls/server.crt
shared_preload_libraries pgaudit
EOF
    expect_eq "pg: SHOW log_line_prefix has time, pid, db, user, app, client" \
        "%m [%p] db=%d user=%u app=%a client=%h " "$(pg_admin -c 'SHOW log_line_prefix')"
    expect_eq "pg: data directory is mode 0700" "700" "$(stat -c %a "$PGT/data")"
    expect_eq "pg: socket is mode 0700 (srwx------)" "700" \
        "$(stat -c %a "$PGT/run/.s.PGSQL.$PGPORT")"

    # --- authentication and transport
    check_fails "pg: Unix socket without a password is refused (no trust, no peer)" \
        'no password supplied|password authentication failed' \
        runuser -u postgres -- env -u PGPASSWORD "$PGBIN/psql" -X -w -h "$PGT/run" -p "$PGPORT" -U postgres -d postgres -c 'SELECT 1'
    check_fails "pg: another OS user cannot use the 0700 socket" 'Permission denied' \
        runuser -u nobody -- env PGPASSWORD="$PG_SUPER_PW" "$PGBIN/psql" -X -h "$PGT/run" -p "$PGPORT" -U postgres -d postgres -c 'SELECT 1'
    check "pg: superuser over the local socket with SCRAM works" pg_admin -c 'SELECT 1'
    check_fails "pg: non-TLS TCP connection is rejected by pg_hba" 'rejects connection.*no encryption' \
        pg_tcp "$PG_APP_PW" "sslmode=disable user=app dbname=appdb" 'SELECT 1'
    local tls
    tls=$(pg_tls "$PG_APP_PW" "user=app dbname=appdb ssl_min_protocol_version=TLSv1.3" \
        "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>&1)
    expect_eq "pg: TLS 1.3 connection with SCRAM as app works" "TLSv1.3" "$tls"
    expect_match "pg: server logged SCRAM-SHA-256 authentication for app" \
        'connection authenticated: identity="app" method=scram-sha-256' "$(cat "$PG_LOG")"
    check_fails "pg: wrong password is refused" 'password authentication failed' \
        pg_tls "wrong-$PG_APP_PW" "user=app dbname=appdb" 'SELECT 1'
    check_fails "pg: role with an MD5-hashed password cannot log in" 'password authentication failed for user "legacy"' \
        pg_tls "legacy-pw" "user=legacy dbname=appdb" 'SELECT 1'
    check_fails "pg: superuser over TCP+TLS is rejected" 'rejects connection.*user "postgres"' \
        pg_tls "$PG_SUPER_PW" "user=postgres dbname=postgres" 'SELECT 1'
    check_fails "pg: initdb/10-hardening.sql: no CONNECT to postgres for ungranted roles" 'permission denied for database' \
        pg_tls "nogrant-pw" "user=nogrant dbname=postgres" 'SELECT 1'

    # --- logging
    pg_tls "$PG_APP_PW" "user=app dbname=appdb" "CREATE TABLE hl_probe (id int)" >/dev/null 2>&1
    pg_tls "$PG_APP_PW" "user=app dbname=appdb" "SELECT count(*) AS hl_select_marker FROM hl_probe" >/dev/null 2>&1
    sleep 0.5
    local log
    log=$(cat "$PG_LOG")
    expect_match "pg: log_line_prefix writes db, user, app and client" \
        '\[[0-9]+\] db=appdb user=app app=hardline-test client=127\.0\.0\.1 ' "$log"
    expect_match "pg: log_connections logs received connections" 'connection received: host=127\.0\.0\.1' "$log"
    expect_match "pg: log_disconnections logs session end" 'disconnection: session time:' "$log"
    expect_match "pg: log_statement=ddl logs CREATE TABLE" 'statement: CREATE TABLE hl_probe' "$log"
    expect_no_match "pg: log_statement=ddl does not log plain SELECTs" 'statement: .*hl_select_marker' "$log"
    expect_match "pg: pgaudit writes a SESSION audit record for DDL" 'AUDIT: SESSION,[0-9]+,[0-9]+,DDL,CREATE TABLE' "$log"

    # --- a bad configuration is refused: the server does not start
    pg_stop
    pg_bad_start "pg: an invalid pg_hba.conf line stops the server from starting" \
        'invalid authentication method|could not load pg_hba.conf' \
        'echo "hostssl all all 0.0.0.0/0 scram-sha-257" >>"$BAD/pg_hba.conf"'
    pg_bad_start "pg: with ssl=on and no certificate mounted the server does not start" \
        'could not load server certificate file|No such file' \
        'rm -f "$BAD/tls/server.crt"'
    pg_bad_start "pg: an invalid password_encryption value stops the server" \
        'invalid value for parameter "password_encryption"' \
        'echo "password_encryption = md4" >>"$BAD/postgresql.conf"'
}

# pg_bad_start DESCRIPTION PATTERN MUTATION : copies the mapped config, applies MUTATION (shell
# code with $BAD set to the copy), starts the server with it and expects failure matching PATTERN.
pg_bad_start() {
    local desc=$1 pattern=$2 mutation=$3
    BAD="$PGT/bad-$RANDOM"
    cp -a "$PGT/etc" "$BAD"
    sed -i "s#$PGT/etc/#$BAD/#g" "$BAD/postgresql.conf"
    eval "$mutation"
    : >"$PG_LOG"
    if pg_start "$BAD/postgresql.conf" >/dev/null 2>&1; then
        notok "$desc" "server started with the broken config"
        pg_stop
    elif grep -Eq -- "$pattern" "$PG_LOG"; then
        ok "$desc"
    else
        notok "$desc" "failed, but not with /$pattern/: $(tail -n 5 "$PG_LOG")"
    fi
}
