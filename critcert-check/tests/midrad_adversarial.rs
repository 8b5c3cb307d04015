//! Adversarial review of the plain-binary64 linear algebra of `critical-point` checks
//! (`midrad`, the sign-case MPFR products, and the `positive-definite` claim end to end). Every
//! verdict of the code under test is compared with an exact computation in rationals; nothing
//! here asks the checker to judge itself. Deterministic (a fixed-seed generator), a few seconds.

// Matrix code reads best with explicit indices; `Q::from(expr)` marks exact rational results.
#![allow(clippy::needless_range_loop, clippy::useless_conversion)]

use critcert_check::f64i::F;
use critcert_check::interval::I;
use critcert_check::midrad::{exceeds_shift, product, product_error_rows, split};
use rug::float::Round;
use rug::{Float, Integer, Rational as Q};

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// [`Rng::float`] with an exponent drawn from `base − spread/2 .. base + spread/2`.
    fn around(&mut self, base: i32, spread: u64) -> f64 {
        let e = base + self.below(spread) as i32 - (spread / 2) as i32;
        self.float(e)
    }
    /// A random significand in `[1, 2)` times `2^e`, with a random sign.
    fn float(&mut self, e: i32) -> f64 {
        let m = f64::from_bits(0x3ff0_0000_0000_0000 | (self.next() >> 12));
        let v = m * 2f64.powi(e.clamp(-1022, 1023));
        // 2^e below 2^-1022: scale in two steps so that the result is a true subnormal.
        let v = if e < -1022 {
            v * 2f64.powi((e + 1022).max(-60))
        } else {
            v
        };
        if self.next() & 1 == 0 {
            v
        } else {
            -v
        }
    }
}

fn exact(x: f64) -> Q {
    Q::from_f64(x).expect("finite")
}

/// One adversarial entry for a factor whose typical scale is `2^e`.
fn entry(rng: &mut Rng, e: i32, kind: u64) -> f64 {
    match kind {
        // Typical magnitudes, with a spread.
        0 => rng.around(e, 40),
        // Zeros, subnormals and the smallest normals mixed in.
        1 => match rng.below(5) {
            0 => 0.0,
            1 => f64::from_bits(rng.below(1 << 52)) * if rng.below(2) == 0 { 1.0 } else { -1.0 },
            2 => rng.float(-1022),
            _ => rng.float(e),
        },
        // Numbers one ulp away from powers of two: every sum rounds.
        2 => {
            let b = 2f64.powi(e + rng.below(4) as i32);
            let v = if rng.below(2) == 0 {
                b.next_up()
            } else {
                b.next_down()
            };
            if rng.below(2) == 0 {
                v
            } else {
                -v
            }
        }
        // Wildly mixed magnitudes.
        _ => rng.around(e, 200),
    }
}

/// Checks `product_error_rows` against the exact row sums of `|AB − fl(AB)|`; `false` when the
/// float product overflowed (the callers' finiteness check refuses it: nothing to bound).
fn bound_holds(a: &[Vec<f64>], b: &[Vec<f64>]) -> bool {
    let m = product(a, b);
    if m.iter().flatten().any(|x| !x.is_finite()) {
        return false;
    }
    let bound = product_error_rows(a, b).expect("small sizes");
    if bound.iter().any(|x| !x.is_finite()) {
        // An overflowing bound fails every decision downstream (checked there).
        return false;
    }
    let (n, q) = (b.len(), b[0].len());
    let bq: Vec<Vec<Q>> = b
        .iter()
        .map(|r| r.iter().map(|x| exact(*x)).collect())
        .collect();
    for (i, ai) in a.iter().enumerate() {
        let aq: Vec<Q> = ai.iter().map(|x| exact(*x)).collect();
        let mut sum = Q::new();
        for j in 0..q {
            let mut e = Q::new();
            for l in 0..n {
                if ai[l] != 0.0 && b[l][j] != 0.0 {
                    e += Q::from(&aq[l] * &bq[l][j]);
                }
            }
            e -= exact(m[i][j]);
            sum += e.abs();
        }
        assert!(
            sum <= exact(bound[i]),
            "row {i} of a {}×{n}·{n}×{q} product: exact error {} > bound {:e}",
            a.len(),
            sum.to_f64(),
            bound[i]
        );
    }
    true
}

#[test]
fn product_error_rows_bounds_the_exact_error_on_adversarial_inputs() {
    let mut rng = Rng(0x5eed_0001);
    let mut checked = 0;
    // Scales (of A, of B): ordinary, products in the subnormal range, near overflow, mixed.
    let scales = [
        (0, 0),
        (-540, -540),
        (-600, -480),
        (-1070, 0),
        (500, 500),
        (1000, 20),
        (-520, -550),
    ];
    for &(n, q, p) in &[
        (1, 1, 1),
        (1, 3, 2),
        (2, 2, 2),
        (3, 1, 4),
        (5, 5, 5),
        (8, 3, 13),
        (13, 13, 13),
        (21, 7, 2),
        (34, 5, 9),
        (50, 50, 3),
        (50, 4, 50),
    ] {
        for &(ea, eb) in &scales {
            for kind in 0..4 {
                // A is p×n, B is n×q.
                let a: Vec<Vec<f64>> = (0..p)
                    .map(|_| (0..n).map(|_| entry(&mut rng, ea, kind)).collect())
                    .collect();
                let mut b: Vec<Vec<f64>> = (0..n)
                    .map(|_| (0..q).map(|_| entry(&mut rng, eb, kind)).collect())
                    .collect();
                // Cancellation: the first column of B makes row 0 of AB nearly vanish.
                if n >= 2 && kind != 1 {
                    for l in 0..n {
                        b[l][0] = if l % 2 == 0 { 1.0 } else { -1.0 } * 2f64.powi(eb)
                            / a[0][l].abs().max(f64::MIN_POSITIVE).max(2f64.powi(-1000));
                        if !b[l][0].is_finite() {
                            b[l][0] = 0.0;
                        }
                    }
                }
                if bound_holds(&a, &b) {
                    checked += 1;
                }
            }
        }
    }
    // Hand-made worst cases: products that round to half the subnormal spacing, and sums in
    // which every addition rounds.
    let tiny = vec![vec![2f64.powi(-600); 7]];
    let tiny_b: Vec<Vec<f64>> = (0..7)
        .map(|l| vec![1.5 * 2f64.powi(-475) * if l % 2 == 0 { 1.0 } else { 3.0 }])
        .collect();
    assert!(bound_holds(&tiny, &tiny_b));
    let ones = vec![vec![1.0; 40]];
    let eps: Vec<Vec<f64>> = (0..40)
        .map(|l| {
            vec![if l == 0 {
                1.0
            } else {
                2f64.powi(-53) * (1.0 + 2f64.powi(-52))
            }]
        })
        .collect();
    assert!(bound_holds(&ones, &eps));
    eprintln!("{checked} products checked exactly");
    assert!(checked > 250, "only {checked} finite products were checked");
}

/// `xᵀAx > s‖x‖²` for all `x ≠ 0`, decided exactly: `(A + Aᵀ)/2 − sI`, scaled to integers, is
/// positive definite iff its leading principal minors are positive (Sylvester), which
/// fraction-free (Bareiss) elimination yields as its pivots.
fn exact_exceeds(a: &[Vec<f64>], s: &Q) -> bool {
    let p = a.len();
    let m: Vec<Vec<Q>> = (0..p)
        .map(|i| {
            (0..p)
                .map(|j| {
                    let v = Q::from(exact(a[i][j]) + exact(a[j][i])) / 2u32;
                    if i == j {
                        v - s
                    } else {
                        v
                    }
                })
                .collect()
        })
        .collect();
    let den = m
        .iter()
        .flatten()
        .fold(Integer::from(1), |d, x| d.lcm(x.denom()));
    let mut m: Vec<Vec<Integer>> = m
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|x| {
                    let (n, d) = x.into_numer_denom();
                    n * Integer::from(&den / &d)
                })
                .collect()
        })
        .collect();
    let mut prev = Integer::from(1);
    for k in 0..p {
        if m[k][k] <= 0 {
            return false;
        }
        for i in k + 1..p {
            for j in k + 1..p {
                let x = Integer::from(&m[i][j] * &m[k][k]) - Integer::from(&m[i][k] * &m[k][j]);
                m[i][j] = x.div_exact(&prev);
            }
        }
        prev = m[k][k].clone();
    }
    true
}

/// The exact `λ_min` of `(A + Aᵀ)/2`, bracketed by bisection: `(lo, hi)`, `hi − lo` tiny.
fn lambda_min(a: &[Vec<f64>], steps: u32) -> (Q, Q) {
    let bound = a
        .iter()
        .flatten()
        .map(|x| exact(x.abs()))
        .fold(Q::from(1u32), |s, x| s + x);
    let (mut lo, mut hi) = (Q::from(-&bound), bound);
    for _ in 0..steps {
        let mid = Q::from(&lo + &hi) / 2u32;
        if exact_exceeds(a, &mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo, hi)
}

/// Runs `exceeds_shift` on a ladder of shifts around `λ_min` and checks every `Ok` exactly.
/// Returns (number of `Ok`, number of shifts tried).
fn ladder(a: &[Vec<f64>], lam: f64) -> (usize, usize) {
    let mut shifts = vec![lam, 0.0, -1.0, f64::MIN_POSITIVE, -f64::MIN_POSITIVE];
    let mut up = lam;
    let mut down = lam;
    for _ in 0..6 {
        up = up.next_up();
        down = down.next_down();
        shifts.push(up);
        shifts.push(down);
    }
    for k in [8, 16, 24, 30, 34, 36, 38, 40, 42, 44, 46, 50] {
        let d = lam.abs().max(f64::MIN_POSITIVE) * 2f64.powi(-k);
        shifts.push(lam - d);
        shifts.push(lam + d);
    }
    let mut oks = 0;
    for s in &shifts {
        if let Ok(res) = exceeds_shift(a, *s) {
            assert!(
                res.is_finite() && exact_exceeds(a, &exact(*s)),
                "exceeds_shift accepted s = {s:e} above λ_min ≈ {lam:e} for {a:?}"
            );
            oks += 1;
        }
    }
    (oks, shifts.len())
}

/// `Q diag(d) Qᵀ` with `Q = I − 2vvᵀ/vᵀv` (exact), rounded entrywise to binary64, times `2^e`.
fn householder(rng: &mut Rng, d: &[f64], e: i32, symmetric: bool) -> Vec<Vec<f64>> {
    let p = d.len();
    let v: Vec<Q> = (0..p).map(|_| Q::from(rng.below(17) as i64 - 8)).collect();
    let vv = v.iter().fold(Q::new(), |s, x| s + Q::from(x * x));
    let qm: Vec<Vec<Q>> = (0..p)
        .map(|i| {
            (0..p)
                .map(|j| {
                    let id = Q::from(u32::from(i == j));
                    if vv == 0 {
                        id
                    } else {
                        id - Q::from(&v[i] * &v[j]) * 2u32 / &vv
                    }
                })
                .collect()
        })
        .collect();
    let scale = Q::from_f64(2f64.powi(e.clamp(-1000, 1000))).unwrap();
    let mut a = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in 0..p {
            let mut x = Q::new();
            for k in 0..p {
                x += Q::from(&qm[i][k] * &qm[j][k]) * exact(d[k]);
            }
            a[i][j] = Q::from(x * &scale).to_f64();
        }
    }
    if !symmetric {
        for i in 0..p {
            for j in 0..i {
                a[i][j] = match rng.below(3) {
                    0 => a[i][j].next_up(),
                    1 => a[i][j].next_down(),
                    _ => a[i][j] * (1.0 + 2f64.powi(-30)),
                };
            }
        }
    }
    a
}

#[test]
fn exceeds_shift_never_accepts_a_shift_at_or_above_the_smallest_eigenvalue() {
    let mut rng = Rng(0x5eed_0002);
    let (mut oks, mut tried, mut matrices) = (0, 0, 0);
    let mut run = |a: &[Vec<f64>], exact_lam: Option<f64>| {
        let lam = exact_lam.unwrap_or_else(|| lambda_min(a, 70).0.to_f64());
        let (o, t) = ladder(a, lam);
        oks += o;
        tried += t;
        matrices += 1;
    };
    // Diagonal matrices: λ_min is the smallest entry.
    for d in [
        vec![1.0],
        vec![-1.0],
        vec![f64::from_bits(3)],
        vec![2f64.powi(-1022)],
        vec![1e300, 1e-300],
        vec![3.0, 1.0 + 2f64.powi(-52), 7.0],
        vec![1e-8, 1e8, 1.0, 0.5],
        vec![-1e300, 1e300],
        vec![0.0, 1.0],
    ] {
        let p = d.len();
        let a: Vec<Vec<f64>> = (0..p)
            .map(|i| (0..p).map(|j| if i == j { d[i] } else { 0.0 }).collect())
            .collect();
        let m = d.iter().copied().fold(f64::INFINITY, f64::min);
        run(&a, Some(m));
    }
    // tridiag(−1, 2, −1) and a scaled copy (λ_min irrational: bracketed exactly).
    for (p, sc) in [
        (2usize, 1.0),
        (7, 1.0),
        (12, 2f64.powi(-1000)),
        (12, 2f64.powi(900)),
    ] {
        let a: Vec<Vec<f64>> = (0..p)
            .map(|i| {
                (0..p)
                    .map(|j| match i.abs_diff(j) {
                        0 => 2.0 * sc,
                        1 => -sc,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        run(&a, None);
    }
    // Q D Qᵀ with chosen spectra (ill-conditioned, clustered, tiny λ_min), symmetric or not,
    // at several scales; also dense random matrices.
    for round in 0..14 {
        let p = 2 + (round % 7);
        let d: Vec<f64> = (0..p)
            .map(|k| match round % 4 {
                0 => 1.0 + k as f64,
                1 => 10f64.powi(-(k as i32) * 3),
                2 => 1.0 + (k as f64) * 2f64.powi(-40),
                _ => rng.around(0, 20).abs() - 0.5,
            })
            .collect();
        let e = [0, -40, 40, -1000, 900, 0, 0][round % 7];
        run(&householder(&mut rng, &d, e, round % 3 != 2), None);
    }
    for round in 0..6 {
        let p = 1 + round;
        let a: Vec<Vec<f64>> = (0..p)
            .map(|_| (0..p).map(|_| rng.around(0, 8)).collect())
            .collect();
        run(&a, None);
    }
    assert!(matrices >= 30, "{matrices}");
    // The test is near the edge: a fair share of the shifts is accepted.
    eprintln!("{matrices} matrices, {oks} of {tried} shifts accepted, each one true");
    assert!(
        oks * 6 > tried,
        "only {oks} of {tried} shifts were accepted"
    );
}

#[test]
fn exceeds_shift_fails_closed_on_bad_input() {
    let nan = f64::NAN;
    let cases: Vec<(Vec<Vec<f64>>, f64)> = vec![
        (vec![], 0.0),
        (vec![vec![1.0, 0.0]], 0.0),
        (vec![vec![1.0], vec![1.0]], 0.0),
        (vec![vec![nan]], 0.0),
        (vec![vec![f64::INFINITY]], 0.0),
        (vec![vec![1.0]], nan),
        (vec![vec![1.0]], f64::NEG_INFINITY),
        (
            vec![vec![f64::MAX, f64::MAX], vec![f64::MAX, f64::MAX]],
            0.0,
        ),
        (vec![vec![f64::MAX, 0.0], vec![0.0, f64::MAX]], 0.0),
        (vec![vec![f64::MAX]], -f64::MAX),
        (vec![vec![0.0]], -f64::MAX),
        (vec![vec![1e200, 0.0], vec![0.0, 1e200]], -1e200),
    ];
    for (a, s) in &cases {
        if let Ok(r) = exceeds_shift(a, *s) {
            // Accepted: then it is true.
            assert!(r.is_finite() && exact_exceeds(a, &exact(*s)), "{a:?} {s}");
        }
    }
    assert!(exceeds_shift(&[vec![f64::MAX]], -f64::MAX).is_err());
    // Not symmetric: the quadratic form sees only the symmetric part. [[1, 4], [−4, 1]] has
    // xᵀAx = ‖x‖², [[1, 4], [0, 1]] is indefinite as a form.
    let skew = [vec![1.0, 4.0], vec![-4.0, 1.0]];
    if exceeds_shift(&skew, 0.5).is_ok() {
        assert!(exact_exceeds(&skew, &exact(0.5)));
    }
    assert!(exceeds_shift(&skew, 1.0).is_err());
    assert!(exceeds_shift(&[vec![1.0, 4.0], vec![0.0, 1.0]], 0.0).is_err());
    assert!(exceeds_shift(&[vec![1.0, 0.0], vec![4.0, 1.0]], 0.0).is_err());
}

#[test]
fn split_encloses_every_member_exactly() {
    let mut rng = Rng(0x5eed_0003);
    let mut rows = vec![];
    for _ in 0..400 {
        let e = rng.below(2100) as i32 - 1074;
        let x = rng.float(e.min(1020));
        let y = match rng.below(4) {
            0 => x,
            1 => x.next_up(),
            2 => rng.float(e.min(1020)),
            _ => -x,
        };
        rows.push(F::new(x.min(y), x.max(y)));
    }
    rows.push(F::new(-0.0, 0.0));
    rows.push(F::new(f64::from_bits(1), f64::from_bits(2)));
    let (m, r) = split(std::slice::from_ref(&rows)).unwrap();
    for (x, (c, w)) in rows.iter().zip(m[0].iter().zip(&r[0])) {
        assert!(*w >= 0.0 && c.is_finite() && w.is_finite());
        let (c, w) = (exact(*c), exact(*w));
        assert!(Q::from(&c - &w) <= exact(x.lo) && exact(x.hi) <= Q::from(&c + &w));
    }
    assert!(split(&[vec![F::new(f64::NAN, 1.0)]]).is_none());
    // The radius of [−MAX, MAX] overflows: refused rather than understated.
    assert!(split(&[vec![F::new(-f64::MAX, f64::MAX)]]).is_none());
}

/// The rounded hull of the four corner products, as the general formula defines it.
fn corner_hull(prec: u32, a: (&Q, &Q), b: (&Q, &Q)) -> (Q, Q) {
    let c = [
        Q::from(a.0 * b.0),
        Q::from(a.0 * b.1),
        Q::from(a.1 * b.0),
        Q::from(a.1 * b.1),
    ];
    let lo = c.iter().min().unwrap();
    let hi = c.iter().max().unwrap();
    let down = Float::with_val_round(prec, lo, Round::Down).0;
    let up = Float::with_val_round(prec, hi, Round::Up).0;
    (down.to_rational().unwrap(), up.to_rational().unwrap())
}

#[test]
fn mpfr_products_match_the_corner_formula_in_every_sign_case() {
    let mut rng = Rng(0x5eed_0004);
    let mut ends: Vec<Q> = vec![
        Q::new(),
        Q::from(1),
        Q::from(-1),
        Q::from((1, 3)),
        Q::from((-7, 5)),
    ];
    for _ in 0..10 {
        ends.push(exact(rng.around(0, 60)));
    }
    ends.push(Q::from((1, 1u64 << 62)) * Q::from((1, 1u64 << 62)));
    let mut cases = 0;
    for prec in [2u32, 8, 53, 128] {
        // Intervals [a, b] and their negations (the negation of [0, b] ends at −0).
        let mut ivs = vec![];
        for a in &ends {
            for b in &ends {
                if a <= b {
                    let x = I::span(prec, a, b);
                    ivs.push(x.clone());
                    ivs.push(x.neg());
                }
            }
        }
        for x in &ivs {
            for y in ivs.iter().step_by(if prec == 53 { 1 } else { 3 }) {
                let (xl, xh) = (x.lo_q().unwrap(), x.hi_q().unwrap());
                let (yl, yh) = (y.lo_q().unwrap(), y.hi_q().unwrap());
                let z = x.mul(y);
                let (lo, hi) = corner_hull(prec, (&xl, &xh), (&yl, &yh));
                assert_eq!(
                    (z.lo_q().unwrap(), z.hi_q().unwrap()),
                    (lo, hi),
                    "[{xl}, {xh}]·[{yl}, {yh}] at {prec} bits"
                );
                // Commutative, and the square of an interval contains its sq().
                assert_eq!(y.mul(x), z);
                cases += 1;
            }
        }
    }
    assert!(cases > 20_000, "{cases}");
}

/// The `positive-definite` claim of a committed certificate, checked against the exact
/// smallest eigenvalue of the checker's own split of its Hessian enclosure: shifts on both
/// sides of the checker's acceptance boundary; every accepted one must make `mid − sI`
/// positive definite exactly and `‖rad‖_F < s`.
#[test]
fn tampered_shifts_of_a_committed_minimum_are_judged_soundly() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../proofs/safran-shamir/ss-6-6-0.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let cert: serde_json::Value = serde_json::from_str(&text).unwrap();
    let problem: critcert_check::point::Problem =
        serde_json::from_value(cert["problem"].clone()).unwrap();
    let w = &cert["witness"];
    let r: Q = w["radius"].as_str().unwrap().parse().unwrap();
    let prec: u32 = match &w["precision"] {
        serde_json::Value::String(p) => p.parse().unwrap(),
        v => v.as_u64().unwrap() as u32,
    };
    let hess = critcert_check::point::enclose(&problem, Some(&r), prec, true)
        .unwrap()
        .hess
        .unwrap();
    let (mid, rad) = split(&hess).unwrap();
    let rad2 = rad
        .iter()
        .flatten()
        .fold(Q::new(), |s, x| s + exact(*x) * exact(*x));
    let with_shift = |s: &Q| {
        let mut c = cert.clone();
        c["witness"]["shift"] = serde_json::Value::String(s.to_string());
        critcert_check::check_str(&c.to_string()).is_ok()
    };
    let committed: Q = w["shift"].as_str().unwrap().parse().unwrap();
    assert!(with_shift(&committed));
    // λ_min(mid) bracketed exactly: [lo, hi], hi − lo below 2⁻⁴⁰.
    let (mut lo, mut hi) = (committed.clone(), Q::from(&committed * 2u32));
    assert!(exact_exceeds(&mid, &lo) && !exact_exceeds(&mid, &hi));
    for _ in 0..32 {
        let m = Q::from(&lo + &hi) / 2u32;
        if exact_exceeds(&mid, &m) {
            lo = m;
        } else {
            hi = m;
        }
    }
    // At or above λ_min(mid): rejected.
    for k in [0u32, 10, 20, 40] {
        let s = Q::from(&hi + Q::from(&hi >> k));
        assert!(
            !with_shift(&s),
            "accepted s = {s} ≥ λ_min(mid) ∈ [{lo}, {hi}]"
        );
    }
    assert!(!with_shift(&hi));
    // Just below: accepted only if right (exactly), and accepted within 1e-6 relative.
    let mut accepted = 0;
    for k in [20u32, 24, 28, 30, 32] {
        let s = Q::from(&lo - Q::from(&lo >> k));
        if with_shift(&s) {
            assert!(Q::from(&s * &s) > rad2, "‖rad‖_F ≥ s = {s}");
            assert!(
                exact_exceeds(&mid, &s),
                "mid − sI not positive definite, s = {s}"
            );
            accepted += 1;
        }
    }
    assert!(with_shift(&Q::from(&lo - Q::from(&lo >> 20u32))));
    eprintln!(
        "λ_min(mid) ≈ {:.15e}; {accepted} of 5 shifts within 2⁻²⁰ below it accepted",
        lo.to_f64()
    );
}
