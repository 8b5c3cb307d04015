//! Integration tests, one binary (ripgrep style): each module tests one capability end to end.

mod common;
mod deep_linear;
mod derive;
mod fuzz;
mod losses;
mod paper;
mod point;
mod robustness;
mod thm1;
mod thm2;
