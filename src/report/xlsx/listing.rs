//! The Findings sheet of findings.xlsx: one row per finding of the report, as
//! findings.csv lists them (applicant by applicant, in the report's order), for
//! filtering and sorting: applicant id, name, status, rule, severity, family member,
//! message in the report's language, and where, as a link to the very cell of the
//! row sheets the finding's source names (the row's status cell when it names only a
//! row; the applicant's status cell when it names no row, as a missing scan). The
//! link's text is the source as every report shows it (`applicants.csv:12:7`,
//! `book.xlsx!Заявители!F12`). A filter on the header, which stays in view.
//!
//! Row errors are not findings of an applicant: the Summary sheet lists them.

use rust_xlsxwriter::{Url, Workbook, Worksheet, XlsxError};

use crate::columns::FileKind;

use super::rows::status_fill;
use super::style::{Shape, word, wrapped_height};
use super::{Ctx, MAX_ROWS, Written, cell_link};

/// About how many characters a line of the message column holds.
const MESSAGE_CHARS: usize = 75;

/// Excel keeps at most 65,530 links in a sheet: past this many, the place is text.
const MAX_LINKS: u32 = 65_000;

/// The cell of the row sheets a finding points at: its sheet's name, row and column.
pub fn target(
    written: &[Written],
    file: FileKind,
    at: u32,
    column: Option<u32>,
) -> Option<(&str, u32, u16)> {
    let sheet = written.iter().find(|w| w.file == file)?;
    let col = column.map_or(Some(0), |c| u16::try_from(c).ok())?;
    Some((sheet.name.as_str(), at, col))
}

/// Writes `text` at (`row`, `col`) as a link to `to` when there is one (and links are
/// left), else as text.
pub fn link_or_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    to: Option<(&str, u32, u16)>,
    links: &mut u32,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    match to {
        Some((name, r, c)) if *links < MAX_LINKS => {
            let (url, reference) = cell_link(name, r, c);
            let shown = if text.is_empty() {
                reference
            } else {
                text.to_string()
            };
            ws.write_url_with_options(row, col, Url::new(url), &shown, "", Some(&ctx.styles.link))?;
            *links += 1;
        }
        _ => {
            ws.write_string(row, col, text)?;
        }
    }
    Ok(())
}

/// The Findings sheet.
pub fn write(
    book: &mut Workbook,
    ctx: &Ctx<'_>,
    written: &[Written],
) -> Result<Worksheet, XlsxError> {
    let lang = ctx.lang;
    let mut ws = book.new_worksheet_with_constant_memory()?;
    ws.set_name(word("col_findings", lang))?;
    let headers = [
        ("col_id", 14.0),
        ("col_name", 30.0),
        ("col_status", 14.0),
        ("col_rule", 30.0),
        ("col_severity", 14.0),
        ("col_member", 12.0),
        ("col_message", 70.0),
        ("col_source_link", 34.0),
    ];
    for (c, (key, width)) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, word(key, lang), &ctx.styles.header)?;
        ws.set_column_width(c, *width)?;
    }
    let mut row = 0u32;
    let mut links = 0u32;
    for f in ctx.marks.listing()? {
        let f = f?;
        if row + 1 >= MAX_ROWS {
            break;
        }
        row += 1;
        let (_, status, _) = crate::report::labels::status_text(f.status, lang);
        ws.write_string(row, 0, &f.id)?;
        ws.write_string(row, 1, &f.name)?;
        let format = ctx.styles.cell(Shape::Plain, status_fill(f.status));
        ws.write_string_with_format(row, 2, status, format)?;
        ws.write_string(row, 3, &f.rule)?;
        let format = ctx.styles.cell(Shape::Plain, Some(f.severity));
        ws.write_string_with_format(row, 4, f.severity.label(lang), format)?;
        if let Some(m) = &f.member {
            ws.write_string(row, 5, m)?;
        }
        ws.write_string_with_format(row, 6, &f.message, &ctx.styles.wrap)?;
        if f.message.chars().count() > MESSAGE_CHARS {
            ws.set_row_height(row, wrapped_height(&f.message, MESSAGE_CHARS))?;
        }
        let to = ctx
            .marks
            .target(&f)
            .and_then(|(file, at, column)| target(written, file, at, column));
        link_or_text(&mut ws, row, 7, &f.source, to, &mut links, ctx)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row, (headers.len() - 1) as u16)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(ws)
}
