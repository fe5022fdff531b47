//! Where each finding lands on the caseworker's rows: an index of the marks on each row
//! of each table, gathered window by window as the report's entries are finished
//! ([`Gather`], a report writer like the others, which then lets the entries go) and
//! kept on disk but for its keys, so that the rows can be streamed past it and each
//! cell looks its marks up.
//!
//! - A finding whose source names a cell marks that cell; one naming only a row marks
//!   the row's status cell; one naming no row (a scan in `documents/`, a missing
//!   document) marks the status cell of its applicant's row in the applicants table.
//! - A row error (a row that belongs to no applicant) marks its row's status cell, and
//!   the row's status reads "not processed"; a batch warning on a row or cell marks it
//!   as a warning.
//! - As rows are written, the index learns where each marked row went, so the Findings
//!   and Summary sheets can link to the very cell.
//!
//! Each mark's severity and message (in the report's language) go to a scratch file in
//! the output's folder; memory keeps 24 bytes a mark (its row, column and place in the
//! file) and, for each applicant id, its status and where its unplaced marks are. The
//! Findings sheet's rows are spilled the same way ([`Listed`]), and each mission's
//! counts are added up as the entries pass (`Mission`).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::columns::FileKind;
use crate::findings::{Lang, RowError, Severity, Source};
use crate::report::spill::Watch;
use crate::report::{ApplicantReport, Status};

/// One finding (or row error) on a cell or a status cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub severity: Severity,
    pub text: String,
}

/// The marks on one row of a table.
#[derive(Debug, Default)]
pub struct RowMarks {
    /// Marks on cells: the source's 1-based column and the mark.
    pub cells: Vec<(u32, Mark)>,
    /// Marks on the row itself, shown on its status cell.
    pub row: Vec<Mark>,
    /// Whether a row error says the row was not processed.
    pub refused: bool,
}

/// Where a source points: its table, its row, and its 1-based column if any.
pub fn place(source: &Source) -> Option<(FileKind, u64, Option<u32>)> {
    match source {
        Source::Cell { file, row, column } => Some((*file, *row, Some(*column))),
        Source::Row { file, row } => Some((*file, *row, None)),
        Source::Sheet {
            file, row, column, ..
        } => Some((*file, *row, *column)),
        Source::Path(_) => None,
    }
}

/// A table's row as one number: the table in the top byte.
fn key(file: FileKind, row: u64) -> u64 {
    let table = FileKind::ALL.iter().position(|f| *f == file).unwrap_or(0) as u64;
    (table << 56) | (row & ((1 << 56) - 1))
}

/// A mark placed on a row: its row's key, its column (0: the row's status cell) and
/// where it is in the spill (the top bit: a row error saying the row was refused).
#[derive(Debug, Clone, Copy)]
struct Placed {
    key: u64,
    col: u32,
    at: u64,
}

const REFUSED: u64 = 1 << 63;

/// An applicant id's status (its first applicant's) and its unplaced marks.
#[derive(Debug)]
struct Applicant {
    status: Status,
    unplaced: Vec<u64>,
    /// The applicants sheet's row it was written to (its first row), once written.
    row: Option<u32>,
}

/// A mission's line of the Summary sheet: its name, next booking day, whether that day
/// rests on a verified schedule, its applicants and how many are ready.
pub struct Mission {
    pub name: String,
    pub next: Option<jiff::civil::Date>,
    pub verified: Option<bool>,
    pub applicants: usize,
    pub ready: usize,
}

/// A row of the Findings sheet, read back from its spill.
pub struct Listed {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub rule: String,
    pub severity: Severity,
    pub member: Option<String>,
    pub message: String,
    pub source: String,
    /// Where the finding points: its row's key and 1-based column, or `None` for its
    /// applicant's status cell.
    target: Option<(u64, Option<u32>)>,
}

/// The marks of a report, gathered from its entries as they come.
pub struct Gather {
    lang: Lang,
    spill: Spill,
    listing: Spill,
    listed: u64,
    placed: Vec<Placed>,
    ids: HashMap<Box<str>, Applicant>,
    missions: BTreeMap<String, Mission>,
}

/// A scratch file written in order, with the offset of the next record.
struct Spill {
    file: BufWriter<File>,
    at: u64,
}

impl Spill {
    fn new(dir: &Path) -> std::io::Result<Spill> {
        Ok(Spill {
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?),
            at: 0,
        })
    }

    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.file.write_all(b)?;
        self.at += b.len() as u64;
        Ok(())
    }

    fn str(&mut self, s: &str) -> std::io::Result<()> {
        self.bytes(&(s.len() as u32).to_le_bytes())?;
        self.bytes(s.as_bytes())
    }

    fn done(self) -> std::io::Result<File> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(file)
    }
}

fn read_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_str(r: &mut impl Read) -> std::io::Result<String> {
    let mut s = vec![0; read_u32(r)? as usize];
    r.read_exact(&mut s)?;
    String::from_utf8(s).map_err(std::io::Error::other)
}

const SEVERITIES: [Severity; 4] = [
    Severity::Warning,
    Severity::Missing,
    Severity::Error,
    Severity::Refusal,
];
const STATUSES: [Status; 4] = [
    Status::Ready,
    Status::Incomplete,
    Status::Invalid,
    Status::Refused,
];

fn code<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).unwrap_or(0) as u8
}

fn decode<T: Copy>(all: &[T], c: u8) -> std::io::Result<T> {
    all.get(usize::from(c))
        .copied()
        .ok_or_else(|| std::io::Error::other("a scratch file of findings.xlsx is corrupt"))
}

impl Gather {
    /// Marks spilled to scratch files in `dir`, their messages in `lang`.
    pub fn new(dir: &Path, lang: Lang) -> std::io::Result<Gather> {
        Ok(Gather {
            lang,
            spill: Spill::new(dir)?,
            listing: Spill::new(dir)?,
            listed: 0,
            placed: Vec::new(),
            ids: HashMap::new(),
            missions: BTreeMap::new(),
        })
    }

    /// Spills one mark; where it is.
    fn mark(&mut self, severity: Severity, text: &str) -> std::io::Result<u64> {
        let at = self.spill.at;
        self.spill.bytes(&[code(&SEVERITIES, &severity)])?;
        self.spill.str(text)?;
        Ok(at)
    }

    /// The marks of a row error (`severity` Error: a row not processed).
    fn row_error(&mut self, e: &RowError, severity: Severity) -> std::io::Result<()> {
        let Some((file, row, column)) = place(&e.source) else {
            return Ok(());
        };
        let at = self.mark(severity, &e.message.get(self.lang))?;
        let refused = if severity == Severity::Error {
            REFUSED
        } else {
            0
        };
        self.placed.push(Placed {
            key: key(file, row),
            col: column.unwrap_or(0),
            at: at | refused,
        });
        Ok(())
    }

    /// The index, once every entry has passed, with the report's row `errors` and
    /// `warnings`.
    pub fn finish(mut self, errors: &[RowError], warnings: &[RowError]) -> std::io::Result<Marks> {
        for e in errors {
            self.row_error(e, Severity::Error)?;
        }
        for w in warnings {
            self.row_error(w, Severity::Warning)?;
        }
        // Stable: a row's marks stay in the report's order.
        self.placed.sort_by_key(|p| p.key);
        let mut missions: Vec<Mission> = self.missions.into_values().collect();
        // By booking day, the unknown last.
        missions.sort_by(|a, b| {
            (a.next.is_none(), a.next, &a.name).cmp(&(b.next.is_none(), b.next, &b.name))
        });
        Ok(Marks {
            spill: self.spill.done()?,
            listing: self.listing.done()?,
            listed: self.listed,
            placed: self.placed,
            written: HashMap::new(),
            ids: self.ids,
            missions,
        })
    }
}

impl Watch for Gather {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()> {
        for a in entries {
            if let Some(c) = a.consulate.as_deref() {
                let lang = self.lang;
                let m = self
                    .missions
                    .entry(c.id.clone())
                    .or_insert_with(|| Mission {
                        name: c.name.get(lang).to_string(),
                        next: c.next_booking,
                        verified: c.booking_verified,
                        applicants: 0,
                        ready: 0,
                    });
                m.applicants += 1;
                m.ready += usize::from(a.status == Status::Ready);
            }
            // The first applicant of an id: a repeated id is a row error of its own.
            if !self.ids.contains_key(a.applicant_id.as_str()) {
                let first = Applicant {
                    status: a.status,
                    unplaced: Vec::new(),
                    row: None,
                };
                self.ids.insert(a.applicant_id.as_str().into(), first);
            }
            for f in &a.findings {
                let text = f.message.get(self.lang);
                let at = self.mark(f.severity, &text)?;
                let target = f.source.as_ref().and_then(place);
                match target {
                    Some((file, row, column)) => self.placed.push(Placed {
                        key: key(file, row),
                        col: column.unwrap_or(0),
                        at,
                    }),
                    None => {
                        if let Some(id) = self.ids.get_mut(a.applicant_id.as_str()) {
                            id.unplaced.push(at);
                        }
                    }
                }
                // The Findings sheet's row.
                let l = &mut self.listing;
                l.str(&a.applicant_id)?;
                l.str(&a.name)?;
                l.bytes(&[code(&STATUSES, &a.status), code(&SEVERITIES, &f.severity)])?;
                l.str(f.rule)?;
                match &f.member_id {
                    Some(m) => {
                        l.bytes(&[1])?;
                        l.str(m)?;
                    }
                    None => l.bytes(&[0])?,
                }
                l.str(&text)?;
                l.str(
                    &f.source
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )?;
                match target {
                    Some((file, row, column)) => {
                        l.bytes(&[1])?;
                        l.bytes(&key(file, row).to_le_bytes())?;
                        l.bytes(&column.map_or(0, |c| c.saturating_add(1)).to_le_bytes())?;
                    }
                    None => l.bytes(&[0])?,
                }
                self.listed += 1;
            }
        }
        Ok(())
    }
}

/// The marks of a whole report, read as the rows are written.
pub struct Marks {
    spill: File,
    listing: File,
    listed: u64,
    placed: Vec<Placed>,
    /// Where each marked row was written (0-based row of its sheet).
    written: HashMap<u64, u32>,
    ids: HashMap<Box<str>, Applicant>,
    missions: Vec<Mission>,
}

impl Marks {
    /// The mark spilled at `at`.
    fn read(&self, at: u64) -> std::io::Result<Mark> {
        let at = at & !REFUSED;
        let mut head = [0u8; 5];
        self.spill.read_exact_at(&mut head, at)?;
        let mut text = vec![0; u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize];
        self.spill.read_exact_at(&mut text, at + 5)?;
        Ok(Mark {
            severity: decode(&SEVERITIES, head[0])?,
            text: String::from_utf8(text).map_err(std::io::Error::other)?,
        })
    }

    fn on(&self, k: u64) -> &[Placed] {
        let from = self.placed.partition_point(|p| p.key < k);
        let to = self.placed.partition_point(|p| p.key <= k);
        &self.placed[from..to]
    }

    /// The marks on line (or sheet row) `row` of table `file`.
    pub fn row(&self, file: FileKind, row: u64) -> std::io::Result<Option<RowMarks>> {
        let on = self.on(key(file, row));
        if on.is_empty() {
            return Ok(None);
        }
        let mut marks = RowMarks::default();
        for p in on {
            let mark = self.read(p.at)?;
            if p.at & REFUSED != 0 {
                // A row that was not processed: said on its status cell, whatever cell
                // the error names (the cell gets the mark too).
                marks.refused = true;
            }
            match p.col {
                0 => marks.row.push(mark),
                c => marks.cells.push((c, mark)),
            }
        }
        Ok(Some(marks))
    }

    /// Notes that line `row` of `file` was written to sheet row `to` (0-based).
    pub fn written(&mut self, file: FileKind, row: u64, to: u32) {
        let k = key(file, row);
        if !self.on(k).is_empty() {
            self.written.insert(k, to);
        }
    }

    /// The status of the applicant of id `id` (as the report spells it).
    pub fn status(&self, id: &str) -> Option<Status> {
        self.ids.get(id).map(|a| a.status)
    }

    /// The findings of applicant `id` that name no row.
    pub fn unplaced(&self, id: &str) -> std::io::Result<Vec<Mark>> {
        let Some(a) = self.ids.get(id) else {
            return Ok(Vec::new());
        };
        a.unplaced.iter().map(|at| self.read(*at)).collect()
    }

    /// Notes that applicant `id`'s row went to row `to` of the applicants sheet (the
    /// first row of an id only, and only when it has unplaced findings).
    pub fn applicant_written(&mut self, id: &str, to: u32) {
        if let Some(a) = self.ids.get_mut(id).filter(|a| !a.unplaced.is_empty()) {
            a.row.get_or_insert(to);
        }
    }

    /// Where line `row` of `file` was written, if it was (and is marked).
    pub fn written_at(&self, file: FileKind, row: u64) -> Option<u32> {
        self.written.get(&key(file, row)).copied()
    }

    /// Where a Findings row's finding was written: its sheet row and 1-based column
    /// (`None`: the status cell), with its table; for one naming no row, its
    /// applicant's row of the applicants sheet.
    pub fn target(&self, l: &Listed) -> Option<(FileKind, u32, Option<u32>)> {
        match l.target {
            Some((k, column)) => {
                let file = *FileKind::ALL.get((k >> 56) as usize)?;
                Some((file, *self.written.get(&k)?, column))
            }
            None => {
                let row = self.ids.get(l.id.as_str())?.row?;
                Some((FileKind::Applicants, row, None))
            }
        }
    }

    /// The missions of the report, by booking day (the unknown last).
    pub fn missions(&self) -> &[Mission] {
        &self.missions
    }

    /// The Findings sheet's rows, in the report's order.
    pub fn listing(&self) -> std::io::Result<impl Iterator<Item = std::io::Result<Listed>> + '_> {
        let mut r = BufReader::with_capacity(1 << 16, self.listing.try_clone()?);
        r.rewind()?;
        Ok((0..self.listed).map(move |_| read_listed(&mut r)))
    }
}

fn read_listed(r: &mut impl BufRead) -> std::io::Result<Listed> {
    let id = read_str(r)?;
    let name = read_str(r)?;
    let mut codes = [0u8; 2];
    r.read_exact(&mut codes)?;
    let rule = read_str(r)?;
    let mut flag = [0u8];
    r.read_exact(&mut flag)?;
    let member = if flag[0] == 1 {
        Some(read_str(r)?)
    } else {
        None
    };
    let message = read_str(r)?;
    let source = read_str(r)?;
    r.read_exact(&mut flag)?;
    let target = if flag[0] == 1 {
        let mut k = [0u8; 8];
        r.read_exact(&mut k)?;
        let column = read_u32(r)?;
        Some((u64::from_le_bytes(k), column.checked_sub(1)))
    } else {
        None
    };
    Ok(Listed {
        id,
        name,
        status: decode(&STATUSES, codes[0])?,
        rule,
        severity: decode(&SEVERITIES, codes[1])?,
        member,
        message,
        source,
        target,
    })
}

/// The text of a note listing `marks`: the message alone for one, each with its
/// severity for several.
pub fn note_text(marks: &[Mark], lang: Lang) -> String {
    match marks {
        [one] => one.text.clone(),
        _ => marks
            .iter()
            .map(|m| format!("• {}: {}", m.severity.label(lang), m.text))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mark_is_its_message_and_several_are_listed() {
        let a = Mark {
            severity: Severity::Error,
            text: "wrong IIN".into(),
        };
        let b = Mark {
            severity: Severity::Warning,
            text: "check the date".into(),
        };
        assert_eq!(note_text(std::slice::from_ref(&a), Lang::En), "wrong IIN");
        assert_eq!(
            note_text(&[a, b], Lang::En),
            "• error: wrong IIN\n• warning: check the date"
        );
    }

    #[test]
    fn keys_keep_tables_apart() {
        assert_ne!(key(FileKind::Applicants, 7), key(FileKind::Family, 7));
        assert!(key(FileKind::Family, u64::from(u32::MAX)) < key(FileKind::Expenses, 0));
    }
}
