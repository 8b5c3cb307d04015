//! Integration tests, one binary (ripgrep style): each module tests one capability end to end.

mod common;
mod paper;
mod thm1;
mod thm2;
