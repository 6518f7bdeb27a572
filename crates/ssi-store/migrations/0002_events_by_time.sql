-- 0002_events_by_time.sql: events kept in (member, time) order, in one B-tree.
--
-- Version 1 kept events in a rowid table with two indexes, the unique
-- (member_id, natural_key) and (member_id, at): every imported event went
-- into three B-trees, the natural-key one at random places (the keys are
-- keyed hashes), so a big import made SQLite's page cache spill and write
-- the same pages to the WAL again and again (cargo xtask bench, row 1).
--
-- Version 2 keeps the events themselves ordered by (member_id, at, key),
-- which is also the order every reader wants. `key` is the first 64 bits of
-- the natural key (ssi_event_key: the importer's keys are hex digests, whose
-- first 16 digits are taken; any other key is hashed with SHA-256). Every
-- natural key of the importer covers the event's time, so (member, time,
-- key) identifies an event as (member, natural key) did; two events share
-- it only if their 64-bit keys collide within the same second.
--
-- Pseudonym keys (counterpart, conversation) that are 32 lowercase hex
-- digits, as every key the importer makes is, are kept as their 16 bytes
-- (ssi_pseudonym); any other key stays text. Most rows carry two keys, and
-- this takes a third off the size of a row.

CREATE TABLE events_v2 (
    member_id           INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    at                  INTEGER NOT NULL,
    key                 INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (length(kind) > 0),
    counterpart,        -- 16-byte BLOB or TEXT, see above
    conversation,       -- 16-byte BLOB or TEXT
    counterpart_title   TEXT,
    counterpart_company TEXT,
    personalised        INTEGER NOT NULL DEFAULT 0 CHECK (personalised IN (0, 1)),
    PRIMARY KEY (member_id, at, key)
) WITHOUT ROWID;

INSERT OR IGNORE INTO events_v2 (member_id, at, key, kind, counterpart, conversation,
                                 counterpart_title, counterpart_company, personalised)
SELECT member_id, at, ssi_event_key(natural_key), kind, ssi_pseudonym(counterpart),
       ssi_pseudonym(conversation), counterpart_title, counterpart_company, personalised
FROM events
ORDER BY member_id, at, id;

DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
