//! Application packets: for each applicant who is ready, the forms that apply to them and
//! one merged `packet.pdf`, rendered on worker threads and written atomically into
//! `OUT/<applicant_id>/`. A document that fails is reported; the batch goes on.

use std::sync::Mutex;

use jiff::civil::Date;

use crate::findings::{RowError, Source, Text};
use crate::model::Batch;
use crate::outdir::OutDir;
use crate::render::{self, Engine, FORMS, Job};
use crate::report::Status;
use crate::rules::Outcome;
use crate::schema::Schemas;

/// What rendering produced: files per applicant (relative to OUT) and failures.
#[derive(Debug, Default)]
pub struct Rendered {
    pub outputs: Vec<Vec<String>>,
    pub errors: Vec<RowError>,
}

/// Options of a rendering run.
pub struct Options<'a> {
    pub as_of: Date,
    /// The NGO's name, shown on the forms and in the PDFs' metadata.
    pub org: &'a str,
    pub threads: usize,
}

/// Renders the packets of every ready applicant of `batch` into `out`.
pub fn render(
    batch: &Batch,
    outcomes: &[Outcome],
    schemas: &Schemas,
    out: &OutDir,
    opts: &Options<'_>,
) -> Rendered {
    let templates: Vec<(&str, String)> = render::TEMPLATES
        .iter()
        .map(|(n, t)| (*n, t.to_string()))
        .collect();
    let engine = Engine::new(&templates, opts.as_of, FORMS);

    // (applicant index, file name, job)
    let mut targets: Vec<(usize, String)> = Vec::new();
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for (i, (a, o)) in batch.applicants.iter().zip(outcomes).enumerate() {
        if Status::of_all([a.findings.as_slice(), o.findings.as_slice()]) != Status::Ready {
            continue;
        }
        let data = render::forms::data(a, o, schemas, opts.as_of, opts.org, false);
        let data = serde_json::to_vec(&data).unwrap_or_default();
        for form in FORMS.chunks(1).chain(std::iter::once(FORMS)) {
            let name = if form.len() == 1 {
                form[0].name
            } else {
                "packet"
            };
            targets.push((i, format!("{}/{name}.pdf", a.applicant_id)));
            jobs.push(Job {
                forms: form,
                data: data.clone(),
                ident: format!("{}/{name}", a.applicant_id),
            });
        }
    }

    let results: Mutex<Vec<(usize, Result<String, String>)>> = Mutex::new(Vec::new());
    render::render_all(&engine, &jobs, opts.threads, &|k, result| {
        let (_, file) = &targets[k];
        let written = match result {
            Ok(pdf) => out
                .write(file, &pdf)
                .map(|_| file.clone())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Ok(mut r) = results.lock() {
            r.push((k, written));
        }
    });

    let mut rendered = Rendered {
        outputs: vec![Vec::new(); batch.applicants.len()],
        errors: Vec::new(),
    };
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(k, _)| *k);
    for (k, result) in results {
        let (i, file) = &targets[k];
        match result {
            Ok(file) => rendered.outputs[*i].push(file),
            Err(e) => rendered.errors.push(RowError {
                rule: "render.failed",
                source: Source::Path(file.clone()),
                message: Text::new(
                    format!("документ не создан: {e}"),
                    format!("document not produced: {e}"),
                ),
            }),
        }
    }
    rendered
}
