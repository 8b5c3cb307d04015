//! The expression language of the e-graph and its constant-folding analysis over exact
//! rationals.
//!
//! Parameters are indexed ([`Param`], a `u32`), never `egg::Symbol`: symbols order by global
//! interning order, which differs between test threads, so extraction ties could flip. The
//! abstract activation's `k`-th derivative `h^(k)(e)` is the node `(h k e)` whose first child
//! is the integer constant `k`, so the chain rule `(h k e)' = (h (+ k 1) e)·e'` lets constant
//! folding compute `k + 1`.

use crate::exact::Q;
use egg::{merge_option, Analysis, DidMerge, EGraph, Id};
use rug::ops::Pow;
use std::fmt;
use std::str::FromStr;

/// An exact rational constant inside the e-graph (GMP rational, printed `p/q`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rat(pub Q);

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Rat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty()
            || !s
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
        {
            return Err(format!("'{s}' is not a rational"));
        }
        Q::from_str(s).map(Rat).map_err(|e| e.to_string())
    }
}

/// A parameter or symbol, by index into a [`Names`](super::Names) table (printed `p<index>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Param(pub u32);

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

impl FromStr for Param {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.strip_prefix('p')
            .and_then(|n| n.parse().ok())
            .map(Param)
            .ok_or_else(|| format!("'{s}' is not a parameter"))
    }
}

/// The language's enum lives in its own module only to allow the macro's undocumented variants
/// (documented together on the enum below).
mod language {
    #![allow(missing_docs)]
    use super::{Param, Rat};
    use egg::{define_language, Id};

    define_language! {
        /// Expressions. Variants (the macro takes no per-variant docs): `(+ a b)`, `(* a b)`,
        /// `(neg a)`, `(pow a n)` with a rational constant `n`, `(d x e)` = ∂e/∂x for a parameter
        /// `x`, `(h k e)` = `h^(k)(e)` for the abstract activation, `exp ln tanh atan acos erf
        /// sqrt sin cos` (`acos` only inside the tool: the pair kernel of `point`),
        /// `(step e)` (1 for e > 0, 0 for e < 0), `max`, `min`, `pi`, rational constants
        /// ([`Rat`]) and parameters ([`Param`]).
        pub enum Math {
            "+" = Add([Id; 2]),
            "*" = Mul([Id; 2]),
            "neg" = Neg(Id),
            "pow" = Pow([Id; 2]),
            "d" = D([Id; 2]),
            "h" = H([Id; 2]),
            "exp" = Exp(Id),
            "ln" = Ln(Id),
            "tanh" = Tanh(Id),
            "atan" = Atan(Id),
            "acos" = Acos(Id),
            "erf" = Erf(Id),
            "sqrt" = Sqrt(Id),
            "step" = Step(Id),
            "max" = Max([Id; 2]),
            "min" = Min([Id; 2]),
            "pi" = Pi,
            "sin" = Sin(Id),
            "cos" = Cos(Id),
            Num(Rat),
            Var(Param),
        }
    }
}
pub use language::Math;

/// The e-graph type used by the derivation engine.
pub type MathGraph = EGraph<Math, ConstFold>;

/// Constant folding over exact rationals: an e-class whose value is a known rational gets that
/// constant as a member. Only exact facts are folded (`exp(0) = 1`, `0·e = 0`, `d(x, c) = 0`).
#[derive(Default, Clone, Copy, Debug)]
pub struct ConstFold;

/// Most bits (numerator plus denominator) of a constant the analysis folds. A constant that
/// would be larger is left unfolded (`(3^64)^64` stays a power), which is sound — folding only
/// adds facts — and keeps a tower of constant powers from asking GMP for gigabytes; the
/// canonical form then meets the bounds of [`super::canon`] and reports it.
pub const MAX_FOLD_BITS: u64 = 1 << 16;

fn bits(q: &Q) -> u64 {
    u64::from(q.numer().significant_bits()) + u64::from(q.denom().significant_bits())
}

/// `a^n` for a rational `n = p/q`, when it is a rational: `a` is then the `q`-th power of a
/// rational (positive when `q` is even). `None` otherwise, and for `0^n` with `n < 0`, an
/// exponent that is too large, or a result of more than [`MAX_FOLD_BITS`] bits.
pub fn rational_pow(a: &Q, n: &Q) -> Option<Q> {
    if *n.denom() != 1 {
        let q = n.denom().to_u32().filter(|&q| q <= 64)?;
        if *a == 0 || (*a < 0 && q.is_multiple_of(2)) {
            return None;
        }
        let (num, den) = (a.numer().clone().abs(), a.denom().clone());
        let (rn, rd) = (num.clone().root(q), den.clone().root(q));
        if rn.clone().pow(q) != num || rd.clone().pow(q) != den {
            return None;
        }
        let root = Q::from((rn, rd)) * a.cmp0() as i32;
        return rational_pow(&root, &Q::from(n.numer()));
    }
    let e = n.numer().to_i32()?;
    if e.unsigned_abs() > 4096 || (e < 0 && *a == 0) {
        return None;
    }
    if bits(a).saturating_mul(u64::from(e.unsigned_abs())) > MAX_FOLD_BITS {
        return None;
    }
    let mut r = Q::from(1);
    for _ in 0..e.unsigned_abs() {
        r *= a;
    }
    Some(if e < 0 { Q::from(1) / r } else { r })
}

/// `a + b` and `a · b` when the result stays within [`MAX_FOLD_BITS`] (by the sizes of the
/// operands, before computing it).
fn small(a: &Q, b: &Q) -> bool {
    bits(a) + bits(b) <= MAX_FOLD_BITS
}

/// Folds an elementary function at a rational argument when the value is rational.
pub fn fold_function(name: &str, a: &Q) -> Option<Q> {
    match name {
        "exp" if *a == 0 => Some(Q::from(1)),
        "ln" if *a == 1 => Some(Q::new()),
        "tanh" | "atan" | "erf" | "sin" if *a == 0 => Some(Q::new()),
        "cos" if *a == 0 => Some(Q::from(1)),
        "acos" if *a == 1 => Some(Q::new()),
        "sqrt" if *a >= 0 => {
            let (n, d) = (a.numer(), a.denom());
            (n.is_perfect_square() && d.is_perfect_square())
                .then(|| Q::from((n.clone().sqrt(), d.clone().sqrt())))
        }
        "step" if *a != 0 => Some(Q::from(i32::from(*a > 0))),
        _ => None,
    }
}

impl Analysis<Math> for ConstFold {
    type Data = Option<Q>;

    fn make(egraph: &mut MathGraph, enode: &Math, _id: Id) -> Self::Data {
        let c = |i: &Id| egraph[*i].data.clone();
        match enode {
            Math::Num(r) => Some(r.0.clone()),
            Math::Add([a, b]) => {
                let (x, y) = (c(a)?, c(b)?);
                small(&x, &y).then(|| x + y)
            }
            Math::Mul([a, b]) => match (c(a), c(b)) {
                (Some(x), Some(y)) => small(&x, &y).then(|| x * y),
                (Some(z), None) | (None, Some(z)) if z == 0 => Some(Q::new()),
                _ => None,
            },
            Math::Neg(a) => Some(-c(a)?),
            Math::Pow([a, n]) => rational_pow(&c(a)?, &c(n)?),
            Math::D([_, e]) => c(e).map(|_| Q::new()),
            Math::Exp(a) => fold_function("exp", &c(a)?),
            Math::Ln(a) => fold_function("ln", &c(a)?),
            Math::Tanh(a) => fold_function("tanh", &c(a)?),
            Math::Atan(a) => fold_function("atan", &c(a)?),
            Math::Acos(a) => fold_function("acos", &c(a)?),
            Math::Erf(a) => fold_function("erf", &c(a)?),
            Math::Sqrt(a) => fold_function("sqrt", &c(a)?),
            Math::Sin(a) => fold_function("sin", &c(a)?),
            Math::Cos(a) => fold_function("cos", &c(a)?),
            Math::Step(a) => fold_function("step", &c(a)?),
            Math::Max([a, b]) => Some(c(a)?.max(c(b)?)),
            Math::Min([a, b]) => Some(c(a)?.min(c(b)?)),
            Math::H(_) | Math::Pi | Math::Var(_) => None,
        }
    }

    fn merge(&mut self, to: &mut Self::Data, from: Self::Data) -> DidMerge {
        // Every rule is an identity, so two classes with different constants are never
        // merged; the first value is kept.
        merge_option(to, from, |_, _| DidMerge(false, false))
    }

    fn modify(egraph: &mut MathGraph, id: Id) {
        if let Some(c) = egraph[id].data.clone() {
            let added = egraph.add(Math::Num(Rat(c)));
            egraph.union(id, added);
        }
    }
}
