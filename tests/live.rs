//! The live path under bad conditions: a camera that fails to open, one that is lost mid-stream, a recording that
//! ends or is corrupt. No panic, a clear status, recovery.

use crate::common;

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
    while r.frame.clip_time_s < 1.0 {
        r = p.wait_result(Duration::from_secs(10)).expect("the frame at 3 s");
    }
    assert!((r.frame.clip_time_s - 3.0).abs() < 0.04, "{}", r.frame.clip_time_s);
    std::thread::sleep(Duration::from_millis(300));
    assert!(p.take_result().is_none(), "still paused after the seek");
    // Looping 1–1.5 s at double speed: after a moment, every frame shown is inside the section.
    p.set_section(Some((1.0, 1.5)));
    p.seek(1.0);
    p.set_speed(2.0);
    p.set_paused(false);
    let (mut times, mut presented) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        if let Some(r) = p.wait_result(Duration::from_millis(100)) {
            times.push(r.frame.clip_time_s);
            presented.push(r.frame.time_s);
        }
    }
    // Presentation times go on increasing through the seeks and the section's loops.
    assert!(presented.windows(2).all(|w| w[1] > w[0]), "{presented:?}");
    // (On a busy machine the pose stage drops stale frames: fewer arrive, the rule is the same.)
    assert!(times.len() >= 8, "{times:?}");
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

/// Defect 20: an image folder plays as stills by default. Each photo stays on screen for its display time (3 s
/// unless set), instead of the folder flashing by at 30 frames per second (7 COCO photos in 0.23 s).
#[test]
fn an_image_folder_shows_each_photo_for_its_display_time() {
    let path = common::data("images/coco");
    let p = start(Box::new(move || mirrorcue::source::open(&path)));
    wait_for(&p, "the first photo", |p| p.stats().captured >= 1);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(p.stats().captured, 1, "one photo in the first 1.5 s (each stays 3 s)");
    assert_eq!(p.status(), SourceStatus::Running);
    p.stop();
}

/// Defect 20: the photos of a folder are analysed each on its own, as `--stills` does: no tracking carries one
/// photo's skeleton onto the next, no smoothing blends them. The display time is set through the pipeline (here
/// short, to see every photo), and each photo's presentation time is one display time after the last.
#[test]
fn image_folder_photos_are_analysed_each_on_its_own() {
    use mirrorcue::pose::{EstimatorConfig, PoseEstimator, PoseModel};
    let path = common::data("images/coco");
    let count = std::fs::read_dir(&path).unwrap().count() as u64;
    let p = {
        let path = path.clone();
        start(Box::new(move || mirrorcue::source::open(&path)))
    };
    p.set_image_display_s(Some(0.4));
    assert_eq!(p.playback().image_display_s, Some(0.4));
    let (mut seen, mut arrivals) = (std::collections::BTreeMap::new(), Vec::new());
    let begin = Instant::now();
    while (seen.len() as u64) < count {
        assert!(begin.elapsed() < Duration::from_secs(60), "saw photos {:?} of {count}", seen.keys());
        if let Some(r) = p.wait_result(Duration::from_millis(200)) {
            arrivals.push((r.frame.index, r.frame.time_s));
            seen.entry(r.frame.index).or_insert(r);
        }
    }
    let duration = p.duration_s().expect("a folder's length");
    assert!((duration - (count - 1) as f64 * 0.4).abs() < 1e-9, "{duration}");
    p.stop();
    let mut stills =
        PoseEstimator::new(&common::models(), &common::engine(), EstimatorConfig::stills(PoseModel::MovenetLightning))
            .unwrap();
    let mut with_person = 0;
    for (i, r) in &seen {
        assert!((r.frame.clip_time_s - *i as f64 * 0.4).abs() < 1e-9, "photo {i} at {} s", r.frame.clip_time_s);
        let alone = stills.estimate(&r.frame).unwrap();
        match (&r.pose, &alone) {
            (Some(a), Some(b)) => {
                with_person += 1;
                for (ka, kb) in a.keypoints.iter().zip(&b.keypoints) {
                    assert!(
                        (ka.x - kb.x).abs() < 1e-4 && (ka.y - kb.y).abs() < 1e-4 && (ka.score - kb.score).abs() < 1e-4,
                        "photo {i} ({}): {ka:?} live, {kb:?} alone",
                        r.frame.source
                    );
                }
            }
            (None, None) => {}
            (a, b) => panic!("photo {i} ({}): live {:?}, alone {:?}", r.frame.source, a.is_some(), b.is_some()),
        }
    }
    assert!(with_person >= 3, "{with_person} photos with a person");
    // Presentation times increase photo after photo (also from the last photo back to the first), one display time
    // apart (a photo the pose thread had no time for, while the model loaded, is missing from the arrivals).
    assert!(arrivals.windows(2).all(|w| w[1].1 > w[0].1), "{arrivals:?}");
    for w in arrivals.windows(2) {
        let steps = (w[1].0 + count - w[0].0) % count;
        assert!(((w[1].1 - w[0].1) - steps as f64 * 0.4).abs() < 1e-6, "{arrivals:?}");
    }
}
