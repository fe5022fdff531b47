//! The engine's decisions about an applicant's claim forms and dates, typed, so that the
//! renderer and the calendar only format them: the certificate's last day, the lifting
//! allowance's stage and the first day of its stage 2, the expenses compensated with
//! their totals and the baggage limit, the monthly benefit's period (and its claim
//! while it runs), and the children whose other parent's consent is drafted.
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
    /// The last day to file with each current ID document (the applicant's, then each
    /// relocating member's, whose expiry is known): its expiry less rates.toml
    /// `[period.id_document] min_validity_months`.
    pub file_by: Vec<FileBy>,
    /// The stage of the lifting allowance to claim (1 or 2), when one can be claimed
    /// and someone is paid at it.
    pub lifting_stage: Option<u8>,
    /// The first day stage 2 of the lifting allowance may be claimed: where the family's
    /// allowance is paid in two stages and stage 1 was paid (rates.toml
    /// `stage2_min_months` after it).
    pub stage2_from: Option<Date>,
    pub compensation: Option<Compensation>,
    /// The monthly benefit's whole period, where the territory pays it and the arrival
    /// is known, whether or not it runs on the as-of date (the calendar's last day).
    pub benefit_period: Option<Period>,
    /// The monthly benefit's claim: only while [`Plan::benefit_period`] runs.
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

/// The last day to file with an ID document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBy {
    /// The family member whose document it is; `None` for the applicant's.
    pub member_id: Option<String>,
    pub expiry: Date,
    pub last_day: Date,
    /// The months it must still be valid after filing.
    pub months: i64,
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
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
    let certificate_valid_until = valid_until(a.certificate_date, rates.certificate.validity_years);
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
    let months = rates.id_document.min_validity_months;
    let file_by = std::iter::once((None, a.id_doc_expiry_date))
        .chain(
            a.family
                .iter()
                .filter(|m| m.relocating == Some(true))
                .map(|m| (Some(m.member_id.clone()), m.id_doc_expiry_date)),
        )
        .filter_map(|(member_id, expiry)| {
            let expiry = expiry?;
            Some(FileBy {
                member_id,
                expiry,
                last_day: expiry.checked_sub(months.months()).ok()?,
                months,
            })
        })
        .collect();
    // Only where the allowance is paid in two stages.
    let stage2_from = (allowance.stage2_rub > 0)
        .then(|| stage2_from(a.stage1_paid_date, rates.lifting.stages.stage2_min_months))
        .flatten();
    let compensation = claims.then(|| compensation(rates, a, members)).flatten();
    let benefit_period = benefit_period(rates, a, allowance);
    let monthly = claims
        .then(|| monthly(rates, as_of, benefit_period?, allowance))
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
        file_by,
        lifting_stage,
        stage2_from,
        compensation,
        benefit_period,
        monthly,
        consents,
    }
}

/// The last day of something valid `years` whole years from `issued`: issued 10.05.2023
/// for 3 years, valid through 09.05.2026.
pub fn valid_until(issued: Option<Date>, years: i64) -> Option<Date> {
    issued?.checked_add(years.years()).ok()?.yesterday().ok()
}

/// The first day stage 2 may be claimed: `months` after stage 1 was paid.
pub fn stage2_from(stage1_paid: Option<Date>, months: i64) -> Option<Date> {
    stage1_paid?.checked_add(months.months()).ok()
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

/// The benefit covers the months after arrival, where the territory pays it.
fn benefit_period(rates: &Rates, a: &Applicant, allowance: &Allowance) -> Option<Period> {
    let arrival = a.arrival_date?;
    // Not paid in this territory (only in priority settlement territories).
    if allowance.monthly_benefit_months == 0 {
        return None;
    }
    let to = arrival
        .checked_add(rates.monthly_benefit.max_months.months())
        .ok()?
        .yesterday()
        .ok()?;
    Some(Period { from: arrival, to })
}

/// A claim only while the period lasts.
fn monthly(rates: &Rates, as_of: Date, period: Period, allowance: &Allowance) -> Option<Monthly> {
    if as_of < period.from || as_of > period.to {
        return None;
    }
    Some(Monthly {
        from: period.from,
        to: period.to,
        months: rates.monthly_benefit.max_months,
        share_percent: rates.monthly_benefit.share_percent,
        amount_rub: allowance.monthly_benefit_rub,
    })
}
