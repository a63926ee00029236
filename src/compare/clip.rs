//! A reference clip held in memory: every frame with its pose and joint angles, so the reference pane can scrub,
//! step back, loop a section, play in slow motion and follow the patient's movement without seeking in a file.
//!
//! Clips are short (a demonstration, one exercise set). They are held within a memory bound: a clip that would not
//! fit at full size is stored at a lower resolution (said in [`Clip::note`]); poses are normalised, so they are
//! unaffected. A mirrorcue recording folder brings its own pose track (`poses.jsonl`), so loading it runs no model.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use thiserror::Error;

use super::AngleTrack;
use crate::Frame;
use crate::pose::{
    Engine, EngineConfig, EstimatorConfig, Keypoint, ModelStore, Pose, PoseEstimator, PoseModel, Skeleton,
};
use crate::source::{Flow, SourceError};

/// The default memory bound of a clip: 1.5 GiB (about 18 s of 1280 × 720 at 30 fps at full size).
pub const DEFAULT_CLIP_BYTES: usize = 1536 << 20;

/// One frame of a clip.
#[derive(Clone, Debug)]
pub struct ClipFrame {
    /// The pixels and time (seconds from the clip's first frame).
    pub frame: Frame,
    /// The person's pose, if found.
    pub pose: Option<Pose>,
}

/// Why a clip could not be loaded.
#[derive(Debug, Error)]
pub enum ClipError {
    /// The file or folder could not be opened or read.
    #[error("{0}")]
    Source(#[from] SourceError),
    /// The pose model failed.
    #[error("{0}")]
    Pose(#[from] crate::pose::PoseError),
    /// Nothing could be decoded.
    #[error("{0} has no frames that could be decoded: choose another recording.")]
    Empty(String),
    /// The user stopped the loading.
    #[error("loading was cancelled")]
    Cancelled,
}

/// A recording (or a frozen frame, or a stretch of the delay buffer) in memory, with poses.
#[derive(Clone, Debug)]
pub struct Clip {
    /// Name for captions ("squats.mp4", "Frozen frame").
    pub name: String,
    /// Where it came from, if from a file.
    pub path: Option<PathBuf>,
    /// The frames in order; times start at 0.
    pub frames: Vec<ClipFrame>,
    /// The joint angles of each frame (see [`super::features`]).
    pub angles: AngleTrack,
    /// Frames per second (nominal).
    pub fps: f64,
    /// Something the user should know about how it was loaded (stored smaller, cut short, poses recorded).
    pub note: Option<String>,
}

/// Minimum keypoint score for the angles of a clip.
pub const ANGLE_MIN_SCORE: f32 = 0.3;

impl Clip {
    /// A clip of `frames` (with their poses); times are made relative to the first frame.
    pub fn from_frames(name: impl Into<String>, frames: Vec<(Frame, Option<Pose>)>, fps: f64) -> Clip {
        let t0 = frames.first().map(|f| f.0.time_s).unwrap_or(0.0);
        let frames: Vec<ClipFrame> = frames
            .into_iter()
            .map(|(mut frame, pose)| {
                frame.time_s -= t0;
                ClipFrame { frame, pose }
            })
            .collect();
        let angles = frames.iter().map(|f| super::angles(f.pose.as_ref(), ANGLE_MIN_SCORE)).collect();
        Clip { name: name.into(), path: None, frames, angles, fps: if fps > 0.0 { fps } else { 30.0 }, note: None }
    }

    /// One frame held still.
    pub fn frozen(frame: Frame, pose: Option<Pose>) -> Clip {
        Clip::from_frames("Frozen frame", vec![(frame, pose)], 30.0)
    }

    /// Loads `path` (a video, an image folder or a mirrorcue recording folder) into memory within `max_bytes`.
    ///
    /// Poses come from the recording's pose track when it has one for every frame, otherwise from `estimator`
    /// (none: no poses). `progress` is called with the number of frames loaded; returning `false` cancels.
    pub fn load(
        path: &Path,
        mut estimator: Option<&mut PoseEstimator>,
        max_bytes: usize,
        mut progress: impl FnMut(usize) -> bool,
    ) -> Result<Clip, ClipError> {
        let mut src = crate::source::open(path)?;
        let info = src.info().clone();
        let recorded = recorded_poses(path);
        let expected = info.frame_count.unwrap_or(0).max(1) as f64;
        let full = info.width as f64 * info.height as f64 * 3.0;
        // Scale so that the expected frames fit; never below a 1/4 side (then the clip is cut short instead).
        let scale = (max_bytes as f64 / (full * expected)).sqrt().clamp(0.25, 1.0);
        let mut frames = Vec::new();
        let mut bytes = 0usize;
        let mut cut_short = false;
        let mut t0 = None;
        let run = crate::source::for_each_frame(
            src.as_mut(),
            |_| {},
            |frame| -> Result<Flow, ClipError> {
                let n = frames.len();
                let pose = match (&recorded, estimator.as_deref_mut()) {
                    (Some(track), _) => track.get(n).cloned().flatten().map(|mut p| {
                        (p.frame_width, p.frame_height) = (frame.width(), frame.height());
                        p
                    }),
                    (None, Some(est)) => est.estimate(&frame)?,
                    (None, None) => None,
                };
                let mut frame = frame;
                let t = *t0.get_or_insert(frame.time_s);
                frame.time_s -= t;
                if scale < 0.999 {
                    let (w, h) = (
                        ((frame.width() as f64 * scale).round() as u32).max(2),
                        ((frame.height() as f64 * scale).round() as u32).max(2),
                    );
                    let small = image::imageops::resize(&*frame.image, w, h, image::imageops::FilterType::Triangle);
                    frame.image = std::sync::Arc::new(small);
                }
                let size = frame.image.as_raw().len();
                if bytes + size > max_bytes {
                    cut_short = true;
                    return Ok(Flow::Stop);
                }
                bytes += size;
                let pose = pose.map(|mut p| {
                    (p.frame_width, p.frame_height) = (frame.width(), frame.height());
                    p.mask = None;
                    p
                });
                frames.push((frame, pose));
                if !progress(frames.len()) {
                    return Err(ClipError::Cancelled);
                }
                Ok(Flow::Continue)
            },
        )?;
        let skipped = run.skipped;
        if let Some(e) = run.failed {
            if frames.is_empty() {
                return Err(e.into());
            }
            cut_short = true;
            eprintln!("warning: {e}");
        }
        if frames.is_empty() {
            return Err(ClipError::Empty(info.name));
        }
        let fps = info.fps.unwrap_or(30.0);
        let mut clip = Clip::from_frames(info.name.clone(), frames, fps);
        clip.path = Some(path.to_path_buf());
        let mut notes = Vec::new();
        if recorded.is_some() {
            notes.push("poses from the recording".to_string());
        }
        if scale < 0.999 {
            notes.push(format!("stored at {:.0}% size to stay within memory", scale * 100.0));
        }
        if cut_short {
            notes.push(format!("only the first {:.1} s fit in memory", clip.duration_s()));
        }
        if skipped > 0 {
            notes.push(format!("{skipped} damaged frames skipped"));
        }
        clip.note = (!notes.is_empty()).then(|| notes.join("; "));
        Ok(clip)
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether the clip has no frames.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Time of the last frame, seconds.
    pub fn duration_s(&self) -> f64 {
        self.frames.last().map(|f| f.frame.time_s).unwrap_or(0.0)
    }

    /// The index of the frame on screen at `time_s`: the frame nearest to it. (Nearest, not the last one at or
    /// before: timestamps are rounded to milliseconds in files, so a clock running in step with another source lands
    /// a hair before a frame's time as often as after it, and "at or before" would then show one frame twice and
    /// skip the next.)
    pub fn index_at(&self, time_s: f64) -> usize {
        let after = self.frames.partition_point(|f| f.frame.time_s <= time_s);
        match (after.checked_sub(1), self.frames.get(after)) {
            (Some(before), Some(next)) if next.frame.time_s - time_s < time_s - self.frames[before].frame.time_s => {
                after
            }
            (Some(before), _) => before,
            (None, _) => 0,
        }
    }

    /// The time of frame `index` (clamped).
    pub fn time_of(&self, index: usize) -> f64 {
        self.frames.get(index.min(self.len().saturating_sub(1))).map(|f| f.frame.time_s).unwrap_or(0.0)
    }

    /// Memory held by the pixels, bytes.
    pub fn bytes(&self) -> usize {
        self.frames.iter().map(|f| f.frame.image.as_raw().len()).sum()
    }
}

/// A clip being loaded on its own thread (decoding and pose estimation take a moment; the UI goes on meanwhile).
pub struct ClipLoad {
    /// What is being loaded.
    pub path: PathBuf,
    progress: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    result: Arc<Mutex<Option<Result<Clip, String>>>>,
}

impl ClipLoad {
    /// Starts loading `path` within `max_bytes`, estimating poses with `model` on `engine` where the recording has
    /// none.
    pub fn start(
        path: PathBuf,
        engine: EngineConfig,
        models: ModelStore,
        model: PoseModel,
        max_bytes: usize,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> ClipLoad {
        let progress = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let result = Arc::new(Mutex::new(None));
        let (p, c, r, at) = (progress.clone(), cancel.clone(), result.clone(), path.clone());
        let spawned = std::thread::Builder::new().name("mirrorcue-clip".into()).spawn(move || {
            let outcome = (|| -> Result<Clip, String> {
                let engine = Engine::select(&engine).map_err(|e| e.to_string())?;
                let mut est =
                    PoseEstimator::new(&models, &engine, EstimatorConfig::video(model)).map_err(|e| e.to_string())?;
                Clip::load(&at, Some(&mut est), max_bytes, |n| {
                    p.store(n, Ordering::Relaxed);
                    !c.load(Ordering::Relaxed)
                })
                .map_err(|e| e.to_string())
            })();
            *r.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            notify();
        });
        if let Err(e) = spawned {
            *result.lock().unwrap_or_else(|e| e.into_inner()) = Some(Err(format!("cannot start loading: {e}")));
        }
        ClipLoad { path, progress, cancel, result }
    }

    /// Frames loaded so far.
    pub fn progress(&self) -> usize {
        self.progress.load(Ordering::Relaxed)
    }

    /// The clip (or why it could not be loaded), once done.
    pub fn take(&self) -> Option<Result<Clip, String>> {
        self.result.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Asks the loading to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for ClipLoad {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The pose track of a mirrorcue recording folder, one entry per frame, if it has one.
fn recorded_poses(path: &Path) -> Option<Vec<Option<Pose>>> {
    let manifest = crate::recording::read_manifest(path)?;
    let skeleton = match manifest.keypoint_names.len() {
        17 => Skeleton::Coco17,
        33 => Skeleton::BlazePose33,
        _ => return None,
    };
    let lines = crate::recording::read_poses(path);
    if lines.is_empty() {
        return None;
    }
    Some(
        lines
            .into_iter()
            .map(|(_, _, kps)| {
                let kps = kps?;
                if kps.len() != skeleton.joints().len() {
                    return None;
                }
                let keypoints: Vec<Keypoint> =
                    kps.iter().map(|k| Keypoint { x: k[0], y: k[1], score: k[2], presence: None, z: None }).collect();
                let score = keypoints.iter().map(|k| k.score).sum::<f32>() / keypoints.len() as f32;
                Some(Pose {
                    skeleton,
                    keypoints,
                    score,
                    world: None,
                    mask: None,
                    frame_width: manifest.width,
                    frame_height: manifest.height,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(i: u64) -> Frame {
        Frame::new(image::RgbImage::new(8, 6), i, 10.0 + i as f64 / 30.0, "t")
    }

    #[test]
    fn times_start_at_zero_and_index_lookup() {
        let clip = Clip::from_frames("x", (0..30).map(|i| (frame(i), None)).collect(), 30.0);
        assert_eq!(clip.len(), 30);
        assert!((clip.duration_s() - 29.0 / 30.0).abs() < 1e-9);
        assert_eq!(clip.index_at(0.0), 0);
        assert_eq!(clip.index_at(0.5), 15);
        assert_eq!(clip.index_at(100.0), 29);
        assert_eq!(clip.index_at(-1.0), 0);
        // Times a hair off a frame's own (millisecond rounding) give that frame.
        assert_eq!(clip.index_at(0.5 - 0.001), 15);
        assert_eq!(clip.index_at(0.5 + 0.001), 15);
        assert!((clip.time_of(15) - 0.5).abs() < 1e-9);
        assert_eq!(clip.bytes(), 30 * 8 * 6 * 3);
    }
}
