//! Expense rows that will not be compensated as they stand: no readable receipt, a
//! family member who does not relocate, a fare class above the compensated one.

use crate::benefits;
use crate::columns::{Col, FileKind};
use crate::findings::{Finding, Text};
use crate::model::{Applicant, Batch, Vocabulary};
use crate::schema::{Rates, Schemas};

use super::facts::MemberFacts;

/// The claim findings of `a`'s expenses.
pub fn claims(
    batch: &Batch,
    schemas: &Schemas,
    rates: &Rates,
    a: &Applicant,
    members: &[MemberFacts],
    findings: &mut Vec<Finding>,
) {
    let finding = |rule: &'static str, member: Option<&str>, row: u64, col: Col, message| Finding {
        rule,
        severity: schemas.rules.severity(rule),
        member_id: member.map(str::to_string),
        field: Some(col),
        source: Some(batch.source(FileKind::Expenses, row, col)),
        message,
        verified: true,
    };
    for e in &a.expenses {
        let member = e.member_id.as_deref();
        let present = !e.receipt.is_empty()
            && a.files.iter().any(|f| {
                f.eq_ignore_ascii_case(&e.receipt) || f.to_lowercase() == e.receipt.to_lowercase()
            });
        if !present {
            let (ru, en) = if e.receipt.is_empty() {
                (
                    "квитанция не указана".to_string(),
                    "no receipt is given".to_string(),
                )
            } else {
                let r = crate::values::show(&e.receipt);
                (
                    format!("файла «{r}» нет в documents/{}/", a.applicant_id),
                    format!("«{r}» is not in documents/{}/", a.applicant_id),
                )
            };
            findings.push(finding(
                "claim.receipt_missing",
                member,
                e.row,
                Col::Receipt,
                Text::new(
                    format!("Расход без квитанции: {ru} — не будет компенсирован без неё"),
                    format!(
                        "Expense without a receipt: {en} — it will not be compensated without one"
                    ),
                ),
            ));
        }
        if !benefits::expense_qualifies(member, members)
            && members.iter().any(|m| Some(m.member_id.as_str()) == member)
        {
            findings.push(finding(
                "claim.not_relocating",
                member,
                e.row,
                Col::MemberId,
                Text::new(
                    "Расход члена семьи, который не переезжает: не компенсируется",
                    "An expense of a family member who does not relocate: not compensated",
                ),
            ));
        }
        if let Some(class) = e.fare_class
            && !rates.compensation.fares.compensates(class)
        {
            let c = class.canonical();
            findings.push(finding(
                "claim.fare_class",
                member,
                e.row,
                Col::FareClass,
                Text::new(
                    format!("Класс проезда «{c}» выше компенсируемого (авиа — эконом, ж/д — купе, речной — II категория): разница может не быть компенсирована"),
                    format!("Fare class «{c}» is above the compensated one (air economy, rail compartment, river category II): the difference may not be compensated"),
                ),
            ));
        }
    }
}
