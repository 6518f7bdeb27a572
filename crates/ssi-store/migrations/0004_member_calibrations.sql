-- 0004_member_calibrations.sql: per-member calibration, and readings a user confirmed.
--
-- Calibration belongs to one member: it corrects that member's estimates
-- (under one model version) and no one else's. The row holds the
-- MemberCalibration JSON of ssi-core; `fingerprint` digests the model version
-- and the readings it was made from, so that a calibration of the same
-- readings is recognised as the same and a stale one as stale.
CREATE TABLE member_calibrations (
    member_id     INTEGER PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    calibration   TEXT NOT NULL,
    created       INTEGER NOT NULL
);

-- A reading the user confirmed is right, although it looked like a typo:
-- calibration then uses it. Changing the reading's figures clears it.
ALTER TABLE official_readings ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1));
