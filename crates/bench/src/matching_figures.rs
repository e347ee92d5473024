//! Matching figures: the top 20 candidates for one vacancy among N people
//! (in process, as the API ranks them) against the same ranking written as
//! one SQL query on PostgreSQL; and the batch (every open vacancy's
//! shortlist, `ketnoi match shortlists` in a child process): time and peak
//! memory.

use crate::registry_figures::{percentile, postgres_url, psql, run_measuring_memory};
use crate::{Figure, Stat};
use anyhow::Context;
use matching::index::Among;
use matching::rules::{Offer, Weights};
use std::process::Command;
use std::time::Instant;

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ketnoi(db: &str, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(crate::figures::ketnoi_binary()?)
        .args(["--database", db])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()?;
    anyhow::ensure!(out.status.success(), "ketnoi {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// The ranking of `rules::score` as one SQL statement (the generated people
/// have no free text, so the words part is zero for all and left out).
fn ranking_sql(o: &Offer, w: &Weights, today: chrono::NaiveDate) -> String {
    let k = w.coefficients();
    let code: i64 = o.occupation_isco.parse().unwrap_or(-1);
    let best = format!(
        "CASE WHEN occ1 = {code} OR occ2 = {code} THEN 4 \
         WHEN occ1 / 10 = {c10} OR occ2 / 10 = {c10} THEN 3 \
         WHEN occ1 / 100 = {c100} OR occ2 / 100 = {c100} THEN 2 \
         WHEN occ1 / 1000 = {c1000} OR occ2 / 1000 = {c1000} THEN 1 ELSE 0 END",
        c10 = code / 10,
        c100 = code / 100,
        c1000 = code / 1000
    );
    let oq = o.qualification_rank;
    let at = o.work_ward_code.as_deref().and_then(|c| refdata::refdata().ward(c)).and_then(|w| Some((w.lat?, w.lon?)));
    let distance = match (o.abroad(), at) {
        (true, _) => "1.0".to_owned(),
        (false, None) => "0.2".to_owned(),
        (false, Some((lat, lon))) => format!(
            "CASE WHEN lat IS NULL THEN 0.2 ELSE (SELECT CASE WHEN km <= 5 THEN 1.0 ELSE greatest(0, 1 - (km - 5) / {span}) END
               FROM (SELECT 2 * 6371 * asin(sqrt(power(sin((radians({lat}) - radians(lat)) / 2), 2)
                 + cos(radians(lat)) * cos(radians({lat})) * power(sin((radians({lon}) - radians(lon)) / 2), 2))) AS km) d) END",
            span = (w.max_km - 5.0).max(1.0)
        ),
    };
    let wage = match o.wage_max.or(o.wage_min) {
        None => "0.5".to_owned(),
        Some(pay) => format!(
            "CASE WHEN wage IS NULL THEN 0.5 WHEN {pay} >= wage THEN 1.0 ELSE greatest(0, 1 - 2 * (1 - {pay}::float8 / greatest(wage, 1))) END"
        ),
    };
    let experience =
        if o.experience_years == 0 { "1.0".to_owned() } else { "CASE WHEN best >= 3 THEN 1.0 ELSE 0 END".into() };
    let needs = format!(
        "CASE WHEN ({a} AND need_training) OR ({b} AND need_abroad) OR need_job OR unemployed THEN 1.0 ELSE 0.5 END",
        a = o.apprenticeship,
        b = o.abroad()
    );
    let mut filters = vec!["(unemployed OR need_job OR need_training OR need_abroad)".to_owned()];
    if o.abroad() {
        filters.push("need_abroad".into());
    }
    if let Some(m) = o.age_min {
        filters.push(format!("date_part('year', age(DATE '{today}', birth_date)) >= {m}"));
    }
    if let Some(m) = o.age_max {
        filters.push(format!("date_part('year', age(DATE '{today}', birth_date)) <= {m}"));
    }
    format!(
        "SELECT id, round(({k0} * (CASE best WHEN 4 THEN 1.0 WHEN 3 THEN 0.75 WHEN 2 THEN 0.5 WHEN 1 THEN 0.25 ELSE 0 END)
           + {k1} * (CASE WHEN qrank = {oq} THEN 1.0 WHEN qrank > {oq} THEN 0.8 ELSE greatest(0, 1 - 0.4 * ({oq} - qrank)) END)
           + {k2} * ({distance}) + {k3} * ({wage}) + {k4} * ({experience}) + {k5} * ({needs}))::numeric, 1)::float8 AS score
         FROM (SELECT p.*, q.rank AS qrank, w.lat, w.lon, {best} AS best
               FROM m_people p JOIN m_qual q ON q.code = p.qualification LEFT JOIN m_wards w ON w.code = p.ward_code
               WHERE {filters}) x
         ORDER BY score DESC, id LIMIT 20",
        k0 = k[0],
        k1 = k[1],
        k2 = k[2],
        k3 = k[3],
        k4 = k[4],
        k5 = k[5],
        filters = filters.join(" AND ")
    )
}

pub async fn matching(people: u64, vacancies: u64, ranked: usize, sql_reps: usize) -> anyhow::Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("m.db");
    let db_url = format!("sqlite://{}", file.display());
    let csv = dir.path().join("people.csv");
    ketnoi(&db_url, &["demo", "--people", &people.to_string(), "--load", "--out", csv.to_str().unwrap()])?;
    let employers = (vacancies / 10).max(10).to_string();
    ketnoi(&db_url, &["demo", "--employers", &employers, "--vacancies", &vacancies.to_string()])?;

    // In process: the API's ranking (the top 20 with their reasons).
    let db = platform::Db::connect(&db_url).await?;
    let w = Weights::default();
    let m = matching::service::Matcher::new(db.clone(), "56", w.clone());
    m.sync().await?;
    let today = platform::time::today();
    let mut offers: Vec<Offer> = Vec::new();
    m.offers.0.each(|o| {
        if o.published && o.deadline >= today {
            offers.push(o.clone());
        }
    });
    offers.sort_by_key(|o| o.id);
    anyhow::ensure!(offers.len() >= ranked, "only {} open vacancies", offers.len());
    let mut samples = Vec::new();
    let mut ours: Vec<Vec<i64>> = Vec::new();
    for o in offers.iter().take(ranked) {
        let t = Instant::now();
        let (top, _) = m.candidates(o, today, 20, Among::All);
        samples.push(ms(t.elapsed()));
        ours.push(top.iter().map(|r| r.id).collect());
    }
    let mut sorted = samples.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let p99 = percentile(&sorted, 0.99);
    let value = Stat::of(samples);
    db.close().await;

    // PostgreSQL: the same people and the same score as one query.
    let base_url = postgres_url();
    let schema = format!("ketnoi_match_{}", std::process::id());
    psql(&base_url, &format!("CREATE SCHEMA {schema}"))?;
    let url = format!("{base_url}?options=-c%20search_path%3D{schema}");
    let result = async {
        let export = dir.path().join("seekers.csv");
        let out = Command::new("sqlite3")
            .arg("-csv")
            .arg(&file)
            .arg("SELECT id, ward_code, birth_date, qualification, employment_status, need_job, need_training, need_abroad, occupation_isco, prev_occupation_isco, expected_wage FROM people")
            .output()
            .context("sqlite3")?;
        anyhow::ensure!(out.status.success(), "sqlite3: {}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(&export, &out.stdout)?;
        let d = refdata::refdata();
        let wards: String = d
            .wards
            .iter()
            .filter_map(|w| Some(format!("{},{},{}\n", w.code, w.lat?, w.lon?)))
            .collect();
        std::fs::write(dir.path().join("wards.csv"), wards)?;
        let quals: String = d.qualifications.iter().map(|q| format!("{},{}\n", q.code, q.rank)).collect();
        std::fs::write(dir.path().join("quals.csv"), quals)?;
        psql(&url, "CREATE TABLE raw (id bigint, ward_code text, birth_date text, qualification text, status text, need_job text, need_training text, need_abroad text, occ text, prev text, wage text)")?;
        psql(&url, &format!("\\copy raw FROM '{}' WITH (FORMAT csv)", export.display()))?;
        psql(&url, "CREATE TABLE m_people AS SELECT id, ward_code, birth_date::date AS birth_date, qualification,
            status = 'unemployed' AS unemployed, need_job::int::bool AS need_job, need_training::int::bool AS need_training,
            need_abroad::int::bool AS need_abroad, NULLIF(occ, '')::int AS occ1, NULLIF(prev, '')::int AS occ2,
            NULLIF(wage, '')::bigint AS wage FROM raw; ALTER TABLE m_people ADD PRIMARY KEY (id); DROP TABLE raw")?;
        psql(&url, "CREATE TABLE m_wards (code text PRIMARY KEY, lat float8, lon float8); CREATE TABLE m_qual (code text PRIMARY KEY, rank int)")?;
        psql(&url, &format!("\\copy m_wards FROM '{}' WITH (FORMAT csv)", dir.path().join("wards.csv").display()))?;
        psql(&url, &format!("\\copy m_qual FROM '{}' WITH (FORMAT csv)", dir.path().join("quals.csv").display()))?;
        psql(&url, "ANALYZE")?;
        let pg = platform::Db::connect(&url).await?;
        let platform::Db::Postgres(pool) = &pg else { anyhow::bail!("not PostgreSQL") };
        let mut base = Vec::new();
        let mut same = 0;
        for (o, ours) in offers.iter().zip(&ours).take(sql_reps) {
            let sql = ranking_sql(o, &w, today);
            let t = Instant::now();
            let rows: Vec<(i64, f64)> = sqlx::query_as(&sql).fetch_all(pool).await.with_context(|| sql.clone())?;
            base.push(ms(t.elapsed()));
            same += usize::from(rows.iter().map(|r| r.0).collect::<Vec<_>>() == *ours);
        }
        pg.close().await;
        Ok::<_, anyhow::Error>((Stat::of(base), same))
    }
    .await;
    psql(&base_url, &format!("DROP SCHEMA {schema} CASCADE"))?;
    let (base, same) = result?;
    let mut figures = vec![crate::figures::figure(
        &format!("matching.top20.{people}"),
        &format!(
            "Top 20 candidates (with reasons) for one vacancy among {people} people, in process, one core; \
             p99 {p99:.2} ms over {ranked} vacancies; PostgreSQL's top 20 identical for {same} of {sql_reps}"
        ),
        "ms",
        value.clone(),
        "the same ranking as one SQL query on PostgreSQL 15",
        base.clone(),
        "p99 < 10 ms",
        p99 < 10.0,
    )];

    // The batch, as the scheduled job runs it (2 threads on this machine).
    let exe = crate::figures::ketnoi_binary()?;
    let (t, kb) = run_measuring_memory(
        Command::new(exe)
            .args(["--database", &db_url, "match", "shortlists"])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null()),
    )?;
    let estimated = base.median * vacancies as f64;
    figures.push(crate::figures::figure(
        &format!("matching.batch.{vacancies}x{people}"),
        &format!(
            "Shortlists for {vacancies} vacancies over {people} people (`ketnoi match shortlists`: load, rank, write); \
             peak memory {} MB",
            kb / 1024
        ),
        "ms",
        Stat::of(vec![t]),
        "one PostgreSQL query per vacancy (the median above × the vacancies, estimated)",
        Stat::of(vec![estimated]),
        "< 5 min, < 1 GB",
        t < 300_000.0 && kb < 1024 * 1024,
    ));
    Ok(figures)
}

/// Precision@10 and NDCG@10 on the shipped labelled set, on a fresh demo
/// database (the ids it names), with the shipped weights; baseline: the same
/// pairs ranked without the occupation and experience parts.
pub async fn evaluation() -> anyhow::Result<Figure> {
    let dir = tempfile::tempdir()?;
    let db = platform::Db::connect(&format!("sqlite://{}", dir.path().join("demo.db").display())).await?;
    ketnoi::prepare(&db).await?;
    ketnoi::demo::seed_accounts(&db).await?;
    ketnoi::demo::seed_people(&db, "56", ketnoi::demo::DEMO_PEOPLE, 2026).await?;
    ketnoi::demo::seed_demand(&db, "56", ketnoi::demo::DEMO_EMPLOYERS, ketnoi::demo::DEMO_VACANCIES, 2026).await?;
    let pairs = matching::eval::read_pairs(std::path::Path::new("data/matching/labelled.csv"))?;
    let shipped = matching::config::load(std::path::Path::new("config/matching.toml"))?;
    let blind = Weights { occupation: 0.0, experience: 0.0, ..shipped.clone() };
    let today = platform::time::today();
    let mut out = Vec::new();
    for w in [&shipped, &blind] {
        let m = matching::service::Matcher::new(db.clone(), "56", w.clone());
        m.sync().await?;
        out.push(matching::eval::evaluate(&pairs, |p, v| m.pair(p, v, today)));
    }
    db.close().await;
    let (ours, base) = (&out[0], &out[1]);
    let weights = serde_json::to_string(&shipped)?;
    Ok(Figure {
        key: "matching.eval.ndcg10".into(),
        what: format!(
            "NDCG@10 on data/matching/labelled.csv ({} pairs, {} relevant, {} vacancies) with the shipped weights \
             {weights}; precision@10 {:.3} (without occupation and experience {:.3})",
            ours.pairs, ours.relevant, ours.vacancies, ours.precision_at_10, base.precision_at_10
        ),
        value: Stat::of(vec![ours.ndcg_at_10]),
        unit: "NDCG@10".into(),
        baseline: "the same pairs ranked without the occupation and experience parts".into(),
        baseline_value: Stat::of(vec![base.ndcg_at_10]),
        // Lower is better, like every ratio here: the baseline's share of ours.
        ratio: base.ndcg_at_10 / ours.ndcg_at_10,
        goal: "above the baseline (ratio < 1)".into(),
        goal_met: ours.ndcg_at_10 > base.ndcg_at_10,
    })
}
