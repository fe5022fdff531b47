//! Pure parsers for the cell values of the input contract: dates, counts, decimal
//! amounts, digit strings and identifiers. Each returns `None` on a value it cannot read;
//! the caller turns that into a `data.format` finding.

use jiff::civil::Date;

/// `s.trim()`, without looking at characters when the value starts and ends with a
/// visible ASCII character or a Cyrillic letter, as most cells do (no whitespace
/// character of Unicode is made of the bytes of those).
#[inline]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let plain_start = b
        .first()
        .is_none_or(|&c| c.is_ascii_graphic() || (0xD0..=0xD4).contains(&c));
    // A Cyrillic letter is two bytes, the first D0–D4 (never the middle of a character).
    let plain_end = match b {
        [] => true,
        [.., lead, last] if (0xD0..=0xD4).contains(lead) => (0x80..=0xBF).contains(last),
        [.., last] => last.is_ascii_graphic(),
    };
    if plain_start && plain_end {
        s
    } else {
        s.trim()
    }
}

/// Parses `YYYY-MM-DD` or `DD.MM.YYYY` (day and month may have one digit, as Excel
/// sometimes writes them). Impossible dates such as 31.02 are rejected.
pub fn date(s: &str) -> Option<Date> {
    let s = trim(s);
    if let Some(d) = iso_date_fast(s.as_bytes()) {
        return d;
    }
    let (y, m, d) = if let Some((y, rest)) = s.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        (y, m, d)
    } else {
        let (d, rest) = s.split_once('.')?;
        let (m, y) = rest.split_once('.')?;
        if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
            return None;
        }
        (y, m, d)
    };
    let y: i16 = digits_only(y)?.parse().ok()?;
    let m: i8 = digits_only(m)?.parse().ok()?;
    let d: i8 = digits_only(d)?.parse().ok()?;
    if y < 1800 {
        return None;
    }
    Date::new(y, m, d).ok()
}

/// `YYYY-MM-DD` read byte by byte, the common case; `None` when `b` has another shape
/// (then the general parser decides), `Some(None)` for an impossible date.
fn iso_date_fast(b: &[u8]) -> Option<Option<Date>> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut n = [0i16; 8];
    for (k, i) in [0, 1, 2, 3, 5, 6, 8, 9].into_iter().enumerate() {
        if !b[i].is_ascii_digit() {
            return None;
        }
        n[k] = i16::from(b[i] - b'0');
    }
    let y = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3];
    let m = (n[4] * 10 + n[5]) as i8;
    let d = (n[6] * 10 + n[7]) as i8;
    Some(if y < 1800 {
        None
    } else {
        Date::new(y, m, d).ok()
    })
}

fn digits_only(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// Parses a non-negative whole number such as a count of offences.
pub fn count(s: &str) -> Option<u32> {
    digits_only(trim(s))?.parse().ok()
}

/// Parses a non-negative decimal written the Russian or the English way ("12 500,50",
/// "12500.50", "1,234.5", "1.234,5") into an integer scaled by 10^`scale` (kopecks for
/// `scale` 2). A lone `.` or `,` is the decimal separator; a repeated one, or the first
/// of two different ones, separates thousands. More fraction digits than `scale` are
/// refused, never rounded.
pub fn decimal(s: &str, scale: u32) -> Option<i64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .collect();
    let (thousands, point) = match (cleaned.contains('.'), cleaned.contains(',')) {
        (true, true) => {
            let last = cleaned.as_bytes()[cleaned.rfind(['.', ','])?];
            if last == b'.' {
                (Some(','), Some('.'))
            } else {
                (Some('.'), Some(','))
            }
        }
        (false, false) => (None, None),
        (dot, _) => {
            let sep = if dot { '.' } else { ',' };
            if cleaned.matches(sep).count() > 1 {
                (Some(sep), None)
            } else {
                (None, Some(sep))
            }
        }
    };
    let (int_part, frac_part) = match point {
        Some(p) => cleaned.rsplit_once(p)?,
        None => (cleaned.as_str(), ""),
    };
    if point.is_some() && (frac_part.is_empty() || frac_part.len() > scale as usize) {
        return None;
    }
    let int_digits = match thousands {
        Some(t) => {
            let mut groups = int_part.split(t);
            let first = groups.next()?;
            let mut all = String::from(first);
            if first.is_empty() || first.len() > 3 {
                return None;
            }
            for g in groups {
                if g.len() != 3 {
                    return None;
                }
                all.push_str(g);
            }
            all
        }
        None => int_part.to_string(),
    };
    let int: i64 = digits_only(&int_digits)?.parse().ok()?;
    let mut value = int.checked_mul(10i64.checked_pow(scale)?)?;
    if !frac_part.is_empty() {
        let frac: i64 = digits_only(frac_part)?.parse().ok()?;
        let pad = 10i64.pow(scale - frac_part.len() as u32);
        value = value.checked_add(frac * pad)?;
    }
    Some(value)
}

/// Parses a number of exactly `len` digits, allowing spaces and hyphens between them
/// (SNILS is often written `123-456-789 01`).
pub fn digit_string(s: &str, len: usize) -> Option<String> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(s.to_string());
    }
    let digits: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == len && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Whether `s` may be an applicant or member id: `[A-Za-z0-9_-]{1,64}` and not a
/// Windows device name ([`is_device_name`]). Ids name output folders and files
/// (`OUT/<applicant_id>/`, `consent-<member_id>.pdf`, scans
/// `documents/<applicant_id>/<code>-<member_id>.pdf`), so nothing else is ever accepted.
pub fn is_valid_id(s: &str) -> bool {
    has_id_chars(s) && !is_device_name(s)
}

/// Whether `s` is 1 to 64 Latin letters, digits, `_` and `-`.
pub fn has_id_chars(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `s` is a name Windows reserves for a device, in any case: CON, PRN, AUX, NUL,
/// COM0–COM9, LPT0–LPT9. A folder or file of that name cannot be made or opened on
/// Windows (`OUT/CON/` would write to the console). The forms with a superscript digit
/// (COM¹, LPT²…) and with an extension (`CON.pdf`) are reserved too, but hold characters
/// an id may not have.
pub fn is_device_name(s: &str) -> bool {
    let b = s.as_bytes();
    let upper = |i: usize| b[i].to_ascii_uppercase();
    match b.len() {
        3 => [*b"CON", *b"PRN", *b"AUX", *b"NUL"].contains(&[upper(0), upper(1), upper(2)]),
        4 => [*b"COM", *b"LPT"].contains(&[upper(0), upper(1), upper(2)]) && b[3].is_ascii_digit(),
        _ => false,
    }
}

/// An ISO 3166 alpha-2 code as two upper-case ASCII letters.
pub fn country_code(s: &str) -> Option<[u8; 2]> {
    let b = trim(s).as_bytes();
    (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
        .then(|| [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
}

/// Whole years from `from` to `to` (negative when `to` is earlier).
pub fn years_between(from: Date, to: Date) -> i64 {
    let mut y = i64::from(to.year()) - i64::from(from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

/// A value shown in a message: control characters escaped, cut to 60 characters, and
/// any run of 9 or more digits (an IIN, account or SNILS typed into the wrong column)
/// masked to its last four.
pub fn show(s: &str) -> String {
    const MAX: usize = 60;
    let masked = mask_digit_runs(s);
    let mut out = String::new();
    for (i, c) in masked.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Masks every run of 9 or more ASCII digits but its last four, and a Kazakh passport
/// number (one Latin letter and 8 digits, `N12345678`) the same way.
pub fn mask_digit_runs(s: &str) -> std::borrow::Cow<'_, str> {
    let b = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            // One letter just before, itself not after a letter or digit.
            let letter = start >= 1
                && b[start - 1].is_ascii_alphabetic()
                && (start == 1 || !b[start - 2].is_ascii_alphanumeric());
            if i - start >= 9 {
                runs.push((start, i));
            } else if i - start == 8 && letter {
                runs.push((start - 1, i));
            }
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for (start, end) in runs {
        out.push_str(&s[last..start]);
        out.push_str(&crate::findings::mask(&s[start..end]));
        last = end;
    }
    out.push_str(&s[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "A1",
            " A1 ",
            "Әлия",
            "Әлия\u{A0}",
            "\u{A0}Әлия",
            "\u{3000}x",
            "x\u{2003}",
            "\t1\n",
            "Беккера",
            "Беккера ",
            "\u{85}a",
            "a\u{85}",
            "\u{1680}",
            "Ԁ",
            "x\u{205F}",
            "1Ә",
            "Ә\u{2028}",
            "Ә\u{3000}",
            "аԀ",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_is_str_trim_for_any_text(s in "\\PC*", pad in "[ \t\u{A0}\u{2000}-\u{200A}\u{3000}]{0,2}") {
            for v in [s.clone(), format!("{pad}{s}"), format!("{s}{pad}"), format!("{pad}{s}{pad}")] {
                proptest::prop_assert_eq!(trim(&v), v.trim());
            }
        }
    }

    #[test]
    fn dates_in_both_formats() {
        assert_eq!(date("2026-11-24"), Some(d(2026, 11, 24)));
        assert_eq!(date("24.11.2026"), Some(d(2026, 11, 24)));
        assert_eq!(date("1.2.1990"), Some(d(1990, 2, 1)));
        assert_eq!(date(" 01.02.1990 "), Some(d(1990, 2, 1)));
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_refused() {
        for bad in [
            "1985-02-31",
            "31.02.1985",
            "2026/11/24",
            "11/24/2026",
            "24.11.26",
            "2026-1-5",
            "",
            "завтра",
            "+2026-11-24",
            "0001-01-01",
            "24.11.2026.",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(count("0"), Some(0));
        assert_eq!(count(" 3 "), Some(3));
        assert_eq!(count("-1"), None);
        assert_eq!(count("2.5"), None);
        assert_eq!(count("99999999999"), None);
    }

    #[test]
    fn decimals_russian_and_english() {
        assert_eq!(decimal("12500,50", 2), Some(1_250_050));
        assert_eq!(decimal("12 500,5", 2), Some(1_250_050));
        assert_eq!(decimal("12500.50", 2), Some(1_250_050));
        assert_eq!(decimal("1,234.50", 2), Some(123_450));
        assert_eq!(decimal("1.234,50", 2), Some(123_450));
        assert_eq!(decimal("1,234,567", 2), Some(123_456_700));
        assert_eq!(decimal("48500", 2), Some(4_850_000));
        assert_eq!(decimal("5400", 3), Some(5_400_000));
        assert_eq!(decimal("5400,125", 3), Some(5_400_125));
    }

    #[test]
    fn bad_decimals_are_refused() {
        for bad in [
            "", "-5", "12,3,4", "1.2.3", "abc", "12,345", "1e5", "12.5.0",
        ] {
            assert_eq!(decimal(bad, 2), None, "{bad}");
        }
        assert_eq!(decimal("99999999999999999999", 2), None);
    }

    #[test]
    fn digit_strings() {
        assert_eq!(
            digit_string("123-456-789 01", 11).as_deref(),
            Some("12345678901")
        );
        assert_eq!(digit_string("12345", 6), None);
        assert_eq!(digit_string("12345a", 6), None);
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("A001"));
        assert!(is_valid_id("fam_01-b"));
        assert!(!is_valid_id("../../x"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("A 1"));
        assert!(!is_valid_id("Ж1"));
        assert!(!is_valid_id(&"a".repeat(65)));
        assert!(!is_valid_id("/etc"));
    }

    #[test]
    fn windows_device_names_are_no_ids() {
        for name in [
            "CON", "con", "Con", "PRN", "prn", "AUX", "aUx", "NUL", "nul", "COM0", "COM1", "com9",
            "Com5", "LPT0", "LPT1", "lpt9", "Lpt3",
        ] {
            assert!(is_device_name(name), "{name}");
            assert!(has_id_chars(name), "{name}");
            assert!(!is_valid_id(name), "{name}");
        }
        for id in [
            "CONS", "CON1", "ACON", "COM", "COM10", "LPT", "LPTX", "NUL0", "AUX_1", "PRN-2",
            "COMA", "A001",
        ] {
            assert!(!is_device_name(id), "{id}");
            assert!(is_valid_id(id), "{id}");
        }
        // Superscript digits and extensions are reserved on Windows but no id has them.
        for name in ["COM\u{B9}", "LPT\u{B2}", "CON.pdf", "nul.txt"] {
            assert!(!has_id_chars(name), "{name}");
            assert!(!is_valid_id(name), "{name}");
        }
    }

    #[test]
    fn country_codes() {
        assert_eq!(country_code("kz"), Some(*b"KZ"));
        assert_eq!(country_code("KAZ"), None);
        assert_eq!(country_code("К1"), None);
    }

    #[test]
    fn show_masks_long_digit_runs() {
        assert_eq!(show("ИИН 850215300124 x"), "ИИН ••••••••0124 x");
        assert_eq!(show("12345678"), "12345678");
        assert_eq!(show("a123456789b"), "a•••••6789b");
        // A Kazakh passport number: a letter and 8 digits.
        assert_eq!(show("паспорт N12345678"), "паспорт •••••5678");
        assert_eq!(show("N12345678.pdf"), "•••••5678.pdf");
        assert_eq!(show("AB12345678"), "AB12345678");
        assert_eq!(show("N1234567"), "N1234567");
    }

    #[test]
    fn show_escapes_and_cuts() {
        assert_eq!(show("a\nb"), "a\\nb");
        assert_eq!(show(&"x".repeat(100)).chars().count(), 61);
    }
}
