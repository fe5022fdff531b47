//! The smaller defects of issue 18 (item 10): a `sep=` line with CR-only line ends, a
//! header row repeated inside a table, a loop of links among the scans, and a Kazakh
//! passport number quoted in a message.

use std::fs;

use super::{report_for, tables, write_batch};
use crate::common::*;
use crate::workbook::{Book, csv_rows};

/// Excel for Mac writes lone CRs: the `sep=;` line still ends at the first one, and the
/// report is the one of the same file with CRLF.
#[test]
fn sep_line_with_cr_only_line_ends() {
    let with_sep = Format {
        first_line: Some("sep=;"),
        ..Format::EXCEL_RU
    };
    let (code, crlf) = report_for(with_sep);
    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), with_sep);
    let (a, fam, e) = tables();
    for (name, table) in [
        ("applicants.csv", &a),
        ("family.csv", &fam),
        ("expenses.csv", &e),
    ] {
        let text = table.to_text(with_sep).replace("\r\n", "\r");
        assert!(text.starts_with("sep=;\r") && !text.contains("\r\n"));
        let bytes = encoding_rs::WINDOWS_1251.encode(&text).0.into_owned();
        write(t.path(), name, &bytes);
    }
    let out = validate_json(t.path());
    assert_eq!((out.code, out.json()), (code, crlf));
}

/// The sources of the report's errors that say a row repeats the header (each a
/// data.format error).
fn repeated_headers(r: &serde_json::Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let said = e["message"]["en"].as_str().unwrap();
            said.contains("repeats the header row") && e["rule"] == "data.format"
        })
        .map(|e| e["source"].as_str().unwrap().to_string())
        .collect()
}

/// A header row repeated further down (a table pasted under another) is reported as a
/// header on its row and not read: no applicant called «applicant_id», the others read
/// as before. In a CSV file, in Russian, and on a workbook's sheet.
#[test]
fn a_repeated_header_row_is_no_applicant() {
    let sample = repo().join("samples/batch");
    let clean = validate_json(&sample).json();
    let text = fs::read_to_string(sample.join("applicants.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines[0];
    lines.insert(5, header);
    let t = tempfile::tempdir().unwrap();
    copy_dir(&sample, t.path());
    fs::write(t.path().join("applicants.csv"), lines.join("\n") + "\n").unwrap();
    let r = validate_json(t.path()).json();
    check_invariants(&r);
    assert_eq!(r["summary"], clean["summary"]);
    assert_eq!(
        repeated_headers(&r),
        ["applicants.csv:6"],
        "{:#}",
        r["errors"]
    );

    // On a sheet, the header pasted again below the second applicant.
    let mut rows = csv_rows(&sample.join("applicants.csv"));
    let header_row = rows[0].clone();
    rows.insert(3, header_row);
    let book = Book::default().sheet("Заявители", rows).bytes();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "applicants.xlsx", &book);
    for f in ["family.csv", "expenses.csv"] {
        fs::copy(sample.join(f), dir.path().join(f)).unwrap();
    }
    let r = validate_json(dir.path()).json();
    assert_eq!(repeated_headers(&r), ["applicants.xlsx!Заявители!4:4"]);
    assert_eq!(r["summary"]["applicants"], clean["summary"]["applicants"]);
}

/// A loop of links among the scans is said to be a loop, and a link to a file that is
/// gone to be so: neither is "a link leading outside the batch".
#[cfg(unix)]
#[test]
fn link_loops_and_dangling_links_are_named_as_such() {
    use std::os::unix::fs::symlink;
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "applicants.csv",
        &one_applicant(false).to_bytes(Format::UTF8),
    );
    let docs = t.path().join("documents/A001");
    fs::create_dir_all(&docs).unwrap();
    symlink("photo.jpg", docs.join("diploma.pdf")).unwrap();
    symlink("diploma.pdf", docs.join("photo.jpg")).unwrap();
    symlink("gone.pdf", docs.join("id_card.pdf")).unwrap();
    let r = validate_json(t.path()).json();
    let said = |file: &str| -> String {
        findings_of(&r, "A001")
            .iter()
            .find(|f| f["source"] == format!("documents/A001/{file}").as_str())
            .map(|f| f["message"]["en"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(
        said("diploma.pdf").contains("leads back to itself"),
        "{r:#}"
    );
    assert!(said("photo.jpg").contains("leads back to itself"));
    assert!(said("id_card.pdf").contains("no longer exists"));
    for f in ["diploma.pdf", "photo.jpg", "id_card.pdf"] {
        assert!(!said(f).contains("outside"), "{f}: {}", said(f));
    }
}

/// A Kazakh passport number (a letter and 8 digits) typed where it does not belong is
/// masked in the message that quotes it, as an IIN is.
#[test]
fn a_passport_number_in_a_message_is_masked() {
    let mut a = one_applicant(false);
    a.set(0, "sex", s("N12345678"));
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", &a.to_bytes(Format::UTF8));
    let out = validate_json(t.path());
    assert!(!out.stdout.contains("12345678"), "{}", out.stdout);
    assert!(out.stdout.contains("•••••5678"), "{}", out.stdout);
}
