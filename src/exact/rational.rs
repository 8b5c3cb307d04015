//! Exact rationals: parsing from decimal or fraction text, and printing.
//!
//! Every number that enters a certified computation goes through [`parse_rational`], which reads
//! the decimal text itself (`-0.35` is `-7/20`), never through `f64`.

use crate::error::clip;
use rug::{Integer, Rational};

/// The exact rational type used throughout critcert (GMP's `mpq_t` via rug).
pub type Q = Rational;

/// Largest decimal exponent accepted in input (`1e100000` would allocate a huge integer).
pub const MAX_EXPONENT: i64 = 10_000;

/// Most digits of a number read from the user's input ([`parse_input`]): in the numerator and
/// in the denominator of a fraction, each. Ten thousand digits is far beyond any measured
/// quantity; the bound keeps one field of a file from feeding GMP a number of millions of
/// digits (the cost of exact arithmetic grows with the digits of every value).
pub const MAX_INPUT_DIGITS: usize = 10_000;

/// [`parse_rational`] for a number from the user's input (a data file, a command-line value, a
/// point): at most [`MAX_INPUT_DIGITS`] digits in each of the numerator and the denominator,
/// and exponents within ±10000.
pub fn parse_input(text: &str) -> Result<Q, String> {
    let t = text.trim();
    for part in t.splitn(2, '/') {
        let mantissa = part.split(['e', 'E']).next().unwrap_or("");
        let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
        if digits > MAX_INPUT_DIGITS {
            let shown: String = t.chars().take(20).collect();
            return Err(format!(
                "'{shown}…' has {digits} digits, more than the {MAX_INPUT_DIGITS} allowed for one number"
            ));
        }
    }
    parse_rational(t)
}

/// Parses an exact rational from decimal text (`12`, `-0.35`, `1e-3`, `.5`, `2.5E+2`) or a
/// fraction of two such numbers (`1/100`, `-3/4`, `0.5/3`). NaN, infinities and empty text are
/// errors; the error message says what is wrong with `text`.
pub fn parse_rational(text: &str) -> Result<Q, String> {
    let t = text.trim();
    if let Some((num, den)) = t.split_once('/') {
        let n = parse_decimal(num.trim())?;
        let d = parse_decimal(den.trim())?;
        if d == 0 {
            return Err(format!("'{}' has a zero denominator", clip(t, 40)));
        }
        Ok(n / d)
    } else {
        parse_decimal(t)
    }
}

/// A fast path of [`parse_decimal`]: a plain decimal (`-12.345`, no exponent) with at most 18
/// digits, read into an `i64` numerator over a power of ten; `None` for anything else.
fn plain_decimal(t: &str) -> Option<Q> {
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let digits = int_part.len() + frac_part.len();
    if digits == 0 || digits > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    let d = 10i64.pow(frac_part.len() as u32);
    Some(Q::from((if negative { -n } else { n }, d)))
}

/// Parses a decimal number (sign, digits with an optional point, optional exponent) exactly.
fn parse_decimal(t: &str) -> Result<Q, String> {
    if let Some(q) = plain_decimal(t) {
        return Ok(q);
    }
    let shown = clip(t, 40);
    let bad = || {
        format!("'{shown}' is not a number (expected a decimal such as -0.35, 1e-3 or 12, or a fraction p/q)")
    };
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "nan" | "inf" | "infinity") {
        return Err(format!(
            "'{shown}' is not a finite number (NaN and infinities are not allowed)"
        ));
    }
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = &body[i + 1..];
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6
            {
                return Err(bad());
            }
            (&body[..i], e.parse::<i64>().map_err(|_| bad())?)
        }
        None => (body, 0),
    };
    if exponent.abs() > MAX_EXPONENT {
        return Err(format!("'{shown}' has an exponent beyond ±{MAX_EXPONENT}"));
    }
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let digits = format!("{int_part}{frac_part}");
    let mut value = Integer::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 10)
        .map_err(|_| bad())?;
    if negative {
        value = -value;
    }
    let scale = exponent - frac_part.len() as i64;
    let power = Integer::from(Integer::u_pow_u(10, scale.unsigned_abs() as u32));
    Ok(if scale >= 0 {
        Q::from(value * power)
    } else {
        Q::from((value, power))
    })
}

/// Prints a rational as `"p/q"` in lowest terms, or `"p"` when the denominator is 1.
pub fn format_rational(q: &Q) -> String {
    q.to_string()
}

/// Prints a rational as a decimal rounded (half away from zero) to `digits` places, exactly;
/// for human-readable summaries only, never for anything a claim depends on.
pub fn to_decimal(q: &Q, digits: u32) -> String {
    let scale = Integer::from(Integer::u_pow_u(10, digits));
    let scaled = Q::from(q * &scale);
    let negative = scaled < 0;
    let abs = scaled.abs();
    let (rem, mut int) = abs.fract_floor(Integer::new());
    let twice = Q::from(&rem * 2u32);
    if twice >= 1 {
        int += 1;
    }
    let s = int.to_string();
    let s = if digits == 0 {
        s
    } else {
        let padded = format!("{:0>width$}", s, width = digits as usize + 1);
        let (a, b) = padded.split_at(padded.len() - digits as usize);
        format!("{a}.{b}")
    };
    if negative && int != 0 {
        format!("-{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        parse_rational(s).unwrap()
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(q("-0.35"), Q::from((-7, 20)));
        assert_eq!(q("1e-3"), Q::from((1, 1000)));
        assert_eq!(q("12"), Q::from(12));
        assert_eq!(q("+2.5E+2"), Q::from(250));
        assert_eq!(q(".5"), Q::from((1, 2)));
        assert_eq!(q("5."), Q::from(5));
        assert_eq!(q("1/100"), Q::from((1, 100)));
        assert_eq!(q("-3/4"), Q::from((-3, 4)));
        assert_eq!(q("0.1"), Q::from((1, 10)));
    }

    #[test]
    fn rejects_non_numbers() {
        for bad in [
            "",
            "abc",
            "NaN",
            "-inf",
            "Infinity",
            "1e",
            "1.2.3",
            "--1",
            "1/0",
            "e5",
            ".",
            "1e99999999",
        ] {
            assert!(parse_rational(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn input_numbers_are_bounded() {
        let long = format!("0.{}", "3".repeat(MAX_INPUT_DIGITS));
        assert!(parse_rational(&long).is_ok());
        let e = parse_input(&long).unwrap_err();
        assert!(e.contains("digits, more than the 10000 allowed"), "{e}");
        assert!(parse_input(&format!("1/{}", "7".repeat(MAX_INPUT_DIGITS + 1))).is_err());
        assert!(parse_input(&format!("{}e-5", "7".repeat(MAX_INPUT_DIGITS))).is_ok());
        assert!(parse_input("1e10001").is_err());
    }

    #[test]
    fn formats_lowest_terms() {
        assert_eq!(format_rational(&Q::from((6, 4))), "3/2");
        assert_eq!(format_rational(&Q::from((-4, 2))), "-2");
    }

    #[test]
    fn decimal_display_rounds_exactly() {
        assert_eq!(to_decimal(&Q::from((1, 3)), 4), "0.3333");
        assert_eq!(to_decimal(&Q::from((2, 3)), 4), "0.6667");
        assert_eq!(to_decimal(&Q::from((-1, 8)), 2), "-0.13");
        assert_eq!(to_decimal(&Q::from((-1, 1000)), 2), "0.00");
        assert_eq!(to_decimal(&Q::from(7), 0), "7");
    }
}
