use sea_orm::entity::prelude::*;

/// A question of a bot's evaluation set (`evaluation::`), with what a right answer must do
/// (`expects`, an `app::evaluation::Expectation` by name).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bot_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub expects: String,
    pub expected_source_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub expected_answer: Option<String>,
    /// `app::evaluation::EvalOrigin` by name.
    pub origin: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
