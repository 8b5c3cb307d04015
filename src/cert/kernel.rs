//! The checker's own small exact toolkit: strict parsing of rationals from certificates and the
//! few matrix operations the checks need. Deliberately independent of `crate::exact`, so that a
//! bug there cannot hide a bug here.

use crate::error::{Error, Result};
use rug::Rational;

/// A rational as the checker reads it.
pub type Q = Rational;

/// Parses a certificate rational: `"p/q"` in lowest terms with `q > 1`, or `"p"`. Any other
/// spelling (decimals, `"2/4"`, spaces, `"+1"`) is rejected so that every number has exactly one
/// form. `what` names the field in the error.
pub fn q(what: &str, s: &str) -> Result<Q> {
    let bad = || {
        Error::Rejected(format!(
            "{what}: '{s}' is not a rational in the form p/q (lowest terms) or p"
        ))
    };
    let valid_chars = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/');
    if !valid_chars {
        return Err(bad());
    }
    let v = Rational::from_str_radix(s, 10).map_err(|_| bad())?;
    if v.to_string() != s {
        return Err(bad());
    }
    Ok(v)
}

/// Parses a vector of certificate rationals; `what` names the field.
pub fn q_vec(what: &str, v: &[String]) -> Result<Vec<Q>> {
    v.iter()
        .enumerate()
        .map(|(i, s)| q(&format!("{what}[{}]", i + 1), s))
        .collect()
}

/// Parses a matrix (list of rows) of certificate rationals with the given shape.
pub fn q_mat(what: &str, m: &[Vec<String>], rows: usize, cols: usize) -> Result<Vec<Vec<Q>>> {
    if m.len() != rows || m.iter().any(|r| r.len() != cols) {
        return Err(Error::Rejected(format!(
            "{what}: expected a {rows}×{cols} matrix"
        )));
    }
    m.iter()
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(j, s)| q(&format!("{what}[{},{}]", i + 1, j + 1), s))
                .collect()
        })
        .collect()
}

/// Requires a vector of length `n`.
pub fn require_len<T>(what: &str, v: &[T], n: usize) -> Result<()> {
    if v.len() != n {
        return Err(Error::Rejected(format!(
            "{what}: expected {n} entries, found {}",
            v.len()
        )));
    }
    Ok(())
}

/// The dot product of two rational vectors of equal length.
pub fn dot(a: &[Q], b: &[Q]) -> Q {
    let mut s = Q::new();
    for (x, y) in a.iter().zip(b) {
        s += Q::from(x * y);
    }
    s
}

/// A rejection for claim `id` with a reason.
pub fn reject(id: &str, reason: impl std::fmt::Display) -> Error {
    Error::Rejected(format!("claim '{id}' fails: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_rationals() {
        assert_eq!(q("x", "-3/4").unwrap(), Q::from((-3, 4)));
        assert_eq!(q("x", "7").unwrap(), Q::from(7));
        for bad in [
            "2/4", "0.5", "+1", " 1", "1/1", "-0", "", "1e3", "3/-4", "0/5",
        ] {
            assert!(q("x", bad).is_err(), "{bad} accepted");
        }
    }
}
