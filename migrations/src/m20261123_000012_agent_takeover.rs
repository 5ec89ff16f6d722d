//! Agents taking conversations over, resolving them and the visitor's satisfaction rating
//! (PRD §5.3.3, schema "Satisfaction" and "Resolution"), and the conversation's own history
//! (`conversation_events`: created, escalated, agent_joined, returned_to_ai, resolved, rated,
//! status_changed), written in the same transaction as the change it records.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER.
        let columns = [
            uuid_null(Conversations::AssignedAgentId),
            string_len_null(Conversations::AssignedAgentName, 254),
            timestamp_with_time_zone_null(Conversations::ResolvedAt),
            uuid_null(Conversations::ResolvedBy),
            text_null(Conversations::ResolutionNote),
            small_integer_null(Conversations::SatisfactionRating),
            text_null(Conversations::SatisfactionComment),
            timestamp_with_time_zone_null(Conversations::SatisfactionRatedAt),
        ];
        for mut column in columns {
            manager
                .alter_table(Table::alter().table(Conversations::Table).add_column(&mut column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ConversationEvents::Table)
                    .if_not_exists()
                    .col(uuid(ConversationEvents::Id).primary_key())
                    .col(uuid(ConversationEvents::OrganizationId))
                    .col(uuid(ConversationEvents::ConversationId))
                    .col(string_len(ConversationEvents::EventType, 40))
                    .col(text_null(ConversationEvents::EventData))
                    .col(string_len(ConversationEvents::ActorKind, 20))
                    .col(string_len_null(ConversationEvents::ActorId, 100))
                    .col(string_len_null(ConversationEvents::ActorName, 254))
                    .col(timestamp_with_time_zone(ConversationEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_events_conversation")
                    .table(ConversationEvents::Table)
                    .col(ConversationEvents::ConversationId)
                    .col(ConversationEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConversationEvents::Table).if_exists().to_owned()).await?;
        for column in [
            Conversations::AssignedAgentId,
            Conversations::AssignedAgentName,
            Conversations::ResolvedAt,
            Conversations::ResolvedBy,
            Conversations::ResolutionNote,
            Conversations::SatisfactionRating,
            Conversations::SatisfactionComment,
            Conversations::SatisfactionRatedAt,
        ] {
            manager
                .alter_table(Table::alter().table(Conversations::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    AssignedAgentId,
    AssignedAgentName,
    ResolvedAt,
    ResolvedBy,
    ResolutionNote,
    SatisfactionRating,
    SatisfactionComment,
    SatisfactionRatedAt,
}

#[derive(DeriveIden)]
enum ConversationEvents {
    Table,
    Id,
    OrganizationId,
    ConversationId,
    EventType,
    EventData,
    ActorKind,
    ActorId,
    ActorName,
    CreatedAt,
}
