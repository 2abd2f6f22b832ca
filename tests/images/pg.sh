# shellcheck shell=bash
# hardline: proves postgres-secured's controls against the running container (sourced by run.sh).
#
# The image runs as it ships: its own config, entrypoint and user, with the run contract of its
# README (certificate and key mounted at /etc/postgresql/tls, the superuser password as a file at
# /run/secrets/postgres_password, port 5432 published on a free loopback port). Clients connect
# from outside: a second container of the same image (psql 17) on the host network, through the
# published port, verifying the server certificate against the test CA. Checks that are about the
# inside (socket, files, other local users) use `podman exec`.

pg_vars() {
    PG_IMAGE=$1
    PGC="hl-$$-pg"           # the server
    PGCLI="hl-$$-pg-client"  # a client outside the server's network namespace
    PGW="$WORK/pg"
    PG_SUPER_PW="super-$(openssl rand -hex 12)"
    PG_APP_PW="app-$(openssl rand -hex 12)"
}

pg_setup() {
    mkdir -p "$PGW/tls" "$PGW/notls"
    cp "$CERTS/server.crt" "$CERTS/server.key" "$PGW/tls/"
    chown -R 999:999 "$PGW/tls"
    chmod 0600 "$PGW/tls/server.key"
    printf '%s\n' "$PG_SUPER_PW" >"$PGW/password"
    chmod 0444 "$PGW/password"
}

# pg_run NAME [podman run args…] : the server container with the README's run contract.
pg_run() {
    local name=$1
    shift
    pm_run_d --name "$name" "${ULIMITS[@]}" -p 127.0.0.1::5432 \
        -v "$PGW/tls:/etc/postgresql/tls:ro" -v "$PGW/password:/run/secrets/postgres_password:ro" \
        "$@" "$PG_IMAGE"
}

# The superuser over the server's Unix socket, as the image's user (what an operator does with
# `docker exec`).
pg_admin() {
    pm exec -e PGPASSWORD="$PG_SUPER_PW" "$PGC" psql -X -Atq -v ON_ERROR_STOP=1 \
        -h /var/run/postgresql -U postgres -d postgres "$@"
}

# A TCP client from outside: pg_tcp PASSWORD CONNINFO SQL
pg_tcp() {
    pm exec -e PGPASSWORD="$1" -e PGCONNECT_TIMEOUT=5 "$PGCLI" psql -X -Atq -v ON_ERROR_STOP=1 \
        "host=localhost hostaddr=127.0.0.1 port=$PGPORT application_name=hardline-test $2" -c "$3"
}
# The same with the server certificate verified against the test CA.
pg_tls() { pg_tcp "$1" "sslmode=verify-full sslrootcert=/certs/ca.crt $2" "$3"; }

# pg_refuses_to_start DESCRIPTION PATTERN [podman run args…] : a container started that way
# exits with an error matching PATTERN.
pg_refuses_to_start() {
    local desc=$1 pattern=$2 name="hl-$$-pg-bad" out
    shift 2
    remove_container "$name"
    pm_run_d --name "$name" "${ULIMITS[@]}" "$@" "$PG_IMAGE"
    # It must stop by itself; if it becomes healthy instead (or is still up after 60 s), it started.
    local deadline=$(( $(date +%s) + 60 ))
    until [ "$(pm inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ] || healthy "$name" \
        || [ "$(date +%s)" -ge "$deadline" ]; do
        sleep 0.5
    done
    out=$(logs "$name")
    if [ "$(pm inspect --format '{{.State.Running}} {{.State.ExitCode}}' "$name" 2>/dev/null)" != "false 1" ]; then
        notok "$desc" "it started (or did not say why it stopped): $(tail -n 5 <<<"$out")"
    elif grep -Eq -- "$pattern" <<<"$out"; then
        ok "$desc"
    else
        notok "$desc" "it stopped, but not with /$pattern/: $out"
    fi
    remove_container "$name"
}

# pg_tls12_with CIPHER : a TLS 1.2 handshake offering only CIPHER; prints openssl's verdict.
pg_tls12_with() {
    echo | timeout 10 openssl s_client -starttls postgres -connect "127.0.0.1:$PGPORT" -tls1_2 \
        -cipher "$1:@SECLEVEL=0" 2>&1 | grep -E 'Cipher is|alert'
}

pg_start() { pg_run "$PGC" >/dev/null && wait_healthy 60 "$PGC"; }

# A read-only root filesystem (Kubernetes readOnlyRootFilesystem): only the data directory, the
# socket directory and /tmp are mounts of their own (podman's `U` gives them to the image's user;
# Docker: `--tmpfs PATH:uid=999,gid=999,mode=0700`). The server starts, initialises and serves.
pg_read_only() {
    local name="hl-$$-pg-ro" rc
    pg_run "$name" --read-only --read-only-tmpfs=false \
        --tmpfs /var/lib/postgresql/data:rw,mode=0700,U --tmpfs /var/run/postgresql:rw,mode=0700,U \
        --tmpfs /tmp:rw,mode=1777 >/dev/null && wait_healthy 60 "$name" \
        && pm exec -e PGPASSWORD="$PG_SUPER_PW" "$name" psql -X -Atq -h /var/run/postgresql -U postgres -d postgres -c 'SELECT 1' \
        && ! pm exec "$name" touch /etc/postgresql/pg_hba.conf 2>/dev/null
    rc=$?
    remove_container "$name"
    return $rc
}
pg_restart() { pm restart -t 10 "$PGC" >/dev/null && wait_healthy 60 "$PGC"; }

pg_cleanup() { remove_container "$PGC" "$PGCLI" "hl-$$-pg-bad" "hl-$$-pg-ro"; }

pg_tests() {
    echo "# postgres-secured: functional checks against the running container ($1)"
    pg_vars "$1"
    pg_setup

    # --- the run contract: what is refused before anything starts
    pg_refuses_to_start "pg: POSTGRES_PASSWORD in the environment is refused, with the reason" \
        'POSTGRES_PASSWORD is not supported' \
        -v "$PGW/tls:/etc/postgresql/tls:ro" -v "$PGW/password:/run/secrets/postgres_password:ro" \
        -e POSTGRES_PASSWORD=from-the-environment
    pg_refuses_to_start "pg: without the password file the first start refuses, naming it" \
        'POSTGRES_PASSWORD_FILE \(/run/secrets/postgres_password\) is missing' \
        -v "$PGW/tls:/etc/postgresql/tls:ro"
    pg_refuses_to_start "pg: without the certificate mounted the container does not start, naming the file" \
        'ssl_cert_file /etc/postgresql/tls/server.crt is missing' \
        -v "$PGW/password:/run/secrets/postgres_password:ro"

    # --- the server, and a client outside its network namespace
    if ! check "pg: starts with the run contract and becomes healthy" pg_start; then
        return
    fi
    PGPORT=$(published "$PGC" 5432)
    pm_run_d --name "$PGCLI" "${ULIMITS[@]}" --network host -v "$CERTS/ca.crt:/certs/ca.crt:ro" \
        "$PG_IMAGE" sleep infinity >/dev/null

    check "pg: the superuser logs in on the socket with the password from POSTGRES_PASSWORD_FILE" \
        pg_admin -c 'SELECT 1'
    # Fixtures: an app role (SCRAM, may replicate), a legacy role whose stored password is an MD5
    # hash, a role with no grants. Literal passwords only because this is a test.
    pg_admin -c "CREATE ROLE app LOGIN REPLICATION PASSWORD '$PG_APP_PW'" \
             -c "CREATE DATABASE appdb OWNER app" \
             -c "CREATE ROLE legacy LOGIN PASSWORD 'md5$(printf '%s' 'legacy-pwlegacy' | md5sum | cut -d' ' -f1)'" \
             -c "GRANT CONNECT ON DATABASE appdb TO legacy" \
             -c "CREATE ROLE nogrant LOGIN PASSWORD 'nogrant-pw'" >/dev/null 2>&1

    # --- authentication and transport
    local tls
    tls=$(pg_tls "$PG_APP_PW" "user=app dbname=appdb ssl_min_protocol_version=TLSv1.3" \
        "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>&1)
    expect_eq "pg: an app role connects over TLS 1.3 with the certificate verified" "TLSv1.3" "$tls"
    expect_match "pg: the server logged SCRAM-SHA-256 authentication for it" \
        'connection authenticated: identity="app" method=scram-sha-256' "$(logs "$PGC")"
    check_fails "pg: a wrong password is refused" 'password authentication failed for user "app"' \
        pg_tls "wrong-$PG_APP_PW" "user=app dbname=appdb" 'SELECT 1'
    check_fails "pg: a role whose stored password is an MD5 hash cannot log in" \
        'password authentication failed for user "legacy"' \
        pg_tls "legacy-pw" "user=legacy dbname=appdb" 'SELECT 1'
    expect_match "pg: a new password is stored as a SCRAM-SHA-256 verifier (password_encryption)" \
        '^SCRAM-SHA-256\$' "$(pg_admin -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'" 2>&1)"
    check_fails "pg: physical replication connections are refused, even for a role that may replicate" \
        'no pg_hba.conf entry for replication connection' \
        pg_tls "$PG_APP_PW" "user=app dbname=appdb replication=true" 'IDENTIFY_SYSTEM'
    check_fails "pg: roles get no CONNECT on the postgres database unless granted (initdb.d)" \
        'permission denied for database "postgres"' \
        pg_tls "nogrant-pw" "user=nogrant dbname=postgres" 'SELECT 1'
    check_fails "pg: roles get no CONNECT on template1 unless granted (initdb.d)" \
        'permission denied for database "template1"' \
        pg_tls "nogrant-pw" "user=nogrant dbname=template1" 'SELECT 1'
    expect_eq "pg: ssl_min_protocol_version is TLSv1.2" "TLSv1.2" "$(pg_admin -c 'SHOW ssl_min_protocol_version' 2>&1)"
    # TLS 1.2 suites, from the host with openssl (its client allows any suite at SECLEVEL=0, so
    # what is refused is refused by the server's ssl_ciphers).
    expect_match "pg: TLS 1.2 with an AEAD suite is accepted" 'Cipher is ECDHE-ECDSA-AES128-GCM-SHA256' \
        "$(pg_tls12_with ECDHE-ECDSA-AES128-GCM-SHA256)"
    expect_match "pg: a TLS 1.2 client offering only a SHA-1 CBC suite is refused (ssl_ciphers)" 'handshake failure' \
        "$(pg_tls12_with ECDHE-ECDSA-AES128-SHA)"

    # --- the socket: the image's user only, and always a password
    check_fails "pg: the Unix socket without a password is refused (no trust, no peer)" \
        'no password supplied|password authentication failed' \
        pm exec "$PGC" psql -X -w -h /var/run/postgresql -U postgres -d postgres -c 'SELECT 1'
    check_fails "pg: another uid in the container cannot reach the socket" 'Permission denied' \
        pm exec --user 65534:65534 -e PGPASSWORD="$PG_SUPER_PW" "$PGC" \
        psql -X -h /var/run/postgresql -U postgres -d postgres -c 'SELECT 1'
    expect_eq "pg: the socket itself is 0700 (unix_socket_permissions)" "700" \
        "$(pm exec "$PGC" stat -c %a /var/run/postgresql/.s.PGSQL.5432 2>&1)"

    # --- the data directory and where the configuration comes from
    expect_eq "pg: the data directory is 0700 and owned by uid 999" "700 999" \
        "$(pm exec "$PGC" stat -c '%a %u' /var/lib/postgresql/data 2>&1)"
    expect_eq "pg: data checksums are on" "on" "$(pg_admin -c 'SHOW data_checksums' 2>&1)"
    expect_eq "pg: the data directory holds no postgresql.conf, pg_hba.conf or pg_ident.conf" "" \
        "$(pm exec "$PGC" bash -c 'cd /var/lib/postgresql/data && ls -d postgresql.conf pg_hba.conf pg_ident.conf 2>/dev/null')"
    expect_eq "pg: client authentication comes from /etc/postgresql/pg_hba.conf" "/etc/postgresql/pg_hba.conf" \
        "$(pg_admin -c 'SHOW hba_file' 2>&1)"
    check_fails "pg: ALTER SYSTEM is refused (allow_alter_system = off)" 'ALTER SYSTEM is not allowed' \
        pg_admin -c "ALTER SYSTEM SET log_statement = 'none'"
    expect_eq "pg: JIT compilation is off" "off" "$(pg_admin -c 'SHOW jit' 2>&1)"

    # --- logging
    pg_tls "$PG_APP_PW" "user=app dbname=appdb" "CREATE TABLE hl_probe (id int)" >/dev/null 2>&1
    pg_tls "$PG_APP_PW" "user=app dbname=appdb" "SELECT count(*) AS hl_select_marker FROM hl_probe" >/dev/null 2>&1
    sleep 0.5
    local log
    log=$(logs "$PGC")
    expect_match "pg: log_line_prefix writes time, pid, db, user, app and client" \
        '^[0-9-]+ [0-9:.]+ UTC \[[0-9]+\] db=appdb user=app app=hardline-test client=[0-9.]+ ' "$log"
    expect_match "pg: connections are logged (log_connections)" 'connection received: host=[0-9.]+' "$log"
    expect_match "pg: session ends are logged (log_disconnections)" 'disconnection: session time:' "$log"
    expect_match "pg: DDL is logged (log_statement = ddl)" 'statement: CREATE TABLE hl_probe' "$log"
    expect_no_match "pg: plain SELECTs are not logged" 'statement: .*hl_select_marker' "$log"
    expect_match "pg: pgaudit writes a SESSION audit record for DDL" \
        'AUDIT: SESSION,[0-9]+,[0-9]+,DDL,CREATE TABLE' "$log"

    check "pg: runs with a read-only root filesystem (data, socket directory and /tmp mounted)" pg_read_only

    # --- a restart keeps the cluster and does not initialise it again
    local inits
    if check "pg: after a restart it is healthy again" pg_restart; then
        PGPORT=$(published "$PGC" 5432)
        inits=$(logs "$PGC" | grep -c 'initialising /var/lib/postgresql/data')
        expect_eq "pg: the restart kept the data and did not initialise again" "1 1" \
            "$inits $(pg_tls "$PG_APP_PW" "user=app dbname=appdb" "SELECT count(*) + 1 FROM hl_probe" 2>&1)"
    fi
}
