//! The HTML batch report (`OUT/report.html`, `validate --format html`): one self-contained
//! page for caseworkers and the coordinator, readable on a phone and printed on A4.
//!
//! The template (`templates/report.html`, embedded) gets a context built here from the
//! [`Report`]: the interface labels in the chosen language (`t`), the counts (`summary`),
//! and ready-made groupings (`cards`, `groups`, `missions`, …) with every text already in
//! the chosen language and every amount and date formatted, so that the template only
//! lays things out. Every value is escaped by Tera's autoescaping: nothing from the
//! batch is ever marked `safe`.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Tera};

use super::labels::{labels, status_text};
use super::{ApplicantReport, Report, Status, Summary};
use crate::consulate::Consulate;
use crate::error::Error;
use crate::findings::{Finding, Lang, RowError};
pub use crate::format::{
    THIN, date_str_text, date_text, group_digits, group_thousands, rub, rub_kopecks,
};

/// The embedded template; `templates/report.html` in the repository is its source.
pub const TEMPLATE: &str = include_str!("../../templates/report.html");

/// The name the template is registered under: the `.html` suffix turns autoescaping on.
const NAME: &str = "report.html";

/// Renders the report with the embedded template, in `lang`.
pub fn render(report: &Report, lang: Lang) -> Result<String, Error> {
    render_with(TEMPLATE, report, lang)
}

/// Renders the report with the template `template_source` (e.g. an NGO's edited copy).
pub fn render_with(template_source: &str, report: &Report, lang: Lang) -> Result<String, Error> {
    render_limited(template_source, report, lang, DETAIL_LIMIT)
}

fn render_limited(
    template_source: &str,
    report: &Report,
    lang: Lang,
    limit: usize,
) -> Result<String, Error> {
    let mut tera = Tera::default();
    // The default already escapes `.html` templates; say it here, where it matters.
    tera.autoescape_on(vec![".html"]);
    tera.register_filter("thousands", thousands_filter);
    tera.add_raw_template(NAME, template_source)
        .map_err(template_error)?;
    let ctx = context_limited(report, lang, limit)?;
    tera.render(NAME, &ctx).map_err(template_error)
}

/// The whole error chain: Tera's top-level message alone ("Failed to render") says little.
fn template_error(e: tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::input(format!("templates/{NAME}"), message)
}

/// At most this many applicants are shown in detail per status and per mission: a page
/// of a million rows opens nowhere (and its context would take gigabytes). The cards
/// still count everyone, and findings.csv and report.json hold every finding.
pub const DETAIL_LIMIT: usize = 2_000;

/// The template's context: see the module documentation.
pub fn context(report: &Report, lang: Lang) -> Result<Context, Error> {
    context_limited(report, lang, DETAIL_LIMIT)
}

/// At most this many applicants are shown in detail per status and per mission in the
/// batch report as PDF: Typst holds a whole document in memory while it lays it out
/// (about 1.6 MB a page), and a printed list is read, not searched.
pub const PDF_DETAIL_LIMIT: usize = 300;

/// The same view as JSON, for the batch report as PDF (`templates/report.typ`), with at
/// most [`PDF_DETAIL_LIMIT`] applicants per list. Digit groups use a no-break space: the
/// PDF fonts lack the narrow one.
pub fn view_json(report: &Report, lang: Lang) -> serde_json::Value {
    fn widen(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s.contains(THIN) => *s = s.replace(THIN, "\u{A0}"),
            serde_json::Value::Array(a) => a.iter_mut().for_each(widen),
            serde_json::Value::Object(o) => o.values_mut().for_each(widen),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(View::new(report, lang, PDF_DETAIL_LIMIT)).unwrap_or_default();
    widen(&mut v);
    v
}

fn context_limited(report: &Report, lang: Lang, limit: usize) -> Result<Context, Error> {
    let view = View::new(report, lang, limit);
    Context::from_serialize(&view).map_err(template_error)
}

// ---------------------------------------------------------------------------------------
// Formatting

/// The template filter `thousands`: an integer with grouped digits (`12 345`); anything
/// else as it is.
fn thousands_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(match value.as_i64() {
        Some(n) => tera::Value::String(group_thousands(n)),
        None => value.clone(),
    })
}

// ---------------------------------------------------------------------------------------
// The view

#[derive(Serialize)]
struct View<'a> {
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
    fn new(report: &'a Report, lang: Lang, limit: usize) -> View<'a> {
        let mut t = labels(lang);
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
            .map(|&status| {
                let (label, _, description) = status_text(status, lang);
                let of_status = || report.applicants.iter().filter(|a| a.status == status);
                let count = of_status().count();
                Group {
                    status: status.label(),
                    label,
                    description,
                    count,
                    more_note: more_note(limit, count, lang),
                    applicants: of_status()
                        .take(limit)
                        .map(|a| applicant_view(a, lang))
                        .collect(),
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
            missions: missions(report, lang, limit),
            summary: &report.summary,
            any_unverified: report.applicants.iter().any(|a| {
                a.findings.iter().any(|f| !f.verified)
                    || (a.allowance.lifting_total_rub > 0 && !a.allowance.verified())
            }),
            t,
        }
    }
}

fn applicant_view(a: &ApplicantReport, lang: Lang) -> ApplicantView {
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
            .and_then(|c| c.next_booking.as_deref())
            .map(|d| date_str_text(d, lang)),
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
        findings: by_severity(&a.findings)
            .into_iter()
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
fn missions(report: &Report, lang: Lang, limit: usize) -> Vec<MissionView> {
    struct Acc<'r> {
        consulate: Option<&'r Consulate>,
        members: Vec<&'r ApplicantReport>,
        walking: usize,
    }
    let mut by_id: BTreeMap<Option<&str>, Acc> = BTreeMap::new();
    for a in &report.applicants {
        let c = a.consulate.as_deref();
        let acc = by_id.entry(c.map(|c| c.id.as_str())).or_insert(Acc {
            consulate: c,
            members: Vec::new(),
            walking: 0,
        });
        acc.members.push(a);
        if c.is_some_and(|c| c.walk_in.is_some()) {
            acc.walking += 1;
        }
    }
    let mut list: Vec<Acc> = by_id.into_values().collect();
    // Missions with no mission last, then by next booking (ISO dates sort as text),
    // unknown booking after known ones.
    list.sort_by(|a, b| {
        let key = |m: &Acc| {
            let next = m.consulate.and_then(|c| c.next_booking.clone());
            (
                m.consulate.is_none(),
                next.is_none(),
                next,
                m.consulate.map(|c| c.name.get(lang).to_string()),
            )
        };
        key(a).cmp(&key(b))
    });
    list.into_iter()
        .map(|mut m| {
            let c = m.consulate;
            let total = m.members.len();
            // Stable: batch order within a status.
            m.members.sort_by_key(|a| ready_first(a.status));
            MissionView {
                id: c.map(|c| c.id.clone()),
                name: c.map(|c| c.name.get(lang).to_string()).unwrap_or_default(),
                next_booking: c
                    .and_then(|c| c.next_booking.as_deref())
                    .map(|d| date_str_text(d, lang)),
                walk_in: m
                    .members
                    .iter()
                    .find_map(|a| a.consulate.as_ref().and_then(|c| c.walk_in.as_ref()))
                    .map(|w| w.get(lang).to_string()),
                walk_in_partial: m.walking > 0 && m.walking < total,
                booking_unverified: m.members.iter().any(|a| {
                    a.consulate
                        .as_ref()
                        .is_some_and(|c| c.booking_verified == Some(false))
                }),
                ready: m
                    .members
                    .iter()
                    .filter(|a| a.status == Status::Ready)
                    .count(),
                total,
                more_note: more_note(limit, total, lang),
                applicants: m
                    .members
                    .iter()
                    .take(limit)
                    .map(|a| MissionApplicant {
                        id: a.applicant_id.clone(),
                        name: a.name.clone(),
                        status: a.status.label(),
                        status_label: status_text(a.status, lang).1,
                        walk_in: a.consulate.as_ref().is_some_and(|c| c.walk_in.is_some()),
                    })
                    .collect(),
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
fn more_note(limit: usize, total: usize, lang: Lang) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use std::path::{Path, PathBuf};

    fn samples() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch")
    }

    fn validate(dir: &Path) -> Report {
        let schemas = Schemas::embedded().unwrap();
        crate::validate(dir, &schemas, jiff::civil::date(2026, 11, 24))
            .unwrap()
            .0
    }

    /// A copy of the sample batch's applicants.csv with hostile values in it.
    fn hostile_batch() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let csv = std::fs::read_to_string(samples().join("applicants.csv")).unwrap();
        // Fields are quoted as CSV wants: `""` is one quote inside a quoted field.
        let csv = csv
            .replacen(
                ",Кузнецов,Андрей,",
                ",<script>alert(1)</script>,\"\"\"><img src=x onerror=alert(2)>\",",
                1,
            )
            .replacen(",Шмидт,", ",{{ 7*7 }}{% raw %},", 1)
            .replacen(",Цой,", ",Цой *]$\\ <b>bold</b>,", 1);
        std::fs::write(t.path().join("applicants.csv"), csv).unwrap();
        t
    }

    #[test]
    fn hostile_values_are_escaped() {
        let t = hostile_batch();
        let report = validate(t.path());
        for lang in [Lang::Ru, Lang::En] {
            let html = render(&report, lang).unwrap();
            assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
            assert!(!html.contains("<script"), "no script element at all");
            assert!(!html.contains("<img"));
            assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
            // Data is never evaluated as template code.
            assert!(html.contains("{{ 7*7 }}{% raw %}"));
            // Markup-like text prints literally too.
            assert!(html.contains("Цой *]$\\ &lt;b&gt;bold&lt;&#x2F;b&gt;"));
            assert!(!html.contains("<b>bold</b>"));
        }
    }

    #[test]
    fn every_finding_and_error_appears() {
        let report = validate(&samples());
        let html = render(&report, Lang::Ru).unwrap();
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &report.applicants {
            for f in &a.findings {
                *expected.entry(f.rule).or_default() += 1;
            }
        }
        for e in report.errors.iter().chain(&report.warnings) {
            *expected.entry(e.rule).or_default() += 1;
        }
        assert!(
            expected.values().sum::<usize>() > 10,
            "the sample has findings"
        );
        for (rule, n) in &expected {
            let shown = html.matches(&format!("class=\"rule\">{rule}<")).count();
            assert_eq!(shown, *n, "{rule}");
        }
        for a in &report.applicants {
            assert!(html.contains(&a.applicant_id));
            for f in &a.findings {
                // Messages hold no markup characters except « » and quotes in the sample.
                let msg = tera::escape_html(f.message.get(Lang::Ru));
                assert!(html.contains(&msg), "{}: {msg}", a.applicant_id);
            }
        }
        // Status sections in the order refused, invalid, incomplete, ready.
        let pos = |id: &str| html.find(&format!("id=\"{id}\"")).unwrap();
        assert!(pos("refused") < pos("invalid"));
        assert!(pos("invalid") < pos("incomplete"));
        assert!(pos("incomplete") < pos("ready"));
    }

    #[test]
    fn labels_follow_the_language() {
        let report = validate(&samples());
        let ru = render(&report, Lang::Ru).unwrap();
        let en = render(&report, Lang::En).unwrap();
        assert!(ru.contains("<html lang=\"ru\">"));
        assert!(ru.contains("Отчёт о проверке пакета"));
        assert!(en.contains("<html lang=\"en\">"));
        assert!(en.contains("Batch validation report"));
        assert!(!en.contains("Отчёт о проверке пакета"));
    }

    #[test]
    fn self_contained() {
        let report = validate(&samples());
        let html = render(&report, Lang::En).unwrap();
        for bad in ["<script", "<link", "http://", "https://", "@import", "url("] {
            assert!(!html.contains(bad), "{bad}");
        }
    }

    #[test]
    fn long_lists_are_cut_and_say_so() {
        let report = validate(&samples());
        let html = render_limited(TEMPLATE, &report, Lang::En, 2).unwrap();
        // 4 statuses and 4 missions in the sample, each with more than 2 applicants
        // (15 refused).
        assert_eq!(html.matches("class=\"more\"").count(), 8);
        assert!(html.contains("Showing the first 2 of 15"));
        assert_eq!(
            html.matches("<td class=\"id mono\">").count(),
            4 * 2 + 4 * 2
        );
        // The cards still count everyone.
        assert!(html.contains("<div class=\"count\">52</div>"));
        let full = render(&report, Lang::En).unwrap();
        assert!(!full.contains("class=\"more\""));
    }

    #[test]
    fn broken_template_names_the_file() {
        let report = validate(&samples());
        let e = render_with("{% for x in %}", &report, Lang::En).unwrap_err();
        assert!(e.to_string().contains("report.html"), "{e}");
    }

    #[test]
    fn money_and_dates() {
        assert_eq!(rub(500_000), "500\u{202F}000\u{A0}₽");
        assert_eq!(rub(0), "0\u{A0}₽");
        assert_eq!(group_thousands(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(rub_kopecks(12_500.5, Lang::Ru), "12\u{202F}500,50\u{A0}₽");
        assert_eq!(rub_kopecks(12_500.5, Lang::En), "12\u{202F}500.50\u{A0}₽");
        assert_eq!(rub_kopecks(100.0, Lang::Ru), "100\u{A0}₽");
        let d = jiff::civil::date(2026, 11, 30);
        assert_eq!(date_text(d, Lang::Ru), "пн, 30.11.2026");
        assert_eq!(date_text(d, Lang::En), "Mon 2026-11-30");
    }
}
