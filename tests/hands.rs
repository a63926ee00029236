//! The hand pipeline against the numpy reference of MediaPipe's calculators (`tests/data/hands/reference.json`,
//! made by `tests/data/hands/make_reference.py` on the same decoded pixels): palm detection, the crop, the 21
//! landmarks within 1 px, handedness and the person's side; one tracking step; mirrored frames keep sides.
//! Run on each engine: `MIRRORCUE_ENGINE=onnxruntime` and `MIRRORCUE_ENGINE=tract`.

use crate::common;

use std::sync::OnceLock;

use mirrorcue::Frame;
use mirrorcue::hands::{HandLandmark, HandTracker, HandsConfig, side_from_handedness};
use mirrorcue::pose::{Engine, Side};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    frames: Vec<RefFrame>,
}

#[derive(Deserialize)]
struct RefFrame {
    name: String,
    width: u32,
    height: u32,
    hands: Vec<RefHand>,
}

#[derive(Deserialize)]
struct RefHand {
    palm_score: f32,
    roi: [f32; 4],
    landmarks: Vec<[f32; 3]>,
    world: Vec<[f32; 3]>,
    presence: f32,
    handedness: f32,
    tracked: RefTracked,
}

#[derive(Deserialize)]
struct RefTracked {
    roi: [f32; 4],
    landmarks: Vec<[f32; 3]>,
}

/// The frames the reference was made on: the three-people photo and frames 0, 24, 48 of the squat clip (both hands
/// in view). Names match `reference.json`.
fn inputs() -> &'static Vec<(String, Frame)> {
    static FRAMES: OnceLock<Vec<(String, Frame)>> = OnceLock::new();
    FRAMES.get_or_init(|| {
        let mut out = vec![("three_people".to_string(), common::image_frame("images/other/tfjs_three_people.jpg"))];
        let mut src = mirrorcue::source::open(&common::data("videos/tfjs_pose_squats.mp4")).expect("squat clip");
        let mut i = 0;
        while let Some(f) = src.next_frame() {
            let f = f.expect("frame");
            if [0, 24, 48].contains(&i) {
                out.push((format!("squats_f{i:03}"), f));
            }
            i += 1;
            if i > 48 {
                break;
            }
        }
        out
    })
}

fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(&std::fs::read_to_string(common::data("hands/reference.json")).expect("reference.json"))
            .expect("reference.json parses")
    })
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(common::engine)
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn frame_named(name: &str) -> &'static Frame {
    &inputs().iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no input {name}")).1
}

fn summary(errors: &mut [f32]) -> (f32, f32) {
    errors.sort_by(f32::total_cmp);
    (errors.last().copied().unwrap_or(0.0), errors.get(errors.len() / 2).copied().unwrap_or(0.0))
}

/// Palm → crop → landmarks on stills: every reference hand found, its 21 landmarks within 1 px, its world landmarks
/// within 1 mm, its presence and handedness within 0.01 and the same side.
#[test]
fn stills_match_the_numpy_reference() {
    let mut tracker = HandTracker::new(&common::models(), engine(), HandsConfig::stills()).expect("hand models");
    let mut errors = Vec::new();
    let mut hands_checked = 0;
    for rf in &reference().frames {
        let frame = frame_named(&rf.name);
        assert_eq!((frame.width(), frame.height()), (rf.width, rf.height), "{}", rf.name);
        let hands = tracker.process(frame).expect("process");
        assert_eq!(hands.len(), rf.hands.len(), "{}: number of hands", rf.name);
        for (k, r) in rf.hands.iter().enumerate() {
            // The tracker lists hands most present first; the reference in palm order.
            let h = hands
                .iter()
                .min_by(|a, b| {
                    let d = |h: &mirrorcue::hands::Hand| dist([h.roi.cx, h.roi.cy], [r.roi[0], r.roi[1]]);
                    d(a).total_cmp(&d(b))
                })
                .expect("a hand");
            let what = format!("{} hand {k} (palm score {:.3})", rf.name, r.palm_score);
            let roi = [h.roi.cx, h.roi.cy, h.roi.side, h.roi.rotation];
            assert!(dist([roi[0], roi[1]], [r.roi[0], r.roi[1]]) < 0.5, "{what}: crop {roi:?} vs {:?}", r.roi);
            assert!((roi[2] - r.roi[2]).abs() < 0.5 && (roi[3] - r.roi[3]).abs() < 2e-3, "{what}: {roi:?} {:?}", r.roi);
            for (i, (p, q)) in h.to_pixels().iter().zip(&r.landmarks).enumerate() {
                let e = dist(*p, [q[0], q[1]]);
                assert!(e <= 1.0, "{what}: {} off by {e:.3} px", HandLandmark::ALL[i].name());
                errors.push(e);
            }
            for (w, q) in h.world.iter().zip(&r.world) {
                let e = ((w.x - q[0]).powi(2) + (w.y - q[1]).powi(2) + (w.z - q[2]).powi(2)).sqrt();
                assert!(e < 1e-3, "{what}: world landmark off by {e} m");
            }
            assert!((h.presence - r.presence).abs() < 0.01, "{what}: presence {} vs {}", h.presence, r.presence);
            assert!((h.handedness - r.handedness).abs() < 0.01, "{what}: handedness {}", h.handedness);
            assert_eq!(h.side, side_from_handedness(r.handedness, false), "{what}");
            hands_checked += 1;
        }
    }
    let (max, median) = summary(&mut errors);
    eprintln!("{}: {hands_checked} hands, landmarks vs numpy: max {max:.3} px, median {median:.3} px", engine().kind());
    assert!(hands_checked >= 6, "{hands_checked} hands");
}

/// The squatting woman faces the camera (unmirrored): her right hand is on the left of the picture. Both hands are
/// found in each of the three frames, with the right sides and high confidence.
#[test]
fn squat_hands_have_the_anatomical_sides() {
    let mut tracker = HandTracker::new(&common::models(), engine(), HandsConfig::stills()).expect("hand models");
    for name in ["squats_f000", "squats_f024", "squats_f048"] {
        let hands = tracker.process(frame_named(name)).expect("process");
        assert_eq!(hands.len(), 2, "{name}");
        let right = hands.iter().find(|h| h.side == Side::Right).unwrap_or_else(|| panic!("{name}: no right hand"));
        let left = hands.iter().find(|h| h.side == Side::Left).unwrap_or_else(|| panic!("{name}: no left hand"));
        let (rx, lx) = (right.get(HandLandmark::Wrist).x, left.get(HandLandmark::Wrist).x);
        assert!(rx < lx, "{name}: right wrist at x {rx}, left at {lx}");
        assert!(right.score > 0.85 && left.score > 0.85, "{name}: {} {}", right.score, left.score);
    }
}

/// One tracking step: the crop from the landmarks (MediaPipe's HandLandmarksToRect, ×2, shift −0.1) and the
/// landmarks read in it, against the reference's, on a video run that detects palms once and then tracks.
#[test]
fn tracking_step_matches_the_reference() {
    let config = HandsConfig { smoothing: None, ..HandsConfig::default() };
    let mut errors = Vec::new();
    for rf in reference().frames.iter().filter(|f| f.hands.len() == 2) {
        let mut tracker = HandTracker::new(&common::models(), engine(), config).expect("hand models");
        let frame = frame_named(&rf.name);
        let first = tracker.process(frame).expect("first");
        assert_eq!(first.len(), 2, "{}", rf.name);
        assert_eq!(tracker.tracked(), 2, "{}: both hands tracked", rf.name);
        // The same frame again: now read through the crops the landmarks gave.
        let second = tracker.process(frame).expect("second");
        assert_eq!(second.len(), 2, "{}", rf.name);
        for r in &rf.hands {
            let h = second
                .iter()
                .min_by(|a, b| {
                    let d =
                        |h: &mirrorcue::hands::Hand| dist([h.roi.cx, h.roi.cy], [r.tracked.roi[0], r.tracked.roi[1]]);
                    d(a).total_cmp(&d(b))
                })
                .expect("a hand");
            assert!(dist([h.roi.cx, h.roi.cy], [r.tracked.roi[0], r.tracked.roi[1]]) < 0.5, "{}", rf.name);
            assert!((h.roi.side - r.tracked.roi[2]).abs() < 0.5, "{}: {:?} {:?}", rf.name, h.roi, r.tracked.roi);
            for (p, q) in h.to_pixels().iter().zip(&r.tracked.landmarks) {
                errors.push(dist(*p, [q[0], q[1]]));
            }
        }
    }
    let (max, median) = summary(&mut errors);
    eprintln!("{}: tracked step vs numpy: max {max:.3} px, median {median:.3} px", engine().kind());
    assert!(!errors.is_empty());
    assert!(max <= 1.0, "max {max} px");
}

/// A mirrored frame (the pixels flipped left to right and marked so) gives the same hands with the same anatomical
/// sides, drawn at mirrored positions.
#[test]
fn mirrored_frames_keep_anatomical_sides() {
    let mut tracker = HandTracker::new(&common::models(), engine(), HandsConfig::stills()).expect("hand models");
    for name in ["squats_f000", "three_people"] {
        let frame = frame_named(name);
        let plain = tracker.process(frame).expect("plain");
        let mut flipped = frame.clone();
        flipped.image = std::sync::Arc::new(image::imageops::flip_horizontal(&*frame.image));
        flipped.mirrored = true;
        let mirrored = tracker.process(&flipped).expect("mirrored");
        assert_eq!(plain.len(), mirrored.len(), "{name}");
        assert!(!plain.is_empty(), "{name}");
        for h in &plain {
            let w = h.get(HandLandmark::Wrist);
            let twin = mirrored
                .iter()
                .min_by(|a, b| {
                    let d = |m: &mirrorcue::hands::Hand| {
                        let q = m.get(HandLandmark::Wrist);
                        (1.0 - q.x - w.x).abs() + (q.y - w.y).abs()
                    };
                    d(a).total_cmp(&d(b))
                })
                .expect("twin");
            let q = twin.get(HandLandmark::Wrist);
            assert!((1.0 - q.x - w.x).abs() < 0.02 && (q.y - w.y).abs() < 0.02, "{name}: wrist {w:?} vs {q:?}");
            assert_eq!(twin.side, h.side, "{name}: the mirrored twin of the {} hand", h.side.name());
        }
    }
}

/// Writes the reference inputs (raw RGB + size) for `tests/data/hands/make_reference.py` into
/// `MIRRORCUE_HANDS_DUMP`.
#[test]
#[ignore = "writes the inputs of tests/data/hands/make_reference.py"]
fn dump_reference_inputs() {
    let dir = std::path::PathBuf::from(std::env::var("MIRRORCUE_HANDS_DUMP").expect("MIRRORCUE_HANDS_DUMP"));
    std::fs::create_dir_all(&dir).expect("dump folder");
    for (name, f) in inputs() {
        std::fs::write(dir.join(format!("{name}.rgb")), f.image.as_raw()).expect("write rgb");
        let meta = serde_json::json!({"width": f.width(), "height": f.height(), "source": f.source, "frame": f.index});
        std::fs::write(dir.join(format!("{name}.json")), meta.to_string()).expect("write json");
    }
}

/// Measures on real hands (the raised hand of the three-people photo, whose fingertips lie beyond the photo's top
/// edge, and the squatting woman's hands): a palm of human size, joint angles and opening in the range a human hand
/// can take. A sanity check; the maths is tested on built geometry in `hands::measures`.
#[test]
fn measures_of_real_hands_are_plausible() {
    let mut tracker = HandTracker::new(&common::models(), engine(), HandsConfig::stills()).expect("hand models");
    for name in ["three_people", "squats_f000", "squats_f024"] {
        for hand in tracker.process(frame_named(name)).expect("process") {
            let m = mirrorcue::hands::measures::measure(&hand).expect("measures");
            eprintln!("{name} {}: {m:?}", hand.side.name());
            assert!((60.0..120.0).contains(&m.palm_size_mm), "{name}: palm {} mm", m.palm_size_mm);
            assert!((0.3..1.6).contains(&m.opening), "{name}: opening {}", m.opening);
            for a in m.flexion_deg.iter().flatten() {
                assert!((-60.0..120.0).contains(a), "{name}: {:?}", m.flexion_deg);
            }
        }
    }
}

/// The body pose seeds the hand crops: with MediaPipe's BlazePose landmarks of squat frame 0, both hands are found
/// through the seeded crops and one tracking step later, with the same sides and wrists within 15 px of the
/// palm-detection pipeline's (the landmark model's wrist moves by up to about 10 px between crops of one hand).
#[test]
fn body_pose_seeds_both_hands() {
    let pose = common::squat_blazepose();
    let rf = reference().frames.iter().find(|f| f.name == "squats_f000").expect("reference frame");
    let config = HandsConfig { smoothing: None, ..HandsConfig::default() };
    let mut tracker = HandTracker::new(&common::models(), engine(), config).expect("hand models");
    let frame = frame_named("squats_f000");
    let seeded = tracker.process_with_pose(frame, Some(&pose)).expect("process");
    let tracked = tracker.process(frame).expect("process");
    for (hands, tolerance) in [(seeded, 15.0), (tracked, 15.0)] {
        check_wrists(&hands, rf, tolerance);
    }
}

/// A live view's tracker ([`HandsConfig::live`]: while a hand is tracked, the search for the other on a thread of its
/// own) finds both hands of squat frame 0 played as a still camera, with the same sides and wrists as the
/// palm-detection pipeline's, and keeps them on the next frames.
#[test]
fn live_tracker_with_palms_beside_finds_both_hands() {
    let rf = reference().frames.iter().find(|f| f.name == "squats_f000").expect("reference frame");
    let config = HandsConfig { smoothing: None, ..HandsConfig::live() };
    let mut tracker = HandTracker::new(&common::models(), engine(), config).expect("hand models");
    let still = frame_named("squats_f000");
    let at = |i: u64| Frame { index: i, time_s: i as f64 / 30.0, clip_time_s: i as f64 / 30.0, ..still.clone() };
    // With no hand tracked the palms are found in the frame's turn; a hand missed then comes from the thread beside
    // a frame or more later: wait for it (bounded).
    let mut i = 0;
    let mut hands = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while tracker.tracked() < 2 && std::time::Instant::now() < deadline {
        hands = tracker.process(&at(i)).expect("process");
        i += 1;
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(tracker.tracked(), 2, "both hands tracked after {i} frames");
    check_wrists(&hands, rf, 15.0);
    for _ in 0..3 {
        i += 1;
        let tracked = tracker.process(&at(i)).expect("process");
        check_wrists(&tracked, rf, 15.0);
        assert!(!tracker.last_times().inference.is_zero(), "the landmark model ran");
    }
}

/// Palms found beside the frames are used only on a frame like the one they were found on: not on a mirrored frame,
/// not on a frame of another size.
#[test]
fn palms_found_beside_are_used_only_on_a_like_frame() {
    use mirrorcue::hands::beside::PalmThread;
    use mirrorcue::hands::palm::PalmDetector;
    let still = frame_named("squats_f000");
    let palms = PalmThread::start(PalmDetector::new(&common::models(), engine()).expect("palm model")).expect("thread");
    // Ask for the palms of `still`, and use what is found on `later`.
    let found_for = |later: &Frame| {
        palms.request(still);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Some(found) = palms.take_for(later) {
                return found.expect("palms").len();
            }
            assert!(std::time::Instant::now() < deadline, "the palm detector answered");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    assert_eq!(found_for(still), 2, "the same frame: both palms");
    let next = Frame { time_s: still.time_s + 1.0 / 30.0, ..still.clone() };
    assert_eq!(found_for(&next), 2, "the next frame: both palms");
    let mirrored = Frame { mirrored: true, ..still.clone() };
    assert_eq!(found_for(&mirrored), 0, "mirrored");
    let smaller = Frame::new(image::RgbImage::new(64, 64), 1, still.time_s, "small");
    assert_eq!(found_for(&smaller), 0, "another size");
}

fn check_wrists(hands: &[mirrorcue::hands::Hand], rf: &RefFrame, tolerance: f32) {
    assert_eq!(hands.len(), 2);
    for r in &rf.hands {
        let want = [r.landmarks[0][0], r.landmarks[0][1]];
        let h = hands
            .iter()
            .min_by(|a, b| dist(a.to_pixels()[0], want).total_cmp(&dist(b.to_pixels()[0], want)))
            .expect("hand");
        let e = dist(h.to_pixels()[0], want);
        assert!(e < tolerance, "wrist {e:.1} px from the palm pipeline's (tolerance {tolerance} px)");
        assert_eq!(h.side, side_from_handedness(r.handedness, false));
    }
}
