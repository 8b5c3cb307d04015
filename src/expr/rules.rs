//! The rewrite rules: differentiation (`d`) by structural rules with the chain rule through
//! `h^(k)` and the elementary functions, plus a handful of unit/zero simplifications.
//!
//! The rule set is deliberately small and has no associativity or commutativity rules (they
//! blow the e-graph up); algebraic normalisation happens after extraction, in
//! [`canon`](super::canon).

use super::lang::{ConstFold, Math, MathGraph};
use egg::{rewrite as rw, Id, Rewrite, Subst, Var};

/// True when the class of `y` is a parameter different from the class of `x`.
fn other_param(x: &str, y: &str) -> impl Fn(&mut MathGraph, Id, &Subst) -> bool {
    let x: Var = x.parse().expect("pattern variable");
    let y: Var = y.parse().expect("pattern variable");
    move |eg, _, s| {
        eg.find(s[x]) != eg.find(s[y]) && eg[s[y]].nodes.iter().any(|n| matches!(n, Math::Var(_)))
    }
}

/// True when the matched class is not (yet) known to be a constant. A `d` whose argument is a
/// constant is folded to 0 by the analysis; expanding it anyway would walk the constant
/// classes, which absorb many terms (`0·e`), and never saturate. The guard only prunes work:
/// every rule is an identity with or without it.
fn open(eg: &mut MathGraph, id: Id, _: &Subst) -> bool {
    eg[id].data.is_none()
}

/// The differentiation and simplification rules.
pub fn rules() -> Vec<Rewrite<Math, ConstFold>> {
    vec![
        rw!("d-self"; "(d ?x ?x)" => "1"),
        rw!("d-param"; "(d ?x ?y)" => "0" if other_param("?x", "?y")),
        rw!("d-pi"; "(d ?x pi)" => "0"),
        rw!("d-add"; "(d ?x (+ ?a ?b))" => "(+ (d ?x ?a) (d ?x ?b))" if open),
        rw!("d-mul"; "(d ?x (* ?a ?b))" => "(+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b)))" if open),
        rw!("d-neg"; "(d ?x (neg ?a))" => "(neg (d ?x ?a))" if open),
        rw!("d-pow"; "(d ?x (pow ?a ?n))" => "(* (* ?n (pow ?a (+ ?n -1))) (d ?x ?a))" if open),
        rw!("d-h"; "(d ?x (h ?k ?a))" => "(* (h (+ ?k 1) ?a) (d ?x ?a))" if open),
        rw!("d-exp"; "(d ?x (exp ?a))" => "(* (exp ?a) (d ?x ?a))" if open),
        rw!("d-ln"; "(d ?x (ln ?a))" => "(* (pow ?a -1) (d ?x ?a))" if open),
        rw!("d-tanh"; "(d ?x (tanh ?a))" => "(* (+ 1 (neg (pow (tanh ?a) 2))) (d ?x ?a))" if open),
        rw!("d-atan"; "(d ?x (atan ?a))" => "(* (pow (+ 1 (pow ?a 2)) -1) (d ?x ?a))" if open),
        rw!("d-erf"; "(d ?x (erf ?a))"
            => "(* (* (* 2 (pow (sqrt pi) -1)) (exp (neg (pow ?a 2)))) (d ?x ?a))" if open),
        rw!("d-sqrt"; "(d ?x (sqrt ?a))" => "(* (* 1/2 (pow (sqrt ?a) -1)) (d ?x ?a))" if open),
        // The step function's derivative is 0 away from its jump (ReLU-like activations are
        // differentiated where no pre-activation is 0).
        rw!("d-step"; "(d ?x (step ?a))" => "0"),
        rw!("d-max"; "(d ?x (max ?a ?b))"
            => "(+ (* (step (+ ?a (neg ?b))) (d ?x ?a)) (* (step (+ ?b (neg ?a))) (d ?x ?b)))" if open),
        rw!("d-min"; "(d ?x (min ?a ?b))"
            => "(+ (* (step (+ ?b (neg ?a))) (d ?x ?a)) (* (step (+ ?a (neg ?b))) (d ?x ?b)))" if open),
        rw!("mul-1l"; "(* 1 ?a)" => "?a"),
        rw!("mul-1r"; "(* ?a 1)" => "?a"),
        rw!("add-0l"; "(+ 0 ?a)" => "?a"),
        rw!("add-0r"; "(+ ?a 0)" => "?a"),
        rw!("neg-neg"; "(neg (neg ?a))" => "?a"),
        rw!("pow-1"; "(pow ?a 1)" => "?a"),
        rw!("pow-0"; "(pow ?a 0)" => "1"),
    ]
}
