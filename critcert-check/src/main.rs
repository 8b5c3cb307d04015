//! `critcert-check CERT.json...`: the checker alone, with no producer code linked in.
//!
//! Prints `accepted FILE (KIND, N claims)` or `rejected FILE: REASON` per file. Exit code 0 when
//! every certificate is accepted, 1 when one is rejected, 2 when a file is not a certificate.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() || files.iter().any(|f| f == "-h" || f == "--help") {
        eprintln!("usage: critcert-check CERT.json [CERT.json ...]");
        eprintln!("Checks critcert certificates with the trusted checker alone.");
        std::process::exit(if files.is_empty() { 2 } else { 0 });
    }
    let mut code = 0;
    for f in &files {
        match critcert_check::check_file(std::path::Path::new(f)) {
            Ok(r) => println!("accepted {f} ({}, {} claims)", r.kind, r.claims.len()),
            Err(e) => {
                println!("{}", printable(&e.to_string()));
                code = code.max(e.exit_code());
            }
        }
    }
    std::process::exit(code);
}

/// The message with control characters escaped, so that no input can drive the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(char::escape_debug)
        .collect::<String>()
        .replace("\\'", "'")
        .replace("\\\"", "\"")
}
