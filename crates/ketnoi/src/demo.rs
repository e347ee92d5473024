//! Deterministic demo data: one account per role, and synthetic people at any
//! scale (Vietnamese names with realistic frequencies, valid CCCDs, communes
//! weighted to the home province) for demos and benchmarks. Capabilities add
//! their own generators here as they arrive.

use platform::auth::{password, store, Role};
use platform::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Write;

/// People in the demo registry of `serve --demo`.
pub const DEMO_PEOPLE: u64 = 5000;

/// Password of every demo account (shown in the README; demo only).
pub const DEMO_PASSWORD: &str = "ketnoi2026";

/// (e-mail, name, role, communes)
pub const DEMO_ACCOUNTS: [(&str, &str, Role, &[&str]); 7] = [
    ("admin@demo.ketnoi.vn", "Quản trị hệ thống", Role::Admin, &[]),
    ("canbo.so@demo.ketnoi.vn", "Trần Thị Minh Thư", Role::Staff, &[]),
    // xã Đại Lãnh (formerly Vạn Thọ, Vạn Ninh) and xã Tây Khánh Vĩnh (formerly Khánh Nam).
    ("canbo.xa@demo.ketnoi.vn", "Lê Văn Hùng", Role::CommuneOfficer, &["22504", "22624"]),
    ("doanhnghiep@demo.ketnoi.vn", "Công ty TNHH Thủy sản Vạn Ninh", Role::Employer, &[]),
    ("nguoilaodong@demo.ketnoi.vn", "Nguyễn Văn Đào", Role::JobSeeker, &[]),
    ("truongnghe@demo.ketnoi.vn", "Trường Cao đẳng Kỹ thuật Công nghệ Nha Trang", Role::School, &[]),
    ("lanhdao@demo.ketnoi.vn", "Phan Minh Khôi", Role::Viewer, &[]),
];

/// The hotline shown in the demo: plainly a sample (set `--org-hotline` for real use).
pub const DEMO_HOTLINE: &str = "0000 000 000 (demo)";

/// Create the demo accounts that do not exist yet.
pub async fn seed_accounts(db: &Db) -> anyhow::Result<usize> {
    let hash = password::hash(DEMO_PASSWORD)?;
    let mut created = 0;
    for (email, name, role, wards) in DEMO_ACCOUNTS {
        let wards: Vec<String> = wards.iter().map(|w| w.to_string()).collect();
        let new = store::NewUser {
            email,
            display_name: name,
            role,
            password_hash: &hash,
            wards: &wards,
            employer_id: None,
            school_id: None,
            person_id: None,
        };
        if store::create(db, new).await?.is_some() {
            created += 1;
        }
    }
    Ok(created)
}

/// Import `count` demo people through the registry's own import (so they are
/// validated like any survey sheet). Does nothing if people exist already.
pub async fn seed_people(db: &Db, province: &str, count: u64, seed: u64) -> anyhow::Result<u64> {
    if registry::store::count(db, province).await? > 0 || count == 0 {
        return Ok(0);
    }
    let dir = tempfile_dir()?;
    let csv = dir.join("demo-people.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&csv)?);
    write_people_csv(&mut w, count, seed, province)?;
    w.flush()?;
    drop(w);
    let opts = registry::import::Options {
        province,
        scope: platform::auth::AreaScope::All,
        today: chrono::Utc::now().date_naive(),
        lang: platform::i18n::Lang::Vi,
        rejects: dir.join("demo-rejects.xlsx"),
        cancel: None,
    };
    let report = registry::import::run(db, None, &csv, opts, &|_, _, _| {}).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(report.inserted)
}

/// A directory of this call's own: two seeds in one process (tests run in
/// parallel) must not write the same file.
fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ketnoi-demo-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

// Surname shares from Vietnamese population studies (Nguyễn ≈ 38%).
const SURNAMES: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Huỳnh", 30),
    ("Hoàng", 25),
    ("Phan", 45),
    ("Võ", 25),
    ("Vũ", 14),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Đào", 8),
];
const MIDDLE_M: [&str; 8] = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân"];
const MIDDLE_F: [&str; 8] = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ"];
const GIVEN_M: [&str; 20] = [
    "Anh", "Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Hải", "Long", "Phúc", "Đào", "Khánh", "Thắng", "Sơn", "Trung",
    "Quân", "Tài", "Đức", "Huy", "Lộc", "Bảo",
];
const GIVEN_F: [&str; 20] = [
    "Lan", "Hương", "Thủy", "Hoa", "Trang", "Linh", "Mai", "Hạnh", "Nga", "Phương", "Thảo", "Yến", "Đào", "Ánh",
    "Nhung", "Vy", "Duyên", "Hà", "Thư", "My",
];

fn weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut r = rng.gen_range(0..total);
    for (x, w) in items {
        if r < *w {
            return x;
        }
        r -= w;
    }
    items[0].0
}

/// One synthetic person, as the import template lays it out.
pub struct Person {
    pub cccd: String,
    pub full_name: String,
    pub birth_date: chrono::NaiveDate,
    pub female: bool,
    pub ethnicity: &'static str,
    pub phone: String,
    pub ward_code: String,
    pub education: &'static str,
    pub qualification: &'static str,
    pub occupation_isco: String,
    pub employment_status: &'static str,
    pub job_need: &'static str,
}

/// An endless, reproducible stream of people living in `province_code`.
pub struct PeopleGen {
    rng: StdRng,
    home_wards: Vec<String>,
    occupations: Vec<String>,
    serial: u64,
}

impl PeopleGen {
    pub fn new(seed: u64, province_code: &str) -> Self {
        let d = refdata::refdata();
        // Urban wards (phường) weigh three times a rural commune: more people live there.
        let home_wards = d
            .wards_of(province_code)
            .flat_map(|w| std::iter::repeat_n(w.code.clone(), if w.kind == "Phường" { 3 } else { 1 }))
            .collect();
        let occupations =
            d.occupations.iter().filter(|o| o.level == 4 && !o.code.starts_with('0')).map(|o| o.code.clone()).collect();
        Self { rng: StdRng::seed_from_u64(seed), home_wards, occupations, serial: 0 }
    }

    pub fn next_person(&mut self) -> Person {
        let rng = &mut self.rng;
        self.serial += 1;
        let female = rng.gen_bool(0.5);
        let surname = weighted(rng, &SURNAMES);
        let middle = if female { MIDDLE_F[rng.gen_range(0..8)] } else { MIDDLE_M[rng.gen_range(0..8)] };
        let given = if female { GIVEN_F[rng.gen_range(0..20)] } else { GIVEN_M[rng.gen_range(0..20)] };
        let year = rng.gen_range(1961..=2010);
        let birth_date =
            chrono::NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28)).expect("valid");
        let ward_code = self.home_wards[rng.gen_range(0..self.home_wards.len())].clone();
        // CCCD: province of birth, sex+century digit, year, serial. The first
        // million were born here (056 Khánh Hòa); each further million in
        // another province, so that every CCCD of a larger file stays unique.
        const BORN_IN: [&str; 10] = ["056", "079", "001", "048", "052", "054", "058", "066", "068", "040"];
        let born_in = BORN_IN[(self.serial / 1_000_000) as usize % BORN_IN.len()];
        let century_digit = if year >= 2000 { 2 } else { 0 } + u32::from(female);
        let cccd = format!("{born_in}{century_digit}{:02}{:06}", year % 100, self.serial % 1_000_000);
        let phone =
            format!("0{}{:08}", ["3", "5", "7", "8", "9"][rng.gen_range(0..5)], rng.gen_range(0..100_000_000u32));
        let qualification = [
            "none",
            "none",
            "none",
            "short_course",
            "short_course",
            "elementary",
            "intermediate",
            "college",
            "university",
        ][rng.gen_range(0..9)];
        let education = ["primary", "lower_secondary", "upper_secondary", "upper_secondary"][rng.gen_range(0..4)];
        let employment_status =
            ["employed", "employed", "employed", "employed", "unemployed", "inactive"][rng.gen_range(0..6)];
        let job_need = ["none", "job", "training", "abroad"][rng.gen_range(0..4)];
        // Khánh Hòa's largest minorities: Ra Glai, Cơ Ho, Ê Đê, Hoa (2008 codes).
        let ethnicity = if rng.gen_bool(0.93) { "01" } else { ["19", "15", "11", "06"][rng.gen_range(0..4)] };
        let occupation_isco = self.occupations[rng.gen_range(0..self.occupations.len())].clone();
        Person {
            cccd,
            full_name: format!("{surname} {middle} {given}"),
            birth_date,
            female,
            ethnicity,
            phone,
            ward_code,
            education,
            qualification,
            occupation_isco,
            employment_status,
            job_need,
        }
    }
}

pub const PEOPLE_HEADER: &str =
    "cccd,full_name,birth_date,sex,ethnicity,phone,ward_code,education,qualification,occupation_isco,employment_status,job_need";

/// The generated person as the cells of a survey row, in [`PEOPLE_HEADER`] order.
fn people_rows(count: u64, seed: u64, province_code: &str) -> impl Iterator<Item = [String; 12]> {
    let mut gen = PeopleGen::new(seed, province_code);
    (0..count).map(move |_| {
        let p = gen.next_person();
        [
            p.cccd,
            p.full_name,
            p.birth_date.format("%d/%m/%Y").to_string(),
            if p.female { "nu" } else { "nam" }.to_owned(),
            p.ethnicity.to_owned(),
            p.phone,
            p.ward_code,
            p.education.to_owned(),
            p.qualification.to_owned(),
            p.occupation_isco,
            p.employment_status.to_owned(),
            p.job_need.to_owned(),
        ]
    })
}

/// Write `count` people as CSV (UTF-8, dates dd/mm/yyyy).
pub fn write_people_csv(out: &mut impl Write, count: u64, seed: u64, province_code: &str) -> anyhow::Result<()> {
    writeln!(out, "{PEOPLE_HEADER}")?;
    for row in people_rows(count, seed, province_code) {
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

/// Most people one generated workbook holds: one worksheet (the import reads the first).
pub const XLSX_MAX_PEOPLE: u64 = 1_048_575;

/// The same people as [`write_people_csv`], as an XLSX survey sheet (written in constant memory).
pub fn write_people_xlsx(path: &std::path::Path, count: u64, seed: u64, province_code: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        count <= XLSX_MAX_PEOPLE,
        "an XLSX worksheet holds at most {XLSX_MAX_PEOPLE} people: write CSV for more"
    );
    let header: Vec<String> = PEOPLE_HEADER.split(',').map(str::to_owned).collect();
    let mut w = platform::sheet::write::TableWriter::create(path, &header)?;
    for row in people_rows(count, seed, province_code) {
        w.push(&row)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::types::{Cccd, PhoneNumber};

    /// People the department's own 2023 report names (its director, quoted
    /// there): demo data must not put a real person's name on an account or
    /// a record.
    const NAMED_IN_THE_REPORT: [&str; 1] = ["Tạ Hồng Quang"];

    #[test]
    fn demo_data_names_no_real_person() {
        let folded: Vec<String> = NAMED_IN_THE_REPORT.iter().map(|n| platform::fold::fold(n)).collect();
        let mut names: Vec<String> = DEMO_ACCOUNTS.iter().map(|a| a.1.to_owned()).collect();
        let mut people = PeopleGen::new(2026, "56");
        names.extend((0..20_000).map(|_| people.next_person().full_name));
        for name in names {
            assert!(!folded.contains(&platform::fold::fold(&name)), "{name} is a real person's name");
        }
    }

    #[test]
    fn people_are_valid_and_reproducible() {
        let mut a = PeopleGen::new(7, "56");
        let mut b = PeopleGen::new(7, "56");
        let mut home = 0;
        for _ in 0..2000 {
            let p = a.next_person();
            let q = b.next_person();
            assert_eq!(p.full_name, q.full_name);
            let c = Cccd::parse(&p.cccd).unwrap();
            assert_eq!(c.birth_year(), chrono::Datelike::year(&p.birth_date));
            assert_eq!(c.sex() == platform::types::Sex::Female, p.female);
            PhoneNumber::parse(&p.phone).unwrap();
            assert!(refdata::refdata().ward(&p.ward_code).is_some());
            home += (refdata::refdata().ward(&p.ward_code).unwrap().province_code == "56") as u32;
        }
        assert_eq!(home, 2000, "all live in Khánh Hòa");
    }

    #[test]
    fn csv_has_header_and_rows() {
        let mut buf = Vec::new();
        write_people_csv(&mut buf, 3, 1, "56").unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.starts_with("cccd,full_name,"));
    }

    #[test]
    fn xlsx_holds_the_same_people_as_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.xlsx");
        write_people_xlsx(&path, 25, 3, "56").unwrap();
        let mut csv = Vec::new();
        write_people_csv(&mut csv, 25, 3, "56").unwrap();
        let expected: Vec<Vec<String>> = String::from_utf8(csv)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        let mut got = Vec::new();
        platform::sheet::read_rows(
            &path,
            |_| Ok(()),
            |row: platform::sheet::RawRow<registry::survey::Field>| Ok(got.push(row.original())),
        )
        .unwrap();
        assert_eq!(got, expected);
        assert!(write_people_xlsx(&path, XLSX_MAX_PEOPLE + 1, 3, "56").is_err(), "one worksheet at most");
    }
}

// ---------- employers and vacancies ----------

/// Employers in the demo of `serve --demo`, and their published vacancies.
pub const DEMO_EMPLOYERS: u64 = 40;
pub const DEMO_VACANCIES: u64 = 120;

/// A tax code (MST) with a valid check digit, from a serial (province 42 = old Khánh Hòa).
pub fn tax_code(serial: u64) -> String {
    const W: [u64; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let mut n = serial;
    loop {
        let body = format!("42{:07}", n % 10_000_000);
        let sum: u64 = body.bytes().zip(W).map(|(b, w)| u64::from(b - b'0') * w).sum();
        if sum % 11 != 0 {
            return format!("{body}{}", 10 - sum % 11);
        }
        n += 1;
    }
}

const COMPANY_KIND: [&str; 4] = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã"];
const COMPANY_TRADE: [(&str, &str); 10] = [
    ("Thủy sản", "C"),
    ("Du lịch", "N"),
    ("Xây dựng", "F"),
    ("May mặc", "C"),
    ("Cơ khí", "C"),
    ("Thương mại", "G"),
    ("Khách sạn", "I"),
    ("Vận tải", "H"),
    ("Yến sào", "C"),
    ("Công nghệ", "J"),
];
const COMPANY_PLACE: [&str; 10] = [
    "Khánh Hòa",
    "Nha Trang",
    "Cam Ranh",
    "Vạn Ninh",
    "Ninh Hòa",
    "Biển Xanh",
    "Hải Âu",
    "Trường Sa",
    "Cam Lâm",
    "Diên Khánh",
];

/// (title, ISCO unit group, qualification, wage from, wage to in millions; 0 = negotiable)
const JOBS: [(&str, &str, &str, i64, i64); 20] = [
    ("Công nhân chế biến thủy sản", "7511", "none", 7, 9),
    ("Thợ hàn kết cấu thép", "7212", "elementary", 10, 14),
    ("Công nhân may công nghiệp", "8153", "none", 6, 9),
    ("Nhân viên phục vụ nhà hàng", "5131", "none", 6, 8),
    ("Lễ tân khách sạn (tiếng Anh)", "4224", "intermediate", 8, 12),
    ("Đầu bếp món Á", "5120", "elementary", 10, 18),
    ("Nhân viên bán hàng", "5223", "none", 6, 8),
    ("Lái xe tải hạng C", "8332", "elementary", 12, 16),
    ("Kế toán tổng hợp", "2411", "university", 10, 15),
    ("Thợ điện công trình", "7411", "intermediate", 9, 13),
    ("Thợ xây", "7112", "none", 9, 12),
    ("Điều dưỡng viên", "2221", "college", 8, 11),
    ("Hướng dẫn viên du lịch tiếng Trung", "5113", "college", 12, 20),
    ("Nhân viên buồng phòng", "9112", "none", 6, 7),
    ("Lập trình viên", "2512", "university", 15, 30),
    ("Thuyền viên tàu cá", "6222", "none", 0, 0),
    ("Nhân viên bảo vệ", "5414", "none", 6, 7),
    ("Giáo viên mầm non", "2342", "college", 7, 9),
    ("Thợ sửa xe máy", "7231", "elementary", 7, 10),
    ("Lao động phổ thông", "9329", "none", 0, 0),
];

/// Deterministic employers and vacancies: the same sequence whether written to
/// files or straight into a database.
pub struct DemandGen {
    rng: StdRng,
    wards: Vec<String>,
    province: String,
    today: chrono::NaiveDate,
    many: bool,
}

impl DemandGen {
    /// `employers`: how many will be drawn (names carry a number when many).
    pub fn new(seed: u64, province: &str, employers: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed ^ 0xE11),
            wards: refdata::refdata().wards_of(province).map(|w| w.code.clone()).collect(),
            province: province.to_owned(),
            today: platform::time::today(),
            many: employers > 100,
        }
    }

    fn ward(&mut self) -> String {
        self.wards[self.rng.gen_range(0..self.wards.len())].clone()
    }

    /// The `i`-th employer (the first is the demo employer account's).
    pub fn employer(&mut self, i: u64) -> employers::model::Employer {
        let rng = &mut self.rng;
        let (trade, vsic) = COMPANY_TRADE[rng.gen_range(0..COMPANY_TRADE.len())];
        let name = if i == 0 {
            "Công ty TNHH Thủy sản Vạn Ninh".to_owned()
        } else {
            let kind = COMPANY_KIND[rng.gen_range(0..COMPANY_KIND.len())];
            let place = COMPANY_PLACE[rng.gen_range(0..COMPANY_PLACE.len())];
            if self.many {
                format!("{kind} {trade} {place} {i}")
            } else {
                format!("{kind} {trade} {place}")
            }
        };
        let size_band = ["micro", "small", "medium", "large"][rng.gen_range(0..4)].to_owned();
        let ownership =
            ["private", "private", "private", "fdi", "state", "cooperative"][rng.gen_range(0..6)].to_owned();
        let ward = if i == 0 { "22504".to_owned() } else { self.ward() };
        let rng = &mut self.rng;
        employers::model::Employer {
            tax_code: platform::types::TaxCode::parse(&tax_code(1000 + i * 7)).expect("valid by construction"),
            name,
            vsic_section: Some(if i == 0 { "C" } else { vsic }.to_owned()),
            size_band,
            ownership,
            ward_code: platform::types::WardCode::parse(&ward).expect("a known commune"),
            street: Some(format!("{} đường số {}", rng.gen_range(1..300), rng.gen_range(1..40))),
            contact_name: Some("Phòng Nhân sự".into()),
            phone: Some(
                platform::types::PhoneNumber::parse(&format!("0258{:07}", rng.gen_range(0..10_000_000)))
                    .expect("a landline"),
            ),
            email: None,
            website: None,
        }
    }

    /// The next vacancy (published; its employer is the caller's choice).
    pub fn vacancy(&mut self) -> vacancies::model::Vacancy {
        let (title, isco, qualification, lo, hi) = JOBS[self.rng.gen_range(0..JOBS.len())];
        let abroad = self.rng.gen_ratio(1, 25);
        let positions = self.rng.gen_range(1..30);
        let experience_years = self.rng.gen_range(0..3);
        let age_max = if self.rng.gen_bool(0.5) { Some(45) } else { None };
        let contract_type = ["fixed_term", "indefinite", "seasonal", "part_time"][self.rng.gen_range(0..4)].to_owned();
        let work_ward_code = (!abroad).then(|| self.ward());
        let rng = &mut self.rng;
        vacancies::model::Vacancy {
            title: title.to_owned(),
            occupation_isco: isco.to_owned(),
            positions,
            qualification: qualification.to_owned(),
            experience_years,
            age_min: Some(18),
            age_max,
            wage_min: (lo > 0).then_some(lo * 1_000_000),
            wage_max: (hi > 0).then_some(hi * 1_000_000),
            contract_type,
            working_hours: Some("8 giờ/ngày, 6 ngày/tuần".into()),
            work_ward_code,
            work_province_code: (!abroad).then(|| self.province.clone()),
            work_country: abroad
                .then(|| ["Nhật Bản", "Hàn Quốc", "Đài Loan (Trung Quốc)"][rng.gen_range(0..3)].to_owned()),
            deadline: self.today + chrono::Duration::days(rng.gen_range(10..90)),
            description: format!("{title}: làm việc tại doanh nghiệp, được đào tạo thêm khi vào làm."),
            requirements: Some("Sức khỏe tốt, chăm chỉ, trung thực.".into()),
            benefits: Some("BHXH, BHYT đầy đủ; thưởng lễ Tết; hỗ trợ chỗ ở.".into()),
            contact: Some("Phòng Nhân sự, giờ hành chính".into()),
            flagged: None,
        }
    }
}

/// Create `employers` approved employers and `vacancies` published vacancies
/// (deterministic from `seed`), unless the province has employers already.
/// The first employer belongs to the demo employer account. Returns what was created.
pub async fn seed_demand(
    db: &Db,
    province: &str,
    employers: u64,
    vacancies: u64,
    seed: u64,
) -> anyhow::Result<(u64, u64)> {
    use employers::model::EmployerStatus;
    let (_, existing) = employers::store::search(db, province, "", None, 1).await?;
    if existing > 0 || employers == 0 {
        return Ok((0, 0));
    }
    let mut gen = DemandGen::new(seed, province, employers);
    let mut ids = Vec::with_capacity(employers as usize);
    for i in 0..employers {
        if let Ok(id) = employers::store::insert(db, province, &gen.employer(i), EmployerStatus::Approved).await? {
            ids.push(id);
        }
    }
    // The demo employer account manages the first employer.
    if let Some((user, _)) = store::find_for_login(db, "doanhnghiep@demo.ketnoi.vn").await? {
        store::set_employer(db, user.id, ids[0]).await?;
    }
    let now = chrono::Utc::now();
    for i in 0..vacancies {
        let v = gen.vacancy();
        let employer = ids[(i as usize) % ids.len()];
        vacancies::store::insert(db, province, employer, &v, vacancies::model::Status::Published, now).await?;
    }
    Ok((ids.len() as u64, vacancies))
}

/// The same employers and vacancies as [`seed_demand`], as two CSV files in
/// `dir`: `employers.csv` and `vacancies.csv` (each vacancy names its
/// employer by tax code).
pub fn write_demand_csv(
    dir: &std::path::Path,
    province: &str,
    employers: u64,
    vacancies: u64,
    seed: u64,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut gen = DemandGen::new(seed, province, employers);
    let mut e_out = csv::Writer::from_path(dir.join("employers.csv"))?;
    e_out.write_record([
        "tax_code",
        "name",
        "vsic_section",
        "size_band",
        "ownership",
        "ward_code",
        "street",
        "contact_name",
        "phone",
    ])?;
    let mut tax_codes = Vec::with_capacity(employers as usize);
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    for i in 0..employers {
        let e = gen.employer(i);
        tax_codes.push(e.tax_code.to_string());
        e_out.write_record([
            e.tax_code.to_string(),
            e.name,
            opt(&e.vsic_section),
            e.size_band,
            e.ownership,
            e.ward_code.to_string(),
            opt(&e.street),
            opt(&e.contact_name),
            e.phone.map(|p| p.to_string()).unwrap_or_default(),
        ])?;
    }
    e_out.flush()?;
    let mut v_out = csv::Writer::from_path(dir.join("vacancies.csv"))?;
    v_out.write_record([
        "employer_tax_code",
        "title",
        "occupation_isco",
        "positions",
        "qualification",
        "experience_years",
        "age_min",
        "age_max",
        "wage_min",
        "wage_max",
        "contract_type",
        "working_hours",
        "work_ward_code",
        "work_province_code",
        "work_country",
        "deadline",
        "description",
        "requirements",
        "benefits",
        "contact",
    ])?;
    let num = |o: Option<i64>| o.map(|x| x.to_string()).unwrap_or_default();
    for i in 0..vacancies {
        let v = gen.vacancy();
        v_out.write_record([
            tax_codes[(i as usize) % tax_codes.len().max(1)].clone(),
            v.title,
            v.occupation_isco,
            v.positions.to_string(),
            v.qualification,
            v.experience_years.to_string(),
            num(v.age_min),
            num(v.age_max),
            num(v.wage_min),
            num(v.wage_max),
            v.contract_type,
            opt(&v.working_hours),
            opt(&v.work_ward_code),
            opt(&v.work_province_code),
            opt(&v.work_country),
            v.deadline.format("%d/%m/%Y").to_string(),
            v.description,
            opt(&v.requirements),
            opt(&v.benefits),
            opt(&v.contact),
        ])?;
    }
    v_out.flush()?;
    Ok(())
}

#[cfg(test)]
mod demand_tests {
    #[test]
    fn files_hold_valid_employers_and_vacancies() {
        let dir = tempfile::tempdir().unwrap();
        super::write_demand_csv(dir.path(), "56", 30, 90, 1).unwrap();
        let mut employers = csv::Reader::from_path(dir.path().join("employers.csv")).unwrap();
        let tax_codes: Vec<String> = employers.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(tax_codes.len(), 30);
        assert!(tax_codes.iter().all(|t| platform::types::TaxCode::parse(t).is_ok()));
        let mut vacancies = csv::Reader::from_path(dir.path().join("vacancies.csv")).unwrap();
        let today = chrono::Utc::now().date_naive();
        let mut n = 0;
        for r in vacancies.records() {
            let r = r.unwrap();
            assert!(tax_codes.contains(&r[0].to_owned()));
            // Each row is a vacancy the rules accept.
            let input = vacancies::model::VacancyInput {
                title: r[1].into(),
                occupation_isco: r[2].into(),
                positions: r[3].into(),
                qualification: r[4].into(),
                experience_years: r[5].into(),
                age_min: r[6].into(),
                age_max: r[7].into(),
                wage_min: r[8].into(),
                wage_max: r[9].into(),
                contract_type: r[10].into(),
                workplace: if r[14].is_empty() { "ward" } else { "abroad" }.into(),
                work_ward_code: r[12].into(),
                work_country: r[14].into(),
                deadline: r[15].into(),
                description: r[16].into(),
                ..Default::default()
            };
            vacancies::rules::validate(&input, refdata::refdata(), today).unwrap_or_else(|e| panic!("{e:?}"));
            n += 1;
        }
        assert_eq!(n, 90);
    }

    #[test]
    fn generated_tax_codes_are_valid() {
        for i in 0..2000 {
            let t = super::tax_code(i * 7);
            assert!(platform::types::TaxCode::parse(&t).is_ok(), "{t}");
        }
    }
}

/// Two demo job-exchange sessions, unless there are sessions already: one
/// coming at Đại Lãnh (the former Vạn Thọ commune), in person and online,
/// with booths and registrations; one online last month with its outcomes,
/// so its report has figures. Returns how many were created.
pub async fn seed_sessions(db: &Db, province: &str) -> anyhow::Result<u64> {
    use sessions::model::{Kind, Mode, Outcome, Registration, Session};
    use sessions::store as ss;
    let now = platform::time::local(chrono::Utc::now());
    if !ss::sessions(db, province, now, 1).await?.is_empty() {
        return Ok(0);
    }
    let Some((admin, _)) = store::find_for_login(db, "admin@demo.ketnoi.vn").await? else {
        return Ok(0);
    };
    let (published, _) =
        vacancies::store::list(db, province, None, Some(vacancies::model::Status::Published), 1).await?;
    let mut by_employer: Vec<(i64, Vec<i64>)> = Vec::new();
    for v in &published {
        match by_employer.iter_mut().find(|(e, _)| *e == v.employer_id) {
            Some((_, ids)) if ids.len() < 3 => ids.push(v.id),
            Some(_) => {}
            None => by_employer.push((v.employer_id, vec![v.id])),
        }
    }
    let today = now.date();
    let at = |days: i64, h: u32, m: u32| (today + chrono::Duration::days(days)).and_hms_opt(h, m, 0).expect("a time");
    let sessions = [
        Session {
            title: "Phiên giao dịch việc làm xã Đại Lãnh (Vạn Thọ cũ)".into(),
            kind: Kind::Hybrid,
            starts_at: at(7, 8, 0),
            ends_at: at(7, 11, 30),
            ward_code: Some("22504".into()),
            venue: Some("Nhà văn hóa thôn Tuần Lễ".into()),
            organisers: Some("Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa; UBND xã Đại Lãnh".into()),
            target_employers: Some(10),
            target_positions: Some(300),
            target_seekers: Some(400),
        },
        Session {
            title: "Phiên giao dịch việc làm trực tuyến tháng trước".into(),
            kind: Kind::Online,
            starts_at: at(-30, 14, 0),
            ends_at: at(-30, 16, 30),
            ward_code: None,
            venue: None,
            organisers: Some("Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa".into()),
            target_employers: None,
            target_positions: None,
            target_seekers: None,
        },
    ];
    let names = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang"];
    for (n, s) in sessions.iter().enumerate() {
        let id = ss::insert_session(db, province, s, admin.id).await?;
        let mut booths = Vec::new();
        for (employer, vacancies) in by_employer.iter().take(4) {
            let (Ok(b) | Err(b)) = ss::put_booth(db, province, id, *employer, vacancies).await?;
            booths.push(b);
        }
        for (i, name) in names.iter().enumerate() {
            let r = Registration {
                full_name: (*name).into(),
                phone: platform::types::PhoneNumber::parse(&format!("09051{n}{i:04}"))?,
                cccd: None,
                birth_date: None,
                booth_ids: booths.iter().skip(i % 2).take(2).copied().collect(),
            };
            let Ok(reg) = ss::register(db, province, id, &r, None, false).await? else { continue };
            // The past session happened: people attended online and were interviewed.
            if s.kind == Kind::Online {
                if let Some(&booth) = r.booth_ids.first() {
                    let (Ok(iid) | Err(iid)) =
                        ss::interview(db, province, id, reg.id, booth, None, Mode::Online, admin.id).await?;
                    let outcome = [Outcome::Hired, Outcome::Shortlisted, Outcome::NotSuitable][i % 3];
                    ss::set_outcome(db, province, iid, outcome).await?;
                }
            }
        }
    }
    Ok(sessions.len() as u64)
}

/// Jobs created in 2022 and to the end of May 2023, as the department
/// reported them: a yearly target of 11,500 (met in 2022), more than 16,500
/// jobs since 2022, more than 250 workers gone to Japan and Korea. Spread
/// over the demo people (a job per person and employer at least 31 days
/// apart, so none is a repeat), by month with Tết's dip, over the channels
/// and places. Returns how many were created (none when there are some).
pub async fn seed_placements(db: &Db, province: &str, seed: u64) -> anyhow::Result<u64> {
    use placements::model::Placement;
    let any: Option<(i64,)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id FROM placements WHERE province_code = $1 LIMIT 1").bind(province).fetch_optional(p).await?);
    if any.is_some() {
        return Ok(0);
    }
    let people: Vec<(i64, String)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id, ward_code FROM people WHERE province_code = $1 ORDER BY id").bind(province).fetch_all(p).await?);
    let (employers, _) = employers::store::search(db, province, "", None, 1).await?;
    if people.is_empty() || employers.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    // Jobs per month: 2022 (11,736 in all) and January to May 2023 (4,912).
    let months: [(i32, u32, u32); 17] = [
        (2022, 1, 880),
        (2022, 2, 610),
        (2022, 3, 1010),
        (2022, 4, 1020),
        (2022, 5, 1060),
        (2022, 6, 1000),
        (2022, 7, 990),
        (2022, 8, 1010),
        (2022, 9, 980),
        (2022, 10, 1040),
        (2022, 11, 1060),
        (2022, 12, 1076),
        (2023, 1, 860),
        (2023, 2, 640),
        (2023, 3, 1100),
        (2023, 4, 1140),
        (2023, 5, 1172),
    ];
    // Departures to Japan and Korea among them: 267 in all.
    let abroad_per_month = |y: i32| if y == 2022 { 16 } else { 15 };
    let channels = [("session", 25), ("referral", 15), ("counselling", 20), ("self_found", 28), ("programme", 12)];
    let occupations = ["7212", "9329", "8322", "5120", "7531", "9333", "5223", "7411", "6111", "8160", "3313", "2411"];
    let mut last: std::collections::HashMap<(i64, usize), chrono::NaiveDate> = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for (year, month, count) in months {
        let days = if month == 2 {
            28
        } else if [4, 6, 9, 11].contains(&month) {
            30
        } else {
            31
        };
        let abroad = abroad_per_month(year);
        for i in 0..count {
            let start = chrono::NaiveDate::from_ymd_opt(year, month, rng.gen_range(1..=days)).expect("a day");
            // An employer of the list (by index), or none (self-employed: the last index).
            // Too few people for the month's jobs (a small test registry): fewer jobs.
            let mut tries = 0;
            let found = loop {
                tries += 1;
                if tries > 10_000 {
                    break None;
                }
                let (person, ward) = &people[rng.gen_range(0..people.len())];
                let employer = if rng.gen_bool(0.7) { rng.gen_range(0..employers.len()) } else { employers.len() };
                let fresh = last.get(&(*person, employer)).is_none_or(|d| (start - *d).num_days().abs() > 30);
                if fresh {
                    last.insert((*person, employer), start);
                    break Some((*person, ward.clone(), employer));
                }
            };
            let Some((person, ward, employer)) = found else { continue };
            let is_abroad = i < abroad;
            let e = employers.get(employer);
            let job = if is_abroad {
                let country = if rng.gen_bool(0.6) { "JP" } else { "KR" };
                Placement {
                    employer_kind: "employer",
                    employer_tax_code: None,
                    employer_name: Some(
                        if country == "JP" {
                            "Nghiệp đoàn tiếp nhận (Nhật Bản)"
                        } else {
                            "Chương trình EPS (Hàn Quốc)"
                        }
                        .into(),
                    ),
                    vacancy_id: None,
                    occupation_isco: Some(["7212", "9329", "6111"][rng.gen_range(0..3)].into()),
                    start_date: start,
                    channel: "abroad",
                    place: "abroad",
                    country: Some(country),
                    contract_type: Some("fixed_term"),
                    wage: None,
                }
            } else {
                let pick = rng.gen_range(0..100);
                let mut acc = 0;
                let channel = channels
                    .iter()
                    .find(|(_, w)| {
                        acc += w;
                        pick < acc
                    })
                    .map_or("self_found", |c| c.0);
                Placement {
                    employer_kind: if e.is_some() {
                        "employer"
                    } else if rng.gen_bool(0.5) {
                        "household"
                    } else {
                        "self_employed"
                    },
                    employer_tax_code: e.map(|e| e.tax_code.clone()),
                    employer_name: e.map(|e| e.name.clone()),
                    vacancy_id: None,
                    occupation_isco: Some(occupations[rng.gen_range(0..occupations.len())].into()),
                    start_date: start,
                    channel,
                    place: if rng.gen_bool(0.82) { "province" } else { "other_province" },
                    country: None,
                    contract_type: e.map(|_| "fixed_term"),
                    wage: Some(rng.gen_range(55..=120) * 100_000),
                }
            };
            rows.push((person, ward, e.map(|e| e.id), job));
        }
    }
    placements::store::insert_many(db, province, &rows, "import").await?;
    seed_abroad_contracts(db, province, &people, &mut rng).await?;
    for year in [2022, 2023] {
        placements::store::put_target(db, province, "jobs_created", year, "", 11_500, None).await?;
    }
    Ok(rows.len() as u64)
}

/// The contracts behind the demo's departures (registered about four months
/// before, trained, tested; three-year contracts, EPS for Korea, technical
/// interns for Japan), and 40 workers registered in spring 2023 still
/// preparing.
async fn seed_abroad_contracts(
    db: &Db,
    province: &str,
    people: &[(i64, String)],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    use chrono::Duration;
    let departed: Vec<(i64, i64, String, Option<String>, chrono::NaiveDate)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id, person_id, ward_code, country, start_date FROM placements
         WHERE province_code = $1 AND channel = 'abroad' ORDER BY id").bind(province).fetch_all(p).await?);
    type Row = (
        i64,
        String,
        String,
        &'static str,
        chrono::NaiveDate,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        Option<i64>,
    );
    let mut rows: Vec<Row> = departed
        .into_iter()
        .map(|(placement, person, ward, country, start)| {
            let country = country.unwrap_or_else(|| "JP".into());
            let programme = if country == "KR" { "eps_korea" } else { "jp_technical_intern" };
            let registered = start - Duration::days(rng.gen_range(100..160));
            (
                person,
                ward,
                country,
                programme,
                registered,
                Some(registered + Duration::days(20)),
                Some(start - Duration::days(rng.gen_range(20..50))),
                Some(start),
                start.checked_add_months(chrono::Months::new(36)),
                Some(placement),
            )
        })
        .collect();
    for i in 0..40 {
        let (person, ward) = &people[rng.gen_range(0..people.len())];
        let registered = chrono::NaiveDate::from_ymd_opt(2023, 3 + i % 3, 1 + i % 28).expect("a day");
        let training = (i % 2 == 0).then(|| registered + Duration::days(15));
        let tested = (i % 4 == 0).then(|| registered + Duration::days(60));
        let (country, programme) = if i % 3 == 0 { ("JP", "jp_specified_skilled") } else { ("KR", "eps_korea") };
        rows.push((*person, ward.clone(), country.into(), programme, registered, training, tested, None, None, None));
    }
    let now = chrono::Utc::now();
    platform::with_db!(db, p => {
        let mut tx = p.begin().await?;
        for (person, ward, country, programme, registered, training, tested, departed, end, placement) in &rows {
            sqlx::query(
                "INSERT INTO abroad_contracts (province_code, person_id, ward_code, country, programme, registered_on,
                    training_on, test_passed_on, departed_on, contract_end, placement_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)")
                .bind(province).bind(person).bind(ward).bind(country).bind(*programme).bind(registered).bind(training)
                .bind(tested).bind(departed).bind(end).bind(placement).bind(now)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(())
    })
}

/// Households on the communes' review lists, reviewed year after year, for
/// the demo and the benchmarks. Each survey's income and deprivations are
/// drawn for a class that moves year to year (most poor households stay poor
/// a year, a fifth leave, a few fall in); the class is then the standard's
/// own verdict on them.
pub struct ReviewLists {
    rng: StdRng,
    standards: poverty::standard::Standards,
    households: Vec<(String, String, poverty::model::Area, String)>,
    classes: Vec<poverty::model::Class>,
    last: Option<i32>,
}

/// Indicators most lacking first (as Khánh Hòa's reviews report them).
const LACKING: [(&str, u32); 12] = [
    ("health_insurance", 30),
    ("adult_education", 26),
    ("employment", 24),
    ("housing_quality", 18),
    ("hygienic_latrine", 16),
    ("dependants", 14),
    ("information_access", 9),
    ("domestic_water", 8),
    ("housing_area", 7),
    ("child_school_attendance", 5),
    ("telecom", 4),
    ("nutrition", 3),
];

impl ReviewLists {
    pub fn new(province: &str, households: usize, seed: u64) -> ReviewLists {
        use poverty::model::{Area, Class};
        let mut rng = StdRng::seed_from_u64(seed);
        let wards: Vec<(String, bool)> = refdata::refdata()
            .wards_of(province)
            .map(|w| (w.code.clone(), platform::fold::fold(&w.kind) == "phuong"))
            .collect();
        let mut list = Vec::with_capacity(households);
        let mut classes = Vec::with_capacity(households);
        for i in 0..households {
            let (ward, urban) = &wards[rng.gen_range(0..wards.len())];
            let area = if *urban { Area::Urban } else { Area::Rural };
            let given = ["Văn Hải", "Thị Lan", "Văn Tư", "Thị Mai", "Đức Long"][i % 5];
            let head = format!("{} {given}", weighted(&mut rng, &SURNAMES));
            list.push((format!("{ward}-{:05}", i + 1), ward.clone(), area, head));
            let r = rng.gen_range(0..100);
            classes.push(if r < 52 {
                Class::Poor
            } else if r < 88 {
                Class::NearPoor
            } else {
                Class::Middle
            });
        }
        let standards = poverty::standard::Standards::load(None).expect("shipped standards");
        ReviewLists { rng, standards, households: list, classes, last: None }
    }

    /// (code, commune, area, head's name) of each household.
    pub fn households(&self) -> &[(String, String, poverty::model::Area, String)] {
        &self.households
    }

    /// The next year's review of every household (years in order).
    pub fn year(&mut self, year: i32) -> Vec<poverty::model::Survey> {
        use poverty::model::{Class, Survey};
        let rng = &mut self.rng;
        if self.last.is_some() {
            for c in self.classes.iter_mut() {
                let r = rng.gen_range(0..100);
                *c = match *c {
                    Class::Poor if r < 80 => Class::Poor,
                    Class::Poor if r < 95 => Class::NearPoor,
                    Class::Poor => Class::Middle,
                    Class::NearPoor if r < 4 => Class::Poor,
                    Class::NearPoor if r < 74 => Class::NearPoor,
                    Class::NearPoor => Class::Middle,
                    _ if r < 1 => Class::Poor,
                    _ if r < 7 => Class::NearPoor,
                    _ => Class::Middle,
                };
            }
        }
        self.last = Some(year);
        let s = self.standards.in_force(poverty::service::review_day(year));
        let mut surveys = Vec::with_capacity(self.households.len());
        for ((_, _, area, _), class) in self.households.iter().zip(&self.classes) {
            let line = s.line(*area) as f64;
            let (income, lacking) = match class {
                Class::Poor => (line * rng.gen_range(0.45..1.0), rng.gen_range(3..7)),
                Class::NearPoor => (line * rng.gen_range(0.6..1.0), rng.gen_range(0..3)),
                _ => (line * rng.gen_range(1.02..1.6), rng.gen_range(0..3)),
            };
            let income = (income / 10_000.0).round() as i64 * 10_000;
            let mut lacks: Vec<String> = Vec::new();
            while lacks.len() < lacking {
                let code = weighted(rng, &LACKING);
                if !lacks.iter().any(|c| c == code) {
                    lacks.push(code.to_owned());
                }
            }
            let lacks = poverty::rules::deprivations(s, &lacks).expect("the standard's codes");
            surveys.push(Survey {
                year,
                kind: "yearly",
                reason: None,
                review_date: poverty::service::review_day(year),
                standard: s.id.clone(),
                area: *area,
                members: rng.gen_range(1..7),
                income_per_person_month: income,
                class: poverty::rules::class_of(s, *area, income, lacks.len()),
                deprivations: lacks,
            });
        }
        surveys
    }
}

/// Demo households and their reviews: 2022 to 2025 approved, and the 2026
/// review under way (surveyed, discussed, posted). Reproduces the
/// department's "more than 2,500 poor households fewer since 2022".
pub async fn seed_poverty(db: &Db, province: &str, seed: u64) -> anyhow::Result<u64> {
    let any: Option<(i64,)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id FROM households WHERE province_code = $1 LIMIT 1").bind(province).fetch_optional(p).await?);
    if any.is_some() {
        return Ok(0);
    }
    let mut lists = ReviewLists::new(province, 13_000, seed);
    let households = lists.households().to_vec();
    let ids = poverty::store::insert_households(db, province, &households).await?;
    let mut rng = StdRng::seed_from_u64(seed + 1);
    for year in 2022..=2026 {
        let surveys = lists.year(year);
        let ongoing = year == 2026;
        let rows: Vec<(i64, String, poverty::model::Survey, &str)> = surveys
            .into_iter()
            .zip(ids.iter().zip(&households))
            .filter_map(|(s, (id, h))| {
                let status = if !ongoing {
                    "approved"
                } else {
                    // This year's review is half done: most surveyed, some discussed and posted.
                    match rng.gen_range(0..10) {
                        0..=3 => return None,
                        4..=6 => "surveyed",
                        7..=8 => "meeting",
                        _ => "posted",
                    }
                };
                Some((*id, h.1.clone(), s, status))
            })
            .collect();
        poverty::store::insert_reviews(db, province, &rows).await?;
    }
    // Each commune's households (its review list is a tenth to a sixth of them).
    let mut per_ward: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for h in &households {
        *per_ward.entry(h.1.clone()).or_default() += 1;
    }
    let totals: Vec<(String, i64)> = per_ward.into_iter().map(|(w, n)| (w, n * rng.gen_range(6..=10))).collect();
    for year in 2022..=2026 {
        let grown: Vec<(String, i64)> =
            totals.iter().map(|(w, n)| (w.clone(), n + n * i64::from(year - 2022) / 100)).collect();
        poverty::store::put_totals(db, province, year, &grown).await?;
    }
    seed_livelihood(db, province, &mut rng).await?;
    Ok(ids.len() as u64)
}

/// The department's livelihood model in xã Khánh Nam (now Tây Khánh Vĩnh):
/// green-skin pomelo seedlings (50–150 a household), fertiliser and
/// free-range chickens for its poor households of the 2022 review, followed
/// for two years.
async fn seed_livelihood(db: &Db, province: &str, rng: &mut StdRng) -> anyhow::Result<()> {
    use poverty::programmes::{self, ProgrammeInput, SupportInput, VisitInput};
    let input = ProgrammeInput {
        name: "Mô hình trồng bưởi da xanh và nuôi gà thả vườn (xã Khánh Nam cũ)".into(),
        description: Some(
            "Hỗ trợ cây giống bưởi da xanh, phân bón và gà giống cho hộ nghèo; theo dõi 24 tháng.".into(),
        ),
        classes: vec!["poor".into()],
        wards: vec!["22624".into()],
        year: Some(2022),
        start_date: "2023-03-01".into(),
        monitoring_months: Some(24),
    };
    let start = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("a date");
    let admin: Option<(i64,)> = platform::with_db!(db, p => sqlx::query_as("SELECT id FROM users ORDER BY id LIMIT 1").fetch_optional(p).await?);
    let by = admin.map_or(1, |a| a.0);
    let id = programmes::create(db, province, &input, start, 2022, 24, by).await?;
    let p = programmes::by_id(db, province, id).await?.expect("just created");
    let item = |item: &str, unit: &str, q: f64, value: i64| SupportInput {
        item: item.into(),
        unit: unit.into(),
        quantity: Some(q),
        value: Some(value),
        delivered_by: Some("Phòng Lao động – Thương binh và Xã hội".into()),
        ..Default::default()
    };
    programmes::add_stock(
        db,
        province,
        id,
        &item("Cây giống bưởi da xanh", "cây", 6000.0, 210_000_000),
        6000.0,
        start,
        by,
    )
    .await?;
    programmes::add_stock(db, province, id, &item("Phân bón NPK", "bao", 250.0, 100_000_000), 250.0, start, by).await?;
    programmes::add_stock(db, province, id, &item("Gà giống thả vườn", "con", 1500.0, 45_000_000), 1500.0, start, by)
        .await?;
    let (_, households) = programmes::eligible_households(db, province, &p, &[]).await?;
    let reviews: Vec<(i64, String)> = platform::with_db!(db, pool => sqlx::query_as(
        "SELECT household_id, class FROM poverty_reviews WHERE province_code = $1 AND year = 2025 AND kind = 'yearly'")
        .bind(province).fetch_all(pool).await?);
    let class_2025: std::collections::HashMap<i64, String> = reviews.into_iter().collect();
    for (household, _, _, ward, _) in households.into_iter().take(45) {
        let day = start + chrono::Days::new(rng.gen_range(0..45));
        let seedlings = f64::from(rng.gen_range(5..=15) * 10);
        for (what, unit, q, price) in [
            ("Cây giống bưởi da xanh", "cây", seedlings, 35_000),
            ("Phân bón NPK", "bao", f64::from(rng.gen_range(2..=5)), 400_000),
            ("Gà giống thả vườn", "con", f64::from(rng.gen_range(2..=3) * 10), 30_000),
        ] {
            let s = item(what, unit, q, (q as i64) * price);
            programmes::deliver(db, province, id, household, &ward, &s, q, day, by).await?;
        }
        let left = class_2025.get(&household).is_some_and(|c| c != "poor");
        let visit = VisitInput {
            household_code: String::new(),
            date: String::new(),
            outcome: if left { "good" } else { "fair" }.into(),
            note: None,
            graduated: left,
        };
        let on = programmes::graduation_day(&p, day) + chrono::Days::new(20);
        programmes::visit(db, province, id, household, &visit, on, by).await?;
    }
    Ok(())
}

/// The province's vocational schools (named after Khánh Hòa's; the codes are
/// the demo's own): code, name, kind, public, commune.
pub const DEMO_SCHOOLS: [(&str, &str, &str, bool, &str); 14] = [
    ("CDKTCN-NT", "Trường Cao đẳng Kỹ thuật Công nghệ Nha Trang", "college", true, "22390"),
    ("CDDL-NT", "Trường Cao đẳng Du lịch Nha Trang", "college", true, "22366"),
    ("CDYT-KH", "Trường Cao đẳng Y tế Khánh Hòa", "college", true, "22333"),
    ("CDN-NT", "Trường Cao đẳng Nghề Ninh Thuận", "college", true, "22759"),
    ("TCKTKT-KH", "Trường Trung cấp Kinh tế – Kỹ thuật Khánh Hòa", "intermediate", true, "22402"),
    ("TCN-CR", "Trường Trung cấp nghề Cam Ranh", "intermediate", true, "22420"),
    ("GDNN-VN", "Trung tâm GDNN – GDTX Vạn Ninh", "centre", true, "22489"),
    ("GDNN-NH", "Trung tâm GDNN – GDTX Ninh Hòa", "centre", true, "22528"),
    ("GDNN-DK", "Trung tâm GDNN – GDTX Diên Khánh", "centre", true, "22651"),
    ("GDNN-KV", "Trung tâm GDNN – GDTX Khánh Vĩnh", "centre", true, "22609"),
    ("GDNN-KS", "Trung tâm GDNN – GDTX Khánh Sơn", "centre", true, "22714"),
    ("GDNN-CL", "Trung tâm GDNN – GDTX Cam Lâm", "centre", true, "22453"),
    ("LX-KH", "Trung tâm Đào tạo lái xe Khánh Hòa", "centre", false, "22402"),
    ("DN-YS", "Công ty Yến sào Khánh Hòa (đào tạo tại doanh nghiệp)", "enterprise", true, "22366"),
];

/// Add the province's schools if none exist, and link the demo school
/// account to its college. Returns the schools' ids by code.
pub async fn seed_schools(db: &Db, province: &str) -> anyhow::Result<Vec<(String, i64)>> {
    use training::model::{School, SchoolKind};
    let mut ids = Vec::new();
    for (code, name, kind, public, ward) in DEMO_SCHOOLS {
        let s = School {
            id: 0,
            code: code.into(),
            name: name.into(),
            kind: SchoolKind::parse(kind).expect("a school kind"),
            public,
            ward_code: ward.into(),
            address: None,
            phone: None,
        };
        let id = match training::store::insert_school(db, province, &s).await? {
            Ok(id) | Err(id) => id,
        };
        ids.push((code.to_owned(), id));
    }
    training::store::link_account(db, "truongnghe@demo.ketnoi.vn", ids[0].1).await?;
    Ok(ids)
}

/// Enrolments that reproduce the department's report: 29,496 in 2021,
/// 29,550 in 2022 and 12,507 in January to May 2023, by level (mostly
/// elementary and short courses at the centres, college and intermediate at
/// the schools), with graduations, certificates, drop-outs and the tracer.
pub async fn seed_training(db: &Db, province: &str, seed: u64) -> anyhow::Result<u64> {
    use chrono::NaiveDate;
    use training::model::{Enrolment, Funding, Level, Outcome, Status};
    let schools = seed_schools(db, province).await?;
    let any: Option<(i64,)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id FROM enrolments WHERE province_code = $1 LIMIT 1").bind(province).fetch_optional(p).await?);
    if any.is_some() {
        return Ok(0);
    }
    let people: Vec<(i64, String)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id, ward_code FROM people WHERE province_code = $1 ORDER BY id").bind(province).fetch_all(p).await?);
    if people.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let id_of = |code: &str| schools.iter().find(|(c, _)| c == code).map_or(0, |(_, id)| *id);
    let colleges: Vec<i64> = ["CDKTCN-NT", "CDDL-NT", "CDYT-KH", "CDN-NT"].iter().map(|c| id_of(c)).collect();
    let intermediate: Vec<i64> = ["TCKTKT-KH", "TCN-CR", "CDKTCN-NT", "CDN-NT"].iter().map(|c| id_of(c)).collect();
    let centres: Vec<i64> =
        ["GDNN-VN", "GDNN-NH", "GDNN-DK", "GDNN-KV", "GDNN-KS", "GDNN-CL", "LX-KH", "DN-YS", "TCN-CR"]
            .iter()
            .map(|c| id_of(c))
            .collect();
    let trades = training::rules::trades();
    let today = platform::time::today();
    let periods = [
        (NaiveDate::from_ymd_opt(2021, 1, 1), NaiveDate::from_ymd_opt(2021, 12, 31), 29_496),
        (NaiveDate::from_ymd_opt(2022, 1, 1), NaiveDate::from_ymd_opt(2022, 12, 31), 29_550),
        (NaiveDate::from_ymd_opt(2023, 1, 1), NaiveDate::from_ymd_opt(2023, 5, 31), 12_507),
    ];
    let mut keys = std::collections::HashSet::new();
    let mut rows: Vec<training::store::NewEnrolment> = Vec::new();
    for (from, to, count) in periods {
        let (from, to) = (from.expect("a date"), to.expect("a date"));
        let days = (to - from).num_days() + 1;
        for _ in 0..count {
            let level = match rng.gen_range(0..100) {
                0..=5 => Level::College,
                6..=14 => Level::Intermediate,
                15..=59 => Level::Elementary,
                _ => Level::ShortCourse,
            };
            let (school, months) = match level {
                Level::College => (colleges[rng.gen_range(0..colleges.len())], rng.gen_range(30..=36)),
                Level::Intermediate => (intermediate[rng.gen_range(0..intermediate.len())], rng.gen_range(18..=24)),
                Level::Elementary => (centres[rng.gen_range(0..centres.len())], rng.gen_range(3..=6)),
                Level::ShortCourse => (centres[rng.gen_range(0..centres.len())], 1),
            };
            let trade = &trades[rng.gen_range(0..trades.len())].code;
            let (person, ward, start) = loop {
                let (person, ward) = &people[rng.gen_range(0..people.len())];
                let start = from + chrono::Duration::days(rng.gen_range(0..days));
                if keys.insert((*person, school, trade.clone(), start)) {
                    break (*person, ward.clone(), start);
                }
            };
            let end = start + chrono::Duration::days(months * 30);
            let funding = match (level, rng.gen_range(0..100)) {
                (Level::College | Level::Intermediate, 0..=79) => Funding::SelfPaid,
                (Level::College | Level::Intermediate, _) => Funding::StateOther,
                (_, 0..=34) => Funding::StateRural,
                (_, 35..=42) => Funding::StatePoor,
                (_, 43..=44) => Funding::StateDisabled,
                (_, 45..=59) => Funding::Enterprise,
                _ => Funding::SelfPaid,
            };
            let (status, end_date, certificate, outcome) = if end > today {
                (Status::Studying, None, false, None)
            } else if rng.gen_range(0..100) < 12 {
                (Status::Dropped, Some(start + chrono::Duration::days(rng.gen_range(7..=months * 30))), false, None)
            } else {
                let certificate = if level == Level::ShortCourse { rng.gen_bool(0.5) } else { rng.gen_bool(0.95) };
                let outcome = match rng.gen_range(0..100) {
                    0..=54 => Some(Outcome::Employed),
                    55..=76 => Some(Outcome::SelfEmployed),
                    77..=81 => Some(Outcome::FurtherStudy),
                    82..=91 => Some(Outcome::NotEmployed),
                    _ => None,
                };
                (Status::Graduated, Some(end), certificate, outcome)
            };
            let e = Enrolment {
                school_id: school,
                class_id: None,
                trade: trade.clone(),
                level,
                funding,
                start_date: start,
                end_date,
                status,
                certificate,
                certificate_no: None,
                certificate_date: end_date.filter(|_| certificate),
                result: None,
            };
            rows.push((person, ward, e, outcome));
        }
    }
    training::store::insert_enrolments(db, province, &rows).await?;
    Ok(rows.len() as u64)
}

/// The department's units that submit initiatives (demo).
const DEMO_UNITS: [&str; 8] = [
    "Phòng Giáo dục nghề nghiệp",
    "Trung tâm Dịch vụ việc làm Khánh Hòa",
    "Trường Cao đẳng Kỹ thuật Công nghệ Nha Trang",
    "Trường Trung cấp Nghề Vạn Ninh",
    "Trung tâm Bảo trợ xã hội tỉnh",
    "Cơ sở cai nghiện ma túy tỉnh",
    "Trung tâm Điều dưỡng người có công",
    "Văn phòng Sở",
];

/// Twenty topics and solutions in vocational training tied to the labour
/// market, and twenty in the care of people with meritorious service, social
/// protection and rehabilitation: the report's "20 + 20" since 2021.
const DEMO_TRAINING_INITIATIVES: [&str; 20] = [
    "Đặt hàng đào tạo nghề theo nhu cầu tuyển dụng của doanh nghiệp khu kinh tế Vân Phong",
    "Khảo sát nhu cầu học nghề của lao động nông thôn bằng phiếu điện tử",
    "Mô hình lớp nghề cơ khí lưu động tại xã",
    "Liên kết doanh nghiệp thủy sản đào tạo tại chỗ cho lao động ven biển",
    "Ngân hàng câu hỏi đánh giá kỹ năng nghề sơ cấp",
    "Theo dõi việc làm của học viên sau tốt nghiệp sáu tháng",
    "Đào tạo nghề du lịch – nhà hàng gắn với doanh nghiệp lưu trú Nha Trang",
    "Học phần kỹ năng mềm cho học viên trình độ sơ cấp",
    "Tư vấn hướng nghiệp tại trường trung học cơ sở vùng miền núi",
    "Đào tạo nghề cho người khuyết tật theo nhóm nhỏ",
    "Xưởng thực hành dùng chung giữa các cơ sở giáo dục nghề nghiệp",
    "Chuẩn hóa chương trình đào tạo nghề điện dân dụng",
    "Bồi dưỡng giáo viên dạy nghề tại doanh nghiệp",
    "Sàn kết nối học viên tốt nghiệp với nhà tuyển dụng",
    "Đào tạo nghề nuôi trồng thủy sản theo chuỗi giá trị",
    "Lớp nghề may công nghiệp theo đơn đặt hàng",
    "Đánh giá hiệu quả đào tạo nghề cho lao động nông thôn theo xã",
    "Số hóa hồ sơ học viên và cấp chứng chỉ sơ cấp",
    "Đào tạo kỹ năng số cho lao động lớn tuổi",
    "Mô hình vừa học vừa làm tại doanh nghiệp chế biến",
];
const DEMO_CARE_INITIATIVES: [&str; 20] = [
    "Chăm sóc phục hồi chức năng cho người có công tại nhà",
    "Sổ theo dõi sức khỏe điện tử của đối tượng bảo trợ xã hội",
    "Mô hình tự quản trong khu nuôi dưỡng người cao tuổi",
    "Tư vấn tâm lý cho học viên cai nghiện theo nhóm",
    "Dạy nghề gắn với lao động trị liệu cho học viên cai nghiện",
    "Thăm hỏi, tặng quà người có công theo danh sách số hóa",
    "Chế độ dinh dưỡng theo nhóm bệnh cho đối tượng nuôi dưỡng tập trung",
    "Phối hợp với gia đình trong giai đoạn tái hòa nhập cộng đồng",
    "Quản lý hồ sơ người có công bằng mã định danh",
    "Phòng ngừa té ngã cho người cao tuổi tại cơ sở bảo trợ",
    "Hoạt động văn hóa – thể thao hằng tuần cho đối tượng nuôi dưỡng",
    "Chăm sóc trẻ em mồ côi theo mô hình gia đình",
    "Quy trình tiếp nhận đối tượng lang thang cơ nhỡ",
    "Vườn rau sạch do học viên cai nghiện tự chăm sóc",
    "Điều dưỡng luân phiên người có công tại địa phương",
    "Kiểm tra định kỳ an toàn thực phẩm tại bếp ăn tập thể",
    "Hỗ trợ sinh kế cho học viên sau cai nghiện",
    "Chi trả trợ cấp xã hội qua tài khoản",
    "Tập huấn kỹ năng chăm sóc cho nhân viên công tác xã hội",
    "Kết nối tình nguyện viên y tế với cơ sở bảo trợ xã hội",
];

/// People and units commended (invented names).
const DEMO_COMMENDED: [&str; 6] =
    ["Nguyễn Thị Hồng Nhung", "Trần Quốc Bảo", "Lê Thị Mai Anh", "Phạm Văn Thành", "Võ Thị Thu Hà", "Đặng Minh Tuấn"];

/// Emulation (demo): the 20 + 20 initiatives recognised since 2021 with their
/// councils' scores, a few in administration, some refused and some still
/// under review; the department's certificates of merit (the Prime
/// Minister's, the Ministry's, the Province's) and its staff's titles; this
/// year's movement with its commitments.
pub async fn seed_emulation(db: &Db, province: &str) -> anyhow::Result<u64> {
    use chrono::NaiveDate;
    use emulation::model::{Field, RecipientKind, Scope};
    use emulation::rules::{Decision, NewAward, NewCommitment, NewInitiative, NewMovement};
    use emulation::store;
    let any: Option<(i64,)> = platform::with_db!(db, p => sqlx::query_as(
        "SELECT id FROM initiatives WHERE province_code = $1 LIMIT 1").bind(province).fetch_optional(p).await?);
    if any.is_some() {
        return Ok(0);
    }
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let members = ["Phan Minh Khôi", "Trần Thị Minh Thư", "Huỳnh Văn Lộc", "Ngô Thị Bích", "Lý Quang Vinh"];
    let mut made = 0u64;
    let lists = [
        (Field::VocationalTraining, &DEMO_TRAINING_INITIATIVES[..], [0usize, 1, 2, 3]),
        (Field::SocialCare, &DEMO_CARE_INITIATIVES[..], [4, 5, 6, 7]),
    ];
    for (field, titles, units) in lists {
        for (i, title) in titles.iter().enumerate() {
            // 7 recognised in 2021, 7 in 2022, 6 in 2023.
            let year = 2021 + (i as i32 / 7).min(2);
            let unit = DEMO_UNITS[units[i % units.len()]];
            let new = NewInitiative {
                title: (*title).into(),
                field,
                unit: unit.into(),
                authors: vec![
                    DEMO_COMMENDED[i % DEMO_COMMENDED.len()].into(),
                    DEMO_COMMENDED[(i + 2) % DEMO_COMMENDED.len()].into(),
                ],
                year,
                description: format!("{title}: nội dung, cách làm và kết quả áp dụng tại {unit}."),
                expected_effect: Some(
                    "Nâng cao chất lượng, tiết kiệm thời gian và chi phí; có thể nhân rộng trong toàn ngành.".into(),
                ),
            };
            let id = store::insert_initiative(db, province, &new, None).await?;
            for (k, m) in members.iter().enumerate().take(3 + i % 3) {
                store::put_score(db, province, id, m, 70 + ((i * 7 + k * 5) % 26) as i64, None).await?;
            }
            let scope = [Scope::Unit, Scope::Department, Scope::Department, Scope::Province][i % 4];
            let decision = Decision {
                recognised: true,
                decision_no: Some(format!(
                    "{}/QĐ-SLĐTBXH",
                    100 + i * 3 + if field == Field::SocialCare { 1 } else { 0 }
                )),
                decision_date: Some(day(year, 12, 10 + (i % 15) as u32)),
                scope: Some(scope),
            };
            store::decide(db, province, id, &decision).await?;
            made += 1;
        }
    }
    // Administration (recognised), refused, and this year's under review.
    let others: [(&str, Field, i32, Option<bool>); 7] = [
        ("Một cửa điện tử cho thủ tục cấp giấy phép lao động", Field::Administration, 2022, Some(true)),
        ("Rút ngắn thời gian giải quyết hồ sơ trợ cấp thất nghiệp", Field::Administration, 2023, Some(true)),
        ("Lưu trữ văn bản đến bằng mã QR", Field::Administration, 2022, Some(false)),
        ("Bảng tin việc làm tại nhà văn hóa thôn", Field::Other, 2023, Some(false)),
        ("Kết nối việc làm liên tỉnh qua phiên trực tuyến", Field::VocationalTraining, 2026, None),
        ("Rà soát hộ nghèo bằng điện thoại", Field::Other, 2026, None),
        ("Chăm sóc người có công neo đơn qua tổ tình nguyện", Field::SocialCare, 2026, None),
    ];
    for (i, (title, field, year, verdict)) in others.into_iter().enumerate() {
        let new = NewInitiative {
            title: title.into(),
            field,
            unit: DEMO_UNITS[(i + 1) % DEMO_UNITS.len()].into(),
            authors: vec![DEMO_COMMENDED[(i + 3) % DEMO_COMMENDED.len()].into()],
            year,
            description: format!("{title}."),
            expected_effect: None,
        };
        let id = store::insert_initiative(db, province, &new, None).await?;
        for (k, m) in members.iter().enumerate().take(3) {
            store::put_score(db, province, id, m, 55 + ((i * 11 + k * 7) % 35) as i64, None).await?;
        }
        if let Some(recognised) = verdict {
            let d = Decision {
                recognised,
                decision_no: recognised.then(|| format!("{}/QĐ-SLĐTBXH", 300 + i)),
                decision_date: Some(day(year, 12, 20)),
                scope: recognised.then_some(Scope::Unit),
            };
            store::decide(db, province, id, &d).await?;
        }
        made += 1;
    }
    // Awards: the department's certificates of merit, and its people's titles.
    let department = "Sở Lao động - Thương binh và Xã hội tỉnh Khánh Hòa";
    let award =
        |kind: &str, level: &str, who: RecipientKind, to: &str, unit: Option<&str>, no: &str, date: NaiveDate| {
            NewAward {
                kind: kind.into(),
                level: level.into(),
                recipient_kind: who,
                recipient: to.into(),
                unit: unit.map(str::to_owned),
                decision_no: no.into(),
                decision_date: date,
                year: chrono::Datelike::year(&date),
            }
        };
    let mut awards = vec![
        award("bang_khen", "prime_minister", RecipientKind::Unit, department, None, "1452/QĐ-TTg", day(2022, 11, 25)),
        award("bang_khen", "ministry", RecipientKind::Unit, department, None, "1780/QĐ-LĐTBXH", day(2021, 12, 28)),
        award("bang_khen", "ministry", RecipientKind::Unit, department, None, "1622/QĐ-LĐTBXH", day(2023, 12, 26)),
        award("bang_khen", "province", RecipientKind::Unit, department, None, "3590/QĐ-UBND", day(2021, 12, 30)),
        award("bang_khen", "province", RecipientKind::Unit, department, None, "3411/QĐ-UBND", day(2022, 12, 29)),
        award("bang_khen", "province", RecipientKind::Unit, department, None, "3322/QĐ-UBND", day(2023, 12, 28)),
        award(
            "tap_the_lao_dong_xuat_sac",
            "unit",
            RecipientKind::Unit,
            DEMO_UNITS[1],
            None,
            "3598/QĐ-UBND",
            day(2022, 12, 30),
        ),
        award(
            "tap_the_lao_dong_tien_tien",
            "unit",
            RecipientKind::Unit,
            DEMO_UNITS[3],
            None,
            "215/QĐ-SLĐTBXH",
            day(2023, 12, 20),
        ),
    ];
    for (i, person) in DEMO_COMMENDED.iter().enumerate() {
        let unit = Some(DEMO_UNITS[i % DEMO_UNITS.len()]);
        for year in 2021..=2023 {
            let no = format!("{}/QĐ-SLĐTBXH", 200 + year - 2021);
            awards.push(award(
                "lao_dong_tien_tien",
                "unit",
                RecipientKind::Person,
                person,
                unit,
                &no,
                day(year, 12, 22),
            ));
            // The first two are grassroots emulation fighters three years in a row.
            if i < 2 || (i == 2 && year >= 2022) {
                let no = format!("{}/QĐ-SLĐTBXH", 210 + year - 2021);
                awards.push(award(
                    "chien_si_thi_dua",
                    "grassroots",
                    RecipientKind::Person,
                    person,
                    unit,
                    &no,
                    day(year, 12, 22),
                ));
            }
        }
    }
    awards.push(award(
        "giay_khen",
        "department",
        RecipientKind::Person,
        DEMO_COMMENDED[3],
        Some(DEMO_UNITS[3]),
        "98/QĐ-SLĐTBXH",
        day(2023, 6, 1),
    ));
    for a in &awards {
        store::insert_award(db, province, a, None).await?;
    }
    // This year's movement and its commitments.
    let movement = NewMovement {
        title: "Thi đua thực hiện thắng lợi nhiệm vụ lao động – người có công và xã hội năm 2026".into(),
        starts_on: day(2026, 1, 15),
        ends_on: day(2026, 12, 31),
        criteria: "Hoàn thành vượt mức chỉ tiêu giải quyết việc làm (11.500 lao động);\nđào tạo nghề gắn với nhu cầu doanh nghiệp;\nchăm sóc chu đáo người có công và đối tượng bảo trợ xã hội;\ncải cách hành chính, chuyển đổi số.".into(),
        units: DEMO_UNITS.iter().map(|u| (*u).to_owned()).collect(),
    };
    let m = store::insert_movement(db, province, &movement, None).await?;
    for (i, unit) in DEMO_UNITS.iter().enumerate().take(5) {
        let c = NewCommitment {
            registrant_kind: RecipientKind::Unit,
            registrant: (*unit).into(),
            unit: (*unit).into(),
            commitment: "Đăng ký danh hiệu Tập thể lao động xuất sắc; hoàn thành 100% chỉ tiêu được giao.".into(),
        };
        let id = store::insert_commitment(db, province, m, &c, day(2026, 2, 1 + i as u32), None).await?;
        if i < 3 {
            let r = emulation::rules::Review {
                final_stage: false,
                assessment: "Sáu tháng đầu năm đạt tiến độ.".into(),
                achieved: None,
            };
            store::review(db, province, id, &r).await?;
        }
    }
    Ok(made)
}
