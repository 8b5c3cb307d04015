//! Pictures of `critical-point` certificates of Safran & Shamir's model (`gaussian-relu`): the
//! population loss along the straight segment from the certificate's point `θ̃` to a global
//! minimum (each student moved onto a teacher, the extra students to 0), with the certified box
//! and the certified lower bound of the loss marked.
//!
//! The curve is the closed form of MATH.md §6.3 (the arc-cosine kernel) evaluated with the
//! checker's 128-bit MPFR intervals (so the numbers do not depend on the platform's libm, and are
//! accurate enough to draw the change of the loss inside the tiny box); the midpoints are turned
//! into `f64` only to place pixels. It is a picture: nothing here is evidence for a claim,
//! and the checker does not use it.

use super::figures::{draw_err, panel, tick, Figure};
use crate::cert::interval::I;
use crate::cert::point;
use crate::error::Result;
use crate::exact::{parse_rational, Q};
use plotters::prelude::*;

/// Working precision of the drawing (bits).
const PREC: u32 = 128;

/// Sample intervals per panel.
const SAMPLES: u32 = 200;

/// Sample intervals of the sampled check that no two vectors become parallel along the segment.
const CHECK_SAMPLES: u32 = 2000;

/// The most students for which the nearest assignment is searched (the search visits `2^n`
/// subsets); a certificate with more students gets no picture.
const MAX_STUDENTS: usize = 16;

fn parse(s: &str) -> Option<Q> {
    parse_rational(s).ok()
}

fn float(q: &Q) -> I {
    I::from_q(PREC, q)
}

fn zero() -> I {
    I::from_i(PREC, 0)
}

fn is_zero(x: &I) -> bool {
    x.lo_q().is_some_and(|v| v == 0) && x.hi_q().is_some_and(|v| v == 0)
}

/// The midpoint of an enclosure, for drawing (NaN when unbounded).
fn mid(x: &I) -> f64 {
    match (x.lo_q(), x.hi_q()) {
        (Some(lo), Some(hi)) => (Q::from(&lo + &hi) / 2u32).to_f64(),
        _ => f64::NAN,
    }
}

fn dot(u: &[I], w: &[I]) -> I {
    u.iter().zip(w).fold(zero(), |s, (a, b)| s.add(&a.mul(b)))
}

/// `cos θ` of two nonzero vectors with norms `nu`, `nw`, clamped to `[−1, 1]`.
fn cosine(u: &[I], w: &[I], nu: &I, nw: &I) -> I {
    dot(u, w)
        .div(&nu.mul(nw))
        .unwrap_or_else(|| I::unbounded(PREC))
        .clamp(-1, 1)
}

/// `sin θ = √(1 − cos²θ)`.
fn sine(c: &I) -> I {
    I::from_i(PREC, 1)
        .sub(&c.sq())
        .clamp(0, 1)
        .sqrt()
        .unwrap_or_else(|| I::unbounded(PREC))
}

/// The arc-cosine kernel `κ(u, w) = ‖u‖‖w‖(sin θ + (π − θ) cos θ)/(2π)` (0 if either is 0).
fn kappa(u: &[I], w: &[I], nu: &I, nw: &I) -> I {
    if is_zero(nu) || is_zero(nw) {
        return zero();
    }
    let c = cosine(u, w, nu, nw);
    let pi = I::pi(PREC);
    let theta = c.acos().unwrap_or_else(|| I::unbounded(PREC));
    let value = sine(&c).add(&pi.sub(&theta).mul(&c));
    value
        .mul(&nu.mul(nw))
        .div(&pi.mul(&I::from_i(PREC, 2)))
        .unwrap_or_else(|| I::unbounded(PREC))
}

fn norm(u: &[I]) -> I {
    dot(u, u).sqrt().unwrap_or_else(zero)
}

/// `‖w‖²/4`.
fn quarter_square(n: &I) -> I {
    n.sq()
        .div(&I::from_i(PREC, 4))
        .unwrap_or_else(|| I::unbounded(PREC))
}

/// The segment `θ(t) = θ̃ + t·(θ_T − θ̃)` from the certificate's point to a global minimum.
struct Segment {
    /// Students at `t = 0` (the certificate's point θ̃), one vector each.
    start: Vec<Vec<I>>,
    /// Each student's change `θ_T − θ̃`.
    change: Vec<Vec<I>>,
    /// The teachers and their norms.
    teachers: Vec<(Vec<I>, I)>,
    /// `Σ_t ‖v_t‖²/4 + Σ_{t<t'} κ(v_t, v_t')`: the teachers' constant part of the loss.
    constant: I,
    /// The target of each student: `Some(teacher index)` or `None` (0).
    target: Vec<Option<usize>>,
}

impl Segment {
    fn students(&self, t: f64) -> Vec<(Vec<I>, I)> {
        let t = float(&Q::from_f64(t).unwrap_or_default());
        self.start
            .iter()
            .zip(&self.change)
            .map(|(a, d)| {
                let w: Vec<I> = a.iter().zip(d).map(|(x, dx)| x.add(&dx.mul(&t))).collect();
                let n = norm(&w);
                (w, n)
            })
            .collect()
    }

    /// `F(θ(t))` (MATH.md §6.3).
    fn loss(&self, t: f64) -> I {
        let w = self.students(t);
        let mut f = self.constant.clone();
        for (i, (wi, ni)) in w.iter().enumerate() {
            f = f.add(&quarter_square(ni));
            for (wj, nj) in &w[i + 1..] {
                f = f.add(&kappa(wi, wj, ni, nj));
            }
            for (v, nv) in &self.teachers {
                f = f.sub(&kappa(wi, v, ni, nv));
            }
        }
        f
    }

    /// The smallest `sin θ` between two of the vectors at `θ(t)`, over the pairs that can become
    /// parallel before `t = 1` (the `None` when there is no such pair). A student moving to its
    /// teacher, `(1 − t)·a + t·v`, is parallel to `v` only if `a` is, which the certificate's
    /// `smooth-box` claim excludes at `t = 0`; so those pairs are left out (they meet at `t = 1`).
    fn smallest_sine(&self, t: f64) -> Option<f64> {
        let w = self.students(t);
        let sine = |u: &[I], nu: &I, v: &[I], nv: &I| -> f64 {
            if is_zero(nu) || is_zero(nv) {
                return 0.0;
            }
            mid(&sine(&cosine(u, v, nu, nv)))
        };
        let mut least: Option<f64> = None;
        let mut see = |s: f64| least = Some(least.map_or(s, |l| l.min(s)));
        for (i, (wi, ni)) in w.iter().enumerate() {
            for (wj, nj) in &w[i + 1..] {
                see(sine(wi, ni, wj, nj));
            }
            for (k, (v, nv)) in self.teachers.iter().enumerate() {
                if self.target[i] != Some(k) {
                    see(sine(wi, ni, v, nv));
                }
            }
        }
        least
    }
}

/// The assignment of students to targets (the teachers, then `n − t` zeros) that minimises the
/// squared distance `Σ_i ‖w_i − target‖²`, exactly (dynamic programming over subsets of targets;
/// ties go to the first assignment in the order of the search). Returns each student's target.
fn nearest_assignment(students: &[Vec<Q>], teachers: &[Vec<Q>]) -> Vec<Option<usize>> {
    let n = students.len();
    let targets: Vec<Option<usize>> = (0..n).map(|j| (j < teachers.len()).then_some(j)).collect();
    let cost: Vec<Vec<Q>> = students
        .iter()
        .map(|w| {
            targets
                .iter()
                .map(|t| {
                    w.iter()
                        .enumerate()
                        .map(|(a, x)| match t {
                            Some(j) => Q::from(x - &teachers[*j][a]).square(),
                            None => Q::from(x.square_ref()),
                        })
                        .sum()
                })
                .collect()
        })
        .collect();
    // best[mask]: the least cost of sending students 0 … |mask| − 1 to the targets in mask.
    let full = 1usize << n;
    let mut best: Vec<Option<(Q, usize)>> = vec![None; full];
    best[0] = Some((Q::new(), usize::MAX));
    for mask in 0..full {
        let Some((so_far, _)) = best[mask].clone() else {
            continue;
        };
        let i = mask.count_ones() as usize;
        if i == n {
            continue;
        }
        for (j, c) in cost[i].iter().enumerate() {
            if mask & (1 << j) == 0 {
                let next = mask | (1 << j);
                let total = Q::from(&so_far + c);
                if best[next].as_ref().is_none_or(|(b, _)| total < *b) {
                    best[next] = Some((total, j));
                }
            }
        }
    }
    let mut assignment = vec![None; n];
    let mut mask = full - 1;
    for i in (0..n).rev() {
        let j = best[mask].as_ref().expect("every subset is reached").1;
        assignment[i] = targets[j];
        mask &= !(1 << j);
    }
    assignment
}

/// The numbers a figure is drawn from.
struct Certified {
    segment: Segment,
    /// `r`, `loss_lower`, `loss_upper`.
    radius: Q,
    lower: Q,
    upper: Q,
    /// `‖θ_T − θ̃‖_max` and `‖θ_T − θ̃‖₂`.
    max_change: Q,
    distance: f64,
}

/// Reads a `gaussian-relu` strict-local-minimum certificate whose spurious claim compares with a
/// zero loss (at most as many teachers as students); `None` for anything else.
fn read(c: &point::Cert) -> Option<Certified> {
    let p = &c.problem;
    let w = &c.witness;
    if p.model != "gaussian-relu" || w.verdict != "strict-local-minimum" {
        return None;
    }
    let matrix = |m: &Vec<Vec<String>>| -> Option<Vec<Vec<Q>>> {
        m.iter()
            .map(|r| r.iter().map(|s| parse(s)).collect())
            .collect()
    };
    let big_w = matrix(p.point.get("W")?)?;
    let teachers = matrix(p.teachers.as_ref()?)?;
    let k = big_w.len();
    let n = big_w.first()?.len();
    if n == 0 || n > MAX_STUDENTS || teachers.len() > n || teachers.iter().any(|v| v.len() != k) {
        return None;
    }
    // Column i of W is student i.
    let students: Vec<Vec<Q>> = (0..n)
        .map(|i| big_w.iter().map(|row| row[i].clone()).collect())
        .collect();
    let target = nearest_assignment(&students, &teachers);
    let change: Vec<Vec<Q>> = students
        .iter()
        .zip(&target)
        .map(|(s, t)| {
            s.iter()
                .enumerate()
                .map(|(a, x)| match t {
                    Some(j) => Q::from(&teachers[*j][a] - x),
                    None => Q::from(-x),
                })
                .collect()
        })
        .collect();
    let max_change = change
        .iter()
        .flatten()
        .map(|d| Q::from(d.abs_ref()))
        .max()?;
    let distance = change
        .iter()
        .flatten()
        .map(|d| Q::from(d.square_ref()))
        .sum::<Q>()
        .to_f64()
        .sqrt();
    let floats =
        |m: &[Vec<Q>]| -> Vec<Vec<I>> { m.iter().map(|r| r.iter().map(float).collect()).collect() };
    let teachers: Vec<(Vec<I>, I)> = floats(&teachers)
        .into_iter()
        .map(|v| {
            let n = norm(&v);
            (v, n)
        })
        .collect();
    let mut constant = zero();
    for (j, (v, nv)) in teachers.iter().enumerate() {
        constant = constant.add(&quarter_square(nv));
        for (u, nu) in &teachers[j + 1..] {
            constant = constant.add(&kappa(v, u, nv, nu));
        }
    }
    Some(Certified {
        segment: Segment {
            start: floats(&students),
            change: floats(&change),
            teachers,
            constant,
            target,
        },
        radius: parse(w.radius.as_ref()?)?,
        lower: parse(w.loss_lower.as_ref()?)?,
        upper: parse(w.loss_upper.as_ref()?)?,
        max_change,
        distance,
    })
}

/// `(t, f(t))` at `SAMPLES + 1` equally spaced `t` in `[0, t_max]`.
fn samples(t_max: f64, f: &dyn Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..=SAMPLES)
        .map(|k| {
            let t = t_max * f64::from(k) / f64::from(SAMPLES);
            (t, f(t))
        })
        .collect()
}

/// "student i → teacher j" for every student, compactly.
fn describe_targets(target: &[Option<usize>]) -> String {
    let moves: Vec<String> = target
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            Some(j) => format!("{}→v{}", i + 1, j + 1),
            None => format!("{}→0", i + 1),
        })
        .collect();
    moves.join(", ")
}

/// The picture of a `critical-point` certificate of Safran & Shamir's model (none for other
/// models and verdicts).
pub fn figures(cert_path: &str, stem: &str, c: &point::Cert) -> Result<Vec<Figure>> {
    let Some(cert) = read(c) else {
        return Ok(Vec::new());
    };
    let name = cert_path
        .rsplit('/')
        .next()
        .unwrap_or(cert_path)
        .trim_end_matches(".json");
    let seg = &cert.segment;
    let t_box = std::cmp::min(Q::from(1), Q::from(&cert.radius / &cert.max_change));
    let t_box_f = t_box.to_f64();
    let lower = float(&cert.lower);
    let at_start = seg.loss(0.0);

    let whole = samples(1.0, &|t| mid(&seg.loss(t)));
    let zoom_max = (4.0 * t_box_f).min(1.0);
    let near = samples(zoom_max, &|t| mid(&seg.loss(t).sub(&at_start)));
    let above_lower = samples(zoom_max, &|t| mid(&seg.loss(t).sub(&lower)));
    let enclosure_width = Q::from(&cert.upper - &cert.lower).to_f64();
    // The barrier: the largest sample, and the first sample after it below loss_lower.
    let (peak_t, peak) =
        whole.iter().copied().fold(
            (0.0, f64::NEG_INFINITY),
            |b, p| if p.1 > b.1 { p } else { b },
        );
    let lower_f = cert.lower.to_f64();
    let below = whole
        .iter()
        .find(|p| p.0 > peak_t && p.1 < lower_f)
        .map(|p| p.0);
    // The sampled check that no two vectors become parallel before t = 1.
    let least_sine = (0..CHECK_SAMPLES)
        .filter_map(|k| seg.smallest_sine(f64::from(k) / f64::from(CHECK_SAMPLES)))
        .fold(f64::INFINITY, f64::min);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1500, 430)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let panels = root.split_evenly((1, 3));
        whole_panel(&panels[0], &whole, lower_f)?;
        panel(
            &panels[1],
            "near θ̃ (shaded: in the certified box)",
            &near,
            Some((0.0, t_box_f)),
            "F(θ(t)) − F(θ̃)",
        )?;
        bound_panel(&panels[2], &above_lower, t_box_f, enclosure_width)?;
        root.present().map_err(draw_err)?;
    }
    let extra = match seg.target.iter().filter(|t| t.is_none()).count() {
        0 => "",
        1 => ", the extra student to 0",
        _ => ", the extra students to 0",
    };
    let caption = format!(
        "{name}: the population loss F along the straight segment θ(t) = (1 − t)·θ̃ + t·θ_T from \
         the certificate's point θ̃ (t = 0) to a global minimum θ_T (t = 1, F = 0), where each \
         student moves onto a teacher{extra} ({}; of all such assignments this one minimises \
         ‖θ_T − θ̃‖₂ ≈ {:.4}). **Certified** by `{cert_path}`: the box ‖θ − θ̃‖_max ≤ r = {} holds \
         exactly one critical point θ*, a strict local minimum of F with F(θ*) in \
         [loss_lower, loss_upper] (the `loss-enclosure` line above); θ* minimises F over the box, \
         so F ≥ loss_lower there. The segment is in the box for t ≤ t_r = r/‖θ_T − θ̃‖_max ≈ \
         {:.3e} (shaded; too thin to see on the left). Right: F − loss_lower near θ̃, with the \
         enclosure of F(θ*) (red bar at t = 0) and the bound F ≥ loss_lower on the box (dashed). \
         **Illustrative only**, not a claim (the closed form of MATH.md §6.3 evaluated in 128-bit \
         floating point at {} points per panel): F rises from ≈ {:.5} to ≈ {:.5} at t ≈ {:.3}, \
         then falls to 0{}. No student passes through 0 before t = 1 (one moving straight to a \
         teacher would have to start opposite to it, which the certified box excludes), and at {} sampled t in [0, 1) no two of the vectors are parallel: the smallest \
         sine of an angle between two that could become so (every pair but a student and its own \
         teacher, which meet only at t = 1) is ≈ {:.3}, so the curve is drawn where F is smooth.",
        describe_targets(&seg.target),
        cert.distance,
        cert.radius,
        t_box_f,
        SAMPLES + 1,
        whole[0].1,
        peak,
        peak_t,
        below.map_or(String::new(), |t| format!(
            ", below loss_lower (dashed, left) from t ≈ {t:.3}"
        )),
        CHECK_SAMPLES,
        least_sine,
    );
    Ok(vec![Figure {
        path: format!("figures/{stem}.svg"),
        certificate: cert_path.into(),
        caption,
        svg,
    }])
}

/// The whole segment: `F(θ(t))`, the certified lower bound (dashed) and θ̃ (dot).
fn whole_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[(f64, f64)],
    lower: f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let hi = points.iter().fold(lower, |m, p| m.max(p.1));
    let pad = hi * 0.08;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "θ(t) = (1−t)·θ̃ + t·θ_T (dashed: loss_lower)",
            ("sans-serif", 15),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(78)
        .build_cartesian_2d(0.0..1.0, -pad..hi + pad)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("t")
        .y_desc("F(θ(t))")
        .y_labels(8)
        .x_labels(5)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (1.0, 0.0)],
            BLACK.mix(0.4).stroke_width(1),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, lower), (1.0, lower)],
            6,
            4,
            RED.stroke_width(1),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .map_err(draw_err)?;
    if let Some(&start) = points.first() {
        chart
            .draw_series(std::iter::once(Circle::new(start, 4, BLACK.filled())))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Near θ̃, against the certified numbers: `F(θ(t)) − loss_lower`, the box (shaded), the
/// certified bound `F ≥ loss_lower` on it (dashed, at 0) and the enclosure of `F(θ*)` (a red
/// bar at `t = 0`, from 0 to `loss_upper − loss_lower`).
fn bound_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[(f64, f64)],
    t_box: f64,
    enclosure_width: f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let x_max = points.last().map_or(1.0, |p| p.0);
    let hi = points.iter().fold(enclosure_width, |m, p| m.max(p.1));
    let pad = hi * 0.08;
    let (lo, hi) = (-pad, hi + pad);
    let mut chart = ChartBuilder::on(area)
        .caption(
            "near θ̃, against the certified enclosure",
            ("sans-serif", 15),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(78)
        .build_cartesian_2d(0.0..x_max, lo..hi)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("t")
        .y_desc("F(θ(t)) − loss_lower")
        .y_labels(8)
        .x_labels(5)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, lo), (t_box.min(x_max), hi)],
            GREEN.mix(0.15).filled(),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (t_box.min(x_max), 0.0)],
            6,
            4,
            RED.stroke_width(2),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (x_max * 0.012, enclosure_width)],
            RED.mix(0.6).filled(),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(name: &str) -> point::Cert {
        let path = format!(
            "{}/proofs/safran-shamir/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_drawn_loss_is_in_the_enclosure_at_the_point_and_zero_at_the_teacher() {
        for name in ["ss-6-6-0", "ss-8-9-0"] {
            let c = certificate(name);
            let cert = read(&c).unwrap();
            let (start, end) = (cert.segment.loss(0.0), cert.segment.loss(1.0));
            // F(θ̃) is in the enclosure (it contains F(θ̃) + ∇F(B)·[−r, r]^p ∋ F(θ̃)).
            let (lo, hi) = (start.lo_q().unwrap(), start.hi_q().unwrap());
            assert!(
                lo >= cert.lower && hi <= cert.upper,
                "{name}: {}",
                start.show(12)
            );
            assert!(mid(&end).abs() < 1e-30, "{name}: {}", end.show(12));
            // Each teacher gets exactly one student.
            let mut hit: Vec<usize> = cert.segment.target.iter().flatten().copied().collect();
            hit.sort_unstable();
            assert_eq!(
                hit,
                (0..c.problem.teachers.unwrap().len()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn the_figure_is_deterministic() {
        let c = certificate("ss-6-6-0");
        let a = figures("safran-shamir/ss-6-6-0.json", "safran-shamir-ss-6-6-0", &c).unwrap();
        let b = figures("safran-shamir/ss-6-6-0.json", "safran-shamir-ss-6-6-0", &c).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].svg, b[0].svg);
        assert_eq!(a[0].caption, b[0].caption);
        assert!(a[0].svg.contains("<polyline"));
    }

    #[test]
    fn the_nearest_assignment_sends_each_student_to_its_teacher() {
        let q = |v: &[i64]| v.iter().map(|&x| Q::from(x)).collect::<Vec<Q>>();
        // Students near e2, e1 and a small one: the small one goes to 0.
        let students = vec![q(&[0, 2]), q(&[3, 0]), q(&[0, 0])];
        let teachers = vec![q(&[1, 0]), q(&[0, 1])];
        assert_eq!(
            nearest_assignment(&students, &teachers),
            [Some(1), Some(0), None]
        );
    }
}
