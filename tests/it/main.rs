//! The end-to-end tests, as one test binary (`cargo test --release` builds and links it
//! once, instead of once per file). Each module below was a test file of its own; run
//! one of them with `cargo test --release --test it -- <module>::`, e.g.
//! `cargo test --release --test it -- rules::`.
//!
//! `common` holds the helpers every module shares (writing batches, running the binary,
//! reading its report), `fixture` the batches of the rule-engine tests. Insta snapshots
//! are in `snapshots/` beside this file; fixture batches in `tests/fixture/`.

mod common;
mod fixture;

mod allowances;
mod amounts;
mod cli_rules;
mod crash;
mod encodings;
mod followup;
mod followup_out;
mod fuzz;
mod init;
mod limits;
mod packets;
mod paths;
mod redact;
mod render;
mod robustness;
mod rules;
mod samples;
mod scans;
mod snapshot;
mod streamed;
mod templates;
mod tricky;
mod workbook;
