use std::time::Duration;

use app::{ApiError, auth::Role, protocol::ServerMsg};
use chatsupport::entities::{login_history, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{DEMO_BOT, api_error, send, spawn_app};

async fn login(app: &crate::helpers::TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login answers")
}

#[tokio::test]
async fn a_new_owner_is_signed_in_and_sees_nothing_of_other_organizations() {
    let app = spawn_app().await;
    let cookie = app.register_verified("olive@newco.example", "NewCo").await;

    let me: serde_json::Value = app
        .http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["user"]["email"], "olive@newco.example");
    assert_eq!(me["user"]["role"], "owner");
    assert_eq!(me["user"]["organization_name"], "NewCo");

    // Acme's conversations exist, but not for NewCo.
    let listed: app::inbox::InboxListing =
        app.server_fn("conversations", &cookie, &[]).await.json().await.expect("list");
    assert!(listed.conversations.is_empty(), "{listed:?}");
    assert_eq!(listed.counts.all, 0);
    let acme_conversation = app.demo_conversations().await[0].id;
    let response =
        app.server_fn("conversation_messages", &cookie, &[("id", &acme_conversation.to_string())]).await;
    assert_eq!(response.status(), 404);

    // NewCo's dashboard socket hears nothing of Acme's visitors.
    let mut newco_dashboard = app.authed_socket("/api/v1/ws/dashboard", &cookie).await;
    let (mut acme_visitor, _) = app.visitor(DEMO_BOT).await;
    acme_visitor.send(&send("x-1", None, "Acme only")).await;
    acme_visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 2)).await;
    assert!(newco_dashboard.is_silent_for(Duration::from_millis(500)).await);
}

#[tokio::test]
async fn the_demo_logins_still_work_with_their_roles() {
    let app = spawn_app().await;
    for (email, role) in [("admin@acme.com", Role::Owner), ("jane@acme.com", Role::Admin)] {
        let cookie = app.sign_in(email, "password123").await;
        let user: app::auth::UserView =
            app.server_fn("current_user", &cookie, &[]).await.json().await.expect("user");
        assert_eq!((user.email.as_str(), user.role), (email, role));
        assert_eq!(user.organization_name, "Acme Corp");
    }
    let offered: Vec<app::auth::DemoAccount> =
        app.server_fn("demo_accounts", "", &[]).await.json().await.expect("demos");
    assert_eq!(offered.len(), 2);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_recorded_in_the_login_history() {
    let app = spawn_app().await;
    let (status, error, message) = api_error(login(&app, "admin@acme.com", "password124").await).await;
    assert_eq!((status, error), (401, ApiError::InvalidCredentials));
    assert!(message.contains("do not match"));
    let (status, error, _) = api_error(login(&app, "nobody@acme.com", "password123").await).await;
    assert_eq!((status, error), (401, ApiError::InvalidCredentials), "an unknown email looks the same");
    let failures = login_history::Entity::find()
        .filter(login_history::Column::Success.eq(false))
        .count(&app.state.handles.db)
        .await
        .expect("count");
    assert_eq!(failures, 2);
}

#[tokio::test]
async fn bad_registrations_name_every_wrong_field_and_create_nothing() {
    let app = spawn_app().await;
    let users_before = user::Entity::find().count(&app.state.handles.db).await.expect("count");
    let response = app
        .http
        .post(app.url("/api/v1/auth/register"))
        .json(&serde_json::json!({
            "name": "  ", "email": "not-an-email", "password": "weak", "organization_name": "x".repeat(101)
        }))
        .send()
        .await
        .expect("answers");
    let (status, error, _) = api_error(response).await;
    assert_eq!(status, 422);
    let ApiError::Validation { fields } = error else { panic!("expected validation, got {error:?}") };
    let named: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["name", "email", "password", "organization_name"]);
    assert_eq!(user::Entity::find().count(&app.state.handles.db).await.expect("count"), users_before);
}

#[tokio::test]
async fn an_email_can_hold_only_one_account_whatever_its_case() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/v1/auth/register"))
        .json(&serde_json::json!({
            "name": "Copycat", "email": "ADMIN@acme.com", "password": "Str0ng!pass", "organization_name": "Copy Inc"
        }))
        .send()
        .await
        .expect("answers");
    let (status, error, _) = api_error(response).await;
    assert_eq!(status, 409);
    assert!(matches!(error, ApiError::Conflict { .. }));
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests_in_the_api_error_shape() {
    let app = spawn_app().await;
    let broken = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("answers");
    let (status, error, message) = api_error(broken).await;
    assert_eq!((status, matches!(error, ApiError::BadRequest { .. })), (400, true));
    assert!(message.contains("not valid JSON"));

    let wrong_type =
        app.http.post(app.url("/api/v1/auth/login")).body("email=a").send().await.expect("answers");
    assert_eq!(api_error(wrong_type).await.0, 400);

    let missing = app
        .http
        .post(app.url("/api/v1/auth/register"))
        .json(&serde_json::json!({ "email": "a@b.co" }))
        .send()
        .await
        .expect("answers");
    assert_eq!(api_error(missing).await.0, 400);
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(login(&app, "jane@acme.com", "guess").await.status(), 401);
    }
    let locked = login(&app, "jane@acme.com", "password123").await;
    assert_eq!(locked.status(), 429, "even the right password waits");
    let retry_after: u64 = locked.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    let (_, error, _) = api_error(locked).await;
    assert!(matches!(error, ApiError::RateLimited { .. }));
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let cookie = app.demo_owner().await;
    let me = |cookie: String| {
        let request = app.http.get(app.url("/api/v1/auth/me")).header("cookie", cookie);
        async move { request.send().await.expect("me").status() }
    };
    assert_eq!(me(cookie.clone()).await, 200);
    let out =
        app.http.post(app.url("/api/v1/auth/logout")).header("cookie", &cookie).send().await.expect("logout");
    assert_eq!(out.status(), 204);
    assert!(out.headers()["set-cookie"].to_str().expect("ascii").contains("Max-Age=0"));
    assert_eq!(me(cookie).await, 401);
}

#[tokio::test]
async fn a_sixth_session_ends_the_oldest() {
    let app = spawn_app().await;
    let mut cookies = Vec::new();
    for _ in 0..6 {
        cookies.push(app.sign_in("jane@acme.com", "password123").await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = |cookie: &String| {
        let request = app.http.get(app.url("/api/v1/auth/me")).header("cookie", cookie.clone());
        async move { request.send().await.expect("me").status() }
    };
    assert_eq!(status(&cookies[0]).await, 401, "the oldest session ended");
    for cookie in &cookies[1..] {
        assert_eq!(status(cookie).await, 200);
    }
}

#[tokio::test]
async fn the_sign_in_page_sends_a_signed_in_person_to_the_dashboard() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = no_redirects.get(app.url("/login")).header("cookie", &owner).send().await.expect("GET");
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/conversations");
    let stale = no_redirects.get(app.url("/login")).header("cookie", "cs_session=forged").send().await;
    assert_eq!(stale.expect("GET").status(), 200, "a cookie that is no session still sees the form");
}

#[tokio::test]
async fn without_a_session_pages_redirect_to_login_and_the_dashboard_socket_is_refused() {
    let app = spawn_app().await;
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = no_redirects.get(app.url("/conversations")).send().await.expect("GET");
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/login");
    assert_eq!(no_redirects.get(app.url("/login")).send().await.expect("GET").status(), 200);
    assert_eq!(app.server_fn("conversations", "cs_session=forged", &[]).await.status(), 401);

    let refused = tokio_tungstenite::connect_async(format!("ws://{}/api/v1/ws/dashboard", app.address)).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401 before the upgrade, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_address_must_be_verified_through_the_mailed_link_once() {
    let app = spawn_app().await;
    let cookie = app.register("vera@verify.example", "Verify Co").await;
    let mail = app.latest_mail("vera@verify.example").await;
    assert_eq!(mail.kind, "verify_email");
    assert!(mail.body.contains(&format!("http://{}/verify-email?token=", app.address)), "{}", mail.body);

    // Unverified: signed in, but the dashboard refuses with a clear reason.
    let blocked = app.server_fn("conversations", &cookie, &[]).await;
    assert_eq!(blocked.status(), 403);
    assert_eq!(blocked.json::<ApiError>().await.expect("error"), ApiError::EmailNotVerified);
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page =
        no_redirects.get(app.url("/conversations")).header("cookie", &cookie).send().await.expect("GET");
    assert_eq!(page.headers()["location"], "/verify-email");

    let token = app.token_from_mail("vera@verify.example").await;
    let verify = |token: String| {
        let request =
            app.http.post(app.url("/api/v1/auth/verify-email")).json(&serde_json::json!({ "token": token }));
        async move { request.send().await.expect("answers") }
    };
    assert_eq!(verify(token.clone()).await.status(), 200);
    assert_eq!(app.latest_mail("vera@verify.example").await.kind, "welcome");
    assert_eq!(app.server_fn("conversations", &cookie, &[]).await.status(), 200);

    // Opening the link again says it is verified (mail scanners open links too); it sends no
    // second welcome. A made-up token is refused.
    assert_eq!(verify(token).await.status(), 200);
    let welcomes = chatsupport::entities::outbox::Entity::find()
        .filter(chatsupport::entities::outbox::Column::Kind.eq("welcome"))
        .count(&app.state.handles.db)
        .await
        .expect("count");
    assert_eq!(welcomes, 1);
    for bad in ["0".repeat(64), "not-a-token".to_owned()] {
        let (status, error, message) = api_error(verify(bad).await).await;
        assert_eq!(status, 422);
        assert!(matches!(error, ApiError::Validation { .. }));
        assert!(message.contains("invalid, already used or expired"));
    }
}

#[tokio::test]
async fn a_password_reset_works_once_and_ends_every_session() {
    let app = spawn_app().await;
    let old_session = app.sign_in("jane@acme.com", "password123").await;
    let forgot = |email: &str| {
        let request = app
            .http
            .post(app.url("/api/v1/auth/forgot-password"))
            .json(&serde_json::json!({ "email": email }));
        async move { request.send().await.expect("answers").status() }
    };
    assert_eq!(forgot("jane@acme.com").await, 202);
    assert_eq!(forgot("nobody@acme.com").await, 202, "unknown addresses look the same");
    let mail = app.latest_mail("jane@acme.com").await;
    assert_eq!(mail.kind, "password_reset");
    let token = app.token_from_mail("jane@acme.com").await;

    let reset = |token: &str, password: &str| {
        let request = app
            .http
            .post(app.url("/api/v1/auth/reset-password"))
            .json(&serde_json::json!({ "token": token, "password": password }));
        async move { request.send().await.expect("answers") }
    };
    let (status, error, _) = api_error(reset(&token, "weak").await).await;
    assert_eq!(status, 422);
    assert!(matches!(error, ApiError::Validation { ref fields } if fields[0].field == "password"));
    assert_eq!(reset(&token, "N3w!password").await.status(), 204);
    assert_eq!(reset(&token, "An0ther!one").await.status(), 422, "the link works once");

    let me =
        app.http.get(app.url("/api/v1/auth/me")).header("cookie", &old_session).send().await.expect("me");
    assert_eq!(me.status(), 401, "old sessions ended");
    assert_eq!(login(&app, "jane@acme.com", "password123").await.status(), 401);
    assert_eq!(login(&app, "jane@acme.com", "N3w!password").await.status(), 200);
}

#[tokio::test]
async fn every_mail_is_also_written_as_an_eml_file() {
    let app = spawn_app().await;
    app.register("eml@files.example", "Files Co").await;
    let dir = app.state.handles.config.outbox_dir();
    let files: Vec<_> = std::fs::read_dir(&dir).expect("outbox dir").filter_map(Result::ok).collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).expect("eml");
    assert!(eml.contains("To: eml@files.example") && eml.contains("Subject: Verify your email"), "{eml}");
}

#[tokio::test]
async fn signing_out_of_other_sessions_keeps_only_this_one() {
    let app = spawn_app().await;
    let laptop = app.sign_in("jane@acme.com", "password123").await;
    let phone = app.sign_in("jane@acme.com", "password123").await;
    let (status, listed) = app.get_json("/api/v1/auth/sessions", &phone).await;
    assert_eq!(status, 200);
    let sessions = listed["sessions"].as_array().expect("sessions").clone();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(sessions[0]["ip"], "127.0.0.1");

    let ended: serde_json::Value = app
        .http
        .post(app.url("/api/v1/auth/logout-others"))
        .header("cookie", &phone)
        .send()
        .await
        .expect("logout-others")
        .json()
        .await
        .expect("json");
    assert_eq!(ended["ended"], 1);
    assert_eq!(app.get_json("/api/v1/auth/me", &laptop).await.0, 401);
    assert_eq!(app.get_json("/api/v1/auth/me", &phone).await.0, 200);
}
