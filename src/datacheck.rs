//! Data checks that need more than one cell: identifier checksums (IIN and its agreement
//! with birth date and sex, bank account with BIK, SNILS, INN) and IINs repeated across
//! the batch. Personal numbers appear in messages masked.

use rayon::prelude::*;

use crate::checks;
use crate::columns::{Col, FileKind};
use crate::findings::{Finding, Severity, Source, Text, mask};
use crate::model::{Applicant, Batch, Sex};

struct Person<'a> {
    file: FileKind,
    row: u64,
    member_id: Option<&'a str>,
    iin: Option<&'a str>,
    birth_date: Option<jiff::civil::Date>,
    sex: Option<Sex>,
}

fn finding(
    batch: &Batch,
    p: &Person<'_>,
    rule: &'static str,
    col: Col,
    ru: String,
    en: String,
) -> Finding {
    let h = batch.header(p.file, col);
    Finding {
        rule,
        severity: Severity::Error,
        member_id: p.member_id.map(str::to_string),
        field: Some(col),
        source: Some(batch.source(p.file, p.row, col)),
        message: Text::new(format!("{h}: {ru}"), format!("{h}: {en}")),
    }
}

fn iin_findings(batch: &Batch, p: &Person<'_>, out: &mut Vec<Finding>) {
    let Some(iin) = p.iin else { return };
    let m = || mask(iin);
    if !checks::iin_checksum_ok(iin) {
        let m = m();
        out.push(finding(
            batch,
            p,
            "data.iin_checksum",
            Col::Iin,
            format!("ИИН {m}: неверная контрольная цифра — проверьте номер"),
            format!("IIN {m}: the check digit is wrong — check the number"),
        ));
        return;
    }
    match checks::iin_birth(iin) {
        None => {
            let m = m();
            out.push(finding(
                batch,
                p,
                "data.iin_mismatch",
                Col::Iin,
                format!("ИИН {m} не содержит допустимой даты рождения и пола"),
                format!("IIN {m} does not encode a valid birth date and sex"),
            ))
        }
        Some((date, sex)) => {
            if p.birth_date.is_some_and(|d| d != date) {
                out.push(finding(
                    batch,
                    p,
                    "data.iin_mismatch",
                    Col::Iin,
                    "ИИН не совпадает с датой рождения".into(),
                    "the IIN does not match the birth date".into(),
                ));
            }
            if p.sex.is_some_and(|s| s != sex) {
                out.push(finding(
                    batch,
                    p,
                    "data.iin_mismatch",
                    Col::Iin,
                    "ИИН не совпадает с полом".into(),
                    "the IIN does not match the sex".into(),
                ));
            }
        }
    }
}

/// Identifier checks of one applicant and their family.
fn check_applicant(batch: &Batch, a: &Applicant) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in people(a) {
        iin_findings(batch, &p, &mut out);
    }
    let me = Person {
        file: FileKind::Applicants,
        row: a.row,
        member_id: None,
        iin: None,
        birth_date: None,
        sex: None,
    };
    match (&a.bank_bik, &a.bank_account) {
        (Some(bik), Some(acc)) if !checks::bank_account_ok(bik, acc) => out.push(finding(
            batch,
            &me,
            "data.bank_account",
            Col::BankAccount,
            format!(
                "счёт {} не проходит проверку контрольного ключа с БИК {bik}",
                mask(acc)
            ),
            format!(
                "account {} fails the control key check with BIK {bik}",
                mask(acc)
            ),
        )),
        // An account without a BIK (unless the BIK was given but unreadable).
        (None, Some(_)) if a.findings.iter().all(|f| f.field != Some(Col::BankBik)) => {
            out.push(finding(
                batch,
                &me,
                "data.required",
                Col::BankBik,
                "укажите БИК банка для номера счёта".into(),
                "give the bank's BIK for the account number".into(),
            ))
        }
        _ => {}
    }
    if let Some(s) = &a.snils
        && !checks::snils_ok(s)
    {
        out.push(finding(
            batch,
            &me,
            "data.snils",
            Col::Snils,
            format!("СНИЛС {}: неверная контрольная сумма", mask(s)),
            format!("SNILS {}: the checksum is wrong", mask(s)),
        ));
    }
    if let Some(s) = &a.inn
        && !checks::inn_ok(s)
    {
        out.push(finding(
            batch,
            &me,
            "data.inn",
            Col::Inn,
            format!("ИНН {}: неверные контрольные цифры", mask(s)),
            format!("INN {}: the check digits are wrong", mask(s)),
        ));
    }
    out
}

/// The applicant and each family member, as identifier checks see them.
fn people(a: &Applicant) -> impl Iterator<Item = Person<'_>> {
    let me = Person {
        file: FileKind::Applicants,
        row: a.row,
        member_id: None,
        iin: a.iin.as_deref(),
        birth_date: a.birth_date,
        sex: a.sex,
    };
    let members = a.family.iter().map(|f| Person {
        file: FileKind::Family,
        row: f.row,
        member_id: Some(f.member_id.as_str()),
        iin: f.iin.as_deref(),
        birth_date: f.birth_date,
        sex: f.sex,
    });
    std::iter::once(me).chain(members)
}

/// Someone carrying an IIN: its number, the IIN, the applicant's index, where it is
/// (file, row) and the member (`None`: the applicant).
type Carrier<'a> = (u64, &'a str, usize, FileKind, u64, Option<&'a str>);

/// The value of a string of decimal digits (an IIN), saturating; equal strings give
/// equal numbers, which is all sorting by it needs.
fn number(digits: &str) -> u64 {
    digits.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10)
            .saturating_add(u64::from(b.wrapping_sub(b'0')))
    })
}

/// Runs every cross-cell data check and adds the findings to the applicants.
pub fn check(batch: &mut Batch) {
    let mut new: Vec<Vec<Finding>> = batch
        .applicants
        .par_iter()
        .map(|a| check_applicant(batch, a))
        .collect();

    // Repeated IINs: everyone carrying one, sorted so that equal IINs are neighbours
    // (by their number first: twelve digits compare as one integer).
    let mut carriers: Vec<Carrier<'_>> = batch
        .applicants
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            people(a).filter_map(move |p| {
                let iin = p.iin?;
                Some((number(iin), iin, i, p.file, p.row, p.member_id))
            })
        })
        .collect();
    carriers.par_sort_unstable();
    for group in carriers
        .chunk_by(|x, y| x.0 == y.0 && x.1 == y.1)
        .filter(|g| g.len() > 1)
    {
        let m = mask(group[0].1);
        let sources: Vec<Source> = group
            .iter()
            .map(|&(_, _, _, file, row, _)| batch.source(file, row, Col::Iin))
            .collect();
        for (k, &(_, _, i, _, _, member)) in group.iter().enumerate() {
            let others: Vec<String> = sources
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, s)| s.to_string())
                .collect();
            let others = others.join(", ");
            new[i].push(Finding {
                rule: "data.duplicate",
                severity: Severity::Error,
                member_id: member.map(str::to_string),
                field: Some(Col::Iin),
                source: Some(sources[k].clone()),
                message: Text::new(
                    format!("ИИН {m} повторяется: также {others}"),
                    format!("IIN {m} is repeated: also at {others}"),
                ),
            });
        }
    }
    for (a, f) in batch.applicants.iter_mut().zip(new) {
        a.findings.extend(f);
    }
}
