//! File output: atomic writes, so that an interrupted or failed run never leaves a half-written
//! certificate in place of a good one, and a guard so that no output ever replaces an input.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// The infix of the temporary file of [`write_atomic`]: a run killed while writing
/// `DIR/NAME` leaves at most `DIR/.NAME.critcert-partial.PID.tmp`, which is safe to delete.
pub const PARTIAL: &str = "critcert-partial";

/// The temporary file [`write_atomic`] writes before renaming it to `path`:
/// `.NAME.critcert-partial.PID.tmp` in the same directory (hidden, and named so that it is
/// obviously disposable).
pub fn partial_path(path: &Path) -> Option<std::path::PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name()?;
    Some(dir.join(format!(
        ".{}.{PARTIAL}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same directory
/// ([`partial_path`]), flushed, then renamed over `path`. On failure the temporary file is
/// removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| Error::Input(format!("{}: cannot write: {e}", path.display()));
    let tmp = partial_path(path)
        .ok_or_else(|| Error::Input(format!("{}: not a file name", path.display())))?;
    if path.is_dir() {
        return Err(Error::Input(format!(
            "{}: cannot write: it is a directory",
            path.display()
        )));
    }
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// Reads a whole text file, with a one-line error naming it.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))
}

/// The identity of an existing file after following links (device and inode on Unix, the
/// canonical path elsewhere); `None` when it does not exist.
fn identity(path: &Path) -> Option<(u64, u64, std::path::PathBuf)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino(), std::path::PathBuf::new()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some((0, 0, std::fs::canonicalize(path).ok()?))
    }
}

/// Refuses, before any work, an output that is (or links to, or is a hard link of) one of the
/// inputs: `thm1 --data d.csv --out d.csv` must not replace the dataset by the certificate.
/// Outputs that do not exist yet cannot be inputs. `what` names the option (`--out`).
pub fn refuse_overwrite(what: &str, output: &Path, inputs: &[&Path]) -> Result<()> {
    let Some(out) = identity(output) else {
        return Ok(());
    };
    for input in inputs {
        if identity(input).as_ref() == Some(&out) {
            return Err(Error::Input(format!(
                "{what} {}: this is the input file {}; refusing to overwrite an input (choose another output path)",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_failure_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert!(write_atomic(&dir.path().join("missing/dir/x.json"), b"x").is_err());
        assert!(write_atomic(dir.path(), b"x").is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        let tmp = partial_path(&p).unwrap();
        let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".out.json.critcert-partial.") && name.ends_with(".tmp"),
            "{name}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_output_may_not_be_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data.csv");
        std::fs::write(&data, "a,y\n1,2\n").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&data, &link).unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&data, &hard).unwrap();
        let other = dir.path().join("other.json");
        for out in [&data, &link, &hard] {
            assert!(refuse_overwrite("--out", out, &[&data]).is_err());
            assert!(refuse_overwrite("--out", &data, &[out]).is_err());
        }
        assert!(refuse_overwrite("--out", &other, &[&data]).is_ok());
        std::fs::write(&other, "x").unwrap();
        assert!(refuse_overwrite("--out", &other, &[&data]).is_ok());
    }
}
