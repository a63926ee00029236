//! Pose estimation: frames in, [`Pose`]s out, the same code for live cameras, recordings and tests.
//!
//! ```text
//! Frame ─▶ PoseEstimator ─┬─ MoveNet (smart crop) ─┐
//!                         └─ BlazePose (detect → crop → landmarks, tracking) ─┴─▶ label fix-up ─▶ smoothing ─▶ Pose
//! ```
//! - [`engine`]: which inference engine runs (ONNX Runtime, or tract as the fallback);
//! - [`models`]: the shipped model files, verified when loaded;
//! - [`onnx_prune`]: a model cut to the outputs read (BlazePose without its mask decoder);
//! - [`movenet`], [`blazepose`]: the models' pipelines;
//! - [`framing`]: upper-body framing (hips out of view), told apart from whole-body framing;
//! - [`sides`]: steady left/right labels of legs and arms over a sequence (the label fix-up);
//! - [`smoothing`]: the One Euro filter;
//! - [`tracking`]: noticing a lost crop (a cut, another frame size), so that tracking starts afresh at once;
//! - [`keypoints`], [`types`]: joint names, sides and the [`Pose`] type.

pub mod angles;
pub mod blazepose;
pub mod engine;
pub mod framing;
pub mod imgproc;
pub mod keypoints;
pub mod models;
pub mod movenet;
pub mod onnx_prune;
pub mod sides;
pub mod smoothing;
pub mod tracking;
pub mod types;

use std::time::{Duration, Instant};

use thiserror::Error;

pub use engine::{Engine, EngineChoice, EngineConfig, EngineError, EngineKind};
pub use framing::{Framing, Pace, SteadyFraming};
pub use keypoints::{COCO_17, Joint, Side, Skeleton};
pub use models::{ModelCheck, ModelError, ModelStore, PoseModel};
pub use smoothing::{OneEuroParams, PoseSmoother};
pub use types::{Keypoint, Pose, SegmentationMask, WorldPoint};

use crate::Frame;

/// Errors of pose estimation.
#[derive(Debug, Error)]
pub enum PoseError {
    /// A model file could not be used.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The engine failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A model returned something it should not.
    #[error("unexpected model output: {0}")]
    BadOutput(String),
}

/// Whom to follow when several people are in view (a therapist beside the patient).
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub enum PersonSelector {
    /// The person whose body looks biggest (nearest the camera).
    Largest,
    /// The person the detector is surest of: MediaPipe's own choice, and the most reliable one on crowded photos
    /// (PCK@0.2 on the COCO photos, BlazePose full: 0.71 against 0.61 for `Largest`).
    #[default]
    MostConfident,
    /// The person nearest this normalised frame position (a click on the patient).
    Nearest {
        /// Normalised x.
        x: f32,
        /// Normalised y.
        y: f32,
    },
    /// The person nearest this frame position in pixels (`--person 640,360`).
    NearestPixel {
        /// x, pixels from the left edge.
        x: f32,
        /// y, pixels from the top edge.
        y: f32,
    },
}

impl PersonSelector {
    /// The chosen position normalised to a `width × height` frame, for the selectors that name a position.
    pub fn point(self, width: u32, height: u32) -> Option<(f32, f32)> {
        match self {
            PersonSelector::Nearest { x, y } => Some((x, y)),
            PersonSelector::NearestPixel { x, y } => Some((x / width.max(1) as f32, y / height.max(1) as f32)),
            PersonSelector::Largest | PersonSelector::MostConfident => None,
        }
    }

    /// Whether the tracker may change to a bigger or surer person who comes into view ([`tracking::Reconsider`]);
    /// a person chosen by position is kept.
    pub fn reconsiders(self) -> bool {
        matches!(self, PersonSelector::Largest | PersonSelector::MostConfident)
    }
}

/// Whether frames are a sequence (track and smooth) or unrelated stills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RunMode {
    /// Frames of one video or camera: each frame's pose guides the next crop; smoothing applies.
    #[default]
    Video,
    /// Unrelated images: every frame is analysed afresh, without smoothing.
    Stills,
}

/// Time spent in each stage, for benchmarks and the live readout.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Cropping, resizing and converting pixels into model input.
    pub preprocess: Duration,
    /// Running the model(s).
    pub inference: Duration,
    /// Turning model outputs into keypoints (decoding, non-maximum suppression, projection).
    pub postprocess: Duration,
    /// Temporal smoothing.
    pub smoothing: Duration,
}

impl StageTimes {
    /// All stages together.
    pub fn total(&self) -> Duration {
        self.preprocess + self.inference + self.postprocess + self.smoothing
    }
}

/// How the estimator runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EstimatorConfig {
    /// Which model.
    pub model: PoseModel,
    /// Sequence or stills.
    pub mode: RunMode,
    /// Smoothing (video only); `None` = off.
    pub smoothing: Option<OneEuroParams>,
    /// Whom to follow.
    pub selector: PersonSelector,
    /// Below this overall score MoveNet reports no person.
    pub min_pose_score: f32,
    /// Whether BlazePose poses carry the segmentation mask.
    pub segmentation: bool,
}

impl Default for EstimatorConfig {
    fn default() -> Self {
        EstimatorConfig {
            model: PoseModel::MovenetLightning,
            mode: RunMode::Video,
            smoothing: Some(OneEuroParams::default()),
            selector: PersonSelector::MostConfident,
            min_pose_score: 0.15,
            segmentation: false,
        }
    }
}

impl EstimatorConfig {
    /// Settings for `model` on a video.
    pub fn video(model: PoseModel) -> Self {
        EstimatorConfig { model, ..Default::default() }
    }

    /// Settings for `model` on unrelated still images (no tracking, no smoothing).
    pub fn stills(model: PoseModel) -> Self {
        EstimatorConfig { model, mode: RunMode::Stills, smoothing: None, ..Default::default() }
    }
}

enum Backend {
    MoveNet(movenet::MoveNet),
    BlazePose(Box<blazepose::BlazePose>),
}

/// Turns frames into poses: the one entry point the CLI, the app and the tests use.
pub struct PoseEstimator {
    backend: Backend,
    config: EstimatorConfig,
    smoother: PoseSmoother,
    sides: Option<sides::SideKeeper>,
    watch: tracking::CutWatch,
    afresh: bool,
    last_mirrored: Option<bool>,
    last_times: StageTimes,
    engine: EngineKind,
}

impl PoseEstimator {
    /// Loads the configured model from `store` on `engine`.
    pub fn new(store: &ModelStore, engine: &Engine, config: EstimatorConfig) -> Result<Self, PoseError> {
        let backend = match config.model {
            PoseModel::MovenetLightning => {
                Backend::MoveNet(movenet::MoveNet::new(store, engine, movenet::MoveNetVariant::Lightning)?)
            }
            PoseModel::MovenetThunder => {
                Backend::MoveNet(movenet::MoveNet::new(store, engine, movenet::MoveNetVariant::Thunder)?)
            }
            PoseModel::BlazeposeLite | PoseModel::BlazeposeFull | PoseModel::BlazeposeHeavy => {
                let file = match config.model {
                    PoseModel::BlazeposeLite => models::ModelFile::BlazeposeLandmarkLite,
                    PoseModel::BlazeposeFull => models::ModelFile::BlazeposeLandmarkFull,
                    _ => models::ModelFile::BlazeposeLandmarkHeavy,
                };
                Backend::BlazePose(Box::new(blazepose::BlazePose::new(store, engine, file, config.segmentation)?))
            }
        };
        Ok(PoseEstimator {
            backend,
            smoother: PoseSmoother::new(config.smoothing.unwrap_or_default()),
            config,
            sides: Some(sides::SideKeeper::new()),
            watch: tracking::CutWatch::new(),
            afresh: true,
            last_mirrored: None,
            last_times: StageTimes::default(),
            engine: engine.kind(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &EstimatorConfig {
        &self.config
    }

    /// Which engine runs the model.
    pub fn engine(&self) -> EngineKind {
        self.engine
    }

    /// Stage timings of the last [`estimate`](Self::estimate).
    pub fn last_times(&self) -> StageTimes {
        self.last_times
    }

    /// Changes whom to follow; tracking restarts on the next frame.
    pub fn set_selector(&mut self, selector: PersonSelector) {
        self.config.selector = selector;
        self.reset();
    }

    /// Changes smoothing (`None` = off).
    pub fn set_smoothing(&mut self, smoothing: Option<OneEuroParams>) {
        self.config.smoothing = smoothing;
        self.smoother.set_params(smoothing.unwrap_or_default());
    }

    /// Forgets tracking and smoothing state (a new recording, a jump in time).
    pub fn reset(&mut self) {
        match &mut self.backend {
            Backend::MoveNet(m) => m.reset(),
            Backend::BlazePose(b) => b.reset(),
        }
        self.smoother.reset();
        if let Some(k) = self.sides.as_mut() {
            k.reset();
        }
        self.watch.reset();
    }

    /// Turns the steady-sides stage ([`sides::SideKeeper`], on by default) on or off; off leaves the model's own
    /// left/right labels (for measuring how often they flip).
    pub fn set_steady_sides(&mut self, on: bool) {
        self.sides = on.then(sides::SideKeeper::new);
    }

    /// Estimates the pose of the followed person in `frame`; `None` when nobody is seen.
    ///
    /// If the frame is marked [`mirrored`](Frame::mirrored), the model saw a mirror image and named each side
    /// after its mirror twin; the names are swapped back so that `left_*` is the person's own left. Positions stay
    /// in the frame's (mirrored) pixel coordinates.
    pub fn estimate(&mut self, frame: &Frame) -> Result<Option<Pose>, PoseError> {
        let mut times = StageTimes::default();
        let tracking = self.config.mode == RunMode::Video;
        if self.last_mirrored.is_some_and(|m| m != frame.mirrored) {
            // Left and right would trade places in the filters.
            self.reset();
        }
        self.last_mirrored = Some(frame.mirrored);
        if tracking && self.watch.is_cut(&frame.image) {
            // A cut, a camera switch, another frame size: what the crop showed is gone.
            self.reset();
            self.afresh = true;
        }
        if std::mem::take(&mut self.afresh)
            && let Backend::BlazePose(b) = &mut self.backend
        {
            // The first frame, or the first after a cut, is as new as a photo: read the person found as a photo.
            b.look_twice_next();
        }
        if tracking
            && let (Some((x, y)), Backend::MoveNet(m)) =
                (self.config.selector.point(frame.width(), frame.height()), &mut self.backend)
            && m.next_crop().is_none()
        {
            let side = frame.width().min(frame.height()) as f32;
            m.set_next_crop(movenet::CropRegion::square_at(x, y, side, frame.width(), frame.height()));
        }
        let pose = match &mut self.backend {
            Backend::MoveNet(m) => {
                m.estimate(&frame.image, tracking, self.config.min_pose_score, self.config.selector, &mut times)?
            }
            Backend::BlazePose(b) => {
                // The crop's path is smoothed with the landmarks, as MediaPipe does (its auxiliary landmarks).
                let crop_smoothing = self.config.smoothing.map(|_| frame.time_s);
                b.estimate(&frame.image, tracking, self.config.selector, crop_smoothing, &mut times)?
            }
        };
        match self.next_region(frame) {
            Some(region) if tracking => self.watch.remember(&frame.image, region),
            _ => self.watch.reset(),
        }
        let new_person = match &mut self.backend {
            Backend::MoveNet(m) => m.take_new_person(),
            Backend::BlazePose(b) => b.take_new_person(),
        };
        if new_person {
            // Another person than in the previous frame: nothing of the last one's motion carries over.
            self.smoother.reset();
            if let Some(k) = self.sides.as_mut() {
                k.reset();
            }
        }
        let pose = pose.map(|mut p| {
            // The steady sides before the names are swapped back: a side view's anatomy (the side the face turns to
            // is the nearer one) holds in the picture the model saw, mirrored or not.
            if tracking && let Some(keeper) = self.sides.as_mut() {
                keeper.apply(&mut p, frame.time_s);
            }
            if frame.mirrored {
                p.swap_sides();
            }
            if tracking && self.config.smoothing.is_some() {
                let t = Instant::now();
                // BlazePose's speeds against the size MediaPipe uses (the alignment square of this frame's
                // landmarks: the squat clip as Google's run 4.42 -> 4.14 px); MoveNet's against its keypoints' box.
                let scale = match &self.backend {
                    Backend::BlazePose(b) => b.object_scale(),
                    Backend::MoveNet(_) => None,
                };
                self.smoother.apply_with_scale(&mut p, frame.time_s, scale);
                times.smoothing = t.elapsed();
            }
            p
        });
        if pose.is_none() {
            self.smoother.reset();
            if let Some(k) = self.sides.as_mut() {
                k.reset();
            }
        }
        self.last_times = times;
        Ok(pose)
    }

    /// The region (frame pixels: x min, y min, x max, y max) the tracker will read in the next frame, if any.
    fn next_region(&self, frame: &Frame) -> Option<[f32; 4]> {
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        match &self.backend {
            Backend::MoveNet(m) => m.next_crop().map(|c| [c.x_min * w, c.y_min * h, c.x_max * w, c.y_max * h]),
            Backend::BlazePose(b) => b
                .next_roi()
                .map(|r| [r.cx - r.side / 2.0, r.cy - r.side / 2.0, r.cx + r.side / 2.0, r.cy + r.side / 2.0]),
        }
    }
}
