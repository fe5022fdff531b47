//! `rules.toml`: every rule's stable id, severity, condition (compiled once here) for
//! the applicant and, where the rule applies to family members too, for each member with
//! its own severity; the column it points at, its message templates, its `letter` text
//! for families (the letter to each family that is not ready: plain Russian, no rule id),
//! its legal basis and whether an official source confirms it; and the retired ids of
//! edition 1 with what replaced them. Also compiles condition strings found in other
//! schemas, mapping their errors to file, line and column. The templates are `template`'s.

use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText, Sourced, sourced};
use crate::columns::Col;
use crate::cond::{Condition, Scope};
use crate::findings::{Finding, Severity, Text};

mod template;

pub use template::{Display, Said, Template, Use};

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
    /// The message of the applicant's finding (every rule with a condition has one).
    pub message: Option<Said>,
    /// The point in the family's words (`letter`, Russian), for the letter to a family
    /// that is not ready; `None`: the letter does not show the rule's findings (an
    /// error or missing answer among them is left to the caseworker to explain).
    pub letter: Option<Template>,
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
    pub message: Said,
    /// The member's point in the family's words (`member.letter`).
    pub letter: Option<Template>,
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
    letter: Option<Spanned<String>>,
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
    #[serde(default)]
    letter: Option<Spanned<String>>,
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
            let compile = |t: &Spanned<String>, scope, usage| {
                Template::compile(t.get_ref(), scope, usage)
                    .map_err(|(o, m)| src.error_at(Some(t.span().start + 1 + o), m))
            };
            let said = |m: &RawText, scope| -> Result<Said, SchemaError> {
                let ru = compile(&m.ru, scope, Use::Message)?;
                let en = compile(&m.en, scope, Use::Message)?;
                let said = Said::of(&ru, &en);
                if said.slots() > 10 {
                    return Err(at(&m.ru, "a message shows at most ten values".into()));
                }
                Ok(said)
            };
            let letter = |t: &Option<Spanned<String>>, scope| {
                t.as_ref()
                    .map(|t| compile(t, scope, Use::Letter))
                    .transpose()
            };
            let message = match (&r.when, &r.message) {
                (Some(_), Some(m)) => Some(said(m, Scope::Applicant)?),
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
                    message: said(&m.message, Scope::Member)?,
                    letter: letter(&m.letter, Scope::Member)?,
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
                letter: letter(&r.letter, Scope::Applicant)?,
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
    /// severity for a finding about a family member of a rule with one; `None` for an
    /// id rules.toml does not hold (`docs.missing.*`, of documents.toml). See
    /// [`super::Schemas::severity_of`], the one place a finding's severity is decided.
    pub fn severity_of(&self, f: &Finding) -> Option<Severity> {
        let r = self.get(f.rule)?;
        Some(match (&r.member, &f.member_id) {
            (Some(m), Some(_)) => m.severity,
            _ => r.severity,
        })
    }

    /// The family's words for `f` (its rule's `letter`, or its `member.letter` for a
    /// finding about a family member of a rule with a `member` part); `None` when the
    /// rule has none or rules.toml does not hold the id (`docs.missing.*`).
    pub fn letter_of(&self, f: &Finding) -> Option<&Template> {
        let r = self.get(f.rule)?;
        match (&r.member, &f.member_id) {
            (Some(m), Some(_)) => m.letter.as_ref(),
            _ => r.letter.as_ref(),
        }
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
    fn letters_name_no_one_by_id_and_messages_no_column() {
        let rule = |extra: &str| {
            format!(
                "[[rule]]\nid = \"x.y\"\nseverity = \"error\"\nwhen = 'age < 18'\nmessage = {{ ru = \"а\", en = \"a\" }}\n{extra}basis = \"x\"\nverified = true\n"
            )
        };
        let r = load(&rule("letter = \"проверьте «{field}», вам {age}\"\nmember.when = 'member.age < 1'\nmember.message = { ru = \"{member}\", en = \"{member}\" }\nmember.letter = \"до {member.id_doc_expiry_date}\"\n")).unwrap();
        let x = r.get("x.y").unwrap();
        assert!(x.letter.is_some() && x.member.as_ref().unwrap().letter.is_some());
        // {member} names a member by id: never in a letter; {field} only in letters.
        let e = load(&rule("member.when = 'member.age < 1'\nmember.message = { ru = \"а\", en = \"a\" }\nmember.letter = \"{member}\"\n")).unwrap_err();
        assert!(e.message.contains("{member}"), "{e}");
        let e = load(&rule("").replace("ru = \"а\"", "ru = \"{field}\"")).unwrap_err();
        assert!(e.message.contains("{field}"), "{e}");
        // Without a letter the rule's findings are not shown to the family.
        assert!(
            load(&rule(""))
                .unwrap()
                .get("x.y")
                .unwrap()
                .letter
                .is_none()
        );
    }

    /// Every rule that can make an applicant not ready without refusing them (an error or
    /// a missing answer, the applicant's or a member's) has words for the family's letter,
    /// and so does every refusal ground (the letter of a refused applicant states it).
    #[test]
    fn every_point_a_family_must_act_on_has_a_letter() {
        let schemas = crate::schema::Schemas::load(None).unwrap();
        let acts = [Severity::Error, Severity::Missing, Severity::Refusal];
        for r in &schemas.rules.rules {
            let applies = r.when.is_some() || r.member.is_none();
            if applies && acts.contains(&r.severity) {
                assert!(r.letter.is_some(), "{}: no letter", r.id);
            }
            if let Some(m) = &r.member
                && acts.contains(&m.severity)
            {
                assert!(m.letter.is_some(), "{}: no member.letter", r.id);
            }
        }
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
