//! Theorem 2 benchmarks: `thm2` (construction, bisection for ρ, self-check) per activation at
//! 128 bits (goal < 100 ms) and `check` of its certificate (goal < 50 ms); the formula
//! activations (mish, softsign, erf, the sigmoid as a formula) include the e-graph derivation
//! and the number search.

use critcert::cert::{check_str, to_json};
use critcert::model::parse_activation;
use critcert::theorems::thm2::certify;
use criterion::{criterion_group, criterion_main, Criterion};

const ACTIVATIONS: [&str; 15] = [
    "sigmoid",
    "tanh",
    "arctan",
    "elu",
    "selu",
    "softplus",
    "gelu",
    "silu",
    "quadratic",
    "relu",
    "relu-like:1:1/100",
    "mish",
    "softsign",
    "erf",
    "1/(1 + exp(-x))",
];

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("thm2");
    g.sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    for name in ACTIVATIONS {
        let act = parse_activation(name).unwrap();
        let res = certify(&act, 128).unwrap();
        eprintln!("{name}: rho = {}", res.radius);
        let json = to_json(&res.certificate);
        g.bench_function(format!("thm2/{name}"), |b| {
            b.iter(|| certify(&act, 128).unwrap())
        });
        g.bench_function(format!("check/{name}"), |b| {
            b.iter(|| check_str(&json).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
