//! The live path under bad conditions: a camera that fails to open, one that is lost mid-stream, a recording that
//! ends or is corrupt. No panic, a clear status, recovery.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mirrorcue::live::{LivePipeline, MemorySource, PoseSettings, SourceFactory, SourceStatus};
use mirrorcue::pose::EngineConfig;
use mirrorcue::source::{FrameSource, SourceError};

fn frames() -> Vec<image::RgbImage> {
    common::frames("videos/tfjs_pose_1_synthetic_arm_raises.mp4")
        .into_iter()
        .take(10)
        .map(|f| (*f.image).clone())
        .collect()
}

fn start(factory: SourceFactory) -> LivePipeline {
    LivePipeline::start(
        factory,
        PoseSettings::default(),
        EngineConfig::from_env().unwrap(),
        common::models(),
        Arc::new(|| {}),
    )
}

fn wait_for(p: &LivePipeline, what: &str, cond: impl Fn(&LivePipeline) -> bool) {
    let start = Instant::now();
    while !cond(p) {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}; status {:?}", p.status());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_camera_that_fails_to_open_is_retried_until_it_works() {
    let attempts = Arc::new(AtomicU32::new(0));
    let frames = frames();
    let a = attempts.clone();
    let factory: SourceFactory = Box::new(move || {
        if a.fetch_add(1, Ordering::SeqCst) < 2 {
            Err(SourceError::NotFound { path: "/dev/video0".into() })
        } else {
            Ok(Box::new(MemorySource::new("test camera", frames.clone(), 30.0, true)) as Box<dyn FrameSource>)
        }
    });
    let p = start(factory);
    wait_for(&p, "a reconnecting status", |p| matches!(p.status(), SourceStatus::Reconnecting(_)));
    if let SourceStatus::Reconnecting(m) = p.status() {
        assert!(m.contains("/dev/video0") && m.contains("Retrying"), "{m}");
    }
    wait_for(&p, "frames after the camera came back", |p| p.stats().processed > 3);
    assert_eq!(p.status(), SourceStatus::Running);
    assert!(attempts.load(Ordering::SeqCst) >= 3);
    p.stop();
}

#[test]
fn a_camera_lost_mid_stream_reconnects() {
    let opened = Arc::new(AtomicU32::new(0));
    let frames = frames();
    let o = opened.clone();
    let factory: SourceFactory = Box::new(move || {
        let n = o.fetch_add(1, Ordering::SeqCst);
        let mut cam = MemorySource::new("test camera", frames.clone(), 30.0, true);
        if n == 0 {
            cam.fail_after = Some(5); // unplugged after 5 frames
        }
        Ok(Box::new(cam) as Box<dyn FrameSource>)
    });
    let p = start(factory);
    wait_for(&p, "the loss to be noticed", |p| matches!(p.status(), SourceStatus::Reconnecting(_)));
    wait_for(&p, "the camera to be back", |_| opened.load(Ordering::SeqCst) >= 2);
    let before = p.stats().captured;
    wait_for(&p, "frames after reconnecting", |p| p.stats().captured > before + 5);
    assert_eq!(p.status(), SourceStatus::Running);
    p.stop();
}

#[test]
fn a_recording_that_ends_says_so_and_can_restart() {
    let path = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let p = start(Box::new(move || mirrorcue::source::open(&path)));
    p.set_looping(false);
    p.set_speed(2.0);
    wait_for(&p, "the end", |p| p.status() == SourceStatus::Ended);
    let seen = p.stats().captured;
    assert!(seen >= 100, "{seen} frames before the end");
    p.restart();
    wait_for(&p, "the replay", |p| p.stats().captured > seen + 5);
    p.stop();
}

#[test]
fn pause_and_step_a_recording() {
    let path = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let p = start(Box::new(move || mirrorcue::source::open(&path)));
    wait_for(&p, "playing", |p| p.stats().captured > 2);
    p.set_paused(true);
    wait_for(&p, "paused", |p| p.status() == SourceStatus::Paused);
    let n = p.stats().captured;
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(p.stats().captured, n, "no frames while paused");
    p.step();
    wait_for(&p, "one step", |p| p.stats().captured == n + 1);
    p.stop();
}

#[test]
fn seek_and_loop_a_section_of_a_recording() {
    let path = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let p = start(Box::new(move || mirrorcue::source::open(&path)));
    wait_for(&p, "playing", |p| p.stats().captured > 2);
    assert!((p.duration_s().unwrap() - 119.0 / 30.0).abs() < 0.01, "{:?}", p.duration_s());
    // Paused, a seek shows the frame at that time.
    p.set_paused(true);
    wait_for(&p, "paused", |p| p.status() == SourceStatus::Paused);
    p.seek(3.0);
    // (Frames from before the pause may still be on their way through the pose thread on a busy machine.)
    let mut r = p.wait_result(Duration::from_secs(10)).expect("the frame at 3 s");
    while r.frame.time_s < 1.0 {
        r = p.wait_result(Duration::from_secs(10)).expect("the frame at 3 s");
    }
    assert!((r.frame.time_s - 3.0).abs() < 0.04, "{}", r.frame.time_s);
    std::thread::sleep(Duration::from_millis(300));
    assert!(p.take_result().is_none(), "still paused after the seek");
    // Looping 1–1.5 s at double speed: after a moment, every frame shown is inside the section.
    p.set_section(Some((1.0, 1.5)));
    p.seek(1.0);
    p.set_speed(2.0);
    p.set_paused(false);
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        if let Some(r) = p.wait_result(Duration::from_millis(100)) {
            times.push(r.frame.time_s);
        }
    }
    assert!(times.len() > 20, "{times:?}");
    let inside = |t: &f64| (1.0 - 1e-6..=1.5 + 1e-6).contains(t);
    let first = times.iter().position(inside).expect("frames in the section");
    assert!(first <= 2 && times[first..].iter().all(inside), "{times:?}");
    // It went round more than once: the time went back to the section's start.
    assert!(times.windows(2).filter(|w| w[1] < w[0]).count() >= 2, "{times:?}");
    p.stop();
}

#[test]
fn a_corrupt_recording_gives_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.mp4");
    std::fs::write(&bad, b"\x00\x00\x00\x18ftypmp42 this file was cut short").unwrap();
    let p = start(Box::new(move || mirrorcue::source::open(&bad)));
    wait_for(&p, "an error status", |p| matches!(p.status(), SourceStatus::Reconnecting(_)));
    if let SourceStatus::Reconnecting(m) = p.status() {
        assert!(m.contains("broken.mp4"), "{m}");
    }
    p.stop();
}
