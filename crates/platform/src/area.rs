//! Commune names for area scopes (the platform's view of the 2025 units that
//! accounts are assigned to; the full reference data lives in `refdata`).

use crate::db::Db;
use crate::with_db;

/// (code, name) of the given 2025 communes, in code order.
pub async fn ward_names(db: &Db, codes: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let row: Option<(String, String)> = with_db!(db, p => sqlx::query_as(
            "SELECT code, name FROM wards WHERE code = $1").bind(code).fetch_optional(p).await?);
        out.extend(row);
    }
    out.sort();
    Ok(out)
}

/// A province's name ("Tỉnh Khánh Hòa"), read from the database: cheap at
/// start-up, where loading the whole reference data would slow every start.
pub async fn province_name(db: &Db, code: &str) -> anyhow::Result<Option<String>> {
    Ok(with_db!(db, p => sqlx::query_scalar("SELECT name FROM provinces WHERE code = $1")
        .bind(code).fetch_optional(p).await?))
}

/// (code, name) of every 2025 commune of a province, in code order.
pub async fn province_wards(db: &Db, province_code: &str) -> anyhow::Result<Vec<(String, String)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT code, name FROM wards WHERE province_code = $1 ORDER BY code")
        .bind(province_code).fetch_all(p).await?))
}

/// Which of `codes` are not 2025 communes of the province.
pub async fn unknown_wards(db: &Db, province_code: &str, codes: &[String]) -> anyhow::Result<Vec<String>> {
    let known = province_wards(db, province_code).await?;
    Ok(codes.iter().filter(|c| !known.iter().any(|(k, _)| k == *c)).cloned().collect())
}
