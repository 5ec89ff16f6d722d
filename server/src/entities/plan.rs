use sea_orm::entity::prelude::*;

/// A row of the plan catalog (seeded by migration from `migrations/seed/plans.json`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub description: String,
    pub monthly_price_cents: Option<i64>,
    pub position: i32,
    pub widget_loads: Option<i64>,
    pub messages: Option<i64>,
    pub api_calls: Option<i64>,
    pub overage_widget_loads_micros: Option<i64>,
    pub overage_messages_micros: Option<i64>,
    pub overage_api_calls_micros: Option<i64>,
    pub max_chatbots: Option<i32>,
    /// Widget connections open at once per workspace (`None`: unlimited).
    pub max_concurrent_connections: Option<i32>,
    pub max_file_uploads: Option<i32>,
    pub max_file_size_mb: Option<i32>,
    pub max_website_sources: Option<i32>,
    pub max_text_sources: Option<i32>,
    pub history_days: Option<i32>,
    /// JSON array of provider names.
    pub allowed_ai_providers: String,
    pub api_access: bool,
    pub custom_branding: bool,
    pub analytics_level: String,
    pub support_level: String,
    /// JSON array of short feature lines.
    pub features: String,
    pub is_active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
