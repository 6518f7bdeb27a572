//! Who is asking, and what they may see: the bearer-token extractor for the API, the
//! session extractor for dashboard pages, and the access rules both share.
//!
//! The rules, in one place:
//! - admin: everything;
//! - manager: reads everything of their team and manages its members;
//! - member: reads and writes their own data, reads their team's leaderboard and summary.
//!
//! A resource outside the caller's teams answers 404 exactly as a missing one does, so
//! its existence does not leak; a resource the caller can see but not change answers 403.

use crate::cache::DataVersion;
use crate::error::ApiError;
use crate::session::{COOKIE_NAME, cookie_value};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use ssi_store::{Backend, Member, MemberId, Role, StoreError, Team, TeamId, TokenId, TokenInfo};

/// Who may call a route: the one vocabulary of the access rule. Each row of the route table
/// declares it (for the OpenAPI document and the authorisation matrix test), and handlers
/// enforce the rules about one member with it (`Principal::check_member`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without credentials.
    Public,
    /// Any valid token.
    AnyToken,
    /// Admin tokens.
    Admin,
    /// Admins, and managers within their team.
    TokenManager,
    /// Admins and anyone of the team.
    TeamMember,
    /// Admins and the team's manager.
    TeamManager,
    /// Admins, the member's team manager and the member.
    MemberReader,
    /// Admins and the member.
    MemberWriter,
    /// Admins and the member's team manager.
    MemberManager,
    /// Member tokens (their own data).
    MemberToken,
    /// A signed-in dashboard session.
    Session,
    /// A dashboard session of anyone of the team.
    SessionTeamMember,
    /// A dashboard session of an admin, the member's team manager or the member.
    SessionMemberReader,
}

impl Access {
    /// Whether the route is a dashboard page (cookie session, HTML errors).
    pub fn is_page(self) -> bool {
        matches!(self, Access::Session | Access::SessionTeamMember | Access::SessionMemberReader)
    }

    /// The rule in words.
    pub fn describe(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::AnyToken => "any valid token",
            Access::Admin => "admin",
            Access::TokenManager => "admin (any token), manager (member tokens of their team)",
            Access::TeamMember => "admin, or the team's manager and members",
            Access::TeamManager => "admin, or the team's manager",
            Access::MemberReader => "admin, the member's team manager, or the member",
            Access::MemberWriter => "admin, or the member",
            Access::MemberManager => "admin, or the member's team manager",
            Access::MemberToken => "a member token (the member's own data)",
            Access::Session => "a signed-in dashboard session",
            Access::SessionTeamMember => "a dashboard session of an admin or anyone of the team",
            Access::SessionMemberReader => {
                "a dashboard session of an admin, the member's team manager, or the member"
            }
        }
    }
}

/// The authenticated caller: their token and the team in scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The token the caller authenticated with.
    pub token: TokenInfo,
    /// The team in scope: a manager token's team, or a member token's member's current team.
    pub team: Option<TeamId>,
}

impl Principal {
    /// The caller's role.
    pub fn role(&self) -> Role {
        self.token.role
    }

    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.token.role == Role::Admin
    }

    /// The member a member token speaks for.
    pub fn member(&self) -> Option<MemberId> {
        match self.token.role {
            Role::Member => self.token.member,
            Role::Admin | Role::Manager => None,
        }
    }

    /// Whether the caller may know the team exists (admin, or anyone of the team).
    pub fn sees_team(&self, team: TeamId) -> bool {
        self.is_admin() || self.team == Some(team)
    }

    /// Whether the caller manages the team (admin, or its manager).
    pub fn manages_team(&self, team: TeamId) -> bool {
        self.is_admin() || (self.token.role == Role::Manager && self.team == Some(team))
    }

    /// Whether the caller may know the member exists: admin, the member, or anyone of the
    /// member's team (teammates see each other on the leaderboard).
    pub fn sees_member(&self, member: &Member) -> bool {
        self.is_admin()
            || self.member() == Some(member.id)
            || (member.team.is_some() && member.team == self.team)
    }

    /// Whether the caller may read the member's scores, history and readings.
    pub fn reads_member(&self, member: &Member) -> bool {
        self.member() == Some(member.id)
            || member.team.is_some_and(|t| self.manages_team(t))
            || self.is_admin()
    }

    /// Whether the caller may write the member's own data (readings, exports).
    pub fn writes_member(&self, member: &Member) -> bool {
        self.is_admin() || self.member() == Some(member.id)
    }

    /// Whether the caller may rename, move or delete the member.
    pub fn manages_member(&self, member: &Member) -> bool {
        self.is_admin() || member.team.is_some_and(|t| self.manages_team(t))
    }

    /// Checks a team may be read; 404 when hidden.
    pub fn check_sees_team(&self, team: &Team) -> Result<(), ApiError> {
        if self.sees_team(team.id) { Ok(()) } else { Err(ApiError::not_found("team")) }
    }

    /// Checks a rule about one member ([`Access::MemberReader`], [`Access::SessionMemberReader`],
    /// [`Access::MemberWriter`] or [`Access::MemberManager`]): 404 when the member is hidden,
    /// 403 when visible but denied. Any other rule is not about one member: a server error.
    pub fn check_member(&self, member: &Member, access: Access) -> Result<(), ApiError> {
        let (allowed, action) = match access {
            Access::MemberReader | Access::SessionMemberReader => (self.reads_member(member), "read"),
            Access::MemberWriter => (self.writes_member(member), "write the data of"),
            Access::MemberManager => (self.manages_member(member), "manage"),
            other => return Err(ApiError::internal(format!("{other:?} is not a rule about one member"))),
        };
        if allowed {
            Ok(())
        } else if self.sees_member(member) {
            Err(ApiError::Forbidden(format!("this token may not {action} this member")))
        } else {
            Err(ApiError::not_found("member"))
        }
    }
}

/// Turns any "not found" into the API's uniform not-found of `what`, so that a missing
/// resource and a hidden one answer the same words.
pub(crate) fn hidden(what: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |error| match error {
        ApiError::NotFound(_) => ApiError::not_found(what),
        other => other,
    }
}

/// Builds the principal of a token (on a blocking thread): a member token's team is the
/// member's current team.
fn principal_in(store: &dyn Backend, token: TokenInfo) -> Result<Principal, ApiError> {
    let team = match (token.role, token.member) {
        (Role::Member, Some(member)) => match store.get_member(member) {
            Ok(member) => member.team,
            // The member was deleted (its tokens go with it); treat as unauthenticated.
            Err(StoreError::NotFound { .. }) => {
                return Err(ApiError::Unauthorized("the token is not valid".into()));
            }
            Err(other) => return Err(other.into()),
        },
        _ => token.team,
    };
    Ok(Principal { token, team })
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let mut values = parts.headers.get_all(header::AUTHORIZATION).iter();
    let value = values
        .next()
        .ok_or_else(|| ApiError::Unauthorized("this route needs an Authorization: Bearer token".into()))?;
    // Which of two tokens would count is a guess a proxy and the server may make differently.
    if values.next().is_some() {
        return Err(ApiError::BadRequest("send one Authorization header, not several".into()));
    }
    let text = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not valid text".into()))?;
    let (scheme, token) = text
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized("expected Authorization: Bearer <token>".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized("expected Authorization: Bearer <token>".into()));
    }
    Ok(token.trim())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    /// Authenticates the bearer token. A client address with too many failed attempts gets
    /// 429 before its token is even looked at (see [`crate::throttle`]); an invalid token
    /// counts as a failure, a missing or malformed header does not.
    ///
    /// A token already authenticated at the database's current version is taken from
    /// [`crate::cache::Caches`] (a revocation, a deleted member, any write at all starts
    /// the cache over); otherwise the token and its member's team are read in one trip to
    /// the blocking pool. A use is recorded in the database at most once a minute.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = crate::throttle::peer(parts);
        state.auth_throttle.check(peer).map_err(too_many_failures)?;
        let plaintext = bearer(parts)?.to_string();
        let key = crate::cache::token_key(&plaintext);
        let DataVersion(version) = DataVersion::from_request_parts(parts, state).await?;
        if let Some((principal, due)) = state.caches.principal(version, &key, Utc::now().timestamp()) {
            if due {
                record_use(state, principal.token.id);
            }
            return Ok(principal);
        }
        let found = state
            .blocking(move |store| match store.authenticate(&plaintext)? {
                Some(token) => principal_in(store, token).map(Some),
                None => Ok(None),
            })
            .await?;
        let Some(principal) = found else {
            state.auth_throttle.record_failure(peer);
            return Err(ApiError::Unauthorized("the token is not valid".into()));
        };
        state.caches.remember_principal(version, key, principal.clone());
        Ok(principal)
    }
}

/// Records a token's use in the background (best effort; a failure is logged).
fn record_use(state: &AppState, token: TokenId) {
    let store = state.store.clone();
    state.tasks.spawn_blocking(move || {
        if let Err(error) = store.record_token_use(token) {
            tracing::warn!(token = token.0, %error, "could not record a token's last use");
        }
    });
}

/// The 429 of a throttled client address.
pub(crate) fn too_many_failures(wait: std::time::Duration) -> ApiError {
    ApiError::TooManyRequests(
        format!(
            "too many failed authentications from this address; retry in {} seconds",
            crate::throttle::retry_after_secs(wait)
        ),
        wait,
    )
}

/// The signed-in dashboard user: the principal behind the session cookie.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Viewer {
    /// Who it is.
    pub principal: Principal,
    /// The session id (to sign out).
    pub session: String,
}

/// Reads the session cookie and looks the session up in the store, joined with its token:
/// a session whose token was revoked since sign-in (through any replica) or that expired
/// is refused. Never from a cache: one store trip on every dashboard request, together
/// with the principal's team.
pub(crate) async fn viewer_of(parts: &Parts, state: &AppState) -> Result<Viewer, ApiError> {
    let not_signed_in = || ApiError::Unauthorized("please sign in".into());
    let session = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookies| cookie_value(cookies, COOKIE_NAME))
        .map(str::to_string)
        .ok_or_else(not_signed_in)?;
    let sessions = *state.sessions;
    let looked_up = session.clone();
    let principal = state
        .blocking(move |store| match sessions.token(store, &looked_up)? {
            Some(token) => principal_in(store, token).map(Some),
            None => Ok(None),
        })
        .await?
        .ok_or_else(not_signed_in)?;
    Ok(Viewer { principal, session })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(role: Role, member: Option<i64>, team: Option<i64>) -> TokenInfo {
        TokenInfo {
            id: TokenId(1),
            role,
            member: member.map(MemberId),
            team: team.map(TeamId),
            label: String::new(),
            created: Utc::now(),
            last_used: None,
            revoked: None,
        }
    }

    fn member(id: i64, team: Option<i64>) -> Member {
        Member {
            id: MemberId(id),
            name: format!("m{id}"),
            industry: None,
            team: team.map(TeamId),
            created: Utc::now(),
            horizon: None,
        }
    }

    #[test]
    fn the_role_rules_hold() {
        let admin = Principal { token: token(Role::Admin, None, None), team: None };
        let manager = Principal { token: token(Role::Manager, None, Some(1)), team: Some(TeamId(1)) };
        let alice = Principal { token: token(Role::Member, Some(10), None), team: Some(TeamId(1)) };
        let outsider = Principal { token: token(Role::Member, Some(20), None), team: Some(TeamId(2)) };
        let (m10, m11, m20, loner) =
            (member(10, Some(1)), member(11, Some(1)), member(20, Some(2)), member(30, None));

        assert!(admin.reads_member(&m20) && admin.manages_member(&loner) && admin.sees_team(TeamId(9)));
        assert!(manager.reads_member(&m11) && manager.manages_member(&m11) && !manager.writes_member(&m11));
        assert!(!manager.reads_member(&m20) && !manager.sees_member(&m20) && !manager.sees_member(&loner));
        assert!(alice.reads_member(&m10) && alice.writes_member(&m10) && !alice.manages_member(&m10));
        assert!(!alice.reads_member(&m11) && alice.sees_member(&m11), "teammates are visible, not readable");
        assert!(!outsider.sees_member(&m10) && !outsider.sees_team(TeamId(1)));

        assert!(matches!(alice.check_member(&m11, Access::MemberReader), Err(ApiError::Forbidden(_))));
        assert!(matches!(outsider.check_member(&m10, Access::MemberReader), Err(ApiError::NotFound(_))));
        // One vocabulary: the route table's member rules are the rules the handlers check.
        assert!(alice.check_member(&m10, Access::MemberWriter).is_ok());
        assert!(matches!(alice.check_member(&m10, Access::MemberManager), Err(ApiError::Forbidden(_))));
        assert!(manager.check_member(&m11, Access::MemberManager).is_ok());
        assert!(matches!(manager.check_member(&m11, Access::MemberWriter), Err(ApiError::Forbidden(_))));
        assert!(manager.check_member(&m11, Access::SessionMemberReader).is_ok());
        assert!(
            matches!(admin.check_member(&m10, Access::Admin), Err(ApiError::Internal(_))),
            "a rule that is not about one member is a server error, never a silent yes"
        );
    }

    #[test]
    fn a_manager_token_names_no_member() {
        let mut info = token(Role::Manager, Some(5), Some(1));
        info.member = Some(MemberId(5));
        let manager = Principal { token: info, team: Some(TeamId(1)) };
        assert_eq!(manager.member(), None, "only member tokens speak for a member");
    }
}
