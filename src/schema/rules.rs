//! `rules.toml`: every rule's stable id, severity, condition (compiled once here) for
//! the applicant and, where the rule applies to family members too, for each member with
//! its own severity; the column it points at, its message templates, its legal basis and
//! whether an official source confirms it; and the retired ids of edition 1 with what
//! replaced them. Also compiles condition strings found in other schemas, mapping their
//! errors to file, line and column.

use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText, Sourced, sourced};
use crate::columns::Col;
use crate::cond::{Condition, Ctx, FactDef, Getter, Scope, lookup};
use crate::findings::{Finding, Lang, Severity, Text};

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
    FilingDate,
    /// The family member a per-member message is about: name and id.
    Member,
    MemberIdDocExpiryDate,
    MemberDeportationDate,
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
    ("filing_date", Display::FilingDate),
    ("member", Display::Member),
    ("member.id_doc_expiry_date", Display::MemberIdDocExpiryDate),
    ("member.deportation_date", Display::MemberDeportationDate),
];

/// Displays only a per-member message may use.
fn is_member_display(d: Display) -> bool {
    matches!(
        d,
        Display::Member | Display::MemberIdDocExpiryDate | Display::MemberDeportationDate
    )
}

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
    fn compile(src: &str, scope: Scope) -> Result<Template, (usize, String)> {
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
            let allowed = |member: bool| !member || scope == Scope::Member;
            let part = if let Some((_, d)) = DISPLAYS
                .iter()
                .find(|(n, d)| *n == name && allowed(is_member_display(*d)))
            {
                Part::Display(*d)
            } else if let Some(f) = lookup(name).filter(|f| allowed(f.scope == Scope::Member)) {
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
    /// The applicant's condition; `None` for rules built into the program and for rules
    /// about family members only.
    pub when: Option<Condition>,
    pub when_src: Option<String>,
    /// The same rule for each family member, when it applies to them.
    pub member: Option<MemberRule>,
    pub field: Option<Col>,
    pub message: Option<(Template, Template)>,
    /// What the rule checks, for `resettle rules` and `explain`.
    pub description: Text,
    pub source: Sourced,
    /// Columns the rule is about (the questions of `data.unanswered`).
    pub columns: Vec<Col>,
    /// The claims an applicant's finding of this rule stops (`stops` in rules.toml):
    /// the forms follow the rule, whatever its id.
    pub stops: Vec<Stop>,
}

/// A claim form a rule's finding stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Every claim on the participant certificate: lifting allowance, compensation,
    /// monthly benefit.
    Claims,
    /// The lifting allowance's second stage.
    LiftingStage2,
}

/// A rule's condition for each family member, with the severity of its finding (a
/// member's refusal ground excludes the member: the family list must be corrected).
#[derive(Debug)]
pub struct MemberRule {
    pub when: Condition,
    pub when_src: String,
    pub severity: Severity,
    pub message: (Template, Template),
}

/// Renders a pair of templates.
pub fn render(
    (ru, en): &(Template, Template),
    ctx: &Ctx<'_>,
    display: &dyn Fn(Display, Lang) -> String,
) -> Text {
    Text::new(
        ru.render(ctx, &|d| display(d, Lang::Ru)),
        en.render(ctx, &|d| display(d, Lang::En)),
    )
}

impl Rule {
    pub fn message(&self, ctx: &Ctx<'_>, display: &dyn Fn(Display, Lang) -> String) -> Text {
        match &self.message {
            Some(m) => render(m, ctx, display),
            None => self.description.clone(),
        }
    }
}

/// A rule id of edition 1 that is no longer emitted, with what replaced it and why.
#[derive(Debug)]
pub struct Retired {
    pub id: String,
    pub replaced_by: Vec<String>,
    pub reason: Text,
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
    member: Option<RawMember>,
    #[serde(default)]
    field: Option<Spanned<String>>,
    #[serde(default)]
    message: Option<RawText>,
    #[serde(default)]
    description: Option<RawText>,
    #[serde(default)]
    columns: Vec<Spanned<String>>,
    #[serde(default)]
    stops: Vec<Stop>,
    basis: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    when: Spanned<String>,
    #[serde(default)]
    severity: Option<Severity>,
    message: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetired {
    id: Spanned<String>,
    replaced_by: Vec<String>,
    reason: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    rule: Vec<RawRule>,
    #[serde(default)]
    retired: Vec<RawRetired>,
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
    pub retired: Vec<Retired>,
    /// Each rule's place in `rules`, by id: asked for every finding.
    /// Asked for every finding: a fast hash of the short ids.
    index: rustc_hash::FxHashMap<&'static str, usize>,
}

impl RuleSchema {
    pub fn load(src: &SchemaText) -> Result<RuleSchema, SchemaError> {
        let raw: RawRules = src.parse()?;
        let mut rules: Vec<Rule> = Vec::new();
        let at = |s: &Spanned<String>, msg: String| src.error_at(Some(s.span().start), msg);
        for r in raw.rule {
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
            let columns = r
                .columns
                .iter()
                .map(|f| {
                    Col::from_name(f.get_ref())
                        .ok_or_else(|| at(f, format!("unknown column `{}`", f.get_ref())))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let template = |t: &Spanned<String>, scope| {
                Template::compile(t.get_ref(), scope)
                    .map_err(|(o, m)| src.error_at(Some(t.span().start + 1 + o), m))
            };
            let message = match (&r.when, &r.message) {
                (Some(_), Some(m)) => Some((
                    template(&m.ru, Scope::Applicant)?,
                    template(&m.en, Scope::Applicant)?,
                )),
                (Some(_), None) => {
                    return Err(at(
                        &r.id,
                        format!("rule `{id}` has a condition but no message"),
                    ));
                }
                (None, _) => None,
            };
            let member = match &r.member {
                Some(m) => Some(MemberRule {
                    when: compile_condition(src, &m.when, Scope::Member)?,
                    when_src: m.when.get_ref().clone(),
                    severity: m.severity.unwrap_or(r.severity),
                    message: (
                        template(&m.message.ru, Scope::Member)?,
                        template(&m.message.en, Scope::Member)?,
                    ),
                }),
                None => None,
            };
            let description = match (&r.description, &r.message, &r.member) {
                (Some(d), _, _) => Text::new(d.ru.get_ref().clone(), d.en.get_ref().clone()),
                // A message doubles as the description, its placeholders shown as "…".
                (None, Some(m), _) | (None, None, Some(RawMember { message: m, .. })) => {
                    Text::new(elide(m.ru.get_ref()), elide(m.en.get_ref()))
                }
                (None, None, None) => {
                    return Err(at(
                        &r.id,
                        format!("rule `{id}` needs a message or a description"),
                    ));
                }
            };
            let source = sourced(
                src,
                r.id.span().start,
                &format!("rule `{id}`"),
                r.basis,
                r.verified,
            )?;
            rules.push(Rule {
                id: intern(id),
                severity: r.severity,
                when_src: r.when.as_ref().map(|w| w.get_ref().clone()),
                when,
                member,
                field,
                message,
                description,
                source,
                columns,
                stops: r.stops,
            });
        }
        let mut retired = Vec::new();
        for r in raw.retired {
            if rules.iter().any(|x| x.id == r.id.get_ref()) {
                return Err(at(
                    &r.id,
                    format!("`{}` is retired and still a rule", r.id.get_ref()),
                ));
            }
            retired.push(Retired {
                id: r.id.into_inner(),
                replaced_by: r.replaced_by,
                reason: Text::new(r.reason.ru.into_inner(), r.reason.en.into_inner()),
            });
        }
        let index = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        Ok(RuleSchema {
            rules,
            retired,
            index,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// The severity of `f` as rules.toml gives it: its rule's, or its rule's `member`
    /// severity for a finding about a family member of a rule with one. A finding of an
    /// id rules.toml does not hold (`docs.missing.*`, of documents.toml) keeps its own.
    /// The one place a finding's severity is decided: the pipeline asks it of every
    /// finding, so an edited rules.toml (or `--schemas`) changes statuses.
    pub fn severity_of(&self, f: &Finding) -> Severity {
        match self.get(f.rule) {
            Some(r) => match (&r.member, &f.member_id) {
                (Some(m), Some(_)) => m.severity,
                _ => r.severity,
            },
            None => f.severity,
        }
    }

    /// The severity of a rule the program checks itself: from rules.toml, like every
    /// other (a test holds every id the code emits to an entry).
    pub fn severity(&self, id: &str) -> Severity {
        self.get(id).map_or(Severity::Error, |r| r.severity)
    }

    /// Whether a finding of rule `id` stops `claim`.
    pub fn stops(&self, id: &str, claim: Stop) -> bool {
        self.get(id).is_some_and(|r| r.stops.contains(&claim))
    }

    pub fn retired(&self, id: &str) -> Option<&Retired> {
        self.retired.iter().find(|r| r.id == id)
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
        let e = load("[[rule]]\nid = \"x.y\"\nseverity = \"refusal\"\nwhen = 'age < \"x\"'\nmessage = { ru = \"а\", en = \"a\" }\nbasis = \"x\"\nverified = true\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(13)), "{e}");
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        let e = load("[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\nwhen = 'age < 18'\nmessage = { ru = \"{agge}\", en = \"a\" }\nbasis = \"x\"\nverified = true\n")
            .unwrap_err();
        assert!(e.message.contains("agge"), "{e}");
        assert_eq!(e.line, Some(5));
    }

    #[test]
    fn member_rules_and_retired_ids() {
        let r = load("[[rule]]\nid = \"x.y\"\nseverity = \"refusal\"\nwhen = 'extremism'\nmessage = { ru = \"а\", en = \"a\" }\nmember.when = 'member.relocating && member.extremism'\nmember.severity = \"error\"\nmember.message = { ru = \"{member}\", en = \"{member} {member.age}\" }\nbasis = \"x\"\nverified = false\n[[retired]]\nid = \"x.old\"\nreplaced_by = [\"x.y\"]\nreason = { ru = \"б\", en = \"b\" }\n").unwrap();
        let rule = r.get("x.y").unwrap();
        assert_eq!(rule.member.as_ref().unwrap().severity, Severity::Error);
        assert!(!rule.source.verified);
        assert_eq!(r.retired("x.old").unwrap().replaced_by, ["x.y"]);
        // A member's placeholder in the applicant's message is an error.
        let e = load("[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\nwhen = 'age < 18'\nmessage = { ru = \"{member}\", en = \"a\" }\nbasis = \"x\"\nverified = true\n").unwrap_err();
        assert!(e.message.contains("member"), "{e}");
    }

    #[test]
    fn basis_and_verified_are_required() {
        let r = "[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\ndescription = { ru = \"а\", en = \"a\" }\n";
        let e = load(&format!("{r}basis = \"x\"\n")).unwrap_err();
        assert!(e.message.contains("verified"), "{e}");
        assert_eq!(e.line, Some(2), "{e}");
        let e = load(&format!("{r}verified = true\n")).unwrap_err();
        assert!(e.message.contains("basis"), "{e}");
    }

    #[test]
    fn duplicate_and_bad_ids() {
        let r = "[[rule]]\nid = \"x.y\"\nseverity = \"warning\"\ndescription = { ru = \"а\", en = \"a\" }\nbasis = \"x\"\nverified = true\n";
        assert!(
            load(&format!("{r}{r}"))
                .unwrap_err()
                .message
                .contains("twice")
        );
        assert!(load(&r.replace("x.y", "X Y")).is_err());
    }
}
