//! Theorem 4 and Corollary 5 with losses other than the squared loss (proofs/MATH.md §6):
//! logistic, cross-entropy, Huber and per-entry formulas. The verdict follows the checker's own
//! evaluation of `G = ∂ℓ0/∂Ŷ` ([`crate::cert::thm4::summary`]: exact where rational, MPFR
//! enclosures otherwise), and every certificate is accepted by the checker before it is kept:
//!
//! - every layer gradient exactly 0 and `∇ℓ0` certainly nonzero: `saddle` (Theorem 4 Part 1);
//! - every layer gradient exactly 0 and `∇ℓ0 = 0` exactly: `global-minimum` for a convex
//!   (named) loss; for a formula, `local-minimum`/`local-maximum` when the Hessian of `ℓ0` is
//!   definite on a box around the product (the radius is searched, halving from 1);
//! - otherwise, for `logistic` and `cross-entropy`, `near-global-minimum` when Krawczyk's test
//!   finds a zero of `∇ℓ0` near the product (radii from 1.5 times the floating-point Newton
//!   step up), and else `not-critical` when a layer-gradient entry is certainly nonzero.

// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::thm4::{layers_json, partial, strings, widths, Analysis, DeepLinear, Entry, Verdict};
use crate::cert::krawczyk::float_inverse;
use crate::cert::loss::Loss;
use crate::cert::thm4::{self, Cert, Problem, Witness};
use crate::cert::value::V;
use crate::cert::{self, Certificate, CheckReport};
use crate::error::{Error, Result};
use crate::exact::{rank, QMatrix, Q};

fn zero(v: &V) -> bool {
    matches!(v, V::E(q) if *q == 0)
}

fn certainly_nonzero(v: &V) -> bool {
    matches!(v.sign(), Some(o) if o.is_ne())
}

/// The entry of a `V` matrix to report: an exact nonzero one of largest absolute value, else
/// the first enclosure that excludes 0, else the first not known to be 0.
fn pick(m: &[Vec<V>], layer: usize) -> Option<Entry> {
    let entry = |i: usize, j: usize, v: &V| Entry {
        layer,
        row: i + 1,
        col: j + 1,
        value: v.clone(),
    };
    let all = || {
        m.iter()
            .enumerate()
            .flat_map(|(i, r)| r.iter().enumerate().map(move |(j, v)| (i, j, v)))
    };
    all()
        .filter(|(_, _, v)| certainly_nonzero(v))
        .max_by(|a, b| match (a.2, b.2) {
            (V::E(x), V::E(y)) => x.cmp_abs(y),
            (V::E(_), V::N(_)) => std::cmp::Ordering::Greater,
            (V::N(_), V::E(_)) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Equal,
        })
        .or_else(|| all().find(|(_, _, v)| !zero(v)))
        .map(|(i, j, v)| entry(i, j, v))
}

fn decimal(x: f64, up: bool) -> Q {
    // Three significant digits, rounded away from the exact value in the direction asked.
    let e = x.abs().log10().floor() as i32 - 2;
    let scale = 10f64.powi(-e);
    let m = if up {
        (x * scale).ceil()
    } else {
        (x * scale).floor()
    };
    let q = Q::from(m as i64);
    let ten = rug::Integer::from(rug::Integer::u_pow_u(10, e.unsigned_abs()));
    if e >= 0 {
        q * ten
    } else {
        q / ten
    }
}

fn q_str(q: &Q) -> String {
    crate::exact::format_rational(q)
}

/// Classifies the point for a loss other than the squared loss and builds the certificate.
pub fn analyse(net: &DeepLinear) -> Result<Analysis> {
    let d = widths(net)?;
    let loss = Loss::parse(&net.loss).map_err(|e| Error::Input(format!("--loss: {e}")))?;
    loss.check_targets(&net.y.to_rows())
        .map_err(|e| Error::Input(format!("targets: {e}")))?;
    let problem = Problem {
        loss: net.loss.clone(),
        widths: d.clone(),
        x: net.x.to_rows().iter().map(|r| strings(r)).collect(),
        y: net.y.to_rows().iter().map(|r| strings(r)).collect(),
    };
    let point = layers_json(&net.weights);
    let s = thm4::summary(&problem, &point).map_err(|e| {
        let why = e.to_string();
        Error::NotCertified(format!(
            "the loss {} cannot be differentiated at this point's predictions: {}",
            net.loss,
            why.strip_prefix("rejected: ").unwrap_or(&why)
        ))
    })?;
    let l = net.weights.len();
    let max_layer_gradient = s
        .layer_gradients
        .iter()
        .enumerate()
        .filter_map(|(j, g)| pick(g, j + 1))
        .reduce(
            |a, b| match (certainly_nonzero(&a.value), certainly_nonzero(&b.value)) {
                (false, true) => b,
                (true, true) => match (&a.value, &b.value) {
                    (V::E(x), V::E(y)) if y.cmp_abs(x).is_gt() => b,
                    _ => a,
                },
                _ => a,
            },
        );
    let max_product_gradient = pick(&s.product_gradient, 0);
    let critical = s.layer_gradients.iter().flatten().flatten().all(zero);
    let layer_nonzero = s
        .layer_gradients
        .iter()
        .flatten()
        .flatten()
        .any(certainly_nonzero);
    let grad_zero = s.product_gradient.iter().flatten().all(zero);
    let grad_nonzero = s.product_gradient.iter().flatten().any(certainly_nonzero);

    let w = &net.weights;
    let prefix: Vec<QMatrix> = (0..l).map(|j| partial(w, &d, j, 1)).collect();
    let suffix: Vec<QMatrix> = (1..=l + 1).map(|j| partial(w, &d, l, j)).collect();
    let (dx, dy) = (d[0], d[l]);
    let part3_layer = (1..=l).find(|&j| rank(&suffix[j]) == dy && rank(&prefix[j - 1]) == dx);
    let product = partial(w, &d, l, 1);
    let product_rank = rank(&product);

    let base = Witness::new("", point);
    let attempt =
        |verdict: Verdict, witness: Witness| -> std::result::Result<(Cert, CheckReport), String> {
            let witness_strict = witness.product_descent_direction.is_some();
            let c: Cert = Certificate {
                critcert: cert::VERSION,
                kind: thm4::KIND.into(),
                problem: problem.clone(),
                witness: Witness {
                    verdict: verdict.name().into(),
                    ..witness
                },
                claims: thm4::claims(verdict.name(), witness_strict, &net.loss),
            };
            let report = cert::check_str(&cert::to_json(&c)).map_err(|e| e.to_string())?;
            Ok((c, report))
        };

    let (verdict, certificate) = if critical && grad_nonzero {
        (Verdict::Saddle, attempt(Verdict::Saddle, base.clone()))
    } else if critical && grad_zero && loss.convex() {
        (
            Verdict::GlobalMinimum,
            attempt(Verdict::GlobalMinimum, base.clone()),
        )
    } else if critical && grad_zero {
        local_optimum(net, &loss, &d, &base, &attempt)
    } else {
        let near = if matches!(loss, Loss::Logistic | Loss::CrossEntropy) {
            Some(near_global_minimum(
                net, &loss, &d, &product, &base, &attempt,
            ))
        } else {
            None
        };
        match near {
            Some(Ok(c)) => (Verdict::NearGlobalMinimum, Ok(c)),
            other => {
                let why = other.and_then(|r| r.err());
                if layer_nonzero {
                    (
                        Verdict::NotCritical,
                        attempt(Verdict::NotCritical, base.clone()),
                    )
                } else if critical {
                    (
                        Verdict::Undecided,
                        Err("the point is critical, but no entry of ∇ℓ0 is certainly nonzero and ∇ℓ0 is not exactly 0".into()),
                    )
                } else {
                    (
                        Verdict::Undecided,
                        Err(format!(
                            "no layer-gradient entry is certainly nonzero, yet not all are exactly 0{}",
                            why.map(|w| format!("; near-global-minimum: {w}")).unwrap_or_default()
                        )),
                    )
                }
            }
        }
    };
    let certificate = certificate.map_err(|e| match verdict {
        Verdict::Undecided | Verdict::LocalMinimum | Verdict::LocalMaximum => e,
        _ => format!("internal error: the checker rejects our own certificate: {e}"),
    });
    Ok(Analysis {
        verdict,
        widths: d,
        loss: s.loss,
        max_layer_gradient: if critical { None } else { max_layer_gradient },
        max_product_gradient: if grad_zero {
            None
        } else {
            max_product_gradient
        },
        part3_layer,
        product_rank,
        hessian_inertia: None,
        saddle_construction: None,
        certificate,
    })
}

type Attempt<'a> =
    dyn Fn(Verdict, Witness) -> std::result::Result<(Cert, CheckReport), String> + 'a;

/// `n_j ≥ ‖W_j‖_F` with three significant digits.
fn norm_bounds(w: &[QMatrix]) -> Vec<Q> {
    w.iter()
        .map(|m| {
            let fro: Q = m.data().iter().map(|v| Q::from(v * v)).sum();
            if fro == 0 {
                return Q::new();
            }
            let mut n = decimal(fro.to_f64().sqrt() * (1.0 + 1e-9), true);
            while Q::from(&n * &n) < fro {
                n *= Q::from((11, 10));
            }
            n
        })
        .collect()
}

/// The blocks `M_k = Σ_i f''(ŷ_ik, y_ik) x_i x_iᵀ` of the Hessian of a per-entry loss at the
/// product, in floating point (`None` if a second derivative cannot be evaluated).
fn blocks_f64(net: &DeepLinear, loss: &Loss, d: &[usize]) -> Option<Vec<faer::Mat<f64>>> {
    let l = d.len() - 1;
    let (dx, dy, m) = (d[0], d[l], net.x.cols());
    let product = partial(&net.weights, d, l, 1);
    let yhat = product.mul(&net.x)?;
    let mut blocks = vec![faer::Mat::<f64>::zeros(dx, dx); dy];
    for i in 0..m {
        for (k, block) in blocks.iter_mut().enumerate() {
            let h = loss
                .hess(&[V::E(yhat[(k, i)].clone())], &[net.y[(k, i)].clone()], 128)
                .ok()?;
            let c = match &h[0][0] {
                V::E(q) => q.to_f64(),
                V::N(iv) => (iv.lo_q()?.to_f64() + iv.hi_q()?.to_f64()) / 2.0,
            };
            for a in 0..dx {
                for b in 0..dx {
                    block[(a, b)] += c * net.x[(a, i)].to_f64() * net.x[(b, i)].to_f64();
                }
            }
        }
    }
    Some(blocks)
}

/// A formula loss with `∇ℓ0 = 0` exactly. Definite Hessian blocks: the largest radius `2^{-k}`
/// at which the Hessian of `ℓ0` is definite over the cube, and `ε` from it (a local minimum or
/// maximum). Blocks of both signs: an inherited saddle, with a descent and an ascent change of
/// `W1` from the blocks' eigenvectors.
fn local_optimum(
    net: &DeepLinear,
    loss: &Loss,
    d: &[usize],
    base: &Witness,
    attempt: &Attempt,
) -> (Verdict, std::result::Result<(Cert, CheckReport), String>) {
    let Some(blocks) = blocks_f64(net, loss, d) else {
        return (
            Verdict::Undecided,
            Err("∇ℓ0 = 0 exactly, but the loss's second derivative cannot be evaluated at the product".into()),
        );
    };
    // The most negative and most positive eigenvalue over the blocks, with (block, vector).
    let mut lo: Option<(f64, usize, Vec<f64>)> = None;
    let mut hi: Option<(f64, usize, Vec<f64>)> = None;
    let mut scale = 0f64;
    for (k, b) in blocks.iter().enumerate() {
        let Ok(e) = b.self_adjoint_eigen(faer::Side::Lower) else {
            continue;
        };
        let (vals, vecs) = (e.S(), e.U());
        for j in 0..b.nrows() {
            let v = vals[j];
            scale = scale.max(v.abs());
            let col: Vec<f64> = (0..b.nrows()).map(|a| vecs[(a, j)]).collect();
            if lo.as_ref().is_none_or(|x| v < x.0) {
                lo = Some((v, k, col.clone()));
            }
            if hi.as_ref().is_none_or(|x| v > x.0) {
                hi = Some((v, k, col));
            }
        }
    }
    let tiny = 1e-10 * scale.max(f64::MIN_POSITIVE);
    let (lo, hi) = match (lo, hi) {
        (Some(lo), Some(hi)) => (lo, hi),
        _ => {
            return (
                Verdict::Undecided,
                Err("∇ℓ0 = 0 exactly, but the Hessian blocks of ℓ0 could not be decomposed".into()),
            )
        }
    };
    if lo.0 < -tiny && hi.0 > tiny {
        return inherited_saddle(net, d, base, attempt, &lo, &hi);
    }
    let verdicts: &[Verdict] = if lo.0 > tiny {
        &[Verdict::LocalMinimum]
    } else if hi.0 < -tiny {
        &[Verdict::LocalMaximum]
    } else {
        return (
            Verdict::Undecided,
            Err(format!(
                "∇ℓ0 = 0 exactly, but the Hessian of ℓ0 at the product is singular (eigenvalues of its blocks from {:.3e} to {:.3e} in floating point): a degenerate point, not certified",
                lo.0, hi.0
            )),
        );
    };
    let nb = norm_bounds(&net.weights);
    let l = nb.len();
    let grow: Q = nb.iter().map(|n| Q::from(n + 1u32)).product();
    let mut last_err = String::new();
    for k in 0..=40u32 {
        let r = Q::from((1, rug::Integer::from(1u32) << k));
        // Π(n_j + ε) − Π n_j ≤ ε · L · Π(n_j + 1) for ε ≤ 1.
        let eps_bound = Q::from(&r / &grow) / (l as u32);
        let eps = decimal(eps_bound.to_f64(), false).min(Q::from(1));
        for &verdict in verdicts {
            let w = Witness {
                radius: Some(q_str(&r)),
                norm_bounds: Some(nb.iter().map(q_str).collect()),
                epsilon: Some(q_str(&eps)),
                ..base.clone()
            };
            match attempt(verdict, w) {
                Ok(c) => return (verdict, Ok(c)),
                Err(e) => last_err = e,
            }
        }
    }
    (
        Verdict::Undecided,
        Err(format!(
            "∇ℓ0 = 0 exactly and the Hessian of ℓ0 looks definite at the product, but it is not definite on any cube of radius 2^-k (k ≤ 40) around it: {last_err}"
        )),
    )
}

/// An inherited saddle: `D = e_k vᵀ` for the blocks' most negative and most positive
/// eigenvectors, moved into `W1` by `C = Aᵀ(AAᵀ)⁻¹D` (`A = W_{H+1:2}`; `C = D` when `H = 0`),
/// rounded to binary64 (the checker recomputes `D = AC` exactly and decides the signs).
fn inherited_saddle(
    net: &DeepLinear,
    d: &[usize],
    base: &Witness,
    attempt: &Attempt,
    lo: &(f64, usize, Vec<f64>),
    hi: &(f64, usize, Vec<f64>),
) -> (Verdict, std::result::Result<(Cert, CheckReport), String>) {
    let l = d.len() - 1;
    let (dx, dy, d1) = (d[0], d[l], d[1]);
    let a: Option<Vec<Vec<f64>>> = (l > 1).then(|| {
        let am = partial(&net.weights, d, l, 2);
        (0..dy)
            .map(|k| (0..d1).map(|j| am[(k, j)].to_f64()).collect())
            .collect()
    });
    let change = |(_, k, v): &(f64, usize, Vec<f64>)| -> Option<Vec<Vec<String>>> {
        // Row k of D is v.
        let c: Vec<Vec<f64>> = match &a {
            None => (0..dy)
                .map(|r| if r == *k { v.clone() } else { vec![0.0; dx] })
                .collect(),
            Some(a) => {
                let gram: Vec<Vec<f64>> = (0..dy)
                    .map(|p| {
                        (0..dy)
                            .map(|q| (0..d1).map(|j| a[p][j] * a[q][j]).sum())
                            .collect()
                    })
                    .collect();
                // u = (AAᵀ)⁻¹ e_k (or e_k itself when AAᵀ is singular), C = Aᵀ u vᵀ.
                let u: Vec<f64> = match float_inverse(&gram) {
                    Some(inv) => (0..dy).map(|p| inv[p][*k]).collect(),
                    None => (0..dy).map(|p| f64::from(u8::from(p == *k))).collect(),
                };
                (0..d1)
                    .map(|j| {
                        let s: f64 = (0..dy).map(|p| a[p][j] * u[p]).sum();
                        v.iter().map(|x| s * x).collect()
                    })
                    .collect()
            }
        };
        c.iter()
            .map(|row| {
                row.iter()
                    .map(|x| Q::from_f64(*x).map(|q| q_str(&q)))
                    .collect()
            })
            .collect()
    };
    let (Some(down), Some(up)) = (change(lo), change(hi)) else {
        return (
            Verdict::Undecided,
            Err("an inherited-saddle direction is not finite".into()),
        );
    };
    let w = Witness {
        product_descent_direction: Some(down),
        product_ascent_direction: Some(up),
        ..base.clone()
    };
    match attempt(Verdict::Saddle, w) {
        Ok(c) => (Verdict::Saddle, Ok(c)),
        Err(e) => (
            Verdict::Undecided,
            Err(format!(
                "∇ℓ0 = 0 exactly and the Hessian of ℓ0 is indefinite at the product (an inherited saddle), but the directions were not certified: {e}"
            )),
        ),
    }
}

/// A logistic or cross-entropy point: Krawczyk's test for a zero of `∇ℓ0` near the product, and
/// the distance to the global minimum it gives.
fn near_global_minimum(
    net: &DeepLinear,
    loss: &Loss,
    d: &[usize],
    product: &QMatrix,
    base: &Witness,
    attempt: &Attempt,
) -> std::result::Result<(Cert, CheckReport), String> {
    let l = d.len() - 1;
    let (dx, dy, m) = (d[0], d[l], net.x.cols());
    let slice = matches!(loss, Loss::CrossEntropy);
    let rows = if slice { dy - 1 } else { dy };
    let n = rows * dx;
    // Floating point: Ŷ, the reduced gradient g and Hessian h at the product.
    let f = |q: &Q| q.to_f64();
    let x: Vec<Vec<f64>> = (0..dx)
        .map(|a| (0..m).map(|i| f(&net.x[(a, i)])).collect())
        .collect();
    let r: Vec<Vec<f64>> = (0..dy)
        .map(|k| (0..dx).map(|a| f(&product[(k, a)])).collect())
        .collect();
    let mut g = vec![0.0; n];
    let mut h = vec![vec![0.0; n]; n];
    for i in 0..m {
        let yhat: Vec<f64> = (0..dy)
            .map(|k| (0..dx).map(|a| r[k][a] * x[a][i]).sum())
            .collect();
        let y: Vec<f64> = (0..dy).map(|k| f(&net.y[(k, i)])).collect();
        let (gc, hc): (Vec<f64>, Vec<Vec<f64>>) = if slice {
            let mx = yhat.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = yhat.iter().map(|v| (v - mx).exp()).collect();
            let s: f64 = e.iter().sum();
            let p: Vec<f64> = e.iter().map(|v| v / s).collect();
            let last = dy - 1;
            let gfull: Vec<f64> = p.iter().zip(&y).map(|(a, b)| a - b).collect();
            let hfull = |k: usize, l: usize| {
                if k == l {
                    p[k] - p[k] * p[l]
                } else {
                    -p[k] * p[l]
                }
            };
            (
                (0..rows).map(|k| gfull[k] - gfull[last]).collect(),
                (0..rows)
                    .map(|k| {
                        (0..rows)
                            .map(|j| {
                                hfull(k, j) - hfull(k, last) - hfull(last, j) + hfull(last, last)
                            })
                            .collect()
                    })
                    .collect(),
            )
        } else {
            let z = y[0] * yhat[0];
            let sg = 1.0 / (1.0 + z.exp());
            (vec![-y[0] * sg], vec![vec![sg * (1.0 - sg)]])
        };
        for k in 0..rows {
            for a in 0..dx {
                g[k * dx + a] += gc[k] * x[a][i];
                for j in 0..rows {
                    for b in 0..dx {
                        h[k * dx + a][j * dx + b] += hc[k][j] * x[a][i] * x[b][i];
                    }
                }
            }
        }
    }
    let c = float_inverse(&h).ok_or(
        "the Hessian of ℓ0 at the product is singular in floating point (the data do not have full row rank?)",
    )?;
    let step = c
        .iter()
        .map(|row| row.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>().abs())
        .fold(0.0, f64::max);
    if !step.is_finite() {
        return Err("the Newton step is not finite".into());
    }
    let scale = r
        .iter()
        .flatten()
        .fold(0.0f64, |a, v| a.max(v.abs()))
        .max(1.0);
    let step = step.max(1e-15 * scale);
    // s: σ_min(A) from below, A = W_{H+1:2}.
    let s = if l == 1 {
        Q::from(1)
    } else {
        let a = partial(&net.weights, d, l, 2);
        let aat = a.mul(&a.transpose()).ok_or("shapes of A")?;
        let mf = faer::Mat::from_fn(dy, dy, |i, j| aat[(i, j)].to_f64());
        let ev = mf
            .self_adjoint_eigenvalues(faer::Side::Lower)
            .map_err(|e| format!("eigenvalues of AAᵀ: {e:?}"))?;
        let lam = ev.iter().cloned().fold(f64::INFINITY, f64::min);
        if lam.is_nan() || lam <= 0.0 {
            return Err(format!(
                "A = W_(H+1:2) does not have full row rank (λ_min(AAᵀ) ≈ {lam:.3e}): a change of the product cannot be moved into W1"
            ));
        }
        decimal(lam.sqrt() * 0.99, false)
    };
    let factor = if slice {
        rows * dx + dx * (dy - 1) * (dy - 1)
    } else {
        n
    } as f64;
    let mut last = String::new();
    for mult in [1.5, 2.0, 4.0, 16.0, 64.0] {
        let radius = decimal(step * mult, true);
        let delta = decimal(
            factor.sqrt() * radius.to_f64() / s.to_f64() * (1.0 + 1e-6),
            true,
        );
        let w = Witness {
            radius: Some(q_str(&radius)),
            sigma_min_bound: Some(q_str(&s)),
            distance: Some(q_str(&delta)),
            ..base.clone()
        };
        match attempt(Verdict::NearGlobalMinimum, w) {
            Ok(c) => return Ok(c),
            Err(e) => last = e,
        }
    }
    Err(format!(
        "Krawczyk's test finds no zero of ∇ℓ0 near the product (Newton step ≈ {step:.3e}; the minimum of ℓ0 may not be attained, e.g. separable data under the logistic loss): {last}"
    ))
}
