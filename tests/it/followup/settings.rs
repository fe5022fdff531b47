//! The numbers the follow-up and the rules share come from the schemas (issue 17): the
//! months an ID document must still be valid after filing are rates.toml's
//! `[period.id_document] min_validity_months`, read by `refusal.passport_validity`'s
//! condition and messages, and a rates.toml without them does not load.

use serde_json::Value;

use crate::cli_rules::validate;
use crate::common::*;

/// A folder of schemas holding rates.toml edited by `edit` (the others are the
/// built-in ones).
fn schemas_with_rates(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("schemas/rates.toml")).unwrap();
    std::fs::write(dir.path().join("rates.toml"), edit(&text)).unwrap();
    dir
}

fn passport_findings(report: &Value) -> Vec<Value> {
    findings_of(report, "A001")
        .into_iter()
        .filter(|f| f["rule"] == "refusal.passport_validity")
        .collect()
}

#[test]
fn the_passport_rule_reads_its_months_from_rates_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    // Filed on the as-of date (2026-11-24): the passport is valid 9 whole months more.
    let mut t = one_applicant(false);
    t.set(0, "id_doc_expiry_date", d("2027-08-30"));
    write(&batch, "applicants.csv", &t.to_bytes(Format::UTF8));

    // The shipped 6 months: 9 are enough.
    let o = validate(&batch, None);
    assert!(o.code < 2, "{}", o.stderr);
    assert!(passport_findings(&o.json()).is_empty(), "{}", o.stdout);

    // 12 months in rates.toml: the same passport is now too short, and the message says 12.
    let months = |n: &str| {
        schemas_with_rates(move |t| {
            let i = t.find("[period.id_document]").expect("the section");
            let (head, tail) = t.split_at(i);
            format!(
                "{head}{}",
                tail.replacen(
                    "min_validity_months = 6",
                    &format!("min_validity_months = {n}"),
                    1
                )
            )
        })
    };
    let twelve = months("12");
    let o = validate(&batch, Some(twelve.path()));
    assert!(o.code < 2, "{}", o.stderr);
    let found = passport_findings(&o.json());
    assert_eq!(found.len(), 1, "{}", o.stdout);
    assert_eq!(found[0]["severity"], "refusal");
    let message = found[0]["message"]["ru"].as_str().unwrap();
    assert!(message.contains("менее 12 месяцев"), "{message}");

    // 9 months: exactly enough, as 6 was (whole months, not fewer than the minimum).
    let nine = months("9");
    let o = validate(&batch, Some(nine.path()));
    assert!(passport_findings(&o.json()).is_empty(), "{}", o.stdout);
}

#[test]
fn a_rates_toml_without_the_id_document_months_does_not_load() {
    let dir = schemas_with_rates(|t| {
        let start = t.find("[period.id_document]").expect("the section");
        let end = start + t[start..].find("[period.fees]").expect("the next section");
        format!("{}{}", &t[..start], &t[end..])
    });
    let e = match resettle::schema::Schemas::load(Some(dir.path())) {
        Ok(_) => panic!("loaded without [period.id_document]"),
        Err(e) => e,
    };
    assert!(e.file.ends_with("rates.toml"), "{e}");
    assert!(e.to_string().contains("id_document"), "{e}");
}

/// `rates.toml` with `key = from` replaced by `key = to` in its first occurrence after
/// the line `section`.
fn set_in(text: &str, section: &str, from: &str, to: &str) -> String {
    let i = text.find(section).unwrap_or_else(|| panic!("no {section}"));
    let (head, tail) = text.split_at(i);
    assert!(tail.contains(from), "no {from} in {section}");
    format!("{head}{}", tail.replacen(from, to, 1))
}

/// A001 in Primorsky Krai (a priority territory) with a certificate, arrived 01.10.2026,
/// stage 1 paid 15.10.2026.
fn arrived_batch(batch: &std::path::Path) {
    let mut t = Table::new(&crate::fixture::applicant_headers());
    t.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    t.set(0, "certificate_number", s("АА 123456"))
        .set(0, "certificate_date", d("2026-09-01"))
        .set(0, "arrival_date", d("2026-10-01"))
        .set(0, "stage1_paid_date", d("2026-10-15"));
    write(batch, "applicants.csv", &t.to_bytes(Format::UTF8));
}

#[test]
fn the_calendar_shows_the_engines_days_of_stage_2_and_the_monthly_benefit() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    arrived_batch(&batch);
    let day = |out: &std::path::Path, uid: &str| {
        crate::followup_out::events(out)
            .into_iter()
            .find(|e| e.0 == uid)
            .map(|e| e.1)
    };
    let o = run_out(&batch, &out, &[]);
    assert!(o.code < 2, "{}", o.stderr);
    // 18 months after stage 1; 6 months from arrival, the last day included.
    assert_eq!(
        day(&out, "stage2-A001@resettle").as_deref(),
        Some("20280415")
    );
    assert_eq!(
        day(&out, "monthly-benefit-A001@resettle").as_deref(),
        Some("20270331")
    );
    // The certificate: 3 years, the last day included.
    assert_eq!(
        day(&out, "certificate-A001@resettle").as_deref(),
        Some("20290831")
    );
    // Other periods in rates.toml: the calendar follows them, as the claim forms do.
    let rates = std::fs::read_to_string(repo().join("schemas/rates.toml")).unwrap();
    let rates = set_in(
        &rates,
        "[period.lifting.stages]",
        "stage2_min_months = 18",
        "stage2_min_months = 12",
    );
    let rates = set_in(
        &rates,
        "[period.monthly_benefit]",
        "max_months = 6",
        "max_months = 3",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rates.toml"), rates).unwrap();
    let out2 = tmp.path().join("out2");
    let o = run_out(
        &batch,
        &out2,
        &["--schemas", dir.path().to_str().unwrap(), "--drafts"],
    );
    assert!(o.code < 2, "{}", o.stderr);
    assert_eq!(
        day(&out2, "stage2-A001@resettle").as_deref(),
        Some("20271015")
    );
    assert_eq!(
        day(&out2, "monthly-benefit-A001@resettle").as_deref(),
        Some("20261231")
    );
    // The monthly-benefit claim runs on the as-of date (24.11.2026) and ends that day.
    let pdf = pdftotext(&out2.join("A001/monthly-benefit.pdf"));
    assert!(squash(&pdf).contains("31.12.2026"), "{pdf}");
}

#[test]
fn the_next_actions_look_as_far_as_rates_toml_says() {
    let tmp = tempfile::tempdir().unwrap();
    let section = |out: &std::path::Path| {
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let next = html.find("id=\"next\"").expect("a next-actions section");
        html[next..html[next..].find("</section>").unwrap() + next].to_string()
    };
    // The shipped windows: Astana's booking day 30.11.2026 (6 days on) and the last day
    // to file with A048's passport, 30.12.2026 (36 days on).
    let out = tmp.path().join("out");
    run_out(&repo().join("samples/batch"), &out, &[]);
    let shown = section(&out);
    assert!(
        shown.contains("2026-11-30") && shown.contains("2026-12-30"),
        "{shown}"
    );
    assert!(shown.contains("14 days"), "{shown}");
    // Booking days 5 days ahead, passports 40: the booking day goes, the passport stays.
    let rates = std::fs::read_to_string(repo().join("schemas/rates.toml")).unwrap();
    let rates = set_in(
        &rates,
        "[next_actions]",
        "booking_days = 14",
        "booking_days = 5",
    );
    let rates = set_in(
        &rates,
        "[next_actions]",
        "file_by_days = 60",
        "file_by_days = 40",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rates.toml"), &rates).unwrap();
    let out2 = tmp.path().join("out2");
    let o = run_out(
        &repo().join("samples/batch"),
        &out2,
        &["--schemas", dir.path().to_str().unwrap(), "--lang", "ru"],
    );
    assert!(o.code < 2, "{}", o.stderr);
    let shown = section(&out2);
    assert!(!shown.contains("30.11.2026"), "{shown}");
    assert!(shown.contains("30.12.2026"), "{shown}");
    assert!(
        shown.contains("на 5 дней вперёд") && shown.contains("не более 40 дней"),
        "{shown}"
    );
    // 30 days for passports: A048's day (36 days on) goes too.
    let rates = set_in(
        &rates,
        "[next_actions]",
        "file_by_days = 40",
        "file_by_days = 30",
    );
    std::fs::write(dir.path().join("rates.toml"), &rates).unwrap();
    run_out(
        &repo().join("samples/batch"),
        &out2,
        &["--schemas", dir.path().to_str().unwrap()],
    );
    assert!(!section(&out2).contains("2026-12-30"));
}
