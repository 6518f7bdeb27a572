//! Dashboard sign-in and sign-out: `GET /login` shows the form, `POST /login` exchanges a
//! token for a session kept in the database (HttpOnly, SameSite=Strict cookie holding only a random
//! id), `POST /logout` ends it.

use crate::auth::{Viewer, viewer_of};
use crate::session::{clear_cookie, set_cookie};
use crate::state::AppState;
use crate::throttle::Peer;
use crate::web::LoginContext;
use crate::wire::LoginForm;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// A signed-in dashboard viewer; a request without a live session gets the sign-in page
/// with status 401.
#[derive(Debug, Clone)]
pub(crate) struct PageViewer(pub Viewer);

impl FromRequestParts<AppState> for PageViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match viewer_of(parts, state).await {
            Ok(viewer) => Ok(PageViewer(viewer)),
            Err(error) => Err(state.templates.error_page(None, &error)),
        }
    }
}

/// Whether a form post comes from another site. A browser says so in `Sec-Fetch-Site`,
/// which it sets itself and which wins when present (`Origin` is `null` on this server's
/// own pages, whose referrer policy is `no-referrer`); older browsers send only `Origin`,
/// which must then name the request's own `Host`. Clients that send neither (curl,
/// scripts) are not browsers acting for someone else.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    match text(header::HeaderName::from_static("sec-fetch-site")) {
        Some("same-origin" | "none") => false,
        Some(_) => true,
        None => match text(header::ORIGIN) {
            None => false,
            Some(origin) => {
                let host = text(header::HOST).unwrap_or_default();
                let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
                origin == "null" || !origin_host.eq_ignore_ascii_case(host)
            }
        },
    }
}

/// `GET /login`: the sign-in form.
pub(crate) async fn form(State(state): State<AppState>) -> Response {
    state.templates.page(StatusCode::OK, "login.html", LoginContext { viewer: None, message: None })
}

fn login_failed(state: &AppState, status: StatusCode, message: &str) -> Response {
    state.templates.page(
        status,
        "login.html",
        LoginContext { viewer: None, message: Some(message.to_string()) },
    )
}

/// `POST /login`: checks the token and starts a session; the token itself is not kept.
/// A client address with too many failed sign-ins (or API authentications) gets 429.
pub(crate) async fn create(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    // Login CSRF: another site must not sign a visitor in under a token of its choosing.
    if is_cross_site(&headers) {
        return login_failed(
            &state,
            StatusCode::FORBIDDEN,
            "Sign in from this server's own sign-in page: a form posted from another site is refused.",
        );
    }
    if let Err(wait) = state.auth_throttle.check(peer.0) {
        let message = format!(
            "Too many failed sign-ins from your address. Try again in {} seconds.",
            crate::throttle::retry_after_secs(wait)
        );
        let mut response = login_failed(&state, StatusCode::TOO_MANY_REQUESTS, &message);
        response.headers_mut().insert(header::RETRY_AFTER, crate::throttle::retry_after_value(wait));
        return response;
    }
    let Ok(Form(LoginForm { token })) = form else {
        return login_failed(&state, StatusCode::BAD_REQUEST, "Enter a token to sign in.");
    };
    let token = match state.db(move |store| store.authenticate(&token)).await {
        Ok(Some(token)) => token,
        Ok(None) => {
            state.auth_throttle.record_failure(peer.0);
            return login_failed(&state, StatusCode::UNAUTHORIZED, "That token is not valid.");
        }
        Err(error) => return state.templates.error_page(None, &error),
    };
    let sessions = *state.sessions;
    let session = match state.blocking(move |store| sessions.create(store, token.id)).await {
        Ok(session) => session,
        Err(error) => return state.templates.error_page(None, &error),
    };
    tracing::info!(token = token.id.0, "dashboard sign-in");
    let cookie = set_cookie(&session, state.sessions.ttl(), state.config.secure_cookies);
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `POST /logout`: ends the session and clears the cookie.
pub(crate) async fn delete(State(state): State<AppState>, PageViewer(viewer): PageViewer) -> Response {
    let sessions = *state.sessions;
    let ended = state.blocking(move |store| sessions.end(store, &viewer.session)).await;
    if let Err(error) = ended {
        return state.templates.error_page(None, &error);
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&clear_cookie(state.config.secure_cookies)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
