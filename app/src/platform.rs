//! The platform operator's view (super admin, seed 001 admin features): every organization
//! and user, their standing (suspend or ban with a reason and an end date), limit overrides,
//! tags and notes, and each user's login history and activity.

use serde::{Deserialize, Serialize};

use crate::auth::{AuditEntryView, Role};

/// Rows per page of the admin lists.
pub const ADMIN_PAGE_SIZE: u64 = 25;

/// Statuses a platform admin sets.
pub const STANDINGS: [&str; 3] = ["active", "suspended", "banned"];

/// Search, filter and page of an admin list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct AdminQuery {
    /// Part of a name, slug or email address.
    pub q: Option<String>,
    /// `active`, `suspended` or `banned` (users also `invited`, `deactivated`).
    pub status: Option<String>,
    /// 1-based.
    pub page: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminOrganization {
    pub id: uuid::Uuid,
    pub name: String,
    pub slug: String,
    pub status: String,
    pub suspension_reason: Option<String>,
    pub suspended_until: Option<String>,
    pub tags: Vec<String>,
    pub admin_notes: Option<String>,
    pub custom_max_chatbots: Option<i32>,
    pub custom_max_messages: Option<i64>,
    pub custom_max_file_uploads: Option<i32>,
    /// The plans of its workspaces.
    pub plans: Vec<String>,
    pub members: u64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUser {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub organization_id: uuid::Uuid,
    pub organization_name: String,
    pub role: Role,
    pub status: String,
    pub suspension_reason: Option<String>,
    pub suspended_until: Option<String>,
    pub tags: Vec<String>,
    pub admin_notes: Option<String>,
    pub login_count: i32,
    pub last_ip: Option<String>,
    pub last_active_at: Option<String>,
    pub mfa_enabled: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A change a platform admin makes to an organization or a user. Absent fields stay; an empty
/// string clears an optional text; `clear_overrides` removes every limit override.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StandingPatch {
    /// `active`, `suspended` or `banned`.
    pub status: Option<String>,
    /// Required when suspending or banning.
    pub reason: Option<String>,
    /// RFC 3339 or `YYYY-MM-DD`; a suspension without one lasts until lifted.
    pub suspended_until: Option<String>,
    pub tags: Option<Vec<String>>,
    pub admin_notes: Option<String>,
    /// Organizations only: overrides of the plan's limits (`-1` removes one).
    pub custom_max_chatbots: Option<i32>,
    pub custom_max_messages: Option<i64>,
    pub custom_max_file_uploads: Option<i32>,
}

/// One sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginEntry {
    pub success: bool,
    /// Why it failed: `bad_credentials`, `suspended`, `inactive`, `ip_not_allowed`…
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: String,
}

/// A user's recent sign-ins and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserActivity {
    pub user: AdminUser,
    pub logins: Vec<LoginEntry>,
    pub actions: Vec<AuditEntryView>,
}
