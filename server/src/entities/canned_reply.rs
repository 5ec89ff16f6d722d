use sea_orm::entity::prelude::*;

/// A saved answer of the organization, inserted in the reply box by its `/shortcut`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "canned_replies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Without the `/`: lower case letters, digits and `-`; unique in the organization.
    pub shortcut: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Who saved it (their name).
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
