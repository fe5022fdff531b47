//! `--redact`: a report that can be shared (with a coordinator, a donor, a support
//! desk) without personal data. Applied once to the [`Report`] (or to each entry as it
//! is finished, when `validate` streams them, and then to the rest), so
//! report.json, report.html, findings.csv and the console all show the same redacted
//! content:
//!
//! - an applicant is shown by the id and the initials of the name, «К. А. В.» for
//!   Кузнецов Андрей Викторович (the id stands beside it everywhere);
//! - no value from the batch is shown: a message is data (its words and typed values,
//!   [`crate::findings::Message`]), and every value that came from a cell or a file name
//!   (a value, a name, an address, a phone, an e-mail, a file name, a sheet's name, a
//!   member's name) becomes `•••`; an id stays when it is a valid one (it names an
//!   applicant or member and no person), a wrong one is hidden like a value;
//! - any run of 9 or more digits left in a message's values is masked to its last four
//!   (personal numbers are masked so already: IIN, ID document, bank account, SNILS,
//!   INN);
//! - the file name of a scan is shown only when it is a document code
//!   (`documents/A001/id_card.pdf`, or `birth_certificate-F2.jpg` for a member the report
//!   names), else as `•••` with its extension; a folder in `documents/` only when it is
//!   an applicant's id;
//! - every id, source and output name left has its runs of 9 or more digits masked too
//!   (an IIN used as an id or in a file name).
//!
//! What stays: ids, statuses, rules, severities, sources (file:row:column), missions,
//! booking dates and amounts.

use std::collections::HashSet;
use std::sync::Arc;

use super::{ApplicantReport, Report};
use crate::columns::Sheet;
use crate::findings::{Arg, Message, Source};
use crate::model::TableRead;
use crate::schema::DocumentSchema;
use crate::source::is_table_sheet;
use crate::values::{is_valid_id, mask_digit_runs};

/// What stands for a value that is not shown.
pub use crate::findings::HIDDEN;

/// The initials of a full name: the first letter of each word, with a dot, `К. А. В.`;
/// a hyphenated word gives one initial.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A message with its values masked: a value from the batch (a cell, a name, a file
/// name, a member's name) hidden, an id kept when it is a valid one, and runs of 9 or
/// more digits masked in whatever is left.
fn redact_message(m: &mut Message) {
    for arg in m.args_mut() {
        match arg {
            Arg::Value(_) => *arg = Arg::Hidden,
            Arg::Id(id) if !is_valid_id(id) => *arg = Arg::Hidden,
            Arg::Plain(s) | Arg::Id(s) => mask_boxed(s),
            Arg::Both { ru, en } => {
                mask_boxed(ru);
                mask_boxed(en);
            }
            Arg::Member { name, id } => {
                *name = HIDDEN.into();
                mask_boxed(id);
            }
            Arg::Part(part) => redact_message(part),
            Arg::Hidden => {}
        }
    }
}

fn mask_boxed(s: &mut Box<str>) {
    if let std::borrow::Cow::Owned(masked) = mask_digit_runs(s) {
        *s = masked.into();
    }
}

/// A file name shown only when it is a document code, `code` or `code-<member_id>` of a
/// member the report knows for that applicant (with any extension, or the `.*` of a
/// missing document): `diploma-IvanovPetr.pdf` is a name, not a member.
fn is_document_name(name: &str, docs: &DocumentSchema, members: &HashSet<&str>) -> bool {
    let stem = name.split_once('.').map_or(name, |(stem, _)| stem);
    let code = match stem.split_once('-') {
        Some((code, member)) if is_valid_id(member) && members.contains(member) => code,
        Some(_) => return false,
        None => stem,
    };
    docs.by_stem(code).is_some()
}

/// `s` with runs of 9 or more digits masked to their last four, in place: ids and file
/// names may hold an IIN or a document number too.
fn mask_in_place(s: &mut String) {
    if let std::borrow::Cow::Owned(masked) = mask_digit_runs(s) {
        *s = masked;
    }
}

/// `•••` and the extension of `name` when it looks like one (letters and digits, at most
/// five), so that a reader still sees it was a `.pdf` or a `.docx`.
fn hidden_file_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((_, ext))
            if (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            format!("{HIDDEN}.{ext}")
        }
        _ => HIDDEN.to_string(),
    }
}

/// A path under the batch folder with the names that may be personal hidden, and long
/// digit runs masked in what is left.
fn redact_path(
    path: &str,
    ids: &HashSet<&str>,
    docs: &DocumentSchema,
    members: &HashSet<&str>,
) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let mut out = parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i {
            0 => part.to_string(),
            1 if ids.contains(part) => part.to_string(),
            1 => HIDDEN.to_string(),
            _ if i == parts.len() - 1 && is_document_name(part, docs, members) => part.to_string(),
            _ if i == parts.len() - 1 => hidden_file_name(part),
            _ => HIDDEN.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/");
    mask_in_place(&mut out);
    out
}

/// The source with its path redacted ([`redact_path`]); a cell (`file:row:column`) holds
/// nothing personal. A workbook's cell keeps its sheet and cell (`Заявители!F12`) but
/// not the workbook's name, which may be a family's (`•••.xlsx`), nor a sheet's name
/// that is not a table's.
fn redact_source(
    source: &mut Source,
    ids: &HashSet<&str>,
    docs: &DocumentSchema,
    members: &HashSet<&str>,
) {
    match source {
        Source::Path(p) => *p = redact_path(p, ids, docs, members),
        Source::Sheet { sheet, .. } => redact_sheet(sheet),
        Source::Cell { .. } | Source::Row { .. } => {}
    }
}

/// The sheet without the workbook's name, which may be a family's (`•••.xlsx`), nor its
/// own name when it is not a table's.
fn redact_sheet(sheet: &mut Arc<Sheet>) {
    let name = if is_table_sheet(&sheet.name) {
        sheet.name.clone()
    } else {
        HIDDEN.to_string()
    };
    *sheet = Arc::new(Sheet {
        book: hidden_file_name(&sheet.book),
        name,
    });
}

/// What the console says of how each table was read, redacted as the report's sources
/// are: a workbook's name and a sheet's that is not a table's are hidden.
pub fn redact_reads(reads: &mut [TableRead]) {
    for sheet in reads.iter_mut().filter_map(|r| r.sheet.as_mut()) {
        redact_sheet(sheet);
    }
}

impl Report {
    /// Removes personal data from the report (see the module documentation); `docs`
    /// tells which scan names are document codes.
    pub fn redact(&mut self, docs: &DocumentSchema) {
        let ids: HashSet<String> = self
            .applicants
            .iter()
            .map(|a| a.applicant_id.clone())
            .collect();
        for a in &mut self.applicants {
            a.redact(docs);
        }
        self.redact_rows(docs, &ids);
    }

    /// Removes personal data from what is not an applicant's entry (the rows not
    /// processed, the batch's warnings), `ids` being every applicant's, and marks the
    /// report redacted: the rest of [`Report::redact`] when the entries were redacted
    /// one by one ([`ApplicantReport::redact`]) as they were made.
    pub fn redact_rows(&mut self, docs: &DocumentSchema, ids: &HashSet<String>) {
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let none = HashSet::new();
        for e in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            redact_message(&mut e.message);
            redact_source(&mut e.source, &ids, docs, &none);
        }
        self.redacted = true;
    }
}

impl ApplicantReport {
    /// Removes personal data from one entry. The only folder of `documents/` its
    /// sources name is its own: shown when it is spelled as the id (a folder spelled
    /// in another case is no applicant's id, ids equal but for case being refused).
    pub fn redact(&mut self, docs: &DocumentSchema) {
        let a = self;
        let own: HashSet<&str> = HashSet::from([a.applicant_id.as_str()]);
        a.name = initials(&a.name);
        // The members the report names for this applicant: a scan `code-<member>`
        // is shown only for them.
        let members: HashSet<String> = a
            .findings
            .iter()
            .filter_map(|f| f.member_id.clone())
            .chain(
                a.allowance
                    .persons
                    .iter()
                    .filter_map(|p| p.member_id.clone()),
            )
            .collect();
        let members: HashSet<&str> = members.iter().map(String::as_str).collect();
        for f in &mut a.findings {
            redact_message(&mut f.message);
            if let Some(s) = &mut f.source {
                redact_source(s, &own, docs, &members);
            }
        }
        // Ids too: an IIN used as an applicant or member id is masked like one.
        mask_in_place(&mut a.applicant_id);
        for f in &mut a.findings {
            if let Some(m) = &mut f.member_id {
                mask_in_place(m);
            }
        }
        for p in &mut a.allowance.persons {
            if let Some(m) = &mut p.member_id {
                mask_in_place(m);
            }
        }
        a.outputs.iter_mut().for_each(mask_in_place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Кузнецов Андрей Викторович"), "К. А. В.");
        assert_eq!(initials("Сейтқали Әлихан"), "С. Ә.");
        assert_eq!(initials("Иванова-Петрова  анна"), "И. А.");
        assert_eq!(initials("«Ёлкин» 12"), "Ё.");
        assert_eq!(initials(""), "");
    }

    fn redacted(mut m: Message) -> String {
        redact_message(&mut m);
        m.get(crate::findings::Lang::En)
    }

    #[test]
    fn values_are_hidden_ids_kept_and_long_numbers_masked() {
        let value = |v: &str| {
            Message::new(
                crate::findings::words!("{0}: значение «{1}»", "{0}: value «{1}» holds a NUL"),
                [Arg::plain("address"), Arg::value(v)],
            )
        };
        assert_eq!(
            redacted(value("ул. Абая, 1")),
            "address: value «•••» holds a NUL"
        );
        // A value holding the quotes themselves is hidden whole.
        assert_eq!(
            redacted(value("a» b «c")),
            "address: value «•••» holds a NUL"
        );
        let orphan = |id: &str| {
            Message::new(
                crate::findings::words!("нет «{0}»{1}", "no applicant «{0}»{1}"),
                [
                    Arg::id(id),
                    Arg::part(Some(Message::new(
                        crate::findings::words!(" (есть «{0}»)", " (there is «{0}»)"),
                        [Arg::id("a099")],
                    ))),
                ],
            )
        };
        assert_eq!(
            redacted(orphan("A099")),
            "no applicant «A099» (there is «a099»)"
        );
        assert_eq!(
            redacted(orphan("Иванов")),
            "no applicant «•••» (there is «a099»)"
        );
        let numbers = Message::new(
            crate::findings::words!("{0} {1}", "IIN {0} and {1}"),
            [Arg::plain("850412300123"), Arg::plain("12345678")],
        );
        assert_eq!(redacted(numbers), "IIN ••••••••0123 and 12345678");
        let member = Message::new(
            crate::findings::words!("{0}", "member {0}"),
            [Arg::Member {
                name: "Иванов Иван".into(),
                id: "F1".into(),
            }],
        );
        assert_eq!(redacted(member), "member «•••» (F1)");
    }

    #[test]
    fn scan_names_are_hidden_unless_codes() {
        let docs = Schemas::embedded().unwrap().documents;
        let ids: HashSet<&str> = ["A001"].into_iter().collect();
        let members: HashSet<&str> = ["F2"].into_iter().collect();
        for (path, shown) in [
            ("documents/A001/id_card.pdf", "documents/A001/id_card.pdf"),
            ("documents/A001/diploma.*", "documents/A001/diploma.*"),
            (
                "documents/A001/birth_certificate-F2.jpg",
                "documents/A001/birth_certificate-F2.jpg",
            ),
            (
                "documents/A001/Кузнецов паспорт.jpg",
                "documents/A001/•••.jpg",
            ),
            ("documents/A001/kuznetsov", "documents/A001/•••"),
            (
                "documents/A001/sub/id_card.pdf",
                "documents/A001/•••/id_card.pdf",
            ),
            (
                "documents/Kuznetsov/id_card.pdf",
                "documents/•••/id_card.pdf",
            ),
            ("documents", "documents"),
            // A suffix that is no member of the applicant is a name, not an id.
            (
                "documents/A001/birth_certificate-Kuznetsov.jpg",
                "documents/A001/•••.jpg",
            ),
            // Long digit runs are masked wherever they stand.
            (
                "documents/850412313187/id_card.pdf",
                "documents/•••/id_card.pdf",
            ),
        ] {
            assert_eq!(redact_path(path, &ids, &docs, &members), shown, "{path}");
        }
    }
}
