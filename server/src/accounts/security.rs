//! Who may be signed in, and how: the standing of an account and its organization (platform
//! admins suspend and ban) and TOTP two-factor sign-in (RFC 6238, 30-second steps). The
//! organization's rules themselves (MFA requirement, idle timeout, allow-list) belong to
//! `organizations::security`.

use app::{
    ApiError,
    auth::{MfaSetup, Standing, UserView},
    ssr::Viewer,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use totp_rs::{Algorithm, Secret, TOTP};

use super::{AccountService, TokenPurpose};
use crate::{
    audit::{self, AuditEntry},
    entities::{account_token, organization, user},
    error::Result,
    shared::{ClientInfo, tokens::token_hash},
};

/// How long the second step of a sign-in may wait for its code.
const MFA_CHALLENGE_MINUTES: i64 = 5;

/// `Ok` if the account and its organization may be used now: not deactivated, not banned, not
/// suspended (a suspension whose end date has passed no longer counts).
pub fn standing(
    account: &user::Model,
    org: &organization::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    // A standing we cannot read is not good standing (never guessed as active).
    let read = |column: &'static str, raw: &str| {
        raw.parse::<Standing>().map_err(|err| {
            tracing::error!(column, value = raw, error = %err, "a stored standing does not parse");
            ApiError::Forbidden
        })
    };
    let judged = |status: Standing, reason: &Option<String>, until: Option<DateTime<Utc>>, whose: &str| {
        let reason =
            reason.as_deref().filter(|r| !r.is_empty()).map(|r| format!(" Reason: {r}")).unwrap_or_default();
        match status {
            Standing::Banned => Err(ApiError::AccountSuspended {
                message: format!(
                    "{whose} has been banned.{reason} Contact support if you think this is a mistake."
                ),
            }),
            Standing::Suspended if until.is_none_or(|until| until > now) => {
                let when =
                    until.map(|u| format!(" until {}", u.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
                Err(ApiError::AccountSuspended { message: format!("{whose} is suspended{when}.{reason}") })
            }
            _ => Ok(()),
        }
    };
    let org_standing = read("organizations.status", &org.status)?;
    let account_standing = read("users.status", &account.status)?;
    judged(org_standing, &org.suspension_reason, org.suspended_until, "Your organization")?;
    judged(account_standing, &account.suspension_reason, account.suspended_until, "This account")?;
    match (org_standing, account_standing) {
        (Standing::Active | Standing::Suspended, Standing::Active | Standing::Suspended) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, Some("ChatSupport".into()), account.to_owned())
        .map_err(|e| anyhow::anyhow!("TOTP setup: {e}").into())
}

fn mfa_context(user_id: uuid::Uuid) -> String {
    format!("mfa:{user_id}")
}

impl AccountService {
    async fn me(&self, viewer: &Viewer) -> Result<user::Model> {
        Ok(user::Entity::find_by_id(viewer.user_id)
            .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?)
    }

    /// Starts two-factor enrolment: a new secret, kept sealed until a code confirms it.
    pub async fn mfa_setup(&self, viewer: &Viewer) -> Result<MfaSetup> {
        let me = self.me(viewer).await?;
        if me.mfa_enabled_at.is_some() {
            return Err(ApiError::Conflict {
                message: "Two-factor sign-in is already on. Turn it off first to set up a new device.".into(),
            }
            .into());
        }
        let raw = crate::shared::tokens::random_bytes::<20>().to_vec();
        let code = totp(raw.clone(), &me.email)?;
        let otpauth_url = code.get_url();
        let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
            .map_err(|e| anyhow::anyhow!("QR code: {e}"))?
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build();
        let sealed = self.secrets.seal(&mfa_context(me.id), &raw)?;
        user::Entity::update_many()
            .col_expr(user::Column::MfaSecret, Expr::value(sealed))
            .filter(user::Column::Id.eq(me.id))
            .exec(&self.db)
            .await?;
        Ok(MfaSetup { secret: Secret::Raw(raw).to_encoded().to_string(), otpauth_url, qr_svg })
    }

    fn code_matches(&self, account: &user::Model, code: &str) -> Result<bool> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Ok(false);
        }
        let Some(sealed) = &account.mfa_secret else { return Ok(false) };
        let raw = self.secrets.open(&mfa_context(account.id), sealed)?;
        Ok(totp(raw, &account.email)?.check_current(&code).unwrap_or(false))
    }

    /// Confirms enrolment with a code from the app; two-factor sign-in is on from now.
    pub async fn mfa_enable(&self, viewer: &Viewer, code: &str, client: &ClientInfo) -> Result<()> {
        let me = self.me(viewer).await?;
        if me.mfa_secret.is_none() {
            return Err(
                ApiError::bad_request("Start the set-up first: no authenticator secret is waiting.").into()
            );
        }
        if !self.code_matches(&me, code)? {
            return Err(ApiError::validation(
                "code",
                "That code is not right. Enter the 6 digits the app shows now.",
            )
            .into());
        }
        user::Entity::update_many()
            .col_expr(user::Column::MfaEnabledAt, Expr::value(Utc::now()))
            .filter(user::Column::Id.eq(me.id))
            .exec(&self.db)
            .await?;
        self.audit_self(&me, "user.mfa_enabled", client).await
    }

    /// Turns two-factor sign-in off (a current code proves the device), unless the
    /// organization requires it.
    pub async fn mfa_disable(&self, viewer: &Viewer, code: &str, client: &ClientInfo) -> Result<()> {
        let me = self.me(viewer).await?;
        if crate::organizations::security::organization_of(&self.db, viewer).await?.require_mfa {
            return Err(ApiError::Conflict {
                message: "Your organization requires two-factor sign-in; it cannot be turned off.".into(),
            }
            .into());
        }
        if me.mfa_enabled_at.is_none() {
            return Ok(());
        }
        if !self.code_matches(&me, code)? {
            return Err(ApiError::validation(
                "code",
                "That code is not right. Enter the 6 digits the app shows now.",
            )
            .into());
        }
        user::Entity::update_many()
            .col_expr(user::Column::MfaEnabledAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(user::Column::MfaSecret, Expr::value(Option::<String>::None))
            .filter(user::Column::Id.eq(me.id))
            .exec(&self.db)
            .await?;
        self.audit_self(&me, "user.mfa_disabled", client).await
    }

    async fn audit_self(&self, me: &user::Model, action: &'static str, client: &ClientInfo) -> Result<()> {
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: me.organization_id,
                actor: Some((me.id, me.name.clone())),
                action,
                target_type: "user",
                target_id: Some(me.id.to_string()),
                before: None,
                after: None,
                client,
            },
        )
        .await
    }

    /// The first step of a two-factor sign-in passed: a challenge for the second.
    pub(crate) async fn mfa_challenge(&self, account: &user::Model) -> Result<ApiError> {
        let challenge = self
            .issue_token(account.id, TokenPurpose::MfaChallenge, Duration::minutes(MFA_CHALLENGE_MINUTES))
            .await?;
        Ok(ApiError::MfaRequired { challenge })
    }

    /// The second step: the code for a challenge. A wrong code keeps the challenge (and counts
    /// towards the sign-in rate limit); a right one uses it up and opens the session.
    #[tracing::instrument(skip_all)]
    pub async fn complete_mfa(
        &self,
        challenge: &str,
        code: &str,
        client: &ClientInfo,
    ) -> Result<(UserView, String)> {
        let expired = || {
            crate::error::Error::Api(ApiError::validation(
                "challenge",
                "This sign-in has expired. Enter your email and password again.",
            ))
        };
        if challenge.is_empty() || challenge.len() > 128 {
            return Err(expired());
        }
        let pending = account_token::Entity::find()
            .filter(account_token::Column::TokenHash.eq(token_hash(challenge)))
            .filter(account_token::Column::Purpose.eq(TokenPurpose::MfaChallenge.as_str()))
            .filter(account_token::Column::UsedAt.is_null())
            .filter(account_token::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?
            .ok_or_else(expired)?;
        let account = user::Entity::find_by_id(pending.user_id).one(&self.db).await?.ok_or_else(expired)?;
        self.check_login_rate(&account.email, client).await?;
        if !self.code_matches(&account, code)? {
            self.record_login(&account.email, Some(&account), client, false, Some("bad_credentials")).await?;
            return Err(ApiError::validation(
                "code",
                "That code is not right. Enter the 6 digits the app shows now.",
            )
            .into());
        }
        let account = self.consume_token(challenge, TokenPurpose::MfaChallenge).await?;
        self.finish_sign_in(account, client, None).await
    }
}
