//! What the batch commands share: the options every one of them takes (`Common`, with
//! the read limits of `LimitArgs`), the batch and output folder of those that write
//! (`BatchOut`), the parsers of their values (dates, sizes, counts), what they set up
//! before reading a batch (`Setup`: schemas, the as-of date, the language, the limits,
//! the thread pool), and the exit status a report ends with.

use std::num::NonZeroUsize;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use crate::error::Error;
use crate::findings::Lang;
use crate::report::Report;
use crate::schema::Schemas;
use crate::source::{Folder, Source, Workbook};

/// A batch to read, the folder to write into, and the NGO the documents are for.
#[derive(Debug, Args)]
pub struct BatchOut {
    /// The batch: a folder holding applicants.csv (or a workbook), or a workbook
    /// (.xlsx, .xlsm, .xls, .ods) with documents/ beside it.
    pub batch: PathBuf,
    /// Output folder; created if needed (readable by its owner only).
    #[arg(long, short, value_name = "OUT")]
    pub out: PathBuf,
    /// The NGO's name, printed in the forms' footer and stored as the PDFs' author
    /// (none when not given).
    #[arg(long, value_name = "NAME", env = "RESETTLE_ORG", default_value = "")]
    pub org: String,
    /// How families reach the NGO (a phone, an address: free text), printed under its
    /// name on the letters to families and in the texts of messages.csv.
    #[arg(
        long,
        value_name = "TEXT",
        env = "RESETTLE_CONTACT",
        default_value = ""
    )]
    pub contact: String,
}

impl BatchOut {
    /// OUT must lie apart from the batch: neither the batch folder itself (the outputs
    /// would mix with the caseworker's files) nor inside its `documents/` (the tool's
    /// own forms would be read back as scans on the next run). Checked before anything
    /// is read or written.
    pub(super) fn check_apart(&self) -> Result<(), Error> {
        let Ok(mut batch) = std::fs::canonicalize(&self.batch) else {
            return Ok(()); // a missing batch is reported by the reader, with its name
        };
        // A workbook's batch folder is the one holding it, with documents/ beside it.
        if batch.is_file()
            && let Some(dir) = batch.parent()
        {
            batch = dir.to_path_buf();
        }
        let out = resolved(&self.out);
        let shown = self.out.display();
        if out == batch {
            let folder = match self.batch.parent() {
                Some(p) if self.batch.is_file() && !p.as_os_str().is_empty() => p,
                _ if self.batch.is_file() => Path::new("."),
                _ => self.batch.as_path(),
            };
            return Err(Error::Usage(format!(
                "--out {shown} is the batch folder itself: choose a folder of its own for the \
                 outputs (for example {}/out)",
                folder.display()
            )));
        }
        let documents = crate::ingest::find_entry(&batch, "documents")
            .and_then(|d| std::fs::canonicalize(d).ok());
        if documents.is_some_and(|d| out.starts_with(d)) {
            return Err(Error::Usage(format!(
                "--out {shown} is inside the batch's documents/ folder, where the next run \
                 would read the forms it writes as scans: choose a folder outside documents/"
            )));
        }
        Ok(())
    }
}

/// `path` made absolute with its links resolved as far as it exists (the rest, not yet
/// created, appended as written; `..` in it taken lexically).
pub(super) fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    let mut out = loop {
        if let Ok(real) = std::fs::canonicalize(base) {
            break real;
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => break base.to_path_buf(),
        }
    };
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            c => clean.push(c),
        }
    }
    clean
}

/// Options every batch command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The date every date rule is judged on ("today"), YYYY-MM-DD or DD.MM.YYYY.
    /// Defaults to today; fix it to make a run reproducible.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Read schemas (fields.toml, documents.toml, …) from DIR instead of the built-in
    /// copies; a file missing from DIR falls back to the built-in one.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Number of worker threads [default: all cores; at most 4 per core].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Language of messages on the console, in report.html, findings.csv and findings.xlsx
    /// [default: ru in a Russian locale, else en].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Leave personal data out of the report (report.json, report.html, findings.csv,
    /// findings.xlsx, the console) so that it can be shared: applicants shown by id and
    /// initials («К. А. В.»), no cell value quoted in messages (names, addresses, phones,
    /// e-mails, wrong values), personal numbers (IIN, ID document, bank account, SNILS,
    /// INN) never shown, scan file names only when they are document codes; in
    /// findings.xlsx's rows names become initials, personal numbers keep their last four
    /// characters, addresses, phones and e-mails are hidden. The PDFs of `run` are forms
    /// to sign and keep their data.
    #[arg(long)]
    pub redact: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits on what is read, so that a wrong file cannot exhaust memory. The defaults admit
/// a generated batch of 2,000,000 applicants (a 1,000,000-applicant applicants.csv is
/// about 460 MB) and anything Excel can save.
#[derive(Debug, Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Largest batch file (applicants.csv, family.csv, expenses.csv, or a workbook)
    /// read, checked before reading it: SIZE as bytes or with a unit (KiB, MiB, GiB; KB, MB, GB). A larger
    /// file stops the run (exit 2).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Longest value of one cell: a longer one is an error on its cell (file:row:column)
    /// and is not used; the applicant is invalid until it is corrected.
    #[arg(long, value_name = "SIZE", default_value = "10KiB", value_parser = parse_cell)]
    pub max_cell: usize,
    /// Most data rows in one file (header and blank lines not counted). More stop the
    /// run (exit 2), naming the first row past the limit.
    #[arg(long, value_name = "N", default_value = "5000000", value_parser = crate::ingest::limits::parse_count)]
    pub max_rows: u64,
    /// Most columns in a header row, up to its last non-empty cell (an Excel sheet has
    /// 16,384). More stop the run (exit 2), naming the first column past the limit.
    #[arg(long, value_name = "N", default_value = "16384", value_parser = parse_columns)]
    pub max_columns: usize,
}

impl LimitArgs {
    pub fn limits(&self) -> crate::ingest::Limits {
        crate::ingest::Limits {
            max_file_size: self.max_file_size,
            max_cell: self.max_cell,
            max_rows: self.max_rows,
            max_columns: self.max_columns,
        }
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    crate::ingest::limits::parse_size(s)
}

fn parse_cell(s: &str) -> Result<usize, String> {
    let n = crate::ingest::limits::parse_size(s)?;
    usize::try_from(n).map_err(|_| format!("{s:?} is too large"))
}

fn parse_columns(s: &str) -> Result<usize, String> {
    let n = crate::ingest::limits::parse_count(s)?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n < u32::MAX as usize)
        .ok_or_else(|| format!("{s:?} is too large"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    crate::values::date(s)
        .ok_or_else(|| format!("{s:?} is not a date: use YYYY-MM-DD or DD.MM.YYYY"))
}

/// Everything a batch command needs before reading the batch.
pub(super) struct Setup {
    pub(super) schemas: Schemas,
    pub(super) as_of: Date,
    pub(super) lang: Lang,
    pub(super) limits: crate::ingest::Limits,
}

/// The batch at `path`, read through the one seam ([`crate::source`]): a batch folder
/// (of CSV files or workbooks), or a workbook named directly (`book.xlsx`, with
/// `documents/` beside it).
pub(super) fn open_source(path: &Path) -> Result<Box<dyn Source>, Error> {
    if path.is_file() {
        return Ok(Box::new(Workbook::open(path)?));
    }
    Ok(Box::new(Folder::open(path)?))
}

/// Threads per core at most: checking and rendering wait on the CPU, not on the disk or
/// the network, so more threads than this only cost memory (a render thread has a 64 MB
/// stack) and time switching between them.
const THREADS_PER_CORE: usize = 4;

/// The number of worker threads: `--jobs`, else every core; never more than
/// [`THREADS_PER_CORE`] per core. With whether `--jobs` asked for more.
pub(super) fn threads(common: &Common) -> (usize, bool) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores.saturating_mul(THREADS_PER_CORE);
    match common.jobs {
        Some(n) if n.get() > cap => (cap, true),
        Some(n) => (n.get(), false),
        None => (cores, false),
    }
}

/// findings.xlsx of `report` and its `marks` (validated from the batch at `path`, which
/// is read again for its rows), to save with [`crate::report::xlsx::save`]; its sheets' rows wait in
/// temporary files in `tempdir` until then.
pub(super) fn findings_workbook(
    path: &Path,
    report: &Report,
    marks: crate::report::xlsx::Marks,
    setup: &Setup,
    tempdir: &Path,
) -> Result<crate::report::xlsx::FindingsBook, Error> {
    let source = open_source(path)?;
    let batch = crate::report::xlsx::Batch {
        source: &*source,
        fields: &setup.schemas.fields,
        limits: &setup.limits,
    };
    crate::report::xlsx::findings_xlsx(report, marks, &batch, setup.lang, tempdir)
}

pub(super) fn setup(common: &Common) -> Result<Setup, Error> {
    if let Some(n) = common.jobs {
        let (threads, capped) = threads(common);
        if capped {
            super::term::say(&format!(
                "--jobs {n}: this machine can use at most {threads} threads ({THREADS_PER_CORE} per core); using {threads}"
            ));
        }
        // Fails only if the pool was already built, in which case it is in use anyway.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    Ok(Setup {
        schemas: Schemas::load(common.schemas.as_deref())?,
        as_of: common.as_of.unwrap_or_else(today),
        lang: common.lang.unwrap_or_else(Lang::from_env),
        limits: common.limits.limits(),
    })
}

fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// The exit status for a report. Takes the report: the process is about to end, so its
/// memory is left to the OS rather than freed allocation by allocation (a second or more
/// for a million applicants).
pub(super) fn exit_for(report: Report) -> ExitCode {
    let code = exit_code(&report);
    std::mem::forget(report);
    code
}

/// The exit status `report` gives: 0 when every applicant is ready, 1 otherwise.
pub(super) fn exit_code(report: &Report) -> ExitCode {
    if report.all_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
