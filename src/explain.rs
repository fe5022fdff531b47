//! `resettle rules` and `resettle explain`: every rule (and document requirement) with its
//! id, severity, condition and basis, and the facts conditions may use.

use std::fmt::Write;

use crate::findings::Lang;
use crate::rules::facts::{FACTS, Getter, Scope};
use crate::schema::{Person, Schemas};

/// One line per rule, then one per document requirement.
pub fn list(schemas: &Schemas, lang: Lang) -> String {
    let mut out = String::new();
    for r in &schemas.rules.rules {
        let when = r.when_src.as_deref().unwrap_or("(built in)");
        let _ = writeln!(out, "{:<36} {:<8} {when}", r.id, r.severity.key());
        let _ = writeln!(out, "{:<45} {}", "", r.description.get(lang));
        let _ = writeln!(out, "{:<45} basis: {}", "", r.basis);
    }
    for d in schemas.documents.docs.iter().filter(|d| !d.rendered) {
        let when = d.when_src.as_deref().unwrap_or("always");
        let per = match d.person {
            Person::Applicant => "",
            Person::Member => " (per family member)",
        };
        let _ = writeln!(out, "{:<36} {:<8} {when}{per}", d.missing_rule, "missing");
        let _ = writeln!(out, "{:<45} {}", "", d.title.get(lang));
        let _ = writeln!(out, "{:<45} basis: {}", "", d.basis);
    }
    out
}

/// The full explanation of one rule id, if it exists.
pub fn explain(schemas: &Schemas, id: &str, lang: Lang) -> Option<String> {
    let mut out = String::new();
    if let Some(r) = schemas.rules.get(id) {
        let _ = writeln!(out, "{}  ({})", r.id, r.severity.key());
        let _ = writeln!(out, "\n{}", r.description.get(lang));
        match &r.when_src {
            Some(w) => {
                let _ = writeln!(out, "\nfires when: {w}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "\nchecked by the program itself (reading, identifiers, files)"
                );
            }
        }
        if let Some(f) = r.field {
            let _ = writeln!(out, "points at:  {}", f.name());
        }
        let _ = writeln!(out, "basis:      {}", r.basis);
        return Some(out);
    }
    let d = schemas
        .documents
        .docs
        .iter()
        .find(|d| d.missing_rule == id)?;
    let _ = writeln!(out, "{}  (missing)", d.missing_rule);
    let _ = writeln!(out, "\n{}", d.title.get(lang));
    let per = match d.person {
        Person::Applicant => "the applicant",
        Person::Member => "each family member",
    };
    let _ = writeln!(out, "\nrequired of: {per}");
    let _ = writeln!(
        out,
        "when:        {}",
        d.when_src.as_deref().unwrap_or("always")
    );
    let file = match d.person {
        Person::Applicant => format!("documents/<applicant_id>/{}.pdf (or .jpg, .png)", d.code),
        Person::Member => format!(
            "documents/<applicant_id>/{}-<member_id>.pdf (or .jpg, .png)",
            d.code
        ),
    };
    let _ = writeln!(
        out,
        "scan:        {file}, or `{}` in the documents column if handed in on paper",
        d.code
    );
    let _ = writeln!(out, "basis:       {}", d.basis);
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
        if !f.values.is_empty() {
            let _ = writeln!(out, "{:<42} values: {}", "", f.values.join(", "));
        }
    }
    out
}
