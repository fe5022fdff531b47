//! The letters to families (issue 17, item 1): `OUT/<applicant_id>/letter.pdf` for every
//! applicant who is not ready (refused ones only with `--drafts`), read back with
//! pdftotext: no rule id, no full personal number, every missing document of the family
//! once, Kazakh names as written, the NGO's name and contact.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const CONTACT: &str = "+7 701 555 12 34, г. Алматы, ул. Абая, 10";

/// The sample batch run with `--contact CONTACT` and `extra`.
fn run_sample(out: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--contact", CONTACT];
    args.extend(extra);
    let o = run_out(&repo().join("samples/batch"), out, &args);
    assert_eq!(o.code, 1, "{}", o.stderr);
    read_report(out)
}

/// Every value of `columns` in the sample's applicants.csv and family.csv.
fn sample_values(columns: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for file in ["applicants.csv", "family.csv"] {
        let mut r = csv::Reader::from_path(repo().join("samples/batch").join(file)).unwrap();
        let headers = r.headers().unwrap().clone();
        for row in r.records() {
            let row = row.unwrap();
            for (h, v) in headers.iter().zip(row.iter()) {
                if columns.contains(&h) && !v.trim().is_empty() {
                    values.push(v.trim().to_string());
                }
            }
        }
    }
    values
}

/// The part of a letter's squashed text under `heading` (up to the next heading).
fn section<'t>(text: &'t str, heading: &str) -> Option<&'t str> {
    const HEADINGS: [&str; 6] = [
        "ПРИНЕСИТЕ",
        "ИСПРАВЬТЕИЛИУТОЧНИТЕ",
        "ОБРАТИТЕВНИМАНИЕ",
        "УЖЕЕСТЬ",
        "ЗАПИСЬНАПОДАЧУ",
        "Суважением",
    ];
    let start = text.find(heading)? + heading.len();
    let rest = &text[start..];
    let end = HEADINGS
        .iter()
        .filter_map(|h| rest.find(h))
        .min()
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Rule ids (and their prefixes) a letter must never show.
fn assert_no_rule_id(id: &str, text: &str) {
    for prefix in [
        "docs.",
        "data.",
        "eligibility.",
        "refusal.",
        "warning.",
        "claim.",
        "family.",
    ] {
        assert!(
            !text.contains(prefix),
            "{id}'s letter shows «{prefix}»: {text}"
        );
    }
}

#[test]
fn every_family_that_is_not_ready_gets_a_letter_of_what_to_bring() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let report = run_sample(&out, &[]);
    let schemas = resettle::schema::Schemas::load(None).unwrap();
    let secrets = sample_values(&["iin", "id_doc_number", "bank_account", "snils", "inn"]);
    let manifest = manifest_files(&out);
    let (mut letters, mut members_named, mut kazakh) = (0, 0, 0);
    for a in report["applicants"].as_array().unwrap() {
        let id = a["applicant_id"].as_str().unwrap();
        let status = a["status"].as_str().unwrap();
        let file = format!("{id}/letter.pdf");
        let path = out.join(&file);
        let listed = outputs(&report, id).contains(&file);
        if matches!(status, "ready" | "refused") {
            assert!(
                !path.exists() && !listed,
                "{id} is {status} and has a letter"
            );
            continue;
        }
        letters += 1;
        assert!(path.is_file(), "{id} is {status}: no letter");
        assert!(listed, "report.json does not list {file}");
        assert!(
            manifest.contains(&file),
            "the manifest does not list {file}"
        );
        assert_eq!(pdfinfo(&path)["Pages"], "1", "{file} is one page");
        let text = pdftotext(&path);
        let flat = squash(&text);
        assert_no_rule_id(id, &text);
        for f in a["findings"].as_array().unwrap() {
            let rule = f["rule"].as_str().unwrap();
            assert!(!text.contains(rule), "{file} shows {rule}");
        }
        for secret in &secrets {
            assert!(!flat.contains(&squash(secret)), "{file} shows {secret}");
        }
        // Addressed by name, Kazakh letters as written; signed by the NGO.
        let name = a["name"].as_str().unwrap();
        assert!(
            flat.contains(&squash(name)),
            "{file} is not addressed to {name}"
        );
        if name.chars().any(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c)) {
            kazakh += 1;
        }
        assert!(flat.contains(&squash(ORG)), "{file} lacks --org");
        assert!(flat.contains(&squash(CONTACT)), "{file} lacks --contact");
        // Every missing document of the family once, with whose it is.
        let bring = section(&flat, "ПРИНЕСИТЕ").unwrap_or_default();
        let mut missing = BTreeSet::new();
        for f in a["findings"].as_array().unwrap() {
            let Some(code) = f["rule"].as_str().unwrap().strip_prefix("docs.missing.") else {
                continue;
            };
            let words = &schemas.documents.by_code(code).unwrap().letter;
            missing.insert(squash(words));
            if let Some(member) = f["member_id"].as_str() {
                let family = fs::read_to_string(repo().join("samples/batch/family.csv")).unwrap();
                let row = family
                    .lines()
                    .find(|l| l.starts_with(&format!("{id},{member},")))
                    .unwrap();
                let first = row.split(',').nth(4).unwrap();
                assert!(bring.contains(first), "{file}: whose {code}? {bring}");
                members_named += 1;
            }
        }
        for words in &missing {
            assert_eq!(
                bring.matches(words.as_str()).count(),
                1,
                "{file}: «{words}» in {bring}"
            );
        }
        assert_eq!(missing.is_empty(), !flat.contains("ПРИНЕСИТЕ"), "{file}");
    }
    assert!(letters >= 10, "only {letters} letters");
    assert!(
        members_named >= 2 && kazakh >= 1,
        "{members_named} {kazakh}"
    );

    // What must be corrected and how, for the member whose passport is too short.
    let a045 = squash(&pdftotext(&out.join("A045/letter.pdf")));
    let renew = "Ерлан: паспорт действителен до 15.03.2027: для подачи нужен срок не менее 6 месяцев — оформите новый";
    assert!(a045.contains(&squash(renew)), "{a045}");
    // The mission and its next booking day.
    assert!(
        a045.contains(&squash("Ближайший день записи — 30.11.2026")),
        "{a045}"
    );
    // A wrong value is named by its column, in the family's words.
    let a035 = squash(&pdftotext(&out.join("A035/letter.pdf")));
    assert!(
        a035.contains(&squash("неверно записано: дата рождения")),
        "{a035}"
    );

    // messages.csv is signed with the contact too.
    let messages = fs::read_to_string(out.join("messages.csv")).unwrap();
    assert!(messages.contains(CONTACT), "messages.csv lacks --contact");
}

#[test]
fn refused_applicants_get_a_letter_only_with_drafts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let report = run_sample(&out, &["--drafts"]);
    let refused: Vec<&str> = report["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "refused")
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect();
    assert!(refused.len() >= 5, "{refused:?}");
    for id in &refused {
        let file = format!("{id}/letter.pdf");
        assert!(outputs(&report, id).contains(&file), "{id}: {file}");
        let text = pdftotext(&out.join(&file));
        assert_no_rule_id(id, &text);
        let flat = squash(&text);
        assert!(
            flat.contains(&squash("Решение принимает не наша организация")),
            "{flat}"
        );
        // The letter is a page of the draft packet too.
        let packet = squash(&pdftotext(&out.join(id).join("packet.pdf")));
        assert!(
            packet.contains(&squash("Решение принимает не наша организация")),
            "{id}"
        );
    }
    // The ground in the family's words.
    let a021 = squash(&pdftotext(&out.join("A021/letter.pdf")));
    let ground = "паспорт действителен до 01.03.2027: для подачи нужен срок не менее 6 месяцев — оформите новый";
    assert!(a021.contains(&squash(ground)), "{a021}");

    // Without --drafts again, the refused applicants' letters go.
    let report = run_sample(&out, &[]);
    for id in &refused {
        assert!(outputs(&report, id).is_empty(), "{id}");
        assert!(
            !out.join(id).join("letter.pdf").exists(),
            "{id}'s letter is left"
        );
    }
}

/// A001 of followup.rs's batch: incomplete without its photo, then ready; its id is an
/// IIN, which the letter never shows whole.
#[test]
fn a_family_that_becomes_ready_loses_its_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    super::ready_batch(&batch, Some("photo"));
    let report = read_report_after(&batch, &out);
    assert_eq!(applicant(&report, "A001")["status"], "incomplete");
    let letter = out.join("A001/letter.pdf");
    let flat = squash(&pdftotext(&letter));
    assert!(flat.contains(&squash("две матовые фотографии")), "{flat}");
    super::ready_batch(&batch, None);
    let report = read_report_after(&batch, &out);
    assert_eq!(applicant(&report, "A001")["status"], "ready");
    assert!(!letter.exists(), "a stale letter is left");
    assert!(
        !outputs(&report, "A001")
            .iter()
            .any(|f| f.ends_with("letter.pdf"))
    );
    assert!(!manifest_files(&out).contains("A001/letter.pdf"));
    // A002 is still incomplete: its letter stays.
    assert!(manifest_files(&out).contains("A002/letter.pdf"));
}

fn read_report_after(batch: &Path, out: &Path) -> Value {
    let o = run_out(batch, out, &["--contact", CONTACT]);
    assert!(o.code < 2, "{}", o.stderr);
    read_report(out)
}

#[test]
fn an_id_holding_a_personal_number_is_masked_on_the_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("850412313187", "Сейтқали", "Әлихан", 1));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    let report = read_report_after(&batch, &out);
    assert_ne!(applicant(&report, "850412313187")["status"], "ready");
    let text = pdftotext(&out.join("850412313187/letter.pdf"));
    assert!(!squash(&text).contains("850412313187"), "{text}");
    assert!(text.contains("3187") && text.contains("Әлихан"), "{text}");
}

/// A rule whose letter text is taken out of rules.toml is not shown to the family: the
/// letter says the caseworker will explain the point.
#[test]
fn a_point_without_words_for_families_is_left_to_the_caseworker() {
    let schemas = tempfile::tempdir().unwrap();
    let rules = fs::read_to_string(repo().join("schemas/rules.toml")).unwrap();
    let start = rules.find("id = \"data.format\"").unwrap();
    let line = start + rules[start..].find("\nletter = ").unwrap() + 1;
    let end = line + rules[line..].find('\n').unwrap() + 1;
    let edited = format!("{}{}", &rules[..line], &rules[end..]);
    fs::write(schemas.path().join("rules.toml"), edited).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let schemas_dir = schemas.path().to_str().unwrap();
    let o = run_out(
        &repo().join("samples/batch"),
        &out,
        &["--schemas", schemas_dir],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let a035 = squash(&pdftotext(&out.join("A035/letter.pdf")));
    assert!(!a035.contains(&squash("неверно записано")), "{a035}");
    assert!(
        a035.contains(&squash(
            "Есть ещё один вопрос по анкете: консультант объяснит его при встрече"
        )),
        "{a035}"
    );
}
