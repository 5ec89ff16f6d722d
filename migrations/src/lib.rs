//! Schema migrations, applied at startup by `chatsupport serve` (and by every test app). Each
//! migration is portable between SQLite and PostgreSQL: it speaks sea-query, never raw SQL.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_skeleton;
mod m20261123_000002_accounts;
mod m20261123_000003_mail_and_tokens;
mod m20261123_000004_refresh_tokens;
mod m20261123_000005_audit_log;
mod m20261123_000006_organization_profile;
mod m20261123_000007_plans_and_platform;
mod m20261123_000008_api_keys;
mod m20261123_000009_widget_detected;
mod m20261123_000010_bot_settings;
mod m20261123_000011_connection_caps;
mod m20261123_000012_agent_takeover;
mod m20261201_000013_jobs;
mod m20261201_000014_conversation_activity;
mod m20261202_000015_bot_lifecycle;
mod m20261202_000016_knowledge;
mod m20261202_000017_knowledge_pages;
mod m20261203_000018_message_answers;
mod m20261203_000019_answer_feedback;
mod m20261207_000020_message_insights;
mod m20261207_000021_evaluation_sets;
mod m20261207_000022_inbox_filters;
mod m20261207_000023_notes_and_tags;
mod m20261207_000024_conversation_filters;
mod m20261208_000025_assignment;
mod m20261208_000026_canned_replies;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_skeleton::Migration),
            Box::new(m20261123_000002_accounts::Migration),
            Box::new(m20261123_000003_mail_and_tokens::Migration),
            Box::new(m20261123_000004_refresh_tokens::Migration),
            Box::new(m20261123_000005_audit_log::Migration),
            Box::new(m20261123_000006_organization_profile::Migration),
            Box::new(m20261123_000007_plans_and_platform::Migration),
            Box::new(m20261123_000008_api_keys::Migration),
            Box::new(m20261123_000009_widget_detected::Migration),
            Box::new(m20261123_000010_bot_settings::Migration),
            Box::new(m20261123_000011_connection_caps::Migration),
            Box::new(m20261123_000012_agent_takeover::Migration),
            Box::new(m20261201_000013_jobs::Migration),
            Box::new(m20261201_000014_conversation_activity::Migration),
            Box::new(m20261202_000015_bot_lifecycle::Migration),
            Box::new(m20261202_000016_knowledge::Migration),
            Box::new(m20261202_000017_knowledge_pages::Migration),
            Box::new(m20261203_000018_message_answers::Migration),
            Box::new(m20261203_000019_answer_feedback::Migration),
            Box::new(m20261207_000020_message_insights::Migration),
            Box::new(m20261207_000021_evaluation_sets::Migration),
            Box::new(m20261207_000022_inbox_filters::Migration),
            Box::new(m20261207_000023_notes_and_tags::Migration),
            Box::new(m20261207_000024_conversation_filters::Migration),
            Box::new(m20261208_000025_assignment::Migration),
            Box::new(m20261208_000026_canned_replies::Migration),
        ]
    }
}
