//! Amounts and weights of expenses.csv have a sane bound: an `amount_rub` above one
//! billion roubles or a `weight_kg` above a million kilograms is a `data.format` error on
//! its cell (the value is not used, the applicant is invalid), like a value that cannot
//! be read; so sums of amounts can never overflow into a negative total. Negative values
//! are refused as unreadable.

use crate::fixture;

use fixture::*;
use serde_json::Value;

/// A ready applicant A001 (going to Primorsky Krai, a priority territory) with baggage
/// expenses of `(amount, weight)`.
fn with_expenses(expenses: &[(&str, &str)]) -> Batch {
    let mut b = Batch::ready();
    for (i, &(amount, weight)) in expenses.iter().enumerate() {
        let receipt = format!("receipt_{i}.pdf");
        b.expense(Expense::new("A001", "baggage", amount, &receipt).weighing(weight));
    }
    b
}

/// (source, rule, en, ru) of the applicant's data findings (`data.*`) on column `col`;
/// rules on the values read (such as `claim.baggage_over_limit`) are left out.
fn on_column(app: &Value, col: &str) -> Vec<(String, String, String, String)> {
    app["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["field"] == col && f["rule"].as_str().unwrap().starts_with("data."))
        .map(|f| {
            (
                f["source"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["message"]["en"].as_str().unwrap().to_string(),
                f["message"]["ru"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn amounts_and_weights_at_the_bounds_are_read() {
    let b = with_expenses(&[("1000000000", "1000000"), ("999 999 999,99", "999999.999")]);
    let r = b.report();
    let app = &r["applicants"][0];
    assert!(
        on_column(app, "amount_rub").is_empty(),
        "{:#}",
        app["findings"]
    );
    assert!(
        on_column(app, "weight_kg").is_empty(),
        "{:#}",
        app["findings"]
    );
    assert_eq!(
        r["rows"]["expenses.csv"],
        serde_json::json!({"read": 2, "accepted": 2, "rejected": 0})
    );
    // Both are compensated: 1,999,999,999.99 roubles.
    let got = app["allowance"]["compensation_rub"].as_f64().unwrap();
    assert_eq!((got * 100.0).round() as i64, 199_999_999_999, "{got}");
}

#[test]
fn amounts_and_weights_just_over_the_bounds_are_format_errors_on_their_cells() {
    let b = with_expenses(&[
        ("1000000000.01", "1000000.001"),
        ("1 000 000 001", "1 000 001"),
    ]);
    let r = b.report();
    let app = &r["applicants"][0];
    assert_eq!(app["status"], "invalid", "{:#}", app["findings"]);
    // The rows are attached (as with an unreadable amount); only the values are not used.
    assert_eq!(
        r["rows"]["expenses.csv"],
        serde_json::json!({"read": 2, "accepted": 2, "rejected": 0})
    );
    assert_eq!(app["allowance"]["compensation_rub"], 0.0);

    let amounts = on_column(app, "amount_rub");
    assert_eq!(
        amounts,
        [
            (
                cell("expenses.csv", &b.expenses, 0, "amount_rub"),
                "data.format".to_string(),
                // A run of 9+ digits is masked in every message.
                "amount_rub: value «••••••0000.01» is more than 1,000,000,000 roubles — no expense is that large, check the cell".to_string(),
                "amount_rub: значение «••••••0000.01» больше 1 000 000 000 руб. — таких расходов не бывает, проверьте ячейку".to_string(),
            ),
            (
                cell("expenses.csv", &b.expenses, 1, "amount_rub"),
                "data.format".to_string(),
                "amount_rub: value «1 000 000 001» is more than 1,000,000,000 roubles — no expense is that large, check the cell".to_string(),
                "amount_rub: значение «1 000 000 001» больше 1 000 000 000 руб. — таких расходов не бывает, проверьте ячейку".to_string(),
            ),
        ]
    );
    let weights = on_column(app, "weight_kg");
    assert_eq!(
        weights,
        [
            (
                cell("expenses.csv", &b.expenses, 0, "weight_kg"),
                "data.format".to_string(),
                "weight_kg: value «1000000.001» is more than 1,000,000 kg — no baggage is that heavy, check the cell".to_string(),
                "weight_kg: значение «1000000.001» больше 1 000 000 кг — такого багажа не бывает, проверьте ячейку".to_string(),
            ),
            (
                cell("expenses.csv", &b.expenses, 1, "weight_kg"),
                "data.format".to_string(),
                "weight_kg: value «1 000 001» is more than 1,000,000 kg — no baggage is that heavy, check the cell".to_string(),
                "weight_kg: значение «1 000 001» больше 1 000 000 кг — такого багажа не бывает, проверьте ячейку".to_string(),
            ),
        ]
    );
}

/// Two expenses of 5·10^16 roubles each fit an i64 of kopecks alone, but their sum
/// wrapped into a negative compensation (and claim form total). They are refused now.
#[test]
fn huge_amounts_never_sum_to_a_negative_total() {
    let b = with_expenses(&[("50000000000000000", ""), ("50000000000000000", "")]);
    let app = b.first();
    // Before the bound: -84,467,440,737,095,516.16 roubles.
    let got = app["allowance"]["compensation_rub"].as_f64().unwrap();
    assert_eq!(got, 0.0, "{:#}", app["allowance"]);
    assert_eq!(app["status"], "invalid");
    let amounts = on_column(&app, "amount_rub");
    assert_eq!(amounts.len(), 2, "{amounts:#?}");
    assert!(
        amounts.iter().all(|(_, rule, en, _)| rule == "data.format"
            && en.ends_with(
                "is more than 1,000,000,000 roubles — no expense is that large, check the cell"
            )),
        "{amounts:#?}"
    );
}

#[test]
fn negative_amounts_and_weights_are_refused() {
    let b = with_expenses(&[("-100", "-5")]);
    let app = b.first();
    assert_eq!(app["status"], "invalid");
    assert_eq!(app["allowance"]["compensation_rub"], 0.0);
    let amounts = on_column(&app, "amount_rub");
    assert_eq!(
        amounts,
        [(
            cell("expenses.csv", &b.expenses, 0, "amount_rub"),
            "data.format".to_string(),
            "amount_rub: value «-100» not understood — expected a number (roubles), e.g. 12500.50"
                .to_string(),
            "amount_rub: значение «-100» не распознано — ожидается число (руб.), например 12500,50"
                .to_string(),
        )]
    );
    let weights = on_column(&app, "weight_kg");
    assert_eq!(weights.len(), 1, "{weights:#?}");
    assert_eq!(weights[0].1, "data.format");
}
