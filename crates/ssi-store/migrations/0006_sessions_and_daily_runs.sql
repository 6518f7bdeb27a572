-- 0006_sessions_and_daily_runs.sql: dashboard sessions and the daily job's runs,
-- kept in the database instead of the server's memory.
--
-- Shipped migrations are never edited: a change is a new numbered file.
-- The same tables as PostgreSQL's 0002 (sessions, daily_runs), so that one code
-- path serves both backends: a session outlives a restart of the server, and
-- the daily job claims its day here before it runs (once per day, however many
-- processes serve the database).

-- Dashboard sessions: looked up by the SHA-256 of the cookie's session id,
-- never the id itself. A session is live while it has not expired and its
-- token is not revoked (the lookup joins the token); deleting the token
-- deletes its sessions.
CREATE TABLE sessions (
    id_hash  BLOB NOT NULL PRIMARY KEY CHECK (length(id_hash) = 32),
    token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    created  INTEGER NOT NULL,
    expires  INTEGER NOT NULL
);
CREATE INDEX sessions_token ON sessions (token_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- The daily job's runs: one row per UTC day ('YYYY-MM-DD'), inserted by the
-- process that runs it (INSERT … ON CONFLICT: the one that inserted runs);
-- `finished` and `rows` are set when it is done. An unfinished claim older
-- than the server's bound is taken over by the next run.
CREATE TABLE daily_runs (
    day        TEXT NOT NULL PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    finished   INTEGER,
    rows       INTEGER
);
