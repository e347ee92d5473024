//! Importing survey sheets through the page and the API: validation per row,
//! upsert by CCCD (twice changes nothing), rejected rows back with reasons,
//! whole-file problems named, progress visible.

use serde_json::Value;
use std::time::Duration;
use testkit::{TestApp, COMMUNE_OFFICER, STAFF};

const GOOD: &str = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Trình độ CMKT,Nhu cầu\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Thất nghiệp,Sơ cấp,Việc làm; Học nghề\n\
056090000123,Trần Văn Đạo,01/01/1990,Nam,22627,Có việc làm,Cao đẳng,\n\
,Lê Thị Hoa,02/02/1995,Nữ,22624,Không tham gia hoạt động kinh tế,,\n\
123,Người Sai,31/02/1990,x,99999,?,,\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Thất nghiệp,Sơ cấp,\n";

/// Import jobs recorded so far.
async fn jobs_of(app: &TestApp) -> usize {
    platform::jobs::recent(&app.db, registry::imports::KIND, None, 100).await.unwrap().len()
}

async fn wait_done(b: &testkit::Browser, id: i64) -> Value {
    for _ in 0..100 {
        let job: Value = b.get(&format!("/api/v1/people/imports/{id}")).await.json().await.unwrap();
        if job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

#[tokio::test]
async fn import_from_the_page_twice_with_rejects() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;

    // The template downloads as XLSX.
    let r = staff.get("/registry/template.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    let r = staff.upload("/registry/import", "khao-sat.csv", GOOD.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["rows"], 5);
    assert_eq!(job["report"]["inserted"], 3);
    assert_eq!(job["report"]["rejected"], 2, "a bad row and the same CCCD twice");
    let (_, page) = staff.get_text(&location).await;
    assert!(page.contains(r#"data-testid="inserted">3<"#), "{page}");
    // Rows were rejected: no green "done", the rows and reasons on the page.
    assert!(!page.contains(r#"class="notice""#), "{page}");
    assert!(page.contains(r#"<p class="alert" role="alert" data-testid="import-done" data-rejected="2">"#), "{page}");
    assert!(page.contains(r#"<tr data-line="6"><td>6</td><td>Số CCCD</td><td>Số CCCD này đã xuất hiện ở một dòng trước trong tệp.</td></tr>"#), "{page}");

    // The rejected rows come back with the line and the reason.
    let r = staff.get(&format!("/api/v1/people/imports/{id}/rejects")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rejects.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let lines: Vec<String> =
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    let all = lines.join("\n");
    assert!(all.contains("Ngày sinh: Ngày không hợp lệ"), "{all}");
    assert!(all.contains("đã xuất hiện ở một dòng trước"), "{all}");
    assert!(lines.iter().any(|l| l.starts_with("5|")) && lines.iter().any(|l| l.starts_with("6|")), "{all}");

    // The old commune code 22627 (Khánh Nam) became Tây Khánh Vĩnh.
    let (_, html) = staff.get_text("/registry?q=tran%20van%20dao").await;
    assert!(html.contains("Xã Tây Khánh Vĩnh"), "{html}");

    // Importing the same file again creates nobody new.
    let r = staff.upload("/registry/import", "khao-sat.csv", GOOD.as_bytes().to_vec()).await;
    let id2: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id2).await;
    assert_eq!(job["report"]["inserted"], 0);
    assert_eq!(job["report"]["updated"], 0, "nothing changed: {job}");
    assert_eq!(job["report"]["unchanged"], 3, "{job}");
    assert_eq!(registry::store::count(&app.db, "56").await.unwrap(), 3);
    let (_, page) = staff.get_text(&format!("/registry/imports/{id2}")).await;
    assert!(page.contains(r#"data-testid="unchanged">3<"#), "{page}");

    // One answer changed: that row is "changed", the others "unchanged".
    let changed = GOOD.replace("Có việc làm,Cao đẳng", "Có việc làm,Đại học");
    let r = staff.upload("/registry/import", "khao-sat-2.csv", changed.into_bytes()).await;
    let id4: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id4).await;
    let counts = ["inserted", "updated", "unchanged"].map(|k| job["report"][k].as_u64().unwrap());
    assert_eq!(counts, [0, 1, 2], "{job}");

    // An exported list has the template's columns, so it imports back unchanged.
    let r = staff.get("/registry/export.csv?status=unemployed").await;
    assert_eq!(r.status(), 200);
    let csv = r.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.starts_with("\u{feff}Số CCCD,Họ và tên"), "{text}");
    assert_eq!(text.lines().count(), 2, "one unemployed person: {text}");
    assert!(text.contains("056185012345,Nguyễn Thị Đào,05/06/1985,nữ"));
    let r = staff.upload("/registry/import", "xuat.csv", csv).await;
    let id3: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id3).await;
    let counts = ["inserted", "updated", "unchanged"].map(|k| job["report"][k].as_u64().unwrap());
    assert_eq!(counts, [0, 0, 1], "{job}");
    let r = staff.get("/registry/export.xlsx").await;
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // A saved list keeps the filters, not the rows.
    let r = staff
        .post_form(
            "/registry/lists",
            &[("name", "Thất nghiệp cần việc"), ("query", "status=unemployed&need=job&page=3")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/registry?status=unemployed&need=job");
    let (_, html) = staff.get_text("/registry").await;
    assert!(html.contains("Thất nghiệp cần việc"));
    let log: Value = {
        let token = platform::auth::store::issue_token(&app.db, 1, "t").await.unwrap();
        app.get_json("/api/v1/audit?action=export", &token).await
    };
    assert_eq!(log["total"], 3, "exports and the rejected-rows download are audited: {log}");
}

/// The job page of an import with rejected rows: the counts, each rejected
/// row's line, column and reason in the reader's language, a warning rather
/// than a green "done", the first 100 rows only (and a note saying so).
#[tokio::test]
async fn rejected_rows_are_listed_on_the_job_page() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let mut text = String::from("Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Nhu cầu\n");
    // Line 2: valid, with the labels the pages show.
    text.push_str("056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Thất nghiệp,Cần học nghề\n");
    // Line 3: a CCCD that lost a digit.
    text.push_str("12345678901,Trần Văn Đạo,01/01/1990,Nam,22504,Có việc làm,\n");
    // Line 4: updated below (same CCCD as line 2 in a second file).
    text.push_str("056090000123,Lê Văn Hùng,01/01/1990,Nam,22504,Employed,Needs a job\n");
    let r = staff.upload("/registry/import", "dot-1.csv", text.clone().into_bytes()).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id).await;
    assert_eq!((job["report"]["inserted"].as_u64(), job["report"]["rejected"].as_u64()), (Some(2), Some(1)), "{job}");
    assert!(job["report"].get("rejected_rows").is_none(), "the API's report is unchanged: {job}");

    let (status, page) = staff.get_text(&location).await;
    assert_eq!(status, 200);
    for (testid, n) in [("rows", "3"), ("inserted", "2"), ("updated", "0")] {
        assert!(page.contains(&format!(r#"data-testid="{testid}">{n}<"#)), "{testid}: {page}");
    }
    assert!(page.contains(r#"data-testid="rejected"><span class="badge warn">1</span>"#), "{page}");
    assert!(page.contains(r#"class="alert" role="alert" data-testid="import-done""#), "{page}");
    assert!(!page.contains("Đã nhập xong.<") && !page.contains(r#"class="notice""#), "not done in green: {page}");
    assert!(
        page.contains(r#"<tr data-line="3"><td>3</td><td>Số CCCD</td><td>CCCD phải gồm đúng 12 chữ số.</td></tr>"#),
        "{page}"
    );
    assert!(page.contains(&format!(r#"href="/registry/imports/{id}/rejects.xlsx""#)));
    assert!(!page.contains(r#"data-testid="rejected-more""#), "all rows are listed");
    // In English, the same row reads in English.
    let (_, page) = staff.get_text(&format!("{location}?lang=en")).await;
    assert!(
        page.contains(
            r#"<tr data-line="3"><td>3</td><td>Citizen ID (CCCD)</td><td>A CCCD must have exactly 12 digits.</td></tr>"#
        ),
        "{page}"
    );

    // A clean file: "done" in green, no list.
    let clean = "cccd,full_name,birth_date,sex,ward_code,employment_status\n056185012345,Nguyễn Thị Đào,05/06/1985,nữ,22504,employed\n";
    let r = staff.upload("/registry/import", "dot-2.csv", clean.as_bytes().to_vec()).await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    wait_done(&staff, location.rsplit('/').next().unwrap().parse().unwrap()).await;
    let (_, page) = staff.get_text(&location).await;
    assert!(page.contains(r#"<p class="notice" role="status" data-testid="import-done">Đã nhập xong.</p>"#), "{page}");
    assert!(page.contains(r#"data-testid="updated">1<"#) && !page.contains(r#"data-testid="rejected-rows""#), "{page}");

    // 1,500 bad rows: the first 100 on the page, numbers in Vietnamese.
    let mut many = String::from("cccd,full_name,birth_date,sex,ward_code,employment_status\n");
    for i in 0..1500 {
        many.push_str(&format!("05618501{i:04},Nguyễn Thị Đào,05/06/1985,nữ,22504,đang nghỉ\n"));
    }
    let r = staff.upload("/registry/import", "nhieu-loi.csv", many.into_bytes()).await;
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let job = wait_done(&staff, location.rsplit('/').next().unwrap().parse().unwrap()).await;
    assert_eq!(job["report"]["rejected"], 1500);
    let (_, page) = staff.get_text(&location).await;
    assert_eq!(page.matches("<tr data-line=").count(), 100, "{page}");
    assert!(page.contains(r#"<tr data-line="101">"#) && !page.contains(r#"<tr data-line="102">"#));
    assert!(page.contains("Chỉ liệt kê 100 dòng đầu trong 1.500 dòng bị từ chối"), "{page}");
    assert!(page.contains(r#"<span class="badge warn">1.500</span>"#), "{page}");
    let (_, page) = staff.get_text(&format!("{location}?lang=en")).await;
    assert!(page.contains("Only the first 100 of 1,500 rejected rows are listed"), "{page}");
}

#[tokio::test]
async fn whole_file_problems_and_scope() {
    let app = TestApp::spawn().await;
    let officer = app.login(COMMUNE_OFFICER).await;

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("rong.csv", b"\n\n".to_vec(), "Tệp rỗng"),
        ("thieu-cot.csv", "Họ và tên,Ghi chú\nA,B\n".as_bytes().to_vec(), "Thiếu cột bắt buộc"),
        ("anh.png", vec![0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 0x00], "Không"),
    ];
    // Told on the import form itself, with the reason; no job is started.
    for (name, bytes, expected) in cases {
        let r = officer.upload("/registry/import", name, bytes).await;
        assert_eq!(r.status(), 422, "{name}");
        let text = r.text().await.unwrap();
        let alert = &text[text.find(r#"data-testid="import-error""#).unwrap_or_else(|| panic!("{name}: {text}"))..];
        let alert = &alert[..alert.find("</p>").unwrap()];
        assert!(alert.contains("Tệp không được chấp nhận:") && alert.contains(expected), "{name}: {alert}");
        assert!(text.contains(r#"data-testid="import-file""#), "the form, to choose another file: {name}");
    }
    let r = officer.upload("/registry/import?lang=en", "thieu-cot.csv", b"Ho va ten,Ghi chu\nA,B\n".to_vec()).await;
    let text = r.text().await.unwrap();
    assert!(text.contains("Required columns are missing:"), "{text}");
    let recent = jobs_of(&app).await;
    assert_eq!(recent, 0, "no job for a refused file");

    // UTF-16 (Excel "Unicode text") with a row outside the officer's communes.
    let text = "full_name\tbirth_date\tsex\tward_code\temployment_status\n\
                Phạm Văn Minh\t01/01/1990\tnam\t22504\temployed\n\
                Võ Thị Lan\t01/01/1991\tnu\t22366\tunemployed\n";
    let mut bytes = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let token = {
        let (o, _) = platform::auth::store::find_for_login(&app.db, COMMUNE_OFFICER).await.unwrap().unwrap();
        platform::auth::store::issue_token(&app.db, o.id, "t").await.unwrap()
    };
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("unicode.txt"));
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/people/imports"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let started: Value = r.json().await.unwrap();
    let mut job = Value::Null;
    for _ in 0..100 {
        job = app.get_json(started["status_url"].as_str().unwrap(), &token).await;
        if job["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(job["report"]["inserted"], 1, "{job}");
    assert_eq!(job["report"]["rejected"], 1, "Nha Trang is not the officer's commune");
    assert!(job["rejects_url"].is_string());
}

/// `rows` valid rows, then a quoted cell that never closes: the reader fails
/// after them (with more than a batch, after the writer has written some).
fn breaking_after(rows: usize) -> Vec<u8> {
    let mut text = String::from("cccd,full_name,birth_date,sex,ward_code,employment_status\n");
    for i in 0..rows {
        text.push_str(&format!("0561850{i:05},Nguyễn Thị Đào,05/06/1985,nữ,22504,employed\n"));
    }
    text.push('"');
    text.push_str(&"x".repeat(9 * 1024 * 1024));
    text.into_bytes()
}

/// Upload a file on the import page and wait for its job to end.
async fn upload_and_wait(staff: &testkit::Browser, file: &str, body: Vec<u8>) -> Value {
    let r = staff.upload("/registry/import", file, body).await;
    assert_eq!(r.status(), 303);
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    wait_done(staff, id).await
}

#[tokio::test]
async fn a_file_that_breaks_halfway_leaves_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let job = upload_and_wait(&staff, "hong.csv", breaking_after(50)).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(registry::store::count(&app.db, "56").await.unwrap(), 0, "no half file");
    // Run again once corrected: it goes in whole.
    let job = upload_and_wait(&staff, "khao-sat.csv", GOOD.as_bytes().to_vec()).await;
    assert_eq!(job["report"]["inserted"], 3);
}

#[tokio::test]
async fn an_officer_cannot_overwrite_someone_in_another_commune() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let nha_trang = "cccd,full_name,birth_date,sex,ward_code,employment_status\n056090000123,Trần Văn Đạo,01/01/1990,nam,22366,employed\n";
    let r = staff.upload("/registry/import", "nt.csv", nha_trang.as_bytes().to_vec()).await;
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(wait_done(&staff, id).await["report"]["inserted"], 1);

    // The officer of Đại Lãnh sends the same CCCD with their own commune.
    let officer = app.login(COMMUNE_OFFICER).await;
    let grab = "cccd,full_name,birth_date,sex,ward_code,employment_status\n056090000123,Trần Văn Đạo,01/01/1990,nam,22504,unemployed\n056185012345,Nguyễn Thị Đào,05/06/1985,nữ,22504,unemployed\n";
    let r = officer.upload("/registry/import", "grab.csv", grab.as_bytes().to_vec()).await;
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&officer, id).await;
    assert_eq!(job["report"]["rejected"], 1, "{job}");
    assert_eq!(job["report"]["inserted"], 1);
    let (_, html) = staff.get_text("/registry?q=056090000123").await;
    assert!(html.contains("Phường Nha Trang") && html.contains("Có việc làm"), "unchanged: {html}");
}

/// `text` as Windows-1258 writes it: a tone is a combining mark after its
/// letter, which may carry its own diacritic (ê, ơ, ă are single bytes).
fn windows_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    for c in text.chars() {
        let (tone, base): (Vec<char>, Vec<char>) = c.nfd().partition(|c| tones.contains(c));
        out.extend(base.into_iter().nfc());
        out.extend(tone);
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&out);
    assert!(!unmappable, "{out}");
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    bytes.into_owned()
}

/// A sheet as a commune office makes it: saved by Excel as Windows-1258 CSV
/// with semicolons, labels abbreviated or in old spellings, numbers that
/// lost their leading zero, a year of birth alone. Every good row goes in as
/// a person reads it; the bad one is refused with its reason.
#[tokio::test]
async fn a_sheet_as_offices_write_it() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    // Line 2: a CCCD that lost its leading zero; line 7: a year of birth
    // alone without a CCCD cannot tell two namesakes apart.
    let text = "Số CCCD;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Số điện thoại;Mã xã/phường;Trình độ giáo dục phổ thông;Trình độ CMKT;Tình trạng việc làm\r\n\
        56090001234;Nguyễn Văn Đào;1990;nam;Kinh;912345678;22504;12/12;CNKT không bằng;Có việc làm\r\n\
        ;Mấu Thị Lanh;5/6/85;NỮ;Ra-glai;0978123456;22504;THCS;TC;that nghiep\r\n\
        ;Katơr Y Blốc;01.02.1999;Nam;Ê-đê;;22504;9/12;ĐH;Không tham gia hoạt động kinh tế\r\n\
        ;Cao Thị Sương;03/04/2001;Nữ;H'Mông;;22504;THPT;khong;Thất nghiệp\r\n\
        ;Người Lạ;03/04/2001;Nữ;Sao Hỏa;;22504;THPT;;Thất nghiệp\r\n\
        ;Trần Văn Năm;1988;Nam;Kinh;;22504;THCS;;Có việc làm\r\n";
    let r = staff.upload("/registry/import", "xa-dai-lanh.csv", windows_1258(text)).await;
    assert_eq!(r.status(), 303);
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id).await;
    assert_eq!(job["report"]["inserted"], 4, "{job}");
    assert_eq!(job["report"]["rejected"], 2, "{job}");
    let (_, page) = staff.get_text(&format!("/registry/imports/{id}")).await;
    assert!(page.contains("<td>6</td><td>Dân tộc</td>"), "the reason names the column: {page}");
    assert!(page.contains("Chỉ có năm sinh: hãy ghi số CCCD"), "{page}");
    assert_eq!(job["report"]["noted"], 1, "one row with numbers Excel shortened: {job}");
    assert!(page.contains(r#"<tr data-line="2"><td>2</td><td>Số CCCD</td><td>Đã thêm lại số 0"#), "{page}");
    assert!(page.contains(r#"<tr data-line="2"><td>2</td><td>Số điện thoại</td><td>Đã thêm lại số 0"#), "{page}");

    // The whole record of the one person a search finds.
    let person = |q: &'static str| {
        let staff = &staff;
        async move {
            let found: Value = staff.get(&format!("/api/v1/people?q={q}")).await.json().await.unwrap();
            assert_eq!(found["total"], 1, "{q}: {found}");
            let url = found["items"][0]["url"].as_str().unwrap().to_owned();
            staff.get(&url).await.json::<Value>().await.unwrap()
        }
    };
    let dao = person("nguyen+van+dao").await;
    assert_eq!(dao["birth_date"], "1990-01-01", "{dao}");
    assert_eq!(dao["cccd"], "056090001234");
    assert_eq!(dao["phone"], "0912345678");
    assert_eq!(dao["education"], "upper_secondary");
    assert_eq!(dao["qualification"], "short_course");
    let lanh = person("mau+thi+lanh").await;
    assert_eq!(lanh["ethnicity"], "19", "Ra Glai: {lanh}");
    assert_eq!(lanh["birth_date"], "1985-06-05");
    assert_eq!(lanh["sex"], "female");
    assert_eq!(lanh["education"], "lower_secondary");
    assert_eq!(lanh["qualification"], "intermediate");
    assert_eq!(lanh["employment_status"], "unemployed");
    let bloc = person("kator+y+bloc").await;
    assert_eq!((bloc["ethnicity"].as_str(), bloc["qualification"].as_str()), (Some("11"), Some("university")));
    assert_eq!(bloc["birth_date"], "1999-02-01");
    let suong = person("cao+thi+suong").await;
    assert_eq!(suong["ethnicity"], "08", "Mông");
    assert_eq!(suong["qualification"], "none");
}

/// A workbook as Excel keeps it when numbers were typed as numbers: a title
/// row above the header, a CCCD and a phone as number cells (their leading
/// zero gone), a birth date as a date cell, an address without commas in
/// place of the commune code. Every row goes in as a person reads it.
#[tokio::test]
async fn an_excel_workbook_with_numbers_as_numbers() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write(0, 0, "DANH SÁCH NGƯỜI LAO ĐỘNG XÃ VẠN THỌ NĂM 2026").unwrap();
    let header =
        ["STT", "Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Số điện thoại", "Địa chỉ", "Tình trạng việc làm"];
    for (c, h) in header.iter().enumerate() {
        sheet.write(1, c as u16, *h).unwrap();
    }
    let rows: [(f64, &str, (u16, u8, u8), &str, f64, &str, &str); 2] = [
        (
            56185012345.0,
            "Phan Thị Bích",
            (1985, 6, 5),
            "Nữ",
            912345678.0,
            "thôn Tuần Lễ x. Vạn Thọ h. Vạn Ninh Khánh Hòa",
            "Thất nghiệp",
        ),
        (
            56090001234.0,
            "Lò Văn Sáu",
            (1990, 1, 1),
            "Nam",
            978123456.0,
            "xa van tho huyen van ninh tinh khanh hoa",
            "có việc làm",
        ),
    ];
    for (i, (cccd, name, (y, m, d), sex, phone, address, status)) in rows.into_iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write(r, 0, (i + 1) as f64).unwrap();
        sheet.write(r, 1, cccd).unwrap();
        sheet.write(r, 2, name).unwrap();
        sheet.write_datetime_with_format(r, 3, &ExcelDateTime::from_ymd(y, m, d).unwrap(), &date).unwrap();
        sheet.write(r, 4, sex).unwrap();
        sheet.write(r, 5, phone).unwrap();
        sheet.write(r, 6, address).unwrap();
        sheet.write(r, 7, status).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();

    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let r = staff.upload("/registry/import", "van-tho.xlsx", bytes).await;
    assert_eq!(r.status(), 303);
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id).await;
    assert_eq!((job["report"]["inserted"].as_u64(), job["report"]["rejected"].as_u64()), (Some(2), Some(0)), "{job}");
    assert_eq!(job["report"]["noted"], 2, "{job}");
    let found: Value = staff.get("/api/v1/people?q=phan+thi+bich").await.json().await.unwrap();
    let url = found["items"][0]["url"].as_str().unwrap().to_owned();
    let bich: Value = staff.get(&url).await.json().await.unwrap();
    assert_eq!(bich["cccd"], "056185012345");
    assert_eq!(bich["phone"], "0912345678");
    assert_eq!(bich["birth_date"], "1985-06-05");
    assert_eq!(bich["ward_code"], "22504", "Vạn Thọ is now part of Đại Lãnh: {bich}");
    let found: Value = staff.get("/api/v1/people?q=lo+van+sau").await.json().await.unwrap();
    assert_eq!(found["items"][0]["ward_code"], "22504", "{found}");
}

/// Import `csv` through the page and wait for its report.
async fn import_csv(staff: &testkit::Browser, csv: &str) -> Value {
    let job = upload_and_wait(staff, "khao-sat.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(job["status"], "done", "{job}");
    job["report"].clone()
}

/// (status, phone, hamlet, work provinces) of the people named, in order.
async fn answers(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>, Option<String>)> {
    platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT full_name, employment_status, phone, hamlet, work_provinces FROM people ORDER BY full_name")
        .fetch_all(p).await.unwrap())
}

// An office re-imports with last year's template, which has no column for
// some answers: those stay as stored; a column that is there but empty
// clears its answer. A row that changes nothing is counted unchanged.
#[tokio::test]
async fn a_sheet_without_a_column_keeps_that_answer() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let full = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Số điện thoại,Thôn/tổ dân phố,Tỉnh khác sẵn sàng đến làm việc\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Thất nghiệp,0912345678,Thôn 3,TP. Hồ Chí Minh; Đà Nẵng\n\
,Lê Văn Hòa,02/02/1995,Nam,22624,Thất nghiệp,0987654321,Tổ 5,Đắk Lắk\n";
    // Twice: the second import (by the update path, not the first load) changes nothing.
    assert_eq!(import_csv(&staff, full).await["inserted"], 2);
    let again = import_csv(&staff, full).await;
    assert_eq!((again["unchanged"].as_i64(), again["updated"].as_i64()), (Some(2), Some(0)), "{again}");
    let before = answers(&app).await;
    assert_eq!(before[1].4.as_deref(), Some("48;79"), "{before:?}");
    assert_eq!(before[0].4.as_deref(), Some("66"), "{before:?}");

    // Last year's template: no phone, hamlet or provinces column; both found work.
    let old = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Có việc làm\n\
,Lê Văn Hòa,02/02/1995,Nam,22624,Có việc làm\n";
    let r = import_csv(&staff, old).await;
    assert_eq!((r["updated"].as_i64(), r["inserted"].as_i64()), (Some(2), Some(0)), "{r}");
    let after = answers(&app).await;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.1, "employed", "{a:?}");
        assert_eq!((&a.2, &a.3, &a.4), (&b.2, &b.3, &b.4), "kept as stored: {a:?}");
    }
    let r = import_csv(&staff, old).await;
    assert_eq!(r["unchanged"], 2, "nothing new: {r}");

    // The column is there and empty: the answer is cleared.
    let cleared =
        "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Tỉnh khác sẵn sàng đến làm việc\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Có việc làm,\n\
,Lê Văn Hòa,02/02/1995,Nam,22624,Có việc làm,\n";
    assert_eq!(import_csv(&staff, cleared).await["updated"], 2);
    let last = answers(&app).await;
    assert!(last.iter().all(|a| a.4.is_none() && a.2.is_some()), "{last:?}");
}

// Without a CCCD, the same commune, name and birth date is the same person
// (however the name is typed): a second row of them in one file is refused
// with its reason, on a first load and on a later import alike, and the
// first row stands.
#[tokio::test]
async fn the_same_person_without_cccd_twice_in_a_file_is_refused_once() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let head = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Số điện thoại\n";
    let file = format!(
        "{head},Lê Văn Hòa,02/02/1995,Nam,22624,Thất nghiệp,0987654321\n\
         ,LE VAN HOA,02/02/1995,Nam,22624,Có việc làm,0912345678\n\
         ,Lê Văn Hòa,02/02/1995,Nam,22504,Thất nghiệp,0911111111\n"
    );
    for round in 0..2 {
        let r = import_csv(&staff, &file).await;
        let counts = ["inserted", "updated", "unchanged", "rejected"].map(|k| r[k].as_i64().unwrap());
        let want = if round == 0 { [2, 0, 0, 1] } else { [0, 0, 2, 1] };
        assert_eq!(counts, want, "round {round}: {r}");
        let stored = answers(&app).await;
        assert_eq!(stored.len(), 2, "{stored:?}");
        assert!(stored.iter().all(|a| a.2.as_deref() != Some("0912345678")), "the first row stands: {stored:?}");
    }
    let id: i64 =
        platform::with_db!(&app.db, p => sqlx::query_scalar("SELECT MAX(id) FROM jobs").fetch_one(p).await.unwrap());
    let (_, page) = staff.get_text(&format!("/registry/imports/{id}")).await;
    assert!(
        page.contains("Người này (cùng họ tên, ngày sinh và xã, không có CCCD) đã có ở một dòng trước trong tệp."),
        "{page}"
    );
}

/// After an import the planner has statistics for the people table, and a
/// page of search results is read by primary key, not by scanning the
/// province (which SQLite did: 16 ms for 20 people at 200k).
#[tokio::test]
async fn after_an_import_a_page_of_people_is_read_by_primary_key() {
    let app = TestApp::spawn().await;
    let platform::Db::Sqlite(pool) = &app.db else { return };
    let staff = app.login(STAFF).await;
    // More people than a page: with fewer, scanning them all is the right plan.
    let mut csv =
        String::from("Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm,Trình độ CMKT,Nhu cầu\n");
    let given = ["An", "Bình", "Cường", "Dũng", "Em", "Giang", "Hải", "Khoa", "Lâm", "Minh"];
    for i in 0..200 {
        let name = format!("Trần {} {}", given[i / 20 % 10], given[i % 10]);
        csv.push_str(&format!("05609{:07},{name},01/01/1990,Nam,22504,Có việc làm,,\n", 1000 + i));
    }
    let r = staff.upload("/registry/import", "khao-sat.csv", csv.into_bytes()).await;
    let id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let job = wait_done(&staff, id).await;
    assert_eq!(job["report"]["inserted"], 200, "{job}");
    let stats: Vec<(String,)> =
        sqlx::query_as("SELECT idx FROM sqlite_stat1 WHERE tbl = 'people'").fetch_all(pool).await.unwrap();
    assert!(!stats.is_empty(), "no statistics for people after the import");
    // The shape registry::store::by_ids sends for a page of 20.
    let ids = (1..=20).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!(
        "EXPLAIN QUERY PLAN SELECT * FROM {} WHERE province_code = '56' AND id IN ({ids})",
        registry::store::by_id(&app.db)
    ))
    .fetch_all(pool)
    .await
    .unwrap();
    let plan = plan.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ");
    assert!(plan.contains("INTEGER PRIMARY KEY"), "{plan}");
}

/// A first load builds indexes once, at its end, before it commits: SQLite
/// drops `people_seq` (its keys come sorted), PostgreSQL every index of
/// `people` and its primary key (built from sorted keys).
/// After a load that failed past its first batch and after one that went
/// in, they are as the migrations made them and they serve their queries;
/// the failed load left no one.
#[tokio::test]
async fn a_first_load_leaves_the_indexes_as_the_migrations_made_them() {
    let app = TestApp::spawn().await;
    let catalog = || async {
        let sql = match app.db.backend() {
            platform::db::Backend::Sqlite => {
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'people' AND sql IS NOT NULL ORDER BY name"
            }
            platform::db::Backend::Postgres => {
                "SELECT indexname::text, indexdef FROM pg_indexes \
                 WHERE tablename = 'people' AND schemaname = current_schema() \
                 UNION ALL SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
                 WHERE conrelid = 'people'::regclass ORDER BY 1"
            }
        };
        platform::with_db!(&app.db, p => sqlx::query_as::<_, (String, String)>(sql).fetch_all(p).await.unwrap())
    };
    let migrated = catalog().await;
    assert!(migrated.iter().any(|(name, _)| name == "people_seq"), "{migrated:?}");
    let staff = app.login(STAFF).await;
    for (file, body, status, stored) in [
        ("hong.csv", breaking_after(registry::import::BATCH + 10), "failed", 0),
        ("khao-sat.csv", GOOD.as_bytes().to_vec(), "done", 3),
    ] {
        let job = upload_and_wait(&staff, file, body).await;
        assert_eq!(job["status"], status, "{job}");
        assert_eq!(catalog().await, migrated, "after {file}");
        assert_eq!(registry::store::count(&app.db, "56").await.unwrap(), stored, "after {file}");
    }
    match &app.db {
        platform::Db::Sqlite(pool) => {
            let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
                "EXPLAIN QUERY PLAN SELECT id FROM people WHERE province_code = '56' AND seq > 0 ORDER BY seq LIMIT 10",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(plan.iter().any(|r| r.3.contains("people_seq")), "{plan:?}");
            let (loaded,): (i64,) = sqlx::query_as(
                "SELECT count(*) FROM people INDEXED BY people_seq WHERE province_code = '56' AND seq > 0",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(loaded, 3, "the index holds every loaded person");
        }
        platform::Db::Postgres(pool) => {
            // The indexes hold the rows (read through them only), and the
            // constraints hold.
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
            let (by_cccd,): (i64,) =
                sqlx::query_as("SELECT count(*) FROM people WHERE cccd > '' AND province_code = '56'")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
            assert_eq!(by_cccd, 2, "the CCCD index holds everyone loaded with a CCCD");
            let (without,): (i64,) = sqlx::query_as(
                "SELECT count(*) FROM people WHERE cccd IS NULL AND province_code = '56' AND ward_code = '22624'",
            )
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert_eq!(without, 1, "the duplicates' index holds who came without one");
            let cccd: (String,) =
                sqlx::query_as("SELECT cccd FROM people LIMIT 1").fetch_one(&mut *conn).await.unwrap();
            let again = sqlx::query(
                "INSERT INTO people (province_code, cccd, full_name, name_folded, birth_date, sex, ward_code, \
                 qualification, employment_status, created_at, updated_at) \
                 SELECT province_code, cccd, full_name, name_folded, birth_date, sex, ward_code, qualification, \
                 employment_status, now(), now() FROM people WHERE cccd = $1",
            )
            .bind(&cccd.0)
            .execute(&mut *conn)
            .await;
            assert!(again.is_err(), "the CCCD is unique again");
            let nowhere = sqlx::query("UPDATE people SET ward_code = '99999' WHERE cccd = $1")
                .bind(&cccd.0)
                .execute(&mut *conn)
                .await;
            assert!(nowhere.is_err(), "a commune must exist");
        }
    }
}

/// PostgreSQL: a first load does not queue for its lock behind a long
/// reader of `people` (every new reader would queue behind it): after a
/// short wait it upserts batch by batch, and the file from the import page
/// goes in while the reader still reads.
#[tokio::test]
async fn a_first_load_does_not_wait_behind_a_long_reader() {
    let app = TestApp::spawn().await;
    let platform::Db::Postgres(pool) = &app.db else { return };
    let mut reader = pool.begin().await.unwrap();
    let (before,): (i64,) = sqlx::query_as("SELECT count(*) FROM people").fetch_one(&mut *reader).await.unwrap();
    assert_eq!(before, 0);
    let staff = app.login(STAFF).await;
    let job = upload_and_wait(&staff, "khao-sat.csv", GOOD.as_bytes().to_vec()).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["inserted"], 3);
    reader.rollback().await.unwrap();
    assert_eq!(registry::store::count(&app.db, "56").await.unwrap(), 3);
}
