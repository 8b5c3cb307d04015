//! Krawczyk's existence and uniqueness test for a zero of a map `f: Rᵖ → Rᵖ` in a cube
//! `B = x̃ + [−r, r]^p`, in outward-rounded binary64 intervals ([`F`]); used by `critical-point`
//! (the zeros of a network's gradient) and by `deep-linear-critical-point` (the zeros of `∇ℓ0`).
//!
//! With `C` a floating-point inverse of the midpoint of an enclosure `J` of the Jacobian over
//! `B` (a hint: soundness never depends on its accuracy), `K = −C f(x̃) + (I − C J)[−r, r]^p`.
//! If `K` lies in the open cube `(−r, r)^p`, then `B` holds exactly one zero of `f` (MATH §7).
//! The `O(p³)` product `C·mid(J)` is done in plain binary64 with an a-priori bound of its
//! rounding error ([`super::midrad`]).

// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::f64i::F;
use super::interval::I;
use super::midrad::{abs_mat_vec, abs_row_sums, product, product_error_rows, split};

/// `x` as a binary64 interval, rounded outward (`None` when unbounded; an endpoint beyond
/// binary64's range becomes infinite, which fails every later decision).
pub fn to_f(x: &I) -> Option<F> {
    let (lo, hi) = (x.lo_q()?, x.hi_q()?);
    Some(F::new(F::around(&lo).lo, F::around(&hi).hi))
}

/// `C ≈ A⁻¹` in floating point by Gauss–Jordan elimination with partial pivoting: the Krawczyk
/// preconditioner, a hint whose accuracy soundness never depends on. `None` when singular in
/// floating point.
pub fn float_inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = r.clone();
            row.extend((0..n).map(|j| f64::from(u8::from(i == j))));
            row
        })
        .collect();
    for col in 0..n {
        let piv = (col..n).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[piv][col] == 0.0 || !m[piv][col].is_finite() {
            return None;
        }
        m.swap(col, piv);
        let d = m[col][col];
        for v in m[col].iter_mut() {
            *v /= d;
        }
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col && row[col] != 0.0 {
                let f = row[col];
                for (v, pv) in row.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
            }
        }
    }
    let inv: Vec<Vec<f64>> = m.into_iter().map(|r| r[n..].to_vec()).collect();
    inv.iter().flatten().all(|v| v.is_finite()).then_some(inv)
}

/// Krawczyk's test: `g` encloses `f(x̃)`, `h` the Jacobian over `B`, `r` the radius (positive).
/// `Ok(ρ/r)`, the largest ratio of `|K_i − x̃_i|` to `r` (below 1), or why the test fails.
pub fn krawczyk(g: &[F], h: &[Vec<F>], r: F) -> Result<f64, String> {
    let p = g.len();
    if h.len() != p || h.iter().any(|row| row.len() != p) {
        return Err("the Jacobian's shape does not match the map".into());
    }
    if h.iter().flatten().chain(g).any(|x| !x.is_finite()) || !(r.is_positive() && r.is_finite()) {
        return Err("an unbounded enclosure or radius".into());
    }
    let (mid, rad) = split(h).ok_or("an unbounded Jacobian entry")?;
    let c = float_inverse(&mid).ok_or_else(|| {
        "the midpoint of the Jacobian enclosure is singular in floating point (a continuous symmetry?): no preconditioner".to_string()
    })?;
    // I − CJ = (I − fl(C·mid)) + (fl(C·mid) − C·mid) − C(J − mid): the first exactly from the
    // floats, the second by the a-priori bound, the third by |C|·rad (module `midrad`).
    let m = product(&c, &mid);
    if m.iter().flatten().any(|x| !x.is_finite()) {
        return Err("the product C·mid(J) overflows".into());
    }
    let rounding = product_error_rows(&c, &mid).ok_or("the Jacobian is too large")?;
    let spread = abs_mat_vec(&c, &abs_row_sums(&rad));
    let mut worst = 0f64;
    for i in 0..p {
        let cg = c[i]
            .iter()
            .zip(g)
            .fold(F::point(0.0), |s, (cil, gl)| s.add(gl.scale(*cil)));
        // |K_i − x̃_i| ≤ |(Cg)_i| + r Σ_j |(I − CJ)_ij|.
        let sum = m[i]
            .iter()
            .enumerate()
            .fold(F::point(0.0), |s, (j, x)| {
                let id = F::point(f64::from(u8::from(i == j)));
                s.add(F::point(id.sub(F::point(*x)).mag()))
            })
            .add(F::point(rounding[i]))
            .add(F::point(spread[i]));
        let reach = F::point(cg.mag()).add(sum.mul(r));
        if !(reach.is_finite() && reach.hi < r.lo) {
            return Err(format!(
                "|K_{} − x̃_{}| ≤ {:.6e} is not below r = {:.6e}",
                i + 1,
                i + 1,
                reach.hi,
                r.lo
            ));
        }
        worst = worst.max(reach.hi / r.lo);
    }
    Ok(worst)
}
