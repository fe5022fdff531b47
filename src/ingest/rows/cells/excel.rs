//! The notes of a table's cells, reported on their cells. A CSV cell whose bytes did not
//! decode in the file's encoding is a `data.format` error, the cell read as empty (never
//! a form printed with `�`). Of a workbook's cells: an error cell (`#N/A`) and
//! a number Excel could not hold in a column of digits are `data.format` errors, and
//! the cell is read as empty (no second, `data.required`, finding); an IIN that was
//! valid once its leading 0 was restored, and a document number that may have lost
//! one, are `data.excel_number` warnings. Ids are left to their own check.

use super::{Cells, PERSONAL};
use crate::columns::Col;
use crate::findings::{Severity, Text, mask};
use crate::ingest::table::{Note, NoteKind};
use crate::values;

/// The fix for a number Excel stored without the digits that matter.
const FIX_RU: &str = "сделайте столбец текстовым (Формат ячеек → Текстовый) и введите номер заново";
const FIX_EN: &str = "format the column as Text and type the number again";

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
        let h = self.header(col);
        let shown = |v: &str| {
            if PERSONAL.contains(&col) {
                mask(&values::show(v))
            } else {
                values::show(v)
            }
        };
        let (rule, severity, message) = match kind {
            NoteKind::ErrorCell(code) => (
                "data.format",
                Severity::Error,
                Text::new(
                    format!(
                        "{h}: в ячейке ошибка Excel {code} (формула не вычислилась) — исправьте формулу или введите значение"
                    ),
                    format!(
                        "{h}: the cell holds the Excel error {code} (a formula that could not be computed) — correct the formula or type the value"
                    ),
                ),
            ),
            NoteKind::Inexact(v) => {
                let v = shown(v);
                (
                    "data.format",
                    Severity::Error,
                    Text::new(
                        format!(
                            "{h}: «{v}» хранится как число, а Excel хранит в числе не больше 15 цифр: цифры номера потеряны — {FIX_RU}"
                        ),
                        format!(
                            "{h}: «{v}» is stored as a number, and Excel keeps no more than 15 digits of a number: digits of the number are lost — {FIX_EN}"
                        ),
                    ),
                )
            }
            NoteKind::LostZeros { digits, len } => {
                let (n, v) = (digits.len(), shown(digits));
                (
                    "data.format",
                    Severity::Error,
                    Text::new(
                        format!(
                            "{h}: «{v}» хранится как число из {n} цифр вместо {len}: Excel отбросил ведущие нули — {FIX_RU}"
                        ),
                        format!(
                            "{h}: «{v}» is stored as a number of {n} digits instead of {len}: Excel dropped its leading zeros — {FIX_EN}"
                        ),
                    ),
                )
            }
            NoteKind::ZeroRestored { stored } => {
                let (v, restored) = (shown(stored), shown(&format!("0{stored}")));
                (
                    "data.excel_number",
                    Severity::Warning,
                    Text::new(
                        format!(
                            "{h}: ИИН хранится как число из 11 цифр «{v}»; с восстановленным ведущим 0 («{restored}») он верен и прочитан так — сверьте его с документом; {FIX_RU}, чтобы Excel сохранил 0"
                        ),
                        format!(
                            "{h}: the IIN is stored as the 11-digit number «{v}»; with its leading 0 restored («{restored}») it is valid and was read so — check it against the document; {FIX_EN} so that Excel keeps the 0"
                        ),
                    ),
                )
            }
            NoteKind::Undecodable { encoding } => {
                let v = shown(self.raw_unwithheld(col));
                (
                    "data.format",
                    Severity::Error,
                    Text::new(
                        format!(
                            "{h}: в значении «{v}» есть байты, которые не читаются как {encoding} (показаны знаком �): эта строка сохранена в другой кодировке — исправьте значение или сохраните файл заново целиком в одной кодировке"
                        ),
                        format!(
                            "{h}: the value «{v}» holds bytes that do not read as {encoding} (shown as �): this row was saved in another encoding — correct the value, or save the whole file again in one encoding"
                        ),
                    ),
                )
            }
            NoteKind::ShortNumber { digits } => {
                let v = shown(digits);
                (
                    "data.excel_number",
                    Severity::Warning,
                    Text::new(
                        format!(
                            "{h}: номер «{v}» хранится как число: если номер документа начинается с 0, Excel его отбросил — сверьте с документом; {FIX_RU}"
                        ),
                        format!(
                            "{h}: «{v}» is stored as a number: if the document's number starts with 0, Excel dropped it — check it against the document; {FIX_EN}"
                        ),
                    ),
                )
            }
        };
        self.push(rule, severity, col, message);
        if severity == Severity::Error {
            self.withhold(col);
        }
    }
}
