//! `resettle-bench`: generates synthetic batches and times the phases of validation and
//! rendering, one phase per process so that each reports its own peak memory.
//! `bench/validate.sh` and `bench/render.sh` drive it and print the tables recorded in
//! BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use resettle::columns::FileKind;

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

/// The `/data.json` of `form` for the first `n` applicants of `dir`.
fn form_data(
    dir: &std::path::Path,
    n: usize,
    form: &str,
) -> Result<Vec<serde_json::Value>, String> {
    let schemas = resettle::schema::Schemas::embedded().map_err(|e| e.to_string())?;
    let as_of = jiff::civil::date(2026, 11, 24);
    let batch = resettle::ingest::load(dir, &schemas).map_err(|e| e.to_string())?;
    let outcomes = resettle::rules::evaluate(&batch, &schemas, as_of).map_err(|e| e.to_string())?;
    let cx = resettle::render::forms::Context {
        schemas: &schemas,
        as_of,
        org: "resettle-bench",
    };
    let file = format!("{form}.pdf");
    let data: Vec<serde_json::Value> = batch
        .applicants
        .iter()
        .zip(&outcomes)
        .take(n)
        .filter_map(|(a, o)| {
            resettle::render::forms::documents(a, o, &cx)
                .into_iter()
                .find(|d| d.file == file)
                .map(|d| d.data)
        })
        .collect();
    if data.len() < n {
        return Err(format!(
            "{} has only {} applicants with a {file}: generate a bigger batch",
            dir.display(),
            data.len()
        ));
    }
    Ok(data)
}

fn render(args: &RenderArgs) -> Result<String, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (n, threads) = (args.documents, args.threads);
    let data = form_data(&args.dir, n, &args.form)?;
    let out = resettle::outdir::OutDir::create(&args.out).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let templates =
        resettle::render::Templates::load(args.templates.as_deref()).map_err(|e| e.to_string())?;
    let engine = resettle::render::Engine::new(&templates, jiff::civil::date(2026, 11, 24))
        .map_err(|e| e.to_string())?;
    // As `resettle run` does for each document: the data made printable, serialized,
    // rendered (or only laid out), written atomically.
    let job = |i: usize| {
        let mut d = data[i].clone();
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
                .is_ok_and(|pdf| out.write(&format!("{i}.pdf"), &pdf).is_ok())
        };
        if !ok {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    });
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
        Command::Validate { dir, out } => (|| {
            let schemas = resettle::schema::Schemas::embedded().map_err(|e| e.to_string())?;
            let as_of = jiff::civil::date(2026, 11, 24);
            let t = Instant::now();
            let batch = resettle::ingest::load(&dir, &schemas).map_err(|e| e.to_string())?;
            let t_ingest = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let outcomes =
                resettle::rules::evaluate(&batch, &schemas, as_of).map_err(|e| e.to_string())?;
            let t_rules = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let report = resettle::report::Report::build(batch, outcomes, as_of);
            let t_build = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let file = std::fs::File::create(&out).map_err(|e| e.to_string())?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            report.write_json(&mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
            let t_json = t.elapsed().as_secs_f64();
            let line = format!(
                "phase=validate ingest={t_ingest:.3} rules={t_rules:.3} build={t_build:.3} json={t_json:.3} applicants={} ready={} findings={}",
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
