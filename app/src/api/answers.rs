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
