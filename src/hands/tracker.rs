//! Hands over time: palm detection when fewer hands are tracked than wanted, tracking each hand from its previous
//! landmarks, dropping a hand when its presence falls below 0.5, smoothing, and the person's side of each hand.

use std::time::Instant;

use super::landmarks::{CropResult, HandLandmarker};
use super::palm::{PalmDetection, PalmDetector};
use super::roi::HandRoi;
use super::side_from_handedness;
use super::smoothing::{HandSmoother, hand_one_euro};
use super::types::{Hand, HandPoint, NUM_LANDMARKS};
use crate::Frame;
use crate::pose::{Engine, EngineKind, Joint, ModelStore, OneEuroParams, Pose, PoseError, RunMode, StageTimes};

/// Below this presence the landmark model has lost the hand (MediaPipe's `minTrackingConfidence` default).
pub const MIN_PRESENCE: f32 = 0.5;
/// A new palm whose crop overlaps a tracked hand's by more than this (IoU) is that hand (MediaPipe's
/// AssociationNormRectCalculator threshold).
const SAME_HAND_IOU: f32 = 0.5;

/// How the hand tracker runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandsConfig {
    /// At most this many hands (MediaPipe's `maxNumHands`, default 2).
    pub max_hands: usize,
    /// Video (track from frame to frame, smooth) or unrelated stills (palm detection on every frame, no smoothing).
    pub mode: RunMode,
    /// One Euro smoothing of the landmarks in video mode; `None` = off. Default: MediaPipe's hand tuning.
    pub smoothing: Option<OneEuroParams>,
    /// While at least one hand is tracked but fewer than `max_hands`, look for new palms every this many frames.
    /// 1 (the default) is MediaPipe's behaviour; a live view on a slow machine may raise it, since the palm
    /// detector costs about twice the landmark model.
    pub detect_every: u32,
}

impl Default for HandsConfig {
    fn default() -> Self {
        HandsConfig { max_hands: 2, mode: RunMode::Video, smoothing: Some(hand_one_euro()), detect_every: 1 }
    }
}

impl HandsConfig {
    /// Settings for unrelated still images: palm detection on every frame, no tracking, no smoothing.
    pub fn stills() -> Self {
        HandsConfig { mode: RunMode::Stills, smoothing: None, ..HandsConfig::default() }
    }
}

/// One tracked hand between frames.
struct Track {
    /// Where to look in the next frame.
    next: HandRoi,
    smoother: HandSmoother,
    /// Sum and count of the handedness outputs seen on this track (the side is decided on their mean).
    handedness_sum: f32,
    frames: u32,
}

/// Finds and follows up to [`HandsConfig::max_hands`] hands in a stream of frames.
pub struct HandTracker {
    palms: PalmDetector,
    landmarker: HandLandmarker,
    config: HandsConfig,
    tracks: Vec<Track>,
    since_detection: u32,
    last_mirrored: Option<bool>,
    last_times: StageTimes,
    engine: EngineKind,
}

impl HandTracker {
    /// Loads the palm detector and the landmark model from `store` on `engine`.
    pub fn new(store: &ModelStore, engine: &Engine, config: HandsConfig) -> Result<Self, PoseError> {
        Ok(HandTracker {
            palms: PalmDetector::new(store, engine)?,
            landmarker: HandLandmarker::new(store, engine)?,
            config,
            tracks: Vec::new(),
            since_detection: 0,
            last_mirrored: None,
            last_times: StageTimes::default(),
            engine: engine.kind(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &HandsConfig {
        &self.config
    }

    /// Which engine runs the models.
    pub fn engine(&self) -> EngineKind {
        self.engine
    }

    /// Stage timings of the last [`process`](Self::process).
    pub fn last_times(&self) -> StageTimes {
        self.last_times
    }

    /// How many hands are being tracked (the next frame reads their crops without palm detection).
    pub fn tracked(&self) -> usize {
        self.tracks.len()
    }

    /// Forgets every tracked hand (a new recording, a jump in time).
    pub fn reset(&mut self) {
        self.tracks.clear();
        self.since_detection = 0;
    }

    /// The hands in `frame`, at most [`HandsConfig::max_hands`], most present first. Positions are in the frame's
    /// own pixels (normalised); each hand's side is the person's own, also on a frame marked
    /// [`mirrored`](Frame::mirrored).
    pub fn process(&mut self, frame: &Frame) -> Result<Vec<Hand>, PoseError> {
        self.process_with_pose(frame, None)
    }

    /// As [`process`](Self::process), with the body pose of the same frame: a BlazePose pose whose wrist, index and
    /// pinky points are confident (score ≥ 0.5) seeds a crop for each hand not already tracked
    /// ([`HandRoi::from_body`]), and the palm detector runs only when tracked and seeded crops together are fewer
    /// than [`HandsConfig::max_hands`]. A seed that holds no hand (presence below 0.5) is dropped.
    pub fn process_with_pose(&mut self, frame: &Frame, pose: Option<&Pose>) -> Result<Vec<Hand>, PoseError> {
        let mut times = StageTimes::default();
        if self.last_mirrored.is_some_and(|m| m != frame.mirrored) {
            self.reset();
        }
        self.last_mirrored = Some(frame.mirrored);
        let video = self.config.mode == RunMode::Video;
        if !video {
            self.tracks.clear();
        }
        let image = &*frame.image;
        let (fw, fh) = (image.width(), image.height());
        let max = self.config.max_hands;

        // The crops to read: tracked hands first, then new palms that are not one of them.
        let mut crops: Vec<(HandRoi, Option<Track>)> =
            self.tracks.drain(..).map(|t| (t.next, Some(t))).take(max).collect();
        for seed in pose.map(body_seeds).unwrap_or_default() {
            if crops.len() < max && crops.iter().all(|(r, _)| r.iou(&seed) <= SAME_HAND_IOU) {
                crops.push((seed, None));
            }
        }
        self.since_detection = self.since_detection.saturating_add(1);
        let want_palms = crops.len() < max
            && (crops.is_empty() || self.since_detection >= self.config.detect_every.max(1) || !video);
        if want_palms {
            self.since_detection = 0;
            let palms: Vec<PalmDetection> = self.palms.detect(image, &mut times)?;
            for palm in palms {
                if crops.len() >= max {
                    break;
                }
                let roi = HandRoi::from_palm(&palm, fw, fh);
                if crops.iter().all(|(r, _)| r.iou(&roi) <= SAME_HAND_IOU) {
                    crops.push((roi, None));
                }
            }
        }

        let mut found: Vec<(CropResult, Track)> = Vec::new();
        for (roi, track) in crops {
            let r = self.landmarker.run(image, roi, &mut times)?;
            if r.presence < MIN_PRESENCE {
                continue;
            }
            let mut track = track.unwrap_or_else(|| Track {
                next: roi,
                smoother: HandSmoother::new(self.config.smoothing.unwrap_or_else(hand_one_euro)),
                handedness_sum: 0.0,
                frames: 0,
            });
            let px: [[f32; 2]; NUM_LANDMARKS] = r.landmarks_px.map(|p| [p[0], p[1]]);
            track.next = HandRoi::from_landmarks(&px);
            track.handedness_sum += r.handedness;
            track.frames += 1;
            found.push((r, track));
        }
        // Two crops that drifted onto one hand: keep the more present.
        found.sort_by(|a, b| b.0.presence.total_cmp(&a.0.presence));
        let mut kept: Vec<(CropResult, Track)> = Vec::new();
        for (r, t) in found {
            if kept.iter().all(|(_, k)| k.next.iou(&t.next) <= SAME_HAND_IOU) {
                kept.push((r, t));
            }
        }

        let mut hands = Vec::with_capacity(kept.len());
        for (r, mut track) in kept {
            let mut px = r.landmarks_px;
            if video && self.config.smoothing.is_some() {
                let t = Instant::now();
                track.smoother.apply(&mut px, frame.time_s);
                times.smoothing += t.elapsed();
            }
            let mean = track.handedness_sum / track.frames.max(1) as f32;
            let (w, h) = (fw as f32, fh as f32);
            hands.push(Hand {
                side: side_from_handedness(mean, frame.mirrored),
                landmarks: px.map(|p| HandPoint { x: p[0] / w, y: p[1] / h, z: p[2] / w }),
                world: r.world,
                score: mean.max(1.0 - mean),
                presence: r.presence,
                handedness: r.handedness,
                roi: r.roi,
                mirrored: frame.mirrored,
                frame_width: fw,
                frame_height: fh,
            });
            if video {
                self.tracks.push(track);
            }
        }
        self.last_times = times;
        Ok(hands)
    }
}

/// Crops seeded by a body pose's hands (BlazePose's wrist, index and pinky points with score ≥ 0.5), in pixels.
fn body_seeds(pose: &Pose) -> Vec<HandRoi> {
    let (w, h) = (pose.frame_width, pose.frame_height);
    let px = |j: Joint| {
        pose.get_confident(j, 0.5).map(|k| {
            let (x, y) = k.to_pixels(w, h);
            [x, y]
        })
    };
    [(Joint::LeftWrist, Joint::LeftIndex, Joint::LeftPinky), (Joint::RightWrist, Joint::RightIndex, Joint::RightPinky)]
        .into_iter()
        .filter_map(|(wr, ix, pk)| Some(HandRoi::from_body(px(wr)?, px(ix)?, px(pk)?)))
        .collect()
}
