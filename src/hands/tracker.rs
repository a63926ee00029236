//! Hands over time: palm detection when fewer hands are tracked than wanted (in the frame's own turn, or beside it on
//! a thread of its own for a live view), tracking each hand from its previous landmarks, dropping a hand when its
//! presence falls below 0.5, smoothing, and the person's side of each hand.

use std::time::Instant;

use super::beside::PalmThread;
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
    /// In video mode, while at least one hand is tracked, look for the others on a thread of its own
    /// ([`PalmThread`]): the frame asks and goes on with its tracked hands, and the palms found are used on a later
    /// frame, so no frame with a hand waits for the detector. With no hand tracked the palm detector runs in the
    /// frame's own turn, as MediaPipe runs it (there is nothing to track meanwhile, and a hand is found on the frame
    /// it shows). Off by default (MediaPipe's order throughout).
    pub palms_beside: bool,
}

impl Default for HandsConfig {
    fn default() -> Self {
        HandsConfig {
            max_hands: 2,
            mode: RunMode::Video,
            smoothing: Some(hand_one_euro()),
            detect_every: 1,
            palms_beside: false,
        }
    }
}

impl HandsConfig {
    /// Settings for unrelated still images: palm detection on every frame, no tracking, no smoothing.
    pub fn stills() -> Self {
        HandsConfig { mode: RunMode::Stills, smoothing: None, ..HandsConfig::default() }
    }

    /// Settings for a live view: while a hand is tracked, the search for the other one beside the frames
    /// ([`palms_beside`](Self::palms_beside)), every [`LIVE_DETECT_EVERY`] frames.
    pub fn live() -> Self {
        HandsConfig { palms_beside: true, detect_every: LIVE_DETECT_EVERY, ..HandsConfig::default() }
    }
}

/// While a hand is tracked, a live view looks for the other one every this many frames (at 30 fps, 10 times a
/// second): the palm detector is the costliest model of the hands, and at every frame it took most of a core.
pub const LIVE_DETECT_EVERY: u32 = 3;

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
    /// The search for more hands while one is tracked ([`HandsConfig::palms_beside`]).
    beside: Option<PalmThread>,
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
        let beside = if config.palms_beside && config.mode == RunMode::Video {
            let thread = PalmThread::start(PalmDetector::new(store, engine)?)
                .map_err(|e| PoseError::BadOutput(format!("could not start the palm detector's thread: {e}")))?;
            Some(thread)
        } else {
            None
        };
        Ok(HandTracker {
            palms: PalmDetector::new(store, engine)?,
            beside,
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
        if let Some(t) = &self.beside {
            t.clear();
        }
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
        // Palms the thread beside found on an earlier frame, then this frame's if they are wanted now: beside while a
        // hand is tracked, in this frame's turn otherwise.
        let mut palms: Vec<PalmDetection> = match &self.beside {
            Some(t) => t.take_for(frame).transpose()?.unwrap_or_default(),
            None => Vec::new(),
        };
        if want_palms {
            self.since_detection = 0;
            match &self.beside {
                Some(t) if !crops.is_empty() => t.request(frame),
                _ => palms = self.palms.detect(image, &mut times)?,
            }
        }
        for palm in palms {
            if crops.len() >= max {
                break;
            }
            let roi = HandRoi::from_palm(&palm, fw, fh);
            if crops.iter().all(|(r, _)| r.iou(&roi) <= SAME_HAND_IOU) {
                crops.push((roi, None));
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
