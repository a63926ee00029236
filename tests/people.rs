//! Several people in view: the caller chooses whom to follow, and the pipeline stays with that person.

use crate::common;

use mirrorcue::Frame;
use mirrorcue::pose::{EstimatorConfig, Joint, PersonSelector, PoseEstimator, PoseModel};

/// Mid-shoulder x of a pose (normalised).
fn torso_x(p: &mirrorcue::pose::Pose) -> f32 {
    (p.get(Joint::LeftShoulder).unwrap().x + p.get(Joint::RightShoulder).unwrap().x) / 2.0
}

/// In the three-people photo, a position near each man picks that man, for every model.
#[test]
fn choosing_a_person_by_position() {
    let engine = common::engine();
    let frame = common::image_frame("images/other/tfjs_three_people.jpg");
    for model in [PoseModel::BlazeposeFull, PoseModel::MovenetLightning] {
        let mut found = Vec::new();
        // Left man (standing, arm raised), middle man (seated, in front), right man (standing).
        for (x, y) in [(0.2f32, 0.45f32), (0.38, 0.75), (0.85, 0.55)] {
            let mut config = EstimatorConfig::video(model);
            config.selector = PersonSelector::Nearest { x, y };
            let mut est = PoseEstimator::new(&common::models(), &engine, config).unwrap();
            let Some(pose) = est.estimate(&frame).unwrap() else {
                // BlazePose's landmark model gives the seated man, whose hips are out of the frame, a presence of
                // 0.38, below MediaPipe's 0.5: nobody, rather than somebody else, is the right answer then.
                assert!(model != PoseModel::MovenetLightning && x == 0.38, "{model}: nobody near x = {x}");
                continue;
            };
            let tx = torso_x(&pose);
            eprintln!("{model}: asked for x = {x}, got torso at x = {tx:.3}");
            assert!((tx - x).abs() < 0.12, "{model}: asked for x = {x}, got {tx}");
            found.push(tx);
        }
        assert!(found.windows(2).all(|w| w[0] < w[1]), "{model}: {found:?}");
        assert!(found.len() >= 2);
    }
}

/// Once chosen, the person is followed across frames, also when the others are as visible.
#[test]
fn the_chosen_person_is_followed() {
    let engine = common::engine();
    let still = common::image_frame("images/other/tfjs_three_people.jpg");
    for model in [PoseModel::BlazeposeLite, PoseModel::MovenetLightning] {
        let mut config = EstimatorConfig::video(model);
        config.selector = PersonSelector::Nearest { x: 0.85, y: 0.55 };
        let mut est = PoseEstimator::new(&common::models(), &engine, config).unwrap();
        for i in 0..15u64 {
            let frame = Frame::new((*still.image).clone(), i, i as f64 / 30.0, "three people");
            let pose = est.estimate(&frame).unwrap().unwrap_or_else(|| panic!("{model}: lost in frame {i}"));
            assert!(torso_x(&pose) > 0.66, "{model}: frame {i} switched to the person at {}", torso_x(&pose));
        }
    }
}
