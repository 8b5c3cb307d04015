//! `critcert explain`: a plain-language account of a certificate — what it is about, what it
//! claims, and what the checker recomputed for each claim (taken from the checker's report, so
//! the account never says more than was checked).

use crate::cert::{self, thm1};
use crate::error::Error;
use crate::exact::{parse_rational, to_decimal};

/// An explanation and the checker's verdict.
pub struct Explanation {
    /// The text to print.
    pub text: String,
    /// Whether the checker accepted the certificate.
    pub accepted: bool,
}

/// Replaces every exact rational longer than 40 characters in `s` by `≈ decimal [p/q: a/b
/// digits]`, so that evidence stays readable.
pub fn abbreviate(s: &str) -> String {
    let mut out = String::new();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let long = token.len() > 40;
        match parse_rational(token.as_str()) {
            Ok(q) if long => {
                let num = q.numer().to_string().trim_start_matches('-').len();
                let den = q.denom().to_string().len();
                out.push_str(&format!(
                    "≈{} [exact: {num}/{den} digits]",
                    to_decimal(&q, 10)
                ));
            }
            _ => out.push_str(token),
        }
        token.clear();
    };
    for ch in s.chars() {
        if ch.is_ascii_digit() || ch == '/' || (ch == '-' && token.is_empty()) {
            token.push(ch);
        } else {
            flush(&mut token, &mut out);
            out.push(ch);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// What a certificate of a known kind is about, in words (empty for kinds without prose).
fn about(value: &serde_json::Value) -> Vec<String> {
    match value.get("kind").and_then(|k| k.as_str()) {
        Some(thm1::KIND) => {
            let Ok(c) = serde_json::from_value::<thm1::Cert>(value.clone()) else {
                return vec!["(the problem and witness do not parse; see the verdict)".into()];
            };
            let p = &c.problem;
            let name = match (
                parse_rational(&p.activation.s_plus),
                parse_rational(&p.activation.s_minus),
            ) {
                (Ok(a), Ok(b)) if a == 1 && b == 0 => "ReLU".to_string(),
                (Ok(_), Ok(b)) if b == 0 => "a scaled ReLU".to_string(),
                (Ok(a), Ok(b)) if b > 0 && a > 0 => format!(
                    "{}, s+/s− = {}",
                    if b < a { "leaky-ReLU type" } else { "s− > s+" },
                    to_decimal(&(a / b), 6)
                ),
                _ => "not a valid ReLU-like activation".to_string(),
            };
            vec![
                "Theorem 1 of Yun, Sra & Jadbabaie (ICLR 2019): a ReLU-like network has a spurious local minimum.".into(),
                format!(
                    "Network: ŷ = W2·h̄(W1·x + b1) + b2 with {} hidden units, where h̄(z) = max(s+·z, 0) + min(s−·z, 0) with s+ = {}, s− = {} ({name}).",
                    p.width, p.activation.s_plus, p.activation.s_minus
                ),
                format!(
                    "Data: {} points with {} inputs ({}) and target '{}', all stored exactly as rationals; loss ℓ = ½ Σ (ŷ_i − y_i)².",
                    p.data.points(),
                    p.data.feature_names.len(),
                    p.data.feature_names.join(", "),
                    p.data.target_name
                ),
                "Witness: a least-squares solution W̄ of the affine model, the point θ̂ (\"minimum\"), a radius ρ, and a second point (\"better_point\").".into(),
                "Conclusion if accepted: θ̂ is a local minimum on the explicit region {‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ} (any W2, b2), its loss equals the best affine loss ℓ0(W̄), and the better point has strictly smaller loss — so θ̂ is a local minimum that is not global.".into(),
            ]
        }
        Some(crate::cert::thm2::KIND) => vec![
            "Theorem 2 / Corollary 3 of Yun, Sra & Jadbabaie (ICLR 2019): on the data X = [[1, 0, ½], [0, 1, ½]], Y = [0, 0, 1] a 2-2-1 network has a spurious local minimum.".into(),
            match value["problem"]["activation"]["formula"].as_str() {
                Some(f) => format!("Activation: the formula h(x) = {f} (parsed and differentiated by the checker itself, by Taylor arithmetic)."),
                None => format!(
                    "Activation: {}.",
                    value["problem"]["activation"]["name"].as_str().unwrap_or("?")
                ),
            },
            "Witness: a zero-loss point (Part 1), a point θ̂ with loss 1/3 (Part 2) and a box radius ρ.".into(),
            "Conclusion if accepted: θ̂ is a local minimum on the box ‖θ − θ̂‖_max ≤ ρ with loss exactly 1/3, while the zero-loss point has loss 0, so θ̂ is not global. Values that are not rational were enclosed by MPFR intervals with outward rounding.".into(),
        ],
        Some(crate::cert::thm4::KIND) => {
            let loss = match value["problem"]["loss"].as_str().unwrap_or("?") {
                "half-squared-frobenius" => "½‖W_{H+1}⋯W_1 X − Y‖²".to_string(),
                "logistic" => "logistic, Σ ln(1 + e^{−y ŷ})".to_string(),
                "cross-entropy" => "softmax cross-entropy".to_string(),
                other => other.replace("formula:", "the per-entry formula f(yhat, y) = "),
            };
            let verdict = value["witness"]["verdict"].as_str().unwrap_or("?");
            let conclusion = match verdict {
                "saddle" => "the point is a saddle: critical with ∇ℓ0 ≠ 0 (Theorem 4 Part 1); for the squared loss the two curves also give points arbitrarily close with smaller and with larger loss",
                "global-minimum" => "the point is a global minimum, exactly (∇ℓ0 = 0 at the product and ℓ0 convex)",
                "near-global-minimum" => "a global minimum of ℓ lies within distance δ of the given weights (a change of W1 only); the weights themselves need not be exactly critical",
                "local-minimum" | "local-maximum" => "the point is a local minimum (maximum) of ℓ on the explicit set max_j ‖W_j − Ŵ_j‖₂ ≤ ε, inherited from ℓ0 (Theorem 4 Part 2)",
                _ => "the point is not a critical point of ℓ",
            };
            vec![
                "Theorem 4 / Corollary 5 of Yun, Sra & Jadbabaie (ICLR 2019): for a deep linear network (hidden widths ≥ min(dx, dy)) and any differentiable loss ℓ0 of the product, a critical point with ∇ℓ0 ≠ 0 at the product is a saddle, and one with ∇ℓ0 = 0 inherits the type of the product for ℓ0 (a global minimum when ℓ0 is convex).".into(),
                format!(
                    "Network widths {} with loss {loss}; verdict claimed: {verdict}.",
                    value["problem"]["widths"],
                ),
                format!("Conclusion if accepted: {conclusion}. Values that are not rational were enclosed by MPFR intervals with outward rounding."),
            ]
        }
        Some(other) => vec![format!(
            "A certificate of kind '{other}'; its claims and what the checker verified are listed below."
        )],
        None => Vec::new(),
    }
}

/// Explains certificate text; `name` is how to refer to it (e.g. its path). Errors only when the
/// text is not a certificate at all (not JSON); a rejected certificate is explained with the
/// checker's reason and `accepted: false`.
pub fn explain(name: &str, text: &str) -> crate::Result<Explanation> {
    explain_with(name, text, None)
}

/// [`explain`] with the data file of a Theorem 1 certificate that names its data by SHA-256
/// (without it, such a certificate is an input error naming the file it needs).
pub fn explain_with(
    name: &str,
    text: &str,
    data: Option<cert::thm1::DataFile>,
) -> crate::Result<Explanation> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::Input(format!("{name}: not valid JSON: {e}")))?;
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("(missing)")
        .to_string();
    let verdict = cert::check_str_with(text, data);
    if let Err(cert::Error::Input(m)) = &verdict {
        if data.is_some() || m.contains("--data FILE") {
            return Err(Error::Input(format!("{name}: {m}")));
        }
    }
    let mut s = String::new();
    s.push_str(&format!("{name}\n"));
    s.push_str(&format!(
        "  kind: {kind} (certificate format version {})\n",
        value
            .get("critcert")
            .map_or("(missing)".into(), |v| v.to_string())
    ));
    let accepted = verdict.is_ok();
    match &verdict {
        Ok(_) => s.push_str("  verdict: ACCEPTED — the checker recomputed every claim below from the problem and the witness.\n"),
        Err(e) => s.push_str(&format!("  verdict: {} — {}\n", if matches!(e, cert::Error::Rejected(_)) { "REJECTED" } else { "NOT A CERTIFICATE" }, abbreviate(&e.to_string()))),
    }
    let about = about(&value);
    if !about.is_empty() {
        s.push_str("\nWhat it is about\n");
        for line in about {
            s.push_str(&format!("  {line}\n"));
        }
    }
    match &verdict {
        Ok(report) => {
            s.push_str("\nThe claims, and what the checker verified for each\n");
            for (i, c) in report.claims.iter().enumerate() {
                s.push_str(&format!("  {}. {}\n", i + 1, c.id));
                s.push_str(&format!("     claim:    {}\n", c.statement));
                s.push_str(&format!("     verified: {}\n", abbreviate(&c.evidence)));
            }
        }
        Err(_) => {
            if let Some(claims) = value.get("claims").and_then(|c| c.as_array()) {
                s.push_str("\nWhat it claims (NOT established: the checker rejected it)\n");
                for (i, c) in claims.iter().enumerate() {
                    s.push_str(&format!(
                        "  {}. {}: {}\n",
                        i + 1,
                        c.get("id").and_then(|v| v.as_str()).unwrap_or("?"),
                        c.get("statement").and_then(|v| v.as_str()).unwrap_or("?")
                    ));
                }
            }
        }
    }
    let files = if kind == crate::cert::thm2::KIND {
        "thm2.rs, activation.rs, formula.rs, value.rs, interval.rs, kernel.rs, lib.rs"
    } else if kind == crate::cert::thm4::KIND {
        "thm4.rs, loss.rs, formula.rs, krawczyk.rs, f64i.rs, value.rs, interval.rs, kernel.rs, lib.rs"
    } else {
        "the kind's module, kernel.rs, lib.rs"
    };
    s.push_str(&format!(
        "\nWhat you are trusting\n  The checker crate (critcert-check/src: {files}), GMP/MPFR \
         (exact rationals; correctly rounded interval endpoints), the Rust toolchain and serde_json. \
         Not the construction, search or plotting code: they produced the witness, the checker re-derived the claims.\n",
    ));
    if super::report::python_checks(&value) {
        s.push_str(
            "  An independent re-check without Rust: python3 proofs/check_flint.py CERT.json\n",
        );
    }
    Ok(Explanation { text: s, accepted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviates_only_long_rationals() {
        let long = format!("12345678901234567890123456789/1{}", "0".repeat(30));
        let s = abbreviate(&format!("μ = {long}, ρ = 1/7; x = -2"));
        assert!(s.starts_with("μ = ≈"), "{s}");
        assert!(s.contains("≈0.0123456789 [exact: 29/31 digits]"), "{s}");
        assert!(s.ends_with(", ρ = 1/7; x = -2"), "{s}");
    }

    #[test]
    fn not_json_is_input_error() {
        assert!(matches!(explain("x", "{"), Err(Error::Input(_))));
    }
}
