//! Spectral descriptors from a Welch power spectral density, as the reference of Quijoux et al. 2021 computes it:
//! periodic Hann window of 10 s, 50 % overlap, a straight line removed from each segment, each segment zero-padded
//! to the signal's length (`nfft = N`, so `df = fs/N`), one-sided density scaling, segments averaged. Descriptors
//! use the bins with `0.15 ≤ f ≤ 5 Hz`. "Power" and "energy" are **sums of PSD ordinates** (cm²/Hz summed, not
//! integrated; multiply by `df` for cm²), as in the reference.

/// The lowest and highest frequency used, Hz.
pub const BAND_HZ: (f64, f64) = (0.15, 5.0);

/// A one-sided power spectral density.
#[derive(Clone, Debug, PartialEq)]
pub struct Psd {
    /// Bin frequencies, Hz.
    pub freq_hz: Vec<f64>,
    /// Density per bin, (unit of the signal)²/Hz.
    pub power: Vec<f64>,
}

/// The segment length for `fs`: 10 s.
pub fn segment_len(fs: f64) -> usize {
    (10.0 * fs).round() as usize
}

/// Welch PSD of `u` at `fs` (see the module docs). `u` must hold at least one segment ([`segment_len`]).
pub fn welch(u: &[f64], fs: f64) -> Psd {
    let n = u.len();
    let seg = segment_len(fs);
    let step = seg / 2;
    let nfft = n;
    let window: Vec<f64> =
        (0..seg).map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / seg as f64).cos()).collect();
    let scale = 1.0 / (fs * window.iter().map(|w| w * w).sum::<f64>());
    let bins = nfft / 2 + 1;
    let mut power = vec![0.0; bins];
    let count = if n >= seg { (n - seg) / step + 1 } else { 0 };
    // Twiddles by exact integer phase, so long transforms keep their precision.
    let twiddle: Vec<(f64, f64)> = (0..nfft)
        .map(|k| {
            let a = -2.0 * std::f64::consts::PI * k as f64 / nfft as f64;
            (a.cos(), a.sin())
        })
        .collect();
    for s in 0..count {
        let part = &u[s * step..s * step + seg];
        let d: Vec<f64> = detrend(part).iter().zip(&window).map(|(a, w)| a * w).collect();
        for (k, p) in power.iter_mut().enumerate() {
            let (mut re, mut im) = (0.0, 0.0);
            for (j, v) in d.iter().enumerate() {
                let (c, si) = twiddle[(k * j) % nfft];
                re += v * c;
                im += v * si;
            }
            let mut val = (re * re + im * im) * scale;
            if k != 0 && !(nfft.is_multiple_of(2) && k == nfft / 2) {
                val *= 2.0;
            }
            *p += val;
        }
    }
    for p in power.iter_mut() {
        *p /= count.max(1) as f64;
    }
    let val = 1.0 / (nfft as f64 * (1.0 / fs));
    Psd { freq_hz: (0..bins).map(|k| k as f64 * val).collect(), power }
}

/// `v` minus its least-squares straight line.
fn detrend(v: &[f64]) -> Vec<f64> {
    let n = v.len() as f64;
    let tm = (n - 1.0) / 2.0;
    let vm = v.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, x) in v.iter().enumerate() {
        let dt = i as f64 - tm;
        sxy += dt * (x - vm);
        sxx += dt * dt;
    }
    let slope = sxy / sxx;
    v.iter().enumerate().map(|(i, x)| x - (vm + slope * (i as f64 - tm))).collect()
}

/// The spectral descriptors of one axis.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectralMeasures {
    /// Σ P over the band, cm²/Hz.
    pub total_power: f64,
    /// Lowest band frequency where the running sum reaches 50 % of the total, Hz.
    pub power_frequency_50: f64,
    /// Same for 95 %, Hz.
    pub power_frequency_95: f64,
    /// Band frequency of the largest P, Hz.
    pub frequency_mode: f64,
    /// `√(m2/m0)`, Hz.
    pub centroid_frequency: f64,
    /// `√(1 − m1²/(m0·m2))`.
    pub frequency_dispersion: f64,
    /// Σ P for 0.15 ≤ f ≤ 0.5 Hz.
    pub energy_below_05: f64,
    /// Σ P for 0.5 < f ≤ 2 Hz.
    pub energy_05_2: f64,
    /// Σ P for 2 < f ≤ 5 Hz.
    pub energy_above_2: f64,
    /// Σ P(2 < f ≤ 5) / Σ P(0.15 ≤ f ≤ 2).
    pub frequency_quotient: f64,
}

/// The descriptors of `psd` over [`BAND_HZ`]; `None` if the band holds no bin.
pub fn measures(psd: &Psd) -> Option<SpectralMeasures> {
    let band: Vec<(f64, f64)> = psd
        .freq_hz
        .iter()
        .zip(&psd.power)
        .filter(|(f, _)| **f >= BAND_HZ.0 && **f <= BAND_HZ.1)
        .map(|(f, p)| (*f, *p))
        .collect();
    if band.is_empty() {
        return None;
    }
    let moment = |k: i32| band.iter().map(|(f, p)| f.powi(k) * p).sum::<f64>();
    let (m0, m1, m2) = (moment(0), moment(1), moment(2));
    let reach = |share: f64| {
        let mut acc = 0.0;
        for (f, p) in &band {
            acc += p;
            if acc >= share * m0 {
                return *f;
            }
        }
        band[band.len() - 1].0
    };
    let sum = |lo: f64, lo_incl: bool, hi: f64| {
        band.iter().filter(|(f, _)| (if lo_incl { *f >= lo } else { *f > lo }) && *f <= hi).map(|(_, p)| p).sum::<f64>()
    };
    let mode = band.iter().fold(band[0], |best, &b| if b.1 > best.1 { b } else { best }).0;
    Some(SpectralMeasures {
        total_power: m0,
        power_frequency_50: reach(0.5),
        power_frequency_95: reach(0.95),
        frequency_mode: mode,
        centroid_frequency: (m2 / m0).sqrt(),
        frequency_dispersion: (1.0 - m1 * m1 / (m0 * m2)).sqrt(),
        energy_below_05: sum(0.15, true, 0.5),
        energy_05_2: sum(0.5, false, 2.0),
        energy_above_2: sum(2.0, false, 5.0),
        frequency_quotient: sum(2.0, false, 5.0) / sum(0.15, true, 2.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sine_puts_its_power_at_its_frequency_and_parseval_holds() {
        // 30 s at 25 Hz of A·sin(2π·f·t), f on a bin: the mode is f, and Σ P·df ≈ A²/2 (the Hann window's
        // leakage stays in neighbouring bins).
        let fs = 25.0;
        let n = 750;
        let f = 1.0;
        let u: Vec<f64> = (0..n).map(|i| 2.0 * (2.0 * std::f64::consts::PI * f * i as f64 / fs).sin()).collect();
        let psd = welch(&u, fs);
        let m = measures(&psd).unwrap();
        assert!((m.frequency_mode - f).abs() < 1e-9, "{}", m.frequency_mode);
        let df = fs / n as f64;
        assert!((m.total_power * df - 2.0).abs() < 0.02, "{}", m.total_power * df);
        assert!((m.centroid_frequency - f).abs() < 0.01);
        assert!(m.energy_05_2 > 100.0 * m.energy_below_05);
    }

    #[test]
    fn detrend_removes_a_line() {
        let v: Vec<f64> = (0..50).map(|i| 3.0 - 0.2 * i as f64).collect();
        assert!(detrend(&v).iter().all(|x| x.abs() < 1e-12));
    }
}
