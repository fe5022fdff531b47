//! `resettle rules`, `resettle rules --facts`, `resettle explain`, and schemas edited by
//! an NGO (`--schemas DIR`): an edited amount in rates.toml changes the report without a
//! new build, and a mistake in rules.toml stops the run (exit 2) naming file, line and
//! column.

use crate::common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;

use common::{AS_OF, Outcome, repo, run};
use serde_json::Value;

fn schema_text(name: &str) -> String {
    std::fs::read_to_string(repo().join("schemas").join(name)).unwrap()
}

fn schema(name: &str) -> toml::Table {
    toml::from_str(&schema_text(name)).unwrap()
}

fn rules_toml() -> Vec<toml::Value> {
    schema("rules.toml")["rule"].as_array().unwrap().clone()
}

fn documents_toml() -> Vec<toml::Value> {
    schema("documents.toml")["document"]
        .as_array()
        .unwrap()
        .clone()
}

fn cli(args: &[&str]) -> Outcome {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run(&args)
}

/// The first word of every line of `text`.
fn first_words(text: &str) -> BTreeSet<&str> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

// ---------------------------------------------------------------------------------------
// rules, explain

#[test]
fn rules_lists_every_rule_and_document() {
    let out = cli(&["rules"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed = first_words(&out.stdout);
    for r in rules_toml() {
        let id = r["id"].as_str().unwrap();
        assert!(listed.contains(id), "`resettle rules` lacks {id}");
        // With its condition when it has one.
        if let Some(when) = r.get("when").and_then(toml::Value::as_str) {
            let line = out
                .stdout
                .lines()
                .find(|l| l.split_whitespace().next() == Some(id))
                .unwrap();
            assert!(line.contains(when), "{id}: {line}");
        }
    }
    for d in documents_toml() {
        let id = format!("docs.missing.{}", d["code"].as_str().unwrap());
        let rendered = d.get("rendered").and_then(toml::Value::as_bool) == Some(true);
        assert_eq!(
            listed.contains(id.as_str()),
            !rendered,
            "{id} (rendered: {rendered})"
        );
    }
}

/// The fact names a condition uses: identifiers outside string literals, without the
/// keywords of the condition language.
fn facts_used(condition: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_string: Option<char> = None;
    let mut word = String::new();
    for c in condition.chars().chain([' ']) {
        if let Some(q) = in_string {
            if c == q {
                in_string = None;
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            continue;
        }
        if word.starts_with(|w: char| w.is_ascii_alphabetic())
            && !["true", "false", "null", "in"].contains(&word.as_str())
        {
            out.push(word.clone());
        }
        word.clear();
        if c == '"' || c == '\'' {
            in_string = Some(c);
        }
    }
    out
}

#[test]
fn rules_facts_lists_every_fact_the_schemas_use() {
    let out = cli(&["rules", "--facts"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed = first_words(&out.stdout);
    // Rules: `when` and `member.when`; documents: `applicant` and `member`.
    let text = |v: Option<&toml::Value>| v.and_then(|w| w.as_str().map(str::to_string));
    let mut conditions = Vec::new();
    for r in rules_toml() {
        conditions.extend(text(r.get("when")));
        conditions.extend(text(r.get("member").and_then(|m| m.get("when"))));
    }
    for d in documents_toml() {
        conditions.extend(text(d.get("applicant")));
        conditions.extend(text(d.get("member")));
    }
    assert!(conditions.len() > 20, "conditions read: {conditions:?}");
    let mut used = BTreeSet::new();
    for c in &conditions {
        used.extend(facts_used(c));
    }
    for fact in &used {
        assert!(listed.contains(fact.as_str()), "--facts lacks {fact}");
    }
    for fact in [
        "age",
        "member.age",
        "years_since_deportation",
        "id_validity_months",
    ] {
        assert!(used.contains(fact), "{fact} not found in the conditions");
    }
    // Text facts list their values.
    let education = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("education "))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(education.contains("values: none"), "{education}");
}

#[test]
fn explain_a_rule_with_a_condition() {
    let out = cli(&["explain", "refusal.deportation_5y", "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rule = rules_toml()
        .into_iter()
        .find(|r| r["id"].as_str() == Some("refusal.deportation_5y"))
        .unwrap();
    let when = rule["when"].as_str().unwrap();
    assert_eq!(when, "years_since_deportation < 5");
    assert!(
        out.stdout.starts_with("refusal.deportation_5y"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(refusal)"), "{}", out.stdout);
    assert!(out.stdout.contains(when), "{}", out.stdout);
    assert!(
        out.stdout.contains(rule["basis"].as_str().unwrap()),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("deportation_date"), "{}", out.stdout);

    // In Russian: the Russian message template as its description.
    let out = cli(&["explain", "refusal.deportation_5y", "--lang", "ru"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Депортация"), "{}", out.stdout);
}

#[test]
fn explain_a_built_in_rule() {
    let out = cli(&["explain", "data.iin_checksum", "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("(error)"), "{}", out.stdout);
    assert!(out.stdout.contains("check digit"), "{}", out.stdout);
}

#[test]
fn explain_a_document_requirement() {
    let out = cli(&["explain", "docs.missing.diploma", "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("docs.missing.diploma"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(missing)"));
    assert!(out.stdout.contains("Education document"), "{}", out.stdout);
    // Edition 2: only of an applicant who has an education, with its basis.
    assert!(
        out.stdout.contains(r#"education != "none""#),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("documents/<applicant_id>/diploma"));
    assert!(out.stdout.contains("verified:"), "{}", out.stdout);

    // A member document, with its condition.
    let out = cli(&["explain", "docs.missing.child_opinion", "--lang", "en"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("each member") || out.stdout.contains("each family member"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("member.age >= 14"), "{}", out.stdout);
}

#[test]
fn explain_an_unknown_rule_exits_2() {
    let out = cli(&["explain", "nope"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("nope"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // docs.missing.<code> of no document either.
    assert_eq!(cli(&["explain", "docs.missing.passport_scan"]).code, 2);
}

// ---------------------------------------------------------------------------------------
// --schemas DIR

/// `validate BATCH --format json --as-of AS_OF [--schemas DIR]`.
pub fn validate(batch: &Path, schemas: Option<&Path>) -> Outcome {
    let mut args: Vec<&OsStr> = vec![
        "validate".as_ref(),
        batch.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    if let Some(dir) = schemas {
        args.extend(["--schemas".as_ref(), dir.as_os_str()]);
    }
    run(&args)
}

/// Writes `text` as schemas/NAME of a fresh folder (the other schemas fall back to the
/// built-in ones).
fn schemas_dir(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

/// Replaces the one line `key = <old>` of a TOML text.
fn replace_line(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "exactly one `{old}`");
    text.replacen(old, new, 1)
}

#[test]
fn edited_rates_change_the_allowance_without_a_build() {
    let rates = schema("rates.toml");
    let period = rates["period"].as_array().unwrap().last().unwrap();
    let lifting = &period["lifting"];
    let p1 = lifting["stages"]["participant_stage1_rub"]
        .as_integer()
        .unwrap();
    let total = lifting["priority"]["participant_rub"].as_integer().unwrap();
    let other = lifting["other"]["participant_rub"].as_integer().unwrap();
    let text = schema_text("rates.toml");
    let text = replace_line(
        &text,
        &format!("participant_stage1_rub = {p1}\n"),
        &format!("participant_stage1_rub = {}\n", p1 + 25_000),
    );
    // The stages must add up to the priority total (the loader checks it).
    let text = replace_line(
        &text,
        &format!("\nparticipant_rub = {total}\n"),
        &format!("\nparticipant_rub = {}\n", total + 25_000),
    );
    let text = replace_line(
        &text,
        &format!("\nparticipant_rub = {other}\n"),
        &format!("\nparticipant_rub = {}\n", other + 3_000),
    );
    let dir = schemas_dir("rates.toml", &text);

    let batch = repo().join("samples/batch");
    let before = validate(&batch, None);
    let after = validate(&batch, Some(dir.path()));
    assert_eq!(after.code, 1, "{}", after.stderr);
    let (before, after) = (before.json(), after.json());
    let apps = |r: &Value| r["applicants"].as_array().unwrap().clone();
    let mut changed = 0;
    for (b, a) in apps(&before).iter().zip(&apps(&after)) {
        let id = &b["applicant_id"];
        // A refused applicant can claim nothing, whatever the rates.
        let delta = match b["allowance"]["territory"].as_str() {
            _ if b["status"] == "refused" => 0,
            Some("priority") => 25_000,
            Some("other") => 3_000,
            _ => 0,
        };
        let total = |r: &Value| r["allowance"]["lifting_total_rub"].as_i64().unwrap();
        assert_eq!(total(a), total(b) + delta, "{id}");
        assert_eq!(
            a["allowance"]["persons"][0]["stage1_rub"]
                .as_i64()
                .unwrap_or(0),
            b["allowance"]["persons"][0]["stage1_rub"]
                .as_i64()
                .unwrap_or(0)
                + delta,
            "{id}: the participant's stage 1"
        );
        // Nothing else moves.
        assert_eq!(a["findings"], b["findings"], "{id}");
        assert_eq!(a["status"], b["status"], "{id}");
        changed += usize::from(delta != 0);
    }
    assert!(changed > 20, "only {changed} applicants have an allowance");
}

#[test]
fn edited_limit_in_rates_moves_a_rule() {
    // The baggage limit is read by claim.baggage_over_limit from rates.toml: with
    // containers of 6,000 kg A012's 5,400 kg (a family of up to 3) is no longer over it.
    let container = schema("rates.toml")["period"].as_array().unwrap()[0]["compensation"]
        ["baggage"]["container_kg"]
        .as_integer()
        .unwrap();
    let text = replace_line(
        &schema_text("rates.toml"),
        &format!("container_kg = {container}\n"),
        "container_kg = 6000\n",
    );
    let dir = schemas_dir("rates.toml", &text);
    let batch = repo().join("samples/batch");
    let rules_of = |r: &Value| -> Vec<String> {
        common::findings_of(r, "A012")
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules_of(&validate(&batch, None).json()).contains(&"claim.baggage_over_limit".into()));
    assert!(
        !rules_of(&validate(&batch, Some(dir.path())).json())
            .contains(&"claim.baggage_over_limit".into())
    );
}

/// A rule the program checks in code (a cell that cannot be read, an IIN's checksum)
/// takes its severity from rules.toml like every other: made a warning there, the
/// applicants it made invalid are invalid no more.
#[test]
fn edited_severity_of_a_built_in_rule_changes_statuses() {
    let mut text = schema_text("rules.toml");
    for id in ["data.format", "data.iin_checksum"] {
        text = replace_line(
            &text,
            &format!("id = \"{id}\"\nseverity = \"error\"\n"),
            &format!("id = \"{id}\"\nseverity = \"warning\"\n"),
        );
    }
    let dir = schemas_dir("rules.toml", &text);
    let batch = repo().join("samples/batch");
    let before = validate(&batch, None).json();
    let after = validate(&batch, Some(dir.path())).json();
    let status = |r: &Value, id: &str| common::applicant(r, id)["status"].clone();
    for id in ["A033", "A034", "A035", "A036", "A052"] {
        assert_eq!(status(&before, id), "invalid", "{id}");
        assert_ne!(status(&after, id), "invalid", "{id}");
        assert!(
            common::findings_of(&after, id)
                .iter()
                .filter(|f| f["rule"] == "data.format" || f["rule"] == "data.iin_checksum")
                .all(|f| f["severity"] == "warning"),
            "{id}"
        );
    }
    // Nothing else moves.
    assert_eq!(status(&after, "A045"), status(&before, "A045"));
}

/// Line and column (1-based, in characters) of the first `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[test]
fn bad_condition_in_rules_toml_exits_2_with_its_position() {
    let text = replace_line(
        &schema_text("rules.toml"),
        "when = 'age < 18'",
        "when = 'agee < 18'",
    );
    let (line, col) = line_col(&text, "agee");
    let dir = schemas_dir("rules.toml", &text);
    let batch = repo().join("samples/batch");
    let out = validate(&batch, Some(dir.path()));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let at = format!("rules.toml:{line}:{col}");
    assert!(
        out.stderr.contains(&at),
        "stderr should name {at}: {}",
        out.stderr
    );
    assert!(out.stderr.contains("agee"), "{}", out.stderr);

    // `rules` and `explain` read the same schemas and stop the same way.
    let d = dir.path().to_str().unwrap();
    for args in [
        vec!["rules", "--schemas", d],
        vec!["explain", "eligibility.adult", "--schemas", d],
    ] {
        let out = cli(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains(&at), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn edited_subsistence_minimum_changes_the_monthly_benefit_without_a_build() {
    // A041 (Khabarovsk Krai, arrived 2026-06-10) gets the monthly benefit: a share of
    // the working-age minimum of 2026 in subsistence.toml. An NGO that corrects the
    // minimum sees the new amount at once.
    let batch = repo().join("samples/batch");
    let benefit = |r: &Value| {
        r["applicants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["applicant_id"] == "A041")
            .unwrap()["allowance"]["monthly_benefit_rub"]
            .as_f64()
            .expect("A041 has a monthly benefit")
    };
    let before = benefit(&validate(&batch, None).json());
    let text = replace_line(
        &schema_text("subsistence.toml"),
        "year = 2026\nper_capita_rub = 23106\nworking_age_rub = 25186\n",
        "year = 2026\nper_capita_rub = 23106\nworking_age_rub = 30000\n",
    );
    let dir = schemas_dir("subsistence.toml", &text);
    let after = validate(&batch, Some(dir.path()));
    assert_eq!(after.code, 1, "{}", after.stderr);
    let after = benefit(&after.json());
    assert_eq!(before, 25186.0 * 0.5, "50 % of the built-in minimum");
    assert_eq!(after, 30000.0 * 0.5, "50 % of the edited minimum");
}

#[test]
fn bad_value_in_rates_toml_exits_2_with_its_position() {
    let text = replace_line(
        &schema_text("rates.toml"),
        "\nmember_rub = 10000\n",
        "\nmember_rub = \"ten thousand\"\n",
    );
    let (line, _) = line_col(&text, "member_rub = \"ten");
    let dir = schemas_dir("rates.toml", &text);
    let out = validate(&repo().join("samples/batch"), Some(dir.path()));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let at = format!("rates.toml:{line}:");
    assert!(
        out.stderr.contains(&at),
        "stderr should name {at}: {}",
        out.stderr
    );
}

#[test]
fn schemas_dir_must_exist() {
    let out = validate(
        &repo().join("samples/batch"),
        Some(&repo().join("no-such-schemas")),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no-such-schemas"), "{}", out.stderr);
}
