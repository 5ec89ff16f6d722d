//! The one authenticator. A dashboard session cookie, a JWT access token and an API key each
//! identify an account of an organization in their own way; from there one path reads the
//! account and its organization and admits the request — account and organization standing,
//! the organization's IP allow-list and, for sessions, its idle timeout — so the rules hold
//! the same for pages, server functions, both WebSockets and every REST call.

use app::{
    ApiError,
    auth::{Permission, Role},
    dto::OrganizationId,
    ssr::Viewer,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{AccountService, TOUCH_EVERY_MINUTES, security};
use crate::{
    api_keys,
    entities::{organization, session, user},
    error::{Error, Result},
    http::{Authenticate, Credential, PageAccess, cookies::SESSION_DAYS},
    shared::{ClientInfo, tokens::token_hash},
};

/// A request admitted: who, in which organization, acting as whom.
pub struct Authenticated {
    pub user: user::Model,
    pub org: organization::Model,
    pub viewer: Viewer,
    /// The session, when the credential was a session cookie.
    pub session: Option<session::Model>,
}

/// What a credential named before the account was read.
enum Identified {
    Session(session::Model),
    AccessToken(Viewer),
    ApiKey(crate::entities::api_key::Model),
}

fn unauthenticated() -> Error {
    Error::Api(ApiError::Unauthenticated)
}

impl AccountService {
    /// Who presents `credential` (see the module doc). Sessions that idled out or whose
    /// account lost its standing end here (`Unauthenticated`); tokens and keys answer with the
    /// standing's reason (`account_suspended`, `forbidden`).
    pub async fn authenticate(
        &self,
        credential: Credential<'_>,
        client: &ClientInfo,
    ) -> Result<Authenticated> {
        let now = Utc::now();
        let identified = self.identify(credential, now).await?;
        let (user_id, organization_id) = match &identified {
            Identified::Session(s) => (s.user_id, s.organization_id),
            Identified::AccessToken(v) => (v.user_id, v.organization_id.0),
            Identified::ApiKey(k) => (k.created_by, k.organization_id),
        };
        let account = user::Entity::find_by_id(user_id)
            .filter(user::Column::OrganizationId.eq(organization_id))
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        let org = organization::Entity::find_by_id(organization_id)
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        let standing = security::standing(&account, &org, now);
        if let Identified::Session(found) = &identified {
            if crate::organizations::security::idle_expired(
                found.last_seen_at,
                org.session_timeout_minutes,
                now,
            ) || standing.is_err()
            {
                session::Entity::delete_by_id(found.id).exec(&self.db).await?;
                return Err(unauthenticated());
            }
        } else {
            standing?;
        }
        if !crate::organizations::security::allows_ip(&org.ip_allowlist, client.ip.as_deref()) {
            return Err(ApiError::IpNotAllowed.into());
        }
        let (viewer, session) = match identified {
            Identified::Session(found) => {
                self.touch_session(&found, org.session_timeout_minutes, now).await?;
                let role = account.role.parse::<Role>().map_err(|e| anyhow::anyhow!(e))?;
                (Viewer { user_id, organization_id: OrganizationId(organization_id), role }, Some(found))
            }
            Identified::AccessToken(viewer) => (viewer, None),
            Identified::ApiKey(key) => {
                api_keys::touch(&self.db, &key, now).await?;
                let role = key.role.parse::<Role>().map_err(|e| anyhow::anyhow!(e))?;
                (Viewer { user_id, organization_id: OrganizationId(organization_id), role }, None)
            }
        };
        Ok(Authenticated { user: account, org, viewer, session })
    }

    async fn identify(&self, credential: Credential<'_>, now: DateTime<Utc>) -> Result<Identified> {
        match credential {
            Credential::Session(token) => {
                if token.is_empty() || token.len() > 128 {
                    return Err(unauthenticated());
                }
                let found = session::Entity::find()
                    .filter(session::Column::TokenHash.eq(token_hash(token)))
                    .filter(session::Column::ExpiresAt.gt(now))
                    .one(&self.db)
                    .await?
                    .ok_or_else(unauthenticated)?;
                Ok(Identified::Session(found))
            }
            Credential::Bearer(key) if key.starts_with(api_keys::KEY_PREFIX) => {
                Ok(Identified::ApiKey(api_keys::find_live(&self.db, key).await?.ok_or_else(unauthenticated)?))
            }
            Credential::Bearer(token) => {
                let viewer = self.tokens.verify_access(token)?;
                viewer.require(Permission::ApiAccess)?;
                Ok(Identified::AccessToken(viewer))
            }
        }
    }

    /// A used session slides: `last_seen_at` and the expiry move on, at most every quarter of
    /// the organization's idle timeout (and at least every `TOUCH_EVERY_MINUTES`).
    async fn touch_session(
        &self,
        found: &session::Model,
        timeout: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let touch_every = Duration::minutes(
            timeout.map_or(TOUCH_EVERY_MINUTES, |m| (i64::from(m) / 4).clamp(1, TOUCH_EVERY_MINUTES)),
        );
        if now - found.last_seen_at > touch_every {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(now))
                .col_expr(session::Column::ExpiresAt, Expr::value(now + Duration::days(SESSION_DAYS)))
                .filter(session::Column::Id.eq(found.id))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }

    /// The user and session behind a dashboard session token.
    pub(super) async fn session(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> Result<(user::Model, session::Model)> {
        let admitted = self.authenticate(Credential::Session(token), client).await?;
        let session = admitted.session.ok_or_else(unauthenticated)?;
        Ok((admitted.user, session))
    }

    /// The viewer behind a session token (what every dashboard call is scoped by). Only a
    /// verified address gets past this point.
    pub async fn viewer(&self, token: &str, client: &ClientInfo) -> Result<Viewer> {
        self.authenticate(Credential::Session(token), client).await.and_then(verified_viewer)
    }

    /// The user behind a session token for the page guard, and whether their organization
    /// requires a second factor they have not set up.
    pub async fn page_user(&self, token: &str, client: &ClientInfo) -> Result<(app::auth::UserView, bool)> {
        let admitted = self.authenticate(Credential::Session(token), client).await?;
        let must_enrol = admitted.org.require_mfa && admitted.user.mfa_enabled_at.is_none();
        Ok((self.user_view(admitted.user, admitted.org.name)?, must_enrol))
    }

    /// The user behind a session token; `Unauthenticated` if it is unknown or expired.
    pub async fn session_user(&self, token: &str, client: &ClientInfo) -> Result<app::auth::UserView> {
        Ok(self.page_user(token, client).await?.0)
    }
}

fn verified_viewer(admitted: Authenticated) -> Result<Viewer> {
    if admitted.session.is_some() && admitted.user.email_verified_at.is_none() {
        return Err(ApiError::EmailNotVerified.into());
    }
    Ok(admitted.viewer)
}

#[async_trait::async_trait]
impl Authenticate for AccountService {
    async fn viewer(&self, credential: Credential<'_>, client: &ClientInfo) -> Result<Viewer> {
        self.authenticate(credential, client).await.and_then(verified_viewer)
    }

    async fn page_access(&self, session: &str, client: &ClientInfo) -> PageAccess {
        match self.page_user(session, client).await {
            Ok((user, true)) if user.email_verified => PageAccess::EnrolSecondFactor,
            Ok((user, _)) if user.email_verified => PageAccess::Allowed,
            Ok(_) => PageAccess::VerifyEmail,
            Err(_) => PageAccess::SignIn,
        }
    }

    async fn is_operator(&self, session: &str, client: &ClientInfo) -> bool {
        matches!(self.page_user(session, client).await, Ok((user, _)) if user.platform_admin)
    }
}
