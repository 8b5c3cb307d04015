//! Problems: datasets and activations.

pub mod dataset;

pub use dataset::{read_csv, Dataset};
