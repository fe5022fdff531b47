//! A workbook's sheet to the same [`Table`] a CSV file becomes, so that one cell reader
//! serves both: each cell's text (`cell`: dates, numbers, digits as Excel means them)
//! is written back to back into one buffer, each record a span of it on its sheet row,
//! field `i` in sheet column `i + 1`. The header is the first row (of the first
//! [`HEADER_SEARCH`]) that names the required columns, so title rows above it are
//! passed over; blank rows, and empty rows and columns past the data, are no records.
//! What a cell's type says beyond its text (an error cell, a number that lost digits)
//! is kept as a [`Note`] on its cell.

mod cell;

use std::sync::Arc;

use super::header::{map_header, repeated_header, repeats_header};
use super::{Record, Table, stray_values, too_many_rows};
use crate::columns::{Col, ColumnMap, FileKind, Sheet};
use crate::error::Error;
use crate::findings::{RowError, Source};
use crate::ingest::Limits;
use crate::ingest::split::{At, Fields, Part};
use crate::schema::FieldSchema;
use crate::source::{Grid, GridCell, Value};

/// Rows looked at for the header: titles and notes above it are a few.
pub const HEADER_SEARCH: usize = 50;

/// What a workbook cell says beyond its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteKind {
    /// An error cell (`#N/A`, `#REF!`): its code. The cell is not read.
    ErrorCell(String),
    /// In a column of digits, a number Excel cannot hold exactly (more than 2^53, a
    /// fraction, negative) or one shown in exponent form: as shown. Not read.
    Inexact(String),
    /// In a column of `len` digits, a number of fewer: its leading zeros were lost.
    /// Not read.
    LostZeros { digits: String, len: usize },
    /// An IIN stored as a number of 11 digits that is valid with its leading 0
    /// restored: read restored, with a warning.
    ZeroRestored { stored: String },
    /// In a CSV file, a value holding bytes that did not decode in the file's encoding
    /// (`encoding`, its label), replaced by U+FFFD. Not read.
    Undecodable { encoding: &'static str },
    /// A document number stored as a number of fewer than 9 digits: read as it is,
    /// with a warning (a leading 0 may be lost).
    ShortNumber { digits: String },
}

/// A note on field `field` of record `record` of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub record: u32,
    pub field: u32,
    pub kind: NoteKind,
}

/// The cells of each row: (0-based row, start, end) in `cells`.
fn rows_of(cells: &[GridCell]) -> Vec<(u32, usize, usize)> {
    let mut rows: Vec<(u32, usize, usize)> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        match rows.last_mut() {
            Some(last) if last.0 == c.row => last.2 = i + 1,
            _ => rows.push((c.row, i, i + 1)),
        }
    }
    rows
}

fn is_blank(v: &Value) -> bool {
    matches!(v, Value::Text(s) if s.trim().is_empty())
}

/// The fields of one row as a part of their own (the header row, read as text).
fn row_part(cells: &[GridCell]) -> (Part, At) {
    let (mut part, mut ends) = (Part::default(), Vec::new());
    for c in cells {
        while ends.len() < c.col as usize {
            ends.push(part.unescaped.len() as u32);
        }
        cell::render(&c.value, None, &mut part.unescaped);
        ends.push(part.unescaped.len() as u32);
    }
    let (first, wide) = part.push_ends(0, &ends);
    let at = At {
        part: 0,
        base: 0,
        first,
        count: ends.len() as u32,
        raw: false,
        wide,
    };
    (part, at)
}

/// The header row, its columns and the warnings it gives: the first row that names
/// the required columns. When none does, the error of the row that names the most
/// columns (of the first non-blank one when none names any).
fn find_header(
    file: FileKind,
    sheet: &Arc<Sheet>,
    cells: &[GridCell],
    rows: &[(u32, usize, usize)],
    fields: &FieldSchema,
    limits: &Limits,
) -> Result<(usize, ColumnMap, Vec<RowError>), Error> {
    let mut best: Option<(usize, Error)> = None;
    for (k, &(row, from, to)) in rows.iter().enumerate().take(HEADER_SEARCH) {
        let row_cells = &cells[from..to];
        if row_cells.iter().all(|c| is_blank(&c.value)) {
            continue;
        }
        let (part, at) = row_part(row_cells);
        let parts = [part];
        let view = Fields::new("", &parts, &at);
        let mut warnings = Vec::new();
        let line = u64::from(row) + 1;
        match map_header(
            file,
            Some(sheet),
            line,
            view,
            fields,
            limits.max_columns,
            &mut warnings,
        ) {
            Ok(columns) => return Ok((k, columns, warnings)),
            Err(e) => {
                let named = view
                    .iter()
                    .filter(|h| fields.column_for_header(h).is_some())
                    .count();
                if best.as_ref().is_none_or(|(n, _)| named > *n) {
                    best = Some((named, e));
                }
            }
        }
    }
    Err(best.map_or_else(
        || {
            Error::input(
                format!("{}!{}", sheet.book, sheet.name),
                "the sheet is empty: its first row must name the columns (see `resettle init`)",
            )
        },
        |(_, e)| e,
    ))
}

/// The header of the sheet of `grid` (holding table `file`), found as [`read_grid`]
/// finds it, without reading the rows: its row (1-based) and its columns.
pub fn header_of(
    file: FileKind,
    grid: &Grid,
    fields: &FieldSchema,
    limits: &Limits,
) -> Result<(u64, ColumnMap), Error> {
    let rows = rows_of(&grid.cells);
    let (h, columns, _) = find_header(file, &grid.sheet, &grid.cells, &rows, fields, limits)?;
    Ok((u64::from(rows[h].0) + 1, columns))
}

/// Reads the sheet of `grid` (holding table `file`) into a table. Fails, naming the
/// sheet and row, when no row of the first [`HEADER_SEARCH`] names the required
/// columns, a column is given twice, or the sheet has more data rows or header columns
/// than `limits` allow.
pub fn read_grid(
    file: FileKind,
    grid: Grid,
    fields: &FieldSchema,
    limits: &Limits,
) -> Result<Table, Error> {
    let Grid { sheet, cells } = grid;
    let rows = rows_of(&cells);
    let (h, columns, mut warnings) = find_header(file, &sheet, &cells, &rows, fields, limits)?;
    let header_row = u64::from(rows[h].0) + 1;
    // The header's fields up to its last named one; what lies under an empty header
    // cell or past the last one is read by no column.
    let labelled = (0..)
        .take_while(|&i| columns.header_at(i).is_some())
        .last()
        .map_or(0, |i| i + 1);
    let mut of_field: Vec<Option<Col>> = vec![None; labelled];
    for &col in file.columns() {
        if let Some(i) = columns.index(col).filter(|&i| i < labelled) {
            of_field[i] = Some(col);
        }
    }
    let unlabeled = |i: usize| columns.header_at(i).is_none_or(str::is_empty);
    let mut part = Part::default();
    // The field ends of the row being read.
    let mut ends = Vec::new();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let (mut stray, mut first_stray) = (0usize, None);
    for &(row, from, to) in &rows[h + 1..] {
        let row_cells = &cells[from..to];
        if row_cells.iter().all(|c| is_blank(&c.value)) {
            continue;
        }
        let line = u64::from(row) + 1;
        let text_at = |i: usize| {
            row_cells
                .iter()
                .find(|c| c.col as usize == i)
                .and_then(|c| match &c.value {
                    Value::Text(s) => Some(s.as_str()),
                    _ => None,
                })
        };
        if repeats_header(text_at, &columns, file, fields) {
            let at = Source::in_table(file, Some(&sheet), line, None);
            errors.push(repeated_header(at, line));
            continue;
        }
        if records.len() as u64 >= limits.max_rows {
            let at = Source::in_table(file, Some(&sheet), line, None);
            return Err(too_many_rows(at, limits.max_rows));
        }
        let base = part.unescaped.len();
        ends.clear();
        for c in row_cells {
            let i = c.col as usize;
            if i >= labelled || unlabeled(i) {
                if !is_blank(&c.value) {
                    stray += 1;
                    first_stray.get_or_insert(line);
                }
                if i >= labelled {
                    continue;
                }
            }
            while ends.len() < i {
                ends.push(part.unescaped.len() as u32);
            }
            if let Some(kind) = cell::render(&c.value, of_field[i], &mut part.unescaped) {
                notes.push(Note {
                    record: records.len() as u32,
                    field: i as u32,
                    kind,
                });
            }
            ends.push(part.unescaped.len() as u32);
        }
        if part.unescaped.len() > crate::ingest::split::MAX_TEXT {
            return Err(Error::input(
                format!("{}!{}", sheet.book, sheet.name),
                "the sheet's text is larger than 2 GiB: split the batch into smaller ones",
            ));
        }
        let (first, wide) = part.push_ends(base as u32, &ends);
        records.push(Record {
            row: line,
            at: At {
                part: 0,
                base: base as u32,
                first,
                count: ends.len() as u32,
                raw: false,
                wide,
            },
        });
    }
    if let Some(row) = first_stray {
        let source = Source::in_table(file, Some(&sheet), row, None);
        warnings.push(stray_values(source, stray, row));
    }
    Ok(Table {
        file,
        columns,
        header_row,
        text: String::new(),
        parts: vec![part],
        records,
        warnings,
        errors,
        // The workbook and the sheet are told by the table's columns (`sheet`).
        format: format!("header on row {header_row}"),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Arc<Sheet> {
        Arc::new(Sheet {
            book: "book.xlsx".into(),
            name: "Расходы".into(),
        })
    }

    fn grid(rows: &[(u32, &[(u32, Value)])]) -> Grid {
        let cells = rows
            .iter()
            .flat_map(|(row, cells)| {
                cells.iter().map(|(col, value)| GridCell {
                    row: *row,
                    col: *col,
                    value: value.clone(),
                })
            })
            .collect();
        Grid {
            sheet: sheet(),
            cells,
        }
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn fields() -> FieldSchema {
        crate::schema::Schemas::embedded().unwrap().fields
    }

    #[test]
    fn the_header_is_found_below_title_rows_and_cells_keep_their_places() {
        let g = grid(&[
            (0, &[(0, t("Расходы семей, партия 3"))]),
            (
                2,
                &[
                    (1, t("ID заявителя")),
                    (2, t("Вид расхода")),
                    (4, t("Сумма")),
                ],
            ),
            (
                3,
                &[
                    (1, t("A1")),
                    (2, t("проезд")),
                    (4, Value::Number(48500.5)),
                    (9, t("stray")),
                ],
            ),
            (4, &[(1, t("  "))]),
            (
                6,
                &[
                    (1, t("A2")),
                    (2, t("duty")),
                    (3, Value::Error("#N/A".into())),
                ],
            ),
        ]);
        let table = read_grid(FileKind::Expenses, g, &fields(), &Limits::default()).unwrap();
        assert_eq!(table.format, "header on row 3");
        let rows: Vec<u64> = table.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [4, 7]);
        let f = table.fields(&table.records[0]);
        assert_eq!(f.get(1), Some("A1"));
        assert_eq!(f.get(4), Some("48500.5"));
        assert_eq!(f.get(0), Some(""));
        assert_eq!(table.columns.number(Col::AmountRub), Some(5));
        assert_eq!(table.notes(0), &[]);
        assert_eq!(
            table.notes(1),
            &[Note {
                record: 1,
                field: 3,
                kind: NoteKind::ErrorCell("#N/A".into())
            }]
        );
        let w: Vec<String> = table
            .warnings
            .iter()
            .map(|w| format!("{} {}", w.source, w.message.get(crate::findings::Lang::En)))
            .collect();
        assert_eq!(
            w,
            [
                "book.xlsx!Расходы!4:4 2 value(s) stand in columns without a header and were ignored; the first on row 4"
            ]
        );
    }

    #[test]
    fn a_sheet_without_a_header_names_the_best_row_and_rows_are_limited() {
        let g = grid(&[
            (0, &[(0, t("Расходы"))]),
            (1, &[(0, t("ID заявителя")), (1, t("Сумма"))]),
        ]);
        let e = read_grid(FileKind::Expenses, g, &fields(), &Limits::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.starts_with("book.xlsx!Расходы!2:2: missing required column(s): `kind`"),
            "{e}"
        );
        let g = grid(&[
            (
                0,
                &[(0, t("applicant_id")), (1, t("kind")), (2, t("amount_rub"))],
            ),
            (1, &[(0, t("A1")), (1, t("duty"))]),
            (2, &[(0, t("A2")), (1, t("duty"))]),
        ]);
        let limits = Limits {
            max_rows: 1,
            ..Limits::default()
        };
        let e = read_grid(FileKind::Expenses, g, &fields(), &limits)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.starts_with("book.xlsx!Расходы!3:3: the file has more than 1 data rows"),
            "{e}"
        );
        let empty = Grid {
            sheet: sheet(),
            cells: Vec::new(),
        };
        let e = read_grid(FileKind::Applicants, empty, &fields(), &Limits::default());
        assert!(e.err().unwrap().to_string().contains("the sheet is empty"));
    }
}
