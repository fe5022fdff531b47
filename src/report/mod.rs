//! The batch report: each applicant's status and findings, row accounting, errors. Built
//! once from a validated batch, then written as JSON (`report.json`), console text, HTML
//! (`report.html`) or CSV (`findings.csv`). `letter` decides each family's letter. `run` adds what changed since its last run
//! (`changes`) and each applicant's follow-up facts (`followup`), which `deadlines.ics`,
//! `messages.csv` and the HTML report's next actions read.

pub mod changes;
pub mod csv;
pub mod followup;
pub mod html;
pub mod ics;
mod json;
mod labels;
pub mod letter;
pub mod messages;
pub mod redact;
pub mod spill;
pub mod stream;
pub mod text;
pub mod xlsx;

use std::collections::BTreeMap;

use std::io::Write;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::benefits::{Allowance, Fees};
use crate::consulate::Consulate;
use crate::findings::{Finding, RowError, Severity};
use crate::model::{Applicant, Batch, RowCounts};
pub use crate::model::{full_name, join_name};
use crate::rules::Outcome;

/// An applicant's overall standing: the most severe of their findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ready,
    Incomplete,
    Invalid,
    Refused,
}

impl Status {
    /// Any refusal → refused; else any error → invalid; else any missing document →
    /// incomplete; else ready (warnings allowed).
    pub fn of(findings: &[Finding]) -> Status {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Refusal) => Status::Refused,
            Some(Severity::Error) => Status::Invalid,
            Some(Severity::Missing) => Status::Incomplete,
            Some(Severity::Warning) | None => Status::Ready,
        }
    }

    /// The status of an applicant whose findings are split over several lists.
    pub fn of_all<'a>(parts: impl IntoIterator<Item = &'a [Finding]>) -> Status {
        parts
            .into_iter()
            .map(Status::of)
            .max()
            .unwrap_or(Status::Ready)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Incomplete => "incomplete",
            Status::Invalid => "invalid",
            Status::Refused => "refused",
        }
    }
}

fn date_str<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub applicants: usize,
    pub ready: usize,
    pub incomplete: usize,
    pub refused: usize,
    pub invalid: usize,
}

impl Summary {
    /// Counts one more applicant of `status`.
    pub fn count(&mut self, status: Status) {
        self.applicants += 1;
        *match status {
            Status::Ready => &mut self.ready,
            Status::Incomplete => &mut self.incomplete,
            Status::Invalid => &mut self.invalid,
            Status::Refused => &mut self.refused,
        } += 1;
    }
}

/// One applicant in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicantReport {
    pub applicant_id: String,
    /// Full name as in the ID document, for people reading the report.
    pub name: String,
    pub status: Status,
    /// The mission to apply to; `None` when the region of residence is unknown.
    pub consulate: Option<std::sync::Arc<Consulate>>,
    pub findings: Vec<Finding>,
    pub allowance: Allowance,
    pub fees: Fees,
    /// Files written for this applicant, relative to OUT.
    pub outputs: Vec<String>,
}

/// The whole report, in the shape of the output contract (design.md).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(serialize_with = "date_str")]
    pub as_of: Date,
    pub summary: Summary,
    pub applicants: Vec<ApplicantReport>,
    pub rows: BTreeMap<&'static str, RowCounts>,
    pub errors: Vec<RowError>,
    pub warnings: Vec<RowError>,
    /// Whether personal data was removed (`--redact`, [`Report::redact`]); written as
    /// `"redacted": true` only then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
    /// What changed since the last run (`run` only; written as `changes` then).
    #[serde(skip)]
    pub changes: Option<changes::Changes>,
    /// Each applicant's follow-up facts, in the order of `applicants`, for the writers of
    /// a whole report (`run` hands each window's to its writers instead,
    /// [`stream::RunReport`]). Never written to report.json.
    #[serde(skip)]
    pub followup: Vec<followup::Followup>,
    /// The NGO's name (`--org`), signing the messages to families (`run` only).
    #[serde(skip)]
    pub org: String,
    /// How to reach the NGO (`--contact`), under its name in the messages (`run` only).
    #[serde(skip)]
    pub contact: String,
    /// How far the next actions of report.html look (rates.toml `[next_actions]`; `run`
    /// only: none are listed without it).
    #[serde(skip)]
    pub next_actions: Option<crate::schema::rates::NextActions>,
}

impl ApplicantReport {
    /// An applicant's entry, finished: the findings of ingest and of the engine, sorted
    /// by rule id, then member, then source (so the report is the same whatever order
    /// they were found in), the status they give (decided once, by the pipeline, before
    /// the command's sink saw the applicant) and the files written for it.
    pub fn new(
        a: Applicant,
        outcome: Outcome,
        status: Status,
        outputs: Vec<String>,
    ) -> ApplicantReport {
        let name = full_name(&a);
        let mut findings = a.findings;
        findings.extend(outcome.findings);
        for f in &mut findings {
            f.verified = !outcome.unverified.contains(f.rule);
        }
        sort_findings(&mut findings);
        debug_assert_eq!(status, Status::of(&findings));
        ApplicantReport {
            applicant_id: a.applicant_id,
            name,
            status,
            consulate: outcome.consulate,
            findings,
            allowance: outcome.allowance,
            fees: outcome.fees,
            outputs,
        }
    }
}

/// Sorts findings by rule id, then member, then source; a stable sort, so findings
/// equal by those keep the order they were found in.
fn sort_findings(findings: &mut [Finding]) {
    findings
        .sort_by(|x, y| (x.rule, &x.member_id, &x.source).cmp(&(y.rule, &y.member_id, &y.source)));
}

impl Report {
    /// The report of the applicants' entries (in batch order) and the rest of the batch
    /// (`meta`: row counts, errors, warnings; its applicants are not read).
    pub fn assemble(applicants: Vec<ApplicantReport>, meta: Batch, as_of: Date) -> Report {
        let mut summary = Summary::default();
        for a in &applicants {
            summary.count(a.status);
        }
        Report::with_summary(applicants, summary, meta, as_of)
    }

    /// The report of `applicants` (all of them, or none when they were written as they
    /// came, [`spill::Spill`]) whose statuses `summary` counts.
    pub fn with_summary(
        applicants: Vec<ApplicantReport>,
        summary: Summary,
        meta: Batch,
        as_of: Date,
    ) -> Report {
        Report {
            as_of,
            summary,
            applicants,
            rows: meta.rows.iter().map(|(f, c)| (f.file_name(), *c)).collect(),
            errors: meta.errors,
            warnings: meta.warnings,
            redacted: false,
            changes: None,
            followup: Vec::new(),
            org: String::new(),
            contact: String::new(),
            next_actions: None,
        }
    }

    /// Whether every applicant is ready and every row was accepted (exit status 0).
    pub fn all_ready(&self) -> bool {
        self.summary.applicants > 0
            && self.summary.ready == self.summary.applicants
            && self.errors.is_empty()
    }

    /// Writes the report as JSON: compact, one applicant per line (so a report of a
    /// million applicants stays usable with line tools); applicants are serialised in
    /// parallel and streamed in order.
    pub fn write_json(&self, w: &mut (dyn Write + Send)) -> std::io::Result<()> {
        self.write_json_head(w)?;
        write_applicants(w, &self.applicants, 0)?;
        self.write_json_tail(w)
    }

    /// What report.json holds before its applicants: the day, the summary, what
    /// changed, and the opening of the applicants' list.
    pub fn write_json_head(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(b"{\"as_of\":")?;
        ser(w, &self.as_of.to_string())?;
        if self.redacted {
            w.write_all(b",\n\"redacted\":true")?;
        }
        w.write_all(b",\n\"summary\":")?;
        ser(w, &self.summary)?;
        if let Some(changes) = &self.changes {
            let mut buf = b",\n".to_vec();
            changes::write_json(&mut buf, changes).map_err(std::io::Error::other)?;
            w.write_all(&buf)?;
        }
        w.write_all(b",\n\"applicants\":[")
    }

    /// What report.json holds after its applicants: the rows read, errors, warnings.
    pub fn write_json_tail(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(b"\n],\n\"rows\":")?;
        ser(w, &self.rows)?;
        w.write_all(b",\n\"errors\":")?;
        ser(w, &self.errors)?;
        w.write_all(b",\n\"warnings\":")?;
        ser(w, &self.warnings)?;
        w.write_all(b"}\n")
    }

    /// The JSON of [`Report::write_json`] as a string.
    pub fn to_json(&self) -> String {
        let mut buf = Vec::new();
        // Writing plain data to memory cannot fail.
        let _ = self.write_json(&mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

fn ser<T: Serialize + ?Sized>(w: &mut dyn Write, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(w, v).map_err(std::io::Error::other)
}

/// Writes the entries `list` of report.json's applicants, the first of them its
/// `index`th: each on its own line, after a comma but for the very first. Serialised in
/// parallel, a group at a time, and written in order while the next group is.
pub fn write_applicants(
    w: &mut (dyn Write + Send),
    list: &[ApplicantReport],
    index: usize,
) -> std::io::Result<()> {
    const GROUP: usize = 4 * 1024;
    const CHUNK: usize = 256;
    // Two sets of buffers, one per chunk, reused from group to group (no fresh pages
    // per group): one group is written while the next is serialised.
    let mut ready: Vec<Vec<u8>> = vec![Vec::new(); GROUP / CHUNK];
    let mut next: Vec<Vec<u8>> = vec![Vec::new(); GROUP / CHUNK];
    let mut used = 0;
    for (g, group) in list.chunks(GROUP).enumerate() {
        let (written, serialised) = rayon::join(
            || ready[..used].iter().try_for_each(|buf| w.write_all(buf)),
            || {
                group
                    .par_chunks(CHUNK)
                    .zip(next.par_iter_mut())
                    .enumerate()
                    .try_for_each(|(c, (chunk, buf))| {
                        buf.clear();
                        for (i, a) in chunk.iter().enumerate() {
                            let first = index == 0 && g == 0 && c == 0 && i == 0;
                            buf.extend_from_slice(if first { b"\n" } else { b",\n" });
                            json::applicant(buf, a).map_err(std::io::Error::other)?;
                        }
                        Ok::<(), std::io::Error>(())
                    })
            },
        );
        written?;
        serialised?;
        std::mem::swap(&mut ready, &mut next);
        used = group.len().div_ceil(CHUNK);
    }
    for buf in &ready[..used] {
        w.write_all(buf)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Message;

    fn f(severity: Severity) -> Finding {
        Finding {
            rule: "x",
            severity,
            member_id: None,
            field: None,
            source: None,
            message: Message::new(crate::findings::words!("", ""), []),
            verified: true,
        }
    }

    #[test]
    fn status_is_the_most_severe_finding() {
        assert_eq!(Status::of(&[]), Status::Ready);
        assert_eq!(Status::of(&[f(Severity::Warning)]), Status::Ready);
        assert_eq!(
            Status::of(&[f(Severity::Warning), f(Severity::Missing)]),
            Status::Incomplete
        );
        assert_eq!(
            Status::of(&[f(Severity::Missing), f(Severity::Error)]),
            Status::Invalid
        );
        assert_eq!(
            Status::of(&[f(Severity::Refusal), f(Severity::Error)]),
            Status::Refused
        );
    }
}
