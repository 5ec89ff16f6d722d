use sea_orm::entity::prelude::*;

/// A persistent background job (`jobs::`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The tenant the work is for; none for the platform's own jobs.
    pub organization_id: Option<Uuid>,
    pub kind: String,
    /// JSON, read by the kind's handler.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: DateTimeUtc,
    /// The runner holding it while it runs, and until when (a lease it renews).
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// JSON `{done, total, note}`, as the handler last reported it.
    #[sea_orm(column_type = "Text", nullable)]
    pub progress: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

/// Where a job stands. Stored as its name; a name that does not parse is an error, never a
/// guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for `run_after`.
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "succeeded")]
    Succeeded,
    /// Failed every attempt it had; `last_error` says why.
    #[sea_orm(string_value = "dead")]
    Dead,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
