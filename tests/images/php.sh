# shellcheck shell=bash
# hardline: proves images/php-mysql-secured/ with a real Apache 2.4 + mod_php 8.2 serving the
# image's app, against a real MariaDB that requires TLS (sourced by run.sh).
#
# The image's files are used as they are, except for a path mapping (/var/www -> $PHT/www,
# /run/secrets -> $PHT/secrets, /var/lib/php/sessions -> $PHT/sessions, port 8080 -> a free
# loopback port). php.ini is Debian's php.ini-production, as the image copies its own.
# Test-only additions live in the test's copy of the document root: probe.php (reads back what
# PHP allows), a .env and a .git/ with a canary, and an empty directory (listing check).

PHP_IMAGE_DIR="$REPO/images/php-mysql-secured"
PHP_VER=8.2

php_map_file() { # SRC DEST
    sed -e "s#/var/www#$PHT/www#g" \
        -e "s#/run/secrets#$PHT/secrets#g" \
        -e "s#/var/lib/php/sessions#$PHT/sessions#g" \
        -e "s#^Listen 8080\$#Listen 127.0.0.1:$HTTP_PORT#" \
        -e "s#<VirtualHost \\*:8080>#<VirtualHost *:$HTTP_PORT>#" \
        "$1" >"$2"
}

mariadb_vars() {
    MYT="$WORK/mariadb"
    MYPORT=$(free_port)
    DB_PW="notes-$(openssl rand -hex 12)"
}

# Runs inside check's command substitution: sets no variables the caller needs.
mariadb_setup() {
    mkdir -p "$MYT/data" "$MYT/run" "$MYT/tls"
    cp "$CERTS/ca.crt" "$CERTS/server.crt" "$CERTS/server.key" "$MYT/tls/"
    chown -R mysql:mysql "$MYT"
    chmod 0600 "$MYT/tls/server.key"
    mariadb-install-db --no-defaults --user=mysql --datadir="$MYT/data" \
        --auth-root-authentication-method=socket --skip-test-db >"$MYT/install.log" 2>&1 || return 1
    mariadbd --no-defaults --user=mysql --datadir="$MYT/data" --socket="$MYT/run/mysqld.sock" \
        --pid-file="$MYT/run/mysqld.pid" --port="$MYPORT" --bind-address=127.0.0.1 \
        --skip-name-resolve --skip-log-bin --log-error="$MYT/error.log" \
        --ssl-ca="$MYT/tls/ca.crt" --ssl-cert="$MYT/tls/server.crt" --ssl-key="$MYT/tls/server.key" \
        --require-secure-transport=ON >/dev/null 2>&1 &
    wait_for 60 mariadb-admin --socket="$MYT/run/mysqld.sock" -uroot ping || return 1
    { echo "CREATE DATABASE notes; USE notes;"
      cat "$PHP_IMAGE_DIR/app/schema.sql"
      echo "CREATE USER 'notes'@'127.0.0.1' IDENTIFIED BY '$DB_PW' REQUIRE SSL;"
      echo "GRANT SELECT, INSERT ON notes.notes TO 'notes'@'127.0.0.1';"
    } | mariadb --socket="$MYT/run/mysqld.sock" -uroot
}

mariadb_stop() {
    if [ -n "${MYT:-}" ] && [ -f "$MYT/run/mysqld.pid" ]; then
        kill "$(cat "$MYT/run/mysqld.pid")" 2>/dev/null
        wait_for 30 test ! -e "$MYT/run/mysqld.pid"
    fi
}

apache_setup() {
    PHT="$WORK/php"
    HTTP_PORT=$(free_port)
    mkdir -p "$PHT/www" "$PHT/secrets" "$PHT/sessions" "$PHT/php/conf.d" "$PHT/apache/logs" "$PHT/apache/conf"
    cp -r "$PHP_IMAGE_DIR/app/public" "$PHT/www/html"
    cp -r "$PHP_IMAGE_DIR/app/src" "$PHT/www/src"
    # test-only content of the document root
    cp "$TESTS_DIR/fixtures/probe.php" "$PHT/www/html/probe.php"
    printf 'DB_PASSWORD=canary-dotenv-secret\n' >"$PHT/www/html/.env"
    mkdir -p "$PHT/www/html/.git" "$PHT/www/html/emptydir"
    printf '[core]\n\tcanary = canary-git-secret\n' >"$PHT/www/html/.git/config"

    printf 'notes\n' >"$PHT/secrets/db_user"
    printf '%s\n' "$DB_PW" >"$PHT/secrets/db_password"
    cp "$CERTS/ca.crt" "$PHT/secrets/db-ca.pem"
    cp "$CERTS/wrong-ca.crt" "$PHT/secrets/wrong-ca.pem"

    cp "/usr/lib/php/$PHP_VER/php.ini-production" "$PHT/php/php.ini"
    php_map_file "$PHP_IMAGE_DIR/php/zz-hardening.ini" "$PHT/php/conf.d/zz-hardening.ini"
    for f in ports.conf hardening.conf site.conf; do
        php_map_file "$PHP_IMAGE_DIR/apache/$f" "$PHT/apache/conf/$f"
    done

    local mods=/usr/lib/apache2/modules
    cat >"$PHT/apache/httpd.conf" <<EOF
# Test harness only: what the official image's apache2.conf provides around the image's files.
ServerRoot "$PHT/apache"
PidFile "$PHT/apache/httpd.pid"
DefaultRuntimeDir "$PHT/apache"
Mutex file:$PHT/apache default
ErrorLog "$PHT/apache/logs/error.log"
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %O" common
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule alias_module $mods/mod_alias.so
LoadModule dir_module $mods/mod_dir.so
# mod_autoindex is disabled in the image; loaded here so that Options -Indexes is what refuses listings.
LoadModule autoindex_module $mods/mod_autoindex.so
LoadModule mime_module $mods/mod_mime.so
LoadModule headers_module $mods/mod_headers.so
LoadModule allowmethods_module $mods/mod_allowmethods.so
LoadModule php_module $mods/libphp$PHP_VER.so
StartServers 2
MinSpareServers 1
MaxSpareServers 3
MaxRequestWorkers 10
TypesConfig /etc/mime.types
AddDefaultCharset UTF-8
PHPIniDir "$PHT/php"
<FilesMatch "\.php\$">
    SetHandler application/x-httpd-php
</FilesMatch>
Include "$PHT/apache/conf/ports.conf"
Include "$PHT/apache/conf/hardening.conf"
Include "$PHT/apache/conf/site.conf"
EOF
    chown -R www-data:www-data "$PHT/apache" "$PHT/sessions"
    chmod 0700 "$PHT/sessions"
    chown -R root:www-data "$PHT/secrets"
    chmod 0750 "$PHT/secrets"
    chmod 0640 "$PHT/secrets/"*
    chmod 0755 "$PHT" "$PHT/www"
}

# Environment of the Apache and PHP CLI processes, as the image's ENV sets it.
php_env() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin APACHE_LOG_DIR="$PHT/apache/logs" \
        PHP_INI_SCAN_DIR="/etc/php/$PHP_VER/apache2/conf.d:$PHT/php/conf.d" \
        DB_HOST=127.0.0.1 DB_PORT="$MYPORT" DB_NAME=notes \
        DB_USER_FILE="$PHT/secrets/db_user" DB_PASSWORD_FILE="$PHT/secrets/db_password" \
        DB_SSL_CA="${DB_SSL_CA_OVERRIDE:-$PHT/secrets/db-ca.pem}" "$@"
}

apache_start() {
    runuser -u www-data -- true # www-data must exist
    php_env runuser -u www-data -- /usr/sbin/apache2 -f "$PHT/apache/httpd.conf" -k start \
        >"$PHT/apache/start.log" 2>&1 || return 1
    wait_for 20 curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz.php"
}

apache_stop() {
    if [ -n "${PHT:-}" ] && [ -f "$PHT/apache/httpd.pid" ]; then
        kill "$(cat "$PHT/apache/httpd.pid")" 2>/dev/null
        wait_for 20 test ! -e "$PHT/apache/httpd.pid"
    fi
}

# http METHOD PATH [curl args...] : prints the response headers, a blank line, then the body.
http() {
    local method=$1 path=$2
    shift 2
    curl -sS -m 10 -D - -X "$method" "$@" "http://127.0.0.1:$HTTP_PORT$path"
}
status_of() { head -n 1 <<<"$1" | awk '{print $2}'; }
header_of() { # RESPONSE NAME : value of the first header NAME (case-insensitive)
    sed -n '1,/^\r\?$/p' <<<"$1" | tr -d '\r' | awk -v n="$2" 'BEGIN{IGNORECASE=1} index(tolower($0), tolower(n) ":")==1 {sub(/^[^:]*:[ \t]*/, ""); print; exit}'
}
headers_only() { sed -n '1,/^\r\?$/p' <<<"$1" | tr -d '\r'; }

php_tests() {
    echo "# php-mysql-secured: Apache 2.4 + PHP $PHP_VER with images/php-mysql-secured/, MariaDB over TLS"
    mariadb_vars
    if ! check "php: MariaDB with require_secure_transport=ON is up on loopback" mariadb_setup; then
        sed 's/^/#   mariadb: /' "$WORK/mariadb/error.log" 2>/dev/null | tail -n 20
        return
    fi
    apache_setup
    check "php: Apache config (image's hardening.conf + site.conf) passes configtest" \
        php_env runuser -u www-data -- /usr/sbin/apache2 -f "$PHT/apache/httpd.conf" -t
    if ! check "php: Apache with mod_php starts as www-data on a loopback port" apache_start; then
        cat "$PHT/apache/start.log" "$PHT/apache/logs/error.log" 2>/dev/null | sed 's/^/#   apache: /' | tail -n 20
        return
    fi
    local pid_user
    pid_user=$(ps -o user= -p "$(cat "$PHT/apache/httpd.pid")" | tr -d ' ')
    expect_eq "php: Apache parent process runs as www-data, not root" "www-data" "$pid_user"

    # --- response headers
    local r h
    r=$(http GET /)
    expect_eq "php: GET / is 200 (page reads notes from MariaDB over TLS)" "200" "$(status_of "$r")"
    h=$(headers_only "$r")
    expect_no_match "php: no X-Powered-By header (expose_php=Off)" '^X-Powered-By:' "$h"
    expect_eq "php: Server header is exactly 'Apache' (ServerTokens Prod)" "Apache" "$(header_of "$r" Server)"
    expect_match "php: Content-Security-Policy with frame-ancestors 'none'" \
        "^Content-Security-Policy: .*default-src 'none'.*frame-ancestors 'none'" "$h"
    expect_eq "php: X-Content-Type-Options nosniff" "nosniff" "$(header_of "$r" X-Content-Type-Options)"
    expect_eq "php: X-Frame-Options DENY" "DENY" "$(header_of "$r" X-Frame-Options)"
    expect_eq "php: Referrer-Policy no-referrer" "no-referrer" "$(header_of "$r" Referrer-Policy)"
    expect_match "php: Permissions-Policy denies camera/geolocation/microphone" \
        '^Permissions-Policy: .*camera=\(\).*geolocation=\(\).*microphone=\(\)' "$h"

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

    # --- methods, dotfiles, listings
    expect_eq "php: TRACE is 405 (TraceEnable Off)" "405" "$(status_of "$(http TRACE /)")"
    expect_eq "php: PUT is 405 (AllowMethods GET POST HEAD)" "405" "$(status_of "$(http PUT / --data x)")"
    expect_eq "php: DELETE is 405" "405" "$(status_of "$(http DELETE /index.php)")"
    expect_eq "php: OPTIONS is 405" "405" "$(status_of "$(http OPTIONS /)")"
    expect_eq "php: HEAD is allowed (200)" "200" "$(status_of "$(curl -sS -m 10 -I "http://127.0.0.1:$HTTP_PORT/healthz.php")")"
    r=$(http GET /.env)
    expect_eq "php: /.env is 403" "403" "$(status_of "$r")"
    expect_no_match "php: /.env content is not served" 'canary-dotenv-secret' "$r"
    r=$(http GET /.git/config)
    expect_eq "php: /.git/config is 403" "403" "$(status_of "$r")"
    expect_no_match "php: /.git/config content is not served" 'canary-git-secret' "$r"
    expect_eq "php: /.htaccess (absent) is 403" "403" "$(status_of "$(http GET /.htaccess)")"
    expect_eq "php: directory listing is refused even with mod_autoindex loaded (Options -Indexes)" "403" "$(status_of "$(http GET /emptydir/)")"
    r=$(http GET /no-such-page)
    expect_eq "php: unknown page is 404" "404" "$(status_of "$r")"
    expect_match "php: security headers are also set on error responses" "^Content-Security-Policy: " "$(headers_only "$r")"
    expect_no_match "php: error pages carry no server signature" 'Apache/[0-9]|Server at' "$r"

    # --- what PHP allows (probe.php is test-only)
    r=$(http GET /probe.php)
    expect_match "php: exec() is undefined (disable_functions)" '^exec_exists=no$' "$r"
    expect_match "php: calling exec() throws Error, nothing runs" '^exec_call=Error$' "$r"
    expect_match "php: shell_exec/system/passthru/proc_open/popen are undefined" '^shell_family=none$' "$r"
    expect_match "php: /etc/passwd is unreadable (open_basedir)" '^passwd=blocked$' "$r"
    expect_match "php: the DB password file is readable (open_basedir includes /run/secrets)" '^secret=readable$' "$r"
    expect_no_match "php: display_errors=Off: no warning text in the response" 'Warning|open_basedir restriction' "$r"
    sleep 0.3
    expect_match "php: log_errors=On: the open_basedir warning went to the error log" \
        'open_basedir restriction in effect' "$(cat "$PHT/apache/logs/error.log")"
    local setting
    for setting in allow_url_fopen= allow_url_include= expose_php= display_errors= \
        mysqli.allow_local_infile= session.use_strict_mode=1 file_uploads= enable_dl=; do
        local shown=${setting#*=}
        expect_match "php: ini ${setting%%=*} = ${shown:-Off}" "^ini:${setting}\$" "$r"
    done

    # --- the app: CSRF, prepared statements, escaping, TLS to the database
    r=$(http GET /)
    cookie=$(header_of "$r" Set-Cookie | cut -d';' -f1)
    local token
    token=$(sed -nE 's/.*name="csrf" value="([0-9a-f]{64})".*/\1/p' <<<"$r")
    expect_match "php: form carries a 64-hex CSRF token" '^[0-9a-f]{64}$' "$token"
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "author=mallory" --data-urlencode "body=no token")
    expect_eq "php: POST without CSRF token is 403" "403" "$(status_of "$r")"
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "csrf=$(printf '0%.0s' {1..64})" \
        --data-urlencode "author=mallory" --data-urlencode "body=bad token")
    expect_eq "php: POST with a wrong CSRF token is 403" "403" "$(status_of "$r")"
    local payload='<script>alert("x")</script> it'"'"'s & <b>bold</b>'
    r=$(http POST / -H "Cookie: $cookie" --data-urlencode "csrf=$token" \
        --data-urlencode "author=O'Brien <img src=x>" --data-urlencode "body=$payload")
    expect_eq "php: POST with the CSRF token is 303 (note stored)" "303" "$(status_of "$r")"
    local stored
    stored=$(mariadb --socket="$MYT/run/mysqld.sock" -uroot -N -e "SELECT body FROM notes.notes ORDER BY id DESC LIMIT 1")
    expect_eq "php: the note is stored verbatim (prepared statement, no mangling)" "$payload" "$stored"
    r=$(http GET / -H "Cookie: $cookie")
    expect_match "php: the note is read back HTML-escaped" \
        '&lt;script&gt;alert\(&quot;x&quot;\)&lt;/script&gt; it&apos;s &amp; &lt;b&gt;bold&lt;/b&gt;' "$r"
    expect_no_match "php: no raw <script> or <img> from user input in the page" '<script>|<img src=x>' "$r"
    expect_match "php: author is escaped too" 'O&apos;Brien &lt;img src=x&gt;' "$r"

    local cli='require getenv("APP_SRC") . "/bootstrap.php"; $s = db()->query("SHOW STATUS LIKE '"'"'Ssl_version'"'"'")->fetch(); echo "tls=", $s["Value"], "\n";'
    r=$(php_env APP_SRC="$PHT/www/src" php -c "$PHT/php/php.ini" -r "$cli" 2>&1)
    expect_match "php: the app's db() connects with TLS 1.2+ and a verified server certificate" '^tls=TLSv1\.[23]$' "$r"
    r=$(DB_SSL_CA_OVERRIDE="$PHT/secrets/wrong-ca.pem" php_env APP_SRC="$PHT/www/src" php -c "$PHT/php/php.ini" -r "$cli" 2>&1)
    expect_match "php: the app's db() refuses a server certificate from another CA" 'certificate verify failed|SSL operation failed' "$r"
    check_fails "php: MariaDB refuses the app account without TLS" 'insecure transport|SSL|Access denied' \
        mariadb --skip-ssl -h 127.0.0.1 -P "$MYPORT" -unotes -p"$DB_PW" -e 'SELECT 1'
}
