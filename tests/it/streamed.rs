//! The report's writers fed window by window (`report::spill::Watch`, several at once
//! through a `Tee`) write what they write of the whole report, byte for byte, whatever
//! the window size, with and without `--redact`: findings.csv, the console text (plain
//! and coloured), report.html, the batch report as PDF's view, report.json.

use std::path::Path;

use resettle::findings::Lang;
use resettle::ingest::Limits;
use resettle::pipeline::{Check, Sorted, process_into, validate_in_windows};
use resettle::report::csv::{FindingsCsv, findings_csv};
use resettle::report::html::{self, Listing};
use resettle::report::spill::{Redacting, Spill, Tee};
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

#[test]
fn every_window_size_gives_each_format_of_the_whole_report() {
    let generated = tempfile::tempdir().unwrap();
    resettle::synth::generate(generated.path(), 2000, 3).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
    for (dir, lang) in [(sample.as_path(), Lang::Ru), (generated.path(), Lang::En)] {
        for redact in [false, true] {
            let expected = whole(dir, redact, lang);
            // Lists cut at their limits (the PDF's 300 a status), redacted names.
            let shown = String::from_utf8_lossy(&expected.text).into_owned();
            assert!(shown.contains("A0") && expected.html.contains("<"));
            if dir != sample {
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
