//! Jobs created, counted in memory: per day, the number of placements of
//! each (commune, channel, place, country). A period's figures fold the days
//! in it, so every dashboard panel answers in milliseconds over millions of
//! placements, where a SQL GROUP BY reads every row of the period. Placements
//! are only ever added, so the cube follows the table by id.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use chrono::NaiveDate;
use platform::{with_db, Db};

use crate::model::*;
use crate::store::Filter;

/// What a placement is counted by.
type Cell = (u16, u8, u8, u8);

#[derive(Default)]
struct Inner {
    /// Interned commune codes and countries.
    wards: Vec<String>,
    countries: Vec<String>,
    days: BTreeMap<NaiveDate, HashMap<Cell, u32>>,
    last_id: i64,
}

#[derive(Default)]
pub struct Cube {
    inner: RwLock<Inner>,
    /// One sync at a time.
    syncing: tokio::sync::Mutex<()>,
}

fn intern(list: &mut Vec<String>, s: &str) -> usize {
    match list.iter().position(|x| x == s) {
        Some(i) => i,
        None => {
            list.push(s.to_owned());
            list.len() - 1
        }
    }
}

impl Cube {
    /// Read the placements added since the last sync.
    pub async fn sync(&self, db: &Db, province: &str) -> anyhow::Result<()> {
        let _one = self.syncing.lock().await;
        let last = self.inner.read().expect("cube lock").last_id;
        loop {
            let last = self.inner.read().expect("cube lock").last_id.max(last);
            let rows: Vec<(i64, NaiveDate, String, String, String, Option<String>)> = with_db!(db, p => sqlx::query_as(
                "SELECT id, start_date, ward_code, channel, place, country FROM placements
                 WHERE province_code = $1 AND id > $2 ORDER BY id LIMIT 200000")
                .bind(province).bind(last).fetch_all(p).await?);
            if rows.is_empty() {
                return Ok(());
            }
            let mut inner = self.inner.write().expect("cube lock");
            for (id, day, ward, channel, place, country) in &rows {
                let w = intern(&mut inner.wards, ward) as u16;
                let c = CHANNELS.iter().position(|x| x == channel).unwrap_or(0) as u8;
                let p = PLACES.iter().position(|x| x == place).unwrap_or(0) as u8;
                let k = match country {
                    Some(k) => intern(&mut inner.countries, k) as u8 + 1,
                    None => 0,
                };
                *inner.days.entry(*day).or_default().entry((w, c, p, k)).or_default() += 1;
                inner.last_id = inner.last_id.max(*id);
            }
        }
    }

    /// The period's figures, as [`crate::service::fold`] makes them from SQL.
    pub fn jobs_created(&self, f: &Filter) -> JobsCreated {
        let inner = self.inner.read().expect("cube lock");
        let from = f.from.unwrap_or(NaiveDate::MIN);
        let to = f.to.unwrap_or(NaiveDate::MAX);
        if from > to {
            return JobsCreated::default();
        }
        let ward_ok: Vec<bool> = inner
            .wards
            .iter()
            .map(|w| f.ward.as_ref().is_none_or(|x| x == w) && (f.wards.is_empty() || f.wards.contains(w)))
            .collect();
        let channel = f.channel.as_deref().map(|c| CHANNELS.iter().position(|x| *x == c).map_or(u8::MAX, |i| i as u8));
        let place = f.place.as_deref().map(|p| PLACES.iter().position(|x| *x == p).map_or(u8::MAX, |i| i as u8));
        let mut months: BTreeMap<(i32, u32), i64> = BTreeMap::new();
        let mut wards = vec![0i64; inner.wards.len()];
        let mut channels = [0i64; CHANNELS.len()];
        let mut places = [0i64; PLACES.len()];
        let mut countries = vec![0i64; inner.countries.len()];
        let mut total = 0;
        for (day, cells) in inner.days.range(from..=to) {
            let mut in_day = 0;
            for ((w, c, p, k), n) in cells {
                if !ward_ok[*w as usize] || channel.is_some_and(|x| x != *c) || place.is_some_and(|x| x != *p) {
                    continue;
                }
                let n = i64::from(*n);
                in_day += n;
                wards[*w as usize] += n;
                channels[*c as usize] += n;
                places[*p as usize] += n;
                if *k > 0 {
                    countries[*k as usize - 1] += n;
                }
            }
            if in_day > 0 {
                use chrono::Datelike;
                *months.entry((day.year(), day.month())).or_default() += in_day;
                total += in_day;
            }
        }
        // Ranked as the SQL path ranks them.
        let ranked =
            |keys: &[&str], counts: &[i64]| crate::service::rank(keys.iter().copied().zip(counts.iter().copied()));
        let ward_keys: Vec<&str> = inner.wards.iter().map(String::as_str).collect();
        let country_keys: Vec<&str> = inner.countries.iter().map(String::as_str).collect();
        JobsCreated {
            total,
            by_month: months
                .into_iter()
                .map(|((y, m), count)| MonthCount { month: format!("{y:04}-{m:02}"), count })
                .collect(),
            by_ward: ranked(&ward_keys, &wards)
                .into_iter()
                .map(|(ward_code, count)| WardCount { ward_code, count })
                .collect(),
            by_channel: ranked(&CHANNELS, &channels)
                .into_iter()
                .map(|(channel, count)| ChannelCount { channel, count })
                .collect(),
            by_place: ranked(&PLACES, &places).into_iter().map(|(place, count)| PlaceCount { place, count }).collect(),
            abroad_by_country: ranked(&country_keys, &countries)
                .into_iter()
                .map(|(country, count)| CountryCount { country, count })
                .collect(),
        }
    }
}
