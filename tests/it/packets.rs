//! Application packets beyond the basics of render.rs: incremental runs (the manifest
//! `OUT/.resettle-manifest.json`, `--force`), `--drafts`, the content of the claim forms
//! and consents, the batch report PDF and the PDFs' metadata.
//!
//! Whether a file was rendered again is told by its inode: every file is written to a
//! temporary file and renamed over the old one, which still exists at that moment, so a
//! file rendered again always has a new inode, and a file left alone keeps its inode and
//! its mtime.
#![cfg(unix)]

use crate::common;

mod journal;
mod outstate;
mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use serde_json::Value;

use common::{
    AS_OF, ORG, applicant, copy_dir, manifest_files, outputs, pdfinfo, pdftotext, pdftotext_with,
    read_report, repo, run, run_out, squash,
};

const MANIFEST: &str = ".resettle-manifest.json";

fn sample_batch() -> PathBuf {
    repo().join("samples/batch")
}

// ---------------------------------------------------------------------------------------
// Files on disk

/// A file's identity on disk: inode, mtime (seconds, nanoseconds).
type Stamp = (u64, i64, i64);

/// Every document in the applicants' folders of OUT (`A001/application.pdf`, and the
/// application's Word copy `A001/application.docx`) with its stamp.
fn stamps(out: &Path) -> BTreeMap<String, Stamp> {
    common::walk(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf" || e == "docx"))
        .filter(|p| p.components().count() == 2)
        .map(|p| {
            let m = fs::metadata(out.join(&p)).unwrap();
            let rel = p.to_str().unwrap().to_string();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

fn owner(file: &str) -> &str {
    file.split('/').next().unwrap()
}

/// Asserts that from `before` to `after` exactly the files of the applicants `changed`
/// were rendered again (new inode), added or removed, and every other file was left
/// alone; and that each applicant of `changed` had some file rendered or removed.
fn assert_rendered_only(
    before: &BTreeMap<String, Stamp>,
    after: &BTreeMap<String, Stamp>,
    changed: &[&str],
) {
    for (file, stamp) in before {
        let now = after.get(file);
        if changed.contains(&owner(file)) {
            assert!(
                now.is_none_or(|n| n.0 != stamp.0),
                "{file} was not rendered again"
            );
        } else {
            assert_eq!(now, Some(stamp), "{file} was touched");
        }
    }
    for file in after.keys() {
        assert!(
            before.contains_key(file) || changed.contains(&owner(file)),
            "{file} appeared"
        );
    }
    for id in changed {
        assert!(
            before.keys().any(|f| owner(f) == *id),
            "{id} had no files before"
        );
    }
}

/// Asserts that every file of `before` was rendered again (new inode) and no file was
/// added or removed.
fn assert_rendered_all(before: &BTreeMap<String, Stamp>, after: &BTreeMap<String, Stamp>) {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (file, stamp) in before {
        assert_ne!(after[file].0, stamp.0, "{file} was not rendered again");
    }
}

/// Every file the report lists as rendered, over all applicants.
fn all_outputs(report: &Value) -> BTreeSet<String> {
    report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["outputs"].as_array().unwrap())
        .map(|o| o.as_str().unwrap().to_string())
        .collect()
}

/// The report, the documents in OUT's applicant folders and the manifest all tell the
/// same files.
fn assert_consistent(out: &Path, report: &Value) {
    let listed = all_outputs(report);
    let on_disk: BTreeSet<String> = stamps(out).into_keys().collect();
    assert_eq!(listed, on_disk, "report.json outputs vs documents in OUT");
    assert_eq!(
        manifest_files(out),
        listed,
        "manifest vs report.json outputs"
    );
}

fn ids_with_status<'a>(report: &'a Value, status: &str) -> Vec<&'a str> {
    report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == status)
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect()
}

fn ids_not_ready(report: &Value) -> Vec<&str> {
    report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] != "ready")
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect()
}

/// `resettle run` that must end with status 1 (the sample batch has applicants with
/// findings); returns report.json.
fn run_ok(batch: &Path, out: &Path, extra: &[&str]) -> Value {
    let o = run_out(batch, out, extra);
    assert_eq!(o.code, 1, "run {extra:?}: {}", o.stderr);
    read_report(out)
}

// ---------------------------------------------------------------------------------------
// CSV files

/// The rows of a CSV file of the batch, the header first.
fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(Result::unwrap)
        .collect()
}

/// The rows of a CSV file of the batch as header → value maps.
fn csv_maps(path: &Path) -> Vec<BTreeMap<String, String>> {
    let rows = read_csv(path);
    rows[1..]
        .iter()
        .map(|r| {
            rows[0]
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[csv::StringRecord]) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)
        .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// A copy of the sample batch in `dir`, its applicants.csv rewritten as [`set_cell`]
/// writes it (so that later edits change only the cells they set).
fn copy_sample(dir: &Path) -> PathBuf {
    let batch = dir.join("batch");
    copy_dir(&sample_batch(), &batch);
    let path = batch.join("applicants.csv");
    write_csv(&path, &read_csv(&path));
    batch
}

/// Sets `column` of applicant `id` in `batch/applicants.csv`; returns the old value.
/// Every other record keeps its values and its line number.
fn set_cell(batch: &Path, id: &str, column: &str, value: &str) -> String {
    let path = batch.join("applicants.csv");
    let mut rows = read_csv(&path);
    let col = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let mut old = None;
    for r in rows.iter_mut().skip(1) {
        if r.get(0) == Some(id) {
            assert!(old.is_none(), "{id} twice");
            let mut cells: Vec<String> = r.iter().map(String::from).collect();
            old = Some(std::mem::replace(&mut cells[col], value.to_string()));
            *r = csv::StringRecord::from(cells);
        }
    }
    write_csv(&path, &rows);
    old.unwrap_or_else(|| panic!("no applicant {id}"))
}

/// Removes applicant `id`'s row from `batch/applicants.csv`.
fn remove_row(batch: &Path, id: &str) {
    let path = batch.join("applicants.csv");
    let mut rows = read_csv(&path);
    let before = rows.len();
    rows.retain(|r| r.get(0) != Some(id));
    assert_eq!(rows.len(), before - 1, "no applicant {id}");
    write_csv(&path, &rows);
}

// ---------------------------------------------------------------------------------------
// Incremental runs

#[test]
fn rerun_renders_nothing_unchanged_and_only_applicants_whose_data_changed() {
    let t = tempfile::tempdir().unwrap();
    let batch = copy_sample(t.path());
    let out = t.path().join("out");

    let first = run_ok(&batch, &out, &[]);
    assert_consistent(&out, &first);
    let s1 = stamps(&out);
    assert!(s1.len() >= 40, "only {} PDFs", s1.len());

    // Nothing changed: nothing is rendered, and the report still lists every file.
    let second = run_ok(&batch, &out, &[]);
    let s2 = stamps(&out);
    assert_eq!(s2, s1, "an unchanged re-run rendered files");
    assert_eq!(all_outputs(&second), all_outputs(&first));
    assert_consistent(&out, &second);

    // A005's phone changes; A010's stage 1 is no longer paid, so it claims stage 1
    // instead of stage 2: only their files are rendered, and A010's stage-2 claim goes.
    let phone = "+7 777 123 45 67";
    set_cell(&batch, "A005", "phone", phone);
    set_cell(&batch, "A010", "stage1_paid_date", "");
    let third = run_ok(&batch, &out, &[]);
    for id in ["A005", "A010"] {
        assert_eq!(applicant(&third, id)["status"], "ready", "{id}");
    }
    let s3 = stamps(&out);
    assert_rendered_only(&s2, &s3, &["A005", "A010"]);
    assert!(s3.contains_key("A010/lifting-stage1.pdf"), "{s3:?}");
    assert!(!out.join("A010/lifting-stage2.pdf").exists());
    assert!(
        pdftotext(&out.join("A005/application.pdf")).contains(phone),
        "A005's application lacks the new phone"
    );
    assert_consistent(&out, &third);

    // A deleted PDF comes back, byte for byte; nobody else is rendered.
    let deleted = out.join("A007/inventory.pdf");
    let bytes = fs::read(&deleted).unwrap();
    fs::remove_file(&deleted).unwrap();
    let fourth = run_ok(&batch, &out, &[]);
    assert!(
        fs::read(&deleted).is_ok_and(|b| b == bytes),
        "A007/inventory.pdf was not rendered again as it was"
    );
    let s4 = stamps(&out);
    for (file, stamp) in &s3 {
        if owner(file) != "A007" {
            assert_eq!(s4.get(file), Some(stamp), "{file} was touched");
        }
    }
    assert_consistent(&out, &fourth);
}

#[test]
fn removing_a_row_above_renders_nobody_else() {
    let t = tempfile::tempdir().unwrap();
    let batch = copy_sample(t.path());
    let out = t.path().join("out");
    run_ok(&batch, &out, &[]);
    let before = stamps(&out);
    // Every row below A002 moves up one line: the findings' positions change, the
    // documents do not.
    remove_row(&batch, "A002");
    run_ok(&batch, &out, &[]);
    assert_rendered_only(&before, &stamps(&out), &["A002"]);
}

#[test]
fn characters_the_fonts_lack_are_shown_as_question_marks_and_reported() {
    let t = tempfile::tempdir().unwrap();
    let batch = copy_sample(t.path());
    let out = t.path().join("out");
    // A Latin schwa (not the Kazakh ә), a Chinese character and a bell.
    set_cell(&batch, "A001", "address", "ул. Әуезова ə 中\u{7}, д. 5");
    set_cell(&batch, "A003", "profession", "инженер 中");
    let report = run_ok(&batch, &out, &[]);
    assert_eq!(applicant(&report, "A001")["status"], "ready");
    let text = pdftotext(&out.join("A001/application.pdf"));
    assert!(text.contains("ул. Әуезова ? ??, д. 5"), "{text}");
    let warnings: Vec<&Value> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "render.unprintable")
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    let message = warnings[0]["message"]["en"].as_str().unwrap();
    assert!(
        message.contains("U+0259") && message.contains("U+4E2D"),
        "{message}"
    );
    assert!(out.join("report.pdf").is_file(), "the batch report failed");
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rule"] != "render.failed"),
        "a document failed"
    );
}

#[test]
fn force_and_a_corrupt_manifest_render_everything_again() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    run_ok(&sample_batch(), &out, &[]);
    let s1 = stamps(&out);

    run_ok(&sample_batch(), &out, &["--force"]);
    let s2 = stamps(&out);
    assert_rendered_all(&s1, &s2);

    fs::write(out.join(MANIFEST), "{\"version\": 1, \"applicants\": ").unwrap();
    let report = run_ok(&sample_batch(), &out, &[]);
    let s3 = stamps(&out);
    assert_rendered_all(&s2, &s3);
    assert_consistent(&out, &report);

    // The manifest written over the corrupt one works: the next run renders nothing.
    run_ok(&sample_batch(), &out, &[]);
    assert_eq!(stamps(&out), s3);
}

#[test]
fn applicants_no_longer_ready_or_gone_lose_their_pdfs_and_folder_but_not_other_files() {
    let t = tempfile::tempdir().unwrap();
    let batch = copy_sample(t.path());
    let out = t.path().join("out");
    let first = run_ok(&batch, &out, &[]);
    let s1 = stamps(&out);
    let a002 = outputs(&first, "A002");
    assert!(a002.len() >= 3 && !outputs(&first, "A003").is_empty());

    // A caseworker's own files, in an applicant's folder and beside the report.
    let own = [
        ("A002/notes.txt", b"call back on Monday".as_slice()),
        ("A002/own-copy.pdf", common::PDF),
        ("notes.txt", b"batch notes".as_slice()),
    ];
    for (file, bytes) in own {
        fs::write(out.join(file), bytes).unwrap();
    }

    // A002 becomes invalid, A003 refused; A013 (the last ready row, so that no other
    // applicant's findings change their line numbers) leaves the batch.
    let sex = set_cell(&batch, "A002", "sex", "X");
    set_cell(&batch, "A003", "extremism", "yes");
    assert!(!outputs(&first, "A013").is_empty());
    remove_row(&batch, "A013");
    let second = run_ok(&batch, &out, &[]);
    assert_eq!(applicant(&second, "A002")["status"], "invalid");
    assert_eq!(applicant(&second, "A003")["status"], "refused");
    // Not ready: A002's letter is all it has now; refused, A003 has none (no --drafts).
    assert_eq!(outputs(&second, "A002"), ["A002/letter.pdf"]);
    assert!(outputs(&second, "A003").is_empty());
    for id in ["A003", "A013"] {
        assert!(!out.join(id).exists(), "{id}'s folder is left");
    }
    let left: Vec<String> = fs::read_dir(out.join("A002"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        left,
        ["letter.pdf", "notes.txt", "own-copy.pdf"],
        "A002's folder"
    );
    for (file, bytes) in own {
        assert_eq!(fs::read(out.join(file)).unwrap(), bytes, "{file}");
    }
    let s2 = stamps(&out);
    for (file, stamp) in &s1 {
        if !["A002", "A003", "A013"].contains(&owner(file)) {
            assert_eq!(s2.get(file), Some(stamp), "{file} was touched");
        }
    }
    assert_eq!(manifest_files(&out), all_outputs(&second));

    // Ready again: rendered again beside the caseworker's files, which stay as they are.
    set_cell(&batch, "A002", "sex", &sex);
    let third = run_ok(&batch, &out, &[]);
    assert_eq!(outputs(&third, "A002"), a002);
    assert!(
        !out.join("A002/letter.pdf").exists(),
        "A002's letter is left"
    );
    for file in &a002 {
        assert!(out.join(file).is_file(), "{file}");
    }
    for (file, bytes) in own {
        assert_eq!(fs::read(out.join(file)).unwrap(), bytes, "{file}");
    }
    assert_eq!(manifest_files(&out), all_outputs(&third));
}

// ---------------------------------------------------------------------------------------
// Drafts

/// The pages of `pdf` as `pdftotext -raw` extracts them (the DRAFT mark, rotated, in
/// one piece).
fn raw_pages(pdf: &Path) -> Vec<String> {
    let text = pdftotext_with(pdf, &["-raw"]);
    let mut pages: Vec<String> = text.split('\x0c').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn drafts_give_everyone_documents_marked_draft_and_go_without_drafts() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let plain = run_ok(&sample_batch(), &out, &[]);
    let s1 = stamps(&out);
    let letters: BTreeSet<String> = s1
        .keys()
        .filter(|f| f.ends_with("/letter.pdf"))
        .cloned()
        .collect();

    let drafts = run_ok(&sample_batch(), &out, &["--drafts"]);
    assert_consistent(&out, &drafts);
    let s2 = stamps(&out);
    // The ready applicants' documents do not depend on --drafts: not rendered again (the
    // letters are, with their applicant's drafts).
    for (file, stamp) in s1.iter().filter(|(f, _)| !letters.contains(*f)) {
        assert_eq!(s2.get(file), Some(stamp), "{file} was touched by --drafts");
    }
    let not_ready = ids_not_ready(&drafts);
    assert!(not_ready.len() >= 20, "{not_ready:?}");
    for id in &not_ready {
        let files = outputs(&drafts, id);
        for form in ["application", "inventory", "packet", "letter"] {
            let file = format!("{id}/{form}.pdf");
            assert!(files.contains(&file), "{id}: {files:?}");
        }
        // The family's letter is not a draft: no mark.
        for page in raw_pages(&out.join(id).join("letter.pdf")) {
            assert!(!page.contains("ЧЕРНОВИК"), "{id}'s letter is marked draft");
        }
        // The packet opens with the cover listing every finding (content-stream order:
        // a long message wraps beside its source, which reading order would interleave).
        let packet = squash(&pdftotext_with(&out.join(id).join("packet.pdf"), &["-raw"]));
        assert!(packet.contains("ЧЕРНОВИК"), "{id}: no cover");
        let findings = applicant(&drafts, id)["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{id}");
        for f in findings {
            let message = f["message"]["ru"].as_str().unwrap();
            assert!(
                packet.contains(&squash(message)),
                "{id}'s packet lacks the finding «{message}»"
            );
        }
        // Every page of a draft form carries the mark, and the Word copy opens with it.
        let docx = fs::read(out.join(id).join("application.docx")).unwrap();
        let docx = resettle::render::docx::paragraphs(&docx).unwrap();
        assert_eq!(docx[0], "ЧЕРНОВИК", "{id}/application.docx");
        let pages = raw_pages(&out.join(id).join("application.pdf"));
        assert!(!pages.is_empty());
        for (n, page) in pages.iter().enumerate() {
            assert!(
                page.contains("ЧЕРНОВИК"),
                "{id}/application.pdf page {} has no DRAFT mark",
                n + 1
            );
        }
    }
    // Ready applicants' documents carry no mark and no cover.
    let ready = ids_with_status(&drafts, "ready");
    assert_eq!(ready.len(), ids_with_status(&plain, "ready").len());
    for id in &ready {
        for page in raw_pages(&out.join(id).join("packet.pdf")) {
            assert!(!page.contains("ЧЕРНОВИК"), "{id}'s packet is marked draft");
        }
    }

    // Without --drafts again: the drafts' files go, and the refused applicants' letters
    // and folders; the others stay.
    let after = run_ok(&sample_batch(), &out, &[]);
    for id in &not_ready {
        let letter = format!("{id}/letter.pdf");
        if letters.contains(&letter) {
            assert_eq!(outputs(&after, id), [letter], "{id}");
        } else {
            assert_eq!(applicant(&after, id)["status"], "refused", "{id}");
            assert!(outputs(&after, id).is_empty(), "{id}");
            assert!(!out.join(id).exists(), "{id}'s folder is left");
        }
    }
    let unletter = |s: BTreeMap<String, Stamp>| {
        s.into_iter()
            .filter(|(f, _)| !letters.contains(f))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(unletter(stamps(&out)), unletter(s1));
    assert_consistent(&out, &after);
}

// ---------------------------------------------------------------------------------------
// The sample run: forms, report, metadata

/// One run of the sample batch (`--org ORG --lang en`) and the data of its documents
/// (`templates data`), shared by the tests below while any of them runs; removed when
/// the last one is done.
struct Sample {
    _dir: tempfile::TempDir,
    out: PathBuf,
    data: PathBuf,
    report: Value,
}

fn sample() -> Arc<Sample> {
    static SHARED: Mutex<Weak<Sample>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(s) = shared.upgrade() {
        return s;
    }
    let dir = tempfile::tempdir().unwrap();
    let (out, data) = (dir.path().join("out"), dir.path().join("data"));
    let report = run_ok(&sample_batch(), &out, &["--lang", "en"]);
    let o = run(&[
        "templates".as_ref(),
        "data".as_ref(),
        sample_batch().as_os_str(),
        "--out".as_ref(),
        data.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--org".as_ref(),
        ORG.as_ref(),
    ]);
    assert_eq!(o.code, 1, "templates data: {}", o.stderr);
    let s = Arc::new(Sample {
        _dir: dir,
        out,
        data,
        report,
    });
    *shared = Arc::downgrade(&s);
    s
}

/// Whole roubles as the forms print them: `140 000` (pdftotext gives the no-break
/// spaces as spaces).
fn rub(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Kopecks as the forms print them: `24 250,50`.
fn money(kopecks: i64) -> String {
    format!("{},{:02}", rub(kopecks / 100), kopecks % 100)
}

/// `12 500,50` / `12500.50` / `3500` in kopecks.
fn kopecks(amount: &str) -> i64 {
    let a = amount.replace([' ', '\u{A0}'], "").replace(',', ".");
    let (whole, frac) = a.split_once('.').unwrap_or((&a, "0"));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap()
}

/// The form's text with no-break spaces as spaces.
fn form_text(pdf: &Path) -> String {
    pdftotext(pdf).replace('\u{A0}', " ")
}

/// The one line of `text` that contains every one of `needles`.
fn line_with<'a>(text: &'a str, needles: &[&str]) -> &'a str {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| needles.iter().all(|n| l.contains(n)))
        .collect();
    assert_eq!(lines.len(), 1, "lines with {needles:?}: {lines:?}\n{text}");
    lines[0]
}

fn full_name(row: &BTreeMap<String, String>) -> String {
    ["last_name", "first_name", "patronymic"]
        .iter()
        .map(|k| row[*k].as_str())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Years from `birth` to `AS_OF` (both YYYY-MM-DD).
fn age(birth: &str) -> i32 {
    let p = |s: &str| -> (i32, u32, u32) {
        (
            s[..4].parse().unwrap(),
            s[5..7].parse().unwrap(),
            s[8..10].parse().unwrap(),
        )
    };
    let (b, a) = (p(birth), p(AS_OF));
    a.0 - b.0 - i32::from((a.1, a.2) < (b.1, b.2))
}

/// The claim forms among `files`.
fn claims(files: &[String]) -> BTreeSet<String> {
    files
        .iter()
        .map(|f| f.split_once('/').unwrap().1.to_string())
        .filter(|f| {
            ["lifting-", "compensation", "monthly-"]
                .iter()
                .any(|p| f.starts_with(p))
        })
        .collect()
}

#[test]
fn sample_claim_forms_go_to_those_who_can_claim() {
    let s = sample();
    let rows = csv_maps(&sample_batch().join("applicants.csv"));
    let row = |id: &str| rows.iter().find(|r| r["applicant_id"] == id).unwrap();
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // Arrived participants with a certificate: A010 (priority territory, stage 1 paid)
    // claims stage 2; A011's stage 2 is too early and its 6 months are over, so only
    // travel; A012's region pays once and it was paid; A013's certificate has expired,
    // so no claim at all; A040 (Sakha, stage 1 not yet paid) claims stage 1; A041 and
    // A044 arrived less than 6 months ago in a priority territory, so they claim the
    // monthly benefit too.
    let expected: BTreeMap<&str, BTreeSet<String>> = [
        ("A010", set(&["lifting-stage2.pdf", "compensation.pdf"])),
        ("A011", set(&["compensation.pdf"])),
        ("A012", set(&["compensation.pdf"])),
        ("A013", set(&[])),
        ("A040", set(&["lifting-stage1.pdf", "compensation.pdf"])),
        (
            "A041",
            set(&[
                "lifting-stage1.pdf",
                "compensation.pdf",
                "monthly-benefit.pdf",
            ]),
        ),
        (
            "A044",
            set(&[
                "lifting-stage1.pdf",
                "compensation.pdf",
                "monthly-benefit.pdf",
            ]),
        ),
    ]
    .into();
    let rules = |id: &str| -> Vec<String> {
        applicant(&s.report, id)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules("A011").contains(&"claim.stage2_too_early".to_string()));
    assert!(rules("A013").contains(&"claim.certificate_expired".to_string()));
    assert_eq!(
        applicant(&s.report, "A012")["allowance"]["territory"],
        "other"
    );
    assert!(!row("A012")["stage1_paid_date"].is_empty());

    let ready = ids_with_status(&s.report, "ready");
    for id in expected.keys() {
        assert!(ready.contains(id), "{id} is not ready");
    }
    for id in ready {
        let files = outputs(&s.report, id);
        for f in &files {
            assert!(s.out.join(f).is_file(), "{f}");
        }
        let got = claims(&files);
        match expected.get(id) {
            Some(want) => assert_eq!(&got, want, "{id}'s claim forms"),
            None => {
                // Without a participant certificate there is nothing to claim yet.
                assert_eq!(row(id)["certificate_number"], "", "{id}");
                assert!(got.is_empty(), "{id} has claims {got:?}");
            }
        }
    }
    // The packet holds every form of the applicant.
    let packet = squash(&pdftotext_with(&s.out.join("A010/packet.pdf"), &[]));
    for heading in [
        "обучастиивГосударственнойпрограмме",
        "ОПИСЬДОКУМЕНТОВ",
        "овыплатеединовременногопособиянаобустройство",
        "овыплатекомпенсациирасходовнапереезд",
    ] {
        assert!(packet.contains(heading), "A010's packet lacks {heading}");
    }
    let packet = squash(&pdftotext_with(&s.out.join("A041/packet.pdf"), &[]));
    assert!(
        packet.contains("овыплатеежемесячногопособия"),
        "A041's packet lacks the monthly-benefit claim"
    );
    let packet = squash(&pdftotext_with(&s.out.join("A040/packet.pdf"), &[]));
    assert!(
        packet.contains("навыезднесовершеннолетнегоребёнка"),
        "A040's packet lacks the consent for its ward"
    );
}

#[test]
fn sample_stage2_claim_holds_the_rates_and_the_reports_total() {
    let s = sample();
    let rates: toml::Table = fs::read_to_string(repo().join("schemas/rates.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let period = rates["period"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["from"].as_str().unwrap() <= AS_OF)
        .max_by_key(|p| p["from"].as_str().unwrap())
        .expect("a period in force");
    let rate = |k: &str| period["lifting"]["stages"][k].as_integer().unwrap();
    let (participant, member) = (rate("participant_stage2_rub"), rate("member_stage2_rub"));

    let a = applicant(&s.report, "A010");
    let allowance = &a["allowance"];
    assert_eq!(allowance["territory"], "priority");
    let total = allowance["stage2_rub"].as_i64().unwrap();
    assert!(total > 0);
    let family = csv_maps(&sample_batch().join("family.csv"));
    let text = form_text(&s.out.join("A010/lifting-stage2.pdf"));
    assert!(text.contains("2-й этап"), "{text}");
    let mut sum = 0;
    for p in allowance["persons"].as_array().unwrap() {
        let amount = p["stage2_rub"].as_i64().unwrap();
        if amount == 0 {
            continue;
        }
        sum += amount;
        let name = match p["member_id"].as_str() {
            None => {
                assert_eq!(amount, participant, "the participant's stage 2 rate");
                a["name"].as_str().unwrap().to_string()
            }
            Some(m) => {
                assert_eq!(amount, member, "{m}'s stage 2 rate");
                let row = family
                    .iter()
                    .find(|r| r["applicant_id"] == "A010" && r["member_id"] == m)
                    .unwrap();
                full_name(row)
            }
        };
        let line = line_with(&text, &[&name, "руб."]);
        assert!(
            line.contains(&format!("{} руб.", rub(amount))),
            "{name}: {line}"
        );
    }
    assert_eq!(sum, total, "persons add up to the report's stage 2");
    let line = line_with(&text, &["Итого"]);
    assert!(line.contains(&format!("{} руб.", rub(total))), "{line}");
    // The claim's opening sentence names the same sum.
    assert!(
        squash(&text).contains(&squash(&format!("в сумме {} руб.", rub(total)))),
        "{text}"
    );
}

#[test]
fn sample_compensation_claims_total_the_expenses() {
    let s = sample();
    let expenses = csv_maps(&sample_batch().join("expenses.csv"));
    let rates: toml::Table = fs::read_to_string(repo().join("schemas/rates.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let baggage = &rates["period"][0]["compensation"]["baggage"];
    let int = |k: &str| baggage[k].as_integer().unwrap();
    let family = csv_maps(&sample_batch().join("family.csv"));
    let mut checked = 0;
    for id in ["A010", "A011", "A012"] {
        let (mut by_kind, mut kg) = (BTreeMap::<&str, i64>::new(), 0);
        for e in expenses.iter().filter(|e| e["applicant_id"] == id) {
            *by_kind.entry(e["kind"].as_str()).or_default() += kopecks(&e["amount_rub"]);
            kg += e["weight_kg"].parse::<i64>().unwrap_or(0);
        }
        let total: i64 = by_kind.values().sum();
        let report = applicant(&s.report, id)["allowance"]["compensation_rub"]
            .as_f64()
            .unwrap();
        assert_eq!(
            total,
            (report * 100.0).round() as i64,
            "{id}: report vs CSV"
        );

        let text = form_text(&s.out.join(id).join("compensation.pdf"));
        let line = line_with(&text, &["Всего к компенсации"]);
        assert!(
            line.contains(&format!("{} руб.", money(total))),
            "{id}: {line}"
        );
        for (kind, label) in [
            ("travel", "Итого за проезд"),
            ("baggage", "Итого за провоз багажа"),
            ("duty", "Итого государственная пошлина"),
        ] {
            let sum = by_kind.get(kind).copied().unwrap_or(0);
            let line = line_with(&text, &[label]);
            assert!(
                line.contains(&format!("{} руб.", money(sum))),
                "{id}: {line}"
            );
        }
        // The form says when the baggage is over the limit of the family's size.
        let persons = 1 + family
            .iter()
            .filter(|m| m["applicant_id"] == id && m["relocating"] == "yes")
            .count() as i64;
        let containers = if persons >= int("large_family_persons") {
            int("containers_large_family")
        } else {
            int("containers_small_family")
        };
        let limit_kg = containers * int("container_kg");
        let over = squash(&text).contains("Веспревышаетнорму");
        assert_eq!(over, kg > limit_kg, "{id}: {kg} kg, limit {limit_kg} kg");
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn sample_consents_name_each_relocating_minor() {
    let s = sample();
    let family = csv_maps(&sample_batch().join("family.csv"));
    let mut consents = 0;
    for id in ids_with_status(&s.report, "ready") {
        let minors: Vec<&BTreeMap<String, String>> = family
            .iter()
            .filter(|m| {
                // documents.toml: a relocating minor of any relation, unless both parents
                // are in the application.
                m["applicant_id"] == id
                    && m["relocating"] == "yes"
                    && age(&m["birth_date"]) < 18
                    && m["parents_relocating"] != "yes"
            })
            .collect();
        let want: BTreeSet<String> = minors
            .iter()
            .map(|m| format!("{id}/consent-{}.pdf", m["member_id"]))
            .collect();
        let got: BTreeSet<String> = outputs(&s.report, id)
            .into_iter()
            .filter(|f| f.contains("/consent-"))
            .collect();
        assert_eq!(got, want, "{id}'s consents");
        let parent = squash(applicant(&s.report, id)["name"].as_str().unwrap());
        let packet = squash(&pdftotext_with(&s.out.join(id).join("packet.pdf"), &[]));
        for m in minors {
            let file = format!("{id}/consent-{}.pdf", m["member_id"]);
            let text = squash(&pdftotext_with(&s.out.join(&file), &[]));
            let child = squash(&full_name(m));
            assert!(text.contains(&child), "{file} lacks the child's name");
            assert!(text.contains(&parent), "{file} lacks the parent's name");
            // Only this child's consent: no other minor of the family is named.
            for other in family.iter().filter(|o| {
                o["applicant_id"] == id
                    && o["member_id"] != m["member_id"]
                    && age(&o["birth_date"]) < 18
            }) {
                assert!(!text.contains(&squash(&full_name(other))), "{file}");
            }
            assert!(packet.contains(&child), "{id}'s packet lacks {child}");
            consents += 1;
        }
    }
    assert!(consents >= 3, "only {consents} consents in the sample");
}

/// `pdftotext -layout` text normalised for a snapshot: no trailing spaces, no-break
/// spaces as spaces, page breaks as a marker line, runs of blank lines as one.
fn snapshot_text(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for (n, page) in text.split('\x0c').enumerate() {
        if page.trim().is_empty() {
            continue;
        }
        if n > 0 {
            out.push("---- page break ----".into());
        }
        for line in page.lines() {
            let line = line.replace('\u{A0}', " ").trim_end().to_string();
            if !(line.is_empty() && out.last().is_none_or(String::is_empty)) {
                out.push(line);
            }
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n") + "\n"
}

#[test]
fn sample_stage2_claim_text_snapshot() {
    let s = sample();
    let text = snapshot_text(&pdftotext(&s.out.join("A010/lifting-stage2.pdf")));
    insta::assert_snapshot!("a010_lifting_stage2", text);
}

#[test]
fn sample_report_pdf_is_pdf_a_with_the_summary_and_every_status() {
    let s = sample();
    let pdf = s.out.join("report.pdf");
    let bytes = fs::read(&pdf).expect("report.pdf is written");
    assert!(bytes.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>")
            && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "report.pdf lacks the PDF/A id"
    );
    let text = pdftotext(&pdf);
    let summary = &s.report["summary"];
    let count = |k: &str| summary[k].as_u64().unwrap();

    // The cards: applicants, then each status.
    let cards: Vec<u64> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.len() >= 5 && w.iter().all(|x| x.parse::<u64>().is_ok()))
        .expect("a line of counts")
        .iter()
        .map(|x| x.parse().unwrap())
        .collect();
    let want: Vec<u64> = ["applicants", "ready", "incomplete", "refused", "invalid"]
        .iter()
        .map(|k| count(k))
        .collect();
    assert_eq!(cards[..5], want[..], "the report's cards");

    // A table per status, headed `Label — count`, listing that status's applicants.
    let groups = [
        ("ready", "Ready"),
        ("incomplete", "Incomplete"),
        ("refused", "Refused"),
        ("invalid", "Invalid"),
    ];
    let mut headings: Vec<(usize, &str)> = groups
        .iter()
        .map(|(status, label)| {
            let heading = format!("{label} — {}", count(status));
            let at = text
                .find(&heading)
                .unwrap_or_else(|| panic!("no heading {heading:?}\n{text}"));
            (at, *status)
        })
        .collect();
    headings.sort();
    for (i, (at, status)) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(text.len(), |h| h.0);
        let section = &text[*at..end];
        let ids = ids_with_status(&s.report, status);
        assert!(!ids.is_empty(), "no {status} applicant in the sample");
        for id in ids {
            assert!(section.contains(id), "{id} not in the {status} table");
        }
    }
}

#[test]
fn sample_pdf_metadata_has_the_org_the_title_and_russian() {
    let s = sample();
    let mut titles = BTreeMap::new();
    // Between them, every kind of document: A040 has a consent, A041 a monthly claim.
    for id in ["A001", "A010", "A040", "A041"] {
        for file in outputs(&s.report, id)
            .into_iter()
            .filter(|f| f.ends_with(".pdf"))
        {
            let pdf = s.out.join(&file);
            let data: Value = serde_json::from_str(
                &fs::read_to_string(s.data.join(file.replace(".pdf", ".json"))).unwrap(),
            )
            .unwrap();
            let title = data["title"].as_str().unwrap();
            let info = pdfinfo(&pdf);
            assert_eq!(info["Author"], ORG, "{file}");
            assert_eq!(info["Title"], title, "{file}");
            let bytes = fs::read(&pdf).unwrap();
            let raw = String::from_utf8_lossy(&bytes);
            assert!(raw.contains("/Lang(ru)"), "{file}: no /Lang(ru)");
            assert!(
                raw.contains("<dc:language><rdf:Bag><rdf:li>ru</rdf:li></rdf:Bag></dc:language>"),
                "{file}: XMP language"
            );
            assert!(
                raw.contains(&format!("<dc:creator><rdf:Seq><rdf:li>{ORG}</rdf:li>")),
                "{file}: XMP creator"
            );
            let form = file
                .split('/')
                .nth(1)
                .unwrap()
                .split(['-', '.'])
                .next()
                .unwrap();
            titles.insert(form.to_string(), title.to_string());
        }
    }
    // Each kind of document has a title of its own.
    let kinds = [
        "application",
        "inventory",
        "lifting",
        "compensation",
        "monthly",
        "consent",
        "packet",
    ];
    assert_eq!(
        titles.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        kinds.into_iter().collect::<BTreeSet<_>>(),
        "{titles:?}"
    );
    let distinct: BTreeSet<&String> = titles.values().collect();
    assert_eq!(distinct.len(), kinds.len(), "{titles:?}");
    assert!(titles["lifting"].contains("подъёмных"), "{titles:?}");

    // The batch report: its own title, the org, the language of --lang.
    let info = pdfinfo(&s.out.join("report.pdf"));
    assert_eq!(info["Author"], ORG);
    assert_eq!(info["Title"], "Batch validation report");
    let bytes = fs::read(s.out.join("report.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("/Lang(en)"));
}

#[test]
fn sample_stage2_claim_has_no_unlabelled_dash() {
    let s = sample();
    let text = form_text(&s.out.join("A010/lifting-stage2.pdf"));
    let line = line_with(&text, &["15.05.2025"]);
    assert!(!line.contains('—'), "a lone dash beside the date: {line:?}");
}
