//! Criterion benchmarks of the hand pipeline per 1280 × 720 frame, with the engine `MIRRORCUE_ENGINE` selects
//! (run once per engine: `MIRRORCUE_ENGINE=onnxruntime cargo bench --profile dev --bench hands`, then `=tract`).
//!
//! The frames: frames of the bundled squat recording (720 × 1280), a 720-pixel band around the hands centred on a
//! grey 1280 × 720 canvas, so the palm detector sees the letterbox and scale of a landscape camera; only the frames
//! where both hands are found are timed.
//!
//! - `hands/<engine>/palm_and_landmarks`: palm detection on the whole frame, then the landmark model on each palm
//!   found (two hands): what a frame costs when the hands are (re)detected, and on every still;
//! - `hands/<engine>/tracking`: video mode, both hands tracked from the previous landmarks (landmark model twice,
//!   no palm detection): the steady live cost;
//! - `hands/<engine>/lightning_and_hands_tracking`: MoveNet Lightning plus hand tracking, the live path of hand
//!   therapy.

use criterion::{Criterion, criterion_group, criterion_main};
use image::RgbImage;
use mirrorcue::Frame;
use mirrorcue::hands::{HandTracker, HandsConfig};
use mirrorcue::pose::{Engine, EngineConfig, EstimatorConfig, ModelStore, PoseEstimator, PoseModel};

fn landscape_frames() -> Vec<Frame> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/recordings/tfjs_pose_squats.mp4");
    let mut src = mirrorcue::source::open(&path).expect("bundled recording");
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        let Ok(f) = f else { continue };
        let mut canvas = RgbImage::from_pixel(1280, 720, image::Rgb([128, 128, 128]));
        let band = image::imageops::crop_imm(&*f.image, 0, 250, 720, 720).to_image();
        image::imageops::replace(&mut canvas, &band, 280, 0);
        out.push(Frame::new(canvas, f.index, f.time_s, "squats band 1280x720"));
        if out.len() == 40 {
            break;
        }
    }
    out
}

fn bench_hands(c: &mut Criterion) {
    let engine = Engine::select(&EngineConfig::from_env().expect("engine settings")).expect("engine");
    eprintln!("engine: {}", engine.report());
    let store = ModelStore::locate();
    let frames = landscape_frames();
    let kind = engine.kind().name();
    let mut group = c.benchmark_group(format!("hands/{kind}"));
    group.sample_size(10);

    let mut stills = HandTracker::new(&store, &engine, HandsConfig::stills()).expect("hand models");
    // Only the frames where both hands are found, so every iteration does the same work.
    let frames: Vec<Frame> = frames.into_iter().filter(|f| stills.process(f).expect("hands").len() == 2).collect();
    eprintln!("{} frames with both hands", frames.len());
    assert!(frames.len() >= 5, "the benchmark frames should show both hands");
    let mut i = 0;
    group.bench_function("palm_and_landmarks", |b| {
        b.iter(|| {
            i += 1;
            stills.process(&frames[i % frames.len()]).expect("hands").len()
        })
    });

    let mut video = HandTracker::new(&store, &engine, HandsConfig::default()).expect("hand models");
    group.bench_function("tracking", |b| {
        b.iter(|| {
            i += 1;
            video.process(&frames[i % frames.len()]).expect("hands").len()
        })
    });

    let mut pose =
        PoseEstimator::new(&store, &engine, EstimatorConfig::video(PoseModel::MovenetLightning)).expect("pose model");
    group.bench_function("lightning_and_hands_tracking", |b| {
        b.iter(|| {
            i += 1;
            let f = &frames[i % frames.len()];
            (pose.estimate(f).expect("pose").is_some(), video.process(f).expect("hands").len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench_hands);
criterion_main!(benches);
