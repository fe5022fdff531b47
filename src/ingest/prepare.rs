//! Rows to applicants: which records of applicants.csv are accepted applicants, which
//! rows of family.csv and expenses.csv belong to each, and every refused row with its
//! reason, in file order. Decided from the ids alone, before anything is typed; the
//! applicants are then typed one by one ([`Prepared::applicant`]), by the windows of
//! `pipeline`, in parallel, so a large batch is never held typed as a whole.
//!
//! This file owns the prepared batch ([`Prepared`]) and [`prepare`], which reads the
//! three files and has their rows sorted out; sorting the rows out by id is in `owners`,
//! typing an applicant from its rows in `typing`.

mod iins;
mod owners;
mod typing;

use super::rows::Cells;
use super::table::Table;
use super::{Limits, Read, optional, read_table};
use crate::columns::{Col, FileKind};
use crate::error::Error;
use crate::findings::{Finding, Message, RowError, Source};
use crate::model::Batch;
use crate::schema::Schemas;
use crate::source;
pub use iins::Carrier;
use owners::group_by_applicant;

/// What a row other than its own adds to an applicant.
#[derive(Debug)]
enum Event {
    /// A finding: its id repeated, a row of its family or expenses refused.
    Finding(Box<Finding>),
    /// An accepted row of family.csv, by record.
    Member(u32),
    /// An accepted row of expenses.csv, by record.
    Expense(u32),
}

/// A batch whose rows are sorted out, ready to be typed applicant by applicant.
pub struct Prepared<'s> {
    /// Typing the rows: the schemas and the cell limit.
    rows: Rows<'s>,
    applicants: Table,
    family: Option<Table>,
    expenses: Option<Table>,
    /// The accepted applicants in file order, by record of `applicants`.
    accepted: Vec<u32>,
    /// What other rows add to each accepted applicant, in the order they add it; those
    /// of applicant `i` are `events[starts[i]..starts[i + 1]]`.
    events: Vec<Event>,
    starts: Vec<usize>,
    /// The batch without its applicants: row counts, errors, warnings, formats, columns.
    meta: Batch,
}

/// Reads the batch of `source` and sorts its rows out. Fails (exit 2) only when the
/// batch cannot be processed at all (including a file, a row count or a header past
/// `limits`).
pub fn prepare<'s>(
    source: &dyn source::Source,
    schemas: &'s Schemas,
    limits: &Limits,
) -> Result<Prepared<'s>, Error> {
    let mut meta = Batch::default();
    // The three files are read and split at once, then used in order: an error in
    // applicants.csv is reported before one in family.csv.
    let read = |file| read_table(source, file, schemas, limits);
    let ((applicants, family), expenses) = rayon::join(
        || rayon::join(|| read(FileKind::Applicants), || read(FileKind::Family)),
        || read(FileKind::Expenses),
    );
    let applicants = match applicants? {
        Read::Table(t) => t,
        Read::Absent | Read::Empty(_) => {
            return Err(Error::input(
                "applicants.csv",
                format!(
                    "not found in {}: every batch needs one (`resettle init DIR` writes a blank batch)",
                    source.name()
                ),
            ));
        }
    };
    // An event for each row of family.csv and expenses.csv at most, but for the few
    // findings on repeated ids: room made once.
    let rows = |read: &Result<Read, Error>| match read {
        Ok(Read::Table(t)) => t.records.len(),
        _ => 0,
    };
    let mut events = Vec::with_capacity(rows(&family) + rows(&expenses));
    // Sorting rows out reads ids only, which the cell limit leaves alone (their own
    // limit is 64 characters): values too long are reported when the rows are typed.
    let cx = Rows {
        schemas,
        max_cell: usize::MAX,
    };
    let ids = cx.applicant_rows(&mut meta, &applicants, &mut events);
    let family = optional(&mut meta, FileKind::Family, family)?;
    if let Some(family) = &family {
        cx.family_rows(&mut meta, &ids, family, &mut events);
    }
    let expenses = optional(&mut meta, FileKind::Expenses, expenses)?;
    if let Some(expenses) = &expenses {
        cx.expense_rows(&mut meta, &ids, expenses, &mut events);
    }
    if ids.accepted.is_empty() {
        meta.errors.push(RowError {
            rule: "data.required",
            source: Source::in_table(FileKind::Applicants, applicants.columns.sheet(), 1, None),
            message: Message::new(
                crate::findings::words!(
                    "в applicants.csv нет ни одного заявителя",
                    "applicants.csv holds no applicant",
                ),
                [],
            ),
        });
    }
    let accepted: Vec<u32> = ids.accepted.iter().map(|&(r, _)| r).collect();
    // Each applicant's events together, in the order they came.
    let (events, starts) = group_by_applicant(events, accepted.len());
    Ok(Prepared {
        rows: Rows {
            schemas,
            max_cell: limits.max_cell,
        },
        applicants,
        family,
        expenses,
        accepted,
        events,
        starts,
        meta,
    })
}

/// What the row passes need of the run.
struct Rows<'s> {
    schemas: &'s Schemas,
    max_cell: usize,
}

impl<'s> Rows<'s> {
    /// The cells of record `r` of `table`.
    fn cells<'t>(&self, table: &'t Table, r: usize) -> Cells<'t>
    where
        's: 't,
    {
        let rec = &table.records[r];
        Cells::with_max_cell(
            table.file,
            rec.row,
            table.fields(rec),
            &table.columns,
            &self.schemas.fields,
            self.max_cell,
        )
        .with_notes(table.notes(r))
    }
}

impl<'s> Prepared<'s> {
    /// The number of accepted applicants.
    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }

    /// The batch without its applicants: row counts, errors, warnings, formats and
    /// columns (to point findings at their cells).
    pub fn meta(&self) -> &Batch {
        &self.meta
    }

    /// [`Prepared::meta`], to add what is found of the batch as a whole (the warnings
    /// of its `documents/` folder).
    pub fn meta_mut(&mut self) -> &mut Batch {
        &mut self.meta
    }

    pub fn into_meta(self) -> Batch {
        self.meta
    }

    /// The ids of the accepted applicants, in their order, as applicants.csv spells them.
    pub fn ids(&self) -> Vec<&str> {
        (0..self.len()).map(|i| self.id(i)).collect()
    }

    /// The id of accepted applicant `i`, as applicants.csv spells it.
    pub fn id(&self, i: usize) -> &str {
        // Ids have their own limit (64 characters), not the cell limit: read as when
        // the rows were sorted out.
        let cx = Rows {
            schemas: self.rows.schemas,
            max_cell: usize::MAX,
        };
        cx.cells(&self.applicants, self.accepted[i] as usize)
            .raw(Col::ApplicantId)
    }

    /// The schemas the batch is read with.
    pub fn schemas(&self) -> &'s Schemas {
        self.rows.schemas
    }
}
