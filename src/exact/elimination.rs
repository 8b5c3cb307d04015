//! Fraction-free (Bareiss) elimination over the integers: rank, consistent solves, and exact
//! least squares.
//!
//! Rational matrices are first scaled to integer matrices (each row or column by the least
//! common multiple of its denominators), so that every intermediate value is an integer minor
//! and every division is exact (Sylvester's identity). Rank-deficient systems are handled: a
//! column without a pivot is skipped and its unknown set to zero, which gives one particular
//! exact solution of a consistent system.

use super::matrix::over_common_denominator;
use super::scaled::{gram, Column};
use super::{QMatrix, Q};
use rug::Integer;

/// The row-echelon form produced by [`bareiss`]: pivot rows come first, in order.
pub struct Echelon {
    /// The eliminated integer matrix (rows below the rank are zero in the eliminated columns).
    pub rows: Vec<Vec<Integer>>,
    /// The column of each pivot, one per pivot row.
    pub pivot_cols: Vec<usize>,
}

/// Runs fraction-free Gaussian elimination with row pivoting on the first `elim_cols` columns
/// of an integer matrix; the remaining columns (right-hand sides) are carried along. Rows of
/// different lengths are an error.
pub fn bareiss(a: Vec<Vec<Integer>>, elim_cols: usize) -> Result<Echelon, String> {
    rectangular(&a, "bareiss: the matrix")?;
    Ok(eliminate(a, elim_cols))
}

/// `Err` naming `what` unless every row has the length of the first.
fn rectangular(a: &[Vec<Integer>], what: &str) -> Result<usize, String> {
    let n = a.first().map_or(0, Vec::len);
    match a.iter().position(|r| r.len() != n) {
        Some(i) => Err(format!(
            "{what}: row {} has {} entries, row 1 has {n}",
            i + 1,
            a[i].len()
        )),
        None => Ok(n),
    }
}

/// [`bareiss`] on a matrix whose rows all have the same length.
fn eliminate(mut a: Vec<Vec<Integer>>, elim_cols: usize) -> Echelon {
    let n_rows = a.len();
    let n_cols = a.first().map_or(0, Vec::len);
    let mut prev = Integer::from(1);
    let mut pivot_cols = Vec::new();
    let mut k = 0;
    let mut t = Integer::new();
    for c in 0..elim_cols.min(n_cols) {
        if k == n_rows {
            break;
        }
        let Some(p) = (k..n_rows).find(|&r| a[r][c] != 0) else {
            continue;
        };
        a.swap(k, p);
        let (top, bottom) = a.split_at_mut(k + 1);
        let pivot_row = &top[k];
        let pivot = &pivot_row[c];
        for row in bottom.iter_mut() {
            if row[c] == 0 {
                // (pivot·a_ij − 0·a_kj)/prev: scale only.
                for x in row.iter_mut().skip(c + 1) {
                    if *x != 0 {
                        *x *= pivot;
                        x.div_exact_mut(&prev);
                    }
                }
                continue;
            }
            let lead = std::mem::take(&mut row[c]);
            for (x, y) in row.iter_mut().zip(pivot_row.iter()).skip(c + 1) {
                *x *= pivot;
                t.assign_mul(&lead, y);
                *x -= &t;
                x.div_exact_mut(&prev);
            }
        }
        prev = top[k][c].clone();
        pivot_cols.push(c);
        k += 1;
    }
    Echelon {
        rows: a,
        pivot_cols,
    }
}

/// Small helper so that `t = a * b` reuses `t`'s allocation.
trait AssignMul {
    fn assign_mul(&mut self, a: &Integer, b: &Integer);
}

impl AssignMul for Integer {
    fn assign_mul(&mut self, a: &Integer, b: &Integer) {
        use rug::Assign;
        self.assign(a * b);
    }
}

/// Scales every row of a rational matrix by the lcm of its denominators: an integer matrix with
/// the same row space.
pub fn integer_rows(m: &QMatrix) -> Vec<Vec<Integer>> {
    (0..m.rows())
        .map(|i| over_common_denominator(m.row(i)).0)
        .collect()
}

/// The exact rank of a rational matrix.
pub fn rank(m: &QMatrix) -> usize {
    eliminate(integer_rows(m), m.cols()).pivot_cols.len()
}

/// Solves `A z = B` exactly for an integer `A` (`n × n_a`) and integer right-hand sides `B`
/// (`n × n_b`), returning one solution (free unknowns set to zero) as an `n_a × n_b` matrix and
/// the rank of `A`, or `None` when the system is inconsistent. Shapes that do not fit are an
/// error.
pub fn solve_integer(
    a: Vec<Vec<Integer>>,
    b: Vec<Vec<Integer>>,
) -> Result<Option<(QMatrix, usize)>, String> {
    if a.len() != b.len() {
        return Err(format!("solve: A has {} rows, B has {}", a.len(), b.len()));
    }
    let n_a = rectangular(&a, "solve: A")?;
    let n_b = rectangular(&b, "solve: B")?;
    let aug: Vec<Vec<Integer>> = a
        .into_iter()
        .zip(b)
        .map(|(mut r, rb)| {
            r.extend(rb);
            r
        })
        .collect();
    let e = eliminate(aug, n_a);
    let r = e.pivot_cols.len();
    if e.rows[r..]
        .iter()
        .any(|row| row[n_a..].iter().any(|x| *x != 0))
    {
        return Ok(None);
    }
    // Fraction-free back substitution: with D the last pivot (the determinant of the pivot
    // block), Cramer's rule makes every y = D·z an integer, so each step is an exact integer
    // division; only the final z = y/D is a rational.
    let mut z = QMatrix::zeros(n_a, n_b);
    if r == 0 {
        return Ok(Some((z, 0)));
    }
    let d = e.rows[r - 1][e.pivot_cols[r - 1]].clone();
    let mut y = vec![vec![Integer::new(); n_b]; n_a];
    for k in (0..r).rev() {
        let c = e.pivot_cols[k];
        let row = &e.rows[k];
        for col in 0..n_b {
            let mut s = Integer::from(&row[n_a + col] * &d);
            for &cj in &e.pivot_cols[k + 1..] {
                if row[cj] != 0 {
                    s -= &row[cj] * &y[cj][col];
                }
            }
            s.div_exact_mut(&row[c]);
            y[c][col] = s;
        }
    }
    for (i, yi) in y.into_iter().enumerate() {
        for (col, v) in yi.into_iter().enumerate() {
            if v != 0 {
                z[(i, col)] = Q::from((v, d.clone()));
            }
        }
    }
    Ok(Some((z, r)))
}

/// Solves `A z = B` for rational `A`, `B`; one solution, or `None` when inconsistent; an error
/// when the row counts differ.
pub fn solve(a: &QMatrix, b: &QMatrix) -> Result<Option<QMatrix>, String> {
    if a.rows() != b.rows() {
        return Err(format!(
            "solve: A has {} rows, B has {}",
            a.rows(),
            b.rows()
        ));
    }
    let mut aug = QMatrix::zeros(a.rows(), a.cols() + b.cols());
    for i in 0..a.rows() {
        for j in 0..a.cols() {
            aug[(i, j)] = a[(i, j)].clone();
        }
        for j in 0..b.cols() {
            aug[(i, a.cols() + j)] = b[(i, j)].clone();
        }
    }
    let rows = integer_rows(&aug);
    let (left, right): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|mut r| {
            let rb = r.split_off(a.cols());
            (r, rb)
        })
        .unzip();
    Ok(solve_integer(left, right)?.map(|(z, _)| z))
}

/// An exact least-squares solution.
pub struct LeastSquares {
    /// A minimiser `W` (`n × k`) of `½‖A W − B‖_F²`; the normal equations `Aᵀ(AW − B) = 0`
    /// hold exactly.
    pub solution: QMatrix,
    /// The rank of `A`.
    pub rank: usize,
}

/// Exact least squares for a design matrix `a` (`m × n`, one row per data point) and targets
/// `b` (`m × k`). Works for rank-deficient `a`: any minimiser is returned. An error when the
/// row counts differ.
pub fn least_squares(a: &QMatrix, b: &QMatrix) -> Result<LeastSquares, String> {
    let columns = |m: &QMatrix| -> Vec<Column> {
        (0..m.cols())
            .map(|j| Column::new((0..m.rows()).map(|i| &m[(i, j)])))
            .collect()
    };
    least_squares_columns(&columns(a), &columns(b))
}

/// [`least_squares`] for a design matrix and targets given as integer columns ([`Column`]):
/// the integer Gram system is formed (in `i128` when it cannot overflow) and solved by Bareiss
/// elimination, then the column scaling is undone. Columns of different lengths are an error.
pub fn least_squares_columns(a: &[Column], b: &[Column]) -> Result<LeastSquares, String> {
    let m = a.first().or(b.first()).map_or(0, Column::len);
    if let Some(c) = a.iter().chain(b).find(|c| c.len() != m) {
        return Err(format!(
            "least squares: a column has {} entries, another {m}",
            c.len()
        ));
    }
    let g = gram(a, a);
    let rhs = gram(a, b);
    // The normal equations always have a solution; `None` could only come from a bug.
    let (z, rank) = solve_integer(g, rhs)?
        .ok_or("least squares: the normal equations came out inconsistent (a bug)")?;
    // rank(AᵀA) = rank(A). A = Ai·diag(1/sa), B = Bi·diag(1/sb), so W = diag(sa) Z diag(1/sb).
    let mut w = z;
    for (i, ca) in a.iter().enumerate() {
        for (j, cb) in b.iter().enumerate() {
            let v = Q::from(&w[(i, j)] * &ca.scale) / &cb.scale;
            w[(i, j)] = v;
        }
    }
    Ok(LeastSquares { rank, solution: w })
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

    #[test]
    fn rank_of_known_matrices() {
        assert_eq!(rank(&m(&[&[1, 2], &[2, 4]])), 1);
        assert_eq!(rank(&m(&[&[0, 0], &[0, 0]])), 0);
        assert_eq!(rank(&m(&[&[0, 1, 2], &[1, 0, 3], &[1, 1, 5]])), 2);
        assert_eq!(rank(&QMatrix::identity(4)), 4);
        let half = QMatrix::from_rows(vec![
            vec![Q::from((1, 2)), Q::from((1, 3))],
            vec![Q::from(3), Q::from(2)],
        ])
        .unwrap();
        assert_eq!(rank(&half), 1);
    }

    #[test]
    fn solves_square_and_detects_inconsistency() {
        let a = m(&[&[2, 1], &[1, 3]]);
        let x = solve(&a, &m(&[&[3], &[5]])).unwrap().unwrap();
        assert_eq!(
            x,
            QMatrix::from_rows(vec![vec![Q::from((4, 5))], vec![Q::from((7, 5))]]).unwrap()
        );
        assert!(solve(&m(&[&[1, 1], &[1, 1]]), &m(&[&[1], &[2]]))
            .unwrap()
            .is_none());
        let y = solve(&m(&[&[1, 1], &[1, 1]]), &m(&[&[2], &[2]]))
            .unwrap()
            .unwrap();
        assert_eq!(Q::from(&y[(0, 0)] + &y[(1, 0)]), 2);
    }

    fn normal_residual(a: &QMatrix, b: &QMatrix, w: &QMatrix) -> QMatrix {
        a.transpose()
            .mul(&a.mul(w).unwrap().sub(b).unwrap())
            .unwrap()
    }

    #[test]
    fn least_squares_known_answer() {
        // Fit y = c0 + c1 x to (0,0), (1,1), (2,1): c1 = 1/2, c0 = 1/6.
        let a = m(&[&[1, 0], &[1, 1], &[1, 2]]);
        let b = m(&[&[0], &[1], &[1]]);
        let ls = least_squares(&a, &b).unwrap();
        assert_eq!(ls.solution.col(0), vec![Q::from((1, 6)), Q::from((1, 2))]);
        assert_eq!(ls.rank, 2);
    }

    #[test]
    fn least_squares_rank_deficient() {
        // Theorem 2 data: x3 = (x1 + x2)/2 and x_i1 + x_i2 = 1, so [x; 1] has rank 2.
        let h = Q::from((1, 2));
        let a = QMatrix::from_rows(vec![
            vec![Q::from(1), Q::from(0), Q::from(1)],
            vec![Q::from(0), Q::from(1), Q::from(1)],
            vec![h.clone(), h, Q::from(1)],
        ])
        .unwrap();
        let b = m(&[&[0], &[0], &[1]]);
        let ls = least_squares(&a, &b).unwrap();
        assert_eq!(ls.rank, 2);
        assert!(normal_residual(&a, &b, &ls.solution).is_zero());
        let fit = a.mul(&ls.solution).unwrap();
        assert!(fit.data().iter().all(|v| *v == Q::from((1, 3))));
    }

    #[test]
    fn least_squares_big_entries_use_gmp_path() {
        let big = Integer::from(Integer::u_pow_u(10, 30));
        let a = QMatrix::from_rows(vec![
            vec![Q::from(1), Q::from(big.clone())],
            vec![Q::from(1), Q::from(-big.clone())],
            vec![Q::from(1), Q::from(3)],
        ])
        .unwrap();
        let b = m(&[&[1], &[2], &[3]]);
        let ls = least_squares(&a, &b).unwrap();
        assert!(normal_residual(&a, &b, &ls.solution).is_zero());
    }

    #[test]
    fn shapes_that_do_not_fit_are_errors() {
        let i = |v: &[i64]| v.iter().map(|&x| Integer::from(x)).collect::<Vec<_>>();
        assert!(bareiss(vec![i(&[1, 2]), i(&[3])], 2).is_err());
        assert!(solve_integer(vec![i(&[1, 2]), i(&[3, 4])], vec![i(&[1])]).is_err());
        assert!(solve_integer(vec![i(&[1, 2]), i(&[3])], vec![i(&[1]), i(&[2])]).is_err());
        assert!(solve(&m(&[&[1, 0], &[0, 1]]), &m(&[&[1]])).is_err());
        assert!(least_squares(&m(&[&[1], &[1]]), &m(&[&[1]])).is_err());
        let cols = |v: &[i64]| Column::new(&v.iter().map(|&x| Q::from(x)).collect::<Vec<_>>());
        assert!(least_squares_columns(&[cols(&[1, 2])], &[cols(&[1])]).is_err());
    }
}
