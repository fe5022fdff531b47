//! The rule engine, rule by rule: every rule id of domain.md (and of schemas/rules.toml
//! and schemas/documents.toml) has a case that triggers it and one that just misses it,
//! on the exact boundaries of domain.md. Each case starts from one applicant who is
//! READY with no finding at all (see `fixture::Batch::ready`), changes a few cells, and
//! checks the finding's severity, the applicant's status, and where the finding points
//! (`file:row:column` for field-based rules, the expected scan path for documents).
//!
//! Batches are validated in-process (`resettle::validate`) as of 2026-11-24.

use crate::common;
use crate::fixture;

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
    // Edition 2: a warning (no federal source makes education a condition). Without
    // education no diploma is asked for.
    field_rule(
        "eligibility.education",
        "warning",
        "education",
        &[("education", "none"), ("-doc", "diploma")],
        &[("education", "secondary")],
    );
}

#[test]
fn eligibility_russian_language() {
    // A citizen of Kazakhstan needs no proof of Russian (Decree 219): speaking none is
    // the refusal, speaking some is enough.
    field_rule(
        "eligibility.russian_language",
        "refusal",
        "russian_language",
        &[("russian_language", "none")],
        &[("russian_language", "basic")],
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
fn warning_under_prosecution() {
    // Edition 2: being under prosecution is not a ground (refusal.prosecution is
    // retired); a conviction is.
    field_rule(
        "warning.under_prosecution",
        "warning",
        "under_prosecution",
        &[("under_prosecution", "yes")],
        &[("under_prosecution", "no")],
    );
    // Not a ground question: an empty cell asks nothing.
    assert_clean(
        &with(&[("under_prosecution", "")]).first(),
        "under_prosecution empty",
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
fn refusal_migration_offences_two_or_more() {
    // Point 25: 2 or more migration-law penalties within the 12 months before filing.
    let f = field_rule(
        "refusal.migration_offences",
        "refusal",
        "migration_offences_12m",
        &[("migration_offences_12m", "2")],
        &[("migration_offences_12m", "1")],
    );
    assert!(f["message"]["en"].as_str().unwrap().contains('2'), "{f:#}");
    assert_clean(
        &with(&[("migration_offences_12m", "0")]).first(),
        "no offence",
    );
    let app = with(&[("migration_offences_12m", "7")]).first();
    sole(&app, "refusal.migration_offences", "refusal", "refused");
}

#[test]
fn refusal_entry_ban() {
    field_rule(
        "refusal.entry_ban",
        "refusal",
        "entry_ban",
        &[("entry_ban", "yes")],
        &[("entry_ban", "no")],
    );
    // Russian spelling of the answer.
    let app = with(&[("entry_ban", "да")]).first();
    sole(&app, "refusal.entry_ban", "refusal", "refused");
}

#[test]
fn refusal_regional_requirements() {
    let f = field_rule(
        "refusal.regional_requirements",
        "refusal",
        "regional_requirements_unmet",
        &[("regional_requirements_unmet", "yes")],
        &[("regional_requirements_unmet", "no")],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("Primorsky"),
        "names the region: {f:#}"
    );
    // A caseworker's flag: empty means no.
    assert_clean(
        &with(&[("regional_requirements_unmet", "")]).first(),
        "flag empty",
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
fn empty_caseworker_flags_are_not_grounds() {
    // The caseworker's flags and the deportation date: empty means no (never deported).
    let app = with(&[
        ("under_prosecution", ""),
        ("false_information", ""),
        ("regional_requirements_unmet", ""),
        ("deportation_date", ""),
        ("repatriate", ""),
    ])
    .first();
    assert_clean(&app, "empty caseworker flags");
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
    for name in [
        "id_card.pdf",
        "passport.pdf",
        "ID_CARD.PDF",
        "паспорт.pdf",
        "Паспорт.PDF",
        "удостоверение личности.jpg",
    ] {
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
    // A stateless person without a former citizenship also proves Russian.
    applicant_doc(
        "residence_card",
        &[
            ("citizenship", "stateless"),
            ("iin", ""),
            ("+doc", "russian_language_proof"),
        ],
        &[
            ("citizenship", "stateless"),
            ("iin", ""),
            ("+doc", "russian_language_proof"),
            ("+doc", "residence_card"),
        ],
    );
    // A Russian citizen living in Kazakhstan: the residence permit too, no language
    // proof.
    applicant_doc(
        "residence_card",
        &[("citizenship", "RU"), ("iin", "")],
        &[
            ("citizenship", "RU"),
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
fn docs_birth_certificate_of_the_applicant() {
    // Edition 2: the applicant's own birth certificate, on paper or as a scan (by its
    // code, an alternative stem, or its Russian name).
    applicant_doc("birth_certificate", &[("-doc", "birth_certificate")], &[]);
    for name in [
        "birth_certificate.pdf",
        "birth.png",
        "Свидетельство о рождении.jpg",
        "свидетельство_о_рождении.pdf",
    ] {
        let mut b = with(&[("-doc", "birth_certificate")]);
        let bytes: &[u8] = if name.ends_with(".png") {
            common::PNG
        } else if name.ends_with(".jpg") {
            common::JPEG
        } else {
            common::PDF
        };
        b.file(&format!("A001/{name}"), bytes);
        assert_clean(&b.first(), name);
    }
}

#[test]
fn no_duty_receipt_is_asked() {
    // The participant certificate is free: the base applicant hands in no receipt and is
    // ready; docs.missing.duty_receipt is never emitted.
    assert!(!BASE_DOCUMENTS.contains(&"duty_receipt"));
    let app = Batch::ready().first();
    assert!(findings_of(&app, "docs.missing.duty_receipt").is_empty());
    assert_clean(&app, "no duty receipt");
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
fn docs_missing_russian_language_proof_unless_exempt() {
    // A German citizen living in Kazakhstan (with the residence permit) must prove
    // Russian, however well they speak it.
    for level in ["native", "fluent", "basic"] {
        applicant_doc(
            "russian_language_proof",
            &[
                ("citizenship", "DE"),
                ("iin", ""),
                ("+doc", "residence_card"),
                ("russian_language", level),
            ],
            &[
                ("citizenship", "DE"),
                ("iin", ""),
                ("+doc", "residence_card"),
                ("russian_language", level),
                ("+doc", "russian_language_proof"),
            ],
        );
    }
    // The old code in the documents column still names the proof (an alternative stem).
    assert_clean(
        &with(&[
            ("citizenship", "DE"),
            ("iin", ""),
            ("+doc", "residence_card"),
            ("+doc", "russian_language_certificate"),
        ])
        .first(),
        "old code russian_language_certificate",
    );
}

#[test]
fn paper_documents_ignore_case_and_spaces() {
    // documents.toml: codes are compared ignoring case, in file names and in the
    // documents column alike.
    let b = with(&[(
        "documents",
        " ID_Card ; PHOTO;Diploma ;No_Criminal_Record;employer_certificate;Marriage_Certificate; Birth_Certificate",
    )]);
    assert_clean(&b.first(), "codes in another case");
}

#[test]
fn docs_retired_is_noted_not_counted_and_not_an_error() {
    // documents.toml [[retired]]: the duty receipt of edition 1, in the documents
    // column (as a caseworker's old sheet has it) and as a scan, is a warning each,
    // pointing at the cell and at the file; the applicant stays ready.
    let mut b = with(&[("+doc", "duty_receipt")]);
    b.file("A001/Квитанция госпошлины.pdf", common::PDF);
    let app = b.first();
    assert_eq!(app["status"], "ready", "{:#}", app["findings"]);
    let found = findings_of(&app, "docs.retired");
    assert_eq!(found.len(), 2, "{:#}", app["findings"]);
    assert_eq!(rules(&app), ["docs.retired", "docs.retired"]);
    assert!(found.iter().all(|f| f["severity"] == "warning"));
    let sources: BTreeSet<&str> = found
        .iter()
        .map(|f| f["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains("documents/A001/Квитанция госпошлины.pdf"),
        "{sources:?}"
    );
    assert!(
        sources.iter().any(|s| s.starts_with("applicants.csv:2:")),
        "{sources:?}"
    );
    assert!(
        found.iter().all(|f| f["message"]["en"]
            .as_str()
            .unwrap()
            .contains("free of charge")),
        "{found:#?}"
    );
    // Near miss: a code that never existed is still an error.
    let app = with(&[("+doc", "duty_reciept")]).first();
    assert!(findings_of(&app, "docs.retired").is_empty());
    assert_eq!(rules(&app), ["data.format"]);
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
    // A child aged 10 who relocates, a child aged 12 who stays, a spouse: nobody's
    // papers handed in but the younger child's parent consent.
    b.member(
        "A001",
        Member::child("F1", "M", "2016-05-01").without_papers(),
    );
    b.member(
        "A001",
        Member::child("F2", "F", "2014-02-10")
            .staying()
            .without_papers(),
    );
    b.member("A001", Member::spouse("F3").without_papers());
    b.hand_in("parent_consent-F1").hand_in("id_card-F3");
    let app = b.first();
    // Edition 2: every relocating member's birth certificate (the spouse's too); a
    // member who stays is not in the application.
    assert_eq!(
        by_member(&app),
        pairs(&[
            ("docs.missing.birth_certificate", "F1"),
            ("docs.missing.birth_certificate", "F3"),
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
            "documents/A001/birth_certificate-F3.*"
        ])
    );

    // On paper for one, as a scan for the other (alternative stem `birth`, JPEG).
    b.hand_in("birth_certificate-F1");
    b.file("A001/birth-F3.jpg", common::JPEG);
    assert_clean(&b.first(), "both birth certificates");
}

#[test]
fn member_scans_named_in_russian() {
    // «Свидетельство о рождении-F2.jpg», «паспорт-F2.pdf»: caseworkers name files in
    // Russian, with spaces, in any case.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F2", "F", "2004-03-01").without_papers(),
    );
    let app = b.first();
    assert_eq!(
        by_member(&app),
        pairs(&[
            ("docs.missing.birth_certificate", "F2"),
            ("docs.missing.id_card", "F2"),
        ])
    );
    b.file("A001/Свидетельство о рождении-F2.jpg", common::JPEG);
    b.file("A001/ПАСПОРТ-F2.pdf", common::PDF);
    assert_clean(&b.first(), "member scans named in Russian");
    // Another member's id after the Russian name: not F2's.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F2", "F", "2004-03-01").without_papers(),
    );
    b.hand_in("id_card-F2");
    b.file("A001/Свидетельство о рождении-F3.jpg", common::JPEG);
    let app = b.first();
    assert!(
        by_member(&app).contains(&("docs.missing.birth_certificate".into(), "F2".into())),
        "{:#}",
        app["findings"]
    );
}

#[test]
fn docs_missing_id_card_of_a_member_from_16() {
    // 16 today: the member's own passport (or ID card). 15 until tomorrow: the birth
    // certificate identifies them.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2010-11-24").without_papers(),
    );
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1")
        .hand_in("child_opinion-F1");
    let app = b.first();
    let f = sole(&app, "docs.missing.id_card", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/id_card-F1.*");

    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2010-11-25").without_papers(),
    );
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1")
        .hand_in("child_opinion-F1");
    assert_clean(&b.first(), "member aged 15");

    // At the filing date: 15 today, 16 on the day the application is filed.
    let mut b = Batch::ready();
    b.set("filing_date", "2026-11-25");
    b.member(
        "A001",
        Member::child("F1", "M", "2010-11-25").without_papers(),
    );
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1")
        .hand_in("child_opinion-F1");
    let app = b.first();
    sole(&app, "docs.missing.id_card", "missing", "incomplete");
}

#[test]
fn docs_missing_parent_consent_for_relocating_minors() {
    // Aged 17 (18 tomorrow), relocating: consent and opinion needed.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "F", "2008-11-25"));
    b.withdraw("parent_consent-F1");
    let app = b.first();
    let f = sole(&app, "docs.missing.parent_consent", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/parent_consent-F1.*");

    // Aged exactly 18: an adult, no consent (and no opinion).
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "F", "2008-11-24").without_papers(),
    );
    b.hand_in("birth_certificate-F1").hand_in("id_card-F1");
    assert_clean(&b.first(), "child aged 18");

    // A minor who stays in Kazakhstan: no consent.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2016-05-01")
            .staying()
            .without_papers(),
    );
    assert_clean(&b.first(), "child who stays");
}

#[test]
fn parent_consent_and_child_opinion_for_any_minor_relation() {
    // Edition 2: whatever the relation — a child, the spouse's child, a minor sibling, a
    // sibling's or a grandchild, a ward — a relocating minor needs the other parent's
    // consent, and from 14 their own opinion.
    for relation in [
        "child",
        "spouse_child",
        "sibling",
        "sibling_child",
        "grandchild",
        "ward",
    ] {
        let mut b = Batch::ready();
        b.member(
            "A001",
            Member::new("F1", relation, "F", "2011-06-01").without_papers(),
        );
        b.hand_in("birth_certificate-F1");
        let app = b.first();
        assert_eq!(
            by_member(&app),
            pairs(&[
                ("docs.missing.child_opinion", "F1"),
                ("docs.missing.parent_consent", "F1"),
            ]),
            "{relation}: {:#}",
            app["findings"]
        );
        assert_eq!(app["status"], "incomplete", "{relation}");
    }
}

#[test]
fn no_parent_consent_when_both_parents_relocate() {
    // parents_relocating = yes: both parents are in the application.
    for (birth, case) in [("2011-06-01", "aged 15"), ("2018-06-01", "aged 8")] {
        let mut b = Batch::ready();
        let row = b.member("A001", Member::child("F1", "M", birth).without_papers());
        b.set_member(row, "parents_relocating", "yes");
        b.hand_in("birth_certificate-F1");
        assert_clean(&b.first(), case);
        // Near miss: `no` (or blank) asks for the consent.
        b.set_member(row, "parents_relocating", "no");
        let app = b.first();
        assert!(
            !findings_of(&app, "docs.missing.parent_consent").is_empty(),
            "{case}: {:#}",
            app["findings"]
        );
    }
}

#[test]
fn docs_missing_child_opinion_for_relocating_14_to_17() {
    // 14 today: the child's opinion is needed.
    let mut b = Batch::ready();
    b.member("A001", Member::child("F1", "M", "2012-11-24"));
    b.withdraw("child_opinion-F1");
    let app = b.first();
    let f = sole(&app, "docs.missing.child_opinion", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/child_opinion-F1.*");

    // 13 until tomorrow: not yet.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2012-11-25").without_papers(),
    );
    b.hand_in("birth_certificate-F1")
        .hand_in("parent_consent-F1");
    assert_clean(&b.first(), "child aged 13");

    // 15 but staying: no opinion, no consent.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2011-06-01")
            .staying()
            .without_papers(),
    );
    assert_clean(&b.first(), "child aged 15 who stays");

    // All four missing for a relocating 16-year-old without any paper.
    let mut b = Batch::ready();
    b.member(
        "A001",
        Member::child("F1", "M", "2010-06-01").without_papers(),
    );
    assert_eq!(
        by_member(&b.first()),
        pairs(&[
            ("docs.missing.birth_certificate", "F1"),
            ("docs.missing.child_opinion", "F1"),
            ("docs.missing.id_card", "F1"),
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
        ("migration_offences_12m", "two"),
        ("migration_offences_12m", "-1"),
        ("extremism", "maybe"),
        ("entry_ban", "perhaps"),
        ("repatriate", "maybe"),
        ("filing_date", "31/12/2026"),
        ("former_citizenship", "KZ;Atlantis"),
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
            ("entry_ban", "Нет"),
            ("migration_offences_12m", " 0 "),
            ("sex", "М"),
            ("id_doc_type", "Паспорт"),
            ("filing_date", "01.12.2026"),
            ("former_citizenship", "Казахстан; UZ"),
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
// Dates at filing (filing_date; the as-of date when empty)

#[test]
fn filing_date_decides_the_deportation_window() {
    // Filed on 2027-03-01: deported exactly 5 years before (2022-03-01) is no longer a
    // ground; a day later is. On the as-of date (2026-11-24) both are within 5 years.
    let f = field_rule(
        "refusal.deportation_5y",
        "refusal",
        "deportation_date",
        &[
            ("filing_date", "2027-03-01"),
            ("deportation_date", "2022-03-02"),
        ],
        &[
            ("filing_date", "2027-03-01"),
            ("deportation_date", "2022-03-01"),
        ],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2027-03-01"),
        "names the filing date: {f:#}"
    );
    assert!(
        f["message"]["ru"].as_str().unwrap().contains("01.03.2027"),
        "{f:#}"
    );
    // Filed earlier than the as-of date: deported 2021-06-02 was within 5 years of a
    // filing on 2026-06-01, though more than 5 years before the as-of date.
    let app = with(&[
        ("filing_date", "2026-06-01"),
        ("deportation_date", "2021-06-02"),
    ])
    .first();
    sole(&app, "refusal.deportation_5y", "refusal", "refused");
    assert_clean(
        &with(&[("deportation_date", "2021-06-02")]).first(),
        "the same deportation judged on the as-of date",
    );
}

#[test]
fn filing_date_decides_the_id_validity() {
    // Filed on 2027-03-01: valid until 2027-09-01 is exactly 6 months; until 2027-08-31 is
    // not. Both are more than 6 months after the as-of date.
    let f = field_rule(
        "refusal.passport_validity",
        "refusal",
        "id_doc_expiry_date",
        &[
            ("filing_date", "2027-03-01"),
            ("id_doc_expiry_date", "2027-08-31"),
        ],
        &[
            ("filing_date", "2027-03-01"),
            ("id_doc_expiry_date", "2027-09-01"),
        ],
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("2027-03-01"),
        "names the filing date: {f:#}"
    );
    assert_clean(
        &with(&[("id_doc_expiry_date", "2027-08-31")]).first(),
        "the same document judged on the as-of date",
    );
}

#[test]
fn filing_date_decides_the_age() {
    // 17 on the as-of date, 18 on the day of filing: eligible (and a man of 18 brings his
    // military deregistration).
    let f = field_rule(
        "eligibility.adult",
        "refusal",
        "birth_date",
        &[("filing_date", "2027-03-01"), ("birth_date", "2009-03-02")],
        &[
            ("filing_date", "2027-03-01"),
            ("birth_date", "2009-03-01"),
            ("+doc", "military_deregistration"),
        ],
    );
    assert!(f["message"]["en"].as_str().unwrap().contains("17"), "{f:#}");
    // 18 on the as-of date, but the application was filed the day before.
    let app = with(&[
        ("filing_date", "2026-11-23"),
        ("birth_date", "2008-11-24"),
        ("+doc", "military_deregistration"),
    ])
    .first();
    assert!(
        rules(&app).contains(&"eligibility.adult".to_string()),
        "{:#}",
        app["findings"]
    );
    assert_eq!(app["status"], "refused");
}

// ---------------------------------------------------------------------------------------
// Warnings of edition 2

#[test]
fn warning_id_card_only() {
    field_rule(
        "warning.id_card_only",
        "warning",
        "id_doc_type",
        &[("id_doc_type", "id_card")],
        &[("id_doc_type", "passport")],
    );
    let app = with(&[("id_doc_type", "удостоверение личности")]).first();
    sole(&app, "warning.id_card_only", "warning", "ready");
}

#[test]
fn warning_military_registration() {
    // A man of 27 (28 tomorrow) who is not deregistered: a warning. At 28: nothing.
    field_rule(
        "warning.military_registration",
        "warning",
        "military_deregistered",
        &[
            ("birth_date", "1998-11-25"),
            ("military_deregistered", "no"),
            ("+doc", "military_deregistration"),
        ],
        &[
            ("birth_date", "1998-11-24"),
            ("military_deregistered", "no"),
        ],
    );
    // 18 today.
    let app = with(&[
        ("birth_date", "2008-11-24"),
        ("military_deregistered", "no"),
        ("+doc", "military_deregistration"),
    ])
    .first();
    sole(&app, "warning.military_registration", "warning", "ready");
    // Deregistered: nothing. A woman of the same age: nothing.
    assert_clean(
        &with(&[
            ("birth_date", "2000-01-01"),
            ("military_deregistered", "yes"),
            ("+doc", "military_deregistration"),
        ])
        .first(),
        "deregistered man of 26",
    );
    assert_clean(
        &with(&[
            ("sex", "F"),
            ("birth_date", "2000-01-01"),
            ("military_deregistered", "no"),
        ])
        .first(),
        "woman of 26",
    );
}

// ---------------------------------------------------------------------------------------
// Unanswered ground questions, retired columns, dates in the future

/// The ground questions every applicant must answer, with an answer.
const QUESTIONS: &[(&str, &str)] = &[
    ("extremism", "no"),
    ("serious_conviction", "no"),
    ("other_state_residence", "no"),
    ("entry_ban", "no"),
    ("migration_offences_12m", "0"),
];

#[test]
fn data_unanswered_an_empty_cell() {
    for &(col, answer) in QUESTIONS {
        let f = field_rule(
            "data.unanswered",
            "missing",
            col,
            &[(col, "")],
            &[(col, answer)],
        );
        assert!(
            f["message"]["en"].as_str().unwrap().contains(col),
            "names {col}: {f:#}"
        );
    }
}

#[test]
fn data_unanswered_is_one_finding_naming_every_question() {
    let b = with(&[
        ("extremism", ""),
        ("entry_ban", ""),
        ("migration_offences_12m", ""),
    ]);
    let app = b.first();
    let f = sole(&app, "data.unanswered", "missing", "incomplete");
    let en = f["message"]["en"].as_str().unwrap();
    for col in ["extremism", "entry_ban", "migration_offences_12m"] {
        assert!(en.contains(col), "{col}: {en}");
    }
    for col in ["serious_conviction", "other_state_residence"] {
        assert!(!en.contains(col), "{col} was answered: {en}");
    }
    // It points at the first of them.
    assert_eq!(f["source"], applicant_cell(&b, 0, "extremism"));
}

#[test]
fn data_unanswered_when_the_column_is_missing() {
    // A file without the column has no answer either.
    let mut b = Batch::ready();
    b.applicants.drop_column("entry_ban");
    let app = b.first();
    let f = sole(&app, "data.unanswered", "missing", "incomplete");
    assert!(f["message"]["en"].as_str().unwrap().contains("entry_ban"));
    // A file of edition 1, without any of the new questions: one finding.
    let mut b = Batch::ready();
    for &(col, _) in QUESTIONS {
        b.applicants.drop_column(col);
    }
    let app = b.first();
    let f = sole(&app, "data.unanswered", "missing", "incomplete");
    let en = f["message"]["en"].as_str().unwrap();
    for &(col, _) in QUESTIONS {
        assert!(en.contains(col), "{col}: {en}");
    }
}

#[test]
fn deportation_date_empty_means_never() {
    let b = Batch::ready();
    assert_eq!(b.get(0, "deportation_date"), "");
    assert_clean(&b.first(), "never deported");
    let mut b = Batch::ready();
    b.applicants.drop_column("deportation_date");
    assert_clean(&b.first(), "no deportation_date column");
}

#[test]
fn data_column_retired_once_per_file() {
    // A file of edition 1 with both retired columns, whatever their values: one warning
    // for the file, naming the column that replaced them; nothing is refused.
    let mut b = Batch::ready();
    b.add_applicant("A002");
    b.applicants
        .add_column("admin_offences_12m", "Админ. правонарушения за 12 мес.");
    b.applicants.add_column(
        "migration_violations",
        "Нарушения миграционного законодательства",
    );
    for i in 0..2 {
        b.applicants.set(i, "admin_offences_12m", v("3"));
        b.applicants.set(i, "migration_violations", v("5"));
    }
    let r = b.report();
    let retired: Vec<&Value> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "data.column_retired")
        .collect();
    assert_eq!(retired.len(), 1, "{:#}", r["warnings"]);
    let w = retired[0];
    assert_eq!(
        w["source"],
        format!(
            "applicants.csv:1:{}",
            b.applicants.col("admin_offences_12m") + 1
        )
    );
    let en = w["message"]["en"].as_str().unwrap();
    assert!(en.contains("migration_offences_12m"), "{en}");
    assert!(
        en.contains("admin_offences_12m") && en.contains("migration_violations"),
        "{en}"
    );
    assert_eq!(
        r["warnings"].as_array().unwrap().len(),
        1,
        "{:#}",
        r["warnings"]
    );
    for app in r["applicants"].as_array().unwrap() {
        assert_clean(app, "values of retired columns decide nothing");
    }
    // One retired column, by its Russian header.
    let mut b = Batch::ready();
    b.applicants.add_column(
        "Админ. правонарушения за 12 мес.",
        "Админ. правонарушения за 12 мес.",
    );
    let r = b.report();
    assert_eq!(
        r["warnings"].as_array().unwrap().len(),
        1,
        "{:#}",
        r["warnings"]
    );
    assert_eq!(r["warnings"][0]["rule"], "data.column_retired");
    assert_clean(&r["applicants"][0], "Russian header of a retired column");
}

#[test]
fn dates_in_the_future_are_data_format() {
    // Birth, deportation and issue dates after the as-of date cannot be: data.format on
    // the cell, and the date decides nothing else.
    for (col, value) in [
        ("birth_date", "2026-11-25"),
        ("deportation_date", "2026-12-01"),
        ("id_doc_issue_date", "2027-01-01"),
    ] {
        // (`with` keeps the IIN in agreement with the birth date.)
        let b = with(&[(col, value)]);
        let app = b.first();
        let f = sole(&app, "data.format", "error", "invalid");
        assert_eq!(f["source"], applicant_cell(&b, 0, col), "{col}: {f:#}");
        assert_eq!(f["field"], col);
    }
    // Near misses: the as-of date itself.
    let app = with(&[("id_doc_issue_date", AS_OF)]).first();
    assert_clean(&app, "issued on the as-of date");
    let app = with(&[("deportation_date", AS_OF)]).first();
    sole(&app, "refusal.deportation_5y", "refusal", "refused");
    // A family member's birth date.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::child("F1", "M", "2026-12-01"));
    let app = b.first();
    let f = sole(&app, "data.format", "error", "invalid");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(
        f["source"],
        cell("family.csv", &b.family, row, "birth_date")
    );
}

// ---------------------------------------------------------------------------------------
// Documents of edition 2

/// A foreign citizen or stateless person living in Kazakhstan (residence permit handed
/// in, no IIN), with `edits`.
fn resident(citizenship: &str, edits: &[(&str, &str)]) -> Batch {
    let mut b = with(&[
        ("citizenship", citizenship),
        ("iin", ""),
        ("+doc", "residence_card"),
    ]);
    apply(&mut b, edits);
    b
}

#[test]
fn language_proof_exemptions() {
    // Citizens of KZ, RU, BY, MD and UA need no proof of Russian (Decree 219).
    assert_clean(&Batch::ready().first(), "citizen of KZ");
    for c in ["RU", "BY", "MD", "UA", "Россия", "Беларусь"] {
        assert_clean(&resident(c, &[]).first(), &format!("citizen of {c}"));
    }
    // Former citizens of those states (since 12.09.2025).
    for former in ["KZ", "UZ;KZ", "RU", "Казахстан"] {
        assert_clean(
            &resident("stateless", &[("former_citizenship", former)]).first(),
            &format!("stateless, formerly {former}"),
        );
    }
    // Repatriates (since 12.09.2025), with their evidence.
    assert_clean(
        &resident(
            "DE",
            &[("repatriate", "yes"), ("+doc", "repatriate_evidence")],
        )
        .first(),
        "German repatriate",
    );
}

#[test]
fn language_proof_of_those_not_exempt() {
    for (c, former) in [
        ("stateless", ""),
        ("DE", ""),
        ("stateless", "UZ"),
        ("UZ", "TJ"),
    ] {
        let app = resident(c, &[("former_citizenship", former)]).first();
        let f = sole(
            &app,
            "docs.missing.russian_language_proof",
            "missing",
            "incomplete",
        );
        assert_eq!(f["source"], "documents/A001/russian_language_proof.*");
        let app = resident(
            c,
            &[
                ("former_citizenship", former),
                ("+doc", "russian_language_proof"),
            ],
        )
        .first();
        assert_clean(&app, &format!("{c}, formerly {former:?}, with proof"));
    }
}

#[test]
fn language_exemptions_of_12_september_2025_at_the_filing_date() {
    // A former citizen of Kazakhstan and a repatriate filing on 11.09.2025 still had to
    // prove Russian; filing on 12.09.2025 they do not.
    let former = |filing| {
        resident(
            "stateless",
            &[("former_citizenship", "KZ"), ("filing_date", filing)],
        )
    };
    let app = former("2025-09-11").first();
    sole(
        &app,
        "docs.missing.russian_language_proof",
        "missing",
        "incomplete",
    );
    assert_clean(
        &former("2025-09-12").first(),
        "former citizen on 12.09.2025",
    );
    let repatriate = |filing| {
        resident(
            "DE",
            &[
                ("repatriate", "yes"),
                ("+doc", "repatriate_evidence"),
                ("filing_date", filing),
            ],
        )
    };
    let app = repatriate("2025-09-11").first();
    sole(
        &app,
        "docs.missing.russian_language_proof",
        "missing",
        "incomplete",
    );
    assert_clean(
        &repatriate("2025-09-12").first(),
        "repatriate on 12.09.2025",
    );
}

#[test]
fn docs_missing_repatriate_evidence() {
    applicant_doc(
        "repatriate_evidence",
        &[("repatriate", "yes")],
        &[("repatriate", "yes"), ("+doc", "repatriate_evidence")],
    );
    // A scan named in Russian.
    let mut b = with(&[("repatriate", "да")]);
    b.file("A001/Репатриант.pdf", common::PDF);
    assert_clean(&b.first(), "Репатриант.pdf");
    assert_clean(&with(&[("repatriate", "no")]).first(), "not a repatriate");
}

#[test]
fn docs_missing_name_change() {
    let earlier = "Петров (до 2010 г., смена фамилии при усыновлении)";
    applicant_doc(
        "name_change",
        &[("previous_names", earlier)],
        &[("previous_names", earlier), ("+doc", "name_change")],
    );
    // A relocating member's earlier name.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    b.set_member(row, "previous_names", "Сидорова (до брака в 2010 г.)");
    let app = b.first();
    let f = sole(&app, "docs.missing.name_change", "missing", "incomplete");
    assert_eq!(f["member_id"], "F1");
    assert_eq!(f["source"], "documents/A001/name_change-F1.*");
    b.hand_in("name_change-F1");
    assert_clean(&b.first(), "member's name change handed in");
    // A member who stays: not in the application.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1").staying());
    b.set_member(row, "previous_names", "Сидорова");
    assert_clean(&b.first(), "staying member's earlier name");
}

#[test]
fn member_marriage_and_divorce_certificates() {
    // An adult son who is married brings his own marriage certificate; divorced, the
    // divorce certificate. The spouse shares the applicant's.
    for (status, code) in [
        ("married", "marriage_certificate"),
        ("divorced", "divorce_certificate"),
    ] {
        let mut b = Batch::ready();
        let row = b.member("A001", Member::child("F1", "M", "2000-02-02"));
        b.set_member(row, "marital_status", status);
        let app = b.first();
        let f = sole(
            &app,
            &format!("docs.missing.{code}"),
            "missing",
            "incomplete",
        );
        assert_eq!(f["member_id"], "F1");
        assert_eq!(f["source"], format!("documents/A001/{code}-F1.*"));
        b.hand_in(&format!("{code}-F1"));
        assert_clean(&b.first(), &format!("son {status}, certificate handed in"));
        // Widowed or single: nothing.
        b.set_member(row, "marital_status", "widowed");
        b.withdraw(&format!("{code}-F1"));
        assert_clean(&b.first(), "widowed son");
    }
    // The spouse is married (to the applicant): no certificate of her own.
    let mut b = Batch::ready();
    let row = b.member("A001", Member::spouse("F1"));
    assert_eq!(
        b.family.rows[row][b.family.col("marital_status")].en,
        "married"
    );
    assert_clean(&b.first(), "married spouse");
}

// ---------------------------------------------------------------------------------------
// Family members (Decree 809)

/// The applicant with one relocating member `F1` (papers handed in) and `edits` to the
/// member's row.
fn with_member(m: Member<'_>, edits: &[(&str, &str)]) -> Batch {
    let mut b = Batch::ready();
    let row = b.member("A001", m);
    for &(col, val) in edits {
        b.set_member(row, col, val);
    }
    b
}

/// Asserts that `family.not_member` is the only finding, about F1, pointing at its
/// relation.
fn not_member(b: &Batch, case: &str) {
    let app = b.first();
    assert_eq!(
        rules(&app),
        ["family.not_member"],
        "{case}: {:#}",
        app["findings"]
    );
    let f = &app["findings"][0];
    assert_eq!(f["severity"], "error", "{case}");
    assert_eq!(app["status"], "invalid", "{case}");
    assert_eq!(f["member_id"], "F1", "{case}");
    assert_eq!(
        f["source"],
        cell("family.csv", &b.family, 0, "relation"),
        "{case}"
    );
    assert!(
        f["message"]["en"].as_str().unwrap().contains("own"),
        "{case}: says they may apply on their own: {f:#}"
    );
}

#[test]
fn each_relation_of_decree_809() {
    // (relation, sex, birth, limited capacity, a family member?)
    let cases: &[(&str, &str, &str, bool, bool)] = &[
        ("spouse", "F", "1987-06-01", false, true),
        ("child", "M", "2016-05-01", false, true),
        ("child", "F", "2000-03-01", false, true),
        ("spouse_child", "F", "2013-03-01", false, true),
        ("spouse_child", "M", "1999-03-01", false, true),
        ("parent", "F", "1962-01-20", false, true),
        ("spouse_parent", "M", "1960-05-05", false, true),
        ("step_parent", "M", "1961-07-07", false, true),
        ("sibling", "M", "2012-04-04", false, true),
        ("sibling", "F", "1990-04-04", true, true),
        ("sibling", "F", "1990-04-04", false, false),
        ("sibling_child", "M", "2015-08-08", false, true),
        ("sibling_child", "M", "2000-08-08", false, false),
        ("grandparent", "F", "1940-02-02", false, true),
        ("grandchild", "F", "2011-06-01", false, true),
        ("grandchild", "F", "2008-11-24", false, false),
        ("grandchild", "F", "2006-01-01", true, false),
        ("ward", "M", "2012-09-09", false, true),
        ("other", "F", "1980-01-01", false, false),
        ("other", "F", "2015-01-01", false, false),
    ];
    for &(relation, sex, birth, limited, member) in cases {
        let mut m = Member::new("F1", relation, sex, birth);
        if limited {
            m = m.incapable();
        }
        let b = with_member(m, &[]);
        let case = format!("{relation} born {birth} (limited: {limited})");
        if member {
            assert_clean(&b.first(), &case);
        } else {
            not_member(&b, &case);
        }
    }
}

#[test]
fn family_not_member_a_sibling_from_18() {
    // 18 today: may apply on their own. 17 (18 tomorrow): a family member.
    not_member(
        &with_member(Member::new("F1", "sibling", "M", "2008-11-24"), &[]),
        "sibling aged 18",
    );
    assert_clean(
        &with_member(Member::new("F1", "sibling", "M", "2008-11-25"), &[]).first(),
        "sibling aged 17",
    );
    // Who stays in Kazakhstan is not in the application at all.
    assert_clean(
        &with_member(
            Member::new("F1", "sibling", "M", "1990-01-01").staying(),
            &[],
        )
        .first(),
        "adult sibling who stays",
    );
}

#[test]
fn relations_in_russian() {
    for (relation, birth, member) in [
        ("брат", "1990-01-01", false),
        ("Сестра", "2012-01-01", true),
        ("тёща", "1960-01-01", true),
        ("свекровь", "1960-01-01", true),
        ("падчерица", "2013-01-01", true),
        ("внучка", "2011-06-01", true),
        ("внук", "2005-06-01", false),
        ("бабушка", "1940-01-01", true),
        ("племянник", "2001-01-01", false),
        ("подопечный", "2012-01-01", true),
        ("другое", "1990-01-01", false),
    ] {
        let b = with_member(Member::new("F1", relation, "F", birth), &[]);
        if member {
            assert_clean(&b.first(), relation);
        } else {
            not_member(&b, relation);
        }
    }
}

/// A relocating spouse F1 with `edits`: the only finding is `rule` about F1, an error
/// (the member leaves the application; the applicant is not refused), pointing at `col`
/// of family.csv; `miss` gives no finding.
fn member_ground(rule: &str, col: &str, trigger: &[(&str, &str)], miss: &[(&str, &str)]) {
    let b = with_member(Member::spouse("F1"), trigger);
    let app = b.first();
    let f = sole(&app, rule, "error", "invalid");
    assert_eq!(f["member_id"], "F1", "{rule}: {f:#}");
    assert_eq!(f["field"], col, "{rule}: {f:#}");
    assert_eq!(f["source"], cell("family.csv", &b.family, 0, col), "{rule}");
    assert_clean(
        &with_member(Member::spouse("F1"), miss).first(),
        &format!("{rule} near miss {miss:?}"),
    );
    // A member who stays is not checked.
    assert_clean(
        &with_member(Member::spouse("F1").staying(), trigger).first(),
        &format!("{rule}: member who stays"),
    );
}

#[test]
fn member_grounds_exclude_the_member_never_refuse() {
    member_ground(
        "refusal.deportation_5y",
        "deportation_date",
        &[("deportation_date", "2021-11-25")],
        &[("deportation_date", "2021-11-24")],
    );
    member_ground(
        "refusal.migration_offences",
        "migration_offences_12m",
        &[("migration_offences_12m", "2")],
        &[("migration_offences_12m", "1")],
    );
    member_ground(
        "refusal.entry_ban",
        "entry_ban",
        &[("entry_ban", "yes")],
        &[("entry_ban", "no")],
    );
    member_ground(
        "refusal.passport_validity",
        "id_doc_expiry_date",
        &[("id_doc_expiry_date", "2027-05-23")],
        &[("id_doc_expiry_date", "2027-05-24")],
    );
    member_ground(
        "refusal.extremism",
        "extremism",
        &[("extremism", "yes")],
        &[("extremism", "no")],
    );
    member_ground(
        "refusal.serious_crime",
        "serious_conviction",
        &[("serious_conviction", "yes")],
        &[("serious_conviction", "no")],
    );
    member_ground(
        "refusal.other_state",
        "other_state_residence",
        &[("other_state_residence", "yes")],
        &[("other_state_residence", "no")],
    );
}

#[test]
fn member_grounds_at_the_filing_date() {
    let at = |deported: &str, expiry: &str| {
        let mut b = with_member(
            Member::spouse("F1"),
            &[
                ("deportation_date", deported),
                ("id_doc_expiry_date", expiry),
            ],
        );
        b.set("filing_date", "2027-03-01");
        b.first()
    };
    let app = at("2022-03-02", "2027-09-01");
    sole(&app, "refusal.deportation_5y", "error", "invalid");
    let app = at("2022-03-01", "2027-08-31");
    sole(&app, "refusal.passport_validity", "error", "invalid");
    assert_clean(
        &at("2022-03-01", "2027-09-01"),
        "exactly 5 years and 6 months",
    );
}

#[test]
fn a_member_with_every_ground_is_still_not_a_refusal() {
    let b = with_member(
        Member::spouse("F1"),
        &[
            ("extremism", "yes"),
            ("serious_conviction", "yes"),
            ("other_state_residence", "yes"),
            ("deportation_date", "2025-01-01"),
            ("migration_offences_12m", "3"),
            ("entry_ban", "yes"),
            ("id_doc_expiry_date", "2026-12-01"),
        ],
    );
    let app = b.first();
    assert_eq!(app["status"], "invalid", "{:#}", app["findings"]);
    for f in app["findings"].as_array().unwrap() {
        assert_eq!(f["severity"], "error", "{f:#}");
        assert_eq!(f["member_id"], "F1", "{f:#}");
    }
    assert_eq!(app["findings"].as_array().unwrap().len(), 7);
}

#[test]
fn member_ground_cells_left_empty_decide_nothing() {
    // For members the ground columns are optional.
    let b = with_member(
        Member::spouse("F1"),
        &[
            ("extremism", ""),
            ("serious_conviction", ""),
            ("other_state_residence", ""),
            ("migration_offences_12m", ""),
            ("entry_ban", ""),
            ("id_doc_type", ""),
            ("id_doc_number", ""),
            ("id_doc_expiry_date", ""),
        ],
    );
    assert_clean(&b.first(), "member's ground cells empty");
}

#[test]
fn warning_pensioner_assumed() {
    // A woman of 61 today (pension age of rates.toml), `pensioner` left blank: assumed a
    // pensioner, with a warning. One year younger: nothing assumed.
    let women = rate_i64("pension_age", "women");
    let men = rate_i64("pension_age", "men");
    let born = |age: i64| format!("{}-11-24", 2026 - age);
    for (sex, age) in [("F", women), ("M", men)] {
        let birth = born(age);
        let b = with_member(
            Member::new("F1", "parent", sex, &birth).pensioner_blank(),
            &[],
        );
        let app = b.first();
        let f = sole(&app, "warning.pensioner_assumed", "warning", "ready");
        assert_eq!(f["member_id"], "F1");
        assert_eq!(f["source"], cell("family.csv", &b.family, 0, "pensioner"));
        let birth = born(age - 1);
        assert_clean(
            &with_member(
                Member::new("F1", "parent", sex, &birth).pensioner_blank(),
                &[],
            )
            .first(),
            &format!("{sex} aged {}", age - 1),
        );
        // Answered: nothing assumed.
        let birth = born(age + 5);
        assert_clean(
            &with_member(Member::new("F1", "parent", sex, &birth), &[]).first(),
            &format!("{sex} aged {}, answered no", age + 5),
        );
    }
}

/// `section.key` of the rates.toml period in force on the as-of date (the only one).
fn rate_i64(section: &str, key: &str) -> i64 {
    let text = std::fs::read_to_string(common::repo().join("schemas/rates.toml")).unwrap();
    let rates: toml::Table = toml::from_str(&text).unwrap();
    let periods = rates["period"].as_array().unwrap();
    let p = periods
        .iter()
        .filter(|p| p["from"].as_str().unwrap() <= AS_OF)
        .max_by_key(|p| p["from"].as_str().unwrap().to_string())
        .unwrap();
    p[section][key].as_integer().unwrap()
}

// ---------------------------------------------------------------------------------------
// Expense claims of edition 2

#[test]
fn claim_fare_class_above_the_compensated_one() {
    // (class, above the compensated one?)
    for (class, above) in [
        ("business", true),
        ("first", true),
        ("economy", false),
        ("sv", true),
        ("lux", true),
        ("compartment", false),
        ("platzkart", false),
        ("water_1", true),
        ("water_2", false),
        ("бизнес", true),
        ("купе", false),
        ("СВ", true),
        ("эконом", false),
        ("", false),
    ] {
        let mut b = Batch::ready();
        let row = b.expense(Expense::new("A001", "travel", "25000", "ticket.pdf").class(class));
        let app = b.first();
        if above {
            let f = sole(&app, "claim.fare_class", "warning", "ready");
            assert_eq!(
                f["source"],
                cell("expenses.csv", &b.expenses, row, "fare_class"),
                "{class}"
            );
            assert_eq!(f["field"], "fare_class");
        } else {
            assert_clean(&app, &format!("fare class {class:?}"));
        }
    }
    // A member's ticket: the finding names the member.
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("F1"));
    b.expense(
        Expense::new("A001", "travel", "25000", "ticket.pdf")
            .of("F1")
            .class("business"),
    );
    let f = sole(&b.first(), "claim.fare_class", "warning", "ready").clone();
    assert_eq!(f["member_id"], "F1");
}

#[test]
fn claim_baggage_over_limit_by_family_size() {
    // Up to 3 relocating persons: one 5-tonne container; from 4: two (10,000 kg).
    let family = |members: usize, kg: &str| {
        let mut b = Batch::ready();
        b.member("A001", Member::spouse("S"));
        let kids = [
            ("C1", "2012-01-01"),
            ("C2", "2014-01-01"),
            ("C3", "2016-01-01"),
        ];
        for (id, birth) in kids.iter().take(members - 1) {
            b.member("A001", Member::child(id, "M", birth));
        }
        b.expense(Expense::new("A001", "baggage", "150000", "baggage.pdf").weighing(kg));
        b
    };
    // A family of 3 (applicant, spouse, one child).
    let app = family(2, "5001").first();
    let f = sole(&app, "claim.baggage_over_limit", "warning", "ready");
    assert!(
        f["message"]["en"].as_str().unwrap().contains("5000"),
        "{f:#}"
    );
    assert_clean(&family(2, "5000").first(), "family of 3, 5000 kg");
    // A family of 4.
    assert_clean(&family(3, "10000").first(), "family of 4, 10,000 kg");
    let app = family(3, "10001").first();
    let f = sole(&app, "claim.baggage_over_limit", "warning", "ready");
    assert!(
        f["message"]["en"].as_str().unwrap().contains("10000"),
        "{f:#}"
    );
    // Who stays does not count: a family of 4 with one staying is a family of 3.
    let mut b = family(2, "6000");
    b.member("A001", Member::child("C9", "F", "2018-01-01").staying());
    sole(&b.first(), "claim.baggage_over_limit", "warning", "ready");
}

// ---------------------------------------------------------------------------------------
// Retired ids and the sources of every rule

const RETIRED: &[&str] = &[
    "refusal.prosecution",
    "refusal.admin_offences",
    "refusal.migration_violations",
    "docs.missing.duty_receipt",
    "docs.missing.russian_language_certificate",
];

#[test]
fn explain_a_retired_id_says_what_replaced_it() {
    let out = common::run(&[
        "explain".as_ref(),
        "refusal.prosecution".as_ref(),
        "--lang".as_ref(),
        "en".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning.under_prosecution",
        "refusal.serious_crime",
        "retired",
    ] {
        assert!(out.stdout.contains(needle), "{needle}: {}", out.stdout);
    }
    assert!(
        out.stdout.contains("conviction"),
        "says why: {}",
        out.stdout
    );
    let rules = schema("rules.toml");
    for id in RETIRED {
        let out = common::run(&[
            "explain".as_ref(),
            id.as_ref(),
            "--lang".as_ref(),
            "en".as_ref(),
        ]);
        assert_eq!(out.code, 0, "{id}: {}", out.stderr);
        let entry = rules["retired"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"].as_str() == Some(*id))
            .unwrap_or_else(|| panic!("{id} is not a [[retired]] entry of rules.toml"));
        for r in entry["replaced_by"].as_array().unwrap() {
            let r = r.as_str().unwrap();
            assert!(out.stdout.contains(r), "{id}: names {r}: {}", out.stdout);
        }
        assert!(
            out.stdout.contains(entry["reason"]["en"].as_str().unwrap()),
            "{id}: says why: {}",
            out.stdout
        );
    }
}

/// Batches that between them make the engine emit nearly every rule: the samples, and
/// fixtures here.
fn emitting_reports() -> Vec<Value> {
    let mut reports = Vec::new();
    for sample in ["samples/batch", "samples/excel-ru"] {
        let dir = common::repo().join(sample);
        if dir.join("applicants.csv").exists() {
            let (r, _) = resettle::validate(&dir, schemas(), as_of())
                .unwrap_or_else(|e| panic!("{sample}: {e}"));
            reports.push(serde_json::from_str(&r.to_json()).unwrap());
        }
    }
    let edits: &[&[(&str, &str)]] = &[
        &[("birth_date", "2009-01-01"), ("legal_capacity", "limited")],
        &[("russian_language", "none"), ("education", "none")],
        &[
            ("extremism", "yes"),
            ("serious_conviction", "yes"),
            ("other_state_residence", "yes"),
        ],
        &[
            ("false_information", "yes"),
            ("entry_ban", "yes"),
            ("migration_offences_12m", "4"),
        ],
        &[
            ("regional_requirements_unmet", "yes"),
            ("deportation_date", "2024-01-01"),
        ],
        &[
            ("id_doc_expiry_date", "2027-01-01"),
            ("id_doc_type", "id_card"),
        ],
        &[("target_region", "Moscow"), ("repatriate", "yes")],
        &[
            ("target_region", "Moscow Oblast"),
            ("under_prosecution", "yes"),
        ],
        &[
            ("target_region", "Stavropol Krai"),
            ("profession", "сварщик"),
        ],
        &[
            ("birth_date", "2000-01-01"),
            ("military_deregistered", "no"),
            ("employer_offer", "no"),
        ],
        &[
            ("citizenship", "stateless"),
            ("iin", ""),
            ("previous_names", "Петров"),
        ],
        &[
            ("marital_status", "divorced"),
            ("alimony_recipients", "yes"),
            ("documents", ""),
        ],
        &[
            ("extremism", ""),
            ("iin", "123"),
            ("snils", "11223344590"),
            ("inn", "500100732250"),
        ],
        &[
            ("bank_bik", "044525225"),
            ("bank_account", "40817810000000000001"),
        ],
        &[
            ("certificate_number", "X-1"),
            ("certificate_date", "2022-01-01"),
            ("stage1_paid_date", "2026-10-01"),
            ("birth_date", "2027-01-01"),
        ],
    ];
    for e in edits {
        reports.push(with(e).report());
    }
    let mut b = Batch::ready();
    b.add_applicant("A002");
    b.set_at(1, "iin", &b.get(0, "iin"));
    b.member(
        "A001",
        Member::new("F1", "other", "F", "1990-01-01").pensioner_blank(),
    );
    b.member(
        "A001",
        Member::new("F2", "parent", "F", "1950-01-01").pensioner_blank(),
    );
    b.member(
        "A001",
        Member::child("F3", "M", "2010-01-01").without_papers(),
    );
    b.member("A001", Member::spouse("F4").staying());
    let row = b.member("A001", Member::child("F5", "F", "1999-01-01"));
    b.set_member(row, "marital_status", "married");
    b.set_member(row, "entry_ban", "yes");
    b.member("A404", Member::spouse("F9"));
    b.expense(
        Expense::new("A001", "travel", "1000", "")
            .class("business")
            .of("F4"),
    );
    b.expense(Expense::new("A001", "baggage", "1000", "b.pdf").weighing("20000"));
    b.file("A001/whatever.pdf", common::PDF);
    b.file("A001/photo.pdf", b"not a pdf");
    b.applicants.add_column("admin_offences_12m", "");
    b.applicants.add_column("mystery", "");
    reports.push(b.report());
    reports
}

#[test]
fn every_rule_id_emitted_is_in_the_schemas_with_its_verified() {
    let s = schemas();
    let mut seen = BTreeSet::new();
    for r in emitting_reports() {
        let mut check = |f: &Value, finding: bool| {
            let id = f["rule"].as_str().unwrap().to_string();
            let verified = match s.rules.get(&id) {
                Some(rule) => rule.source.verified,
                None => match s.documents.docs.iter().find(|d| d.missing_rule == id) {
                    Some(d) => d.source.verified,
                    None => {
                        panic!("{id} is emitted but is no entry of rules.toml or documents.toml")
                    }
                },
            };
            assert!(!RETIRED.contains(&id.as_str()), "retired id {id} emitted");
            if finding {
                assert_eq!(f["verified"], verified, "{id}: {f:#}");
            }
            seen.insert(id);
        };
        for (_, f) in common::findings(&r) {
            check(&f, true);
        }
        for list in ["errors", "warnings"] {
            for e in r[list].as_array().unwrap() {
                check(e, false);
            }
        }
    }
    // The batches above do reach the rules of edition 2.
    for id in [
        "refusal.migration_offences",
        "refusal.entry_ban",
        "refusal.regional_requirements",
        "warning.under_prosecution",
        "warning.id_card_only",
        "warning.military_registration",
        "warning.pensioner_assumed",
        "warning.repatriate_no_support",
        "family.not_member",
        "claim.fare_class",
        "data.unanswered",
        "data.column_retired",
        "docs.missing.birth_certificate",
        "docs.missing.name_change",
        "docs.missing.repatriate_evidence",
        "docs.missing.russian_language_proof",
    ] {
        assert!(seen.contains(id), "{id} was not emitted: {seen:?}");
    }
}

#[test]
fn every_schema_entry_has_basis_and_verified() {
    let s = schemas();
    for r in &s.rules.rules {
        assert!(!r.source.basis.trim().is_empty(), "{}: no basis", r.id);
    }
    for d in &s.documents.docs {
        assert!(!d.source.basis.trim().is_empty(), "{}: no basis", d.code);
    }
    // In the files themselves: every [[rule]] and [[document]] says `verified`.
    for (file, table) in [("rules.toml", "rule"), ("documents.toml", "document")] {
        for e in schema(file)[table].as_array().unwrap() {
            let id = e
                .get("id")
                .or_else(|| e.get("code"))
                .unwrap()
                .as_str()
                .unwrap();
            assert!(
                e.get("basis").and_then(toml::Value::as_str).is_some(),
                "{file} {id}: basis"
            );
            assert!(
                e.get("verified").and_then(toml::Value::as_bool).is_some(),
                "{file} {id}: verified"
            );
        }
    }
}

/// A copy of schemas/ in a temporary folder, with `file` edited by `edit`.
fn schemas_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::repo().join("schemas")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let text = if name == file { edit(&text) } else { text };
        std::fs::write(dir.path().join(&name), text).unwrap();
    }
    dir
}

/// Removes the first line `verified = …` after the line `after`; returns the text and
/// the 1-based line number of `after`.
fn drop_verified_after(text: &str, after: &str) -> (String, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == after)
        .unwrap_or_else(|| panic!("no line {after}"));
    let v = start
        + lines[start..]
            .iter()
            .position(|l| l.trim_start().starts_with("verified"))
            .unwrap();
    let mut out: Vec<&str> = lines.clone();
    out.remove(v);
    (out.join("\n") + "\n", start + 1)
}

#[test]
fn a_schema_entry_without_verified_fails_to_load_with_its_position() {
    for (file, after, next, name) in [
        (
            "rules.toml",
            r#"id = "refusal.entry_ban""#,
            "[[rule]]",
            "refusal.entry_ban",
        ),
        (
            "documents.toml",
            r#"code = "repatriate_evidence""#,
            "[[document]]",
            "repatriate_evidence",
        ),
        (
            "rates.toml",
            "[period.monthly_benefit]",
            "[period.",
            "monthly_benefit",
        ),
    ] {
        let original = std::fs::read_to_string(common::repo().join("schemas").join(file)).unwrap();
        let (edited, line) = drop_verified_after(&original, after);
        // The entry ends where the next one starts.
        let end = edited
            .lines()
            .enumerate()
            .skip(line)
            .find(|(_, l)| l.trim_start().starts_with(next))
            .map_or(usize::MAX, |(i, _)| i + 1);
        let dir = schemas_with(file, |_| edited.clone());
        let e = match resettle::schema::Schemas::load(Some(dir.path())) {
            Ok(_) => panic!("{file}: loaded without `verified` after {after}"),
            Err(e) => e,
        };
        assert!(e.file.ends_with(file), "{file}: {e}");
        let (l, c) = (
            e.line.unwrap_or_else(|| panic!("{file}: no line in {e}")),
            e.column
                .unwrap_or_else(|| panic!("{file}: no column in {e}")),
        );
        // The entry's lines, from the `[[…]]` header of the table holding it (rates.toml
        // points at the `[[period]]` whose section lacks `verified`, and names the
        // section in the message).
        let header = edited
            .lines()
            .take(line)
            .enumerate()
            .filter(|(_, l)| l.starts_with("[["))
            .map(|(i, _)| i + 1)
            .last()
            .unwrap();
        assert!(
            (header..end).contains(&l),
            "{file}: line {l} is not the entry's ({header}..{end}): {e}"
        );
        assert!(e.message.contains(name), "{file}: names {name}: {e}");
        assert!(c >= 1);
        assert!(e.message.contains("verified"), "{file}: {e}");
        let shown = e.to_string();
        assert!(
            shown.contains(&format!("{file}:{l}:{c}")),
            "{file}: file:line:column in {shown}"
        );
        // The untouched copy loads.
        let dir = schemas_with(file, |t| t.to_string());
        resettle::schema::Schemas::load(Some(dir.path()))
            .unwrap_or_else(|e| panic!("the copy of the schemas: {e}"));
    }
}

// ---------------------------------------------------------------------------------------
// Coverage of the schemas

/// Rules whose trigger and near miss are tested in another file.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    ("data.encoding", "tests/it/encodings.rs"),
    (
        "data.excel_number",
        "tests/it/workbook/cells.rs (an IIN without its leading 0, a short document number)",
    ),
    ("data.unknown_column", "tests/it/encodings.rs"),
    (
        "docs.unreadable",
        "tests/it/samples.rs, tests/it/paths.rs (and docs_missing_id_card here)",
    ),
    (
        "docs.unrecognized",
        "tests/it/encodings.rs, tests/it/robustness.rs",
    ),
    ("docs.outside", "tests/it/paths.rs"),
    (
        "warning.repatriate_no_support",
        "tests/it/allowances.rs (a repatriate inside and outside a participating region)",
    ),
];

/// Every rule id with a trigger and a near miss in this file.
const TESTED_HERE: &[&str] = &[
    "docs.retired",
    "eligibility.adult",
    "eligibility.legal_capacity",
    "eligibility.education",
    "eligibility.russian_language",
    "refusal.extremism",
    "refusal.serious_crime",
    "refusal.migration_offences",
    "refusal.other_state",
    "refusal.false_information",
    "refusal.deportation_5y",
    "refusal.regional_requirements",
    "refusal.entry_ban",
    "refusal.passport_validity",
    "refusal.region_not_allowed",
    "family.not_member",
    "warning.under_prosecution",
    "warning.id_card_only",
    "warning.military_registration",
    "warning.profession_not_in_demand",
    "warning.no_employer_offer",
    "warning.region_unconfirmed",
    "warning.pensioner_assumed",
    "claim.stage2_too_early",
    "claim.certificate_expired",
    "claim.baggage_over_limit",
    "claim.fare_class",
    "claim.receipt_missing",
    "claim.not_relocating",
    "data.required",
    "data.format",
    "data.unanswered",
    "data.column_retired",
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
    "docs.missing.birth_certificate",
    "docs.missing.marriage_certificate",
    "docs.missing.divorce_certificate",
    "docs.missing.name_change",
    "docs.missing.diploma",
    "docs.missing.russian_language_proof",
    "docs.missing.repatriate_evidence",
    "docs.missing.employer_certificate",
    "docs.missing.no_criminal_record",
    "docs.missing.military_deregistration",
    "docs.missing.alimony_consent",
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
    // The ids domain.md (edition 2) names: its rule tables, warnings, claims, data checks.
    const DOMAIN: &[&str] = &[
        "eligibility.adult",
        "eligibility.legal_capacity",
        "eligibility.russian_language",
        "eligibility.education",
        "refusal.extremism",
        "refusal.serious_crime",
        "refusal.migration_offences",
        "refusal.other_state",
        "refusal.false_information",
        "refusal.deportation_5y",
        "refusal.regional_requirements",
        "refusal.entry_ban",
        "refusal.passport_validity",
        "refusal.region_not_allowed",
        "family.not_member",
        "warning.profession_not_in_demand",
        "warning.no_employer_offer",
        "warning.under_prosecution",
        "warning.id_card_only",
        "warning.military_registration",
        "warning.region_unconfirmed",
        "warning.pensioner_assumed",
        "claim.stage2_too_early",
        "claim.baggage_over_limit",
        "claim.fare_class",
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
        "data.unanswered",
        "data.column_retired",
    ];
    let rules = schema("rules.toml");
    let ids: BTreeSet<String> = rules["rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for id in DOMAIN {
        assert!(ids.contains(*id), "{id} is not in rules.toml");
        assert!(TESTED_HERE.contains(id), "{id} has no test here");
    }
    // The ids edition 2 retires are no rules any more, but [[retired]] entries.
    let retired: BTreeSet<&str> = rules["retired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in RETIRED {
        assert!(!ids.contains(*id), "{id} is still a rule");
        assert!(retired.contains(id), "{id} is not [[retired]]");
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
        "birth_certificate",
        "marriage_certificate",
        "divorce_certificate",
        "name_change",
        "diploma",
        "russian_language_proof",
        "repatriate_evidence",
        "employer_certificate",
        "no_criminal_record",
        "military_deregistration",
        "alimony_consent",
        "parent_consent",
        "child_opinion",
    ] {
        assert!(codes.contains(code), "{code} is not in documents.toml");
    }
    for code in ["duty_receipt", "russian_language_certificate"] {
        assert!(!codes.contains(code), "{code} is retired");
    }
}
