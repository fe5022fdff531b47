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

/// Folds a full spelling: [`fold`] with spaces and punctuation dropped ("Almaty" and
/// "Almaty Region" stay different).
fn fold_exact(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
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

        let mut kz_names = NameIndex::default();
        for (i, k) in raw.kazakhstan.iter().enumerate() {
            let r = k.get_ref();
            if !missions.iter().any(|m| m.id == *r.mission.get_ref()) {
                return Err(at(
                    r.mission.span().start,
                    format!("no [[mission]] with id `{}`", r.mission.get_ref()),
                ));
            }
            for name in [&r.en, &r.ru, &r.kk].into_iter().chain(&r.aliases) {
                if let Err(j) = kz_names.add(name, i) {
                    return Err(at(
                        k.span().start,
                        format!(
                            "«{name}» names two regions of Kazakhstan: {} and {}",
                            raw.kazakhstan[j].get_ref().en,
                            r.en
                        ),
                    ));
                }
            }
        }

        let mut ru_names = NameIndex::default();
        let mut ru_codes = HashMap::new();
        let mut demand = Vec::new();
        for (i, r) in raw.russia.iter().enumerate() {
            let reg = r.get_ref();
            let code: u32 = reg.code.parse().map_err(|_| {
                at(
                    r.span().start,
                    format!("code `{}` is not a number", reg.code),
                )
            })?;
            if let Some(j) = ru_codes.insert(code, i) {
                return Err(at(
                    r.span().start,
                    format!("code {code} is used by {} too", raw.russia[j].get_ref().en),
                ));
            }
            for name in [&reg.ru, &reg.en].into_iter().chain(&reg.aliases) {
                if let Err(j) = ru_names.add(name, i) {
                    return Err(at(
                        r.span().start,
                        format!(
                            "«{name}» names two regions: {} and {}",
                            raw.russia[j].get_ref().en,
                            reg.en
                        ),
                    ));
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

    /// The Kazakh region (or city) a spelling names.
    pub fn kazakh(&self, name: &str) -> Option<&Kazakhstan> {
        self.kz_names.get(name).map(|i| &self.kazakhstan[i])
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
    fn lookups_forgive_spelling_but_not_ambiguity() {
        let r = crate::schema::Schemas::embedded().unwrap().regions;
        let ru = |n: &str| r.russian(n).map(|i| r.russia[i].en.as_str());
        assert_eq!(ru("Kaliningrad Oblast"), Some("Kaliningrad Oblast"));
        assert_eq!(ru("калининградская  обл."), Some("Kaliningrad Oblast"));
        assert_eq!(ru("39"), Some("Kaliningrad Oblast"));
        assert_eq!(ru("039"), Some("Kaliningrad Oblast"));
        assert_eq!(ru("Moscow"), Some("Moscow"));
        assert_eq!(ru("Moscow Oblast"), Some("Moscow Oblast"));
        assert_eq!(ru("Приморье"), ru("Primorsky Krai"));
        assert!(ru("Altai").is_none(), "two subjects are called Altai");
        assert!(ru("Narnia").is_none());
        let kz = |n: &str| r.kazakh(n).map(|k| k.mission.get_ref().as_str());
        assert_eq!(kz("Almaty"), Some("almaty"));
        assert_eq!(kz("Akmola oblast"), Some("astana"));
        assert_eq!(kz("Абай"), kz("Abai Region"));
        assert_eq!(kz("Abai"), Some("ust_kamenogorsk"));
        assert_eq!(kz("Turkistan"), Some("almaty"));
        assert_eq!(kz("Ulytau"), Some("astana"));
        assert_eq!(kz("Mangistau"), Some("uralsk"));
    }

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
