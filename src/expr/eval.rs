//! Evaluation of canonical expressions ([`Poly`]) at exact points: exact rationals while every
//! step stays rational, MPFR enclosures (the checker's intervals) otherwise; or in plain
//! binary64 ([`eval_f64`]) where an estimate is enough. Used by the
//! producers' searches (Theorem 2's numbers, `point`'s derivatives), never by a checker.

use super::{Atom, Func, Poly};
use crate::cert::formula::rat_pow;
use crate::cert::interval::I;
use crate::cert::value::V;
use crate::exact::Q;
use std::cmp::Ordering;

/// Evaluates a canonical expression, the variable `i` having the value `var(i)`: exact where
/// every step stays rational, else an MPFR enclosure at `prec` bits.
pub fn eval(p: &Poly, var: &dyn Fn(u32) -> V, prec: u32) -> std::result::Result<V, String> {
    let mut total = V::E(Q::new());
    for (mono, c) in &p.0 {
        let mut term = V::E(c.clone());
        for (atom, e) in &mono.0 {
            let base = eval_atom(atom, var, prec)?;
            let mut power = V::E(Q::from(1));
            for _ in 0..e.unsigned_abs() {
                power = power.mul(&base, prec);
            }
            if *e < 0 {
                power = V::E(Q::from(1))
                    .div(&power, prec)
                    .ok_or("a denominator may be 0")?;
            }
            term = term.mul(&power, prec);
        }
        total = total.add(&term, prec);
    }
    Ok(total)
}

/// Evaluates a canonical expression in binary64, rounded to nearest with no enclosure: the
/// producer's fast path where only an estimate is needed (`point`'s pair kernel). `Err` for a
/// function with no binary64 evaluation here (`erf`, the abstract activation) or at a kink; the
/// result may be NaN or infinite (callers check).
pub fn eval_f64(p: &Poly, var: &dyn Fn(u32) -> f64) -> std::result::Result<f64, String> {
    let mut total = 0.0;
    for (mono, c) in &p.0 {
        let mut term = c.to_f64();
        for (atom, e) in &mono.0 {
            term *= eval_atom_f64(atom, var)?.powi(*e);
        }
        total += term;
    }
    Ok(total)
}

fn eval_atom_f64(a: &Atom, var: &dyn Fn(u32) -> f64) -> std::result::Result<f64, String> {
    let (f, args) = match a {
        Atom::Var(i) => return Ok(var(*i)),
        Atom::App(f, args) => (f, args),
    };
    let v: Vec<f64> = args
        .iter()
        .map(|p| eval_f64(p, var))
        .collect::<std::result::Result<_, _>>()?;
    Ok(match (f, v.as_slice()) {
        (Func::Pi, _) => std::f64::consts::PI,
        (Func::Inv, [a]) => 1.0 / a,
        (Func::Exp, [a]) => a.exp(),
        (Func::Ln, [a]) => a.ln(),
        (Func::Sqrt, [a]) => a.sqrt(),
        (Func::Tanh, [a]) => a.tanh(),
        (Func::Atan, [a]) => a.atan(),
        (Func::Acos, [a]) => a.acos(),
        (Func::Sin, [a]) => a.sin(),
        (Func::Cos, [a]) => a.cos(),
        (Func::Pow(r), [a]) => a.powf(r.to_f64()),
        (Func::Step, [a]) if *a > 0.0 => 1.0,
        (Func::Step, [a]) if *a < 0.0 => 0.0,
        (Func::Max, [a, b]) => a.max(*b),
        (Func::Min, [a, b]) => a.min(*b),
        _ => return Err(format!("{} cannot be evaluated in binary64 here", f.name())),
    })
}

fn eval_atom(a: &Atom, var: &dyn Fn(u32) -> V, prec: u32) -> std::result::Result<V, String> {
    let (f, args) = match a {
        Atom::Var(i) => return Ok(var(*i)),
        Atom::App(f, args) => (f, args),
    };
    let vals: Vec<V> = args
        .iter()
        .map(|p| eval(p, var, prec))
        .collect::<std::result::Result<_, _>>()?;
    let i = |v: &V| v.to_i(prec);
    let exact_zero = vals.first().is_some_and(V::is_zero);
    Ok(match (f, vals.as_slice()) {
        (Func::Pi, _) => V::N(I::pi(prec)),
        (Func::Inv, [a]) => V::E(Q::from(1)).div(a, prec).ok_or("1/0")?,
        (Func::Exp, [_]) if exact_zero => V::E(Q::from(1)),
        (Func::Tanh | Func::Atan | Func::Erf, [_]) if exact_zero => V::E(Q::new()),
        (Func::Exp, [a]) => V::N(i(a).exp()),
        (Func::Ln, [a]) => V::N(i(a).ln().ok_or("ln of a number that may be ≤ 0")?),
        (Func::Sqrt, [a]) => V::N(i(a).sqrt().ok_or("sqrt of a number that may be < 0")?),
        (Func::Tanh, [a]) => V::N(i(a).tanh()),
        (Func::Atan, [a]) => V::N(i(a).atan()),
        (Func::Acos, [a]) => V::N(
            i(a).acos()
                .ok_or("arccos of a number that may be outside [−1, 1]")?,
        ),
        (Func::Erf, [a]) => V::N(i(a).erf()),
        (Func::Sin, [_]) if exact_zero => V::E(Q::new()),
        (Func::Cos, [_]) if exact_zero => V::E(Q::from(1)),
        (Func::Sin, [a]) => V::N(i(a).sin()),
        (Func::Cos, [a]) => V::N(i(a).cos()),
        (Func::Pow(r), [a]) => {
            let (p, q) = (r.numer().to_i32(), r.denom().to_u32());
            let (Some(p), Some(q)) = (p, q) else {
                return Err(format!("the exponent {r} is too large"));
            };
            rat_pow(a, p, q, prec)?
        }
        (Func::Step, [a]) => match a.sign() {
            Some(Ordering::Greater) => V::E(Q::from(1)),
            Some(Ordering::Less) => V::E(Q::new()),
            _ => return Err("at a kink".into()),
        },
        (Func::Max | Func::Min, [a, b]) => {
            let larger = *f == Func::Max;
            match a.sub(b, prec).sign() {
                Some(Ordering::Greater) => if larger { a } else { b }.clone(),
                Some(Ordering::Less) => if larger { b } else { a }.clone(),
                _ => V::N(i(a).hull(&i(b))),
            }
        }
        _ => return Err(format!("{} cannot be evaluated here", f.name())),
    })
}
