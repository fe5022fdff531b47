//! `application.docx`: the filled application for participation as an editable Word
//! document, written beside `application.pdf` (missions in Kazakhstan take the application
//! printed and on a flash drive). It is made from the very JSON the PDF is rendered from
//! (the application's data of [`super::forms`]) and holds the same items in the same order
//! with the same words as `templates/application.typ`: the words that follow a person
//! (женат or замужем, сын or дочь) come ready in the data (`words`, see [`super::words`]).
//!
//! Same data, same bytes: paragraph ids are numbered here, the package's dates are the
//! as-of date, and the ZIP entries carry the archive format's fixed default time.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, HeightRule, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};
use serde_json::Value;

use TableCellBorderPosition::{Bottom, Left, Right, Top};

/// The width of the text on an A4 page with 20 mm margins, in twips.
const TEXT_WIDTH: usize = 9638;
/// Font sizes in half-points.
const BODY: usize = 20;
const SMALL: usize = 15;
const TABLE: usize = 17;
const GREY: &str = "505050";
const BOX: &[TableCellBorderPosition] = &[Top, Left, Bottom, Right];

/// Millimetres in twips.
fn mm(v: f32) -> usize {
    (v * 56.693).round() as usize
}

/// A value of the data as text: strings as they are, numbers as digits, null as "".
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as the form shows it: a dash when empty (`show-value` of common.typ).
fn shown(v: &Value) -> String {
    Some(text(v))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}

/// The word the form prints for `key` of a person: `words.key` when the data has it, else
/// the value itself.
fn said(p: &Value, key: &str) -> String {
    match p["words"][key].as_str() {
        Some(w) if !w.is_empty() => w.into(),
        _ => shown(&p[key]),
    }
}

/// Surname, name and patronymic, the empty ones left out (`full-name` of common.typ).
fn full_name(p: &Value) -> String {
    let parts: Vec<String> = ["last_name", "first_name", "patronymic"]
        .iter()
        .map(|k| text(&p[*k]))
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(" ")
}

/// The male form, the female form, or both for an unknown sex (`by-sex` of common.typ).
fn by_sex<'a>(sex: &Value, m: &'a str, f: &'a str, either: &'a str) -> &'a str {
    match sex.as_str() {
        Some("M") => m,
        Some("F") => f,
        _ => either,
    }
}

/// A family member's ID document on one line: kind, number, valid until.
fn member_doc(m: &Value) -> String {
    let mut parts = Vec::new();
    if !m["id_doc_type"].is_null() {
        parts.push(said(m, "id_doc_type"));
    }
    for (key, before) in [("id_doc_number", "№"), ("id_doc_expiry_date", "до")] {
        let v = text(&m[key]);
        if !v.is_empty() {
            parts.push(format!("{before}\u{A0}{v}"));
        }
    }
    Some(parts.join(", "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}

fn run(s: &str, size: usize) -> Run {
    Run::new().add_text(s).size(size)
}

/// Borders on the sides named.
fn borders(sides: &[TableCellBorderPosition]) -> TableCellBorders {
    sides.iter().fold(TableCellBorders::with_empty(), |b, s| {
        b.set(TableCellBorder::new(s.clone()).size(4).color("000000"))
    })
}

/// Where a value of the applicant's items comes from.
#[derive(Clone, Copy)]
enum Src {
    /// The value of this key, as it is.
    Plain(&'static str),
    /// The person's word for this key (`said`).
    Said(&'static str),
    /// `words.<key>` only (values the data holds as words alone).
    Word(&'static str),
}
use Src::{Plain, Said, Word};

/// An item: its official number where known (1 and 23), its title and its rows of fields.
type Item = (
    Option<u32>,
    &'static str,
    &'static [&'static [(&'static str, Src)]],
);

/// The applicant's items before item 23, in the order of `templates/application.typ`.
#[rustfmt::skip]
const ITEMS: &[Item] = &[
    (Some(1), "Фамилия, имя, отчество", &[
        &[("Фамилия", Plain("last_name")), ("Имя", Plain("first_name")),
          ("Отчество", Plain("patronymic"))],
        &[("Прежние фамилия, имя, отчество, причина и дата изменения", Plain("previous_names"))],
    ]),
    (None, "Дата и место рождения, пол", &[
        &[("Дата рождения", Plain("birth_date")), ("Место рождения", Plain("birth_place")),
          ("Пол", Said("sex"))],
    ]),
    (None, "Гражданство", &[
        &[("Гражданство", Said("citizenship")), ("Прежнее гражданство", Word("former_citizenship")),
          ("ИИН (Республика Казахстан)", Plain("iin"))],
    ]),
    (None, "Документ, удостоверяющий личность", &[
        &[("Вид документа", Said("id_doc_type")), ("Серия и номер", Plain("id_doc_number")),
          ("Дата выдачи", Plain("id_doc_issue_date")),
          ("Действителен до", Plain("id_doc_expiry_date"))],
        &[("Кем выдан", Plain("id_doc_issued_by"))],
        &[("Фамилия латинскими буквами (как в паспорте)", Plain("last_name_lat")),
          ("Имя латинскими буквами", Plain("first_name_lat"))],
    ]),
    (None, "Место жительства, телефон, электронная почта", &[
        &[("Регион проживания (Республика Казахстан)", Plain("kz_region")),
          ("Телефон", Plain("phone")), ("Электронная почта", Plain("email"))],
        &[("Адрес места жительства", Plain("address"))],
    ]),
    (None, "Семейное положение, образование, профессия, владение русским языком", &[
        &[("Семейное положение", Said("marital_status")), ("Образование", Said("education")),
          ("Владение русским языком", Said("russian_language"))],
        &[("Профессия, специальность", Plain("profession"))],
    ]),
    (None, "Выбранный субъект Российской Федерации", &[
        &[("Субъект Российской Федерации для переселения", Plain("target_region")),
          ("Участие в качестве репатрианта", Word("repatriate"))],
    ]),
];

/// Builds the document, numbering its paragraphs.
struct Builder {
    docx: Docx,
    next_id: u32,
}

impl Builder {
    /// A paragraph with the next id (the crate's own ids are counted per thread).
    fn para(&mut self) -> Paragraph {
        self.next_id += 1;
        Paragraph::new()
            .id(format!("{:08X}", self.next_id))
            .line_spacing(LineSpacing::new().before(0).after(0))
    }

    fn text(&mut self, s: &str, size: usize) -> Paragraph {
        self.para().add_run(run(s, size))
    }

    fn add(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    /// A cell of `width` twips holding `paragraphs`.
    fn cell(&mut self, width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
        let c = TableCell::new().width(width, WidthType::Dxa);
        paragraphs.into_iter().fold(c, |c, p| c.add_paragraph(p))
    }

    /// A cell holding one line of text.
    fn cell_text(&mut self, width: usize, s: &str, size: usize) -> TableCell {
        let p = self.text(s, size);
        self.cell(width, vec![p])
    }

    /// A table of columns `widths` (twips) with 1 mm of padding; borders are the cells'.
    fn grid(&mut self, widths: Vec<usize>, rows: Vec<TableRow>) {
        let t = Table::without_borders(rows)
            .set_grid(widths)
            .layout(TableLayoutType::Fixed)
            .width(TEXT_WIDTH, WidthType::Dxa)
            .margins(TableCellMargins::new().margin(0, mm(1.0), 0, mm(1.0)));
        self.docx = std::mem::take(&mut self.docx).add_table(t);
    }

    /// An item of the form: its official number where known, else none.
    fn item(&mut self, number: Option<u32>, title: &str) {
        let title = match number {
            Some(n) => format!("{n}. {title}"),
            None => title.to_string(),
        };
        let p = self.para().keep_next(true);
        let p = p.line_spacing(LineSpacing::new().before(200).after(60));
        self.add(p.add_run(run(&title.to_uppercase(), BODY).bold()));
    }

    /// Labelled values side by side, each on an underline, 6 mm apart (`fields` of
    /// common.typ); the captions keep with their values.
    fn fields(&mut self, pairs: &[(&str, String)]) {
        let n = pairs.len().max(1);
        let gutter = mm(6.0);
        let width = (TEXT_WIDTH - gutter * (n - 1)) / n;
        let (mut grid, mut captions, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (label, value)) in pairs.iter().enumerate() {
            if i > 0 {
                grid.push(gutter);
                let p = self.para().keep_next(true);
                captions.push(self.cell(gutter, vec![p]));
                values.push(self.cell_text(gutter, "", BODY));
            }
            grid.push(width);
            let p = self
                .para()
                .keep_next(true)
                .add_run(run(label, SMALL).color(GREY));
            captions.push(self.cell(width, vec![p]));
            values.push(
                self.cell_text(width, value, BODY)
                    .set_borders(borders(&[Bottom])),
            );
        }
        let rows = vec![
            TableRow::new(captions).cant_split(),
            TableRow::new(values).cant_split(),
        ];
        self.grid(grid, rows);
        let gap = self.para().size(8);
        self.add(gap);
    }

    /// The official header: the note of acceptance, ЗАЯВЛЕНИЕ, the photo and approval boxes.
    fn header(&mut self, d: &Value) {
        let approved = [
            "Утверждена",
            "распоряжением Правительства",
            "Российской Федерации",
            "от 16 февраля 2013 г. N 196-р",
        ];
        let mut p = self
            .para()
            .indent(Some((TEXT_WIDTH - mm(62.0)) as i32), None, None, None);
        for (i, line) in approved.iter().enumerate() {
            let r = run(line, 16);
            let last = i + 1 == approved.len();
            p = p.add_run(if last {
                r
            } else {
                r.add_break(BreakType::TextWrapping)
            });
        }
        self.add(p);
        let gap = self.para();
        self.add(gap);

        let w = [mm(24.0), mm(28.0), mm(20.0), TEXT_WIDTH - mm(72.0)];
        let consulate = text(&d["consulate"]["name"]);
        let line = |b: &mut Self, s: &str, w: usize| {
            let c = b.cell_text(w, s, BODY).vertical_align(VAlignType::Bottom);
            c.set_borders(borders(&[Bottom]))
        };
        let row1 = vec![
            self.cell_text(w[0], "Заявление N", BODY)
                .vertical_align(VAlignType::Bottom),
            line(self, "", w[1]),
            self.cell_text(w[2], "принято в", BODY)
                .vertical_align(VAlignType::Bottom),
            line(self, &consulate, w[3]),
        ];
        let note = self.para().align(AlignmentType::Center);
        let note = note.add_run(run("(наименование уполномоченного органа)", SMALL).color(GREY));
        let row2 = vec![
            self.cell_text(w[0], "", SMALL),
            self.cell_text(w[1], "", SMALL),
            self.cell_text(w[2], "", SMALL),
            self.cell(w[3], vec![note]),
        ];
        self.grid(w.to_vec(), vec![TableRow::new(row1), TableRow::new(row2)]);

        let p = self.para().align(AlignmentType::Center);
        let p = p.line_spacing(LineSpacing::new().before(240).after(160));
        self.add(p.add_run(run("ЗАЯВЛЕНИЕ", 28).bold()));

        let w = [mm(35.0), TEXT_WIDTH - mm(115.0), mm(80.0)];
        let centred = |b: &mut Self, lines: &[&str]| -> Vec<Paragraph> {
            let one = |b: &mut Self, s: &str| {
                let r = run(s, 19);
                let r = if s == "РАЗРЕШАЮ" { r.bold() } else { r };
                b.para().align(AlignmentType::Center).add_run(r)
            };
            lines.iter().map(|s| one(b, s)).collect()
        };
        let photo = centred(self, &["Место", "для фото", "35 x 45 мм"]);
        let approval = centred(
            self,
            &[
                "Оформление свидетельства",
                "РАЗРЕШАЮ",
                "Руководитель",
                "(заместитель руководителя)",
                "",
                "______________________________",
            ],
        );
        let row = vec![
            self.cell(w[0], photo)
                .set_borders(borders(BOX))
                .vertical_align(VAlignType::Center),
            self.cell_text(w[1], "", BODY),
            self.cell(w[2], approval).set_borders(borders(BOX)),
        ];
        let row = TableRow::new(row)
            .row_height(mm(45.0) as f32)
            .height_rule(HeightRule::Exact);
        self.grid(w.to_vec(), vec![row]);
    }

    /// Item 23: the family members in the application, as a table.
    fn family(&mut self, moving: &[&Value]) {
        let mut widths: Vec<usize> = [5.0, 20.0, 0.0, 18.0, 18.0, 21.0, 26.0, 22.0]
            .iter()
            .map(|w| mm(*w))
            .collect();
        widths[2] = TEXT_WIDTH - widths.iter().sum::<usize>();
        let heads = [
            "№",
            "Степень родства",
            "Фамилия, имя, отчество; прежние фамилия, имя, отчество",
            "Дата рождения",
            "Семейное положение",
            "Гражданство",
            "Документ, удостоверяющий личность",
            "ИИН",
        ];
        let mut head = Vec::new();
        for (h, w) in heads.iter().zip(&widths) {
            let p = self.para().keep_next(true).add_run(run(h, SMALL).bold());
            head.push(self.cell(*w, vec![p]).set_borders(borders(BOX)));
        }
        let mut rows = vec![TableRow::new(head).cant_split()];
        for (i, m) in moving.iter().enumerate() {
            let values = [
                (i + 1).to_string(),
                said(m, "relation"),
                full_name(m),
                shown(&m["birth_date"]),
                said(m, "marital_status"),
                said(m, "citizenship"),
                member_doc(m),
                shown(&m["iin"]),
            ];
            let mut cells = Vec::new();
            for (k, (s, w)) in values.iter().zip(&widths).enumerate() {
                let mut ps = vec![self.text(s, TABLE)];
                let before = text(&m["previous_names"]);
                if k == 2 && !before.is_empty() {
                    let r = run(&format!("прежние: {before}"), SMALL).color(GREY);
                    ps.push(self.para().add_run(r));
                }
                cells.push(self.cell(*w, ps).set_borders(borders(BOX)));
            }
            rows.push(TableRow::new(cells).cant_split());
        }
        self.grid(widths, rows);
    }

    /// The declarations and the lines for the signature and the date.
    fn declarations(&mut self, sex: &Value) {
        self.item(None, "Подтверждения и согласие");
        let lines = [
            "подтверждаю достоверность сведений, указанных в заявлении, и подлинность \
             представленных документов;"
                .to_string(),
            "обязуюсь после переселения проживать в выбранном субъекте Российской Федерации не \
             менее трёх лет;"
                .to_string(),
            format!(
                "{} с условиями Государственной программы, правами и обязанностями её участника;",
                by_sex(sex, "ознакомлен", "ознакомлена", "ознакомлен(а)")
            ),
            format!(
                "{} на обработку моих персональных данных и персональных данных членов моей семьи \
                 в целях участия в Государственной программе.",
                by_sex(sex, "согласен", "согласна", "согласен(на)")
            ),
        ];
        for line in &lines {
            let p = self.para().keep_next(true);
            let p = p.indent(Some(284), Some(SpecialIndentType::Hanging(284)), None, None);
            self.add(p.add_run(run(&format!("•\t{line}"), 19)));
        }
        let gap = self.para().keep_next(true);
        self.add(gap);
        let w = [mm(100.0), mm(20.0), TEXT_WIDTH - mm(120.0)];
        let caption = |b: &mut Self, s: &str, w: usize| {
            let p = b.para().add_run(run(s, SMALL).color(GREY));
            b.cell(w, vec![p])
        };
        let row1 = vec![
            self.cell_text(w[0], "", BODY)
                .set_borders(borders(&[Bottom])),
            self.cell_text(w[1], "", BODY),
            self.cell_text(w[2], "", BODY)
                .set_borders(borders(&[Bottom])),
        ];
        let row2 = vec![
            caption(self, "подпись, расшифровка — заявитель", w[0]),
            caption(self, "", w[1]),
            caption(self, "дата", w[2]),
        ];
        let row1 = TableRow::new(row1)
            .row_height(mm(10.0) as f32)
            .height_rule(HeightRule::AtLeast);
        self.grid(w.to_vec(), vec![row1.cant_split(), TableRow::new(row2)]);
    }
}

/// `DD.MM.YYYY` as the package's W3CDTF date (the epoch when it is not a date).
fn package_date(d: &Value) -> String {
    let s = text(d);
    match s.split('.').collect::<Vec<_>>().as_slice() {
        [dd, mo, yyyy] if dd.len() == 2 && mo.len() == 2 && yyyy.len() == 4 => {
            format!("{yyyy}-{mo}-{dd}T00:00:00Z")
        }
        _ => "1970-01-01T00:00:00Z".into(),
    }
}

/// The application of `data` (an application's `/data.json`) as the bytes of a .docx file.
pub fn application(data: &Value) -> Result<Vec<u8>, String> {
    let font = "Times New Roman";
    let fonts = RunFonts::new()
        .ascii(font)
        .hi_ansi(font)
        .east_asia(font)
        .cs(font);
    let when = package_date(&data["as_of"]);
    let margins = PageMargin::new()
        .top(mm(16.0) as i32)
        .bottom(mm(18.0) as i32);
    let margins = margins.left(mm(20.0) as i32).right(mm(20.0) as i32);
    let docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(margins.header(mm(8.0) as i32).footer(mm(8.0) as i32))
        .default_fonts(fonts)
        .default_size(BODY)
        .created_at(&when)
        .updated_at(&when);
    let mut b = Builder { docx, next_id: 0 };
    let a = &data["applicant"];

    if data["draft"] == Value::Bool(true) {
        let p = b.para().align(AlignmentType::Center);
        b.add(p.add_run(run("ЧЕРНОВИК", 28).bold().color("909090")));
    }
    b.header(data);
    for (number, title, rows) in ITEMS {
        b.item(*number, title);
        for row in *rows {
            let pairs: Vec<(&str, String)> = row
                .iter()
                .map(|(label, src)| {
                    let v = match src {
                        Plain(k) => shown(&a[*k]),
                        Said(k) => said(a, k),
                        Word(k) => shown(&a["words"][*k]),
                    };
                    (*label, v)
                })
                .collect();
            b.fields(&pairs);
        }
    }

    b.item(Some(23), "Члены семьи, включённые в заявление");
    let family = data["family"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let moving: Vec<&Value> = family.iter().filter(|m| m["relocating"] == true).collect();
    if moving.is_empty() {
        let p = b.text("Члены семьи в заявление не включены.", BODY);
        b.add(p);
    } else {
        b.family(&moving);
    }
    b.declarations(&a["sex"]);

    let mut bytes = Cursor::new(Vec::new());
    b.docx.pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}

/// The text of every paragraph of a .docx file, in order (a table's cell by cell), read
/// back with the crate's reader: what the tests check the written files with.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, String> {
    use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
    fn table(t: &Table, out: &mut Vec<String>) {
        for TableChild::TableRow(row) in &t.rows {
            for TableRowChild::TableCell(cell) in &row.cells {
                for c in &cell.children {
                    match c {
                        TableCellContent::Paragraph(p) => out.push(p.raw_text()),
                        TableCellContent::Table(t) => table(t, out),
                        _ => {}
                    }
                }
            }
        }
    }
    let docx = docx_rs::read_docx(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => out.push(p.raw_text()),
            DocumentChild::Table(t) => table(t, &mut out),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(draft: bool) -> Value {
        let member = |relation, word, sex, name, before, marital: Option<&str>| {
            json!({"relation": relation, "sex": sex, "last_name": name, "first_name": "Вера",
                "patronymic": "", "previous_names": before, "birth_date": "01.02.1990",
                "citizenship": "KZ", "iin": "900201400000", "relocating": true,
                "id_doc_type": "passport", "id_doc_number": "N1", "id_doc_expiry_date": "01.01.2030",
                "words": {"relation": word, "marital_status": marital, "citizenship": "Республика Казахстан",
                    "id_doc_type": "паспорт"}})
        };
        let mut away = member("child", "сын", "M", "Остаётся", "", None);
        away["relocating"] = json!(false);
        json!({
            "as_of": "24.11.2026", "draft": draft,
            "consulate": {"name": "Генеральное консульство России в Уральске"},
            "applicant": {"last_name": "Иванова", "first_name": "Ольга", "patronymic": "Петровна",
                "previous_names": "Смирнова, заключение брака, 01.06.2010", "sex": "F",
                "marital_status": "married", "words": {"marital_status": "замужем", "sex": "женский",
                "former_citizenship": "", "repatriate": "нет"}},
            "family": [
                member("spouse", "супруг", "M", "Иванов", "", Some("женат")),
                member("child", "дочь", "F", "Иванова", "Кузнецова, удочерение, 2015", None),
                away,
            ],
        })
    }

    #[test]
    fn the_application_reads_back_with_its_items_and_words() {
        let text = paragraphs(&application(&data(false)).unwrap()).unwrap();
        let has = |s: &str| text.iter().any(|p| p == s);
        for s in [
            "ЗАЯВЛЕНИЕ",
            "РАЗРЕШАЮ",
            "35 x 45 мм",
            "Генеральное консульство России в Уральске",
            "1. ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО",
            "Иванова",
            "Смирнова, заключение брака, 01.06.2010",
            "замужем",
            "23. ЧЛЕНЫ СЕМЬИ, ВКЛЮЧЁННЫЕ В ЗАЯВЛЕНИЕ",
            "супруг",
            "дочь",
            "женат",
            "прежние: Кузнецова, удочерение, 2015",
            "паспорт, №\u{A0}N1, до\u{A0}01.01.2030",
        ] {
            assert!(has(s), "{s:?} not in {text:?}");
        }
        assert!(text.iter().any(|p| p.contains("ознакомлена с условиями")));
        assert!(
            !text.iter().any(|p| p.contains("Остаётся")),
            "not relocating"
        );
        assert!(!has("ЧЕРНОВИК"));
        assert!(!text.iter().any(|p| p.contains(" / ")), "{text:?}");
        let draft = paragraphs(&application(&data(true)).unwrap()).unwrap();
        assert_eq!(draft[0], "ЧЕРНОВИК");
    }

    #[test]
    fn same_data_same_bytes_on_any_thread() {
        let d = data(false);
        let first = application(&d).unwrap();
        assert_eq!(application(&d).unwrap(), first);
        let other = std::thread::scope(|s| s.spawn(|| application(&d).unwrap()).join().unwrap());
        assert_eq!(other, first);
        assert_eq!(package_date(&json!("24.11.2026")), "2026-11-24T00:00:00Z");
        assert_eq!(package_date(&Value::Null), "1970-01-01T00:00:00Z");
    }
}
