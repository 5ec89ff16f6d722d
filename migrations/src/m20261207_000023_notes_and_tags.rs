//! What a team writes around a conversation (issue "The agent inbox"): internal notes
//! (`conversation_notes`, never shown to the visitor; `mentions` the teammates named, as JSON),
//! and tags — the organization's catalogue (`tags`: a name unique in the organization and a
//! colour) and each conversation's own (`conversations.tags`, `,billing,urgent,`: drawn with the
//! row and in every live update, filtered with `LIKE '%,billing,%'`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConversationNotes::Table)
                    .if_not_exists()
                    .col(uuid(ConversationNotes::Id).primary_key())
                    .col(uuid(ConversationNotes::OrganizationId))
                    .col(uuid(ConversationNotes::ConversationId))
                    .col(uuid(ConversationNotes::AuthorId))
                    .col(string_len(ConversationNotes::AuthorName, 100))
                    .col(text(ConversationNotes::Content))
                    .col(text(ConversationNotes::Mentions))
                    .col(timestamp_with_time_zone(ConversationNotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConversationNotes::Table, ConversationNotes::ConversationId)
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_notes_conversation")
                    .table(ConversationNotes::Table)
                    .col(ConversationNotes::OrganizationId)
                    .col(ConversationNotes::ConversationId)
                    .col(ConversationNotes::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .if_not_exists()
                    .col(uuid(Tags::Id).primary_key())
                    .col(uuid(Tags::OrganizationId))
                    .col(string_len(Tags::Name, 40))
                    .col(small_integer(Tags::Hue))
                    .col(timestamp_with_time_zone(Tags::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tags_organization_name")
                    .table(Tags::Table)
                    .col(Tags::OrganizationId)
                    .col(Tags::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .add_column(text_null(Conversations::Tags))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Conversations::Table).drop_column(Conversations::Tags).to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(Tags::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConversationNotes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConversationNotes {
    Table,
    Id,
    OrganizationId,
    ConversationId,
    AuthorId,
    AuthorName,
    Content,
    Mentions,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    OrganizationId,
    Name,
    Hue,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    Tags,
}
