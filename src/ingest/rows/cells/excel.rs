//! The notes of a table's cells, reported on their cells. A CSV cell whose bytes did not
//! decode in the file's encoding is a `data.format` error, the cell read as empty (never
//! a form printed with `�`). Of a workbook's cells: an error cell (`#N/A`) and
//! a number Excel could not hold in a column of digits are `data.format` errors, and
//! the cell is read as empty (no second, `data.required`, finding); an IIN that was
//! valid once its leading 0 was restored, and a document number that may have lost
//! one, are `data.excel_number` warnings. Ids are left to their own check.

use super::{Cells, PERSONAL};
use crate::columns::Col;
use crate::findings::{Arg, Message, mask};
use crate::ingest::table::{Note, NoteKind};
use crate::values;

/// The fix for a number Excel stored without the digits that matter, in Russian
/// (`fix!(ru)`) and English (`fix!(en)`).
macro_rules! fix {
    (ru) => {
        "сделайте столбец текстовым (Формат ячеек → Текстовый) и введите номер заново"
    };
    (en) => {
        "format the column as Text and type the number again"
    };
}

/// Words whose `{0}` is the column's header.
macro_rules! said {
    ($ru:expr, $en:expr, [$($arg:expr),*] $(,)?) => {
        Message::new(crate::findings::words!($ru, $en), [$($arg),*])
    };
}

impl Cells<'_> {
    /// Reports the `notes` of this record's cells (see the module documentation).
    pub fn with_notes(mut self, notes: &[Note]) -> Self {
        for note in notes {
            let Some(col) = self.cols.column_at(self.file, note.field as usize) else {
                continue;
            };
            if matches!(col, Col::ApplicantId | Col::MemberId) || self.is_withheld(col) {
                continue;
            }
            self.note(col, &note.kind);
        }
        self
    }

    fn note(&mut self, col: Col, kind: &NoteKind) {
        let h = Arg::plain(self.header(col));
        let shown = |v: &str| {
            if PERSONAL.contains(&col) {
                mask(&values::show(v))
            } else {
                values::show(v)
            }
        };
        let (rule, message) = match kind {
            NoteKind::ErrorCell(code) => (
                "data.format",
                said!(
                    "{0}: в ячейке ошибка Excel {1} (формула не вычислилась) — исправьте формулу или введите значение",
                    "{0}: the cell holds the Excel error {1} (a formula that could not be computed) — correct the formula or type the value",
                    [h, Arg::plain(code.as_str())],
                ),
            ),
            NoteKind::Inexact(v) => {
                let v = shown(v);
                (
                    "data.format",
                    said!(
                        concat!(
                            "{0}: «{1}» хранится как число, а Excel хранит в числе не больше 15 цифр: цифры номера потеряны — ",
                            fix!(ru)
                        ),
                        concat!(
                            "{0}: «{1}» is stored as a number, and Excel keeps no more than 15 digits of a number: digits of the number are lost — ",
                            fix!(en)
                        ),
                        [h, Arg::value(v)],
                    ),
                )
            }
            NoteKind::LostZeros { digits, len } => {
                let (n, v) = (digits.len(), shown(digits));
                (
                    "data.format",
                    said!(
                        concat!(
                            "{0}: «{1}» хранится как число из {2} цифр вместо {3}: Excel отбросил ведущие нули — ",
                            fix!(ru)
                        ),
                        concat!(
                            "{0}: «{1}» is stored as a number of {2} digits instead of {3}: Excel dropped its leading zeros — ",
                            fix!(en)
                        ),
                        [h, Arg::value(v), Arg::num(n), Arg::num(len)],
                    ),
                )
            }
            NoteKind::ZeroRestored { stored } => {
                let (v, restored) = (shown(stored), shown(&format!("0{stored}")));
                (
                    "data.excel_number",
                    said!(
                        concat!(
                            "{0}: ИИН хранится как число из 11 цифр «{1}»; с восстановленным ведущим 0 («{2}») он верен и прочитан так — сверьте его с документом; ",
                            fix!(ru),
                            ", чтобы Excel сохранил 0"
                        ),
                        concat!(
                            "{0}: the IIN is stored as the 11-digit number «{1}»; with its leading 0 restored («{2}») it is valid and was read so — check it against the document; ",
                            fix!(en),
                            " so that Excel keeps the 0"
                        ),
                        [h, Arg::value(v), Arg::value(restored)],
                    ),
                )
            }
            NoteKind::Undecodable { encoding } => {
                let v = shown(self.raw_unwithheld(col));
                (
                    "data.format",
                    said!(
                        "{0}: в значении «{1}» есть байты, которые не читаются как {2} (показаны знаком �): эта строка сохранена в другой кодировке — исправьте значение или сохраните файл заново целиком в одной кодировке",
                        "{0}: the value «{1}» holds bytes that do not read as {2} (shown as �): this row was saved in another encoding — correct the value, or save the whole file again in one encoding",
                        [h, Arg::value(v), Arg::plain(encoding.to_string())],
                    ),
                )
            }
            NoteKind::ShortNumber { digits } => {
                let v = shown(digits);
                (
                    "data.excel_number",
                    said!(
                        concat!(
                            "{0}: номер «{1}» хранится как число: если номер документа начинается с 0, Excel его отбросил — сверьте с документом; ",
                            fix!(ru)
                        ),
                        concat!(
                            "{0}: «{1}» is stored as a number: if the document's number starts with 0, Excel dropped it — check it against the document; ",
                            fix!(en)
                        ),
                        [h, Arg::value(v)],
                    ),
                )
            }
        };
        self.push(rule, col, message);
        // A value that cannot be used is read as empty; a warning's value is used.
        if rule == "data.format" {
            self.withhold(col);
        }
    }
}
