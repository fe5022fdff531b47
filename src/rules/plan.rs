//! The engine's decisions about an applicant's claim forms, typed, so that the renderer
//! only formats them: whether the certificate allows claims, the lifting allowance's
//! stage, the expenses compensated with their totals and the baggage limit, the
//! monthly benefit's period, and the children whose other parent's consent is drafted.
//!
//! What stops a claim is data: a rule's `stops` in rules.toml ([`Stop`]), looked up
//! from the applicant's findings, never a rule id written here.

use jiff::ToSpan;
use jiff::civil::Date;

use super::Required;
use super::facts::MemberFacts;
use crate::benefits::{Allowance, Territory, expense_qualifies};
use crate::findings::Finding;
use crate::model::{Applicant, ExpenseKind};
use crate::schema::rules::Stop;
use crate::schema::{Rates, Schemas};

/// The claim forms of one applicant.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The participant certificate's last valid day, when its date is known.
    pub certificate_valid_until: Option<Date>,
    /// The stage of the lifting allowance to claim (1 or 2), when one can be claimed
    /// and someone is paid at it.
    pub lifting_stage: Option<u8>,
    pub compensation: Option<Compensation>,
    pub monthly: Option<Monthly>,
    /// The family members for whom the other parent's consent is drafted.
    pub consents: Vec<String>,
}

/// The expenses compensated.
#[derive(Debug, Clone, Default)]
pub struct Compensation {
    /// Indexes into the applicant's expenses, in their order: those that qualify and
    /// have a kind and an amount.
    pub expenses: Vec<usize>,
    /// Kopecks by [`ExpenseKind`] (travel, baggage, duty).
    pub by_kind: [i64; 3],
    pub baggage_grams: i64,
    /// The weight compensated for this family, when the rates are known.
    pub baggage_limit_kg: Option<i64>,
}

/// The monthly benefit's claim.
#[derive(Debug, Clone)]
pub struct Monthly {
    pub from: Date,
    pub to: Date,
    pub months: i64,
    pub share_percent: i64,
    /// Per month; `None` when the authority sets it (the minimum is not known).
    pub amount_rub: Option<i64>,
}

/// The document code whose draft is the consent form.
const CONSENT: &str = "parent_consent";

/// Decides `a`'s claim forms from the engine's outcome so far.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    schemas: &Schemas,
    rates: &Rates,
    as_of: Date,
    a: &Applicant,
    members: &[MemberFacts],
    findings: &[Finding],
    allowance: &Allowance,
    documents: &[Required],
) -> Plan {
    let stopped = |claim: Stop| {
        findings
            .iter()
            .any(|f| f.member_id.is_none() && schemas.rules.stops(f.rule, claim))
    };
    let claims = !a.certificate_number.is_empty()
        && a.certificate_date.is_some()
        && allowance.territory.is_some()
        && !stopped(Stop::Claims);
    let certificate_valid_until = a.certificate_date.and_then(|d| {
        d.checked_add(rates.certificate.validity_years.years())
            .ok()
            .and_then(|d| d.yesterday().ok())
    });
    let lifting_stage = claims
        .then(|| match a.stage1_paid_date {
            None => Some(1),
            Some(_)
                if allowance.territory == Some(Territory::Priority)
                    && !stopped(Stop::LiftingStage2) =>
            {
                Some(2)
            }
            Some(_) => None,
        })
        .flatten()
        .filter(|&stage| {
            allowance.persons.iter().any(|p| {
                let amount = if stage == 1 {
                    p.stage1_rub
                } else {
                    p.stage2_rub
                };
                amount > 0
            })
        });
    let compensation = claims.then(|| compensation(rates, a, members)).flatten();
    let monthly = claims
        .then(|| monthly(rates, as_of, a, allowance))
        .flatten();
    let consents = documents
        .iter()
        .filter(|r| r.code == CONSENT)
        .filter_map(|r| r.member_id(a))
        .filter(|id| a.family.iter().any(|m| m.member_id == *id))
        .map(str::to_string)
        .collect();
    Plan {
        certificate_valid_until,
        lifting_stage,
        compensation,
        monthly,
        consents,
    }
}

fn compensation(rates: &Rates, a: &Applicant, members: &[MemberFacts]) -> Option<Compensation> {
    let mut c = Compensation::default();
    for (i, e) in a.expenses.iter().enumerate() {
        if !expense_qualifies(e.member_id.as_deref(), members) {
            continue;
        }
        let (Some(kind), Some(amount)) = (e.kind, e.amount_kopecks) else {
            continue;
        };
        c.expenses.push(i);
        c.by_kind[kind as usize] += amount;
        if kind == ExpenseKind::Baggage {
            c.baggage_grams += e.weight_grams.unwrap_or(0);
        }
    }
    if c.expenses.is_empty() {
        return None;
    }
    let persons = 1 + members.iter().filter(|m| m.is_relocating()).count() as i64;
    c.baggage_limit_kg = Some(rates.compensation.baggage.limit_kg(persons));
    Some(c)
}

/// The benefit covers the months after arrival: a claim only while they last.
fn monthly(rates: &Rates, as_of: Date, a: &Applicant, allowance: &Allowance) -> Option<Monthly> {
    let arrival = a.arrival_date?;
    // Not paid in this territory (only in priority settlement territories).
    if allowance.monthly_benefit_months == 0 {
        return None;
    }
    let months = rates.monthly_benefit.max_months;
    let to = arrival
        .checked_add(months.months())
        .ok()
        .and_then(|d| d.yesterday().ok())?;
    if as_of < arrival || as_of > to {
        return None;
    }
    Some(Monthly {
        from: arrival,
        to,
        months,
        share_percent: rates.monthly_benefit.share_percent,
        amount_rub: allowance.monthly_benefit_rub,
    })
}
