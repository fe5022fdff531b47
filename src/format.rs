//! How numbers, amounts and dates are written for people: digits grouped by threes,
//! roubles with kopecks, dates with the weekday, in Russian or English; a count with the
//! Russian word that agrees with it.

use jiff::civil::{Date, Weekday};

use crate::findings::Lang;

/// Narrow no-break space: the thousands separator (a number never wraps inside).
pub const THIN: char = '\u{202F}';

/// `1234567` → `1 234 567` with narrow no-break spaces.
pub fn group_thousands(n: i64) -> String {
    group_digits(n, THIN)
}

/// An integer with its digits grouped by threes with `sep`.
pub fn group_digits(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Whole roubles: `500 000 ₽`.
pub fn rub(n: i64) -> String {
    format!("{}\u{A0}₽", group_thousands(n))
}

/// Roubles and kopecks: `12 500,50 ₽` (ru) or `12 500.50 ₽` (en); whole amounts
/// without kopecks.
pub fn rub_kopecks(amount: f64, lang: Lang) -> String {
    let kopecks = (amount * 100.0).round() as i64;
    let (whole, frac) = (kopecks / 100, (kopecks % 100).abs());
    if frac == 0 {
        rub(whole)
    } else {
        let sep = if lang == Lang::Ru { ',' } else { '.' };
        format!("{}{sep}{frac:02}\u{A0}₽", group_thousands(whole))
    }
}

/// A date for people: `пн, 30.11.2026` or `Mon 2026-11-30`.
pub fn date_text(d: Date, lang: Lang) -> String {
    let (ru, en) = match d.weekday() {
        Weekday::Monday => ("пн", "Mon"),
        Weekday::Tuesday => ("вт", "Tue"),
        Weekday::Wednesday => ("ср", "Wed"),
        Weekday::Thursday => ("чт", "Thu"),
        Weekday::Friday => ("пт", "Fri"),
        Weekday::Saturday => ("сб", "Sat"),
        Weekday::Sunday => ("вс", "Sun"),
    };
    match lang {
        Lang::Ru => format!("{ru}, {}", d.strftime("%d.%m.%Y")),
        Lang::En => format!("{en} {d}"),
    }
}

/// An ISO date string as [`date_text`]; any other string as it is.
pub fn date_str_text(s: &str, lang: Lang) -> String {
    s.parse::<Date>()
        .map(|d| date_text(d, lang))
        .unwrap_or_else(|_| s.to_string())
}

/// `n` and the Russian noun form that agrees with it: `one` (1, 21…), `few` (2–4, 22…)
/// or `many` (0, 5–20, 25…): `count_ru(14, "день", "дня", "дней")` is `14 дней`.
pub fn count_ru(n: i64, one: &str, few: &str, many: &str) -> String {
    let (last, tens) = (n.abs() % 10, n.abs() % 100);
    let word = if (11..=14).contains(&tens) {
        many
    } else {
        match last {
            1 => one,
            2..=4 => few,
            _ => many,
        }
    };
    format!("{n} {word}")
}

#[cfg(test)]
mod count_tests {
    use super::count_ru;

    #[test]
    fn russian_counts_agree() {
        let days = |n| count_ru(n, "день", "дня", "дней");
        assert_eq!(days(1), "1 день");
        assert_eq!(days(3), "3 дня");
        assert_eq!(days(14), "14 дней");
        assert_eq!(days(21), "21 день");
        assert_eq!(days(60), "60 дней");
        assert_eq!(days(112), "112 дней");
    }
}
