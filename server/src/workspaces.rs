//! Workspaces of an organization (plans, usage pools and billing arrive with billing).

use app::dto::{OrganizationId, WorkspaceId, WorkspaceView};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{entities::workspace, error::Result};

pub async fn list(db: &DatabaseConnection, organization: OrganizationId) -> Result<Vec<WorkspaceView>> {
    Ok(workspace::Entity::find()
        .filter(workspace::Column::OrganizationId.eq(organization.0))
        .order_by_asc(workspace::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|w| WorkspaceView { id: WorkspaceId(w.id), name: w.name, plan: w.plan, status: w.status })
        .collect())
}
