//! The OpenAPI document is generated from the handlers' annotations; this
//! snapshot shows every change to the public API in review.

#[test]
fn openapi_document_snapshot() {
    let spec = serde_json::to_value(ketnoi::openapi()).unwrap();
    insta::assert_json_snapshot!("openapi", spec);
}

#[test]
fn every_api_route_is_documented_with_responses() {
    let spec = serde_json::to_value(ketnoi::openapi()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 8);
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} has no tag");
        }
    }
}

/// Two schemas of one name are one in the document (the last wins), so a
/// response would point at the other's shape: every type the document
/// describes has a name of its own (`#[schema(as = …)]` where two crates
/// chose the same).
#[test]
fn every_schema_name_is_used_once() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    let mut clashes = vec![];
    let mut files = vec![];
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() && !p.ends_with("target") && !p.ends_with("tests") {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start().trim_start_matches("pub ");
            let Some(rest) = t.strip_prefix("struct ").or_else(|| t.strip_prefix("enum ")) else { continue };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // The attributes above the declaration.
            let attrs: Vec<&str> =
                lines[..i].iter().rev().take_while(|l| l.trim_start().starts_with(['#', '/'])).copied().collect();
            if !attrs.iter().any(|a| a.contains("ToSchema")) {
                continue;
            }
            let name = attrs
                .iter()
                .find_map(|a| a.split("schema(as = ").nth(1))
                .map(|s| s.split(')').next().unwrap().rsplit("::").next().unwrap().to_owned())
                .unwrap_or(name);
            let here = format!("{}:{}", f.display(), i + 1);
            if let Some(first) = seen.insert(name.clone(), here.clone()) {
                clashes.push(format!("{name}: {first} and {here}"));
            }
        }
    }
    assert!(seen.len() > 100 && seen.contains_key("ImportReport"), "the sources were read: {}", seen.len());
    assert!(clashes.is_empty(), "schema names used twice:\n{}", clashes.join("\n"));
}
