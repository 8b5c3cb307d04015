//! Theorem 1 datasets as CSV text, read by one set of rules shared by the producer
//! (`critcert thm1` parses its `--data` file with [`parse_csv`]) and the checker (which parses a
//! certificate's embedded `problem.data.csv.text`, or the file given with `--data`, the same
//! way), and SHA-256, by which a certificate names its data file.
//!
//! The rules, stated for the second checker (`proofs/check_flint.py` implements them anew):
//!
//! - the text is UTF-8; it is split into lines at `\n`, and every `\r` at the end of a line is
//!   dropped; a line that is empty or all whitespace (Unicode `White_Space`, as Rust's
//!   `str::trim`) is skipped;
//! - the first remaining line is the header: fields separated by `,`, each with surrounding
//!   whitespace and then every leading and trailing `"` removed, are the column names (at least
//!   two, all different: a repeated name is ambiguous and refused); the target is the column
//!   named by the certificate's `target_name`, by default the last; the other columns, in
//!   order, are the inputs;
//! - every other line is a data point with exactly as many `,`-separated fields as the header;
//!   each field, with surrounding whitespace, then every leading and trailing `"`, then
//!   surrounding whitespace removed, is a number by [`parse_number`]; at least two points.

use crate::kernel::Q;
use rug::Integer;

/// Most digits of one number (in its numerator and in its denominator, each).
pub const MAX_DIGITS: usize = 10_000;

/// Largest decimal exponent accepted.
pub const MAX_EXPONENT: i64 = 10_000;

/// A parsed dataset: the inputs row by row, the targets, and each point's file line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Names of the input columns, in order.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// The inputs, one row of `dx` values per point.
    pub x: Vec<Vec<Q>>,
    /// The targets, one per point.
    pub y: Vec<Q>,
    /// The 1-based file line of each point.
    pub lines: Vec<usize>,
}

/// `s` cut to `max` characters (the producer's `error::clip`, so that both report alike).
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… ({} characters)", &s[..i], s.chars().count()),
    }
}

/// Parses CSV text by the rules of this module; `target` names the target column (default:
/// the last). Errors name the line and column.
pub fn parse_csv(text: &str, target: Option<&str>) -> Result<Table, String> {
    let mut x: Vec<Vec<Q>> = Vec::new();
    let mut y = Vec::new();
    let (feature_names, target_name, lines) = scan(text, target, |row, col, v| {
        let v = v.into_rational();
        match col {
            None => y.push(v),
            Some(0) => x.push(vec![v]),
            Some(_) => x[row].push(v),
        }
    })?;
    Ok(Table {
        feature_names,
        target_name,
        x,
        y,
        lines,
    })
}

/// One number of a data file: a plain decimal `n / 10^k` held in an `i64` (no heap), or any
/// other rational.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Number {
    /// `n / 10^k` with `k ≤ 18`.
    Plain(i64, u32),
    /// Anything else.
    Rational(Q),
}

impl Number {
    /// The exact value.
    pub fn into_rational(self) -> Q {
        match self {
            Number::Plain(n, k) => Q::from((n, 10i64.pow(k))),
            Number::Rational(q) => q,
        }
    }
}

/// A dataset held as integers over one common denominator `10^k` when every value is a plain
/// decimal that fits, or as rationals otherwise, column by column (`x[j]` is input column `j`):
/// no heap object per value in the first case, and each column is one vector, so the
/// producer's integer columns are these vectors themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cells {
    /// Every value is `n / 10^k`.
    Decimal {
        /// The exponent of the common denominator `10^k` (`k ≤ 18`).
        k: u32,
        /// The inputs' numerators, one vector per input column.
        x: Vec<Vec<i64>>,
        /// The targets' numerators.
        y: Vec<i64>,
    },
    /// The inputs (one vector per input column) and targets as rationals.
    Rational {
        /// The inputs, one vector per input column.
        x: Vec<Vec<Q>>,
        /// The targets.
        y: Vec<Q>,
    },
}

/// Collects values into [`Cells`]: integers over `10^k` while every value is a plain decimal
/// and the scaled numerators fit in `i64`, rationals from the first that does not.
struct CellBuilder {
    cells: Cells,
}

impl CellBuilder {
    /// Adds `v` to input column `col`, or to the targets for `None`.
    fn push(&mut self, col: Option<usize>, v: Number) {
        if let (Cells::Decimal { k, x, y }, Number::Plain(n, kv)) = (&mut self.cells, &v) {
            let (n, kv) = (*n, *kv);
            let mut fits = true;
            if kv > *k {
                let f = 10i64.pow(kv - *k);
                fits = x
                    .iter()
                    .flatten()
                    .chain(y.iter())
                    .all(|v| v.checked_mul(f).is_some());
                if fits {
                    x.iter_mut()
                        .flatten()
                        .chain(y.iter_mut())
                        .for_each(|v| *v *= f);
                    *k = kv;
                }
            }
            if fits {
                if let Some(n) = n.checked_mul(10i64.pow(*k - kv)) {
                    match col {
                        None => y.push(n),
                        Some(j) => {
                            if x.len() <= j {
                                x.resize_with(j + 1, Vec::new);
                            }
                            x[j].push(n)
                        }
                    }
                    return;
                }
            }
        }
        if let Cells::Decimal { k, x, y } = &self.cells {
            let d = 10i64.pow(*k);
            let q = |v: &Vec<i64>| v.iter().map(|&n| Q::from((n, d))).collect::<Vec<Q>>();
            self.cells = Cells::Rational {
                x: x.iter().map(q).collect(),
                y: q(y),
            };
        }
        if let Cells::Rational { x, y } = &mut self.cells {
            match col {
                None => y.push(v.into_rational()),
                Some(j) => {
                    if x.len() <= j {
                        x.resize_with(j + 1, Vec::new);
                    }
                    x[j].push(v.into_rational())
                }
            }
        }
    }
}

/// The result of [`parse_csv_cells`]: input names, target name, each point's file line, cells.
pub type ParsedCells = (Vec<String>, String, Vec<usize>, Cells);

/// Parses CSV text as [`parse_csv`] does, into [`Cells`] (the checker's form, and the
/// producer's for Theorem 1).
pub fn parse_csv_cells(text: &str, target: Option<&str>) -> Result<ParsedCells, String> {
    let mut b = CellBuilder {
        cells: Cells::Decimal {
            k: 0,
            x: Vec::new(),
            y: Vec::new(),
        },
    };
    let (names, target_name, lines) = scan(text, target, |_, col, v| b.push(col, v))?;
    Ok((names, target_name, lines, b.cells))
}

/// The parser: calls `each(point, input column or None for the target, value)` for every
/// value in file order and returns the input names, the target name and the points' lines.
fn scan(
    text: &str,
    target: Option<&str>,
    each: impl FnMut(usize, Option<usize>, Number),
) -> Result<(Vec<String>, String, Vec<usize>), String> {
    let mut scanner = Scanner::new(target, each);
    for (i, line) in text.split('\n').enumerate() {
        scanner.line(i + 1, line)?;
    }
    scanner.finish()
}

/// [`scan`] one line at a time (the lines as `text.split('\n')` gives them, numbered from 1).
struct Scanner<'t, F> {
    target: Option<&'t str>,
    each: F,
    /// The column names and the target's column, once the header is read.
    header: Option<(Vec<String>, usize)>,
    line_numbers: Vec<usize>,
}

impl<'t, F: FnMut(usize, Option<usize>, Number)> Scanner<'t, F> {
    fn new(target: Option<&'t str>, each: F) -> Self {
        Scanner {
            target,
            each,
            header: None,
            line_numbers: Vec::new(),
        }
    }

    fn line(&mut self, line_no: usize, line: &str) -> Result<(), String> {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some((names, target_col)) = &self.header else {
            self.header = Some(header(line, self.target)?);
            return Ok(());
        };
        let count = line.split(',').count();
        if count != names.len() {
            return Err(format!(
                "line {line_no}: {count} fields, but the header has {} columns",
                names.len()
            ));
        }
        let point = self.line_numbers.len();
        for (col, field) in line.split(',').enumerate() {
            let value = parse_field(field.trim().trim_matches('"')).map_err(|e| {
                format!(
                    "line {line_no}, column {} ('{}'): {e}",
                    col + 1,
                    clip(&names[col], 40)
                )
            })?;
            let input = match col.cmp(target_col) {
                std::cmp::Ordering::Less => Some(col),
                std::cmp::Ordering::Equal => None,
                std::cmp::Ordering::Greater => Some(col - 1),
            };
            (self.each)(point, input, value);
        }
        self.line_numbers.push(line_no);
        Ok(())
    }

    fn finish(self) -> Result<(Vec<String>, String, Vec<usize>), String> {
        let (mut feature_names, target_col) = self
            .header
            .ok_or("empty file (expected a header line and at least two data rows)")?;
        if self.line_numbers.len() < 2 {
            return Err(format!(
                "{} data row(s); need at least two",
                self.line_numbers.len()
            ));
        }
        let target_name = feature_names.remove(target_col);
        Ok((feature_names, target_name, self.line_numbers))
    }
}

/// The header line: the column names and the target's column.
fn header(line: &str, target: Option<&str>) -> Result<(Vec<String>, usize), String> {
    let names: Vec<String> = line
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    if names.len() < 2 {
        return Err(format!(
            "line 1: the header has {} column; need at least one input column and a target",
            names.len()
        ));
    }
    for (j, n) in names.iter().enumerate() {
        if let Some(k) = names[..j].iter().position(|m| m == n) {
            return Err(format!(
                "line 1: columns {} and {} are both named '{}': ambiguous",
                k + 1,
                j + 1,
                clip(n, 40)
            ));
        }
    }
    let target_col = match target {
        None => names.len() - 1,
        Some(t) => names.iter().position(|n| n == t).ok_or_else(|| {
            format!(
                "no column named '{}' (columns: {})",
                clip(t, 40),
                clip(&names.join(", "), 200)
            )
        })?,
    };
    Ok((names, target_col))
}

/// A data file read as a stream: its SHA-256 and length, whether it is UTF-8, and its cells by
/// [`parse_csv_cells`] (meaningful only when it is UTF-8).
pub struct StreamedCsv {
    /// SHA-256 of the bytes, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// The number of bytes.
    pub bytes: u64,
    /// Whether the bytes are UTF-8.
    pub utf8: bool,
    /// The parse, as [`parse_csv_cells`] of the text.
    pub cells: Result<ParsedCells, String>,
}

/// Reads a data file from `reader` without holding its text: hashes every byte, splits the
/// lines at `\n` and gives each to the parser of [`parse_csv_cells`] (a line is UTF-8 on its
/// own exactly when the text is: `\n` is never part of a longer UTF-8 sequence). After a parse
/// error or a line that is not UTF-8 it only hashes the rest. With a `limit`, reading stops as
/// soon as more than `limit` bytes have come (the result then has `bytes > limit`, the hash of
/// what was read and a parse error): a file longer than a certificate says costs no more work
/// than one of the stated size.
pub fn read_csv_cells(
    mut reader: impl std::io::Read,
    target: Option<&str>,
    limit: Option<u64>,
) -> std::io::Result<StreamedCsv> {
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    let mut utf8 = true;
    let mut error = None;
    let mut b = CellBuilder {
        cells: Cells::Decimal {
            k: 0,
            x: Vec::new(),
            y: Vec::new(),
        },
    };
    let mut scanner = Scanner::new(target, |_, col, v| b.push(col, v));
    let mut feed = |line: &[u8], line_no: usize| match std::str::from_utf8(line) {
        Err(_) => utf8 = false,
        Ok(l) if utf8 && error.is_none() => error = scanner.line(line_no, l).err(),
        Ok(_) => {}
    };
    let mut buffer = vec![0u8; 1 << 16];
    let mut pending = Vec::new();
    let mut line_no = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hash.update(&buffer[..n]);
        bytes += n as u64;
        if let Some(l) = limit.filter(|&l| bytes > l) {
            return Ok(StreamedCsv {
                sha256: hash.finish(),
                bytes,
                utf8,
                cells: Err(format!("more than {l} bytes")),
            });
        }
        let mut rest = &buffer[..n];
        while let Some(p) = rest.iter().position(|&c| c == b'\n') {
            pending.extend_from_slice(&rest[..p]);
            rest = &rest[p + 1..];
            line_no += 1;
            feed(&pending, line_no);
            pending.clear();
        }
        pending.extend_from_slice(rest);
    }
    feed(&pending, line_no + 1);
    let cells = match error {
        Some(e) => Err(e),
        None => scanner
            .finish()
            .map(|(names, target_name, lines)| (names, target_name, lines, b.cells)),
    };
    Ok(StreamedCsv {
        sha256: hash.finish(),
        bytes,
        utf8,
        cells,
    })
}

/// [`parse_number`], keeping a plain decimal of at most 18 digits as `n / 10^k`.
pub fn parse_field(text: &str) -> Result<Number, String> {
    let t = text.trim();
    if let Some((n, k)) = plain_parts(t) {
        return Ok(Number::Plain(n, k));
    }
    parse_number(t).map(Number::Rational)
}

/// Parses one number of a data file exactly: a decimal (optional sign `+`/`-`, digits with at
/// most one `.` and at least one digit, optional exponent `e`/`E` with an optional sign and 1 to
/// 6 digits, at most ±10000) or a fraction `a/b` of two such decimals (each trimmed of
/// whitespace; `b ≠ 0`); at most 10,000 digits in the mantissa of each side. NaN, infinities and
/// empty text are errors.
pub fn parse_number(text: &str) -> Result<Q, String> {
    let t = text.trim();
    for part in t.splitn(2, '/') {
        let mantissa = part.split(['e', 'E']).next().unwrap_or("");
        let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
        if digits > MAX_DIGITS {
            let shown: String = t.chars().take(20).collect();
            return Err(format!(
                "'{shown}…' has {digits} digits, more than the {MAX_DIGITS} allowed for one number"
            ));
        }
    }
    parse_fraction(t)
}

/// A decimal (`12`, `-0.35`, `1e-3`, `.5`, `2.5E+2`; exponents within ±[`MAX_EXPONENT`]) or a
/// fraction of two (`1/100`, `0.5/3`), exactly, with no bound on the digits ([`parse_number`]
/// adds one). NaN, infinities, empty text and a zero denominator are errors naming the text.
pub fn parse_fraction(text: &str) -> Result<Q, String> {
    let t = text.trim();
    if let Some((num, den)) = t.split_once('/') {
        let n = parse_decimal(num.trim())?;
        let d = parse_decimal(den.trim())?;
        if d == 0 {
            return Err(format!("'{}' has a zero denominator", clip(t, 40)));
        }
        Ok(n / d)
    } else {
        parse_decimal(t)
    }
}

/// A plain decimal (`-12.345`, no exponent) of at most 18 digits, read into an `i64` over a
/// power of ten; `None` for anything else (the general path then decides).
fn plain_decimal(t: &str) -> Option<Q> {
    plain_parts(t).map(|(n, k)| Q::from((n, 10i64.pow(k))))
}

/// [`plain_decimal`] as `(n, k)` with the value `n / 10^k`.
fn plain_parts(t: &str) -> Option<(i64, u32)> {
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let digits = int_part.len() + frac_part.len();
    if digits == 0 || digits > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((if negative { -n } else { n }, frac_part.len() as u32))
}

fn parse_decimal(t: &str) -> Result<Q, String> {
    if let Some(q) = plain_decimal(t) {
        return Ok(q);
    }
    let shown = clip(t, 40);
    let bad = || {
        format!("'{shown}' is not a number (expected a decimal such as -0.35, 1e-3 or 12, or a fraction p/q)")
    };
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "nan" | "inf" | "infinity") {
        return Err(format!(
            "'{shown}' is not a finite number (NaN and infinities are not allowed)"
        ));
    }
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = &body[i + 1..];
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6
            {
                return Err(bad());
            }
            (&body[..i], e.parse::<i64>().map_err(|_| bad())?)
        }
        None => (body, 0),
    };
    if exponent.abs() > MAX_EXPONENT {
        return Err(format!("'{shown}' has an exponent beyond ±{MAX_EXPONENT}"));
    }
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let digits = format!("{int_part}{frac_part}");
    let mut value = Integer::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 10)
        .map_err(|_| bad())?;
    if negative {
        value = -value;
    }
    let scale = exponent - frac_part.len() as i64;
    let power = Integer::from(Integer::u_pow_u(10, scale.unsigned_abs() as u32));
    Ok(if scale >= 0 {
        Q::from(value * power)
    } else {
        Q::from((value, power))
    })
}

/// The SHA-256 round constants (FIPS 180-4).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 (FIPS 180-4) fed in pieces.
pub struct Sha256 {
    h: [u32; 8],
    /// The bytes of an incomplete block.
    block: Vec<u8>,
    /// The number of bytes fed.
    length: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256::new()
    }
}

impl Sha256 {
    /// The hash of nothing yet.
    pub fn new() -> Sha256 {
        Sha256 {
            h: [
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                0x5be0cd19,
            ],
            block: Vec::with_capacity(64),
            length: 0,
        }
    }

    fn compress(&mut self, block: &[u8]) {
        let mut w = [0u32; 64];
        for (i, c) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = self.h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in self.h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.length = self.length.wrapping_add(bytes.len() as u64);
        if !self.block.is_empty() {
            let take = bytes.len().min(64 - self.block.len());
            self.block.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.block.len() < 64 {
                return;
            }
            let block = std::mem::take(&mut self.block);
            self.compress(&block);
        }
        let mut chunks = bytes.chunks_exact(64);
        for block in &mut chunks {
            self.compress(block);
        }
        self.block.extend_from_slice(chunks.remainder());
    }

    /// The digest, as 64 lowercase hexadecimal digits.
    pub fn finish(mut self) -> String {
        let mut tail = std::mem::take(&mut self.block);
        tail.push(0x80);
        while tail.len() % 64 != 56 {
            tail.push(0);
        }
        tail.extend_from_slice(&self.length.wrapping_mul(8).to_be_bytes());
        for block in tail.chunks_exact(64) {
            self.compress(block);
        }
        self.h.iter().map(|x| format!("{x:08x}")).collect()
    }
}

/// The SHA-256 digest of `bytes` (FIPS 180-4), as 64 lowercase hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {

    #[test]
    fn repeated_column_names_are_refused() {
        for text in ["y,a,y\n1,2,3\n4,5,6\n", "a,a,y\n1,2,3\n4,5,6\n"] {
            let e = parse_csv_cells(text, None).unwrap_err();
            assert!(e.contains("ambiguous"), "{e}");
        }
    }

    use super::*;

    /// A reader that gives at most `step` bytes a call.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streamed_reading_equals_reading_the_whole_text() {
        let long: String = (0..5000)
            .map(|i| format!("{i}.5,{},-{i}\n", i % 7))
            .collect();
        let texts = [
            "\"a\", b ,y\r\n\n  \n-0.35,\" 1e-3 \",12\r\r\n1/2,+2.,.5e1".to_string(),
            "a,y\n1.5,-2\n1/3,3\n".into(),
            "a,y\n1,2\n3,4,5\n".into(),
            "a,a,y\n1,2,3\n4,5,6\n".into(),
            "a,y\n1,2\n".into(),
            "".into(),
            "\n\n".into(),
            format!("a,b,y\n{long}"),
            format!("a,b,y\n{long}1,2,x\n{long}"),
        ];
        for text in &texts {
            for step in [1, 3, 64, 1 << 20] {
                let r = read_csv_cells(Trickle(text.as_bytes(), step), Some("y"), None).unwrap();
                assert_eq!(r.sha256, sha256_hex(text.as_bytes()), "{text:?}");
                assert_eq!(r.bytes, text.len() as u64);
                assert!(r.utf8);
                assert_eq!(r.cells, parse_csv_cells(text, Some("y")), "{text:?} {step}");
            }
        }
        let mut bad = b"a,y\n1,2\n3,4\n".to_vec();
        bad.extend_from_slice(&[0xff, b'\n']);
        let r = read_csv_cells(Trickle(&bad, 5), None, None).unwrap();
        assert!(!r.utf8);
        assert_eq!(r.sha256, sha256_hex(&bad));
    }

    #[test]
    fn a_limit_stops_reading_a_longer_file() {
        // An endless reader of digits: stopped just past the limit, never parsed further.
        struct Endless;
        impl std::io::Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(b'1');
                Ok(buf.len())
            }
        }
        let r = read_csv_cells(Endless, None, Some(1000)).unwrap();
        assert!(r.bytes > 1000 && r.bytes <= 1000 + (1 << 16), "{}", r.bytes);
        assert!(r.cells.is_err());
        // A file of exactly the limit reads as without one.
        let text = "a,y\n1,2\n";
        let r = read_csv_cells(
            Trickle(text.as_bytes(), 3),
            Some("y"),
            Some(text.len() as u64),
        );
        assert_eq!(r.unwrap().cells, parse_csv_cells(text, Some("y")));
    }

    #[test]
    fn sha256_fed_in_pieces_equals_sha256_at_once() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        for n in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000] {
            for step in [1, 7, 63, 64, 65, 200] {
                let mut h = Sha256::new();
                for piece in data[..n].chunks(step) {
                    h.update(piece);
                }
                assert_eq!(h.finish(), sha256_hex(&data[..n]), "{n} {step}");
            }
        }
    }

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let million = vec![b'a'; 1_000_000];
        assert_eq!(
            sha256_hex(&million),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn cells_are_integers_over_a_power_of_ten_until_a_value_is_not_a_plain_decimal() {
        let (_, _, _, c) = parse_csv_cells("a,y\n1.5,-2\n0.25,3\n", None).unwrap();
        assert_eq!(
            c,
            Cells::Decimal {
                k: 2,
                x: vec![vec![150, 25]],
                y: vec![-200, 300]
            }
        );
        let q = |n: i64, d: i64| Q::from((n, d));
        for text in [
            "a,y\n1.5,-2\n1/3,3\n",
            "a,y\n1.5,-2\n1e-1,3\n",
            "a,y\n1.5,-2\n922337203685477581,3\n",
        ] {
            let (_, _, _, c) = parse_csv_cells(text, None).unwrap();
            let Cells::Rational { x, y } = c else {
                panic!("{text}")
            };
            assert_eq!(x[0][0], q(3, 2), "{text}");
            assert_eq!(y, vec![q(-2, 1), q(3, 1)], "{text}");
            assert_eq!(x[0][1], parse_csv(text, None).unwrap().x[1][0], "{text}");
        }
        // A switch to rationals in the middle of a row, with the target between two inputs.
        let text = "a,y,b\n1.5,-2,3\n1/3,3,0.5\n7,8,9\n";
        let (_, _, _, c) = parse_csv_cells(text, Some("y")).unwrap();
        let t = parse_csv(text, Some("y")).unwrap();
        let Cells::Rational { x, y } = c else {
            panic!("{text}")
        };
        assert_eq!(y, t.y);
        for (i, row) in t.x.iter().enumerate() {
            assert_eq!(*row, vec![x[0][i].clone(), x[1][i].clone()]);
        }
    }

    #[test]
    fn csv_rules() {
        let t = parse_csv(
            "\"a\", b ,y\r\n\n  \n-0.35,\" 1e-3 \",12\r\r\n1/2,+2.,.5e1\n",
            None,
        )
        .unwrap();
        assert_eq!(t.feature_names, vec!["a", "b"]);
        assert_eq!(t.x[0], vec![Q::from((-7, 20)), Q::from((1, 1000))]);
        assert_eq!(t.x[1], vec![Q::from((1, 2)), Q::from(2)]);
        assert_eq!(t.y, vec![Q::from(12), Q::from(5)]);
        assert_eq!(t.lines, vec![4, 5]);
        let t = parse_csv("a,b,y\n1,2,3\n4,5,6\n", Some("a")).unwrap();
        assert_eq!(t.feature_names, vec!["b", "y"]);
        assert_eq!(t.y, vec![Q::from(1), Q::from(4)]);
        for bad in [
            "1..2",
            "--1",
            "1e",
            "1e1234567",
            "nan",
            "-inf",
            "1/0",
            "",
            ".",
            "0x1",
            "1 2",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        assert!(parse_csv("a,y\n1,2\n3,4,5\n", None)
            .unwrap_err()
            .contains("line 3: 3 fields"));
    }
}
