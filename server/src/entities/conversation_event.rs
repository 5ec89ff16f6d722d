use sea_orm::entity::prelude::*;

/// One line of a conversation's history (`conversations::history`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub conversation_id: Uuid,
    pub event_type: String,
    /// JSON object with the event's details (`from`/`to`, the note, the rating…).
    #[sea_orm(column_type = "Text", nullable)]
    pub event_data: Option<String>,
    /// `visitor`, `agent`, `bot` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
