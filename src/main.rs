//! The `critcert` command line: parses arguments, calls the library, prints, and maps errors to
//! exit codes (0 certified/accepted, 1 not certified/rejected, 2 bad input or usage).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
