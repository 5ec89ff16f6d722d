//! A bot's knowledge. `knowledge_sources`: one row per thing an owner gave a bot — an uploaded
//! document, a site to crawl, an FAQ, a typed snippet — with where its processing stands
//! (`status`: pending → extracting → chunking → indexing → completed | failed, a reason a
//! person understands when it failed, and a 0–100 `progress`). One table rather than the
//! PRD's three, so the Knowledge page, the status machine, the ingestion job and deletion are
//! one path for every kind; the columns of one kind are empty on the others.
//! `knowledge_chunks`: the passages a source was cut into, each with the heading path, page
//! and URL an answer cites (and, once embedded, its vector); the search index is built from them and can be rebuilt from them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnowledgeSources::Table)
                    .if_not_exists()
                    .col(uuid(KnowledgeSources::Id).primary_key())
                    .col(uuid(KnowledgeSources::OrganizationId))
                    .col(uuid(KnowledgeSources::BotId))
                    .col(string_len(KnowledgeSources::Kind, 20))
                    .col(string_len(KnowledgeSources::Title, 300))
                    .col(string_len(KnowledgeSources::Status, 20))
                    .col(integer(KnowledgeSources::Progress).default(0))
                    .col(string_len_null(KnowledgeSources::ErrorCode, 40))
                    .col(text_null(KnowledgeSources::Error))
                    .col(integer(KnowledgeSources::ChunkCount).default(0))
                    .col(big_integer(KnowledgeSources::SizeBytes).default(0))
                    .col(string_len_null(KnowledgeSources::Filename, 255))
                    .col(string_len_null(KnowledgeSources::MimeType, 100))
                    .col(string_len_null(KnowledgeSources::FileKey, 300))
                    .col(text_null(KnowledgeSources::Metadata))
                    .col(text_null(KnowledgeSources::Url))
                    .col(text_null(KnowledgeSources::CrawlSettings))
                    .col(text_null(KnowledgeSources::Schedule))
                    .col(integer(KnowledgeSources::PagesFound).default(0))
                    .col(integer(KnowledgeSources::PagesProcessed).default(0))
                    .col(integer(KnowledgeSources::PagesFailed).default(0))
                    .col(timestamp_with_time_zone_null(KnowledgeSources::LastCrawledAt))
                    .col(timestamp_with_time_zone_null(KnowledgeSources::NextCrawlAt))
                    .col(text_null(KnowledgeSources::Question))
                    .col(text_null(KnowledgeSources::Body))
                    .col(string_len_null(KnowledgeSources::Category, 50))
                    .col(text_null(KnowledgeSources::Tags))
                    .col(string_len_null(KnowledgeSources::Priority, 10))
                    .col(string_len_null(KnowledgeSources::ContentHash, 64))
                    .col(uuid_null(KnowledgeSources::JobId))
                    .col(uuid_null(KnowledgeSources::CreatedBy))
                    .col(timestamp_with_time_zone(KnowledgeSources::CreatedAt))
                    .col(timestamp_with_time_zone(KnowledgeSources::UpdatedAt))
                    .col(timestamp_with_time_zone_null(KnowledgeSources::ProcessingStartedAt))
                    .col(timestamp_with_time_zone_null(KnowledgeSources::ProcessingCompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnowledgeSources::Table, KnowledgeSources::BotId)
                            .to(Bots::Table, Bots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_knowledge_sources_bot")
                    .table(KnowledgeSources::Table)
                    .col(KnowledgeSources::OrganizationId)
                    .col(KnowledgeSources::BotId)
                    .col(KnowledgeSources::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KnowledgeChunks::Table)
                    .if_not_exists()
                    .col(uuid(KnowledgeChunks::Id).primary_key())
                    .col(uuid(KnowledgeChunks::OrganizationId))
                    .col(uuid(KnowledgeChunks::BotId))
                    .col(uuid(KnowledgeChunks::SourceId))
                    .col(integer(KnowledgeChunks::Ordinal))
                    .col(text(KnowledgeChunks::HeadingPath))
                    .col(text(KnowledgeChunks::Content))
                    .col(integer_null(KnowledgeChunks::Page))
                    .col(text_null(KnowledgeChunks::Url))
                    // The passage's vector (little-endian f32s), once an embedder made one.
                    .col(blob_null(KnowledgeChunks::Embedding))
                    .col(timestamp_with_time_zone(KnowledgeChunks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnowledgeChunks::Table, KnowledgeChunks::SourceId)
                            .to(KnowledgeSources::Table, KnowledgeSources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_knowledge_chunks_source")
                    .table(KnowledgeChunks::Table)
                    .col(KnowledgeChunks::SourceId)
                    .col(KnowledgeChunks::Ordinal)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(KnowledgeChunks::Table).if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table(KnowledgeSources::Table).if_exists().to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Bots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum KnowledgeSources {
    Table,
    Id,
    OrganizationId,
    BotId,
    Kind,
    Title,
    Status,
    Progress,
    ErrorCode,
    Error,
    ChunkCount,
    SizeBytes,
    Filename,
    MimeType,
    FileKey,
    Metadata,
    Url,
    CrawlSettings,
    Schedule,
    PagesFound,
    PagesProcessed,
    PagesFailed,
    LastCrawledAt,
    NextCrawlAt,
    Question,
    Body,
    Category,
    Tags,
    Priority,
    ContentHash,
    JobId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ProcessingStartedAt,
    ProcessingCompletedAt,
}

#[derive(DeriveIden)]
enum KnowledgeChunks {
    Table,
    Id,
    OrganizationId,
    BotId,
    SourceId,
    Ordinal,
    HeadingPath,
    Content,
    Page,
    Url,
    Embedding,
    CreatedAt,
}
