//! Bots: looking one up by the public key its embed snippet carries, its widget profile, and
//! changing its settings (announced to its open widgets at once).

pub mod hours;
pub mod lifecycle;
pub mod routes;

use app::{
    ApiError,
    auth::Permission,
    bot_settings::BotSettings,
    dto::{BotId, BotProfile, OrganizationId},
    ssr::Viewer,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    audit,
    entities::bot,
    error::Result,
    events::{DomainEvent, EventBus},
    shared::ClientInfo,
};

/// A bot as the conversation engine needs it.
#[derive(Debug, Clone)]
pub struct Bot {
    pub id: BotId,
    pub organization_id: OrganizationId,
    pub workspace_id: uuid::Uuid,
    pub name: String,
    pub greeting: String,
    pub fallback_message: String,
    /// The voice its answers take.
    pub personality: app::dto::Personality,
    pub settings: BotSettings,
}

/// The plan of a bot's workspace (`None` when the catalog does not hold it).
pub async fn plan_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    workspace_id: uuid::Uuid,
) -> Result<Option<crate::entities::plan::Model>> {
    use crate::entities::{plan, workspace};
    let Some(space) = workspace::Entity::find_by_id(workspace_id)
        .filter(workspace::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(plan::Entity::find_by_id(space.plan).one(db).await?)
}

/// Why `plan` does not let a bot use models of `family` (`None`: it does). Plans name what
/// they include in `allowed_ai_providers` (PRD §5.5.1: "plans hold bots to their models").
pub fn plan_refuses(
    plan: &crate::entities::plan::Model,
    family: app::bot_settings::ModelFamily,
) -> Option<String> {
    let allowed: Vec<String> = serde_json::from_str(&plan.allowed_ai_providers).unwrap_or_default();
    (!allowed.iter().any(|p| p == family.as_str())).then(|| {
        format!(
            "The {} plan does not include {}: choose another model, or upgrade on the Billing page.",
            plan.name,
            family.label()
        )
    })
}

/// The model's key must be one of the organization's own credentials, never another's: the
/// field error when `credential` is not.
pub(crate) async fn foreign_key<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    credential: Option<uuid::Uuid>,
) -> Result<Option<app::error::FieldError>> {
    use crate::entities::integration_credential as row;
    let Some(credential) = credential else { return Ok(None) };
    let own = row::Entity::find_by_id(credential)
        .filter(row::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .is_some();
    Ok((!own).then(|| app::error::FieldError {
        field: "ai.credential_id".into(),
        message: "Choose one of your organization's API keys (Settings › Integrations).".into(),
    }))
}

/// A stored settings document; one that no longer parses (hand-edited) reads as the defaults
/// rather than taking the widget down.
fn parse_settings(bot: uuid::Uuid, json: &str) -> BotSettings {
    serde_json::from_str(json).unwrap_or_else(|err| {
        tracing::warn!(%bot, error = %err, "a bot's stored settings do not parse; using the defaults");
        BotSettings::default()
    })
}

impl From<bot::Model> for Bot {
    fn from(model: bot::Model) -> Self {
        Self {
            id: BotId(model.id),
            organization_id: OrganizationId(model.organization_id),
            workspace_id: model.workspace_id,
            name: model.name,
            greeting: model.greeting,
            fallback_message: model.fallback_message,
            personality: app::dto::Personality::parse(&model.personality).unwrap_or_default(),
            settings: parse_settings(model.id, &model.settings),
        }
    }
}

impl Bot {
    /// What the widget draws, with "is the team in" worked out for this moment.
    pub fn profile(&self) -> BotProfile {
        let s = &self.settings;
        let (look_class, look_style) = s.widget.look();
        BotProfile {
            name: self.name.clone(),
            greeting: self.greeting.clone(),
            avatar_url: s.widget.avatar_url.clone(),
            look_class,
            look_style,
            collect_name: s.data_collection.collect_name,
            collect_email: s.data_collection.collect_email,
            online: hours::is_open(&s.business_hours, chrono::Utc::now()),
            offline_message: s.business_hours.offline_message.clone(),
            show_typing_indicator: s.behavior.show_typing_indicator,
            language: s.language.clone(),
            share_drafts: s.behavior.share_drafts,
        }
    }
}

/// The live bot behind a widget's public key. Unknown keys and archived bots are `NotFound`
/// ("chatbot"): an archived bot's snippet loads nothing.
#[tracing::instrument(skip(db))]
pub async fn find_by_public_key(db: &DatabaseConnection, public_key: &str) -> Result<Bot> {
    if public_key.is_empty() || public_key.len() > 100 {
        return Err(ApiError::not_found("chatbot").into());
    }
    bot::Entity::find()
        .filter(bot::Column::PublicKey.eq(public_key))
        .filter(bot::Column::ArchivedAt.is_null())
        .one(db)
        .await?
        .map(Bot::from)
        .ok_or_else(|| ApiError::not_found("chatbot").into())
}

/// A bot of this organization by id.
pub async fn find(db: &DatabaseConnection, organization: OrganizationId, id: BotId) -> Result<Bot> {
    bot::Entity::find_by_id(id.0)
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .map(Bot::from)
        .ok_or_else(|| ApiError::not_found("chatbot").into())
}

/// The organization's bots, live and archived, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    organization: OrganizationId,
    base_url: &str,
) -> Result<Vec<app::dto::ChatbotView>> {
    use sea_orm::QueryOrder;
    Ok(bot::Entity::find()
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .order_by_asc(bot::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|b| chatbot_view(b, base_url))
        .collect())
}

/// One bot of the organization; `NotFound` for another organization's bot.
pub async fn get(
    db: &DatabaseConnection,
    organization: OrganizationId,
    id: BotId,
    base_url: &str,
) -> Result<app::dto::ChatbotView> {
    bot::Entity::find_by_id(id.0)
        .filter(bot::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .map(|b| chatbot_view(b, base_url))
        .ok_or_else(|| ApiError::not_found("chatbot").into())
}

/// How often a page view may rewrite where a bot was seen installed.
const INSTALLED_TOUCH_MINUTES: i64 = 5;

/// A page view with the bot's widget: where it was seen (see [`record_installed`]) and one widget
/// load counted against the workspace's pool (`quota_exceeded` when it is spent on a plan
/// without overage).
pub async fn record_load(db: &DatabaseConnection, public_key: &str, origin: Option<String>) -> Result<Bot> {
    let bot = find_by_public_key(db, public_key).await?;
    record_installed(db, &bot, origin).await?;
    crate::billing::consume(db, bot.workspace_id, crate::billing::Pool::WidgetLoads, 1).await?;
    Ok(bot)
}

/// Records that the bot's loader ran on a page of `origin` (at most every few minutes per
/// bot, unless the origin changed).
pub async fn record_installed(db: &DatabaseConnection, bot: &Bot, origin: Option<String>) -> Result<()> {
    use sea_orm::{Condition, sea_query::Expr};
    let now = chrono::Utc::now();
    let mut due = Condition::any()
        .add(bot::Column::InstalledSeenAt.is_null())
        .add(bot::Column::InstalledSeenAt.lt(now - chrono::Duration::minutes(INSTALLED_TOUCH_MINUTES)));
    let mut update = bot::Entity::update_many().col_expr(bot::Column::InstalledSeenAt, Expr::value(now));
    if let Some(origin) = origin {
        due = due
            .add(bot::Column::InstalledOrigin.ne(origin.as_str()))
            .add(bot::Column::InstalledOrigin.is_null());
        update = update.col_expr(bot::Column::InstalledOrigin, Expr::value(origin));
    }
    update.filter(bot::Column::Id.eq(bot.id.0)).filter(due).exec(db).await?;
    Ok(())
}

/// The snippet that puts a bot's widget on a site served from `base_url`.
pub fn embed_code(base_url: &str, public_key: &str) -> String {
    format!(
        r#"<script src="{}/embed.js" data-bot="{public_key}" async></script>"#,
        base_url.trim_end_matches('/')
    )
}

fn chatbot_view(model: bot::Model, base_url: &str) -> app::dto::ChatbotView {
    app::dto::ChatbotView {
        embed_code: embed_code(base_url, &model.public_key),
        installed_origin: model.installed_origin,
        installed_seen_at: model.installed_seen_at.map(crate::shared::rfc3339),
        id: BotId(model.id),
        workspace_id: app::dto::WorkspaceId(model.workspace_id),
        name: model.name,
        status: model.status,
        description: model.description,
        public_key: model.public_key,
        greeting: model.greeting,
        fallback_message: model.fallback_message,
        settings: parse_settings(model.id, &model.settings),
        personality: app::dto::Personality::parse(&model.personality).unwrap_or_default(),
        version: model.version,
        created_at: crate::shared::rfc3339(model.created_at),
        archived_at: model.archived_at.map(crate::shared::rfc3339),
    }
}

/// A change to a bot: any of its texts, and its settings as a JSON merge patch (RFC 7386) on
/// the current document — send only what changes.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatbotPatch {
    pub name: Option<String>,
    #[schema(value_type = Option<String>)]
    pub personality: Option<app::dto::Personality>,
    pub greeting: Option<String>,
    pub fallback_message: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
    /// The whole settings document instead of a patch (the dashboard's form).
    #[serde(skip)]
    pub replace_settings: Option<BotSettings>,
}

/// Applies a change to one of the viewer's organization's bots (owners, admins, agents), audits
/// it with before and after, and pushes the new profile to every open widget of the bot.
pub async fn update(
    db: &DatabaseConnection,
    events: &EventBus,
    viewer: &Viewer,
    id: BotId,
    patch: ChatbotPatch,
    client: &ClientInfo,
    base_url: &str,
) -> Result<app::dto::ChatbotView> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    viewer.require(Permission::EditChatbotSettings)?;
    let txn = crate::db::begin_write(db).await?;
    let current = bot::Entity::find_by_id(id.0)
        .filter(bot::Column::OrganizationId.eq(viewer.organization_id.0))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("chatbot"))?;
    let before_settings = parse_settings(current.id, &current.settings);
    let mut fields = Vec::new();
    let name = patch.name.and_then(|name| lifecycle::check_name(&name, &mut fields));
    let greeting = patch.greeting.and_then(|g| lifecycle::check_text("greeting", &g, 1, 500, &mut fields));
    let fallback = patch
        .fallback_message
        .and_then(|f| lifecycle::check_text("fallback_message", &f, 1, 1_000, &mut fields));
    let settings = match (patch.replace_settings, patch.settings) {
        (Some(whole), _) => whole,
        (None, None) => before_settings.clone(),
        (None, Some(changes)) => {
            let mut document = serde_json::to_value(&before_settings).unwrap_or_default();
            merge_patch(&mut document, changes);
            match serde_json::from_value::<BotSettings>(document) {
                Ok(settings) => settings,
                Err(err) => {
                    return Err(ApiError::validation(
                        "settings",
                        format!("These settings do not fit: {err}."),
                    )
                    .into());
                }
            }
        }
    };
    if let Err(ApiError::Validation { fields: more }) = settings.validate() {
        fields.extend(more);
    }
    if settings.ai.credential_id != before_settings.ai.credential_id {
        fields.extend(foreign_key(&txn, viewer.organization_id, settings.ai.credential_id).await?);
    }
    if settings.ai.family() != before_settings.ai.family()
        && let Some(family) = settings.ai.family()
        && let Some(plan) = plan_of(&txn, viewer.organization_id, current.workspace_id).await?
        && let Some(why) = plan_refuses(&plan, family)
    {
        fields.push(app::error::FieldError { field: "ai.model".into(), message: why });
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation { fields }.into());
    }
    if let Some(name) = &name
        && current.archived_at.is_none()
    {
        lifecycle::ensure_unique_name(&txn, viewer.organization_id, name, Some(id)).await?;
    }
    let before_config = lifecycle::Config::of(&current);
    let before = serde_json::json!({
        "name": current.name, "greeting": current.greeting,
        "fallback_message": current.fallback_message, "settings": before_settings,
    });
    let mut model = current.clone().into_active_model();
    if let Some(name) = name {
        model.name = Set(name);
    }
    if let Some(greeting) = greeting {
        model.greeting = Set(greeting);
    }
    if let Some(fallback) = fallback {
        model.fallback_message = Set(fallback);
    }
    if let Some(personality) = patch.personality {
        model.personality = Set(personality.as_str().into());
    }
    model.settings = Set(serde_json::to_string(&settings).unwrap_or_else(|_| "{}".into()));
    let mut updated = model.update(&txn).await?;
    let changed = lifecycle::diff(
        &serde_json::to_value(&before_config).unwrap_or_default(),
        &serde_json::to_value(lifecycle::Config::of(&updated)).unwrap_or_default(),
    );
    if !changed.is_empty() {
        let fields: Vec<&str> = changed.iter().take(3).map(|c| c.field.as_str()).collect();
        let more = if changed.len() > 3 { format!(" and {} more", changed.len() - 3) } else { String::new() };
        let summary = format!("Changed {}{more}", fields.join(", "));
        updated = lifecycle::new_version(&txn, &current, updated, viewer, &summary).await?;
    }
    let after = serde_json::json!({
        "name": updated.name, "greeting": updated.greeting,
        "fallback_message": updated.fallback_message, "settings": settings,
    });
    if before != after {
        audit::record_by(
            &txn,
            viewer,
            client,
            audit::Change {
                action: "chatbot.updated",
                target_type: "chatbot",
                target_id: Some(updated.id.to_string()),
                before: Some(before),
                after: Some(after),
            },
        )
        .await?;
    }
    txn.commit().await?;
    let bot = Bot::from(updated.clone());
    events.publish(DomainEvent::BotUpdated { bot_id: bot.id, profile: bot.profile() }).await;
    Ok(chatbot_view(updated, base_url))
}

/// RFC 7386: objects merge key by key, `null` removes, anything else replaces.
pub(crate) fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    use serde_json::Value;
    match patch {
        Value::Object(changes) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(map) = target {
                for (key, value) in changes {
                    if value.is_null() {
                        map.remove(&key);
                    } else {
                        merge_patch(map.entry(key).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other,
    }
}

/// Chatbot routes, and the watcher that switches open widgets between chat and the offline
/// form when business hours start or end.
pub fn install(w: &mut crate::wiring::Wiring) {
    let h = w.handles();
    w.routes(routes::router(routes::BotRoutes {
        db: h.db.clone(),
        events: h.events.clone(),
        public_url: h.public_url.clone(),
        auth: h.auth.clone(),
    }));
    w.background("business hours", hours::watch(h.db.clone(), h.events.clone(), HOURS_CHECK));
}

/// How often business hours are checked against the clock.
const HOURS_CHECK: std::time::Duration = std::time::Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_patch_changes_only_what_it_names() {
        let mut doc =
            serde_json::json!({"widget": {"position": "bottom-right", "size": "medium"}, "language": "de"});
        merge_patch(&mut doc, serde_json::json!({"widget": {"size": "large"}, "language": null}));
        assert_eq!(doc, serde_json::json!({"widget": {"position": "bottom-right", "size": "large"}}));
    }
}
