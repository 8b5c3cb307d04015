//! `critcert paper`: certify every result of the paper, re-check, report.

use critcert::paper::{self, Outcome, Status};
use critcert::Result;
use std::path::PathBuf;

/// Arguments of `critcert paper`.
#[derive(clap::Args)]
pub struct Args {
    /// Output directory for certificates, figures, REPORT.md and README.md.
    #[arg(long, value_name = "DIR", default_value = "proofs")]
    out: PathBuf,
    /// Directory holding the datasets (iris.csv, wine.csv, theorem2.csv, deep-linear/,
    /// safran-shamir/), points/ (the saddle of `point`).
    #[arg(long, value_name = "DIR", default_value = "examples/data")]
    data_dir: PathBuf,
}

fn row(o: &Outcome) -> String {
    format!(
        "{:<10} {:<34} {:<22} {:<14} {:>8.3}s  {}",
        o.result,
        o.path,
        o.method,
        o.status.word(),
        o.seconds,
        o.claim
    )
}

/// Runs `critcert paper`: exit 0 only if every certificate is produced and accepted.
pub fn run(args: Args) -> Result<i32> {
    let tasks = paper::registry(&args.data_dir);
    // No certificate or report may replace a dataset: refuse before any work.
    let inputs: Vec<PathBuf> = [args.data_dir.clone(), args.data_dir.join("deep-linear")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    let inputs: Vec<&std::path::Path> = inputs.iter().map(PathBuf::as_path).collect();
    let outputs = tasks
        .iter()
        .map(|t| args.out.join(&t.path))
        .chain(["REPORT.md", "README.md", "MATH.md"].map(|f| args.out.join(f)));
    for out in outputs {
        critcert::io::refuse_overwrite("--out", &out, &inputs)?;
    }
    println!(
        "critcert paper: {} certificates into {}/",
        tasks.len(),
        args.out.display()
    );
    println!(
        "{:<10} {:<34} {:<22} {:<14} {:>9}  claim",
        "result", "certificate", "how certified", "status", "time"
    );
    let start = std::time::Instant::now();
    let outcomes = paper::run(&tasks, &args.out, |o| println!("{}", row(o)))?;
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.status != Status::Accepted)
        .collect();
    for o in &failed {
        if let Status::NotCertified(m) | Status::Rejected(m) | Status::Failed(m) = &o.status {
            println!(
                "{}: {}: {}",
                o.path,
                o.status.word(),
                critcert::error::one_line(m)
            );
        }
    }
    let certs: f64 = outcomes.iter().map(|o| o.seconds).sum();
    println!(
        "{} of {} accepted ({certs:.2}s for the certificates, {:.2}s in all with the figures); report {}, reviewer's guide {}",
        outcomes.len() - failed.len(),
        outcomes.len(),
        start.elapsed().as_secs_f64(),
        args.out.join("REPORT.md").display(),
        args.out.join("README.md").display()
    );
    Ok(if failed.is_empty() { 0 } else { 1 })
}
