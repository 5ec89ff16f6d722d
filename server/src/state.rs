//! What the running application holds: every service handle, built once by `startup`. Each
//! feature's routes get only their own part (`XRoutes`), made here; no feature imports this
//! module, so imports keep pointing one way (startup → state → features).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    accounts::{AccountService, routes::AccountRoutes},
    api_keys::routes::ApiKeyRoutes,
    audit::routes::AuditRoutes,
    billing::routes::BillingRoutes,
    bots::routes::BotRoutes,
    config::Config,
    conversations::{ConversationService, routes::ConversationRoutes},
    dashboard::PortParts,
    events::EventBus,
    http::{Authenticator, health::HealthState},
    integrations::routes::IntegrationRoutes,
    mail::routes::MailRoutes,
    organizations::routes::OrganizationRoutes,
    platform::PlatformRoutes,
    realtime::{Hub, routes::RealtimeRoutes},
    search::MessageSearch,
    shared::PublicUrl,
    storage::FileStore,
    widget::{Connections, WidgetState},
};

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub accounts: AccountService,
    pub db: DatabaseConnection,
    pub hub: Hub,
    pub events: EventBus,
    pub search: MessageSearch,
    pub conversations: ConversationService,
    /// Widget connections open per workspace (the plan's cap).
    pub connections: Connections,
    /// The one authenticator (the accounts service behind the edges' port).
    pub auth: Authenticator,
    pub public_url: PublicUrl,
    /// Stored files (logos; knowledge uploads next).
    pub files: FileStore,
}

impl AppState {
    pub fn account_routes(&self) -> AccountRoutes {
        AccountRoutes { accounts: self.accounts.clone(), auth: self.auth.clone() }
    }

    pub fn audit_routes(&self) -> AuditRoutes {
        AuditRoutes { db: self.db.clone(), auth: self.auth.clone() }
    }

    pub fn mail_routes(&self) -> MailRoutes {
        MailRoutes { db: self.db.clone(), auth: self.auth.clone() }
    }

    pub fn billing_routes(&self) -> BillingRoutes {
        BillingRoutes { db: self.db.clone(), auth: self.auth.clone() }
    }

    pub fn bot_routes(&self) -> BotRoutes {
        BotRoutes {
            db: self.db.clone(),
            events: self.events.clone(),
            public_url: self.public_url.clone(),
            auth: self.auth.clone(),
        }
    }

    pub fn conversation_routes(&self) -> ConversationRoutes {
        ConversationRoutes { conversations: self.conversations.clone(), auth: self.auth.clone() }
    }

    pub fn organization_routes(&self) -> OrganizationRoutes {
        OrganizationRoutes { db: self.db.clone(), files: self.files.clone(), auth: self.auth.clone() }
    }

    pub fn integration_routes(&self) -> IntegrationRoutes {
        IntegrationRoutes {
            db: self.db.clone(),
            secrets: self.accounts.secrets.clone(),
            auth: self.auth.clone(),
        }
    }

    pub fn api_key_routes(&self) -> ApiKeyRoutes {
        ApiKeyRoutes { db: self.db.clone(), auth: self.auth.clone() }
    }

    pub fn platform_routes(&self) -> PlatformRoutes {
        PlatformRoutes { db: self.db.clone(), accounts: self.accounts.clone(), auth: self.auth.clone() }
    }

    pub fn realtime_routes(&self) -> RealtimeRoutes {
        RealtimeRoutes { hub: self.hub.clone(), auth: self.auth.clone() }
    }

    pub fn widget_state(&self) -> WidgetState {
        WidgetState {
            db: self.db.clone(),
            site_dir: self.config.site_dir.clone(),
            conversations: self.conversations.clone(),
            hub: self.hub.clone(),
            connections: self.connections.clone(),
        }
    }

    pub fn health_state(&self) -> HealthState {
        let search = self.search.clone();
        HealthState { db: self.db.clone(), indexed: Arc::new(move || search.num_docs()) }
    }

    pub fn port_parts(&self) -> PortParts {
        PortParts {
            db: self.db.clone(),
            accounts: self.accounts.clone(),
            conversations: self.conversations.clone(),
            search: self.search.clone(),
            events: self.events.clone(),
            files: self.files.clone(),
            platform: self.platform_routes(),
        }
    }
}
