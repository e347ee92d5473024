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
