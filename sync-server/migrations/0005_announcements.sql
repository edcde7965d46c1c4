-- Documents another process (an import) stored while a SQLite server runs: the server
-- polls this table and takes them in. PostgreSQL servers hear NOTIFY instead.
CREATE TABLE announcements (
    id        BIGINT PRIMARY KEY,
    documents TEXT NOT NULL,
    at        BIGINT NOT NULL
);
