//! Rational columns as integers: each column over the lcm of its denominators, held in `i64`
//! when every scaled entry fits (decimal data usually does) and in GMP integers otherwise. The
//! Gram products of exact least squares and the matrix–vector products of Theorem 1 run on
//! these without a single rational normalisation (a gcd per operation is what makes naive
//! rational linear algebra slow).

use super::matrix::over_common_denominator;
use super::Q;
use rug::Integer;

/// The integer entries of one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ints {
    /// Every entry fits in `i64`.
    Small(Vec<i64>),
    /// GMP integers.
    Big(Vec<Integer>),
}

/// One rational column `c` as integers `n` and a positive scale `s` with `c_i = n_i / s`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The numerators.
    pub ints: Ints,
    /// The common denominator (the lcm of the entries' denominators).
    pub scale: Integer,
}

fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The `i64` form of a column whose denominators' lcm and scaled numerators fit.
fn small(values: &[&Q]) -> Option<(Vec<i64>, u64)> {
    let mut lcm: u64 = 1;
    for v in values {
        let d = v.denom().to_u64()?;
        lcm = lcm.checked_mul(d / gcd_u64(lcm, d))?;
    }
    let ints = values
        .iter()
        .map(|v| {
            let n = i128::from(v.numer().to_i64()?);
            let f = i128::from(lcm / v.denom().to_u64()?);
            i64::try_from(n * f).ok()
        })
        .collect::<Option<_>>()?;
    Some((ints, lcm))
}

impl Column {
    /// The integer form of the rationals `values`.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a Q>) -> Column {
        let values: Vec<&Q> = values.into_iter().collect();
        if let Some((ints, lcm)) = small(&values) {
            return Column {
                ints: Ints::Small(ints),
                scale: Integer::from(lcm),
            };
        }
        let scale = values
            .iter()
            .fold(Integer::from(1), |l, v| l.lcm(v.denom()));
        let ints = values
            .iter()
            .map(|v| Integer::from(&scale / v.denom()) * v.numer())
            .collect();
        Column {
            ints: Ints::Big(ints),
            scale,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.ints {
            Ints::Small(v) => v.len(),
            Ints::Big(v) => v.len(),
        }
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries as GMP integers.
    pub fn big(&self) -> Vec<Integer> {
        match &self.ints {
            Ints::Small(v) => v.iter().map(|&x| Integer::from(x)).collect(),
            Ints::Big(v) => v.clone(),
        }
    }

    fn max_abs(&self) -> Option<u128> {
        match &self.ints {
            Ints::Small(v) => Some(
                v.iter()
                    .map(|x| x.unsigned_abs() as u128)
                    .max()
                    .unwrap_or(0),
            ),
            Ints::Big(_) => None,
        }
    }
}

/// The entries of every column as `i64`, when all are small.
fn small_columns(cs: &[Column]) -> Option<Vec<&[i64]>> {
    cs.iter()
        .map(|c| match &c.ints {
            Ints::Small(v) => Some(v.as_slice()),
            Ints::Big(_) => None,
        })
        .collect()
}

/// The integer matrix `Pᵀ Q` of two sets of integer columns over the same rows (in `i128`
/// when no partial sum can overflow, else with GMP integers).
pub fn gram(p: &[Column], q: &[Column]) -> Vec<Vec<Integer>> {
    let m = p.first().map_or(0, Column::len) as u128;
    let bound = |cs: &[Column]| {
        cs.iter()
            .map(Column::max_abs)
            .try_fold(0, |a, b| Some(a.max(b?)))
    };
    if let (Some(ps), Some(qs), Some(bp), Some(bq)) =
        (small_columns(p), small_columns(q), bound(p), bound(q))
    {
        // Every partial sum is bounded by m·max|p|·max|q|, which must fit in i128.
        if m.saturating_mul(bp).saturating_mul(bq) < (1u128 << 126) {
            return ps
                .iter()
                .map(|pc| {
                    qs.iter()
                        .map(|qc| {
                            let s: i128 = pc
                                .iter()
                                .zip(qc.iter())
                                .map(|(&x, &y)| x as i128 * y as i128)
                                .sum();
                            Integer::from(s)
                        })
                        .collect()
                })
                .collect();
        }
    }
    let (pb, qb): (Vec<Vec<Integer>>, Vec<Vec<Integer>>) = (
        p.iter().map(Column::big).collect(),
        q.iter().map(Column::big).collect(),
    );
    pb.iter()
        .map(|pc| {
            qb.iter()
                .map(|qc| {
                    let mut s = Integer::new();
                    for (x, y) in pc.iter().zip(qc) {
                        s += x * y;
                    }
                    s
                })
                .collect()
        })
        .collect()
}

/// The product `A w` of the matrix with columns `cols` and the rational vector `w`, one row at a
/// time: [`RowDot::at`]`(i)` is the integer numerator `N_i` of `(A w)_i = N_i / D` over one common
/// (unreduced) denominator `D` = [`RowDot::den`], with nothing held per row.
#[derive(Clone, Debug)]
pub struct RowDot<'a> {
    cols: &'a [Column],
    coef: Vec<Integer>,
    /// The common denominator `D`.
    pub den: Integer,
}

impl<'a> RowDot<'a> {
    /// The product of the matrix with columns `cols` and `w`: an error when `w` does not have one
    /// entry per column or the columns differ in length.
    pub fn new(cols: &'a [Column], w: &[Q]) -> Result<RowDot<'a>, String> {
        let m = cols.first().map_or(0, Column::len);
        if cols.len() != w.len() || cols.iter().any(|c| c.len() != m) {
            return Err(format!(
                "A·w: {} columns (of lengths {}) and {} weights",
                cols.len(),
                cols.iter()
                    .map(|c| c.len().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                w.len()
            ));
        }
        let scaled: Vec<Q> = cols
            .iter()
            .zip(w)
            .map(|(c, x)| Q::from(x / &c.scale))
            .collect();
        let (coef, den) = over_common_denominator(&scaled);
        Ok(RowDot { cols, coef, den })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.cols.first().map_or(0, Column::len)
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `N_i = Σ_j coef_j·ints_j[i]`, or with `abs` the same sum of `|coef_j·ints_j[i]|`.
    fn sum(&self, i: usize, abs: bool) -> Integer {
        let mut s = Integer::new();
        for (c, k) in self.cols.iter().zip(&self.coef) {
            match &c.ints {
                Ints::Small(v) if abs => s += Integer::from(k.abs_ref()) * v[i].unsigned_abs(),
                Ints::Small(v) => s += k * v[i],
                Ints::Big(v) if abs => s += Integer::from(k * &v[i]).abs(),
                Ints::Big(v) => s += k * &v[i],
            }
        }
        s
    }

    /// The numerator `N_i` of row `i`.
    pub fn at(&self, i: usize) -> Integer {
        self.sum(i, false)
    }

    /// `Σ_j |coef_j·ints_j[i]|`: with the weights `w_j = 1`, the numerator of row `i`'s
    /// `ℓ1` norm.
    pub fn abs_at(&self, i: usize) -> Integer {
        self.sum(i, true)
    }

    /// A bound `b` with `|N_i| < 2^b` for every row `i`.
    pub fn bits_bound(&self) -> u32 {
        let terms = self.cols.iter().zip(&self.coef).map(|(c, k)| {
            let entry = match &c.ints {
                Ints::Small(_) => 64,
                Ints::Big(v) => v.iter().map(Integer::significant_bits).max().unwrap_or(0),
            };
            k.significant_bits() + entry
        });
        let count = u32::try_from(self.cols.len()).unwrap_or(u32::MAX);
        terms.max().unwrap_or(0) + (u32::BITS - count.leading_zeros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Q {
        Q::from((n, d))
    }

    #[test]
    fn columns_small_and_big_agree() {
        let v = [q(1, 2), q(-3, 4), q(5, 1), q(7, 10)];
        let c = Column::new(&v);
        assert_eq!(c.scale, 20);
        assert_eq!(c.ints, Ints::Small(vec![10, -15, 100, 14]));
        let huge = Q::from((Integer::from(Integer::u_pow_u(10, 30)), Integer::from(3)));
        let b = Column::new([&huge, &q(1, 7)]);
        assert_eq!(b.scale, 21);
        assert!(matches!(b.ints, Ints::Big(_)));
        for (i, x) in b.big().iter().enumerate() {
            assert_eq!(
                Q::from((x.clone(), b.scale.clone())),
                [&huge, &q(1, 7)][i].clone()
            );
        }
    }

    #[test]
    fn gram_and_row_dot_match_rational_arithmetic() {
        let cols = [
            Column::new(&[q(1, 2), q(1, 3), q(-2, 1)]),
            Column::new(&[q(1, 1), q(1, 1), q(1, 1)]),
        ];
        let g = gram(&cols, &cols);
        // (1/2, 1/3, −2)·6 = (3, 2, −12): Σ = 9 + 4 + 144 = 157.
        assert_eq!(g[0][0], 157);
        assert_eq!(g[0][1], 3 + 2 - 12);
        let r = RowDot::new(&cols, &[q(2, 5), q(-1, 3)]).unwrap();
        assert!(RowDot::new(&cols, &[q(1, 1)]).is_err());
        let expect = [q(1, 5) - q(1, 3), q(2, 15) - q(1, 3), q(-4, 5) - q(1, 3)];
        for (i, e) in expect.iter().enumerate() {
            assert_eq!(Q::from((r.at(i), r.den.clone())), *e);
        }
        let big = [Column::new(&[
            Q::from(Integer::from(Integer::u_pow_u(2, 100))),
            q(1, 1),
        ])];
        assert_eq!(
            gram(&big, &big)[0][0],
            Integer::from(Integer::u_pow_u(2, 200)) + 1u32
        );
    }

    #[test]
    fn row_dot_matches_rational_arithmetic_with_big_entries() {
        let huge = Q::from((Integer::from(Integer::u_pow_u(10, 30)), Integer::from(-3)));
        let rows = [
            [q(1, 2), huge.clone(), q(1, 1)],
            [q(-1, 3), q(1, 7), q(1, 1)],
            [q(-2, 1), q(0, 1), q(1, 1)],
        ];
        let cols: Vec<Column> = (0..3)
            .map(|j| Column::new(&rows.iter().map(|r| r[j].clone()).collect::<Vec<_>>()))
            .collect();
        assert!(matches!(cols[1].ints, Ints::Big(_)));
        for w in [[q(2, 5), q(-1, 3), q(7, 1)], [q(1, 1), q(1, 1), q(1, 1)]] {
            let r = RowDot::new(&cols, &w).unwrap();
            assert_eq!(r.len(), 3);
            for (i, row) in rows.iter().enumerate() {
                let exact: Q = row.iter().zip(&w).map(|(a, b)| Q::from(a * b)).sum();
                let abs: Q = row.iter().zip(&w).map(|(a, b)| Q::from(a * b).abs()).sum();
                assert_eq!(Q::from((r.at(i), r.den.clone())), exact);
                assert_eq!(Q::from((r.abs_at(i), r.den.clone())), abs);
                assert!(r.at(i).significant_bits() < r.bits_bound());
            }
        }
        let ones = [q(1, 1), q(1, 1), q(1, 1)];
        assert!(RowDot::new(&cols, &ones[..2]).is_err());
    }
}
