//! The IINs of a batch, read at sort-out time: everyone an accepted applicant brings (the
//! applicant and each accepted member row) with a well-formed IIN, as [`Carrier`]s. Read
//! from the cells as typing reads them (trimmed, within the cell limit, spaces and
//! hyphens dropped), so the check for IINs repeated across the batch
//! (`datacheck::repeated_iins`) is decided once, before any window is typed, and each
//! applicant's entry is final when its window is.

use rayon::prelude::*;

use super::{Event, Prepared};
use crate::columns::{Col, FileKind};
use crate::ingest::table::Table;
use crate::values::digit_string;

/// Someone carrying an IIN: ordered by the IIN (twelve digits: as bytes, in the order of
/// their number), then the applicant's index, where it is (file, row) and the member
/// (`None`: the applicant).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Carrier {
    pub iin: [u8; 12],
    pub applicant: usize,
    pub file: FileKind,
    pub row: u64,
    pub member: Option<Box<str>>,
}

impl Prepared<'_> {
    /// Everyone carrying a well-formed IIN among the accepted applicants and their
    /// accepted family rows, in the order of the applicants.
    pub fn carriers(&self) -> Vec<Carrier> {
        (0..self.len())
            .into_par_iter()
            .flat_map_iter(|i| {
                let own = self.carrier(&self.applicants, self.accepted[i], i, false);
                let members = self.events[self.starts[i]..self.starts[i + 1]]
                    .iter()
                    .filter_map(move |e| match (e, &self.family) {
                        (Event::Member(r), Some(family)) => self.carrier(family, *r, i, true),
                        _ => None,
                    });
                own.into_iter().chain(members)
            })
            .collect()
    }

    /// The carrier of record `r` of `table`, which applicant `i` brings.
    fn carrier(&self, table: &Table, r: u32, i: usize, member: bool) -> Option<Carrier> {
        let cells = self.rows.cells(table, r as usize);
        let iin = digit_string(cells.raw(Col::Iin), 12)?;
        Some(Carrier {
            iin: iin.as_bytes().try_into().ok()?,
            applicant: i,
            file: table.file,
            row: table.records[r as usize].row,
            member: member.then(|| Box::from(cells.raw(Col::MemberId))),
        })
    }
}
