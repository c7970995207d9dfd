//! `accord`: track linked international deals from the command line.
//!
//! Exit codes: 0 success; 1 the answer is "no" (`check` found errors); 2 bad usage or input.

mod bench_cmd;
mod check;
mod common;
mod gen_cmd;
mod ingest_cmd;
mod query;
mod review_cmd;
mod serve_cmd;
mod store_cmds;
mod user_cmd;

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
    /// The derived state of items (or all) as of a date: operative, status, risk.
    Status(query::StatusArgs),
    /// Explain an item's state down to the claims and their sources.
    Why(query::WhyArgs),
    /// Every change of an item's derived state over time, with the claims behind it.
    Timeline(query::TimelineArgs),
    /// Apply hypothetical claims and show what would change, and why.
    Whatif(query::WhatifArgs),
    /// Items whose status sources contest, with every side.
    Contested(query::ContestedArgs),
    /// Pledges exposed to items that are not operative or at risk, totals counted once.
    Exposure(query::ExposureArgs),
    /// Create a store (SQLite file, or PostgreSQL with --db postgres://…), optionally loaded with a bundled dataset.
    Init(store_cmds::InitArgs),
    /// Load a dataset directory, a file of definitions or claims, a JSON export, or the WTO RTA list into the store (all or nothing).
    Import(store_cmds::ImportArgs),
    /// Append a claim to the store, or retract one (claims are append-only).
    Claim(store_cmds::ClaimArgs),
    /// Write the store out as a dataset directory, canonical JSON, or CSV per table.
    Export(store_cmds::ExportArgs),
    /// Show, list the history of, or edit (against a version) a definition in the store.
    Def(store_cmds::DefArgs),
    /// Check a store's integrity and that the dataset in it is valid.
    Verify(store_cmds::VerifyArgs),
    /// Serve the HTTP API and the dashboard over a store.
    Serve(serve_cmd::ServeArgs),
    /// Add, list or change the users of a store (roles: viewer, editor, admin).
    User(user_cmd::UserArgs),
    /// Make or revoke API tokens (stored hashed, shown once).
    Token(user_cmd::TokenArgs),
    /// The review queue of proposed claims: list, show, accept, edit, reject, add.
    Review(review_cmd::ReviewArgs),
    /// Read an article, web page or feed and propose claims (speaker, cue, item, status, date, offsets) for review.
    Ingest(ingest_cmd::IngestArgs),
    /// Generate a deterministic synthetic world (a dataset directory or a store) for benchmarks.
    Gen(gen_cmd::GenArgs),
    /// Measure the workloads W1–W7 on a generated world, beside SQLite, DuckDB and PostgreSQL.
    Bench(bench_cmd::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Status(a) => query::status(a),
        Command::Why(a) => query::why(a),
        Command::Timeline(a) => query::timeline(a),
        Command::Whatif(a) => query::whatif(a),
        Command::Contested(a) => query::contested(a),
        Command::Exposure(a) => query::exposure(a),
        Command::Init(a) => store_cmds::init(a),
        Command::Import(a) => store_cmds::import(a),
        Command::Claim(a) => store_cmds::claim(a),
        Command::Export(a) => store_cmds::export(a),
        Command::Def(a) => store_cmds::def(a),
        Command::Verify(a) => store_cmds::verify(a),
        Command::Serve(a) => serve_cmd::serve(a),
        Command::User(a) => user_cmd::user(a),
        Command::Token(a) => user_cmd::token(a),
        Command::Review(a) => review_cmd::review(a),
        Command::Ingest(a) => ingest_cmd::run(a),
        Command::Gen(a) => gen_cmd::run(a),
        Command::Bench(a) => bench_cmd::run(a),
    }
}
