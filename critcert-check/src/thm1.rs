//! Certificate kind `relu-like-spurious-minimum` (Theorem 1): a one-hidden-layer network with
//! a ReLU-like activation `h̄(z) = max(s+ z, 0) + min(s− z, 0)` has a local minimum, on an
//! explicit region, whose loss is the least-squares loss, and a point with strictly smaller
//! loss, so the minimum is spurious; positive homogeneity gives infinitely many such minima.
//! Produced by `critcert thm1` (`src/theorems/thm1.rs`); `check_thm1` in `proofs/check_flint.py`.

use super::kernel::{q, q_mat, q_vec, require_len, Q};
use super::{parse_typed, require_claims, unknown_claim, verify_claims, CheckReport, Claim};
use crate::error::{Error, Result};
use rug::Integer;
use serde::{Deserialize, Serialize};

/// The kind name.
pub const KIND: &str = "relu-like-spurious-minimum";

/// The activation `h̄_{s+,s−}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReluLike {
    /// Always `"relu-like"`.
    pub name: String,
    /// The slope `s+ > 0` on the positive side.
    pub s_plus: String,
    /// The slope `s− ≥ 0` on the negative side.
    pub s_minus: String,
}

/// The dataset, in one of two forms: restated value by value (`x`, `y`), or as the CSV file it
/// was read from (`csv`: its text embedded, or named by SHA-256 only).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// Input column names.
    pub feature_names: Vec<String>,
    /// Target column name.
    pub target_name: String,
    /// The inputs, `m` rows of `dx` rationals (the restated form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Vec<Vec<String>>>,
    /// The targets, `m` rationals (the restated form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Vec<String>>,
    /// The CSV file (the file form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvFile>,
}

impl Data {
    /// The number of points `m` the certificate states.
    pub fn points(&self) -> usize {
        match (&self.y, &self.csv) {
            (Some(y), _) => y.len(),
            (None, Some(c)) => c.points,
            (None, None) => 0,
        }
    }
}

/// A CSV data file, read by the rules of [`crate::data`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CsvFile {
    /// The file's name when the certificate was made (informational).
    pub file: String,
    /// SHA-256 of the file's bytes: 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// The file's length in bytes.
    pub bytes: u64,
    /// The number of data points `m` (data lines).
    pub points: usize,
    /// The file's text, exactly (absent: the checker is given the file, `--data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A data file given to the checker for a certificate that names its data by hash. The
/// checker reads it as a stream (hashing and parsing line by line), never holding its text.
#[derive(Clone, Copy, Debug)]
pub struct DataFile<'a> {
    /// How to name the file in messages (its path).
    pub name: &'a str,
    /// Where to read it.
    pub path: &'a std::path::Path,
}

impl DataFile<'_> {
    /// Reads, hashes and parses the file ([`crate::data::read_csv_cells`]), at most `limit`
    /// bytes of it.
    fn read(&self, target: Option<&str>, limit: u64) -> Result<crate::data::StreamedCsv> {
        std::fs::File::open(self.path)
            .and_then(|f| crate::data::read_csv_cells(f, target, Some(limit)))
            .map_err(|e| Error::Input(format!("{}: cannot read: {e}", self.name)))
    }
}

/// The problem: data, activation and hidden width `d1` (with `dy = 1`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The activation.
    pub activation: ReluLike,
    /// Hidden width `d1`.
    pub width: usize,
    /// The data.
    pub data: Data,
}

/// Parameters of a one-hidden-layer network with `dy = 1`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// `W1`, `d1 × dx`.
    #[serde(rename = "W1")]
    pub w1: Vec<Vec<String>>,
    /// `b1`, `d1`.
    pub b1: Vec<String>,
    /// `W2`, `1 × d1`.
    #[serde(rename = "W2")]
    pub w2: Vec<Vec<String>>,
    /// `b2`, `1`.
    pub b2: Vec<String>,
}

/// How the better point was built. Informational: the checker parses it but no claim rests on
/// it (it evaluates the better point's loss directly).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Construction {
    /// `J-nonempty` (proofs/MATH.md §1.3, Step 2) or `J-empty` (proofs/MATH.md Appendix A).
    pub case: String,
    /// The split level β.
    pub beta: String,
    /// The shift γ.
    pub gamma: String,
    /// For `J-empty`: the perturbation `αv` applied to `W̄[1..dx]` to break the tie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie_break: Option<Vec<String>>,
}

/// The witness.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// `W̄ = [w_1 … w_dx, bias]`, a least-squares solution.
    pub least_squares: Vec<String>,
    /// The scale α of the minimum (the family parameter).
    pub alpha: String,
    /// The local minimum `θ̂`.
    pub minimum: Point,
    /// The radius ρ of the region `‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ` (any `W2`, `b2`).
    pub radius: String,
    /// A point with strictly smaller loss.
    pub better_point: Point,
    /// How the better point was found (informational).
    pub construction: Construction,
}

/// A `relu-like-spurious-minimum` certificate.
pub type Cert = super::Certificate<Problem, Witness>;

/// The canonical claims of this kind, in order.
pub fn claims() -> Vec<Claim> {
    let c = |id: &str, s: &str| Claim {
        id: id.into(),
        statement: s.into(),
    };
    vec![
        c("normal-equations", "W̄ is a least-squares solution: (W̄X̃ − Y)X̃ᵀ = 0 exactly, so ℓ0(W̄) is the minimum loss of any affine model"),
        c("minimum-output", "the network at the minimum outputs exactly W̄X̃, so its loss is ℓ0(W̄)"),
        c("local-minimum-region", "every hidden pre-activation at the minimum is at least μ > 0 and ρ(1 + max_i ‖x_i‖₁) ≤ μ, so on the region ‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ (any W2, b2) the network is affine in x and its loss is at least ℓ0(W̄): the minimum is a local minimum"),
        c("infinitely-many-minima", "(W1, b1) ≠ 0 at the minimum, so by positive homogeneity of h̄ the points (tŴ1, tb̂1, Ŵ2/t, b̂2), t > 0, are distinct local minima with the same loss (region radius tρ)"),
        c("strictly-better-point", "the better point has loss strictly below ℓ0(W̄), so the minimum is not global: it is a spurious local minimum"),
    ]
}

/// The checker's view of the activation.
struct Slopes {
    plus: Q,
    minus: Q,
}

/// The data over one common denominator `scale`: the augmented inputs `[x_i, 1]` are
/// `rows[i] / scale` and the targets `targets[i] / scale`. Every check below is then integer
/// arithmetic, with one rational normalisation per reported number (normalising each
/// intermediate sum of large rationals costs a gcd per addition). The checks run point by
/// point and keep only sums and extrema: no number is held per point beyond the data.
struct ScaledData {
    rows: Rows,
    targets: Targets,
    scale: Integer,
}

/// The augmented input rows `[x_i·scale, scale]`: the inputs in `i64`, one vector per column,
/// when every entry fits (plain decimals, read without a heap object per value; the last
/// entry, `scale`, is not stored), GMP integer rows otherwise.
enum Rows {
    Small { cols: Vec<Vec<i64>>, scale: i64 },
    Big(Vec<Vec<Integer>>),
}

impl Rows {
    /// `Σ_j u[j]·row_i[j]`.
    fn dot(&self, i: usize, u: &[Integer]) -> Integer {
        match self {
            Rows::Small { cols, scale } => {
                let mut s = Integer::from(&u[cols.len()] * *scale);
                for (a, c) in u.iter().zip(cols) {
                    s += a * c[i];
                }
                s
            }
            Rows::Big(r) => idot(u, &r[i]),
        }
    }

    /// `acc[j] += c·row_i[j]` for every `j`.
    fn add_multiple(&self, i: usize, c: &Integer, acc: &mut [Integer]) {
        match self {
            Rows::Small { cols, scale } => {
                for (a, col) in acc.iter_mut().zip(cols) {
                    *a += c * col[i];
                }
                acc[cols.len()] += c * *scale;
            }
            Rows::Big(r) => {
                for (a, b) in acc.iter_mut().zip(&r[i]) {
                    *a += c * b;
                }
            }
        }
    }

    /// `Σ_{j < dx} |row_i[j]|` (the inputs, without the bias entry).
    fn abs_sum(&self, i: usize) -> Integer {
        match self {
            Rows::Small { cols, .. } => cols
                .iter()
                .map(|c| Integer::from(c[i].unsigned_abs()))
                .sum(),
            Rows::Big(r) => r[i][..r[i].len() - 1]
                .iter()
                .map(|v| Integer::from(v.abs_ref()))
                .sum(),
        }
    }
}

/// The targets `targets[i] / scale`: `i64` when the rows are, GMP integers otherwise.
enum Targets {
    Small(Vec<i64>),
    Big(Vec<Integer>),
}

impl Targets {
    fn len(&self) -> usize {
        match self {
            Targets::Small(v) => v.len(),
            Targets::Big(v) => v.len(),
        }
    }

    /// `c·targets[i]`.
    fn times(&self, i: usize, c: &Integer) -> Integer {
        match self {
            Targets::Small(v) => Integer::from(c * v[i]),
            Targets::Big(v) => Integer::from(c * &v[i]),
        }
    }
}

/// The most bits the data's common denominator may have. Plain decimals need few (`10^k`);
/// unrelated long denominators would make every scaled entry as long as their product, and the
/// check's memory grow with it, so such data is rejected rather than worked through.
pub const MAX_SCALE_BITS: u32 = 4096;

impl ScaledData {
    fn new(xs: &[Vec<Q>], ys: &[Q]) -> Result<ScaledData> {
        let mut scale = Integer::from(1);
        for v in xs.iter().flatten().chain(ys) {
            scale.lcm_mut(v.denom());
            if scale.significant_bits() > MAX_SCALE_BITS {
                return Err(Error::rejected(format!(
                    "problem.data: the common denominator of the data exceeds {MAX_SCALE_BITS} bits"
                )));
            }
        }
        let int = |v: &Q| Integer::from(&scale / v.denom()) * v.numer();
        let rows = xs
            .iter()
            .map(|x| x.iter().map(int).chain([scale.clone()]).collect())
            .collect();
        Ok(ScaledData {
            rows: Rows::Big(rows),
            targets: Targets::Big(ys.iter().map(int).collect()),
            scale,
        })
    }

    /// Data read as integers over `10^k` (one vector per input column).
    fn decimal(k: u32, x: Vec<Vec<i64>>, y: Vec<i64>) -> ScaledData {
        let scale = 10i64.pow(k);
        ScaledData {
            rows: Rows::Small { cols: x, scale },
            targets: Targets::Small(y),
            scale: Integer::from(scale),
        }
    }

    /// The number of points.
    fn len(&self) -> usize {
        self.targets.len()
    }
}

/// The integer dot product.
fn idot(a: &[Integer], b: &[Integer]) -> Integer {
    let mut s = Integer::new();
    for (x, y) in a.iter().zip(b) {
        s += x * y;
    }
    s
}

/// A parsed network point. Hidden unit k is the row `[W1[k,:], b1[k]]` written as
/// `units[k] / unit_dens[k]`, so its pre-activation at data row i is
/// `idot(units[k], rows[i]) / (unit_dens[k] · scale)`.
struct Net {
    units: Vec<Vec<Integer>>,
    unit_dens: Vec<Integer>,
    w1_b1_nonzero: bool,
    w2: Vec<Q>,
    b2: Q,
}

impl Net {
    fn parse(what: &str, p: &Point, d1: usize, dx: usize) -> Result<Net> {
        let w1 = q_mat(&format!("{what}.W1"), &p.w1, d1, dx)?;
        require_len(&format!("{what}.b1"), &p.b1, d1)?;
        let b1 = q_vec(&format!("{what}.b1"), &p.b1)?;
        let w2 = q_mat(&format!("{what}.W2"), &p.w2, 1, d1)?.remove(0);
        require_len(&format!("{what}.b2"), &p.b2, 1)?;
        let b2 = q_vec(&format!("{what}.b2"), &p.b2)?.remove(0);
        let w1_b1_nonzero = w1.iter().flatten().chain(&b1).any(|v| *v != 0);
        let (units, unit_dens) = w1
            .into_iter()
            .zip(b1)
            .map(|(mut row, b)| {
                row.push(b);
                let den = row.iter().fold(Integer::from(1), |l, v| l.lcm(v.denom()));
                let num = row
                    .iter()
                    .map(|v| Integer::from(&den / v.denom()) * v.numer())
                    .collect();
                (num, den)
            })
            .unzip();
        Ok(Net {
            units,
            unit_dens,
            w1_b1_nonzero,
            w2,
            b2,
        })
    }

    /// The outputs at the data points as integer numerators over one denominator: returns the
    /// coefficients for [`Net::output`] and that denominator.
    ///
    /// `ŷ = b2 + Σ_k W2[k]·h̄(z_k)` and `h̄(z) = s±·z` by the sign of `z`, so with
    /// `c±_k = W2[k]·s± / (unit_dens[k]·scale)` the output is `b2 + Σ_k c±_k · Z_k` for the
    /// integer pre-activation numerators `Z_k`: writing the `c±_k` and `b2` over one common
    /// denominator makes every output an integer numerator over that denominator.
    fn output_coefficients(&self, h: &Slopes, data: &ScaledData) -> (Vec<Integer>, Integer) {
        let d1 = self.w2.len();
        let coef = |slope: &Q, k: usize| {
            Q::from(&self.w2[k] * slope) / Integer::from(&self.unit_dens[k] * &data.scale)
        };
        let mut constants: Vec<Q> = (0..d1).map(|k| coef(&h.plus, k)).collect();
        constants.extend((0..d1).map(|k| coef(&h.minus, k)));
        constants.push(self.b2.clone());
        let den = constants
            .iter()
            .fold(Integer::from(1), |l, v| l.lcm(v.denom()));
        let c = constants
            .iter()
            .map(|v| Integer::from(&den / v.denom()) * v.numer())
            .collect();
        (c, den)
    }

    /// The output numerator at data point `i`, with `c` from [`Net::output_coefficients`].
    fn output(&self, c: &[Integer], data: &ScaledData, i: usize) -> Integer {
        let d1 = self.w2.len();
        let mut out = c[2 * d1].clone();
        for (k, u) in self.units.iter().enumerate() {
            let z = data.rows.dot(i, u);
            out += if z >= 0 { &c[k] } else { &c[d1 + k] } * z;
        }
        out
    }

    /// The exact loss `½ Σ_i (ŷ_i − y_i)²`.
    fn loss(&self, h: &Slopes, data: &ScaledData) -> Q {
        let (c, den) = self.output_coefficients(h, data);
        let mut sum = Integer::new();
        for i in 0..data.len() {
            // ŷ_i − y_i = (O_i·scale − den·T_i) / (den·scale)
            let error = self.output(&c, data, i) * &data.scale - data.targets.times(i, &den);
            sum += error.square();
        }
        Q::from((sum, Integer::from(&den * &data.scale).square() * 2u32))
    }
}

/// Checks a `relu-like-spurious-minimum` certificate (its data embedded or restated).
pub fn check(value: serde_json::Value) -> Result<CheckReport> {
    check_with(value, None)
}

/// The data of a certificate as rationals, after the checks of its `csv` form: the file's
/// SHA-256 and length, then its header and number of points against the certificate's.
fn read_data(d: &Data, file: Option<DataFile>) -> Result<ScaledData> {
    let dx = d.feature_names.len();
    let c = match (&d.x, &d.y, &d.csv) {
        (Some(x), Some(y), None) => {
            let m = y.len();
            if m < 2 || dx == 0 {
                return Err(Error::rejected(
                    "problem: need at least two points, one input column and one hidden unit"
                        .into(),
                ));
            }
            if file.is_some() {
                return Err(Error::Input(
                    "--data: this certificate restates its data value by value and names no data file".into(),
                ));
            }
            return ScaledData::new(
                &q_mat("problem.data.x", x, m, dx)?,
                &q_vec("problem.data.y", y)?,
            );
        }
        (None, None, Some(c)) => c,
        _ => {
            return Err(Error::rejected(
                "problem.data: give either 'x' and 'y', or 'csv'".into(),
            ))
        }
    };
    if c.sha256.len() != 64
        || !c
            .sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(Error::rejected(
            "problem.data.csv.sha256: expected 64 lowercase hexadecimal digits".into(),
        ));
    }
    let file_name = crate::error::abbreviate(&c.file);
    // The file, read once (for embedded data only its hash is used): its SHA-256 first.
    let streamed = match file {
        Some(f) => {
            let r = f.read(Some(&d.target_name), c.bytes)?;
            if r.bytes > c.bytes {
                return Err(Error::rejected(format!(
                    "problem.data.csv: the data file {} has more than the {} bytes the certificate names for '{file_name}': not the certificate's data",
                    crate::error::abbreviate(f.name),
                    c.bytes
                )));
            }
            if r.sha256 != c.sha256 {
                return Err(Error::rejected(format!(
                    "problem.data.csv: the data file {} has SHA-256 {}, but the certificate names the file '{file_name}' with SHA-256 {}: not the certificate's data",
                    crate::error::abbreviate(f.name),
                    r.sha256,
                    c.sha256
                )));
            }
            Some((r, f.name))
        }
        None => None,
    };
    let (h, length, utf8, parsed, what) = match (&c.text, streamed) {
        (Some(t), _) => (
            crate::data::sha256_hex(t.as_bytes()),
            t.len() as u64,
            true,
            crate::data::parse_csv_cells(t, Some(&d.target_name)),
            "problem.data.csv.text".to_string(),
        ),
        (None, Some((r, name))) => (
            r.sha256,
            r.bytes,
            r.utf8,
            r.cells,
            format!("the data file {}", crate::error::abbreviate(name)),
        ),
        (None, None) => {
            return Err(Error::Input(format!(
                "the certificate names its data file by SHA-256 instead of embedding it: check it with --data FILE, where FILE is '{file_name}' ({} bytes, {} points, SHA-256 {})",
                c.bytes, c.points, c.sha256
            )))
        }
    };
    if h != c.sha256 {
        return Err(Error::rejected(format!(
            "problem.data.csv: {what} has SHA-256 {h}, but the certificate names {}",
            c.sha256
        )));
    }
    if length != c.bytes {
        return Err(Error::rejected(format!(
            "problem.data.csv.bytes is {}, but {what} has {length} bytes",
            c.bytes
        )));
    }
    if !utf8 {
        return Err(Error::rejected(format!(
            "problem.data.csv: {what} is not UTF-8 text"
        )));
    }
    let (names, _, _, cells) =
        parsed.map_err(|e| Error::rejected(format!("problem.data.csv: {what}: {e}")))?;
    if names != d.feature_names {
        return Err(Error::rejected(format!(
            "problem.data.feature_names: {what} has the input columns {:?} (target '{}'), the certificate names {:?}",
            names, d.target_name, d.feature_names
        )));
    }
    let data = match cells {
        crate::data::Cells::Decimal { k, x, y } => ScaledData::decimal(k, x, y),
        crate::data::Cells::Rational { x, y } => {
            let rows: Vec<Vec<Q>> = (0..y.len())
                .map(|i| x.iter().map(|c| c[i].clone()).collect())
                .collect();
            ScaledData::new(&rows, &y)?
        }
    };
    if data.targets.len() != c.points {
        return Err(Error::rejected(format!(
            "problem.data.csv.points is {}, but {what} has {} data points",
            c.points,
            data.targets.len()
        )));
    }
    Ok(data)
}

/// Checks a `relu-like-spurious-minimum` certificate; `file` is the data file for a
/// certificate that names its data by SHA-256 (for one that embeds it, the file must be the
/// same bytes).
pub fn check_with(value: serde_json::Value, file: Option<DataFile>) -> Result<CheckReport> {
    let cert: Cert = parse_typed(value)?;
    let expected = claims();
    require_claims(&cert.claims, &expected)?;
    let p = &cert.problem;
    let w = &cert.witness;

    // The problem.
    if p.activation.name != "relu-like" {
        return Err(Error::rejected(format!(
            "problem.activation.name is '{}', expected 'relu-like'",
            p.activation.name
        )));
    }
    let h = Slopes {
        plus: q("problem.activation.s_plus", &p.activation.s_plus)?,
        minus: q("problem.activation.s_minus", &p.activation.s_minus)?,
    };
    if h.plus <= 0 || h.minus < 0 || h.plus == h.minus {
        return Err(Error::rejected(
            "problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus".into(),
        ));
    }
    let dx = p.data.feature_names.len();
    let d1 = p.width;
    if dx == 0 || d1 == 0 {
        return Err(Error::rejected(
            "problem: need at least two points, one input column and one hidden unit".into(),
        ));
    }
    let data = read_data(&p.data, file)?;
    if data.targets.len() < 2 {
        return Err(Error::rejected(
            "problem: need at least two points, one input column and one hidden unit".into(),
        ));
    }

    // The witness.
    require_len("witness.least_squares", &w.least_squares, dx + 1)?;
    let wbar = q_vec("witness.least_squares", &w.least_squares)?;
    let alpha = q("witness.alpha", &w.alpha)?;
    if alpha <= 0 {
        return Err(Error::rejected("witness.alpha must be positive".into()));
    }
    let minimum = Net::parse("witness.minimum", &w.minimum, d1, dx)?;
    let rho = q("witness.radius", &w.radius)?;
    let better = Net::parse("witness.better_point", &w.better_point, d1, dx)?;
    q("witness.construction.beta", &w.construction.beta)?;
    q("witness.construction.gamma", &w.construction.gamma)?;
    if let Some(t) = &w.construction.tie_break {
        require_len("witness.construction.tie_break", t, dx)?;
        q_vec("witness.construction.tie_break", t)?;
    }
    if !matches!(w.construction.case.as_str(), "J-nonempty" | "J-empty") {
        return Err(Error::rejected(
            "witness.construction.case must be 'J-nonempty' or 'J-empty'".into(),
        ));
    }

    let c = Checks {
        h,
        data,
        dx,
        d1,
        wbar,
        minimum,
        rho,
        better,
        fit: std::cell::OnceCell::new(),
    };
    verify_claims(KIND, &cert.claims, |id| match id {
        "normal-equations" => c.normal_equations(),
        "minimum-output" => c.minimum_output(),
        "local-minimum-region" => c.local_minimum_region(),
        "infinitely-many-minima" => c.infinitely_many_minima(),
        "strictly-better-point" => c.strictly_better_point(),
        other => Err(unknown_claim(other)),
    })
}

/// The parsed problem and witness, with one check per claim.
struct Checks {
    h: Slopes,
    data: ScaledData,
    dx: usize,
    d1: usize,
    wbar: Vec<Q>,
    minimum: Net,
    rho: Q,
    better: Net,
    /// The least-squares fit, computed once and shared by the claims that use it.
    fit: std::cell::OnceCell<Fit>,
}

/// The least-squares fit over a common denominator, with the sums the claims use, from one
/// pass over the points: `fit_i / den` is `W̄x̃_i` with `fit_i = Σ_j wbar_num[j]·rows[i][j]`,
/// and `residual_i / den` is `W̄x̃_i − y_i`.
struct Fit {
    /// `W̄`'s numerators over its common denominator `wbar_den`.
    wbar_num: Vec<Integer>,
    wbar_den: Integer,
    /// `wbar_den·scale`.
    den: Integer,
    /// `Σ_i residual_i²`.
    residual_squares: Integer,
    /// `Σ_i residual_i·rows[i][j]` for every column `j` of `X̃ᵀ`.
    normal: Vec<Integer>,
}

impl Checks {
    fn fit(&self) -> &Fit {
        self.fit.get_or_init(|| self.compute_fit())
    }

    fn compute_fit(&self) -> Fit {
        let data = &self.data;
        let wbar_den = self
            .wbar
            .iter()
            .fold(Integer::from(1), |l, v| l.lcm(v.denom()));
        let wbar_num: Vec<Integer> = self
            .wbar
            .iter()
            .map(|v| Integer::from(&wbar_den / v.denom()) * v.numer())
            .collect();
        let mut residual_squares = Integer::new();
        let mut normal = vec![Integer::new(); self.dx + 1];
        for i in 0..data.len() {
            let residual = data.rows.dot(i, &wbar_num) - data.targets.times(i, &wbar_den);
            data.rows.add_multiple(i, &residual, &mut normal);
            residual_squares += residual.square();
        }
        Fit {
            den: Integer::from(&wbar_den * &data.scale),
            wbar_num,
            wbar_den,
            residual_squares,
            normal,
        }
    }

    /// `ℓ0(W̄) = ½ Σ residual_i²`.
    fn l0(&self, f: &Fit) -> Q {
        Q::from((
            f.residual_squares.clone(),
            Integer::from(f.den.square_ref()) * 2u32,
        ))
    }

    /// `normal-equations`: `(W̄X̃ − Y)X̃ᵀ = 0`, column by column over common denominators.
    fn normal_equations(&self) -> Result<String> {
        let (data, dx) = (&self.data, self.dx);
        let f = self.fit();
        for (j, s) in f.normal.iter().enumerate() {
            if *s != 0 {
                let coord = if j < dx {
                    format!("input column {}", j + 1)
                } else {
                    "the bias column".into()
                };
                let value = Q::from((
                    s.clone(),
                    Integer::from(&f.wbar_den * &data.scale) * &data.scale,
                ));
                return Err(Error::rejected(format!(
                    "(W̄X̃ − Y)X̃ᵀ is {value} at {coord}, not 0"
                )));
            }
        }
        Ok(format!(
            "all {} entries of (W̄X̃ − Y)X̃ᵀ are exactly 0; ℓ0(W̄) = {}",
            dx + 1,
            self.l0(f)
        ))
    }

    /// `minimum-output`: the minimum outputs `W̄x̃_i` at every point (cross-multiplied).
    fn minimum_output(&self) -> Result<String> {
        let (f, data) = (self.fit(), &self.data);
        let (c, out_den) = self.minimum.output_coefficients(&self.h, data);
        for i in 0..data.len() {
            let o = self.minimum.output(&c, data, i);
            let fi = data.rows.dot(i, &f.wbar_num);
            if Integer::from(&o * &f.den) != Integer::from(&fi * &out_den) {
                let out = Q::from((o, out_den));
                let want = Q::from((fi, f.den.clone()));
                return Err(Error::rejected(format!(
                    "at point {} the network outputs {out} but W̄x̃ = {want}",
                    i + 1
                )));
            }
        }
        Ok(format!(
            "output equals W̄x̃ at all {} points; loss {}",
            data.len(),
            self.l0(f)
        ))
    }

    /// `local-minimum-region`: `μ > 0` and `ρ(1 + max‖x‖₁) ≤ μ`.
    fn local_minimum_region(&self) -> Result<String> {
        let (data, rho) = (&self.data, &self.rho);
        let minimum = &self.minimum;
        let mu = (0..self.d1)
            .filter_map(|k| {
                let least = (0..data.len())
                    .map(|i| data.rows.dot(i, &minimum.units[k]))
                    .min()?;
                Some(Q::from((
                    least,
                    Integer::from(&minimum.unit_dens[k] * &data.scale),
                )))
            })
            .min()
            .ok_or_else(|| Error::rejected("no pre-activation to bound".into()))?;
        if mu <= 0 {
            return Err(Error::rejected(format!(
                "the smallest pre-activation μ = {mu} is not positive"
            )));
        }
        if *rho <= 0 {
            return Err(Error::rejected(format!(
                "the radius ρ = {rho} is not positive"
            )));
        }
        let max_l1_num = (0..data.len())
            .map(|i| data.rows.abs_sum(i))
            .max()
            .unwrap_or_default();
        let max_l1 = Q::from((max_l1_num, data.scale.clone()));
        let need = Q::from(rho * (max_l1.clone() + 1u32));
        if need > mu {
            return Err(Error::rejected(format!(
                "ρ(1 + max‖x‖₁) = {need} exceeds μ = {mu}"
            )));
        }
        Ok(format!(
            "μ = {mu}, max_i ‖x_i‖₁ = {max_l1}, ρ = {rho}, ρ(1 + max‖x‖₁) = {need} ≤ μ"
        ))
    }

    /// `infinitely-many-minima`: `(Ŵ1, b̂1) ≠ 0`, so positive scalings give distinct minima.
    fn infinitely_many_minima(&self) -> Result<String> {
        if !self.minimum.w1_b1_nonzero {
            return Err(Error::rejected(
                "W1 and b1 are zero at the minimum, so the scaled points coincide".into(),
            ));
        }
        Ok("(Ŵ1, b̂1) ≠ 0; h̄(tz) = t·h̄(z) for t > 0 keeps outputs, loss and the region argument (μ and ρ scale by t)".into())
    }

    /// `strictly-better-point`: the better point's exact loss is below `ℓ0(W̄)`.
    fn strictly_better_point(&self) -> Result<String> {
        let l0 = self.l0(self.fit());
        let better_loss = self.better.loss(&self.h, &self.data);
        if better_loss >= l0 {
            return Err(Error::rejected(format!(
                "the better point has loss {better_loss}, not below ℓ0(W̄) = {l0}"
            )));
        }
        let gain = Q::from(&l0 - &better_loss);
        Ok(format!(
            "loss at the better point {better_loss} < {l0} (improvement {gain})"
        ))
    }
}
