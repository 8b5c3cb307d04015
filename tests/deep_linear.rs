//! `critcert deep-linear` and the `deep-linear-critical-point` certificate: cases with known
//! answers generated here, exact vs f64 agreement, loaders, errors, tamper and false-claim tests.

use crate::common::{accepts, critcert, reversed_keys, tamper, text, write_safetensors};
use critcert::cert::check_str;
use critcert::exact::{least_squares, QMatrix, Q};
use serde_json::Value;
use std::path::Path;

type M = Vec<Vec<i64>>;

fn qm(m: &[Vec<Q>]) -> QMatrix {
    QMatrix::from_rows(m.to_vec()).unwrap()
}

fn to_q(m: &M) -> Vec<Vec<Q>> {
    m.iter()
        .map(|r| r.iter().map(|&x| Q::from(x)).collect())
        .collect()
}

fn json_mat(m: &[Vec<Q>]) -> Value {
    Value::Array(
        m.iter()
            .map(|r| Value::Array(r.iter().map(|x| Value::String(x.to_string())).collect()))
            .collect(),
    )
}

/// A case on disk: weights (one JSON list), X and Y (one row per point).
struct Case {
    _dir: tempfile::TempDir,
    w: String,
    x: String,
    y: String,
}

/// `x_rows`, `y_rows`: one row per point.
fn case(weights: &[Vec<Vec<Q>>], x_rows: &[Vec<Q>], y_rows: &[Vec<Q>]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let w = Value::Array(weights.iter().map(|m| json_mat(m)).collect());
    std::fs::write(p("w.json"), w.to_string()).unwrap();
    std::fs::write(p("x.json"), json_mat(x_rows).to_string()).unwrap();
    std::fs::write(p("y.json"), json_mat(y_rows).to_string()).unwrap();
    Case {
        w: p("w.json"),
        x: p("x.json"),
        y: p("y.json"),
        _dir: dir,
    }
}

fn run_json(c: &Case, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        "deep-linear",
        "--weights",
        &c.w,
        "--x",
        &c.x,
        "--y",
        &c.y,
        "--json",
    ];
    args.extend_from_slice(extra);
    let o = critcert(&args);
    let (out, err) = text(&o);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    (v, o.status.code().unwrap())
}

/// Runs both paths, requires the same verdict, and returns the exact certificate text.
fn both(c: &Case, expected: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json").display().to_string();
    let (e, code) = run_json(c, &["--exact", "--out", &out]);
    assert_eq!(e["verdict"], expected, "exact: {e}");
    assert_eq!(code, 0);
    // The f64 path with each kernel (auto is OpenBLAS where it is installed).
    for kernel in ["faer", "auto"] {
        let (f, code) = run_json(c, &["--blas", kernel]);
        assert_eq!(f["verdict"], expected, "f64 ({kernel}): {f}");
        assert_eq!(code, 0);
        if kernel == "faer" {
            assert_eq!(f["kernel"], "faer");
        }
    }
    let cert = std::fs::read_to_string(&out).unwrap();
    check_str(&cert).expect("accepted");
    cert
}

fn data() -> (Vec<Vec<Q>>, Vec<Vec<Q>>) {
    // 4 points, dx = 2, dy = 2 (rows are points).
    let x = to_q(&vec![vec![1, 0], vec![0, 1], vec![1, 1], vec![2, -1]]);
    let y = to_q(&vec![vec![1, 2], vec![0, 1], vec![2, 0], vec![1, 1]]);
    (x, y)
}

/// The exact least-squares solution `W̄` (dy × dx), factored into layers of widths `d`.
fn least_squares_layers(widths: &[usize]) -> Vec<Vec<Vec<Q>>> {
    let (x, y) = data();
    let wbar = least_squares(&qm(&x), &qm(&y))
        .unwrap()
        .solution
        .transpose(); // dy × dx
    let l = widths.len() - 1;
    (1..=l)
        .map(|j| {
            let (r, c) = (widths[j], widths[j - 1]);
            if j == l {
                // W̄ padded with zero columns: uses the first dx coordinates.
                (0..r)
                    .map(|i| {
                        (0..c)
                            .map(|k| {
                                if k < 2 {
                                    wbar[(i, k)].clone()
                                } else {
                                    Q::new()
                                }
                            })
                            .collect()
                    })
                    .collect()
            } else {
                (0..r)
                    .map(|i| (0..c).map(|k| Q::from((i == k) as i64)).collect())
                    .collect()
            }
        })
        .collect()
}

#[test]
fn global_minima_from_factored_least_squares() {
    let (x, y) = data();
    for widths in [vec![2, 2], vec![2, 3, 2], vec![2, 2, 4, 3, 2]] {
        let c = case(&least_squares_layers(&widths), &x, &y);
        let cert = both(&c, "global-minimum");
        assert!(cert.contains("\"global-minimum\""));
    }
}

fn zeros(widths: &[usize]) -> Vec<Vec<Vec<Q>>> {
    (1..widths.len())
        .map(|j| vec![vec![Q::new(); widths[j - 1]]; widths[j]])
        .collect()
}

#[test]
fn zero_point_is_a_saddle_strict_for_h1_higher_order_for_h2() {
    let (x, y) = data();
    let c = case(&zeros(&[2, 2, 2]), &x, &y);
    let cert = both(&c, "saddle");
    assert!(cert.contains("negative-curvature"));
    let c = case(&zeros(&[2, 3, 2, 2]), &x, &y);
    let cert = both(&c, "saddle");
    assert!(!cert.contains("negative-curvature"), "non-strict");
    let (e, _) = run_json(&c, &["--exact"]);
    assert_eq!(e["saddle_construction"], "complement-curve");
    assert_eq!(e["hessian_inertia"]["negative"], 0);
}

/// Whitened data `X = I`, `Y = diag(3, 1)`: the partial-SVD point keeping only the top
/// component is critical with `∇ℓ0 = diag(0, −1) ≠ 0`.
fn rank_deficient(layers: usize) -> Case {
    let x = to_q(&vec![vec![1, 0], vec![0, 1]]);
    let y = to_q(&vec![vec![3, 0], vec![0, 1]]);
    let e11 = to_q(&vec![vec![1, 0], vec![0, 0]]);
    let mut w = vec![e11; layers];
    w[layers - 1] = to_q(&vec![vec![3, 0], vec![0, 0]]);
    case(&w, &x, &y)
}

#[test]
fn rank_deficient_partial_svd_saddles() {
    let cert = both(&rank_deficient(2), "saddle");
    assert!(cert.contains("negative-curvature"), "H = 1: strict");
    let c = rank_deficient(3);
    let cert = both(&c, "saddle");
    assert!(!cert.contains("negative-curvature"), "H = 2: non-strict");
    let (e, _) = run_json(&c, &["--exact"]);
    assert_eq!(e["product_rank"], 1);
    assert_eq!(e["part3"], Value::Null);
}

#[test]
fn non_critical_points() {
    let (x, y) = data();
    let w = vec![
        to_q(&vec![vec![1, 2], vec![0, 1], vec![-1, 1]]),
        to_q(&vec![vec![1, 0, 2], vec![1, 1, 1]]),
    ];
    let c = case(&w, &x, &y);
    both(&c, "not-critical");
    let (e, _) = run_json(&c, &["--exact"]);
    assert!(e["max_layer_gradient"]["entry"]
        .as_str()
        .unwrap()
        .starts_with("∂ℓ/∂W"));
}

fn saddle_certs() -> (String, String) {
    let (x, y) = data();
    let strict = both(&case(&zeros(&[2, 2, 2]), &x, &y), "saddle");
    let higher = both(&rank_deficient(3), "saddle");
    (strict, higher)
}

#[test]
fn harmless_changes_are_accepted() {
    let (strict, higher) = saddle_certs();
    for cert in [&strict, &higher] {
        // Compact re-serialisation with other whitespace.
        let v: Value = serde_json::from_str(cert).unwrap();
        check_str(&serde_json::to_string(&v).unwrap()).unwrap();
        // Other key order.
        accepts(&reversed_keys(&v));
    }
    // Doubling the last layer's t-coefficient of the descent curve keeps it a descent curve.
    tamper(&higher, |v| {
        let last = v["witness"]["descent_curve"]
            .as_array_mut()
            .unwrap()
            .last_mut()
            .unwrap();
        for row in last[0].as_array_mut().unwrap() {
            for e in row.as_array_mut().unwrap() {
                let q: Q = e.as_str().unwrap().parse().unwrap();
                *e = Value::String((q * 2u32).to_string());
            }
        }
    })
    .unwrap();
}

#[test]
fn tampered_certificates_are_rejected() {
    let (strict, higher) = saddle_certs();
    // A weight changed: no longer critical.
    let e = tamper(&higher, |v| v["witness"]["point"][0][0][0] = "2".into()).unwrap_err();
    assert_eq!(e.0, "critical-point", "{}", e.1);
    // A target changed: no longer critical.
    let e = tamper(&higher, |v| v["problem"]["Y"][0][0] = "4".into()).unwrap_err();
    assert_eq!(e.0, "critical-point", "{}", e.1);
    // Descent and ascent swapped.
    let e = tamper(&higher, |v| {
        let w = v["witness"].as_object_mut().unwrap();
        let d = w["descent_curve"].clone();
        w["descent_curve"] = w["ascent_curve"].clone();
        w["ascent_curve"] = d;
    })
    .unwrap_err();
    assert_eq!(e.0, "descent-curve", "{}", e.1);
    // The negative direction replaced by the positive one.
    let e = tamper(&strict, |v| {
        let a = v["witness"]["ascent_curve"].clone();
        let dir: Vec<Value> = a.as_array().unwrap().iter().map(|l| l[0].clone()).collect();
        v["witness"]["negative_curvature_direction"] = Value::Array(dir);
    })
    .unwrap_err();
    assert_eq!(e.0, "negative-curvature", "{}", e.1);
    // A width changed, an unknown field, a non-canonical number.
    assert!(tamper(&higher, |v| v["problem"]["widths"][1] = 1.into()).is_err());
    assert!(tamper(&higher, |v| v["witness"]["extra"] = 1.into()).is_err());
    assert!(tamper(&higher, |v| v["witness"]["point"][0][0][0] = "2/2".into()).is_err());
    // An unchecked claim statement.
    assert!(tamper(&higher, |v| v["claims"][3]["statement"] = "anything".into()).is_err());
}

#[test]
fn false_claims_are_rejected() {
    let (strict, _) = saddle_certs();
    let as_verdict = |cert: &str, verdict: &str| {
        tamper(cert, |v| {
            let w = v["witness"].as_object_mut().unwrap();
            w["verdict"] = verdict.into();
            w.shift_remove("descent_curve");
            w.shift_remove("ascent_curve");
            w.shift_remove("negative_curvature_direction");
            v["claims"] = serde_json::to_value(critcert::cert::thm4::claims(
                verdict,
                false,
                critcert::cert::loss::SQUARED,
            ))
            .unwrap();
        })
    };
    // A saddle presented as a global minimum.
    let e = as_verdict(&strict, "global-minimum").unwrap_err();
    assert_eq!(e.0, "product-gradient-zero", "{}", e.1);
    // A critical point presented as not critical.
    let e = as_verdict(&strict, "not-critical").unwrap_err();
    assert_eq!(e.0, "not-critical", "{}", e.1);
    // A global minimum presented as a saddle (with the curves of another certificate).
    let (x, y) = data();
    let gm = both(
        &case(&least_squares_layers(&[2, 2, 2]), &x, &y),
        "global-minimum",
    );
    let e = tamper(&gm, |v| {
        let s: Value = serde_json::from_str(&strict).unwrap();
        v["witness"]["verdict"] = "saddle".into();
        v["witness"]["descent_curve"] = s["witness"]["descent_curve"].clone();
        v["witness"]["ascent_curve"] = s["witness"]["ascent_curve"].clone();
        v["claims"] = serde_json::to_value(critcert::cert::thm4::claims(
            "saddle",
            false,
            critcert::cert::loss::SQUARED,
        ))
        .unwrap();
    })
    .unwrap_err();
    assert_eq!(e.0, "product-gradient-nonzero", "{}", e.1);
}

/// A `.npy` file (v1, little-endian f64, C order).
fn write_npy(path: &Path, rows: usize, cols: usize, data: &[f64]) {
    let mut header =
        format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(header.len() as u16).to_le_bytes());
    b.extend_from_slice(header.as_bytes());
    for x in data {
        b.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn loaders_npy_and_safetensors_agree_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    // Zero saddle, widths [2, 3, 2, 2], data as in data().
    write_npy(&p("x.npy"), 4, 2, &[1., 0., 0., 1., 1., 1., 2., -1.]);
    write_npy(&p("y.npy"), 4, 2, &[1., 2., 0., 1., 2., 0., 1., 1.]);
    write_safetensors(
        &p("net.safetensors"),
        &[
            ("layers.10.weight", vec![2, 2], vec![0.0; 4]),
            ("layers.2.weight", vec![3, 2], vec![0.0; 6]),
            ("layers.3.weight", vec![2, 3], vec![0.0; 6]),
        ],
    );
    let s = |q: &Path| q.display().to_string();
    let base = [
        "deep-linear".to_string(),
        "--weights".into(),
        s(&p("net.safetensors")),
        "--x".into(),
        s(&p("x.npy")),
        "--y".into(),
        s(&p("y.npy")),
    ];
    for extra in [&[][..], &["--exact"][..]] {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        let o = critcert(&args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{out}{err}");
        assert!(out.starts_with("verdict: saddle"), "{out}");
    }
    // Missing tensor named.
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend_from_slice(&["--layers", "layers.2.weight,layers.4.weight"]);
    let o = critcert(&args);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("layers.4.weight: no such tensor"), "{err}");
    // NaN named.
    write_npy(
        &p("bad.npy"),
        4,
        2,
        &[1., 0., 0., f64::NAN, 1., 1., 2., -1.],
    );
    let bad = s(&p("bad.npy"));
    let args: Vec<&str> = base.iter().map(String::as_str).collect();
    let mut args = args.clone();
    args[4] = &bad;
    let o = critcert(&args);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("bad.npy") && err.contains("not finite"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn bad_input_is_a_one_line_error() {
    let (x, y) = data();
    // A hidden layer narrower than min(dx, dy) = 2.
    let w = vec![to_q(&vec![vec![1, 0]]), to_q(&vec![vec![1], vec![0]])];
    let c = case(&w, &x, &y);
    let o = critcert(&["deep-linear", "--weights", &c.w, "--x", &c.x, "--y", &c.y]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("W1 has width 1 < min(dx, dy) = 2"), "{err}");
    assert_eq!(err.lines().count(), 1);
    // Shape mismatch.
    let w = vec![to_q(&vec![vec![1, 0, 0], vec![0, 1, 0]])];
    let c = case(&w, &x, &y);
    let o = critcert(&["deep-linear", "--weights", &c.w, "--x", &c.x, "--y", &c.y]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("w.json") && err.contains("layer W1"), "{err}");
    // --out without --exact.
    let o = critcert(&[
        "deep-linear",
        "--weights",
        &c.w,
        "--x",
        &c.x,
        "--y",
        &c.y,
        "--out",
        "x.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn proofs_are_reproducible() {
    // The committed proofs are byte-identical to what the commands of GUIDE.md (section
    // deep-linear) produce.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/deep-linear");
    let proofs = Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs/thm4");
    for (name, loss, x, y) in [
        ("global-minimum", "squared", "x.csv", "y.csv"),
        ("strict-saddle", "squared", "x.csv", "y.csv"),
        ("zero-saddle-h2", "squared", "x.csv", "y.csv"),
        (
            "logistic-zero-saddle",
            "logistic",
            "iris-2class-x.csv",
            "iris-2class-y.csv",
        ),
        (
            "iris-cross-entropy",
            "cross-entropy",
            "iris-sepal-x.csv",
            "iris-onehot-y.csv",
        ),
        (
            "huber-global-minimum",
            "huber:0.1",
            "iris-3-x.csv",
            "iris-petal-width-y.csv",
        ),
        (
            "formula-local-minimum",
            "(yhat - y)^2/2 - (yhat - y)^3/3",
            "x.csv",
            "realizable-y.csv",
        ),
        (
            "formula-inherited-saddle",
            "(yhat - y)^3/3 - (yhat - y)",
            "x.csv",
            "saddle-y.csv",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("c.json");
        let o = critcert(&[
            "deep-linear",
            "--exact",
            "--loss",
            loss,
            "--weights",
            &root
                .join(format!("{name}-weights.json"))
                .display()
                .to_string(),
            "--x",
            &root.join(x).display().to_string(),
            "--y",
            &root.join(y).display().to_string(),
            "--out",
            &out.display().to_string(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read_to_string(proofs.join(format!("{name}.json"))).unwrap(),
            "{name}"
        );
    }
}

// f64 path with losses
//
// `--loss logistic | cross-entropy | huber:δ` on the f64 path: saddles at `W = 0` (where `G` is
// ½-ish), not-critical points, a global minimum, how targets are read (0/1 labels, class
// indices), and one-line errors naming the file and the row.

/// A directory with `w.json` (a list of matrices), `x.csv` and any target files.
struct LossCase {
    dir: tempfile::TempDir,
}

impl LossCase {
    fn new(weights: &str, x: &str) -> LossCase {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("w.json"), weights).unwrap();
        std::fs::write(dir.path().join("x.csv"), x).unwrap();
        LossCase { dir }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Runs the f64 path with `--loss loss` and targets `y`; (stdout, stderr, exit code).
    fn run(&self, loss: &str, y: &str, extra: &[&str]) -> (String, String, i32) {
        let (w, x) = (self.path("w.json"), self.path("x.csv"));
        let mut args = vec![
            "deep-linear",
            "--weights",
            &w,
            "--x",
            &x,
            "--y",
            y,
            "--loss",
            loss,
        ];
        args.extend_from_slice(extra);
        let o = critcert(&args);
        let (out, err) = text(&o);
        (out, err, o.status.code().unwrap())
    }

    fn json(&self, loss: &str, y: &str) -> (Value, String, i32) {
        let (out, err, code) = self.run(loss, y, &["--json"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
        (v, err, code)
    }

    /// A one-line error (exit 2) containing every one of `parts`.
    fn error(&self, loss: &str, y: &str, parts: &[&str]) {
        let (out, err, code) = self.run(loss, y, &[]);
        assert_eq!(code, 2, "{out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        for p in parts {
            assert!(err.contains(p), "{p:?} not in: {err}");
        }
    }
}

/// 5 points, dx = 2 (rows are points).
const LOSS_X: &str = "x1,x2\n1,0\n0,1\n1,1\n2,-1\n-1,3\n";

#[test]
fn f64_losses_saddle_at_zero_logistic_with_pm1_and_01_labels() {
    // W = 0 with H = 1 (widths [2, 3, 1]) is critical for every loss; logistic: G = −y/2.
    let c = LossCase::new("[[[0,0],[0,0],[0,0]], [[0,0,0]]]", LOSS_X);
    let pm = c.file("y.csv", "1\n-1\n1\n-1\n1\n");
    let (v, _, code) = c.json("logistic", &pm);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "saddle", "{v}");
    assert_eq!(v["loss_name"], "logistic");
    assert_eq!(v["grad0_max"]["certified_nonzero"], true);
    // ∇ℓ0 = −½ Σ y_i x_iᵀ = −½ (1 − 0 + 1 − 2 − 1, 0 − 1 + 1 + 1 + 3) = (½, −2).
    assert_eq!(v["grad0_max"]["entry"], "∇ℓ0[1,2]");
    assert_eq!(v["grad0_max"]["value"], -2.0);
    assert!(v["explanation"].as_str().unwrap().contains("logistic"));
    assert!((v["loss"].as_f64().unwrap() - 5.0 * 2f64.ln()).abs() < 1e-12);
    // 0/1 labels: the same numbers, with a note on stderr.
    let zo = c.file("y01.csv", "1\n0\n1\n0\n1\n");
    let (v01, err, code) = c.json("logistic", &zo);
    assert_eq!(code, 0);
    assert_eq!(v01, v);
    assert!(
        err.contains("note:") && err.contains("labels 0/1 read as −1/1"),
        "{err}"
    );
    // The text output names the loss too.
    let (out, _, _) = c.run("logistic", &pm, &[]);
    assert!(out.starts_with("verdict: saddle (f64"), "{out}");
    assert!(out.contains("(logistic)"), "{out}");
}

#[test]
fn f64_losses_saddle_at_zero_cross_entropy_class_indices_equal_one_hot() {
    // Widths [2, 3, 3]: 3 classes; at W = 0 the softmax is uniform, G = 1/3 − y.
    let c = LossCase::new("[[[0,0],[0,0],[0,0]], [[0,0,0],[0,0,0],[0,0,0]]]", LOSS_X);
    let idx = c.file("classes.csv", "0\n2\n1\n2\n0\n");
    let onehot = c.file("onehot.csv", "1,0,0\n0,0,1\n0,1,0\n0,0,1\n1,0,0\n");
    let (a, _, code) = c.json("cross-entropy", &idx);
    assert_eq!(code, 0);
    assert_eq!(a["verdict"], "saddle", "{a}");
    assert_eq!(a["loss_name"], "cross-entropy");
    assert_eq!(a["grad0_max"]["certified_nonzero"], true);
    assert!((a["loss"].as_f64().unwrap() - 5.0 * 3f64.ln()).abs() < 1e-12);
    let (b, _, _) = c.json("cross-entropy", &onehot);
    assert_eq!(a, b, "class indices and one-hot rows");
    // Probability rows (summing to exactly 1 as decimals) are accepted.
    let probs = c.file(
        "probs.csv",
        "0.5,0.25,0.25\n0.1,0.2,0.7\n1/3,1/3,1/3\n0,0,1\n0.6,0.4,0\n",
    );
    let (p, _, code) = c.json("cross-entropy", &probs);
    assert_eq!((code, p["verdict"].as_str()), (0, Some("saddle")), "{p}");
}

#[test]
fn f64_losses_not_critical_and_global_minimum() {
    // W1 = [[1,0],[0,1],[0,0]], W2 = [[1,1,0]]: the product is (1, 1).
    let c = LossCase::new("[[[1,0],[0,1],[0,0]], [[1,1,0]]]", LOSS_X);
    let labels = c.file("y.csv", "1\n-1\n-1\n1\n1\n");
    for loss in ["logistic", "huber:1/2", "squared"] {
        let (v, _, code) = c.json(loss, &labels);
        assert_eq!(code, 0);
        assert_eq!(v["verdict"], "not-critical", "{loss}: {v}");
        assert_eq!(v["loss_name"], loss);
    }
    // Targets equal to the predictions (x1 + x2): G = 0 for huber, a global minimum.
    let exact = c.file("yfit.csv", "1\n1\n2\n1\n2\n");
    let (v, _, code) = c.json("huber:0.25", &exact);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "global-minimum", "{v}");
    assert!(v["explanation"]
        .as_str()
        .unwrap()
        .contains("the huber:0.25 loss is convex"));
}

#[test]
fn f64_losses_bad_targets_and_losses_are_one_line_errors() {
    let c = LossCase::new("[[[0,0],[0,0],[0,0]], [[0,0,0]]]", LOSS_X);
    let c3 = LossCase::new("[[[0,0],[0,0],[0,0]], [[0,0,0],[0,0,0],[0,0,0]]]", LOSS_X);
    // Labels other than −1/1 (0 mixed with −1): the file and the row.
    let bad = c.file("bad.csv", "1\n-1\n0\n-1\n1\n");
    c.error(
        "logistic",
        &bad,
        &["bad.csv", "row 3", "label 0 is not −1 or 1"],
    );
    let half = c.file("half.csv", "1\n0.5\n1\n1\n1\n");
    c.error("logistic", &half, &["half.csv", "row 2", "label 0.5"]);
    // Logistic needs dy = 1.
    let onehot = c3.file("onehot.csv", "1,0,0\n0,0,1\n0,1,0\n0,0,1\n1,0,0\n");
    c3.error("logistic", &onehot, &["dy = 1", "3 outputs"]);
    // Cross-entropy needs dy ≥ 2.
    let pm1 = c.file("pm1.csv", "1\n-1\n1\n-1\n1\n");
    c.error("cross-entropy", &pm1, &["dy ≥ 2"]);
    // Probability rows that do not sum to exactly 1, or negative entries.
    let sum = c3.file("sum.csv", "1,0,0\n0,0,1\n0.3,0.3,0.3\n0,0,1\n1,0,0\n");
    c3.error(
        "cross-entropy",
        &sum,
        &["sum.csv", "row 3", "not exactly 1"],
    );
    let neg = c3.file("neg.csv", "1,0,0\n1.5,-0.5,0\n0,1,0\n0,0,1\n1,0,0\n");
    c3.error("cross-entropy", &neg, &["neg.csv", "row 2", "negative"]);
    // Class indices out of range or not integers.
    let idx = c3.file("idx.csv", "0\n1\n2\n3\n0\n");
    c3.error(
        "cross-entropy",
        &idx,
        &["idx.csv", "row 4", "class index 3"],
    );
    let frac = c3.file("frac.csv", "0\n1.5\n2\n1\n0\n");
    c3.error(
        "cross-entropy",
        &frac,
        &["frac.csv", "row 2", "class index 1.5"],
    );
    // Huber needs δ > 0; formulas need --exact; unknown names are named.
    let y = c.file("y.csv", "1\n-1\n1\n-1\n1\n");
    c.error("huber:0", &y, &["huber:0", "δ must be > 0"]);
    c.error("huber:-1", &y, &["δ must be > 0"]);
    c.error("(yhat - y)^4", &y, &["formula loss needs --exact"]);
    c.error("logisitc", &y, &["unknown loss", "logisitc"]);
}

#[test]
fn f64_losses_overflow_fails_closed() {
    // The product 1e400 overflows f64: never a pass, never a certified saddle.
    let c = LossCase::new("[[[1e200,0],[0,0],[0,0]], [[1e200,0,0]]]", LOSS_X);
    let c3 = LossCase::new(
        "[[[1e200,0],[0,0],[0,0]], [[1e200,0,0],[0,0,0],[-1e200,0,0]]]",
        LOSS_X,
    );
    let y = c.file("y.csv", "1\n-1\n1\n-1\n1\n");
    let classes = c3.file("classes.csv", "0\n1\n2\n1\n0\n");
    for loss in ["logistic", "cross-entropy", "huber:1", "squared"] {
        let (c, y) = if loss == "cross-entropy" {
            (&c3, &classes)
        } else {
            (&c, &y)
        };
        let (v, _, code) = c.json(loss, y);
        assert_eq!(v["verdict"], "inconclusive", "{loss}: {v}");
        assert_eq!(code, 1);
        assert_eq!(v["grad0_max"]["certified_nonzero"], false);
    }
}
