//! Forgiving text comparison: the one folding used for headers, enumeration values and
//! other names a caseworker types by hand; and Unicode's composed form (NFC), which
//! every text read is brought to.

/// `text` in Unicode's composed form (NFC): a letter and its combining mark (`и` + U+0306,
/// as macOS writes file contents and names) become the one letter (`й`). Text already
/// composed, nearly every file, is returned as it is after one quick check.
pub fn to_nfc(text: String) -> String {
    if needs_nfc(&text) {
        use unicode_normalization::UnicodeNormalization;
        text.nfc().collect()
    } else {
        text
    }
}

/// Whether `text` is not in NFC.
pub fn needs_nfc(text: &str) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    // Below U+0300 and in the Cyrillic block (lead bytes D0–D3) every character is
    // composed and none can combine with the one before; a text made only of those
    // (Russian and Kazakh text, Latin names) needs no further look: one pass over the
    // bytes, without decoding a character.
    let suspect = |b: u8| b >= 0xCC && !(0xD0..=0xD3).contains(&b);
    text.bytes().any(suspect) && is_nfc_quick(text.chars()) != IsNormalized::Yes
}

/// Folds `s` for comparison: trims, lower-cases, treats `ё` as `е`, `_` and `-` as
/// spaces, collapses runs of white space (including no-break spaces) and drops a
/// trailing `:` or `*` (as in "Фамилия*").
pub fn fold(s: &str) -> String {
    let composed;
    let s = if needs_nfc(s) {
        use unicode_normalization::UnicodeNormalization;
        composed = s.nfc().collect::<String>();
        &composed
    } else {
        s
    };
    let s = s.trim().trim_end_matches([':', '*']).trim_end();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = match c {
            '_' | '-' => ' ',
            'ё' | 'Ё' => 'е',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{fold, to_nfc};

    #[test]
    fn folds_case_space_and_yo() {
        assert_eq!(fold("  Дата\u{a0} рождения "), "дата рождения");
        assert_eq!(fold("ДАТА_РОЖДЕНИЯ"), "дата рождения");
        assert_eq!(fold("Снят с воинского учёта"), "снят с воинского учета");
        assert_eq!(fold("Applicant-ID*"), "applicant id");
        assert_eq!(fold("Фамилия:"), "фамилия");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn text_is_composed() {
        let decomposed = "Серге\u{438}\u{306} Ёлкин".to_string();
        assert_eq!(to_nfc(decomposed), "Сергей Ёлкин");
        assert_eq!(to_nfc("Сергей Ёлкин".into()), "Сергей Ёлкин");
        assert_eq!(to_nfc("Ernst Mu\u{308}ller".into()), "Ernst Müller");
    }

    #[test]
    fn folds_decomposed_letters_as_composed() {
        assert_eq!(
            fold("Свидетельство о рождении Андре\u{438}\u{306}"),
            fold("свидетельство о рождении Андрей")
        );
    }
}
