//! The one seam to the outside, as Typst's `World`: a batch is read through a
//! [`Source`], which gives the contents of its three tables and the folder whose
//! `documents/` holds the scans. Nothing after the source knows where a table came from:
//! a folder of CSV files or workbooks ([`Folder`], `folder`), one workbook
//! ([`Workbook`], `workbook`) or a batch held in memory ([`Memory`], for tests,
//! `templates check` and programs that build batches themselves).
//!
//! A table is handed over as it was found ([`Content`]): the bytes of a CSV file, or the
//! typed cells of a workbook's sheet (a [`Grid`], `grid`). A source only reads:
//! decoding, splitting, finding the header and typing are `ingest`'s. Every read is
//! bounded (`max` bytes) and never blocks ([`crate::fsread`]).

mod bounds;
mod folder;
mod grid;
mod ods;
mod workbook;
mod xls;

use std::path::{Path, PathBuf};

use crate::columns::FileKind;
use crate::fsread::ReadError;
pub use folder::Folder;
pub use grid::{Grid, GridCell, Value};
pub use workbook::{Workbook, is_table_sheet, is_workbook};

/// A batch to read: its tables and where its scans are.
pub trait Source: Sync {
    /// The batch as the user named it, for messages ("samples/batch").
    fn name(&self) -> String;

    /// The contents of table `file`, reading at most `max` bytes of any one file;
    /// `None` when the batch has no such table (family and expenses are optional).
    fn table(&self, file: FileKind, max: u64) -> Result<Option<Content>, SourceError>;

    /// The folder holding the batch's `documents/`, when it has one on disk.
    fn folder(&self) -> Option<&Path>;
}

/// A table as a source found it.
#[derive(Debug)]
pub enum Content {
    /// The bytes of a CSV file, in whatever encoding it was written.
    Text(Vec<u8>),
    /// The cells of a workbook's sheet.
    Grid(Grid),
}

/// Why a table could not be read.
#[derive(Debug)]
pub enum SourceError {
    /// A file could not be read: what messages call it (`applicants.csv`, `book.xlsx`),
    /// its path, and why.
    Read {
        name: String,
        path: PathBuf,
        error: ReadError,
    },
    /// What was read is no table: where (`book.xlsx`, `book.xlsx!Заявители`, a folder)
    /// and why, with what to do.
    Input { at: String, message: String },
}

impl SourceError {
    fn input(at: impl Into<String>, message: impl Into<String>) -> SourceError {
        SourceError::Input {
            at: at.into(),
            message: message.into(),
        }
    }

    /// The same error again, for a failure remembered and reported to every table
    /// that asks (an I/O error is copied by its kind and message).
    fn again(&self) -> SourceError {
        match self {
            SourceError::Read { name, path, error } => SourceError::Read {
                name: name.clone(),
                path: path.clone(),
                error: match error {
                    ReadError::NotRegular(what) => ReadError::NotRegular(what),
                    ReadError::TooLarge { size, max } => ReadError::TooLarge {
                        size: *size,
                        max: *max,
                    },
                    ReadError::Io(e) => ReadError::Io(std::io::Error::new(e.kind(), e.to_string())),
                },
            },
            SourceError::Input { at, message } => SourceError::input(at, message),
        }
    }
}

/// The entry of folder `dir` named `name`, ignoring ASCII case (`Applicants.CSV` from a
/// Windows machine counts).
pub fn find_entry(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if std::fs::symlink_metadata(&exact).is_ok() {
        return Some(exact);
    }
    let mut matches: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|e| e.path())
        .collect();
    matches.sort();
    matches.into_iter().next()
}

/// A batch held in memory: the text of its tables as CSV, and optionally a folder whose
/// `documents/` holds scans.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub applicants: String,
    pub family: Option<String>,
    pub expenses: Option<String>,
    pub folder: Option<PathBuf>,
}

impl Memory {
    /// A batch of `applicants` (CSV text, header first) alone.
    pub fn new(applicants: impl Into<String>) -> Memory {
        Memory {
            applicants: applicants.into(),
            ..Memory::default()
        }
    }

    pub fn family(mut self, csv: impl Into<String>) -> Memory {
        self.family = Some(csv.into());
        self
    }

    pub fn expenses(mut self, csv: impl Into<String>) -> Memory {
        self.expenses = Some(csv.into());
        self
    }

    /// Scans in `folder/documents/<applicant_id>/`.
    pub fn documents_in(mut self, folder: impl Into<PathBuf>) -> Memory {
        self.folder = Some(folder.into());
        self
    }
}

impl Source for Memory {
    fn name(&self) -> String {
        "the batch in memory".to_string()
    }

    fn table(&self, file: FileKind, max: u64) -> Result<Option<Content>, SourceError> {
        let text = match file {
            FileKind::Applicants => Some(&self.applicants),
            FileKind::Family => self.family.as_ref(),
            FileKind::Expenses => self.expenses.as_ref(),
        };
        let Some(text) = text else { return Ok(None) };
        if text.len() as u64 > max {
            return Err(SourceError::Read {
                name: file.file_name().to_string(),
                path: PathBuf::from(file.file_name()),
                error: ReadError::TooLarge {
                    size: Some(text.len() as u64),
                    max,
                },
            });
        }
        Ok(Some(Content::Text(text.as_bytes().to_vec())))
    }

    fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn text(content: Option<Content>) -> Option<Vec<u8>> {
        match content? {
            Content::Text(bytes) => Some(bytes),
            Content::Grid(g) => panic!("a grid, not text: {g:?}"),
        }
    }

    #[test]
    fn memory_gives_what_it_holds_within_the_cap() {
        let source = Memory::new("applicant_id\nA1\n").expenses("applicant_id\n");
        assert!(source.table(FileKind::Family, 100).unwrap().is_none());
        assert_eq!(
            text(source.table(FileKind::Expenses, 100).unwrap()).unwrap(),
            b"applicant_id\n"
        );
        assert!(source.table(FileKind::Applicants, 3).is_err());
        assert!(source.folder().is_none());
    }
}
