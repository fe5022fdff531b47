//! One table of the batch as a sheet of findings.xlsx: the caseworker's rows in their
//! own order, headers and spelling, a status column first, each problem cell filled
//! and noted (`marks`), streamed row by row into a constant-memory worksheet.
//!
//! A workbook's sheet is copied in place: every cell keeps its row (a title above the
//! header too) and moves one column right, so row 12 of the caseworker's sheet is row
//! 12 here. A CSV file becomes its header row and then its records, one row each, in
//! file order (a record over several lines is one row); its cells are text.
//!
//! The status cell of a record says its applicant's status (the applicant of its
//! `applicant_id`), or that the row was not processed, filled as that status's worst
//! finding; its note lists what was found on the row but on no cell of it (and, on
//! the applicants sheet, what was found on no row at all: a missing scan).

use rust_xlsxwriter::{ExcelDateTime, Format, Worksheet, XlsxError};

use crate::columns::{Col, ColumnMap, FileKind};
use crate::findings::Severity;
use crate::ingest::table::Table;
use crate::report::Status;
use crate::source::{Grid, GridCell, Value};
use crate::values::mask_digit_runs;

use super::cells::{Out, Privacy, of_text, of_value};
use super::marks::{Mark, note_text};
use super::notes::{NoteSpill, SheetNotes, column_pixels};
use super::style::{Shape, word};
use super::{Ctx, MAX_COLS, MAX_ROWS};

/// The widest a column is made, in characters.
const MAX_WIDTH: usize = 45;
/// Rows looked at for the columns' widths.
const WIDTH_ROWS: u32 = 2000;

/// A sheet being written: the table it holds and what its columns need.
pub struct RowSheet<'w, 'c, 'r> {
    pub ws: &'w mut Worksheet,
    pub ctx: &'c mut Ctx<'r>,
    pub file: FileKind,
    widths: Vec<usize>,
    /// Rows of the table that did not fit in a sheet.
    pub dropped: u64,
    /// The last row written and the widest column, for the autofilter.
    last: (u32, u16),
    header: Option<u32>,
    notes: NoteSpill<'r>,
}

/// The fill a status gives its status cell.
pub fn status_fill(status: Status) -> Option<Severity> {
    match status {
        Status::Refused => Some(Severity::Refusal),
        Status::Invalid => Some(Severity::Error),
        Status::Incomplete => Some(Severity::Missing),
        Status::Ready => None,
    }
}

impl<'w, 'c, 'r> RowSheet<'w, 'c, 'r> {
    pub fn new(ws: &'w mut Worksheet, ctx: &'c mut Ctx<'r>, file: FileKind) -> Self {
        let tempdir = ctx.tempdir;
        RowSheet {
            ws,
            ctx,
            file,
            widths: Vec::new(),
            dropped: 0,
            last: (0, 0),
            header: None,
            notes: NoteSpill::new(tempdir),
        }
    }

    fn privacy(&self, col: Option<Col>) -> Option<Privacy> {
        self.ctx.redact.then(|| Privacy::of(col))
    }

    /// Writes `out` at (`row`, `col`) in `format`.
    fn put(
        &mut self,
        row: u32,
        col: u16,
        out: &Out<'_>,
        fill: Option<Severity>,
    ) -> Result<(), XlsxError> {
        self.widen(row, col, out);
        let styles = &self.ctx.styles;
        match out {
            Out::Empty => {
                if fill.is_some() {
                    self.ws
                        .write_blank(row, col, styles.cell(Shape::Plain, fill))?;
                }
            }
            Out::Text(s) => {
                // Excel holds at most 32,767 characters in a cell.
                let s = match s.char_indices().nth(32_000) {
                    Some((at, _)) => &s[..at],
                    None => s,
                };
                self.ws
                    .write_string_with_format(row, col, s, styles.cell(Shape::Plain, fill))?;
            }
            Out::Number(n, shape) => {
                self.ws
                    .write_number_with_format(row, col, *n, styles.cell(*shape, fill))?;
            }
            Out::Bool(b) => {
                self.ws
                    .write_boolean_with_format(row, col, *b, styles.cell(Shape::Plain, fill))?;
            }
            Out::Serial(n, shape) => {
                self.ws
                    .write_number_with_format(row, col, *n, styles.cell(*shape, fill))?;
            }
            Out::Iso(s) => match ExcelDateTime::parse_from_str(s) {
                Ok(d) => {
                    let shape = if s.contains('T') {
                        Shape::DateTime
                    } else {
                        Shape::Date
                    };
                    self.ws
                        .write_datetime_with_format(row, col, d, styles.cell(shape, fill))?;
                }
                Err(_) => {
                    self.ws.write_string_with_format(
                        row,
                        col,
                        *s,
                        styles.cell(Shape::Plain, fill),
                    )?;
                }
            },
        }
        Ok(())
    }

    /// A row above the header (a title): its cells as they are.
    pub fn title(&mut self, row: u32, cells: &[(u16, Out<'_>)]) -> Result<(), XlsxError> {
        for (col, out) in cells {
            self.put(row, *col, out, None)?;
        }
        Ok(())
    }

    /// The header row, line `line` of the table: "Status", then the headers.
    pub fn header(
        &mut self,
        row: u32,
        line: u64,
        cells: &[(u16, Out<'_>)],
    ) -> Result<(), XlsxError> {
        let lang = self.ctx.lang;
        let status = word("col_status", lang);
        self.ws
            .write_string_with_format(row, 0, status, &self.ctx.styles.header)?;
        self.widths.resize(self.widths.len().max(1), 0);
        self.widths[0] = self.widths[0].max(status.chars().count());
        self.header = Some(row);
        self.record_marks(row, line, None, cells, true)
    }

    /// A data row, line `line` of the table, with its `applicant_id` as written.
    pub fn record(
        &mut self,
        row: u32,
        line: u64,
        id: Option<&str>,
        cells: &[(u16, Out<'_>)],
    ) -> Result<(), XlsxError> {
        self.record_marks(row, line, id, cells, false)
    }

    fn record_marks(
        &mut self,
        row: u32,
        line: u64,
        id: Option<&str>,
        cells: &[(u16, Out<'_>)],
        is_header: bool,
    ) -> Result<(), XlsxError> {
        let lang = self.ctx.lang;
        let marks = self.ctx.marks.row(self.file, line)?;
        let (cell_marks, mut row_marks, refused) = match marks {
            Some(m) => (m.cells, m.row, m.refused),
            None => (Vec::new(), Vec::new(), false),
        };
        // Ids are looked up as the report spells them (masked when redacted).
        let id = id.map(|id| {
            if self.ctx.redact {
                mask_digit_runs(id.trim()).into_owned()
            } else {
                id.trim().to_string()
            }
        });
        let status = id.as_deref().and_then(|id| self.ctx.marks.status(id));
        if self.file == FileKind::Applicants
            && let Some(id) = id.as_deref()
            && status.is_some()
        {
            row_marks.extend(self.ctx.marks.unplaced(id)?);
            self.ctx.marks.applicant_written(id, row);
        }
        self.ctx.marks.written(self.file, line, row);
        // The status cell.
        if !is_header {
            let (text, fill) = if refused {
                (word("xlsx_not_processed", lang), Some(Severity::Error))
            } else {
                match status {
                    Some(s) => (
                        crate::report::labels::status_text(s, lang).1,
                        status_fill(s).or_else(|| row_marks.iter().map(|m| m.severity).max()),
                    ),
                    None => ("", row_marks.iter().map(|m| m.severity).max()),
                }
            };
            if !text.is_empty() || fill.is_some() {
                self.put(row, 0, &Out::Text(text.into()), fill)?;
            }
        }
        if !row_marks.is_empty() {
            if is_header {
                // A mark on the header row (an unknown column) sits on its status cell.
                let fill = row_marks.iter().map(|m| m.severity).max();
                let status = word("col_status", lang);
                let format: Format = self.ctx.styles.cell(Shape::Plain, fill).clone().set_bold();
                self.ws.write_string_with_format(row, 0, status, &format)?;
            }
            self.notes
                .add(self.ws, row, 0, note_text(&row_marks, lang))?;
        }
        // The cells, each filled by its marks.
        let mut marked: Vec<u32> = cell_marks.iter().map(|(c, _)| *c).collect();
        marked.sort_unstable();
        marked.dedup();
        for (col, out) in cells {
            let on: Vec<Mark> = cell_marks
                .iter()
                .filter(|(c, _)| *c == u32::from(*col))
                .map(|(_, m)| m.clone())
                .collect();
            let fill = on.iter().map(|m| m.severity).max();
            if is_header && fill.is_none() {
                self.ws.write_string_with_format(
                    row,
                    *col,
                    match out {
                        Out::Text(s) => s.as_ref(),
                        _ => "",
                    },
                    &self.ctx.styles.header,
                )?;
                self.widen(row, *col, out);
            } else {
                self.put(row, *col, out, fill)?;
            }
            if !on.is_empty() {
                self.notes.add(self.ws, row, *col, note_text(&on, lang))?;
            }
        }
        // Marked cells that hold nothing: filled empty, with their note.
        for c in marked {
            let Ok(col) = u16::try_from(c) else { continue };
            if col == 0 || col >= MAX_COLS || cells.iter().any(|(x, _)| *x == col) {
                continue;
            }
            let on: Vec<Mark> = cell_marks
                .iter()
                .filter(|(x, _)| *x == c)
                .map(|(_, m)| m.clone())
                .collect();
            self.put(row, col, &Out::Empty, on.iter().map(|m| m.severity).max())?;
            self.notes.add(self.ws, row, col, note_text(&on, lang))?;
        }
        Ok(())
    }

    fn widen(&mut self, row: u32, col: u16, out: &Out<'_>) {
        if row < WIDTH_ROWS {
            let i = usize::from(col);
            if self.widths.len() <= i {
                self.widths.resize(i + 1, 0);
            }
            self.widths[i] = self.widths[i].max(out.width());
        }
        self.last = (self.last.0.max(row), self.last.1.max(col));
    }

    /// Widths that fit, the header frozen with the status column, a filter on the
    /// header, and printing in landscape with the header on every page; the rows that
    /// did not fit and the sheet's notes.
    pub fn finish(self) -> Result<(u64, Option<SheetNotes>), XlsxError> {
        let mut pixels = Vec::with_capacity(self.widths.len());
        for (i, w) in self.widths.iter().enumerate() {
            let Ok(col) = u16::try_from(i) else { break };
            let width = (*w + 2).clamp(6, MAX_WIDTH) as f64;
            self.ws.set_column_width(col, width)?;
            pixels.push(column_pixels(width));
        }
        if let Some(h) = self.header {
            self.ws.set_freeze_panes(h + 1, 1)?;
            self.ws.autofilter(h, 0, self.last.0.max(h), self.last.1)?;
            self.ws.set_repeat_rows(h, h)?;
        }
        self.ws.set_landscape();
        self.ws.set_paper_size(9); // A4
        let notes = self.notes.finish(self.ws, pixels)?;
        Ok((self.dropped, notes))
    }
}

/// The cells of a workbook's sheet, row by row: (0-based row, its cells).
fn grid_rows(cells: &[GridCell]) -> impl Iterator<Item = (u32, &[GridCell])> {
    cells
        .chunk_by(|a, b| a.row == b.row)
        .map(|row| (row[0].row, row))
}

fn is_blank(v: &Value) -> bool {
    matches!(v, Value::Text(s) if s.trim().is_empty())
}

/// The id a cell holds, as text.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
        _ => None,
    }
}

/// The column each field of a table holds (`None` past the header or under an unknown
/// header), looked up once.
fn field_columns(columns: &ColumnMap, file: FileKind) -> Vec<Option<Col>> {
    (0..)
        .map_while(|i| columns.header_at(i).map(|_| columns.column_at(file, i)))
        .collect()
}

/// Writes the sheet of `grid`, whose header is on row `header_row` (1-based).
pub fn write_grid(
    sheet: &mut RowSheet<'_, '_, '_>,
    grid: &Grid,
    header_row: u64,
    columns: &ColumnMap,
) -> Result<(), XlsxError> {
    let id_col = columns.index(Col::ApplicantId);
    let fields = field_columns(columns, sheet.file);
    let mut out = Vec::new();
    for (r, cells) in grid_rows(&grid.cells) {
        if r >= MAX_ROWS {
            sheet.dropped += 1;
            continue;
        }
        let line = u64::from(r) + 1;
        if line > header_row && cells.iter().all(|c| is_blank(&c.value)) {
            continue;
        }
        out.clear();
        for c in cells {
            let Some(col) = u16::try_from(c.col + 1).ok().filter(|&c| c < MAX_COLS) else {
                continue;
            };
            let privacy = match line.cmp(&header_row) {
                // Titles above the header say what they like: hidden when redacted.
                std::cmp::Ordering::Less => sheet.privacy(None),
                std::cmp::Ordering::Equal => sheet.ctx.redact.then_some(Privacy::Keep),
                std::cmp::Ordering::Greater => {
                    sheet.privacy(fields.get(c.col as usize).copied().flatten())
                }
            };
            out.push((col, of_value(&c.value, privacy)));
        }
        match line.cmp(&header_row) {
            std::cmp::Ordering::Less => sheet.title(r, &out)?,
            std::cmp::Ordering::Equal => sheet.header(r, line, &out)?,
            std::cmp::Ordering::Greater => {
                let id = id_col.and_then(|i| {
                    cells
                        .iter()
                        .find(|c| c.col as usize == i)
                        .and_then(|c| id_text(&c.value))
                });
                sheet.record(r, line, id.as_deref(), &out)?;
            }
        }
    }
    Ok(())
}

/// Writes the records of CSV `table`: its header row first, then one row per record.
pub fn write_csv(sheet: &mut RowSheet<'_, '_, '_>, table: &Table) -> Result<(), XlsxError> {
    let columns = &table.columns;
    let field_cols = field_columns(columns, sheet.file);
    let redact = sheet.ctx.redact;
    let mut out: Vec<(u16, Out<'_>)> = (0..)
        .map_while(|i| columns.header_at(i).map(|h| (i, h)))
        .filter_map(|(i, h)| {
            let col = u16::try_from(i + 1).ok().filter(|&c| c < MAX_COLS)?;
            let h = if redact { mask_digit_runs(h) } else { h.into() };
            Some((col, Out::Text(h)))
        })
        .collect();
    sheet.header(0, table.header_row, &out)?;
    let id_col = columns.index(Col::ApplicantId);
    for (k, record) in table.records.iter().enumerate() {
        let Some(row) = u32::try_from(k + 1).ok().filter(|&r| r < MAX_ROWS) else {
            sheet.dropped += 1;
            continue;
        };
        let fields = table.fields(record);
        out.clear();
        for (i, value) in fields.iter().enumerate() {
            let Some(col) = u16::try_from(i + 1).ok().filter(|&c| c < MAX_COLS) else {
                break;
            };
            let privacy = sheet.privacy(field_cols.get(i).copied().flatten());
            out.push((col, of_text(value, privacy)));
        }
        let id = id_col.and_then(|i| fields.get(i));
        sheet.record(row, record.row, id, &out)?;
    }
    Ok(())
}
