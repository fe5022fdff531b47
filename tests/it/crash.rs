//! Crash safety: a `run` killed (SIGKILL) after N documents leaves no partial PDF under
//! its final name, and the next `run` completes the batch with exactly the outputs of an
//! uninterrupted run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(out: &Path) -> Command {
    run_batch(&repo().join("samples/batch"), out, &["--drafts"])
}

fn run_batch(batch: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_resettle"));
    c.arg("run")
        .arg(batch)
        .args(["--as-of", "2026-11-24", "-j", "1"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Starts `cmd` and kills it (SIGKILL) once `out` holds `after` PDFs; whether it had
/// finished first.
fn kill_after(mut cmd: Command, out: &Path, after: usize) -> bool {
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        if pdfs(out) >= after || start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every file under `root` (relative path → bytes).
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn pdfs(root: &Path) -> usize {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count()
}

#[test]
fn killed_run_leaves_no_partial_pdf_and_rerun_completes_identically() {
    let t = tempfile::tempdir().unwrap();
    let reference = t.path().join("reference");
    let status = run(&reference).status().unwrap();
    assert_eq!(status.code(), Some(1));
    let expected = tree(&reference);
    let total = pdfs(&reference);
    assert!(total > 60, "the sample renders {total} PDFs");

    let mut killed_mid_run = 0;
    for (k, after) in [1, 7, total / 2, total - 3].into_iter().enumerate() {
        let out = t.path().join(format!("killed-{k}"));
        let finished = kill_after(run(&out), &out, after);
        if !finished {
            killed_mid_run += 1;
        }
        // The report is written last: if there is one, every document was written.
        if out.join("report.json").exists() {
            assert_eq!(pdfs(&out), total, "a report before all documents");
        }
        // Whatever is under a final name is complete: the same bytes as the reference.
        for (rel, bytes) in tree(&out) {
            if rel.ends_with(".pdf") {
                assert!(
                    expected.get(&rel) == Some(&bytes),
                    "{rel} is partial or wrong after a kill at {after} PDFs"
                );
            }
        }
        // The next run completes the batch: the same files, the same bytes.
        assert_eq!(run(&out).status().unwrap().code(), Some(1));
        let got = tree(&out);
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&got), names(&expected), "after a kill at {after}");
        for (rel, bytes) in &expected {
            assert!(got[rel] == *bytes, "{rel} differs after a kill at {after}");
        }
    }
    assert!(
        killed_mid_run >= 2,
        "the runs finished before they could be killed"
    );
}

#[test]
fn a_killed_run_over_changed_data_is_neither_trusted_nor_left_behind() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    std::fs::create_dir_all(&batch).unwrap();
    for f in ["applicants.csv", "family.csv", "expenses.csv"] {
        std::fs::copy(repo().join("samples/batch").join(f), batch.join(f)).unwrap();
    }
    let link = batch.join("documents");
    std::os::unix::fs::symlink(repo().join("samples/batch/documents"), &link).unwrap();
    let csv = batch.join("applicants.csv");
    let original = std::fs::read_to_string(&csv).unwrap();

    let reference = t.path().join("reference");
    assert_eq!(
        run_batch(&batch, &reference, &[]).status().unwrap().code(),
        Some(1)
    );
    let expected = tree(&reference);

    let out = t.path().join("out");
    assert_eq!(
        run_batch(&batch, &out, &[]).status().unwrap().code(),
        Some(1)
    );
    // A001's address changes; a run with drafts is killed after A001's documents.
    let changed = original.replace("пр. Независимости, д. 21", "пр. Независимости, д. 99");
    assert_ne!(changed, original);
    std::fs::write(&csv, changed).unwrap();
    let before = pdfs(&out);
    let finished = kill_after(run_batch(&batch, &out, &["--drafts"]), &out, before + 8);
    assert!(!finished, "the run ended before it could be killed");
    // The address is put back: the next run must give the reference, not trust A001's
    // files of the killed run, nor keep its drafts.
    std::fs::write(&csv, &original).unwrap();
    assert_eq!(
        run_batch(&batch, &out, &[]).status().unwrap().code(),
        Some(1)
    );
    let got = tree(&out);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&got), names(&expected));
    for (rel, bytes) in &expected {
        assert!(
            got[rel] == *bytes,
            "{rel} differs from an uninterrupted run"
        );
    }
}
