//! Vocational training: the enrolment indicators of a period (enrolled by
//! level, school, funding, trade and commune; graduates, certificates,
//! drop-outs, employment after training) over `n` enrolments on SQLite,
//! from the in-memory ledger against the SQL GROUP BY on the same database.
//! Each sample asks three periods one after the other (a year, five months,
//! all time); both sides must give the same answers.

use crate::figures::figure;
use crate::{Figure, Stat};
use chrono::NaiveDate;
use platform::follow::Feed;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use training::ledger::{Ledger, LedgerFeed};
use training::model::{Enrolment, Funding, Level, Outcome, Status};
use training::store::Filter;

pub async fn indicators(n: usize, reps: usize) -> anyhow::Result<Figure> {
    let dir = tempfile::tempdir()?;
    let db = platform::Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("training.db").display())).await?;
    ketnoi::prepare(&db).await?;
    let province = "56";
    let schools = ketnoi::demo::seed_schools(&db, province).await?;
    let wards: Vec<String> = refdata::refdata().ward_options(province, |_| true).into_iter().map(|(c, _)| c).collect();
    let trades = training::rules::trades();
    let mut rng = StdRng::seed_from_u64(17);
    let first = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    let rows: Vec<training::store::NewEnrolment> = (0..n)
        .map(|i| {
            let start = first + chrono::Duration::days(rng.gen_range(0..2500));
            let level = Level::ALL[rng.gen_range(0..4)];
            let end = start + chrono::Duration::days(rng.gen_range(30..900));
            let status = Status::ALL[rng.gen_range(0..3)];
            let e = Enrolment {
                school_id: schools[rng.gen_range(0..schools.len())].1,
                class_id: None,
                trade: trades[rng.gen_range(0..trades.len())].code.clone(),
                level,
                funding: Funding::ALL[rng.gen_range(0..Funding::ALL.len())],
                start_date: start,
                end_date: (status != Status::Studying).then_some(end),
                status,
                certificate: status == Status::Graduated && rng.gen_bool(0.8),
                certificate_no: None,
                certificate_date: None,
                result: None,
            };
            let outcome = (status == Status::Graduated).then(|| Outcome::ALL[rng.gen_range(0..4)]);
            (i as i64 + 1, wards[rng.gen_range(0..wards.len())].clone(), e, outcome)
        })
        .collect();
    training::store::insert_enrolments(&db, province, &rows).await?;
    drop(rows);
    let codes = training::service::school_codes(&db, province).await?;
    let feed = LedgerFeed(Ledger::default());
    let batch = feed.read(&db, province, None).await?;
    feed.apply(batch);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let periods = [
        Filter { from: day(2022, 1, 1), to: day(2022, 12, 31), ..Default::default() },
        Filter { from: day(2023, 1, 1), to: day(2023, 5, 31), ..Default::default() },
        Filter::default(),
    ];
    // Warm both sides (the page cache, the ledger's first read) before timing.
    for f in &periods {
        feed.0.indicators(f, &codes);
        training::store::indicators_sql(&db, province, f, &codes).await?;
    }
    let (mut ours, mut base) = (vec![], vec![]);
    // A sample is the three periods asked one after the other.
    for _ in 0..reps {
        let t = Instant::now();
        let mem: Vec<_> = periods.iter().map(|f| feed.0.indicators(f, &codes)).collect();
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let mut sql = Vec::new();
        for f in &periods {
            sql.push(training::store::indicators_sql(&db, province, f, &codes).await?);
        }
        base.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(mem == sql, "the ledger and SQL disagree on the training indicators");
    }
    let value = Stat::of(ours);
    let size = if n >= 1_000_000 { format!("{}M", n / 1_000_000) } else { format!("{}k", n / 1000) };
    Ok(figure(
        &format!("training.indicators.{size}"),
        &format!(
            "Enrolment indicators of three periods (a year, five months, all time), {n} enrolments (ledger in memory)"
        ),
        "ms",
        value.clone(),
        "SQL GROUP BY over the enrolments, same SQLite database",
        Stat::of(base),
        "< 50 ms for any period at 1,000,000 enrolments (here: three periods)",
        value.max < 50.0,
    ))
}
