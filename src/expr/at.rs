//! Evaluation at a point and reduction by relations: substitute parameters by exact rationals
//! or symbols (`POINT.json`), rewrite by relations such as `u2*h(v2) = 1/3 - u1*h(v1)`, and
//! compute the exact inertia of a Hessian that became rational.

use super::canon::Poly;
use super::derive::{Builder, Derivatives};
use super::formula::Formula;
use super::names::Names;
use crate::error::clip;
use crate::exact::{inertia, parse_input, Inertia, QMatrix};
use std::collections::BTreeMap;

/// Largest Hessian whose exact inertia [`Derivatives::hessian_inertia`] computes.
pub const INERTIA_LIMIT: usize = 300;

/// A point: parameter index → its value (a rational or a symbol).
pub type Point = BTreeMap<u32, Poly>;

/// Parses `POINT.json`: an object mapping parameter names to exact rationals (`"1/3"`,
/// `"-0.5"`) or symbol names (`"v1"`); symbols are added to `names`. Parameters not listed
/// stay symbolic.
pub fn parse_point(text: &str, names: &mut Names, params: &[u32]) -> Result<Point, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v
        .as_object()
        .ok_or("expected a JSON object mapping parameter names to values")?;
    let mut point = Point::new();
    for (k, val) in obj {
        let i = names
            .get(k)
            .filter(|i| params.contains(i))
            .ok_or_else(|| format!("unknown parameter '{}'", clip(k, 40)))?;
        let s = match val {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                return Err(format!(
                    "'{k}': expected a string such as \"1/3\" or \"v1\""
                ))
            }
        };
        let is_symbol = s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !matches!(s.to_ascii_lowercase().as_str(), "nan" | "inf" | "infinity");
        let p = if is_symbol {
            if params.iter().any(|&j| names.name(j) == s) || s == "pi" || s == "h" {
                return Err(format!(
                    "'{k}': symbol '{}' is a reserved or parameter name",
                    clip(&s, 40)
                ));
            }
            Poly::var(names.intern(&s))
        } else {
            Poly::constant(parse_input(&s).map_err(|e| format!("'{k}': {e}"))?)
        };
        point.insert(i, p);
    }
    Ok(point)
}

/// Reads a formula over known names (parameters and symbols) as a canonical expression.
pub fn parse_expression(text: &str, names: &Names) -> Result<Poly, String> {
    let f = Formula::parse(text)?;
    let mut b = Builder::default();
    f.emit(&mut b, &|b, n| {
        names
            .get(n)
            .map(|i| b.var(i))
            .ok_or_else(|| format!("unknown name '{n}'"))
    })?;
    Poly::from_expr(&b.expr)
}

/// Parses a relation `LHS = RHS` whose left side is a single product (e.g.
/// `u2*h(v2) = 1/3 - u1*h(v1)` or `h'(v1) = 3/16`).
pub fn parse_relation(text: &str, names: &Names) -> Result<(Poly, Poly), String> {
    let shown = clip(text, 60);
    let (l, r) = text
        .split_once('=')
        .ok_or_else(|| format!("relation '{shown}' has no '='"))?;
    let lhs = parse_expression(l, names).map_err(|e| format!("relation '{shown}': {e}"))?;
    let rhs = parse_expression(r, names).map_err(|e| format!("relation '{shown}': {e}"))?;
    if lhs.0.len() != 1 || lhs.as_constant().is_some() {
        return Err(format!(
            "relation '{shown}': the left side must be a single product"
        ));
    }
    Ok((lhs, rhs))
}

impl Derivatives {
    /// Applies `f` to the value and to every derivative.
    pub fn map(&self, f: &dyn Fn(&Poly) -> Result<Poly, String>) -> Result<Derivatives, String> {
        Ok(Derivatives {
            wrt: self.wrt.clone(),
            value: f(&self.value)?,
            gradient: self.gradient.iter().map(f).collect::<Result<_, _>>()?,
            hessian: match &self.hessian {
                Some(h) => Some(
                    h.iter()
                        .map(|row| row.iter().map(f).collect::<Result<Vec<_>, _>>())
                        .collect::<Result<_, _>>()?,
                ),
                None => None,
            },
            stats: self.stats,
        })
    }

    /// Substitutes a point.
    pub fn at(&self, point: &Point) -> Derivatives {
        self.map(&|p| Ok(p.substitute(&|i| point.get(&i).cloned())))
            .expect("substitution cannot fail")
    }

    /// Substitutes a point, within the bounds of [`super::canon`] (an error instead of an
    /// expansion past them).
    pub fn try_at(&self, point: &Point) -> Result<Derivatives, String> {
        self.map(&|p| p.try_substitute(&|i| point.get(&i).cloned()))
    }

    /// Reduces by relations, in order.
    pub fn reduce(&self, relations: &[(Poly, Poly)]) -> Result<Derivatives, String> {
        self.map(&|p| {
            let mut p = p.clone();
            for (l, r) in relations {
                p = p.reduce(l, r)?;
            }
            Ok(p)
        })
    }

    /// The exact inertia of the Hessian when every entry is a rational number and it has at
    /// most [`INERTIA_LIMIT`] rows (exact elimination costs the cube of the size).
    pub fn hessian_inertia(&self) -> Option<Inertia> {
        let h = self.hessian.as_ref()?;
        if h.len() > INERTIA_LIMIT {
            return None;
        }
        let rows = h
            .iter()
            .map(|row| {
                row.iter()
                    .map(Poly::as_constant)
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<Vec<_>>>()?;
        inertia(&QMatrix::from_rows(rows)?).ok()
    }
}
