//! The Summary sheet of findings.xlsx: what the batch came to, on one printable page
//! or a few.
//!
//! - the title with the as-of date (and that the workbook is redacted, when it is);
//! - the legend: each severity's fill, and what the fills and notes mean;
//! - the applicants by status, and in all;
//! - every table's rows read, accepted and not processed (so every input row is
//!   accounted for), and the rows a sheet could not hold, if any;
//! - each mission the applicants apply to, with its next booking day (a date cell),
//!   its applicants and how many are ready;
//! - the rows that were not processed and the batch's warnings: where (a link to the
//!   row in its sheet), the rule, and the message.

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::findings::{Lang, RowError, Severity};
use crate::report::labels::status_text;
use crate::report::{Report, Status};

use super::listing::{link_or_text, target};
use super::marks::place;
use super::rows::status_fill;
use super::style::{Shape, word, wrapped_height};
use super::{Ctx, Written};

/// About how many characters a line of a message (columns C to G) holds.
const MESSAGE_CHARS: usize = 80;

/// Writes a heading at `row`, then the column headers of `keys` under it (none when
/// empty); returns the next row.
fn section(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    row: u32,
    title: &'static str,
    keys: &[&'static str],
) -> Result<u32, XlsxError> {
    let row = heading(ws, ctx, row, title)?;
    if keys.is_empty() {
        return Ok(row);
    }
    header_row(ws, ctx, row, keys)
}

/// Writes a heading at `row` and returns the next row.
fn heading(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    row: u32,
    key: &'static str,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, word(key, ctx.lang), &ctx.styles.bold)?;
    Ok(row + 1)
}

fn header_row(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    row: u32,
    keys: &[&'static str],
) -> Result<u32, XlsxError> {
    for (c, key) in keys.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, word(key, ctx.lang), &ctx.styles.header)?;
    }
    Ok(row + 1)
}

/// The row errors or warnings of `list`, from `row`; returns the next row.
fn row_errors(
    ws: &mut Worksheet,
    ctx: &Ctx<'_>,
    written: &[Written],
    mut row: u32,
    list: &[RowError],
    links: &mut u32,
) -> Result<u32, XlsxError> {
    if list.is_empty() {
        ws.write_string(row, 0, word("none", ctx.lang))?;
        return Ok(row + 2);
    }
    row = header_row(
        ws,
        ctx,
        row,
        &["col_source_link", "col_rule", "col_message"],
    )?;
    for e in list {
        let to = place(&e.source).and_then(|(file, r, column)| {
            target(written, file, ctx.marks.written_at(file, r)?, column)
        });
        link_or_text(ws, row, 0, &e.source.to_string(), to, links, ctx)?;
        ws.write_string(row, 1, e.rule)?;
        // The message over the columns to the right, wrapped.
        let message = e.message.get(ctx.lang);
        ws.merge_range(row, 2, row, 6, &message, &ctx.styles.wrap)?;
        ws.set_row_height(row, wrapped_height(&message, MESSAGE_CHARS))?;
        row += 1;
    }
    Ok(row + 1)
}

/// The Summary sheet.
pub fn write(ctx: &Ctx<'_>, report: &Report, written: &[Written]) -> Result<Worksheet, XlsxError> {
    let lang = ctx.lang;
    let mut ws = Worksheet::new();
    ws.set_name(word("summary", lang))?;
    for (col, width) in [
        (0, 46.0),
        (1, 22.0),
        (2, 16.0),
        (3, 16.0),
        (4, 18.0),
        (5, 10.0),
        (6, 10.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    let title = format!(
        "{} — {} {}",
        word("title", lang),
        word("as_of", lang),
        report.as_of.strftime("%d.%m.%Y")
    );
    ws.write_string_with_format(0, 0, &title, &ctx.styles.title)?;
    let mut row = 1;
    for key in ["redacted_note", "xlsx_legend"] {
        if key == "redacted_note" && !report.redacted {
            continue;
        }
        let text = word(key, lang);
        ws.merge_range(row, 0, row, 6, text, &ctx.styles.wrap)?;
        ws.set_row_height(row, wrapped_height(text, 2 * MESSAGE_CHARS))?;
        row += 1;
    }
    for (c, s) in [
        Severity::Refusal,
        Severity::Error,
        Severity::Missing,
        Severity::Warning,
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string_with_format(
            row,
            c as u16,
            s.label(lang),
            ctx.styles.cell(Shape::Plain, Some(s)),
        )?;
    }
    row += 2;

    row = section(&mut ws, ctx, row, "statuses_title", &[])?;
    let s = &report.summary;
    for (status, n) in [
        (Status::Ready, s.ready),
        (Status::Incomplete, s.incomplete),
        (Status::Invalid, s.invalid),
        (Status::Refused, s.refused),
    ] {
        let format = ctx.styles.cell(Shape::Plain, status_fill(status));
        ws.write_string_with_format(row, 0, status_text(status, lang).0, format)?;
        ws.write_number(row, 1, n as f64)?;
        row += 1;
    }
    ws.write_string_with_format(row, 0, word("applicants_all", lang), &ctx.styles.bold)?;
    ws.write_number_with_format(row, 1, s.applicants as f64, &ctx.styles.bold)?;
    row += 2;

    let keys = ["col_table", "col_read", "col_accepted", "col_rejected"];
    row = section(&mut ws, ctx, row, "rows_title", &keys)?;
    for (file, counts) in &report.rows {
        let name = written
            .iter()
            .find(|w| w.file.file_name() == *file)
            .map_or(*file, |w| w.name.as_str());
        ws.write_string(row, 0, name)?;
        ws.write_number(row, 1, counts.read as f64)?;
        ws.write_number(row, 2, counts.accepted as f64)?;
        ws.write_number(row, 3, counts.rejected as f64)?;
        row += 1;
    }
    for w in written.iter().filter(|w| w.dropped > 0) {
        let text = match lang {
            Lang::Ru => format!(
                "На листе «{}» не поместились {} строк(и) (в листе Excel не больше 1 048 576 строк): они есть в report.json",
                w.name, w.dropped
            ),
            Lang::En => format!(
                "{} row(s) did not fit in the sheet «{}» (an Excel sheet holds 1,048,576 rows): they are in report.json",
                w.dropped, w.name
            ),
        };
        ws.write_string(row, 0, &text)?;
        row += 1;
    }
    row += 1;

    let keys = [
        "col_mission_name",
        "col_next_booking",
        "applicants",
        "col_ready",
    ];
    row = section(&mut ws, ctx, row, "missions_title", &keys)?;
    let missions = ctx.marks.missions();
    if missions.is_empty() {
        ws.write_string(row, 0, word("none", lang))?;
        row += 1;
    }
    for m in missions {
        ws.write_string(row, 0, &m.name)?;
        match m.next {
            Some(d) => {
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    d.year() as u16,
                    d.month() as u8,
                    d.day() as u8,
                )?;
                ws.write_datetime_with_format(row, 1, date, &ctx.styles.date)?;
                if m.verified == Some(false) {
                    ws.write_string(row, 4, word("booking_check", lang))?;
                }
            }
            None => {
                ws.write_string(row, 1, word("booking_unknown", lang))?;
            }
        }
        ws.write_number(row, 2, m.applicants as f64)?;
        ws.write_number(row, 3, m.ready as f64)?;
        row += 1;
    }
    row += 1;

    let mut links = 0;
    row = section(&mut ws, ctx, row, "errors_title", &[])?;
    row = row_errors(&mut ws, ctx, written, row, &report.errors, &mut links)?;
    row = section(&mut ws, ctx, row, "warnings_title", &[])?;
    row_errors(&mut ws, ctx, written, row, &report.warnings, &mut links)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(ws)
}
