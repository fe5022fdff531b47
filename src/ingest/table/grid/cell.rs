//! One cell of a workbook as text, as Excel means it: a date serial of the 1900 or 1904
//! system as `YYYY-MM-DD` (the date reader's own form), a number as its digits, a
//! boolean as `TRUE`/`FALSE`, an error cell as its code. In a column of digits (IIN,
//! document number, bank account, BIK, SNILS, INN, phone) a number is checked for the
//! digits Excel loses: beyond 2^53 (15–16 significant digits) it cannot hold one
//! exactly, and it never keeps leading zeros. What the text alone cannot tell becomes a
//! [`NoteKind`], which the cell reader reports on the cell.

use jiff::civil::Date;

use super::NoteKind;
use crate::checks::iin_checksum_ok;
use crate::columns::Col;
use crate::source::Value;

/// The largest whole number a 64-bit float holds exactly, with every smaller one.
const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

/// The columns whose values are digits that matter, with their exact length when they
/// have one.
fn digits_of(col: Col) -> Option<Option<usize>> {
    Some(match col {
        Col::Iin | Col::Inn => Some(12),
        Col::BankBik => Some(9),
        Col::BankAccount => Some(20),
        Col::Snils => Some(11),
        Col::IdDocNumber | Col::Phone => None,
        _ => return None,
    })
}

/// A document number of fewer digits than this, stored as a number, may have lost a
/// leading zero (an ID card of Kazakhstan has 9 digits).
const DOC_DIGITS: usize = 9;

/// Appends the text of `value`, in column `col` (`None`: a column the table does not
/// read, or the header), to `out`; returns what the cell reader should say about it.
pub(super) fn render(value: &Value, col: Option<Col>, out: &mut String) -> Option<NoteKind> {
    let digits = col.and_then(digits_of);
    match value {
        Value::Text(s) if is_error_code(s.trim()) => {
            out.push_str(s);
            Some(NoteKind::ErrorCell(s.trim().to_string()))
        }
        Value::Text(s) => {
            if crate::ingest::decode::needs_nfc(s) {
                use unicode_normalization::UnicodeNormalization;
                out.extend(s.nfc());
            } else {
                out.push_str(s);
            }
            match digits {
                Some(_) if exponent_form(s) => Some(NoteKind::Inexact(s.trim().to_string())),
                _ => None,
            }
        }
        Value::Number(n) => match (col, digits) {
            (Some(col), Some(len)) => digit_number(*n, col, len, out),
            _ => {
                out.push_str(&number(*n));
                None
            }
        },
        Value::Bool(b) => {
            out.push_str(if *b { "TRUE" } else { "FALSE" });
            None
        }
        Value::Serial { days, is_1904 } => {
            out.push_str(&serial_date(*days, *is_1904).unwrap_or_else(|| number(*days)));
            None
        }
        Value::Iso(s) => {
            out.push_str(s.split('T').next().unwrap_or(s));
            None
        }
        Value::Error(code) => {
            out.push_str(code);
            Some(NoteKind::ErrorCell(code.clone()))
        }
    }
}

/// A number in a column of digits, `len` of them when the column has a length.
fn digit_number(n: f64, col: Col, len: Option<usize>, out: &mut String) -> Option<NoteKind> {
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= EXACT) {
        let shown = number(n);
        out.push_str(&shown);
        return Some(NoteKind::Inexact(shown));
    }
    let digits = format!("{}", n as u64);
    match len {
        Some(12) if col == Col::Iin && digits.len() == 11 => {
            let restored = format!("0{digits}");
            if iin_checksum_ok(&restored) {
                out.push_str(&restored);
                return Some(NoteKind::ZeroRestored { stored: digits });
            }
            out.push_str(&digits);
            Some(NoteKind::LostZeros { digits, len: 12 })
        }
        Some(len) if digits.len() < len => {
            out.push_str(&digits);
            Some(NoteKind::LostZeros { digits, len })
        }
        None if col == Col::IdDocNumber && digits.len() < DOC_DIGITS => {
            out.push_str(&digits);
            Some(NoteKind::ShortNumber { digits })
        }
        _ => {
            out.push_str(&digits);
            None
        }
    }
}

/// Whether `s` is what a spreadsheet shows in an error cell: Excel's codes (`#N/A`,
/// `#REF!`…), or LibreOffice's `Err:502`. An OpenDocument file holds an error cell as
/// its text, and Excel turns these typed into a cell into the error itself.
fn is_error_code(s: &str) -> bool {
    const CODES: [&str; 15] = [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#DATA!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
    ];
    CODES.contains(&s)
        || s.strip_prefix("Err:")
            .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A number as Excel shows it in a General cell, without an exponent: a whole number
/// as its digits, any other to 15 significant digits (`0.1 + 0.2` is `0.3`).
pub(super) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < EXACT {
        return format!("{}", n as i64);
    }
    let rounded: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    format!("{rounded}")
}

/// Whether `s` is a number in Excel's exponent form (`4,08178E+19`, `8.50215e+11`):
/// how Excel shows a long number in a narrow General column, copied as text.
fn exponent_form(s: &str) -> bool {
    let s = s.trim();
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let mut parts = mantissa.splitn(2, ['.', ',']);
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("0");
    [whole, fraction, exponent]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The date of an Excel serial: days since 1899-12-31 (serial 1 is 1900-01-01) in the
/// 1900 system, which counts a 29 February 1900 that never was (serial 60, shown as
/// `1900-02-29`, which the date reader refuses, as it refuses serial 0, `1900-01-00`);
/// days since 1904-01-01 (serial 0) in the 1904 system. The time of day is dropped.
/// `None` for a serial no date has (negative, or past 9999-12-31).
pub(super) fn serial_date(days: f64, is_1904: bool) -> Option<String> {
    if !(0.0..3_000_000.0).contains(&days) {
        return None;
    }
    let whole = days.floor() as i64;
    let (epoch, offset) = match (is_1904, whole) {
        (true, d) => (jiff::civil::date(1904, 1, 1), d),
        (false, 0) => return Some("1900-01-00".to_string()),
        (false, 60) => return Some("1900-02-29".to_string()),
        // Before the day that never was, serials count from 1899-12-31; after it, one
        // day less from 1899-12-30.
        (false, d) if d < 60 => (jiff::civil::date(1899, 12, 31), d),
        (false, d) => (jiff::civil::date(1899, 12, 30), d),
    };
    let date: Date = epoch.checked_add(jiff::Span::new().days(offset)).ok()?;
    Some(date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Value, col: Option<Col>) -> (String, Option<NoteKind>) {
        let mut out = String::new();
        let note = render(&value, col, &mut out);
        (out, note)
    }

    #[test]
    fn serials_of_both_date_systems() {
        let d = |days, is_1904| serial_date(days, is_1904).unwrap();
        assert_eq!(d(1.0, false), "1900-01-01");
        assert_eq!(d(59.0, false), "1900-02-28");
        assert_eq!(d(60.0, false), "1900-02-29");
        assert_eq!(d(61.0, false), "1900-03-01");
        assert_eq!(d(31149.0, false), "1985-04-12");
        assert_eq!(d(46350.75, false), "2026-11-24");
        assert_eq!(d(0.0, false), "1900-01-00");
        assert_eq!(d(0.0, true), "1904-01-01");
        // The same day is 1,462 days less in the 1904 system.
        assert_eq!(d(31149.0 - 1462.0, true), "1985-04-12");
        assert_eq!(d(2_958_465.0, false), "9999-12-31");
        assert_eq!(serial_date(2_958_466.0, false), None);
        assert_eq!(serial_date(-1.0, false), None);
        // The date reader takes what it should and refuses Excel's day that never was.
        assert!(crate::values::date(&d(31149.0, false)).is_some());
        assert!(crate::values::date(&d(60.0, false)).is_none());
        assert!(crate::values::date(&d(0.0, false)).is_none());
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(number(48500.0), "48500");
        assert_eq!(number(24250.5), "24250.5");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-3.0), "-3");
        let account: f64 = "40817810099910004312".parse().unwrap();
        assert_eq!(number(account), "40817810099910000000");
        assert_eq!(text(Value::Bool(true), None).0, "TRUE");
        assert_eq!(
            text(Value::Iso("2026-05-01T00:00:00".into()), None).0,
            "2026-05-01"
        );
    }

    #[test]
    fn digits_excel_lost_are_noted() {
        // An IIN missing its leading zero, valid once restored: read restored, noted.
        let (t, n) = text(Value::Number(40_315_516_148.0), Some(Col::Iin));
        assert_eq!(t, "040315516148");
        assert_eq!(
            n,
            Some(NoteKind::ZeroRestored {
                stored: "40315516148".into()
            })
        );
        // Not valid once restored: lost digits.
        let (t, n) = text(Value::Number(40_315_516_149.0), Some(Col::Iin));
        assert_eq!(t, "40315516149");
        assert!(matches!(n, Some(NoteKind::LostZeros { len: 12, .. })));
        // A whole IIN as a number is whole.
        assert_eq!(
            text(Value::Number(850_412_313_187.0), Some(Col::Iin)),
            ("850412313187".into(), None)
        );
        // A 20-digit account cannot be held.
        let (_, n) = text(
            Value::Number("40817810099910004312".parse().unwrap()),
            Some(Col::BankAccount),
        );
        assert!(matches!(n, Some(NoteKind::Inexact(_))));
        // A BIK without its leading 0, a short document number, a phone.
        assert!(matches!(
            text(Value::Number(44_525_225.0), Some(Col::BankBik)).1,
            Some(NoteKind::LostZeros { len: 9, .. })
        ));
        assert!(matches!(
            text(Value::Number(12_345_678.0), Some(Col::IdDocNumber)).1,
            Some(NoteKind::ShortNumber { .. })
        ));
        assert_eq!(
            text(Value::Number(87_011_000_011.0), Some(Col::Phone)),
            ("87011000011".into(), None)
        );
        // Exponent form typed or pasted as text.
        assert!(matches!(
            text(Value::Text("4,08178E+19".into()), Some(Col::BankAccount)).1,
            Some(NoteKind::Inexact(_))
        ));
        assert_eq!(
            text(Value::Text("4,08178E+19".into()), Some(Col::Address)).1,
            None
        );
        // The same numbers elsewhere are only numbers.
        assert_eq!(
            text(Value::Number(40_315_516_148.0), Some(Col::AmountRub)),
            ("40315516148".into(), None)
        );
        assert!(matches!(
            text(Value::Error("#N/A".into()), Some(Col::LastName)),
            (t, Some(NoteKind::ErrorCell(_))) if t == "#N/A"
        ));
        // As an OpenDocument file holds an error cell: its text.
        for code in ["#REF!", " #N/A", "Err:502"] {
            assert!(matches!(
                text(Value::Text(code.into()), Some(Col::Patronymic)).1,
                Some(NoteKind::ErrorCell(_))
            ));
        }
        assert_eq!(text(Value::Text("#1".into()), Some(Col::Address)).1, None);
    }
}
