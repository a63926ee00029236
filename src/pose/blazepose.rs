//! BlazePose as MediaPipe runs it: a person detector finds the body, the landmark model reads a rotated square crop
//! around it, and each frame's landmarks give the next frame's crop, so the detector runs again only when tracking is
//! lost.
//!
//! The constants follow MediaPipe's `pose_detection` and `pose_landmark` graphs (SSD anchors, weighted non-maximum
//! suppression with IoU 0.3, the crop centred on the mid-hip, rotated upright, side 2 × (mid-hip to the
//! size/rotation point) × 1.25). The landmark model's crop is sampled on OpenCV's grid, as MediaPipe's CPU pipeline
//! samples it ([`Grid::OpenCv`]: Google's outputs were made so); the detector's input at pixel centres (why: the
//! landmark-step test in `tests/pose_reference.rs`). With smoothing on, the crop's path from frame to frame is
//! smoothed as MediaPipe smooths it ([`CROP_SMOOTHING`]).

use std::sync::Arc;
use std::time::Instant;

use image::RgbImage;

use super::engine::{Engine, InferenceSession, InputData};
use super::framing::Framing;
use super::imgproc::{Affine, Border, Grid, sample_rgb};
use super::keypoints::Skeleton;
use super::models::{ModelError, ModelFile, ModelStore};
use super::smoothing::{OneEuro, OneEuroParams};
use super::tracking::{Candidate, Patience, Reconsider};
use super::types::{Keypoint, Pose, SegmentationMask, WorldPoint};
use super::{PersonSelector, PoseError, StageTimes};

const DET_SIZE: usize = 224;
const LMK_SIZE: usize = 256;
const NUM_ANCHORS: usize = 2254;
const DET_MIN_SCORE: f32 = 0.5;
const NMS_IOU: f32 = 0.3;
const ROI_SCALE: f32 = 1.25;
/// A frame at least this much wider than tall (or taller than wide) gets a closer look around the followed person
/// when the whole frame, letterboxed, shows nobody near them.
const CLOSER_LOOK_ASPECT: f32 = 1.5;
/// Detections read at most in one frame when the crops of the first ones show nobody.
const MAX_READS: usize = 3;
/// Below this presence probability the landmark model has lost the person and the detector runs again.
pub const MIN_TRACKING_PRESENCE: f32 = 0.5;

/// An SSD anchor centre, normalised to the detector input.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Anchor {
    x: f32,
    y: f32,
}

/// MediaPipe's SsdAnchorsCalculator for the pose detector: 5 layers, strides 8, 16, 32, 32, 32, two anchors per
/// layer and cell (fixed size 1), layers of the same stride sharing a feature map.
fn pose_anchors() -> Vec<Anchor> {
    let strides = [8usize, 16, 32, 32, 32];
    let mut anchors = Vec::with_capacity(NUM_ANCHORS);
    let mut layer = 0;
    while layer < strides.len() {
        let mut last = layer;
        let mut per_cell = 0;
        while last < strides.len() && strides[last] == strides[layer] {
            per_cell += 2; // aspect ratio 1.0 plus the interpolated scale
            last += 1;
        }
        let fm = DET_SIZE.div_ceil(strides[layer]);
        for y in 0..fm {
            for x in 0..fm {
                for _ in 0..per_cell {
                    anchors.push(Anchor { x: (x as f32 + 0.5) / fm as f32, y: (y as f32 + 0.5) / fm as f32 });
                }
            }
        }
        layer = last;
    }
    anchors
}

/// A person found by the detector, in frame pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    /// Face box: x min, y min, x max, y max (pixels).
    pub face_box: [f32; 4],
    /// Mid-hip, the size/rotation point, mid-shoulder, and an upper-body point (pixels).
    pub keypoints: [[f32; 2]; 4],
    /// Detection score, 0..1.
    pub score: f32,
}

/// The detector's mid-hip lies this fraction of its body size (mid-hip to the size/rotation point) below its
/// mid-shoulder on an upright body (0.57 and 0.59 on the squat and lab clips' whole frames).
const HIP_BELOW_SHOULDER: f32 = 0.58;
/// A detection read upside down also misjudges the body's size (61 to 320 px for a 434-px body on the lab clip cut
/// at mid-chest): framed from the head to the chest or waist, the body's size is at least this fraction of the
/// frame's height (0.62-0.72 on the squat and lab clips so cut).
const UPRIGHT_MIN_SIZE: f32 = 0.6;
/// A detection's size point this low (fraction of the frame's height) or lower lies on the bottom edge: the body runs
/// out of the picture there (697 px of 698 on the lab clip cut at mid-chest).
const BOTTOM_EDGE: f32 = 0.97;
/// A detection whose body axis leans less than 60° from upright (cosine 0.5) is read as found.
const UPRIGHT_COS: f32 = 0.5;

impl Detection {
    /// For a detection that reads the body upside down or lying (its body axis, mid-hip to the size/rotation point,
    /// more than 60° from upright): the crop of the same body upright, its mid-hip put below the mid-shoulder, the
    /// mid-shoulder being the point the detector still places well when the hips are out of the picture, its size
    /// at least 0.6 of `frame_height`. `None` for a detection read upright.
    pub fn upright_roi(&self, frame_height: f32) -> Option<Roi> {
        let [hip, scale, shoulder, _] = self.keypoints;
        let length = (scale[0] - hip[0]).hypot(scale[1] - hip[1]);
        if hip[1] - scale[1] >= UPRIGHT_COS * length {
            return None;
        }
        let size = length.max(UPRIGHT_MIN_SIZE * frame_height);
        let hip = [shoulder[0], shoulder[1] + HIP_BELOW_SHOULDER * size];
        Some(Roi::from_alignment(hip, [hip[0], hip[1] - size]))
    }
}

/// The rotated square the landmark model reads, in frame pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roi {
    /// Centre x.
    pub cx: f32,
    /// Centre y.
    pub cy: f32,
    /// Side length.
    pub side: f32,
    /// Rotation in radians (positive = clockwise on screen).
    pub rotation: f32,
}

impl Roi {
    /// MediaPipe's AlignmentPointsRectsCalculator + RectTransformationCalculator: centred on `center`, rotated so
    /// that `center → scale_point` points up, side 2 × their distance × 1.25.
    pub fn from_alignment(center: [f32; 2], scale_point: [f32; 2]) -> Roi {
        let (dx, dy) = (scale_point[0] - center[0], scale_point[1] - center[1]);
        let side = 2.0 * (dx * dx + dy * dy).sqrt() * ROI_SCALE;
        let rotation = normalize_radians(std::f32::consts::FRAC_PI_2 - (-dy).atan2(dx));
        Roi { cx: center[0], cy: center[1], side, rotation }
    }

    /// The body's size MediaPipe smooths this person's landmarks against: the side of the square the two alignment
    /// points make, before the crop's margin (2 × mid-hip to the size/rotation point), in pixels.
    pub fn object_scale(&self) -> f32 {
        self.side / ROI_SCALE
    }

    /// The two alignment points the square was made from ([`from_alignment`](Self::from_alignment)'s inverse):
    /// the centre, and the size/rotation point.
    pub fn alignment(&self) -> [[f32; 2]; 2] {
        let d = self.object_scale() / 2.0;
        let (sin, cos) = self.rotation.sin_cos();
        [[self.cx, self.cy], [self.cx + d * sin, self.cy - d * cos]]
    }

    fn affine(&self) -> Affine {
        Affine::rotated_square(self.cx, self.cy, self.side, self.rotation, LMK_SIZE)
    }
}

/// MediaPipe's tuning for the two points the next crop is made from (its `pose_landmark_filtering` graph smooths
/// these auxiliary landmarks harder than the landmarks: a crop steady at rest, quick when the body moves): min
/// cut-off 0.01, beta 10, derivative cut-off 1.0.
pub const CROP_SMOOTHING: OneEuroParams = OneEuroParams { min_cutoff: 0.01, beta: 10.0, derivative_cutoff: 1.0 };

/// Smooths the path of the tracking crop from frame to frame as MediaPipe does: its two alignment points through
/// One Euro filters ([`CROP_SMOOTHING`]), speeds measured against the points' own extent (the mean of their
/// bounding box's width and height, MediaPipe's object scale for landmarks without a region).
#[derive(Clone, Debug)]
struct CropSmoother {
    filters: [OneEuro; 4],
}

impl CropSmoother {
    fn new() -> Self {
        CropSmoother { filters: [OneEuro::new(CROP_SMOOTHING); 4] }
    }

    /// Forgets the path (the person lost, another person followed).
    fn reset(&mut self) {
        *self = Self::new();
    }

    /// The crop `roi` (made from this frame's landmarks, seen at `time_s`) smoothed along the crops before it.
    fn apply(&mut self, roi: Roi, time_s: f64) -> Roi {
        let [c, s] = roi.alignment();
        let scale = ((s[0] - c[0]).abs() + (s[1] - c[1]).abs()) / 2.0;
        if scale < 1e-6 {
            // MediaPipe leaves points of no extent as they are.
            return roi;
        }
        let raw = [c[0], c[1], s[0], s[1]];
        let mut out = [0.0; 4];
        for ((o, f), v) in out.iter_mut().zip(&mut self.filters).zip(raw) {
            *o = f.apply(v, 1.0 / scale, time_s);
        }
        Roi::from_alignment([out[0], out[1]], [out[2], out[3]])
    }
}

fn normalize_radians(a: f32) -> f32 {
    use std::f32::consts::PI;
    a - 2.0 * PI * ((a + PI) / (2.0 * PI)).floor()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let ix = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let iy = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = ix * iy;
    let union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

/// MediaPipe's weighted non-maximum suppression: overlapping detections are merged, weighted by score.
fn weighted_nms(mut dets: Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(top) = dets.first().copied() {
        let (cands, rest): (Vec<Detection>, Vec<Detection>) =
            dets.into_iter().partition(|d| iou(&top.face_box, &d.face_box) > NMS_IOU);
        let total: f32 = cands.iter().map(|d| d.score).sum();
        let mut merged = top;
        if total > 0.0 {
            merged.face_box = [0.0; 4];
            merged.keypoints = [[0.0; 2]; 4];
            for d in &cands {
                let w = d.score / total;
                for i in 0..4 {
                    merged.face_box[i] += d.face_box[i] * w;
                    merged.keypoints[i][0] += d.keypoints[i][0] * w;
                    merged.keypoints[i][1] += d.keypoints[i][1] * w;
                }
            }
        }
        out.push(merged);
        dets = rest;
    }
    out
}

/// BlazePose: detector, landmark model and tracking state.
pub struct BlazePose {
    detector: Box<dyn InferenceSession>,
    landmarks: Box<dyn InferenceSession>,
    anchors: Vec<Anchor>,
    det_input: Vec<f32>,
    lmk_input: Vec<f32>,
    roi: Option<Roi>,
    segmentation: bool,
    reconsider: Reconsider,
    /// Whether to wait for a lost person rather than take someone else at once.
    patience: Patience,
    new_person: bool,
    look_twice: bool,
    after_reset: bool,
    crop_smoother: CropSmoother,
    object_scale: Option<f32>,
    /// Whether the last pose was framed from the head to the waist or chest ([`Framing::UpperBody`]).
    upper_body: bool,
}

impl BlazePose {
    /// Loads the detector and the landmark model `file` (lite, full or heavy). With `segmentation`, poses carry
    /// the person mask.
    pub fn new(store: &ModelStore, engine: &Engine, file: ModelFile, segmentation: bool) -> Result<Self, ModelError> {
        let detector = store.load(ModelFile::BlazeposeDetector, engine, &[])?;
        // Outputs: landmarks, presence, segmentation, heatmap, world landmarks.
        let landmarks = store.load(file, engine, &[true, true, segmentation, true, true])?;
        Ok(BlazePose {
            detector,
            landmarks,
            anchors: pose_anchors(),
            det_input: vec![0.0; DET_SIZE * DET_SIZE * 3],
            lmk_input: vec![0.0; LMK_SIZE * LMK_SIZE * 3],
            roi: None,
            segmentation,
            reconsider: Reconsider::new(),
            patience: Patience::default(),
            new_person: false,
            look_twice: false,
            after_reset: false,
            crop_smoother: CropSmoother::new(),
            object_scale: None,
            upper_body: false,
        })
    }

    /// Forgets the tracked person: the next frame runs the detector.
    pub fn reset(&mut self) {
        self.roi = None;
        self.reconsider.reset();
        self.patience.reset();
        self.crop_smoother.reset();
        self.after_reset = true;
    }

    /// Has the next [`estimate`](Self::estimate), if it runs the detector, read the person found twice (as for a
    /// still image): for the first frame of a recording and the first after a cut, which are as unrelated to what
    /// came before as a photo.
    pub fn look_twice_next(&mut self) {
        self.look_twice = true;
    }

    /// Whether the last [`estimate`](Self::estimate) started following a person anew (not the one of the frame
    /// before); clears the flag.
    pub fn take_new_person(&mut self) -> bool {
        std::mem::take(&mut self.new_person)
    }

    /// Whether a person is being tracked (the next frame will skip the detector).
    pub fn is_tracking(&self) -> bool {
        self.roi.is_some()
    }

    /// The region the landmark model will read in the next frame, if tracking.
    pub fn next_roi(&self) -> Option<Roi> {
        self.roi
    }

    /// Runs the detector on the whole frame (letterboxed); returns every person found, in frame pixels.
    pub fn detect(&mut self, image: &RgbImage, times: &mut StageTimes) -> Result<Vec<Detection>, PoseError> {
        let (w, h) = (image.width() as f32, image.height() as f32);
        let side = w.max(h);
        self.detect_in(image, [(w - side) / 2.0, (h - side) / 2.0], side, times)
    }

    /// Runs the detector on the square of `side` pixels whose top-left corner is `corner` (frame pixels; what lies
    /// outside the frame reads as black); returns the people found, in frame pixels.
    fn detect_in(
        &mut self,
        image: &RgbImage,
        corner: [f32; 2],
        side: f32,
        times: &mut StageTimes,
    ) -> Result<Vec<Detection>, PoseError> {
        let [x0, y0] = corner;
        let t0 = Instant::now();
        let map = Affine::crop(x0, y0, side, side, DET_SIZE, DET_SIZE);
        sample_rgb(image, &map, Grid::Centres, Border::Zero, DET_SIZE, DET_SIZE, &mut self.det_input, |v| {
            v * (1.0 / 127.5) - 1.0
        });
        let t1 = Instant::now();
        let out = self.detector.run(&[1, DET_SIZE, DET_SIZE, 3], InputData::F32(&self.det_input))?;
        let t2 = Instant::now();
        let (raw, scores) = match out {
            [raw, scores, ..] if raw.len() >= NUM_ANCHORS * 12 && scores.len() >= NUM_ANCHORS => (raw, scores),
            _ => return Err(PoseError::BadOutput("BlazePose detector returned unexpected output sizes".into())),
        };
        let s = DET_SIZE as f32;
        let to_px = |x: f32, y: f32| [x0 + x * side, y0 + y * side];
        let mut dets = Vec::new();
        for (i, a) in self.anchors.iter().enumerate() {
            let score = sigmoid(scores[i].clamp(-100.0, 100.0));
            if score < DET_MIN_SCORE {
                continue;
            }
            let r = &raw[i * 12..i * 12 + 12];
            let (cx, cy) = (r[0] / s + a.x, r[1] / s + a.y);
            let (bw, bh) = (r[2] / s, r[3] / s);
            let tl = to_px(cx - bw / 2.0, cy - bh / 2.0);
            let br = to_px(cx + bw / 2.0, cy + bh / 2.0);
            let mut keypoints = [[0.0; 2]; 4];
            for (k, kp) in keypoints.iter_mut().enumerate() {
                *kp = to_px(r[4 + 2 * k] / s + a.x, r[5 + 2 * k] / s + a.y);
            }
            dets.push(Detection { face_box: [tl[0], tl[1], br[0], br[1]], keypoints, score });
        }
        let dets = weighted_nms(dets);
        times.preprocess += t1 - t0;
        times.inference += t2 - t1;
        times.postprocess += t2.elapsed();
        Ok(dets)
    }

    /// Runs the landmark model on `roi`; returns the pose and the presence probability, and remembers the next
    /// frame's region.
    pub fn landmarks_in(
        &mut self,
        image: &RgbImage,
        roi: Roi,
        times: &mut StageTimes,
    ) -> Result<(Pose, f32, Roi), PoseError> {
        let (fw, fh) = (image.width(), image.height());
        let t0 = Instant::now();
        let map = roi.affine();
        sample_rgb(image, &map, Grid::OpenCv, Border::Replicate, LMK_SIZE, LMK_SIZE, &mut self.lmk_input, |v| {
            v * (1.0 / 255.0)
        });
        let t1 = Instant::now();
        let out = self.landmarks.run(&[1, LMK_SIZE, LMK_SIZE, 3], InputData::F32(&self.lmk_input))?;
        let t2 = Instant::now();
        let [lm, flag, seg, heatmap, world, ..] = out else {
            return Err(PoseError::BadOutput("BlazePose landmark model returned too few outputs".into()));
        };
        if lm.len() < 39 * 5 || flag.is_empty() || world.len() < 39 * 3 {
            return Err(PoseError::BadOutput("BlazePose landmark model returned unexpected output sizes".into()));
        }
        let presence = flag[0];
        let mut lm = lm.clone();
        refine_from_heatmap(&mut lm, heatmap);
        let (sin, cos) = roi.rotation.sin_cos();
        let z_scale = roi.side / LMK_SIZE as f32 / fw as f32;
        let mut keypoints = Vec::with_capacity(33);
        for c in lm.chunks_exact(5).take(33) {
            let (x, y) = map.apply(c[0], c[1]);
            keypoints.push(Keypoint {
                x: x / fw as f32,
                y: y / fh as f32,
                score: sigmoid(c[3]),
                presence: Some(sigmoid(c[4])),
                z: Some(c[2] * z_scale),
            });
        }
        let aux = |i: usize| map.apply(lm[i * 5], lm[i * 5 + 1]);
        let (a0, a1) = (aux(33), aux(34));
        let next = Roi::from_alignment([a0.0, a0.1], [a1.0, a1.1]);
        let world_pts = world
            .chunks_exact(3)
            .take(33)
            .map(|c| WorldPoint { x: cos * c[0] - sin * c[1], y: sin * c[0] + cos * c[1], z: c[2] })
            .collect();
        let mask = if self.segmentation && seg.len() == LMK_SIZE * LMK_SIZE {
            map.inverse().map(|inv| {
                Arc::new(SegmentationMask {
                    size: LMK_SIZE,
                    probability: seg.iter().map(|&v| sigmoid(v)).collect(),
                    frame_to_grid: inv.m,
                    frame_width: fw,
                    frame_height: fh,
                })
            })
        } else {
            None
        };
        let pose = Pose {
            skeleton: Skeleton::BlazePose33,
            keypoints,
            score: presence,
            world: Some(world_pts),
            mask,
            frame_width: fw,
            frame_height: fh,
        };
        times.preprocess += t1 - t0;
        times.inference += t2 - t1;
        times.postprocess += t2.elapsed();
        Ok((pose, presence, next))
    }

    /// Estimates the pose in `image`. With `tracking`, the crop comes from the previous frame's landmarks and the
    /// detector runs only when there is none or the person was lost; without, every call runs the detector. A
    /// person the detector found is read twice, through the detector's crop, then through the crop its landmarks
    /// give; but once, as MediaPipe, in the first frame after [`reset`](Self::reset) unless
    /// [`look_twice_next`](Self::look_twice_next) asked. A person last seen framed from the head to the waist or
    /// chest whom the detector finds lying or upside down is read upright when the upright crop shows them.
    pub fn estimate(
        &mut self,
        image: &RgbImage,
        tracking: bool,
        selector: PersonSelector,
        crop_smoothing: Option<f64>,
        times: &mut StageTimes,
    ) -> Result<Option<Pose>, PoseError> {
        if tracking && let Some(roi) = self.roi {
            let (pose, presence, next) = self.landmarks_in(image, roi, times)?;
            if presence >= MIN_TRACKING_PRESENCE {
                self.follow(next, crop_smoothing);
                if selector.reconsiders() && self.reconsider.due() {
                    // Someone much bigger or surer in view for a while (a patient who walked in): follow them.
                    // Framed from the head to the chest, the whole-body detector often misses the followed person:
                    // the landmark model's presence says how sure the tracker is of them then.
                    let upper_body = Framing::of(&pose) == Framing::UpperBody;
                    let sure = upper_body.then_some(presence);
                    if let Some(other) = self.better_person(image, next, sure, times)? {
                        let (p2, pr2, n2) = self.read_detection(image, &other, true, times)?;
                        if pr2 >= MIN_TRACKING_PRESENCE {
                            self.crop_smoother.reset();
                            self.follow(n2, crop_smoothing);
                            self.new_person = true;
                            self.patience.reset();
                            return Ok(Some(self.seen(p2)));
                        }
                    }
                }
                return Ok(Some(self.seen(pose)));
            }
        }
        let previous = self.roi.take();
        self.crop_smoother.reset();
        self.reconsider.reset();
        let mut dets = self.detect(image, times)?;
        let fw = image.width() as f32;
        let fh = image.height() as f32;
        // A person the therapist pointed at: when nobody was found near where they were (or near the point), the
        // detector looks again closer, at a square as wide as the frame's shorter side (a wide frame is letterboxed
        // into the detector's square, so a small or half-framed patient may be missed: the walk clip cut at the
        // waist). Not for the other choices: on the walk clip, gait's walker (the largest person) was then seen up
        // to frame 189 instead of 199, and two of her gait events were not found.
        let focus = selector.point(image.width(), image.height()).map(|(x, y)| match (previous, tracking) {
            (Some(prev), true) => [prev.cx, prev.cy],
            _ => [x * fw, y * fh],
        });
        let short = fw.min(fh);
        if let Some([fx, fy]) = focus
            && fw.max(fh) >= CLOSER_LOOK_ASPECT * short
            && !dets.iter().any(|d| (d.keypoints[2][0] - fx).hypot(d.keypoints[2][1] - fy) <= short / 2.0)
        {
            let corner = [(fx - short / 2.0).clamp(0.0, fw - short), (fy - short / 2.0).clamp(0.0, fh - short)];
            dets.extend(self.detect_in(image, corner, short, times)?);
        }
        let near = |d: &Detection, prev: &Roi| (d.keypoints[0][0] - prev.cx).hypot(d.keypoints[0][1] - prev.cy);
        let chosen = match (previous, tracking) {
            // Re-detecting while tracking: stay with the person we followed if they are still there; else choose
            // again as the caller asked.
            (Some(prev), true) => dets
                .iter()
                .filter(|d| near(d, &prev) <= prev.side / 2.0)
                .min_by(|a, b| near(a, &prev).total_cmp(&near(b, &prev)))
                .or_else(|| select_detection(&dets, selector, fw, fh)),
            _ => select_detection(&dets, selector, fw, fh),
        };
        if tracking
            && let Some(prev) = previous
            && chosen.is_none_or(|d| near(d, &prev) > prev.side / 2.0)
            && self.patience.wait()
        {
            // The person followed for a while is not found (nobody is, or someone else elsewhere): no pose this
            // frame, and their crop is read again next frame (the lab clip cut at 640 px: BlazePose lite, the
            // leaning patient lost at frame 83, took the woman in the background and kept her).
            self.roi = Some(prev);
            self.new_person = false;
            return Ok(None);
        }
        let Some(mut det) = chosen.copied() else {
            self.new_person = false;
            return Ok(None);
        };
        // Twice for a photo, the first frame, after a cut or a loss; once (as MediaPipe) when a caller's reset asks
        // for a fresh detection in mid-recording (gait's periodic search).
        let after_reset = std::mem::take(&mut self.after_reset);
        let twice = std::mem::take(&mut self.look_twice) || !tracking || !after_reset;
        let mut others: Vec<Detection> = dets.iter().filter(|d| **d != det).copied().collect();
        let (pose, next) = loop {
            let (pose, presence, next) = self.read_detection(image, &det, twice, times)?;
            if presence >= MIN_TRACKING_PRESENCE {
                break (pose, next);
            }
            // The crop shows nobody: a false detection (on the walk clip a 1200-pixel one outscored the man doing
            // jumping jacks, and three frames went without a pose). The next person the caller's choice would take.
            let tried = dets.len() - others.len();
            let Some(other) = select_detection(&others, selector, fw, fh).copied().filter(|_| tried < MAX_READS) else {
                self.new_person = false;
                return Ok(None);
            };
            others.retain(|d| *d != other);
            det = other;
        };
        self.new_person = previous.is_none_or(|prev| near(&det, &prev) > prev.side / 2.0);
        if self.new_person {
            self.patience.reset();
        }
        if tracking {
            self.follow(next, crop_smoothing);
        }
        Ok(Some(self.seen(pose)))
    }

    /// Remembers how the pose found is framed, and gives it back.
    fn seen(&mut self, pose: Pose) -> Pose {
        self.upper_body = Framing::of(&pose) == Framing::UpperBody;
        self.patience.seen();
        pose
    }

    /// Reads the next frame through `next` (the crop this frame's landmarks give), smoothed along the crops before
    /// it when `crop_smoothing` gives this frame's time.
    fn follow(&mut self, next: Roi, crop_smoothing: Option<f64>) {
        self.object_scale = Some(next.object_scale());
        self.roi = Some(match crop_smoothing {
            Some(time_s) => self.crop_smoother.apply(next, time_s),
            None => next,
        });
    }

    /// The body's size in the last pose's own landmarks (pixels, [`Roi::object_scale`] of the crop they give before
    /// smoothing): what MediaPipe measures the landmarks' speeds against.
    pub fn object_scale(&self) -> Option<f32> {
        self.roi.and(self.object_scale)
    }

    /// Reads the landmarks of a person the detector found through the detector's crop, and with `twice` once more
    /// at once through the crop those landmarks give (as the next video frame would). Returns the pose, its
    /// presence and the next frame's region.
    fn read_detection(
        &mut self,
        image: &RgbImage,
        det: &Detection,
        twice: bool,
        times: &mut StageTimes,
    ) -> Result<(Pose, f32, Roi), PoseError> {
        let roi = Roi::from_alignment(det.keypoints[0], det.keypoints[1]);
        let (mut pose, mut presence, mut next) = self.landmarks_in(image, roi, times)?;
        let fh = image.height() as f32;
        if let Some(upright) = det.upright_roi(fh) {
            // Upper-body framing: with the hips out of the picture the detector may place them above the shoulders
            // or beside them (the lab clip cut at mid-chest: the crop upside down or lying). Read the person upright
            // when the tilted crop shows nobody; and when the body the detector saw runs out of the picture at the
            // bottom (its size point on the bottom edge) or the last pose was framed from the head to the chest or
            // waist, prefer the upright reading whenever it shows the person: BlazePose lite finds a person upside
            // down or lying there with a high presence, and then follows that reading. (Not for every tilted find:
            // on the walk clip an upright reading of one took the pose away at frame 204.)
            let prefer_upright = det.keypoints[1][1] >= BOTTOM_EDGE * fh || self.upper_body;
            if presence < MIN_TRACKING_PRESENCE || prefer_upright {
                let (p, pr, n) = self.landmarks_in(image, upright, times)?;
                if pr > presence || (prefer_upright && pr >= MIN_TRACKING_PRESENCE) {
                    (pose, presence, next) = (p, pr, n);
                }
            }
        }
        if !twice || presence < MIN_TRACKING_PRESENCE {
            return Ok((pose, presence, next));
        }
        let (p2, pr2, n2) = self.landmarks_in(image, next, times)?;
        Ok(if pr2 >= MIN_TRACKING_PRESENCE { (p2, pr2, n2) } else { (pose, presence, next) })
    }

    /// One look at the whole frame while following the person in `followed`: the other person to follow instead,
    /// once someone has been much bigger or surer than them for [`RECONSIDER_CHECKS`](super::tracking::RECONSIDER_CHECKS)
    /// looks in a row. The followed person's confidence is the detector's score near them, or `sure` when the
    /// detector does not find them there (the landmark model's presence for a person framed from the head to the
    /// chest: on the lab clip cut at 640 px BlazePose full left such a patient, tracked with a presence of 0.99, for
    /// the woman in the background at frame 90, the detector not finding him at two looks in a row).
    fn better_person(
        &mut self,
        image: &RgbImage,
        followed: Roi,
        sure: Option<f32>,
        times: &mut StageTimes,
    ) -> Result<Option<Detection>, PoseError> {
        let dets = self.detect(image, times)?;
        let size = |d: &Detection| (d.keypoints[1][0] - d.keypoints[0][0]).hypot(d.keypoints[1][1] - d.keypoints[0][1]);
        let dist = |d: &Detection| (d.keypoints[0][0] - followed.cx).hypot(d.keypoints[0][1] - followed.cy);
        let (mine, others): (Vec<&Detection>, Vec<&Detection>) =
            dets.iter().partition(|d| dist(d) <= followed.side / 2.0);
        let me = Candidate {
            // The crop's side is 2 × 1.25 × the body size the detector would measure.
            size: followed.side / (2.0 * ROI_SCALE),
            score: mine.iter().map(|d| d.score).reduce(f32::max).or(sure).unwrap_or(0.0),
        };
        let best = others.into_iter().max_by(|a, b| (size(a) * a.score).total_cmp(&(size(b) * b.score)));
        let other = best.map(|d| Candidate { size: size(d), score: d.score });
        Ok(if self.reconsider.judge(me, other) { best.copied() } else { None })
    }
}

const HEATMAP_SIZE: usize = 64;
const HEATMAP_KERNEL: usize = 7;
const HEATMAP_MIN_CONFIDENCE: f32 = 0.5;

/// MediaPipe's RefineLandmarksFromHeatmapCalculator: each landmark moves to the confidence-weighted centre of the
/// 7×7 heatmap cells around it, when the heatmap is confident there (≥ 0.5). `lm` holds 39 × (x, y, z, visibility,
/// presence) in crop pixels; `heatmap` is 64 × 64 × 39 logits.
fn refine_from_heatmap(lm: &mut [f32], heatmap: &[f32]) {
    let channels = 39;
    if heatmap.len() != HEATMAP_SIZE * HEATMAP_SIZE * channels {
        return;
    }
    let hm = HEATMAP_SIZE as f32;
    let offset = (HEATMAP_KERNEL - 1) / 2;
    for (i, l) in lm.chunks_exact_mut(5).take(channels).enumerate() {
        let (x, y) = (l[0] / LMK_SIZE as f32, l[1] / LMK_SIZE as f32);
        let (col, row) = ((x * hm).floor(), (y * hm).floor());
        if col < 0.0 || row < 0.0 || col >= hm || row >= hm {
            continue;
        }
        let (col, row) = (col as usize, row as usize);
        let (c0, c1) = (col.saturating_sub(offset), (col + offset + 1).min(HEATMAP_SIZE));
        let (r0, r1) = (row.saturating_sub(offset), (row + offset + 1).min(HEATMAP_SIZE));
        let (mut sum, mut max, mut wc, mut wr) = (0f32, 0f32, 0f32, 0f32);
        for r in r0..r1 {
            for c in c0..c1 {
                let conf = sigmoid(heatmap[(r * HEATMAP_SIZE + c) * channels + i]);
                sum += conf;
                max = max.max(conf);
                wc += c as f32 * conf;
                wr += r as f32 * conf;
            }
        }
        if max >= HEATMAP_MIN_CONFIDENCE && sum > 0.0 {
            l[0] = wc / hm / sum * LMK_SIZE as f32;
            l[1] = wr / hm / sum * LMK_SIZE as f32;
        }
    }
}

/// Picks one detection as the caller asked.
pub fn select_detection(dets: &[Detection], selector: PersonSelector, fw: f32, fh: f32) -> Option<&Detection> {
    let body_size = |d: &Detection| {
        let (dx, dy) = (d.keypoints[1][0] - d.keypoints[0][0], d.keypoints[1][1] - d.keypoints[0][1]);
        dx * dx + dy * dy
    };
    match selector {
        PersonSelector::Largest => dets.iter().max_by(|a, b| body_size(a).total_cmp(&body_size(b))),
        PersonSelector::MostConfident => dets.iter().max_by(|a, b| a.score.total_cmp(&b.score)),
        PersonSelector::Nearest { .. } | PersonSelector::NearestPixel { .. } => {
            let (x, y) = selector.point(fw as u32, fh as u32)?;
            let (px, py) = (x * fw, y * fh);
            dets.iter().min_by(|a, b| {
                let d = |d: &Detection| {
                    // Distance to the segment from mid-hip to mid-shoulder: the body's axis.
                    let (hx, hy) = (d.keypoints[0][0], d.keypoints[0][1]);
                    let (sx, sy) = (d.keypoints[2][0], d.keypoints[2][1]);
                    let (vx, vy) = (sx - hx, sy - hy);
                    let len2 = (vx * vx + vy * vy).max(1e-6);
                    let t = (((px - hx) * vx + (py - hy) * vy) / len2).clamp(0.0, 1.0);
                    (px - hx - t * vx).powi(2) + (py - hy - t * vy).powi(2)
                };
                d(a).total_cmp(&d(b))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_match_the_model() {
        let a = pose_anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        assert_eq!(a[0], Anchor { x: 0.5 / 28.0, y: 0.5 / 28.0 });
        assert_eq!(a[1], a[0]);
        // First anchor of the 14×14 map comes after 28·28·2.
        assert_eq!(a[1568], Anchor { x: 0.5 / 14.0, y: 0.5 / 14.0 });
        // The 7×7 maps have 6 anchors per cell.
        assert_eq!(a[1568 + 392], Anchor { x: 0.5 / 7.0, y: 0.5 / 7.0 });
        assert_eq!(a[1568 + 392 + 5], a[1568 + 392]);
        assert_ne!(a[1568 + 392 + 6], a[1568 + 392]);
    }

    #[test]
    fn roi_from_an_upright_body_has_no_rotation() {
        // Mid-hip below the scale point: the body is upright.
        let r = Roi::from_alignment([100.0, 200.0], [100.0, 100.0]);
        assert!(r.rotation.abs() < 1e-6, "{r:?}");
        assert!((r.side - 250.0).abs() < 1e-4);
        // Lying with the head to the right: rotate by −90° so that it reads upright.
        let r = Roi::from_alignment([100.0, 200.0], [200.0, 200.0]);
        assert!((r.rotation - std::f32::consts::FRAC_PI_2).abs() < 1e-5, "{r:?}");
        // The crop's top centre lands on the far side of the scale point.
        let (x, y) = r.affine().apply(128.0, 0.0);
        assert!((x - 225.0).abs() < 1e-3 && (y - 200.0).abs() < 1e-3, "{x} {y}");
    }

    #[test]
    fn an_upside_down_detection_is_read_upright_below_its_shoulders() {
        // The lab clip cut at mid-chest, frame 0: mid-hip above the mid-shoulder, the size point below.
        let det = Detection {
            face_box: [0.0; 4],
            keypoints: [[463.0, 378.0], [432.0, 697.0], [436.0, 507.0], [426.0, 723.0]],
            score: 0.7,
        };
        // In a frame 500 px high its size (320 px) stands.
        let roi = det.upright_roi(500.0).expect("upside down");
        let size = (463.0f32 - 432.0).hypot(378.0 - 697.0);
        assert!(roi.rotation.abs() < 1e-6, "{roi:?}");
        assert!((roi.cx - 436.0).abs() < 1e-3 && (roi.cy - (507.0 + 0.58 * size)).abs() < 1e-3, "{roi:?}");
        assert!((roi.object_scale() - 2.0 * size).abs() < 1e-2, "{roi:?}");
        // A size too small for the frame (tract's reading of that frame, 698 px high: 61 px) is taken as 0.6 of the
        // frame's height.
        let tiny = Detection { keypoints: [[444.0, 495.0], [460.0, 554.0], [439.0, 500.0], [463.0, 524.0]], ..det };
        let roi = tiny.upright_roi(698.0).expect("upside down");
        assert!((roi.object_scale() - 2.0 * 0.6 * 698.0).abs() < 1e-2, "{roi:?}");
        // An upright detection has nothing to turn.
        let upright = Detection { keypoints: [[415.0, 743.0], [470.0, 313.0], [449.0, 488.0], [497.0, 148.0]], ..det };
        assert!(upright.upright_roi(1920.0).is_none());
    }

    #[test]
    fn the_alignment_points_give_the_square_back() {
        for (c, s) in [([100.0, 200.0], [100.0, 100.0]), ([300.0, 50.0], [420.0, 90.0]), ([5.0, 5.0], [-60.0, 40.0])] {
            let r = Roi::from_alignment(c, s);
            let [c2, s2] = r.alignment();
            for (a, b) in [(c, c2), (s, s2)] {
                assert!((a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3, "{a:?} against {b:?}");
            }
        }
    }

    /// The crop's path: a body at rest whose landmarks jitter by ±3 px gets a crop that moves far less; one that
    /// walks 15 px a frame is followed within 5 px (MediaPipe's tuning, 30 frames a second).
    #[test]
    fn the_crop_is_steady_at_rest_and_follows_a_walk() {
        let mut smoother = CropSmoother::new();
        let mut at_rest = Vec::new();
        for i in 0..60 {
            let jitter = if i % 2 == 0 { 3.0 } else { -3.0 };
            let roi = Roi::from_alignment([500.0 + jitter, 600.0], [500.0 + jitter, 400.0]);
            at_rest.push(smoother.apply(roi, i as f64 / 30.0).cx);
        }
        let last = &at_rest[40..];
        let spread = last.iter().copied().fold(f32::MIN, f32::max) - last.iter().copied().fold(f32::MAX, f32::min);
        assert!(spread < 1.0, "the crop at rest moves {spread:.2} px");
        let mut cx = 0.0;
        for i in 60..90 {
            let x = 500.0 + 15.0 * (i - 59) as f32;
            cx = smoother.apply(Roi::from_alignment([x, 600.0], [x, 400.0]), i as f64 / 30.0).cx;
        }
        let lag = 500.0 + 15.0 * 30.0 - cx;
        assert!(lag < 5.0, "the crop lags the walk by {lag:.1} px");
        // The size and rotation come through unchanged.
        let r = smoother.apply(Roi::from_alignment([950.0, 600.0], [950.0, 400.0]), 3.0);
        assert!((r.side - 500.0).abs() < 5.0 && r.rotation.abs() < 0.02, "{r:?}");
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_people() {
        let d = |x: f32, s: f32| Detection {
            face_box: [x, 0.0, x + 10.0, 10.0],
            keypoints: [[x, 20.0], [x, 0.0], [x, 5.0], [x, 1.0]],
            score: s,
        };
        let out = weighted_nms(vec![d(0.0, 0.9), d(1.0, 0.6), d(100.0, 0.7)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        assert!((out[0].face_box[0] - 0.4).abs() < 1e-5, "{:?}", out[0]);
        assert_eq!(out[1].face_box[0], 100.0);
    }

    #[test]
    fn selectors() {
        let d = |x: f32, size: f32, s: f32| Detection {
            face_box: [x, 0.0, x + 1.0, 1.0],
            keypoints: [[x, 100.0], [x, 100.0 - size], [x, 100.0 - size / 2.0], [x, 0.0]],
            score: s,
        };
        let dets = [d(10.0, 50.0, 0.6), d(80.0, 30.0, 0.9)];
        assert_eq!(select_detection(&dets, PersonSelector::Largest, 100.0, 100.0), Some(&dets[0]));
        assert_eq!(select_detection(&dets, PersonSelector::MostConfident, 100.0, 100.0), Some(&dets[1]));
        assert_eq!(select_detection(&dets, PersonSelector::Nearest { x: 0.75, y: 0.8 }, 100.0, 100.0), Some(&dets[1]));
        assert_eq!(select_detection(&[], PersonSelector::Largest, 1.0, 1.0), None);
    }
}
