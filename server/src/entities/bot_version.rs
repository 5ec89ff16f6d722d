use sea_orm::entity::prelude::*;

/// One version of a bot's configuration (`bots::versions`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bot_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub bot_id: Uuid,
    pub organization_id: Uuid,
    pub version: i32,
    /// `bots::Config` as JSON: name, texts, personality, settings.
    #[sea_orm(column_type = "Text")]
    pub config: String,
    pub changed_by: Option<Uuid>,
    /// What changed, for the list ("created", "settings changed", "restored version 2").
    pub summary: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
