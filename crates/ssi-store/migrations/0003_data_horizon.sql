-- 0003_data_horizon.sql: each member's data horizon, and no score past it.
--
-- A member's horizon is the last day their data covers: the export's date
-- for an import, the last pushed day for scores pushed from a CLI. Days
-- after it are unknown, not days of inactivity, so no score is stored for
-- them. Version 2 scored every member up to the clock's today, which made
-- every estimate decay after the export's date; this migration records the
-- horizon, corrects horizons taken from re-zipped archives' entry times, and
-- deletes the scores past it.

ALTER TABLE members ADD COLUMN horizon TEXT;
ALTER TABLE members ADD COLUMN horizon_source TEXT
    CHECK (horizon_source IN ('file_name', 'newest_row', 'entry_times', 'pushed_scores', 'stored_activity'));
ALTER TABLE imports ADD COLUMN horizon_source TEXT
    CHECK (horizon_source IN ('file_name', 'newest_row', 'entry_times', 'pushed_scores', 'stored_activity'));

-- Where version 2 took an import's date from: the export's name, else the
-- archive entries' modification dates (noted in the stored report), else the
-- latest event.
UPDATE imports SET horizon_source = CASE
    WHEN source_name LIKE '%LinkedInDataExport\___-__-____%' ESCAPE '\' THEN 'file_name'
    WHEN report LIKE '%from the archive entries'' modification dates%' THEN 'entry_times'
    ELSE 'newest_row'
END
WHERE export_date IS NOT NULL;

-- Entry times more than 14 days after the member's newest event came from
-- an archive re-zipped later (ssi_core::freshness::ENTRY_TIMES_AGREE_WITHIN_DAYS):
-- a fresh import takes the newest row instead.
UPDATE imports SET
    export_date = (SELECT date(max(e.at), 'unixepoch') FROM events AS e WHERE e.member_id = imports.member_id),
    horizon_source = 'newest_row'
WHERE horizon_source = 'entry_times'
  AND export_date > (SELECT date(max(e.at), 'unixepoch', '+14 days') FROM events AS e
                     WHERE e.member_id = imports.member_id);

-- The member's horizon: the latest of the imports' dates, the last pushed
-- day and the newest stored event or profile day; on a tie the import's
-- source is named first (the same rule as ssi-store's refresh_horizon).
UPDATE members SET (horizon, horizon_source) = (
    SELECT day, source FROM (
        SELECT i.export_date AS day, 0 AS rank, i.horizon_source AS source
          FROM imports AS i WHERE i.member_id = members.id AND i.export_date IS NOT NULL
        UNION ALL
        SELECT max(d.date), 1, 'pushed_scores' FROM daily_scores AS d
         WHERE d.member_id = members.id AND d.model_version > 'push:' AND d.model_version < 'push;'
        UNION ALL
        SELECT date(max(e.at), 'unixepoch'), 2, 'stored_activity' FROM events AS e
         WHERE e.member_id = members.id
        UNION ALL
        SELECT max(p.taken_on), 2, 'stored_activity' FROM profile_snapshots AS p
         WHERE p.member_id = members.id
    ) WHERE day IS NOT NULL ORDER BY day DESC, rank LIMIT 1
);

-- No estimate past the horizon (pushed rows end at it by definition).
DELETE FROM daily_scores
WHERE NOT (model_version > 'push:' AND model_version < 'push;')
  AND date > coalesce((SELECT m.horizon FROM members AS m WHERE m.id = daily_scores.member_id), '0000-00-00');
