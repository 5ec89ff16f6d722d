//! When a person last wrote in a conversation (`last_activity_at`: the visitor or an agent, not
//! the bot and not a lifecycle sweep), which orders the inbox. Existing rows start from their
//! `updated_at`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .add_column(timestamp_with_time_zone_null(Conversations::LastActivityAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Conversations::Table)
                    .value(Conversations::LastActivityAt, Expr::col(Conversations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_org_activity")
                    .table(Conversations::Table)
                    .col(Conversations::OrganizationId)
                    .col(Conversations::LastActivityAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("idx_conversations_org_activity").table(Conversations::Table).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .drop_column(Conversations::LastActivityAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    OrganizationId,
    UpdatedAt,
    LastActivityAt,
}
