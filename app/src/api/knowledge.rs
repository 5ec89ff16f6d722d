//! Knowledge: a bot's sources, FAQs and snippets, deleting, and searching what it knows.

use leptos::prelude::*;

use crate::{
    dto::BotId,
    error::ApiError,
    ids::SourceId,
    knowledge::{KnowledgeHit, KnowledgePage, SourceCard},
};

/// The Knowledge page's data: the bot and every source with its status.
#[server(prefix = "/api/fn", endpoint = "knowledge")]
pub async fn knowledge(chatbot_id: BotId) -> Result<KnowledgePage, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.knowledge.knowledge(&caller, chatbot_id).await
}

/// Adds an FAQ (`tags` comma-separated, as the editor's field).
#[server(prefix = "/api/fn", endpoint = "add_faq")]
pub async fn add_faq(
    chatbot_id: BotId,
    question: String,
    answer: String,
    category: Option<String>,
    tags: Option<String>,
    priority: Option<String>,
) -> Result<SourceCard, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let tags =
        tags.unwrap_or_default().split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    let faq = crate::ssr::FaqDraft { question, answer, category, tags, priority };
    ports.knowledge.add_faq(&caller, chatbot_id, faq).await
}

/// Adds a text snippet typed in the dashboard.
#[server(prefix = "/api/fn", endpoint = "add_snippet")]
pub async fn add_snippet(chatbot_id: BotId, title: String, text: String) -> Result<SourceCard, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.knowledge.add_snippet(&caller, chatbot_id, title, text).await
}

/// Adds a website and starts its crawl. Patterns are separated by commas or new lines;
/// `frequency` (daily, weekly, monthly) re-crawls it on a schedule, empty: only on demand.
#[server(prefix = "/api/fn", endpoint = "add_website")]
pub async fn add_website(
    chatbot_id: BotId,
    url: String,
    max_pages: Option<u32>,
    max_depth: Option<u32>,
    include_patterns: Option<String>,
    exclude_patterns: Option<String>,
    frequency: Option<String>,
) -> Result<SourceCard, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let list = |raw: Option<String>| -> Vec<String> {
        raw.unwrap_or_default()
            .split([',', '\n'])
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let defaults = crate::knowledge::CrawlSettings::default();
    let settings = crate::knowledge::CrawlSettings {
        max_pages: max_pages.unwrap_or(defaults.max_pages),
        max_depth: max_depth.unwrap_or(defaults.max_depth),
        include_patterns: list(include_patterns),
        exclude_patterns: list(exclude_patterns),
        ..defaults
    };
    let schedule = frequency.filter(|f| !f.trim().is_empty()).map(|frequency| {
        crate::knowledge::CrawlSchedule { enabled: true, frequency, day_of_week: None, time: None }
    });
    ports.knowledge.add_website(&caller, chatbot_id, url, settings, schedule).await
}

/// Crawls a website again now (only what changed is read again).
#[server(prefix = "/api/fn", endpoint = "recrawl_source")]
pub async fn recrawl_source(id: SourceId) -> Result<SourceCard, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.knowledge.recrawl(&caller, id).await
}

/// Deletes a source; its passages leave the bot's knowledge at once.
#[server(prefix = "/api/fn", endpoint = "delete_source")]
pub async fn delete_source(id: SourceId) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.knowledge.delete_source(&caller, id).await
}

/// Passages of the bot's knowledge matching `q`, best first.
#[server(prefix = "/api/fn", endpoint = "search_knowledge")]
pub async fn search_knowledge(chatbot_id: BotId, q: String) -> Result<Vec<KnowledgeHit>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.knowledge.search_knowledge(&caller, chatbot_id, q).await
}
