//! The one seam to the outside, as Typst's `World`: a batch is read through a
//! [`Source`], which gives the bytes of its three tables and the folder whose
//! `documents/` holds the scans. Nothing after the source knows where a table came from:
//! a folder of CSV files ([`Folder`]) or a batch held in memory ([`Memory`], for tests,
//! `templates check` and programs that build batches themselves).
//!
//! A source only reads: decoding, splitting and typing are `ingest`'s. Every read is
//! bounded (`max` bytes) and never blocks ([`crate::fsread`]).

use std::path::{Path, PathBuf};

use crate::columns::FileKind;
use crate::error::Error;
use crate::fsread::{self, ReadError};

/// A batch to read: its tables and where its scans are.
pub trait Source: Sync {
    /// The batch as the user named it, for messages ("samples/batch").
    fn name(&self) -> String;

    /// The bytes of table `file`, at most `max` of them; `None` when the batch has no
    /// such table (family and expenses are optional).
    fn table(&self, file: FileKind, max: u64) -> Result<Option<Vec<u8>>, SourceError>;

    /// The folder holding the batch's `documents/`, when it has one on disk.
    fn folder(&self) -> Option<&Path>;
}

/// Why a table could not be read: the file (as the source names it) and the reason.
#[derive(Debug)]
pub struct SourceError {
    pub path: PathBuf,
    pub error: ReadError,
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

/// A batch folder: `applicants.csv`, `family.csv`, `expenses.csv` (names in any ASCII
/// case) and `documents/`.
#[derive(Debug, Clone)]
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    /// The batch folder `dir`; a usage error (exit 2) when it is not a folder.
    pub fn open(dir: &Path) -> Result<Folder, Error> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a batch folder (a batch is a folder holding applicants.csv; `resettle init DIR` makes one)",
                dir.display()
            )));
        }
        Ok(Folder {
            dir: dir.to_path_buf(),
        })
    }
}

impl Source for Folder {
    fn name(&self) -> String {
        self.dir.display().to_string()
    }

    fn table(&self, file: FileKind, max: u64) -> Result<Option<Vec<u8>>, SourceError> {
        let Some(path) = find_entry(&self.dir, file.file_name()) else {
            return Ok(None);
        };
        fsread::read_capped(&path, max)
            .map(Some)
            .map_err(|error| SourceError { path, error })
    }

    fn folder(&self) -> Option<&Path> {
        Some(&self.dir)
    }
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

    fn table(&self, file: FileKind, max: u64) -> Result<Option<Vec<u8>>, SourceError> {
        let text = match file {
            FileKind::Applicants => Some(&self.applicants),
            FileKind::Family => self.family.as_ref(),
            FileKind::Expenses => self.expenses.as_ref(),
        };
        let Some(text) = text else { return Ok(None) };
        if text.len() as u64 > max {
            return Err(SourceError {
                path: PathBuf::from(file.file_name()),
                error: ReadError::TooLarge {
                    size: Some(text.len() as u64),
                    max,
                },
            });
        }
        Ok(Some(text.as_bytes().to_vec()))
    }

    fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_finds_tables_in_any_case_and_says_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Applicants.CSV"), "applicant_id\nA1\n").unwrap();
        let source = Folder::open(dir.path()).unwrap();
        let bytes = source.table(FileKind::Applicants, 1 << 20).unwrap();
        assert_eq!(bytes.as_deref(), Some(&b"applicant_id\nA1\n"[..]));
        assert!(source.table(FileKind::Family, 1 << 20).unwrap().is_none());
        assert!(matches!(
            source.table(FileKind::Applicants, 4),
            Err(SourceError {
                error: ReadError::TooLarge { .. },
                ..
            })
        ));
        assert!(Folder::open(&dir.path().join("Applicants.CSV")).is_err());
    }

    #[test]
    fn memory_gives_what_it_holds_within_the_cap() {
        let source = Memory::new("applicant_id\nA1\n").expenses("applicant_id\n");
        assert!(source.table(FileKind::Family, 100).unwrap().is_none());
        assert_eq!(
            source.table(FileKind::Expenses, 100).unwrap().unwrap(),
            b"applicant_id\n"
        );
        assert!(source.table(FileKind::Applicants, 3).is_err());
        assert!(source.folder().is_none());
    }
}
