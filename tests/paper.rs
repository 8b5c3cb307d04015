//! `critcert paper`, `critcert explain`, and the second checker (`proofs/check_flint.py`,
//! python-flint): tamper tests run against both checkers.

use crate::common::{
    critcert, data, python_check, python_checker, python_run, reversed_keys, text,
};
use critcert::cert::activation::Act;
use critcert::cert::{thm1, to_json};
use critcert::exact::Q;
use critcert::model::{read_csv, Dataset};
use critcert::paper::{self, Status};
use critcert::theorems::thm1::{certify, Thm1Options};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn relu_like(s_minus: Q) -> Thm1Options {
    Thm1Options {
        s_plus: Q::from(1),
        s_minus,
        width: 3,
        alpha: Q::from(1),
    }
}

/// Certificates of both construction cases: `J = ∅` (ReLU on the Theorem 2 data) and `J ≠ ∅`
/// (leaky ReLU on a small dataset).
fn certificates() -> Vec<(&'static str, Value)> {
    let t2 = read_csv(Path::new(&data("theorem2.csv")), None).unwrap();
    let q = |v: &[i64]| v.iter().map(|&x| Q::from(x)).collect::<Vec<_>>();
    let small = Dataset::from_rows(
        vec![q(&[0, 1]), q(&[1, 0]), q(&[2, 2]), q(&[3, 1])],
        q(&[0, 2, 1, 5]),
    );
    let json = |d: &Dataset, o: &Thm1Options| {
        serde_json::from_str(&to_json(&certify(d, o).unwrap().certificate)).unwrap()
    };
    vec![
        ("theorem2", json(&t2, &relu_like(Q::new()))),
        ("small-leaky", json(&small, &relu_like(Q::from((1, 100))))),
    ]
}

/// Both checkers on one certificate text: (Rust accepted, Python accepted or None).
fn both(dir: &Path, name: &str, cert: &str) -> (bool, Option<bool>, String) {
    let file = dir.join(format!("{name}.json"));
    std::fs::write(&file, cert).unwrap();
    let o = critcert(&["check", &file.display().to_string()]);
    let code = o.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "{name}: check exit {code:?}"
    );
    let (out, err) = text(&o);
    let py = python_check(&file);
    if let Some((c, _)) = &py {
        assert!(matches!(c, 0 | 1), "{name}: python exit {c}");
    }
    (
        code == Some(0),
        py.as_ref().map(|(c, _)| *c == 0),
        format!(
            "rust: {out}{err}\npython: {}",
            py.map(|p| p.1).unwrap_or_default()
        ),
    )
}

fn set(v: &mut Value, path: &[&str], new: Value) {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*p],
        };
    }
    *cur = new;
}

#[test]
fn tampered_certificates_are_rejected_by_both_checkers() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cert) in certificates() {
        let s = |x: &str| Value::String(x.into());
        let bump = |v: &Value| {
            let q = critcert::exact::parse_rational(v.as_str().unwrap()).unwrap() + Q::from(1);
            Value::String(critcert::exact::format_rational(&q))
        };
        let mut tampers: Vec<(&str, Value)> = Vec::new();
        let mut t = |what: &'static str, f: &dyn Fn(&mut Value)| {
            let mut v = cert.clone();
            f(&mut v);
            tampers.push((what, v));
        };
        t("a target y", &|v| {
            let n = bump(&v["problem"]["data"]["y"][0]);
            set(v, &["problem", "data", "y", "0"], n)
        });
        t("an input x", &|v| {
            let n = bump(&v["problem"]["data"]["x"][1][0]);
            set(v, &["problem", "data", "x", "1", "0"], n)
        });
        t("an entry of W̄", &|v| {
            let n = bump(&v["witness"]["least_squares"][0]);
            set(v, &["witness", "least_squares", "0"], n)
        });
        t("W2 at the minimum", &|v| {
            let n = bump(&v["witness"]["minimum"]["W2"][0][0]);
            set(v, &["witness", "minimum", "W2", "0", "0"], n)
        });
        t("a negative pre-activation at the minimum", &|v| {
            set(v, &["witness", "minimum", "b1", "1"], s("-1000"))
        });
        t("a radius beyond the margin", &|v| {
            let r = critcert::exact::parse_rational(v["witness"]["radius"].as_str().unwrap())
                .unwrap()
                * Q::from(2);
            set(
                v,
                &["witness", "radius"],
                Value::String(critcert::exact::format_rational(&r)),
            )
        });
        t("a better point that is not better", &|v| {
            let m = v["witness"]["minimum"].clone();
            set(v, &["witness", "better_point"], m)
        });
        t("the slope s+", &|v| {
            set(v, &["problem", "activation", "s_plus"], s("2"))
        });
        t("a non-canonical number", &|v| {
            let n = format!("{}/1", v["witness"]["alpha"].as_str().unwrap());
            set(v, &["witness", "alpha"], s(&n))
        });
        t("a decimal number", &|v| {
            set(v, &["witness", "alpha"], s("1.0"))
        });
        t("a reworded claim", &|v| {
            set(
                v,
                &["claims", "4", "statement"],
                s("it is a global minimum"),
            )
        });
        t("a missing claim", &|v| {
            v["claims"].as_array_mut().unwrap().pop();
        });
        t("an unknown field", &|v| {
            set(v, &["witness", "note"], s("trust me"))
        });
        t("another version", &|v| {
            set(v, &["critcert"], Value::from(2))
        });
        t("an unknown kind", &|v| {
            set(v, &["kind"], s("relu-like-global-minimum"))
        });
        for (what, v) in &tampers {
            let (rust, py, out) = both(dir.path(), name, &to_json(v));
            assert!(!rust, "{name}: Rust accepted {what}\n{out}");
            assert_ne!(py, Some(true), "{name}: Python accepted {what}\n{out}");
        }

        // Must-pass neighbours: other whitespace, other key order, a smaller radius, and a
        // changed informational field.
        let mut smaller = cert.clone();
        let r = critcert::exact::parse_rational(cert["witness"]["radius"].as_str().unwrap())
            .unwrap()
            / Q::from(3);
        smaller["witness"]["radius"] = Value::String(critcert::exact::format_rational(&r));
        let mut informational = cert.clone();
        informational["witness"]["construction"]["gamma"] = s("12345");
        for (what, text) in [
            ("the original", to_json(&cert)),
            ("compact JSON", cert.to_string()),
            ("reversed key order", to_json(&reversed_keys(&cert))),
            ("a smaller radius", to_json(&smaller)),
            ("a changed informational field", to_json(&informational)),
        ] {
            let (rust, py, out) = both(dir.path(), name, &text);
            assert!(rust, "{name}: Rust rejected {what}\n{out}");
            assert_ne!(py, Some(false), "{name}: Python rejected {what}\n{out}");
        }
    }
}

/// The ReLU-like Theorem 2 certificates: ReLU, leaky ReLU and the slightest nonlinearity.
fn relu_like_thm2_certificates() -> Vec<(&'static str, Value)> {
    let act = |p: Q, m: Q| {
        let c = critcert::theorems::thm2::certify(&Act::ReluLike(p, m), 128).unwrap();
        serde_json::from_str(&to_json(&c.certificate)).unwrap()
    };
    vec![
        ("thm2-relu", act(1.into(), 0.into())),
        ("thm2-leaky-relu", act(1.into(), Q::from((1, 100)))),
        ("thm2-slightest", act(Q::from((1001, 1000)), 1.into())),
    ]
}

#[test]
fn tampered_relu_like_theorem2_certificates_are_rejected_by_both_checkers() {
    let dir = tempfile::tempdir().unwrap();
    let q = |v: &Value| critcert::exact::parse_rational(v.as_str().unwrap()).unwrap();
    let s = |x: &Q| Value::String(critcert::exact::format_rational(x));
    for (name, cert) in relu_like_thm2_certificates() {
        let w = &cert["witness"];
        let min_v = std::cmp::min(q(&w["minimum"]["v"][0]), q(&w["minimum"]["v"][1]));
        let s_minus = q(&cert["problem"]["activation"]["s_minus"]);
        let mut tampers: Vec<(&str, Value)> = Vec::new();
        let mut t = |what: &'static str, f: &dyn Fn(&mut Value)| {
            let mut v = cert.clone();
            f(&mut v);
            tampers.push((what, v));
        };
        t("a zero-loss v breaking C2.1", &|v| {
            set(v, &["witness", "zero_loss", "v", "3"], s(&Q::from(2)))
        });
        t("u1 (the output is no longer 1/3)", &|v| {
            let n = q(&v["witness"]["minimum"]["u1"]) + Q::from(1);
            set(v, &["witness", "minimum", "u1"], s(&n))
        });
        t("a radius larger than min(v)/2", &|v| {
            let r = Q::from(&min_v / 2) * Q::from((3, 2));
            set(v, &["witness", "radius"], s(&r))
        });
        t("a wrong Hessian inertia", &|v| {
            let i = v["witness"]["hessian_inertia"].clone();
            let n = |k: usize| i[k].as_u64().unwrap();
            let wrong = serde_json::json!([n(0) + 1, n(1) - 1, n(2)]);
            set(v, &["witness", "hessian_inertia"], wrong)
        });
        t("a negative minimum v", &|v| {
            set(v, &["witness", "minimum", "v", "0"], s(&Q::from(-1)))
        });
        if s_minus > 0 {
            // Output 1/3 and a critical point still, but not in the positive region.
            t("a negative minimum with output 1/3", &|v| {
                let u = Q::from(-1) / (Q::from(6) * s_minus.clone());
                set(
                    v,
                    &["witness", "minimum", "v"],
                    serde_json::json!(["-1", "-1"]),
                );
                set(v, &["witness", "minimum", "u1"], s(&u));
                set(v, &["witness", "minimum", "u2"], s(&u));
            });
        }
        t("the architecture", &|v| {
            set(
                v,
                &["problem", "architecture"],
                serde_json::json!([2, 3, 1]),
            )
        });
        t("a data point", &|v| {
            set(v, &["problem", "data", "x", "2", "0"], s(&Q::from(1)))
        });
        t("a non-canonical radius", &|v| {
            let n = format!("{}/1", v["witness"]["radius"].as_str().unwrap());
            set(v, &["witness", "radius"], Value::String(n))
        });
        t("an unknown field", &|v| {
            set(v, &["witness", "minimum", "note"], Value::from("trust me"))
        });
        t("a precision below 32 bits", &|v| {
            set(v, &["witness", "precision"], Value::from(16))
        });
        t("the Hessian claim without the inertia", &|v| {
            v["witness"]
                .as_object_mut()
                .unwrap()
                .remove("hessian_inertia");
        });
        t("a reworded claim", &|v| {
            set(
                v,
                &["claims", "4", "statement"],
                Value::from("it is a global minimum"),
            )
        });
        for (what, v) in &tampers {
            let (rust, py, out) = both(dir.path(), name, &to_json(v));
            assert!(!rust, "{name}: Rust accepted {what}\n{out}");
            assert_ne!(py, Some(true), "{name}: Python accepted {what}\n{out}");
        }

        // Must-pass neighbours: other key order and whitespace, a smaller radius, and no
        // inertia together with no Hessian claim.
        let mut smaller = cert.clone();
        smaller["witness"]["radius"] = s(&Q::from((1, 4)));
        let mut no_hessian = cert.clone();
        no_hessian["witness"]
            .as_object_mut()
            .unwrap()
            .remove("hessian_inertia");
        no_hessian["claims"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c["id"] != "hessian-inertia");
        for (what, text) in [
            ("the original", to_json(&cert)),
            (
                "compact JSON, reversed key order",
                reversed_keys(&cert).to_string(),
            ),
            ("reversed key order", to_json(&reversed_keys(&cert))),
            ("a smaller radius (1/4)", to_json(&smaller)),
            (
                "no Hessian inertia and no Hessian claim",
                to_json(&no_hessian),
            ),
        ] {
            let (rust, py, out) = both(dir.path(), name, &text);
            assert!(rust, "{name}: Rust rejected {what}\n{out}");
            assert_ne!(py, Some(false), "{name}: Python rejected {what}\n{out}");
        }

        // The `solve` form of u2: both checkers decide it, and alike.
        let mut solve = cert.clone();
        solve["witness"]["minimum"]["u2"] = serde_json::json!({"solve": "C2.3"});
        let (rust, py, out) = both(dir.path(), name, &to_json(&solve));
        if let Some(py) = py {
            assert_eq!(
                rust, py,
                "{name}: the checkers disagree on u2 = solve C2.3\n{out}"
            );
        }
    }
}

#[test]
fn python_checker_covers_every_kind_and_passes_its_self_test() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proofs");
    let sigmoid = root.join("thm2/sigmoid.json");
    if let Some((code, out)) = python_run(&[sigmoid.as_os_str()]) {
        assert_eq!(code, 0, "{out}");
        assert!(out.starts_with("accepted: "), "{out}");
    }
    if let Some((code, out)) = python_run(&[std::ffi::OsStr::new("--self-test")]) {
        assert_eq!(code, 0, "{out}");
    }
}

#[test]
fn python_checker_has_the_canonical_claims() {
    use critcert::cert::{thm2, thm4};
    let py = std::fs::read_to_string(python_checker()).unwrap();
    let mut all = thm1::claims();
    for (relu, root, hessian) in [
        (true, false, true),
        (false, false, true),
        (false, true, false),
    ] {
        all.extend(thm2::claims(relu, root, hessian));
    }
    for (verdict, strict) in [
        ("global-minimum", false),
        ("saddle", true),
        ("saddle", false),
        ("not-critical", false),
        ("near-global-minimum", false),
        ("local-minimum", false),
        ("local-maximum", false),
    ] {
        for loss in [critcert::cert::loss::SQUARED, "logistic"] {
            all.extend(thm4::claims(verdict, strict, loss));
        }
    }
    for (verdict, spurious) in [
        ("strict-local-minimum", true),
        ("saddle", false),
        ("not-critical", false),
    ] {
        all.extend(critcert::cert::point::claims(verdict, spurious));
    }
    for c in all {
        assert!(
            py.contains(&format!("\"{}\"", c.statement)),
            "check_flint.py lacks the canonical claim {}: {}",
            c.id,
            c.statement
        );
    }
}

#[test]
fn paper_is_deterministic_and_rechecks_from_disk() {
    let tasks: Vec<_> = paper::registry(Path::new(&data("")))
        .into_iter()
        .filter(|t| t.path.starts_with("thm1/theorem2"))
        .collect();
    assert_eq!(tasks.len(), 1);
    let read_all = |dir: &Path| {
        let mut files = Vec::new();
        for sub in ["", "thm1", "figures"] {
            let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect();
            names.sort();
            for p in names {
                files.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
        files
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let oa = paper::run(&tasks, a.path(), |_| {}).unwrap();
    paper::run(&tasks, b.path(), |_| {}).unwrap();
    assert_eq!(oa[0].status, Status::Accepted);
    let (fa, fb) = (read_all(a.path()), read_all(b.path()));
    let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "MATH.md",
            "README.md",
            "REPORT.md",
            "thm1/theorem2-relu.json",
            "figures/thm1-theorem2-relu.svg"
        ]
    );
    assert_eq!(fa, fb, "a rerun must reproduce every byte");
    let report = String::from_utf8(fa[2].1.clone()).unwrap();
    assert!(
        report.contains("| Theorem 1 | [`thm1/theorem2-relu.json`]"),
        "{report}"
    );
    assert!(report.contains("![thm1/theorem2-relu.json](figures/thm1-theorem2-relu.svg)"));
    let svg = String::from_utf8(fa[4].1.clone()).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("<polyline"),
        "{svg}"
    );
    let math = String::from_utf8(fa[0].1.clone()).unwrap();
    assert!(
        math.contains("fail closed"),
        "MATH.md ships the argument, with the fail-closed rule"
    );
    let guide = String::from_utf8(fa[1].1.clone()).unwrap();
    assert!(!guide.contains("{{INDEX}}"));
    assert!(guide.contains("| [`thm1/theorem2-relu.json`](thm1/theorem2-relu.json) | Theorem 1 |"));
}

#[test]
fn paper_draws_the_safran_shamir_segment() {
    let tasks: Vec<_> = paper::registry(Path::new(&data("")))
        .into_iter()
        .filter(|t| t.path == "safran-shamir/ss-6-6-0.json")
        .collect();
    assert_eq!(tasks.len(), 1);
    let out = tempfile::tempdir().unwrap();
    let o = paper::run(&tasks, out.path(), |_| {}).unwrap();
    assert_eq!(o[0].status, Status::Accepted);
    let svg =
        std::fs::read_to_string(out.path().join("figures/safran-shamir-ss-6-6-0.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("<polyline"),
        "{svg}"
    );
    let report = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    assert!(
        report.contains("![safran-shamir/ss-6-6-0.json](figures/safran-shamir-ss-6-6-0.svg)"),
        "{report}"
    );
    assert!(report.contains("**Illustrative only**"), "{report}");
}

#[test]
fn paper_fails_with_exit_1_when_a_result_cannot_run() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = critcert(&[
        "paper",
        "--data-dir",
        &empty.path().display().to_string(),
        "--out",
        &out.path().display().to_string(),
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(!stdout.contains(" 0 of "), "{stdout}");
    assert!(stdout.contains("iris.csv: cannot read"), "{stdout}");
}

#[test]
fn explain_accepted_and_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let (_, cert) = certificates().remove(0);
    let good = dir.path().join("good.json");
    std::fs::write(&good, to_json(&cert)).unwrap();
    let o = critcert(&["explain", &good.display().to_string()]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("verdict: ACCEPTED"), "{stdout}");
    assert!(
        stdout.contains("Data: 3 points with 2 inputs (x1, x2)"),
        "{stdout}"
    );
    for c in thm1::claims() {
        assert!(stdout.contains(&format!(". {}\n", c.id)), "{stdout}");
    }
    assert!(
        stdout.contains("verified: loss at the better point"),
        "{stdout}"
    );

    let mut bad = cert.clone();
    bad["witness"]["minimum"]["b1"][1] = Value::String("-1000".into());
    let badf = dir.path().join("bad.json");
    std::fs::write(&badf, to_json(&bad)).unwrap();
    let o = critcert(&["explain", &badf.display().to_string()]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("verdict: REJECTED"), "{stdout}");
    assert!(stdout.contains("local-minimum-region"), "{stdout}");
    assert!(stdout.contains("NOT established"), "{stdout}");

    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "not json").unwrap();
    let o = critcert(&["explain", &junk.display().to_string()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr.contains("junk.json: not valid JSON"), "{stderr}");
}

/// Every number of `v` (strings that parse as rationals), as JSON pointers.
fn numbers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| numbers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| numbers(x, format!("{at}/{i}"), out)),
        Value::String(s)
            if critcert::exact::parse_rational(s).is_ok() && !at.contains("claims") =>
        {
            out.push(at)
        }
        _ => {}
    }
}

#[test]
fn both_checkers_agree_on_every_single_number_change_of_the_deep_linear_proofs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proofs/thm4");
    let Ok(entries) = std::fs::read_dir(&root) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let cert: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut pointers = Vec::new();
        numbers(&cert, String::new(), &mut pointers);
        // At most 12 changes per certificate, evenly spread (each runs both checkers).
        let step = pointers.len().div_ceil(12).max(1);
        let pointers: Vec<String> = pointers.into_iter().step_by(step).collect();
        let (mut rejected, mut accepted) = (0, 0);
        for p in pointers {
            let mut v = cert.clone();
            let old =
                critcert::exact::parse_rational(v.pointer(&p).unwrap().as_str().unwrap()).unwrap();
            *v.pointer_mut(&p).unwrap() =
                Value::String(critcert::exact::format_rational(&(old + Q::from(1))));
            let (rust, py, out) = both(dir.path(), "dl", &to_json(&v));
            if let Some(py) = py {
                assert_eq!(
                    rust,
                    py,
                    "{}: {p}: the checkers disagree\n{out}",
                    file.display()
                );
            }
            if rust {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
        assert!(rejected > 0, "{}: no change was rejected", file.display());
        eprintln!("{}: {rejected} changes rejected, {accepted} accepted (claims still true) by both checkers", file.display());
    }
}

#[test]
fn committed_proofs_pass_the_python_checker() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proofs");
    let mut count = 0;
    for e in ["thm1", "thm2", "thm4", "safran-shamir"]
        .iter()
        .filter_map(|d| std::fs::read_dir(root.join(d)).ok())
        .flatten()
    {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            count += 1;
            if let Some((code, out)) = python_check(&p) {
                assert_eq!(code, 0, "{out}");
            }
        }
    }
    assert!(count >= 24, "proofs/ has only {count} certificates");
}
