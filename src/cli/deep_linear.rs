//! `critcert deep-linear`: is a deep linear network at a global minimum or a saddle?
//! (Theorem 4, Corollary 5.)

use super::{print_json, show, write_out};
use critcert::cert::to_json;
use critcert::cert::value::V;
use critcert::deeplinear::load::{
    read_matrix, read_matrix_f64, read_weights, read_weights_f64, Mat64, RawMatrix,
};
use critcert::deeplinear::loss::{prepare_targets, prepare_targets_f64, Loss64, LossSpec};
use critcert::deeplinear::{self, Verdict64};
use critcert::exact::{format_rational, QMatrix};
use critcert::model::dataset::{column_size, DEFAULT_MEMORY_LIMIT_MB};
use critcert::theorems::thm4::{self, DeepLinear, Entry};
use critcert::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `critcert deep-linear`.
#[derive(clap::Args)]
pub struct Args {
    /// Weight files W1 … W_{H+1} in order (.npy, .csv or .json one matrix each, shape
    /// (out, in) as in PyTorch), a .json list of matrices, or one .safetensors file.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    weights: Vec<PathBuf>,
    /// For .safetensors: the tensor names of the layers, first layer first (default: every 2-D
    /// tensor, in natural order of the names).
    #[arg(long, value_name = "NAME", num_args = 1.., value_delimiter = ',')]
    layers: Option<Vec<String>>,
    /// Inputs, one row per data point (m × dx): .npy, .csv or .json.
    #[arg(long, value_name = "X")]
    x: PathBuf,
    /// Targets, one row per data point (m × dy); for --loss cross-entropy also one column of
    /// class indices 0..dy−1.
    #[arg(long, value_name = "Y")]
    y: PathBuf,
    /// The loss ℓ0: squared (½‖Ŷ − Y‖², default); logistic (dy = 1, labels −1/1; 0/1 labels
    /// are accepted, with a note on stderr); cross-entropy (softmax; Y rows one-hot or
    /// probability vectors summing to exactly 1, or a 1-column file of class indices
    /// 0..dy−1); huber:δ (δ > 0, decimal or fraction); or a formula f(yhat, y) summed over
    /// every entry (--exact only).
    #[arg(long, value_name = "NAME|FORMULA", default_value = "squared")]
    loss: String,
    /// Exact rational arithmetic (decimal text read exactly, binary floats converted exactly);
    /// writes a certificate with --out.
    #[arg(long)]
    exact: bool,
    /// f64 path: tolerance τ on gradient entries for "critical within τ".
    #[arg(long, value_name = "T", default_value_t = 1e-8)]
    tol: f64,
    /// f64 path: threads for the matrix products (default, and at most: the cores available).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// f64 path: matrix-product kernel: openblas (the system's libopenblas.so.0, loaded at run
    /// time), faer, or auto (openblas when installed, else faer).
    #[arg(long, value_name = "KERNEL", default_value = "auto", value_parser = ["auto", "openblas", "faer"])]
    blas: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// f64 path: also compute the numerical rank of the product (an SVD of the dy × dx
    /// product; the verdict does not use it).
    #[arg(long)]
    rank: bool,
    /// Write the certificate here (atomically; --exact only).
    #[arg(long, value_name = "CERT.json")]
    out: Option<PathBuf>,
    /// Refuse inputs whose computation is estimated to need more than this many MB (default:
    /// 1024 with --exact; on the f64 path half the physical memory, or less under a lower
    /// address-space or cgroup limit).
    #[arg(long, value_name = "MB")]
    memory_limit: Option<u64>,
}

/// The exact path's memory of the inputs as read (each entry is held as a tagged value of 32
/// bytes, then as a rational), per byte of input file.
const READ_FACTOR: u64 = 5;

/// The f64 path's memory while reading, per byte of input file: `.npy` and `.safetensors`
/// become 8-byte floats (twice the bytes of float32) and a `.safetensors` file is held whole
/// while its tensors are converted; CSV and JSON text (2 bytes per number at the least) is held
/// with the parsed values (JSON as a tree of 32-byte values) and the matrix.
fn f64_read_factor(path: &std::path::Path) -> u64 {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "npy" | "safetensors" => 3,
        _ => 25,
    }
}

/// The f64 path's default `--memory-limit` in MB: half the physical memory, and at most three
/// quarters of the address-space limit (`ulimit -v`) or of the cgroup's `memory.max` when
/// those are lower; 1024 when none can be read.
fn default_f64_limit_mb() -> u64 {
    // SAFETY: sysconf and getrlimit only read process/system information.
    let phys = unsafe {
        let pages = libc::sysconf(libc::_SC_PHYS_PAGES);
        let size = libc::sysconf(libc::_SC_PAGESIZE);
        (pages > 0 && size > 0).then(|| pages as u64 * size as u64)
    };
    let mut limit = phys.map_or(u64::from(u32::MAX), |p| p / 2);
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `r` is a valid rlimit to write into.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut r) } == 0 && r.rlim_cur != libc::RLIM_INFINITY
    {
        limit = limit.min(r.rlim_cur / 4 * 3);
    }
    if let Some(max) = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
    {
        limit = limit.min(max / 4 * 3);
    }
    if phys.is_none() {
        limit = limit.min(DEFAULT_MEMORY_LIMIT_MB << 20);
    }
    (limit >> 20).max(1)
}

fn too_big(what: &str, need: u128, limit_mb: u64) -> Error {
    Error::Input(format!(
        "{what} is estimated to need about {} MB, above --memory-limit {limit_mb} MB; raise --memory-limit (in MB) if the machine has the memory",
        (need >> 20).max(u128::from(limit_mb) + 1)
    ))
}

/// Bytes of the f64 path once the inputs are read, for widths `d0 = dx, …, dL = dy` and `m`
/// points: the weights, `X` and `Y`; the prefix products `W_{j:1}` (`d_j × dx`, the last is the
/// product), `∇ℓ0` and its copy, two `d × dx` buffers of the backward sweep and two
/// layer-gradient buffers (each layer gradient is reduced to its norm and largest entry as it
/// is formed); one block of the residual and two numbers per point; and, with `--rank`, the
/// SVD of the product (about four `dy × dx` matrices), all as 8-byte floats.
fn f64_memory(d: &[usize], m: usize, rank: bool) -> u128 {
    let d: Vec<u128> = d.iter().map(|&n| n as u128).collect();
    let m = m as u128;
    let l = d.len() - 1;
    let (dx, dy) = (d[0], d[l]);
    let dmax = d[1..].iter().copied().max().unwrap_or(0);
    let wmax = (1..=l).map(|j| d[j] * d[j - 1]).max().unwrap_or(0);
    let mut entries = (dx + dy) * m + 2 * m + dy * m.min(1024);
    entries += 2 * dy * dx + 2 * dmax * dx + 2 * wmax;
    for j in 1..=l {
        entries += d[j] * d[j - 1] + d[j] * dx;
    }
    if rank {
        entries += 4 * dy * dx;
    }
    entries * 8
}

/// Bytes of the exact path: the same matrices as [`f64_memory`] (and the exact Hessian when
/// it is computed), each entry a rational whose size grows with the sizes of the factors.
fn exact_memory(w: &[QMatrix], x: &QMatrix, y: &QMatrix, limit_mb: u64) -> u128 {
    let cap = limit_mb.saturating_mul(8 << 20);
    let bits = |m: &QMatrix| {
        let c = column_size(m.data().iter(), cap);
        u128::from(c.scale_bits.unwrap_or(cap) + c.max_bits)
    };
    let mut d = vec![x.rows() as u128];
    d.extend(w.iter().map(|m| m.rows() as u128));
    let m = x.cols() as u128;
    let l = d.len() - 1;
    let (dx, dy) = (d[0], d[l]);
    let log = |n: u128| 128 - u128::from(n.leading_zeros());
    let entry_bits = w.iter().map(bits).sum::<u128>()
        + 2 * bits(x)
        + bits(y)
        + d.iter().map(|&n| log(n)).sum::<u128>()
        + log(m)
        + 64;
    let mut entries = 2 * dy * dx + dy * m;
    let mut params = 0;
    for j in 1..=l {
        entries += d[j] * dx + dy * d[j - 1] + d[j] * d[j - 1];
        params += d[j] * d[j - 1];
    }
    if params <= critcert::theorems::thm4::HESSIAN_LIMIT as u128 {
        entries += params * params;
    }
    entries * entry_bits * 3 / 8
}

/// Checks the shapes, naming the files: `w` as (name, rows, cols) of each `W_j`, `x` and `y`
/// as (name, rows, cols) with one column per point.
fn check_shapes(
    w: &[(&str, usize, usize)],
    x: (&str, usize, usize),
    y: (&str, usize, usize),
) -> Result<()> {
    let mut prev = (x.1, x.0);
    for (j, &(name, rows, cols)) in w.iter().enumerate() {
        if cols != prev.0 {
            return Err(Error::Input(format!(
                "{name}: layer W{} has shape ({rows}, {cols}) (out, in) but {} provides {} features",
                j + 1,
                prev.1,
                prev.0
            )));
        }
        prev = (rows, name);
    }
    if y.1 != prev.0 || y.2 != x.2 {
        return Err(Error::Input(format!(
            "{}: Y has {} rows of {} targets, expected {} rows (as X) of {} (the last layer's outputs)",
            y.0, y.2, y.1, x.2, prev.0
        )));
    }
    let r = x.1.min(y.1);
    if let Some((j, &(name, rows, _))) = w[..w.len() - 1].iter().enumerate().find(|(_, a)| a.1 < r)
    {
        return Err(Error::Input(format!(
            "{name}: layer W{} has width {rows} < min(dx, dy) = {r} (Theorem 4 needs every hidden width ≥ min(dx, dy))",
            j + 1,
        )));
    }
    Ok(())
}

/// Class indices become one-hot rows (`m × dy` entries): refuse before allocating them.
fn check_one_hot(
    name: &str,
    m: usize,
    cols: usize,
    dy: usize,
    per: u64,
    limit_mb: u64,
) -> Result<()> {
    let expanded = (m as u128) * (dy as u128) * u128::from(per);
    if cols == 1 && dy > 1 && expanded > u128::from(limit_mb) << 20 {
        return Err(too_big(
            &format!("{name}: one-hot rows for {m} class indices and {dy} classes"),
            expanded,
            limit_mb,
        ));
    }
    Ok(())
}

/// The exact path's inputs: the weights, `X` and `Y` (one column per point) as read, and a note
/// on how the targets were read for the loss (printed on stderr).
fn load(
    args: &Args,
    limit_mb: u64,
) -> Result<(Vec<RawMatrix>, RawMatrix, RawMatrix, Option<String>)> {
    let w = read_weights(&args.weights, args.layers.as_deref())?;
    let x = read_matrix(&args.x)?.transposed();
    let y = read_matrix(&args.y)?;
    let dy = w.last().map_or(0, |m| m.rows);
    let name = y.name.clone();
    check_one_hot(&name, y.rows, y.cols, dy, READ_FACTOR * 8, limit_mb)?;
    let (y, note) = prepare_targets(&args.loss, y, dy, &name)?;
    let y = y.transposed();
    let ws: Vec<(&str, usize, usize)> = w
        .iter()
        .map(|m| (m.name.as_str(), m.rows, m.cols))
        .collect();
    check_shapes(&ws, (&x.name, x.rows, x.cols), (&y.name, y.rows, y.cols))?;
    Ok((w, x, y, note))
}

/// The f64 path's inputs, read straight into f64 (`X` and `Y` one column per point), and the
/// note on the targets. Targets in CSV/JSON for `logistic` or `cross-entropy` are checked on
/// their text (exactly, as the exact path does) before they are rounded.
fn load_f64(args: &Args, limit_mb: u64) -> Result<(Vec<Mat64>, Mat64, Mat64, Option<String>)> {
    let w = read_weights_f64(&args.weights, args.layers.as_deref())?;
    let x = read_matrix_f64(&args.x, true)?;
    let dy = w.last().map_or(0, |m| m.mat.nrows());
    let text = args.y.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_lowercase();
        e == "csv" || e == "json"
    });
    let checked = matches!(
        LossSpec::parse(&args.loss)?,
        LossSpec::Logistic | LossSpec::CrossEntropy
    );
    let (y, note) = if text && checked {
        let y = read_matrix(&args.y)?;
        let name = y.name.clone();
        check_one_hot(&name, y.rows, y.cols, dy, READ_FACTOR * 8, limit_mb)?;
        let (y, note) = prepare_targets(&args.loss, y, dy, &name)?;
        (y.to_mat64(true)?, note)
    } else {
        let y = read_matrix_f64(&args.y, true)?;
        let name = y.name.clone();
        check_one_hot(&name, y.mat.ncols(), y.mat.nrows(), dy, 8, limit_mb)?;
        prepare_targets_f64(&args.loss, y, dy, &name)?
    };
    let ws: Vec<(&str, usize, usize)> = w
        .iter()
        .map(|m| (m.name.as_str(), m.mat.nrows(), m.mat.ncols()))
        .collect();
    check_shapes(
        &ws,
        (&x.name, x.mat.nrows(), x.mat.ncols()),
        (&y.name, y.mat.nrows(), y.mat.ncols()),
    )?;
    Ok((w, x, y, note))
}

fn entry_name(e: &Entry) -> String {
    if e.layer == 0 {
        format!("∇ℓ0[{},{}]", e.row, e.col)
    } else {
        format!("∂ℓ/∂W{}[{},{}]", e.layer, e.row, e.col)
    }
}

/// A value for JSON: the exact rational, or the enclosure `[lo, hi]`.
fn v_text(v: &V) -> String {
    match v {
        V::E(q) => format_rational(q),
        V::N(i) => i.show(17),
    }
}

/// A value for the terminal.
fn v_show(v: &V) -> String {
    match v {
        V::E(q) => show(q),
        V::N(i) => format!("∈ {}", i.show(12)),
    }
}

/// `= value` or `∈ [lo, hi]`.
fn v_is(v: &V) -> String {
    match v {
        V::E(_) => format!("= {}", v_show(v)),
        V::N(_) => v_show(v),
    }
}

fn entry_json(e: &Option<Entry>) -> serde_json::Value {
    match e {
        None => serde_json::Value::Null,
        Some(e) => json!({"entry": entry_name(e), "value": v_text(&e.value)}),
    }
}

/// Runs `critcert deep-linear`. Exit 0 when the verdict is decided (and a requested certificate
/// was written), 1 when inconclusive or the certificate cannot be built, 2 on bad input.
pub fn run(args: Args) -> Result<i32> {
    let mut inputs: Vec<&std::path::Path> = args.weights.iter().map(PathBuf::as_path).collect();
    inputs.extend([args.x.as_path(), args.y.as_path()]);
    super::refuse_overwrite(args.out.as_deref(), &inputs)?;
    let threads = super::threads(args.threads)?;
    let on_disk: u128 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| u128::from(m.len()))
        .sum();
    let limit_mb = args.memory_limit.unwrap_or_else(|| {
        if args.exact {
            DEFAULT_MEMORY_LIMIT_MB
        } else {
            default_f64_limit_mb()
        }
    });
    let limit = u128::from(limit_mb) << 20;
    let reading: u128 = inputs
        .iter()
        .filter_map(|p| {
            let factor = if args.exact {
                READ_FACTOR
            } else {
                f64_read_factor(p)
            };
            std::fs::metadata(p)
                .ok()
                .map(|m| u128::from(m.len()) * u128::from(factor))
        })
        .sum();
    if reading > limit {
        return Err(too_big(
            &format!("reading the inputs ({} MB on disk)", on_disk >> 20),
            reading,
            limit_mb,
        ));
    }
    if !(args.tol.is_finite() && args.tol >= 0.0) {
        return Err(Error::Input(format!(
            "--tol {} must be a finite number ≥ 0",
            args.tol
        )));
    }
    if args.out.is_some() && !args.exact {
        return Err(Error::Input(
            "--out writes a certificate, which needs --exact".into(),
        ));
    }
    // The f64 path refuses a formula loss before reading anything.
    let loss64 = if args.exact {
        None
    } else {
        Some(Loss64::parse(&args.loss)?)
    };
    // The exact path parses the loss (a formula's syntax included) before reading anything.
    let exact_loss = if args.exact {
        let name = critcert::deeplinear::loss::LossSpec::parse(&args.loss)?.certificate_name();
        critcert::cert::loss::Loss::parse(&name)
            .map_err(|e| Error::Input(format!("--loss: {e}")))?;
        name
    } else {
        String::new()
    };
    if args.exact {
        let (w, x, y, note) = load(&args, limit_mb)?;
        if let Some(n) = note {
            eprintln!("note: {n}");
        }
        run_exact(&args, limit_mb, &exact_loss, &w, &x, &y)
    } else {
        let (w, x, y, note) = load_f64(&args, limit_mb)?;
        if let Some(n) = note {
            eprintln!("note: {n}");
        }
        let mut d = vec![x.mat.nrows()];
        d.extend(w.iter().map(|m| m.mat.nrows()));
        let need = f64_memory(&d, x.mat.ncols(), args.rank);
        if need > limit {
            return Err(too_big("the f64 analysis of these shapes", need, limit_mb));
        }
        let loss = loss64.unwrap_or(Loss64::Squared);
        let wf: Vec<faer::Mat<f64>> = w.into_iter().map(|m| m.mat).collect();
        run_f64(&args, threads, &loss, &wf, &x.mat, &y.mat)
    }
}

fn run_exact(
    args: &Args,
    limit_mb: u64,
    loss: &str,
    w: &[RawMatrix],
    x: &RawMatrix,
    y: &RawMatrix,
) -> Result<i32> {
    let net = DeepLinear {
        weights: w
            .iter()
            .map(|m| m.to_exact())
            .collect::<Result<Vec<QMatrix>>>()?,
        x: x.to_exact()?,
        y: y.to_exact()?,
        loss: loss.into(),
    };
    let need = exact_memory(&net.weights, &net.x, &net.y, limit_mb);
    if need > u128::from(limit_mb) << 20 {
        return Err(too_big(
            "the exact analysis of these matrices (their sizes and the digits of their entries)",
            need,
            limit_mb,
        ));
    }
    let a = thm4::analyse(&net)?;
    let certified = a.certificate.is_ok();
    if let (Some(_), Ok((c, _))) = (&args.out, &a.certificate) {
        write_out(args.out.as_deref(), &to_json(c))?;
    }
    let part3 = a.part3_layer.map(|j| format!("holds at j* = {j}"));
    // The numbers of a near-global-minimum or an inherited local optimum, from the certificate.
    let witness = a.certificate.as_ref().ok().map(|(c, _)| &c.witness);
    let field = |f: fn(&critcert::cert::thm4::Witness) -> &Option<String>| {
        witness.and_then(|w| f(w).clone())
    };
    let (radius, sigma, distance, epsilon) = (
        field(|w| &w.radius),
        field(|w| &w.sigma_min_bound),
        field(|w| &w.distance),
        field(|w| &w.epsilon),
    );
    if args.json {
        print_json(&json!({
            "verdict": a.verdict.name(),
            "path": "exact",
            "loss_name": loss,
            "widths": a.widths,
            "loss": v_text(&a.loss),
            "radius": radius,
            "sigma_min_bound": sigma,
            "distance": distance,
            "epsilon": epsilon,
            "max_layer_gradient": entry_json(&a.max_layer_gradient),
            "max_product_gradient": entry_json(&a.max_product_gradient),
            "product_rank": a.product_rank,
            "part3": a.part3_layer,
            "hessian_inertia": a.hessian_inertia,
            "saddle_construction": a.saddle_construction,
            "certified": certified,
            "not_certified_reason": a.certificate.as_ref().err(),
            "certificate": args.out.as_ref().filter(|_| certified).map(|p| p.display().to_string()),
        }))?;
    } else {
        println!("verdict: {} (exact)", a.verdict.name());
        println!("  widths                  {:?}", a.widths);
        let name = if loss == critcert::cert::loss::SQUARED {
            "squared"
        } else {
            loss
        };
        println!("  loss                    {} ({name})", v_show(&a.loss));
        match &a.max_layer_gradient {
            Some(e) => println!(
                "  largest layer gradient  {} {}",
                entry_name(e),
                v_is(&e.value)
            ),
            None => println!("  layer gradients         all exactly 0 (critical point)"),
        }
        match &a.max_product_gradient {
            Some(e) => println!(
                "  ∇ℓ0 at the product      {} {}",
                entry_name(e),
                v_is(&e.value)
            ),
            None => println!("  ∇ℓ0 at the product      exactly 0"),
        }
        println!(
            "  rank of the product     {} (min(dx, dy) = {})",
            a.product_rank,
            a.widths[0].min(a.widths[a.widths.len() - 1])
        );
        println!(
            "  Part 3 rank condition   {}",
            part3.as_deref().unwrap_or("fails for every j*")
        );
        if let Some(i) = a.hessian_inertia {
            println!("  Hessian inertia         {i}");
        }
        if let Some(c) = a.saddle_construction {
            println!("  saddle witness          {c}");
        }
        if let (Some(r), Some(s), Some(d)) = (&radius, &sigma, &distance) {
            println!(
                "  zero of ∇ℓ0             unique in the cube |R − W_(H+1:1)| ≤ {r} (Krawczyk)"
            );
            println!("  σ_min(W_(H+1:2))        ≥ {s}");
            println!("  global minimum within   δ = {d} (Frobenius distance, a change of W1)");
        }
        if let (Some(r), Some(e)) = (&radius, &epsilon) {
            println!(
                "  Hessian of ℓ0           definite on the cube of radius {r} around the product"
            );
            println!("  optimal on              max_j ‖W_j − Ŵ_j‖₂ ≤ ε = {e}");
        }
        match (&a.certificate, &args.out) {
            (Ok((_, r)), Some(p)) => println!(
                "  certificate             {} ({} claims, accepted by the checker)",
                p.display(),
                r.claims.len()
            ),
            (Ok(_), None) => {}
            (Err(e), _) => println!("  not certified: {e}"),
        }
    }
    match (&a.certificate, &args.out) {
        (Err(e), Some(_)) => Err(Error::NotCertified(e.clone())),
        (Err(_), None) if a.verdict == thm4::Verdict::Undecided => Ok(1),
        _ => Ok(0),
    }
}

fn run_f64(
    args: &Args,
    threads: usize,
    loss: &Loss64,
    wf: &[faer::Mat<f64>],
    xf: &faer::Mat<f64>,
    yf: &faer::Mat<f64>,
) -> Result<i32> {
    let par = if threads == 1 {
        faer::Par::Seq
    } else {
        faer::Par::rayon(threads)
    };
    let openblas = match args.blas.as_str() {
        "faer" => None,
        wanted => match deeplinear::OpenBlas::load(threads) {
            Ok(b) => Some(b),
            Err(e) if wanted == "openblas" => {
                return Err(Error::Input(format!("--blas openblas: {e}")))
            }
            Err(_) => None,
        },
    };
    let gemm = match &openblas {
        Some(b) => deeplinear::Gemm::OpenBlas(b),
        None => deeplinear::Gemm::Faer(par),
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(deeplinear::product_count(wf.len()));
        b.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} products")
                .expect("template"),
        );
        b.set_message("deep-linear");
        b
    } else {
        ProgressBar::hidden()
    };
    let tick = || bar.inc(1);
    let r = deeplinear::analyse_loss(
        loss,
        wf,
        xf.as_ref(),
        yf.as_ref(),
        args.tol,
        gemm,
        &tick,
        args.rank,
    );
    bar.finish_and_clear();
    if args.json {
        print_json(&json!({
            "verdict": r.verdict.name(),
            "path": "f64",
            "loss_name": args.loss.trim(),
            "tolerance": r.tol,
            "explanation": r.explanation,
            "widths": r.widths,
            "points": r.m,
            "loss": r.loss,
            "grad0_norm": r.grad0_norm,
            "grad0_max": {"entry": format!("∇ℓ0[{},{}]", r.grad0_max.0, r.grad0_max.1), "value": r.grad0_max.2, "rounding_bound": r.grad0_bound, "certified_nonzero": r.grad0_certified_nonzero},
            "layer_grad_norms": r.layer_grad_norms,
            "layer_grad_max": {"entry": format!("∂ℓ/∂W{}[{},{}]", r.layer_grad_max.0, r.layer_grad_max.1, r.layer_grad_max.2), "value": r.layer_grad_max.3},
            "product_rank": r.product_rank,
            "rank_tolerance": r.rank_tol,
            "threads": threads,
            "kernel": gemm.name(),
        }))?;
    } else {
        println!(
            "verdict: {} (f64, tolerance τ = {:e})",
            r.verdict.name(),
            r.tol
        );
        println!("  {}", r.explanation);
        println!("  widths                  {:?}, {} points", r.widths, r.m);
        println!(
            "  matrix products         {} ({threads} threads)",
            gemm.name()
        );
        println!(
            "  loss                    {:.10e} ({})",
            r.loss,
            args.loss.trim()
        );
        println!("  ‖∇ℓ0‖_F                 {:.6e}", r.grad0_norm);
        println!(
            "  largest layer gradient  ∂ℓ/∂W{}[{},{}] = {:.6e}",
            r.layer_grad_max.0, r.layer_grad_max.1, r.layer_grad_max.2, r.layer_grad_max.3
        );
        match (r.product_rank, r.rank_tol) {
            (Some(k), Some(t)) => println!(
                "  rank of the product     {k} (σ > {t:.3e}; full rank {} gives Part 3)",
                r.widths[0].min(r.widths[r.widths.len() - 1])
            ),
            _ => println!("  rank of the product     not computed (--rank: an SVD of the product)"),
        }
    }
    Ok(if r.verdict == Verdict64::Inconclusive {
        1
    } else {
        0
    })
}
