//! One cell of the caseworker's rows as findings.xlsx writes it: as it was read, and as
//! `--redact` lets it be shown.
//!
//! A workbook's cell keeps its type ([`Value`]): text stays text (an IIN keeps its
//! leading zero), a number a number (a long one shown with every digit), a date a date
//! (a serial of the 1904 system moved to Excel's 1900 one), a boolean a boolean; an
//! error cell is written as its code, as text. A CSV cell is text, as the file held it.
//! Text is only ever written as a string, never as a formula, whatever it begins with.
//!
//! Redacted, a cell shows what the redacted report shows: names as initials, personal
//! numbers (IIN, ID document, bank account, SNILS, INN, certificate) masked to their
//! last four characters, addresses, phones, e-mails, birth places and former names
//! hidden (`•••`); any other cell of a known column keeps its value with runs of nine
//! or more digits masked; a cell under no known column, or above the header, is
//! hidden, since nothing says what it holds.

use std::borrow::Cow;

use crate::columns::Col;
use crate::findings::mask;
use crate::report::redact::{HIDDEN, initials};
use crate::source::Value;
use crate::values::mask_digit_runs;

use super::style::Shape;

/// What is written in a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64, Shape),
    Bool(bool),
    /// An Excel date serial (1900 system), shown as `shape`.
    Serial(f64, Shape),
    /// An ISO 8601 date or date-time, as text.
    Iso(&'a str),
}

impl Out<'_> {
    /// About how many characters wide the cell shows, for the column's width.
    pub fn width(&self) -> usize {
        match self {
            Out::Empty => 0,
            Out::Text(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            Out::Number(..) => 12,
            Out::Bool(_) => 6,
            Out::Serial(_, Shape::DateTime) | Out::Iso(_) => 16,
            Out::Serial(..) => 10,
        }
    }
}

/// How `--redact` shows a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Shown, with long digit runs masked.
    Keep,
    /// A name: its initials.
    Name,
    /// A personal number: masked to its last four characters.
    Number,
    /// Not shown.
    Hidden,
}

impl Privacy {
    /// The privacy of column `col` (`None`: a cell under no known column).
    pub fn of(col: Option<Col>) -> Privacy {
        use Col::*;
        match col {
            None => Privacy::Hidden,
            Some(LastName | FirstName | Patronymic | LastNameLat | FirstNameLat) => Privacy::Name,
            Some(Iin | IdDocNumber | BankAccount | Snils | Inn | CertificateNumber) => {
                Privacy::Number
            }
            Some(Address | Phone | Email | BirthPlace | PreviousNames) => Privacy::Hidden,
            Some(_) => Privacy::Keep,
        }
    }
}

/// Text as `privacy` shows it (`None`: not redacted).
fn redact_text(s: &str, privacy: Option<Privacy>) -> Cow<'_, str> {
    match privacy {
        None => Cow::Borrowed(s),
        Some(_) if s.trim().is_empty() => Cow::Borrowed(s),
        Some(Privacy::Keep) => mask_digit_runs(s),
        Some(Privacy::Name) => Cow::Owned(initials(s)),
        Some(Privacy::Number) => Cow::Owned(mask(s.trim())),
        Some(Privacy::Hidden) => Cow::Borrowed(HIDDEN),
    }
}

/// A CSV cell's text as written.
pub fn of_text(s: &str, privacy: Option<Privacy>) -> Out<'_> {
    if s.is_empty() {
        return Out::Empty;
    }
    Out::Text(redact_text(s, privacy))
}

/// A whole number as its digits, when the float holds one exactly.
fn integral(n: f64) -> Option<String> {
    (n.fract() == 0.0 && n.abs() < 1e15).then(|| format!("{}", n as i64))
}

/// A workbook's cell as written.
pub fn of_value(v: &Value, privacy: Option<Privacy>) -> Out<'_> {
    match v {
        Value::Text(s) => of_text(s, privacy),
        Value::Error(code) => Out::Text(Cow::Borrowed(code)),
        Value::Bool(b) => match privacy {
            Some(Privacy::Hidden) => Out::Text(Cow::Borrowed(HIDDEN)),
            _ => Out::Bool(*b),
        },
        Value::Number(n) => {
            let shape = if n.fract() == 0.0 && n.abs() >= 1e10 {
                Shape::Digits
            } else {
                Shape::Plain
            };
            match privacy {
                None => Out::Number(*n, shape),
                Some(Privacy::Keep) => match integral(*n) {
                    Some(digits) if digits.trim_start_matches('-').len() >= 9 => {
                        Out::Text(Cow::Owned(mask_digit_runs(&digits).into_owned()))
                    }
                    _ => Out::Number(*n, shape),
                },
                Some(p) => {
                    let shown = integral(*n).unwrap_or_else(|| n.to_string());
                    Out::Text(Cow::Owned(redact_text(&shown, Some(p)).into_owned()))
                }
            }
        }
        Value::Serial { days, is_1904 } => {
            if matches!(privacy, Some(Privacy::Hidden)) {
                return Out::Text(Cow::Borrowed(HIDDEN));
            }
            // Excel's 1900 system counts 1,462 days more to the same day.
            let serial = if *is_1904 { days + 1462.0 } else { *days };
            let shape = if serial.fract() == 0.0 {
                Shape::Date
            } else {
                Shape::DateTime
            };
            Out::Serial(serial, shape)
        }
        Value::Iso(s) => match privacy {
            Some(Privacy::Hidden) => Out::Text(Cow::Borrowed(HIDDEN)),
            _ => Out::Iso(s),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_type_and_redaction_hides_what_is_personal() {
        let iin = Value::Text("010203450012".into());
        assert_eq!(of_value(&iin, None), Out::Text("010203450012".into()));
        assert_eq!(
            of_value(&iin, Some(Privacy::of(Some(Col::Iin)))),
            Out::Text("••••••••0012".into())
        );
        let n = Value::Number(10203450012.0);
        assert_eq!(
            of_value(&n, None),
            Out::Number(10203450012.0, Shape::Digits)
        );
        assert_eq!(
            of_value(&n, Some(Privacy::Keep)),
            Out::Text("•••••••0012".into())
        );
        assert_eq!(
            of_value(&Value::Number(48500.5), Some(Privacy::Keep)),
            Out::Number(48500.5, Shape::Plain)
        );
        let date = Value::Serial {
            days: 100.0,
            is_1904: true,
        };
        assert_eq!(of_value(&date, None), Out::Serial(1562.0, Shape::Date));
        assert_eq!(
            of_text("Кузнецова Анна", Some(Privacy::of(Some(Col::LastName)))),
            Out::Text("К. А.".into())
        );
        assert_eq!(
            of_text("+7 701 123 45 67", Some(Privacy::of(Some(Col::Phone)))),
            Out::Text(HIDDEN.into())
        );
        assert_eq!(
            of_text("note about the family", Some(Privacy::of(None))),
            Out::Text(HIDDEN.into())
        );
        assert_eq!(of_text("=1+1", None), Out::Text("=1+1".into()));
        assert_eq!(of_text("", Some(Privacy::Hidden)), Out::Empty);
    }
}
