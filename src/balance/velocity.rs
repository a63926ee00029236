//! Velocity descriptors from the Savitzky–Golay first derivative (window 5 samples, cubic, as the reference uses
//! it): the phase-plane parameter, zero crossings and peak velocities.
//!
//! Inside the signal the derivative is `fs·(uᵢ₋₂ − 8uᵢ₋₁ + 8uᵢ₊₁ − uᵢ₊₂)/12` (the slope at the centre of the cubic
//! fitted by least squares to 5 samples); the first and last two samples take the slope of the cubic fitted to
//! the first or last 5 samples at their own position (SciPy's `mode="interp"`).

use super::stabilogram::mean;

/// The slope at offset `s` (−2..2, from the centre) of the least-squares cubic through 5 samples `u[0..5]`,
/// per sample.
fn cubic_slope(u: &[f64], s: f64) -> f64 {
    let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
    for (k, &v) in u.iter().enumerate().take(5) {
        let j = k as f64 - 2.0;
        s0 += v;
        s1 += j * v;
        s2 += j * j * v;
        s3 += j * j * j * v;
    }
    // Normal equations of 1, j, j², j³ over j = −2..2 split into even and odd parts.
    let c1 = (130.0 * s1 - 34.0 * s3) / 144.0;
    let c2 = (-10.0 * s0 + 5.0 * s2) / 70.0;
    let c3 = (-34.0 * s1 + 10.0 * s3) / 144.0;
    c1 + 2.0 * c2 * s + 3.0 * c3 * s * s
}

/// The Savitzky–Golay velocity of `u` sampled at `fs` (units of `u` per second). Needs at least 5 samples.
pub fn savgol_velocity(u: &[f64], fs: f64) -> Vec<f64> {
    let n = u.len();
    if n < 5 {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let slope = if i < 2 {
                cubic_slope(&u[..5], i as f64 - 2.0)
            } else if i + 2 >= n {
                cubic_slope(&u[n - 5..], (i + 3 - n) as f64)
            } else {
                (u[i - 2] - 8.0 * u[i - 1] + 8.0 * u[i + 1] - u[i + 2]) / 12.0
            };
            slope * fs
        })
        .collect()
}

/// `√(rms(u)² + var(v))`: the reference adds cm² and (cm/s)² under one root; `var` about the mean, divisor N.
pub fn phase_plane_parameter(u: &[f64], v: &[f64]) -> f64 {
    let rms2 = mean(&u.iter().map(|a| a * a).collect::<Vec<_>>());
    let mv = mean(v);
    let var = mean(&v.iter().map(|a| (a - mv) * (a - mv)).collect::<Vec<_>>());
    (rms2 + var).sqrt()
}

/// Number of sign changes of `v`.
pub fn zero_crossings(v: &[f64]) -> usize {
    v.windows(2).filter(|w| w[0].signum() != w[1].signum()).count()
}

/// Mean peak velocities over the complete half-cycles (runs of one sign, the first and last runs dropped):
/// (positive runs, negative runs as |peak|, all runs). `None` where there is no such run.
pub fn peak_velocities(v: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut runs: Vec<(bool, f64)> = Vec::new();
    for &x in v {
        let positive = x.signum() > 0.0;
        match runs.last_mut() {
            Some((p, peak)) if *p == positive => *peak = peak.max(x.abs()),
            _ => runs.push((positive, x.abs())),
        }
    }
    let inner = if runs.len() > 2 { &runs[1..runs.len() - 1] } else { &[][..] };
    let avg = |f: &dyn Fn(&(bool, f64)) -> bool| {
        let sel: Vec<f64> = inner.iter().filter(|r| f(r)).map(|r| r.1).collect();
        (!sel.is_empty()).then(|| sel.iter().sum::<f64>() / sel.len() as f64)
    };
    (avg(&|r| r.0), avg(&|r| !r.0), avg(&|_| true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cubic_has_its_exact_derivative_everywhere() {
        let u: Vec<f64> = (0..12)
            .map(|i| {
                let t = i as f64 / 25.0;
                2.0 * t * t * t - t * t + 0.5 * t
            })
            .collect();
        let v = savgol_velocity(&u, 25.0);
        for (i, vi) in v.iter().enumerate() {
            let t = i as f64 / 25.0;
            let d = 6.0 * t * t - 2.0 * t + 0.5;
            assert!((vi - d).abs() < 1e-10, "{i}: {vi} vs {d}");
        }
    }

    #[test]
    fn sine_crossings_and_peaks() {
        // v = sin: 2 sign changes per period; complete half-cycles peak at 1.
        let v: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.05 + 0.1).sin()).collect();
        let periods = (999.0 * 0.05 + 0.1) / (2.0 * std::f64::consts::PI);
        assert_eq!(zero_crossings(&v), (2.0 * periods).floor() as usize);
        let (p, n, a) = peak_velocities(&v);
        for x in [p, n, a] {
            assert!((x.unwrap() - 1.0).abs() < 2e-3);
        }
        assert_eq!(peak_velocities(&[1.0, -1.0]), (None, None, None));
    }
}
