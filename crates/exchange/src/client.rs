//! Pulling a partner's changes: page after page from its cursor; every page
//! verified against the partner's public key before anything of it is kept;
//! a page and the cursor after it kept in one transaction, so a pull cut at
//! any point resumes where the last kept page ended — nothing lost, nothing
//! twice.

use std::time::Duration;

use platform::Db;

use crate::events::{self, EventsPage};
use crate::feed::{FeedPage, Item};
use crate::keys;
use crate::store::{self, Partner};

/// Items asked for per page.
pub const PAGE: i64 = 200;
/// Pages read at most in one pull (the next pull goes on).
const MAX_PAGES: usize = 1000;

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Pulled {
    pub pages: usize,
    /// Items read (a version already kept counts, changing nothing).
    pub items: usize,
    /// Rows added or changed.
    pub kept: usize,
    /// The partner's upcoming online sessions now in our calendar.
    pub sessions: usize,
}

/// Why a pull stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum PullError {
    /// The partner could not be reached or answered with an error.
    Unreachable(String),
    /// A page did not verify with the partner's key: nothing of it kept.
    Unverified,
    /// A page verified but is not a feed page.
    Malformed(String),
    Internal(String),
}

impl std::fmt::Display for PullError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PullError::Unreachable(e) => write!(f, "unreachable: {e}"),
            PullError::Unverified => {
                write!(f, "a page's signature does not verify with the partner's key; nothing of it was kept")
            }
            PullError::Malformed(e) => write!(f, "not a feed page: {e}"),
            PullError::Internal(e) => write!(f, "{e}"),
        }
    }
}

/// Largest page read (a partner's page of 200 is well under 1 MB).
const MAX_BODY: usize = 16 << 20;

/// Whether `url` is a page under `section` of the partner's own site (same
/// scheme, host and port): the only addresses we send people to.
pub(crate) fn page_of(site: &url::Url, url: &str, section: &str) -> bool {
    url::Url::parse(url).is_ok_and(|page| {
        page.scheme() == site.scheme()
            && page.host_str() == site.host_str()
            && page.port_or_known_default() == site.port_or_known_default()
            && page.path().starts_with(section)
    })
}

/// A received item we can show: a vacancy of the sender's province whose
/// page is on the partner's own site (the board sends job seekers there: no
/// other address), a known change, text of sensible length.
fn check(item: &Item, origin: &str, site: &url::Url) -> Result<(), String> {
    if !item.id.starts_with(&format!("{origin}-")) {
        return Err(format!("item {} is not of province {origin}", item.id));
    }
    if !page_of(site, &item.url, "/jobs/") {
        return Err(format!("item {}: its url is not a vacancy page of the partner's site", item.id));
    }
    if !matches!(item.change.as_str(), "created" | "updated" | "withdrawn") {
        return Err(format!("item {}: change '{}'", item.id, item.change));
    }
    if item.title.trim().is_empty() || item.title.chars().count() > 300 {
        return Err(format!("item {}: title", item.id));
    }
    if item.description.chars().count() > 20_000
        || item.hiring_organization.name.chars().count() > 300
        || item.hiring_organization.tax_id.as_ref().is_some_and(|t| t.len() > 20)
    {
        return Err(format!("item {}: text too long", item.id));
    }
    // What we show as text must be text: no control characters, no
    // direction overrides that would disguise it.
    if [&item.title, &item.description, &item.hiring_organization.name]
        .iter()
        .any(|t| platform::validate::has_unsafe(t))
    {
        return Err(format!("item {}: control characters in its text", item.id));
    }
    Ok(())
}

/// The body of an answer, refused beyond [`MAX_BODY`].
async fn body_of(mut r: reqwest::Response) -> Result<Vec<u8>, PullError> {
    if r.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(PullError::Malformed("a page over 16 MB".into()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = r.chunk().await.map_err(|e| PullError::Unreachable(e.to_string()))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            return Err(PullError::Malformed("a page over 16 MB".into()));
        }
    }
    Ok(body)
}

/// Pull `partner`'s changes from its cursor to the end (or `max_pages`).
pub async fn pull(db: &Db, province: &str, partner: &Partner, max_pages: Option<usize>) -> Result<Pulled, PullError> {
    let result = pull_pages(db, province, partner, max_pages.unwrap_or(MAX_PAGES)).await;
    let error = result.as_ref().err().map(ToString::to_string);
    store::pulled(db, province, partner.id, error.as_deref())
        .await
        .map_err(|e| PullError::Internal(format!("{e:#}")))?;
    if let Err(e) = &result {
        tracing::warn!(partner = %partner.name, error = %e, "partner pull failed");
    }
    result
}

async fn pull_pages(db: &Db, province: &str, partner: &Partner, max_pages: usize) -> Result<Pulled, PullError> {
    // No redirects: the partner's address is the one its administrator gave.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| PullError::Internal(e.to_string()))?;
    let site = url::Url::parse(&partner.url).map_err(|e| PullError::Internal(e.to_string()))?;
    let mut cursor = partner.cursor.clone().unwrap_or_default();
    let mut province_of = partner.province_code.clone();
    let mut done = Pulled::default();
    for _ in 0..max_pages {
        let url = format!(
            "{}/api/v1/exchange/changes?since={}&limit={PAGE}",
            partner.url.trim_end_matches('/'),
            platform::web::encode(&cursor)
        );
        let body = fetch_signed(&client, &url, &partner.public_key)
            .await?
            .ok_or_else(|| PullError::Unreachable(format!("{url} answered {}", reqwest::StatusCode::NOT_FOUND)))?;
        let page: FeedPage = serde_json::from_slice(&body).map_err(|e| PullError::Malformed(e.to_string()))?;
        // Signed with the request it answers: an old page replayed is refused.
        if page.since != cursor {
            return Err(PullError::Malformed("the page answers another request".into()));
        }
        // A partner speaks for one province, the one of its first page.
        match &province_of {
            Some(p) if *p != page.province_code => {
                return Err(PullError::Malformed(format!(
                    "the partner now says it is province {}",
                    page.province_code
                )));
            }
            _ => province_of = Some(page.province_code.clone()),
        }
        for i in &page.items {
            check(i, &page.province_code, &site).map_err(PullError::Malformed)?;
        }
        let next = page.next.clone().ok_or_else(|| PullError::Malformed("no cursor".into()))?;
        let kept = store::keep_page(db, province, partner.id, &page.province_code, &page.items, &cursor, &next)
            .await
            .map_err(|e| PullError::Internal(format!("{e:#}")))?
            .ok_or_else(|| PullError::Internal("another pull of this partner moved on; this one stopped".into()))?;
        done.pages += 1;
        done.items += page.items.len();
        done.kept += kept;
        cursor = next;
        if !page.more {
            break;
        }
    }
    if let Some(origin) = &province_of {
        done.sessions = pull_sessions(db, province, partner, &client, &site, origin).await?;
    }
    Ok(done)
}

/// GET a signed body: `None` when the partner has no such page (404), an
/// error when it cannot be reached or the signature does not verify.
async fn fetch_signed(client: &reqwest::Client, url: &str, key: &str) -> Result<Option<Vec<u8>>, PullError> {
    let r = client.get(url).send().await.map_err(|e| PullError::Unreachable(e.to_string()))?;
    if r.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !r.status().is_success() {
        return Err(PullError::Unreachable(format!("{url} answered {}", r.status())));
    }
    let signature = r
        .headers()
        .get(keys::SIGNATURE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or(PullError::Unverified)?;
    let body = body_of(r).await?;
    if !keys::verify(key, &body, &signature) {
        return Err(PullError::Unverified);
    }
    Ok(Some(body))
}

/// The partner's upcoming online sessions, verified, replacing what we kept
/// of them. A partner whose version publishes none (404) has none.
async fn pull_sessions(
    db: &Db,
    province: &str,
    partner: &Partner,
    client: &reqwest::Client,
    site: &url::Url,
    origin: &str,
) -> Result<usize, PullError> {
    let url = format!("{}/api/v1/exchange/sessions", partner.url.trim_end_matches('/'));
    let Some(body) = fetch_signed(client, &url, &partner.public_key).await? else {
        return Ok(0);
    };
    let page: EventsPage = serde_json::from_slice(&body).map_err(|e| PullError::Malformed(e.to_string()))?;
    if page.province_code != origin {
        return Err(PullError::Malformed(format!("the partner now says it is province {}", page.province_code)));
    }
    if page.items.len() > events::MAX_EVENTS as usize {
        return Err(PullError::Malformed("too many sessions".into()));
    }
    for e in &page.items {
        events::check(e, origin, site).map_err(PullError::Malformed)?;
    }
    store::keep_sessions(db, province, partner.id, origin, &page.items)
        .await
        .map_err(|e| PullError::Internal(format!("{e:#}")))
}
