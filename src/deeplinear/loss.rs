//! Losses on the f64 path (MATH §6): `G = ∂ℓ0/∂Ŷ` (a `dy × m` matrix, one column per data
//! point) and the loss value, computed a block of data columns at a time from the block of
//! `Ŷ = PX`; `∇ℓ0 = G Xᵀ` and the layer gradients do not depend on the loss otherwise. Also the
//! preparation of the targets for a loss ([`prepare_targets`], used by both paths) and the
//! rigorous rounding bound on `∇ℓ0` for each loss ([`grad0_error_bound_loss`]).
//!
//! | loss | `ℓ0` per point | column `i` of `G` | Lipschitz constant of `g` in `ŷ_i` (max-norm) |
//! |---|---|---|---|
//! | `squared` | `½‖ŷ − y‖²` | `ŷ − y` | 1 |
//! | `logistic` (`dy = 1`, `y = ±1`) | `ln(1 + e^{−yŷ})` | `−y σ(−yŷ)` | ¼ |
//! | `cross-entropy` | `ln Σ_k e^{ŷ_k} − yᵀŷ` | `softmax(ŷ) − y` | ½ |
//! | `huber:δ` | `Σ_k φ_δ(ŷ_k − y_k)` | `clamp(ŷ − y, −δ, δ)` | 1 |
//!
//! (Softmax: row `p` of its Jacobian `diag(s) − ssᵀ` has absolute sum `2s_p(1 − s_p) ≤ ½`.)
//!
//! # The rounding bound (`∇ℓ0 ≠ 0` certified when `|fl(∇ℓ0)[p,q]| > bound`)
//!
//! Write `ŷ*_i` for the exact prediction of the f64 weights and data, `ŷ_i = fl(P X)` for the
//! computed one, `Ĝ = fl(g(ŷ))` for the computed `G` and `G* = g(ŷ*)`. Then
//!
//! `|fl(Ĝ Xᵀ)[p,q] − (G* Xᵀ)[p,q]| ≤ γ_m Σ_i |Ĝ[p,i]||X[q,i]| + Σ_i e_G(p,i)|X[q,i]|`
//!
//! (the first term is the summation of `m` products in any order and blocking; the second the
//! error of `Ĝ`), with `e_G(p,i) ≥ |Ĝ[p,i] − G*[p,i]|` made of two parts:
//!
//! * **propagated**: `Lip · Δ_i`, `Δ_i = γ_{N̂} (v|X|)_i`, `N̂ = Σ_{j<L} d_j + dx` the inner
//!   dimensions of the product chain `W_L⋯W_1X` (`|fl − exact| ≤ γ_{N̂}|W_L|⋯|W_1||X|`); `v` is
//!   row `p` of `|W_L|⋯|W_1|` for the entrywise losses and, for softmax (whose column `p`
//!   depends on every row of `ŷ_i`), `v = c|W_{L−1}|⋯|W_1|` with `c_k = max_r |W_L[r,k]|`,
//!   which bounds every row of `|W_L|⋯|W_1|` from above;
//! * **evaluation** of `g` at the computed `ŷ_i`, assuming the platform's `exp` is within 4 ulp
//!   (glibc documents 1 ulp for `exp` on x86_64; `ln_1p` is used only for the reported loss
//!   value, never for `G`), each other operation correctly rounded (`u = 2^−53`; one ulp is at
//!   most `2u` relative, so 4 ulp is `8u`), and `η = 10^−300` per entry for underflow:
//!   - logistic: `σ(−z)` from `e = exp(−|z|)` as `1/(1 + e)` (`z < 0`) or `e/(1 + e)`: relative
//!     error `≤ 8u + 8u + u + u + O(u²) ≤ γ_20`, so `≤ γ_32 |Ĝ[p,i]| + η` (labels ±1 exact);
//!   - softmax: with `c = max_k ŷ_k` (exact), `t_k = fl(ŷ_k − c)` is `ŷ_k − c` perturbed by at most
//!     `u · spread_i` (`spread_i = c − min_k ŷ_k`), worth `½ u spread_i` through the Lipschitz
//!     constant; `exp` (`8u`), the sum of `dy` terms (`γ_{dy−1}`) and the division (`u`) give a
//!     relative error `≤ γ_{dy+17}` of `s_p ≤ 1`, bounded by `γ_{2dy+32}`; the subtraction of
//!     `y_p` adds `2u|Ĝ[p,i]|`, and `y_p`'s own rounding to f64 (text input) `u`;
//!   - huber: `r = fl(ŷ − y)` is off by `≤ 2u|r|` and by `u|y|` (rounding of text `y`), the
//!     rounding of `δ` to f64 by `≤ 2uδ`, and clamping is 1-Lipschitz in `r` and `δ`.
//!
//! Where `dy > 1`, `|Ĝ[p,i]|` and `|r|` above are replaced by their maxima over column `i`
//! ([`GStats`], kept while `G` is formed), which only enlarges the bound. The sums are computed
//! in f64 over nonnegative terms (depth at most `N̂ + m + 2dy + 64`), so the computed sum is
//! divided by `1 − γ_{N̂+m+2dy+64}` (and widened by `1e−12`). The work is that of the squared
//! loss's bound ([`super::grad0_error_bound`], unchanged for `squared`): one row carried
//! through `|W_{L−1}|⋯|W_1|` (`O(Σ d_j d_{j−1})`) and `O(m·dx)` against `|X|`, plus two numbers
//! per data point. Any NaN or infinity makes the bound `None` (not certified).
//!
//! As for the squared loss, the statement is about the weights and data as read into f64 (a
//! decimal text entry of `X` or `W` is rounded once); the targets' rounding is counted above.

use super::load::{Mat64, Num, RawMatrix};
use super::{gamma, U};
use crate::error::{Error, Result};
use crate::exact::{parse_input, Q};
use faer::{Mat, MatMut, MatRef};

/// Losses the f64 path evaluates (a formula loss needs `--exact`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss64 {
    /// `½‖ŷ − y‖²`.
    Squared,
    /// `ln(1 + e^{−yŷ})`, `dy = 1`, `y = ±1`.
    Logistic,
    /// Softmax cross-entropy `ln Σ_k e^{ŷ_k} − yᵀŷ`, `y` a probability vector.
    CrossEntropy,
    /// Huber with threshold `δ > 0` (as rounded to f64).
    Huber(f64),
}

/// What `--loss` names, before the path is chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum LossSpec {
    /// `squared`.
    Squared,
    /// `logistic`.
    Logistic,
    /// `cross-entropy`.
    CrossEntropy,
    /// `huber:δ`, `δ > 0` exact.
    Huber(Q),
    /// A formula `f(yhat, y)` (exact path only).
    Formula(String),
}

/// The accepted names, for messages.
pub const LOSS_NAMES: &str =
    "squared, logistic, cross-entropy, huber:δ (δ > 0) or a formula f(yhat, y)";

impl LossSpec {
    /// Parses `--loss`: a name, `huber:δ` (`δ > 0`, decimal or fraction) or a formula in `yhat`
    /// and `y`. Text that is neither a name nor mentions `yhat` or `y` (`logisitc`) is an
    /// unknown loss rather than a formula.
    pub fn parse(s: &str) -> Result<LossSpec> {
        let t = s.trim();
        match t {
            "squared" => return Ok(LossSpec::Squared),
            "logistic" => return Ok(LossSpec::Logistic),
            "cross-entropy" => return Ok(LossSpec::CrossEntropy),
            _ => {}
        }
        if let Some(d) = t.strip_prefix("huber:") {
            let q = parse_input(d).map_err(|e| Error::Input(format!("--loss {t}: δ: {e}")))?;
            if q <= 0 {
                return Err(Error::Input(format!(
                    "--loss {t}: the Huber threshold δ must be > 0"
                )));
            }
            return Ok(LossSpec::Huber(q));
        }
        // `formula:f(yhat, y)`, as certificates name a formula loss, is accepted too.
        if let Some(f) = t.strip_prefix("formula:") {
            return Ok(LossSpec::Formula(f.trim().to_string()));
        }
        // A formula mentions yhat or y; anything else (`logisitc`, `huber`) is an unknown name.
        let mentions_y = t
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == "y" || w == "yhat");
        if !mentions_y {
            return Err(Error::Input(format!(
                "--loss {}: unknown loss (expected {LOSS_NAMES})",
                crate::error::clip(t, 40)
            )));
        }
        Ok(LossSpec::Formula(t.to_string()))
    }
}

impl LossSpec {
    /// The loss as certificates name it (`problem.loss`, [`crate::cert::loss`]).
    pub fn certificate_name(&self) -> String {
        match self {
            LossSpec::Squared => crate::cert::loss::SQUARED.into(),
            LossSpec::Logistic => "logistic".into(),
            LossSpec::CrossEntropy => "cross-entropy".into(),
            LossSpec::Huber(d) => format!("huber:{}", crate::exact::format_rational(d)),
            LossSpec::Formula(f) => format!("formula:{f}"),
        }
    }
}

impl Loss64 {
    /// Parses `--loss` for the f64 path: a formula is refused (it needs `--exact`).
    pub fn parse(s: &str) -> Result<Loss64> {
        Ok(match LossSpec::parse(s)? {
            LossSpec::Squared => Loss64::Squared,
            LossSpec::Logistic => Loss64::Logistic,
            LossSpec::CrossEntropy => Loss64::CrossEntropy,
            LossSpec::Huber(q) => {
                let d = q.to_f64();
                if !(d.is_normal() && d > 0.0) {
                    return Err(Error::Input(format!(
                        "--loss {}: δ is outside the range of f64; use --exact",
                        s.trim()
                    )));
                }
                Loss64::Huber(d)
            }
            LossSpec::Formula(f) => {
                return Err(Error::Input(format!(
                    "--loss {}: a formula loss needs --exact (the f64 path knows squared, logistic, cross-entropy and huber:δ)",
                    crate::error::clip(&f, 40)
                )))
            }
        })
    }

    /// The loss's name (`huber:δ` with `δ` as rounded to f64).
    pub fn name(&self) -> String {
        match self {
            Loss64::Squared => "squared".into(),
            Loss64::Logistic => "logistic".into(),
            Loss64::CrossEntropy => "cross-entropy".into(),
            Loss64::Huber(d) => format!("huber:{d}"),
        }
    }

    /// Lipschitz constant of `ŷ_i ↦ G[p,i]` in the max-norm (see the module docs).
    pub fn lipschitz(&self) -> f64 {
        match self {
            Loss64::Squared | Loss64::Huber(_) => 1.0,
            Loss64::Logistic => 0.25,
            Loss64::CrossEntropy => 0.5,
        }
    }

    /// Whether `G` involves `exp` (so `∇ℓ0 = 0` is essentially never exact).
    pub fn transcendental(&self) -> bool {
        matches!(self, Loss64::Logistic | Loss64::CrossEntropy)
    }
}

/// Per-column statistics of the computed `G`, kept for the rounding bound (empty for the
/// squared loss, whose bound does not need them).
#[derive(Clone, Debug, Default)]
pub struct GStats {
    /// `max_k |Ĝ[k,i]|` (NaN if any entry is NaN).
    pub gmax: Vec<f64>,
    /// Softmax: `max_k ŷ_k − min_k ŷ_k`; Huber: `max_k |fl(ŷ_k − y_k)|`; logistic: 0.
    pub aux: Vec<f64>,
}

/// `max(a, |b|)` that keeps a NaN (a NaN anywhere makes the bound fail closed).
#[inline]
fn upd(a: &mut f64, b: f64) {
    if b.is_nan() || (!a.is_nan() && b.abs() > *a) {
        *a = b.abs();
    }
}

/// Turns a block `Ŷ` (`dy × w`, overwritten with `G`) into `G = g(Ŷ, Y)` for a loss other than
/// `squared` (which [`super::gradients_loss`] does in place as before), appends the per-column
/// statistics and returns the block's loss.
pub fn g_block(loss: &Loss64, mut r: MatMut<f64>, y: MatRef<f64>, stats: &mut GStats) -> f64 {
    let (dy, w) = (r.nrows(), r.ncols());
    let mut total = 0.0;
    match *loss {
        Loss64::Squared => {
            for j in 0..w {
                let mut gm = 0.0;
                for k in 0..dy {
                    let v = r[(k, j)] - y[(k, j)];
                    r[(k, j)] = v;
                    total += 0.5 * v * v;
                    upd(&mut gm, v);
                }
                stats.gmax.push(gm);
                stats.aux.push(0.0);
            }
        }
        Loss64::Logistic => {
            for j in 0..w {
                let mut gm = 0.0;
                for k in 0..dy {
                    let yy = y[(k, j)];
                    let z = yy * r[(k, j)];
                    let e = (-z.abs()).exp();
                    // σ(−z) = 1/(1 + e^z).
                    let s = if z < 0.0 {
                        1.0 / (1.0 + e)
                    } else {
                        e / (1.0 + e)
                    };
                    // NaN z: e and s are NaN.
                    let g = -yy * s;
                    r[(k, j)] = g;
                    // ln(1 + e^{−z}) = max(−z, 0) + ln(1 + e^{−|z|}) (softplus, no overflow).
                    total += (-z).max(0.0) + e.ln_1p();
                    upd(&mut gm, g);
                }
                stats.gmax.push(gm);
                stats.aux.push(0.0);
            }
        }
        Loss64::CrossEntropy => {
            for j in 0..w {
                let (mut c, mut lo) = (f64::NEG_INFINITY, f64::INFINITY);
                let mut nan = false;
                for k in 0..dy {
                    let v = r[(k, j)];
                    nan |= v.is_nan();
                    c = c.max(v);
                    lo = lo.min(v);
                }
                if nan || !c.is_finite() || !lo.is_finite() {
                    for k in 0..dy {
                        r[(k, j)] = f64::NAN;
                    }
                    total = f64::NAN;
                    stats.gmax.push(f64::NAN);
                    stats.aux.push(f64::NAN);
                    continue;
                }
                let mut s = 0.0;
                let mut yx = 0.0;
                for k in 0..dy {
                    let t = r[(k, j)] - c;
                    yx += y[(k, j)] * t;
                    let e = t.exp();
                    r[(k, j)] = e;
                    s += e;
                }
                total += s.ln() - yx;
                let mut gm = 0.0;
                for k in 0..dy {
                    let g = r[(k, j)] / s - y[(k, j)];
                    r[(k, j)] = g;
                    upd(&mut gm, g);
                }
                stats.gmax.push(gm);
                stats.aux.push(c - lo);
            }
        }
        Loss64::Huber(d) => {
            for j in 0..w {
                let (mut gm, mut rm) = (0.0, 0.0);
                for k in 0..dy {
                    let v = r[(k, j)] - y[(k, j)];
                    upd(&mut rm, v);
                    let a = v.abs();
                    total += if a <= d {
                        0.5 * v * v
                    } else {
                        d * (a - 0.5 * d)
                    };
                    // clamp keeps a NaN.
                    let g = v.clamp(-d, d);
                    r[(k, j)] = g;
                    upd(&mut gm, g);
                }
                stats.gmax.push(gm);
                stats.aux.push(rm);
            }
        }
    }
    total
}

/// Absolute allowance per entry for underflow in `exp` and the division (`η`).
const TINY: f64 = 1e-300;

/// The rigorous bound on `|fl(∇ℓ0)[p,q] − ∇ℓ0[p,q]|` for [`super::gradients_loss`] with `loss`
/// (module docs); for `squared` it is [`super::grad0_error_bound`]. `stats` are the ones
/// [`super::gradients_loss`] returned. `None` if a `γ` is undefined or anything is not finite.
pub fn grad0_error_bound_loss(
    loss: &Loss64,
    w: &[faer::Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    stats: &GStats,
    p: usize,
    q: usize,
) -> Option<f64> {
    if *loss == Loss64::Squared {
        return super::grad0_error_bound(w, x, y, p, q);
    }
    let l = w.len();
    let (dx, m, dy) = (x.nrows(), x.ncols(), y.nrows());
    if stats.gmax.len() != m || stats.aux.len() != m {
        return None;
    }
    let n_hat = w[..l - 1].iter().map(|a| a.nrows()).sum::<usize>() + dx;
    let g_hat = gamma(n_hat)?;
    let g_m = gamma(m + 2)?;
    let g_total = gamma(n_hat + m + 2 * dy + 64)?;
    let wl = &w[l - 1];
    // The starting row: row p of |W_L|, or for softmax the column maxima of |W_L|.
    let mut row: Vec<f64> = match loss {
        Loss64::CrossEntropy => (0..wl.ncols())
            .map(|k| (0..wl.nrows()).fold(0.0f64, |a, i| a.max(wl[(i, k)].abs())))
            .collect(),
        _ => (0..wl.ncols()).map(|k| wl[(p, k)].abs()).collect(),
    };
    for wj in w[..l - 1].iter().rev() {
        row = (0..wj.ncols())
            .map(|k| (0..wj.nrows()).map(|i| row[i] * wj[(i, k)].abs()).sum())
            .collect();
    }
    let lip = loss.lipschitz();
    let rel = match loss {
        Loss64::Logistic => gamma(32)?,
        Loss64::CrossEntropy => gamma(2 * dy + 32)?,
        _ => 0.0,
    };
    let mut s = 0.0;
    for i in 0..m {
        let xq = x[(q, i)].abs();
        let gm = stats.gmax[i];
        let aux = stats.aux[i];
        let a: f64 = (0..dx).map(|k| row[k] * x[(k, i)].abs()).sum();
        let eval = match *loss {
            Loss64::Logistic => rel * gm + TINY,
            Loss64::CrossEntropy => 0.5 * U * aux + rel + 2.0 * U * gm + U + TINY,
            Loss64::Huber(d) => 2.0 * U * aux + U * y[(p, i)].abs() + 2.0 * U * d + TINY,
            Loss64::Squared => unreachable!(),
        };
        // A NaN statistic poisons the sum (NaN · 0 is NaN), so the bound fails closed.
        s += (g_m * gm + lip * g_hat * a + eval) * xq;
    }
    let b = s / (1.0 - g_total) * (1.0 + 1e-12);
    b.is_finite().then_some(b)
}

/// An entry of the targets as read: a binary float (`.npy`, or the f64 readers) or decimal
/// text (CSV/JSON on the exact readers). The checks of [`prepare_targets`] are decided on it
/// exactly.
pub trait TargetEntry {
    /// The value when it is a binary float (exact as stored).
    fn float(&self) -> Option<f64>;
    /// The exact value.
    fn exact(&self) -> std::result::Result<Q, String>;
    /// The entry for messages.
    fn show(&self) -> String;
}

impl TargetEntry for Num {
    fn float(&self) -> Option<f64> {
        match self {
            Num::Float(f) => Some(*f),
            Num::Text(_) => None,
        }
    }
    fn exact(&self) -> std::result::Result<Q, String> {
        match self {
            Num::Float(f) => Q::from_f64(*f).ok_or_else(|| format!("{f} is not finite")),
            Num::Text(t) => parse_input(t),
        }
    }
    fn show(&self) -> String {
        match self {
            Num::Float(f) => format!("{f}"),
            Num::Text(t) => crate::error::clip(t, 30),
        }
    }
}

impl TargetEntry for f64 {
    fn float(&self) -> Option<f64> {
        Some(*self)
    }
    fn exact(&self) -> std::result::Result<Q, String> {
        Q::from_f64(*self).ok_or_else(|| format!("{self} is not finite"))
    }
    fn show(&self) -> String {
        format!("{self}")
    }
}

/// What [`prepare`] decided about the targets.
enum Prepared {
    /// Used as read.
    Unchanged,
    /// One label ±1 per point.
    Labels(Vec<f64>),
    /// One class index per point (one-hot rows of `dy`).
    OneHot(Vec<usize>),
}

/// The checks of [`prepare_targets`] on `rows` points of `cols` entries, entry `(i, j)` given
/// by `get`.
fn prepare<'a, E: TargetEntry + 'a>(
    loss: &str,
    rows: usize,
    cols: usize,
    get: impl Fn(usize, usize) -> &'a E,
    dy: usize,
    name: &str,
) -> Result<(Prepared, Option<String>)> {
    let bad = |row: usize, why: String| Error::Input(format!("{name}: row {}: {why}", row + 1));
    match LossSpec::parse(loss)? {
        LossSpec::Squared | LossSpec::Huber(_) | LossSpec::Formula(_) => {
            Ok((Prepared::Unchanged, None))
        }
        LossSpec::Logistic => {
            if dy != 1 {
                return Err(Error::Input(format!(
                    "--loss logistic needs one output (dy = 1), but the last layer has {dy} outputs"
                )));
            }
            if cols != 1 {
                return Err(Error::Input(format!(
                    "{name}: logistic targets are one label per row (−1/1 or 0/1), found {cols} columns"
                )));
            }
            // Each label as −1, 0, 1 or something else (None).
            let mut labels = Vec::with_capacity(rows);
            for i in 0..rows {
                let v = get(i, 0);
                let l = match v.float() {
                    Some(-1.0) => Some(-1i8),
                    Some(0.0) => Some(0),
                    Some(1.0) => Some(1),
                    Some(_) => None,
                    None => {
                        let q = v.exact().map_err(|e| bad(i, e))?;
                        [-1i8, 0, 1].into_iter().find(|&c| q == c)
                    }
                };
                labels.push(l);
            }
            let zero_one = labels.iter().all(|l| matches!(l, Some(0 | 1)));
            let converted = zero_one && labels.contains(&Some(0));
            if !zero_one {
                if let Some(i) = labels.iter().position(|l| !matches!(l, Some(-1 | 1))) {
                    return Err(bad(
                        i,
                        format!(
                            "label {} is not −1 or 1 (logistic loss; 0/1 labels are accepted when every label is 0 or 1)",
                            get(i, 0).show()
                        ),
                    ));
                }
            }
            let data = labels
                .iter()
                .map(|l| if *l == Some(1) { 1.0 } else { -1.0 })
                .collect();
            let note =
                converted.then(|| format!("{name}: labels 0/1 read as −1/1 (logistic loss)"));
            Ok((Prepared::Labels(data), note))
        }
        LossSpec::CrossEntropy => {
            if dy < 2 {
                return Err(Error::Input(format!(
                    "--loss cross-entropy needs dy ≥ 2 classes, but the last layer has {dy} output"
                )));
            }
            if cols == 1 {
                let mut classes = Vec::with_capacity(rows);
                for i in 0..rows {
                    let v = get(i, 0);
                    let c = match v.float() {
                        Some(f) if f.fract() == 0.0 && f >= 0.0 && f < dy as f64 => {
                            Some(f as usize)
                        }
                        Some(_) => None,
                        None => {
                            let q = v.exact().map_err(|e| bad(i, e))?;
                            (q.is_integer() && q >= 0 && q < dy)
                                .then(|| q.numer().to_usize())
                                .flatten()
                        }
                    };
                    let c = c.ok_or_else(|| {
                        bad(
                            i,
                            format!(
                                "class index {} is not an integer in 0..{} (cross-entropy with {dy} classes)",
                                v.show(),
                                dy - 1
                            ),
                        )
                    })?;
                    classes.push(c);
                }
                return Ok((Prepared::OneHot(classes), None));
            }
            if cols != dy {
                return Err(Error::Input(format!(
                    "{name}: cross-entropy targets need {dy} columns (a probability vector per row) or one column of class indices 0..{}, found {cols} columns",
                    dy.saturating_sub(1),
                )));
            }
            for i in 0..rows {
                // Fast path: binary floats 0 and 1 (one-hot rows).
                let ones = (0..cols)
                    .filter(|&j| get(i, j).float() == Some(1.0))
                    .count();
                if ones == 1
                    && (0..cols)
                        .all(|j| matches!(get(i, j).float(), Some(f) if f == 1.0 || f == 0.0))
                {
                    continue;
                }
                let mut sum = Q::new();
                for j in 0..cols {
                    let v = get(i, j);
                    let q = v.exact().map_err(|e| bad(i, e))?;
                    if q < 0 {
                        return Err(bad(
                            i,
                            format!(
                                "entry {} is negative (cross-entropy targets are probability vectors)",
                                v.show()
                            ),
                        ));
                    }
                    sum += q;
                }
                if sum != 1 {
                    return Err(bad(
                        i,
                        format!(
                            "the entries sum to {} ≈ {:.17}, not exactly 1 (cross-entropy targets are probability vectors; the sum is checked exactly)",
                            crate::error::clip(&sum.to_string(), 40),
                            sum.to_f64()
                        ),
                    ));
                }
            }
            Ok((Prepared::Unchanged, None))
        }
    }
}

/// Checks and converts the targets `y` (as read: `m × cols`, one row per point) for the loss
/// named by `loss` (`--loss`), for both paths; `dy` is the last layer's output width and
/// `name` names the file in messages. Logistic: labels −1/1, or all 0/1 (read as −1/1, with a
/// note). Cross-entropy: rows that are probability vectors (non-negative, summing to exactly 1,
/// checked in exact arithmetic on the values as read), or one column of class indices
/// `0..dy−1` (turned into one-hot rows); `dy ≥ 2`. Other losses: unchanged. Errors name the file
/// and the row (1-based).
pub fn prepare_targets(
    loss: &str,
    y: RawMatrix,
    dy: usize,
    name: &str,
) -> Result<(RawMatrix, Option<String>)> {
    let c = y.cols;
    let (p, note) = prepare(loss, y.rows, c, |i, j| &y.data[i * c + j], dy, name)?;
    let y = match p {
        Prepared::Unchanged => y,
        Prepared::Labels(l) => {
            RawMatrix::new(y.name, l.len(), 1, l.into_iter().map(Num::Float).collect())?
        }
        Prepared::OneHot(classes) => {
            let mut data = Vec::with_capacity(classes.len() * dy);
            for c in &classes {
                data.extend((0..dy).map(|k| Num::Float(if k == *c { 1.0 } else { 0.0 })));
            }
            RawMatrix::new(y.name, classes.len(), dy, data)?
        }
    };
    Ok((y, note))
}

/// [`prepare_targets`] for targets read straight into f64 with one column per point
/// (`cols × m`, as [`super::load::read_matrix_f64`] returns them transposed): the same checks
/// on the stored binary values (exact), the result `dy × m`.
pub fn prepare_targets_f64(
    loss: &str,
    y: Mat64,
    dy: usize,
    name: &str,
) -> Result<(Mat64, Option<String>)> {
    let mat = &y.mat;
    let (p, note) = prepare(
        loss,
        mat.ncols(),
        mat.nrows(),
        |i, j| &mat[(j, i)],
        dy,
        name,
    )?;
    let mat = match p {
        Prepared::Unchanged => return Ok((y, note)),
        Prepared::Labels(l) => Mat::from_fn(1, l.len(), |_, i| l[i]),
        Prepared::OneHot(c) => Mat::from_fn(dy, c.len(), |k, i| if c[i] == k { 1.0 } else { 0.0 }),
    };
    Ok((Mat64 { name: y.name, mat }, note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::interval::I;
    use crate::deeplinear::{gradients_loss, Gemm};
    use faer::{Mat, Par};
    use rug::Rational;

    /// A small deterministic generator (xorshift64*), values in `[−a, a]`.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, a: f64) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let u = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
            a * (2.0 * u - 1.0)
        }
        fn mat(&mut self, r: usize, c: usize, a: f64) -> Mat<f64> {
            Mat::from_fn(r, c, |_, _| self.next(a))
        }
    }

    fn targets(loss: &Loss64, rng: &mut Rng, dy: usize, m: usize) -> Mat<f64> {
        match loss {
            Loss64::Logistic => {
                Mat::from_fn(dy, m, |_, _| if rng.next(1.0) < 0.0 { -1.0 } else { 1.0 })
            }
            Loss64::CrossEntropy => {
                // Rows 0..dy−1 of a probability vector that sums to exactly 1 in binary:
                // quarters.
                let mut y = Mat::zeros(dy, m);
                for i in 0..m {
                    let a = ((rng.next(1.0) + 1.0) * 2.0) as usize % dy;
                    let b = ((rng.next(1.0) + 1.0) * 2.0 + 1.0) as usize % dy;
                    y[(a, i)] += 0.75;
                    y[(b, i)] += 0.25;
                }
                y
            }
            _ => rng.mat(dy, m, 3.0),
        }
    }

    #[test]
    fn g_matches_the_direct_formulas() {
        let mut rng = Rng(0x1234_5678);
        let (dy, m) = (3, 17);
        for loss in [
            Loss64::Squared,
            Loss64::Logistic,
            Loss64::CrossEntropy,
            Loss64::Huber(0.7),
        ] {
            let dy = if loss == Loss64::Logistic { 1 } else { dy };
            let yhat = rng.mat(dy, m, 4.0);
            let y = targets(&loss, &mut rng, dy, m);
            let mut g = yhat.clone();
            let mut st = GStats::default();
            let total = g_block(&loss, g.as_mut(), y.as_ref(), &mut st);
            let mut direct_total = 0.0;
            for i in 0..m {
                let z: f64 = (0..dy).map(|k| yhat[(k, i)].exp()).sum();
                for k in 0..dy {
                    let (h, t) = (yhat[(k, i)], y[(k, i)]);
                    let (gk, lk) = match loss {
                        Loss64::Squared => (h - t, 0.5 * (h - t) * (h - t)),
                        Loss64::Logistic => {
                            (-t / (1.0 + (t * h).exp()), (1.0 + (-t * h).exp()).ln())
                        }
                        Loss64::CrossEntropy => {
                            (h.exp() / z - t, (if k == 0 { z.ln() } else { 0.0 }) - t * h)
                        }
                        Loss64::Huber(d) => (
                            (h - t).clamp(-d, d),
                            if (h - t).abs() <= d {
                                0.5 * (h - t).powi(2)
                            } else {
                                d * ((h - t).abs() - d / 2.0)
                            },
                        ),
                    };
                    assert!(
                        (g[(k, i)] - gk).abs() <= 1e-14 * (1.0 + gk.abs()),
                        "{loss:?} {k} {i}: {} vs {gk}",
                        g[(k, i)]
                    );
                    direct_total += lk;
                }
                let gm = (0..dy).map(|k| g[(k, i)].abs()).fold(0.0, f64::max);
                assert_eq!(st.gmax[i], gm);
            }
            assert!(
                (total - direct_total).abs() <= 1e-12 * direct_total.abs(),
                "{loss:?}: {total} vs {direct_total}"
            );
        }
        // NaN is kept, so the bound fails closed.
        let mut st = GStats::default();
        let mut g = Mat::from_fn(2, 1, |k, _| if k == 0 { f64::NAN } else { 1.0 });
        g_block(
            &Loss64::CrossEntropy,
            g.as_mut(),
            Mat::from_fn(2, 1, |k, _| k as f64).as_ref(),
            &mut st,
        );
        assert!(st.gmax[0].is_nan());
        let mut st = GStats::default();
        let mut g = Mat::from_fn(2, 1, |k, _| if k == 1 { f64::NAN } else { 1.0 });
        g_block(
            &Loss64::Huber(1.0),
            g.as_mut(),
            Mat::zeros(2, 1).as_ref(),
            &mut st,
        );
        assert!(st.gmax[0].is_nan());
    }

    fn rat(x: f64) -> Rational {
        Rational::from_f64(x).unwrap()
    }

    /// `∇ℓ0 = g(W_L⋯W_1 X, Y) Xᵀ` of the f64 inputs, with exact rational products and `g`
    /// enclosed by the checker's 512-bit MPFR intervals (outward rounding).
    fn reference(loss: &Loss64, w: &[Mat<f64>], x: &Mat<f64>, y: &Mat<f64>) -> Vec<Vec<I>> {
        const PREC: u32 = 512;
        let q = |a: &Mat<f64>| -> Vec<Vec<Rational>> {
            (0..a.nrows())
                .map(|i| (0..a.ncols()).map(|j| rat(a[(i, j)])).collect())
                .collect()
        };
        let mul = |a: &Vec<Vec<Rational>>, b: &Vec<Vec<Rational>>| -> Vec<Vec<Rational>> {
            (0..a.len())
                .map(|i| {
                    (0..b[0].len())
                        .map(|j| {
                            let mut s = Rational::new();
                            for k in 0..b.len() {
                                s += Rational::from(&a[i][k] * &b[k][j]);
                            }
                            s
                        })
                        .collect()
                })
                .collect()
        };
        let mut p = q(&w[0]);
        for wj in &w[1..] {
            p = mul(&q(wj), &p);
        }
        let (xq, yq) = (q(x), q(y));
        let yhat = mul(&p, &xq);
        let (dy, m, dx) = (yhat.len(), x.ncols(), x.nrows());
        let f = |r: &Rational| I::from_q(PREC, r);
        let one = I::from_i(PREC, 1);
        let mut g = vec![vec![I::from_i(PREC, 0); m]; dy];
        for i in 0..m {
            match loss {
                Loss64::Squared => {
                    for k in 0..dy {
                        g[k][i] = f(&Rational::from(&yhat[k][i] - &yq[k][i]));
                    }
                }
                Loss64::Logistic => {
                    let z = f(&Rational::from(&yq[0][i] * &yhat[0][i]));
                    let s = one.div(&one.add(&z.exp())).unwrap();
                    g[0][i] = f(&yq[0][i]).neg().mul(&s);
                }
                Loss64::CrossEntropy => {
                    let e: Vec<I> = (0..dy).map(|k| f(&yhat[k][i]).exp()).collect();
                    let mut z = I::from_i(PREC, 0);
                    for v in &e {
                        z = z.add(v);
                    }
                    for k in 0..dy {
                        g[k][i] = e[k].div(&z).unwrap().sub(&f(&yq[k][i]));
                    }
                }
                Loss64::Huber(d) => {
                    for k in 0..dy {
                        let r = Rational::from(&yhat[k][i] - &yq[k][i]);
                        let dq = rat(*d);
                        let c = if r > dq {
                            dq
                        } else if r < -dq.clone() {
                            -dq
                        } else {
                            r
                        };
                        g[k][i] = f(&c);
                    }
                }
            }
        }
        (0..dy)
            .map(|p| {
                (0..dx)
                    .map(|qq| {
                        let mut s = I::from_i(PREC, 0);
                        for i in 0..m {
                            s = s.add(&g[p][i].mul(&f(&xq[qq][i])));
                        }
                        s
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_bound_bounds_the_difference_from_mpfr() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for (t, loss) in [
            Loss64::Logistic,
            Loss64::CrossEntropy,
            Loss64::Huber(0.3),
            Loss64::Squared,
            Loss64::Logistic,
            Loss64::CrossEntropy,
        ]
        .into_iter()
        .enumerate()
        {
            let dy = if loss == Loss64::Logistic { 1 } else { 4 };
            let widths = [3, 5, 4, dy];
            let m = 40 + 7 * t;
            // Larger scales on later rounds: predictions of tens, spread softmax.
            let scale = 0.5 + t as f64;
            let w: Vec<Mat<f64>> = (1..widths.len())
                .map(|j| rng.mat(widths[j], widths[j - 1], scale))
                .collect();
            let x = rng.mat(widths[0], m, 3.0);
            let y = targets(&loss, &mut rng, dy, m);
            let gr = gradients_loss(
                &loss,
                &w,
                x.as_ref(),
                y.as_ref(),
                Gemm::Faer(Par::Seq),
                &|| {},
            );
            let r = reference(&loss, &w, &x, &y);
            let mut worst: f64 = 0.0;
            for (p, rp) in r.iter().enumerate() {
                for (q, rpq) in rp.iter().enumerate() {
                    let b =
                        grad0_error_bound_loss(&loss, &w, x.as_ref(), y.as_ref(), &gr.stats, p, q)
                            .unwrap();
                    // The largest |fl − exact| over the enclosure of the exact value, rounded up.
                    let d = rpq.sub(&I::from_q(512, &rat(gr.grad0[(p, q)]))).abs();
                    let diff = d.hi_q().unwrap().to_f64() * (1.0 + f64::EPSILON);
                    assert!(
                        diff <= b,
                        "{loss:?} [{p},{q}]: |fl − exact| = {diff:e} > bound {b:e}"
                    );
                    assert!(b < 1e-9, "{loss:?}: bound {b:e} is uselessly large");
                    worst = worst.max(diff / b);
                }
            }
            eprintln!("{loss:?}: max |fl − exact| / bound = {worst:.3e}");
        }
    }

    #[test]
    fn parse_and_targets() {
        assert_eq!(Loss64::parse("logistic").unwrap(), Loss64::Logistic);
        assert_eq!(Loss64::parse("huber:1/4").unwrap(), Loss64::Huber(0.25));
        assert!(Loss64::parse("huber:0")
            .unwrap_err()
            .to_string()
            .contains("> 0"));
        assert!(Loss64::parse("(yhat - y)^4")
            .unwrap_err()
            .to_string()
            .contains("--exact"));
        assert!(Loss64::parse("logisitc")
            .unwrap_err()
            .to_string()
            .contains("unknown loss"));
        assert!(Loss64::parse("yhat-y")
            .unwrap_err()
            .to_string()
            .contains("--exact"));
        assert_eq!(
            LossSpec::parse("log(1 + exp(-y*yhat))").unwrap(),
            LossSpec::Formula("log(1 + exp(-y*yhat))".into())
        );
        assert!(LossSpec::parse("huber").is_err());
        assert_eq!(
            LossSpec::parse("formula:(yhat - y)^4").unwrap(),
            LossSpec::Formula("(yhat - y)^4".into())
        );
        let raw = |rows: usize, cols: usize, v: &[&str]| {
            RawMatrix::new(
                "y.csv".into(),
                rows,
                cols,
                v.iter().map(|s| Num::Text(s.to_string())).collect(),
            )
            .unwrap()
        };
        // 0/1 labels read as −1/1 with a note; −1/0/1 mixed is an error naming the row.
        let (y, note) =
            prepare_targets("logistic", raw(3, 1, &["0", "1", "0.0"]), 1, "y.csv").unwrap();
        assert!(note.unwrap().contains("0/1"));
        assert_eq!(y.to_f64().unwrap(), vec![-1.0, 1.0, -1.0]);
        let e = prepare_targets("logistic", raw(3, 1, &["-1", "1", "0"]), 1, "y.csv")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("y.csv: row 3: label 0 is not −1 or 1"), "{e}");
        // Class indices become one-hot rows; probability rows must sum to exactly 1.
        let (y, _) = prepare_targets("cross-entropy", raw(2, 1, &["2", "0"]), 3, "y.csv").unwrap();
        assert_eq!(y.to_f64().unwrap(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
        let e = prepare_targets("cross-entropy", raw(2, 1, &["2", "3"]), 3, "y.csv")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("y.csv: row 2: class index 3"), "{e}");
        prepare_targets(
            "cross-entropy",
            raw(1, 3, &["0.1", "0.2", "0.7"]),
            3,
            "y.csv",
        )
        .unwrap();
        let e = prepare_targets(
            "cross-entropy",
            raw(2, 3, &["0.1", "0.2", "0.7", "1/3", "1/3", "0.333"]),
            3,
            "y.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("y.csv: row 2: the entries sum to"), "{e}");
        // Binary floats: 0.1 + 0.2 + 0.7 is not exactly 1.
        let f = RawMatrix::new(
            "y.npy".into(),
            1,
            3,
            [0.1, 0.2, 0.7].map(Num::Float).to_vec(),
        )
        .unwrap();
        let e = prepare_targets("cross-entropy", f, 3, "y.npy")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("y.npy: row 1: the entries sum to"), "{e}");
        let e = prepare_targets("cross-entropy", raw(1, 2, &["1.5", "-0.5"]), 2, "y.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 1: entry -0.5 is negative"), "{e}");
    }
}
