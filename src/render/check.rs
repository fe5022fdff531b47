//! Checking templates before anything is written: every form is compiled against a batch
//! (by default the sample batch built into the binary), and each Typst error is reported
//! with its template file, line and column.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::Batch;
use crate::render::forms::{self, Context};
use crate::render::{Engine, Job};
use crate::rules::Outcome;

/// The sample batch's files, built into the binary.
const SAMPLE: &[(&str, &str)] = &[
    (
        "applicants.csv",
        include_str!("../../samples/batch/applicants.csv"),
    ),
    ("family.csv", include_str!("../../samples/batch/family.csv")),
    (
        "expenses.csv",
        include_str!("../../samples/batch/expenses.csv"),
    ),
];

/// A private temporary copy of the built-in sample batch, removed when dropped.
pub struct SampleBatch {
    dir: PathBuf,
}

impl SampleBatch {
    /// Writes the sample batch's CSV files (no scans) into a new private folder.
    pub fn write() -> Result<SampleBatch, Error> {
        let dir = fresh_dir()?;
        let out = crate::outdir::OutDir::create(&dir)?;
        let batch = SampleBatch { dir };
        for (name, text) in SAMPLE {
            out.write(name, text.as_bytes())?;
        }
        Ok(batch)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

/// A new private folder in the temporary folder, never one that already exists.
fn fresh_dir() -> Result<PathBuf, Error> {
    let base = std::env::temp_dir();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut last = None;
    for n in 0..100u32 {
        let dir = base.join(format!(
            "resettle-sample-{}-{seed:x}-{n}",
            std::process::id()
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| std::io::Error::other("no folder"));
    Err(Error::io(&base, e))
}

impl Drop for SampleBatch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The applicants whose packets exercise every form at least once (all of them when
/// `all`): indices into the batch.
fn chosen(batch: &Batch, outcomes: &[Outcome], cx: &Context<'_>, all: bool) -> Vec<usize> {
    let mut seen: Vec<String> = Vec::new();
    let mut chosen = Vec::new();
    for (i, (a, o)) in batch.applicants.iter().zip(outcomes).enumerate() {
        let docs = forms::documents(a, o, cx);
        let Some(packet) = docs.last() else { continue };
        let names: Vec<String> = packet.data["forms"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if all || names.iter().any(|n| !seen.contains(n)) {
            chosen.push(i);
            seen.extend(names);
        }
    }
    chosen
}

/// Renders the packet of each chosen applicant and, when given, the batch report;
/// returns how many documents were compiled and every distinct error, as
/// `templates/<file>:<line>:<col>: <message> (A001)`.
pub fn check(
    engine: &Engine,
    batch: &Batch,
    outcomes: &[Outcome],
    cx: &Context<'_>,
    all: bool,
    report: Option<serde_json::Value>,
) -> (usize, Vec<String>) {
    let mut jobs: Vec<(String, Job)> = chosen(batch, outcomes, cx, all)
        .into_iter()
        .filter_map(|i| {
            let a = &batch.applicants[i];
            let mut packet = forms::documents(a, &outcomes[i], cx).pop()?;
            engine.make_printable(&mut packet.data);
            let data = serde_json::to_vec(&packet.data).ok()?;
            let ident = format!("{}/packet", a.applicant_id);
            Some((a.applicant_id.clone(), Job { data, ident }))
        })
        .collect();
    if let Some(mut data) = report {
        engine.make_printable(&mut data);
        let data = serde_json::to_vec(&data).unwrap_or_default();
        let ident = "report".to_string();
        jobs.push(("report".into(), Job { data, ident }));
    }
    let work = || {
        let mut errors: Vec<String> = Vec::new();
        for (who, job) in &jobs {
            // Rendered to the end: a PDF/A export error is a template error too.
            if let Err(e) = crate::render::render_one(engine, job) {
                for m in e.messages {
                    if !errors.iter().any(|x| x.starts_with(&m)) {
                        errors.push(format!("{m} ({who})"));
                    }
                }
            }
        }
        errors
    };
    // Typst wants a deep stack, as on the rendering threads.
    let errors = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, work)
            .ok()
            .and_then(|h| h.join().ok())
    })
    .unwrap_or_else(|| vec!["the template check could not run".to_string()]);
    (jobs.len(), errors)
}
