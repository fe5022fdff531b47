//! Application packets: for each applicant who is ready (every applicant with
//! `--drafts`), the forms that apply to them, one merged `packet.pdf` and the
//! application's editable copy `application.docx` (see [`crate::render::docx`]), rendered
//! on worker threads and written atomically into `OUT/<applicant_id>/`. Applicants whose
//! inputs are unchanged since the last run (see [`crate::manifest`]) are skipped; files of
//! applicants no longer rendered are removed. A document that fails is reported and the
//! batch goes on.
//!
//! Memory stays flat: a document's data is built by the worker that renders it, one
//! applicant at a time, and dropped once the PDF is written.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::error::Error;
use crate::findings::{RowError, Source, Text};
use crate::manifest::{Entry, Manifest};
use crate::model::Batch;
use crate::outdir::OutDir;
use crate::render::forms::{self, Context};
use crate::render::{self, Engine, Job, Templates};
use crate::report::Status;
use crate::rules::Outcome;
use crate::schema::Schemas;

/// What rendering produced: files per applicant (relative to OUT) and problems.
#[derive(Debug, Default)]
pub struct Rendered {
    pub outputs: Vec<Vec<String>>,
    /// Documents that failed (`render.failed`).
    pub errors: Vec<RowError>,
    /// Characters the fonts cannot print, shown as `?` (`render.unprintable`).
    pub warnings: Vec<RowError>,
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

/// One applicant to render.
struct Planned {
    index: usize,
    hash: String,
    files: Vec<String>,
}

/// What rendering one applicant gave: per document, its file and the result.
struct Done {
    written: Vec<String>,
    errors: Vec<RowError>,
    lost: BTreeSet<char>,
}

/// The document whose data `application.docx`, the application's editable copy, is
/// written from, beside it.
const DOCX_FROM: &str = "application.pdf";
const DOCX: &str = "application.docx";

/// The documents of an applicant as `(file relative to OUT, JSON data)`; the Word copy of
/// the application follows its PDF, with no data of its own (it is made from the PDF's).
fn documents(a: &crate::model::Applicant, o: &Outcome, cx: &Context<'_>) -> Vec<(String, Vec<u8>)> {
    let mut docs = Vec::new();
    for d in forms::documents(a, o, cx) {
        let file = format!("{}/{}", a.applicant_id, d.file);
        docs.push((file, serde_json::to_vec(&d.data).unwrap_or_default()));
        if d.file == DOCX_FROM {
            docs.push((format!("{}/{DOCX}", a.applicant_id), Vec::new()));
        }
    }
    docs
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
    // Temporary files of a killed run go, wherever a run may have written: a run writes
    // the manifest, its files as pending, before any document.
    out.sweep("");
    for dir in old.folders() {
        out.sweep(dir);
    }
    let mut rendered = Rendered {
        outputs: vec![Vec::new(); batch.applicants.len()],
        ..Rendered::default()
    };

    // Which applicants need rendering: the data is hashed here and built again by the
    // worker, so that it is never all in memory at once.
    let mut planned: Vec<Planned> = Vec::new();
    for (i, (a, o)) in batch.applicants.iter().zip(outcomes).enumerate() {
        let status = Status::of_all([a.findings.as_slice(), o.findings.as_slice()]);
        if status != Status::Ready && !opts.drafts {
            continue;
        }
        let docs = documents(a, o, &cx);
        let mut parts: Vec<&[u8]> = inputs.to_vec();
        for (file, data) in &docs {
            parts.push(file.as_bytes());
            parts.push(data);
        }
        let hash = crate::digest::of(&parts);
        let files: Vec<String> = docs.into_iter().map(|(f, _)| f).collect();
        if !opts.force && old.is_current(out, &a.applicant_id, &hash) {
            rendered.outputs[i] = files;
            rendered.unchanged += 1;
            continue;
        }
        planned.push(Planned {
            index: i,
            hash,
            files,
        });
    }

    // Before a document is written, the manifest stops vouching for the applicants about
    // to be rendered and lists their files as pending: a run killed half-way leaves
    // nothing that a later run would trust, or fail to clean up.
    let mut before = old.clone();
    for p in &planned {
        before
            .applicants
            .remove(&batch.applicants[p.index].applicant_id);
        before.pending.extend(p.files.iter().cloned());
    }
    before.pending.sort();
    before.pending.dedup();
    if !planned.is_empty() {
        before.write(out)?;
    }

    let total: usize = planned.iter().map(|p| p.files.len()).sum();
    let bar = if opts.progress && total > 0 {
        let bar = ProgressBar::new(total as u64);
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
    let results: Mutex<Vec<(usize, Done)>> = Mutex::new(Vec::new());
    render::parallel(opts.threads, planned.len(), &|p| {
        let i = planned[p].index;
        let (a, o) = (&batch.applicants[i], &outcomes[i]);
        let mut done = Done {
            written: Vec::new(),
            errors: Vec::new(),
            lost: BTreeSet::new(),
        };
        for d in forms::documents(a, o, &cx) {
            let file = format!("{}/{}", a.applicant_id, d.file);
            let mut data = d.data;
            // The application's Word copy, from the same data (before `make_printable`:
            // Word's fonts print what the PDF's lack).
            let docx = (d.file == DOCX_FROM).then(|| {
                let file = format!("{}/{DOCX}", a.applicant_id);
                let bytes = render::docx::application(&data);
                (file, bytes)
            });
            done.lost.extend(engine.make_printable(&mut data));
            let job = Job {
                data: serde_json::to_vec(&data).unwrap_or_default(),
                ident: file.trim_end_matches(".pdf").to_string(),
            };
            let result = render::render_one(engine, &job)
                .map_err(|e| e.to_string())
                .and_then(|pdf| out.write_unsynced(&file, &pdf).map_err(|e| e.to_string()));
            let pdf_written = result.is_ok();
            match result {
                Ok(_) => done.written.push(file),
                Err(e) => {
                    // Never leave an older version under the name of a failed document.
                    let _ = out.remove(&file);
                    done.errors.push(failed(&file, &e));
                }
            }
            bar.inc(1);
            if let Some((file, bytes)) = docx {
                if pdf_written {
                    let written = bytes
                        .and_then(|b| out.write_unsynced(&file, &b).map_err(|e| e.to_string()));
                    match written {
                        Ok(_) => done.written.push(file),
                        Err(e) => {
                            let _ = out.remove(&file);
                            done.errors.push(failed(&file, &e));
                        }
                    }
                } else {
                    // Only beside its PDF: a failed application leaves no Word copy either.
                    let _ = out.remove(&file);
                }
                bar.inc(1);
            }
        }
        if let Ok(mut r) = results.lock() {
            r.push((p, done));
        }
    });
    bar.finish_and_clear();

    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(p, _)| *p);
    let mut new = old.clone();
    new.pending.clear();
    for (p, done) in results {
        let plan = &planned[p];
        let id = &batch.applicants[plan.index].applicant_id;
        rendered.rendered += done.written.len();
        if !done.lost.is_empty() {
            rendered.warnings.push(unprintable(id, &done.lost));
        }
        if done.errors.is_empty() {
            new.applicants.insert(
                id.clone(),
                Entry {
                    hash: plan.hash.clone(),
                    files: plan.files.clone(),
                },
            );
        } else {
            new.applicants.remove(id);
        }
        rendered.outputs[plan.index] = done.written;
        rendered.errors.extend(done.errors);
    }

    // Applicants no longer rendered leave the manifest; every file a former run may have
    // written and no applicant has now is removed — never any other file.
    let current: HashSet<&String> = rendered.outputs.iter().flatten().collect();
    let rendered_ids: HashSet<&str> = rendered
        .outputs
        .iter()
        .zip(&batch.applicants)
        .filter(|(files, _)| !files.is_empty())
        .map(|(_, a)| a.applicant_id.as_str())
        .collect();
    new.applicants
        .retain(|id, _| rendered_ids.contains(id.as_str()));
    let stale: BTreeSet<&String> = old
        .applicants
        .values()
        .flat_map(|e| &e.files)
        .chain(&old.pending)
        .filter(|f| !current.contains(f))
        .collect();
    for file in stale {
        out.remove(file)?;
    }
    // The manifest vouches for the documents only once they are on disk.
    out.sync()?;
    new.write(out)?;
    Ok(rendered)
}

/// The error for document `file` (relative to OUT) that could not be produced.
pub fn failed(file: &str, e: &str) -> RowError {
    RowError {
        rule: "render.failed",
        source: Source::Path(file.to_string()),
        message: Text::new(
            format!("документ не создан: {e}"),
            format!("document not produced: {e}"),
        ),
    }
}

/// The warning for characters the forms of applicant `id` show as `?`.
pub fn unprintable(id: &str, lost: &BTreeSet<char>) -> RowError {
    let list: Vec<String> = lost
        .iter()
        .take(10)
        .map(|c| format!("«{}» (U+{:04X})", c.escape_debug(), *c as u32))
        .collect();
    let list = list.join(", ");
    RowError {
        rule: "render.unprintable",
        source: Source::Path(format!("{id}/")),
        message: Text::new(
            format!(
                "в документах заменены на «?» знаки, которых нет в шрифтах форм: {list}; исправьте данные (казахская ә — U+04D9, не латинская ə)"
            ),
            format!(
                "characters the forms' fonts lack are shown as «?»: {list}; correct the data (Kazakh ә is U+04D9, not the Latin ə)"
            ),
        ),
    }
}
