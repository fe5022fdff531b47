//! `--redact`: a report that can be shared (with a coordinator, a donor, a support
//! desk) without personal data. Applied once to the [`Report`], so report.json,
//! report.html, findings.csv and the console all show the same redacted content:
//!
//! - an applicant is shown by the id and the initials of the name, «К. А. В.» for
//!   Кузнецов Андрей Викторович (the id stands beside it everywhere);
//! - no cell value is quoted: in every message the quoted part, from the first `«` to the
//!   last `»`, becomes `«•••»` (a value, a name, an address, a phone, an e-mail, a file
//!   name, a wrong id), except the valid id of a `data.orphan` message, which names an
//!   applicant or member and no person;
//! - any run of 9 or more digits left in a message is masked to its last four (personal
//!   numbers are masked so already: IIN, ID document, bank account, SNILS, INN);
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

use super::Report;
use crate::columns::Sheet;
use crate::findings::{Source, Text};
use crate::model::TableRead;
use crate::schema::DocumentSchema;
use crate::source::is_table_sheet;
use crate::values::{is_valid_id, mask_digit_runs};

/// What stands for a value that is not shown.
pub const HIDDEN: &str = "•••";

/// The initials of a full name: the first letter of each word, with a dot, `К. А. В.`;
/// a hyphenated word gives one initial.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A message with its quoted part hidden and long digit runs masked; `keep_id` keeps a
/// quoted part that is a valid id.
fn redact_message(m: &str, keep_id: bool) -> String {
    let quoted = match (m.find('«'), m.rfind('»')) {
        (Some(open), Some(close)) if open < close => Some((open, close)),
        _ => None,
    };
    let out = match quoted {
        Some((open, close)) => {
            let inner = &m[open + '«'.len_utf8()..close];
            if keep_id && is_valid_id(inner) {
                m.to_string()
            } else {
                format!("{}«{HIDDEN}»{}", &m[..open], &m[close + '»'.len_utf8()..])
            }
        }
        // A lone « or »: everything after it may be a value.
        None => match m.find(['«', '»']) {
            Some(at) => format!("{}{HIDDEN}", &m[..at]),
            None => m.to_string(),
        },
    };
    mask_digit_runs(&out).into_owned()
}

fn redact_text(t: &Text, keep_id: bool) -> Text {
    Text::new(
        redact_message(&t.ru, keep_id),
        redact_message(&t.en, keep_id),
    )
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
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let none = HashSet::new();
        for a in &mut self.applicants {
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
                f.message = redact_text(&f.message, f.rule == "data.orphan");
                if let Some(s) = &mut f.source {
                    redact_source(s, &ids, docs, &members);
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
        for e in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            e.message = redact_text(&e.message, e.rule == "data.orphan");
            redact_source(&mut e.source, &ids, docs, &none);
        }
        self.redacted = true;
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

    #[test]
    fn quoted_values_are_hidden() {
        assert_eq!(
            redact_message("address: value «ул. Абая, 1» holds a NUL character", false),
            "address: value «•••» holds a NUL character"
        );
        // A value holding the quotes themselves is hidden whole.
        assert_eq!(
            redact_message("last_name: value «a» b «c»» not understood", false),
            "last_name: value «•••» not understood"
        );
        assert_eq!(
            redact_message("last_name: value «Иван» not understood", true),
            "last_name: value «•••» not understood"
        );
        assert_eq!(redact_message("x: «Иван", false), "x: •••");
        assert_eq!(
            redact_message("no applicant «A099» in applicants.csv", true),
            "no applicant «A099» in applicants.csv"
        );
        assert_eq!(
            redact_message("IIN 850412300123 and 12345678", false),
            "IIN ••••••••0123 and 12345678"
        );
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
