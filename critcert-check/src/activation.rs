//! The checker's activations: exact values at rational and log-rational points where a closed
//! form exists, and rigorous enclosures of `h⁽ᵏ⁾`, `k ≤ 4`, over an interval argument.
//! Piecewise activations refuse an enclosure of a derivative over an interval that contains a
//! kink (the function is not smooth there). Only exact rationals and [`super::interval::I`].

use super::formula::F;
use super::interval::I;
use super::value::{MAX_EXACT_BITS, V};
use rug::ops::Pow;
use rug::{Integer, Rational};

type Q = Rational;

/// SELU's λ as an exact decimal.
pub const SELU_LAMBDA: &str = "1.0507009873554804934193349852946";
/// SELU's α as an exact decimal.
pub const SELU_ALPHA: &str = "1.6732632423543772848170429916717";

/// An activation the checker knows by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// `1/(1 + e^{−x})`.
    Sigmoid,
    /// `tanh x`.
    Tanh,
    /// `arctan x`.
    Arctan,
    /// `x` for `x > 0`, `e^x − 1` otherwise.
    Elu,
    /// `λx` for `x > 0`, `λα(e^x − 1)` otherwise, λ and α the exact decimals above.
    Selu,
    /// `ln(1 + e^x)`.
    Softplus,
    /// `x Φ(x)`, `Φ(x) = (1 + erf(x/√2))/2`.
    Gelu,
    /// `x/(1 + e^{−x})`.
    Silu,
    /// `x²`.
    Quadratic,
    /// `max(s+ x, 0) + min(s− x, 0)` with slopes `(s+, s−)`.
    ReluLike(Q, Q),
    /// A formula in `x` ([`super::formula`]): its text, as given, and its parse.
    Formula(String, Box<F>),
}

/// An exact decimal string (`"1.05"`) as a rational.
pub fn decimal(s: &str) -> Q {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits: Integer = format!("{int}{frac}").parse().expect("a decimal constant");
    let scale = Integer::from(10).pow(frac.len() as u32);
    Q::from((digits, scale))
}

/// A real number `rat + Σ c·ln q` (`q > 0` rational): the points the checker evaluates at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pt {
    /// The rational part.
    pub rat: Q,
    /// The log terms `(c, q)` meaning `c·ln q`.
    pub logs: Vec<(Q, Q)>,
}

/// Bits of a rational's numerator and denominator together.
fn bits(q: &Q) -> u32 {
    q.numer().significant_bits() + q.denom().significant_bits()
}

/// `q^e` when it is rational (`q > 0`, small exponents) and at most [`MAX_EXACT_BITS`] bits,
/// else `None`.
fn rat_pow(q: &Q, e: &Q) -> Option<Q> {
    let b = e.denom().to_u32().filter(|b| *b <= 64)?;
    let a = e.numer().clone().abs().to_u32().filter(|a| *a <= 256)?;
    let root = |n: &Integer| {
        let r = n.clone().root(b);
        (r.clone().pow(b) == *n).then_some(r)
    };
    let r = Q::from((root(q.numer())?, root(q.denom())?));
    if u64::from(bits(&r)) * u64::from(a) > u64::from(MAX_EXACT_BITS) {
        // Beyond the exact-size limit: the caller falls back to an enclosure.
        return None;
    }
    let p = Q::from(r.pow(a));
    Some(if *e.numer() < 0 { p.recip() } else { p })
}

/// Decides `ln a · ln d = ln b · ln c` exactly for rationals `a, b, c, d > 0` when every
/// argument other than 1 is an integer power of one common rational base; `None` otherwise.
pub fn log_products_equal(a: &Q, b: &Q, c: &Q, d: &Q) -> Option<bool> {
    let zero_l = *a == 1 || *d == 1;
    let zero_r = *b == 1 || *c == 1;
    if zero_l || zero_r {
        return Some(zero_l == zero_r);
    }
    // r = g^e with g > 1 and |e| as large as possible (up to 64).
    let base = |r: &Q| -> Option<(Q, i64)> {
        (1..=64u32).rev().find_map(|e| {
            let g = rat_pow(r, &Q::from((1, e)))?;
            Some(if g < 1 {
                (g.recip(), -i64::from(e))
            } else {
                (g, i64::from(e))
            })
        })
    };
    let (ga, ea) = base(a)?;
    let (gb, eb) = base(b)?;
    let (gc, ec) = base(c)?;
    let (gd, ed) = base(d)?;
    (ga == gb && gb == gc && gc == gd).then_some(ea * ed == eb * ec)
}

impl Pt {
    /// A rational point.
    pub fn rational(q: Q) -> Pt {
        Pt {
            rat: q,
            logs: vec![],
        }
    }

    /// `(a + b)/2`.
    pub fn midpoint(a: &Pt, b: &Pt) -> Pt {
        let half = Q::from((1, 2));
        let logs = a
            .logs
            .iter()
            .chain(&b.logs)
            .map(|(c, q)| (Q::from(c * &half), q.clone()))
            .collect();
        Pt {
            rat: Q::from(&a.rat + &b.rat) * &half,
            logs,
        }
    }

    /// The point as a rational, if it has no log terms.
    pub fn as_rational(&self) -> Option<&Q> {
        self.logs.iter().all(|(c, _)| *c == 0).then_some(&self.rat)
    }

    /// `e^{t·x}` exactly, when it is rational.
    pub fn exp_exact(&self, t: &Q) -> Option<Q> {
        if self.rat != 0 {
            return None;
        }
        let mut p = Q::from(1);
        for (c, q) in &self.logs {
            p *= rat_pow(q, &Q::from(c * t))?;
            if bits(&p) > MAX_EXACT_BITS {
                return None;
            }
        }
        Some(p)
    }

    /// An enclosure of the point.
    pub fn enclose(&self, prec: u32) -> I {
        let mut x = I::from_q(prec, &self.rat);
        for (c, q) in &self.logs {
            let l = I::from_q(prec, q)
                .ln()
                .unwrap_or_else(|| I::unbounded(prec));
            x = x.add(&l.mul(&I::from_q(prec, c)));
        }
        x
    }
}

/// Evaluates a polynomial (coefficients from degree 0) at an exact rational.
fn poly_q(c: &[i32], x: &Q) -> Q {
    c.iter()
        .rev()
        .fold(Q::new(), |acc, k| acc * x + Q::from(*k))
}

/// The refusal when `what` cannot be enclosed over `x` because an intermediate value left MPFR's
/// exponent range.
fn overflow(what: &str, x: &I) -> String {
    format!(
        "{what} over {} is unbounded (MPFR overflow): no enclosure",
        x.show(8)
    )
}

/// Evaluates a polynomial (coefficients from degree 0) at an interval, by Horner's scheme.
fn poly_i(c: &[i32], x: &I) -> I {
    let p = x.prec();
    c.iter()
        .rev()
        .fold(I::from_i(p, 0), |acc, k| acc.mul(x).add(&I::from_i(p, *k)))
}

/// `σ⁽ᵏ⁾` as a polynomial in `s = σ`.
const SIGMOID: [&[i32]; 5] = [
    &[0, 1],
    &[0, 1, -1],
    &[0, 1, -3, 2],
    &[0, 1, -7, 12, -6],
    &[0, 1, -15, 50, -60, 24],
];
/// `tanh⁽ᵏ⁾` as a polynomial in `t = tanh`.
const TANH: [&[i32]; 5] = [
    &[0, 1],
    &[1, 0, -1],
    &[0, -2, 0, 2],
    &[-2, 0, 8, 0, -6],
    &[0, 16, 0, -40, 0, 24],
];
/// `GELU⁽ᵏ⁾/φ` for `k = 2, 3, 4`, polynomials in `x`.
const GELU: [&[i32]; 3] = [&[2, 0, -1], &[0, -4, 0, 1], &[-4, 0, 7, 0, -1]];

impl Act {
    /// The activation's name in certificates and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Act::Sigmoid => "sigmoid",
            Act::Tanh => "tanh",
            Act::Arctan => "arctan",
            Act::Elu => "elu",
            Act::Selu => "selu",
            Act::Softplus => "softplus",
            Act::Gelu => "gelu",
            Act::Silu => "silu",
            Act::Quadratic => "quadratic",
            Act::ReluLike(..) => "relu-like",
            Act::Formula(..) => "formula",
        }
    }

    /// The activation written as the formula `text` in `x`.
    pub fn formula(text: &str) -> Result<Act, String> {
        let t = text.trim();
        Ok(Act::Formula(t.to_string(), Box::new(F::parse(t)?)))
    }

    /// The smooth activation named `name` (not `relu-like`, which has slopes).
    pub fn smooth(name: &str) -> Option<Act> {
        Some(match name {
            "sigmoid" => Act::Sigmoid,
            "tanh" => Act::Tanh,
            "arctan" => Act::Arctan,
            "elu" => Act::Elu,
            "selu" => Act::Selu,
            "softplus" => Act::Softplus,
            "gelu" => Act::Gelu,
            "silu" => Act::Silu,
            "quadratic" => Act::Quadratic,
            _ => return None,
        })
    }

    /// `(scale of the linear branch, scale of the exponential branch)` for ELU and SELU.
    fn elu_scales(&self) -> (Q, Q) {
        match self {
            Act::Selu => {
                let l = decimal(SELU_LAMBDA);
                let la = Q::from(&l * &decimal(SELU_ALPHA));
                (l, la)
            }
            _ => (Q::from(1), Q::from(1)),
        }
    }

    /// `h⁽ᵏ⁾(x)` exactly, where a closed form gives a rational; else `None`.
    pub fn exact_at(&self, k: usize, x: &Pt) -> Option<Q> {
        let r = x.as_rational();
        let zero = r.is_some_and(|v| *v == 0);
        match self {
            Act::Quadratic => {
                let v = r?;
                Some(match k {
                    0 => Q::from(v.square_ref()),
                    1 => Q::from(v * 2u32),
                    2 => Q::from(2),
                    _ => Q::new(),
                })
            }
            Act::ReluLike(sp, sm) => {
                let v = r?;
                let s = if *v > 0 {
                    sp
                } else if *v < 0 {
                    sm
                } else {
                    return (k == 0).then(Q::new);
                };
                Some(match k {
                    0 => Q::from(s * v),
                    1 => s.clone(),
                    _ => Q::new(),
                })
            }
            Act::Sigmoid => {
                let e = x.exp_exact(&Q::from(1))?;
                let s = Q::from(&e / Q::from(&e + 1u32));
                Some(poly_q(SIGMOID[k], &s))
            }
            Act::Tanh => {
                let e = x.exp_exact(&Q::from(2))?;
                let t = Q::from(&e - 1u32) / Q::from(&e + 1u32);
                Some(poly_q(TANH[k], &t))
            }
            Act::Softplus if k >= 1 => {
                let e = x.exp_exact(&Q::from(1))?;
                let s = Q::from(&e / Q::from(&e + 1u32));
                Some(poly_q(SIGMOID[k - 1], &s))
            }
            Act::Elu | Act::Selu => {
                let (lin, ex) = self.elu_scales();
                if let Some(v) = r {
                    if *v > 0 {
                        return Some(match k {
                            0 => Q::from(&lin * v),
                            1 => lin,
                            _ => Q::new(),
                        });
                    }
                    if zero {
                        return (k == 0).then(Q::new);
                    }
                    return None;
                }
                let e = x.exp_exact(&Q::from(1))?;
                if e == 1 {
                    // x = 0 written as a log: the kink.
                    return (k == 0).then(Q::new);
                }
                if e < 1 {
                    Some(match k {
                        0 => Q::from(&e - 1u32) * ex,
                        _ => e * ex,
                    })
                } else {
                    // e ≥ 1 with log terms: the point is positive but irrational.
                    match k {
                        0 => None,
                        1 => Some(lin),
                        _ => Some(Q::new()),
                    }
                }
            }
            Act::Formula(_, f) => match f.derivative(k, &V::E(r?.clone()), 64) {
                Ok(V::E(q)) => Some(q),
                _ => None,
            },
            Act::Arctan if zero && k <= 2 => Some(Q::from(u32::from(k == 1))),
            Act::Gelu if zero && k <= 1 => Some(Q::from((k as u32, 2))),
            Act::Silu if zero && k <= 2 => Some(Q::from((u32::from(k >= 1), 2))),
            _ => None,
        }
    }

    /// Enclosures of `h, h', …, h⁽ⁿ⁾` over `x` (`n ≤ 4`; one Taylor jet for a formula), or the
    /// first refusal of [`Act::enclose`].
    pub fn enclose_upto(&self, n: usize, x: &I) -> Result<Vec<I>, String> {
        match self {
            Act::Formula(_, f) => Ok(f
                .derivatives(n, &V::N(x.clone()), x.prec())?
                .iter()
                .map(|v| v.to_i(x.prec()))
                .collect()),
            _ => (0..=n).map(|k| self.enclose(k, x)).collect(),
        }
    }

    /// An enclosure of `h⁽ᵏ⁾` over `x` (`k ≤ 4`). Refuses (`Err`) for a derivative of a
    /// piecewise activation over an interval containing its kink at 0.
    pub fn enclose(&self, k: usize, x: &I) -> Result<I, String> {
        let p = x.prec();
        let kink = || {
            Err(format!(
                "{} is not smooth at 0, which lies in {}: no enclosure of its derivative of order {k}",
                self.name(),
                x.show(8)
            ))
        };
        let q = |v: &Q| I::from_q(p, v);
        // Mathematically 1 + e^{-x} > 0; an MPFR overflow makes it unbounded, and then the
        // enclosure is refused (fail closed), never assumed.
        let sig = |x: &I| {
            I::from_i(p, 1)
                .div(&I::from_i(p, 1).add(&x.neg().exp()))
                .ok_or_else(|| overflow("σ(x) = 1/(1 + e^{-x})", x))
        };
        Ok(match self {
            Act::Formula(_, f) => f.derivative(k, &V::N(x.clone()), p)?.to_i(p),
            Act::Quadratic => match k {
                0 => x.sq(),
                1 => x.mul(&I::from_i(p, 2)),
                2 => I::from_i(p, 2),
                _ => I::from_i(p, 0),
            },
            Act::ReluLike(sp, sm) => {
                if k == 0 {
                    // s₊x on x > 0 and s₋x on x < 0; the hull of both where x may be 0.
                    if x.is_positive() {
                        x.mul(&q(sp))
                    } else if x.is_negative() {
                        x.mul(&q(sm))
                    } else {
                        x.mul(&q(sp)).hull(&x.mul(&q(sm)))
                    }
                } else if x.contains_zero() {
                    return kink();
                } else {
                    let s = if x.is_positive() { sp } else { sm };
                    if k == 1 {
                        q(s)
                    } else {
                        I::from_i(p, 0)
                    }
                }
            }
            Act::Elu | Act::Selu => {
                let (lin, ex) = self.elu_scales();
                let lin_b = |k: usize| match k {
                    0 => x.mul(&q(&lin)),
                    1 => q(&lin),
                    _ => I::from_i(p, 0),
                };
                let exp_b = |k: usize| {
                    let e = x.exp();
                    let v = if k == 0 { e.sub(&I::from_i(p, 1)) } else { e };
                    v.mul(&q(&ex))
                };
                if x.is_positive() {
                    lin_b(k)
                } else if x.is_negative() {
                    exp_b(k)
                } else if k == 0 {
                    lin_b(0).hull(&exp_b(0))
                } else {
                    return kink();
                }
            }
            Act::Sigmoid => poly_i(SIGMOID[k], &sig(x)?),
            Act::Tanh => poly_i(TANH[k], &x.tanh()),
            Act::Softplus => {
                if k == 0 {
                    I::from_i(p, 1)
                        .add(&x.exp())
                        .ln()
                        .ok_or_else(|| overflow("ln(1 + eˣ)", x))?
                } else {
                    poly_i(SIGMOID[k - 1], &sig(x)?)
                }
            }
            Act::Silu => {
                let s = sig(x)?;
                let own = poly_i(SIGMOID[k], &s).mul(x);
                if k == 0 {
                    own
                } else {
                    own.add(&poly_i(SIGMOID[k - 1], &s).mul(&I::from_i(p, k as i32)))
                }
            }
            Act::Arctan => {
                let r = I::from_i(p, 1)
                    .div(&I::from_i(p, 1).add(&x.sq()))
                    .ok_or_else(|| overflow("1/(1 + x²)", x))?;
                let pw = |n: usize| (1..n).fold(r.clone(), |acc, _| acc.mul(&r));
                match k {
                    0 => x.atan(),
                    1 => r,
                    2 => poly_i(&[0, -2], x).mul(&pw(2)),
                    3 => poly_i(&[-2, 0, 6], x).mul(&pw(3)),
                    _ => poly_i(&[0, 24, 0, -24], x).mul(&pw(4)),
                }
            }
            Act::Gelu => {
                let two = I::from_i(p, 2);
                let sqrt2 = two.sqrt().expect("2 ≥ 0");
                let big_phi = I::from_i(p, 1)
                    .add(&x.div(&sqrt2).expect("√2 > 0").erf())
                    .div(&two)
                    .expect("2 ≠ 0");
                let small_phi = x
                    .sq()
                    .div(&two)
                    .expect("2 ≠ 0")
                    .neg()
                    .exp()
                    .div(&two.mul(&I::pi(p)).sqrt().expect("2π > 0"))
                    .expect("√(2π) > 0");
                match k {
                    0 => x.mul(&big_phi),
                    1 => big_phi.add(&x.mul(&small_phi)),
                    _ => small_phi.mul(&poly_i(GELU[k - 2], x)),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ln_pt(q: (i64, i64), c: (i64, i64)) -> Pt {
        Pt {
            rat: Q::new(),
            logs: vec![(Q::from(c), Q::from(q))],
        }
    }

    #[test]
    fn log_rational_points_give_exact_values() {
        let s = Act::Sigmoid;
        assert_eq!(s.exact_at(0, &ln_pt((3, 1), (1, 1))), Some(Q::from((3, 4))));
        assert_eq!(
            s.exact_at(1, &ln_pt((3, 1), (1, 1))),
            Some(Q::from((3, 16)))
        );
        let t = Act::Tanh;
        assert_eq!(t.exact_at(0, &ln_pt((2, 1), (1, 2))), Some(Q::from((1, 3))));
        assert_eq!(t.exact_at(1, &ln_pt((2, 1), (1, 2))), Some(Q::from((8, 9))));
        assert_eq!(s.exact_at(0, &ln_pt((3, 1), (1, 2))), None);
        let e = Act::Elu;
        assert_eq!(
            e.exact_at(0, &ln_pt((1, 2), (1, 1))),
            Some(Q::from((-1, 2)))
        );
        assert_eq!(e.exact_at(2, &ln_pt((1, 2), (1, 1))), Some(Q::from((1, 2))));
        assert_eq!(Act::Selu.exact_at(1, &ln_pt((1, 1), (1, 1))), None);
        assert_eq!(decimal("1.05"), Q::from((21, 20)));
        let n = |x: i64| Q::from(x);
        assert_eq!(log_products_equal(&n(2), &n(4), &n(4), &n(16)), Some(true));
        assert_eq!(log_products_equal(&n(2), &n(4), &n(4), &n(8)), Some(false));
        assert_eq!(log_products_equal(&n(2), &n(3), &n(4), &n(5)), None);
    }

    #[test]
    fn exact_values_lie_in_point_enclosures() {
        let pts = [
            ln_pt((3, 1), (1, 1)),
            ln_pt((1, 2), (1, 1)),
            ln_pt((2, 1), (1, 2)),
        ];
        for act in [Act::Sigmoid, Act::Tanh, Act::Elu, Act::Selu, Act::Softplus] {
            for x in &pts {
                for k in 0..=2 {
                    if let Some(v) = act.exact_at(k, x) {
                        let e = act.enclose(k, &x.enclose(128)).unwrap();
                        assert!(e.contains_q(&v), "{act:?} {k} {x:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn relu_like_values_are_tight_away_from_the_kink() {
        let act = Act::ReluLike(Q::from(1), Q::from((1, 100)));
        let neg = act.enclose(0, &I::from_q(128, &Q::from(-2))).unwrap();
        let pos = act.enclose(0, &I::from_q(128, &Q::from(3))).unwrap();
        assert!(neg.contains_q(&Q::from((-1, 50))));
        let width = Q::from(neg.hi_q().unwrap() - neg.lo_q().unwrap());
        assert!(width < Q::from((1, 1u64 << 60)));
        assert_eq!(
            (pos.lo_q(), pos.hi_q()),
            (Some(Q::from(3)), Some(Q::from(3)))
        );
        // Across the kink: the hull of both lines, containing s₋·(−1) and s₊·1.
        let both = act
            .enclose(0, &I::span(64, &Q::from(-1), &Q::from(1)))
            .unwrap();
        assert!(both.contains_q(&Q::from((-1, 100))) && both.contains_q(&Q::from(1)));
    }

    #[test]
    fn piecewise_derivatives_refuse_across_the_kink() {
        let x = I::span(64, &Q::from(-1), &Q::from(1));
        for act in [Act::Elu, Act::Selu, Act::ReluLike(Q::from(1), Q::new())] {
            assert!(act.enclose(0, &x).is_ok());
            for k in 1..=4 {
                assert!(act.enclose(k, &x).is_err(), "{act:?} {k}");
            }
        }
    }
}
