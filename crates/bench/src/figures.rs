//! The figures and their baselines. Later capabilities add theirs here
//! (imports against `sqlite3 .import`, search against PostgreSQL pg_trgm,
//! HTTP against a static file served by the same server).

use crate::{Figure, Stat};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub async fn all(quick: bool) -> anyhow::Result<Vec<Figure>> {
    let reps = if quick { 3 } else { 7 };
    let mut figures = vec![address_resolution(reps).await?, first_start(reps)?, warm_start(reps)?];
    // Quick mode (CI) runs the small sizes only; a full run measures both, so
    // quick runs always have committed ratios of their own size to compare with.
    figures.extend(crate::registry_figures::import(100_000, 3, false)?);
    figures.extend(crate::registry_figures::search(200_000, 20)?);
    figures.extend(crate::registry_figures::province(200_000, 10)?);
    figures.push(crate::dashboard_figures::indicators(200_000, reps).await?);
    figures.extend(crate::board_figures::board(5_000, 10_000, if quick { 1 } else { 3 }, if quick { 3 } else { 8 })?);
    // Two seconds of load after the first half second: inside the import of
    // 500k rows (about 4 s under load) even on a fast day; three were not always.
    figures.extend(crate::board_figures::board_during_import(10_000, 500_000, 2)?);
    figures.extend(crate::matching_figures::matching(100_000, 1_000, 100, 3).await?);
    figures.push(crate::matching_figures::evaluation().await?);
    figures.extend(crate::session_figures::fanout(2_000, if quick { 5 } else { 20 }).await?);
    figures.extend(crate::poverty_figures::poverty(50_000, reps).await?);
    figures.push(crate::dashboard_figures::jobs_created(200_000, 20, false).await?);
    figures.push(crate::dashboard_figures::jobs_created(200_000, 20, true).await?);
    figures.push(crate::training_figures::indicators(100_000, if quick { 6 } else { 9 }).await?);
    if !quick {
        figures.push(crate::training_figures::indicators(1_000_000, 9).await?);
        figures.extend(crate::poverty_figures::poverty(500_000, reps).await?);
        figures.push(crate::dashboard_figures::jobs_created(5_000_000, 40, false).await?);
        figures.push(crate::dashboard_figures::jobs_created(5_000_000, 40, true).await?);
        figures.extend(crate::board_figures::board(50_000, 100_000, 3, 10)?);
        figures.extend(crate::board_figures::board_during_import(100_000, 1_000_000, 8)?);
        figures.push(crate::dashboard_figures::indicators(1_000_000, reps).await?);
        figures.extend(crate::registry_figures::import(1_000_000, 3, true)?);
        // Imports that scale: the same ratio at twice the rows.
        figures.extend(crate::registry_figures::import(2_000_000, 3, false)?);
        figures.extend(crate::registry_figures::search(2_000_000, 20)?);
        figures.extend(crate::registry_figures::province(10_000_000, 20)?);
        figures.extend(crate::matching_figures::matching(1_000_000, 20_000, 200, 10).await?);
    }
    Ok(figures)
}

pub fn figure(
    key: &str,
    what: &str,
    unit: &str,
    value: Stat,
    baseline: &str,
    base: Stat,
    goal: &str,
    goal_met: bool,
) -> Figure {
    Figure {
        key: key.into(),
        what: what.into(),
        ratio: value.median / base.median,
        value,
        unit: unit.into(),
        baseline: baseline.into(),
        baseline_value: base,
        goal: goal.into(),
        goal_met,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Resolve the full written address of each of the 10,035 old communes
/// (alternating official spelling and the folded, abbreviated way people type).
/// Baseline: looking the successor up by the old code in SQLite through sqlx.
async fn address_resolution(reps: usize) -> anyhow::Result<Figure> {
    let d = refdata::refdata();
    let addresses: Vec<String> = d
        .legacy_wards
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let dist = d.legacy_district(&w.district_code).expect("district");
            let prov = d.legacy_province(&dist.province_code).expect("province");
            let full = format!("{}, {}, {}", w.name, dist.name, prov.name);
            if i % 2 == 0 {
                full
            } else {
                platform::fold::fold(&full)
            }
        })
        .collect();
    let mut ours = vec![];
    for _ in 0..reps {
        let t = Instant::now();
        let mut found = 0usize;
        for a in &addresses {
            found += d.resolve_address(a).ward_code.is_some() as usize;
        }
        ours.push(ms(t.elapsed()) / addresses.len() as f64);
        assert!(found > addresses.len() * 99 / 100, "resolver found {found}");
    }

    let dir = tempfile::tempdir()?;
    let db = platform::Db::connect(&format!("sqlite://{}", dir.path().join("b.db").display())).await?;
    ketnoi::prepare(&db).await?;
    let platform::Db::Sqlite(pool) = &db else { unreachable!() };
    let mut base = vec![];
    for _ in 0..reps {
        let t = Instant::now();
        for w in &d.legacy_wards {
            let _: Option<(String, String)> = sqlx::query_as(
                "SELECT w.code, w.name FROM legacy_successors s JOIN wards w ON w.code = s.ward_code
                 WHERE s.legacy_ward_code = $1 AND s.is_default = TRUE",
            )
            .bind(&w.code)
            .fetch_optional(pool)
            .await?;
        }
        base.push(ms(t.elapsed()) / d.legacy_wards.len() as f64);
    }
    let value = Stat::of(ours);
    let met = value.median < 1.0;
    Ok(figure(
        "address.resolve",
        "Resolve an old written address (10,035 communes)",
        "ms/address",
        value,
        "SQLite lookup by old code (sqlx)",
        Stat::of(base),
        "< 1 ms per address",
        met,
    ))
}

pub fn ketnoi_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("ketnoi");
    anyhow::ensure!(
        bin.exists(),
        "{} not found: build it with `cargo build --release -p ketnoi` (scripts/bench does)",
        bin.display()
    );
    Ok(bin)
}

pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Spawn `ketnoi serve` on `db` and time until /healthz answers 200.
fn time_to_serve(db: &Path) -> anyhow::Result<f64> {
    let port = free_port()?;
    let t = Instant::now();
    let mut child = Command::new(ketnoi_binary()?)
        .args(["--database", db.to_str().context("path")?, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let result = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
            let mut buf = String::new();
            s.read_to_string(&mut buf)?;
            if buf.starts_with("HTTP/1.1 200") {
                break Ok(ms(t.elapsed()));
            }
        }
        if t.elapsed() > Duration::from_secs(60) {
            break Err(anyhow::anyhow!("server did not start within 60 s"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// First start on an empty SQLite file: migrations and all reference data.
/// Baseline: `sqlite3 .import` of the same reference CSV files into plain tables.
fn first_start(reps: usize) -> anyhow::Result<Figure> {
    let mut ours = vec![];
    let mut base = vec![];
    for i in 0..reps {
        let dir = tempfile::tempdir()?;
        ours.push(time_to_serve(&dir.path().join(format!("first{i}.db")))?);
        let t = Instant::now();
        let status = Command::new("sqlite3")
            .arg(dir.path().join(format!("import{i}.db")))
            .args([
                ".import --csv data/admin-units/units_2025.csv units_2025",
                ".import --csv data/admin-units/units_legacy.csv units_legacy",
                ".import --csv data/admin-units/legacy_to_2025.csv legacy_to_2025",
                ".import --csv data/occupations/isco08.csv isco08",
            ])
            .status()
            .context("sqlite3 is needed for the baseline (apt-get install sqlite3)")?;
        anyhow::ensure!(status.success(), "sqlite3 .import failed (run from the repository root)");
        base.push(ms(t.elapsed()));
    }
    let value = Stat::of(ours);
    let met = value.median < 5000.0;
    Ok(figure(
        "startup.first",
        "First start: migrate, load reference data, serve",
        "ms",
        value,
        "sqlite3 .import of the reference CSVs",
        Stat::of(base),
        "< 5 s",
        met,
    ))
}

/// A later start on a ready database. Baseline: starting the same binary for `--version`.
fn warm_start(reps: usize) -> anyhow::Result<Figure> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("warm.db");
    time_to_serve(&db)?;
    let mut ours = vec![];
    let mut base = vec![];
    for _ in 0..reps {
        ours.push(time_to_serve(&db)?);
        let t = Instant::now();
        Command::new(ketnoi_binary()?).arg("--version").stdout(Stdio::null()).status()?;
        base.push(ms(t.elapsed()));
    }
    let value = Stat::of(ours);
    let met = value.median < 1000.0;
    Ok(figure(
        "startup.warm",
        "Start on a ready database until serving",
        "ms",
        value,
        "process start (ketnoi --version)",
        Stat::of(base),
        "< 1 s",
        met,
    ))
}
