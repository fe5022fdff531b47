//! Workbooks, read with calamine: `.xlsx`, `.xlsm` (Office Open XML), `.xls` (Excel
//! 97–2003) and `.ods` (OpenDocument). The file is read whole through
//! [`crate::fsread`] (bounded, non-blocking) and given to calamine from memory.
//!
//! Which sheet holds which table: a sheet named for it (`applicants`, `family`,
//! `expenses`, or in Russian `Заявители`, `Члены семьи` or `Семья`, `Расходы`; compared
//! as headers are, ignoring case and spaces), or, in a workbook with one worksheet and no
//! such name, that sheet for the applicants. [`Workbook`] is the source of a workbook
//! named directly (`resettle validate book.xlsx`), with `documents/` beside it; a batch
//! folder holding workbooks is `folder`'s.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use calamine::{Data, DataRef, Ods, Reader, SheetType, Xls, Xlsx};

use super::bounds::{self, Refusal};
use super::grid::{Grid, GridCell, Merge, Value};
use super::ods;
use super::{Content, Source, SourceError};
use crate::columns::{FileKind, Sheet};
use crate::error::Error;
use crate::fsread;
use crate::text::fold;

/// The extensions of the workbooks read, lower case.
const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Whether `path` names a workbook the reader takes (`.xlsx`, `.xlsm`, `.xls`, `.ods`
/// in any case).
pub fn is_workbook(path: &Path) -> bool {
    extension(path).is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_str()?.to_ascii_lowercase())
}

/// The names a sheet holding `file` may have, folded ([`fold`]).
fn sheet_names(file: FileKind) -> &'static [&'static str] {
    match file {
        FileKind::Applicants => &["applicants", "заявители"],
        FileKind::Family => &["family", "члены семьи", "семья"],
        FileKind::Expenses => &["expenses", "расходы"],
    }
}

/// Whether a sheet of this name holds a table (`Заявители`, `family`…).
pub fn is_table_sheet(name: &str) -> bool {
    table_of_sheet(name).is_some()
}

/// The table a sheet of this name holds, if any.
pub(super) fn table_of_sheet(name: &str) -> Option<FileKind> {
    let name = fold(name);
    FileKind::ALL
        .into_iter()
        .find(|&f| sheet_names(f).contains(&name.as_str()))
}

/// The file name of `path`, as messages and sources show it (`book.xlsx`).
pub(super) fn shown_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

enum Book {
    Xlsx(Xlsx<Cursor<Vec<u8>>>),
    Xls(Xls<Cursor<Vec<u8>>>),
    Ods(Ods<Cursor<Vec<u8>>>),
}

/// An opened workbook: its name, its worksheets in order, and the reader.
pub(super) struct Opened {
    pub(super) name: String,
    pub(super) sheets: Vec<String>,
    book: Mutex<Book>,
    /// The merged regions of an `.ods` workbook's sheets, which calamine does not give.
    ods_merges: HashMap<String, Vec<Merge>>,
}

impl Opened {
    /// Reads the workbook at `path`, at most `max` bytes, and opens it.
    pub(super) fn open(path: &Path, max: u64) -> Result<Opened, SourceError> {
        let name = shown_name(path);
        let ext = extension(path).unwrap_or_default();
        if ext == "xlsb" {
            return Err(SourceError::input(
                &name,
                "an Excel binary workbook (.xlsb) is not read: in Excel use File → Save As → «Excel Workbook (*.xlsx)»",
            ));
        }
        let bytes = fsread::read_capped(path, max).map_err(|error| SourceError::Read {
            name: name.clone(),
            path: path.to_path_buf(),
            error,
        })?;
        let fail = |what: String| SourceError::input(&name, what);
        let zip = bytes.starts_with(b"PK\x03\x04");
        let ole = bytes.starts_with(b"\xD0\xCF\x11\xE0");
        if zip {
            bounds::check(&bytes, max).map_err(|r| match r {
                Refusal::Protected => fail(PROTECTED.to_string()),
                Refusal::Other(why) => fail(why),
            })?;
        }
        let mut merges = HashMap::new();
        let book = if zip && ext == "ods" {
            merges = ods::scan(&bytes).map_err(fail)?;
            Ods::new(Cursor::new(bytes))
                .map(Book::Ods)
                .map_err(|e| fail(unreadable(&e.to_string())))?
        } else if zip {
            let cursor = Cursor::new(bytes);
            match Xlsx::new(cursor.clone()) {
                Ok(x) => Book::Xlsx(x),
                // An OpenDocument file named .xlsx is read as what it is.
                Err(e) => match Ods::new(cursor.clone()) {
                    Ok(o) => {
                        merges = ods::scan(cursor.get_ref()).map_err(fail)?;
                        Book::Ods(o)
                    }
                    Err(_) => return Err(fail(unreadable(&e.to_string()))),
                },
            }
        } else if ole && ext != "xls" {
            // Office keeps a workbook encrypted with a password in an OLE container.
            return Err(fail(PROTECTED.to_string()));
        } else if ole {
            super::xls::check(&bytes).map_err(|why| fail(unreadable(&why)))?;
            // calamine can panic on a damaged .xls (an index past a record's end): that
            // is a file it cannot read, not the end of the run.
            let read = std::panic::catch_unwind(|| Xls::new(Cursor::new(bytes)))
                .map_err(|_| fail(unreadable("the .xls reader failed on it")))?;
            read.map(Book::Xls).map_err(|e| {
                fail(match e {
                    calamine::XlsError::Password => PROTECTED.to_string(),
                    e => unreadable(&e.to_string()),
                })
            })?
        } else {
            return Err(fail(format!(
                "not a workbook: its first bytes are neither an .xlsx/.ods (ZIP) nor an .xls file; {SAVE_AGAIN}"
            )));
        };
        let sheets = match &book {
            Book::Xlsx(b) => worksheets(b.sheets_metadata()),
            Book::Xls(b) => worksheets(b.sheets_metadata()),
            Book::Ods(b) => worksheets(b.sheets_metadata()),
        };
        Ok(Opened {
            name,
            sheets,
            book: Mutex::new(book),
            ods_merges: merges,
        })
    }

    /// The sheet holding `file`, by its name: `None` when no sheet is named for it,
    /// an error when two are.
    pub(super) fn sheet_for(&self, file: FileKind) -> Result<Option<&str>, SourceError> {
        let mut named = self
            .sheets
            .iter()
            .filter(|s| table_of_sheet(s) == Some(file));
        let first = named.next();
        if let Some(second) = named.next() {
            return Err(SourceError::input(
                &self.name,
                format!(
                    "the sheets «{}» and «{second}» both hold {}: keep one",
                    first.map_or("", String::as_str),
                    what(file)
                ),
            ));
        }
        Ok(first.map(String::as_str))
    }

    /// The cells of sheet `name`, each merged region's taking its first cell's value.
    pub(super) fn grid(&self, name: &str) -> Result<Grid, SourceError> {
        let sheet = Arc::new(Sheet {
            book: self.name.clone(),
            name: name.to_string(),
        });
        let at = format!("{}!{name}", self.name);
        let fail = |e: String| SourceError::input(&at, unreadable(&e));
        let mut book = self.book.lock().unwrap_or_else(|e| e.into_inner());
        let (cells, merges) = match &mut *book {
            Book::Xlsx(b) => {
                let is_1904 = b.has_1904_epoch();
                let mut cells = Vec::new();
                let mut reader = b
                    .worksheet_cells_reader(name)
                    .map_err(|e| fail(e.to_string()))?;
                while let Some(cell) = reader.next_cell().map_err(|e| fail(e.to_string()))? {
                    let (row, col) = cell.get_position();
                    if let Some(value) = value_ref(cell.get_value(), is_1904) {
                        cells.push(GridCell { row, col, value });
                    }
                }
                drop(reader);
                let merges = b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| fail(e.to_string()))?;
                (cells, regions(&merges))
            }
            Book::Xls(b) => {
                let is_1904 = b.has_1904_epoch();
                let range = b.worksheet_range(name).map_err(|e| fail(e.to_string()))?;
                let merges = b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| fail(e.to_string()))?;
                (used(&range, is_1904), regions(&merges))
            }
            Book::Ods(b) => {
                let range = b.worksheet_range(name).map_err(|e| fail(e.to_string()))?;
                let merges = self.ods_merges.get(name).cloned().unwrap_or_default();
                (used(&range, false), merges)
            }
        };
        Grid::new(sheet, cells, &merges).map_err(|n| {
            SourceError::input(
                &at,
                format!("merged cells would fill more than {n} cells: unmerge them (Home → Merge & Center) and save again"),
            )
        })
    }

    /// The sheet of table `file` in a workbook that holds the whole batch: the sheet
    /// named for it, or for the applicants the only worksheet when none is named so.
    pub(super) fn batch_sheet(&self, file: FileKind) -> Result<Option<&str>, SourceError> {
        if let Some(s) = self.sheet_for(file)? {
            return Ok(Some(s));
        }
        let unnamed = self.sheets.iter().all(|s| table_of_sheet(s).is_none());
        match (file, self.sheets.as_slice()) {
            (FileKind::Applicants, [only]) if unnamed => Ok(Some(only)),
            (FileKind::Applicants, _) => Err(SourceError::input(
                &self.name,
                format!(
                    "no sheet holds the applicants: name it «Заявители» (or applicants); the sheets are {}",
                    self.listed()
                ),
            )),
            _ => Ok(None),
        }
    }

    /// The worksheets' names for a message: «Лист1», «Семья».
    pub(super) fn listed(&self) -> String {
        if self.sheets.is_empty() {
            return "none".to_string();
        }
        self.sheets
            .iter()
            .map(|s| format!("«{s}»"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The table `file` of a workbook holding the whole batch.
    pub(super) fn batch_table(&self, file: FileKind) -> Result<Option<Content>, SourceError> {
        match self.batch_sheet(file)? {
            Some(sheet) => self.grid(sheet).map(|g| Some(Content::Grid(g))),
            None => Ok(None),
        }
    }
}

const PROTECTED: &str = "the workbook is protected by a password and cannot be read: open it, remove the password (File → Info → Protect Workbook → Encrypt with Password) and save it again";

const SAVE_AGAIN: &str = "open it in Excel or LibreOffice and save it again as .xlsx";

fn unreadable(why: &str) -> String {
    format!("the workbook cannot be read ({why}); {SAVE_AGAIN}")
}

/// What a table holds, for messages.
fn what(file: FileKind) -> &'static str {
    match file {
        FileKind::Applicants => "the applicants",
        FileKind::Family => "the family members",
        FileKind::Expenses => "the expenses",
    }
}

fn worksheets(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

/// calamine's merged regions as the grid's.
fn regions(merges: &[calamine::Dimensions]) -> Vec<Merge> {
    merges
        .iter()
        .map(|d| Merge {
            first: d.start,
            last: d.end,
        })
        .collect()
}

/// The non-empty cells of a range.
fn used(range: &calamine::Range<Data>, is_1904: bool) -> Vec<GridCell> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    range
        .used_cells()
        .filter_map(|(r, c, d)| {
            Some(GridCell {
                row: r0 + r as u32,
                col: c0 + c as u32,
                value: value(d, is_1904)?,
            })
        })
        .collect()
}

/// A cell's value as the grid holds it; `None` for an empty one.
fn value(d: &Data, is_1904: bool) -> Option<Value> {
    Some(match d {
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) if s.is_empty() => return None,
        Data::String(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => Value::Serial {
            days: dt.as_f64(),
            is_1904,
        },
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
        Data::DateTimeIso(s) => Value::Iso(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
        Data::Empty => return None,
    })
}

/// [`value`] of a cell streamed from an `.xlsx` sheet.
fn value_ref(d: &DataRef<'_>, is_1904: bool) -> Option<Value> {
    match d {
        DataRef::SharedString("") => None,
        DataRef::SharedString(s) => Some(Value::Text((*s).to_string())),
        d => value(&Data::from(d.clone()), is_1904),
    }
}

/// A workbook named directly: its sheets are the batch, `documents/` lies beside it.
pub struct Workbook {
    path: PathBuf,
    dir: PathBuf,
    opened: OnceLock<Result<Opened, SourceError>>,
}

impl Workbook {
    /// The workbook at `path`; a usage error (exit 2) when it is not a file or not a
    /// workbook by its extension. Nothing is read until a table is asked for.
    pub fn open(path: &Path) -> Result<Workbook, Error> {
        if !path.is_file() || !(is_workbook(path) || extension(path).as_deref() == Some("xlsb")) {
            return Err(Error::Usage(format!(
                "{}: not a batch (a batch is a folder holding applicants.csv, or a workbook .xlsx, .xlsm, .xls or .ods; `resettle init DIR` makes one)",
                path.display()
            )));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Workbook {
            path: path.to_path_buf(),
            dir,
            opened: OnceLock::new(),
        })
    }
}

impl Source for Workbook {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn table(&self, file: FileKind, max: u64) -> Result<Option<Content>, SourceError> {
        match self.opened.get_or_init(|| Opened::open(&self.path, max)) {
            Ok(book) => book.batch_table(file),
            Err(e) => Err(e.again()),
        }
    }

    fn folder(&self) -> Option<&Path> {
        Some(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_are_named_as_headers_are_matched() {
        assert_eq!(table_of_sheet("Заявители"), Some(FileKind::Applicants));
        assert_eq!(table_of_sheet(" APPLICANTS "), Some(FileKind::Applicants));
        assert_eq!(table_of_sheet("Члены  семьи"), Some(FileKind::Family));
        assert_eq!(table_of_sheet("семья"), Some(FileKind::Family));
        assert_eq!(table_of_sheet("Расходы"), Some(FileKind::Expenses));
        assert_eq!(table_of_sheet("Лист1"), None);
        assert!(is_workbook(Path::new("a/Book.XLSX")));
        assert!(is_workbook(Path::new("b.ods")));
        assert!(!is_workbook(Path::new("b.csv")));
        assert!(!is_workbook(Path::new("b.xlsb")));
    }
}
