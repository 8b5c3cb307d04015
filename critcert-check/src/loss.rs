//! The losses `ℓ0` of `deep-linear-critical-point` certificates (MATH §6): per data point `i`,
//! with prediction `ŷ_i` (column `i` of `Ŷ = W_{H+1:1}X`, `dy` entries) and target `y_i`:
//!
//! | name in `problem.loss` | per point | `G` column `∂ℓ0/∂ŷ_i` | convex |
//! |---|---|---|---|
//! | `half-squared-frobenius` | `½‖ŷ_i − y_i‖²` | `ŷ_i − y_i` | yes |
//! | `logistic` (`dy = 1`, `y_i = ±1`) | `ln(1 + e^{−y_i ŷ_i})` | `−y_i σ(−y_i ŷ_i)` | yes |
//! | `cross-entropy` (`y_i` a probability vector) | `ln Σ_k e^{ŷ_ik} − y_iᵀŷ_i` | `softmax(ŷ_i) − y_i` | yes |
//! | `huber:δ` (`δ > 0` rational) | `Σ_k φ_δ(ŷ_ik − y_ik)` | `clamp(ŷ_ik − y_ik, −δ, δ)` | yes |
//! | `formula:f(yhat, y)` | `Σ_k f(ŷ_ik, y_ik)` | `∂f/∂yhat` | not assumed |
//!
//! Values are [`V`]: exact where they are rational (`σ(0) = ½`, a softmax of equal entries,
//! a rational formula at a rational point), MPFR enclosures otherwise. The same functions take
//! interval predictions (a box of products) and then enclose every member.

use super::formula::F;
use super::interval::I;
use super::kernel::q;
use super::value::V;
use rug::Rational as Q;

/// `problem.loss` of the squared loss (the name certificates have always used).
pub const SQUARED: &str = "half-squared-frobenius";

/// A loss `ℓ0`.
#[derive(Clone, Debug)]
pub enum Loss {
    /// `½‖Ŷ − Y‖_F²`.
    Squared,
    /// `Σ_i ln(1 + e^{−y_i ŷ_i})`, `dy = 1`, labels `±1`.
    Logistic,
    /// Softmax cross-entropy `Σ_i (ln Σ_k e^{ŷ_ik} − y_iᵀŷ_i)`.
    CrossEntropy,
    /// `Σ φ_δ(ŷ − y)`: `r²/2` for `|r| ≤ δ`, `δ(|r| − δ/2)` beyond.
    Huber(Q),
    /// `Σ_{i,k} f(ŷ_ik, y_ik)`.
    Formula(F),
}

type R<T> = Result<T, String>;

/// `σ(t) = 1/(1 + e^{−t})`: exactly `½` at `t = 0`.
fn sigma(t: &V, p: u32) -> R<V> {
    if t.is_zero() {
        return Ok(V::E(Q::from((1, 2))));
    }
    let one = I::from_i(p, 1);
    let s = one
        .div(&one.add(&t.to_i(p).neg().exp()))
        .ok_or("σ: a division by an interval containing 0")?;
    Ok(V::N(s))
}

fn finite(v: V, what: &str) -> R<V> {
    if v.is_bounded() {
        Ok(v)
    } else {
        Err(format!("{what}: the enclosure is unbounded (overflow)"))
    }
}

impl Loss {
    /// Parses `problem.loss`.
    pub fn parse(text: &str) -> R<Loss> {
        Ok(match text {
            SQUARED => Loss::Squared,
            "logistic" => Loss::Logistic,
            "cross-entropy" => Loss::CrossEntropy,
            _ => {
                if let Some(d) = text.strip_prefix("huber:") {
                    let d = q("problem.loss (huber:δ)", d).map_err(|e| e.to_string())?;
                    if d <= 0 {
                        return Err(format!("huber:δ needs δ > 0, not {d}"));
                    }
                    Loss::Huber(d)
                } else if let Some(f) = text.strip_prefix("formula:") {
                    Loss::Formula(F::parse_loss(f).map_err(|e| format!("formula loss: {e}"))?)
                } else {
                    return Err(format!(
                        "'{text}' is not a loss (half-squared-frobenius, logistic, cross-entropy, huber:δ, formula:f(yhat, y))"
                    ));
                }
            }
        })
    }

    /// Whether `ℓ0` is convex (every named loss; a formula is not assumed convex).
    pub fn convex(&self) -> bool {
        !matches!(self, Loss::Formula(_))
    }

    /// Checks the targets `Y` (`dy × m`): `logistic` needs `dy = 1` and labels `±1`,
    /// `cross-entropy` needs `dy ≥ 2` and columns that are probability vectors (non-negative,
    /// summing to exactly 1).
    pub fn check_targets(&self, y: &[Vec<Q>]) -> R<()> {
        let dy = y.len();
        let m = y.first().map_or(0, Vec::len);
        match self {
            Loss::Logistic => {
                if dy != 1 {
                    return Err(format!("the logistic loss needs dy = 1, not {dy}"));
                }
                if let Some(i) = y[0].iter().position(|v| *v != 1 && *v != -1) {
                    return Err(format!(
                        "Y[1,{}] = {} is not a label −1 or 1",
                        i + 1,
                        y[0][i]
                    ));
                }
            }
            Loss::CrossEntropy => {
                if dy < 2 {
                    return Err(format!("cross-entropy needs dy ≥ 2 classes, not {dy}"));
                }
                for i in 0..m {
                    let mut s = Q::new();
                    for (k, row) in y.iter().enumerate() {
                        if row[i] < 0 {
                            return Err(format!("Y[{},{}] = {} is negative", k + 1, i + 1, row[i]));
                        }
                        s += &row[i];
                    }
                    if s != 1 {
                        return Err(format!(
                            "column {} of Y sums to {s}, not 1: not a probability vector",
                            i + 1
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The loss of one point, `ℓ0_i(ŷ_i)`.
    pub fn value(&self, yhat: &[V], y: &[Q], p: u32) -> R<V> {
        let v = match self {
            Loss::Squared => {
                let mut s = V::E(Q::new());
                for (a, b) in yhat.iter().zip(y) {
                    let r = a.sub(&V::E(b.clone()), p);
                    s = s.add(&r.mul(&r, p), p);
                }
                s.mul(&V::E(Q::from((1, 2))), p)
            }
            Loss::Logistic => {
                // ln(1 + e^{−z}), z = yŷ (MPFR's exponent range holds e^{−z} for any z here).
                let z = yhat[0].to_i(p).mul(&I::from_q(p, &y[0]));
                let v = I::from_i(p, 1)
                    .add(&z.neg().exp())
                    .ln()
                    .ok_or("logistic: ln of a non-positive enclosure")?;
                V::N(v)
            }
            Loss::CrossEntropy => {
                // ln Σ_k e^{ŷ_k − ŷ_1} + ŷ_1 − yᵀŷ.
                let first = yhat[0].to_i(p);
                let mut s = I::from_i(p, 0);
                for a in yhat {
                    s = s.add(&a.to_i(p).sub(&first).exp());
                }
                let mut v = s
                    .ln()
                    .ok_or("cross-entropy: ln of a non-positive enclosure")?;
                v = v.add(&first);
                for (a, b) in yhat.iter().zip(y) {
                    v = v.sub(&a.to_i(p).mul(&I::from_q(p, b)));
                }
                V::N(v)
            }
            Loss::Huber(d) => {
                let mut s = V::E(Q::new());
                for (a, b) in yhat.iter().zip(y) {
                    let r = a.sub(&V::E(b.clone()), p);
                    let phi = match &r {
                        V::E(r) if r.clone().abs() <= *d => V::E(Q::from(r * r) / 2u32),
                        V::E(r) => V::E(Q::from(d * &(r.clone().abs() - Q::from(d / 2u32)))),
                        V::N(_) => {
                            return Err("huber: the loss is evaluated at exact points only".into())
                        }
                    };
                    s = s.add(&phi, p);
                }
                s
            }
            Loss::Formula(f) => {
                let mut s = V::E(Q::new());
                for (a, b) in yhat.iter().zip(y) {
                    let d = f.bind_y(b).derivatives(0, a, p)?;
                    s = s.add(&d[0], p);
                }
                s
            }
        };
        finite(v, "the loss")
    }

    /// The column `∂ℓ0/∂ŷ_i` of `G`.
    pub fn grad(&self, yhat: &[V], y: &[Q], p: u32) -> R<Vec<V>> {
        let g = match self {
            Loss::Squared => yhat
                .iter()
                .zip(y)
                .map(|(a, b)| a.sub(&V::E(b.clone()), p))
                .collect(),
            Loss::Logistic => {
                let yv = V::E(y[0].clone());
                let s = sigma(&yv.mul(&yhat[0], p).mul(&V::E(Q::from(-1)), p), p)?;
                vec![s.mul(&yv, p).mul(&V::E(Q::from(-1)), p)]
            }
            Loss::CrossEntropy => self
                .softmax(yhat, p)?
                .into_iter()
                .zip(y)
                .map(|(s, b)| s.sub(&V::E(b.clone()), p))
                .collect(),
            Loss::Huber(d) => yhat
                .iter()
                .zip(y)
                .map(|(a, b)| clamp(&a.sub(&V::E(b.clone()), p), d, p))
                .collect::<R<_>>()?,
            Loss::Formula(f) => yhat
                .iter()
                .zip(y)
                .map(|(a, b)| Ok(f.bind_y(b).derivatives(1, a, p)?.swap_remove(1)))
                .collect::<R<_>>()?,
        };
        g.into_iter().map(|v| finite(v, "G")).collect()
    }

    /// The Hessian `∂²ℓ0_i/∂ŷ_i²` (`dy × dy`); an error where the loss is not twice
    /// differentiable (a Huber residual that may be `±δ`, a formula's kink).
    pub fn hess(&self, yhat: &[V], y: &[Q], p: u32) -> R<Vec<Vec<V>>> {
        let dy = yhat.len();
        let zero = || V::E(Q::new());
        let diag = |d: Vec<V>| -> Vec<Vec<V>> {
            let mut h = vec![vec![zero(); dy]; dy];
            for (k, v) in d.into_iter().enumerate() {
                h[k][k] = v;
            }
            h
        };
        let h = match self {
            Loss::Squared => diag(vec![V::E(Q::from(1)); dy]),
            Loss::Logistic => {
                // σ(z)σ(−z), z = yŷ (y² = 1).
                let z = V::E(y[0].clone()).mul(&yhat[0], p);
                let (a, b) = (sigma(&z, p)?, sigma(&zero().sub(&z, p), p)?);
                vec![vec![a.mul(&b, p)]]
            }
            Loss::CrossEntropy => {
                let s = self.softmax(yhat, p)?;
                let mut h = vec![vec![zero(); dy]; dy];
                for k in 0..dy {
                    for l in 0..dy {
                        let pp = s[k].mul(&s[l], p);
                        h[k][l] = if k == l {
                            s[k].sub(&pp, p)
                        } else {
                            zero().sub(&pp, p)
                        };
                    }
                }
                h
            }
            Loss::Huber(d) => {
                let mut out = Vec::with_capacity(dy);
                for (a, b) in yhat.iter().zip(y) {
                    let r = a.sub(&V::E(b.clone()), p).to_i(p);
                    let (lo, hi) = (
                        r.lo_q().ok_or("huber: unbounded")?,
                        r.hi_q().ok_or("huber: unbounded")?,
                    );
                    let nd = Q::from(-d);
                    out.push(if lo > nd && hi < *d {
                        V::E(Q::from(1))
                    } else if lo > *d || hi < nd {
                        zero()
                    } else {
                        return Err(format!(
                            "huber: the residual {} may be ±δ, where the loss is not twice differentiable",
                            r.show(8)
                        ));
                    });
                }
                diag(out)
            }
            Loss::Formula(f) => diag(
                yhat.iter()
                    .zip(y)
                    .map(|(a, b)| Ok(f.bind_y(b).derivatives(2, a, p)?.swap_remove(2)))
                    .collect::<R<_>>()?,
            ),
        };
        h.into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|v| finite(v, "the Hessian of ℓ0"))
                    .collect()
            })
            .collect()
    }

    /// `softmax(ŷ)`: exactly `1/dy` each when the entries are exactly equal, else
    /// `1/Σ_l e^{ŷ_l − ŷ_k}` enclosed.
    fn softmax(&self, yhat: &[V], p: u32) -> R<Vec<V>> {
        let dy = yhat.len();
        if let Some(V::E(first)) = yhat.first() {
            if yhat.iter().all(|v| matches!(v, V::E(a) if a == first)) {
                return Ok(vec![V::E(Q::from((1, dy as u32))); dy]);
            }
        }
        let one = I::from_i(p, 1);
        (0..dy)
            .map(|k| {
                let yk = yhat[k].to_i(p);
                let mut s = I::from_i(p, 0);
                for (l, a) in yhat.iter().enumerate() {
                    s = s.add(&if l == k {
                        one.clone()
                    } else {
                        a.to_i(p).sub(&yk).exp()
                    });
                }
                one.div(&s)
                    .map(V::N)
                    .ok_or_else(|| "softmax: a division by an enclosure containing 0".to_string())
            })
            .collect()
    }
}

/// `clamp(r, −δ, δ)`, exact for an exact `r`; monotone, so an interval maps to the interval
/// of its clamped ends.
fn clamp(r: &V, d: &Q, p: u32) -> R<V> {
    let c = |x: Q| -> Q {
        if x > *d {
            d.clone()
        } else if x < Q::from(-d) {
            Q::from(-d)
        } else {
            x
        }
    };
    Ok(match r {
        V::E(x) => V::E(c(x.clone())),
        V::N(i) => {
            let (lo, hi) = (
                i.lo_q().ok_or("huber: unbounded")?,
                i.hi_q().ok_or("huber: unbounded")?,
            );
            V::N(I::span(p, &c(lo), &c(hi)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: u32 = 128;

    fn e(n: i64, d: i64) -> V {
        V::E(Q::from((n, d)))
    }

    #[test]
    fn gradients_are_exact_where_rational() {
        let g = Loss::Logistic.grad(&[e(0, 1)], &[Q::from(1)], P).unwrap();
        assert!(matches!(&g[0], V::E(q) if *q == Q::from((-1, 2))));
        let g = Loss::CrossEntropy
            .grad(
                &[e(1, 3), e(1, 3), e(1, 3)],
                &[Q::from(1), Q::new(), Q::new()],
                P,
            )
            .unwrap();
        assert!(matches!(&g[0], V::E(q) if *q == Q::from((-2, 3))));
        let g = Loss::Huber(Q::from(1))
            .grad(&[e(5, 2)], &[Q::new()], P)
            .unwrap();
        assert!(matches!(&g[0], V::E(q) if *q == 1));
        let f = Loss::parse("formula:(yhat - y)^4").unwrap();
        let g = f.grad(&[e(3, 1)], &[Q::from(1)], P).unwrap();
        assert!(matches!(&g[0], V::E(q) if *q == 32));
    }

    #[test]
    fn enclosures_contain_the_values() {
        // −σ(−2) = −0.11920292202211755…
        let g = Loss::Logistic.grad(&[e(2, 1)], &[Q::from(1)], P).unwrap();
        let i = g[0].to_i(P);
        let ten16 = 10_000_000_000_000_000i64;
        let bracket = I::span(
            P,
            &Q::from((-1_192_029_220_221_176i64, ten16)),
            &Q::from((-1_192_029_220_221_175i64, ten16)),
        );
        assert!(bracket.contains(&i), "{}", i.show(20));
        let h = Loss::CrossEntropy
            .hess(&[e(0, 1), e(1, 1)], &[Q::from(1), Q::new()], P)
            .unwrap();
        // Rows of diag(p) − ppᵀ sum to 0.
        let s = h[0][0].to_i(P).add(&h[0][1].to_i(P));
        assert!(s.contains_zero());
        let v = Loss::Logistic
            .value(&[e(0, 1)], &[Q::from(-1)], P)
            .unwrap()
            .to_i(P);
        assert!(v.contains(&I::from_i(P, 2).ln().unwrap()));
    }

    #[test]
    fn bad_losses_and_targets_are_refused() {
        assert!(Loss::parse("huber:0").is_err());
        assert!(Loss::parse("huber:-1").is_err());
        assert!(Loss::parse("hinge").is_err());
        assert!(Loss::parse("formula:x^2").is_err());
        let y = |v: &[i64]| vec![v.iter().map(|&a| Q::from(a)).collect::<Vec<_>>()];
        assert!(Loss::Logistic.check_targets(&y(&[1, -1])).is_ok());
        assert!(Loss::Logistic.check_targets(&y(&[1, 0])).is_err());
        let two = vec![
            vec![Q::from((1, 2)), Q::from(1)],
            vec![Q::from((1, 2)), Q::new()],
        ];
        assert!(Loss::CrossEntropy.check_targets(&two).is_ok());
        let bad = vec![
            vec![Q::from((1, 2)), Q::from(1)],
            vec![Q::from((1, 3)), Q::new()],
        ];
        assert!(Loss::CrossEntropy.check_targets(&bad).is_err());
        let h = Loss::Huber(Q::from(1)).hess(&[e(1, 1)], &[Q::new()], P);
        assert!(h.is_err());
    }
}
