//! The view the HTML report's template gets as its context (and the batch report as PDF
//! as JSON): the structs and their building from the [`Report`], every text in the chosen
//! language and every amount and date formatted.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::followup::Actions;
use crate::consulate::Consulate;
use crate::findings::{Finding, Lang, RowError};
use crate::format::{date_text, group_thousands, rub, rub_kopecks};
use crate::report::followup::Followup;
use crate::report::labels::{labels, status_text};
use crate::report::{ApplicantReport, Report, Status, Summary};
use crate::schema::rates::NextActions;

#[derive(Serialize)]
pub(super) struct View<'a> {
    lang: &'static str,
    t: BTreeMap<&'static str, &'static str>,
    version: &'static str,
    as_of: String,
    as_of_iso: String,
    cards: Vec<Card>,
    /// One per status, in the order refused, invalid, incomplete, ready.
    groups: Vec<Group>,
    /// At most the detail limit of each; the counts and notes say how many there are.
    errors: Vec<RowView>,
    errors_count: usize,
    errors_more_note: Option<String>,
    warnings: Vec<RowView>,
    warnings_count: usize,
    warnings_more_note: Option<String>,
    rows: Vec<RowsView>,
    rows_rejected: u64,
    missions: Vec<MissionView>,
    /// The counts of report.json. (Not the whole report: the context is a copy of
    /// everything in it, and the groups above already hold every applicant.)
    summary: &'a Summary,
    /// Some finding or amount shown rests on a source no official text confirms: the
    /// page says once what that means.
    any_unverified: bool,
    /// What changed since the last run (`run` only), shown first.
    changes: Option<super::followup::ChangesView>,
    /// What to do next, soonest first (`run` only), and the sentence saying how far
    /// ahead it looks.
    next_actions: Vec<super::followup::ActionView>,
    actions_intro: String,
}

#[derive(Serialize)]
struct Card {
    /// `total`, a status, or `rows`.
    key: &'static str,
    label: &'static str,
    note: &'static str,
    count: u64,
    /// The section it links to, if any.
    anchor: Option<&'static str>,
}

#[derive(Serialize)]
struct Group {
    status: &'static str,
    label: &'static str,
    description: &'static str,
    /// All the applicants of this status; `applicants` lists at most the detail limit.
    count: usize,
    more_note: Option<String>,
    applicants: Vec<ApplicantView>,
}

#[derive(Serialize)]
struct ApplicantView {
    id: String,
    name: String,
    status: &'static str,
    status_label: &'static str,
    mission: Option<String>,
    next_booking: Option<String>,
    walk_in: Option<String>,
    /// The booking day or walk-in hours shown come from an unverified schedule.
    booking_unverified: bool,
    lifting_total: String,
    stage1: Option<String>,
    stage2: Option<String>,
    compensation: Option<String>,
    monthly_benefit: Option<String>,
    /// Some amount rests on a section of rates.toml no official source confirms.
    amounts_unverified: bool,
    findings: Vec<FindingView>,
    /// When `findings` lists only the first of them: says so, and where the rest are.
    findings_more_note: Option<String>,
    /// The WhatsApp link with the family's message prefilled (`run` only, a valid phone,
    /// not refused, not `--redact`).
    whatsapp: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    severity: &'static str,
    severity_label: &'static str,
    rule: &'static str,
    member_id: Option<String>,
    field: Option<&'static str>,
    source: Option<String>,
    message: String,
    verified: bool,
}

#[derive(Serialize)]
struct RowView {
    rule: &'static str,
    source: String,
    message: String,
}

#[derive(Serialize)]
struct RowsView {
    file: &'static str,
    read: u64,
    accepted: u64,
    rejected: u64,
}

#[derive(Serialize)]
struct MissionView {
    /// `None` for the applicants whose mission is unknown.
    id: Option<String>,
    name: String,
    next_booking: Option<String>,
    /// The walk-in hours, when some applicant of this mission may walk in.
    walk_in: Option<String>,
    /// Whether only some of its applicants may walk in (then they are marked).
    walk_in_partial: bool,
    /// The booking day or walk-in hours shown come from an unverified schedule.
    booking_unverified: bool,
    ready: usize,
    /// All its applicants; `applicants` lists at most the detail limit.
    total: usize,
    more_note: Option<String>,
    applicants: Vec<MissionApplicant>,
}

#[derive(Serialize)]
struct MissionApplicant {
    id: String,
    name: String,
    status: &'static str,
    status_label: &'static str,
    walk_in: bool,
}

/// The order of the status sections: most blocking first.
const GROUP_ORDER: [Status; 4] = [
    Status::Refused,
    Status::Invalid,
    Status::Incomplete,
    Status::Ready,
];

impl<'a> View<'a> {
    /// The view of `report` in `lang`, listing at most `limit` applicants per list and
    /// `findings_limit` findings per applicant.
    pub(super) fn new(
        report: &'a Report,
        lang: Lang,
        limit: usize,
        findings_limit: usize,
    ) -> View<'a> {
        let mut listing = Listing::new(lang, limit, findings_limit);
        if let Some(windows) = &report.next_actions {
            listing = listing.follow(windows.clone(), report.as_of);
        }
        listing.add_followed(&report.applicants, &report.followup, |k| {
            crate::report::messages::link_of(report, k)
        });
        View::of(report, listing)
    }

    /// The view of `report`, whose entries `listing` has seen (the report itself may
    /// hold none of them).
    pub(super) fn of(report: &'a Report, listing: Listing) -> View<'a> {
        let Listing {
            lang,
            limit,
            groups,
            missions: by_mission,
            any_unverified,
            actions,
            ..
        } = listing;
        let mut t = labels(lang);
        super::followup::add_labels(&mut t, lang);
        if report.redacted {
            let note = t["redacted_note"];
            t.insert("confidential", note);
        }
        let s = &report.summary;
        let rows_rejected: u64 = report.rows.values().map(|c| c.rejected).sum();
        let card = |status: Status, count: usize| {
            let (label, _, note) = status_text(status, lang);
            Card {
                key: status.label(),
                label,
                note,
                count: count as u64,
                anchor: Some(status.label()),
            }
        };
        let cards = vec![
            Card {
                key: "total",
                label: t["applicants"],
                note: t["applicants_note"],
                count: s.applicants as u64,
                anchor: None,
            },
            card(Status::Ready, s.ready),
            card(Status::Incomplete, s.incomplete),
            card(Status::Refused, s.refused),
            card(Status::Invalid, s.invalid),
            Card {
                key: "rows",
                label: t["rows_not_processed"],
                note: t["rows_not_processed_note"],
                count: rows_rejected,
                anchor: (!report.errors.is_empty()).then_some("errors"),
            },
        ];
        let groups = GROUP_ORDER
            .iter()
            .zip(groups)
            .map(|(&status, (count, applicants))| {
                let (label, _, description) = status_text(status, lang);
                Group {
                    status: status.label(),
                    label,
                    description,
                    count,
                    more_note: more_note(limit, count, lang),
                    applicants,
                }
            })
            .collect();
        let row_view = |e: &RowError| RowView {
            rule: e.rule,
            source: e.source.to_string(),
            message: e.message.get(lang).to_string(),
        };
        View {
            lang: match lang {
                Lang::Ru => "ru",
                Lang::En => "en",
            },
            version: env!("CARGO_PKG_VERSION"),
            as_of: date_text(report.as_of, lang),
            as_of_iso: report.as_of.to_string(),
            cards,
            groups,
            errors: report.errors.iter().take(limit).map(row_view).collect(),
            errors_count: report.errors.len(),
            errors_more_note: more_note(limit, report.errors.len(), lang),
            warnings: report.warnings.iter().take(limit).map(row_view).collect(),
            warnings_count: report.warnings.len(),
            warnings_more_note: more_note(limit, report.warnings.len(), lang),
            rows: report
                .rows
                .iter()
                .map(|(file, c)| RowsView {
                    file,
                    read: c.read,
                    accepted: c.accepted,
                    rejected: c.rejected,
                })
                .collect(),
            rows_rejected,
            missions: missions(by_mission, lang, limit),
            changes: super::followup::changes_view(report, lang, limit),
            next_actions: actions.map(|a| a.view()).unwrap_or_default(),
            actions_intro: super::followup::actions_intro(report, lang),
            summary: &report.summary,
            any_unverified,
            t,
        }
    }
}

/// What the view lists of the entries, gathered as they come: per status, how many and
/// the first `limit`; per mission, its counts and the first `limit` of each status;
/// whether anything shown is unverified. Never more than the view shows.
pub struct Listing {
    lang: Lang,
    limit: usize,
    findings_limit: usize,
    /// In [`GROUP_ORDER`]: how many, and the first `limit` in batch order.
    groups: [(usize, Vec<ApplicantView>); 4],
    /// By mission id (`None`: no known mission).
    missions: BTreeMap<Option<String>, MissionAcc>,
    any_unverified: bool,
    /// The next actions (`run` only).
    actions: Option<Actions>,
}

/// A mission's applicants as they come.
struct MissionAcc {
    /// The first applicant's mission.
    consulate: Option<Arc<Consulate>>,
    total: usize,
    ready: usize,
    walking: usize,
    booking_unverified: bool,
    /// By [`ready_first`]: the first walk-in hours of an applicant of that status, and
    /// the first `limit` applicants of that status in batch order.
    walk_in: [Option<String>; 4],
    listed: [Vec<MissionApplicant>; 4],
}

impl Listing {
    pub fn new(lang: Lang, limit: usize, findings_limit: usize) -> Listing {
        Listing {
            lang,
            limit,
            findings_limit,
            groups: Default::default(),
            missions: BTreeMap::new(),
            any_unverified: false,
            actions: None,
        }
    }

    /// The listing that also gathers the next actions within `windows` as of `as_of`
    /// (`run`), from the follow-up facts given with the entries.
    pub fn follow(self, windows: NextActions, as_of: jiff::civil::Date) -> Listing {
        let lang = self.lang;
        Listing {
            actions: Some(Actions::new(windows, as_of, lang)),
            ..self
        }
    }

    /// [`Listing::add`], `followup[k]` being the follow-up facts of `entries[k]` (for
    /// the next actions).
    pub fn add_followed(
        &mut self,
        entries: &[ApplicantReport],
        followup: &[Followup],
        link: impl Fn(usize) -> Option<String>,
    ) {
        self.add(entries, link);
        if let Some(actions) = &mut self.actions {
            for (k, a) in entries.iter().enumerate() {
                actions.add(a, followup.get(k));
            }
        }
    }

    /// Adds `entries`, the next of the batch; `link(k)` is the WhatsApp link of
    /// `entries[k]`, asked only of those listed.
    pub fn add(&mut self, entries: &[ApplicantReport], link: impl Fn(usize) -> Option<String>) {
        let (lang, limit) = (self.lang, self.limit);
        for (k, a) in entries.iter().enumerate() {
            let g = GROUP_ORDER.iter().position(|&s| s == a.status).unwrap_or(0);
            let (count, listed) = &mut self.groups[g];
            *count += 1;
            if listed.len() < limit {
                listed.push(ApplicantView {
                    whatsapp: link(k),
                    ..applicant_view(a, lang, self.findings_limit)
                });
            }
            let c = a.consulate.as_ref();
            let m = self
                .missions
                .entry(c.map(|c| c.id.clone()))
                .or_insert_with(|| MissionAcc {
                    consulate: c.cloned(),
                    total: 0,
                    ready: 0,
                    walking: 0,
                    booking_unverified: false,
                    walk_in: Default::default(),
                    listed: Default::default(),
                });
            m.total += 1;
            m.ready += usize::from(a.status == Status::Ready);
            m.walking += usize::from(c.is_some_and(|c| c.walk_in.is_some()));
            m.booking_unverified |= c.is_some_and(|c| c.booking_verified == Some(false));
            let r = usize::from(ready_first(a.status));
            if m.walk_in[r].is_none() {
                m.walk_in[r] = c
                    .and_then(|c| c.walk_in.as_ref())
                    .map(|w| w.get(lang).to_string());
            }
            if m.listed[r].len() < limit {
                m.listed[r].push(MissionApplicant {
                    id: a.applicant_id.clone(),
                    name: a.name.clone(),
                    status: a.status.label(),
                    status_label: status_text(a.status, lang).1,
                    walk_in: c.is_some_and(|c| c.walk_in.is_some()),
                });
            }
            self.any_unverified = self.any_unverified
                || a.findings.iter().any(|f| !f.verified)
                || (a.allowance.lifting_total_rub > 0 && !a.allowance.verified());
        }
    }
}

fn applicant_view(a: &ApplicantReport, lang: Lang, findings_limit: usize) -> ApplicantView {
    let al = &a.allowance;
    let two_stages = al.stage2_rub > 0;
    ApplicantView {
        id: a.applicant_id.clone(),
        name: a.name.clone(),
        status: a.status.label(),
        status_label: status_text(a.status, lang).1,
        mission: a.consulate.as_ref().map(|c| c.name.get(lang).to_string()),
        next_booking: a
            .consulate
            .as_ref()
            .and_then(|c| c.next_booking)
            .map(|d| date_text(d, lang)),
        walk_in: a
            .consulate
            .as_ref()
            .and_then(|c| c.walk_in.as_ref())
            .map(|w| w.get(lang).to_string()),
        booking_unverified: a
            .consulate
            .as_ref()
            .is_some_and(|c| c.booking_verified == Some(false)),
        lifting_total: rub(al.lifting_total_rub),
        stage1: two_stages.then(|| rub(al.stage1_rub)),
        stage2: two_stages.then(|| rub(al.stage2_rub)),
        compensation: (al.compensation_rub > 0.0).then(|| rub_kopecks(al.compensation_rub, lang)),
        monthly_benefit: al.monthly_benefit_rub.map(rub),
        amounts_unverified: al.lifting_total_rub > 0 && !al.verified(),
        findings_more_note: more_note(findings_limit, a.findings.len(), lang),
        findings: by_severity(&a.findings)
            .into_iter()
            .take(findings_limit)
            .map(|f| FindingView {
                severity: f.severity.key(),
                severity_label: f.severity.label(lang),
                rule: f.rule,
                member_id: f.member_id.clone(),
                field: f.field.map(|c| c.name()),
                source: f.source.as_ref().map(ToString::to_string),
                message: f.message.get(lang).to_string(),
                verified: f.verified,
            })
            .collect(),
        whatsapp: None,
    }
}

/// The findings most severe first, in report order within a severity.
fn by_severity(findings: &[Finding]) -> Vec<&Finding> {
    let mut list: Vec<&Finding> = findings.iter().collect();
    list.sort_by_key(|f| std::cmp::Reverse(f.severity));
    list
}

/// The applicants of each mission, missions by next booking date (unknown last), the
/// applicants with no known mission at the end; within a mission, ready first, then in
/// batch order; at most `limit` listed per mission.
fn missions(
    by_id: BTreeMap<Option<String>, MissionAcc>,
    lang: Lang,
    limit: usize,
) -> Vec<MissionView> {
    let mut list: Vec<MissionAcc> = by_id.into_values().collect();
    // Missions with no mission last, then by next booking, unknown booking after known
    // ones.
    list.sort_by(|a, b| {
        let key = |m: &MissionAcc| {
            let next = m.consulate.as_ref().and_then(|c| c.next_booking);
            (
                m.consulate.is_none(),
                next.is_none(),
                next,
                m.consulate.as_ref().map(|c| c.name.get(lang).to_string()),
            )
        };
        key(a).cmp(&key(b))
    });
    list.into_iter()
        .map(|m| {
            let c = m.consulate.as_deref();
            MissionView {
                id: c.map(|c| c.id.clone()),
                name: c.map(|c| c.name.get(lang).to_string()).unwrap_or_default(),
                next_booking: c.and_then(|c| c.next_booking).map(|d| date_text(d, lang)),
                walk_in: m.walk_in.into_iter().flatten().next(),
                walk_in_partial: m.walking > 0 && m.walking < m.total,
                booking_unverified: m.booking_unverified,
                ready: m.ready,
                total: m.total,
                more_note: more_note(limit, m.total, lang),
                applicants: m.listed.into_iter().flatten().take(limit).collect(),
            }
        })
        .collect()
}

/// Ready, incomplete, invalid, refused: who can book first.
fn ready_first(s: Status) -> u8 {
    match s {
        Status::Ready => 0,
        Status::Incomplete => 1,
        Status::Invalid => 2,
        Status::Refused => 3,
    }
}

/// When a list is cut at `limit`: says so, and where the rest is.
pub(super) fn more_note(limit: usize, total: usize, lang: Lang) -> Option<String> {
    (total > limit).then(|| match lang {
        Lang::Ru => format!(
            "Показаны первые {} из {}: полный список — в findings.csv и report.json.",
            group_thousands(limit as i64),
            group_thousands(total as i64)
        ),
        Lang::En => format!(
            "Showing the first {} of {}: the full list is in findings.csv and report.json.",
            group_thousands(limit as i64),
            group_thousands(total as i64)
        ),
    })
}
