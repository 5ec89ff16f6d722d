//! Saved inbox filters (PRD §5.3.4 `conversation-filters`): a teammate names the view and
//! filters they are looking at, for themselves or for the whole team; the inbox lists them and
//! `GET /api/v1/conversations?filter_id=` applies one. The query is stored as the inbox writes
//! it (`InboxQuery::to_params`), read back by the same parser.

use app::{
    ApiError,
    auth::Permission,
    inbox::{InboxQuery, SavedFilter},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::ConversationService;
use crate::{entities::conversation_filter, error::Result};

/// Most saved filters per person.
pub const MAX_FILTERS: u64 = 50;

impl ConversationService {
    /// The caller's saved filters and the team's shared ones, by name.
    pub async fn saved_filters(&self, viewer: &Viewer) -> Result<Vec<SavedFilter>> {
        viewer.require(Permission::ViewConversations)?;
        Ok(conversation_filter::Entity::find()
            .filter(conversation_filter::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(
                Condition::any()
                    .add(conversation_filter::Column::Shared.eq(true))
                    .add(conversation_filter::Column::UserId.eq(viewer.user_id)),
            )
            .order_by_asc(conversation_filter::Column::Name)
            .order_by_asc(conversation_filter::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|f| saved(f, viewer.user_id))
            .collect())
    }

    /// Saves `query` under `name`, for the caller or (`shared`) the whole team.
    #[tracing::instrument(skip(self, viewer), fields(org = %viewer.organization_id))]
    pub async fn save_filter(
        &self,
        viewer: &Viewer,
        name: &str,
        query: &InboxQuery,
        shared: bool,
    ) -> Result<SavedFilter> {
        viewer.require(Permission::ViewConversations)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(ApiError::validation("name", "Name the filter in 1 to 80 characters.").into());
        }
        let params = query.to_params();
        if params.is_empty() {
            return Err(ApiError::validation("filters", "Choose a view or a filter to save.").into());
        }
        let mine = conversation_filter::Entity::find()
            .filter(conversation_filter::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(conversation_filter::Column::UserId.eq(viewer.user_id))
            .count(&self.db)
            .await?;
        if mine >= MAX_FILTERS {
            return Err(
                ApiError::validation("name", format!("Keep at most {MAX_FILTERS} saved filters.")).into()
            );
        }
        let stored = conversation_filter::Entity::insert(conversation_filter::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(viewer.organization_id.0),
            user_id: Set(viewer.user_id),
            name: Set(name.to_owned()),
            query: Set(params),
            shared: Set(shared),
            created_at: Set(Utc::now()),
        })
        .exec_with_returning(&self.db)
        .await?;
        Ok(saved(stored, viewer.user_id))
    }

    /// One saved filter the caller can see, as the query it stands for.
    pub async fn saved_query(&self, viewer: &Viewer, id: Uuid) -> Result<InboxQuery> {
        let found = self.saved_filters(viewer).await?.into_iter().find(|f| f.id == id);
        let found = found.ok_or_else(|| ApiError::not_found("conversation filter"))?;
        Ok(InboxQuery::from_params(&found.query).0)
    }

    /// Deletes a saved filter: one's own, or (owners and admins) a shared one.
    pub async fn delete_filter(&self, viewer: &Viewer, id: Uuid) -> Result<()> {
        viewer.require(Permission::ViewConversations)?;
        let found = conversation_filter::Entity::find_by_id(id)
            .filter(conversation_filter::Column::OrganizationId.eq(viewer.organization_id.0))
            .one(&self.db)
            .await?
            .filter(|f| f.shared || f.user_id == viewer.user_id)
            .ok_or_else(|| ApiError::not_found("conversation filter"))?;
        if found.user_id != viewer.user_id && !viewer.role.can(Permission::ManageSettings) {
            return Err(ApiError::Forbidden.into());
        }
        found.delete(&self.db).await?;
        Ok(())
    }
}

fn saved(f: conversation_filter::Model, me: Uuid) -> SavedFilter {
    SavedFilter { id: f.id, name: f.name, query: f.query, shared: f.shared, mine: f.user_id == me }
}
