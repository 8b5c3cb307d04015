//! A small formula syntax for activations (`x + x^2/3`, `1/(1+exp(-x))`) and for relations
//! between symbols (`u2*h(v2) = 1/3 - u1*h(v1)`).
//!
//! Grammar: the checker's ([`crate::cert::formula`]) — sums and differences of products and
//! quotients of powers (`a^n`, `a^(n)`, `a^(p/q)`) of numbers (exact decimals), names (`x`,
//! `v1`, `W1[1,2]`, `pi`), calls `exp ln log sqrt sin cos tanh atan arctan erf abs max min`,
//! and parenthesised formulas — plus `step` and the abstract `h`, `h'`, `h''` for relations.

use super::derive::Builder;
use super::lang::Math;
use crate::cert::formula::{MAX_DEGREE, MAX_DEPTH, MAX_EXPONENT, MAX_LEN};
use crate::exact::{parse_rational, Q};
use egg::Id;

/// A parsed formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// An exact number.
    Num(Q),
    /// A name.
    Name(String),
    /// `−a`.
    Neg(Box<Formula>),
    /// `a + b`.
    Add(Box<Formula>, Box<Formula>),
    /// `a − b`.
    Sub(Box<Formula>, Box<Formula>),
    /// `a · b`.
    Mul(Box<Formula>, Box<Formula>),
    /// `a / b`.
    Div(Box<Formula>, Box<Formula>),
    /// `a^n`.
    Pow(Box<Formula>, i32),
    /// `a^(p/q)` in lowest terms, `q ≥ 2`.
    RatPow(Box<Formula>, i32, u32),
    /// A function call; `h` carries its derivative order as the number of primes.
    Call(String, u32, Vec<Formula>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at character {}", self.i + 1))
    }
    /// The ASCII digits at the cursor.
    fn digits(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn sum(&mut self) -> Result<Formula, String> {
        let mut a = self.product()?;
        loop {
            if self.eat(b'+') {
                a = Formula::Add(Box::new(a), Box::new(self.product()?));
            } else if self.eat(b'-') {
                a = Formula::Sub(Box::new(a), Box::new(self.product()?));
            } else {
                return Ok(a);
            }
        }
    }
    fn product(&mut self) -> Result<Formula, String> {
        let mut a = self.unary()?;
        loop {
            if self.eat(b'*') {
                a = Formula::Mul(Box::new(a), Box::new(self.unary()?));
            } else if self.eat(b'/') {
                a = Formula::Div(Box::new(a), Box::new(self.unary()?));
            } else {
                return Ok(a);
            }
        }
    }
    fn unary(&mut self) -> Result<Formula, String> {
        // Every nesting level passes through here: bounding it bounds the recursion.
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(&format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let f = self.signed_power();
        self.depth -= 1;
        f
    }
    fn signed_power(&mut self) -> Result<Formula, String> {
        if self.eat(b'-') {
            return Ok(Formula::Neg(Box::new(self.unary()?)));
        }
        let base = self.atom()?;
        if self.eat(b'^') {
            let paren = self.eat(b'(');
            let negative = self.eat(b'-');
            self.ws();
            let Ok(n) = self.digits().parse::<i32>() else {
                return self.err("expected an integer exponent");
            };
            let mut d = 1;
            if paren && self.eat(b'/') {
                self.ws();
                let Ok(t) = self.digits().parse::<i32>() else {
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
            // In lowest terms, as the checker reads it.
            let r = Q::from((if negative { -n } else { n }, d));
            let (p, q) = (r.numer().to_i32(), r.denom().to_u32());
            let (Some(p), Some(q)) = (p, q) else {
                return self.err("exponent out of range");
            };
            return Ok(if q == 1 {
                Formula::Pow(Box::new(base), p)
            } else {
                Formula::RatPow(Box::new(base), p, q)
            });
        }
        Ok(base)
    }
    fn atom(&mut self) -> Result<Formula, String> {
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
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.')
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                parse_rational(t).map(Formula::Num)
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
                {
                    self.i += 1;
                }
                if self.i < self.s.len() && self.s[self.i] == b'[' {
                    while self.i < self.s.len() && self.s[self.i] != b']' {
                        self.i += 1;
                    }
                    if self.i == self.s.len() {
                        return self.err("expected ']'");
                    }
                    self.i += 1;
                }
                let name: String = std::str::from_utf8(&self.s[start..self.i])
                    .unwrap_or("")
                    .into();
                let mut primes = 0;
                while self.i < self.s.len() && self.s[self.i] == b'\'' {
                    primes += 1;
                    self.i += 1;
                }
                if self.eat(b'(') {
                    let mut args = vec![self.sum()?];
                    while self.eat(b',') {
                        args.push(self.sum()?);
                    }
                    if !self.eat(b')') {
                        return self.err("expected ')'");
                    }
                    if primes > 0 && name != "h" {
                        return self.err("only h takes primes");
                    }
                    Ok(Formula::Call(name, primes, args))
                } else if primes > 0 {
                    self.err("expected '(' after h'")
                } else {
                    Ok(Formula::Name(name))
                }
            }
            Some(_) => self.err("unexpected character"),
            None => self.err("unexpected end"),
        }
    }
}

impl Formula {
    /// Parses a formula; the error says what is wrong and where. The limits are the checker's
    /// ([`crate::cert::formula`]): at most 1000 bytes, 64 levels of nesting, exponents within
    /// ±64 and degree 4096, so that no formula can make a derivation recurse or grow without
    /// bound.
    pub fn parse(text: &str) -> Result<Formula, String> {
        if text.len() > MAX_LEN {
            return Err(format!("longer than {MAX_LEN} bytes"));
        }
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        let f = p.sum()?;
        if p.peek().is_some() {
            return p.err("unexpected text");
        }
        let degree = f.degree();
        if degree > MAX_DEGREE {
            return Err(format!(
                "degree up to {degree}, above the limit {MAX_DEGREE} (powers of powers multiply)"
            ));
        }
        Ok(f)
    }

    /// A bound of the degree, as the checker's [`crate::cert::formula::F::degree`]: every name
    /// counts 1 (`pi` 0), a call counts as its arguments.
    pub fn degree(&self) -> u64 {
        match self {
            Formula::Num(_) => 0,
            Formula::Name(n) => u64::from(n != "pi"),
            Formula::Neg(a) => a.degree(),
            Formula::Add(a, b) | Formula::Sub(a, b) => a.degree().max(b.degree()),
            Formula::Mul(a, b) | Formula::Div(a, b) => a.degree().saturating_add(b.degree()),
            Formula::Pow(a, n) => a.degree().saturating_mul(u64::from(n.unsigned_abs())),
            Formula::RatPow(a, p, q) => a
                .degree()
                .saturating_mul(u64::from(p.unsigned_abs().div_ceil(*q))),
            Formula::Call(_, _, args) => args.iter().map(Formula::degree).max().unwrap_or(0),
        }
    }

    /// The names used (not counting `pi`), in order of first use.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Formula::Num(_) => {}
            Formula::Name(n) if n == "pi" => {}
            Formula::Name(n) => {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
            Formula::Neg(a) | Formula::Pow(a, _) | Formula::RatPow(a, _, _) => a.collect(out),
            Formula::Add(a, b) | Formula::Sub(a, b) | Formula::Mul(a, b) | Formula::Div(a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Formula::Call(_, _, args) => args.iter().for_each(|a| a.collect(out)),
        }
    }

    /// Adds the formula to `b`, with each name replaced by `resolve(name)`.
    pub fn emit(
        &self,
        b: &mut Builder,
        resolve: &dyn Fn(&mut Builder, &str) -> Result<Id, String>,
    ) -> Result<Id, String> {
        Ok(match self {
            Formula::Num(q) => b.num(q.clone()),
            Formula::Name(n) if n == "pi" => b.node(Math::Pi),
            Formula::Name(n) => resolve(b, n)?,
            Formula::Neg(a) => {
                let a = a.emit(b, resolve)?;
                b.neg(a)
            }
            Formula::Add(x, y) | Formula::Sub(x, y) | Formula::Mul(x, y) | Formula::Div(x, y) => {
                let l = x.emit(b, resolve)?;
                let r = y.emit(b, resolve)?;
                match self {
                    Formula::Add(..) => b.add(l, r),
                    Formula::Sub(..) => {
                        let r = b.neg(r);
                        b.add(l, r)
                    }
                    Formula::Mul(..) => b.mul(l, r),
                    _ => {
                        let r = b.pow(r, -1);
                        b.mul(l, r)
                    }
                }
            }
            Formula::Pow(a, n) => {
                let a = a.emit(b, resolve)?;
                b.pow(a, *n)
            }
            Formula::RatPow(a, p, q) => {
                let a = a.emit(b, resolve)?;
                let r = b.num(Q::from((*p, *q)));
                b.node(Math::Pow([a, r]))
            }
            Formula::Call(name, k, args) => {
                let ids = args
                    .iter()
                    .map(|a| a.emit(b, resolve))
                    .collect::<Result<Vec<_>, _>>()?;
                let one = |ids: &[Id]| -> Result<Id, String> {
                    match ids {
                        [a] => Ok(*a),
                        _ => Err(format!("{name} takes one argument")),
                    }
                };
                let two = |ids: &[Id]| -> Result<[Id; 2], String> {
                    match ids {
                        [a, c] => Ok([*a, *c]),
                        _ => Err(format!("{name} takes two arguments")),
                    }
                };
                match name.as_str() {
                    "h" => b.h(*k, one(&ids)?),
                    "exp" => b.node(Math::Exp(one(&ids)?)),
                    "ln" | "log" => b.node(Math::Ln(one(&ids)?)),
                    "tanh" => b.node(Math::Tanh(one(&ids)?)),
                    "atan" | "arctan" => b.node(Math::Atan(one(&ids)?)),
                    "erf" => b.node(Math::Erf(one(&ids)?)),
                    "sqrt" => b.node(Math::Sqrt(one(&ids)?)),
                    "sin" => b.node(Math::Sin(one(&ids)?)),
                    "cos" => b.node(Math::Cos(one(&ids)?)),
                    "abs" => {
                        let a = one(&ids)?;
                        let minus = b.neg(a);
                        b.node(Math::Max([a, minus]))
                    }
                    "step" => b.node(Math::Step(one(&ids)?)),
                    "max" => b.node(Math::Max(two(&ids)?)),
                    "min" => b.node(Math::Min(two(&ids)?)),
                    other => return Err(format!("unknown function '{other}'")),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert!(Formula::parse("x + x^2/3").is_ok());
        assert!(Formula::parse("1/(1+exp(-x))").is_ok());
        assert!(Formula::parse("u2*h'(v2) - W1[1,2]^(-2)").is_ok());
        for bad in [
            "x +", "x^y", "(x", "x $", "f'(x)", "", "x^(1/65)", "x^(65/2)", "x^(1/0)",
        ] {
            assert!(Formula::parse(bad).is_err(), "{bad}");
        }
        // Rational exponents in lowest terms, as the checker reads them.
        let x = || Box::new(Formula::Name("x".into()));
        assert_eq!(
            Formula::parse("x^(6/4)").unwrap(),
            Formula::RatPow(x(), 3, 2)
        );
        assert_eq!(Formula::parse("x^(4/2)").unwrap(), Formula::Pow(x(), 2));
        assert_eq!(
            Formula::parse("sin(x)^(-1/3)").unwrap().degree(),
            Formula::parse("x").unwrap().degree()
        );
        assert_eq!(
            Formula::parse("a - b").unwrap().names(),
            vec!["a".to_string(), "b".to_string()]
        );
    }

    #[test]
    fn sin_cos_and_rational_powers_differentiate() {
        use crate::expr::{derive, print, Limits, Names};
        let f = Formula::parse("sin(x) + x^(3/2) - cos(2*x)").unwrap();
        let mut names = Names::default();
        let x = names.intern("x");
        let mut b = Builder::default();
        let root = f.emit(&mut b, &|b, _| Ok(b.var(x))).unwrap();
        let d = derive(&b.expr, root, &[x], true, &Limits::default()).unwrap();
        let hessian = d.hessian.unwrap();
        let text = |p| print::text(p, &names);
        // h' = cos x + (3/2)x^(1/2) + 2 sin 2x, h'' = −sin x + (3/4)x^(−1/2) + 4 cos 2x.
        assert_eq!(text(&d.gradient[0]), "2*sin(2*x) + cos(x) + 3/2*(x)^(1/2)");
        assert_eq!(
            text(&hessian[0][0]),
            "-sin(x) + 4*cos(2*x) + 3/4*(x)^(-1/2)"
        );
        // Exact values fold where they are rational: 4^(3/2) = 8, sin 0 = 0, cos 0 = 1.
        assert_eq!(
            crate::expr::lang::rational_pow(&Q::from(4), &Q::from((3, 2))),
            Some(Q::from(8))
        );
        assert_eq!(
            crate::expr::lang::rational_pow(&Q::from(-8), &Q::from((1, 3))),
            Some(Q::from(-2))
        );
        assert_eq!(
            crate::expr::lang::rational_pow(&Q::from(-4), &Q::from((1, 2))),
            None
        );
        assert_eq!(
            crate::expr::lang::rational_pow(&Q::from(2), &Q::from((1, 2))),
            None
        );
    }
}
