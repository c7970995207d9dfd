//! `accord check DIR`: validate a dataset and report every problem.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::common::fail;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ErrorFormat {
    Human,
    Json,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The dataset directory (holding accord.toml). Without it, checks the bundled example.
    pub dir: Option<PathBuf>,
    /// Check a bundled example dataset instead of a directory.
    #[arg(long, value_name = "NAME", conflicts_with = "dir")]
    pub example: Option<String>,
    /// How to print diagnostics: for people, or as JSON for programs.
    #[arg(long, value_enum, default_value = "human")]
    pub error_format: ErrorFormat,
}

pub fn run(a: CheckArgs) -> ExitCode {
    let (loaded, name) = match (&a.dir, &a.example) {
        (Some(dir), _) => match accord_dataset::load_dir(dir) {
            Ok(l) => (l, dir.display().to_string()),
            Err(e) => return fail(e),
        },
        (None, ex) => {
            let ex = ex.clone().unwrap_or_else(|| "us-uk".to_string());
            match accord_dataset::load_bundled(&ex) {
                Some(l) => (l, format!("bundled dataset `{ex}`")),
                None => {
                    return fail(format!(
                        "there is no bundled dataset `{ex}`; the bundled datasets are: {}",
                        accord_dataset::bundled_names().join(", ")
                    ));
                }
            }
        }
    };
    let s = loaded.summary();
    let ok = !loaded.has_errors();
    match a.error_format {
        ErrorFormat::Json => {
            let out = serde_json::json!({
                "dataset": name,
                "valid": ok,
                "errors": loaded.error_count(),
                "warnings": loaded.warning_count(),
                "summary": s,
                "diagnostics": loaded.diagnostics_json(),
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        ErrorFormat::Human => {
            eprint!("{}", loaded.render_diagnostics());
            let verdict = if ok { "ok" } else { "invalid" };
            println!(
                "{name}: {verdict}: {} error(s), {} warning(s)",
                loaded.error_count(),
                loaded.warning_count()
            );
            println!(
                "  {} files; {} parties, {} sources, {} instruments ({} sections, {} commitments), {} tracks, {} packages, {} links, {} pledges, {} claims, {} conditions",
                s.files,
                s.parties,
                s.sources,
                s.instruments,
                s.sections,
                s.commitments,
                s.tracks,
                s.packages,
                s.links,
                s.pledges,
                s.claims,
                s.conditions
            );
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
