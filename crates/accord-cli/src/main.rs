//! `accord`: track linked international deals from the command line.
//!
//! Exit codes: 0 success; 1 the answer is "no" (`check` found errors); 2 bad usage or input.

mod check;
mod common;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "Track linked international deals: what has been agreed, what is stalled, what depends on what, and who said so.",
    after_help = "Start with:  accord check datasets/us-uk   or   accord status --at 2025-12-17"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a dataset directory; exits 0 when valid, 1 when not.
    Check(check::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(a),
    }
}
