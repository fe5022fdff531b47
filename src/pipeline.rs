//! The stages of a batch, put together: the one path every command takes, and where the
//! floors below meet, so that none of them has to look up at another.
//!
//! A [`Source`] gives the tables; `ingest` reads them and sorts the rows out by id; here
//! the facts of the batch as a whole are gathered once, before anything is typed (IINs
//! repeated across applicants, the folders of `documents/` that belong to no one). Then,
//! a window of applicants at a time, each applicant is typed (`ingest`), checked alone
//! (`datacheck`: identifiers), has its scans attached (`documents`) and is evaluated
//! (`rules`); its status is decided once ([`Status::of_all`]); the command's [`Sink`]
//! sees the window (`run` renders its packets, `templates` writes or compiles their
//! data) and each applicant becomes its finished entry of the report.
//!
//! Memory holds the files' text and the report, never the typed batch: a window is
//! dropped once its entries are made.

use std::collections::HashSet;
use std::ops::Range;

use rayon::prelude::*;

use crate::datacheck::{self, Repeats};
use crate::documents::Folders;
use crate::error::Error;
use crate::ingest::{self, Limits, Prepared};
use crate::model::{Applicant, Batch, TableRead};
use crate::report::spill::{Keep, Redacting};
use crate::report::{ApplicantReport, Report, Status, Summary};
use crate::rules::{self, Outcome};
use crate::schema::Schemas;
use crate::source::Source;

/// How many applicants are typed, checked and reported at a time.
pub const WINDOW: usize = 4 * 1024;

/// A batch read and its rows sorted out, with the facts of the batch as a whole
/// gathered: ready to be typed, checked and scanned applicant by applicant.
pub struct Sorted<'s> {
    prepared: Prepared<'s>,
    folders: Option<Folders>,
    /// The IINs repeated across the batch: their findings are made as each window is
    /// typed (a batch may hold a million).
    repeats: Repeats,
}

impl<'s> Sorted<'s> {
    /// Reads the batch of `source`, sorts its rows out, finds the IINs repeated across
    /// it and opens its `documents/` folder. Fails (exit 2) only when the batch cannot be
    /// processed at all (including a file, a row count or a header past `limits`).
    pub fn open(source: &dyn Source, schemas: &'s Schemas, limits: &Limits) -> Result<Self, Error> {
        let mut prepared = ingest::prepare(source, schemas, limits)?;
        let repeats = Repeats::gather(prepared.repeated_carriers());
        let ids = prepared.ids();
        // The folders of `documents/`, and a warning for each that belongs to none of
        // the accepted applicants: after the warnings of the rows.
        let (folders, warnings) = match source.folder() {
            Some(dir) => Folders::open(dir, &ids),
            None => (None, Vec::new()),
        };
        drop(ids);
        prepared.meta_mut().warnings.extend(warnings);
        Ok(Sorted {
            prepared,
            folders,
            repeats,
        })
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

    /// Accepted applicants `range`, typed, in parallel, with every finding that is not
    /// the engine's: those of their rows (papers of unknown members among them), of the
    /// checks on the applicant alone (identifiers), of IINs repeated across the batch,
    /// and their documents. Each applicant is typed once.
    pub fn applicants(&self, range: Range<usize>) -> Vec<Applicant> {
        let prepared = &self.prepared;
        let mut applicants: Vec<Applicant> = range
            .into_par_iter()
            .map(|i| {
                let mut a = prepared.applicant(i);
                let own = datacheck::check_applicant(prepared.meta(), &a);
                a.findings.extend(own);
                let repeated = self
                    .repeats
                    .findings(prepared.meta(), i, &a, |j| prepared.id(j));
                a.findings.extend(repeated);
                a
            })
            .collect();
        if let Some(folders) = &self.folders {
            folders.scan(&mut applicants, &prepared.schemas().documents);
        }
        // Severity is the schemas', whatever stage made the finding.
        let schemas = prepared.schemas();
        applicants
            .par_iter_mut()
            .flat_map(|a| a.findings.par_iter_mut())
            .for_each(|f| f.severity = schemas.severity_of(f));
        applicants
    }
}

/// One window of the batch, typed and evaluated: applicant `first + k` is
/// `applicants[k]`, with the engine's `outcomes[k]` and its status `statuses[k]`.
pub struct Window<'w> {
    pub first: usize,
    pub applicants: &'w [Applicant],
    pub outcomes: &'w [Outcome],
    pub statuses: &'w [Status],
}

/// What a command does with each window before its applicants become report entries.
pub trait Sink {
    /// Handles `window`; returns, for each of its applicants, the files written for it
    /// (relative to OUT), or nothing when the command writes none. An error stops the
    /// batch (exit 2): only for what makes going on pointless (OUT cannot be written).
    fn window(&mut self, window: &Window<'_>) -> Result<Vec<Vec<String>>, Error>;

    /// Whether the command makes letters to families: the engine then words each
    /// outcome's letter points ([`Outcome::letter`]), which no other command pays for.
    fn letters(&self) -> bool {
        false
    }
}

/// The sink of `validate`: nothing to do with a window.
pub struct Check;

impl Sink for Check {
    fn window(&mut self, _: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
        Ok(Vec::new())
    }
}

/// The one path: the batch of `sorted` validated as of `as_of`, `window` applicants at a
/// time, each window handed to `sink` before its applicants become their entries.
/// Returns the report and how each file was read (encoding, delimiter).
pub fn process(
    sorted: Sorted<'_>,
    as_of: jiff::civil::Date,
    window: usize,
    sink: &mut dyn Sink,
) -> Result<(Report, Vec<TableRead>), Error> {
    let mut entries = Vec::with_capacity(sorted.len());
    let (mut report, formats) = process_into(sorted, as_of, window, sink, &mut entries)?;
    report.applicants = entries;
    Ok((report, formats))
}

/// [`process`], each window's finished entries handed to `keep` as they are made
/// instead of kept in the report: the report returned has no applicants, and its
/// summary counts those `keep` was given.
pub fn process_into(
    sorted: Sorted<'_>,
    as_of: jiff::civil::Date,
    window: usize,
    sink: &mut dyn Sink,
    keep: &mut dyn Keep,
) -> Result<(Report, Vec<TableRead>), Error> {
    let n = sorted.len();
    let mut summary = Summary::default();
    let mut engine =
        rules::Engine::new(sorted.prepared.schemas(), as_of)?.with_letters(sink.letters());
    // The applicants of one window, with the columns that point findings at cells.
    let mut batch = Batch {
        columns: sorted.meta().columns.clone(),
        ..Batch::default()
    };
    for first in (0..n).step_by(window.max(1)) {
        batch.applicants = sorted.applicants(first..n.min(first + window.max(1)));
        let mut outcomes = engine.evaluate(&batch);
        let schemas = sorted.prepared.schemas();
        outcomes
            .par_iter_mut()
            .flat_map(|o| o.findings.par_iter_mut())
            .for_each(|f| f.severity = schemas.severity_of(f));
        let statuses: Vec<Status> = batch
            .applicants
            .par_iter()
            .zip(&outcomes)
            .map(|(a, o)| Status::of_all([a.findings.as_slice(), o.findings.as_slice()]))
            .collect();
        let mut outputs = sink.window(&Window {
            first,
            applicants: &batch.applicants,
            outcomes: &outcomes,
            statuses: &statuses,
        })?;
        outputs.resize(batch.applicants.len(), Vec::new());
        let mut reports = Vec::new();
        std::mem::take(&mut batch.applicants)
            .into_par_iter()
            .zip(outcomes)
            .zip(statuses)
            .zip(outputs)
            .map(|(((a, outcome), status), files)| ApplicantReport::new(a, outcome, status, files))
            .collect_into_vec(&mut reports);
        reports.iter().for_each(|r| summary.count(r.status));
        keep.keep(reports)
            .map_err(|e| Error::io("the report's temporary file", e))?;
    }
    let mut meta = sorted.into_meta();
    let formats = std::mem::take(&mut meta.formats);
    Ok((
        Report::with_summary(Vec::new(), summary, meta, as_of),
        formats,
    ))
}

/// A report processed into a keep, how each file was read, and the ids of the entries
/// when they were redacted on their way ([`process_redacted`]).
pub type Redacted = (Report, Vec<TableRead>, Option<HashSet<String>>);

/// [`process_into`], each entry redacted on its way to `keep` when `redact` gives the
/// documents schema (`--redact`); then also the ids of the entries, for
/// [`Report::redact_rows`] once the report's rows, errors and warnings are all in.
pub fn process_redacted(
    sorted: Sorted<'_>,
    as_of: jiff::civil::Date,
    sink: &mut dyn Sink,
    keep: &mut dyn Keep,
    redact: Option<&crate::schema::DocumentSchema>,
) -> Result<Redacted, Error> {
    match redact {
        Some(docs) => {
            let mut redacting = Redacting::new(keep, docs);
            let (report, formats) = process_into(sorted, as_of, WINDOW, sink, &mut redacting)?;
            Ok((report, formats, Some(redacting.ids)))
        }
        None => {
            let (report, formats) = process_into(sorted, as_of, WINDOW, sink, keep)?;
            Ok((report, formats, None))
        }
    }
}

/// Reads the batch of `source` and validates every applicant as of `as_of`, `window`
/// applicants at a time: `validate`. Returns the report and how each file was read.
pub fn validate_in_windows(
    source: &dyn Source,
    schemas: &Schemas,
    as_of: jiff::civil::Date,
    limits: &Limits,
    window: usize,
) -> Result<(Report, Vec<TableRead>), Error> {
    let sorted = Sorted::open(source, schemas, limits)?;
    process(sorted, as_of, window, &mut Check)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::source::Folder;
    use crate::{schema, synth};

    #[test]
    fn every_window_size_gives_one_report() {
        let schemas = schema::Schemas::embedded().unwrap();
        let as_of = jiff::civil::date(2026, 11, 24);
        let generated = tempfile::tempdir().unwrap();
        synth::generate(generated.path(), 2000, 3).unwrap();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
        for dir in [sample.as_path(), generated.path()] {
            let source = Folder::open(dir).unwrap();
            let limits = Limits::default();
            let (report, _) =
                validate_in_windows(&source, &schemas, as_of, &limits, usize::MAX).unwrap();
            let expected = report.to_json();
            // The sample has documents; the generated batch, IINs repeated across windows.
            assert!(
                expected.contains("docs.")
                    && (dir == sample || expected.contains("is repeated: also")),
                "{}",
                dir.display()
            );
            for window in [1, 7, 500] {
                let (report, _) =
                    validate_in_windows(&source, &schemas, as_of, &limits, window).unwrap();
                assert!(
                    report.to_json() == expected,
                    "window {window} in {}",
                    dir.display()
                );
                // The same report with the entries spilled as they come
                // (`validate --format json`).
                let sorted = Sorted::open(&source, &schemas, &limits).unwrap();
                let mut spill = crate::report::spill::Spill::new(None).unwrap();
                let (head, _) =
                    process_into(sorted, as_of, window, &mut Check, &mut spill).unwrap();
                assert!(head.applicants.is_empty());
                let mut streamed = Vec::new();
                spill.finish(&head, &mut streamed).unwrap();
                assert!(
                    streamed == expected.as_bytes(),
                    "spilled, window {window} in {}",
                    dir.display()
                );
            }
            // Redacted entry by entry as they are spilled (`validate --format json
            // --redact`): the report redacted whole.
            let docs = &schemas.documents;
            let (mut whole, _) =
                validate_in_windows(&source, &schemas, as_of, &limits, usize::MAX).unwrap();
            whole.redact(docs);
            let sorted = Sorted::open(&source, &schemas, &limits).unwrap();
            let mut spill = crate::report::spill::Spill::new(None).unwrap();
            let mut redacting = crate::report::spill::Redacting::new(&mut spill, docs);
            let (mut head, _) = process_into(sorted, as_of, 7, &mut Check, &mut redacting).unwrap();
            head.redact_rows(docs, &redacting.ids);
            let mut streamed = Vec::new();
            spill.finish(&head, &mut streamed).unwrap();
            assert!(
                streamed == whole.to_json().as_bytes(),
                "redacted in {}",
                dir.display()
            );
        }
    }

    /// The IINs read from the cells when the rows are sorted out are those of the typed
    /// applicants, on batches with members, bad cells and repeats.
    #[test]
    fn carriers_read_before_typing_are_those_of_the_typed_batch() {
        let schemas = schema::Schemas::embedded().unwrap();
        let generated = tempfile::tempdir().unwrap();
        synth::generate(generated.path(), 3000, 11).unwrap();
        // A batch whose IINs repeat across applicants.
        let repeating = tempfile::tempdir().unwrap();
        synth::generate(repeating.path(), 2000, 3).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let tricky = root.join("tests/fixture/tricky");
        let sample = root.join("samples/batch");
        for dir in [
            sample.as_path(),
            tricky.as_path(),
            generated.path(),
            repeating.path(),
        ] {
            let source = Folder::open(dir).unwrap();
            let limits = Limits {
                max_cell: 40,
                ..Limits::default()
            };
            let prepared = ingest::prepare(&source, &schemas, &limits).unwrap();
            let typed: Vec<Applicant> =
                (0..prepared.len()).map(|i| prepared.applicant(i)).collect();
            let mut expected = datacheck::carriers(&typed, 0);
            let mut read = prepared.carriers();
            assert!(!expected.is_empty(), "{}", dir.display());
            expected.sort();
            read.sort();
            assert_eq!(read, expected, "{}", dir.display());
            // Those whose IIN someone else carries too, read in two passes.
            let mut repeated = prepared.repeated_carriers();
            repeated.sort();
            let all = expected.clone();
            expected.retain(|c| all.iter().filter(|o| o.iin == c.iin).count() > 1);
            assert!(dir != repeating.path() || !expected.is_empty());
            assert_eq!(repeated, expected, "{}", dir.display());
        }
    }

    /// The letters of the sample batch as the engine and the report decide them: the
    /// sink that asks for letters gets each family's points in its words; `validate`'s
    /// engine words none.
    #[test]
    fn the_sample_families_letters() {
        use crate::report::letter::Letter;
        struct Letters {
            drafts: bool,
            letters: Vec<(String, Status, Option<Letter>)>,
            points: usize,
        }
        impl Sink for Letters {
            fn window(&mut self, w: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
                let schemas = Schemas::embedded().unwrap();
                for ((a, o), s) in w.applicants.iter().zip(w.outcomes).zip(w.statuses) {
                    self.points += o.letter.len();
                    let letter = Letter::of(a, o, *s, &schemas, self.drafts);
                    self.letters.push((a.applicant_id.clone(), *s, letter));
                }
                Ok(Vec::new())
            }
            fn letters(&self) -> bool {
                self.drafts
            }
        }
        let schemas = schema::Schemas::embedded().unwrap();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
        let as_of = jiff::civil::date(2026, 11, 24);
        let run = |drafts| {
            let source = Folder::open(&sample).unwrap();
            let sorted = Sorted::open(&source, &schemas, &Limits::default()).unwrap();
            let mut sink = Letters {
                drafts,
                letters: Vec::new(),
                points: 0,
            };
            process(sorted, as_of, WINDOW, &mut sink).unwrap();
            sink
        };
        let of = |sink: &Letters, id: &str| {
            let (_, _, l) = sink.letters.iter().find(|(i, _, _)| i == id).unwrap();
            l.clone()
        };
        // Without letters asked for (validate's sink asks none), no point is worded.
        let without = run(false);
        assert_eq!(without.points, 0);
        let with = run(true);
        assert!(with.points > 0);
        for (id, status, letter) in &with.letters {
            assert_eq!(letter.is_some(), *status != Status::Ready, "{id}");
        }
        // Person by person; what to correct and how; a ground in the family's words.
        let a031 = of(&with, "A031").unwrap();
        assert_eq!(a031.bring.len(), 1);
        assert_eq!(a031.bring[0].what, "свидетельство о рождении");
        assert_eq!(a031.bring[0].persons, ["Кирилл"]);
        assert!(
            a031.fine
                .iter()
                .any(|i| i.persons.contains(&"Марина".into()))
        );
        let a045 = of(&with, "A045").unwrap();
        assert_eq!(a045.correct[0].persons, ["Ерлан"]);
        assert!(
            a045.correct[0]
                .what
                .starts_with("паспорт действителен до 15.03.2027")
        );
        assert_eq!(a045.explain, 0);
        let a021 = of(&with, "A021").unwrap();
        assert!(a021.refused && a021.bring.is_empty() && a021.correct.is_empty());
        assert!(a021.grounds[0].contains("01.03.2027"), "{:?}", a021.grounds);
        // A letter about the applicant alone names no one.
        let a029 = of(&with, "A029").unwrap();
        assert!(a029.bring.iter().all(|i| i.persons.is_empty()), "{a029:?}");
        // Refused: no letter without --drafts.
        assert!(of(&without, "A021").is_none() && of(&without, "A031").is_some());
    }
}
