//! Forgiving text comparison: the one folding used for headers, enumeration values and
//! other names a caseworker types by hand; Unicode's composed form (NFC), which every
//! text read is brought to; and the escaping of what a terminal would obey instead of
//! print (control characters and bidirectional overrides from file names and cells).

use std::borrow::Cow;

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
    // In chunks, each folded without an early exit, so that the compiler can test many
    // bytes at once (measured with callgrind on 20,000 applicants: a byte-at-a-time
    // `any` was most of the cost of reading a batch in NFC).
    let mut chunks = text.as_bytes().chunks_exact(64);
    let any_suspect = chunks
        .by_ref()
        .any(|chunk| chunk.iter().fold(false, |acc, &b| acc | suspect(b)))
        || chunks.remainder().iter().any(|&b| suspect(b));
    any_suspect && is_nfc_quick(text.chars()) != IsNormalized::Yes
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

/// Whether a terminal acts on `c` instead of showing it: a control character (ESC that
/// starts a colour or cursor sequence, CR that returns to the start of the line, line
/// feed, tab, backspace, DEL, the C1 controls) or a bidirectional mark, embedding,
/// override or isolate, which reorders what follows on the line.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every character a terminal would act on written out as an escape (`\n`,
/// `\r`, `\t`, `\u{1b}`), so that a value from a file (a name, an id, a file name) prints
/// as one visible piece of one line and can neither colour, move the cursor nor start a
/// line of its own. Text without such characters is returned as it is.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape_where(s, acts_on_terminal)
}

/// `s`, a text of lines the tool composed, for a terminal: line breaks are kept, every
/// other character a terminal would act on is escaped as in [`escape_controls`]. The last
/// pass over everything written to a terminal; values inside a line are escaped whole
/// with [`escape_controls`] where they are inserted.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && acts_on_terminal(c))
}

fn escape_where(s: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !escape(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{escape_controls, fold, terminal_text, to_nfc};

    #[test]
    fn controls_are_escaped_for_the_terminal() {
        assert_eq!(escape_controls("Ерлан Әбенов"), "Ерлан Әбенов");
        assert_eq!(
            escape_controls("A1\x1b[32m ready\r\nA2\t\u{202E}x\u{85}"),
            "A1\\u{1b}[32m ready\\r\\nA2\\t\\u{202e}x\\u{85}"
        );
        assert_eq!(terminal_text("a\nb\x1b[2J\n"), "a\nb\\u{1b}[2J\n");
        assert!(matches!(
            terminal_text("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

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
