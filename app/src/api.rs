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

/// A conversation with its messages and history (the inbox's detail pane).
#[server(prefix = "/api/fn", endpoint = "conversation_detail")]
pub async fn conversation_detail(id: ConversationId) -> Result<crate::dto::ConversationDetail, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.conversation_detail(&viewer, id).await
}

/// Takes a conversation over from the bot: the visitor is told who joined, the bot goes quiet.
#[server(prefix = "/api/fn", endpoint = "take_over_conversation")]
pub async fn take_over_conversation(id: ConversationId) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::TakeOver { message: None }).await
}

/// Writes to the visitor as the signed-in agent (taking the conversation over if nobody has).
#[server(prefix = "/api/fn", endpoint = "reply_to_conversation")]
pub async fn reply_to_conversation(
    id: ConversationId,
    content: String,
) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::Reply { content }).await
}

/// Gives a conversation back to the bot.
#[server(prefix = "/api/fn", endpoint = "return_conversation_to_bot")]
pub async fn return_conversation_to_bot(id: ConversationId) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::ReturnToBot).await
}

/// Resolves a conversation; the visitor is asked to rate it.
#[server(prefix = "/api/fn", endpoint = "resolve_conversation")]
pub async fn resolve_conversation(
    id: ConversationId,
    note: Option<String>,
) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::Resolve { note }).await
}

#[cfg(feature = "ssr")]
async fn act(
    id: ConversationId,
    action: crate::dto::ConversationAction,
) -> Result<ConversationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.dashboard.act_on_conversation(&caller, id, action).await
}

#[server(prefix = "/api/fn", endpoint = "search_messages")]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.search_messages(&viewer, &query).await
}

/// The signed-in user, or `Unauthenticated`.
#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.current_user(&parts).await
}

/// Signs in and sets the session cookie, then sends the browser to the conversations.
#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.accounts.sign_in(&parts, email, password).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sign_out(&parts).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The demo organization's accounts, for the login page's "pick a demo account".
#[server(prefix = "/api/fn", endpoint = "demo_accounts")]
pub async fn demo_accounts() -> Result<Vec<crate::auth::DemoAccount>, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.demo_accounts().await
}

/// The sign-in methods besides the password form ("Sign in with Google" when configured).
#[server(prefix = "/api/fn", endpoint = "sign_in_options")]
pub async fn sign_in_options() -> Result<crate::auth::SignInOptions, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.sign_in_options().await
}

/// Creates an organization and its owner; signs in and sends the browser to verify its email.
#[server(prefix = "/api/fn", endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    organization_name: String,
) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let form = crate::ssr::RegisterForm { name, email, password, organization_name };
    let user = ports.accounts.register(&parts, form).await?;
    leptos_axum::redirect("/verify-email");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.verify_email(token).await
}

#[server(prefix = "/api/fn", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.resend_verification(&parts).await
}

#[server(prefix = "/api/fn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.forgot_password(email).await
}

#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.reset_password(token, password).await
}

#[server(prefix = "/api/fn", endpoint = "team")]
pub async fn team(
    q: Option<String>,
    role: Option<crate::auth::Role>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::auth::TeamListing, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.team(&caller, crate::auth::TeamQuery { q, role, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "invite")]
pub async fn invite(email: String, role: crate::auth::Role) -> Result<crate::auth::TeamMember, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.invite(&caller, email, role).await
}

/// Accepts an invitation, signs the new member in and sends them to the conversations.
#[server(prefix = "/api/fn", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.accounts.accept_invitation(&parts, token, name, password).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "update_member")]
pub async fn update_member(
    id: uuid::Uuid,
    role: Option<crate::auth::Role>,
    status: Option<String>,
) -> Result<crate::auth::TeamMember, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.update_member(&caller, id, role, status).await
}

#[server(prefix = "/api/fn", endpoint = "remove_member")]
pub async fn remove_member(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.remove_member(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "audit_log")]
pub async fn audit_log(
    action: Option<String>,
    before: Option<String>,
) -> Result<Vec<crate::auth::AuditEntryView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.audit_log(&caller, action, before).await
}

#[server(prefix = "/api/fn", endpoint = "sessions")]
pub async fn sessions() -> Result<Vec<crate::auth::SessionView>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sessions(&parts).await
}

#[server(prefix = "/api/fn", endpoint = "sign_out_others")]
pub async fn sign_out_others() -> Result<u64, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sign_out_others(&parts).await
}

#[server(prefix = "/api/fn", endpoint = "organization")]
pub async fn organization() -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.organization.profile(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "update_organization")]
pub async fn update_organization(
    name: String,
    website: String,
    industry: String,
    company_size: String,
    primary_color: String,
    secondary_color: String,
) -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let form = crate::ssr::OrganizationForm {
        name,
        website,
        industry,
        company_size,
        primary_color,
        secondary_color,
    };
    ports.organization.update_profile(&caller, form).await
}

// ── Billing & plans ─────────────────────────────────────────────────────────────────────────

/// The organization's workspaces with usage pools, wallet and billing dates.
#[server(prefix = "/api/fn", endpoint = "workspaces")]
pub async fn workspaces_overview() -> Result<Vec<crate::billing::WorkspaceView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.workspaces(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "plans")]
pub async fn plan_catalog() -> Result<Vec<crate::billing::PlanView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.plans(&caller).await
}

/// Moves a workspace to another plan (owners).
#[server(prefix = "/api/fn", endpoint = "change_plan")]
pub async fn change_plan(
    workspace: crate::dto::WorkspaceId,
    plan: String,
) -> Result<crate::billing::WorkspaceView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.change_plan(&caller, workspace, plan).await
}

// ── Settings → Security and integrations ────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "security_settings")]
pub async fn security_settings() -> Result<crate::auth::SecuritySettings, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.security_settings(&caller).await
}

/// Saves the security rules; the allow-list is one address or range per line.
#[server(prefix = "/api/fn", endpoint = "update_security")]
pub async fn update_security(
    require_mfa: Option<String>,
    session_timeout_minutes: String,
    ip_allowlist: String,
) -> Result<crate::auth::SecuritySettings, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let timeout = match session_timeout_minutes.trim() {
        "" => None,
        minutes => Some(minutes.parse::<i32>().map_err(|_| {
            ApiError::validation("session_timeout_minutes", "Choose a timeout from the list.")
        })?),
    };
    let settings = crate::auth::SecuritySettings {
        require_mfa: require_mfa.is_some(),
        session_timeout_minutes: timeout,
        ip_allowlist: ip_allowlist.lines().map(str::to_owned).collect(),
    };
    ports.settings.update_security(&caller, settings).await
}

#[server(prefix = "/api/fn", endpoint = "credentials")]
pub async fn credentials() -> Result<Vec<crate::dto::CredentialView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.credentials(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "add_credential")]
pub async fn add_credential(
    provider: String,
    label: String,
    secret: String,
) -> Result<crate::dto::CredentialView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.add_credential(&caller, provider, label, secret).await
}

#[server(prefix = "/api/fn", endpoint = "remove_credential")]
pub async fn remove_credential(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.remove_credential(&caller, id).await
}

// ── Profile and two-factor sign-in ──────────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "profile")]
pub async fn profile() -> Result<crate::auth::ProfileView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.profile(&caller).await
}

/// Saves the profile form (checkboxes are present when ticked).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/fn", endpoint = "update_profile")]
pub async fn update_profile(
    name: String,
    phone: String,
    job_title: String,
    bio: String,
    avatar_url: String,
    new_conversation: Option<String>,
    escalation: Option<String>,
    weekly_report: Option<String>,
    security_alerts: Option<String>,
) -> Result<crate::auth::ProfileView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let form = crate::ssr::ProfileForm {
        name,
        phone,
        job_title,
        bio,
        avatar_url,
        notifications: crate::auth::NotificationPrefs {
            new_conversation: new_conversation.is_some(),
            escalation: escalation.is_some(),
            weekly_report: weekly_report.is_some(),
            security_alerts: security_alerts.is_some(),
        },
    };
    ports.me.update_profile(&caller, form).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_setup")]
pub async fn mfa_setup() -> Result<crate::auth::MfaSetup, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_setup(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_enable")]
pub async fn mfa_enable(code: String) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_enable(&caller, code).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_disable")]
pub async fn mfa_disable(code: String) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_disable(&caller, code).await
}

/// The second step of a two-factor sign-in; sends the browser to the conversations.
#[server(prefix = "/api/fn", endpoint = "sign_in_mfa")]
pub async fn sign_in_mfa(challenge: String, code: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.me.sign_in_mfa(&parts, challenge, code).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

/// The Users page: everyone in the organization (any role may look colleagues up).
#[server(prefix = "/api/fn", endpoint = "directory")]
pub async fn directory(
    q: Option<String>,
    role: Option<crate::auth::Role>,
    page: Option<u64>,
) -> Result<crate::auth::TeamListing, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let query = crate::auth::TeamQuery { q, role, status: Some("active".into()), page };
    ports.me.directory(&caller, query).await
}

// ── Platform admin ──────────────────────────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "admin_organizations")]
pub async fn admin_organizations(
    q: Option<String>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::platform::AdminPage<crate::platform::AdminOrganization>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.organizations(&parts, crate::platform::AdminQuery { q, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "admin_users")]
pub async fn admin_users(
    q: Option<String>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::platform::AdminPage<crate::platform::AdminUser>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.users(&parts, crate::platform::AdminQuery { q, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "admin_user_activity")]
pub async fn admin_user_activity(id: uuid::Uuid) -> Result<crate::platform::UserActivity, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.user_activity(&parts, id).await
}

#[cfg(feature = "ssr")]
/// A form's text as the patch wants it: the standing fields, tags split at commas.
fn standing_patch(
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
) -> crate::platform::StandingPatch {
    crate::platform::StandingPatch {
        status: Some(status),
        reason: Some(reason),
        suspended_until: Some(suspended_until),
        tags: Some(tags.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()),
        admin_notes: Some(admin_notes),
        ..Default::default()
    }
}

#[cfg(feature = "ssr")]
/// An override field: empty removes it (-1), otherwise a whole number.
fn override_of(field: &str, raw: &str) -> Result<i64, ApiError> {
    match raw.trim() {
        "" => Ok(-1),
        n => n.parse().map_err(|_| ApiError::validation(field, "Enter a whole number, or leave it empty.")),
    }
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/fn", endpoint = "admin_update_organization")]
pub async fn admin_update_organization(
    id: uuid::Uuid,
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
    custom_max_chatbots: String,
    custom_max_messages: String,
    custom_max_file_uploads: String,
) -> Result<crate::platform::AdminOrganization, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let narrow = |field: &str, raw: &str| -> Result<i32, ApiError> {
        i32::try_from(override_of(field, raw)?)
            .map_err(|_| ApiError::validation(field, "That number is too large."))
    };
    let patch = crate::platform::StandingPatch {
        custom_max_chatbots: Some(narrow("custom_max_chatbots", &custom_max_chatbots)?),
        custom_max_messages: Some(override_of("custom_max_messages", &custom_max_messages)?),
        custom_max_file_uploads: Some(narrow("custom_max_file_uploads", &custom_max_file_uploads)?),
        ..standing_patch(status, reason, suspended_until, tags, admin_notes)
    };
    ports.platform.update_organization(&parts, id, patch).await
}

#[server(prefix = "/api/fn", endpoint = "admin_update_user")]
pub async fn admin_update_user(
    id: uuid::Uuid,
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
) -> Result<crate::platform::AdminUser, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports
        .platform
        .update_user(&parts, id, standing_patch(status, reason, suspended_until, tags, admin_notes))
        .await
}

/// The organization's outgoing mail (owners and admins).
#[server(prefix = "/api/fn", endpoint = "outbox")]
pub async fn outbox() -> Result<Vec<crate::dto::OutboxEntry>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.outbox(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "api_keys")]
pub async fn api_keys() -> Result<Vec<crate::dto::ApiKeyView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.api_keys(&caller).await
}

/// Creates an API key; the answer is the only time it is shown.
#[server(prefix = "/api/fn", endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    role: crate::auth::Role,
) -> Result<crate::dto::CreatedApiKey, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.create_api_key(&caller, name, role).await
}

#[server(prefix = "/api/fn", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.revoke_api_key(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.remove_logo(&caller).await
}

/// The organization's bots with their embed snippets.
#[server(prefix = "/api/fn", endpoint = "chatbots")]
pub async fn chatbots() -> Result<Vec<crate::dto::ChatbotView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.chatbots(&caller).await
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
    ports.settings.update_chatbot(&caller, id, greeting, fallback_message, settings).await
}
