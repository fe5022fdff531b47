//! Checking templates before anything is written: every form is compiled against a batch
//! (by default the sample batch built into the binary), and each Typst error is reported
//! with its template file, line and column.

use crate::model::Applicant;
use crate::render::forms::{self, Context};
use crate::render::{Engine, Job};
use crate::report::Status;
use crate::rules::Outcome;
use crate::source::Memory;

/// The built-in sample batch, in memory: its CSV files, built into the binary (no scans).
pub fn sample() -> Memory {
    Memory::new(include_str!("../../samples/batch/applicants.csv"))
        .family(include_str!("../../samples/batch/family.csv"))
        .expenses(include_str!("../../samples/batch/expenses.csv"))
}

/// The packets to compile, gathered window by window: each applicant's whose packet
/// uses a form no earlier one did (every applicant's when `all`), as
/// `(applicant id, job)`.
pub struct Packets {
    all: bool,
    seen: Vec<String>,
    pub jobs: Vec<(String, Job)>,
}

impl Packets {
    /// No packet yet; every applicant's to come when `all`.
    pub fn new(all: bool) -> Packets {
        Packets {
            all,
            seen: Vec::new(),
            jobs: Vec::new(),
        }
    }

    /// Adds the packets of `applicants`, with the engine's outcomes and their statuses.
    pub fn add(
        &mut self,
        engine: &Engine,
        applicants: &[Applicant],
        outcomes: &[Outcome],
        statuses: &[Status],
        cx: &Context<'_>,
    ) {
        for ((a, o), status) in applicants.iter().zip(outcomes).zip(statuses) {
            let Some(mut packet) = forms::documents(a, o, *status, cx).pop() else {
                continue;
            };
            let names: Vec<String> = packet.data["forms"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if !self.all && names.iter().all(|n| self.seen.contains(n)) {
                continue;
            }
            self.seen.extend(names);
            engine.make_printable(&mut packet.data);
            let data = serde_json::to_vec(&packet.data).unwrap_or_default();
            let ident = format!("{}/packet", a.applicant_id);
            self.jobs
                .push((a.applicant_id.clone(), Job { data, ident }));
        }
    }
}

/// The batch report's job, from its data (`forms::report_data`).
pub fn report(engine: &Engine, mut data: serde_json::Value) -> (String, Job) {
    engine.make_printable(&mut data);
    let data = serde_json::to_vec(&data).unwrap_or_default();
    let ident = "report".to_string();
    ("report".into(), Job { data, ident })
}

/// Renders every job to the end (a PDF/A export error is a template error too) and
/// returns each distinct error once, as `templates/<file>:<line>:<col>: <message> (A001)`:
/// an error in a template every document imports is listed once.
pub fn check(engine: &Engine, jobs: &[(String, Job)]) -> Vec<String> {
    let work = || {
        let mut errors: Vec<String> = Vec::new();
        for (who, job) in jobs {
            if let Err(e) = crate::render::render_one(engine, job) {
                for m in e.messages {
                    if !errors.iter().any(|x| x.starts_with(&m)) {
                        errors.push(format!("{m} ({who})"));
                    }
                }
            }
        }
        errors
    };
    crate::render::on_deep_stack(work)
        .unwrap_or_else(|| vec!["the template check could not run".to_string()])
}
