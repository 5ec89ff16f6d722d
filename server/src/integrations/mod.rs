//! Integration credentials (Slack, CRM, webhook signing secrets, an LLM key…): written once,
//! never shown again. They are sealed with the server's encryption key (`crate::secrets`),
//! bound to their organization; lists show a label and the last four characters only.

use app::{
    ApiError,
    auth::Permission,
    dto::{CREDENTIAL_PROVIDERS as PROVIDERS, CredentialView},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub mod routes;

use crate::{
    audit::{self, AuditEntry},
    entities::{integration_credential, user},
    error::Result,
    secrets::SecretBox,
    shared::{ClientInfo, input},
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCredential {
    pub provider: String,
    pub label: String,
    /// The secret itself; stored sealed, never returned.
    pub secret: String,
}

fn context(organization_id: Uuid) -> String {
    format!("integration:{organization_id}")
}

fn view(row: integration_credential::Model) -> CredentialView {
    CredentialView {
        id: row.id,
        provider: row.provider,
        label: row.label,
        hint: row.hint,
        created_at: crate::shared::rfc3339(row.created_at),
    }
}

pub async fn list(db: &DatabaseConnection, viewer: &Viewer) -> Result<Vec<CredentialView>> {
    viewer.require(Permission::ManageSettings)?;
    Ok(integration_credential::Entity::find()
        .filter(integration_credential::Column::OrganizationId.eq(viewer.organization_id.0))
        .order_by_asc(integration_credential::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn create(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    viewer: &Viewer,
    input: NewCredential,
    client: &ClientInfo,
) -> Result<CredentialView> {
    viewer.require(Permission::ManageSettings)?;
    let mut fields = Vec::new();
    if !PROVIDERS.contains(&input.provider.as_str()) {
        fields.push(app::error::FieldError {
            field: "provider".into(),
            message: format!("Choose one of {}.", PROVIDERS.join(", ")),
        });
    }
    let label = input::name("label", input.label, 100);
    if let Err(ApiError::Validation { fields: mut more }) = label.clone() {
        fields.append(&mut more);
    }
    let secret = input.secret.trim().to_owned();
    if secret.is_empty() || secret.len() > 4096 {
        fields.push(app::error::FieldError {
            field: "secret".into(),
            message: "Paste the secret: 1 to 4,096 characters.".into(),
        });
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation { fields }.into());
    }
    let label = label?;
    let organization_id = viewer.organization_id.0;
    let tail: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let now = Utc::now();
    let row = integration_credential::Entity::insert(integration_credential::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        provider: Set(input.provider.clone()),
        label: Set(label),
        ciphertext: Set(secrets.seal(&context(organization_id), secret.as_bytes())?),
        hint: Set(if secret.chars().count() > 8 { format!("…{tail}") } else { "…".into() }),
        created_by: Set(Some(viewer.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(db)
    .await?;
    let actor = user::Entity::find_by_id(viewer.user_id).one(db).await?.map(|u| (u.id, u.name));
    audit::record(
        db,
        AuditEntry {
            organization_id,
            actor,
            action: "integration.credential_added",
            target_type: "integration_credential",
            target_id: Some(row.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "provider": row.provider, "label": row.label })),
            client,
        },
    )
    .await?;
    Ok(view(row))
}

/// The plaintext of a credential, for the server's own use (sending to Slack, a CRM…).
pub async fn reveal(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    organization_id: Uuid,
    id: Uuid,
) -> Result<String> {
    let row = integration_credential::Entity::find_by_id(id)
        .filter(integration_credential::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("credential"))?;
    let plain = secrets.open(&context(organization_id), &row.ciphertext)?;
    Ok(String::from_utf8(plain).map_err(anyhow::Error::from)?)
}

pub async fn remove(db: &DatabaseConnection, viewer: &Viewer, id: Uuid, client: &ClientInfo) -> Result<()> {
    viewer.require(Permission::ManageSettings)?;
    let deleted = integration_credential::Entity::delete_many()
        .filter(integration_credential::Column::Id.eq(id))
        .filter(integration_credential::Column::OrganizationId.eq(viewer.organization_id.0))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ApiError::not_found("credential").into());
    }
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: "integration.credential_removed",
            target_type: "integration_credential",
            target_id: Some(id.to_string()),
            before: None,
            after: None,
        },
    )
    .await
}

/// Integration routes (credentials sealed with the server's secret box).
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    w.routes(routes::router(routes::IntegrationRoutes {
        db: h.db.clone(),
        secrets: h.secrets.clone(),
        auth: h.auth.clone(),
    }));
}
