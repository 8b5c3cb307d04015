//! The producer's derivatives for `critcert point`. The e-graph ([`crate::expr`]) derives the
//! scalar pieces once: for `gaussian-relu` the arc-cosine pair kernel as a function of
//! `a = ‖u‖², b = ‖w‖², c = uᵀw`,
//!
//! ```text
//! κ(a, b, c) = (√(ab − c²) + (π − arccos(c/√(ab)))·c) / (2π),
//! ```
//!
//! with its gradient and Hessian in `(a, b, c)`; for `mlp` the activation's `h, h', h''`. This
//! module evaluates them (binary64 for the kernel; MPFR at the search's precision for the
//! activation) and assembles the loss gradient and
//! Hessian at the point by the chain rule (MATH §6.3). The result steers the search (the
//! verdict, the Newton step, the shift or direction, the first radius); the checker derives
//! everything again its own way, so nothing here is trusted.

use super::thm2_search::Derivation;
use crate::cert::activation::{decimal, Act, SELU_ALPHA, SELU_LAMBDA};
use crate::cert::point::Problem;
use crate::cert::value::V;
use crate::error::{Error, Result};
use crate::exact::{format_rational, parse_input, Q};
use crate::expr::eval::eval_f64;
use crate::expr::lang::Math;
use crate::expr::{derive, Builder, Limits, Names, Poly};

/// The loss gradient and Hessian at the point in binary64 (estimates: for `mlp` rounded from MPFR
/// enclosures, for `gaussian-relu` the kernel's derivatives evaluated in binary64), in the
/// checker's parameter order.
pub struct AtPoint {
    /// `∇ℓ(θ̃)`.
    pub grad: Vec<f64>,
    /// `∇²ℓ(θ̃)`.
    pub hess: Vec<Vec<f64>>,
}

/// The e-graph's derivatives of the pair kernel `κ(a, b, c)`: gradient `[κ_a, κ_b, κ_c]` and
/// Hessian (3 × 3).
struct Kernel {
    grad: Vec<Poly>,
    hess: Vec<Vec<Poly>>,
}

impl Kernel {
    fn derive() -> Result<Kernel> {
        let mut names = Names::default();
        let vars = [names.intern("a"), names.intern("b"), names.intern("c")];
        let mut b = Builder::default();
        let [a, bb, c] = vars.map(|v| b.var(v));
        let ab = b.mul(a, bb);
        let c2 = b.pow(c, 2);
        let minus_c2 = b.neg(c2);
        let disc = b.add(ab, minus_c2);
        let sine = b.node(Math::Sqrt(disc));
        let norms = b.node(Math::Sqrt(ab));
        let inv_norms = b.pow(norms, -1);
        let cosine = b.mul(c, inv_norms);
        let theta = b.node(Math::Acos(cosine));
        let pi = b.node(Math::Pi);
        let minus_theta = b.neg(theta);
        let rest = b.add(pi, minus_theta);
        let second = b.mul(rest, c);
        let sum = b.add(sine, second);
        let two = b.num(Q::from(2));
        let two_pi = b.mul(two, pi);
        let scale = b.pow(two_pi, -1);
        let root = b.mul(scale, sum);
        let d = derive(&b.expr, root, &vars, true, &Limits::default())
            .map_err(|e| Error::Input(format!("deriving the pair kernel: {e}")))?;
        Ok(Kernel {
            grad: d.gradient,
            hess: d.hessian.unwrap_or_default(),
        })
    }

    /// `(∇κ, ∇²κ)` at `(a, b, c)` in binary64 (an estimate: nothing here is trusted).
    fn at(&self, abc: [f64; 3]) -> Result<([f64; 3], [[f64; 3]; 3])> {
        let var = |i: u32| abc[i as usize];
        let num = |p: &Poly| -> Result<f64> {
            eval_f64(p, &var)
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    Error::Input(format!(
                        "the pair kernel's derivatives are not finite at ‖u‖² = {:.6e}, ‖w‖² = {:.6e}, uᵀw = {:.6e} (two vectors parallel or nearly so)",
                        abc[0], abc[1], abc[2]
                    ))
                })
        };
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for (i, (gi, hi)) in g.iter_mut().zip(h.iter_mut()).enumerate() {
            *gi = num(&self.grad[i])?;
            for (hij, p) in hi.iter_mut().zip(&self.hess[i]) {
                *hij = num(p)?;
            }
        }
        Ok((g, h))
    }
}

fn mid(v: &V, prec: u32) -> f64 {
    match v {
        V::E(q) => q.to_f64(),
        V::N(_) => {
            let i = v.to_i(prec);
            match (i.lo_q(), i.hi_q()) {
                (Some(lo), Some(hi)) => (Q::from(&lo + &hi) / 2u32).to_f64(),
                _ => f64::NAN,
            }
        }
    }
}

/// A matrix of the problem's numbers.
fn rows(m: &[Vec<String>]) -> Result<Vec<Vec<Q>>> {
    m.iter()
        .map(|row| {
            row.iter()
                .map(|x| parse_input(x).map_err(Error::Input))
                .collect()
        })
        .collect()
}

fn matrix(p: &Problem, name: &str) -> Result<Vec<Vec<Q>>> {
    rows(
        p.point
            .get(name)
            .ok_or_else(|| Error::Input(format!("the point has no matrix {name}")))?,
    )
}

fn dot(u: &[Q], w: &[Q]) -> Q {
    u.iter().zip(w).map(|(x, y)| Q::from(x * y)).sum()
}

/// `gaussian-relu`: `F(W) = ½Σ_{i,i'} κ(w_i, w_i') − Σ_{i,j} κ(w_i, v_j) + const`, with
/// `κ(w, w) = ‖w‖²/2`. For a pair `(u, w)` (`u` varying), `∇_u κ = 2κ_a u + κ_c w`,
/// `∂²κ/∂u² = 2κ_a I + 4κ_aa uuᵀ + 2κ_ac(uwᵀ + wuᵀ) + κ_cc wwᵀ` and
/// `∂²κ/∂u∂w = κ_c I + 4κ_ab uwᵀ + 2κ_ac uuᵀ + 2κ_bc wwᵀ + κ_cc wuᵀ`.
fn gaussian(p: &Problem, teachers: &[Vec<Q>]) -> Result<AtPoint> {
    let kernel = Kernel::derive()?;
    let w = matrix(p, "W")?;
    let (k, n) = (w.len(), w.first().map_or(0, Vec::len));
    let f = |v: &[Q]| v.iter().map(Q::to_f64).collect::<Vec<f64>>();
    let sf: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..k).map(|a| w[a][i].to_f64()).collect())
        .collect();
    let dotf = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(x, y)| x * y).sum::<f64>();
    if let Some(i) = sf.iter().position(|u| dotf(u, u) == 0.0) {
        return Err(Error::Input(format!(
            "student {} is 0 in binary64 (its norm may be 0): outside the smooth region",
            i + 1
        )));
    }
    let mut grad = vec![0f64; n * k];
    let mut hess = vec![vec![0f64; n * k]; n * k];
    for i in 0..n {
        for a in 0..k {
            grad[i * k + a] += sf[i][a] / 2.0;
            hess[i * k + a][i * k + a] += 0.5;
        }
        let others = (0..n)
            .filter(|&j| j != i)
            .map(|j| (1.0, sf[j].clone(), Some(j)))
            .chain(teachers.iter().map(|v| (-1.0, f(v), None)));
        for (sign, wf, student) in others {
            let uf = &sf[i];
            let (g, h) = kernel.at([dotf(uf, uf), dotf(&wf, &wf), dotf(uf, &wf)])?;
            for a in 0..k {
                grad[i * k + a] += sign * (2.0 * g[0] * uf[a] + g[2] * wf[a]);
                for b in 0..k {
                    let eye = if a == b { 1.0 } else { 0.0 };
                    hess[i * k + a][i * k + b] += sign
                        * (2.0 * g[0] * eye
                            + 4.0 * h[0][0] * uf[a] * uf[b]
                            + 2.0 * h[0][2] * (uf[a] * wf[b] + wf[a] * uf[b])
                            + h[2][2] * wf[a] * wf[b]);
                    if let Some(j) = student {
                        hess[i * k + a][j * k + b] += g[2] * eye
                            + 4.0 * h[0][1] * uf[a] * wf[b]
                            + 2.0 * h[0][2] * uf[a] * uf[b]
                            + 2.0 * h[1][2] * wf[a] * wf[b]
                            + h[2][2] * wf[a] * uf[b];
                    }
                }
            }
        }
    }
    Ok(AtPoint { grad, hess })
}

/// The problem's activation as a formula in `x` for the e-graph.
fn formula(p: &Problem) -> Result<String> {
    let a = p
        .activation
        .as_ref()
        .ok_or_else(|| Error::Input("the problem has no activation".into()))?;
    if let Some(text) = &a.formula {
        return Ok(text.clone());
    }
    let slope = |s: &Option<String>| -> Result<String> {
        let q = parse_input(s.as_deref().unwrap_or_default()).map_err(Error::Input)?;
        Ok(format_rational(&q))
    };
    Ok(match Act::smooth(&a.name) {
        Some(Act::Selu) => {
            let l = decimal(SELU_LAMBDA);
            let la = Q::from(&l * &decimal(SELU_ALPHA));
            format!(
                "({})*max(x, 0) + ({})*min(exp(x) - 1, 0)",
                format_rational(&l),
                format_rational(&la)
            )
        }
        Some(Act::Silu) => "x/(1 + exp(-x))".into(),
        Some(act) => act.name().into(),
        None if a.name == "relu-like" => format!(
            "max(({})*x, 0) + min(({})*x, 0)",
            slope(&a.s_plus)?,
            slope(&a.s_minus)?
        ),
        None => return Err(Error::Input(format!("unknown activation '{}'", a.name))),
    })
}

/// `mlp`: `ℓ = ½Σ_s ‖W2 h(W1 x_s + b1) + b2 − y_s‖²`; per point, with `z = W1 x + b1`,
/// `r = ŷ − y`: the Jacobian `J` of `ŷ` gives `JᵀJ`, and `Σ_o r_o ∇²ŷ_o` has the blocks
/// `∂²ŷ_o/∂W1[j,c]∂W1[j,c'] = W2[o,j] h''(z_j) x_c x_c'` (bias: `x_c = 1`) and
/// `∂²ŷ_o/∂W1[j,c]∂W2[o,j] = h'(z_j) x_c`.
fn mlp(p: &Problem, prec: u32) -> Result<AtPoint> {
    let d = Derivation::of(&formula(p)?)?;
    let (w1, b1, w2, b2) = (
        matrix(p, "W1")?,
        matrix(p, "b1")?,
        matrix(p, "W2")?,
        matrix(p, "b2")?,
    );
    let parse = |m: &Option<Vec<Vec<String>>>, what: &str| -> Result<Vec<Vec<Q>>> {
        rows(
            m.as_ref()
                .ok_or_else(|| Error::Input(format!("the problem has no {what}")))?,
        )
    };
    let (xs, ys) = (parse(&p.x, "X")?, parse(&p.y, "Y")?);
    let (width, dx, dy) = (w1.len(), w1.first().map_or(0, Vec::len), w2.len());
    // Parameter indices, in the checker's order: W1 row by row, b1, W2 row by row, b2.
    let iw1 = |j: usize, c: usize| j * dx + c;
    let ib1 = |j: usize| width * dx + j;
    let iw2 = |o: usize, j: usize| width * (dx + 1) + o * width + j;
    let ib2 = |o: usize| width * (dx + 1) + dy * width + o;
    let np = width * (dx + 1) + dy * (width + 1);
    let mut grad = vec![0f64; np];
    let mut hess = vec![vec![0f64; np]; np];
    let w2f: Vec<Vec<f64>> = w2
        .iter()
        .map(|r| r.iter().map(Q::to_f64).collect())
        .collect();
    let h_at = |kd: usize, z: &Q| -> Result<f64> {
        d.at(kd, z, prec)
            .map(|v| mid(&v, prec))
            .map_err(|e| Error::Input(format!("the activation's derivatives: {e}")))
    };
    for (x, y) in xs.iter().zip(&ys) {
        let xf: Vec<f64> = x.iter().map(Q::to_f64).collect();
        let z: Vec<Q> = (0..width)
            .map(|j| Q::from(&dot(&w1[j], x) + &b1[j][0]))
            .collect();
        let h: Vec<f64> = z.iter().map(|z| h_at(0, z)).collect::<Result<_>>()?;
        let h1: Vec<f64> = z.iter().map(|z| h_at(1, z)).collect::<Result<_>>()?;
        let h2: Vec<f64> = z.iter().map(|z| h_at(2, z)).collect::<Result<_>>()?;
        for o in 0..dy {
            let yhat = (0..width).map(|j| w2f[o][j] * h[j]).sum::<f64>() + b2[o][0].to_f64();
            let r = yhat - y[o].to_f64();
            // The gradient of ŷ_o, sparse: (index, value).
            let mut jac: Vec<(usize, f64)> = Vec::new();
            for j in 0..width {
                let s = w2f[o][j] * h1[j];
                jac.extend((0..dx).map(|c| (iw1(j, c), s * xf[c])));
                jac.push((ib1(j), s));
                jac.push((iw2(o, j), h[j]));
            }
            jac.push((ib2(o), 1.0));
            for &(i, gi) in &jac {
                grad[i] += r * gi;
                for &(l, gl) in &jac {
                    hess[i][l] += gi * gl;
                }
            }
            // r_o ∇²ŷ_o.
            for j in 0..width {
                let inputs: Vec<(usize, f64)> = (0..dx)
                    .map(|c| (iw1(j, c), xf[c]))
                    .chain([(ib1(j), 1.0)])
                    .collect();
                for &(i, xi) in &inputs {
                    for &(l, xl) in &inputs {
                        hess[i][l] += r * w2f[o][j] * h2[j] * xi * xl;
                    }
                    hess[i][iw2(o, j)] += r * h1[j] * xi;
                    hess[iw2(o, j)][i] += r * h1[j] * xi;
                }
            }
        }
    }
    Ok(AtPoint { grad, hess })
}

/// The gradient and Hessian at the problem's point, from the e-graph's derivatives.
pub fn at_point(p: &Problem, prec: u32) -> Result<AtPoint> {
    match p.model.as_str() {
        "gaussian-relu" => {
            let teachers = rows(
                p.teachers
                    .as_ref()
                    .ok_or_else(|| Error::Input("the problem has no teachers".into()))?,
            )?;
            gaussian(p, &teachers)
        }
        "mlp" => mlp(p, prec),
        other => Err(Error::Input(format!("unknown model '{other}'"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::point::enclose;
    use crate::theorems::point::{identity_teachers, problem, read_students, ModelSpec};
    use std::collections::BTreeMap;

    /// The e-graph's assembly agrees with the checker's own enclosures (a different derivation).
    fn agrees(p: &Problem) {
        let ours = at_point(p, 128).unwrap();
        let theirs = enclose(p, None, 128, true).unwrap();
        let h = theirs.hess.unwrap();
        let scale = h.iter().flatten().fold(1f64, |m, x| m.max(x.hi.abs()));
        for (i, row) in h.iter().enumerate() {
            for (j, x) in row.iter().enumerate() {
                let mid = x.lo / 2.0 + x.hi / 2.0;
                assert!(
                    (ours.hess[i][j] - mid).abs() <= 1e-10 * scale,
                    "H[{i}][{j}]: {} vs {mid}",
                    ours.hess[i][j]
                );
            }
        }
        for (i, g) in theirs.grad.iter().enumerate() {
            let mid = (Q::from(&g.lo_q().unwrap() + &g.hi_q().unwrap()) / 2u32).to_f64();
            assert!((ours.grad[i] - mid).abs() <= 1e-10 * scale, "g[{i}]");
        }
    }

    #[test]
    fn gaussian_relu_agrees_with_the_checker() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in [
            "examples/data/safran-shamir/ss-6-6-0.json",
            "examples/points/gaussian-relu-k10.json",
        ] {
            let w = read_students(&dir.join(file)).unwrap();
            let model = ModelSpec::GaussianRelu {
                teachers: identity_teachers(w.len()),
            };
            agrees(&problem(&model, &BTreeMap::from([("W".to_string(), w)])));
        }
    }

    #[test]
    fn mlp_agrees_with_the_checker() {
        let q = |n: i64, d: i64| Q::from((n, d));
        let x = vec![
            vec![q(1, 2), q(-1, 3)],
            vec![q(2, 1), q(1, 5)],
            vec![q(-3, 2), q(1, 1)],
        ];
        let y = vec![
            vec![q(1, 1), q(0, 1)],
            vec![q(-1, 2), q(2, 1)],
            vec![q(1, 3), q(1, 7)],
        ];
        let point = BTreeMap::from([
            (
                "W1".to_string(),
                vec![vec![q(3, 10), q(-7, 10)], vec![q(1, 2), q(2, 5)]],
            ),
            ("b1".to_string(), vec![vec![q(1, 10)], vec![q(-1, 5)]]),
            (
                "W2".to_string(),
                vec![vec![q(6, 5), q(-1, 2)], vec![q(1, 3), q(4, 5)]],
            ),
            ("b2".to_string(), vec![vec![q(1, 4)], vec![q(-1, 3)]]),
        ]);
        for name in ["tanh", "sigmoid", "selu", "silu", "gelu", "x^3/3 + x"] {
            let act = crate::model::parse_activation(name).unwrap();
            let model = ModelSpec::Mlp {
                act,
                width: 2,
                x: x.clone(),
                y: y.clone(),
            };
            agrees(&problem(&model, &point));
        }
    }
}
