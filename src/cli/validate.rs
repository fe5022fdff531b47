//! `resettle validate`: check a batch window by window and print the report (text, JSON,
//! HTML or findings CSV, each written as the entries come, none of them held) to
//! stdout, or write it to the one file `--out` names (atomically); findings.xlsx, a
//! workbook of the whole report, only to a file. Nothing else is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::common::{Common, Setup, exit_for, findings_workbook, open_source, resolved, setup};
use crate::error::Error;
use crate::model::TableRead;
use crate::pipeline::{Check, Sorted, process_redacted};
use crate::report::csv::FindingsCsv;
use crate::report::spill::{Spill, Tee, Watch};
use crate::report::text::TextReport;
use crate::report::xlsx::Gather;
use crate::report::{ApplicantReport, Report, html, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per applicant with its findings, for people.
    Text,
    /// The report.json object, for programs.
    Json,
    /// The report.html page (self-contained, prints on A4).
    Html,
    /// findings.csv: one row per finding, for Excel (UTF-8 with BOM, `;`).
    Csv,
    /// findings.xlsx: the batch's own rows with every problem cell filled and noted, a
    /// sheet of findings linked to their cells, and a summary (needs --out FILE).
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The batch: a folder holding applicants.csv (or a workbook), or a workbook
    /// (.xlsx, .xlsm, .xls, .ods) with documents/ beside it.
    pub batch: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE (replaced atomically) instead of stdout; needed for
    /// `--format xlsx`. FILE must lie outside the batch.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

fn xlsx_needs_out() -> Error {
    Error::Usage(
        "--format xlsx writes a workbook, which cannot go to the console: name the file with \
         --out, for example --out findings.xlsx"
            .to_string(),
    )
}

/// The file `--out` names, refused (before anything is read) when it is missing for a
/// workbook, is a folder, or lies in the batch: the batch's own file or folder, or its
/// `documents/`.
fn out_file(args: &ValidateArgs) -> Result<Option<&Path>, Error> {
    let Some(out) = args.out.as_deref() else {
        if args.format == Format::Xlsx {
            return Err(xlsx_needs_out());
        }
        return Ok(None);
    };
    let shown = out.display();
    if out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {shown} is a folder: name the file to write, for example {shown}/findings.xlsx"
        )));
    }
    if let Ok(batch) = std::fs::canonicalize(&args.batch) {
        let target = resolved(out);
        let folder = if batch.is_file() {
            batch.parent().map(Path::to_path_buf)
        } else {
            Some(batch.clone())
        };
        let documents = folder
            .as_deref()
            .and_then(|f| crate::ingest::find_entry(f, "documents"))
            .and_then(|d| std::fs::canonicalize(d).ok());
        if target == batch
            || (batch.is_dir() && target.starts_with(&batch))
            || documents.is_some_and(|d| target.starts_with(d))
        {
            return Err(Error::Usage(format!(
                "--out {shown} lies in the batch ({}): write the output outside it, where \
                 the next check will not read it as part of the batch",
                args.batch.display()
            )));
        }
    }
    Ok(Some(out))
}

/// What a streamed format writes of each window's entries.
enum Writer {
    Json(Spill),
    Csv(FindingsCsv),
    Text(TextReport),
    Html(Box<html::Listing>),
    /// The HTML page, made of the listing once the report is finished.
    Page(String),
}

impl Watch for Writer {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()> {
        match self {
            Writer::Json(w) => w.watch(entries),
            Writer::Csv(w) => w.watch(entries),
            Writer::Text(w) => w.watch(entries),
            Writer::Html(w) => w.watch(entries),
            Writer::Page(_) => Ok(()),
        }
    }
}

impl Writer {
    /// Ready to be written once `report` is finished: the HTML page made.
    fn ready(self, report: &Report) -> Result<Writer, Error> {
        Ok(match self {
            Writer::Html(listing) => Writer::Page(html::render_listed(report, *listing)?),
            w => w,
        })
    }

    /// The output, written to `w`: `report` (its entries seen, not held) around what was
    /// written of them.
    fn finish(
        self,
        report: &Report,
        formats: &[TableRead],
        w: &mut (dyn Write + Send),
    ) -> std::io::Result<()> {
        match self {
            Writer::Json(spill) => spill.finish(report, w),
            Writer::Csv(csv) => csv.finish(report, w),
            Writer::Text(text) => text.finish(report, formats, w),
            Writer::Html(listing) => {
                let page = html::render_listed(report, *listing).map_err(std::io::Error::other)?;
                w.write_all(page.as_bytes())
            }
            Writer::Page(page) => w.write_all(page.as_bytes()),
        }
    }
}

/// Checks the batch, each window's entries shown to `writer` (redacted first with
/// `--redact`, and the report's rows and what was read after).
fn check_into(
    args: &ValidateArgs,
    setup: &Setup,
    sorted: Sorted,
    writer: &mut dyn Watch,
) -> Result<(Report, Vec<TableRead>), Error> {
    let (mut report, mut formats, ids) = {
        let mut tee = Tee {
            watchers: vec![writer],
            then: None,
        };
        let docs = args.common.redact.then_some(&setup.schemas.documents);
        process_redacted(sorted, setup.as_of, &mut Check, &mut tee, docs)?
    };
    if let Some(ids) = ids {
        report.redact_rows(&setup.schemas.documents, &ids);
        crate::report::redact::redact_reads(&mut formats);
    }
    Ok((report, formats))
}

/// `validate` in every format but xlsx: each window's entries are written as they are
/// made (redacted first with `--redact`), to a scratch file beside the output (or in the
/// temporary folder for stdout), and the output is written around them at the end; the
/// HTML page keeps only what it lists.
fn streamed(args: &ValidateArgs, out: Option<&Path>, setup: &Setup) -> Result<ExitCode, Error> {
    let sorted = Sorted::open(&*open_source(&args.batch)?, &setup.schemas, &setup.limits)?;
    let dir = out.map(|p| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    });
    let scratch_error = |e| Error::io(dir.unwrap_or(&std::env::temp_dir()), e);
    // Coloured only for a terminal.
    let style = match out {
        Some(_) => text::Style { color: false },
        None => text::Style::for_stdout(),
    };
    let mut writer = match args.format {
        Format::Json => Writer::Json(Spill::new(dir).map_err(scratch_error)?),
        Format::Csv => Writer::Csv(FindingsCsv::new(dir, setup.lang).map_err(scratch_error)?),
        Format::Text => {
            Writer::Text(TextReport::new(dir, setup.lang, style).map_err(scratch_error)?)
        }
        Format::Html => Writer::Html(Box::new(html::Listing::html(setup.lang))),
        // Refused by out_file before anything was read, or written by `validate`.
        Format::Xlsx => return Err(xlsx_needs_out()),
    };
    let (report, formats) = check_into(args, setup, sorted, &mut writer)?;
    let writer = writer.ready(&report)?;
    match out {
        Some(path) => {
            crate::outdir::write_file_at(path, |w| writer.finish(&report, &formats, w))?;
            super::term::say(&format!("wrote {}", path.display()));
        }
        None => {
            // A closed pipe (`| head`) is not an error worth reporting; data for a
            // program (JSON) is written byte for byte, whatever stdout is.
            let console = args.format == Format::Text;
            if args.format == Format::Json {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
                let _ = writer.finish(&report, &formats, &mut w);
                let _ = w.flush();
            } else {
                let mut w = super::term::Stdout::new(console);
                let _ = writer
                    .finish(&report, &formats, &mut w)
                    .and_then(|()| w.finish());
            }
        }
    }
    Ok(exit_for(report))
}

pub(super) fn validate(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let out = out_file(args)?;
    let setup = setup(&args.common)?;
    match out.filter(|_| args.format == Format::Xlsx) {
        Some(path) => workbook(args, path, &setup),
        None => streamed(args, out, &setup),
    }
}

/// `validate --format xlsx`: each window's entries pass findings.xlsx's marks (redacted
/// first with `--redact`), kept in scratch files beside the output; then the batch is
/// read again for its rows and the workbook written.
fn workbook(args: &ValidateArgs, path: &Path, setup: &Setup) -> Result<ExitCode, Error> {
    let sorted = Sorted::open(&*open_source(&args.batch)?, &setup.schemas, &setup.limits)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let scratch = |e| Error::io(dir, e);
    let mut gather = Gather::new(dir, setup.lang).map_err(scratch)?;
    let (report, _) = check_into(args, setup, sorted, &mut gather)?;
    let marks = gather
        .finish(&report.errors, &report.warnings)
        .map_err(scratch)?;
    let mut book = findings_workbook(&args.batch, &report, marks, setup, dir)?;
    crate::outdir::write_file_at(path, |w| crate::report::xlsx::save(&mut book, w))?;
    super::term::say(&format!("wrote {}", path.display()));
    Ok(exit_for(report))
}
