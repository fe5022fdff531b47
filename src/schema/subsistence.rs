//! `subsistence.toml`: the subsistence minimums of the subjects of the Russian Federation
//! by year (per capita, working age, pensioners, children), each with its act, source,
//! tier and `verified`, named by the subject codes of `regions.toml` (checked at load).
//! A region or year without an entry has no value: there is no fallback to the federal
//! one ("determined by the authority").

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::{RegionSchema, SchemaError, SchemaText, Sourced};

/// The code of the federal value in `region`.
pub const FEDERAL: &str = "RF";

/// How far a source can be trusted (sources-2026.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Tier {
    /// Official: a government site or an official legal database.
    A,
    /// A reputable news agency or newspaper, or a regional release it republishes.
    B,
    /// A pointer only.
    C,
}

/// One subject's (or the federal) minimums for one year, RUB per month.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The subject's code in regions.toml, or [`FEDERAL`].
    pub region: String,
    pub name: String,
    pub year: i16,
    pub per_capita_rub: i64,
    pub working_age_rub: i64,
    pub pensioners_rub: i64,
    pub children_rub: i64,
    /// The act that sets the values (may be empty when the source does not name it).
    pub act: String,
    /// The page(s) that report them.
    pub source: String,
    pub tier: Tier,
    /// `true` only for tier A or B.
    pub verified: bool,
}

impl Entry {
    /// The act and the source, with the tier, as one `basis`.
    pub fn basis(&self) -> String {
        let tier = match self.tier {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
        };
        if self.act.trim().is_empty() {
            format!("{} [{tier}]", self.source)
        } else {
            format!("{}; {} [{tier}]", self.act, self.source)
        }
    }

    /// `basis` and `verified` as the other schemas give them.
    pub fn sourced(&self) -> Sourced {
        Sourced {
            basis: self.basis(),
            verified: self.verified,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    region: String,
    name: String,
    year: i16,
    per_capita_rub: i64,
    working_age_rub: i64,
    pensioners_rub: i64,
    children_rub: i64,
    act: Option<String>,
    source: Option<String>,
    tier: Option<Tier>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubsistence {
    #[serde(default)]
    minimum: Vec<Spanned<RawEntry>>,
}

/// The loaded `subsistence.toml`.
#[derive(Debug, Clone, Default)]
pub struct SubsistenceSchema {
    /// Every entry, in the file's order.
    pub entries: Vec<Entry>,
    /// (index in `regions.russia`, year) → index in `entries`.
    by_region: HashMap<(usize, i16), usize>,
    /// year → index in `entries` of the federal value.
    federal: HashMap<i16, usize>,
}

impl SubsistenceSchema {
    /// Loads `src`, checking each entry's region against `regions`.
    pub fn load(
        src: &SchemaText,
        regions: &RegionSchema,
    ) -> Result<SubsistenceSchema, SchemaError> {
        let raw: RawSubsistence = src.parse()?;
        let mut schema = SubsistenceSchema::default();
        for e in raw.minimum {
            let at = e.span().start;
            let e = e.into_inner();
            let err = |msg: String| src.error_at(Some(at), msg);
            let what = format!("[[minimum]] {} {} {}", e.region, e.name, e.year);
            let index = if e.region == FEDERAL {
                None
            } else {
                let i = regions.russian_by_code(&e.region).ok_or_else(|| {
                    err(format!(
                        "{what}: `region` must be the code of a subject in regions.toml (\"39\") or \"{FEDERAL}\""
                    ))
                })?;
                if regions.russian(&e.name) != Some(i) {
                    return Err(err(format!(
                        "{what}: the name does not match region {} ({} / {} in regions.toml)",
                        e.region, regions.russia[i].en, regions.russia[i].ru
                    )));
                }
                Some(i)
            };
            if !(2000..=2100).contains(&e.year) {
                return Err(err(format!("{what}: `year` must be 2000–2100")));
            }
            let values = [
                e.per_capita_rub,
                e.working_age_rub,
                e.pensioners_rub,
                e.children_rub,
            ];
            if values.iter().any(|v| !(1..=10_000_000).contains(v)) {
                return Err(err(format!(
                    "{what}: the values must be amounts in RUB per month, 1 to 10,000,000"
                )));
            }
            let source = e.source.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                err(format!(
                    "{what} needs a `source`: the page that reports the values"
                ))
            })?;
            let act = e.act.ok_or_else(|| {
                err(format!(
                    "{what} needs an `act`: the act setting the values, or \"\" when the source names none"
                ))
            })?;
            let tier = e
                .tier
                .ok_or_else(|| err(format!("{what} needs a `tier`: \"A\", \"B\" or \"C\"")))?;
            let verified = e.verified.ok_or_else(|| {
                err(format!(
                    "{what} needs `verified = true` or `false` (is an official source behind it?)"
                ))
            })?;
            if verified && tier == Tier::C {
                return Err(err(format!(
                    "{what}: a tier C source is a pointer only, `verified` must be false"
                )));
            }
            let n = schema.entries.len();
            let taken = match index {
                Some(i) => schema.by_region.insert((i, e.year), n),
                None => schema.federal.insert(e.year, n),
            };
            if taken.is_some() {
                return Err(err(format!(
                    "{what}: a second entry for the same region and year"
                )));
            }
            schema.entries.push(Entry {
                region: e.region,
                name: e.name,
                year: e.year,
                per_capita_rub: e.per_capita_rub,
                working_age_rub: e.working_age_rub,
                pensioners_rub: e.pensioners_rub,
                children_rub: e.children_rub,
                act,
                source,
                tier,
                verified,
            });
        }
        Ok(schema)
    }

    /// The entry of region `region` (an index of `regions.russia`) for `year`, whose
    /// `working_age_rub` the monthly benefit is computed from; `None` when the file has
    /// none (never the federal value).
    pub fn working_age(&self, region: usize, year: i16) -> Option<&Entry> {
        self.by_region
            .get(&(region, year))
            .map(|&n| &self.entries[n])
    }

    /// The entry of the subject with regions.toml code `code` ("39") for `year`.
    pub fn by_code(&self, code: &str, year: i16) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.region == code && e.year == year)
    }

    /// The federal value for `year`, for reference.
    pub fn federal(&self, year: i16) -> Option<&Entry> {
        self.federal.get(&year).map(|&n| &self.entries[n])
    }

    /// The entries no official or reputable source confirms (tier C), as (what, basis),
    /// for `resettle rules --unverified`.
    pub fn unverified(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .filter(|e| !e.verified)
            .map(|e| {
                (
                    format!("subsistence.toml {} {} {}", e.region, e.name, e.year),
                    e.basis(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// /work/shared/data/subsistence-minimum.csv as subsistence.toml was made from it.
    const CSV: &str = r#"subject,year,per_capita_rub,working_age_rub,pensioners_rub,children_rub,act,source,tier
Russian Federation,2025,17733,19329,15250,17201,federal value,asmfc.ru,C
Russian Federation,2026,18939,20644,16288,18371,federal value,news.mail.ru 68569102; kam24.ru,B
Kaliningrad Oblast,2025,18265,19909,15708,17717,Пост. Правительства КО № 359-п от 05.09.2024,expertnw.com; news.mail.ru,B
Kaliningrad Oblast,2026,19507,21263,16776,18922,Пост. Правительства КО № 419-п от 07.11.2025,newkaliningrad.ru,B
Tula Oblast,2025,17733,19329,15250,17201,,n71.ru 01.09.2024,B
Kaluga Oblast,2025,17024,18556,14641,16513,,kp40.ru,B
Kaluga Oblast,2026,18181,19817,15636,17636,Пост. № 762 от 04.12.2025,kp40.ru; news.mail.ru 68685623,B
Voronezh Oblast,2025,15605,17009,13420,15137,derived from the 2026 value and its increase,gorcom36.ru,B
Voronezh Oblast,2026,16666,18166,14333,16166,Пост. от 11.11.2025,gorcom36.ru; news.mail.ru 68680853,B
Novosibirsk Oblast,2025,17378,18942,14945,16857,,infopro54.ru,B
Novosibirsk Oblast,2026,18560,20230,15962,18003,,news.mail.ru 68477756,B
Omsk Oblast,2025,15428,16816,13268,14965,derived from the 2026 value and its increase,sibnovosti.ru,B
Omsk Oblast,2026,16477,17960,14170,15983,Omsk Ministry of Labour,omskinform.ru,B
Krasnoyarsk Krai,2025,19684,21456,16928,19093,regional average; 13 territorial values (north higher),Interfax 16.07.2024,B
Krasnoyarsk Krai,2026,21022,22914,18079,20391,regional average; 13 territorial values (north higher),news.mail.ru 68664895 11.11.2025,B
Khabarovsk Krai,2025,21634,23581,18605,22844,Пост. Губернатора № 285-пр от 12.08.2024,pmini.ru,C
Khabarovsk Krai,2026,23106,25186,19871,23758,,khabarovsk-news.ru 13.11.2025,B
Primorsky Krai,2025,21102,23001,18148,20469,,pravokabinet.com,C
Irkutsk Oblast,2025,18797,20489,16165,18233,regional value; Far North and other areas differ,altairk.ru; baikalinform.ru,B
Irkutsk Oblast,2026,20075,21882,17265,19473,Пост. № 887-пп; regional value; Far North and other areas differ,news.mail.ru 68692350,B
Sakhalin Oblast,2026,25757,28075,22151,24984,,okha.online 28.01.2026,B
Republic of Buryatia,2025,19325,21069,16623,18749,,bur.aif.ru; infpol.ru,B
Zabaykalsky Krai,2025,20748,22615,17843,20126,,TASS 18.11.2025,B
Zabaykalsky Krai,2026,22159,24153,19057,21494,,vstime.ru,B
Kamchatka Krai,2025,31210,34019,26841,30692,Пост. № 400-П от 16.08.2024; municipal coefficients apply,asmfc.ru,C
Kamchatka Krai,2026,33333,36333,28666,32333,municipal coefficients apply,kam24.ru 02.12.2025,B
Magadan Oblast,2025,30855,33632,26535,30681,,TASS 14.01.2026,B
Magadan Oblast,2026,32954,35920,28340,32062,,TASS 14.01.2026,B
Rostov Oblast,2025,16669,18169,14335,16169,derived from the 2026 value and its increase,taganrogprav.ru,B
Rostov Oblast,2026,17803,19405,15311,17269,Пост. Губернатора published 11.11.2025,news.mail.ru 68891310,B
Yaroslavl Oblast,2025,17733,19329,15250,17201,,76.ru,B
Yaroslavl Oblast,2026,18939,20644,16288,18371,Пост. от 13.10.2025,Kommersant 8120791,B
Tambov Oblast,2025,14718,16043,12784,14276,,tambov-news.net 10.09.2024,B
Tambov Oblast,2026,15719,17134,13518,15247,,tmbnews.ru 17.11.2025,B
Pskov Oblast,2025,17556,19136,15098,17029,Пост. № 282 от 21.08.2024,potrebkor.ru,C
Bryansk Oblast,2025,16314,17782,14030,15825,Пост. № 313-п от 15.07.2024,assistentus.ru,C
Bryansk Oblast,2026,17424,18992,14985,16901,Пост. № 577-п от 14.11.2025,guberniya.tv,B
Oryol Oblast,2026,17613,19198,15147,17085,,Interfax 27.10.2025,B
"#;

    fn schemas() -> (RegionSchema, SchemaText) {
        let regions =
            RegionSchema::load(&super::super::read(None, "regions.toml").unwrap()).unwrap();
        (
            regions,
            super::super::read(None, "subsistence.toml").unwrap(),
        )
    }

    fn load(text: &str) -> Result<SubsistenceSchema, SchemaError> {
        let (regions, _) = schemas();
        SubsistenceSchema::load(
            &SchemaText {
                name: "subsistence.toml".into(),
                text: text.into(),
            },
            &regions,
        )
    }

    #[test]
    fn lookup_hits_and_misses() {
        let (regions, src) = schemas();
        let s = SubsistenceSchema::load(&src, &regions).unwrap();
        let khabarovsk = regions.russian("Khabarovsk Krai").unwrap();
        let e = s.working_age(khabarovsk, 2026).unwrap();
        assert_eq!(e.working_age_rub, 25186);
        assert!(e.verified);
        let e = s.working_age(khabarovsk, 2025).unwrap();
        assert_eq!(e.working_age_rub, 23581);
        assert!(!e.verified, "pmini.ru is tier C");
        assert!(e.basis().contains("285-пр") && e.basis().ends_with("[C]"));
        // A year without a value: none, not the other year's.
        assert!(s.working_age(khabarovsk, 2027).is_none());
        let primorsky = regions.russian("Primorsky Krai").unwrap();
        assert!(s.working_age(primorsky, 2025).is_some());
        assert!(s.working_age(primorsky, 2026).is_none());
        // A region without any value: none, not the federal one.
        let jewish = regions.russian("Jewish Autonomous Oblast").unwrap();
        assert!(s.working_age(jewish, 2026).is_none());
        assert_eq!(s.federal(2026).unwrap().working_age_rub, 20644);
        assert_eq!(s.by_code("39", 2026).unwrap().working_age_rub, 21263);
        assert!(
            s.unverified()
                .iter()
                .any(|(w, _)| w.contains("RF Russian Federation 2025"))
        );
    }

    #[test]
    fn every_row_of_the_data_file_is_an_entry() {
        let (regions, src) = schemas();
        let s = SubsistenceSchema::load(&src, &regions).unwrap();
        let mut lines = CSV.lines().filter(|l| !l.trim().is_empty());
        assert_eq!(
            lines.next(),
            Some(
                "subject,year,per_capita_rub,working_age_rub,pensioners_rub,children_rub,act,source,tier"
            )
        );
        let mut n = 0;
        for (row, line) in lines.enumerate() {
            // Quoted fields hold no commas in this file; acts and sources are split on
            // the last three commas to be safe.
            let cells: Vec<&str> = line.splitn(7, ',').collect();
            let rest: Vec<&str> = cells[6].rsplitn(3, ',').collect();
            let (act, source, tier) = (rest[2], rest[1], rest[0]);
            let e = &s.entries[row];
            assert_eq!(e.name, cells[0], "row {}", row + 2);
            assert_eq!(e.year.to_string(), cells[1]);
            let values = [
                e.per_capita_rub,
                e.working_age_rub,
                e.pensioners_rub,
                e.children_rub,
            ];
            let expected: Vec<i64> = cells[2..6].iter().map(|c| c.parse().unwrap()).collect();
            assert_eq!(values.as_slice(), expected.as_slice(), "{}", cells[0]);
            assert_eq!(
                (e.act.as_str(), e.source.as_str()),
                (act, source),
                "{}",
                cells[0]
            );
            let tier_of = |t: Tier| match t {
                Tier::A => "A",
                Tier::B => "B",
                Tier::C => "C",
            };
            assert_eq!(tier_of(e.tier), tier);
            assert_eq!(e.verified, tier != "C");
            if e.region == FEDERAL {
                assert_eq!(cells[0], "Russian Federation");
            } else {
                assert_eq!(
                    regions.russian(cells[0]),
                    regions.russian_by_code(&e.region)
                );
            }
            n += 1;
        }
        assert_eq!(n, s.entries.len());
        assert_eq!(n, 38);
        // The copy beside this file is the shared data file, where that is at hand.
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/subsistence-minimum.csv");
        if let Ok(text) = std::fs::read_to_string(shared) {
            assert_eq!(
                text, CSV,
                "the shared data file changed: regenerate subsistence.toml"
            );
        }
    }

    #[test]
    fn mistakes_point_at_the_entry() {
        let (_, src) = schemas();
        let text = src.text;
        // The line of the [[minimum]] header before the edited spot.
        let entry_of = |t: &str, at: usize| {
            t[..t[..at].rfind("\n[[minimum]]\n").unwrap() + 1]
                .matches('\n')
                .count()
                + 1
        };
        let cases = [
            ("verified = false\n", "", "verified"),
            ("tier = \"C\"\n", "", "tier"),
            ("verified = false\n", "verified = true\n", "tier C"),
            ("region = \"RF\"", "region = \"99\"", "code of a subject"),
            (
                "name = \"Russian Federation\"\nyear = 2026",
                "name = \"Russian Federation\"\nyear = 2025",
                "same region and year",
            ),
        ];
        for (from, to, words) in cases {
            let edited = text.replacen(from, to, 1);
            let e = load(&edited).unwrap_err();
            assert!(e.message.contains(words), "{words}: {e}");
            let spot = if to.is_empty() {
                text.find(from).unwrap()
            } else {
                text.find(from).unwrap() + 1
            };
            let entry = entry_of(&edited, spot);
            assert!(
                matches!(e.line, Some(l) if l == entry || l == entry + 1),
                "{words}: {e}"
            );
        }
        let e = load(&text.replacen(
            "name = \"Kaliningrad Oblast\"",
            "name = \"Kaluga Oblast\"",
            1,
        ))
        .unwrap_err();
        assert!(e.message.contains("does not match"), "{e}");
        let e = load(&text.replacen("source = \"asmfc.ru\"", "source = \"\"", 1)).unwrap_err();
        assert!(e.message.contains("source"), "{e}");
    }

    #[test]
    fn an_ngo_adds_a_year() {
        let (_, src) = schemas();
        let text = format!(
            "{}\n[[minimum]]\nregion = \"79\"\nname = \"Еврейская автономная область\"\nyear = 2027\nper_capita_rub = 20000\nworking_age_rub = 21800\npensioners_rub = 17200\nchildren_rub = 19400\nact = \"Пост. № 1 от 01.11.2026\"\nsource = \"eao.ru\"\ntier = \"A\"\nverified = true\n",
            src.text
        );
        let s = load(&text).unwrap();
        let (regions, _) = schemas();
        let jewish = regions.russian("79").unwrap();
        assert_eq!(s.working_age(jewish, 2027).unwrap().working_age_rub, 21800);
    }
}
