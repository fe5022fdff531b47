//! The typed batch: applicants, their family members and expenses, document evidence,
//! and the enumerations of the input contract.

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::columns::{Col, ColumnMap, FileKind, Sheet};
use crate::findings::{Finding, RowError, Source};

/// An enumeration whose values are spelled by name in the CSV files. The canonical names
/// always match; synonyms come from `schemas/fields.toml` (`[values.<NAME>]`).
pub trait Vocabulary: Sized + Copy + 'static {
    /// The key of this enumeration in `fields.toml`.
    const NAME: &'static str;
    /// Canonical spelling of every value.
    const VARIANTS: &'static [(&'static str, Self)];

    /// The canonical spelling of this value.
    fn canonical(self) -> &'static str;
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $key:literal { $($variant:ident => $spelling:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl Vocabulary for $name {
            const NAME: &'static str = $key;
            const VARIANTS: &'static [(&'static str, Self)] = &[$(($spelling, $name::$variant)),*];
            fn canonical(self) -> &'static str {
                match self { $($name::$variant => $spelling),* }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.canonical())
            }
        }
    };
}

vocabulary!(
    /// Yes/no answers.
    YesNo, "bool" { Yes => "yes", No => "no" }
);
vocabulary!(Sex, "sex" { M => "M", F => "F" });
vocabulary!(
    /// Citizenship codes with a spelled-out synonym; any other ISO 3166 alpha-2 code is
    /// accepted as it is.
    CitizenshipWord, "citizenship" {
        Kz => "KZ", Ru => "RU", By => "BY", Md => "MD", Ua => "UA", Stateless => "stateless",
    }
);

impl CitizenshipWord {
    /// The citizenship this word names.
    pub fn citizenship(self) -> Citizenship {
        match self {
            CitizenshipWord::Stateless => Citizenship::Stateless,
            // Every other value is spelled as its two-letter code.
            w => {
                let b = w.canonical().as_bytes();
                Citizenship::Country([b[0], b[1]])
            }
        }
    }
}
vocabulary!(IdDocType, "id_doc_type" { Passport => "passport", IdCard => "id_card", ResidencePermit => "residence_permit" });
vocabulary!(Education, "education" {
    None => "none", Secondary => "secondary", Vocational => "vocational",
    Higher => "higher", Postgraduate => "postgraduate",
});
vocabulary!(RussianLanguage, "russian_language" { Native => "native", Fluent => "fluent", Basic => "basic", None => "none" });
vocabulary!(LegalCapacity, "legal_capacity" { Full => "full", Limited => "limited" });
vocabulary!(MaritalStatus, "marital_status" { Single => "single", Married => "married", Divorced => "divorced", Widowed => "widowed" });
vocabulary!(
    /// How a family member is related to the applicant (Decree 809 of 18.09.2024 names
    /// who counts as a family member; `rules.toml` decides it, per relation and age).
    Relation, "relation" {
    Spouse => "spouse", Child => "child", SpouseChild => "spouse_child", Parent => "parent",
    SpouseParent => "spouse_parent", StepParent => "step_parent", Sibling => "sibling",
    SiblingChild => "sibling_child", Grandparent => "grandparent", Grandchild => "grandchild",
    Ward => "ward", Other => "other",
});
vocabulary!(ExpenseKind, "kind" { Travel => "travel", Baggage => "baggage", Duty => "duty" });
vocabulary!(
    /// The class of a ticket: air, rail, then water (category I is the highest). Which
    /// classes are compensated in full is in `rates.toml`.
    FareClass, "fare_class" {
    Economy => "economy", Business => "business", First => "first",
    Platzkart => "platzkart", Compartment => "compartment", Sv => "sv", Lux => "lux",
    Water1 => "water_1", Water2 => "water_2", Water3 => "water_3", Water4 => "water_4",
});

/// Every enumeration key of `fields.toml`, with its canonical values.
pub fn vocabularies() -> Vec<(&'static str, Vec<&'static str>)> {
    fn entry<V: Vocabulary>() -> (&'static str, Vec<&'static str>) {
        (V::NAME, V::VARIANTS.iter().map(|(s, _)| *s).collect())
    }
    vec![
        entry::<YesNo>(),
        entry::<Sex>(),
        entry::<CitizenshipWord>(),
        entry::<IdDocType>(),
        entry::<Education>(),
        entry::<RussianLanguage>(),
        entry::<LegalCapacity>(),
        entry::<MaritalStatus>(),
        entry::<Relation>(),
        entry::<ExpenseKind>(),
        entry::<FareClass>(),
    ]
}

/// Citizenship: an ISO 3166 alpha-2 country code or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Citizenship {
    Country([u8; 2]),
    Stateless,
}

impl Citizenship {
    pub const KZ: Citizenship = Citizenship::Country(*b"KZ");

    pub fn as_str(&self) -> &str {
        match self {
            // Both bytes are ASCII upper-case letters by construction.
            Citizenship::Country(code) => std::str::from_utf8(code).unwrap_or("??"),
            Citizenship::Stateless => "stateless",
        }
    }
}

impl Serialize for Citizenship {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A document handed in, by code and the person it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DocRef {
    /// A code of documents.toml (interned when the schema loads).
    pub code: &'static str,
    /// `None` for the applicant's own document.
    pub member_id: Option<String>,
}

/// Where the evidence of a document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "lowercase")]
pub enum Evidence {
    /// A readable scan, path relative to the batch folder.
    Scan(String),
    /// Listed in the `documents` column (that cell): handed in on paper.
    Paper(Source),
    /// Produced by resettle itself (the application form).
    Rendered,
}

/// A document the applicant has, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub doc: DocRef,
    pub evidence: Evidence,
}

/// One principal applicant (a row of `applicants.csv`) with everything attached to it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applicant {
    pub applicant_id: String,
    /// Line of the row in applicants.csv.
    pub row: u64,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    pub last_name_lat: String,
    pub first_name_lat: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
    pub birth_place: String,
    pub citizenship: Option<Citizenship>,
    /// Twelve digits, when present and well-formed.
    pub iin: Option<String>,
    pub id_doc_type: Option<IdDocType>,
    pub id_doc_number: String,
    pub id_doc_issued_by: String,
    pub id_doc_issue_date: Option<Date>,
    pub id_doc_expiry_date: Option<Date>,
    pub kz_region: String,
    /// The day the application is (or will be) handed in; empty: the as-of date.
    pub filing_date: Option<Date>,
    /// Earlier surnames, names or patronymics, with the reason and date (free text).
    pub previous_names: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub education: Option<Education>,
    pub profession: String,
    pub russian_language: Option<RussianLanguage>,
    pub legal_capacity: Option<LegalCapacity>,
    pub marital_status: Option<MaritalStatus>,
    pub target_region: String,
    pub employer_offer: Option<bool>,
    pub military_deregistered: Option<bool>,
    pub alimony_recipients: Option<bool>,
    pub extremism: Option<bool>,
    pub under_prosecution: Option<bool>,
    pub serious_conviction: Option<bool>,
    pub other_state_residence: Option<bool>,
    pub false_information: Option<bool>,
    pub deportation_date: Option<Date>,
    /// Administrative penalties for violating Russia's migration law in the 12 months
    /// before filing.
    pub migration_offences_12m: Option<u32>,
    pub entry_ban: Option<bool>,
    /// A caseworker's flag: the chosen region's program sets requirements not met.
    pub regional_requirements_unmet: Option<bool>,
    /// Takes part as a repatriate (Decree 872 of 22.11.2023).
    pub repatriate: Option<bool>,
    /// Citizenships held before (ISO 3166 alpha-2).
    pub former_citizenship: Vec<Citizenship>,
    pub certificate_number: String,
    pub certificate_date: Option<Date>,
    pub arrival_date: Option<Date>,
    pub stage1_paid_date: Option<Date>,
    pub bank_bik: Option<String>,
    pub bank_account: Option<String>,
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub family: Vec<FamilyMember>,
    pub expenses: Vec<Expense>,
    /// Documents handed in, as scans or on paper.
    pub documents: Vec<Held>,
    /// Every readable file in `documents/<applicant_id>/` (relative to that folder),
    /// whether or not it names a document: receipts are found here.
    pub files: Vec<String>,
    /// What ingest found wrong with this applicant's rows and files.
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// A family member (a row of `family.csv`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FamilyMember {
    pub member_id: String,
    pub row: u64,
    pub relation: Option<Relation>,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
    pub citizenship: Option<Citizenship>,
    pub iin: Option<String>,
    pub relocating: Option<bool>,
    pub pensioner: Option<bool>,
    pub legal_capacity: Option<LegalCapacity>,
    pub marital_status: Option<MaritalStatus>,
    pub previous_names: String,
    pub id_doc_type: Option<IdDocType>,
    pub id_doc_number: String,
    pub id_doc_expiry_date: Option<Date>,
    /// For a minor: both parents are in the application (no consent of the other parent
    /// is needed).
    pub parents_relocating: Option<bool>,
    pub extremism: Option<bool>,
    pub serious_conviction: Option<bool>,
    pub other_state_residence: Option<bool>,
    pub deportation_date: Option<Date>,
    pub migration_offences_12m: Option<u32>,
    pub entry_ban: Option<bool>,
}

/// An expense to be compensated (a row of `expenses.csv`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Expense {
    pub row: u64,
    /// `None` for the applicant's own expense.
    pub member_id: Option<String>,
    pub kind: Option<ExpenseKind>,
    pub date: Option<Date>,
    /// Amount in kopecks.
    pub amount_kopecks: Option<i64>,
    /// Weight in grams (baggage).
    pub weight_grams: Option<i64>,
    pub fare_class: Option<FareClass>,
    pub receipt: String,
}

/// Counts of the rows of one file: every row read is either accepted or rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// How one table of the batch was read: from its CSV file or a workbook's sheet, and how
/// (the encoding and separator, or the header's row). What the console says first.
#[derive(Debug, Clone)]
pub struct TableRead {
    pub file: FileKind,
    /// The workbook's sheet the table was on, when it was.
    pub sheet: Option<Arc<Sheet>>,
    /// E.g. `Windows-1251, ';'` or `header on row 2`.
    pub how: String,
}

impl std::fmt::Display for TableRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sheet {
            Some(s) => write!(
                f,
                "{}, sheet «{}» ({} table): {}",
                s.book,
                s.name,
                self.file.schema_key(),
                self.how
            ),
            None => write!(f, "{}: {}", self.file, self.how),
        }
    }
}

/// Everything read from one batch folder.
#[derive(Debug, Default)]
pub struct Batch {
    pub applicants: Vec<Applicant>,
    /// Per file present in the batch, in the order applicants, family, expenses.
    pub rows: Vec<(FileKind, RowCounts)>,
    /// Rows that belong to no applicant, and batch-wide errors.
    pub errors: Vec<RowError>,
    /// Batch-wide warnings (unknown columns, unexpected folders...).
    pub warnings: Vec<RowError>,
    /// How each table was read, e.g. `applicants.csv: Windows-1251, ';'`.
    pub formats: Vec<TableRead>,
    /// The header of each file read, to point findings at their cells.
    pub columns: Vec<(FileKind, ColumnMap)>,
}

impl Batch {
    /// The cell of `col` in `row` of `file` (the row alone when the file lacks `col`).
    pub fn source(&self, file: FileKind, row: u64, col: Col) -> Source {
        let map = self
            .columns
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, m)| m);
        let number = map.and_then(|m| m.number(col));
        Source::in_table(file, map.and_then(|m| m.sheet()), row, number)
    }

    /// Row `row` of `file` as a whole (a cell of a workbook's sheet, when it is one).
    pub fn row_source(&self, file: FileKind, row: u64) -> Source {
        let map = self
            .columns
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, m)| m);
        Source::in_table(file, map.and_then(|m| m.sheet()), row, None)
    }

    /// The header of `col` in `file` as the caseworker wrote it.
    pub fn header(&self, file: FileKind, col: Col) -> &str {
        self.columns
            .iter()
            .find(|(f, _)| *f == file)
            .map_or(col.name(), |(_, m)| m.header(col))
    }
}

/// Full name: last, first, patronymic.
pub fn full_name(a: &Applicant) -> String {
    join_name([&a.last_name, &a.first_name, &a.patronymic])
}

/// The non-empty parts of a name, joined by spaces.
pub fn join_name(parts: [&str; 3]) -> String {
    parts
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
