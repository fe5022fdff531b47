//! `resettle validate`: check a batch window by window and print the report (text, JSON
//! streamed, HTML or findings CSV) to stdout, writing nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::common::{Common, Setup, exit_for, open_source, setup};
use crate::error::Error;
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
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The batch: a folder holding applicants.csv (or a workbook), or a workbook
    /// (.xlsx, .xlsm, .xls, .ods) with documents/ beside it.
    pub batch: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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

pub(super) fn validate(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let setup = setup(&args.common)?;
    let (mut report, mut formats) = load(&args.batch, &setup)?;
    if args.common.redact {
        report.redact(&setup.schemas.documents);
        crate::report::redact::redact_reads(&mut formats);
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
    };
    super::term::print(&out, console);
    Ok(exit_for(report))
}
