//! What the application says, part by part, in the order of `templates/application.typ`:
//! the official header (acceptance note, ЗАЯВЛЕНИЕ, photo and approval boxes), the
//! applicant's items before item 23 ([`ITEMS`]), item 23's table of the family members in
//! the application, and the declarations with the lines to sign and date.

use docx_rs::TableCellBorderPosition::Bottom;
use docx_rs::{
    AlignmentType, BreakType, HeightRule, LineSpacing, Paragraph, SpecialIndentType, TableRow,
    VAlignType,
};
use serde_json::Value;

use super::build::{BODY, BOX, Builder, GREY, SMALL, TABLE, TEXT_WIDTH, borders, mm, run};
use super::values::{by_sex, full_name, member_doc, said, shown, text};

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
impl Builder {
    /// The applicant's items before item 23 ([`ITEMS`]), each row of fields with its values.
    pub(super) fn applicant(&mut self, a: &Value) {
        for (number, title, rows) in ITEMS {
            self.item(*number, title);
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
                self.fields(&pairs);
            }
        }
    }

    /// The official header: the note of acceptance, ЗАЯВЛЕНИЕ, the photo and approval boxes.
    pub(super) fn header(&mut self, d: &Value) {
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
    pub(super) fn family(&mut self, moving: &[&Value]) {
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
    pub(super) fn declarations(&mut self, sex: &Value) {
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
