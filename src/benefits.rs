//! Allowances and compensation a family can claim, from `rates.toml` (amounts in force on
//! the as-of date) and `subsistence.toml`: the lifting allowance by stage and person,
//! relocation compensation from `expenses.csv`, the monthly benefit, and the fees to
//! budget for — each saying which of its sources no official text confirms.

use serde::Serialize;

use crate::cond::MemberFacts;
use crate::model::{Applicant, ExpenseKind};
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
    /// Per month, while there is no income; `None` when it is not paid here, or when the
    /// region's subsistence minimum for the year is not known (the authority sets it).
    pub monthly_benefit_rub: Option<i64>,
    /// For how many months; 0 when the monthly benefit is not paid in this territory.
    pub monthly_benefit_months: i64,
    /// Why nothing can be claimed, as a rule id (`warning.repatriate_no_support`), when
    /// the territory alone does not say it.
    pub reason: Option<&'static str>,
    /// The sections of rates.toml (and subsistence.toml) these amounts rest on that no
    /// official source confirms, e.g. `lifting.other`.
    pub unverified: Vec<&'static str>,
}

impl Allowance {
    /// Nothing to claim, for `reason`.
    pub fn none(territory: Option<Territory>, reason: Option<&'static str>) -> Allowance {
        Allowance {
            territory,
            lifting_total_rub: 0,
            stage1_rub: 0,
            stage2_rub: 0,
            persons: Vec::new(),
            compensation_rub: 0.0,
            monthly_benefit_rub: None,
            monthly_benefit_months: 0,
            reason,
            unverified: Vec::new(),
        }
    }

    /// Whether every amount rests on a verified source.
    pub fn verified(&self) -> bool {
        self.unverified.is_empty()
    }
}

/// Fees the family should budget for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fees {
    /// Citizenship duty for every adult who will apply (applicant and relocating adults).
    pub citizenship_duty_rub: i64,
    pub verified: bool,
}

/// The lifting allowance of the participant and each member in `members` (those who
/// relocate and belong in the application).
pub fn lifting(
    territory: Territory,
    members: &[&MemberFacts],
    rates: &Rates,
) -> (i64, i64, Vec<PersonAllowance>) {
    let (s, o) = (&rates.lifting.stages, &rates.lifting.other);
    let mut persons = Vec::with_capacity(members.len() + 1);
    let (p1, p2) = match territory {
        Territory::Priority => (s.participant_stage1_rub, s.participant_stage2_rub),
        Territory::Other => (o.participant_rub, 0),
    };
    persons.push(PersonAllowance {
        member_id: None,
        stage1_rub: p1,
        stage2_rub: p2,
    });
    for m in members {
        let (s1, s2) = match territory {
            Territory::Priority => {
                // Stage 2 only for adults who are not pensioners; an unknown age is not
                // assumed adult.
                let adult = m.age.is_some_and(|a| a >= s.adult_age);
                let pensioner = m.pensioner() == Some(true);
                let s2 = if adult && !pensioner {
                    s.member_stage2_rub
                } else {
                    0
                };
                (s.member_stage1_rub, s2)
            }
            Territory::Other => (o.member_rub, 0),
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

/// The working-age subsistence minimum of the settlement region for the year paid, and
/// whether its source is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minimum {
    pub rub: i64,
    pub verified: bool,
}

/// The whole allowance of a family that can claim in `territory`: `members` are the
/// relocating members who belong in the application; `minimum` the subsistence minimum
/// of the monthly benefit, when known.
pub fn allowance(
    a: &Applicant,
    territory: Territory,
    minimum: Option<Minimum>,
    members: &[MemberFacts],
    counted: &[&MemberFacts],
    rates: &Rates,
) -> Allowance {
    let (stage1, stage2, persons) = lifting(territory, counted, rates);
    let mut unverified = Vec::new();
    let mut note = |verified: bool, section: &'static str| {
        if !verified && !unverified.contains(&section) {
            unverified.push(section);
        }
    };
    match territory {
        Territory::Priority => {
            note(rates.lifting.priority.source.verified, "lifting.priority");
            note(rates.lifting.stages.source.verified, "lifting.stages");
        }
        Territory::Other => note(rates.lifting.other.source.verified, "lifting.other"),
    }
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
        .sum();
    if kopecks > 0 {
        note(
            rates.compensation.baggage.source.verified,
            "compensation.baggage",
        );
        note(
            rates.compensation.fares.source.verified,
            "compensation.fares",
        );
    }
    let mb = &rates.monthly_benefit;
    let paid_here = !mb.priority_only || territory == Territory::Priority;
    if paid_here {
        note(mb.source.verified, "monthly_benefit");
        if let Some(m) = minimum {
            note(m.verified, "subsistence");
        }
    }
    Allowance {
        territory: Some(territory),
        lifting_total_rub: stage1 + stage2,
        stage1_rub: stage1,
        stage2_rub: stage2,
        persons,
        compensation_rub: kopecks as f64 / 100.0,
        monthly_benefit_rub: minimum
            .filter(|_| paid_here)
            .map(|m| m.rub * mb.share_percent / 100),
        monthly_benefit_months: if paid_here { mb.max_months } else { 0 },
        reason: None,
        unverified,
    }
}

/// The fees of one family.
pub fn fees(age: Option<i64>, members: &[MemberFacts], rates: &Rates) -> Fees {
    let adult_age = rates.lifting.stages.adult_age;
    let adult = |a: Option<i64>| a.is_some_and(|a| a >= adult_age);
    let adults = i64::from(adult(age))
        + members
            .iter()
            .filter(|m| m.is_relocating() && adult(m.age))
            .count() as i64;
    Fees {
        citizenship_duty_rub: adults * rates.fees.citizenship_duty_rub,
        verified: rates.fees.source.verified,
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
            pensioner_cell: Some(pensioner),
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
        ];
        let counted: Vec<&MemberFacts> = members.iter().collect();
        let (s1, s2, persons) = lifting(Territory::Priority, &counted, &rates());
        assert_eq!(s1, 150_000 + 3 * 70_000);
        assert_eq!(s2, 90_000 + 50_000);
        assert_eq!(persons.len(), 4);
        assert_eq!(persons[0].member_id, None);
    }

    #[test]
    fn an_assumed_pensioner_gets_no_stage_two() {
        let mut g = member("G", 70, true, false);
        g.pensioner_cell = None;
        g.pensioner_assumed = true;
        let (_, s2, _) = lifting(Territory::Priority, &[&g], &rates());
        assert_eq!(s2, 90_000);
    }

    #[test]
    fn ordinary_region_single_payment() {
        let members = [member("S", 40, true, false), member("C", 5, true, false)];
        let counted: Vec<&MemberFacts> = members.iter().collect();
        let (s1, s2, _) = lifting(Territory::Other, &counted, &rates());
        assert_eq!((s1, s2), (20_000 + 2 * 10_000, 0));
    }

    #[test]
    fn monthly_benefit_only_in_priority_territories() {
        let a = Applicant::default();
        let r = rates();
        let min = Some(Minimum {
            rub: 25_186,
            verified: true,
        });
        let p = allowance(&a, Territory::Priority, min, &[], &[], &r);
        assert_eq!(
            (p.monthly_benefit_rub, p.monthly_benefit_months),
            (Some(12_593), 6)
        );
        assert!(p.unverified.contains(&"monthly_benefit"));
        let unknown = allowance(&a, Territory::Priority, None, &[], &[], &r);
        assert_eq!(unknown.monthly_benefit_rub, None);
        assert_eq!(unknown.monthly_benefit_months, 6);
        let o = allowance(&a, Territory::Other, min, &[], &[], &r);
        assert_eq!((o.monthly_benefit_rub, o.monthly_benefit_months), (None, 0));
        assert!(o.unverified.contains(&"lifting.other"));
    }

    #[test]
    fn fees_count_relocating_adults() {
        let members = [
            member("S", 40, true, false),
            member("C", 5, true, false),
            member("P", 60, false, true),
        ];
        let f = fees(Some(35), &members, &rates());
        assert_eq!(f.citizenship_duty_rub, 2 * 3500);
        assert!(!f.verified);
    }
}
