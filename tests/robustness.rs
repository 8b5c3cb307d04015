//! Robustness: one regression test per class of hostile input (issue 15). Every run must end
//! with exit 0, 1 or 2 and, on error, exactly one line on stderr, `critcert: …`, with control
//! characters escaped; in bounded time, under a 4 GB memory cap; and no output may replace an
//! input.

use crate::common::{critcert, data, text};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs the binary with `args` under an address-space cap of `cap_mb` MB (the issue's hostile
/// setting is 4 GB), returning the output and the time it took.
fn capped(args: &[&str], cap_mb: u64) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_critcert"));
    cmd.args(args);
    // SAFETY: only an async-signal-safe call between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let cap = libc::rlimit {
                rlim_cur: cap_mb << 20,
                rlim_max: cap_mb << 20,
            };
            libc::setrlimit(libc::RLIMIT_AS, &cap);
            Ok(())
        });
    }
    let start = Instant::now();
    let o = cmd.output().expect("run critcert");
    (o, start.elapsed())
}

/// Asserts an error exit with `code` and one line on stderr containing every `needle`.
fn one_line_error(o: &Output, code: i32, needles: &[&str]) -> String {
    let (_, stderr) = text(o);
    assert_eq!(o.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("critcert: "), "{stderr:?}");
    assert!(
        !stderr.trim_end().chars().any(char::is_control),
        "control characters: {stderr:?}"
    );
    for n in needles {
        assert!(stderr.contains(n), "{n:?} not in {stderr:?}");
    }
    stderr
}

/// A `.npy` file of float64 values with the header's shape text given as is.
fn npy(shape: &str, values: &[f64]) -> Vec<u8> {
    let header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    let pad = 64 - (10 + header.len() + 1) % 64;
    let mut h = header.into_bytes();
    h.extend(std::iter::repeat_n(b' ', pad % 64));
    h.push(b'\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((h.len() as u16).to_le_bytes());
    out.extend(h);
    for v in values {
        out.extend(v.to_le_bytes());
    }
    out
}

#[test]
fn npy_with_zero_size_or_overflowing_shapes_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("w1.npy"), npy("(2, 2)", &[1.0, 0.0, 0.0, 1.0])).unwrap();
    std::fs::write(p("y.npy"), npy("(3, 2)", &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])).unwrap();
    std::fs::write(p("x.csv"), "a,b\n1,2\n3,4\n5,7\n").unwrap();
    let cases = [
        ("zero.npy", npy("(0, 2)", &[]), "an empty matrix"),
        ("zero2.npy", npy("(2, 0)", &[]), "an empty matrix"),
        // 2^32 · 2^32 wraps to 0 in usize: the loader once indexed an empty array here.
        (
            "wrap.npy",
            npy("(4294967296, 4294967296)", &[]),
            "too large",
        ),
        ("huge.npy", npy("(1099511627776, 1)", &[]), "truncated"),
        ("short.npy", npy("(3, 3)", &[1.0, 2.0]), "truncated"),
        ("scalar.npy", npy("()", &[1.0]), "expected a matrix"),
        // An ambiguous header: which shape is meant?
        (
            "twice.npy",
            npy("(2, 2), 'shape': (4, 1)", &[1.0, 0.0, 0.0, 1.0]),
            "the key 'shape' twice",
        ),
    ];
    for (name, bytes, needle) in cases {
        std::fs::write(p(name), bytes).unwrap();
        for args in [
            [
                "--weights",
                &p(name),
                "--x",
                &p("x.csv"),
                "--y",
                &p("y.npy"),
            ],
            [
                "--weights",
                &p("w1.npy"),
                "--x",
                &p(name),
                "--y",
                &p("y.npy"),
            ],
            [
                "--weights",
                &p("w1.npy"),
                "--x",
                &p("x.csv"),
                "--y",
                &p(name),
            ],
        ] {
            let mut all = vec!["deep-linear"];
            all.extend(args);
            all.extend(["--blas", "faer"]);
            let (o, _) = capped(&all, 4096);
            one_line_error(&o, 2, &[name, needle]);
        }
    }
}

#[test]
fn absurd_sizes_are_refused_before_allocating() {
    let t2 = data("theorem2.csv");
    for w in ["9223372036854775808", "4294967296"] {
        let (o, took) = capped(
            &[
                "thm1",
                "--data",
                &t2,
                "--s-plus",
                "1",
                "--s-minus",
                "0",
                "--width",
                w,
            ],
            4096,
        );
        one_line_error(&o, 2, &["--width", w, "--memory-limit"]);
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    let (o, _) = capped(
        &[
            "thm1",
            "--data",
            &t2,
            "--s-plus",
            "1",
            "--s-minus",
            "0",
            "--width",
            "18446744073709551616",
        ],
        4096,
    );
    one_line_error(&o, 2, &["--width"]);
    let (o, took) = capped(
        &[
            "derive",
            "--data",
            &t2,
            "--width",
            "1000000000",
            "--activation",
            "h",
        ],
        4096,
    );
    one_line_error(&o, 2, &["--width 1000000000", "--node-limit"]);
    assert!(took < Duration::from_secs(5), "{took:?}");
    // The f64 deep-linear path checks the shapes' memory before allocating the products: here
    // every file is small, but the prefix product W2·W1 would be 20000 × 20000.
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let n = 20_000;
    let ones = vec![1.0; n];
    std::fs::write(p("w1.npy"), npy(&format!("(1, {n})"), &ones)).unwrap();
    std::fs::write(p("w2.npy"), npy(&format!("({n}, 1)"), &ones)).unwrap();
    std::fs::write(p("w3.npy"), npy(&format!("(1, {n})"), &ones)).unwrap();
    std::fs::write(p("x.npy"), npy(&format!("(1, {n})"), &ones)).unwrap();
    std::fs::write(p("y.npy"), npy("(1, 1)", &[1.0])).unwrap();
    let (o, took) = capped(
        &[
            "deep-linear",
            "--weights",
            &p("w1.npy"),
            &p("w2.npy"),
            &p("w3.npy"),
            "--x",
            &p("x.npy"),
            "--y",
            &p("y.npy"),
            "--blas",
            "faer",
        ],
        4096,
    );
    one_line_error(&o, 2, &["--memory-limit"]);
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn exact_arithmetic_is_bounded_before_gmp_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    // One number of more digits than any measurement: refused where it is read.
    std::fs::write(
        p("long.csv"),
        format!("a,y\n0.{},1\n2,3\n4,7\n", "7".repeat(20_000)),
    )
    .unwrap();
    let (o, _) = capped(
        &[
            "thm1",
            "--data",
            &p("long.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
        ],
        4096,
    );
    one_line_error(&o, 2, &["long.csv", "line 2, column 1", "digits"]);
    // Theorem 1's checker bounds the common denominator of a certificate's data (4096 bits):
    // such data is refused before the construction (it once ended in "please report this").
    std::fs::write(
        p("digits.csv"),
        format!("a,y\n0.{},1\n2,3\n4,7\n", "7".repeat(1_500)),
    )
    .unwrap();
    let (o, _) = capped(
        &[
            "thm1",
            "--data",
            &p("digits.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
        ],
        4096,
    );
    one_line_error(&o, 2, &["digits.csv", "common denominator", "4096 bits"]);
    // One long decimal puts every value of its column over a long common denominator: the
    // estimate refuses it up front, and --memory-limit raises the bound.
    let mut csv = format!("a,y\n0.{},1\n", "3".repeat(1_000));
    for i in 0..40_000 {
        csv.push_str(&format!("{},{}\n", i % 97, i % 13));
    }
    std::fs::write(p("skew.csv"), csv).unwrap();
    let (o, took) = capped(
        &[
            "thm1",
            "--data",
            &p("skew.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
            "--memory-limit",
            "8",
        ],
        4096,
    );
    one_line_error(&o, 2, &["skew.csv", "column 'a'", "--memory-limit"]);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Formulas: a tower of constant powers and powers of sums are bounded in the derivation.
    for f in [
        "((x+1)^64)^64",
        "(x+exp(x)+tanh(x)+1)^64",
        "((((3^64)^64)^64)^64)*x",
    ] {
        let (o, took) = capped(
            &[
                "derive",
                "--data",
                &data("theorem2.csv"),
                "--width",
                "2",
                "--activation",
                f,
            ],
            4096,
        );
        one_line_error(&o, 1, &["too large"]);
        assert!(took < Duration::from_secs(30), "{f}: {took:?}");
    }
    let (o, _) = capped(&["thm2", "--activation", "((x+1)^64)^64"], 4096);
    one_line_error(&o, 1, &["too large"]);
}

#[test]
fn deep_formulas_do_not_overflow_the_stack() {
    let deep = format!("{}x{}", "(".repeat(3_900), ")".repeat(3_900));
    let nested = format!("{}x{}", "exp(".repeat(500), ")".repeat(500));
    for f in [deep.as_str(), nested.as_str()] {
        for sub in [
            vec![
                "derive",
                "--data",
                &data("theorem2.csv"),
                "--width",
                "2",
                "--activation",
                f,
            ],
            vec!["thm2", "--activation", f],
        ] {
            let (o, _) = capped(&sub, 4096);
            one_line_error(&o, 2, &["activation"]);
        }
    }
}

#[test]
fn long_work_is_bounded() {
    // The exponent and canonical-form bounds stop these in seconds.
    let (o, took) = capped(
        &[
            "derive",
            "--data",
            &data("theorem2.csv"),
            "--width",
            "2",
            "--activation",
            "(((exp(tanh(x))+(-x)^-6) -x))^64",
        ],
        4096,
    );
    one_line_error(&o, 1, &["too large"]);
    assert!(took < Duration::from_secs(30), "{took:?}");
    // A 1 MB dataset is refused up front by the e-graph's node limit.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let mut csv = String::from("a,b,y\n");
    let mut i: u64 = 1;
    while csv.len() < 1_000_000 {
        i = i
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        csv.push_str(&format!(
            "{}.{},{}.{},{}\n",
            i % 19,
            i % 97,
            i % 7,
            i % 89,
            i % 10
        ));
    }
    std::fs::write(&big, csv).unwrap();
    let (o, took) = capped(
        &[
            "derive",
            "--data",
            &big.display().to_string(),
            "--width",
            "2",
            "--activation",
            "x + x^2/3",
            "--factored",
        ],
        4096,
    );
    one_line_error(&o, 2, &["big.csv", "--node-limit"]);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // --threads is clamped to the cores available.
    let d = Path::new(&data("deep-linear"))
        .join("strict-saddle-weights.json")
        .display()
        .to_string();
    let x = Path::new(&data("deep-linear"))
        .join("x.csv")
        .display()
        .to_string();
    let y = Path::new(&data("deep-linear"))
        .join("y.csv")
        .display()
        .to_string();
    let (o, took) = capped(
        &[
            "deep-linear",
            "--weights",
            &d,
            "--x",
            &x,
            "--y",
            &y,
            "--threads",
            "1000",
            "--json",
        ],
        4096,
    );
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    assert!(v["threads"].as_u64().unwrap() <= cores, "{v}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn no_output_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let csv = std::fs::read_to_string(data("theorem2.csv")).unwrap();
    std::fs::write(p("data.csv"), &csv).unwrap();
    std::os::unix::fs::symlink(p("data.csv"), p("link.json")).unwrap();
    std::fs::hard_link(p("data.csv"), p("hard.json")).unwrap();
    for out in ["data.csv", "link.json", "hard.json"] {
        let o = critcert(&[
            "thm1",
            "--data",
            &p("data.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
            "--out",
            &p(out),
        ]);
        one_line_error(&o, 2, &["refusing to overwrite an input", "data.csv"]);
        assert_eq!(std::fs::read_to_string(p("data.csv")).unwrap(), csv);
    }
    // The data given through a link, the output the file itself.
    let o = critcert(&[
        "thm1",
        "--data",
        &p("link.json"),
        "--s-plus",
        "1",
        "--s-minus",
        "0",
        "--out",
        &p("data.csv"),
    ]);
    one_line_error(&o, 2, &["refusing to overwrite an input"]);
    assert_eq!(std::fs::read_to_string(p("data.csv")).unwrap(), csv);
    // deep-linear: every input (weights, X, Y) is protected.
    let dl = Path::new(&data("deep-linear")).to_path_buf();
    for f in ["strict-saddle-weights.json", "x.csv", "y.csv"] {
        std::fs::copy(dl.join(f), p(f)).unwrap();
    }
    for target in ["strict-saddle-weights.json", "x.csv", "y.csv"] {
        let before = std::fs::read(p(target)).unwrap();
        let o = critcert(&[
            "deep-linear",
            "--weights",
            &p("strict-saddle-weights.json"),
            "--x",
            &p("x.csv"),
            "--y",
            &p("y.csv"),
            "--exact",
            "--out",
            &p(target),
        ]);
        one_line_error(&o, 2, &["refusing to overwrite an input"]);
        assert_eq!(std::fs::read(p(target)).unwrap(), before);
    }
    // paper: a report or certificate path that is one of the datasets.
    let pd = dir.path().join("paper");
    std::fs::create_dir(&pd).unwrap();
    std::fs::write(pd.join("README.md"), "my notes").unwrap();
    let o = critcert(&[
        "paper",
        "--out",
        &pd.display().to_string(),
        "--data-dir",
        &pd.display().to_string(),
    ]);
    one_line_error(&o, 2, &["README.md", "refusing to overwrite an input"]);
    assert_eq!(
        std::fs::read_to_string(pd.join("README.md")).unwrap(),
        "my notes"
    );
    // A fresh output is written, and no temporary file is left next to it.
    let o = critcert(&[
        "thm1",
        "--data",
        &p("data.csv"),
        "--s-plus",
        "1",
        "--s-minus",
        "0",
        "--out",
        &p("cert.json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("critcert-partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_temporary_file_is_named_as_disposable() {
    let tmp = critcert::io::partial_path(Path::new("dir/cert.json")).unwrap();
    let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        name,
        format!(".cert.json.critcert-partial.{}.tmp", std::process::id())
    );
    assert_eq!(tmp.parent(), Some(Path::new("dir")));
}

#[test]
fn every_error_is_one_escaped_line() {
    let t2 = data("theorem2.csv");
    // Usage errors: one line saying what is wrong, the input escaped.
    for (args, needle) in [
        (vec!["thm1", "--width", "\u{1b}[31mred"], "invalid value"),
        (vec!["thm1", "--data", "a.csv"], "required arguments"),
        (vec!["thmx"], "unrecognized subcommand"),
        (vec![], "no subcommand"),
        (
            vec![
                "deep-linear",
                "--weights",
                "w",
                "--x",
                "x",
                "--y",
                "y",
                "--blas",
                "mkl",
            ],
            "possible values",
        ),
    ] {
        let o = critcert(&args);
        one_line_error(&o, 2, &[needle]);
    }
    // Input echoed in an error: control characters escaped, line breaks flattened.
    let o = critcert(&["thm2", "--activation", "x +\n\u{1b}[2J sin(x)"]);
    let err = one_line_error(&o, 2, &["--activation"]);
    assert!(err.contains("\\u{1b}"), "{err}");
    let (dir, path) = crate::common::temp_file("bad\u{1b}]0;title\u{7}.csv", "a,y\n1,2\n");
    let o = critcert(&["thm1", "--data", &path, "--s-plus", "1", "--s-minus", "0"]);
    one_line_error(&o, 2, &["\\u{1b}]0;title\\u{7}.csv"]);
    drop(dir);
    let o = critcert(&[
        "thm1",
        "--data",
        &t2,
        "--s-plus",
        "1",
        "--s-minus",
        "0",
        "--target",
        "z\nq",
    ]);
    one_line_error(&o, 2, &["no column named 'z q'"]);
    // A long input is clipped in the message.
    let long = "9".repeat(100_000) + "x";
    let o = critcert(&["thm1", "--data", &t2, "--s-plus", &long, "--s-minus", "0"]);
    let err = one_line_error(&o, 2, &["--s-plus"]);
    assert!(err.len() < 1000, "{} bytes", err.len());
    // A .safetensors file without a weight matrix: the error names the file and what it holds.
    let dir = tempfile::tempdir().unwrap();
    let st = dir.path().join("bias-only.safetensors");
    let header = br#"{"scale":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header);
    bytes.extend([0u8; 16]);
    std::fs::write(&st, bytes).unwrap();
    let x = Path::new(&data("deep-linear"))
        .join("x.csv")
        .display()
        .to_string();
    let o = critcert(&[
        "deep-linear",
        "--weights",
        &st.display().to_string(),
        "--x",
        &x,
        "--y",
        &x,
    ]);
    one_line_error(
        &o,
        2,
        &[
            "bias-only.safetensors",
            "no 2-D tensor",
            "'scale' of shape [2]",
        ],
    );
}

#[test]
fn derive_blames_the_formula_not_the_data() {
    let t2 = data("theorem2.csv");
    for (f, needle) in [
        ("foo(x)", "unknown function 'foo'"),
        ("max(x)", "max takes two arguments"),
        ("exp(x, x)", "exp takes one argument"),
    ] {
        let o = critcert(&["derive", "--data", &t2, "--width", "2", "--activation", f]);
        let err = one_line_error(&o, 2, &[needle, "activation"]);
        assert!(!err.contains("theorem2.csv"), "{err}");
    }
    // Even when the data file is missing: the formula is read first.
    let o = critcert(&[
        "derive",
        "--data",
        "missing.csv",
        "--width",
        "2",
        "--activation",
        "foo(x)",
    ]);
    one_line_error(&o, 2, &["unknown function 'foo'"]);
}

#[test]
fn last_resorts_are_one_line() {
    // Out of memory (here: a deliberately tiny cap, and a limit raised past it) is one line and
    // exit 2, not an abort.
    let (o, _) = capped(
        &[
            "thm1",
            "--data",
            &data("iris.csv"),
            "--s-plus",
            "1",
            "--s-minus",
            "0",
            "--width",
            "200000",
            "--memory-limit",
            "100000",
        ],
        300,
    );
    one_line_error(&o, 2, &["out of memory"]);
    // The panic hook (triggered on purpose through a test switch).
    let o = Command::new(env!("CARGO_BIN_EXE_critcert"))
        .args(["check", "x.json"])
        .env("CRITCERT_INTERNAL_TEST_PANIC", "1")
        .output()
        .unwrap();
    one_line_error(&o, 2, &["internal error", "(please report)"]);
}
