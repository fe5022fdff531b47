//! `resettle templates check` and `resettle templates data`: where templates come from
//! (`--templates DIR`), the Typst engine built from them, compiling every form against a
//! batch (also used by `run` before it writes with a user's templates), and writing the
//! data.json each document is rendered from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::civil::Date;

use super::common::{BatchOut, Common, Setup, exit_for, setup};
use crate::error::Error;
use crate::outdir::OutDir;
use crate::render::check::{self, SampleBatch};
use crate::render::forms::{self, Context};
use crate::render::{Engine, Templates};
use crate::report::Report;

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Compile every form against a batch (the built-in sample batch by default) and
    /// report each Typst error as templates/<file>:<line>:<col>. Writes nothing.
    ///
    /// Exit status 0 when every template compiles, 2 otherwise.
    Check(TemplatesCheckArgs),
    /// Write the data.json each document of BATCH is rendered from into OUT
    /// (OUT/<applicant_id>/<document>.json, OUT/report.json), to write and try a
    /// template with `typst compile`. Every applicant is included, ready or not.
    Data(TemplatesDataArgs),
}

/// Where templates come from.
#[derive(Debug, Args)]
pub struct TemplateSource {
    /// Read templates from DIR instead of the built-in ones: every .typ file of DIR
    /// replaces the built-in file of the same name (main.typ, application.typ, …; the
    /// others stay), and fonts in DIR/fonts/ are added. See templates/README.md.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TemplatesCheckArgs {
    /// Check against this batch instead of the built-in sample batch.
    #[arg(long, value_name = "DIR")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub source: TemplateSource,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct TemplatesDataArgs {
    #[command(flatten)]
    pub io: BatchOut,
    #[command(flatten)]
    pub common: Common,
}

/// Compiles the templates against `batch` (the built-in sample batch when `None`): every
/// applicant's packet when `all`, else just enough packets to use every form, and the
/// batch report. Returns how many documents compiled, or the errors as exit 2.
pub(super) fn check_templates(
    engine: &Engine,
    setup: &Setup,
    batch: Option<&Path>,
    all: bool,
) -> Result<usize, Error> {
    let sample;
    let dir = match batch {
        Some(dir) => dir,
        None => {
            sample = SampleBatch::write()?;
            sample.path()
        }
    };
    let batch = crate::pipeline::load_with(dir, &setup.schemas, &setup.limits)?;
    let outcomes = crate::rules::evaluate(&batch, &setup.schemas, setup.as_of)?;
    let cx = Context {
        schemas: &setup.schemas,
        as_of: setup.as_of,
        org: "",
    };
    let mut jobs = check::packets(engine, &batch, &outcomes, &cx, all);
    let report = Report::build(batch, outcomes, setup.as_of);
    jobs.push(check::report(
        engine,
        forms::report_data(&report, setup.lang, ""),
    ));
    std::mem::forget(report);
    let errors = check::check(engine, &jobs);
    if errors.is_empty() {
        Ok(jobs.len())
    } else {
        Err(Error::input("templates", errors.join("\n")))
    }
}

pub(super) fn engine(source: &TemplateSource, as_of: Date) -> Result<(Templates, Engine), Error> {
    let templates = Templates::load(source.templates.as_deref())?;
    let engine =
        Engine::new(&templates, as_of).map_err(|e| Error::input("templates", e.to_string()))?;
    Ok((templates, engine))
}

pub(super) fn templates_check(args: &TemplatesCheckArgs) -> Result<ExitCode, Error> {
    let setup = setup(&args.common)?;
    let (_, engine) = engine(&args.source, setup.as_of)?;
    let n = check_templates(&engine, &setup, args.batch.as_deref(), true)?;
    println!("templates OK: {n} documents compiled without errors");
    Ok(ExitCode::SUCCESS)
}

pub(super) fn templates_data(args: &TemplatesDataArgs) -> Result<ExitCode, Error> {
    args.io.check_apart()?;
    let setup = setup(&args.common)?;
    let batch = crate::pipeline::load_with(&args.io.batch, &setup.schemas, &setup.limits)?;
    let outcomes = crate::rules::evaluate(&batch, &setup.schemas, setup.as_of)?;
    let out = OutDir::create(&args.io.out)?;
    let cx = Context {
        schemas: &setup.schemas,
        as_of: setup.as_of,
        org: &args.io.org,
    };
    let mut written = 0;
    for (a, o) in batch.applicants.iter().zip(&outcomes) {
        for doc in forms::documents(a, o, &cx) {
            let name = doc.file.trim_end_matches(".pdf");
            let json = serde_json::to_vec_pretty(&doc.data).unwrap_or_default();
            out.write(&format!("{}/{name}.json", a.applicant_id), &json)?;
            written += 1;
        }
    }
    let report = Report::build(batch, outcomes, setup.as_of);
    out.write(
        "report.json",
        &serde_json::to_vec_pretty(&forms::report_data(&report, setup.lang, &args.io.org))
            .unwrap_or_default(),
    )?;
    eprintln!(
        "wrote {} data files into {}",
        written + 1,
        out.root().display()
    );
    Ok(exit_for(report))
}
