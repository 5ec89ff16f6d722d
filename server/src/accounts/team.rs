//! The team: inviting people into an organization with a role, accepting an invitation, and
//! listing members. Only roles with `InviteRemoveTeam` may list or invite; nobody can invite an
//! owner, and every query is scoped by the inviter's organization.

use app::{
    ApiError,
    auth::{Permission, Role, TeamMember, UserView},
    ssr::Viewer,
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{AccountService, TokenPurpose, input::EmailAddress, input::NewPassword, password, user_view};
use crate::{
    entities::user,
    error::{Result, conflict_on_unique},
    mail::Mail,
};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

impl AccountService {
    #[tracing::instrument(skip(self))]
    pub async fn team(&self, viewer: &Viewer) -> Result<Vec<TeamMember>> {
        viewer.require(Permission::InviteRemoveTeam)?;
        let members = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
            .order_by_asc(user::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(members.into_iter().map(team_member).collect())
    }

    #[tracing::instrument(skip(self))]
    pub async fn invite(&self, viewer: &Viewer, email: EmailAddress, role: Role) -> Result<TeamMember> {
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
            status: Set("invited".into()),
            email_verified_at: Set(None),
            last_active_at: Set(None),
            created_at: Set(now),
        })
        .exec_with_returning(&self.db)
        .await
        .map_err(|e| conflict_on_unique(e, "Someone with this email already has an account."))?;
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
        Ok(team_member(invited))
    }

    /// Activates an invited member with their name and password.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: String,
        password: NewPassword,
    ) -> Result<UserView> {
        let hash = password::hash(password.as_str()).await?;
        let invited = self.consume_token(token, TokenPurpose::Invitation).await?;
        if invited.status != "invited" {
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
        let organization_name = self.organization_name(member.organization_id).await?;
        Ok(user_view(member, organization_name))
    }
}

fn team_member(model: user::Model) -> TeamMember {
    TeamMember {
        id: model.id,
        name: model.name,
        email: model.email,
        role: model.role.parse().unwrap_or(Role::Viewer),
        status: model.status,
        last_active_at: model.last_active_at.map(crate::conversations::rfc3339),
    }
}
