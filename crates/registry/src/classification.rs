//! Phân loại cung lao động: people counted by any two of commune, need,
//! qualification, sex, age band and employment status, chosen on the page;
//! the same table as CSV or XLSX.

use crate::model::EmploymentStatus;
use crate::routes::{scoped_wards, today};
use crate::search::{CrossTab, Dim};
use crate::service::Registry;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use platform::auth::CurrentUser;
use platform::error::AppResult;
use platform::i18n::{t, Lang};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Deserialize;

/// The two dimensions, as the page's GET form sends them. Empty or unknown
/// values mean "the default", never an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CrossQuery {
    pub rows: String,
    pub columns: String,
    /// `csv` or `xlsx`: the table as a file.
    pub format: String,
}

impl CrossQuery {
    /// Rows by commune and columns by need unless chosen; never the same twice.
    pub fn dims(&self) -> (Dim, Dim) {
        let rows = Dim::parse(&self.rows).unwrap_or(Dim::Ward);
        let fallback = if rows == Dim::Need { Dim::Qualification } else { Dim::Need };
        let columns = Dim::parse(&self.columns).filter(|c| *c != rows).unwrap_or(fallback);
        (rows, columns)
    }
}

/// The label of a dimension (the filter's name on the list page).
fn dim_label(dim: Dim, lang: Lang) -> &'static str {
    t(
        lang,
        match dim {
            Dim::Ward => "field.wards",
            Dim::Need => "field.job_need",
            Dim::Qualification => "field.qualification",
            Dim::Sex => "field.sex",
            Dim::Age => "age.band",
            Dim::Status => "field.employment_status",
        },
    )
}

/// Every answer of `dim` the caller may see, in the order lists show them:
/// (key, label). Answers nobody gave are kept, so the table has its usual shape.
fn answers(st: &AppState, scope: &platform::auth::AreaScope, dim: Dim, lang: Lang) -> Vec<(String, String)> {
    let coded = |keys: &[&str], prefix: &str| -> Vec<(String, String)> {
        keys.iter().map(|k| ((*k).to_owned(), t(lang, &format!("{prefix}.{k}")).to_owned())).collect()
    };
    match dim {
        Dim::Ward => scoped_wards(st, scope),
        Dim::Need => coded(&["job", "training", "abroad", "none"], "need"),
        Dim::Qualification => refdata::refdata()
            .qualifications
            .iter()
            .map(|q| (q.code.clone(), if lang == Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() }))
            .collect(),
        Dim::Sex => coded(&["male", "female"], "sex"),
        Dim::Age => crate::rules::AGE_BANDS.iter().map(|b| (b.0.to_owned(), b.0.to_owned())).collect(),
        Dim::Status => {
            EmploymentStatus::ALL.iter().map(|s| (s.as_str().to_owned(), t(lang, s.label_key()).to_owned())).collect()
        }
    }
}

/// The table as shown and exported.
pub struct Table {
    pub rows_by: Dim,
    pub columns_by: Dim,
    /// (key, label)
    pub columns: Vec<(String, String)>,
    /// (key, label, a count per column, the row's total)
    pub rows: Vec<(String, String, Vec<u64>, u64)>,
    /// Per column, then everyone.
    pub column_totals: Vec<u64>,
    pub total: u64,
}

impl Table {
    fn new(st: &AppState, scope: &platform::auth::AreaScope, q: &CrossQuery, tab: &CrossTab, lang: Lang) -> Table {
        let (rows_by, columns_by) = q.dims();
        let columns = answers(st, scope, columns_by, lang);
        let rows = answers(st, scope, rows_by, lang)
            .into_iter()
            .map(|(key, label)| {
                let counts = columns.iter().map(|(c, _)| tab.cell(&key, c)).collect();
                let total = tab.row_total(&key);
                (key, label, counts, total)
            })
            .collect();
        let column_totals = columns.iter().map(|(c, _)| tab.column_total(c)).collect();
        Table { rows_by, columns_by, columns, rows, column_totals, total: tab.total }
    }

    /// The header row of an export: "Xã/phường \ Nhu cầu", the answers, "Tổng số".
    fn header(&self, lang: Lang) -> Vec<String> {
        let corner = format!("{} \\ {}", dim_label(self.rows_by, lang), dim_label(self.columns_by, lang));
        std::iter::once(corner)
            .chain(self.columns.iter().map(|c| c.1.clone()))
            .chain(std::iter::once(t(lang, "registry.total").to_owned()))
            .collect()
    }

    /// Data rows then the totals row, each as (label, counts with the total last).
    fn body(&self, lang: Lang) -> Vec<(String, Vec<u64>)> {
        let mut out: Vec<(String, Vec<u64>)> = self
            .rows
            .iter()
            .map(|(_, label, counts, total)| (label.clone(), counts.iter().copied().chain([*total]).collect()))
            .collect();
        out.push((
            t(lang, "registry.total").to_owned(),
            self.column_totals.iter().copied().chain([self.total]).collect(),
        ));
        out
    }
}

async fn table(st: &AppState, user: &platform::auth::User, q: &CrossQuery, lang: Lang) -> AppResult<Table> {
    let scope = crate::access::aggregates(user)?;
    // Counted on the search index's bitmaps (no scan of the table).
    let registry = st.service::<Registry>();
    registry.ensure_loaded().await?;
    let (rows_by, columns_by) = q.dims();
    let tab = registry.index.crosstab(&scope, rows_by, columns_by, today());
    Ok(Table::new(st, &scope, q, &tab, lang))
}

#[derive(Template)]
#[template(path = "registry/classification.html")]
struct ClassificationPage {
    page: Page,
    tab: Table,
    /// (key, label) of every dimension, for the two selects.
    dims: Vec<(&'static str, &'static str)>,
    rows_label: &'static str,
    columns_label: &'static str,
    /// The chosen dimensions as a query string, for the exports.
    query: String,
    /// Links to the people behind a number (not for leadership, who see figures only).
    drill: bool,
    /// A need is one of the dimensions: a person may count under several.
    several_needs: bool,
}

impl ClassificationPage {
    /// The list of the people behind a count (None when the list cannot filter so).
    fn link(&self, row: &str, column: Option<&str>) -> Option<String> {
        if !self.drill {
            return None;
        }
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (dim, key) in [(self.tab.rows_by, Some(row)), (self.tab.columns_by, column)] {
            let Some(key) = key else { continue };
            if dim == Dim::Need && key == "none" {
                return None;
            }
            s.append_pair(dim.key(), key);
        }
        Some(format!("/registry?{}", s.finish()))
    }
}

pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<CrossQuery>,
) -> AppResult<Response> {
    let t = table(&st, &user, &q, ctx.lang).await?;
    if let Some(format) = platform::table::Format::parse(&q.format) {
        return download(&t, &ctx).respond(format);
    }
    let (rows_by, columns_by) = (t.rows_by, t.columns_by);
    let query = format!("rows={}&columns={}", rows_by.key(), columns_by.key());
    Ok(render(ClassificationPage {
        page: ctx.page("registry.classification"),
        dims: Dim::ALL.iter().map(|d| (d.key(), dim_label(*d, ctx.lang))).collect(),
        rows_label: dim_label(rows_by, ctx.lang),
        columns_label: dim_label(columns_by, ctx.lang),
        query,
        drill: user.may_see_personal_data(),
        several_needs: rows_by == Dim::Need || columns_by == Dim::Need,
        tab: t,
    })?
    .into_response())
}

/// The crossing as a download table (numbers stay numbers in XLSX).
fn download(t: &Table, ctx: &Ctx) -> platform::table::Table {
    platform::table::Table {
        file: format!("phan-loai-{}-{}", t.rows_by.key(), t.columns_by.key()),
        title: t_title(ctx).to_owned(),
        header: t.header(ctx.lang),
        rows: t
            .body(ctx.lang)
            .into_iter()
            .map(|(label, counts)| std::iter::once(label.into()).chain(counts.into_iter().map(Into::into)).collect())
            .collect(),
    }
}

/// The table as CSV (UTF-8 with a BOM for Excel; plain numbers): the page's `?format=csv`.
pub async fn export_csv(
    st: State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<CrossQuery>,
) -> AppResult<Response> {
    page(st, ctx, user, Query(CrossQuery { format: "csv".into(), ..q })).await
}

/// The table as XLSX (numbers as numbers): the page's `?format=xlsx`.
pub async fn export_xlsx(
    st: State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<CrossQuery>,
) -> AppResult<Response> {
    page(st, ctx, user, Query(CrossQuery { format: "xlsx".into(), ..q })).await
}

fn t_title(ctx: &Ctx) -> &'static str {
    // Sheet names: at most 31 characters, none of []:*?/\
    if ctx.lang == Lang::Vi {
        "Phân loại"
    } else {
        "Classification"
    }
}
