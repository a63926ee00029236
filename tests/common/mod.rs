//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod ui;

use std::path::PathBuf;

use mirrorcue::Frame;
use mirrorcue::pose::{Engine, EngineConfig, EngineKind, ModelStore};

/// The test data folder.
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

/// The shipped models.
pub fn models() -> ModelStore {
    ModelStore::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// The engine the test run is for: `MIRRORCUE_ENGINE` (auto, onnxruntime, tract), default auto.
/// With `MIRRORCUE_REQUIRE_ORT=1` (CI), a missing ONNX Runtime fails the run instead of falling back.
pub fn engine() -> Engine {
    let config = EngineConfig::from_env().expect("MIRRORCUE_ENGINE");
    let engine = Engine::select(&config).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var("MIRRORCUE_REQUIRE_ORT").as_deref() == Ok("1")
        && config.choice != mirrorcue::pose::EngineChoice::Tract
    {
        assert_eq!(engine.kind(), EngineKind::OnnxRuntime, "ONNX Runtime required: {:?}", engine.fallback_note());
    }
    eprintln!("engine: {}", engine.report());
    engine
}

/// All frames of a recording.
pub fn frames(rel: &str) -> Vec<Frame> {
    let mut src = mirrorcue::source::open(&data(rel)).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        out.push(f.unwrap_or_else(|e| panic!("{e}")));
    }
    out
}

/// One image as a frame.
pub fn image_frame(rel: &str) -> Frame {
    let img = image::open(data(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")).to_rgb8();
    Frame::new(img, 0, 0.0, rel)
}

/// Frame 0 of the squat clip (720 × 1280) as MediaPipe's BlazePose full saw it: 33 landmarks.
pub fn squat_blazepose() -> mirrorcue::pose::Pose {
    use mirrorcue::pose::{Keypoint, Pose, Skeleton};
    let all: Vec<Vec<Vec<f64>>> = serde_json::from_str(
        &std::fs::read_to_string(data("annotations/tfjs_pose_squats.blazepose33_2d.json")).unwrap(),
    )
    .unwrap();
    Pose {
        skeleton: Skeleton::BlazePose33,
        keypoints: all[0]
            .iter()
            .map(|p| Keypoint { x: p[0] as f32 / 720.0, y: p[1] as f32 / 1280.0, score: 0.9, presence: None, z: None })
            .collect(),
        score: 0.9,
        world: None,
        mask: None,
        frame_width: 720,
        frame_height: 1280,
    }
}
