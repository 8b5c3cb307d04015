//! `deep-linear` with losses other than the squared loss (MATH §3.6): one case per verdict and
//! loss, built here with known answers, and tamper and false-claim tests of each new field.

use crate::common::tamper;
use critcert::cert::check_str;
use critcert::exact::{QMatrix, Q};
use critcert::theorems::thm4::{analyse, DeepLinear};
use serde_json::Value;

fn qm(rows: &[&[f64]]) -> QMatrix {
    QMatrix::from_rows(
        rows.iter()
            .map(|r| r.iter().map(|&v| Q::from_f64(v).unwrap()).collect())
            .collect(),
    )
    .unwrap()
}

/// `x`, `y`: one row per point (transposed here to features × points).
fn net(weights: Vec<QMatrix>, x: &[&[f64]], y: &[&[f64]], loss: &str) -> DeepLinear {
    DeepLinear {
        weights,
        x: qm(x).transpose(),
        y: qm(y).transpose(),
        loss: loss.into(),
    }
}

/// The verdict and the certificate (accepted by the checker).
fn certify(n: &DeepLinear) -> (String, String) {
    let a = analyse(n).unwrap();
    let (c, _) = a
        .certificate
        .unwrap_or_else(|e| panic!("{}: not certified: {e}", a.verdict.name()));
    let text = critcert::cert::to_json(&c);
    check_str(&text).expect("accepted");
    (a.verdict.name().to_string(), text)
}

fn zeros(r: usize, c: usize) -> QMatrix {
    QMatrix::zeros(r, c)
}

/// Points `(1, t)` (a bias feature and one input).
fn line(ts: &[f64]) -> Vec<[f64; 2]> {
    ts.iter().map(|&t| [1.0, t]).collect()
}

fn rows<const N: usize>(v: &[[f64; N]]) -> Vec<&[f64]> {
    v.iter().map(|r| &r[..]).collect()
}

/// Newton's method in floating point for the logistic loss, one layer `R` (1 × 2).
fn logistic_minimiser(x: &[[f64; 2]], y: &[f64]) -> [f64; 2] {
    let mut r = [0.0, 0.0];
    for _ in 0..50 {
        let (mut g, mut h) = ([0.0; 2], [[0.0; 2]; 2]);
        for (xi, &yi) in x.iter().zip(y) {
            let z = yi * (r[0] * xi[0] + r[1] * xi[1]);
            let s = 1.0 / (1.0 + z.exp());
            for a in 0..2 {
                g[a] += -yi * s * xi[a];
                for b in 0..2 {
                    h[a][b] += s * (1.0 - s) * xi[a] * xi[b];
                }
            }
        }
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        r[0] -= (h[1][1] * g[0] - h[0][1] * g[1]) / det;
        r[1] -= (h[0][0] * g[1] - h[1][0] * g[0]) / det;
    }
    r
}

/// Newton's method for softmax cross-entropy with 3 classes, one layer `R` (3 × 2) with its
/// last row fixed at 0 (the gauge).
fn cross_entropy_minimiser(x: &[[f64; 2]], y: &[usize]) -> [[f64; 2]; 3] {
    let mut r = [[0.0; 2]; 3];
    for _ in 0..50 {
        let mut g = [0.0; 4];
        let mut h = [[0.0; 4]; 4];
        for (xi, &yi) in x.iter().zip(y) {
            let z: Vec<f64> = (0..3).map(|k| r[k][0] * xi[0] + r[k][1] * xi[1]).collect();
            let m = z.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
            let s: f64 = e.iter().sum();
            let p: Vec<f64> = e.iter().map(|v| v / s).collect();
            for k in 0..2 {
                for a in 0..2 {
                    g[2 * k + a] += (p[k] - f64::from(u8::from(yi == k))) * xi[a];
                    for l in 0..2 {
                        for b in 0..2 {
                            let hk = if k == l {
                                p[k] - p[k] * p[l]
                            } else {
                                -p[k] * p[l]
                            };
                            h[2 * k + a][2 * l + b] += hk * xi[a] * xi[b];
                        }
                    }
                }
            }
        }
        // Solve h δ = g by Gaussian elimination.
        let mut m: Vec<Vec<f64>> = (0..4)
            .map(|i| {
                let mut row = h[i].to_vec();
                row.push(g[i]);
                row
            })
            .collect();
        for c in 0..4 {
            let p = (c..4)
                .max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
                .unwrap();
            m.swap(c, p);
            for i in 0..4 {
                if i != c {
                    let f = m[i][c] / m[c][c];
                    let pivot = m[c].clone();
                    for (v, p) in m[i][c..].iter_mut().zip(&pivot[c..]) {
                        *v -= f * p;
                    }
                }
            }
        }
        for i in 0..4 {
            r[i / 2][i % 2] -= m[i][4] / m[i][i];
        }
    }
    r
}

fn as_verdict(cert: &str, verdict: &str) -> Result<(), (String, String)> {
    tamper(cert, |v| {
        let loss = v["problem"]["loss"].as_str().unwrap().to_string();
        v["witness"]["verdict"] = verdict.into();
        for k in [
            "radius",
            "sigma_min_bound",
            "distance",
            "norm_bounds",
            "epsilon",
        ] {
            v["witness"].as_object_mut().unwrap().shift_remove(k);
        }
        v["claims"] =
            serde_json::to_value(critcert::cert::thm4::claims(verdict, false, &loss)).unwrap();
    })
}

fn scale_field(v: &mut Value, field: &str, by: Q) {
    let q: Q = v["witness"][field].as_str().unwrap().parse().unwrap();
    v["witness"][field] = Value::String(critcert::exact::format_rational(&(q * by)));
}

#[test]
fn logistic_and_cross_entropy_at_zero_are_exact_saddles() {
    // W = 0 with H = 1: G is rational (σ(0) = ½, a uniform softmax) and ∇ℓ0 = G Xᵀ ≠ 0.
    let x = line(&[0.0, 1.0, 2.0, 3.0]);
    let n = net(
        vec![zeros(2, 2), zeros(1, 2)],
        &rows(&x),
        &[&[1.0], &[1.0], &[-1.0], &[1.0]],
        "logistic",
    );
    let (verdict, cert) = certify(&n);
    assert_eq!(verdict, "saddle");
    assert!(!cert.contains("descent_curve"));
    // Balanced labels: ∇ℓ0 = −½ Σ y_i x_i = 0 exactly, a global minimum (ℓ = 4 ln 2).
    let n = net(
        vec![zeros(2, 2), zeros(1, 2)],
        &rows(&line(&[1.0, 1.0, 2.0, 2.0])),
        &[&[1.0], &[-1.0], &[1.0], &[-1.0]],
        "logistic",
    );
    assert_eq!(certify(&n).0, "global-minimum");
    // Cross-entropy, 3 classes, one-hot targets.
    let y: Vec<&[f64]> = vec![
        &[1.0, 0.0, 0.0],
        &[0.0, 1.0, 0.0],
        &[0.0, 0.0, 1.0],
        &[0.0, 1.0, 0.0],
    ];
    let n = net(
        vec![zeros(2, 2), zeros(3, 2)],
        &rows(&x),
        &y,
        "cross-entropy",
    );
    let (verdict, cert) = certify(&n);
    assert_eq!(verdict, "saddle");
    // The saddle presented as a global minimum.
    let e = as_verdict(&cert, "global-minimum").unwrap_err();
    assert_eq!(e.0, "product-gradient-zero", "{}", e.1);
}

#[test]
fn logistic_near_global_minimum_and_separable_data() {
    let x = line(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let y = [-1.0, -1.0, 1.0, -1.0, 1.0, 1.0];
    let yr: Vec<[f64; 1]> = y.iter().map(|&v| [v]).collect();
    let r = logistic_minimiser(&x, &y);
    // Two layers: W2 = [2], W1 = R/2.
    let n = net(
        vec![qm(&[&[r[0] / 2.0, r[1] / 2.0]]), qm(&[&[2.0]])],
        &rows(&x),
        &rows(&yr),
        "logistic",
    );
    let (verdict, cert) = certify(&n);
    assert_eq!(verdict, "near-global-minimum");
    assert!(tamper(&cert, |_| {}).is_ok());
    // A distance ten times smaller does not follow.
    let e = tamper(&cert, |v| scale_field(v, "distance", Q::from((1, 10)))).unwrap_err();
    assert_eq!(e.0, "near-global-minimum", "{}", e.1);
    // σ_min(A) = 2 overstated.
    let e = tamper(&cert, |v| v["witness"]["sigma_min_bound"] = "2.5".into()).unwrap_err();
    assert_eq!(e.0, "near-global-minimum", "{}", e.1);
    // A radius too small for the zero, and a moved point.
    let e = tamper(&cert, |v| scale_field(v, "radius", Q::from((1, 1_000_000)))).unwrap_err();
    assert_eq!(e.0, "product-box-zero", "{}", e.1);
    let e = tamper(&cert, |v| v["witness"]["point"][0][0][0] = "1".into()).unwrap_err();
    assert_eq!(e.0, "product-box-zero", "{}", e.1);
    // A label flipped moves the minimum.
    let e = tamper(&cert, |v| v["problem"]["Y"][0][2] = "-1".into()).unwrap_err();
    assert_eq!(e.0, "product-box-zero", "{}", e.1);
    // A field of another verdict; the same point claimed critical.
    assert!(tamper(&cert, |v| v["witness"]["epsilon"] = "1".into()).is_err());
    let e = as_verdict(&cert, "not-critical");
    assert!(e.is_ok(), "the point is not exactly critical: {e:?}");
    let e = as_verdict(&cert, "saddle").unwrap_err();
    assert_eq!(e.0, "critical-point", "{}", e.1);

    // Separable data: the minimum is not attained; the point is not critical.
    let sep = [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0];
    let sr: Vec<[f64; 1]> = sep.iter().map(|&v| [v]).collect();
    let n = net(vec![qm(&[&[-2.5, 1.0]])], &rows(&x), &rows(&sr), "logistic");
    let (verdict, cert) = certify(&n);
    assert_eq!(verdict, "not-critical");
    let e = tamper(&cert, |v| {
        v["witness"]["verdict"] = "near-global-minimum".into();
        v["witness"]["radius"] = "1".into();
        v["witness"]["sigma_min_bound"] = "1".into();
        v["witness"]["distance"] = "100".into();
        v["claims"] = serde_json::to_value(critcert::cert::thm4::claims(
            "near-global-minimum",
            false,
            "logistic",
        ))
        .unwrap();
    })
    .unwrap_err();
    assert_eq!(e.0, "product-box-zero", "{}", e.1);
}

#[test]
fn cross_entropy_near_global_minimum_on_the_slice() {
    let ts = [0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 0.0, 3.0];
    let cls = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 2, 0];
    let x = line(&ts);
    let r = cross_entropy_minimiser(&x, &cls);
    let y: Vec<[f64; 3]> = cls
        .iter()
        .map(|&c| {
            let mut v = [0.0; 3];
            v[c] = 1.0;
            v
        })
        .collect();
    // W2 = I (3 × 3), W1 = R: A = I has σ_min = 1.
    let w1 = qm(&[&r[0], &r[1], &r[2]]);
    let i3 = qm(&[&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0]]);
    let n = net(vec![w1, i3], &rows(&x), &rows(&y), "cross-entropy");
    let (verdict, cert) = certify(&n);
    assert_eq!(verdict, "near-global-minimum");
    // Shifting every class's row by the same vector keeps the slice's minimiser in the box.
    // A target that is not a probability vector.
    let e = tamper(&cert, |v| v["problem"]["Y"][0][0] = "2".into()).unwrap_err();
    assert!(
        e.1.contains("probability") || e.1.contains("sums"),
        "{}",
        e.1
    );
    // The loss renamed: logistic needs dy = 1.
    assert!(tamper(&cert, |v| v["problem"]["loss"] = "logistic".into()).is_err());
}

#[test]
fn huber_global_minimum_and_formula_local_optima() {
    // Huber with δ = 10: the least-squares fit of these points has residuals within δ, so it
    // is the Huber minimiser; the fit of y = 1 + 2t + e is R = [11/10, 19/10]... found exactly.
    let x = line(&[0.0, 1.0, 2.0, 3.0]);
    let yv = [[1.0], [3.5], [5.0], [7.0]];
    // Least squares: R = yᵀX (XᵀX)⁻¹ with X rows (1, t).
    let (n, st, stt) = (4.0, 6.0, 14.0);
    let (sy, sty) = (16.5, 1.0 * 3.5 + 2.0 * 5.0 + 3.0 * 7.0);
    let det = n * stt - st * st;
    let r = QMatrix::from_rows(vec![vec![
        Q::from_f64(stt * sy - st * sty).unwrap() / Q::from_f64(det).unwrap(),
        Q::from_f64(n * sty - st * sy).unwrap() / Q::from_f64(det).unwrap(),
    ]])
    .unwrap();
    let hub = net(vec![r.clone()], &rows(&x), &rows(&yv), "huber:10");
    assert_eq!(certify(&hub).0, "global-minimum");
    // With δ = 1/10 some residuals are beyond δ: the gradient is clamped, not zero.
    let hub = net(vec![r], &rows(&x), &rows(&yv), "huber:1/10");
    assert_eq!(certify(&hub).0, "not-critical");

    // f(e) = e²/2 − e³/3 (e = yhat − y): f' = e(1 − e), a minimum at e = 0, a maximum at e = 1.
    let f = "formula:(yhat - y)^2/2 - (yhat - y)^3/3";
    let w = vec![qm(&[&[0.5, 1.0]]), qm(&[&[2.0]])];
    let fit: Vec<[f64; 1]> = x.iter().map(|p| [p[0] + 2.0 * p[1]]).collect();
    let (verdict, min_cert) = certify(&net(w.clone(), &rows(&x), &rows(&fit), f));
    assert_eq!(verdict, "local-minimum");
    let shifted: Vec<[f64; 1]> = fit.iter().map(|v| [v[0] - 1.0]).collect();
    let (verdict, _) = certify(&net(w, &rows(&x), &rows(&shifted), f));
    assert_eq!(verdict, "local-maximum");
    // The minimum presented as a maximum; ε too large; a norm bound too small.
    let e = tamper(&min_cert, |v| {
        v["witness"]["verdict"] = "local-maximum".into();
        v["claims"] =
            serde_json::to_value(critcert::cert::thm4::claims("local-maximum", false, f)).unwrap();
    })
    .unwrap_err();
    assert_eq!(e.0, "loss-hessian-definite", "{}", e.1);
    let e = tamper(&min_cert, |v| scale_field(v, "epsilon", Q::from(1000))).unwrap_err();
    assert_eq!(e.0, "local-minimum", "{}", e.1);
    let e = tamper(&min_cert, |v| v["witness"]["norm_bounds"][0] = "1".into()).unwrap_err();
    assert_eq!(e.0, "local-minimum", "{}", e.1);
    let e = tamper(&min_cert, |v| scale_field(v, "radius", Q::from(1 << 20))).unwrap_err();
    assert_eq!(e.0, "loss-hessian-definite", "{}", e.1);
    // A non-convex loss is never claimed a global minimum.
    let e = as_verdict(&min_cert, "global-minimum");
    assert!(e.is_err());
}

/// `critcert deep-linear --exact --loss …` on files: the verdicts and numbers in `--json`, and
/// bad input as one line (exit 2) or "not certified" (exit 1).
#[test]
fn exact_path_from_the_command_line() {
    use crate::common::{critcert, text};
    let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/deep-linear");
    let p = |f: &str| d.join(f).display().to_string();
    let run = |loss: &str, w: &str, x: &str, y: &str| {
        let o = critcert(&[
            "deep-linear",
            "--exact",
            "--json",
            "--loss",
            loss,
            "--weights",
            &p(w),
            "--x",
            &p(x),
            "--y",
            &p(y),
        ]);
        let (out, err) = text(&o);
        (o.status.code().unwrap(), out, err)
    };
    let (code, out, _) = run(
        "cross-entropy",
        "iris-cross-entropy-weights.json",
        "iris-sepal-x.csv",
        "iris-onehot-y.csv",
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "near-global-minimum");
    assert_eq!(v["loss_name"], "cross-entropy");
    assert!(
        v["distance"].as_str().is_some() && v["radius"].as_str().is_some(),
        "{v}"
    );

    // A formula whose Hessian vanishes at the point: ∇ℓ0 = 0 but degenerate, not certified.
    let (code, out, _) = run(
        "(yhat - y)^3",
        "formula-local-minimum-weights.json",
        "x.csv",
        "realizable-y.csv",
    );
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "not-certified");
    assert!(
        v["not_certified_reason"]
            .as_str()
            .unwrap()
            .contains("degenerate"),
        "{v}"
    );

    // A formula that is not differentiable where it is evaluated: not certified, one line.
    let (code, _, err) = run(
        "abs(yhat - y)",
        "formula-local-minimum-weights.json",
        "x.csv",
        "realizable-y.csv",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("critcert: not certified:") && err.contains("not smooth"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    // Bad input: a formula that does not parse, huber:0, labels outside {−1, 1} (and not 0/1),
    // a formula on the f64 path.
    for (loss, y) in [
        ("(yhat - y)^", "realizable-y.csv"),
        ("huber:0", "realizable-y.csv"),
        ("logistic", "iris-petal-width-y.csv"),
    ] {
        let x = if y.starts_with("iris") {
            "iris-3-x.csv"
        } else {
            "x.csv"
        };
        let w = if y.starts_with("iris") {
            "huber-global-minimum-weights.json"
        } else {
            "formula-local-minimum-weights.json"
        };
        let (code, out, err) = run(loss, w, x, y);
        assert_eq!(code, 2, "{loss}: {out}{err}");
        assert_eq!(err.trim().lines().count(), 1, "{loss}: {err}");
        assert!(err.starts_with("critcert: "), "{err}");
    }
}

#[test]
fn saddle_inherited_from_a_non_convex_formula_loss() {
    // f(e) = e³/3 − e: f'(±1) = 0, f''(±1) = ±2. Residuals +1 on output 1 and −1 on output 2:
    // ∇ℓ0 = 0 exactly, the Hessian of ℓ0 is indefinite, and so is the network's.
    let f = "formula:(yhat - y)^3/3 - (yhat - y)";
    let x = line(&[0.0, 1.0, 2.0, 3.0]);
    let r0 = [[1.0, 2.0], [3.0, -1.0]];
    let y: Vec<[f64; 2]> = x
        .iter()
        .map(|p| {
            let v = |k: usize| r0[k][0] * p[0] + r0[k][1] * p[1];
            [v(0) - 1.0, v(1) + 1.0]
        })
        .collect();
    let two = vec![
        qm(&[&[0.5, 1.0], &[1.5, -0.5]]),
        qm(&[&[2.0, 0.0], &[0.0, 2.0]]),
    ];
    for weights in [vec![qm(&[&r0[0], &r0[1]])], two] {
        let (verdict, cert) = certify(&net(weights, &rows(&x), &rows(&y), f));
        assert_eq!(verdict, "saddle");
        assert!(cert.contains("product_descent_direction"), "{cert}");
        // The two directions swapped.
        let e = tamper(&cert, |v| {
            let w = v["witness"].as_object_mut().unwrap();
            let d = w["product_descent_direction"].clone();
            w["product_descent_direction"] = w["product_ascent_direction"].clone();
            w["product_ascent_direction"] = d;
        })
        .unwrap_err();
        assert_eq!(e.0, "inherited-descent", "{}", e.1);
        // A target moved: ∇ℓ0 is no longer 0.
        let e = tamper(&cert, |v| v["problem"]["Y"][0][0] = "5".into()).unwrap_err();
        assert_eq!(e.0, "critical-point", "{}", e.1);
        // Presented as a local minimum.
        assert!(tamper(&cert, |v| {
            let w = v["witness"].as_object_mut().unwrap();
            w.shift_remove("product_descent_direction");
            w.shift_remove("product_ascent_direction");
            w.insert("verdict".into(), "local-minimum".into());
            w.insert("radius".into(), "1/1024".into());
            w.insert("norm_bounds".into(), serde_json::json!(["10", "10"]));
            w.insert("epsilon".into(), "1/1000000000".into());
            v["claims"] =
                serde_json::to_value(critcert::cert::thm4::claims("local-minimum", false, f))
                    .unwrap();
        })
        .is_err());
    }
}

#[test]
fn the_gradients_of_a_large_problem_are_refused_before_any_work() {
    // m·dx·dy = 2000·100·101 > 2·10⁷: refused by the bound, not computed.
    let (m, dx, dy) = (2000, 100, 101);
    let zeros = |r: usize, c: usize| Value::Array(vec![Value::Array(vec!["0".into(); c]); r]);
    let cert = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("proofs/thm4/formula-local-minimum.json"),
    )
    .unwrap();
    let mut v: Value = serde_json::from_str(&cert).unwrap();
    v["problem"]["widths"] = serde_json::json!([dx, dy]);
    v["problem"]["X"] = zeros(dx, m);
    v["problem"]["Y"] = zeros(dy, m);
    v["witness"]["point"] = Value::Array(vec![zeros(dy, dx)]);
    v["witness"]["norm_bounds"] = serde_json::json!(["0"]);
    let start = std::time::Instant::now();
    let e = check_str(&v.to_string()).unwrap_err().to_string();
    assert!(e.contains("interval operations"), "{e}");
    eprintln!("refused in {:?}", start.elapsed());
}
