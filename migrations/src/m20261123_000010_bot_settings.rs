//! A bot's settings (widget look, business hours, pre-chat form, behaviour) as one JSON
//! document (`app::bot_settings::BotSettings`; `{}` reads as the defaults), and the email a
//! visitor gives in the pre-chat or offline form.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut settings = text(Bots::Settings).default("{}").to_owned();
        manager.alter_table(Table::alter().table(Bots::Table).add_column(&mut settings).to_owned()).await?;
        let mut email = string_len_null(Conversations::VisitorEmail, 254);
        manager
            .alter_table(Table::alter().table(Conversations::Table).add_column(&mut email).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Bots::Table).drop_column(Bots::Settings).to_owned()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .drop_column(Conversations::VisitorEmail)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Settings,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    VisitorEmail,
}
