-- 0005_creator_analytics.sql: what LinkedIn's creator analytics workbook says per day and per post.
--
-- The workbook's engagements and new followers are scored as events (one per
-- engagement or follower, plus one marker per reported day; see
-- ssi_core::analytics), so these tables only keep what is shown: the daily
-- figures with impressions, the follower total on its date, and each post's
-- engagements and impressions by activity id (the id joins a post to the data
-- export's Shares.csv row). Overlapping workbooks merge: a figure reported
-- twice keeps the larger value. Imports of workbooks are recorded in `imports`
-- (export_date NULL, report.kind = "creator_analytics").
CREATE TABLE analytics_days (
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date          TEXT NOT NULL,
    impressions   INTEGER CHECK (impressions >= 0),
    engagements   INTEGER CHECK (engagements >= 0),
    new_followers INTEGER CHECK (new_followers >= 0),
    PRIMARY KEY (member_id, date)
) WITHOUT ROWID;

CREATE TABLE follower_totals (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    followers INTEGER NOT NULL CHECK (followers >= 0),
    PRIMARY KEY (member_id, date)
) WITHOUT ROWID;

CREATE TABLE post_analytics (
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL CHECK (length(activity_id) > 0),
    published   TEXT,
    engagements INTEGER CHECK (engagements >= 0),
    impressions INTEGER CHECK (impressions >= 0),
    PRIMARY KEY (member_id, activity_id)
) WITHOUT ROWID;
