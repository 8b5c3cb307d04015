//! Activation names as the command line spells them: `sigmoid`, `tanh`, `arctan`, `elu`,
//! `selu`, `softplus`, `gelu`, `silu`, `quadratic`, `relu`, `relu-like:A:B`.

use crate::cert::activation::Act;
use crate::error::{Error, Result};
use crate::exact::parse_rational;

/// Parses an activation name. `relu` is `relu-like:1:0`; `relu-like:A:B` has `s+ = A`,
/// `s− = B` (decimals or fractions). Anything else would be a formula in `x`, which this build
/// does not support yet: an input error naming it.
pub fn parse_activation(text: &str) -> Result<Act> {
    let t = text.trim();
    if let Some(a) = Act::smooth(t) {
        return Ok(a);
    }
    if t == "relu" {
        return Ok(Act::ReluLike(1.into(), 0.into()));
    }
    if let Some(rest) = t.strip_prefix("relu-like:") {
        let (a, b) = rest.split_once(':').ok_or_else(|| {
            Error::Input(format!("--activation '{text}': expected relu-like:A:B"))
        })?;
        let bad = |e: String| Error::Input(format!("--activation '{text}': {e}"));
        let (p, m) = (
            parse_rational(a).map_err(bad)?,
            parse_rational(b).map_err(bad)?,
        );
        if p <= 0 || m < 0 || p == m {
            return Err(Error::Input(format!(
                "--activation '{text}': need s+ > 0, s- >= 0 and s+ != s-"
            )));
        }
        return Ok(Act::ReluLike(p, m));
    }
    Err(Error::Input(format!(
        "--activation '{text}': not a known activation (sigmoid, tanh, arctan, elu, selu, softplus, gelu, silu, quadratic, relu, relu-like:A:B); formula activations are not supported by this build yet"
    )))
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
        assert!(parse_activation("sin(x)").is_err());
    }
}
