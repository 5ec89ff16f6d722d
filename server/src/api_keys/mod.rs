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
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub mod routes;

use crate::{
    audit,
    entities::api_key,
    error::Result,
    shared::{
        ClientInfo, input,
        tokens::{random_bytes, token_hash},
    },
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

/// `cs_live_` and 32 base62 characters (about 190 random bits from the OS's generator).
fn new_key() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut key = String::from(KEY_PREFIX);
    for _ in 0..2 {
        let mut bits = u128::from_le_bytes(random_bytes::<16>());
        for _ in 0..16 {
            key.push(ALPHABET[(bits % 62) as usize] as char);
            bits /= 62;
        }
    }
    key
}

fn view(row: api_key::Model) -> Result<ApiKeyView> {
    Ok(ApiKeyView {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        role: crate::shared::stored::parse("api_keys.role", &row.role)?,
        created_at: crate::shared::rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(crate::shared::rfc3339),
    })
}

pub async fn list(db: &DatabaseConnection, viewer: &Viewer) -> Result<Vec<ApiKeyView>> {
    viewer.require(Permission::ApiAccess)?;
    api_key::Entity::find()
        .filter(api_key::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(api_key::Column::RevokedAt.is_null())
        .order_by_asc(api_key::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<_>>()
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: NewApiKey,
    client: &ClientInfo,
) -> Result<CreatedApiKey> {
    viewer.require(Permission::ApiAccess)?;
    let name = input::name("name", input.name, 100)?;
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
    Ok(CreatedApiKey { key, api_key: view(row)? })
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

/// The live (not revoked) key with this value, if any.
pub async fn find_live(db: &DatabaseConnection, key: &str) -> Result<Option<api_key::Model>> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 100 {
        return Ok(None);
    }
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(token_hash(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// Notes that a key was used (at most once a minute, to spare the writer).
pub async fn touch(db: &DatabaseConnection, key: &api_key::Model, now: chrono::DateTime<Utc>) -> Result<()> {
    if key.last_used_at.is_none_or(|at| now - at > Duration::seconds(TOUCH_EVERY_SECONDS)) {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// API key routes.
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    w.routes(routes::router(routes::ApiKeyRoutes { db: h.db.clone(), auth: h.auth.clone() }));
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
