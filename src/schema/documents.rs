//! `documents.toml`: the document codes, for whom each is required (a condition for the
//! applicant, one per family member), their titles, the file-name stems (English or
//! Russian) by which scans are recognised, who needs no proof of Russian, and the basis
//! of each with whether an official source confirms it.

use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use toml::Spanned;

use super::rules::{compile_condition, intern};
use super::{SchemaError, SchemaText, Sourced, sourced};
use crate::cond::{Condition, Scope};
use crate::findings::{Text, Words};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocuments {
    scans: RawScans,
    language_exemption: RawExemption,
    document: Vec<RawDoc>,
    #[serde(default)]
    retired: Vec<RawRetired>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetired {
    code: Spanned<String>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    note: RawText,
    basis: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScans {
    extensions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExemption {
    citizenships: Vec<Spanned<String>>,
    former_citizens_from: Spanned<String>,
    repatriates_from: Spanned<String>,
    basis: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    code: Spanned<String>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    title: RawText,
    /// The document as a family reads it in a message or letter (Russian).
    #[serde(default)]
    letter: Option<String>,
    #[serde(default)]
    applicant: Option<Spanned<String>>,
    #[serde(default)]
    member: Option<Spanned<String>>,
    #[serde(default)]
    rendered: bool,
    basis: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ru: String,
    en: String,
}

/// A document of edition 1 that edition 2 no longer asks for: handed in, it is noted
/// (`docs.retired`), not counted and not an error.
#[derive(Debug, Clone)]
pub struct RetiredDoc {
    pub code: String,
    /// Why it is no longer needed, for the caseworker.
    pub note: Text,
    pub source: Sourced,
}

/// Who needs no proof of Russian: citizens of the listed states; from the given dates
/// (at filing), former citizens of them and repatriates.
#[derive(Debug, Clone, Default)]
pub struct LanguageExemption {
    pub citizenships: Vec<String>,
    pub former_citizens_from: Option<Date>,
    pub repatriates_from: Option<Date>,
    pub basis: String,
    pub verified: bool,
}

impl LanguageExemption {
    /// Whether a person of `citizenship`, once a citizen of `former`, is exempt when
    /// filing on `filing`.
    pub fn exempt(
        &self,
        citizenship: Option<&str>,
        former: &[&str],
        repatriate: bool,
        filing: Date,
    ) -> bool {
        let listed = |c: &str| self.citizenships.iter().any(|x| x == c);
        let since = |d: Option<Date>| d.is_some_and(|d| d <= filing);
        citizenship.is_some_and(listed)
            || (since(self.former_citizens_from) && former.iter().any(|c| listed(c)))
            || (repatriate && since(self.repatriates_from))
    }
}

/// One document code.
#[derive(Debug)]
pub struct DocSpec {
    pub code: &'static str,
    pub title: Text,
    /// The document in a family's words (`letter` in documents.toml), for messages and
    /// letters; the Russian title when there is none.
    pub letter: String,
    /// When the applicant must hand it in; `None`: never (a member's document only).
    pub applicant: Option<Condition>,
    pub applicant_src: Option<String>,
    /// When each family member must hand it in (a per-member condition); `None`: never.
    pub member: Option<Condition>,
    pub member_src: Option<String>,
    /// Produced by the program itself: never missing.
    pub rendered: bool,
    pub source: Sourced,
    /// The public rule id of its absence, `docs.missing.<code>`.
    pub missing_rule: &'static str,
    /// The words of its absence, shared by every finding of it: the applicant's, and a
    /// family member's (`{0}`: the member).
    pub missing: Arc<Words>,
    pub missing_member: Arc<Words>,
}

impl DocSpec {
    pub fn for_applicant(&self) -> bool {
        self.applicant.is_some()
    }

    pub fn for_members(&self) -> bool {
        self.member.is_some()
    }
}

/// The loaded `documents.toml`.
#[derive(Debug)]
pub struct DocumentSchema {
    pub docs: Vec<DocSpec>,
    pub language: LanguageExemption,
    extensions: Vec<String>,
    /// Folded file stem (code or alternative) → index into `docs`.
    stems: HashMap<String, usize>,
    /// Documents no longer asked for, and their folded stems → index into `retired`.
    pub retired: Vec<RetiredDoc>,
    retired_stems: HashMap<String, usize>,
}

/// Document codes: lower-case ASCII letters, digits and `_` (no `-`, which separates the
/// member id).
fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A file stem as scans are matched: case, `ё`, and spaces, `_` and `-` between words
/// folded (`Свидетельство о браке` = `свидетельство_о_браке`).
pub fn fold_stem(stem: &str) -> String {
    crate::text::fold(stem).replace(' ', "_")
}

fn date(src: &SchemaText, s: &Spanned<String>) -> Result<Option<Date>, SchemaError> {
    if s.get_ref().trim().is_empty() {
        return Ok(None);
    }
    crate::values::date(s.get_ref()).map(Some).ok_or_else(|| {
        src.error_at(
            Some(s.span().start),
            format!("`{}` is not a date (YYYY-MM-DD)", s.get_ref()),
        )
    })
}

/// The `[[retired]]` documents: codes and stems that no live document uses.
fn load_retired(
    src: &SchemaText,
    raw: Vec<RawRetired>,
    live: &HashMap<String, usize>,
) -> Result<(Vec<RetiredDoc>, HashMap<String, usize>), SchemaError> {
    let mut retired = Vec::with_capacity(raw.len());
    let mut stems = HashMap::default();
    for r in raw {
        let at = r.code.span().start;
        for stem in std::iter::once(&r.code).chain(&r.files) {
            let folded = fold_stem(stem.get_ref());
            if folded.is_empty() || live.contains_key(&folded) || stems.contains_key(&folded) {
                return Err(src.error_at(
                    Some(stem.span().start),
                    format!(
                        "retired `{}` is empty or also the name of a document",
                        stem.get_ref()
                    ),
                ));
            }
            stems.insert(folded, retired.len());
        }
        let code = r.code.into_inner();
        let what = format!("retired document `{code}`");
        retired.push(RetiredDoc {
            note: Text::new(r.note.ru, r.note.en),
            source: sourced(src, at, &what, r.basis, r.verified)?,
            code,
        });
    }
    Ok((retired, stems))
}

impl DocumentSchema {
    pub fn load(src: &SchemaText) -> Result<DocumentSchema, SchemaError> {
        let raw: RawDocuments = src.parse()?;
        let mut docs = Vec::with_capacity(raw.document.len());
        let mut stems = HashMap::default();
        for (i, d) in raw.document.into_iter().enumerate() {
            if !valid_code(d.code.get_ref()) {
                return Err(src.error_at(
                    Some(d.code.span().start),
                    format!("`{}`: codes use only a-z, 0-9 and _", d.code.get_ref()),
                ));
            }
            for stem in std::iter::once(&d.code).chain(&d.files) {
                let folded = fold_stem(stem.get_ref());
                if folded.is_empty() || folded.contains(['.', '/', '\\']) {
                    return Err(src.error_at(
                        Some(stem.span().start),
                        format!(
                            "`{}`: a file name without extension or folder",
                            stem.get_ref()
                        ),
                    ));
                }
                if stems.insert(folded, i).is_some() {
                    return Err(src.error_at(
                        Some(stem.span().start),
                        format!("`{}` is declared twice", stem.get_ref()),
                    ));
                }
            }
            let code = d.code.get_ref();
            let applicant = d
                .applicant
                .as_ref()
                .map(|w| compile_condition(src, w, Scope::Applicant))
                .transpose()?;
            let member = d
                .member
                .as_ref()
                .map(|w| compile_condition(src, w, Scope::Member))
                .transpose()?;
            if applicant.is_none() && member.is_none() && !d.rendered {
                return Err(src.error_at(
                    Some(d.code.span().start),
                    format!(
                        "document `{code}` needs `applicant` or `member`: when is it required?"
                    ),
                ));
            }
            let at = d.code.span().start;
            // The title is part of the words of its absence, where `{` opens a value.
            if d.title.ru.contains('{') || d.title.en.contains('{') {
                return Err(src.error_at(
                    Some(at),
                    format!("the title of document `{code}` cannot hold `{{`"),
                ));
            }
            docs.push(DocSpec {
                missing_rule: intern(&format!("docs.missing.{code}")),
                missing: Arc::new(Words::new(
                    format!("Нет документа: {}", d.title.ru),
                    format!("Missing: {}", d.title.en),
                )),
                missing_member: Arc::new(Words::new(
                    format!("Нет документа: {} — {{0}}", d.title.ru),
                    format!("Missing: {} — {{0}}", d.title.en),
                )),
                code: intern(code),
                letter: d.letter.unwrap_or_else(|| d.title.ru.clone()),
                title: Text::new(d.title.ru, d.title.en),
                applicant,
                applicant_src: d.applicant.map(Spanned::into_inner),
                member,
                member_src: d.member.map(Spanned::into_inner),
                rendered: d.rendered,
                source: sourced(src, at, &format!("document `{code}`"), d.basis, d.verified)?,
            });
        }
        let extensions = raw
            .scans
            .extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
            .collect();
        let e = raw.language_exemption;
        let at = e.former_citizens_from.span().start;
        for c in &e.citizenships {
            let ok = c.get_ref().len() == 2 && c.get_ref().bytes().all(|b| b.is_ascii_uppercase());
            if !ok {
                return Err(src.error_at(
                    Some(c.span().start),
                    format!("`{}`: a two-letter country code in capitals", c.get_ref()),
                ));
            }
        }
        let exemption_source = sourced(src, at, "[language_exemption]", e.basis, e.verified)?;
        let language = LanguageExemption {
            citizenships: e
                .citizenships
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            former_citizens_from: date(src, &e.former_citizens_from)?,
            repatriates_from: date(src, &e.repatriates_from)?,
            basis: exemption_source.basis,
            verified: exemption_source.verified,
        };
        let (retired, retired_stems) = load_retired(src, raw.retired, &stems)?;
        Ok(DocumentSchema {
            docs,
            language,
            extensions,
            stems,
            retired,
            retired_stems,
        })
    }

    /// The retired document a file stem or code names, with or without `-<member_id>`.
    pub fn retired(&self, stem: &str) -> Option<&RetiredDoc> {
        let find = |s: &str| {
            self.retired_stems
                .get(&fold_stem(s))
                .map(|&i| &self.retired[i])
        };
        find(stem).or_else(|| stem.rsplit_once('-').and_then(|(code, _)| find(code)))
    }

    /// The document with this code (exact).
    pub fn by_code(&self, code: &str) -> Option<&DocSpec> {
        self.docs.iter().find(|d| d.code == code)
    }

    /// The document a file stem or code names (folded as [`fold_stem`]), if any.
    pub fn by_stem(&self, stem: &str) -> Option<&DocSpec> {
        self.exact(stem)
            .or_else(|| self.stems.get(&fold_stem(stem)).map(|&i| &self.docs[i]))
    }

    /// The document a stem names as it is written (codes are folded already).
    fn exact(&self, stem: &str) -> Option<&DocSpec> {
        self.stems.get(stem).map(|&i| &self.docs[i])
    }

    /// The document a file stem names, and the member id after it: `diploma`,
    /// `birth_certificate-F2`, `Свидетельство о рождении-F2`. The whole stem is tried
    /// first, then the part before each `-` from the right; each as written first (most
    /// names are codes: no copy is made), then folded.
    pub fn split_stem<'s>(&self, stem: &'s str) -> Option<(&DocSpec, Option<&'s str>)> {
        self.split_with(stem, false)
            .or_else(|| self.split_with(stem, true))
    }

    /// [`DocumentSchema::split_stem`], comparing names as written or `folded`.
    fn split_with<'s>(&self, stem: &'s str, folded: bool) -> Option<(&DocSpec, Option<&'s str>)> {
        let find = |s: &str| {
            if folded {
                self.by_stem(s)
            } else {
                self.exact(s)
            }
        };
        if let Some(d) = find(stem) {
            return Some((d, None));
        }
        stem.rmatch_indices('-').find_map(|(i, _)| {
            let member = &stem[i + 1..];
            (!member.is_empty())
                .then(|| find(&stem[..i]))
                .flatten()
                .map(|d| (d, Some(member)))
        })
    }

    /// Whether a file with this extension can be a scan.
    pub fn accepts_extension(&self, ext: &str) -> bool {
        self.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext))
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<DocumentSchema, SchemaError> {
        DocumentSchema::load(&SchemaText {
            name: "documents.toml".into(),
            text: text.into(),
        })
    }

    const HEAD: &str = "[scans]\nextensions=[\"pdf\"]\n[language_exemption]\ncitizenships=[\"KZ\"]\nformer_citizens_from=\"2025-09-12\"\nrepatriates_from=\"\"\nbasis=\"x\"\nverified=true\n";

    #[test]
    fn retired_documents_are_found_and_may_not_shadow_a_live_one() {
        let d = crate::schema::Schemas::embedded().unwrap().documents;
        for stem in [
            "duty_receipt",
            "Duty Receipt",
            "duty_receipt-F1",
            "Квитанция госпошлины",
        ] {
            assert_eq!(
                d.retired(stem).map(|r| r.code.as_str()),
                Some("duty_receipt"),
                "{stem}"
            );
        }
        assert!(d.retired("diploma").is_none());
        let doc = "[[document]]\ncode=\"photo\"\ntitle={ru=\"Ф\",en=\"P\"}\napplicant=\"true\"\nbasis=\"x\"\nverified=true\n";
        let retired =
            "[[retired]]\ncode=\"photo\"\nnote={ru=\"н\",en=\"n\"}\nbasis=\"x\"\nverified=true\n";
        let e = load(&format!("{HEAD}{doc}{retired}")).unwrap_err();
        assert!(e.message.contains("also the name of a document"), "{e}");
        let unsourced = retired
            .replace("\"photo\"", "\"duty\"")
            .replace("verified=true\n", "");
        let e = load(&format!("{HEAD}{doc}{unsourced}")).unwrap_err();
        assert!(e.message.contains("verified"), "{e}");
    }

    #[test]
    fn embedded_has_every_code_of_the_domain() {
        let d = crate::schema::Schemas::embedded().unwrap().documents;
        for code in [
            "id_card",
            "residence_card",
            "photo",
            "application",
            "birth_certificate",
            "marriage_certificate",
            "divorce_certificate",
            "name_change",
            "diploma",
            "russian_language_proof",
            "repatriate_evidence",
            "employer_certificate",
            "no_criminal_record",
            "military_deregistration",
            "alimony_consent",
            "parent_consent",
            "child_opinion",
        ] {
            assert!(d.by_code(code).is_some(), "{code}");
        }
        for retired in ["duty_receipt", "russian_language_certificate"] {
            assert!(d.by_code(retired).is_none(), "{retired}");
        }
        assert_eq!(d.by_stem("PASSPORT").unwrap().code, "id_card");
        assert!(d.accepts_extension("JPG"));
        assert!(!d.accepts_extension("docx"));
    }

    #[test]
    fn scans_named_in_russian_are_recognised() {
        let d = crate::schema::Schemas::embedded().unwrap().documents;
        let code = |s| d.split_stem(s).map(|(d, m)| (d.code, m));
        assert_eq!(code("Паспорт"), Some(("id_card", None)));
        assert_eq!(code("ФОТО"), Some(("photo", None)));
        assert_eq!(code("диплом"), Some(("diploma", None)));
        assert_eq!(
            code("Свидетельство о браке"),
            Some(("marriage_certificate", None))
        );
        assert_eq!(
            code("свидетельство_о_рождении-F2"),
            Some(("birth_certificate", Some("F2")))
        );
        assert_eq!(
            code("Свидетельство-о-рождении-F-2"),
            Some(("birth_certificate", Some("F-2")))
        );
        assert_eq!(
            code("birth_certificate-F2"),
            Some(("birth_certificate", Some("F2")))
        );
        assert_eq!(code("holiday"), None);
        // A dangling `-` is folded away: the applicant's own.
        assert_eq!(
            code("birth_certificate-"),
            Some(("birth_certificate", None))
        );
    }

    #[test]
    fn language_exemption_follows_citizenship_and_dates() {
        let d = crate::schema::Schemas::embedded().unwrap().documents;
        let e = &d.language;
        let day = jiff::civil::date(2026, 11, 24);
        assert!(e.exempt(Some("KZ"), &[], false, day));
        assert!(e.exempt(Some("BY"), &[], false, day));
        assert!(!e.exempt(Some("stateless"), &[], false, day));
        assert!(e.exempt(Some("stateless"), &["KZ"], false, day));
        assert!(!e.exempt(Some("DE"), &["DE"], false, day));
        assert!(e.exempt(Some("DE"), &[], true, day));
        // Before 12.09.2025 former citizens and repatriates were not exempt.
        let before = jiff::civil::date(2025, 9, 11);
        assert!(!e.exempt(Some("stateless"), &["KZ"], false, before));
        assert!(!e.exempt(Some("DE"), &[], true, before));
    }

    #[test]
    fn duplicate_stem_is_pointed_at() {
        let e = load(&format!(
            "{HEAD}[[document]]\ncode=\"a\"\napplicant='true'\ntitle={{ru=\"а\",en=\"a\"}}\nbasis=\"x\"\nverified=true\n[[document]]\ncode=\"b\"\nmember='true'\nfiles=[\"A\"]\ntitle={{ru=\"б\",en=\"b\"}}\nbasis=\"x\"\nverified=true\n"
        ))
        .unwrap_err();
        assert_eq!(e.line, Some(18), "{e}");
    }

    #[test]
    fn hyphen_in_code_is_rejected() {
        let e = load(&format!(
            "{HEAD}[[document]]\ncode=\"id-card\"\napplicant='true'\ntitle={{ru=\"а\",en=\"a\"}}\nbasis=\"x\"\nverified=true\n"
        ))
        .unwrap_err();
        assert!(e.message.contains("a-z"), "{e}");
    }

    #[test]
    fn a_title_holds_no_brace() {
        let e = load(&format!(
            "{HEAD}[[document]]\ncode=\"a\"\napplicant='true'\ntitle={{ru=\"а {{0}}\",en=\"a\"}}\nbasis=\"x\"\nverified=true\n"
        ))
        .unwrap_err();
        assert!(e.message.contains("cannot hold `{`"), "{e}");
    }

    #[test]
    fn basis_and_verified_are_required() {
        let doc = "[[document]]\ncode=\"a\"\napplicant='true'\ntitle={ru=\"а\",en=\"a\"}\n";
        let e = load(&format!("{HEAD}{doc}verified=true\n")).unwrap_err();
        assert!(e.message.contains("basis"), "{e}");
        assert_eq!(e.line, Some(10), "{e}");
        let e = load(&format!("{HEAD}{doc}basis=\"x\"\n")).unwrap_err();
        assert!(e.message.contains("verified"), "{e}");
        assert!(load(&format!("{HEAD}{doc}basis=\"x\"\nverified=false\n")).is_ok());
    }
}
