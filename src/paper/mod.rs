//! `critcert paper`: every result of the paper, certified, re-checked and reported.
//!
//! A [`Task`] is one certificate the paper needs: which result it belongs to, the claim in a few
//! words, how it is certified, and a function that produces the certificate JSON. [`registry`]
//! lists them all; [`run`] produces each one, writes it, reads it back and re-checks the file
//! with the trusted checker ([`crate::cert::check_str`]), draws its pictures
//! ([`figures`]) and writes the report and the reviewer's guide ([`report`]). Everything written
//! is deterministic (no timings, no paths of the machine), so a rerun reproduces the directory
//! byte for byte; timings are returned to the caller for printing only.
//!
//! To add a result: add [`Task`]s to [`registry`] (the certificate path decides the
//! sub-directory, e.g. `thm2/sigmoid.json`), and, if its kind deserves a picture, a match arm in
//! [`figures::for_certificate`] and a summary in [`report`].

pub mod explain;
pub mod figures;
pub mod figures_point;
pub mod figures_thm2;
pub mod report;

use crate::cert::loss::SQUARED;
use crate::cert::{self, CheckReport};
use crate::deeplinear::load::{read_matrix, read_weights};
use crate::error::{Error, Result};
use crate::exact::{QMatrix, Q};
use crate::model::{parse_activation, read_csv};
use crate::theorems::point::{self, identity_teachers, read_students, ModelSpec, PointOptions};
use crate::theorems::thm1::{self, Thm1Options};
use crate::theorems::thm2;
use crate::theorems::thm4::{self, DeepLinear};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A function producing one certificate's JSON text.
pub type Producer = Box<dyn Fn() -> Result<String>>;

/// One certificate of the paper.
pub struct Task {
    /// Path of the certificate relative to the output directory, e.g. `thm1/iris-relu.json`.
    pub path: String,
    /// The paper's result, e.g. `Theorem 1`.
    pub result: &'static str,
    /// The claim, in a few words.
    pub claim: String,
    /// How the claim is certified.
    pub method: &'static str,
    /// Produces the certificate.
    pub produce: Producer,
}

/// What became of one task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Produced, written, and the written file accepted by the checker.
    Accepted,
    /// The construction could not certify the claim (the reason).
    NotCertified(String),
    /// The checker rejected the written certificate (the reason).
    Rejected(String),
    /// The task could not run (e.g. a missing dataset).
    Failed(String),
}

impl Status {
    /// A short word for tables.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::NotCertified(_) => "NOT CERTIFIED",
            Status::Rejected(_) => "REJECTED",
            Status::Failed(_) => "FAILED",
        }
    }
}

/// The outcome of one task.
pub struct Outcome {
    /// The certificate path relative to the output directory.
    pub path: String,
    /// The paper's result.
    pub result: &'static str,
    /// The claim in a few words.
    pub claim: String,
    /// How it is certified.
    pub method: &'static str,
    /// What happened.
    pub status: Status,
    /// The certificate text, when produced.
    pub json: Option<String>,
    /// The checker's report, when accepted.
    pub report: Option<CheckReport>,
    /// Wall-clock seconds to produce and re-check (for printing only; never written).
    pub seconds: f64,
}

/// A Theorem 1 activation: file-name label, description, s+ and s− as (numerator, denominator).
type Thm1Activation = (&'static str, &'static str, (i64, i64), (i64, i64));

/// The Theorem 1 activations of the paper.
const THM1_ACTIVATIONS: [Thm1Activation; 3] = [
    ("relu", "ReLU", (1, 1), (0, 1)),
    ("leaky-relu", "leaky ReLU (s− = 1/100)", (1, 1), (1, 100)),
    (
        "slightest",
        "the slightest nonlinearity (s+ = 1001/1000, s− = 1)",
        (1001, 1000),
        (1, 1),
    ),
];

fn thm1_task(data_dir: &Path, dataset: &str, activation: usize) -> Task {
    let (label, description, (pn, pd), (mn, md)) = THM1_ACTIVATIONS[activation];
    let file = data_dir.join(format!("{dataset}.csv"));
    let opts = Thm1Options {
        s_plus: Q::from((pn, pd)),
        s_minus: Q::from((mn, md)),
        width: 2,
        alpha: Q::from(1),
    };
    Task {
        path: format!("thm1/{dataset}-{label}.json"),
        result: "Theorem 1",
        claim: format!("{description}, width 2, {dataset} data: a spurious local minimum"),
        method: "exact rationals",
        produce: Box::new(move || {
            let data = read_csv(&file, None)?;
            let r = thm1::certify(&data, &opts).map_err(|e| match e {
                Error::NotCertified(m) => Error::NotCertified(format!("{}: {m}", file.display())),
                other => other,
            })?;
            Ok(cert::to_json(&r.certificate))
        }),
    }
}

/// The Theorem 2 activations: certificate name (`thm2/<name>.json`) and CLI spelling.
const THM2_ACTIVATIONS: [(&str, &str); 13] = [
    ("sigmoid", "sigmoid"),
    ("tanh", "tanh"),
    ("arctan", "arctan"),
    ("elu", "elu"),
    ("selu", "selu"),
    ("softplus", "softplus"),
    ("gelu", "gelu"),
    ("silu", "silu"),
    ("quadratic", "quadratic"),
    ("relu", "relu"),
    ("leaky-relu", "relu-like:1:1/100"),
    ("mish", "mish"),
    ("softsign", "softsign"),
];

/// MPFR precision of the Theorem 2 certificates, in bits.
const THM2_PRECISION: u32 = 128;

fn thm2_task(name: &'static str, spec: &'static str) -> Task {
    Task {
        path: format!("thm2/{name}.json"),
        result: "Theorem 2",
        claim: format!(
            "{name}, the 3-point data: a zero-loss global minimum and a spurious local minimum (loss 1/3) on an explicit box"
        ),
        method: if spec.starts_with("relu") {
            "exact rationals"
        } else {
            "exact + MPFR intervals"
        },
        produce: Box::new(move || {
            let act = parse_activation(spec)?;
            Ok(cert::to_json(&thm2::certify(&act, THM2_PRECISION)?.certificate))
        }),
    }
}

/// The Theorem 4 cases: certificate name (`thm4/<case>.json`, weights in
/// `<data_dir>/deep-linear/<case>-weights.json`), the inputs and targets (CSV files there, one
/// row per point), the loss (as certificates name it) and the claim.
const THM4_CASES: [Thm4Case; 8] = [
    (
        "global-minimum",
        "x.csv",
        "y.csv",
        SQUARED,
        "deep linear network, ∇ℓ0 = 0 at the product: a global minimum (Corollary 5)",
    ),
    (
        "strict-saddle",
        "x.csv",
        "y.csv",
        SQUARED,
        "deep linear network, ∇ℓ0 ≠ 0 at the product: a strict saddle (negative Hessian direction)",
    ),
    (
        "zero-saddle-h2",
        "x.csv",
        "y.csv",
        SQUARED,
        "deep linear network at W = 0 with H = 2: a non-strict saddle (higher-order curves)",
    ),
    (
        "logistic-zero-saddle",
        "iris-2class-x.csv",
        "iris-2class-y.csv",
        "logistic",
        "deep linear classifier at W = 0, logistic loss, iris setosa vs versicolor: a saddle, exactly (σ(0) = ½ makes ∇ℓ0 rational; Theorem 4 Part 1)",
    ),
    (
        "iris-cross-entropy",
        "iris-sepal-x.csv",
        "iris-onehot-y.csv",
        "cross-entropy",
        "deep linear classifier fitted with softmax cross-entropy, iris (2 inputs, 3 classes): within a certified distance δ of a global minimum (Krawczyk on ∇ℓ0, on the softmax's gauge slice)",
    ),
    (
        "huber-global-minimum",
        "iris-3-x.csv",
        "iris-petal-width-y.csv",
        "huber:1/10",
        "deep linear regression with the Huber loss (δ = 1/10, 78 of 150 residuals clamped), iris: a global minimum, exactly (Corollary 5)",
    ),
    (
        "formula-local-minimum",
        "x.csv",
        "realizable-y.csv",
        "formula:(yhat - y)^2/2 - (yhat - y)^3/3",
        "deep linear network with the non-convex loss e²/2 − e³/3: a local minimum inherited from ℓ0 (Theorem 4 Part 2), not a global one (ℓ0 is unbounded below)",
    ),
    (
        "formula-inherited-saddle",
        "x.csv",
        "saddle-y.csv",
        "formula:(yhat - y)^3/3 - (yhat - y)",
        "deep linear network with the non-convex loss e³/3 − e at residuals ±1: ∇ℓ0 = 0, and a saddle inherited from ℓ0 (explicit descent and ascent lines)",
    ),
];

/// A Theorem 4 case: name, inputs, targets, loss, claim.
type Thm4Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn thm4_task(data_dir: &Path, (case, x, y, loss, claim): Thm4Case) -> Task {
    let dir = data_dir.join("deep-linear");
    Task {
        path: format!("thm4/{case}.json"),
        result: "Theorem 4",
        claim: claim.into(),
        method: if loss == SQUARED || loss.starts_with("huber") || loss.starts_with("formula") {
            "exact rationals"
        } else {
            "exact + MPFR intervals"
        },
        produce: Box::new(move || {
            let weights = read_weights(&[dir.join(format!("{case}-weights.json"))], None)?;
            let net = DeepLinear {
                weights: weights
                    .iter()
                    .map(|m| m.to_exact())
                    .collect::<Result<Vec<QMatrix>>>()?,
                x: read_matrix(&dir.join(x))?.transposed().to_exact()?,
                y: read_matrix(&dir.join(y))?.transposed().to_exact()?,
                loss: loss.into(),
            };
            let (c, _) = thm4::analyse(&net)?
                .certificate
                .map_err(Error::NotCertified)?;
            Ok(cert::to_json(&c))
        }),
    }
}

/// Safran & Shamir's points (`<data_dir>/safran-shamir/ss-k-n-f.json`): `(k, n, family)`.
const SAFRAN_SHAMIR: [(usize, usize, usize); 4] = [(6, 6, 0), (7, 7, 0), (8, 8, 0), (8, 9, 0)];

/// MPFR precision of the `critical-point` certificates, in bits.
const POINT_PRECISION: u32 = 128;

fn safran_shamir_task(data_dir: &Path, (k, n, f): (usize, usize, usize)) -> Task {
    let name = format!("ss-{k}-{n}-{f}");
    point_task(
        format!("safran-shamir/{name}.json"),
        format!(
            "two-layer ReLU network on Gaussian inputs, k = {k} inputs and teachers, n = {n} students: a spurious strict local minimum near their point"
        ),
        data_dir.join("safran-shamir").join(format!("{name}.json")),
    )
}

/// The non-degenerate saddle of the same loss found by `examples/find_saddle.py`
/// (`<data_dir>/points/gaussian-relu-saddle-k3.json`).
fn safran_shamir_saddle_task(data_dir: &Path) -> Task {
    point_task(
        "safran-shamir/saddle-3-3.json".into(),
        "two-layer ReLU network on Gaussian inputs, k = n = 3: a non-degenerate saddle (one negative Hessian eigenvalue) near a point found by Newton's method".into(),
        data_dir.join("points/gaussian-relu-saddle-k3.json"),
    )
}

/// `critcert point` on a `gaussian-relu` point with identity teachers: the certificate at the
/// largest radius found.
fn point_task(path: String, claim: String, file: PathBuf) -> Task {
    Task {
        path,
        result: "Safran & Shamir",
        claim,
        method: "MPFR intervals (Krawczyk)",
        produce: Box::new(move || {
            let w = read_students(&file)?;
            let spec = ModelSpec::GaussianRelu {
                teachers: identity_teachers(w.len()),
            };
            certify_point(&spec, &[("W".to_string(), w)].into(), &file)
        }),
    }
}

/// The tanh network trained on iris by `examples/train_tanh.py`
/// (`<data_dir>/points/iris-tanh.json`, width 1, one output).
fn trained_task(data_dir: &Path) -> Task {
    let data = data_dir.join("iris.csv");
    let file = data_dir.join("points/iris-tanh.json");
    Task {
        path: "trained/iris-tanh.json".into(),
        result: "Trained networks",
        claim: "one-hidden-layer tanh network (width 1, biases) trained on iris with the squared loss: a strict local minimum near the trained point".into(),
        method: "MPFR intervals (Krawczyk)",
        produce: Box::new(move || {
            let (x, y) = point::read_mlp_data(&data, 1)?;
            let matrices = point::read_mlp_point(&file, x[0].len(), 1, y[0].len())?;
            let spec = ModelSpec::Mlp {
                act: parse_activation("tanh")?,
                width: 1,
                x,
                y,
            };
            certify_point(&spec, &matrices, &file)
        }),
    }
}

/// `critcert point`'s search on a problem: the certificate at the largest radius found.
fn certify_point(
    spec: &ModelSpec,
    matrices: &BTreeMap<String, Vec<Vec<Q>>>,
    file: &Path,
) -> Result<String> {
    let problem = point::problem(spec, matrices);
    let opts = PointOptions {
        precision: POINT_PRECISION,
        radius: None,
    };
    match point::certify(&problem, &opts, &|_| {})? {
        point::Outcome::Certified { cert, .. } => Ok(cert::to_json(&*cert)),
        point::Outcome::NotCertified(why) => {
            Err(Error::NotCertified(format!("{}: {why}", file.display())))
        }
    }
}

/// Every certificate of the paper, in report order. Datasets are read from `data_dir`
/// (`examples/data` in the repository).
pub fn registry(data_dir: &Path) -> Vec<Task> {
    let mut tasks = Vec::new();
    // Theorem 1 on real data (case J ≠ ∅) for the three activations of the paper, and on the
    // Theorem 2 data, whose least-squares fit is constant (case J = ∅, Appendix A).
    for dataset in ["iris", "wine"] {
        for a in 0..THM1_ACTIVATIONS.len() {
            tasks.push(thm1_task(data_dir, dataset, a));
        }
    }
    tasks.push(thm1_task(data_dir, "theorem2", 0));
    // Theorem 2 / Corollary 3 for every supported activation (Part 1 and Part 2 with ρ).
    tasks.extend(
        THM2_ACTIVATIONS
            .iter()
            .map(|&(name, spec)| thm2_task(name, spec)),
    );
    // Theorem 4 / Corollary 5: a global minimum, a strict and a non-strict saddle.
    for case in THM4_CASES {
        tasks.push(thm4_task(data_dir, case));
    }
    // Beyond the paper: Safran & Shamir's spurious minima, certified by `critcert point`,
    for point in SAFRAN_SHAMIR {
        tasks.push(safran_shamir_task(data_dir, point));
    }
    // and a non-degenerate saddle of the same loss.
    tasks.push(safran_shamir_saddle_task(data_dir));
    tasks.push(trained_task(data_dir));
    tasks
}

/// Runs one task: produce, write to `out`, read back, re-check the file's text.
pub fn run_task(task: &Task, out: &Path) -> Result<Outcome> {
    let start = Instant::now();
    let mut outcome = Outcome {
        path: task.path.clone(),
        result: task.result,
        claim: task.claim.clone(),
        method: task.method,
        status: Status::Accepted,
        json: None,
        report: None,
        seconds: 0.0,
    };
    match (task.produce)() {
        Err(Error::NotCertified(m)) => outcome.status = Status::NotCertified(m),
        Err(e) => outcome.status = Status::Failed(e.to_string()),
        Ok(json) => {
            let file = out.join(&task.path);
            create_parent(&file)?;
            crate::io::write_atomic(&file, json.as_bytes())?;
            let written = crate::io::read_text(&file)?;
            match cert::check_str(&written) {
                Ok(report) => outcome.report = Some(report),
                Err(e) => outcome.status = Status::Rejected(e.to_string()),
            }
            outcome.json = Some(written);
        }
    }
    outcome.seconds = start.elapsed().as_secs_f64();
    Ok(outcome)
}

/// Creates the parent directory of `file`, with a one-line error naming it.
pub fn create_parent(file: &Path) -> Result<()> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| Error::Input(format!("{}: cannot create: {e}", dir.display()))),
        _ => Ok(()),
    }
}

/// Runs every task of `tasks`, writing certificates, figures, `REPORT.md`, `README.md` and `MATH.md` under
/// `out`. `progress` is called after each task (for printing). Returns the outcomes; the caller
/// decides the exit code (0 only if every status is [`Status::Accepted`]).
pub fn run(tasks: &[Task], out: &Path, mut progress: impl FnMut(&Outcome)) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for task in tasks {
        let o = run_task(task, out)?;
        progress(&o);
        outcomes.push(o);
    }
    let mut figures = Vec::new();
    for o in &outcomes {
        if let (Some(json), Status::Accepted) = (&o.json, &o.status) {
            for f in figures::for_certificate(&o.path, json)? {
                let file: PathBuf = out.join(&f.path);
                create_parent(&file)?;
                crate::io::write_atomic(&file, f.svg.as_bytes())?;
                figures.push(f);
            }
        }
    }
    crate::io::write_atomic(
        &out.join("REPORT.md"),
        report::report(&outcomes, &figures).as_bytes(),
    )?;
    crate::io::write_atomic(&out.join("README.md"), report::guide(&outcomes).as_bytes())?;
    crate::io::write_atomic(&out.join("MATH.md"), report::MATH.as_bytes())?;
    Ok(outcomes)
}
