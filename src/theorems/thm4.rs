//! Theorem 4 and Corollary 5, exactly: a point of a deep linear network with rational weights
//! and data is classified as a global minimum, a saddle or not a critical point, and certified
//! (proofs/MATH.md §3 and Appendix E). Certificate kind `deep-linear-critical-point`, checked by
//! [`crate::cert::thm4`]; the f64 path for large networks is [`crate::deeplinear`].
//!
//! Saddle witnesses: for a strict saddle both curves are lines `Ŵ + tV` along a negative and a
//! positive direction of an exact LDLᵀ of the Hessian. For a non-strict saddle (e.g. `Ŵ = 0`
//! with `H ≥ 2`, or rank-deficient points whose unused directions are dead in every layer) the
//! "complement curve" of order `H + 1`: vectors `c_j ≠ 0` with `Ŵ_{j+1}c_j = 0` and
//! `c_jᵀŴ_j = 0` for every hidden layer give `W_j(t) = Ŵ_j + t c_j c_{j−1}ᵀ` (with
//! `c_0 = e_q`, `c_{H+1} = ±e_p`) whose product is exactly
//! `Ŵ_{H+1:1} ± t^{H+1} κ e_p e_qᵀ`, `κ = Π‖c_j‖² > 0`, so the loss changes by
//! `± t^{H+1} κ ∇ℓ0[p,q]` to lowest order.

use crate::cert::loss::SQUARED;
use crate::cert::thm4::{self, Cert, Curve, Layers, Problem, Witness};
use crate::cert::value::V;
use crate::cert::{self, Certificate, CheckReport};
use crate::error::{Error, Result};
use crate::exact::ldl::{factorise, Inertia};
use crate::exact::{format_rational, rank, QMatrix, Q};

/// The largest number of parameters for which the exact Hessian is formed and factorised.
pub const HESSIAN_LIMIT: usize = 300;

/// A deep linear network with data: `Ŷ = W_{H+1}⋯W1 X`.
#[derive(Clone, Debug)]
pub struct DeepLinear {
    /// `W1, …, W_{H+1}`; `W_j` is `d_j × d_{j−1}`.
    pub weights: Vec<QMatrix>,
    /// `X`, `dx × m` (one column per point).
    pub x: QMatrix,
    /// `Y`, `dy × m`.
    pub y: QMatrix,
    /// The loss as certificates name it ([`crate::cert::loss`]): `half-squared-frobenius`,
    /// `logistic`, `cross-entropy`, `huber:δ` or `formula:f(yhat, y)`.
    pub loss: String,
}

/// The classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A critical point with `∇ℓ0 = 0` at the product.
    GlobalMinimum,
    /// A critical point with `∇ℓ0 ≠ 0` at the product.
    Saddle,
    /// Some layer gradient is nonzero.
    NotCritical,
    /// Within a certified distance of a global minimum (a transcendental convex loss).
    NearGlobalMinimum,
    /// A local minimum inherited from a non-convex (formula) loss.
    LocalMinimum,
    /// A local maximum inherited from a non-convex (formula) loss.
    LocalMaximum,
    /// Neither decided nor certified (the reason is in [`Analysis::certificate`]).
    Undecided,
}

impl Verdict {
    /// The verdict's name in summaries, JSON and certificates.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::GlobalMinimum => "global-minimum",
            Verdict::Saddle => "saddle",
            Verdict::NotCritical => "not-critical",
            Verdict::NearGlobalMinimum => "near-global-minimum",
            Verdict::LocalMinimum => "local-minimum",
            Verdict::LocalMaximum => "local-maximum",
            Verdict::Undecided => "not-certified",
        }
    }
}

/// A matrix entry: layer (1-based; 0 for `∇ℓ0` itself), row and column (1-based), value.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Layer `j` (1-based), or 0 for `∇ℓ0`.
    pub layer: usize,
    /// Row, 1-based.
    pub row: usize,
    /// Column, 1-based.
    pub col: usize,
    /// The value: exact, or an enclosure (losses that are not rational at the point).
    pub value: V,
}

/// Everything the exact path found.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The verdict.
    pub verdict: Verdict,
    /// Widths `d0 = dx, …, d_{H+1} = dy`.
    pub widths: Vec<usize>,
    /// `ℓ(Ŵ)` (exact for the squared loss).
    pub loss: V,
    /// The largest layer-gradient entry in absolute value (`None`: critical).
    pub max_layer_gradient: Option<Entry>,
    /// The largest entry of `∇ℓ0` at the product (`None`: it is 0).
    pub max_product_gradient: Option<Entry>,
    /// Part 3: the first `j*` with `Ŵ_{H+1:j*+1}` of full row rank and `Ŵ_{j*−1:1}` of full
    /// column rank, if any.
    pub part3_layer: Option<usize>,
    /// The rank of the product `Ŵ_{H+1:1}`.
    pub product_rank: usize,
    /// The exact inertia of the Hessian (critical points with at most [`HESSIAN_LIMIT`]
    /// parameters).
    pub hessian_inertia: Option<Inertia>,
    /// How the saddle curves were built (`hessian-ldl`, `complement-curve`), if a saddle.
    pub saddle_construction: Option<&'static str>,
    /// The certificate (accepted by the checker), or why there is none.
    pub certificate: std::result::Result<(Cert, CheckReport), String>,
}

fn mul(a: &QMatrix, b: &QMatrix) -> QMatrix {
    a.mul(b).expect("shapes checked")
}

/// Validates shapes and the width assumption; returns the widths.
pub fn widths(net: &DeepLinear) -> Result<Vec<usize>> {
    if net.weights.is_empty() {
        return Err(Error::Input("no weight matrices given".into()));
    }
    let mut d = vec![net.weights[0].cols()];
    for (j, w) in net.weights.iter().enumerate() {
        if w.cols() != d[j] {
            return Err(Error::Input(format!(
                "layer W{} is {}×{} but the previous layer has {} outputs",
                j + 1,
                w.rows(),
                w.cols(),
                d[j]
            )));
        }
        d.push(w.rows());
    }
    let l = net.weights.len();
    if net.x.rows() != d[0] || net.y.rows() != d[l] || net.x.cols() != net.y.cols() {
        return Err(Error::Input(format!(
            "shapes: X is {}×{} and Y is {}×{} (as features × points) but the network maps {} inputs to {} outputs",
            net.x.rows(), net.x.cols(), net.y.rows(), net.y.cols(), d[0], d[l]
        )));
    }
    if net.x.cols() == 0 || d.contains(&0) {
        return Err(Error::Input("empty data or a layer of width 0".into()));
    }
    let r = d[0].min(d[l]);
    if let Some(j) = (1..l).find(|&j| d[j] < r) {
        return Err(Error::Input(format!(
            "layer W{j} has width {} < min(dx, dy) = {r}: Theorem 4 needs every hidden width ≥ min(dx, dy)",
            d[j]
        )));
    }
    Ok(d)
}

/// `W_{b:a}` (1-based, inclusive; the identity when `b < a`).
pub(crate) fn partial(w: &[QMatrix], d: &[usize], b: usize, a: usize) -> QMatrix {
    let mut p = QMatrix::identity(d[a - 1]);
    for wj in &w[a - 1..b] {
        p = mul(wj, &p);
    }
    p
}

fn largest(m: &QMatrix, layer: usize) -> Option<Entry> {
    let mut best: Option<Entry> = None;
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            let v = &m[(i, j)];
            let bigger = |b: &Entry| matches!(&b.value, V::E(bv) if v.cmp_abs(bv).is_gt());
            if *v != 0 && best.as_ref().is_none_or(bigger) {
                best = Some(Entry {
                    layer,
                    row: i + 1,
                    col: j + 1,
                    value: V::E(v.clone()),
                });
            }
        }
    }
    best
}

/// Classifies the point exactly and builds the certificate.
pub fn analyse(net: &DeepLinear) -> Result<Analysis> {
    if net.loss != SQUARED {
        return super::thm4_loss::analyse(net);
    }
    let d = widths(net)?;
    let w = &net.weights;
    let l = w.len();
    let p = partial(w, &d, l, 1);
    let r = mul(&p, &net.x).sub(&net.y).expect("shapes");
    let loss = r.half_sq_norm();
    let g = mul(&r, &net.x.transpose());
    let prefix: Vec<QMatrix> = (0..l).map(|j| partial(w, &d, j, 1)).collect(); // W_{j:1}
    let suffix: Vec<QMatrix> = (1..=l + 1).map(|j| partial(w, &d, l, j)).collect(); // W_{L:j}
    let grads: Vec<QMatrix> = (1..=l)
        .map(|j| mul(&mul(&suffix[j].transpose(), &g), &prefix[j - 1].transpose()))
        .collect();
    let max_layer_gradient = grads
        .iter()
        .enumerate()
        .filter_map(|(j, gr)| largest(gr, j + 1))
        .reduce(|a, b| match (&a.value, &b.value) {
            (V::E(av), V::E(bv)) if bv.cmp_abs(av).is_gt() => b,
            _ => a,
        });
    let max_product_gradient = largest(&g, 0);
    let (dx, dy) = (d[0], d[l]);
    let part3_layer = (1..=l).find(|&j| rank(&suffix[j]) == dy && rank(&prefix[j - 1]) == dx);
    let product_rank = rank(&p);
    let verdict = match (&max_layer_gradient, &max_product_gradient) {
        (Some(_), _) => Verdict::NotCritical,
        (None, None) => Verdict::GlobalMinimum,
        (None, Some(_)) => Verdict::Saddle,
    };

    let mut witness = Witness::new(verdict.name(), layers_json(w));
    let mut hessian_inertia = None;
    let mut saddle_construction = None;
    let mut failure = None;
    if verdict == Verdict::Saddle {
        let n: usize = (1..=l).map(|j| d[j] * d[j - 1]).sum();
        if n <= HESSIAN_LIMIT {
            let h = hessian(w, &d, &net.x, &g, &prefix, &suffix);
            let f = factorise(&h).expect("the Hessian is symmetric");
            hessian_inertia = Some(f.inertia);
            if let (Some(neg), Some(pos)) = (&f.negative_direction, &f.positive_direction) {
                let (neg, pos) = (unflatten(neg, &d)?, unflatten(pos, &d)?);
                witness.descent_curve = Some(line(&neg));
                witness.ascent_curve = Some(line(&pos));
                witness.negative_curvature_direction = Some(layers_json(&neg));
                saddle_construction = Some("hessian-ldl");
            }
        }
        if saddle_construction.is_none() {
            let e = max_product_gradient.as_ref().expect("saddle");
            match complement_curves(w, &d, e) {
                Some((desc, asc)) => {
                    witness.descent_curve = Some(desc);
                    witness.ascent_curve = Some(asc);
                    saddle_construction = Some("complement-curve");
                }
                None => {
                    failure = Some(if n > HESSIAN_LIMIT {
                        format!("the point is a saddle by Theorem 4 (critical, ∇ℓ0 ≠ 0), but no explicit escape curve was built: {n} parameters exceed the exact Hessian limit {HESSIAN_LIMIT} and no complement curve exists (some hidden layer has no c with Ŵ_(j+1)c = 0 and cᵀŴ_j = 0)")
                    } else {
                        "the point is a non-strict saddle by Theorem 4 (critical, ∇ℓ0 ≠ 0, Hessian without a negative direction), but no complement curve exists (some hidden layer has no c with Ŵ_(j+1)c = 0 and cᵀŴ_j = 0); a general higher-order curve (proofs/MATH.md Appendix E.5) is not implemented".into()
                    })
                }
            }
        }
    }
    let certificate = match failure {
        Some(f) => Err(f),
        None => {
            let strict = witness.negative_curvature_direction.is_some();
            let c: Cert = Certificate {
                critcert: cert::VERSION,
                kind: thm4::KIND.into(),
                problem: Problem {
                    loss: SQUARED.into(),
                    widths: d.clone(),
                    x: net.x.to_rows().iter().map(|r| strings(r)).collect(),
                    y: net.y.to_rows().iter().map(|r| strings(r)).collect(),
                },
                witness,
                claims: thm4::claims(verdict.name(), strict, SQUARED),
            };
            let report = cert::check_str(&cert::to_json(&c)).map_err(|e| {
                Error::NotCertified(format!(
                    "internal error: the checker rejects our own certificate: {e}"
                ))
            })?;
            Ok((c, report))
        }
    };
    Ok(Analysis {
        verdict,
        widths: d,
        loss: V::E(loss),
        max_layer_gradient,
        max_product_gradient,
        part3_layer,
        product_rank,
        hessian_inertia,
        saddle_construction,
        certificate,
    })
}

pub(crate) fn strings(v: &[Q]) -> Vec<String> {
    v.iter().map(format_rational).collect()
}

pub(crate) fn layers_json(w: &[QMatrix]) -> Layers {
    w.iter()
        .map(|m| m.to_rows().iter().map(|r| strings(r)).collect())
        .collect()
}

/// The curve `Ŵ + tV`.
fn line(v: &[QMatrix]) -> Curve {
    layers_json(v).into_iter().map(|m| vec![m]).collect()
}

/// Splits a flat parameter vector (layer 1 first, each row-major) into layers; an error
/// (never reached: the vector comes from the Hessian of these layers) when it does not fit.
fn unflatten(v: &[Q], d: &[usize]) -> Result<Vec<QMatrix>> {
    let mut off = 0;
    (1..d.len())
        .map(|j| {
            let n = d[j] * d[j - 1];
            let part = v.get(off..off + n).unwrap_or_default().to_vec();
            off += n;
            QMatrix::try_from_vec(d[j], d[j - 1], part)
                .map_err(|e| Error::NotCertified(format!("a Hessian direction: {e}")))
        })
        .collect()
}

/// The exact Hessian of ℓ at a point (parameters ordered layer 1 first, row-major):
/// `H = JᵀJ` (from `½‖P1X‖²`) plus the cross-layer terms of `⟨∇ℓ0, P2⟩`, where
/// `P(t) = P + tP1 + t²P2 + …` along `Ŵ + tV`. For `a = W_i[r,s]`, `b = W_j[p,q]`, `i < j`:
/// `H[a,b] += (W_{L:j+1}ᵀ ∇ℓ0 W_{i−1:1}ᵀ)[p,s] · W_{j−1:i+1}[q,r]`.
fn hessian(
    w: &[QMatrix],
    d: &[usize],
    x: &QMatrix,
    g: &QMatrix,
    prefix: &[QMatrix],
    suffix: &[QMatrix],
) -> QMatrix {
    let l = w.len();
    let mut idx = Vec::new(); // (layer, row, col)
    for j in 1..=l {
        for p in 0..d[j] {
            for q in 0..d[j - 1] {
                idx.push((j, p, q));
            }
        }
    }
    let n = idx.len();
    // Z_a = A_j e_p e_qᵀ B_j X = A_j[:,p] (B_j X)[q,:].
    let bx: Vec<QMatrix> = (1..=l).map(|j| mul(&prefix[j - 1], x)).collect();
    let z: Vec<QMatrix> = idx
        .iter()
        .map(|&(j, p, q)| {
            let a = suffix[j].col(p);
            let row = bx[j - 1].row(q);
            let mut m = QMatrix::zeros(a.len(), row.len());
            for (i, ai) in a.iter().enumerate() {
                for (k, rk) in row.iter().enumerate() {
                    m[(i, k)] = Q::from(ai * rk);
                }
            }
            m
        })
        .collect();
    let mut h = QMatrix::zeros(n, n);
    for a in 0..n {
        for b in a..n {
            let mut s = Q::new();
            for (u, v) in z[a].data().iter().zip(z[b].data()) {
                if *u != 0 && *v != 0 {
                    s += Q::from(u * v);
                }
            }
            h[(a, b)] = s.clone();
            h[(b, a)] = s;
        }
    }
    for i in 1..=l {
        for (j, sj) in suffix.iter().enumerate().take(l + 1).skip(i + 1) {
            let k = mul(&mul(&sj.transpose(), g), &prefix[i - 1].transpose());
            let mm = partial(w, d, j - 1, i + 1);
            for (a, &(ia, r, s)) in idx.iter().enumerate() {
                if ia != i {
                    continue;
                }
                for (b, &(jb, p, q)) in idx.iter().enumerate() {
                    if jb != j {
                        continue;
                    }
                    let v = Q::from(&k[(p, s)] * &mm[(q, r)]);
                    if v != 0 {
                        h[(a, b)] += &v;
                        h[(b, a)] += &v;
                    }
                }
            }
        }
    }
    h
}

/// A nonzero vector in the null space of `m` (exact Gauss–Jordan), if any.
fn null_vector(m: &QMatrix) -> Option<Vec<Q>> {
    let (rows, cols) = (m.rows(), m.cols());
    let mut a = m.to_rows();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols {
        let Some(pr) = (r..rows).find(|&i| a[i][c] != 0) else {
            continue;
        };
        a.swap(r, pr);
        let inv = Q::from(a[r][c].recip_ref());
        for v in a[r].iter_mut() {
            *v *= &inv;
        }
        let pivot_row = a[r].clone();
        for (i, row) in a.iter_mut().enumerate() {
            if i != r && row[c] != 0 {
                let f = row[c].clone();
                for (x, pv) in row.iter_mut().zip(&pivot_row) {
                    *x -= Q::from(&f * pv);
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    let free = (0..cols).find(|c| !pivots.contains(c))?;
    let mut v = vec![Q::new(); cols];
    v[free] = Q::from(1);
    for (i, &pc) in pivots.iter().enumerate() {
        v[pc] = -a[i][free].clone();
    }
    Some(v)
}

/// The complement curves (descent, ascent) described in the module documentation, if every
/// hidden layer has a vector `c_j ≠ 0` with `Ŵ_{j+1}c_j = 0` and `c_jᵀŴ_j = 0`.
fn complement_curves(w: &[QMatrix], d: &[usize], e: &Entry) -> Option<(Curve, Curve)> {
    let l = w.len();
    let mut c: Vec<Vec<Q>> = Vec::with_capacity(l + 1);
    let mut c0 = vec![Q::new(); d[0]];
    c0[e.col - 1] = Q::from(1);
    c.push(c0);
    for j in 1..l {
        // Rows of Ŵ_{j+1} (d_{j+1} × d_j) stacked on the rows of Ŵ_jᵀ (d_{j−1} × d_j).
        let mut rows = w[j].to_rows();
        rows.extend(w[j - 1].transpose().to_rows());
        c.push(null_vector(
            &QMatrix::from_rows(rows).expect("same widths"),
        )?);
    }
    let mut cl = vec![Q::new(); d[l]];
    cl[e.row - 1] = Q::from(1);
    c.push(cl);
    let build = |sign: i32| -> Curve {
        (1..=l)
            .map(|j| {
                let mut m = QMatrix::zeros(d[j], d[j - 1]);
                for (a, ca) in c[j].iter().enumerate() {
                    for (b, cb) in c[j - 1].iter().enumerate() {
                        m[(a, b)] = Q::from(ca * cb);
                    }
                }
                if j == l {
                    m = m.scale(&Q::from(sign));
                }
                vec![layers_json(std::slice::from_ref(&m)).remove(0)]
            })
            .collect()
    };
    // The lowest-order change is sign · t^L · κ · ∇ℓ0[p,q].
    let s = if matches!(&e.value, V::E(v) if *v > 0) {
        1
    } else {
        -1
    };
    Some((build(-s), build(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[i64]]) -> QMatrix {
        QMatrix::from_rows(
            rows.iter()
                .map(|r| r.iter().map(|&x| Q::from(x)).collect())
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn null_vector_is_in_the_kernel() {
        let a = m(&[&[1, 2, 3], &[2, 4, 6]]);
        let v = null_vector(&a).unwrap();
        let col = QMatrix::try_from_vec(3, 1, v).unwrap();
        assert!(a.mul(&col).unwrap().is_zero());
        assert!(!col.is_zero());
        assert!(null_vector(&QMatrix::identity(2)).is_none());
    }
}
