//! What each column of the blank workbook holds (`init --xlsx`): its kind (text typed as
//! Text so no digit is lost, a date, a yes/no answer, a value of an enumeration, a region)
//! and the Russian choices of its dropdown list. Every choice is a spelling the CSV reader
//! accepts (`schemas/fields.toml`, `schemas/regions.toml`); the tests hold it.

use crate::columns::Col;
use crate::schema::Schemas;
use crate::text::fold;

/// What a column holds, as the workbook formats and validates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (names, addresses, lists of documents).
    Text,
    /// An identifier or a number whose every digit matters (IIN, document number, bank
    /// account, BIK, SNILS, INN, phone, the ids): the cell is Text (`@`), so Excel keeps
    /// its leading zeros and never turns it into `4.08178E+19`.
    Verbatim,
    /// A date, shown DD.MM.YYYY.
    Date,
    /// A number (a count, an amount, a weight): no list, no format.
    Number,
    /// A choice from a list: the list, and whether another value may still be typed (a
    /// country code, a region's other spelling or code) after a warning.
    Choice(List, Strictness),
}

/// Whether a value outside the list is refused by the spreadsheet or only questioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// The list is every value the column has (a synonym typed by hand is refused:
    /// choose it from the list).
    Closed,
    /// The reader accepts more than the list (any country code, a region's aliases and
    /// codes): Excel warns and lets the caseworker keep the value.
    Open,
}

/// The dropdown lists of the workbook, each a column of the hidden lists sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum List {
    YesNo,
    Sex,
    Citizenship,
    IdDocType,
    Education,
    RussianLanguage,
    LegalCapacity,
    MaritalStatus,
    Relation,
    ExpenseKind,
    FareClass,
    KazakhRegion,
    RussianRegion,
}

impl List {
    /// Every list, in the order of the columns of the lists sheet.
    pub const ALL: [List; 13] = [
        List::YesNo,
        List::Sex,
        List::Citizenship,
        List::IdDocType,
        List::Education,
        List::RussianLanguage,
        List::LegalCapacity,
        List::MaritalStatus,
        List::Relation,
        List::ExpenseKind,
        List::FareClass,
        List::KazakhRegion,
        List::RussianRegion,
    ];

    /// The heading of the list on the lists sheet.
    pub fn title(self) -> &'static str {
        match self {
            List::YesNo => "Да/нет",
            List::Sex => "Пол",
            List::Citizenship => "Гражданство",
            List::IdDocType => "Вид документа",
            List::Education => "Образование",
            List::RussianLanguage => "Русский язык",
            List::LegalCapacity => "Дееспособность",
            List::MaritalStatus => "Семейное положение",
            List::Relation => "Степень родства",
            List::ExpenseKind => "Вид расхода",
            List::FareClass => "Класс проезда",
            List::KazakhRegion => "Область Казахстана",
            List::RussianRegion => "Субъект РФ",
        }
    }

    /// The choices of the list, in the order the dropdown shows them.
    pub fn choices(self, schemas: &Schemas) -> Vec<String> {
        let regions = &schemas.regions;
        match self {
            List::KazakhRegion => sorted(regions.kazakhstan.iter().map(|k| k.ru.clone())),
            List::RussianRegion => sorted(regions.russia.iter().map(|r| r.ru.clone())),
            other => other
                .spellings()
                .iter()
                .map(|(label, _)| label.to_string())
                .collect(),
        }
    }

    /// The `fields.toml` enumeration of the list and, for each choice, the canonical
    /// value it means: each label is one of that value's synonyms. Empty for the regions.
    pub fn spellings(self) -> &'static [(&'static str, &'static str)] {
        match self {
            List::YesNo => &[("да", "yes"), ("нет", "no")],
            List::Sex => &[("М", "M"), ("Ж", "F")],
            List::Citizenship => &[
                ("Казахстан", "KZ"),
                ("Россия", "RU"),
                ("Беларусь", "BY"),
                ("Молдова", "MD"),
                ("Украина", "UA"),
                ("без гражданства", "stateless"),
            ],
            List::IdDocType => &[
                ("паспорт", "passport"),
                ("удостоверение личности", "id_card"),
                ("вид на жительство", "residence_permit"),
            ],
            List::Education => &[
                ("без образования", "none"),
                ("среднее", "secondary"),
                ("среднее специальное", "vocational"),
                ("высшее", "higher"),
                ("послевузовское", "postgraduate"),
            ],
            List::RussianLanguage => &[
                ("родной", "native"),
                ("свободно", "fluent"),
                ("базовый", "basic"),
                ("не владеет", "none"),
            ],
            List::LegalCapacity => &[("полная", "full"), ("ограниченная", "limited")],
            List::MaritalStatus => &[
                ("холост", "single"),
                ("не замужем", "single"),
                ("женат", "married"),
                ("замужем", "married"),
                ("разведён", "divorced"),
                ("разведена", "divorced"),
                ("вдовец", "widowed"),
                ("вдова", "widowed"),
            ],
            List::Relation => &[
                ("супруг", "spouse"),
                ("супруга", "spouse"),
                ("сын", "child"),
                ("дочь", "child"),
                ("пасынок", "spouse_child"),
                ("падчерица", "spouse_child"),
                ("отец", "parent"),
                ("мать", "parent"),
                ("родитель супруга", "spouse_parent"),
                ("родитель супруги", "spouse_parent"),
                ("отчим", "step_parent"),
                ("мачеха", "step_parent"),
                ("брат", "sibling"),
                ("сестра", "sibling"),
                ("племянник", "sibling_child"),
                ("племянница", "sibling_child"),
                ("дедушка", "grandparent"),
                ("бабушка", "grandparent"),
                ("внук", "grandchild"),
                ("внучка", "grandchild"),
                ("подопечный", "ward"),
                ("подопечная", "ward"),
                ("другое", "other"),
            ],
            List::ExpenseKind => &[
                ("проезд", "travel"),
                ("багаж", "baggage"),
                ("пошлина", "duty"),
            ],
            List::FareClass => &[
                ("эконом", "economy"),
                ("бизнес", "business"),
                ("первый класс", "first"),
                ("плацкарт", "platzkart"),
                ("купе", "compartment"),
                ("СВ", "sv"),
                ("люкс", "lux"),
                ("I категория", "water_1"),
                ("II категория", "water_2"),
                ("III категория", "water_3"),
                ("IV категория", "water_4"),
            ],
            List::KazakhRegion | List::RussianRegion => &[],
        }
    }
}

/// Alphabetical as a Russian reader expects it (case and `ё` aside).
fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = names.collect();
    v.sort_by_cached_key(|n| fold(n));
    v
}

/// What `col` holds. Every column is named, so a new column must be given a kind.
pub fn kind(col: Col) -> Kind {
    use Kind::*;
    use Strictness::{Closed, Open};
    match col {
        Col::ApplicantId | Col::MemberId => Verbatim,
        Col::Iin
        | Col::IdDocNumber
        | Col::Phone
        | Col::BankBik
        | Col::BankAccount
        | Col::Snils
        | Col::Inn
        | Col::CertificateNumber => Verbatim,
        Col::LastName
        | Col::FirstName
        | Col::Patronymic
        | Col::LastNameLat
        | Col::FirstNameLat
        | Col::BirthPlace
        | Col::IdDocIssuedBy
        | Col::PreviousNames
        | Col::Address
        | Col::Email
        | Col::Profession
        | Col::FormerCitizenship
        | Col::Documents
        | Col::Receipt => Text,
        Col::BirthDate
        | Col::IdDocIssueDate
        | Col::IdDocExpiryDate
        | Col::FilingDate
        | Col::DeportationDate
        | Col::CertificateDate
        | Col::ArrivalDate
        | Col::Stage1PaidDate
        | Col::Date => Date,
        Col::MigrationOffences12m
        | Col::AdminOffences12m
        | Col::MigrationViolations
        | Col::AmountRub
        | Col::WeightKg => Number,
        Col::EmployerOffer
        | Col::MilitaryDeregistered
        | Col::AlimonyRecipients
        | Col::Extremism
        | Col::UnderProsecution
        | Col::SeriousConviction
        | Col::OtherStateResidence
        | Col::FalseInformation
        | Col::EntryBan
        | Col::RegionalRequirementsUnmet
        | Col::Repatriate
        | Col::Relocating
        | Col::Pensioner
        | Col::ParentsRelocating => Choice(List::YesNo, Closed),
        Col::Sex => Choice(List::Sex, Closed),
        Col::Citizenship => Choice(List::Citizenship, Open),
        Col::IdDocType => Choice(List::IdDocType, Closed),
        Col::Education => Choice(List::Education, Closed),
        Col::RussianLanguage => Choice(List::RussianLanguage, Closed),
        Col::LegalCapacity => Choice(List::LegalCapacity, Closed),
        Col::MaritalStatus => Choice(List::MaritalStatus, Closed),
        Col::Relation => Choice(List::Relation, Closed),
        Col::Kind => Choice(List::ExpenseKind, Closed),
        Col::FareClass => Choice(List::FareClass, Closed),
        Col::KzRegion => Choice(List::KazakhRegion, Open),
        Col::TargetRegion => Choice(List::RussianRegion, Open),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::FileKind;
    use crate::model::{
        CitizenshipWord, Education, ExpenseKind, FareClass, IdDocType, LegalCapacity,
        MaritalStatus, Relation, RussianLanguage, Sex, Vocabulary, YesNo,
    };

    fn schemas() -> Schemas {
        Schemas::embedded().unwrap()
    }

    /// Each label means its value through `fields.toml`, and every value has a label.
    fn check<V: Vocabulary + PartialEq + std::fmt::Debug>(list: List, s: &Schemas) {
        let spellings = list.spellings();
        for (label, canonical) in spellings {
            let want = V::VARIANTS
                .iter()
                .find(|(c, _)| c == canonical)
                .map(|(_, v)| *v);
            assert!(want.is_some(), "{list:?}: {canonical} is no value");
            assert_eq!(s.fields.lookup::<V>(label), want, "{list:?}: {label}");
        }
        for (canonical, _) in V::VARIANTS {
            assert!(
                spellings.iter().any(|(_, c)| c == canonical),
                "{list:?}: no choice for {canonical}"
            );
        }
        let labels: Vec<String> = list.choices(s);
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{list:?}: a choice twice");
    }

    #[test]
    fn every_choice_is_read_as_its_value_and_every_value_offered() {
        let s = schemas();
        check::<YesNo>(List::YesNo, &s);
        check::<Sex>(List::Sex, &s);
        check::<CitizenshipWord>(List::Citizenship, &s);
        check::<IdDocType>(List::IdDocType, &s);
        check::<Education>(List::Education, &s);
        check::<RussianLanguage>(List::RussianLanguage, &s);
        check::<LegalCapacity>(List::LegalCapacity, &s);
        check::<MaritalStatus>(List::MaritalStatus, &s);
        check::<Relation>(List::Relation, &s);
        check::<ExpenseKind>(List::ExpenseKind, &s);
        check::<FareClass>(List::FareClass, &s);
    }

    #[test]
    fn region_choices_are_every_region_and_each_is_known() {
        let s = schemas();
        let kz = List::KazakhRegion.choices(&s);
        assert_eq!(kz.len(), s.regions.kazakhstan.len());
        assert!(kz.iter().all(|n| s.regions.kazakh(n).is_some()));
        assert!(kz.contains(&"Акмолинская область".to_string()));
        let ru = List::RussianRegion.choices(&s);
        assert_eq!(ru.len(), s.regions.russia.len());
        assert!(ru.len() >= 89, "{}", ru.len());
        for (i, name) in ru.iter().enumerate() {
            let found = s.regions.russian(name).expect(name);
            assert_eq!(&s.regions.russia[found].ru, name);
            if i > 0 {
                assert!(fold(&ru[i - 1]) <= fold(name), "sorted: {name}");
            }
        }
    }

    /// Every list is used by some column of a file, and its choices fit a dropdown.
    #[test]
    fn every_list_is_used() {
        let s = schemas();
        for list in List::ALL {
            assert!(
                FileKind::ALL
                    .iter()
                    .flat_map(|f| f.columns())
                    .any(|c| matches!(kind(*c), Kind::Choice(l, _) if l == list)),
                "{list:?}"
            );
            assert!(!list.choices(&s).is_empty(), "{list:?}");
        }
    }
}
