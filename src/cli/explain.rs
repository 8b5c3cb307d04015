//! `critcert explain`: a plain-language account of a certificate and of what the checker
//! verified.

use critcert::paper::explain::explain;
use critcert::Result;
use std::path::PathBuf;

/// Arguments of `critcert explain`.
#[derive(clap::Args)]
pub struct Args {
    /// The certificate to explain.
    #[arg(value_name = "CERT.json")]
    cert: PathBuf,
}

/// Runs `critcert explain`: exit 0 if the checker accepts the certificate, 1 if it rejects it.
pub fn run(args: Args) -> Result<i32> {
    let text = critcert::io::read_text(&args.cert)?;
    let e = explain(&args.cert.display().to_string(), &text)?;
    print!("{}", e.text);
    Ok(if e.accepted { 0 } else { 1 })
}
