//! Application packets: for each applicant who is ready (every applicant with
//! `--drafts`), the forms that apply to them, one merged `packet.pdf` and the
//! application's editable copy `application.docx` (see [`crate::render::docx`]), rendered
//! on worker threads and written atomically into `OUT/<applicant_id>/`. Applicants whose
//! inputs are unchanged since the last run (see [`crate::manifest`]) are skipped; files of
//! applicants no longer rendered are removed. A document that fails is reported and the
//! batch goes on.
//!
//! [`Packets`] is the sink of `run` in the one path (`pipeline`): each window's packets
//! are rendered as the window completes. Memory stays flat: a document's data is built
//! by the worker that renders it, one applicant at a time, and dropped once the PDF is
//! written; what is kept across windows is the manifest, held once (see
//! [`crate::manifest`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::error::Error;
use crate::findings::{Arg, Message, RowError, Source};
use crate::manifest::{Entry, Journal, Manifest, Written};
use crate::model::Applicant;
use crate::outdir::OutDir;
use crate::pipeline::{Sink, Window};
use crate::render::forms::{self, Context};
use crate::render::{self, Engine, Job, Templates};
use crate::report::Status;
use crate::rules::Outcome;
use crate::schema::Schemas;
use crate::values::is_valid_id;

/// What rendering produced besides the files of each applicant (which go to their
/// entries as each window completes): problems and counts.
#[derive(Debug, Default)]
pub struct Rendered {
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
    /// How to reach the NGO (`--contact`), on the letters to families.
    pub contact: &'a str,
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
    /// Each file written, with its length and digest.
    records: Vec<Written>,
    errors: Vec<RowError>,
    lost: BTreeSet<char>,
}

/// The document whose data `application.docx`, the application's editable copy, is
/// written from, beside it.
const DOCX_FROM: &str = "application.pdf";
const DOCX: &str = "application.docx";

/// The documents of an applicant as `(file relative to OUT, JSON data)`; the Word copy of
/// the application follows its PDF, with no data of its own (it is made from the PDF's).
fn documents(
    a: &crate::model::Applicant,
    o: &Outcome,
    status: Status,
    cx: &Context<'_>,
) -> Vec<(String, Vec<u8>)> {
    let mut docs = Vec::new();
    for d in forms::documents(a, o, status, cx) {
        let file = format!("{}/{}", a.applicant_id, d.file);
        docs.push((file, serde_json::to_vec(&d.data).unwrap_or_default()));
        if d.file == DOCX_FROM {
            docs.push((format!("{}/{DOCX}", a.applicant_id), Vec::new()));
        }
    }
    docs
}

/// The packet renderer, the sink of `run`: each window's packets are rendered as the
/// window completes, so the batch is never held typed as a whole.
pub struct Packets<'a> {
    engine: &'a Engine,
    out: &'a OutDir,
    opts: &'a Options<'a>,
    cx: Context<'a>,
    /// resettle's version, the templates' and the schemas' digests: in every hash.
    inputs: [Vec<u8>; 3],
    /// The manifest of the last run (with what an unfinished run's journal says), each
    /// applicant of this run taking the place of its former entry as it comes.
    manifest: Manifest,
    /// What the tool recorded writing and the manifest no longer lists (an unfinished
    /// run's journal), by applicant; an applicant's go as it comes.
    recorded: HashMap<String, Vec<Written>>,
    /// Files as recorded that their applicant no longer has: removed at the end.
    stale: Vec<Written>,
    journal: Journal,
    bar: ProgressBar,
    done: Rendered,
}

impl<'a> Packets<'a> {
    /// Starts a rendering run into `out`: reads the last run's manifest and sweeps the
    /// temporary files a killed run left.
    pub fn begin(
        engine: &'a Engine,
        schemas: &'a Schemas,
        out: &'a OutDir,
        opts: &'a Options<'a>,
    ) -> Result<Packets<'a>, Error> {
        for file in [crate::manifest::FILE, crate::manifest::JOURNAL] {
            let path = out.path(file)?;
            // Anything else there (a named pipe, a link) is not read and is replaced.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                return Err(Error::Usage(format!(
                    "{}: a folder, where resettle keeps its record of the documents it wrote: move it away and run again",
                    path.display()
                )));
            }
        }
        let mut manifest = Manifest::read(out);
        let mut recorded: HashMap<String, Vec<Written>> = HashMap::new();
        for w in Journal::replay(out, &mut manifest) {
            // A file outside an applicant's folder is never an output: never removed.
            if let Some((id, _)) = w.file.split_once('/') {
                recorded.entry(id.to_string()).or_default().push(w);
            }
        }
        let journal = Journal::open(out)?;
        // Temporary files of a killed run go, wherever a run may have written: a run
        // records an applicant's files as pending before any of them.
        out.sweep("");
        for dir in manifest.folders() {
            out.sweep(dir);
        }
        let bar = if opts.progress {
            let bar = ProgressBar::new(0);
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
        Ok(Packets {
            engine,
            out,
            opts,
            cx: Context {
                schemas,
                as_of: opts.as_of,
                org: opts.org,
                contact: opts.contact,
                drafts: opts.drafts,
            },
            inputs: [
                env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
                opts.templates.digest().to_le_bytes().to_vec(),
                schemas.digest.to_le_bytes().to_vec(),
            ],
            manifest,
            recorded,
            stale: Vec::new(),
            journal,
            bar,
            done: Rendered::default(),
        })
    }

    /// Ends the run: applicants no longer rendered leave the manifest, and every file a
    /// former run wrote and no applicant has now is removed — only when its name is an
    /// output's and its bytes are those recorded (in the manifest or the journal) as
    /// written: never any other file, whatever the manifest says. Returns what was
    /// rendered.
    pub fn finish(mut self) -> Result<Rendered, Error> {
        self.bar.finish_and_clear();
        let mut stale: BTreeMap<String, Vec<Written>> = BTreeMap::new();
        let mut set_aside = |w: Written| stale.entry(w.file.clone()).or_default().push(w);
        std::mem::take(&mut self.stale)
            .into_iter()
            .for_each(&mut set_aside);
        // The applicants not in this run, and what the tool recorded writing for them.
        let gone = std::mem::take(&mut self.manifest.applicants);
        for (id, entry) in gone {
            if entry.seen {
                self.manifest.applicants.insert(id, entry);
            } else {
                entry.files.into_iter().for_each(&mut set_aside);
            }
        }
        std::mem::take(&mut self.recorded)
            .into_values()
            .flatten()
            .for_each(&mut set_aside);
        for (file, records) in &stale {
            let ours = is_output_name(file)
                && records.iter().any(|w| w.is_intact(self.out))
                && is_own(self.out, file);
            if !ours {
                continue;
            }
            // A file that cannot be removed (a read-only folder) is that document's
            // failure; the batch goes on.
            if let Err(e) = self.out.remove(file) {
                let e = format!(
                    "an older version could not be removed: {}",
                    e.without_path()
                );
                self.done.errors.push(failed(file, &e));
            }
        }
        // The manifest vouches for the documents only once they are on disk; then the
        // journal has nothing left to prove.
        self.out.sync()?;
        self.manifest.pending.clear();
        self.manifest.write(self.out)?;
        self.journal.close(self.out)?;
        Ok(self.done)
    }
}

/// The names of an applicant's outputs in its folder, besides `consent-<member_id>.pdf`.
const OUTPUT_NAMES: &[&str] = &[
    "application.pdf",
    DOCX,
    "inventory.pdf",
    "lifting-stage1.pdf",
    "lifting-stage2.pdf",
    "compensation.pdf",
    "monthly-benefit.pdf",
    "packet.pdf",
    "letter.pdf",
];

/// Whether the file `rel` of OUT is one resettle renders: a PDF typeset by Typst with
/// resettle's fonts, or a .docx with resettle's generator property. A manifest (data
/// from disk) planted with the true digest of a caseworker's own file under an output's
/// name still cannot make a run remove it.
fn is_own(out: &OutDir, rel: &str) -> bool {
    out.read(rel).is_some_and(|bytes| {
        if rel.ends_with(".docx") {
            crate::render::docx::is_own(&bytes)
        } else {
            crate::documents::is_own_pdf(&bytes)
        }
    })
}

/// Whether `rel` (relative to OUT) is named as the tool names an output:
/// `<applicant_id>/<form file>`. Nothing else is ever removed from OUT by a run.
pub fn is_output_name(rel: &str) -> bool {
    let Some((id, name)) = rel.split_once('/') else {
        return false;
    };
    let consent = name
        .strip_prefix("consent-")
        .and_then(|m| m.strip_suffix(".pdf"))
        .is_some_and(is_valid_id);
    is_valid_id(id) && (consent || OUTPUT_NAMES.contains(&name))
}

impl Sink for Packets<'_> {
    fn letters(&self) -> bool {
        true
    }

    fn window(&mut self, w: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
        let mut outputs = vec![Vec::new(); w.applicants.len()];
        // Which applicants need rendering: the data is hashed here and built again by
        // the worker, so that it is never all in memory at once.
        let mut planned: Vec<Planned> = Vec::new();
        for (i, (a, o)) in w.applicants.iter().zip(w.outcomes).enumerate() {
            let status = w.statuses[i];
            // The forms of the ready, the letters of the others, their drafts on request.
            let docs = documents(a, o, status, &self.cx);
            if docs.is_empty() {
                continue;
            }
            let mut parts: Vec<&[u8]> = self.inputs.iter().map(Vec::as_slice).collect();
            for (file, data) in &docs {
                parts.push(file.as_bytes());
                parts.push(data);
            }
            let hash = crate::digest::of(&parts);
            let files: Vec<String> = docs.into_iter().map(|(f, _)| f).collect();
            self.set_aside(&a.applicant_id, &files);
            let id = &a.applicant_id;
            if !self.opts.force && self.manifest.is_current(self.out, id, &hash) {
                if let Some(e) = self.manifest.applicants.get_mut(id) {
                    e.seen = true;
                }
                outputs[i] = files;
                self.done.unchanged += 1;
                continue;
            }
            planned.push(Planned {
                index: i,
                hash,
                files,
            });
        }
        if planned.is_empty() {
            return Ok(outputs);
        }

        // Before a document is written, the journal records the applicants about to be
        // rendered and their files as pending: from then on the manifest does not vouch
        // for them, so a run killed half-way leaves nothing that a later run would
        // trust, or fail to clean up.
        let pending: Vec<(&str, &[String])> = planned
            .iter()
            .map(|p| (w.applicants[p.index].applicant_id.as_str(), &p.files[..]))
            .collect();
        let journal = self.out.root().join(crate::manifest::JOURNAL);
        self.journal
            .pending(&pending)
            .map_err(|e| Error::io(journal, e))?;
        for (id, _) in pending {
            self.manifest.applicants.remove(id);
        }

        let total: usize = planned.iter().map(|p| p.files.len()).sum();
        self.bar.inc_length(total as u64);
        let results: Mutex<Vec<(usize, Done)>> = Mutex::new(Vec::new());
        render::parallel(self.opts.threads, planned.len(), &|p| {
            let i = planned[p].index;
            let a = &w.applicants[i];
            let done = self.render_applicant(a, &w.outcomes[i], w.statuses[i]);
            if done.errors.is_empty() && !done.records.is_empty() {
                // Unrecorded, the applicant is only rendered again after a kill.
                let hash = &planned[p].hash;
                let _ = self.journal.done(&a.applicant_id, hash, &done.records);
            }
            if let Ok(mut r) = results.lock() {
                r.push((p, done));
            }
        });

        let mut results = results.into_inner().unwrap_or_default();
        results.sort_by_key(|(p, _)| *p);
        for (p, done) in results {
            let plan = &planned[p];
            let id = &w.applicants[plan.index].applicant_id;
            self.done.rendered += done.written.len();
            if !done.lost.is_empty() {
                self.done.warnings.push(unprintable(id, &done.lost));
            }
            // An applicant with a failed document is rendered again next time (no hash
            // matches an empty one), and what was written for it stays on record.
            let hash = if done.errors.is_empty() {
                plan.hash.clone()
            } else {
                String::new()
            };
            if !done.records.is_empty() {
                let files = done.records;
                let seen = true;
                let entry = Entry { hash, files, seen };
                self.manifest.applicants.insert(id.clone(), entry);
            }
            outputs[plan.index] = done.written;
            self.done.errors.extend(done.errors);
        }
        Ok(outputs)
    }
}

impl Packets<'_> {
    /// Sets aside the files the tool recorded writing for applicant `id` (in the
    /// manifest and an unfinished run's journal) that are not among its `files` now.
    fn set_aside(&mut self, id: &str, files: &[String]) {
        let listed = self.manifest.applicants.get(id).map(|e| &e.files[..]);
        let journal = self.recorded.remove(id).unwrap_or_default();
        let records = listed.unwrap_or_default().iter().cloned().chain(journal);
        let gone = records.filter(|w| !files.contains(&w.file));
        self.stale.extend(gone);
    }

    /// Writes `bytes` as `file` (atomically, flushed at the end of the run) and records
    /// it in the journal once it is in place.
    fn write(&self, file: &str, bytes: &[u8]) -> Result<Written, String> {
        self.out
            .write_unsynced(file, bytes)
            .map_err(|e| e.without_path())?;
        let w = Written::of(file, bytes);
        // Unrecorded, the file is only never removed by a later run: not a failure.
        let _ = self.journal.record(&w);
        Ok(w)
    }

    /// Renders and writes the documents of applicant `a`. The packet is laid out once:
    /// the forms that are its pages are written from them (see [`render::split`]); the
    /// others (the letter, a form whose pages cannot be told) are rendered alone.
    fn render_applicant(&self, a: &Applicant, o: &Outcome, status: Status) -> Done {
        let (engine, out, bar) = (self.engine, self.out, &self.bar);
        let mut done = Done {
            written: Vec::new(),
            records: Vec::new(),
            errors: Vec::new(),
            lost: BTreeSet::new(),
        };
        let mut todo: Vec<Todo> = Vec::new();
        for d in forms::documents(a, o, status, &self.cx) {
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
            let title = data["title"].as_str().map(str::to_string);
            let job = Job {
                data: serde_json::to_vec(&data).unwrap_or_default(),
                ident: file.trim_end_matches(".pdf").to_string(),
            };
            todo.push(Todo {
                file,
                job,
                title,
                part: d.part,
                docx,
                pdf: None,
            });
        }
        split_packet(engine, &mut todo);
        for t in todo {
            let file = t.file;
            let pdf = match t.pdf {
                Some(pdf) => pdf,
                None => render::render_one(engine, &t.job).map_err(|e| e.to_string()),
            };
            let result = pdf.and_then(|pdf| self.write(&file, &pdf));
            let pdf_written = result.is_ok();
            match result {
                Ok(w) => {
                    done.written.push(file);
                    done.records.push(w);
                }
                Err(e) => {
                    // Never leave an older version under the name of a failed document.
                    let _ = out.remove(&file);
                    done.errors.push(failed(&file, &e));
                }
            }
            bar.inc(1);
            if let Some((file, bytes)) = t.docx {
                if pdf_written {
                    let written = bytes.and_then(|b| self.write(&file, &b));
                    match written {
                        Ok(w) => {
                            done.written.push(file);
                            done.records.push(w);
                        }
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
        done
    }
}

/// A document of an applicant to write: its job, and its PDF once made.
struct Todo {
    file: String,
    job: Job,
    title: Option<String>,
    /// Its marker in the packet, when its pages are the packet's.
    part: Option<String>,
    /// The Word copy beside it: file and bytes.
    docx: Option<(String, Result<Vec<u8>, String>)>,
    pdf: Option<Result<Vec<u8>, String>>,
}

/// Lays out the packet among `todo`, if there is one, and gives it and every document
/// that is its pages their PDFs; the others are left to be rendered alone.
fn split_packet(engine: &Engine, todo: &mut [Todo]) {
    let Some(p) = todo.iter().position(|t| t.file.ends_with("/packet.pdf")) else {
        return;
    };
    let parts: Vec<(usize, render::split::Part<'_>)> = todo
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let part = render::split::Part {
                mark: t.part.as_deref()?,
                ident: &t.job.ident,
                title: t.title.as_deref(),
            };
            Some((i, part))
        })
        .collect();
    let (indices, parts): (Vec<usize>, Vec<_>) = parts.into_iter().unzip();
    let split = render::split::render_split(engine, &todo[p].job, &parts);
    todo[p].pdf = Some(split.whole.map_err(|e| e.to_string()));
    for (i, pdf) in indices.into_iter().zip(split.parts) {
        todo[i].pdf = pdf.map(Ok);
    }
}

/// The error for document `file` (relative to OUT) that could not be produced.
pub fn failed(file: &str, e: &str) -> RowError {
    RowError {
        rule: "render.failed",
        source: Source::Path(file.to_string()),
        message: Message::new(
            crate::findings::words!("документ не создан: {0}", "document not produced: {0}"),
            [Arg::plain(e)],
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
        message: Message::new(
            crate::findings::words!(
                "в документах заменены на «?» знаки, которых нет в шрифтах форм: {0}; исправьте данные (казахская ә — U+04D9, не латинская ə)",
                "characters the forms' fonts lack are shown as «?»: {0}; correct the data (Kazakh ә is U+04D9, not the Latin ə)",
            ),
            [Arg::value(list)],
        ),
    }
}
