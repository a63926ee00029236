//! Sway density (Baratto et al. 2002, as the reference of Quijoux et al. 2021 computes it): for each sample, how
//! long the trace stays within 0.3 cm of it, low-passed at 2.5 Hz; the mean of its peaks and the mean distance
//! between the positions of consecutive peaks.

use super::BalanceError;
use super::filter::{butter_lowpass, filtfilt};

/// The sway-density radius, cm.
pub const RADIUS_CM: f64 = 0.3;

/// Sway density for samples `0..N−1` (the last sample has none), s: the length of the contiguous stretch around
/// each sample whose points stay within [`RADIUS_CM`] of it (inclusive), over `fs`.
pub fn sway_density(x: &[f64], y: &[f64], fs: f64) -> Vec<f64> {
    let n = x.len();
    let near = |i: usize, t: usize| (x[i] - x[t]).hypot(y[i] - y[t]) <= RADIUS_CM;
    (0..n.saturating_sub(1))
        .map(|t| {
            let mut first = t;
            while first > 0 && near(first - 1, t) {
                first -= 1;
            }
            let mut last = t;
            while last + 1 < n && near(last + 1, t) {
                last += 1;
            }
            (last - first) as f64 / fs
        })
        .collect()
}

/// (mean sway density at its peaks in s, mean distance between consecutive peak positions in cm). The density is
/// low-passed by a zero-phase 4th-order Butterworth at 2.5 Hz first; peaks are strict local maxima.
pub fn peaks(x: &[f64], y: &[f64], fs: f64) -> Result<(Option<f64>, Option<f64>), BalanceError> {
    let sd = sway_density(x, y, fs);
    let filter = butter_lowpass(4, 2.5, fs)?;
    let sd = filtfilt(&filter, &sd, "the sway density for its 2.5 Hz low-pass")?;
    let idx: Vec<usize> = (1..sd.len().saturating_sub(1)).filter(|&t| sd[t - 1] < sd[t] && sd[t] > sd[t + 1]).collect();
    let mean_peak = (!idx.is_empty()).then(|| idx.iter().map(|&t| sd[t]).sum::<f64>() / idx.len() as f64);
    let d: Vec<f64> = idx.windows(2).map(|w| (x[w[1]] - x[w[0]]).hypot(y[w[1]] - y[w[0]])).collect();
    let mean_distance = (!d.is_empty()).then(|| d.iter().sum::<f64>() / d.len() as f64);
    Ok((mean_peak, mean_distance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_still_point_stays_for_the_whole_trace_and_a_fast_line_for_no_time() {
        let x = vec![1.0; 10];
        assert_eq!(sway_density(&x, &x, 10.0), vec![0.9; 9]);
        let x: Vec<f64> = (0..10).map(|i| i as f64).collect();
        assert_eq!(sway_density(&x, &x, 10.0), vec![0.0; 9]);
        // Steps of 0.125 cm: 2 neighbours on each side are within 0.3 cm.
        let x: Vec<f64> = (0..20).map(|i| i as f64 * 0.125).collect();
        let y = vec![0.0; 20];
        let sd = sway_density(&x, &y, 1.0);
        assert_eq!(sd[10], 4.0);
        assert_eq!(sd[0], 2.0);
    }
}
