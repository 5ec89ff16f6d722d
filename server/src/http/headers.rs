//! The headers every response carries (PRD §6.4): no sniffing, a referrer policy, no
//! camera/microphone/geolocation, a CSP (from `app::csp`, the one builder), no framing unless
//! the route's own CSP allows it, and HSTS behind TLS.

use app::csp::ContentSecurityPolicy;
use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Security headers on every response (PRD §6.4). Routes that need another policy (the SSR
/// pages with their nonce, the framable widget page) set their own CSP and it is kept.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let behind_tls = super::cookies::behind_tls(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &str); 3] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&ContentSecurityPolicy::default().header_value())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let framable = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|csp| csp.to_str().ok())
        .is_some_and(|csp| !csp.contains("frame-ancestors 'none'"));
    if !framable {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if behind_tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
