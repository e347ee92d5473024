//! Poverty: classifying a year's review lists by the standard's rule, and
//! the transition report between two yearly reviews, over `households`
//! households reviewed five years running (the demo's generator) on SQLite.
//! Each against its SQL formulation on the same database: the class of every
//! review computed by a `CASE` and counted, and the two years' reviews
//! joined by household. Both sides must give the same answer.

use crate::figures::figure;
use crate::{Figure, Stat};
use platform::follow::Feed;
use poverty::ledger::{Ledger, LedgerFeed};
use poverty::model::Class;
use std::time::Instant;

fn size(n: usize) -> String {
    if n >= 1_000_000 {
        format!("{}M", n / 1_000_000)
    } else {
        format!("{}k", n / 1000)
    }
}

pub async fn poverty(households: usize, reps: usize) -> anyhow::Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let db = platform::Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("poverty.db").display())).await?;
    ketnoi::prepare(&db).await?;
    let province = "56";
    let mut lists = ketnoi::demo::ReviewLists::new(province, households, 7);
    let ids = poverty::store::insert_households(&db, province, lists.households()).await?;
    let wards: Vec<String> = lists.households().iter().map(|h| h.1.clone()).collect();
    let mut last = Vec::new();
    for year in 2021..=2025 {
        let surveys = lists.year(year);
        let rows: Vec<_> = surveys
            .iter()
            .zip(ids.iter().zip(&wards))
            .map(|(s, (id, w))| (*id, w.clone(), s.clone(), "approved"))
            .collect();
        poverty::store::insert_reviews(&db, province, &rows).await?;
        last = surveys;
    }
    let standards = poverty::standard::Standards::load(None).map_err(anyhow::Error::msg)?;
    let n = size(households);
    let mut figures = Vec::new();

    // Classify a year's lists: the rule over every survey (codes checked
    // against the standard, then the class), counted by class.
    let s = standards.in_force(poverty::service::review_day(2025));
    let (mut ours, mut base) = (vec![], vec![]);
    let (mut mine, mut theirs) = ([0i64; 4], [0i64; 4]);
    // One run more than measured: the first of each side reads a cold
    // cache (the SQL's median moved 2× between runs without it).
    for rep in 0..=reps {
        let t = Instant::now();
        let mut counts = [0i64; 4];
        for r in &last {
            let lacks = poverty::rules::deprivations(s, &r.deprivations).map_err(|_| anyhow::anyhow!("bad codes"))?;
            counts[poverty::rules::class_of(s, r.area, r.income_per_person_month, lacks.len()).index()] += 1;
        }
        if rep > 0 {
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        mine = counts;
        let t = Instant::now();
        let sql = format!(
            "SELECT CASE WHEN income_per_person_month <= (CASE area WHEN 'urban' THEN {u} ELSE {r} END)
                THEN (CASE WHEN lacking >= {min} THEN 'poor' ELSE 'near_poor' END)
                WHEN income_per_person_month <= (CASE area WHEN 'urban' THEN {um} ELSE {rm} END) THEN 'middle'
                ELSE 'not_poor' END AS c, COUNT(*)
             FROM poverty_reviews WHERE province_code = $1 AND year = 2025 AND kind = 'yearly' GROUP BY c",
            u = s.urban_line,
            r = s.rural_line,
            um = s.middle_line(poverty::model::Area::Urban),
            rm = s.middle_line(poverty::model::Area::Rural),
            min = s.poor_min_lacking
        );
        let rows: Vec<(String, i64)> =
            platform::with_db!(&db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
        if rep > 0 {
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        theirs = [0; 4];
        for (c, k) in rows {
            theirs[Class::parse(&c).map_or(3, Class::index)] += k;
        }
    }
    anyhow::ensure!(mine == theirs, "the rule and SQL classify differently: {mine:?} vs {theirs:?}");
    let value = Stat::of(ours);
    figures.push(figure(
        &format!("poverty.classify.{n}"),
        &format!("Classify a year's review lists, {n} households (the rule in memory)"),
        "ms",
        value.clone(),
        "SQL CASE over the reviews, counted by class, same SQLite database",
        Stat::of(base),
        "< 1 s for 500,000 households",
        value.median < 1000.0 * households as f64 / 500_000.0,
    ));

    // The transition report: the ledger loaded from the table, then one pass.
    let feed = LedgerFeed(Ledger::new(standards.all_codes()));
    let batch = feed.read(&db, province, None).await?;
    feed.apply(batch);
    let (mut ours, mut base) = (vec![], vec![]);
    let mut check = None;
    // One run more than measured: the first of each side reads a cold
    // cache (the SQL's median moved 2× between runs without it).
    for rep in 0..=reps {
        let t = Instant::now();
        let mem = feed.0.transitions(2024, 2025, &[]);
        if rep > 0 {
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let t = Instant::now();
        let sql = poverty::store::transitions_sql(&db, province, 2024, 2025, &[]).await?;
        if rep > 0 {
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        check = Some((mem, sql));
    }
    let (mem, sql) = check.ok_or_else(|| anyhow::anyhow!("no repetition"))?;
    anyhow::ensure!(mem == sql, "the ledger and SQL disagree on the transitions");
    let value = Stat::of(ours);
    figures.push(figure(
        &format!("poverty.transitions.{n}"),
        &format!("Transition report between two yearly reviews, {n} households × 5 years (ledger in memory)"),
        "ms",
        value.clone(),
        "SQL join of the two years' reviews by household, same SQLite database",
        Stat::of(base),
        "< 200 ms",
        value.median < 200.0,
    ));
    Ok(figures)
}
