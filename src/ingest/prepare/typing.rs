//! Typing an applicant from its sorted-out rows: accepted applicant `i` with its family
//! and expenses, the findings of its rows (values, expenses of members family.csv lacks)
//! and the papers it lists for members family.csv lacks. Bytes and rows only: the checks
//! on the typed applicant (`datacheck`) and its scans (`documents`) are added above, by
//! `pipeline`, which types the applicants in windows, in parallel.

use super::{Event, Prepared};
use crate::columns::{Col, FileKind};
use crate::findings::{Arg, Finding, Message};
use crate::ingest::rows;
use crate::model::Applicant;
use crate::values::show;

impl Prepared<'_> {
    /// Accepted applicant `i` (in file order, `i < len()`), typed: with its family and
    /// expenses, and the findings of its rows. Not yet: the checks on the applicant
    /// (identifiers), repeated IINs across the batch and the documents, which
    /// `pipeline` adds.
    pub fn applicant(&self, i: usize) -> Applicant {
        let rows = &self.rows;
        let mut cells = rows.cells(&self.applicants, self.accepted[i] as usize);
        let id = cells.raw(Col::ApplicantId);
        let mut a = rows::applicant(&mut cells, id, &rows.schemas.documents);
        a.findings = cells.findings;
        for event in &self.events[self.starts[i]..self.starts[i + 1]] {
            match event {
                Event::Finding(f) => a.findings.push((**f).clone()),
                Event::Member(r) => {
                    let Some(table) = &self.family else { continue };
                    let mut cells = rows.cells(table, *r as usize);
                    let id = cells.raw(Col::MemberId);
                    let member = rows::member(&mut cells, id);
                    a.findings.append(&mut cells.findings);
                    a.family.push(member);
                }
                Event::Expense(r) => {
                    let Some(table) = &self.expenses else {
                        continue;
                    };
                    let mut cells = rows.cells(table, *r as usize);
                    let expense = rows::expense(&mut cells);
                    if let Some(m) = &expense.member_id
                        && !a.family.iter().any(|f| &f.member_id == m)
                    {
                        let h = table.columns.header(Col::MemberId);
                        a.findings.push(
                            Finding::new(
                                "data.orphan",
                                Message::new(
                                    crate::findings::words!(
                                        "{0}: в family.csv нет члена семьи «{1}» этого заявителя",
                                        "{0}: family.csv has no member «{1}» of this applicant",
                                    ),
                                    [Arg::plain(h), Arg::id(show(m))],
                                ),
                            )
                            .member(Some(m.clone()))
                            .on(Col::MemberId)
                            .at(Some(cells.source(Col::MemberId))),
                        );
                    }
                    a.findings.append(&mut cells.findings);
                    a.expenses.push(expense);
                }
            }
        }
        self.paper_members(&mut a);
        a
    }

    /// Papers listed for a family member that family.csv does not have: a finding
    /// each, and the paper dropped.
    fn paper_members(&self, a: &mut Applicant) {
        let in_family = |a: &Applicant, m: &String| a.family.iter().any(|f| &f.member_id == m);
        let orphans: Vec<Finding> = a
            .documents
            .iter()
            .filter_map(|held| {
                let m = held.doc.member_id.as_ref().filter(|m| !in_family(a, m))?;
                let code = held.doc.code;
                let h = self.meta.header(FileKind::Applicants, Col::Documents);
                Some(
                    Finding::new(
                        "data.orphan",
                        Message::new(
                            crate::findings::words!(
                                "{0}: «{1}-{2}» — в family.csv нет члена семьи {2}",
                                "{0}: «{1}-{2}» — family.csv has no member {2}",
                            ),
                            [Arg::plain(h), Arg::plain(code), Arg::id(m.as_str())],
                        ),
                    )
                    .on(Col::Documents)
                    .at(Some(self.meta.source(
                        FileKind::Applicants,
                        a.row,
                        Col::Documents,
                    ))),
                )
            })
            .collect();
        if !orphans.is_empty() {
            a.findings.extend(orphans);
            let mut documents = std::mem::take(&mut a.documents);
            documents.retain(|held| held.doc.member_id.as_ref().is_none_or(|m| in_family(a, m)));
            a.documents = documents;
        }
    }
}
