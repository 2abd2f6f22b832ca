<?php
// Test cases of php-app.yml: `ruleid:` marks a line each rule must flag, `ok:` one it must not.
// semgrep --test security/semgrep. Not part of any image.
declare(strict_types=1);

function sql_cases(PDO $db, mysqli $link): void
{
    $id = $_GET['id'];
    // ruleid: php-sql-built-by-concatenation
    $db->query('SELECT body FROM notes WHERE id = ' . $id);
    // ruleid: php-sql-built-by-concatenation
    $db->exec("DELETE FROM notes WHERE author = '$id'");
    // ruleid: php-sql-built-by-concatenation
    $db->prepare(sprintf('SELECT * FROM notes ORDER BY %s', $_GET['order']));
    // ruleid: php-sql-built-by-concatenation
    mysqli_query($link, "SELECT * FROM notes WHERE id = " . $id);
    $sql = 'SELECT body FROM notes WHERE author = ' . $id;
    // ruleid: php-sql-built-by-concatenation
    $db->query($sql);

    // ok: php-sql-built-by-concatenation
    $stmt = $db->prepare('SELECT body FROM notes WHERE id = :id');
    $stmt->execute([':id' => $id]);
    // ok: php-sql-built-by-concatenation
    $db->query('SELECT author, body FROM notes ORDER BY id DESC LIMIT 50');
}

function echo_cases(): void
{
    // ruleid: php-echo-of-request-data
    echo $_GET['q'];
    $name = $_POST['author'] ?? '';
    // ruleid: php-echo-of-request-data
    echo '<p>Hello ' . $name . '</p>';
    // ruleid: php-echo-of-request-data
    printf('<a href="%s">back</a>', $_SERVER['HTTP_REFERER']);
    // ruleid: php-echo-of-request-data
    exit($_GET['message']);

    // ok: php-echo-of-request-data
    echo e($name);
    // ok: php-echo-of-request-data
    echo htmlspecialchars($_GET['q'], ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    // ok: php-echo-of-request-data
    echo (int) $_GET['page'];
    // ok: php-echo-of-request-data
    exit('Invalid or missing CSRF token.');
}

function command_cases(PDOStatement $stmt): void
{
    // ruleid: php-command-execution
    exec('convert ' . $_GET['file'] . ' out.png');
    // ruleid: php-command-execution
    $out = shell_exec('ls /tmp');
    // ruleid: php-command-execution
    system('id');
    // ruleid: php-command-execution
    $proc = proc_open(['tar', 'xf', 'a.tar'], [], $pipes);

    // ok: php-command-execution
    $stmt->execute([':id' => 1]);
    // ok: php-command-execution
    preg_match('/^exec$/', 'exec');
}

function unserialize_cases(): void
{
    // ruleid: php-unserialize-of-input
    $prefs = unserialize($_COOKIE['prefs']);
    $raw = file_get_contents('php://input');
    // ruleid: php-unserialize-of-input
    $body = unserialize($raw);

    // ok: php-unserialize-of-input
    $prefs = json_decode($_COOKIE['prefs'] ?? '{}', true, 4, JSON_THROW_ON_ERROR);
    // ok: php-unserialize-of-input
    $cached = unserialize($_COOKIE['prefs'], ['allowed_classes' => false]);
    // ok: php-unserialize-of-input
    $state = unserialize(file_get_contents('/var/lib/app/state.bin'));
}

function tls_cases(string $dsn, string $user, string $password): void
{
    $ch = curl_init('https://api.example.com/');
    // ruleid: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
    // ruleid: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYHOST, 0);
    // ruleid: php-tls-verification-disabled
    $context = stream_context_create(['ssl' => ['verify_peer' => false, 'cafile' => '/etc/ca.pem']]);
    $db = new PDO($dsn, $user, $password, [
        PDO::MYSQL_ATTR_SSL_CA => '/run/secrets/db-ca.pem',
        // ruleid: php-tls-verification-disabled
        PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false,
    ]);
    $link = mysqli_init();
    // ruleid: php-tls-verification-disabled
    $link->real_connect('db', $user, $password, 'notes', 3306, null, MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT);

    // ok: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, true);
    // ok: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYHOST, 2);
    // ok: php-tls-verification-disabled
    $context = stream_context_create(['ssl' => ['verify_peer' => true, 'cafile' => '/etc/ca.pem']]);
    $db = new PDO($dsn, $user, $password, [
        PDO::MYSQL_ATTR_SSL_CA => '/run/secrets/db-ca.pem',
        // ok: php-tls-verification-disabled
        PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => true,
    ]);
}
