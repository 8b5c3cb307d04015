//! Helpers shared by the integration tests.

use critcert::cert::{check_str, Error};
use serde_json::Value;
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

/// The checker's rejection of a certificate; panics if it is accepted.
pub fn rejection(v: &Value) -> Error {
    match check_str(&v.to_string()) {
        Err(e) => e,
        Ok(_) => panic!("tampered certificate accepted: {v}"),
    }
}

/// The checker's reason for rejecting a certificate; panics if it is accepted.
pub fn rejects(v: &Value) -> String {
    rejection(v).to_string()
}

/// The id of the claim the checker says fails (`None`: a field or the form is rejected before
/// any claim); tests assert on it, not on the wording of the reason.
pub fn failing_claim(v: &Value) -> Option<String> {
    rejection(v).claim_id().map(str::to_string)
}

/// Requires the checker to accept a certificate.
pub fn accepts(v: &Value) {
    check_str(&v.to_string()).unwrap_or_else(|e| panic!("rejected: {e}"));
}

/// The same JSON with the keys of every object in reverse order (a harmless change).
pub fn reversed_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(reversed_keys).collect()),
        other => other.clone(),
    }
}

/// A `.safetensors` file of float32 tensors `(name, shape, values)`, as PyTorch writes them.
pub fn write_safetensors(path: &std::path::Path, tensors: &[(&str, Vec<usize>, Vec<f32>)]) {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|t| t.2.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views: Vec<(String, safetensors::tensor::TensorView)> = tensors
        .iter()
        .zip(&bytes)
        .map(|(t, b)| {
            let view =
                safetensors::tensor::TensorView::new(safetensors::Dtype::F32, t.1.clone(), b);
            (t.0.to_string(), view.unwrap())
        })
        .collect();
    std::fs::write(path, safetensors::serialize(views, &None).unwrap()).unwrap();
}

/// Checks `cert` changed by `f`: `Err` carries the failing claim's id (`"-"` when a field or
/// the form is rejected before any claim) and the reason, so tests assert on the id.
pub fn tamper(cert: &str, f: impl FnOnce(&mut Value)) -> Result<(), (String, String)> {
    let mut v: Value = serde_json::from_str(cert).unwrap();
    f(&mut v);
    check_str(&v.to_string())
        .map(|_| ())
        .map_err(|e| (e.claim_id().unwrap_or("-").to_string(), e.to_string()))
}

/// The second checker, `proofs/check_flint.py`.
pub fn python_checker() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proofs/check_flint.py")
}

/// `Some(exit code)` of the Python checker on `file`, or `None` (with a message) when python3
/// is absent.
pub fn python_check(file: &std::path::Path) -> Option<(i32, String)> {
    python_run(&[file.as_os_str()])
}

/// `Some((exit code, stdout + stderr))` of the Python checker with `args`, or `None` (with a
/// message) when python3 is absent.
pub fn python_run(args: &[&std::ffi::OsStr]) -> Option<(i32, String)> {
    match Command::new("python3")
        .arg(python_checker())
        .args(args)
        .output()
    {
        Ok(o) => Some((o.status.code().unwrap_or(-1), {
            let (a, b) = text(&o);
            a + &b
        })),
        Err(_) => {
            eprintln!("python3 not found: skipping the Python checker part of this test");
            None
        }
    }
}
