//! Bots: the list, the guided flow that creates one, settings, clone, archive and restore, and
//! the version history.

use leptos::prelude::*;

use crate::error::ApiError;

/// The organization's bots with their embed snippets.
#[server(prefix = "/api/fn", endpoint = "chatbots")]
pub async fn chatbots() -> Result<Vec<crate::dto::ChatbotView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.chatbots(&caller).await
}

/// Saves a bot's texts and its whole settings document (the Bots page's form). Open widgets of
/// the bot redraw at once.
#[server(prefix = "/api/fn", endpoint = "update_chatbot")]
pub async fn update_chatbot(
    id: crate::dto::BotId,
    greeting: String,
    fallback_message: String,
    settings: crate::bot_settings::BotSettings,
) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.update_chatbot(&caller, id, greeting, fallback_message, settings).await
}

/// Creates a bot from the guided flow: name, personality, greeting and availability
/// (`hours` = `always` or `business`, then `timezone`, `opens`, `closes` and `weekends`). A
/// browser's plain form post is sent on to `/bots`.
// One argument per field of the form, as the browser posts them.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/fn", endpoint = "create_chatbot")]
pub async fn create_chatbot(
    name: String,
    personality: String,
    greeting: String,
    hours: String,
    timezone: Option<String>,
    opens: Option<String>,
    closes: Option<String>,
    weekends: Option<String>,
) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let personality = crate::dto::Personality::parse(&personality)
        .ok_or_else(|| ApiError::validation("personality", "Pick professional, friendly or casual."))?;
    let hours = match hours.as_str() {
        "always" => None,
        "business" => Some(crate::ssr::DraftHours {
            timezone: timezone.unwrap_or_default(),
            start: opens.unwrap_or_default(),
            end: closes.unwrap_or_default(),
            weekends: weekends.is_some(),
        }),
        _ => return Err(ApiError::validation("hours", "Pick 24/7 or business hours.")),
    };
    let created = ports
        .bots
        .create_chatbot(&caller, crate::ssr::BotDraft { name, personality, greeting, hours })
        .await?;
    // A plain form post (the page before its code loaded) goes on to the list with the new bot;
    // the flow's own call (JSON) stays on the page and shows step 3.
    let (_, request) = crate::ssr::request().await?;
    let from_a_page = request
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if from_a_page {
        leptos_axum::redirect("/bots");
    }
    Ok(created)
}

#[server(prefix = "/api/fn", endpoint = "clone_chatbot")]
pub async fn clone_chatbot(id: crate::dto::BotId) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.clone_chatbot(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "archive_chatbot")]
pub async fn archive_chatbot(id: crate::dto::BotId) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.archive_chatbot(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "restore_chatbot")]
pub async fn restore_chatbot(id: crate::dto::BotId) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.restore_chatbot(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "chatbot_versions")]
pub async fn chatbot_versions(id: crate::dto::BotId) -> Result<Vec<crate::dto::BotVersionView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.chatbot_versions(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "restore_chatbot_version")]
pub async fn restore_chatbot_version(
    id: crate::dto::BotId,
    version: i32,
) -> Result<crate::dto::ChatbotView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.bots.restore_chatbot_version(&caller, id, version).await
}
