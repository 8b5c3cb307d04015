//! Problems: datasets and activations.

pub mod activation;
pub mod dataset;

pub use activation::{parse_activation, NAMED};
pub use dataset::{read_csv, read_csv_source, Dataset};
