//! Theorem 1 benchmarks (issue 2): the whole certification (CSV text → least squares →
//! construction → certificate → checker) and the exact least-squares kernel, on the wine data
//! and on synthetic data with 6-digit decimals; plus the rational-type choice (GMP integers vs
//! num-bigint in the same fraction-free elimination).
//!
//! Run through `benches/thm1.sh`, which also times the peers (python-flint, SymPy) on the same
//! files in the same run. The synthetic CSVs are written to `target/bench-data/` for the peers.

use critcert::exact::{least_squares, QMatrix};
use critcert::model::dataset::parse_csv;
use critcert::theorems::thm1::{certify, Thm1Options};
use criterion::{criterion_group, criterion_main, Criterion};
use num_bigint::BigInt;
use rug::Integer;
use std::path::PathBuf;

/// Deterministic synthetic CSV: `m` points, `dx` inputs, 6 significant digits (`±ddd.ddd`).
fn synthetic_csv(m: usize, dx: usize) -> String {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 1_999_999) as i64 - 999_999
    };
    let mut s: String = (1..=dx).map(|j| format!("x{j},")).collect::<String>() + "y\n";
    for _ in 0..m {
        let row: Vec<i64> = (0..=dx).map(|_| next()).collect();
        let fields: Vec<String> = row
            .iter()
            .map(|v| {
                format!(
                    "{}{}.{:03}",
                    if *v < 0 { "-" } else { "" },
                    v.abs() / 1000,
                    v.abs() % 1000
                )
            })
            .collect();
        s += &fields.join(",");
        s.push('\n');
    }
    s
}

fn bench_data() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let wine = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/wine.csv"),
    )
    .unwrap();
    let mut sets = vec![("wine-178x13".to_string(), wine)];
    for (m, dx) in [(569, 30), (2000, 20)] {
        let name = format!("synth-{m}x{dx}");
        let text = synthetic_csv(m, dx);
        std::fs::write(dir.join(format!("{name}.csv")), &text).unwrap();
        sets.push((name, text));
    }
    sets
}

/// The same fraction-free elimination as `critcert::exact::elimination::bareiss`, on
/// num-bigint, to measure the rational-type choice.
fn bareiss_bigint(mut a: Vec<Vec<BigInt>>, elim_cols: usize) -> usize {
    let n = a.len();
    let mut prev = BigInt::from(1);
    let mut k = 0;
    for c in 0..elim_cols {
        let Some(p) = (k..n).find(|&r| a[r][c] != BigInt::from(0)) else {
            continue;
        };
        a.swap(k, p);
        let pivot_row = a[k].clone();
        for row in a.iter_mut().skip(k + 1) {
            let lead = std::mem::take(&mut row[c]);
            for j in c + 1..row.len() {
                row[j] = (&row[j] * &pivot_row[c] - &lead * &pivot_row[j]) / &prev;
            }
        }
        prev = pivot_row[c].clone();
        k += 1;
    }
    k
}

fn benches(c: &mut Criterion) {
    let opts = Thm1Options {
        s_plus: 1.into(),
        s_minus: 0.into(),
        width: 2,
        alpha: 1.into(),
    };
    let mut group = c.benchmark_group("thm1");
    group.sample_size(10);
    for (name, text) in bench_data() {
        let data = parse_csv(&text, None).unwrap();
        group.bench_function(format!("certify-end-to-end/{name}"), |b| {
            b.iter(|| {
                let d = parse_csv(&text, None).unwrap();
                let r = certify(&d, &opts).unwrap();
                critcert::cert::to_json(&r.certificate).len()
            })
        });
        let a = data.augmented();
        let y = QMatrix::try_from_vec(data.len(), 1, data.y.clone()).expect("one target per point");
        group.bench_function(format!("least-squares-kernel/{name}"), |b| {
            b.iter(|| least_squares(&a, &y).expect("one row per point").rank)
        });
        // Rational-type choice: the Gram system of this dataset, eliminated with GMP and with
        // num-bigint.
        let cols: Vec<Vec<Integer>> = (0..a.cols())
            .map(|j| {
                let col = a.col(j);
                let l = col.iter().fold(Integer::from(1), |l, q| l.lcm(q.denom()));
                col.iter()
                    .map(|q| Integer::from(&l / q.denom()) * q.numer())
                    .collect()
            })
            .collect();
        let gram: Vec<Vec<Integer>> = cols
            .iter()
            .map(|p| {
                cols.iter()
                    .map(|q| p.iter().zip(q).map(|(x, y)| Integer::from(x * y)).sum())
                    .collect()
            })
            .collect();
        let gram_big: Vec<Vec<BigInt>> = gram
            .iter()
            .map(|r| r.iter().map(|x| x.to_string().parse().unwrap()).collect())
            .collect();
        let n = gram.len();
        group.bench_function(format!("bareiss-gmp/{name}"), |b| {
            b.iter(|| {
                critcert::exact::elimination::bareiss(gram.clone(), n)
                    .expect("a square matrix")
                    .pivot_cols
                    .len()
            })
        });
        group.bench_function(format!("bareiss-num-bigint/{name}"), |b| {
            b.iter(|| bareiss_bigint(gram_big.clone(), n))
        });
    }
    group.finish();
}

criterion_group!(thm1, benches);
criterion_main!(thm1);
