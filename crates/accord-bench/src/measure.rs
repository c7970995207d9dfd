//! Measuring: latency distributions, CPU time and resident memory (read from `/proc`, so no
//! unsafe code is needed).

use std::time::{Duration, Instant};

use serde::Serialize;

/// A latency distribution, in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dist {
    pub n: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

impl Dist {
    pub fn of(samples: &[Duration]) -> Dist {
        if samples.is_empty() {
            return Dist::default();
        }
        let mut v: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let i = ((v.len() as f64 - 1.0) * p).round() as usize;
            v[i.min(v.len() - 1)]
        };
        Dist {
            n: v.len(),
            p50_us: q(0.5),
            p99_us: q(0.99),
            p999_us: q(0.999),
            max_us: v[v.len() - 1],
            mean_us: v.iter().sum::<f64>() / v.len() as f64,
        }
    }

    pub fn median_ms(&self) -> f64 {
        self.p50_us / 1000.0
    }
}

/// The median of some durations, in milliseconds.
pub fn median_ms(samples: &[Duration]) -> f64 {
    Dist::of(samples).median_ms()
}

/// CPU time this thread has used (from `/proc/thread-self/schedstat`, nanoseconds), or the
/// whole process's (from `/proc/self/stat`, at clock-tick resolution) where that is missing.
pub fn cpu_time() -> Duration {
    if let Ok(s) = std::fs::read_to_string("/proc/thread-self/schedstat")
        && let Some(ns) = s
            .split_whitespace()
            .next()
            .and_then(|x| x.parse::<u64>().ok())
    {
        return Duration::from_nanos(ns);
    }
    process_cpu_time()
}

/// CPU time of the whole process, user + system (clock ticks of 1/100 s).
pub fn process_cpu_time() -> Duration {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The command name may hold spaces; fields after the closing parenthesis are fixed.
    let Some(rest) = s.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    // After ")": state(0) ppid(1) … utime(11) stime(12).
    Duration::from_millis((tick(11) + tick(12)) * 10)
}

fn status_kib(key: &str) -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    s.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|x| x.parse().ok())
        .unwrap_or(0)
}

/// Resident memory now, in bytes.
pub fn rss() -> u64 {
    status_kib("VmRSS:") * 1024
}

/// Peak resident memory so far, in bytes.
pub fn peak_rss() -> u64 {
    status_kib("VmHWM:") * 1024
}

/// Wall and CPU time of one piece of work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timed {
    pub wall_ms: f64,
    pub cpu_ms: f64,
}

/// Runs `f`, returning its value with its wall and (this thread's) CPU time.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Timed) {
    let c0 = cpu_time();
    let t0 = Instant::now();
    let v = f();
    let wall = t0.elapsed();
    let cpu = cpu_time().saturating_sub(c0);
    (
        v,
        Timed {
            wall_ms: wall.as_secs_f64() * 1e3,
            cpu_ms: cpu.as_secs_f64() * 1e3,
        },
    )
}

/// The machine in one line: cores, memory, and the load average now.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = status_total_kib() as f64 / (1024.0 * 1024.0);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("{cores} cores, {mem:.0} GiB; load average {load}")
}

fn status_total_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|r| r.split_whitespace().next())
                .and_then(|x| x.parse().ok())
        })
        .unwrap_or(0)
}

/// Formats bytes for people (KiB, MiB, GiB).
pub fn human_bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// Formats microseconds for people, picking the unit.
pub fn human_us(us: f64) -> String {
    if us >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if us >= 1e3 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{us:.1} µs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_sample() {
        let v: Vec<Duration> = (1..=1000).map(Duration::from_micros).collect();
        let d = Dist::of(&v);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert_eq!(d.n, 1000);
        assert!(close(d.p50_us, 501.0), "{d:?}");
        assert!(close(d.p99_us, 990.0), "{d:?}");
        assert!(close(d.max_us, 1000.0), "{d:?}");
        assert_eq!(Dist::of(&[]), Dist::default());
    }

    #[test]
    fn proc_readings_are_plausible() {
        assert!(rss() > 0);
        assert!(peak_rss() >= rss() / 2);
        let (_, t) = timed(|| (0..2_000_000u64).map(|x| x ^ (x >> 3)).sum::<u64>());
        assert!(t.wall_ms >= 0.0 && t.cpu_ms >= 0.0);
    }
}
