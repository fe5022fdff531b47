//! Facts: the typed values rule conditions read for one applicant ([`AppFacts`]) and for
//! each family member ([`MemberFacts`]) — ages and periods at the filing date, months of
//! ID validity left, years since deportation, family counts, the target region's
//! standing, the language exemption — with the values fixed for a run ([`RunFacts`]),
//! and the context a condition is evaluated in ([`Ctx`]). Plain values only: how they
//! are worked out from an applicant and the schemas is the engine's (`rules::facts`,
//! which adds `derive` to these structs). The table of names by which conditions and
//! messages refer to them is [`super::fact_table`].

use jiff::civil::Date;

/// Values fixed for a whole run: the as-of date and the rates in force on it.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    pub as_of: Date,
    pub certificate_validity_years: i64,
    pub stage2_min_months: i64,
    /// Months an ID document must still be valid after filing (rates.toml
    /// `[period.id_document]`).
    pub id_min_validity_months: i64,
    /// Pension age by sex (rates.toml), for a blank `pensioner` cell.
    pub pension_age_men: i64,
    pub pension_age_women: i64,
}

/// What the rules know of one family member (ages and periods at the filing date).
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub member_id: String,
    pub relation: Option<&'static str>,
    pub sex: Option<&'static str>,
    pub age: Option<i64>,
    pub citizenship: Option<&'static str>,
    pub relocating: Option<bool>,
    /// As written; see [`MemberFacts::pensioner`] for the value the rules use.
    pub pensioner_cell: Option<bool>,
    /// The `pensioner` cell is blank and the member is at or above the pension age.
    pub pensioner_assumed: bool,
    pub legal_capacity: Option<&'static str>,
    pub marital_status: Option<&'static str>,
    pub has_previous_names: bool,
    pub id_doc_type: Option<&'static str>,
    pub id_validity_months: Option<i64>,
    pub parents_relocating: Option<bool>,
    pub extremism: Option<bool>,
    pub serious_conviction: Option<bool>,
    pub other_state_residence: Option<bool>,
    pub years_since_deportation: Option<i64>,
    pub migration_offences_12m: Option<i64>,
    pub entry_ban: Option<bool>,
}

/// What the rules know of one applicant (ages and periods at the filing date).
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    pub age: Option<i64>,
    pub sex: Option<&'static str>,
    pub citizenship: Option<&'static str>,
    pub id_doc_type: Option<&'static str>,
    pub id_validity_months: Option<i64>,
    pub education: Option<&'static str>,
    pub russian_language: Option<&'static str>,
    pub language_exempt: bool,
    pub legal_capacity: Option<&'static str>,
    pub marital_status: Option<&'static str>,
    pub has_previous_names: bool,
    pub employer_offer: Option<bool>,
    pub military_deregistered: Option<bool>,
    pub alimony_recipients: Option<bool>,
    pub extremism: Option<bool>,
    pub under_prosecution: Option<bool>,
    pub serious_conviction: Option<bool>,
    pub other_state_residence: Option<bool>,
    pub false_information: Option<bool>,
    pub entry_ban: Option<bool>,
    pub regional_requirements_unmet: Option<bool>,
    pub repatriate: Option<bool>,
    pub years_since_deportation: Option<i64>,
    pub migration_offences_12m: Option<i64>,
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
    pub baggage_limit_kg: i64,
}

/// A condition is evaluated for the applicant, or once per family member.
pub struct Ctx<'a> {
    pub run: &'a RunFacts,
    pub app: &'a AppFacts,
    pub member: Option<&'a MemberFacts>,
}

impl MemberFacts {
    pub fn is_relocating(&self) -> bool {
        self.relocating == Some(true)
    }

    /// Whether the member counts as a pensioner: the cell, or the pension age when the
    /// cell is blank.
    pub fn pensioner(&self) -> Option<bool> {
        self.pensioner_cell
            .or(self.pensioner_assumed.then_some(true))
    }
}
