//! Constructions from the paper that produce certificates. Untrusted: every certificate they
//! produce is re-checked by [`crate::cert`] before it is handed out.

pub mod point;
pub mod point_derive;
pub mod thm1;
pub mod thm2;
pub mod thm2_search;
pub mod thm4;
pub mod thm4_loss;
