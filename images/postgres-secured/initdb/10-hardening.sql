-- hardline: run once by the official entrypoint when the data directory is first created
-- (/docker-entrypoint-initdb.d). Roles get nothing implicitly: grant CONNECT per database.
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
