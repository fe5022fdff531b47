//! No input makes `resettle` panic: arbitrary bytes, and CSV-like bytes (a valid header
//! followed by random cells with quotes, delimiters, line breaks, NULs and invalid UTF-8),
//! as any of the three batch files. The library is driven directly for the bulk of the
//! cases; a few go through the binary, whose exit status must be 1 or 2 with a message.

use crate::common;

mod folders;
mod terminal;
mod workbooks;

use std::path::Path;

use common::*;
use proptest::prelude::*;
use resettle::schema::Schemas;
use serde_json::Value;

const FILES: [&str; 3] = ["applicants.csv", "family.csv", "expenses.csv"];

fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 24)
}

/// The built-in schemas, parsed once for all cases.
fn schemas() -> &'static Schemas {
    static SCHEMAS: std::sync::OnceLock<Schemas> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| Schemas::embedded().expect("embedded schemas load"))
}

/// Writes a batch whose file `fuzzed` holds `bytes`; the other files (when `fuzzed` is
/// not applicants.csv) are a valid applicants.csv whose one applicant is never ready.
fn write_fuzzed(dir: &Path, fuzzed: &str, bytes: &[u8]) {
    if fuzzed != "applicants.csv" {
        write(
            dir,
            "applicants.csv",
            &one_applicant(true).to_bytes(Format::UTF8),
        );
    }
    write(dir, fuzzed, bytes);
}

/// Validates the batch with the library (ingest, checks, documents, rules, report): it
/// must return, never panic; an error names the fuzzed file; a report keeps its
/// invariants and is never "all ready".
fn check_library(dir: &Path, fuzzed: &str) -> Result<(), TestCaseError> {
    match resettle::validate(dir, schemas(), as_of()) {
        Ok((report, _formats)) => {
            let json: Value = serde_json::from_str(&report.to_json()).expect("report is JSON");
            check_invariants(&json);
            prop_assert!(!report.all_ready(), "a fuzzed batch is all ready: {json:#}");
            prop_assert!(json["rows"][fuzzed].is_object(), "{fuzzed} is counted");
        }
        Err(e) => {
            let m = e.to_string();
            prop_assert!(m.contains(fuzzed), "the error does not name {fuzzed}: {m}");
        }
    }
    Ok(())
}

/// Runs `validate --format json` on the batch: exit 1 with a report that says what is
/// wrong, or exit 2 with a message naming the fuzzed file.
fn check_binary(dir: &Path, fuzzed: &str) {
    let out = validate_json(dir);
    match out.code {
        1 => {
            let r = out.json();
            check_invariants(&r);
            let said = findings(&r).len()
                + r["errors"].as_array().map_or(0, Vec::len)
                + r["warnings"].as_array().map_or(0, Vec::len);
            assert!(said > 0, "exit 1 without any finding or error: {r:#}");
        }
        2 => {
            assert!(out.stdout.is_empty(), "{}", out.stdout);
            assert!(
                out.stderr.contains(fuzzed),
                "exit 2 without naming {fuzzed}: {}",
                out.stderr
            );
        }
        c => panic!(
            "exit status {c} (expected 1 or 2)\nstdout:\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Generators

/// Pieces of CSV-like text: delimiters, quotes, line breaks, NUL, broken UTF-8, values
/// that are almost right, hostile paths, long runs.
const FRAGMENTS: &[&[u8]] = &[
    b"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"",
    b"\"\"",
    b"\0",
    b"\xFF",
    b"\xD0",
    b"\xC3\x28",
    b"\xED\xA0\x80",
    b"\xEF\xBB\xBF",
    b"\xFE\xFF",
    b"A001",
    b"F1",
    b"../../x",
    b"C:\\x",
    b"/etc/passwd",
    b"1985-04-12",
    b"31.02.1990",
    b"12.04.1985",
    b"0000-00-00",
    b"yes",
    b"\xD0\xB4\xD0\xB0",
    b"\xC4\xE0",
    b"M",
    b"\xD0\x96",
    b"KZ",
    b"stateless",
    b"850412313187",
    b"85041231318",
    b"044525225",
    b"40817810099910004312",
    b"99999999999999999999",
    b"-1",
    b"1,5",
    b"1.234,56",
    b"5400",
    b"id_card;birth_certificate-F1;x-",
    b"receipt.pdf",
    b" ",
    b"sep=;",
    b"\xE2\x80\xAE",
    b"\xF0\x9F\x98\x80",
    b"\xD2\x9A\xD3\x99",
    b"%PDF-",
    b"#panic()",
    b"{{x}}",
];

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..200).prop_map(|v| v.concat())
}

/// The header line of `file` (English or Russian names) with delimiter `d`.
fn header(file: &str, russian: bool, d: &str) -> String {
    let headers = match file {
        "applicants.csv" => APPLICANT_HEADERS,
        "family.csv" => FAMILY_HEADERS,
        _ => EXPENSE_HEADERS,
    };
    headers
        .iter()
        .map(|(e, r)| if russian { *r } else { *e })
        .collect::<Vec<_>>()
        .join(d)
}

/// One cell: a few fragments, sometimes in quotes.
fn cell() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..4),
        any::<bool>(),
    )
        .prop_map(|(parts, quoted)| {
            let inner = parts.concat();
            if quoted {
                [&b"\""[..], &inner, b"\""].concat()
            } else {
                inner
            }
        })
}

/// Ids that attach a row to the applicant (or fail to), and member ids.
const IDS: &[&str] = &["A001", "A001", "A001", "A002", "", "../x", "F1", " A001 "];
const MEMBERS: &[&str] = &["F1", "F1", "F2", "", "..", "F 1", "Ж1", "A001"];

/// What follows the header: a soup of fragments, or rows of cells whose first cell is
/// usually an existing applicant's id and the second a member id (so family and expense
/// rows get attached).
#[derive(Debug, Clone)]
enum Body {
    Soup(Vec<u8>),
    Rows(Vec<(&'static str, &'static str, Vec<Vec<u8>>)>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        fragments().prop_map(Body::Soup),
        prop::collection::vec(
            (
                prop::sample::select(IDS),
                prop::sample::select(MEMBERS),
                prop::collection::vec(cell(), 0..45)
            ),
            0..10
        )
        .prop_map(Body::Rows),
    ]
}

/// A valid header and random cells, in one of the encodings, maybe cut short.
fn csv_ish(file: &'static str) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(&["", "\u{feff}", "sep=;\n", "sep=,\r\n", "\n"][..]),
        any::<bool>(),
        prop::sample::select(&[",", ";", "\t"][..]),
        prop::sample::select(&["\n", "\r\n"][..]),
        body(),
        0..4u8,
        prop::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(move |(prefix, russian, d, nl, body, enc, cut)| {
            let head = format!("{prefix}{}{nl}", header(file, russian, d));
            let body = match body {
                Body::Soup(b) => b,
                Body::Rows(rows) => {
                    let mut out = Vec::new();
                    for (id, member, cells) in rows {
                        out.extend_from_slice(id.as_bytes());
                        out.extend_from_slice(d.as_bytes());
                        out.extend_from_slice(member.as_bytes());
                        for c in cells {
                            out.extend_from_slice(d.as_bytes());
                            out.extend_from_slice(&c);
                        }
                        out.extend_from_slice(nl.as_bytes());
                    }
                    out
                }
            };
            let mut bytes = match enc {
                // Windows-1251 header, raw body bytes.
                0 if russian => encode(&head.replace('\u{feff}', ""), Enc::Cp1251),
                0 | 1 => head.into_bytes(),
                2 => encode(&head, Enc::Utf16LeBom),
                _ => encode(&head, Enc::Utf16BeBom),
            };
            let text = String::from_utf8_lossy(&body);
            match enc {
                2 => bytes.extend_from_slice(&encode(&text, Enc::Utf16LeBom)[2..]),
                3 => bytes.extend_from_slice(&encode(&text, Enc::Utf16BeBom)[2..]),
                _ => bytes.extend_from_slice(&body),
            }
            if let Some(i) = cut {
                let n = i.index(bytes.len() + 1);
                bytes.truncate(n);
            }
            bytes
        })
}

const BOMS: &[&[u8]] = &[b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"];

/// Arbitrary bytes, arbitrary bytes after a BOM, or CSV-like bytes.
fn file_bytes(file: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        (
            prop::sample::select(BOMS),
            prop::collection::vec(any::<u8>(), 0..600)
        )
            .prop_map(|(bom, rest)| [bom, &rest[..]].concat()),
        csv_ish(file),
        csv_ish(file),
    ]
}

fn any_file() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    prop_oneof![
        file_bytes("applicants.csv").prop_map(|b| ("applicants.csv", b)),
        file_bytes("family.csv").prop_map(|b| ("family.csv", b)),
        file_bytes("expenses.csv").prop_map(|b| ("expenses.csv", b)),
    ]
}

// ---------------------------------------------------------------------------------------
// Properties

/// `cases` cases; a failing case is saved beside this file
/// (tests/it/robustness.proptest-regressions) and replayed first on the next run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn library_never_panics_on_applicants(bytes in file_bytes("applicants.csv")) {
        let t = tempfile::tempdir().unwrap();
        write_fuzzed(t.path(), "applicants.csv", &bytes);
        check_library(t.path(), "applicants.csv")?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn library_never_panics_on_family(bytes in file_bytes("family.csv")) {
        let t = tempfile::tempdir().unwrap();
        write_fuzzed(t.path(), "family.csv", &bytes);
        check_library(t.path(), "family.csv")?;
    }

    #[test]
    fn library_never_panics_on_expenses(bytes in file_bytes("expenses.csv")) {
        let t = tempfile::tempdir().unwrap();
        write_fuzzed(t.path(), "expenses.csv", &bytes);
        check_library(t.path(), "expenses.csv")?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn binary_exits_1_or_2_with_a_message((file, bytes) in any_file()) {
        let t = tempfile::tempdir().unwrap();
        write_fuzzed(t.path(), file, &bytes);
        check_binary(t.path(), file);
    }
}

// ---------------------------------------------------------------------------------------
// Explicit cases

/// Inputs a caseworker can really produce by mistake, and a few nastier ones.
fn explicit_cases(file: &str) -> Vec<(&'static str, Vec<u8>)> {
    let head = header(file, false, ",");
    let head_ru = encode(&header(file, true, ";"), Enc::Cp1251);
    vec![
        ("empty file", Vec::new()),
        ("only line breaks", b"\r\n\n\r\n".to_vec()),
        ("only a BOM", b"\xEF\xBB\xBF".to_vec()),
        ("only a UTF-16 BOM", b"\xFF\xFE".to_vec()),
        ("header only", format!("{head}\n").into_bytes()),
        ("Russian header only, no line break", head_ru.clone()),
        (
            "NUL bytes",
            [head.as_bytes(), b"\n\0\0\0,\0;\0\n\0"].concat(),
        ),
        ("all NUL", vec![0; 300]),
        (
            "unbalanced quote",
            format!("{head}\nA001,\"Ёлкин,Пётр\n,,,\n").into_bytes(),
        ),
        (
            "quote in the header",
            format!("\"{head}\nA001,x\n").into_bytes(),
        ),
        (
            "PNG signature",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
                .to_vec(),
        ),
        (
            "XLSX (ZIP) signature",
            b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0\x62\xee\x9d\x68\x5e\x01\0\0\x90\x04\0\0\x13\0\x08\x02[Content_Types].xml"
                .to_vec(),
        ),
        (
            "PDF",
            PDF.to_vec(),
        ),
        (
            "UTF-16 odd length",
            [&encode(&head, Enc::Utf16LeBom)[..], b"\n"].concat(),
        ),
        (
            "very long line",
            format!("{head}\nA001{}\n", ",x".repeat(50_000)).into_bytes(),
        ),
        (
            "very long cell",
            format!("{head}\nA001,{}\n", "Ё".repeat(200_000)).into_bytes(),
        ),
        (
            "ten thousand blank rows",
            format!("{head}{}", ",,,\n".repeat(10_000)).into_bytes(),
        ),
        (
            "header repeated as a row",
            format!("{head}\n{head}\n").into_bytes(),
        ),
        ("sep line only", b"sep=;\r\n".to_vec()),
        ("bad sep line", format!("sep=|\n{head}\n").into_bytes()),
        (
            "CR line endings",
            format!("{head}\rA001,x\r").into_bytes(),
        ),
        (
            "LF, CRLF and CR in one file",
            format!("{head}\nA001,x\r\nA001,y\rA001,\"a\r\nb\rc\"\n\rA001\r\n").into_bytes(),
        ),
        (
            "invalid UTF-8 among UTF-8 letters",
            [
                head.as_bytes(),
                "\nA001,Ёлкин,Пётр\nA001,Ёл".as_bytes(),
                b"\xFF\xC3\x28\xED\xA0\x80",
                "кин\n".as_bytes(),
            ]
            .concat(),
        ),
    ]
}

#[test]
fn explicit_hostile_files_never_crash() {
    for file in FILES {
        for (name, bytes) in explicit_cases(file) {
            let t = tempfile::tempdir().unwrap();
            write_fuzzed(t.path(), file, &bytes);
            let lib = std::panic::catch_unwind(|| {
                check_library(t.path(), file).map_err(|e| e.to_string())
            });
            match lib {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("{file}, {name}: {e}"),
                Err(_) => panic!("{file}, {name}: the library panicked"),
            }
            check_binary(t.path(), file);
        }
    }
}

/// A workbook saved under the name applicants.csv (or family.csv, expenses.csv) is
/// refused with a message naming the file and saying it is Excel, not CSV, and how to
/// save it as CSV: not read as text.
#[test]
fn a_workbook_named_csv_is_refused() {
    let xlsx = &b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml"[..];
    let xls = &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0"[..];
    for file in FILES {
        for (bytes, what) in [
            (xlsx, "Excel workbook (.xlsx)"),
            (xls, "old Excel workbook (.xls)"),
        ] {
            let t = tempfile::tempdir().unwrap();
            write_fuzzed(t.path(), file, bytes);
            let out = validate_json(t.path());
            assert_eq!(out.code, 2, "{file}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{}", out.stdout);
            for part in [
                format!("{file}: this file is an ").as_str(),
                what,
                "not CSV",
                "Save As",
            ] {
                assert!(
                    out.stderr.contains(part),
                    "{file}: no «{part}» in {}",
                    out.stderr
                );
            }
        }
    }
}

/// A picture or a PDF saved as a CSV name: exit 2, "not CSV", naming the file.
#[test]
fn a_picture_named_csv_is_refused() {
    // A complete 1×1 PNG.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";
    let jpeg: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
    for file in FILES {
        for bytes in [png, jpeg, PDF] {
            let t = tempfile::tempdir().unwrap();
            write_fuzzed(t.path(), file, bytes);
            let out = validate_json(t.path());
            assert_eq!(out.code, 2, "{file}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains(&format!("{file}: this file is a PDF or an image, not CSV")),
                "{}",
                out.stderr
            );
        }
    }
}

/// Odd things in documents/: a folder named like a scan, a file name that is not UTF-8,
/// an empty file, a folder for nobody, deep nesting.
#[test]
fn odd_documents_folders_never_crash() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    write(
        dir,
        "applicants.csv",
        &one_applicant(false).to_bytes(Format::UTF8),
    );
    std::fs::create_dir_all(dir.join("documents/A001/photo.jpg")).unwrap();
    std::fs::create_dir_all(dir.join("documents/A001/a/b/c/d")).unwrap();
    write(dir, "documents/A001/a/b/c/d/id_card.pdf", PDF);
    write(dir, "documents/A001/diploma.pdf", b"");
    write(dir, "documents/A001/.DS_Store", b"\0\0");
    write(dir, "documents/A001/id_card.PDF", PDF);
    write(dir, "documents/A001/birth_certificate.pdf", PDF);
    write(dir, "documents/A001/birth_certificate-F9.pdf", PDF);
    write(dir, "documents/A001/id_card-F1.pdf", PDF);
    write(dir, "documents/A001/diploma.exe", PDF);
    write(dir, "documents/nobody/id_card.pdf", PDF);
    write(dir, "documents/README.txt", b"x");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"documents/A001/\xFF\xFE.pdf");
        std::fs::write(dir.join(name), PDF).unwrap();
        // A link loop inside the batch.
        std::os::unix::fs::symlink("..", dir.join("documents/A001/a/up")).unwrap();
    }
    let out = validate_json(dir);
    let r = out.json();
    check_invariants(&r);
    let f = findings_of(&r, "A001");
    let at = |src: &str| f.iter().find(|x| x["source"] == src);
    assert!(
        at("documents/A001/diploma.pdf").is_some_and(|x| x["rule"] == "docs.unreadable"),
        "{f:#?}"
    );
    assert!(
        at("documents/A001/diploma.exe").is_some(),
        "an .exe is not a scan: {f:#?}"
    );
    assert!(
        at("documents/A001/birth_certificate-F9.pdf").is_some(),
        "no member F9: {f:#?}"
    );
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["source"] == "documents/nobody" && w["rule"] == "docs.unrecognized"),
        "{warnings:#?}"
    );
    // Every message is one line: names are shown escaped.
    for m in all_messages(&r) {
        assert!(!m.contains('\n'), "{m:?}");
    }
}
