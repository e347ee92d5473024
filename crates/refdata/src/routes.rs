//! Pages and API for reference data and the address resolver.

use crate::model::*;
use crate::refdata;
use crate::resolver::Resolution;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use platform::auth::{AreaScope, CurrentUser};
use platform::error::{AppError, AppResult};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/units", get(units_page))
        .route("/units/resolve", get(resolve_page))
        .route("/units/{code}", get(unit_page))
        .route("/occupations/picker", get(occupation_picker))
        .routes(routes!(resolve_api))
        .routes(routes!(provinces_api))
        .routes(routes!(wards_api))
        .routes(routes!(occupations_api))
        .routes(routes!(code_list_api))
}

// ---------- pages ----------

#[derive(Deserialize, Default)]
struct UnitsQuery {
    q: Option<String>,
    /// `csv` or `xlsx`: the list as a file.
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    page: Page,
    province: String,
    q: String,
    wards: Vec<&'static Ward>,
    scoped: bool,
}

async fn units_page(
    axum::extract::State(st): axum::extract::State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<UnitsQuery>,
) -> AppResult<Response> {
    let d = refdata();
    let scope = user.scope();
    let needle = platform::fold::fold(q.q.as_deref().unwrap_or(""));
    let wards: Vec<&Ward> = d
        .wards_of(&st.settings.province_code)
        .filter(|w| match &scope {
            AreaScope::Wards(_) => scope.allows(&w.code),
            _ => true,
        })
        .filter(|w| needle.is_empty() || platform::fold::fold(&w.name).contains(&needle) || w.code.contains(&needle))
        .collect();
    let province = d.province(&st.settings.province_code).map(|p| p.name.clone()).unwrap_or_default();
    if let Some(format) = q.format.as_deref().and_then(platform::table::Format::parse) {
        use platform::table::{Cell, Table};
        let t = |k| platform::i18n::t(ctx.lang, k).to_owned();
        let table = Table {
            file: format!("don-vi-hanh-chinh-{}", st.settings.province_code),
            title: province.clone(),
            header: vec![t("units.code"), t("units.name"), t("units.area")],
            rows: wards
                .iter()
                .map(|w| {
                    let area = w.area_km2.map_or(Cell::Text(String::new()), Cell::Decimal);
                    vec![w.code.as_str().into(), w.name.as_str().into(), area]
                })
                .collect(),
        };
        return table.respond(format);
    }
    let page = UnitsPage {
        page: ctx.page("units.title"),
        province,
        q: q.q.unwrap_or_default(),
        wards,
        scoped: matches!(scope, AreaScope::Wards(_)),
    };
    Ok(render(page)?.into_response())
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    page: Page,
    ward: &'static Ward,
    province: &'static Province,
    predecessors: Vec<(&'static LegacyWard, &'static Successor, String)>,
}

async fn unit_page(ctx: Ctx, CurrentUser(user): CurrentUser, Path(code): Path<String>) -> AppResult<Response> {
    let d = refdata();
    let ward = d.ward(&code).ok_or(AppError::NotFound)?;
    if let AreaScope::Wards(_) = user.scope() {
        user.require(user.scope().allows(&code))?;
    }
    let province = d.province(&ward.province_code).ok_or(AppError::NotFound)?;
    let predecessors = d
        .predecessors_of(&code)
        .into_iter()
        .map(|(w, s)| {
            let district = d.legacy_district(&w.district_code).map(|x| x.name.clone()).unwrap_or_default();
            (w, s, district)
        })
        .collect();
    Ok(render(UnitPage { page: ctx.page("units.detail"), ward, province, predecessors })?.into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ResolveQuery {
    /// An address as written, old or new: "Xã Vạn Thọ, Huyện Vạn Ninh, Tỉnh Khánh Hòa".
    address: Option<String>,
    /// A pre-2025 commune code (GSO), e.g. 22504.
    legacy_ward_code: Option<String>,
}

#[derive(Template)]
#[template(path = "resolve_page.html")]
struct ResolvePage {
    page: Page,
    address: String,
    result: Option<Resolution>,
}

#[derive(Template)]
#[template(path = "resolve_result.html")]
struct ResolvePartial {
    page: Page,
    result: Option<Resolution>,
}

/// The resolver as a page (and as an htmx partial for the form on /units).
async fn resolve_page(ctx: Ctx, _u: CurrentUser, Query(q): Query<ResolveQuery>) -> AppResult<Response> {
    let address = q.address.unwrap_or_default();
    let result = resolve(&address, q.legacy_ward_code.as_deref());
    let page = ctx.page("resolve.title");
    if ctx.htmx {
        return Ok(render(ResolvePartial { page, result })?.into_response());
    }
    Ok(render(ResolvePage { page, address, result })?.into_response())
}

fn resolve(address: &str, legacy_code: Option<&str>) -> Option<Resolution> {
    let d = refdata();
    match legacy_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(d.resolve_legacy_code(code)),
        None if !address.trim().is_empty() => Some(d.resolve_address(address)),
        None => None,
    }
}

// ---------- API ----------

/// Resolve an old commune code or an address (old or 2025) to the 2025 commune.
/// `status` says whether the answer is certain, split or ambiguous; a split
/// commune lists every successor in `candidates`, the usual one first.
#[utoipa::path(get, path = "/api/v1/admin-units/resolve", tag = "reference data", params(ResolveQuery),
    responses((status = 200, body = Resolution), (status = 400, body = platform::error::ApiError)))]
async fn resolve_api(Query(q): Query<ResolveQuery>) -> AppResult<Json<Resolution>> {
    if q.address.as_deref().is_some_and(|a| a.len() > 500) {
        return Err(AppError::TooLarge);
    }
    resolve(q.address.as_deref().unwrap_or(""), q.legacy_ward_code.as_deref())
        .map(Json)
        .ok_or_else(|| AppError::bad("err.resolve.empty"))
}

/// The 34 provinces and cities since 1 July 2025.
#[utoipa::path(get, path = "/api/v1/admin-units/provinces", tag = "reference data",
    responses((status = 200, body = [Province])))]
async fn provinces_api() -> Json<&'static [Province]> {
    Json(&refdata().provinces)
}

/// The 2025 communes of a province.
#[utoipa::path(get, path = "/api/v1/admin-units/provinces/{code}/wards", tag = "reference data",
    params(("code" = String, Path, description = "GSO province code, e.g. 56")),
    responses((status = 200, body = [Ward]), (status = 404, body = platform::error::ApiError)))]
async fn wards_api(Path(code): Path<String>) -> AppResult<Json<Vec<&'static Ward>>> {
    let d = refdata();
    d.province(&code).ok_or(AppError::NotFound)?;
    Ok(Json(d.wards_of(&code).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct OccupationQuery {
    /// Words of the title in Vietnamese or English (diacritics ignored) or a code prefix.
    q: Option<String>,
    /// 1 (major group) … 4 (unit group).
    level: Option<i32>,
    /// At most 100.
    limit: Option<usize>,
}

/// ISCO-08 / VSCO occupations.
#[utoipa::path(get, path = "/api/v1/occupations", tag = "reference data", params(OccupationQuery),
    responses((status = 200, body = [Occupation])))]
async fn occupations_api(Query(q): Query<OccupationQuery>) -> Json<Vec<&'static Occupation>> {
    let limit = q.limit.unwrap_or(20).min(100);
    Json(refdata().search_occupations(q.q.as_deref().unwrap_or(""), q.level, limit))
}

#[derive(Template)]
#[template(path = "occupation_hits.html")]
struct OccupationHits {
    /// The field a pick fills.
    field: String,
    /// (what a pick puts in the field, title, code)
    hits: Vec<(String, String, String)>,
}

/// The fields that pick an occupation (the picker fills the one it was asked from).
const OCCUPATION_FIELDS: [&str; 2] = ["occupation_isco", "prev_occupation_isco"];

/// Occupation picker (htmx): unit groups matching what is typed in the
/// `occupation_isco` field, diacritics ignored; a click puts "title (code)"
/// in the field, which forms read back with [`RefData::occupation_typed`].
async fn occupation_picker(
    ctx: Ctx,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> AppResult<Response> {
    let vi = ctx.lang == platform::i18n::Lang::Vi;
    let field = OCCUPATION_FIELDS.into_iter().find(|f| q.contains_key(*f)).unwrap_or(OCCUPATION_FIELDS[0]);
    let text = q.get(field).map(|t| t.trim()).unwrap_or("");
    let hits = if text.is_empty() || refdata().occupation_typed(text).is_some_and(|o| o.level == 4) {
        vec![]
    } else {
        refdata()
            .search_occupations(text, Some(4), 8)
            .into_iter()
            .map(|o| (o.code.clone(), if vi { o.title_vi.clone() } else { o.title_en.clone() }))
            .map(|(code, title)| (format!("{title} ({code})"), title, code))
            .collect()
    };
    Ok(render(OccupationHits { field: field.to_owned(), hits })?.into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct CodeList {
    items: &'static [CodeItem],
}

/// Coded lists: `qualification-levels`, `education-levels`, `ethnic-groups`, `vsic-sections`.
#[utoipa::path(get, path = "/api/v1/code-lists/{name}", tag = "reference data",
    params(("name" = String, Path, description = "qualification-levels | education-levels | ethnic-groups | vsic-sections")),
    responses((status = 200, body = CodeList), (status = 404, body = platform::error::ApiError)))]
async fn code_list_api(Path(name): Path<String>) -> AppResult<Json<CodeList>> {
    let d = refdata();
    let items = match name.as_str() {
        "qualification-levels" => &d.qualifications,
        "education-levels" => &d.education,
        "ethnic-groups" => &d.ethnic_groups,
        "vsic-sections" => &d.vsic_sections,
        _ => return Err(AppError::NotFound),
    };
    Ok(Json(CodeList { items }))
}
