//! The walking skeleton's tables: organizations → workspaces → bots → conversations → messages.
//! Only the columns the skeleton uses; later migrations add the rest.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .if_not_exists()
                    .col(uuid(Organizations::Id).primary_key())
                    .col(string_len(Organizations::Name, 200))
                    .col(string_len_uniq(Organizations::Slug, 100))
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Workspaces::Table)
                    .if_not_exists()
                    .col(uuid(Workspaces::Id).primary_key())
                    .col(uuid(Workspaces::OrganizationId))
                    .col(string_len(Workspaces::Name, 200))
                    .col(string_len(Workspaces::Plan, 50))
                    .col(string_len(Workspaces::Status, 50))
                    .col(timestamp_with_time_zone(Workspaces::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Workspaces::Table, Workspaces::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Bots::Table)
                    .if_not_exists()
                    .col(uuid(Bots::Id).primary_key())
                    .col(uuid(Bots::OrganizationId))
                    .col(uuid(Bots::WorkspaceId))
                    .col(string_len(Bots::Name, 200))
                    .col(string_len_uniq(Bots::PublicKey, 100))
                    .col(string_len(Bots::Status, 50))
                    .col(text(Bots::Description))
                    .col(text(Bots::Greeting))
                    .col(text(Bots::FallbackMessage))
                    .col(timestamp_with_time_zone(Bots::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bots::Table, Bots::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bots::Table, Bots::WorkspaceId)
                            .to(Workspaces::Table, Workspaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Conversations::Table)
                    .if_not_exists()
                    .col(uuid(Conversations::Id).primary_key())
                    .col(uuid(Conversations::OrganizationId))
                    .col(uuid(Conversations::BotId))
                    .col(string_len(Conversations::VisitorId, 100))
                    .col(string_len_null(Conversations::VisitorName, 200))
                    .col(string_len(Conversations::Status, 30))
                    .col(big_integer(Conversations::LastSeq).default(0))
                    .col(big_integer(Conversations::MessageCount).default(0))
                    .col(text(Conversations::Preview))
                    .col(timestamp_with_time_zone(Conversations::StartedAt))
                    .col(timestamp_with_time_zone(Conversations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Conversations::Table, Conversations::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Conversations::Table, Conversations::BotId)
                            .to(Bots::Table, Bots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_org_updated")
                    .table(Conversations::Table)
                    .col(Conversations::OrganizationId)
                    .col(Conversations::UpdatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .if_not_exists()
                    .col(uuid(Messages::Id).primary_key())
                    .col(uuid(Messages::OrganizationId))
                    .col(uuid(Messages::ConversationId))
                    .col(big_integer(Messages::Seq))
                    .col(string_len(Messages::SenderKind, 20))
                    .col(string_len(Messages::SenderName, 200))
                    .col(text(Messages::Content))
                    .col(string_len_null(Messages::ClientMsgId, 100))
                    .col(timestamp_with_time_zone(Messages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Messages::Table, Messages::ConversationId)
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_messages_conversation_seq")
                    .table(Messages::Table)
                    .col(Messages::ConversationId)
                    .col(Messages::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Idempotent sends: one stored message per client-chosen id within a conversation.
        manager
            .create_index(
                Index::create()
                    .name("uq_messages_client_msg_id")
                    .table(Messages::Table)
                    .col(Messages::OrganizationId)
                    .col(Messages::ClientMsgId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Messages::Table.into_iden(),
            Conversations::Table.into_iden(),
            Bots::Table.into_iden(),
            Workspaces::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    Slug,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    OrganizationId,
    Name,
    Plan,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Id,
    OrganizationId,
    WorkspaceId,
    Name,
    PublicKey,
    Status,
    Description,
    Greeting,
    FallbackMessage,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    OrganizationId,
    BotId,
    VisitorId,
    VisitorName,
    Status,
    LastSeq,
    MessageCount,
    Preview,
    StartedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    OrganizationId,
    ConversationId,
    Seq,
    SenderKind,
    SenderName,
    Content,
    ClientMsgId,
    CreatedAt,
}
