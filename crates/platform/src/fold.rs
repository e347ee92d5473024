//! Diacritic-insensitive text folding, the one function used both to index
//! and to query: NFC → drop combining marks (tones, circumflex, breve, horn)
//! → đ/Đ → d → lower case → collapse whitespace.
//!
//! "Nguyễn Văn Đào" and "nguyen van dao" fold to the same key.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Fold `s` for search: see the module comment.
///
/// Hot in imports (every name of a million-row file), so it works per
/// character: a precomposed letter is replaced by the first character of its
/// canonical decomposition ("ễ" → "e"), which is what NFD followed by dropping
/// the marks gives, without building the decomposed string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] appended to `out`, so a caller folding many short values (code
/// lookups in an import) can reuse one buffer instead of allocating each time.
pub fn fold_into(s: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = out.len() > start;
            continue;
        }
        let base = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else if c == 'đ' || c == 'Đ' {
            'd'
        } else if is_combining_mark(c) {
            continue;
        } else {
            let mut first = None;
            decompose_canonical(c, |d| {
                first.get_or_insert(d);
            });
            let b = first.unwrap_or(c);
            if b.is_ascii() {
                b.to_ascii_lowercase()
            } else {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.extend(b.to_lowercase());
                continue;
            }
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(base);
    }
}

/// NFC form of user input (Vietnamese text arrives both composed and decomposed).
pub fn nfc(s: &str) -> String {
    let s = s.trim();
    // Most text arrives composed already: the quick check spares re-composing it.
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.to_owned();
    }
    s.nfc().collect()
}

/// Words of folded text, for token matching.
pub fn fold_words(s: &str) -> Vec<String> {
    words(&fold(s)).map(str::to_owned).collect()
}

/// The words of text already folded: how both the indexes and the queries split.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
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
    fn same_as_decomposing_the_whole_string() {
        for s in
            ["Nguyễn Văn Đào", "ĐẶNG THỊ ÁNH", "Trường Cao đẳng Kỹ thuật", "Ơ Đu, Rơ-măm", "Ê-đê", "Huỳnh Ngọc Quý"]
        {
            let slow: String = s
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
                .collect::<String>()
                .to_lowercase();
            assert_eq!(fold(s), slow.split_whitespace().collect::<Vec<_>>().join(" "), "{s}");
        }
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
