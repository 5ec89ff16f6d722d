//! What the answer engine knew when the bot answered (`messages.answer`, JSON): the sources it
//! cited, its confidence, how it decided (answered, with a caveat, declined, handed over and
//! why), which answerer and how long retrieval and generation took. `NULL` for everything a
//! person wrote and for the bot's greeting and fallback texts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut column = text_null(Messages::Answer);
        manager.alter_table(Table::alter().table(Messages::Table).add_column(&mut column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Messages::Table).drop_column(Messages::Answer).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Answer,
}
