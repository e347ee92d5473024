//! Countries people go to work in (xuất khẩu lao động), by the names offices
//! write, as ISO 3166-1 alpha-2 codes: schema.org's `addressCountry` wants a
//! code, the vacancy form takes the country as written.

use platform::fold::fold;

/// ISO code and the folded names (Vietnamese, English) it is written as.
const COUNTRIES: &[(&str, &[&str])] = &[
    ("JP", &["nhat ban", "nhat", "japan"]),
    ("KR", &["han quoc", "dai han dan quoc", "korea", "south korea", "republic of korea"]),
    ("TW", &["dai loan", "dai loan trung quoc", "taiwan"]),
    ("CN", &["trung quoc", "china"]),
    ("HK", &["hong kong", "hongkong"]),
    ("MO", &["ma cao", "macau", "macao"]),
    ("DE", &["duc", "cong hoa lien bang duc", "germany"]),
    ("AU", &["uc", "australia", "oxtraylia"]),
    ("NZ", &["new zealand", "niu di lan"]),
    ("MY", &["malaysia", "ma lai xi a", "malaixia"]),
    ("SG", &["singapore", "xin ga po", "singapo"]),
    ("TH", &["thai lan", "thailand"]),
    ("LA", &["lao", "laos"]),
    ("KH", &["campuchia", "cambodia"]),
    ("BN", &["brunei"]),
    ("PH", &["philippines", "phi lip pin"]),
    ("ID", &["indonesia", "in do ne xi a"]),
    ("SA", &["a rap xe ut", "a-rap xe-ut", "saudi arabia", "arap saudi", "a rap saudi"]),
    ("AE", &["cac tieu vuong quoc a rap thong nhat", "uae", "united arab emirates", "dubai"]),
    ("QA", &["qatar", "ca ta"]),
    ("KW", &["kuwait", "co oet"]),
    ("IL", &["israel", "i xra en"]),
    ("RO", &["romania", "ru ma ni"]),
    ("PL", &["ba lan", "poland"]),
    ("HU", &["hungary", "hung ga ri"]),
    ("CZ", &["sec", "cong hoa sec", "czech", "czechia", "czech republic"]),
    ("SK", &["slovakia", "xlovakia"]),
    ("BG", &["bulgaria", "bun ga ri"]),
    ("RS", &["serbia", "xec bi"]),
    ("RU", &["nga", "lien bang nga", "russia"]),
    ("FR", &["phap", "france"]),
    ("IT", &["y", "italy"]),
    ("NL", &["ha lan", "netherlands"]),
    ("GB", &["anh", "vuong quoc anh", "united kingdom", "uk"]),
    ("US", &["my", "hoa ky", "united states", "usa"]),
    ("CA", &["canada", "ca na da"]),
    ("DZ", &["algeria", "an gie ri"]),
    ("AO", &["angola", "ang go la"]),
    ("MZ", &["mozambique", "mo dam bich"]),
];

/// The ISO 3166-1 alpha-2 code of a country as written ("Hàn Quốc", "Korea",
/// "kr"); `None` for a name not on the list.
pub fn iso_code(name: &str) -> Option<&'static str> {
    let folded = fold(name);
    // Hyphens and dots as spaces: "A-rập Xê-út", "CHLB Đức".
    let key: String = folded
        .chars()
        .map(|c| if c == '-' || c == '.' || c == ',' { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    COUNTRIES
        .iter()
        .find(|(code, names)| code.eq_ignore_ascii_case(&key) || names.contains(&key.as_str()))
        .map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_offices_write_them() {
        for (name, code) in [
            ("Hàn Quốc", "KR"),
            ("Nhật Bản", "JP"),
            ("  ĐÀI LOAN ", "TW"),
            ("A-rập Xê-út", "SA"),
            ("Korea", "KR"),
            ("de", "DE"),
            ("Đức", "DE"),
        ] {
            assert_eq!(iso_code(name), Some(code), "{name}");
        }
        assert_eq!(iso_code("Xứ Sở Thần Tiên"), None);
        assert_eq!(iso_code(""), None);
    }
}
