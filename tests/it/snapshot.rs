//! The sample batch's report, by snapshot (insta), and the same report whatever the
//! number of threads: through the binary (`--jobs 1` / `--jobs 2`) and in-process on a
//! generated batch of 3,000 applicants (two rayon pools of 1 and 2 threads).
//!
//! The snapshot is a compact projection of report.json (per applicant: status, sorted
//! rule ids, lifting allowance, mission and booking day; summary, rows, errors), so that
//! a change of behaviour shows as a short, reviewable diff. After an intended change:
//! `INSTA_UPDATE=always cargo test --release --test it -- snapshot::`, then review
//! tests/it/snapshots/.

use crate::common;

use std::ffi::OsStr;
use std::path::Path;

use serde_json::{Value, json};

const AS_OF: &str = common::AS_OF;

fn as_of() -> jiff::civil::Date {
    AS_OF.parse().unwrap()
}

fn schemas() -> resettle::schema::Schemas {
    resettle::schema::Schemas::embedded().expect("built-in schemas load")
}

/// report.json of `dir`, validated in-process.
fn report_json(dir: &Path) -> String {
    let (report, _) = resettle::validate(dir, &schemas(), as_of()).expect("batch processed");
    report.to_json()
}

/// The reviewable projection of a report.
fn projection(report: &Value) -> Value {
    let applicants: Vec<Value> = report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut rules: Vec<&str> = a["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap())
                .collect();
            rules.sort_unstable();
            json!({
                "id": a["applicant_id"],
                "status": a["status"],
                "rules": rules,
                "lifting_total_rub": a["allowance"]["lifting_total_rub"],
                "consulate": a["consulate"]["id"],
                "next_booking": a["consulate"]["next_booking"],
            })
        })
        .collect();
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["rule"].as_str().unwrap(),
                e["source"].as_str().unwrap()
            )
        })
        .collect();
    json!({
        "as_of": report["as_of"],
        "summary": report["summary"],
        "rows": report["rows"],
        "errors": errors,
        "applicants": applicants,
    })
}

fn sample_batch() -> std::path::PathBuf {
    common::repo().join("samples/batch")
}

#[test]
fn sample_batch_report() {
    let report: Value = serde_json::from_str(&report_json(&sample_batch())).unwrap();
    common::check_invariants(&report);
    insta::assert_json_snapshot!("sample_batch", projection(&report));
}

/// `resettle validate BATCH --as-of AS_OF --format FORMAT --jobs N`.
fn validate_with_jobs(batch: &Path, format: &str, jobs: &str) -> common::Outcome {
    common::run(&[
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        OsStr::new(format),
        "--jobs".as_ref(),
        OsStr::new(jobs),
    ])
}

#[test]
fn binary_report_is_the_same_with_one_or_two_jobs() {
    let batch = sample_batch();
    for format in ["json", "csv", "text"] {
        let one = validate_with_jobs(&batch, format, "1");
        let two = validate_with_jobs(&batch, format, "2");
        assert_eq!(one.code, 1, "{format}: {}", one.stderr);
        assert_eq!(two.code, one.code, "{format}");
        assert!(!one.stdout.is_empty(), "{format}");
        assert!(
            one.stdout == two.stdout,
            "{format}: --jobs 1 and --jobs 2 differ"
        );
    }
    // And the binary prints what the library builds (the snapshot's source).
    let one = validate_with_jobs(&batch, "json", "1");
    assert!(
        one.stdout == report_json(&batch),
        "the binary's JSON differs from resettle::validate's"
    );
}

#[test]
fn generated_batch_is_the_same_on_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    resettle::synth::generate(dir.path(), 3_000, 20261124).expect("generated");
    let schemas = schemas();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (report, _) =
                resettle::validate(dir.path(), &schemas, as_of()).expect("batch processed");
            report.to_json()
        })
    };
    let one = run(1);
    let two = run(2);
    let report: Value = serde_json::from_str(&one).unwrap();
    common::check_invariants(&report);
    assert_eq!(report["summary"]["applicants"], 3_000);
    // The generated mix has every status, so the comparison covers findings of all kinds.
    for status in ["ready", "incomplete", "refused", "invalid"] {
        assert!(
            report["summary"][status].as_u64().unwrap() > 0,
            "no {status} applicant in the generated batch: {}",
            report["summary"]
        );
    }
    if one != two {
        let a = one.lines().zip(two.lines()).position(|(x, y)| x != y);
        panic!("1 and 2 threads give different reports; first differing line: {a:?}");
    }
}
