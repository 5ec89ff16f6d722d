//! The OpenAPI document (`/api/v1/openapi.json`) and Swagger UI (`/api/docs`, served from the
//! binary: no CDN).

use app::{
    dto::{BotProfile, ConversationView, MessageView, SearchHit, Sender},
    error::{ApiError, ErrorBody, FieldError},
    protocol::{ClientMsg, ServerMsg},
};
use axum::Router;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::{accounts, bots, health, organizations, startup::AppState};

#[derive(OpenApi)]
#[openapi(
    info(title = "ChatSupport API", description = "REST API v1. Realtime: WebSocket `/api/v1/widget/ws?bot={public_key}&visitor={visitor_id}` (visitors) and `/api/v1/ws/dashboard` (dashboard), JSON frames `ClientMsg` / `ServerMsg`."),
    paths(
        health::health,
        accounts::routes::register,
        accounts::routes::login,
        accounts::routes::logout,
        accounts::routes::me,
        accounts::routes::refresh,
        accounts::routes::list_sessions,
        accounts::routes::logout_others,
        accounts::routes::accept_invitation,
        accounts::routes::list_team,
        accounts::routes::invite,
        accounts::routes::update_member,
        accounts::routes::remove_member,
        accounts::routes::audit_log,
        organizations::show,
        organizations::update,
        bots::routes::list_workspaces,
        bots::routes::list_chatbots,
        bots::routes::get_chatbot,
        bots::routes::update_chatbot,
        accounts::routes::verify_email,
        accounts::routes::resend_verification,
        accounts::routes::forgot_password,
        accounts::routes::reset_password,
        bots::routes::list_plans,
        bots::routes::get_workspace,
        bots::routes::change_plan,
        crate::conversations::routes::list_route,
        crate::conversations::routes::show_route,
        crate::conversations::routes::take_over_route,
        crate::conversations::routes::reply_route,
        crate::conversations::routes::return_route,
        crate::conversations::routes::resolve_route,
        accounts::self_service::show_profile,
        accounts::self_service::update_profile,
        accounts::self_service::mfa_setup,
        accounts::self_service::mfa_enable,
        accounts::self_service::mfa_disable,
        accounts::self_service::login_mfa,
        accounts::self_service::show_security,
        accounts::self_service::update_security,
        accounts::self_service::show_outbox,
        crate::widget::detected,
        crate::api_keys::list_route,
        crate::api_keys::create_route,
        crate::api_keys::revoke_route,
        crate::logos::upload_route,
        crate::logos::remove_route,
        crate::integrations::list_route,
        crate::integrations::create_route,
        crate::integrations::delete_route,
        crate::platform::organizations_route,
        crate::platform::organization_route,
        crate::platform::update_organization_route,
        crate::platform::users_route,
        crate::platform::user_activity_route,
        crate::platform::update_user_route
    ),
    components(schemas(
        health::HealthView, accounts::routes::RegisterRequest, accounts::routes::LoginRequest,
        accounts::routes::UserResponse, accounts::routes::TokenResponse, accounts::routes::RefreshRequest,
        accounts::tokens::TokenPair, accounts::routes::InviteRequest, accounts::routes::AcceptInvitationRequest,
        app::auth::TeamListing, app::auth::TeamMember, accounts::team::MemberPatch,
        accounts::routes::AuditResponse, app::auth::AuditEntryView, accounts::routes::SessionsResponse,
        accounts::routes::EndedResponse, app::auth::SessionView, bots::routes::WorkspacesResponse,
        organizations::OrganizationPatch, app::dto::OrganizationView, bots::routes::ChatbotsResponse, app::dto::WorkspaceView, app::dto::ChatbotView, accounts::routes::TokenRequest,
        accounts::routes::ForgotPasswordRequest, accounts::routes::ResetPasswordRequest, app::auth::UserView, app::auth::Role, ApiError, ErrorBody, FieldError, ClientMsg, ServerMsg,
        MessageView, ConversationView, BotProfile, Sender, SearchHit,
        bots::routes::PlansResponse, bots::routes::WorkspacePatch, app::billing::PlanView, app::billing::PlanLimits,
        app::billing::UsagePool, app::auth::ProfileView, app::auth::NotificationPrefs, accounts::profile::ProfilePatch,
        app::auth::MfaSetup, app::auth::SecuritySettings, accounts::self_service::CodeRequest,
        accounts::self_service::MfaLoginRequest, crate::integrations::NewCredential, app::dto::CredentialView,
        crate::integrations::CredentialsResponse, app::platform::AdminOrganization, app::platform::AdminUser,
        app::platform::StandingPatch, app::platform::LoginEntry, app::platform::UserActivity,
        app::platform::AdminQuery,
        accounts::self_service::OutboxResponse, app::dto::OutboxEntry, crate::api_keys::NewApiKey,
        crate::api_keys::ApiKeysResponse, app::dto::ApiKeyView, app::dto::CreatedApiKey,
        crate::conversations::routes::ConversationsResponse, crate::conversations::routes::TakeOverRequest,
        crate::conversations::routes::ReplyRequest, crate::conversations::routes::ResolveRequest,
        app::dto::ConversationDetail, app::dto::ConversationEventView, app::dto::AgentRef,
        app::dto::Satisfaction, app::protocol::Survey
    )),
    modifiers(&BearerAuth),
    tags((name = "system", description = "Health and metadata"), (name = "auth", description = "Sign-up, sign-in, sessions"), (name = "team", description = "Members and invitations"), (name = "chatbots", description = "Workspaces and chatbots"), (name = "conversations", description = "Conversations, agent takeover and resolution"), (name = "organization", description = "The organization's profile and security rules"), (name = "integrations", description = "Third-party credentials, encrypted at rest"), (name = "platform", description = "Platform administration (super admins)"))
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

pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}
