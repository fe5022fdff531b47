//! The rule engine, rule by rule: every rule id of domain.md (and of schemas/rules.toml
//! and schemas/documents.toml) has a case that triggers it and one that just misses it,
//! on the exact boundaries of domain.md. Each case starts from one applicant who is
//! READY with no finding at all (see `fixture::Batch::ready`), changes a few cells, and
//! checks the finding's severity, the applicant's status, and where the finding points
//! (`file:row:column` for field-based rules, the expected scan path for documents).
//!
//! Batches are validated in-process (`resettle::validate`) as of 2026-11-24.

mod common;
mod fixture;

use std::collections::BTreeSet;

use fixture::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Helpers

/// Applies edits to the first applicant. Besides column names:
/// - `birth_date` / `sex` also rewrite the IIN so that it still agrees with both (when
///   the date is a real ISO date and the sex M or F);
/// - `+doc` hands in a document on paper, `-doc` takes one back.
fn apply(b: &mut Batch, edits: &[(&str, &str)]) {
    for &(col, val) in edits {
        let real_date = val.parse::<jiff::civil::Date>().is_ok() && val.len() == 10;
        match col {
            "birth_date" if real_date => {
                let sex = b.get(0, "sex");
                b.born(val, &sex);
            }
            "sex" if val == "M" || val == "F" => {
                let birth = b.get(0, "birth_date");
                b.born(&birth, val);
            }
            "+doc" => {
                b.hand_in(val);
            }
            "-doc" => {
                b.withdraw(val);
            }
            _ => {
                b.set(col, val);
            }
        }
    }
}

/// The ready applicant with `edits`.
fn with(edits: &[(&str, &str)]) -> Batch {
    let mut b = Batch::ready();
    apply(&mut b, edits);
    b
}

/// Asserts that the applicant's findings are exactly one of `rule`, of `severity`, and
/// that the applicant's status is `status`; returns the finding.
fn sole<'a>(app: &'a Value, rule: &str, severity: &str, status: &str) -> &'a Value {
    assert_eq!(
        rules(app),
        [rule],
        "expected only {rule}; findings: {:#}",
        app["findings"]
    );
    let f = &app["findings"][0];
    assert_eq!(f["severity"], severity, "{f:#}");
    assert_eq!(app["status"], status, "status with {rule}");
    f
}

/// Asserts that the applicant is ready with no finding at all.
fn assert_clean(app: &Value, case: &str) {
    assert_eq!(
        app["findings"],
        json!([]),
        "{case}: expected no finding; status {}",
        app["status"]
    );
    assert_eq!(app["status"], "ready", "{case}");
}

/// A rule that reads one applicants.csv column: `trigger` makes it fire (as the only
/// finding, pointing at `col` of row 2), `miss` just misses it (no finding at all).
fn field_rule(
    rule: &str,
    severity: &str,
    col: &str,
    trigger: &[(&str, &str)],
    miss: &[(&str, &str)],
) -> Value {
    let status = match severity {
        "refusal" => "refused",
        "error" => "invalid",
        "missing" => "incomplete",
        _ => "ready",
    };
    let b = with(trigger);
    let app = b.first();
    let f = sole(&app, rule, severity, status).clone();
    assert_eq!(f["field"], col, "{f:#}");
    assert_eq!(f["source"], applicant_cell(&b, 0, col), "{f:#}");
    assert_eq!(f["member_id"], Value::Null);
    assert_clean(&with(miss).first(), &format!("{rule} near miss {miss:?}"));
    f
}

/// A missing applicant document: `trigger` makes `docs.missing.<code>` the only finding,
/// `miss` needs no such document (or has it).
fn applicant_doc(code: &str, trigger: &[(&str, &str)], miss: &[(&str, &str)]) {
    let rule = format!("docs.missing.{code}");
    let app = with(trigger).first();
    let f = sole(&app, &rule, "missing", "incomplete");
    assert_eq!(f["source"], format!("documents/A001/{code}.*"), "{f:#}");
    assert_eq!(f["member_id"], Value::Null);
    assert_clean(&with(miss).first(), &format!("{rule} near miss {miss:?}"));
}

/// (rule, member id or "") of every finding of the applicant, sorted.
fn by_member(app: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = app["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["member_id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------
// The base applicant

#[test]
fn base_applicant_is_ready_with_no_finding() {
    let b = Batch::ready();
    let r = b.report();
    assert_eq!(
        r["summary"],
        json!({"applicants": 1, "ready": 1, "incomplete": 0, "refused": 0, "invalid": 0})
    );
    assert_clean(&r["applicants"][0], "base");
    assert_eq!(r["errors"], json!([]));
    assert_eq!(r["warnings"], json!([]));
}

#[test]
fn status_is_the_most_severe_finding() {
    // refusal + missing → refused; error + missing → invalid; missing + warning →
    // incomplete.
    let app = with(&[("extremism", "yes"), ("-doc", "photo")]).first();
    assert_eq!(rules(&app), ["docs.missing.photo", "refusal.extremism"]);
    assert_eq!(app["status"], "refused");

    let app = with(&[("last_name", ""), ("-doc", "photo")]).first();
    assert_eq!(rules(&app), ["data.required", "docs.missing.photo"]);
    assert_eq!(app["status"], "invalid");

    let app = with(&[("employer_offer", "no"), ("-doc", "photo")]).first();
    assert_eq!(
        rules(&app),
        ["docs.missing.photo", "warning.no_employer_offer"]
    );
    assert_eq!(app["status"], "incomplete");
}

// ---------------------------------------------------------------------------------------
// Eligibility

#[test]
fn eligibility_adult_on_the_18th_birthday() {
    // Born 2008-11-24: exactly 18 on 2026-11-24, eligible (a man of 18 must bring his
    // military deregistration). One day younger: 17, refused.
    let f = field_rule(
        "eligibility.adult",
        "refusal",
        "birth_date",
        &[("birth_date", "2008-11-25")],
        &[
            ("birth_date", "2008-11-24"),
            ("+doc", "military_deregistration"),
        ],
    );
    assert!(f["message"]["en"].as_str().unwrap().contains("17"), "{f:#}");
    // The helper's arithmetic, once by hand: birth_date is column 8 of row 2.
    assert_eq!(f["source"], "applicants.csv:2:8");
}

#[test]
fn eligibility_legal_capacity() {
    field_rule(
        "eligibility.legal_capacity",
        "refusal",
        "legal_capacity",
        &[("legal_capacity", "limited")],
        &[("legal_capacity", "full")],
    );
}

#[test]
fn eligibility_education() {
    field_rule(
        "eligibility.education",
        "refusal",
        "education",
        &[("education", "none")],
        &[("education", "secondary")],
    );
}

#[test]
fn eligibility_russian_language() {
    // Not native: the language certificate is required in both cases; hand it in.
    field_rule(
        "eligibility.russian_language",
        "refusal",
        "russian_language",
        &[
            ("russian_language", "none"),
            ("+doc", "russian_language_certificate"),
        ],
        &[
            ("russian_language", "basic"),
            ("+doc", "russian_language_certificate"),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Refusal grounds

#[test]
fn refusal_extremism() {
    field_rule(
        "refusal.extremism",
        "refusal",
        "extremism",
        &[("extremism", "yes")],
        &[("extremism", "no")],
    );
}

#[test]
fn refusal_prosecution() {
    field_rule(
        "refusal.prosecution",
        "refusal",
        "under_prosecution",
        &[("under_prosecution", "yes")],
        &[("under_prosecution", "no")],
    );
}

#[test]
fn refusal_serious_crime() {
    field_rule(
        "refusal.serious_crime",
        "refusal",
        "serious_conviction",
        &[("serious_conviction", "yes")],
        &[("serious_conviction", "no")],
    );
}

#[test]
fn refusal_migration_violations_two_or_more() {
    field_rule(
        "refusal.migration_violations",
        "refusal",
        "migration_violations",
        &[("migration_violations", "2")],
        &[("migration_violations", "1")],
    );
}

#[test]
fn refusal_other_state() {
    field_rule(
        "refusal.other_state",
        "refusal",
        "other_state_residence",
        &[("other_state_residence", "yes")],
        &[("other_state_residence", "no")],
    );
}

#[test]
fn refusal_deportation_within_5_years() {
    // Deported exactly 5 years before the as-of date: no longer a ground. One day later:
    // still within 5 years.
    let f = field_rule(
        "refusal.deportation_5y",
        "refusal",
        "deportation_date",
        &[("deportation_date", "2021-11-25")],
        &[("deportation_date", "2021-11-24")],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2021-11-25"),
        "{f:#}"
    );
    assert!(
        f["message"]["ru"].as_str().unwrap().contains("25.11.2021"),
        "{f:#}"
    );
}

#[test]
fn refusal_admin_offences_more_than_two() {
    field_rule(
        "refusal.admin_offences",
        "refusal",
        "admin_offences_12m",
        &[("admin_offences_12m", "3")],
        &[("admin_offences_12m", "2")],
    );
}

#[test]
fn refusal_passport_validity_six_months() {
    // Expiring exactly 6 months after 2026-11-24 is enough; a day less is not.
    let f = field_rule(
        "refusal.passport_validity",
        "refusal",
        "id_doc_expiry_date",
        &[("id_doc_expiry_date", "2027-05-23")],
        &[("id_doc_expiry_date", "2027-05-24")],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2027-05-23"),
        "{f:#}"
    );
    // An expired document, and one expiring on the as-of date itself.
    for expiry in ["2026-01-31", "2026-11-24"] {
        let app = with(&[("id_doc_expiry_date", expiry)]).first();
        sole(&app, "refusal.passport_validity", "refusal", "refused");
    }
}

#[test]
fn refusal_region_not_allowed() {
    let f = field_rule(
        "refusal.region_not_allowed",
        "refusal",
        "target_region",
        &[("target_region", "Moscow")],
        &[("target_region", "Kaliningrad Oblast")],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("Moscow"),
        "{f:#}"
    );
    // St Petersburg in any spelling, and Moscow by its subject code.
    for region in ["Санкт-Петербург", "St Petersburg", "77"] {
        let app = with(&[("target_region", region)]).first();
        sole(&app, "refusal.region_not_allowed", "refusal", "refused");
    }
}

#[test]
fn refusal_false_information() {
    field_rule(
        "refusal.false_information",
        "refusal",
        "false_information",
        &[("false_information", "yes")],
        &[("false_information", "no")],
    );
}

#[test]
fn empty_refusal_flags_are_not_grounds() {
    // The flag columns are optional: empty means the caseworker recorded nothing.
    let app = with(&[
        ("extremism", ""),
        ("under_prosecution", ""),
        ("serious_conviction", ""),
        ("other_state_residence", ""),
        ("false_information", ""),
        ("deportation_date", ""),
        ("admin_offences_12m", ""),
        ("migration_violations", ""),
    ])
    .first();
    assert_clean(&app, "empty refusal flags");
}

// ---------------------------------------------------------------------------------------
// Warnings

#[test]
fn warning_profession_not_in_demand() {
    // Stavropol Krai has an in-demand list (teachers, doctors…); a welder is not on it.
    let f = field_rule(
        "warning.profession_not_in_demand",
        "warning",
        "profession",
        &[
            ("target_region", "Stavropol Krai"),
            ("profession", "сварщик"),
        ],
        &[
            ("target_region", "Stavropol Krai"),
            ("profession", "учитель начальных классов"),
        ],
    );
    assert!(
        f["message"]["en"]
            .as_str()
            .unwrap()
            .contains("Stavropol Krai"),
        "{f:#}"
    );
    // A region without a list (Primorsky Krai): never a warning.
    assert_clean(
        &with(&[("profession", "сварщик")]).first(),
        "no in-demand list",
    );
}

#[test]
fn warning_no_employer_offer() {
    // Without an offer the employer certificate is not required either.
    field_rule(
        "warning.no_employer_offer",
        "warning",
        "employer_offer",
        &[("employer_offer", "no"), ("-doc", "employer_certificate")],
        &[("employer_offer", "yes")],
    );
    // Not saying is not having one.
    let app = with(&[("employer_offer", ""), ("-doc", "employer_certificate")]).first();
    sole(&app, "warning.no_employer_offer", "warning", "ready");
}

#[test]
fn warning_region_unconfirmed() {
    // Moscow Oblast (50) is neither confirmed nor excluded by our sources.
    field_rule(
        "warning.region_unconfirmed",
        "warning",
        "target_region",
        &[("target_region", "Moscow Oblast")],
        &[("target_region", "Kaliningrad Oblast")],
    );
}

// ---------------------------------------------------------------------------------------
// Required documents of the applicant

#[test]
fn docs_missing_id_card() {
    applicant_doc("id_card", &[("-doc", "id_card")], &[]);
    // A readable scan counts, under the code or an alternative stem of documents.toml.
    for name in ["id_card.pdf", "passport.pdf", "ID_CARD.PDF"] {
        let mut b = with(&[("-doc", "id_card")]);
        b.file(&format!("A001/{name}"), common::PDF);
        assert_clean(&b.first(), name);
    }
    // A file that is not a scan does not.
    let mut b = with(&[("-doc", "id_card")]);
    b.file("A001/id_card.pdf", b"not a pdf");
    let app = b.first();
    assert_eq!(rules(&app), ["docs.missing.id_card", "docs.unreadable"]);
    assert_eq!(app["status"], "incomplete");
}

#[test]
fn docs_missing_residence_card_for_stateless() {
    applicant_doc(
        "residence_card",
        &[("citizenship", "stateless"), ("iin", "")],
        &[
            ("citizenship", "stateless"),
            ("iin", ""),
            ("+doc", "residence_card"),
        ],
    );
}

#[test]
fn docs_missing_photo() {
    applicant_doc("photo", &[("-doc", "photo")], &[]);
}

#[test]
fn docs_missing_diploma() {
    applicant_doc("diploma", &[("-doc", "diploma")], &[]);
}

#[test]
fn docs_missing_duty_receipt() {
    applicant_doc("duty_receipt", &[("-doc", "duty_receipt")], &[]);
}

#[test]
fn docs_missing_no_criminal_record() {
    applicant_doc("no_criminal_record", &[("-doc", "no_criminal_record")], &[]);
}

#[test]
fn docs_missing_marriage_certificate_when_married() {
    applicant_doc(
        "marriage_certificate",
        &[("-doc", "marriage_certificate")],
        &[
            ("marital_status", "single"),
            ("-doc", "marriage_certificate"),
        ],
    );
}

#[test]
fn docs_missing_divorce_certificate_when_divorced() {
    applicant_doc(
        "divorce_certificate",
        &[
            ("marital_status", "divorced"),
            ("-doc", "marriage_certificate"),
        ],
        &[
            ("marital_status", "divorced"),
            ("-doc", "marriage_certificate"),
            ("+doc", "divorce_certificate"),
        ],
    );
}

#[test]
fn docs_missing_alimony_consent() {
    applicant_doc(
        "alimony_consent",
        &[("alimony_recipients", "yes")],
        &[("alimony_recipients", "yes"), ("+doc", "alimony_consent")],
    );
}

#[test]
fn docs_missing_military_deregistration_men_18_to_27() {
    // 18 today and 27 until tomorrow: required. 28 today: not.
    applicant_doc(
        "military_deregistration",
        &[("birth_date", "2008-11-24")],
        &[("birth_date", "1998-11-24")],
    );
    applicant_doc(
        "military_deregistration",
        &[("birth_date", "1998-11-25")],
        &[
            ("birth_date", "1998-11-25"),
            ("+doc", "military_deregistration"),
        ],
    );
    // Women are not concerned at any age.
    for birth in ["2008-11-24", "2004-03-15", "1999-11-24"] {
        assert_clean(
            &with(&[("sex", "F"), ("birth_date", birth)]).first(),
            &format!("woman born {birth}"),
        );
    }
}

#[test]
fn docs_missing_employer_certificate_with_an_offer() {
    applicant_doc(
        "employer_certificate",
        &[("-doc", "employer_certificate")],
        &[("employer_offer", "yes")],
    );
    // No offer: no certificate needed (only the warning).
    let app = with(&[("employer_offer", "no"), ("-doc", "employer_certificate")]).first();
    sole(&app, "warning.no_employer_offer", "warning", "ready");
}

#[test]
fn docs_missing_russian_language_certificate_unless_native() {
    applicant_doc(
        "russian_language_certificate",
        &[("russian_language", "fluent")],
        &[
            ("russian_language", "fluent"),
            ("+doc", "russian_language_certificate"),
        ],
    );
    applicant_doc(
        "russian_language_certificate",
        &[("russian_language", "basic")],
        &[("russian_language", "native")],
    );
}

#[test]
fn paper_documents_ignore_case_and_spaces() {
    // documents.toml: codes are compared ignoring case, in file names and in the
    // documents column alike.
    let b = with(&[(
        "documents",
        " ID_Card ; PHOTO;Diploma ;duty_receipt;No_Criminal_Record;employer_certificate;Marriage_Certificate",
    )]);
    assert_clean(&b.first(), "codes in another case");
}

#[test]
fn rendered_application_is_never_missing() {
    // documents.toml marks `application` rendered: no finding, whatever is handed in.
    let app = Batch::ready().first();
    assert!(findings_of(&app, "docs.missing.application").is_empty());
}

// ---------------------------------------------------------------------------------------
// Required documents of family members

#[test]
fn docs_missing_birth_certificate_for_each_child() {
    let mut b = Batch::ready();
    // A child aged 10 who relocates (consent given), a child aged 12 who stays, a spouse.
    b.member("A001", Member::child("F1", "M", "2016-05-01"));
    b.member("A001", Member::child("F2", "F", "2014-02-10").staying());
    b.member("A001", Member::spouse("F3"));
    b.hand_in("parent_consent-F1");
    let app = b.first();
    assert_eq!(
        by_member(&app),
        pairs(&[
            ("docs.missing.birth_certificate", "F1"),
            ("docs.missing.birth_certificate", "F2"),
        ])
    );
    assert_eq!(app["status"], "incomplete");
    let sources: BTreeSet<&str> = findings_of(&app, "docs.missing.birth_certificate")
        .iter()
        .map(|f| {
            assert_eq!(f["severity"], "missing");
            f["source"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        sources,
        BTreeSet::from([
            "documents/A001/birth_certificate-F1.*",
            "documents/A001/birth_certificate-F2.*"
        ])
    );

    // On paper for one, as a scan for the other (alternative stem `birth`, JPEG).
    b.hand_in("birth_certificate-F1");
    b.file("A001/birth-F2.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]);
    assert_clean(&b.first(), "both birth certificates");
}

#[test]
fn docs_missing_parent_consent_for_relocating_minors() {
    // Aged 17 (18 tomorrow), relocating: consent and opinion needed.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "F", "2008-11-25"));
    b.hand_in("birth_certificate-F1")
        .hand_in("child_opinion-F1");
    let app = b.first();
    let f = sole(&app, "docs.missing.parent_consent", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/parent_consent-F1.*");

    // Aged exactly 18: an adult, no consent (and no opinion).
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "F", "2008-11-24"));
    b.hand_in("birth_certificate-F1");
    assert_clean(&b.first(), "child aged 18");

    // A minor who stays in Kazakhstan: no consent.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2016-05-01").staying());
    b.hand_in("birth_certificate-F1");
    assert_clean(&b.first(), "child who stays");
}

#[test]
fn docs_missing_child_opinion_for_relocating_14_to_17() {
    // 14 today: the child's opinion is needed.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2012-11-24"));
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1");
    let app = b.first();
    let f = sole(&app, "docs.missing.child_opinion", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/child_opinion-F1.*");

    // 13 until tomorrow: not yet.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2012-11-25"));
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1");
    assert_clean(&b.first(), "child aged 13");

    // 15 but staying: no opinion, no consent.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2011-06-01").staying());
    b.hand_in("birth_certificate-F1");
    assert_clean(&b.first(), "child aged 15 who stays");

    // All three missing for a relocating 16-year-old without any paper.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2010-06-01"));
    assert_eq!(
        by_member(&b.first()),
        pairs(&[
            ("docs.missing.birth_certificate", "F1"),
            ("docs.missing.child_opinion", "F1"),
            ("docs.missing.parent_consent", "F1"),
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Data rules

#[test]
fn data_required() {
    // A required column left empty (fields.toml), pointing at its cell.
    for col in [
        "last_name",
        "first_name",
        "birth_date",
        "id_doc_number",
        "id_doc_expiry_date",
        "kz_region",
        "target_region",
        "education",
    ] {
        let b = with(&[(col, "")]);
        let app = b.first();
        let f = sole(&app, "data.required", "error", "invalid");
        assert_eq!(f["source"], applicant_cell(&b, 0, col), "{col}: {f:#}");
        assert_eq!(f["field"], col);
    }
    // A citizen of Kazakhstan needs an IIN.
    let b = with(&[("iin", "")]);
    let f = sole(&b.first(), "data.required", "error", "invalid").clone();
    assert_eq!(f["source"], applicant_cell(&b, 0, "iin"));
    // A family member's required value: the finding names the member and the cell.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    b.family.set(row, "first_name", v(""));
    let app = b.first();
    let f = sole(&app, "data.required", "error", "invalid");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(
        f["source"],
        cell("family.csv", &b.family, row, "first_name")
    );
    // Optional values may be empty.
    assert_clean(
        &with(&[("patronymic", ""), ("email", ""), ("profession", "")]).first(),
        "optional values empty",
    );
}

#[test]
fn data_format() {
    let cases: &[(&str, &str)] = &[
        ("birth_date", "1985-02-31"),
        ("sex", "X"),
        ("id_doc_expiry_date", "31/12/2029"),
        ("admin_offences_12m", "two"),
        ("migration_violations", "-1"),
        ("extremism", "maybe"),
        ("education", "phd"),
        ("target_region", "Atlantis"),
        ("kz_region", "Narnia Region"),
        ("documents", "id_card;photo;passport_scan"),
        ("iin", "85041230012"),
    ];
    for &(col, value) in cases {
        let mut b = Batch::ready();
        if col == "documents" {
            // Keep the other papers.
            b.set(col, &format!("{};{value}", BASE_DOCUMENTS.join(";")));
        } else {
            b.set(col, value);
        }
        let app = b.first();
        let f = sole(&app, "data.format", "error", "invalid");
        assert_eq!(f["source"], applicant_cell(&b, 0, col), "{col}: {f:#}");
        assert_eq!(f["field"], col, "{col}");
    }
    // Near misses: other accepted spellings.
    assert_clean(
        &with(&[
            ("birth_date", "12.04.1985"),
            ("target_region", "Приморский край"),
            ("kz_region", "Алматы"),
            ("extremism", "нет"),
            ("sex", "М"),
        ])
        .first(),
        "Russian spellings",
    );
    assert_clean(&with(&[("target_region", "25")]).first(), "subject code 25");
}

#[test]
fn data_duplicate() {
    // The same IIN on two applicants: both are told, each at its own cell.
    let mut b = Batch::ready();
    b.add_applicant("A002");
    let iin = b.get(0, "iin");
    b.set_at(1, "iin", &iin);
    let r = b.report();
    for (i, app) in r["applicants"].as_array().unwrap().iter().enumerate() {
        let f = sole(app, "data.duplicate", "error", "invalid");
        assert_eq!(f["source"], applicant_cell(&b, i, "iin"));
        let other = applicant_cell(&b, 1 - i, "iin");
        assert!(
            f["message"]["en"].as_str().unwrap().contains(&other),
            "{f:#}"
        );
        assert!(!f["message"]["en"].as_str().unwrap().contains(&iin));
    }

    // An applicant and a family member with the same IIN.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    b.family.set(row, "iin", v(&b.get(0, "iin")));
    b.family.set(row, "sex", v("M"));
    b.family.set(row, "birth_date", v("1985-04-12"));
    let app = b.first();
    let dups = findings_of(&app, "data.duplicate");
    assert_eq!(dups.len(), 2, "{:#}", app["findings"]);
    assert_eq!(app["status"], "invalid");

    // The same applicant id twice: the repeat is rejected, the first is told.
    let mut b = Batch::ready();
    b.add_applicant("A001");
    let r = b.report();
    assert_eq!(r["summary"]["applicants"], 1);
    let app = &r["applicants"][0];
    let f = sole(app, "data.duplicate", "error", "invalid");
    assert_eq!(f["source"], "applicants.csv:3:1");
    assert_eq!(r["errors"][0]["rule"], "data.duplicate");
    assert_eq!(r["errors"][0]["source"], "applicants.csv:3:1");
    assert_eq!(
        r["rows"]["applicants.csv"],
        json!({"read": 2, "accepted": 1, "rejected": 1})
    );

    // The same member id twice for one applicant.
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("F1"));
    b.member("A001", Member::child("F1", "M", "1990-01-01"));
    let r = b.report();
    let app = &r["applicants"][0];
    let f = sole(app, "data.duplicate", "error", "invalid");
    assert_eq!(f["source"], cell("family.csv", &b.family, 1, "member_id"));
    assert_eq!(r["errors"][0]["source"], f["source"]);

    // Near miss: two applicants with their own IINs, each with a member F1 (member ids
    // are per applicant).
    let mut b = Batch::ready();
    b.add_applicant("A002");
    b.member("A001", Member::spouse("F1"));
    b.member("A002", Member::spouse("F1"));
    let r = b.report();
    assert_clean(&r["applicants"][0], "A001 of two");
    assert_clean(&r["applicants"][1], "A002 of two");
}

#[test]
fn data_orphan() {
    // A family row of an applicant that does not exist: rejected, listed in errors.
    let mut b = Batch::ready();
    b.member("A999", Member::spouse("F1"));
    let r = b.report();
    assert_eq!(
        r["errors"],
        json!([{
            "rule": "data.orphan",
            "source": "family.csv:2:1",
            "message": r["errors"][0]["message"].clone()
        }])
    );
    assert_eq!(
        r["rows"]["family.csv"],
        json!({"read": 1, "accepted": 0, "rejected": 1})
    );
    assert_clean(&r["applicants"][0], "A001 beside an orphan family row");

    // An expense of a member family.csv does not have.
    let mut b = Batch::ready();
    let row = b.expense(Expense::new("A001", "travel", "1000", "ticket.pdf").of("F9"));
    let app = b.first();
    let f = sole(&app, "data.orphan", "error", "invalid");
    assert_eq!(f["member_id"], "F9");
    assert_eq!(
        f["source"],
        cell("expenses.csv", &b.expenses, row, "member_id")
    );

    // An expense of an applicant that does not exist.
    let mut b = Batch::ready();
    b.expense(Expense::new("A404", "travel", "1000", ""));
    let r = b.report();
    assert_eq!(r["errors"][0]["rule"], "data.orphan");
    assert_eq!(r["errors"][0]["source"], "expenses.csv:2:1");

    // A paper document of a member family.csv does not have.
    let b = with(&[("+doc", "birth_certificate-F9")]);
    let app = b.first();
    let f = sole(&app, "data.orphan", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "documents"));

    // Near miss: the member exists.
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("F1"));
    b.expense(Expense::new("A001", "travel", "1000", "ticket.pdf").of("F1"));
    assert_clean(&b.first(), "known member");
}

#[test]
fn data_iin_checksum() {
    let mut b = Batch::ready();
    let good = b.get(0, "iin");
    b.set("iin", &break_last_digit(&good));
    let app = b.first();
    let f = sole(&app, "data.iin_checksum", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "iin"));
    assert_eq!(f["field"], "iin");
    // The number is masked in the message.
    assert!(!f["message"]["en"].as_str().unwrap().contains(&good[..8]));
    // A family member's IIN.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    let good = b.family.rows[row][b.family.col("iin")].en.clone();
    b.family.set(row, "iin", v(&break_last_digit(&good)));
    let app = b.first();
    let f = sole(&app, "data.iin_checksum", "error", "invalid");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], cell("family.csv", &b.family, row, "iin"));
}

#[test]
fn data_iin_mismatch() {
    // A valid IIN of another birth date.
    let b = with(&[("iin", common::iin("1985-04-13", false, 77).as_str())]);
    let app = b.first();
    let f = sole(&app, "data.iin_mismatch", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "iin"));
    assert!(f["message"]["en"].as_str().unwrap().contains("birth date"));
    // A valid IIN of the right date but a woman.
    let b = with(&[("iin", common::iin("1985-04-12", true, 77).as_str())]);
    let app = b.first();
    let f = sole(&app, "data.iin_mismatch", "error", "invalid");
    assert!(f["message"]["en"].as_str().unwrap().contains("sex"));
    // A family member's.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    b.family
        .set(row, "iin", v(&common::iin("1987-06-02", true, 78)));
    let app = b.first();
    let f = sole(&app, "data.iin_mismatch", "error", "invalid");
    assert_eq!(f["member_id"], "F1");
    // Near miss: an IIN of the same person born in the 2000s (century digit 5).
    let b = with(&[
        ("birth_date", "2004-04-12"),
        ("+doc", "military_deregistration"),
    ]);
    assert_eq!(&b.get(0, "iin")[6..7], "5");
    assert_clean(&b.first(), "IIN of the 2000s");
}

#[test]
fn data_bank_account() {
    const BIK: &str = "044525225";
    let good = bank_account(BIK, 12345);
    assert!(bank_key_ok(BIK, &good));
    assert_clean(
        &with(&[("bank_bik", BIK), ("bank_account", good.as_str())]).first(),
        "valid account",
    );
    let bad = break_last_digit(&good);
    let b = with(&[("bank_bik", BIK), ("bank_account", bad.as_str())]);
    let app = b.first();
    let f = sole(&app, "data.bank_account", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "bank_account"));
    // An account without a BIK cannot be checked: the BIK is required.
    let b = with(&[("bank_account", good.as_str())]);
    let app = b.first();
    let f = sole(&app, "data.required", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "bank_bik"));
}

#[test]
fn data_snils() {
    assert_clean(&with(&[("snils", SNILS_OK)]).first(), "valid SNILS");
    assert_clean(
        &with(&[("snils", "112-233-445 95")]).first(),
        "valid SNILS with separators",
    );
    let b = with(&[("snils", break_last_digit(SNILS_OK).as_str())]);
    let app = b.first();
    let f = sole(&app, "data.snils", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "snils"));
}

#[test]
fn data_inn() {
    let good = inn("5001007322");
    assert_eq!(good, "500100732259", "the well-known example INN");
    assert_clean(&with(&[("inn", good.as_str())]).first(), "valid INN");
    let b = with(&[("inn", break_last_digit(&good).as_str())]);
    let app = b.first();
    let f = sole(&app, "data.inn", "error", "invalid");
    assert_eq!(f["source"], applicant_cell(&b, 0, "inn"));
}

// ---------------------------------------------------------------------------------------
// Allowance claims

/// An arrived participant (certificate 2025-01-10) with stage 1 paid on `stage1`.
fn arrived(stage1: &str) -> Batch {
    with(&[
        ("certificate_number", "PRI-2025-0042"),
        ("certificate_date", "2025-01-10"),
        ("arrival_date", "2025-03-01"),
        ("stage1_paid_date", stage1),
    ])
}

#[test]
fn claim_stage2_too_early_until_18_months() {
    // 17 months and 30 days after stage 1: too early. Exactly 18 months: due.
    let b = arrived("2025-05-25");
    let app = b.first();
    let f = sole(&app, "claim.stage2_too_early", "warning", "ready");
    assert_eq!(f["source"], applicant_cell(&b, 0, "stage1_paid_date"));
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2026-11-25"),
        "{f:#}"
    );
    assert_clean(&arrived("2025-05-24").first(), "exactly 18 months");
}

#[test]
fn claim_stage2_too_early_only_where_there_is_a_stage_2() {
    let mut b = arrived("2026-05-20");
    b.set("target_region", "Kaliningrad Oblast");
    let app = b.first();
    assert_eq!(app["allowance"]["stage2_rub"], 0);
    assert_clean(&app, "ordinary region, one payment");
}

#[test]
fn claim_certificate_expired_after_3_years() {
    // Issued exactly 3 years before the as-of date: expired (domain.md: valid 3 years).
    // Issued a day later: still valid on the as-of date.
    let mut b = arrived("2025-05-24");
    b.set("certificate_date", "2023-11-24");
    let app = b.first();
    let f = sole(&app, "claim.certificate_expired", "warning", "ready");
    assert_eq!(f["source"], applicant_cell(&b, 0, "certificate_date"));
    // Valid for three whole years: through the day before the anniversary.
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2026-11-23"),
        "{f:#}"
    );
    let mut b = arrived("2025-05-24");
    b.set("certificate_date", "2023-11-25");
    assert_clean(&b.first(), "certificate 1 day short of 3 years");
}

/// The ready applicant with one baggage expense per weight in `kg`.
fn baggage(kg: &[&str]) -> Batch {
    let mut b = Batch::ready();
    let receipts: Vec<String> = (0..kg.len()).map(|i| format!("baggage_{i}.pdf")).collect();
    for (w, receipt) in kg.iter().zip(&receipts) {
        b.expense(Expense::new("A001", "baggage", "150000", receipt).weighing(w));
    }
    b
}

#[test]
fn claim_baggage_over_limit_above_5000_kg() {
    let b = baggage(&["5001"]);
    let app = b.first();
    let f = sole(&app, "claim.baggage_over_limit", "warning", "ready");
    assert_eq!(
        f["source"],
        cell("expenses.csv", &b.expenses, 0, "weight_kg")
    );
    assert_eq!(f["field"], "weight_kg");
    assert!(f["message"]["en"].as_str().unwrap().contains("5001"));
    assert_clean(&baggage(&["5000"]).first(), "exactly 5000 kg");
    // The limit is per family: two loads add up.
    let app = baggage(&["3000", "2001"]).first();
    sole(&app, "claim.baggage_over_limit", "warning", "ready");
    assert_clean(&baggage(&["3000", "2000"]).first(), "3000 + 2000 kg");
}

#[test]
fn claim_baggage_over_limit_counts_fractions_of_a_kg() {
    let app = baggage(&["5000.5"]).first();
    sole(&app, "claim.baggage_over_limit", "warning", "ready");
    let app = baggage(&["2500.4", "2500.4"]).first();
    sole(&app, "claim.baggage_over_limit", "warning", "ready");
}

#[test]
fn claim_receipt_missing() {
    let mut b = Batch::ready();
    let row = b.expense(Expense::new("A001", "travel", "25000", "ticket.pdf"));
    assert_clean(&b.first(), "receipt present");
    b.files.clear();
    let app = b.first();
    let f = sole(&app, "claim.receipt_missing", "warning", "ready");
    assert_eq!(
        f["source"],
        cell("expenses.csv", &b.expenses, row, "receipt")
    );
    // No receipt named at all.
    let mut b = Batch::ready();
    b.expense(Expense::new("A001", "duty", "3500", ""));
    sole(&b.first(), "claim.receipt_missing", "warning", "ready");
}

#[test]
fn claim_not_relocating() {
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("F1").staying());
    let row = b.expense(Expense::new("A001", "travel", "25000", "ticket.pdf").of("F1"));
    let app = b.first();
    let f = sole(&app, "claim.not_relocating", "warning", "ready");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(
        f["source"],
        cell("expenses.csv", &b.expenses, row, "member_id")
    );
    // Near miss: the spouse relocates.
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("F1"));
    b.expense(Expense::new("A001", "travel", "25000", "ticket.pdf").of("F1"));
    assert_clean(&b.first(), "relocating spouse's ticket");
}

// ---------------------------------------------------------------------------------------
// Coverage of the schemas

/// Rules whose trigger and near miss are tested in another file.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    ("data.encoding", "tests/encodings.rs"),
    ("data.unknown_column", "tests/encodings.rs"),
    (
        "docs.unreadable",
        "tests/samples.rs, tests/paths.rs (and docs_missing_id_card here)",
    ),
    (
        "docs.unrecognized",
        "tests/encodings.rs, tests/robustness.rs",
    ),
    ("docs.outside", "tests/paths.rs"),
];

/// Every rule id with a trigger and a near miss in this file.
const TESTED_HERE: &[&str] = &[
    "eligibility.adult",
    "eligibility.legal_capacity",
    "eligibility.education",
    "eligibility.russian_language",
    "refusal.extremism",
    "refusal.prosecution",
    "refusal.serious_crime",
    "refusal.migration_violations",
    "refusal.other_state",
    "refusal.deportation_5y",
    "refusal.admin_offences",
    "refusal.passport_validity",
    "refusal.region_not_allowed",
    "refusal.false_information",
    "warning.profession_not_in_demand",
    "warning.no_employer_offer",
    "warning.region_unconfirmed",
    "claim.stage2_too_early",
    "claim.certificate_expired",
    "claim.baggage_over_limit",
    "claim.receipt_missing",
    "claim.not_relocating",
    "data.required",
    "data.format",
    "data.duplicate",
    "data.orphan",
    "data.iin_checksum",
    "data.iin_mismatch",
    "data.bank_account",
    "data.snils",
    "data.inn",
    "docs.missing.id_card",
    "docs.missing.residence_card",
    "docs.missing.photo",
    "docs.missing.diploma",
    "docs.missing.marriage_certificate",
    "docs.missing.divorce_certificate",
    "docs.missing.alimony_consent",
    "docs.missing.military_deregistration",
    "docs.missing.duty_receipt",
    "docs.missing.no_criminal_record",
    "docs.missing.employer_certificate",
    "docs.missing.russian_language_certificate",
    "docs.missing.birth_certificate",
    "docs.missing.parent_consent",
    "docs.missing.child_opinion",
];

fn schema(name: &str) -> toml::Table {
    let path = common::repo().join("schemas").join(name);
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_rule_of_the_schemas_is_tested() {
    let mut ids: BTreeSet<String> = schema("rules.toml")["rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for d in schema("documents.toml")["document"].as_array().unwrap() {
        if d.get("rendered").and_then(toml::Value::as_bool) != Some(true) {
            ids.insert(format!("docs.missing.{}", d["code"].as_str().unwrap()));
        }
    }
    let tested: BTreeSet<String> = TESTED_HERE
        .iter()
        .copied()
        .chain(TESTED_ELSEWHERE.iter().map(|(r, _)| *r))
        .map(str::to_string)
        .collect();
    let untested: Vec<&String> = ids.difference(&tested).collect();
    assert!(
        untested.is_empty(),
        "rules without a test: {untested:?} (add a trigger and a near miss here)"
    );
    let stale: Vec<&String> = tested.difference(&ids).collect();
    assert!(
        stale.is_empty(),
        "tested rules not in the schemas: {stale:?}"
    );
}

#[test]
fn every_rule_id_of_domain_md_is_in_the_schemas() {
    // The ids domain.md names (its rule tables, warnings, claims, data checks).
    const DOMAIN: &[&str] = &[
        "eligibility.adult",
        "eligibility.legal_capacity",
        "eligibility.education",
        "eligibility.russian_language",
        "refusal.extremism",
        "refusal.prosecution",
        "refusal.serious_crime",
        "refusal.migration_violations",
        "refusal.other_state",
        "refusal.deportation_5y",
        "refusal.admin_offences",
        "refusal.passport_validity",
        "refusal.region_not_allowed",
        "refusal.false_information",
        "warning.profession_not_in_demand",
        "warning.no_employer_offer",
        "claim.stage2_too_early",
        "claim.baggage_over_limit",
        "claim.certificate_expired",
        "data.iin_checksum",
        "data.iin_mismatch",
        "data.bank_account",
        "data.snils",
        "data.inn",
        "data.required",
        "data.format",
        "data.duplicate",
        "data.orphan",
    ];
    let ids: BTreeSet<String> = schema("rules.toml")["rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for id in DOMAIN {
        assert!(ids.contains(*id), "{id} is not in rules.toml");
        assert!(TESTED_HERE.contains(id), "{id} has no test here");
    }
    // domain.md's document codes.
    let codes: BTreeSet<String> = schema("documents.toml")["document"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    for code in [
        "id_card",
        "residence_card",
        "photo",
        "application",
        "diploma",
        "marriage_certificate",
        "divorce_certificate",
        "alimony_consent",
        "military_deregistration",
        "duty_receipt",
        "no_criminal_record",
        "employer_certificate",
        "russian_language_certificate",
        "birth_certificate",
        "parent_consent",
        "child_opinion",
    ] {
        assert!(codes.contains(code), "{code} is not in documents.toml");
    }
}
