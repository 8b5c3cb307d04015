//! The `critcert` command line: parses arguments, calls the library, prints, and maps errors to
//! exit codes (0 certified/accepted, 1 not certified/rejected, 2 bad input or usage).

mod cli;

fn main() {
    // Behave like a Unix filter when the reader of stdout goes away (`critcert … | head`):
    // end quietly instead of panicking on a failed print.
    // SAFETY: called before any thread is started; restores the default signal disposition.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(cli::run());
}
