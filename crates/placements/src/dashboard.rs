//! The leadership dashboard (`/dashboard`): jobs created against the target
//! for any period, by month, commune (a map from the communes' centroids and
//! a ranked table), channel and place, workers abroad by country, and the
//! registry's labour-force indicators. Every number links to the records
//! behind it for the staff; the leadership sees counts only.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use platform::auth::{AreaScope, CurrentUser, Role};
use platform::error::{AppError, AppResult};
use platform::i18n::{t, Lang, Tr};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Deserialize;

use crate::model::*;
use crate::rules;
use crate::service;
use crate::store::Filter;

/// The period presets: a year, its first five months (the report's "5 tháng
/// đầu năm"), a quarter, a month, or a custom range.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DashQuery {
    pub year: Option<i32>,
    /// year | first5 | q1…q4 | m1…m12 | custom
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The first and last day of a preset in a year.
pub fn period_range(year: i32, period: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = |m: u32| NaiveDate::from_ymd_opt(year, m, 1);
    let last = |m: u32| {
        if m == 12 {
            NaiveDate::from_ymd_opt(year, 12, 31)
        } else {
            first(m + 1).map(|d| d - chrono::Duration::days(1))
        }
    };
    match period {
        "year" => Some((first(1)?, last(12)?)),
        "first5" => Some((first(1)?, last(5)?)),
        q if q.starts_with('q') => {
            let n: u32 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
            Some((first(3 * n - 2)?, last(3 * n)?))
        }
        m if m.starts_with('m') => {
            let n: u32 = m[1..].parse().ok().filter(|n| (1..=12).contains(n))?;
            Some((first(n)?, last(n)?))
        }
        _ => None,
    }
}

/// A commune's line: name, jobs, people in the registry, jobs per 1,000 of them.
pub struct WardLine {
    pub code: String,
    pub name: String,
    pub jobs: i64,
    pub people: i64,
    pub rate: Option<f64>,
}

#[derive(Template)]
#[template(path = "placements/dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub year: i32,
    pub years: Vec<i32>,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub jobs: JobsCreated,
    pub target: Option<TargetProgress>,
    pub wards: Vec<WardLine>,
    pub map_svg: String,
    pub month_chart: String,
    pub labour: registry::rules::Indicators,
    /// Contracts abroad: registered in the period by stage, departures by programme.
    pub abroad_contracts: crate::abroad::Summary,
    /// Links to the records (staff); counts only for the leadership.
    pub links: bool,
    pub lang: Lang,
}

impl DashboardPage {
    /// The list of placements behind a number.
    pub fn records(&self, extra: &str) -> String {
        format!("/placements?from={}&to={}{extra}", self.from, self.to)
    }
    pub fn channel_label(&self, c: &str) -> String {
        t(self.lang, &format!("pl.channel.{c}")).to_owned()
    }
    pub fn place_label(&self, p: &str) -> String {
        t(self.lang, &format!("pl.place.{p}")).to_owned()
    }
    pub fn country_label(&self, c: &str) -> String {
        rules::country_name(c, self.lang)
    }
    /// Width of a bar, % of the largest.
    pub fn share(&self, n: i64, of: &[i64]) -> i64 {
        let max = of.iter().copied().max().unwrap_or(0).max(1);
        (n * 100 / max).max(1)
    }
    pub fn channel_counts(&self) -> Vec<i64> {
        self.jobs.by_channel.iter().map(|c| c.count).collect()
    }
    pub fn place_counts(&self) -> Vec<i64> {
        self.jobs.by_place.iter().map(|c| c.count).collect()
    }
    pub fn country_counts(&self) -> Vec<i64> {
        self.jobs.abroad_by_country.iter().map(|c| c.count).collect()
    }
    pub fn stage_counts(&self) -> Vec<i64> {
        self.abroad_contracts.by_stage.iter().map(|c| c.count).collect()
    }
    pub fn programme_counts(&self) -> Vec<i64> {
        self.abroad_contracts.departed_by_programme.iter().map(|c| c.count).collect()
    }
    pub fn abroad(&self) -> i64 {
        self.jobs.by_place.iter().filter(|p| p.place == "abroad").map(|p| p.count).sum()
    }
    pub fn rate(&self, x: Option<f64>) -> String {
        x.map_or_else(|| "–".to_owned(), |x| self.page.tr.decimal(x, 1))
    }
    pub fn trained_rate(&self) -> String {
        self.labour.trained_rate().map_or_else(|| "–".to_owned(), |x| self.page.tr.percent(x))
    }
}

/// The communes as circles at their centroids: the area by jobs created,
/// the colour by jobs per 1,000 people in the registry.
pub fn map_svg(lines: &[WardLine], link: Option<&dyn Fn(&str) -> String>, lang: Lang) -> String {
    let points: Vec<refdata::map::Point> = lines
        .iter()
        .map(|l| refdata::map::Point {
            code: l.code.clone(),
            name: l.name.clone(),
            size: l.jobs,
            value: l.rate,
            label: Tr::new(lang).int(l.jobs),
        })
        .collect();
    refdata::map::communes_svg(&points, link, t(lang, "dash.map"))
}

/// Who sees the dashboard: the leadership, the department's staff, commune
/// officers (their communes).
fn scope_of(user: &platform::auth::User) -> AppResult<AreaScope> {
    match user.role {
        Role::Viewer | Role::Admin | Role::Staff | Role::CommuneOfficer => registry::access::aggregates(user),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn dashboard_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    Ok(render(build(&st, &ctx, &user, &q).await?)?.into_response())
}

/// Báo cáo kết quả giải quyết việc làm: the period's figures on an A4 page
/// and as XLSX, in the reader's language.
#[derive(Template)]
#[template(path = "placements/report.html")]
pub struct ReportPage {
    pub d: DashboardPage,
    pub xlsx: String,
}

pub async fn report_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DashQuery>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    let d = build(&st, &ctx, &user, &q).await?;
    if f.format.as_deref() == Some("xlsx") {
        let bytes = report_xlsx(&d).map_err(AppError::Internal)?;
        let name = format!("bao-cao-viec-lam-{}-{}.xlsx", d.from.format("%Y%m%d"), d.to.format("%Y%m%d"));
        return Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            ],
            bytes,
        )
            .into_response());
    }
    let xlsx = format!("/dashboard/report?year={}&period={}&from={}&to={}&format=xlsx", d.year, d.period, d.from, d.to);
    Ok(render(ReportPage { d, xlsx })?.into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FormatQuery {
    pub format: Option<String>,
}

/// The report's lines: (label, value) in the reader's language.
pub fn report_lines(d: &DashboardPage) -> Vec<(String, String)> {
    let tr = &d.page.tr;
    let l = |k: &str| t(d.lang, k).to_owned();
    let mut out = vec![(l("pl.jobs_created"), tr.int(d.jobs.total))];
    if let Some(t) = &d.target {
        out.push((format!("{} {}", l("pl.target"), d.from.format("%Y")), tr.int(t.target)));
        out.push((l("pl.expected"), tr.int(t.expected_to_date)));
        out.push((l("pl.ahead"), tr.int(t.ahead_by)));
    }
    for c in &d.jobs.by_channel {
        out.push((format!("{}: {}", l("field.channel"), d.channel_label(&c.channel)), tr.int(c.count)));
    }
    for p in &d.jobs.by_place {
        out.push((format!("{}: {}", l("field.place"), d.place_label(&p.place)), tr.int(p.count)));
    }
    for c in &d.jobs.abroad_by_country {
        out.push((format!("{}: {}", l("dash.abroad"), d.country_label(&c.country)), tr.int(c.count)));
    }
    out.push((l("dash.labour_force"), tr.int(d.labour.labour_force)));
    out.push((l("dash.unemployed"), tr.int(d.labour.unemployed)));
    out.push((l("dash.trained_rate"), d.trained_rate()));
    out
}

fn report_xlsx(d: &DashboardPage) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(t(d.lang, "dash.report").chars().take(31).collect::<String>())?;
    let bold = Format::new().set_bold();
    let text = |s: &str| platform::table::inert(s).into_owned();
    sheet.write_string_with_format(0, 0, text(t(d.lang, "dash.report")), &bold)?;
    sheet.write_string(1, 0, format!("{} – {}", d.page.tr.date(&d.from), d.page.tr.date(&d.to)))?;
    // Numbers as numbers: the figures again, unformatted.
    let mut row = 3;
    let mut put = |label: String, n: Option<f64>, shown: String| -> anyhow::Result<()> {
        sheet.write_string(row, 0, text(&label))?;
        match n {
            Some(n) => sheet.write_number(row, 1, n)?,
            None => sheet.write_string(row, 1, text(&shown))?,
        };
        row += 1;
        Ok(())
    };
    let l = |k: &str| t(d.lang, k).to_owned();
    put(l("pl.jobs_created"), Some(d.jobs.total as f64), String::new())?;
    if let Some(tg) = &d.target {
        put(format!("{} {}", l("pl.target"), d.from.format("%Y")), Some(tg.target as f64), String::new())?;
        put(l("pl.expected"), Some(tg.expected_to_date as f64), String::new())?;
        put(l("pl.ahead"), Some(tg.ahead_by as f64), String::new())?;
    }
    for c in &d.jobs.by_channel {
        put(format!("{}: {}", l("field.channel"), d.channel_label(&c.channel)), Some(c.count as f64), String::new())?;
    }
    for p in &d.jobs.by_place {
        put(format!("{}: {}", l("field.place"), d.place_label(&p.place)), Some(p.count as f64), String::new())?;
    }
    for c in &d.jobs.abroad_by_country {
        put(format!("{}: {}", l("dash.abroad"), d.country_label(&c.country)), Some(c.count as f64), String::new())?;
    }
    put(l("dash.labour_force"), Some(d.labour.labour_force as f64), String::new())?;
    put(l("dash.unemployed"), Some(d.labour.unemployed as f64), String::new())?;
    put(l("dash.trained_rate"), d.labour.trained_rate().map(|x| (x * 10.0).round() / 10.0), "–".into())?;
    row += 1;
    sheet.write_string_with_format(row, 0, l("field.ward_code"), &bold)?;
    sheet.write_string_with_format(row, 1, l("pl.jobs_created"), &bold)?;
    sheet.write_string_with_format(row, 2, l("dash.per_1000"), &bold)?;
    for w in &d.wards {
        row += 1;
        sheet.write_string(row, 0, text(&w.name))?;
        sheet.write_number(row, 1, w.jobs as f64)?;
        if let Some(r) = w.rate {
            sheet.write_number(row, 2, (r * 10.0).round() / 10.0)?;
        }
    }
    sheet.set_column_width(0, 52)?;
    Ok(wb.save_to_buffer()?)
}

/// The dashboard's figures for a period, within the user's communes.
pub async fn build(st: &AppState, ctx: &Ctx, user: &platform::auth::User, q: &DashQuery) -> AppResult<DashboardPage> {
    let (st, user) = (st, user);
    let scope = scope_of(user)?;
    let province = &st.settings.province_code;
    let today = platform::time::today();
    // The latest year with jobs recorded (this year when there are none).
    let latest = crate::store::latest_start(&st.db, province).await?.map_or(today.year(), |d| d.year());
    let year = q.year.filter(|y| (2000..=2100).contains(y)).unwrap_or(latest.min(today.year()));
    let period = q.period.clone().unwrap_or_else(|| "year".into());
    let parse = |s: &Option<String>| s.as_deref().and_then(platform::i18n::parse_date);
    let (from, to) = match (period.as_str(), parse(&q.from), parse(&q.to)) {
        ("custom", Some(f), Some(t)) if f <= t => (f, t),
        (p, ..) => period_range(year, p).ok_or_else(|| AppError::invalid("period", "err.code.unknown"))?,
    };
    let wards_scope = match &scope {
        AreaScope::Wards(w) => w.clone(),
        _ => vec![],
    };
    let f = Filter { from: Some(from), to: Some(to), wards: wards_scope, ..Default::default() };
    let jobs = service::jobs_created(st, &f).await?;
    // The year's target, as of the period's end (or today, if sooner).
    let as_of = to.min(today).max(from);
    let target = if matches!(scope, AreaScope::All) {
        service::progress(st, from.year(), as_of).await?.into_iter().find(|t| t.ward_code.is_empty())
    } else {
        None
    };
    let people: HashMap<String, registry::rules::Indicators> =
        registry::routes::indicators(st, &scope).await?.into_iter().collect();
    let mut labour = registry::rules::Indicators::default();
    for i in people.values() {
        labour.people += i.people;
        labour.labour_force += i.labour_force;
        labour.employed += i.employed;
        labour.unemployed += i.unemployed;
        labour.trained += i.trained;
        labour.with_certificate += i.with_certificate;
    }
    let counts: HashMap<&str, i64> = jobs.by_ward.iter().map(|w| (w.ward_code.as_str(), w.count)).collect();
    let mut wards: Vec<WardLine> = refdata::refdata()
        .wards_of(province)
        .filter(|w| scope.allows(&w.code))
        .map(|w| {
            let jobs = counts.get(w.code.as_str()).copied().unwrap_or(0);
            let people = people.get(&w.code).map_or(0, |i| i.people);
            WardLine {
                code: w.code.clone(),
                name: w.name.clone(),
                jobs,
                people,
                rate: (people > 0).then(|| jobs as f64 * 1000.0 / people as f64),
            }
        })
        .collect();
    wards.sort_by(|a, b| b.jobs.cmp(&a.jobs).then_with(|| a.name.cmp(&b.name)));
    let links = !matches!(user.role, Role::Viewer);
    let link = |code: &str| format!("/placements?from={from}&to={to}&ward={code}");
    let map_svg = map_svg(&wards, if links { Some(&link) } else { None }, ctx.lang);
    let month_chart = serde_json::json!({
        "label": t(ctx.lang, "pl.jobs_created"),
        "labels": jobs.by_month.iter().map(|m| Tr::new(ctx.lang).month(&m.month)).collect::<Vec<_>>(),
        "values": jobs.by_month.iter().map(|m| m.count).collect::<Vec<_>>(),
    })
    .to_string();
    let mut contracts = crate::abroad::list(&st.db, province, from, to).await?;
    contracts.retain(|c| scope.allows(&c.ward_code));
    let abroad_contracts = crate::abroad::summarise(&contracts, from, to);
    let years = (2020..=today.year()).rev().collect();
    Ok(DashboardPage {
        page: ctx.page("dash.title"),
        year,
        years,
        period,
        from,
        to,
        jobs,
        target,
        wards,
        map_svg,
        month_chart,
        labour,
        abroad_contracts,
        links,
        lang: ctx.lang,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_the_year_its_first_five_months_quarters_and_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(period_range(2023, "year"), Some((d(2023, 1, 1), d(2023, 12, 31))));
        assert_eq!(period_range(2023, "first5"), Some((d(2023, 1, 1), d(2023, 5, 31))));
        assert_eq!(period_range(2023, "q1"), Some((d(2023, 1, 1), d(2023, 3, 31))));
        assert_eq!(period_range(2024, "m2"), Some((d(2024, 2, 1), d(2024, 2, 29))));
        assert_eq!(period_range(2023, "m12"), Some((d(2023, 12, 1), d(2023, 12, 31))));
        assert_eq!(period_range(2023, "q5"), None);
        assert_eq!(period_range(2023, "m13"), None);
    }
}
