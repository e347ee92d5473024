//! Nhật ký truy cập: every write and every read of personal data, with who,
//! when, what and from where. Details never hold the personal data itself.

use crate::db::Db;
use crate::web::Ctx;
use crate::with_db;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    /// A person's personal data (CCCD, phone, address) was shown or exported.
    ReadPersonal,
    Login,
    LoginFailed,
    Logout,
    Import,
    Export,
    /// A request outside the user's rights (another employer's data, another commune).
    Denied,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::ReadPersonal,
        Action::Login,
        Action::LoginFailed,
        Action::Logout,
        Action::Import,
        Action::Export,
        Action::Denied,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::ReadPersonal => "read_personal",
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::Import => "import",
            Action::Export => "export",
            Action::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// One audit record. `actor` is the user's e-mail, or "system"/"cli".
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub action: Action,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub ip: Option<&'a str>,
}

pub async fn record(db: &Db, province_code: &str, e: Event<'_>) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "INSERT INTO audit_log (province_code, at, user_id, actor, action, entity, entity_id, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(province_code).bind(Utc::now()).bind(e.user_id).bind(e.actor).bind(e.action.as_str())
        .bind(e.entity).bind(e.entity_id).bind(e.detail).bind(e.ip)
        .execute(p).await?.rows_affected());
    Ok(())
}

/// Record on behalf of the request's user (or the anonymous visitor).
pub async fn by_request(
    db: &Db,
    province_code: &str,
    ctx: &Ctx,
    action: Action,
    entity: &str,
    entity_id: Option<&str>,
    detail: Option<&str>,
) -> anyhow::Result<()> {
    let actor = ctx.user.as_ref().map(|u| u.email.as_str()).unwrap_or("anonymous");
    record(
        db,
        province_code,
        Event {
            user_id: ctx.user.as_ref().map(|u| u.id),
            actor,
            action,
            entity,
            entity_id,
            detail,
            ip: ctx.ip.as_deref(),
        },
    )
    .await
}

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Actor (e-mail) contains.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// From date, dd/mm/yyyy.
    pub from: Option<String>,
    /// To date (inclusive), dd/mm/yyyy.
    pub to: Option<String>,
    pub page: Option<u32>,
}

pub const PAGE_SIZE: u32 = 50;

/// Entries newest first, filtered, one page; plus the total.
pub async fn search(db: &Db, f: &Filter) -> anyhow::Result<(Vec<Entry>, i64)> {
    let from = f
        .from
        .as_deref()
        .and_then(crate::i18n::parse_date)
        .map(|d| crate::time::from_local(d.and_hms_opt(0, 0, 0).expect("midnight")));
    let to =
        f.to.as_deref()
            .and_then(crate::i18n::parse_date)
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc() + chrono::Duration::hours(17));
    let actor = f.actor.as_deref().filter(|s| !s.is_empty()).map(|s| format!("%{}%", s.to_lowercase()));
    let action = f.action.as_deref().filter(|s| !s.is_empty());
    let entity = f.entity.as_deref().filter(|s| !s.is_empty());
    let entity_id = f.entity_id.as_deref().filter(|s| !s.is_empty());
    // Optional filters as "$n IS NULL OR …" keep one statement for every combination.
    let filter = "($1 IS NULL OR actor LIKE $1) AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR entity = $3)
        AND ($4 IS NULL OR entity_id = $4) AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6)";
    let page = f.page.unwrap_or(1).clamp(1, 1_000_000);
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
    let list_sql = format!(
        "SELECT id, at, user_id, actor, action, entity, entity_id, detail, ip FROM audit_log WHERE {filter}
         ORDER BY at DESC, id DESC LIMIT {PAGE_SIZE} OFFSET $7"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {filter}");
    with_db!(db, p => {
        let items: Vec<Entry> = sqlx::query_as(&list_sql)
            .bind(&actor).bind(action).bind(entity).bind(entity_id).bind(from).bind(to).bind(offset)
            .fetch_all(p).await?;
        let (total,): (i64,) = sqlx::query_as(&count_sql)
            .bind(&actor).bind(action).bind(entity).bind(entity_id).bind(from).bind(to)
            .fetch_one(p).await?;
        Ok((items, total))
    })
}
