//! The text form of `regions.toml` as serde reads it (every `basis` and `verified`
//! optional, so that a missing one is reported by the loader at its entry), and the
//! checks that turn a `[[mission]]` into a [`Mission`].

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{Booking, BookingRule, Mission, Opening, Participation, RawText, WalkIn};
use crate::schema::{SchemaError, SchemaText, sourced};

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRussia {
    pub(super) code: String,
    pub(super) ru: String,
    pub(super) en: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) participating: Participation,
    #[serde(default)]
    pub(super) priority: bool,
    pub(super) in_demand: Option<Spanned<RawInDemand>>,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInDemand {
    pub(super) professions: Vec<String>,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKazakhstan {
    pub(super) en: String,
    pub(super) ru: String,
    #[serde(default)]
    pub(super) kk: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) mission: Spanned<String>,
    pub(super) after_opening: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) note: String,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMission {
    pub(super) id: String,
    pub(super) name: RawText,
    pub(super) address: Option<String>,
    pub(super) booking: Option<Spanned<RawBooking>>,
    pub(super) walk_in: Option<Spanned<RawWalkIn>>,
    pub(super) opens: Option<Spanned<String>>,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBooking {
    pub(super) kind: String,
    pub(super) day: Option<i8>,
    pub(super) months: Option<Vec<i8>>,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWalkIn {
    pub(super) weekdays: Vec<String>,
    pub(super) from: String,
    pub(super) to: String,
    #[serde(default)]
    pub(super) priority_only: bool,
    pub(super) basis: Option<String>,
    pub(super) verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegions {
    pub(super) priority: Option<Spanned<RawSource>>,
    pub(super) mission: Vec<Spanned<RawMission>>,
    pub(super) kazakhstan: Vec<Spanned<RawKazakhstan>>,
    pub(super) russia: Vec<Spanned<RawRussia>>,
}

/// `HH:MM`, 00:00–23:59.
fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
        && s[..2] < *"24"
        && s[3..] < *"60"
}

/// A mission of regions.toml with its basis, booking and walk-in checked.
pub(super) fn mission(src: &SchemaText, m: Spanned<RawMission>) -> Result<Mission, SchemaError> {
    let at = m.span().start;
    let m = m.into_inner();
    let what = format!("[[mission]] `{}`", m.id);
    let source = sourced(src, at, &what, m.basis, m.verified)?;
    let booking = match m.booking {
        None => None,
        Some(b) => {
            let at = b.span().start;
            let b = b.into_inner();
            let what = format!("[mission.booking] of `{}`", m.id);
            let source = sourced(src, at, &what, b.basis, b.verified)?;
            let rule = match (b.kind.as_str(), b.day, b.months) {
                ("last_working_day", None, None) => BookingRule::LastWorkingDay,
                ("day_of_month", Some(day), Some(months))
                    if (1..=28).contains(&day)
                        && !months.is_empty()
                        && months.iter().all(|x| (1..=12).contains(x)) =>
                {
                    BookingRule::DayOfMonth { day, months }
                }
                ("day_of_month", ..) => {
                    return Err(src.error_at(
                        Some(at),
                        format!("{what}: day_of_month needs `day` 1–28 and `months` 1–12"),
                    ));
                }
                ("last_working_day", ..) => {
                    return Err(src.error_at(
                        Some(at),
                        format!("{what}: last_working_day takes no `day` or `months`"),
                    ));
                }
                (kind, ..) => {
                    return Err(src.error_at(
                        Some(at),
                        format!("{what}: unknown kind `{kind}` (day_of_month or last_working_day)"),
                    ));
                }
            };
            Some(Booking { rule, source })
        }
    };
    let walk_in = match m.walk_in {
        None => None,
        Some(w) => {
            let at = w.span().start;
            let w = w.into_inner();
            let what = format!("[mission.walk_in] of `{}`", m.id);
            let source = sourced(src, at, &what, w.basis, w.verified)?;
            if let Some(d) = w.weekdays.iter().find(|d| !WEEKDAYS.contains(&d.as_str())) {
                return Err(src.error_at(
                    Some(at),
                    format!("{what}: `{d}` is not a weekday (mon, tue, … sun)"),
                ));
            }
            if !is_time(&w.from) || !is_time(&w.to) || w.from >= w.to {
                return Err(src.error_at(
                    Some(at),
                    format!("{what}: `from` and `to` must be times HH:MM, `from` first"),
                ));
            }
            Some(WalkIn {
                weekdays: w.weekdays,
                from: w.from,
                to: w.to,
                priority_only: w.priority_only,
                source,
            })
        }
    };
    let opens = match m.opens {
        None => None,
        Some(o) if o.get_ref().trim().is_empty() => Some(Opening::NotYet),
        Some(o) => match o.get_ref().trim().parse::<Date>() {
            Ok(d) => Some(Opening::On(d)),
            Err(_) => {
                return Err(src.error_at(
                    Some(o.span().start),
                    format!(
                        "{what}: `opens` must be a date YYYY-MM-DD, or \"\" while the day is not known"
                    ),
                ));
            }
        },
    };
    Ok(Mission {
        id: m.id,
        name: m.name,
        address: m.address,
        booking,
        walk_in,
        opens,
        source,
    })
}
