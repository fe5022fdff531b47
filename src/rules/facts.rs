//! Working facts out: each applicant's and each family member's facts at the filing date
//! (`derive`, added here to the fact structs of [`crate::cond::facts`], which hold plain
//! values only), from the typed applicant, the run's rates, the baggage limits of
//! rates.toml, the language exemption of documents.toml and what the target region
//! lookup found; with the whole years and months between dates they count in.

use jiff::civil::Date;

use crate::model::{Applicant, Citizenship, FamilyMember, Sex, Vocabulary};
use crate::schema::documents::LanguageExemption;
use crate::schema::rates::Baggage;
use crate::schema::regions::Participation;

pub use crate::cond::facts::{AppFacts, Ctx, MemberFacts, RunFacts};

pub use crate::values::years_between;

/// Whole months from `from` to `to` (negative when `to` is earlier).
pub fn months_between(from: Date, to: Date) -> i64 {
    let mut m = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() && !is_last_day_shortfall(from, to) {
        m -= 1;
    }
    m
}

/// 31 January + 1 month is 28/29 February: reaching the last day of a shorter month
/// counts as a whole month.
fn is_last_day_shortfall(from: Date, to: Date) -> bool {
    to.day() == to.days_in_month() && from.day() > to.day()
}

fn canonical<V: Vocabulary>(v: Option<V>) -> Option<&'static str> {
    v.map(Vocabulary::canonical)
}

/// A citizenship as conditions see it: its two-letter code or `stateless`.
pub fn citizenship(c: Option<Citizenship>) -> Option<&'static str> {
    c.map(|c| match c {
        Citizenship::Stateless => "stateless",
        Citizenship::Country(code) => country(code),
    })
}

/// The code as a `&'static str`: a slice of one string holding every pair of letters.
fn country(code: [u8; 2]) -> &'static str {
    static PAIRS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        (b'A'..=b'Z')
            .flat_map(|a| (b'A'..=b'Z').flat_map(move |b| [char::from(a), char::from(b)]))
            .collect()
    });
    match code {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
            let i = (usize::from(a - b'A') * 26 + usize::from(b - b'A')) * 2;
            &PAIRS[i..i + 2]
        }
        _ => "other",
    }
}

/// What the target region lookup found, for [`AppFacts::derive`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RegionFacts {
    pub participation: Option<Participation>,
    pub priority: Option<bool>,
    pub has_demand_list: bool,
    pub profession_in_demand: Option<bool>,
}

impl MemberFacts {
    /// The member's facts on the `filing` date.
    pub fn derive(m: &FamilyMember, run: &RunFacts, filing: Date) -> MemberFacts {
        // A birth or deportation after the as-of date is a `data.format` finding; it
        // decides nothing else.
        let past = |d: Option<Date>| d.filter(|d| *d <= run.as_of);
        let age = past(m.birth_date).map(|b| years_between(b, filing));
        let pension_age = match m.sex {
            Some(Sex::M) => Some(run.pension_age_men),
            Some(Sex::F) => Some(run.pension_age_women),
            None => None,
        };
        let at_pension_age = matches!((age, pension_age), (Some(a), Some(p)) if a >= p);
        MemberFacts {
            member_id: m.member_id.clone(),
            relation: canonical(m.relation),
            sex: canonical(m.sex),
            age,
            citizenship: citizenship(m.citizenship),
            relocating: m.relocating,
            pensioner_cell: m.pensioner,
            pensioner_assumed: m.pensioner.is_none() && at_pension_age,
            legal_capacity: canonical(m.legal_capacity),
            marital_status: canonical(m.marital_status),
            has_previous_names: !m.previous_names.is_empty(),
            id_doc_type: canonical(m.id_doc_type),
            id_validity_months: m.id_doc_expiry_date.map(|e| months_between(filing, e)),
            parents_relocating: m.parents_relocating,
            extremism: m.extremism,
            serious_conviction: m.serious_conviction,
            other_state_residence: m.other_state_residence,
            years_since_deportation: past(m.deportation_date).map(|d| years_between(d, filing)),
            migration_offences_12m: m.migration_offences_12m.map(i64::from),
            entry_ban: m.entry_ban,
        }
    }
}

/// The day an applicant's dates are judged on: `filing_date`, or the as-of date.
pub fn filing_date(a: &Applicant, as_of: Date) -> Date {
    a.filing_date.unwrap_or(as_of)
}

impl AppFacts {
    /// The applicant's facts on their filing date; `baggage` and `language` are the
    /// baggage limits (rates.toml) and the language exemption (documents.toml) in force.
    pub fn derive(
        a: &Applicant,
        members: &[MemberFacts],
        region: RegionFacts,
        run: &RunFacts,
        baggage: &Baggage,
        language: &LanguageExemption,
    ) -> AppFacts {
        let filing = filing_date(a, run.as_of);
        // A birth or deportation after the as-of date is a `data.format` finding; it
        // decides nothing else.
        let past = |d: Option<Date>| d.filter(|d| *d <= run.as_of);
        let relocating = members.iter().filter(|m| m.is_relocating());
        let relocating_members = relocating.clone().count() as i64;
        let citizenship = citizenship(a.citizenship);
        let formers: Vec<&'static str> = a
            .former_citizenship
            .iter()
            .filter_map(|c| self::citizenship(Some(*c)))
            .collect();
        AppFacts {
            age: past(a.birth_date).map(|b| years_between(b, filing)),
            sex: canonical(a.sex),
            citizenship,
            id_doc_type: canonical(a.id_doc_type),
            id_validity_months: a.id_doc_expiry_date.map(|e| months_between(filing, e)),
            education: canonical(a.education),
            russian_language: canonical(a.russian_language),
            language_exempt: language.exempt(
                citizenship,
                &formers,
                a.repatriate == Some(true),
                filing,
            ),
            legal_capacity: canonical(a.legal_capacity),
            marital_status: canonical(a.marital_status),
            has_previous_names: !a.previous_names.is_empty(),
            employer_offer: a.employer_offer,
            military_deregistered: a.military_deregistered,
            alimony_recipients: a.alimony_recipients,
            extremism: a.extremism,
            under_prosecution: a.under_prosecution,
            serious_conviction: a.serious_conviction,
            other_state_residence: a.other_state_residence,
            false_information: a.false_information,
            entry_ban: a.entry_ban,
            regional_requirements_unmet: a.regional_requirements_unmet,
            repatriate: a.repatriate,
            years_since_deportation: past(a.deportation_date).map(|d| years_between(d, filing)),
            migration_offences_12m: a.migration_offences_12m.map(i64::from),
            region_participating: region.participation.map(Participation::as_str),
            region_priority: region.priority,
            region_has_demand_list: region.has_demand_list,
            profession_in_demand: region.profession_in_demand,
            family_members: members.len() as i64,
            relocating_members,
            relocating_minors: relocating
                .clone()
                .filter(|m| m.age.is_some_and(|x| x < 18))
                .count() as i64,
            relocating_pensioners: relocating.filter(|m| m.pensioner() == Some(true)).count()
                as i64,
            has_certificate: !a.certificate_number.is_empty() || a.certificate_date.is_some(),
            years_since_certificate: a.certificate_date.map(|d| years_between(d, run.as_of)),
            months_since_stage1: a.stage1_paid_date.map(|d| months_between(d, run.as_of)),
            // Rounded up: 5000.5 kg is over a 5000 kg limit.
            baggage_kg: a
                .expenses
                .iter()
                .filter(|e| e.kind == Some(crate::model::ExpenseKind::Baggage))
                .filter_map(|e| e.weight_grams)
                .sum::<i64>()
                .saturating_add(999)
                / 1000,
            baggage_limit_kg: baggage.limit_kg(1 + relocating_members),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn whole_years_turn_on_the_birthday() {
        assert_eq!(years_between(date(2008, 11, 24), date(2026, 11, 24)), 18);
        assert_eq!(years_between(date(2008, 11, 25), date(2026, 11, 24)), 17);
        assert_eq!(years_between(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(years_between(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(years_between(date(2027, 1, 1), date(2026, 11, 24)), -1);
    }

    #[test]
    fn whole_months() {
        assert_eq!(months_between(date(2026, 11, 24), date(2027, 5, 24)), 6);
        assert_eq!(months_between(date(2026, 11, 24), date(2027, 5, 23)), 5);
        assert_eq!(months_between(date(2026, 8, 31), date(2027, 2, 28)), 6);
        assert_eq!(months_between(date(2026, 11, 24), date(2026, 11, 1)), -1);
        assert_eq!(months_between(date(2026, 11, 24), date(2026, 10, 24)), -1);
    }

    #[test]
    fn countries_are_their_codes() {
        assert_eq!(citizenship(Some(Citizenship::KZ)), Some("KZ"));
        assert_eq!(citizenship(Some(Citizenship::Country(*b"ZZ"))), Some("ZZ"));
        assert_eq!(citizenship(Some(Citizenship::Country(*b"AA"))), Some("AA"));
        assert_eq!(citizenship(Some(Citizenship::Stateless)), Some("stateless"));
        assert_eq!(
            citizenship(Some(Citizenship::Country(*b"k1"))),
            Some("other")
        );
    }

    fn run() -> RunFacts {
        RunFacts {
            as_of: date(2026, 11, 24),
            pension_age_men: 63,
            pension_age_women: 61,
            ..RunFacts::default()
        }
    }

    #[test]
    fn baggage_limit_doubles_from_four_persons() {
        let baggage = Baggage {
            container_kg: 5000,
            containers_small_family: 1,
            containers_large_family: 2,
            large_family_persons: 4,
            ..Baggage::default()
        };
        assert_eq!(baggage.limit_kg(3), 5000);
        assert_eq!(baggage.limit_kg(4), 10_000);
    }

    #[test]
    fn a_blank_pensioner_cell_at_pension_age_counts_as_pensioner() {
        let r = run();
        let m = |sex, birth, pensioner| FamilyMember {
            sex: Some(sex),
            birth_date: Some(birth),
            pensioner,
            ..FamilyMember::default()
        };
        let filing = date(2026, 11, 24);
        let f = MemberFacts::derive(&m(Sex::F, date(1965, 11, 24), None), &r, filing);
        assert!(f.pensioner_assumed && f.pensioner() == Some(true));
        let f = MemberFacts::derive(&m(Sex::F, date(1965, 11, 25), None), &r, filing);
        assert!(!f.pensioner_assumed && f.pensioner().is_none());
        let f = MemberFacts::derive(&m(Sex::M, date(1963, 11, 24), None), &r, filing);
        assert!(f.pensioner_assumed);
        let f = MemberFacts::derive(&m(Sex::M, date(1950, 1, 1), Some(false)), &r, filing);
        assert!(!f.pensioner_assumed && f.pensioner() == Some(false));
    }
}
