//! Allowance arithmetic and missions: the lifting allowance of families with a spouse,
//! minor and adult children, a relocating pensioner and a member who stays, in a priority
//! settlement territory (Primorsky Krai) and an ordinary participating region
//! (Kaliningrad Oblast); relocation compensation from expenses.csv; nothing in a region
//! outside the program; the mission, next booking day and walk-in hours.
//!
//! Expected amounts are computed here from schemas/rates.toml (read with the `toml`
//! crate), so the tests follow the schema when the amounts change.

mod common;
mod fixture;

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

fn rate(section: &str, key: &str) -> i64 {
    period()[section][key]
        .as_integer()
        .unwrap_or_else(|| panic!("rates.toml: {section}.{key}"))
}

/// The subsistence minimum regions.toml gives for the Russian region named `en`.
fn subsistence_minimum(en: &str) -> Option<i64> {
    let text = std::fs::read_to_string(common::repo().join("schemas/regions.toml")).unwrap();
    let regions: toml::Table = toml::from_str(&text).unwrap();
    let region = regions["russia"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["en"].as_str() == Some(en))
        .unwrap_or_else(|| panic!("{en} not in regions.toml"));
    region
        .get("subsistence_minimum_rub")
        .and_then(toml::Value::as_integer)
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
        Member {
            id: "P",
            relation: "parent",
            sex: "F",
            birth: "1955-01-20",
            relocating: true,
            pensioner: true,
        },
    );
    b.member(
        "A001",
        Member {
            id: "X",
            relation: "sibling",
            sex: "M",
            birth: "1990-07-07",
            relocating: false,
            pensioner: false,
        },
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
        rate("lifting", "priority_participant_stage1_rub"),
        rate("lifting", "priority_participant_stage2_rub"),
    );
    let (m1, m2) = (
        rate("lifting", "priority_member_stage1_rub"),
        rate("lifting", "priority_member_stage2_rub"),
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
    // The monthly benefit: a share of the region's subsistence minimum, when
    // regions.toml knows it.
    assert_eq!(
        a["monthly_benefit_rub"],
        match subsistence_minimum("Primorsky Krai") {
            Some(m) => json!(m * rate("monthly_benefit", "share_percent") / 100),
            None => Value::Null,
        }
    );
    assert_eq!(
        a["monthly_benefit_months"],
        rate("monthly_benefit", "max_months")
    );
}

#[test]
fn ordinary_region_one_payment_per_person() {
    let app = family("Kaliningrad Oblast").first();
    let (p, m) = (
        rate("lifting", "other_participant_rub"),
        rate("lifting", "other_member_rub"),
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
        rate("lifting", "priority_participant_stage1_rub")
    );
    assert_eq!(
        a["stage2_rub"],
        rate("lifting", "priority_participant_stage2_rub")
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
        rate("lifting", "other_participant_rub") + 6 * rate("lifting", "other_member_rub")
    );
}

#[test]
fn fees_count_relocating_adults() {
    // The applicant, S, C2, C3 (18 today) and P; not C1, C4 (17) nor X (stays).
    let app = family("Primorsky Krai").first();
    assert_eq!(
        app["fees"],
        json!({
            "citizenship_duty_rub": 5 * rate("fees", "citizenship_duty_rub"),
            "application_fee_rub": rate("fees", "application_fee_rub"),
            "consular_fee_usd": rate("fees", "consular_fee_usd"),
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

    // Every priority territory of domain.md opens the walk-in; an ordinary region not.
    for region in [
        "Amur Oblast",
        "Jewish Autonomous Oblast",
        "Irkutsk Oblast",
        "Magadan Oblast",
        "Sakhalin Oblast",
        "Zabaykalsky Krai",
        "Kamchatka Krai",
        "Khabarovsk Krai",
        "Republic of Buryatia",
    ] {
        let c = consulate("Almaty", region);
        assert!(c["walk_in"].is_object(), "{region}: {c:#}");
    }
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
