//! Intervals of binary64 numbers, rounded outward by one unit in the last place after every
//! operation: the checker's fast arithmetic for the Hessian entries of `critical-point`
//! certificates and the `O(p²)` error bounds of [`super::midrad`].
//!
//! **Why this is rigorous.** Rust's `+`, `−`, `×`, `÷` on `f64` are IEEE 754 operations rounded
//! to nearest (never fused, never reassociated). For finite operands whose exact result `z` is
//! finite, the rounded result `ẑ` satisfies `|z − ẑ| ≤ ½ ulp`, so `z` lies in
//! `[next_down(ẑ), next_up(ẑ)]` — also when `z` underflows (the spacing of subnormals is the
//! smallest positive binary64). Every operation below widens its rounded endpoints this way,
//! so each result contains the exact result for all members of the operands. **Fail closed:**
//! an overflow gives an infinite endpoint and `0·∞` or `∞ − ∞` a NaN; such an interval is never
//! positive and [`F::is_finite`] is false, so any decision that meets one fails.

/// A closed interval `[lo, hi]` of binary64 numbers (possibly non-finite: see the module doc).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F {
    /// The lower end.
    pub lo: f64,
    /// The upper end.
    pub hi: f64,
}

fn down(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.next_down()
    }
}

fn up(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.next_up()
    }
}

// `add`, `sub` and `mul` round outward, unlike the `std::ops` traits they would implement.
#[allow(clippy::should_implement_trait)]
impl F {
    /// The interval `[lo, hi]` as given (already outward).
    pub fn new(lo: f64, hi: f64) -> F {
        F { lo, hi }
    }

    /// The single number `x` (exact).
    pub fn point(x: f64) -> F {
        F { lo: x, hi: x }
    }

    /// An interval containing the rational `q`: its binary64 conversion (within one unit in
    /// the last place, whichever way it rounds) widened by one unit each way.
    pub fn around(q: &rug::Rational) -> F {
        let x = q.to_f64();
        F::new(down(x), up(x))
    }

    /// Both ends finite and ordered.
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite() && self.lo <= self.hi
    }

    /// Every member is positive (false for a non-finite interval).
    pub fn is_positive(&self) -> bool {
        self.is_finite() && self.lo > 0.0
    }

    /// Every member is negative (false for a non-finite interval).
    pub fn is_negative(&self) -> bool {
        self.is_finite() && self.hi < 0.0
    }

    /// `a + b`.
    pub fn add(self, b: F) -> F {
        F::new(down(self.lo + b.lo), up(self.hi + b.hi))
    }

    /// `a − b`.
    pub fn sub(self, b: F) -> F {
        F::new(down(self.lo - b.hi), up(self.hi - b.lo))
    }

    /// `c · a` for an exact number `c`.
    pub fn scale(self, c: f64) -> F {
        let (x, y) = (c * self.lo, c * self.hi);
        if c >= 0.0 {
            F::new(down(x), up(y))
        } else {
            F::new(down(y), up(x))
        }
    }

    /// `a · b`.
    pub fn mul(self, b: F) -> F {
        let p = [
            self.lo * b.lo,
            self.lo * b.hi,
            self.hi * b.lo,
            self.hi * b.hi,
        ];
        if p.iter().any(|x| x.is_nan()) {
            return F::new(f64::NAN, f64::NAN);
        }
        let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        F::new(down(lo), up(hi))
    }

    /// `a / b`, or `None` unless every member of `b` is positive.
    pub fn div_positive(self, b: F) -> Option<F> {
        if !b.is_positive() || !self.is_finite() {
            return None;
        }
        let q = [
            self.lo / b.lo,
            self.lo / b.hi,
            self.hi / b.lo,
            self.hi / b.hi,
        ];
        let lo = q.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(F::new(down(lo), up(hi)))
    }

    /// An upper bound of `max |x|` over the members (infinite or NaN when not finite).
    pub fn mag(self) -> f64 {
        if !self.is_finite() {
            return f64::INFINITY;
        }
        self.lo.abs().max(self.hi.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_contain_the_exact_value() {
        // 0.1 + 0.2 is not 0.3 in binary64; the interval contains the exact sum.
        let s = F::point(0.1).add(F::point(0.2));
        let exact = rug::Rational::from_f64(0.1).unwrap() + rug::Rational::from_f64(0.2).unwrap();
        assert!(rug::Rational::from_f64(s.lo).unwrap() < exact);
        assert!(rug::Rational::from_f64(s.hi).unwrap() > exact);
        // Underflow: a product that rounds to 0 is still enclosed.
        let t = F::point(1e-200).mul(F::point(1e-200));
        assert!(t.lo < 0.0 && t.hi > 0.0);
    }

    #[test]
    fn overflow_and_nan_fail_closed() {
        let big = F::point(f64::MAX).add(F::point(f64::MAX));
        assert!(!big.is_finite() && !big.is_positive());
        let nan = F::new(0.0, 0.0).mul(F::new(f64::NEG_INFINITY, f64::INFINITY));
        assert!(!nan.is_finite() && !nan.is_positive());
        assert!(F::point(1.0).div_positive(F::new(-1.0, 1.0)).is_none());
        assert_eq!(F::new(f64::NAN, 1.0).mag(), f64::INFINITY);
    }
}
