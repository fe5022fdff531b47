//! Findings: what is wrong with an applicant, how severe it is, and exactly where in the
//! batch it comes from. Also the masking of personal numbers in messages.

use serde::{Serialize, Serializer};

use crate::columns::{Col, FileKind};

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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
}

impl Source {
    /// The cell of `col` in `row`, or the row itself when the file has no such column.
    pub fn at(file: FileKind, row: u64, column: Option<u32>) -> Source {
        match column {
            Some(column) => Source::Cell { file, row, column },
            None => Source::Row { file, row },
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Cell { file, row, column } => write!(f, "{file}:{row}:{column}"),
            Source::Row { file, row } => write!(f, "{file}:{row}"),
            Source::Path(p) => f.write_str(p),
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
    pub message: Text,
    /// Whether an official source confirms the rule (`verified` of rules.toml or
    /// documents.toml), set when the applicant's entry is finished.
    pub verified: bool,
}

/// A row that could not be attached to any applicant, or a batch-wide problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub rule: &'static str,
    pub source: Source,
    pub message: Text,
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
