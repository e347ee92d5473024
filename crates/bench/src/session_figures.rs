//! A job-exchange session's live fan-out: participants connected to one
//! session by WebSocket on loopback; a queue change (a candidate joining a
//! booth's queue through the ticket's form) must reach all of them. Baseline:
//! the same bytes through a plain broadcast server (tokio-tungstenite and a
//! tokio broadcast channel, nothing else) to the same number of clients.

use crate::figures::{figure, ketnoi_binary};
use crate::{Figure, Stat};
use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const PROVINCE: &str = "56";

/// Open `n` WebSocket clients to `url` (in batches), each reading its first
/// message, then reporting the arrival time of every later one.
async fn clients(url: &str, n: usize) -> anyhow::Result<(mpsc::UnboundedReceiver<Instant>, String)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut first = String::new();
    for batch in (0..n).collect::<Vec<_>>().chunks(200) {
        let mut joins = Vec::new();
        for _ in batch {
            let url = url.to_owned();
            let tx = tx.clone();
            joins.push(tokio::spawn(async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
                let first = match ws.next().await {
                    Some(Ok(Message::Text(t))) => t.as_str().to_owned(),
                    other => anyhow::bail!("no first message: {other:?}"),
                };
                tokio::spawn(async move {
                    while let Some(Ok(m)) = ws.next().await {
                        if matches!(m, Message::Text(_)) && tx.send(Instant::now()).is_err() {
                            break;
                        }
                    }
                });
                Ok::<_, anyhow::Error>(first)
            }));
        }
        for j in joins {
            first = j.await??;
        }
    }
    Ok((rx, first))
}

/// Wait for `n` arrivals after `t0`; their latencies in ms, sorted.
async fn arrivals(rx: &mut mpsc::UnboundedReceiver<Instant>, n: usize, t0: Instant) -> anyhow::Result<Vec<f64>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let t = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .context("every participant should hear of the change")?
            .context("clients gone")?;
        out.push(t.duration_since(t0).as_secs_f64() * 1000.0);
    }
    out.sort_by(|a, b| a.total_cmp(b));
    Ok(out)
}

fn p(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn rss_mb(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .context("VmRSS")?
        .parse()?;
    Ok(kb / 1024.0)
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn fanout(participants: usize, changes: usize) -> anyhow::Result<Vec<Figure>> {
    // A demo session on a fresh database, served by the real binary.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sessions.db");
    let path_s = path.to_str().context("path")?.to_owned();
    let db = platform::Db::connect(&path_s).await?;
    ketnoi::prepare(&db).await?;
    ketnoi::demo::seed_accounts(&db).await?;
    ketnoi::demo::seed_demand(&db, PROVINCE, 3, 6, 7).await?;
    ketnoi::demo::seed_sessions(&db, PROVINCE).await?;
    let now = platform::time::local(chrono::Utc::now());
    let session = sessions::store::sessions(&db, PROVINCE, now, 1).await?.pop().context("a session")?.id;
    let booth = sessions::store::booths(&db, PROVINCE, session).await?.first().context("a booth")?.0;
    let ticket =
        sessions::store::registrations(&db, PROVINCE, session, 1).await?.pop().context("a registration")?.ticket;
    drop(db);

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = Child(
        Command::new(ketnoi_binary()?)
            .args(["--database", &path_s, "serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().cookie_store(true).build()?;
    let ticket_page = format!("{base}/sessions/{session}/tickets/{ticket}");
    let started = Instant::now();
    let html = loop {
        match http.get(&ticket_page).send().await {
            Ok(r) if r.status().is_success() => break r.text().await?,
            _ if started.elapsed() > Duration::from_secs(60) => anyhow::bail!("server did not start"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("the ticket page's CSRF token")?
        .to_owned();
    let idle_mb = rss_mb(server.0.id())?;

    let (mut rx, snapshot) = clients(&format!("ws://127.0.0.1:{port}/sessions/{session}/live"), participants).await?;
    let connected_mb = rss_mb(server.0.id())?;
    let mut p99s = Vec::new();
    let mut p50s = Vec::new();
    for k in 0..changes {
        while rx.try_recv().is_ok() {}
        let action = if k % 2 == 0 { "join" } else { "leave" };
        let t0 = Instant::now();
        let r = http
            .post(format!("{ticket_page}/queue"))
            .form(&[("_csrf", csrf.as_str()), ("booth_id", &booth.to_string()), ("action", action)])
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success() || r.status().is_redirection(), "queue change: {}", r.status());
        let lat = arrivals(&mut rx, participants, t0).await?;
        p99s.push(p(&lat, 0.99));
        p50s.push(p(&lat, 0.5));
    }
    let peak_mb = rss_mb(server.0.id())?.max(connected_mb);
    drop(server);

    // Baseline: the same bytes, broadcast by a server that does nothing else.
    let (tx, _) = tokio::sync::broadcast::channel::<tokio_tungstenite::tungstenite::Utf8Bytes>(64);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let plain = listener.local_addr()?;
    let accept_tx = tx.clone();
    let hello: tokio_tungstenite::tungstenite::Utf8Bytes = snapshot.clone().into();
    let acceptor = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let mut sub = accept_tx.subscribe();
            let hello = hello.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                if ws.send(Message::Text(hello)).await.is_err() {
                    return;
                }
                while let Ok(m) = sub.recv().await {
                    if ws.send(Message::Text(m)).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    let (mut brx, _) = clients(&format!("ws://{plain}/"), participants).await?;
    let mut base_p99s = Vec::new();
    let mut base_p50s = Vec::new();
    for _ in 0..changes {
        while brx.try_recv().is_ok() {}
        let t0 = Instant::now();
        tx.send(snapshot.clone().into())?;
        let lat = arrivals(&mut brx, participants, t0).await?;
        base_p99s.push(p(&lat, 0.99));
        base_p50s.push(p(&lat, 0.5));
    }
    acceptor.abort();

    let value = Stat::of(p99s);
    let met = value.median < 100.0;
    let n = participants;
    Ok(vec![
        figure(
            &format!("sessions.fanout.p99.{n}"),
            &format!("A queue change reaching all {n} WebSocket participants of a session (p99, from the form's POST)"),
            "ms",
            value,
            "the same bytes through a plain tokio-tungstenite broadcast (p99)",
            Stat::of(base_p99s),
            "p99 < 100 ms",
            met,
        ),
        figure(
            &format!("sessions.fanout.p50.{n}"),
            &format!("A queue change reaching half of {n} WebSocket participants (p50)"),
            "ms",
            Stat::of(p50s),
            "the same bytes through a plain tokio-tungstenite broadcast (p50)",
            Stat::of(base_p50s),
            "(shown beside the p99)",
            true,
        ),
        figure(
            &format!("sessions.fanout.memory.{n}"),
            &format!("Server memory (RSS) with {n} participants connected"),
            "MB",
            Stat::of(vec![peak_mb]),
            "the same server idle, no one connected",
            Stat::of(vec![idle_mb]),
            "< 300 MB",
            peak_mb < 300.0,
        ),
    ])
}
