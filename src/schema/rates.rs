//! `rates.toml`: allowance amounts, limits, periods and fees, each in a dated period; a
//! run uses the period in force on its as-of date.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifting {
    pub priority_participant_stage1_rub: i64,
    pub priority_participant_stage2_rub: i64,
    pub priority_member_stage1_rub: i64,
    pub priority_member_stage2_rub: i64,
    pub other_participant_rub: i64,
    pub other_member_rub: i64,
    pub stage2_min_months: i64,
    pub adult_age: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyBenefit {
    pub share_percent: i64,
    pub max_months: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compensation {
    pub baggage_limit_kg: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub validity_years: i64,
    pub residence_years: i64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fees {
    pub citizenship_duty_rub: i64,
    pub application_fee_rub: i64,
    pub consular_fee_usd: i64,
}

/// The rates in force over one period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    #[serde(deserialize_with = "date")]
    pub from: Date,
    pub source: String,
    pub lifting: Lifting,
    pub monthly_benefit: MonthlyBenefit,
    pub compensation: Compensation,
    pub certificate: Certificate,
    pub fees: Fees,
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let s = String::deserialize(d)?;
    crate::ingest::values::date(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRates {
    period: Vec<Spanned<Rates>>,
}

/// The loaded `rates.toml`: its periods, oldest first.
#[derive(Debug, Clone)]
pub struct RateSchema {
    pub periods: Vec<Rates>,
    name: String,
}

impl RateSchema {
    pub fn load(src: &SchemaText) -> Result<RateSchema, SchemaError> {
        let raw: RawRates = src.parse()?;
        let mut periods: Vec<Rates> = Vec::new();
        for p in raw.period {
            let span = p.span();
            let p = p.into_inner();
            if periods.iter().any(|q| q.from == p.from) {
                return Err(
                    src.error_at(Some(span.start), format!("two periods start on {}", p.from))
                );
            }
            let l = &p.lifting;
            let amounts = [
                l.priority_participant_stage1_rub,
                l.priority_participant_stage2_rub,
                l.priority_member_stage1_rub,
                l.priority_member_stage2_rub,
                l.other_participant_rub,
                l.other_member_rub,
                p.compensation.baggage_limit_kg,
            ];
            if amounts.iter().any(|a| *a < 0)
                || !(0..=100).contains(&p.monthly_benefit.share_percent)
            {
                return Err(src.error_at(
                    Some(span.start),
                    "amounts must be positive and share_percent 0–100",
                ));
            }
            periods.push(p);
        }
        periods.sort_by_key(|p| p.from);
        Ok(RateSchema {
            periods,
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
