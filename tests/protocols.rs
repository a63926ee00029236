//! The shipped protocols: they cue the right way (defect 3 of issue 9), and what each cues and counts on the real
//! recordings is pinned (the counts were checked by eye on the frames).

use crate::common;

use mirrorcue::pose::{Joint, Keypoint, Pose, Skeleton};
use mirrorcue::posture::{CheckState, PostureSession, Protocol};

fn protocol(name: &str) -> Protocol {
    Protocol::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/protocols").join(name))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A BlazePose pose on a 1000×1000 frame from pixel positions (others unseen).
fn pose_at(points: &[(Joint, f32, f32)]) -> Pose {
    let mut kps = vec![Keypoint { x: 0.5, y: 0.5, score: 0.0, presence: None, z: None }; 33];
    for &(j, x, y) in points {
        kps[Skeleton::BlazePose33.index_of(j).unwrap()] =
            Keypoint { x: x / 1000.0, y: y / 1000.0, score: 0.9, presence: None, z: None };
    }
    Pose {
        skeleton: Skeleton::BlazePose33,
        keypoints: kps,
        score: 0.9,
        world: None,
        mask: None,
        frame_width: 1000,
        frame_height: 1000,
    }
}

/// Facing the camera (the person's left on the image's right), standing, or squatting with the knees `knee_dx`
/// pixels outside (positive) or inside (negative) their feet.
fn squat_pose(squatting: bool, knee_dx: f32) -> Pose {
    use Joint::*;
    let (shoulder_y, hip_y, knee_y) = if squatting { (380.0, 700.0, 730.0) } else { (200.0, 500.0, 700.0) };
    let dx = if squatting { knee_dx } else { 0.0 };
    pose_at(&[
        (LeftShoulder, 580.0, shoulder_y),
        (RightShoulder, 420.0, shoulder_y),
        (LeftHip, 560.0, hip_y),
        (RightHip, 440.0, hip_y),
        (LeftKnee, 560.0 + dx, knee_y),
        (RightKnee, 440.0 - dx, knee_y),
        (LeftAnkle, 560.0, 900.0),
        (RightAnkle, 440.0, 900.0),
        (LeftFootIndex, 560.0, 950.0),
        (RightFootIndex, 440.0, 950.0),
    ])
}

/// Three squats of 3 s (1 s standing, 2 s down); returns the cues shown and the session.
fn three_squats(knee_dx: f32) -> (Vec<String>, PostureSession) {
    let mut s = PostureSession::new(protocol("squat_knee_alignment.toml"));
    let mut cues = Vec::new();
    for i in 0..270 {
        let t = i as f64 / 30.0;
        let r = s.update(t, Some(&squat_pose(t % 3.0 >= 1.0, knee_dx)));
        if let Some(c) = r.cue
            && cues.last() != Some(&c.text)
        {
            cues.push(c.text);
        }
    }
    (cues, s)
}

/// Defect 3: knees pushed out, well outside the feet (0.28 torso lengths), get no "push your knee out"; knees
/// collapsing inwards (0.19 torso lengths) do, each naming its side.
#[test]
fn the_squat_protocol_cues_only_knees_that_fall_inwards() {
    let (cues, s) = three_squats(90.0);
    assert!(cues.is_empty(), "knees already out were cued: {cues:?}");
    assert_eq!(s.summary().reps[0].count, 3);
    let (cues, s) = three_squats(-60.0);
    assert!(cues.iter().any(|c| c.contains("left knee out")), "{cues:?}");
    assert!(s.summary().checkpoints[0].time_out_s > 3.0, "{:?}", s.summary().checkpoints[0]);
    // Standing, the knee checks are not applied (they are for the squat).
    let mut s = PostureSession::new(protocol("squat_knee_alignment.toml"));
    let r = s.update(0.0, Some(&squat_pose(false, 0.0)));
    assert_eq!(&r.states[..2], &[CheckState::Inactive, CheckState::Inactive]);
}

/// Runs `protocol` over `clip` on the model it needs; returns the session and the cue texts in the order shown.
fn run_on(protocol_file: &str, clip: &str) -> (PostureSession, Vec<String>) {
    let p = protocol(protocol_file);
    let model = p.requirement().preferred(mirrorcue::pose::PoseModel::MovenetThunder);
    let engine = common::engine();
    let mut est =
        mirrorcue::pose::PoseEstimator::new(&common::models(), &engine, mirrorcue::pose::EstimatorConfig::video(model))
            .unwrap();
    let mut s = PostureSession::new(p);
    let mut cues: Vec<String> = Vec::new();
    let mut last = None;
    for f in common::frames(clip) {
        let pose = est.estimate(&f).unwrap();
        let r = s.update(f.time_s, pose.as_ref());
        let now = r.cue.as_ref().map(|c| (c.checkpoint, c.since_s));
        if let (Some(c), true) = (&r.cue, now != last) {
            cues.push(c.text.clone());
        }
        last = now;
    }
    eprintln!("{protocol_file} on {clip}: cues {cues:?}\n{}", serde_json::to_string_pretty(s.summary()).unwrap());
    (s, cues)
}

/// The bundled squats (65 frames, 5 fps, seen a little from the side): 3 squats; the knees stay over the toes
/// while squatting (by eye on frames 9, 33 and 56: each knee within 16 px of its toes), so no knee cue; the trunk
/// leans past 25° at the bottom (up to 28°), so "Keep your chest up" shows.
#[test]
fn squat_protocol_on_the_bundled_squats() {
    let (s, cues) = run_on("squat_knee_alignment.toml", "videos/tfjs_pose_squats.mp4");
    let sum = s.summary();
    assert_eq!(sum.reps[0].count, 3);
    assert!((sum.duration_s - 13.0).abs() < 0.01, "{}", sum.duration_s);
    assert!(cues.iter().all(|c| c == "Keep your chest up"), "{cues:?}");
    assert!(!cues.is_empty());
    for c in &sum.checkpoints[..2] {
        assert_eq!(c.cues, 0, "{}", c.name);
        assert!(c.longest_in_tolerance_s > 2.0 && c.time_checked_s > 5.0, "{c:?}");
    }
}

/// The synthetic arm raises (120 frames, 30 fps): one raise of each arm, both overhead, no cue (the arms pass the
/// 60°–145° band in well under the cue delay); the shoulders stay level enough: no "keep your shoulder down".
#[test]
fn arm_protocols_on_the_arm_raises() {
    let (s, cues) = run_on("arm_raise_range_of_motion.toml", "videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let sum = s.summary();
    assert!(cues.is_empty(), "{cues:?}");
    assert_eq!((sum.reps[0].count, sum.reps[1].count), (1, 1));
    for c in &sum.checkpoints {
        assert!(c.max.unwrap() > 150.0 && c.min.unwrap() < 60.0, "{c:?}");
        assert!(c.longest_in_tolerance_s > 0.5, "{c:?}");
    }
    let (s, cues) = run_on("shoulder_elevation_arm_raise.toml", "videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    assert!(cues.is_empty(), "{cues:?}");
    assert!(s.summary().checkpoints.iter().all(|c| c.time_in_tolerance_s > 3.5), "{:?}", s.summary().checkpoints);
}

/// The pose2sim take (100 frames, 60 fps: a man in a lab bending his trunk to about 50° and back): the standing
/// protocol cues once, and no 20 s hold can complete in 1.7 s; the forward-head
/// protocol (made for a side view; this is not one) cues at most once.
#[test]
fn standing_protocols_on_the_lab_take() {
    let (s, cues) = run_on("trunk_lean_standing.toml", "videos/pose2sim_singleperson_cam01.mp4");
    // Both checkpoints are out of tolerance on this take (the trunk bends to 51°; the pelvis reads −38° to −4°,
    // he steps back), so one calm cue comes in 1.7 s, for whichever left tolerance first: the trunk (6.2° on the
    // first frame before the tracker's second look at a new person, 4.2° since) or the pelvis.
    assert_eq!(cues.len(), 1, "{cues:?}");
    assert!(["Stand tall, straight up", "Even your weight on both feet"].contains(&cues[0].as_str()), "{cues:?}");
    let trunk = &s.summary().checkpoints[0];
    assert!(trunk.max.unwrap() > 40.0 && trunk.holds == 0, "{trunk:?}");
    // Forward head is made for a side view and this is a front view: the ear-over-shoulder measure sits at its
    // limit, so ONNX Runtime cues once and tract (a hair apart) not at all. Never more than one cue, and only this.
    let (_, cues) = run_on("forward_head.toml", "videos/pose2sim_singleperson_cam01.mp4");
    assert!(cues.len() <= 1 && cues.iter().all(|c| c == "Draw your chin back, ear over shoulder"), "{cues:?}");
}
