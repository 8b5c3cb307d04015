//! Theorem 2 / Corollary 3: the CLI for every activation (named and formula), tamper and
//! false-claim tests, the float64 Hessian's blindness, interval properties, formula jets against
//! the closed forms, and the directed-rounding source scan.

use crate::common::{accepts, critcert, failing_claim, rejects, text};
use critcert::cert::activation::{Act, Pt};
use critcert::cert::interval::I;
use critcert::cert::thm2::{Coef, Real};
use critcert::cert::{check_str, to_json};
use critcert::exact::{inertia, Q};
use critcert::theorems::thm2::{certify, certify_with, hessian, numbers};
use proptest::prelude::*;
use serde_json::{json, Value};

const ALL: [&str; 12] = [
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
    "relu-like:1001/1000:1",
];

fn cert(act: &Act) -> Value {
    serde_json::from_str(&to_json(&certify(act, 128).unwrap().certificate)).unwrap()
}

fn assert_claim_fails(v: &Value, id: &str) {
    assert_eq!(failing_claim(v).as_deref(), Some(id), "{}", rejects(v));
}

/// Runs `critcert thm2 --activation name --out FILE`, requires a certificate that `check`
/// accepts and that a second run reproduces byte for byte; returns the summary and the file.
fn certify_via_cli(name: &str) -> (String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json").display().to_string();
    let o = critcert(&["thm2", "--activation", name, "--out", &out]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{name}: {stdout}{stderr}");
    assert!(stdout.contains("certified: spurious local minimum (Theorem 2)"));
    assert!(stdout.contains("zero-loss point") && stdout.contains("ρ ="));
    let first = std::fs::read(&out).unwrap();
    let o = critcert(&["check", &out]);
    assert_eq!(o.status.code(), Some(0), "{name}: {:?}", text(&o));
    critcert(&["thm2", "--activation", name, "--out", &out]);
    assert_eq!(
        first,
        std::fs::read(&out).unwrap(),
        "{name}: not deterministic"
    );
    (stdout, first)
}

#[test]
fn cli_certifies_every_activation_and_check_accepts() {
    for name in ALL {
        certify_via_cli(name);
    }
}

#[test]
fn cli_json_and_bad_input() {
    let o = critcert(&["thm2", "--activation", "tanh", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["hessian_inertia"]["zero"], json!(6));
    assert_eq!(v["minimum"]["loss"], json!("1/3"));
    for args in [
        vec!["thm2", "--activation", "sinh(x)"],
        vec!["thm2", "--activation", "x +"],
        vec!["thm2", "--activation", "relu-like:1:1"],
        vec!["thm2", "--activation", "tanh", "--precision", "8"],
    ] {
        let o = critcert(&args);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn harmless_changes_are_accepted() {
    for act in [
        Act::Sigmoid,
        Act::Arctan,
        Act::Elu,
        Act::Softplus,
        Act::Gelu,
    ] {
        let v = cert(&act);
        // Re-serialised compactly, with keys in another order.
        let compact = serde_json::to_string(&v).unwrap();
        check_str(&compact).unwrap();
        let mut reordered = serde_json::Map::new();
        for key in ["claims", "witness", "problem", "kind", "critcert"] {
            reordered.insert(key.into(), v[key].clone());
        }
        accepts(&Value::Object(reordered));
        // A smaller radius.
        let mut w = v.clone();
        let rho =
            critcert::exact::parse_rational(v["witness"]["radius"].as_str().unwrap()).unwrap();
        w["witness"]["radius"] = json!(Q::from(rho / 3u32).to_string());
        accepts(&w);
        // A different precision.
        let mut w = v.clone();
        w["witness"]["precision"] = json!(256);
        accepts(&w);
    }
}

#[test]
fn tampered_numbers_are_rejected() {
    let v = cert(&Act::Sigmoid);
    let mut w = v.clone();
    w["witness"]["minimum"]["u1"] = json!("3/4");
    assert_claim_fails(&w, "minimum-loss");
    let mut w = v.clone();
    w["witness"]["zero_loss"]["v"][3] = json!({"ln": "3/4"});
    assert_claim_fails(&w, "zero-loss-point");
    let mut w = v.clone();
    w["witness"]["hessian_inertia"] = json!([4, 5, 0]);
    assert_claim_fails(&w, "hessian-inertia");
    let mut w = v.clone();
    w["witness"]["radius"] = json!("1");
    assert_claim_fails(&w, "local-minimum-box");
    let mut w = v.clone();
    w["problem"]["data"]["y"][2] = json!("2");
    assert_eq!(failing_claim(&w), None);
    let mut w = v.clone();
    w["problem"]["activation"]["name"] = json!("tanh");
    rejects(&w);
    let mut w = v.clone();
    w["claims"][0]["statement"] = json!("anything");
    rejects(&w);
    let mut w = v.clone();
    w["witness"]["extra"] = json!(1);
    rejects(&w);
    let mut w = v.clone();
    w["witness"]["minimum"]["u2"] = json!({"solve": "C2.1"});
    rejects(&w);
    // A radius reaching ELU's kink at 0: the enclosure of h'' refuses.
    let mut w = cert(&Act::Elu);
    w["witness"]["radius"] = json!("1/2");
    assert_claim_fails(&w, "local-minimum-box");
    // ReLU: the exact argument needs 2ρ ≤ min v_k.
    let mut w = cert(&Act::ReluLike(1.into(), 0.into()));
    w["witness"]["radius"] = json!("3/4");
    assert_claim_fails(&w, "local-minimum-box");
    // Arctan: u2 is solved for; an explicit wrong u2 is not exactly 1/3.
    let mut w = cert(&Act::Arctan);
    w["witness"]["minimum"]["u2"] = json!("2");
    assert_claim_fails(&w, "minimum-loss");
}

/// tanh with `u = (−½, ½)` at `v = ∓½ ln 2`: (C2.3) holds exactly but (C2.7) fails, and the
/// exact Hessian has a negative eigenvalue — a saddle.
fn tanh_saddle() -> (critcert::theorems::thm2::Numbers, [Q; 2]) {
    let mut n = numbers(&Act::Tanh).unwrap();
    n.u1 = Real::Rational("-1/2".into());
    n.u2 = Coef::Value(Real::Rational("1/2".into()));
    (n, [Q::from((-1, 2)), Q::from((1, 2))])
}

#[test]
fn c27_failure_is_not_certified_and_a_saddle_is_rejected() {
    let (n, u) = tanh_saddle();
    let err = certify_with(&Act::Tanh, &n, 128).unwrap_err().to_string();
    assert!(
        err.starts_with("not certified") && err.contains("C2.7"),
        "{err}"
    );
    // The exact Hessian: the point is a saddle.
    let t = Q::from((1, 3));
    let hv = |t: Q| {
        let d1 = Q::from(1) - Q::from(t.square_ref());
        let d2 = Q::from(-2) * &t * &d1;
        [t, d1, d2]
    };
    let hs = [hv(Q::from(-&t)), hv(t)];
    let i = inertia(&hessian(&u, &hs)).unwrap();
    assert!(i.negative > 0, "{i}");
    // Present it as a minimum in an otherwise valid tanh certificate.
    let mut w = cert(&Act::Tanh);
    w["witness"]["minimum"]["u1"] = json!("-1/2");
    w["witness"]["minimum"]["u2"] = json!("1/2");
    w["witness"]["hessian_inertia"] = json!([i.positive, i.zero, i.negative]);
    assert_claim_fails(&w, "second-order-condition");
}

#[test]
fn a_box_larger_than_the_basin_is_rejected() {
    // Quadratic h = x²: the certified ρ is just below 1/6; at ρ = 1/5 an explicit point of the
    // box has loss below 1/3 (found by a grid search over the corners, checked exactly here).
    let res = certify(&Act::Quadratic, 128).unwrap();
    assert!(res.radius < Q::from((1, 5)));
    let f = |s: &str| critcert::exact::parse_rational(s).unwrap();
    let theta: Vec<Q> = ["0", "0", "0", "0", "1", "1", "1/6", "1/6", "0"]
        .iter()
        .map(|s| f(s))
        .collect();
    let delta: Vec<Q> = [
        "-1/5", "-1/5", "-1/5", "1/5", "1/5", "0", "0", "-1/5", "1/5",
    ]
    .iter()
    .map(|s| f(s))
    .collect();
    let p: Vec<Q> = theta
        .iter()
        .zip(&delta)
        .map(|(a, b)| Q::from(a + b))
        .collect();
    let xs = [[f("1"), f("0")], [f("0"), f("1")], [f("1/2"), f("1/2")]];
    let ys = [f("0"), f("0"), f("1")];
    let mut loss = Q::new();
    for (x, y) in xs.iter().zip(&ys) {
        let mut out = p[8].clone();
        for k in 0..2 {
            let z = Q::from(&p[2 * k] * &x[0]) + Q::from(&p[2 * k + 1] * &x[1]) + &p[4 + k];
            out += Q::from(&p[6 + k] * &z) * &z;
        }
        loss += Q::from(&out - y).square();
    }
    loss /= 2u32;
    assert!(loss < Q::from((1, 3)), "{loss}");
    let mut w = cert(&Act::Quadratic);
    w["witness"]["radius"] = json!("1/5");
    assert_claim_fails(&w, "local-minimum-box");
}

/// Formula activations, with the kind of (C2.1) each needs: an exact zero of `h`, exact values
/// throughout, or a bracketed root.
const FORMULAS: [&str; 5] = ["mish", "softsign", "erf", "x + x^2/3", "1/(1 + exp(-x))"];

#[test]
fn cli_certifies_formula_activations_and_check_accepts() {
    for name in FORMULAS {
        let (stdout, cert) = certify_via_cli(name);
        assert!(stdout.contains("e-graph derivation h'(x) = "), "{stdout}");
        let v: Value = serde_json::from_slice(&cert).unwrap();
        assert_eq!(v["problem"]["activation"]["name"], json!("formula"));
    }
    // The sigmoid written as a formula has no exact zero and no exact values off 0: v4 is a
    // bracketed root of (C2.1).
    let o = critcert(&["thm2", "--activation", "1/(1 + exp(-x))", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let evidence = v["claims"][0]["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("intermediate value theorem"),
        "{evidence}"
    );
    // A polynomial formula is exact throughout, Hessian inertia included.
    let o = critcert(&["thm2", "--activation", "x + x^2/3", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["hessian_inertia"]["zero"], json!(6));
    assert!(!v.to_string().contains("interval)"));
}

#[test]
fn formula_activations_without_numbers_name_the_failing_condition() {
    // h = x is linear: C2.2 fails for every exact C2.1 choice, and C2.7 fails (h'' = 0).
    let o = critcert(&["thm2", "--activation", "x"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("critcert: not certified: no numbers found for h = x"));
    assert!(
        stderr.contains("C2.2") && stderr.contains("C2.7"),
        "{stderr}"
    );
    // ReLU as a formula: the smooth argument needs h'' ≠ 0, so C2.6/C2.7 fail (the exact
    // ReLU-like argument is `--activation relu`).
    let o = critcert(&["thm2", "--activation", "max(x, 0)"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains("Part 2") && stderr.contains("C2.7"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

fn formula_cert(f: &str) -> Value {
    cert(&Act::formula(f).unwrap())
}

#[test]
fn tampered_formula_certificates_are_rejected() {
    let v = formula_cert("x*tanh(ln(1 + exp(x)))");
    let mut w = v.clone();
    w["problem"]["activation"]["formula"] = json!("x");
    assert_claim_fails(&w, "zero-loss-point");
    let mut w = v.clone();
    w["problem"]["activation"]["formula"] = json!("sinh(x)");
    assert!(rejects(&w).contains("unknown function"));
    // A hostile formula is refused, not evaluated: no unbounded recursion or loop.
    w["problem"]["activation"]["formula"] =
        json!(format!("{}x{}", "(".repeat(200), ")".repeat(200)));
    assert!(rejects(&w).contains("nested more than"));
    w["problem"]["activation"]["formula"] = json!("x^2000000000");
    assert!(rejects(&w).contains("exponent"));
    let mut w = v.clone();
    w["problem"]["activation"]["name"] = json!("sigmoid");
    assert!(rejects(&w).contains("takes no formula"));
    let mut w = v.clone();
    w["witness"]["radius"] = json!("1");
    assert_claim_fails(&w, "local-minimum-box");
    // Harmless: re-serialised, a smaller radius, more precision.
    accepts(&serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap());
    let mut w = v.clone();
    w["witness"]["radius"] = json!("1/100");
    accepts(&w);
    let mut w = v.clone();
    w["witness"]["precision"] = json!(200);
    accepts(&w);

    // The bracketed root of C2.1.
    let v = formula_cert("1/(1 + exp(-x))");
    assert!(v["witness"]["zero_loss"]["v"][3]["solve"] == json!("C2.1"));
    let mut w = v.clone();
    w["witness"]["zero_loss"]["v"][3]["bracket"] = json!(["1", "2"]);
    assert_claim_fails(&w, "zero-loss-point");
    let mut w = v.clone();
    w["witness"]["zero_loss"]["v"][3]["bracket"] = json!(["1", "1"]);
    assert_claim_fails(&w, "zero-loss-point");
    let mut w = v.clone();
    w["witness"]["zero_loss"]["v"][0] = v["witness"]["zero_loss"]["v"][3].clone();
    assert!(rejects(&w).contains("only v4"));
    let mut w = v.clone();
    w["claims"][0] = formula_cert("x*tanh(ln(1 + exp(x)))")["claims"][0].clone();
    rejects(&w);
    // A sign change across a pole is no root: h = 1/x + 1 has h(−1/2) < 0 < h(1) but no zero
    // in between; the checker refuses continuity there.
    let mut w = v.clone();
    w["problem"]["activation"]["formula"] = json!("1/x + 1");
    w["witness"]["zero_loss"]["v"] =
        json!(["1", "2", "-1", {"solve": "C2.1", "bracket": ["-1/2", "1"]}]);
    assert_claim_fails(&w, "zero-loss-point");
}

#[test]
fn a_formula_saddle_presented_as_a_minimum_is_rejected() {
    // softsign h = x/(1+|x|) at v = (1, 1/4): with u1 = 1, u2 = −5/6 (C2.3 exact) the exact
    // Hessian has a negative eigenvalue.
    let act = Act::formula("x/(1 + abs(x))").unwrap();
    let at = |x: Q| -> [Q; 3] {
        let p = Pt::rational(x);
        [0, 1, 2].map(|k| act.exact_at(k, &p).unwrap())
    };
    let hs = [at(Q::from(1)), at(Q::from((1, 4)))];
    let u = [Q::from(1), Q::from((-5, 6))];
    let out = Q::from(&u[0] * &hs[0][0]) + Q::from(&u[1] * &hs[1][0]);
    assert_eq!(out, Q::from((1, 3)));
    let i = inertia(&hessian(&u, &hs)).unwrap();
    assert!(i.negative > 0, "{i}");
    let mut w = formula_cert("x/(1 + abs(x))");
    assert_eq!(w["witness"]["minimum"]["v"], json!(["1", "1/4"]));
    w["witness"]["minimum"]["u1"] = json!("1");
    w["witness"]["minimum"]["u2"] = json!("-5/6");
    w["witness"]["hessian_inertia"] = json!([i.positive, i.zero, i.negative]);
    assert_claim_fails(&w, "second-order-condition");
}

/// Symmetric Jacobi eigenvalue iteration in f64 (test-only: to show what a float check sees).
fn eigenvalues_f64(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for _ in 0..100 {
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (rp, rq) = (a[p].clone(), a[q].clone());
                for k in 0..n {
                    a[p][k] = c * rp[k] - s * rq[k];
                    a[q][k] = s * rp[k] + c * rq[k];
                }
            }
        }
    }
    (0..n).map(|i| a[i][i]).collect()
}

#[test]
fn float64_hessian_is_inconclusive_while_the_certificate_stands() {
    // Sigmoid minimum: v = (−ln 3, −ln 2), u = (2/3, 1/2), evaluated in f64.
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    let hv = |x: f64| {
        let s = sig(x);
        [s, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s)]
    };
    let hs = [hv(-(3f64.ln())), hv(-(2f64.ln()))];
    let u = [2.0 / 3.0, 0.5];
    let xs = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]];
    let ys = [0.0, 0.0, 1.0];
    let mut h = vec![vec![0.0f64; 9]; 9];
    let slot = |k: usize, a: usize| [2 * k, 2 * k + 1, 4 + k][a];
    for (x, y) in xs.iter().zip(ys) {
        let e = u[0] * hs[0][0] + u[1] * hs[1][0] - y;
        let xt = [x[0], x[1], 1.0];
        let mut g = [0.0; 9];
        for k in 0..2 {
            for a in 0..3 {
                g[slot(k, a)] = u[k] * hs[k][1] * xt[a];
                for b in 0..3 {
                    h[slot(k, a)][slot(k, b)] += e * u[k] * hs[k][2] * xt[a] * xt[b];
                }
                h[slot(k, a)][6 + k] += e * hs[k][1] * xt[a];
                h[6 + k][slot(k, a)] += e * hs[k][1] * xt[a];
            }
            g[6 + k] = hs[k][0];
        }
        g[8] = 1.0;
        for i in 0..9 {
            for j in 0..9 {
                h[i][j] += g[i] * g[j];
            }
        }
    }
    let mut ev = eigenvalues_f64(h);
    ev.sort_by(|a, b| a.abs().partial_cmp(&b.abs()).unwrap());
    // Six eigenvalues are at rounding-error level: a float check cannot tell their signs.
    for e in &ev[..6] {
        assert!(e.abs() < 1e-12, "{ev:?}");
    }
    assert!(ev[6].abs() > 1e-3, "{ev:?}");
    // The exact certificate: inertia (3, 6, 0) and a box of positive radius.
    let res = certify(&Act::Sigmoid, 128).unwrap();
    let i = res.inertia.unwrap();
    assert_eq!((i.positive, i.zero, i.negative), (3, 6, 0));
    assert!(res.radius > Q::from((1, 10)));
}

#[test]
fn every_certificate_has_the_exactness_it_claims() {
    // Where values are rational the Hessian inertia is claimed; elsewhere it is not.
    for (act, rational) in [
        (Act::Sigmoid, true),
        (Act::Tanh, true),
        (Act::Elu, true),
        (Act::Selu, true),
        (Act::Quadratic, true),
        (Act::Arctan, false),
        (Act::Softplus, false),
        (Act::Gelu, false),
        (Act::Silu, false),
    ] {
        let r = certify(&act, 128).unwrap();
        assert_eq!(r.inertia.is_some(), rational, "{act:?}");
        assert!(r.radius > 0);
    }
}

/// Lines of `path` outside its `#[cfg(test)]` module, with comments removed.
fn code_lines(path: &str) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn no_round_to_nearest_operation_in_interval_code() {
    let root = env!("CARGO_MANIFEST_DIR");
    let interval = format!("{root}/critcert-check/src/interval.rs");
    let forbidden = [
        "with_val(",
        " + ",
        " - ",
        " * ",
        " / ",
        "+=",
        "-=",
        "*=",
        "/=",
        ".exp()",
        ".ln()",
        ".sqrt()",
        ".tanh()",
        ".atan()",
        ".erf()",
        ".square()",
        ".recip()",
        ".sin()",
        ".cos()",
        "Round::Nearest",
        ".to_f64",
        "f64",
        "f32",
    ];
    // The directed conversion to binary64 (down for lower ends, up for upper ones) is allowed.
    let allowed = [
        "to_f64_round(Round::Down)",
        "to_f64_round(Round::Up)",
        "to_f64_outward(&self) -> Option<(f64, f64)>",
    ];
    for (n, line) in code_lines(&interval) {
        let line = allowed.iter().fold(line, |l, a| l.replace(a, ""));
        for f in forbidden {
            // Calls of the interval's own methods on `I` values are fine; MPFR's unrounded
            // forms are not, and there are no other call sites in this file.
            assert!(
                !line.contains(f),
                "critcert-check/src/interval.rs:{n}: '{f}' (round-to-nearest?) in: {line}"
            );
        }
    }
    // Every other file of both crates leaves MPFR floats alone: all directed rounding lives in
    // critcert-check/src/interval.rs.
    let mut stack = vec![
        std::path::PathBuf::from(format!("{root}/src")),
        std::path::PathBuf::from(format!("{root}/critcert-check/src")),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs")
                && !p.ends_with("critcert-check/src/interval.rs")
            {
                let text = std::fs::read_to_string(&p).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    // rug's Float: imported from rug, or used through its associated functions.
                    let mpfr = (code.contains("rug::") && code.contains("Float"))
                        || code.contains("rug::float")
                        || code.contains("Float::");
                    assert!(
                        !mpfr,
                        "{}:{}: MPFR float used outside critcert-check/src/interval.rs",
                        p.display(),
                        n + 1
                    );
                }
            }
        }
    }
}

fn rat() -> impl Strategy<Value = Q> {
    (-10_000i64..10_000, 1i64..1_000).prop_map(|(n, d)| Q::from((n, d)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn interval_arithmetic_contains_exact_results(a in rat(), b in rat(), prec in 24u32..200) {
        let (x, y) = (I::from_q(prec, &a), I::from_q(prec, &b));
        prop_assert!(x.add(&y).contains_q(&Q::from(&a + &b)));
        prop_assert!(x.sub(&y).contains_q(&Q::from(&a - &b)));
        prop_assert!(x.mul(&y).contains_q(&Q::from(&a * &b)));
        prop_assert!(x.sq().contains_q(&Q::from(a.square_ref())));
        if b != 0 {
            prop_assert!(x.div(&y).unwrap().contains_q(&Q::from(&a / &b)));
        }
        let lo = std::cmp::min(a.clone(), b.clone());
        let hi = std::cmp::max(a.clone(), b.clone());
        let span = I::span(prec, &lo, &hi);
        let mid = Q::from(&lo + &hi) / 2u32;
        prop_assert!(span.mul(&span).contains_q(&Q::from(mid.square_ref())));
    }

    #[test]
    fn low_precision_enclosures_contain_high_precision_ones(
        n in -3000i64..3000, k in 0usize..=4, which in 0usize..9
    ) {
        let acts = [Act::Sigmoid, Act::Tanh, Act::Arctan, Act::Elu, Act::Selu,
                    Act::Softplus, Act::Gelu, Act::Silu, Act::Quadratic];
        let act = &acts[which];
        let x = Pt::rational(Q::from((n, 1000)));
        let low = act.enclose(k, &x.enclose(64));
        let high = act.enclose(k, &x.enclose(512));
        match (&low, &high) {
            (Ok(l), Ok(h)) => prop_assert!(l.contains(h), "{act:?} k={k} x={n}/1000"),
            (Err(_), Err(_)) => prop_assert!(n == 0),
            _ => prop_assert!(false, "refusal differs with precision"),
        }
        if let Some(v) = act.exact_at(k, &x) {
            prop_assert!(high.as_ref().unwrap().contains_q(&v));
        }
    }

    #[test]
    fn formula_jets_agree_with_the_closed_forms(
        n in -3000i64..3000, w in 0i64..500, k in 0usize..=4, which in 0usize..7
    ) {
        // Each named activation, written as a formula: the checker's Taylor jets must overlap
        // the hand-derived enclosures, pointwise and over intervals.
        let pairs = [
            (Act::Sigmoid, "1/(1 + exp(-x))"),
            (Act::Tanh, "tanh(x)"),
            (Act::Arctan, "atan(x)"),
            (Act::Softplus, "ln(1 + exp(x))"),
            (Act::Gelu, "x*(1 + erf(x/sqrt(2)))/2"),
            (Act::Silu, "x/(1 + exp(-x))"),
            (Act::Quadratic, "x^2"),
        ];
        let (named, text) = &pairs[which];
        let formula = Act::formula(text).unwrap();
        let lo = Q::from((n, 1000));
        let hi = Q::from((n + w, 1000));
        for x in [I::from_q(128, &lo), I::span(128, &lo, &hi)] {
            let a = named.enclose(k, &x).unwrap();
            let b = formula.enclose(k, &x).unwrap();
            prop_assert!(a.overlaps(&b),
                "{text} k={k} on {}: {} vs {}", x.show(8), a.show(12), b.show(12));
        }
        let high = formula.enclose(k, &I::from_q(512, &lo)).unwrap();
        prop_assert!(formula.enclose(k, &I::from_q(64, &lo)).unwrap().contains(&high));
    }
}
