//! Knowledge: a bot's sources, adding FAQs, snippets and websites, re-crawling, deleting, and the knowledge search.
//! Files are uploaded straight to the REST route (`POST /api/v1/knowledge-base/documents`),
//! which reports upload progress to the browser.

use super::Caller;
use crate::{
    dto::BotId,
    error::ApiError,
    ids::SourceId,
    knowledge::{CrawlSchedule, CrawlSettings, KnowledgeHit, KnowledgePage, SourceCard},
};

/// An FAQ as the editor sends it.
#[derive(Debug, Clone)]
pub struct FaqDraft {
    pub question: String,
    pub answer: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub priority: Option<String>,
}

#[async_trait::async_trait]
pub trait KnowledgePort: Send + Sync + 'static {
    async fn knowledge(&self, caller: &Caller, bot: BotId) -> Result<KnowledgePage, ApiError>;
    async fn add_faq(&self, caller: &Caller, bot: BotId, faq: FaqDraft) -> Result<SourceCard, ApiError>;
    async fn add_snippet(
        &self,
        caller: &Caller,
        bot: BotId,
        title: String,
        text: String,
    ) -> Result<SourceCard, ApiError>;
    async fn add_website(
        &self,
        caller: &Caller,
        bot: BotId,
        url: String,
        settings: CrawlSettings,
        schedule: Option<CrawlSchedule>,
    ) -> Result<SourceCard, ApiError>;
    async fn recrawl(&self, caller: &Caller, id: SourceId) -> Result<SourceCard, ApiError>;
    async fn delete_source(&self, caller: &Caller, id: SourceId) -> Result<(), ApiError>;
    async fn search_knowledge(
        &self,
        caller: &Caller,
        bot: BotId,
        query: String,
    ) -> Result<Vec<KnowledgeHit>, ApiError>;
}
