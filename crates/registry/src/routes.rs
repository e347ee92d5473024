//! Pages and API of the labour registry.

use crate::model::*;
use crate::rules::{self, Indicators, AGE_BANDS};
use crate::search::Query as SearchQuery;
use crate::service::Registry;
use crate::store;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use platform::audit::{self, Action};
use platform::auth::{AreaScope, CurrentUser, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::table::Table;
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/registry", get(list_page).post(create))
        .route("/registry/new", get(new_page))
        .route("/registry/{id}", get(detail_page).post(update))
        .route("/registry/{id}/edit", get(edit_page))
        .route("/registry/classification", get(crate::classification::page))
        .route("/registry/classification.csv", get(crate::classification::export_csv))
        .route("/registry/classification.xlsx", get(crate::classification::export_xlsx))
        .route("/registry/indicators", get(indicators_page))
        .routes(routes!(list_api))
        .routes(routes!(get_api))
        .routes(routes!(create_api))
        .routes(routes!(indicators_api))
}

pub(crate) fn today() -> chrono::NaiveDate {
    platform::time::today()
}

/// Filters shared by the page, the API and exports.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// Name words (diacritics optional; the last word may be unfinished), or a CCCD / phone number.
    pub q: String,
    /// 2025 commune code.
    pub ward: String,
    /// Age band: 15-17, 18-35, 36-45, 46-60, 61+.
    pub age: String,
    /// male | female
    pub sex: String,
    /// Qualification code (none, short_course, elementary, intermediate, college, university, postgraduate).
    pub qualification: String,
    /// employed | unemployed | inactive
    pub status: String,
    /// job | training | abroad
    pub need: String,
    pub page: Option<usize>,
    /// At most 100 (default 20).
    pub per_page: Option<usize>,
}

impl ListQuery {
    pub fn search_query(&self) -> SearchQuery {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        SearchQuery {
            text: self.q.clone(),
            ward: some(&self.ward),
            female: match self.sex.as_str() {
                "female" => Some(true),
                "male" => Some(false),
                _ => None,
            },
            qualification: some(&self.qualification),
            status: EmploymentStatus::parse(&self.status),
            need: some(&self.need).filter(|n| matches!(n.as_str(), "job" | "training" | "abroad")),
            born: AGE_BANDS.iter().find(|b| b.0 == self.age).map(|b| rules::birth_range(b.1, b.2, today())),
        }
    }
    fn per_page(&self) -> usize {
        self.per_page.unwrap_or(20).clamp(1, 100)
    }
    fn page_no(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 1_000_000)
    }
    /// The query string of these filters (for links and saved lists).
    pub fn to_query_string(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("ward", &self.ward),
            ("age", &self.age),
            ("sex", &self.sex),
            ("qualification", &self.qualification),
            ("status", &self.status),
            ("need", &self.need),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// A search: a CCCD goes to the database, a phone number and names to the index.
/// Rows are checked against the user's communes again as they are loaded: the
/// index may lag a change made elsewhere by a few seconds.
async fn run_search(st: &AppState, ctx: &Ctx, scope: &AreaScope, q: &ListQuery) -> AppResult<(Vec<PersonRecord>, u64)> {
    let province = &st.settings.province_code;
    let number: String = q.q.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if number.len() >= 9 && number.bytes().all(|b| b.is_ascii_digit() || b == b'+') {
        let mut ids = store::ids_by_cccd(&st.db, province, &number).await?;
        if let Ok(phone) = platform::types::PhoneNumber::parse(&number) {
            let registry = st.service::<Registry>();
            registry.ensure_loaded().await?;
            ids.extend(registry.index.by_phone(&phone));
        }
        ids.sort_unstable();
        ids.dedup();
        ids.truncate(50);
        let mut people = store::by_ids(&st.db, province, &ids).await?;
        people.retain(|p| scope.allows(p.person.ward_code.as_str()));
        // An ID or phone number turned into a person: a read of personal data.
        let found = people.iter().map(|p| p.id.to_string()).collect::<Vec<_>>().join(",");
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::ReadPersonal,
            "person",
            None,
            Some(&format!("number search: {found}")),
        )
        .await?;
        let total = people.len() as u64;
        return Ok((people, total));
    }
    let registry = st.service::<Registry>();
    registry.ensure_loaded().await?;
    let (ids, total) = registry.index.search(&q.search_query(), scope, (q.page_no() - 1) * q.per_page(), q.per_page());
    let mut people = store::by_ids(&st.db, province, &ids).await?;
    people.retain(|p| scope.allows(p.person.ward_code.as_str()));
    Ok((people, total))
}

// ---------- list page ----------

#[derive(Template)]
#[template(path = "registry/list.html")]
struct ListPage {
    page: Page,
    q: ListQuery,
    people: Vec<PersonRecord>,
    total: u64,
    wards: Vec<(String, String)>,
    qualifications: Vec<(String, String)>,
    page_no: usize,
    pages: usize,
    query_string: String,
    saved: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "registry/results.html")]
struct ResultsPartial {
    page: Page,
    people: Vec<PersonRecord>,
    total: u64,
    page_no: usize,
    pages: usize,
    query_string: String,
}

impl ListPage {
    fn ward_name(&self, code: &str) -> String {
        ward_name(code)
    }
}
impl ResultsPartial {
    fn ward_name(&self, code: &str) -> String {
        ward_name(code)
    }
}

fn ward_name(code: &str) -> String {
    refdata::refdata().ward(code).map(|w| w.name.clone()).unwrap_or_else(|| code.to_owned())
}

pub(crate) fn scoped_wards(st: &AppState, scope: &AreaScope) -> Vec<(String, String)> {
    refdata::refdata()
        .wards_of(&st.settings.province_code)
        .filter(|w| !matches!(scope, AreaScope::Wards(_)) || scope.allows(&w.code))
        .map(|w| (w.code.clone(), w.name.clone()))
        .collect()
}

fn qualification_options(ctx: &Ctx) -> Vec<(String, String)> {
    refdata::refdata()
        .qualifications
        .iter()
        .map(|q| {
            (q.code.clone(), if ctx.lang == platform::i18n::Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() })
        })
        .collect()
}

async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    let (people, total) = run_search(&st, &ctx, &scope, &q).await?;
    let pages = (total as usize).div_ceil(q.per_page()).max(1);
    let query_string = q.to_query_string();
    if ctx.htmx {
        let partial = ResultsPartial {
            page: ctx.page("registry.title"),
            people,
            total,
            page_no: q.page_no(),
            pages,
            query_string,
        };
        return Ok(render(partial)?.into_response());
    }
    let page = ListPage {
        saved: crate::lists::saved_lists(&st.db, user.id).await?,
        page: ctx.page("registry.title"),
        wards: scoped_wards(&st, &scope),
        qualifications: qualification_options(&ctx),
        page_no: q.page_no(),
        pages,
        query_string,
        q,
        people,
        total,
    };
    Ok(render(page)?.into_response())
}

// ---------- form ----------

#[derive(Template)]
#[template(path = "registry/form.html")]
struct FormPage {
    page: Page,
    id: Option<i64>,
    input: PersonInput,
    errors: Vec<FieldError>,
    duplicates: Vec<(i64, String)>,
    wards: Vec<(String, String)>,
    qualifications: Vec<(String, String)>,
    educations: Vec<(String, String)>,
    ethnic_groups: Vec<(String, String)>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn needs(&self, n: &str) -> bool {
        rules::parse_needs(&self.input.job_need).is_ok_and(|(j, t, a)| match n {
            "job" => j,
            "training" => t,
            _ => a,
        })
    }
}

fn coded(items: &[refdata::model::CodeItem], ctx: &Ctx) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            (i.code.clone(), if ctx.lang == platform::i18n::Lang::Vi { i.name_vi.clone() } else { i.name_en.clone() })
        })
        .collect()
}

fn form_page(
    st: &AppState,
    ctx: &Ctx,
    scope: &AreaScope,
    id: Option<i64>,
    input: PersonInput,
    errors: Vec<FieldError>,
    duplicates: Vec<(i64, String)>,
) -> FormPage {
    let d = refdata::refdata();
    FormPage {
        page: ctx.page(if id.is_some() { "registry.edit" } else { "registry.new" }),
        id,
        input,
        errors,
        duplicates,
        wards: scoped_wards(st, scope),
        qualifications: coded(&d.qualifications, ctx),
        educations: coded(&d.education, ctx),
        ethnic_groups: coded(&d.ethnic_groups, ctx),
    }
}

async fn new_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    // No status chosen for the officer: a default would be saved unread.
    let mut input = PersonInput::default();
    if let AreaScope::Wards(w) = &scope {
        input.ward_code = w.first().cloned().unwrap_or_default();
    }
    Ok(render(form_page(&st, &ctx, &scope, None, input, vec![], vec![]))?.into_response())
}

/// The form posts needs as checkboxes; fold them into the text the rules read.
#[derive(Deserialize, Default)]
#[serde(default)]
struct FormBody {
    #[serde(flatten)]
    input: PersonInput,
    needs: Vec<String>,
    confirm_new: Option<String>,
}

fn person_from_form(mut body: FormBody) -> (PersonInput, bool) {
    if body.input.job_need.is_empty() {
        body.input.job_need = body.needs.join(";");
    }
    (body.input, body.confirm_new.is_some())
}

/// Validate and check the area: the commune must be one the user may work in.
fn judge(st: &AppState, scope: &AreaScope, input: &PersonInput) -> Result<Person, Vec<FieldError>> {
    let p = rules::validate(input, refdata::refdata(), &st.settings.province_code, today())?;
    if !scope.allows(p.ward_code.as_str()) {
        return Err(vec![FieldError { field: "ward_code".into(), code: "err.ward.not_yours".into(), row: None }]);
    }
    Ok(p)
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum_extra::extract::Form(body): axum_extra::extract::Form<FormBody>,
) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    let (input, confirmed) = person_from_form(body);
    let person = match judge(&st, &scope, &input) {
        Ok(p) => p,
        Err(errors) => {
            let page = form_page(&st, &ctx, &scope, None, input, errors, vec![]);
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
        }
    };
    let province = &st.settings.province_code;
    if person.cccd.is_none() && !confirmed {
        // Same name, birth date and commune, with or without CCCD (the index
        // knows everyone; the database indexes only people without CCCD).
        let registry = st.service::<Registry>();
        registry.ensure_loaded().await?;
        let ids = registry.index.same_person(person.ward_code.as_str(), &person.full_name, person.birth_date, 10);
        let dups: Vec<(i64, String)> =
            store::by_ids(&st.db, province, &ids).await?.into_iter().map(|r| (r.id, r.person.full_name)).collect();
        if !dups.is_empty() {
            let page = form_page(&st, &ctx, &scope, None, input, vec![], dups);
            return Ok((axum::http::StatusCode::CONFLICT, render(page)?).into_response());
        }
    }
    match store::insert(&st.db, province, &person).await? {
        Ok(id) => {
            st.service::<Registry>().index.upsert(&[store::entry_of(id, &person)]);
            audit::by_request(&st.db, province, &ctx, Action::Create, "person", Some(&id.to_string()), None).await?;
            Ok(Redirect::to(&format!("/registry/{id}?saved=1")).into_response())
        }
        Err(existing) => {
            let errors = vec![FieldError { field: "cccd".into(), code: "registry.exists".into(), row: None }];
            let page = form_page(&st, &ctx, &scope, None, input, errors, vec![(existing, String::new())]);
            Ok((axum::http::StatusCode::CONFLICT, render(page)?).into_response())
        }
    }
}

/// Load a person the user may see (or 404/403, audited when refused).
async fn load_person(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<PersonRecord> {
    let scope = crate::access::people(user)?;
    let p = store::get(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)?;
    if !scope.allows(p.person.ward_code.as_str()) {
        audit::by_request(
            &st.db,
            &st.settings.province_code,
            ctx,
            Action::Denied,
            "person",
            Some(&id.to_string()),
            None,
        )
        .await?;
        return Err(AppError::Forbidden);
    }
    Ok(p)
}

/// Load a person for display and record the read of their personal data.
pub async fn read_person(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    detail: Option<&str>,
) -> AppResult<PersonRecord> {
    let p = load_person(st, ctx, user, id).await?;
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        ctx,
        Action::ReadPersonal,
        "person",
        Some(&id.to_string()),
        detail,
    )
    .await?;
    Ok(p)
}

#[derive(Template)]
#[template(path = "registry/detail.html")]
struct DetailPage {
    page: Page,
    p: PersonRecord,
    ward: String,
    qualification: String,
    education: String,
    ethnicity: String,
    occupation: String,
    prev_occupation: String,
    /// Just saved (the form redirects here): say so, and offer the next person.
    saved: bool,
}

/// `?saved=1` after the form's redirect.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DetailQuery {
    saved: String,
}

fn label(items: &[refdata::model::CodeItem], code: Option<&str>, ctx: &Ctx) -> String {
    code.and_then(|c| items.iter().find(|i| i.code == c))
        .map(|i| if ctx.lang == platform::i18n::Lang::Vi { i.name_vi.clone() } else { i.name_en.clone() })
        .unwrap_or_default()
}

fn occupation_label(code: Option<&str>, ctx: &Ctx) -> String {
    code.map(|c| refdata::occupation_label(ctx.lang, c)).unwrap_or_default()
}

async fn detail_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    let p = read_person(&st, &ctx, &user, id, None).await?;
    let d = refdata::refdata();
    let page = DetailPage {
        page: ctx.page("registry.person"),
        ward: ward_name(p.person.ward_code.as_str()),
        qualification: label(&d.qualifications, Some(&p.person.qualification), &ctx),
        education: label(&d.education, p.person.education.as_deref(), &ctx),
        ethnicity: label(&d.ethnic_groups, p.person.ethnicity.as_deref(), &ctx),
        occupation: occupation_label(p.person.occupation_isco.as_deref(), &ctx),
        prev_occupation: occupation_label(p.person.prev_occupation_isco.as_deref(), &ctx),
        saved: !q.saved.is_empty(),
        p,
    };
    Ok(render(page)?.into_response())
}

fn input_of(p: &Person) -> PersonInput {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut needs = vec![];
    if p.needs.job {
        needs.push("job");
    }
    if p.needs.training {
        needs.push("training");
    }
    if p.needs.abroad {
        needs.push("abroad");
    }
    PersonInput {
        cccd: p.cccd.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        full_name: p.full_name.clone(),
        birth_date: p.birth_date.format("%d/%m/%Y").to_string(),
        sex: if p.sex == platform::types::Sex::Female { "female".into() } else { "male".into() },
        ethnicity: s(&p.ethnicity),
        phone: p.phone.as_ref().map(|x| x.to_string()).unwrap_or_default(),
        ward_code: p.ward_code.to_string(),
        address: String::new(),
        hamlet: s(&p.hamlet),
        household: s(&p.household),
        education: s(&p.education),
        qualification: p.qualification.clone(),
        training_field: s(&p.training_field),
        employment_status: p.employment_status.as_str().into(),
        occupation_isco: s(&p.occupation_isco),
        job_position: s(&p.job_position),
        workplace: s(&p.workplace),
        enterprise_type: s(&p.enterprise_type),
        sector: s(&p.sector),
        prev_occupation_isco: s(&p.prev_occupation_isco),
        unemployed_months: p.unemployed_months.map(|m| m.to_string()).unwrap_or_default(),
        inactivity_reason: s(&p.inactivity_reason),
        job_need: needs.join(";"),
        training_trade: s(&p.needs.training_trade),
        abroad_country: s(&p.needs.abroad_country),
        work_provinces: p.needs.work_province_names(),
        expected_wage: p.expected_wage.map(|w| w.to_string()).unwrap_or_default(),
    }
}

async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    let p = read_person(&st, &ctx, &user, id, Some("edit")).await?;
    Ok(render(form_page(&st, &ctx, &scope, Some(id), input_of(&p.person), vec![], vec![]))?.into_response())
}

async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum_extra::extract::Form(body): axum_extra::extract::Form<FormBody>,
) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    let existing = load_person(&st, &ctx, &user, id).await?;
    let (mut input, _) = person_from_form(body);
    if input.job_need.is_empty() {
        input.job_need = "none".into();
    }
    let person = match judge(&st, &scope, &input) {
        Ok(p) => p,
        Err(errors) => {
            let page = form_page(&st, &ctx, &scope, Some(id), input, errors, vec![]);
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
        }
    };
    let province = &st.settings.province_code;
    if let Some(c) = &person.cccd {
        if let Some(other) = store::id_by_cccd(&st.db, province, c.as_str()).await?.filter(|o| *o != id) {
            let errors = vec![FieldError { field: "cccd".into(), code: "registry.exists".into(), row: None }];
            let page = form_page(&st, &ctx, &scope, Some(id), input, errors, vec![(other, String::new())]);
            return Ok((axum::http::StatusCode::CONFLICT, render(page)?).into_response());
        }
    }
    store::update(&st.db, province, id, &person).await?;
    st.service::<Registry>().index.upsert(&[store::entry_of(id, &person)]);
    let changed = changed_fields(&existing.person, &person);
    audit::by_request(&st.db, province, &ctx, Action::Update, "person", Some(&id.to_string()), Some(&changed)).await?;
    Ok(Redirect::to(&format!("/registry/{id}?saved=1")).into_response())
}

/// Names of the changed fields (never their values: the audit log holds no personal data).
fn changed_fields(old: &Person, new: &Person) -> String {
    let (a, b) = (serde_json::to_value(old).unwrap_or_default(), serde_json::to_value(new).unwrap_or_default());
    let mut changed: Vec<String> = a
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| b.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    changed.sort();
    changed.join(",")
}

// ---------- indicators ----------

#[derive(Template)]
#[template(path = "registry/indicators.html")]
struct IndicatorsPage {
    page: Page,
    province: Indicators,
    rows: Vec<(String, String, Indicators)>,
    drill: bool,
}

impl IndicatorsPage {
    /// A rate as the page's language writes it (67,1% / 67.1%), "—" without a labour force.
    fn pct(&self, page: &Page, v: Option<f64>) -> String {
        v.map(|x| page.tr.percent(x)).unwrap_or_else(|| "—".into())
    }
}

/// The communes' indicators added up.
pub fn sum(rows: &[(String, Indicators)]) -> Indicators {
    rows.iter().fold(Indicators::default(), |a, (_, i)| Indicators {
        people: a.people + i.people,
        labour_force: a.labour_force + i.labour_force,
        employed: a.employed + i.employed,
        unemployed: a.unemployed + i.unemployed,
        trained: a.trained + i.trained,
        with_certificate: a.with_certificate + i.with_certificate,
    })
}

/// Indicators per commune, counted on the search index (microseconds at
/// millions of people; it follows other writers within seconds).
pub async fn indicators(st: &AppState, scope: &AreaScope) -> AppResult<Vec<(String, Indicators)>> {
    let registry = st.service::<Registry>();
    registry.ensure_loaded().await?;
    let d = refdata::refdata();
    let trained: Vec<&str> = d.qualifications.iter().filter(|q| q.rank >= 1).map(|q| q.code.as_str()).collect();
    let certified: Vec<&str> =
        d.qualifications.iter().filter(|q| q.with_certificate).map(|q| q.code.as_str()).collect();
    Ok(registry.index.indicators(scope, &trained, &certified))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DownloadQuery {
    /// `csv` or `xlsx`: the page's table as a file.
    format: String,
}

/// The indicators by commune as a table (the page's, and its download).
fn indicators_table(lang: platform::i18n::Lang, province: &Indicators, rows: &[(String, String, Indicators)]) -> Table {
    use platform::table::Cell;
    let t = |k| platform::i18n::t(lang, k).to_owned();
    let line = |name: String, i: &Indicators| -> Vec<Cell> {
        let rate = |r: Option<f64>| r.map_or(Cell::Text(String::new()), Cell::Percent);
        vec![
            name.into(),
            i.people.into(),
            i.labour_force.into(),
            i.employed.into(),
            i.unemployed.into(),
            rate(i.trained_rate()),
            rate(i.certificate_rate()),
        ]
    };
    let mut out: Vec<Vec<Cell>> = rows.iter().map(|(_, name, i)| line(name.clone(), i)).collect();
    out.push(line(t("registry.total"), province));
    Table {
        file: "chi-so-lao-dong".into(),
        title: t("registry.indicators"),
        header: [
            "field.wards",
            "ind.people",
            "ind.labour_force",
            "ind.employed",
            "ind.unemployed",
            "ind.trained_rate",
            "ind.certificate_rate",
        ]
        .map(t)
        .to_vec(),
        rows: out,
    }
}

async fn indicators_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let scope = crate::access::aggregates(&user)?;
    let rows = indicators(&st, &scope).await?;
    let province = sum(&rows);
    let rows: Vec<(String, String, Indicators)> =
        rows.into_iter().map(|(w, i)| (w.clone(), ward_name(&w), i)).collect();
    if let Some(format) = platform::table::Format::parse(&q.format) {
        return indicators_table(ctx.lang, &province, &rows).respond(format);
    }
    let drill = user.may_see_personal_data();
    Ok(render(IndicatorsPage { page: ctx.page("registry.indicators"), province, rows, drill })?.into_response())
}

// ---------- API ----------

/// A person in a list (no CCCD, phone or address: open the record for those).
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonSummary {
    pub id: i64,
    pub full_name: String,
    pub birth_date: chrono::NaiveDate,
    pub sex: String,
    pub ward_code: String,
    pub ward_name: String,
    pub qualification: String,
    pub employment_status: EmploymentStatus,
    pub needs: Needs,
    /// Link to the record in the API.
    pub url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonSummary>,
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
}

fn summary(r: &PersonRecord) -> PersonSummary {
    PersonSummary {
        id: r.id,
        full_name: r.person.full_name.clone(),
        birth_date: r.person.birth_date,
        sex: if r.person.sex == platform::types::Sex::Female { "female".into() } else { "male".into() },
        ward_code: r.person.ward_code.to_string(),
        ward_name: ward_name(r.person.ward_code.as_str()),
        qualification: r.person.qualification.clone(),
        employment_status: r.person.employment_status,
        needs: r.person.needs.clone(),
        url: format!("/api/v1/people/{}", r.id),
    }
}

/// Search the registry (commune officers: their communes only).
#[utoipa::path(get, path = "/api/v1/people", tag = "registry", params(ListQuery),
    responses((status = 200, body = PersonList), (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn list_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<PersonList>> {
    let scope = crate::access::people(&user)?;
    let (people, total) = run_search(&st, &ctx, &scope, &q).await?;
    Ok(Json(PersonList {
        items: people.iter().map(summary).collect(),
        total,
        page: q.page_no(),
        per_page: q.per_page(),
    }))
}

/// One person's whole record (the read is audited).
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PersonRecord), (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn get_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<PersonRecord>> {
    let p = read_person(&st, &ctx, &user, id, Some("api")).await?;
    Ok(Json(p))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Created {
    id: i64,
    url: String,
}

/// Register a person (the same rules as the form; 409 if the CCCD is already registered).
#[utoipa::path(post, path = "/api/v1/people", tag = "registry", request_body = PersonInput,
    responses((status = 201, body = Created), (status = 409, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Json(input): Json<PersonInput>,
) -> AppResult<Response> {
    let scope = crate::access::people(&user)?;
    let person = judge(&st, &scope, &input).map_err(AppError::Invalid)?;
    let province = &st.settings.province_code;
    match store::insert(&st.db, province, &person).await? {
        Ok(id) => {
            st.service::<Registry>().index.upsert(&[store::entry_of(id, &person)]);
            audit::by_request(&st.db, province, &ctx, Action::Create, "person", Some(&id.to_string()), Some("api"))
                .await?;
            Ok((axum::http::StatusCode::CREATED, Json(Created { id, url: format!("/api/v1/people/{id}") }))
                .into_response())
        }
        // As documented: a registered CCCD is a conflict, not a malformed request.
        Err(_) => Err(AppError::Conflict { key: "registry.exists" }),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct WardIndicators {
    ward_code: String,
    ward_name: String,
    #[serde(flatten)]
    indicators: Indicators,
    trained_rate: Option<f64>,
    certificate_rate: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct IndicatorReport {
    province: WardIndicators,
    wards: Vec<WardIndicators>,
}

/// Labour force, employed, unemployed, trained-labour rate and rate with a degree or
/// certificate, by commune and for the province (within the caller's area).
#[utoipa::path(get, path = "/api/v1/people/indicators", tag = "registry",
    responses((status = 200, body = IndicatorReport), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn indicators_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Json<IndicatorReport>> {
    let scope = crate::access::aggregates(&user)?;
    let rows = indicators(&st, &scope).await?;
    let total = sum(&rows);
    let wi = |code: String, name: String, i: Indicators| WardIndicators {
        ward_code: code,
        ward_name: name,
        trained_rate: i.trained_rate(),
        certificate_rate: i.certificate_rate(),
        indicators: i,
    };
    let province_name =
        refdata::refdata().province(&st.settings.province_code).map(|p| p.name.clone()).unwrap_or_default();
    Ok(Json(IndicatorReport {
        province: wi(st.settings.province_code.clone(), province_name, total),
        wards: rows.into_iter().map(|(w, i)| wi(w.clone(), ward_name(&w), i)).collect(),
    }))
}
