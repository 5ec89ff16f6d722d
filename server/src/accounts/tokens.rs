//! REST API credentials (PRD §5.1.1): a 15-minute HS256 JWT access token and a 30-day opaque
//! refresh token, stored only as a hash and rotated on every use. Presenting a refresh token
//! that was already rotated away means it leaked: its whole family is revoked.

use std::sync::Arc;

use app::{ApiError, auth::Role, dto::OrganizationId, ssr::Viewer};
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::shared::tokens::{new_token, token_hash};
use crate::{entities::refresh_token, error::Result};

pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// The PRD's token structure (without `user`, which the response adds).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    org: Uuid,
    role: String,
    /// Email verified.
    ev: bool,
    iat: i64,
    exp: i64,
}

/// Who a token is for.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub role: Role,
    pub email_verified: bool,
}

#[derive(Clone)]
pub struct TokenIssuer {
    db: DatabaseConnection,
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
}

impl TokenIssuer {
    pub fn new(db: DatabaseConnection, secret: &[u8]) -> Self {
        Self {
            db,
            encoding: Arc::new(EncodingKey::from_secret(secret)),
            decoding: Arc::new(DecodingKey::from_secret(secret)),
        }
    }

    /// A fresh pair; `family` continues a rotation chain, `None` starts one (a sign-in).
    pub async fn issue(&self, subject: Subject, family: Option<Uuid>) -> Result<TokenPair> {
        let now = Utc::now();
        let claims = Claims {
            sub: subject.user_id,
            org: subject.organization_id,
            role: subject.role.as_str().to_owned(),
            ev: subject.email_verified,
            iat: now.timestamp(),
            exp: now.timestamp() + ACCESS_TOKEN_SECONDS,
        };
        let access_token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing an access token: {e}"))?;
        let refresh = new_token();
        refresh_token::Entity::insert(refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(subject.user_id),
            family_id: Set(family.unwrap_or_else(Uuid::now_v7)),
            token_hash: Set(token_hash(&refresh)),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
            revoked_at: Set(None),
        })
        .exec(&self.db)
        .await?;
        Ok(TokenPair {
            access_token,
            refresh_token: refresh,
            expires_in: ACCESS_TOKEN_SECONDS,
            token_type: "Bearer".into(),
        })
    }

    /// The viewer an access token speaks for; `Unauthenticated` when it is forged or expired.
    pub fn verify_access(&self, token: &str) -> Result<Viewer> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| ApiError::Unauthenticated)?;
        let claims = data.claims;
        if !claims.ev {
            return Err(ApiError::EmailNotVerified.into());
        }
        let role = claims.role.parse::<Role>().map_err(|_| ApiError::Unauthenticated)?;
        Ok(Viewer { user_id: claims.sub, organization_id: OrganizationId(claims.org), role })
    }

    /// Rotates a refresh token: the presented one is revoked and the user id returned, so the
    /// caller can issue the next pair in the same family. A token that was already revoked
    /// revokes its family.
    pub async fn rotate(&self, presented: &str) -> Result<(Uuid, Uuid)> {
        let invalid = || crate::error::Error::Api(ApiError::Unauthenticated);
        if presented.is_empty() || presented.len() > 128 {
            return Err(invalid());
        }
        let now = Utc::now();
        let txn = crate::db::begin_write(&self.db).await?;
        let found = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash(presented)))
            .one(&txn)
            .await?
            .ok_or_else(invalid)?;
        if found.revoked_at.is_some() {
            refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
                .filter(refresh_token::Column::FamilyId.eq(found.family_id))
                .filter(refresh_token::Column::RevokedAt.is_null())
                .exec(&txn)
                .await?;
            txn.commit().await?;
            tracing::warn!(family = %found.family_id, "a rotated refresh token was reused; its family is revoked");
            return Err(invalid());
        }
        if found.expires_at <= now {
            return Err(invalid());
        }
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
            .filter(refresh_token::Column::Id.eq(found.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok((found.user_id, found.family_id))
    }

    /// Revokes the family of a refresh token (sign-out of an API client).
    pub async fn revoke(&self, presented: &str) -> Result<()> {
        let Some(found) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash(presented)))
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(refresh_token::Column::FamilyId.eq(found.family_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ends every refresh token of a user (password reset, deactivation).
    pub async fn revoke_user(&self, user_id: Uuid) -> Result<()> {
        revoke_user_in(&self.db, user_id).await
    }
}

/// Revokes every live refresh token of a user, on `db` (a caller's transaction).
pub async fn revoke_user_in<C: sea_orm::ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The signing secret: from configuration, or generated once and kept in the data dir.
pub fn load_or_create_secret(
    configured: Option<&str>,
    data_dir: &std::path::Path,
) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    if let Some(secret) = configured {
        anyhow::ensure!(secret.len() >= 32, "CHATSUPPORT_SECRET must be at least 32 characters");
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let secret = new_token();
    std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    Ok(secret.into_bytes())
}
