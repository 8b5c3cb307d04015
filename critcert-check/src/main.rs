//! `critcert-check CERT.json... [--data FILE.csv]`: the checker alone, with no producer code linked in.
//!
//! Prints `accepted FILE (KIND, N claims)` or `rejected FILE: REASON` per file. Exit code 0 when
//! every certificate is accepted, 1 when one is rejected, 2 when a file is not a certificate.

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut data = None;
    if let Some(i) = args.iter().position(|a| a == "--data") {
        if i + 1 >= args.len() {
            eprintln!("critcert-check: --data needs a file");
            std::process::exit(2);
        }
        data = Some(args.remove(i + 1));
        args.remove(i);
    }
    let files = args;
    if files.is_empty() || files.iter().any(|f| f == "-h" || f == "--help") {
        eprintln!("usage: critcert-check CERT.json [CERT.json ...] [--data FILE.csv]");
        eprintln!("Checks critcert certificates with the trusted checker alone; --data gives the data file of a Theorem 1 certificate that names it by SHA-256.");
        std::process::exit(if files.is_empty() { 2 } else { 0 });
    }
    let mut code = 0;
    for f in &files {
        let data = data.as_deref().map(std::path::Path::new);
        match critcert_check::check_file_with(std::path::Path::new(f), data) {
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
