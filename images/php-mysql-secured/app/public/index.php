<?php
// hardline: php-mysql-secured — a small notes page. Reads and writes the `notes` table.
declare(strict_types=1);

require __DIR__ . '/../src/bootstrap.php';

session_start();
$error = null;

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    if (!csrf_valid($_POST['csrf'] ?? null)) {
        http_response_code(403);
        exit('Invalid or missing CSRF token.');
    }
    $author = trim((string) ($_POST['author'] ?? ''));
    $body = trim((string) ($_POST['body'] ?? ''));
    // 1-64 and 1-500 characters of valid UTF-8 (the /u modifier rejects malformed input).
    if (preg_match('/^.{1,64}$/us', $author) !== 1 || preg_match('/^.{1,500}$/us', $body) !== 1) {
        http_response_code(422);
        $error = 'A name (up to 64 characters) and a note (up to 500) are required.';
    } else {
        try {
            $stmt = db()->prepare('INSERT INTO notes (author, body) VALUES (:author, :body)');
            $stmt->execute([':author' => $author, ':body' => $body]);
            // Rotate the token after a successful write; redirect so a reload does not re-post.
            unset($_SESSION['csrf']);
            header('Location: /', true, 303);
            exit;
        } catch (RuntimeException $ex) { // PDOException, or a secret file that cannot be read
            error_log('notes: insert failed: ' . $ex->getMessage());
            http_response_code(503);
            $error = 'The note could not be saved.';
        }
    }
}

$notes = [];
try {
    $notes = db()->query('SELECT author, body, created_at FROM notes ORDER BY id DESC LIMIT 50')->fetchAll();
} catch (RuntimeException $ex) { // PDOException, or a secret file that cannot be read
    error_log('notes: read failed: ' . $ex->getMessage());
    http_response_code(503);
    $error ??= 'The notes are unavailable.';
}
$token = csrf_token();
?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Notes</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1>Notes</h1>
<?php if ($error !== null): ?>
<p class="error"><?= e($error) ?></p>
<?php endif; ?>
<form method="post" action="/">
  <input type="hidden" name="csrf" value="<?= e($token) ?>">
  <label>Name <input name="author" maxlength="64" required></label>
  <label>Note <textarea name="body" maxlength="500" required></textarea></label>
  <button type="submit">Add</button>
</form>
<ul class="notes">
<?php foreach ($notes as $note): ?>
  <li><strong><?= e((string) $note['author']) ?></strong> <time><?= e((string) $note['created_at']) ?></time><p><?= e((string) $note['body']) ?></p></li>
<?php endforeach; ?>
</ul>
</body>
</html>
