//! The canonical form: a sorted sum of products of atoms with exact rational coefficients.
//!
//! An atom is a parameter or a function applied to canonical arguments (`h^(k)(p)`, `exp(p)`,
//! …, and `inv(p)` = `1/p` for a sum `p`). Monomials are sorted products of atoms with non-zero
//! integer exponents; a polynomial maps monomials to non-zero coefficients in a `BTreeMap`, so
//! equal expressions have equal canonical forms and print identically, whatever order the
//! e-graph extracted them in. Exact identities are applied (`x·x⁻¹ = 1`, `exp(0) = 1`);
//! nothing else is assumed about the functions.

use super::lang::{fold_function, rational_pow, Math};
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
    /// `sin`.
    Sin,
    /// `cos`.
    Cos,
    /// `a^r` for a rational `r` that is not an integer (`r` is the payload).
    Pow(Q),
    /// `arccos`.
    Acos,
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
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Pow(_) => "pow",
            Func::Acos => "acos",
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
        let sorted = |m: &Mono| m.0.windows(2).all(|w| w[0].0 < w[1].0);
        if sorted(self) && sorted(other) {
            // Both sorted (as every monomial built here is): merge them.
            let (a, b) = (&self.0, &other.0);
            let mut out = Vec::with_capacity(a.len() + b.len());
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                match a[i].0.cmp(&b[j].0) {
                    std::cmp::Ordering::Less => {
                        out.push(a[i].clone());
                        i += 1;
                    }
                    std::cmp::Ordering::Greater => {
                        out.push(b[j].clone());
                        j += 1;
                    }
                    std::cmp::Ordering::Equal => {
                        let e = a[i].1 + b[j].1;
                        if e != 0 {
                            out.push((a[i].0.clone(), e));
                        }
                        i += 1;
                        j += 1;
                    }
                }
            }
            out.extend(a[i..].iter().cloned());
            out.extend(b[j..].iter().cloned());
            return Mono(out);
        }
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

/// Most terms of one canonical expression built by [`Poly::from_nodes`], a substitution or a
/// reduction: expanding products of sums can grow without bound (`(a+b+c)^64` has 2145 terms,
/// `((a+b+c)^64)^64` millions), so every expansion checks its size before it is done.
pub const MAX_TERMS: usize = 100_000;

/// Most term-by-term products (`terms(a) × terms(b)` summed over the multiplications) of one
/// canonical form, substitution or reduction: bounds the work of expanding powers of sums.
pub const MAX_PRODUCTS: usize = 2_000_000;

/// Most bits of one canonical expression (its coefficients' numerators and denominators, 64
/// per atom, and its function arguments): about 4 MB.
pub const MAX_BITS: u64 = 1 << 25;

/// Most bits (numerator plus denominator) of one coefficient: about 315 000 digits, far more
/// than any exact input produces, and far less than a tower of powers of a constant can
/// (`((3^64)^64)^64)^64` has 26 million bits).
pub const MAX_COEF_BITS: u64 = 1 << 20;

/// Most bits of all the expressions one [`Poly::from_nodes`] holds at once: about 128 MB.
pub const MAX_TOTAL_BITS: u64 = 1 << 30;

/// An error for an expression that would exceed the bounds above.
fn too_large(what: &str) -> String {
    format!(
        "the canonical form grows too large to expand ({what}; limits: {MAX_TERMS} terms, {} MB per expression)",
        MAX_BITS >> 23
    )
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

    /// The size of the expression in bits, as the bounds count it: every coefficient's
    /// numerator and denominator, 64 bits per term and per atom, and the atoms' arguments.
    pub fn bits(&self) -> u64 {
        self.0
            .iter()
            .map(|(m, c)| {
                let atoms: u64 =
                    m.0.iter()
                        .map(|(a, _)| {
                            64 + match a {
                                Atom::Var(_) => 0,
                                Atom::App(_, args) => args.iter().map(Poly::bits).sum(),
                            }
                        })
                        .sum();
                64 + u64::from(c.numer().significant_bits())
                    + u64::from(c.denom().significant_bits())
                    + atoms
            })
            .sum()
    }

    /// [`Poly::mul`] within the bounds ([`MAX_PRODUCTS`], [`MAX_TERMS`], [`MAX_BITS`]),
    /// checked before the product is formed.
    pub fn checked_mul(&self, other: &Poly) -> Result<Poly, String> {
        let mut budget = MAX_PRODUCTS;
        self.mul_within(other, &mut budget)
    }

    /// [`Poly::checked_mul`], drawing the term products from `budget` (shared by the
    /// operations of one computation, so that many moderate products are bounded together).
    pub fn mul_within(&self, other: &Poly, budget: &mut usize) -> Result<Poly, String> {
        let (n1, n2) = (self.0.len(), other.0.len());
        let products = n1.saturating_mul(n2);
        if products > *budget {
            return Err(too_large(&format!(
                "a product of a {n1}-term and a {n2}-term expression, past {MAX_PRODUCTS} term products in all"
            )));
        }
        *budget -= products;
        let estimate = self
            .bits()
            .saturating_mul(n2 as u64)
            .saturating_add(other.bits().saturating_mul(n1 as u64));
        if estimate > MAX_BITS.saturating_mul(2) {
            return Err(too_large(&format!(
                "a product of about {} MB",
                estimate >> 23
            )));
        }
        let p = self.mul(other);
        p.check()?;
        Ok(p)
    }

    /// [`Poly::add`] within the bounds.
    pub fn checked_add(&self, other: &Poly) -> Result<Poly, String> {
        let p = self.add(other);
        p.check()?;
        Ok(p)
    }

    /// [`Poly::pow`] within the bounds (`Ok(None)` for a negative power of zero), one checked
    /// multiplication at a time.
    pub fn checked_pow(&self, n: i32) -> Result<Option<Poly>, String> {
        let mut budget = MAX_PRODUCTS;
        self.pow_within(n, &mut budget)
    }

    /// [`Poly::checked_pow`] drawing from `budget` (see [`Poly::mul_within`]).
    pub fn pow_within(&self, n: i32, budget: &mut usize) -> Result<Option<Poly>, String> {
        if n < 0 {
            let Some(inv) = self.recip() else {
                return Ok(None);
            };
            return inv.pow_within(
                n.checked_neg().ok_or_else(|| too_large("an exponent"))?,
                budget,
            );
        }
        let mut r = Poly::constant(Q::from(1));
        for _ in 0..n {
            r = r.mul_within(self, budget)?;
        }
        Ok(Some(r))
    }

    /// Checks the bounds on a finished expression.
    fn check(&self) -> Result<(), String> {
        if self.0.len() > MAX_TERMS {
            return Err(too_large(&format!("{} terms", self.0.len())));
        }
        let widest = self
            .0
            .values()
            .map(|c| {
                u64::from(c.numer().significant_bits()) + u64::from(c.denom().significant_bits())
            })
            .max()
            .unwrap_or(0);
        if widest > MAX_COEF_BITS {
            return Err(too_large(&format!(
                "a coefficient of {widest} bits, above {MAX_COEF_BITS}"
            )));
        }
        let bits = self.bits();
        if bits > MAX_BITS {
            return Err(too_large(&format!("about {} MB", bits >> 23)));
        }
        Ok(())
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
                (Func::Pow(r), [a]) => rational_pow(a, r),
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
        self.map_atoms_with(map, None)
            .expect("an unbounded substitution cannot fail")
    }

    /// [`Poly::map_atoms`] within the bounds of [`Poly::checked_mul`]: an error instead of an
    /// expansion past them (substituting long rationals into high powers, or sums into
    /// products).
    pub fn try_map_atoms(&self, map: &dyn Fn(&Atom) -> Option<Poly>) -> Result<Poly, String> {
        let mut budget = MAX_PRODUCTS;
        self.map_atoms_with(map, Some(&mut budget))
    }

    /// [`Poly::substitute`] within the bounds.
    pub fn try_substitute(&self, map: &dyn Fn(u32) -> Option<Poly>) -> Result<Poly, String> {
        self.try_map_atoms(&|a| match a {
            Atom::Var(i) => map(*i),
            Atom::App(..) => None,
        })
    }

    /// [`Poly::map_atoms`], within the bounds when `budget` is given.
    fn map_atoms_with(
        &self,
        map: &dyn Fn(&Atom) -> Option<Poly>,
        mut budget: Option<&mut usize>,
    ) -> Result<Poly, String> {
        let mut out = Poly::default();
        for (mono, c) in &self.0 {
            let mut term = Poly::constant(c.clone());
            for (atom, e) in &mono.0 {
                let rebuilt = match atom {
                    Atom::Var(_) => atom.clone(),
                    Atom::App(f, args) => {
                        let mut new = Vec::with_capacity(args.len());
                        for p in args {
                            new.push(p.map_atoms_with(map, budget.as_deref_mut())?);
                        }
                        Atom::App(f.clone(), new)
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
                let power = match budget.as_deref_mut() {
                    Some(b) => base.pow_within(*e, b)?,
                    None => base.pow(*e),
                };
                let power = power.unwrap_or_else(|| {
                    Poly(BTreeMap::from([(
                        Mono(vec![(atom.clone(), *e)]),
                        Q::from(1),
                    )]))
                });
                term = match budget.as_deref_mut() {
                    Some(b) => term.mul_within(&power, b)?,
                    None => term.mul(&power),
                };
            }
            out = match budget {
                Some(_) => out.checked_add(&term)?,
                None => out.add(&term),
            };
        }
        Ok(out)
    }

    /// Reduces modulo the relation `lead = repl`: every monomial divisible by `lead` is
    /// rewritten, repeatedly, until none is (terminates because the exponents of `lead`'s atoms
    /// drop). With one relation this is a normal form (a one-element Gröbner basis), so the
    /// divisible monomials are rewritten all at once in each round, within the bounds of
    /// [`Poly::checked_mul`].
    pub fn reduce(&self, lead: &Poly, repl: &Poly) -> Result<Poly, String> {
        let (lm, lc) = match lead.0.iter().next() {
            Some((m, c)) if lead.0.len() == 1 && m.degree() > 0 => (m.clone(), c.clone()),
            _ => return Err("the left side of a relation must be a single product".into()),
        };
        let repl = repl.scale(&(Q::from(1) / lc));
        let mut p = self.clone();
        let mut budget = MAX_PRODUCTS;
        for _ in 0..10_000 {
            let mut rest = Poly::default();
            let mut quotients = Poly::default();
            for (m, c) in &p.0 {
                match m.divide(&lm) {
                    Some(q) => {
                        quotients.0.insert(q, c.clone());
                    }
                    None => {
                        rest.0.insert(m.clone(), c.clone());
                    }
                }
            }
            if quotients.is_zero() {
                return Ok(p);
            }
            p = rest.checked_add(&quotients.mul_within(&repl, &mut budget)?)?;
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
        let mut total: u64 = 0;
        let mut budget = MAX_PRODUCTS;
        let konst = |val: &Vec<Poly>, i: &Id| val[usize::from(*i)].as_constant();
        for node in nodes {
            let v = |i: &Id| &val[usize::from(*i)];
            let g = |i: &Id| val[usize::from(*i)].clone();
            let p = match node {
                Math::Num(r) => Poly::constant(r.0.clone()),
                Math::Var(v) => Poly::var(v.0),
                Math::Add([a, b]) => v(a).checked_add(v(b))?,
                Math::Mul([a, b]) => v(a).mul_within(v(b), &mut budget)?,
                Math::Neg(a) => v(a).neg(),
                Math::Pow([a, n]) => {
                    let n = konst(&val, n).ok_or("an exponent is not a rational constant")?;
                    if *n.denom() == 1 {
                        let n = n.numer().to_i32().ok_or("an exponent is too large")?;
                        v(a).pow_within(n, &mut budget)?
                            .ok_or("a negative power of zero")?
                    } else {
                        Poly::apply(Func::Pow(n), vec![g(a)])
                    }
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
                Math::Acos(a) => Poly::apply(Func::Acos, vec![g(a)]),
                Math::Erf(a) => Poly::apply(Func::Erf, vec![g(a)]),
                Math::Sqrt(a) => Poly::apply(Func::Sqrt, vec![g(a)]),
                Math::Step(a) => Poly::apply(Func::Step, vec![g(a)]),
                Math::Max([a, b]) => Poly::apply(Func::Max, vec![g(a), g(b)]),
                Math::Min([a, b]) => Poly::apply(Func::Min, vec![g(a), g(b)]),
                Math::Pi => Poly::apply(Func::Pi, vec![]),
                Math::Sin(a) => Poly::apply(Func::Sin, vec![g(a)]),
                Math::Cos(a) => Poly::apply(Func::Cos, vec![g(a)]),
            };
            total = total.saturating_add(p.bits());
            if total > MAX_TOTAL_BITS {
                return Err(too_large(&format!(
                    "the sub-expressions together exceed {} MB",
                    MAX_TOTAL_BITS >> 23
                )));
            }
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
