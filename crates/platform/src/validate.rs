//! Collecting every problem of a form at once, each named by its field, so
//! the user fixes them in one go. Capabilities' rules build on this.

use crate::error::FieldError;
use crate::types::ParseError;

/// A character free text must not hold: a control character other than a
/// line break or tab (NUL breaks PostgreSQL text, the others XML feeds and
/// sheets), or a bidirectional override or isolate, which makes text read
/// differently from what it is (a name or a file name shown reversed).
pub fn unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether free text holds an [`unsafe_char`]: refused with `err.control_chars`.
pub fn has_unsafe(s: &str) -> bool {
    s.chars().any(unsafe_char)
}

#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, code: &str) {
        self.errors.push(FieldError { field: field.into(), code: code.into(), row: None });
    }

    /// Trimmed text, `None` when empty; too long (in characters) is an error.
    /// Markup is kept as typed: pages escape it, so it is shown, never run.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if has_unsafe(v) {
            self.fail(field, "err.control_chars");
            return None;
        }
        if v.chars().count() > max {
            self.fail(field, "err.too_long");
            return None;
        }
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// Text that must be present.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        match self.text(field, value, max) {
            Some(v) => v,
            None => {
                if !self.errors.iter().any(|e| e.field == field) {
                    self.fail(field, "err.required");
                }
                String::new()
            }
        }
    }

    /// A value parsed by a newtype; empty is `None`.
    pub fn parse<T>(&mut self, field: &str, value: &str, parse: impl Fn(&str) -> Result<T, ParseError>) -> Option<T> {
        if value.trim().is_empty() {
            return None;
        }
        match parse(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(field, e.key);
                None
            }
        }
    }

    /// A whole number in a range; empty is `None`.
    pub fn number(&mut self, field: &str, value: &str, min: i64, max: i64) -> Option<i64> {
        let v: String = value.chars().filter(|c| !matches!(c, ' ' | '.' | ',')).collect();
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.fail(field, "err.number.invalid");
                None
            }
        }
    }

    /// One of a fixed list of codes.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> String {
        self.pick(field, value, allowed).map(str::to_owned).unwrap_or_default()
    }

    /// One of a fixed list of codes, as the list's own `&'static str`.
    pub fn pick<'a>(&mut self, field: &str, value: &str, allowed: &[&'a str]) -> Option<&'a str> {
        let v = value.trim();
        let found = allowed.iter().find(|a| **a == v).copied();
        if found.is_none() {
            self.fail(field, if v.is_empty() { "err.required" } else { "err.code.unknown" });
        }
        found
    }

    /// A new account's password, typed twice.
    pub fn new_password(&mut self, field: &str, password: &str, repeat: &str) -> String {
        if password.chars().count() < 8 {
            self.fail(field, "err.password.short");
        } else if password != repeat {
            self.fail(field, "err.password.mismatch");
        }
        password.to_owned()
    }

    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_problem() {
        let mut c = Checker::new();
        assert_eq!(c.text("a", "  x  ", 5), Some("x".into()));
        assert_eq!(c.text("b", "", 5), None);
        assert_eq!(c.text("c", "ẩẩẩẩẩẩ", 5), None);
        assert_eq!(c.text("nul", "a\u{0}b", 5), None);
        assert_eq!(c.text("lines", "a\nb", 5), Some("a\nb".into()));
        assert_eq!(c.text("bidi", "abc\u{202E}fdp.exe", 50), None);
        assert_eq!(c.text("isolate", "a\u{2067}b", 50), None);
        assert_eq!(c.text("c1", "a\u{85}b", 50), None);
        assert_eq!(c.required("d", " ", 5), "");
        assert_eq!(c.number("e", "12.000.000", 0, 1_000_000_000), Some(12_000_000));
        assert_eq!(c.number("f", "-1", 0, 10), None);
        assert_eq!(c.one_of("g", "x", &["y"]), "");
        assert_eq!(c.parse("h", "0905123456", crate::types::PhoneNumber::parse).unwrap().as_str(), "0905123456");
        assert!(c.parse("i", "12", crate::types::PhoneNumber::parse).is_none());
        let fields: Vec<_> = c.errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("c", "err.too_long"),
                ("nul", "err.control_chars"),
                ("bidi", "err.control_chars"),
                ("isolate", "err.control_chars"),
                ("c1", "err.control_chars"),
                ("d", "err.required"),
                ("f", "err.number.invalid"),
                ("g", "err.code.unknown"),
                ("i", "err.phone.format")
            ]
        );
        assert!(c.finish(()).is_err());
    }
}
