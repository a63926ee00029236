//! The stabilogram: a sway trace made ready for the descriptors exactly as the reference pipeline of Quijoux et
//! al. 2021 does it: times from 0, centred on its mean, resampled to 25 Hz by SWARII ([`super::resample`]), then a
//! 4th-order Butterworth low-pass at 10 Hz run forwards and backwards ([`super::filter`]).

use super::filter::{butter_lowpass, filtfilt};
use super::resample::{WINDOW_S, purge, swarii};
use super::{BalanceError, Trace};

/// The rate the descriptors are defined at, Hz.
pub const FS_HZ: f64 = 25.0;
/// The low-pass cutoff, Hz.
pub const CUTOFF_HZ: f64 = 10.0;
/// The low-pass order.
pub const ORDER: usize = 4;

/// An evenly sampled, centred and filtered sway signal (cm), ready for the descriptors (`balance::descriptors`).
#[derive(Clone, Debug, PartialEq)]
pub struct Stabilogram {
    /// Sampling rate, Hz.
    pub fs_hz: f64,
    /// Sample times, s, counted from the trace's first sample.
    pub time_s: Vec<f64>,
    /// Medio-lateral coordinate, cm.
    pub ml_cm: Vec<f64>,
    /// Antero-posterior coordinate, cm.
    pub ap_cm: Vec<f64>,
    /// The trace's mean (ML, AP) in cm before centring, in the trace's own frame (the reference's `mean_value_*`);
    /// `None` for a signal that came already processed.
    pub mean_cm: Option<(f64, f64)>,
}

impl Stabilogram {
    /// Processes a raw trace: times from 0, centred, SWARII to 25 Hz, 10 Hz zero-phase low-pass.
    pub fn from_trace(trace: &Trace) -> Result<Stabilogram, BalanceError> {
        let n = trace.len();
        if n < 2 {
            return Err(BalanceError::TooShort { what: "the trace".into(), have: n, need: 2 });
        }
        let t0 = trace.time_s[0];
        let t: Vec<f64> = trace.time_s.iter().map(|v| v - t0).collect();
        let mx = mean(&trace.ml_cm);
        let my = mean(&trace.ap_cm);
        let x: Vec<f64> = trace.ml_cm.iter().map(|v| v - mx).collect();
        let y: Vec<f64> = trace.ap_cm.iter().map(|v| v - my).collect();
        let (pt, px, py) = purge(&t, &x, &y);
        let r = swarii(&pt, &px, &py, FS_HZ, WINDOW_S)?;
        let filter = butter_lowpass(ORDER, CUTOFF_HZ, FS_HZ)?;
        let what = |axis: &str| {
            format!(
                "the {axis} trace for the {CUTOFF_HZ} Hz low-pass ({:.2} s at {FS_HZ} Hz)",
                r.time_s.len() as f64 / FS_HZ
            )
        };
        let ml_cm = filtfilt(&filter, &r.ml, &what("ML"))?;
        let ap_cm = filtfilt(&filter, &r.ap, &what("AP"))?;
        Ok(Stabilogram { fs_hz: FS_HZ, time_s: r.time_s, ml_cm, ap_cm, mean_cm: Some((mx, my)) })
    }

    /// A signal that is already resampled to `fs_hz` and filtered (e.g. the reference stabilogram), used as it is.
    pub fn processed(trace: &Trace, fs_hz: f64) -> Result<Stabilogram, BalanceError> {
        if let Some(i) = trace.time_s.windows(2).position(|w| ((w[1] - w[0]) * fs_hz - 1.0).abs() > 1e-3) {
            return Err(BalanceError::TimeBase(format!(
                "a processed stabilogram must be sampled evenly at {fs_hz} Hz, but samples {i} and {} are {} s apart",
                i + 1,
                trace.time_s[i + 1] - trace.time_s[i]
            )));
        }
        Ok(Stabilogram {
            fs_hz,
            time_s: trace.time_s.clone(),
            ml_cm: trace.ml_cm.clone(),
            ap_cm: trace.ap_cm.clone(),
            mean_cm: None,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.ml_cm.len()
    }

    /// True when there is no sample.
    pub fn is_empty(&self) -> bool {
        self.ml_cm.is_empty()
    }

    /// Duration covered, s (`N / fs`, as the reference counts it).
    pub fn duration_s(&self) -> f64 {
        self.len() as f64 / self.fs_hz
    }
}

/// Mean with pairwise summation (as NumPy sums), so centring matches the reference to the last bits.
pub(crate) fn mean(v: &[f64]) -> f64 {
    pairwise_sum(v) / v.len().max(1) as f64
}

fn pairwise_sum(v: &[f64]) -> f64 {
    if v.len() <= 8 {
        return v.iter().sum();
    }
    if v.len() <= 128 {
        // NumPy unrolls by 8 with eight partial sums.
        let mut r = [0.0; 8];
        let chunks = v.len() / 8 * 8;
        for i in (0..chunks).step_by(8) {
            for k in 0..8 {
                r[k] += v[i + k];
            }
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for x in &v[chunks..] {
            s += x;
        }
        return s;
    }
    let half = v.len() / 2 / 8 * 8;
    pairwise_sum(&v[..half]) + pairwise_sum(&v[half..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_is_a_sum() {
        let v: Vec<f64> = (0..1001).map(|i| i as f64).collect();
        assert_eq!(pairwise_sum(&v), 500500.0);
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
    }

    #[test]
    fn too_short_a_trace_is_refused_with_the_reason() {
        let t = Trace::uniform(100.0, vec![0.0; 50], vec![0.0; 50]).unwrap();
        let err = Stabilogram::from_trace(&t).unwrap_err();
        assert!(err.to_string().contains("low-pass") && err.to_string().contains("too short"), "{err}");
    }
}
