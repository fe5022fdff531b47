//! A sheet as a source hands it over: its non-empty cells with their positions and
//! typed values ([`Value`]), as the workbook holds them (a formula's cached value; a
//! date as its serial, with the date system; an error cell as its code). What a value
//! means for a column is `ingest`'s to decide.

use std::sync::Arc;

use crate::columns::Sheet;

/// The value of one cell, as the workbook stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// Every number of a workbook is a 64-bit float, as Excel holds it.
    Number(f64),
    Bool(bool),
    /// A date (or date-time) as Excel stores it: days since the epoch of its date
    /// system, the fraction the time of day; `is_1904` for the 1904 system of old Mac
    /// workbooks.
    Serial {
        days: f64,
        is_1904: bool,
    },
    /// A date or date-time stored as ISO 8601 text (OpenDocument, or an Excel `d` cell).
    Iso(String),
    /// An error cell: its code as Excel shows it (`#N/A`, `#REF!`).
    Error(String),
}

/// One non-empty cell: its 0-based row and column (row 0, column 0 is Excel's `A1`).
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    pub row: u32,
    pub col: u32,
    pub value: Value,
}

/// The non-empty cells of one sheet, by row and then column.
#[derive(Debug, Clone)]
pub struct Grid {
    pub sheet: Arc<Sheet>,
    pub cells: Vec<GridCell>,
}

/// A merged region: rows and columns from its first (top-left) cell to its last, 0-based
/// and inclusive.
#[derive(Debug, Clone, Copy)]
pub(super) struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// At most this many cells are filled from merged regions in one sheet: a region is
/// filled only on rows holding values of their own, but a sheet of many long rows under
/// a huge region must not fill memory.
const MAX_FILLED: usize = 4 << 20;

impl Grid {
    /// The sheet's `cells` (in any order), each merged region's cells taking the value
    /// of its first cell. A region fills only rows that hold a value of their own (a
    /// region spanning empty rows makes no rows of its own), up to the last column any
    /// row uses. Fails with the number of cells when regions would fill more than
    /// [`MAX_FILLED`].
    pub(super) fn new(
        sheet: Arc<Sheet>,
        mut cells: Vec<GridCell>,
        merges: &[Merge],
    ) -> Result<Grid, usize> {
        cells.sort_unstable_by_key(|c| (c.row, c.col));
        cells.dedup_by_key(|c| (c.row, c.col));
        if merges.is_empty() || cells.is_empty() {
            return Ok(Grid { sheet, cells });
        }
        let last_col = cells.iter().map(|c| c.col).max().unwrap_or(0);
        let at = |cells: &[GridCell], row: u32, col: u32| {
            cells
                .binary_search_by_key(&(row, col), |c| (c.row, c.col))
                .ok()
        };
        let mut filled = Vec::new();
        for m in merges {
            let Some(first) = at(&cells, m.first.0, m.first.1) else {
                continue;
            };
            let value = cells[first].value.clone();
            // The rows of the region that hold cells.
            let from = cells.partition_point(|c| c.row < m.first.0);
            let mut rows: Vec<u32> = cells[from..]
                .iter()
                .take_while(|c| c.row <= m.last.0)
                .map(|c| c.row)
                .collect();
            rows.dedup();
            for row in rows {
                for col in m.first.1..=m.last.1.min(last_col) {
                    if (row, col) != m.first && at(&cells, row, col).is_none() {
                        filled.push(GridCell {
                            row,
                            col,
                            value: value.clone(),
                        });
                        if filled.len() > MAX_FILLED {
                            return Err(filled.len());
                        }
                    }
                }
            }
        }
        cells.extend(filled);
        cells.sort_by_key(|c| (c.row, c.col));
        cells.dedup_by_key(|c| (c.row, c.col));
        Ok(Grid { sheet, cells })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: u32, col: u32, text: &str) -> GridCell {
        GridCell {
            row,
            col,
            value: Value::Text(text.into()),
        }
    }

    #[test]
    fn merged_regions_take_their_first_cell_on_rows_with_values() {
        let sheet = Arc::new(Sheet {
            book: "b.xlsx".into(),
            name: "s".into(),
        });
        // A2:A4 merged holding "Kostanay"; row 3 has a value of its own, row 4 none.
        let cells = vec![cell(2, 1, "y"), cell(1, 0, "Kostanay"), cell(1, 1, "x")];
        let merges = [Merge {
            first: (1, 0),
            last: (3, 0),
        }];
        let grid = Grid::new(sheet, cells, &merges).unwrap();
        let got: Vec<(u32, u32, &Value)> = grid
            .cells
            .iter()
            .map(|c| (c.row, c.col, &c.value))
            .collect();
        let k = Value::Text("Kostanay".into());
        assert_eq!(
            got,
            [
                (1, 0, &k),
                (1, 1, &Value::Text("x".into())),
                (2, 0, &k),
                (2, 1, &Value::Text("y".into())),
            ]
        );
    }
}
