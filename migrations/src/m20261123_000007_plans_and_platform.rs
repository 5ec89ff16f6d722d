//! Plans and the platform around tenants: the plan catalog (seeded from `seed/plans.json`),
//! workspace usage pools, wallet and billing dates; organization status, overrides and security
//! rules; user profile, MFA and admin fields; encrypted integration credentials.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PLANS: &str = include_str!("../seed/plans.json");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .if_not_exists()
                    .col(string_len(Plans::Id, 40).primary_key())
                    .col(string_len(Plans::Name, 100))
                    .col(text(Plans::Description))
                    .col(big_integer_null(Plans::MonthlyPriceCents))
                    .col(integer(Plans::Position))
                    .col(big_integer_null(Plans::WidgetLoads))
                    .col(big_integer_null(Plans::Messages))
                    .col(big_integer_null(Plans::ApiCalls))
                    .col(big_integer_null(Plans::OverageWidgetLoadsMicros))
                    .col(big_integer_null(Plans::OverageMessagesMicros))
                    .col(big_integer_null(Plans::OverageApiCallsMicros))
                    .col(integer_null(Plans::MaxChatbots))
                    .col(integer_null(Plans::MaxFileUploads))
                    .col(integer_null(Plans::MaxFileSizeMb))
                    .col(integer_null(Plans::MaxWebsiteSources))
                    .col(integer_null(Plans::MaxTextSources))
                    .col(integer_null(Plans::HistoryDays))
                    .col(text(Plans::AllowedAiProviders))
                    .col(boolean(Plans::ApiAccess))
                    .col(boolean(Plans::CustomBranding))
                    .col(string_len(Plans::AnalyticsLevel, 20))
                    .col(string_len(Plans::SupportLevel, 20))
                    .col(text(Plans::Features))
                    .col(boolean(Plans::IsActive))
                    .to_owned(),
            )
            .await?;
        seed_plans(manager).await?;

        add_columns(
            manager,
            Workspaces::Table,
            vec![
                big_integer(Workspaces::WidgetLoadsUsed).default(0).to_owned(),
                big_integer(Workspaces::MessagesUsed).default(0).to_owned(),
                big_integer(Workspaces::ApiCallsUsed).default(0).to_owned(),
                big_integer(Workspaces::WalletCreditsCents).default(0).to_owned(),
                string_len(Workspaces::BillingCycle, 20).default("monthly").to_owned(),
                // SQLite cannot add a column whose default is not a constant: set on creation.
                timestamp_with_time_zone_null(Workspaces::PeriodStart),
                timestamp_with_time_zone_null(Workspaces::NextBillingAt),
                text(Workspaces::Description).default("").to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Organizations::Table,
            vec![
                string_len(Organizations::Status, 20).default("active").to_owned(),
                text_null(Organizations::SuspensionReason),
                timestamp_with_time_zone_null(Organizations::SuspendedUntil),
                text(Organizations::Tags).default("[]").to_owned(),
                text_null(Organizations::AdminNotes),
                integer_null(Organizations::CustomMaxChatbots),
                big_integer_null(Organizations::CustomMaxMessages),
                integer_null(Organizations::CustomMaxFileUploads),
                boolean(Organizations::RequireMfa).default(false).to_owned(),
                integer_null(Organizations::SessionTimeoutMinutes),
                text(Organizations::IpAllowlist).default("").to_owned(),
                string_len_null(Organizations::LogoPath, 200),
            ],
        )
        .await?;
        add_columns(
            manager,
            Users::Table,
            vec![
                string_len_null(Users::Phone, 40),
                text_null(Users::Bio),
                string_len_null(Users::AvatarUrl, 500),
                string_len_null(Users::JobTitle, 100),
                text(Users::NotificationPrefs).default("{}").to_owned(),
                text_null(Users::SuspensionReason),
                timestamp_with_time_zone_null(Users::SuspendedUntil),
                text(Users::Tags).default("[]").to_owned(),
                text_null(Users::AdminNotes),
                integer(Users::LoginCount).default(0).to_owned(),
                string_len_null(Users::LastIp, 64),
                text_null(Users::MfaSecret),
                timestamp_with_time_zone_null(Users::MfaEnabledAt),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IntegrationCredentials::Table)
                    .if_not_exists()
                    .col(uuid(IntegrationCredentials::Id).primary_key())
                    .col(uuid(IntegrationCredentials::OrganizationId))
                    .col(string_len(IntegrationCredentials::Provider, 40))
                    .col(string_len(IntegrationCredentials::Label, 100))
                    .col(text(IntegrationCredentials::Ciphertext))
                    .col(string_len(IntegrationCredentials::Hint, 20))
                    .col(uuid_null(IntegrationCredentials::CreatedBy))
                    .col(timestamp_with_time_zone(IntegrationCredentials::CreatedAt))
                    .col(timestamp_with_time_zone(IntegrationCredentials::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IntegrationCredentials::Table, IntegrationCredentials::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_integration_credentials_org")
                    .table(IntegrationCredentials::Table)
                    .col(IntegrationCredentials::OrganizationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [IntegrationCredentials::Table.into_iden(), Plans::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

/// One column per statement: SQLite adds a single column per ALTER TABLE.
async fn add_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Clone,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for mut column in columns {
        manager.alter_table(Table::alter().table(table.clone()).add_column(&mut column).to_owned()).await?;
    }
    Ok(())
}

async fn seed_plans(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let catalog: serde_json::Value =
        serde_json::from_str(PLANS).map_err(|e| DbErr::Migration(format!("seed/plans.json: {e}")))?;
    let plans =
        catalog["plans"].as_array().ok_or_else(|| DbErr::Migration("seed/plans.json: no plans".into()))?;
    let int = |plan: &serde_json::Value, key: &str| -> SimpleExpr {
        match plan[key].as_i64() {
            Some(n) => n.into(),
            None => Expr::value(Option::<i64>::None),
        }
    };
    let text_of = |plan: &serde_json::Value, key: &str| -> SimpleExpr {
        match &plan[key] {
            serde_json::Value::String(s) => s.clone().into(),
            other => other.to_string().into(),
        }
    };
    for plan in plans {
        let mut insert = Query::insert();
        insert
            .into_table(Plans::Table)
            .columns([
                Plans::Id,
                Plans::Name,
                Plans::Description,
                Plans::MonthlyPriceCents,
                Plans::Position,
                Plans::WidgetLoads,
                Plans::Messages,
                Plans::ApiCalls,
                Plans::OverageWidgetLoadsMicros,
                Plans::OverageMessagesMicros,
                Plans::OverageApiCallsMicros,
                Plans::MaxChatbots,
                Plans::MaxFileUploads,
                Plans::MaxFileSizeMb,
                Plans::MaxWebsiteSources,
                Plans::MaxTextSources,
                Plans::HistoryDays,
                Plans::AllowedAiProviders,
                Plans::ApiAccess,
                Plans::CustomBranding,
                Plans::AnalyticsLevel,
                Plans::SupportLevel,
                Plans::Features,
                Plans::IsActive,
            ])
            .values([
                text_of(plan, "id"),
                text_of(plan, "name"),
                text_of(plan, "description"),
                int(plan, "monthly_price_cents"),
                int(plan, "position"),
                int(plan, "widget_loads"),
                int(plan, "messages"),
                int(plan, "api_calls"),
                int(plan, "overage_widget_loads_micros"),
                int(plan, "overage_messages_micros"),
                int(plan, "overage_api_calls_micros"),
                int(plan, "max_chatbots"),
                int(plan, "max_file_uploads"),
                int(plan, "max_file_size_mb"),
                int(plan, "max_website_sources"),
                int(plan, "max_text_sources"),
                int(plan, "history_days"),
                text_of(plan, "allowed_ai_providers"),
                plan["api_access"].as_bool().unwrap_or(false).into(),
                plan["custom_branding"].as_bool().unwrap_or(false).into(),
                text_of(plan, "analytics_level"),
                text_of(plan, "support_level"),
                text_of(plan, "features"),
                true.into(),
            ])
            .map_err(|e| DbErr::Migration(format!("seed/plans.json: {e}")))?;
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    Name,
    Description,
    MonthlyPriceCents,
    Position,
    WidgetLoads,
    Messages,
    ApiCalls,
    OverageWidgetLoadsMicros,
    OverageMessagesMicros,
    OverageApiCallsMicros,
    MaxChatbots,
    MaxFileUploads,
    MaxFileSizeMb,
    MaxWebsiteSources,
    MaxTextSources,
    HistoryDays,
    AllowedAiProviders,
    ApiAccess,
    CustomBranding,
    AnalyticsLevel,
    SupportLevel,
    Features,
    IsActive,
}

#[derive(DeriveIden, Clone)]
enum Workspaces {
    Table,
    WidgetLoadsUsed,
    MessagesUsed,
    ApiCallsUsed,
    WalletCreditsCents,
    BillingCycle,
    PeriodStart,
    NextBillingAt,
    Description,
}

#[derive(DeriveIden, Clone)]
enum Organizations {
    Table,
    Id,
    Status,
    SuspensionReason,
    SuspendedUntil,
    Tags,
    AdminNotes,
    CustomMaxChatbots,
    CustomMaxMessages,
    CustomMaxFileUploads,
    RequireMfa,
    SessionTimeoutMinutes,
    IpAllowlist,
    LogoPath,
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    Phone,
    Bio,
    AvatarUrl,
    JobTitle,
    NotificationPrefs,
    SuspensionReason,
    SuspendedUntil,
    Tags,
    AdminNotes,
    LoginCount,
    LastIp,
    MfaSecret,
    MfaEnabledAt,
}

#[derive(DeriveIden)]
enum IntegrationCredentials {
    Table,
    Id,
    OrganizationId,
    Provider,
    Label,
    Ciphertext,
    Hint,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}
