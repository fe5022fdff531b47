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

use crate::columns::FileKind;
use crate::error::Error;
use crate::findings::{Arg, Message, RowError, Source};
use crate::model::{Batch, RowCounts};
use crate::schema::Schemas;
use crate::source::{self, Content, SourceError};
pub use limits::Limits;
pub use prepare::{Carrier, Prepared, prepare};
use table::Table;

pub use crate::source::find_entry;

/// The contents of table `file` of `source`, refused (exit 2, naming the file) when a
/// file exceeds `max` bytes or is not a regular file (a named pipe never hangs the run;
/// a device such as `/dev/zero` behind a link is refused): see [`crate::fsread`]. A
/// workbook counts as one file, whichever tables it holds.
pub fn read_bounded(
    source: &dyn source::Source,
    file: FileKind,
    max: u64,
) -> Result<Option<Content>, Error> {
    use crate::fsread::ReadError;
    source.table(file, max).map_err(|e| match e {
        SourceError::Read { name, path, error } => match error {
            ReadError::TooLarge { size, .. } => {
                let what = match size {
                    Some(len) => format!("the file is {}, more than", limits::show_size(len)),
                    // It grew while it was read, or it is a device with no size.
                    None => "the file holds more than".to_string(),
                };
                Error::input(
                    name,
                    format!(
                        "{what} the limit of {} (--max-file-size): split the batch into smaller ones, or raise the limit if the file is right",
                        limits::show_size(max)
                    ),
                )
            }
            ReadError::NotRegular(what) => Error::input(
                name,
                format!("{what}, not a regular file: not read (give the table itself)"),
            ),
            ReadError::Io(e) => Error::io(&path, e),
        },
        SourceError::Input { at, message } => Error::input(at, message),
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
    source: &dyn source::Source,
    file: FileKind,
    schemas: &Schemas,
    limits: &Limits,
) -> Result<Read, Error> {
    let bytes = match read_bounded(source, file, limits.max_file_size)? {
        None => return Ok(Read::Absent),
        Some(Content::Grid(grid)) => {
            if file != FileKind::Applicants && grid.cells.is_empty() {
                let (book, sheet) = (&grid.sheet.book, &grid.sheet.name);
                return Ok(Read::Empty(RowError {
                    rule: "data.unknown_column",
                    source: Source::in_table(file, Some(&grid.sheet), 1, None),
                    message: Message::new(
                        crate::findings::words!(
                            "лист «{0}» книги {1} пустой (нет даже заголовка) и не прочитан",
                            "the sheet «{0}» of {1} is empty (not even a header row) and was ignored",
                        ),
                        [Arg::value(sheet.as_str()), Arg::plain(book.as_str())],
                    ),
                }));
            }
            return table::read_grid(file, grid, &schemas.fields, limits).map(Read::Table);
        }
        Some(Content::Text(bytes)) => bytes,
    };
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
            message: Message::new(
                crate::findings::words!(
                    "{0} пустой (нет даже заголовка) и не прочитан",
                    "{0} is empty (not even a header row) and was ignored",
                ),
                [Arg::plain(file.file_name())],
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
