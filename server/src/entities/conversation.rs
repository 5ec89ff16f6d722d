use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bot_id: Uuid,
    pub visitor_id: String,
    pub visitor_name: Option<String>,
    pub visitor_email: Option<String>,
    pub status: String,
    pub last_seq: i64,
    pub message_count: i64,
    #[sea_orm(column_type = "Text")]
    pub preview: String,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The agent holding the conversation (`agent_handling`), one at a time.
    pub assigned_agent_id: Option<Uuid>,
    pub assigned_agent_name: Option<String>,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution_note: Option<String>,
    /// The visitor's answer to the survey after resolution, 1–5.
    pub satisfaction_rating: Option<i16>,
    #[sea_orm(column_type = "Text", nullable)]
    pub satisfaction_comment: Option<String>,
    pub satisfaction_rated_at: Option<DateTimeUtc>,
    /// When the visitor or an agent last wrote (not the bot, not a sweep): the inbox's order.
    pub last_activity_at: Option<DateTimeUtc>,
    /// The mood of the visitor's latest message (`messages.sentiment`), for the inbox's filter.
    pub sentiment: Option<String>,
    /// The conversation's tags, `,billing,urgent,` (the inbox filters with `LIKE '%,name,%'`).
    #[sea_orm(column_type = "Text", nullable)]
    pub tags: Option<String>,
    /// When it last started waiting for a person (escalated): its place in the queue.
    pub queued_at: Option<DateTimeUtc>,
    /// A transfer the holder asked of a teammate, waiting for their answer, with its note.
    pub transfer_to_id: Option<Uuid>,
    pub transfer_to_name: Option<String>,
    pub transfer_by_name: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub transfer_note: Option<String>,
    /// Merged into this conversation (which holds its messages now); it is archived.
    pub merged_into_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
