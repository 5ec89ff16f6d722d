//! Every route must check who is asking. Routes join these tests automatically: REST routes
//! through the OpenAPI document, server functions through their registry. A new route that is
//! neither public (listed below, with a reason) nor refusing anonymous callers fails here.

use crate::helpers::spawn_app;

/// REST routes anyone may call. (`GET /auth/google` and its callback are public too, but they
/// are browser redirects answering 302s, not API, so they are not in the OpenAPI document;
/// oidc.rs covers them.)
pub const PUBLIC_REST: &[(&str, &str)] = &[
    ("GET", "/api/v1/health"),                  // monitoring
    ("POST", "/api/v1/auth/register"),          // signing up
    ("POST", "/api/v1/auth/login"),             // signing in
    ("POST", "/api/v1/auth/logout"),            // ending a session that may already be gone
    ("POST", "/api/v1/auth/verify-email"),      // the link in the mail is the credential
    ("POST", "/api/v1/auth/forgot-password"),   // asking for a reset link
    ("POST", "/api/v1/auth/reset-password"),    // the link in the mail is the credential
    ("POST", "/api/v1/auth/refresh"),           // the refresh token is the credential
    ("POST", "/api/v1/auth/accept-invitation"), // the link in the mail is the credential
    ("POST", "/api/v1/auth/login/mfa"),         // the sign-in challenge is the credential
    ("GET", "/api/v1/plans"),                   // the price list, as on a pricing page
    ("POST", "/api/v1/widget/{key}/detected"),  // the loader on any page; the bot key is public
];

/// Server functions anyone may call (by endpoint name).
pub const PUBLIC_SERVER_FNS: &[&str] = &[
    "sign_in",           // the login form
    "sign_out",          // ending a session that may already be gone
    "demo_accounts",     // the login page's demo picker
    "sign_in_options",   // the login page's "Sign in with Google" button
    "register",          // signing up
    "verify_email",      // the link in the mail is the credential
    "forgot_password",   // asking for a reset link
    "reset_password",    // the link in the mail is the credential
    "accept_invitation", // the link in the mail is the credential
    "sign_in_mfa",       // the sign-in challenge is the credential
];

/// A concrete URL for a templated OpenAPI path.
pub fn concrete(path: &str) -> String {
    path.split('/')
        .map(
            |segment| {
                if segment.starts_with('{') { uuid::Uuid::nil().to_string() } else { segment.to_owned() }
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_rest_route_refuses_anonymous_callers_unless_it_is_public() {
    let app = spawn_app().await;
    let mut checked = 0;
    for (method, path) in crate::roles::documented_operations(&app).await {
        let (method, path) = (method.as_str(), &path);
        {
            if PUBLIC_REST.contains(&(method, path.as_str())) {
                continue;
            }
            let url = app.url(&concrete(path));
            let request = app.http.request(method.parse().expect("method"), &url);
            // (Bodies are `{}`: identity is checked before anything else is read.)
            let response =
                request.header("content-type", "application/json").body("{}").send().await.expect("answers");
            assert_eq!(response.status(), 401, "{method} {path} must refuse an anonymous caller");
            let body: serde_json::Value = response.json().await.expect("an ApiError body");
            assert_eq!(body["error"]["code"], "unauthenticated", "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 1, "the OpenAPI document lists the protected routes");
}

#[tokio::test]
async fn every_server_function_refuses_anonymous_callers_unless_it_is_public() {
    let app = spawn_app().await;
    let mut checked = 0;
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.rsplit('/').next().unwrap_or_default();
        if PUBLIC_SERVER_FNS.contains(&name) {
            continue;
        }
        for cookie in ["", "cs_session=forged-or-expired"] {
            let response = app
                .http
                .post(app.url(path))
                .header("cookie", cookie)
                // Every argument name any server function takes, so that arguments parse and
                // the check under test is the caller's identity.
                .form(
                    &vec![
                        ("id", uuid::Uuid::nil().to_string()),
                        ("query", "x".into()),
                        ("email", "someone@example.com".into()),
                        ("role", "agent".into()),
                        ("name", "x".into()),
                        ("website", String::new()),
                        ("industry", String::new()),
                        ("company_size", String::new()),
                        ("primary_color", String::new()),
                        ("secondary_color", String::new()),
                        ("workspace", uuid::Uuid::nil().to_string()),
                        ("plan", "growth".into()),
                        ("session_timeout_minutes", String::new()),
                        ("ip_allowlist", String::new()),
                        ("provider", "slack".into()),
                        ("label", "x".into()),
                        ("secret", "x".into()),
                        ("phone", String::new()),
                        ("job_title", String::new()),
                        ("bio", String::new()),
                        ("avatar_url", String::new()),
                        ("code", "000000".into()),
                        ("status", "active".into()),
                        ("reason", String::new()),
                        ("suspended_until", String::new()),
                        ("tags", String::new()),
                        ("admin_notes", String::new()),
                        ("custom_max_chatbots", String::new()),
                        ("custom_max_messages", String::new()),
                        ("custom_max_file_uploads", String::new()),
                        ("greeting", "x".into()),
                        ("fallback_message", "x".into()),
                        ("settings[language]", "en".into()),
                        ("content", "x".into()),
                        ("note", String::new()),
                        ("personality", "friendly".into()),
                        ("hours", "always".into()),
                        ("version", "1".into()),
                        ("chatbot_id", uuid::Uuid::nil().to_string()),
                        ("q", "x".into()),
                        ("question", "x".into()),
                        ("answer", "x".into()),
                        ("title", "x".into()),
                        ("text", "x".into()),
                        ("url", "x".into()),
                        ("message_id", uuid::Uuid::nil().to_string()),
                        ("verdict", "correct".into()),
                        ("days", "30".into()),
                        ("run_id", uuid::Uuid::nil().to_string()),
                        ("expects", "answered".into()),
                        ("tag", "x".into()),
                        ("availability", "online".into()),
                        ("mode", "manual".into()),
                        ("agent_id", uuid::Uuid::nil().to_string()),
                        ("accept", "true".into()),
                        ("source", uuid::Uuid::nil().to_string()),
                        ("shortcut", "x".into()),
                    ][..],
                )
                .send()
                .await
                .expect("answers");
            assert_eq!(response.status(), 401, "{path} with cookie {cookie:?}");
            let error: app::ApiError = response.json().await.expect("an ApiError");
            assert_eq!(error, app::ApiError::Unauthenticated, "{path}");
        }
        checked += 1;
    }
    assert!(checked >= 4, "server functions are registered ({checked})");
}
