//! The dashboard's ports: what its server functions (`app::api`) call through `app::ssr`.
//! Rule: one file per port; every method resolves who is asking from the request — the
//! session cookie, through the one authenticator — and calls the same service the REST routes
//! call. No business logic here, and no feature imports this module.

pub mod accounts;
pub mod conversations;
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
use sea_orm::DatabaseConnection;

use crate::{
    accounts::AccountService,
    conversations::ConversationService,
    events::EventBus,
    http::{client_of, cookies::session_token},
    platform::PlatformRoutes,
    search::MessageSearch,
    shared::ClientInfo,
    storage::FileStore,
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

/// What the ports are made of.
pub struct PortParts {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub conversations: ConversationService,
    pub search: MessageSearch,
    pub events: EventBus,
    pub files: FileStore,
    pub platform: PlatformRoutes,
}

pub fn ports(parts: PortParts) -> Ports {
    let PortParts { db, accounts, conversations, search, events, files, platform } = parts;
    Ports {
        dashboard: Arc::new(conversations::Dashboard { accounts: accounts.clone(), conversations, search }),
        accounts: Arc::new(accounts::DashboardAccounts { accounts: accounts.clone(), db: db.clone() }),
        organization: Arc::new(organization::DashboardOrganization {
            db: db.clone(),
            accounts: accounts.clone(),
        }),
        settings: Arc::new(settings::DashboardSettings { db, accounts: accounts.clone(), files, events }),
        me: Arc::new(self_service::DashboardSelfService { accounts }),
        platform: Arc::new(platform::DashboardPlatform { state: platform }),
    }
}
