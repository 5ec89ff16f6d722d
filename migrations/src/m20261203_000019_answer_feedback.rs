//! What people said of the bot's answers (`messages`): the visitor's thumbs (`helpful`, true
//! up, false down) and a teammate's review (`verdict`, "correct" / "incorrect", by
//! `reviewed_by`). `NULL` until someone says; the knowledge-gaps report reads them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in
            [boolean_null(Messages::Helpful), string_null(Messages::Verdict), uuid_null(Messages::ReviewedBy)]
        {
            let mut column = column;
            manager
                .alter_table(Table::alter().table(Messages::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Messages::ReviewedBy, Messages::Verdict, Messages::Helpful] {
            manager.alter_table(Table::alter().table(Messages::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    Helpful,
    Verdict,
    ReviewedBy,
}
