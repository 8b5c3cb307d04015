//! Certificate kind `deep-linear-critical-point` (Theorem 4, Corollary 5): a point
//! `Ŵ = (W1, …, W_{H+1})` of a deep linear network `Ŷ = W_{H+1}⋯W1 X` with the squared loss
//! `ℓ(W) = ½‖W_{H+1:1}X − Y‖_F²` is classified as a global minimum, a saddle, or not a critical
//! point. Produced by `critcert deep-linear` (`src/theorems/thm4.rs`); `check_thm4` in
//! `proofs/check_flint.py`.
//!
//! The checker recomputes the product, `∇ℓ0 = (W_{H+1:1}X − Y)Xᵀ`, every layer gradient
//! `W_{H+1:j+1}ᵀ ∇ℓ0 W_{j−1:1}ᵀ`, and, for the witness curves `θ(t) = Ŵ + Σ_k t^k C_k`, the exact
//! loss polynomial `ℓ(θ(t)) − ℓ(Ŵ)` by polynomial arithmetic on matrix products.

use super::kernel::{q_mat, Q};
use super::{parse_typed, require_claims, unknown_claim, verify_claims, CheckReport, Claim};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The kind name.
pub const KIND: &str = "deep-linear-critical-point";

/// The problem: data (one column per point) and layer widths.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Always `"half-squared-frobenius"`: `ℓ0(R) = ½‖RX − Y‖_F²`.
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
    /// `global-minimum`, `saddle` or `not-critical`.
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
}

/// A `deep-linear-critical-point` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims for a verdict (`strict`: the saddle has a negative-curvature claim).
pub fn claims(verdict: &str, strict: bool) -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    let width = c(
        "width",
        "every hidden width d_j (1 ≤ j ≤ H) is at least min(dx, dy)",
    );
    let critical = c("critical-point", "every layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ is exactly 0: the point is a critical point of ℓ");
    match verdict {
        "global-minimum" => vec![
            width,
            critical,
            c("product-gradient-zero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ is exactly 0"),
            c("global-minimum", "ℓ0 is a convex quadratic, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)"),
        ],
        "saddle" => {
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

/// Checks a `deep-linear-critical-point` certificate.
pub fn check(value: serde_json::Value) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value)?;
    let w = &cert.witness;
    let p = &cert.problem;
    let verdict = w.verdict.as_str();
    if !matches!(verdict, "global-minimum" | "saddle" | "not-critical") {
        return Err(Error::rejected(format!(
            "witness.verdict '{verdict}' is not global-minimum, saddle or not-critical"
        )));
    }
    let strict = w.negative_curvature_direction.is_some();
    let expected = claims(verdict, strict);
    require_claims(&cert.claims, &expected)?;
    let is_saddle = verdict == "saddle";
    if (w.descent_curve.is_some() || w.ascent_curve.is_some() || strict) && !is_saddle {
        return Err(Error::rejected(
            "witness: curves and directions belong to a saddle only".into(),
        ));
    }
    if p.loss != "half-squared-frobenius" {
        return Err(Error::rejected(format!(
            "problem.loss is '{}', expected 'half-squared-frobenius'",
            p.loss
        )));
    }
    let d = &p.widths;
    if d.len() < 2 || d.contains(&0) || p.x.is_empty() || p.x[0].is_empty() {
        return Err(Error::rejected(
            "problem: need at least one layer, positive widths and at least one point".into(),
        ));
    }
    let m = p.x[0].len();
    let l = d.len() - 1;
    let net = Net {
        d: d.clone(),
        x: q_mat("problem.X", &p.x, d[0], m)?,
        y: q_mat("problem.Y", &p.y, d[l], m)?,
        w: parse_layers("witness.point", &w.point, d)?,
    };

    let c = Checks {
        net,
        witness: w,
        gradients: std::cell::OnceCell::new(),
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
        other => Err(unknown_claim(other)),
    })
}

/// `∇ℓ0` at the product, the loss, and every layer gradient.
struct Gradients {
    product: Mat,
    loss: Q,
    layers: Vec<Mat>,
}

/// The parsed problem and witness, with one check per claim.
struct Checks<'a> {
    net: Net,
    witness: &'a Witness,
    /// Computed once and shared by the claims that use them.
    gradients: std::cell::OnceCell<Gradients>,
}

impl Checks<'_> {
    fn gradients(&self) -> &Gradients {
        self.gradients.get_or_init(|| {
            let prefixes = self.net.prefixes();
            let full = prefixes.last().cloned().unwrap_or_default();
            let (product, loss) = self.net.product_gradient(&full);
            let layers = self.net.layer_gradients(&product, &prefixes);
            Gradients {
                product,
                loss,
                layers,
            }
        })
    }

    /// The entry of largest absolute value over all layer gradients: `(layer, row, col, value)`.
    fn worst_layer_entry(&self) -> Option<(usize, usize, usize, Q)> {
        self.gradients()
            .layers
            .iter()
            .enumerate()
            .filter_map(|(j, gr)| largest(gr).map(|(a, b, v)| (j, a, b, v)))
            .reduce(|x, y| if y.3.cmp_abs(&x.3).is_gt() { y } else { x })
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

    /// `not-critical`: some layer gradient entry is nonzero.
    fn not_critical(&self) -> Result<String> {
        let (j, a, b, v) = self.worst_layer_entry().ok_or_else(|| {
            Error::rejected("every layer gradient is exactly 0: the point is critical".into())
        })?;
        Ok(format!(
            "∂ℓ/∂W{}[{},{}] = {v} (the largest entry in absolute value)",
            j + 1,
            a + 1,
            b + 1
        ))
    }

    /// `critical-point`: every layer gradient is exactly 0.
    fn critical_point(&self) -> Result<String> {
        if let Some((j, a, b, v)) = self.worst_layer_entry() {
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

    /// `product-gradient-zero`: `∇ℓ0 = 0` at the product.
    fn product_gradient_zero(&self) -> Result<String> {
        if let Some((a, b, v)) = largest(&self.gradients().product) {
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
        self.product_gradient_zero()?;
        Ok(format!(
            "∇ℓ0 = 0 at the product and ℓ0 is a convex quadratic; ℓ(Ŵ) = min ℓ = {}",
            self.gradients().loss
        ))
    }

    /// `product-gradient-nonzero`: `∇ℓ0 ≠ 0` at the product.
    fn product_gradient_nonzero(&self) -> Result<String> {
        let g = self.gradients();
        let (a, b, v) = largest(&g.product)
            .ok_or_else(|| Error::rejected("∇ℓ0 is exactly 0 at the product".into()))?;
        Ok(format!("∇ℓ0[{},{}] = {v}; ℓ(Ŵ) = {}", a + 1, b + 1, g.loss))
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
