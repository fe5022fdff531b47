//! `resettle rules` and `resettle explain`: every rule (and document requirement) with its
//! id, severity, condition and basis, and the facts conditions may use.

use std::fmt::Write;

use crate::cond::{FACTS, Getter, Scope};
use crate::findings::Lang;
use crate::schema::Schemas;
use crate::schema::documents::DocSpec;

/// How `resettle rules` and `explain` mark what no official source confirms.
fn verified_mark(verified: bool) -> &'static str {
    if verified { "verified" } else { "UNVERIFIED" }
}

/// Who a document is required of, and when.
fn doc_when(d: &DocSpec) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &d.applicant_src {
        parts.push(format!("applicant: {w}"));
    }
    if let Some(w) = &d.member_src {
        parts.push(format!("each member: {w}"));
    }
    if parts.is_empty() {
        parts.push("rendered by resettle".to_string());
    }
    parts.join("; ")
}

/// One entry per rule, then one per document requirement; with `only_unverified`, only
/// those no official source confirms (and the unverified amounts and lookups).
pub fn list(schemas: &Schemas, lang: Lang, only_unverified: bool) -> String {
    let mut out = String::new();
    let shown = |verified: bool| !only_unverified || !verified;
    for r in schemas
        .rules
        .rules
        .iter()
        .filter(|r| shown(r.source.verified))
    {
        let when = r.when_src.as_deref().unwrap_or(if r.member.is_some() {
            "(family members only)"
        } else {
            "(built in)"
        });
        let _ = writeln!(out, "{:<36} {:<8} {when}", r.id, r.severity.key());
        if let Some(m) = &r.member {
            let _ = writeln!(
                out,
                "{:<36} {:<8} each member: {}",
                "",
                m.severity.key(),
                m.when_src
            );
        }
        let _ = writeln!(out, "{:<45} {}", "", r.description.get(lang));
        let _ = writeln!(
            out,
            "{:<45} basis ({}): {}",
            "",
            verified_mark(r.source.verified),
            r.source.basis
        );
    }
    for d in schemas
        .documents
        .docs
        .iter()
        .filter(|d| !d.rendered && shown(d.source.verified))
    {
        let _ = writeln!(
            out,
            "{:<36} {:<8} {}",
            d.missing_rule,
            "missing",
            doc_when(d)
        );
        let _ = writeln!(out, "{:<45} {}", "", d.title.get(lang));
        let _ = writeln!(
            out,
            "{:<45} basis ({}): {}",
            "",
            verified_mark(d.source.verified),
            d.source.basis
        );
    }
    if only_unverified {
        let _ = writeln!(
            out,
            "\nAmounts, lists and lookups without an official source:"
        );
        for (what, basis) in schemas.unverified_entries() {
            let _ = writeln!(out, "{what:<45} basis: {basis}");
        }
    }
    out
}

/// The full explanation of one rule id (a rule, a document's absence, or an id of
/// edition 1 and what replaced it), if it exists.
pub fn explain(schemas: &Schemas, id: &str, lang: Lang) -> Option<String> {
    let mut out = String::new();
    if let Some(r) = schemas.rules.get(id) {
        let _ = writeln!(out, "{}  ({})", r.id, r.severity.key());
        let _ = writeln!(out, "\n{}", r.description.get(lang));
        match (&r.when_src, &r.member) {
            (None, None) => {
                let _ = writeln!(
                    out,
                    "\nchecked by the program itself (reading, identifiers, files)"
                );
            }
            (w, m) => {
                if let Some(w) = w {
                    let _ = writeln!(out, "\nfires when: {w}");
                }
                if let Some(m) = m {
                    let _ = writeln!(
                        out,
                        "{}for each family member when: {} (severity {}: the member must leave the application)",
                        if w.is_some() { "" } else { "\n" },
                        m.when_src,
                        m.severity.key()
                    );
                }
            }
        }
        if !r.columns.is_empty() {
            let names: Vec<&str> = r.columns.iter().map(|c| c.name()).collect();
            let _ = writeln!(out, "columns:    {}", names.join(", "));
        }
        if let Some(f) = r.field {
            let _ = writeln!(out, "points at:  {}", f.name());
        }
        let _ = writeln!(out, "basis:      {}", r.source.basis);
        let _ = writeln!(out, "verified:   {}", r.source.verified);
        return Some(out);
    }
    if let Some(r) = schemas.rules.retired(id) {
        let _ = writeln!(
            out,
            "{}  (retired in edition 2 of the rules: no longer reported)",
            r.id
        );
        let _ = writeln!(out, "\n{}", r.reason.get(lang));
        if !r.replaced_by.is_empty() {
            let _ = writeln!(out, "\nreplaced by: {}", r.replaced_by.join(", "));
        }
        return Some(out);
    }
    let d = schemas
        .documents
        .docs
        .iter()
        .find(|d| d.missing_rule == id)?;
    let _ = writeln!(out, "{}  (missing)", d.missing_rule);
    let _ = writeln!(out, "\n{}", d.title.get(lang));
    let _ = writeln!(out, "\nrequired of: {}", doc_when(d));
    let mut files = Vec::new();
    if d.for_applicant() {
        files.push(format!("documents/<applicant_id>/{}.pdf", d.code));
    }
    if d.for_members() {
        files.push(format!(
            "documents/<applicant_id>/{}-<member_id>.pdf",
            d.code
        ));
    }
    let _ = writeln!(
        out,
        "scan:        {} (or .jpg, .png), or `{}` in the documents column if handed in on paper",
        files.join(", "),
        d.code
    );
    let _ = writeln!(out, "basis:       {}", d.source.basis);
    let _ = writeln!(out, "verified:    {}", d.source.verified);
    Some(out)
}

/// Every fact a condition may use.
pub fn facts() -> String {
    let mut out = String::new();
    for f in FACTS {
        let kind = match f.getter {
            Getter::Bool(_) => "yes/no",
            Getter::Int(_) => "number",
            Getter::Str(_) => "text",
        };
        let scope = if f.scope == Scope::Member {
            " (per-member conditions only)"
        } else {
            ""
        };
        let _ = writeln!(out, "{:<34} {kind:<7} {}{scope}", f.name, f.doc);
        if !f.values.is_empty() && f.allows(f.values[0]) {
            let _ = writeln!(out, "{:<42} values: {}", "", f.values.join(", "));
        }
    }
    out
}
