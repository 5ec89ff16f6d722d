use app::{ApiError, auth::TeamMember};

use crate::helpers::{TestApp, error_of, spawn_app};

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
    let (_, log) = app.get_json("/api/v1/audit-log", &owner).await;
    assert_eq!(log["entries"][0]["action"], "team.invited");
    assert!(log["entries"][0]["after"].as_str().is_some_and(|a| a.contains("agnes@acme.com")));

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

    let (_, log) = app.get_json("/api/v1/audit-log", &owner).await;
    assert_eq!(log["entries"][0]["action"], "team.joined");

    // The owner's team now shows her as active.
    let (_, team) = app.get_json("/api/v1/team", &owner).await;
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
    let (_, team) = app.get_json("/api/v1/team", &other).await;
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

async fn member_id(app: &TestApp, cookie: &str, email: &str) -> String {
    let (_, team) = app.get_json("/api/v1/team", cookie).await;
    team["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == email)
        .and_then(|m| m["id"].as_str())
        .expect("listed")
        .to_owned()
}

async fn patch(app: &TestApp, cookie: &str, id: &str, body: serde_json::Value) -> reqwest::Response {
    app.patch_json(&format!("/api/v1/team/{id}"), cookie, body).await
}

#[tokio::test]
async fn roles_change_members_are_deactivated_and_removed_and_each_step_is_audited() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let jane_session = app.sign_in("jane@acme.com", "password123").await;
    let jane = member_id(&app, &owner, "jane@acme.com").await;

    let demoted = patch(&app, &owner, &jane, serde_json::json!({ "role": "agent" })).await;
    assert_eq!(demoted.status(), 200);
    assert_eq!(app.server_fn("team", &jane_session, &[]).await.status(), 403, "an agent now");

    let off = patch(&app, &owner, &jane, serde_json::json!({ "status": "deactivated" })).await;
    assert_eq!(off.status(), 200);
    let me =
        app.http.get(app.url("/api/v1/auth/me")).header("cookie", &jane_session).send().await.expect("me");
    assert_eq!(me.status(), 401, "deactivation ends her sessions");
    let login = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "jane@acme.com", "password": "password123" }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 403);

    let gone = app
        .http
        .delete(app.url(&format!("/api/v1/team/{jane}")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("delete");
    assert_eq!(gone.status(), 204);

    let (_, log) = app.get_json("/api/v1/audit-log", &owner).await;
    let actions: Vec<&str> =
        log["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["team.removed", "team.deactivated", "team.role_changed"]);
    // (The demo data was loaded, not done by anyone: it is not in the log.)
    let role_change = &log["entries"][2];
    assert_eq!(role_change["actor_name"], "Acme Corp Owner");
    assert!(role_change["before"].as_str().is_some_and(|b| b.contains("admin")));
    assert!(role_change["after"].as_str().is_some_and(|a| a.contains("agent")));
    assert_eq!(role_change["ip"], "127.0.0.1");

    let (_, filtered) = app.get_json("/api/v1/audit-log?action=team.removed", &owner).await;
    assert_eq!(filtered["entries"].as_array().expect("entries").len(), 1);
}

#[tokio::test]
async fn the_owner_and_oneself_cannot_be_changed_and_other_orgs_members_do_not_exist() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let jane_session = app.sign_in("jane@acme.com", "password123").await;
    let owner_id = member_id(&app, &owner, "admin@acme.com").await;
    let jane_id = member_id(&app, &owner, "jane@acme.com").await;

    let (status, error) =
        error_of(patch(&app, &jane_session, &owner_id, serde_json::json!({ "role": "viewer" })).await).await;
    assert_eq!((status, error), (403, ApiError::Forbidden), "an admin cannot demote the owner");
    assert_eq!(
        error_of(patch(&app, &jane_session, &jane_id, serde_json::json!({ "role": "viewer" })).await).await.0,
        409
    );
    assert_eq!(
        error_of(patch(&app, &owner, &jane_id, serde_json::json!({ "role": "owner" })).await).await.0,
        422,
        "nobody becomes owner this way"
    );

    let other = app.register_verified("oscar@other.example", "Other").await;
    assert_eq!(
        error_of(patch(&app, &other, &jane_id, serde_json::json!({ "role": "viewer" })).await).await.0,
        404
    );
    let (_, other_log) = app.get_json("/api/v1/audit-log", &other).await;
    let actions: Vec<&str> = other_log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["organization.created"], "only its own history");
}

#[tokio::test]
async fn the_team_list_searches_filters_and_pages() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    for n in 0..27 {
        let role = if n % 3 == 0 { "viewer" } else { "agent" };
        assert_eq!(invite(&app, &owner, &format!("person{n:02}@acme.com"), role).await.status(), 201);
    }
    let (status, first) = app.get_json("/api/v1/team", &owner).await;
    assert_eq!(status, 200);
    assert_eq!((first["total"].as_u64(), first["per_page"].as_u64()), (Some(29), Some(25)));
    assert_eq!(first["members"].as_array().expect("members").len(), 25);
    let (_, second) = app.get_json("/api/v1/team?page=2", &owner).await;
    assert_eq!(second["members"].as_array().expect("members").len(), 4);

    let (_, viewers) = app.get_json("/api/v1/team?role=viewer", &owner).await;
    assert_eq!(viewers["total"], 9);
    let (_, jane) = app.get_json("/api/v1/team?q=JANE", &owner).await;
    assert_eq!(jane["total"], 1, "search ignores case");
    assert_eq!(jane["members"][0]["email"], "jane@acme.com");
    let (_, invited) = app.get_json("/api/v1/team?status=invited&q=person1", &owner).await;
    assert_eq!(invited["total"], 10);
    let (status, _) = app.get_json("/api/v1/team?role=superuser", &owner).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_stored_role_that_does_not_parse_is_an_error_never_a_guess() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    chatsupport::entities::user::Entity::update_many()
        .col_expr(chatsupport::entities::user::Column::Role, Expr::value("superuser"))
        .filter(chatsupport::entities::user::Column::Email.eq("jane@acme.com"))
        .exec(&app.state.handles.db)
        .await
        .expect("corrupt one row");
    let (status, error) = error_of(
        app.http.get(app.url("/api/v1/team")).header("cookie", &owner).send().await.expect("answers"),
    )
    .await;
    assert_eq!(status, 500, "the list is not shown with a made-up role");
    assert!(matches!(error, ApiError::Internal { .. }), "{error:?}");
    // The person with the unreadable role is not let in as some role either.
    let login = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "jane@acme.com", "password": "password123" }))
        .send()
        .await
        .expect("answers");
    assert_eq!(login.status(), 500);
}
