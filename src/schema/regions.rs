//! `regions.toml`: Russian target regions (names, codes, participation, priority
//! settlement territories, in-demand professions), the regions of Kazakhstan and the
//! Russian mission serving each, and how each mission opens bookings. Lookups forgive
//! case, spaces, hyphens, `ё`/`е` and words like "Oblast", "край", "Republic".

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText};
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Russia {
    pub code: String,
    pub ru: String,
    pub en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub participating: Participation,
    #[serde(default)]
    pub priority: bool,
    #[serde(default)]
    pub in_demand: Option<Vec<String>>,
    #[serde(default)]
    pub subsistence_minimum_rub: Option<i64>,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kazakhstan {
    pub en: String,
    pub ru: String,
    #[serde(default)]
    pub kk: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub mission: Spanned<String>,
    #[serde(default)]
    pub note: String,
}

/// How a mission opens bookings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Booking {
    /// On `day` of each month listed.
    DayOfMonth { day: i8, months: Vec<i8> },
    /// On the last working day of each month, for the whole next month.
    LastWorkingDay,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    pub weekdays: Vec<String>,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub priority_only: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    pub id: String,
    pub name: RawText,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub booking: Option<Booking>,
    #[serde(default)]
    pub walk_in: Option<WalkIn>,
    #[serde(default)]
    pub source: String,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegions {
    mission: Vec<Spanned<Mission>>,
    kazakhstan: Vec<Spanned<Kazakhstan>>,
    russia: Vec<Spanned<Russia>>,
}

/// The loaded `regions.toml`.
#[derive(Debug, Clone)]
pub struct RegionSchema {
    pub missions: Vec<Mission>,
    pub kazakhstan: Vec<Kazakhstan>,
    pub russia: Vec<Russia>,
    /// Folded full spellings and codes → region (each names exactly one region).
    ru_exact: HashMap<String, usize>,
    /// Spellings with designators dropped → region, or `None` when two regions share
    /// one ("Moscow" city and "Moscow Oblast").
    ru_loose: HashMap<String, Option<usize>>,
    kz_index: HashMap<String, usize>,
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
/// dropped ("Kaliningrad Oblast" = "калининград"? no: = "kaliningrad").
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

/// Folds a Kazakh region name: [`fold`] with punctuation dropped ("Almaty" and "Almaty
/// Region" stay different).
fn fold_kz(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect()
}

impl RegionSchema {
    pub fn load(src: &SchemaText) -> Result<RegionSchema, SchemaError> {
        let raw: RawRegions = src.parse()?;
        let at = |offset: usize, msg: String| src.error_at(Some(offset), msg);
        let missions: Vec<Mission> = raw.mission.iter().map(|m| m.get_ref().clone()).collect();
        for (i, m) in raw.mission.iter().enumerate() {
            if missions[..i].iter().any(|o| o.id == m.get_ref().id) {
                return Err(at(
                    m.span().start,
                    format!("mission `{}` is declared twice", m.get_ref().id),
                ));
            }
            if let Some(Booking::DayOfMonth { day, months }) = &m.get_ref().booking
                && (!(1..=28).contains(day) || months.iter().any(|x| !(1..=12).contains(x)))
            {
                return Err(at(
                    m.span().start,
                    "booking day must be 1–28 and months 1–12".into(),
                ));
            }
        }

        let mut kz_index = HashMap::new();
        for (i, k) in raw.kazakhstan.iter().enumerate() {
            let r = k.get_ref();
            if !missions.iter().any(|m| m.id == *r.mission.get_ref()) {
                return Err(at(
                    r.mission.span().start,
                    format!("no [[mission]] with id `{}`", r.mission.get_ref()),
                ));
            }
            for name in [&r.en, &r.ru, &r.kk]
                .into_iter()
                .chain(&r.aliases)
                .filter(|n| !n.is_empty())
            {
                if let Some(j) = kz_index.insert(fold_kz(name), i)
                    && j != i
                {
                    return Err(at(
                        k.span().start,
                        format!("«{name}» names two regions of Kazakhstan"),
                    ));
                }
            }
        }

        let mut ru_exact = HashMap::new();
        let mut ru_loose: HashMap<String, Option<usize>> = HashMap::new();
        let mut demand = Vec::new();
        for (i, r) in raw.russia.iter().enumerate() {
            let reg = r.get_ref();
            let code: u32 = reg.code.parse().map_err(|_| {
                at(
                    r.span().start,
                    format!("code `{}` is not a number", reg.code),
                )
            })?;
            let names = [&reg.ru, &reg.en].into_iter().chain(&reg.aliases);
            for key in [code.to_string()]
                .into_iter()
                .chain(names.clone().map(|n| fold_kz(n).replace(' ', "")))
            {
                if key.is_empty() {
                    continue;
                }
                if let Some(j) = ru_exact.insert(key.clone(), i)
                    && j != i
                {
                    return Err(at(
                        r.span().start,
                        format!(
                            "«{key}» names two regions: {} and {}",
                            raw.russia[j].get_ref().en,
                            reg.en
                        ),
                    ));
                }
            }
            for key in names.map(|n| fold_region(n)).filter(|k| !k.is_empty()) {
                let slot = ru_loose.entry(key).or_insert(Some(i));
                if *slot != Some(i) {
                    *slot = None;
                }
            }
            if reg.priority && reg.participating != Participation::Yes {
                return Err(at(
                    r.span().start,
                    format!(
                        "{}: a priority territory must have participating = \"yes\"",
                        reg.en
                    ),
                ));
            }
            demand.push(
                reg.in_demand
                    .iter()
                    .flatten()
                    .map(|s| fold(s))
                    .filter(|s| !s.is_empty())
                    .collect(),
            );
        }
        Ok(RegionSchema {
            missions,
            kazakhstan: raw
                .kazakhstan
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            russia: raw.russia.into_iter().map(Spanned::into_inner).collect(),
            ru_exact,
            ru_loose,
            kz_index,
            demand,
        })
    }

    /// The Russian region a caseworker's spelling or code names: an exact spelling (or
    /// code) first, then the spelling without designators when only one region has it.
    pub fn russian(&self, name: &str) -> Option<usize> {
        let t = name.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse::<u32>()
                .ok()
                .and_then(|c| self.ru_exact.get(&c.to_string()).copied());
        }
        self.ru_exact
            .get(&fold_kz(name).replace(' ', ""))
            .copied()
            .or_else(|| self.ru_loose.get(&fold_region(name)).copied().flatten())
    }

    /// The Kazakh region (or city) a spelling names.
    pub fn kazakh(&self, name: &str) -> Option<&Kazakhstan> {
        self.kz_index
            .get(&fold_kz(name))
            .map(|&i| &self.kazakhstan[i])
    }

    pub fn mission(&self, id: &str) -> Option<&Mission> {
        self.missions.iter().find(|m| m.id == id)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_region_designators() {
        assert_eq!(fold_region("Kaliningrad Oblast"), "kaliningrad");
        assert_eq!(fold_region("Калужская область"), "калужская");
        assert_eq!(fold_region("Republic of Buryatia"), "buryatia");
        assert_eq!(fold_region("Primorsky  krai"), "primorsky");
        assert_eq!(fold_region("Санкт-Петербург"), "санктпетербург");
        assert_eq!(fold_region("Еврейская автономная область"), "еврейская");
    }
}
