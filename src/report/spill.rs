//! Where the finished entries of each window go. Every command keeps them for its report
//! ([`Keep`] for a `Vec`), but `validate --format json` need not: report.json's summary
//! comes before its applicants, so [`Spill`] writes each window's entries, serialised
//! as report.json has them, to a file no one can name (deleted when it closes, readable
//! by the owner only), and the report is written around it at the end. A million
//! applicants then never stand in memory as entries. With `--redact`, [`Redacting`]
//! redacts each entry on its way.

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

/// Kept for the report.
impl Keep for Vec<ApplicantReport> {
    fn keep(&mut self, mut entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        self.append(&mut entries);
        Ok(())
    }
}

/// Entries written as report.json has them, into an unnamed temporary file.
pub struct Spill {
    file: BufWriter<File>,
    written: usize,
}

impl Spill {
    /// A spill in `dir` (on the same disk as the report, which may be large), or in
    /// the system's temporary folder.
    pub fn new(dir: Option<&Path>) -> std::io::Result<Spill> {
        let file = match dir {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        Ok(Spill {
            file: BufWriter::with_capacity(1 << 20, file),
            written: 0,
        })
    }

    /// Writes report.json to `w`: `report`'s head (its applicants left out, the
    /// summary counting those spilled), the spilled entries, its tail.
    pub fn finish(self, report: &Report, w: &mut (dyn Write + Send)) -> std::io::Result<()> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        report.write_json_head(w)?;
        std::io::copy(&mut file, w)?;
        report.write_json_tail(w)
    }
}

impl Keep for Spill {
    fn keep(&mut self, entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        write_applicants(&mut self.file, &entries, self.written)?;
        self.written += entries.len();
        Ok(())
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
