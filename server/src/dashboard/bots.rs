//! Bots' port: the list, the guided flow, settings, clone, archive and restore, versions —
//! each call resolves who is asking and calls `bots` as the REST routes do.

use app::{
    ApiError,
    auth::Permission,
    bot_settings::{BotSettings, DayHours, WEEKDAYS},
    dto::{BotId, BotVersionView, ChatbotView},
    ssr::{BotDraft, BotsPort, Caller},
};
use sea_orm::DatabaseConnection;

use super::client;
use crate::{
    accounts::AccountService,
    bots::{self, lifecycle},
    events::EventBus,
};

pub struct DashboardBots {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub events: EventBus,
}

/// The guided flow's answers as a new bot: the default settings with its availability.
fn new_bot(draft: BotDraft) -> lifecycle::NewBot {
    let mut settings = BotSettings::default();
    if let Some(hours) = draft.hours {
        let day = DayHours { start: hours.start, end: hours.end };
        let days = if hours.weekends { &WEEKDAYS[..] } else { &WEEKDAYS[..5] };
        settings.business_hours.enabled = true;
        settings.business_hours.timezone = hours.timezone;
        settings.business_hours.schedule = days.iter().map(|d| ((*d).to_owned(), day.clone())).collect();
    }
    lifecycle::NewBot {
        name: draft.name,
        personality: draft.personality,
        greeting: Some(draft.greeting),
        settings,
        ..Default::default()
    }
}

#[async_trait::async_trait]
impl BotsPort for DashboardBots {
    async fn chatbots(&self, caller: &Caller) -> Result<Vec<ChatbotView>, ApiError> {
        let viewer = caller.viewer;
        viewer.require(Permission::ViewAnalytics)?;
        Ok(bots::list(&self.db, viewer.organization_id, self.accounts.public_url()).await?)
    }

    async fn create_chatbot(&self, caller: &Caller, draft: BotDraft) -> Result<ChatbotView, ApiError> {
        let new = new_bot(draft);
        Ok(lifecycle::create(&self.db, &caller.viewer, new, &client(caller), self.accounts.public_url())
            .await?)
    }

    async fn update_chatbot(
        &self,
        caller: &Caller,
        id: BotId,
        greeting: String,
        fallback_message: String,
        settings: BotSettings,
    ) -> Result<ChatbotView, ApiError> {
        let patch = bots::ChatbotPatch {
            greeting: Some(greeting),
            fallback_message: Some(fallback_message),
            replace_settings: Some(settings),
            ..Default::default()
        };
        let url = self.accounts.public_url();
        Ok(bots::update(&self.db, &self.events, &caller.viewer, id, patch, &client(caller), url).await?)
    }

    async fn clone_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError> {
        Ok(lifecycle::clone(&self.db, &caller.viewer, id, &client(caller), self.accounts.public_url())
            .await?)
    }

    async fn archive_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError> {
        let url = self.accounts.public_url();
        Ok(lifecycle::archive(&self.db, &self.events, &caller.viewer, id, &client(caller), url).await?)
    }

    async fn restore_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError> {
        let url = self.accounts.public_url();
        Ok(lifecycle::restore(&self.db, &self.events, &caller.viewer, id, &client(caller), url).await?)
    }

    async fn chatbot_versions(&self, caller: &Caller, id: BotId) -> Result<Vec<BotVersionView>, ApiError> {
        Ok(lifecycle::versions(&self.db, &caller.viewer, id).await?)
    }

    async fn restore_chatbot_version(
        &self,
        caller: &Caller,
        id: BotId,
        version: i32,
    ) -> Result<ChatbotView, ApiError> {
        let url = self.accounts.public_url();
        Ok(lifecycle::restore_version(
            &self.db,
            &self.events,
            &caller.viewer,
            id,
            version,
            &client(caller),
            url,
        )
        .await?)
    }
}
