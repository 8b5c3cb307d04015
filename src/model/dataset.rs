//! Datasets read exactly from CSV text.
//!
//! The first line is a header of column names; every other non-blank line is a data point.
//! Every field is parsed from its decimal text to an exact rational (never through `f64`).
//! The target `y` is the last column unless another is named.

use crate::error::{Error, Result};
use crate::exact::{parse_rational, QMatrix, Q};
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
        }
    }

    /// Groups of rows (1-based file lines) that share the same input point, for C1.2 reports.
    pub fn duplicate_points(&self) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| self.x.row(a).cmp(self.x.row(b)));
        let mut groups = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && self.x.row(order[j]) == self.x.row(order[i]) {
                j += 1;
            }
            if j - i > 1 {
                let mut g: Vec<usize> = order[i..j].iter().map(|&k| self.lines[k]).collect();
                g.sort();
                groups.push(g);
            }
            i = j;
        }
        groups.sort();
        groups
    }
}

/// Reads a dataset from a CSV file; `target` names the target column (default: the last).
pub fn read_csv(path: &Path, target: Option<&str>) -> Result<Dataset> {
    let text = crate::io::read_text(path)?;
    parse_csv(&text, target).map_err(|e| Error::Input(format!("{}: {e}", path.display())))
}

/// Parses CSV text (see [`read_csv`]); errors name the line and column.
pub fn parse_csv(text: &str, target: Option<&str>) -> std::result::Result<Dataset, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or("empty file (expected a header line and at least two data rows)")?;
    let names: Vec<String> = header
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    if names.len() < 2 {
        return Err(format!(
            "line 1: the header has {} column; need at least one input column and a target",
            names.len()
        ));
    }
    let target_col = match target {
        None => names.len() - 1,
        Some(t) => names
            .iter()
            .position(|n| n == t)
            .ok_or_else(|| format!("no column named '{t}' (columns: {})", names.join(", ")))?,
    };
    let mut x_rows = Vec::new();
    let mut y = Vec::new();
    let mut line_numbers = Vec::new();
    for (line_no, line) in lines {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != names.len() {
            return Err(format!(
                "line {line_no}: {} fields, but the header has {} columns",
                fields.len(),
                names.len()
            ));
        }
        let mut row = Vec::with_capacity(names.len() - 1);
        for (col, field) in fields.iter().enumerate() {
            let value = parse_rational(field.trim().trim_matches('"')).map_err(|e| {
                format!("line {line_no}, column {} ('{}'): {e}", col + 1, names[col])
            })?;
            if col == target_col {
                y.push(value);
            } else {
                row.push(value);
            }
        }
        x_rows.push(row);
        line_numbers.push(line_no);
    }
    if y.len() < 2 {
        return Err(format!("{} data row(s); need at least two", y.len()));
    }
    let mut feature_names = names.clone();
    let target_name = feature_names.remove(target_col);
    Ok(Dataset {
        feature_names,
        target_name,
        x: QMatrix::from_rows(x_rows).expect("checked row lengths"),
        y,
        lines: line_numbers,
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
    fn finds_duplicate_points() {
        let d = parse_csv("a,y\n1,2\n3,4\n1,5\n", None).unwrap();
        assert_eq!(d.duplicate_points(), vec![vec![2, 4]]);
    }
}
