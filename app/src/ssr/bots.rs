//! Bots: the list, creating one through the guided flow, its settings, clone, archive and
//! restore, and the version history of its configuration.

use super::Caller;
use crate::{
    bot_settings::BotSettings,
    dto::{BotId, BotVersionView, ChatbotView, Personality},
    error::ApiError,
};

/// What the guided flow sends: the bot's name, voice, greeting and availability.
#[derive(Debug, Clone)]
pub struct BotDraft {
    pub name: String,
    pub personality: Personality,
    pub greeting: String,
    /// `None`: 24/7. Otherwise the weekday hours (`HH:MM`) in `timezone`.
    pub hours: Option<DraftHours>,
}

#[derive(Debug, Clone)]
pub struct DraftHours {
    pub timezone: String,
    pub start: String,
    pub end: String,
    /// Open on Saturday and Sunday too.
    pub weekends: bool,
}

#[async_trait::async_trait]
pub trait BotsPort: Send + Sync + 'static {
    async fn chatbots(&self, caller: &Caller) -> Result<Vec<ChatbotView>, ApiError>;
    async fn create_chatbot(&self, caller: &Caller, draft: BotDraft) -> Result<ChatbotView, ApiError>;
    async fn update_chatbot(
        &self,
        caller: &Caller,
        id: BotId,
        greeting: String,
        fallback_message: String,
        settings: BotSettings,
    ) -> Result<ChatbotView, ApiError>;
    async fn clone_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError>;
    async fn archive_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError>;
    async fn restore_chatbot(&self, caller: &Caller, id: BotId) -> Result<ChatbotView, ApiError>;
    async fn chatbot_versions(&self, caller: &Caller, id: BotId) -> Result<Vec<BotVersionView>, ApiError>;
    async fn restore_chatbot_version(
        &self,
        caller: &Caller,
        id: BotId,
        version: i32,
    ) -> Result<ChatbotView, ApiError>;
}
