//! Where each finding of the report lands on the caseworker's rows: an index, built once
//! from the finished report, of the marks on each row of each table (by the table and
//! the row its source names, as CSV line or sheet row alike), so that the rows can be
//! streamed past it and each cell looks its marks up.
//!
//! - A finding whose source names a cell marks that cell; one naming only a row marks
//!   the row's status cell; one naming no row (a scan in `documents/`, a missing
//!   document) marks the status cell of its applicant's row in the applicants table.
//! - A row error (a row that belongs to no applicant) marks its row's status cell, and
//!   the row's status reads "not processed"; a batch warning on a row or cell marks it
//!   as a warning.
//! - As rows are written, the index learns where each marked row went, so the Findings
//!   and Summary sheets can link to the very cell.
//!
//! The index borrows the report's messages: nothing is copied but the keys.

use std::collections::HashMap;

use crate::columns::FileKind;
use crate::findings::{Lang, Message, RowError, Severity, Source};
use crate::report::{Report, Status};

/// One finding (or row error) on a cell or a status cell.
#[derive(Debug, Clone, Copy)]
pub struct Mark<'r> {
    pub severity: Severity,
    pub message: &'r Message,
}

/// The marks on one row of a table.
#[derive(Debug, Default)]
pub struct RowMarks<'r> {
    /// Marks on cells: the source's 1-based column and the mark.
    pub cells: Vec<(u32, Mark<'r>)>,
    /// Marks on the row itself, shown on its status cell.
    pub row: Vec<Mark<'r>>,
    /// Whether a row error says the row was not processed.
    pub refused: bool,
    /// The 0-based row of the row's sheet it was written to.
    pub written: Option<u32>,
}

/// Where a source points: its table, its row, and its 1-based column if any.
pub fn place(source: &Source) -> Option<(FileKind, u64, Option<u32>)> {
    match source {
        Source::Cell { file, row, column } => Some((*file, *row, Some(*column))),
        Source::Row { file, row } => Some((*file, *row, None)),
        Source::Sheet {
            file, row, column, ..
        } => Some((*file, *row, *column)),
        Source::Path(_) => None,
    }
}

/// The marks of a whole report.
pub struct Marks<'r> {
    rows: HashMap<(FileKind, u64), RowMarks<'r>>,
    /// Findings that name no row, by applicant id: shown on the applicant's status cell.
    unplaced: HashMap<&'r str, Vec<Mark<'r>>>,
    /// The row each applicant with unplaced findings was written to, in the applicants
    /// sheet.
    applicant_rows: HashMap<&'r str, u32>,
    status: HashMap<&'r str, Status>,
}

impl<'r> Marks<'r> {
    pub fn new(report: &'r Report) -> Marks<'r> {
        let mut marks = Marks {
            rows: HashMap::new(),
            unplaced: HashMap::new(),
            applicant_rows: HashMap::new(),
            status: HashMap::with_capacity(report.applicants.len()),
        };
        for a in &report.applicants {
            // The first applicant of an id: a repeated id is a row error of its own.
            marks
                .status
                .entry(a.applicant_id.as_str())
                .or_insert(a.status);
            for f in &a.findings {
                let mark = Mark {
                    severity: f.severity,
                    message: &f.message,
                };
                match f.source.as_ref().and_then(place) {
                    Some((file, row, column)) => marks.add(file, row, column, mark),
                    None => marks
                        .unplaced
                        .entry(a.applicant_id.as_str())
                        .or_default()
                        .push(mark),
                }
            }
        }
        for (list, severity) in [
            (&report.errors, Severity::Error),
            (&report.warnings, Severity::Warning),
        ] {
            for e in list {
                marks.add_row_error(e, severity);
            }
        }
        marks
    }

    fn add(&mut self, file: FileKind, row: u64, column: Option<u32>, mark: Mark<'r>) {
        let entry = self.rows.entry((file, row)).or_default();
        match column {
            Some(c) => entry.cells.push((c, mark)),
            None => entry.row.push(mark),
        }
    }

    fn add_row_error(&mut self, e: &'r RowError, severity: Severity) {
        let Some((file, row, column)) = place(&e.source) else {
            return;
        };
        let mark = Mark {
            severity,
            message: &e.message,
        };
        if severity == Severity::Error {
            // A row that was not processed: said on its status cell, whatever cell
            // the error names (the cell gets the mark too).
            let entry = self.rows.entry((file, row)).or_default();
            entry.refused = true;
            if column.is_none() {
                entry.row.push(mark);
                return;
            }
        }
        self.add(file, row, column, mark);
    }

    /// The marks on line (or sheet row) `row` of table `file`.
    pub fn row(&self, file: FileKind, row: u64) -> Option<&RowMarks<'r>> {
        self.rows.get(&(file, row))
    }

    /// Notes that line `row` of `file` was written to sheet row `to` (0-based).
    pub fn written(&mut self, file: FileKind, row: u64, to: u32) {
        if let Some(m) = self.rows.get_mut(&(file, row)) {
            m.written = Some(to);
        }
    }

    /// The status of the applicant of id `id` (as the report spells it).
    pub fn status(&self, id: &str) -> Option<Status> {
        self.status.get(id).copied()
    }

    /// The findings of applicant `id` that name no row.
    pub fn unplaced(&self, id: &str) -> &[Mark<'r>] {
        self.unplaced.get(id).map_or(&[], Vec::as_slice)
    }

    /// Notes that applicant `id`'s row went to row `to` of the applicants sheet (the
    /// first row of an id only).
    pub fn applicant_written(&mut self, id: &str, to: u32) {
        if let Some((key, _)) = self.unplaced.get_key_value(id) {
            let key: &'r str = key;
            self.applicant_rows.entry(key).or_insert(to);
        }
    }

    /// The row of the applicants sheet holding applicant `id`, when it has unplaced
    /// findings and was written.
    pub fn applicant_row(&self, id: &str) -> Option<u32> {
        self.applicant_rows.get(id).copied()
    }

    /// Where line `row` of `file` was written, if it was.
    pub fn written_at(&self, file: FileKind, row: u64) -> Option<u32> {
        self.rows.get(&(file, row)).and_then(|m| m.written)
    }
}

/// The text of a note listing `marks`: the message alone for one, each with its
/// severity for several.
pub fn note_text(marks: &[Mark<'_>], lang: Lang) -> String {
    match marks {
        [one] => one.message.get(lang),
        _ => marks
            .iter()
            .map(|m| format!("• {}: {}", m.severity.label(lang), m.message.get(lang)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mark_is_its_message_and_several_are_listed() {
        let wrong = Message::new(crate::findings::words!("неверный ИИН", "wrong IIN"), []);
        let check = Message::new(
            crate::findings::words!("проверьте дату", "check the date"),
            [],
        );
        let a = Mark {
            severity: Severity::Error,
            message: &wrong,
        };
        let b = Mark {
            severity: Severity::Warning,
            message: &check,
        };
        assert_eq!(note_text(&[a], Lang::En), "wrong IIN");
        assert_eq!(
            note_text(&[a, b], Lang::En),
            "• error: wrong IIN\n• warning: check the date"
        );
    }
}
