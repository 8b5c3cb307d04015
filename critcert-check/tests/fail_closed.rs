//! Fail closed: an MPFR overflow, a NaN, an unbounded enclosure, a duplicate key, a `null` or
//! an exponent tower makes a certificate fail, never pass, and quickly. Each test builds a
//! hostile certificate from a committed one and asserts on the failing claim's id.

use critcert_check::{check_str, thm2, Error};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn committed(name: &str) -> Value {
    let path = format!("{}/../proofs/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A `smooth-counterexample` certificate with a formula activation, the Theorem 2 data, `v4` a
/// bracketed root of C2.1 when `bracket` is given, and the canonical claims.
fn formula_cert(formula: &str, v: Value, minimum: Value, radius: &str) -> Value {
    let mut c = committed("thm2/sigmoid.json");
    c["problem"]["activation"] = json!({"name": "formula", "formula": formula});
    let root = v[3].get("solve").is_some();
    c["witness"] = json!({
        "precision": 128,
        "zero_loss": {"v": v},
        "minimum": minimum,
        "radius": radius,
    });
    c["claims"] = serde_json::to_value(thm2::claims(false, root, false)).unwrap();
    c
}

/// `sin`, `cos`, `sqrt` and `x^(3/2)` in formula activations (numbers from `critcert thm2`):
/// accepted where the claims hold, rejected where they do not, and a `sqrt` or non-integer
/// power of a number that may be negative fails closed.
#[test]
fn sin_cos_sqrt_and_rational_powers() {
    let a = formula_cert(
        "sin(x) + x^(3/2)",
        json!(["1", "1/2", "1/2", {"solve": "C2.1", "bracket": ["129/512", "259/1024"]}]),
        json!({"v": ["1", "1/2"], "u1": "-1/6", "u2": {"solve": "C2.3"}}),
        "38223/2097152",
    );
    let b = formula_cert(
        "x*sqrt(x) + cos(x)",
        json!(["0", "1", "1", {"solve": "C2.1", "bracket": ["2013/1024", "1007/512"]}]),
        json!({"v": ["1", "1"], "u1": "1/6", "u2": {"solve": "C2.3"}}),
        "52157/1048576",
    );
    for c in [&a, &b] {
        check_str(&c.to_string()).unwrap();
    }
    let mut c = a.clone();
    c["problem"]["activation"]["formula"] = json!("cos(x) + x^(3/2)");
    rejected(&c);
    // On v ± 2ρ with ρ = 2 the arguments of sqrt and of ^(3/2) may be negative.
    for (cert, what) in [(&a, "^(3/2)"), (&b, "sqrt")] {
        let mut c = cert.clone();
        c["witness"]["radius"] = json!("2");
        let e = rejected(&c);
        assert_eq!(e.claim_id(), Some("local-minimum-box"));
        assert!(e.to_string().contains(what), "{e}");
    }
}

/// Checks `c` and returns the rejection, failing the test if it is accepted or takes more than
/// a few seconds.
fn rejected(c: &Value) -> Error {
    let start = Instant::now();
    let r = check_str(&c.to_string());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    match r {
        Ok(_) => panic!("accepted a false claim: {c}"),
        Err(e) => e,
    }
}

/// The reviewer's example: `h(22) = 0` and `h` is hugely negative just right of 22, but
/// `exp(exp(x))` overflows MPFR's exponent range on the bracket and, before the fix, the NaN
/// was dropped by `min` and `h` enclosed as `[462.25, 506.25]`.
const HOSTILE: &str = "min(x^2, (x - 22)*((x - 22)^2*(0 - exp(exp(x)))))";

fn hostile(formula: &str) -> Value {
    formula_cert(
        formula,
        json!(["1", "2", "22", {"solve": "C2.1", "bracket": ["21", "23"]}]),
        json!({"v": ["1", "1"], "u1": "1/6", "u2": "1/6"}),
        "87381/524288",
    )
}

#[test]
fn the_reviewers_overflow_example_is_rejected() {
    let e = rejected(&hostile(HOSTILE));
    assert_eq!(e.claim_id(), Some("zero-loss-point"), "{e}");
    assert!(e.to_string().contains("unbounded"), "{e}");
    // With v3 away from the overflow, the bracket alone is what fails: h is not shown
    // continuous (bounded) on [21, 23].
    let mut c = hostile(HOSTILE);
    c["witness"]["zero_loss"]["v"][2] = json!("3");
    let e = rejected(&c);
    assert_eq!(e.claim_id(), Some("zero-loss-point"), "{e}");
    assert!(e.to_string().contains("not shown continuous"), "{e}");
}

#[test]
fn overflow_variants_are_rejected() {
    for (formula, why) in [
        // ∞ − ∞ = NaN inside a min.
        (
            "min(x^2, exp(exp(x)) - exp(exp(x)))",
            "NaN from ∞ − ∞ on the bracket",
        ),
        // 0·NaN must not become an exact 0: the pole term is undefined where it overflows.
        (
            "x^2 + x + 0*(1/(exp(exp(x)) - exp(exp(x))))",
            "a pole hidden behind 0·NaN",
        ),
        // A division by an overflowed (unbounded) denominator.
        ("x^2 + x + 1/exp(exp(x))", "an unbounded divisor"),
        // A tower that overflows even at the certificate's own points.
        ("x^2 + exp(exp(exp(exp(x))))", "overflow at v"),
        (
            "max(x^2, 0 - exp(exp(x))*exp(exp(x)))",
            "a max with an overflowed branch",
        ),
        ("abs(x^2 - exp(exp(x))) + x", "abs of an overflowed value"),
    ] {
        let e = rejected(&hostile(formula));
        assert_eq!(e.claim_id(), Some("zero-loss-point"), "{why}: {e}");
    }
}

#[test]
fn overflow_inside_the_local_minimum_box_is_rejected() {
    // The sigmoid certificate, made exact at its points, with a term that is 0 times a value
    // beyond MPFR's range on the whole box: before the fix the exact-zero shortcut turned
    // 0·NaN into 0.
    let base = committed("thm2/sigmoid.json");
    for extra in [
        "0*exp(exp(exp(exp(x + 3))))",
        "(exp(exp(exp(exp(x + 3)))) - exp(exp(exp(exp(x + 3)))))",
    ] {
        let mut c = base.clone();
        c["problem"]["activation"] =
            json!({"name": "formula", "formula": format!("1/(1 + exp(-x)) + {extra}")});
        let e = rejected(&c);
        assert!(e.claim_id().is_some(), "{e}");
    }
}

#[test]
fn exponent_towers_are_refused_quickly() {
    for formula in [
        "(((((x)^64)^64)^64)^64)^64",
        "((x^64)^64)^2",
        "x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64*x^64",
    ] {
        let e = rejected(&hostile(formula));
        assert!(e.to_string().contains("degree"), "{formula}: {e}");
    }
    // Within the degree limit, exact values that grow past the exact-size limit continue as
    // intervals: decided (here rejected) within seconds.
    let e = rejected(&hostile("(x^64)^64 + x"));
    assert!(e.claim_id().is_some(), "{e}");
}

#[test]
fn duplicate_keys_and_nulls_are_rejected() {
    let good = std::fs::read_to_string(format!(
        "{}/../proofs/thm2/sigmoid.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(check_str(&good).is_ok());
    // "radius" twice, the second a valid smaller radius: ambiguous, so rejected.
    let twice = good.replacen(
        "\"radius\": \"40457/262144\"",
        "\"radius\": \"40457/262144\", \"radius\": \"1/1000\"",
        1,
    );
    assert_ne!(twice, good);
    let e = check_str(&twice).unwrap_err();
    assert!(
        matches!(e, Error::Rejected(_)) && e.to_string().contains("duplicate key 'radius'"),
        "{e}"
    );
    // A duplicate at the top level and inside a claim.
    let e = check_str(&good.replacen("\"critcert\": 1,", "\"critcert\": 1, \"critcert\": 1,", 1))
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key"), "{e}");
    // null for an optional field.
    let mut c: Value = serde_json::from_str(&good).unwrap();
    c["witness"]["hessian_inertia"] = Value::Null;
    let e = check_str(&c.to_string()).unwrap_err();
    assert!(e.to_string().contains("null"), "{e}");
    let mut c: Value = serde_json::from_str(&good).unwrap();
    c["problem"]["activation"]["formula"] = Value::Null;
    assert!(check_str(&c.to_string())
        .unwrap_err()
        .to_string()
        .contains("null"));
}

#[test]
fn rejections_name_the_claim_as_data() {
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["radius"] = json!("1");
    assert_eq!(rejected(&c).claim_id(), Some("local-minimum-box"));
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["hessian_inertia"] = json!([4, 5, 0]);
    assert_eq!(rejected(&c).claim_id(), Some("hessian-inertia"));
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["minimum"]["u1"] = json!("1/2");
    assert_eq!(rejected(&c).claim_id(), Some("minimum-loss"));
    // A malformed field is no claim's failure.
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["precision"] = json!(8);
    assert_eq!(rejected(&c).claim_id(), None);
}

#[test]
fn a_field_that_does_not_belong_to_the_activation_is_rejected() {
    let mut c = committed("thm2/relu.json");
    assert!(check_str(&c.to_string()).is_ok());
    c["problem"]["activation"]["formula"] = json!("x^2");
    let e = rejected(&c);
    assert!(e.to_string().contains("takes no formula"), "{e}");
}

/// A `deep-linear-critical-point` certificate at `W = 0` with the given widths, data `X = [[1]]`
/// (one input, one point) and `Y = 0`: a true global minimum.
fn deep_linear_at_zero(widths: &[usize]) -> Value {
    let mut c = committed("thm4/global-minimum.json");
    let zeros = |r: usize, k: usize| vec![vec!["0"; k]; r];
    let layers: Vec<_> = widths.windows(2).map(|w| zeros(w[1], w[0])).collect();
    c["problem"]["widths"] = json!(widths);
    c["problem"]["X"] = json!(zeros(widths[0], 1));
    c["problem"]["Y"] = json!(zeros(widths[widths.len() - 1], 1));
    c["witness"]["point"] = json!(layers);
    c
}

/// Checks `c`, requiring a verdict (either way) within `secs` seconds.
fn decided_within(c: &Value, secs: u64) -> Result<(), Error> {
    let start = Instant::now();
    let r = check_str(&c.to_string()).map(|_| ());
    assert!(
        start.elapsed() < Duration::from_secs(secs),
        "took {:?}",
        start.elapsed()
    );
    r
}

#[test]
fn huge_arguments_of_named_activations_are_refused_not_panicked_on() {
    // e^{-x} overflows MPFR for x = −10⁹: σ's denominator is unbounded, so the enclosure is
    // refused (before the fix: a panic in `expect`).
    for (file, field, value) in [
        ("thm2/sigmoid.json", 0, json!("-1000000000")),
        ("thm2/softplus.json", 0, json!("1000000000")),
        (
            "thm2/silu.json",
            0,
            json!({"ln": "2", "times": "-2000000000"}),
        ),
    ] {
        let mut c = committed(file);
        c["witness"]["zero_loss"]["v"][field] = value;
        assert!(rejected(&c).claim_id().is_some());
    }
    for file in ["thm2/sigmoid.json", "thm2/silu.json", "thm2/softplus.json"] {
        let mut c = committed(file);
        c["witness"]["radius"] = json!("1000000000");
        assert_eq!(rejected(&c).claim_id(), Some("local-minimum-box"));
    }
}

#[test]
fn exact_powers_beyond_the_size_limit_fall_back_to_intervals() {
    // e^{256·ln q} for a 3000-digit q would be a 2.5-million-digit exact value; it is enclosed
    // instead, and the check (here a rejection: C2.3 is no longer exact) takes no time.
    let mut c = committed("thm2/sigmoid.json");
    let q = format!("1{}", "0".repeat(3000));
    c["witness"]["minimum"]["v"][0] = json!({"ln": q, "times": "256"});
    assert_eq!(rejected(&c).claim_id(), Some("minimum-loss"));
}

#[test]
fn deep_linear_work_is_linear_in_the_size_of_the_certificate() {
    // A wide hidden layer: no d×d identity is ever formed.
    decided_within(&deep_linear_at_zero(&[1, 3000, 1]), 5).unwrap();
    // Many layers: the layer gradients cost O(L) products, not O(L²).
    let mut widths = vec![1; 3001];
    widths[0] = 1;
    decided_within(&deep_linear_at_zero(&widths), 5).unwrap();
}

#[test]
fn curves_of_too_high_degree_are_rejected() {
    let mut c = committed("thm4/zero-saddle-h2.json");
    let first = c["witness"]["descent_curve"][0][0].clone();
    c["witness"]["descent_curve"][0] = json!(vec![first; 65]);
    let e = rejected(&c);
    assert_eq!(e.claim_id(), Some("descent-curve"), "{e}");
    assert!(e.to_string().contains("limit of 64"), "{e}");
}

#[test]
fn data_with_a_huge_common_denominator_is_rejected_quickly() {
    let mut c = committed("thm1/theorem2-relu.json");
    // 40 points with pairwise different 62-digit denominators: their lcm has about 16,000
    // bits, far above the limit of 4096.
    let mut next = 10u128.pow(30) + 1;
    let mut odd = || {
        next += 2;
        format!("1/{next}{next}")
    };
    let x: Vec<Value> = (0..40).map(|_| json!([odd(), odd()])).collect();
    let y: Vec<Value> = (0..40).map(|_| json!("0")).collect();
    c["problem"]["data"]["x"] = json!(x);
    c["problem"]["data"]["y"] = json!(y);
    let e = decided_within(&c, 5).unwrap_err();
    assert!(e.to_string().contains("common denominator"), "{e}");
}

#[test]
fn numbers_longer_than_the_limit_are_rejected_and_messages_stay_short() {
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["radius"] = json!(format!("1/{}", "7".repeat(1_000_000)));
    let e = rejected(&c);
    assert!(e.to_string().contains("above the limit"), "{e}");
    assert!(e.to_string().len() < 3000);
    // A long but allowed number in a failing claim: the reason is abbreviated.
    let mut c = committed("thm2/sigmoid.json");
    c["witness"]["radius"] = json!(format!("{}", "7".repeat(5000)));
    let e = rejected(&c);
    assert!(e.to_string().len() < 3000, "{}", e.to_string().len());
}

#[test]
fn an_object_written_as_an_array_is_rejected() {
    // serde reads a struct from the array of its values; the checker allows one spelling only.
    let mut c = committed("thm2/sigmoid.json");
    let m = c["witness"]["minimum"].clone();
    c["witness"]["minimum"] = json!([m["v"], m["u1"], m["u2"]]);
    let e = rejected(&c);
    assert!(e.to_string().contains("canonical shape"), "{e}");
}
