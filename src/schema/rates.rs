//! `rates.toml`: allowance amounts, limits, periods and fees, each section with its basis
//! and whether an official source confirms it, in dated periods; a run uses the period in
//! force on its as-of date.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText, Sourced};
use crate::model::{FareClass, Vocabulary};

/// A section of a period: its own fields, its `basis` and `verified` (checked at load and
/// kept as `source`). The fields are declared in the section's struct itself, not
/// through a wrapper, so that toml keeps the position of a bad value in its error (a
/// wrapper reading a `toml::Table` first, or serde's `flatten`, would lose it) and
/// unknown fields stay errors.
macro_rules! section {
    ($(#[$attr:meta])* pub struct $name:ident { $(pub $field:ident: $ty:ty,)* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(pub $field: $ty,)*
            /// As written; taken into `source` at load.
            #[serde(default)]
            pub basis: Option<String>,
            /// As written; taken into `source` at load.
            #[serde(default)]
            pub verified: Option<bool>,
            /// `basis` and `verified` once checked.
            #[serde(skip)]
            pub source: Sourced,
        }

        impl Sectioned for $name {
            fn sourcing(&mut self) -> (Option<String>, Option<bool>, &mut Sourced) {
                (self.basis.take(), self.verified.take(), &mut self.source)
            }
        }
    };
}

/// A section whose `basis` and `verified` are checked at load.
trait Sectioned {
    fn sourcing(&mut self) -> (Option<String>, Option<bool>, &mut Sourced);
}

section! {
    pub struct PriorityTotals {
        pub participant_rub: i64,
        pub member_rub: i64,
    }
}

section! {
    pub struct Stages {
        pub participant_stage1_rub: i64,
        pub participant_stage2_rub: i64,
        pub member_stage1_rub: i64,
        pub member_stage2_rub: i64,
        pub stage2_min_months: i64,
        pub adult_age: i64,
    }
}

section! {
    pub struct OtherRegion {
        pub participant_rub: i64,
        pub member_rub: i64,
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifting {
    pub priority: PriorityTotals,
    pub stages: Stages,
    pub other: OtherRegion,
}

section! {
    pub struct PensionAge {
        pub men: i64,
        pub women: i64,
    }
}

section! {
    pub struct MonthlyBenefit {
        pub share_percent: i64,
        pub max_months: i64,
        pub priority_only: bool,
    }
}

section! {
    pub struct Baggage {
        pub container_kg: i64,
        pub containers_small_family: i64,
        pub large_family_persons: i64,
        pub containers_large_family: i64,
    }
}

impl Baggage {
    /// The weight compensated for a family of `persons` relocating persons (applicant
    /// included): one container up to `large_family_persons - 1`, then more.
    pub fn limit_kg(&self, persons: i64) -> i64 {
        let containers = if persons >= self.large_family_persons {
            self.containers_large_family
        } else {
            self.containers_small_family
        };
        containers.saturating_mul(self.container_kg)
    }
}

section! {
    pub struct Fares {
        pub compensated: Vec<String>,
    }
}

impl Fares {
    /// Whether a ticket of this class is compensated in full.
    pub fn compensates(&self, class: FareClass) -> bool {
        self.compensated.iter().any(|c| c == class.canonical())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compensation {
    pub baggage: Baggage,
    pub fares: Fares,
}

section! {
    pub struct Certificate {
        pub validity_years: i64,
        pub residence_years: i64,
    }
}

section! {
    /// The ID document must be valid this long after filing (`refusal.passport_validity`):
    /// the last day to file with a document is its expiry less this many months.
    pub struct IdDocument {
        pub min_validity_months: i64,
    }
}

section! {
    /// How far ahead (and back) report.html's "what to do next" looks, in days: a product
    /// setting of resettle, not a rule of the Program (`[next_actions]`, outside the
    /// periods). Booking days this close, with the ready applicants who should book; ID
    /// documents whose last day to file comes this close; participant certificates whose
    /// last day comes this close; stage-2 claims that became possible at most this long
    /// ago.
    pub struct NextActions {
        pub booking_days: i64,
        pub file_by_days: i64,
        pub certificate_days: i64,
        pub stage2_past_days: i64,
    }
}

section! {
    pub struct Fees {
        pub citizenship_duty_rub: i64,
    }
}

impl Rates {
    /// Every section with its name (as in rates.toml, after `period.`) and source.
    pub fn sections(&self) -> [(&'static str, &Sourced); 10] {
        [
            ("lifting.priority", &self.lifting.priority.source),
            ("lifting.stages", &self.lifting.stages.source),
            ("lifting.other", &self.lifting.other.source),
            ("pension_age", &self.pension_age.source),
            ("monthly_benefit", &self.monthly_benefit.source),
            ("compensation.baggage", &self.compensation.baggage.source),
            ("compensation.fares", &self.compensation.fares.source),
            ("certificate", &self.certificate.source),
            ("id_document", &self.id_document.source),
            ("fees", &self.fees.source),
        ]
    }
}

/// The rates in force over one period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    #[serde(deserialize_with = "date")]
    pub from: Date,
    pub source: String,
    pub lifting: Lifting,
    pub pension_age: PensionAge,
    pub monthly_benefit: MonthlyBenefit,
    pub compensation: Compensation,
    pub certificate: Certificate,
    pub fees: Fees,
    /// Required: `refusal.passport_validity` reads it (`rates.id_min_validity_months`),
    /// so a rates.toml without it must not load with the rule silently off.
    pub id_document: IdDocument,
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let s = String::deserialize(d)?;
    crate::values::date(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRates {
    period: Vec<Spanned<Rates>>,
    next_actions: Spanned<NextActions>,
}

/// Checks one section's `basis` and `verified` and keeps them as its source.
fn check(
    src: &SchemaText,
    at: usize,
    from: Date,
    name: &str,
    s: &mut impl Sectioned,
) -> Result<(), SchemaError> {
    let what = format!("[period.{name}] of the period from {from}");
    let (basis, verified, source) = s.sourcing();
    *source = super::sourced(src, at, &what, basis, verified)?;
    Ok(())
}

/// The loaded `rates.toml`: its periods, oldest first.
#[derive(Debug, Clone)]
pub struct RateSchema {
    pub periods: Vec<Rates>,
    /// The windows of report.html's next actions.
    pub next_actions: NextActions,
    name: String,
}

impl RateSchema {
    pub fn load(src: &SchemaText) -> Result<RateSchema, SchemaError> {
        let raw: RawRates = src.parse()?;
        let at = raw.next_actions.span().start;
        let mut next_actions = raw.next_actions.into_inner();
        let what = "[next_actions]";
        let (basis, verified, source) = next_actions.sourcing();
        *source = super::sourced(src, at, what, basis, verified)?;
        let n = &next_actions;
        if [
            n.booking_days,
            n.file_by_days,
            n.certificate_days,
            n.stage2_past_days,
        ]
        .iter()
        .any(|d| !(0..=3660).contains(d))
        {
            return Err(src.error_at(
                Some(at),
                "[next_actions]: the windows are days from 0 to 3660",
            ));
        }
        let mut periods: Vec<Rates> = Vec::new();
        for p in raw.period {
            let span = p.span();
            let mut p = p.into_inner();
            if periods.iter().any(|q| q.from == p.from) {
                return Err(
                    src.error_at(Some(span.start), format!("two periods start on {}", p.from))
                );
            }
            let (at, from) = (span.start, p.from);
            check(src, at, from, "lifting.priority", &mut p.lifting.priority)?;
            check(src, at, from, "lifting.stages", &mut p.lifting.stages)?;
            check(src, at, from, "lifting.other", &mut p.lifting.other)?;
            check(src, at, from, "pension_age", &mut p.pension_age)?;
            check(src, at, from, "monthly_benefit", &mut p.monthly_benefit)?;
            check(
                src,
                at,
                from,
                "compensation.baggage",
                &mut p.compensation.baggage,
            )?;
            check(
                src,
                at,
                from,
                "compensation.fares",
                &mut p.compensation.fares,
            )?;
            check(src, at, from, "certificate", &mut p.certificate)?;
            check(src, at, from, "fees", &mut p.fees)?;
            check(src, at, from, "id_document", &mut p.id_document)?;
            let (l, b) = (&p.lifting, &p.compensation.baggage);
            let amounts = [
                l.priority.participant_rub,
                l.priority.member_rub,
                l.stages.participant_stage1_rub,
                l.stages.participant_stage2_rub,
                l.stages.member_stage1_rub,
                l.stages.member_stage2_rub,
                l.other.participant_rub,
                l.other.member_rub,
                b.container_kg,
                b.containers_small_family,
                b.containers_large_family,
                p.fees.citizenship_duty_rub,
            ];
            if amounts.iter().any(|a| *a < 0)
                || !(0..=100).contains(&p.monthly_benefit.share_percent)
            {
                return Err(src.error_at(
                    Some(span.start),
                    "amounts must be positive and share_percent 0–100",
                ));
            }
            if l.stages.participant_stage1_rub + l.stages.participant_stage2_rub
                != l.priority.participant_rub
                || l.stages.member_stage1_rub + l.stages.member_stage2_rub != l.priority.member_rub
            {
                return Err(src.error_at(
                    Some(span.start),
                    "the stages of [period.lifting.stages] must add up to the totals of [period.lifting.priority]",
                ));
            }
            if let Some(bad) = p
                .compensation
                .fares
                .compensated
                .iter()
                .find(|c| !FareClass::VARIANTS.iter().any(|(s, _)| s == c))
            {
                return Err(src.error_at(
                    Some(span.start),
                    format!("[period.compensation.fares]: `{bad}` is not a fare class"),
                ));
            }
            periods.push(p);
        }
        periods.sort_by_key(|p| p.from);
        Ok(RateSchema {
            periods,
            next_actions,
            name: src.name.clone(),
        })
    }

    /// The rates in force on `day`.
    pub fn on(&self, day: Date) -> Result<&Rates, SchemaError> {
        self.periods
            .iter()
            .rev()
            .find(|p| p.from <= day)
            .ok_or_else(|| SchemaError {
                file: self.name.clone(),
                line: None,
                column: None,
                message: format!(
                    "no [[period]] is in force on {day}: the first starts on {}",
                    self.periods
                        .first()
                        .map_or("(none)".to_string(), |p| p.from.to_string())
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> String {
        crate::schema::read(None, "rates.toml").unwrap().text
    }

    fn load(text: &str) -> Result<RateSchema, SchemaError> {
        RateSchema::load(&SchemaText {
            name: "rates.toml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn every_section_has_basis_and_verified() {
        let r = load(&embedded()).unwrap();
        let p = r.on(jiff::civil::date(2026, 11, 24)).unwrap();
        assert!(p.lifting.priority.source.verified);
        assert!(!p.lifting.other.source.verified);
        assert!(p.compensation.fares.compensates(FareClass::Compartment));
        assert!(!p.compensation.fares.compensates(FareClass::Business));
        let text = embedded().replacen("verified = false\n", "", 1);
        let e = load(&text).unwrap_err();
        assert!(e.message.contains("verified"), "{e}");
        let text = embedded().replacen("basis = ", "# basis = ", 1);
        assert!(load(&text).unwrap_err().message.contains("basis"));
    }

    #[test]
    fn stages_must_add_up() {
        let text = embedded().replace("member_stage2_rub = 50000", "member_stage2_rub = 5000");
        assert!(load(&text).unwrap_err().message.contains("add up"));
    }

    #[test]
    fn unknown_fare_class_is_an_error() {
        let text = embedded().replace("\"platzkart\"", "\"plaskart\"");
        assert!(load(&text).unwrap_err().message.contains("plaskart"));
    }
}
