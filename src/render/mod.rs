//! PDF rendering with Typst: one [`Engine`] per run (standard library, the vendored PT
//! fonts, the parsed templates, a fixed "today"), and a small per-document world that
//! serves only fixed virtual paths — the templates and `/data.json`. Templates read the
//! applicant's data with `json("/data.json")`, so no value is ever parsed as Typst code.
//! PDFs are PDF/A-2b with a fixed timestamp: the same input gives the same bytes.

pub mod forms;

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

/// The templates built into the binary: `templates/` is their source.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("common.typ", include_str!("../../templates/common.typ")),
    (
        "application.typ",
        include_str!("../../templates/application.typ"),
    ),
    (
        "inventory.typ",
        include_str!("../../templates/inventory.typ"),
    ),
];

/// The fonts built into the binary (see templates/fonts/README.md).
const FONTS: &[&[u8]] = &[
    include_bytes!("../../templates/fonts/PTF55F.ttf"),
    include_bytes!("../../templates/fonts/PTF75F.ttf"),
    include_bytes!("../../templates/fonts/PTF56F.ttf"),
    include_bytes!("../../templates/fonts/PTS55F.ttf"),
    include_bytes!("../../templates/fonts/PTS75F.ttf"),
];

/// The forms resettle renders, each a function of the same name in its template.
pub const FORMS: &[Form] = &[
    Form {
        name: "application",
        title: "Заявление об участии в Государственной программе",
    },
    Form {
        name: "inventory",
        title: "Опись документов",
    },
];

/// One form: its template `templates/<name>.typ` defines `#let <name>(d) = …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    pub name: &'static str,
    pub title: &'static str,
}

/// A document to render: which forms (one, or several as a packet) with which data.
pub struct Job<'a> {
    pub forms: &'a [Form],
    /// The `/data.json` the templates read.
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

fn file_id(path: &str) -> FileId {
    // The paths are fixed literals: they always parse.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("fixed path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Everything shared by all documents of a run.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Templates and the generated main file of each form and of the packet.
    sources: Vec<Source>,
    data_id: FileId,
    today: Datetime,
    timestamp: Timestamp,
}

/// The main source that renders `forms` one after another.
fn main_source(forms: &[Form]) -> String {
    let mut s = String::from("#import \"/templates/common.typ\": setup\n");
    for f in forms {
        s.push_str(&format!("#import \"/templates/{0}.typ\": {0}\n", f.name));
    }
    let title = forms.first().map_or("", |f| f.title);
    s.push_str(&format!(
        "#let d = json(\"/data.json\")\n#show: setup.with(d, \"{title}\")\n"
    ));
    for (i, f) in forms.iter().enumerate() {
        if i > 0 {
            s.push_str("#pagebreak()\n");
        }
        s.push_str(&format!("#{}(d)\n", f.name));
    }
    s
}

/// The virtual path of the main file rendering `forms`.
fn main_path(forms: &[Form]) -> String {
    let names: Vec<&str> = forms.iter().map(|f| f.name).collect();
    format!("/main/{}.typ", names.join("+"))
}

impl Engine {
    /// Builds the engine for `templates` (name → Typst source) and the as-of date.
    /// Main files are prepared for each form alone and for `packet` (all forms).
    pub fn new(templates: &[(&str, String)], as_of: Date, packet: &[Form]) -> Engine {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        let mut sources: Vec<Source> = templates
            .iter()
            .map(|(name, text)| Source::new(file_id(&format!("/templates/{name}")), text.clone()))
            .collect();
        for forms in FORMS.chunks(1).chain(std::iter::once(packet)) {
            sources.push(Source::new(file_id(&main_path(forms)), main_source(forms)));
        }
        let (y, m, d) = (
            i32::from(as_of.year()),
            as_of.month() as u8,
            as_of.day() as u8,
        );
        let today = Datetime::from_ymd(y, m, d).unwrap_or_else(|| unreachable!("a valid date"));
        let noon = Datetime::from_ymd_hms(y, m, d, 12, 0, 0).unwrap_or(today);
        Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
            data_id: file_id("/data.json"),
            today,
            timestamp: Timestamp::new_utc(noon),
        }
    }

    /// Lays out one job (compiles its Typst into pages).
    pub fn layout(&self, job: &Job<'_>) -> Result<PagedDocument, RenderError> {
        let main = file_id(&main_path(job.forms));
        let world = DocWorld {
            engine: self,
            main,
            data: Bytes::new(job.data.clone()),
        };
        typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|e| self.errors(&e))
    }

    /// Renders one job to PDF bytes.
    pub fn render(&self, job: &Job<'_>) -> Result<Vec<u8>, RenderError> {
        let document = self.layout(job)?;
        let options = PdfOptions {
            ident: Smart::Custom(job.ident.clone()),
            timestamp: Some(self.timestamp),
            standards: PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| RenderError {
                messages: vec![e.message().to_string()],
            })?,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|e| self.errors(&e))
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
    main: FileId,
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
        self.main
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

/// Renders `jobs` on `threads` plain worker threads (Typst needs deep stacks, which
/// rayon's workers lack), calling `done` with each result as it comes. Caches are evicted
/// between documents so memory stays flat.
pub fn render_all<'a>(
    engine: &Engine,
    jobs: &'a [Job<'a>],
    threads: usize,
    done: &(dyn Fn(usize, Result<Vec<u8>, RenderError>) + Sync),
) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let worker = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let result = engine.render(job);
                typst::comemo::evict(2);
                done(i, result);
            };
            let spawned = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker);
            if spawned.is_err() {
                // Could not start a thread: render on this one instead.
                worker();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Frame, FrameItem};

    fn engine_with(extra: &[(&str, &str)]) -> Engine {
        let mut templates: Vec<(&str, String)> =
            TEMPLATES.iter().map(|(n, t)| (*n, t.to_string())).collect();
        for (name, text) in extra {
            templates.retain(|(n, _)| n != name);
            templates.push((name, text.to_string()));
        }
        Engine::new(&templates, jiff::civil::date(2026, 11, 24), FORMS)
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
        ӘҒҚҢӨҰҮҺІ әғқңөұүһі № «» — ₽ 0123456789";

    #[test]
    fn every_russian_and_kazakh_letter_has_a_real_glyph() {
        // The alphabets in every font and style the templates use.
        let probe = format!(
            "#let probe(d) = {{ for f in (\"PT Serif\", \"PT Sans\") {{ for w in (\"regular\", \"bold\") {{ text(font: f, weight: w)[{ALPHABETS}]; parbreak() }} }}; text(font: \"PT Serif\", style: \"italic\")[{ALPHABETS}] }}"
        );
        let e = engine_with(&[("application.typ", &probe.replace("probe", "application"))]);
        let data = serde_json::to_vec(
            &serde_json::json!({"org": "t", "draft": false, "applicant": {"id": "A1"}}),
        )
        .unwrap();
        let doc = e
            .layout(&Job {
                forms: &FORMS[..1],
                data,
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
    fn template_errors_name_file_line_and_column() {
        let broken =
            "#import \"/templates/common.typ\": *\n#let application(d) = {\n  d.nope.x\n}\n";
        let e = engine_with(&[("application.typ", broken)]);
        let data = br#"{"org": "t", "draft": false, "applicant": {"id": "A1"}}"#.to_vec();
        let err = e
            .render(&Job {
                forms: &FORMS[..1],
                data,
                ident: "t".into(),
            })
            .unwrap_err();
        assert!(
            err.messages[0].starts_with("templates/application.typ:3:"),
            "{err}"
        );
    }
}
