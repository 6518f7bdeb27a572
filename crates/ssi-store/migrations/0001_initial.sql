-- 0001_initial.sql: the first schema of the ssi store.
--
-- Shipped migrations are never edited: a change is a new numbered file.
-- Instants are UTC Unix seconds (INTEGER); calendar days are ISO text
-- ('YYYY-MM-DD', which sorts in date order).

-- Per-database settings, such as the 32-byte pseudonym key.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE teams (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    created INTEGER NOT NULL
);

CREATE TABLE members (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    industry TEXT,
    team_id  INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    created  INTEGER NOT NULL
);
CREATE INDEX members_team ON members (team_id);
CREATE INDEX members_industry ON members (industry COLLATE NOCASE);

-- API tokens of the team server: only the SHA-256 of the plaintext is kept.
CREATE TABLE api_tokens (
    id        INTEGER PRIMARY KEY,
    hash      BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    role      TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'member')),
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    team_id   INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    created   INTEGER NOT NULL,
    last_used INTEGER,
    revoked   INTEGER
);
CREATE INDEX api_tokens_member ON api_tokens (member_id);
CREATE INDEX api_tokens_team ON api_tokens (team_id);

-- One row per export imported; the fingerprint makes re-imports no-ops.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    imported_at  INTEGER NOT NULL,
    export_date  TEXT,
    source_name  TEXT NOT NULL,
    events_seen  INTEGER NOT NULL DEFAULT 0,
    events_added INTEGER NOT NULL DEFAULT 0,
    report       TEXT NOT NULL DEFAULT 'null',
    UNIQUE (member_id, fingerprint)
);

-- The member's own profile as of a day, as ProfileSnapshot JSON.
CREATE TABLE profile_snapshots (
    id        INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    taken_on  TEXT NOT NULL,
    profile   TEXT NOT NULL,
    UNIQUE (member_id, taken_on)
);

-- Activity events; the natural key makes overlapping imports idempotent.
CREATE TABLE events (
    id                  INTEGER PRIMARY KEY,
    member_id           INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    at                  INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (length(kind) > 0),
    counterpart         TEXT,
    conversation        TEXT,
    counterpart_title   TEXT,
    counterpart_company TEXT,
    personalised        INTEGER NOT NULL DEFAULT 0 CHECK (personalised IN (0, 1)),
    natural_key         TEXT NOT NULL CHECK (length(natural_key) > 0),
    UNIQUE (member_id, natural_key)
);
CREATE INDEX events_member_at ON events (member_id, at);

-- What LinkedIn itself said. Ranks and averages are copied out of the group
-- JSON (which is authoritative) so that SQL can query them.
CREATE TABLE official_readings (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date             TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('json', 'csv', 'manual', 'push')),
    total            REAL NOT NULL,
    brand            REAL,
    people           REAL,
    insights         REAL,
    relationships    REAL,
    industry_rank    INTEGER,
    industry_average REAL,
    network_rank     INTEGER,
    network_average  REAL,
    team_rank        INTEGER,
    team_average     REAL,
    groups           TEXT NOT NULL,
    UNIQUE (member_id, date, source)
);

-- Scoring models as ScoringModel JSON; exactly one is active.
CREATE TABLE scoring_models (
    version    TEXT PRIMARY KEY NOT NULL,
    definition TEXT NOT NULL,
    created    INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX scoring_models_one_active ON scoring_models (active) WHERE active = 1;

-- Materialised daily scores per model version. Rows pushed from a CLI carry
-- the version 'push:<version>', so model_version references no model row.
-- components: the metric values in model order, as a compact JSON array.
CREATE TABLE daily_scores (
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    date          TEXT NOT NULL,
    brand         REAL NOT NULL,
    people        REAL NOT NULL,
    insights      REAL NOT NULL,
    relationships REAL NOT NULL,
    total         REAL NOT NULL,
    components    TEXT NOT NULL,
    PRIMARY KEY (member_id, model_version, date)
);
