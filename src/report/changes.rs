//! What changed since the last run: `run` reads the `report.json` it finds in OUT before
//! it removes it ([`Previous::read`]), and compares it with the new report
//! ([`compare`]): who became ready, who is newly refused or invalid, who is no longer
//! ready and why, who appeared in the batch or left it. The result is `changes` in
//! report.json (one entry per applicant whose status or findings changed), a few lines on
//! the console ([`console_lines`]) and the top of report.html and report.pdf.
//!
//! A finding is compared by its rule id and, for a family member's, the member id
//! (`docs.missing.birth_certificate [F2]`, the spelling the lists use): a document handed
//! in for one child but still missing for another is a change. When either report was
//! redacted, ids are compared with their long digit runs masked on both sides, as a
//! redacted report shows them. The last report is read like any input: not a regular
//! file, too large or not a report means "nothing to compare with", never a failed run.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufReader, Read};
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use super::{ApplicantReport, Report, Status};
use crate::findings::Message;
use crate::fsread;
use crate::values::mask_digit_runs;

/// The largest last report read back (a report of two million applicants is about this).
pub const MAX_PREVIOUS_BYTES: u64 = 4 << 30;

/// One applicant whose status or findings changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub applicant_id: String,
    /// The applicant's name in the report it is still (or was last) in.
    pub name: String,
    /// `None`: the applicant appeared in the batch.
    pub from: Option<Status>,
    /// `None`: the applicant left the batch.
    pub to: Option<Status>,
    /// Findings now that the last report did not have (`rule` or `rule [member]`).
    pub new_findings: Vec<String>,
    /// Findings of the last report that are gone.
    pub resolved_findings: Vec<String>,
    /// The message of each new finding (by `new_findings`' order), for the first
    /// changes of an applicant still in the batch (those report.html lists).
    pub messages: Vec<Option<Message>>,
}

/// The comparison with the last run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The as-of date of the last report; `None` when there was none to compare with.
    pub since: Option<Date>,
    /// Why there was nothing to compare with, when a last report was there but could not
    /// be read.
    pub unreadable: Option<String>,
    /// In the order of the new report, then those who left in the order of the last.
    pub entries: Vec<Change>,
}

/// The parts of a last report that are compared.
#[derive(Debug, Deserialize)]
pub struct Previous {
    as_of: String,
    #[serde(default)]
    redacted: bool,
    applicants: Vec<PrevApplicant>,
}

#[derive(Debug, Deserialize)]
struct PrevApplicant {
    applicant_id: String,
    #[serde(default)]
    name: String,
    status: String,
    #[serde(default)]
    findings: Vec<PrevFinding>,
}

#[derive(Debug, Deserialize)]
struct PrevFinding {
    rule: String,
    #[serde(default)]
    member_id: Option<String>,
}

fn status_of(s: &str) -> Option<Status> {
    [
        Status::Ready,
        Status::Incomplete,
        Status::Invalid,
        Status::Refused,
    ]
    .into_iter()
    .find(|x| x.label() == s)
}

impl Previous {
    /// The last report at `path`: `Ok(None)` when there is none, `Err` with the reason
    /// when one is there but cannot be read as a report.
    pub fn read(path: &Path) -> Result<Option<Previous>, String> {
        let file = match fsread::open_regular(path) {
            Ok(f) => f,
            Err(fsread::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(e) => return Err(e.to_string()),
        };
        if file.metadata().map_err(|e| e.to_string())?.len() > MAX_PREVIOUS_BYTES {
            return Err(format!("larger than {} GiB", MAX_PREVIOUS_BYTES >> 30));
        }
        let reader = BufReader::new(file.take(MAX_PREVIOUS_BYTES));
        // The reason never quotes the file: a planted one could hold anything.
        let prev: Previous = serde_json::from_reader(reader).map_err(|e| {
            format!(
                "not a report of resettle: line {}, column {}",
                e.line(),
                e.column()
            )
        })?;
        if prev.as_of.parse::<Date>().is_err() {
            return Err("not a report of resettle: `as_of` is not a date".into());
        }
        if prev
            .applicants
            .iter()
            .any(|a| status_of(&a.status).is_none())
        {
            return Err("not a report of resettle: an unknown status".into());
        }
        Ok(Some(prev))
    }
}

/// The key a finding is compared by.
fn key(rule: &str, member: Option<&str>, mask: bool) -> String {
    match member {
        Some(m) if mask => format!("{rule} [{}]", mask_digit_runs(m)),
        Some(m) => format!("{rule} [{m}]"),
        None => rule.to_string(),
    }
}

fn id_key(id: &str, mask: bool) -> String {
    if mask {
        mask_digit_runs(id).into_owned()
    } else {
        id.to_string()
    }
}

/// The changes from `prev` (`None`: no last report) to `report`; `unreadable` says why a
/// last report that was there was not compared.
pub fn compare(prev: Option<&Previous>, unreadable: Option<String>, report: &Report) -> Changes {
    let mut comparer = Comparer::new(prev, unreadable, report.redacted);
    report.applicants.iter().for_each(|a| comparer.see(a));
    comparer.finish()
}

/// The comparison made entry by entry as they come (`run` holds no entry): each
/// applicant's status and finding keys checked against the last report's at once, and
/// only the changes kept.
pub struct Comparer<'p> {
    prev: Option<&'p Previous>,
    unreadable: Option<String>,
    /// Whether the new report is redacted (its entries already are when seen).
    redacted: bool,
    mask: bool,
    /// The last report's applicants by id: status, finding keys, index.
    before: HashMap<String, (Status, BTreeSet<String>, usize)>,
    seen: Vec<bool>,
    entries: Vec<Change>,
}

impl<'p> Comparer<'p> {
    pub fn new(prev: Option<&'p Previous>, unreadable: Option<String>, redacted: bool) -> Self {
        let mask = prev.is_some_and(|p| p.redacted) || redacted;
        let mut before = HashMap::new();
        for (i, a) in prev.iter().flat_map(|p| p.applicants.iter()).enumerate() {
            let keys = a
                .findings
                .iter()
                .map(|f| key(&f.rule, f.member_id.as_deref(), mask))
                .collect();
            // Checked at read: every status is known.
            let status = status_of(&a.status).unwrap_or(Status::Invalid);
            before
                .entry(id_key(&a.applicant_id, mask))
                .or_insert((status, keys, i));
        }
        Comparer {
            prev,
            unreadable,
            redacted,
            mask,
            before,
            seen: vec![false; prev.map_or(0, |p| p.applicants.len())],
            entries: Vec::new(),
        }
    }

    /// Compares the next entry of the new report.
    pub fn see(&mut self, a: &ApplicantReport) {
        if self.prev.is_none() {
            return;
        }
        let mask = self.mask;
        let shown = id_key(&a.applicant_id, self.redacted);
        let now: BTreeSet<String> = a
            .findings
            .iter()
            .map(|f| key(f.rule, f.member_id.as_deref(), mask))
            .collect();
        let change = match self.before.get(&id_key(&a.applicant_id, mask)) {
            Some((status, was, i)) => {
                self.seen[*i] = true;
                if *status == a.status && *was == now {
                    return;
                }
                Change {
                    applicant_id: shown,
                    name: a.name.clone(),
                    from: Some(*status),
                    to: Some(a.status),
                    new_findings: now.difference(was).cloned().collect(),
                    resolved_findings: was.difference(&now).cloned().collect(),
                    messages: Vec::new(),
                }
            }
            None => Change {
                applicant_id: shown,
                name: a.name.clone(),
                from: None,
                to: Some(a.status),
                new_findings: now.into_iter().collect(),
                resolved_findings: Vec::new(),
                messages: Vec::new(),
            },
        };
        let mut change = change;
        // The words of the new findings, for the changes the reports list.
        if change.from.is_some() && self.entries.len() < super::html::DETAIL_LIMIT {
            change.messages = change
                .new_findings
                .iter()
                .map(|k| {
                    a.findings
                        .iter()
                        .find(|f| match &f.member_id {
                            Some(m) => *k == format!("{} [{m}]", f.rule),
                            None => k == f.rule,
                        })
                        .map(|f| f.message.clone())
                })
                .collect();
        }
        self.entries.push(change);
    }

    /// The changes: those of the entries seen, then those who left.
    pub fn finish(self) -> Changes {
        let Comparer {
            prev,
            unreadable,
            redacted,
            mask,
            mut before,
            seen,
            mut entries,
        } = self;
        let Some(prev) = prev else {
            return Changes {
                since: None,
                unreadable,
                entries: Vec::new(),
            };
        };
        for (a, _) in prev.applicants.iter().zip(&seen).filter(|(_, s)| !**s) {
            // One entry per id, even if a planted report repeats it.
            let k = id_key(&a.applicant_id, mask);
            if before.remove(&k).is_none() {
                continue;
            }
            entries.push(Change {
                applicant_id: id_key(&a.applicant_id, redacted),
                name: if redacted && !prev.redacted {
                    super::redact::initials(&a.name)
                } else {
                    a.name.clone()
                },
                from: status_of(&a.status),
                to: None,
                new_findings: Vec::new(),
                resolved_findings: Vec::new(),
                messages: Vec::new(),
            });
        }
        Changes {
            since: prev.as_of.parse().ok(),
            unreadable: None,
            entries,
        }
    }
}

/// How many entries of each kind: became ready, no longer ready, newly refused, newly
/// invalid, appeared, left, other (status kept, findings changed).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub became_ready: usize,
    pub no_longer_ready: usize,
    pub newly_refused: usize,
    pub newly_invalid: usize,
    pub appeared: usize,
    pub left: usize,
    pub other: usize,
}

impl Changes {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for e in &self.entries {
            match (e.from, e.to) {
                (None, _) => c.appeared += 1,
                (_, None) => c.left += 1,
                (Some(f), Some(Status::Ready)) if f != Status::Ready => c.became_ready += 1,
                (Some(Status::Ready), Some(_)) if e.to != e.from => c.no_longer_ready += 1,
                (Some(f), Some(Status::Refused)) if f != Status::Refused => c.newly_refused += 1,
                (Some(f), Some(Status::Invalid)) if f != Status::Invalid => c.newly_invalid += 1,
                _ => c.other += 1,
            }
        }
        c
    }
}

/// At most this many applicants are named on the console.
const CONSOLE_LINES: usize = 8;

/// A few lines for the console.
pub fn console_lines(changes: &Changes) -> Vec<String> {
    let Some(since) = changes.since else {
        return vec![match &changes.unreadable {
            Some(why) => format!(
                "changes: the last report.json in OUT could not be read ({why}): nothing to compare with"
            ),
            None => "changes: no report.json of an earlier run in OUT, nothing to compare with (the next run will say what changed)".to_string(),
        }];
    };
    if changes.entries.is_empty() {
        return vec![format!("changes since the last run ({since}): none")];
    }
    let c = changes.counts();
    let parts: Vec<String> = [
        (c.became_ready, "became ready"),
        (c.no_longer_ready, "no longer ready"),
        (c.newly_refused, "newly refused"),
        (c.newly_invalid, "newly invalid"),
        (c.appeared, "new in the batch"),
        (c.left, "left the batch"),
        (c.other, "with other changes"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let mut lines = vec![format!(
        "changes since the last run ({since}): {}",
        parts.join(", ")
    )];
    for e in changes.entries.iter().take(CONSOLE_LINES) {
        let mut line = match (e.from, e.to) {
            (None, Some(to)) => format!("  {}: new in the batch, {}", e.applicant_id, to.label()),
            (Some(from), None) => format!(
                "  {}: left the batch (was {})",
                e.applicant_id,
                from.label()
            ),
            (Some(from), Some(to)) => {
                format!("  {}: {} → {}", e.applicant_id, from.label(), to.label())
            }
            (None, None) => format!("  {}", e.applicant_id),
        };
        if e.from.is_some() && !e.new_findings.is_empty() {
            line.push_str(&format!("; new: {}", e.new_findings.join(", ")));
        }
        if !e.resolved_findings.is_empty() {
            line.push_str(&format!("; resolved: {}", e.resolved_findings.join(", ")));
        }
        lines.push(line);
    }
    if changes.entries.len() > CONSOLE_LINES {
        lines.push(format!(
            "  … and {} more: see `changes` in report.json",
            changes.entries.len() - CONSOLE_LINES
        ));
    }
    lines
}

/// Appends `"changes_since":…,"changes":[…]` (without a leading comma) to `out`: `null`
/// twice when there was nothing to compare with.
pub fn write_json(out: &mut Vec<u8>, changes: &Changes) -> serde_json::Result<()> {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        applicant_id: &'a str,
        from: Option<Status>,
        to: Option<Status>,
        new_findings: &'a [String],
        resolved_findings: &'a [String],
    }
    out.extend_from_slice(b"\"changes_since\":");
    serde_json::to_writer(&mut *out, &changes.since.map(|d| d.to_string()))?;
    out.extend_from_slice(b",\n\"changes\":");
    if changes.since.is_none() {
        out.extend_from_slice(b"null");
        return Ok(());
    }
    out.push(b'[');
    for (i, e) in changes.entries.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(
            &mut *out,
            &Entry {
                applicant_id: &e.applicant_id,
                from: e.from,
                to: e.to,
                new_findings: &e.new_findings,
                resolved_findings: &e.resolved_findings,
            },
        )?;
    }
    out.push(b']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back() {
        for s in ["ready", "incomplete", "invalid", "refused"] {
            assert_eq!(status_of(s).map(Status::label), Some(s));
        }
        assert_eq!(status_of("done"), None);
    }

    #[test]
    fn console_says_when_there_is_nothing_to_compare() {
        let lines = console_lines(&Changes::default());
        assert!(lines[0].contains("nothing to compare with"), "{lines:?}");
    }
}
