//! Errors that stop a run (exit status 2): bad usage, unreadable files, broken schemas,
//! and batch files that cannot be read at all. Each names the file (row, column) at fault.
//! A leaf: it imports nothing of the crate.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A batch file that cannot be processed; `at` is `file[:row[:column]]`.
    #[error("{at}: {message}")]
    Input { at: String, message: String },
    #[error("schema error: {0}")]
    Schema(#[from] SchemaError),
}

impl Error {
    pub fn input(at: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input {
            at: at.into(),
            message: message.into(),
        }
    }

    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// The error without the path an I/O error names, for a report that says already
    /// which file it is about by its path relative to the batch or OUT: an absolute path
    /// may hold a name (a folder named after a family), which `--redact` must not show.
    pub fn without_path(&self) -> String {
        match self {
            Error::Io { source, .. } => source.to_string(),
            e => e.to_string(),
        }
    }
}

/// A mistake in a schema file.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", position(*line, *column))]
pub struct SchemaError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}
