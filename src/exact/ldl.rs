//! Exact inertia of a rational symmetric matrix by symmetric elimination with 1×1 and 2×2
//! pivots (a congruence, so Sylvester's law of inertia applies), never leading minors alone
//! and never floating-point eigenvalues.

use super::{elimination, QMatrix, Q};
use serde::Serialize;

/// The inertia `(n+, n0, n−)` of a symmetric matrix: the numbers of positive, zero and
/// negative eigenvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Inertia {
    /// Number of positive eigenvalues.
    pub positive: usize,
    /// Number of zero eigenvalues (the nullity).
    pub zero: usize,
    /// Number of negative eigenvalues.
    pub negative: usize,
}

impl std::fmt::Display for Inertia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "(n+, n0, n-) = ({}, {}, {})",
            self.positive, self.zero, self.negative
        )
    }
}

/// The outcome of the symmetric elimination: the inertia, and where they exist a direction
/// `v` with `vᵀAv < 0` and one with `vᵀAv > 0` (each checkable by one exact product).
#[derive(Clone, Debug)]
pub struct SymmetricFactorisation {
    /// The inertia.
    pub inertia: Inertia,
    /// A vector `v` with `vᵀAv < 0`, if `A` has a negative eigenvalue.
    pub negative_direction: Option<Vec<Q>>,
    /// A vector `v` with `vᵀAv > 0`, if `A` has a positive eigenvalue.
    pub positive_direction: Option<Vec<Q>>,
}

/// Computes the inertia of a symmetric rational matrix, with a negative and a positive
/// direction. Errors if the matrix is not square or not symmetric.
pub fn factorise(a: &QMatrix) -> Result<SymmetricFactorisation, String> {
    let n = a.rows();
    if a.cols() != n {
        return Err(format!("matrix is {}×{}, not square", n, a.cols()));
    }
    for i in 0..n {
        for j in 0..i {
            if a[(i, j)] != a[(j, i)] {
                return Err(format!("matrix is not symmetric at ({}, {})", i + 1, j + 1));
            }
        }
    }
    let mut s = a.clone();
    let mut remaining: Vec<usize> = (0..n).collect();
    let mut eliminated: Vec<usize> = Vec::new();
    let (mut pos, mut neg) = (0, 0);
    let mut neg_dir = None;
    let mut pos_dir = None;
    loop {
        if let Some(&i) = remaining.iter().find(|&&i| s[(i, i)] != 0) {
            // 1×1 pivot.
            let d = s[(i, i)].clone();
            let z = vec![(i, Q::from(1))];
            if d > 0 {
                pos += 1;
                if pos_dir.is_none() {
                    pos_dir = Some(lift(a, &eliminated, &z)?);
                }
            } else {
                neg += 1;
                if neg_dir.is_none() {
                    neg_dir = Some(lift(a, &eliminated, &z)?);
                }
            }
            remaining.retain(|&r| r != i);
            for &j in &remaining {
                if s[(j, i)] == 0 {
                    continue;
                }
                let f = Q::from(&s[(j, i)] / &d);
                for &k in &remaining {
                    let delta = Q::from(&f * &s[(i, k)]);
                    s[(j, k)] -= delta;
                }
            }
            eliminated.push(i);
        } else if let Some((i, j)) = remaining
            .iter()
            .flat_map(|&i| remaining.iter().map(move |&j| (i, j)))
            .find(|&(i, j)| i < j && s[(i, j)] != 0)
        {
            // 2×2 pivot [[0, c], [c, 0]]: one positive and one negative eigenvalue.
            let c = s[(i, j)].clone();
            let sign = if c > 0 { Q::from(1) } else { Q::from(-1) };
            pos += 1;
            neg += 1;
            if neg_dir.is_none() {
                let z = [(i, Q::from(1)), (j, Q::from(-&sign))];
                neg_dir = Some(lift(a, &eliminated, &z)?);
            }
            if pos_dir.is_none() {
                pos_dir = Some(lift(a, &eliminated, &[(i, Q::from(1)), (j, sign.clone())])?);
            }
            remaining.retain(|&r| r != i && r != j);
            // S_kl -= (S_ki S_jl + S_kj S_il) / c
            let col_i: Vec<Q> = remaining.iter().map(|&k| s[(k, i)].clone()).collect();
            let col_j: Vec<Q> = remaining.iter().map(|&k| s[(k, j)].clone()).collect();
            for (a_idx, &k) in remaining.iter().enumerate() {
                for (b_idx, &l) in remaining.iter().enumerate() {
                    let t = Q::from(&col_i[a_idx] * &col_j[b_idx])
                        + Q::from(&col_j[a_idx] * &col_i[b_idx]);
                    if t != 0 {
                        s[(k, l)] -= t / &c;
                    }
                }
            }
            eliminated.push(i);
            eliminated.push(j);
        } else {
            break;
        }
    }
    let inertia = Inertia {
        positive: pos,
        zero: remaining.len(),
        negative: neg,
    };
    Ok(SymmetricFactorisation {
        inertia,
        negative_direction: neg_dir,
        positive_direction: pos_dir,
    })
}

/// The inertia of a symmetric rational matrix.
pub fn inertia(a: &QMatrix) -> Result<Inertia, String> {
    factorise(a).map(|f| f.inertia)
}

/// Turns a direction `z` (sparse, on not-yet-eliminated indices) in the current Schur
/// complement into a direction `v` of the original matrix with `vᵀAv = zᵀSz`: `v_E` solves
/// `A_EE v_E = −A_ER z` on the eliminated set `E`, and `v_R = z`.
fn lift(a: &QMatrix, eliminated: &[usize], z: &[(usize, Q)]) -> Result<Vec<Q>, String> {
    let n = a.rows();
    let mut v = vec![Q::new(); n];
    for (i, val) in z {
        v[*i] = val.clone();
    }
    if eliminated.is_empty() {
        return Ok(v);
    }
    let e = eliminated.len();
    let mut a_ee = QMatrix::zeros(e, e);
    let mut rhs = QMatrix::zeros(e, 1);
    for (p, &i) in eliminated.iter().enumerate() {
        for (q, &j) in eliminated.iter().enumerate() {
            a_ee[(p, q)] = a[(i, j)].clone();
        }
        let mut t = Q::new();
        for (j, val) in z {
            t -= Q::from(&a[(i, *j)] * val);
        }
        rhs[(p, 0)] = t;
    }
    // The pivot blocks make A_EE nonsingular; `None` could only come from a bug.
    let sol = elimination::solve(&a_ee, &rhs)?
        .ok_or("inertia: a pivot block came out singular (a bug)")?;
    for (p, &i) in eliminated.iter().enumerate() {
        v[i] = sol[(p, 0)].clone();
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[i64]]) -> QMatrix {
        QMatrix::from_rows(
            rows.iter()
                .map(|r| r.iter().map(|&x| Q::from(x)).collect())
                .collect(),
        )
        .unwrap()
    }

    /// The quadratic form `vᵀAv`, exactly.
    fn quadratic_form(a: &QMatrix, v: &[Q]) -> Q {
        let mut s = Q::new();
        for i in 0..a.rows() {
            for j in 0..a.cols() {
                if v[i] != 0 && v[j] != 0 {
                    s += Q::from(&v[i] * &v[j]) * &a[(i, j)];
                }
            }
        }
        s
    }

    fn check(a: &QMatrix, expected: (usize, usize, usize)) {
        let f = factorise(a).unwrap();
        assert_eq!(
            (f.inertia.positive, f.inertia.zero, f.inertia.negative),
            expected
        );
        if let Some(v) = &f.negative_direction {
            assert!(quadratic_form(a, v) < 0);
        }
        if let Some(v) = &f.positive_direction {
            assert!(quadratic_form(a, v) > 0);
        }
        assert_eq!(f.negative_direction.is_some(), expected.2 > 0);
        assert_eq!(f.positive_direction.is_some(), expected.0 > 0);
    }

    #[test]
    fn known_inertias() {
        check(&m(&[&[2, 0], &[0, 3]]), (2, 0, 0));
        check(&m(&[&[0, 1], &[1, 0]]), (1, 0, 1));
        check(&m(&[&[1, 1], &[1, 1]]), (1, 1, 0));
        check(&m(&[&[0, 0], &[0, 0]]), (0, 2, 0));
        check(&m(&[&[1, 2, 0], &[2, 1, 0], &[0, 0, -1]]), (1, 0, 2));
        // Leading minors are 0, 0, 0 here although the matrix is indefinite (sympy #19547 shape).
        check(&m(&[&[0, 0, 1], &[0, 0, 0], &[1, 0, 0]]), (1, 1, 1));
        check(&m(&[&[0, 0, 0], &[0, 1, 0], &[0, 0, -1]]), (1, 1, 1));
    }

    #[test]
    fn rejects_non_symmetric() {
        assert!(factorise(&m(&[&[1, 2], &[3, 4]])).is_err());
        assert!(factorise(&m(&[&[1, 2]])).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
        /// Sylvester's law: `A = Pᵀ D P` (P unit upper triangular, then a symmetric permutation)
        /// has the inertia of the signs of `D`, whatever the fill-in and zero diagonal entries.
        #[test]
        fn inertia_is_invariant_under_congruence(
            d in proptest::collection::vec(-2i64..=2, 1..=6),
            upper in proptest::collection::vec((-3i64..=3, 1i64..=3), 36),
            shift in 0usize..6,
        ) {
            let n = d.len();
            let mut p = QMatrix::identity(n);
            for i in 0..n {
                for j in i + 1..n {
                    let (a, b) = upper[i * 6 + j];
                    p[(i, j)] = Q::from((a, b));
                }
            }
            let dm = QMatrix::try_from_vec(n, n, (0..n * n).map(|k| {
                if k / n == k % n { Q::from(d[k / n]) } else { Q::new() }
            }).collect()).unwrap();
            let a = p.transpose().mul(&dm).unwrap().mul(&p).unwrap();
            // Symmetric permutation: a cyclic shift of rows and columns.
            let perm: Vec<usize> = (0..n).map(|i| (i + shift) % n).collect();
            let mut b = QMatrix::zeros(n, n);
            for i in 0..n {
                for j in 0..n {
                    b[(i, j)] = a[(perm[i], perm[j])].clone();
                }
            }
            let expected = (
                d.iter().filter(|&&x| x > 0).count(),
                d.iter().filter(|&&x| x == 0).count(),
                d.iter().filter(|&&x| x < 0).count(),
            );
            check(&b, expected);
        }
    }
}
