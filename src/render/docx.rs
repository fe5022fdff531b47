//! `application.docx`: the filled application for participation as an editable Word
//! document, written beside `application.pdf` (missions in Kazakhstan take the application
//! printed and on a flash drive). It is made from the very JSON the PDF is rendered from
//! (the application's data of [`super::forms`]) and holds the same items in the same order
//! with the same words as `templates/application.typ`: the words that follow a person
//! (женат or замужем, сын or дочь) come ready in the data (`words`, see [`super::words`]).
//!
//! Same data, same bytes: paragraph ids are numbered here, the package's dates are the
//! as-of date, and the ZIP entries carry the archive format's fixed default time.
//!
//! This file puts the document together ([`application`]); its parts live beside it:
//! `docx/build` (the builder, its measures and the pieces of layout), `docx/form` (what
//! each part of the form says), `docx/values` (the data's values as the form prints
//! them) and `docx/read` ([`paragraphs`], reading a written file back).

mod build;
mod form;
mod read;
mod values;

use std::io::Cursor;

use docx_rs::{AlignmentType, Docx, PageMargin, RunFonts};
use serde_json::Value;

use build::{BODY, Builder, mm, run};
use values::text;

pub use read::{is_own, paragraphs};

/// The custom document property every application.docx of resettle carries, by which a
/// run knows a file in OUT is its own before it removes it ([`is_own`]).
pub const GENERATOR: (&str, &str) = ("generator", "resettle");

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
        .updated_at(&when)
        .custom_property(GENERATOR.0, GENERATOR.1);
    let mut b = Builder::new(docx);
    let a = &data["applicant"];

    if data["draft"] == Value::Bool(true) {
        let p = b.para().align(AlignmentType::Center);
        b.add(p.add_run(run("ЧЕРНОВИК", 28).bold().color("909090")));
    }
    b.header(data);
    b.applicant(a);

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
    b.into_docx().pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
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
