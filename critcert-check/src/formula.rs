//! The checker's formula activations: `h` written as a formula in `x`, parsed here
//! (independently of the derivation engine) and evaluated by Taylor arithmetic to order 4.
//!
//! Grammar: sums and differences of products and quotients of powers of exact decimal numbers,
//! `x`, `pi`, calls `exp ln log sqrt sin cos tanh atan arctan erf abs` (one argument) and
//! `max min` (two), and parenthesised formulas. A power is `a^n` or `a^(n)` for an integer `n`
//! or `a^(p/q)` for a rational exponent (`q ≥ 1`; `|n|, |p|, q ≤ 64`), read in lowest terms; a
//! non-integer power needs its base shown positive (or, for odd `q`, shown non-zero). Every
//! primitive is continuous on its domain, so a formula that evaluates over an interval is
//! continuous there.
//!
//! A *jet* is the list of Taylor coefficients `f⁽ᵏ⁾(ξ)/k!`, `k ≤ n`. Evaluating the formula on
//! the jet `(X, 1, 0, …)` of the identity with an interval `X` encloses every coefficient for
//! every `ξ ∈ X` at once (interval automatic differentiation); with a rational `X` each
//! coefficient stays an exact rational as long as every operation does (`exp 0 = 1`, `ln 1 =
//! 0`, square roots of squares, …). `max`, `min` and `abs` refuse a derivative where their two
//! branches may meet: the formula is not smooth there.

use super::interval::I;
use super::value::V;
use rug::ops::Pow as _;
use rug::Rational;
use std::cmp::Ordering;

type Q = Rational;

/// The highest derivative order the checker uses.
pub const MAX_ORDER: usize = 4;

/// A one-argument primitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fun {
    /// `eˣ`.
    Exp,
    /// The natural logarithm.
    Ln,
    /// `√x`.
    Sqrt,
    /// `sin x`.
    Sin,
    /// `cos x`.
    Cos,
    /// `tanh x`.
    Tanh,
    /// `arctan x`.
    Atan,
    /// The error function.
    Erf,
    /// `|x|` (= `max(x, −x)`).
    Abs,
}

/// A parsed formula in `x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum F {
    /// The variable `x` (`yhat` in a loss formula).
    X,
    /// A loss formula's target `y`: a constant, bound by [`F::bind_y`] before evaluation.
    Y,
    /// An exact number.
    Num(Q),
    /// π.
    Pi,
    /// `−a`.
    Neg(Box<F>),
    /// `a + b`.
    Add(Box<F>, Box<F>),
    /// `a − b`.
    Sub(Box<F>, Box<F>),
    /// `a · b`.
    Mul(Box<F>, Box<F>),
    /// `a / b`.
    Div(Box<F>, Box<F>),
    /// `aⁿ` for an integer `n`.
    Pow(Box<F>, i32),
    /// `a^(p/q)` for a rational exponent in lowest terms with `q ≥ 2`.
    RatPow(Box<F>, i32, u32),
    /// A one-argument primitive.
    Call(Fun, Box<F>),
    /// `max(a, b)`.
    Max(Box<F>, Box<F>),
    /// `min(a, b)`.
    Min(Box<F>, Box<F>),
}

/// The longest formula text accepted, in bytes.
pub const MAX_LEN: usize = 1000;
/// The deepest nesting of parentheses, calls and signs accepted.
pub const MAX_DEPTH: usize = 64;
/// The largest `|n|` of a power `a^n` accepted, and the largest `|p|` and `q` of `a^(p/q)`.
pub const MAX_EXPONENT: u32 = 64;
/// The largest degree in `x` accepted (see [`F::degree`]): `(((x^64)^64)^64)` is refused.
pub const MAX_DEGREE: u64 = 4096;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    /// A loss formula: the variables are `yhat` and `y` instead of `x`.
    loss: bool,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at character {}", self.i + 1))
    }

    fn take(&mut self, ok: fn(u8) -> bool) -> String {
        let start = self.i;
        while self.s.get(self.i).copied().is_some_and(ok) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn sum(&mut self) -> Result<F, String> {
        let mut a = self.product()?;
        loop {
            if self.eat(b'+') {
                a = F::Add(Box::new(a), Box::new(self.product()?));
            } else if self.eat(b'-') {
                a = F::Sub(Box::new(a), Box::new(self.product()?));
            } else {
                return Ok(a);
            }
        }
    }

    fn product(&mut self) -> Result<F, String> {
        let mut a = self.unary()?;
        loop {
            if self.eat(b'*') {
                a = F::Mul(Box::new(a), Box::new(self.unary()?));
            } else if self.eat(b'/') {
                a = F::Div(Box::new(a), Box::new(self.unary()?));
            } else {
                return Ok(a);
            }
        }
    }

    fn unary(&mut self) -> Result<F, String> {
        // Every nesting level passes through here: bounding it bounds the recursion.
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(&format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let f = self.signed_power();
        self.depth -= 1;
        f
    }

    fn signed_power(&mut self) -> Result<F, String> {
        if self.eat(b'-') {
            return Ok(F::Neg(Box::new(self.unary()?)));
        }
        let base = self.atom()?;
        if !self.eat(b'^') {
            return Ok(base);
        }
        let paren = self.eat(b'(');
        let negative = self.eat(b'-');
        self.peek();
        let Ok(n) = self.take(|c| c.is_ascii_digit()).parse::<i32>() else {
            return self.err("expected an integer exponent");
        };
        let mut d = 1;
        if paren && self.eat(b'/') {
            self.peek();
            let Ok(t) = self.take(|c| c.is_ascii_digit()).parse::<i32>() else {
                return self.err("expected an integer denominator");
            };
            d = t;
        }
        if paren && !self.eat(b')') {
            return self.err("expected ')'");
        }
        if n.unsigned_abs() > MAX_EXPONENT {
            return self.err(&format!("exponent {n} beyond ±{MAX_EXPONENT}"));
        }
        if d == 0 || d.unsigned_abs() > MAX_EXPONENT {
            return self.err(&format!(
                "exponent denominator {d} not in 1..={MAX_EXPONENT}"
            ));
        }
        // In lowest terms (g ≥ 1 because d ≥ 1).
        let g = gcd(n.unsigned_abs(), d.unsigned_abs()) as i32;
        let (n, d) = (n / g, d / g);
        let n = if negative { -n } else { n };
        Ok(if d == 1 {
            F::Pow(Box::new(base), n)
        } else {
            F::RatPow(Box::new(base), n, d.unsigned_abs())
        })
    }

    fn atom(&mut self) -> Result<F, String> {
        match self.peek() {
            Some(b'(') => {
                self.i += 1;
                let e = self.sum()?;
                if !self.eat(b')') {
                    return self.err("expected ')'");
                }
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => {
                let t = self.take(|c| c.is_ascii_digit() || c == b'.');
                decimal(&t)
                    .map(F::Num)
                    .ok_or_else(|| format!("'{t}' is not a decimal number"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = self.take(|c| c.is_ascii_alphanumeric() || c == b'_');
                if !self.eat(b'(') {
                    return match (name.as_str(), self.loss) {
                        ("x", false) | ("yhat", true) => Ok(F::X),
                        ("y", true) => Ok(F::Y),
                        ("pi", _) => Ok(F::Pi),
                        (_, false) => {
                            self.err(&format!("unknown name '{name}' (the variable is x)"))
                        }
                        (_, true) => self.err(&format!(
                            "unknown name '{name}' (the variables are yhat and y)"
                        )),
                    };
                }
                let mut args = vec![self.sum()?];
                while self.eat(b',') {
                    args.push(self.sum()?);
                }
                if !self.eat(b')') {
                    return self.err("expected ')'");
                }
                let fun = match name.as_str() {
                    "exp" => Fun::Exp,
                    "ln" | "log" => Fun::Ln,
                    "sqrt" => Fun::Sqrt,
                    "sin" => Fun::Sin,
                    "cos" => Fun::Cos,
                    "tanh" => Fun::Tanh,
                    "atan" | "arctan" => Fun::Atan,
                    "erf" => Fun::Erf,
                    "abs" => Fun::Abs,
                    "max" | "min" => {
                        let [a, b]: [F; 2] = args
                            .try_into()
                            .map_err(|_| format!("{name} takes two arguments"))?;
                        let (a, b) = (Box::new(a), Box::new(b));
                        return Ok(if name == "max" {
                            F::Max(a, b)
                        } else {
                            F::Min(a, b)
                        });
                    }
                    _ => return Err(format!("unknown function '{name}'")),
                };
                let [a]: [F; 1] = args
                    .try_into()
                    .map_err(|_| format!("{name} takes one argument"))?;
                Ok(F::Call(fun, Box::new(a)))
            }
            Some(_) => self.err("unexpected character"),
            None => self.err("unexpected end"),
        }
    }
}

/// The greatest common divisor.
fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// An unsigned decimal (`12`, `0.35`, `.5`) as an exact rational.
fn decimal(t: &str) -> Option<Q> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = format!("{int}{frac}");
    if digits.is_empty() || frac.contains('.') {
        return None;
    }
    let n = rug::Integer::from_str_radix(&digits, 10).ok()?;
    Some(Q::from((n, rug::Integer::from(10).pow(frac.len() as u32))))
}

/// A jet: Taylor coefficients `f⁽ᵏ⁾/k!` for `k = 0..=n`.
type Jet = Vec<V>;

fn zero() -> V {
    V::E(Q::new())
}

fn scale(v: &V, c: Q, p: u32) -> V {
    v.mul(&V::E(c), p)
}

fn cauchy(a: &Jet, b: &Jet, p: u32) -> Jet {
    (0..a.len())
        .map(|k| (0..=k).fold(zero(), |s, i| s.add(&a[i].mul(&b[k - i], p), p)))
        .collect()
}

/// `a²`, with a tight enclosure of the value.
fn square(a: &Jet, p: u32) -> Jet {
    let mut c = cauchy(a, a, p);
    c[0] = match &a[0] {
        V::E(_) => a[0].mul(&a[0], p),
        V::N(i) => V::N(i.sq()),
    };
    c
}

fn divide(a: &Jet, b: &Jet, p: u32) -> Result<Jet, String> {
    let mut c: Jet = Vec::with_capacity(a.len());
    for k in 0..a.len() {
        let s = (1..=k).fold(a[k].clone(), |s, i| s.sub(&b[i].mul(&c[k - i], p), p));
        c.push(s.div(&b[0], p).ok_or("a denominator may be 0")?);
    }
    Ok(c)
}

/// `f` with `f' = g·a'`, given `f(a₀)` and the jet of `g`: `f_k = (1/k) Σ_{j=1..k} j a_j g_{k−j}`.
fn integrate(f0: V, a: &Jet, g: &Jet, p: u32) -> Jet {
    let mut f = vec![f0];
    for k in 1..a.len() {
        let s = (1..=k).fold(zero(), |s, j| {
            s.add(&scale(&a[j], Q::from(j as u32), p).mul(&g[k - j], p), p)
        });
        f.push(scale(&s, Q::from((1, k as u32)), p));
    }
    f
}

/// `f(v)` for a scalar, exact where the value is a known rational.
fn scalar(fun: Fun, v: &V, p: u32) -> Result<V, String> {
    if let V::E(q) = v {
        let exact = match fun {
            Fun::Exp if *q == 0 => Some(Q::from(1)),
            Fun::Ln if *q == 1 => Some(Q::new()),
            Fun::Tanh | Fun::Atan | Fun::Erf | Fun::Sin if *q == 0 => Some(Q::new()),
            Fun::Cos if *q == 0 => Some(Q::from(1)),
            Fun::Sqrt
                if *q >= 0 && q.numer().is_perfect_square() && q.denom().is_perfect_square() =>
            {
                Some(Q::from((
                    q.numer().clone().sqrt(),
                    q.denom().clone().sqrt(),
                )))
            }
            Fun::Abs => Some(Q::from(q.abs_ref())),
            _ => None,
        };
        if let Some(e) = exact {
            return Ok(V::E(e));
        }
    }
    let x = v.to_i(p);
    Ok(V::N(match fun {
        Fun::Exp => x.exp(),
        Fun::Ln => x.ln().ok_or("ln of a number that may be ≤ 0")?,
        Fun::Sqrt => x.sqrt().ok_or("sqrt of a number that may be < 0")?,
        Fun::Tanh => x.tanh(),
        Fun::Atan => x.atan(),
        Fun::Erf => x.erf(),
        Fun::Sin => x.sin(),
        Fun::Cos => x.cos(),
        Fun::Abs => x.abs(),
    }))
}

/// `v^(p/q)` (`q ≥ 2`, lowest terms): `v` must be shown positive, or non-zero for odd `q`;
/// exact when `v` is the `q`-th power of a rational.
pub fn rat_pow(v: &V, p: i32, q: u32, prec: u32) -> Result<V, String> {
    let sign = v.sign();
    if sign.is_none_or(|s| s == Ordering::Equal || (s == Ordering::Less && q.is_multiple_of(2))) {
        return Err(format!(
            "^({p}/{q}) of a number that may be {}: not shown in its domain",
            if q.is_multiple_of(2) { "≤ 0" } else { "0" }
        ));
    }
    if let V::E(a) = v {
        let (n, d) = (a.numer().clone().abs(), a.denom().clone());
        let (rn, rd) = (n.clone().root(q), d.clone().root(q));
        if rn.clone().pow(q) == n && rd.clone().pow(q) == d {
            let mut r = Q::from((rn, rd));
            if sign == Some(Ordering::Less) {
                r = -r;
            }
            let r = if p < 0 { r.recip() } else { r };
            return Ok(V::exact(r.pow(p.unsigned_abs()), prec));
        }
    }
    let root = v
        .to_i(prec)
        .root(q)
        .ok_or_else(|| format!("^({p}/{q}): no enclosure of the root"))?;
    let power = (0..p.unsigned_abs()).fold(I::from_i(prec, 1), |r, _| r.mul(&root));
    Ok(V::N(if p < 0 {
        I::from_i(prec, 1)
            .div(&power)
            .ok_or_else(|| format!("^({p}/{q}) of a number that may be 0"))?
    } else {
        power
    }))
}

/// `max(a, b)` (`larger`) or `min(a, b)` of two jets; refuses derivatives where the branches
/// may meet.
fn pick(a: Jet, b: Jet, larger: bool, p: u32) -> Result<Jet, String> {
    let want = if larger {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    match a[0].sub(&b[0], p).sign() {
        Some(s) if s == want => Ok(a),
        Some(s) if s == want.reverse() => Ok(b),
        _ if a.len() == 1 => Ok(vec![match (&a[0], &b[0]) {
            (V::E(x), V::E(y)) => V::E(if larger {
                x.clone().max(y.clone())
            } else {
                x.clone().min(y.clone())
            }),
            (x, y) => V::N(x.to_i(p).hull(&y.to_i(p))),
        }]),
        _ => Err(format!(
            "{}(…) is not smooth where its arguments meet, and they may meet here: no derivative",
            if larger { "max" } else { "min" }
        )),
    }
}

impl F {
    /// Parses a formula in `x`; the error says what is wrong and where.
    /// Texts longer than 1000 bytes, nested deeper than 64 levels, with an exponent beyond ±64
    /// or a degree above 4096 are refused, so that no certificate can make the checker recurse,
    /// loop or grow numbers without bound.
    pub fn parse(text: &str) -> Result<F, String> {
        Self::parse_in(text, false)
    }

    /// Parses a per-entry loss formula `f(yhat, y)` (prediction `yhat`, target `y`), under the
    /// limits of [`F::parse`]; evaluate it in `yhat` after [`F::bind_y`].
    pub fn parse_loss(text: &str) -> Result<F, String> {
        Self::parse_in(text, true)
    }

    /// The formula with the target `y` replaced by the number `y`.
    pub fn bind_y(&self, y: &Q) -> F {
        let b = |a: &F| Box::new(a.bind_y(y));
        match self {
            F::Y => F::Num(y.clone()),
            F::X | F::Num(_) | F::Pi => self.clone(),
            F::Neg(a) => F::Neg(b(a)),
            F::Add(a, c) => F::Add(b(a), b(c)),
            F::Sub(a, c) => F::Sub(b(a), b(c)),
            F::Mul(a, c) => F::Mul(b(a), b(c)),
            F::Div(a, c) => F::Div(b(a), b(c)),
            F::Pow(a, n) => F::Pow(b(a), *n),
            F::RatPow(a, n, d) => F::RatPow(b(a), *n, *d),
            F::Call(f, a) => F::Call(*f, b(a)),
            F::Max(a, c) => F::Max(b(a), b(c)),
            F::Min(a, c) => F::Min(b(a), b(c)),
        }
    }

    fn parse_in(text: &str, loss: bool) -> Result<F, String> {
        if text.len() > MAX_LEN {
            return Err(format!("longer than {MAX_LEN} bytes"));
        }
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
            loss,
        };
        let f = p.sum()?;
        if p.peek().is_some() {
            return p.err("unexpected text");
        }
        let degree = f.degree();
        if degree > MAX_DEGREE {
            return Err(format!(
                "degree in x up to {degree}, above the limit {MAX_DEGREE} (powers of powers multiply)"
            ));
        }
        Ok(f)
    }

    /// A bound of the formula's degree in `x`, counting a call as its argument (`exp(x^3)`: 3):
    /// `x` 1, numbers 0, sums the larger, products and quotients the sum, `a^n` `|n|` times,
    /// `a^(p/q)` `⌈|p|/q⌉` times.
    /// It bounds how fast exact values can grow, and so the cost of evaluating the formula.
    pub fn degree(&self) -> u64 {
        match self {
            F::X => 1,
            F::Num(_) | F::Pi | F::Y => 0,
            F::Neg(a) | F::Call(_, a) => a.degree(),
            F::Add(a, b) | F::Sub(a, b) | F::Max(a, b) | F::Min(a, b) => a.degree().max(b.degree()),
            F::Mul(a, b) | F::Div(a, b) => a.degree().saturating_add(b.degree()),
            F::Pow(a, n) => a.degree().saturating_mul(u64::from(n.unsigned_abs())),
            F::RatPow(a, p, q) => a
                .degree()
                .saturating_mul(u64::from(p.unsigned_abs().div_ceil(*q))),
        }
    }

    /// The jet of the formula at the jet `x` (same length), at precision `p`.
    fn jet(&self, x: &Jet, p: u32) -> Result<Jet, String> {
        let n = x.len();
        let konst = |v: V| {
            let mut j = vec![zero(); n];
            j[0] = v;
            j
        };
        Ok(match self {
            F::X => x.clone(),
            F::Num(q) => konst(V::E(q.clone())),
            F::Pi => konst(V::N(I::pi(p))),
            F::Y => return Err("the target y of a loss formula is not bound".into()),
            F::Neg(a) => a.jet(x, p)?.iter().map(|c| zero().sub(c, p)).collect(),
            F::Add(a, b) | F::Sub(a, b) => {
                let (a, b) = (a.jet(x, p)?, b.jet(x, p)?);
                let add = matches!(self, F::Add(..));
                a.iter()
                    .zip(&b)
                    .map(|(u, v)| if add { u.add(v, p) } else { u.sub(v, p) })
                    .collect()
            }
            F::Mul(a, b) => cauchy(&a.jet(x, p)?, &b.jet(x, p)?, p),
            F::Div(a, b) => divide(&a.jet(x, p)?, &b.jet(x, p)?, p)?,
            F::Pow(a, e) => {
                let a = a.jet(x, p)?;
                let r = match e.unsigned_abs() {
                    2 => square(&a, p),
                    m => (0..m).fold(konst(V::E(Q::from(1))), |r, _| cauchy(&r, &a, p)),
                };
                if *e < 0 {
                    divide(&konst(V::E(Q::from(1))), &r, p)?
                } else {
                    r
                }
            }
            F::RatPow(a, e, q) => {
                // f = a^r, r = e/q: a·f' = r·a'·f, so
                // f_k = Σ_{j=1..k} (r·j − (k − j)) a_j f_{k−j} / (k·a_0).
                let a = a.jet(x, p)?;
                let r = Q::from((*e, *q));
                let mut f = vec![rat_pow(&a[0], *e, *q, p)?];
                for k in 1..n {
                    let s = (1..=k).fold(zero(), |s, j| {
                        let c = Q::from(&r * j as u32) - (k - j) as u32;
                        s.add(&scale(&a[j], c, p).mul(&f[k - j], p), p)
                    });
                    let d = scale(&a[0], Q::from(k as u32), p);
                    f.push(s.div(&d, p).ok_or("a denominator may be 0")?);
                }
                f
            }
            F::Max(a, b) | F::Min(a, b) => {
                pick(a.jet(x, p)?, b.jet(x, p)?, matches!(self, F::Max(..)), p)?
            }
            F::Call(fun, a) => {
                let a = a.jet(x, p)?;
                let f0 = scalar(*fun, &a[0], p)?;
                match fun {
                    Fun::Abs => {
                        let neg: Jet = a.iter().map(|c| zero().sub(c, p)).collect();
                        let mut j = pick(a, neg, true, p)?;
                        j[0] = f0;
                        j
                    }
                    Fun::Sin | Fun::Cos => {
                        // s' = c·a', c' = −s·a': both built coefficient by coefficient.
                        let (mut s, mut c) = (
                            vec![scalar(Fun::Sin, &a[0], p)?],
                            vec![scalar(Fun::Cos, &a[0], p)?],
                        );
                        for k in 1..n {
                            let (ds, dc) = (1..=k).fold((zero(), zero()), |(ds, dc), j| {
                                let aj = scale(&a[j], Q::from(j as u32), p);
                                (
                                    ds.add(&aj.mul(&c[k - j], p), p),
                                    dc.sub(&aj.mul(&s[k - j], p), p),
                                )
                            });
                            s.push(scale(&ds, Q::from((1, k as u32)), p));
                            c.push(scale(&dc, Q::from((1, k as u32)), p));
                        }
                        if *fun == Fun::Sin {
                            s
                        } else {
                            c
                        }
                    }
                    Fun::Exp => {
                        // e' = e·a': e_k = (1/k) Σ j a_j e_{k−j}.
                        let mut e = vec![f0];
                        for k in 1..n {
                            let s = (1..=k).fold(zero(), |s, j| {
                                s.add(&scale(&a[j], Q::from(j as u32), p).mul(&e[k - j], p), p)
                            });
                            e.push(scale(&s, Q::from((1, k as u32)), p));
                        }
                        e
                    }
                    Fun::Ln => {
                        let recip = divide(&konst(V::E(Q::from(1))), &a, p)?;
                        integrate(f0, &a, &recip, p)
                    }
                    Fun::Sqrt => {
                        // s² = a: s_k = (a_k − Σ_{j=1..k−1} s_j s_{k−j}) / (2 s_0).
                        let mut s = vec![f0];
                        let two_s0 = scale(&s[0], Q::from(2), p);
                        for k in 1..n {
                            let t =
                                (1..k).fold(a[k].clone(), |t, j| t.sub(&s[j].mul(&s[k - j], p), p));
                            s.push(t.div(&two_s0, p).ok_or("sqrt is not differentiable at 0")?);
                        }
                        s
                    }
                    Fun::Tanh => {
                        // t' = (1 − t²)·a', built coefficient by coefficient.
                        let mut t = vec![f0];
                        let mut g = vec![V::E(Q::from(1)).sub(&square(&t, p)[0], p)];
                        for k in 1..n {
                            let s = (1..=k).fold(zero(), |s, j| {
                                s.add(&scale(&a[j], Q::from(j as u32), p).mul(&g[k - j], p), p)
                            });
                            t.push(scale(&s, Q::from((1, k as u32)), p));
                            let tt = (0..=k).fold(zero(), |s, i| s.add(&t[i].mul(&t[k - i], p), p));
                            g.push(zero().sub(&tt, p));
                        }
                        t
                    }
                    Fun::Atan => {
                        let one_plus = {
                            let mut s = square(&a, p);
                            s[0] = s[0].add(&V::E(Q::from(1)), p);
                            s
                        };
                        let g = divide(&konst(V::E(Q::from(1))), &one_plus, p)?;
                        integrate(f0, &a, &g, p)
                    }
                    Fun::Erf => {
                        // erf' = (2/√π)·e^{−a²}.
                        let minus_sq: Jet =
                            square(&a, p).iter().map(|c| zero().sub(c, p)).collect();
                        let e = F::Call(Fun::Exp, Box::new(F::X)).jet(&minus_sq, p)?;
                        let c = V::N(
                            I::from_i(p, 2)
                                .div(&I::pi(p).sqrt().expect("π > 0"))
                                .expect("√π > 0"),
                        );
                        let g: Jet = e.iter().map(|v| v.mul(&c, p)).collect();
                        integrate(f0, &a, &g, p)
                    }
                }
            }
        })
    }

    /// `h, h', …, h⁽ⁿ⁾` at `x` (`n ≤ 4`) from one jet: exact when `x` is exact and every
    /// operation stays rational, else enclosures valid for every member of `x`.
    pub fn derivatives(&self, n: usize, x: &V, p: u32) -> Result<Vec<V>, String> {
        assert!(n <= MAX_ORDER, "derivative order {n} > {MAX_ORDER}");
        let mut id = vec![zero(); n + 1];
        id[0] = x.clone();
        if n >= 1 {
            id[1] = V::E(Q::from(1));
        }
        let j = self.jet(&id, p)?;
        let mut factorial = 1u32;
        Ok(j.iter()
            .enumerate()
            .map(|(k, c)| {
                factorial *= (k as u32).max(1);
                scale(c, Q::from(factorial), p)
            })
            .collect())
    }

    /// `h⁽ᵏ⁾` at `x` (`k ≤ 4`), as [`F::derivatives`].
    pub fn derivative(&self, k: usize, x: &V, p: u32) -> Result<V, String> {
        Ok(self.derivatives(k, x, p)?.swap_remove(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qq(n: i64, d: i64) -> Q {
        Q::from((n, d))
    }

    fn exact(f: &str, k: usize, x: Q) -> Option<Q> {
        match F::parse(f).unwrap().derivative(k, &V::E(x), 128).unwrap() {
            V::E(q) => Some(q),
            V::N(_) => None,
        }
    }

    fn encl(f: &str, k: usize, x: Q) -> I {
        F::parse(f)
            .unwrap()
            .derivative(k, &V::N(I::from_q(128, &x)), 128)
            .unwrap()
            .to_i(128)
    }

    #[test]
    fn parses_and_rejects() {
        for ok in [
            "x + x^2/3",
            "1/(1+exp(-x))",
            "x*tanh(ln(1 + exp(x)))",
            "max(x, 0.01*x)",
            "x^(-2)",
            "abs(x)/2",
        ] {
            assert!(F::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "x +",
            "x^y",
            "(x",
            "x $",
            "y",
            "sinh(x)",
            "max(x)",
            "exp(x, 1)",
            "",
            "1.2.3",
        ] {
            assert!(F::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(F::parse("0.35").unwrap(), F::Num(qq(7, 20)));
        // Bounds that keep a hostile certificate from exhausting the checker.
        assert!(F::parse("x^64").is_ok() && F::parse("x^65").is_err());
        assert!(F::parse("x^(-2000000000)").is_err());
        let deep = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        assert!(F::parse(&deep(60)).is_ok() && F::parse(&deep(65)).is_err());
        assert!(F::parse(&"-".repeat(100)).is_err());
        assert!(F::parse(&format!("x{}", " + x".repeat(300))).is_err());
    }

    #[test]
    fn rational_formulas_differentiate_exactly() {
        // h = x + x²/3 + 1/(1+x): h' = 1 + 2x/3 − 1/(1+x)², h'' = 2/3 + 2/(1+x)³, h''' = −6/(1+x)⁴.
        let f = "x + x^2/3 + 1/(1 + x)";
        let x = qq(1, 2);
        assert_eq!(
            exact(f, 0, x.clone()),
            Some(qq(1, 2) + qq(1, 12) + qq(2, 3))
        );
        assert_eq!(
            exact(f, 1, x.clone()),
            Some(Q::from(1) + qq(1, 3) - qq(4, 9))
        );
        assert_eq!(exact(f, 2, x.clone()), Some(qq(2, 3) + qq(16, 27)));
        assert_eq!(exact(f, 3, x.clone()), Some(qq(-96, 81)));
        assert_eq!(exact(f, 4, x), Some(qq(24 * 32, 243)));
        assert_eq!(exact("x^(-2)", 2, Q::from(2)), Some(qq(6, 16)));
        // Transcendental functions are exact where their value is a known rational.
        assert_eq!(exact("x/(1 + exp(-x))", 0, Q::new()), Some(Q::new()));
        assert_eq!(exact("1/(1 + exp(-x))", 1, Q::new()), Some(qq(1, 4)));
        assert_eq!(exact("tanh(x)", 3, Q::new()), Some(Q::from(-2)));
        assert_eq!(exact("atan(x)", 3, Q::new()), Some(Q::from(-2)));
        assert_eq!(exact("sqrt(x)", 1, qq(9, 4)), Some(qq(1, 3)));
        assert_eq!(exact("exp(x)", 0, Q::from(1)), None);
    }

    #[test]
    fn enclosures_contain_known_derivatives() {
        // σ'(x) = σ(1−σ) at ln 3 is 3/16; here at x = 0: σ'' = 0, σ''' = −1/8, σ'''' = 0.
        let s = "1/(1 + exp(-x))";
        assert!(encl(s, 3, Q::new()).contains_q(&qq(-1, 8)));
        // erf'(0) = 2/√π, erf''(0) = 0, erf'''(0) = −4/√π.
        let e1 = encl("erf(x)", 1, Q::new());
        assert!(e1.lo_q().unwrap() > qq(112837, 100000) && e1.hi_q().unwrap() < qq(112838, 100000));
        let e3 = encl("erf(x)", 3, Q::new());
        assert!(
            e3.lo_q().unwrap() > qq(-225676, 100000) && e3.hi_q().unwrap() < qq(-225675, 100000)
        );
        // ln(1+x) at 1: derivatives 1/2, −1/4, 2/8, −6/16.
        for (k, v) in [(1, qq(1, 2)), (2, qq(-1, 4)), (3, qq(1, 4)), (4, qq(-3, 8))] {
            assert!(encl("ln(1 + x)", k, Q::from(1)).contains_q(&v), "{k}");
        }
        // tanh''(x) = −2 tanh (1 − tanh²): at atanh(1/3)... check at x = 0.5 against 3 other
        // forms: tanh = (e^{2x}−1)/(e^{2x}+1).
        let a = encl("tanh(x)", 4, qq(1, 2));
        let b = encl("(exp(2*x) - 1)/(exp(2*x) + 1)", 4, qq(1, 2));
        assert!(a.lo_q().unwrap() <= b.hi_q().unwrap() && b.lo_q().unwrap() <= a.hi_q().unwrap());
    }

    #[test]
    fn interval_arguments_enclose_every_point() {
        let f = F::parse("x*tanh(ln(1 + exp(x)))").unwrap();
        let wide = I::span(128, &qq(1, 4), &qq(3, 4));
        for k in 0..=4 {
            let all = f.derivative(k, &V::N(wide.clone()), 128).unwrap().to_i(128);
            for t in [qq(1, 4), qq(1, 3), qq(1, 2), qq(3, 4)] {
                let at = f
                    .derivative(k, &V::N(I::from_q(128, &t)), 128)
                    .unwrap()
                    .to_i(128);
                assert!(all.contains(&at), "order {k} at {t}");
            }
        }
    }

    #[test]
    fn sin_cos_and_rational_powers() {
        assert_eq!(exact("sin(x)", 3, Q::new()), Some(Q::from(-1)));
        assert_eq!(exact("cos(x)", 4, Q::new()), Some(Q::from(1)));
        assert_eq!(exact("sin(x)", 0, Q::from(1)), None);
        // x^(3/2) at 4: 8, 3, 3/8, −3/64, 9/512; x^(1/3) at −8: −2, 1/12.
        for (k, v) in [
            (0, qq(8, 1)),
            (1, qq(3, 1)),
            (2, qq(3, 8)),
            (3, qq(-3, 64)),
            (4, qq(9, 512)),
        ] {
            assert_eq!(exact("x^(3/2)", k, Q::from(4)), Some(v), "{k}");
        }
        assert_eq!(exact("x^(1/3)", 1, Q::from(-8)), Some(qq(1, 12)));
        assert_eq!(exact("x^(-1/2)", 0, qq(4, 9)), Some(qq(3, 2)));
        // In lowest terms: x^(4/2) is x², defined for negative x.
        assert_eq!(F::parse("x^(4/2)").unwrap(), F::Pow(Box::new(F::X), 2));
        assert_eq!(exact("x^(4/2)", 0, Q::from(-3)), Some(Q::from(9)));
        // Enclosures: sin on [1, 2] lies in [sin 1, 1]; cos'(1/2) = −sin(1/2) ≈ −0.47943.
        let s = F::parse("sin(x)")
            .unwrap()
            .derivative(0, &V::N(I::span(128, &qq(1, 1), &qq(2, 1))), 128)
            .unwrap()
            .to_i(128);
        assert!(s.lo_q().unwrap() > qq(84, 100) && s.hi_q().unwrap() == 1);
        let c = encl("cos(x)", 1, qq(1, 2));
        assert!(c.lo_q().unwrap() > qq(-47943, 100000) && c.hi_q().unwrap() < qq(-47942, 100000));
        // x^(3/2) and x·√x agree to order 4 at an inexact point.
        for k in 0..=4 {
            assert!(encl("x^(3/2)", k, qq(1, 3)).overlaps(&encl("x*sqrt(x)", k, qq(1, 3))));
        }
        // Fail closed outside the domain: a base that may be ≤ 0 (even q) or 0 (odd q).
        let across = V::N(I::span(64, &qq(-1, 2), &qq(1, 2)));
        for f in ["x^(3/2)", "x^(1/3)", "x^(-1/2)", "sqrt(x)", "sqrt(x - 1)"] {
            assert!(
                F::parse(f).unwrap().derivative(0, &across, 64).is_err(),
                "{f}"
            );
        }
        assert!(F::parse("x^(1/2)")
            .unwrap()
            .derivative(0, &V::E(Q::from(-4)), 64)
            .is_err());
        assert!(F::parse("x^(1/3)")
            .unwrap()
            .derivative(0, &V::E(Q::new()), 64)
            .is_err());
        // The exponent limits.
        assert!(F::parse("x^(64/64)").is_ok() && F::parse("x^(-64/63)").is_ok());
        for bad in [
            "x^(65/2)",
            "x^(1/65)",
            "x^(1/0)",
            "x^(130/2)",
            "x^(1/)",
            "x^(1/-2)",
        ] {
            assert!(F::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(F::parse("(x^64)^(63/2)").unwrap().degree(), 64 * 32);
    }

    #[test]
    fn kinks_refuse_derivatives() {
        let f = F::parse("max(x, 0) + min(exp(x) - 1, 0)").unwrap();
        let across = V::N(I::span(64, &qq(-1, 2), &qq(1, 2)));
        assert!(f.derivative(0, &across, 64).is_ok());
        assert!(f.derivative(1, &across, 64).is_err());
        assert!(F::parse("abs(x)")
            .unwrap()
            .derivative(1, &across, 64)
            .is_err());
        let right = V::N(I::span(64, &qq(1, 4), &qq(1, 2)));
        assert!(f.derivative(2, &right, 64).is_ok());
        assert!(F::parse("1/x").unwrap().derivative(0, &across, 64).is_err());
        assert!(F::parse("ln(x)")
            .unwrap()
            .derivative(0, &across, 64)
            .is_err());
    }
}
