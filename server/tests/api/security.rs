//! Two-factor sign-in (TOTP), Settings → Security (idle timeout, IP allow-list), the profile,
//! and integration credentials sealed at rest.

use app::ApiError;
use chatsupport::entities::{integration_credential, organization, session, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{TestApp, error_of, session_cookie, spawn_app};

fn code_for(secret: &str, email: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().expect("base32");
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, Some("ChatSupport".into()), email.into())
        .expect("totp")
        .generate_current()
        .expect("clock")
}

async fn post(app: &TestApp, path: &str, cookie: &str, body: serde_json::Value) -> reqwest::Response {
    app.send_json("POST", path, cookie, body).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login answers")
}

#[tokio::test]
async fn two_factor_sign_in_asks_for_a_code_after_the_password() {
    let app = spawn_app().await;
    let email = "mfa@example.com";
    let cookie = app.register_verified(email, "Second Factor Ltd").await;
    let setup: serde_json::Value = post(&app, "/api/v1/auth/mfa/setup", &cookie, serde_json::json!({}))
        .await
        .json()
        .await
        .expect("json");
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    assert!(setup["otpauth_url"].as_str().is_some_and(|u| u.starts_with("otpauth://totp/")));
    assert!(setup["qr_svg"].as_str().is_some_and(|svg| svg.contains("<svg")));

    let (status, error) = error_of(
        post(&app, "/api/v1/auth/mfa/enable", &cookie, serde_json::json!({ "code": "12345" })).await,
    )
    .await;
    assert_eq!((status, matches!(error, ApiError::Validation { .. })), (422, true));
    let (_, me) = app.get_json("/api/v1/profile", &cookie).await;
    assert_eq!(me["mfa_enabled"], false, "a wrong code turns nothing on");
    let enabled = post(
        &app,
        "/api/v1/auth/mfa/enable",
        &cookie,
        serde_json::json!({ "code": code_for(&secret, email) }),
    )
    .await;
    assert_eq!(enabled.status(), 204);

    // The password alone no longer signs in: a challenge for the second step.
    let (status, error) = error_of(login(&app, email, "Str0ng!pass").await).await;
    assert_eq!(status, 401);
    let ApiError::MfaRequired { challenge } = error else { panic!("expected mfa_required: {error:?}") };
    let second = |code: String| {
        let (app, challenge) = (&app, challenge.clone());
        async move {
            app.http
                .post(app.url("/api/v1/auth/login/mfa"))
                .json(&serde_json::json!({ "challenge": challenge, "code": code }))
                .send()
                .await
                .expect("answers")
        }
    };
    let (status, _) = error_of(second("000000".into()).await).await;
    assert_eq!(status, 422, "a wrong code is refused and the challenge stays");
    let signed_in = second(code_for(&secret, email)).await;
    assert_eq!(signed_in.status(), 200);
    let fresh = session_cookie(&signed_in);
    let (status, _) = app.get_json("/api/v1/auth/me", &fresh).await;
    assert_eq!(status, 200);
    let (status, _) = error_of(second(code_for(&secret, email)).await).await;
    assert_eq!(status, 422, "a challenge signs in once");

    // Turning it off needs a current code.
    let (status, _) = error_of(
        post(&app, "/api/v1/auth/mfa/disable", &fresh, serde_json::json!({ "code": "999999" })).await,
    )
    .await;
    assert_eq!(status, 422);
    let off = post(
        &app,
        "/api/v1/auth/mfa/disable",
        &fresh,
        serde_json::json!({ "code": code_for(&secret, email) }),
    )
    .await;
    assert_eq!(off.status(), 204);
    assert_eq!(login(&app, email, "Str0ng!pass").await.status(), 200);
}

#[tokio::test]
async fn the_totp_seed_is_sealed_at_rest() {
    let app = spawn_app().await;
    let cookie = app.register_verified("seal@example.com", "Sealed").await;
    let setup: serde_json::Value = post(&app, "/api/v1/auth/mfa/setup", &cookie, serde_json::json!({}))
        .await
        .json()
        .await
        .expect("json");
    let stored = chatsupport::entities::user::Entity::find()
        .filter(chatsupport::entities::user::Column::Email.eq("seal@example.com"))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("user");
    let sealed = stored.mfa_secret.expect("a sealed seed");
    assert!(!sealed.contains(setup["secret"].as_str().expect("secret")), "never stored in the clear");
}

#[tokio::test]
async fn an_allow_list_that_leaves_out_the_caller_is_refused_and_one_that_excludes_others_locks_them_out() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let put = |body: serde_json::Value| app.send_json("PUT", "/api/v1/organization/security", &owner, body);
    let (status, error) = error_of(
        put(serde_json::json!({ "require_mfa": false, "session_timeout_minutes": null, "ip_allowlist": ["10.0.0.0/8"] }))
            .await,
    )
    .await;
    assert_eq!(status, 422, "saving would lock the owner out");
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
    let (status, error) = error_of(
        put(serde_json::json!({ "require_mfa": false, "session_timeout_minutes": 7, "ip_allowlist": ["not-an-ip"] }))
            .await,
    )
    .await;
    let ApiError::Validation { fields } = error else { panic!("{error:?}") };
    assert_eq!(status, 422);
    assert_eq!(
        fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["session_timeout_minutes", "ip_allowlist"]
    );

    let saved = put(serde_json::json!({
        "require_mfa": false, "session_timeout_minutes": 60, "ip_allowlist": ["10.0.0.0/8", "127.0.0.1"]
    }))
    .await;
    assert_eq!(saved.status(), 200);
    let (status, _) = app.get_json("/api/v1/team", &owner).await;
    assert_eq!(status, 200, "the listed address still gets in");

    // Tighten it behind the owner's back (as if they were elsewhere): every way in is closed.
    let acme = app.demo_org().await;
    organization::Entity::update_many()
        .col_expr(organization::Column::IpAllowlist, Expr::value("10.0.0.0/8"))
        .filter(organization::Column::Id.eq(acme.0))
        .exec(&app.state.handles.db)
        .await
        .expect("update");
    let (status, error) =
        error_of(app.http.get(app.url("/api/v1/team")).header("cookie", &owner).send().await.expect("a"))
            .await;
    assert_eq!((status, error), (403, ApiError::IpNotAllowed));
    let (status, error) = error_of(login(&app, "jane@acme.com", "password123").await).await;
    assert_eq!((status, error), (403, ApiError::IpNotAllowed));
    let response = app.server_fn("conversations", &owner, &[]).await;
    assert_eq!(response.status(), 403, "server functions too");
    let error: ApiError = response.json().await.expect("an ApiError");
    assert_eq!(error, ApiError::IpNotAllowed);
}

#[tokio::test]
async fn idle_sessions_end_after_the_organizations_timeout() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let saved = app
        .send_json(
            "PUT",
            "/api/v1/organization/security",
            &owner,
            serde_json::json!({ "require_mfa": false, "session_timeout_minutes": 15, "ip_allowlist": [] }),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let (status, _) = app.get_json("/api/v1/auth/me", &owner).await;
    assert_eq!(status, 200);
    let acme = app.demo_org().await;
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(16)),
        )
        .filter(session::Column::OrganizationId.eq(acme.0))
        .exec(&app.state.handles.db)
        .await
        .expect("age the sessions");
    let (status, _) =
        error_of(app.http.get(app.url("/api/v1/auth/me")).header("cookie", &owner).send().await.expect("a"))
            .await;
    assert_eq!(status, 401, "16 idle minutes end a session under a 15-minute timeout");
}

#[tokio::test]
async fn the_profile_keeps_contact_details_and_notification_choices() {
    let app = spawn_app().await;
    let jane = app.sign_in("jane@acme.com", "password123").await;
    let response = app
        .patch_json(
            "/api/v1/profile",
            &jane,
            serde_json::json!({
                "phone": "+1 (555) 010-2030", "bio": "Support lead.", "job_title": "Head of Support",
                "avatar_url": "https://cdn.example.com/jane.png",
                "notifications": { "new_conversation": true, "escalation": true, "weekly_report": false, "security_alerts": true }
            }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (_, me) = app.get_json("/api/v1/profile", &jane).await;
    assert_eq!(me["phone"], "+1 (555) 010-2030");
    assert_eq!(me["job_title"], "Head of Support");
    assert_eq!(me["notifications"]["weekly_report"], false);

    let (status, error) = error_of(
        app.patch_json(
            "/api/v1/profile",
            &jane,
            serde_json::json!({ "phone": "call me maybe", "avatar_url": "javascript:alert(1)", "bio": "x".repeat(1001) }),
        )
        .await,
    )
    .await;
    let ApiError::Validation { fields } = error else { panic!("{error:?}") };
    assert_eq!(status, 422);
    assert_eq!(fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["phone", "bio", "avatar_url"]);
    let (_, me) = app.get_json("/api/v1/profile", &jane).await;
    assert_eq!(me["phone"], "+1 (555) 010-2030", "bad input changes nothing");
}

#[tokio::test]
async fn integration_credentials_are_sealed_shown_as_a_hint_and_kept_per_tenant() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let secret = "xoxb-2468-super-secret-token";
    let created = post(
        &app,
        "/api/v1/integrations/credentials",
        &owner,
        serde_json::json!({ "provider": "slack", "label": "Support channel", "secret": secret }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.expect("json");
    assert_eq!(created["hint"], "…oken");
    assert!(!created.to_string().contains(secret), "the secret is never returned");

    let id: uuid::Uuid = created["id"].as_str().expect("id").parse().expect("uuid");
    let row = integration_credential::Entity::find_by_id(id)
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("row");
    assert!(!row.ciphertext.contains("super-secret"), "sealed at rest");
    let acme = app.demo_org().await;
    let plain =
        chatsupport::integrations::reveal(&app.state.handles.db, &app.state.accounts.secrets, acme.0, id)
            .await
            .expect("the server can open it");
    assert_eq!(plain, secret);

    let other = app.register_verified("rival@example.com", "Rival").await;
    let (_, theirs) = app.get_json("/api/v1/integrations/credentials", &other).await;
    assert_eq!(theirs["credentials"].as_array().map(Vec::len), Some(0));
    let path = format!("/api/v1/integrations/credentials/{id}");
    let deleted = app.http.delete(app.url(&path)).header("cookie", &other).send().await.expect("a");
    assert_eq!(deleted.status(), 404, "another tenant cannot delete it");
    let rival_org = chatsupport::entities::user::Entity::find()
        .filter(chatsupport::entities::user::Column::Email.eq("rival@example.com"))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("rival")
        .organization_id;
    assert!(
        chatsupport::integrations::reveal(&app.state.handles.db, &app.state.accounts.secrets, rival_org, id)
            .await
            .is_err(),
        "nor can the server open it on their behalf"
    );

    let (status, error) = error_of(
        post(
            &app,
            "/api/v1/integrations/credentials",
            &owner,
            serde_json::json!({ "provider": "fax", "label": "", "secret": "" }),
        )
        .await,
    )
    .await;
    let ApiError::Validation { fields } = error else { panic!("{error:?}") };
    assert_eq!(status, 422);
    assert_eq!(fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["provider", "label", "secret"]);
    let deleted = app.http.delete(app.url(&path)).header("cookie", &owner).send().await.expect("a");
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn the_outbox_shows_the_organizations_mail_but_not_someone_elses_sign_in_link() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let invited = post(
        &app,
        "/api/v1/team/invitations",
        &owner,
        serde_json::json!({ "email": "ivy@acme.com", "role": "agent" }),
    )
    .await;
    assert_eq!(invited.status(), 201);
    let reset = app
        .http
        .post(app.url("/api/v1/auth/forgot-password"))
        .json(&serde_json::json!({ "email": "jane@acme.com" }))
        .send()
        .await
        .expect("a");
    assert_eq!(reset.status(), 202);

    let (status, outbox) = app.get_json("/api/v1/outbox", &owner).await;
    assert_eq!(status, 200);
    let mails = outbox["mails"].as_array().expect("mails");
    let of = |kind: &str| {
        mails.iter().find(|m| m["kind"] == kind).unwrap_or_else(|| panic!("a {kind} mail")).clone()
    };
    assert!(
        of("invitation")["body"].as_str().is_some_and(|b| b.contains("token=")),
        "the inviter may read the link"
    );
    let hidden = of("password_reset");
    assert_eq!(hidden["to"], "jane@acme.com");
    assert!(
        !hidden["body"].as_str().unwrap_or_default().contains("token="),
        "someone else's reset link stays hidden"
    );

    let jane = app.sign_in("jane@acme.com", "password123").await;
    let (_, hers) = app.get_json("/api/v1/outbox", &jane).await;
    let own = hers["mails"]
        .as_array()
        .expect("mails")
        .iter()
        .find(|m| m["kind"] == "password_reset")
        .cloned()
        .expect("hers");
    assert!(own["body"].as_str().is_some_and(|b| b.contains("token=")), "her own link is hers to read");

    let other = app.register_verified("solo@example.com", "Solo").await;
    let (_, theirs) = app.get_json("/api/v1/outbox", &other).await;
    assert!(!theirs.to_string().contains("acme.com"), "another organization sees none of it");
}

#[tokio::test]
async fn when_two_factor_is_required_the_unenrolled_only_reach_their_profile() {
    let app = spawn_app().await;
    let owner = app.register_verified("strict@example.com", "Strict Co").await;
    let rules =
        serde_json::json!({ "require_mfa": true, "session_timeout_minutes": null, "ip_allowlist": [] });
    assert_eq!(app.send_json("PUT", "/api/v1/organization/security", &owner, rules).await.status(), 200);
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = |path: &str| no_redirects.get(app.url(path)).header("cookie", &owner).send();
    let team = page("/team").await.expect("a");
    assert_eq!(team.status(), 303);
    assert_eq!(team.headers()["location"], "/profile");
    assert_eq!(page("/profile").await.expect("a").status(), 200, "where they set it up");

    let setup: serde_json::Value =
        post(&app, "/api/v1/auth/mfa/setup", &owner, serde_json::json!({})).await.json().await.expect("json");
    let code = code_for(setup["secret"].as_str().expect("secret"), "strict@example.com");
    assert_eq!(
        post(&app, "/api/v1/auth/mfa/enable", &owner, serde_json::json!({ "code": code })).await.status(),
        204
    );
    assert_eq!(page("/team").await.expect("a").status(), 200, "enrolled: every page opens again");
    let (status, _) = error_of(
        post(&app, "/api/v1/auth/mfa/disable", &owner, serde_json::json!({ "code": "000000" })).await,
    )
    .await;
    assert_eq!(status, 409, "a required second factor cannot be turned off");
}

#[tokio::test]
async fn an_organization_standing_that_does_not_parse_lets_nobody_in() {
    let app = spawn_app().await;
    let acme = app.demo_org().await;
    organization::Entity::update_many()
        .col_expr(organization::Column::Status, Expr::value("archived-by-mistake"))
        .filter(organization::Column::Id.eq(acme.0))
        .exec(&app.state.handles.db)
        .await
        .expect("corrupt the row");
    let login = app.login("admin@acme.com", "password123").await;
    assert_eq!(login.status(), 403, "an unknown standing is not read as active");
}

#[tokio::test]
async fn an_account_standing_that_does_not_parse_is_refused_not_read_as_active() {
    let app = spawn_app().await;
    user::Entity::update_many()
        .col_expr(user::Column::Status, Expr::value("Active "))
        .filter(user::Column::Email.eq("admin@acme.com"))
        .exec(&app.state.handles.db)
        .await
        .expect("corrupt the row");
    let login = app.login("admin@acme.com", "password123").await;
    assert_eq!(login.status(), 403, "an unknown standing is not read as active");
}
