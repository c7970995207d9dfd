//! Building HTML safely: everything that comes from data (titles, quotes, names, ids) goes
//! through [`esc`] (text) or [`attr`] (attribute values), and links to the outside only through
//! [`safe_url`] (http and https only). Pages are plain strings built with these helpers; there
//! is no other way to put data into a page.

use std::fmt::Write as _;

/// Escapes text for an HTML text node or a double-quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The same as [`esc`], named for attribute values.
pub fn attr(s: &str) -> String {
    esc(s)
}

/// Percent-encodes a query-string or path component.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A URL from data, if it is safe to link to (http or https); anything else (`javascript:`,
/// `data:`) is not linked.
pub fn safe_url(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| attr(u))
}

/// The dates (and revision) a page shows, carried by every link so that a link is a
/// permalink to a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    pub as_of: jiff::civil::Date,
    pub known_at: jiff::civil::Date,
    /// Pinned revision, when the page was opened with one.
    pub rev: Option<i64>,
}

impl Ctx {
    /// `as_of=…&known_at=…` (and `rev` when pinned).
    pub fn query(&self) -> String {
        let mut q = format!("as_of={}&known_at={}", self.as_of, self.known_at);
        if let Some(r) = self.rev {
            let _ = write!(q, "&rev={r}");
        }
        q
    }

    /// A link to a dashboard path with the dates.
    pub fn href(&self, path: &str) -> String {
        let sep = if path.contains('?') { "&amp;" } else { "?" };
        format!("{path}{sep}{}", self.query().replace('&', "&amp;"))
    }

    pub fn item(&self, id: &str) -> String {
        self.href(&format!("/item/{}", enc(id)))
    }
}

/// The navigation tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Graph,
    WhatIf,
    Review,
    Search,
    None,
}

/// What the page frame shows besides the content.
pub struct Frame<'a> {
    pub title: &'a str,
    pub tab: Tab,
    pub ctx: Option<Ctx>,
    /// The signed-in user and role.
    pub user: Option<(&'a str, &'a str)>,
    /// Proposals waiting for review.
    pub waiting: usize,
    /// The path of this page, for the date form.
    pub path: &'a str,
    /// Extra hidden fields for the date form (name, value).
    pub keep: Vec<(&'a str, String)>,
    /// The store revision the page shows.
    pub rev: i64,
    pub dataset: &'a str,
}

/// A whole page: the frame (header, navigation, date control) around `main`.
pub fn page(f: &Frame<'_>, main: &str) -> String {
    let mut s = String::with_capacity(main.len() + 4096);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"color-scheme\" content=\"light dark\">\
<title>{} · accord</title>\
<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\
<link rel=\"stylesheet\" href=\"/assets/app.css\">\
<script src=\"/assets/app.js\" defer></script></head><body>\
<a class=\"skip\" href=\"#main\">Skip to content</a>",
        esc(f.title)
    );
    s.push_str("<header class=\"top\"><div class=\"brand\">");
    let home = match f.ctx {
        Some(c) => c.href("/"),
        None => "/".into(),
    };
    let _ = write!(
        s,
        "<a href=\"{home}\" class=\"logo\"><svg viewBox=\"0 0 24 24\" width=\"22\" height=\"22\" aria-hidden=\"true\"><path d=\"M4 17 L12 4 L20 17 Z\" class=\"logo-mark\"/><circle cx=\"12\" cy=\"13\" r=\"2.4\" class=\"logo-dot\"/></svg>accord</a>"
    );
    if !f.dataset.is_empty() {
        let _ = write!(s, "<span class=\"dataset\">{}</span>", esc(f.dataset));
    }
    s.push_str("</div>");
    if let Some(c) = f.ctx {
        s.push_str("<nav aria-label=\"Main\"><ul>");
        let tabs = [
            (Tab::Overview, "/", "Overview".to_string()),
            (Tab::Graph, "/graph", "Graph".to_string()),
            (Tab::WhatIf, "/whatif", "What-if".to_string()),
            (
                Tab::Review,
                "/review",
                if f.waiting > 0 {
                    format!("Review <span class=\"count\">{}</span>", f.waiting)
                } else {
                    "Review".to_string()
                },
            ),
        ];
        for (t, path, label) in tabs {
            let cur = if t == f.tab {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(s, "<li><a href=\"{}\"{cur}>{label}</a></li>", c.href(path));
        }
        s.push_str("</ul></nav>");
        let _ = write!(
            s,
            "<form class=\"search\" role=\"search\" method=\"get\" action=\"/search\">\
<input type=\"hidden\" name=\"as_of\" value=\"{}\"><input type=\"hidden\" name=\"known_at\" value=\"{}\">\
<label class=\"sr\" for=\"q\">Search</label>\
<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search items, claims, sources  ( / )\" autocomplete=\"off\"></form>",
            c.as_of, c.known_at
        );
    }
    if let Some((name, role)) = f.user {
        let _ = write!(
            s,
            "<form class=\"who\" method=\"post\" action=\"/signout\"><span>{} <span class=\"role\">{}</span></span><button type=\"submit\" class=\"link\">Sign out</button></form>",
            esc(name),
            esc(role)
        );
    }
    s.push_str("</header>");
    if let Some(c) = f.ctx {
        let _ = write!(
            s,
            "<form class=\"when\" method=\"get\" action=\"{}\" aria-label=\"Dates\">",
            attr(f.path)
        );
        for (k, v) in &f.keep {
            let _ = write!(
                s,
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                attr(k),
                attr(v)
            );
        }
        let _ = write!(
            s,
            "<label>As of <input type=\"date\" name=\"as_of\" id=\"as_of\" value=\"{}\" required></label>\
<label>Known at <input type=\"date\" name=\"known_at\" id=\"known_at\" value=\"{}\" required></label>\
<button type=\"submit\">Show</button>",
            c.as_of, c.known_at
        );
        let mut perm = Ctx {
            rev: Some(c.rev.unwrap_or(f.rev)),
            ..c
        }
        .query();
        for (k, v) in &f.keep {
            let _ = write!(perm, "&{}={}", enc(k), enc(v));
        }
        let _ = write!(
            s,
            "<span class=\"hint\">{}</span><a class=\"permalink\" href=\"{}?{}\" title=\"A link to exactly this state, even after new claims arrive\">Permalink</a></form>",
            if c.as_of == c.known_at {
                format!("The state on {} as known that day", c.as_of)
            } else {
                format!("The state on {} as known on {}", c.as_of, c.known_at)
            },
            attr(f.path),
            attr(&perm)
        );
        if let Some(r) = c.rev {
            let _ = write!(
                s,
                "<p class=\"pinned\" role=\"status\">Pinned to store revision {r}: claims recorded after it are left out. <a href=\"{}?as_of={}&amp;known_at={}\">Show the latest</a></p>",
                attr(f.path),
                c.as_of,
                c.known_at
            );
        }
    }
    let _ = write!(s, "<main id=\"main\" tabindex=\"-1\">{main}</main>");
    s.push_str("<footer><p>accord — every state with its reasons, down to the claims and their sources. <a href=\"/openapi.json\">API</a></p></footer></body></html>");
    s
}

/// A badge for the operative state.
pub fn op_badge(t: accord_lang::Truth) -> String {
    let (class, text) = match t {
        accord_lang::Truth::True => ("ok", "operative"),
        accord_lang::Truth::False => ("bad", "not operative"),
        accord_lang::Truth::Unknown => ("unknown", "indeterminate"),
    };
    format!("<span class=\"badge {class}\">{text}</span>")
}

/// A badge for the reported status.
pub fn reported_badge(r: &accord_engine::Reported) -> String {
    match r {
        accord_engine::Reported::None => "<span class=\"badge none\">no status</span>".into(),
        accord_engine::Reported::Status { status } => {
            let class = match status.tone() {
                accord_model::Tone::Positive => "ok",
                accord_model::Tone::Negative => "bad",
                _ => "neutral",
            };
            format!(
                "<span class=\"badge {class}\">{}</span>",
                esc(&status.name().replace('_', " "))
            )
        }
        accord_engine::Reported::Contested { sides } => {
            let names: Vec<String> = sides
                .iter()
                .map(|s| esc(&s.name().replace('_', " ")))
                .collect();
            format!(
                "<span class=\"badge contested\" title=\"Sources disagree\">contested: {}</span>",
                names.join(" / ")
            )
        }
    }
}
