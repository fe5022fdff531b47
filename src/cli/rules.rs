//! `resettle rules` and `resettle explain`: the schemas and language they read, the list
//! of rules (or of the facts conditions can use, or of what is unverified), and one rule
//! explained. The texts themselves are made by `crate::explain`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::Error;
use crate::findings::Lang;
use crate::schema::Schemas;

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

pub(super) fn rules(args: &RulesArgs) -> Result<ExitCode, Error> {
    let (schemas, lang) = args.source.load()?;
    let text = if args.facts {
        crate::explain::facts()
    } else {
        crate::explain::list(&schemas, lang, args.unverified)
    };
    super::term::print(&text, true);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn explain(args: &ExplainArgs) -> Result<ExitCode, Error> {
    let (schemas, lang) = args.source.load()?;
    let text = crate::explain::explain(&schemas, &args.rule_id, lang).ok_or_else(|| {
        Error::Usage(format!(
            "no rule `{}`: `resettle rules` lists them",
            args.rule_id
        ))
    })?;
    super::term::print(&text, true);
    Ok(ExitCode::SUCCESS)
}
