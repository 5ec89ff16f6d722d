//! REST for the organization's chatbots (PRD §5.2.1–5.2.2): create, read, change, archive
//! (`DELETE`) and restore, clone, and the version history. Every query is scoped by the
//! caller's organization.

use app::{
    auth::Permission,
    dto::{BotId, ChatbotView},
};
use axum::{
    Json,
    extract::{FromRef, Path, State},
};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    bots::lifecycle,
    error::Result,
    events::EventBus,
    http::{ApiCaller, Authenticator},
    shared::{ClientInfo, PublicUrl},
};

#[derive(Clone, FromRef)]
pub struct BotRoutes {
    pub db: DatabaseConnection,
    pub events: EventBus,
    /// Where embed snippets point.
    pub public_url: PublicUrl,
    pub auth: Authenticator,
}

pub fn router(state: BotRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_chatbots, create_chatbot))
        .routes(routes!(get_chatbot, update_chatbot, archive_chatbot))
        .routes(routes!(restore_chatbot))
        .routes(routes!(clone_chatbot))
        .routes(routes!(chatbot_versions))
        .routes(routes!(restore_chatbot_version))
        .with_state(state)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatbotsResponse {
    pub chatbots: Vec<ChatbotView>,
}

/// The caller's chatbots.
#[utoipa::path(get, path = "/api/v1/chatbots", tag = "chatbots", security(("bearer" = [])),
    responses((status = 200, body = ChatbotsResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_chatbots(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
) -> Result<Json<ChatbotsResponse>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(ChatbotsResponse {
        chatbots: crate::bots::list(&state.db, caller.viewer.organization_id, state.public_url.as_str())
            .await?,
    }))
}

/// One chatbot; 404 when it belongs to another organization.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = ChatbotView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ChatbotView>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    Ok(Json(crate::bots::get(&state.db, caller.viewer.organization_id, id, state.public_url.as_str()).await?))
}

/// Changes a chatbot's name, greeting, fallback text or settings (PRD §5.2.2). `settings` is a
/// JSON merge patch: send only what changes. Open widgets of the bot redraw at once.
#[utoipa::path(patch, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")), request_body = crate::bots::ChatbotPatch,
    responses((status = 200, body = ChatbotView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<String>,
    crate::http::ApiJson(patch): crate::http::ApiJson<crate::bots::ChatbotPatch>,
) -> Result<Json<ChatbotView>> {
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    let client = crate::http::client_of(&request);
    Ok(Json(
        crate::bots::update(
            &state.db,
            &state.events,
            &caller.viewer,
            id,
            patch,
            &client,
            state.public_url.as_str(),
        )
        .await?,
    ))
}

/// `POST /api/v1/chatbots` (PRD §5.2.1). Everything but `name` has a default; the nested
/// settings objects take any subset of their fields.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChatbot {
    pub name: String,
    /// `professional` (the default), `friendly` or `casual`.
    #[schema(example = "professional")]
    pub personality: Option<String>,
    pub greeting_message: Option<String>,
    pub fallback_message: Option<String>,
    pub description: Option<String>,
    /// The workspace the bot goes in (the organization's first when left out).
    #[schema(value_type = Option<String>)]
    pub workspace_id: Option<app::dto::WorkspaceId>,
    #[schema(value_type = Option<Object>)]
    pub business_hours: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub widget_settings: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub data_collection: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub behavior_settings: Option<serde_json::Value>,
    /// Who writes the answers: `provider` (`platform`, `built-in`, `custom`), `model`,
    /// `base_url`, `credential_id`, `temperature`, `max_tokens`, `instructions`.
    #[schema(value_type = Option<Object>)]
    pub ai_settings: Option<serde_json::Value>,
    pub language: Option<String>,
    pub allowed_domains: Option<Vec<String>>,
}

impl CreateChatbot {
    /// The request as a new bot: the nested objects laid over the default settings, refused
    /// with the field named when they do not fit.
    fn into_new_bot(self) -> Result<lifecycle::NewBot> {
        let mut settings =
            serde_json::to_value(app::bot_settings::BotSettings::default()).unwrap_or_default();
        for (key, part) in [
            ("business_hours", self.business_hours),
            ("widget", self.widget_settings),
            ("data_collection", self.data_collection),
            ("behavior", self.behavior_settings),
            ("ai", self.ai_settings),
            ("language", self.language.map(serde_json::Value::String)),
            ("allowed_domains", self.allowed_domains.map(|d| serde_json::json!(d))),
        ] {
            let Some(part) = part else { continue };
            crate::bots::merge_patch(&mut settings, serde_json::json!({ key: part }));
            if let Err(err) = serde_json::from_value::<app::bot_settings::BotSettings>(settings.clone()) {
                let field = if key == "widget" {
                    "widget_settings"
                } else if key == "behavior" {
                    "behavior_settings"
                } else if key == "ai" {
                    "ai_settings"
                } else {
                    key
                };
                return Err(app::ApiError::validation(field, format!("This does not fit: {err}.")).into());
            }
        }
        let settings =
            serde_json::from_value(settings).map_err(|err| app::ApiError::bad_request(err.to_string()))?;
        let personality = match self.personality.as_deref() {
            None => app::dto::Personality::default(),
            Some(text) => app::dto::Personality::parse(text).ok_or_else(|| {
                app::ApiError::validation("personality", "Use professional, friendly or casual.")
            })?,
        };
        Ok(lifecycle::NewBot {
            name: self.name,
            personality,
            greeting: self.greeting_message,
            fallback_message: self.fallback_message,
            description: self.description,
            settings,
            workspace: self.workspace_id,
        })
    }
}

/// Creates a chatbot, live at once; the answer carries its `embed_code`. 402 when the plan's
/// bots are all in use, 422 with each field named.
#[utoipa::path(post, path = "/api/v1/chatbots", tag = "chatbots", security(("bearer" = [])),
    request_body = CreateChatbot,
    responses((status = 201, body = ChatbotView), (status = 402, body = app::error::ErrorBody),
              (status = 403, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn create_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    crate::http::ApiJson(body): crate::http::ApiJson<CreateChatbot>,
) -> Result<(axum::http::StatusCode, Json<ChatbotView>)> {
    caller.viewer.require(Permission::CreateDeleteChatbots)?;
    let new = body.into_new_bot()?;
    let created =
        lifecycle::create(&state.db, &caller.viewer, new, &client, state.public_url.as_str()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(created)))
}

fn bot_id(id: &str) -> Result<BotId> {
    Ok(id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?)
}

/// Archives a chatbot (a soft delete): its widget stops loading everywhere; conversations and
/// knowledge stay; `POST …/restore` brings it back.
#[utoipa::path(delete, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = ChatbotView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn archive_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<Json<ChatbotView>> {
    let id = bot_id(&id)?;
    Ok(Json(
        lifecycle::archive(&state.db, &state.events, &caller.viewer, id, &client, state.public_url.as_str())
            .await?,
    ))
}

/// Restores an archived chatbot; 402 when its plan has no room, 422 when a live bot took its name.
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/restore", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = ChatbotView), (status = 402, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn restore_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<Json<ChatbotView>> {
    let id = bot_id(&id)?;
    Ok(Json(
        lifecycle::restore(&state.db, &state.events, &caller.viewer, id, &client, state.public_url.as_str())
            .await?,
    ))
}

/// A new chatbot with this one's configuration ("Copy of …").
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/clone", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 201, body = ChatbotView), (status = 402, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn clone_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<(axum::http::StatusCode, Json<ChatbotView>)> {
    let id = bot_id(&id)?;
    let copy = lifecycle::clone(&state.db, &caller.viewer, id, &client, state.public_url.as_str()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(copy)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionsResponse {
    pub versions: Vec<app::dto::BotVersionView>,
}

/// The configuration's versions, newest first, each with what it changed.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}/versions", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = VersionsResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn chatbot_versions(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<VersionsResponse>> {
    let id = bot_id(&id)?;
    Ok(Json(VersionsResponse { versions: lifecycle::versions(&state.db, &caller.viewer, id).await? }))
}

/// Makes an earlier version's configuration current again (as a new version).
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/versions/{version}/restore", tag = "chatbots",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)"), ("version" = i32, Path, description = "Version number")),
    responses((status = 200, body = ChatbotView), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn restore_chatbot_version(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ChatbotView>> {
    caller.viewer.require(Permission::EditChatbotSettings)?;
    let id = bot_id(&id)?;
    let version: i32 = version.parse().map_err(|_| app::ApiError::not_found("version"))?;
    Ok(Json(
        lifecycle::restore_version(
            &state.db,
            &state.events,
            &caller.viewer,
            id,
            version,
            &client,
            state.public_url.as_str(),
        )
        .await?,
    ))
}
