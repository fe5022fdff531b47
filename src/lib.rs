//! `resettle`: validates batches of applicants to Russia's State Program for the voluntary
//! resettlement of compatriots (from Kazakhstan) and prepares their application packets.
//!
//! Data flows one way: bytes ([`ingest`]) → typed records ([`model`]) → findings
//! ([`datacheck`], [`documents`], [`rules`]) → reports ([`report`]); [`pipeline`] puts the
//! stages together, a window of applicants at a time. [`cli`] ties the commands together;
//! the binary only parses arguments and calls it.

pub mod benefits;
pub mod checks;
pub mod cli;
pub mod columns;
pub mod cond;
pub mod consulate;
pub mod datacheck;
pub mod digest;
pub mod documents;
pub mod error;
pub mod explain;
pub mod findings;
pub mod format;
pub mod fsread;
pub mod ingest;
pub mod init;
pub mod layers;
pub mod manifest;
pub mod model;
pub mod outdir;
pub mod packets;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod synth;
pub mod text;
pub mod values;

pub use error::Error;

/// Reads the batch folder `dir` and validates every applicant as of `as_of`: ingest,
/// data checks, documents, rules, allowances and missions. Returns the report and how
/// each file was read (encoding, delimiter).
pub fn validate(
    dir: &std::path::Path,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
) -> Result<(report::Report, Vec<model::TableRead>), Error> {
    validate_with(dir, schemas, as_of, &ingest::Limits::default())
}

/// [`validate`] with the reader's `limits` (file and cell sizes, rows, columns).
///
/// Applicants are typed, checked and reported a window at a time
/// ([`pipeline::validate_in_windows`]): only their entries in the report are kept (with
/// the files' text, which the rows point into), never the typed batch.
pub fn validate_with(
    dir: &std::path::Path,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
    limits: &ingest::Limits,
) -> Result<(report::Report, Vec<model::TableRead>), Error> {
    let source = source::Folder::open(dir)?;
    pipeline::validate_in_windows(&source, schemas, as_of, limits, pipeline::WINDOW)
}

/// [`validate`] of a batch read through any [`source::Source`]: a folder, or a batch
/// held in memory ([`source::Memory`]).
pub fn validate_source(
    source: &dyn source::Source,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
) -> Result<(report::Report, Vec<model::TableRead>), Error> {
    let limits = ingest::Limits::default();
    pipeline::validate_in_windows(source, schemas, as_of, &limits, pipeline::WINDOW)
}
