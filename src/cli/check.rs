//! `critcert check`: re-check a certificate with the trusted checker.

use super::print_json;
use critcert::cert::check_file_with;
use critcert::Result;
use std::path::PathBuf;

/// Arguments of `critcert check`.
#[derive(clap::Args)]
pub struct Args {
    /// The certificate(s) to check.
    #[arg(value_name = "CERT.json", required = true)]
    certs: Vec<PathBuf>,
    /// The data file of a Theorem 1 certificate that names its data by SHA-256 (`thm1
    /// --data-ref`); for one that embeds its data, the file must be the same bytes.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
    /// Print the checker's report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `critcert check`: exit 0 if every certificate is accepted.
pub fn run(args: Args) -> Result<i32> {
    let mut reports = Vec::new();
    for path in &args.certs {
        let bar = super::thm1::progress();
        bar.set_message(format!("check: {}", path.display()));
        let report = check_file_with(path, args.data.as_deref());
        bar.finish_and_clear();
        let report = report?;
        if !args.json {
            println!(
                "accepted: {} ({}, {} claims)",
                path.display(),
                report.kind,
                report.claims.len()
            );
            for c in &report.claims {
                println!("  ✓ {}: {}", c.id, c.evidence);
            }
        }
        reports.push(serde_json::json!({"certificate": path.display().to_string(), "accepted": true, "report": report}));
    }
    if args.json {
        print_json(&serde_json::Value::Array(reports))?;
    }
    Ok(0)
}
