//! Fetching pages and feeds over HTTP(S), carefully.
//!
//! - Only `http` and `https`.
//! - **Address guard**: the host is resolved and refused when any address is loopback,
//!   private (RFC 1918, IPv6 unique-local), link-local, unspecified, broadcast, shared
//!   (100.64/10), documentation or multicast — unless [`FetchOptions::allow_private`]. The
//!   same check runs inside the HTTP client's resolver for every connection it makes, so a
//!   name that resolves differently the second time (DNS rebinding) is refused too.
//! - Redirects are followed by hand, at most [`FetchOptions::max_redirects`], each new
//!   address checked again.
//! - A size cap on the body ([`FetchOptions::max_bytes`]) and an overall timeout.

use std::io;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Allow loopback, private and link-local addresses (tests serve pages on 127.0.0.1).
    pub allow_private: bool,
    pub max_bytes: u64,
    pub timeout: Duration,
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            allow_private: false,
            max_bytes: 5 * 1024 * 1024,
            timeout: Duration::from_secs(20),
            max_redirects: 5,
        }
    }
}

/// A fetched body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The final address, after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("`{0}` is not a valid http(s) address")]
    BadUrl(String),
    #[error("`{0}`: only http and https addresses can be fetched")]
    Scheme(String),
    #[error(
        "refused to fetch `{url}`: `{host}` resolves to {addr}, a loopback, private or link-local address (pass --allow-private to allow it)"
    )]
    Refused {
        url: String,
        host: String,
        addr: IpAddr,
    },
    #[error("cannot resolve `{host}`: {message}")]
    Resolve { host: String, message: String },
    #[error(
        "`{url}` {} the limit of {limit} bytes (--max-bytes); {}. If it really is one article or feed, pass a larger --max-bytes",
        size.map_or_else(|| "sent more than".to_string(), |s| format!("is {s} bytes (its Content-Length), more than")),
        if size.is_some() { "it was not downloaded" } else { "the download was stopped there and nothing was read" }
    )]
    TooLarge {
        url: String,
        /// The size the server announced, when it did; `None` when the download was
        /// stopped at the limit.
        size: Option<u64>,
        limit: u64,
    },
    #[error("`{url}` answered with HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("`{url}` redirected more than {max} times")]
    TooManyRedirects { url: String, max: u32 },
    #[error("fetching `{url}` timed out")]
    Timeout { url: String },
    #[error("fetching `{url}` failed: {message}")]
    Other { url: String, message: String },
}

/// Whether an address may not be fetched without `allow_private`.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x0064 && s[1] == 0xff9b)
        }
    }
}

/// Host and port of an http(s) URL.
fn host_port(url: &str) -> Result<(String, u16, bool), FetchError> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(FetchError::Scheme(url.to_string()));
    }
    let uri: Uri = url
        .parse()
        .map_err(|_| FetchError::BadUrl(url.to_string()))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(FetchError::Scheme(url.to_string())),
    };
    let host = uri
        .host()
        .ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok((host, port, https))
}

/// Resolves the URL's host and refuses forbidden addresses (unless allowed).
pub fn check_url(url: &str, allow_private: bool) -> Result<(), FetchError> {
    let (host, port, _) = host_port(url)?;
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| FetchError::Resolve {
                host: host.clone(),
                message: e.to_string(),
            })?
            .map(|a| a.ip())
            .collect(),
    };
    if addrs.is_empty() {
        return Err(FetchError::Resolve {
            host,
            message: "no addresses".into(),
        });
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| is_forbidden(**a)) {
        return Err(FetchError::Refused {
            url: url.to_string(),
            host,
            addr: *bad,
        });
    }
    Ok(())
}

/// The client's resolver with the same guard, for every connection it opens.
#[derive(Debug)]
struct GuardResolver {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for GuardResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if !self.allow_private
            && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip()))
        {
            return Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("address {} is loopback, private or link-local", bad.ip()),
            )));
        }
        Ok(addrs)
    }
}

/// Joins a redirect target to the current URL.
fn join(base: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = &base[..scheme_end];
        return format!("{scheme}{rest}");
    }
    if location.starts_with('/') {
        return format!("{}{location}", &base[..path_start]);
    }
    let dir_end = base[path_start..]
        .rfind('/')
        .map(|i| i + path_start + 1)
        .unwrap_or(base.len());
    if dir_end <= path_start {
        return format!("{}/{location}", &base[..path_start]);
    }
    format!("{}{location}", &base[..dir_end])
}

/// Fetches a URL under the guard, the caps and the timeout.
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched, FetchError> {
    let config = Config::builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(opts.timeout))
        .proxy(None)
        .user_agent("accord-ingest/0.1 (+https://example.invalid/accord)")
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        GuardResolver {
            inner: DefaultResolver::default(),
            allow_private: opts.allow_private,
        },
    );
    let agent = Arc::new(agent);
    let mut current = url.to_string();
    for hop in 0..=opts.max_redirects {
        check_url(&current, opts.allow_private)?;
        let mut resp = agent
            .get(&current)
            .call()
            .map_err(|e| map_err(&current, e, opts))?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            let Some(loc) = resp.headers().get("location").and_then(|v| v.to_str().ok()) else {
                return Err(FetchError::Status {
                    url: current,
                    status,
                });
            };
            current = join(&current, loc);
            if hop == opts.max_redirects {
                break;
            }
            continue;
        }
        if status >= 400 {
            return Err(FetchError::Status {
                url: current,
                status,
            });
        }
        if let Some(len) = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            && len > opts.max_bytes
        {
            return Err(FetchError::TooLarge {
                url: current,
                size: Some(len),
                limit: opts.max_bytes,
            });
        }
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp
            .body_mut()
            .with_config()
            .limit(opts.max_bytes)
            .read_to_vec()
            .map_err(|e| map_err(&current, e, opts))?;
        return Ok(Fetched {
            url: current,
            content_type,
            body,
        });
    }
    Err(FetchError::TooManyRedirects {
        url: url.to_string(),
        max: opts.max_redirects,
    })
}

fn map_err(url: &str, e: ureq::Error, opts: &FetchOptions) -> FetchError {
    match e {
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
            url: url.to_string(),
            size: None,
            limit: opts.max_bytes,
        },
        ureq::Error::Timeout(_) => FetchError::Timeout {
            url: url.to_string(),
        },
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::PermissionDenied => FetchError::Other {
            url: url.to_string(),
            message: format!("refused: {io}"),
        },
        other => FetchError::Other {
            url: url.to_string(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_forbidden(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_forbidden(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn joins_redirects() {
        assert_eq!(join("http://a.b/x/y", "/z"), "http://a.b/z");
        assert_eq!(join("http://a.b/x/y", "z"), "http://a.b/x/z");
        assert_eq!(join("http://a.b", "z"), "http://a.b/z");
        assert_eq!(join("http://a.b/x", "https://c.d/e"), "https://c.d/e");
    }

    #[test]
    fn schemes_are_checked() {
        assert!(matches!(
            check_url("file:///etc/passwd", true),
            Err(FetchError::Scheme(_))
        ));
        assert!(matches!(
            check_url("http://127.0.0.1:1/", false),
            Err(FetchError::Refused { .. })
        ));
        assert!(check_url("http://127.0.0.1:1/", true).is_ok());
    }
}
