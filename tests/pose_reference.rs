//! The pose pipeline against Google's published model outputs on real recordings (regression oracles, with the
//! tolerances the upstream tests use).

use crate::common;

use mirrorcue::pose::blazepose::{BlazePose, Roi};
use mirrorcue::pose::models::ModelFile;
use mirrorcue::pose::{EstimatorConfig, Joint, OneEuroParams, PoseEstimator, PoseModel, StageTimes};

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// `model` on the first `n` frames of the squat clip, tracking from frame to frame as on live video: the distance
/// (pixels) of each of the 33 landmarks of every frame from MediaPipe's, sorted. Unsmoothed at the clip's own times
/// (5 fps); or, `as_mediapipe`, as Google's reference run: frames 1/30 s apart (MediaPipe's Python solution stamps
/// every frame so, whatever the video's rate), the landmarks smoothed with MediaPipe's tuning, the model's own sides.
fn squat_clip_errors(model: PoseModel, n: usize, as_mediapipe: bool) -> Vec<f32> {
    let engine = common::engine();
    let reference: Vec<Vec<[f32; 3]>> = serde_json::from_str(
        &std::fs::read_to_string(common::data("annotations/tfjs_pose_squats.blazepose33_2d.json")).unwrap(),
    )
    .unwrap();
    let frames = common::frames("videos/tfjs_pose_squats.mp4");
    assert_eq!(frames.len(), reference.len());
    let mut config = EstimatorConfig::video(model);
    config.smoothing = as_mediapipe.then_some(OneEuroParams::MEDIAPIPE_LANDMARKS);
    let mut est = PoseEstimator::new(&common::models(), &engine, config).unwrap();
    est.set_steady_sides(!as_mediapipe);
    let mut errors = Vec::new();
    for (i, (frame, refs)) in frames.iter().zip(&reference).take(n).enumerate() {
        let mut frame = frame.clone();
        if as_mediapipe {
            frame.time_s = i as f64 / 30.0;
        }
        let pose = est.estimate(&frame).unwrap().unwrap_or_else(|| panic!("{model}: no pose in frame {i}"));
        for (kp, r) in pose.to_pixel_triples().iter().zip(refs) {
            errors.push(dist((kp[0], kp[1]), (r[0], r[1])));
        }
    }
    errors.sort_by(f32::total_cmp);
    let (within, median) = within_and_median(&errors);
    eprintln!("{model}, squat clip ({n} frames): {:.2}% within 31 px, median {median:.2} px", within * 100.0);
    errors
}

/// The share of `errors` within 31 px and their median (pixels).
fn within_and_median(errors: &[f32]) -> (f32, f32) {
    (errors.iter().filter(|&&e| e <= 31.0).count() as f32 / errors.len() as f32, errors[errors.len() / 2])
}

/// BlazePose full on the squat clip, tracking from frame to frame as on live video: at least 98% of the 65 × 33
/// landmarks within 31 px of MediaPipe's (the Python reference pipeline gets 98.7%, median 8.6 px).
#[test]
fn blazepose_full_matches_mediapipe_on_the_squat_clip() {
    let errors = squat_clip_errors(PoseModel::BlazeposeFull, 65, false);
    assert_eq!(errors.len(), 65 * 33);
    let (within, median) = within_and_median(&errors);
    assert!(within >= 0.98, "{:.2}% within 31 px", within * 100.0);
    assert!(median < 12.0, "median {median}");
}

/// Issue 11, item 7: BlazePose full with the landmarks smoothed as MediaPipe does (its tuning, frames 1/30 s apart as
/// in Google's run) has every landmark of the 65 frames within 31 px of Google's outputs, as MediaPipe's own pipeline
/// (100%), and a median of at most 4 px (MediaPipe's: 3.6 px). Measured step by step with ONNX Runtime 1.32 (within
/// 31 px, median): unsmoothed 99.44%, 6.14 px; smoothed 100%, 4.88 px; with the landmark crop sampled as MediaPipe
/// samples it (the test above) 4.42 px; with the speeds the landmark filter sees measured against MediaPipe's object
/// scale (the alignment square of the frame's landmarks, [`Roi::object_scale`], instead of the keypoints' bounding
/// box) 4.14 px; with the crop's path smoothed as MediaPipe smooths it (its two alignment points through One Euro
/// 0.01 / 10 / 1.0, speeds against the points' own box, `blazepose::CROP_SMOOTHING`) 3.77 px (tract: 3.84 px).
/// Earlier trials of that last step measured the points' speeds against the alignment square (about four times
/// MediaPipe's scale for an upright body): the crop lagged a walking patient (the walk clip's cadence 113.5 steps/min
/// against 96.2 labelled, sides traded for good); measured as MediaPipe measures them, every gait test holds. Not the
/// decoding: the frames as OpenCV decodes them give the same landmarks to 0.00 px.
#[test]
fn blazepose_full_smoothed_as_mediapipe_matches_google_on_the_squat_clip() {
    let errors = squat_clip_errors(PoseModel::BlazeposeFull, 65, true);
    assert_eq!(errors.len(), 65 * 33);
    let (within, median) = within_and_median(&errors);
    assert!(within == 1.0, "{:.2}% within 31 px", within * 100.0);
    assert!(median <= 4.0, "median {median:.2} px");
}

/// MediaPipe Pose 0.10.14's own run on the squat clip (`tools/mediapipe/dump_squat_reference.py`).
fn mediapipes_squat_run() -> serde_json::Value {
    let path = common::data("annotations/tfjs_pose_squats.mediapipe_0_10_14.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn point(v: &serde_json::Value) -> (f32, f32) {
    (v[0].as_f64().unwrap() as f32, v[1].as_f64().unwrap() as f32)
}

/// Issue 11, item 7, step by step against MediaPipe's own run: through the very crop MediaPipe made from its
/// detection in the squat clip's first frame, the landmark model finds MediaPipe's first landmarks to a median of
/// 0.5 px (measured 0.13 px, the largest 2.2 px). The crop is sampled on OpenCV's grid, as MediaPipe samples it on
/// the CPU ([`Grid::OpenCv`](mirrorcue::pose::imgproc::Grid): the map applied to each crop pixel's index). Before,
/// sampled at the crop pixels' centres, the content sat half a crop pixel less half a frame pixel away (1.5 px along
/// each axis of this 1045-pixel crop) and the landmarks came out a median of 2.3 px from MediaPipe's (the largest
/// 7.2 px).
///
/// The detector's input stays on the centres' grid: on OpenCV's grid its four keypoints on this frame come within
/// 0.4 px of MediaPipe's (up to 10.7 px on the centres' grid), but on the walk clip, where the walking woman is a
/// dozen pixels tall in its 224-pixel input, it then lost her (`people::a_person_who_walks_in_is_followed` never
/// reached her, `gait::labelled_events_are_found_within_two_frames` found 6 of 14 events).
#[test]
fn blazepose_first_landmarks_through_mediapipes_crop_are_mediapipes() {
    let engine = common::engine();
    let mp = mediapipes_squat_run();
    let frame = &common::frames("videos/tfjs_pose_squats.mp4")[0];
    let mut bp = BlazePose::new(&common::models(), &engine, ModelFile::BlazeposeLandmarkFull, false).unwrap();
    let keypoints = mp["detection"]["keypoints"].as_array().unwrap();
    let ((hx, hy), (sx, sy)) = (point(&keypoints[0]), point(&keypoints[1]));
    let roi = Roi::from_alignment([hx, hy], [sx, sy]);
    let (cx, cy) = point(&mp["rect_from_detection"]);
    let side = mp["rect_from_detection"][2].as_f64().unwrap() as f32;
    assert!(dist((roi.cx, roi.cy), (cx, cy)) < 0.01 && (roi.side - side).abs() < 0.01, "MediaPipe's crop: {roi:?}");
    let (pose, _, _) = bp.landmarks_in(&frame.image, roi, &mut StageTimes::default()).unwrap();
    let mut errors: Vec<f32> = pose
        .to_pixel_triples()
        .iter()
        .zip(mp["landmarks"][0].as_array().unwrap())
        .map(|(ours, theirs)| dist((ours[0], ours[1]), point(theirs)))
        .collect();
    errors.sort_by(f32::total_cmp);
    let median = errors[errors.len() / 2];
    eprintln!("first frame against MediaPipe's: median {median:.2} px, largest {:.2} px", errors[errors.len() - 1]);
    assert!(median <= 0.5, "median {median:.2} px");
}

/// BlazePose heavy on the squat clip as full above. Google's outputs come from BlazePose full (tfjs-models'
/// upstream test), so heavy is held to the same tolerance rather than to full's exact landmarks. Heavy costs about
/// four times full: the first 30 frames only (standing, the first squat down and up), ~4 s of CPU.
#[test]
fn blazepose_heavy_matches_mediapipe_on_the_squat_clip() {
    let errors = squat_clip_errors(PoseModel::BlazeposeHeavy, 30, false);
    assert_eq!(errors.len(), 30 * 33);
    let (within, median) = within_and_median(&errors);
    assert!(within >= 0.98, "{:.2}% within 31 px", within * 100.0);
    assert!(median < 12.0, "median {median}");
}

/// MoveNet Lightning on the arm-raise clip (smart cropping from frame to frame): every keypoint within 60 px of
/// the outputs Google publishes.
#[test]
fn movenet_lightning_matches_google_on_the_arm_raise_clip() {
    let engine = common::engine();
    let reference: Vec<std::collections::BTreeMap<String, serde_json::Value>> = serde_json::from_str(
        &std::fs::read_to_string(common::data("annotations/tfjs_pose_1.movenet17_2d.json")).unwrap(),
    )
    .unwrap();
    let frames = common::frames("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    assert_eq!(frames.len(), 120);
    assert_eq!(reference.len(), 120);
    let mut est =
        PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(PoseModel::MovenetLightning)).unwrap();
    let mut worst = (0f32, String::new());
    let mut count = 0;
    for (frame, refs) in frames.iter().zip(&reference) {
        let pose = est.estimate(frame).unwrap().expect("a person in every frame");
        for (name, r) in refs {
            let joint = Joint::from_name(name).unwrap_or_else(|| panic!("unknown name {name}"));
            let k = pose.get(joint).expect("COCO joint");
            let (x, y) = k.to_pixels(pose.frame_width, pose.frame_height);
            let e = dist((x, y), (r["x"].as_f64().unwrap() as f32, r["y"].as_f64().unwrap() as f32));
            count += 1;
            if e > worst.0 {
                worst = (e, format!("{name} in frame {}", frame.index));
            }
        }
    }
    eprintln!("MoveNet Lightning, arm-raise clip: worst {:.1} px ({}) over {count} keypoints", worst.0, worst.1);
    assert_eq!(count, 120 * 17);
    assert!(worst.0 <= 60.0, "{:.1} px at {}", worst.0, worst.1);
}

/// The yoga still: BlazePose full within the upstream test's ±11 px of MediaPipe's landmarks (every one of the 33),
/// and its world landmarks within ±0.11 m.
#[test]
fn blazepose_full_matches_mediapipe_on_the_yoga_still() {
    let engine = common::engine();
    let refs: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(common::data("annotations/stills_and_yoga_reference_keypoints.json")).unwrap(),
    )
    .unwrap();
    let yoga = refs.iter().find(|r| r["image"].as_str().unwrap().ends_with("yoga_warrior.jpg")).unwrap();
    let frame = common::image_frame("images/other/tfjs_pose_yoga_warrior.jpg");
    let mut est =
        PoseEstimator::new(&common::models(), &engine, EstimatorConfig::stills(PoseModel::BlazeposeFull)).unwrap();
    let pose = est.estimate(&frame).unwrap().expect("a person");
    let world = pose.world.as_ref().expect("world landmarks");
    let (mut worst_px, mut worst_m) = (0f32, 0f32);
    let mut within = 0;
    let mut errors = Vec::new();
    for (name, xy) in yoga["keypoints"].as_object().unwrap() {
        let joint = Joint::from_name(name).unwrap();
        let k = pose.get(joint).unwrap();
        let (x, y) = k.to_pixels(pose.frame_width, pose.frame_height);
        let e = dist((x, y), (xy[0].as_f64().unwrap() as f32, xy[1].as_f64().unwrap() as f32));
        worst_px = worst_px.max(e);
        within += usize::from(e <= 11.0);
        errors.push(e);
        let w = world[joint as usize];
        let r = &yoga["world_landmarks_m"][name];
        for (a, b) in [w.x, w.y, w.z].iter().zip(r.as_array().unwrap()) {
            worst_m = worst_m.max((a - b.as_f64().unwrap() as f32).abs());
        }
    }
    eprintln!("BlazePose full, yoga still: {within}/33 within 11 px, worst {worst_px:.1} px, world {worst_m:.3} m");
    assert_eq!(errors.len(), 33);
    assert!(worst_px <= 11.0, "{worst_px} px");
    assert!(worst_m <= 0.11, "{worst_m} m");
}
