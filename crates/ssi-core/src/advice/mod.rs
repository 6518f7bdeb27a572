//! Advice: what to do next, what a plan would bring, how well the model fits LinkedIn, what moves what, what goes wrong.
//!
//! Every capability is one entry function over plain data, with
//! serde-serialisable inputs and results, so that the command line and the
//! server can expose it as is:
//!
//! | capability | entry function | result |
//! |---|---|---|
//! | next best actions | [`next_best_actions`] | [`Advice`] |
//! | what-if plans | [`project_plan`] | [`Projection`] |
//! | calibration against official readings | [`calibrate()`] | [`MemberCalibration`] |
//! | activity impact (association) | [`activity_impact`] | [`ImpactReport`] |
//! | mistake warnings | [`mistakes()`] | [`Warning`]s |
//! | alerts | [`check`] | [`Alert`] |
//!
//! Next best actions and plans simulate the future: they add synthetic events
//! after `today` to the member's history and score them with the same engine
//! ([`crate::engine::metric_series`]) that scores the past, so that advice and
//! score can never disagree. `docs/advice.md` explains each method, its
//! assumptions and its limits.
//!
//! Like the rest of ssi-core, this module does no I/O.

pub mod actions;
pub mod alerts;
pub mod calibrate;
pub mod impact;
pub mod mistakes;
pub mod plan;
pub mod rhythm;
mod simulate;
mod stats;

pub use actions::{ADVICE_HORIZON_DAYS, ActionGain, Advice, AdviceAction, SHOWN_GAIN, next_best_actions};
pub use alerts::{Alert, AlertReason, AlertRule, check};
pub use calibrate::{
    CalibratedDay, CalibrationError, MemberCalibration, Method, ReadingStatus, StoredReading, WalkForward,
    WeightChange, calibrate, review_readings,
};
pub use impact::{
    AssociationTest, ImpactError, ImpactReport, ImpactSeries, SeriesSource, SkippedTest, activity_impact,
    choose_impact_series,
};
pub use mistakes::{EvidenceValue, Severity, Warning, WarningKind, mistakes};
pub use plan::{PlanError, ProjectedDay, Projection, ThresholdDate, WeeklyPlan, project_plan};
pub use rhythm::{WeeklyRhythm, recent_rhythm};
