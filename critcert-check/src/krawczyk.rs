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
    let (lo, hi) = x.to_f64_outward()?;
    Some(F::new(lo, hi))
}

/// `C ≈ A⁻¹` in floating point by Gauss–Jordan elimination with partial pivoting: the Krawczyk
/// preconditioner, a hint whose accuracy soundness never depends on. `None` when singular in
/// floating point.
///
/// The right half `[A | I] → [I | A⁻¹]` is stored with its columns in the order the rows become
/// pivots: before its turn a row's part of the identity is a single 1 in a column no pivot has
/// touched, so at step `k` only the first `k + 1` columns of the right half are non-zero and each
/// step updates about `p` numbers per row (`p³` multiply-adds in all, not `2p³`).
pub fn float_inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut left: Vec<Vec<f64>> = a.to_vec();
    let mut right = vec![vec![0.0f64; n]; n];
    // orig[r]: the row of `a` now at position r; label[j]: the step at which row j of `a` became
    // the pivot (the column of the right half holding column j of the identity).
    let mut orig: Vec<usize> = (0..n).collect();
    let mut label = vec![0usize; n];
    for col in 0..n {
        let piv = (col..n).max_by(|&x, &y| left[x][col].abs().total_cmp(&left[y][col].abs()))?;
        if left[piv][col] == 0.0 || !left[piv][col].is_finite() {
            return None;
        }
        left.swap(col, piv);
        right.swap(col, piv);
        orig.swap(col, piv);
        label[orig[col]] = col;
        right[col][col] = 1.0;
        let d = left[col][col];
        for v in &mut left[col][col..] {
            *v /= d;
        }
        for v in &mut right[col][..=col] {
            *v /= d;
        }
        let (pl, pr) = (left[col][col..].to_vec(), right[col][..=col].to_vec());
        for r in 0..n {
            let f = left[r][col];
            if r != col && f != 0.0 {
                for (v, pv) in left[r][col..].iter_mut().zip(&pl) {
                    *v -= f * pv;
                }
                for (v, pv) in right[r][..=col].iter_mut().zip(&pr) {
                    *v -= f * pv;
                }
            }
        }
    }
    let inv: Vec<Vec<f64>> = right
        .iter()
        .map(|row| label.iter().map(|&l| row[l]).collect())
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_inverse_inverts_with_pivoting() {
        // A matrix that needs row swaps (zero leading entries), of order 7.
        let n = 7;
        let a: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            0.0
                        } else {
                            1.0 / (1.0 + ((3 * i + 5 * j) % 11) as f64)
                        }
                    })
                    .collect()
            })
            .collect();
        let c = float_inverse(&a).unwrap();
        for i in 0..n {
            for j in 0..n {
                let x: f64 = (0..n).map(|l| c[i][l] * a[l][j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((x - want).abs() < 1e-12, "({i}, {j}): {x}");
            }
        }
        assert!(float_inverse(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
