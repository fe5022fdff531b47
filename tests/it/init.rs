//! `resettle init DIR` writes a blank batch that `validate` reads, never overwrites a
//! batch, and the help of the batch commands explains the layout and exit statuses; the
//! workbook of `init --xlsx DIR` is tested in `xlsx`.

pub mod book;
mod xlsx;

use crate::common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn init(dir: &Path) -> Outcome {
    run(&["init".as_ref(), dir.as_os_str()])
}

const FILES: [&str; 3] = ["applicants.csv", "family.csv", "expenses.csv"];

#[test]
fn init_writes_a_blank_batch() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    let out = init(&dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for file in FILES {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{file}: UTF-8 BOM for Excel"
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let first = text.lines().next().unwrap();
        assert!(first.contains("applicant_id"), "{file}: {first}");
        assert_eq!(text.lines().count(), 1, "{file}: the header only");
        // Input contract v2: the columns of edition 2, not the retired ones.
        let header: Vec<&str> = first.split(';').collect();
        let v2: &[&str] = match file {
            "applicants.csv" => &[
                "filing_date",
                "migration_offences_12m",
                "entry_ban",
                "regional_requirements_unmet",
                "repatriate",
                "former_citizenship",
                "previous_names",
            ],
            "family.csv" => &[
                "marital_status",
                "previous_names",
                "id_doc_type",
                "id_doc_number",
                "id_doc_expiry_date",
                "parents_relocating",
                "extremism",
                "serious_conviction",
                "other_state_residence",
                "deportation_date",
                "migration_offences_12m",
                "entry_ban",
            ],
            _ => &["fare_class"],
        };
        for column in v2 {
            assert!(header.contains(column), "{file}: no {column} in {first}");
        }
        for retired in ["admin_offences_12m", "migration_violations"] {
            assert!(!header.contains(&retired), "{file}: {retired} in {first}");
        }
    }
    let readme = std::fs::read(dir.join("README.txt")).unwrap();
    let readme = String::from_utf8(readme).expect("README is UTF-8");
    assert!(readme.contains("applicants.csv"));
    assert!(readme.contains("id_card"), "lists the document codes");
    assert!(dir.join("documents").is_dir());
    assert!(
        std::fs::read_dir(dir.join("documents"))
            .unwrap()
            .next()
            .is_none()
    );
}

/// Every header `init` writes is one the reader knows: the blank batch validates with no
/// unknown column, and (no applicant) exits 1 with an error, not 0 and not a crash.
#[test]
fn blank_batch_validates_to_no_applicant() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    assert_eq!(init(&dir).code, 0);
    let out = validate_json(&dir);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    check_invariants(&r);
    assert_eq!(r["summary"]["applicants"], 0);
    assert_eq!(r["warnings"], Value::Array(vec![]), "every header is known");
    for file in FILES {
        assert_eq!(r["rows"][file]["read"], 0, "{file}");
    }
    assert!(
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"].as_str().unwrap().starts_with("applicants.csv")),
        "{:#}",
        r["errors"]
    );
    // The text report too.
    let text = run(&["validate".as_ref(), dir.as_os_str()]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("applicants.csv"), "{}", text.stdout);
}

/// A row typed into the blank applicants.csv the way Excel saves it (`;`, same BOM) is
/// read.
#[test]
fn blank_batch_accepts_a_row_in_its_own_format() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    assert_eq!(init(&dir).code, 0);
    let path = dir.join("applicants.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let header: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split(';')
        .collect();
    let row: Vec<(&str, Cell)> = applicant_row("A001", "Ёлкин", "Пётр", 1);
    let cells: Vec<String> = header
        .iter()
        .map(|h| {
            row.iter()
                .find(|(c, _)| c == h)
                .map_or(String::new(), |(_, v)| quote(&v.en, ';'))
        })
        .collect();
    std::fs::write(&path, format!("{text}{}\r\n", cells.join(";"))).unwrap();
    let r = validate_json(&dir).json();
    check_invariants(&r);
    assert_eq!(r["summary"]["applicants"], 1);
    assert_eq!(applicant(&r, "A001")["name"], "Ёлкин Пётр Семёнович");
    assert!(
        findings_of(&r, "A001")
            .iter()
            .all(|f| !f["rule"].as_str().unwrap().starts_with("data.")),
        "{:#?}",
        findings_of(&r, "A001")
    );
}

#[test]
fn second_init_fails_and_overwrites_nothing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    assert_eq!(init(&dir).code, 0);
    // The caseworker has started filling the batch.
    let filled = "\u{feff}applicant_id;last_name\r\nA001;Ёлкин\r\n";
    std::fs::write(dir.join("applicants.csv"), filled).unwrap();
    write(&dir, "documents/A001/id_card.pdf", PDF);
    let before: Vec<_> = walk(&dir)
        .into_iter()
        .map(|p| {
            let full = dir.join(&p);
            let bytes = if full.is_file() {
                std::fs::read(&full).unwrap()
            } else {
                Vec::new()
            };
            (p, bytes)
        })
        .collect();

    let out = init(&dir);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("applicants.csv"), "{}", out.stderr);

    let after: Vec<_> = walk(&dir)
        .into_iter()
        .map(|p| {
            let full = dir.join(&p);
            let bytes = if full.is_file() {
                std::fs::read(&full).unwrap()
            } else {
                Vec::new()
            };
            (p, bytes)
        })
        .collect();
    assert_eq!(before, after, "init changed an existing batch");
}

/// Any one of the batch's entries, in any case, is enough to refuse.
#[test]
fn init_refuses_a_folder_holding_any_batch_file() {
    for name in [
        "Applicants.CSV",
        "family.csv",
        "expenses.csv",
        "README.txt",
        "Batch.XLSX",
    ] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), name, b"keep");
        let out = init(t.path());
        assert_eq!(out.code, 2, "{name}");
        assert_eq!(std::fs::read(t.path().join(name)).unwrap(), b"keep");
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("documents")).unwrap();
    assert_eq!(init(t.path()).code, 2);
}

/// An existing empty folder is fine.
#[test]
fn init_into_an_existing_empty_folder() {
    let t = tempfile::tempdir().unwrap();
    let out = init(t.path());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(t.path().join("applicants.csv").is_file());
}

/// The batch holds personal data; init creates it owner-only like the output folder.
#[cfg(unix)]
#[test]
fn init_creates_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    assert_eq!(init(&dir).code, 0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for f in FILES.iter().chain(&["README.txt"]) {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
}

/// documents/ will hold the scans of ID cards: owner-only like the rest of the batch.
#[cfg(unix)]
#[test]
fn init_creates_a_private_documents_folder() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    assert_eq!(init(&dir).code, 0);
    let mode = std::fs::metadata(dir.join("documents"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "documents/ is {mode:o}");
}

#[test]
fn help_of_batch_commands_explains_layout_and_exit_status() {
    for cmd in ["run", "validate"] {
        let out = run(&[cmd.as_ref(), "--help".as_ref()]);
        assert_eq!(out.code, 0, "{cmd}");
        for section in ["BATCH LAYOUT", "EXIT STATUS", "applicants.csv"] {
            assert!(out.stdout.contains(section), "{cmd} --help: {section}");
        }
    }
    let out = run(&["--help".as_ref()]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("EXIT STATUS"));
}

/// Usage errors are exit status 2 with a message.
#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["validate"],
        vec!["run", "samples/batch"],
        vec!["validate", "samples/batch", "--as-of", "2026-02-31"],
        vec!["validate", "samples/batch", "--format", "pdf"],
        vec!["frobnicate"],
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
