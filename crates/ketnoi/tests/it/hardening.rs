//! No input makes the server drop a connection: a panic in a handler is a
//! 500 in the caller's language, and hostile values in every query and path
//! parameter of every GET operation (read from the OpenAPI document) and in
//! the pages' filters answer below 500.

use axum::routing::get;
use serde_json::Value;
use testkit::{TestApp, STAFF};

async fn boom() -> &'static str {
    if std::hint::black_box(true) {
        panic!("a bug in a handler");
    }
    "unreachable"
}

#[tokio::test]
async fn a_panic_is_a_500_in_the_callers_language_and_the_server_goes_on() {
    let extra = axum::Router::new().route("/api/v1/test-panic", get(boom)).route("/test-panic", get(boom));
    let app = TestApp::spawn_with_routes(extra).await;
    let client = reqwest::Client::new();
    let mut messages = Vec::new();
    for lang in ["vi", "en"] {
        let r = client.get(app.url("/api/v1/test-panic")).header("accept-language", lang).send().await.unwrap();
        assert_eq!(r.status(), 500);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "internal", "{body}");
        messages.push(body["error"]["message"].as_str().unwrap().to_owned());
    }
    assert_ne!(messages[0], messages[1], "each in its language: {messages:?}");
    let r = client.get(app.url("/test-panic")).send().await.unwrap();
    assert_eq!(r.status(), 500);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().status(), 200, "still serving");
}

/// Values people and tools send: other scripts, combining marks, emoji,
/// control characters, broken percent-encoding, huge and negative numbers.
const HOSTILE: [&str; 14] = [
    "aaa%C3%A9xx",
    "%C3%A9",
    "Nguy%E1%BB%85n",
    "e%CC%81%CC%81%CC%81",
    "%F0%9D%94%98%F0%9F%98%80",
    "%FF%FE",
    "%00",
    "%E2%80%AE",
    "-1",
    "99999999999999999999999",
    "1e308",
    "%27%20OR%201%3D1--",
    "%3Cscript%3E",
    "2026-H%CC%81",
];

#[tokio::test]
async fn hostile_values_in_every_get_parameter_answer_below_500() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 3, 5).await.unwrap();
    let staff = app.token(STAFF).await;
    let spec: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let client = reqwest::Client::new();
    let long = "%C3%A9".repeat(3000);
    let mut failures = Vec::new();
    let mut sent = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        let params: Vec<(String, String)> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| (p["name"].as_str().unwrap().to_owned(), p["in"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let plain = |p: &str| {
            let mut out = p.to_owned();
            for (name, _) in params.iter().filter(|(_, at)| at == "path") {
                out = out.replace(&format!("{{{name}}}"), "1");
            }
            out
        };
        for value in HOSTILE.iter().copied().chain([long.as_str()]) {
            let mut urls = Vec::new();
            for (name, at) in &params {
                match at.as_str() {
                    "query" => urls.push(format!("{}?{name}={value}", plain(path))),
                    "path" => urls.push(plain(&path.replace(&format!("{{{name}}}"), value))),
                    _ => {}
                }
            }
            for url in urls {
                sent += 1;
                match client.get(app.url(&url)).bearer_auth(&staff).send().await {
                    Ok(r) if r.status().as_u16() < 500 => {}
                    Ok(r) => failures.push(format!("{url}: {}", r.status())),
                    Err(e) => failures.push(format!("{url}: connection: {e}")),
                }
            }
        }
    }
    assert!(sent > 200, "the document lists the parameters: {sent} requests");
    // The pages' filters, as a signed-in member of staff sends them.
    let browser = app.login(STAFF).await;
    let pages = ["/recruitment-needs", "/jobs", "/registry", "/vacancies", "/employers", "/referrals", "/admin/jobs"];
    let names = ["period", "q", "page", "ward", "status", "near", "km", "wage", "limit", "from", "to", "sort", "lang"];
    for page in pages {
        for name in names {
            for value in HOSTILE {
                let url = format!("{page}?{name}={value}");
                match browser.get(&url).await.status().as_u16() {
                    s if s < 500 => {}
                    s => failures.push(format!("{url}: {s}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn headers_keep_personal_data_out_of_caches_and_bodies_over_the_limit_are_413() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let client = reqwest::Client::new();
    let r = client.get(app.url("/api/v1/people")).bearer_auth(&staff).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["cache-control"], "no-store", "personal data is not cached");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(
        h["permissions-policy"].to_str().unwrap().contains("geolocation=()"),
        "only camera and microphone, for this site"
    );
    assert!(h.get("strict-transport-security").is_none(), "no HSTS without --secure-cookies");
    let page = app.login(STAFF).await.get("/registry").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let css = client.get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
    assert!(css.headers()["cache-control"].to_str().unwrap().starts_with("public"));

    // A form over the limit: 413 in the caller's language, not a generic 400.
    let big = format!("email=a&password={}", "x".repeat(2 << 20));
    let r = client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    let secure = TestApp::spawn_with(|s| s.secure_cookies = true).await;
    let r = client.get(secure.url("/healthz")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
}

/// NUL, other control characters and bidirectional overrides are refused in
/// free text, with one message, in a person's fields as in a vacancy's or an
/// initiative's; nothing of the refused record is stored.
#[tokio::test]
async fn control_characters_and_bidirectional_overrides_are_refused_in_free_text() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let person = |name: &str, hamlet: &str| {
        serde_json::json!({"full_name": name, "birth_date": "01/03/1995", "sex": "nam", "ward_code": "22504",
            "employment_status": "unemployed", "qualification": "intermediate", "hamlet": hamlet})
    };
    for (name, hamlet, field) in [
        ("Nguyễn Văn \u{202E}oaĐ", "Thôn 1", "full_name"),
        ("Nguyễn Văn Đào", "Thôn\u{0}1", "hamlet"),
        ("Nguyễn Văn Đào", "Thôn \u{2066}1", "hamlet"),
        ("Nguyễn Văn Đào", "Thôn\u{1b}[31m1", "hamlet"),
    ] {
        let r = app.post_json("/api/v1/people", &staff, &person(name, hamlet)).await;
        assert_eq!(r.status(), 422, "{field}: {hamlet:?}");
        let body: Value = r.json().await.unwrap();
        let text = body.to_string();
        assert!(text.contains(field) && text.contains("ký tự điều khiển"), "{body}");
    }
    let r = app
        .post_json(
            "/api/v1/emulation/initiatives",
            &staff,
            &serde_json::json!({
        "title": "Sáng kiến \u{202E}txt.exe", "field": "vocational_training", "unit": "Phòng Việc làm",
        "authors": "Nguyễn Văn Đào", "year": "2026"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ký tự điều khiển"));
    let stored: (i64,) = platform::with_db!(&app.db, p => sqlx::query_as("SELECT COUNT(*) FROM people")
        .fetch_one(p).await.unwrap());
    assert_eq!(stored.0, 0, "nothing refused was stored");
    let ok = app.post_json("/api/v1/people", &staff, &person("Nguyễn Văn Đào", "Thôn 1\nxóm 2")).await;
    assert_eq!(ok.status(), 201, "line breaks are text");
}

/// A browser behind the trusted proxy, at `address` (as the proxy says).
fn browser_at(app: &TestApp, address: &str) -> testkit::Browser {
    let mut headers = reqwest::header::HeaderMap::new();
    // What the client wrote itself comes first and is never believed.
    let chain = format!("198.51.100.99, {address}");
    headers.insert("x-forwarded-for", chain.parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    testkit::Browser { client, base: app.base.clone() }
}

#[tokio::test]
async fn a_password_guesser_slows_only_themselves_and_the_owner_is_told() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let guesser = browser_at(&app, "203.0.113.5");
    for _ in 0..6 {
        assert_eq!(guesser.login(STAFF, "wrong-password").await.status(), 401);
    }
    // The sixth failure makes the next attempt from there wait a second,
    // even with the right password.
    let r = guesser.login(STAFF, testkit::PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.text().await.unwrap().contains("1 giây"));
    // The owner, from their own address, logs in at once.
    let owner = browser_at(&app, "192.0.2.10");
    assert_eq!(owner.login(STAFF, testkit::PASSWORD).await.status(), 303);
    // Four more failures from a third address make ten: the owner is told.
    let other = browser_at(&app, "203.0.113.6");
    for _ in 0..4 {
        assert_eq!(other.login(STAFF, "wrong-password").await.status(), 401);
    }
    let (_, html) = owner.get_text("/notifications").await;
    assert!(html.contains("đoán mật khẩu") && html.contains("203.0.113.6"), "{html}");
    // After its wait the guesser may try again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(guesser.login(STAFF, testkit::PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn an_address_trying_many_accounts_waits_and_untrusted_forwarding_is_ignored() {
    // No trusted proxy: every X-Forwarded-For is the client's own invention,
    // so changing it does not escape the address's count.
    let app = TestApp::spawn().await;
    for i in 0..21 {
        let b = browser_at(&app, &format!("203.0.113.{i}"));
        assert_eq!(b.login(&format!("nobody{i}@example.vn"), "wrong-password").await.status(), 401);
    }
    let r = browser_at(&app, "192.0.2.10").login(STAFF, testkit::PASSWORD).await;
    assert_eq!(r.status(), 429, "the address (loopback) must wait");
    assert!(r.headers().contains_key("retry-after"));
}

async fn session_rows(app: &TestApp) -> i64 {
    let (n,): (i64,) =
        platform::with_db!(&app.db, p => sqlx::query_as("SELECT COUNT(*) FROM sessions").fetch_one(p).await.unwrap());
    n
}

#[tokio::test]
async fn anonymous_requests_store_no_session_and_api_writes_without_credentials_are_401() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for path in ["/healthz", "/no-such-page", "/static/app.css", "/api/v1/vacancies", "/jobs", "/registry"] {
        let r = client.get(app.url(path)).send().await.unwrap();
        assert!(r.status().as_u16() < 500, "{path}");
        assert!(r.headers().get("set-cookie").is_none(), "{path} sets no cookie");
    }
    assert_eq!(session_rows(&app).await, 0, "no anonymous visit above stored a session");
    // A page with a form does: its form token needs one.
    let r = client.get(app.url("/login")).send().await.unwrap();
    assert!(r.headers().get("set-cookie").is_some());
    assert_eq!(session_rows(&app).await, 1);

    // Writes to the API with neither a token nor a session: 401, whatever the body.
    let r = client.post(app.url("/api/v1/people")).body("x").header("content-type", "text/plain").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = client.post(app.url("/api/v1/people")).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The bearer scheme in any case (RFC 7235).
    let token = app.token(STAFF).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let r = client
            .get(app.url("/api/v1/people?q=nguyen"))
            .header("authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn a_new_password_ends_other_sessions_and_tokens_can_be_revoked() {
    let app = TestApp::spawn().await;
    let laptop = app.login(STAFF).await;
    let phone = app.login(STAFF).await;
    assert_eq!(phone.get("/registry").await.status(), 200);
    let token = app.token(STAFF).await;
    let api = |t: String| {
        let app = &app;
        async move {
            reqwest::Client::new().get(app.url("/api/v1/people")).bearer_auth(t).send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(api(token.clone()).await, 200);

    let r = laptop
        .post_form(
            "/account/password",
            &[("current", testkit::PASSWORD), ("new", "mot-mat-khau-moi-2026"), ("repeat", "mot-mat-khau-moi-2026")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(laptop.get("/registry").await.status(), 200, "the browser that changed it stays in");
    let r = phone.get("/registry").await;
    assert_eq!(r.status(), 303, "every other session is over");
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));

    // The token is listed on the same page, and revoked there.
    let (_, html) = laptop.get_text("/account/password").await;
    let at = html.find("/account/tokens/").expect("the token is listed");
    let id: String = html[at + "/account/tokens/".len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
    // Someone else cannot revoke it.
    let other = app.login(testkit::ADMIN).await;
    assert_eq!(other.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await.status(), 404);
    assert_eq!(api(token.clone()).await, 200);
    assert_eq!(laptop.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await.status(), 303);
    assert_eq!(api(token).await, 401, "a revoked token no longer works");
    let (_, html) = laptop.get_text("/account/password").await;
    assert!(!html.contains("/account/tokens/"));
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The text of every `<code>` element inside the element marked `testid`.
fn codes_in(html: &str, testid: &str) -> Vec<String> {
    let start = html.find(&format!("data-testid=\"{testid}\"")).expect(testid);
    let part = &html[start..];
    let part = &part[..part.find("</ul>").unwrap_or(part.len())];
    part.split("<code>").skip(1).map(|s| s[..s.find("</code>").unwrap()].to_owned()).collect()
}

#[tokio::test]
async fn a_second_factor_is_asked_after_the_password_and_each_code_works_once() {
    use platform::auth::second_factor::{code_at, STEP};
    let app = TestApp::spawn().await;
    let me = app.login(STAFF).await;
    let (_, account) = me.get_text("/account/password").await;
    assert!(account.contains("href=\"/account/second-factor\""), "the account page leads there");
    let (status, html) = me.get_text("/account/second-factor").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg"), "a QR code to scan");
    let start = html.find("data-testid=\"secret\">").unwrap() + "data-testid=\"secret\">".len();
    let secret: String = html[start..start + 60].split('<').next().unwrap().replace(' ', "");
    // A wrong code does not turn it on.
    let r = me.post_form("/account/second-factor", &[("code", "000000")]).await;
    assert_eq!(r.status(), 422);
    let code = code_at(&secret, now()).unwrap();
    let (status, html) = {
        let r = me.post_form("/account/second-factor", &[("code", &code)]).await;
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    let recovery = codes_in(&html, "recovery-codes");
    assert_eq!(recovery.len(), 10, "{html}");

    // The next login: the password alone is not enough.
    let b = app.browser();
    let r = b.login(STAFF, testkit::PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login/code");
    assert_eq!(b.get("/registry").await.status(), 303, "not logged in yet");
    // The code that turned it on was used: not again.
    let r = b.post_form("/login/code", &[("code", &code)]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Mã không đúng hoặc đã dùng"));
    let next = code_at(&secret, now() + STEP).unwrap();
    let r = b.post_form("/login/code", &[("code", &next)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(b.get("/registry").await.status(), 200);

    // A lost phone: a recovery code, typed loosely, once.
    let c = app.browser();
    c.login(STAFF, testkit::PASSWORD).await;
    let typed = recovery[3].to_uppercase().replace('-', " ");
    assert_eq!(c.post_form("/login/code", &[("code", &typed)]).await.status(), 303);
    assert_eq!(c.get("/registry").await.status(), 200);
    let d = app.browser();
    d.login(STAFF, testkit::PASSWORD).await;
    assert_eq!(d.post_form("/login/code", &[("code", &recovery[3])]).await.status(), 401, "spent");
    let (_, html) = c.get_text("/notifications").await;
    assert!(html.contains("mã khôi phục") && html.contains("còn 9 mã"), "the owner is told");

    // Turning it off asks for the password.
    let r = c.post_form("/account/second-factor/off", &[("password", "wrong-password")]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(c.post_form("/account/second-factor/off", &[("password", testkit::PASSWORD)]).await.status(), 303);
    assert_eq!(app.browser().login(STAFF, testkit::PASSWORD).await.headers()["location"], "/");
}

#[tokio::test]
async fn an_administrator_can_require_a_second_factor_of_a_role() {
    let app = TestApp::spawn().await;
    let admin = app.login(testkit::ADMIN).await;
    let (_, html) = admin.get_text("/admin/users").await;
    assert!(html.contains("data-testid=\"second-factor-roles\""));
    let r = admin.post_form("/admin/second-factor", &[("roles", "commune_officer"), ("roles", "staff")]).await;
    assert_eq!(r.status(), 303);

    // A commune officer without one is sent to set it up, from any page.
    let officer = app.login(testkit::COMMUNE_OFFICER).await;
    for path in ["/registry", "/", "/poverty"] {
        let r = officer.get(path).await;
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(r.headers()["location"], "/account/second-factor");
    }
    let (status, html) = officer.get_text("/account/second-factor").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"second-factor-required\""));
    // An API token, issued by an administrator, is not asked.
    let token = app.token(testkit::COMMUNE_OFFICER).await;
    let r = reqwest::Client::new().get(app.url("/api/v1/people")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Other roles are not asked.
    assert_eq!(app.login(testkit::EMPLOYER).await.get("/").await.status(), 200);
    // Once set up, the officer works as before and cannot turn it off.
    let (_, html) = officer.get_text("/account/second-factor").await;
    let start = html.find("data-testid=\"secret\">").unwrap() + "data-testid=\"secret\">".len();
    let secret: String = html[start..start + 60].split('<').next().unwrap().replace(' ', "");
    let code = platform::auth::second_factor::code_at(&secret, now()).unwrap();
    assert_eq!(officer.post_form("/account/second-factor", &[("code", &code)]).await.status(), 200);
    assert_eq!(officer.get("/registry").await.status(), 200);
    let r = officer.post_form("/account/second-factor/off", &[("password", testkit::PASSWORD)]).await;
    assert_eq!(r.status(), 422);
}

// ---------- every parser of what people type, over any text ----------

/// Text as it arrives: Vietnamese in both normal forms, digits and the
/// separators people type, controls, direction marks, other scripts.
fn typed() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces = prop::sample::select(vec![
        "Đ",
        "đ",
        "ệ",
        "e\u{0302}\u{0323}",
        "Nguyễn",
        "xã",
        "x.",
        "P.",
        "tp",
        "TP.",
        "Hồ Chí Minh",
        "Khánh Hòa",
        "h.",
        " ",
        "  ",
        ",",
        ";",
        ".",
        "/",
        "-",
        "+84",
        "0",
        "9",
        "1",
        "12",
        "2026",
        "31/12/",
        "29/02/",
        "1e9",
        "-1",
        "%",
        "\u{0}",
        "\u{7}",
        "\u{202e}",
        "\u{2066}",
        "\u{feff}",
        "\u{fffd}",
        "日本",
        "😀",
        "ẞ",
        "İ",
        "'",
        "\"",
        "<",
        "&",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_owned), any::<char>().prop_map(String::from)], 0..12)
        .prop_map(|v| v.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

    #[test]
    fn no_parser_panics_on_any_text(s in typed()) {
        use platform::types::{Cccd, Email, PhoneNumber, TaxCode, WardCode};
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let d = refdata::refdata();
        let _ = (Cccd::parse(&s), PhoneNumber::parse(&s), PhoneNumber::parse_restoring(&s));
        let _ = (WardCode::parse(&s), Email::parse(&s), TaxCode::parse(&s));
        let _ = (platform::i18n::parse_date(&s), platform::i18n::Lang::from_accept_language(&s));
        let _ = (platform::web::query_date("from", Some(&s)), platform::web::query_year("year", Some(&s)));
        let _ = (platform::web::without_empty_params(&s), platform::web::safe_next(Some(&s)));
        let _ = (registry::rules::parse_date(&s), registry::rules::parse_birth_date(&s, today));
        let _ = (registry::rules::parse_sex(&s), registry::rules::parse_status(&s), registry::rules::parse_needs(&s));
        let _ = (registry::rules::parse_money(&s), registry::rules::parse_cccd_lenient(&s));
        let _ = registry::rules::parse_work_provinces(&s, d, "56");
        let _ = (d.resolve_address(&s), d.resolve_legacy_code(&s), d.province_named(&s));
        let _ = (vacancies::import::wage_of(&s), vacancies::import::contract_of(&s), vacancies::import::deadline_of(&s));
        let _ = vacancies::countries::iso_code(&s);
    }

    #[test]
    fn folding_is_idempotent_and_leaves_plain_lower_case(s in typed()) {
        let once = platform::fold::fold(&s);
        proptest::prop_assert_eq!(platform::fold::fold(&once), once.clone());
        proptest::prop_assert!(!once.contains('đ') && !once.contains('Đ'));
        proptest::prop_assert!(once.chars().all(|c| !c.is_uppercase() || c.to_lowercase().eq(std::iter::once(c))));
    }

    #[test]
    fn a_local_redirect_never_leaves_the_site(s in typed()) {
        let next = platform::web::safe_next(Some(&s));
        proptest::prop_assert!(next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\"));
        proptest::prop_assert!(!next.chars().any(|c| c.is_control() || c.is_whitespace()));
    }
}
