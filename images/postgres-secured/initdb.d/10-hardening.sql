-- hardline: run once by the entrypoint when the data directory is first created
-- (/etc/postgresql/initdb.d/*.sql, in order, stopping at the first error).
-- Roles get nothing implicitly: grant CONNECT per database, CREATE per schema.
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
