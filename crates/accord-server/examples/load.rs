//! A bounded load test on loopback: starts the server in this process over a fresh SQLite
//! store with the bundled dataset, then for each endpoint runs `CLIENTS` keep-alive
//! connections for `SECONDS` seconds and prints requests per second and latency percentiles.
//!
//! ```sh
//! cargo run --release -p accord-server --example load            # 4 clients, 10 s each
//! ACCORD_LOAD_CLIENTS=8 ACCORD_LOAD_SECONDS=5 cargo run --release -p accord-server --example load
//! ```
//!
//! Traffic goes only to 127.0.0.1, and every loop stops by itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring program: a failure ends it with the message"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One keep-alive connection: sends GETs and reads whole responses (Content-Length or chunked).
struct Conn {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Conn {
    fn open(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).unwrap();
        s.set_nodelay(true).unwrap();
        Conn {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        }
    }

    fn get(&mut self, path: &str, token: &str) -> u16 {
        write!(
            self.w,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
        .unwrap();
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let status: u16 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut len = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.r.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse::<usize>().ok();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        if chunked {
            loop {
                line.clear();
                self.r.read_line(&mut line).unwrap();
                let n = usize::from_str_radix(line.trim(), 16).unwrap();
                let mut buf = vec![0u8; n + 2];
                self.r.read_exact(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
            }
        } else if let Some(n) = len {
            let mut buf = vec![0u8; n];
            self.r.read_exact(&mut buf).unwrap();
        }
        status
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let clients = env_num("ACCORD_LOAD_CLIENTS", 4) as usize;
    let seconds = env_num("ACCORD_LOAD_SECONDS", 10);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db").to_str().unwrap().to_string();
    {
        let mut s = accord_store::create(&db).unwrap();
        accord_store::import_files(
            s.as_mut(),
            accord_dataset::bundled_files("us-uk").unwrap(),
            "(bundled)",
        )
        .unwrap();
        s.add_user("load", accord_store::Role::Viewer, None)
            .unwrap();
    }
    let token = {
        let mut s = accord_store::open(&db).unwrap();
        accord_server::auth::create_api_token(s.as_mut(), "load", None).unwrap()
    };
    let (tx, rx) = mpsc::channel();
    let config = accord_server::Config::new("127.0.0.1:0".parse().unwrap(), db.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(accord_server::serve(config, |addr, _, _| {
            tx.send(addr).unwrap();
        }))
        .unwrap();
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    println!(
        "accord-server load test: {clients} keep-alive clients, {seconds} s per endpoint, {} CPUs, bundled us-uk dataset, SQLite",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let endpoints = [
        (
            "status (all 55 items)",
            "/api/status?as_of=2025-12-17&known_at=2025-12-17",
        ),
        (
            "status (one item)",
            "/api/status?id=tpd&as_of=2025-12-17&known_at=2025-12-17",
        ),
        (
            "why tpd",
            "/api/why/tpd?as_of=2025-12-17&known_at=2025-12-17",
        ),
    ];
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    for (name, path) in endpoints {
        // Warm up (derives and caches the snapshot).
        Conn::open(addr).get(path, &token);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let start = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let token = token.clone();
                std::thread::spawn(move || {
                    let mut c = Conn::open(addr);
                    let mut lat = Vec::new();
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let status = c.get(path, &token);
                        lat.push(t.elapsed());
                        assert_eq!(status, 200, "{path}");
                    }
                    lat
                })
            })
            .collect();
        let mut all: Vec<Duration> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        let elapsed = start.elapsed().as_secs_f64();
        all.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<24} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>9.2}",
            name,
            all.len(),
            all.len() as f64 / elapsed,
            ms(percentile(&all, 0.50)),
            ms(percentile(&all, 0.99)),
            ms(all.last().copied().unwrap_or_default())
        );
    }
}
