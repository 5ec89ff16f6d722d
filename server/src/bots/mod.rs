//! Bots: looking one up by the public key its embed snippet carries, and its widget profile.

pub mod routes;

use app::{
    ApiError,
    dto::{BotId, BotProfile, OrganizationId},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{entities::bot, error::Result};

/// A bot as the conversation engine needs it.
#[derive(Debug, Clone)]
pub struct Bot {
    pub id: BotId,
    pub organization_id: OrganizationId,
    pub workspace_id: uuid::Uuid,
    pub name: String,
    pub greeting: String,
    pub fallback_message: String,
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
        }
    }
}

impl Bot {
    pub fn profile(&self) -> BotProfile {
        BotProfile { name: self.name.clone(), greeting: self.greeting.clone() }
    }
}

/// The bot behind a widget's public key. Unknown keys are `NotFound` ("chatbot").
#[tracing::instrument(skip(db))]
pub async fn find_by_public_key(db: &DatabaseConnection, public_key: &str) -> Result<Bot> {
    if public_key.is_empty() || public_key.len() > 100 {
        return Err(ApiError::not_found("chatbot").into());
    }
    bot::Entity::find()
        .filter(bot::Column::PublicKey.eq(public_key))
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

/// The organization's bots, oldest first.
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
pub async fn record_load(db: &DatabaseConnection, public_key: &str, origin: Option<String>) -> Result<()> {
    let bot = find_by_public_key(db, public_key).await?;
    record_installed(db, &bot, origin).await?;
    crate::workspaces::consume(db, bot.workspace_id, crate::workspaces::Pool::WidgetLoads, 1).await
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
        installed_seen_at: model.installed_seen_at.map(crate::conversations::rfc3339),
        id: BotId(model.id),
        workspace_id: app::dto::WorkspaceId(model.workspace_id),
        name: model.name,
        status: model.status,
        description: model.description,
        public_key: model.public_key,
        greeting: model.greeting,
    }
}
