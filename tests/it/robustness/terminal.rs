//! What reaches a terminal (issue 18, item 7): control characters and bidirectional
//! overrides from cells, file names and paths are shown escaped, never acted on, so a
//! batch cannot colour the console, move its cursor or print a forged line.

use std::path::Path;

use crate::common::*;

/// A batch of two applicants, the second named with a line break, a carriage return and
/// colour codes that would print a forged "ready" line; and a scan whose file name
/// carries an escape sequence.
fn hostile_batch(dir: &Path) {
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    a.row(&applicant_row("A002", "Злов", "Иван", 2));
    a.set(
        1,
        "first_name",
        s("Иван\r\nA003       ready      Forged\u{1b}[32m\u{202E}"),
    );
    write(dir, "applicants.csv", &a.to_bytes(Format::UTF8));
    write(dir, "documents/A001/notes\u{1b}[31m.pdf", PDF);
}

fn assert_nothing_acts(what: &str, text: &str) {
    for c in ['\u{1b}', '\r', '\u{202E}'] {
        assert!(
            !text.contains(c),
            "{what} holds {c:?} raw:\n{}",
            text.escape_debug()
        );
    }
    assert!(
        !text.lines().any(|l| l.starts_with("A003")),
        "{what} prints a forged line:\n{text}"
    );
}

#[test]
fn cells_and_file_names_print_escaped_on_the_console() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    hostile_batch(&batch);
    let text = run(&[
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    assert_nothing_acts("validate's console report", &text.stdout);
    assert!(
        text.stdout.contains("Иван\\r\\nA003") && text.stdout.contains("\\u{1b}[32m"),
        "the name is shown, escaped:\n{}",
        text.stdout
    );

    let out = t.path().join("out");
    let ran = run_out(&batch, &out, &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_nothing_acts("run's console lines", &ran.stderr);

    // The data formats stay byte for byte what the batch holds when they go to a file
    // or a program: the JSON escapes the name itself.
    let json = validate_json(&batch).json();
    let name = applicant(&json, "A002")["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(name.contains("\r\nA003"), "{name:?}");
}

#[test]
fn an_error_quoting_a_path_prints_it_escaped() {
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("no\u{1b}[2J\rbatch");
    let r = run(&["validate".as_ref(), missing.as_os_str()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert_nothing_acts("the error", &r.stderr);
    assert!(r.stderr.contains("no\\u{1b}[2J\\rbatch"), "{}", r.stderr);
}
