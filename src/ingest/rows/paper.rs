//! The `documents` column of `applicants.csv`: the documents an applicant holds on
//! paper, each code checked against `documents.toml` (retired codes warned about).

use crate::columns::Col;
use crate::findings::{Arg, Lang, Message};
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
            let text = Message::new(
                crate::findings::words!(
                    "{0}: «{1}» больше не нужен и не учтён: {2}",
                    "{0}: «{1}» is no longer needed and not counted: {2}",
                ),
                [
                    Arg::plain(c.header(Col::Documents)),
                    Arg::value(values::show(item)),
                    Arg::both(r.note.get(Lang::Ru), r.note.get(Lang::En)),
                ],
            );
            c.push("docs.retired", Col::Documents, text);
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
                let message = Message::new(
                    crate::findings::words!("{0}: «{1}» — {2}", "{0}: «{1}» — {2}"),
                    [
                        Arg::plain(c.header(Col::Documents)),
                        Arg::value(values::show(item)),
                        Arg::both(ru, en),
                    ],
                );
                c.push("data.format", Col::Documents, message);
            }
        }
    }
    held
}
