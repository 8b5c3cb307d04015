//! The runner: adds `d(x, ℓ)` (and `d(y, d(x, ℓ))`) to an e-graph, saturates the rules of
//! [`rules`](super::rules) under explicit iteration and node limits (no time limit, so the
//! result never depends on the machine's speed), extracts each derivative and canonicalises it.
//! A run that stops on a limit is an error, never a partial result.

use super::canon::Poly;
use super::lang::{ConstFold, Math, MathGraph, Param, Rat};
use super::rules::rules;
use crate::exact::Q;
use egg::{CostFunction, Extractor, Id, Language, RecExpr, Runner, SimpleScheduler, StopReason};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// What a derivation reports as it goes, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A saturation round finished, with the e-graph's size.
    Iteration {
        /// Rounds so far.
        iteration: usize,
        /// E-nodes now.
        nodes: usize,
    },
    /// A derivative was extracted and put in canonical form.
    Extracted {
        /// Entries done.
        done: usize,
        /// Entries in all.
        total: usize,
    },
}

/// A receiver of [`Event`]s.
pub type Observer = Rc<RefCell<dyn FnMut(Event)>>;

/// Limits of one saturation run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Maximum number of rule-application rounds.
    pub iter_limit: usize,
    /// Maximum number of e-nodes.
    pub node_limit: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            iter_limit: 200,
            node_limit: 2_000_000,
        }
    }
}

/// Size of the saturated e-graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Rule-application rounds until saturation.
    pub iterations: usize,
    /// E-nodes.
    pub nodes: usize,
    /// E-classes.
    pub classes: usize,
}

/// The derivatives of an expression with respect to chosen parameters, canonicalised.
#[derive(Clone, Debug)]
pub struct Derivatives {
    /// The parameters differentiated by (indices into the names table).
    pub wrt: Vec<u32>,
    /// The expression itself.
    pub value: Poly,
    /// `∂/∂wrt[i]`.
    pub gradient: Vec<Poly>,
    /// The full symmetric matrix `∂²/∂wrt[i]∂wrt[j]` (each distinct entry derived once).
    pub hessian: Option<Vec<Vec<Poly>>>,
    /// E-graph size and iterations.
    pub stats: Stats,
}

/// AST size, with `d` nodes infinitely expensive so that extraction avoids them.
struct NoD;

impl CostFunction<Math> for NoD {
    type Cost = usize;
    fn cost<C: FnMut(Id) -> usize>(&mut self, enode: &Math, mut costs: C) -> usize {
        let own = if matches!(enode, Math::D(_)) {
            usize::MAX / 4
        } else {
            1
        };
        enode.fold(own, |acc, id| acc.saturating_add(costs(id)))
    }
}

/// Adds every node of `expr` to `egraph`; returns the class of each node.
pub fn add_all(egraph: &mut MathGraph, expr: &RecExpr<Math>) -> Vec<Id> {
    let mut ids: Vec<Id> = Vec::with_capacity(expr.as_ref().len());
    for node in expr.as_ref() {
        let n = node.clone().map_children(|c| ids[usize::from(c)]);
        ids.push(egraph.add(n));
    }
    ids
}

/// Saturates the rules on `egraph` under `limits`; a stop on a limit is an error.
fn saturate(
    mut egraph: MathGraph,
    limits: &Limits,
    observer: Option<Observer>,
) -> Result<(Runner<Math, ConstFold>, Stats), String> {
    egraph.rebuild();
    let mut runner = Runner::default()
        .with_egraph(egraph)
        .with_iter_limit(limits.iter_limit)
        .with_node_limit(limits.node_limit)
        .with_time_limit(Duration::from_secs(u64::MAX / 4))
        .with_scheduler(SimpleScheduler);
    if let Some(o) = observer {
        runner = runner.with_hook(move |r| {
            (o.borrow_mut())(Event::Iteration {
                iteration: r.iterations.len(),
                nodes: r.egraph.total_number_of_nodes(),
            });
            Ok(())
        });
    }
    let runner = runner.run(&rules());
    match &runner.stop_reason {
        Some(StopReason::Saturated) => {}
        other => {
            return Err(format!(
                "the e-graph did not saturate ({other:?}) after {} iterations with {} nodes; raise the limits",
                runner.iterations.len(),
                runner.egraph.total_number_of_nodes()
            ))
        }
    }
    let stats = Stats {
        iterations: runner.iterations.len(),
        nodes: runner.egraph.total_number_of_nodes(),
        classes: runner.egraph.number_of_classes(),
    };
    Ok((runner, stats))
}

/// The canonical form of the cheapest `d`-free member of class `id`.
fn canonical(extractor: &Extractor<NoD, Math, ConstFold>, id: Id) -> Result<Poly, String> {
    let (cost, best) = extractor.find_best(id);
    if cost >= usize::MAX / 4 {
        return Err("a derivative was not eliminated".into());
    }
    Poly::from_expr(&best)
}

/// The derivatives `f, f', …, f⁽ⁿ⁾` of the sub-expression of `expr` at `root` with respect to
/// the one parameter `var` (`n = order`), from one saturated e-graph holding the nested
/// `d(var, d(var, …))`.
pub fn univariate(
    expr: &RecExpr<Math>,
    root: Id,
    var: u32,
    order: usize,
    limits: &Limits,
) -> Result<(Vec<Poly>, Stats), String> {
    let mut egraph = MathGraph::new(ConstFold);
    let ids = add_all(&mut egraph, expr);
    let x = egraph.add(Math::Var(Param(var)));
    let mut chain = vec![ids[usize::from(root)]];
    for _ in 0..order {
        let last = *chain.last().expect("non-empty");
        chain.push(egraph.add(Math::D([x, last])));
    }
    let (runner, stats) = saturate(egraph, limits, None)?;
    let extractor = Extractor::new(&runner.egraph, NoD);
    let polys = chain
        .iter()
        .map(|&id| canonical(&extractor, id))
        .collect::<Result<_, _>>()?;
    Ok((polys, stats))
}

/// Differentiates the sub-expression of `expr` at `root` with respect to the parameters `wrt`
/// (and twice, if `hessian`), by equality saturation.
pub fn derive(
    expr: &RecExpr<Math>,
    root: Id,
    wrt: &[u32],
    hessian: bool,
    limits: &Limits,
) -> Result<Derivatives, String> {
    derive_observed(expr, root, wrt, hessian, limits, None)
}

/// [`derive`], reporting each saturation round and each extracted entry to `observer`.
pub fn derive_observed(
    expr: &RecExpr<Math>,
    root: Id,
    wrt: &[u32],
    hessian: bool,
    limits: &Limits,
    observer: Option<Observer>,
) -> Result<Derivatives, String> {
    let mut egraph = MathGraph::new(ConstFold);
    let ids = add_all(&mut egraph, expr);
    let f = ids[usize::from(root)];
    let vars: Vec<Id> = wrt
        .iter()
        .map(|&i| egraph.add(Math::Var(Param(i))))
        .collect();
    let grad: Vec<Id> = vars.iter().map(|&x| egraph.add(Math::D([x, f]))).collect();
    let mut hess: Vec<(usize, usize, Id)> = Vec::new();
    if hessian {
        for (i, &g) in grad.iter().enumerate() {
            for (j, &y) in vars.iter().enumerate().skip(i) {
                hess.push((i, j, egraph.add(Math::D([y, g]))));
            }
        }
    }
    let (runner, stats) = saturate(egraph, limits, observer.clone())?;
    let extractor = Extractor::new(&runner.egraph, NoD);
    let total = 1 + grad.len() + hess.len();
    let done = std::cell::Cell::new(0);
    let canon = |id: Id| {
        let p = canonical(&extractor, id);
        done.set(done.get() + 1);
        if let Some(o) = &observer {
            (o.borrow_mut())(Event::Extracted {
                done: done.get(),
                total,
            });
        }
        p
    };
    let value = canon(f)?;
    let gradient = grad
        .iter()
        .map(|&g| canon(g))
        .collect::<Result<Vec<_>, _>>()?;
    let hessian = if hessian {
        let n = vars.len();
        let mut m = vec![vec![Poly::default(); n]; n];
        for (i, j, id) in hess {
            let p = canon(id)?;
            m[j][i] = p.clone();
            m[i][j] = p;
        }
        Some(m)
    } else {
        None
    };
    Ok(Derivatives {
        wrt: wrt.to_vec(),
        value,
        gradient,
        hessian,
        stats,
    })
}

/// Builds expressions node by node (no sharing is needed: the e-graph shares).
#[derive(Clone, Debug, Default)]
pub struct Builder {
    /// The nodes so far.
    pub expr: RecExpr<Math>,
}

impl Builder {
    /// A rational constant.
    pub fn num(&mut self, q: Q) -> Id {
        self.expr.add(Math::Num(Rat(q)))
    }

    /// A parameter by index.
    pub fn var(&mut self, i: u32) -> Id {
        self.expr.add(Math::Var(Param(i)))
    }

    /// Adds a node.
    pub fn node(&mut self, n: Math) -> Id {
        self.expr.add(n)
    }

    /// `a + b`.
    pub fn add(&mut self, a: Id, b: Id) -> Id {
        self.expr.add(Math::Add([a, b]))
    }

    /// `a · b`.
    pub fn mul(&mut self, a: Id, b: Id) -> Id {
        self.expr.add(Math::Mul([a, b]))
    }

    /// `−a`.
    pub fn neg(&mut self, a: Id) -> Id {
        self.expr.add(Math::Neg(a))
    }

    /// `a^n` for an integer `n`.
    pub fn pow(&mut self, a: Id, n: i32) -> Id {
        let n = self.num(Q::from(n));
        self.expr.add(Math::Pow([a, n]))
    }

    /// `h^(k)(a)` for the abstract activation.
    pub fn h(&mut self, k: u32, a: Id) -> Id {
        let k = self.num(Q::from(k));
        self.expr.add(Math::H([k, a]))
    }

    /// `Σ c_i · e_i (+ constant)`, skipping zero coefficients and writing `1 · e` as `e`. The
    /// sum is a balanced tree, so its depth (and the number of e-graph iterations needed to
    /// differentiate it) grows with the logarithm of the number of terms.
    pub fn linear(&mut self, terms: &[(Q, Id)], constant: Option<Id>) -> Id {
        let mut level: Vec<Id> = constant.into_iter().collect();
        for (c, e) in terms {
            if *c == 0 {
                continue;
            }
            level.push(if *c == 1 {
                *e
            } else {
                let k = self.num(c.clone());
                self.mul(k, *e)
            });
        }
        if level.is_empty() {
            return self.num(Q::new());
        }
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len().div_ceil(2));
            for pair in level.chunks(2) {
                next.push(match pair {
                    [a, b] => self.add(*a, *b),
                    [a] => *a,
                    _ => unreachable!("chunks of two"),
                });
            }
            level = next;
        }
        level[0]
    }

    /// `Σ e_i` (0 when empty).
    pub fn sum(&mut self, es: &[Id]) -> Id {
        let terms: Vec<(Q, Id)> = es.iter().map(|&e| (Q::from(1), e)).collect();
        self.linear(&terms, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{print, Names};

    #[test]
    fn chain_rule_through_h() {
        let mut names = Names::default();
        let x = names.intern("x");
        let mut b = Builder::default();
        let xv = b.var(x);
        let sq = b.pow(xv, 2);
        let hx = b.h(0, sq);
        let d = derive(&b.expr, hx, &[x], true, &Limits::default()).unwrap();
        assert_eq!(print::text(&d.gradient[0], &names), "2*x*h'(x^2)");
        assert_eq!(
            print::text(&d.hessian.unwrap()[0][0], &names),
            "4*x^2*h''(x^2) + 2*h'(x^2)"
        );
    }

    #[test]
    fn limit_stop_is_an_error() {
        let mut b = Builder::default();
        let x = b.var(0);
        let e = b.h(0, x);
        let e = b.h(0, e);
        let limits = Limits {
            iter_limit: 1,
            node_limit: 1_000,
        };
        assert!(derive(&b.expr, e, &[0], true, &limits).is_err());
    }
}
