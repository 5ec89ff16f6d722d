//! The audit log: who did what to what, with the state before and after, from where.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(uuid(AuditLog::Id).primary_key())
                    .col(uuid(AuditLog::OrganizationId))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::ActorName, 254))
                    .col(string_len(AuditLog::Action, 60))
                    .col(string_len(AuditLog::TargetType, 40))
                    .col(string_len_null(AuditLog::TargetId, 64))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(string_len_null(AuditLog::Ip, 64))
                    .col(text_null(AuditLog::UserAgent))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_org_created")
                    .table(AuditLog::Table)
                    .col(AuditLog::OrganizationId)
                    .col(AuditLog::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).if_exists().to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    OrganizationId,
    ActorUserId,
    ActorName,
    Action,
    TargetType,
    TargetId,
    Before,
    After,
    Ip,
    UserAgent,
    CreatedAt,
}
