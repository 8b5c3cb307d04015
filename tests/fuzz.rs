//! A deterministic fuzzing harness on stable Rust: seeded mutations of valid inputs, run through
//! every reader and parser a user's input reaches, in process (the CLI, by spawning the binary,
//! for a few hundred cases). Every input must give `Ok` or an error whose printed form is one
//! short line, without a panic, within a time bound.
//!
//! Targets: the CSV reader (and Theorem 1 on what it reads), the `.npy`, `.safetensors`, JSON
//! and CSV matrix readers, derive's formula parser (and the derivation of what it parses), the
//! checker's formula parser, the certificate reader and checker (`check_str`, `explain`),
//! derive's points and relations, exact numbers, and the command line.
//!
//! The short pass runs with the test suite (20 000 inputs in process and 300 command lines). A long pass:
//!
//! ```text
//! CRITCERT_FUZZ=1000000 cargo test --release --test integration fuzz -- --nocapture
//! ```
//!
//! `CRITCERT_FUZZ` is the total number of in-process inputs (shared among the targets in fixed
//! proportions); `CRITCERT_FUZZ_SEED` changes the seed (default 1); `CRITCERT_FUZZ_CLI` the
//! number of command-line cases (default 300). A failing input is written to
//! `target/fuzz-failures/` with the reason, for replay.

use critcert::error::one_line;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

/// Total in-process inputs of the short pass.
const SHORT_TOTAL: usize = 20_000;

/// The most time one in-process input may take.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// The most time one command-line case may take (the binary runs under a 4 GB memory cap).
const CLI_LIMIT: Duration = Duration::from_secs(30);

/// The longest acceptable printed error.
const MAX_MESSAGE: usize = 4096;

// ---------------------------------------------------------------------------------------------
// Seeded randomness.

/// SplitMix64: small, fast and fully deterministic across platforms.
struct Rng(u64);

impl Rng {
    fn new(target: &str) -> Rng {
        let seed: u64 = std::env::var("CRITCERT_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in target.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Interesting tokens for numbers, formulas and files.
const NUMBER_TOKENS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1/3",
    "-2/7",
    "1e9999",
    "1e-9999",
    "1e10001",
    "1e-10001",
    "1/0",
    "0/0",
    "nan",
    "NaN",
    "-inf",
    "inf",
    "Infinity",
    "1e",
    "e5",
    ".",
    "-.",
    "1.2.3",
    "--1",
    "+",
    "9223372036854775808",
    "18446744073709551616",
    "4294967296",
    "1e308",
    "1e-400",
    " ",
    "\"",
    "'",
    "\u{1b}[31m",
    "\n",
    "\r",
    "\t",
    "\0",
    "é",
    "\u{202e}",
    "1_000",
    "0x10",
    "½",
];

const FORMULA_TOKENS: &[&str] = &[
    "x", "x", "x", "(", ")", "(", ")", "+", "-", "*", "/", "^", "^2", "^64", "^-64", "^65",
    "^(-3)", "exp(", "ln(", "log(", "tanh(", "atan(", "arctan(", "erf(", "sqrt(", "abs(", "step(",
    "max(", "min(", ",", "h(", "h'(", "h''(", "h'''(", "pi", "1/3", "0", "2", "0.5", "1e5", "1.",
    ".5", "y", "v1", "W1[1,1]", "[", "]", "'", " ", "\n", "\u{1b}", "foo(", "sin(",
];

const FORMULA_SEEDS: &[&str] = &[
    "x",
    "x + x^2/3",
    "1/(1 + exp(-x))",
    "tanh(x)",
    "atan(x)",
    "erf(x)",
    "ln(1 + exp(x))",
    "x*(1 + erf(x/sqrt(2)))/2",
    "max(x, 0) + min(exp(x) - 1, 0)",
    "max(x, 0)",
    "max(x, 0) + min(x/100, 0)",
    "x^2",
    "x*tanh(ln(1 + exp(x)))",
    "x/(1 + abs(x))",
    "(x+1/3)^5",
    "((x^4)^4)^4",
    "x^3 + x",
    "exp(x) - x^2",
    "h(x)^2",
    "u2*h'(v2) - W1[1,2]^(-2)",
];

/// One to four random edits of `seed`: bit flips, byte changes, insertions and deletions,
/// duplicated ranges, tokens from `dict`, a token repeated many times, truncation.
fn mutate(rng: &mut Rng, seed: &[u8], dict: &[&str]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let n = v.len();
        match rng.below(10) {
            0 if n > 0 => {
                let i = rng.below(n);
                v[i] ^= 1 << rng.below(8);
            }
            1 if n > 0 => {
                let i = rng.below(n);
                v[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(n + 1);
                v.insert(i, rng.next() as u8);
            }
            3 if n > 0 => {
                let i = rng.below(n);
                let len = 1 + rng.below((n - i).min(16));
                v.drain(i..i + len);
            }
            4 if n > 0 && n < 1 << 16 => {
                let i = rng.below(n);
                let len = 1 + rng.below((n - i).min(64));
                let chunk = v[i..i + len].to_vec();
                let at = rng.below(n + 1);
                v.splice(at..at, chunk);
            }
            5 | 6 => {
                let t = rng.pick(dict).as_bytes();
                let i = rng.below(n + 1);
                v.splice(i..i, t.iter().copied());
            }
            7 if n > 0 => {
                let t = rng.pick(dict).as_bytes();
                let i = rng.below(n);
                let len = 1 + rng.below((n - i).min(8));
                v.splice(i..i + len, t.iter().copied());
            }
            8 => {
                // A token repeated: long numbers, deep nesting, long lines.
                let t = rng.pick(dict).as_bytes();
                let most = if rng.chance(10) { 20_000 } else { 200 };
                let reps = 1 + rng.below(most);
                let i = rng.below(n + 1);
                let block: Vec<u8> = t.iter().copied().cycle().take(t.len() * reps).collect();
                v.splice(i..i, block);
            }
            _ if n > 1 => v.truncate(rng.below(n)),
            _ => v.push(b'x'),
        }
    }
    v
}

fn mutate_text(rng: &mut Rng, seed: &str, dict: &[&str]) -> String {
    String::from_utf8_lossy(&mutate(rng, seed.as_bytes(), dict)).into_owned()
}

/// A valid number in one of the spellings the readers accept, sometimes long.
fn gen_number(rng: &mut Rng) -> String {
    let sign = if rng.chance(30) { "-" } else { "" };
    let digits = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect()
    };
    match rng.below(9) {
        0 => format!("{sign}{}", rng.below(10)),
        1 => format!("{sign}{}", rng.below(1000)),
        2 => {
            let n = 1 + rng.below(12);
            format!("{sign}{}.{}", rng.below(100), digits(rng, n))
        }
        3 => format!("{sign}{}/{}", rng.below(1000), 1 + rng.below(1000)),
        4 => format!("{sign}{}e{}", 1 + rng.below(9), rng.below(100) as i64 - 50),
        5 => {
            let most = if rng.chance(10) { 2000 } else { 60 };
            let n = 1 + rng.below(most);
            format!("{sign}0.{}", digits(rng, n))
        }
        6 => {
            let n = 1 + rng.below(40);
            format!("{sign}{}", digits(rng, n))
        }
        7 => {
            let n = 1 + rng.below(5);
            format!("{sign}.{}", digits(rng, n))
        }
        _ => format!("{sign}{}.", rng.below(100)),
    }
}

/// A CSV edited cell by cell (valid numbers in place of fields, rows repeated or dropped,
/// a column added), so that most results still parse and reach the computations.
fn mutate_csv(rng: &mut Rng, seed: &str) -> String {
    let mut rows: Vec<Vec<String>> = seed
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    for _ in 0..1 + rng.below(4) {
        let n = rows.len();
        match rng.below(6) {
            0..=2 if n > 1 => {
                let i = 1 + rng.below(n - 1);
                let j = rng.below(rows[i].len().max(1));
                if let Some(c) = rows[i].get_mut(j) {
                    *c = gen_number(rng);
                }
            }
            3 if n > 1 => {
                let i = 1 + rng.below(n - 1);
                let r = rows[i].clone();
                rows.push(r);
            }
            4 if n > 3 => {
                rows.remove(1 + rng.below(n - 1));
            }
            _ => {
                for (k, r) in rows.iter_mut().enumerate() {
                    let cell = if k == 0 {
                        format!("c{}", rng.below(100))
                    } else {
                        gen_number(rng)
                    };
                    r.insert(0, cell);
                }
            }
        }
    }
    rows.iter().map(|r| r.join(",") + "\n").collect()
}

// ---------------------------------------------------------------------------------------------
// Running cases.

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static IN_CASE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics inside a fuzz case are recorded (and reported as failures), not printed.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(|c| c.get()) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// Counts and failures of one target.
struct Run {
    target: &'static str,
    cases: usize,
    ok: usize,
    errors: usize,
    slowest: Duration,
    failures: Vec<String>,
}

impl Run {
    fn new(target: &'static str) -> Run {
        quiet_panics();
        Run {
            target,
            cases: 0,
            ok: 0,
            errors: 0,
            slowest: Duration::ZERO,
            failures: Vec::new(),
        }
    }

    /// Runs one case; `input` is saved with a failure.
    fn case(&mut self, input: &[u8], f: impl FnOnce() -> Result<(), String>) {
        self.cases += 1;
        let start = Instant::now();
        IN_CASE.with(|c| c.set(true));
        let r = catch_unwind(AssertUnwindSafe(f));
        IN_CASE.with(|c| c.set(false));
        let took = start.elapsed();
        self.slowest = self.slowest.max(took);
        let failure = match r {
            Err(_) => Some(format!(
                "panic: {}",
                LAST_PANIC
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_default()
            )),
            Ok(Ok(())) => {
                self.ok += 1;
                None
            }
            Ok(Err(msg)) => {
                self.errors += 1;
                let line = one_line(&msg);
                if std::env::var_os("CRITCERT_FUZZ_VERBOSE").is_some() {
                    println!(
                        "fuzz {} error: {}",
                        self.target,
                        critcert::error::clip(&line, 300)
                    );
                }
                if line.is_empty() {
                    Some("an empty error message".into())
                } else if line.len() > MAX_MESSAGE {
                    Some(format!(
                        "an error of {} bytes: {}…",
                        line.len(),
                        line.chars().take(200).collect::<String>()
                    ))
                } else {
                    None
                }
            }
        };
        let failure = failure.or_else(|| {
            (took > CASE_LIMIT).then(|| format!("took {took:?} (limit {CASE_LIMIT:?})"))
        });
        if let Some(why) = failure {
            self.fail(input, why);
        }
    }

    fn fail(&mut self, input: &[u8], why: String) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}-{}.bin", self.target, self.failures.len()));
        let _ = std::fs::write(&file, input);
        let _ = std::fs::write(file.with_extension("txt"), &why);
        self.failures
            .push(format!("{why} (input: {})", file.display()));
    }

    /// Prints the summary line and fails the test on any failure.
    fn finish(self) {
        println!(
            "fuzz {}: {} inputs, {} ok, {} errors, slowest {:.3}s, {} failures",
            self.target,
            self.cases,
            self.ok,
            self.errors,
            self.slowest.as_secs_f64(),
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "fuzz {}: {} failures:\n{}",
            self.target,
            self.failures.len(),
            self.failures
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The number of inputs for a target with `share` per mille of the total.
fn count(share: usize) -> usize {
    let total = std::env::var("CRITCERT_FUZZ")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(SHORT_TOTAL);
    (total * share / 1000).max(1)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Runs `body` on a thread named for the fuzzer, with a stack as large as the binary's main
/// thread.
fn on_fuzz_thread(name: &str, body: impl FnOnce() + Send + 'static) {
    let h = std::thread::Builder::new()
        .name(format!("fuzz-{name}"))
        .stack_size(8 << 20)
        .spawn(body)
        .expect("spawn");
    if let Err(e) = h.join() {
        std::panic::resume_unwind(e);
    }
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

// ---------------------------------------------------------------------------------------------
// Seeds: valid files of each kind.

/// A `.npy` file: `f8` or `f4`, C or Fortran order, format version 1 or 2.
fn npy(shape: &[usize], vals: &[f64], f4: bool, fortran: bool, v2: bool) -> Vec<u8> {
    let dims: String = shape.iter().map(|d| format!("{d}, ")).collect();
    let header = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': ({}), }}",
        if f4 { "<f4" } else { "<f8" },
        if fortran { "True" } else { "False" },
        dims.trim_end_matches(", ").to_string() + if shape.len() == 1 { "," } else { "" }
    );
    let fixed = if v2 { 12 } else { 10 };
    let pad = 64 - (fixed + header.len() + 1) % 64;
    let mut h = header.into_bytes();
    h.extend(std::iter::repeat_n(b' ', pad % 64));
    h.push(b'\n');
    let mut out = b"\x93NUMPY".to_vec();
    if v2 {
        out.extend([2, 0]);
        out.extend((h.len() as u32).to_le_bytes());
    } else {
        out.extend([1, 0]);
        out.extend((h.len() as u16).to_le_bytes());
    }
    out.extend(h);
    for v in vals {
        if f4 {
            out.extend((*v as f32).to_le_bytes());
        } else {
            out.extend(v.to_le_bytes());
        }
    }
    out
}

/// A `.safetensors` file holding `tensors` (name, shape, values) as F64 or F32.
fn safetensors(tensors: &[(&str, Vec<usize>, Vec<f64>)], f32: bool) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut body = Vec::new();
    for (name, shape, vals) in tensors {
        let start = body.len();
        for v in vals {
            if f32 {
                body.extend((*v as f32).to_le_bytes());
            } else {
                body.extend(v.to_le_bytes());
            }
        }
        header.insert(
            name.to_string(),
            serde_json::json!({
                "dtype": if f32 { "F32" } else { "F64" },
                "shape": shape,
                "data_offsets": [start, body.len()],
            }),
        );
    }
    header.insert("__metadata__".into(), serde_json::json!({"format": "pt"}));
    let h = serde_json::to_vec(&serde_json::Value::Object(header)).unwrap();
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(body);
    out
}

fn random_matrix(rng: &mut Rng) -> (Vec<usize>, Vec<f64>) {
    let (r, c) = (1 + rng.below(4), 1 + rng.below(4));
    let vals = (0..r * c)
        .map(|_| (rng.below(2001) as f64 - 1000.0) / 8.0)
        .collect();
    (vec![r, c], vals)
}

// ---------------------------------------------------------------------------------------------
// In-process targets.

#[test]
fn fuzz_csv_and_thm1() {
    on_fuzz_thread("csv", || {
        use critcert::model::dataset::parse_csv;
        use critcert::theorems::thm1::{certify, Thm1Options};
        let mut rng = Rng::new("csv");
        let mut run = Run::new("csv");
        let theorem2 = std::fs::read_to_string(data("theorem2.csv")).unwrap();
        let iris: String = std::fs::read_to_string(data("iris.csv"))
            .unwrap()
            .lines()
            .take(12)
            .map(|l| format!("{l}\n"))
            .collect();
        let seeds = [
            theorem2,
            iris,
            "a,b,y\n1,2,3\n4,5,6.5\n-1,0.25,1/3\n".to_string(),
            "\"x\",\"y\"\r\n1e-3,2\r\n3,4\r\n5,7\r\n".to_string(),
        ];
        let slopes = ["1", "0", "1/100", "2", "-1", "1/3"];
        for _ in 0..count(200) {
            let seed = rng.pick(&seeds).clone();
            let text = if rng.chance(60) {
                mutate_csv(&mut rng, &seed)
            } else {
                mutate_text(&mut rng, &seed, NUMBER_TOKENS)
            };
            let target = match rng.below(10) {
                0 => Some("y".to_string()),
                1 => Some(mutate_text(&mut rng, "b", NUMBER_TOKENS)),
                _ => None,
            };
            // Mostly valid options, so that most datasets reach the construction.
            let (sp, sm) = if rng.chance(85) {
                let pairs = [("1", "0"), ("1", "1/100"), ("2", "1/3"), ("1/3", "2")];
                let (a, b) = rng.pick(&pairs);
                (a.to_string(), b.to_string())
            } else {
                (rng.pick(&slopes).to_string(), rng.pick(&slopes).to_string())
            };
            let width = if rng.chance(90) {
                2 + rng.below(3)
            } else {
                rng.below(2)
            };
            run.case(text.as_bytes(), || {
                let d = parse_csv(&text, target.as_deref())?;
                let _ = d.duplicate_points();
                d.check_memory(64)?;
                if d.len() <= 40 && d.dim() <= 6 {
                    let q = |s: &str| critcert::exact::parse_rational(s).unwrap();
                    let opts = Thm1Options {
                        s_plus: q(&sp),
                        s_minus: q(&sm),
                        width,
                        alpha: q("1"),
                    };
                    certify(&d, &opts).map_err(err)?;
                }
                Ok(())
            });
        }
        run.finish();
    });
}

/// The f64 readers agree with the exact readers followed by `to_f64`: the same values (bit for
/// bit; transposed when `transpose`), and an error exactly when those fail.
fn same_as_raw(
    raw: critcert::Result<Vec<critcert::deeplinear::load::RawMatrix>>,
    f: critcert::Result<Vec<critcert::deeplinear::load::Mat64>>,
    transpose: bool,
) {
    let raw: Option<Vec<_>> = raw.ok().and_then(|ms| {
        ms.into_iter()
            .map(|m| m.to_f64().ok().map(|v| (m.rows, m.cols, v)))
            .collect()
    });
    match (raw, f) {
        (None, Err(_)) => {}
        (Some(raw), Ok(f)) => {
            assert_eq!(raw.len(), f.len());
            for ((r, c, v), m) in raw.iter().zip(&f) {
                let m = &m.mat;
                let (rr, cc) = if transpose { (*c, *r) } else { (*r, *c) };
                assert_eq!((m.nrows(), m.ncols()), (rr, cc));
                for i in 0..*r {
                    for j in 0..*c {
                        let x = if transpose { m[(j, i)] } else { m[(i, j)] };
                        assert_eq!(x.to_bits(), v[i * c + j].to_bits(), "[{i},{j}]");
                    }
                }
            }
        }
        (raw, f) => panic!(
            "the f64 reader disagrees: exact reader {}, f64 reader {:?}",
            if raw.is_some() { "ok" } else { "error" },
            f.map(|_| ()).map_err(|e| e.to_string())
        ),
    }
}

#[test]
fn fuzz_npy() {
    on_fuzz_thread("npy", || {
        use critcert::deeplinear::load::parse_npy;
        let mut rng = Rng::new("npy");
        let mut run = Run::new("npy");
        let header_tokens: &[&str] = &[
            "0",
            "0, ",
            "1, ",
            "(",
            ")",
            ",",
            "-1",
            "4294967296",
            "9223372036854775808",
            "18446744073709551615",
            "3, 4, 5",
            "'<f8'",
            "'>f8'",
            "'<f4'",
            "'<i4'",
            "'|u1'",
            "'<f2'",
            "'<c16'",
            "True",
            "False",
            "'shape'",
            "'descr'",
            "{",
            "}",
            "\n",
            "\x00",
        ];
        for _ in 0..count(120) {
            let (shape, vals) = random_matrix(&mut rng);
            let shape = if rng.chance(20) {
                vec![shape[0] * shape[1]]
            } else {
                shape
            };
            let seed = npy(
                &shape,
                &vals,
                rng.chance(30),
                rng.chance(30),
                rng.chance(20),
            );
            let bytes = if rng.chance(5) {
                seed
            } else {
                mutate(&mut rng, &seed, header_tokens)
            };
            let transpose = rng.chance(50);
            same_as_raw(
                parse_npy("fuzz.npy", &bytes).map(|m| vec![m]),
                critcert::deeplinear::load::parse_npy_f64("fuzz.npy", &bytes, transpose)
                    .map(|m| vec![m]),
                transpose,
            );
            run.case(&bytes, || {
                let m = parse_npy("fuzz.npy", &bytes).map_err(err)?;
                let _ = m.transposed();
                m.to_f64().map_err(err)?;
                m.to_exact().map_err(err)?;
                Ok(())
            });
        }
        run.finish();
    });
}

#[test]
fn fuzz_safetensors() {
    on_fuzz_thread("safetensors", || {
        use critcert::deeplinear::load::parse_safetensors;
        let mut rng = Rng::new("safetensors");
        let mut run = Run::new("safetensors");
        let tokens: &[&str] = &[
            "\"F64\"",
            "\"F32\"",
            "\"I64\"",
            "\"BF16\"",
            "[0, 0]",
            "[1, 2, 3]",
            "[]",
            "-1",
            "18446744073709551615",
            "4294967296",
            "\"shape\"",
            "\"dtype\"",
            "\"data_offsets\"",
            "{",
            "}",
            ",",
            ":",
            "\"layers.1.weight\"",
            "\"bias\"",
            "null",
            "0",
            "8",
        ];
        for _ in 0..count(100) {
            let n = 1 + rng.below(3);
            let mut tensors = Vec::new();
            let names = [
                "layers.0.weight",
                "layers.2.weight",
                "layers.10.weight",
                "fc.bias",
            ];
            for k in 0..n {
                let (shape, vals) = random_matrix(&mut rng);
                let shape = match rng.below(10) {
                    0 => vec![shape[0] * shape[1]],
                    1 => vec![1, shape[0], shape[1]],
                    _ => shape,
                };
                let name = if rng.chance(10) { names[3] } else { names[k] };
                tensors.push((name, shape, vals));
            }
            let seed = safetensors(&tensors, rng.chance(40));
            let bytes = if rng.chance(5) {
                seed
            } else {
                mutate(&mut rng, &seed, tokens)
            };
            let layers: Option<Vec<String>> = rng
                .chance(30)
                .then(|| vec![names[rng.below(4)].to_string(), "missing".to_string()]);
            same_as_raw(
                parse_safetensors("fuzz.safetensors", &bytes, layers.as_deref()),
                critcert::deeplinear::load::parse_safetensors_f64(
                    "fuzz.safetensors",
                    &bytes,
                    layers.as_deref(),
                ),
                false,
            );
            run.case(&bytes, || {
                let ms = parse_safetensors("fuzz.safetensors", &bytes, layers.as_deref())
                    .map_err(err)?;
                for m in ms {
                    m.to_f64().map_err(err)?;
                    let _ = m.transposed();
                }
                Ok(())
            });
        }
        run.finish();
    });
}

#[test]
fn fuzz_json_and_csv_matrices() {
    on_fuzz_thread("matrices", || {
        use critcert::deeplinear::load::{parse_csv_matrix, parse_json_matrices};
        let mut rng = Rng::new("matrices");
        let mut run = Run::new("matrices");
        let mut tokens: Vec<&str> = NUMBER_TOKENS.to_vec();
        tokens.extend([
            "[", "]", "[[", "]]", ",", "\"1/3\"", "null", "{}", "true", "[]",
        ]);
        let seeds = [
            "[[1, 0], [0, 1]]",
            "[[[1, 2]], [[3], [4]]]",
            "[[\"1/3\", \"-0.5\"], [2, 3e-2]]",
            "a,b\n1,2\n3,4\n",
            "1,2,3\n4,5,6\n",
        ];
        for _ in 0..count(80) {
            let seed = *rng.pick(&seeds);
            let text = mutate_text(&mut rng, seed, &tokens);
            let transpose = rng.chance(50);
            if seed.starts_with('[') {
                same_as_raw(
                    parse_json_matrices("fuzz.json", &text),
                    critcert::deeplinear::load::parse_json_f64("fuzz.json", &text, transpose),
                    transpose,
                );
            } else {
                same_as_raw(
                    parse_csv_matrix("fuzz.csv", &text).map(|m| vec![m]),
                    critcert::deeplinear::load::parse_csv_f64("fuzz.csv", &text, transpose)
                        .map(|m| vec![m]),
                    transpose,
                );
            }
            run.case(text.as_bytes(), || {
                let ms = if seed.starts_with('[') {
                    parse_json_matrices("fuzz.json", &text).map_err(err)?
                } else {
                    vec![parse_csv_matrix("fuzz.csv", &text).map_err(err)?]
                };
                for m in ms {
                    m.to_f64().map_err(err)?;
                    m.to_exact().map_err(err)?;
                }
                Ok(())
            });
        }
        run.finish();
    });
}

#[test]
fn fuzz_derive_formulas() {
    on_fuzz_thread("formulas", || {
        use critcert::expr::build::{one_hidden_layer_loss, Activation};
        use critcert::expr::derive::univariate;
        use critcert::expr::formula::Formula;
        use critcert::expr::{derive, print, Builder, Limits, Names};
        let mut rng = Rng::new("formulas");
        let mut run = Run::new("formulas");
        let small = Limits {
            iter_limit: 60,
            node_limit: 50_000,
        };
        let theorem2 = critcert::model::read_csv(&data("theorem2.csv"), None).unwrap();
        for i in 0..count(100) {
            let seed = *rng.pick(FORMULA_SEEDS);
            let text = mutate_text(&mut rng, seed, FORMULA_TOKENS);
            let full = i % 10 == 0;
            run.case(text.as_bytes(), || {
                let _ = Formula::parse(&text);
                let _ = critcert::model::parse_activation(&text);
                let act = Activation::parse(&text)?;
                let mut names = Names::default();
                let x = names.intern("x");
                let mut b = Builder::default();
                let xv = b.var(x);
                let root = act.apply(&mut b, xv)?;
                let (polys, _) = univariate(&b.expr, root, x, 2, &small)?;
                for p in &polys {
                    let _ = print::text(p, &names);
                    let _ = print::factor_out(p).render(&names, true);
                }
                if full {
                    let loss = one_hidden_layer_loss(&theorem2, 1, &act)?;
                    derive(&loss.builder.expr, loss.root, &loss.params, false, &small)?;
                }
                Ok(())
            });
        }
        run.finish();
    });
}

#[test]
fn fuzz_checker_formulas() {
    on_fuzz_thread("checker-formulas", || {
        use critcert::cert::formula::F;
        let mut rng = Rng::new("checker-formulas");
        let mut run = Run::new("checker-formulas");
        for _ in 0..count(150) {
            let seed = *rng.pick(FORMULA_SEEDS);
            let text = mutate_text(&mut rng, seed, FORMULA_TOKENS);
            run.case(text.as_bytes(), || {
                F::parse(&text)?;
                Ok(())
            });
        }
        run.finish();
    });
}

/// Certificates to mutate: those in `proofs/` and a few made here.
fn certificate_seeds() -> Vec<String> {
    let mut out = Vec::new();
    let proofs = Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
    for dir in ["thm1", "thm2", "thm4"] {
        if let Ok(rd) = std::fs::read_dir(proofs.join(dir)) {
            let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for f in files {
                match std::fs::read_to_string(&f) {
                    Ok(t) if t.len() < 200_000 => out.push(t),
                    _ => {}
                }
            }
        }
    }
    let d = critcert::model::read_csv(&data("theorem2.csv"), None).unwrap();
    let opts = critcert::theorems::thm1::Thm1Options {
        s_plus: 1.into(),
        s_minus: 0.into(),
        width: 2,
        alpha: 1.into(),
    };
    let c = critcert::theorems::thm1::certify(&d, &opts).unwrap();
    out.push(critcert::cert::to_json(&c.certificate));
    for a in ["relu", "quadratic"] {
        let act = critcert::model::parse_activation(a).unwrap();
        let r = critcert::theorems::thm2::certify(&act, 64).unwrap();
        out.push(critcert::cert::to_json(&r.certificate));
    }
    out
}

/// A random edit of a JSON value: a number-like string or number replaced, a key removed or
/// added, an array shortened or lengthened, a string changed.
fn mutate_json(rng: &mut Rng, v: &mut serde_json::Value, depth: usize) {
    use serde_json::Value;
    let leaf = |rng: &mut Rng| -> Value {
        match rng.below(12) {
            8..=10 => Value::String(gen_number(rng)),
            0 => Value::String(format!("{}", rng.next() as i64)),
            1 => Value::String(format!("{}/{}", rng.below(1000), rng.below(1000))),
            2 => Value::String("9".repeat(1 + rng.below(6000))),
            3 => Value::String(format!("1/{}", "3".repeat(1 + rng.below(5000)))),
            4 => Value::String(rng.pick(NUMBER_TOKENS).to_string()),
            5 => Value::String(rng.pick(FORMULA_SEEDS).to_string()),
            6 => serde_json::json!(rng.next() as f64 / 7.0),
            7 if rng.chance(20) => Value::Null,
            _ => Value::String(gen_number(rng)),
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = rng.pick(&keys).clone();
            match rng.below(10) {
                0 => {
                    map.remove(&k);
                }
                1 => {
                    let extra = *rng.pick(&["formula", "s_plus", "extra", "kind", "width"]);
                    map.insert(extra.to_string(), leaf(rng));
                }
                _ if depth < 12 => mutate_json(rng, map.get_mut(&k).unwrap(), depth + 1),
                _ => {
                    map.insert(k, leaf(rng));
                }
            }
        }
        Value::Array(a) if !a.is_empty() => match rng.below(8) {
            0 => {
                a.pop();
            }
            1 => {
                let x = a[rng.below(a.len())].clone();
                a.push(x);
            }
            2 => a.clear(),
            _ if depth < 12 => {
                let i = rng.below(a.len());
                mutate_json(rng, &mut a[i], depth + 1)
            }
            _ => {
                let i = rng.below(a.len());
                a[i] = leaf(rng);
            }
        },
        Value::String(s) if rng.chance(50) => {
            *s = mutate_text(rng, s, NUMBER_TOKENS);
        }
        _ => *v = leaf(rng),
    }
}

#[test]
fn fuzz_certificates() {
    on_fuzz_thread("certificates", || {
        let mut rng = Rng::new("certificates");
        let mut run = Run::new("certificates");
        let seeds = certificate_seeds();
        for i in 0..count(70) {
            let seed = rng.pick(&seeds).clone();
            let text = if rng.chance(20) {
                mutate_text(&mut rng, &seed, NUMBER_TOKENS)
            } else {
                let mut v: serde_json::Value = serde_json::from_str(&seed).unwrap();
                let edits = if rng.chance(70) { 1 } else { 2 + rng.below(2) };
                for _ in 0..edits {
                    mutate_json(&mut rng, &mut v, 0);
                }
                serde_json::to_string_pretty(&v).unwrap()
            };
            let explain = i % 4 == 0;
            run.case(text.as_bytes(), || {
                let checked = critcert::cert::check_str(&text);
                if explain {
                    let e = critcert::paper::explain::explain("fuzz.json", &text).map_err(err)?;
                    // explain's verdict is the checker's.
                    assert_eq!(e.accepted, checked.is_ok(), "explain and check disagree");
                }
                checked.map(|_| ()).map_err(err)
            });
        }
        run.finish();
    });
}

#[test]
fn fuzz_points_and_relations() {
    on_fuzz_thread("points", || {
        use critcert::expr::at::{parse_point, parse_relation};
        use critcert::expr::build::{one_hidden_layer_loss, Activation};
        use critcert::expr::{derive, Limits};
        let mut rng = Rng::new("points");
        let mut run = Run::new("points");
        let d = critcert::model::read_csv(&data("theorem2.csv"), None).unwrap();
        let loss = one_hidden_layer_loss(&d, 2, &Activation::Abstract).unwrap();
        let derived = derive(
            &loss.builder.expr,
            loss.root,
            &loss.params,
            false,
            &Limits::default(),
        )
        .unwrap();
        let point_seeds = [
            r#"{"W1[1,1]": "1", "W1[1,2]": "v1", "b1[1]": "0", "W2[1,1]": "u1", "b2[1]": "1/3"}"#,
            r#"{"b1[1]": "v1", "b1[2]": "v2", "W2[1,1]": "1/6"}"#,
        ];
        let relation_seeds = [
            "W2[1,2]*h(v2) = 1/3 - u1*h(v1)",
            "h'(v1) = 3/16",
            "u1*h(v1) = 1/3",
        ];
        let mut tokens: Vec<&str> = NUMBER_TOKENS.to_vec();
        tokens.extend(FORMULA_TOKENS);
        for _ in 0..count(60) {
            let ps = rng_pick(&mut rng, &point_seeds);
            let p = match rng.below(3) {
                0 => mutate_text(&mut rng, ps, &tokens),
                1 => {
                    // A value replaced by a number or a symbol.
                    let mut v: serde_json::Value = serde_json::from_str(ps).unwrap();
                    let obj = v.as_object_mut().unwrap();
                    let keys: Vec<String> = obj.keys().cloned().collect();
                    let k = rng.pick(&keys).clone();
                    let new = if rng.chance(30) {
                        format!("s{}", rng.below(5))
                    } else {
                        gen_number(&mut rng)
                    };
                    obj.insert(k, serde_json::Value::String(new));
                    v.to_string()
                }
                _ => ps.to_string(),
            };
            let rs = rng_pick(&mut rng, &relation_seeds);
            let r = if rng.chance(50) {
                mutate_text(&mut rng, rs, &tokens)
            } else {
                rs.to_string()
            };
            let mut input = p.clone().into_bytes();
            input.extend(b"\n---\n");
            input.extend(r.as_bytes());
            run.case(&input, || {
                let mut names = loss.names.clone();
                let point = parse_point(&p, &mut names, &loss.params)?;
                let at = derived.try_at(&point)?;
                let rel = parse_relation(&r, &names)?;
                at.reduce(&[rel])?;
                let _ = at.hessian_inertia();
                Ok(())
            });
        }
        run.finish();
    });
}

fn rng_pick<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len())]
}

#[test]
fn fuzz_numbers() {
    on_fuzz_thread("numbers", || {
        use critcert::exact::{parse_input, parse_rational, to_decimal};
        let mut rng = Rng::new("numbers");
        let mut run = Run::new("numbers");
        let seeds = ["0", "-0.35", "1e-3", "12/7", "2.5E+2", ".5", "1/100"];
        for _ in 0..count(120) {
            let seed = rng_pick(&mut rng, &seeds);
            let text = mutate_text(&mut rng, seed, NUMBER_TOKENS);
            run.case(text.as_bytes(), || {
                let q = parse_input(&text)?;
                // Within the input bounds, the two parsers agree.
                assert_eq!(parse_rational(&text)?, q, "the parsers disagree");
                let _ = to_decimal(&q, 12);
                Ok(())
            });
        }
        run.finish();
    });
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs the binary with `args` under a 4 GB address-space cap; `None` if it ran past the limit
/// (then killed).
fn run_capped(args: &[String], dir: &Path) -> Option<std::process::Output> {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_critcert"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 4 << 30,
                rlim_max: 4 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &cap);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn critcert");
    let (mut out, mut errs) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = errs.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > CLI_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = (t_out.join().unwrap(), t_err.join().unwrap());
    status.map(|status| std::process::Output {
        status,
        stdout,
        stderr,
    })
}

#[test]
fn fuzz_command_line() {
    on_fuzz_thread("cli", || {
        let mut rng = Rng::new("cli");
        let mut run = Run::new("cli");
        let cases: usize = std::env::var("CRITCERT_FUZZ_CLI")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let theorem2 = std::fs::read_to_string(data("theorem2.csv")).unwrap();
        let x = std::fs::read_to_string(data("deep-linear/x.csv")).unwrap();
        let y = std::fs::read_to_string(data("deep-linear/y.csv")).unwrap();
        let w = std::fs::read_to_string(data("deep-linear/global-minimum-weights.json")).unwrap();
        let cert = certificate_seeds().remove(0);
        let numbers = [
            "0",
            "1",
            "2",
            "3",
            "-1",
            "1/2",
            "1/100",
            "1e3",
            "x",
            "",
            "4294967296",
            "9223372036854775808",
            "18446744073709551616",
            "1e9999",
            "\u{1b}[31mred",
            "1\n2",
            "0.00000000000000000000000000000000000000000000001",
        ];
        let widths = [
            "0",
            "1",
            "2",
            "3",
            "100",
            "4294967296",
            "9223372036854775808",
            "-1",
            "1e3",
            "two",
        ];
        for _ in 0..cases {
            // Fresh inputs each time (a case may try to overwrite them).
            let mutated = |rng: &mut Rng, seed: &str, tokens: &[&str]| {
                if rng.chance(50) {
                    seed.to_string()
                } else {
                    mutate_text(rng, seed, tokens)
                }
            };
            let files = [
                (
                    "data.csv",
                    mutated(&mut rng, &theorem2, NUMBER_TOKENS).into_bytes(),
                ),
                ("x.csv", mutated(&mut rng, &x, NUMBER_TOKENS).into_bytes()),
                ("y.csv", mutated(&mut rng, &y, NUMBER_TOKENS).into_bytes()),
                ("w.json", mutated(&mut rng, &w, NUMBER_TOKENS).into_bytes()),
                (
                    "cert.json",
                    mutated(&mut rng, &cert, NUMBER_TOKENS).into_bytes(),
                ),
                ("w.npy", {
                    let (shape, vals) = random_matrix(&mut rng);
                    let seed = npy(&shape, &vals, false, false, false);
                    if rng.chance(50) {
                        mutate(&mut rng, &seed, NUMBER_TOKENS)
                    } else {
                        seed
                    }
                }),
            ];
            for (name, bytes) in &files {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
            let _ = std::fs::remove_file(dir.join("link.csv"));
            std::os::unix::fs::symlink(dir.join("data.csv"), dir.join("link.csv")).unwrap();
            let before: Vec<u64> = files.iter().map(|(_, b)| fnv(b)).collect();
            let out = match rng.below(5) {
                0 => "out.json",
                1 => "data.csv",
                2 => "link.csv",
                3 => "cert.json",
                _ => "w.json",
            };
            let s = |v: &str| v.to_string();
            let formula = rng_pick(&mut rng, FORMULA_SEEDS);
            let mut args: Vec<String> = match rng.below(6) {
                0 => vec![
                    s("thm1"),
                    s("--data"),
                    s(rng_pick(
                        &mut rng,
                        &["data.csv", "link.csv", "missing.csv", "x.csv"],
                    )),
                    s("--s-plus"),
                    s(rng_pick(&mut rng, &numbers)),
                    s("--s-minus"),
                    s(rng_pick(&mut rng, &numbers)),
                    s("--width"),
                    s(rng_pick(&mut rng, &widths)),
                    s("--out"),
                    s(out),
                ],
                1 => vec![
                    s("thm2"),
                    s("--activation"),
                    mutated(&mut rng, formula, FORMULA_TOKENS),
                    s("--precision"),
                    s(rng_pick(&mut rng, &["32", "64", "4097", "0", "-5", "128"])),
                    s("--out"),
                    s(out),
                ],
                2 => vec![s(rng_pick(&mut rng, &["check", "explain"])), s("cert.json")],
                3 => vec![
                    s("deep-linear"),
                    s("--weights"),
                    s(rng_pick(
                        &mut rng,
                        &["w.json", "w.npy", "x.csv", "cert.json"],
                    )),
                    s("--x"),
                    s("x.csv"),
                    s("--y"),
                    s(rng_pick(&mut rng, &["y.csv", "w.npy"])),
                    s("--threads"),
                    s(rng_pick(
                        &mut rng,
                        &["0", "1", "2", "64", "1000", "18446744073709551616"],
                    )),
                    s("--blas"),
                    s(rng_pick(&mut rng, &["faer", "auto", "openblas", "mkl"])),
                ],
                4 => vec![
                    s("deep-linear"),
                    s("--weights"),
                    s("w.json"),
                    s("--x"),
                    s("x.csv"),
                    s("--y"),
                    s("y.csv"),
                    s("--exact"),
                    s("--out"),
                    s(rng_pick(
                        &mut rng,
                        &["out.json", "w.json", "x.csv", "y.csv"],
                    )),
                ],
                _ => vec![
                    s("derive"),
                    s("--data"),
                    s("data.csv"),
                    s("--width"),
                    s(rng_pick(&mut rng, &widths)),
                    s("--activation"),
                    mutated(&mut rng, formula, FORMULA_TOKENS),
                    s("--node-limit"),
                    s(rng_pick(&mut rng, &["100", "20000", "200000"])),
                ],
            };
            if rng.chance(10) {
                let i = rng.below(args.len());
                args[i] = mutate_text(&mut rng, &args[i], NUMBER_TOKENS);
            }
            if rng.chance(20) {
                args.push(s("--json"));
            }
            // An argument cannot hold a NUL byte.
            for a in &mut args {
                *a = a.replace('\0', "?");
            }
            let input = args.join("\u{0}").into_bytes();
            let mut why = None;
            let start = Instant::now();
            match run_capped(&args, dir) {
                None => why = Some(format!("no exit within {CLI_LIMIT:?}")),
                Some(o) => {
                    let stderr = String::from_utf8_lossy(&o.stderr);
                    let code = o.status.code();
                    match code {
                        Some(0) => run.ok += 1,
                        Some(1 | 2) => {
                            run.errors += 1;
                            // Exit 1 may be a verdict printed on stdout (inconclusive,
                            // rejected by `explain`); an error is one line on stderr.
                            let lines: Vec<&str> = stderr.lines().collect();
                            let verdict =
                                code == Some(1) && lines.is_empty() && !o.stdout.is_empty();
                            if !verdict && (lines.len() != 1 || !lines[0].starts_with("critcert: "))
                            {
                                why = Some(format!("exit {code:?} with stderr {stderr:?}"));
                            }
                        }
                        _ => why = Some(format!("exit {:?}: {stderr:?}", o.status)),
                    }
                    if stderr.contains("internal error")
                        || stderr.contains("panicked")
                        || stderr.contains("GNU MP")
                        || stderr.contains("out of memory")
                        || stderr.chars().any(|c| c.is_control() && c != '\n')
                    {
                        why = Some(format!("stderr {stderr:?}"));
                    }
                }
            }
            run.cases += 1;
            run.slowest = run.slowest.max(start.elapsed());
            // The command's inputs: the files named in its arguments, except as --out (and
            // the file behind the link).
            let named = |f: &str| {
                args.iter().enumerate().any(|(i, a)| {
                    (a == f || (f == "data.csv" && a == "link.csv"))
                        && (i == 0 || args[i - 1] != "--out")
                })
            };
            for ((name, _), h) in files.iter().zip(&before) {
                let now = std::fs::read(dir.join(name)).unwrap_or_default();
                if named(name) && fnv(&now) != *h {
                    why = Some(format!("the input {name} was overwritten"));
                }
            }
            if let Some(w) = why {
                run.fail(&input, w);
            }
        }
        run.finish();
    });
}
