//! How findings.xlsx looks: the fill of each severity, the cell formats built on them,
//! and the words of its headers and legend in the report's language.
//!
//! A problem cell is filled by its most severe finding, in fills that stay apart when
//! the workbook is printed in grey (LibreOffice's PDF in grey gives them the levels 60,
//! 129, 184 and 237 of 255): a refusal **dark** (deep red 8B1A1A, white bold text), an
//! error **mid** (red E05A50), a missing document **light** (amber F5B041), a warning
//! **palest, with a dashed border** (pale yellow FFF1A8; the border tells it from an
//! unfilled cell on paper; a pattern fill would not do, as LibreOffice prints a hatch
//! as flat grey). The same fills mark the status column
//! (an applicant's status is their worst finding) and the severities of the Findings
//! sheet, and the Summary sheet shows them as a legend. README.md names them too.
//!
//! Formats are made once per workbook: every combination of fill and number format
//! (text, date, date and time, long integer) the row sheets need.

use rust_xlsxwriter::{Color, Format, FormatBorder};

use crate::findings::{Lang, Severity};

/// What a cell's number format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text, or a number as General.
    Plain,
    /// A date, `DD.MM.YYYY`.
    Date,
    /// A date with a time of day.
    DateTime,
    /// A whole number too long for General (an IIN or account stored as a number):
    /// every digit shown.
    Digits,
}

const SHAPES: [Shape; 4] = [Shape::Plain, Shape::Date, Shape::DateTime, Shape::Digits];
const SEVERITIES: [Severity; 4] = [
    Severity::Warning,
    Severity::Missing,
    Severity::Error,
    Severity::Refusal,
];

/// The fill (and font) of a severity, on `format`.
pub fn filled(format: Format, severity: Severity) -> Format {
    match severity {
        Severity::Refusal => format
            .set_background_color(Color::RGB(0x8B1A1A))
            .set_font_color(Color::White)
            .set_bold(),
        Severity::Error => format.set_background_color(Color::RGB(0xE05A50)),
        Severity::Missing => format.set_background_color(Color::RGB(0xF5B041)),
        Severity::Warning => format
            .set_background_color(Color::RGB(0xFFF1A8))
            .set_border(FormatBorder::Dashed)
            .set_border_color(Color::RGB(0x404040)),
    }
}

fn shaped(shape: Shape) -> Format {
    let f = Format::new();
    match shape {
        Shape::Plain => f,
        Shape::Date => f.set_num_format("dd.mm.yyyy"),
        Shape::DateTime => f.set_num_format("dd.mm.yyyy hh:mm"),
        Shape::Digits => f.set_num_format("0"),
    }
}

/// The formats of one workbook.
pub struct Styles {
    /// By shape, then by fill (none, then each severity from warning up).
    cells: Vec<Format>,
    pub header: Format,
    pub title: Format,
    pub bold: Format,
    pub link: Format,
    pub date: Format,
    /// Long text, wrapped in its column.
    pub wrap: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let mut cells = Vec::with_capacity(SHAPES.len() * 5);
        for shape in SHAPES {
            cells.push(shaped(shape));
            for s in SEVERITIES {
                cells.push(filled(shaped(shape), s));
            }
        }
        Styles {
            cells,
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Medium),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            link: Format::new()
                .set_font_color(Color::RGB(0x1F4E99))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            date: shaped(Shape::Date),
            wrap: Format::new().set_text_wrap(),
        }
    }

    /// The format of a cell of `shape` filled for `fill`, if any.
    pub fn cell(&self, shape: Shape, fill: Option<Severity>) -> &Format {
        let s = SHAPES.iter().position(|&x| x == shape).unwrap_or(0);
        let f = fill.map_or(0, |sev| {
            SEVERITIES.iter().position(|&x| x == sev).unwrap_or(0) + 1
        });
        &self.cells[s * 5 + f]
    }
}

/// The height (points) of a row whose wrapped `text` runs in a column about `chars`
/// characters wide: Excel and LibreOffice do not fit a row to wrapped text they did not
/// lay out themselves, so the row is made tall enough for it (at least one line).
pub fn wrapped_height(text: &str, chars: usize) -> f64 {
    let lines: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(chars.max(1)).max(1))
        .sum();
    15.0 * lines.clamp(1, 20) as f64
}

/// The word of the reports' labels for `key` in `lang` (`report/labels.rs`).
pub fn word(key: &'static str, lang: Lang) -> &'static str {
    crate::report::labels::label(key, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_and_fill_has_its_own_format() {
        let s = Styles::new();
        let mut seen = Vec::new();
        for shape in SHAPES {
            for fill in [None].into_iter().chain(SEVERITIES.map(Some)) {
                let f = s.cell(shape, fill).clone();
                assert!(!seen.contains(&f), "{shape:?} {fill:?}");
                seen.push(f);
            }
        }
        assert_eq!(word("col_status", Lang::Ru), "Статус");
        assert_eq!(word("col_status", Lang::En), "Status");
    }
}
