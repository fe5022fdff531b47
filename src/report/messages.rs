//! Messages to send to families: `OUT/messages.csv` (one row per applicant who is not
//! refused: id, name, status, phone, a WhatsApp link, the text) and the WhatsApp link of
//! each applicant in report.html. Nothing is sent by the tool.
//!
//! The text is in Russian (the families' language, whatever `--lang`), at most
//! [`MAX_CHARS`] characters: a greeting, what to bring person by person («свидетельство о
//! рождении — Кирилл», in the words of documents.toml's `letter`), the ID documents to
//! renew before filing, a word when data must be corrected, the mission and its next
//! booking day, and the NGO's name (`--org`) and contact (`--contact`). A refused applicant gets no message: a
//! refusal is explained in person. No rule id and no personal number is ever in a text.
//!
//! The link is `https://wa.me/<digits>?text=<the text, percent-encoded>` when the phone is
//! a valid international number: `+` and 10 to 15 digits, or a Kazakh or Russian number
//! written with the trunk prefix `8` (`8 701 …` is `+7 701 …`). Anything else (two
//! numbers in a cell, letters, too few digits) gets no link. Under `--redact` the phone,
//! the link and every name are left out.
//!
//! CSV as findings.csv: UTF-8 with a BOM, `;`, CRLF, cells that a spreadsheet would read
//! as a formula prefixed with an apostrophe.

use std::io::Write;
use std::path::Path;

use super::csv::SheetCsv;
use super::followup::{Followup, Kind};
use super::spill::Scratch;
use super::{ApplicantReport, Report, Status};
use crate::findings::Severity;

/// The longest text, in characters.
pub const MAX_CHARS: usize = 700;

/// The header row of messages.csv.
pub const HEADERS: [&str; 6] = [
    "applicant_id",
    "name",
    "status",
    "phone",
    "whatsapp",
    "text",
];

fn ru_date(d: jiff::civil::Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// The message to `a`, signed by the NGO `org` with its `contact`; `None` for a refused
/// applicant.
pub fn text(a: &ApplicantReport, f: &Followup, org: &str, contact: &str) -> Option<String> {
    if a.status == Status::Refused {
        return None;
    }
    let greeting = if f.greeting.is_empty() {
        "Здравствуйте!".to_string()
    } else {
        format!("Здравствуйте, {}!", f.greeting)
    };
    let booking = a.consulate.as_deref().and_then(|c| {
        let day = c.next_booking?;
        Some(format!(
            "Ближайший день записи в {}: {}.",
            c.name.ru,
            ru_date(day)
        ))
    });
    let sign: String = [org, contact]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| format!("\n{s}"))
        .collect();
    if a.status == Status::Ready {
        let mut t = format!("{greeting} Документы для участия в Госпрограмме переселения готовы.");
        if let Some(b) = &booking {
            t.push(' ');
            t.push_str(b);
        }
        t.push_str(" Позвоните нам, чтобы договориться о записи.");
        t.push_str(&sign);
        return Some(fit(t));
    }
    // What to bring, person by person.
    let items: Vec<String> = f
        .bring
        .iter()
        .map(|b| match &b.person {
            Some(p) => format!("• {} — {p}", b.what),
            None => format!("• {}", b.what),
        })
        .collect();
    // ID documents that will not be valid long enough on the day of filing.
    let renew: Vec<String> = f
        .dates
        .iter()
        .filter(|d| d.kind == Kind::FileBy && d.date < f.filing)
        .filter_map(|d| {
            let expiry = ru_date(d.expiry?);
            Some(match (&d.member_id, &d.person) {
                (Some(_), Some(name)) => {
                    format!("• паспорт ({name}) действителен до {expiry} — оформите новый")
                }
                (Some(id), None) => {
                    format!("• паспорт ({id}) действителен до {expiry} — оформите новый")
                }
                (None, _) => format!("• ваш паспорт действителен до {expiry} — оформите новый"),
            })
        })
        .collect();
    let errors = a.findings.iter().any(|x| x.severity == Severity::Error);
    // Missing answers (a question of the form left empty), not documents.
    let questions = a
        .findings
        .iter()
        .any(|x| x.severity == Severity::Missing && !x.rule.starts_with("docs.missing."));
    let mut head = vec![greeting];
    let mut tail = Vec::new();
    if !renew.is_empty() {
        let months = f
            .dates
            .iter()
            .filter(|d| d.kind == Kind::FileBy)
            .find_map(|d| d.months)
            .unwrap_or_default();
        tail.push(format!(
            "Для подачи паспорт должен быть действителен ещё не менее {months} мес.:\n{}",
            renew.join("\n")
        ));
    }
    if questions {
        tail.push("Нужно ответить на несколько вопросов анкеты: позвоните нам.".to_string());
    }
    if errors {
        tail.push("В анкете есть данные, которые нужно уточнить: позвоните нам.".to_string());
    }
    if let Some(b) = booking {
        tail.push(b);
    }
    let tail = format!("{}{sign}", tail.join("\n"));
    let tail = tail.trim_start_matches('\n').to_string();
    if !items.is_empty() {
        head.push(
            "Для заявления на участие в Госпрограмме переселения принесите, пожалуйста:".into(),
        );
    } else {
        head.push("По вашему заявлению на участие в Госпрограмме переселения:".into());
    }
    let head = head.join(" ");
    // As many items as fit; the rest counted.
    let budget = MAX_CHARS.saturating_sub(head.chars().count() + tail.chars().count() + 2);
    let mut shown = Vec::new();
    let mut used = 0;
    for (i, item) in items.iter().enumerate() {
        let rest = items.len() - i - 1;
        let more = if rest > 0 { 40 } else { 0 };
        let n = item.chars().count() + 1;
        if used + n + more > budget {
            shown.push(format!("• и ещё {} — подробности у нас", items.len() - i));
            break;
        }
        used += n;
        shown.push(item.clone());
    }
    let mut t = head;
    if !shown.is_empty() {
        t.push('\n');
        t.push_str(&shown.join("\n"));
    }
    if !tail.is_empty() {
        t.push('\n');
        t.push_str(&tail);
    }
    Some(fit(t))
}

/// `t` cut to [`MAX_CHARS`] characters (on a character boundary, with an ellipsis).
fn fit(t: String) -> String {
    if t.chars().count() <= MAX_CHARS {
        return t;
    }
    let mut cut: String = t.chars().take(MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The digits of `phone` as an international number for wa.me, when it is one.
pub fn wa_digits(phone: &str) -> Option<String> {
    let p = phone.trim();
    if p.is_empty()
        || !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return None;
    }
    let plus = p.starts_with('+');
    if p[1..].contains('+') {
        return None;
    }
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    if plus {
        return (10..=15).contains(&digits.len()).then_some(digits);
    }
    // Kazakhstan and Russia: 8 is the trunk prefix of +7; 7 and ten digits is +7 too.
    match digits.len() {
        11 if digits.starts_with('8') => Some(format!("7{}", &digits[1..])),
        11 if digits.starts_with('7') => Some(digits),
        _ => None,
    }
}

/// `s` percent-encoded for a URL query value: every byte but the unreserved ones.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The WhatsApp link that opens a chat with `phone`, `text` prefilled.
pub fn whatsapp_link(phone: &str, text: &str) -> Option<String> {
    let digits = wa_digits(phone)?;
    Some(format!(
        "https://wa.me/{digits}?text={}",
        percent_encode(text)
    ))
}

/// The link of applicant `i` of `report`, when it has a message and a valid phone.
pub fn link_of(report: &Report, i: usize) -> Option<String> {
    let (a, f) = (report.applicants.get(i)?, report.followup.get(i)?);
    if report.redacted {
        return None;
    }
    link(a, f, &report.org, &report.contact)
}

/// The link of `a` (its follow-up facts `f`), when it has a message signed by `org`
/// with its `contact` and a valid phone. None for a redacted report.
pub fn link(a: &ApplicantReport, f: &Followup, org: &str, contact: &str) -> Option<String> {
    whatsapp_link(&f.phone, &text(a, f, org, contact)?)
}

/// Who signs the messages, and whether the report is redacted (no phone, no link).
#[derive(Clone)]
pub struct Signed {
    pub org: String,
    pub contact: String,
    pub redacted: bool,
}

/// The row of `a` (its follow-up facts `f`), when it gets a message.
fn row<W: Write>(w: &mut SheetCsv<W>, a: &ApplicantReport, f: &Followup, by: &Signed) {
    let Some(t) = text(a, f, &by.org, &by.contact) else {
        return;
    };
    let (phone, link) = if by.redacted {
        ("", String::new())
    } else {
        (
            f.phone.as_str(),
            link(a, f, &by.org, &by.contact).unwrap_or_default(),
        )
    };
    w.row([
        a.applicant_id.as_str(),
        &a.name,
        a.status.label(),
        phone,
        &link,
        &t,
    ]);
}

/// messages.csv of `report` (starting with a BOM).
pub fn messages_csv(report: &Report) -> String {
    let by = Signed {
        org: report.org.clone(),
        contact: report.contact.clone(),
        redacted: report.redacted,
    };
    let mut w = SheetCsv::new(&HEADERS);
    for (a, f) in report.applicants.iter().zip(&report.followup) {
        row(&mut w, a, f, &by);
    }
    w.finish()
}

/// messages.csv written as the entries come: each window's rows go to a scratch file,
/// written after the header at the end ([`MessagesCsv::finish`]).
pub struct MessagesCsv {
    rows: Scratch,
    by: Signed,
}

impl MessagesCsv {
    /// Messages signed `by`, kept in a scratch file in `dir`.
    pub fn new(dir: Option<&Path>, by: Signed) -> std::io::Result<MessagesCsv> {
        Ok(MessagesCsv {
            rows: Scratch::new(dir)?,
            by,
        })
    }

    /// The rows of `entries`, `followup[k]` being the follow-up facts of `entries[k]`.
    pub fn add(
        &mut self,
        entries: &[ApplicantReport],
        followup: &[Followup],
    ) -> std::io::Result<()> {
        let mut w = SheetCsv::rows(self.rows.writer());
        for (a, f) in entries.iter().zip(followup) {
            row(&mut w, a, f, &self.by);
        }
        w.into_inner().map(drop)
    }

    /// Writes messages.csv to `w`: the BOM and header, then every row added.
    pub fn finish(self, w: &mut dyn Write) -> std::io::Result<()> {
        SheetCsv::begin(&mut *w, &HEADERS).into_inner()?;
        self.rows.copy_to(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            wa_digits("+7 701 100 00 11").as_deref(),
            Some("77011000011")
        );
        assert_eq!(
            wa_digits("8 (701) 100-00-11").as_deref(),
            Some("77011000011")
        );
        assert_eq!(wa_digits("+49 30 1234567").as_deref(), Some("49301234567"));
        assert_eq!(wa_digits("100-00-11"), None);
        assert_eq!(wa_digits("+7 701 100 00 11, +7 777 1"), None);
        assert_eq!(wa_digits("звонить жене"), None);
        assert_eq!(wa_digits(""), None);
        assert_eq!(wa_digits("+"), None);
    }

    #[test]
    fn encoding() {
        assert_eq!(percent_encode("a b&c\nд"), "a%20b%26c%0A%D0%B4");
    }
}
