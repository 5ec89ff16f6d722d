//! Platform administration: the operator named in configuration sees every tenant, suspends
//! and bans with a reason and an end date, overrides limits, and reads a user's activity.

use app::ApiError;
use chatsupport::entities::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{TestApp, error_of, spawn_app_with};

const OPS: &str = "ops@chatsupport.example";

/// An app whose platform admin is OPS, signed in (their own organization).
async fn with_operator() -> (TestApp, String) {
    let app = spawn_app_with(|config| config.platform_admins = vec![OPS.to_owned()]).await;
    let ops = app.register_verified(OPS, "ChatSupport Operations").await;
    (app, ops)
}

async fn user_id(app: &TestApp, email: &str) -> uuid::Uuid {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("user")
        .id
}

#[tokio::test]
async fn the_operator_lists_and_searches_every_tenant_and_user() {
    let (app, ops) = with_operator().await;
    let (_, me) = app.get_json("/api/v1/auth/me", &ops).await;
    assert_eq!(me["user"]["platform_admin"], true);
    let (status, page) = app.get_json("/api/v1/admin/organizations?q=ACME", &ops).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "Acme Corp");
    assert_eq!(page["items"][0]["plans"][0], "growth");
    let (_, all) = app.get_json("/api/v1/admin/organizations", &ops).await;
    assert_eq!(all["total"], 2, "Acme and the operator's own organization");
    let (_, users) = app.get_json("/api/v1/admin/users?q=jane", &ops).await;
    assert_eq!(users["items"][0]["email"], "jane@acme.com");
    assert_eq!(users["items"][0]["organization_name"], "Acme Corp");

    // A customer's owner is no platform admin, whatever their role.
    let owner = app.demo_owner().await;
    let (status, _) = app.get_json("/api/v1/admin/users", &owner).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_suspension_ends_sessions_says_why_and_lifts_itself_at_its_end_date() {
    let (app, ops) = with_operator().await;
    let jane_session = app.sign_in("jane@acme.com", "password123").await;
    let jane = user_id(&app, "jane@acme.com").await;
    let path = format!("/api/v1/admin/users/{jane}");

    let (status, error) =
        error_of(app.patch_json(&path, &ops, serde_json::json!({ "status": "suspended" })).await).await;
    assert_eq!(status, 422, "a suspension needs a reason");
    assert!(matches!(error, ApiError::Validation { .. }));
    let (status, _) = error_of(
        app.patch_json(
            &path,
            &ops,
            serde_json::json!({ "status": "suspended", "reason": "x", "suspended_until": "2001-01-01" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "the end date must be ahead");

    let until = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let response = app
        .patch_json(
            &path,
            &ops,
            serde_json::json!({ "status": "suspended", "reason": "Chargeback under review", "suspended_until": until,
                                "tags": ["billing", "vip"], "admin_notes": "Called on Monday." }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let updated: serde_json::Value = response.json().await.expect("json");
    assert_eq!(updated["status"], "suspended");
    assert_eq!(updated["tags"], serde_json::json!(["billing", "vip"]));

    let (status, _) = app.get_json("/api/v1/auth/me", &jane_session).await;
    assert_eq!(status, 401, "her sessions ended");
    let login = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "jane@acme.com", "password": "password123" }))
        .send()
        .await
        .expect("a");
    let (status, error) = error_of(login).await;
    assert_eq!(status, 403);
    let message = error.to_string();
    assert!(message.contains("suspended until") && message.contains("Chargeback under review"), "{message}");

    // Her activity shows the refused attempt; the Acme audit log shows who suspended her.
    let (_, activity) = app.get_json(&path, &ops).await;
    assert_eq!(activity["logins"][0]["success"], false);
    assert_eq!(activity["logins"][0]["reason"], "suspended");
    let owner = app.demo_owner().await;
    let (_, log) = app.get_json("/api/v1/audit-log?action=platform.user_updated", &owner).await;
    assert!(log["entries"][0]["actor_name"].as_str().is_some_and(|a| a.contains("platform admin")));

    // The end date passes: she is back without anyone lifting it.
    user::Entity::update_many()
        .col_expr(
            user::Column::SuspendedUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(user::Column::Id.eq(jane))
        .exec(&app.state.handles.db)
        .await
        .expect("expire");
    app.sign_in("jane@acme.com", "password123").await;

    let me = user_id(&app, OPS).await;
    let (status, _) = error_of(
        app.patch_json(
            &format!("/api/v1/admin/users/{me}"),
            &ops,
            serde_json::json!({ "status": "banned", "reason": "oops" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "an operator cannot ban themselves");
}

#[tokio::test]
async fn banning_an_organization_closes_it_and_overrides_change_its_limits() {
    let (app, ops) = with_operator().await;
    let owner = app.demo_owner().await;
    let acme = app.demo_org().await;
    let path = format!("/api/v1/admin/organizations/{}", acme.0);

    let response = app.patch_json(&path, &ops, serde_json::json!({ "custom_max_messages": 250000 })).await;
    assert_eq!(response.status(), 200);
    let (_, workspaces) = app.get_json("/api/v1/workspaces", &owner).await;
    assert_eq!(
        workspaces["workspaces"][0]["messages"]["limit"], 250_000,
        "the override replaces the plan's pool"
    );
    let response = app.patch_json(&path, &ops, serde_json::json!({ "custom_max_messages": -1 })).await;
    assert_eq!(response.status(), 200);
    let (_, workspaces) = app.get_json("/api/v1/workspaces", &owner).await;
    assert_eq!(workspaces["workspaces"][0]["messages"]["limit"], 100_000, "-1 removes it");

    let response = app
        .patch_json(&path, &ops, serde_json::json!({ "status": "banned", "reason": "Spam campaigns" }))
        .await;
    assert_eq!(response.status(), 200);
    let (status, _) = app.get_json("/api/v1/auth/me", &owner).await;
    assert_eq!(status, 401, "every member's session ended");
    let login = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "admin@acme.com", "password": "password123" }))
        .send()
        .await
        .expect("a");
    let (status, error) = error_of(login).await;
    assert_eq!(status, 403);
    assert!(error.to_string().contains("organization has been banned"), "{error}");

    let (_, banned) = app.get_json("/api/v1/admin/organizations?status=banned", &ops).await;
    assert_eq!(banned["total"], 1);
    let response = app.patch_json(&path, &ops, serde_json::json!({ "status": "active" })).await;
    assert_eq!(response.status(), 200);
    app.demo_owner().await;
}

#[tokio::test]
async fn the_admin_page_server_functions_serve_the_operator() {
    let (app, ops) = with_operator().await;
    let response = app.server_fn("admin_organizations", &ops, &[("q", "acme")]).await;
    assert_eq!(response.status(), 200);
    let page: app::platform::AdminPage<app::platform::AdminOrganization> =
        response.json().await.expect("json");
    assert_eq!(page.items.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Acme Corp"]);

    let acme = app.demo_org().await.0.to_string();
    let form = [
        ("id", acme.as_str()),
        ("status", "suspended"),
        ("reason", "Unpaid invoice"),
        ("suspended_until", ""),
        ("tags", "billing, at-risk"),
        ("admin_notes", "Reminder sent."),
        ("custom_max_chatbots", "3"),
        ("custom_max_messages", ""),
        ("custom_max_file_uploads", "abc"),
    ];
    let (status, error) = {
        let response = app.server_fn("admin_update_organization", &ops, &form).await;
        (response.status().as_u16(), response.json::<ApiError>().await.expect("an ApiError"))
    };
    assert_eq!(status, 422, "{error:?}");
    let mut good = form;
    good[8] = ("custom_max_file_uploads", "");
    let response = app.server_fn("admin_update_organization", &ops, &good).await;
    assert_eq!(response.status(), 200);
    let org: app::platform::AdminOrganization = response.json().await.expect("json");
    assert_eq!((org.status.as_str(), org.custom_max_chatbots), ("suspended", Some(3)));
    assert_eq!(org.tags, ["billing", "at-risk"]);
}

#[tokio::test]
async fn the_operators_page_is_not_found_for_anyone_else() {
    let (app, ops) = with_operator().await;
    let owner = app.demo_owner().await;
    let page = |cookie: String| {
        let http = app.http.clone();
        let url = app.url("/admin");
        async move { http.get(url).header("cookie", cookie).send().await.expect("GET") }
    };
    let for_owner = page(owner).await;
    assert_eq!(for_owner.status(), 404, "an owner of a tenant is no operator");
    assert!(for_owner.text().await.expect("body").contains("Page not found"));
    let for_ops = page(ops).await;
    assert_eq!(for_ops.status(), 200);
    assert!(for_ops.text().await.expect("body").contains("Platform admin"));
}
