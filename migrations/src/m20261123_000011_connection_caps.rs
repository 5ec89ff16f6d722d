//! Concurrent widget connections per workspace, by plan (PRD §5.3.2: "maximum 1000 concurrent
//! WebSocket connections per workspace, scales with plan"). `NULL` is unlimited.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Plan id → cap. Growth is the PRD's 1000; the others scale with the plan's size.
const CAPS: [(&str, Option<i32>); 6] = [
    ("free", Some(50)),
    ("starter", Some(250)),
    ("basic", Some(500)),
    ("growth", Some(1_000)),
    ("premium", Some(5_000)),
    ("enterprise", None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut column = integer_null(Plans::MaxConcurrentConnections);
        manager.alter_table(Table::alter().table(Plans::Table).add_column(&mut column).to_owned()).await?;
        for (plan, cap) in CAPS {
            manager
                .exec_stmt(
                    Query::update()
                        .table(Plans::Table)
                        .value(Plans::MaxConcurrentConnections, cap)
                        .and_where(Expr::col(Plans::Id).eq(plan))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Plans::Table).drop_column(Plans::MaxConcurrentConnections).to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    MaxConcurrentConnections,
}
