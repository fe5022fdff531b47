//! What a caseworker follows up after a run, per applicant: the phone to reach the
//! family, the name to greet them by, what to bring (the missing documents of the family,
//! person by person, in the words of `documents.toml`'s `letter`) and the dates ahead —
//! the last day to file with the current ID document (its expiry less
//! `rates.toml [period.id_document] min_validity_months`), the participant certificate's
//! last day, the first day stage 2 of the lifting allowance may be claimed and the last
//! day of the monthly-benefit period.
//!
//! Gathered from each applicant and the engine's [`Outcome`] while a window is processed
//! and handed with the window's entries to `run`'s writers (`report::stream`), so that
//! `deadlines.ics`, `messages.csv` and report.html's next actions and WhatsApp links never
//! re-read the batch. Every date is the engine's (`rules::plan`: the days its rules and
//! forms use); nothing here computes or decides one. [`Followup::redact`] leaves the
//! phone and every name out.

use jiff::civil::Date;

use crate::model::{Applicant, join_name};
use crate::rules::Outcome;
use crate::schema::Schemas;
use crate::values::mask_digit_runs;

/// One applicant's follow-up facts.
#[derive(Debug, Clone)]
pub struct Followup {
    /// As written in applicants.csv (empty under `--redact`).
    pub phone: String,
    /// First name and patronymic, to greet the applicant (empty under `--redact`).
    pub greeting: String,
    /// The day the application is (or will be) handed in.
    pub filing: Date,
    /// Every missing document of the family, applicant first, in documents.toml order.
    pub bring: Vec<Bring>,
    /// The dates ahead (and past), in the order applicant, members; by kind.
    pub dates: Vec<Deadline>,
}

/// A missing document and whose it is.
#[derive(Debug, Clone)]
pub struct Bring {
    pub code: &'static str,
    /// The document in the family's words.
    pub what: String,
    /// The family member's id; `None` for the applicant's own document.
    pub member_id: Option<String>,
    /// The member's first name (the member id under `--redact`).
    pub person: Option<String>,
}

/// The kinds of dates followed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The last day to file with the current ID document.
    FileBy,
    /// The last day the participant certificate is valid.
    CertificateEnds,
    /// The first day stage 2 of the lifting allowance may be claimed.
    Stage2From,
    /// The last day of the monthly-benefit period.
    BenefitEnds,
}

impl Kind {
    /// A stable key, for calendar UIDs.
    pub fn key(self) -> &'static str {
        match self {
            Kind::FileBy => "file-by",
            Kind::CertificateEnds => "certificate",
            Kind::Stage2From => "stage2",
            Kind::BenefitEnds => "monthly-benefit",
        }
    }
}

/// One date of an applicant (or of a family member's ID document).
#[derive(Debug, Clone)]
pub struct Deadline {
    pub kind: Kind,
    pub date: Date,
    /// For [`Kind::FileBy`], the document's expiry.
    pub expiry: Option<Date>,
    /// For [`Kind::FileBy`], how long the document must still be valid on the day of
    /// filing (rates.toml), in months.
    pub months: Option<i64>,
    /// The member whose ID document it is; `None` for the applicant.
    pub member_id: Option<String>,
    /// The member's full name (`None` under `--redact`).
    pub person: Option<String>,
}

impl Followup {
    /// The facts of `a` and its outcome, with the periods of the rates in force on
    /// `as_of`.
    pub fn of(a: &Applicant, outcome: &Outcome, schemas: &Schemas, as_of: Date) -> Followup {
        let bring = documents(a, outcome, schemas, true);
        let mut dates = Vec::new();
        // The engine's days (rules::plan): formatted here, never computed again.
        let plan = &outcome.plan;
        for f in &plan.file_by {
            let member = f
                .member_id
                .as_deref()
                .and_then(|id| a.family.iter().find(|m| m.member_id == id));
            dates.push(Deadline {
                kind: Kind::FileBy,
                date: f.last_day,
                expiry: Some(f.expiry),
                months: Some(f.months),
                member_id: f.member_id.clone(),
                person: member.map(|m| join_name([&m.last_name, &m.first_name, &m.patronymic])),
            });
        }
        let mut push = |kind, date: Option<Date>| {
            if let Some(date) = date {
                dates.push(Deadline {
                    kind,
                    date,
                    expiry: None,
                    months: None,
                    member_id: None,
                    person: None,
                });
            }
        };
        push(Kind::CertificateEnds, plan.certificate_valid_until);
        push(Kind::Stage2From, plan.stage2_from);
        push(Kind::BenefitEnds, plan.benefit_period.map(|p| p.to));
        Followup {
            phone: a.phone.clone(),
            greeting: join_name([&a.first_name, &a.patronymic, ""]),
            filing: crate::rules::facts::filing_date(a, as_of),
            bring,
            dates,
        }
    }

    /// Leaves the phone and every name out: a member is named by their id (its long digit
    /// runs masked, like every id of a redacted report).
    pub fn redact(&mut self) {
        self.phone.clear();
        self.greeting.clear();
        for b in &mut self.bring {
            b.member_id = b
                .member_id
                .as_deref()
                .map(|id| mask_digit_runs(id).into_owned());
            b.person = b.member_id.clone();
        }
        for d in &mut self.dates {
            d.member_id = d
                .member_id
                .as_deref()
                .map(|id| mask_digit_runs(id).into_owned());
            d.person = None;
        }
    }
}

/// The documents of the family that are missing (`missing`), or handed in as a scan or
/// on paper (not the forms resettle makes), in the family's words (documents.toml's
/// `letter`), applicant first, in documents.toml order.
pub fn documents(a: &Applicant, outcome: &Outcome, schemas: &Schemas, missing: bool) -> Vec<Bring> {
    let brought = |r: &&crate::rules::Required| {
        matches!(
            r.evidence(a),
            Some(crate::model::Evidence::Scan(_) | crate::model::Evidence::Paper(_))
        )
    };
    outcome
        .documents
        .iter()
        .filter(|r| if missing { r.is_missing() } else { brought(r) })
        .map(|r| {
            let member_id = r.member_id(a);
            let member = member_id.and_then(|id| a.family.iter().find(|m| m.member_id == id));
            Bring {
                code: r.code,
                what: schemas
                    .documents
                    .by_code(r.code)
                    .map_or_else(|| r.code.to_string(), |d| d.letter.clone()),
                member_id: member_id.map(str::to_string),
                person: member.map(|m| {
                    if m.first_name.is_empty() {
                        m.member_id.clone()
                    } else {
                        m.first_name.clone()
                    }
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_leaves_phone_and_names_out() {
        let mut f = Followup {
            phone: "+7 701 100 00 11".into(),
            greeting: "Андрей Викторович".into(),
            filing: jiff::civil::date(2026, 11, 24),
            bring: vec![Bring {
                code: "birth_certificate",
                what: "свидетельство о рождении".into(),
                member_id: Some("850412313187".into()),
                person: Some("Кирилл".into()),
            }],
            dates: vec![Deadline {
                kind: Kind::FileBy,
                date: jiff::civil::date(2027, 1, 1),
                expiry: None,
                months: None,
                member_id: Some("F1".into()),
                person: Some("Кузнецова Мария".into()),
            }],
        };
        f.redact();
        let shown = format!("{f:?}");
        for secret in ["701", "Андрей", "Кирилл", "Мария", "850412313"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert_eq!(f.bring[0].person.as_deref(), Some("••••••••3187"));
    }
}
