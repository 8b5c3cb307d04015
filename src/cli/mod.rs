//! Subcommands, one module each. Arguments are parsed by clap into raw values, then validated
//! into library options.

mod check;
mod deep_linear;
mod derive;
mod explain;
mod paper;
mod point;
mod thm1;
mod thm2;

use clap::{Parser, Subcommand};
use critcert::error::one_line;
use critcert::exact::{parse_input, to_decimal, Q};
use critcert::{Error, Result};

/// Certifies claims about critical points of neural-network losses, exactly, and checks the
/// certificates.
#[derive(Parser)]
#[command(name = "critcert", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Theorem 1: certify a spurious local minimum of a ReLU-like network on a dataset.
    Thm1(thm1::Args),
    /// Theorem 2 / Corollary 3: certify the smooth-activation counterexample (zero-loss point
    /// and a spurious local minimum on an explicit box) for one activation.
    Thm2(thm2::Args),
    /// Re-check a certificate with the trusted checker.
    Check(check::Args),
    /// Certify every result of the paper, re-check each certificate, write the report.
    Paper(paper::Args),
    /// Explain a certificate in plain language: its claims and what the checker verified.
    Explain(explain::Args),
    /// Theorem 4: is a deep linear network at a global minimum or a saddle?
    DeepLinear(deep_linear::Args),
    /// Exact gradient and Hessian of a one-hidden-layer loss, derived in an e-graph.
    Derive(derive::Args),
    /// Certify a candidate critical point found by training: strict local minimum, saddle, or
    /// not critical (one-hidden-layer networks; Safran & Shamir's Gaussian-input ReLU loss).
    Point(point::Args),
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    // A switch for the test of the panic hook (tests/robustness.rs): no input reaches it.
    if std::env::var_os("CRITCERT_INTERNAL_TEST_PANIC").is_some() {
        panic!("a panic requested by CRITCERT_INTERNAL_TEST_PANIC\nsecond line");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = match cli.command {
        Command::Thm1(a) => thm1::run(a),
        Command::Thm2(a) => thm2::run(a),
        Command::Check(a) => check::run(a),
        Command::Paper(a) => paper::run(a),
        Command::Explain(a) => explain::run(a),
        Command::DeepLinear(a) => deep_linear::run(a),
        Command::Derive(a) => derive::run(a),
        Command::Point(a) => point::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("critcert: {}", one_line(&e.to_string()));
            e.exit_code()
        }
    }
}

/// Prints `--help`/`--version` as clap does (exit 0); any other command-line error as one line,
/// `critcert: what is wrong; usage: …`, with the input escaped, and exit code 2.
fn usage_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "critcert: no subcommand given (thm1, thm2, check, paper, explain, deep-linear, derive, point); try 'critcert --help'"
            );
            return 2;
        }
        _ => {}
    }
    eprintln!("critcert: {}", flatten_clap(&e.render().to_string()));
    2
}

/// clap's multi-line error text as one line: the message, its indented details joined with
/// `; `, the usage line, and the pointer to `--help`.
pub fn flatten_clap(text: &str) -> String {
    let mut out = String::new();
    let mut usage = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        if let Some(u) = line.strip_prefix("Usage: ") {
            usage = Some(u.to_string());
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    if let Some(u) = usage {
        out.push_str(&format!("; usage: {u}"));
    }
    out.push_str(" (try --help)");
    // clap quotes the offending value whole: clip long words.
    let words: Vec<String> = one_line(&out)
        .split(' ')
        .map(|w| critcert::error::clip(w, 60))
        .collect();
    words.join(" ")
}

/// `--threads N` clamped to the cores available (more threads than cores only add contention,
/// and some BLAS builds spin when oversubscribed); `None` is all cores.
pub fn threads(requested: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match requested {
        Some(0) => Err(Error::Input("--threads must be at least 1".into())),
        Some(n) => Ok(n.min(cores)),
        None => Ok(cores),
    }
}

/// clap value parser for exact rationals (`0.01`, `1/100`, `1e-2`).
pub fn rational_arg(s: &str) -> std::result::Result<Q, String> {
    parse_input(s)
}

/// A rational for a human summary: exact when short, always with a decimal approximation
/// marked `≈`.
pub fn show(q: &Q) -> String {
    let exact = q.to_string();
    let approx = to_decimal(q, 10);
    if exact.len() <= 60 {
        format!("{exact} ≈ {approx}")
    } else {
        format!(
            "≈ {approx} (exact: a {}-digit numerator over a {}-digit denominator; see --json or the certificate)",
            q.numer().to_string().trim_start_matches('-').len(),
            q.denom().to_string().len()
        )
    }
}

/// Refuses, before any work, an `--out` that is (or links to) one of the inputs.
pub fn refuse_overwrite(out: Option<&std::path::Path>, inputs: &[&std::path::Path]) -> Result<()> {
    match out {
        Some(path) => critcert::io::refuse_overwrite("--out", path, inputs),
        None => Ok(()),
    }
}

/// Writes a certificate atomically if `--out` was given.
pub fn write_out(out: Option<&std::path::Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => critcert::io::write_atomic(path, text.as_bytes()),
        None => Ok(()),
    }
}

/// Prints a JSON value followed by a newline.
pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Input(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}
