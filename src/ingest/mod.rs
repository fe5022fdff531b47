//! Batch ingest, the floor under the checks: bytes → tables → rows sorted out by id →
//! typed applicants with their family members, expenses and the papers listed for them.
//! Never panics, whatever the bytes; every row read is either attached to an applicant or
//! listed in the batch's errors, with its source.
//!
//! Ingest looks only down (the model, the columns, the schemas, cell values): scanning
//! `documents/` and the checks across cells and rows (`documents`, `datacheck`) stand
//! above it and are run on its typed applicants by `pipeline`, which also loads a batch
//! whole.

pub mod decode;
pub mod limits;
pub mod magic;
pub mod prepare;
pub mod rows;
pub mod split;
pub mod table;

use std::path::{Path, PathBuf};

use crate::columns::FileKind;
use crate::error::Error;
use crate::findings::{RowError, Source, Text};
use crate::model::{Batch, RowCounts};
use crate::schema::Schemas;
pub use limits::Limits;
pub use prepare::{Prepared, prepare};
use table::Table;

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

/// The bytes of the batch file at `path`, refused (exit 2, naming the file) when they
/// exceed `max` bytes or it is not a regular file (a named pipe never hangs the run; a
/// device such as `/dev/zero` behind a link is refused): see [`crate::fsread`].
fn read_bounded(path: &Path, file: FileKind, max: u64) -> Result<Vec<u8>, Error> {
    let too_large = |size: Option<u64>| {
        let what = match size {
            Some(len) => format!("the file is {}, more than", limits::show_size(len)),
            // It grew while it was read, or it is a device with no size.
            None => "the file holds more than".to_string(),
        };
        Error::input(
            file.file_name(),
            format!(
                "{what} the limit of {} (--max-file-size): split the batch into smaller ones, or raise the limit if the file is right",
                limits::show_size(max)
            ),
        )
    };
    use crate::fsread::{ReadError, read_capped};
    read_capped(path, max).map_err(|e| match e {
        ReadError::TooLarge { size, .. } => too_large(size),
        ReadError::NotRegular(what) => Error::input(
            file.file_name(),
            format!("{what}, not a regular file: not read (give the table itself)"),
        ),
        ReadError::Io(e) => Error::io(path, e),
    })
}

/// One file of the batch as read.
enum Read {
    Absent,
    /// An optional file with not even a header: ignored, with this warning.
    Empty(RowError),
    Table(Table),
}

/// Reads one file of the batch.
fn read_table(
    dir: &Path,
    file: FileKind,
    schemas: &Schemas,
    limits: &Limits,
) -> Result<Read, Error> {
    let Some(path) = find_entry(dir, file.file_name()) else {
        return Ok(Read::Absent);
    };
    let bytes = read_bounded(&path, file, limits.max_file_size)?;
    if let Some(what) = magic::not_text(&bytes) {
        return Err(Error::input(
            file.file_name(),
            format!("this file is {what}"),
        ));
    }
    let decoded = decode::decode_owned(bytes);
    if file != FileKind::Applicants && decoded.text.trim().is_empty() {
        return Ok(Read::Empty(RowError {
            rule: "data.unknown_column",
            source: Source::Row { file, row: 1 },
            message: Text::new(
                format!(
                    "{} пустой (нет даже заголовка) и не прочитан",
                    file.file_name()
                ),
                format!(
                    "{} is empty (not even a header row) and was ignored",
                    file.file_name()
                ),
            ),
        }));
    }
    table::read_limited(file, decoded, &schemas.fields, limits).map(Read::Table)
}

/// An optional file's table; an empty one is counted and its warning kept.
fn optional(
    batch: &mut Batch,
    file: FileKind,
    read: Result<Read, Error>,
) -> Result<Option<Table>, Error> {
    match read? {
        Read::Absent => Ok(None),
        Read::Empty(warning) => {
            batch.rows.push((file, RowCounts::default()));
            batch.warnings.push(warning);
            Ok(None)
        }
        Read::Table(t) => Ok(Some(t)),
    }
}
