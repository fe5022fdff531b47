//! Checks on an applicant's answers that need the run's date: ground questions left
//! unanswered (`data.unanswered`), and dates that cannot lie in the future but do
//! (`data.format`), for the applicant and each family member.

use jiff::civil::Date;

use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Message};
use crate::model::{Applicant, Batch, FamilyMember};
use crate::schema::Schemas;

/// One `data.unanswered` finding naming the ground questions of `rules.toml` (the
/// rule's `columns`) that `a` left empty, or whose column the file lacks.
pub fn unanswered(batch: &Batch, schemas: &Schemas, a: &Applicant) -> Option<Finding> {
    let rule = schemas.rules.get("data.unanswered")?;
    // A value that could not be read is a `data.format` finding on its cell already.
    let unreadable = |c: Col| {
        a.findings
            .iter()
            .any(|f| f.field == Some(c) && f.member_id.is_none())
    };
    let empty: Vec<Col> = rule
        .columns
        .iter()
        .copied()
        .filter(|&c| is_empty(a, c) && !unreadable(c))
        .collect();
    let first = *empty.first()?;
    let names: Vec<&str> = empty
        .iter()
        .map(|&c| batch.header(FileKind::Applicants, c))
        .collect();
    let names = names.join(", ");
    Some(Finding::new(rule.id, Message::new(
            words!(
                "Нет ответа на вопросы об основаниях отказа: {0} — спросите заявителя до подачи (пустая ячейка не означает «нет»)",
                "No answer to the ground questions: {0} — ask the applicant before filing (an empty cell is not «no»)",
            ),
            [Arg::plain(names)],
        )).on(first).at(Some(batch.source(FileKind::Applicants, a.row, first))))
}

/// Whether the applicant's answer in column `c` is empty.
fn is_empty(a: &Applicant, c: Col) -> bool {
    match c {
        Col::Extremism => a.extremism.is_none(),
        Col::SeriousConviction => a.serious_conviction.is_none(),
        Col::OtherStateResidence => a.other_state_residence.is_none(),
        Col::EntryBan => a.entry_ban.is_none(),
        Col::MigrationOffences12m => a.migration_offences_12m.is_none(),
        Col::UnderProsecution => a.under_prosecution.is_none(),
        Col::FalseInformation => a.false_information.is_none(),
        Col::RegionalRequirementsUnmet => a.regional_requirements_unmet.is_none(),
        Col::MilitaryDeregistered => a.military_deregistered.is_none(),
        Col::EmployerOffer => a.employer_offer.is_none(),
        Col::AlimonyRecipients => a.alimony_recipients.is_none(),
        Col::Repatriate => a.repatriate.is_none(),
        // Not a yes/no or count answer of the applicant's row.
        _ => false,
    }
}

/// A `data.format` finding for each date of `a` and their family that lies after
/// `as_of` where it cannot: birth, deportation, the issue of an ID document or of the
/// participant certificate.
pub fn future_dates(batch: &Batch, a: &Applicant, as_of: Date, findings: &mut Vec<Finding>) {
    let applicant = [
        (Col::BirthDate, a.birth_date),
        (Col::DeportationDate, a.deportation_date),
        (Col::IdDocIssueDate, a.id_doc_issue_date),
        (Col::CertificateDate, a.certificate_date),
    ];
    for (col, d) in applicant {
        if let Some(d) = d.filter(|d| *d > as_of) {
            findings.push(future(
                batch,
                FileKind::Applicants,
                a.row,
                None,
                col,
                d,
                as_of,
            ));
        }
    }
    for m in &a.family {
        member_dates(batch, m, as_of, findings);
    }
}

fn member_dates(batch: &Batch, m: &FamilyMember, as_of: Date, findings: &mut Vec<Finding>) {
    for (col, d) in [
        (Col::BirthDate, m.birth_date),
        (Col::DeportationDate, m.deportation_date),
    ] {
        if let Some(d) = d.filter(|d| *d > as_of) {
            let id = Some(m.member_id.as_str());
            findings.push(future(batch, FileKind::Family, m.row, id, col, d, as_of));
        }
    }
}

fn future(
    batch: &Batch,
    file: FileKind,
    row: u64,
    member: Option<&str>,
    col: Col,
    d: Date,
    as_of: Date,
) -> Finding {
    let h = batch.header(file, col);
    let (shown, today) = (d.strftime("%d.%m.%Y"), as_of.strftime("%d.%m.%Y"));
    let day = |ru: &dyn std::fmt::Display, en: Date| Arg::both(ru.to_string(), en.to_string());
    Finding::new("data.format", Message::new(
            words!(
                "{0}: {1} — дата в будущем (расчётная дата {2}); такой даты здесь быть не может, проверьте ячейку",
                "{0}: {1} is in the future (as of {2}); no such date can be here, check the cell",
            ),
            [Arg::plain(h), day(&shown, d), day(&today, as_of)],
        )).member(member.map(str::to_string)).on(col).at(Some(batch.source(file, row, col)))
}
