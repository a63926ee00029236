//! The `mirrorcue` binary: a thin shell over the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mirrorcue::cli::Cli::parse();
    ExitCode::from(mirrorcue::cli::run(cli))
}
