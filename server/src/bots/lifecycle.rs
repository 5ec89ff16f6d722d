//! A bot's life: creating one (the guided flow and `POST /api/v1/chatbots`), cloning,
//! archiving (a soft delete) and restoring, and the version history of its configuration with
//! what each version changed and a restore of any earlier one.
//!
//! Rules every path keeps: names are unique among the organization's live (not archived) bots,
//! case-insensitively; a workspace holds at most its plan's `max_chatbots` live bots (the
//! organization's custom limit first); every change is one transaction that also writes the
//! audit entry and, for configuration, the new version.

use app::{
    ApiError,
    auth::Permission,
    bot_settings::BotSettings,
    dto::{BotId, BotVersionView, ChatbotView, FieldChange, OrganizationId, Personality, WorkspaceId},
    error::FieldError,
    ssr::Viewer,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::{chatbot_view, parse_settings};
use crate::{
    audit,
    entities::{bot, bot_version, organization, plan, user, workspace},
    error::Result,
    events::{DomainEvent, EventBus},
    shared::ClientInfo,
};

/// What a new bot is made of; everything but the name has a default.
#[derive(Debug, Clone, Default)]
pub struct NewBot {
    pub name: String,
    pub personality: Personality,
    pub greeting: Option<String>,
    pub fallback_message: Option<String>,
    pub description: Option<String>,
    pub settings: BotSettings,
    /// The workspace it goes in; the organization's first when `None`.
    pub workspace: Option<WorkspaceId>,
}

pub const DEFAULT_GREETING: &str = "Hi! How can I help you today?";
pub const DEFAULT_FALLBACK: &str =
    "I'm not sure about that one. Let me connect you with someone from our team.";

/// A bot's configuration as each version keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub name: String,
    pub personality: Personality,
    pub greeting: String,
    pub fallback_message: String,
    pub description: String,
    pub settings: BotSettings,
}

impl Config {
    pub fn of(model: &bot::Model) -> Self {
        Self {
            name: model.name.clone(),
            personality: Personality::parse(&model.personality).unwrap_or_default(),
            greeting: model.greeting.clone(),
            fallback_message: model.fallback_message.clone(),
            description: model.description.clone(),
            settings: parse_settings(model.id, &model.settings),
        }
    }
}

/// The PRD's rule for names (3–50 characters: letters, digits and spaces), with the
/// punctuation company names carry (`- _ . ' &`). Trimmed.
pub fn check_name(name: &str, fields: &mut Vec<FieldError>) -> Option<String> {
    let name = name.trim();
    let n = name.chars().count();
    let fail = |fields: &mut Vec<FieldError>, message: &str| {
        fields.push(FieldError { field: "name".into(), message: message.into() });
        None
    };
    if !(3..=50).contains(&n) {
        return fail(fields, "Use 3–50 characters.");
    }
    if !name.chars().all(|c| c.is_alphanumeric() || c == ' ' || "-_.'&".contains(c)) {
        return fail(fields, "Use letters, digits, spaces and - _ . ' & only.");
    }
    Some(name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A text field of `min..=max` characters, trimmed.
pub fn check_text(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    fields: &mut Vec<FieldError>,
) -> Option<String> {
    let value = value.trim();
    let n = value.chars().count();
    if n < min || n > max {
        fields.push(FieldError { field: field.into(), message: format!("Use {min}–{max} characters.") });
        return None;
    }
    Some(value.to_owned())
}

/// `Conflict` when another live bot of the organization has this name (any case).
pub async fn ensure_unique_name<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    name: &str,
    except: Option<BotId>,
) -> Result<()> {
    let wanted = name.to_lowercase();
    let taken = bot::Entity::find()
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .filter(bot::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .any(|b| Some(BotId(b.id)) != except && b.name.to_lowercase() == wanted);
    if taken {
        return Err(ApiError::Validation {
            fields: vec![FieldError {
                field: "name".into(),
                message: format!("You already have a bot named “{name}”: pick another name."),
            }],
        }
        .into());
    }
    Ok(())
}

/// `QuotaExceeded` when the workspace already holds as many live bots as its plan allows.
async fn ensure_room<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    workspace_id: uuid::Uuid,
) -> Result<()> {
    let space = workspace::Entity::find_by_id(workspace_id)
        .filter(workspace::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    let org = organization::Entity::find_by_id(organization.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let plan = plan::Entity::find_by_id(space.plan.clone()).one(db).await?;
    let Some(limit) = org.custom_max_chatbots.or(plan.as_ref().and_then(|p| p.max_chatbots)) else {
        return Ok(());
    };
    let live = bot::Entity::find()
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .filter(bot::Column::WorkspaceId.eq(workspace_id))
        .filter(bot::Column::ArchivedAt.is_null())
        .count(db)
        .await?;
    if live >= u64::try_from(limit).unwrap_or(0) {
        let plan_name = plan.map_or(space.plan, |p| p.name);
        let bots = if limit == 1 { "1 bot".to_owned() } else { format!("{limit} bots") };
        return Err(ApiError::QuotaExceeded {
            message: format!(
                "The {plan_name} plan includes {bots}. Archive one, or upgrade on the Billing page to add more."
            ),
        }
        .into());
    }
    Ok(())
}

async fn first_workspace<C: ConnectionTrait>(db: &C, organization: OrganizationId) -> Result<uuid::Uuid> {
    Ok(workspace::Entity::find()
        .filter(workspace::Column::OrganizationId.eq(organization.0))
        .order_by_asc(workspace::Column::CreatedAt)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?
        .id)
}

/// A widget key: 24 random bytes, URL-safe.
fn new_public_key() -> String {
    use base64::Engine;
    format!(
        "bot_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::shared::tokens::random_bytes::<18>())
    )
}

/// Writes `model`'s configuration as its version `model.version`, made by `by`.
async fn record_version<C: ConnectionTrait>(
    db: &C,
    model: &bot::Model,
    by: Option<&Viewer>,
    summary: &str,
) -> Result<()> {
    bot_version::Entity::insert(bot_version::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        bot_id: Set(model.id),
        organization_id: Set(model.organization_id),
        version: Set(model.version),
        config: Set(serde_json::to_string(&Config::of(model)).unwrap_or_else(|_| "{}".into())),
        changed_by: Set(by.map(|v| v.user_id)),
        summary: Set(summary.chars().take(200).collect()),
        created_at: Set(chrono::Utc::now()),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Bumps the bot's version and keeps the new configuration (called inside the change's
/// transaction, after the row was written). `before` is the row as it was: a bot made before
/// versions were kept (the demo's) gets its old configuration recorded first, so the first
/// change has something to compare with.
pub async fn new_version<C: ConnectionTrait>(
    db: &C,
    before: &bot::Model,
    updated: bot::Model,
    viewer: &Viewer,
    summary: &str,
) -> Result<bot::Model> {
    let kept = bot_version::Entity::find()
        .filter(bot_version::Column::OrganizationId.eq(before.organization_id))
        .filter(bot_version::Column::BotId.eq(before.id))
        .filter(bot_version::Column::Version.eq(before.version))
        .count(db)
        .await?;
    if kept == 0 {
        record_version(db, before, None, "Before the first recorded change").await?;
    }
    let mut model = updated.into_active_model();
    let next = *model.version.as_ref() + 1;
    model.version = Set(next);
    let bumped = model.update(db).await?;
    record_version(db, &bumped, Some(viewer), summary).await?;
    Ok(bumped)
}

/// Creates a bot, live at once: its widget answers as soon as the snippet is on a page.
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewBot,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    viewer.require(Permission::CreateDeleteChatbots)?;
    let mut fields = Vec::new();
    let name = check_name(&new.name, &mut fields);
    let greeting = check_text(
        "greeting_message",
        new.greeting.as_deref().unwrap_or(DEFAULT_GREETING),
        1,
        500,
        &mut fields,
    );
    let fallback = check_text(
        "fallback_message",
        new.fallback_message.as_deref().unwrap_or(DEFAULT_FALLBACK),
        1,
        1_000,
        &mut fields,
    );
    let description =
        check_text("description", new.description.as_deref().unwrap_or(""), 0, 500, &mut fields);
    if let Err(ApiError::Validation { fields: more }) = new.settings.validate() {
        fields.extend(more);
    }
    let (Some(name), Some(greeting), Some(fallback), Some(description)) =
        (name, greeting, fallback, description)
    else {
        return Err(ApiError::Validation { fields }.into());
    };
    if !fields.is_empty() {
        return Err(ApiError::Validation { fields }.into());
    }
    let txn = crate::db::begin_write(db).await?;
    let workspace_id = match new.workspace {
        Some(w) => w.0,
        None => first_workspace(&txn, viewer.organization_id).await?,
    };
    ensure_unique_name(&txn, viewer.organization_id, &name, None).await?;
    ensure_room(&txn, viewer.organization_id, workspace_id).await?;
    if let Some(problem) =
        super::foreign_key(&txn, viewer.organization_id, new.settings.ai.credential_id).await?
    {
        return Err(ApiError::Validation { fields: vec![problem] }.into());
    }
    let created = bot::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        organization_id: Set(viewer.organization_id.0),
        workspace_id: Set(workspace_id),
        name: Set(name),
        public_key: Set(new_public_key()),
        status: Set("active".into()),
        description: Set(description),
        greeting: Set(greeting),
        fallback_message: Set(fallback),
        created_at: Set(chrono::Utc::now()),
        installed_origin: Set(None),
        installed_seen_at: Set(None),
        settings: Set(serde_json::to_string(&new.settings).unwrap_or_else(|_| "{}".into())),
        personality: Set(new.personality.as_str().into()),
        archived_at: Set(None),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    record_version(&txn, &created, Some(viewer), "Created").await?;
    audit::record_by(
        &txn,
        viewer,
        client,
        audit::Change {
            action: "chatbot.created",
            target_type: "chatbot",
            target_id: Some(created.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "name": created.name, "personality": created.personality })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(chatbot_view(created, base_url))
}

pub(crate) async fn own_bot<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    id: BotId,
) -> Result<bot::Model> {
    bot::Entity::find_by_id(id.0)
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("chatbot").into())
}

/// A new bot with `id`'s configuration, named "Copy of …" (numbered when taken), in the same
/// workspace. Its knowledge and conversations stay with the original.
pub async fn clone(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: BotId,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    viewer.require(Permission::CreateDeleteChatbots)?;
    let original = own_bot(db, viewer.organization_id, id).await?;
    let live: Vec<String> = bot::Entity::find()
        .filter(bot::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(bot::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.name.to_lowercase())
        .collect();
    let stem: String = format!("Copy of {}", original.name).chars().take(46).collect();
    let stem = stem.trim_end().to_owned();
    let name = std::iter::once(stem.clone())
        .chain((2..100).map(|n| format!("{stem} {n}")))
        .find(|candidate| !live.contains(&candidate.to_lowercase()))
        .unwrap_or(stem);
    let config = Config::of(&original);
    create(
        db,
        viewer,
        NewBot {
            name,
            personality: config.personality,
            greeting: Some(config.greeting),
            fallback_message: Some(config.fallback_message),
            description: Some(config.description),
            settings: config.settings,
            workspace: Some(WorkspaceId(original.workspace_id)),
        },
        client,
        base_url,
    )
    .await
}

/// Archives a bot: its widget stops loading on every site (the snippet answers "not found"),
/// its conversations and knowledge stay, and it can be restored.
pub async fn archive(
    db: &DatabaseConnection,
    events: &EventBus,
    viewer: &Viewer,
    id: BotId,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    set_archived(db, events, viewer, id, true, client, base_url).await
}

/// Brings an archived bot back, if its name is still free and its plan has room.
pub async fn restore(
    db: &DatabaseConnection,
    events: &EventBus,
    viewer: &Viewer,
    id: BotId,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    set_archived(db, events, viewer, id, false, client, base_url).await
}

async fn set_archived(
    db: &DatabaseConnection,
    events: &EventBus,
    viewer: &Viewer,
    id: BotId,
    archived: bool,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    viewer.require(Permission::CreateDeleteChatbots)?;
    let txn = crate::db::begin_write(db).await?;
    let current = own_bot(&txn, viewer.organization_id, id).await?;
    if current.archived_at.is_some() == archived {
        txn.commit().await?;
        return Ok(chatbot_view(current, base_url));
    }
    if !archived {
        ensure_unique_name(&txn, viewer.organization_id, &current.name, Some(id)).await?;
        ensure_room(&txn, viewer.organization_id, current.workspace_id).await?;
    }
    let mut model = current.clone().into_active_model();
    model.archived_at = Set(archived.then(chrono::Utc::now));
    model.status = Set(if archived { "archived" } else { "active" }.into());
    let updated = model.update(&txn).await?;
    audit::record_by(
        &txn,
        viewer,
        client,
        audit::Change {
            action: if archived { "chatbot.archived" } else { "chatbot.restored" },
            target_type: "chatbot",
            target_id: Some(updated.id.to_string()),
            before: Some(serde_json::json!({ "status": current.status })),
            after: Some(serde_json::json!({ "status": updated.status })),
        },
    )
    .await?;
    txn.commit().await?;
    let bot = super::Bot::from(updated.clone());
    events.publish(DomainEvent::BotUpdated { bot_id: bot.id, profile: bot.profile() }).await;
    Ok(chatbot_view(updated, base_url))
}

/// The bot's versions, newest first, each with what it changed from the one before.
pub async fn versions(db: &DatabaseConnection, viewer: &Viewer, id: BotId) -> Result<Vec<BotVersionView>> {
    viewer.require(Permission::ViewAnalytics)?;
    own_bot(db, viewer.organization_id, id).await?;
    let rows = bot_version::Entity::find()
        .filter(bot_version::Column::BotId.eq(id.0))
        .filter(bot_version::Column::OrganizationId.eq(viewer.organization_id.0))
        .order_by_asc(bot_version::Column::Version)
        .all(db)
        .await?;
    let people: std::collections::HashMap<uuid::Uuid, String> = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut before: Option<serde_json::Value> = None;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let config: serde_json::Value = serde_json::from_str(&row.config).unwrap_or_default();
        let changes = before.as_ref().map(|b| diff(b, &config)).unwrap_or_default();
        views.push(BotVersionView {
            version: row.version,
            summary: row.summary,
            changed_by: row.changed_by.and_then(|u| people.get(&u).cloned()),
            created_at: crate::shared::rfc3339(row.created_at),
            changes,
        });
        before = Some(config);
    }
    views.reverse();
    Ok(views)
}

/// Makes version `version`'s configuration current again, as a new version (nothing is lost:
/// the one it replaces stays in the history).
pub async fn restore_version(
    db: &DatabaseConnection,
    events: &EventBus,
    viewer: &Viewer,
    id: BotId,
    version: i32,
    client: &ClientInfo,
    base_url: &str,
) -> Result<ChatbotView> {
    viewer.require(Permission::EditChatbotSettings)?;
    let txn = crate::db::begin_write(db).await?;
    let current = own_bot(&txn, viewer.organization_id, id).await?;
    let row = bot_version::Entity::find()
        .filter(bot_version::Column::BotId.eq(id.0))
        .filter(bot_version::Column::OrganizationId.eq(viewer.organization_id.0))
        .filter(bot_version::Column::Version.eq(version))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("version"))?;
    let config: Config = serde_json::from_str(&row.config)
        .map_err(|_| ApiError::bad_request("That version can no longer be read."))?;
    if current.archived_at.is_none() {
        ensure_unique_name(&txn, viewer.organization_id, &config.name, Some(id)).await?;
    }
    let before = Config::of(&current);
    let mut model = current.clone().into_active_model();
    model.name = Set(config.name.clone());
    model.personality = Set(config.personality.as_str().into());
    model.greeting = Set(config.greeting.clone());
    model.fallback_message = Set(config.fallback_message.clone());
    model.description = Set(config.description.clone());
    model.settings = Set(serde_json::to_string(&config.settings).unwrap_or_else(|_| "{}".into()));
    let updated = model.update(&txn).await?;
    let updated =
        new_version(&txn, &current, updated, viewer, &format!("Restored version {version}")).await?;
    audit::record_by(
        &txn,
        viewer,
        client,
        audit::Change {
            action: "chatbot.version_restored",
            target_type: "chatbot",
            target_id: Some(updated.id.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&config).ok(),
        },
    )
    .await?;
    txn.commit().await?;
    let bot = super::Bot::from(updated.clone());
    events.publish(DomainEvent::BotUpdated { bot_id: bot.id, profile: bot.profile() }).await;
    Ok(chatbot_view(updated, base_url))
}

/// Every leaf that differs between two JSON documents, by dotted path, values as text.
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    fn walk(
        path: &str,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
        out: &mut Vec<FieldChange>,
    ) {
        use serde_json::Value;
        match (before, after) {
            (Some(Value::Object(b)), Some(Value::Object(a))) => {
                let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
                for key in keys {
                    let next = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    walk(&next, b.get(key), a.get(key), out);
                }
            }
            (b, a) if b != a => {
                out.push(FieldChange { field: path.to_owned(), before: b.map(text), after: a.map(text) })
            }
            _ => {}
        }
    }
    fn text(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    let mut out = Vec::new();
    walk("", Some(before), Some(after), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_prd_rule() {
        let mut fields = Vec::new();
        assert_eq!(check_name("  Support   Bot ", &mut fields), Some("Support Bot".into()));
        assert_eq!(check_name("Acme's Help-Desk 2", &mut fields), Some("Acme's Help-Desk 2".into()));
        assert!(fields.is_empty());
        assert_eq!(check_name("ab", &mut fields), None);
        assert_eq!(check_name("<script>", &mut fields), None);
        assert_eq!(check_name(&"x".repeat(51), &mut fields), None);
        assert_eq!(fields.len(), 3);
        assert!(fields.iter().all(|f| f.field == "name"));
    }

    #[test]
    fn a_diff_names_each_changed_leaf() {
        let before = serde_json::json!({"name": "A", "settings": {"widget": {"size": "small", "position": "bottom-right"}}});
        let after = serde_json::json!({"name": "A", "settings": {"widget": {"size": "large", "position": "bottom-right"}, "language": "de"}});
        let changes = diff(&before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange { field: "settings.language".into(), before: None, after: Some("de".into()) },
                FieldChange {
                    field: "settings.widget.size".into(),
                    before: Some("small".into()),
                    after: Some("large".into())
                },
            ]
        );
    }
}
