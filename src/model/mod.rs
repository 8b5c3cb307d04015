//! Problems: datasets and activations.

pub mod activation;
pub mod dataset;

pub use activation::parse_activation;
pub use dataset::{read_csv, Dataset};
