use app::ApiError;

use crate::helpers::{error_of, spawn_app};

async fn patch(app: &crate::helpers::TestApp, cookie: &str, body: serde_json::Value) -> reqwest::Response {
    app.patch_json("/api/v1/organization", cookie, body).await
}

#[tokio::test]
async fn an_admin_edits_the_profile_and_the_change_is_audited() {
    let app = spawn_app().await;
    let jane = app.sign_in("jane@acme.com", "password123").await;
    let response = patch(
        &app,
        &jane,
        serde_json::json!({
            "website": "https://acme.example", "industry": "Outdoor retail", "company_size": "51-200",
            "primary_color": "#FF6600"
        }),
    )
    .await;
    assert_eq!(response.status(), 200);
    let (_, profile) = app.get_json("/api/v1/organization", &jane).await;
    assert_eq!(profile["website"], "https://acme.example");
    assert_eq!(profile["company_size"], "51-200");
    assert_eq!(profile["primary_color"], "#ff6600");
    assert_eq!(profile["name"], "Acme Corp", "absent fields stay");

    let (_, log) = app.get_json("/api/v1/audit-log?action=organization.updated", &jane).await;
    let entry = &log["entries"][0];
    assert_eq!(entry["actor_name"], "Jane Doe");
    assert!(entry["after"].as_str().is_some_and(|a| a.contains("Outdoor retail")));
}

#[tokio::test]
async fn bad_profile_values_name_every_field_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let response = patch(
        &app,
        &owner,
        serde_json::json!({
            "name": "", "website": "acme.example", "company_size": "huge", "primary_color": "orange",
            "industry": "x".repeat(101)
        }),
    )
    .await;
    let (status, error) = error_of(response).await;
    assert_eq!(status, 422);
    let ApiError::Validation { fields } = error else { panic!("expected validation: {error:?}") };
    let named: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["name", "website", "industry", "company_size", "primary_color"]);
    let (_, profile) = app.get_json("/api/v1/organization", &owner).await;
    assert_eq!(profile["name"], "Acme Corp");
    assert!(profile["website"].is_null());
}
