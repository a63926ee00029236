//! Descriptors of position, shape and path (Quijoux et al. 2021, as their reference code computes them): distances
//! and RMS about 0, ranges, the 95 % confidence (prediction) ellipse, the principal sway direction, path length and
//! mean velocity, sway area per second, mean frequency, LFS and fractal dimension.
//!
//! Notation: `x` = ML, `y` = AP (cm), `N` samples at `fs` Hz, `r = √(x² + y²)`. Second moments are taken **about
//! 0** (the signal was centred before filtering), except for the principal direction (mean-removed covariance).

use super::stabilogram::mean;

/// Mean of `|v|`.
pub fn mean_abs(v: &[f64]) -> f64 {
    mean(&v.iter().map(|x| x.abs()).collect::<Vec<_>>())
}

/// Largest `|v|`.
pub fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Root mean square about 0.
pub fn rms(v: &[f64]) -> f64 {
    mean(&v.iter().map(|x| x * x).collect::<Vec<_>>()).sqrt()
}

/// `max − min`.
pub fn range(v: &[f64]) -> f64 {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    hi - lo
}

/// The radius `√(x² + y²)` of each sample.
pub fn radius(x: &[f64], y: &[f64]) -> Vec<f64> {
    x.iter().zip(y).map(|(a, b)| a.hypot(*b)).collect()
}

/// The largest distance between any two samples (the trajectory's diameter).
pub fn diameter(x: &[f64], y: &[f64]) -> f64 {
    let mut best = 0.0f64;
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            best = best.max((x[i] - x[j]).hypot(y[i] - y[j]));
        }
    }
    best
}

/// Second moments about 0: (Sxx, Syy, Sxy).
pub fn moments(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let sxx = mean(&x.iter().map(|a| a * a).collect::<Vec<_>>());
    let syy = mean(&y.iter().map(|a| a * a).collect::<Vec<_>>());
    let sxy = mean(&x.iter().zip(y).map(|(a, b)| a * b).collect::<Vec<_>>());
    (sxx, syy, sxy)
}

/// The 0.95 quantile of the F distribution with (2, ν) degrees of freedom, in closed form:
/// `F = (ν/2)·(0.05^(−2/ν) − 1)`.
pub fn f95_2(nu: f64) -> f64 {
    nu / 2.0 * (0.05f64.powf(-2.0 / nu) - 1.0)
}

/// Area of the 95 % prediction ellipse, cm²: `2π·F₀.₉₅(2, N−2)·(N+1)(N−1)/(N(N−2))·√(Sxx·Syy − Sxy²)`.
/// Needs `N ≥ 3`.
pub fn confidence_ellipse_area(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (sxx, syy, sxy) = moments(x, y);
    let det = (sxx * syy - sxy * sxy).max(0.0);
    2.0 * std::f64::consts::PI * f95_2(n - 2.0) * (n + 1.0) * (n - 1.0) / (n * (n - 2.0)) * det.sqrt()
}

/// The 95 % prediction ellipse as a shape (for drawing it over a stabilogram), cm and radians.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Centre (ML, AP), cm: the origin, as the area is taken about it (a stabilogram is centred).
    pub centre: (f64, f64),
    /// Semi-axis along the principal sway direction, cm.
    pub semi_major: f64,
    /// Semi-axis across it, cm.
    pub semi_minor: f64,
    /// Angle of the major axis from the ML axis towards AP, radians.
    pub angle: f64,
}

impl Ellipse {
    /// `n` points around the ellipse (ML, AP), cm, the first repeated at the end.
    pub fn outline(&self, n: usize) -> Vec<(f64, f64)> {
        let (c, s) = (self.angle.cos(), self.angle.sin());
        (0..=n.max(3))
            .map(|i| {
                let t = i as f64 / n.max(3) as f64 * std::f64::consts::TAU;
                let (u, v) = (self.semi_major * t.cos(), self.semi_minor * t.sin());
                (self.centre.0 + u * c - v * s, self.centre.1 + u * s + v * c)
            })
            .collect()
    }
}

/// The ellipse whose area is [`confidence_ellipse_area`]: semi-axes `√(k·λ)` of the second-moment matrix's
/// eigenvalues `λ`, with `k = 2·F₀.₉₅(2, N−2)·(N+1)(N−1)/(N(N−2))`. `None` below 3 points.
pub fn confidence_ellipse(x: &[f64], y: &[f64]) -> Option<Ellipse> {
    let n = x.len() as f64;
    if x.len() < 3 || y.len() != x.len() {
        return None;
    }
    let (sxx, syy, sxy) = moments(x, y);
    let half_trace = 0.5 * (sxx + syy);
    let root = (0.25 * (sxx - syy).powi(2) + sxy * sxy).sqrt();
    let (l1, l2) = (half_trace + root, (half_trace - root).max(0.0));
    let k = 2.0 * f95_2(n - 2.0) * (n + 1.0) * (n - 1.0) / (n * (n - 2.0));
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    Some(Ellipse { centre: (0.0, 0.0), semi_major: (k * l1).sqrt(), semi_minor: (k * l2).sqrt(), angle })
}

/// The angle in degrees, 0 to 90, between the AP axis and the principal axis of sway (the eigenvector of the
/// largest eigenvalue of the mean-removed covariance).
pub fn principal_sway_direction(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let xc: Vec<f64> = x.iter().map(|v| v - mx).collect();
    let yc: Vec<f64> = y.iter().map(|v| v - my).collect();
    let (cxx, cyy, cxy) = moments(&xc, &yc);
    let lambda = 0.5 * (cxx + cyy) + (0.25 * (cxx - cyy).powi(2) + cxy * cxy).sqrt();
    // Two forms of the same eigenvector; the longer one is the better conditioned.
    let e1 = (cxy, lambda - cxx);
    let e2 = (lambda - cyy, cxy);
    let (ex, ey) = if e1.0.hypot(e1.1) >= e2.0.hypot(e2.1) { e1 } else { e2 };
    let norm = ex.hypot(ey);
    if norm == 0.0 {
        return 0.0;
    }
    (ey.abs() / norm).min(1.0).acos().to_degrees()
}

/// Path lengths (ML, AP, planar): `Σ|Δx|`, `Σ|Δy|`, `Σ|ΔP|`.
pub fn path_lengths(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let mut l = (0.0, 0.0, 0.0);
    for i in 1..x.len() {
        let (dx, dy) = (x[i] - x[i - 1], y[i] - y[i - 1]);
        l.0 += dx.abs();
        l.1 += dy.abs();
        l.2 += dx.hypot(dy);
    }
    l
}

/// Area swept per second by the triangles origin–Pᵢ–Pᵢ₊₁, cm²/s: `Σ|xᵢ₊₁yᵢ − yᵢ₊₁xᵢ| / (2(N−1)/fs)`.
pub fn sway_area_per_second(x: &[f64], y: &[f64], fs: f64) -> f64 {
    let s: f64 = (1..x.len()).map(|i| (x[i] * y[i - 1] - y[i] * x[i - 1]).abs()).sum();
    s / (2.0 * (x.len() as f64 - 1.0) / fs)
}

/// Mean frequency of one axis, Hz: `mean(fs·|Δu|) / (4√2·mean|u|)`, the mean over the N−1 steps.
pub fn mean_frequency_axis(u: &[f64], fs: f64) -> f64 {
    let steps: Vec<f64> = u.windows(2).map(|w| fs * (w[1] - w[0]).abs()).collect();
    mean(&steps) / (4.0 * std::f64::consts::SQRT_2 * mean_abs(u))
}

/// Mean frequency of both axes, Hz: `mean(fs·|ΔP|) / (2π·mean r)`.
pub fn mean_frequency_planar(x: &[f64], y: &[f64], fs: f64) -> f64 {
    let steps: Vec<f64> = (1..x.len()).map(|i| fs * (x[i] - x[i - 1]).hypot(y[i] - y[i - 1])).collect();
    mean(&steps) / (2.0 * std::f64::consts::PI * mean(&radius(x, y)))
}

/// Fractal dimension of the path: `ln N / (ln N + ln d − ln L)`, `d = √(4·ellipse area/π)`, `L` the planar path.
pub fn fractal_dimension(n: usize, path: f64, ellipse_area: f64) -> f64 {
    let n = (n as f64).ln();
    let d = (4.0 * ellipse_area / std::f64::consts::PI).sqrt();
    n / (n + d.ln() - path.ln())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn circle(n: usize, radius_cm: f64, turns: f64) -> (Vec<f64>, Vec<f64>) {
        (0..n)
            .map(|i| {
                let a = 2.0 * PI * turns * i as f64 / n as f64;
                (radius_cm * a.cos(), radius_cm * a.sin())
            })
            .unzip()
    }

    #[test]
    fn a_circle_has_its_radius_as_mean_distance_and_its_circumference_as_path() {
        let (x, y) = circle(1000, 2.0, 1.0);
        assert!((mean(&radius(&x, &y)) - 2.0).abs() < 1e-12);
        assert!((rms(&radius(&x, &y)) - 2.0).abs() < 1e-12);
        let (_, _, l) = path_lengths(&x, &y);
        // 999 chords of a 1000-gon: 2·r·sin(π/1000) each.
        assert!((l - 999.0 * 2.0 * 2.0 * (PI / 1000.0).sin()).abs() < 1e-9, "{l}");
        assert!((diameter(&x, &y) - 4.0).abs() < 1e-12);
        // Triangles origin-Pi-Pi+1 sweep r²·sin(2π/n)/2 each, over (N−1)/fs seconds.
        let sps = sway_area_per_second(&x, &y, 25.0);
        let expected = 999.0 * 0.5 * 4.0 * (2.0 * PI / 1000.0).sin() / (999.0 / 25.0);
        assert!((sps - expected).abs() < 1e-9, "{sps} vs {expected}");
        // Sxx = Syy = r²/2, Sxy = 0: the ellipse area is 2π·F·c·r²/2.
        let n = 1000.0;
        let f = f95_2(n - 2.0);
        let expected = 2.0 * PI * f * (n + 1.0) * (n - 1.0) / (n * (n - 2.0)) * 2.0;
        assert!((confidence_ellipse_area(&x, &y) - expected).abs() < 1e-9);
    }

    #[test]
    fn the_f_quantile_matches_tables() {
        // F(0.95; 2, 10) = 4.1028, F(0.95; 2, 100) = 3.0873, and χ²(0.95; 2)/2 = 2.9957 in the limit.
        assert!((f95_2(10.0) - 4.1028).abs() < 1e-4);
        assert!((f95_2(100.0) - 3.0873).abs() < 1e-4);
        assert!((f95_2(1e7) - 2.995732).abs() < 1e-5);
    }

    #[test]
    fn a_line_gives_its_direction_from_the_ap_axis() {
        for deg in [0.0f64, 20.0, 45.0, 80.0, 90.0] {
            let t: Vec<f64> = (0..200).map(|i| (i as f64 * 0.1).sin()).collect();
            let x: Vec<f64> = t.iter().map(|s| s * deg.to_radians().sin() + 0.3).collect();
            let y: Vec<f64> = t.iter().map(|s| -s * deg.to_radians().cos()).collect();
            let got = principal_sway_direction(&x, &y);
            assert!((got - deg).abs() < 1e-6, "{deg}: {got}");
        }
    }

    #[test]
    fn mean_frequency_of_a_sine_is_close_to_its_frequency() {
        // For u = A·sin(2πft): mean|du/dt| = 4Af, mean|u| = 2A/π, so the axis formula gives πf/(2√2)·… ≈ f·1.11;
        // the planar one, on a circle, gives exactly f (speed 2πrf over 2π·r).
        let fs = 25.0;
        let (x, y): (Vec<f64>, Vec<f64>) = (0..2500)
            .map(|i| {
                let a = 2.0 * PI * 0.4 * i as f64 / fs;
                (a.cos(), a.sin())
            })
            .unzip();
        assert!((mean_frequency_planar(&x, &y, fs) - 0.4).abs() < 1e-3);
        let expected = 4.0 * 0.4 / (4.0 * std::f64::consts::SQRT_2 * 2.0 / PI);
        assert!((mean_frequency_axis(&x, fs) - expected).abs() < 2e-3);
    }

    #[test]
    fn the_ellipse_shape_has_the_reported_area_and_points_along_the_sway() {
        // Sway mostly along a line 30° from ML towards AP.
        let (x, y): (Vec<f64>, Vec<f64>) = (0..500)
            .map(|i| {
                let (u, v) = ((i as f64 * 0.37).sin() * 2.0, (i as f64 * 1.3).cos() * 0.4);
                let a = 30f64.to_radians();
                (u * a.cos() - v * a.sin(), u * a.sin() + v * a.cos())
            })
            .unzip();
        let e = confidence_ellipse(&x, &y).unwrap();
        let area = PI * e.semi_major * e.semi_minor;
        assert!((area - confidence_ellipse_area(&x, &y)).abs() < 1e-9 * area, "{area}");
        assert!((e.angle.to_degrees() - 30.0).abs() < 2.0, "{}", e.angle.to_degrees());
        assert!(e.semi_major > 3.0 * e.semi_minor);
        let ring = e.outline(64);
        assert_eq!(ring.len(), 65);
        assert!((ring[0].0 - ring[64].0).abs() < 1e-12);
        assert!(confidence_ellipse(&x[..2], &y[..2]).is_none());
    }
}
