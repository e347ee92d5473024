//! Thông báo: in-app notifications, and e-mail when SMTP is configured.
//!
//! A notification is stored as a message key with its arguments, so each
//! reader sees it in their own language. When the server has an SMTP URL,
//! a notification to a user whose login is an e-mail address is also queued
//! for mail (`email_status = 'pending'`); [`Mailer::spawn_outbox`] sends the
//! queue, so a mail-server outage delays mail but loses none.

use crate::db::Db;
use crate::i18n::{fill, t, Lang};
use crate::with_db;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use std::time::Duration;

/// Give up on a mail after this many failed attempts.
const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    /// In the reader's language.
    pub text: String,
    pub link: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    message_key: String,
    args: String,
    link: Option<String>,
    read_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

/// The text of a stored notification in `lang`.
pub fn text(lang: Lang, key: &str, args_json: &str) -> String {
    let args: Vec<(String, String)> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(args_json)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())))
        .collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fill(t(lang, key), &args)
}

/// Tell `user_id` something: `key` is a message key whose `{placeholders}`
/// are filled from `args`; `link` is a local path. `mail` queues an e-mail too.
pub async fn send(
    db: &Db,
    province_code: &str,
    user_id: i64,
    key: &str,
    args: &[(&str, &str)],
    link: Option<&str>,
    mail: bool,
) -> anyhow::Result<()> {
    let args: serde_json::Map<String, serde_json::Value> =
        args.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned()))).collect();
    let args = serde_json::Value::Object(args).to_string();
    let status = mail.then_some("pending");
    with_db!(db, p => sqlx::query(
        "INSERT INTO notifications (province_code, user_id, message_key, args, link, email_status, created_at)
         VALUES ($1, $2, $3, $4, $5, (SELECT $6 FROM users WHERE id = $2 AND email LIKE '%@%'), $7)")
        .bind(province_code).bind(user_id).bind(key).bind(&args).bind(link).bind(status).bind(Utc::now())
        .execute(p).await?.rows_affected());
    Ok(())
}

/// Who is told.
#[derive(Debug, Clone, Copy)]
pub enum To {
    User(i64),
    /// Every active account of an employer.
    Employer(i64),
    /// The department's reviewers (staff and administrators).
    Reviewers,
}

/// Tell `to` (see [`send`]); mailed too when the server has SMTP settings.
pub async fn tell(
    st: &crate::state::AppState,
    to: To,
    key: &str,
    args: &[(&str, &str)],
    link: Option<&str>,
) -> anyhow::Result<()> {
    tell_in(&st.db, &st.settings.province_code, st.settings.smtp_url.is_some(), to, key, args, link).await
}

/// [`tell`] outside a request (background work), with the mail switch given.
pub async fn tell_in(
    db: &Db,
    province_code: &str,
    mail: bool,
    to: To,
    key: &str,
    args: &[(&str, &str)],
    link: Option<&str>,
) -> anyhow::Result<()> {
    use crate::auth::{store, Role};
    let users = match to {
        To::User(id) => vec![id],
        To::Employer(id) => store::ids_of_employer(db, id).await?,
        To::Reviewers => store::ids_with_role(db, &[Role::Staff, Role::Admin]).await?,
    };
    for user in users {
        send(db, province_code, user, key, args, link, mail).await?;
    }
    Ok(())
}

/// A user's latest notifications, newest first.
pub async fn recent(db: &Db, user_id: i64, lang: Lang, limit: i64) -> anyhow::Result<Vec<Notification>> {
    let rows: Vec<Row> = with_db!(db, p => sqlx::query_as(
        "SELECT id, message_key, args, link, read_at, created_at FROM notifications
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
        .bind(user_id).bind(limit).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            text: text(lang, &r.message_key, &r.args),
            link: r.link,
            read: r.read_at.is_some(),
            created_at: r.created_at,
        })
        .collect())
}

pub async fn unread_count(db: &Db, user_id: i64) -> anyhow::Result<i64> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id).fetch_one(p).await?);
    Ok(n)
}

pub async fn mark_all_read(db: &Db, user_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(Utc::now()).bind(user_id).execute(p).await?.rows_affected());
    Ok(())
}

/// Sends the mail queue through an SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Absolute base of links in mails (e.g. https://vieclam.khanhhoa.gov.vn).
    public_url: String,
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    message_key: String,
    args: String,
    link: Option<String>,
    email: String,
    lang: String,
    email_attempts: i64,
}

impl Mailer {
    /// `smtp://host:port` (plain, e.g. a relay inside the province's network).
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(smtp_url)?;
        anyhow::ensure!(url.scheme() == "smtp", "the SMTP URL must be smtp://host:port");
        let host = url.host_str().ok_or_else(|| anyhow::anyhow!("the SMTP URL has no host"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(25))
            .timeout(Some(Duration::from_secs(10)))
            .build();
        Ok(Self { transport, from: from.parse()?, public_url: public_url.trim_end_matches('/').to_owned() })
    }

    /// Send what is queued; returns how many went out.
    pub async fn send_pending(&self, db: &Db) -> anyhow::Result<usize> {
        let rows: Vec<Pending> = with_db!(db, p => sqlx::query_as(
            "SELECT n.id, n.message_key, n.args, n.link, u.email, u.lang, n.email_attempts
             FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE n.email_status = 'pending' ORDER BY n.id LIMIT 100")
            .fetch_all(p).await?);
        let mut sent = 0;
        for r in rows {
            let lang = Lang::parse(&r.lang).unwrap_or_default();
            let body = text(lang, &r.message_key, &r.args);
            let link = r.link.as_deref().map(|l| format!("\n\n{}{l}", self.public_url)).unwrap_or_default();
            let result = async {
                let msg = Message::builder()
                    .from(self.from.clone())
                    .to(r.email.parse()?)
                    .subject(format!("Kết Nối: {}", body.chars().take(80).collect::<String>()))
                    .body(format!("{body}{link}\n\n-- \nKết Nối\n"))?;
                self.transport.send(msg).await?;
                anyhow::Ok(())
            }
            .await;
            let (status, attempts) = match &result {
                Ok(()) => ("sent", r.email_attempts + 1),
                Err(e) => {
                    tracing::warn!(error = %e, notification = r.id, "mail not sent");
                    (if r.email_attempts + 1 >= MAX_ATTEMPTS { "failed" } else { "pending" }, r.email_attempts + 1)
                }
            };
            with_db!(db, p => sqlx::query("UPDATE notifications SET email_status = $1, email_attempts = $2 WHERE id = $3")
                .bind(status).bind(attempts).bind(r.id).execute(p).await?.rows_affected());
            if result.is_ok() {
                sent += 1;
            } else {
                break; // the server is likely down: try again next round
            }
        }
        Ok(sent)
    }

    /// Send the queue every few seconds for the life of the server, through
    /// the job runner (a run is recorded when there was mail to send).
    pub fn spawn_outbox(self, db: Db) {
        let outbox = Outbox { mailer: self, db: db.clone(), wait_until: Default::default() };
        crate::jobs::schedule(db, std::sync::Arc::new(outbox));
    }
}

struct Outbox {
    mailer: Mailer,
    db: Db,
    /// After a round that sent nothing (the mail server is down), a minute's
    /// pause: a run every 2 s would only fill the job list.
    wait_until: std::sync::Mutex<Option<std::time::Instant>>,
}

impl crate::jobs::Scheduled for Outbox {
    const KIND: &'static str = "notify.mail";

    fn period(&self) -> Duration {
        Duration::from_secs(2)
    }

    async fn due(&self, db: &Db) -> anyhow::Result<bool> {
        if self.wait_until.lock().expect("outbox").is_some_and(|t| std::time::Instant::now() < t) {
            return Ok(false);
        }
        let pending: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
            "SELECT id FROM notifications WHERE email_status = 'pending' LIMIT 1").fetch_optional(p).await?);
        Ok(pending.is_some())
    }

    async fn run(&self, _job: std::sync::Arc<crate::jobs::Handle>) -> Result<crate::jobs::Finished, String> {
        let sent = self.mailer.send_pending(&self.db).await.map_err(|e| format!("{e:#}"))?;
        if sent == 0 {
            *self.wait_until.lock().expect("outbox") = Some(std::time::Instant::now() + Duration::from_secs(60));
        }
        Ok(crate::jobs::Finished { counts: (sent as i64, sent as i64, 0), result: format!("{{\"sent\":{sent}}}") })
    }
}
