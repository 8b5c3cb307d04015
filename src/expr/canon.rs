//! The canonical form: a sorted sum of products of atoms with exact rational coefficients.
//!
//! An atom is a parameter or a function applied to canonical arguments (`h^(k)(p)`, `exp(p)`,
//! …, and `inv(p)` = `1/p` for a sum `p`). Monomials are sorted products of atoms with non-zero
//! integer exponents; a polynomial maps monomials to non-zero coefficients in a `BTreeMap`, so
//! equal expressions have equal canonical forms and print identically, whatever order the
//! e-graph extracted them in. Exact identities are applied (`x·x⁻¹ = 1`, `exp(0) = 1`);
//! nothing else is assumed about the functions.

use super::lang::{fold_function, Math};
use crate::exact::Q;
use egg::{Id, RecExpr};
use std::collections::BTreeMap;

/// A function symbol of an atom.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Func {
    /// The `k`-th derivative of the abstract activation `h`.
    H(u32),
    /// `exp`.
    Exp,
    /// Natural logarithm.
    Ln,
    /// `tanh`.
    Tanh,
    /// `atan`.
    Atan,
    /// The error function.
    Erf,
    /// Square root.
    Sqrt,
    /// The unit step (1 for positive arguments, 0 for negative ones).
    Step,
    /// `max` of two arguments.
    Max,
    /// `min` of two arguments.
    Min,
    /// `1/p` for a sum `p` (normalised so that `p`'s first coefficient is 1).
    Inv,
    /// The constant π.
    Pi,
}

impl Func {
    /// The plain-text name.
    pub fn name(&self) -> &'static str {
        match self {
            Func::H(_) => "h",
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Tanh => "tanh",
            Func::Atan => "atan",
            Func::Erf => "erf",
            Func::Sqrt => "sqrt",
            Func::Step => "step",
            Func::Max => "max",
            Func::Min => "min",
            Func::Inv => "inv",
            Func::Pi => "pi",
        }
    }
}

/// An atom: a parameter (by index) or a function application.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    /// A parameter or symbol, by index into the names table.
    Var(u32),
    /// A function applied to canonical arguments.
    App(Func, Vec<Poly>),
}

/// A monomial: atoms with non-zero integer exponents, sorted by atom.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mono(pub Vec<(Atom, i32)>);

impl Mono {
    /// The product of two monomials.
    pub fn mul(&self, other: &Mono) -> Mono {
        let mut m: BTreeMap<Atom, i32> = self.0.iter().cloned().collect();
        for (a, e) in &other.0 {
            *m.entry(a.clone()).or_insert(0) += e;
        }
        Mono(m.into_iter().filter(|(_, e)| *e != 0).collect())
    }

    /// `self / other` when `other` divides `self` (positive exponents only), else `None`.
    pub fn divide(&self, other: &Mono) -> Option<Mono> {
        let m: BTreeMap<&Atom, i32> = self.0.iter().map(|(a, e)| (a, *e)).collect();
        for (a, e) in &other.0 {
            let have = m.get(a).copied().unwrap_or(0);
            if *e <= 0 || have < *e {
                return None;
            }
        }
        let inv = Mono(other.0.iter().map(|(a, e)| (a.clone(), -e)).collect());
        Some(self.mul(&inv))
    }

    /// Total degree (sum of exponents).
    pub fn degree(&self) -> i32 {
        self.0.iter().map(|(_, e)| e).sum()
    }
}

/// A canonical expression: a sum of monomials with non-zero rational coefficients.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Poly(pub BTreeMap<Mono, Q>);

impl Poly {
    /// The constant `c`.
    pub fn constant(c: Q) -> Poly {
        let mut m = BTreeMap::new();
        if c != 0 {
            m.insert(Mono::default(), c);
        }
        Poly(m)
    }

    /// A single atom.
    pub fn atom(a: Atom) -> Poly {
        Poly(BTreeMap::from([(Mono(vec![(a, 1)]), Q::from(1))]))
    }

    /// The parameter with index `i`.
    pub fn var(i: u32) -> Poly {
        Poly::atom(Atom::Var(i))
    }

    /// True for the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The value if the expression is a rational constant.
    pub fn as_constant(&self) -> Option<Q> {
        match self.0.len() {
            0 => Some(Q::new()),
            1 => self.0.get(&Mono::default()).cloned(),
            _ => None,
        }
    }

    /// Sum.
    pub fn add(&self, other: &Poly) -> Poly {
        let mut m = self.0.clone();
        for (k, c) in &other.0 {
            let e = m.entry(k.clone()).or_default();
            *e += c;
            if *e == 0 {
                m.remove(k);
            }
        }
        Poly(m)
    }

    /// Product.
    pub fn mul(&self, other: &Poly) -> Poly {
        let mut m: BTreeMap<Mono, Q> = BTreeMap::new();
        for (k1, c1) in &self.0 {
            for (k2, c2) in &other.0 {
                let k = k1.mul(k2);
                let e = m.entry(k).or_default();
                *e += Q::from(c1 * c2);
            }
        }
        m.retain(|_, c| *c != 0);
        Poly(m)
    }

    /// Multiplication by a rational.
    pub fn scale(&self, c: &Q) -> Poly {
        if *c == 0 {
            return Poly::default();
        }
        Poly(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), Q::from(v * c)))
                .collect(),
        )
    }

    /// Negation.
    pub fn neg(&self) -> Poly {
        self.scale(&Q::from(-1))
    }

    /// Integer power; `None` for a negative power of zero.
    pub fn pow(&self, n: i32) -> Option<Poly> {
        if n < 0 {
            let inv = self.recip()?;
            return inv.pow(-n);
        }
        let mut r = Poly::constant(Q::from(1));
        for _ in 0..n {
            r = r.mul(self);
        }
        Some(r)
    }

    /// `1/p`: exact for a single term; otherwise the atom `inv(p/c)` times `1/c`, with `c` the
    /// first coefficient of `p`. `None` for zero.
    pub fn recip(&self) -> Option<Poly> {
        if self.0.len() == 1 {
            let (k, c) = self.0.iter().next()?;
            let inv = Mono(k.0.iter().map(|(a, e)| (a.clone(), -e)).collect());
            return Some(Poly(BTreeMap::from([(inv, Q::from(1) / c.clone())])));
        }
        let c = self.0.values().next()?.clone();
        let normal = self.scale(&(Q::from(1) / c.clone()));
        Some(Poly::atom(Atom::App(Func::Inv, vec![normal])).scale(&(Q::from(1) / c)))
    }

    /// A function applied to canonical arguments, folded when the value is an exact rational.
    pub fn apply(f: Func, args: Vec<Poly>) -> Poly {
        let consts: Option<Vec<Q>> = args.iter().map(Poly::as_constant).collect();
        if let Some(cs) = consts {
            let folded = match (&f, cs.as_slice()) {
                (Func::Max, [a, b]) => Some(a.clone().max(b.clone())),
                (Func::Min, [a, b]) => Some(a.clone().min(b.clone())),
                (Func::Inv, [a]) if *a != 0 => Some(Q::from(1) / a.clone()),
                (Func::H(_) | Func::Pi, _) => None,
                (g, [a]) => fold_function(g.name(), a),
                _ => None,
            };
            if let Some(v) = folded {
                return Poly::constant(v);
            }
        }
        if f == Func::Inv {
            if let Some(r) = args[0].recip() {
                return r;
            }
        }
        Poly::atom(Atom::App(f, args))
    }

    /// Substitutes parameters (`map` returns `Some` for those to replace), inside function
    /// arguments too, and re-normalises.
    pub fn substitute(&self, map: &dyn Fn(u32) -> Option<Poly>) -> Poly {
        self.map_atoms(&|a| match a {
            Atom::Var(i) => map(*i),
            Atom::App(..) => None,
        })
    }

    /// Replaces atoms: `map` is asked first for each atom (with arguments already rewritten);
    /// atoms it leaves alone are rebuilt (and folded) from their rewritten arguments.
    pub fn map_atoms(&self, map: &dyn Fn(&Atom) -> Option<Poly>) -> Poly {
        let mut out = Poly::default();
        for (mono, c) in &self.0 {
            let mut term = Poly::constant(c.clone());
            for (atom, e) in &mono.0 {
                let rebuilt = match atom {
                    Atom::Var(_) => atom.clone(),
                    Atom::App(f, args) => {
                        Atom::App(f.clone(), args.iter().map(|p| p.map_atoms(map)).collect())
                    }
                };
                let base = match map(&rebuilt) {
                    Some(p) => p,
                    None => match rebuilt {
                        Atom::Var(_) => Poly::atom(rebuilt),
                        Atom::App(f, args) => Poly::apply(f, args),
                    },
                };
                // A negative power of a value that became zero is left as the atom (undefined).
                term = term.mul(&base.pow(*e).unwrap_or_else(|| {
                    Poly(BTreeMap::from([(
                        Mono(vec![(atom.clone(), *e)]),
                        Q::from(1),
                    )]))
                }));
            }
            out = out.add(&term);
        }
        out
    }

    /// Reduces modulo the relation `lead = repl`: every monomial divisible by `lead` is
    /// rewritten, repeatedly, until none is (terminates because the exponents of `lead`'s atoms
    /// drop). With one relation this is a normal form (a one-element Gröbner basis).
    pub fn reduce(&self, lead: &Poly, repl: &Poly) -> Result<Poly, String> {
        let (lm, lc) = match lead.0.iter().next() {
            Some((m, c)) if lead.0.len() == 1 && m.degree() > 0 => (m.clone(), c.clone()),
            _ => return Err("the left side of a relation must be a single product".into()),
        };
        let repl = repl.scale(&(Q::from(1) / lc));
        let mut p = self.clone();
        for _ in 0..10_000 {
            let hit =
                p.0.iter()
                    .find_map(|(m, c)| m.divide(&lm).map(|q| (m.clone(), c.clone(), q)));
            let Some((m, c, q)) = hit else {
                return Ok(p);
            };
            let mut rest = p.0.clone();
            rest.remove(&m);
            let q_poly = Poly(BTreeMap::from([(q, c)]));
            p = Poly(rest).add(&q_poly.mul(&repl));
        }
        Err("reduction by the relation did not terminate".into())
    }

    /// Reads an extracted expression (its root is the last node); errors on a remaining `d`
    /// or a non-integer exponent.
    pub fn from_expr(expr: &RecExpr<Math>) -> Result<Poly, String> {
        let n = expr.as_ref().len();
        Poly::from_nodes(expr, &[Id::from(n.saturating_sub(1))]).map(|mut v| v.remove(0))
    }

    /// The canonical forms of the sub-expressions rooted at `roots`.
    pub fn from_nodes(expr: &RecExpr<Math>, roots: &[Id]) -> Result<Vec<Poly>, String> {
        let nodes = expr.as_ref();
        if nodes.is_empty() {
            return Err("empty expression".into());
        }
        let mut val: Vec<Poly> = Vec::with_capacity(nodes.len());
        let konst = |val: &Vec<Poly>, i: &Id| val[usize::from(*i)].as_constant();
        for node in nodes {
            let g = |i: &Id| val[usize::from(*i)].clone();
            let p = match node {
                Math::Num(r) => Poly::constant(r.0.clone()),
                Math::Var(v) => Poly::var(v.0),
                Math::Add([a, b]) => g(a).add(&g(b)),
                Math::Mul([a, b]) => g(a).mul(&g(b)),
                Math::Neg(a) => g(a).neg(),
                Math::Pow([a, n]) => {
                    let n = konst(&val, n)
                        .filter(|n| *n.denom() == 1)
                        .and_then(|n| n.numer().to_i32())
                        .ok_or("an exponent is not an integer constant")?;
                    g(a).pow(n).ok_or("a negative power of zero")?
                }
                Math::D(_) => return Err("a derivative was not eliminated".into()),
                Math::H([k, a]) => {
                    let k = konst(&val, k)
                        .filter(|k| *k.denom() == 1 && *k >= 0)
                        .and_then(|k| k.numer().to_u32())
                        .ok_or("a derivative order is not a natural number")?;
                    Poly::apply(Func::H(k), vec![g(a)])
                }
                Math::Exp(a) => Poly::apply(Func::Exp, vec![g(a)]),
                Math::Ln(a) => Poly::apply(Func::Ln, vec![g(a)]),
                Math::Tanh(a) => Poly::apply(Func::Tanh, vec![g(a)]),
                Math::Atan(a) => Poly::apply(Func::Atan, vec![g(a)]),
                Math::Erf(a) => Poly::apply(Func::Erf, vec![g(a)]),
                Math::Sqrt(a) => Poly::apply(Func::Sqrt, vec![g(a)]),
                Math::Step(a) => Poly::apply(Func::Step, vec![g(a)]),
                Math::Max([a, b]) => Poly::apply(Func::Max, vec![g(a), g(b)]),
                Math::Min([a, b]) => Poly::apply(Func::Min, vec![g(a), g(b)]),
                Math::Pi => Poly::apply(Func::Pi, vec![]),
            };
            val.push(p);
        }
        Ok(roots.iter().map(|r| val[usize::from(*r)].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancels_and_sorts() {
        let x = Poly::var(0);
        let y = Poly::var(1);
        let a = x.add(&y).mul(&x.add(&y.neg()));
        let b = x.mul(&x).add(&y.mul(&y).neg());
        assert_eq!(a, b);
        let r = x.recip().unwrap();
        assert_eq!(r.mul(&x), Poly::constant(Q::from(1)));
    }

    #[test]
    fn reduces_by_a_relation() {
        let (u, h) = (Poly::var(0), Poly::var(1));
        let p = u.mul(&h).mul(&u).add(&Poly::constant(Q::from(1)));
        let r = p
            .reduce(&u.mul(&h), &Poly::constant(Q::from((1, 3))))
            .unwrap();
        assert_eq!(
            r,
            u.scale(&Q::from((1, 3))).add(&Poly::constant(Q::from(1)))
        );
    }

    #[test]
    fn folds_exact_function_values() {
        assert_eq!(
            Poly::apply(Func::Exp, vec![Poly::default()]),
            Poly::constant(Q::from(1))
        );
        assert_eq!(
            Poly::apply(Func::Sqrt, vec![Poly::constant(Q::from((4, 9)))]),
            Poly::constant(Q::from((2, 3)))
        );
        assert!(Poly::apply(Func::H(0), vec![Poly::default()])
            .as_constant()
            .is_none());
    }
}
