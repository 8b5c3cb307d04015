//! Rigorous intervals on MPFR floats, owned by the checker.
//!
//! An [`I`] is a closed interval `[lo, hi]` of MPFR floats at a chosen precision. Every
//! endpoint operation is an MPFR `*_round` call with `Round::Down` for the lower end and
//! `Round::Up` for the upper end, so the result always contains the exact result of the
//! operation applied to any members of the arguments. MPFR rounds each elementary function
//! correctly in each direction, so monotone functions are enclosed by rounding their values at
//! the endpoints outward. This is the only file of the crate that touches `rug::Float`; a test
//! (`tests/thm2.rs`) scans it for round-to-nearest operations (plain operators, `with_val`,
//! unrounded function calls) and fails if one appears.
//!
//! **Fail closed.** MPFR's exponent range is finite (by default about `±2^30` binary digits,
//! i.e. magnitudes up to about `10^(3.2·10^8)`); past it a result overflows to `±∞`, and
//! `0·∞` or `∞ − ∞` give NaN. An interval is therefore either *bounded* (two finite endpoints,
//! `lo ≤ hi`) or *unbounded* (`[−∞, +∞]`, "no information"). Any operation with an unbounded
//! operand, or whose result has an infinite or NaN endpoint, is unbounded; an unbounded
//! interval is never positive, never negative, always may contain zero (so it is never a
//! divisor), contains nothing and is contained in nothing. Every decision the checker takes
//! goes through these predicates, so an overflow can only make a claim fail, never pass.

use rug::float::{Constant, Round, Special};
use rug::ops::{AddAssignRound, DivAssignRound, MulAssignRound, NegAssign, SubAssignRound};
use rug::{Float, Rational};
use std::cmp::Ordering;

/// A closed interval `[lo, hi]` with MPFR endpoints: bounded (both finite, `lo ≤ hi`) or
/// unbounded (`[−∞, +∞]`); never NaN.
#[derive(Clone, Debug, PartialEq)]
pub struct I {
    lo: Float,
    hi: Float,
}

fn down<T>(prec: u32, v: T) -> Float
where
    Float: rug::ops::AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Down).0
}

fn up<T>(prec: u32, v: T) -> Float
where
    Float: rug::ops::AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Up).0
}

/// `a ∘ b` rounded in direction `r` for one of the four basic operations.
fn op(a: &Float, b: &Float, which: char, r: Round) -> Float {
    let mut x = a.clone();
    match which {
        '+' => x.add_assign_round(b, r),
        '-' => x.sub_assign_round(b, r),
        '*' => x.mul_assign_round(b, r),
        _ => x.div_assign_round(b, r),
    };
    x
}

/// `f(a)` rounded in direction `r` for a unary MPFR function.
fn fun(a: &Float, f: fn(&mut Float, Round) -> Ordering, r: Round) -> Float {
    let mut x = a.clone();
    f(&mut x, r);
    x
}

/// The smaller of two finite floats (callers guarantee finiteness; a NaN is never dropped
/// because [`I::new`] turns any non-finite result into the unbounded interval).
fn min2(a: Float, b: Float) -> Float {
    if a.is_nan() || b.is_nan() {
        return down(a.prec(), Special::Nan);
    }
    if b < a {
        b
    } else {
        a
    }
}

/// The larger of two finite floats (NaN propagates, as in [`min2`]).
fn max2(a: Float, b: Float) -> Float {
    if a.is_nan() || b.is_nan() {
        return down(a.prec(), Special::Nan);
    }
    if b > a {
        b
    } else {
        a
    }
}

impl I {
    /// `[lo, hi]` if both ends are finite and ordered, the unbounded interval otherwise.
    fn new(lo: Float, hi: Float) -> I {
        if lo.is_finite() && hi.is_finite() && lo <= hi {
            I { lo, hi }
        } else {
            I::unbounded(lo.prec())
        }
    }

    /// `[−∞, +∞]`: no information (the result of an overflow or of an unbounded operand).
    pub fn unbounded(prec: u32) -> I {
        I {
            lo: down(prec, Special::NegInfinity),
            hi: up(prec, Special::Infinity),
        }
    }

    /// The precision of the endpoints, in bits.
    pub fn prec(&self) -> u32 {
        self.lo.prec()
    }

    /// The smallest interval at precision `prec` containing the rational `q` (unbounded if `q`
    /// is beyond MPFR's exponent range).
    pub fn from_q(prec: u32, q: &Rational) -> I {
        I::new(down(prec, q), up(prec, q))
    }

    /// The smallest interval containing the integer `n`.
    pub fn from_i(prec: u32, n: i32) -> I {
        I::new(down(prec, n), up(prec, n))
    }

    /// The interval `[a, b]` of two rationals, rounded outward (unbounded unless `a ≤ b`).
    pub fn span(prec: u32, a: &Rational, b: &Rational) -> I {
        I::new(down(prec, a), up(prec, b))
    }

    /// An enclosure of π.
    pub fn pi(prec: u32) -> I {
        I::new(down(prec, Constant::Pi), up(prec, Constant::Pi))
    }

    /// The lower end as an exact rational (`None` when unbounded).
    pub fn lo_q(&self) -> Option<Rational> {
        self.lo.to_rational()
    }

    /// The upper end as an exact rational (`None` when unbounded).
    pub fn hi_q(&self) -> Option<Rational> {
        self.hi.to_rational()
    }

    /// The ends rounded outward to binary64 (MPFR's correctly rounded conversion, down for the
    /// lower end and up for the upper), or `None` when unbounded. An end beyond binary64's range
    /// becomes infinite, which fails every later decision.
    pub fn to_f64_outward(&self) -> Option<(f64, f64)> {
        self.is_finite().then(|| {
            (
                self.lo.to_f64_round(Round::Down),
                self.hi.to_f64_round(Round::Up),
            )
        })
    }

    /// Both ends are finite numbers (the interval is bounded).
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// Bounded, and every member is `> 0`.
    pub fn is_positive(&self) -> bool {
        self.is_finite() && self.lo > 0
    }

    /// Bounded, and every member is `< 0`.
    pub fn is_negative(&self) -> bool {
        self.is_finite() && self.hi < 0
    }

    /// Zero may be a member (always true when unbounded).
    pub fn contains_zero(&self) -> bool {
        !self.is_finite() || (self.lo <= 0 && self.hi >= 0)
    }

    /// Bounded, and the rational `q` is a member.
    pub fn contains_q(&self, q: &Rational) -> bool {
        self.is_finite() && self.lo <= *q && self.hi >= *q
    }

    /// Both bounded, and every member of `other` is a member of `self`.
    pub fn contains(&self, other: &I) -> bool {
        self.is_finite() && other.is_finite() && self.lo <= other.lo && self.hi >= other.hi
    }

    /// Both bounded and sharing a member.
    pub fn overlaps(&self, other: &I) -> bool {
        self.is_finite() && other.is_finite() && self.lo <= other.hi && other.lo <= self.hi
    }

    /// Applies `f` to two bounded operands; unbounded if either is.
    fn both(&self, o: &I, f: impl FnOnce(&I, &I) -> I) -> I {
        if self.is_finite() && o.is_finite() {
            f(self, o)
        } else {
            I::unbounded(self.prec())
        }
    }

    /// The smallest interval containing both.
    pub fn hull(&self, other: &I) -> I {
        self.both(other, |a, b| {
            I::new(
                min2(a.lo.clone(), b.lo.clone()),
                max2(a.hi.clone(), b.hi.clone()),
            )
        })
    }

    /// `−x` (exact).
    pub fn neg(&self) -> I {
        let mut lo = self.hi.clone();
        let mut hi = self.lo.clone();
        lo.neg_assign();
        hi.neg_assign();
        I::new(lo, hi)
    }

    /// `x + y`.
    pub fn add(&self, o: &I) -> I {
        self.both(o, |a, b| {
            I::new(
                op(&a.lo, &b.lo, '+', Round::Down),
                op(&a.hi, &b.hi, '+', Round::Up),
            )
        })
    }

    /// `x − y`.
    pub fn sub(&self, o: &I) -> I {
        self.both(o, |a, b| {
            I::new(
                op(&a.lo, &b.hi, '-', Round::Down),
                op(&a.hi, &b.lo, '-', Round::Up),
            )
        })
    }

    /// `x · y`. When neither operand straddles 0 the two extreme products are known from the
    /// signs (two roundings instead of eight); otherwise all four products are rounded both ways.
    pub fn mul(&self, o: &I) -> I {
        self.both(o, |a, b| {
            let sign = |x: &I| {
                if x.lo >= 0 {
                    Some(true)
                } else if x.hi <= 0 {
                    Some(false)
                } else {
                    None
                }
            };
            if let (Some(sa), Some(sb)) = (sign(a), sign(b)) {
                // a ≥ 0, b ≥ 0: [a̲b̲, a̅b̅]; a ≥ 0 ≥ b: [a̅b̲, a̲b̅]; a ≤ 0 ≤ b: [a̲b̅, a̅b̲];
                // a ≤ 0, b ≤ 0: [a̅b̅, a̲b̲].
                let ((l1, l2), (h1, h2)) = match (sa, sb) {
                    (true, true) => ((&a.lo, &b.lo), (&a.hi, &b.hi)),
                    (true, false) => ((&a.hi, &b.lo), (&a.lo, &b.hi)),
                    (false, true) => ((&a.lo, &b.hi), (&a.hi, &b.lo)),
                    (false, false) => ((&a.hi, &b.hi), (&a.lo, &b.lo)),
                };
                return I::new(op(l1, l2, '*', Round::Down), op(h1, h2, '*', Round::Up));
            }
            let pairs = [
                (&a.lo, &b.lo),
                (&a.lo, &b.hi),
                (&a.hi, &b.lo),
                (&a.hi, &b.hi),
            ];
            let ends = |r: Round, pick: fn(Float, Float) -> Float| {
                pairs
                    .iter()
                    .map(|(x, y)| op(x, y, '*', r))
                    .reduce(pick)
                    .unwrap_or_else(|| down(a.prec(), Special::Nan))
            };
            I::new(ends(Round::Down, min2), ends(Round::Up, max2))
        })
    }

    /// `x / y`, or `None` when zero may be a member of `y` (always when `y` is unbounded).
    pub fn div(&self, o: &I) -> Option<I> {
        if o.contains_zero() {
            return None;
        }
        let recip = I::new(
            op(&down(self.prec(), 1), &o.hi, '/', Round::Down),
            op(&up(self.prec(), 1), &o.lo, '/', Round::Up),
        );
        Some(self.mul(&recip))
    }

    /// `x²` (tight: never negative).
    pub fn sq(&self) -> I {
        if !self.is_finite() {
            return self.clone();
        }
        let l2d = op(&self.lo, &self.lo, '*', Round::Down);
        let l2u = op(&self.lo, &self.lo, '*', Round::Up);
        let h2d = op(&self.hi, &self.hi, '*', Round::Down);
        let h2u = op(&self.hi, &self.hi, '*', Round::Up);
        if self.lo >= 0 {
            I::new(l2d, h2u)
        } else if self.hi <= 0 {
            I::new(h2d, l2u)
        } else {
            I::new(down(self.prec(), 0), max2(l2u, h2u))
        }
    }

    /// `|x|` (tight).
    pub fn abs(&self) -> I {
        if !self.is_finite() || self.lo >= 0 {
            self.clone()
        } else if self.hi <= 0 {
            self.neg()
        } else {
            let n = self.neg();
            I::new(down(self.prec(), 0), max2(n.hi, self.hi.clone()))
        }
    }

    fn monotone(&self, f: fn(&mut Float, Round) -> Ordering) -> I {
        if !self.is_finite() {
            return self.clone();
        }
        I::new(fun(&self.lo, f, Round::Down), fun(&self.hi, f, Round::Up))
    }

    /// `eˣ`.
    pub fn exp(&self) -> I {
        self.monotone(Float::exp_round)
    }

    /// `ln x`, or `None` unless every member is positive.
    pub fn ln(&self) -> Option<I> {
        self.is_positive().then(|| self.monotone(Float::ln_round))
    }

    /// `√x`, or `None` unless bounded with every member non-negative.
    pub fn sqrt(&self) -> Option<I> {
        (self.is_finite() && self.lo >= 0).then(|| self.monotone(Float::sqrt_round))
    }

    /// `arccos x` (decreasing), or `None` unless bounded with every member in `[−1, 1]`.
    pub fn acos(&self) -> Option<I> {
        (self.is_finite() && self.lo >= -1 && self.hi <= 1).then(|| {
            I::new(
                fun(&self.hi, Float::acos_round, Round::Down),
                fun(&self.lo, Float::acos_round, Round::Up),
            )
        })
    }

    /// The intersection with `[a, b]`, for a quantity known to lie in `[a, b]` (e.g. a cosine
    /// in `[−1, 1]`): unbounded when the intersection is empty, which only an enclosure that
    /// misses the true value could cause (fail closed).
    pub fn clamp(&self, a: i32, b: i32) -> I {
        if !self.is_finite() {
            return self.clone();
        }
        let p = self.prec();
        I::new(
            max2(self.lo.clone(), down(p, a)),
            min2(self.hi.clone(), up(p, b)),
        )
    }

    /// `tanh x`.
    pub fn tanh(&self) -> I {
        self.monotone(Float::tanh_round)
    }

    /// `arctan x`.
    pub fn atan(&self) -> I {
        self.monotone(Float::atan_round)
    }

    /// `erf x`.
    pub fn erf(&self) -> I {
        self.monotone(Float::erf_round)
    }

    /// `sin x`: the values at the ends, widened to ±1 wherever a maximum or minimum
    /// `(k + ½)π` may lie in the interval.
    pub fn sin(&self) -> I {
        self.trig(Float::sin_round, &Rational::from((1, 2)))
    }

    /// `cos x`: as [`I::sin`], with the extrema at `kπ`.
    pub fn cos(&self) -> I {
        self.trig(Float::cos_round, &Rational::new())
    }

    /// `sin` or `cos`, whose extremum `(−1)^k` is at `x = (k + shift)π`: with `t = x/π − shift`
    /// enclosed outward, the function is monotone on the interval unless an integer lies in the
    /// enclosure of `t`, and then the extremum of that integer's parity is added.
    fn trig(&self, f: fn(&mut Float, Round) -> Ordering, shift: &Rational) -> I {
        let p = self.prec();
        let Some(t) = self.div(&I::pi(p)).map(|t| t.sub(&I::from_q(p, shift))) else {
            return I::unbounded(p);
        };
        if !t.is_finite() {
            return I::unbounded(p);
        }
        let mut lo = min2(fun(&self.lo, f, Round::Down), fun(&self.hi, f, Round::Down));
        let mut hi = max2(fun(&self.lo, f, Round::Up), fun(&self.hi, f, Round::Up));
        let (k_lo, k_hi) = (t.lo.clone().ceil(), t.hi.clone().floor());
        if k_lo < k_hi {
            return I::new(down(p, -1), up(p, 1));
        }
        if k_lo == k_hi {
            // An integer float is even when half of it is an integer (exact: halving a float
            // only lowers its exponent).
            let mut half = k_lo;
            half.div_assign_round(2, Round::Down);
            if half.is_integer() {
                hi = up(p, 1);
            } else {
                lo = down(p, -1);
            }
        }
        I::new(lo, hi)
    }

    /// The real `q`-th root (`q ≥ 2`), or `None` unless every member is positive (or, for odd
    /// `q`, every member is negative).
    pub fn root(&self, q: u32) -> Option<I> {
        if self.is_positive() {
            let (mut lo, mut hi) = (self.lo.clone(), self.hi.clone());
            lo.root_round(q, Round::Down);
            hi.root_round(q, Round::Up);
            Some(I::new(lo, hi))
        } else if !q.is_multiple_of(2) && self.is_negative() {
            self.neg().root(q).map(|r| r.neg())
        } else {
            None
        }
    }

    /// The ends as decimals with `digits` significant digits, rounded outward, or
    /// `unbounded` (an MPFR overflow or an unbounded operand).
    pub fn show(&self, digits: usize) -> String {
        if !self.is_finite() {
            return "unbounded (MPFR overflow: not finite)".into();
        }
        format!(
            "[{}, {}]",
            self.lo.to_string_radix_round(10, Some(digits), Round::Down),
            self.hi.to_string_radix_round(10, Some(digits), Round::Up)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Rational {
        Rational::from((n, d))
    }

    #[test]
    fn products_are_the_hull_of_the_corners_in_every_sign_case() {
        let ends = [q(-3, 1), q(-1, 3), q(0, 1), q(1, 7), q(2, 1)];
        let ivs: Vec<(Rational, Rational)> = ends
            .iter()
            .flat_map(|a| {
                ends.iter()
                    .filter(move |b| a <= *b)
                    .map(move |b| (a.clone(), b.clone()))
            })
            .collect();
        for (al, ah) in &ivs {
            for (bl, bh) in &ivs {
                let x = I::span(53, al, ah).mul(&I::span(53, bl, bh));
                let corners = [
                    Rational::from(al * bl),
                    Rational::from(al * bh),
                    Rational::from(ah * bl),
                    Rational::from(ah * bh),
                ];
                let lo = corners.iter().min().unwrap();
                let hi = corners.iter().max().unwrap();
                let (xl, xh) = (x.lo_q().unwrap(), x.hi_q().unwrap());
                let slack = q(1, 1 << 40);
                assert!(
                    xl <= *lo && Rational::from(lo - &slack) <= xl,
                    "{al} {ah} {bl} {bh}"
                );
                assert!(
                    xh >= *hi && Rational::from(hi + &slack) >= xh,
                    "{al} {ah} {bl} {bh}"
                );
            }
        }
    }

    #[test]
    fn thirds_are_enclosed_not_rounded() {
        let third = I::from_q(53, &q(1, 3));
        assert!(third.contains_q(&q(1, 3)));
        assert!(third.lo_q().unwrap() < q(1, 3) && third.hi_q().unwrap() > q(1, 3));
        let one = third.add(&third).add(&third);
        assert!(one.contains_q(&q(1, 1)));
        let x = third.mul(&I::from_i(53, 3));
        assert!(x.contains_q(&q(1, 1)));
        assert!(I::from_i(53, 1).div(&third).unwrap().contains_q(&q(3, 1)));
        assert!(third.div(&I::span(53, &q(-1, 1), &q(1, 1))).is_none());
    }

    #[test]
    fn elementary_functions_bracket_known_values() {
        let p = 128;
        let zero = I::from_i(p, 0);
        assert!(zero.exp().contains_q(&q(1, 1)));
        assert!(I::from_i(p, 1).ln().unwrap().contains_q(&q(0, 1)));
        assert!(I::from_i(p, 4).sqrt().unwrap().contains_q(&q(2, 1)));
        assert!(zero.tanh().contains_q(&q(0, 1)) && zero.atan().contains_q(&q(0, 1)));
        let pi = I::pi(p);
        assert!(pi.lo_q().unwrap() > q(314159, 100000) && pi.hi_q().unwrap() < q(314160, 100000));
        assert!(
            I::from_i(p, 1).atan().mul(&I::from_i(p, 4)).contains(&pi) || {
                let a = I::from_i(p, 1).atan().mul(&I::from_i(p, 4));
                a.lo_q().unwrap() <= pi.hi_q().unwrap() && a.hi_q().unwrap() >= pi.lo_q().unwrap()
            }
        );
        assert!(I::from_i(p, 0).sub(&I::from_i(p, 1)).ln().is_none());
        let s = I::span(p, &q(-2, 1), &q(3, 1)).sq();
        assert!(s.lo_q().unwrap() == 0 && s.hi_q().unwrap() == 9);
    }

    #[test]
    fn sin_cos_and_roots_enclose() {
        let p = 128;
        let s = |a: i64, b: i64| I::span(p, &q(a, 1), &q(b, 1));
        // Monotone pieces use the ends; an extremum inside widens to ±1.
        let sin12 = s(1, 2).sin();
        assert!(sin12.lo_q().unwrap() > q(84, 100) && sin12.hi_q().unwrap() == 1);
        let sin0_7 = s(0, 7).sin();
        assert!(sin0_7.lo_q().unwrap() == -1 && sin0_7.hi_q().unwrap() == 1);
        let cos23 = s(2, 3).cos();
        assert!(cos23.lo_q().unwrap() < q(-98, 100) && cos23.hi_q().unwrap() < q(-41, 100));
        let cos_11 = s(-1, 1).cos();
        assert!(cos_11.lo_q().unwrap() < q(55, 100) && cos_11.hi_q().unwrap() == 1);
        assert!(I::from_i(p, 0).sin().contains_q(&q(0, 1)));
        assert!(!overflow(p).sin().is_finite() && !overflow(p).cos().is_finite());
        // Real roots: positive bases, negative ones for odd q, nothing across 0.
        let r = s(8, 27).root(3).unwrap();
        assert!(r.contains_q(&q(2, 1)) && r.contains_q(&q(3, 1)));
        assert!(s(-27, -8).root(3).unwrap().contains_q(&q(-2, 1)));
        assert!(s(-1, 1).root(3).is_none() && s(-8, -1).root(2).is_none());
        assert!(s(0, 4).root(2).is_none() && overflow(p).root(2).is_none());
    }

    /// An interval at the edge of MPFR's exponent range: `exp(exp(30))` overflows.
    fn overflow(p: u32) -> I {
        I::from_i(p, 30).exp().exp()
    }

    #[test]
    fn overflow_gives_the_unbounded_interval() {
        let p = 128;
        let big = overflow(p);
        assert!(!big.is_finite());
        assert!(!big.is_positive() && !big.is_negative() && big.contains_zero());
        assert!(big.lo_q().is_none() && big.hi_q().is_none());
        // Just below the range the value is finite and positive.
        assert!(I::from_i(p, 20).exp().exp().is_positive());
    }

    #[test]
    fn every_operation_with_an_unbounded_operand_is_unbounded() {
        let p = 128;
        let big = overflow(p);
        let zero = I::from_i(p, 0);
        let one = I::from_i(p, 1);
        // 0·∞ is NaN in MPFR: it must not become 0 or be dropped by min/max.
        for r in [
            zero.mul(&big),
            big.mul(&zero),
            big.sub(&big),
            big.add(&one),
            one.sub(&big),
            big.neg(),
            big.sq(),
            big.abs(),
            big.exp(),
            big.tanh(),
            big.atan(),
            big.erf(),
            one.hull(&big),
            big.hull(&one),
            one.div(&I::span(p, &q(1, 1), &q(2, 1))).unwrap().mul(&big),
        ] {
            assert!(!r.is_finite(), "{r:?}");
            assert!(!r.is_positive() && !r.is_negative() && r.contains_zero());
            assert!(!r.contains_q(&q(0, 1)) && !r.contains(&one) && !one.contains(&r));
            assert!(!r.overlaps(&one));
        }
        assert!(one.div(&big).is_none(), "an unbounded divisor may be 0");
        assert!(big.ln().is_none() && big.sqrt().is_none());
        assert!(big.show(8).contains("unbounded"));
    }

    #[test]
    fn a_reversed_span_is_no_interval() {
        assert!(!I::span(64, &q(2, 1), &q(1, 1)).is_finite());
    }
}
