//! Candidates for a vacancy, suitable vacancies for a person, referrals:
//! the pages and the API.

use askama::Template;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use platform::audit::{self, Action};
use platform::auth::{AreaScope, CurrentUser, MaybeUser, Role, User};
use platform::error::{AppError, AppResult};
use platform::i18n::{fill, t, Lang};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use vacancies::model::VacancyRecord;

use crate::index::Among;
use crate::rules::{Fit, Note};
use crate::service::Matcher;
use crate::store::{self, NewReferral, Referral, OUTCOMES, REFUSAL_REASONS};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/vacancies/{id}/candidates", get(candidates_page))
        .route("/registry/{id}/matches", get(matches_page))
        .route("/registry/{id}/findable", post(findable_form))
        .route("/referrals", post(refer_form))
        .route("/referrals/{id}/slip", get(slip_page))
        .route("/referrals/{id}/outcome", get(outcome_page).post(outcome_form))
        .routes(routes!(candidates_api))
        .routes(routes!(matches_api))
        .routes(routes!(refer_api, referrals_api))
        .routes(routes!(outcome_api))
        .routes(routes!(findable_api))
        .route("/shortlists/run", post(run_shortlists_form))
        .routes(routes!(run_shortlists_api))
        .routes(routes!(shortlist_api))
}

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct LimitQuery {
    /// How many, best first (default 20, at most 100).
    limit: Option<usize>,
}

impl LimitQuery {
    fn get(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
}

fn text(n: &Note, lang: Lang) -> String {
    let args: Vec<(&str, &str)> = n.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill(t(lang, n.key), &args)
}

/// One part of a score, in points out of 100.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Share {
    /// occupation | qualification | distance | wage | experience | needs | words
    pub part: String,
    pub points: f64,
}

/// A score as the API and the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Explained {
    /// 0–100.
    pub score: f64,
    pub parts: Vec<Share>,
    /// What fits, in the viewer's language ("cùng nghề", "cách 4 km").
    pub reasons: Vec<String>,
    /// What does not ("thiếu trình độ Trung cấp").
    pub gaps: Vec<String>,
}

impl Explained {
    fn of(f: &Fit, lang: Lang) -> Self {
        Explained {
            score: f.score,
            parts: f
                .parts
                .iter()
                .map(|(p, x)| Share { part: p.as_str().to_owned(), points: (x * 10.0).round() / 10.0 })
                .collect(),
            reasons: f.reasons.iter().map(|n| text(n, lang)).collect(),
            gaps: f.gaps.iter().map(|n| text(n, lang)).collect(),
        }
    }
}

// ---------- candidates for a vacancy ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonBrief {
    pub id: i64,
    pub full_name: String,
    pub ward_code: String,
    pub ward_name: String,
    pub age: i64,
    pub qualification: String,
    /// For the department's staff only.
    pub phone: Option<String>,
    /// The person's record (staff).
    pub url: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MatchCandidate)]
pub struct Candidate {
    pub person: PersonBrief,
    #[serde(flatten)]
    pub fit: Explained,
    /// Already referred to this vacancy: the referral.
    pub referral_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidateList {
    pub items: Vec<Candidate>,
    /// People who pass the hard filters (published, looking for work, age, abroad).
    pub total: usize,
}

/// Who sees whom: the department's staff everyone (a commune officer their
/// communes); the vacancy's employer only applicants and findable people.
enum Audience {
    Area(AreaScope),
    Employer(std::collections::HashSet<i64>),
}

impl Audience {
    /// Whether this viewer may see the person `id` living in `ward`.
    fn allows(&self, id: i64, ward: &str) -> bool {
        match self {
            Audience::Area(scope) => scope.allows(ward),
            Audience::Employer(ids) => ids.contains(&id),
        }
    }
}

/// The vacancy, if the viewer may see it, and whom among its candidates.
async fn vacancy_audience(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<(VacancyRecord, Audience)> {
    let province = &st.settings.province_code;
    let v = vacancies::store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    vacancies::access::authorize(st, ctx, user, v.employer_id, "vacancy").await?;
    let audience = match user.role {
        Role::Employer => {
            Audience::Employer(store::visible_to_employer(&st.db, province, id).await?.into_iter().collect())
        }
        _ => Audience::Area(registry::access::people(user)?),
    };
    Ok((v, audience))
}

async fn candidates_of(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    limit: usize,
) -> AppResult<(VacancyRecord, CandidateList)> {
    let province = &st.settings.province_code;
    let (v, audience) = vacancy_audience(st, ctx, user, id).await?;
    let m = st.service::<Matcher>();
    m.sync().await?;
    let offer = crate::pool::Offers::of(&v);
    let allows = |ward: &str| matches!(&audience, Audience::Area(scope) if scope.allows(ward));
    let among = match &audience {
        Audience::Area(AreaScope::All) => Among::All,
        Audience::Area(_) => Among::Wards(&allows),
        Audience::Employer(ids) => Among::People(ids),
    };
    let (ranked, total) = m.candidates(&offer, platform::time::today(), limit, among);
    let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
    let people: std::collections::HashMap<i64, registry::model::PersonRecord> =
        registry::store::by_ids(&st.db, province, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let referred: std::collections::HashMap<i64, i64> =
        store::list(&st.db, province, Some(id), None, None).await?.into_iter().map(|r| (r.person_id, r.id)).collect();
    let d = refdata::refdata();
    let today = platform::time::today();
    let staff = !matches!(audience, Audience::Employer(_));
    let items: Vec<Candidate> = ranked
        .iter()
        .filter_map(|r| {
            let p = people.get(&r.id)?;
            let q = d.qualifications.iter().find(|q| q.code == p.person.qualification);
            Some(Candidate {
                person: PersonBrief {
                    id: p.id,
                    full_name: p.person.full_name.clone(),
                    ward_code: p.person.ward_code.to_string(),
                    ward_name: d.ward(p.person.ward_code.as_str()).map(|w| w.name.clone()).unwrap_or_default(),
                    age: i64::from(registry::rules::age_on(p.person.birth_date, today)),
                    qualification: q
                        .map(|q| if ctx.lang == Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() })
                        .unwrap_or_default(),
                    phone: p.person.phone.as_ref().filter(|_| staff).map(|x| x.to_string()),
                    url: format!("/registry/{}", p.id),
                },
                fit: Explained::of(&r.fit, ctx.lang),
                referral_id: referred.get(&r.id).copied(),
            })
        })
        .collect();
    if !items.is_empty() {
        // Names, ages and communes of people: a read of personal data.
        let detail = format!("candidates for vacancy {id}");
        audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "person", None, Some(&detail)).await?;
    }
    Ok((v, CandidateList { items, total }))
}

/// Ranked candidates for a vacancy from the registry, best first, each with
/// its score, the parts of the score, its reasons and its gaps. Staff see
/// everyone (a commune officer their communes); the vacancy's employer only
/// people who applied or chose to be findable. Reads are audited.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/candidates", tag = "matching", params(LimitQuery),
    responses((status = 200, body = CandidateList), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn candidates_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<LimitQuery>,
) -> AppResult<Json<CandidateList>> {
    Ok(Json(candidates_of(&st, &ctx, &user, id, q.get()).await?.1))
}

#[derive(Template)]
#[template(path = "matching/candidates.html")]
struct CandidatesPage {
    page: Page,
    v: VacancyRecord,
    list: CandidateList,
    can_refer: bool,
    /// When the batch last wrote this vacancy's shortlist.
    listed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Staff may run the batch now.
    can_run: bool,
}

async fn candidates_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (v, list) = candidates_of(&st, &ctx, &user, id, DEFAULT_LIMIT).await?;
    let (_, listed_at) = crate::batch::shortlist(&st.db, &st.settings.province_code, id).await?;
    let page = CandidatesPage {
        listed_at,
        can_run: can_run(&user),
        page: Page {
            title: format!("{}: {}", t(ctx.lang, "match.candidates"), v.title),
            ..ctx.page("match.candidates")
        },
        can_refer: can_refer(&user),
        v,
        list,
    };
    Ok(render(page)?.into_response())
}

// ---------- suitable vacancies for a person ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacancyBrief {
    pub id: i64,
    pub title: String,
    pub employer_name: String,
    /// A commune of this province, another province, or abroad.
    pub place: String,
    pub wage: String,
    pub deadline: NaiveDate,
    /// Its public page (a partner's vacancy: its page at the origin, where the person applies).
    pub url: String,
    /// A partner province's vacancy (liên kết tuyển dụng): the province it
    /// comes from; absent for our own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_province: Option<String>,
}

/// Where a vacancy is (commune, province, country), as stored.
type Place<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

impl VacancyBrief {
    /// Ours or a partner's alike: the words a person reads.
    fn of(
        lang: platform::i18n::Lang,
        id: i64,
        (title, employer_name): (&str, &str),
        (ward, province, country): Place<'_>,
        (wage_min, wage_max): (Option<i64>, Option<i64>),
        deadline: NaiveDate,
    ) -> Self {
        VacancyBrief {
            id,
            title: title.to_owned(),
            employer_name: employer_name.to_owned(),
            place: vacancies::board::place_text(lang, ward, province, country),
            wage: vacancies::board::wage_text(lang, wage_min, wage_max),
            deadline,
            url: String::new(),
            origin_province: None,
        }
    }

    fn at(self, url: String, origin_province: Option<String>) -> Self {
        Self { url, origin_province, ..self }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Match {
    pub vacancy: VacancyBrief,
    #[serde(flatten)]
    pub fit: Explained,
    pub referral_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchList {
    pub items: Vec<Match>,
    /// Open vacancies that pass the hard filters.
    pub total: usize,
}

async fn matches_of(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    limit: usize,
) -> AppResult<(registry::model::PersonRecord, MatchList)> {
    let p = registry::routes::read_person(st, ctx, user, id, Some("matches")).await?;
    let m = st.service::<Matcher>();
    m.sync().await?;
    let seeker = m.seekers.0.get(id).ok_or(AppError::NotFound)?;
    let (ranked, total) = m.matches(&seeker, platform::time::today(), limit);
    let province = &st.settings.province_code;
    let referred: std::collections::HashMap<i64, i64> =
        store::list(&st.db, province, None, Some(id), None).await?.into_iter().map(|r| (r.vacancy_id, r.id)).collect();
    let (theirs, ours): (Vec<i64>, Vec<i64>) =
        ranked.iter().map(|r| r.id).partition(|&id| id >= vacancies::index::FOREIGN_BASE);
    let records: std::collections::HashMap<i64, VacancyRecord> =
        vacancies::store::by_ids(&st.db, province, &ours).await?.into_iter().map(|v| (v.id, v)).collect();
    let local: Vec<i64> = theirs.iter().map(|id| id - vacancies::index::FOREIGN_BASE).collect();
    let partners: std::collections::HashMap<i64, exchange::store::Received> =
        exchange::store::received_by_ids(&st.db, province, &local)
            .await?
            .into_iter()
            .map(|v| (v.id + vacancies::index::FOREIGN_BASE, v))
            .collect();
    let items = ranked
        .iter()
        .filter_map(|r| {
            let (vacancy, referral_id) = match (partners.get(&r.id), records.get(&r.id)) {
                (Some(v), _) => (
                    VacancyBrief::of(
                        ctx.lang,
                        r.id,
                        (&v.title, &v.employer_name),
                        (v.work_ward_code.as_deref(), v.work_province_code.as_deref(), v.work_country.as_deref()),
                        (v.wage_min, v.wage_max),
                        v.deadline,
                    )
                    .at(v.url.clone(), Some(v.origin_province.clone())),
                    referred.get(&r.id).copied(),
                ),
                (None, Some(v)) => (
                    VacancyBrief::of(
                        ctx.lang,
                        v.id,
                        (&v.title, &v.employer_name),
                        (v.work_ward_code.as_deref(), v.work_province_code.as_deref(), v.work_country.as_deref()),
                        (v.wage_min, v.wage_max),
                        v.deadline,
                    )
                    .at(st.settings.absolute(&format!("/jobs/{}", v.id)), None),
                    referred.get(&v.id).copied(),
                ),
                (None, None) => return None,
            };
            Some(Match { vacancy, fit: Explained::of(&r.fit, ctx.lang), referral_id })
        })
        .collect();
    Ok((p, MatchList { items, total }))
}

/// Ranked open vacancies for a person (in the province, in other provinces,
/// abroad when the person wants it), best first, with reasons and gaps. For
/// the department's staff (a commune officer in their communes).
#[utoipa::path(get, path = "/api/v1/people/{id}/matches", tag = "matching", params(LimitQuery),
    responses((status = 200, body = MatchList), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn matches_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<LimitQuery>,
) -> AppResult<Json<MatchList>> {
    Ok(Json(matches_of(&st, &ctx, &user, id, q.get()).await?.1))
}

#[derive(Template)]
#[template(path = "matching/matches.html")]
struct MatchesPage {
    page: Page,
    p: registry::model::PersonRecord,
    list: MatchList,
    findable_since: Option<String>,
    can_refer: bool,
}

async fn matches_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (p, list) = matches_of(&st, &ctx, &user, id, DEFAULT_LIMIT).await?;
    let since = store::consent(&st.db, &st.settings.province_code, id).await?;
    let tr = platform::i18n::Tr::new(ctx.lang);
    let page = MatchesPage {
        page: Page {
            title: format!("{}: {}", t(ctx.lang, "match.suitable"), p.person.full_name),
            ..ctx.page("match.suitable")
        },
        findable_since: since.map(|d| fill(t(ctx.lang, "match.findable_since"), &[("date", &tr.local_date(&d))])),
        can_refer: can_refer(&user),
        p,
        list,
    };
    Ok(render(page)?.into_response())
}

// ---------- consent to be findable ----------

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FindableInput {
    /// The person agrees that employers may find them among candidates.
    pub findable: bool,
}

async fn set_findable(st: &AppState, ctx: &Ctx, user: &User, id: i64, findable: bool) -> AppResult<()> {
    registry::routes::read_person(st, ctx, user, id, Some("consent")).await?;
    let province = &st.settings.province_code;
    store::set_consent(&st.db, province, id, Some(user.id), findable).await?;
    let detail = if findable { "findable" } else { "not findable" };
    audit::by_request(&st.db, province, ctx, Action::Update, "person", Some(&id.to_string()), Some(detail)).await?;
    Ok(())
}

/// Record (or withdraw) a person's consent to be found by employers, dated
/// today (staff; a commune officer in their communes).
#[utoipa::path(post, path = "/api/v1/people/{id}/findable", tag = "matching", request_body = FindableInput,
    responses((status = 204), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn findable_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    body: Result<Json<FindableInput>, JsonRejection>,
) -> AppResult<StatusCode> {
    registry::access::people(&user)?;
    let Json(f) = body.map_err(|_| AppError::bad("err.bad_request"))?;
    set_findable(&st, &ctx, &user, id, f.findable).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FindableForm {
    findable: String,
}

async fn findable_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<FindableForm>,
) -> AppResult<Response> {
    set_findable(&st, &ctx, &user, id, f.findable == "1").await?;
    Ok(Redirect::to(&format!("/registry/{id}/matches")).into_response())
}

// ---------- referrals ----------

/// Who refers: the department's staff and commune officers.
fn can_refer(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff | Role::CommuneOfficer)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReferralInput {
    pub person_id: i64,
    pub vacancy_id: i64,
}

/// Refer a person to an open vacancy: `Ok(Err(existing))` when they were already.
/// A partner province's vacancy by the id the board and matching give it
/// (from [`vacancies::index::FOREIGN_BASE`] on); `None` for one of ours.
async fn partner_vacancy(st: &AppState, id: i64) -> AppResult<Option<exchange::store::Received>> {
    let base = vacancies::index::FOREIGN_BASE;
    if id < base {
        return Ok(None);
    }
    let found = exchange::store::received_by_ids(&st.db, &st.settings.province_code, &[id - base]).await?;
    Ok(Some(found.into_iter().next().ok_or_else(|| AppError::invalid("vacancy_id", "err.not_found"))?))
}

async fn refer(st: &AppState, ctx: &Ctx, user: &User, input: &ReferralInput) -> AppResult<Result<Referral, i64>> {
    if !can_refer(user) {
        return Err(AppError::Forbidden);
    }
    registry::routes::read_person(st, ctx, user, input.person_id, Some("referral")).await?;
    let province = &st.settings.province_code;
    // Ours: its employer is told. A partner province's (liên kết tuyển
    // dụng): the person applies at its origin; no employer of ours.
    let (offer, employer, title) = match partner_vacancy(st, input.vacancy_id).await? {
        Some(r) => (crate::pool::PartnerOffers::of(&r, province), None, r.title),
        None => {
            let v = vacancies::store::get(&st.db, province, input.vacancy_id)
                .await?
                .ok_or_else(|| AppError::invalid("vacancy_id", "err.not_found"))?;
            (crate::pool::Offers::of(&v), Some(v.employer_id), v.title)
        }
    };
    let m = st.service::<Matcher>();
    m.sync().await?;
    let seeker = m.seekers.0.get(input.person_id).ok_or(AppError::NotFound)?;
    let today = platform::time::today();
    if let Err(why) = crate::rules::eligible(&seeker, &offer, today) {
        return Err(AppError::bad(crate::rules::excluded_key(why)));
    }
    let fit = m.fit(&seeker, &offer);
    let token = platform::web::random_token();
    let new = NewReferral {
        person_id: input.person_id,
        vacancy_id: offer.id,
        employer_id: employer.unwrap_or(0),
        referred_by: Some(user.id),
        token: &token,
        score: Some(fit.score),
    };
    let Some(id) = store::insert(&st.db, province, &new).await? else {
        let existing = store::list(&st.db, province, Some(offer.id), Some(input.person_id), None).await?;
        return Ok(Err(existing.first().map_or(0, |r| r.id)));
    };
    audit::by_request(&st.db, province, ctx, Action::Create, "referral", Some(&id.to_string()), None).await?;
    if let Some(employer) = employer {
        let link = format!("/vacancies/{}", offer.id);
        platform::notify::tell(
            st,
            platform::notify::To::Employer(employer),
            "match.notify.referred",
            &[("title", title.as_str())],
            Some(&link),
        )
        .await?;
    }
    Ok(Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?))
}

/// Refer a person to a vacancy (staff; a commune officer for people of their
/// communes). The same person and vacancy again: 409. The employer is told.
#[utoipa::path(post, path = "/api/v1/referrals", tag = "matching", request_body = ReferralInput,
    responses((status = 201, body = Referral), (status = 400, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 409, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn refer_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    body: Result<Json<ReferralInput>, JsonRejection>,
) -> AppResult<Response> {
    if !can_refer(&user) {
        return Err(AppError::Forbidden);
    }
    let Json(input) = body.map_err(|_| AppError::bad("err.bad_request"))?;
    match refer(&st, &ctx, &user, &input).await? {
        Ok(r) => Ok((StatusCode::CREATED, Json(r)).into_response()),
        Err(_) => Err(AppError::Conflict { key: "match.err.referred_already" }),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReferForm {
    person_id: i64,
    vacancy_id: i64,
}

async fn refer_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<ReferForm>,
) -> AppResult<Response> {
    let input = ReferralInput { person_id: f.person_id, vacancy_id: f.vacancy_id };
    let id = match refer(&st, &ctx, &user, &input).await? {
        Ok(r) => r.id,
        Err(existing) => existing,
    };
    Ok(Redirect::to(&format!("/referrals/{id}/slip")).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ReferralQuery {
    vacancy_id: Option<i64>,
    person_id: Option<i64>,
}

/// Referrals by vacancy and/or person, newest first: staff all (a commune
/// officer those of people in their communes); an employer its own.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "matching", params(ReferralQuery),
    responses((status = 200, body = Vec<Referral>), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn referrals_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ReferralQuery>,
) -> AppResult<Json<Vec<Referral>>> {
    let province = &st.settings.province_code;
    let (employer, scope) = match user.role {
        Role::Employer => (Some(user.employer_id.ok_or(AppError::Forbidden)?), AreaScope::All),
        _ => (None, registry::access::people(&user)?),
    };
    let mut list = store::list(&st.db, province, q.vacancy_id, q.person_id, employer).await?;
    if !matches!(scope, AreaScope::All) {
        let m = st.service::<Matcher>();
        m.sync().await?;
        list.retain(|r| m.seekers.0.get(r.person_id).is_some_and(|s| scope.allows(&s.ward_code)));
    }
    Ok(Json(list))
}

// ---------- the slip and its outcome ----------

/// What a referral sends a person to, as the slip and the outcome page
/// show it: one of our vacancies, or a partner province's.
pub struct Target {
    pub title: String,
    pub employer_name: String,
    /// The employer's street (ours).
    pub street: Option<String>,
    pub place: String,
    pub contact: Option<String>,
    /// A partner's vacancy: the partner as we call it and the vacancy's
    /// page at its origin, where the person applies.
    pub origin: Option<(String, String)>,
    /// Where the slip's page leads back to.
    pub back: String,
    /// The placement a hire makes.
    pub hire: placements::model::PlacementInput,
    /// Set when the vacancy is ours: its id (a hire counts against it).
    pub vacancy_id: Option<i64>,
}

async fn target_of(st: &AppState, lang: Lang, r: &Referral, hired_on: NaiveDate) -> AppResult<Target> {
    let province = &st.settings.province_code;
    if let Some(v) = partner_vacancy(st, r.vacancy_id).await? {
        let partner = exchange::store::partner(&st.db, province, v.partner_id).await?.map(|p| p.name);
        let (place, country) =
            placements::service::place_of(v.work_country.as_deref(), v.work_province_code.as_deref(), province);
        let tax = exchange::store::partner_tax_code(&st.db, province, v.id).await?;
        let hire = placements::model::PlacementInput {
            employer_kind: "employer".into(),
            employer_tax_code: tax.unwrap_or_default(),
            employer_name: v.employer_name.clone(),
            occupation_isco: v.occupation_isco.clone(),
            start_date: hired_on.format("%d/%m/%Y").to_string(),
            channel: "referral".into(),
            place: place.into(),
            country,
            wage: v.wage_min.map(|w| w.to_string()).unwrap_or_default(),
            ..Default::default()
        };
        return Ok(Target {
            place: vacancies::board::place_text(
                lang,
                v.work_ward_code.as_deref(),
                v.work_province_code.as_deref(),
                v.work_country.as_deref(),
            ),
            title: v.title,
            employer_name: v.employer_name,
            street: None,
            contact: None,
            origin: Some((partner.unwrap_or(v.origin_province), v.url)),
            back: format!("/people/{}/matches", r.person_id),
            hire,
            vacancy_id: None,
        });
    }
    let v = vacancies::store::get(&st.db, province, r.vacancy_id).await?.ok_or(AppError::NotFound)?;
    let employer = employers::api::employer(&st.db, province, v.employer_id).await?;
    let tax = employer.as_ref().map(|e| e.tax_code.clone());
    Ok(Target {
        hire: placements::service::input_for_vacancy(&v, tax.as_deref(), province, hired_on, "referral"),
        place: vacancies::board::place_text(
            lang,
            v.work_ward_code.as_deref(),
            v.work_province_code.as_deref(),
            v.work_country.as_deref(),
        ),
        street: employer.and_then(|e| e.street),
        back: format!("/vacancies/{}/candidates", v.id),
        vacancy_id: Some(v.id),
        title: v.title,
        employer_name: v.employer_name,
        contact: v.contact,
        origin: None,
    })
}

#[derive(Template)]
#[template(path = "matching/slip.html")]
struct SlipPage {
    page: Page,
    r: Referral,
    p: registry::model::PersonRecord,
    v: Target,
    qr_svg: String,
    outcome_url: String,
    date: String,
}

/// Phiếu giới thiệu việc làm, printable on A4: who, to which vacancy, and a
/// QR code with which the employer records what came of it (for a partner
/// province's vacancy, also where to apply).
async fn slip_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let province = &st.settings.province_code;
    let r = store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    if !can_refer(&user) {
        return Err(AppError::Forbidden);
    }
    let p = registry::routes::read_person(&st, &ctx, &user, r.person_id, Some("referral slip")).await?;
    let v = target_of(&st, ctx.lang, &r, platform::time::today()).await?;
    let outcome_url = st.settings.absolute(&format!("/referrals/{}/outcome?t={}", r.id, r.token));
    let tr = platform::i18n::Tr::new(ctx.lang);
    let page = SlipPage {
        page: Page { title: t(ctx.lang, "match.slip").to_owned(), ..ctx.page("match.slip") },
        qr_svg: vacancies::board::qr_svg(&outcome_url)?,
        outcome_url,
        date: tr.local_date(&r.created_at),
        r,
        p,
        v,
    };
    Ok(render(page)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenQuery {
    t: String,
}

/// May record the outcome: the slip's holder (its QR code's token), the
/// vacancy's employer, or the department's staff.
fn may_record(r: &Referral, user: Option<&User>, token: &str) -> bool {
    let by_token = !token.is_empty() && platform::web::constant_time_eq(token, &r.token);
    by_token
        || user.is_some_and(|u| {
            matches!(u.role, Role::Admin | Role::Staff)
                || (u.role == Role::Employer && u.employer_id == Some(r.employer_id))
        })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ReferralOutcomeInput)]
#[serde(default)]
pub struct OutcomeInput {
    /// interviewed | hired | refused | no_show
    pub outcome: String,
    /// dd/mm/yyyy or yyyy-mm-dd; today when empty.
    pub date: String,
    /// For "refused": qualification | experience | position_filled | wage | other.
    pub reason: String,
    /// The slip's token, when recorded from its QR code without a login.
    pub t: String,
}

async fn record_outcome(
    st: &AppState,
    ctx: &Ctx,
    user: Option<&User>,
    id: i64,
    f: &OutcomeInput,
) -> AppResult<Result<Referral, Vec<platform::error::FieldError>>> {
    let province = &st.settings.province_code;
    let r = store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    if !may_record(&r, user, &f.t) {
        audit::by_request(&st.db, province, ctx, Action::Denied, "referral", Some(&id.to_string()), None).await?;
        return Err(AppError::Forbidden);
    }
    let today = platform::time::today();
    match crate::rules::outcome(&f.outcome, &f.date, &f.reason, r.created_at.date_naive(), today) {
        Err(errors) => Ok(Err(errors)),
        Ok((outcome, date, reason)) => {
            store::set_outcome(&st.db, province, id, outcome, date, reason).await?;
            let detail = if user.is_none() { format!("{outcome} (QR)") } else { outcome.to_owned() };
            audit::by_request(&st.db, province, ctx, Action::Update, "referral", Some(&id.to_string()), Some(&detail))
                .await?;
            if outcome == "hired" {
                // A hire through a referral is a job created, counted once
                // (through a partner province's vacancy too).
                let target = target_of(st, ctx.lang, &r, date).await?;
                let origin =
                    placements::store::Origin { source: "referral", source_id: Some(id), by: user.map(|u| u.id) };
                placements::service::from_hire(st, ctx, r.person_id, &target.hire, &origin).await?;
            }
            Ok(Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?))
        }
    }
}

/// Record what came of a referral: the vacancy's employer or staff (or the
/// slip's holder, with its token as `t`).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/outcome", tag = "matching", request_body = OutcomeInput,
    responses((status = 200, body = Referral), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn outcome_api(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Json(f): Json<OutcomeInput>,
) -> AppResult<Json<Referral>> {
    Ok(Json(record_outcome(&st, &ctx, user.as_ref(), id, &f).await?.map_err(AppError::Invalid)?))
}

#[derive(Template)]
#[template(path = "matching/outcome.html")]
struct OutcomePage {
    page: Page,
    r: Referral,
    v: Target,
    full_name: String,
    input: OutcomeInput,
    errors: Vec<platform::error::FieldError>,
    saved: bool,
    outcomes: &'static [&'static str],
    reasons: &'static [&'static str],
}

impl OutcomePage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn outcome_view(
    st: &AppState,
    ctx: &Ctx,
    user: Option<&User>,
    id: i64,
    input: OutcomeInput,
    errors: Vec<platform::error::FieldError>,
    saved: bool,
) -> AppResult<OutcomePage> {
    let province = &st.settings.province_code;
    let r = store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    if !may_record(&r, user, &input.t) {
        return Err(AppError::Forbidden);
    }
    let v = target_of(st, ctx.lang, &r, platform::time::today()).await?;
    let person = registry::store::get(&st.db, province, r.person_id).await?.ok_or(AppError::NotFound)?;
    Ok(OutcomePage {
        page: ctx.page("match.outcome.title"),
        full_name: person.person.full_name,
        r,
        v,
        input,
        errors,
        saved,
        outcomes: &OUTCOMES,
        reasons: &REFUSAL_REASONS,
    })
}

async fn outcome_page(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let input = OutcomeInput { t: q.t, ..Default::default() };
    Ok(render(outcome_view(&st, &ctx, user.as_ref(), id, input, vec![], false).await?)?.into_response())
}

async fn outcome_form(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<OutcomeInput>,
) -> AppResult<Response> {
    match record_outcome(&st, &ctx, user.as_ref(), id, &f).await? {
        Ok(_) => Ok(render(outcome_view(&st, &ctx, user.as_ref(), id, f, vec![], true).await?)?.into_response()),
        Err(errors) => {
            let page = outcome_view(&st, &ctx, user.as_ref(), id, f, errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

// ---------- the batch: shortlists and alerts ----------

fn can_run(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff)
}

/// Start the batch now, as a job (its progress on the jobs page).
async fn start_shortlists(st: &AppState, user: &User, origin: platform::jobs::Origin) -> AppResult<i64> {
    user.require(can_run(user))?;
    let batch = st.service::<crate::batch::Shortlists>();
    let job = platform::jobs::NewJob {
        kind: <crate::batch::Shortlists as platform::jobs::Scheduled>::KIND,
        origin,
        user_id: Some(user.id),
        file_name: None,
        input: None,
    };
    let id =
        platform::jobs::start(&st.db, job, move |h| async move { platform::jobs::Scheduled::run(&*batch, h).await })
            .await?;
    Ok(id)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ShortlistStarted)]
pub struct Started {
    /// The job: `GET /api/v1/jobs` shows its progress and result.
    pub job_id: i64,
}

/// Write every open vacancy's shortlist now and send the alerts (staff),
/// instead of waiting for the quarter-hourly run. Answers at once.
#[utoipa::path(post, path = "/api/v1/shortlists/run", tag = "matching",
    responses((status = 202, body = Started), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn run_shortlists_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<(StatusCode, Json<Started>)> {
    let job_id = start_shortlists(&st, &user, platform::jobs::Origin::Api).await?;
    Ok((StatusCode::ACCEPTED, Json(Started { job_id })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RunForm {
    vacancy_id: i64,
}

async fn run_shortlists_form(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<RunForm>,
) -> AppResult<Response> {
    start_shortlists(&st, &user, platform::jobs::Origin::Web).await?;
    Ok(Redirect::to(&format!("/vacancies/{}/candidates?started=1", f.vacancy_id)).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub person_id: i64,
    pub score: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Shortlist {
    /// Best first, as the last batch wrote them (among the people the viewer may see).
    pub items: Vec<Listed>,
    /// When the batch wrote it; none before its first run.
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A vacancy's shortlist as the scheduled batch last wrote it, with the
/// same area and consent rules as its candidates.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/shortlist", tag = "matching",
    responses((status = 200, body = Shortlist), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn shortlist_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Shortlist>> {
    let province = &st.settings.province_code;
    let (_, audience) = vacancy_audience(&st, &ctx, &user, id).await?;
    let (rows, computed_at) = crate::batch::shortlist(&st.db, province, id).await?;
    let m = st.service::<Matcher>();
    let items: Vec<Listed> = rows
        .into_iter()
        .filter(|&(person, _)| m.seekers.0.get(person).is_some_and(|s| audience.allows(person, &s.ward_code)))
        .map(|(person_id, score)| Listed { person_id, score })
        .collect();
    if !items.is_empty() {
        // Which people suit a vacancy says something about them: audited like candidates.
        let detail = format!("shortlist of vacancy {id}");
        audit::by_request(&st.db, province, &ctx, Action::ReadPersonal, "person", None, Some(&detail)).await?;
    }
    Ok(Json(Shortlist { items, computed_at }))
}
