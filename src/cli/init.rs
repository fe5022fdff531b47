//! `resettle init`: write a blank batch folder to fill in (the CSV files with every
//! column, documents/ and a README), made by `crate::init`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::Error;
use crate::schema::Schemas;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (or an empty existing one).
    pub dir: PathBuf,
}

pub(super) fn init(args: &InitArgs) -> Result<ExitCode, Error> {
    let schemas = Schemas::embedded()?;
    let written = crate::init::init(&args.dir, &schemas)?;
    println!(
        "wrote a blank batch in {}: {}",
        args.dir.display(),
        written.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
