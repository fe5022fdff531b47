//! The report's writers fed window by window (`report::spill::Watch`, several at once
//! through a `Tee`) write what they write of the whole report, byte for byte, whatever
//! the window size, with and without `--redact`: findings.csv, the console text (plain
//! and coloured), report.html, the batch report as PDF's view, report.json; and `run`'s
//! (`report::stream::RunReport`, with the follow-up facts and a last report to compare
//! with): report.json with its changes, findings.csv, report.html and the PDF's view
//! with their next actions and WhatsApp links, deadlines.ics, messages.csv, and the
//! entries findings.xlsx marks.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use resettle::findings::Lang;
use resettle::ingest::Limits;
use resettle::pipeline::{Check, Sink, Sorted, Window, process, process_into, validate_in_windows};
use resettle::report::changes::{self, Previous};
use resettle::report::csv::{FindingsCsv, findings_csv};
use resettle::report::followup::Followup;
use resettle::report::html::{self, Listing};
use resettle::report::messages::Signed;
use resettle::report::spill::{Redacting, Spill, Tee};
use resettle::report::stream::{RunReport, Settings};
use resettle::report::text::{self, Style, TextReport};
use resettle::schema::Schemas;
use resettle::source::Folder;

/// Every output of one streamed pass.
#[derive(PartialEq)]
struct Outputs {
    csv: Vec<u8>,
    text: Vec<u8>,
    painted: Vec<u8>,
    html: String,
    pdf: serde_json::Value,
    json: Vec<u8>,
}

fn streamed(dir: &Path, window: usize, redact: bool, lang: Lang) -> Outputs {
    let schemas = Schemas::embedded().unwrap();
    let docs = &schemas.documents;
    let as_of = jiff::civil::date(2026, 11, 24);
    let source = Folder::open(dir).unwrap();
    let sorted = Sorted::open(&source, &schemas, &Limits::default()).unwrap();
    let mut csv = FindingsCsv::new(None, lang).unwrap();
    let mut plain = TextReport::new(None, lang, Style { color: false }).unwrap();
    let mut painted = TextReport::new(None, lang, Style { color: true }).unwrap();
    let mut listing = Listing::html(lang);
    let mut pdf = Listing::pdf(lang);
    let mut spill = Spill::new(None).unwrap();
    let mut tee = Tee {
        watchers: vec![
            &mut csv,
            &mut plain,
            &mut painted,
            &mut listing,
            &mut pdf,
            &mut spill,
        ],
        then: None,
    };
    let (report, mut formats) = if redact {
        let mut redacting = Redacting::new(&mut tee, docs);
        let (mut report, formats) =
            process_into(sorted, as_of, window, &mut Check, &mut redacting).unwrap();
        report.redact_rows(docs, &redacting.ids);
        (report, formats)
    } else {
        process_into(sorted, as_of, window, &mut Check, &mut tee).unwrap()
    };
    assert!(report.applicants.is_empty());
    if redact {
        resettle::report::redact::redact_reads(&mut formats);
    }
    let mut out = Outputs {
        csv: Vec::new(),
        text: Vec::new(),
        painted: Vec::new(),
        html: html::render_listed(&report, listing).unwrap(),
        pdf: html::view_json_listed(&report, pdf),
        json: Vec::new(),
    };
    csv.finish(&report, &mut out.csv).unwrap();
    plain.finish(&report, &formats, &mut out.text).unwrap();
    painted.finish(&report, &formats, &mut out.painted).unwrap();
    spill.finish(&report, &mut out.json).unwrap();
    out
}

fn whole(dir: &Path, redact: bool, lang: Lang) -> Outputs {
    let schemas = Schemas::embedded().unwrap();
    let as_of = jiff::civil::date(2026, 11, 24);
    let source = Folder::open(dir).unwrap();
    let (mut report, mut formats) =
        validate_in_windows(&source, &schemas, as_of, &Limits::default(), usize::MAX).unwrap();
    if redact {
        report.redact(&schemas.documents);
        resettle::report::redact::redact_reads(&mut formats);
    }
    Outputs {
        csv: findings_csv(&report, lang).into_bytes(),
        text: text::render(&report, &formats, lang, Style { color: false }).into_bytes(),
        painted: text::render(&report, &formats, lang, Style { color: true }).into_bytes(),
        html: html::render(&report, lang).unwrap(),
        pdf: html::view_json(&report, lang),
        json: report.to_json().into_bytes(),
    }
}

/// The sample batch, in Russian, and a generated one of 2,000 applicants (`seed`), in
/// English: with documents, and with IINs repeated across windows.
fn batches(seed: u64) -> (tempfile::TempDir, Vec<(PathBuf, Lang)>) {
    let generated = tempfile::tempdir().unwrap();
    resettle::synth::generate(generated.path(), 2000, seed).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
    let list = vec![
        (sample, Lang::Ru),
        (generated.path().to_path_buf(), Lang::En),
    ];
    (generated, list)
}

#[test]
fn every_window_size_gives_each_format_of_the_whole_report() {
    let (_generated, batches) = batches(3);
    for (dir, lang) in &batches {
        let (dir, lang) = (dir.as_path(), *lang);
        for redact in [false, true] {
            let expected = whole(dir, redact, lang);
            // Lists cut at their limits (the PDF's 300 a status), redacted names.
            let shown = String::from_utf8_lossy(&expected.text).into_owned();
            assert!(shown.contains("A0") && expected.html.contains("<"));
            if lang == Lang::En {
                assert!(
                    expected
                        .pdf
                        .to_string()
                        .contains("Showing the first 300 of")
                );
            }
            for window in [1, 7, 500, usize::MAX] {
                let got = streamed(dir, window, redact, lang);
                let what = format!("window {window}, redact {redact} in {}", dir.display());
                assert!(got.csv == expected.csv, "findings.csv, {what}");
                assert!(got.text == expected.text, "text, {what}");
                assert!(got.painted == expected.painted, "coloured text, {what}");
                assert!(got.html == expected.html, "report.html, {what}");
                assert!(got.pdf == expected.pdf, "the PDF's view, {what}");
                assert!(got.json == expected.json, "report.json, {what}");
            }
        }
    }
}

/// The sink of `run` without its packets: each window's follow-up facts, kept whole
/// (`all`) or left for the writers of the window (`window`).
struct Facts<'a> {
    schemas: &'a Schemas,
    all: Vec<Followup>,
    window: Option<&'a RefCell<Vec<Followup>>>,
}

impl Sink for Facts<'_> {
    fn window(&mut self, w: &Window<'_>) -> Result<Vec<Vec<String>>, resettle::Error> {
        let as_of = jiff::civil::date(2026, 11, 24);
        let facts: Vec<Followup> = w
            .applicants
            .iter()
            .zip(w.outcomes)
            .map(|(a, o)| Followup::of(a, o, self.schemas, as_of))
            .collect();
        match self.window {
            Some(cell) => *cell.borrow_mut() = facts,
            None => self.all.extend(facts),
        }
        Ok(Vec::new())
    }

    fn letters(&self) -> bool {
        true
    }
}

/// Every file of `run`'s report but the PDF and the workbook (their data: the PDF's
/// view, the rows of the workbook's Findings sheet: id, rule, message).
#[derive(PartialEq)]
struct RunOutputs {
    json: Vec<u8>,
    csv: Vec<u8>,
    html: String,
    pdf: serde_json::Value,
    ics: String,
    messages: Vec<u8>,
    workbook: Vec<(String, String, String)>,
}

const ORG: &str = "Фонд «Дом»";
const CONTACT: &str = "+7 701 000 00 00";

fn run_whole(dir: &Path, redact: bool, lang: Lang, prev: Option<&Previous>) -> RunOutputs {
    let schemas = Schemas::embedded().unwrap();
    let as_of = jiff::civil::date(2026, 11, 24);
    let source = Folder::open(dir).unwrap();
    let sorted = Sorted::open(&source, &schemas, &Limits::default()).unwrap();
    let mut sink = Facts {
        schemas: &schemas,
        all: Vec::new(),
        window: None,
    };
    let (mut report, _) = process(sorted, as_of, usize::MAX, &mut sink).unwrap();
    report.followup = sink.all;
    if redact {
        report.redact(&schemas.documents);
        report.followup.iter_mut().for_each(Followup::redact);
    }
    report.changes = Some(changes::compare(prev, None, &report));
    report.org = ORG.into();
    report.contact = CONTACT.into();
    report.next_actions = Some(schemas.rates.next_actions.clone());
    RunOutputs {
        json: report.to_json().into_bytes(),
        csv: findings_csv(&report, lang).into_bytes(),
        html: html::render(&report, lang).unwrap(),
        pdf: html::view_json(&report, lang),
        ics: resettle::report::ics::calendar(&report, lang),
        messages: resettle::report::messages::messages_csv(&report).into_bytes(),
        workbook: report
            .applicants
            .iter()
            .flat_map(|a| {
                a.findings.iter().map(|f| {
                    (
                        a.applicant_id.clone(),
                        f.rule.to_string(),
                        f.message.get(lang),
                    )
                })
            })
            .collect(),
    }
}

fn run_streamed(
    dir: &Path,
    window: usize,
    redact: bool,
    lang: Lang,
    prev: Option<&Previous>,
) -> RunOutputs {
    let schemas = Schemas::embedded().unwrap();
    let docs = &schemas.documents;
    let as_of = jiff::civil::date(2026, 11, 24);
    let source = Folder::open(dir).unwrap();
    let sorted = Sorted::open(&source, &schemas, &Limits::default()).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let facts = RefCell::new(Vec::new());
    let mut sink = Facts {
        schemas: &schemas,
        all: Vec::new(),
        window: Some(&facts),
    };
    let settings = Settings {
        dir: scratch.path(),
        lang,
        as_of,
        next_actions: schemas.rates.next_actions.clone(),
        by: Signed {
            org: ORG.into(),
            contact: CONTACT.into(),
            redacted: redact,
        },
    };
    let mut writers = RunReport::new(settings, &facts, prev, None).unwrap();
    let mut report = if redact {
        let mut redacting = Redacting::new(&mut writers, docs);
        let (mut report, _) =
            process_into(sorted, as_of, window, &mut sink, &mut redacting).unwrap();
        report.redact_rows(docs, &redacting.ids);
        report
    } else {
        process_into(sorted, as_of, window, &mut sink, &mut writers)
            .unwrap()
            .0
    };
    report.changes = Some(writers.changes.finish());
    report.org = ORG.into();
    report.contact = CONTACT.into();
    report.next_actions = Some(schemas.rates.next_actions.clone());
    let mut out = RunOutputs {
        json: Vec::new(),
        csv: Vec::new(),
        html: html::render_listed(&report, writers.html).unwrap(),
        pdf: html::view_json_listed(&report, writers.pdf),
        ics: writers.events.calendar(),
        messages: Vec::new(),
        workbook: Vec::new(),
    };
    let marks = writers
        .workbook
        .finish(&report.errors, &report.warnings)
        .unwrap();
    for row in marks.listing().unwrap() {
        let row = row.unwrap();
        out.workbook.push((row.id, row.rule, row.message));
    }
    writers.json.finish(&report, &mut out.json).unwrap();
    writers.csv.finish(&report, &mut out.csv).unwrap();
    writers.messages.finish(&mut out.messages).unwrap();
    out
}

/// A last report to compare with: the batch's own, its first applicant gone, the
/// second's status and the third's findings changed, and one who has left since.
fn previous(dir: &Path) -> (tempfile::TempDir, Previous) {
    let schemas = Schemas::embedded().unwrap();
    let as_of = jiff::civil::date(2026, 11, 24);
    let source = Folder::open(dir).unwrap();
    let (report, _) =
        validate_in_windows(&source, &schemas, as_of, &Limits::default(), usize::MAX).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let list = json["applicants"].as_array_mut().unwrap();
    list.remove(0);
    list[0]["status"] = "refused".into();
    list[1]["findings"] = serde_json::json!([{"rule": "data.gone"}]);
    list.push(serde_json::json!({"applicant_id": "Z999", "name": "Ушедший", "status": "ready"}));
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("report.json");
    std::fs::write(&path, json.to_string()).unwrap();
    let prev = Previous::read(&path).unwrap().unwrap();
    (t, prev)
}

#[test]
fn runs_report_written_window_by_window_is_the_whole_reports() {
    let (_generated, batches) = batches(5);
    for (dir, lang) in &batches {
        let (dir, lang) = (dir.as_path(), *lang);
        let (_keep, prev) = previous(dir);
        for (redact, prev) in [(false, None), (false, Some(&prev)), (true, Some(&prev))] {
            let expected = run_whole(dir, redact, lang, prev);
            let shown = String::from_utf8_lossy(&expected.messages).into_owned();
            assert!(shown.contains("wa.me") != redact && expected.ics.contains("VEVENT"));
            if prev.is_some() {
                assert!(String::from_utf8_lossy(&expected.json).contains("\"Z999\""));
            }
            for window in [1, 7, 500, usize::MAX] {
                let got = run_streamed(dir, window, redact, lang, prev);
                let what = format!(
                    "window {window}, redact {redact}, previous {} in {}",
                    prev.is_some(),
                    dir.display()
                );
                assert!(got.json == expected.json, "report.json, {what}");
                assert!(got.csv == expected.csv, "findings.csv, {what}");
                assert!(got.html == expected.html, "report.html, {what}");
                assert!(got.pdf == expected.pdf, "the PDF's view, {what}");
                assert!(got.ics == expected.ics, "deadlines.ics, {what}");
                assert!(got.messages == expected.messages, "messages.csv, {what}");
                assert!(got.workbook == expected.workbook, "the workbook's, {what}");
            }
        }
    }
}
