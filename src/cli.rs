//! The command line: arguments (clap), the commands they run, and exit statuses
//! (0 every applicant ready, 1 some applicant has findings, 2 the batch could not be
//! processed).

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::error::Error;
use crate::findings::Lang;
use crate::outdir::OutDir;
use crate::render::check::{self, SampleBatch};
use crate::render::forms::{self, Context};
use crate::render::{self, Engine, Job, Templates};
use crate::report::{Report, html, text};
use crate::schema::Schemas;

const BATCH_HELP: &str = "\
BATCH LAYOUT:
  A batch is a folder. Only applicants.csv is required:
    my-batch/
      applicants.csv     one row per principal applicant (applicant_id, last_name, …)
      family.csv         family members: applicant_id, member_id, relation, …
      expenses.csv       relocation expenses: applicant_id, member_id, kind, amount_rub, …
      documents/
        A001/            scans for applicant A001, named by document code:
          id_card.pdf
          diploma.jpg
          birth_certificate-F2.png     (a family member's: <code>-<member_id>)
  Files may be UTF-8 (with or without BOM), UTF-16 or Windows-1251, separated by `,`
  `;` or tab, as Excel saves them; headers may be Russian (Фамилия, Дата рождения, ИИН).
  `resettle init my-batch` writes a blank batch with every column and a README.

EXIT STATUS:
  0  every applicant is ready
  1  some applicant has findings, or some row could not be attached to an applicant
  2  the batch could not be processed (the message names the file, row and column)

EXAMPLES:
  resettle init my-batch
  resettle validate samples/batch --as-of 2026-11-24
  resettle validate samples/batch --format json > report.json
  resettle run samples/batch --out out --as-of 2026-11-24";

/// Check batches of applicants to the State Program for the voluntary resettlement of
/// compatriots: what blocks each application, which mission and booking day, which
/// allowances the family can claim.
#[derive(Debug, Parser)]
#[command(name = "resettle", version, after_help = BATCH_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Process a batch: validate every applicant, render the forms of those who are
    /// ready, and write the report into OUT.
    ///
    /// Writes OUT/<applicant_id>/ with the forms that apply (application, inventory,
    /// allowance and compensation claims, consents) and packet.pdf holding them all;
    /// OUT/report.pdf, OUT/report.html, OUT/findings.csv and, last, OUT/report.json (the
    /// same object `validate --format json` prints). A re-run renders only applicants
    /// whose data, templates or schemas changed. OUT is created readable by its owner
    /// only; files are replaced atomically.
    #[command(after_help = BATCH_HELP)]
    Run(RunArgs),
    /// Check a batch and print the report, writing nothing.
    #[command(after_help = BATCH_HELP)]
    Validate(ValidateArgs),
    /// Write a blank batch folder to fill in: the CSV files with every column,
    /// documents/ and a README for caseworkers.
    #[command(after_help = BATCH_HELP)]
    Init(InitArgs),
    /// List every rule: id, severity, condition and legal basis.
    Rules(RulesArgs),
    /// Explain one rule (or `docs.missing.<code>`): what it checks, when, and why.
    Explain(ExplainArgs),
    /// Check the PDF templates, or write the data they read.
    #[command(subcommand)]
    Templates(TemplatesCommand),
}

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

/// A batch to read, the folder to write into, and the NGO the documents are for.
#[derive(Debug, Args)]
pub struct BatchOut {
    /// The batch folder (holding applicants.csv).
    pub batch: PathBuf,
    /// Output folder; created if needed (readable by its owner only).
    #[arg(long, short, value_name = "OUT")]
    pub out: PathBuf,
    /// The NGO's name, printed in the forms' footer and stored as the PDFs' author
    /// (none when not given).
    #[arg(long, value_name = "NAME", env = "RESETTLE_ORG", default_value = "")]
    pub org: String,
}

/// Options of the commands that describe the rules.
#[derive(Debug, Args)]
pub struct RuleSource {
    /// Read schemas from DIR instead of the built-in copies.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Language of descriptions [default: ru in a Russian locale, else en].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

impl RuleSource {
    fn load(&self) -> Result<(Schemas, Lang), Error> {
        Ok((
            Schemas::load(self.schemas.as_deref())?,
            self.lang.unwrap_or_else(Lang::from_env),
        ))
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// List the facts conditions can use instead of the rules.
    #[arg(long, conflicts_with = "unverified")]
    pub facts: bool,
    /// List only what no official source confirms: rules, documents, and the amounts,
    /// lists and lookups of rates.toml, regions.toml and subsistence.toml. Reports mark
    /// findings and amounts that rest on them.
    #[arg(long)]
    pub unverified: bool,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. refusal.deportation_5y or docs.missing.diploma.
    pub rule_id: String,
    #[command(flatten)]
    pub source: RuleSource,
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
    /// Number of worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Language of messages on the console, in report.html and findings.csv
    /// [default: ru in a Russian locale, else en].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Leave personal data out of the report (report.json, report.html, findings.csv, the
    /// console) so that it can be shared: applicants shown by id and initials
    /// («К. А. В.»), no cell value quoted in messages (names, addresses, phones, e-mails,
    /// wrong values), personal numbers (IIN, ID document, bank account, SNILS, INN) never
    /// shown, scan file names only when they are document codes. The PDFs of `run` are
    /// forms to sign and keep their data.
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
    /// Largest batch file (applicants.csv, family.csv, expenses.csv) read, checked before
    /// reading it: SIZE as bytes or with a unit (KiB, MiB, GiB; KB, MB, GB). A larger
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

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub io: BatchOut,
    /// Also render applicants who are not ready, marked ЧЕРНОВИК (draft) on every page,
    /// their packet led by a cover page listing their findings.
    #[arg(long)]
    pub drafts: bool,
    /// Render every document, even those unchanged since the last run.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub templates: TemplateSource,
    #[command(flatten)]
    pub common: Common,
}

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
    /// The batch folder (holding applicants.csv).
    pub batch: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (or an empty existing one).
    pub dir: PathBuf,
}

fn parse_date(s: &str) -> Result<Date, String> {
    crate::values::date(s)
        .ok_or_else(|| format!("{s:?} is not a date: use YYYY-MM-DD or DD.MM.YYYY"))
}

/// Runs the command and returns the process exit status.
pub fn main(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
        Command::Init(args) => {
            let schemas = Schemas::embedded()?;
            let written = crate::init::init(&args.dir, &schemas)?;
            println!(
                "wrote a blank batch in {}: {}",
                args.dir.display(),
                written.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(args) => {
            let (schemas, lang) = args.source.load()?;
            let text = if args.facts {
                crate::explain::facts()
            } else {
                crate::explain::list(&schemas, lang, args.unverified)
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::Templates(TemplatesCommand::Check(args)) => templates_check(&args),
        Command::Templates(TemplatesCommand::Data(args)) => templates_data(&args),
        Command::Explain(args) => {
            let (schemas, lang) = args.source.load()?;
            let text = crate::explain::explain(&schemas, &args.rule_id, lang).ok_or_else(|| {
                Error::Usage(format!(
                    "no rule `{}`: `resettle rules` lists them",
                    args.rule_id
                ))
            })?;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Everything a batch command needs before reading the batch.
struct Setup {
    schemas: Schemas,
    as_of: Date,
    lang: Lang,
    limits: crate::ingest::Limits,
}

fn setup(common: &Common) -> Result<Setup, Error> {
    if let Some(n) = common.jobs {
        // Fails only if the pool was already built, in which case it is in use anyway.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.get())
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
fn exit_for(report: Report) -> ExitCode {
    let code = if report.all_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    std::mem::forget(report);
    code
}

fn load(batch: &Path, setup: &Setup) -> Result<(Report, Vec<String>), Error> {
    crate::pipeline::validate_in_windows(
        batch,
        &setup.schemas,
        setup.as_of,
        &setup.limits,
        crate::pipeline::WINDOW,
    )
}

fn validate(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let setup = setup(&args.common)?;
    let (mut report, formats) = load(&args.batch, &setup)?;
    if args.common.redact {
        report.redact(&setup.schemas.documents);
    }
    // A closed pipe (`| head`) is not an error worth reporting.
    let out = match args.format {
        Format::Json => {
            // Streamed: the JSON of a large batch is never held whole.
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
            let _ = report.write_json(&mut w).and_then(|()| w.flush());
            return Ok(exit_for(report));
        }
        Format::Text => text::render(&report, &formats, setup.lang, text::Style::for_stdout()),
        Format::Html => html::render(&report, setup.lang)?,
        Format::Csv => crate::report::csv::findings_csv(&report, setup.lang),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(exit_for(report))
}

/// The number of rendering threads: `--jobs`, else every core.
fn threads(common: &Common) -> usize {
    common.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n.get(),
    )
}

/// Compiles the templates against `batch` (the built-in sample batch when `None`): every
/// applicant's packet when `all`, else just enough packets to use every form, and the
/// batch report. Returns how many documents compiled, or the errors as exit 2.
fn check_templates(
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

fn engine(source: &TemplateSource, as_of: Date) -> Result<(Templates, Engine), Error> {
    let templates = Templates::load(source.templates.as_deref())?;
    let engine =
        Engine::new(&templates, as_of).map_err(|e| Error::input("templates", e.to_string()))?;
    Ok((templates, engine))
}

fn templates_check(args: &TemplatesCheckArgs) -> Result<ExitCode, Error> {
    let setup = setup(&args.common)?;
    let (_, engine) = engine(&args.source, setup.as_of)?;
    let n = check_templates(&engine, &setup, args.batch.as_deref(), true)?;
    println!("templates OK: {n} documents compiled without errors");
    Ok(ExitCode::SUCCESS)
}

fn templates_data(args: &TemplatesDataArgs) -> Result<ExitCode, Error> {
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

fn run(args: &RunArgs) -> Result<ExitCode, Error> {
    let setup = setup(&args.common)?;
    let (templates, engine) = engine(&args.templates, setup.as_of)?;
    if args.templates.templates.is_some() {
        // A user's templates are compiled before anything is written.
        check_templates(&engine, &setup, None, false)?;
    }
    let mut batch = crate::pipeline::load_with(&args.io.batch, &setup.schemas, &setup.limits)?;
    let outcomes = crate::rules::evaluate(&batch, &setup.schemas, setup.as_of)?;
    let out = OutDir::create(&args.io.out)?;
    let options = crate::packets::Options {
        as_of: setup.as_of,
        org: &args.io.org,
        threads: threads(&args.common),
        drafts: args.drafts,
        force: args.force,
        templates: &templates,
        progress: true,
    };
    let rendered =
        crate::packets::render(&engine, &batch, &outcomes, &setup.schemas, &out, &options)?;
    let formats = std::mem::take(&mut batch.formats);
    let mut report = Report::build(batch, outcomes, setup.as_of);
    for (a, files) in report.applicants.iter_mut().zip(rendered.outputs) {
        a.outputs = files;
    }
    let failed = rendered.errors.len();
    report.errors.extend(rendered.errors);
    report.warnings.extend(rendered.warnings);
    if args.common.redact {
        report.redact(&setup.schemas.documents);
    }
    let documents: usize = report.applicants.iter().map(|a| a.outputs.len()).sum();
    let mut data = forms::report_data(&report, setup.lang, &args.io.org);
    engine.make_printable(&mut data);
    let job = Job {
        data: serde_json::to_vec(&data).unwrap_or_default(),
        ident: "report".into(),
    };
    drop(data);
    // The batch report as PDF, on a deep stack like every document.
    let pdf = render::on_deep_stack(|| render::render_one(&engine, &job));
    let pdf_path = match pdf {
        Some(Ok(bytes)) => Some(out.write("report.pdf", &bytes)?),
        result => {
            // Never leave an older report beside this run's.
            out.remove("report.pdf")?;
            let e = match result {
                Some(Err(e)) => e.to_string(),
                _ => "the rendering thread did not answer".to_string(),
            };
            report.errors.push(crate::packets::failed("report.pdf", &e));
            None
        }
    };
    // The report is written last: report.json, the one programs read, very last.
    let html_path = out.write("report.html", html::render(&report, setup.lang)?.as_bytes())?;
    let csv_path = out.write(
        "findings.csv",
        crate::report::csv::findings_csv(&report, setup.lang).as_bytes(),
    )?;
    let path = out.write_with("report.json", |w| report.write_json(w))?;
    for f in &formats {
        eprintln!("read {f}");
    }
    let s = &report.summary;
    let rejected: u64 = report.rows.values().map(|c| c.rejected).sum();
    eprintln!(
        "{} applicants: {} ready, {} incomplete, {} refused, {} invalid; {rejected} rows not processed",
        s.applicants, s.ready, s.incomplete, s.refused, s.invalid
    );
    eprintln!(
        "{documents} PDF documents in {}/<applicant_id>/: {} rendered, {} applicants unchanged since the last run",
        out.root().display(),
        rendered.rendered,
        rendered.unchanged,
    );
    for p in pdf_path.iter().chain([&html_path, &csv_path, &path]) {
        eprintln!("wrote {}", p.display());
    }
    let failed = failed + usize::from(pdf_path.is_none());
    if failed > 0 {
        eprintln!(
            "{failed} documents could not be produced: see `render.failed` in the report's errors"
        );
    }
    Ok(exit_for(report))
}
