//! Readers for weights and data: `.npy` (f32/f64, C or Fortran order), `.safetensors` (as
//! written by PyTorch / `safetensors.torch.save_file`), JSON and CSV. Every error is one line
//! naming the file (and tensor).
//!
//! Values are kept as decimal/binary text-free [`Num`]s: an `f64` (exact for `.npy` and
//! `.safetensors`, whose values are binary floats) or the decimal text (CSV, JSON), so the
//! exact path can read them without rounding.

use crate::error::{Error, Result};
use crate::exact::{parse_rational, QMatrix, Q};
use std::path::Path;

/// One entry as read: a binary float (exactly representable) or decimal text.
#[derive(Clone, Debug)]
pub enum Num {
    /// A binary floating-point value (from `.npy` / `.safetensors`).
    Float(f64),
    /// Decimal or fraction text (from CSV / JSON), parsed exactly on the exact path.
    Text(String),
}

/// A named dense matrix as read from a file (row-major).
#[derive(Clone, Debug)]
pub struct RawMatrix {
    /// `file` or `file:tensor`, for error messages.
    pub name: String,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row-major entries.
    pub data: Vec<Num>,
}

impl RawMatrix {
    /// The entries as `f64`; NaN, infinities and unparsable text are errors naming the entry.
    pub fn to_f64(&self) -> Result<Vec<f64>> {
        self.data
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let x = match v {
                    Num::Float(x) => *x,
                    Num::Text(t) => parse_rational(t).map_err(|e| self.bad(k, &e))?.to_f64(),
                };
                if x.is_finite() {
                    Ok(x)
                } else {
                    Err(self.bad(k, &format!("{x} is not finite")))
                }
            })
            .collect()
    }

    /// The entries as exact rationals (binary floats converted exactly).
    pub fn to_exact(&self) -> Result<QMatrix> {
        let data = self
            .data
            .iter()
            .enumerate()
            .map(|(k, v)| match v {
                Num::Float(x) => {
                    Q::from_f64(*x).ok_or_else(|| self.bad(k, &format!("{x} is not finite")))
                }
                Num::Text(t) => parse_rational(t).map_err(|e| self.bad(k, &e)),
            })
            .collect::<Result<Vec<Q>>>()?;
        Ok(QMatrix::from_vec(self.rows, self.cols, data))
    }

    fn bad(&self, k: usize, why: &str) -> Error {
        Error::Input(format!(
            "{}: entry [{},{}]: {why}",
            self.name,
            k / self.cols.max(1) + 1,
            k % self.cols.max(1) + 1
        ))
    }

    /// The transpose (used to turn one-row-per-point data into one column per point).
    pub fn transposed(&self) -> RawMatrix {
        let mut data = Vec::with_capacity(self.data.len());
        for j in 0..self.cols {
            for i in 0..self.rows {
                data.push(self.data[i * self.cols + j].clone());
            }
        }
        RawMatrix {
            name: self.name.clone(),
            rows: self.cols,
            cols: self.rows,
            data,
        }
    }
}

fn ext(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Reads the weight matrices `W1, …, W_{H+1}` (each `d_j × d_{j−1}`, PyTorch's `(out, in)`)
/// from the given files, in order. A `.safetensors` file contributes its 2-D tensors in the
/// order of `layers` if given, else in the natural order of their names (`layers.2` before
/// `layers.10`); a JSON file holding a list of matrices contributes all of them.
pub fn read_weights(
    paths: &[std::path::PathBuf],
    layers: Option<&[String]>,
) -> Result<Vec<RawMatrix>> {
    let mut out = Vec::new();
    for p in paths {
        match ext(p).as_str() {
            "safetensors" => out.extend(read_safetensors(p, layers)?),
            "json" => out.extend(read_json(p)?),
            _ => out.push(read_matrix(p)?),
        }
    }
    if out.is_empty() {
        return Err(Error::Input("no weight matrices given".into()));
    }
    Ok(out)
}

/// Reads one matrix from `.npy`, `.csv` or `.json` (a JSON file must hold one matrix here).
pub fn read_matrix(path: &Path) -> Result<RawMatrix> {
    match ext(path).as_str() {
        "npy" => read_npy(path),
        "csv" => read_csv_matrix(path),
        "json" => {
            let mut v = read_json(path)?;
            if v.len() != 1 {
                return Err(Error::Input(format!(
                    "{}: expected one matrix, found {}",
                    path.display(),
                    v.len()
                )));
            }
            Ok(v.remove(0))
        }
        other => Err(Error::Input(format!(
            "{}: unknown file type '.{other}' (expected .npy, .safetensors, .json or .csv)",
            path.display()
        ))),
    }
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Input(format!("{}: cannot read: {e}", path.display()))
}

fn shape2(name: &str, shape: &[usize]) -> Result<(usize, usize)> {
    match shape {
        [r, c] => Ok((*r, *c)),
        [n] => Ok((*n, 1)),
        _ => Err(Error::Input(format!(
            "{name}: expected a matrix, found shape {shape:?}"
        ))),
    }
}

fn read_npy(path: &Path) -> Result<RawMatrix> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let name = path.display().to_string();
    let npy = npyz::NpyFile::new(&bytes[..]).map_err(|e| io_err(path, e))?;
    let shape: Vec<usize> = npy.shape().iter().map(|&s| s as usize).collect();
    let (rows, cols) = shape2(&name, &shape)?;
    let fortran = npy.order() == npyz::Order::Fortran;
    let descr = npy.dtype().descr().trim_matches('\'').to_string();
    let vals: Vec<f64> = if descr.ends_with("f8") {
        npy.into_vec::<f64>().map_err(|e| io_err(path, e))?
    } else if descr.ends_with("f4") {
        npy.into_vec::<f32>()
            .map_err(|e| io_err(path, e))?
            .into_iter()
            .map(f64::from)
            .collect()
    } else {
        return Err(Error::Input(format!(
            "{name}: dtype {descr} is not supported (need float32 or float64)"
        )));
    };
    let data = (0..rows * cols)
        .map(|k| {
            let (i, j) = (k / cols, k % cols);
            Num::Float(if fortran { vals[j * rows + i] } else { vals[k] })
        })
        .collect();
    Ok(RawMatrix {
        name,
        rows,
        cols,
        data,
    })
}

/// Natural-order key: text chunks compared as text, digit chunks as numbers.
fn natural_key(s: &str) -> Vec<(String, u128)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = c.to_digit(10).unwrap_or(0) as u128;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as u128);
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    key.push((text, 0));
    key
}

fn read_safetensors(path: &Path, layers: Option<&[String]>) -> Result<Vec<RawMatrix>> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let st = safetensors::SafeTensors::deserialize(&bytes)
        .map_err(|e| Error::Input(format!("{}: not a safetensors file: {e}", path.display())))?;
    let names: Vec<String> = match layers {
        Some(l) => l.to_vec(),
        None => {
            let mut n: Vec<String> = st
                .names()
                .into_iter()
                .filter(|n| st.tensor(n).is_ok_and(|t| t.shape().len() == 2))
                .cloned()
                .collect();
            if let Some(b) = st.names().into_iter().find(|n| n.ends_with("bias")) {
                return Err(Error::Input(format!(
                    "{}:{b}: a bias tensor; deep linear networks have no biases (export with bias=False, or pass --layers)",
                    path.display()
                )));
            }
            n.sort_by_key(|s| natural_key(s));
            n
        }
    };
    names
        .iter()
        .map(|n| {
            let name = format!("{}:{n}", path.display());
            let t = st
                .tensor(n)
                .map_err(|_| Error::Input(format!("{name}: no such tensor in the file")))?;
            let (rows, cols) = shape2(&name, t.shape())?;
            let raw = t.data();
            let data: Vec<Num> = match t.dtype() {
                safetensors::Dtype::F64 => raw
                    .chunks_exact(8)
                    .map(|c| Num::Float(f64::from_le_bytes(c.try_into().expect("8 bytes"))))
                    .collect(),
                safetensors::Dtype::F32 => raw
                    .chunks_exact(4)
                    .map(|c| Num::Float(f32::from_le_bytes(c.try_into().expect("4 bytes")) as f64))
                    .collect(),
                other => {
                    return Err(Error::Input(format!(
                        "{name}: dtype {other:?} is not supported (need F32 or F64)"
                    )))
                }
            };
            Ok(RawMatrix {
                name,
                rows,
                cols,
                data,
            })
        })
        .collect()
}

fn json_matrix(name: &str, v: &serde_json::Value) -> Result<RawMatrix> {
    let bad = |why: &str| Error::Input(format!("{name}: {why}"));
    let rows = v
        .as_array()
        .ok_or_else(|| bad("expected a matrix (a list of rows)"))?;
    let mut data = Vec::new();
    let mut cols = None;
    for (i, r) in rows.iter().enumerate() {
        let r = r
            .as_array()
            .ok_or_else(|| bad(&format!("row {} is not a list", i + 1)))?;
        if *cols.get_or_insert(r.len()) != r.len() {
            return Err(bad(&format!(
                "row {} has {} entries, expected {}",
                i + 1,
                r.len(),
                cols.unwrap_or(0)
            )));
        }
        for (j, x) in r.iter().enumerate() {
            data.push(match x {
                serde_json::Value::String(s) => Num::Text(s.clone()),
                serde_json::Value::Number(n) => Num::Text(n.to_string()),
                _ => return Err(bad(&format!("entry [{},{}] is not a number", i + 1, j + 1))),
            });
        }
    }
    Ok(RawMatrix {
        name: name.into(),
        rows: rows.len(),
        cols: cols.unwrap_or(0),
        data,
    })
}

/// A JSON file holds one matrix (list of rows) or a list of matrices. Numbers may be JSON
/// numbers or strings (`"1/3"`, `"0.35"`); JSON numbers are read through their decimal text.
fn read_json(path: &Path) -> Result<Vec<RawMatrix>> {
    let text = crate::io::read_text(path)?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Input(format!("{}: not valid JSON: {e}", path.display())))?;
    let name = path.display().to_string();
    let is_list_of_matrices = v
        .as_array()
        .and_then(|a| a.first())
        .and_then(|r| r.as_array())
        .and_then(|r| r.first())
        .is_some_and(|x| x.is_array());
    if is_list_of_matrices {
        v.as_array()
            .expect("checked")
            .iter()
            .enumerate()
            .map(|(k, m)| json_matrix(&format!("{name}[{}]", k + 1), m))
            .collect()
    } else {
        Ok(vec![json_matrix(&name, &v)?])
    }
}

/// CSV: one row per line, comma-separated; a first line that does not parse as numbers is a
/// header and skipped.
fn read_csv_matrix(path: &Path) -> Result<RawMatrix> {
    let text = crate::io::read_text(path)?;
    let name = path.display().to_string();
    let mut data = Vec::new();
    let mut rows = 0;
    let mut cols = None;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if n == 0 && fields.iter().any(|f| parse_rational(f).is_err()) {
            continue;
        }
        if *cols.get_or_insert(fields.len()) != fields.len() {
            return Err(Error::Input(format!(
                "{name}: line {}: {} fields, expected {}",
                n + 1,
                fields.len(),
                cols.unwrap_or(0)
            )));
        }
        for f in fields {
            parse_rational(f).map_err(|e| Error::Input(format!("{name}: line {}: {e}", n + 1)))?;
            data.push(Num::Text(f.to_string()));
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(Error::Input(format!("{name}: no data rows")));
    }
    Ok(RawMatrix {
        name,
        rows,
        cols: cols.unwrap_or(0),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["layers.10.weight", "layers.2.weight", "layers.1.weight"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(
            v,
            ["layers.1.weight", "layers.2.weight", "layers.10.weight"]
        );
    }
}
