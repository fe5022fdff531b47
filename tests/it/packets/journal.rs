//! The journal of a killed run (`OUT/.resettle-journal`): a `pending` record withdraws
//! the manifest's word for an applicant before any of its documents is written, a
//! `done` record vouches for one whose documents were all written, and a record torn by
//! the kill (or changed) is ignored. The journals here are what a run killed at that
//! moment leaves, written by hand so that the moment is exact.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{assert_rendered_only, run_ok, sample_batch, stamps};
use crate::common::outputs;

const MANIFEST: &str = ".resettle-manifest.json";
const JOURNAL: &str = ".resettle-journal";

/// A `pending` or `done` record: `body` and its check.
fn record(body: &str) -> String {
    format!("{body} {}\n", resettle::digest::of(&[body.as_bytes()]))
}

/// The record of `file` of OUT written as it is now.
fn written(out: &Path, file: &str) -> String {
    let bytes = fs::read(out.join(file)).unwrap();
    let digest = resettle::digest::of(&[&bytes]);
    format!("{digest} {} {file}\n", bytes.len())
}

/// The hash the manifest of OUT holds for `id`.
fn hash(out: &Path, id: &str) -> String {
    let m: Value = serde_json::from_slice(&fs::read(out.join(MANIFEST)).unwrap()).unwrap();
    m["applicants"][id]["hash"].as_str().unwrap().to_string()
}

/// OUT after a finished run over the sample (in a folder that goes with the first
/// value), and the report.
fn rendered_once() -> (tempfile::TempDir, PathBuf, Value) {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let report = run_ok(&sample_batch(), &out, &[]);
    (t, out, report)
}

#[test]
fn a_run_killed_after_its_pending_record_renders_that_applicant_again() {
    let (_t, out, first) = rendered_once();
    let files = outputs(&first, "A001");
    let before = stamps(&out);
    // Killed after recording A001 as pending, before any of its documents: A001's files
    // are as the manifest says, but the manifest no longer vouches for them.
    let pending = record(&format!("pending A001 {}", files.join(" ")));
    fs::write(out.join(JOURNAL), &pending).unwrap();
    let again = run_ok(&sample_batch(), &out, &[]);
    assert_eq!(outputs(&again, "A001"), files);
    assert_rendered_only(&before, &stamps(&out), &["A001"]);
    assert!(
        !out.join(JOURNAL).exists(),
        "a finished run leaves no journal"
    );

    // The same record torn by the kill, or changed, withdraws nothing.
    let torn = &pending[..pending.len() - 9];
    let changed = pending.replace("A001 ", "A002 ");
    for journal in [torn, &changed, "pending A001"] {
        let before = stamps(&out);
        fs::write(out.join(JOURNAL), journal).unwrap();
        run_ok(&sample_batch(), &out, &[]);
        assert_eq!(stamps(&out), before, "{journal:?} re-rendered");
    }
}

#[test]
fn a_done_record_vouches_for_what_a_killed_run_wrote_and_a_torn_one_does_not() {
    let (_t, out, first) = rendered_once();
    let files = outputs(&first, "A001");
    let h = hash(&out, "A001");
    // A run killed after A001's documents were written and recorded (the same bytes as
    // the last run's) and its `done` record, with A002 pending and not yet rendered.
    let a002 = outputs(&first, "A002");
    let mut journal = record(&format!("pending A001 {}", files.join(" ")));
    journal += &record(&format!("pending A002 {}", a002.join(" ")));
    for f in &files {
        journal += &written(&out, f);
    }
    let done = record(&format!("done A001 {h} {}", files.join(" ")));
    let before = stamps(&out);
    fs::write(out.join(JOURNAL), format!("{journal}{done}")).unwrap();
    run_ok(&sample_batch(), &out, &[]);
    assert_rendered_only(&before, &stamps(&out), &["A002"]);

    // Its `done` torn by the kill: A001 is rendered again, with A002.
    let before = stamps(&out);
    let torn = &done[..done.len() / 2];
    fs::write(out.join(JOURNAL), format!("{journal}{torn}")).unwrap();
    run_ok(&sample_batch(), &out, &[]);
    assert_rendered_only(&before, &stamps(&out), &["A001", "A002"]);

    // A `done` whose file's record is not the file on disk (changed since) vouches for
    // the record, not the file: rendered again.
    let before = stamps(&out);
    let wrong = format!("{} 3 {}\n", "0".repeat(32), files[0]);
    fs::write(out.join(JOURNAL), format!("{journal}{wrong}{done}")).unwrap();
    run_ok(&sample_batch(), &out, &[]);
    assert_rendered_only(&before, &stamps(&out), &["A001", "A002"]);
}

#[test]
fn a_killed_run_that_dropped_a_document_leaves_it_to_the_next_run_to_remove() {
    // A killed run rendered an applicant again without some of its former documents
    // (its drafts: recorded as pending without them): the manifest's record of those
    // still proves they are the tool's, and the next run, where the applicant has them
    // no more, removes them.
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let drafts = run_ok(&sample_batch(), &out, &["--drafts"]);
    let plain = run_ok(&sample_batch(), &t.path().join("plain"), &[]);
    let ids = plain["applicants"].as_array().unwrap().iter();
    let id = ids
        .map(|a| a["applicant_id"].as_str().unwrap())
        .find(|id| outputs(&drafts, id).len() > outputs(&plain, id).len())
        .expect("an applicant with drafts");
    let now = outputs(&plain, id);
    let dropped: Vec<String> = outputs(&drafts, id)
        .into_iter()
        .filter(|f| !now.contains(f))
        .collect();
    let journal = record(&format!("pending {id} {}", now.join(" ")));
    fs::write(out.join(JOURNAL), journal).unwrap();
    let next = run_ok(&sample_batch(), &out, &[]);
    assert_eq!(outputs(&next, id), now);
    for f in dropped {
        assert!(!out.join(&f).exists(), "{f} is left");
    }
}
