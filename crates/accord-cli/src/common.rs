//! What the commands share: choosing a dataset, printing errors, exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_model::Dataset;
use clap::Args;

/// Exit code for bad usage or bad input.
pub const USAGE: u8 = 2;

/// Which dataset a query runs on: a directory, a store, or the bundled example (default
/// `us-uk`).
///
/// Precedence: `--dataset DIR` > `--db PATH|URL` > the `ACCORD_DB` environment variable >
/// `--example NAME` (whose default, `us-uk`, is used when nothing else is given).
#[derive(Args, Debug, Clone)]
pub struct DatasetArgs {
    /// Run on a dataset directory instead of the bundled example.
    #[arg(long, value_name = "DIR", conflicts_with = "example")]
    pub dataset: Option<PathBuf>,
    /// Run on a store: a SQLite file made by `accord init`, or a PostgreSQL URL
    /// (`postgres://user@host/db`). `--dataset` takes precedence.
    #[arg(long, value_name = "PATH|URL", env = "ACCORD_DB")]
    pub db: Option<String>,
    /// Run on a bundled example dataset.
    #[arg(long, value_name = "NAME", default_value = "us-uk")]
    pub example: String,
}

/// Prints an error for people and returns the usage exit code.
pub fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(USAGE)
}

impl DatasetArgs {
    /// Loads the chosen dataset; a dataset with errors is refused with its diagnostics.
    pub fn load(&self) -> Result<Dataset, String> {
        if let (None, Some(db)) = (&self.dataset, &self.db) {
            let mut store = accord_store::open(db).map_err(|e| e.to_string())?;
            return accord_store::load_dataset(store.as_mut()).map_err(|e| e.to_string());
        }
        let loaded = match &self.dataset {
            Some(dir) => accord_dataset::load_dir(dir).map_err(|e| e.to_string())?,
            None => accord_dataset::load_bundled(&self.example).ok_or_else(|| {
                format!(
                    "there is no bundled dataset `{}`; the bundled datasets are: {}",
                    self.example,
                    accord_dataset::bundled_names().join(", ")
                )
            })?,
        };
        let name = match &self.dataset {
            Some(d) => d.display().to_string(),
            None => format!("--example {}", self.example),
        };
        loaded.into_result().map_err(|diags| {
            format!("the dataset {name} has errors; run `accord check` on it for details\n{diags}")
        })
    }
}
