//! Accounts: registration, sign-in with argon2id or with Google, server-side sessions (the
//! dashboard's cookie), the login rate limit and login history. Sessions are looked up by the SHA-256 of
//! their token; the token itself exists only in the cookie.

pub mod authenticate;
pub mod google;
pub mod password;
pub mod profile;
pub mod routes;
pub mod security;
pub mod self_service;
pub mod team;
pub mod tokens;

use app::{
    ApiError,
    auth::{Role, Standing, UserView},
    dto::OrganizationId,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::{
    entities::{account_token, login_history, organization, session, user},
    error::{Result, conflict_on_unique},
    http::cookies::SESSION_DAYS,
    mail::{Mail, Mailer},
    shared::{
        ClientInfo,
        input::{EmailAddress, NewPassword},
        tokens::{new_token, token_hash},
    },
};
use tokens::TokenIssuer;

/// Sessions a user may hold at once; signing in again ends the oldest.
pub const MAX_SESSIONS: usize = 5;
/// Failed sign-ins allowed per window, per IP address and per account.
const LOGIN_FAILURES_ALLOWED: u64 = 5;
const LOGIN_WINDOW_MINUTES: i64 = 15;
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY_MINUTES: i64 = 5;

/// A validated sign-up.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    pub email: EmailAddress,
    pub password: NewPassword,
    pub organization_name: String,
}

/// The first owner of a new organization, however they signed up.
struct NewOwner {
    name: String,
    email: EmailAddress,
    /// `None` for people who sign in only through another provider.
    password_hash: Option<String>,
    /// The provider vouched for the address: no verification mail.
    email_verified: bool,
    organization_name: String,
}

/// `login_history.reason` of a successful sign-in through Google (password sign-ins leave it
/// empty; failures say why).
const GOOGLE_LOGIN: &str = "google";

/// How long a link in a mail stays valid.
const VERIFY_EMAIL_HOURS: i64 = 48;
const RESET_PASSWORD_HOURS: i64 = 1;

/// What a single-use account token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    Invitation,
    /// The second step of a two-factor sign-in.
    MfaChallenge,
}

impl TokenPurpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::Invitation => "invitation",
            Self::MfaChallenge => "mfa_challenge",
        }
    }
}

#[derive(Clone)]
pub struct AccountService {
    pub(crate) db: DatabaseConnection,
    pub(crate) mailer: Mailer,
    pub tokens: TokenIssuer,
    /// Base of links in mails, without a trailing slash.
    pub(crate) public_url: std::sync::Arc<str>,
    /// "Sign in with Google", when configured.
    google: Option<google::GoogleSignIn>,
    /// Seals MFA seeds (and, through `integrations`, credentials) at rest.
    pub secrets: crate::secrets::SecretBox,
    pub(crate) platform_admins: std::sync::Arc<[String]>,
}

impl AccountService {
    pub fn new(
        db: DatabaseConnection,
        mailer: Mailer,
        public_url: &str,
        secret: &[u8],
        secrets: crate::secrets::SecretBox,
        platform_admins: &[String],
    ) -> Self {
        let tokens = TokenIssuer::new(db.clone(), secret);
        let platform_admins = platform_admins.iter().map(|e| e.trim().to_lowercase()).collect();
        Self {
            db,
            mailer,
            tokens,
            public_url: public_url.trim_end_matches('/').into(),
            google: None,
            secrets,
            platform_admins,
        }
    }

    /// Offers "Sign in with Google" through this relying party.
    pub fn with_google(mut self, google: Option<google::GoogleSignIn>) -> Self {
        self.google = google;
        self
    }

    /// The Google relying party, if Google sign-in is configured.
    pub fn google(&self) -> Option<&google::GoogleSignIn> {
        self.google.as_ref()
    }

    /// A fresh API token pair for a signed-in user.
    pub async fn issue_tokens(&self, user: &UserView, family: Option<Uuid>) -> Result<tokens::TokenPair> {
        let subject = tokens::Subject {
            user_id: user.id,
            organization_id: user.organization_id.0,
            role: user.role,
            email_verified: user.email_verified,
        };
        self.tokens.issue(subject, family).await
    }

    /// Rotates a refresh token into a new pair, for a user who is still active.
    pub async fn refresh_tokens(&self, refresh_token: &str) -> Result<(UserView, tokens::TokenPair)> {
        let (user_id, family) = self.tokens.rotate(refresh_token).await?;
        let user = self.user_view_of(user_id).await?;
        let pair = self.issue_tokens(&user, Some(family)).await?;
        Ok((user, pair))
    }

    /// The view of an active user by id (bearer-token callers).
    pub async fn user_view_of(&self, user_id: Uuid) -> Result<UserView> {
        let found = user::Entity::find_by_id(user_id)
            .filter(user::Column::Status.eq("active"))
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let organization_name = self.organization_name(found.organization_id).await?;
        self.user_view(found, organization_name)
    }

    /// Creates an organization, its first workspace and its owner.
    #[tracing::instrument(skip(self, input), fields(email = %input.email.as_str()))]
    pub async fn register(&self, input: Registration, client: &ClientInfo) -> Result<UserView> {
        let password_hash = password::hash(input.password.as_str()).await?;
        let owner = NewOwner {
            name: input.name,
            email: input.email,
            password_hash: Some(password_hash),
            email_verified: false,
            organization_name: input.organization_name,
        };
        let (owner, organization_name) = self.create_organization(owner, client).await?;
        self.send_verification(&owner).await?;
        self.user_view(owner, organization_name)
    }

    /// One transaction: the tenant (organization and first workspace), its owner and the audit
    /// entry.
    async fn create_organization(
        &self,
        input: NewOwner,
        client: &ClientInfo,
    ) -> Result<(user::Model, String)> {
        let now = Utc::now();
        let txn = crate::db::begin_write(&self.db).await?;
        let taken =
            user::Entity::find().filter(user::Column::Email.eq(input.email.as_str())).count(&*txn).await? > 0;
        if taken {
            return Err(
                ApiError::Conflict { message: "An account with this email already exists.".into() }.into()
            );
        }
        let organization_id =
            crate::organizations::create_tenant(&*txn, &input.organization_name, now).await?;
        let owner = user::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(organization_id),
            name: Set(input.name),
            email: Set(input.email.as_str().to_owned()),
            password_hash: Set(input.password_hash),
            role: Set(Role::Owner.as_str().into()),
            status: Set("active".into()),
            email_verified_at: Set(input.email_verified.then_some(now)),
            last_active_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        let owner = user::Entity::insert(owner)
            .exec_with_returning(&txn)
            .await
            .map_err(|e| conflict_on_unique(e, "An account with this email already exists."))?;
        crate::audit::record(
            &txn,
            crate::audit::AuditEntry {
                organization_id,
                actor: Some((owner.id, owner.name.clone())),
                action: "organization.created",
                target_type: "organization",
                target_id: Some(organization_id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "name": input.organization_name, "owner": owner.email })),
                client,
            },
        )
        .await?;
        txn.commit().await?;
        Ok((owner, input.organization_name))
    }

    /// Registers (see [`Self::register`]) and opens the owner's first session; returns the user
    /// and the session token.
    pub async fn register_and_sign_in(
        &self,
        input: Registration,
        client: &ClientInfo,
    ) -> Result<(UserView, String)> {
        let password = input.password.as_str().to_owned();
        let user = self.register(input, client).await?;
        self.sign_in(&user.email, &password, client).await
    }

    /// Mails a fresh email-verification link.
    pub async fn send_verification(&self, to: &user::Model) -> Result<()> {
        let token =
            self.issue_token(to.id, TokenPurpose::VerifyEmail, Duration::hours(VERIFY_EMAIL_HOURS)).await?;
        let link = format!("{}/verify-email?token={token}", self.public_url);
        self.mailer
            .send(Mail {
                organization_id: Some(to.organization_id),
                to: to.email.clone(),
                subject: "Verify your email for ChatSupport".into(),
                body: format!(
                    "Hi {},\n\nPlease confirm your email address by opening this link:\n\n{link}\n\n\
                     The link works once and expires in {VERIFY_EMAIL_HOURS} hours. If you did not sign up, ignore this mail.\n",
                    to.name
                ),
                kind: "verify_email",
            })
            .await
    }

    /// Resends the verification mail to a signed-in, unverified user.
    pub async fn resend_verification(&self, token: &str, client: &ClientInfo) -> Result<()> {
        let (found, _) = self.session(token, client).await?;
        if found.email_verified_at.is_none() {
            self.send_verification(&found).await?;
        }
        Ok(())
    }

    /// Marks the address behind a verification token as verified and sends the welcome mail.
    #[tracing::instrument(skip_all)]
    pub async fn verify_email(&self, token: &str) -> Result<UserView> {
        // The token's use and the verification are one commit.
        let txn = crate::db::begin_write(&self.db).await?;
        let found = match consume_token_in(&*txn, token, TokenPurpose::VerifyEmail).await {
            Ok(found) => found,
            // Opening the link twice (or a mail scanner opening it first) is not an error.
            Err(err) => {
                drop(txn);
                return match self.already_verified_by(token).await? {
                    Some(verified) => {
                        let organization_name = self.organization_name(verified.organization_id).await?;
                        self.user_view(verified, organization_name)
                    }
                    None => Err(err),
                };
            }
        };
        let now = Utc::now();
        let mut active: user::ActiveModel = found.into();
        active.email_verified_at = Set(Some(now));
        let verified = sea_orm::ActiveModelTrait::update(active, &*txn).await?;
        txn.commit().await?;
        let organization_name = self.organization_name(verified.organization_id).await?;
        self.send_welcome(&verified, &organization_name).await?;
        self.user_view(verified, organization_name)
    }

    /// The welcome mail with the first steps, once an owner's address is confirmed.
    pub(crate) async fn send_welcome(&self, to: &user::Model, organization_name: &str) -> Result<()> {
        self.mailer
            .send(Mail {
                organization_id: Some(to.organization_id),
                to: to.email.clone(),
                subject: format!("Welcome to ChatSupport, {}", to.name),
                body: format!(
                    "Hi {},\n\nYour ChatSupport workspace for {organization_name} is ready. Next steps:\n\
                     1. Create a bot and give it your FAQs, documents or web pages.\n\
                     2. Paste its one-line embed snippet into your site.\n\
                     3. Invite your team to answer the conversations the bot hands over.\n\n{}/conversations\n",
                    to.name, self.public_url
                ),
                kind: "welcome",
            })
            .await
    }

    /// Mails a reset link if the address has an account. Answers the same either way, so the
    /// endpoint tells nobody which addresses exist.
    #[tracing::instrument(skip_all)]
    pub async fn forgot_password(&self, email: &str) -> Result<()> {
        let email = email.trim().to_lowercase();
        let Some(found) = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .filter(user::Column::Status.eq("active"))
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let token = self
            .issue_token(found.id, TokenPurpose::ResetPassword, Duration::hours(RESET_PASSWORD_HOURS))
            .await?;
        let link = format!("{}/reset-password?token={token}", self.public_url);
        self.mailer
            .send(Mail {
                organization_id: Some(found.organization_id),
                to: found.email.clone(),
                subject: "Reset your ChatSupport password".into(),
                body: format!(
                    "Hi {},\n\nSomeone (hopefully you) asked to reset your password. Choose a new one here:\n\n{link}\n\n\
                     The link works once and expires in {RESET_PASSWORD_HOURS} hour. If it was not you, ignore this mail.\n",
                    found.name
                ),
                kind: "password_reset",
            })
            .await
    }

    /// Sets a new password from a reset token and ends every session of that user.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(
        &self,
        token: &str,
        password: NewPassword,
        client: &ClientInfo,
    ) -> Result<()> {
        let hash = password::hash(password.as_str()).await?;
        // The token's use, the new password, the ended sessions and tokens and the audit entry
        // are one commit: a failure half-way leaves the old password and the token usable.
        let txn = crate::db::begin_write(&self.db).await?;
        let found = consume_token_in(&*txn, token, TokenPurpose::ResetPassword).await?;
        let (user_id, organization_id, actor_name) = (found.id, found.organization_id, found.name.clone());
        let mut active: user::ActiveModel = found.into();
        active.password_hash = Set(Some(hash));
        // Whoever can read the mailbox owns the address: the reset also verifies it.
        if active.email_verified_at.as_ref().is_none() {
            active.email_verified_at = Set(Some(Utc::now()));
        }
        sea_orm::ActiveModelTrait::update(active, &*txn).await?;
        session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(&*txn).await?;
        tokens::revoke_user_in(&*txn, user_id).await?;
        crate::audit::record(
            &*txn,
            crate::audit::AuditEntry {
                organization_id,
                actor: Some((user_id, actor_name)),
                action: "user.password_reset",
                target_type: "user",
                target_id: Some(user_id.to_string()),
                before: None,
                after: None,
                client,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The user a used verification token verified, if it did.
    async fn already_verified_by(&self, token: &str) -> Result<Option<user::Model>> {
        let Some(row) = account_token::Entity::find()
            .filter(account_token::Column::TokenHash.eq(token_hash(token)))
            .filter(account_token::Column::Purpose.eq(TokenPurpose::VerifyEmail.as_str()))
            .filter(account_token::Column::UsedAt.is_not_null())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(user::Entity::find_by_id(row.user_id)
            .filter(user::Column::EmailVerifiedAt.is_not_null())
            .one(&self.db)
            .await?)
    }

    pub(crate) async fn issue_token(
        &self,
        user_id: Uuid,
        purpose: TokenPurpose,
        valid_for: Duration,
    ) -> Result<String> {
        let token = new_token();
        let now = Utc::now();
        account_token::Entity::insert(account_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            purpose: Set(purpose.as_str().to_owned()),
            token_hash: Set(token_hash(&token)),
            expires_at: Set(now + valid_for),
            used_at: Set(None),
            created_at: Set(now),
        })
        .exec(&self.db)
        .await?;
        Ok(token)
    }

    /// The user behind an unused, unexpired token of this purpose; the token is used up.
    pub(crate) async fn consume_token(&self, token: &str, purpose: TokenPurpose) -> Result<user::Model> {
        let txn = crate::db::begin_write(&self.db).await?;
        let found = consume_token_in(&*txn, token, purpose).await?;
        txn.commit().await?;
        Ok(found)
    }
}

/// [`AccountService::consume_token`] inside a caller's write transaction, so that what the
/// token was for happens in the same commit as its use.
async fn consume_token_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    token: &str,
    purpose: TokenPurpose,
) -> Result<user::Model> {
    let invalid = || {
        crate::error::Error::Api(ApiError::validation(
            "token",
            "This link is invalid, already used or expired. Ask for a new one.",
        ))
    };
    if token.is_empty() || token.len() > 128 {
        return Err(invalid());
    }
    let now = Utc::now();
    // Only the first use of a token wins: the update matches an unused row once.
    let used = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::TokenHash.eq(token_hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec_with_returning(txn)
        .await?;
    let Some(row) = used.into_iter().next() else { return Err(invalid()) };
    let found = user::Entity::find_by_id(row.user_id).one(txn).await?.ok_or_else(invalid)?;
    Ok(found)
}

impl AccountService {
    /// Checks the password and opens a session. Returns the user and the session token.
    #[tracing::instrument(skip(self, password, client))]
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<(UserView, String)> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || email.len() > 254 || password.is_empty() || password.len() > 1024 {
            return Err(ApiError::InvalidCredentials.into());
        }
        self.check_login_rate(&email, client).await?;
        let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&self.db).await?;
        let matches =
            password::verify(password, found.as_ref().and_then(|u| u.password_hash.clone())).await?;
        let found = match found {
            Some(found) if matches => found,
            other => {
                self.record_login(&email, other.as_ref(), client, false, Some("bad_credentials")).await?;
                return Err(ApiError::InvalidCredentials.into());
            }
        };
        self.admit(found, client, None).await
    }

    /// After the first factor (a password, or Google): the standing of the account and its
    /// organization, the organization's allow-list, then a second factor if the user has one.
    /// `method` marks how they signed in, in the login history.
    pub(crate) async fn admit(
        &self,
        found: user::Model,
        client: &ClientInfo,
        method: Option<&str>,
    ) -> Result<(UserView, String)> {
        let email = found.email.clone();
        let org = organization::Entity::find_by_id(found.organization_id).one(&self.db).await?;
        let standing = match &org {
            Some(org) => security::standing(&found, org, Utc::now()),
            None => Err(ApiError::Forbidden),
        };
        if let Err(refused) = standing {
            let reason =
                if matches!(refused, ApiError::AccountSuspended { .. }) { "suspended" } else { "inactive" };
            self.record_login(&email, Some(&found), client, false, Some(reason)).await?;
            return Err(refused.into());
        }
        if org.as_ref().is_some_and(|org| {
            !crate::organizations::security::allows_ip(&org.ip_allowlist, client.ip.as_deref())
        }) {
            self.record_login(&email, Some(&found), client, false, Some("ip_not_allowed")).await?;
            return Err(ApiError::IpNotAllowed.into());
        }
        if found.mfa_enabled_at.is_some() {
            return Err(self.mfa_challenge(&found).await?.into());
        }
        self.finish_sign_in(found, client, method).await
    }

    /// A sign-in that passed every check: recorded, counted, and given a session.
    pub(crate) async fn finish_sign_in(
        &self,
        found: user::Model,
        client: &ClientInfo,
        method: Option<&str>,
    ) -> Result<(UserView, String)> {
        self.record_login(&found.email, Some(&found), client, true, method).await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::LoginCount,
                sea_orm::sea_query::ExprTrait::add(
                    sea_orm::sea_query::Expr::col(user::Column::LoginCount),
                    1,
                ),
            )
            .col_expr(user::Column::LastIp, sea_orm::sea_query::Expr::value(client.ip.clone()))
            .filter(user::Column::Id.eq(found.id))
            .exec(&self.db)
            .await?;
        let token = self.open_session(&found, client).await?;
        let organization_name = self.organization_name(found.organization_id).await?;
        Ok((self.user_view(found, organization_name)?, token))
    }

    /// Opens a session for the person Google vouched for: the active account with that address
    /// (now verified), or, when there is none, a new organization they own, with no password.
    /// `Forbidden` for a deactivated account or an open invitation.
    #[tracing::instrument(skip(self, client), fields(email = %identity.email.as_str()))]
    pub async fn sign_in_with_google(
        &self,
        identity: google::GoogleIdentity,
        client: &ClientInfo,
    ) -> Result<(UserView, String)> {
        let email = identity.email.as_str().to_owned();
        let existing = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&self.db).await?;
        let found = match existing {
            Some(found)
                if !matches!(
                    found.status.parse::<Standing>(),
                    Ok(Standing::Active | Standing::Suspended | Standing::Banned)
                ) =>
            {
                self.record_login(&email, Some(&found), client, false, Some("inactive")).await?;
                return Err(ApiError::Forbidden.into());
            }
            Some(found) if found.email_verified_at.is_none() => {
                // Google has verified the address, which is what our mailed link proves.
                let mut active: user::ActiveModel = found.into();
                active.email_verified_at = Set(Some(Utc::now()));
                sea_orm::ActiveModelTrait::update(active, &self.db).await?
            }
            Some(found) => found,
            None => {
                let organization_name: String =
                    format!("{}'s organization", identity.name).chars().take(100).collect();
                let owner = NewOwner {
                    name: identity.name,
                    email: identity.email,
                    password_hash: None,
                    email_verified: true,
                    organization_name,
                };
                let (owner, organization_name) = self.create_organization(owner, client).await?;
                // Google has verified the address: the welcome goes out now.
                self.send_welcome(&owner, &organization_name).await?;
                owner
            }
        };
        self.admit(found, client, Some(GOOGLE_LOGIN)).await
    }

    /// The sessions of the user behind `token`, newest first, that one marked current.
    pub async fn sessions(&self, token: &str, client: &ClientInfo) -> Result<Vec<app::auth::SessionView>> {
        let (owner, current) = self.session(token, client).await?;
        let now = Utc::now();
        Ok(session::Entity::find()
            .filter(session::Column::UserId.eq(owner.id))
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| app::auth::SessionView {
                current: s.id == current.id,
                id: s.id,
                ip: s.ip,
                user_agent: s.user_agent,
                created_at: crate::shared::rfc3339(s.created_at),
                last_seen_at: crate::shared::rfc3339(s.last_seen_at),
            })
            .collect())
    }

    /// Ends every other session of the user behind `token` (and their API refresh tokens).
    pub async fn sign_out_others(&self, token: &str, client: &ClientInfo) -> Result<u64> {
        let (owner, current) = self.session(token, client).await?;
        let ended = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(owner.id))
            .filter(session::Column::Id.ne(current.id))
            .exec(&self.db)
            .await?
            .rows_affected;
        self.tokens.revoke_user(owner.id).await?;
        Ok(ended)
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        session::Entity::delete_many()
            .filter(session::Column::TokenHash.eq(token_hash(token)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn open_session(&self, owner: &user::Model, client: &ClientInfo) -> Result<String> {
        let token = new_token();
        let now = Utc::now();
        session::Entity::insert(session::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(owner.id),
            organization_id: Set(owner.organization_id),
            token_hash: Set(token_hash(&token)),
            ip: Set(client.ip.clone()),
            user_agent: Set(client.user_agent.as_ref().map(|ua| ua.chars().take(500).collect())),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + Duration::days(SESSION_DAYS)),
        })
        .exec(&self.db)
        .await?;
        // Keep the newest MAX_SESSIONS; older ones end.
        let stale: Vec<Uuid> = session::Entity::find()
            .filter(session::Column::UserId.eq(owner.id))
            .order_by_desc(session::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .skip(MAX_SESSIONS)
            .map(|s| s.id)
            .collect();
        if !stale.is_empty() {
            session::Entity::delete_many().filter(session::Column::Id.is_in(stale)).exec(&self.db).await?;
        }
        user::Entity::update_many()
            .col_expr(user::Column::LastActiveAt, sea_orm::sea_query::Expr::value(now))
            .filter(user::Column::Id.eq(owner.id))
            .exec(&self.db)
            .await?;
        Ok(token)
    }

    /// `RateLimited` after too many failed sign-ins for this address or from this IP.
    pub(crate) async fn check_login_rate(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let since = Utc::now() - Duration::minutes(LOGIN_WINDOW_MINUTES);
        let mut who = Condition::any().add(login_history::Column::Email.eq(email));
        if let Some(ip) = &client.ip {
            who = who.add(login_history::Column::Ip.eq(ip.as_str()));
        }
        let failures = login_history::Entity::find()
            .filter(who)
            .filter(login_history::Column::Success.eq(false))
            .filter(login_history::Column::Reason.eq("bad_credentials"))
            .filter(login_history::Column::CreatedAt.gt(since))
            .order_by_asc(login_history::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let by_email = failures.iter().filter(|f| f.email == email).count() as u64;
        let by_ip = failures.iter().filter(|f| client.ip.is_some() && f.ip == client.ip).count() as u64;
        if by_email < LOGIN_FAILURES_ALLOWED && by_ip < LOGIN_FAILURES_ALLOWED {
            return Ok(());
        }
        let oldest = failures.first().map(|f| f.created_at).unwrap_or_else(Utc::now);
        let retry = (oldest + Duration::minutes(LOGIN_WINDOW_MINUTES) - Utc::now()).num_seconds().max(1);
        Err(ApiError::RateLimited { retry_after_secs: retry as u64 }.into())
    }

    pub(crate) async fn record_login(
        &self,
        email: &str,
        found: Option<&user::Model>,
        client: &ClientInfo,
        success: bool,
        reason: Option<&str>,
    ) -> Result<()> {
        login_history::Entity::insert(login_history::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(found.map(|u| u.id)),
            organization_id: Set(found.map(|u| u.organization_id)),
            email: Set(email.to_owned()),
            ip: Set(client.ip.clone()),
            user_agent: Set(client.user_agent.as_ref().map(|ua| ua.chars().take(500).collect())),
            success: Set(success),
            reason: Set(reason.map(str::to_owned)),
            created_at: Set(Utc::now()),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    pub(crate) fn user_view(&self, model: user::Model, organization_name: String) -> Result<UserView> {
        Ok(UserView {
            id: model.id,
            organization_id: OrganizationId(model.organization_id),
            organization_name,
            platform_admin: self.is_platform_admin(&model.email),
            mfa_enabled: model.mfa_enabled_at.is_some(),
            name: model.name,
            email: model.email,
            role: crate::shared::stored::parse("users.role", &model.role)?,
            email_verified: model.email_verified_at.is_some(),
        })
    }

    /// The server's public base URL (links in mails, embed snippets), without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Whether `email` names a platform operator (configuration, not data: no one can grant
    /// it to themselves through the product).
    pub fn is_platform_admin(&self, email: &str) -> bool {
        self.platform_admins.iter().any(|admin| admin.eq_ignore_ascii_case(email))
    }

    pub(crate) async fn organization_name(&self, id: Uuid) -> Result<String> {
        Ok(organization::Entity::find_by_id(id).one(&self.db).await?.map(|o| o.name).unwrap_or_default())
    }
}

/// Identity routes: registration, sign-in, sessions, tokens, MFA, profile, team.
pub fn install(w: &mut crate::wiring::Wiring, accounts: &AccountService) {
    let state = routes::AccountRoutes { accounts: accounts.clone(), auth: w.handles().auth.clone() };
    w.routes(routes::router(state.clone()));
    w.routes(self_service::router(state));
}
