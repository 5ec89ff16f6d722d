//! Workspaces and plans: the plan catalog (seeded data), each workspace's usage pools for the
//! current billing period, its wallet and billing dates, plan changes (owners: billing) and the
//! one place usage is counted against a pool.

use std::collections::HashMap;

use app::{
    ApiError,
    auth::Permission,
    billing::{PlanLimits, PlanView, UsagePool, WorkspaceView},
    dto::{OrganizationId, WorkspaceId},
    ssr::Viewer,
};
use chrono::{DateTime, Months, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

pub mod routes;

use crate::{
    audit,
    entities::{bot, organization, plan, workspace},
    error::Result,
    shared::ClientInfo,
};

/// A pool a workspace's usage is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    WidgetLoads,
    Messages,
    ApiCalls,
}

/// The plan a new organization starts on.
pub const DEFAULT_PLAN: &str = "free";

/// A new workspace on `plan`, its first billing period starting now.
pub fn new_workspace(
    organization_id: Uuid,
    name: String,
    plan: &str,
    now: DateTime<Utc>,
) -> workspace::ActiveModel {
    workspace::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        name: Set(name),
        plan: Set(plan.to_owned()),
        status: Set("active".into()),
        created_at: Set(now),
        widget_loads_used: Set(0),
        messages_used: Set(0),
        api_calls_used: Set(0),
        wallet_credits_cents: Set(0),
        billing_cycle: Set("monthly".into()),
        period_start: Set(Some(now)),
        next_billing_at: Set(now.checked_add_months(Months::new(1))),
        description: Set(String::new()),
    }
}

/// The active plans, cheapest first.
pub async fn catalog(db: &impl ConnectionTrait) -> Result<Vec<PlanView>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::IsActive.eq(true))
        .order_by_asc(plan::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(plan_view)
        .collect())
}

fn json_list(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

pub fn plan_view(p: plan::Model) -> PlanView {
    PlanView {
        limits: PlanLimits {
            max_chatbots: p.max_chatbots,
            max_concurrent_connections: p.max_concurrent_connections,
            max_file_uploads: p.max_file_uploads,
            max_file_size_mb: p.max_file_size_mb,
            max_website_sources: p.max_website_sources,
            max_text_sources: p.max_text_sources,
            history_days: p.history_days,
            allowed_ai_providers: json_list(&p.allowed_ai_providers),
            api_access: p.api_access,
            custom_branding: p.custom_branding,
            analytics_level: p.analytics_level,
            support_level: p.support_level,
        },
        features: json_list(&p.features),
        id: p.id,
        name: p.name,
        description: p.description,
        monthly_price_cents: p.monthly_price_cents,
        widget_loads: p.widget_loads,
        messages: p.messages,
        api_calls: p.api_calls,
        overage_widget_loads_micros: p.overage_widget_loads_micros,
        overage_messages_micros: p.overage_messages_micros,
        overage_api_calls_micros: p.overage_api_calls_micros,
    }
}

/// The organization's workspaces with their plans and usage, oldest first.
pub async fn list(db: &DatabaseConnection, organization: OrganizationId) -> Result<Vec<WorkspaceView>> {
    let org = organization::Entity::find_by_id(organization.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    let plans: HashMap<String, plan::Model> =
        plan::Entity::find().all(db).await?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let rows = workspace::Entity::find()
        .filter(workspace::Column::OrganizationId.eq(organization.0))
        .order_by_asc(workspace::Column::CreatedAt)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for w in rows {
        let bots = bot::Entity::find()
            .filter(bot::Column::OrganizationId.eq(organization.0))
            .filter(bot::Column::WorkspaceId.eq(w.id))
            .count(db)
            .await?;
        views.push(view(w, &org, bots, &plans));
    }
    Ok(views)
}

fn view(
    w: workspace::Model,
    org: &organization::Model,
    bots: u64,
    plans: &HashMap<String, plan::Model>,
) -> WorkspaceView {
    let p = plans.get(&w.plan);
    let limit = |pick: fn(&plan::Model) -> Option<i64>| p.and_then(pick);
    let rate = limit;
    let messages_limit = org.custom_max_messages.or(limit(|p| p.messages));
    WorkspaceView {
        id: WorkspaceId(w.id),
        name: w.name,
        description: w.description,
        plan_name: p.map_or_else(|| w.plan.clone(), |p| p.name.clone()),
        monthly_price_cents: p.and_then(|p| p.monthly_price_cents),
        plan: w.plan,
        status: w.status,
        widget_loads: UsagePool::new(
            w.widget_loads_used,
            limit(|p| p.widget_loads),
            rate(|p| p.overage_widget_loads_micros),
        ),
        messages: UsagePool::new(w.messages_used, messages_limit, rate(|p| p.overage_messages_micros)),
        api_calls: UsagePool::new(
            w.api_calls_used,
            limit(|p| p.api_calls),
            rate(|p| p.overage_api_calls_micros),
        ),
        wallet_credits_cents: w.wallet_credits_cents,
        billing_cycle: w.billing_cycle,
        period_start: w.period_start.map(crate::shared::rfc3339),
        next_billing_at: w.next_billing_at.map(crate::shared::rfc3339),
        bots,
    }
}

/// One workspace of the viewer's organization.
pub async fn get(db: &DatabaseConnection, viewer: &Viewer, id: WorkspaceId) -> Result<WorkspaceView> {
    list(db, viewer.organization_id)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| ApiError::not_found("workspace").into())
}

/// Moves a workspace to another plan (owners: billing). Usage of the period is kept.
pub async fn change_plan(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: WorkspaceId,
    plan_id: &str,
    client: &ClientInfo,
) -> Result<WorkspaceView> {
    viewer.require(Permission::ManageBilling)?;
    let target = plan::Entity::find_by_id(plan_id.to_owned())
        .filter(plan::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::validation("plan", format!("There is no plan “{plan_id}”.")))?;
    let txn = crate::db::begin_write(db).await?;
    let current = workspace::Entity::find_by_id(id.0)
        .filter(workspace::Column::OrganizationId.eq(viewer.organization_id.0))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    if current.plan != target.id {
        workspace::Entity::update_many()
            .col_expr(workspace::Column::Plan, Expr::value(target.id.clone()))
            .filter(workspace::Column::Id.eq(current.id))
            .exec(&txn)
            .await?;
        audit::record_by(
            &txn,
            viewer,
            client,
            audit::Change {
                action: "workspace.plan_changed",
                target_type: "workspace",
                target_id: Some(current.id.to_string()),
                before: Some(serde_json::json!({ "plan": current.plan })),
                after: Some(serde_json::json!({ "plan": target.id })),
            },
        )
        .await?;
    }
    txn.commit().await?;
    get(db, viewer, id).await
}

/// Counts `n` units of usage against a workspace's pool, atomically. Refused with
/// `QuotaExceeded` when the pool is spent and the plan bills no overage.
pub async fn consume(db: &DatabaseConnection, workspace_id: Uuid, pool: Pool, n: i64) -> Result<()> {
    let charge = admit(db, workspace_id, pool, n).await?;
    // A write transaction, so the count waits its turn with the other writers.
    let txn = crate::db::begin_write(db).await?;
    charge.apply(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Usage a workspace's pool admitted, to be counted by [`Charge::apply`] in the transaction
/// that does the work (one write transaction instead of two on the message path).
#[derive(Clone, Copy)]
#[must_use = "a charge counts nothing until it is applied"]
pub struct Charge {
    workspace_id: Uuid,
    column: workspace::Column,
    n: i64,
}

impl Charge {
    pub async fn apply<C: sea_orm::ConnectionTrait>(self, txn: &C) -> Result<()> {
        workspace::Entity::update_many()
            .col_expr(self.column, Expr::col(self.column).add(self.n))
            .filter(workspace::Column::Id.eq(self.workspace_id))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Checks that the pool admits `n` more units (reads only, outside any write transaction);
/// `QuotaExceeded` when it is spent and the plan bills no overage.
pub async fn admit(db: &DatabaseConnection, workspace_id: Uuid, pool: Pool, n: i64) -> Result<Charge> {
    let Some(current) = workspace::Entity::find_by_id(workspace_id).one(db).await? else {
        return Err(ApiError::not_found("workspace").into());
    };
    let org = organization::Entity::find_by_id(current.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    let plans: HashMap<String, plan::Model> = plan::Entity::find_by_id(current.plan.clone())
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let usage = view(current, &org, 0, &plans);
    let (pool_view, column) = match pool {
        Pool::WidgetLoads => (usage.widget_loads, workspace::Column::WidgetLoadsUsed),
        Pool::Messages => (usage.messages, workspace::Column::MessagesUsed),
        Pool::ApiCalls => (usage.api_calls, workspace::Column::ApiCallsUsed),
    };
    if !pool_view.admits(n) {
        return Err(ApiError::QuotaExceeded {
            message: format!(
                "This workspace has used its {} for this billing period. Upgrade the plan to continue.",
                match pool {
                    Pool::WidgetLoads => "widget loads",
                    Pool::Messages => "messages",
                    Pool::ApiCalls => "API calls",
                }
            ),
        }
        .into());
    }
    Ok(Charge { workspace_id, column, n })
}

/// How many widget connections a workspace may hold at once, from its plan (`None`: no cap).
pub async fn connection_cap(db: &DatabaseConnection, workspace_id: Uuid) -> Result<Option<usize>> {
    let Some(current) = workspace::Entity::find_by_id(workspace_id).one(db).await? else {
        return Err(ApiError::not_found("workspace").into());
    };
    let cap =
        plan::Entity::find_by_id(current.plan).one(db).await?.and_then(|p| p.max_concurrent_connections);
    Ok(cap.map(|c| usize::try_from(c).unwrap_or(0)))
}

/// Plans and workspaces routes.
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    w.routes(routes::router(routes::BillingRoutes { db: h.db.clone(), auth: h.auth.clone() }));
}
