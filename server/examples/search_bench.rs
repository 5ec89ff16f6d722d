//! Conversation search at volume (issue "The agent inbox": p95 < 50 ms at 1,000,000 messages):
//! N conversations of M messages each (default 100,000 × 10) spread over 10 organizations,
//! generated from a fixed seed — support phrases ("reset my password", "refund for order …")
//! among words drawn from a 5,000-word vocabulary with a Zipf-like spread, statuses, agents,
//! tags, ratings and days over 90 days — put into the conversation index
//! (`search::conversations`, the server's own code, through its one writer task), then each
//! query run R times scoped to one organization, as `POST /api/v1/conversations/search` asks
//! it: the page of 20, the total and the counts by status, agent, bot and rating.
//!
//! With `CHATSUPPORT_BENCH_DATABASE_URL` (an empty PostgreSQL database) the same conversations
//! go into a table with a `tsvector` of their messages and a GIN index, and the same queries
//! run as one statement each (the page by `ts_rank`, the total and the counts by status and
//! agent), side by side.
//!
//! Reports indexing throughput, the index's size on disk and the process's resident memory,
//! and p50 / p95 / max per query.
//!
//! `cargo run --release -p chatsupport --example search_bench -- [conversations] [messages each] [rounds]`

use std::time::Instant;

use app::conversation_search::{SearchFilters, SearchRequest, SearchSort, SortField};
use chatsupport::search::conversations::{ConversationDoc, ConversationSearch};
use sea_orm::{ConnectionTrait, Statement, Value};
use uuid::Uuid;

#[path = "support/stats.rs"]
mod stats;
use stats::percentile;

const ORGS: usize = 10;
const STATUSES: [&str; 6] = ["active", "waiting", "escalated", "agent_handling", "resolved", "abandoned"];
const TAGS: [&str; 6] = ["billing", "shipping", "bug", "vip", "refund", "account"];
const PHRASES: [&str; 12] = [
    "I need to reset my password",
    "where is my order",
    "I want a refund for order",
    "the invoice has the wrong address",
    "my parcel is stuck in customs",
    "the app crashes when I log in",
    "can I change my delivery address",
    "please cancel my subscription",
    "the payment failed twice",
    "how do I export my data",
    "thanks that solved it",
    "is there a discount for students",
];

/// A small deterministic generator (xorshift), so every run indexes the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards small numbers: a few words are common, most are rare.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as usize % n
    }
}

fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "ni", "pra", "qu", "ste", "bo", "lin", "ga",
        "mer", "tu", "fi", "zan", "co", "pe", "ri", "hul", "win",
    ];
    let mut words = Vec::with_capacity(5_000);
    let mut rng = Rng(42);
    while words.len() < 5_000 {
        let n = 2 + rng.below(2);
        let word: String = (0..n).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

fn generate(conversations: usize, per: usize) -> (Vec<ConversationDoc>, Vec<Uuid>) {
    let words = vocabulary();
    let orgs: Vec<Uuid> = (0..ORGS).map(|n| Uuid::from_u128(0x0a00 + n as u128)).collect();
    let mut rng = Rng(7);
    let now = 1_796_601_600_i64;
    let docs = (0..conversations)
        .map(|n| {
            let org = n % ORGS;
            let messages = (0..per)
                .map(|m| {
                    let mut text = String::new();
                    if m % 3 == 0 {
                        text.push_str(PHRASES[rng.zipf(PHRASES.len())]);
                        text.push_str(&format!(" {}", 10_000 + rng.below(90_000)));
                    }
                    for _ in 0..(6 + rng.below(14)) {
                        text.push(' ');
                        text.push_str(&words[rng.zipf(words.len())]);
                    }
                    text.trim().to_owned()
                })
                .collect();
            let started = now - (rng.below(90 * 24 * 3600)) as i64;
            let status = STATUSES[rng.below(STATUSES.len())];
            ConversationDoc {
                organization_id: orgs[org],
                id: Uuid::from_u128((n as u128) << 8 | 0xc),
                bot_id: Uuid::from_u128(0x0b00 + org as u128),
                status: status.into(),
                agent_id: (rng.below(3) > 0)
                    .then(|| Uuid::from_u128(0xa9_000 + (org * 8 + rng.below(8)) as u128)),
                tags: (0..rng.below(3)).map(|_| TAGS[rng.below(TAGS.len())].to_owned()).collect(),
                satisfaction: (status == "resolved" && rng.below(2) == 0).then(|| 1 + rng.below(5) as u8),
                started_at: started * 1_000,
                updated_at: (started + rng.below(3_600) as i64) * 1_000,
                customer_name: format!("Customer {n}"),
                customer_email: (n % 2 == 0).then(|| format!("customer{n}@example.com")),
                messages,
                notes: if n % 10 == 0 {
                    vec![format!("Called back, {}", words[rng.below(words.len())])]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    (docs, orgs)
}

/// The queries, as the inbox and REST would ask them.
fn queries() -> Vec<(&'static str, SearchRequest)> {
    let words = |q: &str| SearchRequest { query: q.into(), limit: 20, page: 1, ..Default::default() };
    let filtered = |q: &str, filters: SearchFilters| SearchRequest { filters, ..words(q) };
    vec![
        ("common word: order", words("order")),
        ("two words: refund invoice", words("refund invoice")),
        ("phrase: \"reset my password\"", words("\"reset my password\"")),
        ("rare word", words("kalomi")),
        ("typo: pasword", words("pasword")),
        (
            "word + status escalated",
            filtered(
                "order",
                SearchFilters { status: vec![app::dto::ConversationStatus::Escalated], ..Default::default() },
            ),
        ),
        (
            "word + tag billing",
            filtered("payment", SearchFilters { tags: vec!["billing".into()], ..Default::default() }),
        ),
        (
            "no words, latest first (filters only)",
            SearchRequest {
                sort: SearchSort { field: SortField::UpdatedAt, ..Default::default() },
                ..words("")
            },
        ),
        ("common word, page 20", SearchRequest { page: 20, ..words("order") }),
    ]
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn summary(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    (percentile(&times, 0.5), percentile(&times, 0.95), *times.last().unwrap_or(&0.0))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let conversations: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let per: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100);

    let started = Instant::now();
    let (docs, orgs) = generate(conversations, per);
    println!(
        "generated {conversations} conversations, {} messages, {} organizations in {:.1} s",
        conversations * per,
        ORGS,
        started.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir()?;
    let rss_before = rss_mib();
    let index = ConversationSearch::open(dir.path())?;
    let started = Instant::now();
    for doc in docs.iter().cloned() {
        index.put(doc).await;
    }
    index.flush().await;
    let took = started.elapsed().as_secs_f64();
    println!(
        "indexed in {took:.1} s: {:.0} conversations/s, {:.0} messages/s; index on disk {:.0} MiB; RSS {:.0} → {:.0} MiB",
        conversations as f64 / took,
        (conversations * per) as f64 / took,
        dir_size(dir.path()) as f64 / 1_048_576.0,
        rss_before,
        rss_mib()
    );

    let pg = match std::env::var("CHATSUPPORT_BENCH_DATABASE_URL") {
        Ok(url) => Some(load_postgres(&url, &docs).await?),
        Err(_) => None,
    };
    drop(docs);

    println!("\n| query | matches | tantivy p50 / p95 / max | PostgreSQL p50 / p95 / max | p95 ratio |");
    println!("|---|---:|---|---|---:|");
    for (name, request) in queries() {
        let mut times = Vec::with_capacity(rounds);
        let mut matches = 0;
        for round in 0..rounds {
            let org = app::dto::OrganizationId(orgs[round % ORGS]);
            let t = Instant::now();
            let found = index.search(org, &request).map_err(|e| anyhow::anyhow!("{e}"))?;
            times.push(t.elapsed().as_secs_f64() * 1_000.0);
            matches = found.total;
        }
        let (p50, p95, max) = summary(times);
        let pg_cell = match &pg {
            Some(db) => match pg_query(&request) {
                Some(sql) => {
                    let mut times = Vec::with_capacity(rounds);
                    for round in 0..rounds {
                        let t = Instant::now();
                        db.query_all_raw(Statement::from_sql_and_values(
                            sea_orm::DbBackend::Postgres,
                            sql.clone(),
                            [Value::from(orgs[round % ORGS]), Value::from(request.query.clone())],
                        ))
                        .await?;
                        times.push(t.elapsed().as_secs_f64() * 1_000.0);
                    }
                    let (q50, q95, qmax) = summary(times);
                    (format!("{q50:.1} / {q95:.1} / {qmax:.1} ms"), format!("{:.1}×", q95 / p95))
                }
                None => ("— (no typo tolerance)".to_owned(), "—".to_owned()),
            },
            None => ("not run".to_owned(), "—".to_owned()),
        };
        println!(
            "| {name} | {} | {p50:.1} / {p95:.1} / {max:.1} ms | {} | {} |",
            matches, pg_cell.0, pg_cell.1
        );
    }
    println!("\nRSS after the queries: {:.0} MiB", rss_mib());
    Ok(())
}

async fn load_postgres(url: &str, docs: &[ConversationDoc]) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = sea_orm::Database::connect(url).await?;
    db.execute_unprepared(
        "DROP TABLE IF EXISTS bench_conversations;
         CREATE TABLE bench_conversations (
            id uuid PRIMARY KEY, org uuid NOT NULL, bot uuid NOT NULL, status text NOT NULL,
            agent text NOT NULL, tags text NOT NULL, satisfaction int NOT NULL,
            started_at bigint NOT NULL, updated_at bigint NOT NULL, body text NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)",
    )
    .await?;
    let started = Instant::now();
    for batch in docs.chunks(1_000) {
        let mut sql = String::from(
            "INSERT INTO bench_conversations (id, org, bot, status, agent, tags, satisfaction, started_at, updated_at, body) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 10);
        for (i, d) in batch.iter().enumerate() {
            let at = i * 10;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${},${})",
                at + 1,
                at + 2,
                at + 3,
                at + 4,
                at + 5,
                at + 6,
                at + 7,
                at + 8,
                at + 9,
                at + 10
            ));
            values.extend([
                Value::from(d.id),
                Value::from(d.organization_id),
                Value::from(d.bot_id),
                Value::from(d.status.clone()),
                Value::from(d.agent_id.map_or_else(|| "unassigned".to_owned(), |a| a.to_string())),
                Value::from(format!(",{},", d.tags.join(","))),
                Value::from(i32::from(d.satisfaction.unwrap_or(0))),
                Value::from(d.started_at),
                Value::from(d.updated_at),
                Value::from(format!("{} {} {}", d.customer_name, d.messages.join(" "), d.notes.join(" "))),
            ]);
        }
        db.execute_raw(Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, values)).await?;
    }
    let inserted = started.elapsed().as_secs_f64();
    let started = Instant::now();
    db.execute_unprepared(
        "CREATE INDEX bench_tsv ON bench_conversations USING GIN (tsv);
         CREATE INDEX bench_org_updated ON bench_conversations (org, updated_at DESC);
         ANALYZE bench_conversations",
    )
    .await?;
    println!(
        "PostgreSQL: inserted in {inserted:.1} s, GIN and btree built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(db)
}

/// The same search in one PostgreSQL statement: the matches of the organization, the page of
/// 20 by rank (or latest first without words), the total and the counts by status and agent.
fn pg_query(request: &SearchRequest) -> Option<String> {
    if request.query.contains("pasword") {
        return None;
    }
    let mut filter = String::new();
    if request.filters.status.contains(&app::dto::ConversationStatus::Escalated) {
        filter.push_str(" AND status = 'escalated'");
    }
    if request.filters.tags.iter().any(|t| t == "billing") {
        filter.push_str(" AND tags LIKE '%,billing,%'");
    }
    let offset = (request.page.max(1) - 1) * request.limit;
    let (matched, order) = if request.query.trim().is_empty() {
        (
            format!(
                "SELECT id, status, agent, updated_at, 0::real AS rank FROM bench_conversations WHERE org = $1 AND $2 = $2{filter}"
            ),
            "updated_at DESC",
        )
    } else {
        (
            format!(
                "SELECT id, status, agent, updated_at, ts_rank(tsv, q) AS rank FROM bench_conversations, websearch_to_tsquery('simple', $2) q WHERE org = $1 AND tsv @@ q{filter}"
            ),
            "rank DESC",
        )
    };
    Some(format!(
        "WITH m AS ({matched})
         SELECT (SELECT count(*) FROM m) AS total,
                (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) n FROM m GROUP BY status) s) AS by_status,
                (SELECT json_object_agg(agent, n) FROM (SELECT agent, count(*) n FROM m GROUP BY agent) a) AS by_agent,
                (SELECT json_agg(id) FROM (SELECT id FROM m ORDER BY {order} LIMIT {} OFFSET {offset}) p) AS page",
        request.limit
    ))
}
