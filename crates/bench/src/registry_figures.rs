//! Registry figures: a survey import against `sqlite3 .import` (and
//! PostgreSQL against `\copy`), and name search against PostgreSQL with
//! `unaccent` + `pg_trgm`.

use crate::{Figure, Stat};
use anyhow::Context;
use registry::search::Entry;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const QUERIES: [&str; 12] = [
    "nguyen van dao",
    "tran thi thuy",
    "thuy",
    "le minh",
    "pham van hung",
    "hoang anh",
    "nguyen thi lan",
    "vo thanh",
    "dang thi hoa",
    "bui duc long",
    "huynh ngoc",
    "do xuan son",
];

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn postgres_url() -> String {
    std::env::var("KETNOI_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn psql(url: &str, sql: &str) -> anyhow::Result<String> {
    let out =
        Command::new("psql").arg(url).args(["-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().context("psql")?;
    anyhow::ensure!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Peak resident memory of a child process (VmHWM), polled while it runs.
pub fn run_measuring_memory(cmd: &mut Command) -> anyhow::Result<(f64, u64)> {
    let t = Instant::now();
    let mut child = cmd.spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(kb) =
                s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait()? {
            anyhow::ensure!(status.success(), "{cmd:?} failed");
            return Ok((ms(t.elapsed()), peak_kb));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `bench --import-child DB CSV`: import in this process with the search index,
/// as the server does, and exit (so memory is measured for the import alone).
pub async fn import_child(db: &str, csv: &str) -> anyhow::Result<()> {
    if std::env::var("RUST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    }
    let db = platform::Db::connect(db).await?;
    ketnoi::prepare(&db).await?;
    let index = registry::search::SearchIndex::new();
    let dir = tempfile::tempdir()?;
    let opts = registry::import::Options {
        province: "56",
        scope: platform::auth::AreaScope::All,
        today: chrono::Utc::now().date_naive(),
        lang: platform::i18n::Lang::Vi,
        rejects: dir.path().join("rejects.xlsx"),
        cancel: None,
    };
    let report = registry::import::run(&db, Some(&index), Path::new(csv), opts, &|_, _, _| {}).await?;
    anyhow::ensure!(report.rejected == 0 && index.len() == report.inserted, "import incomplete: {report:?}");
    Ok(())
}

pub fn import(rows: u64, reps: usize, with_postgres: bool) -> anyhow::Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("people.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&csv)?);
    ketnoi::demo::write_people_csv(&mut w, rows, 7, "56")?;
    std::io::Write::flush(&mut w)?;
    drop(w);
    let mut ours = vec![];
    let mut base = vec![];
    let mut same_pages = vec![];
    let mut peak = 0u64;
    for i in 0..reps {
        let db = dir.path().join(format!("k{i}.db"));
        let exe = std::env::current_exe()?;
        let (t, kb) = run_measuring_memory(Command::new(exe).args([
            "--import-child",
            db.to_str().unwrap(),
            csv.to_str().unwrap(),
        ]))?;
        // The child also migrates and loads reference data: subtract that, measured alone.
        let prep_db = dir.path().join(format!("p{i}.db"));
        let t0 = Instant::now();
        let status = Command::new(crate::figures::ketnoi_binary()?)
            .args(["--database", prep_db.to_str().unwrap(), "migrate"])
            .env("RUST_LOG", "warn")
            .output()?;
        anyhow::ensure!(status.status.success());
        ours.push(t - ms(t0.elapsed()));
        peak = peak.max(kb);
        let plain = dir.path().join(format!("plain{i}.db"));
        let t = Instant::now();
        let st = Command::new("sqlite3").arg(&plain).arg(format!(".import --csv {} people", csv.display())).status()?;
        anyhow::ensure!(st.success(), "sqlite3 .import failed");
        base.push(ms(t.elapsed()));
        // Like for like: .import with the page size our databases get.
        let paged = dir.path().join(format!("paged{i}.db"));
        let t = Instant::now();
        let st = Command::new("sqlite3")
            .arg(&paged)
            .arg("PRAGMA page_size = 16384")
            .arg(format!(".import --csv {} people", csv.display()))
            .status()?;
        anyhow::ensure!(st.success(), "sqlite3 .import failed");
        same_pages.push(ms(t.elapsed()));
        for f in [db, prep_db, plain, paged] {
            let _ = std::fs::remove_file(&f);
            let _ = std::fs::remove_file(f.with_extension("db-wal"));
            let _ = std::fs::remove_file(f.with_extension("db-shm"));
        }
    }
    let value = Stat::of(ours);
    let base = Stat::of(base);
    let ratio = value.median / base.median;
    let same_pages = Stat::of(same_pages);
    let mut figures = vec![crate::figures::figure(
        &format!("registry.import.sqlite.{rows}"),
        &format!(
            "Import {rows} survey rows into SQLite (validate, upsert, index); peak memory {} MB; \
             sqlite3 .import with our 16 KiB pages takes {:.0} ms ({:.2}× like for like)",
            peak / 1024,
            same_pages.median,
            value.median / same_pages.median
        ),
        "ms",
        value,
        "sqlite3 .import of the same CSV into a plain table",
        base,
        "≤ 1.5× sqlite3 .import, < 300 MB at 1M rows (the ratio the same at 2M)",
        ratio <= 1.5 && (rows > 1_000_000 || peak < 300 * 1024),
    )];
    if with_postgres {
        figures.push(import_postgres(&csv, rows)?);
    }
    Ok(figures)
}

fn import_postgres(csv: &Path, rows: u64) -> anyhow::Result<Figure> {
    let base_url = postgres_url();
    let schema = format!("ketnoi_bench_{}", std::process::id());
    psql(&base_url, &format!("CREATE SCHEMA {schema}"))?;
    let url = format!("{base_url}?options=-c%20search_path%3D{schema}");
    let result = (|| -> anyhow::Result<Figure> {
        let exe = std::env::current_exe()?;
        let (t, _) = run_measuring_memory(Command::new(exe).args(["--import-child", &url, csv.to_str().unwrap()]))?;
        // The child also migrates and loads reference data: subtract that,
        // measured alone in a schema of its own.
        psql(&url, &format!("CREATE SCHEMA {schema}_prep"))?;
        let prep_url = format!("{base_url}?options=-c%20search_path%3D{schema}_prep");
        let t0 = Instant::now();
        let status = Command::new(crate::figures::ketnoi_binary()?)
            .args(["--database", &prep_url, "migrate"])
            .env("RUST_LOG", "warn")
            .output()?;
        anyhow::ensure!(status.status.success(), "migrate: {}", String::from_utf8_lossy(&status.stderr));
        let t = t - ms(t0.elapsed());
        psql(&url, "CREATE TABLE plain_people (cccd text, full_name text, birth_date text, sex text, ethnicity text, phone text, ward_code text, education text, qualification text, occupation_isco text, employment_status text, job_need text)")?;
        let t0 = Instant::now();
        psql(&url, &format!("\\copy plain_people FROM '{}' WITH (FORMAT csv, HEADER true)", csv.display()))?;
        let base = ms(t0.elapsed());
        let value = Stat::of(vec![t]);
        Ok(crate::figures::figure(
            &format!("registry.import.postgres.{rows}"),
            &format!("Import {rows} survey rows into an empty PostgreSQL registry (validate, COPY into people in one transaction, build the indexes at the end)"),
            "ms",
            value,
            "psql \\copy of the same CSV into a plain table",
            Stat::of(vec![base]),
            "≤ 3× \\copy",
            t <= 3.0 * base,
        ))
    })();
    psql(&base_url, &format!("DROP SCHEMA {schema} CASCADE"))?;
    psql(&base_url, &format!("DROP SCHEMA IF EXISTS {schema}_prep CASCADE"))?;
    result
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Name search over `people` names: our in-memory index against PostgreSQL
/// `unaccent` + `pg_trgm` (GIN) answering the same queries (first page + total).
pub fn search(people: u64, reps: usize) -> anyhow::Result<Vec<Figure>> {
    let index = registry::search::SearchIndex::new();
    let mut gen = ketnoi::demo::PeopleGen::new(11, "56");
    let dir = tempfile::tempdir()?;
    let names_csv = dir.path().join("names.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&names_csv)?);
    let mut batch = Vec::with_capacity(100_000);
    for id in 1..=people as i64 {
        let p = gen.next_person();
        std::io::Write::write_all(&mut w, format!("{id},{}\n", p.full_name).as_bytes())?;
        batch.push(Entry { phone: None, ..demo_entry(id, p) });
        if batch.len() == 100_000 {
            index.upsert(&std::mem::take(&mut batch));
        }
    }
    index.upsert(&batch);
    std::io::Write::flush(&mut w)?;
    drop(w);

    let mut ours = vec![];
    let mut totals = vec![];
    for _ in 0..reps {
        for q in QUERIES {
            let query = registry::search::Query { text: q.into(), ..Default::default() };
            let t = Instant::now();
            let (ids, total) = index.search(&query, &platform::auth::AreaScope::All, 0, 20);
            ours.push(ms(t.elapsed()));
            std::hint::black_box(ids);
            totals.push(total);
        }
    }
    ours.sort_by(f64::total_cmp);
    let hits = totals.iter().filter(|t| **t > 0).count();
    anyhow::ensure!(
        hits * 4 >= totals.len() * 3,
        "most benchmark queries must find people ({hits} of {})",
        totals.len()
    );

    // The same people in a server, asked over HTTP as an integration asks
    // (before PostgreSQL builds its index: its writer and checkpoint would
    // share the two cores with the server).
    let mut http = search_over_http(people, reps, dir.path())?;
    http.sort_by(f64::total_cmp);

    // PostgreSQL with the trigram index people use for this.
    let base_url = postgres_url();
    let schema = format!("ketnoi_bench_s{}", std::process::id());
    psql(&base_url, &format!("CREATE SCHEMA {schema}"))?;
    let url = format!("{base_url}?options=-c%20search_path%3D{schema},public");
    let result = (|| -> anyhow::Result<Vec<f64>> {
        psql(&base_url, "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm")?;
        psql(&url, "CREATE TABLE names (id bigint primary key, full_name text)")?;
        psql(&url, &format!("\\copy names FROM '{}' WITH (FORMAT csv)", names_csv.display()))?;
        psql(&url, "CREATE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$")?;
        psql(
            &url,
            "CREATE INDEX names_trgm ON names USING gin (f_unaccent(lower(full_name)) gin_trgm_ops); ANALYZE names",
        )?;
        let mut times = vec![];
        // One psql session runs every query with \timing: no process start in the figures.
        let mut script = String::from("\\timing on\n");
        for _ in 0..reps {
            for q in QUERIES {
                let conds = q
                    .split(' ')
                    .map(|w| format!("f_unaccent(lower(full_name)) LIKE '%{w}%'"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                script.push_str(&format!(
                    "SELECT id, full_name, count(*) OVER () FROM names WHERE {conds} ORDER BY id LIMIT 20;\n"
                ));
            }
        }
        let out = Command::new("psql")
            .arg(&url)
            .args(["-qAtX", "-o", "/dev/null"])
            .arg("-c")
            .arg("SET jit = off")
            .arg("-f")
            .arg({
                let f = dir.path().join("q.sql");
                std::fs::write(&f, &script)?;
                f
            })
            .output()?;
        anyhow::ensure!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines().chain(String::from_utf8_lossy(&out.stderr).lines()) {
            if let Some(v) = line
                .strip_prefix("Time: ")
                .and_then(|r| r.split(' ').next())
                .and_then(|v| v.replace(',', "").parse::<f64>().ok())
            {
                times.push(v);
            }
        }
        Ok(times)
    })();
    psql(&base_url, &format!("DROP SCHEMA {schema} CASCADE"))?;
    psql(&base_url, &format!("DROP SCHEMA IF EXISTS {schema}_prep CASCADE"))?;
    let mut base = result?;
    anyhow::ensure!(base.len() >= QUERIES.len(), "no PostgreSQL timings");
    base.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let (b50, b99) = (percentile(&base, 0.5), percentile(&base, 0.99));
    let stat = |v: &[f64], p50: f64| Stat { median: p50, min: v[0], max: v[v.len() - 1], runs: v.len() };
    let at_scale = people >= 2_000_000;
    Ok(vec![
        crate::figures::figure(
            &format!("registry.search.p50.{people}"),
            &format!("Name search without diacritics over {people} people, p50 (first page + total)"),
            "ms",
            stat(&ours, p50),
            "PostgreSQL 15 unaccent + pg_trgm GIN, same queries, p50",
            stat(&base, b50),
            "p50 < 2 ms and ≥ 10× faster",
            p50 < 2.0 && p50 * 10.0 <= b50,
        ),
        crate::figures::figure(
            &format!("registry.search.p99.{people}"),
            &format!("Name search without diacritics over {people} people, p99"),
            "ms",
            stat(&ours, p99),
            "PostgreSQL 15 unaccent + pg_trgm GIN, same queries, p99",
            stat(&base, b99),
            "p99 < 10 ms",
            p99 < 10.0,
        ),
        crate::figures::figure(
            &format!("registry.search_http.p50.{people}"),
            &format!(
                "Name search over HTTP, {people} people: GET /api/v1/people?q= with a bearer token on a \
                 keep-alive connection, first page + total, p50 (in process: {p50:.3} ms)"
            ),
            "ms",
            stat(&http, percentile(&http, 0.5)),
            "PostgreSQL 15 unaccent + pg_trgm GIN, same queries, p50",
            stat(&base, b50),
            // The issue asks ≥ 30× at 2M people; at 200k PostgreSQL's
            // trigram index is small enough that a few ms is its floor.
            if at_scale { "p50 < 1 ms and ≥ 30× faster" } else { "p50 < 1 ms (≥ 30× is the 2M goal)" },
            percentile(&http, 0.5) < 1.0 && (!at_scale || percentile(&http, 0.5) * 30.0 <= b50),
        ),
        crate::figures::figure(
            &format!("registry.search_http.p99.{people}"),
            &format!("Name search over HTTP, {people} people, p99"),
            "ms",
            stat(&http, percentile(&http, 0.99)),
            "PostgreSQL 15 unaccent + pg_trgm GIN, same queries, p99",
            stat(&base, b99),
            "p99 < 5 ms",
            percentile(&http, 0.99) < 5.0,
        ),
    ])
}

/// Load the benchmark's people into a database (the demo generator with
/// the seed the in-process index used, through the registry import), serve
/// it, and time each query over one keep-alive connection with a bearer
/// token, as a client sees it (ms).
fn search_over_http(people: u64, reps: usize, dir: &Path) -> anyhow::Result<Vec<f64>> {
    use std::io::{BufRead, BufReader, Read, Write};
    let db = dir.join("http.db");
    let db = db.to_str().context("path")?;
    let ketnoi = |args: &[&str]| -> anyhow::Result<String> {
        let out = Command::new(crate::figures::ketnoi_binary()?)
            .args(["--database", db, "--data-dir"])
            .arg(dir)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()?;
        anyhow::ensure!(out.status.success(), "ketnoi {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    };
    let csv = dir.join("http-people.csv");
    let n = people.to_string();
    ketnoi(&["demo", "--people", &n, "--seed", "11", "--out", csv.to_str().context("path")?, "--load", "--accounts"])?;
    let token = ketnoi(&["token", "issue", "canbo.so@demo.ketnoi.vn"])?;
    let token = token.split_whitespace().find(|w| w.starts_with("kn_")).context("no token printed")?.to_owned();
    let port = crate::figures::free_port()?;
    let _server = crate::board_figures::start(Path::new(db), port)?;
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port))?;
    conn.set_nodelay(true)?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut get = |path: &str| -> anyhow::Result<Vec<u8>> {
        // One write: a request split over several segments meets the peer's delayed ACK.
        let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n");
        conn.write_all(request.as_bytes())?;
        let (mut status, mut length, mut line) = (String::new(), None, String::new());
        reader.read_line(&mut status)?;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse::<usize>().ok();
                }
            }
        }
        anyhow::ensure!(status.starts_with("HTTP/1.1 200"), "{path}: {status}");
        let mut body = vec![0; length.context("no content-length")?];
        reader.read_exact(&mut body)?;
        Ok(body)
    };
    let path = |q: &str| format!("/api/v1/people?q={}", q.replace(' ', "+"));
    // Once through, unmeasured: the connection and the server warm up.
    for q in QUERIES {
        let body = get(&path(q))?;
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        anyhow::ensure!(v["total"].is_u64(), "{q}: no total in {}", String::from_utf8_lossy(&body));
    }
    let mut times = Vec::with_capacity(reps * QUERIES.len());
    for _ in 0..reps {
        for q in QUERIES {
            let t = Instant::now();
            std::hint::black_box(get(&path(q))?);
            times.push(ms(t.elapsed()));
        }
    }
    Ok(times)
}

/// A demo person as the search index keeps them.
fn demo_entry(id: i64, p: ketnoi::demo::Person) -> Entry {
    Entry {
        id,
        name_folded: platform::fold::fold(&p.full_name),
        ward_code: p.ward_code,
        birth_date: p.birth_date,
        female: p.female,
        qualification: p.qualification.into(),
        status: registry::model::EmploymentStatus::parse(p.employment_status).expect("status"),
        need_job: p.job_need == "job",
        need_training: p.job_need == "training",
        need_abroad: p.job_need == "abroad",
        phone: p.phone.parse().ok(),
    }
}

/// This process's resident memory, in bytes.
fn rss_bytes() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS")?;
    Ok(kb * 1024)
}

/// A province of `people` in one instance (the largest merged provinces
/// have ten million): the search index's memory per person and its search
/// in process, and a server's start on a ready database until its first
/// search answers over all of them.
pub fn province(people: u64, reps: usize) -> anyhow::Result<Vec<Figure>> {
    // The index in process, its memory as the growth of this process's RSS
    // (freed memory goes back to the system at once here: tune_allocator).
    let before = rss_bytes()?;
    let index = registry::search::SearchIndex::new();
    let mut gen = ketnoi::demo::PeopleGen::new(11, "56");
    let mut batch = Vec::with_capacity(100_000);
    for id in 1..=people as i64 {
        let p = gen.next_person();
        batch.push(demo_entry(id, p));
        if batch.len() == 100_000 {
            index.upsert(&std::mem::take(&mut batch));
        }
    }
    index.upsert(&batch);
    drop(batch);
    let per_person = (rss_bytes()?.saturating_sub(before)) as f64 / people as f64;
    let mut ours = vec![];
    for _ in 0..reps {
        for q in QUERIES {
            let query = registry::search::Query { text: q.into(), ..Default::default() };
            let t = Instant::now();
            std::hint::black_box(index.search(&query, &platform::auth::AreaScope::All, 0, 20));
            ours.push(ms(t.elapsed()));
        }
    }
    drop(index);
    // Without an index: every folded name read for every query (a few runs).
    let mut gen = ketnoi::demo::PeopleGen::new(11, "56");
    let names: Vec<Box<str>> = (0..people).map(|_| platform::fold::fold(&gen.next_person().full_name).into()).collect();
    let mut scans = vec![];
    for q in QUERIES.iter().take(3) {
        let words: Vec<&str> = q.split(' ').collect();
        let t = Instant::now();
        let hits = names.iter().filter(|n| words.iter().all(|w| n.split(' ').any(|x| x == *w))).count();
        std::hint::black_box(hits);
        scans.push(ms(t.elapsed()));
    }
    drop(names);
    ours.sort_by(f64::total_cmp);
    scans.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let stat = |v: &[f64], m: f64| Stat { median: m, min: v[0], max: v[v.len() - 1], runs: v.len() };

    // A server on a ready database: from its start to the first search
    // answered with everyone indexed.
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("province.db");
    let db = db.to_str().context("path")?;
    let ketnoi = |args: &[&str]| -> anyhow::Result<String> {
        let out = Command::new(crate::figures::ketnoi_binary()?)
            .args(["--database", db, "--data-dir"])
            .arg(dir.path())
            .args(args)
            .env("RUST_LOG", "warn")
            .output()?;
        anyhow::ensure!(out.status.success(), "ketnoi {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    };
    let csv = dir.path().join("people.csv");
    let t = Instant::now();
    ketnoi(&["demo", "--people", &people.to_string(), "--seed", "11", "--out", csv.to_str().context("path")?])?;
    // An import takes at most 5 million rows a file: in parts, as an office would.
    for part in split_csv(&csv, 5_000_000)? {
        let rejects = dir.path().join("rejects.xlsx");
        ketnoi(&["import", "people", part.to_str().context("path")?, "--rejects", rejects.to_str().context("path")?])?;
        let _ = std::fs::remove_file(&part);
    }
    let _ = std::fs::remove_file(&csv);
    eprintln!("province: {people} people generated and imported in {:.0} s", t.elapsed().as_secs_f64());
    ketnoi(&["demo", "--accounts"])?;
    let token = ketnoi(&["token", "issue", "canbo.so@demo.ketnoi.vn"])?;
    let token = token.split_whitespace().find(|w| w.starts_with("kn_")).context("no token printed")?.to_owned();
    // What the index reads, read by sqlite3 alone.
    let t = Instant::now();
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT id, name_folded, ward_code, birth_date, sex, qualification, employment_status, need_job, need_training, need_abroad, phone FROM people")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(out.success(), "sqlite3 failed");
    let read = ms(t.elapsed());
    let port = crate::figures::free_port()?;
    let t = Instant::now();
    let child = Command::new(crate::figures::ketnoi_binary()?)
        .args(["--database", db, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let _server = crate::board_figures::Server(child);
    let total = loop {
        anyhow::ensure!(t.elapsed() < std::time::Duration::from_secs(600), "the server did not answer");
        if let Ok(body) = http_get(port, "/api/v1/people?q=", &token) {
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            break v["total"].as_u64().context("no total")?;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let start = ms(t.elapsed());
    // Fewer than generated: a second row of the same person without CCCD in a file is refused.
    let stored: u64 =
        String::from_utf8(Command::new("sqlite3").arg(db).arg("SELECT COUNT(*) FROM people").output()?.stdout)?
            .trim()
            .parse()?;
    anyhow::ensure!(total == stored, "the first search saw {total} of {stored} people");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let peak_mb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        / 1024;
    let file_bytes = std::fs::metadata(db)?.len() as f64 / stored as f64;
    let size = if people >= 1_000_000 { format!("{}M", people / 1_000_000) } else { format!("{}k", people / 1000) };
    let mut figures = vec![
        crate::figures::figure(
            &format!("registry.province.memory.{people}"),
            &format!("Search index memory for a province of {size} people (growth of the process's RSS, per person)"),
            "bytes/person",
            Stat { median: per_person, min: per_person, max: per_person, runs: 1 },
            "the people table on disk (SQLite, per person)",
            Stat { median: file_bytes, min: file_bytes, max: file_bytes, runs: 1 },
            "< 150 bytes per person",
            per_person < 150.0,
        ),
        crate::figures::figure(
            &format!("registry.province.search.{people}"),
            &format!(
                "Name search in process over a province of {size} people, p50 (first page + total); p99 {p99:.2} ms"
            ),
            "ms",
            stat(&ours, p50),
            "every folded name read for each query (no index)",
            stat(&scans, percentile(&scans, 0.5)),
            "p50 < 1 ms",
            p50 < 1.0,
        ),
        crate::figures::figure(
            &format!("registry.province.start.{people}"),
            &format!(
                "Start on a ready database of {size} people ({stored} stored) until the first search answers \
                 over all of them (server peak memory {peak_mb} MB)"
            ),
            "ms",
            Stat { median: start, min: start, max: start, runs: 1 },
            "sqlite3 reading the columns the index holds",
            Stat { median: read, min: read, max: read, runs: 1 },
            "< 30 s",
            start < 30_000.0,
        ),
    ];
    // Below a million the RSS growth is mostly the allocator's steps and
    // what the process freed before (58 to 166 bytes/person at 200,000
    // between runs): memory is stated at scale only.
    if people < 1_000_000 {
        figures.remove(0);
    }
    Ok(figures)
}

/// One GET with a bearer token on a fresh connection: the body of a 200.
fn http_get(port: u16, path: &str, token: &str) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port))?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");
    conn.write_all(request.as_bytes())?;
    let mut out = Vec::new();
    conn.read_to_end(&mut out)?;
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").context("no header end")?;
    anyhow::ensure!(out.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&out[..at]));
    Ok(out[at + 4..].to_vec())
}

/// `csv` cut into files of at most `rows` data rows, each with the header.
fn split_csv(csv: &Path, rows: usize) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use std::io::{BufRead, Write};
    let mut lines = std::io::BufReader::new(std::fs::File::open(csv)?).lines();
    let header = lines.next().context("empty file")??;
    let mut parts = vec![];
    let mut out: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut n = 0;
    for line in lines {
        if n % rows == 0 {
            let path = csv.with_extension(format!("{}.csv", parts.len()));
            let mut w = std::io::BufWriter::new(std::fs::File::create(&path)?);
            writeln!(w, "{header}")?;
            if let Some(mut o) = out.replace(w) {
                o.flush()?;
            }
            parts.push(path);
        }
        writeln!(out.as_mut().expect("a part"), "{}", line?)?;
        n += 1;
    }
    if let Some(mut o) = out {
        o.flush()?;
    }
    Ok(parts)
}
