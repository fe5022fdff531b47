//! `OUT/findings.csv` (`validate --format csv`): one row per finding, for filtering and
//! sorting in a spreadsheet. Made for Excel in a Russian locale: UTF-8 with a BOM, `;`
//! between fields, CRLF line ends. Rows that belong to no applicant (and batch-wide
//! warnings) come last, with the applicant columns empty.
//!
//! Columns: applicant_id; name; status; severity; rule; member_id; field; source;
//! message (in the chosen language); verified (`yes`, or `no` when no official source
//! confirms the rule). Status and severity are the stable codes of
//! report.json (`refused`, `missing`, …) so that filters do not depend on the language.

use std::io::Write;
use std::path::Path;

use super::spill::{Scratch, Watch};
use super::{ApplicantReport, Report};
use crate::findings::Lang;

/// The header row.
pub const HEADERS: [&str; 10] = [
    "applicant_id",
    "name",
    "status",
    "severity",
    "rule",
    "member_id",
    "field",
    "source",
    "message",
    "verified",
];

/// A spreadsheet reads a cell starting with one of these as a formula (or, for a tab or
/// CR, strips it and may read what follows as one): a name like `=HYPERLINK(…)` or an id
/// like `-1+2` must stay text. Such a cell gets a leading apostrophe, which Excel and
/// LibreOffice hide.
fn defuse(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// A CSV table for a spreadsheet in a Russian locale: a BOM, `;` between fields, CRLF
/// line ends, and every cell defused, whatever column it is in (ids and codes as much as
/// names: the guard holds for cells nobody thought hostile). findings.csv and
/// messages.csv are written with it, whole or a part at a time into any writer.
pub(crate) struct SheetCsv<W: Write = Vec<u8>>(::csv::Writer<W>);

impl SheetCsv<Vec<u8>> {
    /// A table that starts with `header` (written as it is: the headers are ours).
    pub(crate) fn new(header: &[&str]) -> SheetCsv {
        SheetCsv::begin(Vec::new(), header)
    }

    /// The text of the table.
    pub(crate) fn finish(self) -> String {
        let bytes = self.into_inner().unwrap_or_default();
        // Every field written was a &str: the bytes are UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }
}

impl<W: Write> SheetCsv<W> {
    /// Rows written to `w`, the table's BOM and `header` first.
    pub(crate) fn begin(mut w: W, header: &[&str]) -> SheetCsv<W> {
        // Errors of `w` come back from `into_inner`, which flushes.
        let _ = w.write_all("\u{FEFF}".as_bytes());
        let mut sheet = SheetCsv::rows(w);
        let _ = sheet.0.write_record(header);
        sheet
    }

    /// Rows written to `w`, more of a table begun elsewhere.
    pub(crate) fn rows(w: W) -> SheetCsv<W> {
        SheetCsv(
            ::csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(::csv::Terminator::CRLF)
                .from_writer(w),
        )
    }

    /// One row, each cell defused.
    pub(crate) fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for cell in cells {
            let _ = self.0.write_field(defuse(cell).as_bytes());
        }
        // An empty record after fields ends the row they began.
        let _ = self.0.write_record(std::iter::empty::<&[u8]>());
    }

    /// The writer, every row written to it.
    pub(crate) fn into_inner(self) -> std::io::Result<W> {
        self.0.into_inner().map_err(|e| e.into_error())
    }
}

/// The rows of `a`'s findings, messages in `lang`.
fn applicant_rows<W: Write>(w: &mut SheetCsv<W>, a: &ApplicantReport, lang: Lang) {
    for f in &a.findings {
        w.row([
            a.applicant_id.as_str(),
            &a.name,
            a.status.label(),
            f.severity.key(),
            f.rule,
            f.member_id.as_deref().unwrap_or(""),
            f.field.map(|c| c.name()).unwrap_or(""),
            &f.source
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            &f.message.get(lang),
            if f.verified { "yes" } else { "no" },
        ]);
    }
}

/// The rows that belong to no applicant: rows not processed, then the batch's warnings.
fn batch_rows<W: Write>(w: &mut SheetCsv<W>, report: &Report, lang: Lang) {
    for (sev, list) in [("error", &report.errors), ("warning", &report.warnings)] {
        for e in list {
            w.row([
                "",
                "",
                "",
                sev,
                e.rule,
                "",
                "",
                &e.source.to_string(),
                &e.message.get(lang),
                "yes",
            ]);
        }
    }
}

/// The findings of `report` as CSV text (starting with a BOM), messages in `lang`.
pub fn findings_csv(report: &Report, lang: Lang) -> String {
    let mut w = SheetCsv::new(&HEADERS);
    for a in &report.applicants {
        applicant_rows(&mut w, a, lang);
    }
    batch_rows(&mut w, report, lang);
    w.finish()
}

/// findings.csv written as the entries come: each window's rows go to a scratch file,
/// and the table is written around them at the end ([`FindingsCsv::finish`]).
pub struct FindingsCsv {
    rows: Scratch,
    lang: Lang,
}

impl FindingsCsv {
    /// Rows in `lang`, kept in a scratch file in `dir` (or the temporary folder).
    pub fn new(dir: Option<&Path>, lang: Lang) -> std::io::Result<FindingsCsv> {
        Ok(FindingsCsv {
            rows: Scratch::new(dir)?,
            lang,
        })
    }

    /// Writes findings.csv to `w`: the BOM and header, the rows of every entry seen,
    /// the rows of `report` (a report without its entries) that belong to no applicant.
    pub fn finish(self, report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
        SheetCsv::begin(&mut *w, &HEADERS).into_inner()?;
        self.rows.copy_to(w)?;
        let mut tail = SheetCsv::rows(w);
        batch_rows(&mut tail, report, self.lang);
        tail.into_inner()?.flush()
    }
}

impl Watch for FindingsCsv {
    fn watch(&mut self, entries: &[ApplicantReport]) -> std::io::Result<()> {
        let mut w = SheetCsv::rows(self.rows.writer());
        for a in entries {
            applicant_rows(&mut w, a, self.lang);
        }
        w.into_inner().map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn validate(dir: &Path) -> Report {
        let schemas = Schemas::embedded().unwrap();
        crate::validate(dir, &schemas, jiff::civil::date(2026, 11, 24))
            .unwrap()
            .0
    }

    fn samples() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch")
    }

    fn parse(text: &str) -> Vec<Vec<String>> {
        let body = text.strip_prefix('\u{FEFF}').expect("starts with a BOM");
        ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn bom_semicolons_crlf_and_one_row_per_finding() {
        let report = validate(&samples());
        let text = findings_csv(&report, Lang::Ru);
        assert!(text.starts_with("\u{FEFF}applicant_id;name;status;severity;rule;"));
        assert!(text.contains("\r\n"));
        assert!(text.ends_with("\r\n"));
        let rows = parse(&text);
        assert_eq!(rows[0], HEADERS);
        assert!(rows.iter().all(|r| r.len() == HEADERS.len()));
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        for a in &report.applicants {
            for f in &a.findings {
                *expected.entry(f.rule.to_string()).or_default() += 1;
            }
        }
        for e in report.errors.iter().chain(&report.warnings) {
            *expected.entry(e.rule.to_string()).or_default() += 1;
        }
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for r in &rows[1..] {
            *got.entry(r[4].clone()).or_default() += 1;
        }
        assert_eq!(got, expected);
        // Row errors have no applicant.
        let orphans: Vec<_> = rows.iter().filter(|r| r[4] == "data.orphan").collect();
        assert!(!orphans.is_empty());
        assert!(orphans.iter().all(|r| r[0].is_empty() && r[3] == "error"));
        // Messages in the chosen language.
        let en = parse(&findings_csv(&report, Lang::En));
        let a027 = |rows: &[Vec<String>]| {
            rows.iter()
                .find(|r| r[0] == "A027" && r[4] == "eligibility.education")
                .unwrap()[8]
                .clone()
        };
        assert_ne!(a027(&rows), a027(&en));
        assert!(a027(&rows).chars().any(|c| ('а'..='я').contains(&c)));
    }

    #[test]
    fn every_cell_is_guarded_ids_included() {
        let mut w = SheetCsv::new(&["id", "phone", "rule"]);
        w.row(["-1+2", "+7 701 000 00 00", "@SUM(A1)"]);
        w.row(["=1", "\tx", "A001"]);
        let rows = parse(&w.finish());
        assert_eq!(rows[0], ["id", "phone", "rule"]);
        assert_eq!(rows[1], ["'-1+2", "'+7 701 000 00 00", "'@SUM(A1)"]);
        assert_eq!(rows[2], ["'=1", "'\tx", "A001"]);
    }

    #[test]
    fn hostile_values_stay_text() {
        let t = tempfile::tempdir().unwrap();
        let csv = std::fs::read_to_string(samples().join("applicants.csv")).unwrap();
        // A033 has a finding (IIN check digit): give it a formula for a name and a
        // name with the delimiter, quotes and a line break.
        let csv = csv.replacen(
            ",Соколов,Игорь,",
            ",\"=HYPERLINK(\"\"http://x\"\")\",\"\"\"a;b\"\"\nc\",",
            1,
        );
        std::fs::write(t.path().join("applicants.csv"), csv).unwrap();
        let report = validate(t.path());
        let rows = parse(&findings_csv(&report, Lang::En));
        let row = rows.iter().find(|r| r[0] == "A033").unwrap();
        assert!(
            row[1].starts_with("'=HYPERLINK(\"http://x\")"),
            "{}",
            row[1]
        );
        assert!(row[1].contains("\"a;b\"\nc"), "{}", row[1]);
        assert!(rows.iter().all(|r| r.len() == HEADERS.len()));
    }
}
