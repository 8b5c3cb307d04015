//! The rewrite rules: differentiation (`d`) by structural rules with the chain rule through
//! `h^(k)` and the elementary functions, plus a handful of unit/zero simplifications.
//!
//! The rule set is deliberately small and has no associativity or commutativity rules (they
//! blow the e-graph up); algebraic normalisation happens after extraction, in
//! [`canon`](super::canon).

use super::lang::{ConstFold, Math, MathGraph};
use egg::{
    rewrite as rw, ConditionalApplier, Id, Language, Pattern, PatternAst, Rewrite, SearchMatches,
    Searcher, Subst, Var,
};

/// True when the class of `y` is a parameter different from the class of `x`.
fn other_param(x: &str, y: &str) -> impl Fn(&mut MathGraph, Id, &Subst) -> bool {
    let x: Var = x.parse().expect("pattern variable");
    let y: Var = y.parse().expect("pattern variable");
    // `Var` is the last variant of `Math`, and egg keeps the nodes of a class sorted after
    // each rebuild (when the rules are searched), so a class holds a parameter exactly when its
    // last node is one: O(1) instead of a scan of a class that may hold thousands of nodes.
    move |eg, _, s| {
        eg.find(s[x]) != eg.find(s[y]) && matches!(eg[s[y]].nodes.last(), Some(Math::Var(_)))
    }
}

/// True when the matched class is not (yet) known to be a constant. A `d` whose argument is a
/// constant is folded to 0 by the analysis; expanding it anyway would walk the constant
/// classes, which absorb many terms (`0·e`), and never saturate. The guard only prunes work:
/// every rule is an identity with or without it.
fn open(eg: &mut MathGraph, id: Id, _: &Subst) -> bool {
    eg[id].data.is_none()
}

/// A pattern searched only in e-classes not known to be constants. A `d` whose argument is a
/// constant is folded to 0 and joins the class of 0, which absorbs many nodes (every `0·e`,
/// every folded `d`): searching `(d ?x (* ?a ?b))` there enumerates every `d` of the class
/// against every product of its argument's class, on every iteration, only for the [`open`]
/// condition to discard each match. Skipping constant classes in the search itself makes the
/// same rewrites at a fraction of the cost (quadratic in the size of the 0 class otherwise).
struct OpenSearcher(Pattern<Math>);

impl Searcher<Math, ConstFold> for OpenSearcher {
    fn search_eclass_with_limit(
        &self,
        egraph: &MathGraph,
        eclass: Id,
        limit: usize,
    ) -> Option<SearchMatches<'_, Math>> {
        if egraph[eclass].data.is_some() {
            return None;
        }
        self.0.search_eclass_with_limit(egraph, eclass, limit)
    }

    fn search_with_limit(
        &self,
        egraph: &MathGraph,
        mut limit: usize,
    ) -> Vec<SearchMatches<'_, Math>> {
        let classes: Vec<Id> = match self.0.ast.as_ref().last() {
            Some(egg::ENodeOrVar::ENode(e)) => match egraph.classes_for_op(&e.discriminant()) {
                Some(ids) => ids.collect(),
                None => return vec![],
            },
            _ => egraph.classes().map(|c| c.id).collect(),
        };
        let mut out = Vec::new();
        for id in classes {
            if limit == 0 {
                break;
            }
            if let Some(m) = self.search_eclass_with_limit(egraph, id, limit) {
                limit = limit.saturating_sub(m.substs.len());
                out.push(m);
            }
        }
        out
    }

    fn get_pattern_ast(&self) -> Option<&PatternAst<Math>> {
        Some(&self.0.ast)
    }

    fn vars(&self) -> Vec<Var> {
        self.0.vars()
    }
}

/// `lhs => rhs` searched in open (non-constant) e-classes only; see [`OpenSearcher`].
fn open_rule(name: &str, lhs: &str, rhs: &str) -> Rewrite<Math, ConstFold> {
    let lhs: Pattern<Math> = lhs.parse().expect("a valid left-hand side");
    let rhs: Pattern<Math> = rhs.parse().expect("a valid right-hand side");
    // The condition stays on the applier: a class that is open when searched may have become
    // constant by the time the match is applied (constants never disappear, so every match the
    // search skips is one the condition would have rejected: the rewrites are exactly those of
    // the plain conditional rule).
    let applier = ConditionalApplier {
        condition: open,
        applier: rhs,
    };
    Rewrite::new(name, OpenSearcher(lhs), applier).expect("the rule's variables are bound")
}

/// The differentiation and simplification rules.
pub fn rules() -> Vec<Rewrite<Math, ConstFold>> {
    vec![
        rw!("d-self"; "(d ?x ?x)" => "1"),
        rw!("d-param"; "(d ?x ?y)" => "0" if other_param("?x", "?y")),
        rw!("d-pi"; "(d ?x pi)" => "0"),
        open_rule("d-add", "(d ?x (+ ?a ?b))", "(+ (d ?x ?a) (d ?x ?b))"),
        open_rule(
            "d-mul",
            "(d ?x (* ?a ?b))",
            "(+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b)))",
        ),
        open_rule("d-neg", "(d ?x (neg ?a))", "(neg (d ?x ?a))"),
        open_rule(
            "d-pow",
            "(d ?x (pow ?a ?n))",
            "(* (* ?n (pow ?a (+ ?n -1))) (d ?x ?a))",
        ),
        open_rule("d-h", "(d ?x (h ?k ?a))", "(* (h (+ ?k 1) ?a) (d ?x ?a))"),
        open_rule("d-exp", "(d ?x (exp ?a))", "(* (exp ?a) (d ?x ?a))"),
        open_rule("d-ln", "(d ?x (ln ?a))", "(* (pow ?a -1) (d ?x ?a))"),
        open_rule(
            "d-tanh",
            "(d ?x (tanh ?a))",
            "(* (+ 1 (neg (pow (tanh ?a) 2))) (d ?x ?a))",
        ),
        open_rule(
            "d-atan",
            "(d ?x (atan ?a))",
            "(* (pow (+ 1 (pow ?a 2)) -1) (d ?x ?a))",
        ),
        open_rule(
            "d-acos",
            "(d ?x (acos ?a))",
            "(* (neg (pow (sqrt (+ 1 (neg (pow ?a 2)))) -1)) (d ?x ?a))",
        ),
        open_rule(
            "d-erf",
            "(d ?x (erf ?a))",
            "(* (* (* 2 (pow (sqrt pi) -1)) (exp (neg (pow ?a 2)))) (d ?x ?a))",
        ),
        open_rule(
            "d-sqrt",
            "(d ?x (sqrt ?a))",
            "(* (* 1/2 (pow (sqrt ?a) -1)) (d ?x ?a))",
        ),
        open_rule("d-sin", "(d ?x (sin ?a))", "(* (cos ?a) (d ?x ?a))"),
        open_rule("d-cos", "(d ?x (cos ?a))", "(* (neg (sin ?a)) (d ?x ?a))"),
        // The step function's derivative is 0 away from its jump (ReLU-like activations are
        // differentiated where no pre-activation is 0).
        rw!("d-step"; "(d ?x (step ?a))" => "0"),
        open_rule(
            "d-max",
            "(d ?x (max ?a ?b))",
            "(+ (* (step (+ ?a (neg ?b))) (d ?x ?a)) (* (step (+ ?b (neg ?a))) (d ?x ?b)))",
        ),
        open_rule(
            "d-min",
            "(d ?x (min ?a ?b))",
            "(+ (* (step (+ ?b (neg ?a))) (d ?x ?a)) (* (step (+ ?a (neg ?b))) (d ?x ?b)))",
        ),
        rw!("mul-1l"; "(* 1 ?a)" => "?a"),
        rw!("mul-1r"; "(* ?a 1)" => "?a"),
        rw!("add-0l"; "(+ 0 ?a)" => "?a"),
        rw!("add-0r"; "(+ ?a 0)" => "?a"),
        rw!("neg-neg"; "(neg (neg ?a))" => "?a"),
        rw!("pow-1"; "(pow ?a 1)" => "?a"),
        rw!("pow-0"; "(pow ?a 0)" => "1"),
    ]
}
