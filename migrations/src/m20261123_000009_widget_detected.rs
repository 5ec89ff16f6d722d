//! Where a bot's widget was last seen installed (the loader's "widget detected" ping, PRD story
//! 2.1): the host page's origin and when.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for column in [
            string_len_null(Bots::InstalledOrigin, 300),
            timestamp_with_time_zone_null(Bots::InstalledSeenAt),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(Bots::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Bots::InstalledOrigin, Bots::InstalledSeenAt] {
            manager.alter_table(Table::alter().table(Bots::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    InstalledOrigin,
    InstalledSeenAt,
}
