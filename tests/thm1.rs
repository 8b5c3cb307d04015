//! Theorem 1: the CLI, bad inputs, certificates, tamper and false-claim tests, properties.

use crate::common::{critcert, data, failing_claim, rejects, reversed_keys, temp_file, text};
use critcert::cert::{check_str, to_json};
use critcert::exact::Q;
use critcert::model::Dataset;
use critcert::theorems::thm1::{certify, Thm1Options};
use proptest::prelude::*;
use serde_json::Value;

fn relu() -> Thm1Options {
    Thm1Options {
        s_plus: Q::from(1),
        s_minus: Q::from(0),
        width: 2,
        alpha: Q::from(1),
    }
}

fn cert_json(d: &Dataset, o: &Thm1Options) -> Value {
    serde_json::from_str(&to_json(&certify(d, o).unwrap().certificate)).unwrap()
}

fn small_data() -> Dataset {
    let q = |v: &[i64]| v.iter().map(|&x| Q::from(x)).collect::<Vec<_>>();
    Dataset::from_rows(
        vec![q(&[0, 1]), q(&[1, 0]), q(&[2, 2]), q(&[3, 1])],
        q(&[0, 2, 1, 5]),
    )
}

#[test]
fn cli_certifies_iris_and_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("iris.json").display().to_string();
    let o = critcert(&[
        "thm1",
        "--data",
        &data("iris.csv"),
        "--s-plus",
        "1",
        "--s-minus",
        "1/100",
        "--out",
        &out,
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("certified: spurious local minimum"),
        "{stdout}"
    );
    assert!(
        stdout.contains("duplicate input points at lines [[103, 144]]"),
        "{stdout}"
    );
    let o = critcert(&["check", &out]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // Deterministic: a second run writes the same bytes.
    let first = std::fs::read(&out).unwrap();
    critcert(&[
        "thm1",
        "--data",
        &data("iris.csv"),
        "--s-plus",
        "1",
        "--s-minus",
        "1/100",
        "--out",
        &out,
    ]);
    assert_eq!(first, std::fs::read(&out).unwrap());
}

#[test]
fn cli_json_summary_and_j_empty() {
    let o = critcert(&[
        "thm1",
        "--data",
        &data("theorem2.csv"),
        "--s-plus",
        "1001/1000",
        "--s-minus",
        "1",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["case"], "J-empty");
    assert_eq!(v["loss_minimum"], "1/3");
    assert_eq!(v["certified"], true);
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let cases: &[(&str, &str, i32)] = &[
        ("a,y\n1,2\nx,3\n", "line 3, column 1 ('a')", 2),
        ("a,y\n1,NaN\n2,3\n", "not a finite number", 2),
        ("a,y\n1,inf\n2,3\n", "not a finite number", 2),
        (
            "a,b,y\n1,2,3\n1,2\n",
            "line 3: 2 fields, but the header has 3 columns",
            2,
        ),
        ("", "empty file", 2),
        ("a,y\n1,2\n", "need at least two", 2),
        ("a,y\n0,1\n1,3\n2,5\n", "C1.1 fails", 1),
    ];
    for (contents, message, code) in cases {
        let (_dir, path) = temp_file("d.csv", contents);
        let o = critcert(&["thm1", "--data", &path, "--s-plus", "1", "--s-minus", "0"]);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(*code), "{contents:?}: {stderr}");
        assert!(
            stderr.contains(message) && stderr.contains("d.csv"),
            "{contents:?}: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }
    let o = critcert(&[
        "thm1",
        "--data",
        "/nonexistent.csv",
        "--s-plus",
        "1",
        "--s-minus",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = critcert(&[
        "thm1",
        "--data",
        &data("iris.csv"),
        "--s-plus",
        "1",
        "--s-minus",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    let o = critcert(&[
        "thm1",
        "--data",
        &data("iris.csv"),
        "--s-plus",
        "abc",
        "--s-minus",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn tie_break_blocked_by_duplicates_names_the_rows() {
    // Constant least-squares fit (J = ∅) and the largest point x = 1 appears twice with nonzero
    // residuals, so Appendix A's tie-break cannot separate them.
    let (_dir, path) = temp_file("dup.csv", "x,y\n1,0\n1,2\n-1,0\n-1,2\n");
    let o = critcert(&["thm1", "--data", &path, "--s-plus", "1", "--s-minus", "0"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("C1.2") && stderr.contains("[2, 3]"),
        "{stderr}"
    );
}

#[test]
fn failed_run_leaves_existing_certificate_untouched() {
    let (dir, bad) = temp_file("bad.csv", "a,y\n1,x\n2,3\n");
    let out = dir.path().join("keep.json");
    std::fs::write(&out, "previous").unwrap();
    let o = critcert(&[
        "thm1",
        "--data",
        &bad,
        "--s-plus",
        "1",
        "--s-minus",
        "0",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
}

#[test]
fn closed_stdout_is_not_a_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_critcert"))
        .args([
            "thm1",
            "--data",
            &data("wine.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before critcert has printed anything (it computes first).
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(status.code(), Some(101), "exit code 101 is a Rust panic");
}

#[test]
fn check_exit_codes() {
    let (dir, garbage) = temp_file("g.json", "{not json");
    assert_eq!(critcert(&["check", &garbage]).status.code(), Some(2));
    let mut v = cert_json(&small_data(), &relu());
    v["witness"]["radius"] = Value::String("1000".into());
    let p = dir.path().join("t.json");
    std::fs::write(&p, v.to_string()).unwrap();
    let o = critcert(&["check", &p.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).1.contains("local-minimum-region"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn tampering_that_breaks_a_claim_is_rejected() {
    let v = cert_json(&small_data(), &relu());
    assert!(check_str(&v.to_string()).is_ok());
    let mut t = v.clone();
    t["problem"]["data"]["y"][0] = Value::String("1/7".into());
    assert_eq!(failing_claim(&t).as_deref(), Some("normal-equations"));
    let mut t = v.clone();
    t["witness"]["least_squares"][0] = Value::String("123".into());
    assert_eq!(failing_claim(&t).as_deref(), Some("normal-equations"));
    let mut t = v.clone();
    t["witness"]["minimum"]["W2"][0][0] = Value::String("5".into());
    assert_eq!(failing_claim(&t).as_deref(), Some("minimum-output"));
    let mut t = v.clone();
    t["witness"]["minimum"]["b1"][1] = Value::String("-1".into());
    assert_eq!(failing_claim(&t).as_deref(), Some("local-minimum-region"));
    let mut t = v.clone();
    let rho = Q::from(Q::parse(v["witness"]["radius"].as_str().unwrap()).unwrap()) * 2u32;
    t["witness"]["radius"] = Value::String(rho.to_string());
    assert_eq!(failing_claim(&t).as_deref(), Some("local-minimum-region"));
    // The better point made no better: copy the minimum.
    let mut t = v.clone();
    t["witness"]["better_point"] = v["witness"]["minimum"].clone();
    assert_eq!(failing_claim(&t).as_deref(), Some("strictly-better-point"));
    // A claim statement that says more than was checked.
    let mut t = v.clone();
    t["claims"][4]["statement"] = Value::String("the minimum is global".into());
    assert!(rejects(&t).contains("statement"));
    // Unknown fields, kinds and claims, and non-canonical numbers.
    let mut t = v.clone();
    t["witness"]["extra"] = Value::Bool(true);
    assert!(rejects(&t).contains("unknown field"));
    let mut t = v.clone();
    t["kind"] = Value::String("magic".into());
    assert!(rejects(&t).contains("unknown certificate kind"));
    let mut t = v.clone();
    t["witness"]["radius"] = Value::String("0.001".into());
    assert!(rejects(&t).contains("not a rational"));
    let mut t = v.clone();
    t["claims"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "global", "statement": "x"}));
    assert!(rejects(&t).contains("unknown claim"));
}

#[test]
fn harmless_changes_are_accepted() {
    let v = cert_json(&small_data(), &relu());
    // Re-serialised compactly, and with keys in reverse order.
    assert!(check_str(&v.to_string()).is_ok());
    assert!(check_str(&serde_json::to_string_pretty(&reversed_keys(&v)).unwrap()).is_ok());
    // A smaller radius is still true.
    let mut t = v.clone();
    let rho = Q::from(Q::parse(v["witness"]["radius"].as_str().unwrap()).unwrap()) / 3u32;
    t["witness"]["radius"] = Value::String(rho.to_string());
    assert!(check_str(&t.to_string()).is_ok());
}

#[test]
fn a_saddle_presented_as_minimum_is_rejected() {
    // Replace the minimum by the better point itself: its pre-activations are not all positive
    // (one unit is negative at every point), so the region claim cannot be re-derived.
    let v = cert_json(&small_data(), &relu());
    let mut t = v.clone();
    t["witness"]["minimum"] = v["witness"]["better_point"].clone();
    let claim = failing_claim(&t);
    assert!(
        matches!(
            claim.as_deref(),
            Some("minimum-output" | "local-minimum-region")
        ),
        "{claim:?}: {}",
        rejects(&t)
    );
}

fn arb_dataset() -> impl Strategy<Value = Dataset> {
    (2usize..=3, 3usize..=7).prop_flat_map(|(dx, m)| {
        proptest::collection::vec(
            proptest::collection::vec((-20i64..=20, 1i64..=4), dx + 1),
            m,
        )
        .prop_map(move |rows| {
            let x: Vec<Vec<Q>> = rows
                .iter()
                .map(|r| r[..dx].iter().map(|&(p, q)| Q::from((p, q))).collect())
                .collect();
            let y: Vec<Q> = rows.iter().map(|r| Q::from((r[dx].0, r[dx].1))).collect();
            Dataset::from_rows(x, y)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn every_certificate_is_accepted_and_tampering_rejected(d in arb_dataset(), leaky in 0i64..3, which in 0usize..4) {
        let o = Thm1Options { s_plus: Q::from(1), s_minus: Q::from((leaky, 4)), width: 2 + which % 2, alpha: Q::from((which as i64 + 1, 2)) };
        match certify(&d, &o) {
            Ok(r) => {
                let v: Value = serde_json::from_str(&to_json(&r.certificate)).unwrap();
                prop_assert!(check_str(&v.to_string()).is_ok());
                // A data entry changed by one: the normal equations break (W̄ no longer fits).
                let mut t = v.clone();
                let y0 = Q::from(Q::parse(v["problem"]["data"]["y"][which % d.len()].as_str().unwrap()).unwrap()) + 1u32;
                t["problem"]["data"]["y"][which % d.len()] = Value::String(y0.to_string());
                prop_assert!(check_str(&t.to_string()).is_err());
                // An entry of W̄ changed.
                let mut t = v.clone();
                let w0 = Q::from(Q::parse(v["witness"]["least_squares"][0].as_str().unwrap()).unwrap()) + 1u32;
                t["witness"]["least_squares"][0] = Value::String(w0.to_string());
                prop_assert!(check_str(&t.to_string()).is_err());
                // The output weight of the minimum changed: its output no longer equals W̄X̃.
                let mut t = v.clone();
                let w2 = Q::from(Q::parse(v["witness"]["minimum"]["W2"][0][0].as_str().unwrap()).unwrap()) + 1u32;
                t["witness"]["minimum"]["W2"][0][0] = Value::String(w2.to_string());
                prop_assert!(check_str(&t.to_string()).is_err());
                // The better point replaced by the minimum: no longer better.
                let mut t = v.clone();
                t["witness"]["better_point"] = v["witness"]["minimum"].clone();
                prop_assert!(check_str(&t.to_string()).is_err());
                // The radius beyond the margin.
                let mut t = v.clone();
                let rho = Q::from(Q::parse(v["witness"]["radius"].as_str().unwrap()).unwrap()) * 2u32;
                t["witness"]["radius"] = Value::String(rho.to_string());
                prop_assert!(check_str(&t.to_string()).is_err());
                // A smaller radius: still true.
                let mut t = v.clone();
                let rho = Q::from(Q::parse(v["witness"]["radius"].as_str().unwrap()).unwrap()) / 2u32;
                t["witness"]["radius"] = Value::String(rho.to_string());
                prop_assert!(check_str(&t.to_string()).is_ok());
            }
            Err(e) => {
                // Only an exact affine fit, or a tie-break blocked by duplicates, may fail.
                let m = e.to_string();
                prop_assert!(m.contains("C1.1") || m.contains("C1.2"), "{}", m);
            }
        }
    }
}

/// A small CSV whose least-squares fit is not exact (the data of `small_data`).
const SMALL_CSV: &str = "a,b,y\n0,1,0\n1,0,2\n2,2,1\n3,1,5\n";

fn thm1_cli(data: &str, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "thm1",
        "--data",
        data,
        "--s-plus",
        "1",
        "--s-minus",
        "0",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    critcert(&args)
}

#[test]
fn data_ref_certificate_is_checked_against_its_file() {
    let (dir, csv) = temp_file("small.csv", SMALL_CSV);
    let cert = dir.path().join("ref.json").display().to_string();
    let o = thm1_cli(&csv, &cert, &["--data-ref"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&cert).unwrap()).unwrap();
    let c = &v["problem"]["data"]["csv"];
    assert_eq!(c["file"], "small.csv");
    assert_eq!(c["points"], 4);
    assert_eq!(c["bytes"], SMALL_CSV.len());
    assert!(c.get("text").is_none() && v["problem"]["data"].get("x").is_none());
    // With its file: accepted. Without: refused, naming the file it needs.
    let o = critcert(&["check", &cert, "--data", &csv]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let o = critcert(&["check", &cert]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--data") && stderr.contains("small.csv"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert_eq!(critcert(&["explain", &cert]).status.code(), Some(2));
    let o = critcert(&["explain", &cert, "--data", &csv]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert!(text(&o).0.contains("ACCEPTED"));
    // A changed data file: rejected with both hashes on one line.
    let other = dir.path().join("changed.csv");
    std::fs::write(&other, SMALL_CSV.replace("3,1,5", "3,1,6")).unwrap();
    let o = critcert(&["check", &cert, "--data", &other.display().to_string()]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    let sha = c["sha256"].as_str().unwrap();
    assert!(
        stderr.contains(sha) && stderr.contains("changed.csv") && stderr.contains("SHA-256"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    // A longer file (here endless): rejected after reading just past the stated size, by both
    // checkers.
    for longer in ["/dev/zero".to_string(), {
        let p = dir.path().join("longer.csv");
        std::fs::write(
            &p,
            format!("{SMALL_CSV}{}", "1e9999,1e9999,1e9999\n".repeat(5000)),
        )
        .unwrap();
        p.display().to_string()
    }] {
        let o = critcert(&["check", &cert, "--data", &longer]);
        let (stdout, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
        assert!(stderr.contains("more than"), "{stderr}");
        let args = [cert.as_str(), "--data", longer.as_str()].map(std::ffi::OsStr::new);
        if let Some((code, out)) = crate::common::python_run(&args) {
            assert_eq!(code, 1, "{out}");
            assert!(out.contains("more than"), "{out}");
        }
    }
    // A changed hash, a wrong shape: rejected. Another file name (informational): accepted.
    let check_with = |v: &Value| {
        let p = dir.path().join("t.json");
        std::fs::write(&p, v.to_string()).unwrap();
        critcert(&["check", &p.display().to_string(), "--data", &csv])
            .status
            .code()
    };
    let mut t = v.clone();
    t["problem"]["data"]["csv"]["sha256"] = Value::String("0".repeat(64));
    assert_eq!(check_with(&t), Some(1));
    let mut t = v.clone();
    t["problem"]["data"]["csv"]["points"] = Value::from(5);
    assert_eq!(check_with(&t), Some(1));
    let mut t = v.clone();
    t["problem"]["data"]["feature_names"] = serde_json::json!(["b", "a"]);
    assert_eq!(check_with(&t), Some(1));
    let mut t = v.clone();
    t["problem"]["data"]["csv"]["file"] = Value::String("renamed.csv".into());
    assert_eq!(check_with(&t), Some(0));
    assert_eq!(check_with(&reversed_keys(&v)), Some(0));
}

#[test]
fn small_files_are_embedded_by_default_and_checked_alone() {
    let (dir, csv) = temp_file("small.csv", SMALL_CSV);
    let cert = dir.path().join("emb.json").display().to_string();
    let o = thm1_cli(&csv, &cert, &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert!(
        text(&o).1.is_empty(),
        "no note for a small file: {:?}",
        text(&o)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&cert).unwrap()).unwrap();
    assert_eq!(v["problem"]["data"]["csv"]["text"], SMALL_CSV);
    assert!(check_str(&v.to_string()).is_ok());
    assert_eq!(critcert(&["check", &cert]).status.code(), Some(0));
    assert_eq!(
        critcert(&["check", &cert, "--data", &csv]).status.code(),
        Some(0)
    );
    // The text changed with its hash and length updated: the claims are re-derived and fail.
    let mut t = v.clone();
    let changed = SMALL_CSV.replace("3,1,5", "3,1,6");
    t["problem"]["data"]["csv"]["text"] = Value::String(changed.clone());
    assert!(rejects(&t).contains("SHA-256"));
    t["problem"]["data"]["csv"]["sha256"] =
        Value::String(critcert::cert::data::sha256_hex(changed.as_bytes()));
    assert_eq!(failing_claim(&t).as_deref(), Some("normal-equations"));
    // Both forms at once, or neither: rejected.
    let mut t = v.clone();
    t["problem"]["data"]["y"] = serde_json::json!(["0", "2", "1", "5"]);
    assert!(check_str(&t.to_string()).is_err());
    // --data-ref and --embed-data choose; a large file defaults to a reference, said on stderr.
    let o = thm1_cli(&csv, &cert, &["--data-ref"]);
    assert_eq!(o.status.code(), Some(0));
    let mut big = String::from("a,b,y\n");
    for i in 0..100_000 {
        big.push_str(&format!(
            "{}.{:03},{},{}\n",
            i % 97,
            i % 1000,
            i % 13,
            (i % 101) * (i % 7) % 101
        ));
    }
    let big_csv = dir.path().join("big.csv");
    std::fs::write(&big_csv, &big).unwrap();
    let big_csv = big_csv.display().to_string();
    let o = thm1_cli(&big_csv, &cert, &[]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("SHA-256") && stderr.contains("--embed-data"),
        "{stderr}"
    );
    let size = std::fs::metadata(&cert).unwrap().len();
    assert!(size < 20_000, "a data-ref certificate of {size} bytes");
    assert_eq!(
        critcert(&["check", &cert, "--data", &big_csv])
            .status
            .code(),
        Some(0)
    );
    let o = thm1_cli(&big_csv, &cert, &["--embed-data"]);
    assert_eq!(o.status.code(), Some(0));
    let size = std::fs::metadata(&cert).unwrap().len() as f64;
    assert!(
        size <= 1.2 * big.len() as f64,
        "{size} bytes for {} of CSV",
        big.len()
    );
    assert_eq!(critcert(&["check", &cert]).status.code(), Some(0));
}
