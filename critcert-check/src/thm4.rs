//! Certificate kind `deep-linear-critical-point` (Theorem 4, Corollary 5): a point
//! `Ŵ = (W1, …, W_{H+1})` of a deep linear network `Ŷ = W_{H+1}⋯W1 X` with a loss
//! `ℓ(W) = ℓ0(W_{H+1:1})` (the squared loss `½‖W_{H+1:1}X − Y‖_F²`, logistic, cross-entropy,
//! Huber or a formula: [`crate::loss`]) is classified as a global minimum, a saddle, not a
//! critical point, within `δ` of a global minimum (`near-global-minimum`, for losses whose zero
//! gradient cannot be exact), or a local minimum/maximum inherited from a non-convex `ℓ0`.
//! Produced by `critcert deep-linear` (`src/theorems/thm4.rs`); `check_thm4` in
//! `proofs/check_flint.py`. The mathematics: `proofs/MATH.md` §3 and §6.
//!
//! The checker recomputes the product, `G = ∂ℓ0/∂Ŷ` (exact where rational, else MPFR
//! enclosures), `∇ℓ0 = G Xᵀ`, every layer gradient `W_{H+1:j+1}ᵀ ∇ℓ0 W_{j−1:1}ᵀ`, and, for the
//! witness curves `θ(t) = Ŵ + Σ_k t^k C_k` (squared loss), the exact loss polynomial
//! `ℓ(θ(t)) − ℓ(Ŵ)` by polynomial arithmetic on matrix products. An enclosed layer gradient is
//! zero only when it is exactly `[0, 0]` (a structural zero, e.g. two zero layers).

use super::f64i::F;
use super::interval::I;
use super::kernel::{q, q_mat, q_vec, Q};
use super::krawczyk::{krawczyk, to_f};
use super::loss::{Loss, SQUARED};
use super::value::V;
use super::{parse_typed, require_claims, unknown_claim, verify_claims, CheckReport, Claim};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The kind name.
pub const KIND: &str = "deep-linear-critical-point";

/// The problem: data (one column per point) and layer widths.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The loss `ℓ0`: `half-squared-frobenius` (`½‖RX − Y‖_F²`), `logistic`, `cross-entropy`,
    /// `huber:δ` or `formula:f(yhat, y)` ([`crate::loss`]).
    pub loss: String,
    /// Widths `d0 = dx, d1, …, d_{H+1} = dy`.
    pub widths: Vec<usize>,
    /// `X`, `dx × m` (one column per point).
    #[serde(rename = "X")]
    pub x: Vec<Vec<String>>,
    /// `Y`, `dy × m`.
    #[serde(rename = "Y")]
    pub y: Vec<Vec<String>>,
}

/// A point of the network: the matrices `W1, …, W_{H+1}` (`W_j` is `d_j × d_{j−1}`).
pub type Layers = Vec<Vec<Vec<String>>>;

/// A polynomial curve `θ(t) = Ŵ + Σ_{k≥1} t^k C_k` through the point: for every layer `j`, the
/// list `[C_{j,1}, C_{j,2}, …]` of its coefficient matrices (possibly empty).
pub type Curve = Vec<Vec<Vec<Vec<String>>>>;

/// The witness.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// `global-minimum`, `saddle`, `not-critical`, `near-global-minimum`, `local-minimum` or
    /// `local-maximum`.
    pub verdict: String,
    /// The point `Ŵ`.
    pub point: Layers,
    /// Saddle: a curve along which the loss decreases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descent_curve: Option<Curve>,
    /// Saddle: a curve along which the loss increases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ascent_curve: Option<Curve>,
    /// Strict saddle: a direction `V` with `Vᵀ∇²ℓ(Ŵ)V < 0` (from an exact LDLᵀ of the Hessian).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_curvature_direction: Option<Layers>,
    /// Saddle inherited from a non-convex loss at `∇ℓ0 = 0`: a change `C` of `W1` (`d1 × dx`)
    /// along which `ℓ` decreases to second order (`θ(t) = (W1 + tC, W2, …)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_descent_direction: Option<Vec<Vec<String>>>,
    /// The same, along which `ℓ` increases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_ascent_direction: Option<Vec<Vec<String>>>,
    /// `near-global-minimum`, `local-minimum`, `local-maximum`: the radius `r` of the box
    /// `|R − W_{H+1:1}| ≤ r` (entrywise) around the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius: Option<String>,
    /// `near-global-minimum`: `s > 0` with `AAᵀ − s²I` positive definite, `A = W_{H+1:2}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_min_bound: Option<String>,
    /// `near-global-minimum`: the distance `δ` to a global minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<String>,
    /// `local-minimum`, `local-maximum`: bounds `n_j ≥ ‖W_j‖_F`, one per layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_bounds: Option<Vec<String>>,
    /// `local-minimum`, `local-maximum`: the radius `ε` of the set
    /// `{W : max_j ‖W_j − Ŵ_j‖_2 ≤ ε}` on which the point is optimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epsilon: Option<String>,
}

impl Witness {
    /// A witness with the verdict and the point only (every optional field absent).
    pub fn new(verdict: &str, point: Layers) -> Witness {
        Witness {
            verdict: verdict.into(),
            point,
            descent_curve: None,
            ascent_curve: None,
            negative_curvature_direction: None,
            product_descent_direction: None,
            product_ascent_direction: None,
            radius: None,
            sigma_min_bound: None,
            distance: None,
            norm_bounds: None,
            epsilon: None,
        }
    }
}

/// The verdicts a certificate may state.
pub const VERDICTS: [&str; 6] = [
    "global-minimum",
    "saddle",
    "not-critical",
    "near-global-minimum",
    "local-minimum",
    "local-maximum",
];

/// A `deep-linear-critical-point` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims for a verdict and loss (`strict`: the saddle has a negative-curvature
/// claim, or for another loss, is inherited from `ℓ0` at `∇ℓ0 = 0` with two directions). The
/// squared loss keeps the statements its certificates have always had.
pub fn claims(verdict: &str, strict: bool, loss: &str) -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    let squared = loss == SQUARED;
    let width = c(
        "width",
        "every hidden width d_j (1 ≤ j ≤ H) is at least min(dx, dy)",
    );
    let critical = c("critical-point", "every layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ is exactly 0: the point is a critical point of ℓ");
    let zero = if squared {
        c(
            "product-gradient-zero",
            "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ is exactly 0",
        )
    } else {
        c(
            "product-gradient-zero",
            "∇ℓ0(W_{H+1:1}) = G Xᵀ, with G = ∂ℓ0/∂Ŷ at Ŷ = W_{H+1:1}X, is exactly 0",
        )
    };
    match verdict {
        "global-minimum" => vec![
            width,
            critical,
            zero,
            if squared {
                c("global-minimum", "ℓ0 is a convex quadratic, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)")
            } else {
                c("global-minimum", "ℓ0 is convex, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)")
            },
        ],
        "saddle" if squared => {
            let mut v = vec![
                width,
                critical,
                c("product-gradient-nonzero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ has a nonzero entry, so by Theorem 4 the point is a saddle"),
                c("descent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the descent curve has a negative lowest-order nonzero coefficient: points arbitrarily close to Ŵ have smaller loss"),
                c("ascent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the ascent curve has a positive lowest-order nonzero coefficient: points arbitrarily close to Ŵ have larger loss"),
            ];
            if strict {
                v.push(c("negative-curvature", "the direction V has Vᵀ∇²ℓ(Ŵ)V < 0 (twice the t² coefficient of ℓ(Ŵ + tV)): the saddle is strict"));
            }
            v
        }
        "saddle" if strict => vec![
            width,
            critical,
            zero,
            c("inherited-descent", "with D = W_{H+1:2} C for the witness's change C of W1 (D = C when H = 0), the line θ(t) = (W1 + tC, W2, …, W_{H+1}) has product W_{H+1:1} + tD, so with ∇ℓ0 = 0 there ℓ(θ(t)) − ℓ(Ŵ) = ½t² Σ_{i,k} ∂²f/∂yhat²(ŷ_ik, y_ik)(Dx_i)_k² + o(t²), and that coefficient is negative: points arbitrarily close to Ŵ have smaller loss"),
            c("inherited-ascent", "the same for the witness's ascent change of W1, with a positive coefficient: points arbitrarily close to Ŵ have larger loss; the critical point is a saddle of ℓ, inherited from a saddle of ℓ0 (Theorem 4 Part 2)"),
        ],
        "saddle" => vec![
            width,
            critical,
            c("product-gradient-nonzero", "∇ℓ0(W_{H+1:1}) = G Xᵀ, with G = ∂ℓ0/∂Ŷ at Ŷ = W_{H+1:1}X, has an entry that is nonzero (exactly, or by an enclosure that excludes 0); the point is critical, so by Theorem 4 Part 1, which holds for every differentiable ℓ0, it is a saddle (no escape curve is given)"),
        ],
        "near-global-minimum" => vec![
            width,
            c("product-box-zero", "the box B = {R : |R − W_{H+1:1}| ≤ r entrywise} (for cross-entropy, intersected with the slice 1ᵀR = 1ᵀW_{H+1:1}, which removes the softmax's invariance R → R + 1cᵀ) contains exactly one zero R* of ∇ℓ0 (Krawczyk's test with an enclosure of the Hessian of ℓ0 over B)"),
            c("near-global-minimum", "ℓ0 is convex, so R* is a global minimiser of ℓ0; A = W_{H+1:2} (the identity when H = 0) has AAᵀ − s²I positive definite, so W* = (W1 + Aᵀ(AAᵀ)⁻¹(R* − W_{H+1:1}), W2, …, W_{H+1}) has product R* and is a global minimum of ℓ with ‖W* − Ŵ‖_F ≤ ‖R* − W_{H+1:1}‖_F / s ≤ δ: the point is within distance δ of a global minimum of ℓ"),
        ],
        "local-minimum" | "local-maximum" => {
            let (kind, def, cmp) = if verdict == "local-minimum" {
                ("minimum", "positive", "≥")
            } else {
                ("maximum", "negative", "≤")
            };
            vec![
                width,
                critical,
                zero,
                c("loss-hessian-definite", &format!("the Hessian of ℓ0 is {def} definite at every R with |R − W_{{H+1:1}}| ≤ r entrywise (the bound of ∂²f/∂yhat² over that box in each block Σ_i f''(ŷ_ik, y_ik) x_i x_iᵀ, by an exact LDLᵀ): W_{{H+1:1}} is a strict local {kind} of ℓ0 on that box")),
                c(verdict, &format!("‖Ŵ_j‖_2 ≤ ‖Ŵ_j‖_F ≤ n_j and Π_j(n_j + ε) − Π_j n_j ≤ r, so every W with max_j ‖W_j − Ŵ_j‖_2 ≤ ε has |W_{{H+1:1}} − Ŵ_{{H+1:1}}| ≤ r entrywise and ℓ(W) {cmp} ℓ(Ŵ): the point is a local {kind} of ℓ on that set (Theorem 4 Part 2)")),
            ]
        }
        _ => vec![
            width,
            c("not-critical", "some layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ has a nonzero entry: the point is not a critical point of ℓ"),
        ],
    }
}

type Mat = Vec<Vec<Q>>;

fn zeros(r: usize, c: usize) -> Mat {
    vec![vec![Q::new(); c]; r]
}

fn mul(a: &Mat, b: &Mat, inner: usize, cols: usize) -> Mat {
    a.iter()
        .map(|row| {
            (0..cols)
                .map(|j| {
                    let mut s = Q::new();
                    for k in 0..inner {
                        if row[k] != 0 && b[k][j] != 0 {
                            s += Q::from(&row[k] * &b[k][j]);
                        }
                    }
                    s
                })
                .collect()
        })
        .collect()
}

fn transpose(a: &Mat, rows: usize, cols: usize) -> Mat {
    (0..cols)
        .map(|j| (0..rows).map(|i| a[i][j].clone()).collect())
        .collect()
}

fn add_into(acc: &mut Mat, b: &Mat) {
    for (ra, rb) in acc.iter_mut().zip(b) {
        for (x, y) in ra.iter_mut().zip(rb) {
            *x += y;
        }
    }
}

/// The largest entry in absolute value, with its (0-based) position, or `None` if all are 0.
fn largest(a: &Mat) -> Option<(usize, usize, Q)> {
    let mut best: Option<(usize, usize, Q)> = None;
    for (i, row) in a.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if *v != 0 && best.as_ref().is_none_or(|b| v.cmp_abs(&b.2).is_gt()) {
                best = Some((i, j, v.clone()));
            }
        }
    }
    best
}

/// The parsed problem and point, with the products the claims need.
struct Net {
    d: Vec<usize>,
    x: Mat,
    y: Mat,
    w: Vec<Mat>,
}

impl Net {
    fn layers(&self) -> usize {
        self.w.len()
    }

    /// The prefix products `P_j = W_j⋯W_1` (`d_j × dx`) for `j = 1..=L`: `L − 1` products,
    /// never an identity matrix (a wide hidden layer would make it huge).
    fn prefixes(&self) -> Vec<Mat> {
        let dx = self.d[0];
        let mut out: Vec<Mat> = Vec::with_capacity(self.layers());
        for j in 1..=self.layers() {
            let next = match out.last() {
                None => self.w[0].clone(),
                Some(p) => mul(&self.w[j - 1], p, self.d[j - 1], dx),
            };
            out.push(next);
        }
        out
    }

    /// `∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ` and the loss `½‖W_{H+1:1}X − Y‖²`, from the
    /// full product `W_{H+1:1}` (the last prefix).
    fn product_gradient(&self, product: &Mat) -> (Mat, Q) {
        let (dx, m) = (self.d[0], self.y[0].len());
        let mut r = mul(product, &self.x, dx, m);
        for (ra, ry) in r.iter_mut().zip(&self.y) {
            for (a, b) in ra.iter_mut().zip(ry) {
                *a -= b;
            }
        }
        let loss: Q = r.iter().flatten().map(|v| Q::from(v * v)).sum::<Q>() / 2u32;
        (mul(&r, &transpose(&self.x, dx, m), m, dx), loss)
    }

    /// Every layer's gradient `W_{H+1:j+1}ᵀ g W_{j−1:1}ᵀ` given `g = ∇ℓ0` and the prefixes, in
    /// `O(L)` products: the suffixes `S_j = W_{H+1:j+1}ᵀ g` are built from the top down.
    fn layer_gradients(&self, g: &Mat, prefixes: &[Mat]) -> Vec<Mat> {
        let l = self.layers();
        let dx = self.d[0];
        let mut grads = vec![Vec::new(); l];
        // t = W_{H+1:j+1}ᵀ g, a d_j × dx matrix; for j = L it is g itself.
        let mut t = g.clone();
        for j in (1..=l).rev() {
            grads[j - 1] = if j == 1 {
                t.clone()
            } else {
                let b = &prefixes[j - 2]; // W_{j−1:1}, d_{j−1} × dx
                mul(&t, &transpose(b, self.d[j - 1], dx), dx, self.d[j - 1])
            };
            if j > 1 {
                let wt = transpose(&self.w[j - 1], self.d[j], self.d[j - 1]);
                t = mul(&wt, &t, self.d[j], dx);
            }
        }
        grads
    }

    /// The coefficients `[c_1, …, c_K]` of `ℓ(θ(t)) − ℓ(Ŵ)` for `θ(t) = Ŵ + Σ t^k C_k`, up to
    /// the order `K = min(2·degree, MAX_ORDER)`. Products are truncated at order `MAX_ORDER`:
    /// `c_k` depends only on the residual's coefficients of order `≤ k`, so the kept ones are
    /// exact, and the work is bounded whatever the curve's degree.
    fn loss_polynomial(&self, curve: &[Vec<Mat>]) -> Vec<Q> {
        let l = self.layers();
        let m = self.y[0].len();
        // The data matrix as a polynomial of degree 0, then multiplied by each layer polynomial.
        let mut f: Vec<Mat> = vec![self.x.clone()];
        for j in 1..=l {
            let mut layer = vec![self.w[j - 1].clone()];
            layer.extend(curve[j - 1].iter().cloned());
            let len = (f.len() + layer.len() - 1).min(MAX_ORDER + 1);
            let mut out = vec![zeros(self.d[j], m); len];
            for (a, wa) in layer.iter().enumerate() {
                for (b, fb) in f.iter().enumerate().take(len.saturating_sub(a)) {
                    add_into(&mut out[a + b], &mul(wa, fb, self.d[j - 1], m));
                }
            }
            f = out;
        }
        for (ra, ry) in f[0].iter_mut().zip(&self.y) {
            for (a, b) in ra.iter_mut().zip(ry) {
                *a -= b;
            }
        }
        let inner = |a: &Mat, b: &Mat| -> Q {
            let mut s = Q::new();
            for (ra, rb) in a.iter().zip(b) {
                for (x, y) in ra.iter().zip(rb) {
                    s += Q::from(x * y);
                }
            }
            s
        };
        let deg = f.len() - 1;
        (1..=(2 * deg).min(MAX_ORDER))
            .map(|k| {
                let mut c = Q::new();
                for a in k.saturating_sub(deg)..=k.min(deg) {
                    c += inner(&f[a], &f[k - a]);
                }
                c / 2u32
            })
            .collect()
    }
}

/// The highest order of a loss polynomial the checker examines, and the most coefficient
/// matrices a curve may give per layer: a curve whose loss changes first at a higher order is
/// not certified.
pub const MAX_ORDER: usize = 64;

fn parse_layers(what: &str, layers: &Layers, d: &[usize]) -> Result<Vec<Mat>> {
    if layers.len() != d.len() - 1 {
        return Err(Error::rejected(format!(
            "{what}: expected {} layers, found {}",
            d.len() - 1,
            layers.len()
        )));
    }
    layers
        .iter()
        .enumerate()
        .map(|(j, m)| q_mat(&format!("{what}.W{}", j + 1), m, d[j + 1], d[j]))
        .collect()
}

fn parse_curve(what: &str, curve: &Curve, d: &[usize]) -> Result<Vec<Vec<Mat>>> {
    if curve.len() != d.len() - 1 {
        return Err(Error::rejected(format!(
            "{what}: expected {} layers, found {}",
            d.len() - 1,
            curve.len()
        )));
    }
    if let Some(j) = curve.iter().position(|c| c.len() > MAX_ORDER) {
        return Err(Error::rejected(format!(
            "{what}.W{}: {} coefficient matrices, above the limit of {MAX_ORDER}",
            j + 1,
            curve[j].len()
        )));
    }
    curve
        .iter()
        .enumerate()
        .map(|(j, coeffs)| {
            coeffs
                .iter()
                .enumerate()
                .map(|(k, m)| q_mat(&format!("{what}.W{}.t^{}", j + 1, k + 1), m, d[j + 1], d[j]))
                .collect()
        })
        .collect()
}

/// The lowest-order nonzero coefficient `(k, c_k)` of a loss polynomial `[c_1, c_2, …]`.
fn lowest(p: &[Q]) -> Option<(usize, Q)> {
    p.iter()
        .enumerate()
        .find(|(_, c)| **c != 0)
        .map(|(k, c)| (k + 1, c.clone()))
}

/// The precision of the checker's enclosures, in bits.
pub const PREC: u32 = 256;

/// The most interval operations a check of a loss other than the squared one may take: its
/// gradients (`m·dx·dy + Σ_j d_j·d_{j−1}·(dx + dy)`), the Hessian of `ℓ0` over a box (`m · n²`
/// for `n` unknowns of the product, `m · dy · dx²` for the blocks of a formula loss).
pub const MAX_WORK: u128 = 20_000_000;

/// Checks a `deep-linear-critical-point` certificate.
pub fn check(value: serde_json::Value) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value)?;
    let w = &cert.witness;
    let p = &cert.problem;
    let verdict = w.verdict.as_str();
    if !VERDICTS.contains(&verdict) {
        return Err(Error::rejected(format!(
            "witness.verdict '{verdict}' is not one of {}",
            VERDICTS.join(", ")
        )));
    }
    let loss = Loss::parse(&p.loss).map_err(|e| Error::rejected(format!("problem.loss: {e}")))?;
    let inherited = w.product_descent_direction.is_some() || w.product_ascent_direction.is_some();
    let strict = w.negative_curvature_direction.is_some() || inherited;
    let expected = claims(verdict, strict, &p.loss);
    require_claims(&cert.claims, &expected)?;
    let is_saddle = verdict == "saddle";
    if (w.descent_curve.is_some()
        || w.ascent_curve.is_some()
        || w.negative_curvature_direction.is_some())
        && !(is_saddle && matches!(loss, Loss::Squared))
    {
        return Err(Error::rejected(
            "witness: curves and directions belong to a saddle of the squared loss only".into(),
        ));
    }
    if inherited && !(is_saddle && matches!(loss, Loss::Formula(_))) {
        return Err(Error::rejected(
            "witness: product directions belong to a saddle of a formula loss only".into(),
        ));
    }
    let near = verdict == "near-global-minimum";
    let local = matches!(verdict, "local-minimum" | "local-maximum");
    for (field, present, allowed) in [
        ("radius", w.radius.is_some(), near || local),
        ("sigma_min_bound", w.sigma_min_bound.is_some(), near),
        ("distance", w.distance.is_some(), near),
        ("norm_bounds", w.norm_bounds.is_some(), local),
        ("epsilon", w.epsilon.is_some(), local),
    ] {
        if present && !allowed {
            return Err(Error::rejected(format!(
                "witness.{field} does not belong to a '{verdict}' certificate"
            )));
        }
    }
    let net = parse_net(p, &w.point, &loss)?;

    let c = Checks {
        net,
        loss,
        witness: w,
        gradients: std::cell::OnceCell::new(),
        box_zero: std::cell::OnceCell::new(),
    };
    verify_claims(KIND, &cert.claims, |id| match id {
        "width" => c.width(),
        "critical-point" => c.critical_point(),
        "not-critical" => c.not_critical(),
        "product-gradient-zero" => c.product_gradient_zero(),
        "global-minimum" => c.global_minimum(),
        "product-gradient-nonzero" => c.product_gradient_nonzero(),
        "descent-curve" => c.curve(id, &w.descent_curve, true),
        "ascent-curve" => c.curve(id, &w.ascent_curve, false),
        "negative-curvature" => c.negative_curvature(),
        "product-box-zero" => c.product_box_zero(),
        "near-global-minimum" => c.near_global_minimum(),
        "loss-hessian-definite" => c.loss_hessian_definite(verdict == "local-minimum"),
        "local-minimum" | "local-maximum" => c.local_optimum(verdict == "local-minimum"),
        "inherited-descent" => c.inherited(&w.product_descent_direction, true),
        "inherited-ascent" => c.inherited(&w.product_ascent_direction, false),
        other => Err(unknown_claim(other)),
    })
}

/// What the checker computes at a point, for a producer's verdict: `∇ℓ0` at the product, the
/// loss and every layer gradient, each entry exact where rational, else an enclosure.
pub struct Summary {
    /// `∇ℓ0(W_{H+1:1})`, `dy × dx`.
    pub product_gradient: Vec<Vec<V>>,
    /// `ℓ(Ŵ)`.
    pub loss: V,
    /// `∂ℓ/∂W_j`, `j = 1..=L`.
    pub layer_gradients: Vec<Vec<Vec<V>>>,
}

/// The checker's [`Summary`] of a problem and point (the shapes and the targets are checked as
/// for a certificate).
pub fn summary(problem: &Problem, point: &Layers) -> Result<Summary> {
    let loss =
        Loss::parse(&problem.loss).map_err(|e| Error::rejected(format!("problem.loss: {e}")))?;
    let net = parse_net(problem, point, &loss)?;
    let witness = Witness::new("", Vec::new());
    let c = Checks {
        net,
        loss,
        witness: &witness,
        gradients: std::cell::OnceCell::new(),
        box_zero: std::cell::OnceCell::new(),
    };
    let g = c.gradients()?;
    let v = |grid: &Grid| -> Vec<Vec<V>> {
        match grid {
            Grid::Exact(m) => m
                .iter()
                .map(|r| r.iter().map(|q| V::E(q.clone())).collect())
                .collect(),
            Grid::Enclosed(m) => m
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|i| {
                            if exactly_zero(i) {
                                V::E(Q::new())
                            } else {
                                V::N(i.clone())
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    };
    Ok(Summary {
        product_gradient: v(&g.product),
        loss: g.loss.clone(),
        layer_gradients: g.layers.iter().map(v).collect(),
    })
}

/// The problem's data and the point, with their shapes checked, and the targets checked for
/// the loss.
fn parse_net(p: &Problem, point: &Layers, loss: &Loss) -> Result<Net> {
    let d = &p.widths;
    if d.len() < 2 || d.contains(&0) || p.x.is_empty() || p.x[0].is_empty() {
        return Err(Error::rejected(
            "problem: need at least one layer, positive widths and at least one point".into(),
        ));
    }
    let m = p.x[0].len();
    let l = d.len() - 1;
    if !matches!(loss, Loss::Squared) {
        // G, ∇ℓ0 = GXᵀ and the layer gradients, enclosed: bounded before any work.
        let work = gradient_work(d, m);
        if work > MAX_WORK {
            return Err(Error::rejected(format!(
                "the gradients of this loss need about {work} interval operations (m·dx·dy + Σ_j d_j·d_(j−1)·(dx + dy)), above the limit {MAX_WORK}"
            )));
        }
    }
    let net = Net {
        d: d.clone(),
        x: q_mat("problem.X", &p.x, d[0], m)?,
        y: q_mat("problem.Y", &p.y, d[l], m)?,
        w: parse_layers("witness.point", point, d)?,
    };
    loss.check_targets(&net.y)
        .map_err(|e| Error::rejected(format!("problem.Y: {e}")))?;
    Ok(net)
}

/// The operations of the gradients of a loss other than the squared one: `Ŷ` and `∇ℓ0 = GXᵀ`
/// (`m·dx·dy` each, counted once) and the prefix and layer products (`Σ_j d_j·d_{j−1}·(dx + dy)`).
fn gradient_work(d: &[usize], m: usize) -> u128 {
    let l = d.len() - 1;
    let (dx, dy) = (d[0] as u128, d[l] as u128);
    let layers: u128 = (1..=l)
        .map(|j| (d[j] as u128) * (d[j - 1] as u128) * (dx + dy))
        .sum();
    (m as u128) * dx * dy + layers
}

/// A matrix computed exactly, or enclosed entrywise.
enum Grid {
    Exact(Mat),
    Enclosed(Vec<Vec<I>>),
}

/// `= q (exact)` or `∈ [lo, hi] (interval)`.
fn value_text(v: &V) -> String {
    match v {
        V::E(_) => format!("= {}", v.show()),
        V::N(_) => v.show(),
    }
}

fn exactly_zero(i: &I) -> bool {
    i.lo_q().is_some_and(|v| v == 0) && i.hi_q().is_some_and(|v| v == 0)
}

impl Grid {
    /// An entry certainly nonzero (the largest in absolute value when exact): position, text.
    fn nonzero(&self) -> Option<(usize, usize, String)> {
        match self {
            Grid::Exact(m) => largest(m).map(|(a, b, v)| (a, b, v.to_string())),
            Grid::Enclosed(m) => m.iter().enumerate().find_map(|(a, row)| {
                row.iter()
                    .position(|v| v.is_finite() && !v.contains_zero())
                    .map(|b| (a, b, format!("∈ {}", row[b].show(12))))
            }),
        }
    }

    /// An entry not known to be exactly 0: position, text (`None`: all are exactly 0).
    fn not_zero(&self) -> Option<(usize, usize, String)> {
        match self {
            Grid::Exact(m) => largest(m).map(|(a, b, v)| (a, b, v.to_string())),
            Grid::Enclosed(m) => m.iter().enumerate().find_map(|(a, row)| {
                row.iter()
                    .position(|v| !exactly_zero(v))
                    .map(|b| (a, b, format!("∈ {} (not exactly 0)", row[b].show(12))))
            }),
        }
    }
}

fn imat(a: &Mat) -> Vec<Vec<I>> {
    a.iter()
        .map(|r| r.iter().map(|v| I::from_q(PREC, v)).collect())
        .collect()
}

/// `a · b` for enclosed matrices (`inner` columns of `a`, `cols` of `b`).
fn mul_i(a: &[Vec<I>], b: &[Vec<I>], inner: usize, cols: usize) -> Vec<Vec<I>> {
    a.iter()
        .map(|row| {
            (0..cols)
                .map(|j| {
                    let mut s = I::from_i(PREC, 0);
                    for k in 0..inner {
                        s = s.add(&row[k].mul(&b[k][j]));
                    }
                    s
                })
                .collect()
        })
        .collect()
}

/// Exact positive definiteness of a symmetric rational matrix: Gaussian elimination without
/// pivoting, every pivot positive.
fn positive_definite(mut a: Mat) -> bool {
    let n = a.len();
    for k in 0..n {
        if a[k][k] <= 0 {
            return false;
        }
        for i in k + 1..n {
            if a[i][k] == 0 {
                continue;
            }
            let f = Q::from(&a[i][k] / &a[k][k]);
            let (top, bottom) = a.split_at_mut(i);
            for (x, p) in bottom[0][k..].iter_mut().zip(&top[k][k..]) {
                *x -= Q::from(&f * p);
            }
        }
    }
    true
}

/// `∇ℓ0` at the product, the loss, and every layer gradient.
struct Gradients {
    product: Grid,
    loss: V,
    layers: Vec<Grid>,
}

/// The outcome of the box test.
struct BoxZero {
    /// `ρ/r` of Krawczyk's test.
    ratio: f64,
    /// `‖R* − R̂‖_F² ≤ factor · r²`.
    factor: u64,
}

/// The parsed problem and witness, with one check per claim.
struct Checks<'a> {
    net: Net,
    loss: Loss,
    witness: &'a Witness,
    /// Computed once and shared by the claims that use them.
    gradients: std::cell::OnceCell<std::result::Result<Gradients, String>>,
    box_zero: std::cell::OnceCell<std::result::Result<BoxZero, String>>,
}

fn field(name: &str, v: &Option<String>) -> Result<Q> {
    q(
        &format!("witness.{name}"),
        v.as_deref()
            .ok_or_else(|| Error::rejected(format!("the witness has no {name}")))?,
    )
}

impl Checks<'_> {
    fn gradients(&self) -> Result<&Gradients> {
        self.gradients
            .get_or_init(|| self.compute_gradients())
            .as_ref()
            .map_err(|e| Error::rejected(e.clone()))
    }

    /// The prefixes and the predictions `Ŷ = W_{H+1:1}X` (exact).
    fn predictions(&self) -> (Vec<Mat>, Mat) {
        let prefixes = self.net.prefixes();
        let full = prefixes.last().cloned().unwrap_or_default();
        let yhat = mul(&full, &self.net.x, self.net.d[0], self.net.y[0].len());
        (prefixes, yhat)
    }

    fn compute_gradients(&self) -> std::result::Result<Gradients, String> {
        if matches!(self.loss, Loss::Squared) {
            let prefixes = self.net.prefixes();
            let full = prefixes.last().cloned().unwrap_or_default();
            let (product, loss) = self.net.product_gradient(&full);
            let layers = self.net.layer_gradients(&product, &prefixes);
            return Ok(Gradients {
                product: Grid::Exact(product),
                loss: V::E(loss),
                layers: layers.into_iter().map(Grid::Exact).collect(),
            });
        }
        let (prefixes, yhat) = self.predictions();
        let (d, x, y) = (&self.net.d, &self.net.x, &self.net.y);
        let (dx, dy, m) = (d[0], d[d.len() - 1], y[0].len());
        let mut g = vec![vec![V::E(Q::new()); m]; dy];
        let mut loss = V::E(Q::new());
        for i in 0..m {
            let col: Vec<V> = (0..dy).map(|k| V::E(yhat[k][i].clone())).collect();
            let ycol: Vec<Q> = (0..dy).map(|k| y[k][i].clone()).collect();
            let gi = self.loss.grad(&col, &ycol, PREC)?;
            loss = loss.add(&self.loss.value(&col, &ycol, PREC)?, PREC);
            for (k, v) in gi.into_iter().enumerate() {
                g[k][i] = v;
            }
        }
        let exact: Option<Mat> = g
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| match v {
                        V::E(q) => Some(q.clone()),
                        V::N(_) => None,
                    })
                    .collect()
            })
            .collect();
        if let Some(ge) = exact {
            let product = mul(&ge, &transpose(x, dx, m), m, dx);
            let layers = self.net.layer_gradients(&product, &prefixes);
            return Ok(Gradients {
                product: Grid::Exact(product),
                loss,
                layers: layers.into_iter().map(Grid::Exact).collect(),
            });
        }
        let gi: Vec<Vec<I>> = g
            .iter()
            .map(|r| r.iter().map(|v| v.to_i(PREC)).collect())
            .collect();
        let product = mul_i(&gi, &imat(&transpose(x, dx, m)), m, dx);
        // The layer gradients, top down: t = W_{H+1:j+1}ᵀ ∇ℓ0.
        let l = self.net.layers();
        let mut layers: Vec<Vec<Vec<I>>> = vec![Vec::new(); l];
        let mut t = product.clone();
        for j in (1..=l).rev() {
            layers[j - 1] = if j == 1 {
                t.clone()
            } else {
                let b = imat(&transpose(&prefixes[j - 2], d[j - 1], dx));
                mul_i(&t, &b, dx, d[j - 1])
            };
            if j > 1 {
                let wt = imat(&transpose(&self.net.w[j - 1], d[j], d[j - 1]));
                t = mul_i(&wt, &t, d[j], dx);
            }
        }
        Ok(Gradients {
            product: Grid::Enclosed(product),
            loss,
            layers: layers.into_iter().map(Grid::Enclosed).collect(),
        })
    }

    /// Krawczyk's test for a zero of `∇ℓ0` in the box of radius `witness.radius` around the
    /// product (cross-entropy: on the slice `1ᵀR = 1ᵀR̂`, whose unknowns are the first `dy − 1`
    /// rows of `R`, the last row being minus their sum), with the factor bounding `‖R* − R̂‖_F²`.
    fn compute_box_zero(&self) -> std::result::Result<BoxZero, String> {
        let r = field("radius", &self.witness.radius).map_err(|e| e.to_string())?;
        if r <= 0 {
            return Err(format!("the radius {r} is not positive"));
        }
        let (d, x, y) = (&self.net.d, &self.net.x, &self.net.y);
        let (dx, dy, m) = (d[0], d[d.len() - 1], y[0].len());
        let slice = matches!(self.loss, Loss::CrossEntropy);
        let rows = if slice { dy - 1 } else { dy };
        let n = rows * dx;
        let work = (m as u128) * (n as u128) * (n as u128);
        if work > MAX_WORK {
            return Err(format!(
                "the Hessian of ℓ0 over the box needs m·n² = {work} operations, above the limit {MAX_WORK}"
            ));
        }
        let (_, yhat) = self.predictions();
        let xt = imat(x);
        // The gradient at the product, reduced to the unknowns: on the slice, rows k < dy of
        // ∇ℓ0 minus its last row (zero together with ∇ℓ0, whose columns sum to 0 there).
        let mut g0 = vec![vec![I::from_i(PREC, 0); dx]; rows];
        let mut jac = vec![vec![I::from_i(PREC, 0); n]; n];
        let last = dy - 1;
        for i in 0..m {
            let ycol: Vec<Q> = (0..dy).map(|k| y[k][i].clone()).collect();
            let at: Vec<V> = (0..dy).map(|k| V::E(yhat[k][i].clone())).collect();
            let gcol: Vec<I> = self
                .loss
                .grad(&at, &ycol, PREC)?
                .iter()
                .map(|v| v.to_i(PREC))
                .collect();
            // |Δŷ_ik| ≤ r‖x_i‖_1 on a free row, (dy − 1)r‖x_i‖_1 on the dependent one.
            let l1: Q = (0..dx).map(|a| Q::from(x[a][i].abs_ref())).sum();
            let boxed: Vec<V> = (0..dy)
                .map(|k| {
                    let f = if slice && k == last { last as u32 } else { 1 };
                    let s = Q::from(&r * &l1) * f;
                    V::N(I::span(
                        PREC,
                        &Q::from(&yhat[k][i] - &s),
                        &Q::from(&yhat[k][i] + &s),
                    ))
                })
                .collect();
            let h: Vec<Vec<I>> = self
                .loss
                .hess(&boxed, &ycol, PREC)?
                .iter()
                .map(|row| row.iter().map(|v| v.to_i(PREC)).collect())
                .collect();
            for k in 0..rows {
                let gk = if slice {
                    gcol[k].sub(&gcol[last])
                } else {
                    gcol[k].clone()
                };
                for a in 0..dx {
                    g0[k][a] = g0[k][a].add(&gk.mul(&xt[a][i]));
                }
                for l in 0..rows {
                    let hkl = if slice {
                        h[k][l]
                            .sub(&h[k][last])
                            .sub(&h[last][l])
                            .add(&h[last][last])
                    } else {
                        h[k][l].clone()
                    };
                    for a in 0..dx {
                        let ha = hkl.mul(&xt[a][i]);
                        for b in 0..dx {
                            let e = &mut jac[k * dx + a][l * dx + b];
                            *e = e.add(&ha.mul(&xt[b][i]));
                        }
                    }
                }
            }
        }
        let gf: Vec<F> = g0
            .iter()
            .flatten()
            .map(to_f)
            .collect::<Option<_>>()
            .ok_or("an unbounded entry of ∇ℓ0")?;
        let jf: Vec<Vec<F>> = jac
            .iter()
            .map(|row| row.iter().map(to_f).collect::<Option<Vec<F>>>())
            .collect::<Option<_>>()
            .ok_or("an unbounded entry of the Hessian of ℓ0 over the box")?;
        let rf = Some(F::around(&r))
            .filter(|v| v.is_positive() && v.is_finite())
            .ok_or("the radius is beyond binary64's range")?;
        let ratio = krawczyk(&gf, &jf, rf)?;
        let factor = if slice {
            (rows * dx + dx * last * last) as u64
        } else {
            n as u64
        };
        Ok(BoxZero { ratio, factor })
    }

    fn box_zero(&self) -> Result<&BoxZero> {
        self.box_zero
            .get_or_init(|| self.compute_box_zero())
            .as_ref()
            .map_err(|e| Error::rejected(e.clone()))
    }

    /// `product-box-zero`: Krawczyk's test for `∇ℓ0` around the product.
    fn product_box_zero(&self) -> Result<String> {
        let b = self.box_zero()?;
        Ok(format!(
            "K(B) − R̂ ⊂ [−ρ, ρ]^n with ρ/r ≤ {:.4}, r = {}",
            b.ratio,
            self.witness.radius.as_deref().unwrap_or("?")
        ))
    }

    /// `near-global-minimum`: the box test again, convexity, `AAᵀ − s²I ≻ 0` exactly and
    /// `δ² s² ≥ factor · r²`.
    fn near_global_minimum(&self) -> Result<String> {
        if !self.loss.convex() {
            return Err(Error::rejected(
                "the loss is a formula, not known to be convex".into(),
            ));
        }
        let b = self.box_zero()?;
        let r = field("radius", &self.witness.radius)?;
        let s = field("sigma_min_bound", &self.witness.sigma_min_bound)?;
        let delta = field("distance", &self.witness.distance)?;
        if s <= 0 || delta <= 0 {
            return Err(Error::rejected(format!(
                "sigma_min_bound {s} and distance {delta} must be positive"
            )));
        }
        let d = &self.net.d;
        let l = self.net.layers();
        let dy = d[l];
        let s2 = Q::from(&s * &s);
        let mut gram: Mat = if l == 1 {
            (0..dy)
                .map(|i| (0..dy).map(|j| Q::from(u8::from(i == j))).collect())
                .collect()
        } else {
            // A = W_{H+1}⋯W_2, dy × d_1.
            let mut a = self.net.w[1].clone();
            for j in 3..=l {
                a = mul(&self.net.w[j - 1], &a, d[j - 1], d[1]);
            }
            mul(&a, &transpose(&a, dy, d[1]), d[1], dy)
        };
        for (i, row) in gram.iter_mut().enumerate() {
            row[i] -= &s2;
        }
        if !positive_definite(gram) {
            return Err(Error::rejected(format!(
                "AAᵀ − s²I is not positive definite for s = {s} (A = W_{{H+1:2}})"
            )));
        }
        let need = Q::from(&r * &r) * b.factor;
        let have = Q::from(&delta * &delta) * &s2;
        if have < need {
            return Err(Error::rejected(format!(
                "δ²s² = {have} < {} · r² = {need}: the distance does not follow",
                b.factor
            )));
        }
        Ok(format!(
            "σ_min(A) ≥ s = {s}; ‖R* − R̂‖_F ≤ √{}·r with r = {r}; δ = {delta}",
            b.factor
        ))
    }

    /// `loss-hessian-definite`: every block `Σ_i f''(ŷ_ik, y_ik) x_i x_iᵀ` of the Hessian of a
    /// formula loss is positive (negative) definite over the box, through the lower (upper)
    /// ends of the enclosures of `f''` (each `x_i x_iᵀ` is positive semidefinite).
    fn loss_hessian_definite(&self, minimum: bool) -> Result<String> {
        if self.loss.convex() {
            return Err(Error::rejected(
                "inherited local optima are certified for formula losses (a named loss is convex: its critical points with ∇ℓ0 = 0 are global minima)".into(),
            ));
        }
        let r = field("radius", &self.witness.radius)?;
        if r <= 0 {
            return Err(Error::rejected(format!("the radius {r} is not positive")));
        }
        let (d, x, y) = (&self.net.d, &self.net.x, &self.net.y);
        let (dx, dy, m) = (d[0], d[d.len() - 1], y[0].len());
        let work = (m as u128) * (dy as u128) * (dx as u128) * (dx as u128);
        if work > MAX_WORK {
            return Err(Error::rejected(format!(
                "the Hessian of ℓ0 needs m·dy·dx² = {work} operations, above the limit {MAX_WORK}"
            )));
        }
        let (_, yhat) = self.predictions();
        let mut blocks = vec![zeros(dx, dx); dy];
        for i in 0..m {
            let l1: Q = (0..dx).map(|a| Q::from(x[a][i].abs_ref())).sum();
            let s = Q::from(&r * &l1);
            for k in 0..dy {
                let at = V::N(I::span(
                    PREC,
                    &Q::from(&yhat[k][i] - &s),
                    &Q::from(&yhat[k][i] + &s),
                ));
                let h = self
                    .loss
                    .hess(&[at], &[y[k][i].clone()], PREC)
                    .map_err(Error::rejected)?
                    .swap_remove(0)
                    .swap_remove(0)
                    .to_i(PREC);
                let end = if minimum { h.lo_q() } else { h.hi_q() };
                let c = end.ok_or_else(|| {
                    Error::rejected("an unbounded second derivative over the box".into())
                })?;
                // Negated for a maximum, so that both cases test positive definiteness.
                let c = if minimum { c } else { -c };
                if c == 0 {
                    continue;
                }
                for a in 0..dx {
                    let ca = Q::from(&c * &x[a][i]);
                    for b in 0..dx {
                        blocks[k][a][b] += Q::from(&ca * &x[b][i]);
                    }
                }
            }
        }
        if let Some(k) = blocks.into_iter().position(|b| !positive_definite(b)) {
            return Err(Error::rejected(format!(
                "block {} (output row {}) of the Hessian bound is not {} definite",
                k + 1,
                k + 1,
                if minimum { "positive" } else { "negative" }
            )));
        }
        Ok(format!(
            "all {dy} blocks definite over the box of radius {r}"
        ))
    }

    /// `inherited-descent` / `inherited-ascent`: `∇ℓ0 = 0` exactly and the sign of
    /// `Σ_{i,k} f''(ŷ_ik, y_ik)(Dx_i)_k²`, `D = W_{H+1:2} C`, at the point.
    fn inherited(&self, dir: &Option<Vec<Vec<String>>>, descent: bool) -> Result<String> {
        if !matches!(self.loss, Loss::Formula(_)) {
            return Err(Error::rejected(
                "inherited saddles are certified for formula losses".into(),
            ));
        }
        self.product_gradient_zero()?;
        let d = &self.net.d;
        let l = self.net.layers();
        let (dx, dy, m) = (d[0], d[l], self.net.y[0].len());
        let work = (m as u128) * (dy as u128) * (dx as u128);
        if work > MAX_WORK {
            return Err(Error::rejected(format!(
                "the second derivative needs m·dy·dx = {work} operations, above the limit {MAX_WORK}"
            )));
        }
        let c = q_mat(
            &format!(
                "witness.product_{}_direction",
                if descent { "descent" } else { "ascent" }
            ),
            dir.as_ref()
                .ok_or_else(|| Error::rejected("the witness has no such direction".into()))?,
            d[1],
            dx,
        )?;
        // D = W_{H+1}⋯W_2 C.
        let mut dm = c;
        for j in 2..=l {
            dm = mul(&self.net.w[j - 1], &dm, d[j - 1], dx);
        }
        let dxm = mul(&dm, &self.net.x, dx, m);
        let (_, yhat) = self.predictions();
        let mut q2 = V::E(Q::new());
        for i in 0..m {
            for k in 0..dy {
                if dxm[k][i] == 0 {
                    continue;
                }
                let h = self
                    .loss
                    .hess(
                        &[V::E(yhat[k][i].clone())],
                        &[self.net.y[k][i].clone()],
                        PREC,
                    )
                    .map_err(Error::rejected)?
                    .swap_remove(0)
                    .swap_remove(0);
                let sq = V::E(Q::from(&dxm[k][i] * &dxm[k][i]));
                q2 = q2.add(&h.mul(&sq, PREC), PREC);
            }
        }
        let want = if descent {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        };
        if q2.sign() != Some(want) {
            return Err(Error::rejected(format!(
                "Σ f''·(Dx)² {} is not certainly {}",
                value_text(&q2),
                if descent { "negative" } else { "positive" }
            )));
        }
        Ok(format!("2·(t² coefficient) {}", value_text(&q2)))
    }

    /// `local-minimum` / `local-maximum`: `∇ℓ0 = 0`, the definiteness again, the norm bounds
    /// and `Π(n_j + ε) − Π n_j ≤ r`.
    fn local_optimum(&self, minimum: bool) -> Result<String> {
        self.product_gradient_zero()?;
        self.loss_hessian_definite(minimum)?;
        let r = field("radius", &self.witness.radius)?;
        let eps = field("epsilon", &self.witness.epsilon)?;
        if eps <= 0 {
            return Err(Error::rejected(format!("ε = {eps} is not positive")));
        }
        let nb = q_vec(
            "witness.norm_bounds",
            self.witness
                .norm_bounds
                .as_deref()
                .ok_or_else(|| Error::rejected("the witness has no norm_bounds".into()))?,
        )?;
        let l = self.net.layers();
        if nb.len() != l {
            return Err(Error::rejected(format!(
                "witness.norm_bounds has {} entries, expected {l}",
                nb.len()
            )));
        }
        let (mut with, mut without) = (Q::from(1), Q::from(1));
        for (j, (n, w)) in nb.iter().zip(&self.net.w).enumerate() {
            let fro: Q = w.iter().flatten().map(|v| Q::from(v * v)).sum();
            if *n < 0 || Q::from(n * n) < fro {
                return Err(Error::rejected(format!(
                    "n_{} = {n} is not an upper bound of ‖W{}‖_F (‖W{}‖_F² = {fro})",
                    j + 1,
                    j + 1,
                    j + 1
                )));
            }
            with *= Q::from(n + &eps);
            without *= n;
        }
        let spread = Q::from(&with - &without);
        if spread > r {
            return Err(Error::rejected(format!(
                "Π(n_j + ε) − Π n_j = {spread} > r = {r}"
            )));
        }
        Ok(format!(
            "ε = {eps}: the products stay within r = {r} of Ŵ_{{H+1:1}}"
        ))
    }

    /// `width`: every hidden width is at least `min(dx, dy)`.
    fn width(&self) -> Result<String> {
        let d = &self.net.d;
        let l = d.len() - 1;
        let r = d[0].min(d[l]);
        if let Some(j) = (1..l).find(|&j| d[j] < r) {
            return Err(Error::rejected(format!(
                "d_{j} = {} < min(dx, dy) = {r}",
                d[j]
            )));
        }
        Ok(format!("widths {d:?}, min(dx, dy) = {r}"))
    }

    /// `not-critical`: some layer gradient entry is certainly nonzero.
    fn not_critical(&self) -> Result<String> {
        let g = self.gradients()?;
        let (j, (a, b, v)) = g
            .layers
            .iter()
            .enumerate()
            .find_map(|(j, gr)| gr.nonzero().map(|e| (j, e)))
            .ok_or_else(|| {
                Error::rejected("no layer-gradient entry is certainly nonzero".into())
            })?;
        Ok(format!("∂ℓ/∂W{}[{},{}] = {v}", j + 1, a + 1, b + 1))
    }

    /// `critical-point`: every layer gradient is exactly 0.
    fn critical_point(&self) -> Result<String> {
        let g = self.gradients()?;
        if let Some((j, (a, b, v))) = g
            .layers
            .iter()
            .enumerate()
            .find_map(|(j, gr)| gr.not_zero().map(|e| (j, e)))
        {
            return Err(Error::rejected(format!(
                "∂ℓ/∂W{}[{},{}] = {v}, not 0",
                j + 1,
                a + 1,
                b + 1
            )));
        }
        Ok(format!(
            "all {} layer gradients are exactly 0",
            self.net.d.len() - 1
        ))
    }

    /// `product-gradient-zero`: `∇ℓ0 = 0` at the product, exactly.
    fn product_gradient_zero(&self) -> Result<String> {
        let g = self.gradients()?;
        if let Some((a, b, v)) = g.product.not_zero() {
            return Err(Error::rejected(format!(
                "∇ℓ0[{},{}] = {v}, not 0",
                a + 1,
                b + 1
            )));
        }
        let d = &self.net.d;
        Ok(format!("all {}×{} entries are 0", d[d.len() - 1], d[0]))
    }

    /// `global-minimum`: follows from `product-gradient-zero` (checked again here, so that this
    /// claim never rests on another claim's check having run) and the convexity of `ℓ0`.
    fn global_minimum(&self) -> Result<String> {
        if !self.loss.convex() {
            return Err(Error::rejected(
                "the loss is a formula, not known to be convex: no global minimum follows".into(),
            ));
        }
        self.product_gradient_zero()?;
        let g = self.gradients()?;
        Ok(match (&self.loss, &g.loss) {
            (Loss::Squared, V::E(v)) => {
                format!("∇ℓ0 = 0 at the product and ℓ0 is a convex quadratic; ℓ(Ŵ) = min ℓ = {v}")
            }
            (_, v) => format!(
                "∇ℓ0 = 0 at the product and ℓ0 is convex; ℓ(Ŵ) = min ℓ {}",
                value_text(v)
            ),
        })
    }

    /// `product-gradient-nonzero`: `∇ℓ0 ≠ 0` at the product.
    fn product_gradient_nonzero(&self) -> Result<String> {
        let g = self.gradients()?;
        let (a, b, v) = g.product.nonzero().ok_or_else(|| {
            Error::rejected("no entry of ∇ℓ0 at the product is certainly nonzero".into())
        })?;
        Ok(match (&self.loss, &g.loss) {
            (Loss::Squared, V::E(l)) => format!("∇ℓ0[{},{}] = {v}; ℓ(Ŵ) = {l}", a + 1, b + 1),
            (_, l) => format!("∇ℓ0[{},{}] = {v}; ℓ(Ŵ) {}", a + 1, b + 1, value_text(l)),
        })
    }

    /// `descent-curve` / `ascent-curve`: the lowest-order coefficient of the loss polynomial
    /// along the curve is negative / positive.
    fn curve(&self, id: &str, curve: &Option<Curve>, want_negative: bool) -> Result<String> {
        let curve = curve
            .as_ref()
            .ok_or_else(|| Error::rejected("the witness has no such curve".into()))?;
        let c = parse_curve(
            &format!("witness.{}", id.replace('-', "_")),
            curve,
            &self.net.d,
        )?;
        let poly = self.net.loss_polynomial(&c);
        let (k, ck) = lowest(&poly).ok_or_else(|| {
            Error::rejected(format!(
                "the loss along it has no nonzero coefficient up to order {MAX_ORDER}"
            ))
        })?;
        if (ck < 0) != want_negative {
            return Err(Error::rejected(format!(
                "the lowest-order coefficient is {ck} (order {k}), wrong sign"
            )));
        }
        Ok(format!("lowest-order term of ℓ(θ(t)) − ℓ(Ŵ): {ck}·t^{k}"))
    }

    /// `negative-curvature`: `Vᵀ∇²ℓ(Ŵ)V < 0` for the witness's direction, with no linear term.
    fn negative_curvature(&self) -> Result<String> {
        let dir = self
            .witness
            .negative_curvature_direction
            .as_ref()
            .ok_or_else(|| Error::rejected("the witness has no direction".into()))?;
        let v = parse_layers("witness.negative_curvature_direction", dir, &self.net.d)?;
        let curve: Vec<Vec<Mat>> = v.into_iter().map(|m| vec![m]).collect();
        let poly = self.net.loss_polynomial(&curve);
        if poly.len() < 2 || poly[0] != 0 || poly[1] >= 0 {
            return Err(Error::rejected(format!(
                "ℓ(Ŵ + tV) − ℓ(Ŵ) has t-coefficient {} and t²-coefficient {}",
                poly[0],
                poly.get(1).cloned().unwrap_or_default()
            )));
        }
        let quad = Q::from(&poly[1] * 2u32);
        Ok(format!("Vᵀ∇²ℓ(Ŵ)V = {quad} < 0"))
    }
}
