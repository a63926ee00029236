//! ONNX Runtime and tract give the same keypoints.
//!
//! Needs both engines: when ONNX Runtime is not installed the test says so and checks tract alone, unless
//! `MIRRORCUE_REQUIRE_ORT=1` (set by CI), where its absence fails the test.

use crate::common;

use mirrorcue::pose::{Engine, EngineChoice, EngineConfig, EngineKind, EstimatorConfig, PoseEstimator, PoseModel};

/// The engines' raw outputs agree within 1e-2 (float rounding in different kernels). In keypoints that is well
/// under a pixel, except where BlazePose's heatmap refinement makes a discrete choice (the 7×7 window around the
/// landmark's heatmap cell, and whether the heatmap is confident enough): a tiny difference can move one landmark
/// by up to a heatmap cell (1/64 of the crop, 4 px on these photos). So: every keypoint within `MAX_PX`, and the
/// median within `MEDIAN_PX`.
const MAX_PX: f32 = 5.0;
/// See [`MAX_PX`].
const MEDIAN_PX: f32 = 0.05;

#[test]
fn onnxruntime_and_tract_agree() {
    let tract = Engine::select(&EngineConfig { choice: EngineChoice::Tract, ..Default::default() }).unwrap();
    let ort = match Engine::select(&EngineConfig { choice: EngineChoice::OnnxRuntime, ..Default::default() }) {
        Ok(e) => e,
        Err(e) => {
            assert_ne!(std::env::var("MIRRORCUE_REQUIRE_ORT").as_deref(), Ok("1"), "{e}");
            eprintln!("ONNX Runtime not available, comparison skipped: {e}");
            return;
        }
    };
    assert_eq!(ort.kind(), EngineKind::OnnxRuntime);
    let frames = [
        common::image_frame("images/stills/tfjs_pose_squats_f059_deep_squat.png"),
        common::image_frame("images/other/tfjs_pose_yoga_warrior.jpg"),
        common::image_frame("images/coco/000000234748.jpg"),
    ];
    for model in PoseModel::ALL {
        let mut a = PoseEstimator::new(&common::models(), &ort, EstimatorConfig::stills(model)).unwrap();
        let mut b = PoseEstimator::new(&common::models(), &tract, EstimatorConfig::stills(model)).unwrap();
        let mut diffs = Vec::new();
        for f in &frames {
            let (pa, pb) = (a.estimate(f).unwrap().unwrap(), b.estimate(f).unwrap().unwrap());
            for (ka, kb) in pa.keypoints.iter().zip(&pb.keypoints) {
                let d =
                    (((ka.x - kb.x) * f.width() as f32).powi(2) + ((ka.y - kb.y) * f.height() as f32).powi(2)).sqrt();
                diffs.push(d);
                assert!((ka.score - kb.score).abs() < 0.01, "{model}: scores {} vs {}", ka.score, kb.score);
            }
        }
        diffs.sort_by(f32::total_cmp);
        let (median, worst) = (diffs[diffs.len() / 2], diffs[diffs.len() - 1]);
        let over_1px = diffs.iter().filter(|&&d| d > 1.0).count();
        eprintln!(
            "{model}: engines differ by median {median:.4} px, at most {worst:.3} px; {over_1px} of {} keypoints over 1 px",
            diffs.len()
        );
        assert!(worst <= MAX_PX, "{model}: {worst} px");
        assert!(median <= MEDIAN_PX, "{model}: median {median} px");
    }
}

/// Without the person mask, BlazePose's landmark model is loaded without its mask decoder (`pose::onnx_prune`);
/// on both engines the landmarks are the same either way (to 1e-4 of the frame), the mask comes only when asked, and
/// it covers the person (probability over 0.5 at the mid-hip, under 0.5 in the frame's corner).
#[test]
fn blazepose_gives_the_same_landmarks_with_or_without_its_mask() {
    use mirrorcue::pose::Joint;
    let mut engines =
        vec![Engine::select(&EngineConfig { choice: EngineChoice::Tract, ..Default::default() }).unwrap()];
    match Engine::select(&EngineConfig { choice: EngineChoice::OnnxRuntime, ..Default::default() }) {
        Ok(e) => engines.push(e),
        Err(e) => assert_ne!(std::env::var("MIRRORCUE_REQUIRE_ORT").as_deref(), Ok("1"), "{e}"),
    }
    let frame = common::image_frame("images/stills/tfjs_pose_squats_f059_deep_squat.png");
    for engine in &engines {
        let run = |segmentation: bool| {
            let mut config = EstimatorConfig::stills(PoseModel::BlazeposeFull);
            config.segmentation = segmentation;
            let mut est = PoseEstimator::new(&common::models(), engine, config).unwrap();
            est.estimate(&frame).unwrap().expect("a person")
        };
        let (plain, masked) = (run(false), run(true));
        assert!(plain.mask.is_none(), "{:?}: a mask nobody asked for", engine.kind());
        for (a, b) in plain.keypoints.iter().zip(&masked.keypoints) {
            assert!((a.x - b.x).abs() < 1e-4 && (a.y - b.y).abs() < 1e-4, "{:?}: {a:?} against {b:?}", engine.kind());
        }
        let mask = masked.mask.as_ref().expect("the mask asked for");
        let (l, r) = (masked.get(Joint::LeftHip).unwrap(), masked.get(Joint::RightHip).unwrap());
        let at_hips = mask.sample((l.x + r.x) / 2.0, (l.y + r.y) / 2.0);
        let in_corner = mask.sample(0.02, 0.02);
        assert!(
            at_hips > 0.5 && in_corner < 0.5,
            "{:?}: mask {at_hips:.2} at the hips, {in_corner:.2} in the corner",
            engine.kind()
        );
    }
}
