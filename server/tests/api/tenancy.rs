//! Tenants never see each other. Organization A's owner — who holds every permission — turns
//! every REST route and every server function against organization B: with B's ids where a
//! route takes one, and reading every list. Routes join automatically (the OpenAPI document and
//! the server-function registry); a new route taking an id fails until it says which of B's ids
//! to try. The dashboard socket's isolation is tested in dashboard.rs, the widget's in
//! widget_socket.rs.

use std::collections::HashMap;

use app::protocol::ServerMsg;
use chatsupport::entities::{conversation, message};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    access::{PUBLIC_REST, PUBLIC_SERVER_FNS, concrete},
    helpers::{TestApp, send, spawn_app},
    roles::{PLATFORM_REST, PLATFORM_SERVER_FNS, REST, SERVER_FNS, documented_operations},
};

/// Organization B and the ids of what it owns.
struct Other {
    owner: String,
    ids: HashMap<&'static str, String>,
}

impl Other {
    /// Every id and name of B that must never show up for A.
    fn secrets(&self) -> Vec<String> {
        let mut all: Vec<String> = self.ids.values().cloned().collect();
        all.extend(["Globex Corp".to_owned(), "globex.example".to_owned()]);
        all
    }
}

async fn other_tenant(app: &TestApp) -> Other {
    let owner = app.register_verified("boss@globex.example", "Globex Corp").await;
    let mut ids = HashMap::new();
    let invited: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/team/invitations",
            &owner,
            serde_json::json!({ "email": "hire@globex.example", "role": "agent" }),
        )
        .await
        .json()
        .await
        .expect("invitation");
    ids.insert("member", invited["id"].as_str().expect("member id").to_owned());
    let credential: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/integrations/credentials",
            &owner,
            serde_json::json!({ "provider": "slack", "label": "Globex Slack", "secret": "xoxb-globex-000111" }),
        )
        .await
        .json()
        .await
        .expect("credential");
    ids.insert("credential", credential["id"].as_str().expect("credential id").to_owned());
    let key: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/api-keys",
            &owner,
            serde_json::json!({ "name": "Globex key", "role": "viewer" }),
        )
        .await
        .json()
        .await
        .expect("api key");
    ids.insert("api_key", key["api_key"]["id"].as_str().expect("key id").to_owned());
    let (_, workspaces) = app.get_json("/api/v1/workspaces", &owner).await;
    let workspace = workspaces["workspaces"][0]["id"].as_str().expect("workspace id").to_owned();
    let org =
        chatsupport::entities::workspace::Entity::find_by_id(workspace.parse::<uuid::Uuid>().expect("uuid"))
            .one(&app.state.handles.db)
            .await
            .expect("q")
            .expect("workspace")
            .organization_id;
    let (bot, key) = app.add_bot(org, workspace.parse().expect("uuid"), "Globex").await;
    ids.insert("workspace", workspace);
    ids.insert("bot", bot.to_string());
    let document =
        crate::knowledge::uploaded(app, &owner, &bot.to_string(), "globex.txt", b"Globex ships on Tuesdays.")
            .await;
    crate::knowledge::settled(app, &owner, &document).await;
    ids.insert("document", document);
    let faq: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/knowledge-base/faqs",
            &owner,
            serde_json::json!({ "chatbot_id": bot, "question": "Does Globex ship abroad?", "answer": "Yes, to 40 countries." }),
        )
        .await
        .json()
        .await
        .expect("faq");
    ids.insert("faq", faq["id"].as_str().expect("faq id").to_owned());
    // A website whose crawl fails at once (the name does not resolve): a source with pages.
    let website: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/knowledge-base/urls",
            &owner,
            serde_json::json!({ "chatbot_id": bot, "url": "https://docs.globex.invalid/" }),
        )
        .await
        .json()
        .await
        .expect("website");
    let website = website["id"].as_str().expect("website id").to_owned();
    crate::knowledge::settled(app, &owner, &website).await;
    ids.insert("website", website);
    let (mut visitor, _) = app.visitor(&key).await;
    visitor.send(&send("g-1", None, "Where is my Globex order?")).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 2)).await;
    let talk = conversation::Entity::find()
        .filter(conversation::Column::OrganizationId.eq(org))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("a conversation");
    ids.insert("conversation", talk.id.to_string());
    let said = message::Entity::find()
        .filter(message::Column::ConversationId.eq(talk.id))
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("a message");
    ids.insert("message", said.id.to_string());
    // An evaluation set with one question and a run.
    let asked: serde_json::Value = app
        .send_json(
            "POST",
            &format!("/api/v1/chatbots/{bot}/evaluation/questions"),
            &owner,
            serde_json::json!({ "question": "Where is my Globex order?" }),
        )
        .await
        .json()
        .await
        .expect("evaluation question");
    ids.insert("eval_question", asked["id"].as_str().expect("question id").to_owned());
    let run: serde_json::Value = app
        .send_json("POST", &format!("/api/v1/chatbots/{bot}/evaluation/runs"), &owner, serde_json::json!({}))
        .await
        .json()
        .await
        .expect("evaluation run");
    ids.insert("eval_run", run["id"].as_str().expect("run id").to_owned());
    let saved: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/conversation-filters",
            &owner,
            serde_json::json!({ "name": "Globex escalations", "filters": { "view": "escalated" }, "shared": true }),
        )
        .await
        .json()
        .await
        .expect("saved filter");
    ids.insert("filter", saved["id"].as_str().expect("filter id").to_owned());
    let canned: serde_json::Value = app
        .send_json(
            "POST",
            "/api/v1/canned-replies",
            &owner,
            serde_json::json!({ "shortcut": "globex-refund", "content": "Globex refunds take 5 days." }),
        )
        .await
        .json()
        .await
        .expect("canned reply");
    ids.insert("canned", canned["id"].as_str().expect("canned reply id").to_owned());
    Other { owner, ids }
}

/// Which of B's ids a REST route with an `{id}` gets.
fn id_kind_of_route(path: &str) -> Option<&'static str> {
    match path {
        "/api/v1/team/{id}" | "/api/v1/agents/{id}/capacity" => Some("member"),
        "/api/v1/chatbots/{id}"
        | "/api/v1/chatbots/{id}/restore"
        | "/api/v1/chatbots/{id}/clone"
        | "/api/v1/chatbots/{id}/versions"
        | "/api/v1/chatbots/{id}/versions/{version}/restore"
        | "/api/v1/chatbots/{id}/evaluation"
        | "/api/v1/chatbots/{id}/evaluation/questions"
        | "/api/v1/chatbots/{id}/evaluation/questions/from-faqs"
        | "/api/v1/chatbots/{id}/evaluation/questions/{question_id}"
        | "/api/v1/chatbots/{id}/evaluation/runs"
        | "/api/v1/chatbots/{id}/evaluation/runs/{run_id}" => Some("bot"),
        "/api/v1/workspaces/{id}" => Some("workspace"),
        "/api/v1/knowledge-base/documents/{id}" | "/api/v1/knowledge-base/sources/{id}" => Some("document"),
        "/api/v1/knowledge-base/faqs/{id}" => Some("faq"),
        "/api/v1/knowledge-base/urls/{id}"
        | "/api/v1/knowledge-base/urls/{id}/recrawl"
        | "/api/v1/knowledge-base/urls/{id}/pages" => Some("website"),
        "/api/v1/integrations/credentials/{id}" => Some("credential"),
        "/api/v1/api-keys/{id}" => Some("api_key"),
        "/api/v1/conversations/{id}"
        | "/api/v1/conversations/{id}/takeover"
        | "/api/v1/conversations/{id}/messages"
        | "/api/v1/conversations/{id}/return-to-ai"
        | "/api/v1/conversations/{id}/resolve"
        | "/api/v1/conversations/{id}/notes"
        | "/api/v1/conversations/{id}/tags"
        | "/api/v1/conversations/{id}/transcript"
        | "/api/v1/conversations/{id}/assign"
        | "/api/v1/conversations/{id}/transfer"
        | "/api/v1/conversations/{id}/transfer/accept"
        | "/api/v1/conversations/{id}/transfer/decline"
        | "/api/v1/conversations/{id}/merge"
        | "/api/v1/conversations/{id}/messages/{message_id}/review" => Some("conversation"),
        "/api/v1/conversation-filters/{id}" => Some("filter"),
        "/api/v1/canned-replies/{id}" => Some("canned"),
        _ => None,
    }
}

/// Which of B's ids a server function's id argument gets.
fn id_kind_of_server_fn(name: &str, argument: &str) -> Option<&'static str> {
    match (name, argument) {
        ("update_member" | "remove_member", "id") => Some("member"),
        ("remove_credential", "id") => Some("credential"),
        ("revoke_api_key", "id") => Some("api_key"),
        (
            "conversation_messages"
            | "conversation_detail"
            | "take_over_conversation"
            | "reply_to_conversation"
            | "return_conversation_to_bot"
            | "resolve_conversation"
            | "review_answer"
            | "add_note"
            | "tag_conversation"
            | "untag_conversation"
            | "transfer_conversation"
            | "answer_transfer"
            | "merge_conversation",
            "id",
        ) => Some("conversation"),
        ("review_answer", "message_id") => Some("message"),
        ("merge_conversation", "source") => Some("conversation"),
        ("transfer_conversation", "agent_id") => Some("member"),
        ("delete_inbox_filter", "id") => Some("filter"),
        ("delete_canned_reply", "id") => Some("canned"),
        ("change_plan", "workspace") => Some("workspace"),
        (
            "knowledge"
            | "add_faq"
            | "add_snippet"
            | "add_website"
            | "search_knowledge"
            | "test_bot"
            | "knowledge_gaps"
            | "load_evaluation"
            | "add_eval_question"
            | "add_message_to_evaluation"
            | "add_faq_questions"
            | "remove_eval_question"
            | "start_eval_run"
            | "read_eval_run",
            "chatbot_id",
        ) => Some("bot"),
        ("add_message_to_evaluation", "message_id") => Some("message"),
        ("remove_eval_question", "id") => Some("eval_question"),
        ("read_eval_run", "run_id") => Some("eval_run"),
        ("recrawl_source", "id") => Some("website"),
        ("delete_source", "id") => Some("document"),
        (
            "update_chatbot"
            | "clone_chatbot"
            | "archive_chatbot"
            | "restore_chatbot"
            | "chatbot_versions"
            | "restore_chatbot_version",
            "id",
        ) => Some("bot"),
        _ => None,
    }
}

fn assert_reveals_nothing(what: &str, body: &str, other: &Other) {
    for secret in other.secrets() {
        assert!(!body.contains(&secret), "{what} revealed {secret} of another organization: {body}");
    }
}

#[tokio::test]
async fn no_rest_route_reads_or_changes_another_organizations_data() {
    let app = spawn_app().await;
    let other = other_tenant(&app).await;
    let acme = app.demo_owner().await;
    let mut tried = 0;
    for (method, path) in documented_operations(&app).await {
        let public = PUBLIC_REST.contains(&(method.as_str(), path.as_str()));
        let platform = PLATFORM_REST.contains(&(method.as_str(), path.as_str()));
        if public || platform {
            continue;
        }
        let body = REST.iter().find(|(m, p, _, _)| *m == method && *p == path).map_or("", |r| r.3);
        let url = if path.contains('{') {
            let kind = id_kind_of_route(&path)
                .unwrap_or_else(|| panic!("{method} {path}: say in tenancy.rs which of B's ids it gets"));
            path.replace("{id}", &other.ids[kind])
                .replace("{message_id}", &uuid::Uuid::nil().to_string())
                .replace("{question_id}", &other.ids["eval_question"])
                .replace("{run_id}", &other.ids["eval_run"])
        } else {
            concrete(&path)
        };
        let mut request =
            app.http.request(method.parse().expect("method"), app.url(&url)).header("cookie", &acme);
        if !body.is_empty() {
            request =
                request.header("content-type", "application/json").body(body.replace("{role}", "owner"));
        }
        let response = request.send().await.expect("answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if path.contains('{') {
            assert_eq!(status, 404, "{method} {url} with B's id must not exist for A: {text}");
        }
        assert_reveals_nothing(&format!("{method} {url}"), &text, &other);
        tried += 1;
    }
    assert!(tried >= 20, "the routes were tried ({tried})");

    // B's things are all still there, unchanged.
    let (_, team) = app.get_json("/api/v1/team", &other.owner).await;
    assert!(team.to_string().contains("hire@globex.example"));
    let (_, credentials) = app.get_json("/api/v1/integrations/credentials", &other.owner).await;
    assert!(credentials.to_string().contains(&other.ids["credential"]));
    let (_, workspaces) = app.get_json("/api/v1/workspaces", &other.owner).await;
    assert_eq!(workspaces["workspaces"][0]["plan"], "free");
    let (status, bot) = app.get_json(&format!("/api/v1/chatbots/{}", other.ids["bot"]), &other.owner).await;
    assert_eq!(status, 200);
    assert!(bot["archived_at"].is_null(), "A archived nothing of B's: {bot}");
    assert_eq!(bot["version"], 1, "A changed nothing of B's: {bot}");
    let (status, talk) =
        app.get_json(&format!("/api/v1/conversations/{}", other.ids["conversation"]), &other.owner).await;
    assert_eq!(status, 200);
    assert!(talk["conversation"]["assigned_agent"].is_null(), "A took nothing over: {talk}");
    assert_eq!(talk["messages"].as_array().map(Vec::len), Some(3), "A wrote nothing into it: {talk}");
    assert_eq!(talk["events"].as_array().map(Vec::len), Some(1), "only its creation: {talk}");
    let (_, sources) = app
        .get_json(&format!("/api/v1/knowledge-base/sources?chatbot_id={}", other.ids["bot"]), &other.owner)
        .await;
    assert_eq!(
        sources["sources"].as_array().map(Vec::len),
        Some(3),
        "A deleted none of B's knowledge: {sources}"
    );
    let (_, set) =
        app.get_json(&format!("/api/v1/chatbots/{}/evaluation", other.ids["bot"]), &other.owner).await;
    assert_eq!(
        set["questions"].as_array().map(Vec::len),
        Some(1),
        "A changed nothing of B's evaluation set: {set}"
    );
}

#[tokio::test]
async fn no_server_function_reads_or_changes_another_organizations_data() {
    let app = spawn_app().await;
    let other = other_tenant(&app).await;
    let acme = app.demo_owner().await;
    let mut tried = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.rsplit('/').next().unwrap_or_default();
        if PUBLIC_SERVER_FNS.contains(&name) || PLATFORM_SERVER_FNS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let rule = SERVER_FNS.iter().find(|(n, _, _)| *n == name).expect("listed in roles.rs");
        let mut takes_id = false;
        let form: Vec<(&str, String)> = rule
            .2
            .iter()
            .map(|(key, value)| match id_kind_of_server_fn(name, key) {
                Some(kind) => {
                    takes_id = true;
                    (*key, other.ids[kind].clone())
                }
                None => (*key, value.replace("{role}", "owner")),
            })
            .collect();
        if rule
            .2
            .iter()
            .any(|(key, value)| *value == crate::roles::NIL && id_kind_of_server_fn(name, key).is_none())
        {
            panic!("{name}: say in tenancy.rs which of B's ids its arguments get");
        }
        let response =
            app.http.post(app.url(path)).header("cookie", &acme).form(&form).send().await.expect("answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if takes_id {
            assert_eq!(status, 404, "{name} with B's id must not find it for A: {text}");
        }
        assert_reveals_nothing(name, &text, &other);
        tried += 1;
    }
    assert!(tried >= 20, "the server functions were tried ({tried})");
    let (_, team) = app.get_json("/api/v1/team", &other.owner).await;
    assert!(team.to_string().contains("hire@globex.example"), "B's invitation survived");
    let (_, credentials) = app.get_json("/api/v1/integrations/credentials", &other.owner).await;
    assert!(credentials.to_string().contains(&other.ids["credential"]), "B's credential survived");
    let (_, bot) = app.get_json(&format!("/api/v1/chatbots/{}", other.ids["bot"]), &other.owner).await;
    assert!(bot["archived_at"].is_null() && bot["version"] == 1, "B's bot is as it was: {bot}");
    let (_, bots) = app.get_json("/api/v1/chatbots", &other.owner).await;
    assert_eq!(bots["chatbots"].as_array().map(Vec::len), Some(1), "A cloned nothing into B: {bots}");
    let (_, sources) = app
        .get_json(&format!("/api/v1/knowledge-base/sources?chatbot_id={}", other.ids["bot"]), &other.owner)
        .await;
    assert_eq!(
        sources["sources"].as_array().map(Vec::len),
        Some(3),
        "A added or deleted none of B's knowledge: {sources}"
    );
    let (_, set) =
        app.get_json(&format!("/api/v1/chatbots/{}/evaluation", other.ids["bot"]), &other.owner).await;
    assert_eq!(
        set["questions"].as_array().map(Vec::len),
        Some(1),
        "A changed nothing of B's evaluation set: {set}"
    );
}
