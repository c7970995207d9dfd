//! Where each character of a TOML string value was written, so that a diagnostic about a
//! condition (which sees only the decoded string) can underline the right characters of the
//! file even when the string has escapes, is multi-line, or starts with a trimmed newline.

/// For the TOML string token `raw` written at byte `base` of its file, and the `decoded`
/// string it stands for, the file offset of every byte of `decoded`, plus one entry for
/// the end (the closing quote). `None` when `raw` is not a string token or does not decode
/// to `decoded` (then callers fall back to an approximate position).
pub(crate) fn decoded_offsets(raw: &str, base: usize, decoded: &str) -> Option<Vec<usize>> {
    let (quote, escapes) = if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with("'''") {
        ("'''", false)
    } else if raw.starts_with('"') {
        ("\"", true)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else {
        return None;
    };
    if raw.len() < 2 * quote.len() || !raw.ends_with(quote) {
        return None;
    }
    let body_start = quote.len();
    let body_end = raw.len() - quote.len();
    let mut i = body_start;
    if quote.len() == 3 {
        // A newline right after the opening delimiter is trimmed.
        if raw[i..body_end].starts_with("\r\n") {
            i += 2;
        } else if raw[i..body_end].starts_with('\n') {
            i += 1;
        }
    }
    let mut text = String::new();
    let mut offsets = Vec::new();
    let mut push = |c: char, at: usize, text: &mut String| {
        for _ in 0..c.len_utf8() {
            offsets.push(base + at);
        }
        text.push(c);
    };
    while i < body_end {
        let rest = &raw[i..body_end];
        let c = rest.chars().next()?;
        if c != '\\' || !escapes {
            push(c, i, &mut text);
            i += c.len_utf8();
            continue;
        }
        let esc = rest[1..].chars().next()?;
        let simple = match esc {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(s) = simple {
            push(s, i, &mut text);
            i += 2;
            continue;
        }
        let hex_len = match esc {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if hex_len > 0 {
            let hex = rest.get(2..2 + hex_len)?;
            let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            push(ch, i, &mut text);
            i += 2 + hex_len;
            continue;
        }
        // A line-ending backslash (multi-line basic strings): skip it and all whitespace and
        // newlines after it.
        if quote.len() == 3 {
            let after = rest[1..].trim_start_matches([' ', '\t']);
            if after.starts_with('\n') || after.starts_with("\r\n") {
                let trimmed = rest[1..].trim_start_matches([' ', '\t', '\r', '\n']);
                i = body_end - trimmed.len();
                continue;
            }
        }
        return None;
    }
    offsets.push(base + body_end);
    (text == decoded).then_some(offsets)
}

#[cfg(test)]
mod tests {
    use super::decoded_offsets;

    /// The file text under each decoded byte, as a string, for checking by eye.
    fn under(file: &str, start: usize, decoded: &str) -> Vec<usize> {
        let end = file.len();
        decoded_offsets(&file[start..end], start, decoded).unwrap_or_default()
    }

    #[test]
    fn plain_and_literal_strings_map_one_to_one() {
        let f = "x = \"ab\"";
        assert_eq!(under(f, 4, "ab"), vec![5, 6, 7]);
        let f = "x = 'a\\b'";
        assert_eq!(under(f, 4, "a\\b"), vec![5, 6, 7, 8]);
    }

    #[test]
    fn escapes_map_to_where_they_start() {
        // "a\"b\u00e9c": a, ", b, é (two bytes), c
        let f = r#"x = "a\"b\u00e9c""#;
        assert_eq!(under(f, 4, "a\"b\u{e9}c"), vec![5, 6, 8, 9, 9, 15, 16]);
    }

    #[test]
    fn multi_line_strings_trim_the_first_newline_and_line_ending_backslashes() {
        let f = "x = \"\"\"\nab \\\n   cd\"\"\"";
        let o = under(f, 4, "ab cd");
        assert_eq!(o.len(), 6);
        assert_eq!(&f[o[0]..o[0] + 1], "a");
        assert_eq!(&f[o[3]..o[3] + 1], "c");
        let f = "x = '''\nab'''";
        assert_eq!(under(f, 4, "ab"), vec![8, 9, 10]);
    }

    #[test]
    fn a_mismatch_gives_none() {
        assert_eq!(decoded_offsets("\"ab\"", 0, "abc"), None);
        assert_eq!(decoded_offsets("12", 0, "12"), None);
    }
}
