//! Text that would print wrong (issue 18, item 6): rows of another encoding inside a
//! UTF-8 file, letters decomposed as macOS writes them, a KOI8-R file, and names typed
//! in the wrong script. Each gives the same report as the clean batch, or a finding on
//! the cell; never a ready form with `?` or `�` in it.

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use super::{report_for, tables, write_batch};
use crate::common::*;

/// The report of the batch of `super::tables` written in `f`, each file's text passed
/// through `bytes` instead of being encoded as `f` says.
fn report_with(f: Format, bytes: impl Fn(&str) -> Vec<u8>) -> (i32, Value) {
    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), f);
    let (a, fam, e) = tables();
    write(t.path(), "applicants.csv", &bytes(&a.to_text(f)));
    write(t.path(), "family.csv", &bytes(&fam.to_text(f)));
    write(t.path(), "expenses.csv", &bytes(&e.to_text(f)));
    let out = validate_json(t.path());
    let report = out.json();
    check_invariants(&report);
    (out.code, report)
}

fn cp1251(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
}

/// A few lines saved in Windows-1251 inside a UTF-8 file: the cells whose bytes do not
/// read as UTF-8 are data.format errors on their cells, so that applicant is invalid
/// (no form with `????`); the other applicants are read as in the clean file.
#[test]
fn rows_of_another_encoding_are_errors_on_their_cells() {
    let (a, _, _) = tables();
    let (_, clean) = report_for(Format::UTF8);
    let (code, r) = report_with(Format::UTF8, |text| {
        if !text.starts_with("applicant_id,last_name") {
            return text.as_bytes().to_vec();
        }
        // A002's surname and first name, as Excel in a Russian locale saved them.
        let mut out = Vec::new();
        let mut rest = text;
        for word in ["Журавлёва", "Алёна"] {
            if let Some(i) = rest.find(&format!(",{word},")) {
                out.extend_from_slice(&rest.as_bytes()[..=i]);
                out.extend(cp1251(word));
                rest = &rest[i + 1 + word.len()..];
            }
        }
        out.extend_from_slice(rest.as_bytes());
        out
    });
    assert_eq!(code, 1);
    let a002 = applicant(&r, "A002");
    assert_eq!(a002["status"], "invalid", "{a002:#}");
    for col in ["last_name", "first_name"] {
        let f = findings_of(&r, "A002")
            .into_iter()
            .find(|f| f["field"] == col)
            .unwrap_or_else(|| panic!("no finding on {col}: {a002:#}"));
        assert_eq!(f["rule"], "data.format");
        assert_eq!(
            f["source"],
            format!("applicants.csv:3:{}", a.col(col) + 1).as_str()
        );
        assert!(
            f["message"]["en"]
                .as_str()
                .unwrap()
                .contains("do not read as UTF-8"),
            "{f:#}"
        );
    }
    // No data.required besides: the cell was there, unreadable.
    assert!(
        findings_of(&r, "A002")
            .iter()
            .all(|f| f["rule"] != "data.required"),
    );
    for id in ["A001", "A003"] {
        assert_eq!(applicant(&r, id), applicant(&clean, id), "{id}");
    }
}

/// Letters decomposed as macOS writes them (`е` + U+0308 for `ё`, `и` + U+0306 for `й`),
/// in headers and values alike, give the report of the composed file: names print as
/// the one letter the fonts have.
#[test]
fn decomposed_letters_read_as_composed() {
    let ru = Format {
        russian: true,
        ..Format::UTF8
    };
    let (code, clean) = report_for(ru);
    let (a, _, _) = tables();
    let names = a.to_text(ru);
    assert_ne!(
        names.nfd().collect::<String>(),
        names,
        "letters to decompose"
    );
    let (nfd_code, nfd) = report_with(ru, |text| text.nfd().collect::<String>().into_bytes());
    assert_eq!((nfd_code, &nfd), (code, &clean));
    assert_eq!(applicant(&nfd, "A001")["name"], "Ёлкин Пётр Семёнович");
}

/// A KOI8-R file is read as KOI8-R, not as Windows-1251, and the console says which
/// encoding was chosen and how sure that is.
#[test]
fn koi8_r_is_read_as_koi8_r() {
    let (code, cp) = report_for(Format::EXCEL_RU);
    let koi8 = |text: &str| {
        let (bytes, _, unmappable) = encoding_rs::KOI8_R.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    };
    let (koi_code, koi) = report_with(Format::EXCEL_RU, koi8);
    assert_eq!((koi_code, &koi), (code, &cp));

    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), Format::EXCEL_RU);
    let (a, _, _) = tables();
    write(
        t.path(),
        "applicants.csv",
        &koi8(&a.to_text(Format::EXCEL_RU)),
    );
    let out = run(&[
        "validate".as_ref(),
        t.path().as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    assert!(
        out.stdout.contains("applicants.csv: KOI8-R (")
            && out.stdout.contains("read as Windows-1251), ';'")
            && out.stdout.contains("family.csv: Windows-1251 ("),
        "{}",
        out.stdout
    );
}

/// A name in the wrong script is a data.format error naming the letters: a Latin «o»
/// typed into a Cyrillic surname, a Cyrillic «А» into the Latin spelling; a Kazakh
/// letter, a hyphen or an apostrophe is no finding.
#[test]
fn names_in_the_wrong_script_are_errors() {
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ивaнoв", "Пётр", 1));
    a.row(&applicant_row("A002", "Жұмабаева-Д'Артаньян", "Әлия", 2));
    a.set(1, "sex", s("F")).set(1, "first_name_lat", s("АLIYA"));
    a.row(&applicant_row("A003", "Ivanov", "Пётр", 3));
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "applicants.csv", &a.to_bytes(Format::UTF8));
    let r = validate_json(t.path()).json();
    let script = |id: &str| -> Vec<(String, String)> {
        findings_of(&r, id)
            .iter()
            .filter(|f| {
                f["message"]["en"]
                    .as_str()
                    .unwrap()
                    .contains("another script")
            })
            .map(|f| {
                (
                    f["field"].as_str().unwrap().to_string(),
                    f["message"]["en"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let a001 = script("A001");
    assert_eq!(a001.len(), 1, "{a001:?}");
    assert_eq!(a001[0].0, "last_name");
    assert!(a001[0].1.contains("(a, o)"), "{}", a001[0].1);
    assert!(a001[0].1.contains("written in Cyrillic"), "{}", a001[0].1);
    assert_eq!(applicant(&r, "A001")["status"], "invalid");
    let a002 = script("A002");
    assert_eq!(a002.len(), 1, "{a002:?}");
    assert_eq!(a002[0].0, "first_name_lat");
    assert!(a002[0].1.contains("(А)") && a002[0].1.contains("written in Latin"));
    let a003 = script("A003");
    assert_eq!(a003.len(), 1, "{a003:?}");
    assert!(a003[0].1.contains("(I, v, a, n, o)"), "{}", a003[0].1);
}
