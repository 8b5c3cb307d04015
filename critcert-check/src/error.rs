//! The checker's error type: an input that is not a certificate, or a rejection that names the
//! claim (or the field) that fails, as data.

use thiserror::Error;

/// Why a certificate was rejected: the claim id when a claim's check failed (`None` when the
/// certificate is malformed before any claim is checked: a field, a version, a kind), and the
/// reason in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The failing claim's id, e.g. `local-minimum-box`.
    pub claim: Option<String>,
    /// What fails, with the decisive numbers.
    pub reason: String,
    /// Where the certificate came from (a file name), when known.
    pub source: Option<String>,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}: ")?;
        }
        match &self.claim {
            Some(id) => write!(f, "claim '{id}' fails: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// Everything the checker can answer other than "accepted".
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Error {
    /// The text is not a certificate at all (unreadable, not JSON): exit code 2.
    #[error("{0}")]
    Input(String),
    /// The certificate was read and is rejected: exit code 1.
    #[error("rejected: {0}")]
    Rejected(Rejection),
}

/// The longest reason kept whole; a longer one (a huge number in it) is abbreviated.
const MAX_REASON: usize = 2000;

/// `s` itself when short, else its start and end around a count of what was left out, so that
/// no message is megabytes long.
pub fn abbreviate(s: &str) -> String {
    if s.len() <= MAX_REASON {
        return s.to_string();
    }
    let cut = |i: usize| (0..=i).rev().find(|&k| s.is_char_boundary(k)).unwrap_or(0);
    let head = cut(MAX_REASON / 2);
    let tail = cut(s.len() - MAX_REASON / 4);
    format!(
        "{} … ({} characters left out) … {}",
        &s[..head],
        tail - head,
        &s[tail..]
    )
}

impl Error {
    /// A rejection of the certificate's form (a field, the version, the kind), before or
    /// outside any one claim.
    pub fn rejected(reason: String) -> Error {
        Error::Rejected(Rejection {
            claim: None,
            reason: abbreviate(&reason),
            source: None,
        })
    }

    /// A rejection of the claim `id`.
    pub fn claim(id: &str, reason: impl std::fmt::Display) -> Error {
        Error::Rejected(Rejection {
            claim: Some(id.to_string()),
            reason: abbreviate(&reason.to_string()),
            source: None,
        })
    }

    /// The failing claim's id, if a claim failed.
    pub fn claim_id(&self) -> Option<&str> {
        match self {
            Error::Rejected(r) => r.claim.as_deref(),
            Error::Input(_) => None,
        }
    }

    /// The process exit code: 2 not a certificate, 1 rejected.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Rejected(_) => 1,
        }
    }

    /// The same error with `context` (e.g. the file name) before its message.
    pub fn context(self, context: &str) -> Error {
        match self {
            Error::Input(m) => Error::Input(format!("{context}: {m}")),
            Error::Rejected(r) => Error::Rejected(Rejection {
                source: Some(context.to_string()),
                ..r
            }),
        }
    }
}

/// Shorthand for the checker's results.
pub type Result<T> = std::result::Result<T, Error>;
