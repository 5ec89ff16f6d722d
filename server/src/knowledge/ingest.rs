//! The `knowledge.ingest` job: one source from its bytes (or typed text) to indexed passages.
//! Each step is written to the source's row and announced (the dashboard's progress bar and
//! the PRD's `document:processing|processed|failed` frames). A problem with the content fails
//! the source with its reason and ends the job; trouble on our side (the database) retries.
//! A second run (a restart mid-way) simply does the source again: its passages are replaced,
//! never added twice.

use app::{dto::OrganizationId, ids::SourceId};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    KnowledgeService, Problem,
    chunking::{self, Passage},
    extract::{self, Extracted, Section},
    index::IndexedPassage,
    kind_of,
};
use crate::{
    entities::{knowledge_chunk as chunk, knowledge_source as source},
    jobs::{JobContext, JobError, JobHandler, NewJob},
    storage::FileKey,
};

pub const KIND: &str = "knowledge.ingest";

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    source_id: Uuid,
}

/// The job that processes `source`.
pub fn job(organization: OrganizationId, source: SourceId) -> NewJob {
    NewJob::new(KIND, serde_json::json!({ "source_id": source.0 })).for_organization(organization.0)
}

pub struct Ingest {
    pub knowledge: KnowledgeService,
}

/// Passages are written in batches of this many rows.
const INSERT_BATCH: usize = 200;
/// Passages are embedded this many at a time (a query waits for at most one batch).
pub(super) const EMBED_BATCH: usize = 8;

#[async_trait::async_trait]
impl JobHandler for Ingest {
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let payload: Payload = ctx.payload()?;
        let Some(org) = ctx.job.organization_id else {
            return Err(JobError::Fatal("a knowledge job without an organization".into()));
        };
        let k = &self.knowledge;
        let Some(row) = find(k, org, payload.source_id).await? else { return Ok(()) };
        // A newer job (the FAQ was edited again) does the work.
        if row.job_id.is_some_and(|j| j != ctx.job.id) {
            return Ok(());
        }
        let started = Utc::now();
        let row = step(k, row, source::SourceStatus::Extracting, 0, Some(started)).await?;
        let extracted = match read(k, &row).await {
            Ok(extracted) => extracted,
            Err(problem) => return fail(k, row, &problem).await,
        };
        if ctx.is_cancelled() {
            return Ok(());
        }
        let row = step(k, row, source::SourceStatus::Chunking, 0, None).await?;
        let mime = extracted.mime;
        let passages = passages_of(&row, extracted, k.passage_sizer()).await;
        if passages.is_empty() {
            return fail(k, row, &Problem::Empty).await;
        }
        let hash = text_hash(&passages);
        let mut row = step(k, row, source::SourceStatus::Indexing, 0, None).await?;
        let language = super::bot_language(&k.db, row.organization_id, row.bot_id).await?;
        let (mut models, mut indexed) = records(&row, &passages, row.url.as_deref(), language);
        if let Some(embedder) = k.embedder() {
            let mut told = std::time::Instant::now();
            let total = indexed.len();
            let mut done = 0;
            for (m, p) in models.chunks_mut(EMBED_BATCH).zip(indexed.chunks_mut(EMBED_BATCH)) {
                embed_batch(embedder, m, p).await;
                done += p.len();
                if ctx.is_cancelled() {
                    return Ok(());
                }
                if told.elapsed() >= std::time::Duration::from_secs(1) && done < total {
                    // Embedding is most of this step: the bar moves with it (to 90 %).
                    let within = i32::try_from(done * 90 / total).unwrap_or(90);
                    row = step(k, row, source::SourceStatus::Indexing, within, None).await?;
                    told = std::time::Instant::now();
                }
            }
        }
        let stored = match store(k, ctx, &row, models, indexed).await? {
            Some(stored) => stored,
            None => return Ok(()), // deleted meanwhile
        };
        k.index.replace_source(SourceId(row.id), stored).await;
        k.index.flush().await;
        // Deleted while we indexed: take its passages out again.
        let Some(row) = find(k, org, row.id).await? else {
            k.index.delete_source(SourceId(payload.source_id)).await;
            k.index.flush().await;
            return Ok(());
        };
        let mut done = row.into_active_model();
        done.status = Set(source::SourceStatus::Completed);
        done.progress = Set(100);
        done.chunk_count = Set(i32::try_from(passages.len()).unwrap_or(i32::MAX));
        done.mime_type = Set(Some(mime.to_owned()));
        done.content_hash = Set(Some(hash));
        done.error = Set(None);
        done.error_code = Set(None);
        done.processing_completed_at = Set(Some(Utc::now()));
        done.updated_at = Set(Utc::now());
        let done = done.update(&k.db).await?;
        announce(k, done).await;
        Ok(())
    }
}

async fn find(k: &KnowledgeService, org: Uuid, id: Uuid) -> Result<Option<source::Model>, JobError> {
    Ok(source::Entity::find_by_id(id).filter(source::Column::OrganizationId.eq(org)).one(&k.db).await?)
}

async fn announce(k: &KnowledgeService, row: source::Model) {
    let org = OrganizationId(row.organization_id);
    k.announce(org, &super::view(row)).await;
}

/// Moves the source to `status` and announces it.
async fn step(
    k: &KnowledgeService,
    row: source::Model,
    status: source::SourceStatus,
    progress: i32,
    started: Option<chrono::DateTime<Utc>>,
) -> Result<source::Model, JobError> {
    let mut active = row.into_active_model();
    active.status = Set(status);
    active.progress = Set(progress);
    if let Some(at) = started {
        active.processing_started_at = Set(Some(at));
        active.processing_completed_at = Set(None);
        active.error = Set(None);
        active.error_code = Set(None);
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&k.db).await?;
    announce(k, row.clone()).await;
    Ok(row)
}

pub(super) async fn fail(
    k: &KnowledgeService,
    row: source::Model,
    problem: &Problem,
) -> Result<(), JobError> {
    let id = row.id;
    let mut active = row.into_active_model();
    active.status = Set(source::SourceStatus::Failed);
    active.error_code = Set(Some(problem.code().to_owned()));
    active.error = Set(Some(problem.message()));
    active.chunk_count = Set(0);
    active.processing_completed_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    let row = active.update(&k.db).await?;
    tracing::info!(source = %id, code = problem.code(), "a knowledge source failed");
    // What it had before (a re-upload of an FAQ that now fails) is no longer what it says.
    chunk::Entity::delete_many()
        .filter(chunk::Column::OrganizationId.eq(row.organization_id))
        .filter(chunk::Column::SourceId.eq(id))
        .exec(&k.db)
        .await?;
    k.index.delete_source(SourceId(id)).await;
    announce(k, row).await;
    Ok(())
}

/// The source's text, by kind.
async fn read(k: &KnowledgeService, row: &source::Model) -> Result<Extracted, Problem> {
    match row.kind {
        source::SourceKind::Document => {
            let key = row.file_key.as_deref().and_then(FileKey::parse).ok_or(Problem::Missing)?;
            let bytes = k.files.read(&key).await.map_err(|_| Problem::Missing)?;
            extract::extract_guarded(bytes, row.filename.clone().unwrap_or_default()).await
        }
        source::SourceKind::Snippet => {
            let text = row.body.clone().unwrap_or_default();
            extract::extract_guarded(text.into_bytes(), "snippet.md".into()).await
        }
        source::SourceKind::Faq => Ok(Extracted {
            mime: "text/plain",
            title: row.question.clone(),
            sections: vec![Section {
                headings: Vec::new(),
                text: row.body.clone().unwrap_or_default(),
                page: None,
            }],
        }),
        source::SourceKind::Url => Err(Problem::Unsupported),
    }
}

/// An FAQ is one passage (its question is the heading); everything else is cut by structure.
async fn passages_of(row: &source::Model, extracted: Extracted, sizer: chunking::Sizer) -> Vec<Passage> {
    if row.kind == source::SourceKind::Faq {
        let answer = extracted.sections.first().map(|s| s.text.trim().to_owned()).unwrap_or_default();
        if answer.is_empty() {
            return Vec::new();
        }
        return vec![Passage {
            heading_path: row.question.clone().unwrap_or_default(),
            content: answer,
            page: None,
        }];
    }
    chunking::passages_off_thread(extracted, sizer).await
}

pub(super) fn text_hash(passages: &[Passage]) -> String {
    let mut hash = Sha256::new();
    for p in passages {
        hash.update(p.heading_path.as_bytes());
        hash.update([0]);
        hash.update(p.content.as_bytes());
        hash.update([0]);
    }
    format!("{:x}", hash.finalize())
}

/// The stored rows and the index documents of a source's `passages`, each citing `url`.
pub(super) fn records(
    row: &source::Model,
    passages: &[Passage],
    url: Option<&str>,
    language: usize,
) -> (Vec<chunk::ActiveModel>, Vec<IndexedPassage>) {
    let now = Utc::now();
    let kind = kind_of(row.kind);
    let ids: Vec<Uuid> = passages.iter().map(|_| Uuid::now_v7()).collect();
    let models = passages
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(i, (p, id))| chunk::ActiveModel {
            id: Set(*id),
            organization_id: Set(row.organization_id),
            bot_id: Set(row.bot_id),
            source_id: Set(row.id),
            ordinal: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            heading_path: Set(p.heading_path.clone()),
            content: Set(p.content.clone()),
            page: Set(p.page.and_then(|n| i32::try_from(n).ok())),
            url: Set(url.map(str::to_owned)),
            embedding: Set(None),
            created_at: Set(now),
        })
        .collect();
    let indexed = ids
        .iter()
        .zip(passages)
        .enumerate()
        .map(|(i, (id, p))| IndexedPassage {
            chunk_id: *id,
            ordinal: u32::try_from(i).unwrap_or(u32::MAX),
            organization_id: OrganizationId(row.organization_id),
            bot_id: app::dto::BotId(row.bot_id),
            source_id: SourceId(row.id),
            kind,
            title: row.title.clone(),
            heading_path: p.heading_path.clone(),
            question: row.question.clone(),
            content: p.content.clone(),
            page: p.page,
            url: url.map(str::to_owned),
            vector: None,
            language,
        })
        .collect();
    (models, indexed)
}

/// Gives each passage its vector, on the stored row and the index document alike. If the
/// embedder fails the passages go in without (found by keywords until `chatsupport reindex`).
pub(super) async fn embed_batch(
    embedder: &crate::embeddings::Embedder,
    models: &mut [chunk::ActiveModel],
    passages: &mut [IndexedPassage],
) {
    let texts = passages.iter().map(IndexedPassage::embedding_text).collect();
    match embedder.embed(texts).await {
        Ok(vectors) => {
            for ((m, p), v) in models.iter_mut().zip(passages.iter_mut()).zip(vectors) {
                m.embedding = Set(Some(crate::embeddings::to_bytes(&v)));
                p.vector = Some(v);
            }
        }
        Err(err) => tracing::warn!(
            error = %err,
            "embedding passages failed: they are found by keywords only until `chatsupport reindex`"
        ),
    }
}

/// Replaces the source's stored passages in one transaction; `None` if the source is gone.
async fn store(
    k: &KnowledgeService,
    ctx: &JobContext,
    row: &source::Model,
    models: Vec<chunk::ActiveModel>,
    indexed: Vec<IndexedPassage>,
) -> Result<Option<Vec<IndexedPassage>>, JobError> {
    let total = models.len();
    let txn = crate::db::begin_write(&k.db).await?;
    let exists = source::Entity::find_by_id(row.id)
        .filter(source::Column::OrganizationId.eq(row.organization_id))
        .one(&txn)
        .await?
        .is_some();
    if !exists {
        return Ok(None);
    }
    chunk::Entity::delete_many()
        .filter(chunk::Column::OrganizationId.eq(row.organization_id))
        .filter(chunk::Column::SourceId.eq(row.id))
        .exec(&txn)
        .await?;
    for batch in models.chunks(INSERT_BATCH) {
        chunk::Entity::insert_many(batch.to_vec()).exec(&txn).await?;
    }
    txn.commit().await?;
    // After the commit: the job's own row is another write, which would wait for this one.
    let _ = ctx.progress(total as u64, total as u64, Some("passages stored".into())).await;
    Ok(Some(indexed))
}

/// Rebuilds the knowledge index from `knowledge_chunks` when their counts differ (the index
/// was lost or is from another database), or always with `force` (`chatsupport reindex`), and
/// loads the stored vectors beside it. Returns how many passages it indexed, if it did.
pub async fn rebuild_if_behind(k: &KnowledgeService) -> crate::error::Result<Option<usize>> {
    rebuild(k, false).await
}

pub async fn rebuild(k: &KnowledgeService, force: bool) -> crate::error::Result<Option<usize>> {
    use sea_orm::PaginatorTrait;
    let stored = chunk::Entity::find().count(&k.db).await?;
    if !force && stored == k.index.num_docs() {
        load_vectors(k).await?;
        return Ok(None);
    }
    tracing::info!(stored, indexed = k.index.num_docs(), "rebuilding the knowledge index from the database");
    k.index.clear().await;
    let sources = source::Entity::find().order_by_asc(source::Column::CreatedAt).all(&k.db).await?;
    let mut total = 0;
    let mut languages: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for s in sources {
        let rows = passages_of_source(&s).all(&k.db).await?;
        total += rows.len();
        let language = match languages.get(&s.bot_id) {
            Some(l) => *l,
            None => {
                let l = super::bot_language(&k.db, s.organization_id, s.bot_id).await?;
                languages.insert(s.bot_id, l);
                l
            }
        };
        let passages = rows.into_iter().map(|c| indexed_of(&s, c, language)).collect();
        k.index.replace_source(SourceId(s.id), passages).await;
    }
    k.index.flush().await;
    Ok(Some(total))
}

/// A bot's language changed (or its passages were indexed with another stemmer): index its
/// passages again with the stemmer of its language. Returns whether it had to.
pub async fn restem(k: &KnowledgeService, bot_id: app::dto::BotId) -> crate::error::Result<bool> {
    let Some(found) = crate::entities::bot::Entity::find_by_id(bot_id.0).one(&k.db).await? else {
        return Ok(false);
    };
    let language = super::bot_language(&k.db, found.organization_id, found.id).await?;
    if k.index.language_of(bot_id)?.is_none_or(|now| now == language) {
        return Ok(false);
    }
    let sources = source::Entity::find()
        .filter(source::Column::OrganizationId.eq(found.organization_id))
        .filter(source::Column::BotId.eq(found.id))
        .all(&k.db)
        .await?;
    for s in sources {
        let rows = passages_of_source(&s).all(&k.db).await?;
        let passages = rows.into_iter().map(|c| indexed_of(&s, c, language)).collect();
        k.index.replace_source(SourceId(s.id), passages).await;
    }
    k.index.flush().await;
    tracing::info!(bot = %found.id, "a bot's language changed: its knowledge was indexed again");
    Ok(true)
}

/// A source's stored passages, in order.
fn passages_of_source(s: &source::Model) -> sea_orm::Select<chunk::Entity> {
    chunk::Entity::find()
        .filter(chunk::Column::OrganizationId.eq(s.organization_id))
        .filter(chunk::Column::SourceId.eq(s.id))
        .order_by_asc(chunk::Column::Ordinal)
}

fn indexed_of(s: &source::Model, c: chunk::Model, language: usize) -> IndexedPassage {
    IndexedPassage {
        chunk_id: c.id,
        ordinal: u32::try_from(c.ordinal).unwrap_or(0),
        organization_id: OrganizationId(s.organization_id),
        bot_id: app::dto::BotId(s.bot_id),
        source_id: SourceId(s.id),
        kind: kind_of(s.kind),
        title: s.title.clone(),
        heading_path: c.heading_path,
        question: s.question.clone(),
        content: c.content,
        page: c.page.and_then(|p| u32::try_from(p).ok()),
        url: c.url,
        vector: c.embedding.as_deref().map(crate::embeddings::from_bytes),
        language,
    }
}

/// The stored vectors into memory (the index itself was up to date).
async fn load_vectors(k: &KnowledgeService) -> crate::error::Result<()> {
    use super::vectors::NewVector;
    // (passage, organization, bot, source, vector bytes)
    type Row = (Uuid, Uuid, Uuid, Uuid, Option<Vec<u8>>);
    let rows: Vec<Row> = chunk::Entity::find()
        .select_only()
        .columns([
            chunk::Column::Id,
            chunk::Column::OrganizationId,
            chunk::Column::BotId,
            chunk::Column::SourceId,
        ])
        .column(chunk::Column::Embedding)
        .filter(chunk::Column::Embedding.is_not_null())
        .into_tuple()
        .all(&k.db)
        .await?;
    let vectors = rows
        .into_iter()
        .filter_map(|(chunk_id, org, bot, source_id, bytes)| {
            Some(NewVector {
                chunk: chunk_id,
                organization: OrganizationId(org),
                bot: app::dto::BotId(bot),
                source: SourceId(source_id),
                vector: crate::embeddings::from_bytes(&bytes?),
            })
        })
        .collect();
    k.index.vectors().load(vectors);
    Ok(())
}

/// Gives every stored passage without a vector one (the model was installed after the
/// knowledge came in, or the endpoint failed then) — with `all`, every passage a new one.
/// Returns how many it embedded.
pub async fn embed_missing(k: &KnowledgeService, all: bool) -> crate::error::Result<usize> {
    let Some(embedder) = k.embedder() else { return Ok(0) };
    let sources = source::Entity::find().order_by_asc(source::Column::CreatedAt).all(&k.db).await?;
    let mut total = 0;
    for s in sources {
        let mut rows = passages_of_source(&s);
        if !all {
            rows = rows.filter(chunk::Column::Embedding.is_null());
        }
        let rows = rows.all(&k.db).await?;
        for batch in rows.chunks(EMBED_BATCH) {
            let texts = batch
                .iter()
                .map(|c| {
                    super::index::embedding_text(&s.title, &c.heading_path, s.question.as_deref(), &c.content)
                })
                .collect();
            let vectors = embedder.embed(texts).await?;
            // After the embedder: the write transaction holds only the updates.
            let txn = crate::db::begin_write(&k.db).await?;
            let mut fresh = Vec::new();
            for (c, v) in batch.iter().zip(vectors) {
                let updated = chunk::Entity::update_many()
                    .col_expr(
                        chunk::Column::Embedding,
                        sea_orm::sea_query::Expr::value(crate::embeddings::to_bytes(&v)),
                    )
                    .filter(chunk::Column::Id.eq(c.id))
                    .filter(chunk::Column::OrganizationId.eq(s.organization_id))
                    .exec(&txn)
                    .await?;
                // A passage replaced meanwhile (the source was processed again) has its own.
                if updated.rows_affected == 1 {
                    fresh.push(super::vectors::NewVector {
                        chunk: c.id,
                        organization: OrganizationId(s.organization_id),
                        bot: app::dto::BotId(s.bot_id),
                        source: SourceId(s.id),
                        vector: v,
                    });
                }
            }
            txn.commit().await?;
            total += fresh.len();
            let ids: Vec<Uuid> = fresh.iter().map(|v| v.chunk).collect();
            k.index.vectors().swap(&ids, fresh);
        }
    }
    Ok(total)
}
