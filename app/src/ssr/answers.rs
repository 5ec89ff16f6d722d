//! The answer engine: "test your bot" on the Knowledge page.

use super::Caller;
use crate::{dto::BotId, error::ApiError, knowledge::BotTest};

#[async_trait::async_trait]
pub trait AnswersPort: Send + Sync + 'static {
    async fn test_bot(&self, caller: &Caller, bot: BotId, query: String) -> Result<BotTest, ApiError>;
    async fn knowledge_gaps(
        &self,
        caller: &Caller,
        bot: BotId,
        days: u16,
    ) -> Result<crate::knowledge::KnowledgeGaps, ApiError>;
}
