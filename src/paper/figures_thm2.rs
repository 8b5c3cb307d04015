//! Pictures of `smooth-counterexample` certificates (Theorem 2): the loss along the segment from
//! the spurious minimum to the zero-loss point, and a 2-D slice of the loss around the minimum
//! with the certified box drawn. Activation values come from the checker's own interval
//! enclosures (at a rational approximation of each sample point) and are turned into `f64` to
//! place pixels; nothing here is evidence for a claim.

use super::figures::{draw_err, panel, tick, Figure};
use crate::cert::activation::Act;
use crate::cert::interval::I;
use crate::cert::thm2::{self, parse_activation, parse_real, Coef, Entry, Real};
use crate::error::{Error, Result};
use crate::exact::Q;
use plotters::prelude::*;

/// The data of Theorem 2.
const X: [[f64; 2]; 3] = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]];
const Y: [f64; 3] = [0.0, 0.0, 1.0];

/// `h(x)` for drawing: the midpoint of the checker's enclosure at a rational near `x` (the
/// function itself for ReLU-like activations).
fn h(act: &Act, x: f64) -> f64 {
    if let Act::ReluLike(sp, sm) = act {
        // The checker's enclosure of h̄ is the hull of both slopes; draw the function itself.
        return x * if x >= 0.0 { sp.to_f64() } else { sm.to_f64() };
    }
    let Some(q) = Q::from_f64(x) else {
        return f64::NAN;
    };
    match act.enclose(0, &I::from_q(64, &q)) {
        Ok(e) => mid(&e),
        Err(_) => f64::NAN,
    }
}

fn real(what: &str, r: &Real) -> Result<f64> {
    Ok(mid(&parse_real(what, r)?.enclose(64)))
}

/// The midpoint of an enclosure for drawing (NaN, drawn as a gap, when unbounded).
fn mid(e: &I) -> f64 {
    match (e.lo_q(), e.hi_q()) {
        (Some(lo), Some(hi)) => Q::from(lo + hi).to_f64() / 2.0,
        _ => f64::NAN,
    }
}

/// The heat-map colour of `ℓ − 1/3 = val` on a slice whose values span `[lo, hi]`: white at 0,
/// blue above (intensity ∝ √(val/hi)), red below (∝ √(val/lo)).
fn shade(val: f64, lo: f64, hi: f64) -> RGBColor {
    if val >= 0.0 {
        let s = if hi > 0.0 {
            (val / hi).sqrt().min(1.0)
        } else {
            0.0
        };
        RGBColor(
            (255.0 * (1.0 - s)) as u8,
            (255.0 * (1.0 - 0.6 * s)) as u8,
            255,
        )
    } else {
        let s = if lo < 0.0 {
            (val / lo).sqrt().min(1.0)
        } else {
            0.0
        };
        RGBColor(255, (255.0 * (1.0 - s)) as u8, (255.0 * (1.0 - s)) as u8)
    }
}

/// The nine parameters `[W1₁₁, W1₁₂, W1₂₁, W1₂₂, b1₁, b1₂, W2₁, W2₂, b2]`.
type Theta = [f64; 9];

fn loss(act: &Act, t: &Theta) -> f64 {
    let mut s = 0.0;
    for (x, y) in X.iter().zip(Y) {
        let z1 = t[0] * x[0] + t[1] * x[1] + t[4];
        let z2 = t[2] * x[0] + t[3] * x[1] + t[5];
        let out = t[6] * h(act, z1) + t[7] * h(act, z2) + t[8];
        s += (out - y) * (out - y);
    }
    s / 2.0
}

/// The minimum, the zero-loss point and ρ of a certificate, for drawing.
fn points(c: &thm2::Cert) -> Result<(Theta, Theta, f64)> {
    let act = parse_activation(&c.problem.activation)?;
    let relu_like = c.problem.activation.name == "relu-like";
    let w = &c.witness;
    let v: Vec<f64> = w
        .minimum
        .v
        .iter()
        .map(|r| real("witness.minimum.v", r))
        .collect::<Result<_>>()?;
    let u1 = real("witness.minimum.u1", &w.minimum.u1)?;
    let u2 = match &w.minimum.u2 {
        Coef::Value(r) => real("witness.minimum.u2", r)?,
        Coef::Solve(_) => (1.0 / 3.0 - u1 * h(&act, v[0])) / h(&act, v[1]),
    };
    let minimum: Theta = if relu_like {
        [v[0], v[0], v[1], v[1], 0.0, 0.0, u1, u2, 0.0]
    } else {
        [0.0, 0.0, 0.0, 0.0, v[0], v[1], u1, u2, 0.0]
    };
    let z: Vec<f64> = w
        .zero_loss
        .v
        .iter()
        .map(|e| match e {
            Entry::Value(r) => real("witness.zero_loss.v", r),
            // A root of C2.1: draw at the middle of its (narrow) bracket.
            Entry::Root(root) => {
                let end = |s: &String| {
                    crate::exact::parse_rational(s)
                        .map(|q| q.to_f64())
                        .map_err(|e| Error::Input(format!("witness.zero_loss.v[4]: {e}")))
                };
                Ok((end(&root.bracket[0])? + end(&root.bracket[1])?) / 2.0)
            }
        })
        .collect::<Result<_>>()?;
    let d =
        h(&act, z[2]) * h(&act, (z[0] + z[1]) / 2.0) - h(&act, z[0]) * h(&act, (z[2] + z[3]) / 2.0);
    let zero: Theta = [
        z[0],
        z[1],
        z[2],
        z[3],
        0.0,
        0.0,
        h(&act, z[2]) / d,
        -h(&act, z[0]) / d,
        0.0,
    ];
    let rho = crate::exact::parse_rational(&w.radius)
        .map_err(|e| Error::Input(format!("witness.radius: {e}")))?
        .to_f64();
    Ok((minimum, zero, rho))
}

/// The pictures of a `smooth-counterexample` certificate.
pub fn figures(cert_path: &str, stem: &str, c: &thm2::Cert) -> Result<Vec<Figure>> {
    let act = parse_activation(&c.problem.activation)?;
    let (minimum, zero, rho) = points(c)?;
    let name = cert_path
        .rsplit('/')
        .next()
        .unwrap_or(cert_path)
        .trim_end_matches(".json");

    // The segment.
    let at = |t: f64| -> Theta {
        let mut p = minimum;
        for k in 0..9 {
            p[k] += t * (zero[k] - minimum[k]);
        }
        p
    };
    let change = (0..9)
        .map(|k| (zero[k] - minimum[k]).abs())
        .fold(0.0, f64::max);
    let t_rho = (rho / change).min(1.0);
    let n = 200;
    let whole: Vec<(f64, f64)> = (0..=n)
        .map(|k| {
            let t = k as f64 / n as f64;
            (t, loss(&act, &at(t)) - 1.0 / 3.0)
        })
        .collect();
    let zmax = (4.0 * t_rho).min(1.0);
    let zoom: Vec<(f64, f64)> = (0..=n)
        .map(|k| {
            let t = zmax * k as f64 / n as f64;
            (t, loss(&act, &at(t)) - 1.0 / 3.0)
        })
        .collect();
    // Near the zero-loss point: from the last crossing of 1/3 on the grid.
    let last_up = (0..=n).rev().find(|&k| whole[k].1 >= 0.0).unwrap_or(0);
    let from = (2.0 * last_up as f64 / n as f64 - 1.0).max(0.0);
    let tail: Vec<(f64, f64)> = (0..=n)
        .map(|k| {
            let t = from + (1.0 - from) * k as f64 / n as f64;
            (t, loss(&act, &at(t)) - 1.0 / 3.0)
        })
        .collect();
    let mut seg = String::new();
    {
        let root = SVGBackend::with_string(&mut seg, (1500, 430)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let panels = root.split_evenly((1, 3));
        let y = "ℓ(θ(t)) − 1/3";
        panel(
            &panels[0],
            "θ(t) = (1−t)·minimum + t·zero-loss point",
            &whole,
            None,
            y,
        )?;
        panel(
            &panels[1],
            "near the minimum (shaded: in the certified box)",
            &zoom,
            Some((0.0, t_rho)),
            y,
        )?;
        panel(
            &panels[2],
            "near the zero-loss point (t = 1)",
            &tail,
            None,
            y,
        )?;
        root.present().map_err(draw_err)?;
    }
    let seg_caption = format!(
        "{name}: loss along the straight segment from the spurious local minimum (t = 0, loss 1/3) \
         to the zero-loss global minimum (t = 1) of `{cert_path}`, plotted as ℓ(θ(t)) − 1/3 \
         (drawn in floating point from interval enclosures; not evidence). Middle: for t < t_ρ ≈ {:.3e} \
         (shaded) the segment lies in the certified box ‖θ − θ̂‖_max ≤ ρ, where the certificate \
         proves ℓ ≥ 1/3. Right: the loss falls to 0 (ℓ − 1/3 = −1/3) at the zero-loss point.",
        t_rho
    );

    // The 2-D slice: W1₁₁ and W1₂₁ (each moves one unit's P − Q, where the loss is curved).
    let (ia, ib) = (0, 2);
    let span = 3.0 * rho;
    let g = 48;
    let mut cells = Vec::with_capacity(g * g);
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for i in 0..g {
        for j in 0..g {
            let a = -span + 2.0 * span * (i as f64 + 0.5) / g as f64;
            let b = -span + 2.0 * span * (j as f64 + 0.5) / g as f64;
            let mut p = minimum;
            p[ia] += a;
            p[ib] += b;
            let val = loss(&act, &p) - 1.0 / 3.0;
            lo = lo.min(val);
            hi = hi.max(val);
            cells.push((a, b, val));
        }
    }
    let mut slice = String::new();
    {
        let root = SVGBackend::with_string(&mut slice, (740, 620)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (left, right) = root.split_horizontally(600);
        let mut chart = ChartBuilder::on(&left)
            .caption(
                format!(
                    "{name}: ℓ − 1/3 around the minimum (box: certified, ρ = {})",
                    tick(&rho)
                ),
                ("sans-serif", 15),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(-span..span, -span..span)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("change of W1[1,1]")
            .y_desc("change of W1[2,1]")
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .draw()
            .map_err(draw_err)?;
        let step = span / g as f64;
        chart
            .draw_series(cells.iter().map(|&(a, b, val)| {
                Rectangle::new(
                    [(a - step, b - step), (a + step, b + step)],
                    shade(val, lo, hi).filled(),
                )
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(-rho, -rho), (rho, rho)],
                BLACK.stroke_width(2),
            )))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(Circle::new((0.0, 0.0), 3, BLACK.filled())))
            .map_err(draw_err)?;

        // The colour scale: the same shading against the values of ℓ − 1/3 it stands for.
        let (bar_lo, bar_hi) = (lo.min(0.0), if hi > lo.min(0.0) { hi } else { 1.0 });
        let mut bar = ChartBuilder::on(&right)
            .margin_top(45)
            .margin_bottom(52)
            .margin_right(24)
            .y_label_area_size(74)
            .caption("ℓ − 1/3", ("sans-serif", 13))
            .build_cartesian_2d(0.0..1.0, bar_lo..bar_hi)
            .map_err(draw_err)?;
        bar.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(6)
            .y_label_style(("sans-serif", 12))
            .y_label_formatter(&|v| format!("{v:.2e}"))
            .draw()
            .map_err(draw_err)?;
        let bands = 64;
        let band = (bar_hi - bar_lo) / bands as f64;
        bar.draw_series((0..bands).map(|k| {
            let v0 = bar_lo + band * k as f64;
            Rectangle::new(
                [(0.0, v0), (1.0, v0 + band)],
                shade(v0 + band / 2.0, lo, hi).filled(),
            )
        }))
        .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    let slice_caption = format!(
        "{name}: ℓ − 1/3 on a 2-D slice through the spurious minimum (•) of `{cert_path}`, moving \
         W1[1,1] and W1[2,1] (which change each hidden unit's P − Q, where the loss is curved) \
         and keeping the other seven parameters fixed; white is ℓ = 1/3, blue is above (colour ∝ \
         √(ℓ − 1/3), up to {:.3e}; the scale on the right gives the values), red would be below. The black square is the slice of the certified box ‖θ − θ̂‖_max ≤ ρ, \
         on which the certificate proves ℓ ≥ 1/3. Drawn in floating point; not evidence.",
        hi
    );
    Ok(vec![
        Figure {
            path: format!("figures/{stem}-segment.svg"),
            certificate: cert_path.into(),
            caption: seg_caption,
            svg: seg,
        },
        Figure {
            path: format!("figures/{stem}-slice.svg"),
            certificate: cert_path.into(),
            caption: slice_caption,
            svg: slice,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_loss_is_one_third_at_the_minimum_and_zero_at_the_zero_loss_point() {
        for name in ["relu", "sigmoid", "tanh"] {
            let act = crate::model::parse_activation(name).unwrap();
            let c = crate::theorems::thm2::certify(&act, 128)
                .unwrap()
                .certificate;
            let (minimum, zero, _) = points(&c).unwrap();
            let act = parse_activation(&c.problem.activation).unwrap();
            let (a, b) = (loss(&act, &minimum), loss(&act, &zero));
            assert!((a - 1.0 / 3.0).abs() < 1e-12, "{name}: {a}");
            assert!(b.abs() < 1e-12, "{name}: {b}");
        }
    }
}
