//! Resampling a sway trace to an even rate with SWARII (sliding-window weighted-average interpolation; Audiffren
//! et al. 2016), as the reference pipeline of Quijoux et al. 2021 uses it.
//!
//! 1. [`purge`]: the first and last samples, every sample before 0.1 s, and one- or two-sample artefacts (a jump
//!    of more than 2 cm, L1 over both axes, from the last kept sample that comes back within 0.5 cm) are dropped,
//!    unless dropping them would leave a gap longer than [`MAX_GAP_S`] (two frames of a 5 fps video are 0.4 s of
//!    movement, not a force plate's 20 ms glitch: dropped, they failed the whole trial as a gap).
//! 2. [`swarii`]: the output grid starts at the first kept time and grows by repeatedly adding `1/fs` in double
//!    precision while strictly below the last kept time (so a 100 Hz trace of 0.10–29.98 s gives 748 points at
//!    25 Hz, the last one 29.97999999999954 s). Each output value is the mean of the samples within
//!    `|t − t_grid| < (window − 1e-6)/2` (window 0.08 s), each weighted by its interval between midpoints to its
//!    neighbours, clipped to the window (and to the trace's ends).
//!
//! An **uneven time base** is what SWARII is for: any spacing works as long as every window holds a sample. A grid
//! point whose window is empty is interpolated linearly between its neighbours on the grid; a gap longer than
//! [`MAX_GAP_S`] is refused (the trace should be split there). Grid points after the last filled window (a slow
//! camera's last sample lies more than half a window before the end of the grid) are dropped.

use super::BalanceError;

/// The longest stretch without samples that is bridged by interpolation, s.
pub const MAX_GAP_S: f64 = 0.5;

/// The SWARII window, s.
pub const WINDOW_S: f64 = 0.08;

/// Drops the first and last samples, samples before 0.1 s and short artefacts (see the module docs).
pub fn purge(t: &[f64], ml: &[f64], ap: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = t.len();
    let (mut nt, mut nx, mut ny): (Vec<f64>, Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new(), Vec::new());
    let l1 = |i: usize, x: f64, y: f64| (ml[i] - x).abs() + (ap[i] - y).abs();
    for i in 1..n.saturating_sub(1) {
        if t[i] < 0.1 {
            continue;
        }
        if let (Some(&lx), Some(&ly), Some(&lt)) = (nx.last(), ny.last(), nt.last()) {
            let jump = l1(i, lx, ly) > 2.0;
            // Dropping samples up to (not including) `next` leaves a gap from the last kept one to it.
            let bridged = |next: usize| t[next] - lt <= MAX_GAP_S;
            if jump && l1(i + 1, lx, ly) < 0.5 && bridged(i + 1) {
                continue;
            }
            if jump && i > 1 && i + 2 < n && l1(i + 2, lx, ly) < 0.5 && bridged(i + 2) {
                continue;
            }
        }
        nt.push(t[i]);
        nx.push(ml[i]);
        ny.push(ap[i]);
    }
    (nt, nx, ny)
}

/// An evenly sampled signal: grid times (s) and the two coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Resampled {
    /// Grid times, s.
    pub time_s: Vec<f64>,
    /// ML values on the grid.
    pub ml: Vec<f64>,
    /// AP values on the grid.
    pub ap: Vec<f64>,
}

/// SWARII resampling of (`t`, `ml`, `ap`) to `fs_hz` with a window of `window_s` (see the module docs). `t` must be
/// strictly increasing and hold at least two samples.
pub fn swarii(t: &[f64], ml: &[f64], ap: &[f64], fs_hz: f64, window_s: f64) -> Result<Resampled, BalanceError> {
    let n = t.len();
    if n < 2 {
        return Err(BalanceError::TooShort { what: "the trace to resample".into(), have: n, need: 2 });
    }
    let half = (window_s - 1e-6) * 0.5;
    let step = 1.0 / fs_hz;
    let (first, last) = (t[0], t[n - 1]);
    let mut out = Resampled { time_s: Vec::new(), ml: Vec::new(), ap: Vec::new() };
    let mut missing: Vec<usize> = Vec::new();
    let mut current = first.max(0.0);
    while current < last {
        let lo = t.partition_point(|&x| x <= current - half);
        let hi = t.partition_point(|&x| x < current + half);
        let lo = (lo..hi).find(|&i| (t[i] - current).abs() < half).unwrap_or(hi);
        let hi = (lo..hi).rev().find(|&i| (t[i] - current).abs() < half).map_or(lo, |i| i + 1);
        out.time_s.push(current);
        match hi - lo {
            0 => {
                missing.push(out.ml.len());
                out.ml.push(0.0);
                out.ap.push(0.0);
            }
            1 => {
                out.ml.push(ml[lo]);
                out.ap.push(ap[lo]);
            }
            _ => {
                let (mut vx, mut vy, mut w_sum) = (0.0, 0.0, 0.0);
                for i in lo..hi {
                    let left = if i == lo || i == 0 { first.max(current - half) } else { 0.5 * (t[i] + t[i - 1]) };
                    let right = if i == hi - 1 { last.min(current + half) } else { 0.5 * (t[i + 1] + t[i]) };
                    let w = right - left;
                    vx += ml[i] * w;
                    vy += ap[i] * w;
                    w_sum += w;
                }
                out.ml.push(vx / w_sum);
                out.ap.push(vy / w_sum);
            }
        }
        current += step;
    }
    fill_gaps(&mut out, &missing)?;
    Ok(out)
}

/// Interpolates the grid points with empty windows linearly between their filled neighbours; refuses gaps longer
/// than [`MAX_GAP_S`].
fn fill_gaps(out: &mut Resampled, missing: &[usize]) -> Result<(), BalanceError> {
    let mut k = 0;
    while k < missing.len() {
        let start = missing[k];
        let mut end = start;
        while k + 1 < missing.len() && missing[k + 1] == end + 1 {
            k += 1;
            end += 1;
        }
        k += 1;
        let before = start.checked_sub(1);
        let after = (end + 1 < out.time_s.len()).then_some(end + 1);
        let (Some(b), Some(a)) = (before, after) else {
            // Empty windows at the end (a slow camera's last sample lies before them): the grid stops there.
            out.time_s.truncate(start);
            out.ml.truncate(start);
            out.ap.truncate(start);
            return Ok(());
        };
        let gap = out.time_s[a] - out.time_s[b];
        if gap > MAX_GAP_S {
            return Err(BalanceError::TimeBase(format!(
                "no sample between {:.3} s and {:.3} s ({gap:.3} s; at most {MAX_GAP_S} s is bridged); split the \
                 recording there",
                out.time_s[b], out.time_s[a]
            )));
        }
        for i in start..=end {
            let f = (out.time_s[i] - out.time_s[b]) / gap;
            out.ml[i] = out.ml[b] + f * (out.ml[a] - out.ml[b]);
            out.ap[i] = out.ap[b] + f * (out.ap[a] - out.ap[b]);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_accumulates_like_the_reference() {
        // 100 Hz samples 0.00 … 29.99 s; after purging 0.10 … 29.98 s; 748 grid points, the last 29.97999999999954.
        let t: Vec<f64> = (0..3000).map(|i| i as f64 / 100.0).collect();
        let x: Vec<f64> = t.iter().map(|v| v.sin()).collect();
        let (pt, px, py) = purge(&t, &x, &x);
        assert_eq!(pt.first(), Some(&0.1));
        assert_eq!(pt.last(), Some(&29.98));
        let r = swarii(&pt, &px, &py, 25.0, WINDOW_S).unwrap();
        assert_eq!(r.time_s.len(), 748);
        assert!((r.time_s[747] - 29.98).abs() < 1e-9 && r.time_s[747] < 29.98);
    }

    #[test]
    fn a_linear_signal_is_resampled_exactly_with_the_reference_weights() {
        // Interior windows hold 7 samples weighted 0.015, 0.01 × 5, 0.015: symmetric, so a line stays a line.
        let t: Vec<f64> = (0..200).map(|i| i as f64 / 100.0).collect();
        let x: Vec<f64> = t.iter().map(|v| 3.0 * v - 1.0).collect();
        let r = swarii(&t, &x, &x, 25.0, WINDOW_S).unwrap();
        // (The first and last windows are clipped at the trace's ends, so they lean inwards.)
        let inner = r.time_s.len() - 2;
        for (ti, xi) in r.time_s.iter().zip(&r.ml).skip(1).take(inner) {
            assert!((xi - (3.0 * ti - 1.0)).abs() < 1e-9, "{ti}: {xi}");
        }
        // A single 1 among zeros at 0.48 s: its weight is 0.01 of the 0.08 s window (minus 1e-6).
        let mut y = vec![0.0; 200];
        y[48] = 1.0;
        let r = swarii(&t, &y, &y, 25.0, WINDOW_S).unwrap();
        let at = r.time_s.iter().position(|v| (v - 0.48).abs() < 1e-9).unwrap();
        assert!((r.ml[at] - 0.01 / (0.08 - 1e-6)).abs() < 1e-6, "{}", r.ml[at]);
    }

    #[test]
    fn an_uneven_time_base_is_resampled_and_a_long_gap_refused() {
        // Jittered 60 Hz camera timestamps: every grid point is filled, values follow the line.
        let t: Vec<f64> = (0..300).map(|i| i as f64 / 60.0 + if i % 3 == 0 { 0.004 } else { 0.0 }).collect();
        let x: Vec<f64> = t.iter().map(|v| 2.0 * v).collect();
        let r = swarii(&t, &x, &x, 25.0, WINDOW_S).unwrap();
        let inner = r.time_s.len() - 2;
        for (ti, xi) in r.time_s.iter().zip(&r.ml).skip(1).take(inner) {
            assert!((xi - 2.0 * ti).abs() < 0.02, "{ti}: {xi}");
        }
        // A 0.2 s hole is bridged linearly (the windows at its borders lean away from it by up to half a
        // sample interval); a 1 s hole is refused with its times.
        let hole: Vec<f64> = (0..100).map(|i| i as f64 / 50.0).filter(|v| !(0.9..1.1).contains(v)).collect();
        let r = swarii(&hole, &hole, &hole, 25.0, WINDOW_S).unwrap();
        let inner = r.time_s.len() - 2;
        for (ti, xi) in r.time_s.iter().zip(&r.ml).skip(1).take(inner) {
            assert!((xi - ti).abs() < 0.02, "{ti}: {xi}");
        }
        let hole: Vec<f64> = (0..100).map(|i| i as f64 / 50.0).filter(|v| !(0.5..1.5).contains(v)).collect();
        let err = swarii(&hole, &hole, &hole, 25.0, WINDOW_S).unwrap_err();
        assert!(err.to_string().contains("no sample between"), "{err}");
    }

    /// A 5 fps pose track (quiet standing between squats in the squat clip): two frames 2.5 cm off are 0.4 s of
    /// movement. Dropped as an artefact, they left 0.6 s without a sample, more than is bridged, and the trial's
    /// sway could not be measured at all; now they are kept, and a short artefact at 100 Hz is still dropped.
    #[test]
    fn purging_never_opens_a_gap_longer_than_is_bridged() {
        let t: Vec<f64> = (0..12).map(|i| i as f64 / 5.0).collect();
        let mut x = vec![0.0; 12];
        (x[5], x[6]) = (2.5, 2.5);
        let (pt, px, py) = purge(&t, &x, &x);
        assert_eq!(pt.len(), 12 - 2, "all but the first and the last: {pt:?}");
        assert!(pt.windows(2).all(|w| w[1] - w[0] <= MAX_GAP_S));
        assert!(swarii(&pt, &px, &py, 25.0, WINDOW_S).is_ok());
        let t: Vec<f64> = (0..40).map(|i| i as f64 / 100.0 + 0.05).collect();
        let mut x = vec![0.0; 40];
        (x[20], x[21]) = (2.5, 2.5);
        let (_, px, _) = purge(&t, &x, &x);
        assert!(px.iter().all(|&v| v == 0.0), "a two-sample artefact at 100 Hz is dropped");
    }

    #[test]
    fn a_one_sample_artefact_is_purged() {
        let t: Vec<f64> = (0..20).map(|i| i as f64 / 100.0 + 0.05).collect();
        let mut x = vec![0.0; 20];
        x[10] = 5.0;
        let (pt, px, _) = purge(&t, &x, &x);
        assert!(px.iter().all(|&v| v == 0.0));
        assert_eq!(pt.len(), 20 - 2 - 4 - 1); // first, last, 4 more before 0.1 s, the artefact
    }
}
