//! A bot's evaluation set (`evaluation_questions`): questions an owner keeps with what a right
//! answer must do — cite an expected source among its first three passages, hold an expected
//! answer's words, merely answer, or decline — and where each came from (typed, a transcript,
//! an FAQ). `evaluation_runs`: each time the set was asked (by hand or after the knowledge
//! changed), with its progress, pass count and every question's result as one JSON document
//! (a run's results are only ever read whole).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EvaluationQuestions::Table)
                    .if_not_exists()
                    .col(uuid(EvaluationQuestions::Id).primary_key())
                    .col(uuid(EvaluationQuestions::OrganizationId))
                    .col(uuid(EvaluationQuestions::BotId))
                    .col(text(EvaluationQuestions::Question))
                    .col(string_len(EvaluationQuestions::Expects, 20))
                    .col(uuid_null(EvaluationQuestions::ExpectedSourceId))
                    .col(text_null(EvaluationQuestions::ExpectedAnswer))
                    .col(string_len(EvaluationQuestions::Origin, 20))
                    .col(uuid_null(EvaluationQuestions::CreatedBy))
                    .col(timestamp_with_time_zone(EvaluationQuestions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EvaluationQuestions::Table, EvaluationQuestions::BotId)
                            .to(Bots::Table, Bots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evaluation_questions_bot")
                    .table(EvaluationQuestions::Table)
                    .col(EvaluationQuestions::OrganizationId)
                    .col(EvaluationQuestions::BotId)
                    .col(EvaluationQuestions::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationRuns::Table)
                    .if_not_exists()
                    .col(uuid(EvaluationRuns::Id).primary_key())
                    .col(uuid(EvaluationRuns::OrganizationId))
                    .col(uuid(EvaluationRuns::BotId))
                    .col(string_len(EvaluationRuns::Status, 20))
                    .col(string_len(EvaluationRuns::Trigger, 20))
                    .col(integer(EvaluationRuns::Total).default(0))
                    .col(integer(EvaluationRuns::Done).default(0))
                    .col(integer(EvaluationRuns::Passed).default(0))
                    .col(text_null(EvaluationRuns::Results))
                    .col(text_null(EvaluationRuns::Error))
                    .col(uuid_null(EvaluationRuns::JobId))
                    .col(uuid_null(EvaluationRuns::CreatedBy))
                    .col(timestamp_with_time_zone(EvaluationRuns::CreatedAt))
                    .col(timestamp_with_time_zone_null(EvaluationRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(EvaluationRuns::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EvaluationRuns::Table, EvaluationRuns::BotId)
                            .to(Bots::Table, Bots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evaluation_runs_bot")
                    .table(EvaluationRuns::Table)
                    .col(EvaluationRuns::OrganizationId)
                    .col(EvaluationRuns::BotId)
                    .col(EvaluationRuns::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EvaluationRuns::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(EvaluationQuestions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EvaluationQuestions {
    Table,
    Id,
    OrganizationId,
    BotId,
    Question,
    Expects,
    ExpectedSourceId,
    ExpectedAnswer,
    Origin,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EvaluationRuns {
    Table,
    Id,
    OrganizationId,
    BotId,
    Status,
    Trigger,
    Total,
    Done,
    Passed,
    Results,
    Error,
    JobId,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
}
