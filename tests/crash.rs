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
    let mut c = Command::new(env!("CARGO_BIN_EXE_resettle"));
    c.args(["run", "samples/batch", "--as-of", "2026-11-24", "-j", "1"])
        .args(["--drafts", "--out"])
        .arg(out)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
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
        let mut child = run(&out).spawn().unwrap();
        let start = Instant::now();
        let finished = loop {
            if let Some(_status) = child.try_wait().unwrap() {
                break true;
            }
            if pdfs(&out) >= after || start.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                child.wait().unwrap();
                break false;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        if !finished {
            killed_mid_run += 1;
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
