//! Lists to act on: exports of any filtered list (CSV or XLSX, streamed, in
//! the import template's columns so a corrected export can be imported back)
//! and saved lists (a named query, not a copy of the rows).

use crate::model::PersonRecord;
use crate::routes::ListQuery;
use crate::service::Registry;
use crate::store;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use platform::audit::{self, Action};
use platform::auth::CurrentUser;
use platform::error::{AppError, AppResult};
use platform::web::Ctx;
use platform::{with_db, AppState};
use serde::Deserialize;

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .route("/registry/export.csv", get(export_csv))
        .route("/registry/export.xlsx", get(export_xlsx))
        .route("/registry/lists", post(save_list))
        .route("/registry/lists/{id}/delete", post(delete_list))
}

/// Ids per database round trip while exporting.
const CHUNK: usize = 1000;

/// One row in the template's column order.
pub fn cells(r: &PersonRecord) -> Vec<String> {
    crate::survey::cells(&r.person)
}

/// All ids the filters select (within the user's communes), audited as an export.
async fn selected(
    st: &AppState,
    ctx: &Ctx,
    user: &platform::auth::User,
    q: &ListQuery,
    format: &str,
) -> AppResult<Vec<i64>> {
    let scope = crate::access::people(user)?;
    let registry = st.service::<Registry>();
    registry.ensure_loaded().await?;
    let (ids, total) = registry.index.search(&q.search_query(), &scope, 0, usize::MAX);
    // Which filters, never their values (a name or an ID number is personal data).
    let used: Vec<&str> = [
        ("q", &q.q),
        ("ward", &q.ward),
        ("age", &q.age),
        ("sex", &q.sex),
        ("qualification", &q.qualification),
        ("status", &q.status),
        ("need", &q.need),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, _)| k)
    .collect();
    let detail = format!("{format} {total} rows; filters: {}", used.join(","));
    audit::by_request(&st.db, &st.settings.province_code, ctx, Action::Export, "people", None, Some(&detail)).await?;
    Ok(ids)
}

/// Text that a spreadsheet would run as a formula gets a leading apostrophe.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![]);
    let _ = w.write_record(cells.iter().map(|c| inert(c).into_owned()));
    w.into_inner().unwrap_or_default()
}

async fn export_csv(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let ids = selected(&st, &ctx, &user, &q, "csv").await?;
    let scope = crate::access::people(&user)?;
    let header = crate::survey::headers();
    let (db, province) = (st.db.clone(), st.settings.province_code.clone());
    // UTF-8 with a BOM so Excel shows Vietnamese correctly; rows stream as they are read.
    let head = futures_util::stream::once(async move {
        let mut first = b"\xEF\xBB\xBF".to_vec();
        first.extend(csv_line(&header));
        Ok::<_, std::io::Error>(first)
    });
    let chunks: Vec<Vec<i64>> = ids.chunks(CHUNK).map(<[i64]>::to_vec).collect();
    let rows = futures_util::stream::iter(chunks).then(move |chunk| {
        let (db, province, scope) = (db.clone(), province.clone(), scope.clone());
        async move {
            let mut people = store::by_ids(&db, &province, &chunk).await.map_err(std::io::Error::other)?;
            people.retain(|p| scope.allows(p.person.ward_code.as_str()));
            Ok::<_, std::io::Error>(people.iter().flat_map(|r| csv_line(&cells(r))).collect::<Vec<u8>>())
        }
    });
    let body = Body::from_stream(head.chain(rows));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"cung-lao-dong.csv\""),
        ],
        body,
    )
        .into_response())
}

async fn export_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let ids = selected(&st, &ctx, &user, &q, "xlsx").await?;
    let scope = crate::access::people(&user)?;
    let dir = st.settings.data_dir.join("exports");
    tokio::fs::create_dir_all(&dir).await.map_err(anyhow::Error::from)?;
    let path = dir.join(format!("export-{}-{}.xlsx", user.id, chrono::Utc::now().timestamp_micros()));
    // Constant-memory writer: rows go to disk as they are written.
    let mut writer = platform::sheet::write::TableWriter::create(&path, &crate::survey::headers())?;
    for chunk in ids.chunks(CHUNK) {
        for r in store::by_ids(&st.db, &st.settings.province_code, chunk).await? {
            if scope.allows(r.person.ward_code.as_str()) {
                writer.push(&cells(&r))?;
            }
        }
    }
    writer.finish()?;
    let bytes = tokio::fs::read(&path).await.map_err(anyhow::Error::from)?;
    let _ = tokio::fs::remove_file(&path).await;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"cung-lao-dong.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct SaveForm {
    name: String,
    query: String,
}

async fn save_list(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<SaveForm>,
) -> AppResult<Response> {
    crate::access::people(&user)?;
    let name = platform::fold::nfc(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("list_name", "err.required"));
    }
    // Keep only the filters (never a page number).
    let q: ListQuery = serde_urlencoded_from(&f.query);
    let query = q.to_query_string();
    let (id,): (i64,) = with_db!(&st.db, p => sqlx::query_as(
        "INSERT INTO saved_lists (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user.id).bind(&name).bind(&query).bind(chrono::Utc::now()).fetch_one(p).await?);
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Create,
        "saved_list",
        Some(&id.to_string()),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/registry?{query}")).into_response())
}

fn serde_urlencoded_from(s: &str) -> ListQuery {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(s.trim_start_matches('?').as_bytes()).into_owned().collect();
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()).unwrap_or_default();
    ListQuery {
        q: get("q"),
        ward: get("ward"),
        age: get("age"),
        sex: get("sex"),
        qualification: get("qualification"),
        status: get("status"),
        need: get("need"),
        page: None,
        per_page: None,
    }
}

async fn delete_list(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let n = with_db!(&st.db, p => sqlx::query("DELETE FROM saved_lists WHERE id = $1 AND user_id = $2")
        .bind(id).bind(user.id).execute(p).await?.rows_affected());
    if n == 0 {
        return Err(AppError::NotFound);
    }
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Delete,
        "saved_list",
        Some(&id.to_string()),
        None,
    )
    .await?;
    Ok(Redirect::to("/registry").into_response())
}

/// A user's saved lists: (id, name, query string).
pub async fn saved_lists(db: &platform::Db, user_id: i64) -> anyhow::Result<Vec<(i64, String, String)>> {
    Ok(with_db!(db, p => sqlx::query_as("SELECT id, name, query FROM saved_lists WHERE user_id = $1 ORDER BY name")
        .bind(user_id).fetch_all(p).await?))
}
