//! `--redact` (issue 6): the report of `validate` (every format) and of `run`
//! (report.json, report.html, findings.csv, the console) holds no personal data: no IIN,
//! ID document number, bank account, SNILS or INN, no 9-digit run at all, no name but
//! initials, no birth place, address, phone or e-mail, no cell value quoted. Each test
//! also checks that the same data is there without `--redact`, so it fails if redaction
//! is removed.

use crate::common;

use std::ffi::OsStr;
use std::path::Path;

use common::*;
use serde_json::Value;

/// Columns whose values are personal data.
const PERSONAL: &[&str] = &[
    "last_name",
    "first_name",
    "patronymic",
    "previous_names",
    "last_name_lat",
    "first_name_lat",
    "birth_place",
    "iin",
    "id_doc_number",
    "address",
    "phone",
    "email",
    "bank_account",
    "snils",
    "inn",
];

/// Every personal value of the batch's applicants.csv and family.csv, 4 characters or
/// longer (shorter ones, such as the name «Пак», also stand inside ordinary words).
fn personal_values(batch: &Path) -> Vec<String> {
    let mut values = Vec::new();
    for file in ["applicants.csv", "family.csv"] {
        let Ok(text) = std::fs::read_to_string(batch.join(file)) else {
            continue;
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers = r.headers().unwrap().clone();
        for row in r.records() {
            let row = row.unwrap();
            for (h, v) in headers.iter().zip(row.iter()) {
                let v = v.trim();
                if PERSONAL.contains(&h) && v.chars().count() >= 4 {
                    values.push(v.to_string());
                }
            }
        }
    }
    values.sort();
    values.dedup();
    values
}

/// The longest run of ASCII digits in `s`.
fn longest_digit_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Every output of `validate` (four formats, two languages) and of `run` (its three
/// report files and its console), with or without `--redact`: (what, text).
fn outputs(batch: &Path, redact: bool) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for format in ["text", "json", "csv", "html"] {
        for lang in ["en", "ru"] {
            let mut args: Vec<&OsStr> = vec![
                "validate".as_ref(),
                batch.as_os_str(),
                "--as-of".as_ref(),
                AS_OF.as_ref(),
                "--format".as_ref(),
                format.as_ref(),
                "--lang".as_ref(),
                lang.as_ref(),
            ];
            if redact {
                args.push("--redact".as_ref());
            }
            let out = run(&args);
            assert_eq!(out.code, 1, "{format}: {}", out.stderr);
            all.push((
                format!("validate --format {format} --lang {lang}"),
                out.stdout,
            ));
            all.push((format!("validate --format {format} stderr"), out.stderr));
        }
    }
    let t = tempfile::tempdir().unwrap();
    let out_dir = t.path().join("out");
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        batch.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ];
    if redact {
        args.push("--redact".as_ref());
    }
    let out = run(&args);
    assert_eq!(out.code, 1, "run: {}", out.stderr);
    all.push(("run stdout".into(), out.stdout));
    all.push(("run stderr".into(), out.stderr));
    for file in ["report.json", "report.html", "findings.csv"] {
        let text = std::fs::read_to_string(out_dir.join(file)).unwrap();
        all.push((format!("run {file}"), text));
    }
    all
}

/// Which personal values appear in which output.
fn leaks(outputs: &[(String, String)], values: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (what, text) in outputs {
        for v in values {
            if text.contains(v.as_str()) {
                found.push(format!("{what}: {v}"));
            }
        }
    }
    found
}

#[test]
fn the_sample_batch_redacted_holds_no_personal_data() {
    let batch = repo().join("samples/batch");
    let values = personal_values(&batch);
    assert!(values.len() > 100, "{} personal values", values.len());

    let plain = outputs(&batch, false);
    // Without --redact the names, numbers (masked in messages, whole nowhere) and
    // addresses are there: this test would see redaction removed.
    let plain_leaks = leaks(&plain, &values);
    assert!(
        plain
            .iter()
            .any(|(_, t)| t.contains("Кузнецов Андрей Викторович")),
        "the full name is not even in the plain report"
    );
    assert!(plain_leaks.len() > 100, "{}", plain_leaks.len());

    let redacted = outputs(&batch, true);
    let found = leaks(&redacted, &values);
    assert!(
        found.is_empty(),
        "personal data in a redacted output: {found:#?}"
    );
    for (what, text) in &redacted {
        assert!(
            longest_digit_run(text) < 9,
            "{what}: a run of {} digits",
            longest_digit_run(text)
        );
        assert!(!text.contains("850412313187"), "{what}: an IIN");
    }

    // Names are initials; the report says it is redacted.
    let json: Value = serde_json::from_str(
        &redacted
            .iter()
            .find(|(w, _)| w == "run report.json")
            .unwrap()
            .1,
    )
    .unwrap();
    check_invariants(&json);
    assert_eq!(json["redacted"], true);
    assert_eq!(applicant(&json, "A001")["name"], "К. А. В.");
    assert_eq!(applicant(&json, "A009")["name"], "Ш. А.");
    let plain_json: Value = serde_json::from_str(
        &plain
            .iter()
            .find(|(w, _)| w == "run report.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert!(plain_json.get("redacted").is_none());
    assert_eq!(
        applicant(&plain_json, "A001")["name"],
        "Кузнецов Андрей Викторович"
    );
    // Redaction removes data, never applicants, findings or rows.
    assert_eq!(json["summary"], plain_json["summary"]);
    assert_eq!(json["rows"], plain_json["rows"]);
    assert_eq!(findings(&json).len(), findings(&plain_json).len());
    let html = &redacted
        .iter()
        .find(|(w, _)| w == "run report.html")
        .unwrap()
        .1;
    assert!(
        html.contains("Redacted report (--redact)"),
        "no note in the HTML"
    );
}

/// Values that messages quote (a wrong date, a NUL in a name, an IIN in the wrong
/// column, a wrong id, a scan named after its owner) are hidden too.
/// `validate --format json` of `batch` plain and with `--redact`: every one of
/// `secrets` is in the plain report (so the test can fail) and none in the redacted one,
/// which is returned.
fn plain_and_redacted(batch: &Path, secrets: &[&str]) -> Outcome {
    let args = |redact: bool| {
        let mut v: Vec<&OsStr> = vec![
            "validate".as_ref(),
            batch.as_os_str(),
            "--as-of".as_ref(),
            AS_OF.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ];
        if redact {
            v.push("--redact".as_ref());
        }
        v
    };
    let plain = run(&args(false));
    for s in secrets {
        assert!(plain.stdout.contains(s), "{s} is not in the plain report");
    }
    let redacted = run(&args(true));
    for s in secrets {
        assert!(!redacted.stdout.contains(s), "{s} in {}", redacted.stdout);
    }
    redacted
}

#[test]
fn quoted_values_and_scan_names_are_hidden() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path();
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    a.row(&applicant_row("A002", "Жаксыбеков", "Ерлан", 2));
    a.row(&applicant_row("Сидоров Иван", "Сидоров", "Иван", 3));
    a.set(0, "last_name", s("Ёлкин\0Секретов"));
    a.set(0, "birth_date", s("12 апреля, Петропавловск"));
    a.set(1, "phone", s("+7 701 555\0 12 34"));
    a.set(1, "email", s("erlan.secret\0@mail.kz"));
    a.set(1, "citizenship", s("Жаксыбекова-Гражданство"));
    write(batch, "applicants.csv", &a.to_bytes(Format::UTF8));
    write(batch, "documents/A001/Ёлкин паспорт.pdf", PDF);
    write(batch, "documents/A001/elkin.pdf", PDF);
    write(batch, "documents/A001/id_card.pdf", PDF);
    write(batch, "documents/Petrov Family/id_card.pdf", PDF);

    let secrets = [
        "Секретов",
        "Петропавловск",
        "+7 701 555",
        "erlan.secret",
        "Жаксыбекова-Гражданство",
        "Сидоров",
        "Ёлкин паспорт",
        "elkin",
        "Petrov",
    ];
    let redacted = plain_and_redacted(batch, &secrets);
    assert_eq!(redacted.code, 1, "{}", redacted.stderr);
    let r = redacted.json();
    check_invariants(&r);
    // The sources still point at the cell, the kept scan name at the document.
    let all: Vec<String> = findings(&r)
        .into_iter()
        .map(|(_, f)| f["source"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(all.iter().any(|s| s == "applicants.csv:2:2"), "{all:?}");
    assert!(all.iter().any(|s| s == "documents/A001/•••.pdf"), "{all:?}");
    let messages = all_messages(&r);
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("birth_date: value «•••» not understood")),
        "{messages:#?}"
    );
}

/// Personal numbers and names hide in ids and file names too: an IIN used as the
/// applicant id, an IIN and a Latin name after `code-` in scan names. Redacted, every
/// run of 9+ digits is masked wherever it stands (ids, sources, outputs) and a `code-`
/// suffix is shown only when it is a member the report names; the plain report still
/// shows them (the test can fail).
#[test]
fn numbers_and_names_in_ids_and_scan_names_are_hidden() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path();
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("850412313187", "Ёлкин", "Пётр", 1));
    write(batch, "applicants.csv", &a.to_bytes(Format::UTF8));
    write(
        batch,
        "documents/850412313187/diploma-910708415033.pdf",
        PDF,
    );
    write(
        batch,
        "documents/850412313187/birth_certificate-IvanovPetr.pdf",
        PDF,
    );
    let secrets = ["850412313187", "910708415033", "IvanovPetr"];
    let redacted = plain_and_redacted(batch, &secrets);
    assert!(redacted.code <= 1, "{}", redacted.stderr);
    assert!(
        longest_digit_run(&redacted.stdout) < 9,
        "{}",
        redacted.stdout
    );
    let r = redacted.json();
    assert_eq!(r["applicants"][0]["applicant_id"], "••••••••3187");
}
