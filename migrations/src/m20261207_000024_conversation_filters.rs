//! Saved inbox filters (PRD §5.3.4 `conversation-filters`): a name, the inbox query they stand
//! for (URL parameters, as `app::inbox::InboxQuery::to_params` writes them), who saved them and
//! whether the whole team sees them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConversationFilters::Table)
                    .if_not_exists()
                    .col(uuid(ConversationFilters::Id).primary_key())
                    .col(uuid(ConversationFilters::OrganizationId))
                    .col(uuid(ConversationFilters::UserId))
                    .col(string_len(ConversationFilters::Name, 80))
                    .col(text(ConversationFilters::Query))
                    .col(boolean(ConversationFilters::Shared).default(false))
                    .col(timestamp_with_time_zone(ConversationFilters::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_filters_organization")
                    .table(ConversationFilters::Table)
                    .col(ConversationFilters::OrganizationId)
                    .col(ConversationFilters::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConversationFilters::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConversationFilters {
    Table,
    Id,
    OrganizationId,
    UserId,
    Name,
    Query,
    Shared,
    CreatedAt,
}
