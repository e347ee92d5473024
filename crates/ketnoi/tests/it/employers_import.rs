//! Employers from a spreadsheet, as provinces start: every row through the
//! form's rules, idempotent by tax code, refused rows with their line and
//! reason, staff only; on the page and in the API.

use serde_json::Value;
use testkit::{TestApp, ADMIN, EMPLOYER, STAFF};

/// English keys as headers; an address without commas instead of a commune
/// code; labels for size and ownership; a row without contact; a tax code
/// twice.
const LIST: &str = "tax_code,name,ward_code,address,phone,email,vsic_section,size\n\
4201234566,Công ty TNHH Thủy sản Biển Xanh,22504,,0258 3822 123,,C,Nhỏ\n\
4209876540,Hợp tác xã Nông nghiệp Vạn Thọ,,thôn Tuần Lễ x. Vạn Thọ h. Vạn Ninh Khánh Hòa,,htx@example.vn,A,siêu nhỏ\n\
4201111116,Cơ sở không liên lạc,22504,,,,G,Vừa\n\
4201234566,Công ty TNHH Thủy sản Biển Xanh (lặp),22504,,0258 3822 123,,C,Nhỏ\n";

#[tokio::test]
async fn a_province_list_of_employers() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;

    let (status, page) = staff.get_text("/employers").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"href="/employers/import""#), "{page}");
    let r = staff.get("/employers/template.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    let r = staff.upload("/employers/import", "doanh-nghiep.csv", LIST.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-rejected="2""#), "{page}");
    assert!(page.contains(r#"<tr data-line="4"><td>4</td><td>Số điện thoại: "#), "no contact: {page}");
    assert!(page.contains(r#"<tr data-line="5"><td>5</td><td>Mã số thuế: Mã số thuế này đã xuất hiện"#), "{page}");

    let found: Value = staff.get("/api/v1/employers?q=4209876540").await.json().await.unwrap();
    let htx = &found["items"][0];
    assert_eq!(htx["ward_code"], "22504", "the address without commas resolved: {found}");
    assert_eq!(htx["status"], "approved");
    assert_eq!(htx["size_band"], "micro");
    assert_eq!(htx["ownership"], "other", "no ownership given");
    assert_eq!(htx["street"], "thôn Tuần Lễ");

    // The same list again changes nothing; a changed phone is one change.
    let token = app.token(STAFF).await;
    let api_import = |csv: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("dn.csv"));
            reqwest::Client::new()
                .post(app.url("/api/v1/employers/import"))
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let r = api_import(LIST.to_owned()).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    let counts = ["rows", "inserted", "updated", "unchanged", "rejected"].map(|k| report[k].as_u64().unwrap());
    assert_eq!(counts, [4, 0, 0, 2, 2], "{report}");
    let r = api_import(LIST.replace("0258 3822 123,,C", "0258 3822 999,,C")).await;
    let report: Value = r.json().await.unwrap();
    assert_eq!((report["updated"].as_u64(), report["unchanged"].as_u64()), (Some(1), Some(1)), "{report}");
    let admin = app.token(ADMIN).await;
    let log: Value = app.get_json("/api/v1/audit?entity=employer&action=update", &admin).await;
    assert_eq!(log["total"], 1, "{log}");

    // A file that is no sheet is refused as a whole; an employer may not import.
    let r = api_import("\u{0}\u{1}binary".to_owned()).await;
    assert_eq!(r.status(), 400);
    let employer = app.login(EMPLOYER).await;
    let r = employer.upload("/employers/import", "dn.csv", LIST.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 403);
}
