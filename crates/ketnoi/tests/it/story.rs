//! The platform's user story through HTTP, on SQLite by default and on
//! PostgreSQL when KETNOI_TEST_DATABASE_URL is set.

use serde_json::Value;
use testkit::{TestApp, ADMIN, COMMUNE_OFFICER, PASSWORD, STAFF, VIEWER};

#[tokio::test]
async fn health_and_api_document() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let health: Value = b.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], if testkit::on_postgres() { "postgres" } else { "sqlite" });

    let spec: Value = b.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/admin-units/resolve"]["get"].is_object());
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    let (status, docs) = b.get_text("/api/docs").await;
    assert_eq!(status, 200);
    assert!(docs.contains("swagger-ui-bundle"));
    let js = b.get("/static/vendor/htmx-2.0.11.min.js").await;
    assert_eq!(js.status(), 200);
}

#[tokio::test]
async fn login_language_scope_and_logout() {
    let app = TestApp::spawn().await;
    let b = app.browser();

    // Anonymous visitors are sent to the login page, in Vietnamese.
    let r = b.get("/units").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Funits");
    let (_, html) = b.get_text("/login").await;
    assert!(html.contains("Đăng nhập") && html.contains("lang=\"vi\""));

    // A wrong password is refused with a clear message and audited.
    let r = b.login(COMMUNE_OFFICER, "wrong-password").await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Sai thư điện tử hoặc mật khẩu"));

    // A form without the CSRF token is refused.
    let r = b
        .client
        .post(b.url("/login"))
        .form(&[("email", COMMUNE_OFFICER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));

    let r = b.login(COMMUNE_OFFICER, PASSWORD).await;
    assert_eq!(r.status(), 303);

    // The commune officer sees only their two communes.
    let (status, html) = b.get_text("/units").await;
    assert_eq!(status, 200);
    assert!(html.contains("Xã Đại Lãnh") && html.contains("Xã Tây Khánh Vĩnh"));
    assert!(!html.contains("Phường Nha Trang"), "another commune leaked");
    assert!(html.contains(r#"data-testid="unit-count">2<"#));
    assert_eq!(b.get("/units/22366").await.status(), 403, "Phường Nha Trang is not theirs");
    let (_, unit) = b.get_text("/units/22504").await;
    assert!(unit.contains("Xã Vạn Thọ"), "the old commune behind Đại Lãnh is shown");
    assert!(unit.contains("12,6983; 109,3880"), "its centroid as Vietnamese write decimals");

    // Switching to English is remembered for this user only.
    let r = b.post_form("/lang", &[("lang", "en"), ("next", "/units")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.get_text("/units").await;
    assert!(html.contains("Administrative units") && html.contains("lang=\"en\""));
    let staff = app.login(STAFF).await;
    let (_, staff_html) = staff.get_text("/units").await;
    assert!(staff_html.contains("Đơn vị hành chính"), "another user keeps Vietnamese");
    assert!(staff_html.contains("Phường Nha Trang"), "staff see the whole province");
    // A fresh login of the officer is still in English.
    let again = app.login(COMMUNE_OFFICER).await;
    assert!(again.get_text("/").await.1.contains("Your communes"));

    // Admin pages are not for commune officers.
    let (status, html) = b.get_text("/admin/users").await;
    assert_eq!(status, 403);
    assert!(html.contains("Your account is not allowed"));

    let r = b.post_form("/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(b.get("/units").await.status(), 303);
}

#[tokio::test]
async fn admin_manages_users_and_reads_the_audit_log() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN).await;

    // Bad input is refused with the field's problem, nothing is created.
    let r = admin
        .post_form(
            "/admin/users",
            &[("email", "not-an-email"), ("display_name", "X"), ("role", "staff"), ("password", "long-enough-1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Địa chỉ thư điện tử không hợp lệ"));
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "xa.moi@kh.gov.vn"),
                ("display_name", "Cán bộ mới"),
                ("role", "commune_officer"),
                ("password", "long-enough-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "a commune officer needs communes");

    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "Xa.Moi@KH.gov.vn"),
                ("display_name", "Cán bộ mới"),
                ("role", "commune_officer"),
                ("wards", "22504"),
                ("wards", "22366"),
                ("password", "long-enough-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, list) = admin.get_text("/admin/users").await;
    assert!(list.contains("xa.moi@kh.gov.vn") && list.contains("22366, 22504"));
    let again = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "xa.moi@kh.gov.vn"),
                ("display_name", "Trùng"),
                ("role", "staff"),
                ("password", "long-enough-1"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);

    // The new user can log in and sees their communes.
    let newbie = app.browser();
    assert_eq!(newbie.login("xa.moi@kh.gov.vn", "long-enough-1").await.status(), 303);
    assert!(newbie.get_text("/units").await.1.contains(r#"data-testid="unit-count">2<"#));

    // Password change: wrong current password is refused, then it works.
    let r = newbie
        .post_form(
            "/account/password",
            &[("current", "nope-nope"), ("new", "new-password-2"), ("repeat", "new-password-2")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = newbie
        .post_form(
            "/account/password",
            &[("current", "long-enough-1"), ("new", "new-password-2"), ("repeat", "new-password-2")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.browser().login("xa.moi@kh.gov.vn", "long-enough-1").await.status(), 401);
    assert_eq!(app.browser().login("xa.moi@kh.gov.vn", "new-password-2").await.status(), 303);

    // Every write is in the audit log, which the admin can filter.
    let (status, html) = admin.get_text("/admin/audit?action=create&entity=user").await;
    assert_eq!(status, 200);
    assert!(html.contains(ADMIN) && html.contains("role=commune_officer"));
    let token = platform::auth::store::issue_token(&app.db, 1, "test").await.unwrap();
    let log: Value = app.get_json("/api/v1/audit?action=update", &token).await;
    assert!(log["total"].as_i64().unwrap() >= 1, "password change audited: {log}");
    let log: Value = app.get_json("/api/v1/audit?action=login_failed", &token).await;
    assert!(log["items"].as_array().unwrap().iter().any(|e| e["actor"] == "xa.moi@kh.gov.vn"));
    let log: Value = app.get_json("/api/v1/audit?action=read_personal", &token).await;
    assert_eq!(log["total"], 0);
    assert_eq!(admin.get("/admin/users/2").await.status(), 200);
    let log: Value = app.get_json("/api/v1/audit?action=read_personal&entity=user&entity_id=2", &token).await;
    assert_eq!(log["total"], 1, "viewing a user's record is audited");
}

#[tokio::test]
async fn api_tokens_errors_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let api = reqwest::Client::new();
    let r = api.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(body["error"]["message"], "Vui lòng đăng nhập để tiếp tục.");
    let body: Value = api
        .get(app.url("/api/v1/me"))
        .header("accept-language", "en-GB,en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"]["message"], "Please log in to continue.");

    let r = api.get(app.url("/api/v1/me")).bearer_auth("kn_forged").send().await.unwrap();
    assert_eq!(r.status(), 401);

    let (viewer, _) = platform::auth::store::find_for_login(&app.db, VIEWER).await.unwrap().unwrap();
    let token = platform::auth::store::issue_token(&app.db, viewer.id, "test").await.unwrap();
    let me: Value = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["email"], VIEWER);
    assert_eq!(me["role"], "viewer");
    // Bearer requests need no CSRF token, but are still subject to roles.
    let r = api.get(app.url("/api/v1/audit")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let r = api.get(app.url("/api/v1/no-such-thing?lang=en")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_found");
    let (status, html) = app.browser().get_text("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy"));
}

#[tokio::test]
async fn address_resolution_and_reference_data() {
    let app = TestApp::spawn().await;
    let api = reqwest::Client::new();
    let get = |q: &str| {
        let api = api.clone();
        let url = app.url(&format!("/api/v1/admin-units/resolve?{q}"));
        async move { api.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let r = get("address=x.%20van%20tho,%20h.%20van%20ninh,%20khanh%20hoa").await;
    assert_eq!(r["ward_code"], "22504");
    assert_eq!(r["ward_name"], "Xã Đại Lãnh");
    assert_eq!(r["certain"], true);
    let r = get("legacy_ward_code=22627").await;
    assert_eq!(r["ward_code"], "22624");
    let r = get("address=Ph%C6%B0%E1%BB%9Dng%201").await;
    assert_eq!(r["status"], "ambiguous");
    assert_eq!(r["certain"], false);
    assert!(r["ward_code"].is_null());
    let r = get("address=Xa%20Khong%20Co").await;
    assert_eq!(r["status"], "not_found");
    let r = api.get(app.url("/api/v1/admin-units/resolve")).send().await.unwrap();
    assert_eq!(r.status(), 400);

    let wards: Value =
        api.get(app.url("/api/v1/admin-units/provinces/56/wards")).send().await.unwrap().json().await.unwrap();
    assert!(wards.as_array().unwrap().iter().any(|w| w["code"] == "22504"));
    let provinces: Value =
        api.get(app.url("/api/v1/admin-units/provinces")).send().await.unwrap().json().await.unwrap();
    assert_eq!(provinces.as_array().unwrap().len(), 34);
    let occ: Value =
        api.get(app.url("/api/v1/occupations?q=tho%20han&level=4")).send().await.unwrap().json().await.unwrap();
    assert_eq!(occ[0]["code"], "7212");
    let eth: Value = api.get(app.url("/api/v1/code-lists/ethnic-groups")).send().await.unwrap().json().await.unwrap();
    assert_eq!(eth["items"].as_array().unwrap().len(), 54);

    // The same resolver on the page, as an htmx partial.
    let officer = app.login(COMMUNE_OFFICER).await;
    let r = officer
        .client
        .get(officer.url("/units/resolve?address=P.%20V%C4%A9nh%20H%E1%BA%A3i%2C%20TP%20Nha%20Trang"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"resolve-result\"") && !html.contains("<html"));
    assert!(html.contains("Phường"));
}

#[tokio::test]
async fn login_is_throttled() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for _ in 0..6 {
        assert_eq!(b.login(STAFF, "bad-password").await.status(), 401);
    }
    let r = b.login(STAFF, PASSWORD).await;
    assert_eq!(r.status(), 429, "even the right password waits its turn");
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Quá nhiều lần đăng nhập sai"));
}
