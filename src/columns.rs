//! The fixed set of columns of the three batch files (input contract v1): their canonical
//! names and which file has which. Spellings and synonyms live in `schemas/fields.toml`.
//! Also where a table was read from when it is a workbook's sheet ([`Sheet`]), so that
//! findings point at the cell as Excel shows it.

use std::sync::Arc;

use serde::Serialize;

macro_rules! columns {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// One column of a batch file, by its canonical name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Col { $($variant),* }

        impl Col {
            /// Every column, in declaration order.
            pub const ALL: &'static [Col] = &[$(Col::$variant),*];

            /// The canonical (English, snake_case) header name.
            pub const fn name(self) -> &'static str {
                match self { $(Col::$variant => $name),* }
            }
        }
    };
}

columns! {
    ApplicantId => "applicant_id",
    MemberId => "member_id",
    Relation => "relation",
    LastName => "last_name",
    FirstName => "first_name",
    Patronymic => "patronymic",
    LastNameLat => "last_name_lat",
    FirstNameLat => "first_name_lat",
    Sex => "sex",
    BirthDate => "birth_date",
    BirthPlace => "birth_place",
    Citizenship => "citizenship",
    Iin => "iin",
    IdDocType => "id_doc_type",
    IdDocNumber => "id_doc_number",
    IdDocIssuedBy => "id_doc_issued_by",
    IdDocIssueDate => "id_doc_issue_date",
    IdDocExpiryDate => "id_doc_expiry_date",
    KzRegion => "kz_region",
    FilingDate => "filing_date",
    PreviousNames => "previous_names",
    Address => "address",
    Phone => "phone",
    Email => "email",
    Education => "education",
    Profession => "profession",
    RussianLanguage => "russian_language",
    LegalCapacity => "legal_capacity",
    MaritalStatus => "marital_status",
    TargetRegion => "target_region",
    EmployerOffer => "employer_offer",
    MilitaryDeregistered => "military_deregistered",
    AlimonyRecipients => "alimony_recipients",
    Extremism => "extremism",
    UnderProsecution => "under_prosecution",
    SeriousConviction => "serious_conviction",
    OtherStateResidence => "other_state_residence",
    FalseInformation => "false_information",
    DeportationDate => "deportation_date",
    MigrationOffences12m => "migration_offences_12m",
    EntryBan => "entry_ban",
    RegionalRequirementsUnmet => "regional_requirements_unmet",
    Repatriate => "repatriate",
    FormerCitizenship => "former_citizenship",
    AdminOffences12m => "admin_offences_12m",
    MigrationViolations => "migration_violations",
    Documents => "documents",
    CertificateNumber => "certificate_number",
    CertificateDate => "certificate_date",
    ArrivalDate => "arrival_date",
    Stage1PaidDate => "stage1_paid_date",
    BankBik => "bank_bik",
    BankAccount => "bank_account",
    Snils => "snils",
    Inn => "inn",
    Relocating => "relocating",
    Pensioner => "pensioner",
    ParentsRelocating => "parents_relocating",
    Kind => "kind",
    Date => "date",
    AmountRub => "amount_rub",
    WeightKg => "weight_kg",
    FareClass => "fare_class",
    Receipt => "receipt",
}

impl Col {
    /// Looks a column up by its canonical name.
    pub fn from_name(name: &str) -> Option<Col> {
        Col::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Index of the column in [`Col::ALL`], for dense per-column tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Serialize for Col {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The sheet of a workbook a table was read from: the workbook's file name as the
/// caseworker sees it (`book.xlsx`) and the sheet's name (`Заявители`). A table read
/// from a sheet has field `i` in column `i + 1` of the sheet (A is 1) and its records on
/// the sheet's rows, so a finding's `row` and `column` are Excel's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sheet {
    pub book: String,
    pub name: String,
}

/// The letters Excel names column `n` (1-based) by: 1 is `A`, 26 `Z`, 27 `AA`, 16,384
/// `XFD`.
pub fn column_letters(mut n: u32) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Which field of a record holds each column, and the header as the file spells it.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    index: Vec<Option<usize>>,
    headers: Vec<String>,
    /// The sheet the table was read from, when it is a workbook's.
    sheet: Option<Arc<Sheet>>,
}

impl ColumnMap {
    /// `index[c.index()]` is the field of column `c`; `headers` the header row as read.
    pub fn new(index: Vec<Option<usize>>, headers: Vec<String>) -> ColumnMap {
        debug_assert_eq!(index.len(), Col::ALL.len());
        ColumnMap {
            index,
            headers,
            sheet: None,
        }
    }

    /// The map of a table read from `sheet` of a workbook.
    pub fn on_sheet(mut self, sheet: Option<Arc<Sheet>>) -> ColumnMap {
        self.sheet = sheet;
        self
    }

    /// The sheet the table was read from, when it is a workbook's.
    pub fn sheet(&self) -> Option<&Arc<Sheet>> {
        self.sheet.as_ref()
    }

    /// The column read from field `i`, among `file`'s columns.
    pub fn column_at(&self, file: FileKind, i: usize) -> Option<Col> {
        file.columns()
            .iter()
            .copied()
            .find(|&c| self.index(c) == Some(i))
    }

    /// The header text of field `i`, if the header row has one.
    pub fn header_at(&self, i: usize) -> Option<&str> {
        self.headers.get(i).map(String::as_str)
    }

    /// The 0-based field index of `col`, when the file has it.
    pub fn index(&self, col: Col) -> Option<usize> {
        self.index.get(col.index()).copied().flatten()
    }

    /// The 1-based column number of `col`, for sources.
    pub fn number(&self, col: Col) -> Option<u32> {
        self.index(col).and_then(|i| u32::try_from(i + 1).ok())
    }

    /// The header of `col` as written in the file, or its canonical name.
    pub fn header(&self, col: Col) -> &str {
        match self.index(col) {
            Some(i) => &self.headers[i],
            None => col.name(),
        }
    }
}

/// The three files of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FileKind {
    #[serde(rename = "applicants.csv")]
    Applicants,
    #[serde(rename = "family.csv")]
    Family,
    #[serde(rename = "expenses.csv")]
    Expenses,
}

impl FileKind {
    pub const ALL: [FileKind; 3] = [FileKind::Applicants, FileKind::Family, FileKind::Expenses];

    /// The file's name inside the batch folder.
    pub const fn file_name(self) -> &'static str {
        match self {
            FileKind::Applicants => "applicants.csv",
            FileKind::Family => "family.csv",
            FileKind::Expenses => "expenses.csv",
        }
    }

    /// The key of this file's section in `fields.toml`.
    pub const fn schema_key(self) -> &'static str {
        match self {
            FileKind::Applicants => "applicants",
            FileKind::Family => "family",
            FileKind::Expenses => "expenses",
        }
    }

    /// The columns this file has, in the order `resettle init` writes them.
    pub fn columns(self) -> &'static [Col] {
        use Col::*;
        match self {
            FileKind::Applicants => &[
                ApplicantId,
                LastName,
                FirstName,
                Patronymic,
                LastNameLat,
                FirstNameLat,
                Sex,
                BirthDate,
                BirthPlace,
                Citizenship,
                Iin,
                IdDocType,
                IdDocNumber,
                IdDocIssuedBy,
                IdDocIssueDate,
                IdDocExpiryDate,
                PreviousNames,
                KzRegion,
                Address,
                Phone,
                Email,
                Education,
                Profession,
                RussianLanguage,
                LegalCapacity,
                MaritalStatus,
                TargetRegion,
                EmployerOffer,
                MilitaryDeregistered,
                AlimonyRecipients,
                Extremism,
                UnderProsecution,
                SeriousConviction,
                OtherStateResidence,
                FalseInformation,
                DeportationDate,
                MigrationOffences12m,
                EntryBan,
                RegionalRequirementsUnmet,
                Repatriate,
                FormerCitizenship,
                FilingDate,
                Documents,
                CertificateNumber,
                CertificateDate,
                ArrivalDate,
                Stage1PaidDate,
                BankBik,
                BankAccount,
                Snils,
                Inn,
            ],
            FileKind::Family => &[
                ApplicantId,
                MemberId,
                Relation,
                LastName,
                FirstName,
                Patronymic,
                Sex,
                BirthDate,
                Citizenship,
                Iin,
                Relocating,
                Pensioner,
                LegalCapacity,
                MaritalStatus,
                PreviousNames,
                IdDocType,
                IdDocNumber,
                IdDocExpiryDate,
                ParentsRelocating,
                Extremism,
                SeriousConviction,
                OtherStateResidence,
                DeportationDate,
                MigrationOffences12m,
                EntryBan,
            ],
            FileKind::Expenses => &[
                ApplicantId,
                MemberId,
                Kind,
                Date,
                AmountRub,
                WeightKg,
                FareClass,
                Receipt,
            ],
        }
    }
}

impl FileKind {
    /// Columns of input contract v1 this file may still have, each with the column that
    /// replaced it: they are recognised (a `data.column_retired` warning), never read.
    pub fn retired(self) -> &'static [(Col, Col)] {
        match self {
            FileKind::Applicants => &[
                (Col::AdminOffences12m, Col::MigrationOffences12m),
                (Col::MigrationViolations, Col::MigrationOffences12m),
            ],
            FileKind::Family | FileKind::Expenses => &[],
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.file_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_names_them() {
        for (n, name) in [
            (1, "A"),
            (6, "F"),
            (26, "Z"),
            (27, "AA"),
            (52, "AZ"),
            (53, "BA"),
        ] {
            assert_eq!(column_letters(n), name);
        }
        assert_eq!(column_letters(702), "ZZ");
        assert_eq!(column_letters(703), "AAA");
        assert_eq!(column_letters(16_384), "XFD");
        assert_eq!(column_letters(0), "");
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        for (i, c) in Col::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Col::from_name(c.name()), Some(*c));
        }
        let mut names: Vec<_> = Col::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Col::ALL.len());
    }

    #[test]
    fn every_column_belongs_to_a_file() {
        for c in Col::ALL {
            assert!(
                FileKind::ALL
                    .iter()
                    .any(|f| f.columns().contains(c) || f.retired().iter().any(|r| r.0 == *c)),
                "{} is in no file",
                c.name()
            );
        }
    }
}
