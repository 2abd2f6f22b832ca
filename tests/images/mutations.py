#!/usr/bin/env python3
"""hardline: proves that tests/images/run.sh fails when a control is removed (mutation check).

For each mutation below: copy images/ and tests/images/ to a temp tree, weaken ONE control in
the copy, run the copy's run.sh, and require that at least one named check turns `not ok`.
A mutation that leaves every check green is reported as SURVIVED (the test would not catch it).

Usage (root, Debian 12, after run.sh has installed its packages; ~4 minutes):
    python3 tests/images/mutations.py [FILTER]
Not part of run.sh (it starts every server once per mutation); run it when a control changes.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG = "images/postgres-secured"
PHP = "images/php-mysql-secured"

# (name, file, old text, new text, a check that must then fail)
MUTATIONS = [
    ("hba: no hostnossl reject", f"{PG}/pg_hba.conf",
     "hostnossl  all       all       0.0.0.0/0    reject\n", "", "non-TLS TCP connection is rejected"),
    ("hba: plain TCP accepted", f"{PG}/pg_hba.conf",
     "hostnossl  all       all       0.0.0.0/0    reject", "hostnossl  all       all       0.0.0.0/0    scram-sha-256",
     "non-TLS TCP connection is rejected"),
    ("hba: remote superuser allowed", f"{PG}/pg_hba.conf",
     "hostssl    all       postgres  0.0.0.0/0    reject\n", "", "superuser over TCP+TLS is rejected"),
    ("hba: md5 instead of scram", f"{PG}/pg_hba.conf",
     "0.0.0.0/0    scram-sha-256", "0.0.0.0/0    md5", "MD5-hashed password cannot log in"),
    ("hba: local trust", f"{PG}/pg_hba.conf",
     "local      all       all                    scram-sha-256", "local      all       all                    trust",
     "Unix socket without a password is refused"),
    ("conf: password_encryption md5", f"{PG}/postgresql.conf",
     "password_encryption = scram-sha-256", "password_encryption = md5", "SHOW password_encryption"),
    ("conf: ssl off", f"{PG}/postgresql.conf", "ssl = on", "ssl = off", "TLS 1.3 connection with SCRAM"),
    ("conf: TLS 1.0 allowed", f"{PG}/postgresql.conf",
     "ssl_min_protocol_version = 'TLSv1.2'", "ssl_min_protocol_version = 'TLSv1'", "SHOW ssl_min_protocol_version"),
    ("conf: no log_connections", f"{PG}/postgresql.conf", "log_connections = on", "log_connections = off",
     "log_connections logs received connections"),
    ("conf: no log_disconnections", f"{PG}/postgresql.conf", "log_disconnections = on", "log_disconnections = off",
     "log_disconnections logs session end"),
    ("conf: log_statement none", f"{PG}/postgresql.conf", "log_statement = 'ddl'", "log_statement = 'none'",
     "log_statement=ddl logs CREATE TABLE"),
    ("conf: short log_line_prefix", f"{PG}/postgresql.conf",
     "log_line_prefix = '%m [%p] db=%d user=%u app=%a client=%h '", "log_line_prefix = '%m '",
     "log_line_prefix writes db, user, app and client"),
    ("conf: socket 0777", f"{PG}/postgresql.conf", "unix_socket_permissions = 0700", "unix_socket_permissions = 0777",
     "another OS user cannot use the 0700 socket"),
    ("pgaudit: not loaded", f"{PG}/conf.d/pgaudit.conf", "shared_preload_libraries = 'pgaudit'", "",
     "pgaudit writes a SESSION audit record"),
    ("initdb: trust for local", f"{PG}/Dockerfile", "--auth-local=scram-sha-256 ", "",
     "initdb wrote no trust line"),
    ("initdb sql: no revoke", f"{PG}/initdb/10-hardening.sql",
     "REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;", "", "no CONNECT to postgres for ungranted roles"),
    ("php: expose_php On", f"{PHP}/php/zz-hardening.ini", "expose_php = Off", "expose_php = On", "ini expose_php"),
    ("php: display_errors On", f"{PHP}/php/zz-hardening.ini", "display_errors = Off", "display_errors = On",
     "no warning text in the response"),
    ("php: log_errors Off", f"{PHP}/php/zz-hardening.ini", "log_errors = On", "log_errors = Off",
     "warning went to the error log"),
    ("php: no disable_functions", f"{PHP}/php/zz-hardening.ini", "disable_functions = exec,", "disable_functions = ",
     "exec() is undefined"),
    ("php: no open_basedir", f"{PHP}/php/zz-hardening.ini", "open_basedir = /var/www:", "; open_basedir = /var/www:",
     "/etc/passwd is unreadable"),
    ("php: allow_url_fopen On", f"{PHP}/php/zz-hardening.ini", "allow_url_fopen = Off", "allow_url_fopen = On",
     "ini allow_url_fopen"),
    ("php: local infile On", f"{PHP}/php/zz-hardening.ini", "mysqli.allow_local_infile = Off",
     "mysqli.allow_local_infile = On", "ini mysqli.allow_local_infile"),
    ("php: cookie not Secure", f"{PHP}/php/zz-hardening.ini", "session.cookie_secure = 1", "session.cookie_secure = 0",
     "session cookie has Secure"),
    ("php: cookie not HttpOnly", f"{PHP}/php/zz-hardening.ini", "session.cookie_httponly = 1",
     "session.cookie_httponly = 0", "session cookie has HttpOnly"),
    ("php: SameSite Lax", f"{PHP}/php/zz-hardening.ini", "session.cookie_samesite = Strict",
     "session.cookie_samesite = Lax", "SameSite=Strict"),
    ("php: no strict sessions", f"{PHP}/php/zz-hardening.ini", "session.use_strict_mode = 1",
     "session.use_strict_mode = 0", "forged session id is replaced"),
    ("apache: ServerTokens Full", f"{PHP}/apache/hardening.conf", "ServerTokens Prod", "ServerTokens Full",
     "Server header is exactly"),
    ("apache: ServerSignature On", f"{PHP}/apache/hardening.conf", "ServerSignature Off", "ServerSignature On",
     "error pages carry no server signature"),
    ("apache: TRACE on", f"{PHP}/apache/hardening.conf", "TraceEnable Off", "TraceEnable On", "TRACE is 405"),
    ("apache: no AllowMethods", f"{PHP}/apache/site.conf", "AllowMethods GET POST HEAD", "", "PUT is 405"),
    ("apache: dotfiles served", f"{PHP}/apache/hardening.conf", '<FilesMatch "^\\.">\n    Require all denied',
     '<FilesMatch "^\\.">\n    Require all granted', "/.env is 403"),
    ("apache: listings on", f"{PHP}/apache/site.conf", "Options -Indexes", "Options +Indexes",
     "directory listing is refused"),
    ("apache: no CSP", f"{PHP}/apache/hardening.conf", "Header always set Content-Security-Policy", "#",
     "Content-Security-Policy with frame-ancestors"),
    ("apache: no nosniff", f"{PHP}/apache/hardening.conf", 'Header always set X-Content-Type-Options "nosniff"', "",
     "X-Content-Type-Options nosniff"),
    ("apache: no X-Frame-Options", f"{PHP}/apache/hardening.conf", 'Header always set X-Frame-Options "DENY"', "",
     "X-Frame-Options DENY"),
    ("apache: no Referrer-Policy", f"{PHP}/apache/hardening.conf", 'Header always set Referrer-Policy "no-referrer"',
     "", "Referrer-Policy no-referrer"),
    ("apache: no Permissions-Policy", f"{PHP}/apache/hardening.conf", "Header always set Permissions-Policy", "#",
     "Permissions-Policy denies"),
    ("app: no escaping", f"{PHP}/app/src/bootstrap.php",
     "return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');", "return $text;",
     "read back HTML-escaped"),
    ("app: CSRF not checked", f"{PHP}/app/src/bootstrap.php", "return is_string($submitted)", "return true || is_string($submitted)",
     "POST without CSRF token is 403"),
    ("app: no cert verification", f"{PHP}/app/src/bootstrap.php", "PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => true",
     "PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false", "refuses a server certificate from another CA"),
    ("app: no TLS to the DB", f"{PHP}/app/src/bootstrap.php",
     "PDO::MYSQL_ATTR_SSL_CA => env_or('DB_SSL_CA', '/run/secrets/db-ca.pem'),", "", "GET / is 200"),
    ("app: SQL by concatenation", f"{PHP}/app/public/index.php",
     "$stmt = db()->prepare('INSERT INTO notes (author, body) VALUES (:author, :body)');\n            $stmt->execute([':author' => $author, ':body' => $body]);",
     "db()->exec(\"INSERT INTO notes (author, body) VALUES ('$author', '$body')\");",
     "POST with the CSRF token is 303"),
    ("image: runs as root", f"{PHP}/Dockerfile", "USER 33:33", "USER root", "final USER is numeric"),
    ("image: no setuid strip", f"{PG}/Dockerfile", "find / -xdev -perm /6000 -type f -exec chmod a-s {} +;", "",
     "setuid/setgid bits are removed"),
    ("image: unpinned base", f"{PG}/Dockerfile", "postgres:18.1-trixie@sha256:", "postgres:18.1-trixie@sha256:00",
     "every FROM is pinned"),
]


def main() -> int:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    survived = killed = 0
    for name, rel, old, new, must_fail in MUTATIONS:
        if only and only not in name:
            continue
        with tempfile.TemporaryDirectory(prefix="hardline-mut.") as tmp:
            root = Path(tmp)
            shutil.copytree(REPO / "images", root / "images")
            shutil.copytree(REPO / "tests/images", root / "tests/images")
            target = root / rel
            text = target.read_text(encoding="utf-8")
            if old not in text:
                print(f"not ok - {name}: mutation no longer applies (text not found in {rel})")
                survived += 1
                continue
            target.write_text(text.replace(old, new, 1), encoding="utf-8")
            proc = subprocess.run(["bash", str(root / "tests/images/run.sh")], capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL, timeout=600)
            failing = [ln[len("not ok - "):] for ln in proc.stdout.splitlines() if ln.startswith("not ok - ")]
            hit = [f for f in failing if must_fail in f]
            if proc.returncode != 0 and hit:
                killed += 1
                print(f"ok - {name}: caught by '{hit[0]}'" + (f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""))
            else:
                survived += 1
                print(f"not ok - {name}: SURVIVED (expected '{must_fail}' to fail; failing: {failing})")
    print(f"{killed} passed, {survived} failed")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
