use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub workspace_id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub public_key: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub greeting: String,
    #[sea_orm(column_type = "Text")]
    pub fallback_message: String,
    pub created_at: DateTimeUtc,
    /// The host page's origin in the loader's last "widget detected" ping.
    pub installed_origin: Option<String>,
    pub installed_seen_at: Option<DateTimeUtc>,
    /// `app::bot_settings::BotSettings` as JSON (`{}` = the defaults).
    #[sea_orm(column_type = "Text")]
    pub settings: String,
    /// `professional`, `friendly` or `casual` (`app::dto::Personality`).
    pub personality: String,
    /// Set while the bot is archived (soft-deleted): its widget is off, it can be restored.
    pub archived_at: Option<DateTimeUtc>,
    /// The configuration's version, bumped by every change (`bot_versions` keeps each).
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
