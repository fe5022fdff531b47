//! The header row of a batch file: each header cell matched to a known column (by name
//! or alias of `fields.toml`), with the errors that make a file unreadable (a column
//! given twice, a required one missing, too many columns) and the warnings that do not
//! (unknown columns, columns of contract v1 that no longer decide anything). Also a row
//! that repeats the header further down (a table pasted twice), which is no applicant.

use std::sync::Arc;

use crate::columns::{Col, ColumnMap, FileKind, Sheet};
use crate::error::Error;
use crate::findings::words;
use crate::findings::{Arg, Message, RowError, Source};
use crate::ingest::split::Fields;
use crate::schema::FieldSchema;
use crate::values::show;

/// Whether a data row repeats the header row (a table pasted below another, the header
/// copied with it): its cell under `applicant_id` names that column, and so does at
/// least half of its non-empty cells under known columns. `cell(i)` is the text of the
/// row's field `i`. Cheap for every other row: one comparison of its id cell.
pub(super) fn repeats_header<'a>(
    cell: impl Fn(usize) -> Option<&'a str>,
    columns: &ColumnMap,
    file: FileKind,
    fields: &FieldSchema,
) -> bool {
    let names = |v: &str, col: Col| {
        let v = v.trim();
        v.eq_ignore_ascii_case(columns.header(col).trim())
            || v.eq_ignore_ascii_case(col.name())
            || (!crate::values::is_valid_id(v) && fields.column_for_header(v) == Some(col))
    };
    let id = columns.index(Col::ApplicantId).and_then(&cell);
    if !id.is_some_and(|v| names(v, Col::ApplicantId)) {
        return false;
    }
    let (mut filled, mut named) = (0, 0);
    for &col in file.columns() {
        if let Some(v) = columns
            .index(col)
            .and_then(&cell)
            .filter(|v| !v.trim().is_empty())
        {
            filled += 1;
            named += usize::from(names(v, col));
        }
    }
    named >= 2 && named * 2 >= filled
}

/// The error for a data row that repeats the header: it is reported, not read.
pub(super) fn repeated_header(source: Source, row: u64) -> RowError {
    RowError {
        rule: "data.format",
        source,
        message: Message::new(
            words!(
                "строка {0} повторяет строку заголовков (таблицу вставили дважды?) — это не заявитель, строка не прочитана; удалите её",
                "row {0} repeats the header row (a table pasted twice?) — it is no applicant and was not read; delete it",
            ),
            [Arg::num(row)],
        ),
    }
}

/// At most this many `unknown column` warnings per file; one more says how many others.
const UNKNOWN_COLUMN_WARNINGS: usize = 20;

/// One `data.column_retired` warning for the columns of contract v1 a file still has.
fn retired_columns(
    file: FileKind,
    sheet: Option<&Arc<Sheet>>,
    row: u64,
    headers: &[String],
    retired: &[(Col, usize)],
    first: usize,
) -> RowError {
    let old: Vec<String> = retired
        .iter()
        .map(|&(_, i)| format!("«{}»", show(&headers[i])))
        .collect();
    let mut new: Vec<&str> = retired
        .iter()
        .filter_map(|(c, _)| file.retired().iter().find(|r| r.0 == *c))
        .map(|r| r.1.name())
        .collect();
    new.dedup();
    let words = if old.len() > 1 {
        words!(
            "столбцы {0} больше ничего не решают (правила редакции 2): заполните вместо этого {1}",
            "columns {0} no longer decide anything (rules of edition 2): fill in {1} instead",
        )
    } else {
        words!(
            "столбец {0} больше ничего не решает (правила редакции 2): заполните вместо этого {1}",
            "column {0} no longer decides anything (rules of edition 2): fill in {1} instead",
        )
    };
    RowError {
        rule: "data.column_retired",
        source: Source::in_table(file, sheet, row, Some((first + 1) as u32)),
        message: Message::new(
            words,
            [Arg::value(old.join(", ")), Arg::plain(new.join(", "))],
        ),
    }
}

/// The columns of the header row `header` (on line or sheet row `row`; on `sheet` when
/// the table is a workbook's).
pub(super) fn map_header(
    file: FileKind,
    sheet: Option<&Arc<Sheet>>,
    row: u64,
    header: Fields<'_>,
    fields: &FieldSchema,
    max_columns: usize,
    warnings: &mut Vec<RowError>,
) -> Result<ColumnMap, Error> {
    let mut index: Vec<Option<usize>> = vec![None; Col::ALL.len()];
    // Empty cells at the end of the header are no columns (Excel pads rows with them).
    let labelled = (0..header.len())
        .rev()
        .find(|&i| header.get(i).is_some_and(|h| !h.trim().is_empty()))
        .map_or(0, |i| i + 1);
    // Only the columns within the limit are looked at (a repeated column among them is
    // reported first); more make the file unreadable below.
    let headers: Vec<String> = header
        .iter()
        .take(labelled.min(max_columns))
        .map(|h| h.trim().to_string())
        .collect();
    let mut unknown = 0usize;
    let mut retired: Vec<(Col, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let source = Source::in_table(file, sheet, row, Some((i + 1) as u32));
        match fields.column_for_header(h) {
            Some(col) if file.columns().contains(&col) => {
                if let Some(prev) = index[col.index()] {
                    return Err(Error::input(
                        source.to_string(),
                        format!(
                            "columns {} («{}») and {} («{}») both mean `{}`; keep one",
                            prev + 1,
                            show(&headers[prev]),
                            i + 1,
                            show(h),
                            col.name()
                        ),
                    ));
                }
                index[col.index()] = Some(i);
            }
            Some(col) if file.retired().iter().any(|r| r.0 == col) => retired.push((col, i)),
            _ => {
                unknown += 1;
                if unknown <= UNKNOWN_COLUMN_WARNINGS {
                    warnings.push(RowError {
                        rule: "data.unknown_column",
                        source,
                        message: Message::new(
                            words!(
                                "неизвестный столбец «{0}» не прочитан",
                                "unknown column «{0}» was ignored",
                            ),
                            [Arg::value(show(h))],
                        ),
                    });
                }
            }
        }
    }
    if let Some(&(_, first)) = retired.first() {
        warnings.push(retired_columns(file, sheet, row, &headers, &retired, first));
    }
    if unknown > UNKNOWN_COLUMN_WARNINGS {
        let more = unknown - UNKNOWN_COLUMN_WARNINGS;
        warnings.push(RowError {
            rule: "data.unknown_column",
            source: Source::in_table(file, sheet, row, None),
            message: Message::new(
                words!(
                    "и ещё {0} неизвестных столбцов не прочитаны (всего {1})",
                    "{0} more unknown columns were ignored ({1} in all)",
                ),
                [Arg::num(more), Arg::num(unknown)],
            ),
        });
    }
    if labelled > max_columns {
        return Err(Error::input(
            Source::in_table(file, sheet, row, u32::try_from(max_columns + 1).ok()).to_string(),
            format!(
                "the header has {labelled} columns, more than the limit of {max_columns} (--max-columns): the file is probably not a batch file, or raise the limit if it is"
            ),
        ));
    }
    let missing: Vec<String> = fields
        .required(file)
        .iter()
        .filter(|c| index[c.index()].is_none())
        .map(|c| {
            let aliases = fields.aliases(*c);
            if aliases.is_empty() {
                format!("`{}`", c.name())
            } else {
                format!("`{}` (or «{}»)", c.name(), aliases.join("», «"))
            }
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::input(
            Source::in_table(file, sheet, row, None).to_string(),
            format!("missing required column(s): {}", missing.join(", ")),
        ));
    }
    // Messages quote headers: keep them escaped and short (a 1 MB or multi-line header
    // cell must not be copied into every finding).
    let shown = headers.iter().map(|h| show(h)).collect();
    Ok(ColumnMap::new(index, shown).on_sheet(sheet.cloned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Limits;
    use crate::ingest::decode::decode;
    use crate::ingest::table::{Table, read, read_limited};

    fn fields() -> FieldSchema {
        crate::schema::Schemas::embedded().unwrap().fields
    }

    fn table(file: FileKind, text: &str) -> Result<Table, Error> {
        read(file, decode(text.as_bytes()), &fields())
    }

    const EXPENSES_HEAD: &str = "applicant_id,member_id,kind,date,amount_rub,weight_kg,receipt";
    #[test]
    fn header_columns_are_limited_up_to_the_last_label() {
        let s = fields();
        let limits = Limits {
            max_columns: 7,
            ..Limits::default()
        };
        let read =
            |text: &str| read_limited(FileKind::Expenses, decode(text.as_bytes()), &s, &limits);
        assert!(read(&format!("{EXPENSES_HEAD},,,,\nA1,,duty,,5,,\n")).is_ok());
        let Err(e) = read(&format!("{EXPENSES_HEAD},,x\nA1,,duty,,5,,\n")) else {
            panic!("expected an error")
        };
        assert!(
            e.to_string().starts_with(
                "expenses.csv:1:8: the header has 9 columns, more than the limit of 7"
            ),
            "{e}"
        );
    }
    #[test]
    fn russian_headers_and_sep_line() {
        let t = table(
            FileKind::Expenses,
            "sep=;\nID заявителя;Вид расхода;Сумма;Лишний\nA1;проезд;100;x\n",
        )
        .unwrap();
        assert_eq!(t.columns.index(Col::Kind), Some(1));
        assert_eq!(t.columns.header(Col::AmountRub), "Сумма");
        assert_eq!(t.records[0].row, 3);
        assert_eq!(t.warnings.len(), 1);
        assert_eq!(t.warnings[0].source.to_string(), "expenses.csv:2:4");
    }

    #[test]
    fn missing_required_column_names_it() {
        let Err(e) = table(FileKind::Expenses, "applicant_id,amount_rub\nA1,5\n") else {
            panic!("expected an error")
        };
        let msg = e.to_string();
        assert!(msg.starts_with("expenses.csv:1:"), "{msg}");
        assert!(msg.contains("`kind`"), "{msg}");
    }

    #[test]
    fn duplicate_column_is_an_error() {
        let Err(e) = table(FileKind::Expenses, "applicant_id,kind,amount_rub,Сумма\n") else {
            panic!("expected an error")
        };
        assert!(e.to_string().contains("both mean `amount_rub`"), "{e}");
    }
}
