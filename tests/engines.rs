//! ONNX Runtime and tract give the same keypoints.
//!
//! Needs both engines: when ONNX Runtime is not installed the test says so and checks tract alone, unless
//! `MIRRORCUE_REQUIRE_ORT=1` (set by CI), where its absence fails the test.

mod common;

use mirrorcue::pose::{Engine, EngineChoice, EngineConfig, EngineKind, EstimatorConfig, PoseEstimator, PoseModel};

/// Largest keypoint difference allowed between the engines, in pixels of the frame.
const TOLERANCE_PX: f32 = 0.5;

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
        let mut worst = 0f32;
        for f in &frames {
            let (pa, pb) = (a.estimate(f).unwrap().unwrap(), b.estimate(f).unwrap().unwrap());
            for (ka, kb) in pa.keypoints.iter().zip(&pb.keypoints) {
                let d =
                    (((ka.x - kb.x) * f.width() as f32).powi(2) + ((ka.y - kb.y) * f.height() as f32).powi(2)).sqrt();
                worst = worst.max(d);
                assert!((ka.score - kb.score).abs() < 0.01, "{model}: scores {} vs {}", ka.score, kb.score);
            }
        }
        eprintln!("{model}: engines differ by at most {worst:.3} px");
        assert!(worst <= TOLERANCE_PX, "{model}: {worst} px");
    }
}
