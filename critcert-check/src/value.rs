//! Values of the checker's arithmetic: an exact rational while every operation stays rational
//! (and small), an MPFR enclosure otherwise.

use crate::interval::I;
use rug::Rational as Q;
use std::cmp::Ordering;

/// The most bits (numerator plus denominator) an exact intermediate value may have; a larger
/// one continues as its outward-rounded enclosure (sound, and a claim that needs exactness then
/// fails). This bounds the cost of every exact operation (a tower like `((x^64)^64)^64` at
/// `x = 2` would otherwise need 2^18 bits, then 2^24, …).
pub const MAX_EXACT_BITS: u32 = 4096;

/// An exact rational, or an enclosure when the value is not known to be rational.
#[derive(Clone, Debug)]
pub enum V {
    /// Exact.
    E(Q),
    /// Enclosed.
    N(I),
}

impl V {
    /// An enclosure (a point interval, rounded outward, when exact).
    pub fn to_i(&self, prec: u32) -> I {
        match self {
            V::E(q) => I::from_q(prec, q),
            V::N(i) => i.clone(),
        }
    }

    /// `q` exactly, or its enclosure when it has more than [`MAX_EXACT_BITS`] bits.
    pub fn exact(q: Q, prec: u32) -> V {
        if q.numer().significant_bits() + q.denom().significant_bits() > MAX_EXACT_BITS {
            V::N(I::from_q(prec, &q))
        } else {
            V::E(q)
        }
    }

    fn bin(&self, o: &V, prec: u32, fq: fn(&Q, &Q) -> Q, fi: fn(&I, &I) -> I) -> V {
        match (self, o) {
            (V::E(a), V::E(b)) => V::exact(fq(a, b), prec),
            _ => V::N(fi(&self.to_i(prec), &o.to_i(prec))),
        }
    }

    /// `x + y`.
    pub fn add(&self, o: &V, p: u32) -> V {
        self.bin(o, p, |a, b| Q::from(a + b), I::add)
    }

    /// `x − y`.
    pub fn sub(&self, o: &V, p: u32) -> V {
        self.bin(o, p, |a, b| Q::from(a - b), I::sub)
    }

    /// `x · y`: exactly 0 when either factor is exactly 0 and the other is bounded (an
    /// unbounded enclosure keeps the product unbounded: fail closed).
    pub fn mul(&self, o: &V, p: u32) -> V {
        if (self.is_zero() && o.is_bounded()) || (o.is_zero() && self.is_bounded()) {
            return V::E(Q::new());
        }
        self.bin(o, p, |a, b| Q::from(a * b), I::mul)
    }

    /// `x / y`, or `None` if `y` may be 0.
    pub fn div(&self, o: &V, p: u32) -> Option<V> {
        match (self, o) {
            (_, V::E(b)) if *b == 0 => None,
            (V::E(a), V::E(b)) => Some(V::exact(Q::from(a / b), p)),
            _ => self.to_i(p).div(&o.to_i(p)).map(V::N),
        }
    }

    /// Exact, or a bounded enclosure (not an MPFR overflow).
    pub fn is_bounded(&self) -> bool {
        match self {
            V::E(_) => true,
            V::N(i) => i.is_finite(),
        }
    }

    /// Exactly zero.
    pub fn is_zero(&self) -> bool {
        matches!(self, V::E(q) if *q == 0)
    }

    /// The sign, when it is certain.
    pub fn sign(&self) -> Option<Ordering> {
        match self {
            V::E(q) => Some(q.cmp0()),
            V::N(i) if i.is_positive() => Some(Ordering::Greater),
            V::N(i) if i.is_negative() => Some(Ordering::Less),
            V::N(_) => None,
        }
    }

    /// For humans: the exact value, or the enclosure with 12 digits.
    pub fn show(&self) -> String {
        match self {
            V::E(q) => format!("{q} (exact)"),
            V::N(i) => format!("∈ {} (interval)", i.show(12)),
        }
    }

    /// `exact` or `interval`.
    pub fn how(&self) -> &'static str {
        match self {
            V::E(_) => "exact",
            V::N(_) => "interval",
        }
    }
}
