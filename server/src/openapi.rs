//! The OpenAPI document (`/api/v1/openapi.json`) and Swagger UI (`/api/docs`, served from the
//! binary: no CDN). The paths come from the routers themselves (`utoipa_axum::routes!`: each
//! route's method and path are written once, on its handler), merged in `startup`; this module
//! holds the document's frame — title, tags, the bearer scheme — and the wire types no route
//! names (the WebSocket frames).

use app::{
    dto::{BotProfile, ConversationView, MessageView, SearchHit, Sender},
    error::{ApiError, ErrorBody, FieldError},
    protocol::{ClientMsg, ServerMsg},
};
use axum::Router;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "ChatSupport API", description = "REST API v1. Realtime: WebSocket `/api/v1/widget/ws?bot={public_key}&visitor={visitor_id}` (visitors) and `/api/v1/ws/dashboard` (dashboard), JSON frames `ClientMsg` / `ServerMsg`."),
    components(schemas(
        app::auth::TeamListing, app::auth::TeamMember, app::auth::AuditEntryView, app::auth::SessionView,
        app::dto::OrganizationView, app::dto::WorkspaceView, app::dto::ChatbotView, app::auth::UserView,
        app::auth::Role, ApiError, ErrorBody, FieldError,
        ClientMsg, ServerMsg, MessageView, ConversationView,
        BotProfile, Sender, SearchHit, app::billing::PlanView,
        app::billing::PlanLimits, app::billing::UsagePool, app::auth::ProfileView, app::auth::NotificationPrefs,
        app::auth::MfaSetup, app::auth::SecuritySettings, app::dto::CredentialView, app::platform::AdminOrganization,
        app::platform::AdminUser, app::platform::StandingPatch, app::platform::LoginEntry, app::platform::UserActivity,
        app::platform::AdminQuery, app::dto::OutboxEntry, app::dto::ApiKeyView, app::dto::CreatedApiKey,
        app::dto::ConversationDetail, app::dto::ConversationEventView, app::dto::AgentRef, app::dto::Satisfaction,
        app::protocol::Survey
    )),
    modifiers(&BearerAuth),
    tags((name = "system", description = "Health and metadata"), (name = "auth", description = "Sign-up, sign-in, sessions"), (name = "team", description = "Members and invitations"), (name = "chatbots", description = "Workspaces and chatbots"), (name = "conversations", description = "Conversations, agent takeover and resolution"), (name = "assignment", description = "Agent status and capacity, routing, assignment and transfer"), (name = "organization", description = "The organization's profile and security rules"), (name = "integrations", description = "Third-party credentials, encrypted at rest"), (name = "platform", description = "Platform administration (super admins)"))
)]
pub struct ApiDoc;

/// Declares the bearer scheme the documented `security(("bearer" = []))` refers to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// Serves the merged document and Swagger UI.
pub fn router(document: utoipa::openapi::OpenApi) -> Router {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", document))
}
