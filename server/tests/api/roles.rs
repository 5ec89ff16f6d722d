//! The permission matrix, route by route: every signed-in REST route and server function says
//! which permission it needs, and for every role the server must allow exactly what the matrix
//! allows (403 otherwise). A route in the OpenAPI document or the server-function registry that
//! is neither public (access.rs) nor listed here fails the first tests.

use app::auth::{Permission, Role};

use crate::{
    access::{PUBLIC_REST, PUBLIC_SERVER_FNS, concrete},
    helpers::{TestApp, spawn_app},
};

pub const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// (method, OpenAPI path, permission needed — `None`: any signed-in role —, JSON body).
/// `{role}` in a body is replaced by the role under test.
pub const REST: &[(&str, &str, Option<Permission>, &str)] = &[
    ("GET", "/api/v1/auth/me", None, ""),
    ("GET", "/api/v1/auth/sessions", None, ""),
    ("POST", "/api/v1/auth/logout-others", None, ""),
    ("POST", "/api/v1/auth/resend-verification", None, ""),
    ("GET", "/api/v1/team", Some(Permission::InviteRemoveTeam), ""),
    (
        "POST",
        "/api/v1/team/invitations",
        Some(Permission::InviteRemoveTeam),
        r#"{"email":"rest-{role}@acme.com","role":"viewer"}"#,
    ),
    ("PATCH", "/api/v1/team/{id}", Some(Permission::InviteRemoveTeam), r#"{"role":"viewer"}"#),
    ("DELETE", "/api/v1/team/{id}", Some(Permission::InviteRemoveTeam), ""),
    ("GET", "/api/v1/audit-log", Some(Permission::ViewAuditLog), ""),
    ("GET", "/api/v1/organization", None, ""),
    ("PATCH", "/api/v1/organization", Some(Permission::ManageSettings), r#"{"industry":"Retail"}"#),
    ("GET", "/api/v1/workspaces", Some(Permission::ViewAnalytics), ""),
    ("GET", "/api/v1/chatbots", Some(Permission::ViewAnalytics), ""),
    ("GET", "/api/v1/chatbots/{id}", Some(Permission::ViewAnalytics), ""),
    ("POST", "/api/v1/chatbots", Some(Permission::CreateDeleteChatbots), r#"{"name":"Rest bot {role}"}"#),
    ("DELETE", "/api/v1/chatbots/{id}", Some(Permission::CreateDeleteChatbots), ""),
    ("POST", "/api/v1/chatbots/{id}/restore", Some(Permission::CreateDeleteChatbots), ""),
    ("POST", "/api/v1/chatbots/{id}/clone", Some(Permission::CreateDeleteChatbots), ""),
    ("GET", "/api/v1/chatbots/{id}/versions", Some(Permission::ViewAnalytics), ""),
    ("POST", "/api/v1/chatbots/{id}/versions/{version}/restore", Some(Permission::EditChatbotSettings), ""),
    (
        "PATCH",
        "/api/v1/chatbots/{id}",
        Some(Permission::EditChatbotSettings),
        r#"{"greeting":"Hello from {role}"}"#,
    ),
    ("GET", "/api/v1/workspaces/{id}", Some(Permission::ViewAnalytics), ""),
    ("GET", "/api/v1/conversations", Some(Permission::ViewConversations), ""),
    ("GET", "/api/v1/conversations/{id}", Some(Permission::ViewConversations), ""),
    ("POST", "/api/v1/conversations/{id}/takeover", Some(Permission::RespondToConversations), "{}"),
    (
        "POST",
        "/api/v1/conversations/{id}/messages",
        Some(Permission::RespondToConversations),
        r#"{"content":"Hi"}"#,
    ),
    ("POST", "/api/v1/conversations/{id}/return-to-ai", Some(Permission::RespondToConversations), ""),
    ("POST", "/api/v1/conversations/{id}/resolve", Some(Permission::RespondToConversations), "{}"),
    (
        "POST",
        "/api/v1/conversations/{id}/messages/{message_id}/review",
        Some(Permission::RespondToConversations),
        r#"{"verdict":"correct"}"#,
    ),
    ("GET", "/api/v1/conversations/{id}/notes", Some(Permission::ViewConversations), ""),
    (
        "POST",
        "/api/v1/conversations/{id}/notes",
        Some(Permission::RespondToConversations),
        r#"{"content":"Checked by {role}"}"#,
    ),
    (
        "PUT",
        "/api/v1/conversations/{id}/tags",
        Some(Permission::RespondToConversations),
        r#"{"tags":["vip"]}"#,
    ),
    ("GET", "/api/v1/tags", Some(Permission::ViewConversations), ""),
    ("GET", "/api/v1/conversations/{id}/transcript", Some(Permission::ViewConversations), ""),
    ("GET", "/api/v1/conversation-filters", Some(Permission::ViewConversations), ""),
    (
        "POST",
        "/api/v1/conversation-filters",
        Some(Permission::ViewConversations),
        r#"{"name":"Mine of {role}","filters":{"view":"mine"}}"#,
    ),
    ("DELETE", "/api/v1/conversation-filters/{id}", Some(Permission::ViewConversations), ""),
    (
        "POST",
        "/api/v1/conversations/{id}/assign",
        Some(Permission::RespondToConversations),
        r#"{"agent_id":null}"#,
    ),
    (
        "POST",
        "/api/v1/conversations/{id}/transfer",
        Some(Permission::RespondToConversations),
        r#"{"agent_id":"00000000-0000-0000-0000-000000000000"}"#,
    ),
    ("POST", "/api/v1/conversations/{id}/transfer/accept", Some(Permission::RespondToConversations), ""),
    ("POST", "/api/v1/conversations/{id}/transfer/decline", Some(Permission::RespondToConversations), ""),
    (
        "POST",
        "/api/v1/conversations/{id}/merge",
        Some(Permission::RespondToConversations),
        r#"{"source_id":"00000000-0000-0000-0000-000000000001"}"#,
    ),
    ("GET", "/api/v1/agents", Some(Permission::ViewConversations), ""),
    (
        "PUT",
        "/api/v1/agents/me/status",
        Some(Permission::RespondToConversations),
        r#"{"availability":"online"}"#,
    ),
    (
        "PUT",
        "/api/v1/agents/{id}/capacity",
        Some(Permission::AssignConversations),
        r#"{"max_conversations":3}"#,
    ),
    ("PUT", "/api/v1/assignment", Some(Permission::AssignConversations), r#"{"mode":"manual"}"#),
    ("POST", "/api/v1/conversations/search", Some(Permission::ViewConversations), r#"{"query":"order"}"#),
    ("GET", "/api/v1/canned-replies", Some(Permission::ViewConversations), ""),
    (
        "POST",
        "/api/v1/canned-replies",
        Some(Permission::RespondToConversations),
        r#"{"shortcut":"thanks-{role}","content":"Thanks {customer.name}!"}"#,
    ),
    ("DELETE", "/api/v1/canned-replies/{id}", Some(Permission::RespondToConversations), ""),
    ("PATCH", "/api/v1/workspaces/{id}", Some(Permission::ManageBilling), r#"{"plan":"growth"}"#),
    ("GET", "/api/v1/profile", None, ""),
    ("PATCH", "/api/v1/profile", None, r#"{"job_title":"Tester"}"#),
    ("POST", "/api/v1/auth/mfa/setup", None, ""),
    ("POST", "/api/v1/auth/mfa/enable", None, r#"{"code":"000000"}"#),
    ("POST", "/api/v1/auth/mfa/disable", None, r#"{"code":"000000"}"#),
    ("GET", "/api/v1/organization/security", Some(Permission::ManageSettings), ""),
    (
        "PUT",
        "/api/v1/organization/security",
        Some(Permission::ManageSettings),
        r#"{"require_mfa":false,"session_timeout_minutes":null,"ip_allowlist":[]}"#,
    ),
    ("GET", "/api/v1/integrations/credentials", Some(Permission::ManageSettings), ""),
    (
        "POST",
        "/api/v1/integrations/credentials",
        Some(Permission::ManageSettings),
        r#"{"provider":"slack","label":"Slack {role}","secret":"xoxb-123456789"}"#,
    ),
    ("DELETE", "/api/v1/integrations/credentials/{id}", Some(Permission::ManageSettings), ""),
    ("GET", "/api/v1/outbox", Some(Permission::ViewAuditLog), ""),
    ("GET", "/api/v1/api-keys", Some(Permission::ApiAccess), ""),
    ("POST", "/api/v1/api-keys", Some(Permission::ApiAccess), r#"{"name":"Key of {role}","role":"viewer"}"#),
    ("DELETE", "/api/v1/api-keys/{id}", Some(Permission::ApiAccess), ""),
    ("POST", "/api/v1/organization/logo", Some(Permission::ManageSettings), ""),
    ("DELETE", "/api/v1/organization/logo", Some(Permission::ManageSettings), ""),
    ("POST", "/api/v1/knowledge-base/documents", Some(Permission::ManageKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/documents", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/documents/{id}", Some(Permission::ViewKnowledge), ""),
    ("DELETE", "/api/v1/knowledge-base/documents/{id}", Some(Permission::ManageKnowledge), ""),
    ("PUT", "/api/v1/knowledge-base/documents/{id}", Some(Permission::ManageKnowledge), ""),
    (
        "POST",
        "/api/v1/knowledge-base/faqs",
        Some(Permission::ManageKnowledge),
        r#"{"chatbot_id":"00000000-0000-0000-0000-000000000000","question":"Q {role}?","answer":"A"}"#,
    ),
    ("GET", "/api/v1/knowledge-base/faqs", Some(Permission::ViewKnowledge), ""),
    ("POST", "/api/v1/knowledge-base/faqs/import", Some(Permission::ManageKnowledge), ""),
    (
        "PATCH",
        "/api/v1/knowledge-base/faqs/{id}",
        Some(Permission::ManageKnowledge),
        r#"{"question":"Q?","answer":"A"}"#,
    ),
    ("DELETE", "/api/v1/knowledge-base/faqs/{id}", Some(Permission::ManageKnowledge), ""),
    (
        "POST",
        "/api/v1/knowledge-base/snippets",
        Some(Permission::ManageKnowledge),
        r#"{"chatbot_id":"00000000-0000-0000-0000-000000000000","title":"T {role}","text":"X"}"#,
    ),
    (
        "POST",
        "/api/v1/knowledge-base/urls",
        Some(Permission::ManageKnowledge),
        r#"{"chatbot_id":"00000000-0000-0000-0000-000000000000","url":"https://docs.example.com/{role}"}"#,
    ),
    ("GET", "/api/v1/knowledge-base/urls", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/urls/{id}", Some(Permission::ViewKnowledge), ""),
    ("DELETE", "/api/v1/knowledge-base/urls/{id}", Some(Permission::ManageKnowledge), ""),
    ("POST", "/api/v1/knowledge-base/urls/{id}/recrawl", Some(Permission::ManageKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/urls/{id}/pages", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/sources", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/sources/{id}", Some(Permission::ViewKnowledge), ""),
    ("DELETE", "/api/v1/knowledge-base/sources/{id}", Some(Permission::ManageKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/search", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/knowledge-base/gaps", Some(Permission::ViewKnowledge), ""),
    ("GET", "/api/v1/chatbots/{id}/evaluation", Some(Permission::ViewKnowledge), ""),
    (
        "POST",
        "/api/v1/chatbots/{id}/evaluation/questions",
        Some(Permission::ManageKnowledge),
        r#"{"question":"Q {role}?"}"#,
    ),
    ("POST", "/api/v1/chatbots/{id}/evaluation/questions/from-faqs", Some(Permission::ManageKnowledge), ""),
    (
        "DELETE",
        "/api/v1/chatbots/{id}/evaluation/questions/{question_id}",
        Some(Permission::ManageKnowledge),
        "",
    ),
    ("POST", "/api/v1/chatbots/{id}/evaluation/runs", Some(Permission::ManageKnowledge), ""),
    ("GET", "/api/v1/chatbots/{id}/evaluation/runs/{run_id}", Some(Permission::ViewKnowledge), ""),
    (
        "POST",
        "/api/v1/knowledge-base/test",
        Some(Permission::ViewKnowledge),
        r#"{"chatbot_id":"00000000-0000-0000-0000-000000000000","query":"How long does shipping take?"}"#,
    ),
];

/// WebSocket subscriptions and the permission each needs (the widget's socket is the
/// visitors', keyed by a bot's public key, and tested in widget_socket.rs).
pub const SOCKETS: &[(&str, Option<Permission>)] =
    &[("/api/v1/ws/dashboard", Some(Permission::ViewConversations))];

/// Server functions of the platform operator (403 for every organization role).
pub const PLATFORM_SERVER_FNS: &[(&str, &[(&str, &str)])] = &[
    ("admin_organizations", &[]),
    ("admin_users", &[]),
    ("admin_user_activity", &[("id", NIL)]),
    (
        "admin_update_organization",
        &[
            ("id", NIL),
            ("status", "active"),
            ("reason", ""),
            ("suspended_until", ""),
            ("tags", ""),
            ("admin_notes", ""),
            ("custom_max_chatbots", ""),
            ("custom_max_messages", ""),
            ("custom_max_file_uploads", ""),
        ],
    ),
    (
        "admin_update_user",
        &[
            ("id", NIL),
            ("status", "active"),
            ("reason", ""),
            ("suspended_until", ""),
            ("tags", ""),
            ("admin_notes", ""),
        ],
    ),
];

/// Routes of the platform operator: no organization role reaches them (403 for every role);
/// the platform admin does (tested in platform.rs).
pub const PLATFORM_REST: &[(&str, &str)] = &[
    ("GET", "/api/v1/admin/organizations"),
    ("GET", "/api/v1/admin/organizations/{id}"),
    ("PATCH", "/api/v1/admin/organizations/{id}"),
    ("GET", "/api/v1/admin/users"),
    ("GET", "/api/v1/admin/users/{id}"),
    ("PATCH", "/api/v1/admin/users/{id}"),
];

/// (server function endpoint, permission needed, form arguments).
pub type ServerFnRule = (&'static str, Option<Permission>, &'static [(&'static str, &'static str)]);

pub const SERVER_FNS: &[ServerFnRule] = &[
    ("conversations", Some(Permission::ViewConversations), &[]),
    ("conversation_messages", Some(Permission::ViewConversations), &[("id", NIL)]),
    ("search_messages", Some(Permission::ViewConversations), &[("query", "order")]),
    ("search_conversations", Some(Permission::ViewConversations), &[("query", "order")]),
    ("current_user", None, &[]),
    ("resend_verification", None, &[]),
    ("sessions", None, &[]),
    ("sign_out_others", None, &[]),
    ("team", Some(Permission::InviteRemoveTeam), &[]),
    ("invite", Some(Permission::InviteRemoveTeam), &[("email", "fn-{role}@acme.com"), ("role", "viewer")]),
    ("update_member", Some(Permission::InviteRemoveTeam), &[("id", NIL), ("role", "viewer")]),
    ("remove_member", Some(Permission::InviteRemoveTeam), &[("id", NIL)]),
    ("audit_log", Some(Permission::ViewAuditLog), &[]),
    ("organization", None, &[]),
    (
        "update_organization",
        Some(Permission::ManageSettings),
        &[
            ("name", "Acme Corp"),
            ("website", ""),
            ("industry", ""),
            ("company_size", ""),
            ("primary_color", ""),
            ("secondary_color", ""),
        ],
    ),
    ("workspaces", Some(Permission::ViewAnalytics), &[]),
    ("plans", None, &[]),
    ("change_plan", Some(Permission::ManageBilling), &[("workspace", NIL), ("plan", "growth")]),
    ("security_settings", Some(Permission::ManageSettings), &[]),
    (
        "update_security",
        Some(Permission::ManageSettings),
        &[("session_timeout_minutes", ""), ("ip_allowlist", "")],
    ),
    ("credentials", Some(Permission::ManageSettings), &[]),
    (
        "add_credential",
        Some(Permission::ManageSettings),
        &[("provider", "webhook"), ("label", "Hook {role}"), ("secret", "whsec-123456789")],
    ),
    ("remove_credential", Some(Permission::ManageSettings), &[("id", NIL)]),
    ("profile", None, &[]),
    (
        "update_profile",
        None,
        &[("name", "Tester"), ("phone", ""), ("job_title", ""), ("bio", ""), ("avatar_url", "")],
    ),
    ("mfa_setup", None, &[]),
    ("mfa_enable", None, &[("code", "000000")]),
    ("mfa_disable", None, &[("code", "000000")]),
    ("directory", Some(Permission::ViewConversations), &[]),
    (
        "update_chatbot",
        Some(Permission::EditChatbotSettings),
        &[("id", NIL), ("greeting", "Hi"), ("fallback_message", "Sorry"), ("settings[language]", "en")],
    ),
    ("outbox", Some(Permission::ViewAuditLog), &[]),
    ("api_keys", Some(Permission::ApiAccess), &[]),
    ("create_api_key", Some(Permission::ApiAccess), &[("name", "Fn key {role}"), ("role", "viewer")]),
    ("revoke_api_key", Some(Permission::ApiAccess), &[("id", NIL)]),
    ("remove_logo", Some(Permission::ManageSettings), &[]),
    ("chatbots", Some(Permission::ViewAnalytics), &[]),
    (
        "create_chatbot",
        Some(Permission::CreateDeleteChatbots),
        &[("name", "Fn bot {role}"), ("personality", "friendly"), ("greeting", "Hi"), ("hours", "always")],
    ),
    ("clone_chatbot", Some(Permission::CreateDeleteChatbots), &[("id", NIL)]),
    ("archive_chatbot", Some(Permission::CreateDeleteChatbots), &[("id", NIL)]),
    ("restore_chatbot", Some(Permission::CreateDeleteChatbots), &[("id", NIL)]),
    ("chatbot_versions", Some(Permission::ViewAnalytics), &[("id", NIL)]),
    ("restore_chatbot_version", Some(Permission::EditChatbotSettings), &[("id", NIL), ("version", "1")]),
    ("conversation_detail", Some(Permission::ViewConversations), &[("id", NIL)]),
    ("take_over_conversation", Some(Permission::RespondToConversations), &[("id", NIL)]),
    ("reply_to_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("content", "Hi")]),
    ("return_conversation_to_bot", Some(Permission::RespondToConversations), &[("id", NIL)]),
    ("resolve_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("note", "")]),
    (
        "review_answer",
        Some(Permission::RespondToConversations),
        &[("id", NIL), ("message_id", NIL), ("verdict", "correct")],
    ),
    ("add_note", Some(Permission::RespondToConversations), &[("id", NIL), ("content", "Checked")]),
    ("tag_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("tag", "vip")]),
    (
        "save_inbox_filter",
        Some(Permission::ViewConversations),
        &[("name", "F {role}"), ("query", "view=mine")],
    ),
    ("delete_inbox_filter", Some(Permission::ViewConversations), &[("id", NIL)]),
    ("untag_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("tag", "vip")]),
    ("transfer_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("agent_id", NIL)]),
    ("answer_transfer", Some(Permission::RespondToConversations), &[("id", NIL), ("accept", "true")]),
    ("merge_conversation", Some(Permission::RespondToConversations), &[("id", NIL), ("source", NIL)]),
    ("team_routing", Some(Permission::ViewConversations), &[]),
    ("set_my_availability", Some(Permission::RespondToConversations), &[("availability", "online")]),
    ("set_assignment_mode", Some(Permission::AssignConversations), &[("mode", "manual")]),
    ("canned_replies", Some(Permission::ViewConversations), &[]),
    (
        "save_canned_reply",
        Some(Permission::RespondToConversations),
        &[("shortcut", "fn-{role}"), ("content", "Hello {customer.name}")],
    ),
    ("delete_canned_reply", Some(Permission::RespondToConversations), &[("id", NIL)]),
    ("knowledge", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL)]),
    (
        "add_faq",
        Some(Permission::ManageKnowledge),
        &[("chatbot_id", NIL), ("question", "Q {role}?"), ("answer", "A")],
    ),
    (
        "add_snippet",
        Some(Permission::ManageKnowledge),
        &[("chatbot_id", NIL), ("title", "T {role}"), ("text", "X")],
    ),
    (
        "add_website",
        Some(Permission::ManageKnowledge),
        &[("chatbot_id", NIL), ("url", "https://docs.example.com/{role}")],
    ),
    ("recrawl_source", Some(Permission::ManageKnowledge), &[("id", NIL)]),
    ("delete_source", Some(Permission::ManageKnowledge), &[("id", NIL)]),
    ("search_knowledge", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL), ("q", "x")]),
    ("test_bot", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL), ("query", "x")]),
    ("knowledge_gaps", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL), ("days", "30")]),
    ("load_evaluation", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL)]),
    (
        "add_eval_question",
        Some(Permission::ManageKnowledge),
        &[("chatbot_id", NIL), ("question", "Q {role}?"), ("expects", "answered")],
    ),
    (
        "add_message_to_evaluation",
        Some(Permission::ManageKnowledge),
        &[("chatbot_id", NIL), ("message_id", NIL)],
    ),
    ("add_faq_questions", Some(Permission::ManageKnowledge), &[("chatbot_id", NIL)]),
    ("remove_eval_question", Some(Permission::ManageKnowledge), &[("chatbot_id", NIL), ("id", NIL)]),
    ("start_eval_run", Some(Permission::ManageKnowledge), &[("chatbot_id", NIL)]),
    ("read_eval_run", Some(Permission::ViewKnowledge), &[("chatbot_id", NIL), ("run_id", NIL)]),
];

/// Every (method, path) of the OpenAPI document the server serves: the routers write it, so a
/// route cannot be missing from it.
pub async fn documented_operations(app: &TestApp) -> Vec<(String, String)> {
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.expect("the document");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_signed_in_rest_route_declares_its_permission() {
    let app = spawn_app().await;
    for (method, path) in documented_operations(&app).await {
        let public = PUBLIC_REST.contains(&(method.as_str(), path.as_str()));
        let listed = REST.iter().any(|(m, p, _, _)| *m == method && *p == path)
            || PLATFORM_REST.contains(&(method.as_str(), path.as_str()));
        assert!(
            public || listed,
            "{method} {path}: list it in roles.rs with its permission, or as public in access.rs"
        );
    }
}

#[test]
fn every_signed_in_server_function_declares_its_permission() {
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.rsplit('/').next().unwrap_or_default();
        let listed = SERVER_FNS.iter().any(|(n, _, _)| *n == name)
            || PLATFORM_SERVER_FNS.iter().any(|(n, _)| *n == name);
        assert!(
            PUBLIC_SERVER_FNS.contains(&name) || listed,
            "{path}: list it in roles.rs with its permission, or as public in access.rs"
        );
    }
}

#[tokio::test]
async fn every_role_gets_exactly_what_the_matrix_allows() {
    let app = spawn_app().await;
    for role in Role::ALL {
        let cookie = match role {
            Role::Owner => app.demo_owner().await,
            other => app.member_with_role(other).await,
        };
        for (method, path, permission, body) in REST {
            let allowed = permission.is_none_or(|p| role.can(p));
            let mut request = app
                .http
                .request(method.parse().expect("method"), app.url(&concrete(path)))
                .header("cookie", &cookie);
            if !body.is_empty() {
                request = request
                    .header("content-type", "application/json")
                    .body(body.replace("{role}", role.as_str()));
            }
            let status = request.send().await.expect("answers").status().as_u16();
            assert!(status != 401, "{role} {method} {path}: the session must be accepted");
            if allowed {
                assert_ne!(status, 403, "{role} may {method} {path}");
            } else {
                assert_eq!(status, 403, "{role} may not {method} {path}");
            }
        }
        for (path, permission) in SOCKETS {
            use tokio_tungstenite::tungstenite::{Error, client::IntoClientRequest};
            let mut request = format!("ws://{}{path}", app.address).into_client_request().expect("request");
            request.headers_mut().insert("cookie", cookie.parse().expect("cookie"));
            let outcome = tokio_tungstenite::connect_async(request).await;
            let status = match &outcome {
                Ok(_) => 101,
                Err(Error::Http(response)) => response.status().as_u16(),
                Err(other) => panic!("{role} {path}: {other}"),
            };
            if permission.is_none_or(|p| role.can(p)) {
                assert_eq!(status, 101, "{role} may subscribe to {path}");
            } else {
                assert_eq!(status, 403, "{role} may not subscribe to {path}");
            }
        }
        for (method, path) in PLATFORM_REST {
            let status = app
                .http
                .request(method.parse().expect("method"), app.url(&concrete(path)))
                .header("cookie", &cookie)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("answers")
                .status()
                .as_u16();
            assert_eq!(status, 403, "{role} is no platform admin: {method} {path}");
        }
        for (name, args) in PLATFORM_SERVER_FNS {
            let response = app.server_fn(name, &cookie, args).await;
            assert_eq!(response.status(), 403, "{role} is no platform admin: {name}");
        }
        for (name, permission, args) in SERVER_FNS {
            let allowed = permission.is_none_or(|p| role.can(p));
            let form: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (*k, v.replace("{role}", role.as_str()))).collect();
            let response = app
                .http
                .post(app.url(&format!("/api/fn/{name}")))
                .header("cookie", &cookie)
                .form(&form)
                .send()
                .await
                .expect("answers");
            let status = response.status().as_u16();
            assert!(status != 401 && status != 400, "{role} {name}: answered {status}");
            if allowed {
                assert_ne!(status, 403, "{role} may call {name}");
            } else {
                assert_eq!(status, 403, "{role} may not call {name}");
            }
        }
    }
}
