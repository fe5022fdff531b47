//! `OUT/deadlines.ics`: the dates a caseworker must not miss, as an RFC 5545 calendar
//! (written with the `icalendar` crate: escaping, line folding) that a phone's calendar
//! imports. For each applicant, all-day events:
//!
//! - the next booking day of their mission (not for a refused applicant);
//! - the last day to file with the current ID document, the applicant's and each
//!   relocating member's (its expiry less `min_validity_months` of rates.toml), when it
//!   falls within the coming year;
//! - the participant certificate's last day, the first day stage 2 of the lifting
//!   allowance may be claimed, the last day of the monthly-benefit period — when still
//!   ahead.
//!
//! Every event has a stable UID, `<kind>-<applicant_id>[-<member_id>]@resettle`, so that
//! importing a newer file updates an event instead of adding a second one; `DTSTAMP` is
//! the as-of date and `SEQUENCE` grows with it, so the newer file wins. Events name the
//! applicant by id and name only: no personal number (runs of 9 or more digits in an id
//! are masked), and under `--redact` no name at all. The same input and as-of date give
//! the same bytes.

use std::collections::HashSet;

use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::ToSpan;
use jiff::civil::Date;

use super::followup::{Deadline, Followup, Kind};
use super::{ApplicantReport, Report, Status};
use crate::findings::Lang;
use crate::values::mask_digit_runs;

/// The events of one applicant, before they are written.
struct Entry {
    date: Date,
    uid: String,
    summary: String,
    description: String,
    location: Option<String>,
}

fn ru_date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// An id as events show it: long digit runs (a personal number) masked.
fn shown_id(id: &str) -> String {
    mask_digit_runs(id).into_owned()
}

/// An id as a UID holds it: ASCII only.
fn uid_part(id: &str) -> String {
    shown_id(id).replace('•', "x")
}

/// "A001 Кузнецов Андрей Викторович", or the id alone under `--redact`.
fn who(a: &ApplicantReport, redacted: bool) -> String {
    if redacted || a.name.is_empty() {
        shown_id(&a.applicant_id)
    } else {
        format!("{} {}", shown_id(&a.applicant_id), a.name)
    }
}

fn words(lang: Lang, ru: &str, en: &str) -> String {
    match lang {
        Lang::Ru => ru.to_string(),
        Lang::En => en.to_string(),
    }
}

fn date_words(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Ru => ru_date(d),
        Lang::En => d.to_string(),
    }
}

/// The event of one follow-up date, if it is to be shown (`None` when past, or a
/// filing deadline beyond the coming year).
fn deadline_entry(
    a: &ApplicantReport,
    d: &Deadline,
    as_of: Date,
    redacted: bool,
    lang: Lang,
) -> Option<Entry> {
    if d.date < as_of {
        return None;
    }
    let within_year = as_of.checked_add(1.year()).ok().is_none_or(|y| d.date <= y);
    let subject = who(a, redacted);
    let mut uid = format!("{}-{}", d.kind.key(), uid_part(&a.applicant_id));
    if let Some(m) = &d.member_id {
        uid.push('-');
        uid.push_str(&uid_part(m));
    }
    uid.push_str("@resettle");
    let member = d.member_id.as_ref().map(|m| {
        let m = shown_id(m);
        match (&d.person, redacted) {
            (Some(name), false) => format!("{m} {name}"),
            _ => m,
        }
    });
    let (summary, description) = match d.kind {
        Kind::FileBy => {
            if !within_year {
                return None;
            }
            let expiry = d.expiry.map(|e| date_words(e, lang)).unwrap_or_default();
            // The months between this day and the expiry: rates.toml's minimum.
            let months = d.months.unwrap_or_default();
            let whose = match (&member, lang) {
                (Some(m), Lang::Ru) => format!(" (член семьи {m})"),
                (Some(m), Lang::En) => format!(" (family member {m})"),
                (None, _) => String::new(),
            };
            (
                match lang {
                    Lang::Ru => {
                        format!("Последний день подачи с нынешним паспортом{whose}: {subject}")
                    }
                    Lang::En => {
                        format!("Last day to file with the current ID document{whose}: {subject}")
                    }
                },
                match lang {
                    Lang::Ru => format!(
                        "Документ действителен до {expiry}; на день подачи он должен быть действителен ещё не менее {months} мес. Не успеете подать до этого дня — сначала оформите новый документ."
                    ),
                    Lang::En => format!(
                        "The document expires on {expiry}; on the day of filing it must stay valid for at least {months} more months. Past this day, renew it before filing."
                    ),
                },
            )
        }
        Kind::CertificateEnds => (
            match lang {
                Lang::Ru => format!("Последний день действия свидетельства участника: {subject}"),
                Lang::En => format!("Last day of the participant certificate: {subject}"),
            },
            words(
                lang,
                "После этого дня выплаты по свидетельству не положены: подайте заявления на выплаты заранее.",
                "After this day nothing can be claimed on the certificate: file the claims before.",
            ),
        ),
        Kind::Stage2From => (
            match lang {
                Lang::Ru => format!("Можно подать на второй этап подъёмных: {subject}"),
                Lang::En => format!("Stage 2 of the lifting allowance can be claimed: {subject}"),
            },
            words(
                lang,
                "С этого дня можно подавать заявление на второй этап пособия на обустройство (lifting-stage2.pdf в папке заявителя после следующего запуска).",
                "From this day the claim for stage 2 of the lifting allowance can be filed (lifting-stage2.pdf in the applicant's folder after the next run).",
            ),
        ),
        Kind::BenefitEnds => (
            match lang {
                Lang::Ru => format!("Последний день периода ежемесячного пособия: {subject}"),
                Lang::En => format!("Last day of the monthly-benefit period: {subject}"),
            },
            words(
                lang,
                "Ежемесячное пособие при отсутствии дохода платится не дольше этого дня.",
                "The monthly benefit in the absence of income is paid until this day at most.",
            ),
        ),
    };
    Some(Entry {
        date: d.date,
        uid,
        summary,
        description,
        location: None,
    })
}

/// The booking event of `a`, when its mission has a next booking day ahead.
fn booking_entry(a: &ApplicantReport, as_of: Date, redacted: bool, lang: Lang) -> Option<Entry> {
    if a.status == Status::Refused {
        return None;
    }
    let c = a.consulate.as_deref()?;
    let date: Date = c.next_booking?;
    if date < as_of {
        return None;
    }
    let mission = c.name.get(lang).to_string();
    let mut description = match (lang, a.status) {
        (Lang::Ru, Status::Ready) => "Документы готовы: записаться на подачу.".to_string(),
        (Lang::Ru, _) => {
            "Ближайший день записи; к нему нужно донести документы или исправить данные (см. report.html).".to_string()
        }
        (Lang::En, Status::Ready) => "The documents are ready: book the filing.".to_string(),
        (Lang::En, _) => {
            "The next booking day; the missing documents or wrong data must be dealt with first (see report.html).".to_string()
        }
    };
    if let Some(w) = &c.walk_in {
        description.push(' ');
        description.push_str(w.get(lang));
    }
    if c.booking_verified == Some(false) {
        description.push(' ');
        description.push_str(&words(
            lang,
            "График записи не подтверждён официальным источником: проверьте на сайте представительства.",
            "The booking schedule is not confirmed by an official source: check the mission's site.",
        ));
    }
    Some(Entry {
        date,
        uid: format!("booking-{}@resettle", uid_part(&a.applicant_id)),
        summary: match lang {
            Lang::Ru => format!("Запись в представительство: {}", who(a, redacted)),
            Lang::En => format!("Booking at the mission: {}", who(a, redacted)),
        },
        description,
        location: Some(mission),
    })
}

/// The calendar of `report` (its follow-up facts in `report.followup`), in `lang`.
pub fn calendar(report: &Report, lang: Lang) -> String {
    let mut events = Events::new(report.as_of, report.redacted, lang);
    events.add(&report.applicants, &report.followup);
    events.calendar()
}

/// The calendar's events gathered as the entries come (each a few lines of text: the
/// calendar sorts them by day, so it is written once all are there).
pub struct Events {
    as_of: Date,
    redacted: bool,
    lang: Lang,
    entries: Vec<Entry>,
}

impl Events {
    pub fn new(as_of: Date, redacted: bool, lang: Lang) -> Events {
        Events {
            as_of,
            redacted,
            lang,
            entries: Vec::new(),
        }
    }

    /// The events of `entries`, `followup[k]` being the follow-up facts of `entries[k]`.
    pub fn add(&mut self, entries: &[ApplicantReport], followup: &[Followup]) {
        let (as_of, redacted, lang) = (self.as_of, self.redacted, self.lang);
        for (i, a) in entries.iter().enumerate() {
            self.entries.extend(booking_entry(a, as_of, redacted, lang));
            if let Some(f) = followup.get(i) {
                self.entries.extend(
                    f.dates
                        .iter()
                        .filter_map(|d| deadline_entry(a, d, as_of, redacted, lang)),
                );
            }
        }
    }

    /// The calendar of every event added.
    pub fn calendar(self) -> String {
        calendar_of(self.entries, self.as_of, self.lang)
    }
}

fn calendar_of(mut entries: Vec<Entry>, as_of: Date, lang: Lang) -> String {
    entries.sort_by(|x, y| (x.date, &x.uid).cmp(&(y.date, &y.uid)));
    // Two ids that differ only in a masked personal number would give one UID: the
    // later keeps its event under a numbered UID rather than replace the first (the
    // UIDs given so far looked up in a set: a batch has millions of events).
    let mut given: HashSet<String> = HashSet::with_capacity(entries.len());
    for (i, e) in entries.iter_mut().enumerate() {
        if given.contains(&e.uid) {
            e.uid = e.uid.replacen('@', &format!("-{i}@"), 1);
        }
        given.insert(e.uid.clone());
    }
    let stamp = format!("{}T000000Z", as_of.strftime("%Y%m%d"));
    // Grows with the as-of date, so that a calendar updates an event from a newer file.
    let sequence = as_of
        .since(jiff::civil::date(2020, 1, 1))
        .map_or(0, |s| s.get_days().max(0) as u32);
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//resettle//deadlines//RU"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.append_property(Property::new(
        "X-WR-CALNAME",
        words(lang, "Переселение: сроки", "Resettlement: deadlines"),
    ));
    for e in entries {
        let next = e.date.tomorrow().unwrap_or(e.date);
        let mut ev = Event::new();
        ev.uid(&e.uid)
            .add_property("DTSTAMP", &stamp)
            .sequence(sequence)
            .summary(&e.summary)
            .description(&e.description)
            .append_property(
                Property::new("DTSTART", date_value(e.date))
                    .add_parameter("VALUE", "DATE")
                    .done(),
            )
            .append_property(
                Property::new("DTEND", date_value(next))
                    .add_parameter("VALUE", "DATE")
                    .done(),
            )
            .add_property("TRANSP", "TRANSPARENT");
        if let Some(l) = &e.location {
            ev.location(l);
        }
        cal.push(ev.done());
    }
    cal.to_string()
}

/// A date as an iCalendar DATE value, `20270118`.
fn date_value(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uid_given_twice_is_numbered_from_the_second_on() {
        let day = jiff::civil::date(2027, 1, 18);
        let entry = |uid: &str| Entry {
            date: day,
            uid: uid.to_string(),
            summary: String::new(),
            description: String::new(),
            location: None,
        };
        let uids = [
            "b@resettle",
            "a@resettle",
            "a@resettle",
            "a@resettle",
            "a-1@resettle",
        ];
        let cal = calendar_of(uids.map(entry).into(), day, Lang::En);
        let given: Vec<&str> = cal.lines().filter_map(|l| l.strip_prefix("UID:")).collect();
        // Sorted by day and UID; `a-1` keeps its UID, the second and third `a` are
        // numbered by their place.
        let want = ["a-1@resettle", "a@resettle", "a-2@resettle", "a-3@resettle"];
        assert_eq!(given[..4], want);
        assert_eq!(given[4], "b@resettle");
    }

    #[test]
    fn uids_hold_no_personal_number() {
        assert_eq!(uid_part("850412313187"), "xxxxxxxx3187");
        assert_eq!(uid_part("A001"), "A001");
    }
}
