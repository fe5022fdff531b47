//! `resettle`: validates batches of applicants to Russia's State Program for the voluntary
//! resettlement of compatriots (from Kazakhstan) and prepares their application packets.
//!
//! Data flows one way: bytes ([`ingest`]) → typed records ([`model`]) → findings
//! ([`datacheck`], [`documents`], [`rules`]) → reports ([`report`]). [`cli`] ties the commands
//! together; the binary only parses arguments and calls it.

pub mod benefits;
pub mod checks;
pub mod cli;
pub mod columns;
pub mod consulate;
pub mod datacheck;
pub mod digest;
pub mod documents;
pub mod error;
pub mod explain;
pub mod findings;
pub mod format;
pub mod ingest;
pub mod init;
pub mod manifest;
pub mod model;
pub mod outdir;
pub mod packets;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod synth;
pub mod text;
pub mod values;

pub use error::Error;
use rayon::prelude::*;

/// Reads the batch folder `dir` and validates every applicant as of `as_of`: ingest,
/// data checks, documents, rules, allowances and missions. Returns the report and how
/// each file was read (encoding, delimiter).
pub fn validate(
    dir: &std::path::Path,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
) -> Result<(report::Report, Vec<String>), Error> {
    validate_with(dir, schemas, as_of, &ingest::Limits::default())
}

/// [`validate`] with the reader's `limits` (file and cell sizes, rows, columns).
///
/// Applicants are typed, checked and reported a window at a time: only their entries
/// in the report are kept (with the files' text, which the rows point into), never the
/// typed batch.
pub fn validate_with(
    dir: &std::path::Path,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
    limits: &ingest::Limits,
) -> Result<(report::Report, Vec<String>), Error> {
    validate_in_windows(dir, schemas, as_of, limits, 4 * 1024)
}

/// [`validate_with`], `window` applicants at a time.
fn validate_in_windows(
    dir: &std::path::Path,
    schemas: &schema::Schemas,
    as_of: jiff::civil::Date,
    limits: &ingest::Limits,
    window: usize,
) -> Result<(report::Report, Vec<String>), Error> {
    let prepared = ingest::prepare(dir, schemas, limits)?;
    let n = prepared.len();
    let mut entries = Vec::with_capacity(n);
    let mut carriers = Vec::new();
    let mut engine = rules::Engine::new(schemas, as_of)?;
    // The applicants of one window, with the columns that point findings at cells.
    let mut batch = model::Batch {
        columns: prepared.meta().columns.clone(),
        ..model::Batch::default()
    };
    for start in (0..n).step_by(window) {
        batch.applicants = prepared.applicants(start..n.min(start + window));
        carriers.extend(datacheck::carriers(&batch.applicants, start));
        prepared.scan_documents(&mut batch.applicants);
        let outcomes = engine.evaluate(&batch);
        let mut reports = Vec::new();
        std::mem::take(&mut batch.applicants)
            .into_par_iter()
            .zip(outcomes)
            .map(|(a, outcome)| report::ApplicantReport::new(a, outcome))
            .collect_into_vec(&mut reports);
        entries.append(&mut reports);
    }
    // IINs repeated across the batch, once all of it is seen. Loading the batch whole
    // puts these findings before those of the documents and the engine; the report's
    // order is the same, since none of those is a `data.duplicate` on an IIN cell
    // (the sort key).
    let repeated = datacheck::repeated_iins(prepared.meta(), carriers, |i| {
        entries[i].applicant_id.as_str()
    });
    for (i, f) in repeated {
        entries[i].add_findings([f]);
    }
    let mut meta = prepared.into_meta();
    let formats = std::mem::take(&mut meta.formats);
    Ok((report::Report::assemble(entries, meta, as_of), formats))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report of the whole batch loaded at once, as `resettle run` makes it.
    fn whole(dir: &std::path::Path, schemas: &schema::Schemas, as_of: jiff::civil::Date) -> String {
        let batch = ingest::load(dir, schemas).unwrap();
        let outcomes = rules::evaluate(&batch, schemas, as_of).unwrap();
        report::Report::build(batch, outcomes, as_of).to_json()
    }

    #[test]
    fn windows_give_the_report_of_the_whole_batch() {
        let schemas = schema::Schemas::embedded().unwrap();
        let as_of = jiff::civil::date(2026, 11, 24);
        let generated = tempfile::tempdir().unwrap();
        synth::generate(generated.path(), 2000, 3).unwrap();
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
        for dir in [sample.as_path(), generated.path()] {
            let expected = whole(dir, &schemas, as_of);
            // The sample has documents; the generated batch, IINs repeated across windows.
            assert!(
                expected.contains("docs.")
                    && (dir == sample || expected.contains("is repeated: also")),
                "{}",
                dir.display()
            );
            for window in [1, 7, 500, 100_000] {
                let limits = ingest::Limits::default();
                let (report, _) =
                    validate_in_windows(dir, &schemas, as_of, &limits, window).unwrap();
                assert!(
                    report.to_json() == expected,
                    "window {window} in {}",
                    dir.display()
                );
            }
        }
    }
}
