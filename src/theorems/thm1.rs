//! Theorem 1: for ReLU-like activations, any dataset that no affine model fits exactly gives
//! a one-hidden-layer network a spurious local minimum (proofs/MATH.md §1 and Appendix A).
//! Certificate kind `relu-like-spurious-minimum`, checked by [`crate::cert::thm1`].

use crate::cert::thm1::{
    self, Construction, CsvFile, Data, DataFile, Point, Problem, ReluLike, Witness,
};
use crate::cert::{self, Certificate, CheckReport};
use crate::error::{Error, Result};
use crate::exact::matrix::over_common_denominator;
use crate::exact::scaled::{Column, RowDot};
use crate::exact::{format_rational, least_squares_columns, QMatrix, Q};
use crate::model::dataset::Source;
use crate::model::Dataset;
use rug::Integer;

/// Options of the Theorem 1 construction.
#[derive(Clone, Debug)]
pub struct Thm1Options {
    /// Slope `s+ > 0`.
    pub s_plus: Q,
    /// Slope `s− ≥ 0`, `≠ s+`.
    pub s_minus: Q,
    /// Hidden width `d1 ≥ 2`.
    pub width: usize,
    /// Family scale `α > 0` of the minimum.
    pub alpha: Q,
}

/// The result: the certificate, the checker's report on it, and the headline numbers.
#[derive(Clone, Debug)]
pub struct Thm1Result {
    /// The certificate (already accepted by the checker).
    pub certificate: thm1::Cert,
    /// The checker's report.
    pub report: CheckReport,
    /// Loss at the local minimum, `ℓ0(W̄)`.
    pub loss_minimum: Q,
    /// Loss at the better point.
    pub loss_better: Q,
    /// The certified region radius ρ.
    pub radius: Q,
    /// Which construction gave the better point.
    pub case: &'static str,
}

/// Builds and checks a Theorem 1 certificate for `data`.
///
/// Errors: [`Error::Input`] for invalid options; [`Error::NotCertified`] when the hypotheses
/// fail (an affine model fits exactly: C1.1) or the tie-break of Appendix A is blocked by
/// duplicate points, with the rows named.
pub fn certify(data: &Dataset, opts: &Thm1Options) -> Result<Thm1Result> {
    certify_with(Thm1Data::from_dataset(data), opts, &|_| {})
}

/// A dataset as the construction uses it: `X̃ = [X, 1]` and `Y` as integer columns over common
/// denominators, with no rational held per value.
#[derive(Clone, Debug)]
pub struct Thm1Data {
    /// Names of the input columns.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// The `dx` input columns, then the column of ones.
    pub cols: Vec<Column>,
    /// The targets.
    pub y: Column,
    /// The file line of each point.
    pub lines: Vec<usize>,
    /// The CSV file, when the certificate names it.
    pub source: Option<Source>,
    /// The values restated (`problem.data.x`, `y`), when there is no file.
    restated: Option<(Vec<Vec<String>>, Vec<String>)>,
}

impl Thm1Data {
    /// The columns of a dataset of rationals.
    pub fn from_dataset(data: &Dataset) -> Thm1Data {
        let (m, dx) = (data.len(), data.dim());
        let one = Q::from(1);
        let mut cols: Vec<Column> = (0..dx)
            .map(|j| Column::new((0..m).map(|i| &data.x[(i, j)])))
            .collect();
        cols.push(Column::new(std::iter::repeat_n(&one, m)));
        Thm1Data {
            feature_names: data.feature_names.clone(),
            target_name: data.target_name.clone(),
            cols,
            y: Column::new(&data.y),
            lines: data.lines.clone(),
            source: data.source.clone(),
            restated: data.source.is_none().then(|| {
                (
                    (0..m).map(|i| strings(data.x.row(i))).collect(),
                    strings(&data.y),
                )
            }),
        }
    }

    /// The columns of parsed CSV cells (`crate::cert::data::parse_csv_cells`): plain decimals
    /// go straight into `i64` columns over `10^k`.
    pub fn from_cells(
        feature_names: Vec<String>,
        target_name: String,
        lines: Vec<usize>,
        cells: crate::cert::data::Cells,
        source: Source,
    ) -> Thm1Data {
        use crate::cert::data::Cells;
        use crate::exact::scaled::Ints;
        let m = lines.len();
        let (mut cols, y) = match cells {
            Cells::Decimal { k, x, y } => {
                let scale = Integer::from(10i64.pow(k));
                let cols = x
                    .into_iter()
                    .map(|c| Column {
                        ints: Ints::Small(c),
                        scale: scale.clone(),
                    })
                    .collect();
                (
                    cols,
                    Column {
                        ints: Ints::Small(y),
                        scale,
                    },
                )
            }
            Cells::Rational { x, y } => (
                x.iter().map(Column::new).collect::<Vec<_>>(),
                Column::new(&y),
            ),
        };
        let one = Q::from(1);
        cols.push(Column::new(std::iter::repeat_n(&one, m)));
        Thm1Data {
            feature_names,
            target_name,
            cols,
            y,
            lines,
            source: Some(source),
            restated: None,
        }
    }

    /// Reads a CSV file straight into columns (plain decimals as `i64` over `10^k`), with its
    /// name and SHA-256 for the certificate, and its text when `embed` (else the file is read
    /// as a stream and its text not kept: the certificate names it by hash).
    pub fn read(path: &std::path::Path, target: Option<&str>, embed: bool) -> Result<Thm1Data> {
        let cannot = |e: String| Error::Input(format!("{}: cannot read: {e}", path.display()));
        let (text, sha256, bytes, parsed): (std::sync::Arc<str>, _, _, _) = if embed {
            // Shared (Arc) before the columns exist: the conversion copies the text.
            let text: std::sync::Arc<str> = crate::io::read_text(path)?.into();
            let parsed = crate::cert::data::parse_csv_cells(&text, target);
            let (sha256, bytes) = (crate::cert::data::sha256_hex(text.as_bytes()), text.len());
            (text, sha256, bytes as u64, parsed)
        } else {
            let r = std::fs::File::open(path)
                .and_then(|f| crate::cert::data::read_csv_cells(f, target, None))
                .map_err(|e| cannot(e.to_string()))?;
            if !r.utf8 {
                return Err(cannot("stream did not contain valid UTF-8".into()));
            }
            ("".into(), r.sha256, r.bytes, r.cells)
        };
        let (names, target_name, lines, cells) =
            parsed.map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
        if let crate::cert::data::Cells::Rational { x, y } = &cells {
            // The checker's bound on the common denominator, before any column is built.
            let bound = crate::cert::thm1::MAX_SCALE_BITS;
            let mut scale = Integer::from(1);
            for v in x.iter().flatten().chain(y) {
                if *v.denom() == 1 || scale.is_divisible(v.denom()) {
                    continue;
                }
                scale.lcm_mut(v.denom());
                if scale.significant_bits() > bound {
                    return Err(Error::Input(format!(
                        "{}: the values of the data have no common denominator of at most {bound} bits (about {} decimal places), the checker's bound on a certificate's data; round the data to fewer digits",
                        path.display(),
                        bound * 3 / 10
                    )));
                }
            }
        }
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        let source = Source {
            file,
            path: path.to_path_buf(),
            bytes,
            sha256,
            text,
            embed,
        };
        Ok(Thm1Data::from_cells(
            names,
            target_name,
            lines,
            cells,
            source,
        ))
    }

    /// Checks that the least squares stays within `limit_mb` MB by the estimate of
    /// [`crate::model::dataset::least_squares_memory`] (as [`Dataset::check_memory`]).
    pub fn check_memory(&self, limit_mb: u64) -> std::result::Result<(), String> {
        use crate::model::dataset::{integer_column_size, memory_check};
        let mut sizes: Vec<(String, _)> = self
            .feature_names
            .iter()
            .zip(&self.cols)
            .map(|(n, c)| (n.clone(), integer_column_size(c)))
            .collect();
        sizes.push((self.target_name.clone(), integer_column_size(&self.y)));
        memory_check(&sizes, self.len(), limit_mb, 0)
    }

    /// The common denominator of all the data (the lcm of the columns' scales).
    pub fn common_scale(&self) -> Integer {
        self.cols
            .iter()
            .chain([&self.y])
            .fold(Integer::from(1), |l, c| l.lcm(&c.scale))
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The CSV file, the rest (the points) dropped.
    pub fn into_source(self) -> Option<Source> {
        self.source
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The input dimension.
    pub fn dim(&self) -> usize {
        self.cols.len() - 1
    }

    /// Input point `i` as rationals.
    pub fn row(&self, i: usize) -> Vec<Q> {
        self.cols[..self.dim()]
            .iter()
            .map(|c| Q::from((entry(c, i), c.scale.clone())))
            .collect()
    }

    /// Groups of rows (1-based file lines) that share the same input point, for C1.2 reports.
    pub fn duplicate_points(&self) -> Vec<Vec<usize>> {
        let inputs = &self.cols[..self.dim()];
        let key = |a: usize, b: usize| {
            inputs
                .iter()
                .map(|c| entry(c, a).cmp(&entry(c, b)))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        crate::model::dataset::equal_groups(&self.lines, key)
    }
}

/// Entry `i` of a column's integers.
fn entry(c: &Column, i: usize) -> Integer {
    match &c.ints {
        crate::exact::scaled::Ints::Small(v) => Integer::from(v[i]),
        crate::exact::scaled::Ints::Big(v) => v[i].clone(),
    }
}

/// Entry `i` of a column's integers times `k`.
fn times(c: &Column, i: usize, k: &Integer) -> Integer {
    match &c.ints {
        crate::exact::scaled::Ints::Small(v) => Integer::from(k * v[i]),
        crate::exact::scaled::Ints::Big(v) => Integer::from(k * &v[i]),
    }
}

/// The fitted values `ȳ_i = F_i/df` and residuals `r_i = R_i/dr` (`R_i = F_i·s_y − T_i·df`,
/// `dr = df·s_y` for the targets `T_i/s_y`), computed point by point: nothing is held per
/// point.
struct Fitted<'a> {
    f: RowDot<'a>,
    y: &'a Column,
    /// `dr = df·s_y`.
    dr: Integer,
}

impl Fitted<'_> {
    /// `R_i` from `F_i`.
    fn residual(&self, i: usize, f: &Integer) -> Integer {
        Integer::from(f * &self.y.scale) - times(self.y, i, &self.f.den)
    }

    /// The points ordered by fitted value, ties by index: sorted by `F_i` cut to its leading
    /// bits (`⌊F_i / 2^s⌋` in an `i128`; the cut is monotone, so it never reverses two
    /// points), then each run of equal cuts sorted by the exact `F_i`. Holds 24 bytes per
    /// point instead of a GMP integer per point.
    fn order(&self) -> Result<Vec<usize>> {
        let m = self.f.len();
        let shift = self.f.bits_bound().saturating_sub(120);
        let cut = (0..m)
            .map(|i| (self.f.at(i) >> shift).to_i128())
            .collect::<Option<Vec<i128>>>()
            .ok_or_else(|| Error::Input("internal: a fitted value exceeds its bound".into()))?;
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_unstable_by(|&a, &b| cut[a].cmp(&cut[b]).then(a.cmp(&b)));
        let mut start = 0;
        while start < m {
            let mut end = start + 1;
            while end < m && cut[order[end]] == cut[order[start]] {
                end += 1;
            }
            if end - start > 1 {
                let mut run: Vec<(Integer, usize)> = order[start..end]
                    .iter()
                    .map(|&i| (self.f.at(i), i))
                    .collect();
                run.sort_unstable();
                for (o, (_, i)) in order[start..end].iter_mut().zip(run) {
                    *o = i;
                }
            }
            start = end;
        }
        Ok(order)
    }
}

/// [`certify`] on columns, telling `stage` what it starts (for a progress display). The data
/// is dropped, all but the file's text, before the checker's self-check, so that the two never
/// hold their copies of the points at once.
pub fn certify_with(
    data: Thm1Data,
    opts: &Thm1Options,
    stage: &dyn Fn(&str),
) -> Result<Thm1Result> {
    validate(opts)?;
    stage("exact least squares");
    let (m, dx, d1) = (data.len(), data.dim(), opts.width);
    // X̃ = [X, 1] and Y as integer columns: every product below is an integer one over a
    // common denominator, so no rational is normalised per operation.
    let cols = &data.cols;
    let ycol = &data.y;
    let wbar = least_squares_columns(cols, std::slice::from_ref(ycol))
        .map_err(Error::Input)?
        .solution
        .col(0);
    // Fitted values F_i/df and residuals R_i/dr, one point at a time.
    let f = RowDot::new(cols, &wbar).map_err(Error::Input)?;
    let fitted = Fitted {
        dr: Integer::from(&f.den * &ycol.scale),
        f,
        y: ycol,
    };
    let mut residual_squares = Integer::new();
    for i in 0..m {
        let r = fitted.residual(i, &fitted.f.at(i));
        residual_squares += r.square();
    }
    if residual_squares == 0 {
        return Err(Error::NotCertified(
            "an affine model fits the data exactly (C1.1 fails), so there is no spurious minimum of this kind".into(),
        ));
    }
    let l0 = Q::from((
        residual_squares,
        Integer::from(fitted.dr.square_ref()) * 2u32,
    ));

    // Step 1: the local minimum and its region.
    stage("the local minimum, its region and a better point");
    let order = fitted.order()?;
    let alpha = &opts.alpha;
    let min_ybar = Q::from((fitted.f.at(order[0]), fitted.f.den.clone()));
    let eta = std::cmp::min(Q::from(-1), Q::from(&min_ybar * 2u32));
    let mut w1 = QMatrix::zeros(d1, dx);
    let mut b1 = vec![Q::from(-&eta) * alpha; d1];
    for j in 0..dx {
        w1[(0, j)] = Q::from(&wbar[j] * alpha);
    }
    b1[0] = Q::from(&wbar[dx] - &eta) * alpha;
    let mut w2 = vec![Q::new(); d1];
    w2[0] = Q::from(Q::from(alpha * &opts.s_plus).recip_ref());
    let minimum = point(&w1, &b1, &w2, &eta);
    let mu = std::cmp::min(min_ybar - &eta, Q::from(-&eta)) * alpha;
    let l1 = RowDot::new(&cols[..dx], &vec![Q::from(1); dx]).map_err(Error::Input)?;
    let max_l1 = Q::from((
        (0..m).map(|i| l1.abs_at(i)).max().expect("m ≥ 2"),
        l1.den.clone(),
    ));
    let radius = mu / (max_l1 + 1u32);

    // Step 2: a strictly better point.
    let (better, construction, case) = match better_split(&fitted, order, opts) {
        Some(split) => split_point(&wbar, dx, d1, opts, &split, None),
        None => {
            let ybar: Vec<Q> = (0..m)
                .map(|i| Q::from((fitted.f.at(i), fitted.f.den.clone())))
                .collect();
            let residual: Vec<Q> = (0..m)
                .map(|i| {
                    let r = fitted.residual(i, &fitted.f.at(i));
                    Q::from((r, fitted.dr.clone()))
                })
                .collect();
            tie_break(&data, &wbar, &ybar, &residual, opts)?
        }
    };
    let loss_better = loss(cols, ycol, opts, &better)?;
    let better = point(&better.0, &better.1, &better.2, &better.3);

    let certificate = Certificate {
        critcert: cert::VERSION,
        kind: thm1::KIND.into(),
        problem: Problem {
            activation: ReluLike {
                name: "relu-like".into(),
                s_plus: format_rational(&opts.s_plus),
                s_minus: format_rational(&opts.s_minus),
            },
            width: d1,
            data: certificate_data(&data),
        },
        witness: Witness {
            least_squares: strings(&wbar),
            alpha: format_rational(alpha),
            minimum,
            radius: format_rational(&radius),
            better_point: better,
            construction,
        },
        claims: thm1::claims(),
    };
    stage("the checker re-derives every claim");
    // The producer's points go before the checker reads its own.
    let source = data.into_source();
    let file = source.as_ref().filter(|s| !s.embed).map(|s| DataFile {
        name: &s.file,
        path: &s.path,
    });
    let report = cert::check_str_with(&cert::to_json(&certificate), file).map_err(|e| {
        Error::NotCertified(format!(
            "the construction did not pass the checker ({e}); please report this"
        ))
    })?;
    Ok(Thm1Result {
        certificate,
        report,
        loss_minimum: l0,
        loss_better,
        radius,
        case,
    })
}

/// The certificate's `problem.data`: the CSV file it was read from (its text embedded, or named
/// by SHA-256 only) or, for a dataset from no file, the values restated.
fn certificate_data(data: &Thm1Data) -> Data {
    let (feature_names, target_name) = (data.feature_names.clone(), data.target_name.clone());
    match &data.source {
        Some(s) => Data {
            feature_names,
            target_name,
            x: None,
            y: None,
            csv: Some(CsvFile {
                file: s.file.clone(),
                sha256: s.sha256.clone(),
                bytes: s.bytes,
                points: data.len(),
                text: s.embed.then(|| s.text.to_string()),
            }),
        },
        None => Data {
            feature_names,
            target_name,
            x: data.restated.as_ref().map(|r| r.0.clone()),
            y: data.restated.as_ref().map(|r| r.1.clone()),
            csv: None,
        },
    }
}

fn validate(opts: &Thm1Options) -> Result<()> {
    if opts.s_plus <= 0 || opts.s_minus < 0 || opts.s_plus == opts.s_minus {
        return Err(Error::Input(format!(
            "slopes s+ = {}, s- = {}: need s+ > 0, s- >= 0 and s+ != s- (C1.3)",
            opts.s_plus, opts.s_minus
        )));
    }
    if opts.width < 2 {
        return Err(Error::Input(format!(
            "--width {}: the hidden layer needs at least 2 units (C1.4)",
            opts.width
        )));
    }
    if opts.alpha <= 0 {
        return Err(Error::Input(format!(
            "--alpha {}: must be positive",
            opts.alpha
        )));
    }
    Ok(())
}

/// The exact loss `½Σ(ŷ_i − y_i)²` of a one-hidden-layer ReLU-like network on the data `x̃`
/// (integer columns of `[X, 1]`) and targets `y`.
fn loss(x: &[Column], y: &Column, opts: &Thm1Options, (w1, b1, w2, b2): &Params) -> Result<Q> {
    // Unit k's pre-activations Z_k/D_k; ŷ = b2 + Σ_k W2[k]·s±·Z_k/D_k over one denominator E.
    let mut units = Vec::new();
    let mut coefficients = vec![b2.clone()];
    for (k, w) in w2.iter().enumerate() {
        if *w == 0 {
            continue;
        }
        let mut unit = w1.row(k).to_vec();
        unit.push(b1[k].clone());
        let z = RowDot::new(x, &unit).map_err(Error::Input)?;
        coefficients.push(Q::from(w * &opts.s_plus) / &z.den);
        coefficients.push(Q::from(w * &opts.s_minus) / &z.den);
        units.push(z);
    }
    let (c, e) = over_common_denominator(&coefficients);
    let mut total = Integer::new();
    for i in 0..y.len() {
        let mut out = c[0].clone();
        for (k, unit) in units.iter().enumerate() {
            let z = unit.at(i);
            let slope = if z >= 0 { &c[1 + 2 * k] } else { &c[2 + 2 * k] };
            out += slope * z;
        }
        // ŷ_i − y_i = (out·s_y − E·t_i)/(E·s_y).
        let err = Integer::from(&out * &y.scale) - times(y, i, &e);
        total += err.square();
    }
    Ok(Q::from((
        total,
        Integer::from(&e * &y.scale).square() * 2u32,
    )))
}

fn strings(v: &[Q]) -> Vec<String> {
    v.iter().map(format_rational).collect()
}

fn point(w1: &QMatrix, b1: &[Q], w2: &[Q], b2: &Q) -> Point {
    Point {
        w1: (0..w1.rows()).map(|i| strings(w1.row(i))).collect(),
        b1: strings(b1),
        w2: vec![strings(w2)],
        b2: vec![format_rational(b2)],
    }
}

/// The construction constant `c = (s+ − s−)/(s+ + s−)`.
fn c_const(opts: &Thm1Options) -> Q {
    Q::from(&opts.s_plus - &opts.s_minus) / Q::from(&opts.s_plus + &opts.s_minus)
}

/// A split of the fitted values: points with `ȳ'_i < β` on one side, the rest on the other,
/// shifted by `∓cγ`.
struct Split {
    beta: Q,
    gamma: Q,
}

/// Case `J ≠ ∅`: among the admissible split positions, the one whose best `γ` improves the loss
/// most (ties: the first in sorted order). `None` when `J = ∅`.
///
/// With `S` the prefix residual sum and `g` the gap at a split, the loss is
/// `ℓ0 − 2cγS + (m/2)c²γ²`, best at `γ = 2S/(mc)` unless that exceeds the cap `|γ| ≤ g/4`. The
/// search runs on integer numerators (`ȳ_i = F_i/df`, `r_i = R_i/dr`) and compares the gains
/// multiplied by the positive constant `32·m·cd²·dr²·df²` (`c = cn/cd`), so no rational is
/// normalised inside the loop.
fn better_split(fitted: &Fitted, order: Vec<usize>, opts: &Thm1Options) -> Option<Split> {
    let (df, dr) = (&fitted.f.den, &fitted.dr);
    let m = order.len();
    let c = c_const(opts);
    let (cn, cd) = (c.numer().clone().abs(), c.denom().clone());
    let mu = Integer::from(m);
    let mut prefix = Integer::new();
    // The best score, its split (lo, hi, prefix) and whether γ is unconstrained there.
    let mut best: Option<(Integer, Integer, Integer, Integer, bool)> = None;
    let mut hi = fitted.f.at(order[0]);
    for k in 0..m - 1 {
        let lo = std::mem::replace(&mut hi, fitted.f.at(order[k + 1]));
        prefix += fitted.residual(order[k], &lo);
        if prefix == 0 || lo >= hi {
            continue;
        }
        let gap = Integer::from(&hi - &lo);
        let p = Integer::from(prefix.abs_ref());
        // |2S/(mc)| ≤ g/4  ⇔  8·|P|·cd·df ≤ G·dr·m·|cn|
        let unconstrained =
            Integer::from(&p * &cd) * df * 8u32 <= Integer::from(&gap * dr) * &mu * &cn;
        let score = if unconstrained {
            // gain 2S²/m
            (Integer::from(&p * &cd) * df).square() * 64u32
        } else {
            // gain 2|c||S|g/4 − (m/2)c²g²/16
            Integer::from(&mu * 16u32) * &cn * &p * &gap * &cd * dr * df
                - (Integer::from(&mu * &cn) * &gap * dr).square()
        };
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, lo, hi.clone(), prefix.clone(), unconstrained));
        }
    }
    let (_, lo, hi, prefix, unconstrained) = best?;
    let lo = Q::from((lo, df.clone()));
    let hi = Q::from((hi, df.clone()));
    let prefix = Q::from((prefix, dr.clone()));
    let gamma = if unconstrained {
        Q::from(&prefix * 2u32) / (Q::from(&c * m as u32))
    } else {
        let cap = Q::from(&hi - &lo) / 4u32;
        if Q::from(&prefix * &c) > 0 {
            cap
        } else {
            -cap
        }
    };
    Some(Split {
        beta: Q::from(&lo + &hi) / 2u32,
        gamma,
    })
}

type Params = (QMatrix, Vec<Q>, Vec<Q>, Q);

/// The two-unit point of proofs/MATH.md §1 Step 2 (or Appendix A with `tie_break = αv`): unit 1 is
/// `W̄x − β + γ` (minus `αvᵀx`), unit 2 its negation plus `2γ`, output `(u1 − u2)/(s+ + s−) + β`.
fn split_point(
    wbar: &[Q],
    dx: usize,
    d1: usize,
    opts: &Thm1Options,
    split: &Split,
    tie_break: Option<&[Q]>,
) -> (Params, Construction, &'static str) {
    let mut w1 = QMatrix::zeros(d1, dx);
    for j in 0..dx {
        let v = Q::from(&wbar[j] - tie_break.map_or(&Q::new(), |t| &t[j]));
        w1[(1, j)] = Q::from(-&v);
        w1[(0, j)] = v;
    }
    let mut b1 = vec![Q::new(); d1];
    b1[0] = Q::from(&wbar[dx] - &split.beta) + &split.gamma;
    b1[1] = Q::from(&split.beta - &wbar[dx]) + &split.gamma;
    let s = Q::from(&opts.s_plus + &opts.s_minus).recip();
    let mut w2 = vec![Q::new(); d1];
    w2[0] = s.clone();
    w2[1] = -s;
    let construction = Construction {
        case: if tie_break.is_some() {
            "J-empty"
        } else {
            "J-nonempty"
        }
        .into(),
        beta: format_rational(&split.beta),
        gamma: format_rational(&split.gamma),
        tie_break: tie_break.map(strings),
    };
    let case = if tie_break.is_some() {
        "J-empty"
    } else {
        "J-nonempty"
    };
    ((w1, b1, w2, split.beta.clone()), construction, case)
}

/// Case `J = ∅` (proofs/MATH.md Appendix A): tilt `W̄` along a scaled data point to break the tie of
/// the lowest tie group with nonzero residuals, then split there.
fn tie_break(
    data: &Thm1Data,
    wbar: &[Q],
    ybar: &[Q],
    residual: &[Q],
    opts: &Thm1Options,
) -> Result<(Params, Construction, &'static str)> {
    let (m, dx) = (data.len(), data.dim());
    let rows: Vec<Vec<Q>> = (0..m).map(|i| data.row(i)).collect();
    let x = |i: usize| rows[i].as_slice();
    let dot = |a: &[Q], b: &[Q]| a.iter().zip(b).map(|(p, q)| Q::from(p * q)).sum::<Q>();
    // ȳ*: the smallest fitted value shared by two points one of which has a nonzero residual.
    let y_star = (0..m)
        .filter(|&j| (0..m).any(|i| i != j && ybar[i] == ybar[j] && residual[i] != 0))
        .map(|j| &ybar[j])
        .min()
        .ok_or_else(|| {
            Error::NotCertified("internal: J = ∅ but no tie group has nonzero residuals".into())
        })?
        .clone();
    let group: Vec<usize> = (0..m).filter(|&j| ybar[j] == y_star).collect();
    let nonzero: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&j| residual[j] != 0)
        .collect();
    let j1 = *nonzero
        .iter()
        .max_by(|&&a, &&b| dot(x(a), x(a)).cmp(&dot(x(b), x(b))).then(b.cmp(&a)))
        .expect("|J*≠| ≥ 2");
    let n1 = dot(x(j1), x(j1));
    let dups: Vec<usize> = nonzero
        .iter()
        .copied()
        .filter(|&j| j != j1 && x(j) == x(j1))
        .collect();
    let m2 = (0..m).map(|i| dot(x(i), x(i))).max().expect("m ≥ 2");
    if !dups.is_empty() || m2 == 0 {
        let mut rows: Vec<usize> = dups.iter().chain([&j1]).map(|&i| data.lines[i]).collect();
        rows.sort();
        return Err(Error::NotCertified(format!(
            "J = ∅ and the tie-break of Appendix A needs distinct points (C1.2), but lines {rows:?} hold the same input point"
        )));
    }
    let below: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&j| dot(x(j), x(j1)) < n1)
        .collect();
    let j2 = *below
        .iter()
        .max_by(|&&a, &&b| dot(x(a), x(j1)).cmp(&dot(x(b), x(j1))).then(b.cmp(&a)))
        .expect("J*< nonempty");
    // g: a quarter of the smallest positive gap between fitted values (1 if all are equal).
    let mut sorted: Vec<&Q> = ybar.iter().collect();
    sorted.sort();
    let g = sorted
        .windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| Q::from(w[1] - w[0]))
        .min()
        .unwrap_or(Q::from(1))
        / 4u32;
    let v: Vec<Q> = x(j1).iter().map(|xi| Q::from(xi * &g) / &m2).collect();
    let c = c_const(opts);
    // Points on the low side: fitted value below ȳ*, or in J* with ⟨x_j, x_j1⟩ ≥ ‖x_j1‖².
    let low: Vec<bool> = (0..m)
        .map(|i| ybar[i] < y_star || (ybar[i] == y_star && dot(x(i), x(j1)) >= n1))
        .collect();
    let diff: Vec<Q> = x(j1)
        .iter()
        .zip(x(j2))
        .map(|(a, b)| Q::from(a - b))
        .collect();
    let sign = if Q::from(&c * &residual[j1]) > 0 {
        1
    } else {
        -1
    };
    let gamma_unit = dot(&v, &diff) / 4u32 * sign; // γ = α·gamma_unit
                                                   // ℓ(α) = ℓ0 + α·L1 + α²·L2 exactly while α ∈ (0, 1] (Lemma A.2 keeps the sign pattern).
    let mut l1 = Q::new();
    let mut l2 = Q::new();
    for i in 0..m {
        let s = if low[i] { Q::from(1) } else { Q::from(-1) };
        let t = dot(&v, x(i)) + Q::from(&c * &gamma_unit) * &s; // the residual changes by −α·t
        l1 -= Q::from(&residual[i] * &t);
        l2 += Q::from(t.square_ref()) / 2u32;
    }
    if l1 >= 0 {
        return Err(Error::NotCertified(format!(
            "internal: the tie-break's first-order term {l1} is not negative"
        )));
    }
    let alpha = std::cmp::min(Q::from(1), Q::from(-&l1) / (l2 * 2u32));
    let tilt: Vec<Q> = v.iter().map(|vi| Q::from(vi * &alpha)).collect();
    let beta = y_star
        - dot(
            &tilt,
            &x(j1)
                .iter()
                .zip(x(j2))
                .map(|(a, b)| Q::from(a + b))
                .collect::<Vec<_>>(),
        ) / 2u32;
    let split = Split {
        beta,
        gamma: gamma_unit * &alpha,
    };
    Ok(split_point(wbar, dx, opts.width, opts, &split, Some(&tilt)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(s_plus: i64, s_minus: i64) -> Thm1Options {
        Thm1Options {
            s_plus: Q::from(s_plus),
            s_minus: Q::from(s_minus),
            width: 2,
            alpha: Q::from(1),
        }
    }

    fn theorem2_data() -> Dataset {
        let h = Q::from((1, 2));
        Dataset::from_rows(
            vec![
                vec![Q::from(1), Q::from(0)],
                vec![Q::from(0), Q::from(1)],
                vec![h.clone(), h],
            ],
            vec![Q::from(0), Q::from(0), Q::from(1)],
        )
    }

    #[test]
    fn j_empty_on_theorem2_data() {
        let r = certify(&theorem2_data(), &opts(1, 0)).unwrap();
        assert_eq!(r.case, "J-empty");
        assert_eq!(r.loss_minimum, Q::from((1, 3)));
        assert!(r.loss_better < Q::from((1, 3)));
    }

    #[test]
    fn j_nonempty_simple() {
        let d = Dataset::from_rows(
            vec![vec![Q::from(0)], vec![Q::from(1)], vec![Q::from(2)]],
            vec![Q::from(0), Q::from(1), Q::from(3)],
        );
        let r = certify(&d, &opts(1, 0)).unwrap();
        assert_eq!(r.case, "J-nonempty");
        assert!(r.loss_better < r.loss_minimum);
    }

    #[test]
    fn columns_read_straight_from_csv_give_the_same_certificate() {
        for text in [
            "a,b,y\n0.5,1,0\n1,0.25,2\n2,2,1.125\n3,1,5\n2,2,0\n",
            "a,b,y\n1/3,1,0\n1,0.25,2\n2,2,1e-2\n3,1,5\n2,2,0\n",
        ] {
            let d = crate::model::dataset::parse_csv(text, None).unwrap();
            let (names, target, lines, cells) =
                crate::cert::data::parse_csv_cells(text, None).unwrap();
            let source = Source {
                file: "d.csv".into(),
                path: "d.csv".into(),
                bytes: text.len() as u64,
                text: text.into(),
                sha256: crate::cert::data::sha256_hex(text.as_bytes()),
                embed: true,
            };
            let c = Thm1Data::from_cells(names, target, lines, cells, source);
            assert_eq!(c.duplicate_points(), vec![vec![4, 6]], "{text}");
            assert_eq!(c.row(0), d.x.row(0), "{text}");
            let a = certify(&d, &opts(1, 0)).unwrap().certificate;
            let b = certify_with(c, &opts(1, 0), &|_| {}).unwrap().certificate;
            assert_eq!(a.witness, b.witness, "{text}");
            assert!(b.problem.data.csv.is_some() && a.problem.data.x.is_some());
        }
    }

    #[test]
    fn the_order_by_fitted_value_is_exact_below_the_cut() {
        // Fitted values 2^300 + small differences: equal in their leading 120 bits, so the
        // order inside the run comes from the exact values; ties go by index.
        let big = Q::from(Integer::from(Integer::u_pow_u(2, 300)));
        let x: Vec<Q> = [3, -1, 2, 3, 0, -1, 7]
            .iter()
            .map(|&d: &i64| Q::from(&big + d))
            .chain([Q::from(-5), Q::from((1, 3))])
            .collect();
        let one = Q::from(1);
        let cols = [
            Column::new(&x),
            Column::new(std::iter::repeat_n(&one, x.len())),
        ];
        let y = Column::new(std::iter::repeat_n(&one, x.len()));
        let w = [Q::from((2, 7)), Q::from(-1)];
        let f = RowDot::new(&cols, &w).unwrap();
        assert!(f.bits_bound() > 200);
        let fitted = Fitted {
            dr: Integer::from(&f.den * &y.scale),
            f,
            y: &y,
        };
        let values: Vec<Q> = x.iter().map(|v| Q::from(v * &w[0]) + &w[1]).collect();
        let mut expect: Vec<usize> = (0..x.len()).collect();
        expect.sort_by(|&a, &b| values[a].cmp(&values[b]).then(a.cmp(&b)));
        assert_eq!(fitted.order().unwrap(), expect);
        assert_eq!(expect, vec![7, 8, 1, 5, 4, 2, 0, 3, 6]);
    }

    #[test]
    fn exact_fit_is_not_certified() {
        let d = Dataset::from_rows(
            vec![vec![Q::from(0)], vec![Q::from(1)], vec![Q::from(2)]],
            vec![Q::from(1), Q::from(3), Q::from(5)],
        );
        let e = certify(&d, &opts(1, 0)).unwrap_err();
        assert!(e.to_string().contains("C1.1"), "{e}");
    }

    #[test]
    fn bad_options_are_input_errors() {
        let d = theorem2_data();
        assert!(matches!(certify(&d, &opts(1, 1)), Err(Error::Input(_))));
        assert!(matches!(certify(&d, &opts(0, 0)), Err(Error::Input(_))));
        assert!(matches!(
            certify(
                &d,
                &Thm1Options {
                    width: 1,
                    ..opts(1, 0)
                }
            ),
            Err(Error::Input(_))
        ));
    }
}
