//! One layout, several PDFs: a packet is laid out once and written whole, and each of
//! its documents that is a run of its pages (application.pdf, a consent, …) is written
//! from those pages, so `run` lays out every page once. A document's pages run from its
//! `<form-start>` marker (`start-form(doc: …)` in templates/common.typ, a `metadata`
//! holding the document's name) to the page before the next marker, found with the
//! laid-out document's introspector rather than by counting pages. A document whose
//! marker is missing, repeated or shares its page with another is not split off: the
//! caller renders it alone, as with a user's templates that place no markers.

use typst::ecow::EcoVec;
use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::model::Document as _;
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

use super::{Engine, Job, RenderError, caught, evict_now_and_then};

/// A document to write from the pages of a laid-out one.
pub struct Part<'a> {
    /// The value of the `<form-start>` marker its pages start at.
    pub mark: &'a str,
    /// Its PDF's identity (as [`Job::ident`]).
    pub ident: &'a str,
    /// Its PDF's title: what `set document(title: …)` gives it alone.
    pub title: Option<&'a str>,
}

/// What [`render_split`] gave.
pub struct Split {
    /// The whole document's PDF.
    pub whole: Result<Vec<u8>, RenderError>,
    /// Each part's PDF, in the order asked; `None` for a part to render alone (its
    /// marker is not usable, the layout failed, or writing its pages did).
    pub parts: Vec<Option<Vec<u8>>>,
}

/// Lays `job` out once and writes it whole and each of `parts` from its own pages. A
/// panic inside Typst becomes the whole document's error and leaves every part to be
/// rendered alone.
pub fn render_split(engine: &Engine, job: &Job, parts: &[Part<'_>]) -> Split {
    let layout = caught(|| engine.layout(job));
    let split = match layout {
        Err(e) => Split {
            whole: Err(e),
            parts: parts.iter().map(|_| None).collect(),
        },
        Ok(document) => {
            let whole = caught(|| engine.export(&document, &job.ident));
            let marks = marks(&document);
            let parts = parts
                .iter()
                .map(|part| {
                    let pages = pages_of(&marks, part.mark, document.pages().len())?;
                    caught(|| {
                        engine.export(&sub_document(&document, pages, part.title), part.ident)
                    })
                    .ok()
                })
                .collect();
            Split { whole, parts }
        }
    };
    let written = 1 + split.parts.iter().filter(|p| p.is_some()).count();
    evict_now_and_then(written);
    split
}

/// The `<form-start>` markers of `document` in document order: each one's value (when
/// it is a string) and the index of its page.
fn marks(document: &PagedDocument) -> Vec<(Option<String>, usize)> {
    let Some(label) = Label::new(PicoStr::intern("form-start")) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|content| {
            let page = introspector.page(content.location()?)?;
            let value = match &content.to_packed::<MetadataElem>()?.value {
                Value::Str(s) => Some(s.as_str().to_string()),
                _ => None,
            };
            Some((value, page.get() - 1))
        })
        .collect()
}

/// The indices of the pages of the document marked `mark`: from its marker's page to the
/// page before the next marker's, or to the last page. `None` when the mark is not there
/// exactly once, or shares its first page with another marker.
fn pages_of(
    marks: &[(Option<String>, usize)],
    mark: &str,
    pages: usize,
) -> Option<std::ops::Range<usize>> {
    let mut found = marks
        .iter()
        .enumerate()
        .filter(|(_, (m, _))| m.as_deref() == Some(mark));
    let (i, &(_, start)) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let after_previous = i == 0 || marks[i - 1].1 < start;
    let end = marks.get(i + 1).map_or(pages, |(_, page)| *page);
    (after_previous && start < end && end <= pages).then_some(start..end)
}

/// A document of the `pages` of `document`, titled `title` (the pages are shared, not
/// copied; the introspector is made again for them alone).
fn sub_document(
    document: &PagedDocument,
    pages: std::ops::Range<usize>,
    title: Option<&str>,
) -> PagedDocument {
    let pages: EcoVec<Page> = document.pages()[pages].iter().cloned().collect();
    let mut info = document.info().clone();
    info.title = title.map(Into::into);
    PagedDocument::new(pages, info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Templates, on_deep_stack};

    /// An engine whose application and inventory are `application` and `inventory`
    /// (pages of fixed text), and whose main.typ is `main` when given.
    fn engine(application: &str, main: Option<&str>) -> Engine {
        let mut t = Templates::embedded();
        let mut set = |name: &str, text: String| {
            t.files.retain(|(n, _)| n != name);
            t.files.push((name.to_string(), text));
        };
        set(
            "application.typ",
            format!("#let application(d) = [{application}]"),
        );
        set(
            "inventory.typ",
            "#let inventory(d) = [Опись #pagebreak() вторая страница]".into(),
        );
        if let Some(main) = main {
            set("main.typ", main.to_string());
        }
        Engine::new(&t, jiff::civil::date(2026, 11, 24)).unwrap()
    }

    fn job(forms: &[&str], title: &str) -> Job {
        let data = serde_json::json!({
            "forms": forms, "title": title, "footer": "A1", "org": "НКО", "draft": false,
            "applicant": {"id": "A1"},
        });
        Job {
            data: serde_json::to_vec(&data).unwrap(),
            ident: format!("A1/{title}"),
        }
    }

    /// The packet of both forms split, and each form rendered alone.
    fn split_and_alone(e: &Engine) -> (Split, Vec<Vec<u8>>) {
        let parts = [
            Part {
                mark: "application",
                ident: "A1/a",
                title: Some("a"),
            },
            Part {
                mark: "inventory",
                ident: "A1/i",
                title: Some("i"),
            },
        ];
        on_deep_stack(|| {
            let split = render_split(e, &job(&["application", "inventory"], "p"), &parts);
            let alone = [("application", "a"), ("inventory", "i")]
                .iter()
                .filter_map(|(form, title)| e.render(&job(&[form], title)).ok())
                .collect();
            (split, alone)
        })
        .unwrap()
    }

    #[test]
    fn each_form_cut_from_the_packet_is_the_form_alone() {
        let (split, alone) = split_and_alone(&engine("Заявление", None));
        assert!(split.whole.is_ok());
        let parts: Vec<Vec<u8>> = split.parts.into_iter().map(Option::unwrap).collect();
        assert_eq!(parts, alone);
    }

    #[test]
    fn without_markers_or_with_a_failing_packet_the_forms_go_alone() {
        // A user's main.typ that places no markers.
        let main = "#import \"/templates/common.typ\": *\n\
            #import \"/templates/application.typ\": application\n\
            #import \"/templates/inventory.typ\": inventory\n\
            #let d = json(\"/data.json\")\n#show: setup.with(d)\n\
            #for name in d.forms { start-form(); (application: application, inventory: inventory).at(name)(d); end-form() }\n";
        let (split, alone) = split_and_alone(&engine("Заявление", Some(main)));
        assert!(split.whole.is_ok());
        assert!(split.parts.iter().all(Option::is_none));
        assert_eq!(alone.len(), 2);
        // A form that fails fails the packet; each form is then left to go alone.
        let (split, _) = split_and_alone(&engine("#panic(\"boom\")", None));
        assert!(split.whole.is_err());
        assert!(split.parts.iter().all(Option::is_none));
    }

    fn m(v: &[(&str, usize)]) -> Vec<(Option<String>, usize)> {
        v.iter().map(|(s, p)| (Some(s.to_string()), *p)).collect()
    }

    #[test]
    fn a_document_runs_from_its_marker_to_the_next() {
        let marks = m(&[("cover", 0), ("application", 1), ("inventory", 4)]);
        assert_eq!(pages_of(&marks, "cover", 6), Some(0..1));
        assert_eq!(pages_of(&marks, "application", 6), Some(1..4));
        assert_eq!(pages_of(&marks, "inventory", 6), Some(4..6));
        assert_eq!(pages_of(&marks, "lifting", 6), None);
    }

    #[test]
    fn a_repeated_or_crowded_marker_is_not_split_off() {
        let marks = m(&[("a", 0), ("b", 1), ("b", 2), ("c", 3), ("d", 3)]);
        assert_eq!(pages_of(&marks, "b", 5), None);
        // `c` and `d` start on one page: neither has pages of its own.
        assert_eq!(pages_of(&marks, "c", 5), None);
        assert_eq!(pages_of(&marks, "d", 5), None);
        assert_eq!(pages_of(&marks, "a", 5), Some(0..1));
    }
}
