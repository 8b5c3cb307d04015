//! Numbers for Theorem 2 when the tool has no table entry for the activation (a formula in
//! `x`): a deterministic search over small rationals that prefers exact equalities, with the
//! derivatives `h'`, `h''` derived by the e-graph ([`crate::expr`]). Untrusted like every
//! construction: the certificate is re-checked by [`crate::cert`], whose formula evaluation
//! ([`crate::cert::formula`]) shares no code with the e-graph.
//!
//! Part 1 (zero loss): first every quadruple of candidate points at which (C2.1) holds exactly
//! (both sides exact rationals, e.g. through an exact zero of `h`) and (C2.2) is shown;
//! failing that, `v1, v2, v3` from the candidates and `v4` a root of `h(v1)h(x) = h(v2)h(v3)`
//! bracketed by a sign change (the checker re-derives its existence from continuity). Part 2
//! (the minimum): `v1, v2, u1` from the candidates with `u2` from (C2.3) (an exact rational when
//! it is one), (C2.6) and (C2.7) by the e-graph's `h'`, `h''`, and the candidate with the largest
//! coarse box radius among the first few that pass.

use super::thm2::Numbers;
use crate::cert::activation::{Act, Pt};
use crate::cert::interval::I;
use crate::cert::thm2::{box_bounds, value, Coef, Entry, Real, Root, Solve};
use crate::cert::value::V;
use crate::error::{Error, Result};
use crate::exact::{format_rational, Q};
use crate::expr::build::Activation;
use crate::expr::derive::univariate;
use crate::expr::eval::eval;
use crate::expr::{print, Builder, Limits, Names, Poly, Stats};
use std::cmp::Ordering;

/// The candidate points, simplest first.
const POINTS: [(i64, i64); 13] = [
    (0, 1),
    (1, 1),
    (-1, 1),
    (1, 2),
    (-1, 2),
    (2, 1),
    (-2, 1),
    (1, 4),
    (-1, 4),
    (3, 2),
    (-3, 2),
    (3, 1),
    (-3, 1),
];

/// The candidate output weights `u1`, simplest first.
const WEIGHTS: [(i64, i64); 12] = [
    (1, 6),
    (-1, 6),
    (1, 3),
    (-1, 3),
    (1, 1),
    (-1, 1),
    (1, 12),
    (-1, 12),
    (1, 2),
    (-1, 2),
    (2, 1),
    (-2, 1),
];

/// How many passing Part 2 candidates compete on their coarse box radius.
const CONTENDERS: usize = 16;

/// The e-graph's derivatives of a formula activation.
#[derive(Clone, Debug)]
pub struct Derivation {
    /// `h, h', h''` in canonical form, as plain text in `x`.
    pub text: Vec<String>,
    /// The e-graph's size.
    pub stats: Stats,
    polys: Vec<Poly>,
}

impl Derivation {
    /// Derives `h, h', h''` of the formula `text` with the e-graph.
    pub fn of(text: &str) -> Result<Derivation> {
        let bad = |e: String| Error::Input(format!("--activation '{text}': {e}"));
        let act = Activation::parse(text).map_err(bad)?;
        let mut names = Names::default();
        let x = names.intern("x");
        let mut b = Builder::default();
        let xv = b.var(x);
        let root = act.apply(&mut b, xv).map_err(bad)?;
        let (polys, stats) = univariate(&b.expr, root, x, 2, &Limits::default())
            .map_err(|e| Error::NotCertified(format!("deriving h', h'': {e}")))?;
        Ok(Derivation {
            text: polys.iter().map(|p| print::text(p, &names)).collect(),
            stats,
            polys,
        })
    }

    /// `h⁽ᵏ⁾(x)` (`k ≤ 2`) from the derived expression: exact where it stays rational.
    pub fn at(&self, k: usize, x: &Q, prec: u32) -> std::result::Result<V, String> {
        eval(&self.polys[k], &|_| V::E(x.clone()), prec)
    }
}

fn rat((n, d): (i64, i64)) -> Q {
    Q::from((n, d))
}

fn real(q: &Q) -> Real {
    Real::Rational(format_rational(q))
}

/// Part 1: `(v1, v2, v3, v4)` with (C2.1) exact or `v4` bracketed, and (C2.2) shown.
fn zero_loss(act: &Act, prec: u32) -> std::result::Result<[Entry; 4], String> {
    let pts: Vec<Q> = POINTS.iter().copied().map(rat).collect();
    let h: Vec<Option<V>> = pts
        .iter()
        .map(|v| value(act, 0, &Pt::rational(v.clone()), prec).ok())
        .collect();
    let at = |x: &Q| value(act, 0, &Pt::rational(x.clone()), prec).ok();
    let d_of = |v1: &Q, v2: &Q, h1: &V, h3: &V, m34: Option<V>| -> Option<V> {
        let m12 = at(&(Q::from(v1 + v2) / 2u32))?;
        let d = h3.mul(&m12, prec).sub(&h1.mul(&m34?, prec), prec);
        matches!(d.sign(), Some(Ordering::Less | Ordering::Greater)).then_some(d)
    };
    let n = pts.len();
    let mut exact_c21 = 0;
    // A product is exact when both factors are, or when one is exactly 0.
    let exact = |a: usize, b: usize| {
        let (e, z) = (
            |k: usize| matches!(h[k], Some(V::E(_))),
            |k: usize| h[k].as_ref().is_some_and(V::is_zero),
        );
        (e(a) && e(b)) || z(a) || z(b)
    };
    for i in 0..n * n * n * n {
        let idx = [i / (n * n * n), i / (n * n) % n, i / n % n, i % n];
        if !exact(idx[0], idx[3]) || !exact(idx[1], idx[2]) {
            continue;
        }
        let Some(hs) = idx
            .iter()
            .map(|&k| h[k].clone())
            .collect::<Option<Vec<V>>>()
        else {
            continue;
        };
        let (lhs, rhs) = (hs[0].mul(&hs[3], prec), hs[1].mul(&hs[2], prec));
        let (V::E(l), V::E(r)) = (&lhs, &rhs) else {
            continue;
        };
        if l != r {
            continue;
        }
        exact_c21 += 1;
        let v: Vec<&Q> = idx.iter().map(|&k| &pts[k]).collect();
        let m34 = at(&(Q::from(v[2] + v[3]) / 2u32));
        if d_of(v[0], v[1], &hs[0], &hs[2], m34).is_some() {
            return Ok([real(v[0]), real(v[1]), real(v[2]), real(v[3])].map(Entry::Value));
        }
    }
    // v4 bracketed by a sign change of g(x) = h(v1)h(x) − h(v2)h(v3) on a grid of quarters.
    let grid: Vec<Q> = (-32..=32).map(|k| Q::from((k, 4))).collect();
    let hg: Vec<Option<V>> = grid.iter().map(at).collect();
    let mut sign_changes = 0;
    for i in 0..n * n * n {
        let idx = [i / (n * n), i / n % n, i % n];
        let Some(hs) = idx
            .iter()
            .map(|&k| h[k].clone())
            .collect::<Option<Vec<V>>>()
        else {
            continue;
        };
        let target = hs[1].mul(&hs[2], prec);
        let g = |hx: &V| hs[0].mul(hx, prec).sub(&target, prec).sign();
        for j in 0..grid.len() - 1 {
            let (Some(ha), Some(hb)) = (&hg[j], &hg[j + 1]) else {
                continue;
            };
            let (sa, sb) = (g(ha), g(hb));
            if !matches!(
                (sa, sb),
                (Some(Ordering::Less), Some(Ordering::Greater))
                    | (Some(Ordering::Greater), Some(Ordering::Less))
            ) {
                continue;
            }
            sign_changes += 1;
            // Narrow the bracket by bisection until D is shown nonzero over all of it and the
            // bracket is at most 2^-10 wide (so that D, and W2 = (h(v3), −h(v1))/D, are
            // enclosed tightly).
            let (mut a, mut b) = (grid[j].clone(), grid[j + 1].clone());
            let v3 = &pts[idx[2]];
            for step in 0..=40 {
                let mid = I::span(prec, &Q::from(v3 + &a), &Q::from(v3 + &b))
                    .div(&I::from_i(prec, 2))
                    .expect("2 ≠ 0");
                let m34 = act.enclose(0, &mid).ok().map(V::N);
                if step >= 8 && d_of(&pts[idx[0]], &pts[idx[1]], &hs[0], &hs[2], m34).is_some() {
                    let [v1, v2, v3] = idx.map(|k| Entry::Value(real(&pts[k])));
                    let root = Entry::Root(Root {
                        solve: "C2.1".into(),
                        bracket: vec![format_rational(&a), format_rational(&b)],
                    });
                    return Ok([v1, v2, v3, root]);
                }
                let half = Q::from(&a + &b) / 2u32;
                match at(&half).and_then(|hm| g(&hm)) {
                    Some(s) if Some(s) == sa => a = half,
                    Some(s) if Some(s) == sb => b = half,
                    _ => break,
                }
            }
        }
    }
    Err(format!(
        "C2.1 holds exactly for {exact_c21} quadruples of the candidate points {{0, ±1/4, ±1/2, ±1, ±3/2, ±2, ±3}} but C2.2 (D ≠ 0) is not shown for any of them, and for the {sign_changes} sign changes of h(v1)h(x) − h(v2)h(v3) on [−8, 8] that bracket a root v4, D ≠ 0 is not shown either"
    ))
}

/// Counts of the Part 2 candidates that failed each condition, with a first example.
#[derive(Default)]
struct Failures {
    counts: [usize; 4],
    example: [Option<String>; 4],
}

impl Failures {
    fn add(&mut self, which: usize, what: impl FnOnce() -> String) {
        self.counts[which] += 1;
        if self.example[which].is_none() {
            self.example[which] = Some(what());
        }
    }

    fn describe(&self, total: usize) -> String {
        let names = [
            "C2.3 cannot be solved for u2 (h(v2) may be 0, or h, h', h'' cannot be evaluated)",
            "C2.6 (w1² + a1 > 0) is not shown",
            "C2.7 (w1²a2 + w2²a1 + a1a2 > 0) is not shown",
            "the box bound holds for no radius 2^-j, j ≤ 12",
        ];
        let parts: Vec<String> = (0..4)
            .filter(|&k| self.counts[k] > 0)
            .map(|k| {
                format!(
                    "{} for {} (e.g. {})",
                    names[k],
                    self.counts[k],
                    self.example[k].as_deref().unwrap_or("")
                )
            })
            .collect();
        format!(
            "none of the {total} candidates (v1, v2 in {{0, ±1/4, ±1/2, ±1, ±3/2, ±2, ±3}}, u1 in {{±1/12, ±1/6, ±1/3, ±1/2, ±1, ±2}}) passed: {}",
            parts.join("; ")
        )
    }
}

/// Part 2: `(v1, v2, u1, u2)` with (C2.3) exact or solved, (C2.6), (C2.7) and a box.
fn minimum(
    act: &Act,
    derived: &Derivation,
    prec: u32,
) -> std::result::Result<([Real; 2], Real, Coef), String> {
    let pts: Vec<Q> = POINTS.iter().copied().map(rat).collect();
    let derivs: Vec<Option<[V; 3]>> = pts
        .iter()
        .map(|x| {
            let d = |k| derived.at(k, x, prec).ok();
            Some([d(0)?, d(1)?, d(2)?])
        })
        .collect();
    let third = V::E(Q::from((1, 3)));
    let mut failures = Failures::default();
    let mut passing = Vec::new();
    let mut total = 0;
    'search: for (i1, i2) in (0..pts.len()).flat_map(|a| (0..pts.len()).map(move |b| (a, b))) {
        for u1 in WEIGHTS.iter().copied().map(rat) {
            total += 1;
            let at = || format!("v = ({}, {}), u1 = {u1}", pts[i1], pts[i2]);
            let (Some(d1), Some(d2)) = (&derivs[i1], &derivs[i2]) else {
                failures.add(0, at);
                continue;
            };
            let u1v = V::E(u1.clone());
            let Some(u2) = third.sub(&u1v.mul(&d1[0], prec), prec).div(&d2[0], prec) else {
                failures.add(0, at);
                continue;
            };
            let w = [u1v.mul(&d1[1], prec), u2.mul(&d2[1], prec)];
            let a = [
                u1v.mul(&d1[2], prec).mul(&third, prec),
                u2.mul(&d2[2], prec).mul(&third, prec),
            ];
            let sq = |v: &V| v.mul(v, prec);
            let c26 = sq(&w[0]).add(&a[0], prec);
            if c26.sign() != Some(Ordering::Greater) {
                failures.add(1, || format!("{}: {}", at(), c26.show()));
                continue;
            }
            let c27 = sq(&w[0])
                .mul(&a[1], prec)
                .add(&sq(&w[1]).mul(&a[0], prec), prec)
                .add(&a[0].mul(&a[1], prec), prec);
            if c27.sign() != Some(Ordering::Greater) {
                failures.add(2, || format!("{}: {}", at(), c27.show()));
                continue;
            }
            let v = [Pt::rational(pts[i1].clone()), Pt::rational(pts[i2].clone())];
            let u = [u1v.to_i(prec), u2.to_i(prec)];
            let coarse = (1..=12).find_map(|j| {
                let rho = Q::from((1, 1u32 << j));
                box_bounds(act, &v, &u, &rho, prec)
                    .ok()
                    .filter(|(d, det)| d.is_positive() && det.is_positive())
                    .map(|_| rho)
            });
            let Some(rho) = coarse else {
                failures.add(3, at);
                continue;
            };
            passing.push((rho, i1, i2, u1, u2));
            if passing.len() == CONTENDERS {
                break 'search;
            }
        }
    }
    // The largest coarse radius wins; the earliest candidate among equals.
    let best = passing
        .into_iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.0.cmp(&b.0).then(j.cmp(i)))
        .map(|(_, c)| c);
    let Some((_, i1, i2, u1, u2)) = best else {
        return Err(failures.describe(total));
    };
    let u2 = match u2 {
        V::E(q) => Coef::Value(real(&q)),
        V::N(_) => Coef::Solve(Solve {
            solve: "C2.3".into(),
        }),
    };
    Ok(([real(&pts[i1]), real(&pts[i2])], real(&u1), u2))
}

/// Finds numbers for a formula activation, or says which condition failed for every candidate.
pub fn search(act: &Act, derived: &Derivation, prec: u32) -> Result<Numbers> {
    let name = match act {
        Act::Formula(text, _) => text.clone(),
        other => other.name().to_string(),
    };
    let part1 = zero_loss(act, prec);
    let part2 = minimum(act, derived, prec);
    match (part1, part2) {
        (Ok(zero_loss), Ok((v, u1, u2))) => Ok(Numbers {
            zero_loss,
            v,
            u1,
            u2,
        }),
        (p1, p2) => {
            let mut why = Vec::new();
            if let Err(e) = p1 {
                why.push(format!("Part 1 (zero-loss point): {e}"));
            }
            if let Err(e) = p2 {
                why.push(format!("Part 2 (spurious minimum): {e}"));
            }
            Err(Error::NotCertified(format!(
                "no numbers found for h = {name}: {}",
                why.join("; ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_and_checker_derivatives_agree() {
        for f in [
            "x*tanh(ln(1 + exp(x)))",
            "x/(1 + abs(x))",
            "1/(1 + exp(-x))",
            "x + x^2/3",
            "erf(x) + sqrt(1 + x^2)",
        ] {
            let d = Derivation::of(f).unwrap();
            let act = Act::formula(f).unwrap();
            for x in [Q::from((1, 2)), Q::from((-3, 4)), Q::from(2)] {
                for k in 0..=2 {
                    let ours = d.at(k, &x, 128).unwrap().to_i(128);
                    let checker = act.enclose(k, &I::from_q(128, &x)).unwrap();
                    assert!(
                        ours.overlaps(&checker),
                        "{f}: order {k} at {x}: {} vs {}",
                        ours.show(12),
                        checker.show(12)
                    );
                }
            }
        }
    }
}
