//! Findings: what is wrong with an applicant, how severe it is, and exactly where in the
//! batch it comes from, and what it says (`message`: words as data). Also the masking of
//! personal numbers in messages.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::columns::{Col, FileKind, Sheet, column_letters};

mod message;

pub(crate) use message::words;
pub use message::{Arg, Fixed, HIDDEN, Message, Words};

/// How much a finding blocks an application. Ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not block.
    Warning,
    /// A required document is absent: the application is incomplete.
    Missing,
    /// The data is wrong or unreadable: it must be corrected first.
    Error,
    /// A ground on which the participant certificate is refused.
    Refusal,
}

impl Severity {
    /// The severity's key, as the JSON report, the CSV and `resettle rules` spell it.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Missing => "missing",
            Severity::Error => "error",
            Severity::Refusal => "refusal",
        }
    }

    /// The severity's name for people reading a report or a form's cover page.
    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ru, Severity::Refusal) => "отказ",
            (Lang::Ru, Severity::Error) => "ошибка",
            (Lang::Ru, Severity::Missing) => "нет документа",
            (Lang::Ru, Severity::Warning) => "внимание",
            (Lang::En, Severity::Refusal) => "refusal",
            (Lang::En, Severity::Error) => "error",
            (Lang::En, Severity::Missing) => "missing",
            (Lang::En, Severity::Warning) => "warning",
        }
    }
}

/// Where a finding or an error comes from: a cell, a row, or a file of the batch.
///
/// Ordered as the CSV variants always were (every cell before every row before every
/// path; a cell by file, row and column); a cell or row of a sheet sorts as the same
/// cell or row of a CSV file would, so a batch reads in the same order either way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// `file:row:column`; row is the line where the record starts, column is 1-based.
    Cell {
        file: FileKind,
        row: u64,
        column: u32,
    },
    /// `file:row` when a whole row is concerned (or the column is absent).
    Row { file: FileKind, row: u64 },
    /// A path relative to the batch folder, e.g. `documents/A001/photo.jpg`.
    Path(String),
    /// A cell of a workbook's sheet as Excel names it, `book.xlsx!Заявители!F12`, or its
    /// row, `book.xlsx!Заявители!12:12` (when `column` is `None`); `row` and `column`
    /// are the sheet's (1-based), `file` the table the sheet holds.
    Sheet {
        file: FileKind,
        row: u64,
        column: Option<u32>,
        sheet: Arc<Sheet>,
    },
}

impl Source {
    /// The cell of `col` in `row`, or the row itself when the file has no such column.
    pub fn at(file: FileKind, row: u64, column: Option<u32>) -> Source {
        match column {
            Some(column) => Source::Cell { file, row, column },
            None => Source::Row { file, row },
        }
    }

    /// [`Source::at`] in a table read from `sheet` of a workbook, when it was.
    pub fn in_table(
        file: FileKind,
        sheet: Option<&Arc<Sheet>>,
        row: u64,
        column: Option<u32>,
    ) -> Source {
        match sheet {
            Some(sheet) => Source::Sheet {
                file,
                row,
                column,
                sheet: Arc::clone(sheet),
            },
            None => Source::at(file, row, column),
        }
    }

    /// What orders sources: kind (cell, row, path), then file, row, column or path, then
    /// the sheet.
    fn key(&self) -> (u8, Option<FileKind>, u64, u32, &str, Option<&Sheet>) {
        match self {
            Source::Cell { file, row, column } => (0, Some(*file), *row, *column, "", None),
            Source::Row { file, row } => (1, Some(*file), *row, 0, "", None),
            Source::Path(p) => (2, None, 0, 0, p, None),
            Source::Sheet {
                file,
                row,
                column: Some(column),
                sheet,
            } => (0, Some(*file), *row, *column, "", Some(sheet)),
            Source::Sheet {
                file,
                row,
                column: None,
                sheet,
            } => (1, Some(*file), *row, 0, "", Some(sheet)),
        }
    }
}

impl Ord for Source {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Source {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Cell { file, row, column } => write!(f, "{file}:{row}:{column}"),
            Source::Row { file, row } => write!(f, "{file}:{row}"),
            Source::Path(p) => f.write_str(p),
            Source::Sheet {
                row,
                column: Some(column),
                sheet,
                ..
            } => write!(
                f,
                "{}!{}!{}{row}",
                sheet.book,
                sheet.name,
                column_letters(*column)
            ),
            Source::Sheet {
                row,
                column: None,
                sheet,
                ..
            } => write!(f, "{}!{}!{row}:{row}", sheet.book, sheet.name),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A message in Russian and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub ru: String,
    pub en: String,
}

/// The language of console and HTML output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    Ru,
    #[default]
    En,
}

impl Lang {
    /// Russian when the environment's locale is Russian (LC_ALL, LC_MESSAGES, LANG),
    /// English otherwise.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    pub fn new(ru: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            ru: ru.into(),
            en: en.into(),
        }
    }
}

/// One problem found with one applicant (or one of their family members).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable public rule id, e.g. `data.format`.
    pub rule: &'static str,
    pub severity: Severity,
    /// The family member concerned, `None` for the applicant.
    pub member_id: Option<String>,
    /// The column concerned, if any.
    pub field: Option<Col>,
    pub source: Option<Source>,
    pub message: Message,
    /// Whether an official source confirms the rule (`verified` of rules.toml or
    /// documents.toml), set when the applicant's entry is finished.
    pub verified: bool,
}

impl Finding {
    /// A finding of `rule` saying `message`, about the applicant, at no cell yet.
    ///
    /// Its severity is not the code's to say: the pipeline sets rules.toml's (or
    /// documents.toml's, for a missing document) before anything reads it
    /// (`Schemas::severity_of`); until then it is `Error`, the severity that blocks, so
    /// a finding that escaped the pipeline would stop an applicant rather than pass one.
    pub fn new(rule: &'static str, message: Message) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            member_id: None,
            field: None,
            source: None,
            message,
            verified: true,
        }
    }

    /// The finding about family member `id` (`None`: the applicant).
    pub fn member(mut self, id: Option<String>) -> Finding {
        self.member_id = id;
        self
    }

    /// The finding on column `field`.
    pub fn on(mut self, field: impl Into<Option<Col>>) -> Finding {
        self.field = field.into();
        self
    }

    /// The finding pointing at `source`.
    pub fn at(mut self, source: impl Into<Option<Source>>) -> Finding {
        self.source = source.into();
        self
    }
}

/// A row that could not be attached to any applicant, or a batch-wide problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub rule: &'static str,
    pub source: Source,
    pub message: Message,
}

/// Masks a personal number (IIN, document number, bank account) for messages and logs:
/// every character but the last four becomes `•`. Short values are masked entirely.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    if n <= 4 {
        return "•".repeat(n);
    }
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '•' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask("850215300123"), "••••••••0123");
        assert_eq!(mask("1234"), "••••");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn source_formats() {
        let c = Source::at(FileKind::Applicants, 12, Some(19));
        assert_eq!(c.to_string(), "applicants.csv:12:19");
        assert_eq!(
            Source::at(FileKind::Family, 7, None).to_string(),
            "family.csv:7"
        );
    }

    #[test]
    fn sheet_sources_are_excel_references_and_sort_as_csv_ones() {
        let sheet = Arc::new(Sheet {
            book: "book.xlsx".into(),
            name: "Заявители".into(),
        });
        let cell = |row, column| Source::in_table(FileKind::Applicants, Some(&sheet), row, column);
        assert_eq!(cell(12, Some(6)).to_string(), "book.xlsx!Заявители!F12");
        assert_eq!(cell(12, None).to_string(), "book.xlsx!Заявители!12:12");
        assert_eq!(cell(3, Some(28)).to_string(), "book.xlsx!Заявители!AB3");
        assert_eq!(
            Source::in_table(FileKind::Family, None, 7, Some(2)).to_string(),
            "family.csv:7:2"
        );
        // The order of CSV sources, kept by the same sources on a sheet.
        let csv = [
            Source::at(FileKind::Applicants, 2, Some(9)),
            Source::at(FileKind::Applicants, 3, Some(1)),
            Source::at(FileKind::Family, 1, Some(1)),
            Source::at(FileKind::Applicants, 1, None),
            Source::at(FileKind::Expenses, 1, None),
            Source::Path("documents/A001".into()),
        ];
        let mut sorted = csv.to_vec();
        sorted.reverse();
        sorted.sort();
        assert_eq!(sorted, csv);
        let on_sheet = |s: &Source| match s {
            Source::Cell { file, row, column } => {
                Source::in_table(*file, Some(&sheet), *row, Some(*column))
            }
            Source::Row { file, row } => Source::in_table(*file, Some(&sheet), *row, None),
            other => other.clone(),
        };
        let mut sheets: Vec<Source> = csv.iter().rev().map(on_sheet).collect();
        sheets.sort();
        assert_eq!(sheets, csv.iter().map(on_sheet).collect::<Vec<_>>());
    }

    #[test]
    fn severity_key_is_its_json_spelling() {
        for s in [
            Severity::Warning,
            Severity::Missing,
            Severity::Error,
            Severity::Refusal,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.key())
            );
        }
    }

    #[test]
    fn severity_orders_by_blocking_power() {
        assert!(Severity::Refusal > Severity::Error);
        assert!(Severity::Error > Severity::Missing);
        assert!(Severity::Missing > Severity::Warning);
    }
}
