//! Certificate kind `smooth-counterexample` (Theorem 2 / Corollary 3, proofs/MATH.md §2 and
//! Appendices B–D): on the data `X = [[1,0],[0,1],[½,½]]`, `Y = [0,0,1]` a 2-2-1 network with
//! activation `h` has a zero-loss point and a local minimum with loss `⅓` on an explicit box,
//! so the minimum is spurious. Produced by `critcert thm2` (`src/theorems/thm2.rs`); `check_thm2`
//! in `proofs/check_flint.py`.
//!
//! Numbers are exact: rationals `"p/q"` or `{"ln": "q", "times": "c"}` for `c·ln q`. The checker
//! evaluates `h` exactly where a closed form gives a rational (log-rational points of sigmoid,
//! tanh, ELU, SELU, softplus' derivatives; rational points of the quadratic and ReLU-like
//! activations) and otherwise by MPFR intervals with directed rounding
//! ([`super::interval`]). Equalities are only ever accepted exactly (or hold by construction,
//! for a coefficient defined by solving C2.3); strict inequalities may be shown by intervals.

use super::activation::{log_products_equal, Act, Pt};
use super::interval::I;
use super::kernel::{q, reject, require_len, Q};
use super::value::V;
use super::{parse_typed, require_claims, unknown_claim, verify_claims, CheckReport, Claim};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The kind name.
pub const KIND: &str = "smooth-counterexample";

/// The activation, by name (`relu-like` with its slopes).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Activation {
    /// `sigmoid`, `tanh`, `arctan`, `elu`, `selu`, `softplus`, `gelu`, `silu`, `quadratic`,
    /// `relu-like` or `formula`.
    pub name: String,
    /// For `relu-like`: the slope `s+ > 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s_plus: Option<String>,
    /// For `relu-like`: the slope `s− ≥ 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s_minus: Option<String>,
    /// For `formula`: the activation as a formula in `x` ([`super::formula`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
}

/// The fixed Theorem 2 data, restated.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// The inputs, one row per point.
    pub x: Vec<Vec<String>>,
    /// The targets.
    pub y: Vec<String>,
}

/// The problem: activation, architecture `dx = d1 = 2`, `dy = 1`, and the data.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The activation.
    pub activation: Activation,
    /// `[dx, d1, dy]`, always `[2, 2, 1]`.
    pub architecture: Vec<usize>,
    /// The data.
    pub data: Data,
}

/// `c·ln q` for rationals `q > 0` and `c` (default 1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LogReal {
    /// `q`.
    pub ln: String,
    /// `c` (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<String>,
}

/// An exact real number: a rational or a rational multiple of the log of a rational.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Real {
    /// `"p/q"`.
    Rational(String),
    /// `c·ln q`.
    Log(LogReal),
}

/// "Defined by solving an equation": `{"solve": "C2.3"}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Solve {
    /// The equation, always `C2.3`.
    pub solve: String,
}

/// The output weight `u2`: a number, or defined by (C2.3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Coef {
    /// An exact number.
    Value(Real),
    /// `u2 = (⅓ − u1 h(v1)) / h(v2)`.
    Solve(Solve),
}

/// `v4` defined as a root of (C2.1): `{"solve": "C2.1", "bracket": ["a", "b"]}`, the root of
/// `h(v1)h(x) = h(v2)h(v3)` that the intermediate value theorem gives in `[a, b]`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Root {
    /// The equation, always `C2.1`.
    pub solve: String,
    /// `[a, b]`, rationals with `a < b`.
    pub bracket: Vec<String>,
}

/// One of `v1 … v4`: a number, or (only `v4`) a root of (C2.1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Entry {
    /// An exact number.
    Value(Real),
    /// A root of (C2.1) in a bracket.
    Root(Root),
}

/// Part 1: `W1 = [[v1, v2], [v3, v4]]`, `b1 = 0`, `W2 = (h(v3), −h(v1))/D`, `b2 = 0`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ZeroLoss {
    /// `v1, v2, v3, v4`.
    pub v: Vec<Entry>,
}

/// Part 2: `W1 = 0`, `b1 = (v1, v2)`, `W2 = (u1, u2)`, `b2 = 0` for a smooth activation;
/// for a ReLU-like one the bias-free form `W1 = [[v1, v1], [v2, v2]]`, `b1 = 0` (Appendix D).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    /// `v1, v2`.
    pub v: Vec<Real>,
    /// `u1`.
    pub u1: Real,
    /// `u2`.
    pub u2: Coef,
}

/// The witness.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// MPFR precision (bits) of every interval computation, 32 ≤ p ≤ 4096.
    pub precision: u32,
    /// The zero-loss point.
    pub zero_loss: ZeroLoss,
    /// The spurious local minimum.
    pub minimum: Minimum,
    /// The radius ρ of the box `‖θ − θ̂‖_max ≤ ρ` (all nine parameters).
    pub radius: String,
    /// The exact inertia `[n+, n0, n−]` of the Hessian at the minimum, when its entries are
    /// rational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hessian_inertia: Option<Vec<usize>>,
}

/// A `smooth-counterexample` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims, by family (`relu_like`), whether `v4` is a root of (C2.1) given by a
/// bracket (`v4_root`) and whether the Hessian inertia is claimed.
pub fn claims(relu_like: bool, v4_root: bool, hessian: bool) -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    let zero_loss = if v4_root {
        c("zero-loss-point", "with D = h(v3)h((v1+v2)/2) − h(v1)h((v3+v4)/2): h is continuous on the bracket [a, b] of v4 and h(v1)h(x) − h(v2)h(v3) has opposite signs at a and b, so a root v4 in [a, b] exists and h(v1)h(v4) = h(v2)h(v3) holds exactly (C2.1); D ≠ 0 for every v4 in [a, b] (C2.2); so the point W1 = [[v1,v2],[v3,v4]], b1 = 0, W2 = (h(v3), −h(v1))/D, b2 = 0 outputs exactly (0, 0, 1) = Y: loss 0")
    } else {
        c("zero-loss-point", "with D = h(v3)h((v1+v2)/2) − h(v1)h((v3+v4)/2), h(v1)h(v4) = h(v2)h(v3) holds exactly (C2.1) and D ≠ 0 (C2.2), so the point W1 = [[v1,v2],[v3,v4]], b1 = 0, W2 = (h(v3), −h(v1))/D, b2 = 0 outputs exactly (0, 0, 1) = Y: loss 0")
    };
    let mut v = vec![
        zero_loss,
        c("minimum-loss", "the minimum outputs u1h(v1) + u2h(v2) = 1/3 at every data point (C2.3, exactly or by the definition of u2), the least-squares output, so its loss is exactly 1/3"),
        c("critical-point", "the gradient of the loss at the minimum is exactly 0: the residuals e = (1/3 − y_i) satisfy Σe_i = 0 and Σe_i x_i = 0, and every partial derivative is a multiple of these sums"),
    ];
    if hessian {
        v.push(c("hessian-inertia", "the 9×9 Hessian of the loss at the minimum, computed exactly from u1, u2 and h, h', h'' at v1, v2 (all rational), has exactly the stated inertia (n+, n0, n−) by exact symmetric elimination (Sylvester's law of inertia), and n0 > 0: the Hessian is singular, so the second-order test decides nothing and local minimality rests on local-minimum-box"));
    }
    if relu_like {
        v.push(c("local-minimum-box", "v1, v2 > 0 and 2ρ ≤ min(v1, v2): on the box ‖θ − θ̂‖_max ≤ ρ every hidden pre-activation at every data point is ≥ 0, so h̄ acts as s+·z, the network is affine in x on the data and its loss is at least the least-squares loss 1/3"));
    } else {
        v.push(c("second-order-condition", "at the minimum itself, with w_k = u_k h'(v_k) and a_k = u_k h''(v_k)/3 evaluated exactly or as MPFR intervals: w1² + a1 > 0 (C2.6) and w1²a2 + w2²a1 + a1a2 > 0 (C2.7); these are the positivity conditions that local-minimum-box extends to the whole box, not by themselves a proof of minimality"));
        v.push(c("local-minimum-box", "on the box ‖θ − θ̂‖_max ≤ ρ, with P_k, Q_k the unit-k pre-activations at x1, x2 (both in v_k ± 2ρ), s_k = P_k − Q_k, ℓ(θ) − 1/3 ≥ ¼ sᵀ(aaᵀ + diag d)s where a_k = W2[k](h'(m_k) + c1_k s_k²), d_k = (W2[k]/3)(h''(m_k) + 4c2_k s_k²), c1 ∈ h'''/24, c2 ∈ h''''/192 over v_k ± 2ρ; interval enclosures give a1² + d1 > 0 and a1²d2 + a2²d1 + d1d2 > 0, so ℓ ≥ 1/3 on the box"));
    }
    v.push(c(
        "spurious-minimum",
        "the local minimum has loss 1/3 > 0 = the loss of the zero-loss point: it is not global",
    ));
    v
}

/// Parses a certificate number into a point.
pub fn parse_real(what: &str, r: &Real) -> Result<Pt> {
    match r {
        Real::Rational(s) => Ok(Pt::rational(q(what, s)?)),
        Real::Log(l) => {
            let arg = q(&format!("{what}.ln"), &l.ln)?;
            if arg <= 0 {
                return Err(Error::rejected(format!("{what}: ln of {arg} ≤ 0")));
            }
            let c = match &l.times {
                Some(t) => q(&format!("{what}.times"), t)?,
                None => Q::from(1),
            };
            Ok(Pt {
                rat: Q::new(),
                logs: vec![(c, arg)],
            })
        }
    }
}

/// Parses the problem's activation.
pub fn parse_activation(a: &Activation) -> Result<Act> {
    if a.name == "relu-like" {
        if a.formula.is_some() {
            return Err(Error::rejected(
                "problem.activation: 'relu-like' takes no formula".into(),
            ));
        }
        let (Some(p), Some(m)) = (&a.s_plus, &a.s_minus) else {
            return Err(Error::rejected(
                "problem.activation: relu-like needs s_plus and s_minus".into(),
            ));
        };
        let (p, m) = (
            q("problem.activation.s_plus", p)?,
            q("problem.activation.s_minus", m)?,
        );
        if p <= 0 || m < 0 || p == m {
            return Err(Error::rejected(
                "problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus".into(),
            ));
        }
        return Ok(Act::ReluLike(p, m));
    }
    if a.s_plus.is_some() || a.s_minus.is_some() {
        return Err(Error::rejected(format!(
            "problem.activation: '{}' takes no slopes",
            a.name
        )));
    }
    match (a.name.as_str(), &a.formula) {
        ("formula", Some(text)) => {
            return Act::formula(text)
                .map_err(|e| Error::rejected(format!("problem.activation.formula '{text}': {e}")))
        }
        ("formula", None) => {
            return Err(Error::rejected(
                "problem.activation: 'formula' needs the field formula".into(),
            ))
        }
        (_, Some(_)) => {
            return Err(Error::rejected(format!(
                "problem.activation: '{}' takes no formula",
                a.name
            )))
        }
        _ => {}
    }
    Act::smooth(&a.name).ok_or_else(|| {
        Error::rejected(format!(
            "problem.activation: unknown activation '{}'",
            a.name
        ))
    })
}

/// `h⁽ᵏ⁾(x)`: exact where a closed form is rational, else an enclosure.
pub fn value(act: &Act, k: usize, x: &Pt, prec: u32) -> std::result::Result<V, String> {
    match act.exact_at(k, x) {
        Some(q) => Ok(V::E(q)),
        None => {
            let e = act.enclose(k, &x.enclose(prec))?;
            if !e.is_finite() {
                return Err(format!(
                    "the enclosure of h{} at {} is unbounded (MPFR overflow): not finite",
                    "'".repeat(k),
                    x.enclose(prec).show(12)
                ));
            }
            Ok(V::N(e))
        }
    }
}

/// The Theorem 2 data.
pub fn theorem2_data() -> (Vec<[Q; 2]>, Vec<Q>) {
    let h = Q::from((1, 2));
    (
        vec![
            [Q::from(1), Q::new()],
            [Q::new(), Q::from(1)],
            [h.clone(), h],
        ],
        vec![Q::new(), Q::new(), Q::from(1)],
    )
}

/// The lower bounds of `a1² + d1` and `a1²d2 + a2²d1 + d1d2` over the box of radius `rho`
/// around the minimum `(v, u)`, by the Taylor/interval argument of proofs/MATH.md §2.8 (proof in Appendix B); `Err` names the
/// enclosure that could not be formed (e.g. a kink inside `v_k ± 2ρ`). Shared by the
/// producer's bisection so that producer and checker agree on ρ.
pub fn box_bounds(
    act: &Act,
    v: &[Pt; 2],
    u: &[I; 2],
    rho: &Q,
    prec: u32,
) -> std::result::Result<(I, I), String> {
    let two_rho = Q::from(rho * 2u32);
    let r1 = I::span(prec, &Q::from(-rho), rho);
    let r2 = I::span(prec, &Q::from(-&two_rho), &two_rho);
    let s2 = I::span(prec, &Q::new(), &Q::from(two_rho.square_ref()));
    let mut a = Vec::new();
    let mut d = Vec::new();
    for k in 0..2 {
        let m = v[k].enclose(prec).add(&r2);
        let w = u[k].add(&r1);
        let h = act.enclose_upto(4, &m)?;
        let c1 = h[3].div(&I::from_i(prec, 24)).expect("24 ≠ 0");
        // 4·c2 with c2 in h4/192.
        let c2x4 = h[4].div(&I::from_i(prec, 48)).expect("48 ≠ 0");
        a.push(w.mul(&h[1].add(&c1.mul(&s2))));
        d.push(
            w.div(&I::from_i(prec, 3))
                .expect("3 ≠ 0")
                .mul(&h[2].add(&c2x4.mul(&s2))),
        );
    }
    let diag = a[0].sq().add(&d[0]);
    let det = a[0]
        .sq()
        .mul(&d[1])
        .add(&a[1].sq().mul(&d[0]))
        .add(&d[0].mul(&d[1]));
    if !diag.is_finite() || !det.is_finite() {
        return Err("an enclosure is unbounded".into());
    }
    Ok((diag, det))
}

/// The 9×9 Hessian of the loss at the minimum (parameter order `W1[1,1], W1[1,2], W1[2,1],
/// W1[2,2], b1[1], b1[2], W2[1,1], W2[1,2], b2[1]`) from exact `u_k`, `h`, `h'`, `h''` at `v_k`.
fn hessian(u: &[Q; 2], h: &[[Q; 3]; 2]) -> Vec<Vec<Q>> {
    let (xs, ys) = theorem2_data();
    let mut m = vec![vec![Q::new(); 9]; 9];
    for (x, y) in xs.iter().zip(&ys) {
        let e = Q::from((1, 3)) - y;
        let xt = [x[0].clone(), x[1].clone(), Q::from(1)];
        let widx = |k: usize, a: usize| if a < 2 { 2 * k + a } else { 4 + k };
        let mut g = vec![Q::new(); 9];
        for k in 0..2 {
            for a in 0..3 {
                g[widx(k, a)] = Q::from(&u[k] * &h[k][1]) * &xt[a];
            }
            g[6 + k] = h[k][0].clone();
        }
        g[8] = Q::from(1);
        for i in 0..9 {
            for j in 0..9 {
                m[i][j] += Q::from(&g[i] * &g[j]);
            }
        }
        for k in 0..2 {
            for a in 0..3 {
                for b in 0..3 {
                    let t = Q::from(&u[k] * &h[k][2]) * &xt[a] * &xt[b] * &e;
                    m[widx(k, a)][widx(k, b)] += t;
                }
                let t = Q::from(&h[k][1] * &xt[a]) * &e;
                m[widx(k, a)][6 + k] += &t;
                m[6 + k][widx(k, a)] += t;
            }
        }
    }
    m
}

/// The inertia `(n+, n0, n−)` of a symmetric rational matrix by symmetric elimination with
/// 1×1 and 2×2 pivots (a congruence: Sylvester's law).
fn inertia(mut a: Vec<Vec<Q>>) -> [usize; 3] {
    let n = a.len();
    let mut alive: Vec<usize> = (0..n).collect();
    let (mut pos, mut neg) = (0, 0);
    loop {
        if let Some(at) = alive.iter().position(|&i| a[i][i] != 0) {
            let i = alive.remove(at);
            let d = a[i][i].clone();
            if d > 0 {
                pos += 1;
            } else {
                neg += 1;
            }
            for &r in &alive {
                let f = Q::from(&a[r][i] / &d);
                for &c in &alive {
                    let t = Q::from(&f * &a[i][c]);
                    a[r][c] -= t;
                }
            }
            continue;
        }
        let pair = alive.iter().enumerate().find_map(|(x, &i)| {
            alive[x + 1..]
                .iter()
                .find(|&&j| a[i][j] != 0)
                .map(|&j| (i, j))
        });
        let Some((i, j)) = pair else { break };
        // Pivot [[0, b], [b, 0]]: one positive and one negative eigenvalue.
        pos += 1;
        neg += 1;
        alive.retain(|&r| r != i && r != j);
        let b = a[i][j].clone();
        for &r in &alive {
            for &c in &alive {
                let t = (Q::from(&a[r][i] * &a[j][c]) + Q::from(&a[r][j] * &a[i][c])) / &b;
                a[r][c] -= t;
            }
        }
    }
    [pos, n - pos - neg, neg]
}

/// (C2.1) with `v4` a root in a bracket `[a, b]`: `h` is continuous on `[a, b]` (its enclosure
/// there exists) and `h(v1)h(x) − h(v2)h(v3)` has opposite signs at `a` and `b`, so a root exists
/// (intermediate value theorem). Returns the evidence and `D` enclosed over every `v4 ∈ [a, b]`.
fn zero_loss_root(
    act: &Act,
    h: &[V],
    v3: &Pt,
    root: &Root,
    m12: &V,
    prec: u32,
) -> Result<(String, V)> {
    let id = "zero-loss-point";
    if root.solve != "C2.1" {
        return Err(Error::rejected(
            "witness.zero_loss.v[4]: the only equation v4 may solve is \"C2.1\"".into(),
        ));
    }
    require_len("witness.zero_loss.v[4].bracket", &root.bracket, 2)?;
    let a = q("witness.zero_loss.v[4].bracket[1]", &root.bracket[0])?;
    let b = q("witness.zero_loss.v[4].bracket[2]", &root.bracket[1])?;
    if a >= b {
        return Err(reject(id, format!("the bracket [{a}, {b}] is empty")));
    }
    let bracket = I::span(prec, &a, &b);
    let hb = act
        .enclose(0, &bracket)
        .map_err(|e| reject(id, format!("h is not shown continuous on [{a}, {b}]: {e}")))?;
    if !hb.is_finite() {
        return Err(reject(
            id,
            format!("h is not shown continuous on [{a}, {b}]: its enclosure there is unbounded (MPFR overflow)"),
        ));
    }
    let target = h[1].mul(&h[2], prec);
    let g = |x: &Q| -> Result<V> {
        let hx = value(act, 0, &Pt::rational(x.clone()), prec).map_err(|e| reject(id, e))?;
        Ok(h[0].mul(&hx, prec).sub(&target, prec))
    };
    let (ga, gb) = (g(&a)?, g(&b)?);
    let opposite = matches!(
        (ga.sign(), gb.sign()),
        (Some(Ordering::Less), Some(Ordering::Greater))
            | (Some(Ordering::Greater), Some(Ordering::Less))
    );
    if !opposite {
        return Err(reject(
            id,
            format!(
                "C2.1: h(v1)h(x) − h(v2)h(v3) is {} at a = {a} and {} at b = {b}: no sign change is shown",
                ga.show(),
                gb.show()
            ),
        ));
    }
    let mid = v3
        .enclose(prec)
        .add(&bracket)
        .div(&I::from_i(prec, 2))
        .expect("2 ≠ 0");
    let m34 = act.enclose(0, &mid).map_err(|e| reject(id, e))?;
    let dd = h[2].mul(m12, prec).sub(&h[0].mul(&V::N(m34), prec), prec);
    Ok((
        format!(
            "C2.1 by the intermediate value theorem: h is continuous on [{a}, {b}] and h(v1)h(x) − h(v2)h(v3) is {} at a and {} at b, so a root v4 ∈ [{a}, {b}] exists",
            ga.show(),
            gb.show()
        ),
        dd,
    ))
}

/// Checks a `smooth-counterexample` certificate.
pub fn check(value_json: serde_json::Value) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value_json)?;
    let p = &cert.problem;
    let w = &cert.witness;
    let act = parse_activation(&p.activation)?;
    let relu_like = matches!(act, Act::ReluLike(..));
    if w.zero_loss.v.len() != 4 {
        return Err(Error::rejected(format!(
            "witness.zero_loss.v: expected 4 entries, found {}",
            w.zero_loss.v.len()
        )));
    }
    let v4_root = match &w.zero_loss.v[3] {
        Entry::Root(r) => Some(r),
        Entry::Value(_) => None,
    };
    let expected = claims(relu_like, v4_root.is_some(), w.hessian_inertia.is_some());
    require_claims(&cert.claims, &expected)?;
    if p.architecture != [2, 2, 1] {
        return Err(Error::rejected(
            "problem.architecture must be [2, 2, 1]".into(),
        ));
    }
    let (xs, ys) = theorem2_data();
    let data_ok = p.data.x.len() == 3
        && p.data.y.len() == 3
        && p.data.x.iter().zip(&xs).all(|(row, x)| {
            row.len() == 2
                && row
                    .iter()
                    .zip(x)
                    .all(|(s, v)| q("problem.data.x", s).ok().as_ref() == Some(v))
        })
        && p.data
            .y
            .iter()
            .zip(&ys)
            .all(|(s, v)| q("problem.data.y", s).ok().as_ref() == Some(v));
    if !data_ok {
        return Err(Error::rejected(
            "problem.data must be the Theorem 2 data X = [[1,0],[0,1],[1/2,1/2]], Y = [0,0,1]"
                .into(),
        ));
    }
    let prec = w.precision;
    if !(32..=4096).contains(&prec) {
        return Err(Error::rejected(
            "witness.precision must be between 32 and 4096 bits".into(),
        ));
    }
    let given = if v4_root.is_some() { 3 } else { 4 };
    let zv: Vec<Pt> = w.zero_loss.v[..given]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let what = format!("witness.zero_loss.v[{}]", i + 1);
            match e {
                Entry::Value(r) => parse_real(&what, r),
                Entry::Root(_) => Err(Error::rejected(format!(
                    "{what}: only v4 may be given as a root of C2.1"
                ))),
            }
        })
        .collect::<Result<_>>()?;
    require_len("witness.minimum.v", &w.minimum.v, 2)?;
    let mv: [Pt; 2] = [
        parse_real("witness.minimum.v[1]", &w.minimum.v[0])?,
        parse_real("witness.minimum.v[2]", &w.minimum.v[1])?,
    ];
    let u1 = parse_real("witness.minimum.u1", &w.minimum.u1)?;
    let rho = q("witness.radius", &w.radius)?;
    let c = Checks {
        act,
        prec,
        zv,
        v4_root,
        mv,
        u1,
        u2: &w.minimum.u2,
        rho,
        hessian_inertia: w.hessian_inertia.as_deref(),
    };
    verify_claims(KIND, &cert.claims, |id| match id {
        "zero-loss-point" => c.zero_loss_point(),
        "minimum-loss" => c.minimum_loss(),
        "critical-point" => c.critical_point(),
        "hessian-inertia" => c.hessian_inertia(),
        "second-order-condition" => c.second_order_condition(),
        "local-minimum-box" if relu_like => c.relu_like_box(),
        "local-minimum-box" => c.local_minimum_box(),
        "spurious-minimum" => Ok("1/3 > 0".into()),
        other => Err(unknown_claim(other)),
    })
}

/// The parsed problem and witness, with one check per claim.
struct Checks<'a> {
    act: Act,
    prec: u32,
    /// `v1, v2, v3` and, unless it is a bracketed root, `v4`.
    zv: Vec<Pt>,
    v4_root: Option<&'a Root>,
    /// The minimum's `v1, v2`.
    mv: [Pt; 2],
    u1: Pt,
    u2: &'a Coef,
    rho: Q,
    hessian_inertia: Option<&'a [usize]>,
}

/// The output weights at the minimum and how (C2.3) holds.
struct Weights {
    u: [V; 2],
    how: String,
}

impl Checks<'_> {
    /// `h⁽ᵏ⁾(x)`: exact or a bounded enclosure, else a rejection.
    fn val(&self, k: usize, x: &Pt) -> Result<V> {
        value(&self.act, k, x, self.prec).map_err(Error::rejected)
    }

    /// A certificate number as a value: exact when rational, else its enclosure.
    fn num(&self, x: &Pt) -> V {
        match x.as_rational() {
            Some(r) => V::E(r.clone()),
            None => V::N(x.enclose(self.prec)),
        }
    }

    /// `h, h', h''` at the minimum's `v_k`.
    fn at_minimum(&self, k: usize) -> Result<[V; 2]> {
        Ok([self.val(k, &self.mv[0])?, self.val(k, &self.mv[1])?])
    }

    /// `u1, u2` with (C2.3) `u1h(v1) + u2h(v2) = 1/3` checked exactly, or `u2` defined by it.
    fn weights(&self) -> Result<Weights> {
        let prec = self.prec;
        let hv = self.at_minimum(0)?;
        let u1v = self.num(&self.u1);
        let first = u1v.mul(&hv[0], prec);
        match self.u2 {
            Coef::Value(r) => {
                let u2v = self.num(&parse_real("witness.minimum.u2", r)?);
                let out = first.add(&u2v.mul(&hv[1], prec), prec);
                match &out {
                    V::E(o) if *o == Q::from((1, 3)) => Ok(Weights {
                        u: [u1v, u2v],
                        how: "exact".into(),
                    }),
                    _ => Err(Error::rejected(format!(
                        "C2.3 fails: u1h(v1) + u2h(v2) {} is not exactly 1/3",
                        out.show()
                    ))),
                }
            }
            Coef::Solve(s) => {
                if s.solve != "C2.3" {
                    return Err(Error::rejected(
                        "witness.minimum.u2: the only equation to solve is \"C2.3\"".into(),
                    ));
                }
                let third = V::E(Q::from((1, 3)));
                let u2v = third.sub(&first, prec).div(&hv[1], prec).ok_or_else(|| {
                    Error::rejected(format!(
                        "u2 is defined by C2.3 but h(v2) {} may be 0",
                        hv[1].show()
                    ))
                })?;
                let how = format!(
                    "by construction (u2 = (1/3 − u1h(v1))/h(v2) {})",
                    u2v.show()
                );
                Ok(Weights { u: [u1v, u2v], how })
            }
        }
    }

    /// `zero-loss-point`: (C2.1) exactly or by a bracketed root, and `D ≠ 0` (C2.2).
    fn zero_loss_point(&self) -> Result<String> {
        let (act, prec, zv) = (&self.act, self.prec, &self.zv);
        let h: Vec<V> = zv.iter().map(|x| self.val(0, x)).collect::<Result<_>>()?;
        let m12 = self.val(0, &Pt::midpoint(&zv[0], &zv[1]))?;
        let (c21, dd) = match self.v4_root {
            Some(root) => zero_loss_root(act, &h, &zv[2], root, &m12, prec)?,
            None => {
                let lhs = h[0].mul(&h[3], prec);
                let rhs = h[1].mul(&h[2], prec);
                // Softplus at log-rational points: h(ln q) = ln(1 + q), so C2.1 is an identity
                // between products of logs, decided exactly by a common base.
                let softplus_args: Option<Vec<Q>> = (*act == Act::Softplus)
                    .then(|| {
                        zv.iter()
                            .map(|x| x.exp_exact(&Q::from(1)).map(|e| e + 1u32))
                            .collect()
                    })
                    .flatten();
                let c21 = match (&lhs, &rhs, &softplus_args) {
                    (V::E(a), V::E(b), _) if a == b => format!("C2.1 exact: h(v1)h(v4) = h(v2)h(v3) = {a}"),
                    (V::E(a), V::E(b), _) => {
                        return Err(Error::rejected(format!("C2.1 fails: h(v1)h(v4) = {a} ≠ {b} = h(v2)h(v3)")))
                    }
                    (_, _, Some(r)) if log_products_equal(&r[0], &r[1], &r[2], &r[3]) == Some(true) => format!(
                        "C2.1 exact: h(v_i) = ln({}), ln({}), ln({}), ln({}) are integer multiples of the log of one base, and ln·ln agree",
                        r[0], r[1], r[2], r[3]
                    ),
                    _ => {
                        return Err(Error::rejected(format!(
                            "C2.1 is an equality and is not shown exactly: h(v1)h(v4) {}, h(v2)h(v3) {}",
                            lhs.show(),
                            rhs.show()
                        )))
                    }
                };
                let m34 = self.val(0, &Pt::midpoint(&zv[2], &zv[3]))?;
                let dd = h[2].mul(&m12, prec).sub(&h[0].mul(&m34, prec), prec);
                (c21, dd)
            }
        };
        if dd.sign().is_none_or(|s| s == Ordering::Equal) {
            return Err(Error::rejected(format!(
                "C2.2: D {} is not shown to be nonzero",
                dd.show()
            )));
        }
        Ok(format!(
            "{c21}; C2.2 ({}): D {}; outputs (h3h1 − h1h3)/D = 0, (h3h2 − h1h4)/D = 0, D/D = 1",
            dd.how(),
            dd.show()
        ))
    }

    /// `minimum-loss`: (C2.3), and the constant 1/3 is the least-squares fit of the data.
    fn minimum_loss(&self) -> Result<String> {
        let how = self.weights()?.how;
        let (sum, sum_x) = residual_sums();
        let (xs, ys) = theorem2_data();
        let loss: Q = ys
            .iter()
            .map(|y| Q::from((Q::from((1, 3)) - y).square_ref()))
            .sum::<Q>()
            / 2u32;
        if loss != Q::from((1, 3)) || sum != 0 || sum_x.iter().any(|s| *s != 0) || xs.len() != 3 {
            return Err(Error::rejected(
                "the constant 1/3 is not the least-squares fit".into(),
            ));
        }
        Ok(format!("C2.3 {how}; output 1/3 at all 3 points; residuals (1/3, 1/3, −2/3) are orthogonal to 1 and to both input columns; loss ½·(1/9 + 1/9 + 4/9) = 1/3"))
    }

    /// `critical-point`: `h'` exists at the minimum and every partial derivative is a multiple
    /// of the residual sums, which are exactly 0.
    fn critical_point(&self) -> Result<String> {
        self.at_minimum(1)?;
        let (sum, sum_x) = residual_sums();
        if sum != 0 || sum_x.iter().any(|s| *s != 0) {
            return Err(Error::rejected("the residual sums are not 0".into()));
        }
        Ok(format!(
            "Σe_i = {sum}, Σe_i x_i = ({}, {}); ∂ℓ/∂b2 = Σe_i, ∂ℓ/∂W2[k] = h(v_k)Σe_i, ∂ℓ/∂b1[k] = u_k h'(v_k)Σe_i, ∂ℓ/∂W1[k,j] = u_k h'(v_k)Σe_i x_ij: all exactly 0",
            sum_x[0], sum_x[1]
        ))
    }

    /// `hessian-inertia`: the exact 9×9 Hessian's inertia is the stated one, with `n0 > 0`.
    fn hessian_inertia(&self) -> Result<String> {
        let claimed = self
            .hessian_inertia
            .ok_or_else(|| Error::rejected("the witness states no inertia".into()))?;
        let u = self.weights()?.u;
        let exact = |v: &V| match v {
            V::E(q) => Some(q.clone()),
            V::N(_) => None,
        };
        let (h0, h1, h2) = (
            self.at_minimum(0)?,
            self.at_minimum(1)?,
            self.at_minimum(2)?,
        );
        let vals = (|| {
            Some((
                [exact(&u[0])?, exact(&u[1])?],
                [
                    [exact(&h0[0])?, exact(&h1[0])?, exact(&h2[0])?],
                    [exact(&h0[1])?, exact(&h1[1])?, exact(&h2[1])?],
                ],
            ))
        })();
        let Some((u, hs)) = vals else {
            return Err(Error::rejected(
                "u, h, h', h'' at the minimum are not all rational".into(),
            ));
        };
        let got = inertia(hessian(&u, &hs));
        if claimed != got {
            return Err(Error::rejected(format!(
                "the exact inertia is {got:?}, not {claimed:?}"
            )));
        }
        if got[1] == 0 {
            return Err(Error::rejected(
                "the Hessian is nonsingular: the test would be conclusive".into(),
            ));
        }
        Ok(format!(
            "exact 9×9 Hessian has inertia (n+, n0, n−) = ({}, {}, {})",
            got[0], got[1], got[2]
        ))
    }

    /// `second-order-condition`: (C2.6) and (C2.7) at the minimum, exactly or by intervals.
    fn second_order_condition(&self) -> Result<String> {
        let prec = self.prec;
        let uv = self.weights()?.u;
        let (hp, hpp) = (self.at_minimum(1)?, self.at_minimum(2)?);
        let wk: Vec<V> = (0..2).map(|k| uv[k].mul(&hp[k], prec)).collect();
        let ak = (0..2)
            .map(|k| {
                uv[k]
                    .mul(&hpp[k], prec)
                    .div(&V::E(Q::from(3)), prec)
                    .ok_or_else(|| Error::rejected("division by 3 failed".into()))
            })
            .collect::<Result<Vec<V>>>()?;
        let w2 = |k: usize| wk[k].mul(&wk[k], prec);
        let c26 = w2(0).add(&ak[0], prec);
        let c27 = w2(0)
            .mul(&ak[1], prec)
            .add(&w2(1).mul(&ak[0], prec), prec)
            .add(&ak[0].mul(&ak[1], prec), prec);
        if c26.sign() != Some(Ordering::Greater) {
            return Err(Error::rejected(format!(
                "C2.6: w1² + a1 {} is not shown positive",
                c26.show()
            )));
        }
        if c27.sign() != Some(Ordering::Greater) {
            return Err(Error::rejected(format!(
                "C2.7: w1²a2 + w2²a1 + a1a2 {} is not shown positive",
                c27.show()
            )));
        }
        Ok(format!(
            "C2.6 ({}): {}; C2.7 ({}): {}",
            c26.how(),
            c26.show(),
            c27.how(),
            c27.show()
        ))
    }

    /// `local-minimum-box` for a smooth activation: the Taylor/interval bound on the box.
    fn local_minimum_box(&self) -> Result<String> {
        let (prec, rho) = (self.prec, &self.rho);
        if *rho <= 0 {
            return Err(Error::rejected(format!(
                "the radius ρ = {rho} is not positive"
            )));
        }
        let uv = self.weights()?.u;
        let u = [uv[0].to_i(prec), uv[1].to_i(prec)];
        let (diag, det) =
            box_bounds(&self.act, &self.mv, &u, rho, prec).map_err(Error::rejected)?;
        if !diag.is_positive() || !det.is_positive() {
            return Err(Error::rejected(format!(
                "on the box of radius ρ = {rho} the enclosures a1² + d1 {} and a1²d2 + a2²d1 + d1d2 {} are not both positive",
                diag.show(8),
                det.show(8)
            )));
        }
        Ok(format!(
            "ρ = {rho}, {prec}-bit intervals: a1² + d1 ∈ {}, a1²d2 + a2²d1 + d1d2 ∈ {}",
            diag.show(8),
            det.show(8)
        ))
    }

    /// `local-minimum-box` for a ReLU-like activation: every pre-activation stays ≥ 0.
    fn relu_like_box(&self) -> Result<String> {
        let rho = &self.rho;
        let (Some(a), Some(b)) = (self.mv[0].as_rational(), self.mv[1].as_rational()) else {
            return Err(Error::rejected("v1, v2 must be rational".into()));
        };
        let lo = std::cmp::min(a, b);
        if *lo <= 0 || *rho <= 0 || Q::from(rho * 2u32) > *lo {
            return Err(Error::rejected(format!(
                "need v1, v2 > 0 and 0 < 2ρ ≤ min(v1, v2); ρ = {rho}, min(v1, v2) = {lo}"
            )));
        }
        Ok(format!("pre-activations at θ̂ are v_k(x_i1 + x_i2) = v_k; on the box they move by at most ρ(‖x_i‖₁ + 1) = 2ρ = {} ≤ min v_k = {lo}", Q::from(rho * 2u32)))
    }
}

/// `Σe_i` and `Σe_i x_i` for the residuals `e_i = 1/3 − y_i` of the Theorem 2 data.
fn residual_sums() -> (Q, Vec<Q>) {
    let (xs, ys) = theorem2_data();
    let resid: Vec<Q> = ys.iter().map(|y| Q::from((1, 3)) - y).collect();
    let sum: Q = resid.iter().sum();
    let sum_x = (0..2)
        .map(|j| resid.iter().zip(&xs).map(|(e, x)| Q::from(e * &x[j])).sum())
        .collect();
    (sum, sum_x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertia_of_small_matrices() {
        let m = |v: &[&[i64]]| -> Vec<Vec<Q>> {
            v.iter()
                .map(|r| r.iter().map(|&x| Q::from(x)).collect())
                .collect()
        };
        assert_eq!(inertia(m(&[&[0, 1], &[1, 0]])), [1, 0, 1]);
        assert_eq!(inertia(m(&[&[1, 1], &[1, 1]])), [1, 1, 0]);
        assert_eq!(
            inertia(m(&[&[0, 0, 1], &[0, 0, 0], &[1, 0, -2]])),
            [1, 1, 1]
        );
        assert_eq!(inertia(m(&[&[2, 1], &[1, 2]])), [2, 0, 0]);
    }
}
