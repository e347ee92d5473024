//! Việc làm: the public job board. No login, no session: fast on a cheap
//! phone, shareable, and readable by search engines (JSON-LD `JobPosting`,
//! Open Graph, Atom feeds, a sitemap).

use crate::index::{Query as BoardQuery, Summary, WAGE_FLOORS};
use crate::model::*;
use crate::service::Board;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use platform::auth::MaybeUser;
use platform::error::{AppError, AppResult};
use platform::i18n::{Lang, Tr};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/jobs", get(board_page))
        .route("/jobs/feed.atom", get(feed))
        .route("/jobs/{id}", get(vacancy_page))
        .route("/jobs/{id}/poster", get(poster))
        .route("/jobs/employers/{id}", get(employer_page))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .routes(routes!(search_api, crate::manage::create_api))
        .routes(routes!(public_get_api, crate::manage::update_api))
        .routes(routes!(crate::manage::transition_api))
}

/// Distances offered for "near a commune".
pub const DISTANCES_KM: [u32; 4] = [5, 10, 20, 50];
const PER_PAGE: usize = 20;

/// The board's filters (page, feed and API alike).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BoardParams {
    /// Words (diacritics optional) of the title, the employer or the occupation.
    pub q: String,
    /// ISCO-08 code at any level (1–4 digits).
    pub occupation: String,
    /// 2025 commune code of the workplace.
    pub ward: String,
    /// Province code of the workplace.
    pub province: String,
    /// "1": work abroad only.
    pub abroad: String,
    /// Near this commune (2025 code) ...
    pub near: String,
    /// ... within this many km (5, 10, 20, 50; default 10).
    pub km: Option<u32>,
    /// Wage at least (VND per month): 5000000, 8000000, 10000000, 15000000, 20000000.
    pub wage: Option<i64>,
    /// "partners": other provinces' vacancies only (liên kết tuyển dụng); "own": ours only.
    pub origin: String,
    pub page: Option<usize>,
}

impl BoardParams {
    fn page_no(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 10_000)
    }

    fn query(&self, board: &Board) -> BoardQuery {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let near = some(&self.near).map(|code| {
            let d = refdata::refdata();
            let km = f64::from(self.km.unwrap_or(10));
            let origin = d.ward(&code).and_then(|w| Some((w.lat?, w.lon?)));
            board
                .index
                .wards()
                .into_iter()
                .filter(|w| {
                    *w == code
                        || origin.is_some_and(|o| {
                            d.ward(w)
                                .and_then(|x| Some((x.lat?, x.lon?)))
                                .is_some_and(|p| refdata::distance_km(o, p) <= km)
                        })
                })
                .collect()
        });
        BoardQuery {
            text: self.q.clone(),
            occupation: some(&self.occupation).filter(|o| o.len() <= 4 && o.bytes().all(|b| b.is_ascii_digit())),
            ward: some(&self.ward),
            province: some(&self.province),
            abroad: self.abroad == "1",
            near,
            wage_floor: self.wage.filter(|w| WAGE_FLOORS.contains(w)),
            newest_first: false,
            partners: match self.origin.trim() {
                "partners" => Some(true),
                "own" => Some(false),
                _ => None,
            },
        }
    }

    /// The query string (for links, feeds and paging).
    pub fn to_query_string(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", self.q.as_str()),
            ("occupation", &self.occupation),
            ("ward", &self.ward),
            ("province", &self.province),
            ("abroad", &self.abroad),
            ("near", &self.near),
            ("origin", &self.origin),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if let Some(km) = self.km.filter(|_| !self.near.is_empty()) {
            s.append_pair("km", &km.to_string());
        }
        if let Some(w) = self.wage {
            s.append_pair("wage", &w.to_string());
        }
        s.finish()
    }
}

/// "8.000.000 – 12.000.000 ₫", "Từ 8.000.000 ₫", or "Thỏa thuận".
pub fn wage_text(lang: Lang, min: Option<i64>, max: Option<i64>) -> String {
    let tr = Tr::new(lang);
    match (min, max) {
        (Some(a), Some(b)) if a == b => tr.money(a),
        (Some(a), Some(b)) => {
            format!("{} – {}", tr.money(a).trim_end_matches(" ₫").trim_end_matches(" VND"), tr.money(b))
        }
        (Some(a), None) => format!("{} {}", tr.t("vacancies.wage.from"), tr.money(a)),
        (None, Some(b)) => format!("{} {}", tr.t("vacancies.wage.to"), tr.money(b)),
        (None, None) => tr.t("vacancies.wage.negotiable").to_owned(),
    }
}

/// An age range as people say it: "từ 18 tuổi", "18 – 35 tuổi", "đến 35 tuổi".
pub fn age_text(lang: Lang, min: Option<i64>, max: Option<i64>) -> String {
    let tr = Tr::new(lang);
    let fill = |key: &str, args: &[(&str, &str)]| platform::i18n::fill(tr.t(key), args);
    match (min, max) {
        (Some(a), Some(b)) if a == b => fill("vacancies.age.exactly", &[("min", &a.to_string())]),
        (Some(a), Some(b)) => fill("vacancies.age.between", &[("min", &a.to_string()), ("max", &b.to_string())]),
        (Some(a), None) => fill("vacancies.age.from", &[("min", &a.to_string())]),
        (None, Some(b)) => fill("vacancies.age.to", &[("max", &b.to_string())]),
        (None, None) => String::new(),
    }
}

/// Where the work is, in words.
pub fn place_text(lang: Lang, ward: Option<&str>, province: Option<&str>, country: Option<&str>) -> String {
    let d = refdata::refdata();
    if let Some(c) = country {
        return format!("{}: {c}", platform::i18n::t(lang, "vacancies.abroad"));
    }
    let ward = ward.and_then(|w| d.ward(w));
    let province = province.and_then(|p| d.province(p));
    match (ward, province) {
        (Some(w), Some(p)) => format!("{}, {}", w.name, p.name),
        (None, Some(p)) => p.name.clone(),
        (Some(w), None) => w.name.clone(),
        (None, None) => String::new(),
    }
}

// ---------- the board page ----------

#[derive(Template)]
#[template(path = "vacancies/board.html")]
struct BoardPage {
    page: Page,
    p: BoardParams,
    /// The results part, rendered as htmx gets it alone.
    results: String,
    /// For the feed link in the head.
    query_string: String,
    /// The selects' options, escaped already ([`Choices`]).
    wards: String,
    near: String,
    provinces: String,
    groups: String,
    /// (km, selected)
    distances: Vec<(u32, bool)>,
    /// (VND, label, selected)
    floors: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "vacancies/board_results.html")]
struct BoardResults {
    page: Page,
    items: Vec<Arc<Summary>>,
    total: u64,
    page_no: usize,
    pages: usize,
    query_string: String,
    /// The text as typed, the reading used when it found nothing, the
    /// query string without filters, and whether any filter is set.
    q: String,
    corrected: Option<String>,
    text_only: String,
    filtered: bool,
}

macro_rules! summary_helpers {
    ($t:ty) => {
        impl $t {
            fn wage(&self, s: &Summary) -> String {
                wage_text(self.page.tr.lang, s.wage_min, s.wage_max)
            }
            /// A partner province's vacancy: its province's name ("" for our own).
            fn origin(&self, s: &Summary) -> String {
                s.origin.as_ref().map_or_else(String::new, |o| {
                    refdata::refdata()
                        .province(&o.province_code)
                        .map_or_else(|| o.province_code.clone(), |p| p.name.clone())
                })
            }
            fn place(&self, s: &Summary) -> String {
                place_text(
                    self.page.tr.lang,
                    s.work_ward_code.as_deref(),
                    s.work_province_code.as_deref(),
                    s.work_country.as_deref(),
                )
            }
        }
    };
}
summary_helpers!(BoardResults);

/// A select's options as HTML, escaped once: the board's form lists every
/// commune (twice) and province on each request, and building and escaping
/// them each time was a tenth of the page's cost.
struct Choices(Vec<(String, String, String)>);

impl Choices {
    fn new(items: impl Iterator<Item = (String, String)>) -> Self {
        Self(
            items
                .map(|(code, name)| {
                    let head = format!(r#"<option value="{}""#, xml_escape(&code));
                    (code, head, format!(">{}</option>", xml_escape(&name)))
                })
                .collect(),
        )
    }

    /// The options, the one whose value is `selected` marked so.
    fn html(&self, selected: &str) -> String {
        let mut out = String::with_capacity(self.0.iter().map(|(_, h, t)| h.len() + t.len()).sum::<usize>() + 9);
        for (code, head, tail) in &self.0 {
            out.push_str(head);
            if code == selected {
                out.push_str(" selected");
            }
            out.push_str(tail);
        }
        out
    }
}

/// The board form's lists for one province and language.
pub(crate) struct FormChoices {
    wards: Choices,
    provinces: Choices,
    groups: Choices,
}

impl FormChoices {
    pub(crate) fn new(province: &str, lang: Lang) -> FormChoices {
        let d = refdata::refdata();
        let vi = lang == Lang::Vi;
        FormChoices {
            wards: Choices::new(d.wards_of(province).map(|w| (w.code.clone(), w.name.clone()))),
            provinces: Choices::new(d.provinces.iter().map(|x| (x.code.clone(), x.name.clone()))),
            groups: Choices::new(
                d.occupations
                    .iter()
                    .filter(|o| o.level == 1)
                    .map(|o| (o.code.clone(), if vi { o.title_vi.clone() } else { o.title_en.clone() })),
            ),
        }
    }
}

async fn board_page(State(st): State<AppState>, ctx: Ctx, Query(p): Query<BoardParams>) -> AppResult<Response> {
    let board = st.service::<Board>();
    board.ensure_loaded().await?;
    let found = board.index.search(&p.query(&board), (p.page_no() - 1) * PER_PAGE, PER_PAGE);
    let (items, total, corrected) = (found.items, found.total, found.corrected);
    let pages = (total as usize).div_ceil(PER_PAGE).max(1);
    let query_string = p.to_query_string();
    let text_only = BoardParams { q: p.q.clone(), ..Default::default() }.to_query_string();
    let filtered = p.to_query_string() != text_only;
    let results = BoardResults {
        page: ctx.page("board.title"),
        items,
        total,
        page_no: p.page_no(),
        pages,
        query_string: query_string.clone(),
        q: p.q.clone(),
        corrected,
        text_only,
        filtered,
    };
    if ctx.htmx {
        return Ok(render(results)?.into_response());
    }
    let results = results.render().map_err(|e| AppError::Internal(e.into()))?;
    let choices = board.form_choices(ctx.lang);
    let distances = DISTANCES_KM.iter().map(|km| (*km, p.km.unwrap_or(10) == *km)).collect();
    let floors = WAGE_FLOORS.iter().map(|w| (*w, Tr::new(ctx.lang).money(*w), p.wage == Some(*w))).collect();
    let page = BoardPage {
        page: ctx.page("board.title"),
        wards: choices.wards.html(&p.ward),
        near: choices.wards.html(&p.near),
        provinces: choices.provinces.html(&p.province),
        groups: choices.groups.html(&p.occupation),
        query_string,
        results,
        p,
        distances,
        floors,
    };
    Ok(render(page)?.into_response())
}

// ---------- an employer's public page ----------

#[derive(Template)]
#[template(path = "vacancies/employer_public.html")]
struct EmployerPublicPage {
    page: Page,
    e: employers::model::EmployerRecord,
    sector: Option<String>,
    place: String,
    items: Vec<Arc<Summary>>,
}
summary_helpers!(EmployerPublicPage);

/// Who is hiring: an approved employer's public details (verified by the
/// operator: shown with its name) and its open vacancies. No contact
/// person's details: those stay with the vacancy's own contact line.
async fn employer_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let e = employers::api::employer(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)?;
    if e.status != employers::model::EmployerStatus::Approved {
        return Err(AppError::NotFound);
    }
    let board = st.service::<Board>();
    board.ensure_loaded().await?;
    let d = refdata::refdata();
    let vi = ctx.lang == Lang::Vi;
    let sector = e.vsic_section.as_deref().and_then(|c| d.vsic_sections.iter().find(|s| s.code == c)).map(|s| {
        if vi {
            s.name_vi.clone()
        } else {
            s.name_en.clone()
        }
    });
    let place = place_text(ctx.lang, Some(&e.ward_code), Some(&st.settings.province_code), None);
    let page = EmployerPublicPage {
        page: Page { title: e.name.clone(), ..ctx.page("board.title") },
        items: board.index.of_employer(e.id),
        sector,
        place,
        e,
    };
    Ok(render(page)?.into_response())
}

// ---------- one vacancy ----------

async fn published(st: &AppState, id: i64) -> AppResult<VacancyRecord> {
    match crate::store::get(&st.db, &st.settings.province_code, id).await? {
        Some(v) if v.status == Status::Published => Ok(v),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "vacancies/vacancy.html")]
struct VacancyPage {
    page: Page,
    v: VacancyRecord,
    url: String,
    json_ld: String,
    share_facebook: String,
    share_zalo: String,
    description_short: String,
    /// The user's application to this vacancy, if any.
    applied: Option<i64>,
    /// Just sent: the confirmation leads the page.
    just_applied: bool,
    /// The employer is approved now (its page exists, the badge is true).
    employer_verified: bool,
}

impl VacancyPage {
    fn posted(&self) -> String {
        self.page.tr.local_date(&self.v.published_at.unwrap_or(self.v.created_at))
    }
    fn age(&self) -> String {
        age_text(self.page.tr.lang, self.v.age_min, self.v.age_max)
    }
    fn wage(&self) -> String {
        wage_text(self.page.tr.lang, self.v.wage_min, self.v.wage_max)
    }
    fn place(&self) -> String {
        place_text(
            self.page.tr.lang,
            self.v.work_ward_code.as_deref(),
            self.v.work_province_code.as_deref(),
            self.v.work_country.as_deref(),
        )
    }
    fn occupation(&self) -> String {
        refdata::occupation_label(self.page.tr.lang, &self.v.occupation_isco)
    }
    fn qualification(&self) -> String {
        qualification_name(self.page.tr.lang, &self.v.qualification)
    }
}

pub fn qualification_name(lang: Lang, code: &str) -> String {
    refdata::refdata()
        .qualifications
        .iter()
        .find(|q| q.code == code)
        .map(|q| if lang == Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() })
        .unwrap_or_else(|| code.to_owned())
}

/// schema.org JobPosting, safe to embed in a `<script>` element.
pub fn json_ld(v: &VacancyRecord, url: &str) -> String {
    let d = refdata::refdata();
    let employment_type = match v.contract_type.as_str() {
        "part_time" => "PART_TIME",
        "seasonal" => "TEMPORARY",
        "apprenticeship" => "INTERN",
        _ => "FULL_TIME",
    };
    let mut posting = serde_json::json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": v.title,
        "description": v.description,
        "identifier": {"@type": "PropertyValue", "name": v.employer_name, "value": v.id.to_string()},
        "datePosted": v.published_at.unwrap_or(v.created_at).format("%Y-%m-%d").to_string(),
        "validThrough": format!("{}T23:59:59+07:00", v.deadline.format("%Y-%m-%d")),
        "employmentType": employment_type,
        "occupationalCategory": format!("ISCO-08 {}", v.occupation_isco),
        "totalJobOpenings": v.positions,
        "directApply": true,
        "url": url,
        "hiringOrganization": {"@type": "Organization", "name": v.employer_name},
    });
    let address = match &v.work_country {
        // addressCountry is an ISO 3166 code; a country we cannot code is
        // still named, as a region.
        Some(country) => match crate::countries::iso_code(country) {
            Some(code) => serde_json::json!({"@type": "PostalAddress", "addressCountry": code}),
            None => serde_json::json!({"@type": "PostalAddress", "addressRegion": country}),
        },
        None => serde_json::json!({
            "@type": "PostalAddress",
            "addressLocality": v.work_ward_code.as_deref().and_then(|w| d.ward(w)).map(|w| w.name.clone()),
            "addressRegion": v.work_province_code.as_deref().and_then(|p| d.province(p)).map(|p| p.name.clone()),
            "addressCountry": "VN",
        }),
    };
    posting["jobLocation"] = serde_json::json!({"@type": "Place", "address": address});
    if v.wage_min.is_none() && v.wage_max.is_none() {
        // No baseSalary to give: the description says the wage is agreed.
        let wage = format!("{}: {}", Tr::new(Lang::Vi).t("board.wage"), wage_text(Lang::Vi, None, None));
        posting["description"] = serde_json::Value::String(format!("{}\n\n{wage}", v.description.trim_end()));
    }
    if v.wage_min.is_some() || v.wage_max.is_some() {
        posting["baseSalary"] = serde_json::json!({
            "@type": "MonetaryAmount",
            "currency": "VND",
            "value": {"@type": "QuantitativeValue", "minValue": v.wage_min, "maxValue": v.wage_max, "unitText": "MONTH"},
        });
    }
    // "</script>" inside a value must not end the element.
    posting.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VacancyQuery {
    applied: String,
}

async fn vacancy_page(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<VacancyQuery>,
) -> AppResult<Response> {
    // A partner province's vacancy: the job seeker applies on its own board.
    if id >= crate::index::FOREIGN_BASE {
        let board = st.service::<Board>();
        board.ensure_loaded().await?;
        let origin = board.index.foreign(id).and_then(|s| s.origin.clone()).ok_or(AppError::NotFound)?;
        return Ok(Redirect::to(&origin.url).into_response());
    }
    let v = published(&st, id).await?;
    let url = st.settings.absolute(&format!("/jobs/{id}"));
    let enc: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
    let applied = match &user {
        Some(u) => crate::applications::own_application(&st, u, id).await?,
        None => None,
    };
    let just_applied = applied.is_some() && q.applied == "1";
    // An employer whose identity changed goes back to review: no badge meanwhile.
    let employer_verified = employers::api::is_approved(&st.db, &st.settings.province_code, v.employer_id).await?;
    let page = VacancyPage {
        page: Page { title: v.title.clone(), ..ctx.page("board.title") },
        json_ld: json_ld(&v, &url),
        share_facebook: format!("https://www.facebook.com/sharer/sharer.php?u={enc}"),
        share_zalo: format!("https://sp.zalo.me/share_inline?url={enc}"),
        description_short: v.description.chars().take(200).collect(),
        url,
        applied,
        just_applied,
        employer_verified,
        v,
    };
    Ok(render(page)?.into_response())
}

// ---------- poster ----------

#[derive(Template)]
#[template(path = "vacancies/poster.html")]
struct PosterPage {
    page: Page,
    v: VacancyRecord,
    url: String,
    qr_svg: String,
}

impl PosterPage {
    fn wage(&self) -> String {
        wage_text(self.page.tr.lang, self.v.wage_min, self.v.wage_max)
    }
    fn place(&self) -> String {
        place_text(
            self.page.tr.lang,
            self.v.work_ward_code.as_deref(),
            self.v.work_province_code.as_deref(),
            self.v.work_country.as_deref(),
        )
    }
}

/// An SVG QR code of `text` (medium error correction: survives a crease).
pub fn qr_svg(text: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).quiet_zone(true).build())
}

/// A printable A4 poster with a QR code to the vacancy's page.
async fn poster(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let v = published(&st, id).await?;
    let url = st.settings.absolute(&format!("/jobs/{id}"));
    let qr_svg = qr_svg(&url)?;
    Ok(render(PosterPage { page: Page { title: v.title.clone(), ..ctx.page("board.title") }, v, url, qr_svg })?
        .into_response())
}

// ---------- feeds ----------

/// Escaped for XML text and attributes; characters XML 1.0 cannot carry are dropped.
fn xml_escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An Atom feed of any board search (the newest 50).
async fn feed(State(st): State<AppState>, ctx: Ctx, Query(p): Query<BoardParams>) -> AppResult<Response> {
    let board = st.service::<Board>();
    board.ensure_loaded().await?;
    // Our own vacancies: a partner's are in its own feed.
    let q = BoardQuery { newest_first: true, partners: Some(false), ..p.query(&board) };
    let items = board.index.search(&q, 0, 50).items;
    let self_url = st.settings.absolute(&format!("/jobs/feed.atom?{}", p.to_query_string()));
    let board_url = st.settings.absolute(&format!("/jobs?{}", p.to_query_string()));
    let updated = items.iter().map(|s| s.published).max().unwrap_or_else(chrono::Utc::now);
    let mut out = String::with_capacity(512 + items.len() * 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<updated>{}</updated>\n",
        xml_escape(&format!("{} · Kết Nối", platform::i18n::t(ctx.lang, "board.title"))),
        xml_escape(&self_url),
        xml_escape(&self_url),
        xml_escape(&board_url),
        updated.to_rfc3339()
    ));
    for s in &items {
        let url = st.settings.absolute(&format!("/jobs/{}", s.id));
        let summary = format!(
            "{} · {} · {} · {}",
            s.employer_name,
            place_text(
                ctx.lang,
                s.work_ward_code.as_deref(),
                s.work_province_code.as_deref(),
                s.work_country.as_deref()
            ),
            wage_text(ctx.lang, s.wage_min, s.wage_max),
            Tr::new(ctx.lang).date(&s.deadline)
        );
        out.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
            xml_escape(&s.title),
            xml_escape(&url),
            xml_escape(&url),
            s.published.to_rfc3339(),
            xml_escape(&s.employer_name),
            xml_escape(&summary)
        ));
    }
    out.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], out).into_response())
}

/// Every published vacancy's page, for search engines.
async fn sitemap(State(st): State<AppState>) -> AppResult<Response> {
    let board = st.service::<Board>();
    board.ensure_loaded().await?;
    let items = board.index.search(&BoardQuery::default(), 0, 50_000).items;
    let mut out = String::with_capacity(128 + items.len() * 100);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    out.push_str(&format!(
        "<url><loc>{}</loc><changefreq>hourly</changefreq></url>\n",
        xml_escape(&st.settings.absolute("/jobs"))
    ));
    for s in &items {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&st.settings.absolute(&format!("/jobs/{}", s.id))),
            s.published.format("%Y-%m-%d")
        ));
    }
    out.push_str("</urlset>\n");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], out).into_response())
}

async fn robots(State(st): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /jobs\nDisallow: /api/\nDisallow: /registry\nSitemap: {}\n",
        st.settings.absolute("/sitemap.xml")
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

// ---------- API ----------

/// A published vacancy as the public sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicVacancy {
    pub id: i64,
    pub title: String,
    pub employer_name: String,
    pub occupation_isco: String,
    pub positions: i64,
    pub work_ward_code: Option<String>,
    pub work_province_code: Option<String>,
    pub work_country: Option<String>,
    /// VND per month; both null = negotiable.
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub deadline: chrono::NaiveDate,
    pub published_at: chrono::DateTime<chrono::Utc>,
    /// Its public page (a partner province's vacancy: its page there).
    pub url: String,
    /// A partner province's vacancy: where it comes from (absent for our own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<PublicOrigin>,
}

/// Where a partner province's vacancy comes from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicOrigin {
    pub province_code: String,
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VacancyList {
    pub items: Vec<PublicVacancy>,
    pub total: u64,
    /// When `q` as typed found nothing: the reading used instead (folded
    /// words, e.g. "ketoan" → "ke toan").
    pub corrected: Option<String>,
}

/// Search published vacancies (public, no login): the board's filters, 20 per page.
#[utoipa::path(get, path = "/api/v1/vacancies", tag = "vacancies", params(BoardParams),
    responses((status = 200, body = VacancyList)))]
async fn search_api(State(st): State<AppState>, Query(p): Query<BoardParams>) -> AppResult<Json<VacancyList>> {
    let board = st.service::<Board>();
    board.ensure_loaded().await?;
    let found = board.index.search(&p.query(&board), (p.page_no() - 1) * PER_PAGE, PER_PAGE);
    let items = found
        .items
        .iter()
        .map(|s| PublicVacancy {
            id: s.id,
            title: s.title.clone(),
            employer_name: s.employer_name.clone(),
            occupation_isco: s.occupation_isco.clone(),
            positions: s.positions,
            work_ward_code: s.work_ward_code.clone(),
            work_province_code: s.work_province_code.clone(),
            work_country: s.work_country.clone(),
            wage_min: s.wage_min,
            wage_max: s.wage_max,
            deadline: s.deadline,
            published_at: s.published,
            url: s.origin.as_ref().map_or_else(|| st.settings.absolute(&format!("/jobs/{}", s.id)), |o| o.url.clone()),
            origin: s
                .origin
                .as_ref()
                .map(|o| PublicOrigin { province_code: o.province_code.clone(), url: o.url.clone() }),
        })
        .collect();
    Ok(Json(VacancyList { items, total: found.total, corrected: found.corrected }))
}

/// One vacancy: a published one for anyone (without the review notes); any
/// state, with the notes, for its employer and staff.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}", tag = "vacancies",
    responses((status = 200, body = VacancyRecord), (status = 404, body = platform::error::ApiError)))]
async fn public_get_api(
    State(st): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> AppResult<Json<VacancyRecord>> {
    let mut v = crate::store::get(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)?;
    let insider = user.is_some_and(|u| crate::access::insider(&u, v.employer_id));
    if !insider {
        // Whether an unpublished vacancy exists is not the public's to know.
        if v.status != Status::Published {
            return Err(AppError::NotFound);
        }
        v.review_note = None;
        v.flagged = None;
    }
    Ok(Json(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wages_in_words() {
        assert_eq!(wage_text(Lang::Vi, Some(8_000_000), Some(12_000_000)), "8.000.000 – 12.000.000 ₫");
        assert_eq!(wage_text(Lang::En, Some(8_000_000), Some(12_000_000)), "8,000,000 – 12,000,000 VND");
        assert_eq!(wage_text(Lang::Vi, Some(8_000_000), Some(8_000_000)), "8.000.000 ₫");
    }

    #[test]
    fn ages_in_words() {
        platform::i18n::install(&[crate::MESSAGES]);
        assert_eq!(age_text(Lang::Vi, Some(18), None), "từ 18 tuổi");
        assert_eq!(age_text(Lang::Vi, Some(18), Some(35)), "từ 18 đến 35 tuổi");
        assert_eq!(age_text(Lang::Vi, None, Some(35)), "đến 35 tuổi");
        assert_eq!(age_text(Lang::En, Some(18), None), "18 and over");
        assert_eq!(age_text(Lang::En, None, None), "");
    }

    #[test]
    fn structured_data_codes_the_country_and_says_a_wage_is_negotiable() {
        platform::i18n::install(&[crate::MESSAGES]);
        let at = chrono::Utc::now();
        let v = VacancyRecord {
            id: 7,
            employer_id: 1,
            employer_name: "Công ty A".into(),
            title: "Thợ hàn".into(),
            occupation_isco: "7212".into(),
            positions: 3,
            qualification: "none".into(),
            experience_years: 0,
            age_min: None,
            age_max: None,
            wage_min: None,
            wage_max: None,
            contract_type: "full_time".into(),
            working_hours: None,
            work_ward_code: None,
            work_province_code: None,
            work_country: Some("Hàn Quốc".into()),
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            description: "Hàn ống.".into(),
            requirements: None,
            benefits: None,
            contact: None,
            status: crate::model::Status::Published,
            flagged: None,
            review_note: None,
            published_at: Some(at),
            created_at: at,
            updated_at: at,
        };
        let ld: serde_json::Value = serde_json::from_str(&json_ld(&v, "https://x/jobs/7")).unwrap();
        assert_eq!(ld["jobLocation"]["address"]["addressCountry"], "KR");
        assert_eq!(ld["description"], "Hàn ống.\n\nMức lương: Thỏa thuận");
        assert!(ld.get("baseSalary").is_none());
        let elsewhere =
            VacancyRecord { work_country: Some("Xứ Sở Thần Tiên".into()), wage_min: Some(9_000_000), ..v };
        let ld: serde_json::Value = serde_json::from_str(&json_ld(&elsewhere, "https://x/jobs/7")).unwrap();
        let address = &ld["jobLocation"]["address"];
        assert!(address.get("addressCountry").is_none() && address["addressRegion"] == "Xứ Sở Thần Tiên");
        assert_eq!(ld["description"], "Hàn ống.");
    }

    #[test]
    fn a_qr_code_is_an_svg() {
        let svg = qr_svg("https://vieclam.khanhhoa.gov.vn/jobs/123").unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("<path"), "{}", &svg[..80]);
    }
}
