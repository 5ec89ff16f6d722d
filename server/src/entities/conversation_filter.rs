use sea_orm::entity::prelude::*;

/// A saved inbox filter: personal, or shared with the organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_filters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Who saved it.
    pub user_id: Uuid,
    pub name: String,
    /// The inbox query as URL parameters (`view=mine&tag=billing`).
    #[sea_orm(column_type = "Text")]
    pub query: String,
    pub shared: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
