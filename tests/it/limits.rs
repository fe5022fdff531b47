//! The reader's limits (issue 6): file size, cell size, data rows and header columns,
//! each just under and just over, with its default and set with `--max-file-size`,
//! `--max-cell`, `--max-rows`, `--max-columns` on `validate` and `run`. A file, row or
//! column past its limit stops the run (exit 2) naming file, row and column; a cell past
//! its limit is an error on its cell, and its value reaches neither the report nor the
//! forms.

use crate::common;

use std::ffi::OsStr;
use std::path::Path;

use common::*;
use serde_json::Value;

/// `validate BATCH --as-of AS_OF --format json` with `extra` arguments.
fn validate_with(batch: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<&OsStr> = vec![
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run(&args)
}

/// A batch with `n` valid applicants A001…, ready unless something is wrong.
fn applicants(n: u32, f: impl Fn(u32, &mut Table)) -> tempfile::TempDir {
    let mut t = Table::new(APPLICANT_HEADERS);
    for i in 1..=n {
        t.row(&applicant_row(&format!("A{i:03}"), "Ёлкин", "Пётр", i));
        f(i, &mut t);
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "applicants.csv", &t.to_bytes(Format::UTF8));
    dir
}

fn size_of(batch: &Path, file: &str) -> u64 {
    std::fs::metadata(batch.join(file)).unwrap().len()
}

fn applicant_count(r: &Value) -> usize {
    r["applicants"].as_array().unwrap().len()
}

#[test]
fn file_size_just_under_and_just_over() {
    let t = applicants(3, |_, _| {});
    let size = size_of(t.path(), "applicants.csv");
    let under = validate_with(t.path(), &["--max-file-size", &size.to_string()]);
    assert_ne!(under.code, 2, "{}", under.stderr);
    assert_eq!(applicant_count(&under.json()), 3);

    let over = validate_with(t.path(), &["--max-file-size", &(size - 1).to_string()]);
    assert_eq!(over.code, 2, "{}", over.stderr);
    assert!(over.stdout.is_empty());
    // Sizes in KiB with one decimal, cut (not rounded): 1602 bytes are 1.5 KiB.
    let kib = |n: u64| format!("{}.{} KiB", n * 10 / 1024 / 10, n * 10 / 1024 % 10);
    assert!(
        over.stderr.starts_with(&format!(
            "error: applicants.csv: the file is {size} bytes ({}), more than the limit of {} bytes ({}) (--max-file-size)",
            kib(size),
            size - 1,
            kib(size - 1)
        )),
        "{}",
        over.stderr
    );

    // family.csv and expenses.csv have the same limit.
    let family = format!(
        "applicant_id,member_id,relation,last_name,first_name,birth_date,relocating\nA001,F1,child,Ёлкина,Анна,2010-01-01,yes\n{}",
        "A001,F2,child,Ёлкина,Мария,2012-01-01,yes\n".repeat(100)
    );
    write(t.path(), "family.csv", family.as_bytes());
    let over = validate_with(t.path(), &["--max-file-size", "2KiB"]);
    assert_eq!(over.code, 2, "{}", over.stderr);
    assert!(
        over.stderr.starts_with("error: family.csv: the file is ")
            && over
                .stderr
                .contains("more than the limit of 2 KiB (--max-file-size)"),
        "{}",
        over.stderr
    );
}

/// The size is checked before the file is read: a sparse 2 GiB file (default limit
/// 1 GiB) is refused at once; a device that never ends (`/dev/zero` behind a link) and a
/// named pipe nobody writes to are refused as not regular files, without waiting.
#[test]
fn file_size_is_checked_before_reading() {
    let t = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(t.path().join("applicants.csv")).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    let started = std::time::Instant::now();
    let out = validate_with(t.path(), &[]);
    out.says(
        2,
        "applicants.csv: the file is 2 GiB, more than the limit of 1 GiB (--max-file-size)",
    );
    // Reading 2 GiB of zeros would take seconds and 2 GiB of memory; a refusal is instant.
    assert!(started.elapsed().as_secs() < 20);

    #[cfg(unix)]
    {
        let t = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", t.path().join("applicants.csv")).unwrap();
        let out = validate_with(t.path(), &["--max-file-size", "1MiB"]);
        out.says(2, "applicants.csv: a device, not a regular file: not read");
    }
    #[cfg(target_os = "linux")]
    {
        let t = tempfile::tempdir().unwrap();
        let fifo = t.path().join("applicants.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nobody writes to it: opening it to read would wait forever.
        let started = std::time::Instant::now();
        let out = validate_with(t.path(), &[]);
        out.says(
            2,
            "applicants.csv: a named pipe, not a regular file: not read",
        );
        assert!(started.elapsed().as_secs() < 20);
    }
}

#[test]
fn cell_just_under_and_just_over() {
    // 10 KiB exactly, and one byte more (the address, in ASCII).
    let t = applicants(2, |i, t| {
        let len = if i == 1 { 10 * 1024 } else { 10 * 1024 + 1 };
        t.set(i as usize - 1, "address", s(&"a".repeat(len)));
    });
    let out = validate_with(t.path(), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    // Findings about the data (not the missing scans).
    let data = |id: &str| -> Vec<Value> {
        findings_of(&r, id)
            .into_iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("data."))
            .collect()
    };
    assert!(data("A001").is_empty(), "{:?}", data("A001"));
    assert_eq!(applicant(&r, "A001")["status"], "incomplete");
    let f = data("A002");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["rule"], "data.format");
    assert_eq!(f[0]["source"], "applicants.csv:3:18");
    assert_eq!(
        f[0]["message"]["en"],
        "address: a value of 10241 bytes (10.0 KiB) is longer than the limit of 10 KiB (--max-cell) and was not read — correct the cell"
    );
    assert_eq!(applicant(&r, "A002")["status"], "invalid");
    // The value is not copied into the report.
    assert!(!out.stdout.contains(&"a".repeat(1000)));
    check_invariants(&r);
}

#[test]
fn cell_limit_is_configurable_and_counts_bytes() {
    // «Ёлкин» is 10 bytes in UTF-8.
    let t = applicants(1, |_, _| {});
    let out = validate_with(t.path(), &["--max-cell", "10"]);
    let r = out.json();
    let f = findings_of(&r, "A001");
    assert!(
        !f.iter().any(|f| f["source"] == "applicants.csv:2:2"),
        "{f:?}"
    );
    let out = validate_with(t.path(), &["--max-cell", "9B"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    let f = findings_of(&r, "A001");
    let name = f
        .iter()
        .find(|f| f["source"] == "applicants.csv:2:2")
        .unwrap_or_else(|| panic!("no finding on the last name: {f:?}"));
    assert_eq!(name["rule"], "data.format");
    assert!(
        name["message"]["en"]
            .as_str()
            .unwrap()
            .starts_with("last_name: a value of 10 bytes is longer than the limit of 9 bytes"),
        "{name}"
    );
    // A cell past the limit is read as empty, but is not also "required and empty".
    assert!(
        !f.iter()
            .any(|f| f["rule"] == "data.required" && f["field"] == "last_name"),
        "{f:?}"
    );
    // The name is not used (nor the 18-byte patronymic «Семёнович»).
    assert_eq!(applicant(&r, "A001")["name"], "Пётр");
}

#[test]
fn rows_just_under_and_just_over() {
    let t = applicants(5, |_, _| {});
    // Blank lines and `,,,` rows are not data rows.
    let mut bytes = std::fs::read(t.path().join("applicants.csv")).unwrap();
    bytes.extend_from_slice(b"\n\n,,,,\r\n  \n");
    write(t.path(), "applicants.csv", &bytes);
    let under = validate_with(t.path(), &["--max-rows", "5"]);
    assert_ne!(under.code, 2, "{}", under.stderr);
    assert_eq!(under.json()["rows"]["applicants.csv"]["read"], 5);

    let over = validate_with(t.path(), &["--max-rows", "4"]);
    assert_eq!(over.code, 2, "{}", over.stderr);
    assert_eq!(
        over.stderr.trim_end(),
        "error: applicants.csv:6: the file has more than 4 data rows, the limit (--max-rows): split the batch into smaller ones, or raise the limit if the file is right"
    );

    // family.csv too, naming its row.
    let t = applicants(1, |_, _| {});
    write(
        t.path(),
        "family.csv",
        b"applicant_id,member_id,relation,last_name,first_name,birth_date,relocating\nA001,F1,child,A,B,2010-01-01,yes\nA001,F2,child,A,C,2011-01-01,yes\n",
    );
    let over = validate_with(t.path(), &["--max-rows", "1"]);
    over.says(2, "family.csv:3: the file has more than 1 data rows");
    let over = validate_with(t.path(), &["--max-rows", "1_000"]);
    assert_ne!(over.code, 2, "{}", over.stderr);
}

#[test]
fn rows_limit_counts_records_not_lines() {
    // A quoted address over three lines is one row.
    let t = applicants(2, |i, t| {
        if i == 1 {
            t.set(0, "address", s("г. Алматы,\nул. Абая,\nд. 1"));
        }
    });
    let out = validate_with(t.path(), &["--max-rows", "2"]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    let out = validate_with(t.path(), &["--max-rows", "1"]);
    out.says(2, "applicants.csv:5: the file has more than 1 data rows");
}

#[test]
fn columns_just_under_and_just_over() {
    let t = applicants(1, |_, _| {});
    let n = APPLICANT_HEADERS.len();
    // Trailing empty header cells (Excel's padding) are no columns.
    let text = std::fs::read_to_string(t.path().join("applicants.csv")).unwrap();
    let padded = text.replacen('\n', &format!("{}\n", ",".repeat(50)), 1);
    write(t.path(), "applicants.csv", padded.as_bytes());
    let under = validate_with(t.path(), &["--max-columns", &n.to_string()]);
    assert_ne!(under.code, 2, "{}", under.stderr);

    let over = validate_with(t.path(), &["--max-columns", &(n - 1).to_string()]);
    assert_eq!(over.code, 2, "{}", over.stderr);
    assert!(
        over.stderr.starts_with(&format!(
            "error: applicants.csv:1:{n}: the header has {n} columns, more than the limit of {} (--max-columns)",
            n - 1
        )),
        "{}",
        over.stderr
    );
}

#[test]
fn the_default_column_limit_is_excels() {
    let t = applicants(1, |_, _| {});
    let text = std::fs::read_to_string(t.path().join("applicants.csv")).unwrap();
    let n = APPLICANT_HEADERS.len();
    let header_with = |total: usize| {
        let extra: String = (n..total).map(|i| format!(",x{i}")).collect();
        text.replacen('\n', &format!("{extra}\n"), 1)
    };
    write(t.path(), "applicants.csv", header_with(16_384).as_bytes());
    let under = validate_with(t.path(), &[]);
    assert_eq!(under.code, 1, "{}", under.stderr);
    // The unknown columns are 20 warnings and one that counts the others.
    let r = under.json();
    let unknown: Vec<&Value> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "data.unknown_column")
        .collect();
    assert_eq!(unknown.len(), 21, "{unknown:?}");
    assert_eq!(
        unknown[20]["message"]["en"],
        format!(
            "{} more unknown columns were ignored ({} in all)",
            16_384 - n - 20,
            16_384 - n
        )
    );

    write(t.path(), "applicants.csv", header_with(16_385).as_bytes());
    let over = validate_with(t.path(), &[]);
    over.says(
        2,
        "applicants.csv:1:16385: the header has 16385 columns, more than the limit of 16384",
    );
}

#[test]
fn run_takes_the_limits_too() {
    let t = applicants(2, |_, _| {});
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "run".as_ref(),
        t.path().as_os_str(),
        "--out".as_ref(),
        out_dir.path().join("out").as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--max-rows".as_ref(),
        "1".as_ref(),
    ]);
    out.says(2, "applicants.csv:3: the file has more than 1 data rows");
    assert!(!out_dir.path().join("out/report.json").exists());
}

#[test]
fn bad_limit_values_are_usage_errors() {
    let t = applicants(1, |_, _| {});
    for (flag, value) in [
        ("--max-file-size", "0"),
        ("--max-file-size", "lots"),
        ("--max-file-size", "1PiB"),
        ("--max-cell", "1x"),
        ("--max-rows", "0"),
        ("--max-rows", "1e6"),
        ("--max-columns", "0"),
    ] {
        let out = validate_with(t.path(), &[flag, value]);
        assert_eq!(out.code, 2, "{flag} {value}: {}", out.stderr);
        assert!(out.stderr.contains(flag), "{flag} {value}: {}", out.stderr);
    }
}

#[test]
fn help_documents_the_limits_and_their_defaults() {
    for cmd in ["run", "validate"] {
        let out = run(&[cmd.as_ref(), "--help".as_ref()]);
        assert_eq!(out.code, 0);
        for needle in [
            "--max-file-size <SIZE>",
            "[default: 1GiB]",
            "--max-cell <SIZE>",
            "[default: 10KiB]",
            "--max-rows <N>",
            "[default: 5000000]",
            "--max-columns <N>",
            "[default: 16384]",
        ] {
            assert!(out.stdout.contains(needle), "{cmd}: {needle}");
        }
    }
}

/// `mkfifo path`: a named pipe nobody will write to (opening it to read would wait
/// forever).
#[cfg(target_os = "linux")]
fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A named pipe where a scan, a schema or the manifest is expected never hangs the run:
/// the scan is `docs.unreadable` saying why, the schema a clear exit 2 naming it, the
/// manifest not trusted (everything is rendered again).
#[cfg(target_os = "linux")]
#[test]
fn named_pipes_are_reported_not_waited_on() {
    let started = std::time::Instant::now();
    // A scan.
    let batch = applicants(1, |_, _| {});
    fifo(&batch.path().join("documents/A001/diploma.pdf"));
    let out = validate_with(batch.path(), &[]);
    assert!(out.code <= 1, "{}", out.stderr);
    let report = out.json();
    let f: Vec<&Value> = report["applicants"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "docs.unreadable")
        .collect();
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["source"], "documents/A001/diploma.pdf");
    assert!(
        f[0]["message"]["en"]
            .as_str()
            .unwrap()
            .contains("a named pipe, not a regular file"),
        "{:#}",
        f[0]
    );
    // A schema of --schemas DIR.
    let schemas = tempfile::tempdir().unwrap();
    fifo(&schemas.path().join("rates.toml"));
    let out = validate_with(
        batch.path(),
        &["--schemas", schemas.path().to_str().unwrap()],
    );
    out.says(2, "rates.toml: is a named pipe, not a regular file");
    // The manifest in OUT.
    let t = tempfile::tempdir().unwrap();
    let out_dir = t.path().join("out");
    fifo(&out_dir.join(".resettle-manifest.json"));
    let out = run_out(batch.path(), &out_dir, &[]);
    assert!(out.code <= 1, "{}", out.stderr);
    assert!(out_dir.join("report.json").is_file());
    assert!(
        std::fs::symlink_metadata(out_dir.join(".resettle-manifest.json"))
            .unwrap()
            .is_file(),
        "the pipe is replaced by a real manifest"
    );
    assert!(started.elapsed().as_secs() < 60);
}
