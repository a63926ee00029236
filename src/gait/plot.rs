//! The clinical gait plot as SVG: one row per joint from the trunk and hip down to the ankle, the left side
//! (blue) against the right (orange), each the mean over strides with a ±1 SD band, and each side's toe-off as a
//! dashed vertical line; x is the gait cycle from heel strike (0%) to the same foot's next heel strike (100%).

use plotters::prelude::*;

use super::curves::{JointCurves, SideCurve};
use crate::pose::Side;

/// Size of the whole plot, pixels.
pub const SIZE: (u32, u32) = (760, 1000);

fn colour(side: Side) -> RGBColor {
    // The report's side colours (colour-blind safe).
    if side == Side::Left { RGBColor(0, 114, 178) } else { RGBColor(213, 94, 0) }
}

/// The plot of `curves` as an SVG document; `title` goes on top.
pub fn render(curves: &JointCurves, title: &str) -> Result<String, String> {
    let err = |e: &dyn std::fmt::Display| format!("gait plot: {e}");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let root = root.titled(title, ("sans-serif", 20)).map_err(|e| err(&e))?;
        let rows = curves.rows();
        let areas = root.split_evenly((rows.len(), 1));
        for ((name, curve), area) in rows.iter().zip(areas.iter()) {
            let sides: Vec<(Side, &SideCurve)> =
                [Side::Left, Side::Right].into_iter().filter_map(|s| curve.side(s).map(|c| (s, c))).collect();
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for (_, c) in &sides {
                for (m, s) in c.mean_deg.iter().zip(&c.sd_deg) {
                    lo = lo.min(m - s);
                    hi = hi.max(m + s);
                }
            }
            if !lo.is_finite() || !hi.is_finite() {
                (lo, hi) = (-10.0, 10.0);
            }
            let pad = ((hi - lo) * 0.1).max(2.0);
            let mut chart = ChartBuilder::on(area)
                .caption(*name, ("sans-serif", 15))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(48)
                .build_cartesian_2d(0f64..100f64, (lo - pad)..(hi + pad))
                .map_err(|e| err(&e))?;
            chart
                .configure_mesh()
                .x_desc("% of gait cycle")
                .y_desc("degrees")
                .x_labels(11)
                .y_labels(6)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .light_line_style(RGBColor(235, 235, 235))
                .draw()
                .map_err(|e| err(&e))?;
            for (side, c) in &sides {
                let col = colour(*side);
                let x = |k: usize| k as f64;
                let mut band: Vec<(f64, f64)> =
                    c.mean_deg.iter().zip(&c.sd_deg).enumerate().map(|(k, (m, s))| (x(k), m + s)).collect();
                band.extend(c.mean_deg.iter().zip(&c.sd_deg).enumerate().rev().map(|(k, (m, s))| (x(k), m - s)));
                chart.draw_series(std::iter::once(Polygon::new(band, col.mix(0.18).filled()))).map_err(|e| err(&e))?;
                let label = format!("{} (n = {})", if *side == Side::Left { "left" } else { "right" }, c.strides);
                chart
                    .draw_series(LineSeries::new(
                        c.mean_deg.iter().enumerate().map(|(k, m)| (x(k), *m)),
                        col.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?
                    .label(label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], col.stroke_width(3)));
                if let Some(to) = c.toe_off_pct {
                    // Dashed: short segments along the line.
                    let (y0, y1) = (lo - pad, hi + pad);
                    let n = 24;
                    let dashes = (0..n).step_by(2).map(|k| {
                        let a = y0 + (y1 - y0) * k as f64 / n as f64;
                        let b = y0 + (y1 - y0) * (k + 1) as f64 / n as f64;
                        PathElement::new(vec![(to, a), (to, b)], col.stroke_width(1))
                    });
                    chart.draw_series(dashes).map_err(|e| err(&e))?;
                }
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(180, 180, 180))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::curves::{JointCurve, POINTS};

    #[test]
    fn both_sides_and_the_toe_off_lines_are_drawn() {
        let c =
            SideCurve { mean_deg: vec![10.0; POINTS], sd_deg: vec![2.0; POINTS], strides: 3, toe_off_pct: Some(62.0) };
        let jc = JointCurve { left: Some(c.clone()), right: Some(c) };
        let curves = JointCurves {
            hip_flexion: jc.clone(),
            knee_flexion: jc.clone(),
            ankle_dorsiflexion: jc.clone(),
            trunk_lean: JointCurve::default(),
        };
        let svg = render(&curves, "Gait").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Knee flexion") && svg.contains("left (n = 3)") && svg.contains("right (n = 3)"));
        assert!(svg.contains("rgb(0,114,178)") || svg.contains("#0072B2"), "left colour missing");
    }
}
