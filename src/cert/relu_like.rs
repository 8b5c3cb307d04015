//! Certificate kind `relu-like-spurious-minimum` (Theorem 1): a one-hidden-layer network with
//! a ReLU-like activation `h̄(z) = max(s+ z, 0) + min(s− z, 0)` has a local minimum, on an
//! explicit region, whose loss is the least-squares loss, and a point with strictly smaller
//! loss, so the minimum is spurious; positive homogeneity gives infinitely many such minima.

use super::kernel::{dot, q, q_mat, q_vec, reject, require_len, Scaled, Q};
use super::{parse_typed, require_claims, CheckReport, Claim, VerifiedClaim};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The kind name.
pub const KIND: &str = "relu-like-spurious-minimum";

/// The activation `h̄_{s+,s−}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReluLike {
    /// Always `"relu-like"`.
    pub name: String,
    /// The slope `s+ > 0` on the positive side.
    pub s_plus: String,
    /// The slope `s− ≥ 0` on the negative side.
    pub s_minus: String,
}

/// A dataset restated exactly: one row of `x` per point.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// Input column names.
    pub feature_names: Vec<String>,
    /// Target column name.
    pub target_name: String,
    /// The inputs, `m` rows of `dx` rationals.
    pub x: Vec<Vec<String>>,
    /// The targets, `m` rationals.
    pub y: Vec<String>,
}

/// The problem: data, activation and hidden width `d1` (with `dy = 1`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The activation.
    pub activation: ReluLike,
    /// Hidden width `d1`.
    pub width: usize,
    /// The data.
    pub data: Data,
}

/// Parameters of a one-hidden-layer network with `dy = 1`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// `W1`, `d1 × dx`.
    #[serde(rename = "W1")]
    pub w1: Vec<Vec<String>>,
    /// `b1`, `d1`.
    pub b1: Vec<String>,
    /// `W2`, `1 × d1`.
    #[serde(rename = "W2")]
    pub w2: Vec<Vec<String>>,
    /// `b2`, `1`.
    pub b2: Vec<String>,
}

/// How the better point was built. Informational: the checker parses it but no claim rests on
/// it (it evaluates the better point's loss directly).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Construction {
    /// `J-nonempty` (MATH.md §1 Step 2) or `J-empty` (Appendix A).
    pub case: String,
    /// The split level β.
    pub beta: String,
    /// The shift γ.
    pub gamma: String,
    /// For `J-empty`: the perturbation `αv` applied to `W̄[1..dx]` to break the tie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie_break: Option<Vec<String>>,
}

/// The witness.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// `W̄ = [w_1 … w_dx, bias]`, a least-squares solution.
    pub least_squares: Vec<String>,
    /// The scale α of the minimum (the family parameter).
    pub alpha: String,
    /// The local minimum `θ̂`.
    pub minimum: Point,
    /// The radius ρ of the region `‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ` (any `W2`, `b2`).
    pub radius: String,
    /// A point with strictly smaller loss.
    pub better_point: Point,
    /// How the better point was found (informational).
    pub construction: Construction,
}

/// A `relu-like-spurious-minimum` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims of this kind, in order.
pub fn claims() -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    vec![
        c("normal-equations", "W̄ is a least-squares solution: (W̄X̃ − Y)X̃ᵀ = 0 exactly, so ℓ0(W̄) is the minimum loss of any affine model"),
        c("minimum-output", "the network at the minimum outputs exactly W̄X̃, so its loss is ℓ0(W̄)"),
        c("local-minimum-region", "every hidden pre-activation at the minimum is at least μ > 0 and ρ(1 + max_i ‖x_i‖₁) ≤ μ, so on the region ‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ (any W2, b2) the network is affine in x and its loss is at least ℓ0(W̄): the minimum is a local minimum"),
        c("infinitely-many-minima", "(W1, b1) ≠ 0 at the minimum, so by positive homogeneity of h̄ the points (tŴ1, tb̂1, Ŵ2/t, b̂2), t > 0, are distinct local minima with the same loss (region radius tρ)"),
        c("strictly-better-point", "the better point has loss strictly below ℓ0(W̄), so the minimum is not global: it is a spurious local minimum"),
    ]
}

/// The checker's view of the activation.
struct Slopes {
    plus: Q,
    minus: Q,
}

impl Slopes {
    fn apply(&self, z: &Q) -> Q {
        if *z >= 0 {
            Q::from(&self.plus * z)
        } else {
            Q::from(&self.minus * z)
        }
    }
}

/// A parsed network point; hidden unit k is kept as the row `[W1[k,:], b1[k]]` over a common
/// denominator, to be dotted with augmented inputs `[x, 1]`.
struct Net {
    units: Vec<Scaled>,
    w1_b1_nonzero: bool,
    w2: Vec<Q>,
    b2: Q,
}

impl Net {
    fn parse(what: &str, p: &Point, d1: usize, dx: usize) -> Result<Net> {
        let w1 = q_mat(&format!("{what}.W1"), &p.w1, d1, dx)?;
        require_len(&format!("{what}.b1"), &p.b1, d1)?;
        let b1 = q_vec(&format!("{what}.b1"), &p.b1)?;
        let w2 = q_mat(&format!("{what}.W2"), &p.w2, 1, d1)?.remove(0);
        require_len(&format!("{what}.b2"), &p.b2, 1)?;
        let b2 = q_vec(&format!("{what}.b2"), &p.b2)?.remove(0);
        let w1_b1_nonzero = w1.iter().flatten().chain(&b1).any(|v| *v != 0);
        let units = w1
            .into_iter()
            .zip(b1)
            .map(|(mut row, b)| {
                row.push(b);
                Scaled::new(&row)
            })
            .collect();
        Ok(Net {
            units,
            w1_b1_nonzero,
            w2,
            b2,
        })
    }

    fn pre_activations(&self, x_aug: &Scaled) -> Vec<Q> {
        self.units.iter().map(|u| u.dot(x_aug)).collect()
    }

    fn output(&self, h: &Slopes, x_aug: &Scaled) -> Q {
        let hidden: Vec<Q> = self
            .pre_activations(x_aug)
            .iter()
            .map(|z| h.apply(z))
            .collect();
        dot(&self.w2, &hidden) + &self.b2
    }

    fn loss(&self, h: &Slopes, xs: &[Scaled], ys: &[Q]) -> Q {
        let mut s = Q::new();
        for (x, y) in xs.iter().zip(ys) {
            s += (self.output(h, x) - y).square();
        }
        s / 2u32
    }
}

/// Checks a `relu-like-spurious-minimum` certificate.
pub fn check(value: serde_json::Value) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value)?;
    let expected = claims();
    require_claims(&cert.claims, &expected)?;
    let p = &cert.problem;
    let w = &cert.witness;

    // The problem.
    if p.activation.name != "relu-like" {
        return Err(Error::Rejected(format!(
            "problem.activation.name is '{}', expected 'relu-like'",
            p.activation.name
        )));
    }
    let h = Slopes {
        plus: q("problem.activation.s_plus", &p.activation.s_plus)?,
        minus: q("problem.activation.s_minus", &p.activation.s_minus)?,
    };
    if h.plus <= 0 || h.minus < 0 || h.plus == h.minus {
        return Err(Error::Rejected(
            "problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus".into(),
        ));
    }
    let m = p.data.y.len();
    let dx = p.data.feature_names.len();
    let d1 = p.width;
    if m < 2 || dx == 0 || d1 == 0 {
        return Err(Error::Rejected(
            "problem: need at least two points, one input column and one hidden unit".into(),
        ));
    }
    let xs = q_mat("problem.data.x", &p.data.x, m, dx)?;
    let ys = q_vec("problem.data.y", &p.data.y)?;

    // The witness.
    require_len("witness.least_squares", &w.least_squares, dx + 1)?;
    let wbar = q_vec("witness.least_squares", &w.least_squares)?;
    let alpha = q("witness.alpha", &w.alpha)?;
    if alpha <= 0 {
        return Err(Error::Rejected("witness.alpha must be positive".into()));
    }
    let minimum = Net::parse("witness.minimum", &w.minimum, d1, dx)?;
    let rho = q("witness.radius", &w.radius)?;
    let better = Net::parse("witness.better_point", &w.better_point, d1, dx)?;
    q("witness.construction.beta", &w.construction.beta)?;
    q("witness.construction.gamma", &w.construction.gamma)?;
    if let Some(t) = &w.construction.tie_break {
        require_len("witness.construction.tie_break", t, dx)?;
        q_vec("witness.construction.tie_break", t)?;
    }
    if !matches!(w.construction.case.as_str(), "J-nonempty" | "J-empty") {
        return Err(Error::Rejected(
            "witness.construction.case must be 'J-nonempty' or 'J-empty'".into(),
        ));
    }

    let augmented: Vec<Vec<Q>> = xs
        .iter()
        .map(|x| x.iter().cloned().chain([Q::from(1)]).collect())
        .collect();
    let rows: Vec<Scaled> = augmented.iter().map(|xt| Scaled::new(xt)).collect();
    let wbar_scaled = Scaled::new(&wbar);
    let fit: Vec<Q> = rows.iter().map(|xt| wbar_scaled.dot(xt)).collect();
    let mut verified = Vec::new();
    let mut done = |i: usize, evidence: String| {
        verified.push(VerifiedClaim {
            id: expected[i].id.clone(),
            statement: expected[i].statement.clone(),
            evidence,
        });
    };

    // normal-equations
    let id = "normal-equations";
    let residual: Vec<Q> = fit.iter().zip(&ys).map(|(f, y)| Q::from(f - y)).collect();
    let residual_scaled = Scaled::new(&residual);
    for j in 0..=dx {
        let column: Vec<Q> = augmented.iter().map(|xt| xt[j].clone()).collect();
        let s = residual_scaled.dot(&Scaled::new(&column));
        if s != 0 {
            let coord = if j < dx {
                format!("input column {}", j + 1)
            } else {
                "the bias column".into()
            };
            return Err(reject(id, format!("(W̄X̃ − Y)X̃ᵀ is {s} at {coord}, not 0")));
        }
    }
    let l0 = residual_scaled.dot(&residual_scaled) / 2u32;
    done(
        0,
        format!(
            "all {} entries of (W̄X̃ − Y)X̃ᵀ are exactly 0; ℓ0(W̄) = {l0}",
            dx + 1
        ),
    );

    // minimum-output
    let id = "minimum-output";
    for (i, x) in rows.iter().enumerate() {
        let out = minimum.output(&h, x);
        if out != fit[i] {
            return Err(reject(
                id,
                format!(
                    "at point {} the network outputs {out} but W̄x̃ = {}",
                    i + 1,
                    fit[i]
                ),
            ));
        }
    }
    done(1, format!("output equals W̄x̃ at all {m} points; loss {l0}"));

    // local-minimum-region
    let id = "local-minimum-region";
    let mu = rows
        .iter()
        .flat_map(|x| minimum.pre_activations(x))
        .min()
        .expect("m ≥ 1, d1 ≥ 1");
    if mu <= 0 {
        return Err(reject(
            id,
            format!("the smallest pre-activation μ = {mu} is not positive"),
        ));
    }
    if rho <= 0 {
        return Err(reject(id, format!("the radius ρ = {rho} is not positive")));
    }
    let max_l1 = xs
        .iter()
        .map(|x| x.iter().map(|v| Q::from(v.abs_ref())).sum::<Q>())
        .max()
        .expect("m ≥ 1");
    let need = Q::from(&rho * (max_l1.clone() + 1u32));
    if need > mu {
        return Err(reject(
            id,
            format!("ρ(1 + max‖x‖₁) = {need} exceeds μ = {mu}"),
        ));
    }
    done(
        2,
        format!("μ = {mu}, max_i ‖x_i‖₁ = {max_l1}, ρ = {rho}, ρ(1 + max‖x‖₁) = {need} ≤ μ"),
    );

    // infinitely-many-minima
    let id = "infinitely-many-minima";
    if !minimum.w1_b1_nonzero {
        return Err(reject(
            id,
            "W1 and b1 are zero at the minimum, so the scaled points coincide",
        ));
    }
    done(3, "(Ŵ1, b̂1) ≠ 0; h̄(tz) = t·h̄(z) for t > 0 keeps outputs, loss and the region argument (μ and ρ scale by t)".into());

    // strictly-better-point
    let id = "strictly-better-point";
    let better_loss = better.loss(&h, &rows, &ys);
    if better_loss >= l0 {
        return Err(reject(
            id,
            format!("the better point has loss {better_loss}, not below ℓ0(W̄) = {l0}"),
        ));
    }
    let gain = Q::from(&l0 - &better_loss);
    done(
        4,
        format!("loss at the better point {better_loss} < {l0} (improvement {gain})"),
    );

    Ok(CheckReport {
        kind: KIND.into(),
        claims: verified,
    })
}
