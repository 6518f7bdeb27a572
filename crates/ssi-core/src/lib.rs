//! ssi-core: the scoring engine and the domain types every ssi crate shares.
//!
//! It turns a member's profile snapshots and activity events into a daily
//! Social Selling Index estimate, four pillars of 0–25 each, with an
//! explanation for every point. The scoring model is data ([`ScoringModel`]),
//! not code.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use ssi_core::{ActivityEvent, ActivityKind, ProfileSnapshot, ScoringModel, score_series};
//!
//! let model = ScoringModel::default_model();
//! let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
//! let profile = ProfileSnapshot::empty(day);
//! let post = ActivityEvent::new(ActivityKind::Post, Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap());
//! let series = score_series(&model, &[profile], [post], day, day);
//! let today = &series[0];
//! assert!(today.pillars.brand > 0.0);
//! assert_eq!(today.total, today.pillars.total());
//! ```
//!
//! Architecture invariant: this crate does no I/O and knows nothing of files,
//! SQL, HTTP or async runtimes.

pub mod advice;
pub mod analytics;
pub mod engine;
pub mod event;
pub mod freshness;
pub mod model;
pub mod pillar;
pub mod profile;
pub mod reading;
pub mod score;
pub mod seniority;

pub use engine::score_series;
pub use event::{ActivityEvent, ActivityKind, PseudonymKey};
pub use freshness::{Freshness, Horizon, HorizonSource};
pub use model::{Component, Curve, Metric, ModelError, NO_DATA, ScoringModel, TargetProfile, is_no_data};
pub use pillar::{Band, PILLAR_MAX, Pillar, PillarScores, TOTAL_MAX, round_display};
pub use profile::{Position, ProfileSnapshot};
pub use reading::{GroupStats, OfficialReading, ReadingError, ReadingSource};
pub use score::{ComponentScore, DailyScore};
pub use seniority::Seniority;
