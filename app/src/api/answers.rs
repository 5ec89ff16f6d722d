//! The answer engine: "test your bot".

use leptos::prelude::*;

use crate::{dto::BotId, error::ApiError, knowledge::BotTest};

/// What a visitor asking `query` would be answered, with how sure the bot is and the ranked
/// passages behind it. Nothing is stored.
#[server(prefix = "/api/fn", endpoint = "test_bot")]
pub async fn test_bot(chatbot_id: BotId, query: String) -> Result<BotTest, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.answers.test_bot(&caller, chatbot_id, query).await
}

/// The knowledge-gaps report for the last `days` days (1–365).
#[server(prefix = "/api/fn", endpoint = "knowledge_gaps")]
pub async fn knowledge_gaps(
    chatbot_id: BotId,
    days: u16,
) -> Result<crate::knowledge::KnowledgeGaps, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.answers.knowledge_gaps(&caller, chatbot_id, days).await
}
