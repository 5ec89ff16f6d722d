use sea_orm::entity::prelude::*;

/// A third-party credential of an organization, encrypted at rest (`crate::secrets`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub provider: String,
    pub label: String,
    /// base64(nonce ‖ XChaCha20-Poly1305 ciphertext), bound to this row's organization.
    #[sea_orm(column_type = "Text")]
    pub ciphertext: String,
    /// The last characters of the secret, for people to recognise it.
    pub hint: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
