//! Data checks that need more than one cell: identifier checksums (IIN and its agreement
//! with birth date and sex, bank account with BIK, SNILS, INN) and IINs repeated across
//! the batch. Personal numbers appear in messages masked. The checks of one applicant
//! run as its rows are typed ([`check_applicant`]); repeated IINs are found once, from
//! the IINs read when the rows are sorted out ([`Repeats::gather`] of
//! [`crate::ingest::Prepared::carriers`]), and their findings made as each window is
//! typed ([`Repeats::findings`]).

use rayon::prelude::*;

use crate::checks;
use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Fixed, Message, mask};
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
                Carrier::new(p.iin?, first + i, p.file, p.row, p.member_id.is_some())
            })
        })
        .collect()
}

/// The IINs carried by more than one person of the batch, gathered once when the rows
/// are sorted out; the findings they give are made applicant by applicant, as each
/// window is typed ([`Repeats::findings`]), so a batch's thousands of them never stand
/// in memory at once.
#[derive(Debug, Default)]
pub struct Repeats {
    /// The carriers of repeated IINs only, ordered by IIN: one run per IIN.
    carriers: Vec<Carrier>,
    /// Each carrier `k` of `carriers`, ordered by its applicant, then by `k`: an
    /// applicant's findings come in the order of their IINs.
    by_applicant: Vec<usize>,
}

impl Repeats {
    /// The repeats among `carriers` (any of the batch's carriers: those whose IIN no one
    /// else carries are dropped here; the pipeline gives only the others, from
    /// [`crate::ingest::Prepared::repeated_carriers`], so that they are never all held).
    pub fn gather(mut carriers: Vec<Carrier>) -> Repeats {
        carriers.par_sort_unstable();
        // Keep only the runs longer than one, in place.
        let mut kept = 0;
        let mut start = 0;
        while start < carriers.len() {
            let end = start
                + carriers[start..]
                    .iter()
                    .take_while(|c| c.iin == carriers[start].iin)
                    .count();
            if end - start > 1 {
                for k in start..end {
                    carriers.swap(kept, k);
                    kept += 1;
                }
            }
            start = end;
        }
        carriers.truncate(kept);
        carriers.shrink_to_fit();
        let mut by_applicant: Vec<usize> = (0..carriers.len()).collect();
        by_applicant.par_sort_unstable_by_key(|&k| (carriers[k].applicant, k));
        Repeats {
            carriers,
            by_applicant,
        }
    }

    /// How many people carry an IIN someone else of the batch carries too.
    pub fn len(&self) -> usize {
        self.carriers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.carriers.is_empty()
    }

    /// The findings of applicant `a`, the batch's applicant number `i`, on its IINs
    /// carried by someone else too: one for each of its people carrying one, naming the
    /// other applications the person is in (one person in two applications). `batch`
    /// gives the cells (its applicants are not read); `id_of` the applicant id of an
    /// index.
    pub fn findings<'a>(
        &self,
        batch: &Batch,
        i: usize,
        a: &Applicant,
        id_of: impl Fn(usize) -> &'a str,
    ) -> Vec<Finding> {
        let of = |k: &usize| self.carriers[*k].applicant as usize;
        let first = self.by_applicant.partition_point(|k| of(k) < i);
        self.by_applicant[first..]
            .iter()
            .take_while(|k| of(k) == i)
            .map(|&k| self.finding(batch, k, a, &id_of))
            .collect()
    }

    /// The finding of carrier `k`.
    fn finding<'a>(
        &self,
        batch: &Batch,
        k: usize,
        a: &Applicant,
        id_of: &impl Fn(usize) -> &'a str,
    ) -> Finding {
        let c = &self.carriers[k];
        let start = k - self.carriers[..k]
            .iter()
            .rev()
            .take_while(|o| o.iin == c.iin)
            .count();
        let end = k + self.carriers[k..]
            .iter()
            .take_while(|o| o.iin == c.iin)
            .count();
        let source = |o: &Carrier| batch.source(o.file, o.row, Col::Iin);
        let mut others = String::new();
        for (j, o) in self.carriers[start..end].iter().enumerate() {
            if start + j == k {
                continue;
            }
            if !others.is_empty() {
                others.push_str(", ");
            }
            others.push_str(&source(o).to_string());
            if o.applicant != c.applicant {
                others.push_str(&format!(" ({})", id_of(o.applicant as usize)));
            }
        }
        let m = mask(&c.iin());
        // The member carrying it: the one of its row, as typed.
        let member = a
            .family
            .iter()
            .find(|f| c.member && f.row == c.row)
            .map(|f| f.member_id.clone());
        Finding::new(
            "data.duplicate",
            Message::new(
                words!(
                    "ИИН {0} повторяется: также {1} — один человек не может быть в двух заявлениях",
                    "IIN {0} is repeated: also at {1} — one person cannot be in two applications",
                ),
                [Arg::plain(m.as_str()), Arg::plain(others)],
            ),
        )
        .member(member)
        .on(Col::Iin)
        .at(Some(source(c)))
    }
}
