use sea_orm::entity::prelude::*;

/// An internal note on a conversation: the team's only, never the visitor's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub conversation_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The teammates named with `@`, as a JSON array of `AgentRef`.
    #[sea_orm(column_type = "Text")]
    pub mentions: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
