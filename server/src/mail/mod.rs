//! Outgoing mail. Every mail is stored in the `outbox` table (owners can read it in the
//! dashboard) and written as an `.eml` file under `<data dir>/outbox/`; when `SMTP_URL` is set
//! it is also delivered through that server. A delivery failure is recorded on the outbox row
//! and logged; it never fails the action that sent the mail.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

pub mod routes;

use crate::{entities::outbox, error::Result};

/// Mails the Outbox page shows, newest first.
const OUTBOX_PAGE: u64 = 50;
/// Mails whose link signs one person in: only they may read it.
const PERSONAL_KINDS: [&str; 2] = ["verify_email", "password_reset"];

/// The organization's outgoing mail, newest first (owners and admins). A verification or reset
/// link belongs to its recipient alone: to anyone else its text is hidden.
pub async fn outbox(
    db: &DatabaseConnection,
    viewer: &app::ssr::Viewer,
) -> Result<Vec<app::dto::OutboxEntry>> {
    use sea_orm::{QueryOrder, QuerySelect};
    viewer.require(app::auth::Permission::ViewAuditLog)?;
    let viewer_email = crate::entities::user::Entity::find_by_id(viewer.user_id)
        .filter(crate::entities::user::Column::OrganizationId.eq(viewer.organization_id.0))
        .one(db)
        .await?
        .map(|me| me.email)
        .ok_or(app::ApiError::Unauthenticated)?;
    Ok(outbox::Entity::find()
        .filter(outbox::Column::OrganizationId.eq(viewer.organization_id.0))
        .order_by_desc(outbox::Column::CreatedAt)
        .limit(OUTBOX_PAGE)
        .all(db)
        .await?
        .into_iter()
        .map(|m| app::dto::OutboxEntry {
            id: m.id,
            body: if PERSONAL_KINDS.contains(&m.kind.as_str())
                && !m.to_email.eq_ignore_ascii_case(&viewer_email)
            {
                "(Hidden: this mail holds a personal sign-in link that only its recipient may use.)".into()
            } else {
                m.body
            },
            to: m.to_email,
            subject: m.subject,
            kind: m.kind,
            created_at: crate::shared::rfc3339(m.created_at),
            sent_at: m.sent_at.map(crate::shared::rfc3339),
            error: m.error,
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub organization_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// What kind of mail (`verify_email`, `password_reset`, `welcome`, `invitation`…).
    pub kind: &'static str,
}

/// The job kind that delivers one outbox mail over SMTP (payload `{"outbox_id": …}`).
pub const DELIVER_KIND: &str = "mail.deliver";
/// Delivery attempts before a mail is given up (backoff 5 s, 10 s, 20 s … about 21 minutes).
const DELIVERY_ATTEMPTS: i32 = 8;

#[derive(Clone)]
pub struct Mailer {
    db: DatabaseConnection,
    outbox_dir: PathBuf,
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    wakeup: crate::jobs::Wakeup,
}

impl Mailer {
    pub fn new(
        db: DatabaseConnection,
        outbox_dir: PathBuf,
        from: &str,
        smtp_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&outbox_dir).with_context(|| format!("creating {}", outbox_dir.display()))?;
        let from = from.parse().with_context(|| format!("the sender address `{from}`"))?;
        let smtp = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .with_context(|| format!("the SMTP URL {}", crate::db::redact(url)))?
                    .build(),
            ),
            None => None,
        };
        Ok(Self { db, outbox_dir, from, smtp, wakeup: crate::jobs::Wakeup::default() })
    }

    /// Wakes the job runners when a delivery is queued.
    pub fn with_wakeup(mut self, wakeup: crate::jobs::Wakeup) -> Self {
        self.wakeup = wakeup;
        self
    }

    /// Stores the mail (the outbox row and an `.eml` file) and, with SMTP configured, queues
    /// its delivery as a job: the caller never waits for the mail server, and a delivery that
    /// fails is retried with backoff, its error recorded on the row.
    #[tracing::instrument(skip(self, mail), fields(kind = mail.kind))]
    pub async fn send(&self, mail: Mail) -> Result<()> {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let message = self.message(&mail);
        let txn = crate::db::begin_write(&self.db).await?;
        outbox::Entity::insert(outbox::ActiveModel {
            id: Set(id),
            organization_id: Set(mail.organization_id),
            to_email: Set(mail.to.clone()),
            subject: Set(mail.subject.clone()),
            body: Set(mail.body.clone()),
            kind: Set(mail.kind.to_owned()),
            created_at: Set(now),
            sent_at: Set(None),
            error: Set(message.as_ref().err().map(|err| format!("{err:#}"))),
        })
        .exec(&*txn)
        .await?;
        let deliver = self.smtp.is_some() && message.is_ok();
        if deliver {
            let mut job = crate::jobs::NewJob::new(DELIVER_KIND, serde_json::json!({ "outbox_id": id }))
                .attempts(DELIVERY_ATTEMPTS);
            if let Some(org) = mail.organization_id {
                job = job.for_organization(org);
            }
            crate::jobs::enqueue(&*txn, job).await?;
        }
        txn.commit().await?;
        if deliver {
            self.wakeup.notify();
        }
        match message {
            Ok(message) => {
                let file = self.outbox_dir.join(format!("{}-{id}.eml", now.format("%Y%m%dT%H%M%S")));
                if let Err(err) = tokio::fs::write(&file, message.formatted()).await {
                    tracing::error!(path = %file.display(), error = %err, "writing a mail to the outbox dir failed");
                }
            }
            Err(err) => tracing::warn!(%id, error = %format!("{err:#}"), "a mail could not be built"),
        }
        Ok(())
    }

    /// Delivers one stored mail over SMTP.
    async fn deliver(&self, id: Uuid) -> std::result::Result<(), crate::jobs::JobError> {
        use crate::jobs::JobError;
        let Some(smtp) = &self.smtp else {
            return Err(JobError::Fatal("no SMTP server is configured".into()));
        };
        let Some(row) = outbox::Entity::find_by_id(id).one(&self.db).await? else {
            return Err(JobError::Fatal(format!("outbox mail {id} is gone")));
        };
        if row.sent_at.is_some() {
            return Ok(()); // delivered by an earlier run whose outcome was not recorded
        }
        let mail = Mail {
            organization_id: row.organization_id,
            to: row.to_email,
            subject: row.subject,
            body: row.body,
            kind: "",
        };
        let message = self.message(&mail).map_err(|err| JobError::Fatal(format!("{err:#}")))?;
        match smtp.send(message).await {
            Ok(_) => {
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::SentAt, sea_orm::sea_query::Expr::value(Utc::now()))
                    .col_expr(outbox::Column::Error, sea_orm::sea_query::Expr::value(Option::<String>::None))
                    .filter(outbox::Column::Id.eq(id))
                    .exec(&self.db)
                    .await
                    .map_err(crate::error::Error::from)?;
                Ok(())
            }
            Err(err) => {
                self.record_failure(id, &err.to_string()).await?;
                Err(JobError::Retry(format!("the mail server refused or could not be reached: {err}")))
            }
        }
    }

    fn message(&self, mail: &Mail) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse().with_context(|| format!("the recipient `{}`", mail.to))?)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?)
    }

    async fn record_failure(&self, id: Uuid, error: &str) -> Result<()> {
        tracing::warn!(%id, error, "a mail could not be delivered");
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Error, sea_orm::sea_query::Expr::value(error.to_owned()))
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

#[derive(serde::Deserialize)]
struct Delivery {
    outbox_id: Uuid,
}

#[async_trait::async_trait]
impl crate::jobs::JobHandler for Mailer {
    async fn run(&self, ctx: &crate::jobs::JobContext) -> std::result::Result<(), crate::jobs::JobError> {
        let Delivery { outbox_id } = ctx.payload()?;
        self.deliver(outbox_id).await
    }
}

/// The outbox route, and the job that delivers queued mail.
pub fn install(w: &mut crate::wiring::Wiring, mailer: &Mailer) {
    let h = w.handles();
    w.routes(routes::router(routes::MailRoutes { db: h.db.clone(), auth: h.auth.clone() }));
    w.job(DELIVER_KIND, std::sync::Arc::new(mailer.clone()));
}
