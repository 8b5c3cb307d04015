//! critcert certifies claims about the loss landscapes of small neural networks — the results
//! of Yun, Sra & Jadbabaie (arXiv 1802.03487) — with exact rational and rigorous interval
//! arithmetic, and checks the certificates it writes.
//!
//! Pipeline: [`model`] (data, activations, networks) → [`theorems`] (constructions and
//! searches, untrusted) → [`cert`] (certificates and the trusted checker). [`exact`] is the
//! exact arithmetic core shared by the untrusted side.
//!
//! Imports go one way, with no cycle between top-level modules: the command line →
//! [`paper`] → [`theorems`] → [`expr`] → [`model`] → [`cert`], each also using the shared
//! [`exact`], [`error`] and [`io`]; [`deeplinear`] (the f64 path) is used by the command line
//! and [`paper`] only.
//!
//! The checker is its own crate, `critcert-check`, re-exported here as [`cert`]: it depends on
//! rug, serde and thiserror only, so the compiler guarantees that it cannot import the e-graph,
//! the searches, the loaders, BLAS or plotting. The producer calls it; it never calls back.

#![warn(missing_docs)]

pub use critcert_check as cert;
pub mod deeplinear;
pub mod error;
pub mod exact;
pub mod expr;
pub mod io;
pub mod model;
pub mod paper;
pub mod theorems;

pub use error::{Error, Result};
