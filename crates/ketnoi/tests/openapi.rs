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
