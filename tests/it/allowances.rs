//! Allowance arithmetic and missions: the lifting allowance of families with a spouse,
//! minor and adult children, a relocating pensioner and a member who stays, in a priority
//! settlement territory (Primorsky Krai) and an ordinary participating region
//! (Kaliningrad Oblast); relocation compensation from expenses.csv; nothing in a region
//! outside the program; the mission, next booking day and walk-in hours.
//!
//! Expected amounts are computed here from schemas/rates.toml (read with the `toml`
//! crate), so the tests follow the schema when the amounts change.

use crate::common;
use crate::fixture;

use fixture::*;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// The rates in force, read independently of the program

/// The `[[period]]` of rates.toml in force on the as-of date: the latest whose `from`
/// is not after it.
fn period() -> toml::Table {
    let text = std::fs::read_to_string(common::repo().join("schemas/rates.toml")).unwrap();
    let rates: toml::Table = toml::from_str(&text).unwrap();
    let on = as_of();
    rates["period"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let from: Date = p["from"].as_str().unwrap().parse().unwrap();
            (from <= on).then(|| (from, p.as_table().unwrap().clone()))
        })
        .max_by_key(|(from, _)| *from)
        .expect("a period in force on the as-of date")
        .1
}

/// The table at the dotted `path` of the period in force (`lifting.stages`).
fn section(path: &str) -> toml::Table {
    let mut t = period();
    for part in path.split('.') {
        t = t[part]
            .as_table()
            .unwrap_or_else(|| panic!("rates.toml: no [period.{path}]"))
            .clone();
    }
    t
}

fn rate(path: &str, key: &str) -> i64 {
    section(path)[key]
        .as_integer()
        .unwrap_or_else(|| panic!("rates.toml: {path}.{key}"))
}

/// Whether the section at `path` of rates.toml is `verified`.
fn verified(path: &str) -> bool {
    section(path)["verified"]
        .as_bool()
        .unwrap_or_else(|| panic!("rates.toml: {path}.verified"))
}

/// The working-age subsistence minimum schemas/subsistence.toml gives for the Russian
/// region named `en` in `year`.
fn subsistence_minimum(en: &str, year: i64) -> Option<i64> {
    let text = std::fs::read_to_string(common::repo().join("schemas/subsistence.toml"))
        .expect("schemas/subsistence.toml");
    let minimums: toml::Table = toml::from_str(&text).unwrap();
    minimums["minimum"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"].as_str() == Some(en) && m["year"].as_integer() == Some(year))
        .map(|m| m["working_age_rub"].as_integer().unwrap())
}

/// The monthly benefit of a minimum (rates.toml share).
fn monthly_benefit(minimum: i64) -> i64 {
    minimum * rate("monthly_benefit", "share_percent") / 100
}

// ---------------------------------------------------------------------------------------
// The family

/// A family of seven besides the applicant (born 1985, married, going to `region`):
/// - S spouse, relocating;
/// - C1 child aged 10, relocating (a minor);
/// - C2 child aged 22, relocating (an adult);
/// - C3 child aged exactly 18 today, relocating (an adult, just);
/// - C4 child aged 17 (18 tomorrow), relocating (a minor, just);
/// - P parent aged 71, relocating, a pensioner;
/// - X sibling aged 36, staying in Kazakhstan.
fn family(region: &str) -> Batch {
    let mut b = Batch::ready();
    b.set("target_region", region);
    b.member("A001", Member::spouse("S"));
    b.member("A001", Member::child("C1", "M", "2016-05-01"));
    b.member("A001", Member::child("C2", "F", "2004-03-01"));
    b.member("A001", Member::child("C3", "M", "2008-11-24"));
    b.member("A001", Member::child("C4", "F", "2008-11-25"));
    b.member(
        "A001",
        Member::new("P", "parent", "F", "1955-01-20").pensioner(),
    );
    b.member(
        "A001",
        Member::new("X", "sibling", "M", "1990-07-07").staying(),
    );
    b
}

/// Who relocates and whether they get stage 2 in a priority territory (adults who are
/// not pensioners).
const RELOCATING: &[(&str, bool)] = &[
    ("S", true),
    ("C1", false),
    ("C2", true),
    ("C3", true),
    ("C4", false),
    ("P", false),
];

fn allowance(app: &Value) -> &Value {
    &app["allowance"]
}

/// (member_id or "", stage1, stage2) of each person of the allowance, in report order.
fn persons(app: &Value) -> Vec<(String, i64, i64)> {
    allowance(app)["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["member_id"].as_str().unwrap_or("").to_string(),
                p["stage1_rub"].as_i64().unwrap(),
                p["stage2_rub"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn priority_territory_two_stages_per_person() {
    let app = family("Primorsky Krai").first();
    let (p1, p2) = (
        rate("lifting.stages", "participant_stage1_rub"),
        rate("lifting.stages", "participant_stage2_rub"),
    );
    let (m1, m2) = (
        rate("lifting.stages", "member_stage1_rub"),
        rate("lifting.stages", "member_stage2_rub"),
    );
    let mut expected = vec![(String::new(), p1, p2)];
    for &(id, stage2) in RELOCATING {
        expected.push((id.to_string(), m1, if stage2 { m2 } else { 0 }));
    }
    assert_eq!(persons(&app), expected, "participant first, X excluded");

    let stage1: i64 = expected.iter().map(|p| p.1).sum();
    let stage2: i64 = expected.iter().map(|p| p.2).sum();
    let a = allowance(&app);
    assert_eq!(a["territory"], "priority");
    assert_eq!(a["stage1_rub"], stage1);
    assert_eq!(a["stage2_rub"], stage2);
    assert_eq!(a["lifting_total_rub"], stage1 + stage2);
    // With the 2021 amounts: 150,000 + 6 × 70,000 and 90,000 + 3 × 50,000.
    if (p1, p2, m1, m2) == (150_000, 90_000, 70_000, 50_000) {
        assert_eq!((stage1, stage2), (570_000, 240_000));
    }
    // The monthly benefit: a share of the region's subsistence minimum for the year,
    // when subsistence.toml knows it.
    assert_eq!(
        a["monthly_benefit_rub"],
        match subsistence_minimum("Primorsky Krai", 2026) {
            Some(m) => json!(monthly_benefit(m)),
            None => Value::Null,
        }
    );
    assert_eq!(
        a["monthly_benefit_months"],
        rate("monthly_benefit", "max_months")
    );
    assert_eq!(a["reason"], Value::Null);
}

#[test]
fn ordinary_region_one_payment_per_person() {
    let app = family("Kaliningrad Oblast").first();
    let (p, m) = (
        rate("lifting.other", "participant_rub"),
        rate("lifting.other", "member_rub"),
    );
    let mut expected = vec![(String::new(), p, 0)];
    for &(id, _) in RELOCATING {
        expected.push((id.to_string(), m, 0));
    }
    assert_eq!(persons(&app), expected);
    let a = allowance(&app);
    assert_eq!(a["territory"], "other");
    assert_eq!(a["stage1_rub"], p + 6 * m);
    assert_eq!(a["stage2_rub"], 0);
    assert_eq!(a["lifting_total_rub"], p + 6 * m);
}

#[test]
fn single_applicant_gets_the_participant_amount_only() {
    let app = Batch::ready().first();
    let a = allowance(&app);
    assert_eq!(
        a["stage1_rub"],
        rate("lifting.stages", "participant_stage1_rub")
    );
    assert_eq!(
        a["stage2_rub"],
        rate("lifting.stages", "participant_stage2_rub")
    );
    // The two stages make up the participant's total of a priority territory.
    assert_eq!(
        a["lifting_total_rub"],
        rate("lifting.priority", "participant_rub")
    );
    assert_eq!(persons(&app).len(), 1);
}

#[test]
fn region_outside_the_program_gets_nothing() {
    for region in ["Moscow", "Saint Petersburg"] {
        let app = family(region).first();
        assert_eq!(app["status"], "refused");
        let a = allowance(&app);
        assert_eq!(a["territory"], Value::Null, "{region}");
        assert_eq!(a["lifting_total_rub"], 0, "{region}");
        assert_eq!(a["stage1_rub"], 0, "{region}");
        assert_eq!(a["stage2_rub"], 0, "{region}");
        assert_eq!(a["persons"], json!([]), "{region}");
        assert_eq!(a["monthly_benefit_rub"], Value::Null, "{region}");
        assert_eq!(a["monthly_benefit_months"], 0, "{region}");
        // Not a repatriate: refused, so no reason beyond the refusal.
        assert_eq!(a["reason"], Value::Null, "{region}");
    }
    // An unknown region (a data.format finding) neither.
    let app = family("Atlantis").first();
    assert_eq!(allowance(&app)["lifting_total_rub"], 0);
}

#[test]
fn region_outside_the_program_gets_no_compensation_either() {
    let mut b = family("Moscow");
    b.expense(Expense::new("A001", "travel", "12500.50", "ticket.pdf"));
    let app = b.first();
    assert_eq!(allowance(&app)["compensation_rub"], 0.0);
}

#[test]
fn unconfirmed_region_is_paid_as_an_ordinary_one() {
    // Moscow Oblast: our sources neither confirm nor exclude it (a warning); the
    // allowance is shown as for an ordinary participating region.
    let app = family("Moscow Oblast").first();
    let a = allowance(&app);
    assert_eq!(a["territory"], "other");
    assert_eq!(
        a["lifting_total_rub"],
        rate("lifting.other", "participant_rub") + 6 * rate("lifting.other", "member_rub")
    );
}

#[test]
fn fees_count_relocating_adults() {
    // The applicant, S, C2, C3 (18 today) and P; not C1, C4 (17) nor X (stays).
    let app = family("Primorsky Krai").first();
    // Edition 2: the participant certificate is free; the seed's application and
    // consular fees have no source and are gone. Only the citizenship duty remains.
    assert_eq!(
        app["fees"],
        json!({
            "citizenship_duty_rub": 5 * rate("fees", "citizenship_duty_rub"),
            "verified": verified("fees"),
        })
    );
}

// ---------------------------------------------------------------------------------------
// Compensation

/// Amount in kopecks of a `1234.56` string.
fn kopecks(amount: &str) -> i64 {
    let (r, k) = amount.split_once('.').unwrap_or((amount, "0"));
    r.parse::<i64>().unwrap() * 100 + format!("{k:0<2}").parse::<i64>().unwrap()
}

#[test]
fn compensation_of_relocating_people_only() {
    for region in ["Primorsky Krai", "Kaliningrad Oblast"] {
        let mut b = family(region);
        // (member, kind, amount, weight, counts)
        let expenses: &[(&str, &str, &str, &str, bool)] = &[
            ("", "travel", "12500.50", "", true),
            ("S", "travel", "12500.50", "", true),
            ("C1", "travel", "6250.25", "", true),
            ("P", "travel", "12500.50", "", true),
            ("X", "travel", "9999.99", "", false),
            ("", "baggage", "45000", "1200", true),
            ("", "duty", "3500", "", true),
        ];
        let receipts: Vec<String> = (0..expenses.len())
            .map(|i| format!("receipt_{i}.pdf"))
            .collect();
        for (&(member, kind, amount, weight, _), receipt) in expenses.iter().zip(&receipts) {
            b.expense(
                Expense::new("A001", kind, amount, receipt)
                    .of(member)
                    .weighing(weight),
            );
        }
        let app = b.first();
        let expected: i64 = expenses.iter().filter(|e| e.4).map(|e| kopecks(e.2)).sum();
        let got = allowance(&app)["compensation_rub"].as_f64().unwrap();
        assert_eq!(
            (got * 100.0).round() as i64,
            expected,
            "{region}: {got} RUB"
        );
        // The stay-at-home sibling's ticket is flagged, not counted.
        let flagged = findings_of(&app, "claim.not_relocating");
        assert_eq!(flagged.len(), 1, "{:#}", app["findings"]);
        assert_eq!(flagged[0]["member_id"], "X");
    }
}

#[test]
fn no_expenses_no_compensation() {
    let app = family("Primorsky Krai").first();
    assert_eq!(allowance(&app)["compensation_rub"], 0.0);
}

// ---------------------------------------------------------------------------------------
// Edition 2: priority territories, repatriates, members who leave the application, the
// pension age, the monthly benefit, what rests on unverified sources

/// The priority settlement territories of domain.md edition 2: the 11 subjects of the Far
/// Eastern Federal District (Decree 354 of 24.07.2019), by subject code.
const PRIORITY: &[(&str, &str)] = &[
    ("03", "Republic of Buryatia"),
    ("14", "Sakha (Yakutia)"),
    ("75", "Zabaykalsky Krai"),
    ("41", "Kamchatka Krai"),
    ("25", "Primorsky Krai"),
    ("27", "Khabarovsk Krai"),
    ("28", "Amur Oblast"),
    ("49", "Magadan Oblast"),
    ("65", "Sakhalin Oblast"),
    ("79", "Jewish Autonomous Oblast"),
    ("87", "Chukotka"),
];

#[test]
fn priority_territories_are_the_far_eastern_district() {
    let participant = rate("lifting.stages", "participant_stage1_rub")
        + rate("lifting.stages", "participant_stage2_rub");
    for (code, region) in PRIORITY {
        let app = with_regions("Almaty", code).first();
        let a = allowance(&app);
        assert_eq!(a["territory"], "priority", "{region}: {a:#}");
        assert_eq!(a["lifting_total_rub"], participant, "{region}");
    }
    // Irkutsk Oblast is no longer one: the allowance of an ordinary region.
    let app = with_regions("Almaty", "Irkutsk Oblast").first();
    let a = allowance(&app);
    assert_eq!(a["territory"], "other", "{a:#}");
    assert_eq!(
        a["lifting_total_rub"],
        rate("lifting.other", "participant_rub")
    );
    assert_eq!(a["stage2_rub"], 0);
}

/// A repatriate (Decree 872) going to `region`, their evidence handed in.
fn repatriate(region: &str) -> Batch {
    let mut b = family(region);
    b.set("repatriate", "yes").hand_in("repatriate_evidence");
    b
}

#[test]
fn repatriate_outside_a_participating_region_has_no_state_support() {
    for region in ["Moscow", "Saint Petersburg"] {
        let mut b = repatriate(region);
        b.expense(Expense::new("A001", "travel", "12500.50", "ticket.pdf"));
        let app = b.first();
        // May settle there: no refusal, a warning that there is no support.
        assert_eq!(
            rules(&app),
            ["warning.repatriate_no_support"],
            "{region}: {:#}",
            app["findings"]
        );
        assert_eq!(app["status"], "ready", "{region}");
        let f = &app["findings"][0];
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["field"], "target_region");
        let a = allowance(&app);
        assert_eq!(a["territory"], Value::Null, "{region}");
        assert_eq!(a["lifting_total_rub"], 0, "{region}");
        assert_eq!(a["stage1_rub"], 0, "{region}");
        assert_eq!(a["stage2_rub"], 0, "{region}");
        assert_eq!(a["persons"], json!([]), "{region}");
        assert_eq!(a["compensation_rub"], 0.0, "{region}");
        assert_eq!(a["monthly_benefit_rub"], Value::Null, "{region}");
        assert_eq!(a["monthly_benefit_months"], 0, "{region}");
        assert_eq!(a["reason"], "warning.repatriate_no_support", "{region}");
    }
}

#[test]
fn repatriate_in_a_participating_region_is_paid_as_anyone() {
    for region in ["Primorsky Krai", "Kaliningrad Oblast"] {
        let plain = family(region).first();
        let app = repatriate(region).first();
        assert_eq!(app["findings"], plain["findings"], "{region}");
        assert_eq!(allowance(&app), allowance(&plain), "{region}");
        assert_eq!(allowance(&app)["reason"], Value::Null);
    }
    // Without the evidence the application is incomplete, the allowance still shown.
    let mut b = family("Primorsky Krai");
    b.set("repatriate", "yes");
    let app = b.first();
    assert!(
        rules(&app).contains(&"docs.missing.repatriate_evidence".to_string()),
        "{:#}",
        app["findings"]
    );
    assert_eq!(allowance(&app)["territory"], "priority");
}

#[test]
fn a_member_who_must_leave_the_application_is_not_paid_for() {
    // The spouse is banned from entering Russia; an adult capable sibling is no family
    // member under Decree 809. Neither counts; the others do.
    let mut b = Batch::ready();
    let s = b.member("A001", Member::spouse("S"));
    b.set_member(s, "entry_ban", "yes");
    b.member("A001", Member::new("B", "sibling", "M", "1990-01-01"));
    b.member("A001", Member::child("C", "F", "2004-01-01"));
    let app = b.first();
    assert_eq!(app["status"], "invalid", "{:#}", app["findings"]);
    let ids: Vec<String> = persons(&app).into_iter().map(|p| p.0).collect();
    assert_eq!(ids, ["", "C"]);
    // Near miss: the same family without the ban and with a minor sibling.
    let mut b = Batch::ready();
    b.member("A001", Member::spouse("S"));
    b.member("A001", Member::new("B", "sibling", "M", "2012-01-01"));
    b.member("A001", Member::child("C", "F", "2004-01-01"));
    let app = b.first();
    assert_eq!(app["status"], "ready", "{:#}", app["findings"]);
    let ids: Vec<String> = persons(&app).into_iter().map(|p| p.0).collect();
    assert_eq!(ids, ["", "S", "B", "C"]);
}

#[test]
fn a_blank_pensioner_cell_at_pension_age_gets_no_stage_2() {
    // A mother at the pension age with `pensioner` blank: counted a pensioner (no stage
    // 2), with warning.pensioner_assumed. A year younger: an adult who is not one.
    let age = rate("pension_age", "women");
    let at = |years: i64| {
        let birth = format!("{}-11-24", 2026 - years);
        let mut b = Batch::ready();
        b.member(
            "A001",
            Member::new("P", "parent", "F", &birth).pensioner_blank(),
        );
        b.first()
    };
    let app = at(age);
    assert_eq!(rules(&app), ["warning.pensioner_assumed"]);
    assert_eq!(
        persons(&app)[1],
        (
            "P".to_string(),
            rate("lifting.stages", "member_stage1_rub"),
            0
        )
    );
    let app = at(age - 1);
    assert_eq!(rules(&app), Vec::<String>::new());
    assert_eq!(
        persons(&app)[1],
        (
            "P".to_string(),
            rate("lifting.stages", "member_stage1_rub"),
            rate("lifting.stages", "member_stage2_rub")
        )
    );
}

#[test]
fn monthly_benefit_with_a_known_subsistence_minimum() {
    // Khabarovsk Krai, 2026: half the working-age minimum, for 6 months.
    let minimum = subsistence_minimum("Khabarovsk Krai", 2026)
        .expect("subsistence.toml knows Khabarovsk Krai in 2026");
    let app = with_regions("Almaty", "Khabarovsk Krai").first();
    let a = allowance(&app);
    assert_eq!(a["territory"], "priority");
    assert_eq!(a["monthly_benefit_rub"], monthly_benefit(minimum));
    assert_eq!(
        a["monthly_benefit_months"],
        rate("monthly_benefit", "max_months")
    );
    // With the figures of December 2026: 25,186 → 12,593 RUB.
    if minimum == 25_186 && rate("monthly_benefit", "share_percent") == 50 {
        assert_eq!(a["monthly_benefit_rub"], 12_593);
    }
}

#[test]
fn monthly_benefit_without_a_known_subsistence_minimum() {
    // Amur Oblast is a priority territory whose 2026 minimum no source gave: paid, the
    // amount determined by the authority (null).
    assert_eq!(subsistence_minimum("Amur Oblast", 2026), None);
    let app = with_regions("Almaty", "Amur Oblast").first();
    let a = allowance(&app);
    assert_eq!(a["territory"], "priority");
    assert_eq!(a["monthly_benefit_rub"], Value::Null);
    assert_eq!(
        a["monthly_benefit_months"],
        rate("monthly_benefit", "max_months")
    );
}

#[test]
fn no_monthly_benefit_in_an_ordinary_region() {
    // Kaliningrad Oblast has a known minimum, but is no priority territory.
    assert!(subsistence_minimum("Kaliningrad Oblast", 2026).is_some());
    let app = with_regions("Almaty", "Kaliningrad Oblast").first();
    let a = allowance(&app);
    assert_eq!(a["territory"], "other");
    assert_eq!(a["monthly_benefit_rub"], Value::Null);
    assert_eq!(a["monthly_benefit_months"], 0);
}

#[test]
fn allowance_names_the_unverified_sources_it_rests_on() {
    let unverified = |app: &Value| -> Vec<String> {
        allowance(app)["unverified"]
            .as_array()
            .unwrap_or_else(|| panic!("allowance.unverified: {:#}", allowance(app)))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let has = |list: &[String], s: &str| list.iter().any(|x| x == s);
    // A priority territory: the totals, the stages, the monthly benefit.
    let p = unverified(&Batch::ready().first());
    for s in ["lifting.priority", "lifting.stages", "monthly_benefit"] {
        assert_eq!(has(&p, s), !verified(s), "{s} in {p:?}");
    }
    assert!(!has(&p, "lifting.other"), "{p:?}");
    // An ordinary region: its one payment; no monthly benefit.
    let o = unverified(&with_regions("Almaty", "Kaliningrad Oblast").first());
    assert_eq!(
        has(&o, "lifting.other"),
        !verified("lifting.other"),
        "{o:?}"
    );
    for s in ["lifting.priority", "lifting.stages", "monthly_benefit"] {
        assert!(!has(&o, s), "{s} in {o:?}");
    }
    // Nothing to claim: nothing to mark.
    let n = unverified(&family("Moscow").first());
    assert!(n.is_empty(), "{n:?}");
}

// ---------------------------------------------------------------------------------------
// Missions

/// The last Monday–Friday of the month of `d`.
fn last_working_day(d: Date) -> Date {
    let mut day = d.last_of_month();
    while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        day = day.yesterday().unwrap();
    }
    day
}

/// Astana's next booking day on or after `from`: the last working day of this month,
/// or of the next one once it has passed.
fn astana_booking(from: Date) -> Date {
    let this = last_working_day(from);
    if this >= from {
        this
    } else {
        last_working_day(from.first_of_month().checked_add(1.month()).unwrap())
    }
}

fn consulate(kz_region: &str, target: &str) -> Value {
    let app = with_regions(kz_region, target).first();
    app["consulate"].clone()
}

fn with_regions(kz_region: &str, target: &str) -> Batch {
    let mut b = Batch::ready();
    b.set("kz_region", kz_region).set("target_region", target);
    b
}

#[test]
fn almaty_books_on_the_18th_of_odd_months_with_walk_in_for_priority() {
    let c = consulate("Almaty", "Primorsky Krai");
    assert_eq!(c["id"], "almaty");
    assert_eq!(c["name"]["en"], "Consulate General of Russia in Almaty");
    // 18 November 2026 has passed on the 24th; January is the next odd month.
    assert_eq!(c["next_booking"], "2027-01-18");
    let walk_in = c["walk_in"]["en"].as_str().expect("walk-in hours");
    assert!(walk_in.contains("Mon, Fri"), "{walk_in}");
    assert!(
        walk_in.contains("10:00") && walk_in.contains("16:00"),
        "{walk_in}"
    );
    assert!(c["walk_in"]["ru"].as_str().unwrap().contains("пн, пт"));

    // Every priority territory of domain.md (the 11 subjects of the Far Eastern Federal
    // District) opens the walk-in; an ordinary region — Irkutsk Oblast since Decree 354
    // — not.
    for (code, region) in PRIORITY {
        let c = consulate("Almaty", code);
        assert!(c["walk_in"].is_object(), "{region}: {c:#}");
    }
    assert_eq!(consulate("Almaty", "38")["walk_in"], Value::Null, "Irkutsk");
    let c = consulate("Almaty", "Kaliningrad Oblast");
    assert_eq!(c["id"], "almaty");
    assert_eq!(c["next_booking"], "2027-01-18");
    assert_eq!(c["walk_in"], Value::Null);
    // A region outside the program: no walk-in either.
    assert_eq!(consulate("Almaty", "Moscow")["walk_in"], Value::Null);
}

#[test]
fn almaty_booking_day_itself_and_the_day_after() {
    let b = Batch::ready();
    let on = |d: &str| b.report_on(d.parse().unwrap())["applicants"][0]["consulate"].clone();
    assert_eq!(on("2026-11-18")["next_booking"], "2026-11-18");
    assert_eq!(on("2026-11-19")["next_booking"], "2027-01-18");
    assert_eq!(on("2026-12-31")["next_booking"], "2027-01-18");
    assert_eq!(on("2027-01-19")["next_booking"], "2027-03-18");
}

#[test]
fn astana_books_on_the_last_working_day() {
    let c = consulate("Astana", "Primorsky Krai");
    assert_eq!(c["id"], "astana");
    let expected = astana_booking(as_of());
    assert_eq!(c["next_booking"], expected.to_string());
    // 30 November 2026 is a Monday.
    assert_eq!(expected, jiff::civil::date(2026, 11, 30));
    // Walk-in hours are Almaty's only.
    assert_eq!(c["walk_in"], Value::Null);

    // Across a month whose last day is a Sunday (January 2027) and after it.
    let b = with_regions("Astana", "Kaliningrad Oblast");
    for d in ["2027-01-05", "2027-01-29", "2027-01-30"] {
        let day: Date = d.parse().unwrap();
        let c = &b.report_on(day)["applicants"][0]["consulate"];
        assert_eq!(
            c["next_booking"],
            astana_booking(day).to_string(),
            "as of {d}"
        );
    }
}

#[test]
fn missions_without_a_booking_rule() {
    for (kz, id) in [
        ("East Kazakhstan Region", "ust_kamenogorsk"),
        ("Aktobe Region", "uralsk"),
    ] {
        let c = consulate(kz, "Primorsky Krai");
        assert_eq!(c["id"], id);
        assert_eq!(c["next_booking"], Value::Null, "{id}: ask the mission");
        assert_eq!(c["walk_in"], Value::Null);
    }
}

#[test]
fn every_region_of_kazakhstan_has_its_mission() {
    // domain.md "Where to apply", with the regions created or renamed later mapped to
    // the mission of the region they came from.
    let table: &[(&str, &str)] = &[
        ("Akmola Region", "astana"),
        ("North Kazakhstan Region", "astana"),
        ("Karaganda Region", "astana"),
        ("Kostanay Region", "astana"),
        ("Astana", "astana"),
        ("Ulytau Region", "astana"),
        ("Almaty Region", "almaty"),
        ("Zhambyl Region", "almaty"),
        ("Turkistan Region", "almaty"),
        ("Kyzylorda Region", "almaty"),
        ("Almaty", "almaty"),
        ("Shymkent", "almaty"),
        ("Zhetysu Region", "almaty"),
        ("Pavlodar Region", "ust_kamenogorsk"),
        ("East Kazakhstan Region", "ust_kamenogorsk"),
        ("Abai Region", "ust_kamenogorsk"),
        ("Aktobe Region", "uralsk"),
        ("Atyrau Region", "uralsk"),
        ("West Kazakhstan Region", "uralsk"),
        ("Mangystau Region", "uralsk"),
    ];
    let mut b = Batch::empty();
    for (i, (kz, _)) in table.iter().enumerate() {
        let row = b.add_applicant(&format!("K{i:02}"));
        b.set_at(row, "kz_region", kz);
    }
    let r = b.report();
    for (app, (kz, id)) in r["applicants"].as_array().unwrap().iter().zip(table) {
        assert_eq!(app["consulate"]["id"], *id, "{kz}");
        assert_eq!(app["status"], "ready", "{kz}: {:#}", app["findings"]);
    }
}
