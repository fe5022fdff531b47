//! `rules.toml`: every rule's stable id, severity, condition (compiled once here), the
//! column it points at, its message templates and legal basis. Also compiles condition
//! strings found in other schemas, mapping their errors to file, line and column.

use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText};
use crate::columns::Col;
use crate::findings::{Lang, Severity, Text};
use crate::rules::expr::Condition;
use crate::rules::facts::{Ctx, FactDef, Getter, Scope, lookup};

/// Values a message may show besides facts, formatted by the engine per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    TargetRegion,
    Region,
    KzRegion,
    Profession,
    IdDocExpiryDate,
    DeportationDate,
    Stage2From,
    CertificateValidUntil,
}

const DISPLAYS: &[(&str, Display)] = &[
    ("target_region", Display::TargetRegion),
    ("region", Display::Region),
    ("kz_region", Display::KzRegion),
    ("profession", Display::Profession),
    ("id_doc_expiry_date", Display::IdDocExpiryDate),
    ("deportation_date", Display::DeportationDate),
    ("stage2_from", Display::Stage2From),
    ("certificate_valid_until", Display::CertificateValidUntil),
];

#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Fact(&'static FactDef),
    Display(Display),
}

/// A message with `{placeholders}`, resolved when the schema loads.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    fn compile(src: &str) -> Result<Template, (usize, String)> {
        let mut parts = Vec::new();
        let mut rest = src;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err((offset + open, "unclosed {".into()));
            };
            if open > 0 {
                parts.push(Part::Lit(rest[..open].to_string()));
            }
            let name = rest[open + 1..open + close].trim();
            let part = if let Some((_, d)) = DISPLAYS.iter().find(|(n, _)| *n == name) {
                Part::Display(*d)
            } else if let Some(f) = lookup(name).filter(|f| f.scope == Scope::Applicant) {
                Part::Fact(f)
            } else {
                return Err((offset + open, format!("unknown placeholder {{{name}}}")));
            };
            parts.push(part);
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// Renders the message; `display` formats the non-fact values.
    pub fn render(&self, ctx: &Ctx<'_>, display: &dyn Fn(Display) -> String) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Display(d) => out.push_str(&display(*d)),
                Part::Fact(f) => match f.getter {
                    Getter::Int(g) => out.push_str(&g(ctx).map_or("—".into(), |v| v.to_string())),
                    Getter::Str(g) => out.push_str(g(ctx).unwrap_or("—")),
                    Getter::Bool(g) => out.push_str(match g(ctx) {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "—",
                    }),
                },
            }
        }
        out
    }
}

/// One rule of `rules.toml`.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// `None` for rules built into the program.
    pub when: Option<Condition>,
    pub when_src: Option<String>,
    pub field: Option<Col>,
    pub message: Option<(Template, Template)>,
    /// What the rule checks, for `resettle rules` and `explain`.
    pub description: Text,
    pub basis: String,
}

impl Rule {
    pub fn message(&self, ctx: &Ctx<'_>, display: &dyn Fn(Display, Lang) -> String) -> Text {
        match &self.message {
            Some((ru, en)) => Text::new(
                ru.render(ctx, &|d| display(d, Lang::Ru)),
                en.render(ctx, &|d| display(d, Lang::En)),
            ),
            None => self.description.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ru: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    severity: Severity,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    field: Option<Spanned<String>>,
    #[serde(default)]
    message: Option<RawText>,
    #[serde(default)]
    description: Option<RawText>,
    basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    rule: Vec<RawRule>,
}

/// Compiles a condition held in `src` at `spanned`; errors point into the file.
pub fn compile_condition(
    src: &SchemaText,
    spanned: &Spanned<String>,
    scope: Scope,
) -> Result<Condition, SchemaError> {
    Condition::compile(spanned.get_ref(), scope).map_err(|e| {
        // +1: the opening quote (conditions are literal strings, without escapes).
        src.error_at(Some(spanned.span().start + 1 + e.offset), e.message)
    })
}

/// A message template with each `{placeholder}` replaced by `…`.
fn elide(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) {
        if close < open {
            break;
        }
        out.push_str(&rest[..open]);
        out.push('…');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Rule ids live for the whole process (findings refer to them by `&'static str`).
pub fn intern(id: &str) -> &'static str {
    Box::leak(id.to_string().into_boxed_str())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.contains('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// The loaded `rules.toml`.
#[derive(Debug)]
pub struct RuleSchema {
    pub rules: Vec<Rule>,
}

impl RuleSchema {
    pub fn load(src: &SchemaText) -> Result<RuleSchema, SchemaError> {
        let raw: RawRules = src.parse()?;
        let mut rules: Vec<Rule> = Vec::new();
        for r in raw.rule {
            let at = |s: &Spanned<String>, msg: String| src.error_at(Some(s.span().start), msg);
            let id = r.id.get_ref();
            if !valid_id(id) {
                return Err(at(
                    &r.id,
                    format!("`{id}`: a rule id is lower-case words joined by dots"),
                ));
            }
            if rules.iter().any(|x| x.id == id) {
                return Err(at(&r.id, format!("rule `{id}` is declared twice")));
            }
            let when = r
                .when
                .as_ref()
                .map(|w| compile_condition(src, w, Scope::Applicant))
                .transpose()?;
            let field = r
                .field
                .as_ref()
                .map(|f| {
                    Col::from_name(f.get_ref())
                        .ok_or_else(|| at(f, format!("unknown column `{}`", f.get_ref())))
                })
                .transpose()?;
            let template = |t: &Spanned<String>| {
                Template::compile(t.get_ref())
                    .map_err(|(o, m)| src.error_at(Some(t.span().start + 1 + o), m))
            };
            let message = match (&r.when, &r.message) {
                (Some(_), Some(m)) => Some((template(&m.ru)?, template(&m.en)?)),
                (Some(_), None) => {
                    return Err(at(
                        &r.id,
                        format!("rule `{id}` has a condition but no message"),
                    ));
                }
                (None, _) => None,
            };
            let description = match (&r.description, &r.message) {
                (Some(d), _) => Text::new(d.ru.get_ref().clone(), d.en.get_ref().clone()),
                // A message doubles as the description, its placeholders shown as "…".
                (None, Some(m)) => Text::new(elide(m.ru.get_ref()), elide(m.en.get_ref())),
                (None, None) => {
                    return Err(at(
                        &r.id,
                        format!("rule `{id}` needs a message or a description"),
                    ));
                }
            };
            rules.push(Rule {
                id: intern(id),
                severity: r.severity,
                when_src: r.when.as_ref().map(|w| w.get_ref().clone()),
                when,
                field,
                message,
                description,
                basis: r.basis,
            });
        }
        Ok(RuleSchema { rules })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuleSchema, SchemaError> {
        RuleSchema::load(&SchemaText {
            name: "rules.toml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn condition_error_points_into_the_file() {
        let e = load("[[rule]]\nid = \"x.y\"\nseverity = \"refusal\"\nwhen = 'age < \"x\"'\nmessage = { ru = \"а\", en = \"a\" }\nbasis = \"\"\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(13)), "{e}");
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        let e = load("[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\nwhen = 'age < 18'\nmessage = { ru = \"{agge}\", en = \"a\" }\nbasis = \"\"\n")
            .unwrap_err();
        assert!(e.message.contains("agge"), "{e}");
        assert_eq!(e.line, Some(5));
    }

    #[test]
    fn duplicate_and_bad_ids() {
        let r = "[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\ndescription = { ru = \"а\", en = \"a\" }\nbasis = \"\"\n";
        assert!(
            load(&format!("{r}{r}"))
                .unwrap_err()
                .message
                .contains("twice")
        );
        assert!(load(&r.replace("x.y", "X Y")).is_err());
    }
}
