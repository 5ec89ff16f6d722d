//! The team: inviting people into an organization with a role, accepting an invitation, and
//! listing members. Only roles with `InviteRemoveTeam` may list or invite; nobody can invite an
//! owner, and every query is scoped by the inviter's organization.

use app::{
    ApiError,
    auth::{Permission, Role, Standing, TeamListing, TeamMember, TeamQuery, UserView},
    ssr::Viewer,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Func},
};
use uuid::Uuid;

use super::{AccountService, TokenPurpose, password};
use crate::shared::{
    ClientInfo,
    input::{EmailAddress, NewPassword},
    stored,
};
use crate::{
    audit::{self, AuditEntry},
    entities::{session, user},
    error::{Result, conflict_on_unique},
    mail::Mail,
};

/// Members per page of the team list.
pub const TEAM_PAGE_SIZE: u64 = 25;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

impl AccountService {
    #[tracing::instrument(skip(self))]
    pub async fn team(&self, viewer: &Viewer, query: TeamQuery) -> Result<TeamListing> {
        viewer.require(Permission::InviteRemoveTeam)?;
        self.members(viewer, query).await
    }

    /// The Users page's directory: active members, for anyone in the organization.
    pub async fn directory(&self, viewer: &Viewer, query: TeamQuery) -> Result<TeamListing> {
        viewer.require(Permission::ViewConversations)?;
        self.members(viewer, TeamQuery { status: Some("active".into()), ..query }).await
    }

    async fn members(&self, viewer: &Viewer, query: TeamQuery) -> Result<TeamListing> {
        let mut find = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
            .order_by_asc(user::Column::CreatedAt)
            .order_by_asc(user::Column::Id);
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = crate::db::contains_pattern(q)?;
            find = find.filter(
                Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.as_str()))
                    .add(Expr::col(user::Column::Email).like(pattern.as_str())),
            );
        }
        if let Some(role) = query.role {
            find = find.filter(user::Column::Role.eq(role.as_str()));
        }
        if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
            find = find.filter(user::Column::Status.eq(status));
        }
        let page = Ord::max(query.page.unwrap_or(1), 1);
        let paginator = find.paginate(&self.db, TEAM_PAGE_SIZE);
        let total = paginator.num_items().await?;
        let members = paginator.fetch_page(page - 1).await?;
        Ok(TeamListing {
            members: members.into_iter().map(team_member).collect::<Result<_>>()?,
            total,
            page,
            per_page: TEAM_PAGE_SIZE,
        })
    }

    #[tracing::instrument(skip(self))]
    pub async fn invite(
        &self,
        viewer: &Viewer,
        email: EmailAddress,
        role: Role,
        client: &ClientInfo,
    ) -> Result<TeamMember> {
        viewer.require(Permission::InviteRemoveTeam)?;
        if role == Role::Owner {
            return Err(ApiError::validation("role", "Invite people as admin, agent or viewer.").into());
        }
        let taken =
            user::Entity::find().filter(user::Column::Email.eq(email.as_str())).count(&self.db).await? > 0;
        if taken {
            return Err(ApiError::Conflict {
                message: "Someone with this email already has an account.".into(),
            }
            .into());
        }
        let inviter =
            user::Entity::find_by_id(viewer.user_id).one(&self.db).await?.ok_or(ApiError::Unauthenticated)?;
        let now = Utc::now();
        let invited = user::Entity::insert(user::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(viewer.organization_id.0),
            // Until they accept and say otherwise, their name is their address.
            name: Set(email.as_str().to_owned()),
            email: Set(email.as_str().to_owned()),
            password_hash: Set(None),
            role: Set(role.as_str().to_owned()),
            status: Set(Standing::Invited.as_str().into()),
            email_verified_at: Set(None),
            last_active_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&self.db)
        .await
        .map_err(|e| conflict_on_unique(e, "Someone with this email already has an account."))?;
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: viewer.organization_id.0,
                actor: Some((inviter.id, inviter.name.clone())),
                action: "team.invited",
                target_type: "user",
                target_id: Some(invited.id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "email": invited.email, "role": invited.role })),
                client,
            },
        )
        .await?;
        let token =
            self.issue_token(invited.id, TokenPurpose::Invitation, Duration::days(INVITATION_DAYS)).await?;
        let organization_name = self.organization_name(viewer.organization_id.0).await?;
        let link = format!("{}/accept-invite?token={token}", self.public_url);
        self.mailer
            .send(Mail {
                organization_id: Some(viewer.organization_id.0),
                to: invited.email.clone(),
                subject: format!("{} invited you to {organization_name} on ChatSupport", inviter.name),
                body: format!(
                    "Hi,\n\n{} invited you to join {organization_name} on ChatSupport as {}.\n\n\
                     Accept the invitation and choose your password here:\n\n{link}\n\n\
                     The link works once and expires in {INVITATION_DAYS} days.\n",
                    inviter.name,
                    role.label().to_lowercase()
                ),
                kind: "invitation",
            })
            .await?;
        team_member(invited)
    }

    /// Activates an invited member with their name and password.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: String,
        password: NewPassword,
        client: &ClientInfo,
    ) -> Result<UserView> {
        let hash = password::hash(password.as_str()).await?;
        let invited = self.consume_token(token, TokenPurpose::Invitation).await?;
        if stored::parse::<Standing>("users.status", &invited.status)? != Standing::Invited {
            return Err(
                ApiError::validation("token", "This invitation was already accepted or withdrawn.").into()
            );
        }
        let now = Utc::now();
        let mut active: user::ActiveModel = invited.into();
        active.name = Set(name);
        active.password_hash = Set(Some(hash));
        active.status = Set("active".into());
        // The invitation reached this mailbox: the address is proven.
        active.email_verified_at = Set(Some(now));
        let member = sea_orm::ActiveModelTrait::update(active, &self.db).await?;
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: member.organization_id,
                actor: Some((member.id, member.name.clone())),
                action: "team.joined",
                target_type: "user",
                target_id: Some(member.id.to_string()),
                before: Some(serde_json::json!({ "status": "invited" })),
                after: Some(serde_json::json!({ "status": "active", "name": member.name })),
                client,
            },
        )
        .await?;
        let organization_name = self.organization_name(member.organization_id).await?;
        self.user_view(member, organization_name)
    }

    /// Changes a member's role or status (`active` / `deactivated`). Nobody changes the owner
    /// or themselves; deactivating ends every session and API token of the member.
    #[tracing::instrument(skip(self, client))]
    pub async fn update_member(
        &self,
        viewer: &Viewer,
        member_id: Uuid,
        patch: MemberPatch,
        client: &ClientInfo,
    ) -> Result<TeamMember> {
        let (actor, member) = self.manageable_member(viewer, member_id).await?;
        let before = serde_json::json!({ "role": member.role, "status": member.status });
        let mut active: user::ActiveModel = member.clone().into();
        let mut action = None;
        if let Some(role) = patch.role {
            if role == Role::Owner {
                return Err(ApiError::validation("role", "A member can be admin, agent or viewer.").into());
            }
            active.role = Set(role.as_str().to_owned());
            action = Some("team.role_changed");
        }
        let mut deactivated = false;
        if let Some(raw) = patch.status.as_deref() {
            let current = stored::parse::<Standing>("users.status", &member.status)?;
            match (raw.parse::<Standing>(), current) {
                (Ok(Standing::Deactivated), Standing::Active) => {
                    action = Some("team.deactivated");
                    deactivated = true;
                }
                (Ok(Standing::Active), Standing::Deactivated) => action = Some("team.reactivated"),
                (Ok(wanted), current) if wanted == current => {}
                _ => {
                    return Err(ApiError::validation(
                        "status",
                        "A member can be deactivated, or reactivated once deactivated.",
                    )
                    .into());
                }
            }
            active.status = Set(raw.to_owned());
        }
        let Some(action) = action else { return team_member(member) };
        let updated = sea_orm::ActiveModelTrait::update(active, &self.db).await?;
        if deactivated {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(updated.id))
                .exec(&self.db)
                .await?;
            self.tokens.revoke_user(updated.id).await?;
        }
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: viewer.organization_id.0,
                actor: Some((actor.id, actor.name)),
                action,
                target_type: "user",
                target_id: Some(updated.id.to_string()),
                before: Some(before),
                after: Some(serde_json::json!({ "role": updated.role, "status": updated.status })),
                client,
            },
        )
        .await?;
        team_member(updated)
    }

    /// Removes a member (or withdraws an invitation) for good.
    #[tracing::instrument(skip(self, client))]
    pub async fn remove_member(&self, viewer: &Viewer, member_id: Uuid, client: &ClientInfo) -> Result<()> {
        let (actor, member) = self.manageable_member(viewer, member_id).await?;
        user::Entity::delete_by_id(member.id).exec(&self.db).await?;
        audit::record(
            &self.db,
            AuditEntry {
                organization_id: viewer.organization_id.0,
                actor: Some((actor.id, actor.name)),
                action: "team.removed",
                target_type: "user",
                target_id: Some(member.id.to_string()),
                before: Some(serde_json::json!({ "email": member.email, "role": member.role, "status": member.status })),
                after: None,
                client,
            },
        )
        .await?;
        Ok(())
    }

    /// The acting user and a member of the same organization they may manage.
    async fn manageable_member(
        &self,
        viewer: &Viewer,
        member_id: Uuid,
    ) -> Result<(user::Model, user::Model)> {
        viewer.require(Permission::InviteRemoveTeam)?;
        let member = user::Entity::find_by_id(member_id)
            .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("team member"))?;
        if member.id == viewer.user_id {
            return Err(
                ApiError::Conflict { message: "You cannot change your own membership.".into() }.into()
            );
        }
        if member.role == Role::Owner.as_str() {
            return Err(ApiError::Forbidden.into());
        }
        let actor =
            user::Entity::find_by_id(viewer.user_id).one(&self.db).await?.ok_or(ApiError::Unauthenticated)?;
        Ok((actor, member))
    }
}

/// A change to a member: a new role and/or status.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct MemberPatch {
    pub role: Option<Role>,
    /// `active` or `deactivated`.
    pub status: Option<String>,
}

fn team_member(model: user::Model) -> Result<TeamMember> {
    Ok(TeamMember {
        id: model.id,
        name: model.name,
        email: model.email,
        role: crate::shared::stored::parse("users.role", &model.role)?,
        status: model.status,
        last_active_at: model.last_active_at.map(crate::shared::rfc3339),
        phone: model.phone,
        job_title: model.job_title,
        avatar_url: model.avatar_url,
        joined_at: crate::shared::rfc3339(model.created_at),
    })
}
