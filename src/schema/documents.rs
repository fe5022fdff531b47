//! `documents.toml`: the document codes, whom each belongs to, their titles, and the
//! file-name stems and extensions by which scans are recognised.

use rustc_hash::FxHashMap as HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::rules::{compile_condition, intern};
use super::{SchemaError, SchemaText};
use crate::findings::Text;
use crate::rules::expr::Condition;
use crate::rules::facts::Scope;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocuments {
    scans: RawScans,
    document: Vec<RawDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScans {
    extensions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    code: Spanned<String>,
    person: Person,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    title: RawText,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    rendered: bool,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ru: String,
    en: String,
}

/// Whom a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Person {
    Applicant,
    Member,
}

/// One document code.
#[derive(Debug)]
pub struct DocSpec {
    pub code: &'static str,
    pub person: Person,
    pub title: Text,
    /// When the document is required; `None`: always.
    pub when: Option<Condition>,
    pub when_src: Option<String>,
    /// Produced by the program itself: never missing.
    pub rendered: bool,
    pub basis: String,
    /// The public rule id of its absence, `docs.missing.<code>`.
    pub missing_rule: &'static str,
}

/// The loaded `documents.toml`.
#[derive(Debug)]
pub struct DocumentSchema {
    pub docs: Vec<DocSpec>,
    extensions: Vec<String>,
    /// Lower-cased file stem (code or alternative) → index into `docs`.
    stems: HashMap<String, usize>,
}

/// Document codes and file stems: lower-case ASCII letters, digits and `_` (no `-`,
/// which separates the member id).
fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl DocumentSchema {
    pub fn load(src: &SchemaText) -> Result<DocumentSchema, SchemaError> {
        let raw: RawDocuments = src.parse()?;
        let mut docs = Vec::with_capacity(raw.document.len());
        let mut stems = HashMap::default();
        for (i, d) in raw.document.into_iter().enumerate() {
            for stem in std::iter::once(&d.code).chain(&d.files) {
                if !valid_code(stem.get_ref()) {
                    return Err(src.error_at(
                        Some(stem.span().start),
                        format!(
                            "`{}`: codes and file names use only a-z, 0-9 and _",
                            stem.get_ref()
                        ),
                    ));
                }
                if stems.insert(stem.get_ref().clone(), i).is_some() {
                    return Err(src.error_at(
                        Some(stem.span().start),
                        format!("`{}` is declared twice", stem.get_ref()),
                    ));
                }
            }
            let scope = match d.person {
                Person::Applicant => Scope::Applicant,
                Person::Member => Scope::Member,
            };
            let when = d
                .when
                .as_ref()
                .map(|w| compile_condition(src, w, scope))
                .transpose()?;
            docs.push(DocSpec {
                missing_rule: intern(&format!("docs.missing.{}", d.code.get_ref())),
                code: intern(d.code.get_ref()),
                person: d.person,
                title: Text::new(d.title.ru, d.title.en),
                when,
                when_src: d.when.map(Spanned::into_inner),
                rendered: d.rendered,
                basis: d.basis,
            });
        }
        let extensions = raw
            .scans
            .extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
            .collect();
        Ok(DocumentSchema {
            docs,
            extensions,
            stems,
        })
    }

    /// The document with this code (exact).
    pub fn by_code(&self, code: &str) -> Option<&DocSpec> {
        self.docs.iter().find(|d| d.code == code)
    }

    /// The document a file stem or code names (ignoring ASCII case), if any.
    pub fn by_stem(&self, stem: &str) -> Option<&DocSpec> {
        // Stems are lower-case: most names match as they are, without a copy.
        self.stems
            .get(stem)
            .or_else(|| self.stems.get(&stem.to_ascii_lowercase()))
            .map(|&i| &self.docs[i])
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

    #[test]
    fn embedded_has_every_code_of_the_domain() {
        let d = crate::schema::Schemas::embedded().unwrap().documents;
        for code in [
            "id_card",
            "residence_card",
            "photo",
            "application",
            "diploma",
            "marriage_certificate",
            "divorce_certificate",
            "alimony_consent",
            "military_deregistration",
            "duty_receipt",
            "no_criminal_record",
            "employer_certificate",
            "russian_language_certificate",
            "birth_certificate",
            "parent_consent",
            "child_opinion",
        ] {
            assert!(d.by_code(code).is_some(), "{code}");
        }
        assert_eq!(d.by_stem("PASSPORT").unwrap().code, "id_card");
        assert!(d.accepts_extension("JPG"));
        assert!(!d.accepts_extension("docx"));
    }

    #[test]
    fn duplicate_stem_is_pointed_at() {
        let e = load(
            "[scans]\nextensions=[\"pdf\"]\n[[document]]\ncode=\"a\"\nperson=\"applicant\"\ntitle={ru=\"а\",en=\"a\"}\n[[document]]\ncode=\"b\"\nperson=\"member\"\nfiles=[\"a\"]\ntitle={ru=\"б\",en=\"b\"}\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(10), "{e}");
    }

    #[test]
    fn hyphen_in_code_is_rejected() {
        let e = load(
            "[scans]\nextensions=[\"pdf\"]\n[[document]]\ncode=\"id-card\"\nperson=\"applicant\"\ntitle={ru=\"а\",en=\"a\"}\n",
        )
        .unwrap_err();
        assert!(e.message.contains("a-z"), "{e}");
    }
}
