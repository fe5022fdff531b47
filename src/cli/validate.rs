//! `resettle validate`: check a batch window by window and print the report (text, JSON
//! streamed, HTML or findings CSV) to stdout, or write it to the one file `--out` names
//! (atomically); findings.xlsx, a workbook, only to a file. Nothing else is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::common::{
    Common, Setup, exit_code, exit_for, findings_workbook, open_source, resolved, setup,
};
use crate::error::Error;
use crate::pipeline::{Check, Sorted, WINDOW, process_into};
use crate::report::spill::{Redacting, Spill};
use crate::report::{Report, html, text};

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

fn load(batch: &Path, setup: &Setup) -> Result<(Report, Vec<crate::model::TableRead>), Error> {
    crate::pipeline::validate_in_windows(
        &*open_source(batch)?,
        &setup.schemas,
        setup.as_of,
        &setup.limits,
        crate::pipeline::WINDOW,
    )
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

/// `validate --format json`: each window's entries are written as they are made
/// (redacted first with `--redact`), to a spill beside the output (or in the temporary
/// folder for stdout), and report.json is written around them at the end.
fn json_streamed(
    args: &ValidateArgs,
    out: Option<&Path>,
    setup: &Setup,
) -> Result<ExitCode, Error> {
    let sorted = Sorted::open(&*open_source(&args.batch)?, &setup.schemas, &setup.limits)?;
    let dir = out.map(|p| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    });
    let spill_error = |e| Error::io(dir.unwrap_or(&std::env::temp_dir()), e);
    let mut spill = Spill::new(dir).map_err(spill_error)?;
    let (report, _) = if args.common.redact {
        let docs = &setup.schemas.documents;
        let mut redacting = Redacting::new(&mut spill, docs);
        let (mut report, formats) =
            process_into(sorted, setup.as_of, WINDOW, &mut Check, &mut redacting)?;
        report.redact_rows(docs, &redacting.ids);
        (report, formats)
    } else {
        process_into(sorted, setup.as_of, WINDOW, &mut Check, &mut spill)?
    };
    match out {
        Some(path) => {
            crate::outdir::write_file_at(path, |w| spill.finish(&report, w))?;
            super::term::say(&format!("wrote {}", path.display()));
        }
        None => {
            // A closed pipe (`| head`) is not an error worth reporting.
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
            let _ = spill.finish(&report, &mut w).and_then(|()| w.flush());
        }
    }
    Ok(exit_for(report))
}

pub(super) fn validate(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let out = out_file(args)?;
    let setup = setup(&args.common)?;
    if args.format == Format::Json {
        return json_streamed(args, out, &setup);
    }
    let (mut report, mut formats) = load(&args.batch, &setup)?;
    if args.common.redact {
        report.redact(&setup.schemas.documents);
        crate::report::redact::redact_reads(&mut formats);
    }
    if let Some(path) = out {
        let bytes = match args.format {
            Format::Json => {
                // Streamed: the JSON of a large batch is never held whole.
                crate::outdir::write_file_at(path, |w| report.write_json(w))?;
                super::term::say(&format!("wrote {}", path.display()));
                return Ok(exit_for(report));
            }
            Format::Xlsx => {
                let dir = match path.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                let mut book = findings_workbook(&args.batch, &report, &setup, dir)?;
                // The workbook holds all it needs: the report and what was read go
                // before it is saved, when rust_xlsxwriter's notes take the most memory.
                let code = exit_code(&report);
                drop((report, formats));
                crate::outdir::write_file_at(path, |w| crate::report::xlsx::save(&mut book, w))?;
                super::term::say(&format!("wrote {}", path.display()));
                return Ok(code);
            }
            Format::Text => {
                let plain = text::Style { color: false };
                text::render(&report, &formats, setup.lang, plain).into_bytes()
            }
            Format::Html => html::render(&report, setup.lang)?.into_bytes(),
            Format::Csv => crate::report::csv::findings_csv(&report, setup.lang).into_bytes(),
        };
        crate::outdir::write_file_at(path, |w| w.write_all(&bytes))?;
        super::term::say(&format!("wrote {}", path.display()));
        return Ok(exit_for(report));
    }
    // A closed pipe (`| head`) is not an error worth reporting.
    let (out, console) = match args.format {
        Format::Json => {
            // Streamed: the JSON of a large batch is never held whole.
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
            let _ = report.write_json(&mut w).and_then(|()| w.flush());
            return Ok(exit_for(report));
        }
        Format::Text => (
            text::render(&report, &formats, setup.lang, text::Style::for_stdout()),
            true,
        ),
        Format::Html => (html::render(&report, setup.lang)?, false),
        Format::Csv => (crate::report::csv::findings_csv(&report, setup.lang), false),
        // Refused by out_file before anything was read.
        Format::Xlsx => return Err(xlsx_needs_out()),
    };
    super::term::print(&out, console);
    Ok(exit_for(report))
}
