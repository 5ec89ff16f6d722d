//! What a visitor's message says of its writer (PRD §5.5.4, §5.5.5, the PRD schema's
//! `messages` columns): `intent` with `intent_confidence`, `sentiment` with `sentiment_score`
//! (−1 … 1). `NULL` on the messages of others and on visitor messages stored before this.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for mut column in [
            string_len_null(Messages::Intent, 50),
            float_null(Messages::IntentConfidence),
            string_len_null(Messages::Sentiment, 20),
            float_null(Messages::SentimentScore),
        ] {
            manager
                .alter_table(Table::alter().table(Messages::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in
            [Messages::SentimentScore, Messages::Sentiment, Messages::IntentConfidence, Messages::Intent]
        {
            manager.alter_table(Table::alter().table(Messages::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    Intent,
    IntentConfidence,
    Sentiment,
    SentimentScore,
}
