//! `accord serve`: the HTTP API and the dashboard (`crates/accord-server`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use crate::common::fail;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// The store: a SQLite file made by `accord init`, or a PostgreSQL URL.
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "ACCORD_DB",
        default_value = "accord.db"
    )]
    pub db: String,
    /// Create the store with this bundled dataset (`us-uk`) when it does not exist yet.
    #[arg(long, value_name = "NAME")]
    pub example: Option<String>,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Largest request body accepted, in KiB (larger ones get 413).
    #[arg(long, default_value_t = 64)]
    pub body_limit_kib: usize,
}

fn store_exists(db: &str) -> bool {
    if accord_store::is_postgres_url(db) {
        !matches!(
            accord_store::open(db),
            Err(accord_store::StoreError::NotFound(_))
        )
    } else {
        std::path::Path::new(db).exists()
    }
}

pub fn serve(a: ServeArgs) -> ExitCode {
    if let Some(name) = &a.example
        && !store_exists(&a.db)
    {
        let Some(files) = accord_dataset::bundled_files(name) else {
            return fail(format!(
                "there is no bundled dataset `{name}`; the bundled datasets are: {}",
                accord_dataset::bundled_names().join(", ")
            ));
        };
        let made = accord_store::create(&a.db).and_then(|mut s| {
            accord_store::import_files(s.as_mut(), files, &format!("(bundled {name})"))
                .map(|_| ())
                .map_err(|e| accord_store::StoreError::Db(e.to_string()))
        });
        if let Err(e) = made {
            return fail(e);
        }
        println!(
            "created the store `{}` with the bundled dataset `{name}`",
            accord_store::redact(&a.db)
        );
    }
    let mut config = accord_server::Config::new(a.addr, a.db.clone());
    config.timeout = Duration::from_secs(a.timeout.max(1));
    config.body_limit = a.body_limit_kib.max(1) * 1024;
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("could not start the server's runtime: {e}")),
    };
    let r = rt.block_on(accord_server::serve(config, |addr, app, message| {
        let url = format!("http://{addr}");
        let dataset = app
            .live
            .lock()
            .map(|l| l.name().to_string())
            .unwrap_or_default();
        println!(
            "accord serve: listening on {url} (store `{}`, dataset `{dataset}`)",
            accord_store::redact(&app.config.db)
        );
        match message {
            Ok(m) => println!("{m}"),
            Err(e) => eprintln!("warning: could not check the users: {e}"),
        }
        println!(
            "Dashboard: {url}/   API: {url}/api/…   OpenAPI: {url}/openapi.json   Stop with Ctrl-C."
        );
    }));
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
