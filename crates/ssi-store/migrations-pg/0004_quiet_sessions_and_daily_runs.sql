-- 0004_quiet_sessions_and_daily_runs.sql: writing a session or a daily run's
-- claim no longer moves the data version.
--
-- Shipped migrations are never edited: a change is a new numbered file.
-- The data version (0002) tells every replica that its cached answers and
-- tokens may be stale. No cached answer is made from `sessions` or
-- `daily_runs`: a session is looked up afresh on every dashboard request
-- (joined with its token, whose revocation does move the version), and the
-- daily runs are only the job's own bookkeeping. With the triggers, every
-- sign-in, sign-out and daily claim emptied the caches of every replica.
DROP TRIGGER sessions_bumps_data_version ON sessions;
DROP TRIGGER daily_runs_bumps_data_version ON daily_runs;
