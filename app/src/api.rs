//! Typed server functions: who is asking, one port call, a DTO back. No logic lives here.

use leptos::prelude::*;

use crate::{
    dto::{ConversationId, ConversationView, MessageView, SearchHit},
    error::ApiError,
};

#[server(prefix = "/api/fn", endpoint = "conversations")]
pub async fn list_conversations() -> Result<Vec<ConversationView>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.list_conversations(&viewer).await
}

#[server(prefix = "/api/fn", endpoint = "conversation_messages")]
pub async fn conversation_messages(id: ConversationId) -> Result<Vec<MessageView>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.conversation_messages(&viewer, id).await
}

#[server(prefix = "/api/fn", endpoint = "search_messages")]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.search_messages(&viewer, &query).await
}
