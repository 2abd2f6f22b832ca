#!/bin/bash
# hardline test fixture: initialise the data directory on first start (root only through the
# Unix socket), then run MariaDB with TLS required on TCP.
set -euo pipefail
if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --datadir=/var/lib/mysql --auth-root-authentication-method=socket \
        --skip-test-db >/dev/null
fi
exec mariadbd --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock --port=3306 \
    --bind-address=0.0.0.0 --skip-name-resolve --skip-log-bin \
    --ssl-ca=/etc/mysql/tls/ca.crt --ssl-cert=/etc/mysql/tls/server.crt --ssl-key=/etc/mysql/tls/server.key \
    --require-secure-transport=ON
