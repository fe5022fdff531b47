//! `resettle init DIR`: a blank batch to fill in — the three CSV files with every column
//! (UTF-8 with BOM and `;`, so Excel in a Russian locale opens them right), an empty
//! `documents/` folder and a README for caseworkers.

use std::path::Path;

use crate::columns::FileKind;
use crate::error::Error;
use crate::outdir::OutDir;
use crate::schema::Schemas;

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
    // The application is rendered by resettle: no scan to name.
    for d in schemas.documents.docs.iter().filter(|d| !d.rendered) {
        let pattern = match (d.for_applicant(), d.for_members()) {
            (true, true) => format!("{0}.pdf, {0}-<member_id>.pdf", d.code),
            (false, true) => format!("{}-<member_id>.pdf", d.code),
            _ => format!("{}.pdf", d.code),
        };
        codes.push_str(&format!(
            "  {pattern:<44} {} / {}\r\n",
            d.title.ru, d.title.en
        ));
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

/// Writes a blank batch into `dir`, which must not already hold one.
pub fn init(dir: &Path, schemas: &Schemas) -> Result<Vec<String>, Error> {
    let existing: Vec<&str> = [
        "applicants.csv",
        "family.csv",
        "expenses.csv",
        "documents",
        "README.txt",
    ]
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
    // The batch will hold personal data: owner-only like the output folder.
    let out = OutDir::create(dir)?;
    let mut written = Vec::new();
    for file in FileKind::ALL {
        let text = format!("\u{feff}{}\r\n", header_line(file));
        out.write(file.file_name(), text.as_bytes())?;
        written.push(file.file_name().to_string());
    }
    out.write("README.txt", readme(schemas).as_bytes())?;
    written.push("README.txt".into());
    out.create_dir("documents")?;
    written.push("documents/".into());
    Ok(written)
}
