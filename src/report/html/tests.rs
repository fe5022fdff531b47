//! Tests of the HTML report: escaping of hostile values, every finding shown, labels
//! in the chosen language, a self-contained page, cut lists, template errors, and the
//! money and date formats the page uses.

use super::*;
use crate::schema::Schemas;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch")
}

fn validate(dir: &Path) -> Report {
    let schemas = Schemas::embedded().unwrap();
    crate::validate(dir, &schemas, jiff::civil::date(2026, 11, 24))
        .unwrap()
        .0
}

/// A copy of the sample batch's applicants.csv with hostile values in it.
fn hostile_batch() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(samples().join("applicants.csv")).unwrap();
    // Fields are quoted as CSV wants: `""` is one quote inside a quoted field.
    let csv = csv
        .replacen(
            ",Кузнецов,Андрей,",
            ",<script>alert(1)</script>,\"\"\"><img src=x onerror=alert(2)>\",",
            1,
        )
        .replacen(",Шмидт,", ",{{ 7*7 }}{% raw %},", 1)
        .replacen(",Цой,", ",Цой *]$\\ <b>bold</b>,", 1);
    std::fs::write(t.path().join("applicants.csv"), csv).unwrap();
    t
}

#[test]
fn hostile_values_are_escaped() {
    let t = hostile_batch();
    let report = validate(t.path());
    for lang in [Lang::Ru, Lang::En] {
        let html = render(&report, lang).unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
        assert!(!html.contains("<script"), "no script element at all");
        assert!(!html.contains("<img"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
        // Data is never evaluated as template code.
        assert!(html.contains("{{ 7*7 }}{% raw %}"));
        // Markup-like text prints literally too.
        assert!(html.contains("Цой *]$\\ &lt;b&gt;bold&lt;&#x2F;b&gt;"));
        assert!(!html.contains("<b>bold</b>"));
    }
}

#[test]
fn every_finding_and_error_appears() {
    let report = validate(&samples());
    let html = render(&report, Lang::Ru).unwrap();
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &report.applicants {
        for f in &a.findings {
            *expected.entry(f.rule).or_default() += 1;
        }
    }
    for e in report.errors.iter().chain(&report.warnings) {
        *expected.entry(e.rule).or_default() += 1;
    }
    assert!(
        expected.values().sum::<usize>() > 10,
        "the sample has findings"
    );
    for (rule, n) in &expected {
        let shown = html.matches(&format!("class=\"rule\">{rule}<")).count();
        assert_eq!(shown, *n, "{rule}");
    }
    for a in &report.applicants {
        assert!(html.contains(&a.applicant_id));
        for f in &a.findings {
            // Messages hold no markup characters except « » and quotes in the sample.
            let msg = tera::escape_html(&f.message.get(Lang::Ru));
            assert!(html.contains(&msg), "{}: {msg}", a.applicant_id);
        }
    }
    // Status sections in the order refused, invalid, incomplete, ready.
    let pos = |id: &str| html.find(&format!("id=\"{id}\"")).unwrap();
    assert!(pos("refused") < pos("invalid"));
    assert!(pos("invalid") < pos("incomplete"));
    assert!(pos("incomplete") < pos("ready"));
}

#[test]
fn labels_follow_the_language() {
    let report = validate(&samples());
    let ru = render(&report, Lang::Ru).unwrap();
    let en = render(&report, Lang::En).unwrap();
    assert!(ru.contains("<html lang=\"ru\">"));
    assert!(ru.contains("Отчёт о проверке пакета"));
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Batch validation report"));
    assert!(!en.contains("Отчёт о проверке пакета"));
}

#[test]
fn self_contained() {
    let report = validate(&samples());
    let html = render(&report, Lang::En).unwrap();
    for bad in ["<script", "<link", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(bad), "{bad}");
    }
}

#[test]
fn long_lists_are_cut_and_say_so() {
    let report = validate(&samples());
    let html = render_limited(TEMPLATE, &report, Lang::En, 2).unwrap();
    // 4 statuses and 4 missions in the sample, each with more than 2 applicants
    // (15 refused).
    assert_eq!(html.matches("class=\"more\"").count(), 8);
    assert!(html.contains("Showing the first 2 of 15"));
    assert_eq!(
        html.matches("<td class=\"id mono\">").count(),
        4 * 2 + 4 * 2
    );
    // The cards still count everyone.
    assert!(html.contains("<div class=\"count\">52</div>"));
    let full = render(&report, Lang::En).unwrap();
    assert!(!full.contains("class=\"more\""));
}

#[test]
fn broken_template_names_the_file() {
    let report = validate(&samples());
    let e = render_with("{% for x in %}", &report, Lang::En).unwrap_err();
    assert!(e.to_string().contains("report.html"), "{e}");
}

#[test]
fn money_and_dates() {
    assert_eq!(rub(500_000), "500\u{202F}000\u{A0}₽");
    assert_eq!(rub(0), "0\u{A0}₽");
    assert_eq!(group_thousands(1_234_567), "1\u{202F}234\u{202F}567");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(rub_kopecks(12_500.5, Lang::Ru), "12\u{202F}500,50\u{A0}₽");
    assert_eq!(rub_kopecks(12_500.5, Lang::En), "12\u{202F}500.50\u{A0}₽");
    assert_eq!(rub_kopecks(100.0, Lang::Ru), "100\u{A0}₽");
    let d = jiff::civil::date(2026, 11, 30);
    assert_eq!(date_text(d, Lang::Ru), "пн, 30.11.2026");
    assert_eq!(date_text(d, Lang::En), "Mon 2026-11-30");
}
