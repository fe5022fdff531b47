//! `OUT/findings.xlsx` (`validate --format xlsx --out FILE`): the caseworker's own rows
//! handed back with every problem on its cell, for the caseworker who keeps the batch in
//! Excel and wants to go from a finding straight to the cell that holds it.
//!
//! The workbook holds, in this order:
//!
//! - one sheet per table of the batch (`rows`), named as the caseworker named it (the
//!   workbook's sheet, or the table for a CSV file: `applicants`, `family`,
//!   `expenses`), with their rows, headers and column order, a status column first,
//!   each problem cell filled by its worst finding (`style`) and holding the findings'
//!   messages in a note (`marks`);
//! - `Findings` (`Замечания` in Russian): one row per finding of the report, with a link
//!   to its cell (`listing`);
//! - `Summary` (`Итоги`): the legend of the fills, the applicants by status, the rows
//!   read and accounted for per table, each mission's next booking day, and the rows
//!   that were not processed, linked to their rows (`summary`).
//!
//! Neither the report's entries nor the rows are held. The entries pass a [`Gather`] as
//! each window is finished, which keeps what goes on the sheets (marks, the Findings
//! rows, the missions' counts) in scratch files and lets them go (`marks`). After
//! validation the tables are read again through the same [`Source`] (the same bytes,
//! the same header, the same line or row numbers the findings' sources name), one table
//! at a time, and streamed row by row into constant-memory worksheets whose rows and
//! notes go to temporary files in the output's folder (`notes`: rust_xlsxwriter would
//! hold every note until the end). Cells are written as they were read (`cells`), and
//! `--redact` hides in the rows what the redacted report hides.

mod cells;
mod listing;
mod marks;
mod notes;
mod rows;
mod style;
mod summary;

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::columns::FileKind;
use crate::error::Error;
use crate::findings::Lang;
use crate::ingest::Limits;
use crate::schema::FieldSchema;
use crate::source::{Content, Source, is_table_sheet};

use super::Report;
pub use marks::{Gather, Marks};
use rows::RowSheet;
use style::{Styles, word};

/// Rows of a sheet (Excel's 1,048,576, 0-based past the last).
pub(crate) const MAX_ROWS: u32 = 1 << 20;
/// Columns of a sheet (Excel's 16,384).
pub(crate) const MAX_COLS: u16 = 1 << 14;

/// What every sheet writer shares.
pub struct Ctx<'r> {
    pub marks: Marks,
    pub styles: Styles,
    pub lang: Lang,
    pub redact: bool,
    /// Where the notes are spilled (the output's folder).
    pub tempdir: &'r Path,
}

/// A table written as a sheet: which table, the sheet's name, rows that did not fit.
pub struct Written {
    pub file: FileKind,
    pub name: String,
    pub dropped: u64,
}

/// Where findings.xlsx reads the batch again.
pub struct Batch<'a> {
    pub source: &'a dyn Source,
    pub fields: &'a FieldSchema,
    pub limits: &'a Limits,
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::input("findings.xlsx", e.to_string())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not starting
/// or ending with an apostrophe, and none already taken (compared ignoring case).
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base: String = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        "sheet".to_string()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

/// findings.xlsx before it is saved: rust_xlsxwriter's workbook and the notes of its
/// row sheets, each sheet's rows and notes in temporary files until then.
pub struct FindingsBook {
    book: Workbook,
    notes: Vec<notes::SheetNotes>,
    tempdir: std::path::PathBuf,
}

/// The workbook of `report` over the rows of `batch`, to [`save`]; its row sheets keep
/// their rows and notes in temporary files in `tempdir` (the output's folder) until
/// then.
pub fn findings_xlsx(
    report: &Report,
    marks: Marks,
    batch: &Batch<'_>,
    lang: Lang,
    tempdir: &Path,
) -> Result<FindingsBook, Error> {
    let mut book = Workbook::new();
    book.set_tempdir(tempdir).map_err(xlsx_error)?;
    // Dated the as-of day, so the same batch and --as-of give the same bytes.
    let d = report.as_of;
    let created = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
        .map_err(xlsx_error)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(word("title", lang))
            .set_comment("resettle findings.xlsx")
            .set_creation_datetime(&created),
    );
    let mut ctx = Ctx {
        marks,
        styles: Styles::new(),
        lang,
        redact: report.redacted,
        tempdir,
    };
    let mut taken: HashSet<String> = ["col_findings", "summary"]
        .iter()
        .map(|k| word(k, lang).to_lowercase())
        .collect();
    let mut written = Vec::new();
    let mut sheet_notes = Vec::new();
    for file in FileKind::ALL {
        let Some(content) =
            crate::ingest::read_bounded(batch.source, file, batch.limits.max_file_size)?
        else {
            continue;
        };
        let mut ws = book
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        let (dropped, notes) = match content {
            Content::Grid(grid) => {
                if grid.cells.is_empty() {
                    continue; // an empty optional sheet, ignored as validation did
                }
                let wanted = if ctx.redact && !is_table_sheet(&grid.sheet.name) {
                    file.schema_key()
                } else {
                    grid.sheet.name.as_str()
                };
                ws.set_name(sheet_name(wanted, &mut taken))
                    .map_err(xlsx_error)?;
                let (header_row, columns) =
                    crate::ingest::table::header_of(file, &grid, batch.fields, batch.limits)?;
                let mut sheet = RowSheet::new(&mut ws, &mut ctx, file);
                rows::write_grid(&mut sheet, &grid, header_row, &columns).map_err(xlsx_error)?;
                sheet.finish().map_err(xlsx_error)?
            }
            Content::Text(bytes) => {
                if let Some(what) = crate::ingest::magic::not_text(&bytes) {
                    return Err(Error::input(
                        file.file_name(),
                        format!("this file is {what}"),
                    ));
                }
                let decoded = crate::ingest::decode::decode_owned(bytes);
                if decoded.text.trim().is_empty() {
                    continue;
                }
                let table =
                    crate::ingest::table::read_limited(file, decoded, batch.fields, batch.limits)?;
                ws.set_name(sheet_name(file.schema_key(), &mut taken))
                    .map_err(xlsx_error)?;
                let mut sheet = RowSheet::new(&mut ws, &mut ctx, file);
                rows::write_csv(&mut sheet, &table).map_err(xlsx_error)?;
                sheet.finish().map_err(xlsx_error)?
            }
        };
        sheet_notes.extend(notes);
        written.push(Written {
            file,
            name: ws.name(),
            dropped,
        });
        book.push_worksheet(ws);
    }
    let findings = listing::write(&mut book, &ctx, &written).map_err(xlsx_error)?;
    book.push_worksheet(findings);
    let summary = summary::write(&ctx, report, &written).map_err(xlsx_error)?;
    book.push_worksheet(summary);
    Ok(FindingsBook {
        book,
        notes: sheet_notes,
        tempdir: tempdir.to_path_buf(),
    })
}

/// Writes `findings` to `w`, streaming each row sheet from its temporary file (never
/// the whole workbook in memory): saved by rust_xlsxwriter to a temporary file, then
/// copied with the row sheets' notes written from their spills (`notes`).
pub fn save(
    findings: &mut FindingsBook,
    w: &mut (dyn std::io::Write + Send),
) -> std::io::Result<()> {
    let io = |e| match e {
        XlsxError::IoError(e) => e,
        e => std::io::Error::other(e.to_string()),
    };
    if findings.notes.is_empty() {
        return findings.book.save_to_writer(w).map_err(io);
    }
    let mut saved =
        std::io::BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(&findings.tempdir)?);
    findings.book.save_to_writer(&mut saved).map_err(io)?;
    let mut saved = saved.into_inner().map_err(|e| e.into_error())?;
    std::io::Seek::rewind(&mut saved)?;
    let notes = std::mem::take(&mut findings.notes);
    notes::patch(std::io::BufReader::with_capacity(1 << 20, saved), notes, w)
}

/// The `internal:` link to the cell at 0-based (`row`, `col`) of sheet `name`, and the
/// cell's reference as Excel shows it (`'Заявители'!G12`).
pub fn cell_link(name: &str, row: u32, col: u16) -> (String, String) {
    let reference = format!(
        "'{}'!{}{}",
        name.replace('\'', "''"),
        crate::columns::column_letters(u32::from(col) + 1),
        u64::from(row) + 1
    );
    (format!("internal:{reference}"), reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts_and_never_twice() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("Заявители", &mut taken), "Заявители");
        assert_eq!(sheet_name("заявители", &mut taken), "заявители (2)");
        assert_eq!(sheet_name("a/b:c", &mut taken), "a_b_c");
        assert_eq!(sheet_name("'quoted'", &mut taken), "quoted");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &mut taken).chars().count(), 31);
        assert_eq!(
            sheet_name(&long, &mut taken),
            format!("{} (2)", "x".repeat(27))
        );
        assert_eq!(
            cell_link("It's", 11, 6),
            (
                "internal:'It''s'!G12".to_string(),
                "'It''s'!G12".to_string()
            )
        );
    }
}
