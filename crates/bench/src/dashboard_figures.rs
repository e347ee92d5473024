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
