//! The data's values as the form prints them: text of a value, a dash when empty, a
//! person's words (`words.<key>`), full names, the word by sex and a member's ID document
//! on one line — the helpers of `templates/common.typ`, in Rust.

use serde_json::Value;

/// A value of the data as text: strings as they are, numbers as digits, null as "".
pub(super) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as the form shows it: a dash when empty (`show-value` of common.typ).
pub(super) fn shown(v: &Value) -> String {
    Some(text(v))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}

/// The word the form prints for `key` of a person: `words.key` when the data has it, else
/// the value itself.
pub(super) fn said(p: &Value, key: &str) -> String {
    match p["words"][key].as_str() {
        Some(w) if !w.is_empty() => w.into(),
        _ => shown(&p[key]),
    }
}

/// Surname, name and patronymic, the empty ones left out (`full-name` of common.typ).
pub(super) fn full_name(p: &Value) -> String {
    let parts: Vec<String> = ["last_name", "first_name", "patronymic"]
        .iter()
        .map(|k| text(&p[*k]))
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(" ")
}

/// The male form, the female form, or both for an unknown sex (`by-sex` of common.typ).
pub(super) fn by_sex<'a>(sex: &Value, m: &'a str, f: &'a str, either: &'a str) -> &'a str {
    match sex.as_str() {
        Some("M") => m,
        Some("F") => f,
        _ => either,
    }
}

/// A family member's ID document on one line: kind, number, valid until.
pub(super) fn member_doc(m: &Value) -> String {
    let mut parts = Vec::new();
    if !m["id_doc_type"].is_null() {
        parts.push(said(m, "id_doc_type"));
    }
    for (key, before) in [("id_doc_number", "№"), ("id_doc_expiry_date", "до")] {
        let v = text(&m[key]);
        if !v.is_empty() {
            parts.push(format!("{before}\u{A0}{v}"));
        }
    }
    Some(parts.join(", "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}
