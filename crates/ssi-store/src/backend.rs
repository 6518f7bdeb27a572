//! The store interface the team server talks to: [`Backend`], implemented by the SQLite
//! [`Store`] and (feature `postgres`) by `pg::PgStore`.
//!
//! The method list is written once, in the [`backend!`] invocation below: it declares the
//! trait and emits both delegating impls, each method calling the backend's inherent method
//! of the same name, so both backends answer every method (docs/store.md, "The store
//! interface").

use crate::Store;
use crate::analytics::{WorkbookImport, WorkbookOutcome};
use crate::calibrations::{CalibratedHistory, CalibrationRefit};
use crate::daily_runs::DailyRun;
use crate::error::{ImportFailure, StoreError};
use crate::sessions::SessionRecord;
use crate::types::{
    HistoryRow, ImpactInputs, ImportMeta, ImportOutcome, ImportRecord, IndustryAverage, LeaderboardRow,
    Member, MemberId, MemberOverview, Percentile, PushedScore, Role, ScoringInputs, Team, TeamId,
    TeamSummary, TokenId, TokenInfo,
};
use crate::upload_jobs::{ClaimedUploadJob, UploadJob, UploadJobClaim, UploadJobEnd};
use chrono::{DateTime, NaiveDate, Utc};
use ssi_core::advice::{CalibrationError, MemberCalibration};
use ssi_core::analytics::{DayFigures, ExportPost, FollowerTotal, PostFigures};
use ssi_core::{ActivityEvent, DailyScore, OfficialReading, ProfileSnapshot, ScoringModel};
use std::time::Duration;

/// Why reading an export's events failed, as the store interface carries it: the reader's
/// own error, boxed (callers downcast it back to their type).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// An export's events being read, and the report the reading leaves behind once they are
/// consumed: what [`Backend::import_events`] stores in one transaction.
pub trait EventSource: Iterator<Item = Result<ActivityEvent, SourceError>> {
    /// The reader's report after the events were read (recorded with the import).
    fn final_report(&self) -> serde_json::Value;
}

/// Declares [`Backend`] from one list of signatures and implements it for each store by
/// delegating to the inherent method of the same name (or, after `=>`, to the call given).
macro_rules! backend {
    (
        ported {
            $(
                $(#[$doc:meta])*
                fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty
                    $(=> $target:ident($($call:expr),* $(,)?))?;
            )*
        }
    ) => {
        /// Every store question and change the team server asks of its database (and the
        /// few more its tests set up and inspect with), answered
        /// alike by SQLite ([`Store`]) and PostgreSQL (`pg::PgStore`, feature `postgres`). Methods block;
        /// async code calls them from `spawn_blocking`. Each is documented on [`Store`]'s
        /// method of the same name.
        pub trait Backend: Send + Sync + std::fmt::Debug {
            $( $(#[$doc])* fn $name(&self $(, $arg: $ty)*) -> $ret; )*

            /// The store itself, so a caller may reach a backend's own API (the server
            /// reads PostgreSQL's data version without blocking:
            /// `pg::PgStore::data_version_async`).
            fn as_any(&self) -> &dyn std::any::Any;
        }

        // A method missing from a store would resolve to the trait's own and recurse: refused.
        #[deny(unconditional_recursion)]
        impl Backend for Store {
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            $(
                fn $name(&self $(, $arg: $ty)*) -> $ret {
                    delegate!(Store, self, $name, ($($arg),*) $(, $target($($call),*))?)
                }
            )*
        }

        #[cfg(feature = "postgres")]
        #[deny(unconditional_recursion)]
        impl Backend for crate::pg::PgStore {
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            $(
                fn $name(&self $(, $arg: $ty)*) -> $ret {
                    delegate!(crate::pg::PgStore, self, $name, ($($arg),*) $(, $target($($call),*))?)
                }
            )*
        }
    };
}

/// One delegating call: to the method of the same name with the same arguments, or to the
/// call given.
macro_rules! delegate {
    ($store:ty, $self_:expr, $name:ident, ($($arg:ident),*)) => {
        <$store>::$name($self_ $(, $arg)*)
    };
    ($store:ty, $self_:expr, $name:ident, ($($arg:ident),*), $target:ident($($call:expr),*)) => {
        <$store>::$target($self_ $(, $call)*)
    };
}

backend! {
    ported {
        /// [`Store::data_version`]: what the caches compare before answering from memory.
        fn data_version(&self) -> Result<i64, StoreError>;
        /// [`Store::schema_version`].
        fn schema_version(&self) -> Result<u32, StoreError>;
        /// [`Store::import_export_reporting`] over an [`EventSource`].
        fn import_events(
            &self,
            member: MemberId,
            meta: &ImportMeta,
            profile: Option<&ProfileSnapshot>,
            events: &mut dyn EventSource,
            today: NaiveDate,
        ) -> Result<ImportOutcome, ImportFailure<SourceError>>
            => import_export_reporting(member, meta, profile, events, |events| events.final_report(), today);
        /// [`Store::imports`].
        fn imports(&self, member: MemberId) -> Result<Vec<ImportRecord>, StoreError>;
        /// [`Store::scoring_inputs`].
        fn scoring_inputs(&self, member: MemberId) -> Result<ScoringInputs, StoreError>;
        /// [`Store::use_model`].
        fn use_model(&self, model: &ScoringModel, today: NaiveDate) -> Result<usize, StoreError>;
        /// [`Store::materialise_all`].
        fn materialise_all(&self, today: NaiveDate) -> Result<usize, StoreError>;
        /// [`Store::latest_score`].
        fn latest_score(&self, member: MemberId, on: Option<NaiveDate>) -> Result<Option<DailyScore>, StoreError>;
        /// [`Store::history`].
        fn history(
            &self,
            member: MemberId,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
        ) -> Result<Vec<HistoryRow>, StoreError>;
        /// [`Store::impact_inputs`].
        fn impact_inputs(
            &self,
            member: MemberId,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
        ) -> Result<ImpactInputs, StoreError>;
        /// [`Store::team_leaderboard`].
        fn team_leaderboard(&self, team: TeamId, on: NaiveDate) -> Result<Vec<LeaderboardRow>, StoreError>;
        /// [`Store::team_summary`].
        fn team_summary(
            &self,
            team: TeamId,
            on: NaiveDate,
            below: f64,
            stale_after_days: u32,
        ) -> Result<TeamSummary, StoreError>;
        /// [`Store::team_summaries`].
        fn team_summaries(
            &self,
            teams: &[TeamId],
            on: NaiveDate,
            below: f64,
            stale_after_days: u32,
        ) -> Result<Vec<TeamSummary>, StoreError>;
        /// [`Store::team_industry_average`].
        fn team_industry_average(&self, team: TeamId, on: NaiveDate) -> Result<Option<IndustryAverage>, StoreError>;
        /// [`Store::member_overviews`].
        fn member_overviews(&self, on: NaiveDate) -> Result<Vec<MemberOverview>, StoreError>;
        /// [`Store::percentile_in_team`].
        fn percentile_in_team(&self, member: MemberId, on: NaiveDate) -> Result<Option<Percentile>, StoreError>;
        /// [`Store::percentile_in_industry`].
        fn percentile_in_industry(&self, member: MemberId, on: NaiveDate) -> Result<Option<Percentile>, StoreError>;
        /// [`Store::pseudonym_key`].
        fn pseudonym_key(&self) -> Result<[u8; 32], StoreError>;
        /// [`Store::create_team`].
        fn create_team(&self, name: &str) -> Result<Team, StoreError>;
        /// [`Store::list_teams`].
        fn list_teams(&self) -> Result<Vec<Team>, StoreError>;
        /// [`Store::get_team`].
        fn get_team(&self, id: TeamId) -> Result<Team, StoreError>;
        /// [`Store::rename_team`].
        fn rename_team(&self, id: TeamId, name: &str) -> Result<Team, StoreError>;
        /// [`Store::delete_team`].
        fn delete_team(&self, id: TeamId) -> Result<(), StoreError>;
        /// [`Store::create_member`].
        fn create_member(&self, name: &str, industry: Option<&str>, team: Option<TeamId>) -> Result<Member, StoreError>;
        /// [`Store::get_member`].
        fn get_member(&self, id: MemberId) -> Result<Member, StoreError>;
        /// [`Store::list_members`].
        fn list_members(&self) -> Result<Vec<Member>, StoreError>;
        /// [`Store::list_team_members`].
        fn list_team_members(&self, team: TeamId) -> Result<Vec<Member>, StoreError>;
        /// [`Store::member_account_keys`].
        fn member_account_keys(&self, id: MemberId) -> Result<Vec<String>, StoreError>;
        /// [`Store::rename_member`].
        fn rename_member(&self, id: MemberId, name: &str) -> Result<Member, StoreError>;
        /// [`Store::set_member_industry`].
        fn set_member_industry(&self, id: MemberId, industry: Option<&str>) -> Result<Member, StoreError>;
        /// [`Store::set_member_team`].
        fn set_member_team(&self, id: MemberId, team: Option<TeamId>) -> Result<Member, StoreError>;
        /// [`Store::delete_member`].
        fn delete_member(&self, id: MemberId) -> Result<(), StoreError>;
        /// [`Store::create_token`].
        fn create_token(
            &self,
            role: Role,
            member: Option<MemberId>,
            team: Option<TeamId>,
            label: &str,
        ) -> Result<(String, TokenInfo), StoreError>;
        /// [`Store::install_token`].
        fn install_token(
            &self,
            plaintext: &str,
            role: Role,
            member: Option<MemberId>,
            team: Option<TeamId>,
            label: &str,
        ) -> Result<TokenInfo, StoreError>;
        /// [`Store::get_token`].
        fn get_token(&self, id: TokenId) -> Result<TokenInfo, StoreError>;
        /// [`Store::authenticate`].
        fn authenticate(&self, plaintext: &str) -> Result<Option<TokenInfo>, StoreError>;
        /// [`Store::record_token_use`].
        fn record_token_use(&self, id: TokenId) -> Result<bool, StoreError>;
        /// [`Store::list_tokens`].
        fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;
        /// [`Store::team_member_tokens`].
        fn team_member_tokens(&self, team: TeamId) -> Result<Vec<TokenInfo>, StoreError>;
        /// [`Store::revoke_token`].
        fn revoke_token(&self, id: TokenId) -> Result<TokenInfo, StoreError>;
        /// [`Store::add_readings`].
        fn add_readings(&self, member: MemberId, readings: &[OfficialReading]) -> Result<usize, StoreError>;
        /// [`Store::readings`].
        fn readings(
            &self,
            member: MemberId,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
        ) -> Result<Vec<OfficialReading>, StoreError>;
        /// [`Store::latest_reading`].
        fn latest_reading(&self, member: MemberId) -> Result<Option<OfficialReading>, StoreError>;
        /// [`Store::push_scores_and_readings`].
        fn push_scores_and_readings(
            &self,
            member: MemberId,
            scores: &[PushedScore],
            readings: &[OfficialReading],
        ) -> Result<(usize, usize), StoreError>;
        /// [`Store::calibrated_history`].
        fn calibrated_history(
            &self,
            member: MemberId,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
            calibrated: bool,
        ) -> Result<CalibratedHistory, StoreError>;
        /// [`Store::fit_calibration`].
        fn fit_calibration(
            &self,
            member: MemberId,
        ) -> Result<Result<MemberCalibration, CalibrationError>, StoreError>;
        /// [`Store::save_calibration`].
        fn save_calibration(&self, member: MemberId, calibration: &MemberCalibration) -> Result<bool, StoreError>;
        /// [`Store::calibration`].
        fn calibration(&self, member: MemberId) -> Result<Option<MemberCalibration>, StoreError>;
        /// [`Store::refit_calibration`].
        fn refit_calibration(&self, member: MemberId) -> Result<CalibrationRefit, StoreError>;
        /// [`Store::create_session`].
        fn create_session(
            &self,
            id_hash: &[u8; 32],
            token: TokenId,
            created: DateTime<Utc>,
            expires: DateTime<Utc>,
        ) -> Result<(), StoreError>;
        /// [`Store::session_token`].
        fn session_token(&self, id_hash: &[u8; 32], now: DateTime<Utc>) -> Result<Option<TokenInfo>, StoreError>;
        /// [`Store::end_session`].
        fn end_session(&self, id_hash: &[u8; 32]) -> Result<bool, StoreError>;
        /// [`Store::end_token_sessions`].
        fn end_token_sessions(&self, token: TokenId) -> Result<usize, StoreError>;
        /// [`Store::sessions`].
        fn sessions(&self) -> Result<Vec<SessionRecord>, StoreError>;
        /// [`Store::claim_daily_run`].
        fn claim_daily_run(
            &self,
            day: NaiveDate,
            claimant: &str,
            now: DateTime<Utc>,
            stale_before: DateTime<Utc>,
        ) -> Result<bool, StoreError>;
        /// [`Store::finish_daily_run`].
        fn finish_daily_run(
            &self,
            day: NaiveDate,
            claimant: &str,
            finished: DateTime<Utc>,
            rows: usize,
        ) -> Result<bool, StoreError>;
        /// [`Store::release_daily_run`].
        fn release_daily_run(&self, day: NaiveDate, claimant: &str) -> Result<bool, StoreError>;
        /// [`Store::daily_run`].
        fn daily_run(&self, day: NaiveDate) -> Result<Option<DailyRun>, StoreError>;
        /// [`Store::daily_runs`].
        fn daily_runs(&self) -> Result<Vec<DailyRun>, StoreError>;
        /// [`Store::enqueue_upload_job`].
        fn enqueue_upload_job(&self, member: MemberId, source_name: &str, payload: &[u8]) -> Result<UploadJob, StoreError>;
        /// [`Store::claim_upload_job`].
        fn claim_upload_job(&self, worker: &str, lease: Duration) -> Result<Option<ClaimedUploadJob>, StoreError>;
        /// [`Store::set_upload_job_stage`].
        fn set_upload_job_stage(&self, claim: &UploadJobClaim, stage: &str) -> Result<bool, StoreError>;
        /// [`Store::renew_upload_job`].
        fn renew_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError>;
        /// [`Store::finish_upload_job`].
        fn finish_upload_job(&self, claim: &UploadJobClaim, end: UploadJobEnd<'_>) -> Result<bool, StoreError>;
        /// [`Store::release_upload_job`].
        fn release_upload_job(&self, claim: &UploadJobClaim) -> Result<bool, StoreError>;
        /// [`Store::upload_job`].
        fn upload_job(&self, id: i64) -> Result<UploadJob, StoreError>;
        /// [`Store::unfinished_upload_jobs`].
        fn unfinished_upload_jobs(&self) -> Result<u64, StoreError>;
        /// [`Store::import_workbook`].
        fn import_workbook(
            &self,
            member: MemberId,
            workbook: &WorkbookImport<'_>,
            today: NaiveDate,
        ) -> Result<WorkbookOutcome, StoreError>;
        /// [`Store::analytics_days`].
        fn analytics_days(
            &self,
            member: MemberId,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
        ) -> Result<Vec<DayFigures>, StoreError>;
        /// [`Store::follower_totals`].
        fn follower_totals(&self, member: MemberId) -> Result<Vec<FollowerTotal>, StoreError>;
        /// [`Store::post_analytics`].
        fn post_analytics(&self, member: MemberId) -> Result<Vec<PostFigures>, StoreError>;
        /// [`Store::export_posts`].
        fn export_posts(&self, member: MemberId) -> Result<Vec<ExportPost>, StoreError>;
    }
}
