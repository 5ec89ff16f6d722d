//! Canned replies (issue "The agent inbox"): the organization's saved answers, each under a
//! `/shortcut` an agent types in the reply box; `{customer.name}` and the like are filled in
//! when one is inserted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CannedReplies::Table)
                    .if_not_exists()
                    .col(uuid(CannedReplies::Id).primary_key())
                    .col(uuid(CannedReplies::OrganizationId))
                    .col(string_len(CannedReplies::Shortcut, 32))
                    .col(text(CannedReplies::Content))
                    .col(string_len(CannedReplies::CreatedBy, 255))
                    .col(timestamp_with_time_zone(CannedReplies::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_canned_replies_org_shortcut")
                    .table(CannedReplies::Table)
                    .col(CannedReplies::OrganizationId)
                    .col(CannedReplies::Shortcut)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CannedReplies::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum CannedReplies {
    Table,
    Id,
    OrganizationId,
    Shortcut,
    Content,
    CreatedBy,
    CreatedAt,
}
