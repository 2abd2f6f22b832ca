-- hardline: run once by the entrypoint when the data directory is first created
-- (/etc/postgresql/initdb.d/*.sql, in order, stopping at the first error).
-- Roles get nothing implicitly: grant CONNECT per database. (CREATE on schema public is already
-- withheld from PUBLIC by PostgreSQL itself since version 15, so it needs no line here.)
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;
