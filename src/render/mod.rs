//! PDF rendering with Typst: one [`Engine`] per run (standard library, the vendored PT
//! fonts, the parsed templates, a fixed "today"), and a small per-document world that
//! serves only fixed virtual paths — the templates and `/data.json`. Templates read the
//! applicant's data with `json("/data.json")`, so no value is ever parsed as Typst code.
//! PDFs are PDF/A-2b with a fixed timestamp: the same input gives the same bytes.

pub mod check;
pub mod docx;
pub mod forms;
pub mod split;
pub mod words;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::error::Error;

/// The largest template or font file read from `--templates DIR` (the vendored fonts
/// are under 1 MB each).
const MAX_TEMPLATE_FILE_BYTES: u64 = 64 << 20;

/// The templates built into the binary: `templates/` is their source.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("main.typ", include_str!("../../templates/main.typ")),
    ("common.typ", include_str!("../../templates/common.typ")),
    (
        "application.typ",
        include_str!("../../templates/application.typ"),
    ),
    (
        "inventory.typ",
        include_str!("../../templates/inventory.typ"),
    ),
    ("lifting.typ", include_str!("../../templates/lifting.typ")),
    (
        "compensation.typ",
        include_str!("../../templates/compensation.typ"),
    ),
    ("monthly.typ", include_str!("../../templates/monthly.typ")),
    ("consent.typ", include_str!("../../templates/consent.typ")),
    ("cover.typ", include_str!("../../templates/cover.typ")),
    ("letter.typ", include_str!("../../templates/letter.typ")),
    ("report.typ", include_str!("../../templates/report.typ")),
];

/// The fonts built into the binary (see templates/fonts/README.md).
const FONTS: &[&[u8]] = &[
    include_bytes!("../../templates/fonts/ResettleSerif-Regular.ttf"),
    include_bytes!("../../templates/fonts/ResettleSerif-Bold.ttf"),
    include_bytes!("../../templates/fonts/ResettleSerif-Italic.ttf"),
    include_bytes!("../../templates/fonts/ResettleSans-Regular.ttf"),
    include_bytes!("../../templates/fonts/ResettleSans-Bold.ttf"),
];

/// The templates and fonts of a run: the built-in ones, or a user's folder over them.
#[derive(Debug, Clone)]
pub struct Templates {
    /// File name (`main.typ`, `forms/x.typ`) and Typst source.
    pub files: Vec<(String, String)>,
    /// Font files beyond the built-in ones (from `DIR/fonts/`).
    pub fonts: Vec<Vec<u8>>,
}

impl Templates {
    /// The built-in templates.
    pub fn embedded() -> Templates {
        Templates {
            files: TEMPLATES
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            fonts: Vec::new(),
        }
    }

    /// The built-in templates with every `.typ` file of `dir` (and its subfolders) over
    /// them, and the `.ttf`/`.otf`/`.ttc` files of `dir/fonts/` added to the fonts.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Error> {
        let mut t = Templates::embedded();
        let Some(dir) = dir else { return Ok(t) };
        if !dir.is_dir() {
            return Err(Error::input(
                dir.display().to_string(),
                "is not a folder of templates".to_string(),
            ));
        }
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry =
                entry.map_err(|e| Error::input(dir.display().to_string(), e.to_string()))?;
            let path = entry.path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(path);
            let read = |p: &Path| {
                crate::fsread::read_capped(p, MAX_TEMPLATE_FILE_BYTES)
                    .map_err(|e| Error::input(p.display().to_string(), e.to_string()))
            };
            match ext.to_ascii_lowercase().as_str() {
                "typ" => {
                    let name = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let text = String::from_utf8(read(path)?).map_err(|_| {
                        Error::input(path.display().to_string(), "is not UTF-8 text".to_string())
                    })?;
                    t.files.retain(|(n, _)| *n != name);
                    t.files.push((name, text));
                }
                "ttf" | "otf" | "ttc" if rel.starts_with("fonts") => t.fonts.push(read(path)?),
                _ => {}
            }
        }
        Ok(t)
    }

    /// A hash of every template and font, for the manifest of incremental runs.
    pub fn digest(&self) -> u128 {
        let mut d = crate::digest::Digest::new();
        for (name, text) in &self.files {
            d.part(name.as_bytes()).part(text.as_bytes());
        }
        // Counts separate the lists, so that a file can never pass for a font.
        d.part(&(self.files.len() as u64).to_le_bytes());
        for font in self
            .fonts
            .iter()
            .map(Vec::as_slice)
            .chain(FONTS.iter().copied())
        {
            d.part(font);
        }
        d.part(&(self.fonts.len() as u64).to_le_bytes());
        d.finish()
    }
}

/// A document to render: the `/data.json` the templates read (its `forms` says which).
pub struct Job {
    pub data: Vec<u8>,
    /// Stable identity of the document (for the PDF identifier), e.g. `A001/application`.
    pub ident: String,
}

/// A Typst error in a template, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.messages.join("\n"))]
pub struct RenderError {
    /// `templates/<file>:<line>:<col>: <message>` for each error.
    pub messages: Vec<String>,
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// Everything shared by all documents of a run.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The templates, `main.typ` among them.
    sources: Vec<Source>,
    main: FileId,
    data_id: FileId,
    today: Datetime,
    timestamp: Timestamp,
}

impl Engine {
    /// Builds the engine for `templates` and the as-of date.
    pub fn new(templates: &Templates, as_of: Date) -> Result<Engine, RenderError> {
        let fonts: Vec<Font> = FONTS
            .iter()
            .map(|data| Bytes::new(*data))
            .chain(templates.fonts.iter().map(|f| Bytes::new(f.clone())))
            .flat_map(Font::iter)
            .collect();
        let mut sources = Vec::new();
        for (name, text) in &templates.files {
            let id = file_id(&format!("/templates/{name}")).ok_or_else(|| RenderError {
                messages: vec![format!("templates/{name}: not a usable file name")],
            })?;
            sources.push(Source::new(id, text.clone()));
        }
        let fixed = |p: &str| file_id(p).unwrap_or_else(|| unreachable!("fixed path {p}"));
        let (y, m, d) = (
            i32::from(as_of.year()),
            as_of.month() as u8,
            as_of.day() as u8,
        );
        let today = Datetime::from_ymd(y, m, d).unwrap_or_else(|| unreachable!("a valid date"));
        let noon = Datetime::from_ymd_hms(y, m, d, 12, 0, 0).unwrap_or(today);
        Ok(Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
            main: fixed("/templates/main.typ"),
            data_id: fixed("/data.json"),
            today,
            timestamp: Timestamp::new_utc(noon),
        })
    }

    /// Whether the fonts can print `c` (line breaks and tabs count as printable).
    pub fn printable(&self, c: char) -> bool {
        matches!(c, '\n' | '\t')
            || (!c.is_control()
                && self
                    .fonts
                    .iter()
                    .any(|f| f.info().coverage.contains(c as u32)))
    }

    /// Replaces every character of `data`'s strings that no font can print with `?`
    /// (PDF/A refuses a document with a character it cannot show) and returns those
    /// characters, so that they can be reported.
    pub fn make_printable(&self, data: &mut serde_json::Value) -> std::collections::BTreeSet<char> {
        let mut lost = std::collections::BTreeSet::new();
        let mut stack = vec![data];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) if !s.chars().all(|c| self.printable(c)) => {
                    *s = s
                        .chars()
                        .map(|c| {
                            if self.printable(c) {
                                c
                            } else {
                                lost.insert(c);
                                '?'
                            }
                        })
                        .collect();
                }
                serde_json::Value::Array(a) => stack.extend(a.iter_mut()),
                serde_json::Value::Object(o) => stack.extend(o.values_mut()),
                _ => {}
            }
        }
        lost
    }

    /// Lays out one job (compiles its Typst into pages).
    pub fn layout(&self, job: &Job) -> Result<PagedDocument, RenderError> {
        let world = DocWorld {
            engine: self,
            data: Bytes::new(job.data.clone()),
        };
        typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|e| self.errors(&e))
    }

    /// Renders one job to PDF bytes.
    pub fn render(&self, job: &Job) -> Result<Vec<u8>, RenderError> {
        self.export(&self.layout(job)?, &job.ident)
    }

    /// Writes a laid-out document as PDF/A-2b, identified by `ident` (see [`Job::ident`]).
    pub fn export(&self, document: &PagedDocument, ident: &str) -> Result<Vec<u8>, RenderError> {
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            timestamp: Some(self.timestamp),
            standards: PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| RenderError {
                messages: vec![e.message().to_string()],
            })?,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|e| self.errors(&e))
    }

    /// Typst diagnostics as `templates/<file>:<line>:<col>: message`.
    fn errors(&self, diags: &[SourceDiagnostic]) -> RenderError {
        let messages = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let at = (|| {
                    let (id, range) = match d.span.get() {
                        DiagSpanKind::Number { id, num, sub_range } => {
                            let source = self.sources.iter().find(|s| s.id() == id)?;
                            (id, source.range(num, sub_range)?)
                        }
                        DiagSpanKind::Range { id, range } => (id, range),
                        DiagSpanKind::Detached => return None,
                    };
                    let source = self.sources.iter().find(|s| s.id() == id)?;
                    let lines = source.lines();
                    let line = lines.byte_to_line(range.start)? + 1;
                    let col = lines.byte_to_column(range.start)? + 1;
                    let path = id.vpath().get_without_slash().to_string();
                    Some(format!("{path}:{line}:{col}"))
                })();
                match at {
                    Some(at) => format!("{at}: {}", d.message),
                    None => d.message.to_string(),
                }
            })
            .collect();
        RenderError { messages }
    }
}

/// The world of one document: the engine's files plus this document's data.
struct DocWorld<'a> {
    engine: &'a Engine,
    data: Bytes,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.engine.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine
            .sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data_id {
            return Ok(self.data.clone());
        }
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.engine.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

/// Renders one job; now and then evicts what the next documents will not reuse, so
/// memory stays flat. A panic inside Typst becomes this document's error: the batch
/// goes on.
pub fn render_one(engine: &Engine, job: &Job) -> Result<Vec<u8>, RenderError> {
    let result = caught(|| engine.render(job));
    evict_now_and_then(1);
    result
}

/// `f`'s result, or a panic inside Typst as an error.
fn caught<T>(f: impl FnOnce() -> Result<T, RenderError>) -> Result<T, RenderError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(RenderError {
            messages: vec![format!("Typst failed unexpectedly: {what}")],
        })
    })
}

/// Evicts Typst's caches after every [`EVICT_EVERY`]th PDF of this thread (`documents`
/// is how many PDFs the last layout gave), keeping what was used since the evictions
/// before: the fixed texts of the forms stay laid out, while one applicant's values
/// leave within a few documents. An eviction walks every cache, so doing it after each
/// document cost more than it freed (BENCHMARKS.md).
fn evict_now_and_then(documents: usize) {
    use std::cell::Cell;
    thread_local!(static DOCUMENTS: Cell<usize> = const { Cell::new(0) });
    let (before, after) = DOCUMENTS.with(|c| {
        let before = c.get();
        c.set(before + documents);
        (before, before + documents)
    });
    if after / EVICT_EVERY > before / EVICT_EVERY {
        typst::comemo::evict(2);
    }
}

/// How many documents a render thread lays out between two evictions.
const EVICT_EVERY: usize = 4;

/// Runs `f` on a thread with a deep stack, as Typst needs; `None` if no such thread
/// could be started or `f` panicked.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
            .ok()
            .and_then(|h| h.join().ok())
    })
}

/// Runs `work(0..count)` on `threads` worker threads. The workers are a rayon pool of
/// their own with deep stacks (Typst needs them): Typst lays pages out with rayon, and
/// from a worker of the same pool that work runs right there instead of being handed to
/// another pool while the caller waits.
pub fn parallel(threads: usize, count: usize, work: &(dyn Fn(usize) + Sync)) {
    let next = AtomicUsize::new(0);
    let worker = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                break;
            }
            work(i);
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(64 << 20)
        .thread_name(|i| format!("render-{i}"))
        .build();
    match pool {
        Ok(pool) => {
            pool.broadcast(|_| worker());
        }
        // Could not start threads: render on this one.
        Err(_) => worker(),
    }
}

/// Renders `jobs` on `threads` worker threads (see [`parallel`]), calling `done` with
/// each result as it comes.
pub fn render_all(
    engine: &Engine,
    jobs: &[Job],
    threads: usize,
    done: &(dyn Fn(usize, Result<Vec<u8>, RenderError>) + Sync),
) {
    parallel(threads, jobs.len(), &|i| {
        done(i, render_one(engine, &jobs[i]))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Frame, FrameItem};

    fn engine_with(extra: &[(&str, &str)]) -> Engine {
        let mut templates = Templates::embedded();
        for (name, text) in extra {
            templates.files.retain(|(n, _)| n != name);
            templates.files.push((name.to_string(), text.to_string()));
        }
        Engine::new(&templates, jiff::civil::date(2026, 11, 24)).unwrap()
    }

    /// The smallest data every template's page setup reads.
    fn minimal(form: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "forms": [form], "title": "t", "footer": "A1", "org": "t", "draft": false,
            "applicant": {"id": "A1"},
        }))
        .unwrap()
    }

    /// Every laid-out glyph that is `.notdef` (id 0), with its text.
    fn notdef(frame: &Frame, out: &mut Vec<String>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => notdef(&g.frame, out),
                FrameItem::Text(t) if t.glyphs.iter().any(|g| g.id == 0) => {
                    out.push(t.text.to_string())
                }
                _ => {}
            }
        }
    }

    const ALPHABETS: &str = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя \
        ӘҒҚҢӨҰҮҺІ әғқңөұүһі № «» — ₽ 0123456789 1\u{A0}000";

    #[test]
    fn every_russian_and_kazakh_letter_has_a_real_glyph() {
        // The alphabets in every font and style the templates use.
        let probe = format!(
            "#let probe(d) = {{ for f in (\"Resettle Serif\", \"Resettle Sans\") {{ for w in (\"regular\", \"bold\") {{ text(font: f, weight: w, fallback: false)[{ALPHABETS}]; parbreak() }} }}; text(font: \"Resettle Serif\", style: \"italic\", fallback: false)[{ALPHABETS}] }}"
        );
        let e = engine_with(&[("application.typ", &probe.replace("probe", "application"))]);
        let doc = e
            .layout(&Job {
                data: minimal("application"),
                ident: "t".into(),
            })
            .unwrap();
        let mut missing = Vec::new();
        for page in doc.pages() {
            notdef(&page.frame, &mut missing);
        }
        assert!(missing.is_empty(), "no glyph for: {missing:?}");
    }

    #[test]
    fn characters_no_font_has_become_question_marks() {
        let e = engine_with(&[]);
        let mut v = serde_json::json!({"a": ["Әлихан ə", {"b": "中\u{7}\n"}], "n": 1});
        let lost = e.make_printable(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": ["Әлихан ?", {"b": "??\n"}], "n": 1})
        );
        assert_eq!(lost.into_iter().collect::<String>(), "\u{7}ə中");
    }

    #[test]
    fn a_failing_document_does_not_stop_the_next() {
        // A document that fails is an error; the caller goes on to the next.
        let e = engine_with(&[("application.typ", "#let application(d) = panic(\"boom\")\n")]);
        let job = Job {
            data: minimal("application"),
            ident: "t".into(),
        };
        assert!(render_one(&e, &job).is_err());
        assert!(render_one(&e, &job).is_err());
    }

    #[test]
    fn template_errors_name_file_line_and_column() {
        let broken =
            "#import \"/templates/common.typ\": *\n#let application(d) = {\n  d.nope.x\n}\n";
        let e = engine_with(&[("application.typ", broken)]);
        let err = e
            .render(&Job {
                data: minimal("application"),
                ident: "t".into(),
            })
            .unwrap_err();
        assert!(
            err.messages[0].starts_with("templates/application.typ:3:"),
            "{err}"
        );
    }
}
