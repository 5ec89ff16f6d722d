use app::{ApiError, auth::TeamMember};

use crate::helpers::{TestApp, spawn_app};

async fn invite(app: &TestApp, cookie: &str, email: &str, role: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/team/invitations"))
        .header("cookie", cookie)
        .json(&serde_json::json!({ "email": email, "role": role }))
        .send()
        .await
        .expect("invite answers")
}

async fn accept(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/accept-invitation"))
        .json(&serde_json::json!({ "token": token, "name": "Agnes Agent", "password": password }))
        .send()
        .await
        .expect("accept answers")
}

async fn error_of(response: reqwest::Response) -> (u16, ApiError) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("json");
    (status, serde_json::from_value(body["error"].clone()).expect("an ApiError"))
}

#[tokio::test]
async fn an_invited_agent_accepts_and_gets_exactly_an_agents_access() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let invited = invite(&app, &owner, "agnes@acme.com", "agent").await;
    assert_eq!(invited.status(), 201);
    let member: TeamMember = invited.json().await.expect("member");
    assert_eq!((member.status.as_str(), member.role), ("invited", app::auth::Role::Agent));
    let mail = app.latest_mail("agnes@acme.com").await;
    assert_eq!(mail.kind, "invitation");
    assert!(mail.subject.contains("Acme Corp") && mail.body.contains("as agent"), "{}", mail.subject);

    // Not a usable account before accepting.
    let early = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "agnes@acme.com", "password": "" }))
        .send()
        .await
        .expect("login");
    assert_eq!(early.status(), 401);

    let token = app.token_from_mail("agnes@acme.com").await;
    assert_eq!(error_of(accept(&app, &token, "weak").await).await.0, 422);
    let accepted = accept(&app, &token, "Ag3nt!pass").await;
    assert_eq!(accepted.status(), 200);
    let agent = crate::helpers::session_cookie(&accepted);
    assert_eq!(error_of(accept(&app, &token, "Ag3nt!pass").await).await.0, 422, "the link works once");

    // What the matrix allows an agent: conversations yes, team no.
    assert_eq!(app.server_fn("conversations", &agent, &[]).await.status(), 200);
    assert_eq!(app.server_fn("team", &agent, &[]).await.status(), 403);
    assert_eq!(
        error_of(invite(&app, &agent, "friend@acme.com", "agent").await).await,
        (403, ApiError::Forbidden)
    );
    let listed = app.http.get(app.url("/api/v1/team")).header("cookie", &agent).send().await.expect("team");
    assert_eq!(listed.status(), 403);

    // The owner's team now shows her as active.
    let team: serde_json::Value = app
        .http
        .get(app.url("/api/v1/team"))
        .header("cookie", &owner)
        .send()
        .await
        .expect("team")
        .json()
        .await
        .expect("json");
    let agnes =
        team["members"].as_array().expect("members").iter().find(|m| m["email"] == "agnes@acme.com").cloned();
    let agnes = agnes.expect("agnes is listed");
    assert_eq!((agnes["status"].as_str(), agnes["name"].as_str()), (Some("active"), Some("Agnes Agent")));
}

#[tokio::test]
async fn nobody_is_invited_as_owner_or_twice_and_bad_roles_are_refused() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (status, error) = error_of(invite(&app, &owner, "boss@acme.com", "owner").await).await;
    assert_eq!(status, 422);
    assert!(matches!(error, ApiError::Validation { ref fields } if fields[0].field == "role"));
    assert_eq!(error_of(invite(&app, &owner, "jane@acme.com", "agent").await).await.0, 409);
    assert_eq!(error_of(invite(&app, &owner, "new@acme.com", "superuser").await).await.0, 400);
    assert_eq!(error_of(invite(&app, &owner, "not-an-email", "agent").await).await.0, 422);
}

#[tokio::test]
async fn a_team_is_visible_only_to_its_own_organization() {
    let app = spawn_app().await;
    let other = app.register_verified("olga@other.example", "Other Org").await;
    let team: serde_json::Value = app
        .http
        .get(app.url("/api/v1/team"))
        .header("cookie", &other)
        .send()
        .await
        .expect("team")
        .json()
        .await
        .expect("json");
    let emails: Vec<_> =
        team["members"].as_array().expect("members").iter().map(|m| m["email"].clone()).collect();
    assert_eq!(emails, [serde_json::json!("olga@other.example")]);
}

#[tokio::test]
async fn an_admin_with_an_api_token_can_invite_through_rest() {
    let app = spawn_app().await;
    let login: serde_json::Value = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "jane@acme.com", "password": "password123" }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let access = login["access_token"].as_str().expect("token");
    let response = app
        .http
        .post(app.url("/api/v1/team/invitations"))
        .bearer_auth(access)
        .json(&serde_json::json!({ "email": "vic@acme.com", "role": "viewer" }))
        .send()
        .await
        .expect("invite");
    assert_eq!(response.status(), 201);
}
