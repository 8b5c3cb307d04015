//! Theorem 2 / Corollary 3: one dataset on which a 2-2-1 network with a smooth activation (or a
//! ReLU-like one, Appendix D) has a zero-loss global minimum and a spurious local minimum with
//! loss ⅓ on an explicit box (proofs/MATH.md §2, Appendices B–D). Numbers come from a table
//! (Appendix C, adjusted so that equalities are exact); the radius of the box is the largest
//! the checker's own Taylor/interval bound accepts, found by bisection. Every certificate is
//! re-checked by [`crate::cert`] before it is returned. Certificate kind `smooth-counterexample`,
//! checked by [`crate::cert::thm2`].

use crate::cert::activation::{decimal, Act, Pt, SELU_ALPHA, SELU_LAMBDA};
use crate::cert::interval::I;
use crate::cert::thm2::{
    self, box_bounds, parse_real, theorem2_data, value, Activation, Coef, Data, Entry, LogReal,
    Minimum, Problem, Real, Solve, Witness, ZeroLoss,
};
use crate::cert::value::V;
use crate::cert::{self, Certificate, CheckReport};
use crate::error::{Error, Result};
use crate::exact::{format_rational, inertia, Inertia, QMatrix, Q};
use crate::theorems::thm2_search::{search, Derivation};

/// The numbers of a construction: `(v1..v4)` for Part 1, `(v1, v2, u1, u2)` for Part 2.
#[derive(Clone, Debug)]
pub struct Numbers {
    /// `v1, v2, v3, v4` of the zero-loss point (`v4` possibly a bracketed root of (C2.1)).
    pub zero_loss: [Entry; 4],
    /// `v1, v2` of the minimum.
    pub v: [Real; 2],
    /// `u1`.
    pub u1: Real,
    /// `u2`, possibly defined by (C2.3).
    pub u2: Coef,
}

/// The result: the certificate, the checker's report and the headline numbers.
#[derive(Clone, Debug)]
pub struct Thm2Result {
    /// The certificate (already accepted by the checker).
    pub certificate: thm2::Cert,
    /// The checker's report.
    pub report: CheckReport,
    /// The certified box radius ρ.
    pub radius: Q,
    /// The exact Hessian inertia at the minimum, when rational.
    pub inertia: Option<Inertia>,
    /// `W2` of the zero-loss point, `(h(v3), −h(v1))/D`, exact or enclosed.
    pub zero_loss_w2: [V; 2],
    /// `u2` at the minimum, exact or enclosed.
    pub u2: V,
    /// For a formula activation: `h, h', h''` as derived by the e-graph (used by the search).
    pub derivation: Option<Derivation>,
}

fn r(s: &str) -> Real {
    Real::Rational(s.into())
}

fn ln(q: &str, times: Option<&str>) -> Real {
    Real::Log(LogReal {
        ln: q.into(),
        times: times.map(Into::into),
    })
}

fn solve() -> Coef {
    Coef::Solve(Solve {
        solve: "C2.3".into(),
    })
}

/// The built-in numbers for `act` (Appendix C and D, with every equality exact or solved);
/// `None` for a formula activation, whose numbers are searched for.
pub fn numbers(act: &Act) -> Option<Numbers> {
    let zero_at_0 = [r("1"), r("0"), r("2"), r("0")].map(Entry::Value);
    let ones = [r("1"), r("1")];
    Some(match act {
        Act::Formula(..) => return None,
        Act::Sigmoid => Numbers {
            zero_loss: [r("0"), ln("3", None), ln("1/3", None), ln("3/5", None)].map(Entry::Value),
            v: [ln("1/3", None), ln("1/2", None)],
            u1: r("2/3"),
            u2: Coef::Value(r("1/2")),
        },
        Act::Tanh => Numbers {
            zero_loss: zero_at_0,
            v: [ln("1/2", Some("1/2")), ln("2", Some("1/2"))],
            u1: r("1"),
            u2: Coef::Value(r("2")),
        },
        Act::Arctan => Numbers {
            zero_loss: zero_at_0,
            v: [r("-1/2"), r("1/2")],
            u1: r("1"),
            u2: solve(),
        },
        Act::Elu | Act::Selu => {
            let (u1, u2) = if *act == Act::Selu {
                let l = decimal(SELU_LAMBDA);
                let la = Q::from(&l * &decimal(SELU_ALPHA));
                (la.recip(), Q::from(5) / (l * 6u32))
            } else {
                (Q::from(1), Q::from((5, 6)))
            };
            Numbers {
                zero_loss: [r("1"), r("0"), r("-1"), r("0")].map(Entry::Value),
                v: [ln("1/2", None), r("1")],
                u1: r(&format_rational(&u1)),
                u2: Coef::Value(r(&format_rational(&u2))),
            }
        }
        Act::Softplus => Numbers {
            zero_loss: [r("0"), ln("3", None), ln("3", None), ln("15", None)].map(Entry::Value),
            v: [r("0"), r("0")],
            u1: r("1/4"),
            u2: solve(),
        },
        Act::Gelu | Act::Silu => Numbers {
            zero_loss: zero_at_0,
            v: ones,
            u1: r("1/6"),
            u2: solve(),
        },
        Act::Quadratic => Numbers {
            zero_loss: [r("1"), r("1"), r("-1"), r("1")].map(Entry::Value),
            v: ones,
            u1: r("1/6"),
            u2: Coef::Value(r("1/6")),
        },
        Act::ReluLike(p, m) => {
            let zero_loss = if *m > 0 {
                let (a, b) = (format_rational(m), format_rational(&Q::from(-p)));
                [r(&a), r(&b), r(&b), r(&a)]
            } else {
                [r("1"), r("-1"), r("2"), r("-1")]
            };
            let u = format_rational(&Q::from(Q::from(p * 6u32).recip_ref()));
            Numbers {
                zero_loss: zero_loss.map(Entry::Value),
                v: ones,
                u1: r(&u),
                u2: Coef::Value(r(&u)),
            }
        }
    })
}

/// The problem statement of a certificate for `act`.
fn problem(act: &Act) -> Problem {
    let (xs, ys) = theorem2_data();
    let (s_plus, s_minus) = match act {
        Act::ReluLike(p, m) => (Some(format_rational(p)), Some(format_rational(m))),
        _ => (None, None),
    };
    let formula = match act {
        Act::Formula(text, _) => Some(text.clone()),
        _ => None,
    };
    Problem {
        activation: Activation {
            name: act.name().into(),
            s_plus,
            s_minus,
            formula,
        },
        architecture: vec![2, 2, 1],
        data: Data {
            x: xs
                .iter()
                .map(|x| x.iter().map(format_rational).collect())
                .collect(),
            y: ys.iter().map(format_rational).collect(),
        },
    }
}

/// The exact 9×9 Hessian at the minimum (producer's closed form; parameter order `W1[1,1],
/// W1[1,2], W1[2,1], W1[2,2], b1[1], b1[2], W2[1,1], W2[1,2], b2[1]`). At the minimum every
/// unit-k pre-activation equals `v_k`; `h[k] = (h, h', h'')` at `v_k`.
pub fn hessian(u: &[Q; 2], h: &[[Q; 3]; 2]) -> QMatrix {
    let (xs, ys) = theorem2_data();
    let mut total = QMatrix::zeros(9, 9);
    for (x, y) in xs.iter().zip(&ys) {
        let e = Q::from((1, 3)) - y;
        let xt = [x[0].clone(), x[1].clone(), Q::from(1)];
        let slot = |k: usize, a: usize| [2 * k, 2 * k + 1, 4 + k][a];
        // Gradient of the output: J = ∂ŷ/∂θ.
        let mut g = QMatrix::zeros(9, 1);
        for k in 0..2 {
            for (a, xa) in xt.iter().enumerate() {
                g[(slot(k, a), 0)] = Q::from(&u[k] * &h[k][1]) * xa;
            }
            g[(6 + k, 0)] = h[k][0].clone();
        }
        g[(8, 0)] = Q::from(1);
        let mut second = QMatrix::zeros(9, 9);
        for k in 0..2 {
            for a in 0..3 {
                for b in 0..3 {
                    second[(slot(k, a), slot(k, b))] = Q::from(&u[k] * &h[k][2]) * &xt[a] * &xt[b];
                }
                second[(slot(k, a), 6 + k)] = Q::from(&h[k][1] * &xt[a]);
                second[(6 + k, slot(k, a))] = Q::from(&h[k][1] * &xt[a]);
            }
        }
        let outer = g.mul(&g.transpose()).expect("9×1 · 1×9");
        total = total
            .add(&outer)
            .and_then(|t| t.add(&second.scale(&e)))
            .expect("9×9");
    }
    total
}

fn exact(v: &V) -> Option<Q> {
    match v {
        V::E(q) => Some(q.clone()),
        V::N(_) => None,
    }
}

fn cert_for(act: &Act, n: &Numbers, prec: u32, radius: &Q, inertia: Option<Inertia>) -> thm2::Cert {
    Certificate {
        critcert: cert::VERSION,
        kind: thm2::KIND.into(),
        problem: problem(act),
        witness: Witness {
            precision: prec,
            zero_loss: ZeroLoss {
                v: n.zero_loss.to_vec(),
            },
            minimum: Minimum {
                v: n.v.to_vec(),
                u1: n.u1.clone(),
                u2: n.u2.clone(),
            },
            radius: format_rational(radius),
            hessian_inertia: inertia.map(|i| vec![i.positive, i.zero, i.negative]),
        },
        claims: thm2::claims(
            matches!(act, Act::ReluLike(..)),
            matches!(n.zero_loss[3], Entry::Root(_)),
            inertia.is_some(),
        ),
    }
}

/// Builds and checks a certificate for `act` at `prec` bits, with the built-in numbers or, for
/// a formula activation, numbers found by [`search`].
pub fn certify(act: &Act, prec: u32) -> Result<Thm2Result> {
    check_precision(prec)?;
    if let Some(n) = numbers(act) {
        return certify_with(act, &n, prec);
    }
    let Act::Formula(text, _) = act else {
        unreachable!("only formula activations lack built-in numbers")
    };
    let derived = Derivation::of(text)?;
    let n = search(act, &derived, prec)?;
    let mut res = certify_with(act, &n, prec)?;
    res.derivation = Some(derived);
    Ok(res)
}

fn check_precision(prec: u32) -> Result<()> {
    if (32..=4096).contains(&prec) {
        Ok(())
    } else {
        Err(Error::Input(format!(
            "--precision {prec}: must be between 32 and 4096 bits"
        )))
    }
}

/// Builds and checks a certificate for `act` with the given numbers. Errors:
/// [`Error::Input`] for a precision outside 32..=4096; [`Error::NotCertified`] naming the
/// condition that fails (C2.1, C2.2, C2.3, C2.6, C2.7, or the box argument).
pub fn certify_with(act: &Act, n: &Numbers, prec: u32) -> Result<Thm2Result> {
    check_precision(prec)?;
    let bad = |e: cert::Error| Error::NotCertified(e.to_string());
    let pt = |what: &str, x: &Real| parse_real(what, x).map_err(bad);
    // v1..v4 (v4 enclosed by its bracket when it is a root of C2.1).
    let mut zv = Vec::new();
    let mut v4_bracket = None;
    for e in &n.zero_loss {
        match e {
            Entry::Value(x) => zv.push(pt("v", x)?),
            Entry::Root(r) => {
                let end = |s: &String| crate::exact::parse_rational(s).map_err(Error::NotCertified);
                v4_bracket = Some(I::span(prec, &end(&r.bracket[0])?, &end(&r.bracket[1])?));
            }
        }
    }
    let mv = [pt("v1", &n.v[0])?, pt("v2", &n.v[1])?];
    let u1 = pt("u1", &n.u1)?;
    let val = |k: usize, x: &Pt| value(act, k, x, prec).map_err(Error::NotCertified);
    let num = |x: &Pt| match x.as_rational() {
        Some(q) => V::E(q.clone()),
        None => V::N(x.enclose(prec)),
    };
    let (u1v, hv1, hv2) = (num(&u1), val(0, &mv[0])?, val(0, &mv[1])?);
    let u2v = match &n.u2 {
        Coef::Value(x) => num(&pt("u2", x)?),
        Coef::Solve(_) => V::E(Q::from((1, 3)))
            .sub(&u1v.mul(&hv1, prec), prec)
            .div(&hv2, prec)
            .ok_or_else(|| {
                Error::NotCertified("C2.3 cannot be solved for u2: h(v2) may be 0".into())
            })?,
    };

    // Part 1's output weights, for the summary.
    let hz: Vec<V> = zv.iter().map(|x| val(0, x)).collect::<Result<_>>()?;
    let m12 = val(0, &Pt::midpoint(&zv[0], &zv[1]))?;
    let m34 = match &v4_bracket {
        None => val(0, &Pt::midpoint(&zv[2], &zv[3]))?,
        Some(b) => {
            let mid = zv[2]
                .enclose(prec)
                .add(b)
                .div(&I::from_i(prec, 2))
                .expect("2 ≠ 0");
            V::N(act.enclose(0, &mid).map_err(Error::NotCertified)?)
        }
    };
    let d = hz[2].mul(&m12, prec).sub(&hz[0].mul(&m34, prec), prec);
    let w2 = |x: &V| {
        x.div(&d, prec)
            .ok_or_else(|| Error::NotCertified("C2.2 fails: D may be 0".into()))
    };
    let zero_loss_w2 = [w2(&hz[2])?, w2(&V::E(Q::new()).sub(&hz[0], prec))?];

    // The exact Hessian inertia, where the values are rational.
    let derivs: Vec<Option<[Q; 3]>> = mv
        .iter()
        .map(|x| {
            let e = |k| value(act, k, x, prec).ok().as_ref().and_then(exact);
            Some([e(0)?, e(1)?, e(2)?])
        })
        .collect();
    let inertia = match (exact(&u1v), exact(&u2v), &derivs[0], &derivs[1]) {
        (Some(a), Some(b), Some(h1), Some(h2)) => Some(
            inertia(&hessian(&[a, b], &[h1.clone(), h2.clone()])).map_err(Error::NotCertified)?,
        ),
        _ => None,
    };

    // The radius: exact for ReLU-like, else the largest dyadic ρ the box bound accepts.
    let radius = match act {
        Act::ReluLike(..) => {
            let lo = mv
                .iter()
                .filter_map(|x| x.as_rational().cloned())
                .min()
                .unwrap_or_default();
            lo / 2u32
        }
        _ => largest_radius(act, &mv, &[u1v.to_i(prec), u2v.to_i(prec)], prec),
    };
    // A tiny positive radius when none was found, so that the checker names the failure.
    let radius = if radius > 0 {
        radius
    } else {
        Q::from((1, 1u64 << 60))
    };
    let certificate = cert_for(act, n, prec, &radius, inertia);
    let report = cert::check_str(&cert::to_json(&certificate)).map_err(|e| match e {
        cert::Error::Rejected(r) => {
            Error::NotCertified(format!("{} with these numbers: {r}", act.name()))
        }
        other => other.into(),
    })?;
    Ok(Thm2Result {
        certificate,
        report,
        radius,
        inertia,
        zero_loss_w2,
        u2: u2v,
        derivation: None,
    })
}

/// The largest ρ = k/2^20·2^j (a dyadic rational, 16 bisection steps below the first failing
/// power of two) for which the checker's box bound holds, or 0 if none down to 2^−60 does.
fn largest_radius(act: &Act, v: &[Pt; 2], u: &[crate::cert::interval::I; 2], prec: u32) -> Q {
    let ok = |rho: &Q| {
        box_bounds(act, v, u, rho, prec)
            .map(|(a, b)| a.is_positive() && b.is_positive())
            .unwrap_or(false)
    };
    let mut lo = Q::from(4);
    let mut found = false;
    for _ in 0..64 {
        if ok(&lo) {
            found = true;
            break;
        }
        lo /= 2u32;
    }
    if !found {
        return Q::new();
    }
    let mut hi = Q::from(&lo * 2u32);
    if ok(&hi) {
        return hi;
    }
    for _ in 0..16 {
        let mid = Q::from(&lo + &hi) / 2u32;
        if ok(&mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn producer_and_checker_hessians_agree_on_sigmoid() {
        let res = certify(&Act::Sigmoid, 128).unwrap();
        let i = res.inertia.unwrap();
        assert!(i.zero > 0);
        assert_eq!(i.positive + i.zero + i.negative, 9);
    }
}
