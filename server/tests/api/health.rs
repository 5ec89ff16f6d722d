use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_the_database_and_the_search_index() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["search_index"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    // The demo conversation's message was indexed at startup.
    assert_eq!(body["indexed_messages"], 1);
}

#[tokio::test]
async fn the_openapi_document_describes_health_and_swagger_ui_is_served_offline() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.expect("json");
    assert!(doc["paths"]["/api/v1/health"]["get"].is_object(), "{doc}");
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
    let ui = app.get("/api/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.expect("html").contains("swagger"));
}

#[tokio::test]
async fn an_unknown_api_path_is_a_not_found_api_error() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}
