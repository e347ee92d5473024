//! Pulling a partner's changes: page after page from its cursor; every page
//! verified against the partner's public key before anything of it is kept;
//! a page and the cursor after it kept in one transaction, so a pull cut at
//! any point resumes where the last kept page ended — nothing lost, nothing
//! twice.

use std::time::Duration;

use platform::Db;

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

/// A received item we can show: a vacancy of the sender's province, a page
/// on the web to send job seekers to, a known occupation.
fn check(item: &Item, origin: &str) -> Result<(), String> {
    if !item.id.starts_with(&format!("{origin}-")) {
        return Err(format!("item {} is not of province {origin}", item.id));
    }
    if !(item.url.starts_with("http://") || item.url.starts_with("https://")) {
        return Err(format!("item {}: its url is not a web address", item.id));
    }
    if !matches!(item.change.as_str(), "created" | "updated" | "withdrawn") {
        return Err(format!("item {}: change '{}'", item.id, item.change));
    }
    if item.title.trim().is_empty() || item.title.chars().count() > 300 {
        return Err(format!("item {}: title", item.id));
    }
    Ok(())
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
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| PullError::Internal(e.to_string()))?;
    let mut cursor = partner.cursor.clone().unwrap_or_default();
    let mut done = Pulled::default();
    for _ in 0..max_pages {
        let url = format!(
            "{}/api/v1/exchange/changes?since={}&limit={PAGE}",
            partner.url.trim_end_matches('/'),
            platform::web::encode(&cursor)
        );
        let r = client.get(&url).send().await.map_err(|e| PullError::Unreachable(e.to_string()))?;
        if !r.status().is_success() {
            return Err(PullError::Unreachable(format!("{url} answered {}", r.status())));
        }
        let signature = r
            .headers()
            .get(keys::SIGNATURE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or(PullError::Unverified)?;
        let body = r.bytes().await.map_err(|e| PullError::Unreachable(e.to_string()))?;
        if !keys::verify(&partner.public_key, &body, &signature) {
            return Err(PullError::Unverified);
        }
        let page: FeedPage = serde_json::from_slice(&body).map_err(|e| PullError::Malformed(e.to_string()))?;
        for i in &page.items {
            check(i, &page.province_code).map_err(PullError::Malformed)?;
        }
        let resume =
            page.next.clone().or(page.resume.clone()).ok_or_else(|| PullError::Malformed("no cursor".into()))?;
        let kept = store::keep_page(db, province, partner.id, &page.province_code, &page.items, &resume)
            .await
            .map_err(|e| PullError::Internal(format!("{e:#}")))?;
        done.pages += 1;
        done.items += page.items.len();
        done.kept += kept;
        cursor = resume;
        if page.next.is_none() {
            break;
        }
    }
    Ok(done)
}
