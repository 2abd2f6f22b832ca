#!/bin/bash
# hardline: php-mysql-secured HEALTHCHECK (/usr/local/bin/healthcheck). The image has no curl:
# bash's /dev/tcp sends one request to /healthz.php (which touches no database) and the check
# passes only on a 200 status line. The HEALTHCHECK --timeout bounds a hung server.
set -euo pipefail
exec 3<>/dev/tcp/127.0.0.1/8080
printf 'GET /healthz.php HTTP/1.0\r\nHost: localhost\r\nUser-Agent: healthcheck\r\n\r\n' >&3
IFS= read -r status <&3
[[ $status =~ ^HTTP/1\.[01]\ 200\  ]]
