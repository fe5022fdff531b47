//! Forgiving text comparison: the one folding used for headers, enumeration values and
//! other names a caseworker types by hand.

/// Folds `s` for comparison: trims, lower-cases, treats `ё` as `е`, `_` and `-` as
/// spaces, collapses runs of white space (including no-break spaces) and drops a
/// trailing `:` or `*` (as in "Фамилия*").
pub fn fold(s: &str) -> String {
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
    use super::fold;

    #[test]
    fn folds_case_space_and_yo() {
        assert_eq!(fold("  Дата\u{a0} рождения "), "дата рождения");
        assert_eq!(fold("ДАТА_РОЖДЕНИЯ"), "дата рождения");
        assert_eq!(fold("Снят с воинского учёта"), "снят с воинского учета");
        assert_eq!(fold("Applicant-ID*"), "applicant id");
        assert_eq!(fold("Фамилия:"), "фамилия");
        assert_eq!(fold(""), "");
    }
}
