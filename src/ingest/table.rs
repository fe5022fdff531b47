//! Text to a table of records: detects the delimiter (`,` `;` tab, or an Excel `sep=`
//! line), maps the header row to known columns (`header`), and keeps each record with
//! its line, checking its quotes. A workbook's sheet becomes the same table (`grid`):
//! its cells' text back to back, with notes on the cells whose type says more than
//! their text.

mod grid;
mod header;

use crate::columns::{ColumnMap, FileKind};
use crate::error::Error;
use crate::findings::words;
use crate::findings::{Arg, Message, RowError, Source};
use crate::ingest::Limits;
use crate::ingest::decode::Decoded;
use crate::schema::FieldSchema;

pub use super::split::Fields;
use super::split::{At, Part};
pub use grid::{Note, NoteKind, header_of, read_grid};
use header::{map_header, repeated_header, repeats_header};

/// One data record: the line it starts on and where its fields are in the table.
#[derive(Debug, Clone, Copy)]
pub struct Record {
    pub row: u64,
    at: At,
}

/// A file split into records: the fields of most records are spans of the file's text
/// (no allocation per record or field); those that needed unescaping lie in the parts.
pub struct Table {
    pub file: FileKind,
    pub columns: ColumnMap,
    /// The line (a sheet's row, 1-based) of the header row.
    pub header_row: u64,
    /// The decoded file.
    text: String,
    parts: Vec<Part>,
    pub records: Vec<Record>,
    pub warnings: Vec<RowError>,
    /// Problems that lose rows (an unclosed quote): listed in the report's errors.
    pub errors: Vec<RowError>,
    /// How the file was read, e.g. "Windows-1251, ';'".
    pub format: String,
    /// What the cells of a workbook's sheet say beyond their text (an error cell, a
    /// number that lost digits), by record and field; none for a CSV file.
    notes: Vec<Note>,
}

impl Table {
    pub fn fields(&self, r: &Record) -> Fields<'_> {
        Fields::new(&self.text, &self.parts, &r.at)
    }

    /// The notes on the cells of record `r`.
    pub fn notes(&self, r: usize) -> &[Note] {
        if self.notes.is_empty() {
            return &[];
        }
        let r = r as u32;
        let from = self.notes.partition_point(|n| n.record < r);
        let to = from + self.notes[from..].partition_point(|n| n.record == r);
        &self.notes[from..to]
    }
}

/// Turns record byte offsets into 1-based line numbers, scanning the text once.
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
    /// Whether any CR stands alone (old Mac line ends); if not, counting LF suffices.
    lone_cr: bool,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8], first_line: u64) -> LineCounter<'a> {
        LineCounter {
            text,
            pos: 0,
            line: first_line,
            lone_cr: memchr::memchr_iter(b'\r', text).any(|i| text.get(i + 1) != Some(&b'\n')),
        }
    }

    /// The line on which the record at byte `start` begins (skipping the line break
    /// that ends the previous record).
    fn line_of(&mut self, mut start: usize) -> u64 {
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.min(self.text.len()).max(self.pos);
        let span = &self.text[self.pos..start];
        // A line break is LF, CRLF, or a lone CR.
        let mut breaks = memchr::memchr_iter(b'\n', span).count();
        if self.lone_cr {
            let text = self.text;
            let at = self.pos;
            breaks += memchr::memchr_iter(b'\r', span)
                .filter(|&i| text.get(at + i + 1) != Some(&b'\n'))
                .count();
        }
        self.line += breaks as u64;
        self.pos = start;
        self.line
    }
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "','",
        b';' => "';'",
        b'\t' => "tab",
        _ => "?",
    }
}

/// Counts the candidate delimiters outside quotes in the first line and picks the most
/// frequent (`;` before tab before `,` on a tie). A line with none is one column.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3]; // ; \t ,
    let mut in_quotes = false;
    // The header is the first non-blank line.
    let text = text.trim_start_matches(['\r', '\n', ' ', '\t']);
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            b';' if !in_quotes => counts[0] += 1,
            b'\t' if !in_quotes => counts[1] += 1,
            b',' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b';', b'\t', b','];
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(2);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// Reads `decoded` (the contents of `file`) into a table with the default [`Limits`].
pub fn read(file: FileKind, decoded: Decoded<'_>, fields: &FieldSchema) -> Result<Table, Error> {
    read_limited(file, decoded, fields, &Limits::default())
}

/// Reads `decoded` (the contents of `file`) into a table, keeping its text. Fails,
/// naming the file, when there is no header row, a column is given twice, a required
/// column is missing, or the file has more data rows or header columns than `limits`
/// allow.
pub fn read_limited(
    file: FileKind,
    decoded: Decoded<'_>,
    fields: &FieldSchema,
    limits: &Limits,
) -> Result<Table, Error> {
    if decoded.text.len() > super::split::MAX_TEXT {
        return Err(Error::input(
            file.file_name(),
            "the file's text is larger than 2 GiB once decoded (a Windows-1251 file doubles in size): split the batch into smaller ones",
        ));
    }
    let full = super::decode::to_nfc(decoded.text.into_owned());
    let mut from = 0;
    let mut delimiter = None;
    // Excel's "sep=;" hint line.
    if let Some(rest) = full.strip_prefix("sep=") {
        // The line ends at LF, CRLF or a lone CR (Excel for Mac's "CSV (Macintosh)").
        let first_line_end = match rest.find(['\r', '\n']) {
            Some(i) if rest[i..].starts_with("\r\n") => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let hint = rest[..first_line_end].trim_end_matches(['\r', '\n']);
        if let [d @ (b',' | b';' | b'\t')] = hint.as_bytes() {
            delimiter = Some(*d);
            from = "sep=".len() + first_line_end;
        }
    }
    let text = &full[from..];
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(text));
    let format = match &decoded.certainty {
        Some(why) => format!(
            "{} ({why}), {}",
            decoded.encoding.label(),
            delimiter_name(delimiter)
        ),
        None => format!(
            "{}, {}",
            decoded.encoding.label(),
            delimiter_name(delimiter)
        ),
    };
    let split = match super::split::split(&full, from, delimiter, limits.max_rows) {
        Ok(split) => split,
        Err(start) => {
            let row = LineCounter::new(full.as_bytes(), 1).line_of(start);
            return Err(too_many_rows(
                format_args!("{}:{row}", file.file_name()),
                limits.max_rows,
            ));
        }
    };
    let mut warnings = Vec::new();
    if decoded.replaced > 0 {
        warnings.push(RowError {
            rule: "data.encoding",
            source: Source::Row {
                file,
                row: decoded.first_replaced_line.unwrap_or(1) as u64,
            },
            message: Message::new(
                words!(
                    "{0} байт(а) не являются допустимым текстом {1} и заменены знаком �; первая замена в строке {2}",
                    "{0} byte sequence(s) are not valid {1} and were replaced by �; the first on line {2}",
                ),
                [
                    Arg::num(decoded.replaced),
                    Arg::plain(decoded.encoding.label()),
                    Arg::num(decoded.first_replaced_line.unwrap_or(1)),
                ],
            ),
        });
    }

    let mut lines = LineCounter::new(full.as_bytes(), 1);
    let view = |s: &super::split::Span| Fields::new(&full, &split.parts, &s.at);
    let mut spans = split.spans.iter();
    let header = loop {
        match spans.next() {
            None => {
                return Err(Error::input(
                    file.file_name(),
                    "the file is empty: the first row must name the columns (see `resettle init`)",
                ));
            }
            Some(s) if view(s).is_blank() => continue,
            Some(s) => break (lines.line_of(s.start), s),
        }
    };
    let columns = map_header(
        file,
        None,
        header.0,
        view(header.1),
        fields,
        limits.max_columns,
        &mut warnings,
    )?;

    let fields_schema = fields;
    // Fields that have no header: beyond the header row, or under an empty header cell.
    let header_len = header.1.at.count as usize;
    let unlabeled: Vec<usize> = (0..header_len)
        .filter(|&i| columns.header_at(i).is_none_or(str::is_empty))
        .collect();
    let mut records = Vec::with_capacity(spans.len());
    let mut unlabeled_values = 0usize;
    let mut first_unlabeled: Option<u64> = None;
    // Values a row should have: up to the last labelled header cell (Excel pads headers
    // with empty cells).
    let labelled = (0..header_len)
        .rev()
        .find(|&i| columns.header_at(i).is_some_and(|h| !h.is_empty()))
        .map_or(0, |i| i + 1);
    let mut errors = Vec::new();
    let mut quote_warnings = 0;
    for s in spans {
        let fields = view(s);
        if fields.is_blank() {
            continue;
        }
        let record = Record {
            row: lines.line_of(s.start),
            at: s.at,
        };
        if repeats_header(|i| fields.get(i), &columns, file, fields_schema) {
            let at = Source::Row {
                file,
                row: record.row,
            };
            errors.push(repeated_header(at, record.row));
            continue;
        }
        let (start, end) = (s.start, s.end);
        // One scan decides which quote check applies: a record over several lines
        // (an unclosed quote swallowing rows) or on one line (shifted values).
        if let Some(raw) = full.get(start..end) {
            if spans_lines(raw) {
                if errors.len() < 10
                    && let Some(e) =
                        unclosed_quote(file, record.row, raw, fields.len(), labelled, header_len)
                {
                    errors.push(e);
                }
            } else if quote_warnings < 10
                && let Some(w) = misplaced_quote(file, record.row, raw, fields.len(), labelled)
            {
                quote_warnings += 1;
                warnings.push(w);
            }
        }
        let stray = unlabeled
            .iter()
            .copied()
            .chain(header_len..fields.len())
            .filter(|&i| fields.get(i).is_some_and(|v| !v.trim().is_empty()))
            .count();
        if stray > 0 {
            unlabeled_values += stray;
            first_unlabeled.get_or_insert(record.row);
        }
        records.push(record);
    }
    if let Some(row) = first_unlabeled {
        warnings.push(stray_values(
            Source::Row { file, row },
            unlabeled_values,
            row,
        ));
    }
    let notes = undecodable(&full, &split.parts, &records, decoded.encoding.label());
    Ok(Table {
        file,
        columns,
        header_row: header.0,
        text: full,
        parts: split.parts,
        records,
        warnings,
        errors,
        format,
        notes,
    })
}

/// A note on every field that holds U+FFFD, a byte sequence the decoder could not read
/// in `encoding` (or the same character in the file, as unprintable): each is that
/// cell's `data.format` error. Nothing to look at in nearly every file.
fn undecodable(
    text: &str,
    parts: &[Part],
    records: &[Record],
    encoding: &'static str,
) -> Vec<Note> {
    if !text.contains('\u{FFFD}') {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for (r, rec) in records.iter().enumerate() {
        let fields = Fields::new(text, parts, &rec.at);
        for (i, f) in fields.iter().enumerate() {
            if f.contains('\u{FFFD}') {
                notes.push(Note {
                    record: r as u32,
                    field: i as u32,
                    kind: NoteKind::Undecodable { encoding },
                });
            }
        }
    }
    notes
}

/// The error for a file with more than `max` data rows; `at` is the first row past it.
fn too_many_rows(at: impl std::fmt::Display, max: u64) -> Error {
    Error::input(
        at.to_string(),
        format!(
            "the file has more than {max} data rows, the limit (--max-rows): split the batch into smaller ones, or raise the limit if the file is right"
        ),
    )
}

/// A row on one line that holds a quote and another number of values than the header:
/// a quote probably opened in the wrong place and shifted the values (no row is lost).
fn misplaced_quote(
    file: FileKind,
    row: u64,
    raw: &str,
    values: usize,
    header: usize,
) -> Option<RowError> {
    if spans_lines(raw) || values >= header || !raw.contains('"') {
        return None;
    }
    Some(RowError {
        rule: "data.format",
        source: Source::Row { file, row },
        message: Message::new(
            words!(
                "в строке {0} есть кавычка (\") и {1} значений вместо {2}: похоже, кавычка сдвинула значения — проверьте кавычки в этой строке",
                "row {0} holds a quote (\") and {1} values instead of {2}: a quote seems to have shifted the values — check the quotes on this row",
            ),
            [Arg::num(row), Arg::num(values), Arg::num(header)],
        ),
    })
}

/// The warning for `count` values standing in columns without a header, the first on
/// row `row`.
fn stray_values(source: Source, count: usize, row: u64) -> RowError {
    RowError {
        rule: "data.unknown_column",
        source,
        message: Message::new(
            words!(
                "{0} значение(й) стоят в столбцах без заголовка и не прочитаны; первое в строке {1}",
                "{0} value(s) stand in columns without a header and were ignored; the first on row {1}",
            ),
            [Arg::num(count), Arg::num(row)],
        ),
    }
}

/// Whether the raw text of a record (from its start to the next record's) runs over
/// several lines.
fn spans_lines(raw: &str) -> bool {
    memchr::memchr2(b'\r', b'\n', raw.trim_matches(['\r', '\n']).as_bytes()).is_some()
}

/// A quote left open swallows the rows after it into one value, until another quote
/// closes it (or to the end of the file). The record then runs over several lines and
/// has another number of values than the header (a real multi-line cell keeps the
/// count), or, at the end of the file, holds an odd number of quotes.
/// Called for a record over several lines. `header` counts the labelled columns,
/// `cells` every header cell: a well-formed row has either many values (Excel pads rows
/// as it pads the header).
fn unclosed_quote(
    file: FileKind,
    row: u64,
    raw: &str,
    values: usize,
    header: usize,
    cells: usize,
) -> Option<RowError> {
    let odd = memchr::memchr_iter(b'"', raw.as_bytes()).count() % 2 == 1;
    if (values == header || values == cells) && !odd {
        return None;
    }
    let lines = raw.trim_matches(['\r', '\n']).matches('\n').count() + 1;
    Some(RowError {
        rule: "data.format",
        source: Source::Row { file, row },
        message: Message::new(
            words!(
                "кавычка (\"), открытая в строке {0}, похоже, не закрыта: {1} строк(и) файла прочитаны как одна строка с {2} значениями вместо {3}; строки после неё не прочитаны — закройте или удалите кавычку",
                "a quote (\") opened on row {0} seems never closed: {1} lines of the file were read as one row of {2} values instead of {3}; the rows after it were not read — close or remove the quote",
            ),
            [
                Arg::num(row),
                Arg::num(lines),
                Arg::num(values),
                Arg::num(header),
            ],
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::decode::decode;

    fn fields() -> FieldSchema {
        crate::schema::Schemas::embedded().unwrap().fields
    }

    fn table(file: FileKind, text: &str) -> Result<Table, Error> {
        read(file, decode(text.as_bytes()), &fields())
    }

    const EXPENSES_HEAD: &str = "applicant_id,member_id,kind,date,amount_rub,weight_kg,receipt";

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("a,b,c"), b',');
        assert_eq!(detect_delimiter("\"a;b\",c"), b',');
        assert_eq!(detect_delimiter("single"), b',');
    }

    #[test]
    fn reads_quoted_fields_with_newlines_and_crlf() {
        let t = table(
            FileKind::Expenses,
            &format!(
                "{EXPENSES_HEAD}\r\nA1,,travel,2026-01-01,\"1,5\",,\"a \"\"b\"\"\r\nc\"\r\n\r\n\r\nA2,,duty,,100,,\r\n"
            ),
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].row, 2);
        let f = t.fields(&t.records[0]);
        assert_eq!(f.get(4), Some("1,5"));
        assert_eq!(f.get(6), Some("a \"b\"\r\nc"));
        assert_eq!(t.records[1].row, 6);
    }

    #[test]
    fn an_unclosed_quote_is_an_error_where_it_opens() {
        let t = table(
            FileKind::Expenses,
            &format!(
                "{EXPENSES_HEAD}\nA1,,duty,,5,,\nA2,,\"duty,,6,,\nA3,,duty,,7,,\nA4,,duty,,8,,\n"
            ),
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.errors.len(), 1, "{:?}", t.errors);
        assert_eq!(t.errors[0].source.to_string(), "expenses.csv:3");
        assert!(
            t.errors[0]
                .message
                .get(crate::findings::Lang::En)
                .contains("never closed")
        );
        // A quote that is closed, and a literal quote in an unquoted cell, are fine.
        let t = table(
            FileKind::Expenses,
            &format!("{EXPENSES_HEAD}\nA1,,\"du\nty\",,5,,\nA2,,5\" disk,,6,,\n"),
        )
        .unwrap();
        assert!(t.errors.is_empty(), "{:?}", t.errors);
    }

    #[test]
    fn blank_lines_are_no_records_and_rows_are_limited() {
        let text = format!("{EXPENSES_HEAD}\n\n\n,,,\n  \nA1,,duty,,5,,\n\r\n\rA2,,duty,,6,,\n");
        let t = table(FileKind::Expenses, &text).unwrap();
        let rows: Vec<u64> = t.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [6, 9]);
        let s = fields();
        let limited = |max_rows| {
            let limits = Limits {
                max_rows,
                ..Limits::default()
            };
            read_limited(FileKind::Expenses, decode(text.as_bytes()), &s, &limits)
        };
        assert!(limited(2).is_ok());
        let Err(e) = limited(1) else {
            panic!("expected an error")
        };
        assert!(
            e.to_string()
                .starts_with("expenses.csv:9: the file has more than 1 data rows"),
            "{e}"
        );
    }
    #[test]
    fn lone_cr_line_endings_count_as_lines() {
        let t = table(
            FileKind::Expenses,
            &format!("{EXPENSES_HEAD}\rA1,,duty,,5,,\rA2,,duty,,6,,\r"),
        )
        .unwrap();
        let rows: Vec<u64> = t.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [2, 3]);
    }
    #[test]
    fn empty_file_is_an_error() {
        assert!(table(FileKind::Applicants, "").is_err());
        assert!(table(FileKind::Applicants, "\n\n").is_err());
    }

    #[test]
    fn values_without_header_are_reported() {
        let t = table(
            FileKind::Expenses,
            &format!("{EXPENSES_HEAD},\nA1,,duty,,5,,,oops\n"),
        )
        .unwrap();
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert!(
            t.warnings[0]
                .message
                .get(crate::findings::Lang::En)
                .contains("without a header")
        );
    }
}
