//! The `resettle` binary: parses the command line and hands it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    resettle::cli::main(resettle::cli::Cli::parse())
}

// Ingest allocates many small strings across threads; mimalloc makes a full validation
// about a third faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
