-- 0003_creator_analytics.sql: SQLite's migration 0005 on PostgreSQL, what LinkedIn's creator analytics workbook says per day and per post.
--
-- Shipped migrations are never edited: a change is a new numbered file.
-- The same tables and columns as SQLite's 0005 (see that file for what they
-- keep and how a workbook merges into them), with PostgreSQL's types: days
-- are date, counts bigint. Each bumps the data version like every other table.
CREATE TABLE analytics_days (
    member_id     bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date          date NOT NULL,
    impressions   bigint CHECK (impressions >= 0),
    engagements   bigint CHECK (engagements >= 0),
    new_followers bigint CHECK (new_followers >= 0),
    PRIMARY KEY (member_id, date)
);

CREATE TABLE follower_totals (
    member_id bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    date      date NOT NULL,
    followers bigint NOT NULL CHECK (followers >= 0),
    PRIMARY KEY (member_id, date)
);

CREATE TABLE post_analytics (
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    activity_id text NOT NULL CHECK (length(activity_id) > 0),
    published   date,
    engagements bigint CHECK (engagements >= 0),
    impressions bigint CHECK (impressions >= 0),
    PRIMARY KEY (member_id, activity_id)
);

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['analytics_days', 'follower_totals', 'post_analytics'] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION ssi_bump_data_version()',
            name || '_bumps_data_version', name);
    END LOOP;
END
$$;
