//! The program's schemas (`schemas/*.toml`): embedded in the binary, or read from a
//! folder given with `--schemas DIR`. Loading checks them fully and points at the file,
//! line and column of any mistake.

pub mod documents;
pub mod fields;
pub mod rates;
pub mod regions;
pub mod rules;
pub mod subsistence;

use std::path::Path;

pub use documents::{DocSpec, DocumentSchema};
pub use fields::FieldSchema;
pub use rates::{RateSchema, Rates};
pub use regions::RegionSchema;
pub use rules::RuleSchema;
pub use subsistence::SubsistenceSchema;

pub use crate::error::SchemaError;

/// Where a rule, document, amount, lookup or schedule comes from, and whether an
/// official ([A]) or reputable ([B]) source states it for ordinary participants today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sourced {
    pub basis: String,
    pub verified: bool,
}

/// `basis` and `verified`, required on every entry of every schema.
pub fn sourced(
    src: &SchemaText,
    at: usize,
    what: &str,
    basis: Option<String>,
    verified: Option<bool>,
) -> Result<Sourced, SchemaError> {
    match (basis, verified) {
        (Some(basis), Some(verified)) if !basis.trim().is_empty() => {
            Ok(Sourced { basis, verified })
        }
        (_, None) => Err(src.error_at(
            Some(at),
            format!("{what} needs `verified = true` or `false` (is an official source behind it?)"),
        )),
        _ => Err(src.error_at(
            Some(at),
            format!("{what} needs a `basis`: the act and point, or the page, it rests on"),
        )),
    }
}

/// The text of one schema file and the name to use for it in messages.
pub struct SchemaText {
    pub name: String,
    pub text: String,
}

impl SchemaText {
    /// An error at byte `offset` of this file.
    pub fn error_at(&self, offset: Option<usize>, message: impl Into<String>) -> SchemaError {
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = line_col(&self.text, o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        SchemaError {
            file: self.name.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Parses the file as TOML into `T`, mapping syntax and type errors to positions.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, SchemaError> {
        toml::from_str(&self.text).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            self.error_at(offset, e.message().to_string())
        })
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

const EMBEDDED: &[(&str, &str)] = &[
    ("fields.toml", include_str!("../../schemas/fields.toml")),
    (
        "documents.toml",
        include_str!("../../schemas/documents.toml"),
    ),
    ("rules.toml", include_str!("../../schemas/rules.toml")),
    ("rates.toml", include_str!("../../schemas/rates.toml")),
    ("regions.toml", include_str!("../../schemas/regions.toml")),
    (
        "subsistence.toml",
        include_str!("../../schemas/subsistence.toml"),
    ),
];

/// The names of every schema file.
pub const FILES: [&str; 6] = [
    "fields.toml",
    "documents.toml",
    "rules.toml",
    "rates.toml",
    "regions.toml",
    "subsistence.toml",
];

/// The largest schema file read from `--schemas DIR` (the built-in ones are about
/// 100 KB): a link to an endless device or a runaway file is refused, not read whole.
const MAX_SCHEMA_BYTES: u64 = 16 << 20;

/// Reads schema file `name`: from `dir` when given and the file exists there, else the
/// copy built into the binary.
pub fn read(dir: Option<&Path>, name: &str) -> Result<SchemaText, SchemaError> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.exists() {
            return crate::fsread::read_text_capped(&path, MAX_SCHEMA_BYTES)
                .map(|text| SchemaText {
                    name: path.display().to_string(),
                    text,
                })
                .map_err(|e| SchemaError {
                    file: path.display().to_string(),
                    line: None,
                    column: None,
                    message: match e {
                        crate::fsread::ReadError::Io(e) => format!("cannot read: {e}"),
                        e => e.to_string(),
                    },
                });
        }
    }
    let text = EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| SchemaError {
            file: name.to_string(),
            line: None,
            column: None,
            message: "no such schema".into(),
        })?;
    Ok(SchemaText {
        name: format!("schemas/{name} (built in)"),
        text: text.to_string(),
    })
}

/// All schemas of a run.
pub struct Schemas {
    pub fields: FieldSchema,
    pub documents: DocumentSchema,
    pub rules: RuleSchema,
    pub rates: RateSchema,
    pub regions: RegionSchema,
    pub subsistence: SubsistenceSchema,
    /// A hash of the six schema texts (for the manifest of incremental runs).
    pub digest: u128,
}

impl Schemas {
    /// The severity of `f`, decided here and nowhere else: rules.toml's (its rule's, or
    /// its `member` part's for a finding about a family member), and for a missing
    /// document of documents.toml (`docs.missing.<code>`) `missing`, the severity that
    /// means a required document is absent. The pipeline asks it of every finding
    /// before statuses are decided, so an edited rules.toml (or `--schemas`) changes
    /// statuses; an id neither schema holds (a test holds every id the code emits to
    /// an entry) keeps the blocking severity it was made with.
    pub fn severity_of(&self, f: &crate::findings::Finding) -> crate::findings::Severity {
        if let Some(s) = self.rules.severity_of(f) {
            return s;
        }
        let missing = f
            .rule
            .strip_prefix("docs.missing.")
            .and_then(|code| self.documents.by_code(code));
        match missing {
            Some(_) => crate::findings::Severity::Missing,
            None => f.severity,
        }
    }

    /// Loads every schema, from `dir` where it has the file, else the built-in copy.
    pub fn load(dir: Option<&Path>) -> Result<Schemas, SchemaError> {
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(SchemaError {
                file: dir.display().to_string(),
                line: None,
                column: None,
                message: "--schemas must name a folder holding fields.toml, documents.toml…".into(),
            });
        }
        let texts = [
            read(dir, "fields.toml")?,
            read(dir, "documents.toml")?,
            read(dir, "rules.toml")?,
            read(dir, "rates.toml")?,
            read(dir, "regions.toml")?,
            read(dir, "subsistence.toml")?,
        ];
        let digest = {
            let mut d = crate::digest::Digest::new();
            for t in &texts {
                d.part(t.text.as_bytes());
            }
            d.finish()
        };
        let [fields, documents, rules, rates, regions, subsistence] = texts;
        let (fields, documents) = (
            FieldSchema::load(&fields)?,
            DocumentSchema::load(&documents)?,
        );
        let (rules, rates) = (RuleSchema::load(&rules)?, RateSchema::load(&rates)?);
        let regions = RegionSchema::load(&regions)?;
        // Names its subjects by the codes of regions.toml.
        let subsistence = SubsistenceSchema::load(&subsistence, &regions)?;
        Ok(Schemas {
            fields,
            documents,
            rules,
            rates,
            regions,
            subsistence,
            digest,
        })
    }

    /// Every amount, list or lookup outside rules and documents that no official source
    /// confirms, as (what, basis), for `resettle rules --unverified`.
    pub fn unverified_entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for p in &self.rates.periods {
            for (name, s) in p.sections() {
                if !s.verified {
                    out.push((
                        format!("rates.toml [{name}] from {}", p.from),
                        s.basis.clone(),
                    ));
                }
            }
        }
        let l = &self.documents.language;
        if !l.verified {
            out.push((
                "documents.toml [language_exemption]".into(),
                l.basis.clone(),
            ));
        }
        for r in self.documents.retired.iter().filter(|r| !r.source.verified) {
            out.push((
                format!("documents.toml [[retired]] {}", r.code),
                r.source.basis.clone(),
            ));
        }
        out.extend(self.regions.unverified());
        out.extend(self.subsistence.unverified());
        out
    }

    /// The ids of the rules (and missing documents) no official source confirms: their
    /// findings are marked in reports.
    pub fn unverified_rules(&self) -> rustc_hash::FxHashSet<&'static str> {
        let rules = self
            .rules
            .rules
            .iter()
            .filter(|r| !r.source.verified)
            .map(|r| r.id);
        let docs = self
            .documents
            .docs
            .iter()
            .filter(|d| !d.source.verified)
            .map(|d| d.missing_rule);
        rules.chain(docs).collect()
    }

    /// The schemas built into the binary.
    pub fn embedded() -> Result<Schemas, SchemaError> {
        Schemas::load(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\nпривет = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        let o = t.find('=').unwrap();
        assert_eq!(line_col(t, o), (1, 3));
        let o = t.rfind('=').unwrap();
        assert_eq!(line_col(t, o), (2, 8));
    }

    #[test]
    fn embedded_schemas_load() {
        Schemas::embedded().expect("built-in schemas are valid");
    }

    #[test]
    fn syntax_error_points_at_line() {
        let s = SchemaText {
            name: "x.toml".into(),
            text: "[columns]\nlast_name = [\"Фамилия\"\n".into(),
        };
        let e = FieldSchema::load(&s).unwrap_err();
        assert_eq!(e.file, "x.toml");
        assert!(e.line.is_some(), "{e}");
    }
}
