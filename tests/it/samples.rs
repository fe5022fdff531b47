//! End-to-end tests over the two sample batches (samples/batch, samples/excel-ru): every
//! row is accounted for, the deliberately broken rows give the findings samples/README.md
//! promises (as far as ingest and the document scan produce them today), no personal
//! number leaks into a message, and `run` writes the same report as `validate`.

use crate::common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// The text of a sample CSV file, decoded independently of the tool: UTF-8 (BOM
/// stripped) when valid, else Windows-1251.
fn decode_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A CSV file read with the csv crate: the header and each non-blank data record with
/// the physical line it starts on.
struct Csv {
    header: Vec<String>,
    records: Vec<(u64, Vec<String>)>,
}

impl Csv {
    fn read(path: &Path, delim: u8) -> Csv {
        let text = decode_file(path);
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut header = None;
        let mut records = Vec::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            // The record starts after the line break that ended the previous one.
            let mut at = r.position().unwrap().byte() as usize;
            while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            let line = text.as_bytes()[..at]
                .iter()
                .filter(|&&c| c == b'\n')
                .count() as u64
                + 1;
            let fields: Vec<String> = r.iter().map(|f| f.trim().to_string()).collect();
            if header.is_none() {
                header = Some(fields);
            } else {
                records.push((line, fields));
            }
        }
        Csv {
            header: header.expect("a header row"),
            records,
        }
    }

    /// The 1-based column number of the first header in `names`.
    fn column(&self, names: &[&str]) -> usize {
        self.header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
            .unwrap_or_else(|| panic!("no column {names:?} in {:?}", self.header))
            + 1
    }

    /// The line of the record whose first column is `id`.
    fn line_of(&self, id: &str) -> u64 {
        self.records
            .iter()
            .find(|(_, f)| f[0] == id)
            .unwrap_or_else(|| panic!("no row {id}"))
            .0
    }

    /// The non-empty values of the column named by one of `names`.
    fn values(&self, names: &[&str]) -> Vec<String> {
        let k = self.column(names) - 1;
        self.records
            .iter()
            .filter_map(|(_, f)| f.get(k).filter(|v| !v.is_empty()).cloned())
            .collect()
    }
}

const FILES: [&str; 3] = ["applicants.csv", "family.csv", "expenses.csv"];

/// Validates a sample batch and checks what holds for every batch: invariants, rows read
/// equal to the records of each file, every rejected row in `errors`, no IIN in any
/// message. Returns the report.
fn check_sample(name: &str, delim: u8) -> Value {
    let dir = repo().join("samples").join(name);
    let out = validate_json(&dir);
    assert_eq!(out.code, 1, "{name}: some applicants have findings");
    let report = out.json();
    check_invariants(&report);
    assert_eq!(report["as_of"], AS_OF);

    for file in FILES {
        let csv = Csv::read(&dir.join(file), delim);
        let c = &report["rows"][file];
        let read = c["read"]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: rows.{file}"));
        assert_eq!(
            read,
            csv.records.len() as u64,
            "{name}/{file}: every non-blank data row is read"
        );
        assert_eq!(
            read,
            c["accepted"].as_u64().unwrap() + c["rejected"].as_u64().unwrap(),
            "{name}/{file}: {c}"
        );
        // Every rejected row is in errors, pointing at its own line of its own file.
        let rejected_lines: Vec<u64> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["source"].as_str())
            .filter_map(|s| s.strip_prefix(&format!("{file}:")))
            .map(|rest| rest.split(':').next().unwrap().parse::<u64>().unwrap())
            .collect();
        assert_eq!(
            rejected_lines.len() as u64,
            c["rejected"].as_u64().unwrap(),
            "{name}/{file}: one error per rejected row"
        );
        for line in rejected_lines {
            assert!(
                csv.records.iter().any(|(l, _)| *l == line),
                "{name}/{file}: error at line {line}, where no record starts"
            );
        }
    }
    let applicants = Csv::read(&dir.join("applicants.csv"), delim);
    assert_eq!(
        report["summary"]["applicants"],
        report["rows"]["applicants.csv"]["accepted"]
    );

    // No full IIN (applicants' or family members') in any message.
    let family = Csv::read(&dir.join("family.csv"), delim);
    let iins: Vec<String> = applicants
        .values(&["iin", "ИИН"])
        .into_iter()
        .chain(family.values(&["iin", "ИИН"]))
        .collect();
    assert!(iins.len() > 10, "{name}: the sample has IINs");
    let messages = all_messages(&report);
    for iin in &iins {
        for m in &messages {
            assert!(!m.contains(iin.as_str()), "{name}: IIN {iin} in «{m}»");
        }
    }
    report
}

/// The one finding of `id` with `rule`, failing when there is none.
fn finding(report: &Value, id: &str, rule: &str) -> Value {
    let f = findings_of(report, id);
    f.iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("{id}: no {rule} finding in {f:#?}"))
        .clone()
}

#[test]
fn canonical_batch_is_read_with_every_row_accounted_for() {
    let report = check_sample("batch", b',');
    let dir = repo().join("samples/batch");
    let applicants = Csv::read(&dir.join("applicants.csv"), b',');
    let family = Csv::read(&dir.join("family.csv"), b',');

    // Every record is read; only the path-traversal id is rejected.
    let records = applicants.records.len();
    assert!(records > 30, "{records} applicants in the sample");
    assert_eq!(report["rows"]["applicants.csv"]["read"], records);
    assert_eq!(report["rows"]["applicants.csv"]["rejected"], 1);
    assert_eq!(report["summary"]["applicants"], records - 1);
    assert_eq!(report["rows"]["family.csv"]["rejected"], 1);
    assert_eq!(report["rows"]["expenses.csv"]["rejected"], 0);

    let errors = report["errors"].as_array().unwrap();
    let error = |rule: &str, source: String| {
        assert!(
            errors
                .iter()
                .any(|e| e["rule"] == rule && e["source"] == source.as_str()),
            "no {rule} error at {source} in {errors:#?}"
        );
    };
    // The path-traversal id: rejected, its row and id column named.
    error(
        "data.format",
        format!("applicants.csv:{}:1", applicants.line_of("../../etc/x")),
    );
    assert!(
        errors
            .iter()
            .any(|e| e["message"]["en"].as_str().unwrap().contains("../../etc/x"))
    );
    // The family row of an applicant who does not exist.
    error(
        "data.orphan",
        format!("family.csv:{}:1", family.line_of("A999")),
    );
}

#[test]
fn canonical_batch_broken_identifiers_point_at_their_cells() {
    let report = validate_json(&repo().join("samples/batch")).json();
    let applicants = Csv::read(&repo().join("samples/batch/applicants.csv"), b',');
    let cell = |id: &str, col: &str| {
        format!(
            "applicants.csv:{}:{}",
            applicants.line_of(id),
            applicants.column(&[col])
        )
    };

    let f = finding(&report, "A033", "data.iin_checksum");
    assert_eq!(f["field"], "iin");
    assert_eq!(f["source"], cell("A033", "iin").as_str());
    assert_eq!(f["severity"], "error");

    let f = finding(&report, "A034", "data.format");
    assert_eq!(f["field"], "iin");
    assert_eq!(f["source"], cell("A034", "iin").as_str());

    // A035: impossible birth date 1985-02-31, in column 8 of its row. The row comes after
    // A002's two-line address, so its line is not its record number.
    let f = finding(&report, "A035", "data.format");
    assert_eq!(f["field"], "birth_date");
    let line = applicants.line_of("A035");
    let record_number = applicants
        .records
        .iter()
        .position(|(_, r)| r[0] == "A035")
        .unwrap() as u64
        + 2;
    assert_eq!(
        line,
        record_number + 1,
        "one embedded line break above A035"
    );
    assert_eq!(applicants.column(&["birth_date"]), 8);
    assert_eq!(f["source"], format!("applicants.csv:{line}:8").as_str());
    assert!(
        f["message"]["en"].as_str().unwrap().contains("1985-02-31"),
        "{f}"
    );

    let f = finding(&report, "A036", "data.format");
    assert_eq!(f["field"], "sex");
    assert_eq!(f["source"], cell("A036", "sex").as_str());

    let f = finding(&report, "A037", "data.bank_account");
    assert_eq!(f["field"], "bank_account");
    assert_eq!(f["source"], cell("A037", "bank_account").as_str());
}

#[test]
fn canonical_batch_unreadable_scans_are_findings() {
    let report = validate_json(&repo().join("samples/batch")).json();
    let f = finding(&report, "A029", "docs.unreadable");
    assert_eq!(f["source"], "documents/A029/photo.jpg");
    let f = finding(&report, "A030", "docs.unreadable");
    assert_eq!(f["source"], "documents/A030/marriage_certificate.pdf");
    assert!(
        f["message"]["en"].as_str().unwrap().contains("empty"),
        "{f}"
    );
    // The applicants with broken data are not ready, whatever else the rules add.
    for id in ["A033", "A034", "A035", "A036", "A037"] {
        assert_ne!(applicant(&report, id)["status"], "ready", "{id}");
    }
}

#[test]
fn excel_ru_batch_is_read_with_every_row_accounted_for() {
    let report = check_sample("excel-ru", b';');
    let dir = repo().join("samples/excel-ru");
    let records = Csv::read(&dir.join("applicants.csv"), b';').records.len();
    assert!(records >= 9, "{records} applicants in the sample");
    assert_eq!(report["summary"]["applicants"], records);
    for file in FILES {
        assert_eq!(report["rows"][file]["rejected"], 0, "{file}");
    }
    // Russian headers map to every column: nothing is ignored (the columns edition 2
    // retired are recognised, with their one warning).
    for w in report["warnings"].as_array().unwrap() {
        assert_eq!(w["rule"], "data.column_retired", "{w:#}");
    }
    let f = finding(&report, "A029", "docs.unreadable");
    assert_eq!(f["source"], "documents/A029/photo.jpg");
    // Names decoded from Windows-1251.
    assert_eq!(
        applicant(&report, "A001")["name"],
        "Кузнецов Андрей Викторович"
    );
}

#[test]
fn run_writes_the_validate_report_privately() {
    let t = tempfile::tempdir().unwrap();
    let out_dir = t.path().join("out");
    let batch = repo().join("samples/batch");
    let run = run_batch(&batch, &out_dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("report.json"), "{}", run.stderr);
    let written = std::fs::read_to_string(out_dir.join("report.json")).unwrap();
    let mut written: Value = serde_json::from_str(&written).unwrap();
    let mut printed = validate_json(&batch).json();
    // `run` lists the PDFs it rendered; `validate` renders nothing. All else is equal.
    fn strip_outputs(report: &mut Value) {
        for a in report["applicants"].as_array_mut().unwrap() {
            a["outputs"] = Value::Null;
        }
    }
    strip_outputs(&mut written);
    strip_outputs(&mut printed);
    // `run` also says what changed since its last run (here: nothing to compare with).
    let written_map = written.as_object_mut().unwrap();
    assert_eq!(written_map.remove("changes"), Some(Value::Null));
    assert_eq!(written_map.remove("changes_since"), Some(Value::Null));
    assert_eq!(written, printed);
    // No temporary file is left behind.
    for p in walk(&out_dir) {
        assert!(!p.to_string_lossy().ends_with(".tmp"), "{}", p.display());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out_dir), 0o700, "OUT is owner-only");
        assert_eq!(mode(&out_dir.join("report.json")), 0o600);
    }
    // A second run over the same folder replaces the report.
    let again = run_batch(&batch, &out_dir);
    assert_eq!(again.code, 1, "{}", again.stderr);
    let mut rewritten: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    strip_outputs(&mut rewritten);
    // Compared with the first run: nothing changed.
    let rewritten_map = rewritten.as_object_mut().unwrap();
    assert_eq!(rewritten_map.remove("changes"), Some(serde_json::json!([])));
    assert_eq!(
        rewritten_map.remove("changes_since"),
        Some(Value::from(AS_OF))
    );
    assert_eq!(rewritten, printed);
}

#[test]
fn validate_text_is_the_default_and_names_the_formats_read() {
    let out = run(&[
        "validate".as_ref(),
        repo().join("samples/excel-ru").as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "applicants.csv: Windows-1251 (70 % of its Cyrillic letters are Russian's ten commonest, 38 % read as KOI8-R), ';'"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("A029"), "{}", out.stdout);
}

#[test]
fn run_refuses_a_file_as_out() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("out");
    std::fs::write(&file, b"keep me").unwrap();
    let out = run_batch(&repo().join("samples/batch"), &file);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("out"), "{}", out.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

/// The sample check above holds for well-formed rows. A row whose cells slipped one
/// column (a cell deleted in Excel) puts the IIN under another header, whose
/// `data.format` message quotes the value: the IIN must still be masked.
#[test]
fn iin_in_the_wrong_column_is_masked() {
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    let iin = iin("1985-04-12", false, 1);
    a.set(0, "citizenship", s(&iin));
    a.set(0, "birth_date", s(&iin));
    a.set(0, "iin", s(""));
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", &a.to_bytes(Format::UTF8));
    let r = validate_json(t.path()).json();
    assert!(!findings_of(&r, "A001").is_empty());
    for m in all_messages(&r) {
        assert!(!m.contains(&iin), "full IIN in «{m}»");
    }
}
