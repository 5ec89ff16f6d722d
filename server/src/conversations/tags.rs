//! Tags (issue "The agent inbox"): a teammate sets a conversation's tags by name; a name new to
//! the organization joins its catalogue (`tags`, with a colour) for the inbox's autocomplete
//! and filter. The conversation keeps its own list on its row (`,billing,urgent,`), so every
//! list, detail and live update carries it.

use app::{
    ApiError,
    auth::Permission,
    dto::{ConversationId, ConversationView, avatar_hue},
    inbox::{TagView, tag_name},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{ConversationService, conversation_view, handoff::bot_name, lock_conversation};
use crate::{
    entities::{conversation, tag},
    error::Result,
    events::DomainEvent,
};

/// Most tags on one conversation.
pub const MAX_TAGS: usize = 10;

/// What a teammate does to a conversation's tags.
#[derive(Debug, Clone)]
pub enum TagChange {
    /// Exactly these (REST `PUT …/tags`).
    Set(Vec<String>),
    Add(String),
    Remove(String),
}

/// The row's form of a list of tags (`,a,b,`), `None` for none.
pub fn stored_tags(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| format!(",{},", tags.join(",")))
}

/// The list back from the row.
pub fn read_tags(stored: Option<&str>) -> Vec<String> {
    stored.unwrap_or_default().split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

impl ConversationService {
    /// Changes the conversation's tags (names read by [`tag_name`], duplicates dropped, at most
    /// [`MAX_TAGS`]), inside one write so two teammates tagging at once both count; returns
    /// the conversation after.
    #[tracing::instrument(skip(self, viewer), fields(org = %viewer.organization_id))]
    pub async fn change_tags(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        change: TagChange,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        let org = viewer.organization_id;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, org, id).await?;
        let mut tags = read_tags(found.tags.as_deref());
        let named =
            |raw: &[String]| raw.iter().map(|t| tag_name(t)).collect::<std::result::Result<Vec<_>, _>>();
        match change {
            TagChange::Set(names) => tags = named(&names)?,
            TagChange::Add(name) => tags.extend(named(&[name])?),
            TagChange::Remove(name) => {
                let gone = tag_name(&name)?;
                tags.retain(|t| *t != gone);
            }
        }
        let mut seen = std::collections::HashSet::new();
        tags.retain(|t| seen.insert(t.clone()));
        if tags.len() > MAX_TAGS {
            return Err(ApiError::validation(
                "tags",
                format!("A conversation takes at most {MAX_TAGS} tags."),
            )
            .into());
        }
        let now = Utc::now();
        for name in &tags {
            let new = tag::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(org.0),
                name: Set(name.clone()),
                hue: Set(i16::try_from(avatar_hue(name)).unwrap_or(0)),
                created_at: Set(now),
            };
            tag::Entity::insert(new)
                .on_conflict_do_nothing_on([tag::Column::OrganizationId, tag::Column::Name])
                .exec(&txn)
                .await?;
        }
        let mut row: conversation::ActiveModel = found.into();
        row.tags = Set(stored_tags(&tags));
        row.updated_at = Set(now);
        let after = row.update(&txn).await?;
        txn.commit().await?;
        let name = bot_name(&self.db, &after).await?;
        let view = conversation_view(after, &name)?;
        self.events
            .publish(DomainEvent::TeamChanged { organization_id: org, conversation: view.clone() })
            .await;
        Ok(view)
    }

    /// The organization's tags, by name (the inbox's autocomplete and filter).
    pub async fn tag_catalogue(&self, viewer: &Viewer) -> Result<Vec<TagView>> {
        viewer.require(Permission::ViewConversations)?;
        Ok(tag::Entity::find()
            .filter(tag::Column::OrganizationId.eq(viewer.organization_id.0))
            .order_by_asc(tag::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| TagView { name: t.name, hue: u32::try_from(t.hue).unwrap_or(0) })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_into_one_form_and_back() {
        assert_eq!(tag_name("  Needs Refund ").as_deref(), Ok("needs-refund"));
        assert_eq!(tag_name("VIP_2").as_deref(), Ok("vip-2"), "`_` is a LIKE wildcard");
        assert!(tag_name("a,b").is_err(), "a comma would split the stored list");
        assert!(tag_name("%").is_err(), "a LIKE wildcard");
        assert!(tag_name("").is_err());
        assert!(tag_name(&"x".repeat(33)).is_err());
        let tags = vec!["billing".to_owned(), "urgent".to_owned()];
        assert_eq!(stored_tags(&tags).as_deref(), Some(",billing,urgent,"));
        assert_eq!(read_tags(stored_tags(&tags).as_deref()), tags);
        assert_eq!(read_tags(None), Vec::<String>::new());
    }
}
