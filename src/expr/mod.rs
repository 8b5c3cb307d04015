//! Symbolic derivation with an e-graph (egg): the expression language with exact rational
//! constant folding ([`lang`]), differentiation rules ([`rules`]), the saturation runner and
//! extraction ([`derive`]), the canonical form ([`canon`]), printers ([`print`]), activation
//! formulas ([`formula`]) and loss builders ([`build`]).
//!
//! ```
//! use critcert::expr::{derive, print, Builder, Limits, Names};
//! let mut names = Names::default();
//! let x = names.intern("x");
//! let mut b = Builder::default();
//! let xv = b.var(x);
//! let hx = b.h(0, xv);
//! let sq = b.pow(hx, 2);
//! let d = derive(&b.expr, sq, &[x], false, &Limits::default()).unwrap();
//! assert_eq!(print::text(&d.gradient[0], &names), "2*h(x)*h'(x)");
//! ```

pub mod at;
pub mod build;
pub mod canon;
pub mod derive;
pub mod eval;
pub mod formula;
pub mod lang;
pub mod names;
pub mod print;
pub mod rules;

pub use canon::{Atom, Func, Mono, Poly};
pub use derive::{derive, derive_observed, Builder, Derivatives, Event, Limits, Observer, Stats};
pub use lang::{Math, Param, Rat};
pub use names::Names;
