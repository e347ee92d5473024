//! The public job board under load: `wrk` on loopback against the search
//! page with the generated employers and vacancies, and — the baseline, in
//! the same run and the same server — against a static file.

use crate::figures::{figure, ketnoi_binary};
use crate::{Figure, Stat};
use anyhow::Context;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Searches people make on the board: words typed without diacritics, filters, paging.
const PATHS: [&str; 12] = [
    "/jobs?q=tho+han",
    "/jobs?q=nhan+vien",
    "/jobs?q=le+tan",
    "/jobs",
    "/jobs?q=cong+nhan+may",
    "/jobs?occupation=7",
    "/jobs?q=lai+xe&wage=10000000",
    "/jobs?q=ke+toan",
    "/jobs?near=22504&km=20",
    "/jobs?q=dau+bep&page=2",
    "/jobs?q=thuy+san+nha+trang",
    "/jobs?abroad=1",
];

pub(crate) struct Server(pub(crate) Child);

impl Server {
    /// Wait until the server is at rest: a server answers before every
    /// index has loaded (matching's, the board's), and a figure taken while
    /// it loads measures the load, not the answer.
    fn settle(&self) -> anyhow::Result<()> {
        let cpu = || -> anyhow::Result<u64> {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0.id()))?;
            // utime and stime, in clock ticks: fields 14 and 15, after the command's ")".
            let after = stat.rsplit_once(')').context("stat")?.1;
            let f: Vec<&str> = after.split_whitespace().collect();
            Ok(f[11].parse::<u64>()? + f[12].parse::<u64>()?)
        };
        let t = Instant::now();
        let mut last = cpu()?;
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let now = cpu()?;
            // Less than 2 ticks (20 ms) in 200 ms: the follower's catch-ups only.
            if now - last < 2 || t.elapsed() > Duration::from_secs(120) {
                return Ok(());
            }
            last = now;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn start(db: &Path, port: u16) -> anyhow::Result<Server> {
    let child = Command::new(ketnoi_binary()?)
        .args(["--database", db.to_str().context("path")?, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let server = Server(child);
    let t = Instant::now();
    loop {
        if board_is_up(port) {
            server.settle()?;
            return Ok(server);
        }
        anyhow::ensure!(t.elapsed() < Duration::from_secs(60), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether the board answers 200 (a plain HTTP/1.1 GET; the bench needs no client for this).
fn board_is_up(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let mut buf = String::new();
    s.write_all(b"GET /jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_ok()
        && s.read_to_string(&mut buf).is_ok()
        && buf.starts_with("HTTP/1.1 200")
}

struct Load {
    rps: f64,
    p99_ms: f64,
}

/// `wrk` with 2 threads and 64 connections for `secs`, cycling through `paths`.
fn wrk(port: u16, paths: &[&str], secs: u64, dir: &Path) -> anyhow::Result<Load> {
    let script = dir.join("paths.lua");
    let list = paths.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
    std::fs::write(
        &script,
        format!(
            "local paths = {{{list}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n"
        ),
    )?;
    let out = Command::new("wrk")
        .args(["-t2", "-c64", &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .context("wrk is needed for the HTTP figures (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(out.status.success(), "wrk failed: {text}");
    anyhow::ensure!(!text.contains("Non-2xx"), "errors under load: {text}");
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .context("wrk: no Requests/sec")?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .map(str::trim)
        .and_then(parse_duration_ms)
        .context("wrk: no 99% latency")?;
    Ok(Load { rps, p99_ms: p99 })
}

/// "1.23ms", "850.00us", "1.02s" → milliseconds.
fn parse_duration_ms(s: &str) -> Option<f64> {
    let (num, factor) = if let Some(v) = s.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = s.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = s.strip_suffix('s') {
        (v, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|n| n * factor)
}

/// Generate `employers`/`vacancies` into a fresh SQLite database, serve it,
/// and load the board and a static file alternately, `reps` times each.
pub fn board(employers: u64, vacancies: u64, reps: usize, secs: u64) -> anyhow::Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("board.db");
    let t = Instant::now();
    let status = Command::new(ketnoi_binary()?)
        .args(["--database", db.to_str().context("path")?, "demo"])
        .args(["--employers", &employers.to_string(), "--vacancies", &vacancies.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "generating employers and vacancies failed");
    eprintln!("board: {employers} employers, {vacancies} vacancies generated in {:.1} s", t.elapsed().as_secs_f64());
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let _server = start(&db, port)?;
    // Warm both paths once.
    wrk(port, &PATHS, 1, dir.path())?;
    let (mut ours, mut base) = (vec![], vec![]);
    for _ in 0..reps {
        ours.push(wrk(port, &PATHS, secs, dir.path())?);
        base.push(wrk(port, &["/static/app.css"], secs, dir.path())?);
    }
    let us_per_req = |l: &[Load]| Stat::of(l.iter().map(|x| 1e6 / x.rps).collect());
    let p99 = |l: &[Load]| Stat::of(l.iter().map(|x| x.p99_ms).collect());
    let rps_median = {
        let mut r: Vec<f64> = ours.iter().map(|x| x.rps).collect();
        r.sort_by(|a, b| a.total_cmp(b));
        r[r.len() / 2]
    };
    let (throughput, latency) = (us_per_req(&ours), p99(&ours));
    let n = if vacancies >= 1000 { format!("{}k", vacancies / 1000) } else { vacancies.to_string() };
    // A province's whole board (100k vacancies) must take what a job fair's
    // crowd sends at once; the quick run's small board keeps the older floor.
    let (rps_goal, p99_goal) = if vacancies >= 100_000 { (10_000.0, 20.0) } else { (3_000.0, 50.0) };
    Ok(vec![
        figure(
            &format!("board.search.throughput.{n}"),
            &format!("Public board search under load, {n} published vacancies ({rps_median:.0} req/s)"),
            "µs/request",
            throughput.clone(),
            "the same server serving /static/app.css",
            us_per_req(&base),
            &format!("≥ {} req/s (≤ {:.0} µs/request)", thousands(rps_goal), 1e6 / rps_goal),
            throughput.median <= 1e6 / rps_goal,
        ),
        figure(
            &format!("board.search.p99.{n}"),
            &format!("Public board search p99 latency, {n} published vacancies (wrk, 64 connections)"),
            "ms",
            latency.clone(),
            "p99 of /static/app.css, same run",
            p99(&base),
            &format!("p99 < {p99_goal} ms"),
            latency.median < p99_goal,
        ),
    ])
}

/// 10000.0 → "10,000" (the goals are written in English).
fn thousands(n: f64) -> String {
    let s = format!("{n:.0}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The board while a survey import of `people` rows runs into the same
/// database (the operator's `ketnoi import people`, another process on the
/// same machine), against the same board alone just before, in one run.
pub fn board_during_import(vacancies: u64, people: u64, secs: u64) -> anyhow::Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("board.db");
    let csv = dir.path().join("people.csv");
    let db_arg = db.to_str().context("path")?;
    let status = Command::new(ketnoi_binary()?)
        .args(["--database", db_arg, "demo", "--employers", &(vacancies / 2).to_string()])
        .args(["--vacancies", &vacancies.to_string(), "--people", &people.to_string()])
        .args(["--out", csv.to_str().context("path")?])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "generating the board and the sheet failed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let _server = start(&db, port)?;
    wrk(port, &PATHS, 1, dir.path())?;
    let alone = wrk(port, &PATHS, secs, dir.path())?;
    let mut import = Server(
        Command::new(ketnoi_binary()?)
            .args(["--database", db_arg, "import", "people", csv.to_str().context("path")?])
            .args(["--rejects", dir.path().join("rejects.xlsx").to_str().context("path")?])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("import.log"))?)
            .spawn()?,
    );
    // Past opening the file: rows are being checked and written.
    std::thread::sleep(Duration::from_millis(500));
    let during = wrk(port, &PATHS, secs, dir.path())?;
    if let Some(status) = import.0.try_wait()? {
        let log = std::fs::read_to_string(dir.path().join("import.log")).unwrap_or_default();
        anyhow::bail!(
            "the import of {people} rows ended ({status}) before the load did: measure with more rows\n{log}"
        );
    }
    let done = import.0.wait()?;
    anyhow::ensure!(done.success(), "the import failed");
    let n = if people >= 1000 { format!("{}k", people / 1000) } else { people.to_string() };
    let one = |x: f64| Stat::of(vec![x]);
    Ok(vec![
        figure(
            &format!("board.during_import.throughput.{n}"),
            &format!(
                "Public board search while {n} people are imported into the same database ({:.0} req/s; alone {:.0})",
                during.rps, alone.rps
            ),
            "µs/request",
            one(1e6 / during.rps),
            "the same board alone, just before",
            one(1e6 / alone.rps),
            "≤ 2× (the import takes one of two cores)",
            during.rps * 2.0 >= alone.rps,
        ),
        figure(
            &format!("board.during_import.p99.{n}"),
            &format!("Public board search p99 latency while {n} people are imported (wrk, 64 connections)"),
            "ms",
            one(during.p99_ms),
            "p99 of the same board alone, just before",
            one(alone.p99_ms),
            "p99 < 50 ms",
            during.p99_ms < 50.0,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrk_durations() {
        assert_eq!(super::parse_duration_ms("850.00us"), Some(0.85));
        assert_eq!(super::parse_duration_ms("1.50ms"), Some(1.5));
        assert_eq!(super::parse_duration_ms("1.02s"), Some(1020.0));
    }
}
