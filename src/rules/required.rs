//! Which documents an application needs (the applicant's and each relocating member's,
//! from `documents.toml`), which of them were handed in, and a `docs.missing.<code>`
//! finding for each that was not.

use crate::findings::{Arg, Finding, Message, Source};
use crate::model::{Applicant, Evidence};
use crate::schema::Schemas;

use super::facts::{Ctx, MemberFacts};

/// One document the application needs: whose it is, and whether it was handed in. It
/// points into its applicant (a family member's index, a held document's index) rather
/// than copying them: every applicant of a batch keeps this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub code: &'static str,
    /// Index into the applicant's `family`; `None` for the applicant's own document.
    member: Option<u32>,
    have: Have,
}

/// How a required document was handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Have {
    Missing,
    /// Index into the applicant's `documents`.
    Held(u32),
    /// The program's own form (the application): always present.
    Rendered,
}

static RENDERED: Evidence = Evidence::Rendered;

impl Required {
    /// The family member the document is for; `None` for the applicant's own.
    pub fn member_id<'a>(&self, a: &'a Applicant) -> Option<&'a str> {
        self.member
            .and_then(|i| a.family.get(i as usize))
            .map(|m| m.member_id.as_str())
    }

    /// How it was handed in; `None` when it is missing. The program's own forms count as
    /// present.
    pub fn evidence<'a>(&self, a: &'a Applicant) -> Option<&'a Evidence> {
        match self.have {
            Have::Missing => None,
            Have::Held(i) => a.documents.get(i as usize).map(|h| &h.evidence),
            Have::Rendered => Some(&RENDERED),
        }
    }

    pub fn is_missing(&self) -> bool {
        self.have == Have::Missing
    }
}

/// Every document the application needs, in documents.toml order: for each document the
/// applicant's copy, then each family member's.
pub fn required_documents(
    schemas: &Schemas,
    a: &Applicant,
    members: &[MemberFacts],
    ctx: &Ctx<'_>,
) -> Vec<Required> {
    let held = |code: &str, member: Option<&str>| {
        a.documents
            .iter()
            .position(|h| h.doc.code == code && h.doc.member_id.as_deref() == member)
            .map_or(Have::Missing, |i| Have::Held(i as u32))
    };
    let mut out = Vec::new();
    for doc in &schemas.documents.docs {
        if doc.applicant.as_ref().is_some_and(|w| w.holds(ctx)) {
            out.push(Required {
                code: doc.code,
                member: None,
                have: if doc.rendered {
                    Have::Rendered
                } else {
                    held(doc.code, None)
                },
            });
        }
        let Some(when) = &doc.member else { continue };
        for (i, m) in members.iter().enumerate() {
            let mctx = Ctx {
                run: ctx.run,
                app: ctx.app,
                member: Some(m),
            };
            if when.holds(&mctx) {
                out.push(Required {
                    code: doc.code,
                    member: Some(i as u32),
                    have: held(doc.code, Some(&m.member_id)),
                });
            }
        }
    }
    out
}

/// A `docs.missing.<code>` finding for each required document not handed in.
pub fn missing_documents(
    schemas: &Schemas,
    a: &Applicant,
    required: &[Required],
    findings: &mut Vec<Finding>,
) {
    let folder = format!("documents/{}", a.applicant_id);
    for r in required.iter().filter(|r| r.is_missing()) {
        let Some(doc) = schemas.documents.by_code(r.code) else {
            continue;
        };
        let (source, message) = match r.member_id(a) {
            None => (
                format!("{folder}/{}.*", doc.code),
                Message::shared(&doc.missing, []),
            ),
            Some(m) => {
                let name = a
                    .family
                    .iter()
                    .find(|f| f.member_id == m)
                    .map(|f| format!("{} {}", f.last_name, f.first_name))
                    .unwrap_or_default();
                let member = Arg::Member {
                    name: name.into(),
                    id: m.into(),
                };
                (
                    format!("{folder}/{}-{m}.*", doc.code),
                    Message::shared(&doc.missing_member, [member]),
                )
            }
        };
        findings.push(
            Finding::new(doc.missing_rule, message)
                .member(r.member_id(a).map(str::to_string))
                .at(Some(Source::Path(source))),
        );
    }
}
