//! Criterion benchmarks of the pose stage against the bare inference of the same model, on frames of the bundled
//! recording, with the engine `MIRRORCUE_ENGINE` selects (auto: ONNX Runtime when installed).
//!
//! `compare/side_by_side_*` is one display tick of side-by-side playback (see `bench_compare`).
//!
//! `pose_stage/<model>` is what the live app and `mirrorcue analyze` pay per frame after decoding: pre-processing,
//! inference, decoding of the outputs and smoothing, in video mode (tracking). `bare_inference/<model>` runs the
//! model alone on a ready input tensor (for BlazePose the landmark model, which is what runs per frame while
//! tracking). The brief's bound: pose stage ≤ 1.15 × bare inference.

use criterion::{Criterion, criterion_group, criterion_main};
use mirrorcue::Frame;
use mirrorcue::pose::engine::InputData;
use mirrorcue::pose::imgproc::{Affine, Border, Grid, sample_rgb};
use mirrorcue::pose::models::ModelFile;
use mirrorcue::pose::{Engine, EngineConfig, EstimatorConfig, ModelStore, PoseEstimator, PoseModel};

fn frames() -> Vec<Frame> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/recordings/tfjs_pose_squats.mp4");
    let mut src = mirrorcue::source::open(&path).expect("bundled recording");
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        if let Ok(f) = f {
            out.push(f);
        }
        if out.len() == 30 {
            break;
        }
    }
    out
}

fn bench_pose(c: &mut Criterion) {
    let engine = Engine::select(&EngineConfig::from_env().expect("engine settings")).expect("engine");
    eprintln!("engine: {}", engine.report());
    let store = ModelStore::locate();
    let frames = frames();
    let mut group = c.benchmark_group("pose_stage");
    for model in PoseModel::ALL {
        let mut est = PoseEstimator::new(&store, &engine, EstimatorConfig::video(model)).expect("model");
        let mut i = 0;
        group.bench_function(model.name(), |b| {
            b.iter(|| {
                let f = &frames[i % frames.len()];
                i += 1;
                est.estimate(f).expect("estimate")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("bare_inference");
    for (name, file) in [
        ("movenet-lightning", ModelFile::MovenetLightning),
        ("movenet-thunder", ModelFile::MovenetThunder),
        ("blazepose-detector", ModelFile::BlazeposeDetector),
        ("blazepose-lite-landmarks", ModelFile::BlazeposeLandmarkLite),
        ("blazepose-full-landmarks", ModelFile::BlazeposeLandmarkFull),
    ] {
        let spec = file.spec();
        let mut session = store.load(file, &engine, &[]).expect("model");
        let n: usize = spec.input_shape.iter().product();
        let (fi, ii) = (vec![0.5f32; n], vec![128i32; n]);
        group.bench_function(name, |b| {
            b.iter(|| {
                let input = match spec.input_dtype {
                    mirrorcue::pose::engine::DType::F32 => InputData::F32(&fi),
                    mirrorcue::pose::engine::DType::I32 => InputData::I32(&ii),
                };
                session.run(&spec.input_shape, input).expect("run").len()
            })
        });
    }
    group.finish();

    let img = image::RgbImage::from_fn(1280, 720, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let mut out = vec![0f32; 256 * 256 * 3];
    c.bench_function("preprocess/rotated_crop_1280x720_to_256", |b| {
        let map = Affine::rotated_square(640.0, 360.0, 600.0, 0.3, 256);
        b.iter(|| sample_rgb(&img, &map, Grid::OpenCv, Border::Replicate, 256, 256, &mut out, |v| v / 255.0))
    });
}

fn bench_views(c: &mut Criterion) {
    use mirrorcue::view::{DisplayImage, MirrorMode, Seam, SplitSource, ViewTransform};
    let img = image::RgbImage::from_fn(1280, 720, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let mut out = DisplayImage::default();
    let modes = [
        ("mirror_1280x720", MirrorMode::Mirror),
        ("split_vertical_1280x720", MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true }),
        ("split_horizontal_1280x720", MirrorMode::Split { source: SplitSource::Upper, selfie: false }),
    ];
    for (name, mode) in modes {
        let seam = if name.contains("horizontal") { Seam::horizontal(400.0) } else { Seam::vertical(610.0) };
        let view = ViewTransform::new(mode, 1280, 720, seam, None, false, 0.02);
        c.bench_function(&format!("view/{name}"), |b| b.iter(|| view.render(&img, &mut out)));
    }
}

/// `compare/`: one display tick of side by side at 1280×720, the code `mirrorcue bench --side-by-side` runs on each
/// tick (`mirrorcue::cli::bench::SideBySideDisplay`, the app's `poll` and panes), on frames in memory, without the
/// capture and pose threads or the 60 Hz pacing. Each iteration is a tick with a new patient frame: the session takes
/// it (movement follower, scores), the patient pane (mirror) and the reference pane render into their textures in a
/// headless egui context, and the ghost is computed. The reference pane is made to render on every tick (the
/// follower does not move it on every patient frame), so this is the busiest tick. `side_by_side_tick_*` also draws
/// both panes with their overlays and tessellates; `side_by_side_poll_*` leaves drawing out.
fn bench_compare(c: &mut Criterion) {
    use mirrorcue::cli::bench::{SideBySideDisplay, frames_stretched};
    use mirrorcue::compare::Clip;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/videos");
    let engine = Engine::select(&EngineConfig::from_env().expect("engine settings")).expect("engine");
    let store = ModelStore::locate();
    let mut est =
        PoseEstimator::new(&store, &engine, EstimatorConfig::video(PoseModel::MovenetLightning)).expect("model");
    // Patient: real camera footage; reference: the arm raises (as `mirrorcue bench --side-by-side`), stretched.
    let mut posed = |file: &str, n: usize| -> Vec<(Frame, Option<mirrorcue::pose::Pose>)> {
        est.reset();
        let (images, _) = frames_stretched(&dir.join(file), n).expect("footage");
        images
            .into_iter()
            .enumerate()
            .map(|(i, img)| {
                let f = Frame::new(img, i as u64, i as f64 / 30.0, file);
                let p = est.estimate(&f).expect("estimate");
                (f, p)
            })
            .collect()
    };
    let patient = posed("pose2sim_singleperson_cam01.mp4", 30);
    let reference = Clip::from_frames("reference", posed("tfjs_pose_1_synthetic_arm_raises.mp4", 120), 30.0);
    let mut group = c.benchmark_group("compare");
    for (name, draw) in [("side_by_side_tick_1280x720", true), ("side_by_side_poll_1280x720", false)] {
        let mut display = SideBySideDisplay::new(reference.clone());
        display.draw = draw;
        let mut i = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                let (f, p) = &patient[i as usize % patient.len()];
                // Time goes on through the loop of frames, as in a recording that plays on.
                let frame = Frame { index: i, time_s: i as f64 / 30.0, ..f.clone() };
                i += 1;
                display.compare.pane.reset();
                let out = display.tick(Some((frame, p.clone())), 1.0 / 60.0);
                assert!(out.patient_shown && out.reference_shown);
                out
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench_pose, bench_views, bench_compare
}
criterion_main!(benches);
