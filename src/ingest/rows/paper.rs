//! The `documents` column of `applicants.csv`: the documents an applicant holds on
//! paper, each code checked against `documents.toml` (retired codes warned about).

use crate::columns::Col;
use crate::findings::{Lang, Severity, Text};
use crate::model::{DocRef, Evidence, Held};
use crate::schema::DocumentSchema;
use crate::values;

use super::Cells;

/// Parses the `documents` column: `;`-separated codes, `code` for the applicant and
/// `code-<member_id>` for a family member. Whether the member exists is checked once
/// the family is attached.
pub(super) fn paper_documents(c: &mut Cells<'_>, docs: &DocumentSchema) -> Vec<Held> {
    let raw = c.raw(Col::Documents);
    let source = c.source(Col::Documents);
    let mut held = Vec::new();
    for item in raw
        .split([';', ',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (spec, member) = match docs.split_stem(item) {
            Some((spec, member)) => (Some(spec), member.map(str::trim)),
            None => (None, None),
        };
        if let Some(r) = spec.is_none().then(|| docs.retired(item)).flatten() {
            let (h, shown) = (c.header(Col::Documents), values::show(item));
            let (ru, en) = (r.note.get(Lang::Ru), r.note.get(Lang::En));
            let text = Text::new(
                format!("{h}: «{shown}» больше не нужен и не учтён: {ru}"),
                format!("{h}: «{shown}» is no longer needed and not counted: {en}"),
            );
            c.push("docs.retired", Severity::Warning, Col::Documents, text);
            continue;
        }
        let parsed = match (spec, member) {
            (None, _) => Err(("неизвестный код документа", "unknown document code")),
            (Some(s), None) if !s.for_applicant() => Err((
                "документ члена семьи: укажите код-ID_члена_семьи",
                "a family member's document: write code-<member_id>",
            )),
            (Some(s), Some(_)) if !s.for_members() => Err((
                "документ самого заявителя: укажите код без ID члена семьи",
                "the applicant's own document: write the code without a member id",
            )),
            (Some(_), Some(m)) if values::is_device_name(m) => Err((
                "ID члена семьи — зарезервированное имя устройства Windows",
                "the member id is a name Windows reserves for a device",
            )),
            (Some(_), Some(m)) if !values::is_valid_id(m) => {
                Err(("недопустимый ID члена семьи", "invalid member id"))
            }
            (Some(s), m) => Ok(DocRef {
                code: s.code,
                member_id: m.map(str::to_string),
            }),
        };
        match parsed {
            Ok(doc) => held.push(Held {
                doc,
                evidence: Evidence::Paper(source.clone()),
            }),
            Err((ru, en)) => {
                let h = c.header(Col::Documents);
                let shown = values::show(item);
                c.push(
                    "data.format",
                    Severity::Error,
                    Col::Documents,
                    Text::new(
                        format!("{h}: «{shown}» — {ru}"),
                        format!("{h}: «{shown}» — {en}"),
                    ),
                );
            }
        }
    }
    held
}
