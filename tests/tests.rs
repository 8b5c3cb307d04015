//! Integration tests, one binary (ripgrep style): each module tests one capability end to end.

mod common;
mod deep_linear;
mod derive;
mod paper;
mod thm1;
mod thm2;
