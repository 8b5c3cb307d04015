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
                (Func::Ln | Func::Tanh, true) => format!(r"\{}", f.name()),
                (Func::Atan, true) => r"\arctan".into(),
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

fn factor_with(p: &Poly, by_saving: bool) -> Factored {
    if p.0.len() < 2 {
        return Factored::Leaf(p.clone());
    }
    let mut counts: std::collections::BTreeMap<&Atom, (usize, i32)> = Default::default();
    for m in p.0.keys() {
        for (a, e) in &m.0 {
            if *e > 0 {
                let c = counts.entry(a).or_insert((0, i32::MAX));
                c.0 += 1;
                c.1 = c.1.min(*e);
            }
        }
    }
    // Pull out the atom power whose sharing saves the most operations (ties: the smaller atom).
    let saving = |a: &Atom, n: usize, e: i32| {
        if by_saving {
            (n - 1) * (count_ops(&Poly::atom(a.clone())) + usize::from(e != 1) + 1)
        } else {
            n
        }
    };
    let best = counts.iter().filter(|(_, (n, _))| *n >= 2).max_by(|x, y| {
        saving(x.0, x.1 .0, x.1 .1)
            .cmp(&saving(y.0, y.1 .0, y.1 .1))
            .then_with(|| y.0.cmp(x.0))
    });
    let Some((atom, (_, exp))) = best else {
        return Factored::Leaf(p.clone());
    };
    let unit = Mono(vec![((*atom).clone(), *exp)]);
    let (mut inner, mut rest) = (Poly::default(), Poly::default());
    for (m, c) in &p.0 {
        match m.divide(&unit) {
            Some(q) => {
                inner.0.insert(q, c.clone());
            }
            None => {
                rest.0.insert(m.clone(), c.clone());
            }
        }
    }
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
    // Pull the content out only when fewer coefficients other than ±1 remain (the choice of
    // atoms below does not depend on coefficients, so this decides it locally).
    let odd = |p: &Poly| {
        p.0.iter()
            .filter(|(m, c)| !m.0.is_empty() && **c != 1 && **c != -1)
            .count()
    };
    let scaled = inner.scale(&(Q::from(1) / coef.clone()));
    let (coef, inner) = if coef != 1 && odd(&scaled) + 1 < odd(&inner) {
        (coef, scaled)
    } else {
        (Q::from(1), inner)
    };
    Factored::Split {
        coef,
        atom: (*atom).clone(),
        exp: *exp,
        inner: Box::new(factor_with(&inner, by_saving)),
        rest: Box::new(factor_with(&rest, by_saving)),
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
