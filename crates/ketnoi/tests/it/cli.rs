//! The operators' command line, run as a process against a fresh database.

use std::io::Write;
use std::process::{Command, Stdio};

fn ketnoi(db: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketnoi"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ketnoi");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn users_tokens_addresses_and_moving_databases() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();

    let (ok, out, err) = ketnoi(
        &db,
        &["user", "add", "xa@kh.gov.vn", "--role", "commune_officer", "--ward", "22504", "--name", "Cán bộ xã"],
        Some("mat-khau-du-dai\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("created user") && out.contains("commune_officer"));
    let (ok, _, err) = ketnoi(&db, &["user", "add", "xa@kh.gov.vn", "--role", "staff"], Some("mat-khau-du-dai\n"));
    assert!(!ok && err.contains("already has an account"), "{err}");
    let (ok, _, err) = ketnoi(
        &db,
        &["user", "add", "b@kh.gov.vn", "--role", "commune_officer", "--ward", "01001"],
        Some("mat-khau-du-dai\n"),
    );
    assert!(!ok && err.contains("not communes of province 56"), "{err}");
    let (ok, _, err) = ketnoi(&db, &["user", "add", "c@kh.gov.vn", "--role", "king"], Some("mat-khau-du-dai\n"));
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, _, err) = ketnoi(&db, &["user", "add", "d@kh.gov.vn", "--role", "staff"], Some("short\n"));
    assert!(!ok && err.contains("at least 8"), "{err}");
    let (ok, out, _) = ketnoi(&db, &["user", "list"], None);
    assert!(ok && out.contains("xa@kh.gov.vn\tcommune_officer\tactive\t22504"));

    let (ok, token, err) = ketnoi(&db, &["token", "issue", "xa@kh.gov.vn"], None);
    assert!(ok, "{err}");
    let token = token.trim().to_owned();
    assert!(token.starts_with("kn_") && token.len() > 40);
    // The token works against a server on the same database.
    let database = platform::Db::connect(&db).await.unwrap();
    let user = platform::auth::store::user_for_token(&database, &token).await.unwrap().unwrap();
    assert_eq!(user.email, "xa@kh.gov.vn");
    assert_eq!(user.wards, ["22504"]);
    // Listed, then revoked: it works no more.
    let (ok, out, _) = ketnoi(&db, &["token", "list", "xa@kh.gov.vn"], None);
    let id = out.split('\t').next().unwrap().to_owned();
    assert!(ok && out.contains("\tcli\t") && !out.contains("\tnever"), "{out}");
    let (ok, _, err) = ketnoi(&db, &["token", "revoke", "b@kh.gov.vn", &id], None);
    assert!(!ok, "only its owner's: {err}");
    let (ok, out, err) = ketnoi(&db, &["token", "revoke", "xa@kh.gov.vn", &id], None);
    assert!(ok && out.contains("revoked"), "{err}");
    assert!(platform::auth::store::user_for_token(&database, &token).await.unwrap().is_none());
    assert_eq!(ketnoi(&db, &["token", "list", "xa@kh.gov.vn"], None).1, "");

    let (ok, out, _) = ketnoi(&db, &["address", "resolve", "Xã Vạn Thọ, Huyện Vạn Ninh, Tỉnh Khánh Hòa"], None);
    assert!(ok && out.contains("22504\tXã Đại Lãnh") && out.contains("certain: true"), "{out}");
    let (ok, out, _) = ketnoi(&db, &["address", "resolve", "--legacy-code", "22627", "--json"], None);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(ok && json["ward_code"] == "22624");
    let (ok, out, _) = ketnoi(&db, &["address", "resolve", "Không có nơi này"], None);
    assert!(!ok && out.contains("not_found"));

    // Export and import through the CLI into a second database.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    let (ok, out, err) = ketnoi(&db, &["export-db", dir.to_str().unwrap()], None);
    assert!(ok && out.contains("users\t1"), "{out}{err}");
    let other = format!("sqlite://{}", tmp.path().join("other.db").display());
    let (ok, out, err) = ketnoi(&other, &["import-db", dir.to_str().unwrap()], None);
    assert!(ok && out.contains("imported"), "{out}{err}");
    let (ok, out, _) = ketnoi(&other, &["user", "list"], None);
    assert!(ok && out.contains("xa@kh.gov.vn"));

    let backup = tmp.path().join("b.db");
    let (ok, _, err) = ketnoi(&db, &["backup", backup.to_str().unwrap()], None);
    assert!(ok, "{err}");
    let (ok, out, err) = ketnoi(&other, &["restore", backup.to_str().unwrap()], None);
    assert!(ok && out.contains("restored"), "{out}{err}");

    // Demo people for benchmarks: valid, reproducible CSV.
    let csv = tmp.path().join("people.csv");
    let (ok, _, err) = ketnoi(&db, &["demo", "--people", "500", "--out", csv.to_str().unwrap()], None);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 501);
}

/// `ketnoi import employers FILE`: the list goes in once, whatever the times
/// it is run; refused rows are printed with their line and reason.
#[tokio::test]
async fn employers_from_a_spreadsheet() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doanh-nghiep.csv");
    std::fs::write(
        &file,
        "Mã số thuế;Tên doanh nghiệp;Mã xã/phường;Số điện thoại;Quy mô\n\
         4201234566;Công ty TNHH Thủy sản Biển Xanh;22504;0258 3822 123;nhỏ\n\
         4201234567;Công ty Sai Mã;22504;0258 3822 124;nhỏ\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, out, err) = ketnoi(&db, &["import", "employers", path], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 dòng: 1 thêm mới, 0 có thay đổi, 0 không thay đổi, 1 bị từ chối"), "{out}");
    assert!(out.contains("3: Mã số thuế:"), "{out}");
    let (ok, out, err) = ketnoi(&db, &["import", "employers", path, "--lang", "en"], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 rows: 0 new, 0 changed, 1 unchanged, 1 rejected"), "{out}");
    let database = platform::Db::connect(&db).await.unwrap();
    let e = employers::store::by_tax_code(&database, "56", "4201234566").await.unwrap().unwrap();
    assert_eq!((e.name.as_str(), e.status.as_str()), ("Công ty TNHH Thủy sản Biển Xanh", "approved"));
}

#[tokio::test]
async fn vacancies_from_a_spreadsheet() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let employers = dir.path().join("dn.csv");
    std::fs::write(&employers, "Mã số thuế;Tên doanh nghiệp;Mã xã/phường;Số điện thoại;Quy mô\n4201234566;Công ty TNHH Thủy sản Biển Xanh;22504;912345678;nhỏ\n")
        .unwrap();
    let (ok, out, err) = ketnoi(&db, &["import", "employers", employers.to_str().unwrap()], None);
    assert!(ok, "{err}");
    assert!(out.contains("2: Số điện thoại 912345678 được đọc là 0912345678"), "the restored zero is told: {out}");
    let deadline = (platform::time::today() + chrono::Days::new(20)).format("%d/%m/%Y").to_string();
    let file = dir.path().join("tin.csv");
    std::fs::write(
        &file,
        format!(
            "Mã số thuế doanh nghiệp;Vị trí tuyển dụng;Nghề (mã ISCO);Số lượng cần tuyển;Hạn nộp hồ sơ;Mô tả công việc\n\
             4201234566;Công nhân chế biến;9329;20;{deadline};Sơ chế tôm cá\n\
             4201234566;Thợ hàn;72;2;{deadline};Hàn khung\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, out, err) = ketnoi(&db, &["import", "vacancies", path], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 dòng: 1 thêm mới, 0 có thay đổi, 0 không thay đổi, 1 bị từ chối"), "{out}");
    assert!(out.contains("3: Nghề nghiệp (ISCO):"), "a 2-digit group is no occupation: {out}");
    let (ok, out, err) = ketnoi(&db, &["import", "vacancies", path, "--lang", "en"], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 rows: 0 new, 0 changed, 1 unchanged, 1 rejected"), "{out}");
    let database = platform::Db::connect(&db).await.unwrap();
    let e = employers::store::by_tax_code(&database, "56", "4201234566").await.unwrap().unwrap();
    let open = vacancies::store::open_of_employers(&database, "56", &[e.id]).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].status.as_str(), open[0].positions), ("published", 20));
}

#[tokio::test]
async fn a_schools_learners_from_a_spreadsheet() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let database = platform::Db::connect(&db).await.unwrap();
    ketnoi::prepare(&database).await.unwrap();
    ketnoi::demo::seed_schools(&database, "56").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hoc-vien.csv");
    // The template's Vietnamese headers, written without diacritics as some offices do.
    std::fs::write(
        &file,
        "Ho va ten;Ngay sinh;Gioi tinh;Ma xa/phuong;Ma co so dao tao;Nghe dao tao;Trinh do;Ngay nhap hoc;Ngay ket thuc;Tinh trang;Duoc cap bang/chung chi;Nguon kinh phi\n\
         Ngô Thị Hạnh;02/02/1998;Nữ;22504;GDNN-VN;May công nghiệp;Sơ cấp;05/06/2023;05/09/2023;Tốt nghiệp;Có;Hộ nghèo\n\
         Ngô Văn Tư;03/03/1997;Nam;22504;GDNN-VN;Lặn biển;Sơ cấp;05/06/2023;;;;\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, out, err) = ketnoi(&db, &["import", "enrolments", path], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 dòng: 1 thêm mới, 0 có thay đổi, 0 không thay đổi, 1 bị từ chối"), "{out}");
    assert!(out.contains("3: Nghề đào tạo:"), "{out}");
    let (ok, out, err) = ketnoi(&db, &["import", "enrolments", path, "--lang", "en"], None);
    assert!(ok, "{err}");
    assert!(out.contains("2 rows: 0 new, 0 changed, 1 unchanged, 1 rejected"), "{out}");
    let (qualification,): (String,) = platform::with_db!(&database, p => sqlx::query_as(
        "SELECT qualification FROM people WHERE full_name = 'Ngô Thị Hạnh'").fetch_one(p).await.unwrap());
    assert_eq!(qualification, "elementary", "graduated with a certificate");
}

/// Weights judged by numbers: pairs labelled by the rubric, then
/// precision@10 and NDCG@10 for the shipped weights and for weights that
/// ignore the occupation (which the rubric asks about): the numbers tell.
#[tokio::test]
async fn matching_weights_judged_by_numbers() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let database = platform::Db::connect(&db).await.unwrap();
    ketnoi::prepare(&database).await.unwrap();
    ketnoi::demo::seed_people(&database, "56", 3000, 2026).await.unwrap();
    ketnoi::demo::seed_demand(&database, "56", 10, 20, 7).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("labelled.csv");
    let (ok, out, err) =
        ketnoi(&db, &["match", "label", "--out", pairs.to_str().unwrap(), "--vacancies", "10", "--per", "20"], None);
    assert!(ok, "{err}");
    assert!(out.contains("200 pairs"), "{out}");
    let figure = |out: &str, name: &str| -> f64 {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in {out}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (ok, shipped, err) = ketnoi(&db, &["match", "eval", pairs.to_str().unwrap()], None);
    assert!(ok, "{err}");
    let blind = dir.path().join("blind.toml");
    std::fs::write(&blind, "occupation = 0.0\nexperience = 0.0\n").unwrap();
    let (ok, without, err) =
        ketnoi(&db, &["match", "eval", pairs.to_str().unwrap(), "--weights", blind.to_str().unwrap()], None);
    assert!(ok, "{err}");
    let (good, bad) = (figure(&shipped, "NDCG@10"), figure(&without, "NDCG@10"));
    assert!((0.0..=1.0).contains(&good) && good > bad, "shipped {good} vs blind {bad}:\n{shipped}\n{without}");
    assert!(figure(&shipped, "precision@10") > 0.0, "{shipped}");
}

#[tokio::test]
async fn targets_are_set_from_the_command_line() {
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let (ok, out, err) = ketnoi(&db, &["target", "set", "jobs_created", "--year", "2026", "--value", "11500"], None);
    assert!(ok, "{err}");
    assert!(out.contains("jobs_created 2026 province = 11500"), "{out}");
    let (ok, _, err) =
        ketnoi(&db, &["target", "set", "jobs_created", "--year", "2026", "--value", "900", "--ward", "22504"], None);
    assert!(ok, "{err}");
    let (ok, _, err) =
        ketnoi(&db, &["target", "set", "jobs_created", "--year", "2026", "--value", "9", "--ward", "01001"], None);
    assert!(!ok && err.contains("not a commune of province 56"), "{err}");
    let (ok, _, err) = ketnoi(&db, &["target", "set", "happiness", "--year", "2026", "--value", "9"], None);
    assert!(!ok && err.contains("unknown indicator"), "{err}");
    let db = platform::Db::connect(&db).await.unwrap();
    let targets = placements::store::targets(&db, "56", 2026).await.unwrap();
    assert_eq!(targets, vec![("jobs_created".into(), "".into(), 11500), ("jobs_created".into(), "22504".into(), 900)]);
}

/// `kill -9` an import at a random moment and as soon as a batch is in,
/// again and again: what is stored is always whole batches (each batch is
/// one transaction), and running the import once more completes it with
/// every row once.
#[tokio::test]
async fn an_import_killed_at_any_point_leaves_whole_batches_and_completes_when_run_again() {
    use rand::Rng;
    const PEOPLE: i64 = 45_000;
    let (db, _keep) = testkit::fresh_database_url().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (file, rejects) = (dir.path().join("people.csv"), dir.path().join("rejects.xlsx"));
    let (file, rejects) = (file.to_str().unwrap(), rejects.to_str().unwrap());
    let (ok, _, err) = ketnoi(&db, &["demo", "--people", &PEOPLE.to_string(), "--out", file, "--seed", "9"], None);
    assert!(ok, "{err}");
    let (ok, _, err) = ketnoi(&db, &["migrate"], None);
    assert!(ok, "{err}");
    let database = platform::Db::connect(&db).await.unwrap();
    let count = || async {
        let (n,): (i64,) = platform::with_db!(&database, p => sqlx::query_as("SELECT COUNT(*) FROM people")
            .fetch_one(p).await.unwrap());
        n
    };
    let batch = registry::import::BATCH as i64;
    let mut rng = rand::thread_rng();
    for round in 0..3 {
        let before = count().await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .args(["--database", &db, "import", "people", file, "--rejects", rejects])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round == 0 {
            // Anywhere: while reading, validating or writing the first batch.
            tokio::time::sleep(std::time::Duration::from_millis(rng.gen_range(50..600))).await;
        } else {
            // Just after a commit, in the middle of the next batch.
            while count().await == before && child.try_wait().unwrap().is_none() {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(rng.gen_range(0..100))).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let n = count().await;
        assert!(n % batch == 0 || n == PEOPLE, "round {round}: {n} rows stored, not whole batches of {batch}");
    }
    let (ok, out, err) = ketnoi(&db, &["import", "people", file, "--rejects", rejects], None);
    assert!(ok, "{out}{err}");
    assert_eq!(count().await, PEOPLE, "every row once");
    let (distinct,): (i64,) = platform::with_db!(&database, p => sqlx::query_as(
        "SELECT COUNT(DISTINCT cccd) FROM people").fetch_one(p).await.unwrap());
    assert_eq!(distinct, PEOPLE);
}
