//! The plan catalog (seeded data), workspace usage pools, plan changes and usage counting.

use app::ApiError;
use chatsupport::billing::{Pool, consume};
use sea_orm::EntityTrait;

use crate::helpers::{error_of, spawn_app};

#[tokio::test]
async fn the_catalog_merges_seed_000_tiers_with_seed_001_free_tier_and_limits() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/plans").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    let ids: Vec<&str> =
        body["plans"].as_array().expect("plans").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids, ["free", "starter", "basic", "growth", "premium", "enterprise"]);
    let free = &body["plans"][0];
    assert_eq!(free["monthly_price_cents"], 0);
    assert_eq!(free["limits"]["max_chatbots"], 1);
    assert_eq!(free["limits"]["api_access"], false);
    let growth = &body["plans"][3];
    assert_eq!(growth["widget_loads"], 5000, "seed 000's growth pools");
    assert_eq!(growth["overage_widget_loads_micros"], 40_000, "$0.04 per load");
    let enterprise = &body["plans"][5];
    assert!(enterprise["monthly_price_cents"].is_null(), "custom pricing");
    assert!(enterprise["messages"].is_null(), "unlimited");
}

#[tokio::test]
async fn workspaces_show_usage_pools_wallet_and_billing_dates() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (status, body) = app.get_json("/api/v1/workspaces", &owner).await;
    assert_eq!(status, 200);
    let ws = &body["workspaces"][0];
    assert_eq!(ws["plan"], "growth");
    assert_eq!(ws["plan_name"], "Growth");
    assert_eq!(ws["widget_loads"]["used"], 1800, "from the demo snapshot");
    assert_eq!(ws["widget_loads"]["limit"], 5000);
    assert_eq!(ws["widget_loads"]["remaining"], 3200);
    assert_eq!(ws["messages"]["remaining"], 76_000);
    assert_eq!(ws["wallet_credits_cents"], 24_550);
    assert_eq!(ws["bots"], 1);
    assert!(ws["next_billing_at"].is_string());

    let fresh = app.register_verified("pools@example.com", "Pools Ltd").await;
    let (_, body) = app.get_json("/api/v1/workspaces", &fresh).await;
    let ws = &body["workspaces"][0];
    assert_eq!(ws["plan"], "free", "a new organization starts free");
    assert_eq!(ws["messages"]["limit"], 100);
    assert_eq!(ws["messages"]["used"], 0);
}

#[tokio::test]
async fn owners_change_plans_with_an_audit_entry_and_bad_plans_change_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, body) = app.get_json("/api/v1/workspaces", &owner).await;
    let id = body["workspaces"][0]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/workspaces/{id}");

    let (status, error) =
        error_of(app.patch_json(&path, &owner, serde_json::json!({ "plan": "platinum" })).await).await;
    assert_eq!(status, 422);
    assert!(matches!(error, ApiError::Validation { .. }));
    let (status, error) =
        error_of(app.patch_json(&path, &owner, serde_json::json!({ "plan": 5 })).await).await;
    assert_eq!((status, matches!(error, ApiError::BadRequest { .. })), (400, true), "a plan is a string");

    let response = app.patch_json(&path, &owner, serde_json::json!({ "plan": "premium" })).await;
    assert_eq!(response.status(), 200);
    let changed: serde_json::Value = response.json().await.expect("json");
    assert_eq!(changed["plan"], "premium");
    assert_eq!(changed["widget_loads"]["limit"], 20_000);
    assert_eq!(changed["widget_loads"]["used"], 1800, "usage of the period is kept");
    let (_, log) = app.get_json("/api/v1/audit-log?action=workspace.plan_changed", &owner).await;
    assert!(log["entries"][0]["before"].as_str().is_some_and(|b| b.contains("growth")));

    let other = app.register_verified("thief@example.com", "Thief Inc").await;
    let response = app.patch_json(&path, &other, serde_json::json!({ "plan": "free" })).await;
    assert_eq!(response.status(), 404, "another tenant's workspace does not exist for them");
    let (status, _) = app.get_json(&path, &other).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn usage_counts_against_the_pool_and_stops_where_the_plan_bills_no_overage() {
    let app = spawn_app().await;
    let owner = app.register_verified("quota@example.com", "Quota Co").await;
    let (_, body) = app.get_json("/api/v1/workspaces", &owner).await;
    let id: uuid::Uuid = body["workspaces"][0]["id"].as_str().expect("id").parse().expect("uuid");
    let db = &app.state.handles.db;
    consume(db, id, Pool::Messages, 100).await.expect("the free pool holds 100");
    let refused = consume(db, id, Pool::Messages, 1).await.expect_err("the 101st message is refused");
    assert!(matches!(refused, chatsupport::error::Error::Api(ApiError::QuotaExceeded { .. })), "{refused:?}");
    let row = chatsupport::entities::workspace::Entity::find_by_id(id).one(db).await.expect("q").expect("ws");
    assert_eq!(row.messages_used, 100, "a refused unit is not counted");

    // Growth bills overage: past the pool is allowed and priced.
    let demo = app.demo_owner().await;
    let (_, body) = app.get_json("/api/v1/workspaces", &demo).await;
    let growth: uuid::Uuid = body["workspaces"][0]["id"].as_str().expect("id").parse().expect("uuid");
    consume(db, growth, Pool::WidgetLoads, 3300).await.expect("overage is billed, not refused");
    let (_, body) = app.get_json("/api/v1/workspaces", &demo).await;
    let loads = &body["workspaces"][0]["widget_loads"];
    assert_eq!((loads["used"].as_i64(), loads["overage"].as_i64()), (Some(5100), Some(100)));
}
