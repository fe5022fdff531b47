//! The cell reader of one record: [`Cells`] reads each cell as its type (text, date,
//! yes/no, count, vocabulary word, digits, bounded decimal, citizenship, IIN), and every
//! value that is empty where required, too long or cannot be read becomes a finding
//! pointing at its cell. Also the bounds of numeric cells ([`Bound`]). The notes of a
//! workbook's cells (an error cell, a number that lost digits) are reported by `excel`.

mod excel;

use jiff::civil::Date;

use crate::columns::ColumnMap;
use crate::columns::{Col, FileKind};
use crate::findings::words;
use crate::findings::{Arg, Finding, Message, Source, mask};
use crate::ingest::table::Fields;
use crate::model::{Citizenship, CitizenshipWord, Vocabulary, YesNo};
use crate::schema::FieldSchema;
use crate::schema::fields::Script;
use crate::values;

/// Columns whose values are personal numbers: masked in every message.
const PERSONAL: &[Col] = &[
    Col::Iin,
    Col::IdDocNumber,
    Col::BankAccount,
    Col::Snils,
    Col::Inn,
];

/// What a value should have looked like, for the message of a `data.format` finding.
enum Expected {
    Date,
    YesNo,
    Count,
    Decimal {
        unit_ru: &'static str,
        unit_en: &'static str,
    },
    Digits(usize),
    Country,
    /// Lists the accepted values (built only when a message needs it).
    OneOf(fn() -> String),
}

impl Expected {
    fn hint(&self) -> (String, String) {
        match self {
            Expected::Date => (
                "ожидается дата ГГГГ-ММ-ДД или ДД.ММ.ГГГГ".into(),
                "expected a date YYYY-MM-DD or DD.MM.YYYY".into(),
            ),
            Expected::YesNo => ("ожидается да или нет".into(), "expected yes or no".into()),
            Expected::Count => (
                "ожидается целое число не меньше 0".into(),
                "expected a whole number, 0 or more".into(),
            ),
            Expected::Decimal { unit_ru, unit_en } => (
                format!("ожидается число ({unit_ru}), например 12500,50"),
                format!("expected a number ({unit_en}), e.g. 12500.50"),
            ),
            Expected::Digits(n) => (
                format!("ожидается {n} цифр"),
                format!("expected {n} digits"),
            ),
            Expected::Country => (
                "ожидается код страны из двух латинских букв (KZ) или «без гражданства»".into(),
                "expected a two-letter country code (KZ) or stateless".into(),
            ),
            Expected::OneOf(list) => (
                format!("ожидается одно из: {}", list()),
                format!("expected one of: {}", list()),
            ),
        }
    }
}

fn variants<V: Vocabulary>() -> String {
    V::VARIANTS
        .iter()
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cells of one record, with the findings their parsing produces.
pub struct Cells<'a> {
    file: FileKind,
    pub(super) row: u64,
    record: Fields<'a>,
    cols: &'a ColumnMap,
    fields: &'a FieldSchema,
    member_id: Option<String>,
    /// Columns whose value is not read: longer than the cell limit, or a workbook cell
    /// that holds no usable value (an error, a number that lost digits). Reported
    /// once, then read as empty (bit `Col::index`).
    withheld: u128,
    pub findings: Vec<Finding>,
}

impl<'a> Cells<'a> {
    /// The cells of a record, with the default cell limit ([`crate::ingest::Limits`]).
    pub fn new(
        file: FileKind,
        row: u64,
        record: Fields<'a>,
        cols: &'a ColumnMap,
        fields: &'a FieldSchema,
    ) -> Cells<'a> {
        Cells::with_max_cell(
            file,
            row,
            record,
            cols,
            fields,
            crate::ingest::limits::DEFAULT_MAX_CELL,
        )
    }

    /// The cells of a record; a value longer than `max_cell` bytes is a `data.format`
    /// finding on its cell and is read as empty, so it reaches neither the report nor
    /// the forms. Ids are left to their own check (at most 64 characters).
    pub fn with_max_cell(
        file: FileKind,
        row: u64,
        record: Fields<'a>,
        cols: &'a ColumnMap,
        fields: &'a FieldSchema,
        max_cell: usize,
    ) -> Cells<'a> {
        let mut cells = Cells {
            file,
            row,
            record,
            cols,
            fields,
            member_id: None,
            withheld: 0,
            findings: Vec::new(),
        };
        // Most records hold no field that long: then no cell needs looking at.
        if max_cell == usize::MAX || record.longest() <= max_cell {
            return cells;
        }
        for &col in file.columns() {
            if matches!(col, Col::ApplicantId | Col::MemberId) {
                continue;
            }
            let len = cells.raw(col).len();
            if len > max_cell {
                cells.too_long_value(col, len, max_cell);
            }
        }
        cells
    }

    fn too_long_value(&mut self, col: Col, len: usize, max: usize) {
        use crate::ingest::limits::show_size;
        let h = self.header(col);
        let (len, max) = (show_size(len as u64), show_size(max as u64));
        self.push(
            "data.format",
            col,
            Message::new(
                words!(
                    "{0}: значение длиной {1} больше предела {2} (--max-cell) и не прочитано — исправьте ячейку",
                    "{0}: a value of {1} is longer than the limit of {2} (--max-cell) and was not read — correct the cell",
                ),
                [Arg::plain(h), Arg::plain(len), Arg::plain(max)],
            ),
        );
        self.withhold(col);
    }

    /// From now on `col` reads as empty, its problem reported.
    fn withhold(&mut self, col: Col) {
        if let Some(bit) = 1u128.checked_shl(col.index() as u32) {
            self.withheld |= bit;
        }
    }

    fn is_withheld(&self, col: Col) -> bool {
        1u128
            .checked_shl(col.index() as u32)
            .is_some_and(|bit| self.withheld & bit != 0)
    }

    /// The trimmed text of a cell, empty when the file has no such column (or the
    /// value is withheld: longer than the cell limit, or an unusable workbook cell).
    pub fn raw(&self, col: Col) -> &'a str {
        if self.withheld != 0 && self.is_withheld(col) {
            return "";
        }
        self.raw_unwithheld(col)
    }

    /// The trimmed text of a cell, withheld or not.
    fn raw_unwithheld(&self, col: Col) -> &'a str {
        self.cols
            .index(col)
            .and_then(|i| self.record.get(i))
            .map_or("", values::trim)
    }

    pub fn source(&self, col: Col) -> Source {
        Source::in_table(
            self.file,
            self.cols.sheet(),
            self.row,
            self.cols.number(col),
        )
    }

    pub fn row_source(&self) -> Source {
        Source::in_table(self.file, self.cols.sheet(), self.row, None)
    }

    /// The header of `col` as the file spells it.
    pub fn header(&self, col: Col) -> &'a str {
        self.cols.header(col)
    }

    /// Findings from now on concern this family member.
    pub fn set_member(&mut self, member_id: &str) {
        self.member_id = Some(member_id.to_string());
    }

    pub fn push(&mut self, rule: &'static str, col: Col, message: Message) {
        self.findings.push(
            Finding::new(rule, message)
                .member(self.member_id.clone())
                .on(col)
                .at(Some(self.source(col))),
        );
    }

    /// A `data.required` finding for an empty required value.
    pub fn require_failed(&mut self, col: Col) {
        let h = self.header(col);
        self.push(
            "data.required",
            col,
            Message::new(
                words!(
                    "{0}: обязательное поле не заполнено",
                    "{0}: required value is empty",
                ),
                [Arg::plain(h)],
            ),
        );
    }

    /// The non-empty value of `col`; an empty required one is a `data.required` finding.
    fn present(&mut self, col: Col) -> Option<&'a str> {
        let v = self.raw(col);
        if v.is_empty() {
            if self.fields.is_required(self.file, col) && !self.is_withheld(col) {
                self.require_failed(col);
            }
            return None;
        }
        Some(v)
    }

    fn parse<T>(
        &mut self,
        col: Col,
        expected: Expected,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let v = self.present(col)?;
        let parsed = f(v);
        if parsed.is_none() {
            // Cut and escaped first, then masked: a 10 MB "IIN" gives a short message.
            let shown = if PERSONAL.contains(&col) {
                mask(&values::show(v))
            } else {
                values::show(v)
            };
            let h = self.header(col);
            let (ru, en) = expected.hint();
            self.push(
                "data.format",
                col,
                Message::new(
                    words!(
                        "{0}: значение «{1}» не распознано — {2}",
                        "{0}: value «{1}» not understood — {2}",
                    ),
                    [Arg::plain(h), Arg::value(shown), Arg::both(ru, en)],
                ),
            );
        }
        parsed
    }

    /// Free text, as written. A NUL character (never typed by hand, left by broken
    /// exports) is a `data.format` finding and is removed.
    pub fn text(&mut self, col: Col) -> String {
        let v = self.present(col).unwrap_or("");
        if let Some(script) = self.fields.script(col) {
            self.check_script(col, v, script);
        }
        if !v.contains('\0') {
            return v.to_string();
        }
        let h = self.header(col);
        let shown = if PERSONAL.contains(&col) {
            mask(&values::show(v))
        } else {
            values::show(v)
        };
        self.push(
            "data.format",
            col,
            Message::new(
                words!(
                    "{0}: значение «{1}» содержит нулевой символ (NUL) — исправьте ячейку",
                    "{0}: value «{1}» holds a NUL character — correct the cell",
                ),
                [Arg::plain(h), Arg::value(shown)],
            ),
        );
        v.replace('\0', "")
    }

    /// A name with letters not of the column's script (fields.toml `[scripts]`) is a
    /// `data.format` error naming them: a Latin «o» in a Cyrillic surname looks right
    /// and is another name to every register.
    fn check_script(&mut self, col: Col, v: &str, script: Script) {
        // A letter of the script, or an ASCII character that is no letter of it (a space,
        // a hyphen, a Latin letter in a Cyrillic name is foreign) is settled without the
        // Unicode tables `is_alphabetic` looks in: nearly every character of a name.
        let is_foreign = |c: char| {
            !script.has(c)
                && (if c.is_ascii() {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_alphabetic()
                })
        };
        let mut foreign: Vec<char> = Vec::new();
        for c in v.chars().filter(|&c| is_foreign(c)) {
            if !foreign.contains(&c) && foreign.len() < 8 {
                foreign.push(c);
            }
        }
        if foreign.is_empty() {
            return;
        }
        let letters = foreign
            .iter()
            .map(char::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let (h, shown) = (self.header(col), values::show(v));
        let (ru, en) = script.name();
        self.push(
            "data.format",
            col,
            Message::new(
                words!(
                    "{0}: в «{1}» буквы не того алфавита ({2}) — столбец пишется {3}, как в документе; наберите эти буквы заново (латинская «o» выглядит как русская «о», но это другое имя)",
                    "{0}: «{1}» holds letters of another script ({2}) — the column is written in {3}, as in the document; type them again (a Latin «o» looks like a Cyrillic «о» and is another name)",
                ),
                [
                    Arg::plain(h),
                    Arg::value(shown),
                    Arg::value(letters),
                    Arg::both(ru, en),
                ],
            ),
        );
    }

    pub fn date(&mut self, col: Col) -> Option<Date> {
        self.parse(col, Expected::Date, values::date)
    }

    pub fn yes_no(&mut self, col: Col) -> Option<bool> {
        let fields = self.fields;
        self.parse(col, Expected::YesNo, |v| {
            fields.lookup::<YesNo>(v).map(|y| y == YesNo::Yes)
        })
    }

    pub fn count(&mut self, col: Col) -> Option<u32> {
        self.parse(col, Expected::Count, values::count)
    }

    pub fn vocab<V: Vocabulary>(&mut self, col: Col) -> Option<V> {
        let fields = self.fields;
        self.parse(col, Expected::OneOf(variants::<V>), |v| {
            fields.lookup::<V>(v)
        })
    }

    pub fn digits(&mut self, col: Col, len: usize) -> Option<String> {
        self.parse(col, Expected::Digits(len), |v| values::digit_string(v, len))
    }

    /// A non-negative decimal scaled by 10^`scale`, at most `bound` (in whole units). A
    /// larger value is a `data.format` finding on its cell, like one that cannot be
    /// read, and is not used.
    pub fn decimal(&mut self, col: Col, scale: u32, bound: Bound) -> Option<i64> {
        let (unit_ru, unit_en) = (bound.unit_ru, bound.unit_en);
        let value = self.parse(col, Expected::Decimal { unit_ru, unit_en }, |v| {
            values::decimal(v, scale)
        })?;
        let max = bound.max.saturating_mul(10i64.saturating_pow(scale));
        if value <= max {
            return Some(value);
        }
        let shown = values::show(self.raw(col));
        let h = self.header(col);
        let (ru, en) = (bound.ru(), bound.en());
        self.push(
            "data.format",
            col,
            Message::new(
                words!(
                    "{0}: значение «{1}» больше {2} — {3} не бывает, проверьте ячейку",
                    "{0}: value «{1}» is more than {2} — {3}, check the cell",
                ),
                [
                    Arg::plain(h),
                    Arg::value(shown),
                    Arg::both(format!("{ru} {unit_ru}"), format!("{en} {unit_en}")),
                    Arg::both(bound.what_ru, bound.what_en),
                ],
            ),
        );
        None
    }

    pub fn citizenship(&mut self, col: Col) -> Option<Citizenship> {
        let fields = self.fields;
        self.parse(col, Expected::Country, |v| {
            match fields.lookup::<CitizenshipWord>(v) {
                Some(w) => Some(w.citizenship()),
                None => values::country_code(v).map(Citizenship::Country),
            }
        })
    }

    /// Citizenships, `;`- or `,`-separated: each a country code or a synonym of
    /// `fields.toml` (`Казахстан`); the first that cannot be read is a `data.format`
    /// finding, and the list is then not used.
    pub fn countries(&mut self, col: Col) -> Vec<Citizenship> {
        let fields = self.fields;
        self.parse(col, Expected::Country, |v| {
            v.split([';', ','])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| match fields.lookup::<CitizenshipWord>(x) {
                    Some(CitizenshipWord::Stateless) => None,
                    Some(w) => Some(w.citizenship()),
                    None => values::country_code(x).map(Citizenship::Country),
                })
                .collect::<Option<Vec<_>>>()
        })
        .unwrap_or_default()
    }

    /// An IIN: 12 digits, required when the person is a citizen of Kazakhstan.
    pub fn iin(&mut self, citizenship: Option<Citizenship>) -> Option<String> {
        let iin = self.digits(Col::Iin, 12);
        if self.raw(Col::Iin).is_empty()
            && !self.is_withheld(Col::Iin)
            && citizenship == Some(Citizenship::KZ)
        {
            let h = self.header(Col::Iin);
            self.push(
                "data.required",
                Col::Iin,
                Message::new(
                    words!(
                        "{0}: ИИН обязателен для граждан Казахстана",
                        "{0}: an IIN is required for citizens of Kazakhstan",
                    ),
                    [Arg::plain(h)],
                ),
            );
        }
        iin
    }
}

/// The largest value a numeric column accepts, in whole units, with what a larger one
/// would mean for the message.
#[derive(Clone, Copy)]
pub struct Bound {
    pub max: i64,
    pub unit_ru: &'static str,
    pub unit_en: &'static str,
    what_ru: &'static str,
    what_en: &'static str,
}

impl Bound {
    /// The bound written the Russian way: `1 000 000 000`.
    fn ru(&self) -> String {
        group_thousands(self.max, ' ')
    }

    /// The bound written the English way: `1,000,000,000`.
    fn en(&self) -> String {
        group_thousands(self.max, ',')
    }
}

fn group_thousands(n: i64, sep: char) -> String {
    crate::format::group_digits(n, sep)
}

/// The largest amount of one expense, `amount_rub`: one billion roubles. Real relocation
/// expenses (tickets, baggage, duties) are thousands to hundreds of thousands of roubles,
/// so a larger value is a typing mistake (an account number in the wrong column). The
/// bound also keeps every sum of amounts far from overflowing: in kopecks it is 10^11,
/// and the 5,000,000 rows `--max-rows` admits sum to at most 5·10^17, under i64's 9.2·10^18
/// (two expenses of 5·10^16 roubles used to wrap the sum and print a negative total).
pub const MAX_AMOUNT: Bound = Bound {
    max: 1_000_000_000,
    unit_ru: "руб.",
    unit_en: "roubles",
    what_ru: "таких расходов",
    what_en: "no expense is that large",
};

/// The largest weight of one expense, `weight_kg`: a million kilograms. The program
/// compensates the carriage of a few tonnes of baggage; a larger value is a mistake. In
/// grams the bound is 10^9, so sums stay far from overflowing as for [`MAX_AMOUNT`].
pub const MAX_WEIGHT: Bound = Bound {
    max: 1_000_000,
    unit_ru: "кг",
    unit_en: "kg",
    what_ru: "такого багажа",
    what_en: "no baggage is that heavy",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_grouped_by_thousands() {
        assert_eq!(MAX_AMOUNT.en(), "1,000,000,000");
        assert_eq!(MAX_AMOUNT.ru(), "1 000 000 000");
        assert_eq!(MAX_WEIGHT.en(), "1,000,000");
        assert_eq!(group_thousands(12, ','), "12");
        assert_eq!(group_thousands(1234, ','), "1,234");
        assert_eq!(group_thousands(123_456, ','), "123,456");
    }
}
