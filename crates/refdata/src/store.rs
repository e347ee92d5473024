//! Copy the reference data into the database at first start (one
//! transaction, multi-row inserts), so SQL reports can join on it.

use crate::refdata;
use platform::with_db;
use platform::Db;
use sqlx::QueryBuilder;

/// Rows per INSERT: well under SQLite's limit of bound variables.
const CHUNK: usize = 500;

/// Fill the ethnic groups when their table is empty: at first start, and
/// after a migration emptied it to replace the list (the 2008 list replaced
/// the 1979 one).
async fn fill_ethnic_groups(db: &Db) -> anyhow::Result<()> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as("SELECT COUNT(*) FROM ethnic_groups").fetch_one(p).await?);
    if n > 0 {
        return Ok(());
    }
    let d = refdata();
    with_db!(db, p => {
        let mut q = QueryBuilder::new("INSERT INTO ethnic_groups (code, name_vi, name_en) ");
        q.push_values(&d.ethnic_groups, |mut b, x| { b.push_bind(&x.code).push_bind(&x.name_vi).push_bind(&x.name_en); });
        // Two servers starting together both find the table empty.
        q.push(" ON CONFLICT (code) DO NOTHING");
        q.build().execute(p).await?;
    });
    Ok(())
}

/// Load reference data unless it is already there. Returns whether it loaded.
pub async fn seed(db: &Db) -> anyhow::Result<bool> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as("SELECT COUNT(*) FROM wards").fetch_one(p).await?);
    if n > 0 {
        fill_ethnic_groups(db).await?;
        return Ok(false);
    }
    let d = refdata();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        for chunk in d.provinces.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO provinces (code, name, name_folded) ");
            q.push_values(chunk, |mut b, x| {
                b.push_bind(&x.code).push_bind(&x.name).push_bind(platform::fold::fold(&x.name));
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in d.wards.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO wards (code, province_code, name, kind, name_folded, lat, lon, area_km2) ");
            q.push_values(chunk, |mut b, x| {
                b.push_bind(&x.code).push_bind(&x.province_code).push_bind(&x.name).push_bind(&x.kind)
                    .push_bind(platform::fold::fold(&x.name)).push_bind(x.lat).push_bind(x.lon).push_bind(x.area_km2);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in d.legacy_provinces.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO legacy_provinces (code, name) ");
            q.push_values(chunk, |mut b, x| { b.push_bind(&x.code).push_bind(&x.name); });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in d.legacy_districts.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO legacy_districts (code, province_code, name) ");
            q.push_values(chunk, |mut b, x| { b.push_bind(&x.code).push_bind(&x.province_code).push_bind(&x.name); });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in d.legacy_wards.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO legacy_wards (code, district_code, name, lat, lon) ");
            q.push_values(chunk, |mut b, x| {
                b.push_bind(&x.code).push_bind(&x.district_code).push_bind(&x.name).push_bind(x.lat).push_bind(x.lon);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in d.successors.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO legacy_successors (legacy_district_code, legacy_ward_code, ward_code, whole, is_default) ");
            q.push_values(chunk, |mut b, x| {
                b.push_bind(&x.legacy_district_code).push_bind(&x.legacy_ward_code).push_bind(&x.ward_code)
                    .push_bind(x.whole).push_bind(x.is_default);
            });
            q.build().execute(&mut *tx).await?;
        }
        // Parents before children: the file lists major groups first, then deeper levels.
        let mut occupations: Vec<_> = d.occupations.iter().collect();
        occupations.sort_by_key(|o| o.level);
        for chunk in occupations.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO occupations (code, level, parent_code, title_en, title_vi, title_folded) ");
            q.push_values(chunk, |mut b, x| {
                b.push_bind(&x.code).push_bind(x.level).push_bind(&x.parent_code).push_bind(&x.title_en)
                    .push_bind(&x.title_vi).push_bind(platform::fold::fold(&x.title_vi));
            });
            q.build().execute(&mut *tx).await?;
        }
        let mut q = QueryBuilder::new("INSERT INTO qualification_levels (code, rank, name_vi, name_en, with_certificate) ");
        q.push_values(&d.qualifications, |mut b, x| {
            b.push_bind(&x.code).push_bind(x.rank).push_bind(&x.name_vi).push_bind(&x.name_en).push_bind(x.with_certificate);
        });
        q.build().execute(&mut *tx).await?;
        let mut q = QueryBuilder::new("INSERT INTO education_levels (code, rank, name_vi, name_en) ");
        q.push_values(&d.education, |mut b, x| {
            b.push_bind(&x.code).push_bind(x.rank).push_bind(&x.name_vi).push_bind(&x.name_en);
        });
        q.build().execute(&mut *tx).await?;
        let mut q = QueryBuilder::new("INSERT INTO vsic_sections (code, name_vi, name_en) ");
        q.push_values(&d.vsic_sections, |mut b, x| { b.push_bind(&x.code).push_bind(&x.name_vi).push_bind(&x.name_en); });
        q.build().execute(&mut *tx).await?;
        tx.commit().await?;
    });
    fill_ethnic_groups(db).await?;
    Ok(true)
}
