//! findings.xlsx (issue 16, item 3): the caseworker's rows handed back with every
//! problem on its cell. Opened with calamine for the cells and read as XML for what
//! calamine does not give (notes, fills, links): the row sheets keep the original
//! headers and values with a status column first, each problem cell has one fill and
//! one note with its findings' messages, the Findings sheet has a row per finding of
//! report.json and each of its links points at the cell the finding's source names,
//! the Summary counts are report.json's, and `--redact` leaves no IIN in the XML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use calamine::{Data, Reader};
use serde_json::Value;

use super::{csv_lines, letters, sample_workbook};
use crate::common::{self, AS_OF, repo, run};
use crate::init::book::{Book as Read, attr, elements};

/// `resettle validate BATCH --format xlsx --out FILE` with `extra`.
fn validate_xlsx(batch: &Path, file: &Path, extra: &[&str]) -> common::Outcome {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        "xlsx".as_ref(),
        "--out".as_ref(),
        file.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    run(&args)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The notes of a sheet, cell → text (none when the sheet has no notes).
fn notes(book: &Read, sheet: &str) -> BTreeMap<String, String> {
    let part = book.sheet_part(sheet);
    let (dir, file) = part.rsplit_once('/').unwrap();
    let rels = format!("{dir}/_rels/{file}.rels");
    if !book
        .parts
        .get(&rels)
        .is_some_and(|r| r.contains("/comments\""))
    {
        return BTreeMap::new();
    }
    book.notes(sheet)
        .into_iter()
        .map(|(k, v)| (k, unescape(&v)))
        .collect()
}

/// The fill of every cell of a sheet that has one: cell → `pattern:colour`, and the
/// style of its border after a space when it has one.
fn fills(book: &Read, sheet: &str) -> BTreeMap<String, String> {
    let styles = &book.parts["xl/styles.xml"];
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xfs = elements(xfs, "xf");
    let fills: Vec<&str> = styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()]
        .split("<fill>")
        .skip(1)
        .collect();
    let borders: Vec<&str> = styles
        [styles.find("<borders").unwrap()..styles.find("</borders>").unwrap()]
        .split("<border>")
        .skip(1)
        .collect();
    let mut out = BTreeMap::new();
    for c in elements(book.sheet_xml(sheet), "c") {
        let Some(s) = attr(c, "s") else { continue };
        let xf = xfs[s.parse::<usize>().unwrap()];
        let fill = attr(xf, "fillId").map_or(0, |f| f.parse().unwrap());
        if fill < 2 {
            continue; // Excel's two default fills: none and grey125
        }
        let f = fills[fill];
        let pattern = attr(elements(f, "patternFill")[0], "patternType").unwrap_or_default();
        let colour = elements(f, "fgColor")
            .first()
            .and_then(|c| attr(c, "rgb"))
            .unwrap_or_default();
        let border = attr(xf, "borderId")
            .map(|b| borders[b.parse::<usize>().unwrap()])
            .and_then(|b| elements(b, "left").first().and_then(|l| attr(l, "style")))
            .map_or(String::new(), |style| format!(" {style}"));
        out.insert(attr(c, "r").unwrap(), format!("{pattern}:{colour}{border}"));
    }
    out
}

/// The fill each severity is given (README.md names them; `report/xlsx/style.rs` says
/// how they print in grey).
fn fill_of(severity: &str) -> &'static str {
    match severity {
        "refusal" => "solid:FF8B1A1A",
        "error" => "solid:FFE05A50",
        "missing" => "solid:FFF5B041",
        "warning" => "solid:FFFFF1A8 dashed",
        other => panic!("severity {other}"),
    }
}

fn rank(severity: &str) -> u8 {
    match severity {
        "warning" => 0,
        "missing" => 1,
        "error" => 2,
        _ => 3,
    }
}

/// The internal links of a sheet: cell → (sheet, cell) it points at.
fn links(book: &Read, sheet: &str) -> BTreeMap<String, (String, String)> {
    elements(book.sheet_xml(sheet), "hyperlink")
        .into_iter()
        .map(|h| {
            let location = unescape(&attr(h, "location").unwrap());
            let (to, cell) = location.rsplit_once('!').unwrap();
            let to = to.trim_matches('\'').replace("''", "'");
            (attr(h, "ref").unwrap(), (to, cell.to_string()))
        })
        .collect()
}

fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", letters(col as u32 + 1), row + 1)
}

/// Every finding of the report: (applicant, severity, message in English, source).
fn report_findings(report: &Value) -> Vec<(String, String, String, String)> {
    common::findings(report)
        .into_iter()
        .map(|(id, f)| {
            (
                id,
                f["severity"].as_str().unwrap().to_string(),
                f["message"]["en"].as_str().unwrap().to_string(),
                f["source"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The cells the findings, errors and warnings with a cell source point at, as the
/// workbook's cells: (sheet, cell) → (severities, messages).
type Expected = BTreeMap<(String, String), (Vec<String>, Vec<String>)>;

/// Checks what every workbook must hold against `report`; `place` turns a source of the
/// report into the (sheet, cell) of the row sheets it names (`None`: a row, a path).
fn check(book: &mut Read, report: &Value, place: &dyn Fn(&str) -> Option<(String, String)>) {
    let names = book.xlsx.sheet_names();
    assert_eq!(&names[names.len() - 2..], ["Findings", "Summary"]);
    let row_sheets: Vec<String> = names[..names.len() - 2].to_vec();
    // Each problem cell: one fill, the worst severity's, and one note with every
    // message.
    let mut expected: Expected = BTreeMap::new();
    let mut add = |source: &str, severity: &str, message: &str| {
        if let Some(at) = place(source) {
            let e = expected.entry(at).or_default();
            e.0.push(severity.to_string());
            e.1.push(message.to_string());
        }
    };
    for (_, severity, message, source) in report_findings(report) {
        add(&source, &severity, &message);
    }
    for (list, severity) in [("errors", "error"), ("warnings", "warning")] {
        for e in report[list].as_array().unwrap() {
            let source = e["source"].as_str().unwrap();
            add(source, severity, e["message"]["en"].as_str().unwrap());
        }
    }
    assert!(expected.len() > 10, "only {} problem cells", expected.len());
    let mut seen = BTreeSet::new();
    for sheet in &row_sheets {
        let (notes, fills) = (notes(book, sheet), fills(book, sheet));
        for (cell, fill) in &fills {
            // The status column is filled by the status.
            if cell.trim_end_matches(|c: char| c.is_ascii_digit()) == "A" {
                continue;
            }
            let key = (sheet.clone(), cell.clone());
            let (severities, messages) = expected
                .get(&key)
                .unwrap_or_else(|| panic!("{sheet}!{cell} is filled ({fill}) but has no finding"));
            let worst = severities.iter().max_by_key(|s| rank(s)).unwrap();
            assert_eq!(fill, fill_of(worst), "{sheet}!{cell}");
            let note = notes
                .get(cell)
                .unwrap_or_else(|| panic!("{sheet}!{cell}: no note"));
            for m in messages {
                assert!(
                    note.contains(m.as_str()),
                    "{sheet}!{cell}: {note:?} lacks {m:?}"
                );
            }
            seen.insert(key);
        }
    }
    let missing: Vec<_> = expected.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "problem cells without a fill: {missing:?}"
    );

    // The Findings sheet: a row per finding, each linked to its cell.
    let all = report_findings(report);
    let rows = book.rows("Findings");
    assert_eq!(rows.len() - 1, all.len(), "one row per finding");
    assert_eq!(rows[0][0], "ID");
    let links = links(book, "Findings");
    let mut linked = 0;
    for (i, (id, severity, message, source)) in all.iter().enumerate() {
        let row = &rows[i + 1];
        assert_eq!(
            (&row[0], &row[4], &row[6], &row[7]),
            (id, severity, message, source)
        );
        if let Some(at) = place(source) {
            assert_eq!(links.get(&format!("H{}", i + 2)), Some(&at), "{source}");
            linked += 1;
        }
    }
    assert!(linked > 10, "only {linked} links checked");

    // The Summary: the report's counts.
    let summary = book.rows("Summary");
    let count = |label: &str| -> u64 {
        let row = summary
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no {label} in the Summary"));
        row[1].parse().unwrap()
    };
    let s = &report["summary"];
    for (label, key) in [
        ("Ready", "ready"),
        ("Incomplete", "incomplete"),
        ("Invalid", "invalid"),
        ("Refused", "refused"),
        ("Applicants in all", "applicants"),
    ] {
        assert_eq!(count(label), s[key].as_u64().unwrap(), "{label}");
    }
    let read: u64 = report["rows"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["read"].as_u64().unwrap())
        .sum();
    let header = summary.iter().position(|r| r[0] == "Table").unwrap();
    let shown: u64 = summary[header + 1..header + 1 + report["rows"].as_object().unwrap().len()]
        .iter()
        .map(|r| r[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(shown, read, "rows read");
}

/// The status of each applicant as the status column shows it.
fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let id = a["applicant_id"].as_str().unwrap().to_string();
            (id, a["status"].as_str().unwrap().to_string())
        })
        .collect()
}

/// `run` on samples/batch writes findings.xlsx: the three CSV files as sheets, header
/// and values as in the files (a leading-zero IIN still text), the status first, and
/// every finding on its cell.
#[test]
fn run_hands_back_the_csv_batch_with_every_problem_on_its_cell() {
    let batch = repo().join("samples/batch");
    let out = tempfile::tempdir().unwrap();
    let o = common::run_out(&batch, out.path(), &[]);
    assert!(o.code <= 1, "{}", o.stderr);
    assert!(o.stderr.contains("findings.xlsx"), "{}", o.stderr);
    let report = common::read_report(out.path());
    let mut book = Read::open(&out.path().join("findings.xlsx"));
    assert_eq!(
        book.xlsx.sheet_names(),
        ["applicants", "family", "expenses", "Findings", "Summary"]
    );
    let mut lines = BTreeMap::new();
    for (file, sheet) in [
        ("applicants.csv", "applicants"),
        ("family.csv", "family"),
        ("expenses.csv", "expenses"),
    ] {
        let csv = super::csv_rows(&batch.join(file));
        let range = book.xlsx.worksheet_range(sheet).unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Status".into()))
        );
        for (r, row) in csv.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let want = match cell {
                    super::X::T(s) => Data::String(s.clone()),
                    _ => Data::Empty,
                };
                let got = range
                    .get_value((r as u32, c as u32 + 1))
                    .cloned()
                    .unwrap_or(Data::Empty);
                assert_eq!(got, want, "{sheet} row {} column {}", r + 1, c + 2);
            }
        }
        lines.insert(file, (sheet, csv_lines(&batch.join(file))));
    }
    // A leading-zero IIN is text, as in the file.
    let applicants = book.rows("applicants");
    let iin = applicants[0].iter().position(|h| h == "iin").unwrap();
    assert!(
        applicants
            .iter()
            .any(|r| r[iin].starts_with('0') && r[iin].len() == 12)
    );
    // The status column: each applicant's status.
    let statuses = statuses(&report);
    for row in &applicants[1..] {
        if let Some(status) = statuses.get(&row[1]) {
            assert_eq!(&row[0], status, "{}", row[1]);
        }
    }
    // A row that is no applicant's says so on its status cell (line 27: a bad id), and
    // a finding about no cell (a missing scan) is in the note of its applicant's status
    // cell, with the others about that applicant's row.
    let (_, starts) = &lines["applicants.csv"];
    let bad = starts.iter().position(|&l| l == 27).unwrap();
    assert_eq!(applicants[bad][0], "not processed");
    let status_notes = notes(&book, "applicants");
    // (The error names the id's cell: its note says why.)
    assert!(status_notes[&format!("B{}", bad + 1)].contains("the row was not processed"));
    let mut scans = 0;
    for (id, _, message, source) in report_findings(&report) {
        if source.starts_with("documents/") {
            let row = applicants.iter().position(|r| r[1] == id).unwrap();
            let note = &status_notes[&format!("A{}", row + 1)];
            assert!(
                note.contains(message.as_str()),
                "{id}: {note:?} lacks {message:?}"
            );
            scans += 1;
        }
    }
    assert!(scans > 3, "only {scans} findings about scans");
    let place = |source: &str| -> Option<(String, String)> {
        let parts: Vec<&str> = source.split(':').collect();
        let [file, line, column] = parts.as_slice() else {
            return None;
        };
        let (sheet, starts) = &lines[file];
        let line: u64 = line.parse().unwrap();
        let record = starts.iter().position(|&l| l == line).unwrap();
        let column: u32 = column.parse().unwrap();
        Some((sheet.to_string(), cell_ref(record, column as usize)))
    };
    check(&mut book, &report, &place);
}

/// A workbook batch (the bundled sample, with real dates and numbers) comes back with
/// its own sheet names, rows in place (row 12 stays row 12), columns one to the right
/// of the status, dates as dates and numbers as numbers.
#[test]
fn validate_hands_back_a_workbook_with_its_sheets_and_rows_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("findings.xlsx");
    let o = validate_xlsx(&sample_workbook(), &file, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = common::validate_json(&sample_workbook()).json();
    let mut book = Read::open(&file);
    let mut source = calamine::open_workbook_auto(sample_workbook()).unwrap();
    let names = book.xlsx.sheet_names();
    let originals = source.sheet_names();
    for name in &names[..names.len() - 2] {
        assert!(
            originals.contains(name),
            "{name} is not a sheet of the batch"
        );
        let original = source.worksheet_range(name).unwrap();
        let copy = book.xlsx.worksheet_range(name).unwrap();
        let mut compared = 0;
        for (r, c, v) in original.used_cells() {
            let (r, c) = (
                original.start().unwrap().0 + r as u32,
                original.start().unwrap().1 + c as u32,
            );
            let got = copy.get_value((r, c + 1)).cloned().unwrap_or(Data::Empty);
            match (v, &got) {
                (Data::DateTime(a), Data::DateTime(b)) => assert_eq!(a.as_f64(), b.as_f64()),
                _ => assert_eq!(&got, v, "{name} row {} column {}", r + 1, c + 2),
            }
            compared += 1;
        }
        assert!(compared > 0);
    }
    let applicants = book.rows(&names[0]);
    let header = applicants.iter().position(|r| r[0] == "Status").unwrap();
    let statuses = statuses(&report);
    let mut checked = 0;
    for row in &applicants[header + 1..] {
        if let Some(status) = statuses.get(&row[1]) {
            assert_eq!(&row[0], status, "{}", row[1]);
            checked += 1;
        }
    }
    assert_eq!(checked, statuses.len());
    // A source `batch.xlsx!Заявители!L5` is cell M5 of the sheet Заявители.
    let place = |source: &str| -> Option<(String, String)> {
        let mut parts = source.rsplitn(3, '!');
        let (cell, sheet) = (parts.next()?, parts.next()?);
        parts.next()?;
        let i = cell.find(|c: char| c.is_ascii_digit())?;
        if cell.contains(':') {
            return None;
        }
        let col = crate::init::book::column_index(&cell[..i]);
        Some((
            sheet.to_string(),
            format!("{}{}", letters(col as u32 + 2), &cell[i..]),
        ))
    };
    check(&mut book, &report, &place);
}

/// `--redact`: no IIN, document number or last name of the batch anywhere in the
/// workbook's XML; statuses and fills stay.
#[test]
fn redacted_workbook_holds_no_personal_number() {
    let batch = repo().join("samples/batch");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shared.xlsx");
    let o = validate_xlsx(&batch, &file, &["--redact"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let book = Read::open(&file);
    let xml: String = book.parts.values().cloned().collect();
    let mut secrets = Vec::new();
    for file in ["applicants.csv", "family.csv"] {
        let mut reader = csv::Reader::from_path(batch.join(file)).unwrap();
        let headers = reader.headers().unwrap().clone();
        for r in reader.records() {
            let r = r.unwrap();
            for (h, v) in headers.iter().zip(r.iter()) {
                if matches!(
                    h,
                    "iin" | "id_doc_number" | "last_name" | "phone" | "bank_account"
                ) && v.len() >= 5
                {
                    secrets.push(v.to_string());
                }
            }
        }
    }
    assert!(secrets.len() > 50);
    for s in &secrets {
        assert!(!xml.contains(s.as_str()), "{s} in the redacted workbook");
    }
    assert!(!fills(&book, "applicants").is_empty());
}

/// LibreOffice opens findings.xlsx: its first sheet, saved as CSV, has the status column
/// and the batch's headers and values, a leading-zero IIN intact.
#[test]
fn libreoffice_reads_findings_xlsx_back() {
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: soffice (LibreOffice) is not installed");
        return;
    }
    let batch = repo().join("samples/batch");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("findings.xlsx");
    assert_eq!(validate_xlsx(&batch, &file, &[]).code, 1);
    let profile = dir.path().join("profile");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let back = super::csv_rows(&dir.path().join("findings.csv"));
    let original = super::csv_rows(&batch.join("applicants.csv"));
    let cell = |x: &super::X| match x {
        super::X::T(s) => s.clone(),
        _ => String::new(),
    };
    assert_eq!(cell(&back[0][0]), "Status");
    assert_eq!(back.len(), original.len());
    let trimmed = |row: &[super::X]| {
        let mut row: Vec<String> = row.iter().map(cell).collect();
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
        row
    };
    for (b, o) in back.iter().zip(&original) {
        assert_eq!(trimmed(&b[1..]), trimmed(o));
    }
    // Statuses are there, in the first column.
    assert!(back[1..].iter().all(|r| !cell(&r[0]).is_empty()));
}

/// A workbook cannot go to the console, nor into the batch.
#[test]
fn xlsx_needs_a_file_outside_the_batch() {
    let batch = repo().join("samples/batch");
    let o = run(&[
        "validate".as_ref(),
        batch.as_os_str(),
        "--format".as_ref(),
        "xlsx".as_ref(),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--out"), "{}", o.stderr);
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&batch, dir.path());
    let inside = dir.path().join("findings.xlsx");
    let o = validate_xlsx(dir.path(), &inside, &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("lies in the batch"), "{}", o.stderr);
    assert!(!inside.exists());
    let help = run(&["validate".as_ref(), "--help".as_ref()]);
    assert!(help.stdout.contains("xlsx"), "{}", help.stdout);
}
