//! The dashboard's session cookie: `httpOnly`, `SameSite=Lax`, `Secure` behind TLS.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

pub const SESSION_COOKIE: &str = "cs_session";
/// How long a dashboard session lives without use (the cookie and the server's row).
pub const SESSION_DAYS: i64 = 30;

/// The session token from the request's `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

/// Whether the request reached us over TLS (a proxy in front says so).
pub fn behind_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// `httpOnly`, `SameSite=Lax`, `Secure` behind TLS; lives as long as the server-side session.
pub fn session_cookie(token: &str, headers: &HeaderMap) -> HeaderValue {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    let max_age = SESSION_DAYS * 24 * 3600;
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| clear_cookie())
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("cs_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// A response that also sets the session cookie.
pub fn with_session(
    status: StatusCode,
    body: impl IntoResponse,
    token: &str,
    headers: &HeaderMap,
) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(token, headers));
    response
}
