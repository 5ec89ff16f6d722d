//! Canned replies (issue "The agent inbox"): the organization's saved answers under a
//! `/shortcut`, shared by the team. Anyone who answers conversations adds and removes them
//! (the reply box fills in `app::canned::expand`'s variables as one is inserted).

use app::{
    ApiError,
    auth::Permission,
    canned::{CannedReply, MAX_CONTENT_CHARS, shortcut_name},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::ConversationService;
use crate::{
    entities::{canned_reply, user},
    error::Result,
};

/// Most canned replies per organization.
pub const MAX_REPLIES: u64 = 500;

impl ConversationService {
    /// The organization's canned replies, by shortcut.
    pub async fn canned_replies(&self, viewer: &Viewer) -> Result<Vec<CannedReply>> {
        viewer.require(Permission::ViewConversations)?;
        Ok(canned_reply::Entity::find()
            .filter(canned_reply::Column::OrganizationId.eq(viewer.organization_id.0))
            .order_by_asc(canned_reply::Column::Shortcut)
            .all(&self.db)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Saves `content` under `/shortcut` for the team. A shortcut the team has already is a
    /// conflict (delete it first).
    #[tracing::instrument(skip(self, viewer, content), fields(org = %viewer.organization_id))]
    pub async fn save_canned_reply(
        &self,
        viewer: &Viewer,
        shortcut: &str,
        content: &str,
    ) -> Result<CannedReply> {
        viewer.require(Permission::RespondToConversations)?;
        let shortcut = shortcut_name(shortcut)?;
        let content = content.trim();
        if content.is_empty() {
            return Err(ApiError::validation("content", "Write the reply first.").into());
        }
        if content.chars().count() > MAX_CONTENT_CHARS {
            return Err(ApiError::validation(
                "content",
                format!("Keep a reply to {MAX_CONTENT_CHARS} characters or fewer."),
            )
            .into());
        }
        let org = viewer.organization_id.0;
        let existing = canned_reply::Entity::find().filter(canned_reply::Column::OrganizationId.eq(org));
        if existing
            .clone()
            .filter(canned_reply::Column::Shortcut.eq(shortcut.as_str()))
            .count(&self.db)
            .await?
            > 0
        {
            return Err(ApiError::Conflict {
                message: format!(
                    "/{shortcut} is taken: delete that reply first, or choose another shortcut."
                ),
            }
            .into());
        }
        if existing.count(&self.db).await? >= MAX_REPLIES {
            return Err(ApiError::validation(
                "shortcut",
                format!("Keep at most {MAX_REPLIES} canned replies."),
            )
            .into());
        }
        let author = user::Entity::find_by_id(viewer.user_id)
            .filter(user::Column::OrganizationId.eq(org))
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let stored = canned_reply::Entity::insert(canned_reply::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org),
            shortcut: Set(shortcut.clone()),
            content: Set(content.to_owned()),
            created_by: Set(author.name),
            created_at: Set(Utc::now()),
        })
        .exec_with_returning(&self.db)
        .await
        // Two saving the same shortcut at once: the second is told, as above.
        .map_err(|err| crate::error::conflict_on_unique(err, &format!("/{shortcut} is taken.")))?;
        Ok(view(stored))
    }

    /// Deletes a canned reply of the organization.
    pub async fn delete_canned_reply(&self, viewer: &Viewer, id: Uuid) -> Result<()> {
        viewer.require(Permission::RespondToConversations)?;
        let found = canned_reply::Entity::find_by_id(id)
            .filter(canned_reply::Column::OrganizationId.eq(viewer.organization_id.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("canned reply"))?;
        found.delete(&self.db).await?;
        Ok(())
    }
}

fn view(r: canned_reply::Model) -> CannedReply {
    CannedReply { id: r.id, shortcut: r.shortcut, content: r.content, created_by: r.created_by }
}
