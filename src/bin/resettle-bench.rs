//! `resettle-bench`: generates synthetic batches and times the phases of validation, one
//! phase per process so that each reports its own peak memory. `bench/validate.sh` drives
//! it and prints the table recorded in BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use resettle::columns::FileKind;

#[derive(Parser)]
#[command(
    name = "resettle-bench",
    about = "Benchmarks for resettle's validation"
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
