//! Recording placements (the form, the API, imports, referral and session
//! hires) and counting jobs created.

use std::collections::BTreeMap;

use platform::audit::{self, Action};
use platform::auth::{Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::web::Ctx;
use platform::AppState;

use crate::model::*;
use crate::rules;
use crate::store::{self, Filter, Origin};

/// Records placements: the department's staff, commune officers for people of their communes.
pub fn records(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff | Role::CommuneOfficer)
}

/// Reads the counts (no personal data): also the leadership.
pub fn reads_counts(user: &User) -> bool {
    records(user) || user.role == Role::Viewer
}

/// The person a placement is for: the one named, found by CCCD, or added to
/// the registry from the row (as employed, in this occupation). `Err` holds
/// the row's problems, named by its fields.
pub(crate) async fn person(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &PlacementInput,
) -> AppResult<Result<(i64, String), Vec<FieldError>>> {
    let province = &st.settings.province_code;
    let scope = registry::access::people(user)?;
    let found = match input.person_id {
        Some(id) => Some(id),
        None if !input.cccd.trim().is_empty() => match registry::rules::parse_cccd_lenient(&input.cccd) {
            Ok(c) => registry::store::id_by_cccd(&st.db, province, c.as_str()).await?,
            Err(e) => return Ok(Err(vec![FieldError::new("cccd", e.key)])),
        },
        None => None,
    };
    if let Some(id) = found {
        let p = registry::store::get(&st.db, province, id)
            .await?
            .ok_or_else(|| AppError::invalid("person_id", "err.not_found"))?;
        if !scope.allows(p.person.ward_code.as_str()) {
            audit::by_request(&st.db, province, ctx, Action::Denied, "person", Some(&id.to_string()), None).await?;
            return Err(AppError::Forbidden);
        }
        return Ok(Ok((id, p.person.ward_code.as_str().to_owned())));
    }
    let p = match registry::rules::validate(&person_input(input), refdata::refdata(), province, platform::time::today())
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    if !scope.allows(p.ward_code.as_str()) {
        return Ok(Err(vec![FieldError::new("ward_code", "pl.err.ward_outside")]));
    }
    let ward = p.ward_code.as_str().to_owned();
    if let Some(id) = registry::store::same_person(&st.db, province, &p).await? {
        return Ok(Ok((id, ward)));
    }
    let id = match registry::store::insert(&st.db, province, &p).await? {
        Ok(id) => {
            audit::by_request(
                &st.db,
                province,
                ctx,
                Action::Create,
                "person",
                Some(&id.to_string()),
                Some("placement"),
            )
            .await?;
            id
        }
        Err(existing) => existing,
    };
    Ok(Ok((id, ward)))
}

/// The registry's record a placement's row describes: someone now employed,
/// in the job's occupation and workplace.
pub(crate) fn person_input(input: &PlacementInput) -> registry::model::PersonInput {
    registry::model::PersonInput {
        cccd: input.cccd.clone(),
        full_name: input.full_name.clone(),
        birth_date: input.birth_date.clone(),
        sex: input.sex.clone(),
        ward_code: input.ward_code.clone(),
        employment_status: "employed".into(),
        occupation_isco: input.occupation_isco.clone(),
        workplace: input.employer_name.clone(),
        ..Default::default()
    }
}

/// Record a placement: `Ok((id, true))` new, `Ok((id, false))` the same job
/// recorded already (same person, same employer, within 30 days).
pub async fn record(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &PlacementInput,
    origin: &Origin<'_>,
) -> AppResult<Result<(i64, bool), Vec<FieldError>>> {
    if !records(user) {
        return Err(AppError::Forbidden);
    }
    let job = rules::validate(input, refdata::refdata(), platform::time::today());
    let who = person(st, ctx, user, input).await?;
    let (job, (person_id, ward)) = match (job, who) {
        (Ok(j), Ok(w)) => (j, w),
        (j, w) => {
            let mut errors = w.err().unwrap_or_default();
            errors.extend(j.err().unwrap_or_default());
            return Ok(Err(errors));
        }
    };
    save(st, ctx, person_id, &ward, &job, origin).await.map(Ok)
}

/// A hire recorded elsewhere (a referral's outcome, a session's interview)
/// becomes a placement: the caller has checked who may record that outcome.
/// Nothing when the person is not in the registry or the job does not check.
pub async fn from_hire(
    st: &AppState,
    ctx: &Ctx,
    person_id: i64,
    input: &PlacementInput,
    origin: &Origin<'_>,
) -> AppResult<Option<(i64, bool)>> {
    let province = &st.settings.province_code;
    let Some(p) = registry::store::get(&st.db, province, person_id).await? else {
        return Ok(None);
    };
    let job = match rules::validate(input, refdata::refdata(), platform::time::today()) {
        Ok(j) => j,
        Err(e) => {
            tracing::warn!(source = origin.source, ?e, "a hire could not become a placement");
            return Ok(None);
        }
    };
    Ok(Some(save(st, ctx, person_id, p.person.ward_code.as_str(), &job, origin).await?))
}

/// Store a checked job for a person, unless it is one already recorded; audited.
async fn save(
    st: &AppState,
    ctx: &Ctx,
    person_id: i64,
    ward: &str,
    job: &Placement,
    origin: &Origin<'_>,
) -> AppResult<(i64, bool)> {
    let province = &st.settings.province_code;
    let (id, created) = save_in(&st.db, province, person_id, ward, job, origin).await?;
    if created {
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::Create,
            "placement",
            Some(&id.to_string()),
            Some(origin.source),
        )
        .await?;
    }
    Ok((id, created))
}

/// Store a checked job for a person unless it is one already recorded (the
/// same source record, or the same employer within 30 days): `(id, created)`.
pub async fn save_in(
    db: &platform::Db,
    province: &str,
    person_id: i64,
    ward: &str,
    job: &Placement,
    origin: &Origin<'_>,
) -> anyhow::Result<(i64, bool)> {
    if let Some(origin_id) = origin.source_id {
        if let Some(id) = store::by_source(db, province, origin.source, origin_id).await? {
            return Ok((id, false));
        }
    }
    let key = rules::employer_key(job.employer_kind, job.employer_tax_code.as_deref(), job.employer_name.as_deref());
    let earlier = store::of_person(db, province, person_id).await?;
    let keyed: Vec<(String, chrono::NaiveDate)> = earlier
        .iter()
        .map(|(_, kind, tax, name, start)| (rules::employer_key(kind, tax.as_deref(), name.as_deref()), *start))
        .collect();
    if let Some(i) = rules::same_job(&keyed, &key, job.start_date) {
        return Ok((earlier[i].0, false));
    }
    let employer_id = match &job.employer_tax_code {
        Some(t) => employers::store::by_tax_code(db, province, t).await?.map(|e| e.id),
        None => None,
    };
    let id = store::insert(db, province, person_id, ward, employer_id, job, origin).await?;
    Ok((id, true))
}

/// Counts by key, most first, then by key (every breakdown's order).
pub fn rank<'a>(counts: impl Iterator<Item = (&'a str, i64)>) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = counts.filter(|(_, n)| *n > 0).map(|(k, n)| (k.to_owned(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Jobs created in a period, folded from the counts by day.
pub fn fold(rows: &[(chrono::NaiveDate, String, String, String, Option<String>, i64)]) -> JobsCreated {
    let mut months: BTreeMap<String, i64> = BTreeMap::new();
    let mut wards: BTreeMap<&str, i64> = BTreeMap::new();
    let mut channels: BTreeMap<&str, i64> = BTreeMap::new();
    let mut places: BTreeMap<&str, i64> = BTreeMap::new();
    let mut countries: BTreeMap<&str, i64> = BTreeMap::new();
    let mut total = 0;
    for (day, ward, channel, place, country, n) in rows {
        total += n;
        *months.entry(day.format("%Y-%m").to_string()).or_default() += n;
        *wards.entry(ward).or_default() += n;
        *channels.entry(channel).or_default() += n;
        *places.entry(place).or_default() += n;
        if let Some(c) = country {
            *countries.entry(c).or_default() += n;
        }
    }
    let ranked = |m: BTreeMap<&str, i64>| rank(m.into_iter());
    JobsCreated {
        total,
        by_month: months.into_iter().map(|(month, count)| MonthCount { month, count }).collect(),
        by_ward: ranked(wards).into_iter().map(|(ward_code, count)| WardCount { ward_code, count }).collect(),
        by_channel: ranked(channels).into_iter().map(|(channel, count)| ChannelCount { channel, count }).collect(),
        by_place: ranked(places).into_iter().map(|(place, count)| PlaceCount { place, count }).collect(),
        abroad_by_country: ranked(countries)
            .into_iter()
            .map(|(country, count)| CountryCount { country, count })
            .collect(),
    }
}

/// Jobs created in a period, from the in-memory cube (brought up to date
/// first); the same figures as [`fold`] over [`store::counts`].
pub async fn jobs_created(st: &AppState, f: &Filter) -> AppResult<JobsCreated> {
    let cube = st.service::<crate::cube::Cube>();
    cube.sync(&st.db, &st.settings.province_code).await?;
    Ok(cube.jobs_created(f))
}

/// Set a target (staff).
pub async fn set_target(st: &AppState, ctx: &Ctx, user: &User, t: &TargetInput) -> AppResult<()> {
    if !matches!(user.role, Role::Admin | Role::Staff) {
        return Err(AppError::Forbidden);
    }
    if !INDICATORS.contains(&t.indicator.as_str()) {
        return Err(AppError::invalid("indicator", "err.code.unknown"));
    }
    if !(2000..=2100).contains(&t.year) {
        return Err(AppError::invalid("year", "err.number.invalid"));
    }
    if t.value < 0 {
        return Err(AppError::invalid("value", "err.number.invalid"));
    }
    let province = &st.settings.province_code;
    let ward = t.ward_code.as_deref().map(str::trim).unwrap_or_default();
    if !ward.is_empty() && refdata::refdata().ward(ward).is_none_or(|w| w.province_code != *province) {
        return Err(AppError::invalid("ward_code", "err.ward.unknown"));
    }
    store::put_target(&st.db, province, &t.indicator, t.year, ward, t.value, Some(user.id)).await?;
    let detail =
        format!("{} {} {} = {}", t.indicator, t.year, if ward.is_empty() { "province" } else { ward }, t.value);
    audit::by_request(&st.db, province, ctx, Action::Update, "target", None, Some(&detail)).await?;
    Ok(())
}

/// The year's targets and their progress on `as_of`.
pub async fn progress(st: &AppState, year: i32, as_of: chrono::NaiveDate) -> AppResult<Vec<TargetProgress>> {
    let province = &st.settings.province_code;
    let targets = store::targets(&st.db, province, year).await?;
    if targets.is_empty() {
        return Ok(vec![]);
    }
    let start =
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::invalid("year", "err.number.invalid"))?;
    let f = Filter { from: Some(start), to: Some(as_of), ..Default::default() };
    let jobs = jobs_created(st, &f).await?;
    Ok(targets
        .into_iter()
        .map(|(indicator, ward, target)| {
            let actual = if ward.is_empty() {
                jobs.total
            } else {
                jobs.by_ward.iter().find(|w| w.ward_code == ward).map_or(0, |w| w.count)
            };
            let expected = if as_of < start {
                0
            } else {
                rules::expected_to_date(
                    target,
                    as_of.min(chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(as_of)),
                )
            };
            TargetProgress {
                indicator,
                ward_code: ward,
                target,
                actual,
                expected_to_date: expected,
                ahead_by: actual - expected,
            }
        })
        .collect())
}

/// The job a hire for a vacancy is: its employer (by tax code), occupation,
/// place (this province, another, or abroad with the country), contract and
/// wage, starting on `start` through `channel`.
/// Where a job is, as a placement records it: (place, country) — abroad
/// with its country, in another province, or in ours.
pub fn place_of(work_country: Option<&str>, work_province: Option<&str>, province: &str) -> (&'static str, String) {
    match (work_country, work_province) {
        (Some(c), _) => ("abroad", c.to_owned()),
        (None, Some(p)) if p != province => ("other_province", String::new()),
        _ => ("province", String::new()),
    }
}

pub fn input_for_vacancy(
    v: &vacancies::model::VacancyRecord,
    tax_code: Option<&str>,
    province: &str,
    start: chrono::NaiveDate,
    channel: &str,
) -> PlacementInput {
    let (place, country) = place_of(v.work_country.as_deref(), v.work_province_code.as_deref(), province);
    PlacementInput {
        employer_kind: "employer".into(),
        employer_tax_code: tax_code.unwrap_or_default().to_owned(),
        employer_name: v.employer_name.clone(),
        vacancy_id: Some(v.id),
        occupation_isco: v.occupation_isco.clone(),
        start_date: start.format("%d/%m/%Y").to_string(),
        channel: channel.into(),
        place: place.into(),
        country,
        contract_type: v.contract_type.clone(),
        wage: v.wage_min.map(|w| w.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}
