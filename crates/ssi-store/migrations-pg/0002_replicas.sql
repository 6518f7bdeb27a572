-- 0002_replicas.sql: what several ssi-server replicas on one database share.
--
-- Shipped migrations are never edited: a change is a new numbered file.
-- None of these tables exists in SQLite: a single-node server keeps sessions,
-- upload jobs and its daily run in its one process.

-- The database's data version: one row, bumped once by every transaction that
-- writes to any table below or in 0001 (statement triggers, so no write path
-- can forget it). A replica keeps its answer and token caches under the
-- version it read, and reads the version again on each request: one
-- primary-key read, and an answer is never older than the database. LISTEN /
-- NOTIFY was not chosen: a notification arrives after the commit, so another
-- replica could still answer from its cache in between, and a listening
-- connection that drops loses notifications without a trace. The row is
-- updated in the writing transaction and so becomes visible exactly with its
-- data (a sequence would not: nextval is not rolled back and is seen before
-- the commit). The cost: writing transactions queue on this row from their
-- first write to their commit, as SQLite's writers queue on its one lock.
CREATE TABLE data_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);
INSERT INTO data_version (id, version) VALUES (true, 0);

-- Once per transaction: the flag is a transaction-local setting
-- (set_config(…, true)), gone at commit or rollback.
CREATE FUNCTION ssi_bump_data_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ssi.data_version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version SET version = version + 1;
        PERFORM set_config('ssi.data_version_bumped', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

-- Dashboard sessions (the SQLite server keeps them in memory): looked up by
-- the SHA-256 of the cookie's session id, never the id itself. A revoked or
-- deleted token ends its sessions on every replica.
CREATE TABLE sessions (
    id_hash  bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    token_id bigint NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    created  timestamptz NOT NULL,
    expires  timestamptz NOT NULL
);
CREATE INDEX sessions_token ON sessions (token_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- Uploaded exports waiting to be imported, claimed by any replica with
-- SELECT … FOR UPDATE SKIP LOCKED. Ids come from an identity sequence, which
-- never hands out an id twice. payload is cleared once the job is finished;
-- a job whose claimer stopped answering (claimed_at too old) is claimed
-- again, and the import's own transaction makes a retry all-or-nothing.
CREATE TABLE upload_jobs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    source_name text NOT NULL,
    bytes       bigint NOT NULL CHECK (bytes >= 0),
    payload     bytea,
    state       text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    stage       text NOT NULL DEFAULT '',
    claimed_by  text,
    claimed_at  timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created     timestamptz NOT NULL,
    finished    timestamptz,
    result      jsonb,
    error       text,
    CHECK (state <> 'running' OR (claimed_by IS NOT NULL AND claimed_at IS NOT NULL))
);
CREATE INDEX upload_jobs_unfinished ON upload_jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX upload_jobs_member ON upload_jobs (member_id);

-- The daily job's runs: one row per UTC day, inserted by the replica that
-- runs it (INSERT … ON CONFLICT DO NOTHING: the one that inserted runs).
CREATE TABLE daily_runs (
    day        date PRIMARY KEY,
    claimed_by text NOT NULL,
    claimed_at timestamptz NOT NULL,
    finished   timestamptz,
    rows       bigint
);

-- Every table but data_version (and the migration runner's own
-- schema_migrations) bumps the data version.
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY[
        'settings', 'teams', 'members', 'api_tokens', 'imports', 'profile_snapshots', 'events',
        'official_readings', 'scoring_models', 'daily_scores', 'member_calibrations',
        'sessions', 'upload_jobs', 'daily_runs'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION ssi_bump_data_version()',
            name || '_bumps_data_version', name);
    END LOOP;
END
$$;
