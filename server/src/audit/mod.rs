//! The audit log: every privileged action (who, what, to what, before and after, from which
//! IP and user agent), written in the same transaction or right after the change, readable by
//! owners and admins of the organization only.

use app::{
    ApiError,
    auth::{AuditEntryView, Permission},
    ssr::Viewer,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub mod routes;

use crate::{entities::audit_log, error::Result, shared::ClientInfo};

/// Entries per page of the Audit page and API.
pub const PAGE_SIZE: u64 = 50;

pub struct AuditEntry<'a> {
    pub organization_id: Uuid,
    /// The acting user's id and name (`None` for the system or an anonymous flow).
    pub actor: Option<(Uuid, String)>,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client: &'a ClientInfo,
}

pub async fn record<C: ConnectionTrait>(db: &C, entry: AuditEntry<'_>) -> Result<()> {
    let (actor_user_id, actor_name) = match entry.actor {
        Some((id, name)) => (Some(id), name),
        None => (None, "system".to_owned()),
    };
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(entry.organization_id),
        actor_user_id: Set(actor_user_id),
        actor_name: Set(actor_name.chars().take(254).collect()),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        before: Set(entry.before.map(|v| v.to_string())),
        after: Set(entry.after.map(|v| v.to_string())),
        ip: Set(entry.client.ip.clone()),
        user_agent: Set(entry.client.user_agent.as_ref().map(|ua| ua.chars().take(500).collect())),
        created_at: Set(Utc::now()),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// What a signed-in member changed (for [`record_by`]).
pub struct Change {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records a change `viewer` made in their organization, naming them as the actor.
pub async fn record_by<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    client: &ClientInfo,
    change: Change,
) -> Result<()> {
    let actor =
        crate::entities::user::Entity::find_by_id(viewer.user_id).one(db).await?.map(|u| (u.id, u.name));
    record(
        db,
        AuditEntry {
            organization_id: viewer.organization_id.0,
            actor,
            action: change.action,
            target_type: change.target_type,
            target_id: change.target_id,
            before: change.before,
            after: change.after,
            client,
        },
    )
    .await
}

/// A page of the organization's log, newest first: entries older than `before` (a cursor from
/// the previous page), optionally of one action.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    action: Option<&str>,
    before: Option<&str>,
) -> Result<Vec<AuditEntryView>> {
    viewer.require(Permission::ViewAuditLog)?;
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(viewer.organization_id.0))
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(PAGE_SIZE);
    if let Some(action) = action.filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(before) = before.filter(|b| !b.is_empty()) {
        let at: DateTime<Utc> = before.parse().map_err(|_| {
            ApiError::validation("before", "Give `before` as an RFC 3339 time from the previous page.")
        })?;
        query = query.filter(audit_log::Column::CreatedAt.lt(at));
    }
    Ok(query.all(db).await?.into_iter().map(entry_view).collect())
}

pub fn entry_view(e: audit_log::Model) -> AuditEntryView {
    AuditEntryView {
        id: e.id,
        actor_name: e.actor_name,
        action: e.action,
        target_type: e.target_type,
        target_id: e.target_id,
        before: e.before,
        after: e.after,
        ip: e.ip,
        user_agent: e.user_agent,
        created_at: e.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    }
}

/// The audit log's routes.
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    w.routes(routes::router(routes::AuditRoutes { db: h.db.clone(), auth: h.auth.clone() }));
}
