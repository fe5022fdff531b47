//! The merged regions of an OpenDocument spreadsheet (`.ods`), which calamine does not
//! give: a merged cell is a `table:table-cell` spanning `table:number-columns-spanned`
//! columns and `table:number-rows-spanned` rows, the cells it covers
//! `table:covered-table-cell`s. Read from `content.xml`, counting rows and cells with
//! their repetitions as calamine does, so a region's corners are the grid's positions.
//!
//! The same pass finds how far each sheet's values reach: calamine reads an `.ods` sheet
//! into one dense range from its first value to its last, so a value far below or right
//! of the table (or a cell repeated 16,384 times across a million rows) would take
//! gigabytes; past [`MAX_CELLS`] the workbook is refused with what to do.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::grid::Merge;

/// At most this many regions are read from one workbook.
const MAX_MERGES: usize = 1 << 20;

/// A whole-number attribute of `e`, `1` when absent or unreadable.
fn count(e: &BytesStart<'_>, name: &str) -> u32 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// At most this many cells in the range of one sheet (rows × columns up to its last
/// value): calamine holds each in 32 bytes, so half a gigabyte. A batch of 100,000
/// applicants fills about 4.5 million.
pub(super) const MAX_CELLS: u64 = 16 << 20;

/// The merged regions of each sheet of the `.ods` file `bytes`, by sheet name; an error
/// saying what to do when a sheet's range holds more than [`MAX_CELLS`] cells. A
/// `content.xml` that cannot be read is calamine's to report: no regions then.
pub(super) fn scan(bytes: &[u8]) -> Result<HashMap<String, Vec<Merge>>, String> {
    let Ok((merges, extents)) = merges(bytes) else {
        return Ok(HashMap::new());
    };
    for (sheet, (rows, cols)) in extents {
        let cells = u64::from(rows) * u64::from(cols);
        if cells > MAX_CELLS {
            return Err(format!(
                "the sheet «{sheet}» reaches row {rows} and column {cols} ({cells} cells), more than an .ods sheet can be read as ({MAX_CELLS} cells): delete stray values far below or right of the table, or save the workbook as .xlsx, which is read row by row"
            ));
        }
    }
    Ok(merges)
}

/// Rows and columns up to the last value of each sheet.
type Extents = HashMap<String, (u32, u32)>;

/// The merged regions of each sheet of the `.ods` file `bytes`, by sheet name, and each
/// sheet's extent.
fn merges(bytes: &[u8]) -> Result<(HashMap<String, Vec<Merge>>, Extents), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let content = zip.by_name("content.xml").map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut out: HashMap<String, Vec<Merge>> = HashMap::new();
    let mut extents: Extents = HashMap::new();
    let (mut depth, mut sheet) = (0usize, String::new());
    let (mut row, mut col, mut rows) = (0u32, 0u32, 1u32);
    let mut found = 0usize;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (e, empty) = match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table" => depth = depth.saturating_sub(1),
                    "table:table-row" if depth == 1 => row = row.saturating_add(rows),
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        match e.name().as_ref() {
            "table:table" => {
                depth += usize::from(!empty);
                if depth == 1 {
                    sheet = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    row = 0;
                }
            }
            "table:table-row" if depth == 1 => {
                rows = count(&e, "table:number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(rows);
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") if depth == 1 => {
                if name == "table:table-cell" {
                    let across = count(&e, "table:number-columns-spanned");
                    let down = count(&e, "table:number-rows-spanned");
                    if (across > 1 || down > 1) && found < MAX_MERGES {
                        found += 1;
                        out.entry(sheet.clone()).or_default().push(Merge {
                            first: (row, col),
                            last: (row.saturating_add(down - 1), col.saturating_add(across - 1)),
                        });
                    }
                }
                let across = count(&e, "table:number-columns-repeated");
                let valued = !empty
                    || e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                if valued && name == "table:table-cell" {
                    let reach = extents.entry(sheet.clone()).or_default();
                    reach.0 = reach.0.max(row.saturating_add(rows));
                    reach.1 = reach.1.max(col.saturating_add(across));
                }
                col = col.saturating_add(across);
            }
            _ => {}
        }
    }
    Ok((out, extents))
}
