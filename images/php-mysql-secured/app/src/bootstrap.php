<?php
// hardline: php-mysql-secured — shared code of the notes app. Lives outside the document root.
declare(strict_types=1);

/** Reads a secret from the file named by the environment variable NAME_FILE. */
function secret_from_file(string $name): string
{
    $path = getenv($name . '_FILE');
    if ($path === false || $path === '') {
        throw new RuntimeException("$name" . '_FILE is not set');
    }
    $value = @file_get_contents($path);
    if ($value === false) {
        throw new RuntimeException("$name" . '_FILE cannot be read');
    }
    return rtrim($value, "\r\n");
}

function env_or(string $name, string $default): string
{
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
}

/**
 * Opens the database connection: TLS only, the server certificate verified against DB_SSL_CA
 * (never disabled), real prepared statements, no LOAD DATA LOCAL, no multi-statements.
 */
function db(): PDO
{
    $dsn = sprintf(
        'mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4',
        env_or('DB_HOST', 'db'),
        (int) env_or('DB_PORT', '3306'),
        env_or('DB_NAME', 'notes')
    );
    return new PDO($dsn, secret_from_file('DB_USER'), secret_from_file('DB_PASSWORD'), [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        PDO::ATTR_EMULATE_PREPARES => false,
        PDO::MYSQL_ATTR_SSL_CA => env_or('DB_SSL_CA', '/run/secrets/db-ca.pem'),
        PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => true,
        PDO::MYSQL_ATTR_LOCAL_INFILE => false,
        PDO::MYSQL_ATTR_MULTI_STATEMENTS => false,
    ]);
}

function e(string $text): string
{
    return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

function csrf_token(): string
{
    if (!isset($_SESSION['csrf']) || !is_string($_SESSION['csrf'])) {
        $_SESSION['csrf'] = bin2hex(random_bytes(32));
    }
    return $_SESSION['csrf'];
}

function csrf_valid(mixed $submitted): bool
{
    return is_string($submitted)
        && isset($_SESSION['csrf'])
        && is_string($_SESSION['csrf'])
        && hash_equals($_SESSION['csrf'], $submitted);
}
