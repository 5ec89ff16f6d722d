use sea_orm::entity::prelude::*;

/// One run of a bot's evaluation set (`evaluation::`): its progress, pass count, and every
/// question's result (`results`, a JSON array of `app::evaluation::EvalResult`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bot_id: Uuid,
    /// `app::evaluation::RunStatus` by name.
    pub status: String,
    /// `app::evaluation::RunTrigger` by name.
    pub trigger: String,
    pub total: i32,
    pub done: i32,
    pub passed: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub results: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub job_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
