//! The library's error type and its mapping to exit codes.

use thiserror::Error;

/// Everything that can go wrong in critcert, by what the user should do about it.
#[derive(Debug, Error)]
pub enum Error {
    /// Bad input or usage (a malformed file, wrong shapes, an unknown name): exit code 2.
    #[error("{0}")]
    Input(String),
    /// The input is fine but the claim could not be certified, with the reason: exit code 1.
    #[error("not certified: {0}")]
    NotCertified(String),
    /// A certificate was read and rejected by the checker, naming the claim: exit code 1.
    #[error("rejected: {0}")]
    Rejected(String),
}

impl Error {
    /// The process exit code for this error (2 bad input, 1 not certified or rejected).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::NotCertified(_) | Error::Rejected(_) => 1,
        }
    }
}

impl From<crate::cert::Error> for Error {
    fn from(e: crate::cert::Error) -> Error {
        match e {
            crate::cert::Error::Input(m) => Error::Input(m),
            crate::cert::Error::Rejected(r) => Error::Rejected(r.to_string()),
        }
    }
}

/// `s` made safe to print on one line of a terminal: line breaks and tabs become spaces (runs of
/// them one space), and every other control character — ESC, BEL, carriage return, DEL, the C1
/// controls, bidirectional overrides — is escaped the way [`char::escape_debug`] spells it
/// (`\u{1b}`), so that no input echoed in a message can move the cursor, recolour or clear the
/// terminal, or split the message into several lines.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars() {
        if matches!(
            c,
            '\n' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        ) {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        if is_unsafe(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` with its control characters escaped as in [`one_line`] (line breaks included), for text
/// from the input that is printed inside a normal message (a file name, a formula).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) || matches!(c, '\n' | '\t' | '\u{0b}' | '\u{0c}') {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// `s`, or its first `max` characters and `…` with the full length when it is longer: for input
/// echoed in a message, so that a message stays short whatever the input.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… ({} characters)", &s[..i], s.chars().count()),
    }
}

/// Control characters and the invisible formatting characters that can reorder or hide text
/// on a terminal (bidirectional overrides and isolates, zero-width characters).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Shorthand for results in critcert.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_flattens_and_escapes() {
        assert_eq!(one_line("a\nb\r\n\tc"), "a b\\r c");
        assert_eq!(one_line("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(one_line("‖θ‖ ≤ ρ"), "‖θ‖ ≤ ρ");
        assert_eq!(one_line("x\u{202e}y\u{7}"), "x\\u{202e}y\\u{7}");
        assert_eq!(escape("a\nb"), "a\\nb");
    }
}
