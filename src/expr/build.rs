//! Builders: activations (the abstract `h`, named elementary functions, formulas) and the
//! losses of a one-hidden-layer network on an exact dataset and of a deep linear network.
//!
//! Parameters are named `W1[i,j]`, `b1[i]`, `W2[i,j]`, `b2[i]` (1-based; deep linear:
//! `W1 … W(H+1)`) and numbered in that order.

use super::derive::Builder;
use super::formula::Formula;
use super::names::Names;
use crate::exact::{QMatrix, Q};
use crate::model::{Dataset, NAMED};
use egg::Id;

/// An activation function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activation {
    /// The abstract `h` (derivatives stay symbolic: `h'`, `h''`, …).
    Abstract,
    /// A formula in `x` (named activations are formulas too).
    Formula(Formula),
}

impl Activation {
    /// `h`, a name from [`NAMED`], or a formula in `x`.
    pub fn parse(text: &str) -> Result<Activation, String> {
        let t = text.trim();
        let shown = crate::error::clip(t, 60);
        if t == "h" {
            return Ok(Activation::Abstract);
        }
        let formula = NAMED.iter().find(|(n, _)| *n == t).map_or(t, |(_, f)| f);
        let f = Formula::parse(formula).map_err(|e| format!("activation '{shown}': {e}"))?;
        if let Some(n) = f.names().into_iter().find(|n| n != "x") {
            return Err(format!(
                "activation '{shown}': unknown name '{}' (use x; known activations: h, {})",
                crate::error::clip(&n, 40),
                NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ));
        }
        // Emit once, so that an unknown function or a wrong number of arguments is reported
        // as an error in the activation (not later, against the dataset being read).
        f.emit(&mut Builder::default(), &|b, _| Ok(b.var(0)))
            .map_err(|e| format!("activation '{shown}': {e}"))?;
        Ok(Activation::Formula(f))
    }

    /// `h(arg)`.
    pub fn apply(&self, b: &mut Builder, arg: Id) -> Result<Id, String> {
        match self {
            Activation::Abstract => Ok(b.h(0, arg)),
            Activation::Formula(f) => f.emit(b, &|_, _| Ok(arg)),
        }
    }
}

/// The parameters of a one-hidden-layer network with one output, as expressions.
#[derive(Clone, Debug)]
pub struct Network {
    /// `W1` (`d1 × dx`).
    pub w1: Vec<Vec<Id>>,
    /// `b1` (`d1`).
    pub b1: Vec<Id>,
    /// `W2` (`1 × d1`).
    pub w2: Vec<Id>,
    /// `b2`.
    pub b2: Id,
}

impl Network {
    /// Fresh parameters `W1[i,j]`, `b1[i]`, `W2[1,k]`, `b2[1]`, interned in that order.
    pub fn parameters(b: &mut Builder, names: &mut Names, dx: usize, width: usize) -> Network {
        let mut v = |b: &mut Builder, n: String| {
            let i = names.intern(&n);
            b.var(i)
        };
        let w1 = (1..=width)
            .map(|i| (1..=dx).map(|j| v(b, format!("W1[{i},{j}]"))).collect())
            .collect();
        let b1 = (1..=width).map(|i| v(b, format!("b1[{i}]"))).collect();
        let w2 = (1..=width).map(|k| v(b, format!("W2[1,{k}]"))).collect();
        let b2 = v(b, "b2[1]".into());
        Network { w1, b1, w2, b2 }
    }

    /// The outputs `ŷ_i = W2 h(W1 x_i + b1) + b2` at every data point.
    pub fn outputs(
        &self,
        b: &mut Builder,
        data: &Dataset,
        act: &Activation,
    ) -> Result<Vec<Id>, String> {
        let mut out = Vec::new();
        for i in 0..data.len() {
            let mut hidden = Vec::new();
            for (k, row) in self.w1.iter().enumerate() {
                let terms: Vec<(Q, Id)> = row
                    .iter()
                    .enumerate()
                    .map(|(j, &w)| (data.x[(i, j)].clone(), w))
                    .collect();
                let pre = b.linear(&terms, Some(self.b1[k]));
                let a = act.apply(b, pre)?;
                hidden.push(b.mul(self.w2[k], a));
            }
            let mut y = b.sum(&hidden);
            y = b.add(y, self.b2);
            out.push(y);
        }
        Ok(out)
    }
}

/// `½ Σ_i (ŷ_i − y_i)²`.
pub fn square_loss(b: &mut Builder, outputs: &[Id], y: &[Q]) -> Id {
    let mut terms = Vec::new();
    for (o, t) in outputs.iter().zip(y) {
        let r = if *t == 0 {
            *o
        } else {
            let c = b.num(Q::from(-t));
            b.add(*o, c)
        };
        terms.push((Q::from((1, 2)), b.pow(r, 2)));
    }
    b.linear(&terms, None)
}

/// A loss expression with its parameters.
#[derive(Clone, Debug)]
pub struct Loss {
    /// The expression nodes.
    pub builder: Builder,
    /// The loss (a node of `builder`).
    pub root: Id,
    /// Parameter and symbol names.
    pub names: Names,
    /// The parameters, in canonical order.
    pub params: Vec<u32>,
}

/// The loss `½‖Ŷ − Y‖²` of a one-hidden-layer network of width `width` on `data`.
pub fn one_hidden_layer_loss(
    data: &Dataset,
    width: usize,
    act: &Activation,
) -> Result<Loss, String> {
    let mut b = Builder::default();
    let mut names = Names::default();
    let net = Network::parameters(&mut b, &mut names, data.dim(), width);
    let outs = net.outputs(&mut b, data, act)?;
    let root = square_loss(&mut b, &outs, &data.y);
    let params = (0..names.len()).collect();
    Ok(Loss {
        builder: b,
        root,
        names,
        params,
    })
}

/// The loss `½‖W_{H+1} ⋯ W_1 X − Y‖_F²` of a deep linear network; `x` is `dx × m` (one
/// column per point), `y` is `dy × m`, and `widths` are `d1 … dH`.
pub fn deep_linear_loss(x: &QMatrix, y: &QMatrix, widths: &[usize]) -> Result<Loss, String> {
    if x.cols() != y.cols() {
        return Err(format!("X has {} points but Y has {}", x.cols(), y.cols()));
    }
    let mut dims = vec![x.rows()];
    dims.extend_from_slice(widths);
    dims.push(y.rows());
    let mut b = Builder::default();
    let mut names = Names::default();
    let mut layers: Vec<Vec<Vec<Id>>> = Vec::new();
    for l in 1..dims.len() {
        layers.push(
            (1..=dims[l])
                .map(|i| {
                    (1..=dims[l - 1])
                        .map(|j| {
                            let v = names.intern(&format!("W{l}[{i},{j}]"));
                            b.var(v)
                        })
                        .collect()
                })
                .collect(),
        );
    }
    let mut terms = Vec::new();
    for p in 0..x.cols() {
        let mut act: Vec<Id> = Vec::new();
        for row in &layers[0] {
            let t: Vec<(Q, Id)> = row
                .iter()
                .enumerate()
                .map(|(j, &w)| (x[(j, p)].clone(), w))
                .collect();
            act.push(b.linear(&t, None));
        }
        for layer in &layers[1..] {
            act = layer
                .iter()
                .map(|row| {
                    let prods: Vec<Id> = row.iter().zip(&act).map(|(&w, &a)| b.mul(w, a)).collect();
                    b.sum(&prods)
                })
                .collect();
        }
        for (o, a) in act.iter().enumerate() {
            let t = &y[(o, p)];
            let r = if *t == 0 {
                *a
            } else {
                let c = b.num(Q::from(-t));
                b.add(*a, c)
            };
            terms.push((Q::from((1, 2)), b.pow(r, 2)));
        }
    }
    let root = b.linear(&terms, None);
    let params = (0..names.len()).collect();
    Ok(Loss {
        builder: b,
        root,
        names,
        params,
    })
}
