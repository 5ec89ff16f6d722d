//! Same-origin check for cookie-authenticated requests. `SameSite=Lax` keeps the session
//! cookie off requests from other *sites*, but not from other origins of the same site (a
//! customer's `blog.example.com` beside `support.example.com`), so every state-changing
//! request that carries the session cookie, every server-function call and the dashboard
//! socket's handshake must say it comes from the dashboard itself: an `Origin` equal to ours,
//! or `Sec-Fetch-Site: same-origin`. A request with neither header is not from a browser (a
//! browser sends `Origin` on every cross-origin request and every POST), so it cannot be a
//! forged one and passes. Bearer-token REST calls carry no cookie and are not affected.

use app::ApiError;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::cookies::session_token;
use crate::error::ApiResponse;

/// The dashboard's own origin (`scheme://host[:port]` of the public URL).
#[derive(Debug, Clone)]
pub struct OwnOrigin(pub std::sync::Arc<str>);

impl OwnOrigin {
    pub fn of_url(public_url: &str) -> Self {
        let trimmed = public_url.trim_end_matches('/');
        let origin = match trimmed.find("://") {
            Some(at) => match trimmed[at + 3..].find('/') {
                Some(slash) => &trimmed[..at + 3 + slash],
                None => trimmed,
            },
            None => trimmed,
        };
        Self(origin.to_ascii_lowercase().into())
    }
}

pub async fn require_same_origin(State(own): State<OwnOrigin>, request: Request, next: Next) -> Response {
    if needs_check(&request) && !same_origin(&own, request.headers()) {
        tracing::warn!(
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "refused a cross-origin request with the session cookie"
        );
        return ApiResponse(ApiError::Forbidden).into_response();
    }
    next.run(request).await
}

fn needs_check(request: &Request) -> bool {
    let upgrade = request.headers().contains_key(header::UPGRADE);
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let server_fn = request.uri().path().starts_with("/api/fn/");
    (changes_state || upgrade) && (server_fn || session_token(request.headers()).is_some())
}

fn same_origin(own: &OwnOrigin, headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else { return false };
        let origin = origin.to_ascii_lowercase();
        // Our public URL, or the host this request was sent to (the same server reached by
        // another name, e.g. 127.0.0.1 and localhost while developing).
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        return origin == *own.0 || (host.is_some() && authority == host.as_deref());
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header"));
        }
        map
    }

    #[test]
    fn the_own_origin_is_scheme_host_and_port() {
        assert_eq!(&*OwnOrigin::of_url("https://Support.Example.com/app/").0, "https://support.example.com");
        assert_eq!(&*OwnOrigin::of_url("http://127.0.0.1:3000").0, "http://127.0.0.1:3000");
    }

    #[test]
    fn another_origin_of_the_same_site_is_refused() {
        let own = OwnOrigin::of_url("https://support.example.com");
        let evil = headers(&[("origin", "https://blog.example.com"), ("host", "support.example.com")]);
        assert!(!same_origin(&own, &evil));
        let cross = headers(&[("sec-fetch-site", "same-site")]);
        assert!(!same_origin(&own, &cross));
    }

    #[test]
    fn the_dashboard_itself_passes() {
        let own = OwnOrigin::of_url("https://support.example.com");
        assert!(same_origin(&own, &headers(&[("origin", "https://support.example.com")])));
        let by_host = headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]);
        assert!(same_origin(&own, &by_host));
        assert!(same_origin(&own, &headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&own, &HeaderMap::new()), "no browser headers: not a forged browser request");
    }
}
