//! Data checks that need more than one cell: identifier checksums (IIN and its agreement
//! with birth date and sex, bank account with BIK, SNILS, INN) and IINs repeated across
//! the batch. Personal numbers appear in messages masked.

use std::collections::HashMap;

use crate::checks;
use crate::columns::{Col, FileKind};
use crate::findings::{Finding, Severity, Source, Text, mask};
use crate::model::{Batch, Sex};

/// Everyone carrying one IIN: applicant index, the cell, the member (None: applicant).
type Holders<'a> = Vec<(usize, Source, Option<&'a str>)>;

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
    let m = mask(iin);
    if !checks::iin_checksum_ok(iin) {
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
        None => out.push(finding(
            batch,
            p,
            "data.iin_mismatch",
            Col::Iin,
            format!("ИИН {m} не содержит допустимой даты рождения и пола"),
            format!("IIN {m} does not encode a valid birth date and sex"),
        )),
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

/// Runs every cross-cell data check and adds the findings to the applicants.
pub fn check(batch: &mut Batch) {
    let mut new: Vec<Vec<Finding>> = vec![Vec::new(); batch.applicants.len()];
    // IIN → everyone carrying it: (applicant index, person).
    let mut by_iin: HashMap<&str, Holders<'_>> = HashMap::new();

    for (i, a) in batch.applicants.iter().enumerate() {
        let out = &mut new[i];
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
        for p in std::iter::once(me).chain(members) {
            iin_findings(batch, &p, out);
            if let Some(iin) = p.iin {
                by_iin.entry(iin).or_default().push((
                    i,
                    batch.source(p.file, p.row, Col::Iin),
                    p.member_id,
                ));
            }
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
            (None, Some(_)) if a.findings.iter().all(|f| f.field != Some(Col::BankBik)) => out
                .push(finding(
                    batch,
                    &me,
                    "data.required",
                    Col::BankBik,
                    "укажите БИК банка для номера счёта".into(),
                    "give the bank's BIK for the account number".into(),
                )),
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
    }

    let mut groups: Vec<_> = by_iin.into_iter().filter(|(_, v)| v.len() > 1).collect();
    groups.sort();
    for (iin, holders) in groups {
        let m = mask(iin);
        for (k, (i, source, member)) in holders.iter().enumerate() {
            let others: Vec<String> = holders
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, (_, s, _))| s.to_string())
                .collect();
            let others = others.join(", ");
            new[*i].push(Finding {
                rule: "data.duplicate",
                severity: Severity::Error,
                member_id: member.map(str::to_string),
                field: Some(Col::Iin),
                source: Some(source.clone()),
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
