//! Temporal smoothing of one tracked hand's landmarks with the One Euro filter of [`crate::pose::smoothing`].
//!
//! As MediaPipe's LandmarksSmoothingCalculator: x, y and z are filtered in pixels, the speed scaled by the hand's
//! size (the mean of the width and height of the landmarks' bounding box), so a hand far from the camera is
//! steadied like one near it. The hand tuning is MediaPipe's HandLandmarker's (min cut-off 0.05 Hz, beta 80,
//! derivative cut-off 1 Hz; read from MediaPipe's source, not from the package's graphs). World landmarks are not
//! smoothed.

use super::types::NUM_LANDMARKS;
use crate::pose::OneEuroParams;
use crate::pose::smoothing::OneEuro;

/// MediaPipe's One Euro settings for hand landmarks.
pub fn hand_one_euro() -> OneEuroParams {
    OneEuroParams { min_cutoff: 0.05, beta: 80.0, derivative_cutoff: 1.0 }
}

/// Smooths one hand's landmarks over time.
#[derive(Clone, Debug)]
pub struct HandSmoother {
    params: OneEuroParams,
    filters: Vec<[OneEuro; 3]>,
    last_time: Option<f64>,
}

impl HandSmoother {
    /// A smoother with these settings.
    pub fn new(params: OneEuroParams) -> Self {
        HandSmoother { params, filters: Vec::new(), last_time: None }
    }

    /// Smooths landmarks (frame pixels: x, y, depth) seen at `time_s`, in place. A gap of more than a second or
    /// time going backwards starts afresh.
    pub fn apply(&mut self, px: &mut [[f32; 3]; NUM_LANDMARKS], time_s: f64) {
        if let Some(t) = self.last_time
            && (time_s < t || time_s - t > 1.0)
        {
            self.filters.clear();
        }
        if self.filters.is_empty() {
            self.filters = vec![[OneEuro::new(self.params); 3]; NUM_LANDMARKS];
        }
        self.last_time = Some(time_s);
        let (mut x0, mut y0, mut x1, mut y1) = (f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY);
        for p in px.iter() {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
        let size = ((x1 - x0) + (y1 - y0)) / 2.0;
        let scale = if size.is_finite() && size > 1e-3 { 1.0 / size } else { 1.0 };
        for (p, f) in px.iter_mut().zip(self.filters.iter_mut()) {
            for (v, f) in p.iter_mut().zip(f.iter_mut()) {
                *v = f.apply(*v, scale, time_s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand_at(x: f32) -> [[f32; 3]; NUM_LANDMARKS] {
        let mut px = [[0.0f32; 3]; NUM_LANDMARKS];
        for (i, p) in px.iter_mut().enumerate() {
            *p = [x + (i % 5) as f32 * 20.0, 100.0 + (i / 5) as f32 * 20.0, 0.0];
        }
        px
    }

    #[test]
    fn steadies_jitter_and_follows_a_move() {
        let mut s = HandSmoother::new(hand_one_euro());
        let mut last = hand_at(0.0);
        for i in 0..60 {
            let mut px = hand_at(if i % 2 == 0 { 2.0 } else { -2.0 });
            s.apply(&mut px, i as f64 / 30.0);
            last = px;
        }
        // ±2 px of jitter comes out smaller (this tuning favours following fast fingers over steadiness).
        assert!(last[0][0].abs() < 1.5, "jitter after smoothing {}", last[0][0]);
        // A 150 px move over 10 frames, then still: most of the way there 3 frames later.
        for i in 0..=13 {
            let mut px = hand_at(15.0 * (i.min(10)) as f32);
            s.apply(&mut px, 2.0 + i as f64 / 30.0);
            last = px;
        }
        assert!(last[0][0] > 130.0, "lags: {}", last[0][0]);
    }

    #[test]
    fn a_gap_restarts() {
        let mut s = HandSmoother::new(hand_one_euro());
        let mut px = hand_at(0.0);
        s.apply(&mut px, 0.0);
        let mut px = hand_at(300.0);
        s.apply(&mut px, 5.0);
        assert_eq!(px[0][0], 300.0);
    }
}
