//! Mutated workbooks never make the reader panic, hang or fill memory (issue 16, item 4):
//! the sample workbook as `.xlsx`, `.ods` and `.xls` with bytes of the file overwritten,
//! and — for the zipped formats, where bytes flipped at random mostly break the zip's
//! checksums — with the XML of one part changed and zipped again: fragments spliced in
//! (huge repeat counts, references far away, shared-string indexes out of range, broken
//! UTF-8), a range cut out, the part cut short. Each case must give a report or an error
//! naming the workbook, within a time budget. `RESETTLE_WORKBOOK_FUZZ_CASES` sets the
//! number of cases (300 of the zipped formats, 3,000 of `.xls`),
//! `RESETTLE_WORKBOOK_FUZZ_TRACE` prints each before it runs and the time it took.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use proptest::prelude::*;

use super::{as_of, schemas};
use crate::common::*;

/// The sample workbook in the three formats, read once.
fn books() -> &'static [(&'static str, Vec<u8>)] {
    static BOOKS: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
    BOOKS.get_or_init(|| {
        let read = |p: &str| std::fs::read(repo().join(p)).unwrap();
        vec![
            ("batch.xlsx", read("samples/workbook/batch.xlsx")),
            ("batch.ods", read("tests/fixture/workbook/batch.ods")),
            ("batch.xls", read("tests/fixture/workbook/batch.xls")),
        ]
    })
}

/// Pieces of spreadsheet XML worth splicing in.
const FRAGMENTS: &[&str] = &[
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"A1\" t=\"s\"><v>99999999</v></c>",
    "<c r=\"B2\" t=\"e\"><v>#REF!</v></c>",
    "<c r=\"C3\" s=\"999\"><v>45000</v></c>",
    "<row r=\"1048576\"><c r=\"A1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "table:number-columns-repeated=\"16384\" ",
    "table:number-rows-repeated=\"1048576\" ",
    "table:number-columns-spanned=\"16384\" table:number-rows-spanned=\"1048576\" ",
    "<table:table-cell office:value-type=\"float\" office:value=\"1e308\"/>",
    "<table:table-cell office:value-type=\"date\" office:date-value=\"99999-13-45\"/>",
    "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
    "<si><t>",
    "</row>",
    "<",
    "&#0;",
    "&unknown;",
    "\u{FFFF}",
    "\"",
];

#[derive(Debug, Clone)]
enum Change {
    /// Overwrite bytes of the file at `at` (a fraction of its length).
    Bytes { at: f64, with: Vec<u8> },
    /// Splice a fragment into part `part` (an index modulo the parts) at `at`.
    Splice {
        part: usize,
        at: f64,
        fragment: usize,
    },
    /// Cut `len` bytes out of a part at `at`.
    Cut { part: usize, at: f64, len: usize },
    /// Cut a part short at `at`.
    Truncate { part: usize, at: f64 },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, with)| Change::Bytes { at, with }),
        (any::<usize>(), 0.0..1.0f64, 0..FRAGMENTS.len())
            .prop_map(|(part, at, fragment)| Change::Splice { part, at, fragment }),
        (any::<usize>(), 0.0..1.0f64, 1..200usize).prop_map(|(part, at, len)| Change::Cut {
            part,
            at,
            len
        }),
        (any::<usize>(), 0.0..1.0f64).prop_map(|(part, at)| Change::Truncate { part, at }),
    ]
}

fn index(len: usize, at: f64) -> usize {
    ((len as f64 * at) as usize).min(len)
}

/// `bytes` (a zip) with its XML part changed by `f`, zipped again; `None` when it is no
/// zip (an `.xls`).
fn rezip(bytes: &[u8], part: usize, f: impl Fn(&mut Vec<u8>)) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let xml: Vec<usize> = (0..zip.len())
        .filter(|&i| {
            zip.by_index(i)
                .is_ok_and(|p| p.name().is_ok_and(|n| n.ends_with(".xml")))
        })
        .collect();
    let chosen = *xml.get(part % xml.len().max(1))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut p = zip.by_index(i).ok()?;
        let name = p.name().ok()?.to_string();
        let mut data = Vec::new();
        // A part the change before broke is left to the reader as it is.
        p.read_to_end(&mut data).ok()?;
        if i == chosen {
            f(&mut data);
        }
        let stored = name == "mimetype";
        let opts = zip::write::SimpleFileOptions::default().compression_method(if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        });
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    Some(out.finish().unwrap().into_inner())
}

fn mutated(bytes: &[u8], c: &Change) -> Vec<u8> {
    match c {
        Change::Bytes { at, with } => {
            let mut b = bytes.to_vec();
            let i = index(b.len().saturating_sub(with.len()), *at);
            b[i..i + with.len()].copy_from_slice(with);
            Some(b)
        }
        Change::Splice { part, at, fragment } => rezip(bytes, *part, |d| {
            let i = index(d.len(), *at);
            d.splice(i..i, FRAGMENTS[*fragment].bytes());
        }),
        Change::Cut { part, at, len } => rezip(bytes, *part, |d| {
            let i = index(d.len(), *at);
            d.drain(i..(i + len).min(d.len()));
        }),
        Change::Truncate { part, at } => rezip(bytes, *part, |d| d.truncate(index(d.len(), *at))),
    }
    .unwrap_or_else(|| bytes.to_vec())
}

/// The library must return a report or an error naming the workbook, in time.
fn check(dir: &Path, name: &str) -> Result<(), TestCaseError> {
    let started = std::time::Instant::now();
    match resettle::validate(dir, schemas(), as_of()) {
        Ok((report, _)) => {
            let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
            check_invariants(&json);
        }
        Err(e) => {
            let m = e.to_string();
            prop_assert!(m.contains(name), "the error does not name {name}: {m}");
        }
    }
    let spent = started.elapsed();
    prop_assert!(
        spent < std::time::Duration::from_secs(20),
        "{name} took {spent:?}"
    );
    Ok(())
}

/// One case: workbook `book` of [`books`] with `changes`, validated in a fresh folder.
fn check_case(book: usize, changes: &[Change]) -> Result<(), TestCaseError> {
    let (name, bytes) = &books()[book];
    if std::env::var_os("RESETTLE_WORKBOOK_FUZZ_TRACE").is_some() {
        eprintln!("case: {name} {changes:?}");
    }
    let mut b = bytes.clone();
    for c in changes {
        b = mutated(&b, c);
    }
    let t = tempfile::tempdir().unwrap();
    write(t.path(), name, &b);
    let started = std::time::Instant::now();
    let checked = check(t.path(), name);
    if std::env::var_os("RESETTLE_WORKBOOK_FUZZ_TRACE").is_some() {
        eprintln!("took: {:?}", started.elapsed());
    }
    checked
}

/// The number of cases: `RESETTLE_WORKBOOK_FUZZ_CASES`, or `default`.
fn cases(default: u32) -> u32 {
    std::env::var("RESETTLE_WORKBOOK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        // A fixed seed: CI runs the same cases every time (PROPTEST_RNG_SEED for others).
        rng_seed: std::env::var("PROPTEST_RNG_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(
                proptest::test_runner::RngSeed::Fixed(0x7265_7365_7474_6c65),
                proptest::test_runner::RngSeed::Fixed,
            ),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(cases(300)))]

    #[test]
    fn library_never_panics_on_mutated_zipped_workbooks(
        book in 0..2usize,
        changes in prop::collection::vec(change(), 1..4),
    ) {
        check_case(book, &changes)?;
    }
}

proptest! {
    // An .xls case is quicker: most changes (the XML ones) leave it as it is.
    #![proptest_config(config(cases(3_000)))]

    /// `.xls`: the BIFF walk of `source::xls` keeps calamine from asking for gigabytes
    /// (DIMENSIONS records, cell positions, sheet offsets, the sheets all together), and
    /// a panic inside calamine is caught. Clean on 6 × 20,000 cases of other seeds.
    #[test]
    fn library_never_panics_on_mutated_xls(
        changes in prop::collection::vec(change(), 1..4),
    ) {
        check_case(2, &changes)?;
    }
}

/// The damaged .xls a long fuzz run found: a label of each sheet moved to the far corner
/// (row 65,536, column IV). Each sheet alone is as large as an .xls sheet can be, but
/// calamine lays out all three at once, densely: 1.6 GB and five seconds, past the
/// fuzz test's 20 s on a busy machine. It ends with a message naming the workbook.
#[test]
fn a_value_at_the_far_corner_of_every_sheet_is_refused() {
    let mut b = books()[2].1.clone();
    // The LABELSST records (0x00FD, 10 bytes: row, column, format, string) of the
    // fixture's three sheets, at these bytes of the file.
    for at in [14_401, 22_259, 31_493] {
        assert_eq!(
            b[at - 4..at],
            [0xFD, 0, 10, 0],
            "the fixture changed at {at}"
        );
        b[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0]);
    }
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "batch.xls", &b);
    let started = std::time::Instant::now();
    let e = resettle::validate(t.path(), schemas(), as_of()).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("batch.xls") && m.contains("cells in all («Заявители» 16777216"),
        "{m}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let out = run(&["validate".as_ref(), t.path().join("batch.xls").as_os_str()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}
