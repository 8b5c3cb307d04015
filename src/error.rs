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

/// Shorthand for results in critcert.
pub type Result<T> = std::result::Result<T, Error>;
