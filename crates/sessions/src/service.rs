//! The operations the pages and the API share: each checks who may do it,
//! does it, writes the audit log and tells everyone watching.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use platform::audit::{self, Action};
use platform::auth::throttle::LoginThrottle;
use platform::auth::{Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::web::Ctx;
use platform::AppState;

use crate::live::Live;
use crate::model::*;
use crate::rules;
use crate::store::{self, SessionRow};

/// The sessions' long-lived state: live channels, the registration throttle
/// and the video interviews' ICE servers.
pub struct Sessions {
    pub live: Arc<Live>,
    /// Anonymous registrations per address.
    pub registrations: LoginThrottle,
    /// STUN/TURN servers for video interviews (`KETNOI_ICE_SERVERS`, comma
    /// separated, e.g. `stun:stun.example.vn:3478`); none on a LAN.
    pub ice_servers: Vec<String>,
}

/// Registrations one address may make in the window (a commune office's
/// shared connection registers a queue of people, so not few).
const REGISTRATIONS_PER_ADDRESS: u32 = 60;

impl Sessions {
    pub fn new(ice_servers: Vec<String>) -> Arc<Self> {
        Arc::new(Sessions {
            live: Arc::new(Live::default()),
            registrations: LoginThrottle::new(REGISTRATIONS_PER_ADDRESS, std::time::Duration::from_secs(10 * 60)),
            ice_servers,
        })
    }

    pub fn from_env() -> Arc<Self> {
        let servers = std::env::var("KETNOI_ICE_SERVERS").unwrap_or_default();
        Self::new(servers.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }
}

/// Plans sessions, adds booths: the department's staff.
pub fn manages(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff)
}

/// Checks people in: staff, or a commune officer at a session in their communes.
pub fn checks_in(user: &User, s: &SessionRow) -> bool {
    manages(user)
        || (user.role == Role::CommuneOfficer
            && s.ward_code.as_deref().is_some_and(|w| registry::access::people(user).is_ok_and(|sc| sc.allows(w))))
}

/// Records interviews at a booth: staff, or the booth's own employer.
pub fn interviews_at(user: &User, employer_id: i64) -> bool {
    manages(user) || (user.role == Role::Employer && user.employer_id == Some(employer_id))
}

/// Reads the report (figures, no personal data).
pub fn reads_report(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff | Role::Viewer | Role::CommuneOfficer)
}

pub async fn load(st: &AppState, id: i64) -> AppResult<SessionRow> {
    store::session(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)
}

/// Tell everyone watching the session what it looks like now.
pub async fn publish(st: &AppState, session_id: i64) -> AppResult<()> {
    let svc = st.service::<Sessions>();
    if svc.live.watchers(session_id) == 0 {
        return Ok(());
    }
    let snap = crate::live::snapshot(&st.db, &st.settings.province_code, session_id).await?;
    svc.live.publish(session_id, serde_json::to_string(&snap).map_err(anyhow::Error::from)?.into());
    Ok(())
}

pub async fn create(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &SessionInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    if !manages(user) {
        return Err(AppError::Forbidden);
    }
    let province = st.settings.province_code.clone();
    let d = refdata::refdata();
    let parsed = rules::session(input, |w| d.ward(w).is_some_and(|x| x.province_code == province));
    let s = match parsed {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let id = store::insert_session(&st.db, &province, &s, user.id).await?;
    audit::by_request(&st.db, &province, ctx, Action::Create, "session", Some(&id.to_string()), Some(&s.title)).await?;
    Ok(Ok(id))
}

/// Add a booth (or set the vacancies of an employer's booth): `Ok(id)` new, `Err(id)` existing.
pub async fn put_booth(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    session_id: i64,
    input: &BoothInput,
) -> AppResult<Result<i64, i64>> {
    if !manages(user) {
        return Err(AppError::Forbidden);
    }
    let session = load(st, session_id).await?;
    let province = &st.settings.province_code;
    let employer = employers::api::employer(&st.db, province, input.employer_id)
        .await?
        .ok_or_else(|| AppError::invalid("employer_id", "err.not_found"))?;
    let mut ids = input.vacancy_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let found = vacancies::store::by_ids(&st.db, province, &ids).await?;
    // Only this employer's published vacancies: the public page lists them.
    let ok: HashSet<i64> = found
        .iter()
        .filter(|v| v.employer_id == employer.id && v.status == vacancies::model::Status::Published)
        .map(|v| v.id)
        .collect();
    if ids.iter().any(|v| !ok.contains(v)) {
        return Err(AppError::invalid("vacancy_ids", "sess.err.vacancy_not_published"));
    }
    let r = store::put_booth(&st.db, province, session_id, employer.id, &ids).await?;
    let (Ok(id) | Err(id)) = r;
    let detail = format!("session {session_id}, employer {}", employer.id);
    let action = if r.is_ok() { Action::Create } else { Action::Update };
    audit::by_request(&st.db, province, ctx, action, "session_booth", Some(&id.to_string()), Some(&detail)).await?;
    if r.is_ok() {
        // The invitation: the employer's people find their booth from it.
        let link = format!("/sessions/{session_id}/booths/{id}");
        platform::notify::tell(
            st,
            platform::notify::To::Employer(employer.id),
            "sess.notify.invited",
            &[("title", session.title.as_str())],
            Some(&link),
        )
        .await?;
    }
    Ok(r)
}

/// The registry's person a registration is: by CCCD, else by phone (and name
/// when a household shares the phone). Never creates one.
async fn registry_person(st: &AppState, r: &Registration) -> AppResult<Option<i64>> {
    let province = &st.settings.province_code;
    if let Some(cccd) = &r.cccd {
        if let Some(id) = registry::store::id_by_cccd(&st.db, province, cccd.as_str()).await? {
            return Ok(Some(id));
        }
    }
    let registry = st.service::<registry::service::Registry>();
    registry.sync().await?;
    let ids = registry.index.by_phone(&r.phone);
    if ids.is_empty() || ids.len() > 20 {
        return Ok(None);
    }
    let people = registry::store::by_ids(&st.db, province, &ids).await?;
    let named: Vec<(i64, String)> = people.into_iter().map(|p| (p.id, p.person.full_name)).collect();
    Ok(rules::same_person_by_phone(&r.full_name, &named))
}

/// Register someone (`created` false: this phone was registered already, and
/// that registration is returned unchanged).
pub async fn register(
    st: &AppState,
    ctx: &Ctx,
    s: &SessionRow,
    input: &RegistrationInput,
    walk_in: bool,
) -> AppResult<Result<(RegistrationRecord, bool), Vec<FieldError>>> {
    let province = &st.settings.province_code;
    if ctx.user.is_none() {
        let key = format!("session-registration:{}", ctx.ip.as_deref().unwrap_or("-"));
        let svc = st.service::<Sessions>();
        if let Err(wait) = svc.registrations.check(&[&key]) {
            return Err(AppError::too_many("sess.err.too_many_registrations", wait));
        }
        svc.registrations.fail(&[&key]);
    }
    let r = match rules::registration(input, platform::time::today()) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let booths: HashSet<i64> = store::booths(&st.db, province, s.id).await?.into_iter().map(|b| b.0).collect();
    if r.booth_ids.iter().any(|b| !booths.contains(b)) {
        return Ok(Err(vec![FieldError::new("booth_ids", "sess.err.booth_unknown")]));
    }
    let person = registry_person(st, &r).await?;
    let (rec, created) = match store::register(&st.db, province, s.id, &r, person, walk_in).await? {
        Ok(rec) => (rec, true),
        Err(existing) => (existing, false),
    };
    if created {
        let detail = format!("session {}{}", s.id, if walk_in { " (walk-in)" } else { "" });
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::Create,
            "session_registration",
            Some(&rec.id.to_string()),
            Some(&detail),
        )
        .await?;
        publish(st, s.id).await?;
    }
    Ok(Ok((rec, created)))
}

/// How the door finds a registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CheckinInput {
    /// The ticket's code (or the scanned QR code's address).
    pub ticket: Option<String>,
    pub cccd: Option<String>,
    pub phone: Option<String>,
    /// Someone who did not register: registered and checked in at once.
    pub walk_in: Option<RegistrationInput>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Checkin {
    pub registration_id: i64,
    /// Checked in before: counted once.
    pub already: bool,
    pub ticket: String,
    pub full_name: String,
}

pub async fn check_in(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    s: &SessionRow,
    input: &CheckinInput,
) -> AppResult<Result<Checkin, Vec<FieldError>>> {
    if !checks_in(user, s) {
        return Err(AppError::Forbidden);
    }
    let province = &st.settings.province_code;
    let filled = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let found = if let Some(w) = &input.walk_in {
        match register(st, ctx, s, w, true).await? {
            Ok((r, _)) => r,
            Err(e) => return Ok(Err(e)),
        }
    } else if let Some(t) = filled(&input.ticket) {
        let Some(t) = rules::normalise_ticket(&t) else {
            return Ok(Err(vec![FieldError::new("ticket", "sess.err.ticket")]));
        };
        match store::by_ticket(&st.db, province, &t).await?.filter(|r| r.session_id == s.id) {
            Some(r) => r,
            None => return Ok(Err(vec![FieldError::new("ticket", "sess.err.not_registered")])),
        }
    } else if let Some(c) = filled(&input.cccd) {
        let Ok(c) = platform::types::Cccd::parse(&c) else {
            return Ok(Err(vec![FieldError::new("cccd", "err.cccd.format")]));
        };
        match store::by_cccd(&st.db, province, s.id, c.as_str()).await? {
            Some(r) => r,
            None => return Ok(Err(vec![FieldError::new("cccd", "sess.err.not_registered")])),
        }
    } else if let Some(p) = filled(&input.phone) {
        let Ok(p) = platform::types::PhoneNumber::parse_lenient(&p) else {
            return Ok(Err(vec![FieldError::new("phone", "err.phone.format")]));
        };
        match store::by_phone(&st.db, province, s.id, p.as_str()).await? {
            Some(r) => r,
            None => return Ok(Err(vec![FieldError::new("phone", "sess.err.not_registered")])),
        }
    } else {
        return Ok(Err(vec![FieldError::new("ticket", "sess.err.checkin_how")]));
    };
    let first = store::check_in(&st.db, province, found.id, user.id).await?;
    if first {
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::Update,
            "session_registration",
            Some(&found.id.to_string()),
            Some("check-in"),
        )
        .await?;
        publish(st, s.id).await?;
    }
    Ok(Ok(Checkin { registration_id: found.id, already: !first, ticket: found.ticket, full_name: found.full_name }))
}

/// A booth of this session: (booth, employer, vacancies).
pub async fn booth(st: &AppState, session_id: i64, booth_id: i64) -> AppResult<(i64, i64, Vec<i64>)> {
    store::booths(&st.db, &st.settings.province_code, session_id)
        .await?
        .into_iter()
        .find(|b| b.0 == booth_id)
        .ok_or(AppError::NotFound)
}

/// Record an interview: `Ok(id)` new, `Err(id)` this person at this booth already.
pub async fn interview(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    s: &SessionRow,
    input: &InterviewInput,
) -> AppResult<Result<i64, i64>> {
    let province = &st.settings.province_code;
    let (booth_id, employer_id, vacancies) =
        booth(st, s.id, input.booth_id).await.map_err(|_| AppError::invalid("booth_id", "sess.err.booth_unknown"))?;
    if !interviews_at(user, employer_id) {
        audit::by_request(&st.db, province, ctx, Action::Denied, "session_booth", Some(&booth_id.to_string()), None)
            .await?;
        return Err(AppError::Forbidden);
    }
    let mode = Mode::parse(&input.mode).ok_or_else(|| AppError::invalid("mode", "err.code.unknown"))?;
    let reg = store::registration(&st.db, province, input.registration_id)
        .await?
        .filter(|r| r.session_id == s.id)
        .ok_or_else(|| AppError::invalid("registration_id", "sess.err.not_registered"))?;
    if input.vacancy_id.is_some_and(|v| !vacancies.contains(&v)) {
        return Err(AppError::invalid("vacancy_id", "sess.err.vacancy_not_at_booth"));
    }
    let r = store::interview(&st.db, province, s.id, reg.id, booth_id, input.vacancy_id, mode, user.id).await?;
    if let Ok(id) = r {
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::Create,
            "session_interview",
            Some(&id.to_string()),
            Some(mode.as_str()),
        )
        .await?;
        publish(st, s.id).await?;
    }
    Ok(r)
}

pub async fn set_outcome(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    s: &SessionRow,
    interview_id: i64,
    outcome: &str,
) -> AppResult<Interview> {
    let province = &st.settings.province_code;
    let i = store::get_interview(&st.db, province, s.id, interview_id).await?.ok_or(AppError::NotFound)?;
    let (_, employer_id, _) = booth(st, s.id, i.booth_id).await?;
    if !interviews_at(user, employer_id) {
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::Denied,
            "session_interview",
            Some(&interview_id.to_string()),
            None,
        )
        .await?;
        return Err(AppError::Forbidden);
    }
    let o = Outcome::parse(outcome).ok_or_else(|| AppError::invalid("outcome", "err.code.unknown"))?;
    store::set_outcome(&st.db, province, interview_id, o).await?;
    if o == Outcome::Hired {
        hire_placement(st, ctx, s, &i, employer_id).await?;
    }
    audit::by_request(
        &st.db,
        province,
        ctx,
        Action::Update,
        "session_interview",
        Some(&interview_id.to_string()),
        Some(o.as_str()),
    )
    .await?;
    publish(st, s.id).await?;
    store::get_interview(&st.db, province, s.id, interview_id).await?.ok_or(AppError::NotFound)
}

/// A hire at a session is a job created: for the registry's person the
/// registration was linked to, with the interview's vacancy (or the booth's
/// only one), starting on the session's day. A registration not linked to the
/// registry makes none (the staff record it once the person is registered).
async fn hire_placement(st: &AppState, ctx: &Ctx, s: &SessionRow, i: &Interview, employer_id: i64) -> AppResult<()> {
    let province = &st.settings.province_code;
    let Some(person) = store::registration(&st.db, province, i.registration_id).await?.and_then(|r| r.person_id) else {
        return Ok(());
    };
    let (_, _, at_booth) = booth(st, s.id, i.booth_id).await?;
    let vacancy = i.vacancy_id.or_else(|| (at_booth.len() == 1).then(|| at_booth[0]));
    let employer = employers::api::employer(&st.db, province, employer_id).await?;
    let tax = employer.as_ref().map(|e| e.tax_code.clone());
    let start = s.starts_at.date();
    let input = match vacancy {
        Some(v) => match vacancies::store::get(&st.db, province, v).await? {
            Some(v) => placements::service::input_for_vacancy(&v, tax.as_deref(), province, start, "session"),
            None => return Ok(()),
        },
        None => placements::model::PlacementInput {
            employer_tax_code: tax.unwrap_or_default(),
            employer_name: employer.map(|e| e.name).unwrap_or_default(),
            start_date: start.format("%d/%m/%Y").to_string(),
            channel: "session".into(),
            place: "province".into(),
            ..Default::default()
        },
    };
    let origin =
        placements::store::Origin { source: "session", source_id: Some(i.id), by: ctx.user.as_ref().map(|u| u.id) };
    placements::service::from_hire(st, ctx, person, &input, &origin).await?;
    Ok(())
}

/// The report from the records.
pub async fn report(st: &AppState, s: &SessionRow, lang: platform::i18n::Lang) -> AppResult<Report> {
    let province = &st.settings.province_code;
    let booths = store::booths(&st.db, province, s.id).await?;
    let ids: Vec<i64> = booths.iter().flat_map(|b| b.2.iter().copied()).collect();
    let vacancies: HashMap<i64, (String, i64)> = vacancies::store::by_ids(&st.db, province, &ids)
        .await?
        .into_iter()
        .map(|v| (v.id, (v.occupation_isco, v.positions)))
        .collect();
    let interviews = store::interviews(&st.db, province, s.id)
        .await?
        .into_iter()
        .map(|i| rules::InterviewRow {
            registration_id: i.registration_id,
            booth_id: i.booth_id,
            vacancy_id: i.vacancy_id,
            mode: i.mode,
            outcome: i.outcome,
        })
        .collect();
    let records = rules::Records {
        booths,
        vacancies,
        registrations: store::attendance(&st.db, province, s.id).await?,
        interviews,
    };
    let d = refdata::refdata();
    Ok(rules::report(&records, |g| match d.occupation(g) {
        Some(o) if lang == platform::i18n::Lang::En => o.title_en.clone(),
        Some(o) => o.title_vi.clone(),
        None => platform::i18n::t(lang, "sess.group.unknown").to_owned(),
    }))
}
