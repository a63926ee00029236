//! Butterworth low-pass design and zero-phase filtering (`filtfilt`), written to give the same numbers as SciPy's
//! `butter(order, wn)` and `filtfilt(b, a, x)` with their defaults.
//!
//! - **Design** ([`butter_lowpass`]): the analog Butterworth prototype (poles on the unit circle), scaled to the
//!   pre-warped cutoff `4·tan(π·Wn/2)` and mapped to the z-plane by the bilinear transform (sampling rate 2, as
//!   SciPy normalises it), then expanded into polynomials `b` and `a` (`a[0] = 1`).
//! - **Zero-phase filtering** ([`filtfilt`]): the signal is extended at both ends by `3·max(len(a), len(b))`
//!   samples reflected about the end value ("odd" extension), filtered forwards and then backwards with a
//!   direct-form-II-transposed IIR filter, each pass starting from the filter's steady state for a step of the
//!   pass's first value (SciPy's `lfilter_zi`), and the extension is cut off again.

use super::BalanceError;

/// The coefficients of a digital IIR filter, `a[0] = 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct Iir {
    /// Numerator (feed-forward) coefficients.
    pub b: Vec<f64>,
    /// Denominator (feedback) coefficients, `a[0] = 1`.
    pub a: Vec<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct C {
    re: f64,
    im: f64,
}

impl C {
    fn new(re: f64, im: f64) -> C {
        C { re, im }
    }
    fn add(self, o: C) -> C {
        C::new(self.re + o.re, self.im + o.im)
    }
    fn sub(self, o: C) -> C {
        C::new(self.re - o.re, self.im - o.im)
    }
    fn mul(self, o: C) -> C {
        C::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
    }
    fn div(self, o: C) -> C {
        let d = o.re * o.re + o.im * o.im;
        C::new((self.re * o.re + self.im * o.im) / d, (self.im * o.re - self.re * o.im) / d)
    }
    fn scale(self, k: f64) -> C {
        C::new(self.re * k, self.im * k)
    }
}

/// Expands `prod (z - r_i)` into polynomial coefficients, highest power first (like `numpy.poly`).
fn poly(roots: &[C]) -> Vec<C> {
    let mut c = vec![C::new(1.0, 0.0)];
    for &r in roots {
        let mut next = vec![C::new(0.0, 0.0); c.len() + 1];
        for (i, &ci) in c.iter().enumerate() {
            next[i] = next[i].add(ci);
            next[i + 1] = next[i + 1].sub(ci.mul(r));
        }
        c = next;
    }
    c
}

/// A Butterworth low-pass of `order` with cutoff `cutoff_hz` at sampling rate `fs_hz` (`Wn = cutoff / (fs/2)`).
///
/// Fails if the cutoff is not strictly between 0 and the Nyquist frequency or the order is 0.
pub fn butter_lowpass(order: usize, cutoff_hz: f64, fs_hz: f64) -> Result<Iir, BalanceError> {
    let wn = cutoff_hz / (0.5 * fs_hz);
    if order == 0 || !(wn > 0.0 && wn < 1.0) {
        return Err(BalanceError::Parameter(format!(
            "a {order}th-order low-pass at {cutoff_hz} Hz cannot be made at a sampling rate of {fs_hz} Hz (the \
             cutoff must lie between 0 and half the sampling rate)"
        )));
    }
    let n = order as f64;
    // Analog prototype poles: -exp(iπm/(2N)), m = -N+1, -N+3, …, N-1.
    let proto: Vec<C> = (0..order)
        .map(|k| {
            let m = -(n - 1.0) + 2.0 * k as f64;
            let theta = std::f64::consts::PI * m / (2.0 * n);
            C::new(-theta.cos(), -theta.sin())
        })
        .collect();
    let fs = 2.0;
    let warped = 2.0 * fs * (std::f64::consts::PI * wn / fs).tan();
    let poles: Vec<C> = proto.iter().map(|p| p.scale(warped)).collect();
    let gain = warped.powi(order as i32);
    let fs2 = C::new(2.0 * fs, 0.0);
    let zpoles: Vec<C> = poles.iter().map(|&p| fs2.add(p).div(fs2.sub(p))).collect();
    let denom = poles.iter().fold(C::new(1.0, 0.0), |acc, &p| acc.mul(fs2.sub(p)));
    let kz = gain / denom.re;
    let zeros = vec![C::new(-1.0, 0.0); order];
    let b: Vec<f64> = poly(&zeros).iter().map(|c| c.re * kz).collect();
    let a: Vec<f64> = poly(&zpoles).iter().map(|c| c.re).collect();
    Ok(Iir { b, a })
}

impl Iir {
    /// The number of samples [`filtfilt`] adds at each end: `3·max(len(a), len(b))`.
    pub fn pad_len(&self) -> usize {
        3 * self.a.len().max(self.b.len())
    }

    /// The steady-state internal state for a unit step input (SciPy's `lfilter_zi`).
    fn steady_state(&self) -> Vec<f64> {
        let n = self.a.len().max(self.b.len());
        let mut a = self.a.clone();
        a.resize(n, 0.0);
        let mut b = self.b.clone();
        b.resize(n, 0.0);
        let m = n - 1;
        if m == 0 {
            return Vec::new();
        }
        // (I - companion(a)ᵀ) zi = b[1:] - a[1:]·b[0]; companion(a)ᵀ has -a[1:] in its first column and ones
        // on the superdiagonal.
        let mut mat = vec![vec![0.0; m]; m];
        for (i, row) in mat.iter_mut().enumerate() {
            row[i] = 1.0;
            row[0] += a[i + 1];
            if i + 1 < m {
                row[i + 1] -= 1.0;
            }
        }
        let mut rhs: Vec<f64> = (0..m).map(|i| b[i + 1] - a[i + 1] * b[0]).collect();
        solve(&mut mat, &mut rhs);
        rhs
    }

    /// Filters `x` once, forwards, from internal state `zi` (direct form II transposed).
    fn lfilter(&self, x: &[f64], zi: &[f64]) -> Vec<f64> {
        let n = self.a.len().max(self.b.len());
        let coef = |v: &Vec<f64>, i: usize| v.get(i).copied().unwrap_or(0.0);
        let mut z = zi.to_vec();
        let mut y = Vec::with_capacity(x.len());
        for &xi in x {
            let yi = coef(&self.b, 0) * xi + z.first().copied().unwrap_or(0.0);
            for k in 1..n {
                let next = if k < n - 1 { z[k] } else { 0.0 };
                z[k - 1] = coef(&self.b, k) * xi + next - coef(&self.a, k) * yi;
            }
            y.push(yi);
        }
        y
    }
}

/// Gaussian elimination with partial pivoting; the solution replaces `rhs`.
fn solve(mat: &mut [Vec<f64>], rhs: &mut [f64]) {
    let m = rhs.len();
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| mat[i][col].abs().total_cmp(&mat[j][col].abs())).unwrap_or(col);
        mat.swap(col, pivot);
        rhs.swap(col, pivot);
        for row in col + 1..m {
            let f = mat[row][col] / mat[col][col];
            let pivot_row = mat[col].clone();
            for (x, p) in mat[row].iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
            rhs[row] -= f * rhs[col];
        }
    }
    for col in (0..m).rev() {
        let mut s = rhs[col];
        for k in col + 1..m {
            s -= mat[col][k] * rhs[k];
        }
        rhs[col] = s / mat[col][col];
    }
}

/// Zero-phase filtering of `x` by `filter`, with SciPy's `filtfilt` defaults (odd extension of
/// [`Iir::pad_len`] samples, steady-state initial conditions).
///
/// Fails with [`BalanceError::TooShort`] if `x` has no more samples than the extension (`what` names the signal).
pub fn filtfilt(filter: &Iir, x: &[f64], what: &str) -> Result<Vec<f64>, BalanceError> {
    let pad = filter.pad_len();
    if x.len() <= pad {
        return Err(BalanceError::TooShort { what: what.to_string(), have: x.len(), need: pad + 1 });
    }
    let n = x.len();
    let mut ext = Vec::with_capacity(n + 2 * pad);
    for i in (1..=pad).rev() {
        ext.push(2.0 * x[0] - x[i]);
    }
    ext.extend_from_slice(x);
    for i in 0..pad {
        ext.push(2.0 * x[n - 1] - x[n - 2 - i]);
    }
    let zi = filter.steady_state();
    let z0: Vec<f64> = zi.iter().map(|z| z * ext[0]).collect();
    let mut y = filter.lfilter(&ext, &z0);
    y.reverse();
    let z1: Vec<f64> = zi.iter().map(|z| z * y[0]).collect();
    let mut y = filter.lfilter(&y, &z1);
    y.reverse();
    Ok(y[pad..pad + n].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_matches_scipy_coefficients() {
        // scipy.signal.butter(4, 10/12.5) and butter(4, 2.5/12.5), as in the fixture's JSON.
        let lp10 = butter_lowpass(4, 10.0, 25.0).unwrap();
        let b = [0.43284664499029185, 1.7313865799611674, 2.597079869941751, 1.7313865799611674, 0.43284664499029185];
        let a = [1.0, 2.369513007182037, 2.313988414415879, 1.0546654058785672, 0.18737949236818482];
        for (x, y) in lp10.b.iter().zip(b).chain(lp10.a.iter().zip(a)) {
            assert!((x - y).abs() <= 1e-13 * y.abs().max(1.0), "{x} vs {y}");
        }
        let lp25 = butter_lowpass(4, 2.5, 25.0).unwrap();
        let b = [
            0.004824343357716228,
            0.019297373430864913,
            0.02894606014629737,
            0.019297373430864913,
            0.004824343357716228,
        ];
        let a = [1.0, -2.369513007182038, 2.313988414415881, -1.054665405878568, 0.18737949236818502];
        for (x, y) in lp25.b.iter().zip(b).chain(lp25.a.iter().zip(a)) {
            assert!((x - y).abs() <= 1e-13 * y.abs().max(1.0), "{x} vs {y}");
        }
    }

    #[test]
    fn a_constant_passes_unchanged_and_a_step_has_no_start_transient() {
        let f = butter_lowpass(4, 10.0, 25.0).unwrap();
        let y = filtfilt(&f, &[3.5; 40], "x").unwrap();
        for v in y {
            assert!((v - 3.5).abs() < 1e-12, "{v}");
        }
    }

    #[test]
    fn a_high_frequency_is_removed_and_a_low_one_kept() {
        let f = butter_lowpass(4, 2.0, 100.0).unwrap();
        let x: Vec<f64> = (0..1000)
            .map(|i| {
                let t = i as f64 / 100.0;
                (2.0 * std::f64::consts::PI * 0.5 * t).sin() + 0.5 * (2.0 * std::f64::consts::PI * 30.0 * t).sin()
            })
            .collect();
        let y = filtfilt(&f, &x, "x").unwrap();
        for (i, v) in y.iter().enumerate().skip(100).take(800) {
            let t = i as f64 / 100.0;
            let slow = (2.0 * std::f64::consts::PI * 0.5 * t).sin();
            assert!((v - slow).abs() < 0.01, "t={t}: {v} vs {slow}");
        }
    }

    #[test]
    fn too_short_a_signal_is_refused_by_name() {
        let f = butter_lowpass(4, 10.0, 25.0).unwrap();
        let err = filtfilt(&f, &[0.0; 15], "the ML trace").unwrap_err();
        assert!(err.to_string().contains("the ML trace"), "{err}");
        assert!(filtfilt(&f, &[0.0; 16], "x").is_ok());
        assert!(butter_lowpass(4, 13.0, 25.0).is_err());
    }
}
