//! Certificates and their checker, the trusted kernel.
//!
//! A certificate is a JSON document
//! `{"critcert": VERSION, "kind": KIND, "problem": …, "witness": …, "claims": […]}`.
//! The checker re-derives every claim from problem + witness with exact rationals (and, for
//! kinds that need them, MPFR intervals) only. It never calls the e-graph, the searches or
//! floating point, and it does not import `crate::theorems`. Unknown kinds, fields and claims are
//! rejected. Every kind lives in its own module, named after its theorem like its producer in
//! `src/theorems/` (`thm1`, `thm2`, `thm4`), holding its schema (shared with the producer, so
//! the two cannot drift apart) and its `check` function.

#![warn(missing_docs)]

pub mod activation;
pub mod data;
pub mod error;
pub mod f64i;
pub mod formula;
pub mod interval;
pub mod kernel;
pub mod krawczyk;
pub mod loss;
pub mod midrad;
pub mod point;
pub mod thm1;
pub mod thm2;
pub mod thm4;
pub mod value;

pub use error::{Error, Rejection, Result};
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
    check_str_with(text, None)
}

/// [`check_str`], given the data file of a Theorem 1 certificate that names its data by
/// SHA-256 (`problem.data.csv` without `text`). A file given for any other certificate is an
/// `Err(Error::Input)`.
pub fn check_str_with(text: &str, data: Option<thm1::DataFile>) -> Result<CheckReport> {
    let value = parse_strict(text)?;
    let obj = value.as_object().ok_or_else(|| {
        Error::Input("not a certificate: the top level is not a JSON object".into())
    })?;
    let version = obj.get("critcert").and_then(|v| v.as_u64());
    if version != Some(VERSION as u64) {
        return Err(Error::rejected(format!(
            "unsupported certificate version {} (this checker reads version {VERSION})",
            obj.get("critcert")
                .map_or("(missing)".to_string(), |v| v.to_string())
        )));
    }
    let kind = obj
        .get("kind")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::rejected("missing field 'kind'".into()))?
        .to_string();
    match kind.as_str() {
        thm1::KIND => thm1::check_with(value, data),
        _ if data.is_some() => Err(Error::Input(format!(
            "--data: a certificate of kind '{kind}' names no data file"
        ))),
        thm2::KIND => thm2::check(value),
        thm4::KIND => thm4::check(value),
        point::KIND => point::check(value),
        other => Err(Error::rejected(format!(
            "unknown certificate kind '{other}'"
        ))),
    }
}

/// Parses certificate text as JSON, strictly: a key twice in one object (which ordinary JSON
/// readers resolve silently, the last one winning) or a `null` anywhere is rejected, so that a
/// certificate has exactly one reading. Nesting is limited to 128 levels (serde_json's limit).
pub fn parse_strict(text: &str) -> Result<serde_json::Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict::deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v.0))
        .map_err(|e| {
            let m = e.to_string();
            if e.is_data() {
                Error::rejected(m)
            } else {
                Error::Input(format!("not valid JSON: {m}"))
            }
        })?;
    Ok(value)
}

/// A JSON value read by [`parse_strict`].
struct Strict(serde_json::Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value other than null")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> std::result::Result<Self::Value, E> {
        Ok(b.into())
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> std::result::Result<Self::Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<Self::Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E: serde::de::Error>(self, x: f64) -> std::result::Result<Self::Value, E> {
        serde_json::Number::from_f64(x)
            .map(serde_json::Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Self::Value, E> {
        Ok(s.into())
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
        Err(E::custom(
            "null is not a certificate value (leave an optional field out instead)",
        ))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(Strict(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(serde_json::Value::Array(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut o = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if o.contains_key(&k) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate key '{k}': a certificate must have one reading"
                )));
            }
            let Strict(x) = map.next_value()?;
            o.insert(k, x);
        }
        Ok(serde_json::Value::Object(o))
    }
}

/// Checks a certificate file; errors name the file.
pub fn check_file(path: &std::path::Path) -> Result<CheckReport> {
    check_file_with(path, None)
}

/// [`check_file`] with the data file `data` (see [`check_str_with`]).
pub fn check_file_with(
    path: &std::path::Path,
    data: Option<&std::path::Path>,
) -> Result<CheckReport> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    if let Some(d) = data {
        // Refused before the certificate is read, as when the file was read whole here.
        std::fs::File::open(d)
            .map_err(|e| Error::Input(format!("{}: cannot read: {e}", d.display())))?;
    }
    let name = data.map(|d| d.display().to_string()).unwrap_or_default();
    let file = data.map(|d| thm1::DataFile {
        name: &name,
        path: d,
    });
    check_str_with(&text, file).map_err(|e| e.context(&path.display().to_string()))
}

/// Deserialises a certificate of a known kind, with every unknown field rejected, and requires
/// it to be written in the one canonical shape: serialising what was read must give back the
/// same JSON (up to key order and whitespace). This refuses every second spelling the JSON
/// reader would otherwise allow, e.g. an object written as the array of its values.
pub fn parse_typed<P, W>(value: serde_json::Value) -> Result<Certificate<P, W>>
where
    P: for<'de> Deserialize<'de> + Serialize,
    W: for<'de> Deserialize<'de> + Serialize,
{
    let cert = Certificate::<P, W>::deserialize(&value)
        .map_err(|e| Error::rejected(format!("malformed certificate: {e}")))?;
    let again = serde_json::to_value(&cert)
        .map_err(|e| Error::rejected(format!("malformed certificate: {e}")))?;
    if again != value {
        return Err(Error::rejected(
            "malformed certificate: not in the canonical shape (e.g. an object written as an array)"
                .into(),
        ));
    }
    Ok(cert)
}

/// Verifies `claims` (already required to be a kind's canonical list) one by one with
/// `check_claim`, which dispatches on the claim id and returns the evidence; the report keys
/// each evidence by its claim's id, and a failure inside a claim's check is a rejection naming
/// that claim.
pub fn verify_claims(
    kind: &str,
    claims: &[Claim],
    mut check_claim: impl FnMut(&str) -> Result<String>,
) -> Result<CheckReport> {
    let mut verified = Vec::with_capacity(claims.len());
    for c in claims {
        let evidence = check_claim(&c.id).map_err(|e| match e {
            Error::Rejected(Rejection {
                claim: None,
                reason,
                source,
            }) => Error::Rejected(Rejection {
                claim: Some(c.id.clone()),
                reason,
                source,
            }),
            other => other,
        })?;
        verified.push(VerifiedClaim {
            id: c.id.clone(),
            statement: c.statement.clone(),
            evidence,
        });
    }
    Ok(CheckReport {
        kind: kind.into(),
        claims: verified,
    })
}

/// The rejection for a claim id that a kind's dispatcher does not know (never reached for a
/// certificate whose claims passed [`require_claims`]).
pub fn unknown_claim(id: &str) -> Error {
    Error::claim(id, "no check of this claim exists for this kind")
}

/// Requires the certificate's claims to be exactly `expected` (ids and canonical statements, in
/// order), so that no claim goes unchecked and no statement says more than was checked.
pub fn require_claims(actual: &[Claim], expected: &[Claim]) -> Result<()> {
    for (i, e) in expected.iter().enumerate() {
        match actual.get(i) {
            None => return Err(Error::rejected(format!("claim '{}' is missing", e.id))),
            Some(a) if a.id != e.id => {
                return Err(Error::rejected(format!(
                    "claim {} is '{}', expected '{}'",
                    i + 1,
                    a.id,
                    e.id
                )))
            }
            Some(a) if a.statement != e.statement => {
                return Err(Error::rejected(format!(
                    "claim '{}': the statement is not the one this checker verifies (expected: {})",
                    a.id, e.statement
                )))
            }
            _ => {}
        }
    }
    if let Some(extra) = actual.get(expected.len()) {
        return Err(Error::rejected(format!("unknown claim '{}'", extra.id)));
    }
    Ok(())
}
