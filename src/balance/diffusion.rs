//! Stabilogram diffusion analysis (Collins & De Luca 1993, as the reference of Quijoux et al. 2021 computes it):
//! the mean squared displacement against the time lag on log–log axes, fitted by a short-term and a long-term
//! straight line.
//!
//! `MSD(k) = mean_i (u_{i+k} − u_i)²` for lags `k = 1..K`, `K = ⌊N/3⌋`; `a_k = ln(k/fs)`, `b_k = ln MSD(k)`. The
//! short-term line is the least-squares fit over `k = 1..m`, the long-term line over `k = m'..K`, each with `m`
//! (`m'`) chosen in `8..=62` for the smallest RMS residual (the larger on a tie). The lines cross at `a_c` (capped
//! at `ln(K/fs)`). Diffusion coefficients are `exp(intercept)` (cm²), scaling exponents half the slopes, the
//! critical time `exp(a_c)` (s) and the critical displacement the short line's MSD there (cm²).

/// The fewest samples the analysis needs: `K = ⌊N/3⌋` must reach 63 lags.
pub const MIN_SAMPLES: usize = 189;

/// The diffusion descriptors of one axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Diffusion {
    /// `exp(A_s)`, cm².
    pub short_time_diffusion: f64,
    /// `exp(A_l)`, cm².
    pub long_time_diffusion: f64,
    /// `exp(a_c)`, s.
    pub critical_time: f64,
    /// `exp(A_s + B_s·a_c)`, cm².
    pub critical_displacement: f64,
    /// `B_s / 2`.
    pub short_time_scaling: f64,
    /// `B_l / 2`.
    pub long_time_scaling: f64,
}

/// Least-squares line `b = A + B·a`: (A, B, RMS residual).
fn fit(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let n = a.len() as f64;
    let am = a.iter().sum::<f64>() / n;
    let bm = b.iter().sum::<f64>() / n;
    let (mut sab, mut saa) = (0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - am) * (y - bm);
        saa += (x - am) * (x - am);
    }
    let slope = sab / saa;
    let intercept = bm - slope * am;
    let rss: f64 = a.iter().zip(b).map(|(x, y)| (y - intercept - slope * x).powi(2)).sum();
    (intercept, slope, (rss / n).sqrt())
}

/// The analysis of `u` sampled at `fs`; `None` below [`MIN_SAMPLES`] or when a displacement is zero.
pub fn diffusion(u: &[f64], fs: f64) -> Option<Diffusion> {
    let n = u.len();
    if n < MIN_SAMPLES {
        return None;
    }
    let k_max = n / 3;
    let mut a = Vec::with_capacity(k_max);
    let mut b = Vec::with_capacity(k_max);
    for k in 1..=k_max {
        let msd = (0..n - k).map(|i| (u[i + k] - u[i]).powi(2)).sum::<f64>() / (n - k) as f64;
        if msd <= 0.0 {
            return None;
        }
        a.push((k as f64 / fs).ln());
        b.push(msd.ln());
    }
    let best = |range: &dyn Fn(usize) -> std::ops::Range<usize>| {
        let mut chosen = (f64::INFINITY, 8);
        for m in 8..=62 {
            let r = range(m);
            let (_, _, rmse) = fit(&a[r.clone()], &b[r]);
            if rmse <= chosen.0 {
                chosen = (rmse, m);
            }
        }
        let r = range(chosen.1);
        fit(&a[r.clone()], &b[r])
    };
    let (a_s, b_s, _) = best(&|m| 0..m);
    let (a_l, b_l, _) = best(&|m| m - 1..k_max);
    let a_c = ((a_l - a_s) / (b_s - b_l)).min(a[k_max - 1]);
    Some(Diffusion {
        short_time_diffusion: a_s.exp(),
        long_time_diffusion: a_l.exp(),
        critical_time: a_c.exp(),
        critical_displacement: (a_s + b_s * a_c).exp(),
        short_time_scaling: b_s / 2.0,
        long_time_scaling: b_l / 2.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ramp_diffuses_ballistically() {
        // u = c·t: MSD = c²·τ², so both lines have slope 2 (scaling 1) and exp(intercept) = c².
        let u: Vec<f64> = (0..300).map(|i| 0.5 * i as f64 / 25.0).collect();
        let d = diffusion(&u, 25.0).unwrap();
        assert!((d.short_time_scaling - 1.0).abs() < 1e-9);
        assert!((d.long_time_scaling - 1.0).abs() < 1e-9);
        assert!((d.short_time_diffusion - 0.25).abs() < 1e-9);
        assert!(diffusion(&u[..188], 25.0).is_none());
    }
}
