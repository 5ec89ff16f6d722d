//! `knowledge_pages`: every page a website source's crawl found, with where it stands
//! (`state`: queued, read, unchanged, duplicate, skipped, failed, over_limit), the validators
//! a re-crawl sends back (`etag`, `last_modified`) and the hash of the text last indexed, so a
//! re-crawl fetches and re-indexes only what changed (the PRD's "sitemap for future
//! incremental updates"). `run_id` is the crawl job that last saw the page: the queued pages of
//! a run are its frontier, kept in the database so a crawl cut off by a restart goes on where
//! it stopped. A page's outgoing `links` are kept so an unchanged page (304) still leads on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnowledgePages::Table)
                    .if_not_exists()
                    .col(uuid(KnowledgePages::Id).primary_key())
                    .col(uuid(KnowledgePages::OrganizationId))
                    .col(uuid(KnowledgePages::SourceId))
                    .col(text(KnowledgePages::Url))
                    .col(integer(KnowledgePages::Depth))
                    .col(string_len(KnowledgePages::State, 20))
                    .col(integer_null(KnowledgePages::HttpStatus))
                    .col(text_null(KnowledgePages::Error))
                    .col(string_len_null(KnowledgePages::Title, 300))
                    .col(text_null(KnowledgePages::Etag))
                    .col(text_null(KnowledgePages::LastModified))
                    .col(string_len_null(KnowledgePages::ContentHash, 64))
                    .col(text_null(KnowledgePages::Links))
                    .col(integer(KnowledgePages::ChunkCount).default(0))
                    .col(uuid(KnowledgePages::RunId))
                    .col(timestamp_with_time_zone_null(KnowledgePages::FetchedAt))
                    .col(timestamp_with_time_zone(KnowledgePages::CreatedAt))
                    .col(timestamp_with_time_zone(KnowledgePages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnowledgePages::Table, KnowledgePages::SourceId)
                            .to(KnowledgeSources::Table, KnowledgeSources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_knowledge_pages_source_url")
                    .table(KnowledgePages::Table)
                    .col(KnowledgePages::SourceId)
                    .col(KnowledgePages::Url)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_knowledge_pages_frontier")
                    .table(KnowledgePages::Table)
                    .col(KnowledgePages::SourceId)
                    .col(KnowledgePages::RunId)
                    .col(KnowledgePages::State)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(KnowledgePages::Table).if_exists().to_owned()).await
    }
}

#[derive(DeriveIden)]
enum KnowledgeSources {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum KnowledgePages {
    Table,
    Id,
    OrganizationId,
    SourceId,
    Url,
    Depth,
    State,
    HttpStatus,
    Error,
    Title,
    Etag,
    LastModified,
    ContentHash,
    Links,
    ChunkCount,
    RunId,
    FetchedAt,
    CreatedAt,
    UpdatedAt,
}
