//! Mirroring never renames a limb.
//!
//! A model run on a horizontally flipped image sees the person's left arm where a right arm would be and calls it
//! "right". Frames marked `mirrored` (some webcams flip in the driver) get their labels swapped back, so the pose
//! has the same anatomical names with positions mirrored. Without the mark, the names come out swapped: the test
//! checks that too, so it proves the swap is needed and done, for each model.

use crate::common;

use mirrorcue::Frame;
use mirrorcue::pose::{EstimatorConfig, Joint, Pose, PoseEstimator, PoseModel};

const LIMBS: [Joint; 12] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftElbow,
    Joint::RightElbow,
    Joint::LeftWrist,
    Joint::RightWrist,
    Joint::LeftHip,
    Joint::RightHip,
    Joint::LeftKnee,
    Joint::RightKnee,
    Joint::LeftAnkle,
    Joint::RightAnkle,
];

/// Largest distance, in pixels, between `a`'s joints and `b`'s joints mirrored back (x → 1 − x), over the limbs.
fn mirrored_distance(a: &Pose, b: &Pose, rename: impl Fn(Joint) -> Joint) -> f32 {
    let (w, h) = (a.frame_width as f32, a.frame_height as f32);
    LIMBS
        .iter()
        .map(|&j| {
            let ka = a.get(j).unwrap();
            let kb = b.get(rename(j)).unwrap();
            (((ka.x - (1.0 - kb.x)) * w).powi(2) + ((ka.y - kb.y) * h).powi(2)).sqrt()
        })
        .fold(0.0, f32::max)
}

fn check(model: PoseModel, still: &str) {
    let engine = common::engine();
    let frame = common::image_frame(still);
    let mut flipped_img = (*frame.image).clone();
    image::imageops::flip_horizontal_in_place(&mut flipped_img);
    let mut mirrored = Frame::new(flipped_img, 0, 0.0, "flipped");
    mirrored.mirrored = true;
    let mut unmarked = mirrored.clone();
    unmarked.mirrored = false;

    let mut est = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::stills(model)).unwrap();
    let original = est.estimate(&frame).unwrap().expect("person in the original");
    let fixed = est.estimate(&mirrored).unwrap().expect("person in the mirrored frame");
    let raw = est.estimate(&unmarked).unwrap().expect("person in the unmarked flipped frame");

    // The person's left wrist is on the image's right in the original (they face the camera), and on the image's
    // left in the mirrored frame: still called left.
    let lw = original.get(Joint::LeftWrist).unwrap();
    let lw_m = fixed.get(Joint::LeftWrist).unwrap();
    assert!((lw.x - 0.5) * (lw_m.x - 0.5) < 0.0, "left wrist should change image side: {} vs {}", lw.x, lw_m.x);

    let tolerance = 0.04 * original.frame_height as f32;
    let same_names = mirrored_distance(&original, &fixed, |j| j);
    assert!(same_names < tolerance, "{model}: mirrored frame's left/right differ by {same_names:.1} px");
    // Unmarked, the model's own names are the mirror twins.
    let swapped = mirrored_distance(&original, &raw, |j| j.twin());
    assert!(swapped < tolerance, "{model}: unmarked flipped frame should swap names ({swapped:.1} px)");
    let wrong = mirrored_distance(&original, &raw, |j| j);
    assert!(wrong > 3.0 * tolerance, "{model}: the test would not notice a missing swap ({wrong:.1} px)");
    eprintln!(
        "{model}: mirrored labels within {same_names:.1} px; unmarked swapped within {swapped:.1} px; naive {wrong:.1} px"
    );
}

#[test]
fn movenet_keeps_anatomical_sides_on_mirrored_frames() {
    check(PoseModel::MovenetLightning, "images/stills/tfjs_pose_1_f060_arms_up.png");
    check(PoseModel::MovenetThunder, "images/other/tfjs_pose_yoga_warrior.jpg");
}

#[test]
fn blazepose_keeps_anatomical_sides_on_mirrored_frames() {
    check(PoseModel::BlazeposeFull, "images/other/tfjs_pose_yoga_warrior.jpg");
    check(PoseModel::BlazeposeLite, "images/other/tfjs_pose_yoga_warrior.jpg");
}

/// A mirrored view (the selfie view) moves where joints are drawn, never their names.
#[test]
fn flipped_view_moves_positions_only() {
    let engine = common::engine();
    let frame = common::image_frame("images/stills/tfjs_pose_1_f060_arms_up.png");
    let mut est =
        PoseEstimator::new(&common::models(), &engine, EstimatorConfig::stills(PoseModel::MovenetLightning)).unwrap();
    let pose = est.estimate(&frame).unwrap().unwrap();
    let view = pose.flipped_horizontally();
    for (j, k) in pose.iter() {
        let v = view.get(j).unwrap();
        assert!((v.x - (1.0 - k.x)).abs() < 1e-6 && v.y == k.y && v.score == k.score, "{}", j.name());
    }
}
