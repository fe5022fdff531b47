//! `resettle templates check` and `resettle templates data`: where templates come from
//! (`--templates DIR`), the Typst engine built from them, compiling every form against a
//! batch (also used by `run` before it writes with a user's templates), and writing the
//! data.json each document is rendered from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::civil::Date;

use super::common::{BatchOut, Common, Setup, exit_for, open_source, setup};
use crate::error::Error;
use crate::outdir::OutDir;
use crate::pipeline::{Sink, Sorted, WINDOW, Window, process};
use crate::render::check;
use crate::render::forms::{self, Context};
use crate::render::{Engine, Templates};

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
    let source = match batch {
        Some(dir) => open_source(dir)?,
        None => Box::new(check::sample()),
    };
    let sorted = Sorted::open(&*source, &setup.schemas, &setup.limits)?;
    let mut sink = Compile {
        engine,
        cx: Context {
            schemas: &setup.schemas,
            as_of: setup.as_of,
            org: "",
            contact: "",
            drafts: true,
        },
        packets: check::Packets::new(all),
    };
    let (report, _) = process(sorted, setup.as_of, WINDOW, &mut sink)?;
    let mut jobs = sink.packets.jobs;
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

/// The sink of `templates check`: the packets to compile, gathered window by window.
struct Compile<'a> {
    engine: &'a Engine,
    cx: Context<'a>,
    packets: check::Packets,
}

impl Sink for Compile<'_> {
    fn window(&mut self, w: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
        self.packets
            .add(self.engine, w.applicants, w.outcomes, w.statuses, &self.cx);
        Ok(Vec::new())
    }

    fn letters(&self) -> bool {
        true
    }
}

/// The sink of `templates data`: each document's data written as its window completes.
struct DataFiles<'a> {
    out: &'a OutDir,
    cx: Context<'a>,
    written: usize,
}

impl Sink for DataFiles<'_> {
    fn window(&mut self, w: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
        let mut outputs = Vec::with_capacity(w.applicants.len());
        for ((a, o), status) in w.applicants.iter().zip(w.outcomes).zip(w.statuses) {
            let mut files = Vec::new();
            for doc in forms::documents(a, o, *status, &self.cx) {
                let name = doc.file.trim_end_matches(".pdf");
                let json = serde_json::to_vec_pretty(&doc.data).unwrap_or_default();
                let file = format!("{}/{name}.json", a.applicant_id);
                self.out.write(&file, &json)?;
                files.push(file);
                self.written += 1;
            }
            outputs.push(files);
        }
        Ok(outputs)
    }

    fn letters(&self) -> bool {
        true
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
    super::term::print(
        &format!("templates OK: {n} documents compiled without errors\n"),
        true,
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn templates_data(args: &TemplatesDataArgs) -> Result<ExitCode, Error> {
    args.io.check_apart()?;
    let setup = setup(&args.common)?;
    let sorted = Sorted::open(
        &*open_source(&args.io.batch)?,
        &setup.schemas,
        &setup.limits,
    )?;
    let out = OutDir::create(&args.io.out)?;
    let mut sink = DataFiles {
        out: &out,
        cx: Context {
            schemas: &setup.schemas,
            as_of: setup.as_of,
            org: &args.io.org,
            contact: &args.io.contact,
            drafts: true,
        },
        written: 0,
    };
    let (report, _) = process(sorted, setup.as_of, WINDOW, &mut sink)?;
    out.write(
        "report.json",
        &serde_json::to_vec_pretty(&forms::report_data(&report, setup.lang, &args.io.org))
            .unwrap_or_default(),
    )?;
    super::term::say(&format!(
        "wrote {} data files into {}",
        sink.written + 1,
        out.root().display()
    ));
    Ok(exit_for(report))
}
