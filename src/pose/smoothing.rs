//! Temporal smoothing of keypoints: the One Euro filter, as MediaPipe's LandmarksSmoothingCalculator applies it.
//!
//! Each coordinate is filtered in pixels with a low-pass filter whose cut-off frequency rises with speed: slow
//! movements are steadied, fast ones follow without lag. Speed is measured relative to the body's size (the mean of
//! the width and height of the keypoints' bounding box), so a patient far from the camera is smoothed like one
//! near it. Off for single images.

use super::types::Pose;

/// One Euro filter settings.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OneEuroParams {
    /// Cut-off frequency at rest, Hz. Lower = steadier, more lag when slow.
    pub min_cutoff: f32,
    /// How fast the cut-off rises with speed. Higher = less lag when moving.
    pub beta: f32,
    /// Cut-off frequency of the speed estimate, Hz.
    pub derivative_cutoff: f32,
}

impl Default for OneEuroParams {
    /// mirrorcue's default: min cut-off 0.1, beta 40, derivative cut-off 1.0 (MediaPipe's tuning for its world
    /// landmarks; a little less steady at rest and less quick than [`MEDIAPIPE_LANDMARKS`](Self::MEDIAPIPE_LANDMARKS)).
    fn default() -> Self {
        OneEuroParams { min_cutoff: 0.1, beta: 40.0, derivative_cutoff: 1.0 }
    }
}

impl OneEuroParams {
    /// MediaPipe's tuning for the pose landmarks in the image (its `pose_landmark_filtering` graph): min cut-off
    /// 0.05, beta 80, derivative cut-off 1.0.
    pub const MEDIAPIPE_LANDMARKS: OneEuroParams =
        OneEuroParams { min_cutoff: 0.05, beta: 80.0, derivative_cutoff: 1.0 };

    /// Settings for a smoothing strength in `0..=1` (0 = very light, 1 = very steady), around the default at 0.5.
    pub fn with_strength(strength: f32) -> Self {
        let s = strength.clamp(0.0, 1.0);
        // 0 → min cut-off 1.0 Hz, 0.5 → 0.1 Hz, 1 → 0.01 Hz (log scale).
        let min_cutoff = 10f32.powf(-2.0 * s);
        OneEuroParams { min_cutoff, ..OneEuroParams::default() }
    }
}

#[derive(Clone, Copy, Debug)]
struct LowPass {
    last_raw: f32,
    last: f32,
    initialised: bool,
}

impl LowPass {
    fn new() -> Self {
        LowPass { last_raw: 0.0, last: 0.0, initialised: false }
    }
    fn apply(&mut self, value: f32, alpha: f32) -> f32 {
        let out = if self.initialised { alpha * value + (1.0 - alpha) * self.last } else { value };
        self.last_raw = value;
        self.last = out;
        self.initialised = true;
        out
    }
}

/// One Euro filter for one scalar.
#[derive(Clone, Copy, Debug)]
pub struct OneEuro {
    params: OneEuroParams,
    x: LowPass,
    dx: LowPass,
    last_time: Option<f64>,
}

fn alpha(cutoff: f32, frequency: f32) -> f32 {
    let te = 1.0 / frequency;
    let tau = 1.0 / (2.0 * std::f32::consts::PI * cutoff);
    1.0 / (1.0 + tau / te)
}

impl OneEuro {
    /// A fresh filter.
    pub fn new(params: OneEuroParams) -> Self {
        OneEuro { params, x: LowPass::new(), dx: LowPass::new(), last_time: None }
    }

    /// Filters `value` seen at `time_s`; `value_scale` multiplies the speed (1 / body size in MediaPipe).
    pub fn apply(&mut self, value: f32, value_scale: f32, time_s: f64) -> f32 {
        let Some(last) = self.last_time else {
            self.last_time = Some(time_s);
            self.dx.apply(0.0, 1.0);
            return self.x.apply(value, 1.0);
        };
        let dt = (time_s - last) as f32;
        if dt <= 0.0 {
            // Same or earlier timestamp: nothing to learn about speed.
            return self.x.last;
        }
        self.last_time = Some(time_s);
        let frequency = 1.0 / dt;
        let dvalue = (value - self.x.last_raw) * value_scale * frequency;
        let edvalue = self.dx.apply(dvalue, alpha(self.params.derivative_cutoff, frequency));
        let cutoff = self.params.min_cutoff + self.params.beta * edvalue.abs();
        self.x.apply(value, alpha(cutoff, frequency))
    }
}

/// Smooths whole poses over time.
#[derive(Clone, Debug)]
pub struct PoseSmoother {
    params: OneEuroParams,
    filters: Vec<[OneEuro; 2]>,
    last_time: Option<f64>,
}

impl PoseSmoother {
    /// A smoother with these settings.
    pub fn new(params: OneEuroParams) -> Self {
        PoseSmoother { params, filters: Vec::new(), last_time: None }
    }

    /// The settings.
    pub fn params(&self) -> OneEuroParams {
        self.params
    }

    /// Changes the settings (the filters restart).
    pub fn set_params(&mut self, params: OneEuroParams) {
        self.params = params;
        self.reset();
    }

    /// Forgets the past (after the person was lost, or a jump in time).
    pub fn reset(&mut self) {
        self.filters.clear();
        self.last_time = None;
    }

    /// Smooths `pose` seen at `time_s` in place, speeds measured against the keypoints' bounding box (the mean of its
    /// width and height).
    pub fn apply(&mut self, pose: &mut Pose, time_s: f64) {
        self.apply_with_scale(pose, time_s, None)
    }

    /// Smooths `pose` seen at `time_s` in place, speeds measured against `object_scale` (pixels) when given, else
    /// against the keypoints' bounding box. MediaPipe's pose graph measures them against the square its two
    /// alignment points make (BlazePose's crop gives it: `Roi::object_scale`).
    pub fn apply_with_scale(&mut self, pose: &mut Pose, time_s: f64, object_scale: Option<f32>) {
        // A gap of more than a second, or time going backwards (a rewound recording), starts afresh.
        if let Some(t) = self.last_time
            && (time_s < t || time_s - t > 1.0)
        {
            self.reset();
        }
        if self.filters.len() != pose.keypoints.len() {
            self.filters = vec![[OneEuro::new(self.params); 2]; pose.keypoints.len()];
        }
        self.last_time = Some(time_s);
        let (w, h) = (pose.frame_width as f32, pose.frame_height as f32);
        let scale = match (object_scale, pose.bounding_box(0.0)) {
            (Some(s), _) => s,
            (None, Some((x0, y0, x1, y1))) => ((x1 - x0) * w + (y1 - y0) * h) / 2.0,
            (None, None) => 0.0,
        };
        let value_scale = if scale > 1e-3 { 1.0 / scale } else { 1.0 };
        for (k, f) in pose.keypoints.iter_mut().zip(self.filters.iter_mut()) {
            k.x = f[0].apply(k.x * w, value_scale, time_s) / w;
            k.y = f[1].apply(k.y * h, value_scale, time_s) / h;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steadies_noise_at_rest_and_follows_motion() {
        let mut f = OneEuro::new(OneEuroParams::default());
        let scale = 1.0 / 200.0; // a body 200 px tall
        // Still, with ±3 px jitter: the output moves much less than the input.
        let mut out = Vec::new();
        for i in 0..60 {
            let noise = if i % 2 == 0 { 3.0 } else { -3.0 };
            out.push(f.apply(100.0 + noise, scale, i as f64 / 30.0));
        }
        let spread = out[30..].iter().fold(0f32, |m, v| m.max((v - 100.0).abs()));
        assert!(spread < 1.5, "jitter after smoothing {spread}");
        // A fast move of 200 px in a third of a second: the output gets most of the way within 0.1 s after.
        let mut f = OneEuro::new(OneEuroParams::default());
        let mut last = 0.0;
        for i in 0..=13 {
            let t = i as f64 / 30.0;
            let x = if i <= 10 { 20.0 * i as f32 } else { 200.0 };
            last = f.apply(x, scale, t);
        }
        assert!(last > 170.0, "lags too much: {last}");
    }

    #[test]
    fn first_value_passes_through_and_bad_time_is_safe() {
        let mut f = OneEuro::new(OneEuroParams::default());
        assert_eq!(f.apply(42.0, 1.0, 1.0), 42.0);
        assert_eq!(f.apply(50.0, 1.0, 1.0), 42.0);
        assert!(f.apply(50.0, 1.0, 0.5).is_finite());
    }

    #[test]
    fn strength_maps_monotonically() {
        let a = OneEuroParams::with_strength(0.0).min_cutoff;
        let b = OneEuroParams::with_strength(0.5).min_cutoff;
        let c = OneEuroParams::with_strength(1.0).min_cutoff;
        assert!(a > b && b > c);
        assert!((b - 0.1).abs() < 1e-6);
    }
}
