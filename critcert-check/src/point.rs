//! Certificate kind `critical-point`: a candidate critical point `θ̃` of a small network's loss
//! (found by training, given in floating point and read exactly) is classified over the box
//! `B = θ̃ + [−r, r]^p` as a strict local minimum, a saddle, or not a critical point.
//!
//! Models: `gaussian-relu`, Safran & Shamir's population loss of a two-layer ReLU network on
//! Gaussian inputs (closed form through the arc-cosine kernel), and `mlp`, a one-hidden-layer
//! network `ŷ = W2 h(W1 x + b1) + b2` with the squared loss `½ Σ_i ‖ŷ_i − y_i‖²` on given data.
//! The checker evaluates the loss, its gradient and its Hessian with its own interval
//! arithmetic (never the producer's code), and:
//!
//! - **existence and uniqueness** (Krawczyk): with `C` a floating-point inverse of the midpoint
//!   of the Hessian enclosure (a hint only, recomputed here), `K = −C∇ℓ(θ̃) + (I − C∇²ℓ(B))[−r, r]^p`
//!   must lie in the open cube `(−r, r)^p`; then `B` holds exactly one critical point `θ*`;
//! - **type**: positive definiteness of every matrix of the Hessian enclosure (`mid − sI`
//!   positive definite by a floating-point Cholesky factorisation with a bound of its residual,
//!   and `‖rad‖_F < s`), or an exact direction `d` with
//!   `dᵀ∇²ℓ(B)d < 0`;
//! - **value**: `ℓ(θ*) ∈ ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p` (mean-value form).
//!
//! The loss and gradient are enclosed with MPFR intervals ([`I`]); the Hessian's entries (from
//! MPFR enclosures of their scalars) with outward-rounded binary64 intervals ([`F`]); the `O(p³)`
//! linear algebra (Krawczyk's product, the Cholesky factorisation) in plain binary64 with
//! a-priori bounds of its rounding errors ([`super::midrad`]). The mathematics: `proofs/MATH.md`
//! §6 and §7.

// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::activation::Act;
use super::f64i::F;
use super::interval::I;
use super::kernel::{q, q_mat, q_vec, Q};
use super::krawczyk::{krawczyk, to_f};
use super::midrad::{exceeds_shift, split};
use super::thm2::{parse_activation, Activation};
use super::{parse_typed, require_claims, unknown_claim, verify_claims, CheckReport, Claim};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// The kind name.
pub const KIND: &str = "critical-point";

/// The most parameters a certificate may have (the Hessian has `p²` entries).
pub const MAX_PARAMS: usize = 1000;

/// The most interval operations the Hessian of a certificate may take, counted in 128-bit units
/// (the count times `⌈precision/128⌉`): `m · p² · dy` for `mlp`, `(n + t) · n · k² + t² · k` for
/// `gaussian-relu` (`t` teachers), so that a check takes at most about a minute.
pub const MAX_WORK: u128 = 50_000_000;

/// The problem: the model, its data, and the point `θ̃`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// `gaussian-relu` or `mlp`.
    pub model: String,
    /// `population-squared` (gaussian-relu: `F(W) = ½ E(Σ_i relu(w_iᵀx) − Σ_j relu(v_jᵀx))²`,
    /// `x ~ N(0, I_k)`) or `half-squared-error` (mlp: `½ Σ_i ‖ŷ_i − y_i‖²`).
    pub loss: String,
    /// gaussian-relu: the teacher vectors `v_j`, one row each (`k` entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teachers: Option<Vec<Vec<String>>>,
    /// mlp: the activation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<Activation>,
    /// mlp: `[dx, width, dy]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widths: Option<Vec<usize>>,
    /// mlp: the inputs, one row per point (`dx` entries).
    #[serde(default, rename = "X", skip_serializing_if = "Option::is_none")]
    pub x: Option<Vec<Vec<String>>>,
    /// mlp: the targets, one row per point (`dy` entries).
    #[serde(default, rename = "Y", skip_serializing_if = "Option::is_none")]
    pub y: Option<Vec<Vec<String>>>,
    /// The point `θ̃` by parameter matrix: gaussian-relu `W` (`k × n`, column `i` is student
    /// `w_i`); mlp `W1` (`width × dx`), `b1` (`width × 1`), `W2` (`dy × width`), `b2` (`dy × 1`).
    pub point: BTreeMap<String, Vec<Vec<String>>>,
}

/// The witness: the verdict and the numbers its claims are about.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// `strict-local-minimum`, `saddle` or `not-critical`.
    pub verdict: String,
    /// MPFR precision (bits) of every interval computation, 32 ≤ p ≤ 4096.
    pub precision: u32,
    /// The half-width `r > 0` of the box `B = θ̃ + [−r, r]^p` (minimum and saddle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius: Option<String>,
    /// Minimum: the shift `s > 0` with `mid(∇²ℓ(B)) − sI` positive definite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<String>,
    /// Saddle: a direction `d` (one entry per parameter, in the order of [`param_names`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Vec<String>>,
    /// Minimum and saddle: a lower bound of `ℓ(θ*)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_lower: Option<String>,
    /// Minimum and saddle: an upper bound of `ℓ(θ*)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_upper: Option<String>,
}

/// A `critical-point` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims for a verdict; `spurious`: the certificate also claims the minimum is
/// spurious (gaussian-relu with at most `n` teachers, whose global minimum value is 0).
pub fn claims(verdict: &str, spurious: bool) -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    let smooth = c("smooth-box", "the loss is twice continuously differentiable on the box B = θ̃ + [−r, r]^p: enclosures of its gradient and Hessian over B exist (gaussian-relu: no student is 0 and no two of the student and teacher vectors are parallel on B; mlp: no pre-activation reaches a point where the activation is not twice differentiable)");
    let unique = c("unique-critical-point", "Krawczyk: −C∇ℓ(θ̃) + (I − C∇²ℓ(B))[−r, r]^p lies in the open cube (−r, r)^p for the checker's preconditioner C, so B contains exactly one critical point θ*");
    let value = c(
        "loss-enclosure",
        "ℓ(θ*) lies in [loss_lower, loss_upper], which contains ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p",
    );
    match verdict {
        "strict-local-minimum" => {
            let mut v = vec![
                smooth,
                unique,
                c("positive-definite", "every symmetric matrix in the Hessian enclosure over B is positive definite (mid − sI is positive definite by a verified factorisation and the Frobenius norm of the radius matrix is below s): ℓ is strictly convex on B, so θ* is a strict local minimum and ℓ(θ*) = min over B"),
                value,
            ];
            if spurious {
                v.push(c("spurious", "loss_lower > 0, while the loss is 0 at the teacher (a student per teacher, the others 0): θ* is a spurious local minimum"));
            }
            v
        }
        "saddle" => vec![
            smooth,
            unique,
            c("negative-curvature", "dᵀ∇²ℓ(θ)d < 0 for the witness's exact direction d and ∇²ℓ(θ)_ii > 0 for some coordinate i, for every θ in B: the critical point θ* is neither a local minimum nor a local maximum, a saddle"),
            value,
        ],
        _ => vec![c(
            "not-critical",
            "some entry of the gradient enclosure at θ̃ excludes 0: θ̃ is not a critical point",
        )],
    }
}

/// The names of the parameters in the order of the flat vector `θ` (`W[a,i]` is entry `a` of
/// student `i`, ordered student by student; mlp: `W1` row by row, `b1`, `W2` row by row, `b2`).
pub fn param_names(problem: &Problem) -> Vec<String> {
    match parse_model(problem) {
        Ok(m) => m.names(),
        Err(_) => Vec::new(),
    }
}

type Vi = Vec<I>;
type Mi = Vec<Vec<I>>;
type Mf = Vec<Vec<F>>;

/// A model with its data, parsed.
enum Model {
    /// Students `n` of dimension `k`, teachers `v_j`.
    Gauss {
        k: usize,
        n: usize,
        teachers: Vec<Vec<Q>>,
    },
    /// `ŷ = W2 h(W1 x + b1) + b2`.
    Mlp {
        act: Act,
        dx: usize,
        width: usize,
        dy: usize,
        x: Vec<Vec<Q>>,
        y: Vec<Vec<Q>>,
    },
}

fn bad(what: &str) -> Error {
    Error::rejected(what.to_string())
}

/// A matrix of the point, with its required shape.
fn point_matrix(p: &Problem, name: &str, rows: usize, cols: usize) -> Result<Vec<Vec<Q>>> {
    let m = p
        .point
        .get(name)
        .ok_or_else(|| bad(&format!("problem.point has no matrix '{name}'")))?;
    q_mat(&format!("problem.point.{name}"), m, rows, cols)
}

fn parse_model(p: &Problem) -> Result<Model> {
    let only = |names: &[&str]| -> Result<()> {
        if let Some(extra) = p.point.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(bad(&format!(
                "problem.point: unexpected matrix '{extra}' for model {}",
                p.model
            )));
        }
        Ok(())
    };
    match (p.model.as_str(), p.loss.as_str()) {
        ("gaussian-relu", "population-squared") => {
            if p.activation.is_some() || p.widths.is_some() || p.x.is_some() || p.y.is_some() {
                return Err(bad("problem: gaussian-relu takes only teachers and point"));
            }
            only(&["W"])?;
            let w = p
                .point
                .get("W")
                .ok_or_else(|| bad("problem.point has no matrix 'W'"))?;
            let k = w.len();
            let n = w.first().map_or(0, Vec::len);
            if k == 0 || n == 0 || k * n > MAX_PARAMS {
                return Err(bad(&format!(
                    "problem.point.W is {k} × {n}: need 1 ≤ k·n ≤ {MAX_PARAMS}"
                )));
            }
            let t = p
                .teachers
                .as_ref()
                .ok_or_else(|| bad("problem: gaussian-relu needs teachers"))?;
            if t.is_empty() || t.len() > MAX_PARAMS {
                return Err(bad("problem.teachers: need 1 to 1000 teachers"));
            }
            let work = ((n + t.len()) * n) as u128 * (k * k) as u128;
            if work > MAX_WORK {
                return Err(bad(&format!(
                    "problem: (n + t)·n·k² = {work} interval operations, above {MAX_WORK}"
                )));
            }
            let teachers = q_mat("problem.teachers", t, t.len(), k)?;
            Ok(Model::Gauss { k, n, teachers })
        }
        ("mlp", "half-squared-error") => {
            if p.teachers.is_some() {
                return Err(bad("problem: mlp takes no teachers"));
            }
            only(&["W1", "b1", "W2", "b2"])?;
            let act = parse_activation(
                p.activation
                    .as_ref()
                    .ok_or_else(|| bad("problem: mlp needs an activation"))?,
            )?;
            let [dx, width, dy] = p.widths.as_deref().unwrap_or(&[]) else {
                return Err(bad("problem.widths must be [dx, width, dy]"));
            };
            let (dx, width, dy) = (*dx, *width, *dy);
            let params = (dx + 1)
                .checked_mul(width)
                .and_then(|a| a.checked_add(width.checked_mul(dy)?)?.checked_add(dy));
            if dx == 0 || width == 0 || dy == 0 || params.is_none_or(|n| n > MAX_PARAMS) {
                return Err(bad(&format!(
                    "problem.widths {:?}: need positive widths and at most {MAX_PARAMS} parameters",
                    [dx, width, dy]
                )));
            }
            let xs = p.x.as_ref().ok_or_else(|| bad("problem: mlp needs X"))?;
            let ys = p.y.as_ref().ok_or_else(|| bad("problem: mlp needs Y"))?;
            let m = xs.len();
            let pp = params.unwrap_or(0) as u128;
            if m == 0 || ys.len() != m || (m as u128) * pp * pp * (dy as u128) > MAX_WORK {
                return Err(bad(&format!(
                    "problem: X and Y need the same positive number of rows, and m·p²·dy ≤ {MAX_WORK} (m = {m}, Y has {} rows, p = {pp})",
                    ys.len()
                )));
            }
            let x = q_mat("problem.X", xs, m, dx)?;
            let y = q_mat("problem.Y", ys, m, dy)?;
            Ok(Model::Mlp {
                act,
                dx,
                width,
                dy,
                x,
                y,
            })
        }
        (model, loss) => Err(bad(&format!(
            "problem: unknown model/loss '{model}'/'{loss}' (gaussian-relu/population-squared or mlp/half-squared-error)"
        ))),
    }
}

impl Model {
    /// The number of parameters.
    fn dim(&self) -> usize {
        match self {
            Model::Gauss { k, n, .. } => k * n,
            Model::Mlp { dx, width, dy, .. } => (dx + 1) * width + (width + 1) * dy,
        }
    }

    /// Interval operations of one Hessian enclosure: `(n + t)·n·k² + t²·k` (the teachers'
    /// constant pairs included) for `gaussian-relu`, `m·p²·dy` for `mlp`.
    fn work(&self) -> u128 {
        match self {
            Model::Gauss { k, n, teachers } => {
                let (k, n, t) = (*k as u128, *n as u128, teachers.len() as u128);
                (n + t) * n * k * k + t * t * k
            }
            Model::Mlp { dy, x, .. } => {
                let p = self.dim() as u128;
                x.len() as u128 * p * p * *dy as u128
            }
        }
    }

    fn names(&self) -> Vec<String> {
        match self {
            Model::Gauss { k, n, .. } => (0..*n)
                .flat_map(|i| (0..*k).map(move |a| format!("W[{},{}]", a + 1, i + 1)))
                .collect(),
            Model::Mlp { dx, width, dy, .. } => {
                let mut v = Vec::new();
                for j in 0..*width {
                    v.extend((0..*dx).map(|c| format!("W1[{},{}]", j + 1, c + 1)));
                }
                v.extend((0..*width).map(|j| format!("b1[{}]", j + 1)));
                for o in 0..*dy {
                    v.extend((0..*width).map(|j| format!("W2[{},{}]", o + 1, j + 1)));
                }
                v.extend((0..*dy).map(|o| format!("b2[{}]", o + 1)));
                v
            }
        }
    }

    /// The flat point `θ̃` from the problem's matrices.
    fn flatten(&self, p: &Problem) -> Result<Vec<Q>> {
        match self {
            Model::Gauss { k, n, .. } => {
                let w = point_matrix(p, "W", *k, *n)?;
                Ok((0..*n)
                    .flat_map(|i| (0..*k).map(move |a| (a, i)))
                    .map(|(a, i)| w[a][i].clone())
                    .collect())
            }
            Model::Mlp { dx, width, dy, .. } => {
                let mut v = Vec::new();
                for (name, r, c) in [
                    ("W1", *width, *dx),
                    ("b1", *width, 1),
                    ("W2", *dy, *width),
                    ("b2", *dy, 1),
                ] {
                    v.extend(point_matrix(p, name, r, c)?.into_iter().flatten());
                }
                Ok(v)
            }
        }
    }

    /// The loss, its gradient and (if `hessian`) its Hessian, enclosed over the box `th`; an
    /// `Err` says why the loss is not shown twice differentiable there.
    fn eval(&self, th: &[I], hessian: bool) -> std::result::Result<Eval, String> {
        match self {
            Model::Gauss { k, n, teachers } => gauss(*k, *n, teachers, th, hessian),
            Model::Mlp {
                act,
                dx,
                width,
                dy,
                x,
                y,
            } => mlp(act, (*dx, *width, *dy), x, y, th, hessian),
        }
    }
}

/// Enclosures of the loss, the gradient and (possibly) the Hessian.
pub struct Eval {
    /// The loss.
    pub loss: I,
    /// The gradient, in the order of [`param_names`].
    pub grad: Vec<I>,
    /// The Hessian, when asked for (binary64 intervals, rounded outward).
    pub hess: Option<Vec<Vec<F>>>,
}

/// The checker's enclosures of the loss, gradient and (if `hessian`) Hessian of a problem's
/// model over `θ̃ + [−r, r]^p` (`radius` `None`: at `θ̃` itself), at precision `prec`; for the
/// producer's search. `Err` when the problem is malformed or the loss is not shown twice
/// differentiable there (the reason in words).
pub fn enclose(problem: &Problem, radius: Option<&Q>, prec: u32, hessian: bool) -> Result<Eval> {
    let model = parse_model(problem)?;
    let point = model.flatten(problem)?;
    let th: Vi = point
        .iter()
        .map(|v| match radius {
            Some(r) => I::span(prec, &Q::from(v - r), &Q::from(v + r)),
            None => I::from_q(prec, v),
        })
        .collect();
    model.eval(&th, hessian).map_err(|e| bad(&e))
}

fn zeros(prec: u32, r: usize, c: usize) -> Mi {
    vec![vec![I::from_i(prec, 0); c]; r]
}

fn dot(a: &[I], b: &[I], prec: u32) -> I {
    a.iter()
        .zip(b)
        .fold(I::from_i(prec, 0), |s, (x, y)| s.add(&x.mul(y)))
}

fn div(a: &I, b: &I, what: &str) -> std::result::Result<I, String> {
    a.div(b)
        .ok_or_else(|| format!("{what} may be 0 ({})", b.show(6)))
}

/// The Euclidean norm of a vector whose members may not be 0.
fn norm(u: &[I], prec: u32, what: &str) -> std::result::Result<I, String> {
    let s = u.iter().fold(I::from_i(prec, 0), |s, x| s.add(&x.sq()));
    if !s.is_positive() {
        return Err(format!("{what} may be 0 (‖·‖² ∈ {})", s.show(6)));
    }
    s.sqrt()
        .ok_or_else(|| format!("{what}: no enclosure of its norm"))
}

/// A vector (a student or a teacher) with its norm and its direction `v/‖v‖`, enclosed once for
/// all the pairs it is in.
struct Unit<'a> {
    v: &'a [I],
    norm: I,
    dir: Vi,
}

fn unit<'a>(v: &'a [I], what: &str) -> std::result::Result<Unit<'a>, String> {
    let norm = norm(v, v[0].prec(), what)?;
    let dir = v
        .iter()
        .map(|x| div(x, &norm, what))
        .collect::<std::result::Result<_, _>>()?;
    Ok(Unit { v, norm, dir })
}

/// The arc-cosine kernel `κ(u, w) = ‖u‖‖w‖/(2π)·(sin θ + (π − θ) cos θ)` and, when `need > 0`,
/// its gradient in `u` and (`need > 1`) its blocks `∂²κ/∂u²` and `∂²κ/∂u∂w`; `u` and `w` must
/// be shown not parallel (`cos θ` strictly inside `(−1, 1)`).
struct Kernel {
    value: I,
    du: Vi,
    duu: Mf,
    duw: Mf,
}

fn kernel(ue: &Unit, we: &Unit, need: usize, what: &str) -> std::result::Result<Kernel, String> {
    let (u, w) = (ue.v, we.v);
    let prec = u[0].prec();
    let one = I::from_i(prec, 1);
    let (nu, nw) = (&ue.norm, &we.norm);
    let c = div(&dot(u, w, prec), &nu.mul(nw), what)?;
    if !c.add(&one).is_positive() || !one.sub(&c).is_positive() {
        return Err(format!(
            "{what}: the two vectors may be parallel (cos θ ∈ {})",
            c.show(8)
        ));
    }
    let sin = one
        .sub(&c)
        .mul(&one.add(&c))
        .sqrt()
        .ok_or_else(|| format!("{what}: no enclosure of sin θ"))?;
    let theta = c
        .acos()
        .ok_or_else(|| format!("{what}: no enclosure of θ"))?;
    let pi = I::pi(prec);
    let two_pi = pi.add(&pi);
    let rest = pi.sub(&theta);
    let value = div(&nu.mul(nw).mul(&sin.add(&rest.mul(&c))), &two_pi, what)?;
    let (mut du, mut duu, mut duw) = (Vec::new(), Vec::new(), Vec::new());
    if need > 0 {
        let k = u.len();
        let inv2pi = div(&one, &two_pi, what)?;
        let (ub, wb) = (&ue.dir, &we.dir);
        let nw_sin = nw.mul(&sin);
        for a in 0..k {
            du.push(nw_sin.mul(&ub[a]).add(&rest.mul(&w[a])).mul(&inv2pi));
        }
        if need > 1 {
            // n = w̄ − c ū, m = ū − c w̄.
            let nv: Vi = (0..k).map(|a| wb[a].sub(&c.mul(&ub[a]))).collect();
            let mv: Vi = (0..k).map(|a| ub[a].sub(&c.mul(&wb[a]))).collect();
            // The k² entries of the two blocks in binary64 intervals (the scalars and vectors
            // above are MPFR enclosures, rounded outward into binary64).
            let f1 = div(&nw_sin, nu, what)?;
            let f2 = div(nw, &nu.mul(&sin), what)?;
            let fv = |v: &[I]| v.iter().map(to_f).collect::<Option<Vec<F>>>();
            let unbounded = || format!("{what}: an enclosure beyond binary64's range");
            let (ubf, wbf) = (fv(ub).ok_or_else(unbounded)?, fv(wb).ok_or_else(unbounded)?);
            let (nvf, mvf) = (
                fv(&nv).ok_or_else(unbounded)?,
                fv(&mv).ok_or_else(unbounded)?,
            );
            let [f1, f2, sinf, restf, inv2pi] =
                [f1, f2, sin.clone(), rest.clone(), inv2pi].map(|x| to_f(&x));
            let (Some(f1), Some(f2), Some(sinf), Some(restf), Some(inv2pi)) =
                (f1, f2, sinf, restf, inv2pi)
            else {
                return Err(unbounded());
            };
            for a in 0..k {
                let mut ruu = Vec::with_capacity(k);
                let mut ruw = Vec::with_capacity(k);
                for b in 0..k {
                    let id = F::point(f64::from(u8::from(a == b)));
                    let proj = id.sub(ubf[a].mul(ubf[b]));
                    ruu.push(f1.mul(proj).add(f2.mul(nvf[a].mul(nvf[b]))).mul(inv2pi));
                    let nm = nvf[a]
                        .mul(mvf[b])
                        .div_positive(sinf)
                        .ok_or_else(|| format!("{what}: sin θ not shown positive"))?;
                    ruw.push(
                        sinf.mul(ubf[a].mul(wbf[b]))
                            .add(restf.mul(id))
                            .add(nm)
                            .mul(inv2pi),
                    );
                }
                duu.push(ruu);
                duw.push(ruw);
            }
        }
    }
    Ok(Kernel {
        value,
        du,
        duu,
        duw,
    })
}

/// `F(W) = Σ_i ‖w_i‖²/4 + Σ_{i<j} κ(w_i, w_j) − Σ_{i,t} κ(w_i, v_t) + Σ_t ‖v_t‖²/4 +
/// Σ_{t<t'} κ(v_t, v_t')`, with its gradient and Hessian.
fn gauss(
    k: usize,
    n: usize,
    teachers: &[Vec<Q>],
    th: &[I],
    hessian: bool,
) -> std::result::Result<Eval, String> {
    let prec = th[0].prec();
    let need = if hessian { 2 } else { 1 };
    let w: Vec<&[I]> = (0..n).map(|i| &th[i * k..(i + 1) * k]).collect();
    let v: Vec<Vi> = teachers
        .iter()
        .map(|t| t.iter().map(|x| I::from_q(prec, x)).collect())
        .collect();
    let quarter = |x: &[I]| {
        let s = x.iter().fold(I::from_i(prec, 0), |s, y| s.add(&y.sq()));
        s.div(&I::from_i(prec, 4))
            .unwrap_or_else(|| I::unbounded(prec))
    };
    let mut loss = I::from_i(prec, 0);
    let mut grad: Vi = th
        .iter()
        .map(|x| {
            x.div(&I::from_i(prec, 2))
                .unwrap_or_else(|| I::unbounded(prec))
        })
        .collect();
    let mut hess = hessian.then(|| {
        let mut h = vec![vec![F::point(0.0); n * k]; n * k];
        for (d, row) in h.iter_mut().enumerate() {
            row[d] = F::point(0.5);
        }
        h
    });
    let students: Vec<Unit> = w
        .iter()
        .enumerate()
        .map(|(i, wi)| unit(wi, &format!("student {}", i + 1)))
        .collect::<std::result::Result<_, _>>()?;
    let teachers: Vec<Unit> = v
        .iter()
        .enumerate()
        .map(|(t, vt)| unit(vt, &format!("teacher {}", t + 1)))
        .collect::<std::result::Result<_, _>>()?;
    for (i, wi) in students.iter().enumerate() {
        loss = loss.add(&quarter(wi.v));
        let mut pairs: Vec<(Kernel, Option<usize>, bool)> = Vec::new();
        for (j, wj) in students.iter().enumerate() {
            if j != i {
                let what = format!("students {} and {}", i + 1, j + 1);
                pairs.push((kernel(wi, wj, need, &what)?, Some(j), true));
            }
        }
        for (t, vt) in teachers.iter().enumerate() {
            let what = format!("student {} and teacher {}", i + 1, t + 1);
            pairs.push((kernel(wi, vt, need, &what)?, None, false));
        }
        for (kp, j, plus) in pairs {
            let sign = |x: &I| if plus { x.clone() } else { x.neg() };
            if let Some(j) = j {
                if j > i {
                    loss = loss.add(&kp.value);
                }
            } else {
                loss = loss.sub(&kp.value);
            }
            for a in 0..k {
                grad[i * k + a] = grad[i * k + a].add(&sign(&kp.du[a]));
            }
            if let Some(h) = hess.as_mut() {
                for a in 0..k {
                    for b in 0..k {
                        let d = &mut h[i * k + a][i * k + b];
                        let t = kp.duu[a][b];
                        *d = if plus { d.add(t) } else { d.sub(t) };
                        if let Some(j) = j {
                            if j > i {
                                h[i * k + a][j * k + b] = kp.duw[a][b];
                            }
                        }
                    }
                }
            }
        }
    }
    for (t, vt) in v.iter().enumerate() {
        loss = loss.add(&quarter(vt));
        for vs in &v[t + 1..] {
            loss = loss.add(&teacher_pair(vt, vs)?);
        }
    }
    if let Some(h) = hess.as_mut() {
        mirror(h);
    }
    Ok(Eval { loss, grad, hess })
}

/// `κ(v, v')` of two (exact, possibly parallel) teachers: a constant of the loss.
fn teacher_pair(u: &[I], w: &[I]) -> std::result::Result<I, String> {
    let prec = u[0].prec();
    let nu = norm(u, prec, "a teacher")?;
    let nw = norm(w, prec, "a teacher")?;
    let c = div(&dot(u, w, prec), &nu.mul(&nw), "a teacher")?.clamp(-1, 1);
    let one = I::from_i(prec, 1);
    let sin = one
        .sub(&c)
        .mul(&one.add(&c))
        .clamp(0, 1)
        .sqrt()
        .ok_or("two teachers: no enclosure of sin θ")?;
    let theta = c.acos().ok_or("two teachers: no enclosure of θ")?;
    let pi = I::pi(prec);
    div(
        &nu.mul(&nw).mul(&sin.add(&pi.sub(&theta).mul(&c))),
        &pi.add(&pi),
        "2π",
    )
}

/// Copies the upper triangle onto the lower one (the Hessian is symmetric; the upper entry
/// encloses the true value of both).
fn mirror<T: Clone>(h: &mut [Vec<T>]) {
    for a in 0..h.len() {
        for b in 0..a {
            h[a][b] = h[b][a].clone();
        }
    }
}

/// `½ Σ_i ‖W2 h(W1 x_i + b1) + b2 − y_i‖²`, with its gradient and Hessian
/// (`Σ_i Σ_o J_oᵀJ_o + e_o ∇²ŷ_o`).
fn mlp(
    act: &Act,
    (dx, width, dy): (usize, usize, usize),
    x: &[Vec<Q>],
    y: &[Vec<Q>],
    th: &[I],
    hessian: bool,
) -> std::result::Result<Eval, String> {
    let prec = th[0].prec();
    let p = th.len();
    let w1 = |j: usize, c: usize| j * dx + c;
    let b1 = |j: usize| width * dx + j;
    let w2 = |o: usize, j: usize| width * (dx + 1) + o * width + j;
    let b2 = |o: usize| width * (dx + 1) + dy * width + o;
    let zero = I::from_i(prec, 0);
    let mut loss = zero.clone();
    let mut grad = vec![zero.clone(); p];
    let mut hess = hessian.then(|| zeros(prec, p, p));
    let order = if hessian { 2 } else { 1 };
    for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
        let xb: Vi = xi
            .iter()
            .map(|v| I::from_q(prec, v))
            .chain([I::from_i(prec, 1)])
            .collect();
        let mut hz = Vec::with_capacity(width);
        for j in 0..width {
            let z = (0..dx).fold(th[b1(j)].clone(), |s, c| s.add(&th[w1(j, c)].mul(&xb[c])));
            let e = act
                .enclose_upto(order, &z)
                .map_err(|e| format!("point {}, hidden unit {}: {e}", i + 1, j + 1))?;
            hz.push(e);
        }
        let mut e = Vec::with_capacity(dy);
        for o in 0..dy {
            let yhat = (0..width).fold(th[b2(o)].clone(), |s, j| {
                s.add(&th[w2(o, j)].mul(&hz[j][0]))
            });
            e.push(yhat.sub(&I::from_q(prec, &yi[o])));
        }
        loss = loss.add(
            &dot(&e, &e, prec)
                .div(&I::from_i(prec, 2))
                .unwrap_or_else(|| I::unbounded(prec)),
        );
        for o in 0..dy {
            // J_o: the nonzero entries of ∂ŷ_o/∂θ.
            let mut jo: Vec<(usize, I)> = Vec::with_capacity(width * (dx + 2) + 1);
            for j in 0..width {
                let s = th[w2(o, j)].mul(&hz[j][1]);
                for c in 0..dx {
                    jo.push((w1(j, c), s.mul(&xb[c])));
                }
                jo.push((b1(j), s));
                jo.push((w2(o, j), hz[j][0].clone()));
            }
            jo.push((b2(o), I::from_i(prec, 1)));
            for (a, v) in &jo {
                grad[*a] = grad[*a].add(&e[o].mul(v));
            }
            if let Some(h) = hess.as_mut() {
                for (a, va) in &jo {
                    for (b, vb) in &jo {
                        if b >= a {
                            h[*a][*b] = h[*a][*b].add(&va.mul(vb));
                        }
                    }
                }
            }
        }
        if let Some(h) = hess.as_mut() {
            // Σ_o e_o ∇²ŷ_o: W1/b1 × W1/b1 of one unit, and W1/b1 × W2 of one unit.
            for j in 0..width {
                let back = (0..dy).fold(zero.clone(), |s, o| s.add(&e[o].mul(&th[w2(o, j)])));
                let curv = back.mul(&hz[j][2]);
                let idx = |c: usize| if c < dx { w1(j, c) } else { b1(j) };
                for c in 0..=dx {
                    for c2 in c..=dx {
                        let (a, b) = (idx(c).min(idx(c2)), idx(c).max(idx(c2)));
                        h[a][b] = h[a][b].add(&curv.mul(&xb[c].mul(&xb[c2])));
                    }
                    for o in 0..dy {
                        let (a, b) = (idx(c).min(w2(o, j)), idx(c).max(w2(o, j)));
                        h[a][b] = h[a][b].add(&e[o].mul(&hz[j][1]).mul(&xb[c]));
                    }
                }
            }
        }
    }
    if let Some(h) = hess.as_mut() {
        mirror(h);
    }
    let hess = match hess {
        Some(h) => Some(
            h.iter()
                .map(|row| row.iter().map(to_f).collect::<Option<Vec<F>>>())
                .collect::<Option<Mf>>()
                .ok_or("a Hessian entry over the box is unbounded")?,
        ),
        None => None,
    };
    Ok(Eval { loss, grad, hess })
}

/// The parsed certificate, with one check per claim.
struct Checks<'a> {
    model: Model,
    witness: &'a Witness,
    prec: u32,
    point: Vec<Q>,
    /// Enclosures at the point itself (thin box), computed once.
    at_point: OnceCell<std::result::Result<Eval, String>>,
    /// Enclosures over the box `B`, computed once.
    over_box: OnceCell<std::result::Result<Eval, String>>,
}

impl Checks<'_> {
    fn radius(&self) -> Result<Q> {
        let r = q(
            "witness.radius",
            self.witness
                .radius
                .as_deref()
                .ok_or_else(|| bad("the witness has no radius"))?,
        )?;
        if r <= 0 || r.numer().significant_bits() + r.denom().significant_bits() > 4096 {
            return Err(bad(
                "witness.radius must be a positive rational of at most 4096 bits",
            ));
        }
        Ok(r)
    }

    fn thin(&self) -> std::result::Result<&Eval, Error> {
        self.at_point
            .get_or_init(|| {
                let th: Vi = self.point.iter().map(|v| I::from_q(self.prec, v)).collect();
                self.model.eval(&th, false)
            })
            .as_ref()
            .map_err(|e| bad(&format!("at θ̃: {e}")))
    }

    fn boxed(&self) -> Result<&Eval> {
        let r = self.radius()?;
        self.over_box
            .get_or_init(|| {
                let th: Vi = self
                    .point
                    .iter()
                    .map(|v| I::span(self.prec, &Q::from(v - &r), &Q::from(v + &r)))
                    .collect();
                self.model.eval(&th, true)
            })
            .as_ref()
            .map_err(|e| bad(&format!("over B: {e}")))
    }

    fn hess(&self) -> Result<&Mf> {
        self.boxed()?
            .hess
            .as_ref()
            .ok_or_else(|| bad("no Hessian enclosure"))
    }

    /// `smooth-box`.
    fn smooth_box(&self) -> Result<String> {
        let h = self.hess()?;
        let b = self.boxed()?;
        if h.iter().flatten().any(|x| !x.is_finite())
            || b.grad.iter().any(|x| !x.is_finite())
            || !b.loss.is_finite()
        {
            return Err(bad("an unbounded enclosure over B"));
        }
        let widest = h
            .iter()
            .flatten()
            .fold(0f64, |m, x| m.max(x.hi / 2.0 - x.lo / 2.0));
        Ok(format!(
            "{} parameters, r = {}; gradient and Hessian enclosed over B (widest Hessian radius {:.3e})",
            self.point.len(),
            self.radius()?,
            widest
        ))
    }

    /// `unique-critical-point`: Krawczyk's test, in outward-rounded binary64 intervals.
    fn unique(&self) -> Result<String> {
        let r = self.radius()?;
        let h = self.hess()?;
        if h.iter().flatten().any(|x| !x.is_finite()) {
            return Err(bad("an unbounded Hessian entry over B"));
        }
        let g: Vec<F> = self
            .thin()?
            .grad
            .iter()
            .map(to_f)
            .collect::<Option<_>>()
            .ok_or_else(|| bad("a gradient entry at θ̃ is unbounded"))?;
        let rf = Some(F::around(&r))
            .filter(|x| x.is_positive())
            .ok_or_else(|| bad("the radius is beyond binary64's range"))?;
        let worst = krawczyk(&g, h, rf).map_err(|e| bad(&e))?;
        Ok(format!("K(B) − θ̃ ⊂ [−ρ, ρ]^p with ρ/r ≤ {worst:.4}"))
    }

    /// `positive-definite`: `‖rad‖_F < s` and `xᵀ mid x > s‖x‖²` (a floating-point Cholesky
    /// factor of `mid − sI` with a bound of its residual, [`exceeds_shift`]), `mid` and `rad`
    /// the binary64 midpoint and radius of the Hessian enclosure.
    fn positive_definite(&self) -> Result<String> {
        let s = q(
            "witness.shift",
            self.witness
                .shift
                .as_deref()
                .ok_or_else(|| bad("the witness has no shift"))?,
        )?;
        if s <= 0 {
            return Err(bad("witness.shift must be positive"));
        }
        let (mid, rad) =
            split(self.hess()?).ok_or_else(|| bad("an unbounded Hessian entry over B"))?;
        let s_f = F::around(&s);
        let rad2 = rad
            .iter()
            .flatten()
            .fold(F::point(0.0), |a, x| a.add(F::point(*x).mul(F::point(*x))));
        if !s_f.mul(s_f).sub(rad2).is_positive() {
            return Err(bad(&format!(
                "‖rad‖_F² ≤ {:.6e} is not below s² ≈ {:.6e}",
                rad2.hi,
                s_f.lo * s_f.lo
            )));
        }
        let residual = exceeds_shift(&mid, s_f.hi).map_err(|e| bad(&e))?;
        // s − ‖rad‖_F, rounded down (for the report).
        let low = s_f.sub(F::point(rad2.hi.sqrt().next_up()));
        Ok(format!(
            "λ_min over B ≥ s − ‖rad‖_F ≥ {:.6e} (s = {s}; Cholesky residual of mid − sI ≤ {residual:.1e})",
            low.lo
        ))
    }

    /// `negative-curvature`: `dᵀ∇²ℓ(B)d < 0`.
    fn negative_curvature(&self) -> Result<String> {
        let d = q_vec(
            "witness.direction",
            self.witness
                .direction
                .as_deref()
                .ok_or_else(|| bad("the witness has no direction"))?,
        )?;
        let p = self.point.len();
        if d.len() != p {
            return Err(bad(&format!(
                "witness.direction has {} entries, expected {p}",
                d.len()
            )));
        }
        let h = self.hess()?;
        let di: Vec<F> = d.iter().map(F::around).collect();
        let fdot = |a: &[F], b: &[F]| {
            a.iter()
                .zip(b)
                .fold(F::point(0.0), |s, (x, y)| s.add(x.mul(*y)))
        };
        let hd: Vec<F> = h.iter().map(|row| fdot(row, &di)).collect();
        let quad = fdot(&di, &hd);
        if !quad.is_negative() {
            return Err(bad(&format!(
                "dᵀ∇²ℓ(B)d ∈ [{:.6e}, {:.6e}] is not shown negative",
                quad.lo, quad.hi
            )));
        }
        let up = (0..p).find(|&i| h[i][i].is_positive()).ok_or_else(|| {
            bad("no diagonal entry of the Hessian enclosure is shown positive: θ* may be a local maximum")
        })?;
        Ok(format!(
            "dᵀ∇²ℓ(B)d ∈ [{:.6e}, {:.6e}]; ∇²ℓ(B)_{{{},{}}} ∈ [{:.6e}, {:.6e}]",
            quad.lo,
            quad.hi,
            up + 1,
            up + 1,
            h[up][up].lo,
            h[up][up].hi
        ))
    }

    /// The enclosure `ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p` of `ℓ(θ*)`.
    fn value_enclosure(&self) -> Result<I> {
        let r = self.radius()?;
        let span = I::span(self.prec, &Q::from(-&r), &r);
        let boxed = self.boxed()?;
        Ok(boxed
            .grad
            .iter()
            .fold(self.thin()?.loss.clone(), |s, g| s.add(&g.mul(&span))))
    }

    fn bounds(&self) -> Result<(Q, Q)> {
        let get = |v: &Option<String>, what: &str| {
            q(
                &format!("witness.{what}"),
                v.as_deref()
                    .ok_or_else(|| bad(&format!("the witness has no {what}")))?,
            )
        };
        Ok((
            get(&self.witness.loss_lower, "loss_lower")?,
            get(&self.witness.loss_upper, "loss_upper")?,
        ))
    }

    /// `loss-enclosure`.
    fn loss_enclosure(&self) -> Result<String> {
        let (lo, hi) = self.bounds()?;
        let e = self.value_enclosure()?;
        if e.lo_q().is_none_or(|l| l < lo) || e.hi_q().is_none_or(|h| h > hi) {
            return Err(bad(&format!(
                "ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p ∈ {} is not inside [{}, {}]",
                e.show(10),
                lo.to_f64(),
                hi.to_f64()
            )));
        }
        Ok(format!("ℓ(θ*) ∈ {}", e.show(10)))
    }

    /// `spurious`: a positive lower bound, and a better value 0 (gaussian-relu, at most `n`
    /// teachers).
    fn spurious(&self) -> Result<String> {
        let Model::Gauss { n, teachers, .. } = &self.model else {
            return Err(bad("only gaussian-relu certificates claim spurious"));
        };
        if teachers.len() > *n {
            return Err(bad("more teachers than students: 0 is not attained"));
        }
        self.loss_enclosure()?;
        let (lo, _) = self.bounds()?;
        if lo <= 0 {
            return Err(bad(&format!("loss_lower = {lo} is not positive")));
        }
        Ok(format!("ℓ(θ*) ≥ {:.6e} > 0 = F(teacher)", lo.to_f64()))
    }

    /// `not-critical`: a gradient entry at `θ̃` excludes 0.
    fn not_critical(&self) -> Result<String> {
        let g = &self.thin()?.grad;
        let names = self.model.names();
        let (i, gi) = g
            .iter()
            .enumerate()
            .find(|(_, x)| x.is_positive() || x.is_negative())
            .ok_or_else(|| bad("every gradient entry at θ̃ may be 0"))?;
        Ok(format!("∂ℓ/∂{} ∈ {}", names[i], gi.show(8)))
    }
}

/// Whether a certificate of this problem and verdict must claim `spurious`.
pub fn claims_spurious(problem: &Problem, verdict: &str) -> bool {
    verdict == "strict-local-minimum"
        && problem.model == "gaussian-relu"
        && match (problem.teachers.as_ref(), problem.point.get("W")) {
            (Some(t), Some(w)) => t.len() <= w.first().map_or(0, Vec::len),
            _ => false,
        }
}

/// Checks a `critical-point` certificate.
pub fn check(value: serde_json::Value) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value)?;
    let w = &cert.witness;
    if !matches!(
        w.verdict.as_str(),
        "strict-local-minimum" | "saddle" | "not-critical"
    ) {
        return Err(bad(&format!("unknown verdict '{}'", w.verdict)));
    }
    require_claims(
        &cert.claims,
        &claims(&w.verdict, claims_spurious(&cert.problem, &w.verdict)),
    )?;
    // One reading: the witness holds exactly the fields its verdict uses.
    let minimum = w.verdict == "strict-local-minimum";
    let saddle = w.verdict == "saddle";
    for (name, present, wanted) in [
        ("radius", w.radius.is_some(), minimum || saddle),
        ("loss_lower", w.loss_lower.is_some(), minimum || saddle),
        ("loss_upper", w.loss_upper.is_some(), minimum || saddle),
        ("shift", w.shift.is_some(), minimum),
        ("direction", w.direction.is_some(), saddle),
    ] {
        if present && !wanted {
            return Err(bad(&format!(
                "witness.{name} does not belong to a {} certificate",
                w.verdict
            )));
        }
    }
    if !(32..=4096).contains(&w.precision) {
        return Err(bad("witness.precision must be between 32 and 4096 bits"));
    }
    let model = parse_model(&cert.problem)?;
    // The work grows with the precision too: at most MAX_WORK operations of 128 bits.
    let work = model.work() * u128::from(w.precision.div_ceil(128));
    if work > MAX_WORK {
        return Err(bad(&format!(
            "problem and precision: about {work} 128-bit interval operations, above {MAX_WORK}"
        )));
    }
    let point = model.flatten(&cert.problem)?;
    if point.len() != model.dim() {
        return Err(bad("problem.point has the wrong number of parameters"));
    }
    let checks = Checks {
        model,
        witness: w,
        prec: w.precision,
        point,
        at_point: OnceCell::new(),
        over_box: OnceCell::new(),
    };
    verify_claims(KIND, &cert.claims, |id| match id {
        "smooth-box" => checks.smooth_box(),
        "unique-critical-point" => checks.unique(),
        "positive-definite" => checks.positive_definite(),
        "negative-curvature" => checks.negative_curvature(),
        "loss-enclosure" => checks.loss_enclosure(),
        "spurious" => checks.spurious(),
        "not-critical" => checks.not_critical(),
        other => Err(unknown_claim(other)),
    })
}
