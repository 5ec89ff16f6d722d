//! Roles and permissions: the PRD §5.1.2 matrix, in one place. The server checks every action
//! with [`Role::can`]; pages use the same function to show only what a person may do.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::ids::OrganizationId;

/// A team member's role in their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Role {
    Owner,
    Admin,
    Agent,
    Viewer,
}

/// Something a person may or may not do (PRD §5.1.2 rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ManageBilling,
    CreateDeleteChatbots,
    EditChatbotSettings,
    InviteRemoveTeam,
    ViewConversations,
    RespondToConversations,
    /// Reading a bot's knowledge: its sources and the knowledge search (owners, admins, agents).
    ViewKnowledge,
    /// Adding, changing and deleting knowledge (owners and admins). The PRD's matrix lets
    /// agents "Upload Knowledge Base"; the knowledge issue narrows it — agents read what the
    /// bot knows, owners and admins decide it (ARCHITECTURE.md "Knowledge").
    ManageKnowledge,
    ViewAnalytics,
    ExportData,
    ApiAccess,
    /// Not a row of the PRD table: reading the audit log goes with managing the team and
    /// settings (owners and admins).
    ViewAuditLog,
    /// The PRD's "Admin: manage team, chatbots, settings": the organization's profile and
    /// settings (owners and admins).
    ManageSettings,
    /// Not a row of the PRD table: giving conversations to teammates, forcing a transfer,
    /// setting capacities and the routing mode (owners and admins; agents take and hand over
    /// their own).
    AssignConversations,
}

impl Role {
    pub const ALL: [Self; 4] = [Self::Owner, Self::Admin, Self::Agent, Self::Viewer];

    /// The permission matrix.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Owner => true,
            Self::Admin => !matches!(permission, ManageBilling),
            Self::Agent => matches!(
                permission,
                EditChatbotSettings
                    | ViewConversations
                    | RespondToConversations
                    | ViewKnowledge
                    | ViewAnalytics
            ),
            Self::Viewer => matches!(permission, ViewConversations | ViewAnalytics),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Agent => "agent",
            Self::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Agent => "Agent",
            Self::Viewer => "Viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::names::by_name!(@decode Role);

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown role `{s}`"))
    }
}

/// Where an account or an organization stands, as stored (`users.status`,
/// `organizations.status`). Organizations are only active, suspended or banned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    Active,
    /// Invited, the invitation not accepted yet (users only).
    Invited,
    Suspended,
    Banned,
    /// Switched off by their organization's admins (users only).
    Deactivated,
}

impl Standing {
    pub const ALL: [Standing; 5] =
        [Standing::Active, Standing::Invited, Standing::Suspended, Standing::Banned, Standing::Deactivated];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Invited => "invited",
            Standing::Suspended => "suspended",
            Standing::Banned => "banned",
            Standing::Deactivated => "deactivated",
        }
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Standing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown standing `{s}`"))
    }
}

/// The signed-in person, as pages and API clients see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: uuid::Uuid,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub email_verified: bool,
    /// Two-factor sign-in is on for this user.
    #[serde(default)]
    pub mfa_enabled: bool,
    /// A platform operator (super admin), named in the server's configuration.
    #[serde(default)]
    pub platform_admin: bool,
}

/// A member of the team as the Team page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// `active`, `invited` or `deactivated`.
    pub status: String,
    /// RFC 3339, if they ever signed in.
    pub last_active_at: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub avatar_url: Option<String>,
    /// RFC 3339: when they joined (or were invited).
    pub joined_at: String,
}

/// Search, filters and page of the team list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct TeamQuery {
    /// Part of a name or email address.
    pub q: Option<String>,
    pub role: Option<Role>,
    /// `active`, `invited` or `deactivated`.
    pub status: Option<String>,
    /// 1-based.
    pub page: Option<u64>,
}

/// One page of the team list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamListing {
    pub members: Vec<TeamMember>,
    /// Members matching the query, on all pages.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// One of the signed-in user's sessions (Profile page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: uuid::Uuid,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: String,
    pub last_seen_at: String,
    /// The session this request came with.
    pub current: bool,
}

/// One audit-log entry as the Audit page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    pub id: uuid::Uuid,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// JSON of the state before and after, when the action changed something.
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: String,
}

/// A demo account the login page offers (demo organization only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// The ways of signing in this server offers besides email and password (the login page).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// "Sign in with Google" (`/auth/google`) is configured.
    pub google: bool,
}

/// Why a browser sign-in through another provider ended on /login: the `error` query
/// parameter. Only these codes are shown, in the words below, so a crafted link cannot put
/// its own text on the login page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    /// The person cancelled at the provider, or the provider refused.
    Cancelled,
    /// The flow cookie is missing, expired or does not match the `state` that came back.
    Expired,
    /// The provider could not be reached, or what it answered did not check out.
    Failed,
    /// The provider has not verified the address.
    EmailNotVerified,
    /// The account exists but is deactivated or still an open invitation.
    AccountInactive,
}

impl SignInProblem {
    pub const ALL: [Self; 5] =
        [Self::Cancelled, Self::Expired, Self::Failed, Self::EmailNotVerified, Self::AccountInactive];

    pub fn code(self) -> &'static str {
        match self {
            Self::Cancelled => "google_cancelled",
            Self::Expired => "google_expired",
            Self::Failed => "google_failed",
            Self::EmailNotVerified => "google_email_not_verified",
            Self::AccountInactive => "account_inactive",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|problem| problem.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Cancelled => "Signing in with Google was cancelled.",
            Self::Expired => {
                "The Google sign-in took too long or was started in another browser. Please try again."
            }
            Self::Failed => {
                "Signing in with Google did not work this time. Please try again, or sign in with your password."
            }
            Self::EmailNotVerified => {
                "Google has not verified this email address, so it cannot be used to sign in here."
            }
            Self::AccountInactive => {
                "This account is not active. If you were invited, accept the invitation from the mail first; \
                 otherwise ask an owner or admin of your organization."
            }
        }
    }
}

/// The signed-in user's own profile (Profile page; `GET/PATCH /api/v1/profile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileView {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub notifications: NotificationPrefs,
    pub mfa_enabled: bool,
    /// The organization requires two-factor sign-in (and this user has not set it up yet when
    /// `mfa_enabled` is false).
    pub mfa_required: bool,
}

/// What a person wants to be told about, by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NotificationPrefs {
    /// A visitor starts a conversation.
    pub new_conversation: bool,
    /// A conversation is handed to a human.
    pub escalation: bool,
    /// A weekly summary of the bots' results.
    pub weekly_report: bool,
    /// Someone signs in to this account from a new device.
    pub security_alerts: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        Self { new_conversation: false, escalation: true, weekly_report: true, security_alerts: true }
    }
}

/// The organization's security rules (Settings → Security; owners and admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecuritySettings {
    /// Every member must sign in with a second factor.
    pub require_mfa: bool,
    /// Sessions idle this long end; `None` keeps them for 30 days.
    pub session_timeout_minutes: Option<i32>,
    /// IP addresses or CIDR ranges allowed to use the dashboard and API; empty allows all.
    pub ip_allowlist: Vec<String>,
}

/// Idle timeouts offered in Settings → Security, in minutes.
pub const SESSION_TIMEOUTS: [i32; 6] = [15, 30, 60, 240, 480, 1440];

/// A started two-factor enrolment: the secret to put in an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MfaSetup {
    /// Base32, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

#[cfg(test)]
mod tests {
    use super::{Permission::*, Role::*};

    #[test]
    fn the_matrix_matches_the_prd_row_by_row() {
        let rows = [
            (ManageBilling, [true, false, false, false]),
            (CreateDeleteChatbots, [true, true, false, false]),
            (EditChatbotSettings, [true, true, true, false]),
            (InviteRemoveTeam, [true, true, false, false]),
            (ViewConversations, [true, true, true, true]),
            (RespondToConversations, [true, true, true, false]),
            (ViewKnowledge, [true, true, true, false]),
            (ManageKnowledge, [true, true, false, false]),
            (ViewAnalytics, [true, true, true, true]),
            (ExportData, [true, true, false, false]),
            (ApiAccess, [true, true, false, false]),
            (ViewAuditLog, [true, true, false, false]),
            (ManageSettings, [true, true, false, false]),
            (AssignConversations, [true, true, false, false]),
        ];
        for (permission, allowed) in rows {
            for (role, expected) in [Owner, Admin, Agent, Viewer].into_iter().zip(allowed) {
                assert_eq!(role.can(permission), expected, "{role} / {permission:?}");
            }
        }
    }

    #[test]
    fn sign_in_problems_round_trip_through_their_codes_and_nothing_else_parses() {
        for problem in super::SignInProblem::ALL {
            assert_eq!(super::SignInProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(super::SignInProblem::from_code("<script>alert(1)</script>"), None);
    }
}
