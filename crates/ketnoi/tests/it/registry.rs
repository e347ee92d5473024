//! The labour registry through HTTP: record, find without diacritics, scope,
//! audit, API, classification and indicators.

use serde_json::Value;
use testkit::{TestApp, COMMUNE_OFFICER, STAFF, VIEWER};

fn person<'a>(name: &'a str, cccd: &'a str, birth: &'a str, sex: &'a str, ward: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("full_name", name),
        ("cccd", cccd),
        ("birth_date", birth),
        ("sex", sex),
        ("ward_code", ward),
        ("qualification", "none"),
        ("employment_status", "unemployed"),
        ("needs", "job"),
        ("needs", "training"),
        ("training_trade", "Hàn"),
    ]
}

/// The person's id in the form's redirect (`/registry/7?saved=1`).
fn id_of(location: &str) -> i64 {
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("{location}"))
}

/// After saving, the officer reads "Đã lưu" and goes on to the next person;
/// the status has no default; a CCCD of the wrong length is told to need 12 digits.
#[tokio::test]
async fn form_saved_next_person_status_and_cccd_length() {
    let app = TestApp::spawn().await;
    let officer = app.login(COMMUNE_OFFICER).await;

    // A blank form: the status select starts on an empty "— chọn —" choice.
    let (_, html) = officer.get_text("/registry/new").await;
    let select = &html[html.find(r#"<select name="employment_status" required>"#).expect("status select")..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(select.contains(r#"<option value="">— chọn —</option>"#), "{select}");
    assert!(!select.contains("selected"), "no status chosen beforehand: {select}");
    // Sent without one: a clear error on that field, nothing saved.
    let mut no_status = person("Nguyễn Thị Đào", "056185012345", "05/06/1985", "female", "22504");
    no_status.retain(|(k, _)| *k != "employment_status");
    no_status.push(("employment_status", ""));
    let r = officer.post_form("/registry", &no_status).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Tình trạng việc làm: Không được để trống."), "{html}");
    assert_eq!(registry::store::count(&app.db, "56").await.unwrap(), 0);

    // 11 and 13 digits: "must have 12 digits", never "not a province code".
    for (cccd, lang, expected) in [
        ("12345678901", "vi", "CCCD phải gồm đúng 12 chữ số."),
        ("98345678901", "vi", "CCCD phải gồm đúng 12 chữ số."),
        ("0561850123456", "vi", "CCCD phải gồm đúng 12 chữ số."),
        ("12345678901", "en", "A CCCD must have exactly 12 digits."),
    ] {
        let r = officer
            .post_form(
                &format!("/registry?lang={lang}"),
                &person("Nguyễn Thị Đào", cccd, "05/06/1985", "female", "22504"),
            )
            .await;
        assert_eq!(r.status(), 422, "{cccd}");
        let html = r.text().await.unwrap();
        assert!(html.contains(expected), "{cccd}: {html}");
        assert!(!html.contains("mã tỉnh") && !html.contains("province code"), "{cccd}: {html}");
    }

    // Saved: the record says so and offers the next person.
    let r = officer
        .post_form("/registry", &person("Nguyễn Thị Đào", "056185012345", "05/06/1985", "female", "22504"))
        .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?saved=1"), "{location}");
    let (_, html) = officer.get_text(&location).await;
    assert!(html.contains("Đã lưu"), "{html}");
    assert!(
        html.contains(
            r#"<a class="button primary" href="/registry/new" data-testid="add-next">Thêm người tiếp theo</a>"#
        ),
        "{html}"
    );
    let (_, html) = officer.get_text(&format!("{location}&lang=en")).await;
    assert!(html.contains("Saved.") && html.contains("Add the next person"), "{html}");
    // Opened later, the record does not claim to have just been saved.
    let (_, html) = officer.get_text(&format!("/registry/{}", id_of(&location))).await;
    assert!(!html.contains(r#"data-testid="saved""#) && html.contains("Nguyễn Thị Đào"));
}

#[tokio::test]
async fn record_search_scope_and_audit() {
    let app = TestApp::spawn().await;
    let officer = app.login(COMMUNE_OFFICER).await;

    // Invalid input: every problem named, nothing saved.
    let mut bad = person("Nguyễn Thị Đào", "056185012345", "31/02/1985", "female", "22504");
    bad[1] = ("cccd", "056085012345"); // male digit
    let r = officer.post_form("/registry", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ngày không hợp lệ"), "{html}");
    assert!(html.contains("Nguyễn Thị Đào"), "what was typed is kept");

    // A valid person in the officer's commune.
    let mut good = person("Nguyễn Thị Đào", "056185012345", "05/06/1985", "female", "22504");
    good.push(("phone", "0905 123 456"));
    let r = officer.post_form("/registry", &good).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = id_of(&location);

    // The same CCCD again is refused.
    let r = officer
        .post_form("/registry", &person("Nguyễn Thị Đào", "056185012345", "05/06/1985", "female", "22504"))
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("đã có trong danh sách"));

    // Without CCCD, a possible duplicate is shown before saving; confirming saves.
    let r = officer.post_form("/registry", &person("Nguyễn Thị Đào", "", "05/06/1985", "female", "22504")).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("data-testid=\"duplicates\""));
    let mut confirmed = person("Nguyễn Thị Đào", "", "05/06/1985", "female", "22504");
    confirmed.push(("confirm_new", "1"));
    assert_eq!(officer.post_form("/registry", &confirmed).await.status(), 303);

    // Not in their communes: refused.
    let r = officer.post_form("/registry", &person("Trần Văn Nam", "", "01/01/1990", "male", "22366")).await;
    assert_eq!(r.status(), 422);

    // Staff register someone in Nha Trang.
    let staff = app.login(STAFF).await;
    let r = staff.post_form("/registry", &person("Trần Văn Đạo", "056090000123", "01/01/1990", "male", "22366")).await;
    assert_eq!(r.status(), 303);
    let other = id_of(r.headers()["location"].to_str().unwrap());

    // Search typed without diacritics, as you type.
    let (_, html) = officer.get_text("/registry?q=nguyen%20thi%20dao").await;
    assert!(html.contains(r#"data-testid="total">2<"#), "{html}");
    let (_, html) = officer.get_text("/registry?q=dao").await;
    assert!(html.contains(r#"data-testid="total">2<"#), "the officer does not see Nha Trang");
    let (_, html) = staff.get_text("/registry?q=dao").await;
    assert!(html.contains(r#"data-testid="total">3<"#));
    let (_, html) = staff.get_text("/registry?q=056185012345").await;
    assert!(html.contains(r#"data-testid="total">1<"#), "by CCCD");
    let (_, html) = officer.get_text("/registry?q=0905123456").await;
    assert!(html.contains(r#"data-testid="total">1<"#) && html.contains("Nguyễn Thị Đào"), "by phone: {html}");
    let (_, html) = officer.get_text("/registry?q=0905999999").await;
    assert!(html.contains(r#"data-testid="total">0<"#), "another number finds no one");
    // The same by the API, typed as people write numbers, and in English.
    let token = app.token(STAFF).await;
    let found = app.get_json("/api/v1/people?q=%2B84%20905%20123%20456", &token).await;
    assert_eq!((found["total"].as_u64(), found["items"][0]["full_name"].as_str()), (Some(1), Some("Nguyễn Thị Đào")));
    let (_, html) = officer.get_text("/registry?q=0905.123.456&lang=en").await;
    assert!(
        html.contains(r#"data-testid="total">1<"#) && html.contains("<html lang=\"en\""),
        "by phone, in English: {html}"
    );

    // Viewing a record is audited; another commune's record is refused and audited.
    let (status, html) = officer.get_text(&format!("/registry/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("056185012345") && html.contains("Xã Đại Lãnh"));
    assert_eq!(officer.get(&format!("/registry/{other}")).await.status(), 403);
    let admin_token = platform::auth::store::issue_token(&app.db, 1, "t").await.unwrap();
    let log: Value =
        app.get_json(&format!("/api/v1/audit?entity=person&entity_id={id}&action=read_personal"), &admin_token).await;
    assert_eq!(log["total"], 1);
    let log: Value = app.get_json("/api/v1/audit?action=denied&entity=person", &admin_token).await;
    assert_eq!(log["items"][0]["actor"], COMMUNE_OFFICER);

    // Edit: the change is saved and the audit names fields, not values.
    let mut edit = person("Nguyễn Thị Đào", "056185012345", "05/06/1985", "female", "22504");
    edit.retain(|(k, _)| *k != "needs");
    edit.push(("employment_status", "employed"));
    edit.retain(|(k, v)| !(*k == "employment_status" && *v == "unemployed"));
    edit.push(("occupation_isco", "7212"));
    let r = officer.post_form(&format!("/registry/{id}"), &edit).await;
    assert_eq!(r.status(), 303);
    let log: Value =
        app.get_json(&format!("/api/v1/audit?entity=person&entity_id={id}&action=update"), &admin_token).await;
    let detail = log["items"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("employment_status") && !detail.contains("7212"), "{detail}");

    // Leadership sees aggregates but no records.
    let viewer = app.login(VIEWER).await;
    assert_eq!(viewer.get("/registry").await.status(), 403);
    let (status, html) = viewer.get_text("/registry/indicators").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="labour-force">3<"#), "{html}");
}

#[tokio::test]
async fn api_list_get_create_and_indicators() {
    let app = TestApp::spawn().await;
    let (officer, _) = platform::auth::store::find_for_login(&app.db, COMMUNE_OFFICER).await.unwrap().unwrap();
    let token = platform::auth::store::issue_token(&app.db, officer.id, "t").await.unwrap();
    let api = reqwest::Client::new();
    let create = |body: Value| {
        let api = api.clone();
        let url = app.url("/api/v1/people");
        let token = token.clone();
        async move { api.post(url).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    let r = create(serde_json::json!({
        "full_name": "Lê Văn Hùng", "cccd": "056088001122", "birth_date": "12/03/1988", "sex": "nam",
        "ward_code": "22504", "qualification": "college", "employment_status": "employed", "occupation_isco": "7212"
    }))
    .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let again = create(serde_json::json!({
        "full_name": "Lê Văn Hùng", "cccd": "056088001122", "birth_date": "12/03/1988", "sex": "nam",
        "ward_code": "22504", "employment_status": "employed"
    }))
    .await;
    assert_eq!(again.status(), 409, "a registered CCCD is a conflict, as documented");
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");
    let r = create(serde_json::json!({
        "full_name": "Phạm Thị Lan", "birth_date": "01/01/2000", "sex": "nữ", "address": "Xã Khánh Nam, Huyện Khánh Vĩnh, Tỉnh Khánh Hòa",
        "employment_status": "thất nghiệp", "job_need": "việc làm"
    }))
    .await;
    assert_eq!(r.status(), 201, "an old address is converted");
    let r = create(serde_json::json!({"full_name": "X", "birth_date": "2020-01-01", "sex": "nam", "ward_code": "22504", "employment_status": "employed"})).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "birth_date");
    assert_eq!(body["error"]["fields"][0]["code"], "err.age.range");

    let list: Value = app.get_json("/api/v1/people?q=le%20van%20h", &token).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["full_name"], "Lê Văn Hùng");
    assert!(list["items"][0].get("cccd").is_none(), "lists carry no CCCD");
    let list: Value = app.get_json("/api/v1/people?status=unemployed&need=job", &token).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["ward_code"], "22624");
    let one: Value = app.get_json(&format!("/api/v1/people/{id}"), &token).await;
    assert_eq!(one["cccd"], "056088001122");

    let ind: Value = app.get_json("/api/v1/people/indicators", &token).await;
    assert_eq!(ind["province"]["labour_force"], 2);
    assert_eq!(ind["province"]["employed"], 1);
    assert_eq!(ind["province"]["trained"], 1);
    assert_eq!(ind["province"]["with_certificate"], 1);
    assert_eq!(ind["province"]["trained_rate"], 50.0);
}

/// The indicators counted on the in-memory index agree, commune by commune,
/// with the SQL formulation over the stored rows.
#[tokio::test]
async fn indicators_agree_with_sql() {
    let app = TestApp::spawn().await;
    let n = ketnoi::demo::seed_people(&app.db, "56", 3000, 11).await.unwrap();
    assert_eq!(n, 3000);
    let token = app.token(STAFF).await;
    // Written behind the server's back (as the CLI does): the index follows within seconds.
    let mut api: Value = Value::Null;
    for _ in 0..100 {
        api = app.get_json("/api/v1/people/indicators", &token).await;
        if api["province"]["people"] == 3000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(api["province"]["people"], 3000);
    let sql = registry::store::indicators_by_ward(&app.db, "56", &platform::auth::AreaScope::All).await.unwrap();
    let wards = api["wards"].as_array().unwrap();
    assert_eq!(wards.len(), sql.len());
    for (code, i) in &sql {
        let w = wards.iter().find(|w| w["ward_code"] == code.as_str()).unwrap_or_else(|| panic!("{code} missing"));
        for (field, value) in [
            ("people", i.people),
            ("labour_force", i.labour_force),
            ("employed", i.employed),
            ("unemployed", i.unemployed),
            ("trained", i.trained),
            ("with_certificate", i.with_certificate),
        ] {
            assert_eq!(w[field], value, "{field} of {code}");
        }
    }
    // The classification on bitmaps equals the SQL GROUP BY (compared sorted:
    // PostgreSQL's collation may order codes differently).
    let index = registry::search::SearchIndex::new();
    let entries = registry::store::index_entries(&app.db, "56", None).await.unwrap();
    index.upsert(&entries);
    for scope in
        [platform::auth::AreaScope::All, platform::auth::AreaScope::Wards(vec!["22504".into(), "22366".into()])]
    {
        let sql = registry::store::classification(&app.db, "56", &scope).await.unwrap();
        let key =
            |c: &registry::store::ClassCount| (c.need.clone(), c.ward_code.clone(), c.qualification.clone(), c.count);
        assert!(sql.len() > 20, "a varied sample");
        let sorted = |v: &[registry::store::ClassCount]| {
            let mut k: Vec<_> = v.iter().map(key).collect();
            k.sort();
            k
        };
        assert_eq!(sorted(&index.classification(&scope)), sorted(&sql));
    }
}

#[tokio::test]
async fn catch_up_reads_new_and_changed_people_once() {
    // Another writer (the CLI, a second server) changes the registry; a
    // follower reads each change once, by index ranges, never the whole table.
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 50, 3).await.unwrap();
    let follower = registry::service::Registry::new(app.db.clone(), "56");
    assert_eq!(follower.sync().await.unwrap(), 50, "the first load reads everyone");
    assert_eq!(follower.sync().await.unwrap(), 0, "nothing changed, nothing read");

    // One person changed, one recorded.
    let find = |text: &str| {
        let q = registry::search::Query { text: text.into(), ..Default::default() };
        follower.index.search(&q, &platform::auth::AreaScope::All, 0, 100).0
    };
    let mut changed = registry::store::get(&app.db, "56", 7).await.unwrap().unwrap().person;
    let old_name = platform::fold::fold(&changed.full_name);
    assert!(find(&old_name).contains(&7));
    let others = find("le van duc").len();
    changed.full_name = "Trần Thị Thu Hà".into();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(registry::store::update(&app.db, "56", 7, &changed).await.unwrap());
    let officer = app.login(COMMUNE_OFFICER).await;
    let r = officer.post_form("/registry", &person("Lê Văn Đức", "056090012346", "02/03/1990", "male", "22504")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(follower.sync().await.unwrap(), 2);
    assert_eq!(follower.sync().await.unwrap(), 0, "each change is read once");

    assert!(find("tran thi thu ha").contains(&7));
    assert!(!find(&old_name).contains(&7), "the old name is gone");
    assert_eq!(find("le van duc").len(), others + 1);
    assert_eq!(follower.index.len(), 51);
}

/// `n` with thousands separated by `sep` (4.132 in Vietnamese, 4,132 in English).
fn grouped(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The classification crosses the two dimensions chosen in the page's GET
/// form (empty or unknown choices fall back to the default, never an error),
/// shows zeros and totals, numbers in the page's language, and exports the
/// same table.
#[tokio::test]
async fn classification_by_chosen_dimensions_and_its_export() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 1200, 5).await.unwrap();
    let token = app.token(STAFF).await;
    let staff = app.login(STAFF).await;
    // Written behind the server's back: the index follows within seconds.
    for _ in 0..100 {
        if app.get_json("/api/v1/people?per_page=1", &token).await["total"] == 1200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Empty fields and nonsense mean the default: communes × needs.
    for query in ["", "?rows=&columns=", "?rows=nonsense&columns=%3Cb%3E", "?rows=ward&columns=ward"] {
        let (status, html) = staff.get_text(&format!("/registry/classification{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(html.contains(r#"data-rows="ward" data-columns="need""#), "{query}: {html}");
    }
    // Only the columns chosen: rows stay by commune.
    let (_, html) = staff.get_text("/registry/classification?rows=&columns=age").await;
    assert!(html.contains(r#"data-rows="ward" data-columns="age""#));

    let (status, html) = staff.get_text("/registry/classification?rows=sex&columns=status").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-rows="sex" data-columns="status""#), "{html}");
    assert!(html.contains(r#"<option value="sex" selected>Giới tính</option>"#), "{html}");
    assert!(html.contains(r#"<option value="status" selected>Tình trạng việc làm</option>"#), "{html}");
    assert!(html.contains(r#"data-testid="grand-total">1.200<"#), "Vietnamese thousands: {html}");
    assert!(html.contains(r#"<td data-label="Thất nghiệp""#), "cards on a phone label each value");
    // Each cell counts what the list finds with the same two filters, and links to it.
    let mut csv_expected = vec![];
    for sex in ["male", "female"] {
        let mut line = vec![];
        for status in ["employed", "unemployed", "inactive"] {
            let n = app.get_json(&format!("/api/v1/people?sex={sex}&status={status}&per_page=1"), &token).await
                ["total"]
                .as_u64()
                .unwrap();
            assert!(n > 0, "a varied sample");
            let cell = grouped(n, '.');
            assert!(
                html.contains(&format!(r#"<a href="/registry?sex={sex}&#38;status={status}">{cell}</a>"#)),
                "{sex} {status} {n}: {html}"
            );
            line.push(n);
        }
        csv_expected.push(line);
    }

    // The same table as CSV, with the same parameters (the page links to it).
    assert!(html.contains(r#"href="/registry/classification.csv?rows=sex&#38;columns=status""#), "{html}");
    let r = staff.get("/registry/classification.csv?rows=sex&columns=status").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        r"Giới tính \ Tình trạng việc làm,Có việc làm,Thất nghiệp,Không tham gia hoạt động kinh tế,Tổng số"
    );
    for (i, sex) in ["Nam", "Nữ"].into_iter().enumerate() {
        let n = &csv_expected[i];
        assert_eq!(lines[1 + i], format!("{sex},{},{},{},{}", n[0], n[1], n[2], n.iter().sum::<u64>()));
    }
    let column = |j: usize| csv_expected[0][j] + csv_expected[1][j];
    assert_eq!(lines[3], format!("Tổng số,{},{},{},1200", column(0), column(1), column(2)));
    assert_eq!(lines.len(), 4);

    // XLSX: the same counts, as numbers.
    let r = staff.get("/registry/classification.xlsx?rows=sex&columns=status&lang=en").await;
    assert_eq!(r.status(), 200);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("c.xlsx");
    std::fs::write(&path, r.bytes().await.unwrap()).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("Classification").unwrap();
    assert_eq!(range.get((0, 0)).unwrap().to_string(), r"Sex \ Employment status");
    assert_eq!(range.get((2, 0)).unwrap().to_string(), "Female");
    assert_eq!(range.get((2, 2)), Some(&calamine::Data::Float(csv_expected[1][1] as f64)));
    assert_eq!(range.get((3, 4)), Some(&calamine::Data::Float(1200.0)));

    // In English, English numbers; an age band nobody is in shows 0 like any other cell.
    let (_, html) = staff.get_text("/registry/classification?rows=age&columns=need&lang=en").await;
    assert!(html.contains(r#"data-testid="grand-total">1,200<"#), "{html}");
    assert!(html.contains("A person may have several needs"), "{html}");
    let table = &html[html.find(r#"data-testid="classification""#).unwrap()..html.find("</table>").unwrap()];
    let cells = table.matches("<td").count();
    assert_eq!(cells, 6 * 5, "five age bands and the totals row, four needs and the total column");
    assert!(!table.contains("\"></td>") && !table.contains("·"), "no blank cells: {table}");

    // The indicators page writes counts and rates the same way.
    let ind = app.get_json("/api/v1/people/indicators", &token).await;
    let (force, rate) =
        (ind["province"]["labour_force"].as_u64().unwrap(), ind["province"]["trained_rate"].as_f64().unwrap());
    let (_, html) = staff.get_text("/registry/indicators").await;
    let vi = format!(r#"data-testid="labour-force">{}<"#, grouped(force, '.'));
    assert!(html.contains(&vi), "{vi}: {html}");
    let vi_rate = format!(r#"data-testid="trained-rate">{}%<"#, format!("{rate:.1}").replace('.', ","));
    assert!(html.contains(&vi_rate), "{vi_rate}: {html}");
    let (_, html) = staff.get_text("/registry/indicators?lang=en").await;
    assert!(html.contains(&format!(r#"data-testid="trained-rate">{rate:.1}%<"#)), "{html}");
    let (_, html) = staff.get_text("/registry").await;
    assert!(html.contains(r#"data-testid="total">1.200<"#), "the list's total too");

    // Leadership sees the figures but no links to people.
    let viewer = app.login(VIEWER).await;
    let (status, html) = viewer.get_text("/registry/classification?rows=qualification&columns=sex").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-rows="qualification" data-columns="sex""#) && !html.contains("/registry?"), "{html}");
    assert_eq!(viewer.get("/registry/classification.csv?rows=qualification&columns=sex").await.status(), 200);
}
