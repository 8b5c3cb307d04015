//! Dense matrices of exact rationals.

use super::Q;
use rug::{Assign, Integer};
use std::fmt;

/// A dense row-major matrix of exact rationals.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct QMatrix {
    rows: usize,
    cols: usize,
    data: Vec<Q>,
}

impl QMatrix {
    /// The `rows × cols` zero matrix. Sizes come from validated shapes; a size whose entry
    /// count overflows `usize` is a programming error (and panics rather than wrapping round
    /// to a small matrix with huge dimensions).
    pub fn zeros(rows: usize, cols: usize) -> Self {
        let n = rows
            .checked_mul(cols)
            .expect("QMatrix::zeros: the entry count overflows usize");
        QMatrix {
            rows,
            cols,
            data: vec![Q::new(); n],
        }
    }

    /// The `n × n` identity matrix.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m[(i, i)] = Q::from(1);
        }
        m
    }

    /// Builds a matrix from its rows; `None` if the rows have different lengths.
    pub fn from_rows(rows: Vec<Vec<Q>>) -> Option<Self> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != cols) {
            return None;
        }
        let n = rows.len();
        Some(QMatrix {
            rows: n,
            cols,
            data: rows.into_iter().flatten().collect(),
        })
    }

    /// Builds a matrix from row-major data read from an input; an error says what does not fit.
    pub fn try_from_vec(rows: usize, cols: usize, data: Vec<Q>) -> Result<Self, String> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(format!("shape ({rows}, {cols}) but {} entries", data.len()));
        }
        Ok(QMatrix { rows, cols, data })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[Q] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Column `j` as a vector.
    pub fn col(&self, j: usize) -> Vec<Q> {
        (0..self.rows).map(|i| self[(i, j)].clone()).collect()
    }

    /// The rows as vectors.
    pub fn to_rows(&self) -> Vec<Vec<Q>> {
        (0..self.rows).map(|i| self.row(i).to_vec()).collect()
    }

    /// The transpose.
    pub fn transpose(&self) -> Self {
        let mut t = Self::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t[(j, i)] = self[(i, j)].clone();
            }
        }
        t
    }

    /// The product `self · other`; `None` if the inner dimensions differ.
    ///
    /// Each row of `self` and each column of `other` is first written over one common
    /// denominator, so every entry is an integer dot product normalised once (summing
    /// rationals term by term costs a gcd per addition).
    pub fn mul(&self, other: &QMatrix) -> Option<QMatrix> {
        if self.cols != other.rows {
            return None;
        }
        let rows: Vec<(Vec<Integer>, Integer)> = (0..self.rows)
            .map(|i| over_common_denominator(self.row(i)))
            .collect();
        let cols: Vec<(Vec<Integer>, Integer)> = (0..other.cols)
            .map(|j| over_common_denominator(&other.col(j)))
            .collect();
        let mut out = Self::zeros(self.rows, other.cols);
        let mut s = Integer::new();
        for (i, (a, da)) in rows.iter().enumerate() {
            for (j, (b, db)) in cols.iter().enumerate() {
                s.assign(0);
                for (x, y) in a.iter().zip(b) {
                    if *x != 0 && *y != 0 {
                        s += x * y;
                    }
                }
                if s != 0 {
                    out[(i, j)] = Q::from((s.clone(), Integer::from(da * db)));
                }
            }
        }
        Some(out)
    }

    /// Entrywise sum; `None` on a shape mismatch.
    pub fn add(&self, other: &QMatrix) -> Option<QMatrix> {
        self.zip(other, |a, b| Q::from(a + b))
    }

    /// Entrywise difference; `None` on a shape mismatch.
    pub fn sub(&self, other: &QMatrix) -> Option<QMatrix> {
        self.zip(other, |a, b| Q::from(a - b))
    }

    /// Every entry multiplied by `c`.
    pub fn scale(&self, c: &Q) -> QMatrix {
        QMatrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|a| Q::from(a * c)).collect(),
        }
    }

    fn zip(&self, other: &QMatrix, f: impl Fn(&Q, &Q) -> Q) -> Option<QMatrix> {
        if (self.rows, self.cols) != (other.rows, other.cols) {
            return None;
        }
        let data = self
            .data
            .iter()
            .zip(&other.data)
            .map(|(a, b)| f(a, b))
            .collect();
        Some(QMatrix {
            rows: self.rows,
            cols: self.cols,
            data,
        })
    }

    /// True when every entry is zero.
    pub fn is_zero(&self) -> bool {
        self.data.iter().all(|a| *a == 0)
    }

    /// ½‖self‖_F², the squared-loss value of a residual matrix.
    pub fn half_sq_norm(&self) -> Q {
        let mut s = Q::new();
        for a in &self.data {
            s += Q::from(a.square_ref());
        }
        s / 2u32
    }

    /// The entries in row-major order.
    pub fn data(&self) -> &[Q] {
        &self.data
    }
}

/// Writes a rational vector as integer numerators over the lcm of its denominators.
pub fn over_common_denominator(v: &[Q]) -> (Vec<Integer>, Integer) {
    let den = v.iter().fold(Integer::from(1), |l, x| l.lcm(x.denom()));
    let num = v
        .iter()
        .map(|x| Integer::from(&den / x.denom()) * x.numer())
        .collect();
    (num, den)
}

impl std::ops::Index<(usize, usize)> for QMatrix {
    type Output = Q;
    fn index(&self, (i, j): (usize, usize)) -> &Q {
        &self.data[i * self.cols + j]
    }
}

impl std::ops::IndexMut<(usize, usize)> for QMatrix {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut Q {
        &mut self.data[i * self.cols + j]
    }
}

impl fmt::Debug for QMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<Vec<String>> = self
            .to_rows()
            .iter()
            .map(|r| r.iter().map(|q| q.to_string()).collect())
            .collect();
        write!(f, "QMatrix{rows:?}")
    }
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
    fn product_transpose_and_norm() {
        let a = m(&[&[1, 2], &[3, 4]]);
        let b = m(&[&[0, 1], &[1, 0]]);
        assert_eq!(a.mul(&b).unwrap(), m(&[&[2, 1], &[4, 3]]));
        assert_eq!(a.transpose(), m(&[&[1, 3], &[2, 4]]));
        assert_eq!(a.half_sq_norm(), Q::from(15));
        assert!(a.mul(&m(&[&[1, 2, 3]])).is_none());
        assert!(QMatrix::from_rows(vec![vec![Q::new()], vec![]]).is_none());
        let h = QMatrix::from_rows(vec![vec![Q::from((1, 2)), Q::from((-1, 3))]]).unwrap();
        let k = QMatrix::from_rows(vec![vec![Q::from((3, 5))], vec![Q::from((9, 7))]]).unwrap();
        assert_eq!(
            h.mul(&k).unwrap()[(0, 0)],
            Q::from((3, 10)) - Q::from((3, 7))
        );
    }
}
