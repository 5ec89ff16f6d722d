//! Platform administration (super admin): the operator named in `CHATSUPPORT_PLATFORM_ADMINS`
//! lists and searches every organization and user, suspends or bans them with a reason and an
//! end date, overrides an organization's plan limits, tags and annotates, and reads a user's
//! login history and activity. The only code that reads across tenants on a person's behalf;
//! each change is written to the affected organization's audit log.

use app::{
    ApiError,
    platform::{
        ADMIN_PAGE_SIZE, AdminOrganization, AdminPage, AdminQuery, AdminUser, LoginEntry, STANDINGS,
        StandingPatch, UserActivity,
    },
};
use axum::{
    Json,
    extract::{FromRef, Path, State},
    http::request::Parts,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    accounts::AccountService,
    audit::{self, AuditEntry},
    entities::{audit_log, login_history, organization, refresh_token, session, user, workspace},
    error::Result,
    http::{ApiJson, ApiQuery, Authenticator, client_of, cookies::session_token},
    shared::{ClientInfo, rfc3339},
};

/// What the platform routes need.
#[derive(Clone, FromRef)]
pub struct PlatformRoutes {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub auth: Authenticator,
}

/// How many sign-ins and actions a user's activity shows.
const ACTIVITY_LIMIT: u64 = 50;

/// A platform operator, signed in to the dashboard.
#[derive(Debug, Clone)]
pub struct PlatformAdmin {
    pub user_id: Uuid,
    pub name: String,
    pub client: ClientInfo,
}

impl<S> axum::extract::FromRequestParts<S> for PlatformAdmin
where
    S: Send + Sync,
    AccountService: FromRef<S>,
{
    type Rejection = crate::error::Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let client = client_of(parts);
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let me = AccountService::from_ref(state).session_user(&token, &client).await?;
        if !me.platform_admin || !me.email_verified {
            return Err(ApiError::Forbidden.into());
        }
        Ok(Self { user_id: me.id, name: me.name, client })
    }
}

pub fn router(state: PlatformRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(organizations_route))
        .routes(routes!(organization_route, update_organization_route))
        .routes(routes!(users_route))
        .routes(routes!(user_activity_route, update_user_route))
        .with_state(state)
}

fn tags_of(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

pub async fn organizations(
    db: &DatabaseConnection,
    query: AdminQuery,
) -> Result<AdminPage<AdminOrganization>> {
    let mut find = organization::Entity::find()
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = crate::db::contains_pattern(q)?;
        find = find.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(organization::Column::Name))).like(pattern.as_str()))
                .add(Expr::col(organization::Column::Slug).like(pattern.as_str())),
        );
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        find = find.filter(organization::Column::Status.eq(status));
    }
    let page = Ord::max(query.page.unwrap_or(1), 1);
    let paginator = find.paginate(db, ADMIN_PAGE_SIZE);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for org in paginator.fetch_page(page - 1).await? {
        items.push(organization_view(db, org).await?);
    }
    Ok(AdminPage { items, total, page, per_page: ADMIN_PAGE_SIZE })
}

async fn organization_view(db: &DatabaseConnection, org: organization::Model) -> Result<AdminOrganization> {
    let plans = workspace::Entity::find()
        .filter(workspace::Column::OrganizationId.eq(org.id))
        .order_by_asc(workspace::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.plan)
        .collect();
    let members = user::Entity::find().filter(user::Column::OrganizationId.eq(org.id)).count(db).await?;
    Ok(AdminOrganization {
        id: org.id,
        tags: tags_of(&org.tags),
        name: org.name,
        slug: org.slug,
        status: org.status,
        suspension_reason: org.suspension_reason,
        suspended_until: org.suspended_until.map(rfc3339),
        admin_notes: org.admin_notes,
        custom_max_chatbots: org.custom_max_chatbots,
        custom_max_messages: org.custom_max_messages,
        custom_max_file_uploads: org.custom_max_file_uploads,
        plans,
        members,
        created_at: rfc3339(org.created_at),
    })
}

pub async fn users(db: &DatabaseConnection, query: AdminQuery) -> Result<AdminPage<AdminUser>> {
    let mut find = user::Entity::find().order_by_asc(user::Column::CreatedAt).order_by_asc(user::Column::Id);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = crate::db::contains_pattern(q)?;
        find = find.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.as_str()))
                .add(Expr::col(user::Column::Email).like(pattern.as_str())),
        );
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        find = find.filter(user::Column::Status.eq(status));
    }
    let page = Ord::max(query.page.unwrap_or(1), 1);
    let paginator = find.paginate(db, ADMIN_PAGE_SIZE);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for found in paginator.fetch_page(page - 1).await? {
        items.push(user_view(db, found).await?);
    }
    Ok(AdminPage { items, total, page, per_page: ADMIN_PAGE_SIZE })
}

async fn user_view(db: &DatabaseConnection, found: user::Model) -> Result<AdminUser> {
    let organization_name = organization::Entity::find_by_id(found.organization_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(AdminUser {
        id: found.id,
        tags: tags_of(&found.tags),
        role: crate::shared::stored::parse("users.role", &found.role)?,
        mfa_enabled: found.mfa_enabled_at.is_some(),
        name: found.name,
        email: found.email,
        organization_id: found.organization_id,
        organization_name,
        status: found.status,
        suspension_reason: found.suspension_reason,
        suspended_until: found.suspended_until.map(rfc3339),
        admin_notes: found.admin_notes,
        login_count: found.login_count,
        last_ip: found.last_ip,
        last_active_at: found.last_active_at.map(rfc3339),
        created_at: rfc3339(found.created_at),
    })
}

/// A user with their last sign-ins and their actions in the audit log.
pub async fn user_activity(db: &DatabaseConnection, id: Uuid) -> Result<UserActivity> {
    let found = user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::not_found("user"))?;
    let logins = login_history::Entity::find()
        .filter(
            Condition::any()
                .add(login_history::Column::UserId.eq(id))
                .add(login_history::Column::Email.eq(found.email.as_str())),
        )
        .order_by_desc(login_history::Column::CreatedAt)
        .limit(ACTIVITY_LIMIT)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LoginEntry {
            success: l.success,
            reason: l.reason,
            ip: l.ip,
            user_agent: l.user_agent,
            created_at: rfc3339(l.created_at),
        })
        .collect();
    let actions = audit_log::Entity::find()
        .filter(audit_log::Column::ActorUserId.eq(id))
        .order_by_desc(audit_log::Column::CreatedAt)
        .limit(ACTIVITY_LIMIT)
        .all(db)
        .await?
        .into_iter()
        .map(audit::entry_view)
        .collect();
    Ok(UserActivity { user: user_view(db, found).await?, logins, actions })
}

/// A checked change of standing: status, reason and end date.
struct Standing {
    status: app::auth::Standing,
    reason: Option<String>,
    until: Option<DateTime<Utc>>,
}

fn standing_of(patch: &StandingPatch, now: DateTime<Utc>) -> Result<Option<Standing>, ApiError> {
    let Some(raw) = patch.status.as_deref() else { return Ok(None) };
    let status = match raw.parse::<app::auth::Standing>() {
        Ok(status) if STANDINGS.contains(&raw) => status,
        _ => return Err(ApiError::validation("status", "Choose active, suspended or banned.")),
    };
    let active = status == app::auth::Standing::Active;
    let reason = patch.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if !active && reason.is_none() {
        return Err(ApiError::validation("reason", "Say why: the reason is shown to the person and kept."));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::validation("reason", "The reason can be at most 500 characters."));
    }
    let until = match patch.suspended_until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(raw) => {
            let parsed = raw.parse::<DateTime<Utc>>().ok().or_else(|| {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc())
            });
            match parsed {
                Some(at) if at > now => Some(at),
                Some(_) => {
                    return Err(ApiError::validation(
                        "suspended_until",
                        "The end date must be in the future.",
                    ));
                }
                None => {
                    return Err(ApiError::validation(
                        "suspended_until",
                        "Give the end date as YYYY-MM-DD or an RFC 3339 time.",
                    ));
                }
            }
        }
    };
    if status != app::auth::Standing::Suspended && until.is_some() {
        return Err(ApiError::validation("suspended_until", "Only a suspension has an end date."));
    }
    Ok(Some(Standing { status, reason: if active { None } else { reason }, until }))
}

fn tags_json(tags: &[String]) -> Result<String, ApiError> {
    let cleaned: Vec<String> = tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    if cleaned.len() > 20 || cleaned.iter().any(|t| t.chars().count() > 40) {
        return Err(ApiError::validation("tags", "At most 20 tags of at most 40 characters each."));
    }
    Ok(serde_json::to_string(&cleaned).unwrap_or_else(|_| "[]".into()))
}

fn notes(raw: &str) -> Result<Option<String>, ApiError> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > 5000 {
        return Err(ApiError::validation("admin_notes", "Notes can be at most 5,000 characters."));
    }
    Ok(Some(trimmed.to_owned()).filter(|n| !n.is_empty()))
}

/// Ends every session and refresh token of the given users (after a suspension or ban).
async fn sign_out_everywhere(db: &impl sea_orm::ConnectionTrait, users: Vec<Uuid>) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    session::Entity::delete_many().filter(session::Column::UserId.is_in(users.clone())).exec(db).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.is_in(users))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn update_organization(
    db: &DatabaseConnection,
    admin: &PlatformAdmin,
    id: Uuid,
    patch: StandingPatch,
) -> Result<AdminOrganization> {
    let now = Utc::now();
    let standing = standing_of(&patch, now)?;
    let txn = crate::db::begin_write(db).await?;
    let found = organization::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let before = serde_json::json!({
        "status": found.status, "reason": found.suspension_reason, "tags": tags_of(&found.tags),
        "custom_max_chatbots": found.custom_max_chatbots, "custom_max_messages": found.custom_max_messages,
        "custom_max_file_uploads": found.custom_max_file_uploads,
    });
    let mut active: organization::ActiveModel = found.into();
    let mut ends_sessions = false;
    if let Some(standing) = standing {
        ends_sessions = standing.status != app::auth::Standing::Active;
        active.status = Set(standing.status.as_str().to_owned());
        active.suspension_reason = Set(standing.reason);
        active.suspended_until = Set(standing.until);
    }
    if let Some(tags) = &patch.tags {
        active.tags = Set(tags_json(tags)?);
    }
    if let Some(raw) = &patch.admin_notes {
        active.admin_notes = Set(notes(raw)?);
    }
    let positive = |field: &str, n: i64| {
        if n < -1 {
            Err(ApiError::validation(field, "A limit is a number of 0 or more (-1 removes the override)."))
        } else {
            Ok(n)
        }
    };
    if let Some(n) = patch.custom_max_chatbots {
        active.custom_max_chatbots =
            Set(Some(positive("custom_max_chatbots", n.into())? as i32).filter(|n| *n >= 0));
    }
    if let Some(n) = patch.custom_max_messages {
        active.custom_max_messages = Set(Some(positive("custom_max_messages", n)?).filter(|n| *n >= 0));
    }
    if let Some(n) = patch.custom_max_file_uploads {
        active.custom_max_file_uploads =
            Set(Some(positive("custom_max_file_uploads", n.into())? as i32).filter(|n| *n >= 0));
    }
    let updated = sea_orm::ActiveModelTrait::update(active, &txn).await?;
    if ends_sessions {
        let members: Vec<Uuid> = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        sign_out_everywhere(&txn, members).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            organization_id: id,
            actor: Some((admin.user_id, format!("{} (platform admin)", admin.name))),
            action: "platform.organization_updated",
            target_type: "organization",
            target_id: Some(id.to_string()),
            before: Some(before),
            after: Some(serde_json::json!({
                "status": updated.status, "reason": updated.suspension_reason, "tags": tags_of(&updated.tags),
                "custom_max_chatbots": updated.custom_max_chatbots, "custom_max_messages": updated.custom_max_messages,
                "custom_max_file_uploads": updated.custom_max_file_uploads,
            })),
            client: &admin.client,
        },
    )
    .await?;
    txn.commit().await?;
    organization_view(db, updated).await
}

pub async fn update_user(
    db: &DatabaseConnection,
    admin: &PlatformAdmin,
    id: Uuid,
    patch: StandingPatch,
) -> Result<AdminUser> {
    let now = Utc::now();
    let standing = standing_of(&patch, now)?;
    if patch.custom_max_chatbots.is_some()
        || patch.custom_max_messages.is_some()
        || patch.custom_max_file_uploads.is_some()
    {
        return Err(ApiError::validation(
            "custom_max_chatbots",
            "Limits are overridden per organization (the tenant); change the user's organization.",
        )
        .into());
    }
    if id == admin.user_id && standing.as_ref().is_some_and(|s| s.status != app::auth::Standing::Active) {
        return Err(ApiError::Conflict { message: "You cannot suspend or ban yourself.".into() }.into());
    }
    let txn = crate::db::begin_write(db).await?;
    let found = user::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| ApiError::not_found("user"))?;
    let before = serde_json::json!({ "status": found.status, "reason": found.suspension_reason, "tags": tags_of(&found.tags) });
    let organization_id = found.organization_id;
    let mut active: user::ActiveModel = found.into();
    let mut ends_sessions = false;
    if let Some(standing) = standing {
        ends_sessions = standing.status != app::auth::Standing::Active;
        active.status = Set(standing.status.as_str().to_owned());
        active.suspension_reason = Set(standing.reason);
        active.suspended_until = Set(standing.until);
    }
    if let Some(tags) = &patch.tags {
        active.tags = Set(tags_json(tags)?);
    }
    if let Some(raw) = &patch.admin_notes {
        active.admin_notes = Set(notes(raw)?);
    }
    let updated = sea_orm::ActiveModelTrait::update(active, &txn).await?;
    if ends_sessions {
        sign_out_everywhere(&txn, vec![id]).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            organization_id,
            actor: Some((admin.user_id, format!("{} (platform admin)", admin.name))),
            action: "platform.user_updated",
            target_type: "user",
            target_id: Some(id.to_string()),
            before: Some(before),
            after: Some(serde_json::json!({
                "status": updated.status, "reason": updated.suspension_reason, "tags": tags_of(&updated.tags),
            })),
            client: &admin.client,
        },
    )
    .await?;
    txn.commit().await?;
    user_view(db, updated).await
}

/// Every organization, searchable by name or slug (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/organizations", tag = "platform", params(AdminQuery),
    responses((status = 200, body = AdminPage<AdminOrganization>), (status = 403, body = app::error::ErrorBody)))]
pub async fn organizations_route(
    State(state): State<PlatformRoutes>,
    _: PlatformAdmin,
    ApiQuery(query): ApiQuery<AdminQuery>,
) -> Result<Json<AdminPage<AdminOrganization>>> {
    Ok(Json(organizations(&state.db, query).await?))
}

/// One organization (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/organizations/{id}", tag = "platform", params(("id" = Uuid, Path)),
    responses((status = 200, body = AdminOrganization), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn organization_route(
    State(state): State<PlatformRoutes>,
    _: PlatformAdmin,
    Path(id): Path<Uuid>,
) -> Result<Json<AdminOrganization>> {
    let found = organization::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    Ok(Json(organization_view(&state.db, found).await?))
}

/// Suspends, bans or reinstates an organization; sets tags, notes and limit overrides.
#[utoipa::path(patch, path = "/api/v1/admin/organizations/{id}", tag = "platform", params(("id" = Uuid, Path)),
    request_body = StandingPatch,
    responses((status = 200, body = AdminOrganization), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn update_organization_route(
    State(state): State<PlatformRoutes>,
    admin: PlatformAdmin,
    Path(id): Path<Uuid>,
    ApiJson(patch): ApiJson<StandingPatch>,
) -> Result<Json<AdminOrganization>> {
    Ok(Json(update_organization(&state.db, &admin, id, patch).await?))
}

/// Every user, searchable by name or email (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "platform", params(AdminQuery),
    responses((status = 200, body = AdminPage<AdminUser>), (status = 403, body = app::error::ErrorBody)))]
pub async fn users_route(
    State(state): State<PlatformRoutes>,
    _: PlatformAdmin,
    ApiQuery(query): ApiQuery<AdminQuery>,
) -> Result<Json<AdminPage<AdminUser>>> {
    Ok(Json(users(&state.db, query).await?))
}

/// A user with their login history and activity (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "platform", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserActivity), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn user_activity_route(
    State(state): State<PlatformRoutes>,
    _: PlatformAdmin,
    Path(id): Path<Uuid>,
) -> Result<Json<UserActivity>> {
    Ok(Json(user_activity(&state.db, id).await?))
}

/// Suspends, bans or reinstates a user; sets tags and notes. Suspending ends their sessions.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "platform", params(("id" = Uuid, Path)),
    request_body = StandingPatch,
    responses((status = 200, body = AdminUser), (status = 403, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_user_route(
    State(state): State<PlatformRoutes>,
    admin: PlatformAdmin,
    Path(id): Path<Uuid>,
    ApiJson(patch): ApiJson<StandingPatch>,
) -> Result<Json<AdminUser>> {
    Ok(Json(update_user(&state.db, &admin, id, patch).await?))
}

/// The platform console's routes.
pub fn install(w: &mut crate::wiring::Wiring, accounts: &AccountService) {
    w.routes(router(routes_state(w.handles(), accounts)));
}

/// The state the platform routes and the platform port share.
pub fn routes_state(h: &crate::wiring::Handles, accounts: &AccountService) -> PlatformRoutes {
    PlatformRoutes { db: h.db.clone(), accounts: accounts.clone(), auth: h.auth.clone() }
}
