//! Sorting the rows out by id, before anything is typed: which records of
//! applicants.csv are accepted applicants, which rows of family.csv and expenses.csv
//! belong to each (as [`Event`]s of their applicant), and every refused row with its
//! reason, in file order.
//!
//! The indexes by id hold numbers only (an applicant's in the accepted list, a family
//! row's record), the ids staying in the text: 4 or 8 bytes a row instead of 24 or 40,
//! which at a million applicants is a hundred megabytes.

use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::{Event, Rows};
use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Message, RowError, Source};
use crate::ingest::rows::Cells;
use crate::ingest::table::Table;
use crate::model::{Batch, RowCounts};
use crate::values::{is_device_name, is_valid_id, show};

/// An id compared ignoring ASCII case. Ids (`[A-Za-z0-9_-]`) name folders and files
/// (`OUT/<applicant_id>/`, `consent-<member_id>.pdf`, scans `<code>-<member_id>.pdf`), and
/// the file systems of Windows and macOS ignore case, so `A001` and `a001`, or members
/// `F1` and `f1`, would share them.
#[derive(Debug, Clone, Copy)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    /// As its lower case would hash: folded on the stack (ids are at most 64 bytes).
    fn hash<H: Hasher>(&self, h: &mut H) {
        let mut buf = [0u8; 64];
        match buf.get_mut(..self.0.len()) {
            Some(folded) => {
                folded.copy_from_slice(self.0.as_bytes());
                folded.make_ascii_lowercase();
                h.write(folded);
            }
            None => self
                .0
                .bytes()
                .for_each(|b| h.write_u8(b.to_ascii_lowercase())),
        }
        h.write_u8(0xFF);
    }
}
/// `events` (applicant, event) grouped by applicant, each group in its order: the
/// events, and where each of the `applicants` groups starts (one more for the end).
pub(super) fn group_by_applicant(
    mut events: Vec<(u32, Event)>,
    applicants: usize,
) -> (Vec<Event>, Vec<usize>) {
    // A stable sort: each applicant's events keep their order.
    events.sort_by_key(|&(a, _)| a);
    let mut starts = vec![0usize; applicants + 1];
    for (a, _) in &events {
        starts[*a as usize + 1] += 1;
    }
    for i in 0..applicants {
        starts[i + 1] += starts[i];
    }
    (events.into_iter().map(|(_, e)| e).collect(), starts)
}

/// Why a row cannot be used: rule and message.
type Refusal = (&'static str, Message);

/// The hash of an id ignoring case, with `of` (an applicant's number, or none).
fn caseless_hash(of: u32, id: &str) -> u64 {
    FxBuildHasher.hash_one((of, Caseless(id)))
}

/// The accepted applicants of applicants.csv: each one's record and id, and an index
/// from id (ignoring case) to its number, whose exact spelling is in `accepted`.
pub(super) struct Ids<'t> {
    pub(super) accepted: Vec<(u32, &'t str)>,
    index: HashTable<u32>,
}

impl Ids<'_> {
    /// The number of the accepted applicant with id `id`, ignoring case.
    fn find(&self, id: &str) -> Option<usize> {
        let accepted = &self.accepted;
        self.index
            .find(caseless_hash(0, id), |&i| {
                Caseless(accepted[i as usize].1) == Caseless(id)
            })
            .map(|&i| i as usize)
    }
}
impl<'s> Rows<'s> {
    /// Reads `pick` from every record of `table` in parallel, then hands each result,
    /// in the file's order, to `attach` with its record's number.
    fn each_row<'t, T: Send>(
        &self,
        table: &'t Table,
        pick: impl Fn(&Cells<'t>) -> T + Sync,
        mut attach: impl FnMut(usize, T),
    ) where
        's: 't,
    {
        const CHUNK: usize = 32 * 1024;
        for start in (0..table.records.len()).step_by(CHUNK) {
            let end = (start + CHUNK).min(table.records.len());
            let picked: Vec<T> = (start..end)
                .into_par_iter()
                .map(|r| pick(&self.cells(table, r)))
                .collect();
            for (k, t) in picked.into_iter().enumerate() {
                attach(start + k, t);
            }
        }
    }

    pub(super) fn applicant_rows<'t>(
        &self,
        meta: &mut Batch,
        table: &'t Table,
        events: &mut Vec<(u32, Event)>,
    ) -> Ids<'t>
    where
        's: 't,
    {
        begin(meta, table);
        let mut counts = RowCounts::default();
        let mut ids = Ids {
            accepted: Vec::with_capacity(table.records.len()),
            index: HashTable::with_capacity(table.records.len()),
        };
        let pick = |cells: &Cells<'t>| {
            (
                cells.source(Col::ApplicantId),
                row_id(cells, Col::ApplicantId),
            )
        };
        self.each_row(table, pick, |r, (source, id)| {
            counts.read += 1;
            let row = table.records[r].row;
            let id = match id {
                Ok(id) => id,
                Err((rule, message)) => return reject(meta, &mut counts, rule, source, message),
            };
            let Some(first) = ids.find(id) else {
                let accepted = &ids.accepted;
                let rehash = |&i: &u32| caseless_hash(0, accepted[i as usize].1);
                let i = accepted.len() as u32;
                ids.index.insert_unique(caseless_hash(0, id), i, rehash);
                ids.accepted.push((r as u32, id));
                counts.accepted += 1;
                return;
            };
            // Ids equal but for case are one id: on Windows and macOS `OUT/A001/` and
            // `OUT/a001/` are the same folder.
            let (first_record, first_id) = ids.accepted[first];
            let first_row = table.records[first_record as usize].row;
            let source = meta.source(FileKind::Applicants, row, Col::ApplicantId);
            let spelled = spelled_as(first_id, id, Names::Folder);
            let first_spelled = spelled_as(id, first_id, Names::Folder);
            let finding = Finding::new(
                "data.duplicate",
                Message::new(
                    words!(
                        "ID {0} повторяется в строке {1}{2}; повтор не обработан",
                        "id {0} is repeated on row {1}{2}; the repeat was not processed",
                    ),
                    [Arg::id(first_id), Arg::num(row), Arg::part(spelled)],
                ),
            )
            .on(Col::ApplicantId)
            .at(Some(source.clone()));
            events.push((first as u32, Event::Finding(Box::new(finding))));
            reject(
                meta,
                &mut counts,
                "data.duplicate",
                source,
                Message::new(
                    words!(
                        "ID {0} уже есть в строке {1}{2}; строка не обработана",
                        "id {0} is already used on row {1}{2}; the row was not processed",
                    ),
                    [Arg::id(id), Arg::num(first_row), Arg::part(first_spelled)],
                ),
            );
        });
        meta.rows.push((table.file, counts));
        ids
    }

    pub(super) fn family_rows<'t>(
        &self,
        meta: &mut Batch,
        ids: &Ids<'_>,
        table: &'t Table,
        events: &mut Vec<(u32, Event)>,
    ) where
        's: 't,
    {
        // The members accepted so far (applicant, record), by applicant and member id
        // ignoring case; the id is read again from the record when hashes meet.
        let mut members: HashTable<(u32, u32)> = HashTable::with_capacity(table.records.len());
        let member = |r: u32| self.cells(table, r as usize).raw(Col::MemberId);
        let pick = |cells: &Cells<'t>| row_id(cells, Col::MemberId);
        // Member ids equal but for case are one id: on Windows and macOS
        // `consent-F1.pdf` and `consent-f1.pdf` are the same file.
        let accept = |ai: usize, r: usize, m: &'t str| {
            let (ai, r) = (ai as u32, r as u32);
            let hash = caseless_hash(ai + 1, m);
            let same = |&(a, f): &(u32, u32)| a == ai && Caseless(member(f)) == Caseless(m);
            let Some(&(_, first)) = members.find(hash, same) else {
                let rehash = |&(a, f): &(u32, u32)| caseless_hash(a + 1, member(f));
                members.insert_unique(hash, (ai, r), rehash);
                return Ok(());
            };
            let spelled = spelled_as(m, member(first), Names::Files);
            Err((
                "data.duplicate",
                Message::new(
                    words!(
                        "член семьи {0} уже указан у этого заявителя{1}; строка не обработана",
                        "member {0} is already listed for this applicant{1}; the row was not processed",
                    ),
                    [Arg::id(m), Arg::part(spelled)],
                ),
            ))
        };
        self.member_rows(meta, ids, table, events, pick, accept, Event::Member);
    }

    pub(super) fn expense_rows<'t>(
        &self,
        meta: &mut Batch,
        ids: &Ids<'_>,
        table: &'t Table,
        events: &mut Vec<(u32, Event)>,
    ) where
        's: 't,
    {
        // An empty member id means the applicant; any other must be a valid id, checked
        // as in family.csv.
        let pick = |cells: &Cells<'t>| {
            if cells.raw(Col::MemberId).is_empty() {
                Ok(())
            } else {
                row_id(cells, Col::MemberId).map(|_| ())
            }
        };
        let accept = |_, _, ()| Ok(());
        self.member_rows(meta, ids, table, events, pick, accept, Event::Expense);
    }

    /// The rows of family.csv or expenses.csv: each goes to its applicant as `event`,
    /// unless its owner is unknown (rejected) or its member id is refused by `pick` or
    /// `accept` (rejected, and the applicant told: their family or expenses are not
    /// complete).
    #[allow(clippy::too_many_arguments)]
    fn member_rows<'t, M: Send>(
        &self,
        meta: &mut Batch,
        ids: &Ids<'_>,
        table: &'t Table,
        events: &mut Vec<(u32, Event)>,
        pick: impl Fn(&Cells<'t>) -> Result<M, Refusal> + Sync,
        mut accept: impl FnMut(usize, usize, M) -> Result<(), Refusal>,
        event: fn(u32) -> Event,
    ) where
        's: 't,
    {
        begin(meta, table);
        let mut counts = RowCounts::default();
        // The owner is looked up here, in parallel: the index is only read.
        let pick = |cells: &Cells<'t>| {
            let (source, id) = owner_id(cells);
            let found = id.as_ref().ok().map(|id| ids.find(id));
            let owner = (source, id.map(|id| (id, found.flatten())));
            (owner, cells.source(Col::MemberId), pick(cells))
        };
        self.each_row(table, pick, |r, (owner, source, member)| {
            counts.read += 1;
            let Some(ai) = owner_of(meta, ids, owner, &mut counts) else {
                return;
            };
            match member.and_then(|m| accept(ai, r, m)) {
                Ok(()) => {
                    events.push((ai as u32, event(r as u32)));
                    counts.accepted += 1;
                }
                Err(refusal) => refuse_member_row(meta, events, ai, &mut counts, source, refusal),
            }
        });
        meta.rows.push((table.file, counts));
    }
}

/// Starts a file: how it was read, its header, and what reading it found.
fn begin(batch: &mut Batch, table: &Table) {
    batch.formats.push(crate::model::TableRead {
        file: table.file,
        sheet: table.columns.sheet().cloned(),
        how: table.format.clone(),
    });
    batch.warnings.extend(table.warnings.iter().cloned());
    batch.errors.extend(table.errors.iter().cloned());
    batch.columns.push((table.file, table.columns.clone()));
}

fn reject(
    batch: &mut Batch,
    counts: &mut RowCounts,
    rule: &'static str,
    source: Source,
    message: Message,
) {
    counts.rejected += 1;
    batch.errors.push(RowError {
        rule,
        source,
        message,
    });
}

/// The id in `col` of a row, or why the row cannot be used.
fn row_id<'a>(cells: &Cells<'a>, col: Col) -> Result<&'a str, Refusal> {
    let id = cells.raw(col);
    let h = Arg::plain(cells.header(col));
    if id.is_empty() {
        Err((
            "data.required",
            Message::new(
                words!(
                    "{0}: не заполнен — строка не может быть обработана",
                    "{0}: empty — the row cannot be processed",
                ),
                [h],
            ),
        ))
    } else if is_device_name(id) {
        Err((
            "data.format",
            Message::new(
                words!(
                    "{0}: «{1}» — зарезервированное имя устройства Windows (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9): ID называет папки и файлы, выберите другой; строка не обработана",
                    "{0}: «{1}» — a name Windows reserves for a device (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9): ids name folders and files, choose another; the row was not processed",
                ),
                [h, Arg::value(show(id))],
            ),
        ))
    } else if !is_valid_id(id) {
        Err((
            "data.format",
            Message::new(
                words!(
                    "{0}: «{1}» — допустимы только латинские буквы, цифры, _ и - (до 64 знаков); строка не обработана",
                    "{0}: «{1}» — only Latin letters, digits, _ and - are allowed (up to 64); the row was not processed",
                ),
                [h, Arg::value(show(id))],
            ),
        ))
    } else {
        Ok(id)
    }
}

/// What ids equal but for case name in common: the folder of an applicant, the files of
/// a family member.
#[derive(Clone, Copy)]
enum Names {
    Folder,
    Files,
}

/// For id `this`, equal but for case to `other`: nothing when the spellings are the
/// same, else a clause naming the spelling `other` and why it counts as the same id.
fn spelled_as(this: &str, other: &str, names: Names) -> Option<Message> {
    if this == other {
        return None;
    }
    let why = match names {
        Names::Folder => Arg::both("называют одну и ту же папку", "name the same folder"),
        Names::Files => Arg::both("дают одни и те же имена файлов", "give the same file names"),
    };
    Some(Message::new(
        words!(
            " как «{0}» (ID, различающиеся только регистром букв, {1} в Windows и macOS)",
            " as «{0}» (ids differing only in case {1} on Windows and macOS)",
        ),
        [Arg::id(other), why],
    ))
}

/// The applicant id of a family or expense row, checked, with the cell it is in.
fn owner_id<'a>(cells: &Cells<'a>) -> (Source, Result<&'a str, Refusal>) {
    (
        cells.source(Col::ApplicantId),
        row_id(cells, Col::ApplicantId),
    )
}

/// The applicant a family or expense row belongs to; an unknown one rejects the row.
/// `owner` is the row's applicant id with what the index found for it.
fn owner_of(
    batch: &mut Batch,
    ids: &Ids<'_>,
    (source, owner): (Source, Result<(&str, Option<usize>), Refusal>),
    counts: &mut RowCounts,
) -> Option<usize> {
    let (id, found) = match owner {
        Ok(owner) => owner,
        Err((rule, message)) => {
            reject(batch, counts, rule, source, message);
            return None;
        }
    };
    // The index ignores case; a row names its applicant exactly.
    match found {
        Some(i) if ids.accepted[i].1 == id => return Some(i),
        _ => {}
    }
    // An applicant spelled in another case is named: the likely mistake.
    let hint = found.map(|i| {
        Message::new(
            words!(
                " (есть «{0}»: ID пишется везде одинаково, с тем же регистром букв)",
                " (there is «{0}»: an id is spelled the same everywhere, in the same case)",
            ),
            [Arg::id(ids.accepted[i].1)],
        )
    });
    reject(
        batch,
        counts,
        "data.orphan",
        source,
        Message::new(
            words!(
                "нет заявителя «{0}» в applicants.csv{1}; строка не обработана",
                "no applicant «{0}» in applicants.csv{1}; the row was not processed",
            ),
            [Arg::id(id), Arg::part(hint)],
        ),
    );
    None
}

/// A family or expense row whose member id cannot be used: not processed, and its
/// applicant (number `ai`) told, since their family or expenses are not complete.
fn refuse_member_row(
    batch: &mut Batch,
    events: &mut Vec<(u32, Event)>,
    ai: usize,
    counts: &mut RowCounts,
    source: Source,
    (rule, message): Refusal,
) {
    let finding = Finding::new(rule, message.clone())
        .on(Col::MemberId)
        .at(Some(source.clone()));
    events.push((ai as u32, Event::Finding(Box::new(finding))));
    reject(batch, counts, rule, source, message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn caseless_ids_are_equal_and_hash_alike() {
        let hasher = rustc_hash::FxBuildHasher;
        for (a, b, equal) in [
            ("A001", "a001", true),
            ("F_1-x", "f_1-X", true),
            ("A001", "A002", false),
            ("a", "a_", false),
            ("Longer-than-8_A", "lONGER-THAN-8_a", true),
            ("abcdefgh", "abcdefghi", false),
        ] {
            assert_eq!(Caseless(a) == Caseless(b), equal, "{a} {b}");
            if equal {
                assert_eq!(hasher.hash_one(Caseless(a)), hasher.hash_one(Caseless(b)));
            }
        }
    }

    #[test]
    fn events_are_grouped_by_applicant_in_their_order() {
        let events = vec![
            (2, Event::Member(10)),
            (0, Event::Expense(11)),
            (2, Event::Expense(12)),
            (0, Event::Member(13)),
        ];
        let (grouped, starts) = group_by_applicant(events, 4);
        assert_eq!(starts, [0, 2, 2, 4, 4]);
        let records: Vec<u32> = grouped
            .iter()
            .map(|e| match e {
                Event::Member(r) | Event::Expense(r) => *r,
                Event::Finding(_) => u32::MAX,
            })
            .collect();
        assert_eq!(records, [11, 13, 10, 12]);
    }
}
