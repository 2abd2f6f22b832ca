# shellcheck shell=bash
# hardline: proves php-mysql-secured's controls against the running container, with its app
# talking to a real MariaDB that requires TLS (sourced by run.sh).
#
# Both run on a podman network of their own (the app finds the database through an /etc/hosts
# entry, not podman's DNS). MariaDB is the test fixture in tests/images/mariadb
# (Debian trixie's MariaDB on the same base, require_secure_transport=ON, a certificate for its
# container name signed by the test CA). The app container runs with the run contract of its
# README: port 8080 published on a free loopback port, DB_HOST naming the database, and
# db_user, db_password and db-ca.pem as files under /run/secrets. Test-only additions are mounted,
# never built in: probe.php (what PHP allows), a .env and a .git/config canary, an empty folder.
# HTTP checks come from outside (curl on the host); checks of the inside use `podman exec`.

php_vars() {
    PHP_IMAGE=$1
    DB_IMAGE=$2
    PHPC="hl-$$-php"
    DBC="hl-$$-db"
    PHP_NET="hl-$$"
    PHW="$WORK/php"
    DB_PW="notes-$(openssl rand -hex 12)"
}

php_setup() {
    mkdir -p "$PHW/secrets" "$PHW/dbtls" "$PHW/docroot/.git" "$PHW/docroot/emptydir"
    make_server_cert "$CERTS" ca db "DNS:$DBC"
    cp "$CERTS/ca.crt" "$CERTS/db.crt" "$CERTS/db.key" "$PHW/dbtls/"
    mv "$PHW/dbtls/db.crt" "$PHW/dbtls/server.crt"
    mv "$PHW/dbtls/db.key" "$PHW/dbtls/server.key"
    chmod 0755 "$PHW/dbtls"
    chmod 0644 "$PHW/dbtls/"*   # a throwaway key, in a 0700 work directory, for the fixture's uid

    printf 'notes\n' >"$PHW/secrets/db_user"
    printf '%s\n' "$DB_PW" >"$PHW/secrets/db_password"
    cp "$CERTS/ca.crt" "$PHW/secrets/db-ca.pem"
    cp "$CERTS/wrong-ca.crt" "$PHW/secrets/wrong-ca.pem"
    chown -R root:33 "$PHW/secrets"
    chmod 0750 "$PHW/secrets"
    chmod 0640 "$PHW/secrets/"*

    printf 'DB_PASSWORD=canary-dotenv-secret\n' >"$PHW/docroot/.env"
    printf '[core]\n\tcanary = canary-git-secret\n' >"$PHW/docroot/.git/config"
    chmod -R a+rX "$PHW/docroot"
}

db_start() {
    pm network create "$PHP_NET" >/dev/null || return 1
    pm_run_d --name "$DBC" --network "$PHP_NET" "${ULIMITS[@]}" \
        -v "$PHW/dbtls:/etc/mysql/tls:ro" "$DB_IMAGE" >/dev/null || return 1
    if ! wait_for 60 pm exec --user root "$DBC" mariadb-admin --socket=/run/mysqld/mysqld.sock ping; then
        pm inspect --format 'state={{.State.Status}} exit={{.State.ExitCode}} oom={{.State.OOMKilled}} error={{.State.Error}}' "$DBC"
        logs "$DBC" | tail -n 20
        return 1
    fi
    { echo "CREATE DATABASE notes; USE notes;"
      cat "$IMAGES_DIR/php-mysql-secured/app/schema.sql"
      echo "CREATE USER 'notes'@'%' IDENTIFIED BY '$DB_PW' REQUIRE SSL;"
      echo "GRANT SELECT, INSERT ON notes.notes TO 'notes'@'%';"
    } | pm exec -i --user root "$DBC" mariadb --socket=/run/mysqld/mysqld.sock
}
db_sql() { pm exec --user root "$DBC" mariadb --socket=/run/mysqld/mysqld.sock -N -e "$1"; }

# The database's name for the app container: an /etc/hosts entry (--add-host), so that nothing
# depends on podman's DNS plugin (aardvark-dns is only a recommended package).
db_host_entry() {
    echo "$DBC:$(pm inspect --format "{{(index .NetworkSettings.Networks \"$PHP_NET\").IPAddress}}" "$DBC")"
}

php_start() {
    pm_run_d --name "$PHPC" --network "$PHP_NET" "${ULIMITS[@]}" -p 127.0.0.1::8080 \
        -e DB_HOST="$DBC" --add-host "$(db_host_entry)" \
        -v "$PHW/secrets:/run/secrets:ro" \
        -v "$TESTS_DIR/fixtures/probe.php:/var/www/html/probe.php:ro" \
        -v "$PHW/docroot/.env:/var/www/html/.env:ro" \
        -v "$PHW/docroot/.git:/var/www/html/.git:ro" \
        -v "$PHW/docroot/emptydir:/var/www/html/emptydir:ro" \
        "$PHP_IMAGE" >/dev/null || return 1
    wait_healthy 30 "$PHPC"
}

# A read-only root filesystem: only Apache's run and lock directories and the session store are
# mounts of their own (podman's `U` gives them to uid 33; Docker: `--tmpfs PATH:uid=33,gid=33`).
# The app still reads the database, keeps its session and stores a note.
php_read_only() {
    local name="hl-$$-php-ro" rc status
    pm_run_d --name "$name" --network "$PHP_NET" "${ULIMITS[@]}" -p 127.0.0.1::8080 -e DB_HOST="$DBC" \
        --add-host "$(db_host_entry)" \
        -v "$PHW/secrets:/run/secrets:ro" --read-only --read-only-tmpfs=false \
        --tmpfs /run/apache2:rw,mode=0700,U --tmpfs /run/lock/apache2:rw,mode=0700,U \
        --tmpfs /var/lib/php/sessions:rw,mode=0700,U "$PHP_IMAGE" && wait_healthy 30 "$name" || { remove_container "$name"; return 1; }
    # A write that needs the session store: GET / (new session, CSRF token), then POST with both.
    local url r cookie token status rc=0
    url="http://127.0.0.1:$(published "$name" 8080)"
    r=$(curl -sS -m 10 -D - "$url/")
    cookie=$(header_of "$r" Set-Cookie | cut -d';' -f1)
    token=$(sed -nE 's/.*name="csrf" value="([0-9a-f]{64})".*/\1/p' <<<"$r")
    status=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" --data-urlencode "csrf=$token" \
        --data-urlencode "author=read-only" --data-urlencode "body=written with a read-only root" "$url/")
    [ "$status" = 303 ] || { echo "GET / then POST with its token gave $status (GET: $(status_of "$r"), cookie: $cookie)"; rc=1; }
    remove_container "$name"
    return $rc
}

php_cleanup() {
    remove_container "$PHPC" "$DBC" "hl-$$-php-ro"
    pm network rm -f "$PHP_NET" >/dev/null 2>&1 || true
}

# http METHOD PATH [curl args...] : prints the response headers, a blank line, then the body.
http() {
    local method=$1 path=$2
    shift 2
    curl -sS -m 10 -D - -X "$method" "$@" "$PHP_URL$path"
}
status_of() { head -n 1 <<<"$1" | awk '{print $2}'; }
header_of() { # RESPONSE NAME : value of the first header NAME (case-insensitive)
    sed -n '1,/^\r\?$/p' <<<"$1" | tr -d '\r' | awk -v n="$2" 'index(tolower($0), tolower(n) ":")==1 {sub(/^[^:]*:[ \t]*/, ""); print; exit}'
}
headers_only() { sed -n '1,/^\r\?$/p' <<<"$1" | tr -d '\r'; }

# The app's own db() from the command line inside the container (same PHP build, same ini).
php_db_cli() { # [podman exec args…]
    pm exec "$@" "$PHPC" php -r 'require "/var/www/src/bootstrap.php";
        $s = db()->query("SHOW STATUS LIKE '"'"'Ssl_version'"'"'")->fetch(); echo "tls=", $s["Value"], "\n";' 2>&1
}

php_tests() {
    echo "# php-mysql-secured: functional checks against the running container ($1), MariaDB over TLS"
    php_vars "$1" "$2"
    php_setup
    if ! check "php: the MariaDB fixture (require_secure_transport=ON) is up" db_start; then
        return
    fi
    if ! check "php: starts with the run contract and becomes healthy" php_start; then
        return
    fi
    PHP_URL="http://127.0.0.1:$(published "$PHPC" 8080)"

    # --- processes, modules, extensions
    expect_match "php: Apache's parent process runs as uid 33, not root" '^Uid:\s+33\s+33\s+33\s+33$' \
        "$(pm exec "$PHPC" grep '^Uid:' /proc/1/status 2>&1)"
    expect_eq "php: Apache loads only the modules the app needs" \
        "allowmethods authz_core core dir headers http log_config logio mime mpm_prefork php reqtimeout so unixd version watchdog" \
        "$(pm exec "$PHPC" apache2 -M 2>&1 | sed -nE 's/^ ([a-z0-9_]+)_module .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
    check "php: php.ini is Debian's production template" \
        pm exec "$PHPC" cmp /etc/php/8.4/apache2/php.ini /usr/lib/php/8.4/php.ini-production

    local r h
    r=$(http GET /probe.php)
    expect_eq "php: PHP under Apache loads only the extensions the app needs (and those compiled in)" \
        "apache2handler Core date filter hash json libxml mysqli mysqlnd openssl pcre PDO pdo_mysql random Reflection session sodium SPL standard Zend OPcache zlib" \
        "$(sed -n 's/^extensions=//p' <<<"$r")"
    expect_match "php: curl_exec and curl_multi_exec do not exist (php8.4-curl is not installed)" '^curl=none$' "$r"
    expect_match "php: exec() is undefined (disable_functions)" '^exec_exists=no$' "$r"
    expect_match "php: calling exec() throws Error, nothing runs" '^exec_call=Error$' "$r"
    expect_match "php: shell_exec/system/passthru/proc_open/popen are undefined" '^shell_family=none$' "$r"
    expect_match "php: /etc/passwd is unreadable (open_basedir)" '^passwd=blocked$' "$r"
    expect_match "php: the DB password file is readable (open_basedir includes /run/secrets)" '^secret=readable$' "$r"
    expect_no_match "php: display_errors=Off: no warning text in the response" 'Warning|open_basedir restriction' "$r"
    local setting shown
    for setting in allow_url_fopen= allow_url_include= expose_php= display_errors= \
        mysqli.allow_local_infile= session.use_strict_mode=1 file_uploads= enable_dl=; do
        shown=${setting#*=}
        expect_match "php: ini ${setting%%=*} = ${shown:-Off}" "^ini:${setting}\$" "$r"
    done
    sleep 0.3
    expect_match "php: log_errors=On: the open_basedir warning went to the container's log" \
        'open_basedir restriction in effect' "$(logs "$PHPC")"

    # --- response headers
    r=$(http GET /)
    expect_eq "php: GET / is 200 (the page reads notes from MariaDB over TLS)" "200" "$(status_of "$r")"
    h=$(headers_only "$r")
    expect_match "php: Content-Security-Policy with default-src 'none' and frame-ancestors 'none'" \
        "^Content-Security-Policy: .*default-src 'none'.*frame-ancestors 'none'" "$h"
    expect_eq "php: X-Content-Type-Options nosniff" "nosniff" "$(header_of "$r" X-Content-Type-Options)"
    expect_eq "php: X-Frame-Options DENY" "DENY" "$(header_of "$r" X-Frame-Options)"
    expect_eq "php: Referrer-Policy no-referrer" "no-referrer" "$(header_of "$r" Referrer-Policy)"
    expect_match "php: Permissions-Policy denies camera/geolocation/microphone" \
        '^Permissions-Policy: .*camera=\(\).*geolocation=\(\).*microphone=\(\)' "$h"
    expect_eq "php: Cross-Origin-Opener-Policy same-origin" "same-origin" "$(header_of "$r" Cross-Origin-Opener-Policy)"
    expect_match "php: Strict-Transport-Security for two years" '^max-age=63072000' "$(header_of "$r" Strict-Transport-Security)"
    expect_eq "php: no ETag (FileETag None)" "" "$(header_of "$(http GET /style.css)" ETag)"

    local cookie
    cookie=$(header_of "$r" Set-Cookie)
    expect_match "php: session cookie is __Host- prefixed" '^__Host-sid=' "$cookie"
    expect_match "php: session cookie has Secure" '; *secure(;|$)' "${cookie,,}"
    expect_match "php: session cookie has HttpOnly" '; *httponly(;|$)' "${cookie,,}"
    expect_match "php: session cookie has SameSite=Strict" '; *samesite=strict(;|$)' "${cookie,,}"
    local forged="__Host-sid=attackerchosen0123456789abcdef"
    r=$(http GET / -H "Cookie: $forged")
    expect_match "php: use_strict_mode: a forged session id is replaced by a new one" \
        '^__Host-sid=[A-Za-z0-9,-]+;' "$(header_of "$r" Set-Cookie | grep -v attackerchosen)"

    # --- methods, dotfiles, listings, errors
    expect_eq "php: PUT is 405 (AllowMethods GET POST HEAD)" "405" "$(status_of "$(http PUT / --data x)")"
    expect_eq "php: DELETE is 405" "405" "$(status_of "$(http DELETE /index.php)")"
    expect_eq "php: OPTIONS is 405" "405" "$(status_of "$(http OPTIONS /)")"
    expect_eq "php: HEAD is allowed (200)" "200" "$(status_of "$(curl -sS -m 10 -I "$PHP_URL/healthz.php")")"
    r=$(http GET /.env)
    expect_eq "php: /.env is 403" "403" "$(status_of "$r")"
    expect_no_match "php: /.env content is not served" 'canary-dotenv-secret' "$r"
    r=$(http GET /.git/config)
    expect_eq "php: /.git/config is 403" "403" "$(status_of "$r")"
    expect_no_match "php: /.git/config content is not served" 'canary-git-secret' "$r"
    expect_eq "php: /.htaccess (absent) is 403" "403" "$(status_of "$(http GET /.htaccess)")"
    r=$(http GET /emptydir/)
    expect_match "php: a folder without an index is not listed (403/404, no 'Index of')" '^HTTP/1\.1 40[34] ' \
        "$(head -n 1 <<<"$r")$(grep -q 'Index of' <<<"$r" && echo ' LISTED')"
    expect_eq "php: .sql, .json, .ini, .sh … files are never served (403)" "403 403" \
        "$(status_of "$(http GET /schema.sql)") $(status_of "$(http GET /composer.json)")"
    expect_eq "php: a request body over 64 KiB is refused (413, LimitRequestBody)" "413" \
        "$(head -c 70000 /dev/zero | tr '\0' 'a' | curl -sS -m 10 -o /dev/null -w '%{http_code}' --data-binary @- "$PHP_URL/")"
    local many=() i
    for i in $(seq 1 60); do many+=(-H "X-Filler-$i: x"); done
    expect_eq "php: more than 50 request header fields are refused (400, LimitRequestFields)" "400" \
        "$(curl -sS -m 10 -o /dev/null -w '%{http_code}' "${many[@]}" "$PHP_URL/healthz.php")"
    r=$(http GET /no-such-page)
    expect_eq "php: unknown page is 404" "404" "$(status_of "$r")"
    expect_match "php: security headers are also set on error responses" "^Content-Security-Policy: " "$(headers_only "$r")"
    expect_no_match "php: error pages carry no server signature or version" 'Apache/[0-9]|Server at|Debian' "$r"

    # --- the app: CSRF, prepared statements, escaping
    r=$(http GET /)
    cookie=$(header_of "$r" Set-Cookie | cut -d';' -f1)
    local token
    token=$(sed -nE 's/.*name="csrf" value="([0-9a-f]{64})".*/\1/p' <<<"$r")
    expect_match "php: the form carries a 64-hex CSRF token" '^[0-9a-f]{64}$' "$token"
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "author=mallory" --data-urlencode "body=no token")
    expect_eq "php: POST without the CSRF token is 403" "403" "$(status_of "$r")"
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "csrf=$(printf '0%.0s' {1..64})" \
        --data-urlencode "author=mallory" --data-urlencode "body=bad token")
    expect_eq "php: POST with a wrong CSRF token is 403" "403" "$(status_of "$r")"
    local payload='<script>alert("x")</script> it'"'"'s & <b>bold</b>'
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "csrf=$token" \
        --data-urlencode "author=O'Brien <img src=x>" --data-urlencode "body=$payload")
    expect_eq "php: POST with the CSRF token is 303 (note stored)" "303" "$(status_of "$r")"
    expect_eq "php: the note is stored verbatim (prepared statement, no mangling)" "$payload" \
        "$(db_sql "SELECT body FROM notes.notes ORDER BY id DESC LIMIT 1" 2>&1)"
    r=$(http GET / -H "Cookie: $cookie")
    expect_match "php: the note is read back HTML-escaped" \
        '&lt;script&gt;alert\(&quot;x&quot;\)&lt;/script&gt; it&apos;s &amp; &lt;b&gt;bold&lt;/b&gt;' "$r"
    expect_no_match "php: no raw <script> or <img> from user input in the page" '<script>|<img src=x>' "$r"
    expect_match "php: the author is escaped too" 'O&apos;Brien &lt;img src=x&gt;' "$r"

    # --- TLS to the database, certificate verified
    expect_match "php: the app's db() connects over TLS 1.2+" '^tls=TLSv1\.[23]$' "$(php_db_cli)"
    expect_match "php: db() refuses a server certificate from another CA" \
        'certificate verify failed' "$(php_db_cli -e DB_SSL_CA=/run/secrets/wrong-ca.pem)"
    local db_ip
    db_ip=$(pm inspect --format "{{(index .NetworkSettings.Networks \"$PHP_NET\").IPAddress}}" "$DBC")
    expect_match "php: db() refuses a server certificate issued for another name" \
        "subjectAltName did not match expected name .$db_ip" "$(php_db_cli -e DB_HOST="$db_ip")"
    check "php: runs with a read-only root filesystem (run, lock and session directories mounted)" php_read_only
    check_fails "fixture: MariaDB refuses the app's account without TLS" 'insecure transport are prohibited' \
        pm exec "$DBC" mariadb --skip-ssl -h 127.0.0.1 -unotes -p"$DB_PW" -e 'SELECT 1'
}
