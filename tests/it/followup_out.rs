//! The follow-up outputs of `run` (issue 17, items 3, 2 and 5): `deadlines.ics` read back
//! with a calendar parser, `messages.csv` and the WhatsApp links of report.html (their
//! encoding), and the next actions at the top of report.html.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use icalendar::{Calendar, Component};

use crate::common::*;

/// The events of `OUT/deadlines.ics`: (UID, DTSTART, SUMMARY, DESCRIPTION).
pub fn events(out: &Path) -> Vec<(String, String, String, String)> {
    let text = fs::read_to_string(out.join("deadlines.ics")).expect("deadlines.ics");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "an unfolded line: {line}");
    }
    let cal: Calendar = text.parse().expect("deadlines.ics parses");
    cal.events()
        .map(|e| {
            (
                e.get_uid().unwrap_or_default().to_string(),
                e.property_value("DTSTART").unwrap_or_default().to_string(),
                e.get_summary().unwrap_or_default().to_string(),
                e.get_description().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// No run of 9 or more digits (an IIN, a document or account number).
fn has_personal_number(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 9 {
            return true;
        }
    }
    false
}

#[test]
fn the_calendar_reads_back_with_stable_uids_and_no_personal_number() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_out(&repo().join("samples/batch"), &out, &[]);
    let first = fs::read(out.join("deadlines.ics")).unwrap();
    let evs = events(&out);
    let uids: BTreeSet<&str> = evs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(uids.len(), evs.len(), "one UID per event");
    for (uid, start, summary, _) in &evs {
        let kind = uid.split('-').next().unwrap();
        assert!(
            ["booking", "file", "certificate", "stage2", "monthly"].contains(&kind)
                && uid.ends_with("@resettle"),
            "{uid}"
        );
        assert_eq!(start.len(), 8, "an all-day date: {start}");
        assert!(start.as_str() >= "20261124", "no past event: {uid} {start}");
        assert!(summary.contains(" A0"), "named by id: {summary}");
    }
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        !has_personal_number(&text),
        "a personal number in deadlines.ics"
    );
    // The booking day of a ready applicant of Astana (last working days), the first day
    // of stage 2 (A011: stage 1 paid 15.02.2026, 18 months), a certificate's last day
    // (A010: issued 12.03.2025, 3 years).
    let find = |uid: &str| {
        evs.iter()
            .find(|e| e.0 == uid)
            .unwrap_or_else(|| panic!("{uid}"))
    };
    assert_eq!(find("booking-A002@resettle").1, "20261130");
    assert!(
        find("booking-A002@resettle").2.contains("Shmidt")
            || find("booking-A002@resettle").2.contains("A002")
    );
    assert!(find("stage2-A011@resettle").1.starts_with("2027"));
    assert!(find("certificate-A010@resettle").1.starts_with("2028"));
    // The last day to file with a passport that expires within a year and a half.
    let file_by = find("file-by-A048@resettle");
    assert_eq!(file_by.1, "20261230");
    assert!(
        file_by.3.contains("30.06.2027") || file_by.3.contains("2027-06-30"),
        "{}",
        file_by.3
    );
    // No event for a refused applicant's booking.
    let report = read_report(&out);
    for a in report["applicants"].as_array().unwrap() {
        if a["status"] == "refused" {
            let uid = format!("booking-{}@resettle", a["applicant_id"].as_str().unwrap());
            assert!(!uids.contains(uid.as_str()), "{uid}");
        }
    }

    // The same run again: the same bytes. A later as-of: the same UIDs for the same
    // events, so a calendar updates them.
    run_out(&repo().join("samples/batch"), &out, &[]);
    assert_eq!(fs::read(out.join("deadlines.ics")).unwrap(), first);
    let o = run(&[
        "run".as_ref(),
        repo().join("samples/batch").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        "2026-11-25".as_ref(),
    ]);
    assert!(o.code < 2, "{}", o.stderr);
    let later: BTreeSet<String> = events(&out).into_iter().map(|e| e.0).collect();
    assert!(later.contains("booking-A002@resettle") && later.contains("certificate-A010@resettle"));
}

#[test]
fn the_redacted_calendar_and_messages_name_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_out(&repo().join("samples/batch"), &out, &["--redact"]);
    let ics = fs::read_to_string(out.join("deadlines.ics")).unwrap();
    let csv = fs::read_to_string(out.join("messages.csv")).unwrap();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    for secret in [
        "Шмидт",
        "Кузнецов",
        "Андрей",
        "Кирилл",
        "+7 701",
        "77011000011",
    ] {
        assert!(!ics.contains(secret), "{secret} in deadlines.ics");
        assert!(!csv.contains(secret), "{secret} in messages.csv");
        assert!(!html.contains(secret), "{secret} in report.html");
    }
    assert!(!html.contains("wa.me"), "no WhatsApp link when redacted");
    assert!(ics.contains("booking-A002@resettle"), "the same UIDs");
    assert!(csv.contains("Здравствуйте!"), "a greeting with no name");
}

/// A batch of one incomplete applicant with a child and a phone; `phone` as given.
fn family_batch(batch: &Path, phone: &str) {
    let mut t = Table::new(APPLICANT_HEADERS);
    t.row(&applicant_row("A001", "Әлиев", "Қайрат", 1));
    t.set(0, "phone", s(phone));
    t.set(0, "first_name", s("Қайрат & Co"));
    write(batch, "applicants.csv", &t.to_bytes(Format::UTF8));
    let family = "applicant_id,member_id,relation,last_name,first_name,patronymic,sex,birth_date,citizenship,iin,relocating\n\
                  A001,F1,child,Әлиев,Кирилл,Қайратұлы,M,2015-03-01,KZ,,yes\n\
                  A001,F2,child,Әлиева,Әйгерім,Қайратқызы,F,2017-05-02,KZ,,yes\n";
    write(batch, "family.csv", family.as_bytes());
}

/// The text of a wa.me link, decoded.
fn decode(link: &str) -> String {
    let q = link.split_once("?text=").expect("a text").1;
    let mut bytes = Vec::new();
    let b = q.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            bytes.push(u8::from_str_radix(&q[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            assert!(
                b[i].is_ascii_alphanumeric() || b"-_.~".contains(&b[i]),
                "unencoded {}",
                b[i] as char
            );
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn messages_list_what_to_bring_and_links_are_encoded() {
    let tmp = tempfile::tempdir().unwrap();
    let (batch, out) = (tmp.path().join("batch"), tmp.path().join("out"));
    family_batch(&batch, "8 (701) 100-00-11");
    run_out(&batch, &out, &[]);
    let csv = fs::read_to_string(out.join("messages.csv")).unwrap();
    assert!(csv.starts_with("\u{FEFF}applicant_id;name;status;phone;whatsapp;text\r\n"));
    let mut r = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let rows: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let (link, text) = (&rows[0][4], &rows[0][5]);
    assert!(text.chars().count() <= 700, "{text}");
    assert!(
        text.contains("Здравствуйте, Қайрат & Co Семёнович!"),
        "{text}"
    );
    // Every missing document of the family once, person by person, in plain words.
    assert_eq!(
        text.matches("свидетельство о рождении — Кирилл").count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("свидетельство о рождении — Әйгерім").count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("• свидетельство о рождении\n").count()
            + text.matches("• свидетельство о рождении\r").count(),
        1,
        "{text}"
    );
    assert!(text.contains(ORG) && text.contains("18.01.2027"), "{text}");
    assert!(
        !text.contains("docs.") && !text.contains("missing"),
        "no rule id: {text}"
    );
    assert!(
        link.starts_with("https://wa.me/77011000011?text="),
        "{link}"
    );
    assert_eq!(decode(link), text);
    assert!(
        link.contains("%0A") && link.contains("%26") && link.contains("%D0%"),
        "{link}"
    );
    // The same link in report.html, HTML-escaped.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let at = html
        .find("href=\"https:&#x2F;&#x2F;wa.me&#x2F;77011000011?text=")
        .expect("the link in report.html");
    let href = &html[at + 6..];
    let href = &href[..href.find('"').unwrap()];
    let href = href.replace("&#x2F;", "/").replace("&amp;", "&");
    assert_eq!(href, *link);

    // A phone that is not an international number: a message, no link.
    family_batch(&batch, "100-00-11");
    run_out(&batch, &out, &[]);
    let csv = fs::read_to_string(out.join("messages.csv")).unwrap();
    assert!(!csv.contains("wa.me") && csv.contains("Кирилл"));
    assert!(
        !fs::read_to_string(out.join("report.html"))
            .unwrap()
            .contains("wa.me")
    );
}

#[test]
fn next_actions_come_first_soonest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_out(&repo().join("samples/batch"), &out, &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let next = html.find("id=\"next\"").expect("a next-actions section");
    assert!(next < html.find("class=\"apps stack\"").unwrap());
    let section = &html[next..html[next..].find("</section>").unwrap() + next];
    // The booking day of Astana (30.11.2026, within 14 days) with its ready applicants,
    // then the last day to file with A048's passport (30.12.2026, within 60 days).
    let booking = section.find("2026-11-30").expect("the booking day");
    let file_by = section.find("2026-12-30").expect("the last day to file");
    assert!(booking < file_by);
    assert!(section[booking..file_by].contains("A002"));
    assert!(section[file_by..].contains("A048"));
    // Almaty's booking day (18.01.2027) is more than 14 days away.
    assert!(!section.contains("2027-01-18"));
}
