//! Assignment and routing (issue "The agent inbox"): each teammate's availability (`online` or
//! `away`, their own switch; offline is having no dashboard open) and how many conversations
//! they take at once; when they were last given one (round-robin); the organization's routing
//! mode (`manual`, `round_robin`, `least_loaded`). On conversations: when they joined the queue
//! (position and wait for the visitor), a transfer asked of a teammate with its note, and the
//! conversation another was merged into.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        let users = [
            string_len(Users::Availability, 10).default("online").to_owned(),
            integer(Users::MaxConversations).default(5).to_owned(),
            timestamp_with_time_zone_null(Users::LastAssignedAt).to_owned(),
        ];
        for mut column in users {
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(&mut column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(string_len(Organizations::AssignmentMode, 20).default("manual"))
                    .to_owned(),
            )
            .await?;
        let conversations = [
            timestamp_with_time_zone_null(Conversations::QueuedAt).to_owned(),
            uuid_null(Conversations::TransferToId).to_owned(),
            string_len_null(Conversations::TransferToName, 255).to_owned(),
            string_len_null(Conversations::TransferByName, 255).to_owned(),
            text_null(Conversations::TransferNote).to_owned(),
            uuid_null(Conversations::MergedIntoId).to_owned(),
        ];
        for mut column in conversations {
            manager
                .alter_table(Table::alter().table(Conversations::Table).add_column(&mut column).to_owned())
                .await?;
        }
        // Conversations waiting for a person now joined the queue when they last changed.
        manager
            .exec_stmt(
                Query::update()
                    .table(Conversations::Table)
                    .value(Conversations::QueuedAt, Expr::col(Conversations::UpdatedAt))
                    .and_where(Expr::col(Conversations::Status).eq("escalated"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_org_queue")
                    .table(Conversations::Table)
                    .col(Conversations::OrganizationId)
                    .col(Conversations::Status)
                    .col(Conversations::QueuedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("idx_conversations_org_queue").table(Conversations::Table).to_owned(),
            )
            .await?;
        for column in [
            Conversations::QueuedAt,
            Conversations::TransferToId,
            Conversations::TransferToName,
            Conversations::TransferByName,
            Conversations::TransferNote,
            Conversations::MergedIntoId,
        ] {
            manager
                .alter_table(Table::alter().table(Conversations::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organizations::AssignmentMode)
                    .to_owned(),
            )
            .await?;
        for column in [Users::Availability, Users::MaxConversations, Users::LastAssignedAt] {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Availability,
    MaxConversations,
    LastAssignedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    AssignmentMode,
}

#[derive(DeriveIden, Clone, Copy)]
enum Conversations {
    Table,
    OrganizationId,
    Status,
    UpdatedAt,
    QueuedAt,
    TransferToId,
    TransferToName,
    TransferByName,
    TransferNote,
    MergedIntoId,
}
