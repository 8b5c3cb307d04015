//! Subcommands, one module each. Arguments are parsed by clap into raw values, then validated
//! into library options.

mod check;
mod deep_linear;
mod derive;
mod explain;
mod paper;
mod thm1;
mod thm2;

use clap::{Parser, Subcommand};
use critcert::exact::{parse_rational, to_decimal, Q};
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
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Thm1(a) => thm1::run(a),
        Command::Thm2(a) => thm2::run(a),
        Command::Check(a) => check::run(a),
        Command::Paper(a) => paper::run(a),
        Command::Explain(a) => explain::run(a),
        Command::DeepLinear(a) => deep_linear::run(a),
        Command::Derive(a) => derive::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("critcert: {e}");
            e.exit_code()
        }
    }
}

/// clap value parser for exact rationals (`0.01`, `1/100`, `1e-2`).
pub fn rational_arg(s: &str) -> std::result::Result<Q, String> {
    parse_rational(s)
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
