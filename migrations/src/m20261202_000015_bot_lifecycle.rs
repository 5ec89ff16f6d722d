//! A bot's life: its personality (`professional`, `friendly`, `casual`), archiving (a soft
//! delete: `archived_at` set, restorable), and its configuration's version history —
//! `bots.version` counts changes, `bot_versions` keeps each version's whole configuration
//! (name, texts, personality and settings as JSON) with who made it and when, so a change can
//! be compared with the one before and an earlier version restored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            string_len(Bots::Personality, 20).default("professional").to_owned(),
            timestamp_with_time_zone_null(Bots::ArchivedAt).to_owned(),
            integer(Bots::Version).default(1).to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Bots::Table).add_column(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(BotVersions::Table)
                    .if_not_exists()
                    .col(uuid(BotVersions::Id).primary_key())
                    .col(uuid(BotVersions::BotId))
                    .col(uuid(BotVersions::OrganizationId))
                    .col(integer(BotVersions::Version))
                    .col(text(BotVersions::Config))
                    .col(uuid_null(BotVersions::ChangedBy))
                    .col(string_len(BotVersions::Summary, 200))
                    .col(timestamp_with_time_zone(BotVersions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_bot_versions_bot_version")
                    .table(BotVersions::Table)
                    .col(BotVersions::BotId)
                    .col(BotVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BotVersions::Table).if_exists().to_owned()).await?;
        for column in [Bots::Version, Bots::ArchivedAt, Bots::Personality] {
            manager.alter_table(Table::alter().table(Bots::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Personality,
    ArchivedAt,
    Version,
}

#[derive(DeriveIden)]
enum BotVersions {
    Table,
    Id,
    BotId,
    OrganizationId,
    Version,
    Config,
    ChangedBy,
    Summary,
    CreatedAt,
}
