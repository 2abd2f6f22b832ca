-- hardline: schema of the notes app. Applied by the database operator, not by the app:
-- the app's account can only read and append notes.
CREATE TABLE IF NOT EXISTS notes (
    id         INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    author     VARCHAR(64)  NOT NULL,
    body       VARCHAR(500) NOT NULL,
    created_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Example account (replace the host pattern and set the password out of band):
--   CREATE USER 'notes'@'%' IDENTIFIED BY '...' REQUIRE SSL;
--   GRANT SELECT, INSERT ON notes.notes TO 'notes'@'%';
