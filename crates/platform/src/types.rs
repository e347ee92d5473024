//! Newtypes that can only hold valid values (parse, don't validate).
//! Errors carry a message key for i18n so the user reads them in their language.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused: an i18n key plus the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {input}")]
pub struct ParseError {
    pub key: &'static str,
    pub input: String,
}

impl ParseError {
    fn new(key: &'static str, input: &str) -> Self {
        Self { key, input: input.chars().take(60).collect() }
    }
}

/// The 3-digit province codes of the 63 pre-2025 provinces, which CCCD numbers
/// use (Circular 07/2016/TT-BCA, still issued that way after the 2025 merger).
const CCCD_PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
];

/// Số định danh cá nhân / CCCD: 12 digits = province (3) + sex-and-century (1)
/// + year of birth (2) + serial (6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct Cccd(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Cccd {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s: String = if input.len() == 12 && !input.contains(char::is_whitespace) {
            input.to_owned()
        } else {
            input.chars().filter(|c| !c.is_whitespace()).collect()
        };
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("err.cccd.format", input));
        }
        let province: u16 = s[..3].parse().expect("digits");
        if !CCCD_PROVINCES.contains(&province) {
            return Err(ParseError::new("err.cccd.province", input));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Sex and birth century encoded in the 4th digit (0/1: 1900s, 2/3: 2000s,
    /// 4/5: 2100s, 6/7: 2200s, 8/9: 1800s; even = male).
    pub fn sex(&self) -> Sex {
        if self.digit4() % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
    /// The year of birth the number encodes (century from digit 4, year from digits 5–6).
    pub fn birth_year(&self) -> i32 {
        let century = match self.digit4() / 2 {
            0 => 1900,
            1 => 2000,
            2 => 2100,
            3 => 2200,
            _ => 1800,
        };
        century + self.0[4..6].parse::<i32>().expect("digits")
    }
    fn digit4(&self) -> u8 {
        self.0.as_bytes()[3] - b'0'
    }
    /// Masked for screens and logs that must not show the whole number.
    pub fn masked(&self) -> String {
        format!("{}******{}", &self.0[..3], &self.0[9..])
    }
}

/// Số điện thoại: stored as the national form 0xxxxxxxxx.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        let national = if let Some(rest) = digits.strip_prefix("+84") {
            format!("0{rest}")
        } else if digits.len() == 11 && digits.starts_with("84") {
            format!("0{}", &digits[2..])
        } else {
            digits
        };
        let ok = national.bytes().all(|b| b.is_ascii_digit())
            && match national.len() {
                // Mobile networks: 03x, 05x, 07x, 08x, 09x.
                10 => matches!(&national[..2], "03" | "05" | "07" | "08" | "09"),
                // Landlines: 02 + area code.
                11 => national.starts_with("02"),
                _ => false,
            };
        if ok {
            Ok(Self(national))
        } else {
            Err(ParseError::new("err.phone.format", input))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a spreadsheet may have kept it: a number whose leading zero Excel
    /// dropped (912345678 was 0912345678; a landline 2583822123 was
    /// 02583822123) gets it back; the result must still be a valid number.
    pub fn parse_lenient(s: &str) -> Result<Self, ParseError> {
        Self::parse_restoring(s).map(|(p, _)| p)
    }

    /// [`Self::parse_lenient`], and whether a lost zero was put back (an
    /// import tells its importer so).
    pub fn parse_restoring(s: &str) -> Result<(Self, bool), ParseError> {
        let t = s.trim();
        let t = t.strip_suffix(".0").unwrap_or(t);
        let digits = t.bytes().all(|b| b.is_ascii_digit());
        let lost_zero = digits
            && matches!(
                (t.len(), t.as_bytes().first()),
                (9, Some(b'3' | b'5' | b'7' | b'8' | b'9')) | (10, Some(b'2'))
            );
        if lost_zero {
            return Self::parse(&format!("0{t}")).map(|p| (p, true));
        }
        Self::parse(t).map(|p| (p, false))
    }
}

/// Mã đơn vị hành chính cấp xã (GSO, 5 digits). Leading zeros lost by
/// spreadsheets ("4" for "00004") are restored. Whether the code exists is
/// checked against reference data, not here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct WardCode(String);

impl WardCode {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let s = s.strip_suffix(".0").unwrap_or(s); // numbers that went through Excel
        if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("err.ward.format", input));
        }
        Ok(Self(format!("{s:0>5}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A login e-mail address, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_lowercase();
        let valid = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
            });
        if valid {
            Ok(Self(s))
        } else {
            Err(ParseError::new("err.email.format", input))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Mã số thuế (MST): 10 digits whose last is a check digit over the first
/// nine (weights 31 29 23 19 17 13 7 5 3, N10 = 10 − sum mod 11), or a branch:
/// the parent's 10 digits, "-", and 3 digits (001–999). Numbers whose check
/// would be 10 are never issued. Spaces and a missing dash are tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

impl TaxCode {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let (main, branch) = match s.len() {
            10 => (&s[..], None),
            13 if s.is_ascii() => (&s[..10], Some(&s[10..])),
            14 if s.is_ascii() && s.as_bytes()[10] == b'-' => (&s[..10], Some(&s[11..])),
            _ => return Err(ParseError::new("err.tax_code.format", input)),
        };
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if !digits(main) || branch.is_some_and(|b| !digits(b)) {
            return Err(ParseError::new("err.tax_code.format", input));
        }
        if branch == Some("000") {
            return Err(ParseError::new("err.tax_code.format", input));
        }
        let d: Vec<u32> = main.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = d.iter().zip(Self::WEIGHTS).map(|(x, w)| x * w).sum();
        if 10 - sum % 11 != d[9] {
            return Err(ParseError::new("err.tax_code.check", input));
        }
        Ok(Self(match branch {
            Some(b) => format!("{main}-{b}"),
            None => main.to_owned(),
        }))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The parent enterprise's 10-digit code (itself when not a branch).
    pub fn parent(&self) -> &str {
        &self.0[..10]
    }
}

macro_rules! string_newtype_impls {
    ($($t:ident),*) => {$(
        impl TryFrom<String> for $t {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> { Self::parse(&s) }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String { v.0 }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
        impl std::str::FromStr for $t {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> { Self::parse(s) }
        }
    )*};
}
string_newtype_impls!(Cccd, PhoneNumber, WardCode, Email, TaxCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cccd_accepts_valid_and_decodes_sex_and_year() {
        let c = Cccd::parse("056 1 85 012345").unwrap();
        assert_eq!(c.as_str(), "056185012345");
        assert_eq!(c.sex(), Sex::Female);
        assert_eq!(c.birth_year(), 1985);
        let c = Cccd::parse("079203000001").unwrap();
        assert_eq!((c.sex(), c.birth_year()), (Sex::Male, 2003));
        assert_eq!(c.masked(), "079******001");
    }

    #[test]
    fn cccd_refuses_bad_input() {
        assert_eq!(Cccd::parse("05618501234").unwrap_err().key, "err.cccd.format");
        assert_eq!(Cccd::parse("05618501234X").unwrap_err().key, "err.cccd.format");
        // 003 is not a province code (Hà Giang was 002, Cao Bằng 004).
        assert_eq!(Cccd::parse("003185012345").unwrap_err().key, "err.cccd.province");
        assert_eq!(Cccd::parse("097185012345").unwrap_err().key, "err.cccd.province");
    }

    #[test]
    fn a_phone_excel_kept_as_a_number_gets_its_zero_back() {
        assert_eq!(PhoneNumber::parse_lenient("912345678").unwrap().as_str(), "0912345678");
        assert!(PhoneNumber::parse_restoring("912345678").unwrap().1, "the zero put back is told");
        assert!(!PhoneNumber::parse_restoring("0912345678").unwrap().1);
        assert_eq!(PhoneNumber::parse_lenient("912345678.0").unwrap().as_str(), "0912345678");
        assert_eq!(PhoneNumber::parse_lenient("2583822123").unwrap().as_str(), "02583822123");
        assert_eq!(PhoneNumber::parse_lenient("0912 345 678").unwrap().as_str(), "0912345678");
        assert!(PhoneNumber::parse_lenient("112345678").is_err(), "01x is no network: nothing is restored");
        assert!(PhoneNumber::parse_lenient("12345678").is_err());
    }

    #[test]
    fn phone_normalises_international_forms() {
        assert_eq!(PhoneNumber::parse("+84 905 123 456").unwrap().as_str(), "0905123456");
        assert_eq!(PhoneNumber::parse("84905123456").unwrap().as_str(), "0905123456");
        assert_eq!(PhoneNumber::parse("0258.3822.123").unwrap().as_str(), "02583822123");
        assert!(PhoneNumber::parse("0123456789").is_err());
        assert!(PhoneNumber::parse("090512345").is_err());
        assert!(PhoneNumber::parse("abc").is_err());
    }

    #[test]
    fn ward_code_restores_leading_zeros() {
        assert_eq!(WardCode::parse("4").unwrap().as_str(), "00004");
        assert_eq!(WardCode::parse("22504").unwrap().as_str(), "22504");
        assert_eq!(WardCode::parse("22504.0").unwrap().as_str(), "22504");
        assert!(WardCode::parse("225041").is_err());
        assert!(WardCode::parse("2250a").is_err());
        assert!(WardCode::parse("").is_err());
    }

    #[test]
    fn email_lowercases_and_checks_shape() {
        assert_eq!(Email::parse(" Can.Bo@KhanhHoa.gov.vn ").unwrap().as_str(), "can.bo@khanhhoa.gov.vn");
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("<script>@x.vn").is_err());
    }

    #[test]
    fn tax_code_checks_its_check_digit() {
        // 0100109106: 0·31+1·29+0·23+0·19+1·17+0·13+9·7+1·5+0·3 = 114; 114 mod 11 = 4; 10 − 4 = 6.
        assert_eq!(TaxCode::parse("0100109106").unwrap().as_str(), "0100109106");
        assert_eq!(TaxCode::parse("0100109107").unwrap_err().key, "err.tax_code.check");
        assert_eq!(TaxCode::parse("0100109106-001").unwrap().as_str(), "0100109106-001");
        assert_eq!(TaxCode::parse("0100109106001").unwrap().as_str(), "0100109106-001");
        assert_eq!(TaxCode::parse("0100109106-001").unwrap().parent(), "0100109106");
        assert_eq!(TaxCode::parse("0100109106-000").unwrap_err().key, "err.tax_code.format");
        assert_eq!(TaxCode::parse("0100109107-001").unwrap_err().key, "err.tax_code.check");
        assert_eq!(TaxCode::parse("010010910").unwrap_err().key, "err.tax_code.format");
        assert_eq!(TaxCode::parse("01001091O6").unwrap_err().key, "err.tax_code.format");
        assert_eq!(TaxCode::parse("0100109106+001").unwrap_err().key, "err.tax_code.format");
        // A sum divisible by 11 would need a check digit of 10: never issued.
        // 1000000000: 31 mod 11 = 9 → check 1, so 100000000x is valid only for x = 1.
        assert!(TaxCode::parse("1000000001").is_ok());
        assert!((0..10).filter(|x| *x != 1).all(|x| TaxCode::parse(&format!("100000000{x}")).is_err()));
        // 0000000000: sum 0 → check would be 10.
        assert_eq!(TaxCode::parse("0000000000").unwrap_err().key, "err.tax_code.check");
    }

    #[test]
    fn serde_goes_through_parse() {
        let ok: Result<Cccd, _> = serde_json::from_str("\"056185012345\"");
        assert!(ok.is_ok());
        let bad: Result<Cccd, _> = serde_json::from_str("\"123\"");
        assert!(bad.is_err());
    }
}
