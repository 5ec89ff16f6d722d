use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    /// A `plans.id`.
    pub plan: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    /// Usage of the current billing period, against the plan's pools.
    pub widget_loads_used: i64,
    pub messages_used: i64,
    pub api_calls_used: i64,
    pub wallet_credits_cents: i64,
    /// `monthly` or `yearly`.
    pub billing_cycle: String,
    pub period_start: Option<DateTimeUtc>,
    pub next_billing_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
