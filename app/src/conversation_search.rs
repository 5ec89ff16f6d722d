//! Searching conversations (PRD story 3.3, §5.3.4 `POST /api/v1/conversations/search`): words
//! over what was said, the internal notes, the customer's name and email and the tags (typos
//! forgiven, `"quoted phrases"` kept together), the inbox's filters, an order and a page; the
//! answer is conversations with their best matching passage highlighted, and counts by status,
//! agent, bot and rating over everything that matched.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    dto::{ConversationStatus, ConversationView},
    ids::BotId,
    inbox::Pagination,
};

/// Most conversations on one page of results.
pub const MAX_LIMIT: u64 = 100;
/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// What to search for (`POST /api/v1/conversations/search`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SearchRequest {
    /// Words (any order; a close misspelling still matches) and `"exact phrases"`; empty lists
    /// every conversation that fits the filters.
    pub query: String,
    pub filters: SearchFilters,
    pub sort: SearchSort,
    /// From 1.
    pub page: u64,
    /// 1–100, 20 when absent.
    pub limit: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SearchFilters {
    /// Any of these statuses.
    pub status: Vec<ConversationStatus>,
    pub chatbot_id: Option<BotId>,
    /// A teammate's id, or `unassigned`.
    pub assigned_agent: Option<String>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    pub date_range: Option<DateRange>,
    pub satisfaction_rating: Option<RatingRange>,
    pub customer_email: Option<String>,
    pub has_internal_notes: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DateRange {
    /// `created_at` (default) or `updated_at` (the last time a person wrote).
    #[serde(default)]
    pub field: DateField,
    /// RFC 3339 or `YYYY-MM-DD` (the day's start, UTC).
    #[serde(default)]
    pub start: Option<String>,
    /// RFC 3339 or `YYYY-MM-DD` (the day's end, UTC).
    #[serde(default)]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DateField {
    #[default]
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingRange {
    #[serde(default)]
    pub min: Option<u8>,
    #[serde(default)]
    pub max: Option<u8>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SearchSort {
    pub field: SortField,
    pub order: SortOrder,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    /// Best match first (with no words: the latest activity first).
    #[default]
    Relevance,
    UpdatedAt,
    CreatedAt,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Desc,
    Asc,
}

/// One conversation found, with the passage that matched (`highlights`: byte ranges of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConversationHit {
    pub conversation: ConversationView,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    /// Where the passage is from: `message`, `note`, `customer` or `tags`.
    pub matched_in: String,
}

/// Counts over every conversation that matched (not only this page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchAggregations {
    pub by_status: BTreeMap<String, u64>,
    /// By teammate id; `unassigned` for nobody's.
    pub by_agent: BTreeMap<String, u64>,
    pub by_bot: BTreeMap<String, u64>,
    /// By stars, `1`–`5`, rated conversations only.
    pub by_satisfaction: BTreeMap<String, u64>,
    pub avg_satisfaction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub data: Vec<ConversationHit>,
    pub pagination: Pagination,
    pub aggregations: SearchAggregations,
    /// How long the index took, in milliseconds.
    pub took_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_from_the_prds_json() {
        let read: SearchRequest = serde_json::from_value(serde_json::json!({
            "query": "password reset",
            "filters": {"status": ["active", "escalated"], "tags": ["billing"],
                        "date_range": {"field": "updated_at", "start": "2026-12-01"},
                        "satisfaction_rating": {"min": 4}, "has_internal_notes": true},
            "sort": {"field": "updated_at", "order": "asc"}, "page": 2, "limit": 10
        }))
        .expect("reads");
        assert_eq!(read.filters.status, [ConversationStatus::Active, ConversationStatus::Escalated]);
        assert_eq!(read.sort, SearchSort { field: SortField::UpdatedAt, order: SortOrder::Asc });
        assert_eq!(read.filters.date_range.map(|d| d.field), Some(DateField::UpdatedAt));
        assert_eq!((read.page, read.limit), (2, 10));
    }
}
