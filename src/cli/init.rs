//! `resettle init`: write a blank batch folder to fill in — the CSV files with every
//! column, documents/ and a README, or with `--xlsx` one workbook (batch.xlsx) and
//! documents/ — made by `crate::init`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::Error;
use crate::init::Layout;
use crate::schema::Schemas;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (or an empty existing one).
    pub dir: PathBuf,
    /// Write one Excel workbook, DIR/batch.xlsx, instead of the CSV files and README.
    ///
    /// Its first sheet, «Инструкция», tells in Russian how to fill it and how to name the
    /// scans in DIR/documents/. Then one sheet per table — «Заявители» (applicants),
    /// «Члены семьи» (family), «Расходы» (expenses) — with Russian headers (the English
    /// column name is the note on each header), a frozen header row, dropdown lists for
    /// every yes/no (да/нет), enumeration and region column (the regions of Kazakhstan
    /// and the subjects of Russia, kept on a hidden sheet «Списки»), Text cells for IIN,
    /// document number, bank account, BIK, SNILS, INN, phone and ids (no lost leading
    /// zeros), and DD.MM.YYYY for dates.
    #[arg(long, verbatim_doc_comment)]
    pub xlsx: bool,
}

pub(super) fn init(args: &InitArgs) -> Result<ExitCode, Error> {
    let schemas = Schemas::embedded()?;
    let layout = if args.xlsx { Layout::Xlsx } else { Layout::Csv };
    let written = crate::init::init(&args.dir, &schemas, layout)?;
    super::term::print(
        &format!(
            "wrote a blank batch in {}: {}\n",
            args.dir.display(),
            written.join(", ")
        ),
        true,
    );
    Ok(ExitCode::SUCCESS)
}
