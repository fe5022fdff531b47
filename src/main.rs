//! The `resettle` binary: parses the command line and hands it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    resettle::cli::main(resettle::cli::Cli::parse())
}
