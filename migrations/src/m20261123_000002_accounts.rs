//! Accounts: users (team members of an organization), their dashboard sessions, and the login
//! history that also feeds the login rate limit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(uuid(Users::Id).primary_key())
                    .col(uuid(Users::OrganizationId))
                    .col(string_len(Users::Name, 200))
                    // Stored lower-cased: one account per address, whatever the case typed.
                    .col(string_len_uniq(Users::Email, 254))
                    .col(text_null(Users::PasswordHash))
                    .col(string_len(Users::Role, 20))
                    .col(string_len(Users::Status, 20))
                    .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .col(timestamp_with_time_zone_null(Users::LastActiveAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_org")
                    .table(Users::Table)
                    .col(Users::OrganizationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    .col(uuid(Sessions::Id).primary_key())
                    .col(uuid(Sessions::UserId))
                    .col(uuid(Sessions::OrganizationId))
                    // SHA-256 of the cookie's token: a stolen table yields no usable session.
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(string_len_null(Sessions::Ip, 64))
                    .col(text_null(Sessions::UserAgent))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginHistory::Table)
                    .if_not_exists()
                    .col(uuid(LoginHistory::Id).primary_key())
                    .col(uuid_null(LoginHistory::UserId))
                    .col(uuid_null(LoginHistory::OrganizationId))
                    .col(string_len(LoginHistory::Email, 254))
                    .col(string_len_null(LoginHistory::Ip, 64))
                    .col(text_null(LoginHistory::UserAgent))
                    .col(boolean(LoginHistory::Success))
                    .col(string_len_null(LoginHistory::Reason, 50))
                    .col(timestamp_with_time_zone(LoginHistory::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in
            [("idx_login_history_email", LoginHistory::Email), ("idx_login_history_ip", LoginHistory::Ip)]
        {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginHistory::Table)
                        .col(col)
                        .col(LoginHistory::CreatedAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [LoginHistory::Table.into_iden(), Sessions::Table.into_iden(), Users::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    OrganizationId,
    Name,
    Email,
    PasswordHash,
    Role,
    Status,
    EmailVerifiedAt,
    LastActiveAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    OrganizationId,
    TokenHash,
    Ip,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginHistory {
    Table,
    Id,
    UserId,
    OrganizationId,
    Email,
    Ip,
    UserAgent,
    Success,
    Reason,
    CreatedAt,
}
