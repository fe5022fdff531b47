//! The points of an applicant's letter in the family's words: for each finding whose
//! rule rules.toml holds, its severity as rules.toml gives it and its `letter` text (the
//! rule's, or its `member.letter` for a member's finding) rendered with the applicant's
//! facts (or the member's), `{field}` being the wrong column's Russian header. A rule
//! without a letter text gives a point without words: the letter then says only that the
//! caseworker will explain it. No rule id is kept; `docs.missing.*` (documents.toml's)
//! are left to the documents list. Rendered only for the commands that make letters.

use super::display;
use super::facts::{Ctx, MemberFacts};
use crate::columns::Col;
use crate::findings::{Finding, Lang, Severity};
use crate::model::Applicant;
use crate::schema::Schemas;
use crate::schema::regions::Russia;
use crate::schema::rules::Display;

/// One point of a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub severity: Severity,
    /// The family member it is about; `None` for the applicant.
    pub member_id: Option<String>,
    /// In the family's words; `None` when the rule has no letter text.
    pub text: Option<String>,
}

/// The points of `a`'s findings (ingest's, then `findings`, the engine's), in that
/// order, the same point once.
pub(super) fn points(
    schemas: &Schemas,
    a: &Applicant,
    members: &[MemberFacts],
    ctx: &Ctx<'_>,
    region: Option<&Russia>,
    findings: &[Finding],
) -> Vec<Point> {
    let rules = &schemas.rules;
    let mut points: Vec<Point> = Vec::new();
    for f in a.findings.iter().chain(findings) {
        if rules.get(f.rule).is_none() {
            continue;
        }
        let member = f
            .member_id
            .as_deref()
            .and_then(|id| a.family.iter().position(|m| m.member_id == id));
        let text = rules.letter_of(f).map(|t| {
            let mctx = Ctx {
                member: member.and_then(|i| members.get(i)),
                ..*ctx
            };
            let m = member.and_then(|i| a.family.get(i));
            t.render(&mctx, &|d| match d {
                Display::Field => field_words(schemas, f.field),
                d => display(a, m, region, ctx.run, d).get(Lang::Ru),
            })
        });
        let point = Point {
            severity: schemas.severity_of(f),
            member_id: f.member_id.clone(),
            text,
        };
        if !points.contains(&point) {
            points.push(point);
        }
    }
    points
}

/// Column `col` as a family reads it: its first Russian header in fields.toml, with a
/// small first letter unless it is an abbreviation («дата рождения», «ИИН»).
fn field_words(schemas: &Schemas, col: Option<Col>) -> String {
    let cyrillic = |s: &&String| s.chars().any(|c| ('\u{400}'..='\u{4FF}').contains(&c));
    let Some(header) = col.and_then(|c| schemas.fields.aliases(c).iter().find(cyrillic)) else {
        return "одно из значений".to_string();
    };
    let mut chars = header.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(header.chars().skip(1)).collect()
        }
        _ => header.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_named_by_its_russian_header() {
        let schemas = Schemas::load(None).unwrap();
        assert_eq!(field_words(&schemas, Some(Col::BirthDate)), "дата рождения");
        assert_eq!(field_words(&schemas, Some(Col::Iin)), "ИИН");
        assert_eq!(field_words(&schemas, None), "одно из значений");
    }
}
