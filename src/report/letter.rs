//! The letter to a family that is not ready (`OUT/<applicant_id>/letter.pdf`, and a page
//! of the draft packet): who gets one and what it lists, decided here as typed data that
//! the renderer only formats (`render::forms`, `templates/letter.typ`).
//!
//! A ready applicant gets none; a refused one only with `--drafts` (a refusal is
//! explained in person, the letter then says the ground and that the decision is the
//! mission's); every other applicant gets one. It lists the documents to bring, each
//! once with whose they are (documents.toml's `letter`, as messages.csv), what must be
//! corrected or answered (the `letter` of each rule, rendered by the engine:
//! [`Point`]s), what is worth knowing (warnings with a `letter`), what was handed in
//! already, and the mission with its next booking day. A point whose rule has no
//! `letter` is only counted: the letter says the caseworker will explain it. No rule id
//! is ever in a letter, and no personal number: a member without a first name is named
//! by their id with its digit runs masked.

use jiff::civil::Date;

use super::Status;
use super::followup::{Bring, documents};
use crate::findings::Severity;
use crate::model::Applicant;
use crate::rules::{Outcome, Point};
use crate::schema::Schemas;
use crate::values::mask_digit_runs;

/// A family's letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The applicant's id with its long digit runs masked (for the footer).
    pub applicant_id: String,
    /// The applicant's full name, as addressed.
    pub addressee: String,
    /// First name and patronymic, to greet the applicant by.
    pub greeting: String,
    /// Whether the applicant is refused: the letter states the grounds.
    pub refused: bool,
    /// The grounds for refusal, in the family's words (refused only).
    pub grounds: Vec<String>,
    /// The documents to bring, each once, with whose they are.
    pub bring: Vec<Item>,
    /// What must be corrected or answered (and ID documents to renew).
    pub correct: Vec<Item>,
    /// What is worth knowing (warnings the family can act on).
    pub notes: Vec<Item>,
    /// How many points (errors, missing answers, grounds) have no words for families:
    /// the caseworker will explain them.
    pub explain: usize,
    /// The documents handed in already.
    pub fine: Vec<Item>,
    /// The mission to apply to.
    pub mission: Option<Mission>,
}

/// A line of a letter: what, and whose it is (first names; none when the letter is
/// about the applicant alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub what: String,
    pub persons: Vec<String>,
}

/// Where and when to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mission {
    pub name: String,
    /// The next day bookings open; `None` when the schedule is not known.
    pub next_booking: Option<Date>,
    /// Whether the booking day rests on a verified schedule.
    pub booking_verified: bool,
    pub walk_in: Option<String>,
}

/// Whether an applicant of `status` gets a letter: not when ready; when refused, only
/// with `--drafts` (`drafts`).
pub fn wanted(status: Status, drafts: bool) -> bool {
    match status {
        Status::Ready => false,
        Status::Refused => drafts,
        Status::Incomplete | Status::Invalid => true,
    }
}

/// Items in the order first met, each once: documents grouped by their words (each
/// person once: «свидетельство о рождении — Кирилл, Дарья»), points one per person
/// (their words speak of one person).
fn group(lines: impl IntoIterator<Item = (String, String)>, by_words: bool) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    for (what, person) in lines {
        let same =
            |i: &&mut Item| i.what == what && (by_words || i.persons.first() == Some(&person));
        match items.iter_mut().find(same) {
            Some(i) if !i.persons.contains(&person) => i.persons.push(person),
            Some(_) => {}
            None => items.push(Item {
                what,
                persons: vec![person],
            }),
        }
    }
    items
}

impl Letter {
    /// The letter of `a` (of status `status`), or `None` when it gets none
    /// ([`wanted`]).
    pub fn of(
        a: &Applicant,
        outcome: &Outcome,
        status: Status,
        schemas: &Schemas,
        drafts: bool,
    ) -> Option<Letter> {
        if !wanted(status, drafts) {
            return None;
        }
        let own = || {
            if a.first_name.is_empty() {
                mask_digit_runs(&a.applicant_id).into_owned()
            } else {
                a.first_name.clone()
            }
        };
        let name_of = |member_id: Option<&str>| match member_id {
            None => own(),
            Some(id) => a
                .family
                .iter()
                .find(|m| m.member_id == id && !m.first_name.is_empty())
                .map_or_else(
                    || mask_digit_runs(id).into_owned(),
                    |m| m.first_name.clone(),
                ),
        };
        let docs = |missing| {
            group(
                documents(a, outcome, schemas, missing)
                    .into_iter()
                    .map(|b: Bring| (b.what, name_of(b.member_id.as_deref()))),
                true,
            )
        };
        let points = |severities: &[Severity]| {
            let worded = outcome
                .letter
                .iter()
                .filter(|p| severities.contains(&p.severity));
            let lines = worded
                .filter_map(|p: &Point| Some((p.text.clone()?, name_of(p.member_id.as_deref()))));
            group(lines, false)
        };
        let unworded = |severities: &[Severity]| {
            outcome
                .letter
                .iter()
                .filter(|p| severities.contains(&p.severity) && p.text.is_none())
                .count()
        };
        let refused = status == Status::Refused;
        let fix = [Severity::Error, Severity::Missing];
        let mut letter = Letter {
            applicant_id: mask_digit_runs(&a.applicant_id).into_owned(),
            addressee: crate::model::full_name(a),
            greeting: crate::model::join_name([&a.first_name, &a.patronymic, ""]),
            refused,
            grounds: points(&[Severity::Refusal])
                .into_iter()
                .map(|i| i.what)
                .collect(),
            bring: if refused { Vec::new() } else { docs(true) },
            correct: if refused { Vec::new() } else { points(&fix) },
            notes: if refused {
                Vec::new()
            } else {
                points(&[Severity::Warning])
            },
            explain: if refused {
                unworded(&[Severity::Refusal])
            } else {
                unworded(&fix)
            },
            fine: if refused { Vec::new() } else { docs(false) },
            mission: outcome.consulate.as_deref().map(|c| Mission {
                name: c.name.ru.clone(),
                next_booking: c.next_booking,
                booking_verified: c.booking_verified == Some(true),
                walk_in: c.walk_in.as_ref().map(|w| w.ru.clone()),
            }),
        };
        // A letter about the applicant alone names no one in its lists.
        let lists = [
            &mut letter.bring,
            &mut letter.correct,
            &mut letter.notes,
            &mut letter.fine,
        ];
        let me = own();
        let alone = lists
            .iter()
            .all(|l| l.iter().all(|i| i.persons.iter().all(|p| *p == me)));
        if alone {
            for list in lists {
                list.iter_mut().for_each(|i| i.persons.clear());
            }
        }
        Some(letter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_gets_a_letter() {
        assert!(!wanted(Status::Ready, true));
        assert!(wanted(Status::Incomplete, false));
        assert!(wanted(Status::Invalid, false));
        assert!(!wanted(Status::Refused, false));
        assert!(wanted(Status::Refused, true));
    }

    #[test]
    fn lines_are_grouped_by_their_words() {
        let lines = [
            ("свидетельство о рождении".to_string(), "Кирилл".to_string()),
            ("фотографии".to_string(), "Мария".to_string()),
            ("свидетельство о рождении".to_string(), "Дарья".to_string()),
            ("свидетельство о рождении".to_string(), "Кирилл".to_string()),
        ];
        let items = group(lines.clone(), true);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].persons, ["Кирилл", "Дарья"]);
        let items = group(lines, false);
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].persons, ["Дарья"]);
    }
}
