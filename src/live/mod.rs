//! The live path: capture, pose and display on their own threads, with latest-frame hand-overs.
//!
//! ```text
//! capture thread ──[one-slot mailbox]──▶ pose thread ──[one-slot mailbox]──▶ display (UI thread, or a bench)
//! ```
//! A slow stage never queues frames: the [`Mailbox`] keeps only the newest, and a frame replaced before the next
//! stage took it counts as dropped. Every hand-over carries the capture instant, so latency is measured from the moment
//! a frame arrived to the moment the display shows it.
//!
//! The capture thread reopens a source that failed (a camera unplugged mid-session) every second until it is back,
//! plays recordings in real time (pause, step, loop, speed) and reports its state in plain words. Frame times
//! ([`Frame::time_s`]) only increase, also when a recording loops or is sought (the position in the recording is
//! [`Frame::clip_time_s`]), so that sessions and recordings made from a looping file have true times.
//!
//! Photos play as stills ([`Playback::image_display_s`]): a folder of images shows each one for a display time
//! (3 s by default) and each is analysed on its own, with no tracking from one photo to the next.
//!
//! - [`capture`]: the capture thread (pacing, looping, seeking, presentation times);
//! - [`pose`]: the pose thread;
//! - [`memory`]: [`MemorySource`], frames held in memory (benchmarks and tests).

mod capture;
mod memory;
mod pose;

pub use memory::MemorySource;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Frame;
use crate::mailbox::Mailbox;
use crate::pose::{EngineConfig, EstimatorConfig, OneEuroParams, PersonSelector, Pose, PoseModel, RunMode};
use crate::source::{FrameSource, SourceError, SourceInfo, SourceKind};
use capture::Captured;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking holder cannot leave these plain values inconsistent; carry on with them.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Pose settings the user can change while running.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoseSettings {
    /// Which model.
    pub model: PoseModel,
    /// Smoothing strength 0..1, or `None` for off.
    pub smoothing: Option<f32>,
    /// Whom to follow.
    pub person: PersonSelector,
    /// Whether poses carry BlazePose's segmentation mask.
    pub segmentation: bool,
    /// Whether the hands' 21 landmarks are tracked too (palm detection and hand landmarks, after the body pose).
    #[serde(default)]
    pub hands: bool,
}

impl Default for PoseSettings {
    fn default() -> Self {
        PoseSettings {
            model: PoseModel::MovenetLightning,
            smoothing: Some(0.5),
            person: PersonSelector::default(),
            segmentation: false,
            hands: false,
        }
    }
}

impl PoseSettings {
    /// The estimator's settings: for the frames of a video (tracked and smoothed), or for photos (`stills`: each
    /// analysed afresh, no smoothing).
    fn estimator_config(&self, stills: bool) -> EstimatorConfig {
        EstimatorConfig {
            model: self.model,
            mode: if stills { RunMode::Stills } else { RunMode::Video },
            smoothing: if stills { None } else { self.smoothing.map(OneEuroParams::with_strength) },
            selector: self.person,
            segmentation: self.segmentation,
            ..EstimatorConfig::default()
        }
    }
}

/// How long a photo stays on screen by default, seconds (see [`Playback::image_display_s`]).
pub const DEFAULT_IMAGE_DISPLAY_S: f64 = 3.0;

/// The shortest and longest display time of a photo, seconds.
pub const IMAGE_DISPLAY_RANGE_S: (f64, f64) = (0.1, 600.0);

/// A display time within [`IMAGE_DISPLAY_RANGE_S`] (the default for a value that is not a number).
fn clamp_display_s(s: f64) -> f64 {
    if s.is_nan() { DEFAULT_IMAGE_DISPLAY_S } else { s.clamp(IMAGE_DISPLAY_RANGE_S.0, IMAGE_DISPLAY_RANGE_S.1) }
}

/// Playback of a recording.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Playback {
    /// Paused: no new frames (the last one stays on screen).
    pub paused: bool,
    /// Start again at the end.
    pub looping: bool,
    /// Speed, 0.1 to 2 (1 = real time).
    pub speed: f32,
    /// A section to loop, seconds of the recording (start, end).
    pub section: Option<(f64, f64)>,
    /// How photos play (a folder of images, or one image): each shown this many seconds and analysed on its own
    /// (no tracking or smoothing from one photo to the next), or `None`: as the frames of a video, at the folder's
    /// frame rate, tracked. Default [`DEFAULT_IMAGE_DISPLAY_S`].
    pub image_display_s: Option<f64>,
    steps: u32,
    restart: bool,
    seek_to: Option<f64>,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            paused: false,
            looping: true,
            speed: 1.0,
            section: None,
            image_display_s: Some(DEFAULT_IMAGE_DISPLAY_S),
            steps: 0,
            restart: false,
            seek_to: None,
        }
    }
}

/// What the capture side is doing, in words for people.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceStatus {
    /// Opening the source.
    Opening,
    /// Frames are coming.
    Running,
    /// Paused by the user.
    Paused,
    /// The recording reached its end (not looping).
    Ended,
    /// The source failed; mirrorcue retries every second. The message says what happened and what to do.
    Reconnecting(String),
}

/// One frame ready to show, with its pose.
#[derive(Clone, Debug)]
pub struct LiveResult {
    /// The frame.
    pub frame: Frame,
    /// The followed person's pose, if seen.
    pub pose: Option<Pose>,
    /// When the frame arrived from the source.
    pub captured_at: Instant,
    /// How long pose estimation took (the hands included).
    pub pose_time: Duration,
    /// The hands, when they are tracked ([`PoseSettings::hands`]).
    pub hands: Vec<crate::hands::Hand>,
}

/// Counters and recent timings, for the therapist's readout.
#[derive(Clone, Debug, Default)]
pub struct LiveStats {
    /// Frames that arrived from the source.
    pub captured: u64,
    /// Frames the pose stage finished.
    pub processed: u64,
    /// Frames dropped because the pose stage was still busy with an earlier one.
    pub dropped_for_processing: u64,
    /// Results replaced before the display took them.
    pub dropped_for_display: u64,
    /// Unreadable frames skipped.
    pub skipped: u64,
    /// The slowest pose step and the closest two captured frames since [`LivePipeline::take_extremes`].
    pub extremes: Extremes,
    capture_times: VecDeque<Instant>,
    pose_times: VecDeque<Instant>,
    latencies_ms: VecDeque<f64>,
    /// Last error of the pose stage, if any.
    pub pose_error: Option<String>,
    /// Which engine runs the model (one line).
    pub engine: String,
    /// Why the faster engine is not running, if so.
    pub engine_note: Option<String>,
}

/// What tells why the pose stage dropped a frame: it drops one when it is still busy as two frames arrive, because a
/// pose step took longer than a frame period or because two frames came close together.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Extremes {
    /// The longest pose step (the hands included).
    pub slowest_pose: Duration,
    /// The shortest time between two frames handed to the pose stage, once two have been.
    pub closest_frames: Option<Duration>,
}

impl Extremes {
    fn pose_step(&mut self, took: Duration) {
        self.slowest_pose = self.slowest_pose.max(took);
    }

    fn frames_apart(&mut self, gap: Duration) {
        self.closest_frames = Some(self.closest_frames.map_or(gap, |c| c.min(gap)));
    }
}

const WINDOW: usize = 120;

fn rate(times: &VecDeque<Instant>) -> f64 {
    match (times.front(), times.back()) {
        (Some(a), Some(b)) if times.len() > 1 && *b > *a => (times.len() - 1) as f64 / (*b - *a).as_secs_f64(),
        _ => 0.0,
    }
}

fn push_window<T>(q: &mut VecDeque<T>, v: T) {
    if q.len() == WINDOW {
        q.pop_front();
    }
    q.push_back(v);
}

impl LiveStats {
    /// Frames per second arriving from the source (recent).
    pub fn camera_fps(&self) -> f64 {
        rate(&self.capture_times)
    }

    /// Poses per second (recent).
    pub fn pose_fps(&self) -> f64 {
        rate(&self.pose_times)
    }

    /// Latency from capture to display, median and 95th percentile over the recent frames, in ms.
    pub fn latency_ms(&self) -> Option<(f64, f64)> {
        if self.latencies_ms.is_empty() {
            return None;
        }
        let mut v: Vec<f64> = self.latencies_ms.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        let pick = |p: f64| v[(((p * v.len() as f64).ceil() as usize).max(1) - 1).min(v.len() - 1)];
        Some((pick(0.5), pick(0.95)))
    }

    /// Every latency sample kept (ms), oldest first.
    pub fn latency_samples(&self) -> Vec<f64> {
        self.latencies_ms.iter().copied().collect()
    }
}

/// Opens (and reopens) the source.
pub type SourceFactory = Box<dyn FnMut() -> Result<Box<dyn FrameSource>, SourceError> + Send>;

/// Called when a new result is ready (the UI asks for a repaint).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

struct Shared {
    stop: AtomicBool,
    playback: Mutex<Playback>,
    status: Mutex<SourceStatus>,
    stats: Mutex<LiveStats>,
    settings: Mutex<(PoseSettings, u64)>,
    source_info: Mutex<Option<SourceInfo>>,
}

/// The running live pipeline. Dropping it stops its threads.
pub struct LivePipeline {
    shared: Arc<Shared>,
    frames: Arc<Mailbox<Captured>>,
    results: Arc<Mailbox<LiveResult>>,
    threads: Vec<JoinHandle<()>>,
}

impl LivePipeline {
    /// Starts capture and pose threads on the source `open` gives, with `settings` and the engine `engine`.
    pub fn start(
        open: SourceFactory,
        settings: PoseSettings,
        engine: EngineConfig,
        models: crate::pose::ModelStore,
        notify: Notify,
    ) -> LivePipeline {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            playback: Mutex::new(Playback::default()),
            status: Mutex::new(SourceStatus::Opening),
            stats: Mutex::new(LiveStats::default()),
            settings: Mutex::new((settings, 0)),
            source_info: Mutex::new(None),
        });
        let frames = Arc::new(Mailbox::new());
        let results = Arc::new(Mailbox::new());
        let capture = {
            let (shared, frames) = (shared.clone(), frames.clone());
            std::thread::Builder::new()
                .name("mirrorcue-capture".into())
                .spawn(move || capture::capture_loop(open, &shared, &frames))
        };
        let pose = {
            let (shared, frames, results) = (shared.clone(), frames.clone(), results.clone());
            std::thread::Builder::new()
                .name("mirrorcue-pose".into())
                .spawn(move || pose::pose_loop(&shared, &frames, &results, engine, models, notify))
        };
        let threads = [capture, pose].into_iter().filter_map(Result::ok).collect();
        LivePipeline { shared, frames, results, threads }
    }

    /// The newest result, if one arrived since the last call.
    pub fn take_result(&self) -> Option<LiveResult> {
        self.results.try_take()
    }

    /// Waits up to `timeout` for the next result.
    pub fn wait_result(&self, timeout: Duration) -> Option<LiveResult> {
        self.results.take_timeout(timeout)
    }

    /// Records that a frame captured at `captured_at` is now on screen (for the latency readout).
    pub fn record_shown(&self, captured_at: Instant) {
        let ms = captured_at.elapsed().as_secs_f64() * 1e3;
        push_window(&mut lock(&self.shared.stats).latencies_ms, ms);
    }

    /// A copy of the counters.
    pub fn stats(&self) -> LiveStats {
        let mut s = lock(&self.shared.stats).clone();
        s.dropped_for_processing = self.frames.dropped();
        s.dropped_for_display = self.results.dropped();
        s
    }

    /// The slowest pose step and the closest two frames since the last call (or the start), and starts over.
    pub fn take_extremes(&self) -> Extremes {
        std::mem::take(&mut lock(&self.shared.stats).extremes)
    }

    /// What the source is doing.
    pub fn status(&self) -> SourceStatus {
        lock(&self.shared.status).clone()
    }

    /// The source's name and kind, once open.
    pub fn source(&self) -> (String, Option<SourceKind>) {
        match &*lock(&self.shared.source_info) {
            Some(info) => (info.name.clone(), Some(info.kind)),
            None => (String::new(), None),
        }
    }

    /// The pose settings in force.
    pub fn settings(&self) -> PoseSettings {
        lock(&self.shared.settings).0
    }

    /// Changes the pose settings (the pose thread picks them up before its next frame).
    pub fn set_settings(&self, settings: PoseSettings) {
        let mut g = lock(&self.shared.settings);
        if g.0 != settings {
            g.0 = settings;
            g.1 += 1;
        }
    }

    /// The playback state.
    pub fn playback(&self) -> Playback {
        *lock(&self.shared.playback)
    }

    /// Pauses or resumes a recording.
    pub fn set_paused(&self, paused: bool) {
        lock(&self.shared.playback).paused = paused;
    }

    /// Loops a recording at its end, or not.
    pub fn set_looping(&self, looping: bool) {
        lock(&self.shared.playback).looping = looping;
    }

    /// Playback speed (0.1 to 2).
    pub fn set_speed(&self, speed: f32) {
        lock(&self.shared.playback).speed = speed.clamp(0.1, 2.0);
    }

    /// Shows the next frame of a paused recording.
    pub fn step(&self) {
        lock(&self.shared.playback).steps += 1;
    }

    /// Shows a recording from `time_s` seconds (paused or playing, as it was). Files are decoded from the start
    /// up to that point, which takes about a second per 10 s of HD video on this class of machine.
    pub fn seek(&self, time_s: f64) {
        lock(&self.shared.playback).seek_to = Some(time_s.max(0.0));
    }

    /// Loops a section of a recording (seconds), or the whole of it (`None`).
    pub fn set_section(&self, section: Option<(f64, f64)>) {
        lock(&self.shared.playback).section = section.map(|(a, b)| (a.min(b), a.max(b)));
    }

    /// Shows each photo of an image folder for `seconds` (kept within [`IMAGE_DISPLAY_RANGE_S`]), each analysed on
    /// its own; `None` plays the folder as the frames of a video (see [`Playback::image_display_s`]).
    pub fn set_image_display_s(&self, seconds: Option<f64>) {
        lock(&self.shared.playback).image_display_s = seconds.map(clamp_display_s);
    }

    /// The recording's length in seconds (the clip time of its last frame), when the file says; for a folder of
    /// photos played as stills, the time its last photo comes on.
    pub fn duration_s(&self) -> Option<f64> {
        let info = lock(&self.shared.source_info).clone()?;
        let n = info.frame_count.filter(|n| *n > 1)?;
        let photos = matches!(info.kind, SourceKind::Image | SourceKind::ImageFolder);
        match (self.playback().image_display_s, info.fps) {
            (Some(d), _) if photos => Some((n - 1) as f64 * clamp_display_s(d)),
            (_, Some(fps)) if fps > 0.0 => Some((n - 1) as f64 / fps),
            _ => None,
        }
    }

    /// Starts a recording again from its first frame.
    pub fn restart(&self) {
        lock(&self.shared.playback).restart = true;
    }

    /// Stops the threads and waits for them.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.frames.close("the live pipeline stopped");
        self.results.close("the live pipeline stopped");
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for LivePipeline {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn set_status(shared: &Shared, s: SourceStatus) {
    *lock(&shared.status) = s;
}

fn sleep_unless_stopped(shared: &Shared, d: Duration) {
    let end = Instant::now() + d;
    while !shared.stop.load(Ordering::Relaxed) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(10).min(end.saturating_duration_since(Instant::now())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_percentiles() {
        let mut s = LiveStats::default();
        for i in 1..=100 {
            push_window(&mut s.latencies_ms, i as f64);
        }
        // The window keeps the last 120: all 100 here.
        assert_eq!(s.latency_ms(), Some((50.0, 95.0)));
    }

    #[test]
    fn extremes_keep_the_slowest_step_and_the_closest_frames() {
        let mut e = Extremes::default();
        assert_eq!(e.closest_frames, None, "no two frames yet");
        for ms in [33, 4, 40] {
            e.frames_apart(Duration::from_millis(ms));
        }
        for ms in [9, 41, 12] {
            e.pose_step(Duration::from_millis(ms));
        }
        assert_eq!(
            e,
            Extremes { slowest_pose: Duration::from_millis(41), closest_frames: Some(Duration::from_millis(4)) }
        );
    }
}
