//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the `critcert` binary with `args`.
pub fn critcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_critcert"))
        .args(args)
        .output()
        .expect("run critcert")
}

/// Path of a shipped example dataset.
pub fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
        .display()
        .to_string()
}

/// stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Writes `contents` to a file `name` in a fresh temporary directory.
pub fn temp_file(name: &str, contents: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    (dir, p.display().to_string())
}
