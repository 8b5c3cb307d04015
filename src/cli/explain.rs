//! `critcert explain`: a plain-language account of a certificate and of what the checker
//! verified.

use critcert::paper::explain::explain_with;
use critcert::Result;
use std::path::PathBuf;

/// Arguments of `critcert explain`.
#[derive(clap::Args)]
pub struct Args {
    /// The certificate to explain.
    #[arg(value_name = "CERT.json")]
    cert: PathBuf,
    /// The data file of a Theorem 1 certificate made with `thm1 --data-ref`.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
}

/// Runs `critcert explain`: exit 0 if the checker accepts the certificate, 1 if it rejects it.
pub fn run(args: Args) -> Result<i32> {
    let text = critcert::io::read_text(&args.cert)?;
    if let Some(d) = &args.data {
        std::fs::File::open(d)
            .map_err(|e| critcert::Error::Input(format!("{}: cannot read: {e}", d.display())))?;
    }
    let data_name = args
        .data
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let file = args
        .data
        .as_deref()
        .map(|d| critcert::cert::thm1::DataFile {
            name: &data_name,
            path: d,
        });
    let e = explain_with(&args.cert.display().to_string(), &text, file)?;
    print!("{}", e.text);
    Ok(if e.accepted { 0 } else { 1 })
}
