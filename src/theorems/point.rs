//! `critcert point`: certify a candidate critical point found by training (untrusted producer;
//! every certificate is re-checked by the checker, kind `critical-point`).
//!
//! The producer reads the point exactly (every f64 is a rational), forms the gradient and Hessian
//! at the point from the e-graph's derivatives ([`super::point_derive`]), classifies the point in
//! floating point (eigenvalues), and searches the largest radius `r` of the box `θ̃ + [−r, r]^p`
//! that the checker accepts: a first radius from one probe of how the checker's Hessian
//! enclosure widens with the box, a few checks around it, and (when the estimate fails)
//! doubling from the Newton step, then bisecting.

use super::point_derive;
use crate::cert::activation::Act;
use crate::cert::interval::I;
use crate::cert::point::{self, claims, claims_spurious, Cert, Problem, Witness};
use crate::cert::thm2::Activation;
use crate::cert::{CheckReport, VERSION};
use crate::deeplinear::load::{parse_npy, parse_safetensors, safetensors_names, RawMatrix};
use crate::error::{Error, Result};
use crate::exact::{format_rational, parse_input, Q};
use crate::model::read_csv;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;

/// The model of `critcert point`.
#[derive(Clone, Debug)]
pub enum ModelSpec {
    /// Safran & Shamir's population loss, with the teacher vectors (rows).
    GaussianRelu {
        /// The teachers `v_j`, one row each.
        teachers: Vec<Vec<Q>>,
    },
    /// A one-hidden-layer network with the squared loss on data.
    Mlp {
        /// The activation.
        act: Act,
        /// The hidden width.
        width: usize,
        /// The inputs, one row per point.
        x: Vec<Vec<Q>>,
        /// The targets, one row per point.
        y: Vec<Vec<Q>>,
    },
}

/// Options of the search.
#[derive(Clone, Debug)]
pub struct PointOptions {
    /// MPFR precision of the intervals (bits).
    pub precision: u32,
    /// A fixed radius instead of the search.
    pub radius: Option<Q>,
}

/// The result of `critcert point`.
pub enum Outcome {
    /// A certificate (strict local minimum, saddle or not critical), accepted by the checker.
    Certified {
        /// The certificate.
        cert: Box<Cert>,
        /// The checker's report.
        report: CheckReport,
        /// Notes for the user (e.g. why no box was certified around a non-critical point).
        note: Option<String>,
    },
    /// Nothing could be certified; the reason.
    NotCertified(String),
}

/// The identity teachers `v_j = e_j` in `R^k`.
pub fn identity_teachers(k: usize) -> Vec<Vec<Q>> {
    (0..k)
        .map(|j| (0..k).map(|a| Q::from(u32::from(a == j))).collect())
        .collect()
}

fn strings(m: &[Vec<Q>]) -> Vec<Vec<String>> {
    m.iter()
        .map(|r| r.iter().map(format_rational).collect())
        .collect()
}

/// The checker's form of an activation.
pub fn activation_of(act: &Act) -> Activation {
    let (s_plus, s_minus) = match act {
        Act::ReluLike(p, m) => (Some(format_rational(p)), Some(format_rational(m))),
        _ => (None, None),
    };
    Activation {
        name: act.name().into(),
        s_plus,
        s_minus,
        formula: match act {
            Act::Formula(text, _) => Some(text.clone()),
            _ => None,
        },
    }
}

/// The problem statement of a model at a point (matrices by name, exact).
pub fn problem(model: &ModelSpec, point: &BTreeMap<String, Vec<Vec<Q>>>) -> Problem {
    let pt = point.iter().map(|(k, v)| (k.clone(), strings(v))).collect();
    match model {
        ModelSpec::GaussianRelu { teachers } => Problem {
            model: "gaussian-relu".into(),
            loss: "population-squared".into(),
            teachers: Some(strings(teachers)),
            activation: None,
            widths: None,
            x: None,
            y: None,
            point: pt,
        },
        ModelSpec::Mlp { act, width, x, y } => Problem {
            model: "mlp".into(),
            loss: "half-squared-error".into(),
            teachers: None,
            activation: Some(activation_of(act)),
            widths: Some(vec![
                x.first().map_or(0, Vec::len),
                *width,
                y.first().map_or(0, Vec::len),
            ]),
            x: Some(strings(x)),
            y: Some(strings(y)),
            point: pt,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the point.

fn input(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::Input(format!("{}: {why}", path.display()))
}

/// An exact number from JSON: a JSON number is the binary64 value it denotes (as PyTorch and
/// numpy wrote it), a string is read as an exact decimal or fraction.
fn json_number(path: &Path, what: &str, v: &serde_json::Value) -> Result<Q> {
    match v {
        serde_json::Value::Number(n) => n
            .as_f64()
            .and_then(Q::from_f64)
            .ok_or_else(|| input(path, format!("{what}: {n} is not a finite number"))),
        serde_json::Value::String(s) => {
            parse_input(s).map_err(|e| input(path, format!("{what}: {e}")))
        }
        other => Err(input(
            path,
            format!("{what}: expected a number, found {}", kind_of(other)),
        )),
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn json_matrix(path: &Path, what: &str, v: &serde_json::Value) -> Result<Vec<Vec<Q>>> {
    let rows = v
        .as_array()
        .ok_or_else(|| input(path, format!("{what}: expected an array of rows")))?;
    let m: Vec<Vec<Q>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let r = r
                .as_array()
                .ok_or_else(|| input(path, format!("{what}: row {} is not an array", i + 1)))?;
            r.iter()
                .enumerate()
                .map(|(j, x)| json_number(path, &format!("{what}[{},{}]", i + 1, j + 1), x))
                .collect()
        })
        .collect::<Result<_>>()?;
    let cols = m.first().map_or(0, Vec::len);
    if m.is_empty() || cols == 0 || m.iter().any(|r| r.len() != cols) {
        return Err(input(
            path,
            format!("{what}: not a non-empty matrix with rows of equal length"),
        ));
    }
    Ok(m)
}

fn raw_exact(m: &RawMatrix) -> Result<Vec<Vec<Q>>> {
    let q = m.to_exact()?;
    Ok((0..q.rows())
        .map(|i| (0..q.cols()).map(|j| q[(i, j)].clone()).collect())
        .collect())
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = crate::io::read_text(path)?;
    crate::cert::parse_strict(&text).map_err(|e| input(path, e))
}

/// Reads the student matrix `W` (`k × n`, columns = students) of a `gaussian-relu` point:
/// JSON with a field `W` (the format of Safran & Shamir's points: also `k`, `n`, which must
/// agree, and informative fields), or a `.npy` `k × n` array.
pub fn read_students(path: &Path) -> Result<Vec<Vec<Q>>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let w = match ext.as_str() {
        "npy" => {
            let bytes =
                std::fs::read(path).map_err(|e| input(path, format!("cannot read: {e}")))?;
            raw_exact(&parse_npy(&path.display().to_string(), &bytes)?)?
        }
        "json" => {
            let v = read_json(path)?;
            let obj = v
                .as_object()
                .ok_or_else(|| input(path, "expected a JSON object with a field W"))?;
            let w = json_matrix(
                path,
                "W",
                obj.get("W")
                    .ok_or_else(|| input(path, "no field W (the k × n matrix of students)"))?,
            )?;
            for (key, want) in [("k", w.len()), ("n", w[0].len())] {
                if let Some(x) = obj.get(key) {
                    if x.as_u64() != Some(want as u64) {
                        return Err(input(
                            path,
                            format!(
                                "field {key} = {x} disagrees with W, which is {} × {}",
                                w.len(),
                                w[0].len()
                            ),
                        ));
                    }
                }
            }
            w
        }
        other => {
            return Err(input(
                path,
                format!("unknown file type '.{other}' for a point (expected .json or .npy)"),
            ))
        }
    };
    Ok(w)
}

/// Reads teacher vectors (rows) from `.json` (an array of rows, or an object with a field
/// `teachers`/`V`), `.npy` or `.csv`.
pub fn read_teachers(path: &Path) -> Result<Vec<Vec<Q>>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "json" {
        let v = read_json(path)?;
        let m = match &v {
            serde_json::Value::Object(o) => o
                .get("teachers")
                .or_else(|| o.get("V"))
                .ok_or_else(|| input(path, "no field teachers (rows v_j)"))?,
            other => other,
        };
        return json_matrix(path, "teachers", m);
    }
    raw_exact(&crate::deeplinear::load::read_matrix(path)?)
}

/// Rows of exact numbers, one per data point.
pub type Rows = Vec<Vec<Q>>;

/// A dataset for `mlp` (CSV, exact): the inputs and the last `dy` columns as targets, one row
/// per point.
pub fn read_mlp_data(path: &Path, dy: usize) -> Result<(Rows, Rows)> {
    let d = read_csv(path, None)?;
    let cols = d.dim() + 1;
    if dy == 0 || dy >= cols {
        return Err(Error::Input(format!(
            "{}: --outputs {dy} leaves no input column ({cols} columns)",
            path.display()
        )));
    }
    let dx = cols - dy;
    let mut x = Vec::with_capacity(d.len());
    let mut y = Vec::with_capacity(d.len());
    for i in 0..d.len() {
        let row: Vec<Q> = d.x.row(i).iter().cloned().chain([d.y[i].clone()]).collect();
        x.push(row[..dx].to_vec());
        y.push(row[dx..].to_vec());
    }
    Ok((x, y))
}

/// The parameter matrices of an `mlp` point with `dx` inputs, `width` hidden units and `dy`
/// outputs, read from JSON (names as in `derive`: `"W1[i,j]"`, `"b1[i]"`, `"W2[i,j]"`,
/// `"b2[i]"`, every one exactly once) or PyTorch `.safetensors` (`nn.Sequential` names
/// `0.weight`, `0.bias`, `2.weight`, `2.bias`).
pub fn read_mlp_point(
    path: &Path,
    dx: usize,
    width: usize,
    dy: usize,
) -> Result<BTreeMap<String, Vec<Vec<Q>>>> {
    let shapes = [
        ("W1", width, dx),
        ("b1", width, 1),
        ("W2", dy, width),
        ("b2", dy, 1),
    ];
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    match ext.as_str() {
        "safetensors" => {
            let bytes =
                std::fs::read(path).map_err(|e| input(path, format!("cannot read: {e}")))?;
            let names: Vec<String> = ["0.weight", "0.bias", "2.weight", "2.bias"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let file = path.display().to_string();
            if let Some(extra) = safetensors_names(&file, &bytes)?
                .into_iter()
                .find(|n| !names.contains(n))
            {
                return Err(input(
                    path,
                    format!(
                        "unexpected tensor '{extra}': an mlp point is nn.Sequential(Linear, activation, Linear) with exactly 0.weight, 0.bias, 2.weight, 2.bias"
                    ),
                ));
            }
            let ms = parse_safetensors(&file, &bytes, Some(&names))?;
            for (((name, r, c), m), tensor) in shapes.iter().zip(&ms).zip(&names) {
                if (m.rows, m.cols) != (*r, *c) {
                    return Err(input(
                        path,
                        format!(
                            "{tensor} is {} × {}, expected {r} × {c} for {name}",
                            m.rows, m.cols
                        ),
                    ));
                }
                out.insert(name.to_string(), raw_exact(m)?);
            }
        }
        "json" => {
            let v = read_json(path)?;
            let obj = v
                .as_object()
                .ok_or_else(|| input(path, "expected a JSON object of named parameters"))?;
            let mut seen = 0usize;
            for (name, r, c) in shapes {
                let mut m = vec![vec![Q::new(); c]; r];
                for (i, row) in m.iter_mut().enumerate() {
                    for (j, x) in row.iter_mut().enumerate() {
                        let key = if c == 1 && name.starts_with('b') {
                            format!("{name}[{}]", i + 1)
                        } else {
                            format!("{name}[{},{}]", i + 1, j + 1)
                        };
                        let v = obj
                            .get(&key)
                            .ok_or_else(|| input(path, format!("no parameter {key}")))?;
                        *x = json_number(path, &key, v)?;
                        seen += 1;
                    }
                }
                out.insert(name.to_string(), m);
            }
            if seen != obj.len() {
                let extra = obj
                    .keys()
                    .find(|k| {
                        !shapes.iter().any(|(n, _, _)| {
                            k.strip_prefix(n).is_some_and(|rest| rest.starts_with('['))
                        })
                    })
                    .cloned()
                    .unwrap_or_else(|| "(an index out of range)".into());
                return Err(input(
                    path,
                    format!(
                        "{} names, expected {seen} for widths [{dx}, {width}, {dy}]: unexpected '{}'",
                        obj.len(),
                        crate::error::clip(&extra, 40)
                    ),
                ));
            }
        }
        other => {
            return Err(input(
                path,
                format!(
                "unknown file type '.{other}' for an mlp point (expected .json or .safetensors)"
            ),
            ))
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The search.

/// `x` rounded to `digits` significant decimal digits, towards `-∞` (`down`) or `+∞`.
fn decimal(x: &Q, digits: u32, down: bool) -> Q {
    if *x == 0 {
        return Q::new();
    }
    // The decimal exponent of |x|, within one: from the sizes of numerator and denominator
    // (a float would underflow or overflow for extreme values).
    let bits = i64::from(x.numer().significant_bits()) - i64::from(x.denom().significant_bits());
    let mag = ((bits as f64) * std::f64::consts::LOG10_2).floor() as i32;
    let e = digits as i32 - 1 - mag;
    let scale = Q::from(rug::ops::Pow::pow(rug::Integer::from(10), e.unsigned_abs()));
    let scaled = if e >= 0 {
        Q::from(x * &scale)
    } else {
        Q::from(x / &scale)
    };
    let n = if down { scaled.floor() } else { scaled.ceil() };
    if e >= 0 {
        n / scale
    } else {
        n * scale
    }
}

fn decimal_f64(x: f64, digits: u32, down: bool) -> Q {
    Q::from_f64(x).map_or_else(Q::new, |q| decimal(&q, digits, down))
}

/// The eigenvalues (ascending) and the eigenvector of the smallest, in floating point.
fn eigen(h: &[Vec<f64>]) -> Result<(Vec<f64>, Vec<f64>)> {
    let p = h.len();
    let m = faer::Mat::from_fn(p, p, |i, j| h[i][j]);
    let e = m
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| Error::Input(format!("floating-point eigendecomposition failed: {e:?}")))?;
    let s = e.S().column_vector();
    let values: Vec<f64> = (0..p).map(|i| s[i]).collect();
    let u = e.U();
    let v: Vec<f64> = (0..p).map(|i| u[(i, 0)]).collect();
    Ok((values, v))
}

/// The loss enclosure at the point, computed once for all the radii tried.
fn thin_loss(cell: &OnceCell<I>, problem: &Problem, prec: u32) -> Result<I> {
    if let Some(x) = cell.get() {
        return Ok(x.clone());
    }
    let x = point::enclose(problem, None, prec, false)?.loss;
    Ok(cell.get_or_init(|| x).clone())
}

/// A candidate certificate for `verdict` with radius `r` (`thin` caches the loss at the point).
fn candidate(
    problem: &Problem,
    verdict: &str,
    prec: u32,
    r: Option<&Q>,
    extra: &Extra,
    thin: &OnceCell<I>,
) -> Result<Cert> {
    let (loss_lower, loss_upper) = match r {
        Some(r) => {
            let thin = thin_loss(thin, problem, prec)?;
            let boxed = point::enclose(problem, Some(r), prec, false)?;
            let span = I::span(prec, &Q::from(-r), r);
            let e = boxed.grad.iter().fold(thin, |s, g| s.add(&g.mul(&span)));
            let (lo, hi) = match (e.lo_q(), e.hi_q()) {
                (Some(lo), Some(hi)) => (lo, hi),
                _ => return Err(Error::Input("the loss enclosure is unbounded".into())),
            };
            (
                Some(format_rational(&decimal(&lo, 15, true))),
                Some(format_rational(&decimal(&hi, 15, false))),
            )
        }
        None => (None, None),
    };
    let witness = Witness {
        verdict: verdict.into(),
        precision: prec,
        radius: r.map(format_rational),
        shift: (verdict == "strict-local-minimum").then(|| format_rational(&extra.shift)),
        direction: (verdict == "saddle")
            .then(|| extra.direction.iter().map(format_rational).collect()),
        loss_lower,
        loss_upper,
    };
    Ok(Cert {
        critcert: VERSION,
        kind: point::KIND.into(),
        claims: claims(verdict, claims_spurious(problem, verdict)),
        problem: problem.clone(),
        witness,
    })
}

/// The shift or direction that goes with a verdict.
struct Extra {
    shift: Q,
    direction: Vec<Q>,
}

/// Runs the checker on a candidate.
fn try_cert(cert: &Cert) -> std::result::Result<CheckReport, String> {
    let text = crate::cert::to_json(cert);
    crate::cert::check_str(&text).map_err(|e| e.to_string())
}

/// Certifies the point: see the module documentation.
pub fn certify(problem: &Problem, opts: &PointOptions, progress: &dyn Fn(&str)) -> Result<Outcome> {
    let prec = opts.precision;
    let p = point::param_names(problem).len();
    progress(&format!(
        "{p} parameters: gradient and Hessian at the point (e-graph)"
    ));
    let (g, h) = match point_derive::at_point(problem, prec) {
        Ok(at)
            if at
                .hess
                .iter()
                .flatten()
                .chain(&at.grad)
                .all(|x| x.is_finite()) =>
        {
            (at.grad, at.hess)
        }
        Ok(_) => {
            return Ok(Outcome::NotCertified(
                "the gradient or Hessian at the point overflows binary64".into(),
            ))
        }
        Err(e) => {
            return Ok(Outcome::NotCertified(format!(
                "the loss is not shown twice differentiable at the point: {e}"
            )))
        }
    };
    let (values, v0) = eigen(&h)?;
    let (lmin, lmax) = (values[0], values[p - 1]);
    let scale = values.iter().fold(0f64, |a, b| a.max(b.abs()));
    let thin = OnceCell::new();
    // The certified `not-critical` outcome with `note`, when the checker accepts it.
    let not_critical = |note: String| -> Result<Option<Outcome>> {
        let c = candidate(
            problem,
            "not-critical",
            prec,
            None,
            &Extra {
                shift: Q::new(),
                direction: vec![],
            },
            &thin,
        )?;
        Ok(try_cert(&c).ok().map(|report| Outcome::Certified {
            cert: Box::new(c),
            report,
            note: Some(note),
        }))
    };
    // Far from critical in floating point: say so (when the enclosures show it).
    let gmax = g.iter().fold(0f64, |a, b| a.max(b.abs()));
    if gmax > 1e-5 * scale.max(1.0) {
        if let Some(o) = not_critical(format!(
            "the gradient at the point is far from 0 (largest entry ≈ {gmax:.3e})"
        ))? {
            return Ok(o);
        }
    }
    let near_zero = lmin
        .abs()
        .min(lmax.abs())
        .min(values.iter().fold(f64::INFINITY, |a, b| a.min(b.abs())));
    if scale.is_nan() || scale <= 0.0 || near_zero <= 1e-10 * scale {
        let singular = format!(
            "Hessian singular at the point (smallest |eigenvalue| ≈ {near_zero:.3e}, largest ≈ {scale:.3e} in floating point)"
        );
        // A gradient far above what rounding the point could cause (relative to the Hessian's
        // scale): not a rounded critical point; certify that the gradient is not 0.
        let size = theta_max(problem).max(1.0);
        if gmax > 1e-12 * scale.max(1.0) * size {
            if let Some(o) = not_critical(format!(
                "the gradient at the point is not 0 (largest entry ≈ {gmax:.3e}); {singular}, so no critical point near it can be isolated"
            ))? {
                return Ok(o);
            }
        }
        return Ok(Outcome::NotCertified(format!(
            "{singular}, largest gradient entry ≈ {gmax:.3e}: the critical points near it may form a manifold (e.g. a continuous symmetry), which Krawczyk's test cannot isolate"
        )));
    }
    let verdict = if lmin > 0.0 {
        "strict-local-minimum"
    } else {
        "saddle"
    };
    let extra = Extra {
        shift: decimal_f64(0.9 * lmin.max(0.0), 2, true),
        direction: {
            let big = v0.iter().fold(0f64, |a, b| a.max(b.abs()));
            v0.iter().map(|x| decimal_f64(x / big, 6, true)).collect()
        },
    };
    // The Newton step |H⁻¹g|∞ estimates the distance to the critical point.
    let hm = faer::Mat::from_fn(p, p, |i, j| h[i][j]);
    let gm = faer::Mat::from_fn(p, 1, |i, _| g[i]);
    let step = faer::linalg::solvers::Solve::solve(&hm.full_piv_lu(), &gm);
    let newton = (0..p).fold(0f64, |a, i| a.max(step[(i, 0)].abs()));
    let attempt = |r: &Q| -> std::result::Result<(Cert, CheckReport), String> {
        let c =
            candidate(problem, verdict, prec, Some(r), &extra, &thin).map_err(|e| e.to_string())?;
        try_cert(&c).map(|rep| (c, rep))
    };
    if let Some(r) = &opts.radius {
        progress(&format!("checking the box of radius {}", r.to_f64()));
        return Ok(match attempt(r) {
            Ok((c, rep)) => Outcome::Certified {
                cert: Box::new(c),
                report: rep,
                note: None,
            },
            Err(e) => Outcome::NotCertified(format!(
                "{verdict} not certified with radius {}: {e}",
                format_rational(r)
            )),
        });
    }
    // A first radius from one probe of the Hessian enclosure's growth, halved until the checker
    // accepts; without a usable estimate, twice the Newton step, doubled until it accepts.
    let estimate = estimate_radius(problem, prec, &h, verdict, &extra, newton);
    let found = match estimate {
        Some(est) => first_accepted(
            verdict,
            decimal_f64(0.9 * est, 2, true),
            &|r| decimal(&Q::from(r / 2u32), 2, true),
            8,
            &attempt,
            progress,
        )
        .map(|f| (f, Growth::Near)),
        None => Err(String::new()),
    }
    .or_else(|_| {
        first_accepted(
            verdict,
            decimal_f64((2.0 * newton).max(1e-300), 2, false),
            &|r| Q::from(r * 2u32),
            12,
            &attempt,
            progress,
        )
        .map(|f| (f, Growth::Far))
    });
    match found {
        Ok((first, growth)) => {
            let (cert, report) = widen(verdict, first, growth, &attempt, progress);
            Ok(Outcome::Certified {
                cert: Box::new(cert),
                report,
                note: None,
            })
        }
        Err(last_err) => {
            if let Some(o) = not_critical(format!(
                "no critical point certified near it ({verdict} failed: {last_err})"
            ))? {
                return Ok(o);
            }
            Ok(Outcome::NotCertified(format!(
                "{verdict} not certified: {last_err}"
            )))
        }
    }
}

/// A first guess at the largest radius the checker accepts, from one probe: the Hessian
/// enclosure over a small box `θ̃ ± r₁`, whose radius grows about linearly with the box's.
/// Krawczyk needs `|C|·rad(∇²ℓ(B))·1 < 1` (`C ≈ H⁻¹`), a minimum `‖rad‖_F < s`, a saddle
/// `|d|ᵀ rad |d| < −dᵀHd`. `None` when the probe fails (the search then starts from the Newton
/// step).
fn estimate_radius(
    problem: &Problem,
    prec: u32,
    h: &[Vec<f64>],
    verdict: &str,
    extra: &Extra,
    newton: f64,
) -> Option<f64> {
    let r1 = 2f64.powi(-27) * (1.0 + theta_max(problem));
    let probe = point::enclose(problem, Some(&Q::from_f64(r1)?), prec, true).ok()?;
    let rad: Vec<Vec<f64>> = probe
        .hess?
        .iter()
        .map(|row| row.iter().map(|x| x.hi / 2.0 - x.lo / 2.0).collect())
        .collect();
    let c = crate::cert::krawczyk::float_inverse(h)?;
    let sums: Vec<f64> = rad.iter().map(|row| row.iter().sum()).collect();
    let q = c
        .iter()
        .map(|row| row.iter().zip(&sums).map(|(x, s)| x.abs() * s).sum::<f64>())
        .fold(0f64, f64::max);
    let mut r = r1 / q;
    if verdict == "strict-local-minimum" {
        let fro = rad.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
        r = r.min(r1 * extra.shift.to_f64() / fro);
    } else {
        let d: Vec<f64> = extra.direction.iter().map(Q::to_f64).collect();
        let quad = |m: &[Vec<f64>], abs: bool| {
            m.iter().zip(&d).fold(0f64, |s, (row, di)| {
                s + row.iter().zip(&d).fold(0f64, |t, (x, dj)| {
                    t + if abs {
                        (x * di * dj).abs()
                    } else {
                        x * di * dj
                    }
                })
            })
        };
        r = r.min(r1 * -quad(h, false) / quad(&rad, true));
    }
    (r.is_finite() && r > 2.0 * newton).then_some(r)
}

/// The largest magnitude of the point's numbers.
fn theta_max(problem: &Problem) -> f64 {
    problem
        .point
        .values()
        .flatten()
        .flatten()
        .filter_map(|x| parse_input(x).ok())
        .fold(0f64, |m, x| m.max(x.to_f64().abs()))
}

/// A check of the certificate with one radius: the certificate and the checker's report, or why
/// the checker refused it.
type Attempt<'a> = dyn Fn(&Q) -> std::result::Result<(Cert, CheckReport), String> + 'a;

/// The first radius the checker accepts among `start`, `next(start)`, … (`tries` of them), or
/// the checker's last reason.
fn first_accepted(
    verdict: &str,
    start: Q,
    next: &dyn Fn(&Q) -> Q,
    tries: usize,
    attempt: &Attempt<'_>,
    progress: &dyn Fn(&str),
) -> std::result::Result<(Q, Cert, CheckReport), String> {
    let mut r = start;
    let mut last_err = String::new();
    for _ in 0..tries {
        progress(&format!("{verdict}? radius {:.3e}", r.to_f64()));
        match attempt(&r) {
            Ok((c, rep)) => return Ok((r, c, rep)),
            Err(e) => last_err = e,
        }
        r = next(&r);
    }
    Err(last_err)
}

/// How far the first accepted radius may be from the largest.
enum Growth {
    /// Near (from the estimate): grow by a quarter twice, then double.
    Near,
    /// Far (from the Newton step): grow by 4.
    Far,
}

/// From an accepted radius, grow while the checker accepts, then bisect geometrically between
/// the last accepted and the first refused radius to within 13%; the certificate of the largest
/// accepted radius.
fn widen(
    verdict: &str,
    (mut lo, mut cert, mut report): (Q, Cert, CheckReport),
    growth: Growth,
    attempt: &Attempt<'_>,
    progress: &dyn Fn(&str),
) -> (Cert, CheckReport) {
    let mut hi: Option<Q> = None;
    for grown in 0..60 {
        let next = match (&hi, &growth) {
            (None, Growth::Near) if grown < 2 => decimal(&(Q::from(&lo * 5u32) / 4u32), 2, true),
            (None, Growth::Near) => decimal(&Q::from(&lo * 2u32), 2, true),
            (None, Growth::Far) => Q::from(&lo * 4u32),
            (Some(h), _) if h.to_f64() > 1.13 * lo.to_f64() => {
                decimal_f64((lo.to_f64() * h.to_f64()).sqrt(), 2, true)
            }
            (Some(_), _) => break,
        };
        if next <= lo || hi.as_ref().is_some_and(|h| next >= *h) {
            break;
        }
        progress(&format!(
            "{verdict}: radius {:.3e} certified, trying {:.3e}",
            lo.to_f64(),
            next.to_f64()
        ));
        match attempt(&next) {
            Ok((c, rep)) => {
                lo = next;
                cert = c;
                report = rep;
            }
            Err(_) => hi = Some(next),
        }
    }
    (cert, report)
}
