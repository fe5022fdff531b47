//! The instruction sheet of `init --xlsx` (first in the workbook, in Russian): what each
//! sheet is, how to fill the cells, how to name the scans in `documents/` (the same
//! document codes as the README of `init`), and the commands that check the batch.

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::scan_names;
use super::xlsx::{header, sheet_name, wrapped_lines};
use crate::columns::{Col, FileKind};
use crate::schema::Schemas;

/// The name of the instruction sheet.
pub const SHEET: &str = "Инструкция";

/// The ground questions that must be answered: an empty cell is not "no".
const GROUNDS: [Col; 5] = [
    Col::Extremism,
    Col::SeriousConviction,
    Col::OtherStateResidence,
    Col::EntryBan,
    Col::MigrationOffences12m,
];

/// One row of the sheet.
enum Line {
    Title(String),
    Heading(String),
    Text(String),
    /// Two cells: a scan's file name and its document.
    Pair(String, String),
    Blank,
}

fn lines(schemas: &Schemas) -> Vec<Line> {
    use Line::*;
    let h = |c: Col| format!("«{}»", header(&schemas.fields, c));
    let [applicants, family, expenses] = FileKind::ALL.map(sheet_name);
    let grounds: Vec<String> = GROUNDS.iter().map(|&c| h(c)).collect();
    let mut out = vec![
        Title("Пакет заявителей (resettle)".into()),
        Blank,
        Heading("Листы книги".into()),
        Text(format!("«{applicants}» — одна строка на заявителя.")),
        Text(format!(
            "«{family}» — члены семьи: {}, {} (F1, F2…), {}…",
            h(Col::ApplicantId),
            h(Col::MemberId),
            h(Col::Relation)
        )),
        Text(format!(
            "«{expenses}» — расходы на переезд: проезд, багаж, пошлина (сумма в рублях)."
        )),
        Text(format!(
            "Скрытый лист «{}» хранит выпадающие списки: не меняйте его.",
            super::xlsx::LISTS_SHEET
        )),
        Blank,
        Heading("Как заполнять".into()),
        Text(
            "Не меняйте названия листов и заголовки. В примечании к заголовку — имя столбца \
             по-английски (как в CSV) и «обязательный столбец», если его нужно заполнить."
                .into(),
        ),
        Text(format!(
            "{}: латиница, цифры, _ и - (A001); не CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9.",
            h(Col::ApplicantId)
        )),
        Text(
            "Где в ячейке есть стрелка, выберите значение из списка. Да/нет: да или нет \
             (принимаются и yes, no, 1, 0)."
                .into(),
        ),
        Text("Даты: ДД.ММ.ГГГГ (например, 24.11.2026).".into()),
        Text(
            "ИИН, номер документа, счёт, БИК, СНИЛС, ИНН, телефон и ID — текстовые ячейки: \
             вводите цифры как есть, нули в начале сохранятся."
                .into(),
        ),
        Text(format!(
            "Вопросы об основаниях отказа ({}) нужно заполнить: пустая ячейка — не «нет».",
            grounds.join(", ")
        )),
        Text(format!(
            "{} — день подачи (пусто: сегодня); возраст и сроки считаются на этот день.",
            h(Col::FilingDate)
        )),
        Text(format!(
            "Документы, сданные на бумаге, перечислите в столбце {} через «;»: \
             id_card;birth_certificate-F2",
            h(Col::Documents)
        )),
        Blank,
        Heading("Сканы документов".into()),
        Text(
            "Положите сканы в папку documents/ рядом с этой книгой: \
             documents/<ID заявителя>/<код>.pdf (PDF, JPEG, PNG)."
                .into(),
        ),
        Text(
            "Документ члена семьи: <код>-<ID члена семьи>.pdf, например \
             documents/A001/birth_certificate-F2.pdf."
                .into(),
        ),
        Pair("Имя файла".into(), "Документ".into()),
    ];
    for (pattern, title) in scan_names(schemas, "<ID члена семьи>") {
        out.push(Pair(pattern, title.ru.clone()));
    }
    out.extend([
        Blank,
        Heading("Проверка и формы".into()),
        Text("Проверка: resettle validate <папка>".into()),
        Text("Формы: resettle run <папка> --out <папка для результатов>".into()),
        Text(format!(
            "resettle, который не читает книги Excel, примет листы, сохранённые как CSV: \
             «Файл → Сохранить как → CSV UTF-8», лист «{applicants}» — applicants.csv, \
             «{family}» — family.csv, «{expenses}» — expenses.csv, в этой же папке."
        )),
    ]);
    out
}

/// The width of the second column (a document's title), in characters.
const TITLE_WIDTH: usize = 60;

/// Writes the instruction sheet: text across both columns, wrapped; the table of scans
/// in two. Printed landscape on A4, one page wide.
pub fn write(sheet: &mut Worksheet, schemas: &Schemas) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let lines = lines(schemas);
    let first_width = lines
        .iter()
        .filter_map(|l| match l {
            Line::Pair(a, _) => Some(a.chars().count() + 2),
            _ => None,
        })
        .max()
        .unwrap_or(30);
    let both = first_width + TITLE_WIDTH;
    // Lines of text at the default font, about one character per unit of width.
    let height = |text: &str, width: usize| 15.0 * wrapped_lines(text, width) as f64;
    let mut table_started = false;
    for (r, line) in lines.iter().enumerate() {
        let r = r as u32;
        match line {
            Line::Title(t) => {
                sheet.write_string_with_format(r, 0, t, &title)?;
            }
            Line::Heading(t) => {
                sheet.write_string_with_format(r, 0, t, &bold)?;
            }
            Line::Text(t) => {
                sheet.merge_range(r, 0, r, 1, t, &wrap)?;
                sheet.set_row_height(r, height(t, both))?;
            }
            Line::Pair(a, b) if !table_started => {
                // The table's own heading.
                table_started = true;
                sheet.write_string_with_format(r, 0, a, &bold)?;
                sheet.write_string_with_format(r, 1, b, &bold)?;
            }
            Line::Pair(a, b) => {
                sheet.write_string_with_format(r, 0, a, &wrap)?;
                sheet.write_string_with_format(r, 1, b, &wrap)?;
                sheet.set_row_height(r, height(b, TITLE_WIDTH))?;
            }
            Line::Blank => {}
        }
    }
    sheet.set_column_width(0, first_width as f64)?;
    sheet.set_column_width(1, TITLE_WIDTH as f64)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scan a caseworker may hand in is named on the sheet, with its title.
    #[test]
    fn lists_every_document_code() {
        let s = Schemas::embedded().unwrap();
        let pairs: Vec<(String, String)> = lines(&s)
            .into_iter()
            .filter_map(|l| match l {
                Line::Pair(a, b) => Some((a, b)),
                _ => None,
            })
            .collect();
        for d in s.documents.docs.iter().filter(|d| !d.rendered) {
            assert!(
                pairs.iter().any(|(a, b)| *b == d.title.ru
                    && a.split(", ").any(|p| {
                        p == format!("{}.pdf", d.code)
                            || p == format!("{}-<ID члена семьи>.pdf", d.code)
                    })),
                "{}",
                d.code
            );
        }
        assert!(
            pairs
                .iter()
                .any(|(a, _)| a.contains("-<ID члена семьи>.pdf"))
        );
    }
}
