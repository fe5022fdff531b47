//! `run` does not trust its own state in OUT (issue 18, items 2 and 5): a planted or
//! corrupt manifest never makes it delete a file it did not write, an output changed
//! since it was written is rendered again, one file that cannot be replaced is that
//! document's `render.failed` while the batch goes on, and the last run's report is gone
//! before any output changes.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{self, copy_dir, outputs, read_report, repo, run_out};

const MANIFEST: &str = ".resettle-manifest.json";
const JOURNAL: &str = ".resettle-journal";

/// A copy of the sample batch in `dir`.
fn sample_copy(dir: &Path) -> PathBuf {
    let batch = dir.join("batch");
    copy_dir(&repo().join("samples/batch"), &batch);
    batch
}

/// `run` that must end with status 1 (the sample has applicants with findings).
fn run_ok(batch: &Path, out: &Path) -> Value {
    let o = run_out(batch, out, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    read_report(out)
}

/// Makes applicant `id` invalid (its sex an unknown letter), keeping every line number.
fn make_invalid(batch: &Path, id: &str) {
    let path = batch.join("applicants.csv");
    let mut rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let col = rows[0].iter().position(|h| h == "sex").unwrap();
    for r in rows.iter_mut().skip(1) {
        if r.get(0) == Some(id) {
            let mut cells: Vec<String> = r.iter().map(String::from).collect();
            cells[col] = "X".into();
            *r = csv::StringRecord::from(cells);
        }
    }
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(&path)
        .unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn digest(bytes: &[u8]) -> String {
    resettle::digest::of(&[bytes])
}

/// A Word file of a caseworker's, made by another program.
fn word_file() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    zip.start_file("docProps/custom.xml", opts).unwrap();
    zip.write_all(br#"<Properties><property name="generator"><vt:lpwstr>Word</vt:lpwstr></property></Properties>"#).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_planted_manifest_never_deletes_what_resettle_did_not_write() {
    let t = tempfile::tempdir().unwrap();
    let batch = sample_copy(t.path());
    let out = t.path().join("out");
    fs::create_dir_all(out.join("A099")).unwrap();
    fs::create_dir_all(out.join("A001")).unwrap();
    // A caseworker's files in OUT: the batch's own table copied there, notes, a scan,
    // and a PDF and a Word file of their own under outputs' names of an applicant not in
    // the batch.
    let theirs: Vec<(&str, Vec<u8>)> = vec![
        (
            "applicants.csv",
            fs::read(batch.join("applicants.csv")).unwrap(),
        ),
        ("A001/notes.txt", b"call back on Monday".to_vec()),
        ("A001/diploma.pdf", common::PDF.to_vec()),
        ("A099/application.pdf", common::PDF.to_vec()),
        ("A099/application.docx", word_file()),
    ];
    for (file, bytes) in &theirs {
        fs::write(out.join(file), bytes).unwrap();
    }
    // A manifest that lists them all as an applicant's files (with their true digests,
    // and once with a wrong one) and as pending, and a journal that claims to have
    // written them, to be rendering them and to have finished: a true digest under an
    // output's name is not enough, the file must be one resettle renders.
    let files: Vec<Value> = theirs
        .iter()
        .map(|(f, b)| json!({"file": f, "len": b.len(), "digest": digest(b)}))
        .collect();
    let names: Vec<&str> = theirs.iter().map(|(f, _)| *f).collect();
    let manifest = json!({
        "version": 3,
        "applicants": {
            "A099": {"hash": "0", "files": files},
            "ZZZ": {"hash": "0", "files": [
                {"file": "A099/application.pdf", "len": 3, "digest": "0".repeat(32)},
                {"file": "../escape.txt", "len": 1, "digest": "0".repeat(32)}
            ]}
        },
        "pending": names,
    });
    fs::write(out.join(MANIFEST), manifest.to_string()).unwrap();
    let mut journal: String = theirs
        .iter()
        .map(|(f, b)| format!("{} {} {f}\n", digest(b), b.len()))
        .collect();
    // And that records A099 as pending and vouches for them all as done.
    for body in [
        format!("pending A099 {}", names.join(" ")),
        format!("done ZZZ 0 {}", names.join(" ")),
    ] {
        journal += &format!("{body} {}\n", digest(body.as_bytes()));
    }
    fs::write(out.join(JOURNAL), journal).unwrap();
    fs::write(t.path().join("escape.txt"), "x").unwrap();

    let report = run_ok(&batch, &out);
    for (file, bytes) in &theirs {
        assert_eq!(
            &fs::read(out.join(file)).unwrap(),
            bytes,
            "{file} was touched"
        );
    }
    assert!(t.path().join("escape.txt").is_file());
    assert!(!outputs(&report, "A001").is_empty());
    // The next run is not stopped by what the planted manifest held.
    let again = run_ok(&batch, &out);
    assert_eq!(again["summary"], report["summary"]);
    assert!(
        !out.join(JOURNAL).exists(),
        "a finished run leaves no journal"
    );
}

#[test]
fn an_output_changed_since_it_was_written_is_rendered_again() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let batch = repo().join("samples/batch");
    let report = run_ok(&batch, &out);
    let files = outputs(&report, "A001");
    let pdf = files
        .iter()
        .find(|f| f.ends_with("application.pdf"))
        .unwrap();
    let whole = fs::read(out.join(pdf)).unwrap();
    for damage in [&whole[..whole.len() / 2], b"", &b"%PDF-1.7 changed"[..]] {
        fs::write(out.join(pdf), damage).unwrap();
        let report = run_ok(&batch, &out);
        assert_eq!(outputs(&report, "A001"), files);
        assert_eq!(
            fs::read(out.join(pdf)).unwrap(),
            whole,
            "{pdf} rendered again"
        );
    }
}

#[test]
fn a_file_that_cannot_be_replaced_fails_alone_and_the_batch_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let batch = sample_copy(t.path());
    let out = t.path().join("out");
    let first = run_ok(&batch, &out);
    let a001 = outputs(&first, "A001");
    let inventory = a001.iter().find(|f| f.ends_with("inventory.pdf")).unwrap();
    // A folder where a document was, with a file in it: not replaceable.
    fs::remove_file(out.join(inventory)).unwrap();
    fs::create_dir(out.join(inventory)).unwrap();
    fs::write(out.join(inventory).join("keep.txt"), "mine").unwrap();
    let o = run_out(&batch, &out, &["--force"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = read_report(&out);
    let failed: Vec<&Value> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["rule"] == "render.failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]["source"]
            .as_str()
            .unwrap()
            .contains("inventory.pdf")
    );
    // The message names no absolute path (a folder may be named after a family).
    let message = failed[0]["message"].to_string();
    assert!(
        !message.contains(t.path().to_str().unwrap()) && message.contains("directory"),
        "{message}"
    );
    assert!(!outputs(&report, "A001").contains(inventory));
    assert!(out.join(inventory).join("keep.txt").is_file());
    // Every other ready applicant is rendered as on a fresh OUT.
    for a in report["applicants"].as_array().unwrap() {
        let id = a["applicant_id"].as_str().unwrap();
        if a["status"] == "ready" && id != "A001" {
            assert_eq!(outputs(&report, id), outputs(&first, id), "{id}");
        }
    }
    // A stale document whose place became a folder is left alone, not an abort.
    make_invalid(&batch, "A001");
    let o = run_out(&batch, &out, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(out.join(inventory).join("keep.txt").is_file());
    for f in a001.iter().filter(|f| *f != inventory) {
        assert!(!out.join(f).exists(), "{f} of an invalid applicant is left");
    }
}

#[test]
fn the_last_report_goes_before_any_output_changes() {
    let t = tempfile::tempdir().unwrap();
    let batch = sample_copy(t.path());
    let out = t.path().join("out");
    run_ok(&batch, &out);
    assert!(out.join("report.json").is_file());
    // A run that stops (exit 2) once it has begun on OUT: the manifest's place is a
    // folder. No report is left that lists documents this run may have changed.
    fs::remove_file(out.join(MANIFEST)).unwrap();
    fs::create_dir(out.join(MANIFEST)).unwrap();
    let o = run_out(&batch, &out, &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(MANIFEST) && o.stderr.contains("a folder"),
        "{}",
        o.stderr
    );
    for f in ["report.json", "findings.csv", "report.html", "report.pdf"] {
        assert!(!out.join(f).exists(), "{f} is left");
    }
}

#[test]
fn every_output_is_named_as_a_run_may_remove_it() {
    // Drafts give every applicant every form that applies to them, consents included:
    // a form added without its name in `packets::is_output_name` would never be
    // cleaned up when its applicant leaves.
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let o = run_out(&repo().join("samples/batch"), &out, &["--drafts"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = read_report(&out);
    let all: Vec<String> = report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| outputs(&report, a["applicant_id"].as_str().unwrap()))
        .collect();
    for needle in [
        "consent-",
        "lifting-stage",
        "compensation",
        "monthly-benefit",
        ".docx",
    ] {
        assert!(all.iter().any(|f| f.contains(needle)), "no {needle} output");
    }
    for f in &all {
        assert!(resettle::packets::is_output_name(f), "{f}");
    }
    for bad in [
        "notes.txt",
        "A001/notes.txt",
        "../A001/packet.pdf",
        "A001/consent-.pdf",
    ] {
        assert!(!resettle::packets::is_output_name(bad), "{bad}");
    }
}
