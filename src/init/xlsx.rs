//! The blank workbook of `resettle init --xlsx` (`batch.xlsx`), made with rust_xlsxwriter:
//! the instruction sheet first (`guide`), then a sheet per table with Russian sheet names
//! and headers (the English column name in a note on each header), a frozen header row,
//! widths that fit, Text cells for numbers whose every digit matters, a date format for
//! dates, dropdown lists for every enumeration, yes/no and region column (`lists`), and
//! the lists themselves on a hidden sheet the validations point at.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, Format, FormatAlign, FormatBorder,
    Formula, Note, Workbook, Worksheet, XlsxError,
    utility::{cell_range_absolute, quote_sheet_name},
};

use super::guide;
use super::lists::{Kind, List, Strictness, kind};
use crate::columns::{Col, FileKind};
use crate::schema::{FieldSchema, Schemas};

/// The hidden sheet holding the dropdown lists.
pub const LISTS_SHEET: &str = "Списки";

/// The last row a validation or column format reaches: every row of an Excel sheet.
const LAST_ROW: u32 = 1_048_575;

/// A header is wrapped onto more lines past this many characters.
const HEADER_WRAP: usize = 24;

/// The sheet of `file` in the workbook.
pub fn sheet_name(file: FileKind) -> &'static str {
    match file {
        FileKind::Applicants => "Заявители",
        FileKind::Family => "Члены семьи",
        FileKind::Expenses => "Расходы",
    }
}

/// The Russian header of `col`: its first spelling in `fields.toml` (`[columns]`), or
/// the English name where it has none.
pub fn header(fields: &FieldSchema, col: Col) -> &str {
    fields
        .aliases(col)
        .first()
        .map_or(col.name(), String::as_str)
}

/// The workbook's bytes.
pub fn workbook(schemas: &Schemas) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("Пакет заявителей")
            .set_comment("resettle init --xlsx"),
    );
    guide::write(book.add_worksheet(), schemas)?;
    for file in FileKind::ALL {
        table(book.add_worksheet(), file, schemas)?;
    }
    lists_sheet(book.add_worksheet(), schemas)?;
    book.save_to_buffer()
}

/// The hidden sheet: one column per list, its title in the first row.
fn lists_sheet(sheet: &mut Worksheet, schemas: &Schemas) -> Result<(), XlsxError> {
    sheet.set_name(LISTS_SHEET)?;
    let bold = Format::new().set_bold();
    for (c, list) in List::ALL.into_iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, list.title(), &bold)?;
        let choices = list.choices(schemas);
        for (r, choice) in choices.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c, choice)?;
        }
        let widest = choices.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        sheet.set_column_width(c, (widest.max(list.title().chars().count()) + 2) as f64)?;
    }
    sheet.set_hidden(true);
    Ok(())
}

/// Where the choices of `list` lie on the lists sheet, as a validation's source
/// (`Списки!$A$2:$A$3`).
pub fn list_range(list: List, schemas: &Schemas) -> String {
    let c = List::ALL.iter().position(|l| *l == list).unwrap_or(0) as u16;
    let n = list.choices(schemas).len().max(1) as u32;
    format!(
        "{}!{}",
        quote_sheet_name(LISTS_SHEET),
        cell_range_absolute(1, c, n, c)
    )
}

/// The sheet of one table: headers, notes, formats, widths, validations.
fn table(sheet: &mut Worksheet, file: FileKind, schemas: &Schemas) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(file))?;
    sheet.set_default_note_author("resettle");
    sheet.set_landscape().set_paper_size(9);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0xD9D9D9)
        .set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let mut lines = 1;
    for (c, &col) in file.columns().iter().enumerate() {
        let c = c as u16;
        let name = header(&schemas.fields, col);
        sheet.write_string_with_format(0, c, name, &head)?;
        let mut note = col.name().to_string();
        if schemas.fields.is_required(file, col) {
            note.push_str("\nобязательный столбец");
        }
        sheet.insert_note(0, c, &Note::new(note).add_author_prefix(false))?;
        let kind = kind(col);
        let width = width(col, kind, name, schemas);
        sheet.set_column_width(c, width as f64)?;
        lines = lines.max(wrapped_lines(name, width - 1));
        match kind {
            Kind::Verbatim => {
                sheet.set_column_format(c, &text)?;
            }
            Kind::Date => {
                sheet.set_column_format(c, &date)?;
            }
            Kind::Choice(list, strictness) => {
                let rule = validation(list, strictness, schemas)?;
                sheet.add_data_validation(1, c, LAST_ROW, c, &rule)?;
            }
            Kind::Text | Kind::Number => {}
        }
    }
    sheet.set_row_height(0, 15 * lines as u32 + 3)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The dropdown of `list`: a value from it; for an open list, another value after a
/// warning.
fn validation(
    list: List,
    strictness: Strictness,
    schemas: &Schemas,
) -> Result<DataValidation, XlsxError> {
    let rule = DataValidation::new()
        .allow_list_formula(Formula::new(list_range(list, schemas)))
        .set_error_title("Значение не из списка")?;
    Ok(match strictness {
        Strictness::Closed => rule.set_error_message(
            "Выберите значение из списка: стрелка справа от ячейки. Пустая ячейка допустима.",
        )?,
        Strictness::Open => rule
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_message(
                "Этого значения нет в списке. resettle примет и другое написание (для \
                 гражданства — двухбуквенный код страны, для субъекта РФ — его код) и \
                 проверит его. Оставить значение?",
            )?,
    })
}

/// The column's width in characters: its header (wrapped past `HEADER_WRAP`), or what
/// it holds, whichever is wider.
fn width(col: Col, kind: Kind, header: &str, schemas: &Schemas) -> usize {
    let content = match kind {
        Kind::Choice(list, _) => list
            .choices(schemas)
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0),
        Kind::Date => 10,
        Kind::Number => 8,
        Kind::Verbatim => match col {
            Col::BankAccount => 20,
            Col::ApplicantId | Col::MemberId => 6,
            _ => 14,
        },
        Kind::Text => match col {
            Col::Address | Col::IdDocIssuedBy | Col::BirthPlace | Col::Documents => 30,
            _ => 16,
        },
    };
    let words = header
        .split(' ')
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    let head = header.chars().count().min(HEADER_WRAP).max(words);
    (head.max(content) + 2).clamp(8, 50)
}

/// The lines `text` takes wrapped at word boundaries in `width` characters.
pub(super) fn wrapped_lines(text: &str, width: usize) -> usize {
    let mut lines = 1;
    let mut line = 0;
    for word in text.split(' ').map(|w| w.chars().count()) {
        if line > 0 && line + 1 + word > width {
            lines += 1;
            line = word;
        } else {
            line += if line > 0 { 1 + word } else { word };
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Russian header reads back as its column, and no two in a sheet are alike.
    #[test]
    fn russian_headers_read_back_as_their_columns() {
        let s = Schemas::embedded().unwrap();
        for file in FileKind::ALL {
            let mut seen = Vec::new();
            for &col in file.columns() {
                let h = header(&s.fields, col);
                assert!(
                    h.chars()
                        .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
                    "{}: {h} is not Russian",
                    col.name()
                );
                assert_eq!(s.fields.column_for_header(h), Some(col), "{h}");
                assert!(!seen.contains(&h), "{h} twice in {file}");
                seen.push(h);
            }
        }
    }

    #[test]
    fn headers_wrap_at_words() {
        assert_eq!(wrapped_lines("ИИН", 10), 1);
        assert_eq!(wrapped_lines("Дата рождения", 8), 2);
        assert_eq!(
            wrapped_lines("Не соответствует требованиям региональной программы", 26),
            3
        );
    }

    #[test]
    fn list_ranges_point_at_the_lists_sheet() {
        let s = Schemas::embedded().unwrap();
        assert_eq!(list_range(List::YesNo, &s), "Списки!$A$2:$A$3");
        let n = s.regions.russia.len() + 1;
        assert_eq!(
            list_range(List::RussianRegion, &s),
            format!("Списки!$M$2:$M${n}")
        );
    }

    #[test]
    fn the_workbook_is_made() {
        let s = Schemas::embedded().unwrap();
        let bytes = workbook(&s).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }
}
