//! The pose thread: takes the newest captured frame, runs the pose model (afresh on each photo of an image
//! folder, tracked from frame to frame otherwise), the hands when asked, and publishes the frame with its pose.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::capture::Captured;
use super::{LiveResult, Notify, Shared, lock, push_window};
use crate::hands::{HandTracker, HandsConfig};
use crate::mailbox::Mailbox;
use crate::pose::{Engine, EngineConfig, PoseEstimator};

pub(super) fn pose_loop(
    shared: &Shared,
    frames: &Mailbox<Captured>,
    results: &Mailbox<LiveResult>,
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
    let mut hand_tracker: Option<HandTracker> = None;
    let mut generation = u64::MAX;
    let mut last_index: Option<u64> = None;
    let mut failed = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let Some(Captured { frame, at: captured_at, still }) = frames.take_timeout(Duration::from_millis(100)) else {
            continue;
        };
        let (settings, gen_now) = *lock(&shared.settings);
        let wanted = settings.estimator_config(still);
        let key = (wanted.model, wanted.mode);
        let current = estimator.as_ref().map(|e| (e.config().model, e.config().mode));
        // Another model, or photos after video frames (or the other way): a new estimator (a model that failed to
        // load is tried again only when the settings change).
        if current != Some(key) && failed != Some((key, gen_now)) {
            generation = gen_now;
            failed = None;
            match PoseEstimator::new(&models, &engine, wanted) {
                Ok(e) => {
                    estimator = Some(e);
                    lock(&shared.stats).pose_error = None;
                }
                Err(e) => {
                    estimator = None;
                    failed = Some((key, gen_now));
                    lock(&shared.stats).pose_error = Some(e.to_string());
                }
            }
        } else if gen_now != generation {
            generation = gen_now;
            if let Some(e) = estimator.as_mut() {
                e.set_smoothing(wanted.smoothing);
                e.set_selector(settings.person);
            }
        }
        // A recording that started again: forget the tracked crop and the smoothing.
        if last_index.is_some_and(|i| frame.index <= i)
            && let Some(e) = estimator.as_mut()
        {
            e.reset();
            if let Some(h) = hand_tracker.as_mut() {
                h.reset();
            }
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
        let hands = if settings.hands {
            if hand_tracker.is_none() {
                // Photos: each on its own. Video: the palm detector beside the frames, so that no frame waits for it.
                let config = if still { HandsConfig::stills() } else { HandsConfig::live() };
                match HandTracker::new(&models, &engine, config) {
                    Ok(h) => hand_tracker = Some(h),
                    Err(e) => lock(&shared.stats).pose_error = Some(format!("hands: {e}")),
                }
            }
            match hand_tracker.as_mut().map(|h| h.process_with_pose(&frame, pose.as_ref())) {
                Some(Ok(h)) => h,
                Some(Err(e)) => {
                    lock(&shared.stats).pose_error = Some(format!("hands: {e}"));
                    Vec::new()
                }
                None => Vec::new(),
            }
        } else {
            hand_tracker = None;
            Vec::new()
        };
        let pose_time = t.elapsed();
        {
            let mut st = lock(&shared.stats);
            st.processed += 1;
            st.extremes.pose_step(pose_time);
            push_window(&mut st.pose_times, Instant::now());
        }
        results.put(LiveResult { frame, pose, captured_at, pose_time, hands });
        notify();
    }
}

/// Hands frames on without poses (no engine could be started).
fn passthrough(shared: &Shared, frames: &Mailbox<Captured>, results: &Mailbox<LiveResult>, notify: &Notify) {
    while !shared.stop.load(Ordering::Relaxed) {
        if let Some(c) = frames.take_timeout(Duration::from_millis(100)) {
            let r = LiveResult {
                frame: c.frame,
                pose: None,
                captured_at: c.at,
                pose_time: Duration::ZERO,
                hands: Vec::new(),
            };
            results.put(r);
            notify();
        }
    }
}
