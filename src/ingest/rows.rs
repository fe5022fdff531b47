//! Records to typed rows: every cell is parsed into its type, and every value that is
//! empty where required or cannot be read becomes a finding pointing at its cell.

use jiff::civil::Date;

use crate::columns::ColumnMap;
use crate::columns::{Col, FileKind};
use crate::findings::{Finding, Lang, Severity, Source, Text, mask};
use crate::ingest::table::Fields;
use crate::ingest::values;
use crate::model::{
    Applicant, Citizenship, CitizenshipWord, DocRef, Education, Evidence, Expense, ExpenseKind,
    FamilyMember, FareClass, Held, IdDocType, LegalCapacity, MaritalStatus, Relation,
    RussianLanguage, Sex, Vocabulary, YesNo,
};
use crate::schema::{DocumentSchema, FieldSchema};

/// Columns whose values are personal numbers: masked in every message.
const PERSONAL: &[Col] = &[
    Col::Iin,
    Col::IdDocNumber,
    Col::BankAccount,
    Col::Snils,
    Col::Inn,
];

/// What a value should have looked like, for the message of a `data.format` finding.
enum Expected {
    Date,
    YesNo,
    Count,
    Decimal {
        unit_ru: &'static str,
        unit_en: &'static str,
    },
    Digits(usize),
    Country,
    /// Lists the accepted values (built only when a message needs it).
    OneOf(fn() -> String),
}

impl Expected {
    fn hint(&self) -> (String, String) {
        match self {
            Expected::Date => (
                "ожидается дата ГГГГ-ММ-ДД или ДД.ММ.ГГГГ".into(),
                "expected a date YYYY-MM-DD or DD.MM.YYYY".into(),
            ),
            Expected::YesNo => ("ожидается да или нет".into(), "expected yes or no".into()),
            Expected::Count => (
                "ожидается целое число не меньше 0".into(),
                "expected a whole number, 0 or more".into(),
            ),
            Expected::Decimal { unit_ru, unit_en } => (
                format!("ожидается число ({unit_ru}), например 12500,50"),
                format!("expected a number ({unit_en}), e.g. 12500.50"),
            ),
            Expected::Digits(n) => (
                format!("ожидается {n} цифр"),
                format!("expected {n} digits"),
            ),
            Expected::Country => (
                "ожидается код страны из двух латинских букв (KZ) или «без гражданства»".into(),
                "expected a two-letter country code (KZ) or stateless".into(),
            ),
            Expected::OneOf(list) => (
                format!("ожидается одно из: {}", list()),
                format!("expected one of: {}", list()),
            ),
        }
    }
}

fn variants<V: Vocabulary>() -> String {
    V::VARIANTS
        .iter()
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cells of one record, with the findings their parsing produces.
pub struct Cells<'a> {
    file: FileKind,
    row: u64,
    record: Fields<'a>,
    cols: &'a ColumnMap,
    fields: &'a FieldSchema,
    member_id: Option<String>,
    /// Columns whose value is longer than the cell limit: reported once, then read as
    /// empty (bit `Col::index`).
    too_long: u128,
    pub findings: Vec<Finding>,
}

impl<'a> Cells<'a> {
    /// The cells of a record, with the default cell limit ([`crate::ingest::Limits`]).
    pub fn new(
        file: FileKind,
        row: u64,
        record: Fields<'a>,
        cols: &'a ColumnMap,
        fields: &'a FieldSchema,
    ) -> Cells<'a> {
        Cells::with_max_cell(
            file,
            row,
            record,
            cols,
            fields,
            crate::ingest::limits::DEFAULT_MAX_CELL,
        )
    }

    /// The cells of a record; a value longer than `max_cell` bytes is a `data.format`
    /// finding on its cell and is read as empty, so it reaches neither the report nor
    /// the forms. Ids are left to their own check (at most 64 characters).
    pub fn with_max_cell(
        file: FileKind,
        row: u64,
        record: Fields<'a>,
        cols: &'a ColumnMap,
        fields: &'a FieldSchema,
        max_cell: usize,
    ) -> Cells<'a> {
        let mut cells = Cells {
            file,
            row,
            record,
            cols,
            fields,
            member_id: None,
            too_long: 0,
            findings: Vec::new(),
        };
        // Most records hold no field that long: then no cell needs looking at.
        if max_cell == usize::MAX || record.longest() <= max_cell {
            return cells;
        }
        for &col in file.columns() {
            if matches!(col, Col::ApplicantId | Col::MemberId) {
                continue;
            }
            let len = cells.raw(col).len();
            if len > max_cell {
                cells.too_long_value(col, len, max_cell);
            }
        }
        cells
    }

    fn too_long_value(&mut self, col: Col, len: usize, max: usize) {
        use crate::ingest::limits::show_size;
        let h = self.header(col);
        let (len, max) = (show_size(len as u64), show_size(max as u64));
        self.push(
            "data.format",
            Severity::Error,
            col,
            Text::new(
                format!(
                    "{h}: значение длиной {len} больше предела {max} (--max-cell) и не прочитано — исправьте ячейку"
                ),
                format!(
                    "{h}: a value of {len} is longer than the limit of {max} (--max-cell) and was not read — correct the cell"
                ),
            ),
        );
        if let Some(bit) = 1u128.checked_shl(col.index() as u32) {
            self.too_long |= bit;
        }
    }

    fn is_too_long(&self, col: Col) -> bool {
        1u128
            .checked_shl(col.index() as u32)
            .is_some_and(|bit| self.too_long & bit != 0)
    }

    /// The trimmed text of a cell, empty when the file has no such column (or the
    /// value is longer than the cell limit).
    pub fn raw(&self, col: Col) -> &'a str {
        if self.too_long != 0 && self.is_too_long(col) {
            return "";
        }
        self.cols
            .index(col)
            .and_then(|i| self.record.get(i))
            .map_or("", values::trim)
    }

    pub fn source(&self, col: Col) -> Source {
        Source::at(self.file, self.row, self.cols.number(col))
    }

    pub fn row_source(&self) -> Source {
        Source::Row {
            file: self.file,
            row: self.row,
        }
    }

    /// The header of `col` as the file spells it.
    pub fn header(&self, col: Col) -> &'a str {
        self.cols.header(col)
    }

    /// Findings from now on concern this family member.
    pub fn set_member(&mut self, member_id: &str) {
        self.member_id = Some(member_id.to_string());
    }

    pub fn push(&mut self, rule: &'static str, severity: Severity, col: Col, message: Text) {
        self.findings.push(Finding {
            rule,
            severity,
            member_id: self.member_id.clone(),
            field: Some(col),
            source: Some(self.source(col)),
            message,
            verified: true,
        });
    }

    /// A `data.required` finding for an empty required value.
    pub fn require_failed(&mut self, col: Col) {
        let h = self.header(col);
        self.push(
            "data.required",
            Severity::Error,
            col,
            Text::new(
                format!("{h}: обязательное поле не заполнено"),
                format!("{h}: required value is empty"),
            ),
        );
    }

    /// The non-empty value of `col`; an empty required one is a `data.required` finding.
    fn present(&mut self, col: Col) -> Option<&'a str> {
        let v = self.raw(col);
        if v.is_empty() {
            if self.fields.is_required(self.file, col) && !self.is_too_long(col) {
                self.require_failed(col);
            }
            return None;
        }
        Some(v)
    }

    fn parse<T>(
        &mut self,
        col: Col,
        expected: Expected,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let v = self.present(col)?;
        let parsed = f(v);
        if parsed.is_none() {
            // Cut and escaped first, then masked: a 10 MB "IIN" gives a short message.
            let shown = if PERSONAL.contains(&col) {
                mask(&values::show(v))
            } else {
                values::show(v)
            };
            let h = self.header(col);
            let (ru, en) = expected.hint();
            self.push(
                "data.format",
                Severity::Error,
                col,
                Text::new(
                    format!("{h}: значение «{shown}» не распознано — {ru}"),
                    format!("{h}: value «{shown}» not understood — {en}"),
                ),
            );
        }
        parsed
    }

    /// Free text, as written. A NUL character (never typed by hand, left by broken
    /// exports) is a `data.format` finding and is removed.
    pub fn text(&mut self, col: Col) -> String {
        let v = self.present(col).unwrap_or("");
        if !v.contains('\0') {
            return v.to_string();
        }
        let h = self.header(col);
        let shown = if PERSONAL.contains(&col) {
            mask(&values::show(v))
        } else {
            values::show(v)
        };
        self.push(
            "data.format",
            Severity::Error,
            col,
            Text::new(
                format!("{h}: значение «{shown}» содержит нулевой символ (NUL) — исправьте ячейку"),
                format!("{h}: value «{shown}» holds a NUL character — correct the cell"),
            ),
        );
        v.replace('\0', "")
    }

    pub fn date(&mut self, col: Col) -> Option<Date> {
        self.parse(col, Expected::Date, values::date)
    }

    pub fn yes_no(&mut self, col: Col) -> Option<bool> {
        let fields = self.fields;
        self.parse(col, Expected::YesNo, |v| {
            fields.lookup::<YesNo>(v).map(|y| y == YesNo::Yes)
        })
    }

    pub fn count(&mut self, col: Col) -> Option<u32> {
        self.parse(col, Expected::Count, values::count)
    }

    pub fn vocab<V: Vocabulary>(&mut self, col: Col) -> Option<V> {
        let fields = self.fields;
        self.parse(col, Expected::OneOf(variants::<V>), |v| {
            fields.lookup::<V>(v)
        })
    }

    pub fn digits(&mut self, col: Col, len: usize) -> Option<String> {
        self.parse(col, Expected::Digits(len), |v| values::digit_string(v, len))
    }

    /// A non-negative decimal scaled by 10^`scale`, at most `bound` (in whole units). A
    /// larger value is a `data.format` finding on its cell, like one that cannot be
    /// read, and is not used.
    pub fn decimal(&mut self, col: Col, scale: u32, bound: Bound) -> Option<i64> {
        let (unit_ru, unit_en) = (bound.unit_ru, bound.unit_en);
        let value = self.parse(col, Expected::Decimal { unit_ru, unit_en }, |v| {
            values::decimal(v, scale)
        })?;
        let max = bound.max.saturating_mul(10i64.saturating_pow(scale));
        if value <= max {
            return Some(value);
        }
        let shown = values::show(self.raw(col));
        let h = self.header(col);
        let (ru, en) = (bound.ru(), bound.en());
        self.push(
            "data.format",
            Severity::Error,
            col,
            Text::new(
                format!(
                    "{h}: значение «{shown}» больше {ru} {unit_ru} — {} не бывает, проверьте ячейку",
                    bound.what_ru
                ),
                format!(
                    "{h}: value «{shown}» is more than {en} {unit_en} — {}, check the cell",
                    bound.what_en
                ),
            ),
        );
        None
    }

    pub fn citizenship(&mut self, col: Col) -> Option<Citizenship> {
        let fields = self.fields;
        self.parse(col, Expected::Country, |v| {
            match fields.lookup::<CitizenshipWord>(v) {
                Some(w) => Some(w.citizenship()),
                None => values::country_code(v).map(Citizenship::Country),
            }
        })
    }

    /// Citizenships, `;`- or `,`-separated: each a country code or a synonym of
    /// `fields.toml` (`Казахстан`); the first that cannot be read is a `data.format`
    /// finding, and the list is then not used.
    pub fn countries(&mut self, col: Col) -> Vec<Citizenship> {
        let fields = self.fields;
        self.parse(col, Expected::Country, |v| {
            v.split([';', ','])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| match fields.lookup::<CitizenshipWord>(x) {
                    Some(CitizenshipWord::Stateless) => None,
                    Some(w) => Some(w.citizenship()),
                    None => values::country_code(x).map(Citizenship::Country),
                })
                .collect::<Option<Vec<_>>>()
        })
        .unwrap_or_default()
    }

    /// An IIN: 12 digits, required when the person is a citizen of Kazakhstan.
    pub fn iin(&mut self, citizenship: Option<Citizenship>) -> Option<String> {
        let iin = self.digits(Col::Iin, 12);
        if self.raw(Col::Iin).is_empty() && citizenship == Some(Citizenship::KZ) {
            let h = self.header(Col::Iin);
            self.push(
                "data.required",
                Severity::Error,
                Col::Iin,
                Text::new(
                    format!("{h}: ИИН обязателен для граждан Казахстана"),
                    format!("{h}: an IIN is required for citizens of Kazakhstan"),
                ),
            );
        }
        iin
    }
}

/// Parses an applicant row whose id has already been checked.
pub fn applicant(c: &mut Cells<'_>, id: &str, docs: &DocumentSchema) -> Applicant {
    let citizenship = c.citizenship(Col::Citizenship);
    let mut a = Applicant {
        applicant_id: id.to_string(),
        row: c.row,
        last_name: c.text(Col::LastName),
        first_name: c.text(Col::FirstName),
        patronymic: c.text(Col::Patronymic),
        last_name_lat: c.text(Col::LastNameLat),
        first_name_lat: c.text(Col::FirstNameLat),
        sex: c.vocab::<Sex>(Col::Sex),
        birth_date: c.date(Col::BirthDate),
        birth_place: c.text(Col::BirthPlace),
        citizenship,
        iin: c.iin(citizenship),
        id_doc_type: c.vocab::<IdDocType>(Col::IdDocType),
        id_doc_number: c.text(Col::IdDocNumber),
        id_doc_issued_by: c.text(Col::IdDocIssuedBy),
        id_doc_issue_date: c.date(Col::IdDocIssueDate),
        id_doc_expiry_date: c.date(Col::IdDocExpiryDate),
        kz_region: c.text(Col::KzRegion),
        filing_date: c.date(Col::FilingDate),
        previous_names: c.text(Col::PreviousNames),
        address: c.text(Col::Address),
        phone: c.text(Col::Phone),
        email: c.text(Col::Email),
        education: c.vocab::<Education>(Col::Education),
        profession: c.text(Col::Profession),
        russian_language: c.vocab::<RussianLanguage>(Col::RussianLanguage),
        legal_capacity: c.vocab::<LegalCapacity>(Col::LegalCapacity),
        marital_status: c.vocab::<MaritalStatus>(Col::MaritalStatus),
        target_region: c.text(Col::TargetRegion),
        employer_offer: c.yes_no(Col::EmployerOffer),
        military_deregistered: c.yes_no(Col::MilitaryDeregistered),
        alimony_recipients: c.yes_no(Col::AlimonyRecipients),
        extremism: c.yes_no(Col::Extremism),
        under_prosecution: c.yes_no(Col::UnderProsecution),
        serious_conviction: c.yes_no(Col::SeriousConviction),
        other_state_residence: c.yes_no(Col::OtherStateResidence),
        false_information: c.yes_no(Col::FalseInformation),
        deportation_date: c.date(Col::DeportationDate),
        migration_offences_12m: c.count(Col::MigrationOffences12m),
        entry_ban: c.yes_no(Col::EntryBan),
        regional_requirements_unmet: c.yes_no(Col::RegionalRequirementsUnmet),
        repatriate: c.yes_no(Col::Repatriate),
        former_citizenship: c.countries(Col::FormerCitizenship),
        certificate_number: c.text(Col::CertificateNumber),
        certificate_date: c.date(Col::CertificateDate),
        arrival_date: c.date(Col::ArrivalDate),
        stage1_paid_date: c.date(Col::Stage1PaidDate),
        bank_bik: c.digits(Col::BankBik, 9),
        bank_account: c.digits(Col::BankAccount, 20),
        snils: c.digits(Col::Snils, 11),
        inn: c.digits(Col::Inn, 12),
        ..Applicant::default()
    };
    a.documents = paper_documents(c, docs);
    a
}

/// Parses the `documents` column: `;`-separated codes, `code` for the applicant and
/// `code-<member_id>` for a family member. Whether the member exists is checked once
/// the family is attached.
fn paper_documents(c: &mut Cells<'_>, docs: &DocumentSchema) -> Vec<Held> {
    let raw = c.raw(Col::Documents);
    let source = c.source(Col::Documents);
    let mut held = Vec::new();
    for item in raw
        .split([';', ',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (spec, member) = match docs.split_stem(item) {
            Some((spec, member)) => (Some(spec), member.map(str::trim)),
            None => (None, None),
        };
        if let Some(r) = spec.is_none().then(|| docs.retired(item)).flatten() {
            let (h, shown) = (c.header(Col::Documents), values::show(item));
            let (ru, en) = (r.note.get(Lang::Ru), r.note.get(Lang::En));
            let text = Text::new(
                format!("{h}: «{shown}» больше не нужен и не учтён: {ru}"),
                format!("{h}: «{shown}» is no longer needed and not counted: {en}"),
            );
            c.push("docs.retired", Severity::Warning, Col::Documents, text);
            continue;
        }
        let parsed = match (spec, member) {
            (None, _) => Err(("неизвестный код документа", "unknown document code")),
            (Some(s), None) if !s.for_applicant() => Err((
                "документ члена семьи: укажите код-ID_члена_семьи",
                "a family member's document: write code-<member_id>",
            )),
            (Some(s), Some(_)) if !s.for_members() => Err((
                "документ самого заявителя: укажите код без ID члена семьи",
                "the applicant's own document: write the code without a member id",
            )),
            (Some(_), Some(m)) if values::is_device_name(m) => Err((
                "ID члена семьи — зарезервированное имя устройства Windows",
                "the member id is a name Windows reserves for a device",
            )),
            (Some(_), Some(m)) if !values::is_valid_id(m) => {
                Err(("недопустимый ID члена семьи", "invalid member id"))
            }
            (Some(s), m) => Ok(DocRef {
                code: s.code,
                member_id: m.map(str::to_string),
            }),
        };
        match parsed {
            Ok(doc) => held.push(Held {
                doc,
                evidence: Evidence::Paper(source.clone()),
            }),
            Err((ru, en)) => {
                let h = c.header(Col::Documents);
                let shown = values::show(item);
                c.push(
                    "data.format",
                    Severity::Error,
                    Col::Documents,
                    Text::new(
                        format!("{h}: «{shown}» — {ru}"),
                        format!("{h}: «{shown}» — {en}"),
                    ),
                );
            }
        }
    }
    held
}

/// Parses a family row whose ids have already been checked.
pub fn member(c: &mut Cells<'_>, member_id: &str) -> FamilyMember {
    c.set_member(member_id);
    let citizenship = c.citizenship(Col::Citizenship);
    FamilyMember {
        member_id: member_id.to_string(),
        row: c.row,
        relation: c.vocab::<Relation>(Col::Relation),
        last_name: c.text(Col::LastName),
        first_name: c.text(Col::FirstName),
        patronymic: c.text(Col::Patronymic),
        sex: c.vocab::<Sex>(Col::Sex),
        birth_date: c.date(Col::BirthDate),
        citizenship,
        iin: c.iin(citizenship),
        relocating: c.yes_no(Col::Relocating),
        pensioner: c.yes_no(Col::Pensioner),
        legal_capacity: c.vocab::<LegalCapacity>(Col::LegalCapacity),
        marital_status: c.vocab::<MaritalStatus>(Col::MaritalStatus),
        previous_names: c.text(Col::PreviousNames),
        id_doc_type: c.vocab::<IdDocType>(Col::IdDocType),
        id_doc_number: c.text(Col::IdDocNumber),
        id_doc_expiry_date: c.date(Col::IdDocExpiryDate),
        parents_relocating: c.yes_no(Col::ParentsRelocating),
        extremism: c.yes_no(Col::Extremism),
        serious_conviction: c.yes_no(Col::SeriousConviction),
        other_state_residence: c.yes_no(Col::OtherStateResidence),
        deportation_date: c.date(Col::DeportationDate),
        migration_offences_12m: c.count(Col::MigrationOffences12m),
        entry_ban: c.yes_no(Col::EntryBan),
    }
}

/// The largest value a numeric column accepts, in whole units, with what a larger one
/// would mean for the message.
#[derive(Clone, Copy)]
pub struct Bound {
    pub max: i64,
    pub unit_ru: &'static str,
    pub unit_en: &'static str,
    what_ru: &'static str,
    what_en: &'static str,
}

impl Bound {
    /// The bound written the Russian way: `1 000 000 000`.
    fn ru(&self) -> String {
        group_thousands(self.max, ' ')
    }

    /// The bound written the English way: `1,000,000,000`.
    fn en(&self) -> String {
        group_thousands(self.max, ',')
    }
}

fn group_thousands(n: i64, sep: char) -> String {
    crate::format::group_digits(n, sep)
}

/// The largest amount of one expense, `amount_rub`: one billion roubles. Real relocation
/// expenses (tickets, baggage, duties) are thousands to hundreds of thousands of roubles,
/// so a larger value is a typing mistake (an account number in the wrong column). The
/// bound also keeps every sum of amounts far from overflowing: in kopecks it is 10^11,
/// and the 5,000,000 rows `--max-rows` admits sum to at most 5·10^17, under i64's 9.2·10^18
/// (two expenses of 5·10^16 roubles used to wrap the sum and print a negative total).
pub const MAX_AMOUNT: Bound = Bound {
    max: 1_000_000_000,
    unit_ru: "руб.",
    unit_en: "roubles",
    what_ru: "таких расходов",
    what_en: "no expense is that large",
};

/// The largest weight of one expense, `weight_kg`: a million kilograms. The program
/// compensates the carriage of a few tonnes of baggage; a larger value is a mistake. In
/// grams the bound is 10^9, so sums stay far from overflowing as for [`MAX_AMOUNT`].
pub const MAX_WEIGHT: Bound = Bound {
    max: 1_000_000,
    unit_ru: "кг",
    unit_en: "kg",
    what_ru: "такого багажа",
    what_en: "no baggage is that heavy",
};

/// Parses an expense row whose applicant is known.
pub fn expense(c: &mut Cells<'_>) -> Expense {
    let member_id = Some(c.raw(Col::MemberId))
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    if let Some(m) = &member_id {
        c.set_member(m);
    }
    let receipt = c.text(Col::Receipt);
    if !receipt.is_empty() && !is_plain_file_name(&receipt) {
        let h = c.header(Col::Receipt);
        let shown = values::show(&receipt);
        c.push(
            "data.format",
            Severity::Error,
            Col::Receipt,
            Text::new(
                format!(
                    "{h}: «{shown}» — укажите только имя файла в папке documents/<ID заявителя>/"
                ),
                format!("{h}: «{shown}» — give just a file name inside documents/<applicant_id>/"),
            ),
        );
    }
    Expense {
        row: c.row,
        member_id,
        kind: c.vocab::<ExpenseKind>(Col::Kind),
        date: c.date(Col::Date),
        amount_kopecks: c.decimal(Col::AmountRub, 2, MAX_AMOUNT),
        weight_grams: c.decimal(Col::WeightKg, 3, MAX_WEIGHT),
        fare_class: c.vocab::<FareClass>(Col::FareClass),
        receipt,
    }
}

/// A bare file name: no folder parts, not `.`/`..`, no characters Windows forbids.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.chars().any(|c| {
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::decode::decode;
    use crate::ingest::table;
    use crate::schema::Schemas;

    fn with_row<T>(
        file: FileKind,
        text: &str,
        f: impl FnOnce(&mut Cells<'_>) -> T,
    ) -> (T, Vec<Finding>) {
        let s = Schemas::embedded().unwrap();
        let t = table::read(file, decode(text.as_bytes()), &s.fields).unwrap();
        let r = &t.records[0];
        let mut c = Cells::new(file, r.row, t.fields(r), &t.columns, &s.fields);
        let out = f(&mut c);
        (out, c.findings)
    }

    #[test]
    fn expense_parses_amounts_and_points_at_bad_cells() {
        let (e, findings) = with_row(
            FileKind::Expenses,
            "applicant_id,member_id,kind,date,amount_rub,weight_kg,receipt\nA1,F2,багаж,31.02.2026,\"12 500,50\",много,../x.pdf\n",
            expense,
        );
        assert_eq!(e.kind, Some(ExpenseKind::Baggage));
        assert_eq!(e.amount_kopecks, Some(1_250_050));
        assert_eq!(e.member_id.as_deref(), Some("F2"));
        let sources: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.source.as_ref().unwrap().to_string()))
            .collect();
        assert_eq!(
            sources,
            [
                ("data.format", "expenses.csv:2:7".to_string()),
                ("data.format", "expenses.csv:2:4".to_string()),
                ("data.format", "expenses.csv:2:6".to_string()),
            ]
        );
        assert!(
            findings
                .iter()
                .all(|f| f.member_id.as_deref() == Some("F2"))
        );
    }

    /// The amount and weight of one expense row `amount`, `weight` and its findings.
    fn amount_and_weight(amount: &str, weight: &str) -> (Expense, Vec<Finding>) {
        with_row(
            FileKind::Expenses,
            &format!("applicant_id;kind;amount_rub;weight_kg\nA1;baggage;{amount};{weight}\n"),
            expense,
        )
    }

    #[test]
    fn amounts_and_weights_are_bounded() {
        // Just under (at) the bounds: read.
        for (amount, weight, kopecks, grams) in [
            ("1000000000", "1000000", 100_000_000_000, 1_000_000_000),
            (
                "1 000 000 000,00",
                "1 000 000,000",
                100_000_000_000,
                1_000_000_000,
            ),
            ("999999999.99", "999999.999", 99_999_999_999, 999_999_999),
            ("0", "0", 0, 0),
        ] {
            let (e, findings) = amount_and_weight(amount, weight);
            assert_eq!(e.amount_kopecks, Some(kopecks), "{amount}");
            assert_eq!(e.weight_grams, Some(grams), "{weight}");
            assert!(findings.is_empty(), "{amount} {weight}: {findings:?}");
        }
        // Just over, far over, and past i64 in the smallest unit: refused at the cell.
        for (amount, weight) in [
            ("1000000000.01", "1000000.001"),
            ("1 000 000 001", "1 000 001"),
            ("50000000000000000", "50000000000000"),
        ] {
            let (e, findings) = amount_and_weight(amount, weight);
            assert_eq!((e.amount_kopecks, e.weight_grams), (None, None), "{amount}");
            let got: Vec<_> = findings
                .iter()
                .map(|f| (f.rule, f.source.as_ref().unwrap().to_string()))
                .collect();
            assert_eq!(
                got,
                [
                    ("data.format", "expenses.csv:2:3".to_string()),
                    ("data.format", "expenses.csv:2:4".to_string()),
                ],
                "{amount} {weight}"
            );
            assert!(
                findings[0].message.en.ends_with(
                    "is more than 1,000,000,000 roubles — no expense is that large, check the cell"
                ),
                "{:?}",
                findings[0].message
            );
            assert!(
                findings[0].message.ru.ends_with(
                    "больше 1 000 000 000 руб. — таких расходов не бывает, проверьте ячейку"
                ),
                "{:?}",
                findings[0].message
            );
            assert!(
                findings[1].message.en.ends_with(
                    "is more than 1,000,000 kg — no baggage is that heavy, check the cell"
                ),
                "{:?}",
                findings[1].message
            );
        }
        // Negative values are not numbers the program reads.
        let (e, findings) = amount_and_weight("-100", "-1");
        assert_eq!((e.amount_kopecks, e.weight_grams), (None, None));
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.rule == "data.format"));
    }

    #[test]
    fn bounds_are_grouped_by_thousands() {
        assert_eq!(MAX_AMOUNT.en(), "1,000,000,000");
        assert_eq!(MAX_AMOUNT.ru(), "1 000 000 000");
        assert_eq!(MAX_WEIGHT.en(), "1,000,000");
        assert_eq!(group_thousands(12, ','), "12");
        assert_eq!(group_thousands(1234, ','), "1,234");
        assert_eq!(group_thousands(123_456, ','), "123,456");
    }

    #[test]
    fn member_requires_values_and_iin_for_kz() {
        let (m, findings) = with_row(
            FileKind::Family,
            "applicant_id,member_id,relation,last_name,first_name,birth_date,relocating,citizenship,iin\nA1,F1,сын,Ахметов,,2010-05-01,да,KZ,\n",
            |c| member(c, "F1"),
        );
        assert_eq!(m.relation, Some(Relation::Child));
        assert_eq!(m.relocating, Some(true));
        let rules: Vec<_> = findings.iter().map(|f| (f.rule, f.field)).collect();
        assert_eq!(
            rules,
            [
                ("data.required", Some(Col::FirstName)),
                ("data.required", Some(Col::Iin)),
            ]
        );
    }

    #[test]
    fn personal_numbers_are_masked_in_messages() {
        let (_, findings) = with_row(
            FileKind::Family,
            "applicant_id,member_id,relation,last_name,first_name,birth_date,relocating,iin\nA1,F1,child,A,B,2010-05-01,no,85021530012\n",
            |c| member(c, "F1"),
        );
        assert_eq!(findings.len(), 1);
        let msg = &findings[0].message.en;
        assert!(!msg.contains("85021530012"), "{msg}");
        assert!(msg.contains("0012"), "{msg}");
    }

    #[test]
    fn plain_file_names() {
        assert!(is_plain_file_name("receipt_1.pdf"));
        assert!(!is_plain_file_name("../receipt.pdf"));
        assert!(!is_plain_file_name("a/b.pdf"));
        assert!(!is_plain_file_name("C:evil"));
        assert!(!is_plain_file_name(".."));
    }
}
