//! Application packets: for each applicant who is ready (every applicant with
//! `--drafts`), the forms that apply to them and one merged `packet.pdf`, rendered on
//! worker threads and written atomically into `OUT/<applicant_id>/`. Applicants whose
//! inputs are unchanged since the last run (see [`crate::manifest`]) are skipped; files of
//! applicants no longer rendered are removed. A document that fails is reported and the
//! batch goes on.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::error::Error;
use crate::findings::{RowError, Source, Text};
use crate::manifest::{self, Entry, Manifest};
use crate::model::Batch;
use crate::outdir::OutDir;
use crate::render::forms::{self, Context};
use crate::render::{self, Engine, Job, Templates};
use crate::report::Status;
use crate::rules::Outcome;
use crate::schema::Schemas;

/// What rendering produced: files per applicant (relative to OUT) and failures.
#[derive(Debug, Default)]
pub struct Rendered {
    pub outputs: Vec<Vec<String>>,
    pub errors: Vec<RowError>,
    /// Documents rendered by this run.
    pub rendered: usize,
    /// Applicants skipped because their documents were current.
    pub unchanged: usize,
}

/// Options of a rendering run.
pub struct Options<'a> {
    pub as_of: Date,
    /// The NGO's name, shown on the forms and in the PDFs' metadata.
    pub org: &'a str,
    pub threads: usize,
    /// Render applicants who are not ready too, marked as drafts.
    pub drafts: bool,
    /// Render everything, whatever the manifest says.
    pub force: bool,
    pub templates: &'a Templates,
    /// Show a progress bar (drawn only on a terminal).
    pub progress: bool,
}

/// One applicant's planned documents.
struct Planned {
    index: usize,
    id: String,
    hash: String,
    files: Vec<String>,
}

/// Renders the packets of `batch` into `out`. Fails only when OUT cannot be written.
pub fn render(
    engine: &Engine,
    batch: &Batch,
    outcomes: &[Outcome],
    schemas: &Schemas,
    out: &OutDir,
    opts: &Options<'_>,
) -> Result<Rendered, Error> {
    let cx = Context {
        schemas,
        as_of: opts.as_of,
        org: opts.org,
    };
    let inputs = [
        env!("CARGO_PKG_VERSION").as_bytes(),
        &opts.templates.digest().to_le_bytes(),
        &schemas.digest.to_le_bytes(),
    ];
    let old = Manifest::read(out);
    out.sweep("");
    let mut rendered = Rendered {
        outputs: vec![Vec::new(); batch.applicants.len()],
        ..Rendered::default()
    };

    let mut planned: Vec<Planned> = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    // Which applicant (index into `planned`) and file each job writes.
    let mut targets: Vec<(usize, String)> = Vec::new();
    for (i, (a, o)) in batch.applicants.iter().zip(outcomes).enumerate() {
        let status = Status::of_all([a.findings.as_slice(), o.findings.as_slice()]);
        if status != Status::Ready && !opts.drafts {
            continue;
        }
        let docs: Vec<(String, Vec<u8>)> = forms::documents(a, o, &cx)
            .into_iter()
            .map(|d| {
                let file = format!("{}/{}", a.applicant_id, d.file);
                (file, serde_json::to_vec(&d.data).unwrap_or_default())
            })
            .collect();
        let mut parts: Vec<&[u8]> = inputs.to_vec();
        for (file, data) in &docs {
            parts.push(file.as_bytes());
            parts.push(data);
        }
        let hash = manifest::digest(&parts);
        // Temporary files of a run that was killed go, whether or not we render.
        out.sweep(&a.applicant_id);
        let files: Vec<String> = docs.iter().map(|(f, _)| f.clone()).collect();
        if !opts.force && old.is_current(out, &a.applicant_id, &hash) {
            rendered.outputs[i] = files;
            rendered.unchanged += 1;
            continue;
        }
        let p = planned.len();
        for (file, data) in docs {
            let ident = file.trim_end_matches(".pdf").to_string();
            targets.push((p, file));
            jobs.push(Job { data, ident });
        }
        planned.push(Planned {
            index: i,
            id: a.applicant_id.clone(),
            hash,
            files,
        });
    }

    let bar = if opts.progress && !jobs.is_empty() {
        let bar = ProgressBar::new(jobs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:>10} [{bar:30}] {pos}/{len} documents, {eta} left",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("rendering");
        bar
    } else {
        ProgressBar::hidden()
    };
    let results: Mutex<Vec<(usize, Result<(), String>)>> = Mutex::new(Vec::new());
    render::render_all(engine, &jobs, opts.threads, &|k, result| {
        let (_, file) = &targets[k];
        let written = match result {
            Ok(pdf) => out.write(file, &pdf).map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        bar.inc(1);
        if let Ok(mut r) = results.lock() {
            r.push((k, written));
        }
    });
    bar.finish_and_clear();

    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(k, _)| *k);
    let mut failed = vec![false; planned.len()];
    for (k, result) in results {
        let (p, file) = &targets[k];
        match result {
            Ok(()) => {
                rendered.rendered += 1;
                rendered.outputs[planned[*p].index].push(file.clone());
            }
            Err(e) => {
                failed[*p] = true;
                // Never leave an older version under the name of a document that failed.
                let _ = out.remove(file);
                rendered.errors.push(RowError {
                    rule: "render.failed",
                    source: Source::Path(file.clone()),
                    message: Text::new(
                        format!("документ не создан: {e}"),
                        format!("document not produced: {e}"),
                    ),
                });
            }
        }
    }

    // The new manifest: unchanged applicants as they were, rendered ones that fully
    // succeeded; files of the old one that no applicant has any more are removed.
    let mut new = Manifest::default();
    for (i, files) in rendered.outputs.iter().enumerate() {
        let id = &batch.applicants[i].applicant_id;
        if let Some(e) = old.applicants.get(id)
            && !files.is_empty()
            && !planned.iter().any(|p| p.index == i)
        {
            new.applicants.insert(id.clone(), e.clone());
        }
    }
    for (p, failed) in planned.into_iter().zip(failed) {
        if !failed {
            let entry = Entry {
                hash: p.hash,
                files: p.files,
            };
            new.applicants.insert(p.id, entry);
        }
    }
    let current: std::collections::HashSet<&String> = rendered.outputs.iter().flatten().collect();
    for file in old.applicants.values().flat_map(|e| &e.files) {
        if !current.contains(file) {
            out.remove(file)?;
        }
    }
    new.write(out)?;
    Ok(rendered)
}
