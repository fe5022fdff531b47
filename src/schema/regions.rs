//! `regions.toml`: Russian target regions (names, codes, participation, priority
//! settlement territories, in-demand professions), the regions of Kazakhstan and the
//! Russian mission serving each (with a mission that is established but not yet open),
//! and how each mission opens bookings — every one of these with its `basis` and
//! `verified`. Lookups forgive case, spaces, hyphens, `ё`/`е` and words like "Oblast",
//! "край", "Republic".

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText, Sourced, sourced};
use raw::{RawRegions, mission};

mod raw;
#[cfg(test)]
mod tests;
use crate::findings::Text;
use crate::text::fold;

/// Whether a region takes part in the program, as far as our sources say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Participation {
    Yes,
    No,
    Unconfirmed,
}

impl Participation {
    pub fn as_str(self) -> &'static str {
        match self {
            Participation::Yes => "yes",
            Participation::No => "no",
            Participation::Unconfirmed => "unconfirmed",
        }
    }
}

/// A subject of the Russian Federation.
#[derive(Debug, Clone)]
pub struct Russia {
    pub code: String,
    pub ru: String,
    pub en: String,
    pub aliases: Vec<String>,
    pub participating: Participation,
    /// A priority settlement territory; the basis of the list is
    /// [`RegionSchema::priority_source`].
    pub priority: bool,
    pub in_demand: Option<InDemand>,
    /// Where the participation status comes from.
    pub source: Sourced,
}

/// The in-demand professions of a region, as word stems, and their source.
#[derive(Debug, Clone)]
pub struct InDemand {
    pub professions: Vec<String>,
    pub source: Sourced,
}

/// A region (or city) of Kazakhstan and the mission its residents apply to.
#[derive(Debug, Clone)]
pub struct Kazakhstan {
    pub en: String,
    pub ru: String,
    pub kk: String,
    pub aliases: Vec<String>,
    /// The mission serving the region (until `after_opening` opens, when it is set).
    pub mission: Spanned<String>,
    /// A mission not yet open whose district this region will be: from its opening
    /// day on, the region applies there (see [`RegionSchema::mission_for`]).
    pub after_opening: Option<String>,
    pub note: String,
    /// Where the mapping region → mission comes from.
    pub source: Sourced,
}

/// How a mission opens bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingRule {
    /// On `day` of each month listed.
    DayOfMonth { day: i8, months: Vec<i8> },
    /// On the last working day of each month, for the whole next month.
    LastWorkingDay,
}

/// A booking schedule and its source.
#[derive(Debug, Clone)]
pub struct Booking {
    pub rule: BookingRule,
    pub source: Sourced,
}

#[derive(Debug, Clone)]
pub struct WalkIn {
    pub weekdays: Vec<String>,
    pub from: String,
    pub to: String,
    pub priority_only: bool,
    pub source: Sourced,
}

/// When a mission that is established but not yet open opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// `opens = ""`: the day is not known yet.
    NotYet,
    On(Date),
}

#[derive(Debug, Clone)]
pub struct Mission {
    pub id: String,
    pub name: RawText,
    pub address: Option<String>,
    pub booking: Option<Booking>,
    pub walk_in: Option<WalkIn>,
    /// `None` for a mission that is open; else when it opens.
    pub opens: Option<Opening>,
    /// Where the mission (that it works, or is established) comes from.
    pub source: Sourced,
}

impl Mission {
    /// Whether the mission takes applicants on `day`: always, unless it has an opening
    /// day still to come (or not yet known).
    pub fn is_open(&self, day: Date) -> bool {
        match self.opens {
            None => true,
            Some(Opening::NotYet) => false,
            Some(Opening::On(d)) => d <= day,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    pub ru: String,
    pub en: String,
}

impl RawText {
    pub fn text(&self) -> Text {
        Text::new(self.ru.clone(), self.en.clone())
    }
}

/// Names → entries: full spellings first (each must name one entry), then spellings
/// without designators ("Oblast", "край", "облысы"…) where only one entry has them.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    exact: HashMap<String, usize>,
    loose: HashMap<String, Option<usize>>,
}

impl NameIndex {
    /// Adds `name` for entry `i`; returns the other entry when the full spelling is taken.
    fn add(&mut self, name: &str, i: usize) -> Result<(), usize> {
        let exact = fold_exact(name);
        if exact.is_empty() {
            return Ok(());
        }
        if let Some(j) = self.exact.insert(exact, i)
            && j != i
        {
            return Err(j);
        }
        let loose = fold_region(name);
        if !loose.is_empty() {
            let slot = self.loose.entry(loose).or_insert(Some(i));
            if *slot != Some(i) {
                *slot = None;
            }
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.exact
            .get(&fold_exact(name))
            .copied()
            .or_else(|| self.loose.get(&fold_region(name)).copied().flatten())
    }
}

/// The loaded `regions.toml`.
#[derive(Debug, Clone)]
pub struct RegionSchema {
    pub missions: Vec<Mission>,
    pub kazakhstan: Vec<Kazakhstan>,
    pub russia: Vec<Russia>,
    /// Where the list of priority settlement territories (`Russia::priority`) comes from.
    pub priority_source: Sourced,
    ru_names: NameIndex,
    ru_codes: HashMap<u32, usize>,
    kz_names: NameIndex,
    /// Folded in-demand stems per Russian region.
    demand: Vec<Vec<String>>,
}

/// Words that designate the kind of a Russian subject, ignored when matching names.
const DESIGNATORS: &[&str] = &[
    "oblast",
    "oblast'",
    "region",
    "krai",
    "kray",
    "republic",
    "republic of",
    "of",
    "the",
    "autonomous",
    "okrug",
    "ao",
    "область",
    "обл",
    "обл.",
    "край",
    "республика",
    "автономный",
    "автономная",
    "округ",
    "ао",
    "г.",
    "город",
    "city",
    "federal",
    "федерального",
    "значения",
];

/// Folds a Russian region name for lookup: [`fold`], then designators and punctuation
/// dropped ("Kaliningrad Oblast" → "kaliningrad").
pub fn fold_region(s: &str) -> String {
    let folded = fold(s);
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !DESIGNATORS.contains(w))
        .collect();
    words
        .concat()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Folds a full spelling: [`fold`] with spaces and punctuation dropped ("Almaty" and
/// "Almaty Region" stay different).
fn fold_exact(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

impl RegionSchema {
    pub fn load(src: &SchemaText) -> Result<RegionSchema, SchemaError> {
        let raw: RawRegions = src.parse()?;
        let at = |offset: usize, msg: String| src.error_at(Some(offset), msg);
        let priority_source = match raw.priority {
            Some(p) => {
                let at = p.span().start;
                let p = p.into_inner();
                sourced(src, at, "[priority]", p.basis, p.verified)?
            }
            None => {
                return Err(at(
                    0,
                    "regions.toml needs a [priority] table: the `basis` and `verified` of the list of priority settlement territories".into(),
                ));
            }
        };

        let mut missions: Vec<Mission> = Vec::new();
        for m in raw.mission {
            let start = m.span().start;
            if missions.iter().any(|o| o.id == m.get_ref().id) {
                return Err(at(
                    start,
                    format!("mission `{}` is declared twice", m.get_ref().id),
                ));
            }
            missions.push(mission(src, m)?);
        }
        let find = |id: &str| missions.iter().find(|m| m.id == id);

        let mut kz_names = NameIndex::default();
        let mut kazakhstan = Vec::new();
        for (i, k) in raw.kazakhstan.into_iter().enumerate() {
            let start = k.span().start;
            let r = k.into_inner();
            let what = format!("[[kazakhstan]] {}", r.en);
            let source = sourced(src, start, &what, r.basis, r.verified)?;
            let id = r.mission.get_ref();
            match find(id) {
                None => {
                    return Err(at(
                        r.mission.span().start,
                        format!("no [[mission]] with id `{id}`"),
                    ));
                }
                Some(m) if m.opens.is_some() => {
                    return Err(at(
                        r.mission.span().start,
                        format!(
                            "mission `{id}` is not open yet (it has `opens`): give the mission serving {} until then, and `after_opening = \"{id}\"`",
                            r.en
                        ),
                    ));
                }
                Some(_) => {}
            }
            if let Some(next) = &r.after_opening {
                let id = next.get_ref();
                if find(id).is_none_or(|m| m.opens.is_none()) {
                    return Err(at(
                        next.span().start,
                        format!(
                            "`after_opening` must name a [[mission]] with `opens`; `{id}` is none"
                        ),
                    ));
                }
            }
            for name in [&r.en, &r.ru, &r.kk].into_iter().chain(&r.aliases) {
                if let Err(j) = kz_names.add(name, i) {
                    let other: &Kazakhstan = &kazakhstan[j];
                    return Err(at(
                        start,
                        format!(
                            "«{name}» names two regions of Kazakhstan: {} and {}",
                            other.en, r.en
                        ),
                    ));
                }
            }
            kazakhstan.push(Kazakhstan {
                en: r.en,
                ru: r.ru,
                kk: r.kk,
                aliases: r.aliases,
                mission: r.mission,
                after_opening: r.after_opening.map(Spanned::into_inner),
                note: r.note,
                source,
            });
        }

        let mut ru_names = NameIndex::default();
        let mut ru_codes = HashMap::new();
        let mut demand = Vec::new();
        let mut russia: Vec<Russia> = Vec::new();
        for (i, r) in raw.russia.into_iter().enumerate() {
            let start = r.span().start;
            let reg = r.into_inner();
            let what = format!("[[russia]] {} {}", reg.code, reg.en);
            let source = sourced(src, start, &what, reg.basis, reg.verified)?;
            let code: u32 = reg
                .code
                .parse()
                .map_err(|_| at(start, format!("code `{}` is not a number", reg.code)))?;
            if let Some(j) = ru_codes.insert(code, i) {
                let other: &Russia = &russia[j];
                return Err(at(
                    start,
                    format!("code {code} is used by {} too", other.en),
                ));
            }
            for name in [&reg.ru, &reg.en].into_iter().chain(&reg.aliases) {
                if let Err(j) = ru_names.add(name, i) {
                    let other: &Russia = &russia[j];
                    return Err(at(
                        start,
                        format!("«{name}» names two regions: {} and {}", other.en, reg.en),
                    ));
                }
            }
            if reg.priority && reg.participating == Participation::No {
                return Err(at(
                    start,
                    format!(
                        "{}: a priority territory cannot have participating = \"no\"",
                        reg.en
                    ),
                ));
            }
            let in_demand = match reg.in_demand {
                None => None,
                Some(d) => {
                    let at = d.span().start;
                    let d = d.into_inner();
                    let what = format!("[russia.in_demand] of {} {}", reg.code, reg.en);
                    let source = sourced(src, at, &what, d.basis, d.verified)?;
                    Some(InDemand {
                        professions: d.professions,
                        source,
                    })
                }
            };
            demand.push(
                in_demand
                    .iter()
                    .flat_map(|d| &d.professions)
                    .map(|s| fold(s))
                    .filter(|s| !s.is_empty())
                    .collect(),
            );
            russia.push(Russia {
                code: reg.code,
                ru: reg.ru,
                en: reg.en,
                aliases: reg.aliases,
                participating: reg.participating,
                priority: reg.priority,
                in_demand,
                source,
            });
        }
        Ok(RegionSchema {
            missions,
            kazakhstan,
            russia,
            priority_source,
            ru_names,
            ru_codes,
            kz_names,
            demand,
        })
    }

    /// The Russian region a caseworker's spelling or subject code names.
    pub fn russian(&self, name: &str) -> Option<usize> {
        let t = name.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse::<u32>()
                .ok()
                .and_then(|c| self.ru_codes.get(&c).copied());
        }
        self.ru_names.get(name)
    }

    /// The Russian region whose `code` is exactly `code` ("03", not "3" or a name).
    pub fn russian_by_code(&self, code: &str) -> Option<usize> {
        self.russia.iter().position(|r| r.code == code)
    }

    /// The Kazakh region (or city) a spelling names.
    pub fn kazakh(&self, name: &str) -> Option<&Kazakhstan> {
        self.kz_names.get(name).map(|i| &self.kazakhstan[i])
    }

    /// The index in `kazakhstan` of the region (or city) a spelling names.
    pub fn kazakh_index(&self, name: &str) -> Option<usize> {
        self.kz_names.get(name)
    }

    pub fn mission(&self, id: &str) -> Option<&Mission> {
        self.missions.iter().find(|m| m.id == id)
    }

    /// The mission residents of Kazakh region `k` apply to on `day`: the mission of
    /// `after_opening` from its opening day on, else the region's `mission`.
    pub fn mission_for(&self, k: usize, day: Date) -> Option<&Mission> {
        let kz = self.kazakhstan.get(k)?;
        kz.after_opening
            .as_deref()
            .and_then(|id| self.mission(id))
            .filter(|m| m.is_open(day))
            .or_else(|| self.mission(kz.mission.get_ref()))
    }

    /// Whether `profession` matches the in-demand list of region `i`; `None` when the
    /// region has no list (our sources are partial) or the profession is empty.
    pub fn in_demand(&self, i: usize, profession: &str) -> Option<bool> {
        let stems = &self.demand[i];
        if stems.is_empty() || profession.trim().is_empty() {
            return None;
        }
        let p = fold(profession);
        Some(stems.iter().any(|s| p.contains(s.as_str())))
    }

    pub fn has_demand_list(&self, i: usize) -> bool {
        !self.demand[i].is_empty()
    }

    /// Every lookup of regions.toml no official or reputable source confirms, as (what,
    /// basis), for `resettle rules --unverified`. The subjects whose participation is
    /// "unconfirmed" (each gives `warning.region_unconfirmed`) are one line.
    pub fn unverified(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut push = |what: String, s: &Sourced| {
            if !s.verified {
                out.push((format!("regions.toml {what}"), s.basis.clone()));
            }
        };
        push("[priority]".into(), &self.priority_source);
        for m in &self.missions {
            push(format!("[[mission]] {}", m.id), &m.source);
            if let Some(b) = &m.booking {
                push(format!("[mission.booking] {}", m.id), &b.source);
            }
            if let Some(w) = &m.walk_in {
                push(format!("[mission.walk_in] {}", m.id), &w.source);
            }
        }
        for k in &self.kazakhstan {
            let to = match &k.after_opening {
                Some(next) => format!("{} (then {next})", k.mission.get_ref()),
                None => k.mission.get_ref().clone(),
            };
            push(format!("[[kazakhstan]] {} → {to}", k.en), &k.source);
        }
        let mut unconfirmed = Vec::new();
        for r in &self.russia {
            if r.participating == Participation::Unconfirmed {
                unconfirmed.push(r.code.as_str());
            } else {
                let what = format!(
                    "[[russia]] {} {}: participating = \"{}\"",
                    r.code,
                    r.en,
                    r.participating.as_str()
                );
                push(what, &r.source);
            }
            if let Some(d) = &r.in_demand {
                push(format!("[russia.in_demand] {} {}", r.code, r.en), &d.source);
            }
        }
        if !unconfirmed.is_empty() {
            out.push((
                format!(
                    "regions.toml [[russia]] participating = \"unconfirmed\": {} subjects ({})",
                    unconfirmed.len(),
                    unconfirmed.join(", ")
                ),
                "no source found names them as participating or not; each gives warning.region_unconfirmed (sources-2026 Q6.2: the current list is NOT FOUND)".into(),
            ));
        }
        out
    }
}
