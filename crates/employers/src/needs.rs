//! Báo cáo nhu cầu tuyển dụng: each employer declares, per half-year, how many
//! workers it will recruit by occupation, qualification and commune; staff
//! read the province's demand by occupation group × qualification × commune.

use crate::access::{authorize, employer_of, may_read_report};
use crate::routes::ward_name;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{Datelike, NaiveDate, Utc};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::validate::Checker;
use platform::web::{render, Ctx, Page};
use platform::{with_db, AppState, Db};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/recruitment-needs", get(page).post(add))
        .route("/recruitment-needs/{id}/delete", post(remove))
        .routes(routes!(report_api))
        .routes(routes!(declare_api))
}

/// The half-year a date falls in: "2026-H2".
pub fn period_of(d: NaiveDate) -> String {
    format!("{}-H{}", d.year(), if d.month() <= 6 { 1 } else { 2 })
}

/// Periods one may declare for: the current half-year and the next.
pub fn open_periods(today: NaiveDate) -> [String; 2] {
    let next = if today.month() <= 6 { format!("{}-H2", today.year()) } else { format!("{}-H1", today.year() + 1) };
    [period_of(today), next]
}

/// "2026-H1" or "2026-H2" (any other text, in any script, is not a period).
fn valid_period(p: &str) -> bool {
    p.split_once("-H").is_some_and(|(year, half)| {
        year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) && matches!(half, "1" | "2")
    })
}

fn today() -> NaiveDate {
    platform::time::today()
}

/// One declared line, as typed.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NeedInput {
    /// Half-year: 2026-H1 or 2026-H2.
    pub period: String,
    /// ISCO-08 unit group (4 digits).
    pub occupation_isco: String,
    pub qualification: String,
    /// 2025 commune where the workers will work.
    pub ward_code: String,
    pub positions: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub period: String,
    pub occupation_isco: String,
    pub qualification: String,
    pub ward_code: String,
    pub positions: i64,
}

/// Check one line: a period open for declarations, known codes, a commune of `province`.
pub fn validate(
    input: &NeedInput,
    d: &refdata::RefData,
    province: &str,
    today: NaiveDate,
) -> Result<Need, Vec<FieldError>> {
    let mut c = Checker::new();
    let period = input.period.trim().to_owned();
    if !open_periods(today).contains(&period) {
        c.fail("period", "needs.err.period");
    }
    let occ = match d.occupation_typed(&input.occupation_isco).filter(|o| o.level == 4) {
        Some(o) => o.code.clone(),
        None => {
            c.fail("occupation_isco", "err.occupation.unknown");
            String::new()
        }
    };
    let qualification = input.qualification.trim().to_owned();
    if !d.qualifications.iter().any(|q| q.code == qualification) {
        c.fail("qualification", "err.code.unknown");
    }
    let ward_code = input.ward_code.trim().to_owned();
    if !d.ward(&ward_code).is_some_and(|w| w.province_code == province) {
        c.fail("ward_code", "err.ward.unknown");
    }
    let positions = c.number("positions", &input.positions, 1, 100_000);
    if input.positions.trim().is_empty() {
        c.fail("positions", "err.required");
    }
    c.finish(Need { period, occupation_isco: occ, qualification, ward_code, positions: positions.unwrap_or(0) })
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct NeedLine {
    pub id: i64,
    pub period: String,
    pub occupation_isco: String,
    pub qualification: String,
    pub ward_code: String,
    pub positions: i64,
}

/// Positions by occupation major group × qualification × commune.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReportRow {
    /// ISCO-08 major group (1 digit).
    pub occupation_group: String,
    pub qualification: String,
    pub ward_code: String,
    pub positions: i64,
    pub employers: i64,
}

pub async fn upsert(db: &Db, province: &str, employer_id: i64, n: &Need) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "INSERT INTO recruitment_needs (province_code, employer_id, period, occupation_isco, qualification, ward_code, positions, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (province_code, employer_id, period, occupation_isco, qualification, ward_code)
         DO UPDATE SET positions = excluded.positions")
        .bind(province).bind(employer_id).bind(&n.period).bind(&n.occupation_isco).bind(&n.qualification)
        .bind(&n.ward_code).bind(n.positions).bind(Utc::now())
        .execute(p).await?.rows_affected());
    Ok(())
}

pub async fn lines(db: &Db, province: &str, employer_id: i64, period: &str) -> anyhow::Result<Vec<NeedLine>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT id, period, occupation_isco, qualification, ward_code, positions FROM recruitment_needs
         WHERE province_code = $1 AND employer_id = $2 AND period = $3 ORDER BY occupation_isco, ward_code")
        .bind(province).bind(employer_id).bind(period).fetch_all(p).await?))
}

pub async fn report(db: &Db, province: &str, period: &str) -> anyhow::Result<Vec<ReportRow>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT substr(occupation_isco, 1, 1) AS occupation_group, qualification, ward_code,
                CAST(SUM(positions) AS BIGINT) AS positions, COUNT(DISTINCT employer_id) AS employers
         FROM recruitment_needs WHERE province_code = $1 AND period = $2
         GROUP BY substr(occupation_isco, 1, 1), qualification, ward_code
         ORDER BY 1, 2, 3")
        .bind(province).bind(period).fetch_all(p).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    /// Half-year, e.g. 2026-H2 (default: the current one).
    pub period: String,
    /// `csv` or `xlsx`: the page's table as a file (pages only).
    #[param(ignore)]
    pub format: String,
}

impl PeriodQuery {
    fn period(&self) -> String {
        if valid_period(&self.period) {
            self.period.clone()
        } else {
            period_of(today())
        }
    }
}

#[derive(Template)]
#[template(path = "employers/needs.html")]
struct NeedsPage {
    page: Page,
    period: String,
    periods: Vec<String>,
    /// The employer's own lines (employers), or None (staff: the report).
    own: Option<Vec<NeedLine>>,
    report: Vec<ReportRow>,
    total: i64,
    input: NeedInput,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    qualifications: Vec<(String, String)>,
}

impl NeedsPage {
    fn ward_name(&self, code: &str) -> String {
        ward_name(code)
    }
    fn occupation(&self, code: &str) -> String {
        refdata::occupation_label(self.page.tr.lang, code)
    }
    /// The page's table: the employer's own lines, or the province's report.
    fn table(&self) -> platform::table::Table {
        let t = |k| self.page.t(k).to_owned();
        let (header, rows) = match &self.own {
            Some(lines) => (
                vec![t("field.occupation"), t("field.qualification"), t("field.commune"), t("field.positions")],
                lines
                    .iter()
                    .map(|l| {
                        vec![
                            self.occupation(&l.occupation_isco).into(),
                            self.qualification(&l.qualification).into(),
                            self.ward_name(&l.ward_code).into(),
                            l.positions.into(),
                        ]
                    })
                    .collect(),
            ),
            None => (
                vec![
                    t("needs.group"),
                    t("field.qualification"),
                    t("field.commune"),
                    t("field.positions"),
                    t("needs.employers"),
                ],
                self.report
                    .iter()
                    .map(|r| {
                        vec![
                            self.occupation(&r.occupation_group).into(),
                            self.qualification(&r.qualification).into(),
                            self.ward_name(&r.ward_code).into(),
                            r.positions.into(),
                            r.employers.into(),
                        ]
                    })
                    .collect(),
            ),
        };
        platform::table::Table {
            file: format!("nhu-cau-tuyen-dung-{}", self.period),
            title: t("needs.title"),
            header,
            rows,
        }
    }
    fn qualification(&self, code: &str) -> String {
        self.qualifications.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.to_owned())
    }
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn needs_page(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    period: String,
    input: NeedInput,
    errors: Vec<FieldError>,
) -> AppResult<NeedsPage> {
    let province = &st.settings.province_code;
    let d = refdata::refdata();
    let own = match user.role {
        Role::Employer => Some(lines(&st.db, province, employer_of(user)?, &period).await?),
        _ if may_read_report(user) => None,
        _ => return Err(AppError::Forbidden),
    };
    let report = if own.is_none() { report(&st.db, province, &period).await? } else { vec![] };
    let total = own
        .as_ref()
        .map(|l| l.iter().map(|x| x.positions).sum())
        .unwrap_or_else(|| report.iter().map(|r| r.positions).sum());
    let mut periods: Vec<String> = open_periods(today()).into();
    if !periods.contains(&period) {
        periods.insert(0, period.clone());
    }
    Ok(NeedsPage {
        page: ctx.page("needs.title"),
        period,
        periods,
        own,
        report,
        total,
        input,
        errors,
        wards: d.wards_of(province).map(|w| (w.code.clone(), w.name.clone())).collect(),
        qualifications: d
            .qualifications
            .iter()
            .map(|q| {
                (
                    q.code.clone(),
                    if ctx.lang == platform::i18n::Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() },
                )
            })
            .collect(),
    })
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let input = NeedInput { period: q.period(), positions: "1".into(), ..Default::default() };
    let page = needs_page(&st, &ctx, &user, q.period(), input, vec![]).await?;
    if let Some(format) = platform::table::Format::parse(&q.format) {
        return page.table().respond(format);
    }
    Ok(render(page)?.into_response())
}

async fn add(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<NeedInput>,
) -> AppResult<Response> {
    let employer = employer_of(&user)?;
    match validate(&input, refdata::refdata(), &st.settings.province_code, today()) {
        Ok(n) => {
            upsert(&st.db, &st.settings.province_code, employer, &n).await?;
            audit::by_request(
                &st.db,
                &st.settings.province_code,
                &ctx,
                Action::Create,
                "recruitment_need",
                None,
                Some(&n.period),
            )
            .await?;
            Ok(Redirect::to(&format!("/recruitment-needs?period={}", n.period)).into_response())
        }
        Err(errors) => {
            let period = if valid_period(&input.period) { input.period.clone() } else { period_of(today()) };
            let page = needs_page(&st, &ctx, &user, period, input, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn remove(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let employer = employer_of(&user)?;
    let province = &st.settings.province_code;
    let owner: Option<(i64, String)> = with_db!(&st.db, p => sqlx::query_as(
        "SELECT employer_id, period FROM recruitment_needs WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).fetch_optional(p).await?);
    let (owner, period) = owner.ok_or(AppError::NotFound)?;
    authorize(&st, &ctx, &user, owner, "recruitment_need").await?;
    if period < period_of(today()) {
        // A past period's declaration is a record: kept as it was.
        return Err(AppError::bad("needs.err.closed"));
    }
    with_db!(&st.db, p => sqlx::query("DELETE FROM recruitment_needs WHERE province_code = $1 AND id = $2 AND employer_id = $3")
        .bind(province).bind(id).bind(employer).execute(p).await?.rows_affected());
    audit::by_request(&st.db, province, &ctx, Action::Delete, "recruitment_need", Some(&id.to_string()), None).await?;
    Ok(Redirect::to(&format!("/recruitment-needs?period={period}")).into_response())
}

/// The province's declared demand for a half-year: positions by ISCO major
/// group × qualification × commune (staff, commune officers, leadership).
#[utoipa::path(get, path = "/api/v1/recruitment-needs/report", tag = "employers", params(PeriodQuery),
    responses((status = 200, body = Vec<ReportRow>), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn report_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<Vec<ReportRow>>> {
    user.require(may_read_report(&user))?;
    Ok(Json(report(&st.db, &st.settings.province_code, &q.period()).await?))
}

/// Declare (or correct) one line of the employer's recruitment needs.
#[utoipa::path(post, path = "/api/v1/recruitment-needs", tag = "employers", request_body = NeedInput,
    responses((status = 204), (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn declare_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Json(input): Json<NeedInput>,
) -> AppResult<StatusCode> {
    let employer = employer_of(&user)?;
    let n = validate(&input, refdata::refdata(), &st.settings.province_code, today()).map_err(AppError::Invalid)?;
    upsert(&st.db, &st.settings.province_code, employer, &n).await?;
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Create,
        "recruitment_need",
        None,
        Some(&n.period),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn half_years() {
        assert_eq!(period_of(day(2026, 6, 30)), "2026-H1");
        assert_eq!(period_of(day(2026, 7, 1)), "2026-H2");
        assert_eq!(open_periods(day(2026, 11, 27)), ["2026-H2".to_string(), "2027-H1".to_string()]);
        assert!(valid_period("2026-H1") && valid_period("2027-H2"));
        for bad in ["aaaéxx", "aaaéxxx", "2026-H3", "2026-H1 ", "é026-H1", "20261-H1", "-H1", ""] {
            assert!(!valid_period(bad), "{bad}");
        }
    }

    #[test]
    fn a_line_is_checked() {
        let d = refdata::refdata();
        let good = NeedInput {
            period: "2026-H2".into(),
            occupation_isco: "7212".into(),
            qualification: "elementary".into(),
            ward_code: "22504".into(),
            positions: "30".into(),
        };
        assert_eq!(validate(&good, d, "56", day(2026, 11, 27)).unwrap().positions, 30);
        let far = NeedInput { period: "2030-H1".into(), ..good.clone() };
        assert!(validate(&far, d, "56", day(2026, 11, 27)).is_err(), "only the open periods");
        let elsewhere = NeedInput { ward_code: "00004".into(), ..good.clone() };
        assert!(validate(&elsewhere, d, "56", day(2026, 11, 27)).is_err(), "a commune of this province");
        let bad = NeedInput {
            period: "2026-H1".into(),
            occupation_isco: "72".into(),
            qualification: "x".into(),
            ward_code: "1".into(),
            positions: "0".into(),
        };
        let f: Vec<String> =
            validate(&bad, d, "56", day(2026, 11, 27)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["period", "occupation_isco", "qualification", "ward_code", "positions"]);
    }
}
