//! Internal notes (issue "The agent inbox"): a teammate writes Markdown on a conversation,
//! `@name` mentions are resolved to teammates of the organization, and every open dashboard of
//! the organization gets the note live (`note:created`; the mentioned are told). Notes never go
//! to a visitor: they are not messages, and the widget's topics never carry them.

use app::{
    ApiError,
    auth::Permission,
    dto::{AgentRef, ConversationId, NoteView},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{ConversationService, load_conversation};
use crate::{
    entities::{conversation_note, user},
    error::Result,
    events::DomainEvent,
    shared::{markdown, rfc3339},
};

/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

impl ConversationService {
    /// Writes an internal note as the viewer; returns it with its mentions resolved.
    #[tracing::instrument(skip(self, viewer, content), fields(org = %viewer.organization_id))]
    pub async fn add_note(&self, viewer: &Viewer, id: ConversationId, content: &str) -> Result<NoteView> {
        viewer.require(Permission::RespondToConversations)?;
        let content = content.trim();
        if content.is_empty() {
            return Err(ApiError::validation("content", "Write the note first.").into());
        }
        if content.chars().count() > MAX_NOTE_CHARS {
            return Err(ApiError::validation(
                "content",
                format!("Keep a note to {MAX_NOTE_CHARS} characters or fewer."),
            )
            .into());
        }
        let org = viewer.organization_id;
        load_conversation(&self.db, org, id).await?;
        let team = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(org.0))
            .filter(user::Column::Status.eq("active"))
            .all(&self.db)
            .await?;
        let author =
            team.iter().find(|u| u.id == viewer.user_id).map(agent_ref).ok_or(ApiError::Forbidden)?;
        let mentions = mentioned(content, &team);
        let model = conversation_note::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.0),
            conversation_id: Set(id.0),
            author_id: Set(author.id),
            author_name: Set(author.name.clone()),
            content: Set(content.to_owned()),
            mentions: Set(serde_json::to_string(&mentions).unwrap_or_else(|_| "[]".into())),
            created_at: Set(Utc::now()),
        };
        let stored = conversation_note::Entity::insert(model).exec_with_returning(&self.db).await?;
        let note = note_view(stored);
        self.events.publish(DomainEvent::NoteAdded { organization_id: org, note: note.clone() }).await;
        Ok(note)
    }

    /// A conversation's notes, oldest first.
    pub async fn notes(&self, viewer: &Viewer, id: ConversationId) -> Result<Vec<NoteView>> {
        viewer.require(Permission::ViewConversations)?;
        load_conversation(&self.db, viewer.organization_id, id).await?;
        Ok(conversation_note::Entity::find()
            .filter(conversation_note::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(conversation_note::Column::ConversationId.eq(id.0))
            .order_by_asc(conversation_note::Column::CreatedAt)
            .order_by_asc(conversation_note::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(note_view)
            .collect())
    }
}

fn agent_ref(u: &user::Model) -> AgentRef {
    AgentRef { id: u.id, name: u.name.clone(), avatar_url: u.avatar_url.clone(), title: u.job_title.clone() }
}

/// The teammates a note names with `@`: by first name, by full name written without spaces, or
/// by the part of their email before the `@` (case does not matter), each once, in order.
pub fn mentioned(content: &str, team: &[user::Model]) -> Vec<AgentRef> {
    let mut found: Vec<AgentRef> = Vec::new();
    for word in content.split(|c: char| c.is_whitespace()) {
        let Some(handle) = word.strip_prefix('@') else { continue };
        let handle = handle.trim_end_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if handle.is_empty() {
            continue;
        }
        let names = |u: &user::Model| {
            let name = u.name.to_lowercase();
            let first = name.split_whitespace().next().unwrap_or_default().to_owned();
            let joined: String = name.split_whitespace().collect();
            let local = u.email.split('@').next().unwrap_or_default().to_lowercase();
            [first, joined, local]
        };
        if let Some(u) = team.iter().find(|u| names(u).contains(&handle))
            && !found.iter().any(|f| f.id == u.id)
        {
            found.push(agent_ref(u));
        }
    }
    found
}

fn note_view(m: conversation_note::Model) -> NoteView {
    NoteView {
        id: m.id,
        conversation_id: ConversationId(m.conversation_id),
        author: AgentRef { id: m.author_id, name: m.author_name, avatar_url: None, title: None },
        formatted: markdown::blocks(&m.content),
        content: m.content,
        mentions: serde_json::from_str(&m.mentions).unwrap_or_default(),
        created_at: rfc3339(m.created_at),
    }
}
