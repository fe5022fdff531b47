//! The output folder and the tool's own limits (issue 18, items 8 and 9): the real OUT
//! folder, not a link to it, is made private; an existing folder holding files the tool
//! did not write is refused unless `--force` or an earlier run's OUT; `--jobs` is capped at a multiple of the cores;
//! report.pdf says how many findings of an applicant it left out and where they are.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::*;

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A batch of one applicant who is not ready (nothing is rendered: quick).
fn quick_batch(dir: &Path) {
    write(
        dir,
        "applicants.csv",
        &one_applicant(true).to_bytes(Format::UTF8),
    );
}

#[test]
fn out_given_as_a_link_makes_the_real_folder_private() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    quick_batch(&batch);
    let real = t.path().join("real");
    fs::create_dir(&real).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
    let link = t.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let r = run_out(&batch, &link, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        mode(&real),
        0o700,
        "the folder the link leads to is private"
    );
    assert!(r.stderr.contains("readable by you only"), "{}", r.stderr);
    assert!(real.join("report.json").is_file());
}

#[test]
fn an_out_holding_files_resettle_did_not_write_is_refused_without_force() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    quick_batch(&batch);
    let shared = t.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o755)).unwrap();
    write(&shared, "notes.txt", b"a caseworker's notes");

    run_out(&batch, &shared, &[]).says(2, "did not write («notes.txt») and no earlier run's");
    assert_eq!(walk(&shared), [Path::new("notes.txt")], "nothing written");
    assert_eq!(mode(&shared), 0o755, "a refused folder is left as it was");

    // --force writes into it, made private and saying so, the notes untouched.
    run_out(&batch, &shared, &["--force"]).says(1, "readable by you only");
    assert_eq!(mode(&shared), 0o700);
    assert_eq!(
        fs::read(shared.join("notes.txt")).unwrap(),
        b"a caseworker's notes"
    );
    assert!(shared.join("report.json").is_file());
}

#[test]
fn files_added_to_an_earlier_run_s_out_are_left_alone_and_named() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    quick_batch(&batch);
    let out = t.path().join("out");
    let first = run_out(&batch, &out, &["--drafts"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let drafts = outputs(&read_report(&out), "A001");
    assert!(!drafts.is_empty() && out.join(&drafts[0]).is_file());
    write(&out, ".DS_Store", b"Finder");
    let again = run_out(&batch, &out, &["--drafts"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(!again.stderr.contains("did not write"), "{}", again.stderr);

    // A scan put beside the forms after the run: the next run goes on, says so and
    // leaves it.
    write(&out, "A001/signed-scan.jpg", JPEG);
    run_out(&batch, &out, &["--drafts"]).says(
        1,
        "holds files resettle did not write («A001/signed-scan.jpg»): left as they are",
    );
    assert_eq!(fs::read(out.join("A001/signed-scan.jpg")).unwrap(), JPEG);
}

#[test]
fn jobs_beyond_a_multiple_of_the_cores_are_capped() {
    let t = tempfile::tempdir().unwrap();
    quick_batch(t.path());
    let r = run(&[
        "validate".as_ref(),
        t.path().as_os_str(),
        "--jobs".as_ref(),
        "100000".as_ref(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    let cores = std::thread::available_parallelism().unwrap().get();
    r.says(
        1,
        &format!(
            "--jobs 100000: this machine can use at most {} threads",
            cores * 4
        ),
    );
}

#[test]
fn report_pdf_says_how_many_findings_it_left_out_and_where_they_are() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    quick_batch(&batch);
    // Thirty children, each born on a day that is no date: a finding each.
    let mut f = Table::new(FAMILY_HEADERS);
    for i in 1..=30 {
        f.row(&[
            ("applicant_id", s("A001")),
            ("member_id", s(&format!("F{i}"))),
            ("relation", s("child")),
            ("last_name", s("Ёлкин")),
            ("first_name", s("Фёдор")),
            ("sex", s("M")),
            ("birth_date", s("31.02.2015")),
            ("citizenship", s("KZ")),
            ("relocating", b(true)),
        ]);
    }
    write(&batch, "family.csv", &f.to_bytes(Format::UTF8));
    let out = t.path().join("out");
    let r = run_out(&batch, &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let total = findings_of(&read_report(&out), "A001").len();
    assert!(total > 30, "{total} findings");
    let text = pdftotext_with(&out.join("report.pdf"), &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!(
            "Showing the first 20 of {total}: the full list is in findings.csv and report.json"
        )),
        "{flat}"
    );
}
