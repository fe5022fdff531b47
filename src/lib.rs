//! `resettle`: validates batches of applicants to Russia's State Program for the voluntary
//! resettlement of compatriots (from Kazakhstan) and prepares their application packets.
//!
//! Data flows one way: bytes ([`ingest`]) → typed records ([`model`]) → findings
//! ([`datacheck`], [`documents`]) → reports ([`report`]). [`cli`] ties the commands
//! together; the binary only parses arguments and calls it.

pub mod checks;
pub mod cli;
pub mod columns;
pub mod datacheck;
pub mod documents;
pub mod error;
pub mod findings;
pub mod ingest;
pub mod init;
pub mod model;
pub mod outdir;
pub mod report;
pub mod schema;
pub mod text;

pub use error::Error;
