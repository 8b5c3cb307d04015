//! Benchmark of the f64 deep-linear path (a bench binary, `harness = false`): the product,
//! residual, ∇ℓ0 and every layer gradient for random Gaussian weights scaled 1/√width, and the
//! machine's dgemm peak (4096³), with the kernel `K` (`auto`: OpenBLAS when installed, else
//! faer; or `openblas`, `faer`).
//!
//! `cargo bench --bench deep_linear -- [CONFIG|dgemm[:N]] [--threads N] [--reps R] [--blas K]`
//! where CONFIG is `layers,width,dx,dy,m` (default: the three issue configurations and dgemm).
//! Each configuration prints one JSON line: best time of R runs, GFLOP/s, the resident memory
//! before the computation and the peak after its first run (VmHWM; run one configuration per
//! process for a per-configuration figure).

use critcert::deeplinear::{flops, gradients, Gemm, OpenBlas};
use faer::{Mat, Par};
use std::time::Instant;

/// xorshift64* and Box–Muller: reproducible Gaussian numbers without extra dependencies.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn mat(&mut self, r: usize, c: usize, scale: f64) -> Mat<f64> {
        Mat::from_fn(r, c, |_, _| self.gauss() * scale)
    }
}

/// A memory figure of this process from `/proc/self/status` (`VmHWM`: peak, `VmRSS`: now).
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn dgemm(n: usize, gemm: Gemm, reps: usize) {
    let mut rng = Rng(7);
    let a = rng.mat(n, n, 1.0);
    let b = rng.mat(n, n, 1.0);
    let mut c = Mat::<f64>::zeros(n, n);
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        gemm.product(c.as_mut(), a.as_ref(), b.as_ref(), false);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let gf = 2.0 * (n as f64).powi(3) / best / 1e9;
    println!(
        "{{\"bench\": \"dgemm\", \"kernel\": \"{}\", \"n\": {n}, \"seconds\": {best:.4}, \"gflops\": {gf:.1}}}",
        gemm.name()
    );
}

fn config(cfg: [usize; 5], gemm: Gemm, reps: usize) {
    let [layers, width, dx, dy, m] = cfg;
    let mut d = vec![dx];
    d.extend(std::iter::repeat_n(width, layers - 1));
    d.push(dy);
    let mut rng = Rng(42);
    let w: Vec<Mat<f64>> = (1..=layers)
        .map(|j| rng.mat(d[j], d[j - 1], 1.0 / (d[j - 1] as f64).sqrt()))
        .collect();
    let x = rng.mat(dx, m, 1.0);
    let y = rng.mat(dy, m, 1.0);
    let input_mib = (w.iter().map(|a| a.nrows() * a.ncols()).sum::<usize>() + (dx + dy) * m) as f64
        * 8.0
        / (1 << 20) as f64;
    let before = status_mib("VmRSS:");
    let mut best = f64::INFINITY;
    let mut checksum = 0.0;
    let mut first_peak = f64::NAN;
    for rep in 0..reps {
        let t = Instant::now();
        let g = gradients(&w, x.as_ref(), y.as_ref(), gemm, &|| {});
        best = best.min(t.elapsed().as_secs_f64());
        checksum = g.grad0.norm_l2();
        if rep == 0 {
            // The peak of one computation: later repetitions add the allocator's retained
            // memory, not the computation's.
            first_peak = status_mib("VmHWM:");
        }
    }
    let f = flops(&d, m);
    println!(
        "{{\"bench\": \"critcert\", \"kernel\": \"{}\", \"config\": [{layers}, {width}, {dx}, {dy}, {m}], \"seconds\": {best:.4}, \"gflop\": {:.2}, \"gflops\": {:.1}, \"input_mib\": {input_mib:.1}, \"rss_before_mib\": {before:.1}, \"peak_rss_mib\": {:.1}, \"grad0_norm\": {checksum:.6e}}}",
        gemm.name(),
        f / 1e9,
        f / best / 1e9,
        first_peak
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut reps = 3;
    let mut blas = "auto".to_string();
    let mut what = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--threads" => {
                threads = args[i + 1].parse().expect("--threads N");
                i += 1;
            }
            "--reps" => {
                reps = args[i + 1].parse().expect("--reps R");
                i += 1;
            }
            "--blas" => {
                blas = args[i + 1].clone();
                i += 1;
            }
            "--bench" => {}
            a => what.push(a.to_string()),
        }
        i += 1;
    }
    let par = if threads == 1 {
        Par::Seq
    } else {
        Par::rayon(threads)
    };
    let openblas = match blas.as_str() {
        "faer" => None,
        "openblas" => Some(OpenBlas::load(threads).expect("--blas openblas")),
        _ => OpenBlas::load(threads).ok(),
    };
    let gemm = openblas.as_ref().map_or(Gemm::Faer(par), Gemm::OpenBlas);
    if what.is_empty() {
        what = vec![
            "4,256,256,256,1024".into(),
            "8,1024,1024,1024,4096".into(),
            "16,512,512,512,2048".into(),
            "dgemm".into(),
        ];
    }
    for w in what {
        if let Some(n) = w.strip_prefix("dgemm") {
            dgemm(
                n.trim_start_matches(':').parse().unwrap_or(4096),
                gemm,
                reps,
            );
        } else {
            let v: Vec<usize> = w.split(',').map(|s| s.parse().expect("number")).collect();
            config(v.try_into().expect("layers,width,dx,dy,m"), gemm, reps);
        }
    }
}
