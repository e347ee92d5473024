//! The sessions' pages: the list, planning, the public page with its
//! registration form, tickets and the poster, the door's check-in, the
//! booth's console, the video room, the report; and the live WebSocket.

use chrono::NaiveDateTime;
use std::collections::HashMap;

use askama::Template;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, MaybeUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::{t, Lang};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use crate::live::Side;
use crate::model::*;
use crate::rules;
use crate::service::{self, CheckinInput, Sessions};
use crate::store::{self, SessionRow};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/sessions", get(list_page).post(create_form))
        .route("/sessions/new", get(new_page))
        .route("/sessions/{id}", get(show_page))
        .route("/sessions/{id}/register", post(register_form))
        .route("/sessions/{id}/booths", post(booth_form))
        .route("/sessions/{id}/poster", get(poster_page))
        .route("/sessions/{id}/tickets/{ticket}", get(ticket_page))
        .route("/sessions/{id}/tickets/{ticket}/queue", post(queue_form))
        .route("/sessions/{id}/tickets/{ticket}/slot", post(slot_form))
        .route("/sessions/{id}/checkin", get(checkin_page).post(checkin_form))
        .route("/sessions/{id}/booths/{bid}", get(booth_page))
        .route("/sessions/{id}/booths/{bid}/call", post(call_form))
        .route("/sessions/{id}/booths/{bid}/interviews", post(interview_form))
        .route("/sessions/{id}/interviews/{iid}/outcome", post(outcome_form))
        .route("/sessions/{id}/interviews/{iid}/room", get(room_page))
        .route("/sessions/{id}/report", get(report_page))
        .route("/sessions/{id}/live", get(live_socket))
        .merge(crate::api::router())
}

/// A session's booths with their employers' names.
pub async fn booths_of(st: &AppState, session_id: i64) -> AppResult<Vec<Booth>> {
    let province = &st.settings.province_code;
    let rows = store::booths(&st.db, province, session_id).await?;
    let ids: Vec<i64> = rows.iter().map(|b| b.1).collect();
    let names: HashMap<i64, String> = employers::store::names(&st.db, province, &ids).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|(id, employer_id, vacancy_ids)| Booth {
            id,
            employer_id,
            employer_name: names.get(&employer_id).cloned().unwrap_or_default(),
            vacancy_ids,
        })
        .collect())
}

/// A session as the pages show it.
pub struct View {
    pub s: SessionRow,
    pub kind: Kind,
    pub when: String,
    pub place: String,
}

impl View {
    fn of(s: SessionRow, lang: Lang) -> View {
        let kind = s.kind();
        let when = when(lang, s.starts_at, s.ends_at);
        let mut place = String::new();
        if let Some(v) = &s.venue {
            place.push_str(v);
        }
        if let Some(w) = s.ward_code.as_deref() {
            if !place.is_empty() {
                place.push_str(", ");
            }
            place.push_str(&refdata::refdata().ward_name(w));
        }
        if kind.has_online() {
            if !place.is_empty() {
                place.push_str(" · ");
            }
            place.push_str(t(lang, "sess.place.online"));
        }
        View { s, kind, when, place }
    }
}

fn form_errors(page: &Page, errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| format!("{}: {}", page.t(&format!("field.{}", e.field)), page.t(&e.code))).collect()
}

// ---------- the list and planning ----------

#[derive(Template)]
#[template(path = "sessions/list.html")]
struct ListPage {
    page: Page,
    items: Vec<View>,
    /// Partner provinces' online sessions, with their times as ours read.
    partners: Vec<(exchange::store::PartnerSession, String)>,
    manages: bool,
}

/// "08:00–11:30, ngày 15/12/2026" (en: "08:00–11:30, 15/12/2026"), or both
/// ends in full when it runs past a day.
fn when(lang: Lang, starts: NaiveDateTime, ends: NaiveDateTime) -> String {
    let day = starts.date();
    let on = if lang == Lang::Vi { ", ngày " } else { ", " };
    if ends.date() == day {
        format!("{}–{}{on}{}", starts.format("%H:%M"), ends.format("%H:%M"), day.format("%d/%m/%Y"))
    } else {
        format!("{} – {}", starts.format("%H:%M %d/%m/%Y"), ends.format("%H:%M %d/%m/%Y"))
    }
}

async fn list_page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let now = platform::time::local(chrono::Utc::now());
    let rows = store::sessions(&st.db, &st.settings.province_code, now, 200).await?;
    let manages = ctx.user.as_ref().is_some_and(service::manages);
    let items = rows.into_iter().map(|s| View::of(s, ctx.lang)).collect();
    let partners = exchange::store::partner_sessions(&st.db, &st.settings.province_code, now, 100)
        .await?
        .into_iter()
        .map(|s| {
            let w = when(ctx.lang, s.starts_at, s.ends_at);
            (s, w)
        })
        .collect();
    Ok(render(ListPage { page: ctx.page("sess.title"), items, partners, manages })?.into_response())
}

#[derive(Template)]
#[template(path = "sessions/new.html")]
struct NewPage {
    page: Page,
    input: SessionInput,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    kinds: [Kind; 3],
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

fn wards(st: &AppState) -> Vec<(String, String)> {
    refdata::refdata().ward_options(&st.settings.province_code, |_| true)
}

async fn new_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    if !service::manages(&user) {
        return Err(AppError::Forbidden);
    }
    let input = SessionInput { kind: "in_person".into(), ..Default::default() };
    Ok(render(NewPage { page: ctx.page("sess.new"), input, errors: vec![], wards: wards(&st), kinds: Kind::ALL })?
        .into_response())
}

async fn create_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Form(input): Form<SessionInput>,
) -> AppResult<Response> {
    match service::create(&st, &ctx, &user, &input).await? {
        Ok(id) => Ok(Redirect::to(&format!("/sessions/{id}")).into_response()),
        Err(errors) => {
            let page = NewPage { page: ctx.page("sess.new"), input, errors, wards: wards(&st), kinds: Kind::ALL };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

// ---------- the public page ----------

pub struct BoothView {
    pub booth: Booth,
    pub vacancies: Vec<vacancies::model::VacancyRecord>,
}

#[derive(Template)]
#[template(path = "sessions/show.html")]
struct ShowPage {
    page: Page,
    v: View,
    booths: Vec<BoothView>,
    url: String,
    share: String,
    input: RegistrationInput,
    errors: Vec<String>,
    manages: bool,
    checks_in: bool,
    reads_report: bool,
    /// The viewer's own booth (an employer's).
    own_booth: Option<i64>,
    /// Staff: employers and their published vacancies, to add booths.
    employers: Vec<(i64, String, Vec<(i64, String)>)>,
}

impl ShowPage {
    fn chosen(&self, booth: &i64) -> bool {
        self.input.booth_ids.contains(booth)
    }
}

async fn booth_views(st: &AppState, session_id: i64) -> AppResult<Vec<BoothView>> {
    let booths = booths_of(st, session_id).await?;
    let ids: Vec<i64> = booths.iter().flat_map(|b| b.vacancy_ids.iter().copied()).collect();
    let mut found: HashMap<i64, vacancies::model::VacancyRecord> =
        vacancies::store::by_ids(&st.db, &st.settings.province_code, &ids)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    Ok(booths
        .into_iter()
        .map(|b| {
            let vacancies = b.vacancy_ids.iter().filter_map(|id| found.remove(id)).collect();
            BoothView { booth: b, vacancies }
        })
        .collect())
}

/// Approved employers with published vacancies (the add-booth form).
async fn employers_with_vacancies(st: &AppState) -> AppResult<Vec<(i64, String, Vec<(i64, String)>)>> {
    let province = &st.settings.province_code;
    let (list, _) =
        vacancies::store::list(&st.db, province, None, Some(vacancies::model::Status::Published), 1).await?;
    let mut by: Vec<(i64, String, Vec<(i64, String)>)> = Vec::new();
    for v in list {
        match by.iter_mut().find(|e| e.0 == v.employer_id) {
            Some(e) => e.2.push((v.id, v.title)),
            None => by.push((v.employer_id, v.employer_name.clone(), vec![(v.id, v.title)])),
        }
    }
    by.sort_by(|a, b| platform::fold::fold(&a.1).cmp(&platform::fold::fold(&b.1)));
    Ok(by)
}

async fn show(st: &AppState, ctx: &Ctx, id: i64, input: RegistrationInput, errors: Vec<String>) -> AppResult<ShowPage> {
    let s = service::load(st, id).await?;
    let booths = booth_views(st, id).await?;
    let user = ctx.user.as_ref();
    let manages = user.is_some_and(service::manages);
    let own_booth = user
        .filter(|u| u.role == Role::Employer)
        .and_then(|u| booths.iter().find(|b| Some(b.booth.employer_id) == u.employer_id))
        .map(|b| b.booth.id);
    let url = st.settings.absolute(&format!("/sessions/{id}"));
    let share = format!(
        "https://zalo.me/share?url={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    );
    Ok(ShowPage {
        page: Page { title: s.title.clone(), ..ctx.page("sess.title") },
        checks_in: user.is_some_and(|u| service::checks_in(u, &s)),
        reads_report: user.is_some_and(service::reads_report),
        v: View::of(s, ctx.lang),
        employers: if manages { employers_with_vacancies(st).await? } else { vec![] },
        booths,
        url,
        share,
        input,
        errors,
        manages,
        own_booth,
    })
}

async fn show_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    Ok(render(show(&st, &ctx, id, RegistrationInput::default(), vec![]).await?)?.into_response())
}

async fn register_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(input): Form<RegistrationInput>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    match service::register(&st, &ctx, &s, &input, false).await? {
        Ok((r, _)) => Ok(Redirect::to(&format!("/sessions/{id}/tickets/{}", r.ticket)).into_response()),
        Err(errors) => {
            let mut page = show(&st, &ctx, id, input, vec![]).await?;
            page.errors = form_errors(&page.page, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn booth_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(input): Form<BoothInput>,
) -> AppResult<Response> {
    match service::put_booth(&st, &ctx, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}#booths")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = show(&st, &ctx, id, RegistrationInput::default(), vec![]).await?;
            page.errors = form_errors(&page.page, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "sessions/poster.html")]
struct PosterPage {
    page: Page,
    v: View,
    employers: usize,
    positions: i64,
    url: String,
    qr_svg: String,
}

/// A printable A4 poster with a QR code to the public page.
async fn poster_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let booths = booth_views(&st, id).await?;
    let url = st.settings.absolute(&format!("/sessions/{id}"));
    Ok(render(PosterPage {
        page: Page { title: s.title.clone(), ..ctx.page("sess.title") },
        employers: booths.len(),
        positions: booths.iter().flat_map(|b| b.vacancies.iter()).map(|v| v.positions).sum(),
        qr_svg: vacancies::board::qr_svg(&url)?,
        v: View::of(s, ctx.lang),
        url,
    })?
    .into_response())
}

// ---------- tickets and queues ----------

#[derive(Template)]
#[template(path = "sessions/ticket.html")]
struct TicketPage {
    page: Page,
    v: View,
    r: RegistrationRecord,
    ticket: String,
    phone: String,
    qr_svg: String,
    booths: Vec<BoothSlots>,
    live: String,
    taken: bool,
}

/// A chosen booth on the ticket: the slot booked there, and the free ones.
pub struct BoothSlots {
    pub booth: Booth,
    pub booked: Option<String>,
    /// (value sent, as shown)
    pub free: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TicketQuery {
    /// The slot chosen was taken meanwhile.
    taken: Option<String>,
}

/// The phone as the ticket shows it: enough to recognise, not to copy.
fn masked(phone: &str) -> String {
    let n = phone.chars().count();
    phone.chars().enumerate().map(|(i, c)| if i + 3 < n && i >= 3 { '•' } else { c }).collect()
}

async fn ticket_of(st: &AppState, id: i64, ticket: &str) -> AppResult<(SessionRow, RegistrationRecord)> {
    let t = rules::normalise_ticket(ticket).ok_or(AppError::NotFound)?;
    let r = store::by_ticket(&st.db, &st.settings.province_code, &t)
        .await?
        .filter(|r| r.session_id == id)
        .ok_or(AppError::NotFound)?;
    Ok((service::load(st, id).await?, r))
}

/// The ticket (its code is the key: no login), with its QR code, the booths
/// chosen and, online, the queue.
async fn ticket_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, ticket)): Path<(i64, String)>,
    Query(q): Query<TicketQuery>,
) -> AppResult<Response> {
    let (s, r) = ticket_of(&st, id, &ticket).await?;
    let province = &st.settings.province_code;
    let chosen = store::choices(&st.db, province, r.id).await?;
    let all_slots = rules::slots(s.starts_at, s.ends_at);
    let mut booths = Vec::new();
    for b in booths_of(&st, id).await?.into_iter().filter(|b| chosen.contains(&b.id)) {
        let (mut booked, mut taken) = (None, std::collections::HashSet::new());
        if s.kind().has_online() {
            for (at, reg) in store::slots(&st.db, province, b.id).await? {
                if reg == r.id {
                    booked = Some(at.format("%H:%M %d/%m/%Y").to_string());
                }
                taken.insert(at);
            }
        }
        let free = if s.kind().has_online() {
            all_slots
                .iter()
                .filter(|t| !taken.contains(t))
                .map(|t| (t.format("%Y-%m-%dT%H:%M").to_string(), t.format("%H:%M").to_string()))
                .collect()
        } else {
            vec![]
        };
        booths.push(BoothSlots { booth: b, booked, free });
    }
    let url = st.settings.absolute(&format!("/sessions/{id}/tickets/{}", r.ticket));
    Ok(render(TicketPage {
        page: Page { title: t(ctx.lang, "sess.ticket").to_owned(), ..ctx.page("sess.ticket") },
        ticket: rules::ticket_display(&r.ticket),
        phone: masked(&r.phone),
        qr_svg: vacancies::board::qr_svg(&url)?,
        live: format!("/sessions/{id}/live"),
        v: View::of(s, ctx.lang),
        booths,
        r,
        taken: q.taken.is_some(),
    })?
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QueueForm {
    booth_id: i64,
    /// join | leave
    action: String,
}

/// Join or leave a booth's queue for an online interview (the ticket's holder).
async fn queue_form(
    State(st): State<AppState>,
    Path((id, ticket)): Path<(i64, String)>,
    Form(f): Form<QueueForm>,
) -> AppResult<Response> {
    let (s, r) = ticket_of(&st, id, &ticket).await?;
    if !s.kind().has_online() {
        return Err(AppError::bad("sess.err.not_online"));
    }
    let province = &st.settings.province_code;
    service::booth(&st, id, f.booth_id).await?;
    match f.action.as_str() {
        "leave" => store::leave_queue(&st.db, province, f.booth_id, r.id).await?,
        _ => store::join_queue(&st.db, province, f.booth_id, r.id).await?,
    }
    service::publish(&st, id).await?;
    Ok(Redirect::to(&format!("/sessions/{id}/tickets/{}", r.ticket)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SlotForm {
    booth_id: i64,
    /// `YYYY-MM-DDTHH:MM`, one of the session's slots.
    at: String,
}

/// Book a time slot for an online interview at a booth (the ticket's holder):
/// the alternative to waiting in the queue.
async fn slot_form(
    State(st): State<AppState>,
    Path((id, ticket)): Path<(i64, String)>,
    Form(f): Form<SlotForm>,
) -> AppResult<Response> {
    let (s, r) = ticket_of(&st, id, &ticket).await?;
    if !s.kind().has_online() {
        return Err(AppError::bad("sess.err.not_online"));
    }
    service::booth(&st, id, f.booth_id).await?;
    let at = rules::parse_datetime(&f.at)
        .filter(|t| rules::slots(s.starts_at, s.ends_at).contains(t))
        .ok_or_else(|| AppError::invalid("at", "sess.err.slot"))?;
    let booked = store::book_slot(&st.db, &st.settings.province_code, f.booth_id, r.id, at).await?;
    let back = format!("/sessions/{id}/tickets/{}", r.ticket);
    Ok(Redirect::to(&if booked { back } else { format!("{back}?taken=1") }).into_response())
}

// ---------- the door ----------

#[derive(Template)]
#[template(path = "sessions/checkin.html")]
struct CheckinPage {
    page: Page,
    v: View,
    result: Option<(service::Checkin, bool)>,
    errors: Vec<String>,
    walk_in: RegistrationInput,
    recent: Vec<RegistrationRecord>,
}

async fn checkin_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    result: Option<(service::Checkin, bool)>,
    errors: Vec<String>,
    walk_in: RegistrationInput,
) -> AppResult<CheckinPage> {
    let s = service::load(st, id).await?;
    if !service::checks_in(user, &s) {
        return Err(AppError::Forbidden);
    }
    let province = &st.settings.province_code;
    let recent = store::recent_checkins(&st.db, province, id, 10).await?;
    if !recent.is_empty() {
        let detail = format!("session {id} check-ins");
        audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "session_registration", None, Some(&detail))
            .await?;
    }
    Ok(CheckinPage { page: ctx.page("sess.checkin"), v: View::of(s, ctx.lang), result, errors, walk_in, recent })
}

async fn checkin_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(render(checkin_view(&st, &ctx, &user, id, None, vec![], RegistrationInput::default()).await?)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CheckinForm {
    /// ticket | cccd | phone | walk_in
    by: String,
    value: String,
    full_name: String,
    phone: String,
    cccd: String,
    birth_date: String,
}

async fn checkin_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CheckinForm>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let value = Some(f.value.clone());
    let walk = RegistrationInput {
        full_name: f.full_name.clone(),
        phone: f.phone.clone(),
        cccd: f.cccd.clone(),
        birth_date: f.birth_date.clone(),
        booth_ids: vec![],
    };
    let input = match f.by.as_str() {
        "walk_in" => CheckinInput { walk_in: Some(walk.clone()), ..Default::default() },
        "cccd" => CheckinInput { cccd: value, ..Default::default() },
        "phone" => CheckinInput { phone: value, ..Default::default() },
        _ => CheckinInput { ticket: value, ..Default::default() },
    };
    let walk_in = f.by == "walk_in";
    match service::check_in(&st, &ctx, &user, &s, &input).await? {
        Ok(c) => Ok(render(
            checkin_view(&st, &ctx, &user, id, Some((c, walk_in)), vec![], RegistrationInput::default()).await?,
        )?
        .into_response()),
        Err(errors) => {
            let mut page = checkin_view(
                &st,
                &ctx,
                &user,
                id,
                None,
                vec![],
                if walk_in { walk } else { RegistrationInput::default() },
            )
            .await?;
            page.errors = form_errors(&page.page, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

// ---------- the booth's console ----------

pub struct Candidate {
    pub r: RegistrationRecord,
    pub interview: Option<Interview>,
    pub waiting: Option<usize>,
}

#[derive(Template)]
#[template(path = "sessions/booth.html")]
struct BoothPage {
    page: Page,
    v: View,
    booth: BoothView,
    candidates: Vec<Candidate>,
    waiting: usize,
    outcomes: [Outcome; 3],
    /// Booked slots in time order: (time, registration, name).
    slots: Vec<(String, i64, String)>,
}

async fn booth_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    Ok(render(booth_view(&st, &ctx, &user, id, bid).await?)?.into_response())
}

async fn booth_view(st: &AppState, ctx: &Ctx, user: &User, id: i64, bid: i64) -> AppResult<BoothPage> {
    let s = service::load(st, id).await?;
    let booth = booth_views(st, id).await?.into_iter().find(|b| b.booth.id == bid).ok_or(AppError::NotFound)?;
    let province = &st.settings.province_code;
    if !service::interviews_at(user, booth.booth.employer_id) {
        audit::by_request(&st.db, province, ctx, Action::Denied, "session_booth", Some(&bid.to_string()), None).await?;
        return Err(AppError::Forbidden);
    }
    // Who chose this booth, who waits at it, who was interviewed at it.
    let interviews: HashMap<i64, Interview> = store::interviews(&st.db, province, id)
        .await?
        .into_iter()
        .filter(|i| i.booth_id == bid)
        .map(|i| (i.registration_id, i))
        .collect();
    let queue: Vec<i64> =
        store::waiting(&st.db, province, id).await?.into_iter().filter(|q| q.0 == bid).map(|q| q.1).collect();
    let mut ids = store::choosers(&st.db, province, bid).await?;
    ids.extend(queue.iter().chain(interviews.keys()).copied());
    ids.sort_unstable();
    ids.dedup();
    let mut candidates: Vec<Candidate> = store::registrations_by_ids(&st.db, province, id, &ids)
        .await?
        .into_iter()
        .map(|r| Candidate {
            waiting: queue.iter().position(|q| *q == r.id),
            interview: interviews.get(&r.id).cloned(),
            r,
        })
        .collect();
    let names: HashMap<i64, String> = candidates.iter().map(|c| (c.r.id, c.r.full_name.clone())).collect();
    let slots = store::slots(&st.db, province, bid)
        .await?
        .into_iter()
        .map(|(at, reg)| (at.format("%H:%M").to_string(), reg, names.get(&reg).cloned().unwrap_or_default()))
        .collect();
    candidates.sort_by_key(|c| (c.waiting.unwrap_or(usize::MAX), c.interview.is_some(), c.r.id));
    if !candidates.is_empty() {
        let detail = format!("session {id} booth {bid}");
        audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "session_registration", None, Some(&detail))
            .await?;
    }
    Ok(BoothPage {
        page: Page { title: booth.booth.employer_name.clone(), ..ctx.page("sess.booth") },
        v: View::of(s, ctx.lang),
        waiting: queue.len(),
        booth,
        candidates,
        outcomes: Outcome::ALL,
        slots,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CallForm {
    /// Someone with a booked slot; the first in the queue when none.
    registration_id: Option<i64>,
}

/// Call the first in the queue, or the person whose slot it is, into a video interview.
async fn call_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path((id, bid)): Path<(i64, i64)>,
    Form(f): Form<CallForm>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let (_, employer_id, _) = service::booth(&st, id, bid).await?;
    if !service::interviews_at(&user, employer_id) {
        return Err(AppError::Forbidden);
    }
    let province = &st.settings.province_code;
    let next = match f.registration_id {
        Some(r) => {
            if !store::slots(&st.db, province, bid).await?.iter().any(|(_, x)| *x == r) {
                return Err(AppError::invalid("registration_id", "sess.err.no_slot"));
            }
            store::leave_queue(&st.db, province, bid, r).await?;
            Some(r)
        }
        None => store::call_next(&st.db, province, bid).await?,
    };
    let Some(reg) = next else {
        return Ok(Redirect::to(&format!("/sessions/{id}/booths/{bid}")).into_response());
    };
    let input = InterviewInput { registration_id: reg, booth_id: bid, mode: "online".into(), vacancy_id: None };
    let (Ok(iid) | Err(iid)) = service::interview(&st, &ctx, &user, &s, &input).await?;
    // Tell the candidate's ticket page to join.
    let call = serde_json::json!({"type": "call", "registration": reg, "interview": iid, "booth": bid});
    st.service::<Sessions>().live.publish(id, call.to_string().into());
    service::publish(&st, id).await?;
    Ok(Redirect::to(&format!("/sessions/{id}/interviews/{iid}/room")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InterviewForm {
    registration_id: i64,
    mode: String,
}

async fn interview_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path((id, bid)): Path<(i64, i64)>,
    Form(f): Form<InterviewForm>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let mode = if f.mode.is_empty() { "in_person".to_owned() } else { f.mode };
    let input = InterviewInput { registration_id: f.registration_id, booth_id: bid, mode, vacancy_id: None };
    // A second one for the same person is the first: either way, back to the booth.
    let (Ok(_) | Err(_)) = service::interview(&st, &ctx, &user, &s, &input).await?;
    Ok(Redirect::to(&format!("/sessions/{id}/booths/{bid}#r{}", f.registration_id)).into_response())
}

async fn outcome_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
    Form(f): Form<OutcomeInput>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let i = service::set_outcome(&st, &ctx, &user, &s, iid, &f.outcome).await?;
    Ok(Redirect::to(&format!("/sessions/{id}/booths/{}#r{}", i.booth_id, i.registration_id)).into_response())
}

// ---------- the video room ----------

#[derive(Template)]
#[template(path = "sessions/room.html")]
struct RoomPage {
    page: Page,
    v: View,
    interview: Interview,
    employer_name: String,
    candidate_name: String,
    side: &'static str,
    socket: String,
    ice: String,
    /// "Call me" fallback: the candidate's phone, for the employer.
    phone: Option<String>,
    back: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RoomQuery {
    /// The candidate's ticket (the candidate's side).
    t: String,
}

/// Which side of interview `iid` this request is: the booth's employer or
/// staff, or the candidate by their ticket.
async fn room_side(
    st: &AppState,
    user: Option<&User>,
    id: i64,
    iid: i64,
    ticket: &str,
) -> AppResult<(SessionRow, Interview, RegistrationRecord, i64, Side)> {
    let s = service::load(st, id).await?;
    let province = &st.settings.province_code;
    let i = store::get_interview(&st.db, province, id, iid).await?.ok_or(AppError::NotFound)?;
    let r = store::registration(&st.db, province, i.registration_id).await?.ok_or(AppError::NotFound)?;
    let (_, employer_id, _) = service::booth(st, id, i.booth_id).await?;
    let by_ticket = rules::normalise_ticket(ticket).is_some_and(|t| platform::web::constant_time_eq(&t, &r.ticket));
    let side = if by_ticket {
        Side::Candidate
    } else if user.is_some_and(|u| service::interviews_at(u, employer_id)) {
        Side::Employer
    } else if user.is_none() {
        return Err(AppError::Unauthorized);
    } else {
        return Err(AppError::Forbidden);
    };
    Ok((s, i, r, employer_id, side))
}

async fn room_page(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path((id, iid)): Path<(i64, i64)>,
    Query(q): Query<RoomQuery>,
) -> AppResult<Response> {
    let (s, interview, r, employer_id, side) = room_side(&st, user.as_ref(), id, iid, &q.t).await?;
    let province = &st.settings.province_code;
    let employer_name =
        employers::store::names(&st.db, province, &[employer_id]).await?.pop().map(|x| x.1).unwrap_or_default();
    let svc = st.service::<Sessions>();
    let ice: Vec<serde_json::Value> = svc.ice_servers.iter().map(|u| serde_json::json!({"urls": u})).collect();
    let mut socket = format!("/sessions/{id}/live?room={iid}");
    if side == Side::Candidate {
        socket.push_str(&format!("&t={}", r.ticket));
    } else {
        let detail = format!("session {id} interview {iid}");
        audit::by_request(
            &st.db,
            province,
            &ctx,
            Action::ReadPersonal,
            "session_registration",
            Some(&r.id.to_string()),
            Some(&detail),
        )
        .await?;
    }
    let back = match side {
        Side::Candidate => format!("/sessions/{id}/tickets/{}", r.ticket),
        Side::Employer => format!("/sessions/{id}/booths/{}", interview.booth_id),
    };
    Ok(render(RoomPage {
        page: ctx.page("sess.room"),
        v: View::of(s, ctx.lang),
        employer_name,
        candidate_name: r.full_name.clone(),
        side: if side == Side::Candidate { "candidate" } else { "employer" },
        socket,
        ice: serde_json::Value::Array(ice).to_string(),
        phone: (side == Side::Employer).then(|| r.phone.clone()),
        back,
        interview,
    })?
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LiveQuery {
    room: Option<i64>,
    t: String,
}

/// The live WebSocket: the session's counters and queues for everyone, and
/// a video room's signalling for its two sides. A room is joined only from
/// this site's own pages (the Origin is checked: cookies must not let another
/// site into an interview).
async fn live_socket(
    State(st): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<LiveQuery>,
    ws: WebSocketUpgrade,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let room = match q.room {
        None => None,
        Some(iid) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
            let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
            if origin.is_some_and(|o| o.split("://").nth(1) != Some(host)) {
                return Err(AppError::Forbidden);
            }
            let (_, i, _, _, side) = room_side(&st, user.as_ref(), id, iid, &q.t).await?;
            Some((i.id, side))
        }
    };
    let first = crate::live::snapshot(&st.db, &st.settings.province_code, s.id).await?;
    let first = serde_json::to_string(&first).map_err(anyhow::Error::from)?;
    let live = st.service::<Sessions>().live.clone();
    // Thousands watch one session: small buffers (tungstenite's defaults are
    // 128 KiB each way per connection) and messages no larger than a room's.
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(crate::live::ROOM_MESSAGE_MAX * 2)
        .on_upgrade(move |socket| crate::live::serve(socket, live, id, first.into(), room)))
}

// ---------- the report ----------

#[derive(Template)]
#[template(path = "sessions/report.html")]
struct ReportPage {
    page: Page,
    v: View,
    r: Report,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportQuery {
    format: String,
}

async fn report_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    if !service::reads_report(&user) {
        return Err(AppError::Forbidden);
    }
    let s = service::load(&st, id).await?;
    let r = service::report(&st, &s, ctx.lang).await?;
    let v = View::of(s, ctx.lang);
    if q.format == "xlsx" {
        let bytes = report_xlsx(&v, &r, ctx.lang).map_err(AppError::Internal)?;
        let disposition = format!("attachment; filename=\"bao-cao-phien-{id}.xlsx\"");
        return Ok((
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response());
    }
    Ok(render(ReportPage { page: Page { title: v.s.title.clone(), ..ctx.page("sess.report") }, v, r })?.into_response())
}

/// The figures a report shows, in order: (message key, value).
pub fn report_lines(r: &Report) -> [(&'static str, i64); 10] {
    [
        ("sess.r.employers", r.employers),
        ("sess.r.vacancies", r.vacancies),
        ("sess.r.positions", r.positions),
        ("sess.r.registered", r.registered),
        ("sess.r.attended", r.attended),
        ("sess.r.attended_in_person", r.attended_in_person),
        ("sess.r.attended_online", r.attended_online),
        ("sess.r.interviews", r.interviews),
        ("sess.r.shortlisted", r.shortlisted),
        ("sess.r.hired", r.hired),
    ]
}

fn report_xlsx(v: &View, r: &Report, lang: Lang) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(t(lang, "sess.report").chars().take(31).collect::<String>())?;
    let bold = Format::new().set_bold();
    let text = |s: &str| platform::table::inert(s).into_owned();
    sheet.write_string_with_format(0, 0, text(&v.s.title), &bold)?;
    sheet.write_string(1, 0, text(&format!("{} · {}", v.when, v.place)))?;
    let mut row = 3;
    for (key, n) in report_lines(r) {
        sheet.write_string(row, 0, t(lang, key))?;
        sheet.write_number(row, 1, n as f64)?;
        row += 1;
    }
    row += 1;
    let head = [
        "sess.r.group",
        "sess.r.vacancies",
        "sess.r.positions",
        "sess.r.interviews",
        "sess.r.shortlisted",
        "sess.r.hired",
    ];
    for (c, key) in head.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, t(lang, key), &bold)?;
    }
    for g in &r.by_occupation_group {
        row += 1;
        let label = if g.group.is_empty() { g.name.clone() } else { format!("{} – {}", g.group, g.name) };
        sheet.write_string(row, 0, text(&label))?;
        for (c, n) in [g.vacancies, g.positions, g.interviews, g.shortlisted, g.hired].into_iter().enumerate() {
            sheet.write_number(row, c as u16 + 1, n as f64)?;
        }
    }
    sheet.set_column_width(0, 48)?;
    Ok(wb.save_to_buffer()?)
}
