//! Facts: the typed values rule conditions read, derived once per applicant (and per
//! family member) in Rust — ages at the as-of date, months of ID validity left, years
//! since deportation, family counts, the target region's standing — and the table of
//! names by which conditions and message templates refer to them.

use jiff::civil::Date;

use crate::model::{Applicant, FamilyMember, Vocabulary};
use crate::schema::regions::Participation;

/// Whole years from `from` to `to` (negative when `to` is earlier).
pub fn years_between(from: Date, to: Date) -> i64 {
    let mut y = i64::from(to.year()) - i64::from(from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

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

/// Values fixed for a whole run: the as-of date and the rates in force on it.
#[derive(Debug, Clone)]
pub struct RunFacts {
    pub as_of: Date,
    pub baggage_limit_kg: i64,
    pub certificate_validity_years: i64,
    pub stage2_min_months: i64,
}

/// What the rules know of one family member.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub member_id: String,
    pub relation: Option<&'static str>,
    pub sex: Option<&'static str>,
    pub age: Option<i64>,
    pub citizenship: Option<&'static str>,
    pub relocating: Option<bool>,
    pub pensioner: Option<bool>,
    pub legal_capacity: Option<&'static str>,
}

/// What the rules know of one applicant.
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    pub age: Option<i64>,
    pub sex: Option<&'static str>,
    pub citizenship: Option<&'static str>,
    pub id_doc_type: Option<&'static str>,
    pub id_validity_months: Option<i64>,
    pub education: Option<&'static str>,
    pub russian_language: Option<&'static str>,
    pub legal_capacity: Option<&'static str>,
    pub marital_status: Option<&'static str>,
    pub employer_offer: Option<bool>,
    pub military_deregistered: Option<bool>,
    pub alimony_recipients: Option<bool>,
    pub extremism: Option<bool>,
    pub under_prosecution: Option<bool>,
    pub serious_conviction: Option<bool>,
    pub other_state_residence: Option<bool>,
    pub false_information: Option<bool>,
    pub years_since_deportation: Option<i64>,
    pub admin_offences_12m: Option<i64>,
    pub migration_violations: Option<i64>,
    pub region_participating: Option<&'static str>,
    pub region_priority: Option<bool>,
    pub region_has_demand_list: bool,
    pub profession_in_demand: Option<bool>,
    pub family_members: i64,
    pub relocating_members: i64,
    pub relocating_minors: i64,
    pub relocating_pensioners: i64,
    pub has_certificate: bool,
    pub years_since_certificate: Option<i64>,
    pub months_since_stage1: Option<i64>,
    pub baggage_kg: i64,
}

/// A condition is evaluated for the applicant, or once per family member.
pub struct Ctx<'a> {
    pub run: &'a RunFacts,
    pub app: &'a AppFacts,
    pub member: Option<&'a MemberFacts>,
}

fn canonical<V: Vocabulary>(v: Option<V>) -> Option<&'static str> {
    v.map(Vocabulary::canonical)
}

fn citizenship(c: Option<crate::model::Citizenship>) -> Option<&'static str> {
    use crate::model::Citizenship::*;
    c.map(|c| match c {
        Stateless => "stateless",
        Country(code) if &code == b"KZ" => "KZ",
        Country(code) if &code == b"RU" => "RU",
        Country(_) => "other",
    })
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
    pub fn derive(m: &FamilyMember, as_of: Date) -> MemberFacts {
        MemberFacts {
            member_id: m.member_id.clone(),
            relation: canonical(m.relation),
            sex: canonical(m.sex),
            age: m.birth_date.map(|b| years_between(b, as_of)),
            citizenship: citizenship(m.citizenship),
            relocating: m.relocating,
            pensioner: m.pensioner,
            legal_capacity: canonical(m.legal_capacity),
        }
    }

    pub fn is_relocating(&self) -> bool {
        self.relocating == Some(true)
    }
}

impl AppFacts {
    pub fn derive(
        a: &Applicant,
        members: &[MemberFacts],
        region: RegionFacts,
        as_of: Date,
    ) -> AppFacts {
        let relocating = members.iter().filter(|m| m.is_relocating());
        AppFacts {
            age: a.birth_date.map(|b| years_between(b, as_of)),
            sex: canonical(a.sex),
            citizenship: citizenship(a.citizenship),
            id_doc_type: canonical(a.id_doc_type),
            id_validity_months: a.id_doc_expiry_date.map(|e| months_between(as_of, e)),
            education: canonical(a.education),
            russian_language: canonical(a.russian_language),
            legal_capacity: canonical(a.legal_capacity),
            marital_status: canonical(a.marital_status),
            employer_offer: a.employer_offer,
            military_deregistered: a.military_deregistered,
            alimony_recipients: a.alimony_recipients,
            extremism: a.extremism,
            under_prosecution: a.under_prosecution,
            serious_conviction: a.serious_conviction,
            other_state_residence: a.other_state_residence,
            false_information: a.false_information,
            years_since_deportation: a.deportation_date.map(|d| years_between(d, as_of)),
            admin_offences_12m: a.admin_offences_12m.map(i64::from),
            migration_violations: a.migration_violations.map(i64::from),
            region_participating: region.participation.map(Participation::as_str),
            region_priority: region.priority,
            region_has_demand_list: region.has_demand_list,
            profession_in_demand: region.profession_in_demand,
            family_members: members.len() as i64,
            relocating_members: relocating.clone().count() as i64,
            relocating_minors: relocating
                .clone()
                .filter(|m| m.age.is_some_and(|x| x < 18))
                .count() as i64,
            relocating_pensioners: relocating.filter(|m| m.pensioner == Some(true)).count() as i64,
            has_certificate: !a.certificate_number.is_empty() || a.certificate_date.is_some(),
            years_since_certificate: a.certificate_date.map(|d| years_between(d, as_of)),
            months_since_stage1: a.stage1_paid_date.map(|d| months_between(d, as_of)),
            // Rounded up: 5000.5 kg is over a 5000 kg limit.
            baggage_kg: a
                .expenses
                .iter()
                .filter(|e| e.kind == Some(crate::model::ExpenseKind::Baggage))
                .filter_map(|e| e.weight_grams)
                .sum::<i64>()
                .saturating_add(999)
                / 1000,
        }
    }
}

/// How a fact is read.
#[derive(Clone, Copy)]
pub enum Getter {
    Bool(fn(&Ctx<'_>) -> Option<bool>),
    Int(fn(&Ctx<'_>) -> Option<i64>),
    Str(fn(&Ctx<'_>) -> Option<&'static str>),
}

impl std::fmt::Debug for Getter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Getter::Bool(_) => "Bool",
            Getter::Int(_) => "Int",
            Getter::Str(_) => "Str",
        })
    }
}

/// Where a fact lives: the applicant (usable everywhere), or the family member a
/// per-member condition is evaluated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Applicant,
    Member,
}

/// One named fact.
#[derive(Debug)]
pub struct FactDef {
    pub name: &'static str,
    pub scope: Scope,
    pub getter: Getter,
    /// For text facts: every value it can take (a condition comparing it with anything
    /// else is a schema error).
    pub values: &'static [&'static str],
    pub doc: &'static str,
}

macro_rules! fact {
    ($name:literal, $scope:ident, $kind:ident, $values:expr, $doc:literal, $f:expr) => {
        FactDef {
            name: $name,
            scope: Scope::$scope,
            getter: Getter::$kind($f),
            values: $values,
            doc: $doc,
        }
    };
}

const SEX: &[&str] = &["M", "F"];
const CITIZENSHIP: &[&str] = &["KZ", "RU", "stateless", "other"];
const EDUCATION: &[&str] = &["none", "secondary", "vocational", "higher", "postgraduate"];
const RUSSIAN: &[&str] = &["native", "fluent", "basic", "none"];
const CAPACITY: &[&str] = &["full", "limited"];
const MARITAL: &[&str] = &["single", "married", "divorced", "widowed"];
const ID_DOC: &[&str] = &["passport", "id_card", "residence_permit"];
const RELATION: &[&str] = &[
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "grandparent",
    "other",
];
const PARTICIPATION: &[&str] = &["yes", "no", "unconfirmed"];

/// Every fact a condition or message may name.
pub static FACTS: &[FactDef] = &[
    fact!(
        "age",
        Applicant,
        Int,
        &[],
        "applicant's age in whole years at the as-of date",
        |c| c.app.age
    ),
    fact!("sex", Applicant, Str, SEX, "M or F", |c| c.app.sex),
    fact!(
        "citizenship",
        Applicant,
        Str,
        CITIZENSHIP,
        "KZ, RU, stateless or other",
        |c| c.app.citizenship
    ),
    fact!(
        "id_doc_type",
        Applicant,
        Str,
        ID_DOC,
        "passport, id_card or residence_permit",
        |c| c.app.id_doc_type
    ),
    fact!(
        "id_validity_months",
        Applicant,
        Int,
        &[],
        "whole months from the as-of date to the ID document's expiry (negative once expired)",
        |c| c.app.id_validity_months
    ),
    fact!(
        "education",
        Applicant,
        Str,
        EDUCATION,
        "none, secondary, vocational, higher, postgraduate",
        |c| c.app.education
    ),
    fact!(
        "russian_language",
        Applicant,
        Str,
        RUSSIAN,
        "native, fluent, basic, none",
        |c| c.app.russian_language
    ),
    fact!(
        "legal_capacity",
        Applicant,
        Str,
        CAPACITY,
        "full or limited",
        |c| c.app.legal_capacity
    ),
    fact!(
        "marital_status",
        Applicant,
        Str,
        MARITAL,
        "single, married, divorced, widowed",
        |c| c.app.marital_status
    ),
    fact!(
        "employer_offer",
        Applicant,
        Bool,
        &[],
        "has a job offer",
        |c| c.app.employer_offer
    ),
    fact!(
        "military_deregistered",
        Applicant,
        Bool,
        &[],
        "deregistered from military service",
        |c| c.app.military_deregistered
    ),
    fact!(
        "alimony_recipients",
        Applicant,
        Bool,
        &[],
        "has family members receiving alimony from them",
        |c| c.app.alimony_recipients
    ),
    fact!(
        "extremism",
        Applicant,
        Bool,
        &[],
        "refusal-ground fact",
        |c| c.app.extremism
    ),
    fact!(
        "under_prosecution",
        Applicant,
        Bool,
        &[],
        "refusal-ground fact",
        |c| c.app.under_prosecution
    ),
    fact!(
        "serious_conviction",
        Applicant,
        Bool,
        &[],
        "refusal-ground fact",
        |c| c.app.serious_conviction
    ),
    fact!(
        "other_state_residence",
        Applicant,
        Bool,
        &[],
        "refusal-ground fact",
        |c| c.app.other_state_residence
    ),
    fact!(
        "false_information",
        Applicant,
        Bool,
        &[],
        "caseworker's flag: documents knowingly false",
        |c| c.app.false_information
    ),
    fact!(
        "years_since_deportation",
        Applicant,
        Int,
        &[],
        "whole years from the last deportation to the as-of date; null if none",
        |c| c.app.years_since_deportation
    ),
    fact!(
        "admin_offences_12m",
        Applicant,
        Int,
        &[],
        "administrative offences in the past 12 months",
        |c| c.app.admin_offences_12m
    ),
    fact!(
        "migration_violations",
        Applicant,
        Int,
        &[],
        "violations of migration law",
        |c| c.app.migration_violations
    ),
    fact!(
        "region_participating",
        Applicant,
        Str,
        PARTICIPATION,
        "whether the target region takes part in the program: yes, no, unconfirmed; null if the region is unknown",
        |c| c.app.region_participating
    ),
    fact!(
        "region_priority",
        Applicant,
        Bool,
        &[],
        "the target region is a priority settlement territory",
        |c| c.app.region_priority
    ),
    fact!(
        "region_has_demand_list",
        Applicant,
        Bool,
        &[],
        "regions.toml lists in-demand professions for the target region",
        |c| Some(c.app.region_has_demand_list)
    ),
    fact!(
        "profession_in_demand",
        Applicant,
        Bool,
        &[],
        "the profession matches the target region's in-demand list; null without a list",
        |c| c.app.profession_in_demand
    ),
    fact!(
        "family_members",
        Applicant,
        Int,
        &[],
        "rows in family.csv for this applicant",
        |c| Some(c.app.family_members)
    ),
    fact!(
        "relocating_members",
        Applicant,
        Int,
        &[],
        "family members who relocate",
        |c| Some(c.app.relocating_members)
    ),
    fact!(
        "relocating_minors",
        Applicant,
        Int,
        &[],
        "relocating family members under 18",
        |c| Some(c.app.relocating_minors)
    ),
    fact!(
        "relocating_pensioners",
        Applicant,
        Int,
        &[],
        "relocating family members who are pensioners",
        |c| Some(c.app.relocating_pensioners)
    ),
    fact!(
        "has_certificate",
        Applicant,
        Bool,
        &[],
        "a participant certificate number or date is given",
        |c| Some(c.app.has_certificate)
    ),
    fact!(
        "years_since_certificate",
        Applicant,
        Int,
        &[],
        "whole years since the participant certificate was issued",
        |c| c.app.years_since_certificate
    ),
    fact!(
        "months_since_stage1",
        Applicant,
        Int,
        &[],
        "whole months since the stage 1 allowance was paid",
        |c| c.app.months_since_stage1
    ),
    fact!(
        "baggage_kg",
        Applicant,
        Int,
        &[],
        "total baggage weight in expenses.csv, kg (rounded up)",
        |c| Some(c.app.baggage_kg)
    ),
    fact!(
        "rates.baggage_limit_kg",
        Applicant,
        Int,
        &[],
        "baggage limit in force (rates.toml)",
        |c| Some(c.run.baggage_limit_kg)
    ),
    fact!(
        "rates.certificate_validity_years",
        Applicant,
        Int,
        &[],
        "validity of the participant certificate (rates.toml)",
        |c| Some(c.run.certificate_validity_years)
    ),
    fact!(
        "rates.stage2_min_months",
        Applicant,
        Int,
        &[],
        "months after stage 1 before stage 2 may be paid (rates.toml)",
        |c| Some(c.run.stage2_min_months)
    ),
    fact!(
        "member.relation",
        Member,
        Str,
        RELATION,
        "spouse, child, parent, sibling, grandchild, grandparent, other",
        |c| c.member.and_then(|m| m.relation)
    ),
    fact!("member.sex", Member, Str, SEX, "M or F", |c| c
        .member
        .and_then(|m| m.sex)),
    fact!(
        "member.age",
        Member,
        Int,
        &[],
        "member's age in whole years at the as-of date",
        |c| c.member.and_then(|m| m.age)
    ),
    fact!(
        "member.citizenship",
        Member,
        Str,
        CITIZENSHIP,
        "KZ, RU, stateless or other",
        |c| c.member.and_then(|m| m.citizenship)
    ),
    fact!(
        "member.relocating",
        Member,
        Bool,
        &[],
        "the member relocates with the applicant",
        |c| c.member.and_then(|m| m.relocating)
    ),
    fact!(
        "member.pensioner",
        Member,
        Bool,
        &[],
        "the member receives a pension",
        |c| c.member.and_then(|m| m.pensioner)
    ),
    fact!(
        "member.legal_capacity",
        Member,
        Str,
        CAPACITY,
        "full or limited",
        |c| c.member.and_then(|m| m.legal_capacity)
    ),
];

/// The fact with this name.
pub fn lookup(name: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|f| f.name == name)
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
    fn fact_names_are_unique() {
        for (i, f) in FACTS.iter().enumerate() {
            assert!(
                FACTS[i + 1..].iter().all(|g| g.name != f.name),
                "{}",
                f.name
            );
            assert_eq!(f.name.starts_with("member."), f.scope == Scope::Member);
        }
    }
}
