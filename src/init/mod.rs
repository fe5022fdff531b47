//! `resettle init DIR`: a blank batch to fill in — the three CSV files with every column
//! (UTF-8 with BOM and `;`, so Excel in a Russian locale opens them right), an empty
//! `documents/` folder and a README for caseworkers; with `--xlsx`, one workbook
//! `batch.xlsx` instead of the CSV files and the README (`xlsx`, its columns in `lists`,
//! its instruction sheet in `guide`). Nothing is written into a folder that already
//! holds a batch.

mod guide;
pub mod lists;
pub mod xlsx;

use std::path::Path;

use crate::columns::FileKind;
use crate::error::Error;
use crate::outdir::OutDir;
use crate::schema::Schemas;

/// How the blank batch's tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// applicants.csv, family.csv, expenses.csv and README.txt.
    Csv,
    /// batch.xlsx: a sheet per table with dropdown lists, and an instruction sheet.
    Xlsx,
}

/// The name of the workbook `init --xlsx` writes.
pub const WORKBOOK: &str = "batch.xlsx";

/// The entries of a batch: a folder holding any of them (in any case) is not written to.
const BATCH_ENTRIES: [&str; 6] = [
    "applicants.csv",
    "family.csv",
    "expenses.csv",
    WORKBOOK,
    "documents",
    "README.txt",
];

/// The file name of each scan a caseworker may hand in, with its document: `code.pdf`
/// for the applicant's, `code-<member>.pdf` for a family member's, `member` standing
/// for the member id. The application is rendered by resettle: no scan to name.
fn scan_names<'a>(schemas: &'a Schemas, member: &str) -> Vec<(String, &'a crate::findings::Text)> {
    schemas
        .documents
        .docs
        .iter()
        .filter(|d| !d.rendered)
        .map(|d| {
            let pattern = match (d.for_applicant(), d.for_members()) {
                (true, true) => format!("{0}.pdf, {0}-{member}.pdf", d.code),
                (false, true) => format!("{}-{member}.pdf", d.code),
                _ => format!("{}.pdf", d.code),
            };
            (pattern, &d.title)
        })
        .collect()
}

/// The header row of `file`, as `init` writes it.
pub fn header_line(file: FileKind) -> String {
    file.columns()
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(";")
}

fn readme(schemas: &Schemas) -> String {
    let mut codes = String::new();
    for (pattern, title) in scan_names(schemas, "<member_id>") {
        codes.push_str(&format!("  {pattern:<44} {} / {}\r\n", title.ru, title.en));
    }
    format!(
        "\u{feff}ПАКЕТ ЗАЯВИТЕЛЕЙ / APPLICANT BATCH (resettle)\r\n\
\r\n\
Заполните файлы в Excel и сохраните как CSV (разделитель «;»). Кодировки UTF-8 и\r\n\
Windows-1251 принимаются; заголовки можно писать по-русски (Фамилия, Дата рождения, ИИН…).\r\n\
Fill the files in Excel and save them as CSV. UTF-8 or Windows-1251, `;` `,` or tab.\r\n\
\r\n\
applicants.csv  — одна строка на заявителя / one row per principal applicant\r\n\
                  applicant_id: латиница, цифры, _ и - (A001) / Latin letters, digits, _ -\r\n\
                  не CON, PRN, AUX, NUL, COM0-9, LPT0-9 / not Windows device names\r\n\
family.csv      — члены семьи: applicant_id, member_id (F1, F2…), relation…\r\n\
expenses.csv    — расходы на переезд: travel, baggage, duty (сумма в рублях)\r\n\
documents/      — сканы: documents/<applicant_id>/<код>.pdf (PDF, JPEG, PNG)\r\n\
\r\n\
Даты: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД. Да/нет: да, нет, yes, no, 1, 0.\r\n\
Dates: DD.MM.YYYY or YYYY-MM-DD. Yes/no: да, нет, yes, no, 1, 0.\r\n\
\r\n\
Вопросы об основаниях отказа (extremism, serious_conviction, other_state_residence,\r\n\
entry_ban, migration_offences_12m) нужно заполнить: пустая ячейка — не «нет».\r\n\
The ground questions above must be answered: an empty cell is not \"no\".\r\n\
filing_date — день подачи (пусто: сегодня); возраст и сроки считаются на этот день.\r\n\
filing_date is the day of filing (empty: today); ages and periods are judged on it.\r\n\
Члены семьи (family.csv, relation): spouse, child, spouse_child, parent, spouse_parent,\r\n\
step_parent, sibling, sibling_child, grandparent, grandchild, ward, other\r\n\
(супруг, сын, дочь, пасынок, мать, отец, свекровь, тёща, брат, сестра, племянник, внук…).\r\n\
Документы, сданные на бумаге, перечислите в столбце documents через «;»:\r\n\
  id_card;birth_certificate-F2\r\n\
\r\n\
Коды документов и имена файлов / document codes and file names:\r\n\
{codes}\r\n\
Проверка / check:   resettle validate <папка>\r\n\
Формы / forms:      resettle run <папка> --out <папка для результатов>\r\n"
    )
}

/// Writes a blank batch into `dir`, which must not already hold one, and returns what
/// it wrote.
pub fn init(dir: &Path, schemas: &Schemas, layout: Layout) -> Result<Vec<String>, Error> {
    let existing: Vec<&str> = BATCH_ENTRIES
        .into_iter()
        .filter(|n| crate::ingest::find_entry(dir, n).is_some())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{}: already holds {}; choose an empty or new folder (nothing was overwritten)",
            dir.display(),
            existing.join(", ")
        )));
    }
    // Made before the folder, so that a failure leaves nothing behind.
    let workbook = match layout {
        Layout::Csv => None,
        Layout::Xlsx => Some(xlsx::workbook(schemas).map_err(|e| {
            Error::io(
                dir.join(WORKBOOK),
                std::io::Error::other(format!("cannot make the workbook: {e}")),
            )
        })?),
    };
    // The batch will hold personal data: owner-only like the output folder.
    let out = OutDir::create(dir)?;
    let mut written = Vec::new();
    match workbook {
        None => {
            for file in FileKind::ALL {
                let text = format!("\u{feff}{}\r\n", header_line(file));
                out.write(file.file_name(), text.as_bytes())?;
                written.push(file.file_name().to_string());
            }
            out.write("README.txt", readme(schemas).as_bytes())?;
            written.push("README.txt".into());
        }
        Some(bytes) => {
            // Temporary name, then rename: never half a workbook under its name.
            out.write(WORKBOOK, &bytes)?;
            written.push(WORKBOOK.into());
        }
    }
    out.create_dir("documents")?;
    written.push("documents/".into());
    Ok(written)
}
