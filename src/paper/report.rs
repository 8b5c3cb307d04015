//! The report (`REPORT.md`) and the reviewer's guide (`README.md`) written next to the
//! certificates. Both are deterministic functions of the outcomes (no timings, no machine
//! paths), so a rerun reproduces them byte for byte.

use super::figures::{self, Figure};
use super::{Outcome, Status};
use crate::cert::thm1;
use crate::exact::{parse_rational, to_decimal, Q};

/// The reviewer's guide template; `{{INDEX}}` is replaced by the index of certificates.
const GUIDE: &str = include_str!("guide.md");
/// `MATH.md`: the argument that turns each checked fact into its claim.
pub const MATH: &str = include_str!("math.md");

/// Kinds that `proofs/check_flint.py` (the second, independent checker) checks in full.
const PYTHON_CHECKED_KINDS: &[&str] = &[
    thm1::KIND,
    crate::cert::thm2::KIND,
    crate::cert::thm4::KIND,
    crate::cert::point::KIND,
];

/// Whether `proofs/check_flint.py` also checks the certificate `cert` (parsed JSON): every
/// kind this build writes.
pub fn python_checks(cert: &serde_json::Value) -> bool {
    cert["kind"]
        .as_str()
        .is_some_and(|k| PYTHON_CHECKED_KINDS.contains(&k))
}

fn python_checked(o: &Outcome) -> bool {
    o.report.is_some()
        && o.json
            .as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .is_some_and(|v| python_checks(&v))
}

fn status_cell(o: &Outcome) -> String {
    match &o.status {
        Status::Accepted => "accepted".into(),
        other => format!(
            "**{}**: {}",
            other.word(),
            match other {
                Status::NotCertified(m) | Status::Rejected(m) | Status::Failed(m) => m,
                Status::Accepted => unreachable!(),
            }
        ),
    }
}

/// A rational as `≈ decimal` plus its exact size when long, for prose.
fn approx(q: &Q) -> String {
    let exact = q.to_string();
    if exact.len() <= 24 {
        format!("`{exact}` ≈ {}", to_decimal(q, 10))
    } else {
        format!(
            "≈ {} (exact: a {}-digit over a {}-digit integer)",
            to_decimal(q, 10),
            q.numer().to_string().trim_start_matches('-').len(),
            q.denom().to_string().len()
        )
    }
}

/// Headline numbers of an accepted certificate, as Markdown bullet lines.
fn summary(json: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    match value.get("kind").and_then(|k| k.as_str()) {
        Some(thm1::KIND) => {
            let Ok(c) = serde_json::from_value::<thm1::Cert>(value) else {
                return Vec::new();
            };
            let n = figures::thm1_numbers(&c);
            let q = |s: &str| parse_rational(s).expect("accepted certificate");
            vec![
                format!(
                    "data: {} points, {} inputs; activation h̄ with s+ = `{}`, s− = `{}`; width {}",
                    c.problem.data.points(),
                    c.problem.data.feature_names.len(),
                    c.problem.activation.s_plus,
                    c.problem.activation.s_minus,
                    c.problem.width
                ),
                format!(
                    "loss at the local minimum ℓ0(W̄): {}",
                    approx(&n.loss_minimum)
                ),
                format!(
                    "certified region radius ρ: {}",
                    approx(&q(&c.witness.radius))
                ),
                format!(
                    "loss at the better point: {} (improvement {})",
                    approx(&n.loss_better),
                    approx(&Q::from(&n.loss_minimum - &n.loss_better))
                ),
                format!(
                    "better point construction: case `{}`",
                    c.witness.construction.case
                ),
            ]
        }
        _ => Vec::new(),
    }
}

/// For kinds without a dedicated summary: the checker's evidence per claim, abbreviated.
fn evidence_lines(o: &Outcome) -> Vec<String> {
    o.report
        .as_ref()
        .map(|r| {
            r.claims
                .iter()
                .map(|c| format!("`{}`: {}", c.id, super::explain::abbreviate(&c.evidence)))
                .collect()
        })
        .unwrap_or_default()
}

/// What an accepted certificate proves, with its headline numbers, in one line (the claim in
/// words for kinds without a summary).
fn proves(o: &Outcome) -> String {
    let parsed = o
        .json
        .as_deref()
        .and_then(|j| serde_json::from_str::<thm1::Cert>(j).ok())
        .filter(|c| c.kind == thm1::KIND && o.status == Status::Accepted);
    match parsed {
        Some(c) => {
            let n = figures::thm1_numbers(&c);
            let rho = parse_rational(&c.witness.radius).expect("accepted certificate");
            format!(
                "{}: the point `minimum` is a local minimum (loss ≈ {}) on the region of radius ρ ≈ {} around its first layer (any second layer), and not global (`better_point` has loss ≈ {}); so are its positive rescalings",
                o.claim,
                to_decimal(&n.loss_minimum, 6),
                to_decimal(&rho, 6),
                to_decimal(&n.loss_better, 6)
            )
        }
        None => o.claim.clone(),
    }
}

/// `REPORT.md`: every result, its claim, how it was certified, its numbers and pictures.
pub fn report(outcomes: &[Outcome], figures: &[Figure]) -> String {
    let mut s = String::new();
    s.push_str("# critcert: the paper's results, certified\n\n");
    s.push_str(
        "Written by `critcert paper`; do not edit by hand. Every certificate below was produced, \
         written, read back and accepted by the trusted checker (`critcert check`); each was \
         also re-checked by the second, independent checker `proofs/check_flint.py` in CI. How to check \
         them yourself, what the checker trusts, and the certificate format: [README.md](README.md).\n\n\
         Paper: C. Yun, S. Sra, A. Jadbabaie, *Small nonlinearities in activation functions create \
         bad local minima in neural networks*, ICLR 2019 (arXiv 1802.03487).\n\n",
    );
    let accepted = outcomes
        .iter()
        .filter(|o| o.status == Status::Accepted)
        .count();
    s.push_str(&format!(
        "**{accepted} of {} certificates accepted.**\n\n",
        outcomes.len()
    ));
    s.push_str(
        "| result | certificate | claim | how certified | status |\n|---|---|---|---|---|\n",
    );
    for o in outcomes {
        s.push_str(&format!(
            "| {} | [`{}`]({}) | {} | {} | {} |\n",
            o.result,
            o.path,
            o.path,
            o.claim,
            o.method,
            status_cell(o)
        ));
    }
    let mut results: Vec<&str> = outcomes.iter().map(|o| o.result).collect();
    results.dedup();
    for result in results {
        s.push_str(&format!("\n## {result}\n\n{}\n", about(result)));
        for o in outcomes.iter().filter(|o| o.result == result) {
            s.push_str(&format!("\n### `{}`: {}\n\n", o.path, o.claim));
            s.push_str(&format!("Status: {}.\n\n", status_cell(o)));
            if let Some(json) = &o.json {
                let mut lines = summary(json);
                if lines.is_empty() {
                    lines = evidence_lines(o);
                }
                for line in lines {
                    s.push_str(&format!("- {line}\n"));
                }
            }
            if let Some(r) = &o.report {
                s.push_str(&format!(
                    "- claims verified by the checker: {}\n",
                    r.claims
                        .iter()
                        .map(|c| format!("`{}`", c.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for f in figures.iter().filter(|f| f.certificate == o.path) {
                s.push_str(&format!("\n![{}]({})\n\n{}\n", o.path, f.path, f.caption));
            }
        }
    }
    s
}

/// What a result of the paper says and how critcert certifies it.
fn about(result: &str) -> &'static str {
    match result {
        "Theorem 1" => {
            "For a one-hidden-layer network with a ReLU-like activation h̄(z) = max(s+ z, 0) + \
             min(s− z, 0) and any dataset that no affine model fits exactly, there is a local \
             minimum whose loss is the least-squares loss ℓ0(W̄), and a point with strictly \
             smaller loss: the minimum is spurious. critcert solves the least-squares problem \
             exactly, builds the paper's minimum with an explicit region (every first-layer \
             entry within ρ, any second layer) and a strictly better point, and the checker \
             re-derives every claim with exact rational arithmetic: the normal equations, the \
             output at the minimum, the positivity margin μ ≥ ρ(1 + max‖x‖₁), and the better \
             point's exact loss. No floating-point number is involved. On the Theorem 2 data the \
             least-squares fit is constant, so the paper's split does not apply (case J = ∅) and \
             the tie-break construction of [MATH.md](MATH.md) Appendix A is used."
        }
        "Theorem 2" => {
            "One dataset (X = [[1, 0, ½], [0, 1, ½]], Y = [0, 0, 1]) on which a 2-2-1 network has, \
             for each listed activation, a global minimum with loss exactly 0 (Part 1, conditions \
             C2.1–C2.2) and a spurious local minimum with loss exactly 1/3 (Part 2, C2.3–C2.7). The \
             minimum is degenerate (its Hessian has zero eigenvalues: the exact inertia is stated \
             where the Hessian is rational), so the certificate proves local minimality on an \
             explicit box ‖θ − θ̂‖_max ≤ ρ by a Taylor bound whose terms are enclosed with MPFR \
             intervals (outward rounding), with the largest ρ found by bisection; exact equalities \
             (C2.1, C2.3) are met exactly, never by comparing floats. ReLU uses the exact argument \
             of [MATH.md](MATH.md) Appendix D. The pictures are drawn in floating point from the checker's \
             enclosures and are illustrations, not evidence."
        }
        "Theorem 4" => {
            "For deep linear networks whose hidden layers are at least min(dx, dy) wide, a critical \
             point is a global minimum iff ∇ℓ0 vanishes at the product of the weights, and \
             otherwise a saddle (Corollary 5 for the squared loss). Each certificate restates the \
             network and data exactly; the checker recomputes every layer gradient exactly, decides \
             ∇ℓ0 = 0 or ≠ 0, and for a saddle evaluates the exact loss polynomials along two \
             explicit curves (descent and ascent), plus a direction of negative curvature for a \
             strict saddle."
        }
        "Safran & Shamir" => {
            "Beyond the paper: Safran and Shamir (ICML 2018) found, by gradient descent, spurious \
             local minima of the population loss of two-layer ReLU networks with Gaussian inputs \
             and an identity teacher. Their points are floating-point numbers, not closed forms. \
             `critcert point` reads each exactly and proves, with MPFR intervals over an explicit \
             box around it, that the box holds exactly one critical point (Krawczyk's test), that \
             the Hessian is positive definite on the whole box (a strict local minimum), and that \
             its loss is enclosed above 0, the loss at the teacher: the minimum is spurious. The \
             same loss also has non-degenerate saddles: `saddle-3-3.json` is one for k = n = 3, \
             found by Newton's method on the gradient from random starts \
             (`examples/find_saddle.py`), certified with an exact direction of negative curvature \
             over the whole box and a Hessian diagonal entry positive over it (neither a minimum \
             nor a maximum). The mathematics, including the arc-cosine kernel's derivatives, is \
             in [MATH.md](MATH.md) §6. Each picture draws the loss along the straight segment \
             from a certified minimum to a global minimum (every student moved onto a teacher), \
             with the certified box and the certified lower bound of the loss marked; the curve \
             is sampled and is an illustration, not evidence."
        }
        "Trained networks" => {
            "A point found by training a small network on a real dataset, the job `critcert point` \
             exists for: `examples/train_tanh.py` trains a one-hidden-layer tanh network (width 1, \
             biases) on iris with the squared loss (gradient descent, then Newton's method on the \
             gradient) and writes its floating-point numbers. `critcert point --model mlp` reads \
             them exactly and proves, with MPFR intervals over an explicit box around them, that \
             the box holds exactly one critical point (Krawczyk's test) and that the Hessian is \
             positive definite on the whole box: a strict local minimum, with its loss enclosed. \
             Points from PyTorch (`.safetensors`) or numpy (`.npy`) are read the same way \
             ([MATH.md](MATH.md) §6)."
        }
        _ => "",
    }
}

/// `README.md`: the reviewer's guide, with an index of the certificates.
pub fn guide(outcomes: &[Outcome]) -> String {
    let mut index =
        String::from("| certificate | result | what it proves | how certified | also checked by `check_flint.py` |\n|---|---|---|---|---|\n");
    for o in outcomes {
        let python = if python_checked(o) { "yes" } else { "no" };
        index.push_str(&format!(
            "| [`{}`]({}) | {} | {} | {} | {} |\n",
            o.path,
            o.path,
            o.result,
            proves(o),
            o.method,
            python
        ));
    }
    GUIDE.replace("{{INDEX}}", index.trim_end())
}
