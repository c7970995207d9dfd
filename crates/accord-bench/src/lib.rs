//! accord's world-scale benchmark harness (issue #5): the workloads W1–W7 on worlds made by
//! `accord-gen`, and the same questions asked of SQLite, DuckDB and PostgreSQL as recursive
//! SQL, each peer's answer hashed and compared with accord's. `accord bench` runs it;
//! `docs/performance.md` describes every workload and holds the measured figures.

pub mod harness;
pub mod measure;
pub mod peers;
pub mod report;
pub mod tables;

pub use harness::{Options, Report, run};
pub use report::render;
