//! Diagnostics about dataset files: where (file, byte span), what, and what to do.

use std::ops::Range;

use serde::Serialize;

/// How bad a problem is. Errors make `accord check` fail; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diag {
    pub severity: Severity,
    /// A stable code: `D…` for dataset problems, `L…` for condition-language problems.
    pub code: &'static str,
    pub message: String,
    /// The file, relative to the dataset directory.
    pub file: String,
    /// Byte offsets into the file.
    pub span: Range<usize>,
    /// What the underline says.
    pub label: String,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &'static str, file: &str, span: Range<usize>, message: String) -> Self {
        Diag {
            severity: Severity::Error,
            code,
            message,
            file: file.to_string(),
            span,
            label: String::new(),
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Renders the diagnostic for a terminal (plain text, rustc-like), given the file's text.
    pub fn render(&self, source: &str) -> String {
        let d = accord_lang::Diagnostic {
            code: self.code,
            message: self.message.clone(),
            span: accord_lang::Span {
                start: self.span.start.min(source.len()),
                end: self.span.end.min(source.len()),
            },
            label: self.label.clone(),
            help: self.help.clone(),
        };
        let text = if source.is_empty() {
            // A file that does not exist (or is empty) has no line to show.
            let mut t = format!("error[{}]: {}\n --> {}:1:1\n", d.code, d.message, self.file);
            if let Some(h) = &d.help {
                t.push_str(&format!("  = help: {h}\n"));
            }
            t
        } else {
            accord_lang::render(&d, &self.file, source, 0)
        };
        match self.severity {
            Severity::Error => text,
            Severity::Warning => text.replacen("error[", "warning[", 1),
        }
    }

    /// The JSON form of `--error-format json`: the diagnostic plus 1-based line and column of
    /// both ends of the span.
    pub fn to_json(&self, source: &str) -> serde_json::Value {
        let (line, column) = accord_lang::line_col(source, self.span.start.min(source.len()));
        let (end_line, end_column) = accord_lang::line_col(source, self.span.end.min(source.len()));
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "span": { "start": self.span.start, "end": self.span.end },
            "label": self.label,
            "help": self.help,
        })
    }
}
