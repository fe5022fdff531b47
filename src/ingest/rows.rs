//! Records to typed rows: each record of `applicants.csv`, `family.csv` and
//! `expenses.csv` converted to its model (applicant, family member, expense). Cells are
//! read by [`Cells`] (`cells`), the `documents` column by `paper`; every value that is
//! empty where required or cannot be read becomes a finding pointing at its cell.

mod cells;
mod paper;

pub use cells::{Bound, Cells, MAX_AMOUNT, MAX_WEIGHT};

use crate::columns::Col;
use crate::findings::{Arg, Message};
use crate::model::{
    Applicant, Education, Expense, ExpenseKind, FamilyMember, FareClass, IdDocType, LegalCapacity,
    MaritalStatus, Relation, RussianLanguage, Sex,
};
use crate::schema::DocumentSchema;
use crate::values;

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
    a.documents = paper::paper_documents(c, docs);
    a
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
        let message = Message::new(
            crate::findings::words!(
                "{0}: «{1}» — укажите только имя файла в папке documents/<ID заявителя>/",
                "{0}: «{1}» — give just a file name inside documents/<applicant_id>/",
            ),
            [
                Arg::plain(c.header(Col::Receipt)),
                Arg::value(values::show(&receipt)),
            ],
        );
        c.push("data.format", Col::Receipt, message);
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
    use crate::columns::FileKind;
    use crate::findings::Finding;
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
                findings[0].message.get(crate::findings::Lang::En).ends_with(
                    "is more than 1,000,000,000 roubles — no expense is that large, check the cell"
                ),
                "{:?}",
                findings[0].message
            );
            assert!(
                findings[0]
                    .message
                    .get(crate::findings::Lang::Ru)
                    .ends_with(
                        "больше 1 000 000 000 руб. — таких расходов не бывает, проверьте ячейку"
                    ),
                "{:?}",
                findings[0].message
            );
            assert!(
                findings[1]
                    .message
                    .get(crate::findings::Lang::En)
                    .ends_with(
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
            "applicant_id,member_id,relation,last_name,first_name,birth_date,relocating,iin\nA1,F1,child,А,Б,2010-05-01,no,85021530012\n",
            |c| member(c, "F1"),
        );
        assert_eq!(findings.len(), 1);
        let msg = &findings[0].message.get(crate::findings::Lang::En);
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
