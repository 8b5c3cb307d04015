//! Readers for weights and data: `.npy` (f32/f64, C or Fortran order; read here, with a strict
//! header parser), `.safetensors` (as
//! written by PyTorch / `safetensors.torch.save_file`), JSON and CSV. Every error is one line
//! naming the file (and tensor).
//!
//! Two families of readers with the same strictness and the same messages:
//!
//! * the **f64 readers** ([`read_weights_f64`], [`read_matrix_f64`], [`parse_npy_f64`], …) read
//!   straight into faer's column-major `Mat<f64>`, the storage the f64 path computes with: a
//!   `.npy` file is streamed a band of rows at a time (header read first, the declared shape
//!   checked against the file's length before anything is allocated), a `.safetensors` file is
//!   read once into a byte buffer and converted tensor by tensor, CSV and JSON text is parsed
//!   to f64 directly (decimal text rounded to nearest, [`text_to_f64`]);
//! * the **exact readers** ([`read_weights`], [`read_matrix`], [`parse_npy`], …) keep every entry
//!   as a [`Num`]: an `f64` (exact for `.npy` and `.safetensors`, whose values are binary
//!   floats) or the decimal text (CSV, JSON), so the exact path and `critcert point` can read
//!   them without rounding.

use crate::error::{Error, Result};
use crate::exact::{parse_input, QMatrix, Q};
use faer::Mat;
use std::io::Read;
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
    /// A matrix from its row-major entries: at least one row and one column, and exactly
    /// `rows × cols` entries (an error naming the file otherwise).
    pub fn new(name: String, rows: usize, cols: usize, data: Vec<Num>) -> Result<RawMatrix> {
        nonempty(&name, rows, cols)?;
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(Error::Input(format!(
                "{name}: shape ({rows}, {cols}) but {} entries",
                data.len()
            )));
        }
        Ok(RawMatrix {
            name,
            rows,
            cols,
            data,
        })
    }

    /// The entries as `f64` (decimal text rounded to nearest, [`text_to_f64`]); NaN,
    /// infinities and unparsable text are errors naming the entry.
    pub fn to_f64(&self) -> Result<Vec<f64>> {
        self.data
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let x = match v {
                    Num::Float(x) => *x,
                    Num::Text(t) => text_to_f64(t).map_err(|e| self.bad(k, &e))?,
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
                Num::Text(t) => parse_input(t).map_err(|e| self.bad(k, &e)),
            })
            .collect::<Result<Vec<Q>>>()?;
        QMatrix::try_from_vec(self.rows, self.cols, data)
            .map_err(|e| Error::Input(format!("{}: {e}", self.name)))
    }

    fn bad(&self, k: usize, why: &str) -> Error {
        Error::Input(format!(
            "{}: entry [{},{}]: {why}",
            self.name,
            k / self.cols.max(1) + 1,
            k % self.cols.max(1) + 1
        ))
    }

    /// The matrix as f64 in faer's layout, transposed when `transpose` (see [`RawMatrix::to_f64`]).
    pub fn to_mat64(&self, transpose: bool) -> Result<Mat64> {
        let v = self.to_f64()?;
        let c = self.cols;
        let mat = if transpose {
            Mat::from_fn(self.cols, self.rows, |j, i| v[i * c + j])
        } else {
            Mat::from_fn(self.rows, self.cols, |i, j| v[i * c + j])
        };
        Ok(Mat64 {
            name: self.name.clone(),
            mat,
        })
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
        return Err(Error::Input("--weights: no weight matrices given".into()));
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

/// An empty matrix is an error naming the file.
fn nonempty(name: &str, rows: usize, cols: usize) -> Result<()> {
    if rows == 0 || cols == 0 {
        return Err(Error::Input(format!(
            "{name}: an empty matrix (shape ({rows}, {cols})); every matrix needs at least one row and one column"
        )));
    }
    Ok(())
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
    parse_npy(&path.display().to_string(), &bytes)
}

/// Largest `.npy` header read (NumPy's own default limit, `max_header_size`, is 10000 bytes).
const MAX_NPY_HEADER: usize = 10_000;

/// A value of a `.npy` header: a string, a boolean or a tuple of natural numbers.
#[derive(Debug, PartialEq)]
enum HeaderValue {
    Str(String),
    Bool(bool),
    Tuple(Vec<u64>),
}

/// Parses the header dictionary of a `.npy` file, `{'descr': '<f8', 'fortran_order': False,
/// 'shape': (3, 4), }`, strictly: string keys, and string, boolean or integer-tuple values (a
/// structured dtype, whose descr is a list, is not a matrix and is refused). Linear in the
/// length of the header: a hostile header cannot make it backtrack.
fn parse_npy_header(text: &str) -> std::result::Result<Vec<(String, HeaderValue)>, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let expect = |i: &mut usize, c: u8| -> std::result::Result<(), String> {
        ws(i);
        if b.get(*i) == Some(&c) {
            *i += 1;
            Ok(())
        } else {
            Err(format!(
                "the header is not a dictionary of the .npy format (expected '{}' at byte {})",
                c as char,
                *i + 1
            ))
        }
    };
    let string = |i: &mut usize| -> std::result::Result<String, String> {
        ws(i);
        let q = *b.get(*i).ok_or("the header ends early")?;
        if q != b'\'' && q != b'"' {
            return Err(format!(
                "expected a string at byte {} of the header",
                *i + 1
            ));
        }
        let close = b[*i + 1..]
            .iter()
            .position(|&c| c == q)
            .ok_or("an unterminated string in the header")?;
        let s = String::from_utf8_lossy(&b[*i + 1..*i + 1 + close]).into_owned();
        *i += close + 2;
        Ok(s)
    };
    expect(&mut i, b'{')?;
    let mut out = Vec::new();
    loop {
        ws(&mut i);
        if b.get(i) == Some(&b'}') {
            i += 1;
            break;
        }
        let key = string(&mut i)?;
        expect(&mut i, b':')?;
        ws(&mut i);
        let value = match b.get(i) {
            Some(b'\'' | b'"') => HeaderValue::Str(string(&mut i)?),
            Some(b'(' | b'[') => {
                let close = if b[i] == b'(' { b')' } else { b']' };
                i += 1;
                let mut dims = Vec::new();
                loop {
                    ws(&mut i);
                    if b.get(i) == Some(&close) {
                        i += 1;
                        break;
                    }
                    let start = i;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    let d: u64 = text[start..i].parse().map_err(|_| {
                        format!(
                            "'{key}' holds something other than natural numbers (at byte {})",
                            start + 1
                        )
                    })?;
                    if matches!(b.get(i), Some(b'L' | b'l')) {
                        i += 1;
                    }
                    dims.push(d);
                    ws(&mut i);
                    match b.get(i) {
                        Some(b',') => i += 1,
                        Some(c) if *c == close => {}
                        _ => return Err(format!("'{key}' is not a tuple of numbers")),
                    }
                }
                HeaderValue::Tuple(dims)
            }
            _ if text[i..].starts_with("True") => {
                i += 4;
                HeaderValue::Bool(true)
            }
            _ if text[i..].starts_with("False") => {
                i += 5;
                HeaderValue::Bool(false)
            }
            _ => {
                return Err(format!(
                    "'{}' has a value other than a string, a boolean or a tuple of numbers (a structured dtype is not a matrix)",
                    crate::error::clip(&key, 30)
                ))
            }
        };
        out.push((key, value));
        ws(&mut i);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') => {}
            _ => return Err("the header is not a dictionary of the .npy format".into()),
        }
    }
    if !text[i..].trim().is_empty() {
        return Err("text after the header dictionary".into());
    }
    Ok(out)
}

/// What a `.npy` header declares, checked against the file's length.
struct NpyLayout {
    rows: usize,
    cols: usize,
    fortran: bool,
    big_endian: bool,
    /// Bytes per value (4 or 8).
    width: usize,
    /// Offset of the data.
    start: usize,
}

/// Parses and checks a `.npy` header: `prefix` holds the file's first bytes (at least the
/// header, when the file has one), `total` is the file's length. The header is parsed strictly
/// and the declared shape is checked (non-empty, no overflow, no more bytes than present)
/// before anything is allocated.
fn npy_layout(name: &str, prefix: &[u8], total: usize) -> Result<NpyLayout> {
    let bad = |why: &str| Error::Input(format!("{name}: not a valid .npy file: {why}"));
    if !prefix.starts_with(b"\x93NUMPY") || prefix.len() < 10 {
        return Err(bad("no .npy signature (\\x93NUMPY)"));
    }
    let (len_bytes, start): (usize, usize) = match prefix[6] {
        1 => (2, 10),
        2 | 3 => (4, 12),
        v => return Err(bad(&format!("format version {v} is not supported"))),
    };
    let header_len = prefix
        .get(8..8 + len_bytes)
        .ok_or_else(|| bad("the file ends in its header"))?
        .iter()
        .rev()
        .fold(0usize, |n, &b| n * 256 + usize::from(b));
    if header_len > MAX_NPY_HEADER {
        return Err(bad(&format!(
            "a header of {header_len} bytes (at most {MAX_NPY_HEADER})"
        )));
    }
    let end = start + header_len;
    let header = prefix
        .get(start..end)
        .ok_or_else(|| bad("the file ends in its header"))?;
    let header = std::str::from_utf8(header).map_err(|_| bad("the header is not text"))?;
    let dict = parse_npy_header(header).map_err(|e| bad(&e))?;
    for (k, (key, _)) in dict.iter().enumerate() {
        if dict[..k].iter().any(|(other, _)| other == key) {
            return Err(bad(&format!(
                "the header has the key '{}' twice",
                crate::error::clip(key, 30)
            )));
        }
    }
    let get = |k: &str| dict.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    let descr = match get("descr") {
        Some(HeaderValue::Str(d)) => d.clone(),
        _ => return Err(bad("the header has no 'descr' string")),
    };
    let fortran = match get("fortran_order") {
        Some(HeaderValue::Bool(f)) => *f,
        _ => return Err(bad("the header has no 'fortran_order' boolean")),
    };
    let shape = match get("shape") {
        Some(HeaderValue::Tuple(s)) => s.clone(),
        _ => return Err(bad("the header has no 'shape' tuple")),
    };
    let (big_endian, width) = match descr.as_str() {
        "<f8" | "=f8" | "f8" => (false, 8),
        ">f8" => (true, 8),
        "<f4" | "=f4" | "f4" => (false, 4),
        ">f4" => (true, 4),
        other => {
            return Err(Error::Input(format!(
                "{name}: dtype {} is not supported (need float32 or float64)",
                crate::error::clip(other, 30)
            )))
        }
    };
    let dims: Vec<usize> = shape
        .iter()
        .map(|&s| usize::try_from(s).map_err(|_| bad(&format!("dimension {s} is too large"))))
        .collect::<Result<_>>()?;
    let (rows, cols) = shape2(name, &dims)?;
    let n = rows
        .checked_mul(cols)
        .filter(|n| n.checked_mul(width).is_some())
        .ok_or_else(|| bad(&format!("shape {shape:?} is too large")))?;
    nonempty(name, rows, cols)?;
    let present = total.saturating_sub(end);
    if present < n * width {
        return Err(Error::Input(format!(
            "{name}: truncated: shape {shape:?} needs {n} values ({} bytes) but the file holds {present} bytes of data",
            n * width
        )));
    }
    Ok(NpyLayout {
        rows,
        cols,
        fortran,
        big_endian,
        width,
        start: end,
    })
}

/// Decodes `src` (values of `width` bytes) into `dst`.
fn decode(dst: &mut [f64], src: &[u8], width: usize, big_endian: bool) {
    if width == 8 {
        for (d, c) in dst.iter_mut().zip(src.chunks_exact(8)) {
            let a: [u8; 8] = c.try_into().unwrap_or([0; 8]);
            *d = if big_endian {
                f64::from_be_bytes(a)
            } else {
                f64::from_le_bytes(a)
            };
        }
    } else {
        for (d, c) in dst.iter_mut().zip(src.chunks_exact(4)) {
            let a: [u8; 4] = c.try_into().unwrap_or([0; 4]);
            *d = f64::from(if big_endian {
                f32::from_be_bytes(a)
            } else {
                f32::from_le_bytes(a)
            });
        }
    }
}

/// Reads a `.npy` file's bytes (`name` names it in errors): a float32 or float64 matrix or
/// vector, either byte order, C or Fortran order, format version 1, 2 or 3. The header is
/// parsed strictly and the declared shape is checked against the bytes present before anything
/// is allocated.
pub fn parse_npy(name: &str, bytes: &[u8]) -> Result<RawMatrix> {
    let lay = npy_layout(name, bytes, bytes.len())?;
    let (rows, cols, width) = (lay.rows, lay.cols, lay.width);
    let n = rows * cols;
    let data = &bytes[lay.start..lay.start + n * width];
    let mut v = [0.0];
    let mut value = |k: usize| -> f64 {
        decode(
            &mut v,
            &data[k * width..(k + 1) * width],
            width,
            lay.big_endian,
        );
        v[0]
    };
    let entries = (0..n)
        .map(|k| {
            let (i, j) = (k / cols, k % cols);
            Num::Float(value(if lay.fortran { j * rows + i } else { k }))
        })
        .collect();
    RawMatrix::new(name.to_string(), rows, cols, entries)
}

/// A matrix read straight into f64, in faer's column-major layout.
#[derive(Clone, Debug)]
pub struct Mat64 {
    /// `file` or `file:tensor`, for error messages.
    pub name: String,
    /// The values.
    pub mat: Mat<f64>,
}

/// `{name}: entry [i,j]: x is not finite` (1-based, as the file holds the matrix).
fn not_finite(name: &str, i: usize, j: usize, x: f64) -> Error {
    Error::Input(format!(
        "{name}: entry [{},{}]: {x} is not finite",
        i + 1,
        j + 1
    ))
}

/// Bytes read from a `.npy` file at a time.
const NPY_CHUNK: usize = 1 << 20;

/// Streams a `.npy` file's data (after its header) into a `Mat<f64>`: the matrix as the file
/// holds it, or its transpose when `transpose` (one column per point for data files). A band
/// of lines (C order: rows; Fortran order: columns) of at most [`NPY_CHUNK`] bytes is read at
/// a time and decoded straight into its place; NaN and infinities are errors naming the entry.
fn npy_into_mat(
    name: &str,
    lay: &NpyLayout,
    data: &mut impl Read,
    transpose: bool,
    io: &dyn Fn(std::io::Error) -> Error,
) -> Result<Mat<f64>> {
    let (r, c, width) = (lay.rows, lay.cols, lay.width);
    // The file is `lines` lines of `per` values.
    let (lines, per) = if lay.fortran { (c, r) } else { (r, c) };
    let mut mat = if transpose {
        Mat::<f64>::zeros(c, r)
    } else {
        Mat::<f64>::zeros(r, c)
    };
    // A line of the file is a column of the result (C order transposed, Fortran order as is) or
    // a row of it.
    let lines_are_columns = lay.fortran != transpose;
    // (line, position) → the entry as the file holds the matrix.
    let entry = |p: usize, q: usize| if lay.fortran { (q, p) } else { (p, q) };
    let line_bytes = per * width;
    let band = (NPY_CHUNK / line_bytes).clamp(1, lines);
    let mut buf = vec![0u8; band * line_bytes];
    let mut vals = if lines_are_columns {
        Vec::new()
    } else {
        vec![0.0f64; band * per]
    };
    let mut p0 = 0;
    while p0 < lines {
        let b = band.min(lines - p0);
        let bytes = &mut buf[..b * line_bytes];
        data.read_exact(bytes).map_err(io)?;
        if lines_are_columns {
            for k in 0..b {
                let col = mat.col_as_slice_mut(p0 + k);
                decode(
                    col,
                    &bytes[k * line_bytes..(k + 1) * line_bytes],
                    width,
                    lay.big_endian,
                );
                if let Some(q) = col.iter().position(|x| !x.is_finite()) {
                    let (i, j) = entry(p0 + k, q);
                    return Err(not_finite(name, i, j, col[q]));
                }
            }
        } else {
            let v = &mut vals[..b * per];
            decode(v, bytes, width, lay.big_endian);
            if let Some(t) = v.iter().position(|x| !x.is_finite()) {
                let (i, j) = entry(p0 + t / per, t % per);
                return Err(not_finite(name, i, j, v[t]));
            }
            for q in 0..per {
                let col = &mut mat.col_as_slice_mut(q)[p0..p0 + b];
                for (k, x) in col.iter_mut().enumerate() {
                    *x = v[k * per + q];
                }
            }
        }
        p0 += b;
    }
    Ok(mat)
}

/// [`parse_npy`] straight into f64 (transposed when `transpose`): the same checks and
/// messages, and NaN or infinities are errors naming the entry.
pub fn parse_npy_f64(name: &str, bytes: &[u8], transpose: bool) -> Result<Mat64> {
    let lay = npy_layout(name, bytes, bytes.len())?;
    let mut data = &bytes[lay.start..];
    let io = |e: std::io::Error| Error::Input(format!("{name}: cannot read: {e}"));
    let mat = npy_into_mat(name, &lay, &mut data, transpose, &io)?;
    Ok(Mat64 {
        name: name.to_string(),
        mat,
    })
}

/// Reads a `.npy` file straight into f64 (transposed when `transpose`), streaming its data: the
/// header is read and checked against the file's length first, then the values are decoded a
/// band at a time into the matrix (no copy of the file is held).
pub fn read_npy_f64(path: &Path, transpose: bool) -> Result<Mat64> {
    use std::io::{Seek, SeekFrom};
    let name = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let total = f.metadata().map_err(|e| io_err(path, e))?.len();
    let mut prefix = Vec::new();
    f.by_ref()
        .take(12 + MAX_NPY_HEADER as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| io_err(path, e))?;
    let lay = npy_layout(&name, &prefix, usize::try_from(total).unwrap_or(usize::MAX))?;
    f.seek(SeekFrom::Start(lay.start as u64))
        .map_err(|e| io_err(path, e))?;
    let mut r = std::io::BufReader::with_capacity(0, f);
    let io = |e: std::io::Error| io_err(path, e);
    let mat = npy_into_mat(&name, &lay, &mut r, transpose, &io)?;
    Ok(Mat64 { name, mat })
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
    parse_safetensors(&path.display().to_string(), &bytes, layers)
}

/// The tensors to read: those named by `layers`, or every 2-D tensor in natural order of the
/// names (a bias tensor, or no 2-D tensor at all, is an error saying what the file holds).
fn tensor_names(
    file: &str,
    st: &safetensors::SafeTensors,
    layers: Option<&[String]>,
) -> Result<Vec<String>> {
    if let Some(l) = layers {
        return Ok(l.to_vec());
    }
    let mut n: Vec<String> = st
        .names()
        .into_iter()
        .filter(|n| st.tensor(n).is_ok_and(|t| t.shape().len() == 2))
        .cloned()
        .collect();
    if let Some(b) = st.names().into_iter().find(|n| n.ends_with("bias")) {
        return Err(Error::Input(format!(
            "{file}:{b}: a bias tensor; deep linear networks have no biases (export with bias=False, or pass --layers)"
        )));
    }
    if n.is_empty() {
        let mut held: Vec<String> = st
            .tensors()
            .into_iter()
            .map(|(name, t)| format!("'{name}' of shape {:?}", t.shape()))
            .collect();
        held.sort();
        let what = if held.is_empty() {
            "no tensors at all".to_string()
        } else {
            let more = held.len().saturating_sub(8);
            held.truncate(8);
            format!(
                "{}{}",
                held.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        return Err(Error::Input(format!(
            "{file}: no 2-D tensor (weight matrix) in the file; it holds {what}"
        )));
    }
    n.sort_by_key(|s| natural_key(s));
    Ok(n)
}

/// One tensor: its name for messages, shape (rows, cols), bytes per value and raw data.
fn tensor<'a>(
    file: &str,
    st: &'a safetensors::SafeTensors,
    n: &str,
) -> Result<(String, usize, usize, usize, &'a [u8])> {
    let name = format!("{file}:{n}");
    let t = st
        .tensor(n)
        .map_err(|_| Error::Input(format!("{name}: no such tensor in the file")))?;
    let (rows, cols) = shape2(&name, t.shape())?;
    let width = match t.dtype() {
        safetensors::Dtype::F64 => 8,
        safetensors::Dtype::F32 => 4,
        other => {
            return Err(Error::Input(format!(
                "{name}: dtype {other:?} is not supported (need F32 or F64)"
            )))
        }
    };
    Ok((name, rows, cols, width, t.data()))
}

fn deserialize<'a>(file: &str, bytes: &'a [u8]) -> Result<safetensors::SafeTensors<'a>> {
    safetensors::SafeTensors::deserialize(bytes)
        .map_err(|e| Error::Input(format!("{file}: not a safetensors file: {e}")))
}

/// Reads a `.safetensors` file's bytes (`file` names it in errors): the tensors named by
/// `layers`, or every 2-D tensor in natural order of the names.
pub fn parse_safetensors(
    file: &str,
    bytes: &[u8],
    layers: Option<&[String]>,
) -> Result<Vec<RawMatrix>> {
    let st = deserialize(file, bytes)?;
    tensor_names(file, &st, layers)?
        .iter()
        .map(|n| {
            let (name, rows, cols, width, raw) = tensor(file, &st, n)?;
            let mut v = vec![0.0; raw.len() / width];
            decode(&mut v, raw, width, false);
            RawMatrix::new(name, rows, cols, v.into_iter().map(Num::Float).collect())
        })
        .collect()
}

/// The names of every tensor in a `.safetensors` file, sorted.
pub fn safetensors_names(file: &str, bytes: &[u8]) -> Result<Vec<String>> {
    let st = deserialize(file, bytes)?;
    let mut names: Vec<String> = st.names().into_iter().cloned().collect();
    names.sort();
    Ok(names)
}

/// [`parse_safetensors`] straight into f64 (each tensor `(out, in)` as it is): the same checks
/// and messages, and NaN or infinities are errors naming the tensor and entry.
pub fn parse_safetensors_f64(
    file: &str,
    bytes: &[u8],
    layers: Option<&[String]>,
) -> Result<Vec<Mat64>> {
    let st = deserialize(file, bytes)?;
    tensor_names(file, &st, layers)?
        .iter()
        .map(|n| {
            let (name, rows, cols, width, raw) = tensor(file, &st, n)?;
            nonempty(&name, rows, cols)?;
            if rows.checked_mul(cols).and_then(|k| k.checked_mul(width)) != Some(raw.len()) {
                return Err(Error::Input(format!(
                    "{name}: shape ({rows}, {cols}) but {} entries",
                    raw.len() / width
                )));
            }
            let lay = NpyLayout {
                rows,
                cols,
                fortran: false,
                big_endian: false,
                width,
                start: 0,
            };
            let mut data = raw;
            let io = |e: std::io::Error| Error::Input(format!("{name}: cannot read: {e}"));
            let mat = npy_into_mat(&name, &lay, &mut data, false, &io)?;
            Ok(Mat64 { name, mat })
        })
        .collect()
}

fn json_matrix(name: &str, v: &serde_json::Value) -> Result<RawMatrix> {
    let (rows, cols, data) = json_rows(name, v, |x| {
        Ok(Num::Text(match x {
            serde_json::Value::String(t) => t.clone(),
            _ => x.to_string(),
        }))
    })?;
    RawMatrix::new(name.into(), rows, cols, data)
}

/// The rows of a JSON matrix (a list of equally long lists of numbers or number strings), each
/// entry through `cell` (given the string, or the JSON number's text); errors name the entry.
fn json_rows<T>(
    name: &str,
    v: &serde_json::Value,
    cell: impl Fn(&serde_json::Value) -> std::result::Result<T, String>,
) -> Result<(usize, usize, Vec<T>)> {
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
            if !(x.is_string() || x.is_number()) {
                return Err(bad(&format!("entry [{},{}] is not a number", i + 1, j + 1)));
            }
            data.push(cell(x).map_err(|e| bad(&format!("entry [{},{}]: {e}", i + 1, j + 1)))?);
        }
    }
    Ok((rows.len(), cols.unwrap_or(0), data))
}

/// One matrix, or a non-empty list of matrices (named `name[k]`), each read by `one`.
fn json_matrices<T>(
    name: &str,
    text: &str,
    one: impl Fn(&str, &serde_json::Value) -> Result<T>,
) -> Result<Vec<T>> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::Input(format!("{name}: not valid JSON: {e}")))?;
    let is_list_of_matrices = v
        .as_array()
        .and_then(|a| a.first())
        .and_then(|r| r.as_array())
        .and_then(|r| r.first())
        .is_some_and(|x| x.is_array());
    match v.as_array() {
        Some(list) if is_list_of_matrices => list
            .iter()
            .enumerate()
            .map(|(k, m)| one(&format!("{name}[{}]", k + 1), m))
            .collect(),
        _ => Ok(vec![one(name, &v)?]),
    }
}

/// A JSON file holds one matrix (list of rows) or a list of matrices. Numbers may be JSON
/// numbers or strings (`"1/3"`, `"0.35"`); JSON numbers are read through their decimal text.
fn read_json(path: &Path) -> Result<Vec<RawMatrix>> {
    let text = crate::io::read_text(path)?;
    parse_json_matrices(&path.display().to_string(), &text)
}

/// Reads JSON text (`name` names it in errors): one matrix, or a non-empty list of matrices.
pub fn parse_json_matrices(name: &str, text: &str) -> Result<Vec<RawMatrix>> {
    json_matrices(name, text, json_matrix)
}

/// CSV: one row per line, comma-separated; a first line that does not parse as numbers is a
/// header and skipped.
fn read_csv_matrix(path: &Path) -> Result<RawMatrix> {
    let text = crate::io::read_text(path)?;
    parse_csv_matrix(&path.display().to_string(), &text)
}

/// Reads CSV text (`name` names it in errors) as a matrix; see [`read_matrix`].
pub fn parse_csv_matrix(name: &str, text: &str) -> Result<RawMatrix> {
    let (rows, cols, data) = csv_rows(name, text, |f| {
        parse_input(f)?;
        Ok(Num::Text(f.to_string()))
    })?;
    RawMatrix::new(name.to_string(), rows, cols, data)
}

/// The rows of CSV text: comma-separated fields, blank lines skipped, a first line with a field
/// that is not a number a header; each field (trimmed) through `cell`. Errors name the line.
fn csv_rows<T>(
    name: &str,
    text: &str,
    cell: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<(usize, usize, Vec<T>)> {
    let mut data = Vec::new();
    let mut rows = 0;
    let mut cols = None;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if n == 0 && line.split(',').any(|f| parse_input(f.trim()).is_err()) {
            continue;
        }
        let width = line.split(',').count();
        if *cols.get_or_insert(width) != width {
            return Err(Error::Input(format!(
                "{name}: line {}: {width} fields, expected {}",
                n + 1,
                cols.unwrap_or(0)
            )));
        }
        for f in line.split(',') {
            data.push(
                cell(f.trim()).map_err(|e| Error::Input(format!("{name}: line {}: {e}", n + 1)))?,
            );
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(Error::Input(format!("{name}: no data rows")));
    }
    Ok((rows, cols.unwrap_or(0), data))
}

/// Decimal or fraction text as `f64`, rounded to nearest: the syntax and limits of
/// [`parse_input`] (its errors on anything else). A plain decimal (`-0.35`, `1e-3`, at most 40
/// digits and a 4-digit exponent) is converted directly by the standard library's correctly
/// rounded parser; anything else (`1/3`, long digit strings) through the exact rational, rounded
/// to nearest by exact comparison ([`nearest_f64`]). Either way the result is the nearest f64 (or ±infinity, which callers
/// refuse).
pub fn text_to_f64(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim();
    if plain_float(t.as_bytes()) {
        if let Ok(x) = t.parse::<f64>() {
            return Ok(x);
        }
    }
    let q = parse_input(t)?;
    Ok(nearest_f64(&q))
}

/// The f64 nearest to `q` (ties to even), by exact comparison of the candidates around
/// GMP's conversion toward zero (no MPFR float outside the checker's interval code).
fn nearest_f64(q: &Q) -> f64 {
    let t = q.to_f64();
    if !t.is_finite() {
        return t;
    }
    let dist = |c: f64| Q::from_f64(c).map(|v| Q::from(&v - q).abs());
    let mut best = t;
    let mut best_d = dist(t);
    for c in [t.next_up(), t.next_down()] {
        let d = dist(c);
        let better = match (&d, &best_d) {
            (Some(d), Some(b)) => d < b || (d == b && c.to_bits() & 1 == 0),
            (Some(_), None) => true,
            _ => false,
        };
        if better {
            best = c;
            best_d = d;
        }
    }
    best
}

/// `[+-]digits[.digits][(e|E)[+-]digits]`: 1 to 40 mantissa digits, 1 to 4 exponent digits.
fn plain_float(b: &[u8]) -> bool {
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if !(1..=40).contains(&n) {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !(1..=4).contains(&digits(&mut i)) {
            return false;
        }
    }
    i == b.len()
}

/// A row-major `rows × cols` vector as a [`Mat64`] (transposed when `transpose`), every entry
/// finite (else an error naming it).
fn row_major_mat(
    name: &str,
    rows: usize,
    cols: usize,
    v: &[f64],
    transpose: bool,
) -> Result<Mat64> {
    nonempty(name, rows, cols)?;
    if let Some(k) = v.iter().position(|x| !x.is_finite()) {
        return Err(not_finite(name, k / cols, k % cols, v[k]));
    }
    let mat = if transpose {
        Mat::from_fn(cols, rows, |j, i| v[i * cols + j])
    } else {
        Mat::from_fn(rows, cols, |i, j| v[i * cols + j])
    };
    Ok(Mat64 {
        name: name.to_string(),
        mat,
    })
}

/// [`parse_csv_matrix`] straight into f64 (transposed when `transpose`): the same header rule,
/// checks and messages; decimal text rounded to nearest ([`text_to_f64`]).
pub fn parse_csv_f64(name: &str, text: &str, transpose: bool) -> Result<Mat64> {
    let (rows, cols, data) = csv_rows(name, text, text_to_f64)?;
    row_major_mat(name, rows, cols, &data, transpose)
}

fn json_matrix_f64(name: &str, v: &serde_json::Value, transpose: bool) -> Result<Mat64> {
    let (rows, cols, data) = json_rows(name, v, |x| match x {
        serde_json::Value::String(t) => text_to_f64(t),
        // A JSON number is held as the f64 nearest to its text (as its shortest text reads
        // back), or as an integer, converted to nearest.
        _ => match x.as_f64() {
            Some(f) => Ok(f),
            None => text_to_f64(&x.to_string()),
        },
    })?;
    row_major_mat(name, rows, cols, &data, transpose)
}

/// [`parse_json_matrices`] straight into f64 (each matrix transposed when `transpose`).
pub fn parse_json_f64(name: &str, text: &str, transpose: bool) -> Result<Vec<Mat64>> {
    json_matrices(name, text, |n, v| json_matrix_f64(n, v, transpose))
}

/// [`read_weights`] straight into f64 (each `W_j` as `d_j × d_{j−1}`).
pub fn read_weights_f64(
    paths: &[std::path::PathBuf],
    layers: Option<&[String]>,
) -> Result<Vec<Mat64>> {
    let mut out = Vec::new();
    for p in paths {
        match ext(p).as_str() {
            "safetensors" => {
                let bytes = std::fs::read(p).map_err(|e| io_err(p, e))?;
                out.extend(parse_safetensors_f64(
                    &p.display().to_string(),
                    &bytes,
                    layers,
                )?)
            }
            "json" => {
                let text = crate::io::read_text(p)?;
                out.extend(parse_json_f64(&p.display().to_string(), &text, false)?)
            }
            _ => out.push(read_matrix_f64(p, false)?),
        }
    }
    if out.is_empty() {
        return Err(Error::Input("--weights: no weight matrices given".into()));
    }
    Ok(out)
}

/// [`read_matrix`] straight into f64, transposed when `transpose` (data files hold one row
/// per point; the f64 path wants one column per point).
pub fn read_matrix_f64(path: &Path, transpose: bool) -> Result<Mat64> {
    let name = path.display().to_string();
    match ext(path).as_str() {
        "npy" => read_npy_f64(path, transpose),
        "csv" => parse_csv_f64(&name, &crate::io::read_text(path)?, transpose),
        "json" => {
            let mut v = parse_json_f64(&name, &crate::io::read_text(path)?, transpose)?;
            if v.len() != 1 {
                return Err(Error::Input(format!(
                    "{name}: expected one matrix, found {}",
                    v.len()
                )));
            }
            Ok(v.remove(0))
        }
        other => Err(Error::Input(format!(
            "{name}: unknown file type '.{other}' (expected .npy, .safetensors, .json or .csv)"
        ))),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn text_to_f64_rounds_to_nearest() {
        assert_eq!(text_to_f64("1/3").unwrap(), 1.0 / 3.0);
        assert_eq!(text_to_f64("-2/3").unwrap(), -2.0 / 3.0);
        let long = format!("0.1{}1", "0".repeat(60));
        assert_eq!(text_to_f64(&long).unwrap(), 0.1);
        // Halfway between 1 and the next f64: ties to even (1).
        let half_ulp = Q::from(1) + Q::from(Q::from_f64(f64::EPSILON).unwrap() / 2u32);
        assert_eq!(nearest_f64(&half_ulp), 1.0);
    }

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
