//! Rigorous interval arithmetic on MPFR floats with directed rounding, and enclosures of the
//! activations and their derivatives up to order 4.
//!
//! There is one implementation, owned by the trusted checker ([`crate::cert::interval`] and
//! [`crate::cert::activation`]), because the checker may not import code outside `src/cert`
//! and the producer must compute exactly what the checker recomputes (the largest certifiable
//! radius is found by bisection against the checker's own bound). This module re-exports it
//! for the untrusted side.

pub use crate::cert::activation::{decimal, Act, Pt, SELU_ALPHA, SELU_LAMBDA};
pub use crate::cert::interval::I;
