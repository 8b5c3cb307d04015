//! Certificates and their checker, the trusted kernel.
//!
//! A certificate is a JSON document
//! `{"critcert": VERSION, "kind": KIND, "problem": …, "witness": …, "claims": […]}`.
//! The checker re-derives every claim from problem + witness with exact rationals (and, for
//! kinds that need them, MPFR intervals) only. It never calls the e-graph, the searches or
//! floating point, and it does not import `crate::theorems`. Unknown kinds, fields and claims are
//! rejected. Every kind lives in its own module, holding its schema (shared with the producer,
//! so the two cannot drift apart) and its `check` function.

pub mod activation;
pub mod deep_linear;
pub mod formula;
pub mod interval;
pub mod kernel;
pub mod relu_like;
pub mod smooth;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The certificate format version written and accepted by this build.
pub const VERSION: u32 = 1;

/// One claim of a certificate: a stable id and its statement in words. The checker re-derives
/// the claim from the id and requires the statement to be the canonical one for that id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Stable identifier, e.g. `normal-equations`.
    pub id: String,
    /// What is claimed, in words.
    pub statement: String,
}

/// A certificate of some kind: the envelope around a kind's problem and witness.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate<P, W> {
    /// Format version ([`VERSION`]).
    pub critcert: u32,
    /// The certificate kind, e.g. `relu-like-spurious-minimum`.
    pub kind: String,
    /// The problem, restated exactly.
    pub problem: P,
    /// The witness: the points and numbers the claims are about.
    pub witness: W,
    /// The claims, in the canonical order of the kind.
    pub claims: Vec<Claim>,
}

/// What the checker verified for one claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifiedClaim {
    /// The claim id.
    pub id: String,
    /// The claim statement.
    pub statement: String,
    /// What was recomputed, with the decisive numbers.
    pub evidence: String,
}

/// The checker's report on an accepted certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The certificate kind.
    pub kind: String,
    /// Every claim, verified, in order.
    pub claims: Vec<VerifiedClaim>,
}

/// Serialises a certificate deterministically: pretty JSON, fields in schema order, trailing
/// newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("certificates serialise");
    s.push('\n');
    s
}

/// Checks certificate text. `Err(Error::Rejected)` names the first claim (or field) that fails;
/// `Err(Error::Input)` means the text is not a certificate at all.
pub fn check_str(text: &str) -> Result<CheckReport> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::Input(format!("not valid JSON: {e}")))?;
    let obj = value.as_object().ok_or_else(|| {
        Error::Input("not a certificate: the top level is not a JSON object".into())
    })?;
    let version = obj.get("critcert").and_then(|v| v.as_u64());
    if version != Some(VERSION as u64) {
        return Err(Error::Rejected(format!(
            "unsupported certificate version {} (this checker reads version {VERSION})",
            obj.get("critcert")
                .map_or("(missing)".to_string(), |v| v.to_string())
        )));
    }
    let kind = obj
        .get("kind")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Rejected("missing field 'kind'".into()))?
        .to_string();
    match kind.as_str() {
        relu_like::KIND => relu_like::check(value),
        smooth::KIND => smooth::check(value),
        deep_linear::KIND => deep_linear::check(value),
        other => Err(Error::Rejected(format!(
            "unknown certificate kind '{other}'"
        ))),
    }
}

/// Checks a certificate file; errors name the file.
pub fn check_file(path: &std::path::Path) -> Result<CheckReport> {
    let text = crate::io::read_text(path)?;
    check_str(&text).map_err(|e| match e {
        Error::Input(m) => Error::Input(format!("{}: {m}", path.display())),
        Error::Rejected(m) => Error::Rejected(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Deserialises a certificate of a known kind, with every unknown field rejected.
pub fn parse_typed<P: for<'de> Deserialize<'de>, W: for<'de> Deserialize<'de>>(
    value: serde_json::Value,
) -> Result<Certificate<P, W>> {
    serde_json::from_value(value)
        .map_err(|e| Error::Rejected(format!("malformed certificate: {e}")))
}

/// Requires the certificate's claims to be exactly `expected` (ids and canonical statements, in
/// order), so that no claim goes unchecked and no statement says more than was checked.
pub fn require_claims(actual: &[Claim], expected: &[Claim]) -> Result<()> {
    for (i, e) in expected.iter().enumerate() {
        match actual.get(i) {
            None => return Err(Error::Rejected(format!("claim '{}' is missing", e.id))),
            Some(a) if a.id != e.id => {
                return Err(Error::Rejected(format!(
                    "claim {} is '{}', expected '{}'",
                    i + 1,
                    a.id,
                    e.id
                )))
            }
            Some(a) if a.statement != e.statement => {
                return Err(Error::Rejected(format!(
                    "claim '{}': the statement is not the one this checker verifies (expected: {})",
                    a.id, e.statement
                )))
            }
            _ => {}
        }
    }
    if let Some(extra) = actual.get(expected.len()) {
        return Err(Error::Rejected(format!("unknown claim '{}'", extra.id)));
    }
    Ok(())
}
