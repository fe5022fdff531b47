//! The console report of `validate --format text`: one line per applicant, their findings
//! indented below, then the rows that belong to nobody and a summary.

use std::fmt::Write;

use super::{Report, Status};
use crate::findings::Lang;

/// Renders the report for a terminal, in `lang`.
pub fn render(report: &Report, formats: &[String], lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    let mut out = String::new();
    for f in formats {
        let _ = writeln!(out, "{} {f}", if ru { "прочитан" } else { "read" });
    }
    if !formats.is_empty() {
        out.push('\n');
    }
    for a in &report.applicants {
        let _ = writeln!(
            out,
            "{:<10} {:<10} {}",
            a.applicant_id,
            status_label(a.status, lang),
            a.name
        );
        for f in &a.findings {
            let member = f
                .member_id
                .as_deref()
                .map(|m| format!(" [{m}]"))
                .unwrap_or_default();
            let source = f
                .source
                .as_ref()
                .map(|s| format!("  ({s})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "           {:<8} {}{member}: {}{source}",
                severity_label(f.severity, lang),
                f.rule,
                f.message.get(lang)
            );
        }
    }
    for (title, list) in [
        (
            if ru {
                "Строки не обработаны"
            } else {
                "Rows not processed"
            },
            &report.errors,
        ),
        (
            if ru {
                "Предупреждения"
            } else {
                "Warnings"
            },
            &report.warnings,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for e in list {
            let _ = writeln!(out, "  {}  {}: {}", e.source, e.rule, e.message.get(lang));
        }
    }
    let s = &report.summary;
    let rejected: u64 = report.rows.values().map(|c| c.rejected).sum();
    let _ = if ru {
        writeln!(
            out,
            "\nНа {}: заявителей {} — готовы {}, неполные {}, отказ {}, ошибки в данных {}; строк не обработано: {rejected}",
            report.as_of, s.applicants, s.ready, s.incomplete, s.refused, s.invalid
        )
    } else {
        writeln!(
            out,
            "\nAs of {}: {} applicants — {} ready, {} incomplete, {} refused, {} invalid; {rejected} rows not processed",
            report.as_of, s.applicants, s.ready, s.incomplete, s.refused, s.invalid
        )
    };
    out
}

fn status_label(s: Status, lang: Lang) -> &'static str {
    match (lang, s) {
        (Lang::En, s) => s.label(),
        (Lang::Ru, Status::Ready) => "готов",
        (Lang::Ru, Status::Incomplete) => "неполный",
        (Lang::Ru, Status::Invalid) => "ошибки",
        (Lang::Ru, Status::Refused) => "отказ",
    }
}

fn severity_label(s: crate::findings::Severity, lang: Lang) -> &'static str {
    use crate::findings::Severity::*;
    match (lang, s) {
        (Lang::En, Warning) => "warning",
        (Lang::En, Missing) => "missing",
        (Lang::En, Error) => "error",
        (Lang::En, Refusal) => "refusal",
        (Lang::Ru, Warning) => "внимание",
        (Lang::Ru, Missing) => "нет",
        (Lang::Ru, Error) => "ошибка",
        (Lang::Ru, Refusal) => "отказ",
    }
}
