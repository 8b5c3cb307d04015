//! The exact core: rationals, rational matrices, fraction-free elimination, rank, exact least
//! squares and the inertia of symmetric matrices.
//!
//! The rational type is GMP's (`rug::Rational`), chosen by measurement: see the README section
//! "Why GMP rationals".

pub mod elimination;
pub mod ldl;
pub mod matrix;
pub mod rational;
pub mod scaled;

pub use elimination::{least_squares, least_squares_columns, rank, solve, LeastSquares};
pub use ldl::{inertia, Inertia};
pub use matrix::QMatrix;
pub use rational::{format_rational, parse_input, parse_rational, to_decimal, Q};
