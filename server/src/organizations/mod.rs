//! The organization's profile (PRD story 1.1): name, website, industry, size and brand
//! colours. Anyone signed in reads it; owners and admins change it, and each change is audited.

use app::{
    ApiError,
    auth::Permission,
    dto::{COMPANY_SIZES, OrganizationId, OrganizationView},
    error::FieldError,
    ssr::Viewer,
};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::Deserialize;
use utoipa::ToSchema;

pub mod logo;
pub mod routes;
pub mod security;

use crate::{audit, entities::organization, error::Result, shared::ClientInfo};

/// A colour as `#rrggbb` (lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexColor(String);

impl TryFrom<&str> for HexColor {
    type Error = String;
    fn try_from(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let ok = raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(Self(raw.to_ascii_lowercase()))
        } else {
            Err(format!("“{raw}” is not a colour like #4f46e5."))
        }
    }
}

/// A change to the profile. Absent fields stay; empty strings clear optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub company_size: Option<String>,
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
}

pub async fn get_profile(db: &DatabaseConnection, viewer: &Viewer) -> Result<OrganizationView> {
    let found = organization::Entity::find_by_id(viewer.organization_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    Ok(view(found))
}

#[tracing::instrument(skip(db, client))]
pub async fn update_profile(
    db: &DatabaseConnection,
    viewer: &Viewer,
    patch: OrganizationPatch,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    viewer.require(Permission::ManageSettings)?;
    let found = organization::Entity::find_by_id(viewer.organization_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let before = view(found.clone());
    let mut fields = Vec::new();
    let mut invalid = |field: &str, message: String| fields.push(FieldError { field: field.into(), message });
    let mut active: organization::ActiveModel = found.into();

    if let Some(name) = patch.name {
        match crate::shared::input::name("name", name, 100) {
            Ok(name) => active.name = Set(name),
            Err(_) => invalid("name", "The name must be 1 to 100 characters.".into()),
        }
    }
    if let Some(website) = patch.website.map(|w| w.trim().to_owned()) {
        let ok = website.is_empty()
            || ((website.starts_with("https://") || website.starts_with("http://"))
                && website.len() <= 300
                && !website.chars().any(|c| c.is_whitespace() || c.is_control()));
        if ok {
            active.website = Set(Some(website).filter(|w| !w.is_empty()));
        } else {
            invalid("website", "Enter the website as a full address like https://example.com.".into());
        }
    }
    if let Some(industry) = patch.industry.map(|i| i.trim().to_owned()) {
        if industry.chars().count() <= 100 && !industry.chars().any(char::is_control) {
            active.industry = Set(Some(industry).filter(|i| !i.is_empty()));
        } else {
            invalid("industry", "The industry can be at most 100 characters.".into());
        }
    }
    if let Some(size) = patch.company_size {
        if size.is_empty() || COMPANY_SIZES.contains(&size.as_str()) {
            active.company_size = Set(Some(size).filter(|s| !s.is_empty()));
        } else {
            invalid("company_size", format!("Choose one of {}.", COMPANY_SIZES.join(", ")));
        }
    }
    for (field, value) in [("primary_color", patch.primary_color), ("secondary_color", patch.secondary_color)]
    {
        let Some(value) = value else { continue };
        let parsed =
            if value.trim().is_empty() { Ok(None) } else { HexColor::try_from(value.as_str()).map(Some) };
        match (field, parsed) {
            ("primary_color", Ok(color)) => active.primary_color = Set(color.map(|c| c.0)),
            (_, Ok(color)) => active.secondary_color = Set(color.map(|c| c.0)),
            (_, Err(message)) => invalid(field, message),
        }
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation { fields }.into());
    }
    let updated = view(sea_orm::ActiveModelTrait::update(active, db).await?);
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: "organization.updated",
            target_type: "organization",
            target_id: Some(viewer.organization_id.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&updated).ok(),
        },
    )
    .await?;
    Ok(updated)
}

pub(crate) fn view(model: organization::Model) -> OrganizationView {
    OrganizationView {
        id: OrganizationId(model.id),
        name: model.name,
        slug: model.slug,
        website: model.website,
        industry: model.industry,
        company_size: model.company_size,
        primary_color: model.primary_color,
        secondary_color: model.secondary_color,
        logo_url: model.logo_path.as_deref().and_then(logo::stored_logo).and_then(|key| key.url()),
    }
}

/// A new tenant, on the caller's transaction: the organization (with a unique slug) and its
/// first workspace on the default plan. Returns the organization's id; its owner is the
/// caller's to add (`accounts` does, in the same transaction).
pub async fn create_tenant<C: sea_orm::ConnectionTrait>(
    txn: &C,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<uuid::Uuid> {
    let organization_id = uuid::Uuid::now_v7();
    let suffix = &crate::shared::tokens::new_token()[..6];
    organization::Entity::insert(organization::ActiveModel {
        id: Set(organization_id),
        name: Set(name.to_owned()),
        slug: Set(format!("{}-{suffix}", slugify(name))),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    crate::entities::workspace::Entity::insert(crate::billing::new_workspace(
        organization_id,
        format!("{name} workspace"),
        crate::billing::DEFAULT_PLAN,
        now,
    ))
    .exec(txn)
    .await?;
    Ok(organization_id)
}

fn slugify(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(40).collect();
    if slug.is_empty() { "org".to_owned() } else { slug }
}

/// Profile and security routes, and the logo upload (outside the common body limit).
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    let state = routes::OrganizationRoutes { db: h.db.clone(), files: h.files.clone(), auth: h.auth.clone() };
    w.routes(routes::router(state.clone()));
    w.upload_routes(routes::upload_router(state));
}

#[cfg(test)]
mod tests {
    use super::{HexColor, slugify};

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        assert_eq!(slugify("Acme Corp, Inc."), "acme-corp-inc");
        assert_eq!(slugify("Ünïcode"), "n-code");
        assert_eq!(slugify("!!!"), "org");
    }

    #[test]
    fn colours_are_six_hex_digits_after_a_hash() {
        assert_eq!(HexColor::try_from(" #4F46E5 ").map(|c| c.0), Ok("#4f46e5".to_owned()));
        for bad in ["4f46e5", "#4f46e", "#4f46e5f", "#gggggg", "red"] {
            assert!(HexColor::try_from(bad).is_err(), "{bad}");
        }
    }
}
