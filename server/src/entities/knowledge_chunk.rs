use sea_orm::entity::prelude::*;

/// A passage of a knowledge source, as indexed and cited (`knowledge::chunking`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "knowledge_chunks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bot_id: Uuid,
    pub source_id: Uuid,
    /// Its place in the source, from 0.
    pub ordinal: i32,
    /// "Getting started › Installing": the headings it sits under.
    #[sea_orm(column_type = "Text")]
    pub heading_path: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The PDF page it starts on.
    pub page: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub url: Option<String>,
    /// Little-endian f32s, once an embedder made a vector for it.
    #[sea_orm(column_type = "Blob", nullable)]
    pub embedding: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
