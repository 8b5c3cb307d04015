//! Printers for canonical expressions: plain text (also parseable by the activation-formula
//! syntax, and by SymPy after renaming `W1[i,j]` and `h'`), LaTeX, and an operation count in
//! the style of SymPy's `count_ops`.

use super::canon::{Atom, Func, Mono, Poly};
use super::names::Names;
use crate::exact::Q;

/// Plain text: `1/3*u1*h'(v1)^2 - b2 + ...`, terms in canonical order.
pub fn text(p: &Poly, names: &Names) -> String {
    sum(p, names, false)
}

/// LaTeX: `\frac{1}{3} u_{1} h'(v_{1})^{2} - b^{(2)}_{1} + …`.
pub fn latex(p: &Poly, names: &Names) -> String {
    sum(p, names, true)
}

fn sum(p: &Poly, names: &Names, tex: bool) -> String {
    if p.is_zero() {
        return "0".into();
    }
    let mut out = String::new();
    for (i, (m, c)) in p.0.iter().enumerate() {
        let negative = *c < 0;
        let abs = Q::from(c.abs_ref());
        match (i, negative) {
            (0, true) => out.push('-'),
            (0, false) => {}
            (_, true) => out.push_str(" - "),
            (_, false) => out.push_str(" + "),
        }
        out.push_str(&term(&abs, m, names, tex));
    }
    out
}

fn coefficient(c: &Q, tex: bool) -> String {
    if tex && *c.denom() != 1 {
        format!(r"\frac{{{}}}{{{}}}", c.numer(), c.denom())
    } else {
        c.to_string()
    }
}

fn term(c: &Q, m: &Mono, names: &Names, tex: bool) -> String {
    if m.0.is_empty() {
        return coefficient(c, tex);
    }
    let mut parts = Vec::new();
    if *c != 1 {
        parts.push(coefficient(c, tex));
    }
    for (a, e) in &m.0 {
        parts.push(factor(a, *e, names, tex));
    }
    parts.join(if tex { " " } else { "*" })
}

fn factor(a: &Atom, e: i32, names: &Names, tex: bool) -> String {
    let (base, e) = match a {
        Atom::App(Func::Inv, args) => (format!("({})", sum(&args[0], names, tex)), -e),
        _ => (atom(a, names, tex), e),
    };
    match (e, tex) {
        (1, _) => base,
        (_, true) => format!("{base}^{{{e}}}"),
        (_, false) if e < 0 => format!("{base}^({e})"),
        (_, false) => format!("{base}^{e}"),
    }
}

fn atom(a: &Atom, names: &Names, tex: bool) -> String {
    match a {
        Atom::Var(i) if tex => names.latex(*i),
        Atom::Var(i) => names.name(*i).to_string(),
        Atom::App(f, args) => {
            let inner: Vec<String> = args.iter().map(|p| sum(p, names, tex)).collect();
            let inner = inner.join(", ");
            let head = match (f, tex) {
                (Func::Pi, true) => return r"\pi".into(),
                (Func::Pi, false) => return "pi".into(),
                (Func::H(0), _) => "h".to_string(),
                (Func::H(k), _) if *k <= 3 => format!("h{}", "'".repeat(*k as usize)),
                (Func::H(k), true) => format!("h^{{({k})}}"),
                (Func::H(k), false) => format!("h^({k})"),
                (Func::Sqrt, true) => return format!(r"\sqrt{{{inner}}}"),
                (Func::Exp, true) => return format!(r"e^{{{inner}}}"),
                (Func::Pow(r), true) => return format!(r"\left({inner}\right)^{{{r}}}"),
                (Func::Pow(r), false) => return format!("({inner})^({r})"),
                (Func::Ln | Func::Tanh | Func::Sin | Func::Cos, true) => format!(r"\{}", f.name()),
                (Func::Atan, true) => r"\arctan".into(),
                (Func::Acos, true) => r"\arccos".into(),
                (Func::Max | Func::Min, true) => format!(r"\{}", f.name()),
                (Func::Erf | Func::Step, true) => format!(r"\operatorname{{{}}}", f.name()),
                (_, _) => f.name().to_string(),
            };
            if tex {
                format!(r"{head}\left({inner}\right)")
            } else {
                format!("{head}({inner})")
            }
        }
    }
}

/// Operation count in the style of SymPy's `count_ops`: one per binary `+`/`−`/`·`, per
/// coefficient other than ±1, per power other than 1, per function application, plus the
/// operations inside function arguments.
pub fn count_ops(p: &Poly) -> usize {
    if p.is_zero() {
        return 0;
    }
    let mut n = p.0.len() - 1;
    for (m, c) in &p.0 {
        if m.0.is_empty() {
            continue;
        }
        n += m.0.len() - 1 + usize::from(*c != 1 && *c != -1);
        for (a, e) in &m.0 {
            n += usize::from(*e != 1);
            if let Atom::App(f, args) = a {
                n += usize::from(*f != Func::Inv && *f != Func::Pi) + args.len().saturating_sub(1);
                n += args.iter().map(count_ops).sum::<usize>();
            }
        }
    }
    n
}

/// [`count_ops`] of the expression made of the atom `a` alone.
fn atom_ops(a: &Atom) -> usize {
    match a {
        Atom::Var(_) => 0,
        Atom::App(f, args) => {
            usize::from(*f != Func::Inv && *f != Func::Pi)
                + args.len().saturating_sub(1)
                + args.iter().map(count_ops).sum::<usize>()
        }
    }
}

/// A factored rendering of a canonical expression (Horner style): repeatedly pull out of the
/// terms the shared atom power that saves the most operations. It is a deterministic function of the
/// canonical form, so it is as reproducible; it is shorter to read and to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Factored {
    /// A sum of products that is not factored further.
    Leaf(Poly),
    /// `atom^exp · inner + rest`.
    Split {
        /// A positive rational pulled out of the cofactor's coefficients (their content).
        coef: Q,
        /// The pulled-out atom.
        atom: Atom,
        /// Its exponent.
        exp: i32,
        /// The cofactor.
        inner: Box<Factored>,
        /// The terms without the atom.
        rest: Box<Factored>,
    },
}

/// Factors `p` (see [`Factored`]): the shorter of two greedy choices (pull out the atom power
/// saving the most operations, or the one shared by the most terms), ties to the first.
pub fn factor_out(p: &Poly) -> Factored {
    let a = factor_with(p, true);
    let b = factor_with(p, false);
    if b.count_ops() < a.count_ops() {
        b
    } else {
        a
    }
}

/// One step of the chain `atom^exp · inner + rest`: the coefficient, atom, exponent and the
/// (already factored) cofactor.
type Step = (Q, Atom, i32, Factored);

/// The greedy factorisation of [`factor_out`]. At each step the atom power to pull out is the
/// one with the largest saving among the atoms in at least two remaining terms (ties: the
/// smaller atom); its terms become the cofactor (factored recursively) and the other terms are
/// factored the same way. The counts of the remaining terms are kept up to date as terms are
/// split off (rather than recounted at each step, which made long sums quadratic in work on
/// deep atom comparisons), with the atoms numbered once in their order.
fn factor_with(p: &Poly, by_saving: bool) -> Factored {
    if p.0.len() < 2 {
        return Factored::Leaf(p.clone());
    }
    let terms: Vec<(&Mono, &Q)> = p.0.iter().collect();
    // The atoms with a positive exponent somewhere, numbered in atom order.
    let atoms: Vec<&Atom> = terms
        .iter()
        .flat_map(|(m, _)| m.0.iter().filter(|(_, e)| *e > 0).map(|(a, _)| a))
        .collect::<std::collections::BTreeSet<&Atom>>()
        .into_iter()
        .collect();
    let index: std::collections::BTreeMap<&Atom, usize> =
        atoms.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    let ops: Vec<usize> = if by_saving {
        atoms.iter().map(|a| atom_ops(a)).collect()
    } else {
        vec![0; atoms.len()]
    };
    // Per term: its atoms with positive exponents (by number); per atom: its terms and the
    // multiset of their exponents.
    let term_atoms: Vec<Vec<(usize, i32)>> = terms
        .iter()
        .map(|(m, _)| {
            m.0.iter()
                .filter(|(_, e)| *e > 0)
                .map(|(a, e)| (index[a], *e))
                .collect()
        })
        .collect();
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); atoms.len()];
    let mut exps: Vec<std::collections::BTreeMap<i32, usize>> =
        vec![Default::default(); atoms.len()];
    for (t, list) in term_atoms.iter().enumerate() {
        for &(a, e) in list {
            holders[a].push(t);
            *exps[a].entry(e).or_insert(0) += 1;
        }
    }
    let mut alive = vec![true; terms.len()];
    let mut left = terms.len();
    let mut steps: Vec<Step> = Vec::new();
    loop {
        if left < 2 {
            break;
        }
        let mut best: Option<(usize, usize, i32)> = None;
        for (a, e) in exps.iter().enumerate() {
            let n: usize = e.values().sum();
            if n < 2 {
                continue;
            }
            let min = *e.keys().next().expect("n ≥ 2");
            let saving = if by_saving {
                (n - 1) * (ops[a] + usize::from(min != 1) + 1)
            } else {
                n
            };
            if best.is_none_or(|(b, _, _)| saving > b) {
                best = Some((saving, a, min));
            }
        }
        let Some((_, a, exp)) = best else {
            break;
        };
        let atom = atoms[a];
        let unit = Mono(vec![(atom.clone(), exp)]);
        let mut inner = Poly::default();
        for &t in &holders[a] {
            if !alive[t] {
                continue;
            }
            alive[t] = false;
            left -= 1;
            for &(b, e) in &term_atoms[t] {
                let c = exps[b].get_mut(&e).expect("counted");
                *c -= 1;
                if *c == 0 {
                    exps[b].remove(&e);
                }
            }
            let (m, c) = terms[t];
            let q = m.divide(&unit).expect("the term holds the atom power");
            inner.0.insert(q, c.clone());
        }
        let (coef, inner) = content(inner);
        steps.push((coef, atom.clone(), exp, factor_with(&inner, by_saving)));
    }
    let rest = Poly(
        terms
            .iter()
            .zip(&alive)
            .filter(|(_, a)| **a)
            .map(|((m, c), _)| ((*m).clone(), (*c).clone()))
            .collect(),
    );
    steps
        .into_iter()
        .rev()
        .fold(Factored::Leaf(rest), |rest, (coef, atom, exp, inner)| {
            Factored::Split {
                coef,
                atom,
                exp,
                inner: Box::new(inner),
                rest: Box::new(rest),
            }
        })
}

/// The cofactor with its content pulled out when that leaves fewer coefficients other than
/// ±1 (the choice of atoms does not depend on coefficients, so this decides it locally).
fn content(inner: Poly) -> (Q, Poly) {
    // The content of the cofactor: gcd of the numerators over lcm of the denominators.
    let mut num = rug::Integer::new();
    let mut den = rug::Integer::from(1);
    for c in inner.0.values() {
        num.gcd_mut(c.numer());
        den.lcm_mut(c.denom());
    }
    let coef = if inner.0.len() >= 2 {
        Q::from((num, den))
    } else {
        Q::from(1)
    };
    let odd = |p: &Poly| {
        p.0.iter()
            .filter(|(m, c)| !m.0.is_empty() && **c != 1 && **c != -1)
            .count()
    };
    let scaled = inner.scale(&(Q::from(1) / coef.clone()));
    if coef != 1 && odd(&scaled) + 1 < odd(&inner) {
        (coef, scaled)
    } else {
        (Q::from(1), inner)
    }
}

impl Factored {
    /// Plain text (or LaTeX).
    pub fn render(&self, names: &Names, tex: bool) -> String {
        match self {
            Factored::Leaf(p) => sum(p, names, tex),
            Factored::Split {
                coef,
                atom,
                exp,
                inner,
                rest,
            } => {
                let mut f = factor(atom, *exp, names, tex);
                if *coef != 1 {
                    let sep = if tex { " " } else { "*" };
                    f = format!("{}{sep}{f}", coefficient(coef, tex));
                }
                let prod = match inner.as_ref() {
                    Factored::Leaf(q) if q.as_constant() == Some(Q::from(1)) => f,
                    Factored::Leaf(q) if q.as_constant() == Some(Q::from(-1)) => format!("-{f}"),
                    Factored::Leaf(q) if q.0.len() == 1 => {
                        let s = sum(q, names, tex);
                        format!("{s}{}{f}", if tex { " " } else { "*" })
                    }
                    other => {
                        let s = other.render(names, tex);
                        if tex {
                            format!(r"{f} \left({s}\right)")
                        } else {
                            format!("{f}*({s})")
                        }
                    }
                };
                match rest.as_ref() {
                    Factored::Leaf(r) if r.is_zero() => prod,
                    r => {
                        let s = r.render(names, tex);
                        match s.strip_prefix('-') {
                            Some(t) => format!("{prod} - {t}"),
                            None => format!("{prod} + {s}"),
                        }
                    }
                }
            }
        }
    }

    /// Operation count, as [`count_ops`].
    pub fn count_ops(&self) -> usize {
        match self {
            Factored::Leaf(p) => count_ops(p),
            Factored::Split {
                coef,
                atom,
                exp,
                inner,
                rest,
            } => {
                let atom_ops = count_ops(&Poly::atom(atom.clone()))
                    + usize::from(*exp != 1)
                    + usize::from(*coef != 1);
                let inner_ops = match inner.as_ref() {
                    Factored::Leaf(q) if q.as_constant().is_some() => {
                        usize::from(q.as_constant() != Some(Q::from(1)))
                    }
                    other => other.count_ops() + 1,
                };
                let rest_ops = match rest.as_ref() {
                    Factored::Leaf(r) if r.is_zero() => 0,
                    r => r.count_ops() + 1,
                };
                atom_ops + inner_ops + rest_ops
            }
        }
    }
}
