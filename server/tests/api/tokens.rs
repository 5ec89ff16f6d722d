use app::ApiError;

use crate::helpers::spawn_app;

async fn login_json(app: &crate::helpers::TestApp, email: &str, password: &str) -> serde_json::Value {
    let response = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn refresh(app: &crate::helpers::TestApp, token: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/refresh"))
        .json(&serde_json::json!({ "refresh_token": token }))
        .send()
        .await
        .expect("refresh")
}

async fn me_with(app: &crate::helpers::TestApp, access: &str) -> reqwest::Response {
    app.http.get(app.url("/api/v1/auth/me")).bearer_auth(access).send().await.expect("me")
}

#[tokio::test]
async fn login_returns_the_prd_token_structure_and_the_access_token_works() {
    let app = spawn_app().await;
    let body = login_json(&app, "admin@acme.com", "password123").await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["role"], "owner");
    let access = body["access_token"].as_str().expect("access token");
    assert_eq!(access.split('.').count(), 3, "a JWT");
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() == 64));

    let me = me_with(&app, access).await;
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.expect("json");
    assert_eq!(me["user"]["email"], "admin@acme.com");

    let mut forged = access.to_owned();
    forged.pop();
    forged.push(if access.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(me_with(&app, &forged).await.status(), 401);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_family() {
    let app = spawn_app().await;
    let first = login_json(&app, "admin@acme.com", "password123").await;
    let first_refresh = first["refresh_token"].as_str().expect("token").to_owned();

    let second = refresh(&app, &first_refresh).await;
    assert_eq!(second.status(), 200);
    let second: serde_json::Value = second.json().await.expect("json");
    let second_refresh = second["refresh_token"].as_str().expect("token").to_owned();
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(me_with(&app, second["access_token"].as_str().expect("access")).await.status(), 200);

    // The first token was rotated away: using it again is theft, and ends the whole family.
    assert_eq!(refresh(&app, &first_refresh).await.status(), 401);
    assert_eq!(refresh(&app, &second_refresh).await.status(), 401, "the family is revoked");
    assert_eq!(refresh(&app, "made-up").await.status(), 401);
}

#[tokio::test]
async fn logout_with_a_refresh_token_revokes_it() {
    let app = spawn_app().await;
    let body = login_json(&app, "jane@acme.com", "password123").await;
    let token = body["refresh_token"].as_str().expect("token");
    let out = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .json(&serde_json::json!({ "refresh_token": token }))
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 204);
    assert_eq!(refresh(&app, token).await.status(), 401);
}

#[tokio::test]
async fn roles_without_api_access_cannot_use_bearer_tokens() {
    let app = spawn_app().await;
    let owner = login_json(&app, "admin@acme.com", "password123").await;
    let owner_access = owner["access_token"].as_str().expect("access").to_owned();
    // Demote Jane to agent: agents work in the dashboard, not through the API (PRD §5.1.2).
    use chatsupport::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value("agent"))
        .filter(user::Column::Email.eq("jane@acme.com"))
        .exec(&app.state.handles.db)
        .await
        .expect("demote");
    let agent = login_json(&app, "jane@acme.com", "password123").await;
    let response = me_with(&app, agent["access_token"].as_str().expect("access")).await;
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        serde_json::from_value::<ApiError>(body["error"].clone()).expect("error"),
        ApiError::Forbidden
    );
    assert_eq!(me_with(&app, &owner_access).await.status(), 200);
}
