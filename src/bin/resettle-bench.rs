//! `resettle-bench`: generates synthetic batches and times the phases of validation and
//! rendering, one phase per process so that each reports its own peak memory.
//! `bench/validate.sh` and `bench/render.sh` drive it and print the tables recorded in
//! BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use resettle::columns::FileKind;
use resettle::model::Applicant;
use resettle::report::Status;
use resettle::rules::Outcome;

#[derive(Parser)]
#[command(
    name = "resettle-bench",
    about = "Benchmarks for resettle's validation and rendering"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic batch of N applicants (with families and expenses) into DIR.
    Generate {
        dir: PathBuf,
        #[arg(long)]
        applicants: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Only parse the CSV files of DIR (read + split into records), the floor to compare with.
    Parse { dir: PathBuf },
    /// The part of a validation before any applicant is typed: the three files read and
    /// split, and their rows sorted out by id (accepted, refused, whose family and
    /// expenses are whose).
    Ingest { dir: PathBuf },
    /// Full validation of DIR: ingest, rules, and the JSON report written to OUT.
    Validate {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Render one form (the application by default) for the first N applicants of DIR
    /// into OUT/<n>.pdf, as `resettle run` does: one engine, worker threads, atomic
    /// writes. Times the rendering only. With --data-only, writes each document's
    /// OUT/<n>/data.json instead, for the typst CLI loop of bench/render.sh.
    Render(RenderArgs),
}

#[derive(clap::Args)]
struct RenderArgs {
    dir: PathBuf,
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    documents: usize,
    #[arg(long, default_value = "application")]
    form: String,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    #[arg(long)]
    data_only: bool,
    /// Templates to use instead of the built-in ones (as `resettle run --templates`).
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Only lay the documents out (no PDF export, nothing written): the layout's share.
    #[arg(long)]
    layout_only: bool,
}

/// The validated batch of a rendering benchmark: the applicants that have the form, as
/// `resettle run` hands them to its renderer (through the one path, window by window);
/// their documents' data is built when a worker renders them, as `run` does.
struct Forms {
    schemas: resettle::schema::Schemas,
    /// The applicants whose documents are rendered, one document each, with the
    /// engine's outcome and their status.
    chosen: Vec<(Applicant, Outcome, Status)>,
    /// The file of the form rendered, e.g. `application.pdf`.
    file: String,
}

/// The sink that keeps the first `n` applicants with form `file`.
struct Choose<'a> {
    schemas: &'a resettle::schema::Schemas,
    file: &'a str,
    n: usize,
    chosen: Vec<(Applicant, Outcome, Status)>,
}

impl resettle::pipeline::Sink for Choose<'_> {
    fn window(
        &mut self,
        w: &resettle::pipeline::Window<'_>,
    ) -> Result<Vec<Vec<String>>, resettle::Error> {
        for ((a, o), s) in w.applicants.iter().zip(w.outcomes).zip(w.statuses) {
            if self.chosen.len() < self.n && data_of(self.schemas, self.file, a, o, *s).is_some() {
                self.chosen.push((a.clone(), o.clone(), *s));
            }
        }
        Ok(Vec::new())
    }
}

/// The `/data.json` of form `file` for an applicant, if it has the form.
fn data_of(
    schemas: &resettle::schema::Schemas,
    file: &str,
    a: &Applicant,
    o: &Outcome,
    status: Status,
) -> Option<serde_json::Value> {
    let cx = resettle::render::forms::Context {
        schemas,
        as_of: AS_OF,
        org: "resettle-bench",
        contact: "",
        drafts: true,
    };
    resettle::render::forms::documents_named(a, o, status, &cx, |f| f == file)
        .pop()
        .map(|d| d.data)
}

impl Forms {
    /// The first `n` applicants of `dir` that have `form`.
    fn load(dir: &std::path::Path, n: usize, form: &str) -> Result<Forms, String> {
        let schemas = resettle::schema::Schemas::embedded().map_err(|e| e.to_string())?;
        let file = format!("{form}.pdf");
        let source = resettle::source::Folder::open(dir).map_err(|e| e.to_string())?;
        let limits = resettle::ingest::Limits::default();
        let sorted = resettle::pipeline::Sorted::open(&source, &schemas, &limits)
            .map_err(|e| e.to_string())?;
        let mut sink = Choose {
            schemas: &schemas,
            file: &file,
            n,
            chosen: Vec::new(),
        };
        resettle::pipeline::process(sorted, AS_OF, resettle::pipeline::WINDOW, &mut sink)
            .map_err(|e| e.to_string())?;
        let chosen = sink.chosen;
        if chosen.len() < n {
            return Err(format!(
                "{} has only {} applicants with a {file}: generate a bigger batch",
                dir.display(),
                chosen.len(),
            ));
        }
        Ok(Forms {
            schemas,
            chosen,
            file,
        })
    }

    /// The `/data.json` of the form for chosen applicant `i`.
    fn data(&self, i: usize) -> Option<serde_json::Value> {
        let (a, o, s) = &self.chosen[i];
        data_of(&self.schemas, &self.file, a, o, *s)
    }
}

/// The as-of date of every benchmark.
const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 24);

fn render(args: &RenderArgs) -> Result<String, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (n, threads) = (args.documents, args.threads);
    let forms = Forms::load(&args.dir, n, &args.form)?;
    let out = resettle::outdir::OutDir::create(&args.out).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let templates =
        resettle::render::Templates::load(args.templates.as_deref()).map_err(|e| e.to_string())?;
    let engine = resettle::render::Engine::new(&templates, AS_OF).map_err(|e| e.to_string())?;
    // As `resettle run` does for each document: the data built, made printable,
    // serialized, rendered (or only laid out), written atomically.
    let job = |i: usize| {
        let mut d = forms.data(i).unwrap_or_default();
        engine.make_printable(&mut d);
        resettle::render::Job {
            data: serde_json::to_vec(&d).unwrap_or_default(),
            ident: i.to_string(),
        }
    };
    if args.data_only {
        for i in 0..n {
            out.write(&format!("{i}/data.json"), &job(i).data)
                .map_err(|e| e.to_string())?;
        }
        return Ok(format!("phase=data documents={n}"));
    }
    let failed = AtomicUsize::new(0);
    resettle::render::parallel(threads, n, &|i| {
        let ok = if args.layout_only {
            let ok = engine.layout(&job(i)).is_ok();
            typst::comemo::evict(2);
            ok
        } else {
            resettle::render::render_one(&engine, &job(i))
                .is_ok_and(|pdf| out.write_unsynced(&format!("{i}.pdf"), &pdf).is_ok())
        };
        if !ok {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    });
    // As `run` does before its manifest vouches for them: every PDF flushed to disk.
    out.sync().map_err(|e| e.to_string())?;
    let secs = t.elapsed().as_secs_f64();
    let failed = failed.into_inner();
    if failed > 0 {
        return Err(format!("{failed} documents failed"));
    }
    Ok(format!(
        "phase=render documents={n} threads={threads} render_seconds={secs:.3} docs_per_second={:.1}",
        n as f64 / secs
    ))
}

/// Peak resident memory of this process, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn parse_only(dir: &std::path::Path) -> Result<u64, String> {
    let mut records = 0;
    for f in FileKind::ALL {
        let path = dir.join(f.file_name());
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| e.to_string())?
        {
            records += 1;
        }
    }
    Ok(records)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let start = Instant::now();
    let result = match cli.command {
        Command::Generate {
            dir,
            applicants,
            seed,
        } => resettle::synth::generate(&dir, applicants, seed)
            .map(|()| format!("generated {applicants} applicants in {}", dir.display()))
            .map_err(|e| e.to_string()),
        Command::Render(args) => render(&args),
        Command::Parse { dir } => parse_only(&dir).map(|n| format!("phase=parse records={n}")),
        Command::Ingest { dir } => (|| {
            let schemas = resettle::schema::Schemas::embedded().map_err(|e| e.to_string())?;
            let limits = resettle::ingest::Limits::default();
            let source = resettle::source::Folder::open(&dir).map_err(|e| e.to_string())?;
            let prepared =
                resettle::ingest::prepare(&source, &schemas, &limits).map_err(|e| e.to_string())?;
            Ok(format!("phase=ingest applicants={}", prepared.len()))
        })(),
        Command::Validate { dir, out } => (|| {
            let schemas = resettle::schema::Schemas::embedded().map_err(|e| e.to_string())?;
            // As `resettle validate` does: ingest, checks and rules a window of
            // applicants at a time, then the JSON report.
            let t = Instant::now();
            let (report, _) =
                resettle::validate(&dir, &schemas, AS_OF).map_err(|e| e.to_string())?;
            let t_validate = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let file = std::fs::File::create(&out).map_err(|e| e.to_string())?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            report.write_json(&mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
            let t_json = t.elapsed().as_secs_f64();
            let line = format!(
                "phase=validate checks={t_validate:.3} json={t_json:.3} applicants={} ready={} findings={}",
                report.summary.applicants,
                report.summary.ready,
                report
                    .applicants
                    .iter()
                    .map(|a| a.findings.len())
                    .sum::<usize>()
            );
            // As the resettle binary does: the process ends, the OS frees the report.
            std::mem::forget(report);
            Ok(line)
        })(),
    };
    match result {
        Ok(line) => {
            println!(
                "{line} seconds={:.3} peak_rss_mib={:.0}",
                start.elapsed().as_secs_f64(),
                peak_rss_mib()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

// The same allocator as the `resettle` binary, so the figures are the tool's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
