//! Pictures of certificates (SVG, drawn with plotters).
//!
//! The numbers on a picture are computed exactly from the certificate (rational losses at
//! rational sample points) and converted to `f64` only to place pixels: no picture is evidence
//! for a claim, and nothing here is used by the checker. SVG needs no font files to view; the
//! output is deterministic for a given build and machine.

use crate::cert::thm1;
use crate::error::{Error, Result};
use crate::exact::Q;
use plotters::prelude::*;

/// One picture.
#[derive(Clone, Debug)]
pub struct Figure {
    /// Path relative to the output directory, e.g. `figures/thm1-iris-relu.svg`.
    pub path: String,
    /// The certificate it illustrates (path relative to the output directory).
    pub certificate: String,
    /// A caption for the report (Markdown).
    pub caption: String,
    /// The SVG text.
    pub svg: String,
}

/// The pictures for a certificate (none for kinds without a picture). `cert_path` is the
/// certificate's path relative to the output directory.
pub fn for_certificate(cert_path: &str, json: &str) -> Result<Vec<Figure>> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| Error::Input(format!("{cert_path}: not valid JSON: {e}")))?;
    let stem = cert_path.trim_end_matches(".json").replace('/', "-");
    match value.get("kind").and_then(|k| k.as_str()) {
        Some(thm1::KIND) => {
            let c: thm1::Cert = serde_json::from_value(value)
                .map_err(|e| Error::Input(format!("{cert_path}: {e}")))?;
            Ok(vec![thm1_segment(cert_path, &stem, &c)?])
        }
        Some(crate::cert::thm2::KIND) => {
            let c: crate::cert::thm2::Cert = serde_json::from_value(value)
                .map_err(|e| Error::Input(format!("{cert_path}: {e}")))?;
            super::figures_thm2::figures(cert_path, &stem, &c)
        }
        Some(crate::cert::point::KIND) => {
            let c: crate::cert::point::Cert = serde_json::from_value(value)
                .map_err(|e| Error::Input(format!("{cert_path}: {e}")))?;
            super::figures_point::figures(cert_path, &stem, &c)
        }
        _ => Ok(Vec::new()),
    }
}

fn parse(s: &str) -> Q {
    crate::exact::parse_rational(s).expect("an accepted certificate holds valid rationals")
}

fn to_f64(q: &Q) -> f64 {
    q.to_f64()
}

/// A one-hidden-layer ReLU-like network point, flattened: (W1, b1, W2, b2).
struct Net {
    w1: Vec<Vec<Q>>,
    b1: Vec<Q>,
    w2: Vec<Q>,
    b2: Q,
}

impl Net {
    fn from(p: &thm1::Point) -> Net {
        Net {
            w1: p
                .w1
                .iter()
                .map(|r| r.iter().map(|s| parse(s)).collect())
                .collect(),
            b1: p.b1.iter().map(|s| parse(s)).collect(),
            w2: p.w2[0].iter().map(|s| parse(s)).collect(),
            b2: parse(&p.b2[0]),
        }
    }

    /// The largest `|entry|` of `(W1, b1)` of `other − self`.
    fn max_first_layer_change(&self, other: &Net) -> Q {
        let mut m = Q::new();
        for (a, b) in self
            .w1
            .iter()
            .flatten()
            .chain(&self.b1)
            .zip(other.w1.iter().flatten().chain(&other.b1))
        {
            let d = Q::from(b - a).abs();
            if d > m {
                m = d;
            }
        }
        m
    }

    fn loss(&self, s_plus: &Q, s_minus: &Q, xs: &[Vec<Q>], ys: &[Q]) -> Q {
        let mut total = Q::new();
        for (x, y) in xs.iter().zip(ys) {
            let mut out = self.b2.clone();
            for ((row, b), w) in self.w1.iter().zip(&self.b1).zip(&self.w2) {
                let z = row.iter().zip(x).map(|(a, v)| Q::from(a * v)).sum::<Q>() + b;
                let slope = if z >= 0 { s_plus } else { s_minus };
                out += Q::from(w * slope) * z;
            }
            total += (out - y).square();
        }
        total / 2u32
    }
}

/// The loss along the segment `θ(t) = (1 − t)·a + t·b`, with every pre-activation and output
/// weight precomputed as `value + t·change` (exact).
struct Segment {
    slopes: (Q, Q),
    /// Per point: target, and per hidden unit (pre-activation, its change).
    points: Vec<(Q, Vec<(Q, Q)>)>,
    /// Per hidden unit: output weight and its change.
    w2: Vec<(Q, Q)>,
    b2: (Q, Q),
}

impl Segment {
    fn new(a: &Net, b: &Net, slopes: (Q, Q), xs: &[Vec<Q>], ys: &[Q]) -> Segment {
        let pre = |n: &Net, x: &[Q]| -> Vec<Q> {
            n.w1.iter()
                .zip(&n.b1)
                .map(|(row, c)| row.iter().zip(x).map(|(w, v)| Q::from(w * v)).sum::<Q>() + c)
                .collect()
        };
        let pair = |u: &Q, v: &Q| (u.clone(), Q::from(v - u));
        Segment {
            slopes,
            points: xs
                .iter()
                .zip(ys)
                .map(|(x, y)| {
                    let (za, zb) = (pre(a, x), pre(b, x));
                    (
                        y.clone(),
                        za.iter().zip(&zb).map(|(u, v)| pair(u, v)).collect(),
                    )
                })
                .collect(),
            w2: a.w2.iter().zip(&b.w2).map(|(u, v)| pair(u, v)).collect(),
            b2: pair(&a.b2, &b.b2),
        }
    }

    /// `ℓ(θ(t))`, exactly.
    fn loss(&self, t: &Q) -> Q {
        let at = |(v, d): &(Q, Q)| Q::from(d * t) + v;
        let w2: Vec<Q> = self.w2.iter().map(at).collect();
        let b2 = at(&self.b2);
        let mut total = Q::new();
        for (y, units) in &self.points {
            let mut out = b2.clone();
            for (u, w) in units.iter().zip(&w2) {
                let z = at(u);
                let slope = if z >= 0 {
                    &self.slopes.0
                } else {
                    &self.slopes.1
                };
                out += Q::from(w * slope) * z;
            }
            total += (out - y).square();
        }
        total / 2u32
    }
}

/// Exact losses of a `relu-like-spurious-minimum` certificate, recomputed for the report.
pub struct Thm1Numbers {
    /// The loss at the minimum.
    pub loss_minimum: Q,
    /// The loss at the better point.
    pub loss_better: Q,
}

/// The data of a `relu-like-spurious-minimum` certificate: slopes, inputs and targets.
fn thm1_data(c: &thm1::Cert) -> (Q, Q, Vec<Vec<Q>>, Vec<Q>) {
    let p = &c.problem;
    let (xs, ys) = match (&p.data.x, &p.data.y, &p.data.csv) {
        (Some(x), Some(y), _) => (
            x.iter()
                .map(|r| r.iter().map(|s| parse(s)).collect())
                .collect(),
            y.iter().map(|s| parse(s)).collect(),
        ),
        (_, _, Some(crate::cert::thm1::CsvFile { text: Some(t), .. })) => {
            match crate::cert::data::parse_csv(t, Some(&p.data.target_name)) {
                Ok(t) => (t.x, t.y),
                Err(_) => (Vec::new(), Vec::new()),
            }
        }
        _ => (Vec::new(), Vec::new()),
    };
    (
        parse(&p.activation.s_plus),
        parse(&p.activation.s_minus),
        xs,
        ys,
    )
}

/// Recomputes the losses at the minimum and at the better point of an accepted certificate.
pub fn thm1_numbers(c: &thm1::Cert) -> Thm1Numbers {
    let (sp, sm, xs, ys) = thm1_data(c);
    Thm1Numbers {
        loss_minimum: Net::from(&c.witness.minimum).loss(&sp, &sm, &xs, &ys),
        loss_better: Net::from(&c.witness.better_point).loss(&sp, &sm, &xs, &ys),
    }
}

/// Sample intervals per panel.
const SAMPLES: u32 = 120;

/// Samples `ℓ(θ(t)) − ℓ0` at `n + 1` equally spaced rational `t` in `[0, t_max]`.
fn samples(f: &dyn Fn(&Q) -> Q, t_max: &Q, n: u32) -> Vec<(f64, f64)> {
    (0..=n)
        .map(|k| {
            let t = Q::from(t_max * Q::from((k, n)));
            (to_f64(&t), to_f64(&f(&t)))
        })
        .collect()
}

/// The loss along the segment from the certified minimum to the better point.
fn thm1_segment(cert_path: &str, stem: &str, c: &thm1::Cert) -> Result<Figure> {
    let (s_plus, s_minus, xs, ys) = thm1_data(c);
    let a = Net::from(&c.witness.minimum);
    let b = Net::from(&c.witness.better_point);
    let segment = Segment::new(&a, &b, (s_plus, s_minus), &xs, &ys);
    let l0 = segment.loss(&Q::new());
    let f = |t: &Q| segment.loss(t) - &l0;
    let rho = parse(&c.witness.radius);
    let change = a.max_first_layer_change(&b);
    // Along the segment, (W1, b1) stays within ρ of the minimum for t < t_ρ.
    let t_rho = if change == 0 {
        Q::from(1)
    } else {
        std::cmp::min(Q::from(1), Q::from(&rho / &change))
    };
    let zoom_max = std::cmp::min(Q::from(1), Q::from(&t_rho * 4u32));
    let whole = samples(&f, &Q::from(1), SAMPLES);
    let zoom = samples(&f, &zoom_max, SAMPLES);
    let gain = -f(&Q::from(1));
    // Near the better point: bisect (exactly) for a last crossing t_c of ℓ = ℓ0 before t = 1,
    // starting from the last sample of the whole segment with ℓ ≥ ℓ0, and show [2t_c − 1, 1].
    let n = whole.len() - 1;
    let last_up = (0..=n).rev().find(|&k| whole[k].1 >= 0.0).unwrap_or(0);
    let mut lo = Q::from((last_up as u32, n as u32));
    let mut hi = Q::from(1);
    for _ in 0..30 {
        let mid = Q::from(&lo + &hi) / 2u32;
        if f(&mid) >= 0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let from = std::cmp::max(Q::new(), Q::from(&lo * 2u32) - 1u32);
    let tail: Vec<(f64, f64)> = samples(
        &|t: &Q| f(&(Q::from(t + &from))),
        &(Q::from(1) - &from),
        SAMPLES,
    )
    .into_iter()
    .map(|(t, v)| (t + to_f64(&from), v))
    .collect();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1500, 430)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let panels = root.split_evenly((1, 3));
        panel(
            &panels[0],
            "whole segment θ(t) = (1−t)·minimum + t·better",
            &whole,
            None,
            "ℓ(θ(t)) − ℓ0(W̄)",
        )?;
        panel(
            &panels[1],
            "near the minimum (shaded: certified region)",
            &zoom,
            Some((0.0, to_f64(&t_rho))),
            "ℓ(θ(t)) − ℓ0(W̄)",
        )?;
        panel(
            &panels[2],
            "near the better point (t = 1)",
            &tail,
            None,
            "ℓ(θ(t)) − ℓ0(W̄)",
        )?;
        root.present().map_err(draw_err)?;
    }
    let caption = format!(
        "Loss along the straight segment from the certified local minimum (t = 0) to the better \
         point (t = 1) of `{cert_path}`, plotted as ℓ(θ(t)) − ℓ0(W̄) and computed exactly at {} \
         rational points per panel. Middle: for t < t_ρ ≈ {} (shaded) the first layer stays \
         within ρ of the minimum, where the certificate proves ℓ ≥ ℓ0(W̄). Right: the loss \
         drops below ℓ0(W̄) near t = 1 and ends at −{} (the certified improvement).",
        SAMPLES + 1,
        crate::exact::to_decimal(&t_rho, 8),
        crate::exact::to_decimal(&gain, 8)
    );
    Ok(Figure {
        path: format!("figures/{stem}.svg"),
        certificate: cert_path.into(),
        caption,
        svg,
    })
}

pub(super) fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Input(format!("cannot draw a figure: {e:?}"))
}

/// A tick label: plain decimals for moderate magnitudes, scientific notation otherwise.
pub(super) fn tick(v: &f64) -> String {
    let a = v.abs();
    if a < 1e-12 {
        "0".into()
    } else if (1e-2..1e4).contains(&a) {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.2e}")
    }
}

/// One line chart of `ℓ − ℓ0` against `t`, with an optional shaded interval.
pub(super) fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    points: &[(f64, f64)],
    shade: Option<(f64, f64)>,
    y_desc: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let x_min = points.first().map_or(0.0, |p| p.0);
    let x_max = points.last().map_or(1.0, |p| p.0);
    let (mut lo, mut hi) = points
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let pad = (hi - lo).max(f64::MIN_POSITIVE) * 0.08;
    lo -= pad;
    hi += pad;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(78)
        .build_cartesian_2d(x_min..x_max, lo..hi)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("t")
        .y_desc(y_desc)
        .y_labels(8)
        .x_labels(5)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .draw()
        .map_err(draw_err)?;
    if let Some((a, b)) = shade {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(a, lo), (b.min(x_max), hi)],
                GREEN.mix(0.15).filled(),
            )))
            .map_err(draw_err)?;
    }
    chart
        .draw_series(LineSeries::new(
            [(x_min, 0.0), (x_max, 0.0)],
            BLACK.mix(0.4).stroke_width(1),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .map_err(draw_err)?;
    Ok(())
}
