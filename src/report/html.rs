//! The HTML batch report (`OUT/report.html`, `validate --format html`): one self-contained
//! page for caseworkers and the coordinator, readable on a phone and printed on A4.
//!
//! The template (`templates/report.html`, embedded) gets a context built (in `view`) from
//! the [`Report`]: the interface labels in the chosen language (`t`), the counts
//! (`summary`), and ready-made groupings (`cards`, `groups`, `missions`, …) with every
//! text already in the chosen language and every amount and date formatted, so that the
//! template only lays things out. Every value is escaped by Tera's autoescaping: nothing
//! from the batch is ever marked `safe`.
//!
//! This file owns the rendering: Tera set up with autoescaping and the `thousands`
//! filter, the template's errors, and the detail limits; the context itself, the view
//! structs and their building from the report, is in `view`.

mod followup;
mod view;

use tera::{Context, Tera};

use super::Report;
use super::spill::Watch;
use crate::error::Error;
use crate::findings::Lang;
pub use crate::format::{
    THIN, date_str_text, date_text, group_digits, group_thousands, rub, rub_kopecks,
};
pub use view::Listing;
use view::View;

/// The embedded template; `templates/report.html` in the repository is its source.
pub const TEMPLATE: &str = include_str!("../../templates/report.html");

/// The name the template is registered under: the `.html` suffix turns autoescaping on.
const NAME: &str = "report.html";

/// Renders the report with the embedded template, in `lang`.
pub fn render(report: &Report, lang: Lang) -> Result<String, Error> {
    render_with(TEMPLATE, report, lang)
}

/// Renders the report with the template `template_source` (e.g. an NGO's edited copy).
pub fn render_with(template_source: &str, report: &Report, lang: Lang) -> Result<String, Error> {
    render_limited(template_source, report, lang, DETAIL_LIMIT)
}

fn render_limited(
    template_source: &str,
    report: &Report,
    lang: Lang,
    limit: usize,
) -> Result<String, Error> {
    // Every finding of each applicant listed is shown in the HTML report.
    render_view(template_source, &View::new(report, lang, limit, usize::MAX))
}

/// Renders, with the embedded template, the report `report` whose entries `listing`
/// (made by [`Listing::html`]) has seen as they came: the page [`render`] makes of the
/// whole report.
pub fn render_listed(report: &Report, listing: Listing) -> Result<String, Error> {
    render_view(TEMPLATE, &View::of(report, listing))
}

fn render_view(template_source: &str, view: &View<'_>) -> Result<String, Error> {
    let mut tera = Tera::default();
    // The default already escapes `.html` templates; say it here, where it matters.
    tera.autoescape_on(vec![".html"]);
    tera.register_filter("thousands", thousands_filter);
    tera.add_raw_template(NAME, template_source)
        .map_err(template_error)?;
    let ctx = Context::from_serialize(view).map_err(template_error)?;
    tera.render(NAME, &ctx).map_err(template_error)
}

impl Listing {
    /// What report.html lists: at most [`DETAIL_LIMIT`] applicants per list, each with
    /// every finding.
    pub fn html(lang: Lang) -> Listing {
        Listing::new(lang, DETAIL_LIMIT, usize::MAX)
    }

    /// What the batch report as PDF lists ([`view_json`]).
    pub fn pdf(lang: Lang) -> Listing {
        Listing::new(lang, PDF_DETAIL_LIMIT, PDF_FINDINGS_LIMIT)
    }
}

/// The entries listed with no WhatsApp link (`validate`: no messages are made).
impl Watch for Listing {
    fn watch(&mut self, entries: &[super::ApplicantReport]) -> std::io::Result<()> {
        self.add(entries, |_| None);
        Ok(())
    }
}

/// The whole error chain: Tera's top-level message alone ("Failed to render") says little.
fn template_error(e: tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::input(format!("templates/{NAME}"), message)
}

/// At most this many applicants are shown in detail per status and per mission: a page
/// of a million rows opens nowhere (and its context would take gigabytes). The cards
/// still count everyone, and findings.csv and report.json hold every finding.
pub const DETAIL_LIMIT: usize = 2_000;

/// The template's context: see the module documentation.
pub fn context(report: &Report, lang: Lang) -> Result<Context, Error> {
    context_limited(report, lang, DETAIL_LIMIT)
}

/// At most this many applicants are shown in detail per status and per mission in the
/// batch report as PDF: Typst holds a whole document in memory while it lays it out
/// (about 1.6 MB a page), and a printed list is read, not searched.
pub const PDF_DETAIL_LIMIT: usize = 300;

/// At most this many findings are shown per applicant in the batch report as PDF, most
/// severe first, then a note of how many more there are and where they are listed: an
/// applicant with eighty findings would otherwise fill pages on their own, and the
/// memory Typst takes grows with what it lays out.
pub const PDF_FINDINGS_LIMIT: usize = 20;

/// The same view as JSON, for the batch report as PDF (`templates/report.typ`), with at
/// most [`PDF_DETAIL_LIMIT`] applicants per list and [`PDF_FINDINGS_LIMIT`] findings per
/// applicant. Digit groups use a no-break space: the
/// PDF fonts lack the narrow one.
pub fn view_json(report: &Report, lang: Lang) -> serde_json::Value {
    pdf_view_json(&View::new(
        report,
        lang,
        PDF_DETAIL_LIMIT,
        PDF_FINDINGS_LIMIT,
    ))
}

/// [`view_json`] of `report`, whose entries `listing` (made by [`Listing::pdf`]) has
/// seen as they came.
pub fn view_json_listed(report: &Report, listing: Listing) -> serde_json::Value {
    pdf_view_json(&View::of(report, listing))
}

fn pdf_view_json(view: &View<'_>) -> serde_json::Value {
    fn widen(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s.contains(THIN) => *s = s.replace(THIN, "\u{A0}"),
            serde_json::Value::Array(a) => a.iter_mut().for_each(widen),
            serde_json::Value::Object(o) => o.values_mut().for_each(widen),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(view).unwrap_or_default();
    widen(&mut v);
    v
}

fn context_limited(report: &Report, lang: Lang, limit: usize) -> Result<Context, Error> {
    // Every finding of each applicant listed is shown in the HTML report.
    let view = View::new(report, lang, limit, usize::MAX);
    Context::from_serialize(&view).map_err(template_error)
}

// ---------------------------------------------------------------------------------------
// Formatting

/// The template filter `thousands`: an integer with grouped digits (`12 345`); anything
/// else as it is.
fn thousands_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(match value.as_i64() {
        Some(n) => tera::Value::String(group_thousands(n)),
        None => value.clone(),
    })
}

#[cfg(test)]
mod tests;
