//! Diacritic-insensitive text folding, the one function used both to index
//! and to query: NFC → drop combining marks (tones, circumflex, breve, horn)
//! → đ/Đ → d → lower case → collapse whitespace.
//!
//! "Nguyễn Văn Đào" and "nguyen van dao" fold to the same key.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Fold `s` for search: see the module comment.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // NFD splits "ễ" into "e" + circumflex + tilde, so the marks can be dropped.
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// NFC form of user input (Vietnamese text arrives both composed and decomposed).
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Words of folded text, for token matching.
pub fn fold_words(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tones_and_d_bar() {
        assert_eq!(fold("Nguyễn Văn Đào"), "nguyen van dao");
        assert_eq!(fold("ĐẶNG thị  Ánh"), "dang thi anh");
        assert_eq!(fold("Khánh Hòa"), fold("Khánh Hoà"));
    }

    #[test]
    fn composed_and_decomposed_input_agree() {
        let composed = "Trường";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(&decomposed));
        assert_eq!(nfc(&decomposed), composed);
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(fold("  Vạn \t Thọ  "), "van tho");
    }

    #[test]
    fn words_split_on_punctuation() {
        assert_eq!(fold_words("X. Vạn Thọ, H. Vạn Ninh"), ["x", "van", "tho", "h", "van", "ninh"]);
    }
}
