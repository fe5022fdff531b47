//! What `run` writes of each window's entries as they come, so that it holds none of
//! them: report.json's entries spilled ([`Spill`]), findings.csv's and messages.csv's
//! rows written to scratch files, deadlines.ics's events gathered, the views of
//! report.html and report.pdf keeping only what they list (with the next actions and
//! WhatsApp links, from each window's follow-up facts), what changed since the last run
//! compared entry by entry, and findings.xlsx's marks gathered ([`Gather`]: kept in
//! scratch files too).

use std::cell::RefCell;
use std::path::Path;

use super::ApplicantReport;
use super::changes::{Comparer, Previous};
use super::csv::FindingsCsv;
use super::followup::Followup;
use super::html::Listing;
use super::ics::Events;
use super::messages::{MessagesCsv, Signed};
use super::spill::{Keep, Spill, Watch};
use super::xlsx::Gather;
use crate::findings::Lang;
use crate::schema::rates::NextActions;

/// The report's writers of `run`, fed a window at a time.
pub struct RunReport<'a> {
    /// The follow-up facts of the window whose entries come next (left there by the
    /// command's sink, which sees the window first).
    facts: &'a RefCell<Vec<Followup>>,
    by: Signed,
    pub json: Spill,
    pub csv: FindingsCsv,
    pub html: Listing,
    pub pdf: Listing,
    pub messages: MessagesCsv,
    pub events: Events,
    pub changes: Comparer<'a>,
    /// What findings.xlsx marks on the batch's cells and lists.
    pub workbook: Gather,
    /// The files written for the applicants.
    pub documents: usize,
}

/// How the report of a run is written.
pub struct Settings<'a> {
    /// Where the scratch files go (beside the report).
    pub dir: &'a Path,
    pub lang: Lang,
    pub as_of: jiff::civil::Date,
    pub next_actions: NextActions,
    /// Who signs the messages; whether the report is redacted (its entries are, on
    /// their way here, and the follow-up facts are here).
    pub by: Signed,
}

impl<'a> RunReport<'a> {
    /// The writers, the follow-up facts of each window found in `facts`, the changes
    /// compared with `previous` (`unreadable`: why a last report was not read).
    pub fn new(
        settings: Settings<'_>,
        facts: &'a RefCell<Vec<Followup>>,
        previous: Option<&'a Previous>,
        unreadable: Option<String>,
    ) -> std::io::Result<RunReport<'a>> {
        let Settings {
            dir,
            lang,
            as_of,
            next_actions,
            by,
        } = settings;
        Ok(RunReport {
            facts,
            json: Spill::new(Some(dir))?,
            csv: FindingsCsv::new(Some(dir), lang)?,
            html: Listing::html(lang).follow(next_actions.clone(), as_of),
            pdf: Listing::pdf(lang).follow(next_actions, as_of),
            messages: MessagesCsv::new(Some(dir), by.clone())?,
            events: Events::new(as_of, by.redacted, lang),
            changes: Comparer::new(previous, unreadable, by.redacted),
            workbook: Gather::new(dir, lang)?,
            documents: 0,
            by,
        })
    }
}

impl Keep for RunReport<'_> {
    fn keep(&mut self, entries: Vec<ApplicantReport>) -> std::io::Result<()> {
        let mut facts = std::mem::take(&mut *self.facts.borrow_mut());
        if self.by.redacted {
            facts.iter_mut().for_each(Followup::redact);
        }
        self.json.watch(&entries)?;
        self.csv.watch(&entries)?;
        let by = &self.by;
        let link = |k: usize| {
            let f = facts.get(k).filter(|_| !by.redacted)?;
            super::messages::link(&entries[k], f, &by.org, &by.contact)
        };
        self.html.add_followed(&entries, &facts, link);
        self.pdf.add_followed(&entries, &facts, link);
        self.messages.add(&entries, &facts)?;
        self.events.add(&entries, &facts);
        self.workbook.watch(&entries)?;
        for a in &entries {
            self.changes.see(a);
            self.documents += a.outputs.len();
        }
        Ok(())
    }
}
