//! Exact rationals: parsing from decimal or fraction text, and printing.
//!
//! Every number that enters a certified computation goes through [`parse_rational`], which reads
//! the decimal text itself (`-0.35` is `-7/20`), never through `f64`.

use rug::{Integer, Rational};

/// The exact rational type used throughout critcert (GMP's `mpq_t` via rug).
pub type Q = Rational;

/// Largest decimal exponent accepted in input (`1e100000` would allocate a huge integer).
pub use crate::cert::data::MAX_EXPONENT;

/// Most digits of a number read from the user's input ([`parse_input`]): in the numerator and
/// in the denominator of a fraction, each. Ten thousand digits is far beyond any measured
/// quantity; the bound keeps one field of a file from feeding GMP a number of millions of
/// digits (the cost of exact arithmetic grows with the digits of every value).
pub use crate::cert::data::MAX_DIGITS as MAX_INPUT_DIGITS;

/// [`parse_rational`] for a number from the user's input (a data file, a command-line value, a
/// point): at most [`MAX_INPUT_DIGITS`] digits in each of the numerator and the denominator,
/// and exponents within ±10000. The checker's own reader ([`crate::cert::data::parse_number`]),
/// so that producer and checker read every number alike.
pub fn parse_input(text: &str) -> Result<Q, String> {
    crate::cert::data::parse_number(text)
}

/// Parses an exact rational from decimal text (`12`, `-0.35`, `1e-3`, `.5`, `2.5E+2`) or a
/// fraction of two such numbers (`1/100`, `-3/4`, `0.5/3`). NaN, infinities and empty text are
/// errors; the error message says what is wrong with `text`.
pub fn parse_rational(text: &str) -> Result<Q, String> {
    crate::cert::data::parse_fraction(text)
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
