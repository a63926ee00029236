//! The hand landmark model: a rotated 224 × 224 crop in, 21 landmarks, world landmarks, presence and handedness out,
//! projected back to the frame as MediaPipe does (TensorsToLandmarks, LandmarkProjection, WorldLandmarkProjection).

use std::time::Instant;

use image::RgbImage;

use super::roi::HandRoi;
use super::types::NUM_LANDMARKS;
use crate::pose::engine::{Engine, InferenceSession, InputData};
use crate::pose::imgproc::{Border, Grid, sample_rgb};
use crate::pose::models::{ModelFile, ModelStore};
use crate::pose::{PoseError, StageTimes, WorldPoint};

/// Side of the landmark model's square input, pixels.
pub const LANDMARK_INPUT: usize = 224;
/// MediaPipe divides the model's depth by this on top of the input size (`normalize_z`).
const NORMALIZE_Z: f32 = 0.4;

/// What the landmark model says about one crop, before smoothing and before the side is decided.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CropResult {
    /// The 21 landmarks in frame pixels: x, y, and MediaPipe's depth in pixels of the frame (multiply by
    /// 1 / frame width for MediaPipe's normalised z).
    pub landmarks_px: [[f32; 3]; NUM_LANDMARKS],
    /// World landmarks in metres, rotated into the frame's axes.
    pub world: [WorldPoint; NUM_LANDMARKS],
    /// Probability that a hand is in the crop.
    pub presence: f32,
    /// Probability of MediaPipe's label "Left" (which assumes a mirrored image).
    pub handedness: f32,
    /// The crop read.
    pub roi: HandRoi,
}

/// The hand landmark model and its input buffer.
pub struct HandLandmarker {
    session: Box<dyn InferenceSession>,
    input: Vec<f32>,
}

impl HandLandmarker {
    /// Loads the shipped landmark model (full).
    pub fn new(store: &ModelStore, engine: &Engine) -> Result<Self, PoseError> {
        let session = store.load(ModelFile::HandLandmarkFull, engine, &[])?;
        Ok(HandLandmarker { session, input: vec![0.0; LANDMARK_INPUT * LANDMARK_INPUT * 3] })
    }

    /// Runs the model on the crop `roi` of `image` (edge pixels repeat beyond the frame, as in MediaPipe).
    pub fn run(&mut self, image: &RgbImage, roi: HandRoi, times: &mut StageTimes) -> Result<CropResult, PoseError> {
        let n = LANDMARK_INPUT;
        let t0 = Instant::now();
        let map = roi.sampling_map(n);
        sample_rgb(image, &map, Grid::Centres, Border::Replicate, n, n, &mut self.input, |v| v * (1.0 / 255.0));
        let t1 = Instant::now();
        let out = self.session.run(&[1, n, n, 3], InputData::F32(&self.input))?;
        let t2 = Instant::now();
        let [lm, presence, handedness, world, ..] = out else {
            return Err(PoseError::BadOutput("hand landmark model returned too few outputs".into()));
        };
        if lm.len() < NUM_LANDMARKS * 3
            || presence.is_empty()
            || handedness.is_empty()
            || world.len() < NUM_LANDMARKS * 3
        {
            return Err(PoseError::BadOutput("hand landmark model returned unexpected output sizes".into()));
        }
        let z_scale = roi.side / n as f32 / NORMALIZE_Z;
        let mut landmarks_px = [[0.0f32; 3]; NUM_LANDMARKS];
        for (p, c) in landmarks_px.iter_mut().zip(lm.chunks_exact(3)) {
            let [x, y] = roi.project(c[0], c[1], n);
            *p = [x, y, c[2] * z_scale];
        }
        let (sin, cos) = roi.rotation.sin_cos();
        let mut world_pts = [WorldPoint { x: 0.0, y: 0.0, z: 0.0 }; NUM_LANDMARKS];
        for (p, c) in world_pts.iter_mut().zip(world.chunks_exact(3)) {
            *p = WorldPoint { x: cos * c[0] - sin * c[1], y: sin * c[0] + cos * c[1], z: c[2] };
        }
        let result =
            CropResult { landmarks_px, world: world_pts, presence: presence[0], handedness: handedness[0], roi };
        times.preprocess += t1 - t0;
        times.inference += t2 - t1;
        times.postprocess += t2.elapsed();
        Ok(result)
    }
}
