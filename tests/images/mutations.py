#!/usr/bin/env python3
"""hardline: proves that each check of tests/images/run.sh fails when its control is reverted.

For each mutation below: copy images/, tests/images/ and .github/scripts/verify-image.sh to a
temp tree, revert ONE control there (one or more edits), run the copy's run.sh for that image
only (so the image is REBUILT from the mutated files, with podman's layer cache: configuration
is copied late in each Dockerfile, so most mutations rebuild a few small layers), and require
that the named check turns `not ok` (the run stops right after that check: HARDLINE_STOP_AT). A mutation that leaves that check green SURVIVED: the check
would not notice the control being lost.

Usage (root, after run.sh has passed once on this machine):
    python3 tests/images/mutations.py [FILTER]     run the mutations whose name contains FILTER
                                                   (e.g. "postgres-secured: hba", "app:")
    python3 tests/images/mutations.py --check      only verify that every mutation still applies
                                                   to the current files (no build; for CI)
Prints `ok - …` / `not ok - …` per mutation and `N passed, M failed`; exits 1 if any survived
or no longer applies.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
PG = "images/postgres-secured"
PHP = "images/php-mysql-secured"
PG_IMAGE = "postgres-secured"
PHP_IMAGE = "php-mysql-secured"


class Mutation(NamedTuple):
    name: str
    image: str
    edits: tuple[tuple[str, str, str], ...]  # (file, old text, new text)
    must_fail: str  # a substring of the check that must turn `not ok`


def m(name: str, image: str, must_fail: str, *edits: tuple[str, str, str]) -> Mutation:
    return Mutation(f"{image}: {name}", image, tuple(edits), must_fail)


def pg(name: str, must_fail: str, *edits: tuple[str, str, str]) -> Mutation:
    return m(name, PG_IMAGE, must_fail, *edits)


def php(name: str, must_fail: str, *edits: tuple[str, str, str]) -> Mutation:
    return m(name, PHP_IMAGE, must_fail, *edits)


HBA = f"{PG}/pg_hba.conf"
CONF = f"{PG}/postgresql.conf"
ENTRY = f"{PG}/entrypoint.sh"
PGDF = f"{PG}/Dockerfile"
INI = f"{PHP}/php/zz-hardening.ini"
HARD = f"{PHP}/apache/hardening.conf"
SITE = f"{PHP}/apache/site.conf"
PHPDF = f"{PHP}/Dockerfile"
BOOT = f"{PHP}/app/src/bootstrap.php"

NOSSL4 = "hostnossl  all       all       0.0.0.0/0    reject\n"
NOSSL6 = "hostnossl  all       all       ::/0         reject\n"
SUPER4 = "hostssl    all       postgres  0.0.0.0/0    reject\n"
SUPER6 = "hostssl    all       postgres  ::/0         reject\n"
PG_PLACEHOLDER = "ARG BASE_IMAGE=docker.io/library/debian:trixie-slim@sha256:UNRESOLVED-no-registry-access-Renovate-pins-it"

MUTATIONS = [
    # --- postgres-secured: pg_hba.conf
    pg("hba: no hostnossl reject", "plain (non-TLS) TCP is rejected", (HBA, NOSSL4, ""), (HBA, NOSSL6, "")),
    pg("hba: plain TCP accepted", "plain (non-TLS) TCP is rejected",
       (HBA, NOSSL4, NOSSL4.replace("reject", "scram-sha-256"))),
    pg("hba: remote superuser allowed", "superuser is rejected over TCP even with TLS",
       (HBA, SUPER4, ""), (HBA, SUPER6, "")),
    pg("hba: md5 instead of scram", "MD5 hash cannot log in",
       (HBA, "0.0.0.0/0    scram-sha-256", "0.0.0.0/0    md5")),
    pg("hba: local trust", "Unix socket without a password is refused",
       (HBA, "local      all       all                    scram-sha-256", "local      all       all                    trust")),
    pg("hba: replication allowed", "physical replication connections are refused",
       (HBA, SUPER6, SUPER6 + "hostssl    replication all  0.0.0.0/0    scram-sha-256\n")),
    # --- postgresql.conf and conf.d
    pg("conf: password_encryption md5", "stored as a SCRAM-SHA-256 verifier",
       (CONF, "password_encryption = scram-sha-256", "password_encryption = md5")),
    pg("conf: ssl off", "connects over TLS 1.3", (CONF, "ssl = on", "ssl = off")),
    pg("conf: TLS 1.0 allowed", "ssl_min_protocol_version is TLSv1.2",
       (CONF, "ssl_min_protocol_version = 'TLSv1.2'", "ssl_min_protocol_version = 'TLSv1'")),
    pg("conf: SHA-1 suites allowed", "SHA-1 CBC suite is refused",
       (CONF, "ssl_ciphers = 'HIGH:!aNULL:!eNULL:!MD5:!3DES:!RC4:!SHA1'", "ssl_ciphers = 'HIGH:!aNULL'")),
    pg("conf: no log_connections", "connections are logged", (CONF, "log_connections = on", "log_connections = off")),
    pg("conf: no log_disconnections", "session ends are logged",
       (CONF, "log_disconnections = on", "log_disconnections = off")),
    pg("conf: log_statement none", "DDL is logged", (CONF, "log_statement = 'ddl'", "log_statement = 'none'")),
    pg("conf: log_statement all", "plain SELECTs are not logged", (CONF, "log_statement = 'ddl'", "log_statement = 'all'")),
    pg("conf: short log_line_prefix", "log_line_prefix writes",
       (CONF, "log_line_prefix = '%m [%p] db=%d user=%u app=%a client=%h '", "log_line_prefix = '%m '")),
    pg("conf: socket 0777", "the socket itself is 0700",
       (CONF, "unix_socket_permissions = 0700", "unix_socket_permissions = 0777")),
    pg("conf: ALTER SYSTEM allowed", "ALTER SYSTEM is refused", (CONF, "allow_alter_system = off", "allow_alter_system = on")),
    pg("conf: jit on", "JIT compilation is off", (CONF, "\njit = off", "\njit = on")),
    pg("conf: no hba_file", "becomes healthy", (CONF, "hba_file = '/etc/postgresql/pg_hba.conf'", "")),
    pg("pgaudit: not loaded", "pgaudit writes a SESSION audit record",
       (f"{PG}/conf.d/pgaudit.conf", "shared_preload_libraries = 'pgaudit'", "")),
    pg("pgaudit: logs nothing", "pgaudit writes a SESSION audit record",
       (f"{PG}/conf.d/pgaudit.conf", "pgaudit.log = 'ddl, role'", "pgaudit.log = 'none'")),
    pg("initdb.d: no revoke", "no CONNECT on the postgres database",
       (f"{PG}/initdb.d/10-hardening.sql", "REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;", "")),
    pg("initdb.d: template1 open", "no CONNECT on template1",
       (f"{PG}/initdb.d/10-hardening.sql", "REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;", "")),
    # --- the entrypoint
    pg("entrypoint: POSTGRES_PASSWORD accepted", "POSTGRES_PASSWORD in the environment is refused",
       (ENTRY, 'die "$name is not supported', 'say "$name is not supported')),
    pg("entrypoint: no password from the file", "with the password from POSTGRES_PASSWORD_FILE",
       (ENTRY, ' --pwfile="$pwfile"', "")),
    pg("entrypoint: keeps initdb's config files", "holds no postgresql.conf",
       (ENTRY, 'rm -f "$PGDATA/postgresql.conf" "$PGDATA/pg_hba.conf" "$PGDATA/pg_ident.conf"', ":")),
    pg("entrypoint: state written outside the documented paths", "runs with a read-only root filesystem",
       (ENTRY, '    say "initialised"', '    touch /var/lib/postgresql/.initialised\n    say "initialised"')),
    pg("entrypoint+Dockerfile: socket directory 0755", "socket directory is 0700 while the server runs",
       (ENTRY, 'chmod u=rwx,go=,g-s "$SOCKET_DIR"', "true"),
       (PGDF, "install -d -m 0700 -o 999 -g 999 /var/run/postgresql", "install -d -m 0755 -o 999 -g 999 /var/run/postgresql")),
    # --- the Dockerfile
    pg("image: runs as root", "runs as a fixed numeric non-root", (PGDF, "USER 999:999", "USER 0:0")),
    pg("image: no HEALTHCHECK", "has a HEALTHCHECK",
       (PGDF, "HEALTHCHECK --interval=30s", "# HEALTHCHECK --interval=30s"),
       (PGDF, '    CMD ["pg_isready"', '#    CMD ["pg_isready"')),
    pg("image: password in ENV", "no secret in the image's environment",
       (PGDF, "    POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password", "    POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password \\\n    POSTGRES_PASSWORD=secret")),
    pg("image: no revision label", "OCI labels", (PGDF, 'org.opencontainers.image.revision="${VCS_REF}"', 'org.opencontainers.image.revision=""')),
    pg("image: unpinned base", "default base is debian:trixie-slim pinned",
       (PGDF, PG_PLACEHOLDER, "ARG BASE_IMAGE=docker.io/library/debian:trixie-slim")),
    pg("image: config owned by postgres", "are owned by root",
       (PGDF, "COPY --chown=root:root --chmod=0644 postgresql.conf", "COPY --chown=999:999 --chmod=0644 postgresql.conf")),
    pg("image: config writable by postgres", "can write only to its own state",
       (PGDF, "COPY --chown=root:root --chmod=0644 conf.d/pgaudit.conf", "COPY --chown=root:root --chmod=0666 conf.d/pgaudit.conf")),
    pg("image: conf.d created 0640 (the BuildKit --chmod defect)", "becomes healthy",
       (PGDF, "USER 999:999", "RUN chmod 0640 /etc/postgresql/conf.d\nUSER 999:999")),
    pg("image: no setuid strip (rebuilds the package layer)", "no setuid/setgid files",
       (PGDF, "    find / -xdev -perm /6000 -type f -exec chmod a-s {} +; \\\n", "")),
    pg("image: snakeoil key kept (rebuilds the package layer)", "no private key anywhere",
       (PGDF, "    rm -f /etc/ssl/private/ssl-cert-snakeoil.key /etc/ssl/certs/ssl-cert-snakeoil.pem; \\\n", "")),
    pg("image: make installed, build-time guard removed (rebuilds the package layer)", "no compiler or build tool",
       (PGDF, "postgresql-17 postgresql-17-pgaudit; \\", "postgresql-17 postgresql-17-pgaudit make; \\"),
       (PGDF, 'if command -v "$tool"; then echo "build tool $tool is in the image" >&2; exit 1; fi;', "true;")),
    # --- php-mysql-secured: Apache
    php("apache: Debian's security.conf enabled again", "Server header is exactly 'Apache'",
        (PHPDF, "a2disconf security serve-cgi-bin", "a2disconf serve-cgi-bin")),
    php("apache: ServerTokens Full", "Server header is exactly 'Apache'", (HARD, "ServerTokens Prod", "ServerTokens Full")),
    php("apache: ServerSignature On", "error pages carry no server signature", (HARD, "ServerSignature Off", "ServerSignature On")),
    php("apache: TRACE on", "TRACE is refused", (HARD, "TraceEnable Off", "TraceEnable On")),
    php("apache: no AllowMethods", "PUT is 405", (SITE, "AllowMethods GET POST HEAD", "")),
    php("apache: dotfiles served", "/.env is 403",
        (HARD, '<FilesMatch "^\\.">\n    Require all denied', '<FilesMatch "^\\.">\n    Require all granted')),
    php("apache: dot-directories served", "/.git/config is 403",
        (HARD, '<DirectoryMatch "/\\.">\n    Require all denied', '<DirectoryMatch "/\\.">\n    Require all granted')),
    php("apache: source-like files served", "files are never served",
        (SITE, '<FilesMatch "\\.(inc|ini|sql|sh|bak|swp|dist|lock|json|md)$">\n        Require all denied',
         '<FilesMatch "\\.(inc|ini|sql|sh|bak|swp|dist|lock|json|md)$">\n        Require all granted')),
    php("apache: listings on (mod_autoindex and +Indexes)", "a folder without an index is not listed",
        (PHPDF, "a2enmod headers allowmethods", "a2enmod headers allowmethods autoindex"),
        (SITE, "Options -Indexes", "Options +Indexes")),
    php("apache: mod_cgi enabled", "Apache loads only the modules", (PHPDF, "a2enmod headers allowmethods", "a2enmod headers allowmethods cgi")),
    php("apache: no CSP", "Content-Security-Policy with default-src", (HARD, "Header always set Content-Security-Policy", "#")),
    php("apache: CSP only on success", "security headers are also set on error responses",
        (HARD, "Header always set Content-Security-Policy", "Header set Content-Security-Policy")),
    php("apache: no nosniff", "X-Content-Type-Options nosniff", (HARD, 'Header always set X-Content-Type-Options "nosniff"', "")),
    php("apache: no X-Frame-Options", "X-Frame-Options DENY", (HARD, 'Header always set X-Frame-Options "DENY"', "")),
    php("apache: no Referrer-Policy", "Referrer-Policy no-referrer", (HARD, 'Header always set Referrer-Policy "no-referrer"', "")),
    php("apache: no Permissions-Policy", "Permissions-Policy denies", (HARD, "Header always set Permissions-Policy", "#")),
    php("apache: no COOP", "Cross-Origin-Opener-Policy", (HARD, 'Header always set Cross-Origin-Opener-Policy "same-origin"', "")),
    php("apache: no HSTS", "Strict-Transport-Security", (HARD, "Header always set Strict-Transport-Security", "#")),
    php("apache: ETags", "no ETag", (HARD, "FileETag None", "")),
    php("apache: unbounded request body", "request body over 64 KiB is refused", (HARD, "LimitRequestBody 65536", "LimitRequestBody 0")),
    php("apache: many header fields", "more than 50 request header fields", (HARD, "LimitRequestFields 50", "LimitRequestFields 100")),
    # --- PHP
    php("php: expose_php On", "ini expose_php", (INI, "expose_php = Off", "expose_php = On")),
    php("php: display_errors On", "no warning text in the response", (INI, "display_errors = Off", "display_errors = On")),
    php("php: log_errors Off", "went to the container's log", (INI, "log_errors = On", "log_errors = Off")),
    php("php: no disable_functions", "exec() is undefined", (INI, "disable_functions = exec,", "disable_functions = ")),
    php("php: no open_basedir", "/etc/passwd is unreadable", (INI, "open_basedir = /var/www:", "; open_basedir = /var/www:")),
    php("php: allow_url_fopen On", "ini allow_url_fopen", (INI, "allow_url_fopen = Off", "allow_url_fopen = On")),
    php("php: local infile On", "ini mysqli.allow_local_infile", (INI, "mysqli.allow_local_infile = Off", "mysqli.allow_local_infile = On")),
    php("php: uploads On", "ini file_uploads", (INI, "file_uploads = Off", "file_uploads = On")),
    php("php: cookie not Secure", "session cookie has Secure", (INI, "session.cookie_secure = 1", "session.cookie_secure = 0")),
    php("php: cookie not HttpOnly", "session cookie has HttpOnly", (INI, "session.cookie_httponly = 1", "session.cookie_httponly = 0")),
    php("php: SameSite Lax", "SameSite=Strict", (INI, "session.cookie_samesite = Strict", "session.cookie_samesite = Lax")),
    php("php: no __Host- prefix", "__Host- prefixed", (INI, "session.name = __Host-sid", "session.name = sid")),
    php("php: sessions written outside the documented paths", "runs with a read-only root filesystem",
        (INI, "session.save_path = /var/lib/php/sessions", "session.save_path = /tmp")),
    php("php: no strict sessions", "forged session id is replaced", (INI, "session.use_strict_mode = 1", "session.use_strict_mode = 0")),
    php("php: every extension Debian enables", "loads only the extensions the app needs",
        (PHPDF, "phpdismod calendar ctype exif ffi", "phpdismod calendar ctype exif")),
    php("php: development php.ini", "php.ini is Debian's production template",
        (PHPDF, "rm -f /var/www/html/index.html; \\", "rm -f /var/www/html/index.html; \\\n    cp /usr/lib/php/8.4/php.ini-development /etc/php/8.4/apache2/php.ini; \\")),
    php("php: php8.4-curl installed (rebuilds the package layer)", "curl_exec and curl_multi_exec do not exist",
        (PHPDF, "libapache2-mod-php8.4 php8.4-mysql;", "libapache2-mod-php8.4 php8.4-mysql php8.4-curl;")),
    # --- the app
    php("app: no escaping", "read back HTML-escaped",
        (BOOT, "return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');", "return $text;")),
    php("app: CSRF not checked", "POST without the CSRF token is 403",
        (BOOT, "return is_string($submitted)", "return true || is_string($submitted)")),
    php("app: no certificate verification", "refuses a server certificate from another CA",
        (BOOT, "PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => true", "PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false")),
    php("app: no TLS to the database", "GET / is 200",
        (BOOT, "PDO::MYSQL_ATTR_SSL_CA => env_or('DB_SSL_CA', '/run/secrets/db-ca.pem'),", "")),
    php("app: SQL by concatenation", "POST with the CSRF token is 303",
        (f"{PHP}/app/public/index.php",
         "$stmt = db()->prepare('INSERT INTO notes (author, body) VALUES (:author, :body)');\n            $stmt->execute([':author' => $author, ':body' => $body]);",
         "db()->exec(\"INSERT INTO notes (author, body) VALUES ('$author', '$body')\");")),
    # --- the Dockerfile
    php("image: runs as root", "parent process runs as uid 33", (PHPDF, "USER 33:33", "USER 0:0")),
    php("image: app owned by www-data (the official image's defect)", "are owned by root",
        (PHPDF, "COPY --chown=root:root app/public/ /var/www/html/", "COPY --chown=33:33 app/public/ /var/www/html/")),
    php("image: app writable", "can write only to its own state",
        (PHPDF, "RUN chmod -R u=rwX,go=rX /var/www", "RUN chmod -R a=rwX /var/www")),
    php("image: healthcheck that accepts a failing page", "becomes healthy",
        (f"{PHP}/healthcheck.sh", "printf 'GET /healthz.php HTTP/1.0", "printf 'GET /no-such-page HTTP/1.0")),
    php("image: no setuid strip (rebuilds the package layer)", "no setuid/setgid files",
        (PHPDF, "    find / -xdev -perm /6000 -type f -exec chmod a-s {} +\n", "    true\n")),
]

COPIED = ["images", "tests/images", ".github/scripts/verify-image.sh"]


def apply(root: Path, mutation: Mutation) -> str | None:
    """Applies the edits under root; returns an error if one no longer applies."""
    for rel, old, new in mutation.edits:
        target = root / rel
        text = target.read_text(encoding="utf-8")
        if text.count(old) != 1:
            where = "not found" if old not in text else "found more than once (ambiguous)"
            return f"text {where} in {rel}: {old[:60]!r}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return None


def copy_tree(root: Path) -> None:
    for rel in COPIED:
        src, dst = REPO / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, symlinks=True)
        else:
            shutil.copy2(src, dst)


def main() -> int:
    args = sys.argv[1:]
    check_only = "--check" in args
    only = next((a for a in args if not a.startswith("--")), "")
    names = [mu.name for mu in MUTATIONS]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        print(f"not ok - mutation names are unique: {sorted(dupes)}")
        return 1
    vcs_ref = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                             text=True).stdout.strip() or "unknown"
    env = dict(os.environ, HARDLINE_IMAGE_TAG="mutant", HARDLINE_VCS_REF=vcs_ref)
    passed = failed = 0
    for mutation in MUTATIONS:
        if only and only not in mutation.name:
            continue
        with tempfile.TemporaryDirectory(prefix="hardline-mut.") as tmp:
            root = Path(tmp)
            copy_tree(root)
            error = apply(root, mutation)
            if error:
                failed += 1
                print(f"not ok - {mutation.name}: the mutation no longer applies ({error})")
                continue
            if check_only:
                passed += 1
                print(f"ok - {mutation.name}: applies")
                continue
            started = time.monotonic()
            proc = subprocess.run(["bash", str(root / "tests/images/run.sh"), mutation.image],
                                  capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                  env=dict(env, HARDLINE_STOP_AT=mutation.must_fail), timeout=900)
            took = time.monotonic() - started
            failing = [ln[len("not ok - "):] for ln in proc.stdout.splitlines() if ln.startswith("not ok - ")]
            hit = [f for f in failing if mutation.must_fail in f]
            if proc.returncode != 0 and hit:
                passed += 1
                more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
                print(f"ok - {mutation.name}: caught by '{hit[0]}'{more} [{took:.0f} s]", flush=True)
            else:
                failed += 1
                print(f"not ok - {mutation.name}: SURVIVED (expected '{mutation.must_fail}' to fail; "
                      f"failing: {failing}) [{took:.0f} s]", flush=True)
    if not check_only:
        subprocess.run(["podman", "image", "rm", "--force",
                        *(f"localhost/hardline/{i}:mutant" for i in (PG_IMAGE, PHP_IMAGE)),
                        "localhost/hardline-test/mariadb:mutant"], capture_output=True)
        # The mutants' own layers have no tag and no child left: drop them (the layer cache of the
        # real images hangs off their tags and stays).
        subprocess.run(["podman", "image", "prune", "--force"], capture_output=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
