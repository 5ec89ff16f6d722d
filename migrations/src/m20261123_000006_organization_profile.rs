//! The organization's profile (PRD story 1.1): website, industry, size, brand colours.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for column in [
            string_len_null(Organizations::Website, 300),
            string_len_null(Organizations::Industry, 100),
            string_len_null(Organizations::CompanySize, 20),
            string_len_null(Organizations::PrimaryColor, 7),
            string_len_null(Organizations::SecondaryColor, 7),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table(Organizations::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Organizations::Website,
            Organizations::Industry,
            Organizations::CompanySize,
            Organizations::PrimaryColor,
            Organizations::SecondaryColor,
        ] {
            manager
                .alter_table(Table::alter().table(Organizations::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Website,
    Industry,
    CompanySize,
    PrimaryColor,
    SecondaryColor,
}
