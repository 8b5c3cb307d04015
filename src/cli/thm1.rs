//! `critcert thm1`: Theorem 1 on a CSV dataset.

use super::{print_json, rational_arg, refuse_overwrite, show, write_out};
use critcert::cert::thm1::MAX_SCALE_BITS;
use critcert::cert::to_json;
use critcert::exact::{to_decimal, Q};
use critcert::model::dataset::DEFAULT_MEMORY_LIMIT_MB;
use critcert::theorems::thm1::Thm1Data;
use critcert::theorems::thm1::{certify_with, Thm1Options};
use critcert::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `critcert thm1`.
#[derive(clap::Args)]
pub struct Args {
    /// The dataset: CSV with a header line; the last column is y unless --target names another.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Slope s+ > 0 of the activation on the positive side (decimal or fraction, e.g. 1001/1000).
    #[arg(long, value_name = "A", value_parser = rational_arg)]
    s_plus: Q,
    /// Slope s- >= 0 on the negative side (0: ReLU; 1/100: leaky ReLU).
    #[arg(long, value_name = "B", value_parser = rational_arg)]
    s_minus: Q,
    /// Hidden width d1 (at least 2).
    #[arg(long, value_name = "N", default_value_t = 2)]
    width: usize,
    /// Scale α > 0 of the minimum in its infinite family.
    #[arg(long, value_name = "A", value_parser = rational_arg, default_value = "1")]
    alpha: Q,
    /// Name of the target column (default: the last column).
    #[arg(long, value_name = "COL")]
    target: Option<String>,
    /// Write the certificate here (atomically).
    #[arg(long, value_name = "CERT.json")]
    out: Option<PathBuf>,
    /// Name the data in the certificate by SHA-256, file name and shape instead of embedding
    /// its text (check with `critcert check CERT --data FILE.csv`); the default above 1 MiB.
    #[arg(long, conflicts_with = "embed_data")]
    data_ref: bool,
    /// Embed the data file's text in the certificate; the default up to 1 MiB.
    #[arg(long)]
    embed_data: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Refuse inputs whose exact computation is estimated to need more than this many MB.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_LIMIT_MB)]
    memory_limit: u64,
}

/// The largest data file embedded in a certificate by default (1 MiB): above it the
/// certificate names the file by SHA-256 (`--data-ref`), which is what a reviewer of a large
/// dataset wants (a certificate of kilobytes, checked against their own copy of the file).
pub const EMBED_LIMIT: usize = 1 << 20;

/// Estimated memory per parameter of the network, in bytes: the certificate lists every
/// parameter (as JSON text, held while it is written and re-read by the checker).
const BYTES_PER_PARAMETER: u64 = 1024;

/// The checker accepts a Theorem 1 certificate only when all the values of its data have a
/// common denominator of at most [`MAX_SCALE_BITS`] bits (so that its exact arithmetic stays
/// bounded): data beyond that is refused here, before the construction, rather than producing
/// a certificate the checker must reject.
fn check_scale(data: &Thm1Data) -> std::result::Result<(), String> {
    if data.common_scale().significant_bits() > MAX_SCALE_BITS {
        return Err(format!(
            "the values of the data have no common denominator of at most {MAX_SCALE_BITS} bits (about {} decimal places), the checker's bound on a certificate's data; round the data to fewer digits",
            MAX_SCALE_BITS * 3 / 10
        ));
    }
    Ok(())
}

/// Checks `--width` against what a certificate can hold within `--memory-limit`.
fn check_width(width: usize, dx: usize, limit_mb: u64) -> Result<()> {
    let params = (width as u128) * (dx as u128 + 2) + 1;
    let need = params * u128::from(BYTES_PER_PARAMETER);
    if need > u128::from(limit_mb) << 20 {
        return Err(Error::Input(format!(
            "--width {width}: a network of that width has {params} parameters (W1, b1, W2, b2 with {dx} input(s)), which the certificate lists one by one: about {} MB, above --memory-limit {limit_mb} MB (Theorem 1 holds for every width ≥ 2; raise --memory-limit for a wider certificate)",
            need >> 20
        )));
    }
    Ok(())
}

/// A spinner on stderr naming the stage and the time spent, shown only on a terminal.
pub fn progress() -> ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new_spinner();
    b.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    b.enable_steady_tick(std::time::Duration::from_millis(200));
    b
}

/// Runs `critcert thm1`.
pub fn run(args: Args) -> Result<i32> {
    refuse_overwrite(args.out.as_deref(), &[&args.data])?;
    check_width(args.width, 1, args.memory_limit)?;
    let bar = progress();
    bar.set_message(format!("thm1: reading {}", args.data.display()));
    let size = std::fs::metadata(&args.data)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", args.data.display())))?
        .len();
    let embed = if args.data_ref {
        false
    } else if args.embed_data {
        true
    } else {
        size <= EMBED_LIMIT as u64
    };
    let data = Thm1Data::read(&args.data, args.target.as_deref(), embed)?;
    let source = data.source.as_ref().expect("read with its source");
    if !source.embed && !args.data_ref && args.out.is_some() {
        bar.suspend(|| {
            eprintln!(
                "note: {} has {} bytes, more than 1 MiB: the certificate names it by SHA-256 instead of embedding it (check with `critcert check CERT --data {}`; --embed-data embeds it)",
                critcert::error::escape(&args.data.display().to_string()),
                source.bytes,
                critcert::error::escape(&args.data.display().to_string()),
            );
        });
    }
    check_width(args.width, data.dim(), args.memory_limit)?;
    check_scale(&data).map_err(|e| Error::Input(format!("{}: {e}", args.data.display())))?;
    data.check_memory(args.memory_limit)
        .map_err(|e| Error::Input(format!("{}: {e}", args.data.display())))?;
    let opts = Thm1Options {
        s_plus: args.s_plus,
        s_minus: args.s_minus,
        width: args.width,
        alpha: args.alpha,
    };
    let file = args.data.display().to_string();
    let stage = |s: &str| bar.set_message(format!("thm1: {s}"));
    let (points, inputs) = (data.len(), data.dim());
    let duplicates = data.duplicate_points();
    let result = certify_with(data, &opts, &stage).map_err(|e| match e {
        Error::NotCertified(m) => Error::NotCertified(format!("{file}: {m}")),
        other => other,
    })?;
    bar.set_message("thm1: writing the certificate");
    write_out(args.out.as_deref(), &to_json(&result.certificate))?;
    bar.finish_and_clear();
    let improvement = Q::from(&result.loss_minimum - &result.loss_better);
    if args.json {
        print_json(&json!({
            "certified": true,
            "kind": result.certificate.kind,
            "data": file,
            "points": points,
            "inputs": inputs,
            "s_plus": opts.s_plus.to_string(),
            "s_minus": opts.s_minus.to_string(),
            "width": opts.width,
            "alpha": opts.alpha.to_string(),
            "loss_minimum": result.loss_minimum.to_string(),
            "loss_minimum_decimal": to_decimal(&result.loss_minimum, 12),
            "radius": result.radius.to_string(),
            "loss_better": result.loss_better.to_string(),
            "loss_better_decimal": to_decimal(&result.loss_better, 12),
            "improvement": improvement.to_string(),
            "case": result.case,
            "duplicate_point_lines": duplicates,
            "claims": result.report.claims,
            "certificate": args.out.as_ref().map(|p| p.display().to_string()),
        }))?;
    } else {
        println!(
            "certified: spurious local minimum (Theorem 1) for h = relu-like(s+ = {}, s- = {}), width {}, on {} ({} points, {} inputs)",
            opts.s_plus, opts.s_minus, opts.width, critcert::error::escape(&file), points, inputs
        );
        println!(
            "  loss at the local minimum   {}",
            show(&result.loss_minimum)
        );
        println!("  certified region radius ρ   {}", show(&result.radius));
        println!(
            "  loss at the better point    {}",
            show(&result.loss_better)
        );
        println!("  improvement                 {}", show(&improvement));
        println!("  better point construction   {}", result.case);
        if !duplicates.is_empty() {
            println!("  note: duplicate input points at lines {duplicates:?} (C1.2 fails); the claims are checked directly and do not need it");
        }
        let ids: Vec<&str> = result.report.claims.iter().map(|c| c.id.as_str()).collect();
        println!("  checker verified            {}", ids.join(", "));
        if let Some(p) = &args.out {
            println!(
                "  certificate                 {}",
                critcert::error::escape(&p.display().to_string())
            );
        }
    }
    Ok(0)
}
