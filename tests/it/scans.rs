//! Scans are checked for what they are, not for their first bytes (issue 18, item 3): a
//! magic number followed by nothing or by garbage, a PDF cut off, a PDF nested to crash
//! its reader, a file over the size bound, and a form resettle itself made (copied from
//! OUT into documents/) are each `docs.unreadable` with their reason and never count as
//! the document; a real minimal PDF, JPEG and PNG still count.

use std::path::Path;

use serde_json::Value;

use crate::common::{self, Format, JPEG, PDF, PNG};
use crate::fixture::{Batch, Member, rules};

/// The ready applicant A001 without `code` on paper, and `file` (under documents/A001/)
/// holding `bytes`.
fn with_scan(code: &str, file: &str, bytes: &[u8]) -> Value {
    let mut b = Batch::ready();
    b.withdraw(code);
    b.file(&format!("A001/{file}"), bytes);
    b.first()
}

/// Asserts that the scan `file` of `app` was refused with a reason containing `en` (and
/// a Russian one), and that its document `code` is missing.
fn refused(app: &Value, code: &str, file: &str, en: &str) {
    assert_eq!(
        rules(app),
        [format!("docs.missing.{code}").as_str(), "docs.unreadable"],
        "{file}: {:#}",
        app["findings"]
    );
    assert_eq!(app["status"], "incomplete", "{file}");
    let f = app["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "docs.unreadable")
        .unwrap();
    assert_eq!(f["source"], format!("documents/A001/{file}"));
    let (msg_en, msg_ru) = (
        f["message"]["en"].as_str().unwrap(),
        f["message"]["ru"].as_str().unwrap(),
    );
    assert!(
        msg_en.starts_with("scan not accepted: ") && msg_en.contains(en),
        "{file}: {msg_en}"
    );
    assert!(msg_ru.starts_with("скан не принят: "), "{file}: {msg_ru}");
}

/// Asserts that the applicant is ready with no finding: the scan counted.
fn counted(app: &Value, file: &str) {
    assert_eq!(
        app["findings"],
        serde_json::json!([]),
        "{file} should count; status {}",
        app["status"]
    );
    assert_eq!(app["status"], "ready", "{file}");
}

#[test]
fn real_minimal_pdf_jpeg_and_png_count() {
    counted(&with_scan("diploma", "diploma.pdf", PDF), "diploma.pdf");
    counted(&with_scan("diploma", "diploma.jpg", JPEG), "diploma.jpg");
    counted(&with_scan("diploma", "diploma.png", PNG), "diploma.png");
    // The sample batch's scans, as they are.
    let sample = common::repo().join("samples/batch/documents/A040");
    for name in ["diploma.pdf", "photo.jpg", "id_card.png"] {
        let bytes = std::fs::read(sample.join(name)).unwrap();
        let ext = name.rsplit_once('.').unwrap().1;
        let file = format!("diploma.{ext}");
        counted(&with_scan("diploma", &file, &bytes), name);
    }
}

#[test]
fn a_magic_number_alone_is_no_scan() {
    let app = with_scan("diploma", "diploma.pdf", b"%PDF-");
    refused(&app, "diploma", "diploma.pdf", "the PDF is cut off");
    refused(&app, "diploma", "diploma.pdf", "5 bytes in all");
}

#[test]
fn a_signature_followed_by_garbage_is_no_scan() {
    let garbage = vec![b'A'; 500];
    let png = [&PNG[..8], &garbage[..]].concat();
    let app = with_scan("diploma", "diploma.png", &png);
    refused(&app, "diploma", "diploma.png", "the PNG is damaged");
    let jpeg = [&JPEG[..3], &garbage[..]].concat();
    let app = with_scan("diploma", "diploma.jpg", &jpeg);
    refused(
        &app,
        "diploma",
        "diploma.jpg",
        "the JPEG header cannot be read",
    );
    // A whole PDF header, then no PDF.
    let pdf = [&b"%PDF-1.7\n"[..], &garbage[..], b"\n%%EOF\n"].concat();
    let app = with_scan("diploma", "diploma.pdf", &pdf);
    refused(
        &app,
        "diploma",
        "diploma.pdf",
        "the PDF's structure cannot be read",
    );
}

#[test]
fn a_cut_off_scan_is_no_scan() {
    let sample = common::repo().join("samples/batch/documents/A040");
    let pdf = std::fs::read(sample.join("diploma.pdf")).unwrap();
    for cut in [pdf.len() / 2, pdf.len() - 10] {
        let app = with_scan("diploma", "diploma.pdf", &pdf[..cut]);
        refused(&app, "diploma", "diploma.pdf", "the PDF is cut off");
    }
    let jpeg = std::fs::read(sample.join("photo.jpg")).unwrap();
    let app = with_scan("diploma", "diploma.jpg", &jpeg[..jpeg.len() - 2]);
    refused(&app, "diploma", "diploma.jpg", "the JPEG is cut off");
    let png = std::fs::read(sample.join("id_card.png")).unwrap();
    let app = with_scan("diploma", "diploma.png", &png[..png.len() - 12]);
    refused(&app, "diploma", "diploma.png", "the PNG is cut off");
}

/// A PDF with a cross-reference stream (entries of 1 + 4 + 2 bytes: type, offset or
/// object stream, generation or index) over `objects` (number, body), with `packed`
/// (number, object stream, index) inside object streams.
fn xref_stream_pdf(objects: &[(u32, Vec<u8>)], packed: &[(u32, u32, u16)]) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut entries = std::collections::BTreeMap::new();
    for (number, body) in objects {
        entries.insert(*number, (1u8, out.len() as u32, 0u16));
        out.extend(format!("{number} 0 obj").bytes());
        out.extend(body);
        out.extend(b"endobj\n");
    }
    for &(number, stream, index) in packed {
        entries.insert(number, (2, stream, index));
    }
    let xref = out.len() as u32;
    let size = entries.keys().max().unwrap() + 2;
    entries.insert(size - 1, (1, xref, 0));
    let mut table = Vec::new();
    for number in 0..size {
        let (kind, a, b) = entries.get(&number).copied().unwrap_or((0, 0, 0));
        table.push(kind);
        table.extend(a.to_be_bytes());
        table.extend(b.to_be_bytes());
    }
    out.extend(
        format!(
            "{} 0 obj<</Type/XRef/Size {size}/W[1 4 2]/Root 1 0 R/Length {}>>stream\n",
            size - 1,
            table.len()
        )
        .bytes(),
    );
    out.extend(table);
    out.extend(format!("\nendstream endobj\nstartxref\n{xref}\n%%EOF\n").bytes());
    out
}

/// PDFs made to crash a recursive reader (hayro-syntax, Typst's, overflows its stack on
/// both and aborts the run) are judged in one flat pass, and the batch goes on: object
/// streams that contain each other (the page is in no stream there is: no page), and a
/// page nested a million arrays deep inside an object stream (out of sight: counted).
#[test]
fn pdfs_made_to_crash_a_recursive_reader_never_abort_the_run() {
    let catalog = (1, b"<</Type/Catalog/Pages 2 0 R>>".to_vec());
    let pages = (2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec());
    // The page tree counts no page either (a tree that counts one is taken at its word).
    let uncounted = (2, b"<</Type/Pages/Kids[3 0 R]>>".to_vec());
    let cycle = xref_stream_pdf(
        &[catalog.clone(), uncounted],
        &[(3, 5, 0), (5, 7, 0), (7, 5, 0)],
    );
    let deep = format!(
        "3 0 <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/X {}{}>>",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    let stream = [
        format!("<</Type/ObjStm/N 1/First 4/Length {}>>stream\n", deep.len()).as_bytes(),
        deep.as_bytes(),
        b"\nendstream",
    ]
    .concat();
    let nested = xref_stream_pdf(&[catalog, pages, (5, stream)], &[(3, 5, 0)]);

    let t = tempfile::tempdir().unwrap();
    let mut b = Batch::ready();
    b.add_applicant("A002");
    b.withdraw("diploma");
    let docs = b.get(1, "documents").replace("diploma;", "");
    b.set_at(1, "documents", &docs);
    b.file("A001/diploma.pdf", &cycle);
    b.file("A002/diploma.pdf", &nested);
    write_batch(&b, t.path());
    // `run` panics on an abort (a killed process).
    let report = common::validate_json(t.path()).json();
    refused(
        common::applicant(&report, "A001"),
        "diploma",
        "diploma.pdf",
        "the PDF's structure cannot be read: it has no page",
    );
    counted(common::applicant(&report, "A002"), "nested.pdf");
}

/// A scan over 64 MiB is not read (its size is known before reading): the caseworker is
/// told its size and the bound.
#[test]
fn a_scan_over_the_size_bound_is_not_read() {
    let t = tempfile::tempdir().unwrap();
    let mut b = Batch::ready();
    b.withdraw("diploma");
    common::write(
        t.path(),
        "applicants.csv",
        &b.applicants.to_bytes(Format::UTF8),
    );
    common::write(t.path(), "documents/A001/diploma.pdf", b"");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(t.path().join("documents/A001/diploma.pdf"))
        .unwrap();
    // Sparse: nothing written to the disk.
    f.set_len((64 << 20) + 1).unwrap();
    let report = common::validate_json(t.path()).json();
    let app = common::applicant(&report, "A001");
    refused(
        app,
        "diploma",
        "diploma.pdf",
        "the file is 64.0 MiB, more than the 64 MiB a scan may be, and was not checked",
    );
}

/// The batch of `b` written to `dir` as CSV files (its scans too).
fn write_batch(b: &Batch, dir: &Path) {
    common::write(dir, "applicants.csv", &b.applicants.to_bytes(Format::UTF8));
    if !b.family.rows.is_empty() {
        common::write(dir, "family.csv", &b.family.to_bytes(Format::UTF8));
    }
    for (path, bytes) in &b.files {
        common::write(dir, &format!("documents/{path}"), bytes);
    }
}

/// The forms resettle renders — a draft consent marked ЧЕРНОВИК, the application —
/// copied from OUT into documents/ under the names of the documents they stand for are
/// recognised as resettle's and never count: the consent stays missing.
#[test]
fn resettle_forms_copied_into_documents_never_count() {
    let t = tempfile::tempdir().unwrap();
    let (batch, out) = (t.path().join("batch"), t.path().join("out"));
    // A minor relocating without the other parent's notarised consent: not ready, so
    // `--drafts` renders the consent to sign as a draft.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "F", "2012-05-01"));
    b.withdraw("parent_consent-F1");
    write_batch(&b, &batch);
    let run = common::run_out(&batch, &out, &["--drafts"]);
    assert!(run.code <= 1, "{}", run.stderr);
    let consent = std::fs::read(out.join("A001/consent-F1.pdf")).unwrap();
    let application = std::fs::read(out.join("A001/application.pdf")).unwrap();

    // The draft under the tool's own name (`consent` is a name of parent_consent), and
    // the application as the diploma.
    let mut b = b.clone();
    b.withdraw("diploma");
    b.file("A001/consent-F1.pdf", &consent);
    b.file("A001/diploma.pdf", &application);
    let app = b.first();
    let mut found = rules(&app);
    found.sort();
    assert_eq!(
        found,
        [
            "docs.missing.diploma",
            "docs.missing.parent_consent",
            "docs.unreadable",
            "docs.unreadable"
        ],
        "{:#}",
        app["findings"]
    );
    for file in ["consent-F1.pdf", "diploma.pdf"] {
        let f = app["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["source"] == format!("documents/A001/{file}"))
            .unwrap_or_else(|| panic!("{file}: {:#}", app["findings"]));
        let en = f["message"]["en"].as_str().unwrap();
        assert!(
            en.contains("a form made by resettle (it uses resettle's font «Resettle")
                && en.contains("not a scan of a signed document"),
            "{file}: {en}"
        );
        assert!(
            f["message"]["ru"]
                .as_str()
                .unwrap()
                .contains("это бланк, сделанный resettle"),
            "{file}: {f:#}"
        );
    }
    // The same applicant with the real scans counts: the refusal is the forms'.
    let mut b2 = b.clone();
    b2.files.clear();
    b2.file("A001/parent_consent-F1.pdf", PDF);
    b2.file("A001/diploma.pdf", PDF);
    assert_eq!(
        b2.first()["status"],
        "ready",
        "{:#}",
        b2.first()["findings"]
    );
}
