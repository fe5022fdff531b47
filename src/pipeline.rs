//! The stages of a batch, put together: where the floors below meet, so that none of
//! them has to look up at another. `ingest` reads the files and sorts the rows out by
//! id; here the batch's `documents/` folder is opened (its folders that belong to no
//! applicant are warned about once), and then, a window of applicants at a time, each
//! applicant is typed (`ingest`), checked alone (`datacheck`: identifiers), has its
//! scans attached (`documents`), is evaluated (`rules`) and becomes its entry of the
//! report (`report`). Facts of the batch as a whole, IINs repeated across applicants,
//! are gathered window by window and added once all of it is seen.
//!
//! [`validate_in_windows`] is that loop (the library's `validate` and `validate_with`):
//! its memory holds the files' text and the report, never the typed batch. [`load_with`]
//! types, checks and scans the whole batch at once, for the commands that render from it
//! (`run`, `templates check`, `templates data`); a test holds the two to one report.

use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

use crate::datacheck;
use crate::documents::Folders;
use crate::error::Error;
use crate::ingest::{self, Limits, Prepared};
use crate::model::{Applicant, Batch};
use crate::report::{ApplicantReport, Report};
use crate::rules;
use crate::schema::Schemas;

/// How many applicants `validate` types, checks and reports at a time.
pub const WINDOW: usize = 4 * 1024;

/// A batch read and its rows sorted out, with its `documents/` folder opened: ready to
/// be typed, checked and scanned applicant by applicant.
pub struct Sorted<'s> {
    prepared: Prepared<'s>,
    folders: Option<Folders>,
}

impl<'s> Sorted<'s> {
    /// Reads the batch folder `dir`, sorts its rows out and opens its `documents/`
    /// folder. Fails (exit 2) only when the batch cannot be processed at all (including
    /// a file, a row count or a header past `limits`).
    pub fn open(dir: &Path, schemas: &'s Schemas, limits: &Limits) -> Result<Self, Error> {
        let mut prepared = ingest::prepare(dir, schemas, limits)?;
        // The folders of `documents/`, and a warning for each that belongs to none of
        // the accepted applicants: after the warnings of the rows.
        let (folders, warnings) = Folders::open(dir, &prepared.ids());
        prepared.meta_mut().warnings.extend(warnings);
        Ok(Sorted { prepared, folders })
    }

    /// The number of accepted applicants.
    pub fn len(&self) -> usize {
        self.prepared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prepared.is_empty()
    }

    /// The batch without its applicants: row counts, errors, warnings, formats and
    /// columns (to point findings at their cells).
    pub fn meta(&self) -> &Batch {
        self.prepared.meta()
    }

    pub fn into_meta(self) -> Batch {
        self.prepared.into_meta()
    }

    /// Accepted applicants `range`, typed, in parallel: each with its family and
    /// expenses, the findings of its rows (papers of unknown members among them) and
    /// those of the checks on the applicant alone (identifiers). Not yet: repeated IINs
    /// across the batch
    /// ([`datacheck::repeated_iins`]) and the documents ([`Sorted::scan_documents`]).
    pub fn applicants(&self, range: Range<usize>) -> Vec<Applicant> {
        let prepared = &self.prepared;
        range
            .into_par_iter()
            .map(|i| {
                let mut a = prepared.applicant(i);
                let own = datacheck::check_applicant(prepared.meta(), &a);
                a.findings.extend(own);
                a
            })
            .collect()
    }

    /// Attaches to each applicant what its folder of `documents/` holds.
    pub fn scan_documents(&self, applicants: &mut [Applicant]) {
        if let Some(folders) = &self.folders {
            folders.scan(applicants, &self.prepared.schemas().documents);
        }
    }
}

/// Loads the batch folder `dir` whole with the default [`Limits`].
pub fn load(dir: &Path, schemas: &Schemas) -> Result<Batch, Error> {
    load_with(dir, schemas, &Limits::default())
}

/// Loads the batch folder `dir` whole: every applicant typed, with its family, expenses,
/// documents and the findings of ingest and of the data checks. Fails (exit 2) only when
/// the batch cannot be processed at all (including a file, a row count or a header past
/// `limits`).
pub fn load_with(dir: &Path, schemas: &Schemas, limits: &Limits) -> Result<Batch, Error> {
    let sorted = Sorted::open(dir, schemas, limits)?;
    let mut applicants = sorted.applicants(0..sorted.len());
    let repeated =
        datacheck::repeated_iins(sorted.meta(), datacheck::carriers(&applicants, 0), |i| {
            applicants[i].applicant_id.as_str()
        });
    for (i, f) in repeated {
        applicants[i].findings.push(f);
    }
    sorted.scan_documents(&mut applicants);
    let mut batch = sorted.into_meta();
    batch.applicants = applicants;
    Ok(batch)
}

/// Reads the batch folder `dir` and validates every applicant as of `as_of`, `window`
/// applicants at a time: only their entries in the report are kept (with the files'
/// text, which the rows point into), never the typed batch. Returns the report and how
/// each file was read (encoding, delimiter).
pub fn validate_in_windows(
    dir: &Path,
    schemas: &Schemas,
    as_of: jiff::civil::Date,
    limits: &Limits,
    window: usize,
) -> Result<(Report, Vec<String>), Error> {
    let sorted = Sorted::open(dir, schemas, limits)?;
    let n = sorted.len();
    let mut entries = Vec::with_capacity(n);
    let mut carriers = Vec::new();
    let mut engine = rules::Engine::new(schemas, as_of)?;
    // The applicants of one window, with the columns that point findings at cells.
    let mut batch = Batch {
        columns: sorted.meta().columns.clone(),
        ..Batch::default()
    };
    for start in (0..n).step_by(window) {
        batch.applicants = sorted.applicants(start..n.min(start + window));
        carriers.extend(datacheck::carriers(&batch.applicants, start));
        sorted.scan_documents(&mut batch.applicants);
        let outcomes = engine.evaluate(&batch);
        let mut reports = Vec::new();
        std::mem::take(&mut batch.applicants)
            .into_par_iter()
            .zip(outcomes)
            .map(|(a, outcome)| ApplicantReport::new(a, outcome))
            .collect_into_vec(&mut reports);
        entries.append(&mut reports);
    }
    // IINs repeated across the batch, once all of it is seen. Loading the batch whole
    // puts these findings before those of the documents and the engine; the report's
    // order is the same, since none of those is a `data.duplicate` on an IIN cell
    // (the sort key).
    let repeated = datacheck::repeated_iins(sorted.meta(), carriers, |i| {
        entries[i].applicant_id.as_str()
    });
    for (i, f) in repeated {
        entries[i].add_findings([f]);
    }
    let mut meta = sorted.into_meta();
    let formats = std::mem::take(&mut meta.formats);
    Ok((Report::assemble(entries, meta, as_of), formats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{schema, synth};

    /// The report of the whole batch loaded at once, as `resettle run` makes it.
    fn whole(dir: &Path, schemas: &Schemas, as_of: jiff::civil::Date) -> String {
        let batch = load(dir, schemas).unwrap();
        let outcomes = rules::evaluate(&batch, schemas, as_of).unwrap();
        Report::build(batch, outcomes, as_of).to_json()
    }

    #[test]
    fn windows_give_the_report_of_the_whole_batch() {
        let schemas = schema::Schemas::embedded().unwrap();
        let as_of = jiff::civil::date(2026, 11, 24);
        let generated = tempfile::tempdir().unwrap();
        synth::generate(generated.path(), 2000, 3).unwrap();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
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
                let limits = Limits::default();
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
