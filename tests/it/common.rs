//! Shared helpers of the end-to-end tests: writing fixture batches in any encoding and
//! delimiter, running the binary, reading its report.
//!
//! Each module of the test binary uses only part of this module.
// Some helpers (`pdfinfo`) serve only the unix-only tests.
#![cfg_attr(not(unix), allow(dead_code))]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The as-of date every test runs with, so date rules are reproducible.
pub const AS_OF: &str = "2026-11-24";

/// The repository root (where `samples/` lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `resettle` binary, with a fixed English locale.
pub fn resettle() -> Command {
    let mut cmd = Command::cargo_bin("resettle").expect("the resettle binary is built");
    cmd.env("LC_ALL", "C")
        .env("LANG", "C")
        .env_remove("LC_MESSAGES");
    cmd
}

/// What a run of the binary gave.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Asserts the exit status `code` and that stderr says `text`.
    pub fn says(&self, code: i32, text: &str) {
        assert_eq!(self.code, code, "{}", self.stderr);
        assert!(self.stderr.contains(text), "{}", self.stderr);
    }

    /// The JSON on stdout (of `validate --format json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}); exit {}\nstdout:\n{}\nstderr:\n{}",
                self.code, self.stdout, self.stderr
            )
        })
    }
}

/// Runs the binary with `args` and returns its exit status and output. A killed process
/// (a panic that aborts, a signal) fails the test.
pub fn run(args: &[&std::ffi::OsStr]) -> Outcome {
    let out = resettle().args(args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked on {args:?}:\n{stderr}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal on {args:?}:\n{stderr}"));
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    }
}

/// `resettle validate BATCH --as-of AS_OF --format json`.
pub fn validate_json(batch: &Path) -> Outcome {
    run(&[
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ])
}

/// `resettle run BATCH --out OUT --as-of AS_OF`.
pub fn run_batch(batch: &Path, out: &Path) -> Outcome {
    run(&[
        "run".as_ref(),
        batch.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ])
}

// ---------------------------------------------------------------------------------------
// Reading reports

/// Every finding of every applicant, with its applicant id.
pub fn findings(report: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for a in report["applicants"].as_array().expect("applicants array") {
        let id = a["applicant_id"]
            .as_str()
            .expect("applicant_id")
            .to_string();
        for f in a["findings"].as_array().expect("findings array") {
            out.push((id.clone(), f.clone()));
        }
    }
    out
}

/// The findings of one applicant.
pub fn findings_of(report: &Value, id: &str) -> Vec<Value> {
    let a = applicant(report, id);
    a["findings"].as_array().expect("findings array").clone()
}

/// The report entry of applicant `id`; fails the test when absent.
pub fn applicant<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["applicants"]
        .as_array()
        .expect("applicants array")
        .iter()
        .find(|a| a["applicant_id"] == id)
        .unwrap_or_else(|| panic!("applicant {id} not in the report"))
}

/// Whether `rule` is about a file in documents/ as such (unreadable, unrecognised, out
/// of the batch), as opposed to a document the rules find missing.
pub fn is_scan_rule(rule: &Value) -> bool {
    ["docs.unreadable", "docs.unrecognized", "docs.outside"]
        .iter()
        .any(|r| rule == r)
}

/// Every human-readable message of the report (findings, errors, warnings; ru and en).
pub fn all_messages(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |m: &Value| {
        for lang in ["ru", "en"] {
            if let Some(s) = m[lang].as_str() {
                out.push(s.to_string());
            }
        }
    };
    for (_, f) in findings(report) {
        push(&f["message"]);
    }
    for list in ["errors", "warnings"] {
        for e in report[list].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            push(&e["message"]);
        }
    }
    out
}

/// Checks the invariants every report must keep: the summary adds up, statuses are in
/// the allowed set, every row read is accepted or rejected, every rejected row is in
/// `errors` with a source naming its file.
pub fn check_invariants(report: &Value) {
    let applicants = report["applicants"].as_array().expect("applicants array");
    let s = &report["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k}"));
    assert_eq!(
        n("applicants"),
        applicants.len() as u64,
        "summary.applicants"
    );
    assert_eq!(
        n("ready") + n("incomplete") + n("refused") + n("invalid"),
        n("applicants"),
        "summary counts add up: {s}"
    );
    for status in ["ready", "incomplete", "refused", "invalid"] {
        let count = applicants.iter().filter(|a| a["status"] == status).count() as u64;
        assert_eq!(count, n(status), "summary.{status}");
    }
    for a in applicants {
        let st = a["status"].as_str().expect("status");
        assert!(
            ["ready", "incomplete", "refused", "invalid"].contains(&st),
            "status {st}"
        );
        for f in a["findings"].as_array().expect("findings") {
            let sev = f["severity"].as_str().expect("severity");
            assert!(
                ["refusal", "error", "missing", "warning"].contains(&sev),
                "severity {sev}"
            );
            assert!(f["rule"].as_str().is_some_and(|r| !r.is_empty()));
            assert!(f["message"]["en"].as_str().is_some_and(|m| !m.is_empty()));
            assert!(f["message"]["ru"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    let rows = report["rows"].as_object().expect("rows object");
    let errors = report["errors"].as_array().expect("errors array");
    for (file, c) in rows {
        let (read, accepted, rejected) = (
            c["read"].as_u64().unwrap(),
            c["accepted"].as_u64().unwrap(),
            c["rejected"].as_u64().unwrap(),
        );
        assert_eq!(read, accepted + rejected, "{file}: {c}");
        // A row of a CSV file is `applicants.csv:7`; a row of a sheet `book.xlsx!Семья!A7`
        // (the sheet a table was read from is not in the report: any cell counts).
        let listed = errors
            .iter()
            .filter(|e| {
                e["source"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(&format!("{file}:")) || s.contains('!'))
            })
            .count() as u64;
        assert!(
            listed >= rejected,
            "{file}: {rejected} rows rejected but only {listed} errors name the file"
        );
    }
    if let Some(c) = rows.get("applicants.csv") {
        assert_eq!(
            c["accepted"].as_u64().unwrap(),
            applicants.len() as u64,
            "every accepted applicants.csv row is an applicant"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Writing fixtures

/// A text encoding as spreadsheet programs write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf8Bom,
    Cp1251,
    Utf16LeBom,
    Utf16BeBom,
}

/// Encodes `text`; fails the test if a character cannot be written (cp1251).
pub fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Cp1251 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
            assert!(!unmappable, "not encodable in Windows-1251: {text}");
            bytes.into_owned()
        }
        Enc::Utf16LeBom => {
            let mut out = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                out.extend_from_slice(&u.to_le_bytes());
            }
            out
        }
        Enc::Utf16BeBom => {
            let mut out = vec![0xFE, 0xFF];
            for u in text.encode_utf16() {
                out.extend_from_slice(&u.to_be_bytes());
            }
            out
        }
    }
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    pub enc: Enc,
    pub delim: char,
    pub crlf: bool,
    /// Russian headers (the first alias in fields.toml) and Russian values (DD.MM.YYYY,
    /// да/нет, decimal comma, Russian enumeration words).
    pub russian: bool,
    /// A line written before the header, e.g. `sep=;` or an empty line.
    pub first_line: Option<&'static str>,
}

impl Format {
    pub const UTF8: Format = Format {
        enc: Enc::Utf8,
        delim: ',',
        crlf: false,
        russian: false,
        first_line: None,
    };
    pub const EXCEL_RU: Format = Format {
        enc: Enc::Cp1251,
        delim: ';',
        crlf: true,
        russian: true,
        first_line: None,
    };
}

/// One cell of a logical table: the English and the Russian way of writing one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub en: String,
    pub ru: String,
}

/// The same text in both spellings.
pub fn s(v: &str) -> Cell {
    Cell {
        en: v.into(),
        ru: v.into(),
    }
}

/// A word with an English and a Russian spelling (an enumeration value).
pub fn w(en: &str, ru: &str) -> Cell {
    Cell {
        en: en.into(),
        ru: ru.into(),
    }
}

/// A date `YYYY-MM-DD`, written `DD.MM.YYYY` in Russian.
pub fn d(iso: &str) -> Cell {
    let (y, rest) = iso.split_at(4);
    let (m, dd) = (&rest[1..3], &rest[4..6]);
    Cell {
        en: iso.into(),
        ru: format!("{dd}.{m}.{y}"),
    }
}

/// A yes/no value.
pub fn b(v: bool) -> Cell {
    if v {
        w("yes", "да")
    } else {
        w("no", "нет")
    }
}

/// An amount `1234.50`, written `1234,50` in Russian.
pub fn amount(v: &str) -> Cell {
    Cell {
        en: v.into(),
        ru: v.replace('.', ","),
    }
}

/// A table: headers (English name, Russian alias) and rows of cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<(String, String)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[(&str, &str)]) -> Table {
        Table {
            headers: headers
                .iter()
                .map(|(e, r)| (e.to_string(), r.to_string()))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row given as (column, cell) pairs; columns not given are empty.
    pub fn row(&mut self, cells: &[(&str, Cell)]) -> &mut Table {
        for (c, _) in cells {
            assert!(
                self.headers.iter().any(|(e, _)| e == c),
                "fixture: no column {c}"
            );
        }
        let row = self
            .headers
            .iter()
            .map(|(e, _)| {
                cells
                    .iter()
                    .find(|(c, _)| c == e)
                    .map_or_else(|| s(""), |(_, v)| v.clone())
            })
            .collect();
        self.rows.push(row);
        self
    }

    /// Sets column `col` of row `i` (0-based data row).
    pub fn set(&mut self, i: usize, col: &str, v: Cell) -> &mut Table {
        let k = self.col(col);
        self.rows[i][k] = v;
        self
    }

    /// Removes column `col` from the header and every row.
    pub fn drop_column(&mut self, col: &str) -> &mut Table {
        let k = self.col(col);
        self.headers.remove(k);
        for r in &mut self.rows {
            r.remove(k);
        }
        self
    }

    /// Adds a column at the end, empty in every row.
    pub fn add_column(&mut self, en: &str, ru: &str) -> &mut Table {
        self.headers.push((en.into(), ru.into()));
        for r in &mut self.rows {
            r.push(s(""));
        }
        self
    }

    /// The 0-based index of column `col`.
    pub fn col(&self, col: &str) -> usize {
        self.headers
            .iter()
            .position(|(e, _)| e == col)
            .unwrap_or_else(|| panic!("fixture: no column {col}"))
    }

    /// The text of the file in `format` (before encoding).
    pub fn to_text(&self, f: Format) -> String {
        let nl = if f.crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if let Some(first) = f.first_line {
            out.push_str(first);
            out.push_str(nl);
        }
        let line = |cells: Vec<&str>| {
            cells
                .into_iter()
                .map(|c| quote(c, f.delim))
                .collect::<Vec<_>>()
                .join(&f.delim.to_string())
        };
        out.push_str(&line(
            self.headers
                .iter()
                .map(|(e, r)| if f.russian { r.as_str() } else { e.as_str() })
                .collect(),
        ));
        out.push_str(nl);
        for r in &self.rows {
            out.push_str(&line(
                r.iter()
                    .map(|c| {
                        if f.russian {
                            c.ru.as_str()
                        } else {
                            c.en.as_str()
                        }
                    })
                    .collect(),
            ));
            out.push_str(nl);
        }
        out
    }

    /// The bytes of the file in `format`.
    pub fn to_bytes(&self, f: Format) -> Vec<u8> {
        encode(&self.to_text(f), f.enc)
    }
}

/// A CSV field, quoted (quotes doubled) when it holds the delimiter, a quote, a line
/// break or surrounding spaces.
pub fn quote(v: &str, delim: char) -> String {
    if v.contains([delim, '"', '\n', '\r']) || v.trim() != v {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// A valid Kazakh IIN for a person born on `iso` (YYYY-MM-DD), `female` or not, with
/// serial number `serial` (made unique per person by the caller).
pub fn iin(iso: &str, female: bool, serial: u32) -> String {
    let year: u32 = iso[..4].parse().unwrap();
    let century_sex = match (year / 100, female) {
        (18, false) => 1,
        (18, true) => 2,
        (19, false) => 3,
        (19, true) => 4,
        (20, false) => 5,
        (20, true) => 6,
        _ => panic!("year {year}"),
    };
    for k in serial * 10..serial * 10 + 10 {
        let body = format!(
            "{}{}{}{century_sex}{:04}",
            &iso[2..4],
            &iso[5..7],
            &iso[8..10],
            k % 10_000
        );
        let d: Vec<u32> = body.bytes().map(|c| u32::from(c - b'0')).collect();
        let sum = |w: &dyn Fn(usize) -> u32| (0..11).map(|i| d[i] * w(i)).sum::<u32>() % 11;
        let mut c = sum(&|i| i as u32 + 1);
        if c == 10 {
            const W: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
            c = sum(&|i| W[i]);
        }
        if c < 10 {
            return format!("{body}{c}");
        }
    }
    panic!("no IIN for {iso} near serial {serial}")
}

/// Headers of applicants.csv (input contract v2): canonical name and the first Russian
/// alias of fields.toml. The columns of edition 1 keep their places; the columns v2 adds
/// stand after `deportation_date`, in place of the retired `admin_offences_12m` and
/// `migration_violations`.
pub const APPLICANT_HEADERS: &[(&str, &str)] = &[
    ("applicant_id", "ID заявителя"),
    ("last_name", "Фамилия"),
    ("first_name", "Имя"),
    ("patronymic", "Отчество"),
    ("last_name_lat", "Фамилия (лат.)"),
    ("first_name_lat", "Имя (лат.)"),
    ("sex", "Пол"),
    ("birth_date", "Дата рождения"),
    ("birth_place", "Место рождения"),
    ("citizenship", "Гражданство"),
    ("iin", "ИИН"),
    ("id_doc_type", "Вид документа"),
    ("id_doc_number", "Номер документа"),
    ("id_doc_issued_by", "Кем выдан"),
    ("id_doc_issue_date", "Дата выдачи"),
    ("id_doc_expiry_date", "Срок действия"),
    ("kz_region", "Область проживания"),
    ("address", "Адрес"),
    ("phone", "Телефон"),
    ("email", "Эл. почта"),
    ("education", "Образование"),
    ("profession", "Профессия"),
    ("russian_language", "Владение русским языком"),
    ("legal_capacity", "Дееспособность"),
    ("marital_status", "Семейное положение"),
    ("target_region", "Регион вселения"),
    ("employer_offer", "Предложение работодателя"),
    ("military_deregistered", "Снят с воинского учёта"),
    ("alimony_recipients", "Получатели алиментов"),
    ("extremism", "Экстремизм"),
    ("under_prosecution", "Уголовное преследование"),
    ("serious_conviction", "Судимость за тяжкое преступление"),
    ("other_state_residence", "Выезд в другое государство"),
    ("false_information", "Ложные сведения"),
    ("deportation_date", "Дата депортации"),
    (
        "migration_offences_12m",
        "Миграционные правонарушения за 12 мес.",
    ),
    ("entry_ban", "Запрет въезда"),
    (
        "regional_requirements_unmet",
        "Не соответствует требованиям региональной программы",
    ),
    ("repatriate", "Репатриант"),
    ("former_citizenship", "Прежнее гражданство"),
    ("previous_names", "Прежние ФИО"),
    ("filing_date", "Дата подачи"),
    ("documents", "Документы"),
];

/// Headers of family.csv (input contract v2): the columns of edition 1, then the member's
/// marital status, previous names, ID document, `parents_relocating` and ground columns.
pub const FAMILY_HEADERS: &[(&str, &str)] = &[
    ("applicant_id", "ID заявителя"),
    ("member_id", "ID члена семьи"),
    ("relation", "Степень родства"),
    ("last_name", "Фамилия"),
    ("first_name", "Имя"),
    ("patronymic", "Отчество"),
    ("sex", "Пол"),
    ("birth_date", "Дата рождения"),
    ("citizenship", "Гражданство"),
    ("iin", "ИИН"),
    ("relocating", "Переезжает"),
    ("pensioner", "Пенсионер"),
    ("legal_capacity", "Дееспособность"),
    ("marital_status", "Семейное положение"),
    ("previous_names", "Прежние ФИО"),
    ("id_doc_type", "Вид документа"),
    ("id_doc_number", "Номер документа"),
    ("id_doc_expiry_date", "Срок действия"),
    ("parents_relocating", "Оба родителя переезжают"),
    ("extremism", "Экстремизм"),
    ("serious_conviction", "Судимость за тяжкое преступление"),
    ("other_state_residence", "Выезд в другое государство"),
    ("deportation_date", "Дата депортации"),
    (
        "migration_offences_12m",
        "Миграционные правонарушения за 12 мес.",
    ),
    ("entry_ban", "Запрет въезда"),
];

/// Headers of expenses.csv (input contract v2; `fare_class` last, so that rows written
/// by hand for v1 still mean the same).
pub const EXPENSE_HEADERS: &[(&str, &str)] = &[
    ("applicant_id", "ID заявителя"),
    ("member_id", "ID члена семьи"),
    ("kind", "Вид расхода"),
    ("date", "Дата"),
    ("amount_rub", "Сумма"),
    ("weight_kg", "Вес, кг"),
    ("receipt", "Квитанция"),
    ("fare_class", "Класс проезда"),
];

/// A complete, valid applicants.csv row (a married man born 1985-04-12, a citizen of
/// Kazakhstan with a passport, going to Primorsky Krai, who has answered every ground
/// question), to adjust with `Table::set`.
pub fn applicant_row(id: &str, last: &str, first: &str, serial: u32) -> Vec<(&'static str, Cell)> {
    vec![
        ("applicant_id", s(id)),
        ("last_name", s(last)),
        ("first_name", s(first)),
        ("patronymic", s("Семёнович")),
        ("last_name_lat", s("IVANOV")),
        ("first_name_lat", s("IVAN")),
        ("sex", w("M", "М")),
        ("birth_date", d("1985-04-12")),
        ("birth_place", s("г. Алматы")),
        ("citizenship", w("KZ", "Казахстан")),
        ("iin", s(&iin("1985-04-12", false, serial))),
        ("id_doc_type", w("passport", "паспорт")),
        ("id_doc_number", s(&format!("0481234{serial:02}"))),
        ("id_doc_issued_by", s("МВД РК")),
        ("id_doc_issue_date", d("2019-01-01")),
        ("id_doc_expiry_date", d("2029-12-31")),
        ("kz_region", s("Almaty")),
        ("address", s("г. Алматы, ул. Абая, д. 1")),
        ("phone", s("+7 701 100 00 11")),
        ("email", s("ivanov@mail.kz")),
        ("education", w("higher", "высшее")),
        ("profession", s("инженер")),
        ("russian_language", w("native", "родной")),
        ("legal_capacity", w("full", "полная")),
        ("marital_status", w("married", "женат")),
        ("target_region", w("Primorsky Krai", "Приморский край")),
        ("employer_offer", b(true)),
        ("military_deregistered", b(true)),
        ("alimony_recipients", b(false)),
        ("extremism", b(false)),
        ("under_prosecution", b(false)),
        ("serious_conviction", b(false)),
        ("other_state_residence", b(false)),
        ("false_information", b(false)),
        ("deportation_date", s("")),
        ("migration_offences_12m", s("0")),
        ("entry_ban", b(false)),
        ("regional_requirements_unmet", b(false)),
        ("repatriate", b(false)),
        ("former_citizenship", s("")),
        ("previous_names", s("")),
        ("filing_date", s("")),
    ]
}

/// A batch of one valid applicant `A001` (with a bad sex, so that it is never ready when
/// `not_ready`), no family and no expenses.
pub fn one_applicant(not_ready: bool) -> Table {
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    if not_ready {
        t.set(0, "sex", s("X"));
    }
    t
}

/// Writes `bytes` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).unwrap();
    }
    fs::write(&path, bytes).unwrap();
}

/// A minimal PDF file, whole as the scan check wants it: a catalog, a page tree with one
/// blank A4 page, the cross-reference table (its offsets exact) and the trailer.
pub const PDF: &[u8] = b"%PDF-1.4\n\
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n\
xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n\
trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n";

/// A minimal JPEG file: a 40×30 grey scan of the sample batch.
pub const JPEG: &[u8] =
    include_bytes!("../../samples/batch/documents/A040/birth_certificate-F1.jpg");

/// A minimal PNG file: 1×1 pixel, RGB.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\
\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";

/// Every path under `root` (files, folders, links), relative to it, sorted.
pub fn walk(root: &Path) -> Vec<PathBuf> {
    fn go(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            out.push(p.strip_prefix(root).unwrap().to_path_buf());
            // Never follow links: a link is listed, not entered.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                go(root, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    go(root, root, &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------
// Rendered PDFs

/// The NGO's name the PDF tests pass as `--org` (not the default, so that it shows
/// whether the option reaches the forms and the PDFs' metadata).
pub const ORG: &str = "Тестовая НКО";

/// `resettle run BATCH --out OUT --as-of AS_OF --org ORG`, then `extra`.
pub fn run_out(batch: &Path, out: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        batch.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--org".as_ref(),
        ORG.as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    run(&args)
}

/// `OUT/report.json`.
pub fn read_report(out: &Path) -> Value {
    let json = fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|e| panic!("{}/report.json: {e}", out.display()));
    serde_json::from_str(&json).expect("report.json is JSON")
}

/// The files `report.json` lists as rendered for applicant `id` (relative to OUT).
pub fn outputs(report: &Value, id: &str) -> Vec<String> {
    applicant(report, id)["outputs"]
        .as_array()
        .expect("outputs array")
        .iter()
        .map(|o| o.as_str().expect("output path").to_string())
        .collect()
}

/// The text of `pdf` as `pdftotext -layout` extracts it (Debian poppler-utils; .ci/run
/// installs it).
pub fn pdftotext(pdf: &Path) -> String {
    pdftotext_with(pdf, &["-layout"])
}

/// The text of `pdf` extracted by `pdftotext` with `options` (none: reading order;
/// `-layout`: as laid out on the page; `-raw`: content-stream order, which keeps a
/// rotated mark such as the DRAFT stamp in one piece).
pub fn pdftotext_with(pdf: &Path, options: &[&str]) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(options)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// `s` without white space, soft hyphens and zero-width spaces: text compared this way
/// does not depend on where the PDF broke its lines or hyphenated its words.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{AD}' | '\u{200B}'))
        .collect()
}

/// The document information of `pdf` as `pdfinfo` (poppler-utils) prints it:
/// `Title`, `Author`, `Pages`…
pub fn pdfinfo(pdf: &Path) -> std::collections::BTreeMap<String, String> {
    let out = std::process::Command::new("pdfinfo")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .output()
        .expect("pdfinfo (Debian poppler-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "pdfinfo failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 text")
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Copies the folder `from` to `to` (files and folders; `to` must not exist).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every `*.pdf` under `root`, relative to it, sorted.
pub fn pdfs_under(root: &Path) -> Vec<PathBuf> {
    walk(root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

/// Every file the manifest of OUT lists.
pub fn manifest_files(out: &Path) -> std::collections::BTreeSet<String> {
    let text =
        fs::read_to_string(out.join(".resettle-manifest.json")).expect("the manifest is written");
    let m: Value = serde_json::from_str(&text).expect("the manifest is JSON");
    m["applicants"]
        .as_object()
        .expect("manifest applicants")
        .values()
        .flat_map(|e| e["files"].as_array().expect("manifest files"))
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}
