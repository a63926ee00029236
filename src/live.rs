//! The live path: capture, pose and display on their own threads, with latest-frame hand-overs.
//!
//! ```text
//! capture thread ──[one-slot mailbox]──▶ pose thread ──[one-slot mailbox]──▶ display (UI thread, or a bench)
//! ```
//! A slow stage never queues frames: the mailbox keeps only the newest, and a frame replaced before the next stage
//! took it counts as dropped. Every hand-over carries the capture instant, so latency is measured from the moment
//! a frame arrived to the moment the display shows it.
//!
//! The capture thread reopens a source that failed (a camera unplugged mid-session) every second until it is back,
//! plays recordings in real time (pause, step, loop, speed) and reports its state in plain words.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Frame;
use crate::pose::{
    Engine, EngineConfig, EstimatorConfig, OneEuroParams, PersonSelector, Pose, PoseEstimator, PoseModel, RunMode,
};
use crate::source::{FrameSource, SourceError, SourceKind};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking holder cannot leave these plain values inconsistent; carry on with them.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A one-slot mailbox: `put` replaces what was not yet taken (and counts it as dropped), `take` waits.
pub struct Latest<T> {
    slot: Mutex<(Option<T>, bool)>,
    ready: Condvar,
    dropped: AtomicU64,
}

impl<T> Default for Latest<T> {
    fn default() -> Self {
        Latest { slot: Mutex::new((None, false)), ready: Condvar::new(), dropped: AtomicU64::new(0) }
    }
}

impl<T> Latest<T> {
    /// An empty mailbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `value` in, replacing an untaken one; returns `true` if one was replaced (dropped).
    pub fn put(&self, value: T) -> bool {
        let mut g = lock(&self.slot);
        let replaced = g.0.replace(value).is_some();
        if replaced {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        drop(g);
        self.ready.notify_one();
        replaced
    }

    /// Takes the value if there is one.
    pub fn try_take(&self) -> Option<T> {
        lock(&self.slot).0.take()
    }

    /// Waits up to `timeout` for a value; `None` on time-out or when closed and empty.
    pub fn take_timeout(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut g = lock(&self.slot);
        loop {
            if let Some(v) = g.0.take() {
                return Some(v);
            }
            if g.1 {
                return None;
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            g = self.ready.wait_timeout(g, deadline - now).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
        }
    }

    /// Wakes every waiter; later takes return what is left, then `None`.
    pub fn close(&self) {
        lock(&self.slot).1 = true;
        self.ready.notify_all();
    }

    /// How many values were replaced before being taken.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
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
}

impl Default for PoseSettings {
    fn default() -> Self {
        PoseSettings {
            model: PoseModel::MovenetLightning,
            smoothing: Some(0.5),
            person: PersonSelector::default(),
            segmentation: false,
        }
    }
}

impl PoseSettings {
    fn estimator_config(&self) -> EstimatorConfig {
        EstimatorConfig {
            model: self.model,
            mode: RunMode::Video,
            smoothing: self.smoothing.map(OneEuroParams::with_strength),
            selector: self.person,
            segmentation: self.segmentation,
            ..EstimatorConfig::default()
        }
    }
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
    steps: u32,
    restart: bool,
    seek_to: Option<f64>,
}

impl Default for Playback {
    fn default() -> Self {
        Playback { paused: false, looping: true, speed: 1.0, section: None, steps: 0, restart: false, seek_to: None }
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
    /// How long pose estimation took.
    pub pose_time: Duration,
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
    source_name: Mutex<String>,
    source_kind: Mutex<Option<SourceKind>>,
    duration_s: Mutex<Option<f64>>,
}

/// The running live pipeline. Dropping it stops its threads.
pub struct LivePipeline {
    shared: Arc<Shared>,
    frames: Arc<Latest<(Frame, Instant)>>,
    results: Arc<Latest<LiveResult>>,
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
            source_name: Mutex::new(String::new()),
            source_kind: Mutex::new(None),
            duration_s: Mutex::new(None),
        });
        let frames = Arc::new(Latest::new());
        let results = Arc::new(Latest::new());
        let capture = {
            let (shared, frames) = (shared.clone(), frames.clone());
            std::thread::Builder::new()
                .name("mirrorcue-capture".into())
                .spawn(move || capture_loop(open, &shared, &frames))
        };
        let pose = {
            let (shared, frames, results) = (shared.clone(), frames.clone(), results.clone());
            std::thread::Builder::new()
                .name("mirrorcue-pose".into())
                .spawn(move || pose_loop(&shared, &frames, &results, engine, models, notify))
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

    /// What the source is doing.
    pub fn status(&self) -> SourceStatus {
        lock(&self.shared.status).clone()
    }

    /// The source's name and kind, once open.
    pub fn source(&self) -> (String, Option<SourceKind>) {
        (lock(&self.shared.source_name).clone(), *lock(&self.shared.source_kind))
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

    /// The recording's length in seconds, when the file says.
    pub fn duration_s(&self) -> Option<f64> {
        *lock(&self.shared.duration_s)
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
        self.frames.close();
        self.results.close();
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

fn capture_loop(mut open: SourceFactory, shared: &Shared, frames: &Latest<(Frame, Instant)>) {
    let mut source: Option<Box<dyn FrameSource>> = None;
    // Real-time pacing of recordings: wall-clock instant of media time `clock.1`.
    let mut clock: Option<(Instant, f64)> = None;
    let mut last_speed = 1.0f32;
    while !shared.stop.load(Ordering::Relaxed) {
        let Some(src) = source.as_mut() else {
            match open() {
                Ok(s) => {
                    *lock(&shared.source_name) = s.info().name.clone();
                    *lock(&shared.source_kind) = Some(s.info().kind);
                    *lock(&shared.duration_s) = match (s.info().frame_count, s.info().fps) {
                        (Some(n), Some(fps)) if fps > 0.0 && n > 1 => Some((n - 1) as f64 / fps),
                        _ => None,
                    };
                    set_status(shared, SourceStatus::Running);
                    source = Some(s);
                    clock = None;
                }
                Err(e) => {
                    set_status(shared, SourceStatus::Reconnecting(format!("{e} Retrying every second.")));
                    sleep_unless_stopped(shared, Duration::from_secs(1));
                }
            }
            continue;
        };
        let is_file = src.info().kind != SourceKind::Camera;
        let mut pb = *lock(&shared.playback);
        if pb.restart {
            lock(&shared.playback).restart = false;
            if let Err(e) = src.rewind() {
                set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                source = None;
                continue;
            }
            clock = None;
            pb.paused = false;
        }
        if is_file && let Some(target) = pb.seek_to {
            lock(&shared.playback).seek_to = None;
            match seek(src.as_mut(), target) {
                Ok(Some(frame)) => {
                    clock = None;
                    let at = Instant::now();
                    lock(&shared.stats).captured += 1;
                    frames.put((frame, at));
                }
                Ok(None) => {}
                Err(e) => {
                    set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                    source = None;
                }
            }
            continue;
        }
        if is_file && pb.paused {
            if pb.steps == 0 {
                set_status(shared, SourceStatus::Paused);
                clock = None;
                sleep_unless_stopped(shared, Duration::from_millis(15));
                continue;
            }
            lock(&shared.playback).steps -= 1;
        }
        match src.next_frame() {
            Some(Ok(frame))
                if is_file && pb.section.is_some_and(|(a, b)| frame.time_s > b + 1e-6 || frame.time_s < a - 0.5) =>
            {
                // Past the loop section (or well before it): back to its start.
                lock(&shared.playback).seek_to = pb.section.map(|(a, _)| a);
            }
            Some(Ok(frame)) => {
                if is_file && !pb.paused {
                    if pb.speed != last_speed {
                        clock = None;
                        last_speed = pb.speed;
                    }
                    let (start, t0) = *clock.get_or_insert((Instant::now(), frame.time_s));
                    let due = start + Duration::from_secs_f64(((frame.time_s - t0) / pb.speed as f64).max(0.0));
                    let now = Instant::now();
                    if due > now {
                        sleep_unless_stopped(shared, due - now);
                    } else if now - due > Duration::from_millis(500) {
                        // Far behind (the machine stalled): re-anchor instead of racing.
                        clock = Some((now, frame.time_s));
                    }
                    set_status(shared, SourceStatus::Running);
                } else if !is_file {
                    set_status(shared, SourceStatus::Running);
                }
                let at = Instant::now();
                {
                    let mut st = lock(&shared.stats);
                    st.captured += 1;
                    push_window(&mut st.capture_times, at);
                }
                frames.put((frame, at));
            }
            Some(Err(e)) if e.is_fatal() => {
                set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                source = None;
                sleep_unless_stopped(shared, Duration::from_secs(1));
            }
            Some(Err(_)) => lock(&shared.stats).skipped += 1,
            None => {
                if is_file && lock(&shared.playback).looping {
                    if let Err(e) = src.rewind() {
                        set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                        source = None;
                    }
                    clock = None;
                } else if is_file {
                    set_status(shared, SourceStatus::Ended);
                    sleep_unless_stopped(shared, Duration::from_millis(50));
                } else {
                    set_status(shared, SourceStatus::Reconnecting("the camera stopped sending frames.".into()));
                    source = None;
                }
            }
        }
    }
}

fn pose_loop(
    shared: &Shared,
    frames: &Latest<(Frame, Instant)>,
    results: &Latest<LiveResult>,
    engine_config: EngineConfig,
    models: crate::pose::ModelStore,
    notify: Notify,
) {
    let engine = match Engine::select(&engine_config) {
        Ok(e) => e,
        Err(e) => {
            lock(&shared.stats).pose_error = Some(e.to_string());
            // Keep showing frames without poses.
            return passthrough(shared, frames, results, &notify);
        }
    };
    {
        let mut st = lock(&shared.stats);
        st.engine = engine.report();
        st.engine_note = engine.fallback_note().map(str::to_string);
    }
    let mut estimator: Option<PoseEstimator> = None;
    let mut generation = u64::MAX;
    let mut last_index: Option<u64> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let Some((frame, captured_at)) = frames.take_timeout(Duration::from_millis(100)) else { continue };
        let (settings, gen_now) = *lock(&shared.settings);
        if gen_now != generation {
            generation = gen_now;
            let previous = estimator.as_ref().map(|e| e.config().model);
            if previous == Some(settings.model) {
                if let Some(e) = estimator.as_mut() {
                    e.set_smoothing(settings.smoothing.map(OneEuroParams::with_strength));
                    e.set_selector(settings.person);
                }
            } else {
                match PoseEstimator::new(&models, &engine, settings.estimator_config()) {
                    Ok(e) => {
                        estimator = Some(e);
                        lock(&shared.stats).pose_error = None;
                    }
                    Err(e) => {
                        estimator = None;
                        lock(&shared.stats).pose_error = Some(e.to_string());
                    }
                }
            }
        }
        // A recording that started again: forget the tracked crop and the smoothing.
        if last_index.is_some_and(|i| frame.index <= i)
            && let Some(e) = estimator.as_mut()
        {
            e.reset();
        }
        last_index = Some(frame.index);
        let t = Instant::now();
        let pose = match estimator.as_mut().map(|e| e.estimate(&frame)) {
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                lock(&shared.stats).pose_error = Some(e.to_string());
                None
            }
            None => None,
        };
        let pose_time = t.elapsed();
        {
            let mut st = lock(&shared.stats);
            st.processed += 1;
            push_window(&mut st.pose_times, Instant::now());
        }
        results.put(LiveResult { frame, pose, captured_at, pose_time });
        notify();
    }
}

/// Rewinds `src` and reads on to the first frame at or after `target` seconds (the last frame if it ends first).
fn seek(src: &mut dyn FrameSource, target: f64) -> Result<Option<Frame>, crate::source::SourceError> {
    src.rewind()?;
    let mut last = None;
    while let Some(item) = src.next_frame() {
        match item {
            Ok(f) if f.time_s + 1e-6 >= target => return Ok(Some(f)),
            Ok(f) => last = Some(f),
            Err(e) if e.is_fatal() => return Err(e),
            Err(_) => {}
        }
    }
    Ok(last)
}

fn passthrough(shared: &Shared, frames: &Latest<(Frame, Instant)>, results: &Latest<LiveResult>, notify: &Notify) {
    while !shared.stop.load(Ordering::Relaxed) {
        if let Some((frame, captured_at)) = frames.take_timeout(Duration::from_millis(100)) {
            results.put(LiveResult { frame, pose: None, captured_at, pose_time: Duration::ZERO });
            notify();
        }
    }
}

/// A source of frames held in memory, played at `fps` in real time (for benchmarks and tests of the live path).
pub struct MemorySource {
    frames: Vec<Arc<image::RgbImage>>,
    info: crate::source::SourceInfo,
    next: usize,
    fps: f64,
    /// After this many frames, fail as an unplugged camera would (`None` = never).
    pub fail_after: Option<u64>,
    delivered: u64,
}

impl MemorySource {
    /// Plays `frames` at `fps`, as a camera named `name` if `camera`.
    pub fn new(name: &str, frames: Vec<image::RgbImage>, fps: f64, camera: bool) -> MemorySource {
        let (w, h) = frames.first().map(|f| f.dimensions()).unwrap_or((0, 0));
        MemorySource {
            info: crate::source::SourceInfo {
                name: name.to_string(),
                kind: if camera { SourceKind::Camera } else { SourceKind::Video },
                width: w,
                height: h,
                fps: Some(fps),
                frame_count: Some(frames.len() as u64),
            },
            frames: frames.into_iter().map(Arc::new).collect(),
            next: 0,
            fps,
            fail_after: None,
            delivered: 0,
        }
    }
}

impl FrameSource for MemorySource {
    fn info(&self) -> &crate::source::SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if self.fail_after.is_some_and(|n| self.delivered >= n) {
            return Some(Err(SourceError::ReadFailed {
                path: self.info.name.clone().into(),
                after: self.delivered,
                reason: "the device stopped sending frames (unplugged?)".into(),
            }));
        }
        if self.frames.is_empty() {
            return None;
        }
        let i = self.next;
        let img = if self.info.kind == SourceKind::Camera {
            // A camera never ends; it paces itself.
            std::thread::sleep(Duration::from_secs_f64(1.0 / self.fps));
            self.frames[i % self.frames.len()].clone()
        } else {
            self.frames.get(i)?.clone()
        };
        self.next += 1;
        self.delivered += 1;
        Some(Ok(Frame {
            image: img,
            index: i as u64,
            time_s: i as f64 / self.fps,
            source: self.info.name.clone(),
            mirrored: false,
        }))
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        self.next = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_keeps_only_the_newest_and_counts_drops() {
        let m = Latest::new();
        assert!(!m.put(1));
        assert!(m.put(2));
        assert_eq!(m.try_take(), Some(2));
        assert_eq!(m.try_take(), None);
        assert_eq!(m.dropped(), 1);
        assert_eq!(m.take_timeout(Duration::from_millis(5)), None);
        m.close();
        assert_eq!(m.take_timeout(Duration::from_secs(5)), None, "closed: returns at once");
    }

    #[test]
    fn stats_percentiles() {
        let mut s = LiveStats::default();
        for i in 1..=100 {
            push_window(&mut s.latencies_ms, i as f64);
        }
        // The window keeps the last 120: all 100 here.
        assert_eq!(s.latency_ms(), Some((50.0, 95.0)));
    }
}
