//! API keys (PRD §6.4: `cs_live_` + 32 random characters): owners and admins create named keys
//! that act with the permissions of a role no higher than their own (never owner). The key is
//! shown once; the database keeps its SHA-256. A request with `Authorization: Bearer cs_live_…`
//! acts as the key's creator with the key's role, as long as the key is not revoked and the
//! creator and organization are in good standing (and the caller passes the allow-list).

use app::{
    ApiError,
    auth::{Permission, Role},
    dto::{ApiKeyView, CreatedApiKey},
    ssr::Viewer,
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, request::Parts},
    routing::{delete, get},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    accounts::{
        AccountService, ClientInfo,
        routes::{ApiCaller, ApiJson, client_of},
        security::{allows_ip, standing},
        token_hash,
    },
    audit,
    entities::{api_key, organization, user},
    error::Result,
    startup::AppState,
};

pub const KEY_PREFIX: &str = "cs_live_";
/// Keys an organization may hold (revoked ones do not count).
const MAX_KEYS: u64 = 50;
/// `last_used_at` is written at most this often per key.
const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewApiKey {
    pub name: String,
    /// `admin`, `agent` or `viewer`; at most the creator's own role.
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeysResponse {
    pub keys: Vec<ApiKeyView>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/api-keys", get(list_route).post(create_route))
        .route("/api/v1/api-keys/{id}", delete(revoke_route))
}

/// `cs_live_` and 32 base62 characters (about 190 random bits from two v4 UUIDs).
fn new_key() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut key = String::from(KEY_PREFIX);
    for _ in 0..2 {
        let mut bits = u128::from_le_bytes(*Uuid::new_v4().as_bytes());
        for _ in 0..16 {
            key.push(ALPHABET[(bits % 62) as usize] as char);
            bits /= 62;
        }
    }
    key
}

fn view(row: api_key::Model) -> ApiKeyView {
    ApiKeyView {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        role: row.role.parse().unwrap_or(Role::Viewer),
        created_at: crate::conversations::rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(crate::conversations::rfc3339),
    }
}

pub async fn list(db: &DatabaseConnection, viewer: &Viewer) -> Result<Vec<ApiKeyView>> {
    viewer.require(Permission::ApiAccess)?;
    Ok(api_key::Entity::find()
        .filter(api_key::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(api_key::Column::RevokedAt.is_null())
        .order_by_asc(api_key::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewApiKey,
    client: &ClientInfo,
) -> Result<CreatedApiKey> {
    viewer.require(Permission::ApiAccess)?;
    let name = crate::accounts::input::name("name", input.name, 100)?;
    let rank = |role: Role| Role::ALL.iter().position(|r| *r == role).unwrap_or(usize::MAX);
    if input.role == Role::Owner || rank(input.role) < rank(viewer.role) {
        return Err(ApiError::validation(
            "role",
            "A key can have the admin, agent or viewer role, and no more than your own.",
        )
        .into());
    }
    let live = api_key::Entity::find()
        .filter(api_key::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(api_key::Column::RevokedAt.is_null());
    if sea_orm::PaginatorTrait::count(live, db).await? >= MAX_KEYS {
        return Err(ApiError::Conflict {
            message: format!("An organization can hold {MAX_KEYS} keys. Revoke one you no longer use."),
        }
        .into());
    }
    let key = new_key();
    let row = api_key::Entity::insert(api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(viewer.organization_id.0),
        name: Set(name),
        prefix: Set(key.chars().take(KEY_PREFIX.len() + 4).collect()),
        key_hash: Set(token_hash(&key)),
        role: Set(input.role.as_str().to_owned()),
        created_by: Set(viewer.user_id),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_with_returning(db)
    .await?;
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: "api_key.created",
            target_type: "api_key",
            target_id: Some(row.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "name": row.name, "role": row.role, "prefix": row.prefix })),
        },
    )
    .await?;
    Ok(CreatedApiKey { key, api_key: view(row) })
}

pub async fn revoke(db: &DatabaseConnection, viewer: &Viewer, id: Uuid, client: &ClientInfo) -> Result<()> {
    viewer.require(Permission::ApiAccess)?;
    let revoked = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(ApiError::not_found("API key").into());
    }
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: "api_key.revoked",
            target_type: "api_key",
            target_id: Some(id.to_string()),
            before: None,
            after: None,
        },
    )
    .await
}

impl AccountService {
    /// The viewer an API key acts as, if it is live and its creator and organization are in
    /// good standing and the caller passes the allow-list.
    pub async fn api_key_viewer(&self, key: &str, client: &ClientInfo) -> Result<Viewer> {
        let unauthenticated = || crate::error::Error::Api(ApiError::Unauthenticated);
        if !key.starts_with(KEY_PREFIX) || key.len() > 100 {
            return Err(unauthenticated());
        }
        let found = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(token_hash(key)))
            .filter(api_key::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        let creator = user::Entity::find_by_id(found.created_by)
            .filter(user::Column::OrganizationId.eq(found.organization_id))
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        let org = organization::Entity::find_by_id(found.organization_id)
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        let now = Utc::now();
        standing(&creator, &org, now)?;
        if !allows_ip(&org.ip_allowlist, client.ip.as_deref()) {
            return Err(ApiError::IpNotAllowed.into());
        }
        if found.last_used_at.is_none_or(|at| now - at > Duration::seconds(TOUCH_EVERY_SECONDS)) {
            api_key::Entity::update_many()
                .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
                .filter(api_key::Column::Id.eq(found.id))
                .exec(&self.db)
                .await?;
        }
        let role = found.role.parse::<Role>().map_err(|e| anyhow::anyhow!(e))?;
        Ok(Viewer { user_id: creator.id, organization_id: app::dto::OrganizationId(org.id), role })
    }
}

/// The organization's live API keys (owners and admins); never the keys themselves.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = ApiKeysResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn list_route(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<ApiKeysResponse>> {
    Ok(Json(ApiKeysResponse { keys: list(&state.db, &caller.viewer).await? }))
}

/// Creates a key; the response is the only time the key is shown.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "auth", security(("bearer" = [])), request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn create_route(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(input): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>)> {
    Ok((StatusCode::CREATED, Json(create(&state.db, &caller.viewer, input, &client_of(&request)).await?)))
}

/// Revokes a key: requests with it are refused from now on.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn revoke_route(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    revoke(&state.db, &caller.viewer, id, &client_of(&request)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_prd_shape_and_are_never_alike() {
        let (a, b) = (new_key(), new_key());
        assert!(a.starts_with("cs_live_") && a.len() == 40, "{a}");
        assert!(a[8..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
