<?php
// hardline: liveness probe for HEALTHCHECK. Touches no database and reveals nothing.
declare(strict_types=1);
header('Content-Type: text/plain; charset=utf-8');
header('Cache-Control: no-store');
echo "ok\n";
