//! What the inbox filters on (issue "The agent inbox"): `conversations.sentiment`, the mood of
//! the visitor's latest message (`messages.sentiment`), kept on the row so the list filters
//! without reading messages; existing rows take it from their latest visitor message. And an
//! index for the views an agent opens all day (an organization's conversations in one status,
//! by last activity).

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
                    .add_column(string_len_null(Conversations::Sentiment, 20))
                    .to_owned(),
            )
            .await?;
        let latest = Query::select()
            .column((Messages::Table, Messages::Sentiment))
            .from(Messages::Table)
            .and_where(
                Expr::col((Messages::Table, Messages::ConversationId))
                    .equals((Conversations::Table, Conversations::Id)),
            )
            .and_where(Expr::col((Messages::Table, Messages::SenderKind)).eq("visitor"))
            .and_where(Expr::col((Messages::Table, Messages::Sentiment)).is_not_null())
            .order_by((Messages::Table, Messages::Seq), Order::Desc)
            .limit(1)
            .to_owned();
        manager
            .exec_stmt(
                Query::update()
                    .table(Conversations::Table)
                    .value(
                        Conversations::Sentiment,
                        SimpleExpr::SubQuery(None, Box::new(latest.into_sub_query_statement())),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_org_status_activity")
                    .table(Conversations::Table)
                    .col(Conversations::OrganizationId)
                    .col(Conversations::Status)
                    .col(Conversations::LastActivityAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_conversations_org_status_activity")
                    .table(Conversations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Conversations::Table).drop_column(Conversations::Sentiment).to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Conversations {
    Table,
    Id,
    OrganizationId,
    Status,
    LastActivityAt,
    Sentiment,
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    ConversationId,
    SenderKind,
    Sentiment,
    Seq,
}
