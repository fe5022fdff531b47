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

/// Someone carrying an IIN: ordered by the IIN (twelve digits, kept as their number),
/// then the applicant's index, where it is (file, row) and whether it is a member (the
/// member's id is its row's, read again when the applicant is typed). 24 bytes: a batch
/// of a million applicants has some two and a half million.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Carrier {
    pub iin: u64,
    pub applicant: u32,
    pub file: FileKind,
    pub row: u64,
    pub member: bool,
}

impl Carrier {
    /// The carrier of `iin` (twelve ASCII digits, or none).
    pub fn new(
        iin: &str,
        applicant: usize,
        file: FileKind,
        row: u64,
        member: bool,
    ) -> Option<Carrier> {
        if iin.len() != 12 || !iin.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Carrier {
            iin: iin.parse().ok()?,
            applicant: u32::try_from(applicant).ok()?,
            file,
            row,
            member,
        })
    }

    /// The IIN, twelve digits.
    pub fn iin(&self) -> String {
        format!("{:012}", self.iin)
    }
}

impl Prepared<'_> {
    /// Everyone carrying a well-formed IIN among the accepted applicants and their
    /// accepted family rows, in the order of the applicants.
    pub fn carriers(&self) -> Vec<Carrier> {
        self.each_carrier().collect()
    }

    /// [`Prepared::carriers`] whose IIN someone else of the batch carries too. The IINs
    /// are read twice, first alone (8 bytes each) to find those repeated, so that the
    /// carriers of the others (24 bytes each, most of the batch) are never all held:
    /// at a million applicants that is some 100 MB less at the peak of `validate`, for
    /// about 0.1 s.
    pub fn repeated_carriers(&self) -> Vec<Carrier> {
        let mut iins: Vec<u64> = self.each_carrier().map(|c| c.iin).collect();
        iins.par_sort_unstable();
        let mut repeated: Vec<u64> = iins
            .chunk_by(|x, y| x == y)
            .filter(|run| run.len() > 1)
            .map(|run| run[0])
            .collect();
        drop(iins);
        repeated.shrink_to_fit();
        self.each_carrier()
            .filter(|c| repeated.binary_search(&c.iin).is_ok())
            .collect()
    }

    fn each_carrier(&self) -> impl ParallelIterator<Item = Carrier> + '_ {
        (0..self.len()).into_par_iter().flat_map_iter(move |i| {
            let own = self.carrier(&self.applicants, self.accepted[i], i, false);
            let members = self.events[self.starts[i]..self.starts[i + 1]]
                .iter()
                .filter_map(move |e| match (e, &self.family) {
                    (Event::Member(r), Some(family)) => self.carrier(family, *r, i, true),
                    _ => None,
                });
            own.into_iter().chain(members)
        })
    }

    /// The carrier of record `r` of `table`, which applicant `i` brings.
    fn carrier(&self, table: &Table, r: u32, i: usize, member: bool) -> Option<Carrier> {
        let cells = self.rows.cells(table, r as usize);
        let iin = digit_string(cells.raw(Col::Iin), 12)?;
        Carrier::new(&iin, i, table.file, table.records[r as usize].row, member)
    }
}
