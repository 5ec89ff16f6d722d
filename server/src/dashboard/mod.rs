//! The dashboard's ports: what its server functions (`app::api`) call through `app::ssr`.
//! Rule: one file per port; every method resolves who is asking from the request — the
//! session cookie, through the one authenticator — and calls the same service the REST routes
//! call. No business logic here, and no feature imports this module.

pub mod accounts;
pub mod answers;
pub mod bots;
pub mod conversations;
pub mod evaluation;
pub mod knowledge;
pub mod organization;
pub mod platform;
pub mod self_service;
pub mod settings;

use std::sync::Arc;

use app::{
    ApiError,
    ssr::{Caller, Ports, Viewer},
};
use axum::http::request::Parts;

use crate::{
    accounts::AccountService,
    conversations::ConversationService,
    http::{client_of, cookies::session_token},
    search::MessageSearch,
    shared::ClientInfo,
    wiring::Handles,
};

/// The viewer behind a request's session cookie.
pub async fn viewer(accounts: &AccountService, request: &Parts) -> Result<Viewer, ApiError> {
    let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
    Ok(accounts.viewer(&token, &client_of(request)).await?)
}

/// Who is calling: the viewer behind the request's session cookie, and where from. Resolved
/// once per server-function call (`app::ssr::caller`).
pub async fn caller(accounts: &AccountService, request: &Parts) -> Result<Caller, ApiError> {
    let viewer = viewer(accounts, request).await?;
    let ClientInfo { ip, user_agent } = client_of(request);
    Ok(Caller { viewer, ip, user_agent })
}

/// Where the caller came from, as the services take it.
pub fn client(caller: &Caller) -> ClientInfo {
    ClientInfo { ip: caller.ip.clone(), user_agent: caller.user_agent.clone() }
}

/// Every port, made from the shared handles and the services they call. A new port is one
/// line here (and its file beside this one).
pub fn ports(
    h: &Handles,
    accounts: &AccountService,
    conversations: &ConversationService,
    search: &MessageSearch,
    conversation_search: &crate::search::ConversationSearch,
    knowledge: &crate::knowledge::KnowledgeService,
    answers: &crate::answers::Answerer,
) -> Ports {
    let db = h.db.clone();
    Ports {
        dashboard: Arc::new(conversations::Dashboard {
            accounts: accounts.clone(),
            conversations: conversations.clone(),
            search: search.clone(),
            conversation_search: conversation_search.clone(),
        }),
        accounts: Arc::new(accounts::DashboardAccounts { accounts: accounts.clone(), db: db.clone() }),
        organization: Arc::new(organization::DashboardOrganization {
            db: db.clone(),
            accounts: accounts.clone(),
        }),
        bots: Arc::new(bots::DashboardBots {
            db: db.clone(),
            accounts: accounts.clone(),
            events: h.events.clone(),
        }),
        knowledge: Arc::new(knowledge::DashboardKnowledge { knowledge: knowledge.clone() }),
        answers: Arc::new(answers::DashboardAnswers { answers: answers.clone() }),
        evaluation: Arc::new(evaluation::DashboardEvaluation {
            evaluations: crate::evaluation::Evaluations::new(db.clone(), answers.clone(), h.wakeup.clone()),
        }),
        settings: Arc::new(settings::DashboardSettings {
            db,
            accounts: accounts.clone(),
            files: h.files.clone(),
            events: h.events.clone(),
        }),
        me: Arc::new(self_service::DashboardSelfService { accounts: accounts.clone() }),
        platform: Arc::new(platform::DashboardPlatform { state: crate::platform::routes_state(h, accounts) }),
    }
}
