//! Floating-point matrix products with a-priori error bounds (midpoint–radius linear algebra):
//! the `O(p³)` work of Krawczyk's test and of the positive-definiteness test is done in plain
//! binary64, rounded to nearest, and a rigorous bound of its rounding error is added at `O(p²)`
//! cost in outward-rounded intervals ([`F`]).
//!
//! **The bound** (MATH §7). Rust's `+` and `×` on `f64` are IEEE 754 operations rounded to
//! nearest, never fused, never reassociated. With `u = 2⁻⁵³` and `η = 2⁻¹⁰⁷⁴` (the spacing of
//! subnormals), a product is `fl(ab) = ab(1 + δ) + ε` with `|δ| ≤ u`, `|ε| ≤ η/2`, and a sum is
//! `fl(x + y) = (x + y)(1 + δ)` (a sum that underflows is exact). A dot product of `n` terms
//! summed one after another (in any order) meets at most `n` roundings per term, so
//!
//! ```text
//! |fl(Σ a_l b_l) − Σ a_l b_l| ≤ γ_n Σ |a_l||b_l| + nη,   γ_n = nu / (1 − nu)
//! ```
//!
//! (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1, with the underflow term).
//! Summed over a row of a product `A·B` (`B` with `q` columns), the bound is
//! `γ_n (|A| (|B| 1))_i + qnη`: a matrix–vector product, not a second matrix product. The model
//! holds when no operation overflows; an overflow leaves `±∞` or NaN in the result, which is
//! never cancelled back to a finite number, so every result is checked finite (fail closed).

// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::f64i::F;

/// A matrix of binary64 numbers, row by row.
pub type Mat = Vec<Vec<f64>>;

/// The unit roundoff of binary64, `2⁻⁵³`.
const U: f64 = 1.0 / 9_007_199_254_740_992.0;

/// `η = 2⁻¹⁰⁷⁴`, the smallest positive binary64.
const ETA: f64 = f64::from_bits(1);

/// An upper bound of `γ_n = nu/(1 − nu)` (`None` when `nu ≥ 1/2`).
pub fn gamma(n: usize) -> Option<f64> {
    let nu = F::point(n as f64).mul(F::point(U));
    (nu.hi < 0.5).then(|| {
        let g = nu.div_positive(F::point(1.0).sub(nu));
        g.map_or(f64::INFINITY, |g| g.hi)
    })
}

/// A float matrix `mid` and a radius `rad` with every member of `h[i][j]` within `rad[i][j]`
/// of `mid[i][j]`, or `None` when an entry is not finite.
pub fn split(h: &[Vec<F>]) -> Option<(Mat, Mat)> {
    let mut mid = Vec::with_capacity(h.len());
    let mut rad = Vec::with_capacity(h.len());
    for row in h {
        let (mut m, mut r) = (Vec::with_capacity(row.len()), Vec::with_capacity(row.len()));
        for x in row {
            if !x.is_finite() {
                return None;
            }
            let c = x.lo / 2.0 + x.hi / 2.0;
            let up = F::point(x.hi).sub(F::point(c)).hi;
            let down = F::point(c).sub(F::point(x.lo)).hi;
            let w = up.max(down).max(0.0);
            if !(c.is_finite() && w.is_finite()) {
                return None;
            }
            m.push(c);
            r.push(w);
        }
        mid.push(m);
        rad.push(r);
    }
    Some((mid, rad))
}

/// `fl(A·B)`, each entry summed one term after another (in plain binary64). Entries may be
/// non-finite after an overflow: callers check.
pub fn product(a: &[Vec<f64>], b: &[Vec<f64>]) -> Mat {
    let q = b.first().map_or(0, Vec::len);
    a.iter()
        .map(|ai| {
            let mut out = vec![0.0; q];
            for (x, bl) in ai.iter().zip(b) {
                if *x != 0.0 {
                    for (o, y) in out.iter_mut().zip(bl) {
                        *o += x * y;
                    }
                }
            }
            out
        })
        .collect()
}

/// Upper bounds of the row sums `Σ_j |m_ij|` (outward).
pub fn abs_row_sums(m: &[Vec<f64>]) -> Vec<f64> {
    m.iter()
        .map(|row| {
            row.iter()
                .fold(F::point(0.0), |s, x| s.add(F::point(x.abs())))
                .hi
        })
        .collect()
}

/// Upper bounds of `|A|·v` for `v ≥ 0` (outward).
pub fn abs_mat_vec(a: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    a.iter()
        .map(|row| {
            row.iter()
                .zip(v)
                .fold(F::point(0.0), |s, (x, y)| {
                    s.add(F::point(*y).scale(x.abs()))
                })
                .hi
        })
        .collect()
}

/// Upper bounds of the row sums of `|A·B − fl(A·B)|` for `fl(A·B)` from [`product`]:
/// `γ_n (|A|(|B|1))_i + qnη` (`n` the inner dimension, `q` the columns of `B`). `None` when
/// `γ_n` is not defined.
pub fn product_error_rows(a: &[Vec<f64>], b: &[Vec<f64>]) -> Option<Vec<f64>> {
    let n = b.len();
    let q = b.first().map_or(0, Vec::len);
    let g = F::point(gamma(n)?);
    let under = F::point(q as f64)
        .mul(F::point(n as f64))
        .mul(F::point(ETA));
    Some(
        abs_mat_vec(a, &abs_row_sums(b))
            .into_iter()
            .map(|t| F::point(t).mul(g).add(under).hi)
            .collect(),
    )
}

/// Proves `xᵀAx > s‖x‖²` for every `x ≠ 0` (`A` need not be exactly symmetric), or says why
/// not. A floating-point Cholesky factor `L` of `A − tI`, `t = s + τ` a little above `s`, is a
/// hint; what is proved is `E = A − tI − LLᵀ` small: `‖E‖₂ ≤ max(‖E‖₁, ‖E‖_∞) < t − s`, the
/// row and column sums bounded from `fl(LLᵀ)` and [`product_error_rows`]' bound. Then
/// `xᵀAx = ‖Lᵀx‖² + xᵀEx + t‖x‖² > s‖x‖²`. `Ok` carries the bound of `‖E‖₂`.
pub fn exceeds_shift(a: &[Vec<f64>], s: f64) -> Result<f64, String> {
    let p = a.len();
    if a.iter().any(|row| row.len() != p) || p == 0 {
        return Err("the matrix is not square".into());
    }
    if !s.is_finite() || a.iter().flatten().any(|x| !x.is_finite()) {
        return Err("an unbounded entry or shift".into());
    }
    let norm = a
        .iter()
        .map(|row| row.iter().map(|x| x.abs()).sum::<f64>())
        .fold(f64::MIN_POSITIVE, f64::max);
    // τ ≈ 2¹³ times the expected rounding error of the factorisation: a margin, not a bound.
    let t = F::point(s)
        .add(F::point((p + 2) as f64 * 2f64.powi(-40) * norm))
        .hi;
    let mut l = vec![vec![0.0f64; p]; p];
    for j in 0..p {
        let d = (0..j).fold(a[j][j] - t, |d, k| d - l[j][k] * l[j][k]);
        if !(d > 0.0 && d.is_finite()) {
            return Err(format!(
                "pivot {} of the Cholesky factorisation of mid − sI is {d:.6e} (not positive)",
                j + 1
            ));
        }
        let djj = d.sqrt();
        l[j][j] = djj;
        for i in j + 1..p {
            let x = (0..j).fold(a[i][j], |x, k| x - l[i][k] * l[j][k]);
            l[i][j] = x / djj;
        }
    }
    if l.iter().flatten().any(|x| !x.is_finite()) {
        return Err("the Cholesky factor of mid − sI overflows".into());
    }
    // Row and column sums of |A − tI − fl(LLᵀ)|, fl(LLᵀ)_ij = fl(Σ_{k ≤ j} l_ik l_jk), j ≤ i.
    let mut rows = vec![F::point(0.0); p];
    let mut cols = vec![F::point(0.0); p];
    let tf = F::point(t);
    for i in 0..p {
        for j in 0..=i {
            let mut prod = 0.0;
            for k in 0..=j {
                prod += l[i][k] * l[j][k];
            }
            if !prod.is_finite() {
                return Err("the product LLᵀ overflows".into());
            }
            let diag = if i == j { tf } else { F::point(0.0) };
            let e_ij = F::point(a[i][j]).sub(diag).sub(F::point(prod)).mag();
            rows[i] = rows[i].add(F::point(e_ij));
            cols[j] = cols[j].add(F::point(e_ij));
            if i != j {
                let e_ji = F::point(a[j][i]).sub(F::point(prod)).mag();
                rows[j] = rows[j].add(F::point(e_ji));
                cols[i] = cols[i].add(F::point(e_ji));
            }
        }
    }
    // |L||L|ᵀ is symmetric: its row and column sums are both |L|(|L|ᵀ1).
    let lt: Vec<Vec<f64>> = (0..p).map(|k| (0..p).map(|i| l[i][k]).collect()).collect();
    let err = product_error_rows(&l, &lt).ok_or("the matrix is too large for the error bound")?;
    let mut worst = F::point(0.0);
    for (x, e) in rows.iter().chain(&cols).zip(err.iter().chain(&err)) {
        // A NaN must fail, not vanish in a maximum.
        let b = x.add(F::point(*e));
        if !b.is_finite() {
            return Err("a bound of the Cholesky residual of mid − sI is not finite".into());
        }
        worst = F::new(worst.lo.max(b.lo), worst.hi.max(b.hi));
    }
    let gap = tf.sub(F::point(s));
    if !(worst.is_finite() && gap.is_finite() && worst.hi < gap.lo) {
        return Err(format!(
            "the Cholesky residual of mid − sI is bounded by {:.6e}, not below the margin {:.6e}",
            worst.hi, gap.lo
        ));
    }
    Ok(worst.hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Rational as Q;

    fn exact(x: f64) -> Q {
        Q::from_f64(x).unwrap()
    }

    #[test]
    fn product_error_bound_holds_exactly() {
        // Entries with every magnitude, subnormals included: the exact row sums of the error
        // are within the bound.
        let vals = [
            1.0,
            -1.0 / 3.0,
            1e-310,
            7.5e300,
            -2.0f64.powi(-1060),
            0.1,
            3.0e-200,
            -9.0,
        ];
        let n = 5;
        let a: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| vals[(3 * i + j) % 8] * 1e-150).collect())
            .collect();
        let b: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| vals[(i + 5 * j) % 8] * 1e-160).collect())
            .collect();
        let m = product(&a, &b);
        let bound = product_error_rows(&a, &b).unwrap();
        for i in 0..n {
            let mut sum = Q::new();
            for j in 0..n {
                let mut e = Q::new();
                for l in 0..n {
                    e += exact(a[i][l]) * exact(b[l][j]);
                }
                sum += (e - exact(m[i][j])).abs();
            }
            assert!(sum <= exact(bound[i]), "row {i}");
        }
        assert!(gamma(1 << 52).is_none() && gamma(3).unwrap() > 3.0 * U);
    }

    #[test]
    fn split_encloses() {
        let h = vec![vec![F::new(1.0, 1.0 + 1e-15), F::new(-3.0, 5.0)]];
        let (m, r) = split(&h).unwrap();
        for (x, (c, w)) in h[0].iter().zip(m[0].iter().zip(&r[0])) {
            assert!(exact(*c) - exact(*w) <= exact(x.lo) && exact(x.hi) <= exact(*c) + exact(*w));
        }
        assert!(split(&[vec![F::new(0.0, f64::INFINITY)]]).is_none());
    }

    #[test]
    fn shift_test_decides_by_the_smallest_eigenvalue() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let a = vec![vec![2.0, 1.0], vec![1.0, 2.0]];
        assert!(exceeds_shift(&a, 0.999).is_ok());
        assert!(exceeds_shift(&a, 1.0).is_err());
        assert!(exceeds_shift(&a, 1.5).is_err());
        // Indefinite, NaN, overflowing: refused.
        assert!(exceeds_shift(&[vec![1.0, 2.0], vec![2.0, 1.0]], 0.0).is_err());
        assert!(exceeds_shift(&[vec![f64::NAN]], 0.0).is_err());
        assert!(exceeds_shift(&[vec![f64::MAX, 0.0], vec![0.0, f64::MAX]], -f64::MAX).is_err());
        // tridiag(−1, 2, −1) of order 60: smallest eigenvalue 2 − 2cos(π/61) ≈ 2.65e-3.
        let p: usize = 60;
        let a: Vec<Vec<f64>> = (0..p)
            .map(|i| {
                (0..p)
                    .map(|j| match i.abs_diff(j) {
                        0 => 2.0,
                        1 => -1.0,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        let lmin = 2.0 - 2.0 * (std::f64::consts::PI / 61.0).cos();
        assert!(exceeds_shift(&a, 0.999 * lmin).is_ok());
        assert!(exceeds_shift(&a, 1.001 * lmin).is_err());
    }
}
