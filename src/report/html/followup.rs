//! The follow-up parts of the HTML report's view (and of the batch report as PDF, which
//! gets the same view as JSON): what changed since the last run, at the top, and their
//! words in both languages (added to the view's labels `t`).

use std::collections::BTreeMap;

use jiff::civil::Date;

use serde::Serialize;

use crate::findings::Lang;
use crate::report::changes::{Change, Changes};
use crate::report::followup::{Followup, Kind};
use crate::report::labels::status_text;
use crate::report::{ApplicantReport, Report, Status};
use crate::schema::rates::NextActions;

/// The labels of the follow-up parts: key, Russian, English.
const LABELS: &[(&str, &str, &str)] = &[
    (
        "changes_title",
        "Изменения с прошлой проверки",
        "Changes since the last check",
    ),
    (
        "changes_none",
        "Ни у кого не изменились ни статус, ни замечания.",
        "No applicant's status or findings changed.",
    ),
    (
        "changes_first",
        "Сравнить не с чем: в папке нет отчёта прошлого запуска. Со следующего запуска здесь будет видно, что изменилось.",
        "Nothing to compare with: the folder holds no report of an earlier run. From the next run on, this shows what changed.",
    ),
    (
        "changes_unreadable",
        "Отчёт прошлого запуска не читается, сравнить не с чем:",
        "The report of the last run cannot be read, nothing to compare with:",
    ),
    ("change_appeared", "новый в пакете", "new in the batch"),
    ("change_left", "выбыл из пакета", "left the batch"),
    ("change_new", "новое", "new"),
    ("change_resolved", "устранено", "resolved"),
    ("change_what", "Что изменилось", "What changed"),
    (
        "actions_title",
        "Что сделать в ближайшее время",
        "What to do next",
    ),
    ("actions_more", "и ещё", "and"),
    (
        "actions_more_tail",
        "— в deadlines.ics",
        "more — in deadlines.ics",
    ),
    ("member_short", "член семьи", "member"),
    ("whatsapp", "Написать в WhatsApp", "Message on WhatsApp"),
    (
        "whatsapp_note",
        "Откроет WhatsApp с готовым текстом: что принести и день записи. Отправляете вы.",
        "Opens WhatsApp with the text ready: what to bring and the booking day. You send it.",
    ),
];

/// Adds the labels above to `t`.
pub(super) fn add_labels(t: &mut BTreeMap<&'static str, &'static str>, lang: Lang) {
    for &(key, ru, en) in LABELS {
        t.insert(
            key,
            match lang {
                Lang::Ru => ru,
                Lang::En => en,
            },
        );
    }
}

#[derive(Serialize)]
pub(super) struct ChangesView {
    /// "Изменения с прошлой проверки, 24.11.2026"; `None` when there was nothing to
    /// compare with.
    since: Option<String>,
    /// Why there was nothing to compare with, when a last report could not be read.
    unreadable: Option<String>,
    /// The counts, in words: "стали готовы: 1 · новые отказы: 1".
    summary: String,
    count: usize,
    entries: Vec<ChangeView>,
    more_note: Option<String>,
}

#[derive(Serialize)]
struct ChangeView {
    id: String,
    name: String,
    from: Option<&'static str>,
    from_label: Option<&'static str>,
    to: Option<&'static str>,
    to_label: Option<&'static str>,
    /// New findings, with their messages (none listed for an applicant new in the batch:
    /// the sections below show them).
    new: Vec<NewFinding>,
    /// Resolved findings, as rule ids (`rule [member]`).
    resolved: Vec<String>,
}

#[derive(Serialize)]
struct NewFinding {
    rule: String,
    message: String,
}

fn counts_text(changes: &Changes, lang: Lang) -> String {
    let c = changes.counts();
    let parts = [
        (c.became_ready, "стали готовы", "became ready"),
        (c.no_longer_ready, "больше не готовы", "no longer ready"),
        (c.newly_refused, "новые отказы", "newly refused"),
        (c.newly_invalid, "новые ошибки в данных", "newly invalid"),
        (c.appeared, "новые в пакете", "new in the batch"),
        (c.left, "выбыли", "left the batch"),
        (c.other, "другие изменения", "other changes"),
    ];
    parts
        .iter()
        .filter(|p| p.0 > 0)
        .map(|&(n, ru, en)| match lang {
            Lang::Ru => format!("{ru}: {n}"),
            Lang::En => format!("{en}: {n}"),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The view of `report.changes`, at most `limit` applicants listed.
pub(super) fn changes_view(report: &Report, lang: Lang, limit: usize) -> Option<ChangesView> {
    let changes = report.changes.as_ref()?;
    let status = |s: Option<Status>| (s.map(Status::label), s.map(|s| status_text(s, lang).1));
    let entry = |c: &Change| {
        let (from, from_label) = status(c.from);
        let (to, to_label) = status(c.to);
        let new = if c.from.is_none() {
            Vec::new()
        } else {
            c.new_findings
                .iter()
                .enumerate()
                .map(|(j, k)| NewFinding {
                    rule: k.clone(),
                    message: c
                        .messages
                        .get(j)
                        .and_then(Option::as_ref)
                        .map(|m| m.get(lang).to_string())
                        .unwrap_or_default(),
                })
                .collect()
        };
        ChangeView {
            id: c.applicant_id.clone(),
            name: c.name.clone(),
            from,
            from_label,
            to,
            to_label,
            new,
            resolved: c.resolved_findings.clone(),
        }
    };
    Some(ChangesView {
        since: changes.since.map(|d| match lang {
            Lang::Ru => d.strftime("%d.%m.%Y").to_string(),
            Lang::En => d.to_string(),
        }),
        unreadable: changes.unreadable.clone(),
        summary: counts_text(changes, lang),
        count: changes.entries.len(),
        entries: changes.entries.iter().take(limit).map(entry).collect(),
        more_note: super::view::more_note(limit, changes.entries.len(), lang),
    })
}

/// At most this many applicants named per action.
const ACTION_NAMES: usize = 50;

#[derive(Serialize)]
pub(super) struct ActionView {
    /// "пн, 18.01.2027".
    date: String,
    /// `booking`, `file_by`, `certificate`, `stage2`.
    kind: &'static str,
    what: String,
    who: Vec<Who>,
    /// Applicants not named (past [`ACTION_NAMES`]).
    more: usize,
}

#[derive(Serialize, Clone)]
struct Who {
    id: String,
    name: String,
    /// The family member, for an ID document of a member.
    member: Option<String>,
}

/// The sentence above the next actions: their windows (rates.toml `[next_actions]`).
pub(super) fn actions_intro(report: &Report, lang: Lang) -> String {
    let Some(w) = &report.next_actions else {
        return String::new();
    };
    let (b, f, c) = (w.booking_days, w.file_by_days, w.certificate_days);
    match lang {
        Lang::Ru => {
            let days = |n| crate::format::count_ru(n, "день", "дня", "дней");
            format!(
                "Дни записи на {} вперёд, паспорта, с которыми подать можно ещё не более {}, свидетельства, истекающие в ближайшие {}, и ставший возможным второй этап подъёмных. Все сроки — в deadlines.ics.",
                days(b),
                days(f),
                days(c)
            )
        }
        Lang::En => format!(
            "Booking days in the next {b} days, ID documents that can be used to file for {f} days at most, certificates ending in the next {c} days, and stage-2 claims that became possible. Every date is in deadlines.ics."
        ),
    }
}

/// What to do next, soonest first, within the windows of rates.toml `[next_actions]`:
/// booking days with the ready applicants who should book; ID documents whose last
/// filing day comes; certificates ending; stage-2 claims that became possible (none
/// without the windows: `validate`).
/// Gathered entry by entry: per day and action, how many applicants
/// and the first [`ACTION_NAMES`] of them.
pub struct Actions {
    windows: NextActions,
    as_of: Date,
    lang: Lang,
    /// (date, order, what) → (kind, who, how many)
    groups: BTreeMap<(Date, u8, String), Named>,
}

/// An action's kind, the first applicants named and how many there are.
type Named = (&'static str, Vec<Who>, usize);

impl Actions {
    pub fn new(windows: NextActions, as_of: Date, lang: Lang) -> Actions {
        Actions {
            windows,
            as_of,
            lang,
            groups: BTreeMap::new(),
        }
    }

    /// Adds the actions of `a`, with its follow-up facts `f`.
    pub fn add(&mut self, a: &ApplicantReport, f: Option<&Followup>) {
        use jiff::ToSpan;
        let (w, as_of) = (&self.windows, self.as_of);
        let until = |days: i64| as_of.checked_add(days.days()).unwrap_or(as_of);
        let ru = matches!(self.lang, Lang::Ru);
        let who = |member: Option<String>| Who {
            id: a.applicant_id.clone(),
            name: a.name.clone(),
            member,
        };
        let mut push = |key: (Date, u8, String), kind: &'static str, who: Who| {
            let (_, list, n) = self.groups.entry(key).or_insert((kind, Vec::new(), 0));
            *n += 1;
            if list.len() < ACTION_NAMES {
                list.push(who);
            }
        };
        if a.status == Status::Ready
            && let Some(c) = a.consulate.as_deref()
            && let Some(day) = c.next_booking
            && day >= as_of
            && day <= until(w.booking_days)
        {
            let what = if ru {
                format!("День записи: {} — записать готовых к подаче", c.name.ru)
            } else {
                format!(
                    "Booking day: {} — book the applicants who are ready",
                    c.name.en
                )
            };
            push((day, 0, what), "booking", who(None));
        }
        let Some(f) = f else {
            return;
        };
        for d in &f.dates {
            let (order, kind, shown) = match d.kind {
                Kind::FileBy => (
                    1,
                    "file_by",
                    d.date >= as_of && d.date <= until(w.file_by_days),
                ),
                Kind::CertificateEnds => (
                    2,
                    "certificate",
                    d.date >= as_of && d.date <= until(w.certificate_days),
                ),
                Kind::Stage2From => (
                    3,
                    "stage2",
                    a.status != Status::Refused
                        && d.date <= as_of
                        && d.date > until(-w.stage2_past_days),
                ),
                Kind::BenefitEnds => continue,
            };
            if !shown {
                continue;
            }
            let what = match (d.kind, ru) {
                (Kind::FileBy, true) => {
                    "Последний день подачи с нынешним паспортом: потом нужен новый".to_string()
                }
                (Kind::FileBy, false) => {
                    "Last day to file with the current ID document: a new one is needed after"
                        .to_string()
                }
                (Kind::CertificateEnds, true) => {
                    "Заканчивается свидетельство участника: подать заявления на выплаты".to_string()
                }
                (Kind::CertificateEnds, false) => {
                    "The participant certificate ends: file the claims".to_string()
                }
                (_, true) => "Можно подать на второй этап подъёмных".to_string(),
                (_, false) => "Stage 2 of the lifting allowance can be claimed".to_string(),
            };
            let member = d.member_id.as_ref().map(|m| match &d.person {
                Some(p) => format!("{m} {p}"),
                None => m.clone(),
            });
            push((d.date, order, what), kind, who(member));
        }
    }

    pub(super) fn view(&self) -> Vec<ActionView> {
        self.groups
            .iter()
            .map(|((date, _, what), (kind, who, n))| ActionView {
                date: crate::format::date_text(*date, self.lang),
                kind,
                what: what.clone(),
                who: who.clone(),
                more: n - who.len(),
            })
            .collect()
    }
}
