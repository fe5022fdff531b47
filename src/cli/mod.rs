//! The command line: the arguments (clap) with the help every command shows, and the
//! dispatch of a parsed command to its file — `validate`, `run`, `init`, `rules` and
//! `explain` (`rules`), `templates check` and `templates data` (`templates`) — with the
//! options the batch commands share and what they set up before reading a batch in
//! `common`. Exit statuses: 0 every applicant ready, 1 some applicant has findings, 2 the
//! batch could not be processed (any error, printed here).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;

mod common;
mod init;
mod outcheck;
mod rules;
mod run;
mod templates;
mod term;
mod validate;

pub use common::{BatchOut, Common, LimitArgs};
pub use init::InitArgs;
pub use rules::{ExplainArgs, RuleSource, RulesArgs};
pub use run::RunArgs;
pub use templates::{TemplateSource, TemplatesCheckArgs, TemplatesCommand, TemplatesDataArgs};
pub use validate::{Format, ValidateArgs};

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
  Or workbooks (.xlsx, .xlsm, .xls, .ods) instead: applicants.xlsx (and family.xlsx,
  expenses.xlsx), or one workbook of any name with the sheets Заявители, Члены семьи
  (or Семья), Расходы (or applicants, family, expenses); give the folder, or the
  workbook itself with documents/ beside it. Findings point at the cell:
  batch.xlsx!Заявители!F12.
  `resettle init my-batch` writes a blank batch with every column and a README.

EXIT STATUS:
  0  every applicant is ready
  1  some applicant has findings, or some row could not be attached to an applicant
  2  the batch could not be processed (the message names the file, row and column)

EXAMPLES:
  resettle init my-batch
  resettle validate samples/batch --as-of 2026-11-24
  resettle validate samples/batch --format json > report.json
  resettle validate samples/workbook/batch.xlsx --as-of 2026-11-24
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
    /// OUT/report.pdf, OUT/findings.xlsx (the batch's rows with every problem on its
    /// cell), OUT/report.html, OUT/findings.csv and, last, OUT/report.json (the
    /// same object `validate --format json` prints). A re-run renders only applicants
    /// whose data, templates or schemas changed. OUT is created readable by its owner
    /// only; files are replaced atomically.
    #[command(after_help = BATCH_HELP)]
    Run(RunArgs),
    /// Check a batch and print the report (or write it to the file --out names:
    /// --format xlsx writes findings.xlsx there).
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

/// Runs the command and returns the process exit status.
pub fn main(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            term::say(&format!("error: {e}"));
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Init(args) => init::init(&args),
        Command::Rules(args) => rules::rules(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::Templates(TemplatesCommand::Check(args)) => templates::templates_check(&args),
        Command::Templates(TemplatesCommand::Data(args)) => templates::templates_data(&args),
    }
}
