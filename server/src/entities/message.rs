use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub conversation_id: Uuid,
    pub seq: i64,
    pub sender_kind: String,
    pub sender_name: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub client_msg_id: Option<String>,
    pub created_at: DateTimeUtc,
    /// The answer engine's record of a bot answer (`app::dto::AnswerInfo` as JSON).
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    /// The visitor's thumbs on a bot answer: up (true) or down (false).
    pub helpful: Option<bool>,
    /// A teammate's review of a bot answer: "correct" or "incorrect".
    pub verdict: Option<String>,
    pub reviewed_by: Option<Uuid>,
    /// For a visitor's message: PRD §5.5.4's intent, and how sure its classifier was.
    pub intent: Option<String>,
    #[sea_orm(column_type = "Float", nullable)]
    pub intent_confidence: Option<f32>,
    /// PRD §5.5.5's band, and the score (−1 … 1).
    pub sentiment: Option<String>,
    #[sea_orm(column_type = "Float", nullable)]
    pub sentiment_score: Option<f32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
