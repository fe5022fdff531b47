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

/// The packet of each applicant whose packet uses a form no earlier one did (of every
/// applicant when `all`), as `(applicant id, job)`.
pub fn packets(
    engine: &Engine,
    batch: &Batch,
    outcomes: &[Outcome],
    cx: &Context<'_>,
    all: bool,
) -> Vec<(String, Job)> {
    let mut seen: Vec<String> = Vec::new();
    let mut jobs = Vec::new();
    for (a, o) in batch.applicants.iter().zip(outcomes) {
        let Some(mut packet) = forms::documents(a, o, cx).pop() else {
            continue;
        };
        let names: Vec<String> = packet.data["forms"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !all && names.iter().all(|n| seen.contains(n)) {
            continue;
        }
        seen.extend(names);
        engine.make_printable(&mut packet.data);
        let data = serde_json::to_vec(&packet.data).unwrap_or_default();
        let ident = format!("{}/packet", a.applicant_id);
        jobs.push((a.applicant_id.clone(), Job { data, ident }));
    }
    jobs
}

/// The batch report's job, from its data (`forms::report_data`).
pub fn report(engine: &Engine, mut data: serde_json::Value) -> (String, Job) {
    engine.make_printable(&mut data);
    let data = serde_json::to_vec(&data).unwrap_or_default();
    let ident = "report".to_string();
    ("report".into(), Job { data, ident })
}

/// Renders every job to the end (a PDF/A export error is a template error too) and
/// returns each distinct error once, as `templates/<file>:<line>:<col>: <message> (A001)`:
/// an error in a template every document imports is listed once.
pub fn check(engine: &Engine, jobs: &[(String, Job)]) -> Vec<String> {
    let work = || {
        let mut errors: Vec<String> = Vec::new();
        for (who, job) in jobs {
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
    crate::render::on_deep_stack(work)
        .unwrap_or_else(|| vec!["the template check could not run".to_string()])
}
