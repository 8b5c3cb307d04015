//! Benchmark: full gradient and Hessian (45 distinct entries) of the Theorem 2 loss, derived in
//! the e-graph and canonicalised, for the abstract h and for explicit sigmoid. Prints the
//! e-graph size, iterations and operation counts once, then times each case. The SymPy peer is
//! `benches/derive_sympy.py` (it runs SymPy and this crate's binary in the same run).

use critcert::expr::build::{one_hidden_layer_loss, Activation};
use critcert::expr::{derive, print, Limits};
use critcert::model::read_csv;
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn bench(c: &mut Criterion) {
    let data = read_csv(Path::new("examples/data/theorem2.csv"), None).unwrap();
    for name in ["h", "sigmoid"] {
        let act = Activation::parse(name).unwrap();
        let loss = one_hidden_layer_loss(&data, 2, &act).unwrap();
        let run = || {
            derive(
                &loss.builder.expr,
                loss.root,
                &loss.params,
                true,
                &Limits::default(),
            )
            .unwrap()
        };
        let d = run();
        let h = d.hessian.as_ref().unwrap();
        let upper = || h.iter().enumerate().flat_map(|(i, r)| r.iter().skip(i));
        let g_ops: usize = d.gradient.iter().map(print::count_ops).sum();
        let h_ops: usize = upper().map(print::count_ops).sum();
        let fops = |p| print::factor_out(p).count_ops();
        let g_f: usize = d.gradient.iter().map(fops).sum();
        let h_f: usize = upper().map(fops).sum();
        println!(
            "thm2 {name}: e-graph {} nodes, {} classes, {} iterations; ops gradient {g_ops} (factored {g_f}), Hessian {h_ops} (factored {h_f}), {} distinct Hessian entries",
            d.stats.nodes, d.stats.classes, d.stats.iterations, upper().count()
        );
        c.bench_function(&format!("thm2_grad_hessian_{name}"), |b| b.iter(run));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
