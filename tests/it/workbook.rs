//! Workbooks as batch input (issue 16, item 1): a batch given as `.xlsx`, `.xlsm`,
//! `.xls` or `.ods` reports as the same batch given as CSV files, but for its sources,
//! which name the cell as Excel shows it (`batch.xlsx!Заявители!L5`) in every report.
//! A batch folder may hold workbooks instead of CSV files, never both for one table.
//! How single cells are read (dates, numbers, errors, merged and hidden cells, limits)
//! is in `workbook/cells.rs`.
//!
//! Workbooks are written here with rust_xlsxwriter ([`Book`]); `samples/workbook/` is
//! made by `samples/workbook.py` (openpyxl), and the `.ods` and `.xls` copies of it in
//! `tests/fixture/workbook/` by LibreOffice (`soffice --headless --convert-to ods`).

use crate::common;

mod cells;
mod findings;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;

use common::{AS_OF, copy_dir, repo, run, validate_json};

// ---------------------------------------------------------------------------------------
// Writing workbooks

/// One cell of a sheet to write.
#[derive(Debug, Clone)]
pub enum X {
    Empty,
    /// Text, in a cell formatted as Text.
    T(String),
    /// A number, in a General cell.
    N(f64),
    /// A date `YYYY-MM-DD`, as an Excel date shown `DD.MM.YYYY`.
    D(String),
    /// A number in a cell formatted as a date: a serial, read in the workbook's date
    /// system.
    Serial(f64),
    B(bool),
    /// A formula with its cached result (an error code for an error cell).
    F(&'static str, &'static str),
}

pub fn t(v: &str) -> X {
    if v.is_empty() {
        X::Empty
    } else {
        X::T(v.into())
    }
}

/// A workbook of sheets, each a name and its rows from `A1`; `merges` are
/// (sheet, first row, first column, last row, last column), 0-based, of text `value`;
/// `hidden` are (sheet, row) hidden.
#[derive(Default)]
pub struct Book {
    pub sheets: Vec<(String, Vec<Vec<X>>)>,
    pub merges: Vec<(usize, u32, u16, u32, u16, String)>,
    pub hidden: Vec<(usize, u32)>,
    /// A formatted blank cell far below and right of the data (Excel keeps formatting
    /// of cells nobody filled).
    pub formatted_blank: Option<(u32, u16)>,
}

impl Book {
    pub fn sheet(mut self, name: &str, rows: Vec<Vec<X>>) -> Book {
        self.sheets.push((name.into(), rows));
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let text = Format::new().set_num_format("@");
        let date = Format::new().set_num_format("dd.mm.yyyy");
        for (k, (name, rows)) in self.sheets.iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        X::Empty => {}
                        X::T(v) => drop(ws.write_string_with_format(r, c, v, &text).unwrap()),
                        X::N(n) => drop(ws.write_number(r, c, *n).unwrap()),
                        X::D(iso) => {
                            let d = ExcelDateTime::parse_from_str(iso).unwrap();
                            ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                        }
                        X::Serial(n) => drop(ws.write_number_with_format(r, c, *n, &date).unwrap()),
                        X::B(b) => drop(ws.write_boolean(r, c, *b).unwrap()),
                        X::F(f, result) => {
                            ws.write_formula(r, c, Formula::new(*f).set_result(*result))
                                .unwrap();
                        }
                    }
                }
            }
            for (s, r1, c1, r2, c2, v) in &self.merges {
                if *s == k {
                    ws.merge_range(*r1, *c1, *r2, *c2, v, &text).unwrap();
                }
            }
            for (s, r) in &self.hidden {
                if *s == k {
                    ws.set_row_hidden(*r).unwrap();
                }
            }
            if let Some((r, c)) = self.formatted_blank {
                ws.write_blank(r, c, &text).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }
}

/// The rows of a CSV file (header first), as text cells.
pub fn csv_rows(path: &Path) -> Vec<Vec<X>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(t).collect())
        .collect()
}

/// The line each record of a CSV file starts on, header first.
fn csv_lines(path: &Path) -> Vec<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).unwrap() {
        lines.push(record.position().unwrap().line());
    }
    lines
}

// ---------------------------------------------------------------------------------------
// Comparing reports

/// `report` with every `source` replaced by `null`.
pub fn without_sources(report: &Value) -> Value {
    match report {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if k == "source" {
                        Value::Null
                    } else {
                        without_sources(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_sources).collect()),
        v => v.clone(),
    }
}

/// Every `source` of the report, in order (findings, errors, warnings).
pub fn sources(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn go(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("source", Value::String(s)) => out.push(s.clone()),
                        _ => go(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| go(v, out)),
            _ => {}
        }
    }
    go(report, &mut out);
    out
}

/// The letters of 1-based column `n`.
pub fn letters(mut n: u32) -> String {
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn validate(batch: &Path) -> Value {
    let out = validate_json(batch);
    assert!(out.code <= 1, "exit {}: {}", out.code, out.stderr);
    out.json()
}

/// A temporary folder holding `files` (name, bytes) and, when `documents`, a copy of
/// `documents/` of `samples/<documents>`.
fn folder(files: &[(&str, Vec<u8>)], documents: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    if let Some(sample) = documents {
        copy_dir(
            &repo().join("samples").join(sample).join("documents"),
            &dir.path().join("documents"),
        );
    }
    dir
}

fn sample_workbook() -> PathBuf {
    repo().join("samples/workbook/batch.xlsx")
}

// ---------------------------------------------------------------------------------------
// The same batch, as CSV and as a workbook

/// samples/batch as one workbook of text cells with a title row above each header:
/// every finding, error and warning of the CSV batch, each source the cell of the CSV
/// source (record `i` of a file on row `i + 2` of its sheet, column for column).
#[test]
fn a_workbook_reports_as_its_csv_batch_with_sources_on_its_cells() {
    let csv_batch = repo().join("samples/batch");
    let mut book = Book::default();
    let mut lines = BTreeMap::new();
    for (file, sheet) in [
        ("applicants.csv", "applicants"),
        ("family.csv", "Члены семьи"),
        ("expenses.csv", "Expenses"),
    ] {
        let mut rows = vec![vec![t(&format!("{sheet}: пакет 2026"))]];
        rows.extend(csv_rows(&csv_batch.join(file)));
        book = book.sheet(sheet, rows);
        lines.insert(file, (sheet, csv_lines(&csv_batch.join(file))));
    }
    let dir = folder(&[("Партия 7.xlsx", book.bytes())], Some("batch"));
    let from_csv = validate(&csv_batch);
    let from_book = validate(&dir.path().join("Партия 7.xlsx"));
    assert_eq!(without_sources(&from_book), without_sources(&from_csv));
    let (csv_sources, book_sources) = (sources(&from_csv), sources(&from_book));
    assert_eq!(csv_sources.len(), book_sources.len());
    let mut cells = 0;
    for (c, b) in csv_sources.iter().zip(&book_sources) {
        let parts: Vec<&str> = c.split(':').collect();
        let expected = match parts.as_slice() {
            [file, line, rest @ ..] if lines.contains_key(file) => {
                let (sheet, starts) = &lines[file];
                let line: u64 = line.parse().unwrap();
                let record = starts.iter().position(|&l| l == line).unwrap();
                let row = record + 2;
                match rest {
                    [column] => {
                        cells += 1;
                        format!(
                            "Партия 7.xlsx!{sheet}!{}{row}",
                            letters(column.parse().unwrap())
                        )
                    }
                    _ => format!("Партия 7.xlsx!{sheet}!{row}:{row}"),
                }
            }
            _ => c.clone(),
        };
        assert_eq!(b, &expected, "the CSV source {c}");
    }
    assert!(cells > 20, "only {cells} cell sources compared");
}

/// The bundled sample workbook (samples/workbook/batch.xlsx, made from samples/excel-ru
/// with real Excel dates and numbers) reports as excel-ru, but for its two traps: A005's
/// IIN stored as a number without its leading 0 (accepted, `data.excel_number`) and
/// A044's 20-digit account stored as a number (`data.format`: A044 invalid).
#[test]
fn the_sample_workbook_reports_as_excel_ru_but_for_its_two_traps() {
    let csv = without_sources(&validate(&repo().join("samples/excel-ru")));
    let book = validate(&sample_workbook());
    let traps: Vec<(String, String, String)> = common::findings(&book)
        .into_iter()
        .filter(|(_, f)| {
            matches!(
                f["rule"].as_str(),
                Some("data.excel_number" | "data.format")
            )
        })
        .map(|(id, f)| {
            let rule = f["rule"].as_str().unwrap().to_string();
            (id, rule, f["source"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        traps,
        [
            (
                "A005".into(),
                "data.excel_number".into(),
                "batch.xlsx!Заявители!L5".into()
            ),
            (
                "A044".into(),
                "data.format".into(),
                "batch.xlsx!Заявители!AY16".into()
            ),
        ]
    );
    let a044 = common::findings_of(&book, "A044");
    let format = a044.iter().find(|f| f["rule"] == "data.format").unwrap();
    assert!(
        format["message"]["en"]
            .as_str()
            .unwrap()
            .ends_with("format the column as Text and type the number again"),
        "{format}"
    );
    // Without the traps' findings (and A044's status), the same report.
    let mut book = without_sources(&book);
    for a in book["applicants"].as_array_mut().unwrap() {
        a["findings"].as_array_mut().unwrap().retain(|f| {
            !matches!(
                f["rule"].as_str(),
                Some("data.excel_number" | "data.format")
            )
        });
        if a["applicant_id"] == "A044" {
            assert_eq!(a["status"], "invalid");
            a["status"] = common::applicant(&csv, "A044")["status"].clone();
        }
    }
    book["summary"] = csv["summary"].clone();
    assert_eq!(book, csv);
}

/// The .ods and .xls LibreOffice made of the sample workbook report as it does.
#[test]
fn ods_and_xls_report_as_xlsx() {
    let xlsx = serde_json::to_string(&validate(&sample_workbook())).unwrap();
    for name in ["batch.ods", "batch.xls"] {
        let bytes = fs::read(repo().join("tests/fixture/workbook").join(name)).unwrap();
        let dir = folder(&[(name, bytes)], Some("workbook"));
        let report = serde_json::to_string(&validate(&dir.path().join(name))).unwrap();
        assert_eq!(
            report.replace(&format!("{name}!"), "batch.xlsx!"),
            xlsx,
            "{name}"
        );
    }
}

/// The same sample in every report: JSON, CSV, HTML and the console name the cell.
#[test]
fn sources_name_the_cell_in_every_report() {
    let path = sample_workbook();
    for (format, expect) in [
        ("json", "\"source\":\"batch.xlsx!Заявители!L5\""),
        ("csv", "batch.xlsx!Заявители!L5"),
        ("html", "batch.xlsx!Заявители!L5"),
        ("text", "(batch.xlsx!Заявители!L5)"),
    ] {
        let out = run(&[
            "validate".as_ref(),
            path.as_os_str(),
            "--as-of".as_ref(),
            AS_OF.as_ref(),
            "--format".as_ref(),
            format.as_ref(),
        ]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains(expect), "{format}: no {expect}");
    }
    // Redacted, the workbook's name (which may be a family's) is hidden, its sheet and
    // cell are not.
    let dir = folder(
        &[("Ivanov 850412313187.xlsx", fs::read(&path).unwrap())],
        None,
    );
    let named = dir.path().join("Ivanov 850412313187.xlsx");
    let out = run(&[
        "validate".as_ref(),
        named.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--redact".as_ref(),
    ]);
    assert!(!out.stdout.contains("Ivanov"));
    assert!(out.stdout.contains("\"•••.xlsx!Заявители!L5\""));
    let text = run(&[
        "validate".as_ref(),
        named.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--redact".as_ref(),
    ]);
    assert!(!text.stdout.contains("Ivanov"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("read •••.xlsx, sheet «Заявители» (applicants table): header on row 2"),
        "{}",
        text.stdout
    );
}

/// The console's line of how a table was read names the workbook and the sheet, and
/// under `--redact` hides them as the report's sources do: a sheet named for a family
/// is not a table's name.
#[test]
fn how_a_sheet_was_read_is_redacted_as_its_sources() {
    let csv_batch = repo().join("samples/batch");
    let applicants = Book::default()
        .sheet("Ivanov family", csv_rows(&csv_batch.join("applicants.csv")))
        .bytes();
    let read = |f: &str| fs::read(csv_batch.join(f)).unwrap();
    let dir = folder(
        &[
            ("applicants.xlsx", applicants),
            ("family.csv", read("family.csv")),
            ("expenses.csv", read("expenses.csv")),
        ],
        Some("batch"),
    );
    let validate = |extra: &[&str]| {
        let mut args = vec!["validate", dir.path().to_str().unwrap(), "--as-of", AS_OF];
        args.extend(extra);
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        run(&args).stdout
    };
    let plain = validate(&[]);
    assert!(
        plain.contains(
            "read applicants.xlsx, sheet «Ivanov family» (applicants table): header on row 1"
        ),
        "{plain}"
    );
    assert!(plain.contains("read family.csv: UTF-8"), "{plain}");
    let redacted = validate(&["--redact"]);
    assert!(!redacted.contains("Ivanov"), "{redacted}");
    assert!(
        redacted.contains("read •••.xlsx, sheet «•••» (applicants table): header on row 1"),
        "{redacted}"
    );
}

// ---------------------------------------------------------------------------------------
// Batch folders holding workbooks

/// A folder holding the sample workbook reports as the workbook named directly; a
/// folder with `applicants.xlsx` (its one sheet of any name) beside family.csv and
/// expenses.csv reports as the CSV batch.
#[test]
fn a_batch_folder_may_hold_workbooks() {
    let sample = fs::read(sample_workbook()).unwrap();
    let dir = folder(&[("batch.xlsx", sample)], Some("workbook"));
    assert_eq!(
        validate(dir.path()),
        validate(&dir.path().join("batch.xlsx"))
    );

    let csv_batch = repo().join("samples/batch");
    let applicants = Book::default()
        .sheet("Лист1", csv_rows(&csv_batch.join("applicants.csv")))
        .bytes();
    let dir = folder(
        &[
            ("Applicants.XLSX", applicants),
            (
                "family.csv",
                fs::read(csv_batch.join("family.csv")).unwrap(),
            ),
            (
                "expenses.csv",
                fs::read(csv_batch.join("expenses.csv")).unwrap(),
            ),
        ],
        Some("batch"),
    );
    let report = validate(dir.path());
    assert_eq!(
        without_sources(&report),
        without_sources(&validate(&csv_batch))
    );
    let s = sources(&report);
    assert!(
        s.iter().any(|s| s.starts_with("Applicants.XLSX!Лист1!")),
        "{s:?}"
    );
    assert!(s.iter().any(|s| s.starts_with("family.csv:")), "{s:?}");
}

/// A table given both as CSV and in a workbook is an error naming both (exit 2), never
/// a silent choice; so are two workbooks holding batch tables.
#[test]
fn csv_and_workbook_for_one_table_is_exit_2() {
    let csv_batch = repo().join("samples/batch");
    let applicants = fs::read(csv_batch.join("applicants.csv")).unwrap();
    let family = fs::read(csv_batch.join("family.csv")).unwrap();
    let book = |sheet: &str| {
        Book::default()
            .sheet(sheet, csv_rows(&csv_batch.join("family.csv")))
            .bytes()
    };
    for (files, expect) in [
        (
            vec![
                ("applicants.csv", applicants.clone()),
                ("applicants.xlsx", book("Лист1")),
            ],
            "applicants.csv and applicants.xlsx both hold the applicants table",
        ),
        (
            vec![
                ("applicants.csv", applicants.clone()),
                ("family.csv", family.clone()),
                ("Партия.xlsx", book("Семья")),
            ],
            "family.csv and the sheet «Семья» of Партия.xlsx both hold the family table",
        ),
        (
            vec![
                ("applicants.csv", applicants.clone()),
                ("a.xlsx", book("Семья")),
                ("b.xlsx", book("Расходы")),
            ],
            "the workbooks a.xlsx and b.xlsx both hold batch tables",
        ),
    ] {
        let dir = folder(&files, None);
        let out = common::validate_json(dir.path());
        assert_eq!(out.code, 2, "{expect}: {}", out.stdout);
        assert!(out.stderr.contains(expect), "{expect}:\n{}", out.stderr);
    }
    // Excel's lock file beside an open workbook is none of the batch's.
    let dir = folder(
        &[
            ("applicants.csv", applicants),
            ("~$applicants.xlsx", b"lock".to_vec()),
        ],
        None,
    );
    assert_eq!(common::validate_json(dir.path()).code, 1);
}
