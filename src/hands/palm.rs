//! The palm detector, as MediaPipe runs it: the whole frame letterboxed into 192 × 192, 2016 SSD anchors decoded
//! into boxes and 7 keypoints, weighted non-maximum suppression, letterbox removal.
//!
//! Constants from the graphs of `@mediapipe/hands` 0.4.1675469240 (see `models/README.md`): anchors with 4 layers,
//! strides 8, 16, 16, 16, offset 0.5, fixed size; min score 0.5 after a sigmoid of the logit clipped to ±100;
//! weighted NMS with IoU above 0.3.

use std::time::Instant;

use image::RgbImage;

use super::roi::mediapipe_map;
pub use super::types::{NUM_PALM_KEYPOINTS as NUM_KEYPOINTS, PalmDetection};
use crate::pose::engine::{Engine, InferenceSession, InputData};
use crate::pose::imgproc::{Border, Grid, sample_rgb};
use crate::pose::models::{ModelFile, ModelStore};
use crate::pose::{PoseError, StageTimes};

/// Side of the detector's square input, pixels.
pub const PALM_INPUT: usize = 192;
const NUM_ANCHORS: usize = 2016;
const COORDS: usize = 4 + 2 * NUM_KEYPOINTS;
/// Palms scoring below this are dropped (MediaPipe's `minDetectionConfidence` default).
pub const MIN_PALM_SCORE: f32 = 0.5;
const NMS_IOU: f32 = 0.3;

/// MediaPipe's SsdAnchorsCalculator for the palm detector: a 24 × 24 grid with 2 anchors per cell, then a 12 × 12
/// grid with 6 (three layers of stride 16 share it); rows outer, columns inner. Centres normalised to the input;
/// every anchor's size is 1, so only centres matter.
pub fn palm_anchors() -> Vec<[f32; 2]> {
    let mut anchors = Vec::with_capacity(NUM_ANCHORS);
    for (grid, per_cell) in [(24usize, 2usize), (12, 6)] {
        for y in 0..grid {
            for x in 0..grid {
                let c = [(x as f32 + 0.5) / grid as f32, (y as f32 + 0.5) / grid as f32];
                anchors.extend(std::iter::repeat_n(c, per_cell));
            }
        }
    }
    anchors
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Decodes the raw outputs (`raw`: 2016 × 18, `scores`: 2016 logits) into detections normalised to the 192 input.
fn decode(raw: &[f32], scores: &[f32], anchors: &[[f32; 2]]) -> Vec<PalmDetection> {
    let s = PALM_INPUT as f32;
    let mut out = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let score = sigmoid(scores[i].clamp(-100.0, 100.0));
        if score < MIN_PALM_SCORE {
            continue;
        }
        let r = &raw[i * COORDS..(i + 1) * COORDS];
        let (cx, cy, w, h) = (r[0] / s + a[0], r[1] / s + a[1], r[2] / s, r[3] / s);
        let mut keypoints = [[0.0; 2]; NUM_KEYPOINTS];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = [r[4 + 2 * k] / s + a[0], r[5 + 2 * k] / s + a[1]];
        }
        out.push(PalmDetection { score, bbox: [cx - w / 2.0, cy - h / 2.0, w, h], keypoints });
    }
    out
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let ix = ((a[0] + a[2]).min(b[0] + b[2]) - a[0].max(b[0])).max(0.0);
    let iy = ((a[1] + a[3]).min(b[1] + b[3]) - a[1].max(b[1])).max(0.0);
    let inter = ix * iy;
    let union = a[2] * a[3] + b[2] * b[3] - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// MediaPipe's weighted non-maximum suppression: take the best remaining detection; every remaining one whose IoU
/// with it exceeds 0.3 (itself included) is merged into it, box corners and keypoints averaged with the scores as
/// weights, the best one's score kept. Best first.
pub fn weighted_nms(mut dets: Vec<PalmDetection>) -> Vec<PalmDetection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(top) = dets.first().copied() {
        let (cands, rest): (Vec<PalmDetection>, Vec<PalmDetection>) =
            dets.into_iter().partition(|d| iou(&d.bbox, &top.bbox) > NMS_IOU);
        let total: f32 = cands.iter().map(|d| d.score).sum();
        let mut merged = top;
        if total > 0.0 {
            let (mut x0, mut y0, mut x1, mut y1) = (0.0, 0.0, 0.0, 0.0);
            let mut kps = [[0.0f32; 2]; NUM_KEYPOINTS];
            for d in &cands {
                let w = d.score / total;
                x0 += d.bbox[0] * w;
                y0 += d.bbox[1] * w;
                x1 += (d.bbox[0] + d.bbox[2]) * w;
                y1 += (d.bbox[1] + d.bbox[3]) * w;
                for (m, k) in kps.iter_mut().zip(&d.keypoints) {
                    m[0] += k[0] * w;
                    m[1] += k[1] * w;
                }
            }
            merged.bbox = [x0, y0, x1 - x0, y1 - y0];
            merged.keypoints = kps;
        }
        out.push(merged);
        dets = rest;
    }
    out
}

/// Maps a detection normalised to the letterboxed square back to the frame, given the padding fractions.
fn remove_letterbox(d: &mut PalmDetection, pad_x: f32, pad_y: f32) {
    let (sx, sy) = (1.0 - 2.0 * pad_x, 1.0 - 2.0 * pad_y);
    d.bbox = [(d.bbox[0] - pad_x) / sx, (d.bbox[1] - pad_y) / sy, d.bbox[2] / sx, d.bbox[3] / sy];
    for k in &mut d.keypoints {
        *k = [(k[0] - pad_x) / sx, (k[1] - pad_y) / sy];
    }
}

/// The palm detector model and its buffers.
pub struct PalmDetector {
    session: Box<dyn InferenceSession>,
    anchors: Vec<[f32; 2]>,
    input: Vec<f32>,
}

impl PalmDetector {
    /// Loads the shipped palm detector (full).
    pub fn new(store: &ModelStore, engine: &Engine) -> Result<Self, PoseError> {
        let session = store.load(ModelFile::PalmDetectionFull, engine, &[])?;
        Ok(PalmDetector { session, anchors: palm_anchors(), input: vec![0.0; PALM_INPUT * PALM_INPUT * 3] })
    }

    /// Finds the palms in `image`, best first, normalised to the frame.
    pub fn detect(&mut self, image: &RgbImage, times: &mut StageTimes) -> Result<Vec<PalmDetection>, PoseError> {
        let (w, h) = (image.width() as f32, image.height() as f32);
        let side = w.max(h);
        let t0 = Instant::now();
        let map = mediapipe_map(w / 2.0, h / 2.0, side, side, 0.0, PALM_INPUT, PALM_INPUT);
        sample_rgb(image, &map, Grid::Centres, Border::Zero, PALM_INPUT, PALM_INPUT, &mut self.input, |v| {
            v * (1.0 / 255.0)
        });
        let t1 = Instant::now();
        let out = self.session.run(&[1, PALM_INPUT, PALM_INPUT, 3], InputData::F32(&self.input))?;
        let t2 = Instant::now();
        let (raw, scores) = match out {
            [raw, scores, ..] if raw.len() >= NUM_ANCHORS * COORDS && scores.len() >= NUM_ANCHORS => (raw, scores),
            _ => return Err(PoseError::BadOutput("palm detector returned unexpected output sizes".into())),
        };
        let mut dets = weighted_nms(decode(raw, scores, &self.anchors));
        let (pad_x, pad_y) = ((1.0 - w / side) / 2.0, (1.0 - h / side) / 2.0);
        for d in &mut dets {
            remove_letterbox(d, pad_x, pad_y);
        }
        times.preprocess += t1 - t0;
        times.inference += t2 - t1;
        times.postprocess += t2.elapsed();
        Ok(dets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_match_the_model() {
        let a = palm_anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        assert_eq!(a[0], [0.5 / 24.0, 0.5 / 24.0]);
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], [1.5 / 24.0, 0.5 / 24.0]);
        assert_eq!(a[1152], [0.5 / 12.0, 0.5 / 12.0]);
        assert_eq!(a[1157], a[1152]);
        assert_eq!(a[1158], [1.5 / 12.0, 0.5 / 12.0]);
        assert_eq!(a[NUM_ANCHORS - 1], [11.5 / 12.0, 11.5 / 12.0]);
    }

    #[test]
    fn decoding_offsets_from_the_anchor_and_drops_low_scores() {
        let anchors = palm_anchors();
        let mut raw = vec![0.0f32; NUM_ANCHORS * COORDS];
        let mut scores = vec![-10.0f32; NUM_ANCHORS];
        // Anchor 2: centre (1.5/24, 0.5/24). Box offset (+19.2, +9.6) px of 192, size 38.4 × 19.2.
        raw[2 * COORDS..2 * COORDS + 6].copy_from_slice(&[19.2, 9.6, 38.4, 19.2, -9.6, 0.0]);
        scores[2] = 3.0;
        scores[5] = 0.0; // exactly 0.5: kept (≥)
        let d = decode(&raw, &scores, &anchors);
        assert_eq!(d.len(), 2);
        let (ax, ay) = (1.5 / 24.0, 0.5 / 24.0);
        assert!((d[0].score - sigmoid(3.0)).abs() < 1e-6);
        assert!((d[0].bbox[0] - (ax + 0.1 - 0.1)).abs() < 1e-6, "{:?}", d[0]);
        assert!((d[0].bbox[1] - (ay + 0.05 - 0.05)).abs() < 1e-6);
        assert!((d[0].bbox[2] - 0.2).abs() < 1e-6 && (d[0].bbox[3] - 0.1).abs() < 1e-6);
        assert!((d[0].keypoints[0][0] - (ax - 0.05)).abs() < 1e-6);
        assert!((d[0].keypoints[1][0] - ax).abs() < 1e-6);
    }

    #[test]
    fn weighted_nms_merges_corners_and_keeps_the_best_score() {
        let d = |x: f32, s: f32| PalmDetection { score: s, bbox: [x, 0.0, 1.0, 1.0], keypoints: [[x, 0.5]; 7] };
        let out = weighted_nms(vec![d(0.1, 0.6), d(0.0, 0.9), d(5.0, 0.7)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        // Corners averaged with weights 0.9 and 0.6: x min 0.04, x max 1.04.
        assert!((out[0].bbox[0] - 0.04).abs() < 1e-6 && (out[0].bbox[2] - 1.0).abs() < 1e-6, "{:?}", out[0]);
        assert!((out[0].keypoints[3][0] - 0.04).abs() < 1e-6);
        assert_eq!(out[1].bbox[0], 5.0);
    }

    #[test]
    fn letterbox_removal_of_a_landscape_frame() {
        // 1280 × 720: the frame fills the square's width; bars top and bottom of (1 − 720/1280)/2 each.
        let pad_y = (1.0 - 720.0 / 1280.0) / 2.0;
        let mut d = PalmDetection { score: 1.0, bbox: [0.5, 0.5, 0.1, 0.1], keypoints: [[0.5, pad_y]; 7] };
        remove_letterbox(&mut d, 0.0, pad_y);
        assert!((d.bbox[1] - (0.5 - pad_y) / (1.0 - 2.0 * pad_y)).abs() < 1e-6);
        assert!((d.bbox[3] - 0.1 / (720.0 / 1280.0)).abs() < 1e-6);
        assert!(d.keypoints[0][1].abs() < 1e-6 && (d.keypoints[0][0] - 0.5).abs() < 1e-6);
    }
}
