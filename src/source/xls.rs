//! The reach of an Excel 97–2003 workbook's sheets (`.xls`), read before calamine opens
//! it. When it opens an `.xls`, calamine reads every sheet at once and keeps them: each
//! laid into one dense range from its first value to its last (32 bytes a cell, and 24
//! more a cell for the range of its formulas), with room reserved for as many cells as a
//! sheet's DIMENSIONS record claims, and each range copied again when a sheet is asked
//! for. A damaged or hostile file (a cell record at row 60,000 and column 60,000, a
//! DIMENSIONS of four billion rows, a value at the far corner of every sheet) makes it
//! ask for gigabytes — and spend seconds zeroing them, long past a minute on a busy
//! machine — or aborts the process. So the workbook stream is read here with `cfb` (the
//! OLE container) and its BIFF records walked as calamine walks them: the sheets named
//! by the BOUNDSHEET records of the workbook's globals, each from the position it gives
//! (a damaged position starts it inside other records, whose bytes calamine then takes
//! for cells), embedded substreams (charts) skipped. The cells calamine would lay out —
//! DIMENSIONS, and the positions of the records it makes cells of (NUMBER, LABEL,
//! RSTRING, BOOLERR, RK, LABELSST, MULRK, FORMULA) — must stay within [`MAX_CELLS`] for
//! the workbook as a whole, and no record may trail more than [`MAX_CONTINUES`] CONTINUE
//! records (calamine takes them off the front of a list one by one: quadratic). A file
//! whose stream cannot be read is refused: calamine could not be trusted with it either.

use std::io::{Cursor, Read};

/// At most this many cells in the ranges of all the sheets of a workbook together (rows
/// × columns up to each sheet's last value, or as its DIMENSIONS record claims, and as
/// many again for the range of its formulas): calamine holds each in about 32 bytes, so
/// half a gigabyte, and a second copy of one sheet, in a few seconds. A batch's three
/// tables as full as an `.xls` sheet can be (65,536 rows) take about 5.4 million.
pub(super) const MAX_CELLS: u64 = 16 << 20;

/// At most this many CONTINUE records after one record: a shared-string table of 130 MB.
pub(super) const MAX_CONTINUES: usize = 1 << 14;

const BOF: u64 = 0x0809;
const EOF: u64 = 0x000A;
const CONTINUE: u64 = 0x003C;

/// How far one sheet reaches: rows and columns, 1-based extents.
#[derive(Default)]
struct Reach {
    rows: u64,
    cols: u64,
}

impl Reach {
    fn cell(&mut self, row: u64, col: u64) {
        self.rows = self.rows.max(row + 1);
        self.cols = self.cols.max(col + 1);
    }

    fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.cols)
    }
}

/// What calamine lays out for one sheet: its cells' range, the room its DIMENSIONS
/// records claim, the range of its formulas.
#[derive(Default)]
struct Sheet {
    values: Reach,
    claimed: Reach,
    formulas: Reach,
}

impl Sheet {
    fn cells(&self) -> u64 {
        self.values
            .cells()
            .max(self.claimed.cells())
            .saturating_add(self.formulas.cells())
    }

    /// The rows and columns it reaches: of its values, or of what its DIMENSIONS
    /// record claims when that is more.
    fn reach(&self) -> &Reach {
        if self.claimed.cells() > self.values.cells() {
            &self.claimed
        } else {
            &self.values
        }
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        d.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        d.get(at..at + 4)?.try_into().ok()?,
    )))
}

/// Checks the `.xls` (OLE) file `bytes`: an error saying why it is not read when its
/// workbook stream cannot be read or its sheets reach past [`MAX_CELLS`].
pub(super) fn check(bytes: &[u8]) -> Result<(), String> {
    let unreadable = |why: String| format!("its workbook stream cannot be read ({why})");
    let mut cfb =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| cfb.is_stream(n))
        .ok_or_else(|| unreadable("no Workbook stream".into()))?;
    let mut stream = Vec::new();
    cfb.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| unreadable(e.to_string()))?;
    walk(&stream)
}

/// The records of a workbook stream from byte `at`: kind and data (cut short at the
/// stream's end), with an error when a record trails more than [`MAX_CONTINUES`]
/// CONTINUE records.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = Result<(u64, &[u8]), String>> {
    let mut run = 0usize;
    std::iter::from_fn(move || {
        if at + 4 > stream.len() {
            return None;
        }
        let kind = u16_at(stream, at).unwrap_or(0);
        let len = u16_at(stream, at + 2).unwrap_or(0) as usize;
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        run = if kind == CONTINUE { run + 1 } else { 0 };
        Some(if run > MAX_CONTINUES {
            Err(format!(
                "a record is continued more than {MAX_CONTINUES} times: the file is damaged"
            ))
        } else {
            Ok((kind, data))
        })
    })
}

/// Walks a workbook stream as calamine reads it: its globals (up to their EOF) for the
/// BOUNDSHEET records, then each sheet from the position one gives.
fn walk(stream: &[u8]) -> Result<(), String> {
    let mut starts = Vec::new();
    for record in records(stream, 0) {
        match record? {
            (EOF, _) => break,
            (0x0085, data) => starts.extend(u32_at(data, 0).map(|at| (at, sheet_name(data)))),
            _ => {}
        }
    }
    let mut total = 0u64;
    let mut reached = Vec::new();
    for (i, (start, name)) in starts.into_iter().enumerate() {
        let name = name.unwrap_or_else(|| format!("{}", i + 1));
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        if start >= stream.len() {
            return Err(format!(
                "sheet «{name}» is said to start at byte {start} of a workbook stream of {} bytes: the file is damaged",
                stream.len()
            ));
        }
        let sheet = walk_sheet(stream, start, &name)?;
        total = total.saturating_add(sheet.cells());
        reached.push(format!("«{name}» {}", sheet.cells()));
        if total > MAX_CELLS {
            return Err(format!(
                "its sheets reach {total} cells in all ({}), more than an .xls workbook can be read as ({MAX_CELLS} cells): {FAR}",
                reached.join(", ")
            ));
        }
    }
    Ok(())
}

/// What to do about a sheet that reaches too far.
const FAR: &str = "the file is damaged, or holds values far below or right of the table — open it in Excel or LibreOffice, delete them and save as .xlsx";

/// The name a BOUNDSHEET record gives its sheet, as Excel 97 and later write it (a
/// count of characters, a flag for two bytes a character, the characters).
fn sheet_name(data: &[u8]) -> Option<String> {
    let count = usize::from(*data.get(6)?);
    let chars = data.get(8..)?;
    let name = match data.get(7)? {
        0 => chars.get(..count)?.iter().map(|&b| char::from(b)).collect(),
        1 => {
            let units: Vec<u16> = chars
                .get(..count * 2)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => return None,
    };
    Some(name.replace('\0', ""))
}

/// Walks the records of sheet `name` from byte `at` as calamine does: to the EOF of the
/// sheet begun there, embedded substreams (charts) skipped. An error when the sheet
/// alone passes [`MAX_CELLS`].
fn walk_sheet(stream: &[u8], at: usize, name: &str) -> Result<Sheet, String> {
    let mut sheet = Sheet::default();
    let (mut begun, mut depth) = (false, 0usize);
    for record in records(stream, at) {
        let (kind, data) = record?;
        if depth > 0 {
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let pos = || Some((u16_at(data, 0)?, u16_at(data, 2)?));
        match kind {
            // The sheet's BOF, then those of the substreams in it.
            BOF if begun => depth += 1,
            BOF => begun = true,
            EOF => break,
            // DIMENSIONS: calamine reserves room for what it claims.
            0x0200 => {
                if let Some(claimed) = dimensions(data)
                    && claimed.cells() > sheet.claimed.cells()
                {
                    sheet.claimed = claimed;
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let Some((row, col)) = pos() {
                    sheet.values.cell(row, col);
                }
            }
            // FORMULA: its value a cell, its text a cell of the range of formulas.
            0x0006 => {
                if let Some((row, col)) = pos() {
                    sheet.values.cell(row, col);
                    sheet.formulas.cell(row, col);
                }
            }
            // MULRK: a row, its first column, then 6 bytes a cell (calamine counts the
            // cells by the record's length, not by its last-column field).
            0x00BD => {
                if let Some((row, first)) = pos() {
                    let cells = (data.len().saturating_sub(6) / 6) as u64;
                    let last = data.len().checked_sub(2).and_then(|l| u16_at(data, l));
                    sheet
                        .values
                        .cell(row, (first + cells).max(last.unwrap_or(0)));
                }
            }
            _ => {}
        }
        if sheet.cells() > MAX_CELLS {
            return Err(too_large(name, &sheet));
        }
    }
    Ok(sheet)
}

/// The room calamine reserves for a DIMENSIONS record, computed as it does (its first
/// and last rows and columns, a first column past 255 or past the last taken as 0, and
/// the 32-bit differences wrapping round as they do in a release build).
fn dimensions(data: &[u8]) -> Option<Reach> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, 4)?,
            u16_at(data, 6)?,
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u16_at(data, 8)?,
            u16_at(data, 10)?,
        ),
        _ => return None,
    };
    let (rf, rl, cl) = (rf as u32, rl as u32, cl as u32);
    if cf > 0xFF || (cl as u64) < cf {
        cf = 0;
    }
    let cf = cf as u32;
    let (end_row, end_col) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    Some(Reach {
        rows: u64::from(end_row.wrapping_sub(rf).wrapping_add(1)),
        cols: u64::from(end_col.wrapping_sub(cf).wrapping_add(1)),
    })
}

fn too_large(name: &str, sheet: &Sheet) -> String {
    format!(
        "sheet «{name}» reaches row {} and column {} ({} cells with what its DIMENSIONS record claims and its formulas), more than an .xls workbook can be read as ({MAX_CELLS} cells): {FAR}",
        sheet.reach().rows,
        sheet.reach().cols,
        sheet.cells()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        record(0x0203, &d)
    }

    /// A sheet's records between its BOF and EOF.
    fn sheet(records: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0; 16]);
        [vec![bof], records.to_vec(), vec![record(0x000A, &[])]]
            .concat()
            .concat()
    }

    /// A workbook stream: globals naming `sheets` (name and the sheet's bytes), then the
    /// sheets. Names are written as Excel writes them, two bytes a character.
    fn book(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let bound = |at: u32, name: &str| {
            let units: Vec<u16> = name.encode_utf16().collect();
            let mut d = at.to_le_bytes().to_vec();
            d.extend([0, 0, units.len() as u8, 1]);
            d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            record(0x0085, &d)
        };
        let globals_len: usize =
            20 + 4 + sheets.iter().map(|(n, _)| bound(0, n).len()).sum::<usize>();
        let mut at = globals_len as u32;
        let mut out = record(0x0809, &[0; 16]);
        for (name, bytes) in sheets {
            out.extend(bound(at, name));
            at += bytes.len() as u32;
        }
        out.extend(record(0x000A, &[]));
        for (_, bytes) in sheets {
            out.extend(bytes);
        }
        out
    }

    #[test]
    fn a_sheet_s_reach_is_bounded() {
        let one = |records: &[Vec<u8>]| walk(&book(&[("Заявители", sheet(records))]));
        assert_eq!(one(&[number(0, 0), number(65_535, 255)]), Ok(()));
        let m = one(&[number(0, 0), number(60_000, 60_000)]).unwrap_err();
        assert!(
            m.contains("sheet «Заявители» reaches row 60001 and column 60001"),
            "{m}"
        );
        // A DIMENSIONS record of four billion rows.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(u32::MAX.to_le_bytes());
        dims.extend([0, 0, 10, 0, 0, 0]);
        let m = one(&[record(0x0200, &dims)]).unwrap_err();
        assert!(m.contains("reaches row 4294967295 and column 10"), "{m}");
        // A record cut short is no cell.
        assert_eq!(walk(&record(0x0203, &[1])), Ok(()));
        assert_eq!(one(&[record(0x0203, &[1])]), Ok(()));
        // A sheet said to start past the stream.
        let mut past = book(&[("a", sheet(&[]))]);
        past.truncate(past.len() - 24);
        assert!(
            walk(&past)
                .unwrap_err()
                .contains("is said to start at byte")
        );
    }

    /// The damaged .xls the workbook fuzz test found (`tests/it/robustness/workbooks.rs`,
    /// `a_value_at_the_far_corner_of_every_sheet_is_refused`): one label of each sheet
    /// moved to row 65,536 and column 256. Each sheet alone is as large as an .xls sheet
    /// can be, but calamine holds all three at once: 1.6 GB and five seconds, and past
    /// the test's 20 s on a busy machine.
    #[test]
    fn the_sheets_of_a_workbook_are_bounded_together() {
        let corner = sheet(&[number(0, 0), number(65_535, 255)]);
        let half = sheet(&[number(0, 0), number(32_767, 255)]);
        let two = [("a", half), ("b", sheet(&[number(9, 9)]))];
        assert_eq!(walk(&book(&two)), Ok(()));
        let three = [("a", corner.clone()), ("b", corner.clone()), ("c", corner)];
        let m = walk(&book(&three)).unwrap_err();
        assert!(
            m.contains("its sheets reach 33554432 cells in all («a» 16777216, «b» 16777216)"),
            "{m}"
        );
        // Formulas have a range of their own.
        let mut formula = 65_535u16.to_le_bytes().to_vec();
        formula.extend(255u16.to_le_bytes());
        formula.extend([0; 18]);
        let m = walk(&book(&[("f", sheet(&[record(0x0006, &formula)]))])).unwrap_err();
        assert!(
            m.contains("sheet «f» reaches row 65536 and column 256 (33554432 cells"),
            "{m}"
        );
    }

    #[test]
    fn a_chart_in_a_sheet_is_skipped_as_calamine_skips_it() {
        let chart = sheet(&[number(60_000, 60_000)]);
        let with_chart = sheet(&[number(0, 0), chart.clone(), number(4, 4)]);
        assert_eq!(walk(&book(&[("a", with_chart)])), Ok(()));
        // What comes after the chart is still the sheet's.
        let after = sheet(&[number(0, 0), chart, number(60_000, 300)]);
        let m = walk(&book(&[("a", after)])).unwrap_err();
        assert!(m.contains("reaches row 60001 and column 301"), "{m}");
    }

    #[test]
    fn a_record_continued_past_the_bound_is_refused() {
        let continued = |n: usize| {
            let mut r = vec![record(0x00FC, &[0; 8])];
            r.extend(std::iter::repeat_n(record(0x003C, &[]), n));
            walk(&book(&[("a", sheet(&r))]))
        };
        assert_eq!(continued(MAX_CONTINUES), Ok(()));
        let m = continued(MAX_CONTINUES + 1).unwrap_err();
        assert!(m.contains("continued more than 16384 times"), "{m}");
    }

    #[test]
    fn sheet_names_are_read_in_either_width() {
        let mut narrow = 0u32.to_le_bytes().to_vec();
        narrow.extend([0, 0, 3, 0]);
        narrow.extend(b"abc");
        assert_eq!(sheet_name(&narrow).as_deref(), Some("abc"));
        let mut cut = narrow.clone();
        cut.truncate(9);
        assert_eq!(sheet_name(&cut), None);
        narrow[7] = 9;
        assert_eq!(sheet_name(&narrow), None);
    }
}
