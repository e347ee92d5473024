//! Dashboards: the registry's indicators per commune (labour force, employed,
//! unemployed, trained, with a certificate) as the indicators page computes
//! them — on the search index's bitmaps — against the SQL formulation
//! (`GROUP BY` commune over the people table) on the same database.

use crate::figures::{figure, ketnoi_binary};
use crate::{Figure, Stat};
use anyhow::Context;
use platform::auth::AreaScope;
use std::process::{Command, Stdio};
use std::time::Instant;

pub async fn indicators(people: u64, reps: usize) -> anyhow::Result<Figure> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("dash.db");
    let status = Command::new(ketnoi_binary()?)
        .args(["--database", path.to_str().context("path")?, "demo", "--people", &people.to_string(), "--load"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "loading {people} people failed");
    let db = platform::Db::connect(&format!("sqlite://{}", path.display())).await?;
    let registry = registry::service::Registry::new(db.clone(), "56");
    registry.sync().await?;
    let d = refdata::refdata();
    let trained: Vec<&str> = d.qualifications.iter().filter(|q| q.rank >= 1).map(|q| q.code.as_str()).collect();
    let certified: Vec<&str> =
        d.qualifications.iter().filter(|q| q.with_certificate).map(|q| q.code.as_str()).collect();

    let (mut ours, mut base) = (vec![], vec![]);
    let mut check = None;
    for _ in 0..reps {
        let t = Instant::now();
        let rows = registry.index.indicators(&AreaScope::All, &trained, &certified);
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let sql = registry::store::indicators_by_ward(&db, "56", &AreaScope::All).await?;
        base.push(t.elapsed().as_secs_f64() * 1000.0);
        check = Some((rows, sql));
    }
    let (rows, sql) = check.context("no repetition")?;
    anyhow::ensure!(rows == sql, "the index and SQL disagree on the indicators");
    let value = Stat::of(ours);
    let met = value.median < 100.0;
    let n = if people >= 1_000_000 { format!("{}M", people / 1_000_000) } else { format!("{}k", people / 1000) };
    Ok(figure(
        &format!("dashboard.indicators.{n}"),
        &format!("Indicators by commune (dashboard), {n} people"),
        "ms",
        value,
        "SQL GROUP BY commune on the same SQLite database",
        Stat::of(base),
        "< 100 ms (a page, not a report job)",
        met,
    ))
}

/// The jobs-created panels of the leadership dashboard (total, by month,
/// commune, channel, place, country) for a year, over `count` placements
/// spread over 2021–2025: from the in-memory cube, against the SQL GROUP BY
/// the cube replaces (the same figures folded from it), on the same
/// database — SQLite, or PostgreSQL (a schema of its own, dropped after) when
/// `postgres`. Reported as the 95th percentile of the repetitions.
pub async fn jobs_created(count: usize, reps: usize, postgres: bool) -> anyhow::Result<Figure> {
    let dir = tempfile::tempdir()?;
    if !postgres {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("jobs.db").display());
        return jobs_created_on(&url, count, reps, "SQLite").await;
    }
    let base_url = crate::registry_figures::postgres_url();
    let schema = format!("ketnoi_jobs_{}", std::process::id());
    crate::registry_figures::psql(&base_url, &format!("CREATE SCHEMA {schema}"))?;
    let url = format!("{base_url}?options=-c%20search_path%3D{schema}");
    let figure = jobs_created_on(&url, count, reps, "PostgreSQL 15").await;
    crate::registry_figures::psql(&base_url, &format!("DROP SCHEMA {schema} CASCADE"))?;
    figure
}

async fn jobs_created_on(url: &str, count: usize, reps: usize, backend: &str) -> anyhow::Result<Figure> {
    use chrono::NaiveDate;
    use placements::model::{Placement, CHANNELS, PLACES};
    use rand::{Rng, SeedableRng};
    let db = platform::Db::connect(url).await?;
    ketnoi::prepare(&db).await?;
    let province = "56";
    let wards: Vec<String> = refdata::refdata().wards_of(province).map(|w| w.code.clone()).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).context("date")?;
    let mut made = 0;
    while made < count {
        let rows: Vec<(i64, String, Option<i64>, Placement)> = (made..(made + 100_000).min(count))
            .map(|i| {
                let place = PLACES[rng.gen_range(0..PLACES.len())];
                let row = Placement {
                    employer_kind: "employer",
                    employer_tax_code: None,
                    employer_name: None,
                    vacancy_id: None,
                    occupation_isco: None,
                    start_date: start + chrono::Days::new(rng.gen_range(0..1826)),
                    channel: CHANNELS[rng.gen_range(0..CHANNELS.len())],
                    place,
                    country: (place == "abroad").then(|| ["JP", "KR", "TW"][rng.gen_range(0..3)]),
                    contract_type: None,
                    wage: None,
                };
                (i as i64, wards[rng.gen_range(0..wards.len())].clone(), None, row)
            })
            .collect();
        placements::store::insert_many(&db, province, &rows, "import").await?;
        made += rows.len();
    }
    let cube = placements::cube::Cube::default();
    cube.sync(&db, province).await?;
    let year = placements::store::Filter {
        from: NaiveDate::from_ymd_opt(2025, 1, 1),
        to: NaiveDate::from_ymd_opt(2025, 12, 31),
        ..Default::default()
    };
    let (mut ours, mut base) = (vec![], vec![]);
    let mut check = None;
    for _ in 0..reps {
        let t = Instant::now();
        let mem = cube.jobs_created(&year);
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let sql = placements::service::fold(&placements::store::counts(&db, province, &year).await?);
        base.push(t.elapsed().as_secs_f64() * 1000.0);
        check = Some((mem, sql));
    }
    let (mem, sql) = check.context("no repetition")?;
    db.close().await;
    anyhow::ensure!(mem == sql, "the cube and SQL disagree on the year's jobs");
    let p95 = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        let i = ((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1;
        Stat { median: v[i], min: v[0], max: v[v.len() - 1], runs: v.len() }
    };
    let value = p95(ours);
    let n = if count >= 1_000_000 { format!("{}M", count / 1_000_000) } else { format!("{}k", count / 1000) };
    // The SQLite figure keeps its historical key; PostgreSQL's is its own.
    let key = if backend == "SQLite" { String::new() } else { ".postgres".into() };
    Ok(figure(
        &format!("dashboard.jobs_created.{n}{key}"),
        &format!(
            "Dashboard's jobs-created panels for a year (p95), {n} placements over 5 years (cube in memory, \
             loaded from {backend})"
        ),
        "ms",
        value.clone(),
        &format!("SQL GROUP BY day, commune, channel, place, country (p95), folded, same {backend} database"),
        p95(base),
        "every panel < 100 ms p95",
        value.median < 100.0,
    ))
}
