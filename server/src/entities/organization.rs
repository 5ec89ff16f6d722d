use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub created_at: DateTimeUtc,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub company_size: Option<String>,
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
    /// `active`, `suspended` (until `suspended_until`) or `banned`; set by platform admins.
    pub status: String,
    pub suspension_reason: Option<String>,
    pub suspended_until: Option<DateTimeUtc>,
    /// JSON array of platform-admin tags.
    pub tags: String,
    pub admin_notes: Option<String>,
    /// Platform-admin overrides of the plan's limits.
    pub custom_max_chatbots: Option<i32>,
    pub custom_max_messages: Option<i64>,
    pub custom_max_file_uploads: Option<i32>,
    /// Security rules (Settings → Security).
    pub require_mfa: bool,
    pub session_timeout_minutes: Option<i32>,
    /// One IP address or CIDR range per line; empty allows every address.
    #[sea_orm(column_type = "Text")]
    pub ip_allowlist: String,
    pub logo_path: Option<String>,
    /// How escalated conversations find an agent: `manual`, `round_robin` or `least_loaded`.
    pub assignment_mode: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
