//! Vacancies from a spreadsheet, as a province's centre keeps them: every row
//! through the form's rules, published at once (unless its text asks for one
//! sex), idempotent by employer + title + workplace, refused rows with their
//! line and reason; on the page and in the API, for the department only.

use serde_json::Value;
use testkit::{TestApp, EMPLOYER, STAFF};

const EMPLOYERS: &str = "tax_code,name,ward_code,phone,size\n\
4201234566,Công ty TNHH Thủy sản Biển Xanh,22504,0258 3822 123,Nhỏ\n\
4209876540,Hợp tác xã Cơ khí Vạn Thọ,22504,0258 3822 456,Siêu nhỏ\n";

/// The issue's English keys; wages as offices type them; a workplace left
/// empty (the employer's commune) or named; labels for qualifications.
fn list(deadline: &str, iso_deadline: &str, past: &str) -> String {
    format!(
        "employer_tax_code,title,occupation_isco,positions,qualification,wage_min,wage_max,work_ward_code,deadline,description\n\
4201234566,Công nhân chế biến thủy sản,9329,20,LĐPT,6 triệu,8.000.000,,{deadline},Sơ chế và phân loại tôm cá\n\
4209876540,Thợ hàn,7212,5,TC,,,Đại Lãnh,{iso_deadline},Hàn khung thép tại xưởng\n\
4201111116,Nhân viên bán hàng,5223,2,,,,,{deadline},Bán hàng tại cửa hàng\n\
4201234566,Công nhân may,9329,10,,5tr,7tr,,{deadline},Tuyển nữ công nhân may công nghiệp\n\
4201234566,CÔNG NHÂN CHẾ BIẾN THỦY SẢN,9329,5,,,,22504,{deadline},Dòng lặp lại\n\
4209876540,Thợ tiện,7223,1,,,,,{past},Tiện chi tiết máy\n"
    )
}

/// The public board's search, as anyone calls it.
async fn board(app: &TestApp, q: &str) -> Value {
    reqwest::get(app.url(&format!("/api/v1/vacancies?q={q}"))).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_province_list_of_vacancies() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let r = staff.upload("/employers/import", "dn.csv", EMPLOYERS.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-rejected="0""#), "{page}");

    let (status, page) = staff.get_text("/vacancies").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"href="/vacancies/import""#), "{page}");
    let r = staff.get("/vacancies/template.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    let today = platform::time::today();
    let ahead = today + chrono::Days::new(30);
    let (deadline, iso) = (ahead.format("%d/%m/%Y").to_string(), ahead.format("%Y-%m-%d").to_string());
    let past = (today - chrono::Days::new(1)).format("%d/%m/%Y").to_string();
    let csv = list(&deadline, &iso, &past);
    let r = staff.upload("/vacancies/import", "tin.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-rejected="3""#), "{page}");
    assert!(page.contains("6 dòng: 3 thêm mới, 0 có thay đổi, 0 không thay đổi, 3 bị từ chối"), "{page}");
    assert!(
        page.contains(r#"<tr data-line="4"><td>4</td><td>Mã số thuế doanh nghiệp: Chưa có doanh nghiệp"#),
        "{page}"
    );
    assert!(page.contains(r#"<tr data-line="6"><td>6</td><td>Tên công việc: Tin này"#), "duplicate: {page}");
    assert!(page.contains(r#"<tr data-line="7"><td>7</td><td>Hạn nộp hồ sơ: "#), "past deadline: {page}");
    assert!(page.contains(r#"<tr data-line="5"><td>5</td><td>Chờ duyệt: "#), "held for review: {page}");

    // Published and on the public board at once, found without diacritics.
    let found: Value = board(&app, "che bien thuy san").await;
    assert_eq!(found["total"], 1, "{found}");
    let v = &found["items"][0];
    assert_eq!((v["wage_min"].as_i64(), v["wage_max"].as_i64()), (Some(6_000_000), Some(8_000_000)));
    assert_eq!(v["work_ward_code"], "22504", "the employer's commune");
    let welder: Value = board(&app, "tho han").await;
    assert_eq!(welder["items"][0]["work_ward_code"], "22504", "the commune by its name: {welder}");
    let id = welder["items"][0]["id"].as_i64().unwrap();
    let token = app.token(STAFF).await;
    let full = app.get_json(&format!("/api/v1/vacancies/{id}"), &token).await;
    assert_eq!(
        (full["qualification"].as_str(), full["contract_type"].as_str()),
        (Some("intermediate"), Some("fixed_term"))
    );
    let sewing: Value = board(&app, "cong nhan may").await;
    assert_eq!(sewing["total"], 0, "what asks for one sex waits for a reviewer: {sewing}");

    // The same list again changes nothing; a changed wage is one change.
    let api_import = |csv: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("tin.csv"));
            let r = reqwest::Client::new()
                .post(app.url("/api/v1/vacancies/import"))
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let report: Value = r.json().await.unwrap();
            (["rows", "inserted", "updated", "unchanged", "rejected"].map(|k| report[k].as_u64().unwrap()), report)
        }
    };
    let (counts, report) = api_import(csv.clone()).await;
    assert_eq!(counts, [6, 0, 0, 3, 3], "{report}");
    let (counts, report) = api_import(csv.replace("6 triệu", "6.500.000")).await;
    assert_eq!(counts, [6, 0, 1, 2, 3], "{report}");
    let found: Value = board(&app, "che bien thuy san").await;
    assert_eq!(found["items"][0]["wage_min"], 6_500_000, "the board shows the change: {found}");

    // An employer may not import.
    let employer = app.login(EMPLOYER).await;
    let r = employer.upload("/vacancies/import", "tin.csv", csv.into_bytes()).await;
    assert_eq!(r.status(), 403);
}
