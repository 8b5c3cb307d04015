//! The fast f64 path for deep linear networks `Ŷ = W_L⋯W_1 X` (`L = H + 1` layers; squared
//! loss by default, or any loss of [`loss::Loss64`], which changes only `G = ∂ℓ0/∂Ŷ`): the
//! product, the residual (or `G`), `∇ℓ0 = G Xᵀ`, every layer gradient, `‖∇ℓ0‖`, a
//! classification with a stated tolerance, a rigorous floating-point error bound that certifies
//! `∇ℓ0 ≠ 0` when it is, and on request the numerical rank of the product (SVD; the verdict
//! does not use it).
//!
//! Order of products (prefix products and a backward sweep over `dx`-wide matrices, never over
//! the `m` data columns except twice):
//!
//! 1. prefix `P_j = W_j P_{j−1}` (`P_1 = W_1`), `j = 2..L`: `L − 1` products of widths only;
//! 2. `Ŷ = P_L X`, `G = g(Ŷ, Y)` (`R = Ŷ − Y` for the squared loss) and `∇ℓ0 = G Xᵀ`: the only
//!    two products that touch the `m` data columns;
//! 3. `U_L = ∇ℓ0`, `U_j = W_{j+1}ᵀ U_{j+1}` (`= W_{L:j+1}ᵀ ∇ℓ0`): `L − 1` products;
//! 4. `∇_{W_j}ℓ = U_j P_{j−1}ᵀ` (`j ≥ 2`), `∇_{W_1}ℓ = U_1`: `L − 1` products.
//!
//! Step 2 runs over blocks of data columns, so the residual is never held whole. The products
//! use faer or, when the system has it, OpenBLAS ([`blas`]).
//!
//! That is `3L − 3` width-sized products plus two data-sized ones, against `3L − 1` data-sized
//! products (`m × width` panels) for reverse accumulation through the data; it wins whenever
//! `m` exceeds the widths, as in every benchmark configuration (`m = 4·width`).

pub mod blas;
pub mod load;
pub mod loss;

pub use blas::{Gemm, OpenBlas};
use faer::reborrow::{Reborrow, ReborrowMut};
use faer::{Mat, MatRef};
pub use loss::{GStats, Loss64};

/// Unit roundoff of f64.
pub const U: f64 = f64::EPSILON / 2.0;

/// `γ_n = nu / (1 − nu)` (rounded up generously; `None` if `nu ≥ 1`).
pub fn gamma(n: usize) -> Option<f64> {
    let nu = n as f64 * U;
    (nu < 0.5).then(|| nu / (1.0 - nu) * (1.0 + 4.0 * U))
}

/// The f64 classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict64 {
    /// Critical within τ and `max|∇ℓ0| ≤ τ`.
    GlobalMinimum,
    /// Critical within τ and `∇ℓ0 ≠ 0` certified by the error bound.
    Saddle,
    /// Some layer-gradient entry exceeds τ.
    NotCritical,
    /// Critical within τ, `max|∇ℓ0| > τ`, but not certified nonzero.
    Inconclusive,
}

impl Verdict64 {
    /// The verdict's name.
    pub fn name(self) -> &'static str {
        match self {
            Verdict64::GlobalMinimum => "global-minimum",
            Verdict64::Saddle => "saddle",
            Verdict64::NotCritical => "not-critical",
            Verdict64::Inconclusive => "inconclusive",
        }
    }
}

/// Everything the f64 path computes.
#[derive(Clone, Debug)]
pub struct Report64 {
    /// Widths `d0 = dx, …, d_L = dy`.
    pub widths: Vec<usize>,
    /// Number of data points.
    pub m: usize,
    /// The loss.
    pub loss_kind: Loss64,
    /// The loss value (`½‖PX − Y‖²` for the squared loss).
    pub loss: f64,
    /// `‖∇ℓ0‖_F`.
    pub grad0_norm: f64,
    /// Largest `|∇ℓ0|` entry: (row, col, value), 1-based.
    pub grad0_max: (usize, usize, f64),
    /// Rigorous bound on the rounding error of that entry.
    pub grad0_bound: f64,
    /// `|value| > bound`: `∇ℓ0 ≠ 0` is certified.
    pub grad0_certified_nonzero: bool,
    /// `‖∇_{W_j}ℓ‖_F` for every layer.
    pub layer_grad_norms: Vec<f64>,
    /// Largest layer-gradient entry: (layer, row, col, value), 1-based.
    pub layer_grad_max: (usize, usize, usize, f64),
    /// Singular values of the product, descending (empty when the rank was not asked for).
    pub product_singular_values: Vec<f64>,
    /// Numerical rank of the product (singular values above `rank_tol`), when asked for.
    pub product_rank: Option<usize>,
    /// The rank threshold `max(dx, dy)·u·σ_1·(1 + Σ d_j)`, when the rank was asked for.
    pub rank_tol: Option<f64>,
    /// The tolerance τ on gradient entries.
    pub tol: f64,
    /// The verdict.
    pub verdict: Verdict64,
    /// One sentence saying what the verdict rests on (and, if inconclusive, what would decide).
    pub explanation: String,
    /// Floating-point operations of the gradient computation (2mnk per product).
    pub flops: f64,
}

fn max_abs(a: MatRef<f64>) -> (usize, usize, f64) {
    let mut best = (0, 0, 0.0f64);
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            let v = a[(i, j)];
            if v.abs() > best.2.abs() {
                best = (i, j, v);
            }
        }
    }
    best
}

/// The results of [`gradients`].
pub struct Gradients {
    /// The product `W_L⋯W_1`.
    pub product: Mat<f64>,
    /// The loss value (`½‖PX − Y‖²` for the squared loss).
    pub loss: f64,
    /// `∇ℓ0 = G Xᵀ` (`(PX − Y) Xᵀ` for the squared loss).
    pub grad0: Mat<f64>,
    /// `∇_{W_j}ℓ`, `j = 1..L`.
    pub layer_grads: Vec<Mat<f64>>,
    /// Per-column statistics of `G` for the rounding bound (empty for the squared loss).
    pub stats: GStats,
}

/// Data columns per block of the residual: `R = PX − Y` is never held whole, only
/// `dy × DATA_BLOCK` of it at a time.
const DATA_BLOCK: usize = 1024;

/// [`gradients_loss`] for the squared loss.
pub fn gradients(
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    gemm: Gemm,
    tick: &dyn Fn(),
) -> Gradients {
    gradients_loss(&Loss64::Squared, w, x, y, gemm, tick)
}

/// Computes product, loss, `∇ℓ0` and every layer gradient for `loss` with the kernel `gemm`
/// (see the module docs for the order of products). `tick` is called after each product.
/// Memory beyond the inputs and the outputs: the prefix products (each freed once used), two
/// `d × dx` buffers, one block of the residual (or of `G`) and, for a loss other than the
/// squared one, two numbers per data point ([`GStats`]).
pub fn gradients_loss(
    loss_kind: &Loss64,
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    gemm: Gemm,
    tick: &dyn Fn(),
) -> Gradients {
    let mut layer_grads = vec![Mat::zeros(0, 0); w.len()];
    let (product, loss, grad0, stats) =
        gradients_with(loss_kind, w, x, y, gemm, tick, &mut |j, g| {
            layer_grads[j - 1] = g;
            None
        });
    Gradients {
        product,
        loss,
        grad0,
        layer_grads,
        stats,
    }
}

/// [`gradients_loss`] handing each layer gradient `∇_{W_j}ℓ` to `sink(j, g)` (`j = L, …, 1`) as
/// soon as it is formed; `sink` may give the matrix back, to be reused as a buffer, so that the
/// layer gradients need not be held together. Returns the product, the loss, `∇ℓ0` and the
/// statistics of `G`.
pub fn gradients_with(
    loss_kind: &Loss64,
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    gemm: Gemm,
    tick: &dyn Fn(),
    sink: &mut dyn FnMut(usize, Mat<f64>) -> Option<Mat<f64>>,
) -> (Mat<f64>, f64, Mat<f64>, GStats) {
    let l = w.len();
    // P_2, …, P_L (P_1 = W_1 is not copied).
    let mut prefix: Vec<Mat<f64>> = Vec::with_capacity(l);
    for wj in &w[1..] {
        let prev = prefix.last().map_or(w[0].as_ref(), |p| p.as_ref());
        let p = gemm.mul(wj.as_ref(), prev);
        prefix.push(p);
        tick();
    }
    let product = prefix.pop().unwrap_or_else(|| w[0].clone());
    // Ŷ = PX, G = g(Ŷ, Y) (R = Ŷ − Y for the squared loss) and ∇ℓ0 = G Xᵀ, a block of data
    // columns at a time.
    let (dy, dx, m) = (product.nrows(), product.ncols(), x.ncols());
    let mut grad0 = Mat::zeros(dy, dx);
    let mut block = Mat::zeros(dy, DATA_BLOCK.min(m));
    let mut loss = 0.0;
    let mut stats = GStats::default();
    if *loss_kind != Loss64::Squared {
        stats.gmax.reserve_exact(m);
        stats.aux.reserve_exact(m);
    }
    let mut start = 0;
    while start < m {
        let width = DATA_BLOCK.min(m - start);
        let mut r = block.as_mut().subcols_mut(0, width);
        gemm.product(r.rb_mut(), product.as_ref(), x.subcols(start, width), false);
        if *loss_kind == Loss64::Squared {
            r -= y.subcols(start, width);
            loss += 0.5 * r.rb().norm_l2().powi(2);
        } else {
            loss += loss::g_block(loss_kind, r.rb_mut(), y.subcols(start, width), &mut stats);
        }
        gemm.product(
            grad0.as_mut(),
            r.rb(),
            x.subcols(start, width).transpose(),
            true,
        );
        start += width;
    }
    drop(block);
    tick();
    tick();
    // Matrices no longer needed (each P_{j−1} once used, the previous U) become outputs of
    // the same shape: every product overwrites its whole output, so nothing stale is read, and
    // fresh (zero-filled) memory is taken only when no freed matrix fits.
    let mut spare: Vec<Mat<f64>> = Vec::new();
    let take = |spare: &mut Vec<Mat<f64>>, r: usize, c: usize| -> Mat<f64> {
        match spare.iter().position(|m| (m.nrows(), m.ncols()) == (r, c)) {
            Some(i) => spare.swap_remove(i),
            None => Mat::zeros(r, c),
        }
    };
    let mut u = grad0.clone();
    for j in (2..=l).rev() {
        // P_{j−1} (None: P_1 = W_1).
        let p = prefix.pop();
        let prev = p.as_ref().map_or(w[0].as_ref(), |p| p.as_ref());
        let mut g = take(&mut spare, u.nrows(), prev.nrows());
        gemm.product(g.as_mut(), u.as_ref(), prev.transpose(), false);
        spare.extend(sink(j, g));
        spare.extend(p);
        tick();
        let wj = w[j - 1].as_ref().transpose();
        let mut next = take(&mut spare, wj.nrows(), u.ncols());
        gemm.product(next.as_mut(), wj, u.as_ref(), false);
        spare.push(std::mem::replace(&mut u, next));
        tick();
    }
    drop(spare);
    // (What sink gives back for W1 is simply dropped.)
    let _ = sink(1, u);
    (product, loss, grad0, stats)
}

/// The number of products [`gradients`] performs (for a progress bar).
pub fn product_count(layers: usize) -> u64 {
    (3 * layers - 1) as u64
}

/// Floating-point operations of [`gradients`].
pub fn flops(d: &[usize], m: usize) -> f64 {
    let l = d.len() - 1;
    let f = |a: usize, b: usize, c: usize| 2.0 * a as f64 * b as f64 * c as f64;
    let (dx, dy) = (d[0], d[l]);
    let mut s = f(dy, dx, m) * 2.0;
    for j in 2..=l {
        s += f(d[j], d[j - 1], dx); // prefix
        s += f(d[j], dx, d[j - 1]); // layer gradient U_j P_{j−1}ᵀ
        s += f(d[j - 1], d[j], dx); // U_{j−1} = W_jᵀ U_j
    }
    s
}

/// A rigorous bound on `|fl(∇ℓ0)[p,q] − ∇ℓ0[p,q]|` for `∇ℓ0` computed by [`gradients`]:
/// `γ_N ((|W_L|⋯|W_1||X| + |Y|)|X|ᵀ)[p,q] / (1 − γ_N)`, `N = Σ_{j=1}^{L−1} d_j + dx + m + 1`,
/// the row `p` of the bound matrix evaluated by vector–matrix products (the `1/(1 − γ_N)`
/// covers the rounding of those nonnegative products). `None` if `γ_N` is undefined.
pub fn grad0_error_bound(
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    p: usize,
    q: usize,
) -> Option<f64> {
    let l = w.len();
    let (dx, m) = (x.nrows(), x.ncols());
    let n: usize = w[..l - 1].iter().map(|a| a.nrows()).sum::<usize>() + dx + m + 1;
    let g = gamma(n)?;
    // Row p of |W_L|⋯|W_1|.
    let mut row: Vec<f64> = (0..w[l - 1].ncols())
        .map(|k| w[l - 1][(p, k)].abs())
        .collect();
    for wj in w[..l - 1].iter().rev() {
        row = (0..wj.ncols())
            .map(|k| (0..wj.nrows()).map(|i| row[i] * wj[(i, k)].abs()).sum())
            .collect();
    }
    let mut s = 0.0;
    for i in 0..m {
        let mut v = y[(p, i)].abs();
        for (k, r) in row.iter().enumerate() {
            v += r * x[(k, i)].abs();
        }
        s += v * x[(q, i)].abs();
    }
    Some(g * s / (1.0 - g) * (1.0 + 1e-12))
}

/// [`analyse_loss`] for the squared loss.
pub fn analyse(
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    tol: f64,
    gemm: Gemm,
    tick: &dyn Fn(),
) -> Report64 {
    analyse_loss(&Loss64::Squared, w, x, y, tol, gemm, tick, true)
}

fn all_finite(a: MatRef<f64>) -> bool {
    (0..a.ncols()).all(|j| (0..a.nrows()).all(|i| a[(i, j)].is_finite()))
}

/// Runs the f64 path for `loss_kind` and classifies with tolerance `tol` on gradient entries;
/// with `rank`, also the numerical rank of the product (an SVD of the `dy × dx` product, which
/// the verdict does not use). The layer gradients are reduced to their norms and largest entry
/// as they are formed ([`gradients_with`]), never held together. Fails closed: a NaN or
/// infinity anywhere in `∇ℓ0`, the layer gradients, the loss or the rounding bound gives
/// `inconclusive` (or at least no certified saddle).
#[allow(clippy::too_many_arguments)]
pub fn analyse_loss(
    loss_kind: &Loss64,
    w: &[Mat<f64>],
    x: MatRef<f64>,
    y: MatRef<f64>,
    tol: f64,
    gemm: Gemm,
    tick: &dyn Fn(),
    rank: bool,
) -> Report64 {
    let mut d = vec![w[0].ncols()];
    d.extend(w.iter().map(|a| a.nrows()));
    let m = x.ncols();
    let l = w.len();
    let mut layer_grad_norms = vec![0.0; l];
    let mut layer_grad_max = (1, 1, 1, 0.0f64);
    let mut layers_finite = true;
    let (product, loss, grad0, stats) =
        gradients_with(loss_kind, w, x, y, gemm, tick, &mut |j, g| {
            layers_finite &= all_finite(g.as_ref());
            layer_grad_norms[j - 1] = g.norm_l2();
            let (a, b, v) = max_abs(g.as_ref());
            // Layers arrive last first; ties keep the lowest layer, as a forward scan would.
            if v.abs() > layer_grad_max.3.abs() || (v.abs() == layer_grad_max.3.abs() && v != 0.0) {
                layer_grad_max = (j, a + 1, b + 1, v);
            }
            Some(g)
        });
    let finite = loss.is_finite() && all_finite(grad0.as_ref()) && layers_finite;
    let (p, q, gv) = max_abs(grad0.as_ref());
    let bound = if finite {
        loss::grad0_error_bound_loss(loss_kind, w, x, y, &stats, p, q)
            .filter(|b| b.is_finite())
            .unwrap_or(f64::INFINITY)
    } else {
        f64::INFINITY
    };
    let certified = finite && gv.is_finite() && gv.abs() > bound;
    let name = loss_kind.name();
    let (sv, product_rank, rank_tol) = if rank {
        let sv: Vec<f64> = product.as_ref().singular_values().unwrap_or_default();
        let sigma1 = sv.first().copied().unwrap_or(0.0);
        let rank_tol =
            d[0].max(d[d.len() - 1]) as f64 * U * sigma1 * (1.0 + d.iter().sum::<usize>() as f64);
        let r = sv.iter().filter(|&&s| s > rank_tol).count();
        (sv, Some(r), Some(rank_tol))
    } else {
        (Vec::new(), None, None)
    };
    drop(product);
    let (verdict, explanation) = if !finite {
        (
            Verdict64::Inconclusive,
            "the f64 computation overflowed (a NaN or an infinity in the loss, ∇ℓ0 or a layer gradient): no verdict; rescale the data or rerun with --exact".to_string(),
        )
    } else if layer_grad_max.3.abs() > tol {
        (
            Verdict64::NotCritical,
            format!(
                "|∂ℓ/∂W{}[{},{}]| = {:.6e} > τ = {tol:e}",
                layer_grad_max.0,
                layer_grad_max.1,
                layer_grad_max.2,
                layer_grad_max.3.abs()
            ),
        )
    } else if certified {
        let by = format!("by Theorem 4 (any differentiable loss; here {name})");
        (Verdict64::Saddle, format!(
            "critical within τ = {tol:e} (every layer-gradient entry ≤ τ); ∇ℓ0[{},{}] = {gv:.6e} is certified nonzero (rounding error ≤ {bound:.3e}), so {by} a critical point here is a saddle",
            p + 1, q + 1
        ))
    } else if gv.abs() <= tol {
        let why = match loss_kind {
            Loss64::Squared | Loss64::Huber(_) => format!("(Corollary 5: the {name} loss is convex); exact zero needs --exact"),
            _ => format!("(Corollary 5: the {name} loss is convex); ∇ℓ0 = 0 itself is not decided in floating point (the loss is transcendental)"),
        };
        (Verdict64::GlobalMinimum, format!(
            "critical within τ = {tol:e} and max|∇ℓ0| = {:.6e} ≤ τ: a global minimum within tolerance {why}",
            gv.abs()
        ))
    } else {
        (Verdict64::Inconclusive, format!(
            "critical within τ = {tol:e}, max|∇ℓ0| = {:.6e} > τ but the rounding bound {bound:.3e} does not certify it nonzero: rerun with --exact (rational weights) or a larger τ",
            gv.abs()
        ))
    };
    Report64 {
        m,
        loss_kind: *loss_kind,
        loss,
        grad0_norm: grad0.norm_l2(),
        grad0_max: (p + 1, q + 1, gv),
        grad0_bound: bound,
        grad0_certified_nonzero: certified,
        layer_grad_norms,
        layer_grad_max,
        product_singular_values: sv,
        product_rank,
        rank_tol,
        tol,
        verdict,
        explanation,
        flops: flops(&d, m),
        widths: d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[f64]]) -> Mat<f64> {
        Mat::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
    }

    fn naive(a: &Mat<f64>, b: &Mat<f64>) -> Mat<f64> {
        Mat::from_fn(a.nrows(), b.ncols(), |i, j| {
            (0..a.ncols()).map(|k| a[(i, k)] * b[(k, j)]).sum()
        })
    }

    use faer::Par;

    #[test]
    fn gradients_match_the_formula_and_the_bound_certifies() {
        let w = vec![
            m(&[&[1., 2.], &[0., 1.], &[-1., 1.]]),
            m(&[&[1., 0., 2.], &[1., 1., 1.], &[0., 1., -1.]]),
            m(&[&[2., -1., 0.], &[1., 0., 1.]]),
        ];
        let x = m(&[&[1., 0., 1., 2.], &[0., 1., 1., -1.]]);
        let y = m(&[&[1., 0., 2., 1.], &[2., 1., 0., 1.]]);
        let g = gradients(&w, x.as_ref(), y.as_ref(), Gemm::Faer(Par::Seq), &|| {});
        let p = naive(&w[2], &naive(&w[1], &w[0]));
        let r = &naive(&p, &x) - &y;
        let g0 = naive(&r, &x.transpose().to_owned());
        assert_eq!(g.grad0, g0, "small integers: exact in f64");
        // ∇_{W2}ℓ = W3ᵀ G W1ᵀ.
        let g2 = naive(
            &naive(&w[2].transpose().to_owned(), &g0),
            &w[0].transpose().to_owned(),
        );
        assert_eq!(g.layer_grads[1], g2);
        let rep = analyse(
            &w,
            x.as_ref(),
            y.as_ref(),
            1e-8,
            Gemm::Faer(Par::Seq),
            &|| {},
        );
        assert_eq!(rep.verdict, Verdict64::NotCritical);
        assert!(rep.grad0_certified_nonzero && rep.grad0_bound > 0.0);
        assert!(gamma(1 << 60).is_none());
    }
}
