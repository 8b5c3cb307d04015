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

use rug::float::{Constant, Round};
use rug::ops::{AddAssignRound, DivAssignRound, MulAssignRound, NegAssign, SubAssignRound};
use rug::{Float, Rational};
use std::cmp::Ordering;

/// A closed interval `[lo, hi]` with MPFR endpoints (never NaN; `lo ≤ hi`).
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

fn min2(a: Float, b: Float) -> Float {
    if b < a {
        b
    } else {
        a
    }
}

fn max2(a: Float, b: Float) -> Float {
    if b > a {
        b
    } else {
        a
    }
}

impl I {
    /// The precision of the endpoints, in bits.
    pub fn prec(&self) -> u32 {
        self.lo.prec()
    }

    /// The smallest interval at precision `prec` containing the rational `q`.
    pub fn from_q(prec: u32, q: &Rational) -> I {
        I {
            lo: down(prec, q),
            hi: up(prec, q),
        }
    }

    /// The smallest interval containing the integer `n`.
    pub fn from_i(prec: u32, n: i32) -> I {
        I {
            lo: down(prec, n),
            hi: up(prec, n),
        }
    }

    /// The interval `[a, b]` of two rationals (`a ≤ b`), rounded outward.
    pub fn span(prec: u32, a: &Rational, b: &Rational) -> I {
        I {
            lo: down(prec, a),
            hi: up(prec, b),
        }
    }

    /// An enclosure of π.
    pub fn pi(prec: u32) -> I {
        I {
            lo: down(prec, Constant::Pi),
            hi: up(prec, Constant::Pi),
        }
    }

    /// The lower end as an exact rational.
    pub fn lo_q(&self) -> Rational {
        self.lo.to_rational().expect("finite endpoint")
    }

    /// The upper end as an exact rational.
    pub fn hi_q(&self) -> Rational {
        self.hi.to_rational().expect("finite endpoint")
    }

    /// Both ends are finite numbers.
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// Every member is `> 0`.
    pub fn is_positive(&self) -> bool {
        self.lo > 0
    }

    /// Every member is `< 0`.
    pub fn is_negative(&self) -> bool {
        self.hi < 0
    }

    /// Zero is a member.
    pub fn contains_zero(&self) -> bool {
        self.lo <= 0 && self.hi >= 0
    }

    /// The rational `q` is a member.
    pub fn contains_q(&self, q: &Rational) -> bool {
        self.lo <= *q && self.hi >= *q
    }

    /// Every member of `other` is a member of `self`.
    pub fn contains(&self, other: &I) -> bool {
        self.lo <= other.lo && self.hi >= other.hi
    }

    /// The smallest interval containing both.
    pub fn hull(&self, other: &I) -> I {
        I {
            lo: min2(self.lo.clone(), other.lo.clone()),
            hi: max2(self.hi.clone(), other.hi.clone()),
        }
    }

    /// `−x` (exact).
    pub fn neg(&self) -> I {
        let mut lo = self.hi.clone();
        let mut hi = self.lo.clone();
        lo.neg_assign();
        hi.neg_assign();
        I { lo, hi }
    }

    /// `x + y`.
    pub fn add(&self, o: &I) -> I {
        I {
            lo: op(&self.lo, &o.lo, '+', Round::Down),
            hi: op(&self.hi, &o.hi, '+', Round::Up),
        }
    }

    /// `x − y`.
    pub fn sub(&self, o: &I) -> I {
        I {
            lo: op(&self.lo, &o.hi, '-', Round::Down),
            hi: op(&self.hi, &o.lo, '-', Round::Up),
        }
    }

    /// `x · y`.
    pub fn mul(&self, o: &I) -> I {
        let pairs = [
            (&self.lo, &o.lo),
            (&self.lo, &o.hi),
            (&self.hi, &o.lo),
            (&self.hi, &o.hi),
        ];
        let lo = pairs
            .iter()
            .map(|(a, b)| op(a, b, '*', Round::Down))
            .reduce(min2)
            .expect("four products");
        let hi = pairs
            .iter()
            .map(|(a, b)| op(a, b, '*', Round::Up))
            .reduce(max2)
            .expect("four products");
        I { lo, hi }
    }

    /// `x / y`, or `None` when zero is a member of `y`.
    pub fn div(&self, o: &I) -> Option<I> {
        if o.contains_zero() {
            return None;
        }
        let one = I::from_i(self.prec(), 1);
        let recip = I {
            lo: op(&one.lo, &o.hi, '/', Round::Down),
            hi: op(&one.hi, &o.lo, '/', Round::Up),
        };
        Some(self.mul(&recip))
    }

    /// `x²` (tight: never negative).
    pub fn sq(&self) -> I {
        let l2d = op(&self.lo, &self.lo, '*', Round::Down);
        let l2u = op(&self.lo, &self.lo, '*', Round::Up);
        let h2d = op(&self.hi, &self.hi, '*', Round::Down);
        let h2u = op(&self.hi, &self.hi, '*', Round::Up);
        if self.lo >= 0 {
            I { lo: l2d, hi: h2u }
        } else if self.hi <= 0 {
            I { lo: h2d, hi: l2u }
        } else {
            I {
                lo: down(self.prec(), 0),
                hi: max2(l2u, h2u),
            }
        }
    }

    /// `|x|` (tight).
    pub fn abs(&self) -> I {
        if self.lo >= 0 {
            self.clone()
        } else if self.hi <= 0 {
            self.neg()
        } else {
            let n = self.neg();
            I {
                lo: down(self.prec(), 0),
                hi: max2(n.hi, self.hi.clone()),
            }
        }
    }

    fn monotone(&self, f: fn(&mut Float, Round) -> Ordering) -> I {
        I {
            lo: fun(&self.lo, f, Round::Down),
            hi: fun(&self.hi, f, Round::Up),
        }
    }

    /// `eˣ`.
    pub fn exp(&self) -> I {
        self.monotone(Float::exp_round)
    }

    /// `ln x`, or `None` unless every member is positive.
    pub fn ln(&self) -> Option<I> {
        self.is_positive().then(|| self.monotone(Float::ln_round))
    }

    /// `√x`, or `None` unless every member is non-negative.
    pub fn sqrt(&self) -> Option<I> {
        (self.lo >= 0).then(|| self.monotone(Float::sqrt_round))
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

    /// The ends as decimals with `digits` significant digits, rounded outward.
    pub fn show(&self, digits: usize) -> String {
        format!(
            "[{}, {}]",
            self.lo.to_string_radix_round(10, Some(digits), Round::Down),
            self.hi.to_string_radix_round(10, Some(digits), Round::Up)
        )
    }

    /// The ends as exact rationals `["lo", "hi"]` (binary fractions).
    pub fn to_strings(&self) -> [String; 2] {
        [self.lo_q().to_string(), self.hi_q().to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Rational {
        Rational::from((n, d))
    }

    #[test]
    fn thirds_are_enclosed_not_rounded() {
        let third = I::from_q(53, &q(1, 3));
        assert!(third.contains_q(&q(1, 3)));
        assert!(third.lo_q() < q(1, 3) && third.hi_q() > q(1, 3));
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
        assert!(pi.lo_q() > q(314159, 100000) && pi.hi_q() < q(314160, 100000));
        assert!(
            I::from_i(p, 1).atan().mul(&I::from_i(p, 4)).contains(&pi) || {
                let a = I::from_i(p, 1).atan().mul(&I::from_i(p, 4));
                a.lo_q() <= pi.hi_q() && a.hi_q() >= pi.lo_q()
            }
        );
        assert!(I::from_i(p, 0).sub(&I::from_i(p, 1)).ln().is_none());
        let s = I::span(p, &q(-2, 1), &q(3, 1)).sq();
        assert!(s.lo_q() == 0 && s.hi_q() == 9);
    }
}
