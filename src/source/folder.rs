//! A batch folder: `applicants.csv`, `family.csv`, `expenses.csv` (names in any ASCII
//! case), each of which may be a workbook named for its table instead
//! (`applicants.xlsx`, `family.ods`…), or one workbook of any name whose sheets are the
//! tables (`batch.xlsx` with sheets `Заявители`, `Члены семьи`, `Расходы`); and
//! `documents/`.
//!
//! A table is read from one place only: a CSV file and a workbook for the same table is
//! an error (exit 2) naming both, never a silent choice. The folder is listed when it is
//! opened; workbooks are read when the first table is asked for (the size limit is
//! known then), once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::workbook::{Opened, is_workbook};
use super::{Content, Source, SourceError, find_entry};
use crate::columns::FileKind;
use crate::error::Error;
use crate::fsread;

/// Where a table of the folder is.
#[derive(Debug, Clone)]
enum Place {
    Csv(PathBuf),
    /// A workbook named for the table (`applicants.xlsx`), by path.
    Book(PathBuf),
}

/// The workbooks of the folder, read: each table's place and the opened workbooks.
struct Layout {
    /// By table: `Some((book, sheet))` when a sheet of `books[book]` holds it.
    sheets: [Option<(usize, String)>; 3],
    books: Vec<Opened>,
}

/// A batch folder (see the module documentation).
pub struct Folder {
    dir: PathBuf,
    /// Each table's own file, by [`FileKind`] order.
    own: [Option<Place>; 3],
    /// Workbooks of other names, which may hold tables in their sheets.
    others: Vec<PathBuf>,
    layout: OnceLock<Result<Layout, SourceError>>,
}

impl std::fmt::Debug for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Folder").field("dir", &self.dir).finish()
    }
}

/// The stem of `file`'s table: `applicants`.
fn stem(file: FileKind) -> &'static str {
    file.file_name().trim_end_matches(".csv")
}

impl Folder {
    /// The batch folder `dir`; a usage error (exit 2) when it is not a folder, an input
    /// error when a table is given twice (`applicants.csv` and `applicants.xlsx`).
    pub fn open(dir: &Path) -> Result<Folder, Error> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a batch folder (a batch is a folder holding applicants.csv, or a workbook; `resettle init DIR` makes one)",
                dir.display()
            )));
        }
        let mut workbooks: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| candidate(p))
                    .collect()
            })
            .unwrap_or_default();
        workbooks.sort();
        let mut own: [Option<Place>; 3] = Default::default();
        for file in FileKind::ALL {
            let csv = find_entry(dir, file.file_name());
            let books: Vec<&PathBuf> = workbooks
                .iter()
                .filter(|p| file_stem(p).eq_ignore_ascii_case(stem(file)))
                .collect();
            let mut places: Vec<String> = csv
                .iter()
                .chain(books.iter().copied())
                .map(|p| shown(p))
                .collect();
            if places.len() > 1 {
                let last = places.pop().unwrap_or_default();
                return Err(Error::input(
                    dir.join(file.file_name()).display().to_string(),
                    format!(
                        "{} and {last} both hold the {} table: keep one of them in the batch folder",
                        places.join(", "),
                        stem(file)
                    ),
                ));
            }
            own[file as usize] = match (csv, books.first()) {
                (Some(csv), _) => Some(Place::Csv(csv)),
                (None, Some(book)) => Some(Place::Book((*book).clone())),
                (None, None) => None,
            };
        }
        let others = workbooks
            .into_iter()
            .filter(|p| {
                !FileKind::ALL
                    .iter()
                    .any(|&f| file_stem(p).eq_ignore_ascii_case(stem(f)))
            })
            .collect();
        Ok(Folder {
            dir: dir.to_path_buf(),
            own,
            others,
            layout: OnceLock::new(),
        })
    }

    /// Reads the workbooks that may hold tables and decides which sheet holds which.
    fn layout(&self, max: u64) -> Result<Layout, SourceError> {
        let mut layout = Layout {
            sheets: Default::default(),
            books: Vec::new(),
        };
        for file in FileKind::ALL {
            if let Some(Place::Book(path)) = &self.own[file as usize] {
                let book = Opened::open(path, max)?;
                // Its sheet named for the table, else its first.
                let sheet = match book.sheet_for(file)? {
                    Some(s) => s.to_string(),
                    None => book.sheets.first().cloned().ok_or_else(|| {
                        SourceError::input(&book.name, "the workbook has no worksheet")
                    })?,
                };
                layout.sheets[file as usize] = Some((layout.books.len(), sheet));
                layout.books.push(book);
            }
        }
        // A workbook of another name holds the batch when a sheet is named for a table,
        // or when it is the only one and nothing else holds the applicants.
        let alone = self.others.len() == 1 && self.own[FileKind::Applicants as usize].is_none();
        let mut batch: Option<Opened> = None;
        for path in &self.others {
            let book = match Opened::open(path, max) {
                Ok(book) => book,
                Err(e) if alone => return Err(e),
                // A workbook that cannot be read and holds no table the batch lacks is
                // none of the batch's business.
                Err(_) => continue,
            };
            let holds = FileKind::ALL
                .iter()
                .any(|&f| matches!(book.sheet_for(f), Ok(Some(_)) | Err(_)));
            if !(holds || alone) {
                continue;
            }
            if let Some(first) = &batch {
                return Err(SourceError::input(
                    self.dir.display().to_string(),
                    format!(
                        "the workbooks {} and {} both hold batch tables: keep one of them in the batch folder",
                        first.name, book.name
                    ),
                ));
            }
            batch = Some(book);
        }
        if let Some(book) = batch {
            for file in FileKind::ALL {
                let sheet = match file {
                    FileKind::Applicants if self.own[0].is_none() => {
                        book.batch_sheet(file)?.map(str::to_string)
                    }
                    _ => book.sheet_for(file)?.map(str::to_string),
                };
                let Some(sheet) = sheet else { continue };
                if let Some(place) = &self.own[file as usize] {
                    let other = match place {
                        Place::Csv(p) | Place::Book(p) => shown(p),
                    };
                    return Err(SourceError::input(
                        format!("{}!{sheet}", book.name),
                        format!(
                            "{other} and the sheet «{sheet}» of {} both hold the {} table: keep one of them",
                            book.name,
                            stem(file)
                        ),
                    ));
                }
                layout.sheets[file as usize] = Some((layout.books.len(), sheet));
            }
            layout.books.push(book);
        }
        Ok(layout)
    }
}

/// Whether the folder entry `path` is a workbook that may hold tables: not a lock file
/// Excel leaves beside an open workbook (`~$book.xlsx`) nor a macOS shadow file
/// (`._book.xlsx`). `.xlsb` counts, to be refused with a message.
fn candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let xlsb = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsb"));
    (is_workbook(path) || xlsb)
        && !name.starts_with("~$")
        && !name.starts_with('.')
        && path.is_file()
}

fn file_stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
}

fn shown(path: &Path) -> String {
    super::workbook::shown_name(path)
}

impl Source for Folder {
    fn name(&self) -> String {
        self.dir.display().to_string()
    }

    fn table(&self, file: FileKind, max: u64) -> Result<Option<Content>, SourceError> {
        if let Some(Place::Csv(path)) = &self.own[file as usize] {
            return fsread::read_capped(path, max)
                .map(|bytes| Some(Content::Text(bytes)))
                .map_err(|error| SourceError::Read {
                    name: file.file_name().to_string(),
                    path: path.clone(),
                    error,
                });
        }
        let layout = match self.layout.get_or_init(|| self.layout(max)) {
            Ok(layout) => layout,
            Err(e) => return Err(e.again()),
        };
        match &layout.sheets[file as usize] {
            Some((book, sheet)) => layout.books[*book]
                .grid(sheet)
                .map(|g| Some(Content::Grid(g))),
            None => Ok(None),
        }
    }

    fn folder(&self) -> Option<&Path> {
        Some(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::text;
    use super::*;

    #[test]
    fn a_folder_finds_tables_in_any_case_and_says_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Applicants.CSV"), "applicant_id\nA1\n").unwrap();
        let source = Folder::open(dir.path()).unwrap();
        let bytes = text(source.table(FileKind::Applicants, 1 << 20).unwrap());
        assert_eq!(bytes.as_deref(), Some(&b"applicant_id\nA1\n"[..]));
        assert!(source.table(FileKind::Family, 1 << 20).unwrap().is_none());
        assert!(matches!(
            source.table(FileKind::Applicants, 4),
            Err(SourceError::Read {
                error: fsread::ReadError::TooLarge { .. },
                ..
            })
        ));
        assert!(Folder::open(&dir.path().join("Applicants.CSV")).is_err());
    }

    #[test]
    fn a_table_given_as_csv_and_as_workbook_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("applicants.csv"), "applicant_id\nA1\n").unwrap();
        std::fs::write(dir.path().join("family.csv"), "applicant_id\n").unwrap();
        std::fs::write(dir.path().join("Family.xlsx"), "not read").unwrap();
        // Excel's lock file beside an open workbook is no workbook.
        std::fs::write(dir.path().join("~$applicants.xlsx"), "lock").unwrap();
        let e = Folder::open(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("family.csv and Family.xlsx both hold the family table"),
            "{e}"
        );
        std::fs::remove_file(dir.path().join("Family.xlsx")).unwrap();
        assert!(Folder::open(dir.path()).is_ok());
    }
}
