//! The console report of `validate --format text`: one line per applicant, their findings
//! indented below, then the rows that belong to nobody and a summary. Every value from the
//! batch (ids, names, sources, messages quoting cells) is escaped for the terminal where
//! it is inserted, so a cell or a file name cannot forge a line or colour one.

use std::fmt::Write;
use std::path::Path;

use super::spill::{Scratch, Watch};
use super::{ApplicantReport, Report, Status};
use crate::findings::Lang;
use crate::model::TableRead;
use crate::text::escape_controls as esc;

/// ANSI colours for a terminal; none when output goes elsewhere or NO_COLOR is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colours when stdout is a terminal and `NO_COLOR` is not set (no-color.org).
    pub fn for_stdout() -> Style {
        use std::io::IsTerminal;
        Style {
            color: std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    /// `text` padded to `width` characters, wrapped in colour `code` when enabled (the
    /// padding stays outside the escape codes so columns line up).
    fn paint(self, code: &str, text: &str, width: usize) -> String {
        let pad = " ".repeat(width.saturating_sub(text.chars().count()));
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m{pad}")
        } else {
            format!("{text}{pad}")
        }
    }
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Ready => "32",      // green
        Status::Incomplete => "33", // yellow
        Status::Invalid => "35",    // magenta
        Status::Refused => "1;31",  // bold red
    }
}

fn severity_color(s: crate::findings::Severity) -> &'static str {
    use crate::findings::Severity::*;
    match s {
        Warning => "36", // cyan
        Missing => "33",
        Error => "35",
        Refusal => "31",
    }
}

/// Renders the report for a terminal, in `lang`, coloured per `style`.
pub fn render(report: &Report, formats: &[TableRead], lang: Lang, style: Style) -> String {
    let mut out = head(report, formats, lang);
    for a in &report.applicants {
        entry(&mut out, a, lang, style);
    }
    out.push_str(&tail(report, lang));
    out
}

/// What comes before the applicants: the redaction note, how each table was read.
fn head(report: &Report, formats: &[TableRead], lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    let mut out = String::new();
    if report.redacted {
        out.push_str(if ru {
            "Обезличенный отчёт: заявители показаны по ID и инициалам, значения ячеек и личные номера скрыты.\n\n"
        } else {
            "Redacted report: applicants are shown by id and initials; cell values and personal numbers are hidden.\n\n"
        });
    }
    for f in formats {
        let _ = writeln!(
            out,
            "{} {}",
            if ru { "прочитан" } else { "read" },
            esc(&f.to_string())
        );
    }
    if !formats.is_empty() {
        out.push('\n');
    }
    out
}

/// An applicant's line and its findings' below it.
fn entry(out: &mut String, a: &ApplicantReport, lang: Lang, style: Style) {
    let ru = lang == Lang::Ru;
    let _ = writeln!(
        out,
        "{:<10} {} {}",
        esc(&a.applicant_id),
        style.paint(status_color(a.status), status_label(a.status, lang), 10),
        esc(&a.name)
    );
    for f in &a.findings {
        let member = f
            .member_id
            .as_deref()
            .map(|m| format!(" [{}]", esc(m)))
            .unwrap_or_default();
        let source = f
            .source
            .as_ref()
            .map(|s| format!("  ({})", esc(&s.to_string())))
            .unwrap_or_default();
        let unverified = match (f.verified, ru) {
            (true, _) => "",
            (false, true) => " (не подтверждено)",
            (false, false) => " (unverified)",
        };
        let _ = writeln!(
            out,
            "           {} {}{unverified}{member}: {}{source}",
            style.paint(
                severity_color(f.severity),
                severity_label(f.severity, lang),
                8
            ),
            esc(f.rule),
            esc(&f.message.get(lang))
        );
    }
}

/// What comes after the applicants: the rows that belong to nobody, the summary.
fn tail(report: &Report, lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    let mut out = String::new();
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
            let _ = writeln!(
                out,
                "  {}  {}: {}",
                esc(&e.source.to_string()),
                esc(e.rule),
                esc(&e.message.get(lang))
            );
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

/// The console report written as the entries come: each window's lines go to a
/// scratch file, and the report is written around them at the end
/// ([`TextReport::finish`]).
pub struct TextReport {
    lines: Scratch,
    lang: Lang,
    style: Style,
}

impl TextReport {
    /// Lines in `lang` and `style`, kept in a scratch file in `dir` (or the temporary
    /// folder).
    pub fn new(dir: Option<&Path>, lang: Lang, style: Style) -> std::io::Result<TextReport> {
        Ok(TextReport {
            lines: Scratch::new(dir)?,
            lang,
            style,
        })
    }

    /// Writes the report to `w`: the head of `report` (a report without its entries)
    /// and `formats`, the lines of every entry seen, the rows not processed and the
    /// summary.
    pub fn finish(
        self,
        report: &Report,
        formats: &[TableRead],
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        w.write_all(head(report, formats, self.lang).as_bytes())?;
        self.lines.copy_to(w)?;
        w.write_all(tail(report, self.lang).as_bytes())
    }
}

impl Watch for TextReport {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()> {
        use std::io::Write as _;
        let mut out = String::new();
        for a in entries {
            entry(&mut out, a, self.lang, self.style);
        }
        self.lines.writer().write_all(out.as_bytes())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_pads_outside_the_colour() {
        let on = Style { color: true };
        let off = Style { color: false };
        assert_eq!(off.paint("31", "отказ", 8), "отказ   ");
        assert_eq!(on.paint("31", "отказ", 8), "\x1b[31mотказ\x1b[0m   ");
    }
}
