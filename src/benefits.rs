//! Allowances and compensation a family can claim, from `rates.toml` (amounts in force on
//! the as-of date): the lifting allowance by stage and person, relocation compensation
//! from `expenses.csv`, the monthly benefit, and the fees to budget for.

use serde::Serialize;

use crate::model::{Applicant, ExpenseKind};
use crate::rules::facts::MemberFacts;
use crate::schema::Rates;

/// The kind of territory the target region is, for the lifting allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Territory {
    /// A priority settlement territory: two stages.
    Priority,
    /// Any other participating region: one payment.
    Other,
}

/// One person's share of the lifting allowance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonAllowance {
    /// `None` for the participant.
    pub member_id: Option<String>,
    pub stage1_rub: i64,
    pub stage2_rub: i64,
}

/// What a family can claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Allowance {
    pub territory: Option<Territory>,
    pub lifting_total_rub: i64,
    pub stage1_rub: i64,
    pub stage2_rub: i64,
    /// Per person, participant first.
    pub persons: Vec<PersonAllowance>,
    /// Travel, baggage and duty expenses that qualify, in roubles (kopecks as decimals).
    pub compensation_rub: f64,
    /// Per month, while there is no income; `None` when the region's subsistence minimum
    /// is not in regions.toml.
    pub monthly_benefit_rub: Option<i64>,
    pub monthly_benefit_months: i64,
}

/// Fees the family should budget for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fees {
    /// Citizenship duty for every adult who will apply (applicant and relocating adults).
    pub citizenship_duty_rub: i64,
    pub application_fee_rub: i64,
    pub consular_fee_usd: i64,
}

/// The lifting allowance: `territory` is `None` when the region does not take part (or
/// is unknown), and then nothing is due.
pub fn lifting(
    territory: Option<Territory>,
    members: &[MemberFacts],
    rates: &Rates,
) -> (i64, i64, Vec<PersonAllowance>) {
    let l = &rates.lifting;
    let mut persons = Vec::new();
    let Some(territory) = territory else {
        return (0, 0, persons);
    };
    let (p1, p2) = match territory {
        Territory::Priority => (
            l.priority_participant_stage1_rub,
            l.priority_participant_stage2_rub,
        ),
        Territory::Other => (l.other_participant_rub, 0),
    };
    persons.push(PersonAllowance {
        member_id: None,
        stage1_rub: p1,
        stage2_rub: p2,
    });
    for m in members.iter().filter(|m| m.is_relocating()) {
        let (s1, s2) = match territory {
            Territory::Priority => {
                // Stage 2 only for adults who are not pensioners; an unknown age is not
                // assumed adult.
                let adult = m.age.is_some_and(|a| a >= l.adult_age);
                let pensioner = m.pensioner == Some(true);
                let s2 = if adult && !pensioner {
                    l.priority_member_stage2_rub
                } else {
                    0
                };
                (l.priority_member_stage1_rub, s2)
            }
            Territory::Other => (l.other_member_rub, 0),
        };
        persons.push(PersonAllowance {
            member_id: Some(m.member_id.clone()),
            stage1_rub: s1,
            stage2_rub: s2,
        });
    }
    let stage1 = persons.iter().map(|p| p.stage1_rub).sum();
    let stage2 = persons.iter().map(|p| p.stage2_rub).sum();
    (stage1, stage2, persons)
}

/// Whether an expense qualifies: the applicant's own, or a relocating member's.
pub fn expense_qualifies(member_id: Option<&str>, members: &[MemberFacts]) -> bool {
    match member_id {
        None => true,
        Some(id) => members
            .iter()
            .any(|m| m.member_id == id && m.is_relocating()),
    }
}

/// The whole allowance of one family; `territory` is `None` when nothing can be claimed
/// (a region outside the program, or a refused applicant).
pub fn allowance(
    a: &Applicant,
    territory: Option<Territory>,
    subsistence_minimum_rub: Option<i64>,
    members: &[MemberFacts],
    rates: &Rates,
) -> Allowance {
    let (stage1, stage2, persons) = lifting(territory, members, rates);
    // Outside the program (or when refused) nothing is compensated.
    let kopecks: i64 = a
        .expenses
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                Some(ExpenseKind::Travel | ExpenseKind::Baggage | ExpenseKind::Duty)
            )
        })
        .filter(|e| expense_qualifies(e.member_id.as_deref(), members))
        .filter_map(|e| e.amount_kopecks)
        .sum::<i64>()
        * i64::from(territory.is_some());
    let mb = &rates.monthly_benefit;
    Allowance {
        territory,
        lifting_total_rub: stage1 + stage2,
        stage1_rub: stage1,
        stage2_rub: stage2,
        persons,
        compensation_rub: kopecks as f64 / 100.0,
        monthly_benefit_rub: subsistence_minimum_rub
            .filter(|_| territory.is_some())
            .map(|m| m * mb.share_percent / 100),
        monthly_benefit_months: mb.max_months,
    }
}

/// The fees of one family.
pub fn fees(age: Option<i64>, members: &[MemberFacts], rates: &Rates) -> Fees {
    let adult = |a: Option<i64>| a.is_some_and(|a| a >= rates.lifting.adult_age);
    let adults = i64::from(adult(age))
        + members
            .iter()
            .filter(|m| m.is_relocating() && adult(m.age))
            .count() as i64;
    Fees {
        citizenship_duty_rub: adults * rates.fees.citizenship_duty_rub,
        application_fee_rub: rates.fees.application_fee_rub,
        consular_fee_usd: rates.fees.consular_fee_usd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;

    fn member(id: &str, age: i64, relocating: bool, pensioner: bool) -> MemberFacts {
        MemberFacts {
            member_id: id.into(),
            age: Some(age),
            relocating: Some(relocating),
            pensioner: Some(pensioner),
            ..MemberFacts::default()
        }
    }

    fn rates() -> Rates {
        let s = Schemas::embedded().unwrap();
        s.rates.on(jiff::civil::date(2026, 11, 24)).unwrap().clone()
    }

    #[test]
    fn priority_family_with_minor_and_pensioner() {
        let members = [
            member("S", 40, true, false),  // spouse: 70 + 50
            member("C1", 15, true, false), // minor: 70
            member("G", 70, true, true),   // pensioner: 70
            member("X", 30, false, false), // stays: nothing
        ];
        let (s1, s2, persons) = lifting(Some(Territory::Priority), &members, &rates());
        assert_eq!(s1, 150_000 + 3 * 70_000);
        assert_eq!(s2, 90_000 + 50_000);
        assert_eq!(persons.len(), 4);
        assert_eq!(persons[0].member_id, None);
    }

    #[test]
    fn ordinary_region_single_payment() {
        let members = [member("S", 40, true, false), member("C", 5, true, false)];
        let (s1, s2, _) = lifting(Some(Territory::Other), &members, &rates());
        assert_eq!((s1, s2), (20_000 + 2 * 10_000, 0));
    }

    #[test]
    fn no_territory_no_allowance() {
        let (s1, s2, p) = lifting(None, &[member("S", 40, true, false)], &rates());
        assert_eq!((s1, s2, p.len()), (0, 0, 0));
    }

    #[test]
    fn fees_count_relocating_adults() {
        let members = [
            member("S", 40, true, false),
            member("C", 5, true, false),
            member("P", 60, false, true),
        ];
        assert_eq!(
            fees(Some(35), &members, &rates()).citizenship_duty_rub,
            2 * 3500
        );
    }
}
