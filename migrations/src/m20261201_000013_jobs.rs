//! Persistent background jobs (`jobs`): what to do (`kind`, `payload`), for which
//! organization, its state (queued → running → succeeded | dead | cancelled, back to queued
//! for a retry), attempts, when it may run next, who holds it and until when (a lease that a
//! stopped or killed server gives up), the last error and the progress a listener can push.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .if_not_exists()
                    .col(uuid(Jobs::Id).primary_key())
                    .col(uuid_null(Jobs::OrganizationId))
                    .col(string_len(Jobs::Kind, 60))
                    .col(text(Jobs::Payload))
                    .col(string_len(Jobs::Status, 20))
                    .col(integer(Jobs::Attempts))
                    .col(integer(Jobs::MaxAttempts))
                    .col(timestamp_with_time_zone(Jobs::RunAfter))
                    .col(string_len_null(Jobs::LockedBy, 64))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(text_null(Jobs::LastError))
                    .col(text_null(Jobs::Progress))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_due")
                    .table(Jobs::Table)
                    .col(Jobs::Status)
                    .col(Jobs::RunAfter)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_organization")
                    .table(Jobs::Table)
                    .col(Jobs::OrganizationId)
                    .col(Jobs::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Jobs::Table).if_exists().to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    OrganizationId,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAfter,
    LockedBy,
    LockedUntil,
    LastError,
    Progress,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}
