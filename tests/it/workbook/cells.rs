//! Cells read as Excel means them: dates as dates (serials of the 1900 and 1904
//! systems), numbers, booleans and text, a formula's cached value, error cells, numbers
//! that lost the digits that matter; the header below title rows, hidden rows read,
//! merged cells taking their first cell's value, empty rows and columns past the data
//! ignored; sheets found by their names; the read limits applied to workbooks.

use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;

use super::{Book, X, folder, t, validate, without_sources};
use crate::common::{
    self, APPLICANT_HEADERS, AS_OF, Format, Table, applicant_row, d, findings_of, iin, run, s,
};

/// The header row and the rows of `table` in Russian, typed as a caseworker's workbook
/// holds them: dates as Excel dates, yes/no as booleans, counts as numbers.
fn typed(table: &Table) -> Vec<Vec<X>> {
    let mut rows = vec![table.headers.iter().map(|(_, ru)| t(ru)).collect()];
    for row in &table.rows {
        rows.push(
            row.iter()
                .zip(&table.headers)
                .map(|(c, (col, _))| match c.en.as_str() {
                    "yes" => X::B(true),
                    "no" => X::B(false),
                    v if v.len() == 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-' => {
                        X::D(v.to_string())
                    }
                    v if col == "migration_offences_12m" && !v.is_empty() => {
                        X::N(v.parse().unwrap())
                    }
                    _ => t(&c.ru),
                })
                .collect(),
        );
    }
    rows
}

/// The CSV batch of `table` (Russian headers and values, as `typed` writes them).
fn csv(table: &Table) -> Vec<u8> {
    table.to_bytes(Format {
        enc: common::Enc::Utf8,
        ..Format::EXCEL_RU
    })
}

/// The data.* findings of applicant `id`: (rule, source).
fn data_findings(report: &Value, id: &str) -> Vec<(String, String)> {
    findings_of(report, id)
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("data."))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn two_applicants() -> Table {
    let mut table = Table::new(APPLICANT_HEADERS);
    table.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    table.row(&applicant_row("A002", "Орлов", "Иван", 2));
    table
}

/// Typed cells, a title row and an empty row above the header, a formula's cached value,
/// a hidden row, a merged region and a formatted cell far from the data: the report of
/// the same table as CSV, the sources on the sheet's cells.
#[test]
fn cells_are_read_as_excel_means_them() {
    let mut table = two_applicants();
    table.set(1, "sex", s("X"));
    let mut rows = vec![vec![t("Заявители, партия 7")], vec![]];
    rows.extend(typed(&table));
    let first = table.col("first_name");
    rows[3][first] = X::F("=\"Пё\"&\"тр\"", "Пётр");
    let region = table.col("kz_region") as u16;
    rows[4][region as usize] = X::Empty;
    let mut book = Book::default().sheet("Заявители", rows);
    book.merges.push((0, 3, region, 4, region, "Almaty".into()));
    book.hidden.push((0, 4));
    book.formatted_blank = Some((2000, 300));
    let bytes = book.bytes();
    // tests/fixture/workbook/cells.ods is this workbook as LibreOffice saves it: with
    // RESETTLE_WRITE_FIXTURE=DIR the test writes it to DIR/cells.xlsx to convert again
    // (`soffice --headless --convert-to ods DIR/cells.xlsx`).
    if let Some(out) = std::env::var_os("RESETTLE_WRITE_FIXTURE") {
        std::fs::write(Path::new(&out).join("cells.xlsx"), &bytes).unwrap();
    }
    let ods = std::fs::read(common::repo().join("tests/fixture/workbook/cells.ods")).unwrap();
    let dir = folder(
        &[
            ("book.xlsx", bytes),
            ("book.ods", ods),
            ("applicants.csv", csv(&table)),
        ],
        None,
    );
    fs_move(dir.path(), "applicants.csv", "csv/applicants.csv");
    let from_csv = validate(&dir.path().join("csv"));
    let from_book = validate(&dir.path().join("book.xlsx"));
    assert_eq!(without_sources(&from_book), without_sources(&from_csv));
    assert_eq!(
        data_findings(&from_book, "A002"),
        [(
            "data.format".to_string(),
            "book.xlsx!Заявители!G5".to_string()
        )]
    );
    assert_eq!(from_book["warnings"], serde_json::json!([]));
    // The same in OpenDocument: its merged region, hidden row and formula too.
    let from_ods = validate(&dir.path().join("book.ods"));
    assert_eq!(
        serde_json::to_string(&from_ods)
            .unwrap()
            .replace("book.ods!", "book.xlsx!"),
        serde_json::to_string(&from_book).unwrap()
    );
}

fn fs_move(dir: &Path, from: &str, to: &str) {
    let to = dir.join(to);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(dir.join(from), to).unwrap();
}

/// Error cells (`#N/A` from a formula, `#REF!`) are `data.format` on their cell, and an
/// error in a required column is not also `data.required`.
#[test]
fn error_cells_are_data_format_on_their_cell() {
    let table = two_applicants();
    let mut rows = typed(&table);
    rows[1][table.col("patronymic")] = X::F("=NA()", "#N/A");
    rows[1][table.col("birth_place")] = X::F("=#REF!", "#REF!");
    rows[2][table.col("first_name")] = X::F("=1/0", "#DIV/0!");
    let dir = folder(
        &[(
            "book.xlsx",
            Book::default().sheet("Заявители", rows).bytes(),
        )],
        None,
    );
    let report = validate(&dir.path().join("book.xlsx"));
    let at = |col: &str, row: u32| {
        format!(
            "book.xlsx!Заявители!{}{row}",
            super::letters(table.col(col) as u32 + 1)
        )
    };
    let format = |src: String| ("data.format".to_string(), src);
    assert_eq!(
        data_findings(&report, "A001"),
        [format(at("patronymic", 2)), format(at("birth_place", 2))]
    );
    assert_eq!(
        data_findings(&report, "A002"),
        [format(at("first_name", 3))]
    );
    let messages: Vec<String> = findings_of(&report, "A001")
        .iter()
        .map(|f| f["message"]["en"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("Excel error #N/A")),
        "{messages:?}"
    );
    // The name is read without the error cell.
    assert_eq!(common::applicant(&report, "A001")["name"], "Ёлкин Пётр");
}

/// `bytes` of an .xlsx with its workbook switched to the 1904 date system.
fn date_1904(bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        if name == "xl/workbook.xml" {
            let xml = String::from_utf8(body).unwrap();
            assert!(xml.contains("<workbookPr "), "{xml}");
            body = xml
                .replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A workbook of the 1904 date system (old Mac workbooks): serial 29,687 is 1985-04-12
/// there (the date the IIN encodes), and 1981-04-11 in the 1900 system.
#[test]
fn dates_of_the_1904_system() {
    let table = common::one_applicant(false);
    let mut rows = typed(&table);
    rows[1][table.col("birth_date")] = X::Serial(29_687.0);
    let plain = Book::default().sheet("Заявители", rows).bytes();
    let dir = folder(
        &[
            ("1904.xlsx", date_1904(&plain)),
            ("1900.xlsx", plain),
            ("applicants.csv", csv(&table)),
        ],
        None,
    );
    fs_move(dir.path(), "applicants.csv", "csv/applicants.csv");
    let from_csv = validate(&dir.path().join("csv"));
    let mac = validate(&dir.path().join("1904.xlsx"));
    assert_eq!(without_sources(&mac), without_sources(&from_csv));
    let windows = validate(&dir.path().join("1900.xlsx"));
    let rules: Vec<(String, String)> = data_findings(&windows, "A001");
    assert!(
        rules.iter().any(|(r, _)| r == "data.iin_mismatch"),
        "1981-04-11 disagrees with the IIN: {rules:?}"
    );
}

/// Numbers where digits matter: an 11-digit IIN valid with its leading 0 restored is
/// accepted with `data.excel_number` (and is the IIN: the same as another applicant's
/// typed as text is repeated); one that is not, a BIK without its 0, a 20-digit account
/// (as a number, or as text in exponent form) are `data.format` with the fix, and no
/// `data.required` besides; a short document number is `data.excel_number`; a
/// 12-digit IIN as a number is fine.
#[test]
fn numbers_where_digits_matter() {
    let mut table = Table::new(APPLICANT_HEADERS);
    table
        .add_column("bank_bik", "БИК")
        .add_column("bank_account", "Номер счёта");
    let ids = ["A001", "A002", "A003", "A004", "A005", "A006", "A007"];
    let mut young = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        table.row(&applicant_row(id, "Ёлкин", "Пётр", k as u32 + 1));
        young.push(iin("2004-03-15", false, k as u32 + 1));
        assert!(young[k].starts_with('0'));
        table
            .set(k, "birth_date", d("2004-03-15"))
            .set(k, "iin", s(&young[k]));
    }
    let mut rows = typed(&table);
    let (iin_col, bik, account, doc) = (
        table.col("iin"),
        table.col("bank_bik"),
        table.col("bank_account"),
        table.col("id_doc_number"),
    );
    let number = |v: &str| X::N(v.parse().unwrap());
    rows[1][iin_col] = number(&young[0]);
    let mut wrong = young[1].clone();
    let last = if wrong.ends_with('9') { "0" } else { "9" };
    wrong.replace_range(11.., last);
    rows[2][iin_col] = number(&wrong);
    rows[3][bik] = t("044525225");
    rows[3][account] = number("40817810099910004312");
    rows[4][bik] = number("044525225");
    rows[5][doc] = number("01234567");
    rows[6][table.col("birth_date")] = X::D("1985-04-12".into());
    let grown = iin("1985-04-12", false, 6);
    rows[6][iin_col] = number(&grown);
    rows[7][iin_col] = t(&young[0]);
    rows[7][bik] = t("044525225");
    rows[7][account] = t("4,08178E+19");
    let dir = folder(
        &[(
            "book.xlsx",
            Book::default().sheet("Заявители", rows).bytes(),
        )],
        None,
    );
    let report = validate(&dir.path().join("book.xlsx"));
    let at = |col: usize, row: u32| {
        format!(
            "book.xlsx!Заявители!{}{row}",
            super::letters(col as u32 + 1)
        )
    };
    let f = |rule: &str, col: usize, row: u32| (rule.to_string(), at(col, row));
    assert_eq!(
        data_findings(&report, "A001"),
        [
            f("data.duplicate", iin_col, 2),
            f("data.excel_number", iin_col, 2)
        ]
    );
    assert_eq!(
        data_findings(&report, "A002"),
        [f("data.format", iin_col, 3)]
    );
    assert_eq!(
        data_findings(&report, "A003"),
        [f("data.format", account, 4)]
    );
    assert_eq!(data_findings(&report, "A004"), [f("data.format", bik, 5)]);
    assert_eq!(
        data_findings(&report, "A005"),
        [f("data.excel_number", doc, 6)]
    );
    assert_eq!(data_findings(&report, "A006"), []);
    assert_eq!(
        data_findings(&report, "A007"),
        [
            f("data.duplicate", iin_col, 8),
            f("data.format", account, 8)
        ]
    );
    let message = |id: &str, rule: &str| {
        findings_of(&report, id)
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["message"]["en"].as_str().unwrap().to_string())
            .unwrap()
    };
    let restored = message("A001", "data.excel_number");
    assert!(
        restored.contains("with its leading 0 restored"),
        "{restored}"
    );
    for id in ["A002", "A003", "A004", "A007"] {
        let m = message(id, "data.format");
        assert!(
            m.ends_with("format the column as Text and type the number again"),
            "{id}: {m}"
        );
    }
    // Personal numbers stay masked in the messages.
    assert!(!message("A003", "data.format").contains("408178"));
    assert!(!restored.contains(&young[0][..8]), "{restored}");
}

/// Sheets are found by their names, in Russian or English and in any case; a workbook
/// of one sheet of any name holds the applicants; without an applicants sheet, or with
/// two, the run stops naming the sheets.
#[test]
fn sheets_are_found_by_their_names() {
    let table = common::one_applicant(false);
    let instructions = vec![vec![t("Заполните листы «Заявители» и «Семья»")]];
    let named = Book::default()
        .sheet("Инструкция", instructions.clone())
        .sheet("ЗАЯВИТЕЛИ", typed(&table))
        .sheet("Семья", vec![])
        .bytes();
    let one = Book::default().sheet("Лист1", typed(&table)).bytes();
    let none = Book::default()
        .sheet("Инструкция", instructions)
        .sheet("Лист2", typed(&table))
        .bytes();
    let two = Book::default()
        .sheet("Заявители", typed(&table))
        .sheet("applicants", typed(&table))
        .bytes();
    let dir = folder(
        &[
            ("named.xlsx", named),
            ("one.xlsx", one),
            ("none.xlsx", none),
            ("two.xlsx", two),
        ],
        None,
    );
    let report = validate(&dir.path().join("named.xlsx"));
    assert_eq!(report["summary"]["applicants"], 1);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"]["en"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        ["the sheet «Семья» of named.xlsx is empty (not even a header row) and was ignored"]
    );
    assert_eq!(
        validate(&dir.path().join("one.xlsx"))["summary"]["applicants"],
        1
    );
    for (name, expect) in [
        (
            "none.xlsx",
            "none.xlsx: no sheet holds the applicants: name it «Заявители» (or applicants); the sheets are «Инструкция», «Лист2»",
        ),
        (
            "two.xlsx",
            "two.xlsx: the sheets «Заявители» and «applicants» both hold the applicants: keep one",
        ),
    ] {
        let out = common::validate_json(&dir.path().join(name));
        assert_eq!(out.code, 2, "{name}");
        assert!(out.stderr.contains(expect), "{name}: {}", out.stderr);
    }
}

/// The read limits apply to workbooks: --max-file-size to the workbook file, --max-rows
/// and --max-columns to each sheet, --max-cell to each cell.
#[test]
fn limits_apply_to_workbooks() {
    let sample = super::sample_workbook();
    let limited = |limit: &str, value: &str| {
        run(&[
            "validate".as_ref(),
            sample.as_os_str(),
            "--as-of".as_ref(),
            AS_OF.as_ref(),
            limit.as_ref(),
            value.as_ref(),
        ])
    };
    for (limit, value, expect) in [
        ("--max-file-size", "10KiB", "batch.xlsx: the file is "),
        (
            "--max-rows",
            "5",
            "batch.xlsx!Заявители!8:8: the file has more than 5 data rows",
        ),
        (
            "--max-columns",
            "10",
            "batch.xlsx!Заявители!K2: the header has 53 columns, more than the limit of 10",
        ),
    ] {
        let out = limited(limit, value);
        assert_eq!(out.code, 2, "{limit}");
        assert!(out.stderr.contains(expect), "{limit}: {}", out.stderr);
    }
    let out = limited("--max-cell", "20");
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("(batch.xlsx!Заявители!T3)"),
        "{}",
        out.stdout
    );
}
