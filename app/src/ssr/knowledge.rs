//! Knowledge: a bot's sources, adding FAQs and snippets, deleting, and the knowledge search.
//! Files are uploaded straight to the REST route (`POST /api/v1/knowledge-base/documents`),
//! which reports upload progress to the browser.

use super::Caller;
use crate::{
    dto::BotId,
    error::ApiError,
    ids::SourceId,
    knowledge::{KnowledgeHit, KnowledgePage, SourceView},
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
    async fn add_faq(&self, caller: &Caller, bot: BotId, faq: FaqDraft) -> Result<SourceView, ApiError>;
    async fn add_snippet(
        &self,
        caller: &Caller,
        bot: BotId,
        title: String,
        text: String,
    ) -> Result<SourceView, ApiError>;
    async fn delete_source(&self, caller: &Caller, id: SourceId) -> Result<(), ApiError>;
    async fn search_knowledge(
        &self,
        caller: &Caller,
        bot: BotId,
        query: String,
    ) -> Result<Vec<KnowledgeHit>, ApiError>;
}
