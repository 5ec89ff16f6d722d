//! API keys: created by owners and admins with a role no higher than their own, shown once,
//! stored hashed, acting with the key's role, revoked for good.

use app::ApiError;
use chatsupport::entities::api_key;
use sea_orm::{EntityTrait, QueryFilter};

use crate::helpers::{TestApp, error_of, spawn_app};

async fn create(app: &TestApp, cookie: &str, body: serde_json::Value) -> reqwest::Response {
    app.send_json("POST", "/api/v1/api-keys", cookie, body).await
}

fn bearer(app: &TestApp, method: &str, path: &str, key: &str) -> reqwest::RequestBuilder {
    app.http.request(method.parse().expect("method"), app.url(path)).bearer_auth(key)
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_acts_with_its_role_and_dies_when_revoked() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let response = create(&app, &owner, serde_json::json!({ "name": "CRM sync", "role": "viewer" })).await;
    assert_eq!(response.status(), 201);
    let made: serde_json::Value = response.json().await.expect("json");
    let key = made["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("cs_live_") && key.len() == 40, "{key}");
    let id: uuid::Uuid = made["api_key"]["id"].as_str().expect("id").parse().expect("uuid");

    let row = api_key::Entity::find_by_id(id).one(&app.state.handles.db).await.expect("q").expect("row");
    assert_ne!(row.key_hash, key, "only the hash is kept");
    assert!(!row.key_hash.contains(&key[8..]));
    let (_, listed) = app.get_json("/api/v1/api-keys", &owner).await;
    assert!(!listed.to_string().contains(&key), "lists never show the key");
    assert_eq!(listed["keys"][0]["prefix"], &key[..12]);

    let read = bearer(&app, "GET", "/api/v1/chatbots", &key).send().await.expect("a");
    assert_eq!(read.status(), 200, "a viewer key reads");
    let write = bearer(&app, "PATCH", "/api/v1/organization", &key)
        .json(&serde_json::json!({ "industry": "Retail" }))
        .send()
        .await
        .expect("a");
    assert_eq!(write.status(), 403, "a viewer key does not change settings");
    let (_, listed) = app.get_json("/api/v1/api-keys", &owner).await;
    assert!(listed["keys"][0]["last_used_at"].is_string(), "use is recorded");

    let revoked = app
        .http
        .delete(app.url(&format!("/api/v1/api-keys/{id}")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("a");
    assert_eq!(revoked.status(), 204);
    let refused = bearer(&app, "GET", "/api/v1/chatbots", &key).send().await.expect("a");
    assert_eq!(refused.status(), 401, "a revoked key is refused");
    let forged = bearer(&app, "GET", "/api/v1/chatbots", "cs_live_0000000000000000000000000000000")
        .send()
        .await
        .expect("a");
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn keys_never_outrank_their_creator_and_bad_requests_say_why() {
    let app = spawn_app().await;
    let jane = app.sign_in("jane@acme.com", "password123").await;
    let (status, error) =
        error_of(create(&app, &jane, serde_json::json!({ "name": "Root", "role": "owner" })).await).await;
    assert_eq!(status, 422);
    assert!(matches!(error, ApiError::Validation { .. }));
    let (status, _) =
        error_of(create(&app, &jane, serde_json::json!({ "name": "  ", "role": "agent" })).await).await;
    assert_eq!(status, 422, "a key needs a name");
    let made = create(&app, &jane, serde_json::json!({ "name": "Helpdesk bridge", "role": "admin" })).await;
    assert_eq!(made.status(), 201, "an admin may create an admin key");
    let key = made.json::<serde_json::Value>().await.expect("json")["key"].as_str().expect("key").to_owned();
    let minted = app
        .http
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "name": "Child", "role": "admin" }))
        .send()
        .await
        .expect("a");
    assert_eq!(minted.status(), 201, "an admin key has API access like its role");

    // Deactivating the creator stops their keys.
    let jane_id = chatsupport::entities::user::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(&chatsupport::entities::user::Column::Email, "jane@acme.com"))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("jane")
        .id;
    let owner = app.demo_owner().await;
    let deactivated = app
        .patch_json(
            &format!("/api/v1/team/{jane_id}"),
            &owner,
            serde_json::json!({ "status": "deactivated" }),
        )
        .await;
    assert_eq!(deactivated.status(), 200);
    let refused = app.http.get(app.url("/api/v1/chatbots")).bearer_auth(&key).send().await.expect("a");
    assert_eq!(refused.status(), 403, "a deactivated creator's keys stop working");
}
