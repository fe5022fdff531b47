//! User templates: `resettle templates check`, `run --templates DIR` (a broken template
//! stops the run before any PDF is written and is named by file, line and column; a
//! valid one is used), and `resettle templates data`, whose JSON must hold the keys
//! templates/README.md documents.

use crate::common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{
    AS_OF, ORG, Outcome, applicant, outputs, pdfs_under, pdftotext_with, read_report, repo, run,
    run_out, squash,
};

fn sample_batch() -> PathBuf {
    repo().join("samples/batch")
}

/// A built-in template's source.
fn builtin(name: &str) -> String {
    fs::read_to_string(repo().join("templates").join(name)).unwrap()
}

/// A templates folder `dir` holding `application.typ` = `text` (every other template
/// stays built in).
fn templates_dir(dir: &Path, text: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("application.typ"), text).unwrap();
    dir.to_path_buf()
}

/// The built-in application.typ with `line` inserted after the first line whose trimmed
/// text is `anchor`; returns the text and the inserted line's 1-based number.
fn insert_after(anchor: &str, line: &str) -> (String, usize) {
    let source = builtin("application.typ");
    let mut lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == anchor)
        .unwrap_or_else(|| panic!("application.typ has no line {anchor:?}"));
    lines.insert(at + 1, line);
    (lines.join("\n") + "\n", at + 2)
}

/// The 1-based column of `needle` in `line`.
fn column(line: &str, needle: &str) -> usize {
    line[..line.find(needle).unwrap()].chars().count() + 1
}

/// `resettle templates check --as-of AS_OF`, with `--templates DIR` when given.
fn check(templates: Option<&Path>, extra: &[&OsStr]) -> Outcome {
    let mut args: Vec<&OsStr> = vec![
        "templates".as_ref(),
        "check".as_ref(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ];
    if let Some(dir) = templates {
        args.extend(["--templates".as_ref(), dir.as_os_str()]);
    }
    args.extend(extra);
    run(&args)
}

/// A template with a runtime error in the application form (a key that is not in the
/// data), and the position Typst must name.
fn runtime_error(dir: &Path) -> (PathBuf, String) {
    let line = "  let boom = d.nope.x";
    let (text, n) = insert_after("let a = d.applicant", line);
    let at = format!("templates/application.typ:{n}:{}", column(line, "nope"));
    (templates_dir(dir, &text), at)
}

/// A template with a syntax error (an unclosed parenthesis on a new last line).
fn syntax_error(dir: &Path) -> (PathBuf, String) {
    let line = "#let broken = (1, 2";
    let source = builtin("application.typ");
    let n = source.lines().count() + 1;
    let text = format!("{}\n{line}\n", source.trim_end_matches('\n'));
    let at = format!("templates/application.typ:{n}:{}", column(line, "("));
    (templates_dir(dir, &text), at)
}

#[test]
fn built_in_templates_pass_the_check() {
    let o = check(None, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("templates OK"), "{}", o.stdout);
    // Against a given batch, every applicant's packet is compiled, and the report.
    let o = check(None, &["--batch".as_ref(), sample_batch().as_os_str()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let n: usize = o
        .stdout
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no count in {:?}", o.stdout));
    let applicants = common::validate_json(&sample_batch()).json()["summary"]["applicants"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(n, applicants + 1, "{}", o.stdout);
}

#[test]
fn broken_templates_are_named_by_file_line_and_column() {
    let t = tempfile::tempdir().unwrap();
    let cases = [
        (runtime_error(&t.path().join("runtime")), "nope"),
        (syntax_error(&t.path().join("syntax")), "unclosed delimiter"),
    ];
    for ((dir, at), what) in cases {
        let o = check(Some(&dir), &[]);
        assert_eq!(o.code, 2, "{what}: {}", o.stderr);
        assert!(
            o.stderr.contains(&at),
            "{what}: stderr does not name {at}:\n{}",
            o.stderr
        );
        let line = o.stderr.lines().find(|l| l.contains(&at)).unwrap();
        assert!(line.contains(what), "{line}");
    }
}

#[test]
fn run_with_broken_templates_writes_no_pdf() {
    let t = tempfile::tempdir().unwrap();
    for (name, (dir, at)) in [
        ("runtime", runtime_error(&t.path().join("runtime"))),
        ("syntax", syntax_error(&t.path().join("syntax"))),
    ] {
        let out = t.path().join(format!("out-{name}"));
        let o = run_out(
            &sample_batch(),
            &out,
            &["--templates", dir.to_str().unwrap()],
        );
        assert_eq!(o.code, 2, "{name}: {}", o.stderr);
        assert!(o.stderr.contains(&at), "{name}: {}", o.stderr);
        assert_eq!(
            pdfs_under(&out),
            Vec::<PathBuf>::new(),
            "{name}: PDFs written"
        );
        assert!(!out.join("report.json").exists(), "{name}: report written");
    }
}

#[test]
fn a_valid_override_is_used_and_renders_again() {
    let t = tempfile::tempdir().unwrap();
    let mark = "Отметка пользовательского шаблона 7731";
    let (text, _) = insert_after("header(d)", &format!("  [{mark}]"));
    let dir = templates_dir(&t.path().join("templates"), &text);
    let o = check(Some(&dir), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // A first run with the built-in templates, then one with the override into the same
    // OUT: the changed template makes every document current again.
    let out = t.path().join("out");
    let o = run_out(&sample_batch(), &out, &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let mark = squash(mark);
    let text = |file: &str| squash(&pdftotext_with(&out.join(file), &[]));
    assert!(!text("A001/application.pdf").contains(&mark));

    let o = run_out(
        &sample_batch(),
        &out,
        &["--templates", dir.to_str().unwrap()],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = read_report(&out);
    let ready: Vec<&str> = report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "ready")
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect();
    assert!(!ready.is_empty());
    for id in ready {
        assert!(outputs(&report, id).len() >= 3, "{id}");
        for file in ["application.pdf", "packet.pdf"] {
            let file = format!("{id}/{file}");
            assert!(text(&file).contains(&mark), "{file} lacks the override");
        }
        // The other forms keep their built-in templates.
        let file = format!("{id}/inventory.pdf");
        assert!(
            !text(&file).contains(&mark),
            "{file} has the override's text"
        );
    }
}

#[test]
fn a_missing_templates_folder_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("no-such-templates");
    // A file is not a folder of templates either.
    let file = repo().join("templates/application.typ");
    for dir in [&missing, &file] {
        let shown = dir.display().to_string();
        let o = check(Some(dir), &[]);
        assert_eq!(o.code, 2, "{shown}: {}", o.stderr);
        assert!(
            o.stderr.contains(&shown) && o.stderr.contains("not a folder"),
            "check: {}",
            o.stderr
        );
        let out = t.path().join("out");
        let o = run_out(
            &sample_batch(),
            &out,
            &["--templates", dir.to_str().unwrap()],
        );
        assert_eq!(o.code, 2, "{shown}: {}", o.stderr);
        assert!(
            o.stderr.contains(&shown) && o.stderr.contains("not a folder"),
            "run: {}",
            o.stderr
        );
        assert!(!out.exists(), "run wrote {}", out.display());
    }
}

#[test]
fn each_template_error_is_listed_once() {
    let t = tempfile::tempdir().unwrap();
    let (dir, at) = syntax_error(&t.path().join("syntax"));
    let o = check(Some(&dir), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let times = o
        .stderr
        .matches(&format!("{at}: unclosed delimiter"))
        .count();
    assert_eq!(times, 1, "{}", o.stderr);
}

// ---------------------------------------------------------------------------------------
// templates data

/// `s` without the parenthesised parts (nested too).
fn without_parentheses(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The keys templates/README.md documents in the data section: each table row
/// `` | `key` | description | `` with the `code` words of its description outside
/// parentheses (`null` left out), e.g. `applicant` → `id`, `last_name`, …
fn documented_keys() -> Vec<(String, BTreeSet<String>)> {
    let readme = fs::read_to_string(repo().join("templates/README.md")).unwrap();
    let start = readme.find("## The data").expect("a data section");
    let end = readme
        .find("Which form reads what")
        .expect("the forms table");
    readme[start..end]
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let key = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let words: BTreeSet<String> = without_parentheses(cells.get(2)?)
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|w| *w != "null")
                .map(String::from)
                .collect();
            Some((key.to_string(), words))
        })
        .collect()
}

/// Checks one document's data against the documented keys: the same top-level keys,
/// and each object (or list of objects) with exactly the keys its row names.
fn check_keys(file: &Path, data: &Value, documented: &[(String, BTreeSet<String>)]) {
    let keys: BTreeSet<String> = data.as_object().unwrap().keys().cloned().collect();
    let want: BTreeSet<String> = documented.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(keys, want, "{}: top-level keys", file.display());
    for (key, fields) in documented {
        let objects: Vec<&Value> = match &data[key] {
            Value::Object(_) => vec![&data[key]],
            Value::Array(items) => items.iter().filter(|v| v.is_object()).collect(),
            _ => continue,
        };
        for o in objects {
            let got: BTreeSet<String> = o.as_object().unwrap().keys().cloned().collect();
            assert_eq!(&got, fields, "{}: keys of {key}", file.display());
        }
    }
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn templates_data_writes_the_documented_data_of_every_document() {
    let documented = documented_keys();
    let names: Vec<&str> = documented.iter().map(|(k, _)| k.as_str()).collect();
    for key in [
        "forms",
        "title",
        "footer",
        "org",
        "draft",
        "applicant",
        "lifting",
    ] {
        assert!(names.contains(&key), "README lost {key}: {names:?}");
    }
    let applicant_keys = &documented.iter().find(|(k, _)| k == "applicant").unwrap().1;
    assert!(applicant_keys.len() > 30, "{applicant_keys:?}");

    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("data");
    let o = run(&[
        "templates".as_ref(),
        "data".as_ref(),
        sample_batch().as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--org".as_ref(),
        ORG.as_ref(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let report = common::validate_json(&sample_batch()).json();
    let ids: BTreeSet<String> = report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicant_id"].as_str().unwrap().to_string())
        .collect();
    let folders: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    assert_eq!(folders, ids, "a folder per applicant, ready or not");

    let mut claims = 0;
    for id in &ids {
        let status = applicant(&report, id)["status"].as_str().unwrap();
        let draft = status != "ready";
        let mut files: Vec<String> = fs::read_dir(dir.join(id))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        for f in ["application.json", "inventory.json", "packet.json"] {
            assert!(files.contains(&f.to_string()), "{id}: {files:?}");
        }
        let base = read_json(&dir.join(id).join("application.json"));
        // What every document of the applicant shares.
        let shared = |d: &Value| {
            let mut d = d.clone();
            for k in ["forms", "title", "consents", "letter", "draft", "footer"] {
                d.as_object_mut().unwrap().remove(k);
            }
            d
        };
        let mut single_forms = BTreeSet::new();
        for f in &files {
            let path = dir.join(id).join(f);
            let d = read_json(&path);
            check_keys(&path, &d, &documented);
            let letter = f == "letter.json";
            // The letter reads its own points, not the findings.
            if letter {
                assert_eq!(d["findings"], serde_json::json!([]), "{id}/{f}");
            }
            let findings = |mut d: Value| {
                if letter {
                    d.as_object_mut().unwrap().remove("findings");
                }
                d
            };
            assert_eq!(
                findings(shared(&d)),
                findings(shared(&base)),
                "{id}/{f} differs from application.json"
            );
            assert!(
                d["title"].as_str().is_some_and(|s| !s.is_empty()),
                "{id}/{f}"
            );
            assert_eq!(d["footer"], id.as_str(), "{id}/{f}");
            assert_eq!(d["org"], ORG, "{id}/{f}");
            assert_eq!(d["as_of"], "24.11.2026", "{id}/{f}");
            // The family's letter is never a draft; it is in its own document and the
            // draft's packet only.
            assert_eq!(d["draft"], draft && !letter, "{id}/{f}");
            assert_eq!(
                d["letter"].is_object(),
                letter || (f == "packet.json" && draft),
                "{id}/{f}"
            );
            assert_eq!(files.contains(&"letter.json".to_string()), draft, "{id}");
            assert_eq!(d["status"], status, "{id}/{f}");
            assert_eq!(d["applicant"]["id"], id.as_str(), "{id}/{f}");
            let forms: Vec<&str> = d["forms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let stem = f.trim_end_matches(".json");
            if stem == "packet" {
                assert_eq!(forms.first() == Some(&"cover"), draft, "{id}: {forms:?}");
                continue;
            }
            // A document of one form: its name tells which, and its data is there.
            let form = match stem {
                "lifting-stage1" | "lifting-stage2" => {
                    assert_eq!(
                        d["lifting"]["stage"].as_i64(),
                        stem[stem.len() - 1..].parse().ok(),
                        "{id}/{f}"
                    );
                    claims += 1;
                    "lifting"
                }
                "compensation" => {
                    assert!(d["compensation"]["total"].is_string(), "{id}/{f}");
                    claims += 1;
                    "compensation"
                }
                "monthly-benefit" => {
                    assert!(d["monthly"]["from"].is_string(), "{id}/{f}");
                    "monthly"
                }
                s if s.starts_with("consent-") => {
                    let consents = d["consents"].as_array().unwrap();
                    assert_eq!(consents.len(), 1, "{id}/{f}");
                    assert_eq!(consents[0]["child"]["member_id"], &s["consent-".len()..]);
                    "consent"
                }
                other => other,
            };
            assert_eq!(forms, [form], "{id}/{f}");
            single_forms.insert(form.to_string());
        }
        // The packet holds every form of the applicant's documents.
        let packet = read_json(&dir.join(id).join("packet.json"));
        let packet_forms: BTreeSet<String> = packet["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .filter(|f| f != "cover")
            .collect();
        assert_eq!(packet_forms, single_forms, "{id}'s packet");
    }
    assert!(claims >= 4, "only {claims} claims in the sample's data");

    // The batch report's data.
    let path = dir.join("report.json");
    let r = read_json(&path);
    assert_eq!(r["forms"], serde_json::json!(["report"]));
    assert!(r["title"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(r["org"], ORG);
    assert_eq!(r["draft"], false);
    for key in [
        "t",
        "as_of",
        "as_of_iso",
        "version",
        "lang",
        "cards",
        "groups",
        "errors",
        "warnings",
        "errors_count",
        "warnings_count",
        "missions",
        "rows",
    ] {
        assert!(!r["report"][key].is_null(), "report.{key} is missing");
    }
    let in_groups: usize = r["report"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["applicants"].as_array().unwrap().len())
        .sum();
    assert_eq!(in_groups, ids.len(), "every applicant in a group");
}

#[test]
fn a_document_that_fails_for_one_applicant_is_reported_and_the_batch_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    common::copy_dir(&sample_batch(), &batch);
    let csv = batch.join("applicants.csv");
    let text = fs::read_to_string(&csv).unwrap();
    assert!(text.contains("Сейтқали"));
    fs::write(&csv, text.replace("Сейтқали", "Сбойный")).unwrap();
    // Fails only for that name, which the built-in sample batch (the pre-check) lacks.
    let (text, _) = insert_after(
        "let a = d.applicant",
        "  if a.last_name == \"Сбойный\" { panic(\"boom\") }",
    );
    let dir = templates_dir(&t.path().join("tpl"), &text);
    let out = t.path().join("out");
    for pass in ["first", "second"] {
        let o = run_out(&batch, &out, &["--templates", dir.to_str().unwrap()]);
        assert_eq!(o.code, 1, "{pass} run: {}", o.stderr);
        let report = read_report(&out);
        let failed: Vec<&str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["rule"] == "render.failed")
            .map(|e| e["source"].as_str().unwrap())
            .collect();
        assert_eq!(
            failed,
            ["A005/application.pdf", "A005/packet.pdf"],
            "{pass} run: a failed document is reported again until it renders"
        );
        assert!(!out.join("A005/application.pdf").exists());
        assert!(!out.join("A005/packet.pdf").exists());
        assert_eq!(outputs(&report, "A005"), ["A005/inventory.pdf"]);
        // Everyone else got their documents.
        for id in ["A001", "A010"] {
            assert!(out.join(id).join("application.pdf").is_file(), "{id}");
        }
    }
}
