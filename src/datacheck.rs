//! Data checks that need more than one cell: identifier checksums (IIN and its agreement
//! with birth date and sex, bank account with BIK, SNILS, INN) and IINs repeated across
//! the batch. Personal numbers appear in messages masked. The checks of one applicant
//! run as its rows are typed ([`check_applicant`]); repeated IINs once, from the IINs
//! read when the rows are sorted out ([`repeated_iins`] of
//! [`crate::ingest::Prepared::carriers`]).

use rayon::prelude::*;

use crate::checks;
use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Fixed, Message, Source, mask};
use crate::ingest::Carrier;
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
    words: &'static Fixed,
    args: impl IntoIterator<Item = Arg>,
) -> Finding {
    // `{0}` of the words is the column's header.
    let h = Arg::plain(batch.header(p.file, col));
    let args: Box<[Arg]> = std::iter::once(h).chain(args).collect();
    Finding::new(rule, Message::new(words, args))
        .member(p.member_id.map(str::to_string))
        .on(col)
        .at(Some(batch.source(p.file, p.row, col)))
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
            words!(
                "{0}: ИИН {1}: неверная контрольная цифра — проверьте номер",
                "{0}: IIN {1}: the check digit is wrong — check the number",
            ),
            [Arg::plain(m)],
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
                words!(
                    "{0}: ИИН {1} не содержит допустимой даты рождения и пола",
                    "{0}: IIN {1} does not encode a valid birth date and sex",
                ),
                [Arg::plain(m)],
            ))
        }
        Some((date, sex)) => {
            if p.birth_date.is_some_and(|d| d != date) {
                out.push(finding(
                    batch,
                    p,
                    "data.iin_mismatch",
                    Col::Iin,
                    words!(
                        "{0}: ИИН не совпадает с датой рождения",
                        "{0}: the IIN does not match the birth date",
                    ),
                    [],
                ));
            }
            if p.sex.is_some_and(|s| s != sex) {
                out.push(finding(
                    batch,
                    p,
                    "data.iin_mismatch",
                    Col::Iin,
                    words!(
                        "{0}: ИИН не совпадает с полом",
                        "{0}: the IIN does not match the sex",
                    ),
                    [],
                ));
            }
        }
    }
}

/// Identifier checks of one applicant and their family (checksums, and agreement with
/// birth date and sex).
pub fn check_applicant(batch: &Batch, a: &Applicant) -> Vec<Finding> {
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
            words!(
                "{0}: счёт {1} не проходит проверку контрольного ключа с БИК {2}",
                "{0}: account {1} fails the control key check with BIK {2}",
            ),
            [Arg::plain(mask(acc)), Arg::plain(bik.as_str())],
        )),
        // An account without a BIK (unless the BIK was given but unreadable).
        (None, Some(_)) if a.findings.iter().all(|f| f.field != Some(Col::BankBik)) => {
            out.push(finding(
                batch,
                &me,
                "data.required",
                Col::BankBik,
                words!(
                    "{0}: укажите БИК банка для номера счёта",
                    "{0}: give the bank's BIK for the account number",
                ),
                [],
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
            words!(
                "{0}: СНИЛС {1}: неверная контрольная сумма",
                "{0}: SNILS {1}: the checksum is wrong",
            ),
            [Arg::plain(mask(s))],
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
            words!(
                "{0}: ИНН {1}: неверные контрольные цифры",
                "{0}: INN {1}: the check digits are wrong",
            ),
            [Arg::plain(mask(s))],
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

/// Everyone carrying a well-formed IIN among `applicants`, the first of which is the
/// batch's applicant number `first`, from the typed applicants: the tests hold
/// [`crate::ingest::Prepared::carriers`], which reads them from the cells before typing,
/// to the same list.
#[cfg(test)]
pub fn carriers(applicants: &[Applicant], first: usize) -> Vec<Carrier> {
    applicants
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            people(a).filter_map(move |p| {
                let iin: [u8; 12] = p.iin?.as_bytes().try_into().ok()?;
                Some(Carrier {
                    iin,
                    applicant: first + i,
                    file: p.file,
                    row: p.row,
                    member: p.member_id.map(Box::from),
                })
            })
        })
        .collect()
}

/// IINs carried by more than one person of the batch: a finding for each carrier, with
/// the index of its applicant, naming the other applications the person is in (one
/// person in two applications). `batch` gives the cells (its applicants are not read);
/// `id_of` the applicant id of an index.
pub fn repeated_iins<'a>(
    batch: &Batch,
    mut carriers: Vec<Carrier>,
    id_of: impl Fn(usize) -> &'a str,
) -> Vec<(usize, Finding)> {
    carriers.par_sort_unstable();
    let mut out = Vec::new();
    for group in carriers
        .chunk_by(|x, y| x.iin == y.iin)
        .filter(|g| g.len() > 1)
    {
        let m = mask(std::str::from_utf8(&group[0].iin).unwrap_or_default());
        let sources: Vec<Source> = group
            .iter()
            .map(|c| batch.source(c.file, c.row, Col::Iin))
            .collect();
        for (k, c) in group.iter().enumerate() {
            let others: Vec<String> = sources
                .iter()
                .zip(group)
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, (s, o))| {
                    if o.applicant == c.applicant {
                        s.to_string()
                    } else {
                        format!("{s} ({})", id_of(o.applicant))
                    }
                })
                .collect();
            let others = others.join(", ");
            out.push((
                c.applicant,
                Finding::new("data.duplicate", Message::new(
                        words!(
                            "ИИН {0} повторяется: также {1} — один человек не может быть в двух заявлениях",
                            "IIN {0} is repeated: also at {1} — one person cannot be in two applications",
                        ),
                        [Arg::plain(m.as_str()), Arg::plain(others)],
                    )).member(c.member.as_deref().map(str::to_string)).on(Col::Iin).at(Some(sources[k].clone())),
            ));
        }
    }
    out
}
