//! Activation names as the command line spells them: `sigmoid`, `tanh`, `arctan`, `elu`,
//! `selu`, `softplus`, `gelu`, `silu`, `quadratic`, `relu`, `relu-like:A:B`, the other names of
//! [`NAMED`] (as their formulas), or a formula in `x`.

use crate::cert::activation::Act;
use crate::error::{clip, Error, Result};
use crate::exact::parse_input;

/// Named activations and their formulas in `x` (the names `derive` and `thm2` read as formulas).
pub const NAMED: &[(&str, &str)] = &[
    ("sigmoid", "1/(1 + exp(-x))"),
    ("tanh", "tanh(x)"),
    ("arctan", "atan(x)"),
    ("erf", "erf(x)"),
    ("softplus", "ln(1 + exp(x))"),
    ("gelu", "x*(1 + erf(x/sqrt(2)))/2"),
    ("elu", "max(x, 0) + min(exp(x) - 1, 0)"),
    ("relu", "max(x, 0)"),
    ("leaky-relu", "max(x, 0) + min(x/100, 0)"),
    ("quadratic", "x^2"),
    ("mish", "x*tanh(ln(1 + exp(x)))"),
    ("softsign", "x/(1 + abs(x))"),
];

/// Parses an activation name. `relu` is `relu-like:1:0`, `leaky-relu` is `relu-like:1:1/100`;
/// `relu-like:A:B` has `s+ = A`,
/// `s− = B` (decimals or fractions). Anything else is a name from [`NAMED`] or a formula in `x`
/// ([`crate::cert::formula`]); a text that is neither is an input error naming it.
pub fn parse_activation(text: &str) -> Result<Act> {
    let t = text.trim();
    let shown = clip(text, 60);
    if let Some(a) = Act::smooth(t) {
        return Ok(a);
    }
    if t == "relu" {
        return Ok(Act::ReluLike(1.into(), 0.into()));
    }
    if t == "leaky-relu" {
        return Ok(Act::ReluLike(1.into(), (1, 100).into()));
    }
    if let Some(rest) = t.strip_prefix("relu-like:") {
        let (a, b) = rest.split_once(':').ok_or_else(|| {
            Error::Input(format!("--activation '{shown}': expected relu-like:A:B"))
        })?;
        let bad = |e: String| Error::Input(format!("--activation '{shown}': {e}"));
        let (p, m) = (parse_input(a).map_err(bad)?, parse_input(b).map_err(bad)?);
        if p <= 0 || m < 0 || p == m {
            return Err(Error::Input(format!(
                "--activation '{shown}': need s+ > 0, s- >= 0 and s+ != s-"
            )));
        }
        return Ok(Act::ReluLike(p, m));
    }
    // A formula in x, or a name that `derive` knows as a formula (erf, mish, softsign, …).
    let formula = NAMED.iter().find(|(n, _)| *n == t).map_or(t, |(_, f)| f);
    Act::formula(formula).map_err(|e| {
        Error::Input(format!(
            "--activation '{shown}': not a known activation (sigmoid, tanh, arctan, elu, selu, softplus, gelu, silu, quadratic, relu, leaky-relu, relu-like:A:B, {}) and not a formula in x: {e}",
            NAMED.iter().map(|(n, _)| *n).filter(|n| Act::smooth(n).is_none() && !n.contains("relu")).collect::<Vec<_>>().join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(parse_activation("tanh").unwrap(), Act::Tanh);
        assert_eq!(
            parse_activation("relu-like:1:1/100").unwrap(),
            Act::ReluLike(1.into(), (1, 100).into())
        );
        assert!(parse_activation("relu-like:1:1").is_err());
        assert!(parse_activation("sinh(x)").is_err());
        assert!(matches!(
            parse_activation("mish").unwrap(),
            Act::Formula(..)
        ));
        assert!(matches!(
            parse_activation("x + x^2/3").unwrap(),
            Act::Formula(..)
        ));
    }
}
