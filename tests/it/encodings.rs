//! One logical batch written the ways spreadsheet programs write it (UTF-8 with or
//! without BOM, Windows-1251, UTF-16 LE/BE; `,` `;` tab; LF or CRLF; English or Russian
//! headers and values; Excel's `sep=` line) must give the same report. Also: quoting,
//! embedded line breaks and line numbers, missing and unknown columns.

use crate::common;

mod smaller;
mod text;

use std::path::Path;

use common::*;
use serde_json::Value;

/// The logical batch: three applicants with Russian names using Ё/ё, a fourth row
/// repeating A001 (rejected, so that the report has a finding and an error pointing at a
/// line), two family members, one expense. A002's address holds a line break, so every
/// later record starts one line further down than its record number.
fn tables() -> (Table, Table, Table) {
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    a.row(&applicant_row("A002", "Журавлёва", "Алёна", 2));
    a.set(1, "sex", w("F", "Ж"))
        .set(1, "patronymic", s("Фёдоровна"))
        .set(1, "birth_date", d("1990-07-08"))
        .set(1, "iin", s(&iin("1990-07-08", true, 2)))
        .set(1, "military_deregistered", s(""))
        .set(1, "marital_status", w("single", "не замужем"))
        .set(
            1,
            "target_region",
            w("Kaliningrad Oblast", "Калининградская область"),
        )
        .set(1, "address", s("г. Костанай,\nул. Гагарина, д. 5"))
        .set(1, "documents", s("no_criminal_record;birth_certificate"));
    a.row(&applicant_row("A003", "Щёголев", "Артём", 3));
    a.set(2, "patronymic", s(""))
        .set(2, "birth_date", d("1979-11-30"))
        .set(2, "iin", s(&iin("1979-11-30", false, 3)))
        .set(2, "marital_status", w("divorced", "разведен"))
        .set(2, "target_region", w("Tula Oblast", "Тульская область"))
        .set(2, "address", s("с. Ёлочки, \"Дом у реки\"; 2"))
        .set(2, "education", w("vocational", "среднее специальное"));
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 4));

    let mut f = Table::new(FAMILY_HEADERS);
    f.row(&[
        ("applicant_id", s("A001")),
        ("member_id", s("F1")),
        ("relation", w("spouse", "супруга")),
        ("last_name", s("Ёлкина")),
        ("first_name", s("Алёна")),
        ("patronymic", s("Сергеевна")),
        ("sex", w("F", "Ж")),
        ("birth_date", d("1987-09-30")),
        ("citizenship", w("KZ", "Казахстан")),
        ("iin", s(&iin("1987-09-30", true, 5))),
        ("relocating", b(true)),
        ("pensioner", b(false)),
        ("legal_capacity", w("full", "полная")),
    ]);
    f.row(&[
        ("applicant_id", s("A003")),
        ("member_id", s("F1")),
        ("relation", w("child", "сын")),
        ("last_name", s("Щёголев")),
        ("first_name", s("Фёдор")),
        ("patronymic", s("Артёмович")),
        ("sex", w("M", "М")),
        ("birth_date", d("2012-03-05")),
        ("citizenship", w("KZ", "Казахстан")),
        ("iin", s(&iin("2012-03-05", false, 6))),
        ("relocating", b(true)),
        ("pensioner", b(false)),
    ]);

    let mut e = Table::new(EXPENSE_HEADERS);
    e.row(&[
        ("applicant_id", s("A003")),
        ("member_id", s("F1")),
        ("kind", w("travel", "проезд")),
        ("date", d("2025-04-01")),
        ("amount_rub", amount("12500.50")),
        ("receipt", s("receipt_1.pdf")),
    ]);
    (a, f, e)
}

/// Writes the batch in format `f` into `dir`, with the same documents every time: a
/// readable ID card and receipt for A003, a text file posing as A002's photo, and a file
/// named by no document code for A001.
fn write_batch(dir: &Path, f: Format) {
    let (a, fam, e) = tables();
    write(dir, "applicants.csv", &a.to_bytes(f));
    write(dir, "family.csv", &fam.to_bytes(f));
    write(dir, "expenses.csv", &e.to_bytes(f));
    write(dir, "documents/A003/id_card.pdf", PDF);
    write(dir, "documents/A003/receipt_1.pdf", PDF);
    write(dir, "documents/A002/photo.jpg", b"not a photo");
    write(dir, "documents/A001/notes.pdf", PDF);
}

/// Validates the batch written in `f`; returns the exit status and the report.
fn report_for(f: Format) -> (i32, Value) {
    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), f);
    let out = validate_json(t.path());
    let report = out.json();
    check_invariants(&report);
    (out.code, report)
}

const UTF8_BOM_CRLF: Format = Format {
    enc: Enc::Utf8Bom,
    delim: ',',
    crlf: true,
    russian: false,
    first_line: None,
};
const UTF16LE_TAB: Format = Format {
    enc: Enc::Utf16LeBom,
    delim: '\t',
    crlf: true,
    russian: false,
    first_line: None,
};
const UTF16BE_SEMICOLON_RU: Format = Format {
    enc: Enc::Utf16BeBom,
    delim: ';',
    crlf: true,
    russian: true,
    first_line: None,
};

#[test]
fn baseline_report_is_what_the_batch_says() {
    let (code, r) = report_for(Format::UTF8);
    assert_eq!(code, 1);
    assert_eq!(r["summary"]["applicants"], 3);
    for (file, read, accepted, rejected) in [
        ("applicants.csv", 4, 3, 1),
        ("family.csv", 2, 2, 0),
        ("expenses.csv", 1, 1, 0),
    ] {
        let c = &r["rows"][file];
        assert_eq!(
            (&c["read"], &c["accepted"], &c["rejected"]),
            (&read.into(), &accepted.into(), &rejected.into()),
            "{file}"
        );
    }
    assert_eq!(applicant(&r, "A001")["name"], "Ёлкин Пётр Семёнович");
    assert_eq!(applicant(&r, "A002")["name"], "Журавлёва Алёна Фёдоровна");
    assert_eq!(applicant(&r, "A003")["name"], "Щёголев Артём");
    // Line 6: header 1, A001 2, A002 3–4 (two-line address), A003 5, repeat of A001 6.
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["rule"], "data.duplicate");
    assert_eq!(errors[0]["source"], "applicants.csv:6:1");
    let dup = findings_of(&r, "A001");
    assert!(
        dup.iter()
            .any(|f| f["rule"] == "data.duplicate" && f["source"] == "applicants.csv:6:1"),
        "{dup:#?}"
    );
    assert!(
        dup.iter()
            .any(|f| f["rule"] == "docs.unrecognized" && f["source"] == "documents/A001/notes.pdf"),
        "{dup:#?}"
    );
    let a2 = findings_of(&r, "A002");
    assert!(
        a2.iter()
            .any(|f| f["rule"] == "docs.unreadable" && f["source"] == "documents/A002/photo.jpg"),
        "{a2:#?}"
    );
    // Ingest finds nothing wrong with A003 (a clean row, a readable scan, a receipt).
    let a3 = findings_of(&r, "A003");
    assert!(
        a3.iter()
            .all(|f| !f["rule"].as_str().unwrap().starts_with("data.") && !is_scan_rule(&f["rule"])),
        "{a3:#?}"
    );
    assert!(
        a3.iter().all(|f| f["rule"] != "docs.missing.id_card"),
        "the scan counts: {a3:#?}"
    );
    assert_eq!(r["warnings"], Value::Array(vec![]));
}

#[test]
fn every_encoding_and_delimiter_gives_the_same_report() {
    let (code, baseline) = report_for(Format::UTF8);
    for (name, f) in [
        ("UTF-8 with BOM, ',' CRLF", UTF8_BOM_CRLF),
        (
            "Windows-1251, ';' CRLF, Russian headers and values",
            Format::EXCEL_RU,
        ),
        ("UTF-16LE with BOM, tab, CRLF", UTF16LE_TAB),
        (
            "UTF-16BE with BOM, ';' CRLF, Russian headers and values",
            UTF16BE_SEMICOLON_RU,
        ),
        (
            "UTF-8, ';' LF, Russian headers and values",
            Format {
                delim: ';',
                russian: true,
                ..Format::UTF8
            },
        ),
    ] {
        let (c, r) = report_for(f);
        assert_eq!(c, code, "{name}: exit status");
        assert_eq!(
            r,
            baseline,
            "{name}: report differs from the UTF-8 ',' one:\n{}\n---- baseline ----\n{}",
            serde_json::to_string_pretty(&r).unwrap(),
            serde_json::to_string_pretty(&baseline).unwrap()
        );
    }
}

/// The Windows-1251 `;` file and the UTF-8-BOM `,` file of the issue's "done when".
#[test]
fn windows_1251_semicolon_equals_utf8_bom_comma() {
    let (c1, r1) = report_for(Format::EXCEL_RU);
    let (c2, r2) = report_for(UTF8_BOM_CRLF);
    assert_eq!(c1, c2);
    assert_eq!(r1, r2);
}

/// Excel's `sep=;` hint line is not the header. It is a line of the file, so lines are
/// counted from it: the report equals that of the same file with an empty first line.
#[test]
fn excel_sep_line_is_a_delimiter_hint() {
    let with_sep = Format {
        first_line: Some("sep=;"),
        ..Format::EXCEL_RU
    };
    // (A UTF-8 `,` file: a `;` file with an empty first line is misread today, see
    // `empty_first_line_before_a_semicolon_header`.)
    let with_blank = Format {
        first_line: Some(""),
        ..Format::UTF8
    };
    let (c1, r1) = report_for(with_sep);
    let (c2, r2) = report_for(with_blank);
    assert_eq!(c1, c2);
    assert_eq!(r1, r2);
    assert_eq!(r1["errors"][0]["source"], "applicants.csv:7:1");
    assert_eq!(r1["summary"]["applicants"], 3);
    // The hint wins over what the header would suggest: a `sep=,` file whose header has
    // more `;` than `,` is still read with `,`.
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "expenses.csv",
        "sep=,\r\napplicant_id,kind,amount_rub,Примечание;а;б;в;г\r\nA001,duty,100,x\r\n"
            .as_bytes(),
    );
    write(
        t.path(),
        "applicants.csv",
        &one_applicant(true).to_bytes(Format::UTF8),
    );
    let r = validate_json(t.path()).json();
    assert_eq!(r["rows"]["expenses.csv"]["accepted"], 1, "{r:#}");
}

/// An empty line above the header (an exporter's habit, or a row the caseworker left
/// empty) is skipped for `,` files; a `;` or tab file must be read the same way.
#[test]
fn empty_first_line_before_a_semicolon_header() {
    let with_sep = Format {
        first_line: Some("sep=;"),
        ..Format::EXCEL_RU
    };
    let (_, expected) = report_for(with_sep);
    for f in [Format::EXCEL_RU, UTF16LE_TAB] {
        let t = tempfile::tempdir().unwrap();
        write_batch(
            t.path(),
            Format {
                first_line: Some(""),
                ..f
            },
        );
        let out = validate_json(t.path());
        assert_eq!(out.code, 1, "{f:?}: {}", out.stderr);
        assert_eq!(out.json(), expected, "{f:?}");
    }
}

/// Quoted fields keep their delimiters, doubled quotes and line breaks, and line numbers
/// count the physical lines of the file.
#[test]
fn quoted_fields_survive_and_lines_count_embedded_breaks() {
    for f in [Format::UTF8, Format::EXCEL_RU, UTF16LE_TAB] {
        let mut a = Table::new(APPLICANT_HEADERS);
        a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
        a.row(&applicant_row("A002", "Журавлёв", "Семён", 2));
        a.row(&applicant_row("A003", "Щёголев", "Артём", 3));
        // A001: a two-line address (not in the report) shifts every later row.
        a.set(0, "address", s("г. Алматы,\r\nул. Абая; д. 1\nкв. 2"));
        // A002: a bad date and an education value with delimiters and quotes.
        a.set(1, "birth_date", s("31.02.1990"));
        a.set(1, "education", s("высшее, \"техническое\"; заочно\tвечер"));
        // A003: a marital status with a line break inside.
        a.set(2, "marital_status", s("женат\nвторой брак"));
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "applicants.csv", &a.to_bytes(f));
        let out = validate_json(t.path());
        assert_eq!(out.code, 1, "{f:?}: {}", out.stderr);
        let r = out.json();
        check_invariants(&r);
        assert_eq!(r["rows"]["applicants.csv"]["accepted"], 3, "{f:?}");

        let col = |c: &str| a.col(c) + 1;
        let one = |id: &str, field: &str| -> Value {
            let all = findings_of(&r, id);
            let mine: Vec<_> = all.iter().filter(|x| x["field"] == field).collect();
            assert_eq!(mine.len(), 1, "{f:?} {id} {field}: {all:#?}");
            mine[0].clone()
        };
        // Lines: header 1, A001 2–4, A002 5, A003 6–7.
        let bd = one("A002", "birth_date");
        assert_eq!(bd["rule"], "data.format");
        assert_eq!(
            bd["source"],
            format!("applicants.csv:5:{}", col("birth_date")).as_str()
        );
        assert!(
            bd["message"]["en"]
                .as_str()
                .unwrap()
                .contains("«31.02.1990»")
        );
        let ed = one("A002", "education");
        assert_eq!(
            ed["source"],
            format!("applicants.csv:5:{}", col("education")).as_str()
        );
        assert!(
            ed["message"]["en"]
                .as_str()
                .unwrap()
                .contains("«высшее, \"техническое\"; заочно\\tвечер»"),
            "{f:?}: {ed}"
        );
        let ms = one("A003", "marital_status");
        assert_eq!(
            ms["source"],
            format!("applicants.csv:6:{}", col("marital_status")).as_str()
        );
        // The line break is shown escaped, never as a raw break in a message.
        assert!(
            ms["message"]["en"]
                .as_str()
                .unwrap()
                .contains("«женат\\nвторой брак»"),
            "{f:?}: {ms}"
        );
        assert!(
            findings_of(&r, "A001")
                .iter()
                .all(|x| x["field"] != "address")
        );
    }
}

#[test]
fn missing_required_column_stops_with_file_and_column() {
    let (a, fam, e) = tables();
    // applicants.csv without `sex`.
    let mut no_sex = a.clone();
    no_sex.drop_column("sex");
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "applicants.csv",
        &no_sex.to_bytes(Format::EXCEL_RU),
    );
    let out = validate_json(t.path());
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("applicants.csv"), "{}", out.stderr);
    assert!(out.stderr.contains("`sex`"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "no report on exit 2: {}", out.stdout);

    // family.csv without `relation` (applicants.csv is fine).
    let mut no_rel = fam.clone();
    no_rel.drop_column("relation");
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", &a.to_bytes(Format::UTF8));
    write(t.path(), "family.csv", &no_rel.to_bytes(Format::UTF8));
    let out = validate_json(t.path());
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("family.csv"), "{}", out.stderr);
    assert!(out.stderr.contains("`relation`"), "{}", out.stderr);

    // expenses.csv without `amount_rub`, through `run`: nothing is written.
    let mut no_amount = e.clone();
    no_amount.drop_column("amount_rub");
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    write(&batch, "applicants.csv", &a.to_bytes(Format::UTF8));
    write(&batch, "expenses.csv", &no_amount.to_bytes(UTF16LE_TAB));
    let out = run_batch(&batch, &t.path().join("out"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("expenses.csv"), "{}", out.stderr);
    assert!(out.stderr.contains("`amount_rub`"), "{}", out.stderr);
    assert!(!t.path().join("out/report.json").exists());
}

#[test]
fn missing_applicants_csv_stops_naming_it() {
    let (_, fam, _) = tables();
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "family.csv", &fam.to_bytes(Format::UTF8));
    let out = validate_json(t.path());
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("applicants.csv"), "{}", out.stderr);

    // Not a folder at all.
    let out = validate_json(&t.path().join("family.csv"));
    assert_eq!(out.code, 2);
    assert!(!out.stderr.is_empty());
    let out = validate_json(&t.path().join("nowhere"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nowhere"), "{}", out.stderr);
}

/// A file name in another case (as a Windows machine may write it) is found.
#[test]
fn file_names_ignore_case() {
    let (a, fam, _) = tables();
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "Applicants.CSV", &a.to_bytes(Format::UTF8));
    write(t.path(), "FAMILY.csv", &fam.to_bytes(Format::UTF8));
    let r = validate_json(t.path()).json();
    assert_eq!(r["rows"]["applicants.csv"]["accepted"], 3);
    assert_eq!(r["rows"]["family.csv"]["accepted"], 2);
}

#[test]
fn header_only_applicants_is_a_finding_not_a_crash() {
    for f in [Format::UTF8, Format::EXCEL_RU, UTF16LE_TAB] {
        let t = tempfile::tempdir().unwrap();
        let empty = Table::new(APPLICANT_HEADERS);
        write(t.path(), "applicants.csv", &empty.to_bytes(f));
        let out = validate_json(t.path());
        assert_eq!(out.code, 1, "{f:?}: {}", out.stderr);
        let r = out.json();
        check_invariants(&r);
        assert_eq!(r["summary"]["applicants"], 0);
        let errors = r["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["source"].as_str().unwrap().starts_with("applicants.csv")),
            "{f:?}: {errors:#?}"
        );
    }
}

#[test]
fn unknown_column_is_a_warning_at_its_header_cell() {
    let (mut a, _, _) = tables();
    a.add_column("favourite_colour", "Любимый цвет");
    let n = a.headers.len();
    for f in [Format::UTF8, Format::EXCEL_RU] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "applicants.csv", &a.to_bytes(f));
        let r = validate_json(t.path()).json();
        let warnings = r["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{f:?}: {warnings:#?}");
        assert_eq!(warnings[0]["rule"], "data.unknown_column");
        assert_eq!(
            warnings[0]["source"],
            format!("applicants.csv:1:{n}").as_str()
        );
        let header = if f.russian {
            "Любимый цвет"
        } else {
            "favourite_colour"
        };
        assert!(
            warnings[0]["message"]["en"]
                .as_str()
                .unwrap()
                .contains(header),
            "{warnings:#?}"
        );
        // The column is ignored; the rows are read as before.
        assert_eq!(r["rows"]["applicants.csv"]["accepted"], 3);
    }
}

/// Header spellings: any case, `_` vs space, ё vs е.
#[test]
fn header_spellings_are_forgiving() {
    let (a, _, _) = tables();
    let mut loose = a.clone();
    for (en, ru) in &mut loose.headers {
        *en = en.to_uppercase().replace('_', " ");
        *ru = ru.replace('ё', "е");
    }
    let (_, baseline) = report_for(Format::UTF8);
    for f in [Format::UTF8, Format::EXCEL_RU] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "applicants.csv", &loose.to_bytes(f));
        let r = validate_json(t.path()).json();
        assert_eq!(r["warnings"], Value::Array(vec![]), "{f:?}");
        assert_eq!(
            r["rows"]["applicants.csv"],
            baseline["rows"]["applicants.csv"]
        );
    }
}

/// A few bytes that are not valid UTF-8 in an otherwise UTF-8 file are replaced and
/// reported, not taken as Windows-1251.
#[test]
fn broken_bytes_in_utf8_are_a_warning() {
    let (a, _, _) = tables();
    let mut bytes = a.to_bytes(Format::UTF8);
    let at = bytes.len() - 1;
    bytes.insert(at, 0xFF);
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", &bytes);
    let r = validate_json(t.path()).json();
    assert_eq!(applicant(&r, "A001")["name"], "Ёлкин Пётр Семёнович");
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["rule"] == "data.encoding" && w["source"] == "applicants.csv:6"),
        "{warnings:#?}"
    );
}

/// Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: rows are read, and
/// findings must point at the row's own line, not at the header.
#[test]
fn mac_cr_line_endings_keep_line_numbers() {
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    a.row(&applicant_row("A002", "Журавлёв", "Семён", 2));
    a.set(1, "sex", s("X"));
    let text = a.to_text(Format::UTF8).replace('\n', "\r");
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", text.as_bytes());
    let r = validate_json(t.path()).json();
    assert_eq!(r["rows"]["applicants.csv"]["accepted"], 2);
    let f = findings_of(&r, "A002");
    let sex = f
        .iter()
        .find(|f| f["field"] == "sex")
        .expect("a sex finding");
    assert_eq!(
        sex["source"],
        format!("applicants.csv:3:{}", a.col("sex") + 1).as_str()
    );
}

/// Numbers as Excel in a Russian locale formats them: a no-break space (or narrow
/// no-break space) between thousands and a decimal comma.
#[test]
fn excel_number_formats_are_read() {
    let mut e = Table::new(EXPENSE_HEADERS);
    for amount in [
        "12\u{a0}500,50",
        "12\u{202f}500,50",
        "12 500,50",
        "1 234 567",
    ] {
        e.row(&[
            ("applicant_id", s("A001")),
            ("kind", w("travel", "проезд")),
            ("amount_rub", s(amount)),
        ]);
    }
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "applicants.csv",
        &one_applicant(false).to_bytes(Format::UTF8),
    );
    write(
        t.path(),
        "expenses.csv",
        &e.to_bytes(Format {
            enc: Enc::Utf8Bom,
            ..Format::EXCEL_RU
        }),
    );
    let r = validate_json(t.path()).json();
    assert_eq!(r["rows"]["expenses.csv"]["accepted"], 4);
    let f = findings_of(&r, "A001");
    assert!(f.iter().all(|f| f["field"] != "amount_rub"), "{f:#?}");
    // And in Windows-1251, whose byte A0 is the no-break space.
    let mut e1251 = Table::new(EXPENSE_HEADERS);
    e1251.row(&[
        ("applicant_id", s("A001")),
        ("kind", w("travel", "проезд")),
        ("amount_rub", s("12\u{a0}500,50")),
    ]);
    write(t.path(), "expenses.csv", &e1251.to_bytes(Format::EXCEL_RU));
    let r = validate_json(t.path()).json();
    let f = findings_of(&r, "A001");
    assert!(f.iter().all(|f| f["field"] != "amount_rub"), "{f:#?}");
}
