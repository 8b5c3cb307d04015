//! Datasets read exactly from CSV text.
//!
//! The first line is a header of column names; every other non-blank line is a data point.
//! Every field is parsed from its decimal text to an exact rational (never through `f64`).
//! The target `y` is the last column unless another is named.

use crate::error::{Error, Result};
use crate::exact::{QMatrix, Q};
use rug::Integer;
use std::collections::HashSet;
use std::path::Path;

/// A dataset with `m` points of dimension `dx` and a scalar target, all exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// Names of the input columns, in order.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// The input points, one row per point (`m × dx`).
    pub x: QMatrix,
    /// The targets, one per point.
    pub y: Vec<Q>,
    /// The file line of each point (1-based), for error messages.
    pub lines: Vec<usize>,
    /// The CSV file it was read from, when a certificate is to name it ([`read_csv_source`]);
    /// `None`: a certificate restates the values (`problem.data.x`, `y`).
    pub source: Option<Source>,
}

/// The CSV file a dataset was read from, as a certificate names it (`problem.data.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file's name (informational; the hash identifies it).
    pub file: String,
    /// Where it was read from (the checker's self-check reads it again when it is not
    /// embedded).
    pub path: std::path::PathBuf,
    /// The file's length in bytes.
    pub bytes: u64,
    /// The file's text, exactly; empty when it was read as a stream and is not embedded.
    pub text: std::sync::Arc<str>,
    /// SHA-256 of the file's bytes, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// Whether the certificate embeds the text (`true`) or names the file by hash only.
    pub embed: bool,
}

impl Dataset {
    /// Number of points `m`.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when there are no points (never, for a dataset built by [`read_csv`]).
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Input dimension `dx`.
    pub fn dim(&self) -> usize {
        self.x.cols()
    }

    /// The augmented design matrix `X̃ᵀ`: one row `[x_i, 1]` per point (`m × (dx+1)`).
    pub fn augmented(&self) -> QMatrix {
        let (m, dx) = (self.len(), self.dim());
        let mut a = QMatrix::zeros(m, dx + 1);
        for i in 0..m {
            for j in 0..dx {
                a[(i, j)] = self.x[(i, j)].clone();
            }
            a[(i, dx)] = Q::from(1);
        }
        a
    }

    /// Builds a dataset from exact rows; for tests and built-in datasets.
    pub fn from_rows(x: Vec<Vec<Q>>, y: Vec<Q>) -> Self {
        let dx = x.first().map_or(0, Vec::len);
        let lines = (2..2 + y.len()).collect();
        Dataset {
            feature_names: (1..=dx).map(|j| format!("x{j}")).collect(),
            target_name: "y".into(),
            x: QMatrix::from_rows(x).expect("rows of equal length"),
            y,
            lines,
            source: None,
        }
    }

    /// Groups of rows (1-based file lines) that share the same input point, for C1.2 reports.
    pub fn duplicate_points(&self) -> Vec<Vec<usize>> {
        equal_groups(&self.lines, |a, b| self.x.row(a).cmp(self.x.row(b)))
    }
}

/// Groups (of two or more) of the points equal under `cmp`, each as the sorted `lines` of its
/// points, the groups sorted: the duplicate points reported with condition C1.2.
pub fn equal_groups(
    lines: &[usize],
    cmp: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    let mut groups = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && cmp(order[j], order[i]).is_eq() {
            j += 1;
        }
        if j - i > 1 {
            let mut g: Vec<usize> = order[i..j].iter().map(|&k| lines[k]).collect();
            g.sort();
            groups.push(g);
        }
        i = j;
    }
    groups.sort();
    groups
}

/// The default bound on the estimated memory of an exact computation, in MB (`--memory-limit`).
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 1024;

/// The exact size of one column held over its common denominator (as Theorem 1's least
/// squares and the exact products hold it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSize {
    /// Bits of the common denominator (the lcm of the entries' denominators); `None` when it
    /// exceeds the bound it was computed under.
    pub scale_bits: Option<u64>,
    /// Bits of the largest scaled numerator.
    pub max_bits: u64,
    /// Bits of all scaled numerators together.
    pub total_bits: u64,
}

/// The size of the column `values` over its common denominator. The lcm is built over the
/// distinct denominators and abandoned once it exceeds `cap_bits`, so the estimate itself costs
/// at most `O(distinct denominators × cap_bits)` word operations.
pub fn column_size<'a>(values: impl IntoIterator<Item = &'a Q>, cap_bits: u64) -> ColumnSize {
    let values: Vec<&Q> = values.into_iter().collect();
    let mut distinct: HashSet<&Integer> = HashSet::new();
    let mut lcm = Integer::from(1);
    let mut scale_bits = Some(0u64);
    for v in &values {
        let d = v.denom();
        if *d == 1 || !distinct.insert(d) || lcm.is_divisible(d) {
            continue;
        }
        lcm.lcm_mut(d);
        if u64::from(lcm.significant_bits()) > cap_bits {
            scale_bits = None;
            break;
        }
    }
    let scale = scale_bits.map(|_| u64::from(lcm.significant_bits()));
    let s = scale.unwrap_or(cap_bits.saturating_add(1));
    let mut max_bits = 0u64;
    let mut total_bits = 0u64;
    for v in &values {
        let b = (u64::from(v.numer().significant_bits()) + s + 1)
            .saturating_sub(u64::from(v.denom().significant_bits()));
        max_bits = max_bits.max(b);
        total_bits = total_bits.saturating_add(b.max(64));
    }
    ColumnSize {
        scale_bits: scale,
        max_bits,
        total_bits,
    }
}

/// The estimated memory, in bytes, of exact least squares on `k` columns of `m` rows, each held
/// over its common denominator as `sizes` says: the integer columns (with the copies the
/// computation makes) and the fraction-free elimination of their `k × k` Gram matrix, whose
/// entries grow to about `min(m, k)` times twice the largest column's bits.
pub fn least_squares_memory(sizes: &[ColumnSize], m: usize) -> u64 {
    let k = sizes.len() as u64;
    let columns: u64 = sizes
        .iter()
        .map(|c| c.total_bits)
        .fold(0, u64::saturating_add);
    let widest = sizes.iter().map(|c| c.max_bits).max().unwrap_or(0);
    let log_m = u64::from(usize::BITS - m.leading_zeros());
    let entry = (2 * widest + log_m + 64).saturating_mul(k.min(m as u64).max(1));
    let gram = k.saturating_mul(k).saturating_mul(entry);
    columns.saturating_mul(4).saturating_add(gram) / 8
}

impl Dataset {
    /// Checks that exact computations on the dataset (Theorem 1's least squares, `derive`'s
    /// coefficients) stay within `limit_mb` megabytes by the estimate of
    /// [`least_squares_memory`], before any of them starts; the error says what is large and
    /// how to raise the limit.
    pub fn check_memory(&self, limit_mb: u64) -> std::result::Result<(), String> {
        let limit = limit_mb.saturating_mul(1 << 20);
        let m = self.len();
        // No column can take more than the whole budget: stop the lcm there.
        let cap = limit.saturating_mul(8) / (m.max(1) as u64);
        let mut sizes: Vec<(String, ColumnSize)> = (0..self.dim())
            .map(|j| {
                let name = self.feature_names.get(j).cloned().unwrap_or_default();
                (name, column_size((0..m).map(|i| &self.x[(i, j)]), cap))
            })
            .collect();
        sizes.push((self.target_name.clone(), column_size(&self.y, cap)));
        memory_check(&sizes, m, limit_mb, cap)
    }
}

/// The size of an integer column as [`column_size`] counts it.
pub fn integer_column_size(c: &crate::exact::scaled::Column) -> ColumnSize {
    let bits: Vec<u64> = match &c.ints {
        crate::exact::scaled::Ints::Small(v) => v
            .iter()
            .map(|x| u64::from(64 - x.unsigned_abs().leading_zeros()) + 1)
            .collect(),
        crate::exact::scaled::Ints::Big(v) => v
            .iter()
            .map(|x| u64::from(x.significant_bits()) + 1)
            .collect(),
    };
    ColumnSize {
        scale_bits: Some(u64::from(c.scale.significant_bits())),
        max_bits: bits.iter().copied().max().unwrap_or(0),
        total_bits: bits
            .iter()
            .map(|b| (*b).max(64))
            .fold(0, u64::saturating_add),
    }
}

/// The check of [`Dataset::check_memory`] on the sizes of named columns of `m` values (`cap`:
/// the bound their common denominators were computed under).
pub fn memory_check(
    sizes: &[(String, ColumnSize)],
    m: usize,
    limit_mb: u64,
    cap: u64,
) -> std::result::Result<(), String> {
    let limit = limit_mb.saturating_mul(1 << 20);
    {
        let only: Vec<ColumnSize> = sizes.iter().map(|(_, c)| c.clone()).collect();
        let estimate = least_squares_memory(&only, m);
        let over_cap = sizes.iter().find(|(_, c)| c.scale_bits.is_none());
        if estimate <= limit && over_cap.is_none() {
            return Ok(());
        }
        let (name, big) = over_cap
            .or_else(|| sizes.iter().max_by_key(|(_, c)| c.total_bits))
            .expect("at least two columns");
        let scale = match big.scale_bits {
            Some(b) => format!("{b} bits"),
            None => format!("more than {cap} bits"),
        };
        Err(format!(
            "exact arithmetic on this dataset is estimated to need more than {limit_mb} MB (about {} MB; column '{name}' holds {m} values over a common denominator of {scale}); raise --memory-limit (in MB) if the machine has the memory, or round the data to fewer digits",
            (estimate >> 20).max(limit_mb + u64::from(over_cap.is_some()))
        ))
    }
}

/// Reads a dataset from a CSV file; `target` names the target column (default: the last).
pub fn read_csv(path: &Path, target: Option<&str>) -> Result<Dataset> {
    let text = crate::io::read_text(path)?;
    parse_csv(&text, target).map_err(|e| Error::Input(format!("{}: {e}", path.display())))
}

/// Reads a dataset from a CSV file as [`read_csv`] does, keeping the file's text, name and
/// SHA-256 so that a certificate can name the file (embedding its text, the default here, or
/// referring to it by hash: set `source.embed`).
pub fn read_csv_source(path: &Path, target: Option<&str>) -> Result<Dataset> {
    let text = crate::io::read_text(path)?;
    let mut data =
        parse_csv(&text, target).map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    data.source = Some(Source {
        file,
        path: path.to_path_buf(),
        bytes: text.len() as u64,
        sha256: crate::cert::data::sha256_hex(text.as_bytes()),
        text: text.into(),
        embed: true,
    });
    Ok(data)
}

/// Parses CSV text (see [`read_csv`]); errors name the line and column. The rules are the
/// checker's ([`crate::cert::data::parse_csv`], documented there and in the certificate schema),
/// so that a certificate's data is read by the checker exactly as it was read here.
pub fn parse_csv(text: &str, target: Option<&str>) -> std::result::Result<Dataset, String> {
    let t = crate::cert::data::parse_csv(text, target)?;
    Ok(Dataset {
        feature_names: t.feature_names,
        target_name: t.target_name,
        x: QMatrix::from_rows(t.x).expect("checked row lengths"),
        y: t.y,
        lines: t.lines,
        source: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_with_target_choice() {
        let d = parse_csv("a,b,y\n-0.35,1e-3,12\n1,2,3\n", None).unwrap();
        assert_eq!(d.x[(0, 0)], Q::from((-7, 20)));
        assert_eq!(d.x[(0, 1)], Q::from((1, 1000)));
        assert_eq!(d.y, vec![Q::from(12), Q::from(3)]);
        let d = parse_csv("a,b,y\n-0.35,1e-3,12\n1,2,3\n", Some("a")).unwrap();
        assert_eq!(d.feature_names, vec!["b", "y"]);
        assert_eq!(d.y[0], Q::from((-7, 20)));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_csv("a,y\n1,2\nx,3\n", None).unwrap_err();
        assert!(e.contains("line 3, column 1 ('a')"), "{e}");
        let e = parse_csv("a,y\n1,nan\n2,3\n", None).unwrap_err();
        assert!(
            e.contains("line 2, column 2") && e.contains("finite"),
            "{e}"
        );
        let e = parse_csv("a,y\n1,2\n2\n", None).unwrap_err();
        assert!(e.contains("line 3: 1 fields"), "{e}");
        assert!(parse_csv("", None).unwrap_err().contains("empty file"));
        assert!(parse_csv("a,y\n1,2\n", None)
            .unwrap_err()
            .contains("1 data row"));
        assert!(parse_csv("a,y\n1,2\n3,4\n", Some("z"))
            .unwrap_err()
            .contains("no column named 'z'"));
    }

    #[test]
    fn memory_estimate_refuses_a_huge_common_denominator() {
        let d = parse_csv("a,y\n0.5,1\n0.25,2\n", None).unwrap();
        assert!(d.check_memory(1).is_ok());
        // One long decimal puts every value of its column over a 4000-digit denominator.
        let mut text = format!("a,y\n0.{},1\n", "7".repeat(4000));
        for i in 0..2000 {
            text.push_str(&format!("{i},{i}\n"));
        }
        let d = parse_csv(&text, None).unwrap();
        let e = d.check_memory(1).unwrap_err();
        assert!(
            e.contains("column 'a'") && e.contains("--memory-limit"),
            "{e}"
        );
        assert!(d.check_memory(64).is_ok());
    }

    #[test]
    fn finds_duplicate_points() {
        let d = parse_csv("a,y\n1,2\n3,4\n1,5\n", None).unwrap();
        assert_eq!(d.duplicate_points(), vec![vec![2, 4]]);
    }
}
