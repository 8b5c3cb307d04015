//! Derivations in the e-graph: snapshot tests of the Theorem 2 gradient and Hessian (abstract
//! h), the Theorem 1 family's independence of α, a cross-check against exact forward-mode
//! derivatives, the `derive` CLI and its bad inputs.

use crate::common::{critcert, data, temp_file, text};
use critcert::exact::{inertia, parse_rational, QMatrix, Q};
use critcert::expr::at::{parse_point, parse_relation};
use critcert::expr::build::{
    deep_linear_loss, one_hidden_layer_loss, square_loss, Activation, Network,
};
use critcert::expr::{derive, print, Atom, Builder, Derivatives, Func, Limits, Names, Poly};
use critcert::model::{read_csv, Dataset};
use critcert::theorems::thm1::{certify, Thm1Options};
use proptest::prelude::*;
use std::path::Path;

const THM2_POINT: &str = r#"{"W1[1,1]": "0", "W1[1,2]": "0", "W1[2,1]": "0", "W1[2,2]": "0",
  "b1[1]": "v1", "b1[2]": "v2", "W2[1,1]": "u1", "W2[1,2]": "u2", "b2[1]": "0"}"#;

fn thm2_data() -> Dataset {
    read_csv(Path::new(&data("theorem2.csv")), None).unwrap()
}

/// Gradient and Hessian of the Theorem 2 loss for the abstract h, with the names table.
fn thm2_abstract() -> (Derivatives, Names) {
    let loss = one_hidden_layer_loss(&thm2_data(), 2, &Activation::Abstract).unwrap();
    let d = derive(
        &loss.builder.expr,
        loss.root,
        &loss.params,
        true,
        &Limits::default(),
    )
    .unwrap();
    (d, loss.names)
}

/// The same at the Theorem 2 point, reduced by u1 h(v1) + u2 h(v2) = 1/3.
fn thm2_at_point() -> (Derivatives, Names) {
    let (d, mut names) = thm2_abstract();
    let params: Vec<u32> = (0..9).collect();
    let point = parse_point(THM2_POINT, &mut names, &params).unwrap();
    let rel = parse_relation("u2*h(v2) = 1/3 - u1*h(v1)", &names).unwrap();
    (d.at(&point).reduce(&[rel]).unwrap(), names)
}

fn listing(d: &Derivatives, names: &Names) -> String {
    let mut s = format!("loss = {}\n", print::text(&d.value, names));
    for (p, &i) in d.gradient.iter().zip(&d.wrt) {
        s += &format!("d/d{} = {}\n", names.name(i), print::text(p, names));
    }
    if let Some(h) = &d.hessian {
        for (i, row) in h.iter().enumerate() {
            for (j, p) in row.iter().enumerate().skip(i) {
                s += &format!(
                    "d2/d{}d{} = {}\n",
                    names.name(d.wrt[i]),
                    names.name(d.wrt[j]),
                    print::text(p, names)
                );
            }
        }
    }
    s
}

#[test]
fn thm2_gradient_vanishes_for_every_h() {
    let (d, names) = thm2_at_point();
    assert!(d.gradient.iter().all(Poly::is_zero));
    assert_eq!(d.value.as_constant(), Some(Q::from((1, 3))));
    let mut s = String::from(
        "Theorem 2 point W1 = 0, b1 = (v1, v2), W2 = (u1, u2), b2 = 0, abstract h,\n\
         modulo u1*h(v1) + u2*h(v2) = 1/3:\n",
    );
    s += &format!("loss = {}\n", print::text(&d.value, &names));
    for (p, &i) in d.gradient.iter().zip(&d.wrt) {
        s += &format!("d/d{} = {}\n", names.name(i), print::text(p, &names));
    }
    insta::assert_snapshot!("thm2_gradient_at_point", s);
}

/// `Pᵀ H P` for the directions `e(W1[k,1]) − e(W1[k,2])`, k = 1, 2 (moving `s_k = P_k − Q_k`).
fn restricted(h: &[Vec<Poly>]) -> [[Poly; 2]; 2] {
    let dirs = [[(0usize, 1i32), (1, -1)], [(2, 1), (3, -1)]];
    let entry = |a: usize, b: usize| {
        let mut acc = Poly::default();
        for &(i, si) in &dirs[a] {
            for &(j, sj) in &dirs[b] {
                acc = acc.add(&h[i][j].scale(&Q::from(si * sj)));
            }
        }
        acc
    };
    [[entry(0, 0), entry(0, 1)], [entry(1, 0), entry(1, 1)]]
}

#[test]
fn thm2_hessian_shows_m_and_is_inconclusive() {
    let (d, names) = thm2_at_point();
    let h = d.hessian.as_ref().unwrap();
    let mut s = String::from("Hessian at the Theorem 2 point (abstract h), upper triangle:\n");
    for (i, row) in h.iter().enumerate() {
        for (j, p) in row.iter().enumerate().skip(i) {
            s += &format!(
                "d2/d{}d{} = {}\n",
                names.name(d.wrt[i]),
                names.name(d.wrt[j]),
                print::text(p, &names)
            );
        }
    }
    // The block M of (C2.6)-(C2.7): M = [[(u1h'(v1))^2 + u1h''(v1)/3, u1h'(v1)u2h'(v2)], ...].
    let r = restricted(h);
    let m = |t: &str| critcert::expr::at::parse_expression(t, &names).unwrap();
    let m11 = m("(u1*h'(v1))^2 + u1*h''(v1)/3");
    let m12 = m("u1*h'(v1)*u2*h'(v2)");
    let m22 = m("(u2*h'(v2))^2 + u2*h''(v2)/3");
    let two = Q::from(2);
    assert_eq!(r[0][0], m11.scale(&two));
    assert_eq!(r[0][1], m12.scale(&two));
    assert_eq!(r[1][1], m22.scale(&two));
    s += "\nPᵀHP for the directions e(W1[k,1]) - e(W1[k,2]) (moving s_k = P_k - Q_k) = 2M:\n";
    for (a, row) in r.iter().enumerate() {
        for (b, p) in row.iter().enumerate() {
            s += &format!("  2M[{},{}] = {}\n", a + 1, b + 1, print::text(p, &names));
        }
    }
    // Exact instance: sigmoid at v = (-ln 3, -ln 2), u = (2/3, 1/2) (proofs/MATH.md Appendix C):
    // σ = q/(1+q) at v = ln q, σ' = σ(1-σ), σ'' = σ'(1-2σ).
    let sig = |q: Q| {
        let s0 = Q::from(&q / Q::from(&q + 1));
        let s1 = Q::from(&s0 * Q::from(1 - &s0));
        let s2 = Q::from(&s1 * Q::from(1 - Q::from(&s0 * 2)));
        [s0, s1, s2]
    };
    let (v1, v2) = (names.get("v1").unwrap(), names.get("v2").unwrap());
    let vals = [(v1, sig(Q::from((1, 3)))), (v2, sig(Q::from((1, 2))))];
    let (u1, u2) = (names.get("u1").unwrap(), names.get("u2").unwrap());
    let inst = |p: &Poly| -> Poly {
        p.map_atoms(&|a| match a {
            Atom::Var(i) if *i == u1 => Some(Poly::constant(Q::from((2, 3)))),
            Atom::Var(i) if *i == u2 => Some(Poly::constant(Q::from((1, 2)))),
            Atom::App(Func::H(k), args) if *k <= 2 => vals.iter().find_map(|(v, hs)| {
                (args[0] == Poly::var(*v)).then(|| Poly::constant(hs[*k as usize].clone()))
            }),
            _ => None,
        })
    };
    // The relation holds at the instance: u1 σ(v1) + u2 σ(v2) = 2/3·1/4 + 1/2·1/3 = 1/3.
    assert_eq!(
        inst(&m("u1*h(v1) + u2*h(v2)")).as_constant(),
        Some(Q::from((1, 3)))
    );
    let rows: Vec<Vec<Q>> = h
        .iter()
        .map(|row| row.iter().map(|p| inst(p).as_constant().unwrap()).collect())
        .collect();
    let hq = QMatrix::from_rows(rows.clone()).unwrap();
    let inr = inertia(&hq).unwrap();
    assert!(inr.zero > 0 && inr.negative == 0);
    let mq = [
        inst(&m11).as_constant().unwrap(),
        inst(&m12).as_constant().unwrap(),
        inst(&m22).as_constant().unwrap(),
    ];
    s += "\nSigmoid instance v = (-ln 3, -ln 2), u = (2/3, 1/2): h = (1/4, 1/3), h' = (3/16, 2/9), h'' = (3/32, 2/27)\n";
    s += &format!(
        "M = [[{}, {}], [{}, {}]], det M = {}\n",
        mq[0],
        mq[1],
        mq[1],
        mq[2],
        Q::from(&mq[0] * &mq[2]) - Q::from(&mq[1] * &mq[1])
    );
    s += "Hessian (rows W1[1,1] W1[1,2] W1[2,1] W1[2,2] b1[1] b1[2] W2[1,1] W2[1,2] b2[1]):\n";
    for row in &rows {
        s += &format!(
            "  [{}]\n",
            row.iter()
                .map(|q| q.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s += &format!(
        "exact inertia (LDLᵀ) {inr}: zero eigenvalues, so the Hessian test is inconclusive\n"
    );
    insta::assert_snapshot!("thm2_hessian_at_point", s);
}

#[test]
fn thm2_full_gradient_and_hessian_abstract_h() {
    let (d, names) = thm2_abstract();
    let h = d.hessian.as_ref().unwrap();
    let distinct: usize = (0..9).map(|i| 9 - i).sum();
    assert_eq!(distinct, 45);
    assert!((0..9).all(|i| (0..9).all(|j| h[i][j] == h[j][i])));
    insta::assert_snapshot!("thm2_full_abstract_h", listing(&d, &names));
}

#[test]
fn thm1_family_does_not_depend_on_alpha() {
    let d = Dataset::from_rows(
        [[0, 1], [1, 0], [2, 2], [3, 1]]
            .iter()
            .map(|r| r.iter().map(|&x| Q::from(x)).collect())
            .collect(),
        [0, 2, 1, 5].iter().map(|&y| Q::from(y)).collect(),
    );
    let s_plus = Q::from(2);
    let opts = Thm1Options {
        s_plus: s_plus.clone(),
        s_minus: Q::from((1, 2)),
        width: 2,
        alpha: Q::from(1),
    };
    let min = certify(&d, &opts).unwrap().certificate.witness.minimum;
    let q = |t: &String| parse_rational(t).unwrap();
    let mut b = Builder::default();
    let mut names = Names::default();
    let alpha = names.intern("alpha");
    let a = b.var(alpha);
    let inv_a = b.pow(a, -1);
    let net = Network {
        w1: min
            .w1
            .iter()
            .map(|r| r.iter().map(|w| b.linear(&[(q(w), a)], None)).collect())
            .collect(),
        b1: min
            .b1
            .iter()
            .map(|w| b.linear(&[(q(w), a)], None))
            .collect(),
        w2: min.w2[0]
            .iter()
            .map(|w| b.linear(&[(q(w), inv_a)], None))
            .collect(),
        b2: b.num(q(&min.b2[0])),
    };
    // Every pre-activation is positive for α > 0, so h̄ acts as s+·identity.
    let act = Activation::parse(&format!("{s_plus}*x")).unwrap();
    let outs = net.outputs(&mut b, &d, &act).unwrap();
    let loss = square_loss(&mut b, &outs, &d.y);
    let outputs = Poly::from_nodes(&b.expr, &outs).unwrap();
    let dl = derive(&b.expr, loss, &[alpha], true, &Limits::default()).unwrap();
    assert!(outputs.iter().all(|p| p.as_constant().is_some()));
    assert!(dl.value.as_constant().is_some());
    assert!(dl.gradient[0].is_zero());
    let mut s = format!(
        "Theorem 1 family on 4 points, s+ = 2, s- = 1/2: W1 = alpha*{:?}, b1 = alpha*{:?}, W2 = {:?}/alpha, b2 = {}\n",
        min.w1, min.b1, min.w2[0], min.b2[0]
    );
    s += "(all pre-activations positive, so h̄ = s+·x)\n";
    for (i, p) in outputs.iter().enumerate() {
        s += &format!("output at x{} = {}\n", i + 1, print::text(p, &names));
    }
    s += &format!("loss = {}\n", print::text(&dl.value, &names));
    s += &format!(
        "d loss/d alpha = {}\n",
        print::text(&dl.gradient[0], &names)
    );
    s += &format!(
        "d2 loss/d alpha2 = {}\n",
        print::text(&dl.hessian.as_ref().unwrap()[0][0], &names)
    );
    insta::assert_snapshot!("thm1_family_alpha", s);
}

#[test]
fn deep_linear_gradient() {
    let x = QMatrix::from_rows(vec![vec![Q::from(1), Q::from(2)]]).unwrap();
    let y = QMatrix::from_rows(vec![vec![Q::from(1), Q::from(3)]]).unwrap();
    let loss = deep_linear_loss(&x, &y, &[1]).unwrap();
    let d = derive(
        &loss.builder.expr,
        loss.root,
        &loss.params,
        true,
        &Limits::default(),
    )
    .unwrap();
    // At W2 = 0 the gradient in W1 vanishes, the one in W2 is -(Y - 0)X^T W1 = -7 W1[1,1].
    let at = d.at(&[(1, Poly::default())].into_iter().collect());
    assert!(at.gradient[0].is_zero());
    insta::assert_snapshot!("deep_linear_1_1_1", listing(&d, &loss.names));
}

#[test]
fn output_is_identical_across_threads() {
    let runs: Vec<String> = (0..3)
        .map(|_| {
            std::thread::spawn(|| {
                let (d, names) = thm2_abstract();
                listing(&d, &names)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert!(runs.windows(2).all(|w| w[0] == w[1]));
}

// ---- Cross-check: exact second-order forward mode (value, gradient, Hessian) ----

/// A second-order jet over `n` variables, with exact rationals.
#[derive(Clone, Debug)]
struct Jet {
    v: Q,
    g: Vec<Q>,
    h: Vec<Vec<Q>>,
}

impl Jet {
    fn constant(c: Q, n: usize) -> Jet {
        Jet {
            v: c,
            g: vec![Q::new(); n],
            h: vec![vec![Q::new(); n]; n],
        }
    }
    fn variable(c: Q, i: usize, n: usize) -> Jet {
        let mut j = Jet::constant(c, n);
        j.g[i] = Q::from(1);
        j
    }
    fn add(&self, o: &Jet) -> Jet {
        let n = self.g.len();
        Jet {
            v: Q::from(&self.v + &o.v),
            g: (0..n).map(|i| Q::from(&self.g[i] + &o.g[i])).collect(),
            h: (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| Q::from(&self.h[i][j] + &o.h[i][j]))
                        .collect()
                })
                .collect(),
        }
    }
    fn mul(&self, o: &Jet) -> Jet {
        let n = self.g.len();
        Jet {
            v: Q::from(&self.v * &o.v),
            g: (0..n)
                .map(|i| Q::from(&self.v * &o.g[i]) + Q::from(&self.g[i] * &o.v))
                .collect(),
            h: (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| {
                            Q::from(&self.v * &o.h[i][j])
                                + Q::from(&self.h[i][j] * &o.v)
                                + Q::from(&self.g[i] * &o.g[j])
                                + Q::from(&self.g[j] * &o.g[i])
                        })
                        .collect()
                })
                .collect(),
        }
    }
    fn scale(&self, c: &Q) -> Jet {
        self.mul(&Jet::constant(c.clone(), self.g.len()))
    }
}

/// The loss of the width-2 network on `data` with activation `Σ coeffs[k] x^k`, as a jet in
/// the 9 parameters (order W1, b1, W2, b2), by direct forward evaluation.
fn forward_jet(data: &Dataset, coeffs: &[Q], theta: &[Q]) -> Jet {
    let n = theta.len();
    let p: Vec<Jet> = theta
        .iter()
        .enumerate()
        .map(|(i, t)| Jet::variable(t.clone(), i, n))
        .collect();
    let mut loss = Jet::constant(Q::new(), n);
    for i in 0..data.len() {
        let mut out = p[8].clone();
        for k in 0..2 {
            let mut pre = p[4 + k].clone();
            for j in 0..2 {
                pre = pre.add(&p[2 * k + j].scale(&data.x[(i, j)]));
            }
            // Horner.
            let mut act = Jet::constant(coeffs[coeffs.len() - 1].clone(), n);
            for c in coeffs.iter().rev().skip(1) {
                act = act.mul(&pre).add(&Jet::constant(c.clone(), n));
            }
            out = out.add(&p[6 + k].mul(&act));
        }
        let r = out.add(&Jet::constant(-data.y[i].clone(), n));
        loss = loss.add(&r.mul(&r).scale(&Q::from((1, 2))));
    }
    loss
}

fn small_rational() -> impl Strategy<Value = Q> {
    (-6i64..=6, 1i64..=4).prop_map(|(p, q)| Q::from((p, q)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn egraph_derivatives_equal_forward_mode(
        coeffs in proptest::collection::vec(small_rational(), 2..=3),
        theta in proptest::collection::vec(small_rational(), 9),
    ) {
        let data = thm2_data();
        let formula = coeffs
            .iter()
            .enumerate()
            .map(|(k, c)| format!("({c})*x^{k}"))
            .collect::<Vec<_>>()
            .join(" + ");
        let act = Activation::parse(&formula).unwrap();
        let loss = one_hidden_layer_loss(&data, 2, &act).unwrap();
        let d = derive(&loss.builder.expr, loss.root, &loss.params, true, &Limits::default()).unwrap();
        let point = theta.iter().enumerate().map(|(i, t)| (i as u32, Poly::constant(t.clone()))).collect();
        let at = d.at(&point);
        let jet = forward_jet(&data, &coeffs, &theta);
        prop_assert_eq!(at.value.as_constant().unwrap(), jet.v.clone());
        for i in 0..9 {
            prop_assert_eq!(at.gradient[i].as_constant().unwrap(), jet.g[i].clone());
            for j in 0..9 {
                prop_assert_eq!(at.hessian.as_ref().unwrap()[i][j].as_constant().unwrap(), jet.h[i][j].clone());
            }
        }
    }
}

// ---- The CLI ----

#[test]
fn cli_thm2_point_gradient_is_zero() {
    let (_d, point) = temp_file("point.json", THM2_POINT);
    let o = critcert(&[
        "derive",
        "--data",
        &data("theorem2.csv"),
        "--width",
        "2",
        "--activation",
        "h",
        "--at",
        &point,
        "--assume",
        "u2*h(v2) = 1/3 - u1*h(v1)",
        "--hessian",
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    insta::assert_snapshot!("cli_thm2_point", stdout);
}

#[test]
fn cli_sigmoid_instance_inertia() {
    let point = r#"{"W1[1,1]": "0", "W1[1,2]": "0", "W1[2,1]": "0", "W1[2,2]": "0",
      "b1[1]": "v1", "b1[2]": "v2", "W2[1,1]": "2/3", "W2[1,2]": "1/2", "b2[1]": "0"}"#;
    let (_d, point) = temp_file("point.json", point);
    let t2 = data("theorem2.csv");
    let mut args = vec![
        "derive",
        "--data",
        &t2,
        "--width",
        "2",
        "--activation",
        "h",
        "--at",
        &point,
        "--hessian",
        "--json",
    ];
    let rels = [
        "h(v1) = 1/4",
        "h'(v1) = 3/16",
        "h''(v1) = 3/32",
        "h(v2) = 1/3",
        "h'(v2) = 2/9",
        "h''(v2) = 2/27",
    ];
    for r in &rels {
        args.push("--assume");
        args.push(r);
    }
    let o = critcert(&args);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["loss"]["value"], "1/3");
    assert!(v["gradient"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["value"] == "0"));
    assert_eq!(v["hessian_inertia"]["negative"], 0);
    assert!(v["hessian_inertia"]["zero"].as_u64().unwrap() > 0);
}

#[test]
fn cli_formula_activation_evaluates_exactly_and_is_deterministic() {
    let point = r#"{"W1[1,1]": "1/2", "W1[1,2]": "-1", "W1[2,1]": "0.25", "W1[2,2]": "2",
      "b1[1]": "1/3", "b1[2]": "0", "W2[1,1]": "1", "W2[1,2]": "-2/5", "b2[1]": "1/7"}"#;
    let (_d, point) = temp_file("point.json", point);
    // A relative path (tests run in the crate directory) keeps the snapshot portable.
    let args = [
        "derive",
        "--data",
        "examples/data/theorem2.csv",
        "--width",
        "2",
        "--activation",
        "x + x^2/3",
        "--at",
        &point,
        "--hessian",
        "--json",
        "--wrt",
        "b1[1]; W2[1,2]",
    ];
    let o1 = critcert(&args);
    let o2 = critcert(&args);
    assert_eq!(o1.status.code(), Some(0), "{}", text(&o1).1);
    assert_eq!(o1.stdout, o2.stdout);
    insta::assert_snapshot!("cli_formula_json", text(&o1).0);
}

#[test]
fn cli_latex() {
    let o = critcert(&[
        "derive",
        "--data",
        &data("theorem2.csv"),
        "--width",
        "2",
        "--activation",
        "sigmoid",
        "--wrt",
        "b2[1]",
        "--latex",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    insta::assert_snapshot!("cli_sigmoid_latex", text(&o).0);
}

#[test]
fn cli_bad_inputs_exit_2_with_one_line() {
    let (_d, bad_point) = temp_file("p.json", r#"{"W9[1,1]": "0"}"#);
    let (_e, bad_value) = temp_file("q.json", r#"{"b1[1]": "1/0"}"#);
    let t2 = data("theorem2.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--activation", "foo(x)"], "unknown function"),
        (vec!["--activation", "x + y"], "unknown name 'y'"),
        (
            vec!["--activation", "h", "--wrt", "W1[3,1]"],
            "unknown parameter 'W1[3,1]'",
        ),
        (
            vec!["--activation", "h", "--at", &bad_point],
            "unknown parameter 'W9[1,1]'",
        ),
        (
            vec!["--activation", "h", "--at", &bad_value],
            "zero denominator",
        ),
        (
            vec!["--activation", "h", "--assume", "h(v1) = 1"],
            "unknown name 'v1'",
        ),
        (
            vec!["--activation", "h", "--assume", "b2[1] + W2[1,1] = 1"],
            "single product",
        ),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["derive", "--data", &t2, "--width", "2"];
        args.extend(extra.iter());
        let o = critcert(&args);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    let o = critcert(&[
        "derive",
        "--data",
        "/nonexistent.csv",
        "--width",
        "2",
        "--activation",
        "h",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_limit_stop_is_an_error() {
    let o = critcert(&[
        "derive",
        "--data",
        &data("theorem2.csv"),
        "--width",
        "2",
        "--activation",
        "h",
        "--hessian",
        "--iter-limit",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("did not saturate"));
}
