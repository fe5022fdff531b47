//! The reach of an Excel 97–2003 workbook's sheets (`.xls`), read before calamine opens
//! it. calamine lays each sheet into one dense range, from its first value to its last,
//! and reserves room for as many cells as a sheet's DIMENSIONS record claims: a damaged
//! or hostile file (a cell record at row 60,000 and column 60,000, a DIMENSIONS of four
//! billion rows) makes it ask for gigabytes and aborts the process. So the workbook
//! stream is read here with `cfb` (the OLE container) and its BIFF records walked: the
//! DIMENSIONS of each sheet and the positions of the records calamine makes cells of
//! (NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, MULRK, FORMULA) must stay within
//! [`MAX_CELLS`]. A file whose stream cannot be read is refused: calamine could not be
//! trusted with it either.

use std::io::{Cursor, Read};

/// At most this many cells in the range of one sheet (rows × columns up to its last
/// value, or as its DIMENSIONS record claims): calamine holds each in about 32 bytes, so
/// half a gigabyte. An `.xls` sheet has at most 65,536 × 256 cells anyway.
pub(super) const MAX_CELLS: u64 = 16 << 20;

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
/// workbook stream cannot be read or a sheet reaches past [`MAX_CELLS`].
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

/// Walks the BIFF records of a workbook stream: once from its start to its end, one sheet
/// (BOF … EOF) after the other, and once more from each position the BOUNDSHEET records
/// give, as calamine reads a sheet (a damaged position starts it inside other records,
/// whose bytes it then takes for cells).
fn walk(stream: &[u8]) -> Result<(), String> {
    let starts = walk_from(stream, 0, false)?;
    for start in starts {
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        if start >= stream.len() {
            return Err(format!(
                "a sheet is said to start at byte {start} of a workbook stream of {} bytes: the file is damaged",
                stream.len()
            ));
        }
        walk_from(stream, start, true)?;
    }
    Ok(())
}

/// Walks the records from byte `at`, to the end of the stream or, for `one_sheet`, to
/// the end of the sheet begun there (embedded substreams, charts, skipped over as
/// calamine does). Returns the BOUNDSHEET positions seen.
fn walk_from(stream: &[u8], mut at: usize, one_sheet: bool) -> Result<Vec<u64>, String> {
    let mut reach = Reach::default();
    let mut sheet = 0usize;
    let mut starts = Vec::new();
    let mut depth = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16_at(stream, at).unwrap_or(0);
        let len = u16_at(stream, at + 2).unwrap_or(0) as usize;
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        let pos = || Some((u16_at(data, 0)?, u16_at(data, 2)?));
        match kind {
            // BOF: a new substream (the workbook globals, then each sheet).
            0x0809 => {
                reach = Reach::default();
                sheet += 1;
                depth += 1;
            }
            // EOF: the end of one.
            0x000A => {
                depth = depth.saturating_sub(1);
                if one_sheet && depth == 0 {
                    break;
                }
            }
            // BOUNDSHEET: where a sheet begins.
            0x0085 => starts.extend(u32_at(data, 0)),
            // DIMENSIONS: calamine reserves room for what it claims.
            0x0200 => {
                if let Some(claimed) = dimensions(data)
                    && claimed.cells() > MAX_CELLS
                {
                    return Err(too_large(sheet, &claimed));
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((row, col)) = pos() {
                    reach.cell(row, col);
                }
            }
            // MULRK: a row, its first column, then 6 bytes a cell (calamine counts the
            // cells by the record's length, not by its last-column field).
            0x00BD => {
                if let Some((row, first)) = pos() {
                    let cells = (data.len().saturating_sub(6) / 6) as u64;
                    let last = data.len().checked_sub(2).and_then(|l| u16_at(data, l));
                    reach.cell(row, (first + cells).max(last.unwrap_or(0)));
                }
            }
            _ => {}
        }
        if reach.cells() > MAX_CELLS {
            return Err(too_large(sheet, &reach));
        }
    }
    Ok(starts)
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

fn too_large(sheet: usize, reach: &Reach) -> String {
    format!(
        "sheet {} reaches row {} and column {} ({} cells), more than an .xls sheet can be read as ({MAX_CELLS} cells): the file is damaged, or holds values far below or right of the table — open it in Excel or LibreOffice, delete them and save as .xlsx",
        sheet.saturating_sub(1),
        reach.rows,
        reach.cols,
        reach.cells()
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

    #[test]
    fn a_sheet_s_reach_is_bounded() {
        let bof = record(0x0809, &[0; 16]);
        let ok: Vec<u8> = [bof.clone(), number(0, 0), number(65_535, 255)].concat();
        assert_eq!(walk(&ok), Ok(()));
        let far: Vec<u8> = [bof.clone(), number(0, 0), number(60_000, 60_000)].concat();
        let m = walk(&far).unwrap_err();
        assert!(m.contains("reaches row 60001 and column 60001"), "{m}");
        // A DIMENSIONS record of four billion rows.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(u32::MAX.to_le_bytes());
        dims.extend([0, 0, 10, 0, 0, 0]);
        let claimed: Vec<u8> = [bof, record(0x0200, &dims)].concat();
        let m = walk(&claimed).unwrap_err();
        assert!(m.contains("reaches row 4294967295 and column 10"), "{m}");
        // A record cut short is no cell.
        assert_eq!(walk(&record(0x0203, &[1])), Ok(()));
    }
}
