//! Demo data: the seed snapshot (Acme Corp, its workspace, bot, a conversation) loaded into an
//! empty database on first run, or with `--demo`. The snapshot ships inside the binary.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use crate::entities::{bot, conversation, message, organization, user, workspace};

const SNAPSHOT: &str = include_str!("../demo/mock_data_snapshot.json");

/// The demo bot's public key, used by the demo page and the e2e tests.
pub const DEMO_BOT_KEY: &str = "demo-acme-helper";
pub const DEMO_GREETING: &str = "Hi! I'm Acme Helper. Ask me anything about orders, shipping or returns.";
pub const DEMO_FALLBACK: &str = "Thanks for your message! I don't have an answer for that yet, so a member of our team will follow up here.";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    clients: Vec<Client>,
    workspaces: Vec<Workspace>,
    bots: Vec<Bot>,
    users: Vec<User>,
    conversations: Vec<Conversation>,
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Client {
    id: String,
    name: String,
    slug: String,
    login: Login,
}

#[derive(Deserialize)]
struct Login {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    client_id: String,
    name: String,
    email: String,
    role: String,
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Workspace {
    id: String,
    client_id: String,
    name: String,
    plan: String,
    status: String,
    bundle_loads: Pool,
    messages: Pool,
    api_calls: Pool,
    wallet_credits: f64,
    billing_cycle: String,
    description: String,
}

#[derive(Deserialize)]
struct Pool {
    used: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bot {
    id: String,
    client_id: String,
    workspace_id: String,
    name: String,
    status: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conversation {
    id: String,
    bot_id: String,
    client_id: String,
    user_id: String,
    user_name: String,
    status: String,
    preview: String,
    started_at: DateTime<Utc>,
    /// The visitor's rating (1–5), for a resolved conversation that was rated.
    #[serde(default)]
    satisfaction: Option<i16>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    conversation_id: String,
    sender: String,
    sender_name: String,
    content: String,
    timestamp: DateTime<Utc>,
}

fn snapshot() -> anyhow::Result<Snapshot> {
    serde_json::from_str(SNAPSHOT).context("reading the demo snapshot")
}

/// The demo organization's sign-ins (each client's login as its owner, then its team with the
/// same demo password), for the login page. Empty when the demo organization is not loaded.
pub async fn accounts(db: &DatabaseConnection) -> crate::error::Result<Vec<app::auth::DemoAccount>> {
    let snapshot = snapshot()?;
    let mut out = Vec::new();
    for client in &snapshot.clients {
        let Some(org) =
            organization::Entity::find().filter(organization::Column::Slug.eq(&client.slug)).one(db).await?
        else {
            continue;
        };
        // Only the snapshot's own people, and only while they can sign in.
        let demo_emails: Vec<String> = std::iter::once(client.login.email.to_lowercase())
            .chain(snapshot.users.iter().filter(|u| u.client_id == client.id).map(|u| u.email.to_lowercase()))
            .collect();
        let members = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(org.id))
            .filter(user::Column::Email.is_in(demo_emails))
            .filter(user::Column::Status.eq("active"))
            .all(db)
            .await?;
        for member in members {
            let Ok(role) = member.role.parse() else { continue };
            out.push(app::auth::DemoAccount {
                name: member.name,
                email: member.email,
                password: client.login.password.clone(),
                role,
            });
        }
    }
    Ok(out)
}

pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(organization::Entity::find().count(db).await? == 0)
}

/// Loads the snapshot unless its organization (by slug) is there already.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let snapshot = snapshot()?;
    let txn = crate::db::begin_write(db).await?;
    let mut ids: HashMap<String, Uuid> = HashMap::new();
    let mut id_of = |seed: &str| *ids.entry(seed.to_owned()).or_insert_with(Uuid::now_v7);
    let now = Utc::now();

    for client in &snapshot.clients {
        let exists = organization::Entity::find()
            .filter(organization::Column::Slug.eq(&client.slug))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            tracing::info!(slug = %client.slug, "demo organization already present");
            return Ok(());
        }
        organization::Entity::insert(organization::ActiveModel {
            id: Set(id_of(&client.id)),
            name: Set(client.name.clone()),
            slug: Set(client.slug.clone()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
    }
    for w in &snapshot.workspaces {
        workspace::Entity::insert(workspace::ActiveModel {
            id: Set(id_of(&w.id)),
            status: Set(w.status.clone()),
            widget_loads_used: Set(w.bundle_loads.used),
            messages_used: Set(w.messages.used),
            api_calls_used: Set(w.api_calls.used),
            wallet_credits_cents: Set((w.wallet_credits * 100.0).round() as i64),
            billing_cycle: Set(w.billing_cycle.clone()),
            description: Set(w.description.clone()),
            ..crate::billing::new_workspace(id_of(&w.client_id), w.name.clone(), &w.plan, now)
        })
        .exec(&txn)
        .await?;
    }
    for client in &snapshot.clients {
        let hash = crate::accounts::password::hash(&client.login.password).await?;
        let mut members = vec![(
            format!("{} Owner", client.name),
            client.login.email.clone(),
            "owner".to_owned(),
            "active".to_owned(),
        )];
        members.extend(
            snapshot
                .users
                .iter()
                .filter(|u| u.client_id == client.id)
                .map(|u| (u.name.clone(), u.email.clone(), u.role.clone(), u.status.clone())),
        );
        for (name, email, role, status) in members {
            user::Entity::insert(user::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(id_of(&client.id)),
                name: Set(name),
                email: Set(email.to_lowercase()),
                password_hash: Set(Some(hash.clone())),
                role: Set(role),
                status: Set(status),
                email_verified_at: Set(Some(now)),
                last_active_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
        }
    }
    let mut bot_orgs = HashMap::new();
    for (n, b) in snapshot.bots.iter().enumerate() {
        bot_orgs.insert(b.id.clone(), b.client_id.clone());
        bot::Entity::insert(bot::ActiveModel {
            id: Set(id_of(&b.id)),
            organization_id: Set(id_of(&b.client_id)),
            workspace_id: Set(id_of(&b.workspace_id)),
            name: Set(b.name.clone()),
            public_key: Set(if n == 0 { DEMO_BOT_KEY.to_owned() } else { format!("{DEMO_BOT_KEY}-{n}") }),
            status: Set(b.status.to_lowercase()),
            description: Set(b.description.clone()),
            greeting: Set(DEMO_GREETING.to_owned()),
            fallback_message: Set(DEMO_FALLBACK.to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        if n == 0 {
            crate::knowledge::demo::seed(&txn, id_of(&b.client_id), id_of(&b.id)).await?;
        }
    }
    for c in &snapshot.conversations {
        let messages: Vec<&Message> =
            snapshot.messages.iter().filter(|m| m.conversation_id == c.id).collect();
        let updated_at = messages.iter().map(|m| m.timestamp).max().unwrap_or(c.started_at);
        // As the live path keeps them: the visitor's last words, and when a person last wrote.
        let by_people = || messages.iter().filter(|m| m.sender == "visitor" || m.sender == "agent");
        let last_activity = by_people().map(|m| m.timestamp).max().unwrap_or(c.started_at);
        let preview = messages
            .iter()
            .rev()
            .find(|m| m.sender == "visitor")
            .map(|m| m.content.chars().take(crate::conversations::PREVIEW_CHARS).collect())
            .unwrap_or_else(|| c.preview.clone());
        let conversation_id = id_of(&c.id);
        let organization_id = id_of(&c.client_id);
        conversation::Entity::insert(conversation::ActiveModel {
            id: Set(conversation_id),
            organization_id: Set(organization_id),
            bot_id: Set(id_of(&c.bot_id)),
            visitor_id: Set(c.user_id.clone()),
            visitor_name: Set(Some(c.user_name.clone())),
            visitor_email: Set(None),
            status: Set(c.status.clone()),
            last_seq: Set(messages.len() as i64),
            message_count: Set(messages.len() as i64),
            preview: Set(preview),
            started_at: Set(c.started_at),
            updated_at: Set(updated_at),
            last_activity_at: Set(Some(last_activity)),
            resolved_at: Set((c.status == "resolved").then_some(updated_at)),
            satisfaction_rating: Set(c.satisfaction),
            satisfaction_rated_at: Set(c.satisfaction.map(|_| updated_at)),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        for (seq, m) in messages.iter().enumerate() {
            message::Entity::insert(message::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(organization_id),
                conversation_id: Set(conversation_id),
                seq: Set(seq as i64 + 1),
                sender_kind: Set(m.sender.clone()),
                sender_name: Set(m.sender_name.clone()),
                content: Set(m.content.clone()),
                client_msg_id: Set(None),
                created_at: Set(m.timestamp),
                answer: Set(None),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    tracing::info!("demo data loaded (Acme Corp)");
    Ok(())
}
