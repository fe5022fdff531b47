//! The names by which conditions and message templates refer to facts: each with its
//! scope (the applicant, or the family member a per-member condition is evaluated for),
//! its type, the values a text fact can take, and a line for `resettle rules --facts`.

use super::facts::Ctx;

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
    /// else is a schema error); empty: any text.
    pub values: &'static [&'static str],
    pub doc: &'static str,
}

impl FactDef {
    /// Whether `s` is a value this (text) fact can take.
    pub fn allows(&self, s: &str) -> bool {
        if std::ptr::eq(self.values, COUNTRY) {
            return s == "stateless" || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()));
        }
        self.values.is_empty() || self.values.contains(&s)
    }
}

const SEX: &[&str] = &["M", "F"];
/// A citizenship: `stateless` or any two-letter ISO 3166 code in capitals.
static COUNTRY: &[&str] = &["stateless", "a two-letter country code (KZ, RU…)"];
const EDUCATION: &[&str] = &["none", "secondary", "vocational", "higher", "postgraduate"];
const RUSSIAN: &[&str] = &["native", "fluent", "basic", "none"];
const CAPACITY: &[&str] = &["full", "limited"];
const MARITAL: &[&str] = &["single", "married", "divorced", "widowed"];
const ID_DOC: &[&str] = &["passport", "id_card", "residence_permit"];
const RELATION: &[&str] = &[
    "spouse",
    "child",
    "spouse_child",
    "parent",
    "spouse_parent",
    "step_parent",
    "sibling",
    "sibling_child",
    "grandparent",
    "grandchild",
    "ward",
    "other",
];
const PARTICIPATION: &[&str] = &["yes", "no", "unconfirmed"];
const ANY: &[&str] = &[];

macro_rules! facts {
    ($($name:literal, $scope:ident, $kind:ident, $values:expr, $doc:literal, $f:expr;)*) => {
        /// Every fact a condition or message may name.
        pub static FACTS: &[FactDef] = &[$(FactDef {
            name: $name,
            scope: Scope::$scope,
            getter: Getter::$kind($f),
            values: $values,
            doc: $doc,
        }),*];
    };
}

facts! {
    "age", Applicant, Int, ANY, "applicant's age in whole years at the filing date", |c| c.app.age;
    "sex", Applicant, Str, SEX, "M or F", |c| c.app.sex;
    "citizenship", Applicant, Str, COUNTRY, "two-letter country code (KZ, RU…) or stateless", |c| c.app.citizenship;
    "id_doc_type", Applicant, Str, ID_DOC, "passport, id_card or residence_permit", |c| c.app.id_doc_type;
    "id_validity_months", Applicant, Int, ANY, "whole months from the filing date to the ID document's expiry (negative once expired)", |c| c.app.id_validity_months;
    "education", Applicant, Str, EDUCATION, "none, secondary, vocational, higher, postgraduate", |c| c.app.education;
    "russian_language", Applicant, Str, RUSSIAN, "native, fluent, basic, none", |c| c.app.russian_language;
    "language_exempt", Applicant, Bool, ANY, "needs no proof of Russian ([language_exemption] of documents.toml: citizenship, former citizenship, repatriate)", |c| Some(c.app.language_exempt);
    "legal_capacity", Applicant, Str, CAPACITY, "full or limited", |c| c.app.legal_capacity;
    "marital_status", Applicant, Str, MARITAL, "single, married, divorced, widowed", |c| c.app.marital_status;
    "has_previous_names", Applicant, Bool, ANY, "previous_names is filled", |c| Some(c.app.has_previous_names);
    "employer_offer", Applicant, Bool, ANY, "has a job offer", |c| c.app.employer_offer;
    "military_deregistered", Applicant, Bool, ANY, "deregistered from military service", |c| c.app.military_deregistered;
    "alimony_recipients", Applicant, Bool, ANY, "has family members receiving alimony from them", |c| c.app.alimony_recipients;
    "extremism", Applicant, Bool, ANY, "ground question: threatens Russia's security, extremism", |c| c.app.extremism;
    "under_prosecution", Applicant, Bool, ANY, "under criminal prosecution (not a ground by itself)", |c| c.app.under_prosecution;
    "serious_conviction", Applicant, Bool, ANY, "ground question: unexpunged conviction for a grave crime", |c| c.app.serious_conviction;
    "other_state_residence", Applicant, Bool, ANY, "ground question: left for permanent residence in another state", |c| c.app.other_state_residence;
    "false_information", Applicant, Bool, ANY, "caseworker's flag: documents knowingly false", |c| c.app.false_information;
    "entry_ban", Applicant, Bool, ANY, "ground question: entry to Russia banned or restricted", |c| c.app.entry_ban;
    "regional_requirements_unmet", Applicant, Bool, ANY, "caseworker's flag: the region's program requirements are not met", |c| c.app.regional_requirements_unmet;
    "repatriate", Applicant, Bool, ANY, "takes part as a repatriate (Decree 872)", |c| c.app.repatriate;
    "years_since_deportation", Applicant, Int, ANY, "whole years from the last deportation to the filing date; null if none", |c| c.app.years_since_deportation;
    "migration_offences_12m", Applicant, Int, ANY, "penalties under Russia's migration law in the 12 months before filing", |c| c.app.migration_offences_12m;
    "region_participating", Applicant, Str, PARTICIPATION, "whether the target region takes part in the program: yes, no, unconfirmed; null if the region is unknown", |c| c.app.region_participating;
    "region_priority", Applicant, Bool, ANY, "the target region is a priority settlement territory", |c| c.app.region_priority;
    "region_has_demand_list", Applicant, Bool, ANY, "regions.toml lists in-demand professions for the target region", |c| Some(c.app.region_has_demand_list);
    "profession_in_demand", Applicant, Bool, ANY, "the profession matches the target region's in-demand list; null without a list", |c| c.app.profession_in_demand;
    "family_members", Applicant, Int, ANY, "rows in family.csv for this applicant", |c| Some(c.app.family_members);
    "relocating_members", Applicant, Int, ANY, "family members who relocate", |c| Some(c.app.relocating_members);
    "relocating_minors", Applicant, Int, ANY, "relocating family members under 18", |c| Some(c.app.relocating_minors);
    "relocating_pensioners", Applicant, Int, ANY, "relocating family members who are (or are assumed) pensioners", |c| Some(c.app.relocating_pensioners);
    "has_certificate", Applicant, Bool, ANY, "a participant certificate number or date is given", |c| Some(c.app.has_certificate);
    "years_since_certificate", Applicant, Int, ANY, "whole years since the participant certificate was issued (at the as-of date)", |c| c.app.years_since_certificate;
    "months_since_stage1", Applicant, Int, ANY, "whole months since the stage 1 allowance was paid (at the as-of date)", |c| c.app.months_since_stage1;
    "baggage_kg", Applicant, Int, ANY, "total baggage weight in expenses.csv, kg (rounded up)", |c| Some(c.app.baggage_kg);
    "baggage_limit_kg", Applicant, Int, ANY, "baggage compensated for this family's size (rates.toml)", |c| Some(c.app.baggage_limit_kg);
    "rates.certificate_validity_years", Applicant, Int, ANY, "validity of the participant certificate (rates.toml)", |c| Some(c.run.certificate_validity_years);
    "rates.stage2_min_months", Applicant, Int, ANY, "months after stage 1 before stage 2 may be paid (rates.toml)", |c| Some(c.run.stage2_min_months);
    "rates.id_min_validity_months", Applicant, Int, ANY, "months an ID document must still be valid after filing (rates.toml)", |c| Some(c.run.id_min_validity_months);
    "member.relation", Member, Str, RELATION, "spouse, child, spouse_child, parent, spouse_parent, step_parent, sibling, sibling_child, grandparent, grandchild, ward, other", |c| c.member.and_then(|m| m.relation);
    "member.sex", Member, Str, SEX, "M or F", |c| c.member.and_then(|m| m.sex);
    "member.age", Member, Int, ANY, "member's age in whole years at the filing date", |c| c.member.and_then(|m| m.age);
    "member.citizenship", Member, Str, COUNTRY, "two-letter country code (KZ, RU…) or stateless", |c| c.member.and_then(|m| m.citizenship);
    "member.relocating", Member, Bool, ANY, "the member relocates with the applicant", |c| c.member.and_then(|m| m.relocating);
    "member.pensioner", Member, Bool, ANY, "the member receives a pension (a blank cell at pension age counts as yes)", |c| c.member.and_then(|m| m.pensioner());
    "member.pensioner_assumed", Member, Bool, ANY, "the pensioner cell is blank and the member is at or above the pension age of rates.toml", |c| c.member.map(|m| m.pensioner_assumed);
    "member.legal_capacity", Member, Str, CAPACITY, "full or limited", |c| c.member.and_then(|m| m.legal_capacity);
    "member.marital_status", Member, Str, MARITAL, "single, married, divorced, widowed", |c| c.member.and_then(|m| m.marital_status);
    "member.has_previous_names", Member, Bool, ANY, "the member's previous_names is filled", |c| c.member.map(|m| m.has_previous_names);
    "member.id_doc_type", Member, Str, ID_DOC, "passport, id_card or residence_permit", |c| c.member.and_then(|m| m.id_doc_type);
    "member.id_validity_months", Member, Int, ANY, "whole months from the filing date to the member's ID document's expiry", |c| c.member.and_then(|m| m.id_validity_months);
    "member.parents_relocating", Member, Bool, ANY, "both parents of this minor are in the application", |c| c.member.and_then(|m| m.parents_relocating);
    "member.extremism", Member, Bool, ANY, "ground question, for the member", |c| c.member.and_then(|m| m.extremism);
    "member.serious_conviction", Member, Bool, ANY, "ground question, for the member", |c| c.member.and_then(|m| m.serious_conviction);
    "member.other_state_residence", Member, Bool, ANY, "ground question, for the member", |c| c.member.and_then(|m| m.other_state_residence);
    "member.years_since_deportation", Member, Int, ANY, "whole years from the member's last deportation to the filing date", |c| c.member.and_then(|m| m.years_since_deportation);
    "member.migration_offences_12m", Member, Int, ANY, "the member's migration-law penalties in the 12 months before filing", |c| c.member.and_then(|m| m.migration_offences_12m);
    "member.entry_ban", Member, Bool, ANY, "ground question, for the member", |c| c.member.and_then(|m| m.entry_ban);
}

/// The fact with this name.
pub fn lookup(name: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn citizenship_takes_any_code_in_capitals() {
        let c = lookup("citizenship").unwrap();
        assert!(c.allows("KZ") && c.allows("BY") && c.allows("stateless"));
        assert!(!c.allows("Kz") && !c.allows("KAZ") && !c.allows("other"));
        assert!(!lookup("sex").unwrap().allows("Male"));
    }
}
