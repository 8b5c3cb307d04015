//! The checker's own small exact toolkit: strict parsing of rationals from certificates and the
//! few matrix operations the checks need. Deliberately independent of `crate::exact`, so that a
//! bug there cannot hide a bug here.

use crate::error::{Error, Result};
use rug::Rational;

/// A rational as the checker reads it.
pub type Q = Rational;

/// The longest number a certificate may spell, in characters (the second checker has the same
/// limit, so the two decide every size alike).
pub const MAX_NUMBER_LEN: usize = 1_000_000;

/// Parses a certificate rational: `"p/q"` in lowest terms with `q > 1`, or `"p"`. Any other
/// spelling (decimals, `"2/4"`, spaces, `"+1"`) is rejected so that every number has exactly one
/// form. `what` names the field in the error.
pub fn q(what: &str, s: &str) -> Result<Q> {
    if let Some(v) = small_canonical(s) {
        return Ok(v);
    }
    if s.len() > MAX_NUMBER_LEN {
        return Err(Error::rejected(format!(
            "{what}: a number of {} characters, above the limit of {MAX_NUMBER_LEN}",
            s.len()
        )));
    }
    let bad = || {
        Error::rejected(format!(
            "{what}: '{}' is not a rational in the form p/q (lowest terms) or p",
            crate::error::abbreviate(s)
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

/// The canonical digits of a machine-sized natural number: no sign, no leading zero (but "0").
fn small_natural(s: &str) -> Option<u64> {
    let canonical = !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit());
    (canonical && (s == "0" || !s.starts_with('0'))).then(|| s.parse().ok())?
}

/// A fast path of [`q`] for numerators and denominators below 10¹⁸: the rational, if `s` is its
/// canonical spelling; `None` for anything else (which [`q`] then decides).
fn small_canonical(s: &str) -> Option<Q> {
    let (num, den) = match s.split_once('/') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    };
    let (negative, digits) = match num.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, num),
    };
    let n = small_natural(digits)?;
    if negative && n == 0 {
        return None;
    }
    let d = match den {
        None => 1,
        Some(d) => small_natural(d).filter(|&d| d > 1)?,
    };
    let (mut a, mut b) = (n, d);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    if a != 1 {
        return None;
    }
    let n = i64::try_from(n).ok()?;
    Some(Q::from((if negative { -n } else { n }, d)))
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
        return Err(Error::rejected(format!(
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
        return Err(Error::rejected(format!(
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
    Error::claim(id, reason)
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
        for good in [
            "0",
            "-1",
            "1/2",
            "-999999999999999999/2",
            "12345678901234567890/7",
        ] {
            assert_eq!(q("x", good).unwrap().to_string(), good);
        }
    }

    #[test]
    fn fast_path_accepts_exactly_the_canonical_spellings() {
        // Every short string over the alphabet: accepted iff it is the canonical spelling of
        // its value (the slow path's definition).
        let alphabet = ['0', '1', '2', '4', '-', '/'];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let next: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(next);
            strings.dedup();
        }
        for s in &strings {
            let slow = Rational::from_str_radix(s, 10)
                .ok()
                .filter(|v| v.to_string() == *s);
            assert_eq!(small_canonical(s), slow, "{s:?}");
        }
    }
}
