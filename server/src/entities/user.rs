use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub password_hash: Option<String>,
    pub role: String,
    /// `active`, `invited`, `deactivated` (by their organization), `suspended` or `banned`
    /// (by a platform admin).
    pub status: String,
    pub email_verified_at: Option<DateTimeUtc>,
    pub last_active_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub phone: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub job_title: Option<String>,
    /// JSON object of notification switches (`app::auth::NotificationPrefs`).
    #[sea_orm(column_type = "Text")]
    pub notification_prefs: String,
    pub suspension_reason: Option<String>,
    pub suspended_until: Option<DateTimeUtc>,
    /// JSON array of platform-admin tags.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub admin_notes: Option<String>,
    pub login_count: i32,
    pub last_ip: Option<String>,
    /// The TOTP secret, encrypted (`crate::secrets`); set once enrolment starts.
    pub mfa_secret: Option<String>,
    /// When the user confirmed a code; MFA is on from then.
    pub mfa_enabled_at: Option<DateTimeUtc>,
    /// `online` or `away`: the teammate's own switch for taking conversations (offline is
    /// having no dashboard open; see the conversations feature's assignment).
    pub availability: String,
    /// How many open conversations routing gives them at once.
    pub max_conversations: i32,
    /// When routing last gave them a conversation (round-robin takes the longest idle).
    pub last_assigned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
