//! Expense rows that will not be compensated as they stand: no readable receipt, a
//! family member who does not relocate, a fare class above the compensated one.

use crate::benefits;
use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Message};
use crate::model::{Applicant, Batch, Vocabulary};
use crate::schema::Rates;

use super::facts::MemberFacts;

/// The claim findings of `a`'s expenses.
pub fn claims(
    batch: &Batch,
    rates: &Rates,
    a: &Applicant,
    members: &[MemberFacts],
    findings: &mut Vec<Finding>,
) {
    let finding = |rule: &'static str, member: Option<&str>, row: u64, col: Col, message| {
        Finding::new(rule, message)
            .member(member.map(str::to_string))
            .on(col)
            .at(Some(batch.source(FileKind::Expenses, row, col)))
    };
    for e in &a.expenses {
        let member = e.member_id.as_deref();
        let present = !e.receipt.is_empty()
            && a.files.iter().any(|f| {
                f.eq_ignore_ascii_case(&e.receipt) || f.to_lowercase() == e.receipt.to_lowercase()
            });
        if !present {
            let message = if e.receipt.is_empty() {
                Message::new(
                    words!(
                        "Расход без квитанции: квитанция не указана — не будет компенсирован без неё",
                        "Expense without a receipt: no receipt is given — it will not be compensated without one",
                    ),
                    [],
                )
            } else {
                Message::new(
                    words!(
                        "Расход без квитанции: файла «{0}» нет в documents/{1}/ — не будет компенсирован без неё",
                        "Expense without a receipt: «{0}» is not in documents/{1}/ — it will not be compensated without one",
                    ),
                    [
                        Arg::value(crate::values::show(&e.receipt)),
                        Arg::id(a.applicant_id.as_str()),
                    ],
                )
            };
            findings.push(finding(
                "claim.receipt_missing",
                member,
                e.row,
                Col::Receipt,
                message,
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
                Message::new(
                    words!(
                        "Расход члена семьи, который не переезжает: не компенсируется",
                        "An expense of a family member who does not relocate: not compensated",
                    ),
                    [],
                ),
            ));
        }
        if let Some(class) = e.fare_class
            && !rates.compensation.fares.compensates(class)
        {
            findings.push(finding(
                "claim.fare_class",
                member,
                e.row,
                Col::FareClass,
                Message::new(
                    words!(
                        "Класс проезда «{0}» выше компенсируемого (авиа — эконом, ж/д — купе, речной — II категория): разница может не быть компенсирована",
                        "Fare class «{0}» is above the compensated one (air economy, rail compartment, river category II): the difference may not be compensated",
                    ),
                    [Arg::plain(class.canonical())],
                ),
            ));
        }
    }
}
