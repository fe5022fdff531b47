//! What changed since the last run (issue 17, item 4): `changes` in report.json, the
//! console lines, the top of report.html and report.pdf.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::common::*;

mod letters;
mod settings;

#[test]
fn a_run_into_a_fresh_out_has_nothing_to_compare_with() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run_out(&repo().join("samples/batch"), &out, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = read_report(&out);
    assert_eq!(report["changes"], Value::Null);
    assert_eq!(report["changes_since"], Value::Null);
    assert!(o.stderr.contains("nothing to compare with"), "{}", o.stderr);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Nothing to compare with"), "report.html");
    let pdf = pdftotext(&out.join("report.pdf"));
    assert!(pdf.contains("Changes since the last check"), "{pdf}");
    // validate has no last run: no key at all.
    let v = validate_json(&repo().join("samples/batch")).json();
    assert!(v.get("changes").is_none() && v.get("changes_since").is_none());
}

/// A001 with every document it needs handed in on paper (the `documents` column), so
/// that it is ready; `without` leaves one out.
fn ready_batch(batch: &Path, without: Option<&str>) {
    let docs = [
        "id_card",
        "photo",
        "birth_certificate",
        "marriage_certificate",
        "diploma",
        "employer_certificate",
        "no_criminal_record",
    ];
    let handed: Vec<&str> = docs.into_iter().filter(|d| Some(*d) != without).collect();
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    t.row(&applicant_row("A002", "Жумабаев", "Ерлан", 2));
    t.set(0, "documents", s(&handed.join(";")));
    write(batch, "applicants.csv", &t.to_bytes(Format::UTF8));
}

#[test]
fn a_second_run_with_one_changed_applicant_reports_exactly_that_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    ready_batch(&batch, None);
    let o = run_out(&batch, &out, &[]);
    assert!(o.code < 2, "{}", o.stderr);
    let report = read_report(&out);
    assert_eq!(applicant(&report, "A001")["status"], "ready", "{report}");
    ready_batch(&batch, Some("photo"));
    let o = run_out(&batch, &out, &[]);
    let report = read_report(&out);
    assert_eq!(report["changes_since"], AS_OF);
    assert_eq!(
        report["changes"],
        json!([{
            "applicant_id": "A001",
            "from": "ready",
            "to": "incomplete",
            "new_findings": ["docs.missing.photo"],
            "resolved_findings": [],
        }])
    );
    assert!(
        o.stderr
            .contains("changes since the last run (2026-11-24): 1 no longer ready")
            && o.stderr
                .contains("A001: ready → incomplete; new: docs.missing.photo"),
        "{}",
        o.stderr
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let changes = html.find("id=\"changes\"").expect("a changes section");
    assert!(
        changes < html.find("class=\"apps stack\"").unwrap(),
        "the changes come before the applicants in report.html"
    );
    assert!(
        html.contains("Changes since the last check, <span class=\"nowrap\">2026-11-24</span>")
    );
    assert!(html[changes..].contains("docs.missing.photo"));
    let pdf = pdftotext(&out.join("report.pdf"));
    assert!(
        pdf.contains("Changes since the last check, 2026-11-24"),
        "{pdf}"
    );
    assert!(pdf.contains("docs.missing.photo"), "{pdf}");

    // The photo handed in: resolved; then an unchanged run reports no change.
    ready_batch(&batch, None);
    run_out(&batch, &out, &[]);
    let report = read_report(&out);
    assert_eq!(report["changes"][0]["from"], "incomplete");
    assert_eq!(report["changes"][0]["to"], "ready");
    assert_eq!(
        report["changes"][0]["resolved_findings"],
        json!(["docs.missing.photo"])
    );
    let o = run_out(&batch, &out, &[]);
    assert_eq!(read_report(&out)["changes"], json!([]));
    assert!(
        o.stderr
            .contains("changes since the last run (2026-11-24): none"),
        "{}",
        o.stderr
    );
}

/// Two applicants; the second batch drops A001 and adds A003.
#[test]
fn applicants_who_appear_or_leave_are_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    t.row(&applicant_row("A002", "Жумабаев", "Ерлан", 2));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    run_out(&batch, &out, &[]);
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A002", "Жумабаев", "Ерлан", 2));
    t.row(&applicant_row("A003", "Әлиев", "Қайрат", 3));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    let o = run_out(&batch, &out, &[]);
    let changes = read_report(&out)["changes"].clone();
    let ids: Vec<_> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["applicant_id"].clone(),
                c["from"].clone(),
                c["to"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (json!("A003"), Value::Null, json!("incomplete")),
            (json!("A001"), json!("incomplete"), Value::Null),
        ],
        "{changes}"
    );
    assert!(
        o.stderr.contains("A003: new in the batch, incomplete"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("A001: left the batch (was incomplete)"),
        "{}",
        o.stderr
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("left the batch") && html.contains("Ёлкин Пётр"));
}

/// A last report that is not one (or is planted) is never fatal and never shown.
#[test]
fn an_unreadable_last_report_only_means_nothing_to_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(
        out.join("report.json"),
        r#"{"as_of":"2026-11-01","applicants":[{"applicant_id":"A001","status":"Секретов 850412313187"}]}"#,
    )
    .unwrap();
    let o = run_out(&repo().join("samples/batch"), &out, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("could not be read"), "{}", o.stderr);
    let report = read_report(&out);
    assert_eq!(report["changes"], Value::Null);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("cannot be read") && !html.contains("Секретов"));
}

/// `--redact`: a left applicant of an unredacted last report is shown by initials, and
/// ids holding a personal number compare masked.
#[test]
fn redacted_changes_name_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    t.row(&applicant_row("850412313187", "Жумабаев", "Ерлан", 2));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    run_out(&batch, &out, &[]);
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("850412313187", "Жумабаев", "Ерлан", 2));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    let o = run_out(&batch, &out, &["--redact"]);
    let changes = read_report(&out)["changes"].clone();
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(changes[0]["applicant_id"], "A001");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let json = fs::read_to_string(out.join("report.json")).unwrap();
    for secret in ["Ёлкин", "Жумабаев", "850412313"] {
        assert!(!html.contains(secret), "{secret} in report.html");
        assert!(!json.contains(secret), "{secret} in report.json");
        assert!(!o.stderr.contains(secret), "{secret} on the console");
    }
    assert!(html.contains("Ё. П."), "initials of the left applicant");
}
