//! `POST /api/v1/conversations/search` (PRD §5.3.4): the conversation index's answer with the
//! conversations as the inbox shows them.

use app::{
    ApiError,
    auth::Permission,
    conversation_search::{ConversationHit, MAX_LIMIT, MAX_QUERY_CHARS, SearchRequest, SearchResults},
    inbox::Pagination,
    ssr::Viewer,
};
use axum::{
    Json,
    extract::{FromRef, State},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ConversationSearch;
use crate::{
    conversations::ConversationService,
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator},
};

#[derive(Clone, FromRef)]
pub struct SearchRoutes {
    pub search: ConversationSearch,
    pub conversations: ConversationService,
    pub auth: Authenticator,
}

pub fn router(state: SearchRoutes) -> OpenApiRouter {
    OpenApiRouter::default().routes(routes!(search_route)).with_state(state)
}

/// Searches the organization's conversations: words over messages, notes, the customer's name
/// and email and the tags (a typo forgiven, `"phrases"` kept whole), the filters, an order and a
/// page; with counts by status, agent, bot and rating over every match.
#[utoipa::path(post, path = "/api/v1/conversations/search", tag = "conversations", security(("bearer" = [])),
    request_body = SearchRequest,
    responses((status = 200, body = SearchResults), (status = 422, body = app::error::ErrorBody)))]
pub async fn search_route(
    State(state): State<SearchRoutes>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<SearchRequest>,
) -> Result<Json<SearchResults>> {
    Ok(Json(search(&state.search, &state.conversations, &caller.viewer, request).await?))
}

/// The search as the REST route and the inbox run it: the request checked and read into one
/// form, the index asked, the page's conversations read as the inbox shows them.
pub async fn search(
    index: &ConversationSearch,
    conversations: &ConversationService,
    viewer: &Viewer,
    mut request: SearchRequest,
) -> Result<SearchResults> {
    viewer.require(Permission::ViewConversations)?;
    if request.query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::validation(
            "query",
            format!("A search can be at most {MAX_QUERY_CHARS} characters long."),
        )
        .into());
    }
    request.page = request.page.max(1);
    request.limit = match request.limit {
        0 => 20,
        n if n > MAX_LIMIT => {
            return Err(ApiError::validation("limit", format!("Ask for 1 to {MAX_LIMIT} a page.")).into());
        }
        n => n,
    };
    if let Some(range) = request.filters.satisfaction_rating
        && (range.min.is_some_and(|m| !(1..=5).contains(&m))
            || range.max.is_some_and(|m| !(1..=5).contains(&m)))
    {
        return Err(ApiError::validation("filters.satisfaction_rating", "Ratings go from 1 to 5.").into());
    }
    request.filters.tags = request
        .filters
        .tags
        .iter()
        .map(|t| {
            app::inbox::tag_name(t)
                .map_err(|_| ApiError::validation("filters.tags", format!("“{t}” is not a tag name.")))
        })
        .collect::<std::result::Result<_, _>>()?;
    if let Some(agent) = request.filters.assigned_agent.as_deref().map(str::trim) {
        request.filters.assigned_agent = Some(match agent {
            "me" => viewer.user_id.to_string(),
            "unassigned" => "unassigned".into(),
            other => other
                .parse::<uuid::Uuid>()
                .map_err(|_| {
                    ApiError::validation("filters.assigned_agent", "Give a teammate's id, me or unassigned.")
                })?
                .to_string(),
        });
    }
    let org = viewer.organization_id;
    let page = index.search(org, &request)?;
    let ids: Vec<app::dto::ConversationId> = page.found.iter().map(|f| f.id).collect();
    let views = conversations.views(org, &ids).await?;
    let data = page
        .found
        .into_iter()
        .filter_map(|f| {
            // A conversation deleted since it was indexed is left out.
            let conversation = views.iter().find(|v| v.id == f.id)?.clone();
            Some(ConversationHit {
                conversation,
                snippet: f.snippet,
                highlights: f.highlights,
                matched_in: f.matched_in.into(),
            })
        })
        .collect();
    Ok(SearchResults {
        data,
        pagination: Pagination {
            page: request.page,
            limit: request.limit,
            total: page.total,
            total_pages: page.total.div_ceil(request.limit),
        },
        aggregations: page.aggregations,
        took_ms: page.took_ms,
    })
}
