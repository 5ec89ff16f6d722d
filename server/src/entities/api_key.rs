use sea_orm::entity::prelude::*;

/// A REST API key; the key itself exists only in the response that created it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    /// The key's first characters (`cs_live_ab12`), for people to recognise it.
    pub prefix: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    /// What the key may do: the permissions of this role (admin, agent or viewer).
    pub role: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
