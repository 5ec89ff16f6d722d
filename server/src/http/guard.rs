//! The page guard: pages other than the sign-in family need a session; without one the
//! browser is sent to /login, with an unconfirmed address to /verify-email, and — when the
//! organization requires a second factor this person lacks — to /profile.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    auth::{Authenticator, PageAccess},
    client::client_of_request,
    cookies::session_token,
};

/// The platform operators' page.
const OPERATOR_PAGE: &str = "/admin";

/// The same request for a path no route has, so the app renders its 404 page.
fn not_found(mut request: Request) -> Request {
    *request.uri_mut() = axum::http::Uri::from_static("/not-found");
    request
}

const PUBLIC_PAGES: [&str; 6] =
    ["/login", "/register", "/forgot-password", "/reset-password", "/verify-email", "/accept-invite"];

pub async fn require_session_for_pages(
    State(auth): State<Authenticator>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    // Signed in already: the sign-in form would only confuse; go to the dashboard.
    if path == "/login"
        && let Some(token) = session_token(request.headers())
        && auth.page_access(&token, &client_of_request(&request)).await == PageAccess::Allowed
    {
        return Redirect::to("/conversations").into_response();
    }
    if PUBLIC_PAGES.contains(&path) || path.starts_with("/api/") || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let access = match session_token(request.headers()) {
        Some(token) => auth.page_access(&token, &client_of_request(&request)).await,
        None => PageAccess::SignIn,
    };
    match access {
        // The operators' console does not exist for anyone else: the app's 404 page.
        PageAccess::Allowed if path == OPERATOR_PAGE => {
            let operator = match session_token(request.headers()) {
                Some(token) => auth.is_operator(&token, &client_of_request(&request)).await,
                None => false,
            };
            if operator { next.run(request).await } else { next.run(not_found(request)).await }
        }
        PageAccess::Allowed => next.run(request).await,
        PageAccess::EnrolSecondFactor if path == "/profile" => next.run(request).await,
        PageAccess::EnrolSecondFactor => Redirect::to("/profile").into_response(),
        PageAccess::VerifyEmail => Redirect::to("/verify-email").into_response(),
        PageAccess::SignIn => Redirect::to("/login").into_response(),
    }
}
