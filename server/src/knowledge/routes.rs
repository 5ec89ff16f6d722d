//! REST for a bot's knowledge (PRD §5.4): documents (multipart upload, with its own body
//! limit), websites to crawl, FAQs, text snippets, every source's status, and the knowledge search. Every query
//! is scoped by the caller's organization; agents read, owners and admins change.

use app::{
    ApiError,
    auth::Permission,
    dto::BotId,
    ids::SourceId,
    knowledge::{KnowledgeHit, SourceKind, SourceView},
};
use axum::{
    Json,
    extract::{DefaultBodyLimit, FromRef, Multipart, Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{CrawledPage, FaqImport, FaqInput, KNOWLEDGE_FILES, KnowledgeService, Upload, UrlInput};
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, ApiQuery, Authenticator},
    shared::ClientInfo,
};

#[derive(Clone, FromRef)]
pub struct KnowledgeRoutes {
    pub knowledge: KnowledgeService,
    pub auth: Authenticator,
}

pub fn router(state: KnowledgeRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_documents))
        .routes(routes!(get_document, delete_document))
        .routes(routes!(create_faq, list_faqs))
        .routes(routes!(update_faq, delete_faq))
        .routes(routes!(create_snippet))
        .routes(routes!(create_url, list_urls))
        .routes(routes!(get_url, delete_url))
        .routes(routes!(recrawl_url))
        .routes(routes!(url_pages))
        .routes(routes!(list_sources))
        .routes(routes!(get_source, delete_source))
        .routes(routes!(search_knowledge))
        .with_state(state)
}

/// The upload route, outside the common 1 MB body limit: the largest file any plan allows,
/// plus room for the form's other fields. Each plan's own limit is checked as the file
/// arrives, before anything is stored.
pub fn upload_router(state: KnowledgeRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(upload_document))
        .routes(routes!(replace_document))
        .routes(routes!(import_faqs))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT))
        .with_state(state)
}

const UPLOAD_BODY_LIMIT: usize = KNOWLEDGE_FILES.max_bytes + 64 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ByBot {
    /// The chatbot whose knowledge to list (required).
    pub chatbot_id: Option<BotId>,
}

/// The `chatbot_id` a list needs, once the caller may read knowledge at all.
fn bot_of(caller: &ApiCaller, chatbot_id: Option<BotId>) -> Result<BotId> {
    caller.viewer.require(Permission::ViewKnowledge)?;
    Ok(chatbot_id
        .ok_or_else(|| ApiError::validation("chatbot_id", "Give the chatbot's id (`?chatbot_id=`)."))?)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentsResponse {
    pub documents: Vec<SourceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FaqsResponse {
    pub faqs: Vec<SourceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourcesResponse {
    pub sources: Vec<SourceView>,
}

fn source_id(raw: &str, what: &str) -> Result<SourceId> {
    Ok(raw.parse().map_err(|_| ApiError::not_found(what))?)
}

/// Deletes one source of `kind` (a route of one kind does not reach another's).
async fn delete_of_kind(
    k: &KnowledgeService,
    caller: &ApiCaller,
    client: &ClientInfo,
    id: &str,
    kind: SourceKind,
    what: &str,
) -> Result<StatusCode> {
    caller.viewer.require(Permission::ManageKnowledge)?;
    let found = of_kind(k, caller, id, kind, what).await?;
    k.delete(&caller.viewer, client, found.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One source of `kind`; another kind's id is as unknown as another organization's.
async fn of_kind(
    k: &KnowledgeService,
    caller: &ApiCaller,
    id: &str,
    kind: SourceKind,
    what: &str,
) -> Result<SourceView> {
    let found = k.get(&caller.viewer, source_id(id, what)?).await?;
    if found.kind != kind {
        return Err(ApiError::not_found(what).into());
    }
    Ok(found)
}

/// Uploads a document (`multipart/form-data`: `file`, `chatbot_id`, optional `metadata` as a
/// JSON object) and queues its processing; its `status` then moves on, announced over the
/// dashboard socket (`document:processing|processed|failed`). A file over the plan's size or
/// count is refused before it is stored (413, 402).
#[utoipa::path(post, path = "/api/v1/knowledge-base/documents", tag = "knowledge", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file`, `chatbot_id`, optional `metadata` (JSON object): PDF, DOCX, TXT, Markdown, HTML or CSV"),
    responses((status = 201, body = SourceView), (status = 402, body = app::error::ErrorBody),
              (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody),
              (status = 413, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn upload_document(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<SourceView>)> {
    // Who may comes before reading a 50 MB body.
    caller.viewer.require(Permission::ManageKnowledge)?;
    let mut multipart =
        <Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await.map_err(|_| {
            ApiError::bad_request("Send the file as multipart/form-data with `chatbot_id` and `file`.")
        })?;
    let mut bot: Option<BotId> = None;
    let mut metadata: Option<serde_json::Value> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let unreadable = || ApiError::bad_request("The upload could not be read as multipart/form-data.");
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("chatbot_id") => bot = Some(bot_field(field).await?),
            Some("metadata") => {
                let text = field.text().await.map_err(|_| unreadable())?;
                let value: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|_| ApiError::validation("metadata", "Metadata must be a JSON object."))?;
                if !value.is_object() {
                    return Err(ApiError::validation("metadata", "Metadata must be a JSON object.").into());
                }
                metadata = Some(value);
            }
            Some("file") => {
                // The bot comes first in the PRD's form; without it the plan's limits are unknown.
                let Some(bot) = bot else {
                    return Err(ApiError::validation("chatbot_id", "Send `chatbot_id` before `file`.").into());
                };
                let limits = k.upload_limits(&caller.viewer, bot).await?;
                file = Some(file_field(field, &limits).await?);
            }
            _ => {}
        }
    }
    let bot = bot.ok_or_else(|| ApiError::validation("chatbot_id", "Give the chatbot's id."))?;
    let (filename, bytes) = file.ok_or_else(|| ApiError::validation("file", "Choose a file to upload."))?;
    let created = k.add_document(&caller.viewer, &client, bot, Upload { filename, bytes, metadata }).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Replaces a document's file with a new version (`multipart/form-data`: `file`): the
/// document keeps its id and metadata and is processed again; its old passages stay until the
/// new ones are ready. A file over the plan's size is refused before it is stored (413).
#[utoipa::path(put, path = "/api/v1/knowledge-base/documents/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "The document's id")),
    request_body(content_type = "multipart/form-data", description = "`file`: the new version (PDF, DOCX, TXT, Markdown, HTML or CSV)"),
    responses((status = 200, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 413, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn replace_document(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: axum::extract::Request,
) -> Result<Json<SourceView>> {
    caller.viewer.require(Permission::ManageKnowledge)?;
    let found = of_kind(&k, &caller, &id, SourceKind::Document, "document").await?;
    let limits = k.file_limits(&caller.viewer, found.chatbot_id).await?;
    let mut multipart = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
        .await
        .map_err(|_| ApiError::bad_request("Send the new file as multipart/form-data with `file`."))?;
    let unreadable = || ApiError::bad_request("The upload could not be read as multipart/form-data.");
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some("file") {
            file = Some(file_field(field, &limits).await?);
        }
    }
    let (filename, bytes) = file.ok_or_else(|| ApiError::validation("file", "Choose a file to upload."))?;
    let replaced = k
        .replace_document(&caller.viewer, &client, found.id, Upload { filename, bytes, metadata: None })
        .await?;
    Ok(Json(replaced))
}

/// A form's `file` field: its name and bytes, read as they stream in and refused (413) the
/// moment they pass the plan's size.
async fn file_field(
    mut field: axum::extract::multipart::Field<'_>,
    limits: &super::FileLimits,
) -> Result<(String, Vec<u8>)> {
    let name = field.file_name().unwrap_or("upload").to_owned();
    let mut bytes = Vec::new();
    while let Some(piece) = field
        .chunk()
        .await
        .map_err(|_| ApiError::bad_request("The upload could not be read as multipart/form-data."))?
    {
        bytes.extend_from_slice(&piece);
        limits.size_fits(bytes.len() as u64)?;
    }
    Ok((name, bytes))
}

/// A form's `chatbot_id` field.
async fn bot_field(field: axum::extract::multipart::Field<'_>) -> Result<BotId> {
    let text = field
        .text()
        .await
        .map_err(|_| ApiError::bad_request("The upload could not be read as multipart/form-data."))?;
    Ok(text.trim().parse().map_err(|_| ApiError::validation("chatbot_id", "Give the chatbot's id."))?)
}

/// Largest FAQ CSV an import reads.
const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// Imports FAQs from a CSV (`multipart/form-data`: `file`, `chatbot_id`, optional
/// `overwrite_existing` = `true`): the PRD's per-row report. A browser's plain form post is
/// sent back to the Knowledge page with the counts.
#[utoipa::path(post, path = "/api/v1/knowledge-base/faqs/import", tag = "knowledge", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file` (CSV: question,answer,category,tags[,priority]), `chatbot_id`, optional `overwrite_existing`"),
    responses((status = 200, body = FaqImport), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 413, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn import_faqs(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    request: axum::extract::Request,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    caller.viewer.require(Permission::ManageKnowledge)?;
    let page = request
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let mut multipart =
        <Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await.map_err(|_| {
            ApiError::bad_request("Send the CSV as multipart/form-data with `chatbot_id` and `file`.")
        })?;
    let unreadable = || ApiError::bad_request("The upload could not be read as multipart/form-data.");
    let (mut bot, mut overwrite, mut file): (Option<BotId>, bool, Option<Vec<u8>>) = (None, false, None);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("chatbot_id") => bot = Some(bot_field(field).await?),
            Some("overwrite_existing") => {
                let text = field.text().await.map_err(|_| unreadable())?;
                overwrite = matches!(text.trim(), "true" | "on" | "1");
            }
            Some("file") => {
                let mut bytes = Vec::new();
                while let Some(piece) = field.chunk().await.map_err(|_| unreadable())? {
                    bytes.extend_from_slice(&piece);
                    if bytes.len() > MAX_IMPORT_BYTES {
                        return Err(ApiError::PayloadTooLarge { max_bytes: MAX_IMPORT_BYTES }.into());
                    }
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    let bot = bot.ok_or_else(|| ApiError::validation("chatbot_id", "Give the chatbot's id."))?;
    let file = file.ok_or_else(|| ApiError::validation("file", "Choose a CSV file to import."))?;
    let report = match (k.import_faqs(&caller.viewer, &client, bot, &file, overwrite).await, page) {
        (Ok(report), _) => report,
        (Err(crate::error::Error::Api(refused)), true) => {
            let query = serde_urlencoded::to_string([("problems", refused.to_string())]).unwrap_or_default();
            return Ok(
                axum::response::Redirect::to(&format!("/bots/{bot}/knowledge?{query}")).into_response()
            );
        }
        (Err(other), _) => return Err(other),
    };
    if page {
        let problems: Vec<String> =
            report.errors.iter().take(3).map(|e| format!("row {}: {}", e.row, e.error)).collect();
        let query = serde_urlencoded::to_string([
            ("imported", report.imported.to_string()),
            ("skipped", report.skipped.to_string()),
            ("problems", problems.join(" · ")),
        ])
        .unwrap_or_default();
        return Ok(axum::response::Redirect::to(&format!("/bots/{bot}/knowledge?{query}")).into_response());
    }
    Ok(Json(report).into_response())
}

/// The bot's documents with the status of each.
#[utoipa::path(get, path = "/api/v1/knowledge-base/documents", tag = "knowledge", security(("bearer" = [])),
    params(ByBot), responses((status = 200, body = DocumentsResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn list_documents(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ByBot>,
) -> Result<Json<DocumentsResponse>> {
    Ok(Json(DocumentsResponse {
        documents: k.list(&caller.viewer, bot_of(&caller, q.chatbot_id)?, Some(SourceKind::Document)).await?,
    }))
}

/// One document.
#[utoipa::path(get, path = "/api/v1/knowledge-base/documents/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id (UUID)")),
    responses((status = 200, body = SourceView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_document(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<SourceView>> {
    Ok(Json(of_kind(&k, &caller, &id, SourceKind::Document, "document").await?))
}

/// Deletes a document: its passages leave the bot's knowledge at once.
#[utoipa::path(delete, path = "/api/v1/knowledge-base/documents/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_document(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    delete_of_kind(&k, &caller, &client, &id, SourceKind::Document, "document").await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateFaq {
    pub chatbot_id: BotId,
    #[serde(flatten)]
    pub faq: FaqInput,
    /// Accepted and kept for the caller (related documents and URLs).
    #[serde(default)]
    #[allow(dead_code, reason = "read by serde; related links are not used yet")]
    pub metadata: Option<serde_json::Value>,
}

/// Adds an FAQ (PRD §5.4.3); it is indexed within a moment, its question weighted.
#[utoipa::path(post, path = "/api/v1/knowledge-base/faqs", tag = "knowledge", security(("bearer" = [])),
    request_body = CreateFaq,
    responses((status = 201, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn create_faq(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateFaq>,
) -> Result<(StatusCode, Json<SourceView>)> {
    Ok((StatusCode::CREATED, Json(k.add_faq(&caller.viewer, &client, body.chatbot_id, body.faq).await?)))
}

/// The bot's FAQs.
#[utoipa::path(get, path = "/api/v1/knowledge-base/faqs", tag = "knowledge", security(("bearer" = [])),
    params(ByBot), responses((status = 200, body = FaqsResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn list_faqs(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ByBot>,
) -> Result<Json<FaqsResponse>> {
    Ok(Json(FaqsResponse {
        faqs: k.list(&caller.viewer, bot_of(&caller, q.chatbot_id)?, Some(SourceKind::Faq)).await?,
    }))
}

/// Replaces an FAQ's question, answer, category, tags and priority; it is indexed again.
#[utoipa::path(patch, path = "/api/v1/knowledge-base/faqs/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "FAQ id (UUID)")), request_body = FaqInput,
    responses((status = 200, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_faq(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
    ApiJson(faq): ApiJson<FaqInput>,
) -> Result<Json<SourceView>> {
    Ok(Json(k.update_faq(&caller.viewer, &client, source_id(&id, "FAQ")?, faq).await?))
}

/// Deletes an FAQ.
#[utoipa::path(delete, path = "/api/v1/knowledge-base/faqs/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "FAQ id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_faq(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    delete_of_kind(&k, &caller, &client, &id, SourceKind::Faq, "FAQ").await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSnippet {
    pub chatbot_id: BotId,
    pub title: String,
    /// Plain text or Markdown (its headings become the passages' heading path).
    pub text: String,
}

/// Adds a text snippet: something the bot should know, typed rather than uploaded.
#[utoipa::path(post, path = "/api/v1/knowledge-base/snippets", tag = "knowledge", security(("bearer" = [])),
    request_body = CreateSnippet,
    responses((status = 201, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn create_snippet(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateSnippet>,
) -> Result<(StatusCode, Json<SourceView>)> {
    let created = k.add_snippet(&caller.viewer, &client, body.chatbot_id, &body.title, &body.text).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUrl {
    pub chatbot_id: BotId,
    #[serde(flatten)]
    pub site: UrlInput,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UrlsResponse {
    pub urls: Vec<SourceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PagesResponse {
    pub pages: Vec<CrawledPage>,
}

/// Adds a website and starts crawling it (PRD §5.4.2): breadth-first from `url` within
/// `crawl_settings`, again on `schedule`. Progress arrives as `crawl:progress` and
/// `crawl:completed` on the dashboard socket.
#[utoipa::path(post, path = "/api/v1/knowledge-base/urls", tag = "knowledge", security(("bearer" = [])),
    request_body = CreateUrl,
    responses((status = 201, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn create_url(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateUrl>,
) -> Result<(StatusCode, Json<SourceView>)> {
    Ok((StatusCode::CREATED, Json(k.add_url(&caller.viewer, &client, body.chatbot_id, body.site).await?)))
}

/// The bot's websites, with each one's crawl status and page counts.
#[utoipa::path(get, path = "/api/v1/knowledge-base/urls", tag = "knowledge", security(("bearer" = [])),
    params(ByBot), responses((status = 200, body = UrlsResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn list_urls(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ByBot>,
) -> Result<Json<UrlsResponse>> {
    Ok(Json(UrlsResponse {
        urls: k.list(&caller.viewer, bot_of(&caller, q.chatbot_id)?, Some(SourceKind::Url)).await?,
    }))
}

/// One website.
#[utoipa::path(get, path = "/api/v1/knowledge-base/urls/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Website source id (UUID)")),
    responses((status = 200, body = SourceView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_url(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<SourceView>> {
    caller.viewer.require(Permission::ViewKnowledge)?;
    Ok(Json(of_kind(&k, &caller, &id, SourceKind::Url, "website source").await?))
}

/// Deletes a website: its pages' passages leave the bot's knowledge; a crawl under way stops.
#[utoipa::path(delete, path = "/api/v1/knowledge-base/urls/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Website source id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_url(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    delete_of_kind(&k, &caller, &client, &id, SourceKind::Url, "website source").await
}

/// Crawls the website again now, fetching only what changed (409 while a crawl runs).
#[utoipa::path(post, path = "/api/v1/knowledge-base/urls/{id}/recrawl", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Website source id (UUID)")),
    responses((status = 202, body = SourceView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody)))]
pub async fn recrawl_url(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<SourceView>)> {
    caller.viewer.require(Permission::ManageKnowledge)?;
    let id = source_id(&id, "website source")?;
    Ok((StatusCode::ACCEPTED, Json(k.recrawl(&caller.viewer, &client, id).await?)))
}

/// The pages the website's crawl found, each with its state (read, unchanged, duplicate,
/// skipped by robots.txt, failed with its reason…).
#[utoipa::path(get, path = "/api/v1/knowledge-base/urls/{id}/pages", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Website source id (UUID)")),
    responses((status = 200, body = PagesResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn url_pages(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<PagesResponse>> {
    caller.viewer.require(Permission::ViewKnowledge)?;
    Ok(Json(PagesResponse { pages: k.pages(&caller.viewer, source_id(&id, "website source")?).await? }))
}

/// Every source of the bot (documents, sites, FAQs, snippets), newest first.
#[utoipa::path(get, path = "/api/v1/knowledge-base/sources", tag = "knowledge", security(("bearer" = [])),
    params(ByBot), responses((status = 200, body = SourcesResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn list_sources(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ByBot>,
) -> Result<Json<SourcesResponse>> {
    Ok(Json(SourcesResponse { sources: k.list(&caller.viewer, bot_of(&caller, q.chatbot_id)?, None).await? }))
}

/// One source of any kind.
#[utoipa::path(get, path = "/api/v1/knowledge-base/sources/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Source id (UUID)")),
    responses((status = 200, body = SourceView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_source(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<SourceView>> {
    Ok(Json(k.get(&caller.viewer, source_id(&id, "knowledge source")?).await?))
}

/// Deletes a source of any kind.
#[utoipa::path(delete, path = "/api/v1/knowledge-base/sources/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = String, Path, description = "Source id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_source(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    k.delete(&caller.viewer, &client, source_id(&id, "knowledge source")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    pub chatbot_id: Option<BotId>,
    /// Words to look for.
    #[serde(default)]
    pub q: String,
    /// At most this many passages (1–50, default 10).
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub results: Vec<KnowledgeHit>,
}

/// Searches the bot's knowledge: passages best first, with the source and heading they come from.
#[utoipa::path(get, path = "/api/v1/knowledge-base/search", tag = "knowledge", security(("bearer" = [])),
    params(SearchQuery), responses((status = 200, body = SearchResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn search_knowledge(
    State(k): State<KnowledgeService>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResponse>> {
    Ok(Json(SearchResponse {
        results: k
            .search(&caller.viewer, bot_of(&caller, q.chatbot_id)?, &q.q, q.limit.unwrap_or(10))
            .await?,
    }))
}
