//! `resettle run`: validate a batch, render the forms of the applicants who are ready (and
//! drafts on request) into OUT, then the batch report — report.pdf, findings.xlsx,
//! report.html, findings.csv, deadlines.ics, messages.csv and, last, report.json — with
//! the summary on
//! stderr. What changed since
//! the last run is read from the report.json found in OUT before it is removed.

use std::cell::RefCell;
use std::process::ExitCode;

use clap::Args;

use super::common::{BatchOut, Common, exit_for, findings_workbook, open_source, setup, threads};
use super::templates::{TemplateSource, check_templates, engine};
use super::term::say;
use crate::error::Error;
use crate::outdir::OutDir;
use crate::packets::Packets;
use crate::pipeline::{Sink, Sorted, Window, process_redacted};
use crate::render::forms;
use crate::render::{self, Job};
use crate::report::changes::{self, Previous};
use crate::report::followup::Followup;
use crate::report::html;
use crate::report::messages::Signed;
use crate::report::stream::{RunReport, Settings};
use crate::schema::Schemas;
use crate::text::escape_controls as esc;

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub io: BatchOut,
    /// Also render applicants who are not ready, marked ЧЕРНОВИК (draft) on every page,
    /// their packet led by a cover page listing their findings.
    #[arg(long)]
    pub drafts: bool,
    /// Render every document, even those unchanged since the last run; and write into an
    /// existing folder that holds files resettle did not write and is no earlier run's OUT
    /// (refused without it).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub templates: TemplateSource,
    #[command(flatten)]
    pub common: Common,
}

/// The batch report's files, each written last by a run, removed first by the next.
const REPORT_FILES: [&str; 7] = [
    "report.json",
    "messages.csv",
    "deadlines.ics",
    "findings.csv",
    "report.html",
    "findings.xlsx",
    "report.pdf",
];

/// The sink of `run`: the packets, and each window's follow-up facts left for the
/// report's writers ([`RunReport`]), which get the window's entries next.
struct WithFollowup<'p, 's, 'f> {
    packets: &'p mut dyn Sink,
    schemas: &'s Schemas,
    as_of: jiff::civil::Date,
    facts: &'f RefCell<Vec<Followup>>,
}

impl Sink for WithFollowup<'_, '_, '_> {
    fn window(&mut self, window: &Window<'_>) -> Result<Vec<Vec<String>>, Error> {
        use rayon::prelude::*;
        let (schemas, as_of) = (self.schemas, self.as_of);
        let mut facts = Vec::new();
        window
            .applicants
            .par_iter()
            .zip(window.outcomes)
            .map(|(a, o)| Followup::of(a, o, schemas, as_of))
            .collect_into_vec(&mut facts);
        *self.facts.borrow_mut() = facts;
        self.packets.window(window)
    }

    fn letters(&self) -> bool {
        true
    }
}

pub(super) fn run(args: &RunArgs) -> Result<ExitCode, Error> {
    args.io.check_apart()?;
    let setup = setup(&args.common)?;
    let (templates, engine) = engine(&args.templates, setup.as_of)?;
    if args.templates.templates.is_some() {
        // A user's templates are compiled before anything is written.
        check_templates(&engine, &setup, None, false)?;
    }
    let sorted = Sorted::open(
        &*open_source(&args.io.batch)?,
        &setup.schemas,
        &setup.limits,
    )?;
    if let Some(note) = super::outcheck::check(&args.io.out, args.force, &REPORT_FILES)? {
        say(&note);
    }
    let out = OutDir::create(&args.io.out)?;
    if out.made_private() {
        say(&format!(
            "{}: others could read this folder; it is now readable by you only (it holds personal data)",
            out.root().display()
        ));
    }
    let options = crate::packets::Options {
        as_of: setup.as_of,
        org: &args.io.org,
        contact: &args.io.contact,
        threads: threads(&args.common).0,
        drafts: args.drafts,
        force: args.force,
        templates: &templates,
        progress: true,
    };
    // The last run's report, read before it goes, to say what changed.
    let (previous, unreadable) = match Previous::read(&out.root().join("report.json")) {
        Ok(p) => (p, None),
        Err(why) => (None, Some(why)),
    };
    // "A report present means every document it lists was written", at every instant:
    // the last run's report goes before any output changes (report.json, which
    // programs read, first).
    for name in REPORT_FILES {
        out.remove(name)?;
    }
    let mut packets = Packets::begin(&engine, &setup.schemas, &out, &options)?;
    let facts = RefCell::new(Vec::new());
    let mut sink = WithFollowup {
        packets: &mut packets,
        schemas: &setup.schemas,
        as_of: setup.as_of,
        facts: &facts,
    };
    let settings = Settings {
        dir: out.root(),
        lang: setup.lang,
        as_of: setup.as_of,
        next_actions: setup.schemas.rates.next_actions.clone(),
        by: Signed {
            org: args.io.org.clone(),
            contact: args.io.contact.clone(),
            redacted: args.common.redact,
        },
    };
    let scratch = |e| Error::io(out.root(), e);
    let mut writers =
        RunReport::new(settings, &facts, previous.as_ref(), unreadable).map_err(scratch)?;
    let docs = &setup.schemas.documents;
    // Each window's entries go to the writers (redacted first with --redact).
    let (mut report, mut formats, ids) = process_redacted(
        sorted,
        setup.as_of,
        &mut sink,
        &mut writers,
        args.common.redact.then_some(docs),
    )?;
    let rendered = packets.finish()?;
    let failed = rendered.errors.len();
    report.errors.extend(rendered.errors);
    report.warnings.extend(rendered.warnings);
    if let Some(ids) = ids {
        report.redact_rows(docs, &ids);
        crate::report::redact::redact_reads(&mut formats);
    }
    let RunReport {
        json,
        csv,
        html: listing,
        pdf: pdf_listing,
        messages,
        events,
        changes,
        workbook,
        documents,
        ..
    } = writers;
    report.changes = Some(changes.finish());
    report.org = args.io.org.clone();
    report.contact = args.io.contact.clone();
    report.next_actions = Some(setup.schemas.rates.next_actions.clone());
    drop(previous);
    let view = html::view_json_listed(&report, pdf_listing);
    let mut data = forms::report_data_of(&report, view, setup.lang, &args.io.org);
    engine.make_printable(&mut data);
    let job = Job {
        data: serde_json::to_vec(&data).unwrap_or_default(),
        ident: "report".into(),
    };
    drop(data);
    // The batch report as PDF, on a deep stack like every document.
    let pdf = render::on_deep_stack(|| render::render_one(&engine, &job));
    let pdf_path = match pdf {
        Some(Ok(bytes)) => Some(out.write("report.pdf", &bytes)?),
        result => {
            // The older report.pdf went before the run began.
            let e = match result {
                Some(Err(e)) => e.to_string(),
                _ => "the rendering thread did not answer".to_string(),
            };
            report.errors.push(crate::packets::failed("report.pdf", &e));
            None
        }
    };
    // The caseworker's rows with every problem on its cell: the batch read again. A
    // workbook that cannot be made is an error of the report, as a PDF's would be.
    // Its marks were gathered from every entry as it passed.
    let book = workbook
        .finish(&report.errors, &report.warnings)
        .map_err(scratch)
        .and_then(|marks| findings_workbook(&args.io.batch, &report, marks, &setup, out.root()));
    let xlsx_path = match book {
        Ok(mut book) => {
            Some(out.write_with("findings.xlsx", |w| crate::report::xlsx::save(&mut book, w))?)
        }
        Err(e) => {
            report
                .errors
                .push(crate::packets::failed("findings.xlsx", &e.to_string()));
            None
        }
    };
    // The report is written last: report.json, the one programs read, very last.
    let page = html::render_listed(&report, listing)?;
    let html_path = out.write("report.html", page.as_bytes())?;
    drop(page);
    let csv_path = out.write_with("findings.csv", |w| csv.finish(&report, w))?;
    let ics_path = out.write("deadlines.ics", events.calendar().as_bytes())?;
    let messages_path = out.write_with("messages.csv", |w| messages.finish(w))?;
    let path = out.write_with("report.json", |w| json.finish(&report, w))?;
    for f in &formats {
        say(&format!("read {}", esc(&f.to_string())));
    }
    let s = &report.summary;
    let rejected: u64 = report.rows.values().map(|c| c.rejected).sum();
    say(&format!(
        "{} applicants: {} ready, {} incomplete, {} refused, {} invalid; {rejected} rows not processed",
        s.applicants, s.ready, s.incomplete, s.refused, s.invalid
    ));
    say(&format!(
        "{documents} PDF documents in {}/<applicant_id>/: {} rendered, {} applicants unchanged since the last run",
        out.root().display(),
        rendered.rendered,
        rendered.unchanged,
    ));
    for p in pdf_path.iter().chain(&xlsx_path).chain([
        &html_path,
        &csv_path,
        &ics_path,
        &messages_path,
        &path,
    ]) {
        say(&format!("wrote {}", p.display()));
    }
    if let Some(changes) = &report.changes {
        for line in changes::console_lines(changes) {
            say(&esc(&line));
        }
    }
    let failed = failed + usize::from(pdf_path.is_none()) + usize::from(xlsx_path.is_none());
    if failed > 0 {
        say(&format!(
            "{failed} documents could not be produced: see `render.failed` in the report's errors",
        ));
    }
    Ok(exit_for(report))
}
