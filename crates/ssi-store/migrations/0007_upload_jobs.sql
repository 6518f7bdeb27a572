-- 0007_upload_jobs.sql: uploaded exports waiting to be imported, as durable jobs.
--
-- The same table as PostgreSQL's (migrations-pg/0002_replicas.sql), so one code path
-- serves both backends: a job is enqueued with its uploaded ZIP in `payload`, claimed
-- by a worker (state 'running', claimed_by, claimed_at, attempts + 1), and finished
-- ('succeeded' with the result JSON, or 'failed' with the member-facing message),
-- which clears the payload. A job whose claimer stopped renewing claimed_at is
-- claimed again; the import's own transaction makes the retry all-or-nothing.
-- AUTOINCREMENT: an id is never handed out twice, even after the newest job is
-- deleted (with its member), so an old Location never names a new job.
-- Instants are Unix seconds; result is JSON text.
CREATE TABLE upload_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    source_name TEXT NOT NULL,
    bytes       INTEGER NOT NULL CHECK (bytes >= 0),
    payload     BLOB,
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    stage       TEXT NOT NULL DEFAULT '',
    claimed_by  TEXT,
    claimed_at  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created     INTEGER NOT NULL,
    finished    INTEGER,
    result      TEXT,
    error       TEXT,
    CHECK (state <> 'running' OR (claimed_by IS NOT NULL AND claimed_at IS NOT NULL))
);
CREATE INDEX upload_jobs_unfinished ON upload_jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX upload_jobs_member ON upload_jobs (member_id);
