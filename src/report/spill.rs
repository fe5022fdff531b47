//! Where the finished entries of each window go ([`Keep`]): kept for a whole report (a
//! `Vec`), or written as they come by the report's writers, each a [`Watch`] (several at
//! once through a [`Tee`]), so that no command need hold every entry of a batch. What a
//! writer puts before its entries depends on all of them (report.json's summary, the
//! counts of findings.csv's rows that come after), so each window's part goes to a file
//! no one can name ([`Scratch`]: deleted when it closes, readable by the owner only) and
//! the output is written around it at the end: [`Spill`] for report.json, the others
//! beside their formats. With `--redact`, [`Redacting`] redacts each entry on its way.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::Path;

use super::{ApplicantReport, Report, write_applicants};
use crate::schema::DocumentSchema;

/// What is done with each window's finished entries, in batch order.
pub trait Keep {
    fn keep(&mut self, entries: Vec<ApplicantReport>) -> std::io::Result<()>;
}

/// What is written of each window's entries as they pass (a report's writer).
pub trait Watch {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()>;
}

/// Each window's entries shown to every watcher in turn, then handed to `then` (or
/// dropped).
pub struct Tee<'t> {
    pub watchers: Vec<&'t mut dyn Watch>,
    pub then: Option<&'t mut dyn Keep>,
}

impl Keep for Tee<'_> {
    fn keep(&mut self, entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        for w in &mut self.watchers {
            w.watch(&entries)?;
        }
        match &mut self.then {
            Some(keep) => keep.keep(entries),
            None => Ok(()),
        }
    }
}

/// An unnamed temporary file that a writer fills window by window and copies out at
/// the end, between what comes before and after.
pub struct Scratch {
    file: BufWriter<File>,
}

impl Scratch {
    /// A scratch file in `dir` (on the same disk as the output, which may be large), or
    /// in the system's temporary folder.
    pub fn new(dir: Option<&Path>) -> std::io::Result<Scratch> {
        let file = match dir {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        Ok(Scratch {
            file: BufWriter::with_capacity(1 << 20, file),
        })
    }

    /// Where the parts are written.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.file
    }

    /// Copies everything written to `w`.
    pub fn copy_to(self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        std::io::copy(&mut file, w)?;
        Ok(())
    }
}

/// Kept for the report.
impl Keep for Vec<ApplicantReport> {
    fn keep(&mut self, mut entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        self.append(&mut entries);
        Ok(())
    }
}

/// Entries written as report.json has them, into an unnamed temporary file.
pub struct Spill {
    scratch: Scratch,
    written: usize,
}

impl Spill {
    /// A spill in `dir`, or in the system's temporary folder ([`Scratch::new`]).
    pub fn new(dir: Option<&Path>) -> std::io::Result<Spill> {
        Ok(Spill {
            scratch: Scratch::new(dir)?,
            written: 0,
        })
    }

    /// Writes report.json to `w`: `report`'s head (its applicants left out, the
    /// summary counting those spilled), the spilled entries, its tail.
    pub fn finish(self, report: &Report, w: &mut (dyn Write + Send)) -> std::io::Result<()> {
        report.write_json_head(w)?;
        self.scratch.copy_to(w)?;
        report.write_json_tail(w)
    }
}

impl Watch for Spill {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()> {
        write_applicants(self.scratch.writer(), entries, self.written)?;
        self.written += entries.len();
        Ok(())
    }
}

impl Keep for Spill {
    fn keep(&mut self, entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        self.watch(&entries)
    }
}

/// Entries redacted one by one (`--redact`) before they go on to `inner`; the ids seen
/// are kept for the rows not processed and the batch's warnings
/// ([`Report::redact_rows`]).
pub struct Redacting<'k> {
    inner: &'k mut dyn Keep,
    docs: &'k DocumentSchema,
    pub ids: HashSet<String>,
}

impl<'k> Redacting<'k> {
    pub fn new(inner: &'k mut dyn Keep, docs: &'k DocumentSchema) -> Redacting<'k> {
        Redacting {
            inner,
            docs,
            ids: HashSet::new(),
        }
    }
}

impl Keep for Redacting<'_> {
    fn keep(&mut self, mut entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        use rayon::prelude::*;
        self.ids
            .extend(entries.iter().map(|a| a.applicant_id.clone()));
        let docs = self.docs;
        entries.par_iter_mut().for_each(|a| a.redact(docs));
        self.inner.keep(entries)
    }
}
