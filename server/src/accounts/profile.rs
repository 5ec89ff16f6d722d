//! A person's own profile (seed 000 "Profile"): name, phone, job title, bio, avatar and what
//! they want to be told about. Email changes are not offered here (they need re-verification).

use app::{
    ApiError,
    auth::{NotificationPrefs, ProfileView},
    error::FieldError,
    ssr::Viewer,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AccountService;
use crate::shared::{ClientInfo, input};
use crate::{
    audit::{self, AuditEntry},
    entities::{organization, user},
    error::Result,
};

/// A change to the profile. Absent fields stay; empty strings clear optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub notifications: Option<NotificationPrefs>,
}

/// `Some(None)` clears, `Some(Some(v))` sets, `Err` explains.
fn optional_text(
    raw: Option<String>,
    max: usize,
    ok: impl Fn(&str) -> bool,
) -> Result<Option<Option<String>>, ()> {
    let Some(raw) = raw else { return Ok(None) };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(Some(None));
    }
    if trimmed.chars().count() > max || !ok(trimmed) {
        return Err(());
    }
    Ok(Some(Some(trimmed.to_owned())))
}

fn view(model: &user::Model, org_requires_mfa: bool) -> ProfileView {
    ProfileView {
        name: model.name.clone(),
        email: model.email.clone(),
        phone: model.phone.clone(),
        job_title: model.job_title.clone(),
        bio: model.bio.clone(),
        avatar_url: model.avatar_url.clone(),
        notifications: serde_json::from_str(&model.notification_prefs).unwrap_or_default(),
        mfa_enabled: model.mfa_enabled_at.is_some(),
        mfa_required: org_requires_mfa,
    }
}

impl AccountService {
    async fn own_row(&self, viewer: &Viewer) -> Result<(user::Model, bool)> {
        let me = user::Entity::find_by_id(viewer.user_id)
            .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let requires = organization::Entity::find_by_id(viewer.organization_id.0)
            .one(&self.db)
            .await?
            .is_some_and(|o| o.require_mfa);
        Ok((me, requires))
    }

    pub async fn profile(&self, viewer: &Viewer) -> Result<ProfileView> {
        let (me, requires) = self.own_row(viewer).await?;
        Ok(view(&me, requires))
    }

    pub async fn update_profile(
        &self,
        viewer: &Viewer,
        patch: ProfilePatch,
        client: &ClientInfo,
    ) -> Result<ProfileView> {
        let (me, requires) = self.own_row(viewer).await?;
        let before = view(&me, requires);
        let mut fields = Vec::new();
        let mut invalid = |field: &str, message: &str| {
            fields.push(FieldError { field: field.into(), message: message.into() });
        };
        let mut active: user::ActiveModel = me.into();
        if let Some(name) = patch.name {
            match input::name("name", name, 100) {
                Ok(name) => active.name = Set(name),
                Err(_) => invalid("name", "The name must be 1 to 100 characters."),
            }
        }
        let phone_chars = |p: &str| p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        match optional_text(patch.phone, 40, phone_chars) {
            Ok(Some(phone)) => active.phone = Set(phone),
            Ok(None) => {}
            Err(()) => invalid("phone", "Enter a phone number of digits, spaces and + - ( ), at most 40."),
        }
        match optional_text(patch.job_title, 100, |t| !t.chars().any(char::is_control)) {
            Ok(Some(title)) => active.job_title = Set(title),
            Ok(None) => {}
            Err(()) => invalid("job_title", "The job title can be at most 100 characters."),
        }
        let no_control = |t: &str| !t.chars().any(|c| c.is_control() && c != '\n');
        match optional_text(patch.bio, 1000, no_control) {
            Ok(Some(bio)) => active.bio = Set(bio),
            Ok(None) => {}
            Err(()) => invalid("bio", "The bio can be at most 1,000 characters."),
        }
        let web_address = |u: &str| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && !u.chars().any(|c| c.is_whitespace() || c.is_control())
        };
        match optional_text(patch.avatar_url, 500, web_address) {
            Ok(Some(url)) => active.avatar_url = Set(url),
            Ok(None) => {}
            Err(()) => {
                invalid("avatar_url", "The avatar must be a web address like https://example.com/me.png.")
            }
        }
        if let Some(prefs) = patch.notifications {
            active.notification_prefs = Set(serde_json::to_string(&prefs).map_err(anyhow::Error::from)?);
        }
        if !fields.is_empty() {
            return Err(ApiError::Validation { fields }.into());
        }
        let updated = view(&sea_orm::ActiveModelTrait::update(active, &self.db).await?, requires);
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: viewer.organization_id.0,
                actor: Some((viewer.user_id, updated.name.clone())),
                action: "user.profile_updated",
                target_type: "user",
                target_id: Some(viewer.user_id.to_string()),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&updated).ok(),
                client,
            },
        )
        .await?;
        Ok(updated)
    }
}
