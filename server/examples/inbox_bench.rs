//! The inbox list's query time with N open conversations (issue "The agent inbox": target
//! < 50 ms with 10,000): the whole application on a throw-away SQLite data dir with the demo
//! data (or the PostgreSQL of `CHATSUPPORT_BENCH_DATABASE_URL`, which must be an empty
//! database), N conversations added to the demo organization — open in every status, a
//! quarter held by agents (some by the owner), moods and start days spread over 30 days — then
//! each of the inbox's usual queries run R times through `ConversationService::inbox` (the
//! page and the REST route call it): the page, every view's count, the bot names.
//! Reports p50 / p95 / max per query.
//!
//! `cargo run --release -p chatsupport --example inbox_bench -- [conversations] [rounds]`
//! (default 10,000 and 200).

use std::time::Instant;

use app::{
    auth::Role,
    inbox::{InboxQuery, InboxSort, InboxView},
    ssr::Viewer,
};
use chatsupport::{
    config::Config,
    entities::{conversation, user},
    startup::Application,
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

const STATUSES: [&str; 4] = ["active", "waiting", "escalated", "agent_handling"];
const MOODS: [&str; 5] = ["very_negative", "negative", "neutral", "positive", "very_positive"];

#[path = "support/stats.rs"]
mod stats;
use stats::percentile;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);

    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path());
    config.demo = true;
    config.no_demo = false;
    config.database_url = std::env::var("CHATSUPPORT_BENCH_DATABASE_URL").ok();
    let engine = if config.database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let db = &state.handles.db;
    let bot = chatsupport::bots::find_by_public_key(db, chatsupport::demo::DEMO_BOT_KEY).await?;
    let owner = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(bot.organization_id.0))
        .filter(user::Column::Role.eq("owner"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo organization has no owner"))?;
    let others: Vec<uuid::Uuid> = (0..9).map(|_| uuid::Uuid::now_v7()).collect();

    let started = Instant::now();
    let now = Utc::now();
    let rows: Vec<conversation::ActiveModel> = (0..count)
        .map(|n| {
            let status = STATUSES[n % STATUSES.len()];
            let agent =
                (status == "agent_handling").then(|| if n % 10 == 3 { owner.id } else { others[n % 9] });
            let began = now - Duration::minutes(i64::try_from(n * 43_200 / count.max(1)).unwrap_or(0));
            conversation::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                organization_id: Set(bot.organization_id.0),
                bot_id: Set(bot.id.0),
                visitor_id: Set(format!("v_bench_{n}")),
                visitor_name: Set(Some(format!("Visitor {n}"))),
                visitor_email: Set(None),
                status: Set(status.into()),
                last_seq: Set(4),
                message_count: Set(4),
                preview: Set(format!("Where is my order {n}? It has not arrived yet.")),
                started_at: Set(began),
                updated_at: Set(began + Duration::minutes(3)),
                assigned_agent_id: Set(agent),
                assigned_agent_name: Set(agent.map(|_| "Agent".to_owned())),
                resolved_at: Set(None),
                resolved_by: Set(None),
                resolution_note: Set(None),
                satisfaction_rating: Set(None),
                satisfaction_comment: Set(None),
                satisfaction_rated_at: Set(None),
                last_activity_at: Set(Some(began + Duration::minutes(i64::try_from(n % 60).unwrap_or(0)))),
                sentiment: Set(Some(MOODS[n % MOODS.len()].into())),
                tags: Set((n % 7 == 0).then(|| ",billing,".to_owned())),
                queued_at: Set((status == "escalated").then_some(began)),
                ..Default::default()
            }
        })
        .collect();
    for batch in rows.chunks(500) {
        conversation::Entity::insert_many(batch.to_vec()).exec(db).await?;
    }
    println!("{engine}: {count} open conversations added in {:.1} s", started.elapsed().as_secs_f64());

    let viewer = Viewer { user_id: owner.id, organization_id: bot.organization_id, role: Role::Owner };
    let deep = u64::try_from(count / 25 / 2).unwrap_or(1).max(1);
    let queries: Vec<(&str, InboxQuery)> = vec![
        ("all, escalated first, page 1", InboxQuery::default()),
        ("mine", InboxQuery { view: InboxView::Mine, ..Default::default() }),
        (
            "unassigned, longest waiting first",
            InboxQuery { view: InboxView::Unassigned, sort: InboxSort::Waiting, ..Default::default() },
        ),
        ("escalated", InboxQuery { view: InboxView::Escalated, ..Default::default() }),
        (
            "frustrated, this week, latest first",
            InboxQuery {
                sentiment: Some(app::dto::Sentiment::VeryNegative),
                from: Some((now - Duration::days(7)).format("%Y-%m-%d").to_string()),
                sort: InboxSort::Recent,
                ..Default::default()
            },
        ),
        ("tagged billing", InboxQuery { tag: Some("billing".into()), ..Default::default() }),
        ("all, a page in the middle", InboxQuery { page: Some(deep), ..Default::default() }),
    ];
    println!(
        "{rounds} rounds each; every call lists a page of 25, counts every view and reads the bot names"
    );
    for (name, query) in queries {
        let listed = state.conversations.inbox(&viewer, &query).await?;
        let mut took = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            std::hint::black_box(state.conversations.inbox(&viewer, &query).await?);
            took.push(t.elapsed().as_secs_f64() * 1_000.0);
        }
        took.sort_by(f64::total_cmp);
        println!(
            "  {name:<38} {:>6} match · p50 {:>6.2} ms · p95 {:>6.2} ms · max {:>6.2} ms",
            listed.pagination.total,
            percentile(&took, 0.50),
            percentile(&took, 0.95),
            took.last().copied().unwrap_or_default()
        );
    }
    app.stop_token().cancel();
    Ok(())
}
