//! Checking an employer's details.

use crate::model::*;
use platform::error::FieldError;
use platform::types::{Email, PhoneNumber, TaxCode, WardCode};
use platform::validate::Checker;
use refdata::RefData;

/// Validate what was typed; every problem is named by its field.
pub fn validate(input: &EmployerInput, d: &RefData) -> Result<Employer, Vec<FieldError>> {
    let mut c = Checker::new();
    let tax_code = c.parse("tax_code", &input.tax_code, TaxCode::parse);
    if input.tax_code.trim().is_empty() {
        c.fail("tax_code", "err.required");
    }
    let name = c.required("name", &input.name, 200);
    let vsic_section = c.text("vsic_section", &input.vsic_section, 1).map(|s| s.to_uppercase());
    if let Some(v) = &vsic_section {
        if !d.vsic_sections.iter().any(|s| &s.code == v) {
            c.fail("vsic_section", "err.code.unknown");
        }
    }
    let size_band = c.one_of("size_band", &input.size_band, &SIZE_BANDS);
    let ownership = c.one_of("ownership", &input.ownership, &OWNERSHIPS);
    let ward_code = c.parse("ward_code", &input.ward_code, WardCode::parse);
    match &ward_code {
        Some(w) if d.ward(w.as_str()).is_none() => c.fail("ward_code", "err.ward.unknown"),
        None if input.ward_code.trim().is_empty() => c.fail("ward_code", "err.required"),
        _ => {}
    }
    let street = c.text("street", &input.street, 200);
    let contact_name = c.text("contact_name", &input.contact_name, 100);
    let phone = c.parse("phone", &input.phone, PhoneNumber::parse);
    let email = c.parse("email", &input.email, Email::parse);
    let website = c.text("website", &input.website, 200);
    if let Some(w) = &website {
        if !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(char::is_whitespace) {
            c.fail("website", "err.url");
        }
    }
    if phone.is_none() && email.is_none() && c.errors.iter().all(|e| e.field != "phone" && e.field != "email") {
        c.fail("phone", "employers.err.contact");
    }
    let (Some(tax_code), Some(ward_code)) = (tax_code, ward_code) else {
        return Err(c.errors);
    };
    c.finish(Employer {
        tax_code,
        name,
        vsic_section,
        size_band,
        ownership,
        ward_code,
        street,
        contact_name,
        phone,
        email,
        website,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EmployerInput {
        EmployerInput {
            tax_code: "0100109106".into(),
            name: "Công ty TNHH Thủy sản Vạn Ninh".into(),
            vsic_section: "c".into(),
            size_band: "small".into(),
            ownership: "private".into(),
            ward_code: "22504".into(),
            phone: "0905 123 456".into(),
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn accepts_a_good_employer() {
        let e = validate(&good(), refdata::refdata()).unwrap();
        assert_eq!(e.vsic_section.as_deref(), Some("C"));
        assert_eq!(e.phone.unwrap().as_str(), "0905123456");
    }

    #[test]
    fn names_every_bad_field() {
        let bad = EmployerInput {
            tax_code: "0100109107".into(),
            name: "".into(),
            vsic_section: "Z".into(),
            size_band: "huge".into(),
            ward_code: "99999".into(),
            website: "javascript:alert(1)".into(),
            phone: String::new(),
            ..good()
        };
        let f = fields(validate(&bad, refdata::refdata()).unwrap_err());
        for (field, code) in [
            ("tax_code", "err.tax_code.check"),
            ("name", "err.required"),
            ("vsic_section", "err.code.unknown"),
            ("size_band", "err.code.unknown"),
            ("ward_code", "err.ward.unknown"),
            ("website", "err.url"),
            ("phone", "employers.err.contact"),
        ] {
            assert!(f.contains(&(field.into(), code.into())), "{field} {code} in {f:?}");
        }
    }
}
