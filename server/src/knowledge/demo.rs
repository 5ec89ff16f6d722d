//! The Acme demo bot's knowledge (`server/demo/knowledge.json`): FAQs and two help articles,
//! added with the demo data and processed by the ingestion job like anything an owner adds,
//! so a first run shows a bot that knows something.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use super::{FaqInput, check_faq, fill_faq, ingest};
use crate::{entities::knowledge_source as source, error::Result, jobs};

#[derive(serde::Deserialize)]
struct DemoKnowledge {
    faqs: Vec<FaqInput>,
    articles: Vec<Article>,
}

#[derive(serde::Deserialize)]
struct Article {
    title: String,
    text: String,
}

/// Adds the demo knowledge to `bot` of `organization`, on `db` (the demo's transaction).
pub async fn seed<C: ConnectionTrait>(db: &C, organization: Uuid, bot: Uuid) -> Result<()> {
    let demo: DemoKnowledge = serde_json::from_str(include_str!("../../demo/knowledge.json"))
        .map_err(|err| anyhow::anyhow!("the demo knowledge does not parse: {err}"))?;
    let viewer = app::ssr::Viewer {
        user_id: Uuid::nil(),
        organization_id: app::dto::OrganizationId(organization),
        role: app::auth::Role::Owner,
    };
    let bot = app::dto::BotId(bot);
    let mut rows = Vec::new();
    for faq in demo.faqs {
        let faq = check_faq(faq)?;
        let mut row = super::new_row(&viewer, bot, source::SourceKind::Faq, faq.question.clone());
        fill_faq(&mut row, &faq);
        rows.push(row);
    }
    for article in demo.articles {
        let mut row = super::new_row(&viewer, bot, source::SourceKind::Snippet, article.title);
        row.size_bytes = Set(article.text.len() as i64);
        row.body = Set(Some(article.text));
        rows.push(row);
    }
    for mut row in rows {
        let id = Uuid::now_v7();
        row.id = Set(id);
        row.created_by = Set(None);
        let job = jobs::enqueue(db, ingest::job(viewer.organization_id, app::ids::SourceId(id))).await?;
        row.job_id = Set(Some(job));
        row.insert(db).await?;
    }
    Ok(())
}
